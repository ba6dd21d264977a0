"""A record's history: the arithmetic of its events, and the history read back.

Every change is a list of events appended to one record's history; a field's current value is
the one its latest event (by `Event.effective`) sets. These functions replay that arithmetic;
the merge driver, the checks and the report use it as the write path does.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from .errors import DataError, InvalidValue
from .model import Article, Commitment, Event, Measurement, Series, Status, Target
from .storage import Store, all_records, find, natural_key

FieldKey = tuple[str, ...]


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
        measurement = measurement_of(record, key[2], key[3])
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


def series_of(target: Target, name: str) -> Series:
    for series in target.series:
        if series.name == name:
            return series
    names = ", ".join(s.name for s in target.series) or "none"
    raise InvalidValue(f"target {target.id} has no series {name!r}; its series: {names}")


def primary_series(target: Target) -> Series:
    if not target.series:
        raise InvalidValue(f"target {target.id} has no series to record into")
    return next((s for s in target.series if s.primary), target.series[0])


def measurement_of(target: Target, series_name: str, period: str) -> Measurement | None:
    return next((m for m in series_of(target, series_name).measurements if m.period == period), None)


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
    setattr(_item(record, event.id), event.field or "", event.new)


def log(
    store: Store,
    record_id: str | None,
    since: date | None,
    by: str | None,
    errors: list[DataError],
) -> list[Event]:
    """Every event, newest first, optionally for one record (an article includes its commitments)."""
    if record_id is not None:
        found = find(store, record_id)
        sources: list[Article | Target] = [found.loaded.record]
        wanted = found.record_id
    else:
        sources = [record for record, _ in all_records(store, errors)]
        wanted = None
    events = [
        event
        for record in sources
        for event in record.history
        if (wanted is None or event.id == wanted or event.id.startswith(wanted + "."))
        and (since is None or event.at.date() >= since)
        and (by is None or event.by.casefold() == by.casefold())
    ]
    events.sort(key=lambda event: (event.at, natural_key(event.id)), reverse=True)
    return events
