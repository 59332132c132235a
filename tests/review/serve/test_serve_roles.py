"""``pipeline serve --role clinical``: the panel signs in the server's role through the same
:class:`~pipeline.review.Review` calls as ``pipeline review --role`` (the roster and four
eyes of :mod:`pipeline.review.roles`); a clinician's "next" walks the revised text of a
``review: clinical`` page; a role the roster does not give is a 4xx with nothing written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import tree_digest
from serving import (  # noqa: F401 (fixtures)
    ES,
    PAGE,
    Server,
    browser_fixture,
    entry,
    site_fixture,
    start_server,
)

from pipeline.catalog.entry import CLINICAL, REVISER, signoffs
from pipeline.config import load_config
from pipeline.review.serve.workbench import Block, Decision, blocks, decide

ROSTER = """\
[[person]]
name = "Bea Soto"
languages = ["es"]
roles = ["translator", "reviser"]

[[person]]
name = "Dr Luis Gil"
languages = ["es"]
roles = ["clinical"]
"""


@pytest.fixture(name="clinical_site")
def clinical_site_fixture(site: Path) -> Path:
    """The seed site (three machine drafts), its page ``review: clinical``, and a roster."""
    page = site / "source" / "pages" / f"{PAGE}.md"
    text = page.read_text("utf-8")
    assert "updated: 2026-11-25\n" in text
    page.write_text(text.replace("updated: 2026-11-25\n",
                                 "updated: 2026-11-25\nreview: clinical\n", 1), "utf-8")
    (site / "team.toml").write_text(ROSTER, "utf-8")
    return site


@pytest.fixture(name="clinician")
def clinician_fixture(clinical_site: Path) -> Iterator[Server]:
    srv = start_server(clinical_site, "--reviewer", "Dr Luis Gil", "--role", "clinical")
    yield srv
    srv.stop()


def revise_first_draft(root: Path) -> Block:
    """A reviser accepts the first machine draft (through the library); the block after."""
    config = load_config(root)
    b = next(b for b in blocks(config, ES, PAGE) if b.state == "draft")
    saved = decide(config, ES, "Bea Soto", Decision(PAGE, b.english, b.msgctxt, b.translation,
                                                    b.state, "accept"))
    assert saved.status == "accepted" and saved.block is not None, saved.message
    return saved.block


def accept(b: Block) -> dict[str, Any]:
    return {"lang": "es", "page": PAGE, "msgid": b.english, "msgctxt": b.msgctxt,
            "seen": b.translation, "seen_state": b.state, "action": "accept"}


def api_blocks(server: Server) -> list[dict[str, Any]]:
    status, text = server.get(f"/_serve/api/blocks?lang=es&page={PAGE}",
                              {"x-pipeline-token": server.token()})
    assert status == 200, text
    found: list[dict[str, Any]] = json.loads(text)["blocks"]
    return found


def test_a_clinician_signs_revised_text_through_the_panel(clinician: Server) -> None:
    assert "Dr Luis Gil, clinical" in clinician.lines[-1]
    meta = clinician.meta()
    assert meta["role"] == "clinical" and meta["reviewer"] == "Dr Luis Gil"
    token = {"x-pipeline-token": clinician.token()}
    revised = revise_first_draft(clinician.root)
    config = load_config(clinician.root)
    # the clinician's "next" walks reviewed entries without a clinician's sign-off, never
    # a draft (a reviser's panel walks every block not reviewed)
    shown = api_blocks(clinician)
    waits = [b for b in shown if b["waits"]]
    assert revised.english in [b["english"] for b in waits]
    assert all(b["state"] == "reviewed" for b in waits)
    assert not any(b["waits"] for b in shown if b["state"] == "draft")
    assert [b.waits for b in blocks(config, ES, PAGE)] == [
        b.state != "reviewed" for b in blocks(config, ES, PAGE)]  # the reviser's panel

    # a draft nobody revised: refused (422), nothing written
    draft = next(b for b in blocks(config, ES, PAGE) if b.state == "draft")
    before = tree_digest(clinician.root)
    status, text = clinician.post("/_serve/api/decide", accept(draft), token)
    assert status == 422 and "reviser must review" in json.loads(text)["message"]
    assert tree_digest(clinician.root) == before

    # the revised entry: signed clinically beside the reviser's sign-off
    status, text = clinician.post("/_serve/api/decide", accept(revised), token)
    assert status == 200, text
    assert json.loads(text)["status"] == "accepted"
    marks = {m.role: m.name for m in signoffs(entry(clinician.root, revised.english))}
    assert marks == {REVISER: "Bea Soto", CLINICAL: "Dr Luis Gil"}
    after = next(b for b in api_blocks(clinician) if b["english"] == revised.english)
    assert after["state"] == "reviewed" and not after["waits"]


@pytest.mark.parametrize("name", ["Bea Soto", "Someone Unlisted"])
def test_a_person_without_the_clinical_role_is_refused(clinical_site: Path, name: str) -> None:
    revised = revise_first_draft(clinical_site)
    srv = start_server(clinical_site, "--reviewer", name, "--role", "clinical")
    try:
        before = tree_digest(clinical_site)
        status, text = srv.post("/_serve/api/decide", accept(revised),
                                {"x-pipeline-token": srv.token()})
        assert 400 <= status < 500, text
        assert "team.toml" in json.loads(text)["error"]
        assert tree_digest(clinical_site) == before
    finally:
        srv.stop()
    assert [m.role for m in signoffs(entry(clinical_site, revised.english))] == [REVISER]


def test_a_clinician_signs_in_the_browser(clinician: Server, browser: Any) -> None:
    from playwright.sync_api import expect

    revised = revise_first_draft(clinician.root)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(clinician.url + f"drafts/es/{PAGE}.html")
    page.wait_for_selector("body[data-wb-ready]")
    page.locator(".wb-block").first.click()
    panel = page.locator(".wb-panel")
    panel.wait_for(state="visible")
    expect(panel.locator(".wb-signer")).to_have_text("Dr Luis Gil · clinical")
    panel.locator(".wb-skip").click()  # "next": a block waiting for a clinician
    page.wait_for_timeout(200)
    waiting = {b["english"] for b in api_blocks(clinician) if b["waits"]}
    assert panel.locator(".wb-english").inner_text() in waiting
    node = page.locator(f'.wb-block[data-wb-index="{revised.index}"]')
    node.click()
    expect(panel.locator(".wb-english")).to_have_text(revised.english)
    panel.locator(".wb-accept").click()
    expect(panel.locator(".wb-status")).to_contain_text("accepted")
    assert {m.role for m in signoffs(entry(clinician.root, revised.english))} == {
        REVISER, CLINICAL}
    assert not errors
