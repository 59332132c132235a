"""Catalogs: the English templates and the translations people review (``locale/``).

Round trip (``pofile``, ``syntax``), where files live (``paths``), an entry's state
(``entry``: the only code that sets or clears ``fuzzy`` and provenance), headers and plural
rules, extraction from the source, msgmerge-style update (``merge``, ``match``), ``.mo``
compiling, progress counts and the glossary.
"""
