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
from .errors import AccordError, ConflictError, DataError, InvalidValue, NothingToDo, UsageError
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
    BOTH_SIDES,
    MAX_NAME,
    MAX_NOTE,
    MAX_PASSAGE,
    MAX_TEXT,
    NO_REVIEW,
    SCALES,
    Article,
    Commitment,
    Event,
    Kind,
    Original,
    Status,
    Target,
    checked_amount,
    checked_url,
    parse_amount,
    to_data,
)
from .progress import converted, doubt_figure, period_problem, refuse_figure, verdict_series
from .storage import Found, Loaded, RecordInvalid, Store, all_records, find, parse_record, present
from .text import ISO_DATE, SLUG, as_tag, checked_text
from .transaction import create_record, save_all, writing
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


def _write(
    store: Store, record_id: str, writes: list[tuple[Loaded[Any], list[Draft]]], actor: Actor, git: Git | None
) -> Change:
    """Append each file's drafts to its record and write them all in one commit; `record_id` names what changed."""
    # One timestamp for all events of a command: together they are one change, undone together.
    now = datetime.now(UTC)
    change = Change(record_id)
    updates = []
    for loaded, drafts in writes:
        events = [Event(at=now, by=actor.name, **_confidential(store, d)) for d in drafts]
        if not events:
            continue
        parties = store.statement().sides if any(e.party is not None for e in events) else ()
        updated = apply(loaded.record, events, parties)
        latest = latest_events(updated.history)
        change.events += events
        change.outranked += [
            (e, current_value(updated, key)) for e in events if (key := field_key(e)) is not None and latest[key] != e
        ]
        updates.append((loaded, updated))
    if updates:
        message = commit_message(change.events)
        change.committed = save_all(store, updates, git, message, actor.name, actor.email)
    return change


def _confidential(store: Store, values: Draft) -> Draft:
    """The draft with its note and evidence marked internal as asked (`internal` True or False),
    else as the statement's `notes_internal_by_default` says."""
    values = dict(values)
    internal = values.pop("internal", None)
    if internal is None and ("note" in values or "evidence" in values):
        internal = bool(store.statement().notes_internal_by_default)
    return values | {"internal": True} if internal else values


def modify(
    store: Store,
    record_ids: str | Sequence[str],
    actor: Actor,
    git: Git | None,
    make: Callable[[Found], list[Draft]],
    dry_run: bool = False,
) -> Change:
    """Make the drafts of each record in one transaction, or with `dry_run` return them unwritten.

    A record `make` refuses refuses the whole change, before anything is written.
    """
    if dry_run:
        return _drafted(store, record_ids, actor, make)[0]
    with writing(store, git):
        planned, writes = _drafted(store, record_ids, actor, make)
        return _write(store, planned.record_id, writes, actor, git)


def _drafted(
    store: Store, record_ids: str | Sequence[str], actor: Actor, make: Callable[[Found], list[Draft]]
) -> tuple[Change, list[tuple[Loaded[Any], list[Draft]]]]:
    """The change `make` drafts for each record (as events, unwritten), and the drafts by file."""
    ids = [record_ids] if isinstance(record_ids, str) else list(record_ids)
    if not ids:
        raise InvalidValue("no record to change: give at least one id")
    everything = find_all(store, ids)
    by_file: dict[Path, tuple[Loaded[Any], list[Draft]]] = {}
    for found in everything:
        try:
            drafts = make(found)
        except UsageError as exc:
            if len(everything) == 1 or str(exc).startswith(found.record_id):
                raise
            raise type(exc)(f"{found.record_id}: {exc}") from None
        by_file.setdefault(found.loaded.path, (found.loaded, []))[1].extend(drafts)
    now = datetime.now(UTC)
    events = [Event(at=now, by=actor.name, **_confidential(store, d)) for _, drafts in by_file.values() for d in drafts]
    return Change(", ".join(f.record_id for f in everything), events), list(by_file.values())


def find_all(store: Store, record_ids: Sequence[str]) -> list[Found]:
    """Each record once, in the order given; each file read once however many of its records are named."""
    files: dict[str, Loaded[Any]] = {}
    found: dict[str, Found] = {}
    for record_id in record_ids:
        key = checked_text(record_id, "the record id", MAX_TEXT).strip().lower()
        if key in found:
            continue
        loaded = files.get(key.rsplit(".", 1)[0])
        if loaded is not None and _holds(loaded.record, key):
            found[key] = Found(loaded, key)
            continue
        one = find(store, key)
        files[key.rsplit(".", 1)[0]] = one.loaded
        found[key] = one
    return list(found.values())


def _holds(record: Article | Target, record_id: str) -> bool:
    if record.id == record_id:
        return True
    return isinstance(record, Article) and any(c.id == record_id for c in record.commitments)


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
    record_id: str | Sequence[str],
    status: Status,
    actor: Actor,
    git: Git | None,
    note: str | None = None,
    evidence: str | None = None,
    on: date | None = None,
    party: str | None = None,
    review_by: date | Unset | None = UNSET,
    internal: bool | None = None,
    dry_run: bool = False,
) -> Change:
    """Set a status; on a commitment both sides carry, `party`'s alone, or without `party` every
    party's. `review_by` sets the day the status is to be reviewed by (None withdraws it);
    `internal` keeps the note and evidence out of public output (None: as the statement says)."""
    extras = _extras(note, evidence, on) | _confidentiality(internal, note, evidence)
    if review_by is not UNSET:
        extras["review_by"] = NO_REVIEW if review_by is None else review_by

    def make(found: Found) -> list[Draft]:
        item = found.item
        if isinstance(item, Target):
            raise InvalidValue(f"{found.record_id} is a target: its progress is recorded as measurements")
        parties: list[str | None] = [None]
        if party is not None:
            parties = [_party_named(store, found, party)]
        elif isinstance(item, Commitment) and item.side == BOTH_SIDES and item.parties:
            parties = [*item.parties]  # one event each, so that undo restores each party's status
        # A change dated earlier changes from what the status was then.
        # The same status again is recorded too: a re-assertion is the latest word in a merge.
        return [
            draft(found.record_id, field="status", **_party(p), old=_old_status(found, p, on), new=status.value)
            | extras
            for p in parties
        ]

    return modify(store, record_id, actor, git, make, dry_run)


def _party(party: str | None) -> dict[str, str]:
    return {} if party is None else {"party": party}


def _old_status(found: Found, party: str | None, on: date | None) -> str:
    key = (found.record_id, "status") if party is None else (found.record_id, "status", party)
    return str(value_on(found.loaded.record, key, on) if on else current_value(found.loaded.record, key))


def _party_named(store: Store, found: Found, party: str) -> str:
    """`party` in the records' form: one of the sides of a commitment both sides carry."""
    item = found.item
    if not isinstance(item, Commitment):
        raise InvalidValue(f"{found.record_id} is an article: only a commitment has a status per party")
    if item.side != BOTH_SIDES:
        raise InvalidValue(f"{found.record_id} is carried by {item.side} alone: --party applies where both carry it")
    sides = store.statement().sides
    key = party.strip().lower()
    if key not in sides:
        raise InvalidValue(f"unknown party {party!r}; this statement's parties: {', '.join(sides) or 'none'}")
    return key


def _confidentiality(internal: bool | None, note: str | None, evidence: str | None) -> dict[str, Any]:
    if internal is None:
        return {}
    if note is None and evidence is None:
        raise InvalidValue("only a note or an evidence link is internal or public: give one")
    return {"internal": internal}


def add_note(
    store: Store,
    record_id: str | Sequence[str],
    note: str,
    actor: Actor,
    git: Git | None,
    evidence: str | None = None,
    internal: bool | None = None,
    dry_run: bool = False,
) -> Change:
    """A note in the record's history; `internal` keeps it out of public output (None: as the statement says)."""
    extras = _extras(note, evidence) | _confidentiality(internal, note, evidence)
    return modify(store, record_id, actor, git, lambda found: [draft(found.record_id, **extras)], dry_run)


def edit(
    store: Store,
    record_id: str | Sequence[str],
    actor: Actor,
    git: Git | None,
    owner: str | Unset | None = UNSET,
    due: date | Unset | None = UNSET,
    add_tags: Sequence[str] = (),
    remove_tags: Sequence[str] = (),
    note: str | None = None,
    dry_run: bool = False,
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

    return modify(store, record_id, actor, git, make, dry_run)


# -- the editor's form ---------------------------------------------------------------------------

FORM_FIELDS = ("owner", "due", "tags", "why")


def edit_form(store: Store, record_id: str) -> str:
    """The fields `edit` changes, as a small YAML document for an editor, with how to fill it in."""
    found = find(store, record_id)
    item = found.item
    if isinstance(item, Target):
        raise InvalidValue(f"{found.record_id} is a target; change its file by hand and commit it")
    from . import yamlio

    values = {"owner": item.owner, "due": item.due.isoformat() if item.due else None, "tags": item.tags, "why": None}
    head = (
        f"# accord edit {found.record_id}: {' '.join(item.title.split())}\n"
        "# owner: a name or null; due: a date such as '2030-12-31' or null; tags: a list of tags.\n"
        "# why: a sentence kept in the history with the change (optional).\n"
        "# Save and quit to record the change; leave it unchanged, or quit with an error, to record nothing.\n"
    )
    return head + yamlio.dump(values).decode("utf-8")


def edit_with_form(
    store: Store, record_id: str, opened: str, edited: str, source: Path, actor: Actor, git: Git | None
) -> Change:
    """Record what changed between the form `opened` and the form as `edited` (read from `source`).

    Only the fields changed in the form are recorded, each against the record's value now: someone
    else's change to another field while the form was open stands. A form that does not read,
    or a value a record cannot take, is refused whole, naming the field; an unchanged one records
    nothing (NothingToDo).
    """
    before, after = _form_values(opened, source), _form_values(edited, source)
    changed = {name: after[name] for name in ("owner", "due") if after[name] != before[name]}
    if set(after["tags"]) != set(before["tags"]):  # tags are a set to `edit`: a new order changes nothing
        changed["tags"] = after["tags"]
    if not changed:
        raise NothingToDo(f"{record_id}: nothing changed in the form; nothing written")
    old_tags, new_tags = before["tags"], changed.get("tags", before["tags"])
    return edit(
        store,
        record_id,
        actor,
        git,
        owner=changed.get("owner", UNSET),
        due=date.fromisoformat(changed["due"]) if changed.get("due") else changed.get("due", UNSET),
        add_tags=[t for t in new_tags if t not in old_tags],
        remove_tags=[t for t in old_tags if t not in new_tags],
        note=after["why"],
    )


def _form_values(text: str, source: Path) -> dict[str, Any]:
    """The form's fields checked: owner and why as text or None, due as an ISO date or None, tags as tags."""
    from . import yamlio

    data = yamlio.load_text(text, source)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise DataError(source, None, f"the form must be the fields {', '.join(FORM_FIELDS)}, one a line")
    unknown = [str(k) for k in data if k not in FORM_FIELDS]
    if unknown:
        raise DataError(source, None, f"{unknown[0]} is not a field here; the fields: {', '.join(FORM_FIELDS)}")
    values: dict[str, Any] = {name: data.get(name) for name in FORM_FIELDS}
    for name, limit in (("owner", MAX_NAME), ("why", MAX_NOTE)):
        value = values[name]
        if value is not None and not isinstance(value, str):
            raise DataError(source, None, "must be text, or null", name)
        values[name] = checked_text(value, name, limit).strip() or None if value is not None else None
    due = values["due"]
    if due is not None and (not isinstance(due, str) or not ISO_DATE.fullmatch(due) or not _calendar_day(due)):
        raise DataError(source, None, f"{due!r} is not a date such as '2030-12-31', or null", "due")
    tags = values["tags"] if values["tags"] is not None else []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise DataError(source, None, "must be a list of tags, such as [trade, priority]", "tags")
    values["tags"] = list(dict.fromkeys(as_tag(checked_text(t, "a tag", MAX_TEXT)) for t in tags))
    return values


def _calendar_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


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

    def plan() -> Plan:
        found = find(store, target_id)
        drafted = _measurement(_target(found), figure, force, before_baseline, _no_blame)
        return found.record_id, [(found.loaded, [drafted])]

    return _measuring(store, actor, git, plan, dry_run)


# What a measuring command writes: the ids it names, and the drafts by file.
Plan = tuple[str, list[tuple[Loaded[Any], list[Draft]]]]


def _measuring(store: Store, actor: Actor, git: Git | None, plan: Callable[[], Plan], dry_run: bool) -> Change:
    """The events `plan` drafts, written as one change, or with `dry_run` only returned."""
    if dry_run:
        record_id, writes = plan()
        now = datetime.now(UTC)
        return Change(record_id, [Event(at=now, by=actor.name, **d) for _, drafts in writes for d in drafts])
    with writing(store, git):
        record_id, writes = plan()
        return _write(store, record_id, writes, actor, git)


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
    """Record every row of a CSV file, of one target or several, as one change: every row is checked
    first, against the earlier rows of its own target, and a bad row is a DataError naming the file,
    its line and the field; then nothing is written."""
    rows = _csv_rows(path)

    def plan() -> Plan:
        measuring: dict[str, _Measuring] = {}
        for line, target_id, figure in rows:
            blame = _blaming(path, line)
            if target_id not in measuring:
                with blame("target"):
                    measuring[target_id] = _Measuring(find(store, target_id))
            measuring[target_id].add(line, figure, actor, force, before_baseline, blame)
        return ", ".join(measuring), [(m.found.loaded, m.drafts) for m in measuring.values()]

    return _measuring(store, actor, git, plan, dry_run)


class _Measuring:
    """One target's rows of a file as they are checked: each against a copy that holds the rows before it."""

    def __init__(self, found: Found) -> None:
        self.found = found
        self.record = _target(found).model_copy(deep=True)
        self.drafts: list[Draft] = []
        self.lines: dict[tuple[str, str], int] = {}  # the line each series' period is given on

    def add(self, line: int, figure: Figure, actor: Actor, force: bool, before_baseline: bool, blame: Blame) -> None:
        drafted = _measurement(self.record, figure, force, before_baseline, blame)
        key = (drafted["series"], drafted["period"])
        if key in self.lines:
            with blame("period"):
                raise InvalidValue(f"{key[1]} of series {key[0]} is given on line {self.lines[key]} too")
        self.lines[key] = line
        self.drafts.append(drafted)
        set_from_event(self.record, Event(at=datetime.now(UTC), by=actor.name, **drafted))


def _blaming(path: Path, line: int) -> Blame:
    @contextmanager
    def blame(field_name: str) -> Iterator[None]:
        try:
            yield
        except AccordError as exc:
            raise DataError(path, line, str(exc), field_name) from None

    return blame


def _csv_rows(path: Path) -> list[tuple[int, str, Figure]]:
    """The file's rows: each one's line number, target and figure, checked as far as it can be
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
        rows: list[tuple[int, str, Figure]] = []
        for row in reader:
            line = reader.line_num
            if None in row or any(v is None for v in row.values()):
                raise DataError(path, line, f"has {len(header)} columns in the header but not on this line")
            rows.append((line, *_csv_figure(path, line, row)))
    except csv.Error as exc:
        raise DataError(path, reader.line_num, f"is not valid CSV: {exc}") from None
    if not rows:
        raise DataError(path, None, "holds no measurement")
    return rows


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
    store: Store,
    commitment_id: str,
    side: str,
    actor: Actor,
    git: Git | None,
    note: str | None = None,
    kind: Kind | Unset = UNSET,
    asked_by: str | Unset | None = UNSET,
) -> Change:
    """Say which side carries a commitment: `both`, or one of the statement's sides; and, for a
    request, proposal or hope, its `kind` and the side that asked (`asked_by`; None clears it).
    An import cannot know them, so it drafts every commitment as `both`, and asks of no one."""
    statement = store.statement()
    new = statement.side_named(checked_text(side, "the side", MAX_TEXT))
    asker = asked_by
    if isinstance(asked_by, str):
        asker = statement.side_named(checked_text(asked_by, "asked_by", MAX_TEXT))
    extras = _extras(note, None)

    def make(found: Found) -> list[Draft]:
        item = found.item
        if not isinstance(item, Commitment):
            raise InvalidValue(f"{found.record_id} is not a commitment: only a commitment has a side")
        values: dict[str, Any] = {"side": new, "kind": item.kind if kind is UNSET else kind}
        values["asked_by"] = item.asked_by if asker is UNSET else asker
        if values["asked_by"] is not None and new == values["asked_by"]:
            what = f"{values['kind'].value} by {values['asked_by']}"
            raise InvalidValue(f"{found.record_id} is {what}: its side is the side asked, not {new}")
        from .validation import asking_problem

        problem = asking_problem(item.model_copy(update=values), statement.sides)
        if problem:
            raise InvalidValue(problem)
        drafts = [draft(found.record_id, field="side", old=item.side, new=new, **extras)]
        if kind is not UNSET:
            drafts.append(draft(found.record_id, field="kind", old=item.kind.value, new=kind.value, **extras))
        if asker is not UNSET:
            drafts.append(draft(found.record_id, field="asked_by", old=item.asked_by, new=asker, **extras))
        return drafts

    return modify(store, commitment_id, actor, git, make)


# -- a new target ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewTarget:
    """A numeric target as `add_target` takes it: every figure with its source."""

    target_id: str
    title: str
    commitment: str
    kind: str  # level or cumulative
    unit: str
    value: Decimal
    source: str
    baseline: date
    deadline: date
    article: str | None = None  # the commitment's, when None
    series: str | None = None  # a first series to measure into, the primary one
    label: str | None = None
    note: str | None = None


def add_target(store: Store, new: NewTarget, actor: Actor, git: Git | None) -> Target:
    """Write a new target's file and commit it. Refused, with nothing written, for an id that is
    taken, a commitment or article that does not exist or disagree, or a value the model refuses."""
    from . import schema, yamlio

    if (new.series is None) != (new.label is None):
        raise InvalidValue("a series needs a name and a label, or neither")
    with writing(store, git):
        key = checked_text(new.target_id, "the target id", MAX_TEXT).strip().lower()
        if not re.fullmatch(SLUG, key):
            raise InvalidValue(f"the target id {new.target_id!r} may hold only letters, digits and '-': exports")
        path = store.target_path(key)
        if present(path) or present(store.article_path(key)):
            raise InvalidValue(f"a record {key} exists already; choose another id")
        found = find(store, new.commitment)
        if not isinstance(found.item, Commitment):
            raise InvalidValue(f"{found.record_id} is not a commitment; a target measures one commitment")
        article = found.loaded.record.id
        if new.article is not None and new.article.strip().lower() != article:
            raise InvalidValue(f"commitment {found.record_id} is in article {article}, not {new.article.strip()}")
        if new.deadline <= new.baseline:
            raise InvalidValue(f"the deadline {new.deadline} is not after the baseline {new.baseline}")
        data: dict[str, Any] = {
            "id": key, "title": new.title.strip(), "article": article, "commitment": found.record_id,
            "kind": new.kind, "unit": new.unit.strip(), "value": checked_amount(new.value, "the goal"),
            "source": new.source.strip(), "baseline": new.baseline.isoformat(), "deadline": new.deadline.isoformat(),
            "notes": [checked_text(new.note, "the note", MAX_NOTE)] if new.note is not None else [],
            "series": [{"name": new.series, "label": new.label, "primary": True}] if new.series else [],
        }  # fmt: skip
        try:
            target = parse_record(Target, data, b"", path)
        except RecordInvalid as exc:
            raise InvalidValue(f"the target's {exc.field}: {exc.message}" if exc.field else exc.message) from None
        body = yamlio.dump(to_data(target))
        folder = store.root / schema.SCHEMA_DIR
        written = (schema.comment_line("target", path, folder) if folder.is_dir() else b"") + body
        goal = f"{show_value(target.value)} {target.unit} by {target.deadline} ({target.source})"
        message = f"add target {key}: {target.title}\n\n{goal}"
        create_record(store, path, written, git, message, actor.name, actor.email)
        return target


# -- splitting a commitment ------------------------------------------------------------------------


def split(
    store: Store,
    commitment_id: str,
    excerpts: Sequence[str],
    actor: Actor,
    git: Git | None,
    titles: Sequence[str] = (),
    note: str | None = None,
) -> Change:
    """Split a commitment into one per excerpt, each verbatim in its article's text. The first keeps
    the id (its history, and the targets that measure it, stay with it); the others take the
    article's next numbers no commitment or event has used, right after it, with its side, kind,
    status, owner, due date and tags. Without `titles` (one per excerpt) every part keeps the title."""
    if len(excerpts) < 2:
        raise InvalidValue("a split needs two excerpts or more, one for each part")
    if titles and len(titles) != len(excerpts):
        raise InvalidValue(f"give one title for each of the {len(excerpts)} excerpts, or none")
    parts = [checked_text(e, "an excerpt", MAX_PASSAGE) for e in excerpts]
    if len(set(parts)) < len(parts):
        raise InvalidValue("two of the excerpts are the same")
    names = [checked_text(t, "a title", MAX_TEXT).strip() for t in titles]
    with writing(store, git):
        found = find(store, commitment_id)
        item, article = found.item, found.loaded.record
        if not isinstance(item, Commitment) or not isinstance(article, Article):
            raise InvalidValue(f"{found.record_id} is not a commitment; only a commitment is split")
        for excerpt in parts:
            if excerpt not in article.text:
                raise InvalidValue(f"the excerpt {_shortened(excerpt)!r} is not in the text of article {article.id}")
            # A part is a passage: whole words, never a letter found inside one.
            if not re.search(rf"(?<!\w){re.escape(excerpt)}(?!\w)", article.text):
                raise InvalidValue(f"the excerpt {_shortened(excerpt)!r} cuts a word of article {article.id} in two")
        number = _last_number(article)
        ids = [item.id, *(f"{article.id}.{number + n}" for n in range(1, len(parts)))]
        titles_now = names or [item.title] * len(parts)
        added = [
            item.model_copy(update={"id": new_id, "excerpt": excerpt, "title": title}, deep=True)
            for new_id, excerpt, title in zip(ids[1:], parts[1:], titles_now[1:], strict=True)
        ]
        at = article.commitments.index(item) + 1
        commitments = [*article.commitments[:at], *added, *article.commitments[at:]]
        reshaped = article.model_copy(update={"commitments": commitments})
        said = note if note is not None else f"split into {', '.join(ids)}"
        extras = _extras(said, None)
        drafts = [draft(item.id, field="split", old=[item.id], new=ids, **extras)]
        drafts.append(draft(item.id, field="excerpt", old=item.excerpt, new=parts[0], **extras))
        if titles_now[0] != item.title:
            drafts.append(draft(item.id, field="title", old=item.title, new=titles_now[0], **extras))
        loaded = Loaded(found.loaded.path, reshaped, found.loaded.raw)
        return _write(store, found.record_id, [(loaded, drafts)], actor, git)


def _last_number(article: Article) -> int:
    """The highest commitment number the article has used: in its commitments, its history and its splits."""
    used = {c.id for c in article.commitments} | {e.id for e in article.history}
    used |= {i for e in article.history if e.field == "split" for i in (e.new if isinstance(e.new, list) else [])}
    prefix = article.id + "."
    return max((int(i[len(prefix) :]) for i in used if i.startswith(prefix) and i[len(prefix) :].isdigit()), default=0)


def _shortened(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _unsplit(found: Found, events: list[Event]) -> Article | None:
    """The article without the commitments that a split among `events` added; None when there is none.
    Refused when one of them has changed since: taking it away would lose that change."""
    splits = [e for e in events if e.field == "split"]
    if not splits:
        return None
    article = found.loaded.record
    assert isinstance(article, Article)
    added: set[str] = set()
    for event in splits:
        added |= {i for i in (event.new if isinstance(event.new, list) else []) if i != event.id}
    changed = sorted({e.id for e in article.history if e.id in added and e.at > events[0].at})
    if changed:
        raise ConflictError(f"{', '.join(changed)} changed since the split; nothing undone")
    return article.model_copy(update={"commitments": [c for c in article.commitments if c.id not in added]})


# -- undo ----------------------------------------------------------------------------------


def undo(store: Store, actor: Actor, git: Git | None) -> Change:
    """Take back `actor`'s latest change not yet taken back, by appending events that reverse it.

    A change that touched several records (a batch) is taken back in all of them, in one commit.
    """
    with writing(store, git):
        last = _last_change_by(store, actor.name)
        if last is None:
            raise NothingToDo(f"{actor.name} has no change to undo")
        at, places = last
        writes: list[tuple[Loaded[Any], list[Draft]]] = []
        for model, path, record_id in places:
            loaded: Loaded[Any] = store.load(model, path)
            found = Found(loaded, record_id)
            change = [e for e in found.loaded.record.history if e.at == at and e.by == actor.name and not e.undoes]
            reversals = [_reverse(found, event) for event in change]
            unsplit = _unsplit(found, change)
            writes.append((Loaded(path, unsplit, loaded.raw) if unsplit else loaded, reversals))
        return _write(store, ", ".join(p[2] for p in places), writes, actor, git)


def _last_change_by(
    store: Store, name: str
) -> tuple[datetime, list[tuple[type[Article] | type[Target], Path, str]]] | None:
    """When `name`'s latest change not yet taken back was made, and the files it is in."""
    last: datetime | None = None
    places: list[tuple[type[Article] | type[Target], Path, str]] = []
    errors: list[DataError] = []
    for record, path in all_records(store, errors):
        undone = {e.undoes for e in record.history if e.undoes is not None}
        mine = [e.at for e in record.history if e.by == name and e.undoes is None and e.at not in undone]
        latest = max(mine, default=None)
        if latest is None or (last is not None and latest < last):
            continue
        if last is None or latest > last:
            last, places = latest, []
        places.append((type(record), path, record.id))
    if errors:
        raise errors[0]
    return (last, places) if last is not None else None


def _reverse(found: Found, event: Event) -> Draft:
    note = f"undo of the change of {event.at.strftime('%Y-%m-%d %H:%M:%S')} UTC"
    if event.field == "split":
        return draft(event.id, field="split", old=event.new, new=event.old, undoes=event.at, note=note)
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
    values.update(_party(event.party))
    if event.on is not None:
        values["on"] = event.on
    if event.field == "measurement":
        values.update(series=event.series, period=event.period)
        if event.old is not None:
            values.update(source=event.old_source, old_source=event.source)
            values.update(original=event.old_original, old_original=event.original)
    return draft(event.id, note=note, **values)
