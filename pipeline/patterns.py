"""The patterns for phone numbers, URLs, e-mail addresses and numbers, shared by ``protect``
(what MT must not touch) and ``checks`` (what a translation must keep), so both agree.

Every pattern here runs on untrusted text (translations, MT answers) and is written to run
in linear time: no two quantifiers can share a character they compete for, a run is
entered only at its start (a look-behind for the run's own class), and repetition is
bounded where a standard bounds it (64 characters before an e-mail's ``@``, 63 per domain
label). ``tests/guarantees/test_patterns.py`` proves it on megabyte-sized inputs.
"""

from __future__ import annotations

import re

EMAIL = r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}\b"
"""An e-mail address (``name@example.org``)."""

WEB_URL = r"\bhttps?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?]"
"""An http(s) URL in prose, without the sentence's closing punctuation."""

URL = r"\b(?:https?://|mailto:|tel:)[^\s)\]>\"]+"
"""An http(s), mailto: or tel: address as a link target or in prose."""

PHONE = (
    r"(?<![\w-])(?:\+?1[-. ]?)?\(\d{3}\)[-. ]?\d{3}[-. ]\d{4}(?![\w-])"
    r"|(?<![\w-])\+?\d{1,3}(?:[-. ]\d{2,4}){2,4}(?![\w-])"
)
"""A phone number: ``(901) 595-3300``, ``1-866-278-5833``, ``+34 91 123 45 67``."""

NUMBER = r"\d++(?:[.,:]\d++)*+"
"""A number with its decimal, thousands or ratio separators (``1,500``, ``2.5``, ``1:3``)."""

EMAIL_RE = re.compile(EMAIL)
WEB_URL_RE = re.compile(WEB_URL)
URL_RE = re.compile(URL)
PHONE_RE = re.compile(PHONE)
NUMBER_RE = re.compile(NUMBER)
