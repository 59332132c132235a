"""The indexes escape as ``xml.sax.saxutils`` does, byte for byte, without importing it (its
import pulls in urllib, http, ssl and email on every publish)."""

from __future__ import annotations

from xml.sax.saxutils import escape as sax_escape
from xml.sax.saxutils import quoteattr as sax_quoteattr

from hypothesis import given
from hypothesis import strategies as st

from pipeline.site.indexes import escape, quoteattr


@given(st.text(alphabet="ab'\"<>&\n\r\t /?=é", max_size=30))
def test_the_same_bytes_as_saxutils(text: str) -> None:
    assert escape(text) == sax_escape(text)
    assert quoteattr(text) == sax_quoteattr(text)
