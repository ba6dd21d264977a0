"""What officers do to the records: set a status, add a note, edit, measure, correct a side, and take
a change back.

Each command appends events to one record's history and sets the record's fields from their
latest events (history.py), in one transaction (transaction.py). Values come in typed, and a
value a record cannot take is an InvalidValue in the records' own words.
"""

from __future__ import annotations

import csv
import getpass
import io
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from .arguments import UNSET, Actor, Unset
from .errors import AccordError, ConflictError, DataError, InvalidValue, NothingToDo
from .fsio import read_regular
from .history import (
    apply,
    current_value,
    field_key,
    latest_events,
    measurement_of,
    series_of,
    set_from_event,
    value_on,
)
from .model import (
    MAX_NAME,
    MAX_NOTE,
    MAX_TEXT,
    SCALES,
    Commitment,
    Event,
    Original,
    Status,
    Target,
    checked_amount,
    checked_url,
    parse_amount,
)
from .progress import converted, doubt_figure, period_problem, refuse_figure, verdict_series
from .storage import Found, Store, all_records, find
from .text import ISO_DATE, as_tag, checked_text
from .transaction import save, writing
from .vcs import Git
from .wording import commit_message, describe, show_value


def identify(name: str | None, store: Store, email: str | None = None) -> Actor:
    """Who makes changes: `name`, else git's user.name for the records, else the login name.

    The email is `email`, else git's user.email when the name is git's user.name.
    """
    git = Git.find(store.root)
    git_name = git.config("user.name") if git else None
    chosen = name if name is not None else git_name or getpass.getuser()
    chosen = checked_text(chosen, "the actor's name", MAX_NAME).strip()
    if email is None and git is not None and chosen == git_name:
        email = git.config("user.email")
    return Actor(chosen, email)


@dataclass
class Change:
    """What a command did: the events it appended and whether git committed them."""

    record_id: str
    events: list[Event] = field(default_factory=list)
    committed: bool = False
    # Back-dated events that a later-dated change outranks, with the value that stays current.
    outranked: list[tuple[Event, Any]] = field(default_factory=list)


Draft = dict[str, Any]  # an event's fields but for who and when, which the write path adds


def draft(record_id: str, **values: Any) -> Draft:
    return {"id": record_id, **values}


def _write(store: Store, found: Found, drafts: list[Draft], actor: Actor, git: Git | None) -> Change:
    # One timestamp for all events of a command: together they are one change, undone together.
    now = datetime.now(UTC)
    events = [Event(at=now, by=actor.name, **d) for d in drafts]
    change = Change(found.record_id, events)
    if not events:
        return change
    updated = apply(found.loaded.record, events)
    latest = latest_events(updated.history)
    change.outranked = [
        (e, current_value(updated, key)) for e in events if (key := field_key(e)) is not None and latest[key] != e
    ]
    change.committed = save(store, found.loaded, updated, git, commit_message(events), actor.name, actor.email)
    return change


def modify(store: Store, record_id: str, actor: Actor, git: Git | None, make: Callable[[Found], list[Draft]]) -> Change:
    with writing(store, git):
        found = find(store, record_id)
        return _write(store, found, make(found), actor, git)


def _extras(note: str | None, evidence: str | None, on: date | None = None) -> dict[str, Any]:
    extras: dict[str, Any] = {}
    if note is not None:
        extras["note"] = checked_text(note, "the note", MAX_NOTE)
    if evidence is not None:
        extras["evidence"] = checked_url(evidence, "the evidence")
    if on is not None:
        if on > datetime.now(UTC).date():
            raise InvalidValue(f"a change cannot have happened on {on.isoformat()}, which is in the future")
        extras["on"] = on
    return extras


def set_status(
    store: Store,
    record_id: str,
    status: Status,
    actor: Actor,
    git: Git | None,
    note: str | None = None,
    evidence: str | None = None,
    on: date | None = None,
) -> Change:
    extras = _extras(note, evidence, on)

    def make(found: Found) -> list[Draft]:
        item = found.item
        if isinstance(item, Target):
            raise InvalidValue(f"{found.record_id} is a target: its progress is recorded as measurements")
        # A change dated earlier changes from what the status was then.
        old = value_on(found.loaded.record, (found.record_id, "status"), on) if on else item.status.value
        # The same status again is recorded too: a re-assertion is the latest word in a merge.
        return [draft(found.record_id, field="status", old=old, new=status.value, **extras)]

    return modify(store, record_id, actor, git, make)


def add_note(
    store: Store, record_id: str, note: str, actor: Actor, git: Git | None, evidence: str | None = None
) -> Change:
    extras = _extras(note, evidence)
    return modify(store, record_id, actor, git, lambda found: [draft(found.record_id, **extras)])


def edit(
    store: Store,
    record_id: str,
    actor: Actor,
    git: Git | None,
    owner: str | Unset | None = UNSET,
    due: date | Unset | None = UNSET,
    add_tags: Sequence[str] = (),
    remove_tags: Sequence[str] = (),
    note: str | None = None,
) -> Change:
    """Change the owner, due date or tags; None clears the owner or the due date, UNSET leaves it."""
    if owner is UNSET and due is UNSET and not add_tags and not remove_tags:
        raise InvalidValue("nothing to edit: give an owner, a due date or tags to add or remove")
    new_owner = checked_text(owner, "the owner", MAX_NAME).strip() if isinstance(owner, str) else None
    adding = [as_tag(checked_text(t, "a tag", MAX_TEXT)) for t in add_tags]
    removing = [as_tag(checked_text(t, "a tag", MAX_TEXT)) for t in remove_tags]
    extras = _extras(note, None)

    def make(found: Found) -> list[Draft]:
        item = found.item
        if isinstance(item, Target):
            raise InvalidValue(f"{found.record_id} is a target; change its file by hand and commit it")
        # A field given its current value again is recorded too: a re-assertion is the latest word in a merge.
        events = []
        if owner is not UNSET:
            events.append(draft(found.record_id, field="owner", old=item.owner, new=new_owner, **extras))
        if due is not UNSET:
            old_due = item.due.isoformat() if item.due else None
            new_due = due.isoformat() if due is not None else None
            events.append(draft(found.record_id, field="due", old=old_due, new=new_due, **extras))
        if adding or removing:
            missing = [t for t in removing if t not in item.tags]
            if missing:
                raise InvalidValue(f"{found.record_id} has no tag {', '.join(missing)}")
            tags = [t for t in item.tags if t not in removing]
            for tag in adding:  # the same tag twice is added once
                if tag not in tags:
                    tags.append(tag)
            events.append(draft(found.record_id, field="tags", old=list(item.tags), new=tags, **extras))
        return events

    return modify(store, record_id, actor, git, make)


@dataclass(frozen=True)
class Figure:
    """A figure to record for a target's period: in the target's unit, or as published in another currency."""

    period: str
    value: Decimal | Original
    source: str
    series: str | None = None
    note: str | None = None


def original_figure(
    value: Decimal,
    currency: str,
    rate: Decimal | None,
    rate_source: str | None,
    unit: str | None = None,
    rate_date: date | None = None,
) -> Original:
    """A figure as published in `currency` (in `unit`s of it: thousand, million, billion), with the
    rate (units of `currency` per unit of the target's currency) that converts it, and its source."""
    code = checked_text(currency, "the currency", MAX_TEXT).strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise InvalidValue(f"currency {currency!r} is not a three-letter ISO 4217 code such as KRW")
    if unit is not None and unit.strip().lower() not in SCALES:
        raise InvalidValue(f"unit {unit!r} is not one of {', '.join(SCALES)} (leave it out for whole {code})")
    if rate is None or rate_source is None:
        raise InvalidValue(f"a figure in {code} needs the rate it is converted at and the rate's source")
    checked_rate = checked_amount(rate, "the rate")
    if checked_rate <= 0:
        raise InvalidValue(f"the rate {checked_rate:f} must be above zero")
    if rate_date is not None and rate_date > datetime.now(UTC).date():
        raise InvalidValue(f"the rate's date {rate_date.isoformat()} is in the future")
    return Original(
        value=checked_amount(value, "the measurement"),
        currency=code,
        unit=unit.strip().lower() if unit is not None else None,  # type: ignore[arg-type]  # checked above
        rate=checked_rate,
        rate_date=rate_date,
        rate_source=checked_text(rate_source, "the rate's source", MAX_TEXT).strip(),
    )


def measure(
    store: Store,
    target_id: str,
    value: Decimal | Original,
    period: str,
    source: str,
    actor: Actor,
    git: Git | None,
    series: str | None = None,
    note: str | None = None,
    force: bool = False,
    before_baseline: bool = False,
    dry_run: bool = False,
) -> Change:
    """Record a target's figure for `period` in `series` (default: the one its verdict rests on); the
    same period again corrects it. A figure in another currency (an Original) is converted at its rate.
    A figure that is likely a slip needs `force`; a new one before the baseline, `before_baseline`;
    with `dry_run` the change is checked and returned, not written."""
    figure = Figure(period, value, source, series, note)
    _check_figure(figure)

    def make(target: Target) -> list[Draft]:
        return [_measurement(target, figure, force, before_baseline, _no_blame)]

    return _measuring(store, target_id, actor, git, make, dry_run, _no_blame)


def _measuring(
    store: Store,
    target_id: str,
    actor: Actor,
    git: Git | None,
    make: Callable[[Target], list[Draft]],
    dry_run: bool,
    blame: Blame,
) -> Change:
    """The events `make` drafts for the target, written as one change, or with `dry_run` only returned."""

    def located() -> tuple[Found, Target]:
        with blame("target"):
            found = find(store, target_id)
            return found, _target(found)

    if dry_run:
        found, target = located()
        return Change(found.record_id, [Event(at=datetime.now(UTC), by=actor.name, **d) for d in make(target)])
    with writing(store, git):
        found, target = located()
        return _write(store, found, make(target), actor, git)


Blame = Callable[[str], AbstractContextManager[None]]


def _no_blame(field_name: str) -> AbstractContextManager[None]:
    return nullcontext()


def _check_figure(figure: Figure) -> None:
    if isinstance(figure.value, Decimal):
        checked_amount(figure.value, "the measurement")
    checked_text(figure.source, "the source", MAX_TEXT)
    _extras(figure.note, None)


def _target(found: Found) -> Target:
    if not isinstance(found.item, Target):
        raise InvalidValue(f"{found.record_id} is not a target; only a target's figures are measured")
    return found.item


def _measurement(target: Target, figure: Figure, force: bool, before_baseline: bool, blame: Blame) -> Draft:
    """The event that records `figure` in `target`; `blame` names the field a refusal is about."""
    with blame("period"):
        problem = period_problem(target, figure.period)
        if problem:
            raise InvalidValue(problem)
    with blame("value"):
        given = figure.value
        original = given if isinstance(given, Original) else None
        amount = converted(target, given) if isinstance(given, Original) else checked_amount(given, "the value")
        if target.kind == "cumulative" and amount < 0:
            raise InvalidValue(f"target {target.id} is a cumulative amount: a measurement may not be negative")
    with blame("series"):
        name = figure.series or verdict_series(target).name
        chosen = series_of(target, name)
    with blame("period"):
        refuse_figure(target, chosen, figure.period, amount, datetime.now(UTC).date(), before_baseline)
    with blame("value"):
        doubt_figure(target, chosen, figure.period, amount, force)
    old = measurement_of(target, name, figure.period)  # the same figure again is a re-assertion, recorded too
    previous = {"old": old.value, "old_source": old.source, "old_original": old.original} if old else {}
    values = {"series": name, "period": figure.period, "new": amount, "source": figure.source.strip()}
    return draft(target.id, field="measurement", **values, original=original) | previous | _extras(figure.note, None)


CSV_LIMIT = 10 * 1024 * 1024
CSV_COLUMNS = (
    "target", "series", "period", "date", "value", "source", "note",
    "currency", "unit", "rate", "rate_date", "rate_source",
)  # fmt: skip


def measure_from_csv(
    store: Store,
    path: Path,
    actor: Actor,
    git: Git | None,
    force: bool = False,
    before_baseline: bool = False,
    dry_run: bool = False,
) -> Change:
    """Record every row of a CSV file, all of one target, as one change: every row is checked first,
    and a bad row is a DataError naming the file, its line and the field; then nothing is written."""
    target_id, rows = _csv_rows(path)

    def make(target: Target) -> list[Draft]:
        drafts: list[Draft] = []
        seen: dict[tuple[str, str], int] = {}
        record = target.model_copy(deep=True)  # later rows are checked against the earlier ones
        for line, figure in rows:
            blame = _blaming(path, line)
            draft_ = _measurement(record, figure, force, before_baseline, blame)
            key = (draft_["series"], draft_["period"])
            if key in seen:
                with blame("period"):
                    raise InvalidValue(f"{key[1]} of series {key[0]} is given on line {seen[key]} too")
            seen[key] = line
            drafts.append(draft_)
            set_from_event(record, Event(at=datetime.now(UTC), by=actor.name, **draft_))
        return drafts

    return _measuring(store, target_id, actor, git, make, dry_run, _blaming(path, rows[0][0]))


def _blaming(path: Path, line: int) -> Blame:
    @contextmanager
    def blame(field_name: str) -> Iterator[None]:
        try:
            yield
        except AccordError as exc:
            raise DataError(path, line, str(exc), field_name) from None

    return blame


def _csv_rows(path: Path) -> tuple[str, list[tuple[int, Figure]]]:
    """The target the file measures, and its rows by line number, each checked as far as it can be
    without the records."""
    try:
        text = read_regular(path, CSV_LIMIT).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(path, None, f"is not UTF-8 text ({exc.reason})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = reader.fieldnames or []
        unknown = [c for c in header if c not in CSV_COLUMNS]
        if unknown:
            raise DataError(path, 1, f"unknown column {unknown[0]!r}; the columns: {', '.join(CSV_COLUMNS)}")
        missing = [c for c in ("target", "value", "source") if c not in header]
        if "period" not in header and "date" not in header:
            missing.insert(1, "period (or date)")
        if missing:
            raise DataError(path, 1, f"missing column {', '.join(missing)}; the columns: {', '.join(CSV_COLUMNS)}")
        if "period" in header and "date" in header:
            raise DataError(path, 1, "has both a period and a date column; give one")
        target_id: str | None = None
        rows: list[tuple[int, Figure]] = []
        for row in reader:
            line = reader.line_num
            if None in row or any(v is None for v in row.values()):
                raise DataError(path, line, f"has {len(header)} columns in the header but not on this line")
            named, figure = _csv_figure(path, line, row)
            if target_id is None:
                target_id = named
            elif named != target_id:
                raise DataError(
                    path, line, f"{named}: a file measures one target ({target_id}, on line {rows[0][0]})", "target"
                )
            rows.append((line, figure))
    except csv.Error as exc:
        raise DataError(path, reader.line_num, f"is not valid CSV: {exc}") from None
    if target_id is None:
        raise DataError(path, None, "holds no measurement")
    return target_id, rows


def _iso_date(text: str) -> date:
    try:
        if ISO_DATE.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        raise InvalidValue(f"{text!r} is not a calendar date") from None
    raise InvalidValue(f"{text!r} is not a date in the form YYYY-MM-DD")


def _csv_figure(path: Path, line: int, row: dict[str, str]) -> tuple[str, Figure]:
    blame = _blaming(path, line)
    cells = {k: v.strip() for k, v in row.items() if v.strip()}
    for name in ("target", "value", "source"):
        if name not in cells:
            with blame(name):
                raise InvalidValue("is empty")
    period = cells.get("period") or cells.get("date")
    if period is None:
        with blame("period" if "period" in row else "date"):
            raise InvalidValue("is empty")
    with blame("value"):
        amount = parse_amount(cells["value"], "the figure")
    value: Decimal | Original = amount
    if "currency" in cells:
        rate_date = None
        if "rate_date" in cells:
            with blame("rate_date"):
                rate_date = _iso_date(cells["rate_date"])
        with blame("rate"):
            rate = parse_amount(cells["rate"], "the rate") if "rate" in cells else None
        with blame("currency"):
            value = original_figure(
                amount, cells["currency"], rate, cells.get("rate_source"), cells.get("unit"), rate_date
            )
    elif any(k in cells for k in ("unit", "rate", "rate_date", "rate_source")):
        with blame("currency"):
            raise InvalidValue("is empty, but the row gives a rate or unit: say which currency the value is in")
    with blame("source"):
        checked_text(cells["source"], "the source", MAX_TEXT)
    with blame("note"):
        _extras(cells.get("note"), None)
    figure = Figure(period, value, cells["source"], cells.get("series"), cells.get("note"))
    return cells["target"].lower(), figure


def set_side(
    store: Store, commitment_id: str, side: str, actor: Actor, git: Git | None, note: str | None = None
) -> Change:
    """Say which side carries a commitment: `both`, or one of the statement's sides. An import
    cannot know it, so it drafts every commitment as `both`."""
    new = store.statement().side_named(checked_text(side, "the side", MAX_TEXT))
    extras = _extras(note, None)

    def make(found: Found) -> list[Draft]:
        item = found.item
        if not isinstance(item, Commitment):
            raise InvalidValue(f"{found.record_id} is not a commitment: only a commitment has a side")
        if item.asked_by is not None and new == item.asked_by:
            raise InvalidValue(
                f"{found.record_id} is {item.kind.value} by {item.asked_by}: its side is the side asked, not {new}"
            )
        return [draft(found.record_id, field="side", old=item.side, new=new, **extras)]

    return modify(store, commitment_id, actor, git, make)


# -- undo ----------------------------------------------------------------------------------


def undo(store: Store, actor: Actor, git: Git | None) -> Change:
    """Take back `actor`'s latest change not yet taken back, by appending events that reverse it."""
    with writing(store, git):
        last = _last_change_by(store, actor.name)
        if last is None:
            raise NothingToDo(f"{actor.name} has no change to undo")
        found = find(store, last.id)
        change = [e for e in found.loaded.record.history if e.at == last.at and e.by == actor.name and not e.undoes]
        return _write(store, found, [_reverse(found, event) for event in change], actor, git)


def _last_change_by(store: Store, name: str) -> Event | None:
    last: Event | None = None
    errors: list[DataError] = []
    for record, _ in all_records(store, errors):
        undone = {e.undoes for e in record.history if e.undoes is not None}
        mine = [e for e in record.history if e.by == name and e.undoes is None and e.at not in undone]
        for event in mine:
            if last is None or event.at > last.at:
                last = event
    if errors:
        raise errors[0]
    return last


def _reverse(found: Found, event: Event) -> Draft:
    note = f"undo of the change of {event.at.strftime('%Y-%m-%d %H:%M:%S')} UTC"
    key = field_key(event)
    if key is None:
        return draft(event.id, undoes=event.at, note=note)
    # The reversal takes the undone event's place in time: right after it on the day it is dated,
    # or now. If the field no longer holds what the event set there, someone has had a newer word.
    record = found.loaded.record
    there = value_on(record, key, event.on) if event.on is not None else current_value(record, key)
    if there != event.new:
        later = [e for e in record.history if field_key(e) == key and e.effective() > event.effective()]
        by = max(later, key=Event.effective).by if later else "someone"
        raise ConflictError(f"{describe(event)} was since changed to {show_value(there)} by {by}; nothing undone")
    values: dict[str, Any] = {"field": event.field, "old": event.new, "new": event.old, "undoes": event.at}
    if event.on is not None:
        values["on"] = event.on
    if event.field == "measurement":
        values.update(series=event.series, period=event.period)
        if event.old is not None:
            values.update(source=event.old_source, old_source=event.source)
            values.update(original=event.old_original, old_original=event.original)
    return draft(event.id, note=note, **values)
