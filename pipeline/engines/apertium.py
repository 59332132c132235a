"""Apertium, offline: the whole batch through one process call, one blank line per boundary."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from functools import cached_property

from ..config import Language
from ..errors import EngineError
from . import Failure, Result

# ISO 639-1 → 639-3 for the languages Apertium names by three letters.
_ALPHA3 = {
    "en": "eng", "es": "spa", "ca": "cat", "gl": "glg", "pt": "por", "fr": "fra",
    "it": "ita", "oc": "oci", "eu": "eus", "ro": "ron", "de": "deu", "nl": "nld",
    "sv": "swe", "da": "dan", "nb": "nob", "nn": "nno", "is": "isl", "ar": "ara",
    "mt": "mlt", "kk": "kaz", "tt": "tat", "br": "bre", "cy": "cym", "eo": "epo",
    "an": "arg", "ast": "ast", "sc": "srd", "hi": "hin", "ur": "urd", "ru": "rus",
    "uk": "ukr", "be": "bel", "pl": "pol", "cs": "ces", "sk": "slk", "sl": "slv",
    "hr": "hbs", "sr": "hbs", "bs": "hbs", "mk": "mkd", "bg": "bul", "id": "ind",
    "ms": "msa", "af": "afr", "zh": "zho", "fa": "fas", "he": "heb",
}
BOUNDARY = "\n\n"
TIMEOUT_S = 600


def _names(lang: Language | str) -> set[str]:
    base = lang.base if isinstance(lang, Language) else lang.split("_")[0]
    return {base, _ALPHA3.get(base, base)}


class Apertium:
    """The ``apertium`` command with the Debian language-pair packages."""

    name = "apertium"

    def __init__(self, binary: str = "apertium"):
        self.binary = binary

    @cached_property
    def modes(self) -> tuple[str, ...]:
        """Installed modes (``eng-spa``, ``en-gl`` …) from ``apertium -l``."""
        path = shutil.which(self.binary)
        if path is None:
            return ()
        try:
            out = subprocess.run(
                [path, "-l"], capture_output=True, text=True, timeout=30, check=False
            ).stdout
        except (OSError, subprocess.TimeoutExpired):
            return ()
        return tuple(line.strip() for line in out.splitlines() if line.strip())

    def mode(self, source: Language, target: Language) -> str | None:
        """The mode for a pair, e.g. ``eng-spa`` for en→es (plain pairs, not variants)."""
        src, tgt = _names(source), _names(target)
        for mode in self.modes:
            parts = mode.split("-")
            if len(parts) == 2 and parts[0] in src and parts[1] in tgt:
                return mode
        return None

    def supports(self, source: Language, target: Language) -> bool:
        return self.mode(source, target) is not None

    @cached_property
    def version(self) -> str:
        try:
            out = subprocess.run(
                ["dpkg-query", "-W", "-f=${Package}=${Version} ", "apertium", "apertium-*"],
                capture_output=True, text=True, timeout=30, check=False,
            ).stdout
        except (OSError, subprocess.TimeoutExpired):
            out = ""
        return out.strip() or "apertium"

    def translate_batch(
        self, texts: Sequence[str], source: Language, target: Language
    ) -> list[Result]:
        """All texts in one ``apertium -u`` call, separated by blank lines.

        ``-z`` (NUL-separated) loses boundaries and ``-f line`` drops final periods;
        blank-line-separated plain text keeps every boundary (measured).
        """
        if not texts:
            return []
        mode = self.mode(source, target)
        if mode is None:
            raise EngineError(
                f"no Apertium pair for {source.gettext}→{target.gettext}; installed: "
                f"{', '.join(self.modes) or 'none'} (Debian: apt-get install apertium-eng-"
                f"{_ALPHA3.get(target.base, target.base)})"
            )
        clean = [" ".join(t.split()) for t in texts]
        if any(not t for t in clean):
            return [Failure("empty text") if not t else self._one(t, mode) for t in clean]
        out = self._run(BOUNDARY.join(clean), mode)
        parts = out.strip("\n").split(BOUNDARY)
        if len(parts) != len(clean):
            # Rare: a boundary was lost; fall back to one call per text for this batch.
            return [self._one(t, mode) for t in clean]
        return [" ".join(p.split()) for p in parts]

    def _one(self, text: str, mode: str) -> Result:
        try:
            return " ".join(self._run(text, mode).split())
        except EngineError as exc:
            return Failure(exc.message)

    def _run(self, text: str, mode: str) -> str:
        try:
            proc = subprocess.run(
                [self.binary, "-u", mode],
                input=text, capture_output=True, text=True, timeout=TIMEOUT_S, check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise EngineError(f"apertium failed to run: {exc}") from None
        if proc.returncode != 0:
            raise EngineError(f"apertium {mode} failed: {proc.stderr.strip()[:200]}")
        return proc.stdout
