"""Changes in words, the same everywhere: on the terminal, in the log, the report and commit messages."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .values import NO_REVIEW

if TYPE_CHECKING:  # `show` words the data of events and figures read from the index, without the models
    from .model import Event
    from .progress import AnyOriginal


def describe(event: Event, with_id: bool = True) -> str:
    """One line: `4.3 status: not_started -> in_progress`; without the id, `status: not_started -> in_progress`."""
    if event.field is None:
        what = "note withdrawn" if event.undoes is not None else "note"
        return f"{event.id}: {what}" if with_id else what
    what = f"{event.series} {event.period}" if event.field == "measurement" else what_changed(event)
    if with_id:
        what = f"{event.id} {what}"
    review = "" if event.review_by is None else f" (review by {event.review_by})"
    if event.review_by == NO_REVIEW:
        review = " (review date withdrawn)"
    if event.old == event.new and event.old_source == event.source:
        return f"{what}: {show_value(event.new)} (re-asserted){review}"
    return f"{what}: {show_value(event.old)} -> {show_value(event.new)}{review}"


INTERNAL_MARK = "(internal) "


def marked(text: str | None, internal: bool | None) -> str | None:
    """A note or evidence link as officers read it: an internal one says so."""
    return f"{INTERNAL_MARK}{text}" if text and internal else text


def what_changed(event: Event) -> str:
    """The kind of change, for lists of events: `status`, `status (korea)`, `measurement korea 2026`,
    `note`, `undo`."""
    if event.field == "measurement":
        return f"measurement {event.series} {event.period}"
    if event.party is not None:
        return f"{event.field} ({event.party})"
    return event.field or ("undo" if event.undoes else "note")


def show_value(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, Decimal):
        return format(value, "f")  # 1000, never 1E+3
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    return str(value)


def original_text(original: AnyOriginal, per: str) -> str:
    """`KRW 261.351 billion at 1389.315 KRW per USD of 2025-06-30, rate source: ...`"""
    scale = f" {original.unit}" if original.unit else ""
    when = f" of {original.rate_date}" if original.rate_date else ""  # a date, or its ISO text
    return (
        f"{original.currency} {original.value:f}{scale} at {original.rate:f} {original.currency} per {per}{when}, "
        f"rate source: {original.rate_source}"
    )


def commit_message(events: list[Event]) -> str:
    ids = list(dict.fromkeys(e.id for e in events))
    if len(events) == 1 or events[0].field == "split":  # a split's excerpts are in the body's note and the file
        head = describe(events[0])
    elif len(ids) > 1:  # a batch: the head names the records and the change, the body lists each one
        shown = ", ".join(ids[:4]) + (f" and {len(ids) - 4} more" if len(ids) > 4 else "")
        changes = {describe(e, with_id=False) for e in events}
        head = f"{shown}: {changes.pop() if len(changes) == 1 else f'{len(events)} changes'}"
    else:
        head = f"{events[0].id}: " + "; ".join(describe(e, with_id=False) for e in events)
    if events[0].undoes is not None:
        head = f"undo {head}"
    body = list(dict.fromkeys(line for e in events for line in (e.note, e.evidence) if line))
    if len(ids) > 1:
        body = [describe(e) for e in events] + list(dict.fromkeys(body))
    return "\n\n".join([head, "\n".join(body)]) if body else head
