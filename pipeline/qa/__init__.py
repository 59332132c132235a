"""Quality checks on translations: form (``checks``), deception (``deception``) and meaning
(``meaning`` with ``lexicon``'s word lists), reported as ``findings``; ``report`` draws the
status page."""
