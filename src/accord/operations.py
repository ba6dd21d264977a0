"""What officers do to the records: find, change, take back, measure, and read the history.

Every change is a list of events appended to one record's history; the record's fields are
then set from their latest events. The write path holds the lock from reading the file to
committing it.
"""

from __future__ import annotations

import getpass
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import inputs, settings
from .errors import AccordError, ConflictError, DataError, GitError, NotFoundError, NothingToDo, UsageError
from .model import Article, Commitment, Event, Measurement, Series, Status, Target
from .storage import Journal, Loaded, Store, natural_key, present
from .vcs import Git, GitUnusable, refuse_unmerged

FieldKey = tuple[str, ...]
_ID = re.compile(r"[a-z0-9][a-z0-9-]*(\.[0-9]+)?")


@dataclass(frozen=True)
class Actor:
    name: str
    email: str | None


def identify(explicit: str | None, store: Store, environ: Mapping[str, str] = os.environ) -> Actor:
    """`--by`, else ACCORD_USER, else git's user.name, else the login name."""
    git = Git.find(store.root)
    git_name = git.config("user.name") if git else None
    name = explicit if explicit is not None else environ.get("ACCORD_USER") or git_name or getpass.getuser()
    name = inputs.text(name, "--by").strip()
    email = environ.get("ACCORD_EMAIL") or (git.config("user.email") if git and name == git_name else None)
    return Actor(name, email)


# -- finding records -----------------------------------------------------------------------


@dataclass
class Found:
    """The file a record id lives in, loaded, and the record inside it."""

    loaded: Loaded[Article] | Loaded[Target]
    record_id: str

    @property
    def item(self) -> Article | Commitment | Target:
        record = self.loaded.record
        if isinstance(record, Article) and record.id != self.record_id:
            return next(c for c in record.commitments if c.id == self.record_id)
        return record


def normalise_id(record_id: str) -> str:
    return inputs.text(record_id, "ID").strip().lower()


def find(store: Store, record_id: str) -> Found:
    """Read only the one file that `record_id` names: articles/4.yaml for `4` and `4.3`."""
    record_id = normalise_id(record_id)
    article_id = record_id.rsplit(".", 1)[0]
    if not _ID.fullmatch(record_id):  # never a path: `../x` or `4/5` name no record
        raise NotFoundError(f"no record {record_id!r}; ids look like 4, 17a, 4.3 or trade")
    if present(store.article_path(article_id)):
        article = store.article(article_id)
        if record_id != article_id and not any(c.id == record_id for c in article.record.commitments):
            ids = ", ".join(c.id for c in article.record.commitments)
            raise NotFoundError(f"article {article_id} has no commitment {record_id}; it has {ids}")
        return Found(article, record_id)
    if "." not in record_id and present(store.target_path(record_id)):
        return Found(store.target(record_id), record_id)
    raise NotFoundError(_unknown(store, record_id))


def _unknown(store: Store, record_id: str) -> str:
    import difflib

    known = store.article_ids() + store.target_ids()
    close = difflib.get_close_matches(record_id.rsplit(".", 1)[0], known, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `accord list` shows the ids"
    return f"no record {record_id!r}{hint}"


# -- events and current values -------------------------------------------------------------


def field_key(event: Event) -> FieldKey | None:
    if event.field is None:
        return None
    if event.field == "measurement":
        return (event.id, "measurement", event.series or "", event.period or "")
    return (event.id, event.field)


def latest_events(history: list[Event]) -> dict[FieldKey, Event]:
    """For each field, the event that sets its current value."""
    latest: dict[FieldKey, Event] = {}
    for event in sorted(history, key=Event.effective):
        key = field_key(event)
        if key is not None:
            latest[key] = event
    return latest


def values_on(record: Article | Target, day: date) -> dict[FieldKey, Any]:
    """Every field that has events, with its value at the end of `day`, replayed from the history."""
    values: dict[FieldKey, Any] = {}
    for event in sorted(record.history, key=Event.effective):
        key = field_key(event)
        if key is None:
            continue
        if event.effective()[0] <= day:
            values[key] = event.new
        elif key not in values:
            values[key] = event.old  # its first change came later: the value before it
    return values


def value_on(record: Article | Target, key: FieldKey, day: date) -> Any:
    """A field's value at the end of `day`."""
    values = values_on(record, day)
    return values[key] if key in values else current_value(record, key)


def current_value(record: Article | Target, key: FieldKey) -> Any:
    """A field's value as written in the record, in the form events carry it."""
    if isinstance(record, Target):
        measurement = _measurement(record, key[2], key[3])
        return measurement.value if measurement else None
    item = _item(record, key[0])
    value = getattr(item, key[1])
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Status):
        return value.value
    return list(value) if isinstance(value, list) else value


def _item(article: Article, item_id: str) -> Article | Commitment:
    if item_id == article.id:
        return article
    for commitment in article.commitments:
        if commitment.id == item_id:
            return commitment
    raise DataError(Path(f"{article.id}.yaml"), None, f"history names {item_id}, which is not in article {article.id}")


def _series(target: Target, name: str) -> Series:
    for series in target.series:
        if series.name == name:
            return series
    names = ", ".join(s.name for s in target.series) or "none"
    raise UsageError(f"target {target.id} has no series {name!r}; its series: {names}")


def _measurement(target: Target, series_name: str, period: str) -> Measurement | None:
    return next((m for m in _series(target, series_name).measurements if m.period == period), None)


def apply(record: Article | Target, events: list[Event]) -> Article | Target:
    """A copy of `record` with `events` appended and every touched field set from its latest event."""
    updated = record.model_copy(deep=True)
    updated.history = [*record.history, *events]
    latest = latest_events(updated.history)
    for key in {k for e in events if (k := field_key(e)) is not None}:
        set_from_event(updated, latest[key])
    return updated


def set_from_event(record: Article | Target, event: Event) -> None:
    if isinstance(record, Target):
        series = _series(record, event.series or "")
        kept = [m for m in series.measurements if m.period != event.period]
        if event.new is not None:
            assert isinstance(event.new, Decimal) and event.period and event.source
            # The event's note explains the change and stays in the history; a note on the figure itself stays.
            before = next((m for m in series.measurements if m.period == event.period), None)
            note = before.note if before else None
            kept.append(Measurement(period=event.period, value=event.new, source=event.source, note=note))
        series.measurements = sorted(kept, key=lambda m: m.period)
        return
    setattr(_item(record, event.id), event.field or "", event.new)


# -- the write path ------------------------------------------------------------------------


@dataclass
class Change:
    """What a command did: the events it appended and where."""

    record_id: str
    events: list[Event] = field(default_factory=list)
    path: Path | None = None
    committed: bool = False
    # Back-dated events that a later-dated change outranks, with the value that stays current.
    outranked: list[tuple[Event, Any]] = field(default_factory=list)


def commit_enabled(store: Store, no_commit: bool, environ: Mapping[str, str] = os.environ) -> Git | None:
    """The work tree to commit in, unless `--no-commit`, ACCORD_COMMIT=0 or `git config accord.commit false`.

    Records outside any git work tree are written without a commit. In a work tree git cannot
    be used in (it refuses it, or git is missing), a change to be committed is refused: it
    would otherwise be left written and uncommitted.
    """
    if no_commit or not settings.commit_wanted(environ):
        return None
    try:
        git = Git.locate(store.root)
    except GitUnusable as exc:
        raise GitUnusable(f"{exc}; cannot commit, nothing written (--no-commit writes without a commit)") from None
    if git is None:
        return None
    setting = git.config("accord.commit")
    return git if setting is None or settings.flag(setting, "git config accord.commit") else None


@contextmanager
def writing(store: Store, git: Git | None) -> Iterator[None]:
    """Hold the lock for a change; first settle what a killed writer left, and refuse unmerged records."""
    repository = git if git is not None else _repository_to_check(store)
    with store.lock():
        for journal in store.journals():
            outcome = settle(journal, repository)
            if outcome:
                store.notify(f"{store.relative(journal.record)}: {outcome}")
        if repository is not None:
            refuse_unmerged(repository, store.root)
        yield


def _repository_to_check(store: Store) -> Git | None:
    try:
        return Git.locate(store.root)
    except GitUnusable as exc:
        store.notify(f"{exc}; writing without a commit and without checking for unfinished merges")
        return None


def settle(journal: Journal, git: Git | None, orphaned: bool = True) -> str | None:
    """End the change `journal` says is unfinished: keep it if committed, else take it back.

    Returns what was done, when the user should hear of it. An `orphaned` change is one whose
    writer was killed: its git may still be committing, and decides first.
    """
    record = journal.record
    previous = journal.path.read_bytes()
    current = record.read_bytes() if record.exists() else None
    if current == previous or (git is None and journal.wrote(current)):
        journal.close()  # nothing was written, or there is no commit to settle it with
        return None
    if git is not None and journal.wrote(current):
        timeout = settings.lock_timeout()
        if orphaned:
            git.wait_for_index(time.monotonic() + timeout)
        committed = git.committed(record)
        if committed == current:
            git.unstage(record, timeout)  # a commit killed before it updated the index
            journal.close()
            return None
        if committed == previous:
            journal.take_back()
            git.unstage(record, timeout)
            return "took back a change that was written but never committed (its accord was interrupted)"
    # Neither version is where it should be: someone edited the file or committed since, and decides.
    journal.close()
    return "holds an uncommitted change of an interrupted accord command and was changed since; left as it is"


def _write(store: Store, found: Found, drafts: list[Draft], actor: Actor, git: Git | None) -> Change:
    # One timestamp for all events of a command: together they are one change, undone together.
    now = datetime.now(UTC)
    events = [Event(at=now, by=actor.name, **d) for d in drafts]
    path = found.loaded.path
    change = Change(found.record_id, events, path)
    if not events:
        return change
    updated = apply(found.loaded.record, events)
    latest = latest_events(updated.history)
    change.outranked = [
        (e, current_value(updated, key)) for e in events if (key := field_key(e)) is not None and latest[key] != e
    ]
    if git is not None:
        git.check_can_commit(path, actor.name, actor.email, settings.lock_timeout())
    journal = Journal.of(path, store.save(found.loaded, updated))
    if git is None:
        journal.close()
        return change
    # Written and committed, or neither: a commit that fails is taken back from the file and the index.
    try:
        git.commit([path], commit_message(events), actor.name, actor.email, settings.lock_timeout())
    except BaseException as exc:
        try:
            kept = settle(journal, git, orphaned=False) is None
        except AccordError as again:
            raise GitError(f"{exc}; and then {again}; the next accord command will settle the change") from None
        if isinstance(exc, GitError):
            what = "kept: git committed it after all" if kept else "taken back: the record and the index are as before"
            raise GitError(f"{exc}; the change is {what}") from None
        raise
    journal.close()
    change.committed = True
    return change


def modify(store: Store, record_id: str, actor: Actor, git: Git | None, make: Callable[[Found], list[Draft]]) -> Change:
    with writing(store, git):
        found = find(store, record_id)
        return _write(store, found, make(found), actor, git)


Draft = dict[str, Any]  # an event's fields but for who and when, which the write path adds


def draft(record_id: str, **values: Any) -> Draft:
    return {"id": record_id, **values}


def describe(event: Event) -> str:
    """One line: `4.3 status: not_started -> in_progress`."""
    if event.undoes is not None and event.field is None:
        return f"{event.id}: note withdrawn"
    if event.field is None:
        return f"{event.id}: note"
    what = f"{event.id} {event.field}"
    if event.field == "measurement":
        what = f"{event.id} {event.series} {event.period}"
    if event.old == event.new and event.old_source == event.source:
        return f"{what}: {show_value(event.new)} (re-asserted)"
    return f"{what}: {show_value(event.old)} -> {show_value(event.new)}"


def what_changed(event: Event) -> str:
    """The kind of change, for lists of events: `status`, `measurement korea 2026`, `note`, `undo`."""
    if event.field == "measurement":
        return f"measurement {event.series} {event.period}"
    return event.field or ("undo" if event.undoes else "note")


def show_value(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, Decimal):
        return format(value, "f")  # 1000, never 1E+3
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    return str(value)


def commit_message(events: list[Event]) -> str:
    head = (
        describe(events[0])
        if len(events) == 1
        else f"{events[0].id}: " + "; ".join(describe(e).split(" ", 1)[1] for e in events)
    )
    if events[0].undoes is not None:
        head = f"undo {head}"
    body = [line for e in events for line in (e.note, e.evidence) if line]
    return "\n\n".join([head, "\n".join(body)]) if body else head


def set_status(
    store: Store,
    record_id: str,
    status: str,
    actor: Actor,
    git: Git | None,
    note: str | None = None,
    evidence: str | None = None,
    on: date | None = None,
) -> Change:
    new = inputs.status(status)
    extras = _extras(note, evidence, on)

    def make(found: Found) -> list[Draft]:
        item = found.item
        if isinstance(item, Target):
            raise UsageError(f"{found.record_id} is a target: record progress with `accord measure`")
        # A change dated earlier changes from what the status was then.
        old = value_on(found.loaded.record, (found.record_id, "status"), on) if on else item.status.value
        # The same status again is recorded too: a re-assertion is the latest word in a merge.
        return [draft(found.record_id, field="status", old=old, new=new.value, **extras)]

    return modify(store, record_id, actor, git, make)


def _extras(note: str | None, evidence: str | None, on: date | None = None) -> dict[str, Any]:
    extras: dict[str, Any] = {}
    if note is not None:
        extras["note"] = inputs.text(note, "--note")
    if evidence is not None:
        extras["evidence"] = inputs.url(evidence)
    if on is not None:
        if on > datetime.now(UTC).date():
            raise UsageError(f"--on {on.isoformat()} is in the future")
        extras["on"] = on
    return extras


def add_note(
    store: Store, record_id: str, note: str, actor: Actor, git: Git | None, evidence: str | None = None
) -> Change:
    extras = _extras(inputs.text(note, "TEXT"), evidence)
    return modify(store, record_id, actor, git, lambda found: [draft(found.record_id, **extras)])


def edit(
    store: Store,
    record_id: str,
    actor: Actor,
    git: Git | None,
    owner: str | None = None,
    due: str | None = None,
    add_tags: Sequence[str] = (),
    remove_tags: Sequence[str] = (),
    note: str | None = None,
) -> Change:
    if owner is None and due is None and not add_tags and not remove_tags:
        raise UsageError("nothing to edit: give --owner, --due, --tag or --untag")
    adding = [inputs.tag(t) for t in add_tags]
    removing = [inputs.tag(t) for t in remove_tags]
    new_due = inputs.iso_date(due, "--due").isoformat() if due else None  # '' clears it, like --owner ''
    extras = _extras(note, None)

    def make(found: Found) -> list[Draft]:
        item = found.item
        if isinstance(item, Target):
            raise UsageError(f"{found.record_id} is a target; edit its file and commit it")
        # A field given its current value again is recorded too: a re-assertion is the latest word in a merge.
        events = []
        if owner is not None:
            new_owner = inputs.text(owner, "--owner").strip() if owner != "" else None
            events.append(draft(found.record_id, field="owner", old=item.owner, new=new_owner, **extras))
        old_due = item.due.isoformat() if item.due else None
        if due is not None:
            events.append(draft(found.record_id, field="due", old=old_due, new=new_due, **extras))
        if adding or removing:
            missing = [t for t in removing if t not in item.tags]
            if missing:
                raise UsageError(f"{found.record_id} has no tag {', '.join(missing)}")
            tags = [t for t in item.tags if t not in removing]
            for tag in adding:  # `--tag x --tag X` adds it once
                if tag not in tags:
                    tags.append(tag)
            events.append(draft(found.record_id, field="tags", old=list(item.tags), new=tags, **extras))
        return events

    return modify(store, record_id, actor, git, make)


def measure(
    store: Store,
    target_id: str,
    value: str,
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
    amount = inputs.amount(value)
    source_text = inputs.text(source, "--source").strip()
    extras = _extras(note, None)

    def make(found: Found) -> list[Draft]:
        target = found.item
        if not isinstance(target, Target):
            raise UsageError(f"{found.record_id} is not a target; `accord progress` lists the targets")
        from .progress import check_period, vet_figure

        check_period(target, period)
        if target.kind == "cumulative" and amount < 0:
            raise UsageError(f"target {target.id} is a cumulative amount: a measurement may not be negative")
        name = series or primary_series(target).name
        vet_figure(target, _series(target, name), period, amount, datetime.now(UTC).date(), force, before_baseline)
        old = _measurement(target, name, period)  # the same figure again is a re-assertion, recorded too
        previous = {"old": old.value, "old_source": old.source} if old else {}
        return [
            draft(target.id, field="measurement", series=name, period=period, new=amount, source=source_text)
            | previous
            | extras
        ]

    if dry_run:  # checked and described, not written
        found = find(store, target_id)
        return Change(found.record_id, [Event(at=datetime.now(UTC), by=actor.name, **d) for d in make(found)])
    return modify(store, target_id, actor, git, make)


def primary_series(target: Target) -> Series:
    if not target.series:
        raise UsageError(f"target {target.id} has no series to record into")
    return next((s for s in target.series if s.primary), target.series[0])


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
    for record, _ in _all_records(store, errors):
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
    return draft(event.id, note=note, **values)


def _all_records(store: Store, errors: list[DataError]) -> Iterator[tuple[Article | Target, Path]]:
    for article in store.articles(errors):
        yield article, store.article_path(article.id)
    for target in store.targets(errors):
        yield target, store.target_path(target.id)


# -- the history, read -----------------------------------------------------------------------


@dataclass(frozen=True)
class LogEntry:
    event: Event
    section: int | None


def log(
    store: Store,
    record_id: str | None,
    since: date | None,
    by: str | None,
    errors: list[DataError],
) -> list[LogEntry]:
    """Every event, newest first, optionally for one record (an article includes its commitments)."""
    if record_id is not None:
        found = find(store, record_id)
        sources: list[Article | Target] = [found.loaded.record]
        wanted = found.record_id
    else:
        sources = [record for record, _ in _all_records(store, errors)]
        wanted = None
    entries = []
    for record in sources:
        section = record.section if isinstance(record, Article) else None
        for event in record.history:
            if wanted is not None and not (event.id == wanted or event.id.startswith(wanted + ".")):
                continue
            if since is not None and event.at.date() < since:
                continue
            if by is not None and event.by.casefold() != by.casefold():
                continue
            entries.append(LogEntry(event, section))
    entries.sort(key=lambda entry: (entry.event.at, natural_key(entry.event.id)), reverse=True)
    return entries
