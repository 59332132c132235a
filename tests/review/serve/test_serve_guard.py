"""Who may ask ``serve`` anything: Host names, Origin, the session token; loopback by
default."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import GETTEXT
from serving import (  # noqa: F401 (fixtures)
    ES,
    PAGE,
    Server,
    entry,
    page_po,
    server_fixture,
    site_fixture,
    start_server,
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



def _session_cookie(server: Server) -> str:
    """Open the one-time address as a browser would; the cookie it sets."""
    path = "/" + server.start.split("/", 3)[3]
    status, headers, _ = server.fetch(path)
    assert status == 303 and headers["location"] == "/"
    cookie = headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert server.fetch(path)[0] == 403  # once only
    return cookie.split(";", 1)[0]


def test_off_loopback_no_page_carries_the_token(site: Path) -> None:
    """``--allow-remote`` on every interface, reached here through 127.0.0.1: nothing
    answers without the session; the session starts once; no page holds a token."""
    server = start_server(site, "--host", "0.0.0.0", "--allow-remote", reach="127.0.0.1")
    try:
        assert "not loopback" in server.lines[0] and "/_serve/session/" in server.start
        for path in ("/", f"/drafts/es/{PAGE}.html", f"/es/{PAGE}.html", "/_serve/review.js",
                     f"/_serve/api/blocks?lang=es&page={PAGE}"):
            status, text = server.get(path)
            assert status == 403 and "one-time address" in text, path
        assert server.get("/_serve/session/guessed")[0] == 403
        cookie = _session_cookie(server)
        meta = server.meta({"cookie": cookie})
        assert meta["review"] is True and meta["token"] == ""  # the cookie is the credential
        token = cookie.split("=", 1)[1]
        _, page = server.get(f"/drafts/es/{PAGE}.html", {"cookie": cookie})
        assert token not in page
        b = next(b for b in blocks(load_config(site), ES, PAGE) if b.state == "draft")
        body = {"lang": "es", "page": PAGE, "msgid": b.english, "msgctxt": b.msgctxt,
                "seen": b.translation, "seen_state": b.state, "action": "accept",
                "text": b.translation}
        before = page_po(site).read_bytes()
        assert server.post("/_serve/api/decide", body, {"cookie": cookie})[0] == 403  # no header
        assert server.post("/_serve/api/decide", body, {"x-pipeline-token": "session"})[0] == 403
        assert page_po(site).read_bytes() == before
        status, text = server.post("/_serve/api/decide", body, {
            "cookie": cookie, "x-pipeline-token": "session"})
        assert status == 200 and json.loads(text)["status"] == "accepted"
    finally:
        server.stop()


NS = "pipeline-serve-test"
HOST_IP, PEER_IP = "10.231.77.1", "10.231.77.2"


@pytest.fixture
def peer() -> Iterator[str]:
    """A second machine: a network namespace joined to this one by a veth pair."""
    if not shutil.which("ip") or os.geteuid() != 0:
        pytest.skip("needs root and iproute2 to make a network namespace")
    setup = [["ip", "netns", "add", NS],
             ["ip", "link", "add", "pst-host", "type", "veth", "peer", "name", "pst-peer"],
             ["ip", "link", "set", "pst-peer", "netns", NS],
             ["ip", "addr", "add", f"{HOST_IP}/24", "dev", "pst-host"],
             ["ip", "link", "set", "pst-host", "up"],
             ["ip", "netns", "exec", NS, "ip", "addr", "add", f"{PEER_IP}/24", "dev",
              "pst-peer"],
             ["ip", "netns", "exec", NS, "ip", "link", "set", "pst-peer", "up"],
             ["ip", "netns", "exec", NS, "ip", "link", "set", "lo", "up"]]
    subprocess.run(["ip", "netns", "del", NS], capture_output=True)
    subprocess.run(["ip", "link", "del", "pst-host"], capture_output=True)
    for cmd in setup:
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            subprocess.run(["ip", "netns", "del", NS], capture_output=True)
            pytest.skip(f"cannot make a network namespace here: {' '.join(cmd)}: "
                        f"{done.stderr.strip()}")
    try:
        yield NS
    finally:
        subprocess.run(["ip", "link", "del", "pst-host"], capture_output=True)
        subprocess.run(["ip", "netns", "del", NS], capture_output=True)


PEER_GET = """
import http.client, json, sys
out = []
for path, host in json.loads(sys.argv[1]):
    conn = http.client.HTTPConnection(sys.argv[2], timeout=10)
    conn.request("GET", path, headers={"host": host} if host else {})
    res = conn.getresponse()
    out.append([res.status, res.read().decode("utf-8", "replace")])
print(json.dumps(out))
"""


def test_a_peer_on_another_address_gets_no_token(site: Path, peer: str) -> None:
    """A real second address: the server listens on the host's side of a veth pair; a
    process in the peer namespace reaches it and never sees the token or a draft."""
    server = start_server(site, "--host", HOST_IP, "--allow-remote")
    try:
        port = server.url.rsplit(":", 1)[1].strip("/")
        asks = [["/", ""], [f"/drafts/es/{PAGE}.html", ""], [f"/es/{PAGE}.html", ""],
                [f"/_serve/api/blocks?lang=es&page={PAGE}", ""],
                ["/", f"rebind.example:{port}"], ["/_serve/session/x", ""]]
        done = subprocess.run(["ip", "netns", "exec", peer, sys.executable, "-c", PEER_GET,
                               json.dumps(asks), f"{HOST_IP}:{port}"],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        answers = json.loads(done.stdout)
        assert [a[0] for a in answers] == [403, 403, 403, 403, 421, 403]
        # the person at the terminal opens the printed address and gets a working session
        cookie = _session_cookie(server)
        token = cookie.split("=", 1)[1]
        assert all(token not in text for _, text in answers)
        assert server.meta({"cookie": cookie})["token"] == ""
        # the start address was spent: the peer cannot start one now either
        path = "/" + server.start.split("/", 3)[3]
        done = subprocess.run(["ip", "netns", "exec", peer, sys.executable, "-c", PEER_GET,
                               json.dumps([[path, ""]]), f"{HOST_IP}:{port}"],
                              capture_output=True, text=True, timeout=60)
        assert json.loads(done.stdout)[0][0] == 403
    finally:
        server.stop()
