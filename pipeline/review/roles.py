"""Who may sign an entry in which role: the roster (``team.toml``) and the four-eyes rule.

One place for the rule, called by the terminal session and the browser workbench alike
(both sign through :class:`pipeline.review.session.Review`):

* with a roster, a person signs only in a role and a language it gives them;
* a clinical sign-off confirms a text a reviser already revised (it is a second look, not
  a revision: ``sign`` would otherwise clear ``fuzzy`` on a draft nobody revised);
* with ``four_eyes``, whoever typed the text (its ``translated-by`` line, else the catalog's
  ``Last-Translator``) signs it in no role, and one person does not fill both review roles
  of one text: the reviser and the clinical reviewer are two people.
"""

from __future__ import annotations

import polib

from pipeline.catalog import entry as entry_state
from pipeline.config import Config, Language
from pipeline.team import Team, same_person


def role_refusal(team: Team, name: str, role: str, lang: Language) -> str | None:
    """Why ``name`` may not sign in ``role`` for ``lang``, or None."""
    if role not in entry_state.SIGNOFF_ROLES:
        return f"a sign-off's role is one of {', '.join(entry_state.SIGNOFF_ROLES)}, not {role}"
    return team.check(name, role, lang)


def signing_refusal(config: Config, entry: polib.POEntry, name: str, role: str,
                    typed_by: tuple[str, str] | None) -> str | None:
    """Why ``name`` may not sign ``entry`` in ``role`` now (one line), or None.

    ``typed_by``: who typed the current text and how that is known
    (:func:`pipeline.catalog.entry.translator`).
    """
    if role == entry_state.CLINICAL and not entry_state.is_reviewed(entry, config.review):
        return ("a clinical sign-off confirms revised text: a reviser must review this "
                "entry first (pipeline review --role reviser)")
    if not config.four_eyes:
        return None
    if typed_by and same_person(typed_by[0], name):
        return (f"four eyes: {typed_by[0]} translated this text ({typed_by[1]}); another "
                f"person must sign it as {role}")
    for mark in entry_state.signoffs(entry):
        if (mark.role != role and mark.hash == entry_state.text_hash(entry)
                and same_person(mark.name, name)):
            return (f"four eyes: {mark.name} already signed this text as {mark.role}; "
                    f"another person must sign it as {role}")
    return None
