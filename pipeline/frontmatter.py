"""A page's YAML front matter: read, checked (a title, text fields within their limit,
real dates), each key's line kept for error messages."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.errors import SourceError

MAX_META_CHARS = 1_000
"""A page's ``title`` or ``description``, in characters."""
META_KEYS = ("title", "description")


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], dict[str, int], str, int]:
    """Return (meta, line of each meta key, body, body's first line offset)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise SourceError(
            "no YAML front matter; start the page with '---', a 'title:' line and '---'",
            path=path,
            line=1,
        )
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    except StopIteration:
        raise SourceError(
            "front matter is not closed; add a line '---' after it", path=path, line=1
        ) from None
    raw = "\n".join(lines[1:end])
    import yaml

    try:
        meta = yaml.safe_load(raw) or {}
    except RecursionError:  # PyYAML composes nested lists and maps recursively
        raise SourceError("front matter nests too deeply; use plain 'key: value' lines",
                          path=path, line=2) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise SourceError(f"front matter: {problem}; fix the YAML", path=path, line=line) from None
    except ValueError as exc:  # a well-formed but impossible date: "updated: 2026-13-45"
        line = next((i + 1 for i in range(1, end) if _bad_date(lines[i])), None)
        raise SourceError(
            f"front matter: {exc} (a date?); write dates as YYYY-MM-DD", path=path, line=line
        ) from None
    if not isinstance(meta, dict):
        raise SourceError("front matter must be 'key: value' lines", path=path, line=2)
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        raise SourceError("front matter has no 'title'; add 'title: …'", path=path, line=2)
    for key in META_KEYS:
        if key in meta and not isinstance(meta[key], str):
            raise SourceError(f"front matter '{key}' must be text", path=path, line=2)
        if key in meta and len(meta[key]) > MAX_META_CHARS:
            raise SourceError(
                f"front matter '{key}' has {len(meta[key]):,} characters (limit "
                f"{MAX_META_CHARS:,}); shorten it",
                path=path,
                line=2,
            )
    key_lines: dict[str, int] = {}
    for i in range(1, end):
        m = re.match(r"([A-Za-z_]+)\s*:", lines[i])
        if m and m.group(1) not in key_lines:
            key_lines[m.group(1)] = i + 1
    body = "\n".join(lines[end + 1 :])
    return meta, key_lines, body, end + 1


def _bad_date(line: str) -> bool:
    m = re.match(r"\s*\w+\s*:\s*['\"]?(\d{4})-(\d\d?)-(\d\d?)\b", line)
    if m is None:
        return False
    try:
        date(*map(int, m.groups()))
    except ValueError:
        return True
    return False
