"""Compiled catalogs (``.mo``): reviewed entries only."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import polib

from pipeline.catalog import entry as entry_state
from pipeline.catalog.paths import CatalogInfo, domains
from pipeline.catalog.pofile import load_catalog
from pipeline.config import Config, Language
from pipeline.fs import atomic_write


def compile_catalogs(config: Config, languages: list[Language]) -> list[tuple[Path, int]]:
    """Write ``.mo`` beside each ``.po`` (atomically); fuzzy entries are left out."""
    done = []
    for lang in languages:
        for name in domains(config):
            info = CatalogInfo(name, lang, config.locale_dir)
            if not info.po_path.exists():
                continue
            po = load_catalog(info.po_path).po
            compiled = polib.POFile()
            compiled.metadata = dict(po.metadata)
            for entry in po:
                if entry_state.is_reviewed(entry, config.review):
                    compiled.append(entry)
            fd, tmp = tempfile.mkstemp(prefix=f".{info.mo_path.name}.{os.getpid()}.",
                                       suffix=".tmp", dir=info.po_path.parent)
            os.close(fd)
            try:
                compiled.save_as_mofile(tmp)
                atomic_write(info.mo_path, Path(tmp).read_bytes())
            finally:
                os.unlink(tmp)
            done.append((info.mo_path, len(compiled)))
    return done
