"""OnlineEngine against a real local HTTP server speaking the LibreTranslate API."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import version
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from pipeline.config import Config, parse_language
from pipeline.errors import EngineError
from pipeline.mt.engines import Failure, get_engine
from pipeline.mt.engines.online import OUTAGE_STREAK, OnlineEngine

EN, ES, FR = parse_language("en"), parse_language("es"), parse_language("fr")
Reply = tuple[int, str] | None
"""Status and body; ``None`` accepts the request and never answers."""


def upper(fields: dict[str, str]) -> Reply:
    return 200, json.dumps({"translatedText": fields["q"].upper()})


class FakeLibre:
    """Records every request; ``reply`` decides each answer."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.received: list[dict[str, str]] = []
        self.reply: Callable[[dict[str, str]], Reply] = upper
        self.release = threading.Event()

    def engine(self, *, timeout: float = 5.0, retries: int = 3) -> tuple[OnlineEngine, list[float]]:
        """An engine bound to this server, and the delays its fake ``sleep`` was asked for."""
        slept: list[float] = []
        settings = {"libre": {"url": self.url + "/", "api_key": "x"}}
        engine = OnlineEngine(
            "libre", settings=settings, env={}, timeout=timeout, retries=retries, sleep=slept.append
        )
        return engine, slept


class Handler(BaseHTTPRequestHandler):
    server: ThreadingHTTPServer

    def do_POST(self) -> None:
        fake: FakeLibre = self.server.fake  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        # deep-translator sends the fields as a query string; accept form and JSON bodies too.
        fields = dict(parse_qsl(parts.query))
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        if body and "json" in (self.headers.get("Content-Type") or ""):
            fields.update(json.loads(body))
        elif body:
            fields.update(parse_qsl(body))
        fields["path"] = parts.path
        fake.received.append(fields)
        reply = fake.reply(fields) if parts.path == "/translate" else (404, "{}")
        if reply is None:
            fake.release.wait(30)
            return
        status, text = reply
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def libre() -> Iterator[FakeLibre]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    host, port = server.server_address[:2]
    fake = FakeLibre(f"http://{host!s}:{port}")
    server.fake = fake  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield fake
    fake.release.set()
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_translates_each_text_and_keeps_placeholders(libre: FakeLibre) -> None:
    engine, slept = libre.engine()
    texts = ["Call ZX0QZ today.", "See ZX1QZ and ZX2QZ.", "  padded ZX3QZ ", ""]
    assert engine.translate_batch(texts, EN, ES) == [
        "CALL ZX0QZ TODAY.",
        "SEE ZX1QZ AND ZX2QZ.",
        "  PADDED ZX3QZ ",
        "",
    ]
    assert [r["q"] for r in libre.received] == [
        "Call ZX0QZ today.",
        "See ZX1QZ and ZX2QZ.",
        "padded ZX3QZ",
    ]
    first = libre.received[0]
    assert (first["path"], first["source"], first["target"], first["api_key"]) == (
        "/translate",
        "en",
        "es",
        "x",
    )
    assert slept == []


def test_url_from_environment_and_dummy_key(libre: FakeLibre) -> None:
    engine = OnlineEngine("libre", settings={}, env={"LIBRETRANSLATE_URL": libre.url})
    assert engine.translate_batch(["hi"], EN, parse_language("zh-Hans")) == ["HI"]
    assert (libre.received[0]["target"], libre.received[0]["api_key"]) == ("zh", "none")


def test_429_backs_off_with_growing_delays_then_succeeds(libre: FakeLibre) -> None:
    calls = iter([(429, "{}"), (429, "{}"), (429, "{}")])
    libre.reply = lambda fields: next(calls, None) or upper(fields)
    engine, slept = libre.engine()
    assert engine.translate_batch(["wait", "go"], EN, ES) == ["WAIT", "GO"]
    assert len(slept) == 3
    assert 0 < slept[0] < slept[1] < slept[2]
    assert [r["q"] for r in libre.received] == ["wait"] * 4 + ["go"]


def test_429_forever_fails_after_bounded_retries(libre: FakeLibre) -> None:
    libre.reply = lambda fields: (429, "{}")
    engine, slept = libre.engine(retries=2)
    [result] = engine.translate_batch(["never"], EN, ES)
    assert isinstance(result, Failure)
    assert "TOO_MANY_REQUESTS" in result.reason and "after 2 retries" in result.reason
    assert len(slept) == 2 and len(libre.received) == 3


def test_server_error_fails_only_that_entry(libre: FakeLibre) -> None:
    libre.reply = lambda f: (500, '{"error": "boom"}') if f["q"] == "bad" else upper(f)
    engine, slept = libre.engine()
    ok1, bad, ok2 = engine.translate_batch(["one", "bad", "two"], EN, ES)
    assert (ok1, ok2) == ("ONE", "TWO")
    assert isinstance(bad, Failure) and bad.reason.startswith("libre: ServerException")
    assert slept == []


def test_malformed_json_is_a_failure(libre: FakeLibre) -> None:
    libre.reply = lambda f: (200, '{"translatedText": ') if f["q"] == "bad" else upper(f)
    engine, _ = libre.engine()
    bad, ok = engine.translate_batch(["bad", "fine"], EN, ES)
    assert isinstance(bad, Failure) and "JSONDecodeError" in bad.reason
    assert ok == "FINE"


def test_missing_translation_field_is_a_failure(libre: FakeLibre) -> None:
    libre.reply = lambda f: (200, '{"error": "nothing"}')
    engine, _ = libre.engine()
    [result] = engine.translate_batch(["x"], EN, ES)
    assert isinstance(result, Failure) and "KeyError" in result.reason


def test_silent_server_hits_deadline_and_rest_fail_fast(libre: FakeLibre) -> None:
    libre.reply = lambda fields: None
    engine, _ = libre.engine(timeout=1.0)
    start = time.monotonic()
    results = engine.translate_batch([f"t{i}" for i in range(6)], EN, ES)
    elapsed = time.monotonic() - start
    assert elapsed < 5
    assert all(isinstance(r, Failure) for r in results)
    reasons = [r.reason for r in results if isinstance(r, Failure)]
    assert "no answer within 1 s" in reasons[0]
    assert all("network failures in a row" in r for r in reasons[OUTAGE_STREAK:])
    assert len(libre.received) == OUTAGE_STREAK


def test_a_dead_server_costs_its_timeouts_once_per_run_not_per_catalog(
    libre: FakeLibre,
) -> None:
    libre.reply = lambda fields: None
    engine, _ = libre.engine(timeout=1.0)
    engine.translate_batch(["a", "b", "c", "d"], EN, ES)  # first catalog: the streak
    start = time.monotonic()
    later = [engine.translate_batch([f"x{i}"], EN, ES) for i in range(5)]  # five more
    assert time.monotonic() - start < 0.5
    assert all("network failures in a row" in r[0].reason for r in later
               if isinstance(r[0], Failure))
    assert len(libre.received) == OUTAGE_STREAK


def test_refused_connection_fails_fast_and_hides_key() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    secret = "sekrit:key/123"
    settings = {"libre": {"url": f"http://127.0.0.1:{port}", "api_key": secret}}
    engine = OnlineEngine("libre", settings=settings, env={}, timeout=2.0)
    results = engine.translate_batch(["a", "b", "c", "d", "e"], EN, ES)
    reasons = [r.reason for r in results if isinstance(r, Failure)]
    assert len(reasons) == 5
    # The host and the cause in a few words, not urllib3's report quoting URL and key.
    assert reasons[0] == "libre: cannot connect to 127.0.0.1 ([Errno 111] Connection refused)"
    assert not any("sekrit" in r for r in reasons)


def test_forbidden_does_not_leak_key(libre: FakeLibre) -> None:
    libre.reply = lambda fields: (403, "{}")
    engine = OnlineEngine(
        "libre", settings={"libre": {"url": libre.url, "api_key": "sekrit-key"}}, env={}
    )
    [result] = engine.translate_batch(["x"], EN, ES)
    assert isinstance(result, Failure) and "AuthorizationException" in result.reason
    assert "sekrit" not in result.reason


def test_too_long_text_fails_without_a_request(libre: FakeLibre) -> None:
    engine, _ = libre.engine()
    long, short = engine.translate_batch(["a" * 5001, "short"], EN, ES)
    assert isinstance(long, Failure) and "NotValidLength" in long.reason
    assert short == "SHORT"
    assert [r["q"] for r in libre.received] == ["short"]


@pytest.mark.parametrize(
    ("provider", "env", "variable"),
    [
        ("libre", {}, "LIBRETRANSLATE_URL"),
        ("deepl", {}, "DEEPL_API_KEY"),
        ("microsoft", {"MICROSOFT_REGION": "westeurope"}, "MICROSOFT_API_KEY"),
    ],
)
def test_missing_setting_names_the_variable(
    provider: str, env: dict[str, str], variable: str
) -> None:
    with pytest.raises(EngineError) as info:
        OnlineEngine(provider, settings={}, env=env)
    message = str(info.value)
    assert variable in message and f"[tool.pipeline.online.{provider}]" in message
    assert "\n" not in message


def test_unknown_provider_and_bad_settings_table() -> None:
    with pytest.raises(EngineError, match="unknown online provider 'bing'"):
        OnlineEngine("bing", settings={}, env={})
    with pytest.raises(EngineError, match="must be a table"):
        OnlineEngine("libre", settings={"libre": "http://x/"}, env={})


@pytest.mark.parametrize(
    ("provider", "lang", "code"),
    [
        ("google", "zh-Hans", "zh-CN"),
        ("google", "zh-Hant", "zh-TW"),
        ("google", "pt-BR", "pt"),
        ("google", "he", "iw"),
        ("libre", "zh-Hans", "zh"),
        ("libre", "zh-Hant", None),
        ("libre", "sv", None),
        ("deepl", "pt-BR", "pt"),
        ("mymemory", "es", "es-ES"),
        ("mymemory", "pt-BR", "pt-BR"),
        ("mymemory", "en", "en-US"),
        ("microsoft", "zh-Hans", "zh-hans"),
        ("microsoft", "pt-PT", "pt-pt"),
        ("microsoft", "ar", "ar"),
    ],
)
def test_language_codes(provider: str, lang: str, code: str | None) -> None:
    env = {"DEEPL_API_KEY": "k", "MICROSOFT_API_KEY": "k", "LIBRETRANSLATE_URL": "http://x/"}
    engine = OnlineEngine(provider, settings={}, env=env)
    assert engine.code(parse_language(lang)) == code
    assert engine.supports(FR, parse_language(lang)) is (code is not None)


def test_name_version_and_registry(libre: FakeLibre, tmp_path: Path) -> None:
    config = Config(root=tmp_path, online={"libre": {"url": libre.url}})
    engine = get_engine("libre", config)
    assert isinstance(engine, OnlineEngine) and engine.name == "libre"
    assert engine.version == f"deep-translator {version('deep-translator')}/libre"


def test_importing_engines_does_not_load_deep_translator() -> None:
    code = (
        "import sys, pipeline.mt.engines, pipeline.mt.engines.online;"
        "assert 'deep_translator' not in sys.modules and 'requests' not in sys.modules"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
