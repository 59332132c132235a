"""Project settings from ``[tool.pipeline]`` and language-code handling."""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError

RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "ps", "yi", "dv", "ckb", "sd", "ug"})

KNOWN_KEYS: dict[str, type | tuple[type, ...]] = {
    "source_language": str,
    "languages": list,
    "engines": dict,
    "min_reviewed": (int, float),
    "keep_public_above": (int, float),
    "formats": list,
    "page_size": str,
    "site_name": str,
    "glossary": str,
    "online": dict,
    "outdated": str,
    "preview_only": list,
    "base_url": str,
    "require_signoff": bool,
    "four_eyes": bool,
}

OUTDATED_POLICIES = ("english", "withdraw")
"""``outdated``: what an already public page shows once its English changed — the current
English of the changed blocks (marked ``lang="en"``, with a notice), or, per page, a short
page in the reader's language pointing to the English (``withdraw``)."""
KEEP_PUBLIC_ABOVE = 75.0
"""Default ``keep_public_above``: a public page stays a full page while at least three in
four of its current entries are reviewed; below that the reader meets more English than
their language, and a short page pointing to the English is the honest answer."""


@dataclass(frozen=True, slots=True)
class Language:
    """A language as gettext (``pt_BR``) and BCP 47 (``pt-BR``) spell it."""

    gettext: str
    bcp47: str

    @property
    def base(self) -> str:
        """The bare language subtag: ``pt`` for ``pt_BR``."""
        return self.gettext.split("_")[0]

    @property
    def direction(self) -> str:
        return "rtl" if self.base in RTL_LANGUAGES else "ltr"

    def __str__(self) -> str:
        return self.gettext


@lru_cache(maxsize=1)
def _known_locales() -> tuple[str, ...]:
    from babel.localedata import locale_identifiers

    return tuple(sorted(locale_identifiers()))


def parse_language(code: str) -> Language:
    """Accept ``pt-BR``, ``pt_BR``, ``zh-Hans``; reject unknown codes with a suggestion.

    >>> parse_language("pt-BR")
    Language(gettext='pt_BR', bcp47='pt-BR')
    """
    from babel import Locale, UnknownLocaleError

    raw = code.strip()
    norm = raw.replace("-", "_")
    try:
        loc = Locale.parse(norm)
    except (UnknownLocaleError, ValueError, TypeError):
        choices = _known_locales()
        close = difflib.get_close_matches(norm, choices, n=3, cutoff=0.6)
        close += [c for c in choices if c.lower().startswith(norm.lower()[:2]) and c not in close][
            : max(0, 3 - len(close))
        ]
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ConfigError(f"unknown language code '{raw}'{hint}") from None
    parts = [loc.language]
    if loc.script:
        parts.append(loc.script)
    if loc.territory:
        parts.append(loc.territory)
    return Language("_".join(parts), "-".join(parts))


@dataclass(frozen=True, slots=True)
class ReviewPolicy:
    """What "reviewed" means in this project, built once from ``[tool.pipeline]``
    (:attr:`Config.review`). :func:`pipeline.catalog.entry.is_reviewed` requires it, so no
    reader of review state can leave the sign-off setting out."""

    signoff_required: bool
    four_eyes: bool = False


@dataclass(frozen=True, slots=True)
class Config:
    """The project: where it lives and what ``[tool.pipeline]`` says."""

    root: Path
    source_language: str = "en"
    languages: tuple[Language, ...] = ()
    engines: dict[str, str] = field(default_factory=dict)
    min_reviewed: float = 100.0
    keep_public_above: float = KEEP_PUBLIC_ABOVE
    formats: tuple[str, ...] = ("html", "pdf")
    page_size: str = "A4"
    site_name: str = ""
    glossary: str = "locale/glossary.csv"
    online: dict[str, Any] = field(default_factory=dict)
    outdated: str = "english"
    preview_only: tuple[Language, ...] = ()
    base_url: str = ""
    require_signoff: bool = False
    four_eyes: bool = False

    @property
    def review(self) -> ReviewPolicy:
        """The review policy every reader of review state takes."""
        return ReviewPolicy(signoff_required=self.require_signoff, four_eyes=self.four_eyes)

    @property
    def phrases_path(self) -> Path:
        """The approved safety phrases, beside the glossary."""
        return self.locale_dir / "phrases.csv"

    @property
    def pages_dir(self) -> Path:
        return self.root / "source" / "pages"

    @property
    def templates_dir(self) -> Path:
        return self.root / "source" / "templates"

    @property
    def assets_dir(self) -> Path:
        return self.root / "source" / "assets"

    @property
    def locale_dir(self) -> Path:
        return self.root / "locale"

    @property
    def output_dir(self) -> Path:
        return self.root / "output"

    @property
    def preview_dir(self) -> Path:
        """Where ``publish --draft`` writes private previews (noindex, linked from nowhere)."""
        return self.output_dir / "drafts"

    @property
    def cache_dir(self) -> Path:
        return self.root / ".cache"

    @property
    def glossary_path(self) -> Path:
        return self.root / self.glossary

    def engine_for(self, lang: Language) -> str | None:
        return self.engines.get(lang.gettext) or self.engines.get(lang.base)


def find_root(start: Path) -> Path:
    """The nearest folder upwards holding a ``pyproject.toml`` with ``[tool.pipeline]``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and "[tool.pipeline" in candidate.read_text("utf-8", "replace"):
            return folder
    raise ConfigError(
        f"no pyproject.toml with [tool.pipeline] in {start} or above; "
        "run inside a project or pass --root DIR"
    )


def load_config(root: Path | None = None, *, cwd: Path | None = None) -> Config:
    """Read ``[tool.pipeline]`` from the project root (found from ``cwd`` when not given)."""
    root = find_root(cwd or Path.cwd()) if root is None else root.resolve()
    path = root / "pyproject.toml"
    if not path.is_file():
        raise ConfigError(f"{path} not found; pass --root pointing at the project folder")
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"not valid TOML ({exc}); fix the file", path=path) from None
    settings = data.get("tool", {}).get("pipeline")
    if not isinstance(settings, dict):
        raise ConfigError("no [tool.pipeline] table; add one (see README)", path=path)
    for key, value in settings.items():
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(key, KNOWN_KEYS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ConfigError(f"unknown key '{key}' in [tool.pipeline]{hint}", path=path)
        if not isinstance(value, KNOWN_KEYS[key]) or (
                isinstance(value, bool) and KNOWN_KEYS[key] not in (bool, dict)):
            raise ConfigError(f"[tool.pipeline] {key} has the wrong type", path=path)
    formats = tuple(settings.get("formats", ("html", "pdf")))
    for fmt in formats:
        if fmt not in ("html", "pdf"):
            raise ConfigError(f"[tool.pipeline] formats: '{fmt}' is not html or pdf", path=path)
    min_reviewed = float(settings.get("min_reviewed", 100))
    if not 0 <= min_reviewed <= 100:
        raise ConfigError("[tool.pipeline] min_reviewed must be 0..100 (percent)", path=path)
    keep_public_above = float(settings.get("keep_public_above", KEEP_PUBLIC_ABOVE))
    if not 0 <= keep_public_above <= 100:
        raise ConfigError("[tool.pipeline] keep_public_above must be 0..100 (percent)",
                          path=path)
    page_size = str(settings.get("page_size", "A4"))
    if page_size not in ("A4", "Letter"):
        raise ConfigError(f"[tool.pipeline] page_size '{page_size}': use A4 or Letter", path=path)
    try:
        source_language = parse_language(str(settings.get("source_language", "en"))).gettext
        languages = tuple(parse_language(str(code)) for code in settings.get("languages", []))
        engines = {
            parse_language(k).gettext: str(v) for k, v in settings.get("engines", {}).items()
        }
        preview_only = tuple(parse_language(str(code))
                             for code in settings.get("preview_only", []))
    except ConfigError as exc:
        raise ConfigError(f"[tool.pipeline] {exc.message}", path=path) from None
    stray = [x.bcp47 for x in preview_only if x not in languages]
    if stray:
        raise ConfigError(f"[tool.pipeline] preview_only lists {', '.join(stray)}, which is not "
                          "in languages; add it to languages or remove it", path=path)
    outdated = str(settings.get("outdated", "english"))
    if outdated not in OUTDATED_POLICIES:
        raise ConfigError(f"[tool.pipeline] outdated '{outdated}': use \"english\" or "
                          "\"withdraw\"", path=path)
    base_url = _base_url(str(settings.get("base_url", "")), path)
    return Config(
        root=root,
        source_language=source_language,
        languages=languages,
        engines=engines,
        min_reviewed=min_reviewed,
        keep_public_above=keep_public_above,
        formats=formats,
        page_size=page_size,
        site_name=str(settings.get("site_name", "")),
        glossary=str(settings.get("glossary", "locale/glossary.csv")),
        online=dict(settings.get("online", {})),
        outdated=outdated,
        preview_only=preview_only,
        base_url=base_url,
        require_signoff=bool(settings.get("require_signoff", False)),
        four_eyes=bool(settings.get("four_eyes", False)),
    )


def _base_url(raw: str, path: Path) -> str:
    """``base_url`` as an absolute http(s) URL ending in ``/`` (or empty: not set).

    >>> _base_url("https://example.org/care", Path("pyproject.toml"))
    'https://example.org/care/'
    """
    from urllib.parse import urlsplit

    url = raw.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(f"[tool.pipeline] base_url '{raw}': use the site's absolute address, "
                          "e.g. \"https://example.org/patients/\"", path=path)
    return url if url.endswith("/") else url + "/"
