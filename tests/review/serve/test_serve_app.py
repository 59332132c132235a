"""A real ``pipeline serve`` on 127.0.0.1: start time, pages from memory, nothing written."""

from __future__ import annotations

from serving import (
    PAGE,
    Server,
    server_fixture,  # noqa: F401 (fixtures)
    site_fixture,  # noqa: F401
)


def test_starts_fast_and_writes_no_output(server: Server) -> None:
    print(f"serve start (process spawn → first 200): {server.started_in:.2f} s")
    assert server.started_in < 4.0  # issue target 2 s; generous for a loaded 2-core CI
    status, html = server.get(f"/drafts/es/{PAGE}.html")
    assert status == 200 and 'class="machine"' in html and "noindex" in html
    status, html = server.get(f"/es/{PAGE}.html")
    assert status == 404 and "strings reviewed" in html  # es is below its review gate
    assert server.get("/assets/screen.css")[0] == 200
    assert server.get("/drafts/assets/screen.css")[0] == 200
    assert not (server.root / "output").exists()


