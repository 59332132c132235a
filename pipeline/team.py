"""The team roster, ``team.toml`` at the project root: who may sign what, in which language.

Each person is a ``[[person]]`` table::

    [[person]]
    name = "Ana Pérez"
    languages = ["es"]
    roles = ["translator", "reviser"]
    qualifications = "ATA-certified English>Spanish translator"

The roster records what people attest about themselves and what the programme assigned
them; the pipeline enforces it (a person signs only in the roles and languages it gives
them) but cannot verify a credential. Without a ``team.toml`` anyone may sign as before.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Language, parse_language
from pipeline.errors import ConfigError

TEAM_FILE = "team.toml"
TRANSLATOR = "translator"
REVISER = "reviser"
CLINICAL = "clinical"
ROLES = (TRANSLATOR, REVISER, CLINICAL)
_KEYS = {"name", "languages", "roles", "qualifications"}
_PERSON = re.compile(r"^[ \t]*\[\[[ \t]*person[ \t]*\]\]", re.MULTILINE)


def same_person(a: str, b: str) -> bool:
    """Names as people compare them: case, spacing and an ``<e-mail>`` do not matter.

    >>> same_person("Ana  Pérez <ana@example.org>", "ana pérez")
    True
    """
    def norm(name: str) -> str:
        return " ".join(name.split("<")[0].split()).casefold()

    return norm(a) == norm(b)


@dataclass(frozen=True, slots=True)
class Person:
    """One roster entry; ``languages`` in gettext form (``zh_Hans``)."""

    name: str
    languages: tuple[str, ...]
    roles: tuple[str, ...]
    qualifications: str = ""
    line: int = 0

    def may(self, role: str, lang: Language) -> bool:
        """The roster gives this person ``role`` in ``lang`` (or in its base language)."""
        return role in self.roles and (lang.gettext in self.languages
                                       or lang.base in self.languages)


@dataclass(frozen=True, slots=True)
class Team:
    """The roster; ``path`` is None when the project has no ``team.toml``."""

    people: tuple[Person, ...] = ()
    path: Path | None = None

    @property
    def exists(self) -> bool:
        return self.path is not None

    def find(self, name: str) -> Person | None:
        return next((p for p in self.people if same_person(p.name, name)), None)

    def check(self, name: str, role: str, lang: Language) -> str | None:
        """Why ``name`` may not act as ``role`` in ``lang`` (one line), or None when allowed
        (always allowed without a roster)."""
        if self.path is None:
            return None
        person = self.find(name)
        if person is None:
            return (f"{name} is not in {self.path.name}; add them as a [[person]] with this "
                    f"role and language, or sign as someone who is")
        if role not in person.roles:
            given = ", ".join(person.roles) or "no role"
            return (f"{person.name} is not a {role} in {self.path.name} (roles: {given}); "
                    f"sign in one of those roles or ask the roster's keeper to add it")
        if not person.may(role, lang):
            langs = ", ".join(person.languages) or "no language"
            return (f"{person.name} is not a {role} for {lang.bcp47} in {self.path.name} "
                    f"(languages: {langs})")
        return None


def team_path(root: Path) -> Path:
    return root / TEAM_FILE


def load_team(root: Path) -> Team:
    """Read and validate ``team.toml`` (an empty :class:`Team` when there is none); a
    mistake is one :class:`ConfigError` naming the file, the line and the fix."""
    path = team_path(root)
    if not path.is_file():
        return Team()
    try:
        raw = path.read_text("utf-8")
        data = tomllib.loads(raw)
    except UnicodeDecodeError:
        raise ConfigError("not UTF-8; save it as UTF-8", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_of(str(exc))
        raise ConfigError(f"not valid TOML ({exc}); fix the file", path=path,
                          line=line) from None
    stray = sorted(set(data) - {"person"})
    if stray:
        raise ConfigError(f"unknown table or key '{stray[0]}'; the roster holds only "
                          "[[person]] tables", path=path, line=_key_line(raw, stray[0]))
    rows = data.get("person", [])
    if not isinstance(rows, list):
        raise ConfigError("'person' must be [[person]] tables", path=path)
    lines = [raw[:m.start()].count("\n") + 1 for m in _PERSON.finditer(raw)]
    people = [_person(row, path, lines[i] if i < len(lines) else None)
              for i, row in enumerate(rows)]
    seen: dict[str, Person] = {}
    for p in people:
        key = " ".join(p.name.split()).casefold()
        if key in seen:
            raise ConfigError(f"{p.name} is listed twice (also on line {seen[key].line}); "
                              "keep one [[person]] per person", path=path, line=p.line)
        seen[key] = p
    return Team(tuple(people), path)


def _person(row: object, path: Path, line: int | None) -> Person:
    if not isinstance(row, dict):
        raise ConfigError("a [[person]] must be a table", path=path, line=line)
    extra = sorted(set(row) - _KEYS)
    if extra:
        raise ConfigError(f"unknown key '{extra[0]}' in [[person]]; use name, languages, "
                          "roles, qualifications", path=path, line=line)
    name = row.get("name")
    if not isinstance(name, str) or not name.strip() or "\n" in name:
        raise ConfigError("a [[person]] needs name = \"…\" (one line)", path=path, line=line)
    roles = _strings(row, "roles", path, line, name)
    for role in roles:
        if role not in ROLES:
            raise ConfigError(f"{name}: role '{role}' is not one of {', '.join(ROLES)}",
                              path=path, line=line)
    languages = []
    for code in _strings(row, "languages", path, line, name):
        try:
            languages.append(parse_language(code).gettext)
        except ConfigError as exc:
            raise ConfigError(f"{name}: {exc.message}", path=path, line=line) from None
    quals = row.get("qualifications", "")
    if not isinstance(quals, str):
        raise ConfigError(f"{name}: qualifications is free text (a string)", path=path,
                          line=line)
    return Person(" ".join(name.split()), tuple(languages), tuple(roles),
                  " ".join(quals.split()), line or 0)


def _strings(row: dict[str, object], key: str, path: Path, line: int | None,
             name: str) -> Sequence[str]:
    value = row.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or not value:
        raise ConfigError(f"{name}: {key} must be a non-empty list of strings, e.g. "
                          f"{key} = [\"{'es' if key == 'languages' else REVISER}\"]",
                          path=path, line=line)
    return value


def _line_of(message: str) -> int | None:
    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else None


def _key_line(raw: str, key: str) -> int | None:
    m = re.search(rf"^[ \t]*\[*[ \t]*{re.escape(key)}\b", raw, re.MULTILINE)
    return raw[:m.start()].count("\n") + 1 if m else None
