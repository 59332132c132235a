"""Machine pretranslation: memory first, then an engine; every result a fuzzy draft.

``translate`` runs a language's catalogs through ``memory`` (reviewed entries and imported
TMX, ``tm``) and an engine from ``engines`` (Apertium offline, deep-translator online), with
placeholders protecting markup, links and names (``protect``) and a cache of answers.
"""
