"""`accord progress`: every target's progress and the dated commitments still ahead."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, localcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from .errors import DataError, UsageError
from .index import ArticleEntry
from .progress import (
    MONTH_NAMES,
    NO_DATA,
    PlainTarget,
    Point,
    Progress,
    YearToDate,
    compute,
    period_text,
    verdict_series,
)
from .storage import Store, find, find_data
from .values import CLOSED_STATUSES, STAGES, Status
from .wording import original_text as original_text

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .model import Article, Event, Target
    from .progress import AnyOriginal, AnySeries, AnyTarget
    from .query import AnyCommitment

# Named, not imported: the models load only where a record is replayed as known on a past day.
Known = TypeVar("Known", "Article", "Target")


def as_known(record: Known, day: date, path: Path) -> Known:
    """`record` (read from `path`) as it was known at the end of `day`: events recorded later are
    left out.

    A field that only later events touch holds the value the first of them replaced; a field
    no event touches (the figures shipped with the records) counts as known from the start.
    A value that the field cannot hold (a hand-written `old: 2026` for an owner) is a DataError.
    """
    later = [e for e in record.history if e.at.date() > day]
    if not later:
        return record
    from pydantic import ValidationError

    from .history import field_key, set_from_event

    # Copied without its history, which is not changed below: a deep copy of years of events is slow.
    known = record.model_copy(update={"history": []}).model_copy(deep=True)
    known.history = [e for e in record.history if e.at.date() <= day]
    touched: dict[Any, Event] = {}
    for event in sorted(record.history, key=lambda e: e.effective()):
        key = field_key(event)
        if key is not None and event.at.date() <= day:
            touched[key] = event
    for event in sorted(later, key=lambda e: e.at):
        key = field_key(event)
        if key is None or key in touched:
            continue
        touched[key] = event.model_copy(
            update={"new": event.old, "source": event.old_source or event.source, "original": event.old_original}
        )
    for event in touched.values():
        try:
            set_from_event(known, event)
        except ValidationError:
            raise DataError(
                path,
                None,
                f"an event of {event.at:%Y-%m-%d %H:%M} on {event.id} gives {event.field} the value {event.new},"
                " which it cannot hold",
                "history",
            ) from None
    return known


class Deadline(NamedTuple):
    """A dated commitment without a numeric path, still open."""

    commitment: AnyCommitment
    days_left: int


class Overview(NamedTuple):
    today: date
    targets: list[Progress]
    deadlines: list[Deadline]


def overview(
    store: Store,
    today: date,
    target_id: str | None,
    series_name: str | None,
    errors: list[DataError],
    as_of: bool = False,
    with_deadlines: bool = True,
) -> Overview:
    """Every target's progress on `today` and, with `with_deadlines`, the dated commitments
    still open; `as_of` leaves out what was recorded after that day."""
    found = store.all_targets_data(errors) if target_id is None else [_target_data(store, target_id)]
    targets = [_known_target(store, data, today) if as_of else PlainTarget.of(data) for data in found]
    named = series_name is not None and any(s.name == series_name for t in targets for s in t.series)
    if target_id is None and series_name is not None and targets and not named:
        names = ", ".join(sorted({s.name for t in targets for s in t.series})) or "none"
        raise UsageError(f"no target has a series {series_name!r}; the series: {names}")
    results = []
    for target in targets:
        series: AnySeries | None = None
        if series_name is not None:
            series = next((s for s in target.series if s.name == series_name), None)
            if series is None and target_id is not None:
                names = ", ".join(s.name for s in target.series)
                raise UsageError(f"target {target.id} has no series {series_name!r}; its series: {names}")
        elif target.series:
            series = verdict_series(target)
        result = compute(target, series, today)
        if series_name is None and target.staged():  # every stage of a fund on its own, the verdict's first
            result.stages = [compute(target, s, today) for s in _by_stage(target) if s is not series]
            result.other_series = [s.name for s in target.series if s is not series and not s.stage]
        results.append(result)
    deadlines: list[Deadline] = []
    if target_id is None and with_deadlines:
        linked = {p.target.commitment for p in results}
        # Deadlines need no history: the index's plain values of the commitments do, but of an
        # article with an event recorded after a past day, which is read as known then.
        articles: Iterable[Article | ArticleEntry] = (
            (
                a if isinstance(a, ArticleEntry) else as_known(a, today, store.article_path(a.id))
                for a in store.recent_articles(errors, today)
            )
            if as_of
            else store.entries(errors, only={"status": frozenset(Status) - CLOSED_STATUSES})
        )
        for article in articles:
            for commitment in article.commitments:
                left = days_to_deadline(commitment, today)
                if left is not None and commitment.id not in linked:
                    deadlines.append(Deadline(commitment, left))
        deadlines.sort(key=lambda d: (d.commitment.due, d.commitment.id))
    return Overview(today, results, deadlines)


def _target_data(store: Store, target_id: str) -> dict[str, Any]:
    """The data (model.to_data's) of the target `target_id` names: through the index when there is
    one to use, else read now."""
    found = store.with_index(lambda index: find_data(store, index, target_id))
    if found is not None:
        data = found[2]
    else:
        from .model import Target, to_data

        item = find(store, target_id).item
        data = to_data(item) if isinstance(item, Target) else None
    if data is None:
        raise UsageError(f"{target_id} is not a target; the targets: {', '.join(store.target_ids())}")
    return data


def _known_target(store: Store, data: dict[str, Any], day: date) -> PlainTarget:
    """A target's plain values, from its data, as known at the end of `day`. Only a target with an
    event recorded later is built as a model, to replay its history (see `as_known`)."""
    recorded_later = any(event["at"][:10] > day.isoformat() for event in data.get("history", ()))
    if recorded_later:
        from .model import Target, to_data

        data = to_data(as_known(Target.model_validate(data), day, store.target_path(data["id"])))
    return PlainTarget.of(data)


def party_fields(commitment: AnyCommitment) -> dict[str, Any]:
    """A row's `parties`: each party's status, where they differ (README: "Each party's status")."""
    parties = commitment.differing_parties()
    return {"parties": parties} if parties else {}


def days_to_deadline(commitment: AnyCommitment, today: date) -> int | None:
    """The days left to a dated commitment still open (a deadline, unless a target's figures track
    it); None for any other."""
    if commitment.due is None or commitment.status in CLOSED_STATUSES:
        return None
    return (commitment.due - today).days


def _by_stage(target: AnyTarget) -> list[AnySeries]:
    return sorted((s for s in target.series if s.stage), key=lambda s: STAGES.index(s.stage or ""))


def _in_stage_order(results: list[Progress]) -> list[Progress]:
    return sorted(results, key=lambda r: STAGES.index(r.series.stage or "") if r.series else 0)


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
        "values": point_values(result.points),
        "when": period_text(target, latest.period) if latest else None,
        "original": original_figure(latest.original, result.target) if latest and latest.original else None,
        "stage": result.series.stage if result.series else None,
        "stages": [stage_figures(s) for s in _in_stage_order([result, *result.stages])] if result.stages else [],
        "year_to_date": year_to_date_figures(result.year_to_date) if result.year_to_date else None,
    }


def point_values(points: list[Point]) -> list[dict[str, Any]]:
    """The figures of a series that a verdict can rest on; `when` is the last day a figure's period can be."""
    return [{"period": p.period, "when": p.when, "value": p.value, "source": p.source} for p in points]


def original_figure(original: AnyOriginal, target: AnyTarget) -> dict[str, Any]:
    """A figure as published in another currency, and the rate that converted it."""
    return {
        "value": original.value,
        "currency": original.currency,
        "unit": original.unit,
        "rate": original.rate,
        "rate_date": original.rate_date,
        "rate_source": original.rate_source,
        "text": original_text(original, target.unit.split()[-1]),
    }


def stage_figures(result: Progress) -> dict[str, Any]:
    """One stage of a fund's money against the ceiling: a line of its own."""
    latest: Point | None = result.latest
    return {
        "stage": result.series.stage if result.series else None,
        "series": result.series.name if result.series else None,
        "latest": latest.value if latest else None,
        "period": latest.period if latest else None,
        "when": period_text(result.target, latest.period) if latest else None,
        "percent": _q(result.percent, "0.1"),
        "source": latest.source if latest else None,
        "original": original_figure(latest.original, result.target) if latest and latest.original else None,
        "verdict_rests_on_it": result.series is not None and result.series.name == verdict_series(result.target).name,
    }


def year_to_date_figures(ytd: YearToDate) -> dict[str, Any]:
    """The months of a year still running, and the full year they project (a projection, not a figure)."""
    return {
        "year": ytd.year,
        "months": ytd.months,
        "through": f"{ytd.year}-{ytd.months:02d}",
        "through_text": f"January to {MONTH_NAMES[ytd.months - 1]}" if ytd.months > 1 else "January",
        "value": ytd.value,
        "same_months_before": ytd.same_months_before,
        "year_before": ytd.year_before.value if ytd.year_before else None,
        "year_before_period": ytd.year_before.period if ytd.year_before else None,
        "projection": _q(ytd.projection),
        "method": ytd.method,
        "sources": ytd.sources,
        "unmeasured": f"{ytd.year}-{ytd.unmeasured:02d}" if ytd.unmeasured else None,
        "unmeasured_text": (
            f"{MONTH_NAMES[ytd.unmeasured - 1]} {ytd.year} is not measured: the year to date stops before it"
            if ytd.unmeasured
            else None
        ),
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
