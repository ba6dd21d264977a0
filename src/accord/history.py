"""A record's history: the arithmetic of its events, and the history read back.

Every change is a list of events appended to one record's history; a field's current value is
the one its latest event (by `Event.effective`) sets. These functions replay that arithmetic;
the merge driver, the checks and the report use it as the write path does.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Sequence
from copy import deepcopy
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from itertools import chain, groupby
from pathlib import Path
from typing import Any, overload

from .errors import DataError, InvalidValue
from .model import Article, Commitment, Event, Measurement, Series, Status, Target, joint_status
from .storage import Store, find, natural_key

FieldKey = tuple[str, ...]
Row = tuple[datetime, str, str, str | Event]  # an event in a log: its time, id and `by`, and itself


def field_key(event: Event) -> FieldKey | None:
    if event.field is None or event.field == "split":  # a split adds commitments: it sets no field
        return None
    if event.field == "measurement":
        return (event.id, "measurement", event.series or "", event.period or "")
    if event.party is not None:
        return (event.id, event.field, event.party)
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
    if _is_commitment_status(record, key):
        assert isinstance(record, Article)
        status, own = commitment_statuses(record, _commitment(record, key[0]), day=day)
        return (own or {}).get(key[2], status).value if len(key) == 3 else status.value
    values = values_on(record, day)
    return values[key] if key in values else current_value(record, key)


def current_value(record: Article | Target, key: FieldKey) -> Any:
    """A field's value as written in the record, in the form events carry it."""
    if isinstance(record, Target):
        measurement = measurement_of(record, key[2], key[3])
        return measurement.value if measurement else None
    item = _item(record, key[0])
    if isinstance(item, Commitment) and len(key) == 3:  # a party's status
        return (item.parties or {}).get(key[2], item.status).value
    value = getattr(item, key[1])
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Status):
        return value.value
    return list(value) if isinstance(value, list) else value


def _is_commitment_status(record: Article | Target, key: FieldKey) -> bool:
    return isinstance(record, Article) and key[1] == "status" and key[0] != record.id


def _commitment(article: Article, commitment_id: str) -> Commitment:
    item = _item(article, commitment_id)
    assert isinstance(item, Commitment)
    return item


_STATUSES = {s.value: s for s in Status}


def commitment_statuses(
    article: Article, commitment: Commitment, parties: Sequence[str] = (), day: date | None = None
) -> tuple[Status, dict[str, Status] | None]:
    """A commitment's status and, once a party's status was set apart, each party's (its `parties`),
    replayed from its status events (those that happened by the end of `day`, if given).

    An event without a party sets every party's status; one with a party, that party's; the status is
    then `joint_status` of them. The parties counted are `parties` (the statement's sides: needed when
    the first party's status is set apart) and those the commitment already holds or its events name.
    """
    events = sorted((e for e in article.history if e.id == commitment.id and e.field == "status"), key=Event.effective)
    if not events:
        return commitment.status, commitment.parties
    everyone = _STATUSES.get(str(events[0].old), commitment.status)  # before the first change
    own = dict.fromkeys([*parties, *(commitment.parties or {})], everyone)
    for event in events:
        if day is not None and event.effective()[0] > day:
            break
        new = _STATUSES.get(str(event.new))
        if new is None:
            continue  # not a status: validate names it
        if event.party is None:
            everyone = new
            own = dict.fromkeys(own, new)
        else:
            own[event.party] = new
    if not any(e.party is not None for e in events):
        return everyone, None
    return joint_status(own.values()), own


def _item(article: Article, item_id: str) -> Article | Commitment:
    if item_id == article.id:
        return article
    for commitment in article.commitments:
        if commitment.id == item_id:
            return commitment
    raise DataError(Path(f"{article.id}.yaml"), None, f"history names {item_id}, which is not in article {article.id}")


def series_of(target: Target, name: str) -> Series:
    for series in target.series:
        if series.name == name:
            return series
    names = ", ".join(s.name for s in target.series) or "none"
    raise InvalidValue(f"target {target.id} has no series {name!r}; its series: {names}")



def measurement_of(target: Target, series_name: str, period: str) -> Measurement | None:
    return next((m for m in series_of(target, series_name).measurements if m.period == period), None)


def apply(record: Article | Target, events: list[Event], parties: Sequence[str] = ()) -> Article | Target:
    """A copy of `record` with `events` appended and every touched field set from its latest event
    (`parties`: the statement's sides, for a party's status set apart for the first time)."""
    # The old events are shared, not copied: events are never changed, and a long history is most of a record.
    fields = {name: deepcopy(value) for name, value in record if name != "history"}
    updated = record.model_copy(update={**fields, "history": [*record.history, *events]})
    latest = latest_events(updated.history)
    for key in {k for e in events if (k := field_key(e)) is not None}:
        set_from_event(updated, latest[key], parties)
    return updated


def set_from_event(record: Article | Target, event: Event, parties: Sequence[str] = ()) -> None:
    if isinstance(record, Target):
        series = series_of(record, event.series or "")
        kept = [m for m in series.measurements if m.period != event.period]
        if event.new is not None:
            assert isinstance(event.new, Decimal) and event.period and event.source
            # The event's note explains the change and stays in the history; a note on the figure itself stays.
            before = next((m for m in series.measurements if m.period == event.period), None)
            note = before.note if before else None
            kept.append(
                Measurement(
                    period=event.period, value=event.new, source=event.source, note=note, original=event.original
                )
            )
        series.measurements = sorted(kept, key=lambda m: m.period)
        return
    item = _item(record, event.id)
    if isinstance(item, Commitment) and event.field == "status":
        if any(e.id == item.id and e.field == "status" for e in record.history):
            item.status, item.parties = commitment_statuses(record, item, parties)  # a party's event counts too
        else:  # as known before its first status event (tracking.as_known): what that event replaced
            item.status, item.parties = _STATUSES.get(str(event.new), item.status), None
        return
    setattr(item, event.field or "", event.new)


class Changes(Sequence[Event]):
    """Events, newest first, each built when it is read: a long log holds the JSON text the index
    keeps of its events, not a model of each."""

    def __init__(self, events: list[str | Event]):
        self._events = events

    def __len__(self) -> int:
        return len(self._events)

    @overload
    def __getitem__(self, position: int) -> Event: ...

    @overload
    def __getitem__(self, position: slice) -> list[Event]: ...

    def __getitem__(self, position: int | slice) -> Event | list[Event]:
        if isinstance(position, slice):
            return [_built(event) for event in self._events[position]]
        return _built(self._events[position])

    def __iter__(self) -> Iterator[Event]:
        return map(_built, self._events)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"Changes({list(self)!r})"


def _built(event: str | Event) -> Event:
    return event if isinstance(event, Event) else Event.model_validate_json(event)


def log(
    store: Store,
    record_id: str | None,
    since: date | None,
    by: str | None,
    errors: list[DataError],
) -> Changes:
    """Every event, newest first, optionally for one record (an article includes its commitments).
    Of all records, only the events asked for are built: through the index, those recorded since
    `since` are all that is read of the articles."""
    folded = by.casefold() if by is not None else None

    def kept(moment: datetime, who: str) -> bool:
        return (since is None or moment.date() >= since) and (folded is None or who.casefold() == folded)

    if record_id is not None:
        found = find(store, record_id)
        wanted = found.record_id
        events = [
            event
            for event in found.loaded.record.history
            if (event.id == wanted or event.id.startswith(wanted + ".")) and kept(event.at, event.by)
        ]
        events.sort(key=lambda event: (event.at, natural_key(event.id)), reverse=True)
        return Changes(list(events))
    rows = store.changes(errors, since)
    first = next(rows, None)  # the article files are read before the targets, so their problems come first
    articles = (row for row in chain([first] if first is not None else [], rows) if kept(row[0], row[2]))
    targets = [(e.at, e.id, e.by, e) for target in store.targets(errors) for e in target.history if kept(e.at, e.by)]
    targets.sort(key=lambda row: row[0], reverse=True)  # stable: as they are read among equals
    key = cache(natural_key)  # a few ids, many events each
    # Both newest first, then by id; the articles' before the targets' among equals, as they are read.
    merged = heapq.merge(
        _by_id(articles, key), _by_id(targets, key), key=lambda row: (row[0], key(row[1])), reverse=True
    )
    return Changes([event for _, _, _, event in merged])


def _by_id(rows: Iterable[Row], key: Callable[[str], Any]) -> Iterator[Row]:
    """`rows` (time, id, by, event), given newest first, with those of one time by the `key` of their
    id, last first, and else in the order given."""
    for _, same in groupby(rows, key=lambda row: row[0]):
        yield from sorted(same, key=lambda row: key(row[1]), reverse=True)
