"""Corrections of what an import cannot know, made through the same locked, logged and committed
write as every other change, so that they are in the history and `undo` takes them back."""

from __future__ import annotations

from . import inputs
from .errors import UsageError
from .model import Commitment
from .operations import Actor, Change, Draft, Found, draft, modify
from .storage import Store
from .vcs import Git


def set_side(store: Store, commitment_id: str, side: str, actor: Actor, git: Git | None, note: str | None) -> Change:
    """Say which side carries a commitment: `both`, or one of the statement's sides."""
    new = inputs.side(side, store.statement())
    extras = {"note": inputs.text(note, "--note")} if note is not None else {}

    def make(found: Found) -> list[Draft]:
        item = found.item
        if not isinstance(item, Commitment):
            raise UsageError(f"{found.record_id} is not a commitment: only a commitment has a side")
        if item.asked_by is not None and new == item.asked_by:
            raise UsageError(
                f"{found.record_id} is {item.kind.value} by {item.asked_by}: its side is the side asked, not {new}"
            )
        return [draft(found.record_id, field="side", old=item.side, new=new, **extras)]

    return modify(store, commitment_id, actor, git, make)
