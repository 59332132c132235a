"""Who may ask ``serve`` anything: Host names, Origin, the session token; loopback by
default."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import GETTEXT
from serving import (  # noqa: F401 (fixtures)
    ES,
    PAGE,
    Server,
    entry,
    page_po,
    server_fixture,
    site_fixture,
)

from pipeline.catalog.entry import is_reviewed
from pipeline.config import load_config
from pipeline.review.serve.guard import hosts_for, is_loopback
from pipeline.review.serve.workbench import blocks


def test_loopback_and_hosts() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and not is_loopback("0.0.0.0")
    assert {"127.0.0.1:8000", "localhost:8000", "[::1]:8000"} <= hosts_for("127.0.0.1", 8000)
    assert hosts_for("192.0.2.7", 8000) >= {"192.0.2.7:8000"}
    assert "127.0.0.1:8000" not in hosts_for("192.0.2.7", 8000)
    every = hosts_for("0.0.0.0", 8000)  # every interface: the machine's own addresses only
    assert "127.0.0.1:8000" in every and "0.0.0.0:8000" not in every
    assert not any(h.startswith("attacker.example") for h in every)


def test_token_origin_and_host_are_enforced(server: Server) -> None:
    token = server.token()
    b = next(b for b in blocks(load_config(server.root), ES, PAGE) if b.state == "draft")
    body = {"lang": "es", "page": PAGE, "msgid": b.english, "msgctxt": b.msgctxt,
            "seen": b.translation, "seen_state": b.state, "action": "accept",
            "text": b.translation}
    before = page_po(server.root).read_bytes()
    host = server.url.split("//")[1].rstrip("/")
    assert server.post("/_serve/api/decide", body, {})[0] == 403
    assert server.post("/_serve/api/decide", body, {"x-pipeline-token": "wrong"})[0] == 403
    status, text = server.post("/_serve/api/decide", body, {
        "x-pipeline-token": token, "origin": "http://evil.example"})
    assert status == 403 and "evil.example" in text
    assert server.get(f"/_serve/api/blocks?lang=es&page={PAGE}")[0] == 403
    port = host.rsplit(":", 1)[1]
    for rebound in (f"attacker.example:{port}", "attacker.example", f"127.0.0.1.evil:{port}",
                    ""):
        status, text = server.get("/", {"host": rebound})  # a DNS-rebinding page's Host
        assert status == 421 and "unknown Host" in text, rebound
        assert server.post("/_serve/api/decide", body, {
            "host": rebound, "x-pipeline-token": token})[0] == 421
    assert page_po(server.root).read_bytes() == before
    status, text = server.post("/_serve/api/decide", body, {
        "x-pipeline-token": token, "origin": f"http://{host}"})
    assert status == 200 and json.loads(text)["status"] == "accepted"
    assert is_reviewed(entry(server.root, b.english), GETTEXT)
    status, _ = server.get("/")
    assert status == 200



def test_cli_refuses_without_reviewer_and_warns_off_loopback(site: Path) -> None:
    from click.testing import CliRunner

    from pipeline.cli import cli
    from pipeline.review.serve.server import listen

    env = {"PIPELINE_REVIEWER": "", "USER": ""}
    result = CliRunner().invoke(cli, ["--root", str(site), "serve", "--port", "0"], env=env)
    assert result.exit_code == 2
    assert "name the reviewer: --reviewer NAME" in result.output
    result = CliRunner().invoke(cli, ["--root", str(site), "serve", "--port", "0", "--host",
                                      "0.0.0.0"], env={"PIPELINE_REVIEWER": "Ana"})
    assert result.exit_code == 2 and "--allow-remote" in result.output
    assert "SSH tunnel" in result.output
    listening = listen("0.0.0.0", 0, allow_remote=True)
    try:
        assert listening.warning is not None and "not loopback" in listening.warning
        assert listening.access.remote and listening.access.page_token() == ""
        assert "/_serve/session/" in listening.start
    finally:
        listening.socket.close()
    local = listen("127.0.0.1", 0)
    try:
        assert local.warning is None and local.url.startswith("http://127.0.0.1:")
    finally:
        local.socket.close()

