"""Apertium, offline: the whole batch through one process call, one blank line per boundary."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from functools import cached_property

from pipeline.config import Language
from pipeline.errors import EngineError
from pipeline.mt.engines.base import Failure, Result
from pipeline.mt.protect import TOKEN_PATTERN

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
_BOUNDARY_RE = re.compile(r"\n[ \t]*\n")
# With -u Apertium prints no marks, but a mark that slips through must not reach a catalog:
# "*word" (unknown), "#word" (no generation), "@word" (not in the bilingual dictionary).
_MARK_RE = re.compile(r"(?<![\w*#@])[*#@](?=\w)")
TIMEOUT_S = 600
DEBIAN_SCRIPT, DEBIAN_DATADIR = "/usr/bin/apertium", "/usr/share/apertium"
# Apertium starts a new sentence after an unknown word, so the word after a placeholder
# comes back capitalised ("zx0qz starts" → "zx0qz Empieza").
_AFTER_TOKEN = re.compile(rf"({TOKEN_PATTERN})(\s+)(\w+)", re.I)


def _names(lang: Language | str) -> set[str]:
    base = lang.base if isinstance(lang, Language) else lang.split("_")[0]
    return {base, _ALPHA3.get(base, base)}


def debian_package(source: Language, target: Language) -> str:
    """The Debian package name a pair would have, e.g. ``apertium-eng-spa``."""
    return (f"apertium-{_ALPHA3.get(source.base, source.base)}-"
            f"{_ALPHA3.get(target.base, target.base)}")


class Apertium:
    """The ``apertium`` command with the Debian language-pair packages."""

    name = "apertium"
    # Entries in a run's first call (translate sizes later calls from the time it took):
    # Apertium does about 700 a second on one busy core, and each call starts ~10 processes,
    # so a page or a 1,000-entry catalog goes in one call.
    first_batch = 2000
    # A call starts about ten processes (0.2 s of CPU) and text is cheap: an entry with a
    # glossary stand-in goes with its plain-placeholder fallback in the same call.
    cheap_fallback = True
    # Its drafts are not checked at the end of translate (rule-based and fast; the checks
    # cost about a seventh of the run on the seed page): `pipeline check` and `review` show
    # their findings.
    checks_drafts = False

    def __init__(self, binary: str = "apertium"):
        self.binary = binary

    @cached_property
    def modes(self) -> tuple[str, ...]:
        """Installed modes (``eng-spa``, ``en-gl`` …) from ``apertium -l``.

        Debian's ``/usr/bin/apertium`` is a shell script whose ``-l`` lists
        ``$APERTIUM_DATADIR/modes/*.mode``: that folder is read directly (a start of bash
        saved); any other ``apertium`` is asked."""
        path = shutil.which(self.binary)
        if path is None:
            return ()
        listed = _listed_modes(path)
        if listed is not None:
            return listed
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
        # Known-but-absent packages print an empty version ("apertium-en-es="): leave them out.
        installed = [p for p in out.split() if not p.endswith("=")]
        return " ".join(sorted(installed)) or "apertium"

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
                f"{', '.join(self.modes) or 'none'} (Debian: apt-get install "
                f"{debian_package(source, target)}, if the pair exists)"
            )
        clean = [" ".join(t.split()) for t in texts]
        results: list[Result] = [Failure("empty text")] * len(clean)
        todo = [i for i, t in enumerate(clean) if t]
        if not todo:
            return results
        out = self._run(BOUNDARY.join(clean[i] for i in todo), mode)
        parts = _BOUNDARY_RE.split(out.strip())
        if len(parts) == len(todo):
            for i, part in zip(todo, parts, strict=True):
                results[i] = _tidy(part, clean[i])
        else:
            # Rare: a boundary was lost; fall back to one call per text for this batch.
            for i in todo:
                results[i] = self._one(clean[i], mode)
        return results

    def _one(self, text: str, mode: str) -> Result:
        try:
            return _tidy(self._run(text, mode), text)
        except EngineError as exc:
            return Failure(exc.message)

    def _run(self, text: str, mode: str) -> str:
        try:
            proc = subprocess.run(
                [self.binary, "-u", mode],
                input=text, capture_output=True, text=True, encoding="utf-8",
                timeout=TIMEOUT_S, check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise EngineError(f"apertium failed to run: {exc}") from None
        if proc.returncode != 0:
            raise EngineError(f"apertium {mode} failed: {proc.stderr.strip()[:200]}")
        return proc.stdout


def _listed_modes(path: str) -> tuple[str, ...] | None:
    """What Debian's ``apertium -l`` would print, read from its data folder; None when
    ``path`` is not Debian's script or the folder is not there."""
    if os.path.realpath(path) != DEBIAN_SCRIPT:
        return None
    folder = os.path.join(os.environ.get("APERTIUM_DATADIR") or DEBIAN_DATADIR, "modes")
    try:
        names = os.listdir(folder)
    except OSError:
        return None
    return tuple(sorted(n[: -len(".mode")] for n in names if n.endswith(".mode")))


def _tidy(out: str, text: str) -> Result:
    """One line of output, without unknown-word marks the input did not have."""
    absent = {mark for mark in "*#@" if mark not in text}
    out = _MARK_RE.sub(lambda m: "" if m.group(0) in absent else m.group(0), " ".join(out.split()))
    lower = {int(m.group(2)) for m in _AFTER_TOKEN.finditer(text) if m.group(4)[:1].islower()}

    def uncapitalise(m: re.Match[str]) -> str:
        word = m.group(4)
        if int(m.group(2)) in lower and word[:1].isupper() and not word.isupper():
            word = word[:1].lower() + word[1:]
        return m.group(1) + m.group(3) + word

    out = _AFTER_TOKEN.sub(uncapitalise, out)
    return out if out else Failure("apertium returned nothing")
