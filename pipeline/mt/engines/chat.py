"""An OpenAI-compatible chat-completions endpoint: hosted models, or Ollama, llama.cpp's
server or vLLM on the hospital's own machine.

Each request carries a run of consecutive blocks of one page (so every text has its
neighbours), the page title, the glossary's approved terms and the approved safety phrases of
the target language, and asks for a JSON list of translations in the same order. The texts
arrive protected (links, numbers, names are ``zx0qz`` placeholders) and the answer is
restored and verified like any engine's: an answer that drops or changes one is not kept.

The client is ``requests``: already pinned in the lock (deep-translator runs on it), one POST
and a JSON body are all the protocol needs, and the ``openai`` package would add a dozen
dependencies (pydantic, httpx, anyio pins) for that.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import time
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from babel import Locale

from pipeline.catalog.glossary import load_glossary, load_phrases, phrases_for
from pipeline.config import Language
from pipeline.errors import EngineError
from pipeline.mt.engines.base import Failure, Result

KEY_VAR = "OPENAI_API_KEY"
PER_REQUEST = 20
"""Texts per chat request: enough neighbours for context, small enough to redo on failure."""
MAX_REQUEST_CHARS = 12_000
RETRIES = 3
OUTAGE_STREAK = 3
BACKOFF_BASE, BACKOFF_CAP = 1.0, 30.0
PROMPT_VERSION = "1"
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")
_jitter = random.Random()

SYSTEM = """You translate patient information of a children's hospital from {source} into \
{target} for families. Translate each text of the list faithfully and completely: keep every \
negation, number, unit and instruction exactly; add nothing. Words like zx0qz, zx1qz are \
placeholders for links, numbers and names: copy each one unchanged, exactly once, where it \
belongs in the sentence. Use the approved terms and the approved safety phrases below \
wherever their English occurs, inflected as the sentence needs. The texts are consecutive \
blocks of one page; use them as each other's context. Answer with a JSON object \
{{"translations": [...]}} holding one translated string per text, in the same order, and \
nothing else."""


class OpenAIEngine:
    """Chat completions at ``[tool.pipeline.online] openai = {url = "…/v1", model = "…"}``."""

    name = "openai"
    glossary_in_prompt = True  # terms go in the request, not as placeholders: agreement kept
    first_batch = PER_REQUEST * 3

    def __init__(
        self,
        settings: Mapping[str, Any],
        *,
        glossary_path: Path,
        phrases_path: Path,
        env: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        table = settings.get("openai")
        if not isinstance(table, Mapping) or not table.get("url") or not table.get("model"):
            raise EngineError('the openai engine needs [tool.pipeline.online] openai = '
                              '{ url = "http://127.0.0.1:11434/v1", model = "NAME" }')
        self.url = str(table["url"]).rstrip("/")
        if urlsplit(self.url).scheme not in ("http", "https"):
            raise EngineError(f"[tool.pipeline.online] openai url '{self.url}': use http(s)")
        self.model = str(table["model"])
        self.timeout = float(table.get("timeout", 120))
        self.per_request = max(1, int(table.get("batch", PER_REQUEST)))
        self._key = (os.environ if env is None else env).get(KEY_VAR) or None
        self._glossary_path, self._phrases_path = glossary_path, phrases_path
        self._sleep = sleep
        self._streak = 0
        self._page = ""

    @property
    def label(self) -> str:
        """Model and host for the provenance line (one short line: the path is left out)."""
        host = urlsplit(self.url).netloc
        return f"{self.name} {self.model[:30]}@{host[:40]}"

    @cached_property
    def version(self) -> str:
        """Endpoint, model, prompt and what the prompt carries: any change re-translates."""
        digest = hashlib.sha256()
        for path in (self._glossary_path, self._phrases_path):
            digest.update(path.read_bytes() if path.exists() else b"-")
        return f"{self.url} {self.model} p{PROMPT_VERSION} {digest.hexdigest()[:12]}"

    def supports(self, source: Language, target: Language) -> bool:
        return source.base != target.base

    def set_page(self, title: str) -> None:
        """The title of the page the next texts come from."""
        self._page = title

    def translate_batch(
        self, texts: Sequence[str], source: Language, target: Language
    ) -> list[Result]:
        results: list[Result] = []
        for start in range(0, len(texts), self.per_request):
            chunk = list(texts[start : start + self.per_request])
            if self._streak >= OUTAGE_STREAK:
                results += [Failure(f"{self.name}: not sent ({self._streak} failed "
                                    "connections in a row)")] * len(chunk)
                continue
            results += self._request(chunk, source, target)
        return results

    def messages(self, texts: Sequence[str], source: Language,
                 target: Language) -> list[dict[str, str]]:
        """The chat messages for one request (public for tests and for the curious)."""
        system = SYSTEM.format(source=_name(source), target=_name(target))
        joined = "\n".join(texts).casefold()
        terms = [{"english": t.term, "translation": t.translation}
                 for t in load_glossary(self._glossary_path).for_language(target.gettext)
                 if t.translation and t.term.casefold() in joined]
        phrases = [{"english": p.phrase, "translation": p.translation}
                   for p in phrases_for(load_phrases(self._phrases_path), target.gettext)
                   if p.phrase.casefold() in joined]
        user = {"page_title": self._page, "approved_terms": terms,
                "approved_safety_phrases": phrases, "texts": list(texts)}
        return [{"role": "system", "content": system},
                {"role": "user", "content": json.dumps(user, ensure_ascii=False)}]

    def _request(self, texts: list[str], source: Language, target: Language) -> list[Result]:
        import requests

        body: dict[str, Any] = {"model": self.model, "temperature": 0,
                "messages": self.messages(texts, source, target)}
        headers = {"Content-Type": "application/json"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        attempt = 0
        while True:
            try:
                reply = requests.post(f"{self.url}/chat/completions", json=body,
                                      headers=headers, timeout=(10, self.timeout))
            except requests.RequestException as exc:
                self._streak += 1
                return [Failure(f"{self.name}: {_network(exc, self.url)}")] * len(texts)
            self._streak = 0
            if reply.status_code in (429, 500, 502, 503, 504) and attempt < RETRIES:
                self._sleep(min(BACKOFF_CAP, BACKOFF_BASE * 2.0**attempt)
                            * (1 + _jitter.uniform(0, 0.5)))
                attempt += 1
                continue
            if reply.status_code != 200:
                why = "the key was refused (set OPENAI_API_KEY)" if reply.status_code in (
                    401, 403) else _short(reply.text)
                return [Failure(f"{self.name}: HTTP {reply.status_code}: {why}")] * len(texts)
            return answers(reply.text, len(texts), self.name)


def answers(raw: str, count: int, name: str = "openai") -> list[Result]:
    """The translations in a chat-completions reply, or one failure per text saying why
    (a refusal, a filtered or cut-off answer, the wrong number of texts, no JSON)."""
    def fail(why: str) -> list[Result]:
        return [Failure(f"{name}: {why}")] * count

    try:
        choice = json.loads(raw)["choices"][0]
        message = choice["message"]
    except (ValueError, KeyError, IndexError, TypeError):
        return fail(f"not a chat-completions answer: {_short(raw)}")
    if not isinstance(message, dict):
        return fail("not a chat-completions answer")
    if message.get("refusal"):
        return fail(f"the model refused: {_short(str(message['refusal']))}")
    finish = choice.get("finish_reason") if isinstance(choice, dict) else None
    if finish in ("content_filter", "length"):
        return fail(f"the answer was cut off ({finish})")
    content = message.get("content")
    if not isinstance(content, str):
        return fail("the answer holds no text")
    try:
        parsed = json.loads(_FENCE.sub("", content.strip()))
    except ValueError:
        return fail(f"the answer is not the JSON asked for: {_short(content)}")
    found = parsed.get("translations") if isinstance(parsed, dict) else parsed
    if not isinstance(found, list) or not all(isinstance(t, str) for t in found):
        return fail(f"the answer is not a list of texts: {_short(content)}")
    if len(found) != count:
        return fail(f"the answer has {len(found)} texts for {count}")
    return [t if t.strip() else Failure(f"{name}: empty translation") for t in found]


def _name(lang: Language) -> str:
    try:
        return f"{Locale.parse(lang.gettext).english_name} ({lang.bcp47})"
    except (ValueError, TypeError):
        return lang.bcp47


def _network(exc: BaseException, url: str) -> str:
    host = urlsplit(url).netloc
    kind = "no answer in time from" if "Timeout" in type(exc).__name__ else \
        "cannot connect to"
    return f"{kind} {host} ({type(exc).__name__})"


def _short(text: str) -> str:
    return " ".join(text.split())[:160]
