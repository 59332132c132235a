"""Online machine translation through deep-translator's providers, each call under a deadline."""

from __future__ import annotations

import os
import random
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, TypeVar
from urllib.parse import quote, quote_plus

from pipeline.config import Language
from pipeline.errors import EngineError
from pipeline.mt.engines.base import Failure, Result

T = TypeVar("T")
Kind = Literal["rate", "network", "other"]

PROVIDERS = ("google", "deepl", "libre", "mymemory", "microsoft")
MAX_CHARS = {"mymemory": 500}
"""deep-translator refuses ``len(text) >= limit``; 5,000 for providers not listed."""
DEFAULT_MAX_CHARS = 5000
OUTAGE_STREAK = 3
"""After this many network failures in a row the rest of the batch fails without a request."""
BACKOFF_BASE = 1.0
BACKOFF_CAP = 30.0

# Environment variable per setting; the same key in [tool.pipeline.online.<provider>] is the
# fallback. Environment first, so a key never has to be committed to pyproject.toml.
_VARS: dict[str, dict[str, str]] = {
    "deepl": {"api_key": "DEEPL_API_KEY"},
    "libre": {"url": "LIBRETRANSLATE_URL", "api_key": "LIBRETRANSLATE_API_KEY"},
    "microsoft": {"api_key": "MICROSOFT_API_KEY", "region": "MICROSOFT_REGION"},
    "mymemory": {"email": "MYMEMORY_EMAIL"},
}
_REQUIRED = {"deepl": "api_key", "libre": "url", "microsoft": "api_key"}

_TABLES = {
    "google": "GOOGLE_LANGUAGES_TO_CODES",
    "deepl": "DEEPL_LANGUAGE_TO_CODE",
    "libre": "LIBRE_LANGUAGES_TO_CODES",
    "mymemory": "MY_MEMORY_LANGUAGES_TO_CODES",
}
# (simplified, traditional); None where deep-translator's table has no Traditional Chinese.
_CHINESE: dict[str, tuple[str, str | None]] = {
    "google": ("zh-CN", "zh-TW"),
    "mymemory": ("zh-CN", "zh-TW"),
    "microsoft": ("zh-hans", "zh-hant"),
    "deepl": ("zh", None),
    "libre": ("zh", None),
}
_TRADITIONAL = frozenset({"Hant", "TW", "HK", "MO"})
_ALIASES: dict[str, dict[str, str]] = {
    "google": {"he": "iw", "jv": "jw", "nb": "no", "fil": "tl", "mni": "mni-Mtei"},
    "mymemory": {"en": "en-US"},
}
# Microsoft's language list is only available online (deep-translator downloads it in the
# constructor), so supports() trusts the base code plus these regional spellings.
_MICROSOFT = {
    "pt_PT": "pt-pt",
    "fr_CA": "fr-ca",
    "sr": "sr-cyrl",
    "sr_Cyrl": "sr-cyrl",
    "sr_Latn": "sr-latn",
    "no": "nb",
    "tl": "fil",
}
_jitter = random.Random()


@dataclass(frozen=True, slots=True)
class Access:
    """Where and how to reach a provider; ``None`` where not configured."""

    url: str | None = None
    api_key: str | None = None
    region: str | None = None
    email: str | None = None


class DeadlineExceeded(Exception):
    """A provider call did not finish in time; its worker thread is abandoned."""


def resolve_access(provider: str, settings: Mapping[str, Any], env: Mapping[str, str]) -> Access:
    """Read the provider's settings; a missing required one is an `EngineError` naming it."""
    table = settings.get(provider, {})
    if not isinstance(table, Mapping):
        raise EngineError(f"[tool.pipeline.online.{provider}] must be a table")
    values: dict[str, str | None] = {}
    for field, var in _VARS.get(provider, {}).items():
        raw = env.get(var) or table.get(field)
        values[field] = str(raw) if raw else None
    required = _REQUIRED.get(provider)
    if required and not values[required]:
        what = "server URL" if required == "url" else "API key"
        raise EngineError(
            f"the {provider} engine needs its {what}: set {_VARS[provider][required]} "
            f"or {required} in [tool.pipeline.online.{provider}]"
        )
    return Access(**values)


@cache
def _dt_version() -> str:
    # deep_translator.__version__ says 1.9.1 in release 1.11.4; the distribution is right.
    from importlib.metadata import version

    return version("deep-translator")


@cache
def _known_codes(provider: str) -> frozenset[str]:
    from deep_translator import constants

    return frozenset(getattr(constants, _TABLES[provider]).values())


def connection_reason(exc: BaseException) -> str:
    """A failed connection in a few words: the host and the last cause, not urllib3's
    nested retry report (which also quotes the page text in its URL).

    >>> connection_reason(OSError("HTTPSConnectionPool(host='x.org', port=443): Max retries "
    ...     "exceeded (Caused by NewConnectionError('...: Failed to establish a new "
    ...     "connection: [Errno 111] Connection refused'))"))
    'cannot connect to x.org ([Errno 111] Connection refused)'
    """
    text = " ".join(str(exc).split())
    host = re.search(r"host='([^']+)'", text)
    if host is None:
        return f"{type(exc).__name__}: {text}"[:200]
    tail = re.sub(r"['\")\s]+$", "", text)  # the closing quotes and parentheses
    cause = re.split(r": (?=[^:]*$)", tail)[-1].strip(" '\"")
    return f"cannot connect to {host.group(1)} ({cause[:120]})"


class OnlineEngine:
    """One deep-translator provider; every failure becomes a per-entry `Failure`."""

    def __init__(
        self,
        provider: str,
        *,
        settings: Mapping[str, Any],
        env: Mapping[str, str] | None = None,
        timeout: float = 20.0,
        retries: int = 3,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if provider not in PROVIDERS:
            raise EngineError(f"unknown online provider '{provider}'; use {', '.join(PROVIDERS)}")
        self.name = provider
        self.access = resolve_access(provider, settings, os.environ if env is None else env)
        self._timeout = timeout
        self._retries = retries
        self._sleep = sleep
        # Network failures in a row, over the engine's life (one run): a dead server costs
        # OUTAGE_STREAK timeouts once, not once per catalog.
        self._streak = 0
        self._last = ""
        key = self.access.api_key or ""
        # Keys travel in query strings, so requests' error messages quote them (URL-encoded).
        self._secrets = {key, quote(key, safe=""), quote_plus(key)} if len(key) > 3 else set()

    @property
    def version(self) -> str:
        return f"deep-translator {_dt_version()}/{self.name}"

    def supports(self, source: Language, target: Language) -> bool:
        src, tgt = self.code(source), self.code(target)
        return src is not None and tgt is not None and src != tgt

    def code(self, lang: Language) -> str | None:
        """The provider's code for ``lang``, or ``None`` when deep-translator would refuse it."""
        base, *tags = lang.gettext.split("_")
        if base == "zh":
            simplified, traditional = _CHINESE[self.name]
            return traditional if _TRADITIONAL.intersection(tags) else simplified
        if self.name == "microsoft":
            return _MICROSOFT.get(lang.gettext) or _MICROSOFT.get(base) or base
        codes = _known_codes(self.name)
        alias = _ALIASES.get(self.name, {}).get(base, base)
        regional = sorted(c for c in codes if c.startswith(f"{base}-"))
        candidates = [lang.bcp47, alias, f"{alias}-{alias.upper()}", *regional]
        return next((c for c in candidates if c in codes), None)

    def translate_batch(
        self, texts: Sequence[str], source: Language, target: Language
    ) -> list[Result]:
        """One result per text, in order. Network failures fail fast after `OUTAGE_STREAK`."""
        if not texts:
            return []
        src, tgt = self.code(source), self.code(target)
        if src is None or tgt is None or src == tgt:
            return [Failure(f"{self.name} does not translate {source} to {target}")] * len(texts)
        # Import on this thread: a cold import takes a good part of a second, not a network wait.
        import deep_translator  # noqa: F401

        if self._streak >= OUTAGE_STREAK:
            return [self._not_sent()] * len(texts)
        try:
            # Microsoft's constructor downloads its language list, so it needs a deadline too.
            translator = self._within_deadline(lambda: self._build(src, tgt))
        except Exception as exc:
            if self._kind(exc) == "network":
                self._streak, self._last = self._streak + 1, self._reason(exc)
            return [Failure(self._reason(exc))] * len(texts)
        results: list[Result] = []
        for text in texts:
            if self._streak >= OUTAGE_STREAK:
                results.append(self._not_sent())
                continue
            result, network = self._translate_one(translator, text)
            self._streak = self._streak + 1 if network else 0
            if isinstance(result, Failure):
                self._last = result.reason
            results.append(result)
        return results

    def _not_sent(self) -> Failure:
        return Failure(f"{self._last} (not sent: {self._streak} network failures in a row)")

    def _translate_one(self, translator: Any, text: str) -> tuple[Result, bool]:
        """The result, and whether it failed for want of a network answer."""
        limit = MAX_CHARS.get(self.name, DEFAULT_MAX_CHARS)
        if len(text) >= limit:
            reason = f"NotValidLength: {len(text)} characters; {self.name} takes fewer than {limit}"
            return Failure(f"{self.name}: {reason}"), False
        core = text.strip()
        if not core:
            return text, False
        # Google and MyMemory strip the text; keep the edges so the msgstr matches the msgid.
        lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
        attempt = 0
        while True:
            try:
                out = self._within_deadline(lambda: translator.translate(core))
            except Exception as exc:
                kind = self._kind(exc)
                if kind == "rate" and attempt < self._retries:
                    self._sleep(self._backoff(attempt))
                    attempt += 1
                    continue
                suffix = f" (after {attempt} retries)" if kind == "rate" else ""
                return Failure(self._reason(exc) + suffix), kind == "network"
            if not isinstance(out, str) or not out.strip():
                return Failure(f"{self.name}: no translation returned"), False
            # MyMemory reports an exhausted quota as HTTP 200 with the warning as "translation".
            if out.startswith("MYMEMORY WARNING"):
                return Failure(f"{self.name}: {' '.join(out.split())[:200]}"), False
            return lead + out.strip() + trail, False

    def _build(self, src: str, tgt: str) -> Any:
        import deep_translator as dt

        key = self.access.api_key or ""
        if self.name == "google":
            return dt.GoogleTranslator(source=src, target=tgt)
        if self.name == "deepl":
            # DeepL's free-tier keys end in ":fx" and only work on the api-free host.
            return dt.DeeplTranslator(
                source=src, target=tgt, api_key=key, use_free_api=key.endswith(":fx")
            )
        if self.name == "libre":
            url = self.access.url or ""
            # LibreTranslator joins base URL and endpoint by plain concatenation and refuses
            # an empty key even when the server needs none.
            return dt.LibreTranslator(
                source=src,
                target=tgt,
                api_key=key or "none",
                custom_url=url if url.endswith("/") else url + "/",
            )
        if self.name == "mymemory":
            return dt.MyMemoryTranslator(source=src, target=tgt, email=self.access.email)
        region = self.access.region
        return dt.MicrosoftTranslator(source=src, target=tgt, api_key=key, region=region)

    def _within_deadline(self, call: Callable[[], T]) -> T:
        """Run ``call`` in a daemon thread; deep-translator sets no timeout on its requests."""
        future: Future[T] = Future()

        def run() -> None:
            try:
                future.set_result(call())
            except BaseException as exc:
                future.set_exception(exc)

        # A daemon thread, not a ThreadPoolExecutor: the pool's workers are joined at exit,
        # so one request to a server that never answers would hang the whole process.
        threading.Thread(target=run, name=f"pipeline-{self.name}", daemon=True).start()
        try:
            return future.result(timeout=self._timeout)
        except TimeoutError:
            if future.done():
                return future.result()
            raise DeadlineExceeded(f"no answer within {self._timeout:g} s") from None

    def _backoff(self, attempt: int) -> float:
        # Exponential with up to +50 % jitter: delays still grow, retries do not stay in step.
        return min(BACKOFF_CAP, BACKOFF_BASE * 2.0**attempt) * (1 + _jitter.uniform(0, 0.5))

    def _kind(self, exc: BaseException) -> Kind:
        import requests
        from deep_translator import exceptions as dte

        if isinstance(exc, dte.TooManyRequests):
            return "rate"
        too_many = dte.ServerException.errors[429]  # Libre and DeepL keep no status code
        if isinstance(exc, dte.ServerException) and exc.args[:1] == (too_many,):
            return "rate"
        if isinstance(exc, dte.MicrosoftAPIerror) and "429" in exc.api_message:
            return "rate"
        if isinstance(exc, DeadlineExceeded | requests.ConnectionError | requests.Timeout):
            return "network"
        # MicrosoftTranslator logs a requests error, then calls .json() on the missing response.
        if self.name == "microsoft" and isinstance(exc, AttributeError) and "NoneType" in str(exc):
            return "network"
        return "other"

    def _reason(self, exc: BaseException) -> str:
        """One line naming the provider and the error, with the API key masked."""
        if self.name == "microsoft" and isinstance(exc, AttributeError) and "NoneType" in str(exc):
            text = "request failed (deep-translator hides the network error)"
        elif self._kind(exc) == "network":
            text = connection_reason(exc)
        else:
            text = " ".join(f"{type(exc).__name__}: {exc}".split())
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return f"{self.name}: {text[:300]}"
