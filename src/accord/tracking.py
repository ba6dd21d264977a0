"""`accord progress`: every target's progress and the dated commitments still ahead."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from typing import Any, TypeVar

from .errors import DataError, UsageError
from .history import field_key, primary_series, set_from_event
from .model import CLOSED_STATUSES, Article, Commitment, Event, Target
from .progress import NO_DATA, Progress, compute
from .storage import Store, find

Known = TypeVar("Known", Article, Target)


def as_known(record: Known, day: date) -> Known:
    """`record` as it was known at the end of `day`: events recorded later are left out.

    A field that only later events touch holds the value the first of them replaced; a field
    no event touches (the figures shipped with the records) counts as known from the start.
    """
    later = [e for e in record.history if e.at.date() > day]
    if not later:
        return record
    known = record.model_copy(deep=True)
    known.history = [e for e in record.history if e.at.date() <= day]
    touched: dict[Any, Event] = {}
    for event in sorted(record.history, key=Event.effective):
        key = field_key(event)
        if key is not None and event.at.date() <= day:
            touched[key] = event
    for event in sorted(later, key=lambda e: e.at):
        key = field_key(event)
        if key is None or key in touched:
            continue
        touched[key] = event.model_copy(update={"new": event.old, "source": event.old_source or event.source})
    for event in touched.values():
        set_from_event(known, event)
    return known


@dataclass(frozen=True)
class Deadline:
    """A dated commitment without a numeric path, still open."""

    article: Article
    commitment: Commitment
    days_left: int


@dataclass
class Overview:
    today: date
    targets: list[Progress]
    deadlines: list[Deadline]


def overview(
    store: Store,
    today: date,
    target_id: str | None,
    series_name: str | None,
    errors: list[DataError],
    articles: Iterable[Article] | None = None,
    as_of: bool = False,
) -> Overview:
    """Every target's progress on `today`; `as_of` leaves out what was recorded after that day."""

    def known(record: Known) -> Known:
        return as_known(record, today) if as_of else record

    if target_id is not None:
        item = find(store, target_id).item
        if not isinstance(item, Target):
            raise UsageError(f"{target_id} is not a target; the targets: {', '.join(store.target_ids())}")
        targets = [known(item)]
    else:
        targets = [known(t) for t in store.targets(errors)]
        if series_name is not None and targets and not any(s.name == series_name for t in targets for s in t.series):
            names = ", ".join(sorted({s.name for t in targets for s in t.series})) or "none"
            raise UsageError(f"no target has a series {series_name!r}; the series: {names}")
    results = []
    for target in targets:
        series = None
        if series_name is not None:
            series = next((s for s in target.series if s.name == series_name), None)
            if series is None and target_id is not None:
                names = ", ".join(s.name for s in target.series)
                raise UsageError(f"target {target.id} has no series {series_name!r}; its series: {names}")
        elif target.series:
            series = primary_series(target)
        results.append(compute(target, series, today))
    deadlines: list[Deadline] = []
    if target_id is None:
        linked = {p.target.commitment for p in results}
        for article in (map(known, store.articles(errors, history=as_of)) if articles is None else articles):
            for commitment in article.commitments:
                if commitment.due and commitment.id not in linked and commitment.status not in CLOSED_STATUSES:
                    deadlines.append(Deadline(article, commitment, (commitment.due - today).days))
        deadlines.sort(key=lambda d: (d.commitment.due, d.commitment.id))
    return Overview(today, results, deadlines)


def _q(value: Decimal | None, places: str = "0.01") -> Decimal | None:
    if value is None:
        return None
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, value.adjusted() + len(places))  # room for every digit before the point
        return value.quantize(Decimal(places))


def figures(result: Progress) -> dict[str, Any]:
    """The figures of one target that progress and the report show, decimals rounded for people."""
    target = result.target
    latest = result.latest
    needed = result.still_needed
    trend = result.trend
    if target.kind == "level":
        needed = needed * 100 if needed is not None else None
        trend = trend * 100 if trend is not None else None
    return {
        "target": target.id,
        "title": target.title,
        "kind": target.kind,
        "unit": target.unit,
        "goal": target.value,
        "goal_source": target.source,
        "deadline": target.deadline,
        "baseline": target.baseline,
        "series": result.series.name if result.series else None,
        "series_label": result.series.label if result.series else None,
        "other_series": result.other_series,
        "latest": latest.value if latest else None,
        "period": latest.period if latest else None,
        "percent": _q(result.percent, "0.1"),
        "elapsed": _q(result.elapsed * 100, "0.1"),
        "still_needed": _q(needed),
        "still_needed_unit": "% per year" if target.kind == "level" else f"{target.unit} per year",
        "trend": _q(trend),
        "projection": _q(result.projection),
        "on_path": _q(result.on_path),
        "on_path_percent": _q(latest.value / result.on_path * 100, "0.1") if latest and result.on_path else None,
        "source": latest.source if latest else None,
        "verdict": result.verdict,
        "reason": result.reason,
        "why": why(result, _q(needed), _q(result.projection)),
        "values": [{"period": p.period, "value": p.value, "source": p.source} for p in result.points],
    }


def why(result: Progress, needed: Decimal | None, projection: Decimal | None) -> str:
    """The verdict's reason in figures: `needs 9.68 %/yr; the trend gives 114.62 billion USD by 2030`."""
    target = result.target
    if result.verdict == NO_DATA or projection is None or needed is None or result.latest is None:
        return result.reason
    if result.latest.value >= target.value or result.today > target.deadline:
        return result.reason
    pace = f"{needed:f} %/yr" if target.kind == "level" else f"{needed:f} {target.unit}/yr"
    basis = "the trend" if target.kind == "level" else "the pace so far"
    goal = f"{target.value:f} {target.unit}"
    return f"needs {pace}; {basis} gives {projection:f} {target.unit} by {target.deadline.year}, against {goal}"
