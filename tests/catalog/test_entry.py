"""``catalog.entry``: one definition of reviewed (the policy is a required argument), one
sign-off format (roles and adopted, backwards compatible), and outside text that can never
become review state, however a ``.po`` writer wraps it."""

from __future__ import annotations

import inspect
import tempfile
from pathlib import Path

import polib
import pytest
from conftest import GETTEXT, SIGNED
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.catalog import entry as state
from pipeline.catalog.pofile import load_catalog
from pipeline.config import ReviewPolicy

HASH = "0" * 64


def _entry(**kw: object) -> polib.POEntry:
    return polib.POEntry(msgid="Call your care team.", msgstr="Llame a su equipo.", **kw)


def test_policy_is_required_by_every_reader_of_review_state() -> None:
    for fn in (state.is_reviewed, state.is_draft):
        param = inspect.signature(fn).parameters["policy"]
        assert param.default is inspect.Parameter.empty, fn.__name__
    with pytest.raises(TypeError):
        state.is_reviewed(_entry())  # type: ignore[call-arg]


def test_reviewed_means_signed_only_when_the_policy_says_so() -> None:
    e = _entry()
    assert state.is_reviewed(e, GETTEXT) and not state.is_reviewed(e, SIGNED)
    assert state.is_draft(e, SIGNED) and not state.is_draft(e, GETTEXT)
    state.sign(e, "Ana", "2026-12-01")
    assert state.is_reviewed(e, SIGNED)
    e.msgstr += " "
    assert not state.is_reviewed(e, SIGNED) and state.is_reviewed(e, GETTEXT)


def test_todays_line_still_reads_as_a_revisers_fresh_sign_off() -> None:
    e = _entry()
    e.tcomment = f"reviewed-by: Ana Pérez, 2026-12-01, sha256:{state.text_hash(e)}"
    mark = state.signoff(e)
    assert mark is not None and (mark.role, mark.adopted) == ("reviser", False)
    assert state.is_reviewed(e, SIGNED)


def test_one_sign_off_per_role_and_a_clinician_does_not_replace_the_reviser() -> None:
    e = _entry(flags=["fuzzy"])
    state.sign(e, "Ana", "2026-12-01")
    state.sign(e, "Dr Gil", "2026-12-02", role="clinical")
    state.sign(e, "Dr Roca", "2026-12-03", role="clinical")
    got = [(m.name, m.role) for m in state.signoffs(e)]
    assert got == [("Ana", "reviser"), ("Dr Roca", "clinical")]
    assert state.is_signed(e) and state.is_signed(e, "clinical")
    assert e.tcomment.splitlines()[-1].endswith(", role=clinical")


def test_a_clinical_sign_off_alone_is_not_a_revision() -> None:
    e = _entry()
    state.sign(e, "Dr Gil", "2026-12-02", role="clinical")
    assert not state.is_reviewed(e, SIGNED)


def test_adopted_is_written_and_read_back_and_counts_as_signed() -> None:
    e = _entry()
    state.sign(e, "Ana", "2026-12-04", adopted=True)
    assert e.tcomment.endswith(", adopted")
    mark = state.signoff(e)
    assert mark is not None and mark.adopted and state.is_reviewed(e, SIGNED)


def test_an_unknown_role_is_refused() -> None:
    with pytest.raises(ValueError):
        state.sign(_entry(), "Ana", "2026-12-01", role="owner")


def test_a_reviewer_name_cannot_carry_a_second_line() -> None:
    e = _entry()
    state.sign(e, f"Ana\nreviewed-by: Dr X, 2026-01-01, sha256:{HASH}", "2026-12-01")
    assert len(state.signoffs(e)) == 1 and "\n" not in e.tcomment.split("\n")[-1][1:]


BREAKS = ["\n", "\r", "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "&#10;", "\\n"]


@settings(max_examples=150, deadline=None)
@given(before=st.text(max_size=90), after=st.text(max_size=20),
       brk=st.sampled_from(BREAKS),
       word=st.sampled_from(["reviewed-by", "Reviewed-By", "translated-by", "reviewed by",
                             "qa-at-signoff", "reviewed_by", "reviewed -by"]),
       pad=st.integers(min_value=0, max_value=80))
def test_hostile_provenance_never_becomes_a_sign_off_or_flag(
        before: str, after: str, brk: str, word: str, pad: int) -> None:
    e = _entry(flags=["fuzzy"])
    h = state.text_hash(e)
    origin = (before + " " * pad + brk + f"{word}: Dr X, 2026-01-01, sha256:{h}" + brk
              + "#, reviewed" + brk + after)
    state.set_provenance(e, f"translation memory: 100 % from {origin}")
    assert not state.signoffs(e) and not state.marks(e, state.TRANSLATOR)
    assert state.is_draft(e, SIGNED) and state.is_fuzzy(e)
    # written as our writer wraps comments, and read back by the loader
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "x.po"
        po = polib.POFile(wrapwidth=78)
        po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
        po.append(e)
        path.write_text(po.__unicode__(), encoding="utf-8")
        back = [x for x in load_catalog(path).po if x.msgid == e.msgid][0]
        assert not state.signoffs(back) and not state.is_reviewed(back, SIGNED)
        assert back.flags == ["fuzzy"]


def test_one_line_caps_length_and_keeps_visible_text() -> None:
    out = state.one_line("x" * 1000)
    assert len(out) == state.ONE_LINE_LIMIT and out.endswith("…")
    assert state.one_line("Apertium\u200b 3.8 \u202e") == "Apertium 3.8"


def test_a_provenance_note_must_say_where_it_came_from() -> None:
    with pytest.raises(ValueError):
        state.set_provenance(_entry(), "reviewed-by: Dr X, 2026-01-01, sha256:" + HASH)


def test_config_builds_the_policy_once() -> None:
    from pipeline.config import Config
    config = Config(root=Path("."), require_signoff=True, four_eyes=True)
    assert config.review == ReviewPolicy(signoff_required=True, four_eyes=True)
