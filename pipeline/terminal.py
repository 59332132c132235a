"""The review loop at a terminal: cards shown through a Console, keys read, editors opened."""

from __future__ import annotations

import textwrap
from typing import Protocol

from pipeline.review import Card, Outcome, Review, Summary
from pipeline.visible import visible, without_controls

KEYS = "aesbq"


PROMPT = "[a]ccept [e]dit [s]kip [b]ack [q]uit"


class Console(Protocol):
    """The reviewer's side. ``choose``/``confirm``/``edit`` raise EOFError when input ends."""

    def show(self, text: str) -> None: ...

    def choose(self, prompt: str, keys: str) -> str: ...

    def confirm(self, question: str) -> bool: ...

    def edit(self, text: str, notes: str) -> str | None:
        """The new text, or None when the reviewer left it as it was.

        ``text`` is the current translation to start from; ``notes`` are ``#`` comment lines
        (the English, the previous English) for an editor file, which :func:`from_editor`
        takes off again.
        """
        ...


def editor_notes(card: Card) -> str:
    """``#`` lines above the text in the editor: the English and the previous English."""
    lines = ["# English" + (f" ({card.kind})" if card.kind else "") + f", {card.where}:"]
    lines += [f"#   {line}" for line in textwrap.wrap(visible(card.english), 86) or [""]]
    if card.previous is not None:
        lines.append("# The translation below was made for this earlier English (#| msgid):")
        lines += [f"#   {line}" for line in textwrap.wrap(visible(card.previous), 86) or [""]]
    lines.append("# Write the translation below; these '#' lines are ignored. "
                 "Save and quit to keep it.")
    return "\n".join(lines) + "\n"


def from_editor(text: str | None) -> str | None:
    """The translation from an editor file: the leading ``#`` lines taken off."""
    if text is None:
        return None
    lines = text.split("\n")
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "\n".join(lines)


def run_review(review: Review, console: Console) -> Summary:
    """Show each card, ask for a key, apply it; stop at the end, on ``q`` or when input ends."""
    try:
        while not review.done:
            card = review.card()
            if card is None:
                console.show("(this entry left the catalog; skipped)")
                review.skip()
                continue
            console.show(card.render())
            key = console.choose(PROMPT, KEYS)
            if key == "a":
                outcome = review.accept(card)
                if outcome.confirm:
                    ok = console.confirm(outcome.message)
                    outcome = review.accept(card, confirmed=True) if ok else Outcome("not accepted")
            elif key == "e":
                start = without_controls(card.current[0])
                outcome = review.edit(card, console.edit(start, editor_notes(card)))
            elif key == "s":
                outcome = review.skip()
            elif key == "b":
                outcome = review.back()
            else:
                review.quit = True
                break
            console.show(f"→ {outcome.message}")
    except EOFError:
        return review.summary(interrupted=True)
    return review.summary()
