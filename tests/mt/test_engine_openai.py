"""The OpenAI-compatible engine against a stand-in server on 127.0.0.1 that speaks the
chat-completions format: what the request carries, drafts kept fuzzy with model and
endpoint, and what is not kept (a refusal, a garbled answer, a dropped placeholder)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import polib
import pytest
from click.testing import CliRunner, Result
from conftest import GETTEXT

from pipeline.catalog.entry import is_draft, provenance
from pipeline.config import parse_language
from pipeline.mt.engines import Failure
from pipeline.mt.engines.chat import OpenAIEngine, answers

PAGE = "paraspinal-sarcoma-treatment"
EN, FR = parse_language("en"), parse_language("fr")
Reply = Callable[[dict[str, Any]], tuple[int, dict[str, Any] | str]]


def chat(content: str, **message: Any) -> dict[str, Any]:
    return {"id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "stub",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content, **message}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


def texts_of(request: dict[str, Any]) -> list[str]:
    return list(json.loads(request["messages"][1]["content"])["texts"])


def tagged(request: dict[str, Any]) -> tuple[int, dict[str, Any] | str]:
    """A well-behaved model: each text back with a French tag, placeholders kept."""
    out = [f"[fr] {t}" for t in texts_of(request)]
    return 200, chat(json.dumps({"translations": out}))


class StandIn:
    """A chat-completions server on 127.0.0.1; ``reply`` decides each answer."""

    def __init__(self) -> None:
        self.reply: Reply = tagged
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                owner.requests.append(body)
                owner.headers.append(dict(self.headers))
                status, payload = (owner.reply(body) if self.path == "/v1/chat/completions"
                                   else (404, "not found"))
                data = (payload if isinstance(payload, str) else json.dumps(payload)).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    server = StandIn()
    yield server
    server.server.shutdown()
    server.server.server_close()


def cli(root: Path, *args: str) -> Result:
    from pipeline.cli import cli as command

    return CliRunner().invoke(command, ["--root", str(root), *args])


@pytest.fixture
def fr_site(project: Path, stand_in: StandIn) -> Path:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "t"\nversion = "0"\n\n[tool.pipeline]\nlanguages = ["fr"]\n\n'
        '[tool.pipeline.engines]\nfr = "openai"\n\n[tool.pipeline.online]\n'
        f'openai = {{ url = "{stand_in.url}", model = "stub-model" }}\n', encoding="utf-8")
    (project / "locale").mkdir()
    (project / "locale" / "glossary.csv").write_text(
        "term,lang,translation,note,stand_in,variants\n"
        "St. Jude,,,hospital name,,\nchemotherapy,fr,chimiothérapie,test row,,\n",
        encoding="utf-8")
    assert cli(project, "extract").exit_code == 0
    assert cli(project, "update", "--lang", "fr").exit_code == 0
    return project


def page_po(root: Path) -> polib.POFile:
    return polib.pofile(str(root / "locale" / "fr" / "LC_MESSAGES" / f"{PAGE}.po"))


def test_request_carries_context_and_drafts_stay_fuzzy(fr_site: Path, stand_in: StandIn,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    (fr_site / "locale" / "phrases.csv").write_text(
        "phrase,lang,translation,variants,note\n"
        "may not have symptoms,fr,peut ne pas avoir de symptômes,,test row\n", encoding="utf-8")
    monkeypatch.setenv("OPENAI_API_KEY", "test-key-123")
    run = cli(fr_site, "translate", "--lang", "fr", "--page", PAGE)
    assert run.exit_code == 0, run.output
    assert stand_in.requests and stand_in.headers[0]["Authorization"] == "Bearer test-key-123"
    users = [json.loads(r["messages"][1]["content"]) for r in stand_in.requests]
    assert all(u["page_title"] == "Paraspinal Sarcoma Treatment" for u in users)
    assert all(1 < len(u["texts"]) <= 20 for u in users[:-1])  # neighbours travel together
    terms = [t for u in users for t in u["approved_terms"]]
    assert {"english": "chemotherapy", "translation": "chimiothérapie"} in terms
    phrases = [p for u in users for p in u["approved_safety_phrases"]]
    assert phrases == [{"english": "may not have symptoms",
                        "translation": "peut ne pas avoir de symptômes"}]
    sent = " ".join(t for u in users for t in u["texts"])
    assert "chemotherapy" in sent  # the term goes in the request, not as a placeholder
    assert "St. Jude" not in sent and re.search(r"zx\d+qz", sent)  # names and links do
    assert "French" in stand_in.requests[0]["messages"][0]["content"]
    note = re.compile(r"^machine translation: openai stub-model@127\.0\.0\.1:\d+ en→fr, "
                      r"\d{4}-\d\d-\d\d$")
    drafted = [e for e in page_po(fr_site) if e.msgstr]
    assert len(drafted) > 50
    for e in drafted:
        assert is_draft(e, GETTEXT) and note.match(provenance(e)[-1]), provenance(e)
        assert e.msgstr.startswith("[fr] ")
    st_jude = [e for e in drafted if "St. Jude" in e.msgid]
    assert st_jude and all("St. Jude" in e.msgstr for e in st_jude)  # restored


def test_no_phrases_file_and_no_key_still_work(fr_site: Path, stand_in: StandIn,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    run = cli(fr_site, "translate", "--lang", "fr", "--page", "site")
    assert run.exit_code == 0, run.output
    assert "Authorization" not in stand_in.headers[0]
    assert json.loads(stand_in.requests[0]["messages"][1]["content"])[
        "approved_safety_phrases"] == []


@pytest.mark.parametrize(("reply", "reason"), [
    (lambda r: (200, chat("", refusal="I can't help with medical content.")),
     "openai: the model refused: I can't help with medical content."),
    (lambda r: (200, chat("Sure! Here is the translation: Bonjour")),
     "openai: the answer is not the JSON asked for: Sure! Here is the translation: Bonjour"),
    (lambda r: (200, "<html>Bad gateway</html>"), "openai: not a chat-completions answer"),
    (lambda r: (200, chat(json.dumps({"translations": ["un"]}))), "openai: the answer has 1"),
    (lambda r: (401, {"error": {"message": "bad key"}}),
     "openai: HTTP 401: the key was refused (set OPENAI_API_KEY)"),
])
def test_refused_or_garbled_answers_are_not_kept(fr_site: Path, stand_in: StandIn,
                                                 reply: Reply, reason: str) -> None:
    stand_in.reply = reply
    run = cli(fr_site, "translate", "--lang", "fr", "--page", "site")
    assert run.exit_code == 1
    assert "Traceback" not in run.output
    assert reason in run.output
    po = polib.pofile(str(fr_site / "locale" / "fr" / "LC_MESSAGES" / "site.po"))
    assert not any(e.msgstr for e in po)


def test_an_answer_that_drops_a_placeholder_is_not_kept(fr_site: Path,
                                                        stand_in: StandIn) -> None:
    def drop_links(request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        out = [re.sub(r"zx0qz", "", t) for t in texts_of(request)]
        return 200, chat(json.dumps({"translations": out}))

    stand_in.reply = drop_links
    run = cli(fr_site, "translate", "--lang", "fr", "--page", PAGE)
    assert run.exit_code == 1
    assert "placeholders did not survive MT" in run.output
    kept = [e for e in page_po(fr_site) if e.msgstr]
    assert kept  # entries with no placeholder zx0qz are drafted as usual
    for e in kept:  # and no kept draft lost a link target, a number or a name
        for piece in re.findall(r"\]\([^)]*\)|St\. Jude|\d[\d-]{6,}\d", e.msgid):
            assert piece in e.msgstr, (e.msgid, e.msgstr)


def test_busy_server_is_retried_then_answers() -> None:
    server = StandIn()
    calls = {"n": 0}

    def busy_once(request: dict[str, Any]) -> tuple[int, dict[str, Any] | str]:
        calls["n"] += 1
        return (429, {"error": "slow down"}) if calls["n"] == 1 else tagged(request)

    server.reply = busy_once
    waits: list[float] = []
    try:
        engine = OpenAIEngine({"openai": {"url": server.url, "model": "m"}},
                              glossary_path=Path("/nonexistent"),
                              phrases_path=Path("/nonexistent"), env={}, sleep=waits.append)
        assert engine.translate_batch(["Hello", "World"], EN, FR) == ["[fr] Hello",
                                                                      "[fr] World"]
        assert calls["n"] == 2 and len(waits) == 1
    finally:
        server.server.shutdown()
        server.server.server_close()


def test_a_dead_endpoint_fails_in_one_line_and_stops_sending() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    engine = OpenAIEngine({"openai": {"url": f"http://127.0.0.1:{port}/v1", "model": "m",
                                      "batch": 1}},
                          glossary_path=Path("/x"), phrases_path=Path("/x"), env={})
    results = engine.translate_batch([f"text {i}" for i in range(5)], EN, FR)
    reasons = [r.reason for r in results if isinstance(r, Failure)]
    assert len(reasons) == 5
    assert reasons[0] == f"openai: cannot connect to 127.0.0.1:{port} (ConnectionError)"
    assert reasons[-1].startswith("openai: not sent (3 failed connections in a row)")


def test_missing_settings_name_the_fix(project: Path) -> None:
    path = project / "pyproject.toml"
    path.write_text(path.read_text("utf-8") + '\n[tool.pipeline.engines]\nes = "openai"\n',
                    encoding="utf-8")
    assert cli(project, "extract").exit_code == 0
    assert cli(project, "update", "--lang", "es").exit_code == 0
    run = cli(project, "translate", "--lang", "es")
    assert run.exit_code == 2
    assert "[tool.pipeline.online] openai = " in run.output and "Traceback" not in run.output


def test_answers_reads_fenced_json_and_a_bare_list() -> None:
    fenced = chat('```json\n{"translations": ["a", "b"]}\n```')
    assert answers(json.dumps(fenced), 2) == ["a", "b"]
    assert answers(json.dumps(chat('["a"]')), 1) == ["a"]
    cut = chat("{")
    cut["choices"][0]["finish_reason"] = "length"
    assert answers(json.dumps(cut), 1) == [Failure("openai: the answer was cut off (length)")]
