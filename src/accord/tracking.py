"""`accord progress`: every target's progress and the dated commitments still ahead."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from typing import Any

from .errors import DataError, UsageError
from .history import primary_series
from .model import CLOSED_STATUSES, Article, Commitment, Target
from .progress import Progress, compute
from .storage import Store, find


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
) -> Overview:
    if target_id is not None:
        item = find(store, target_id).item
        if not isinstance(item, Target):
            raise UsageError(f"{target_id} is not a target; `accord progress` lists the targets")
        targets = [item]
    else:
        targets = list(store.targets(errors))
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
        for article in store.articles(errors, history=False) if articles is None else articles:
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
        "verdict": result.verdict,
        "reason": result.reason,
        "values": [{"period": p.period, "value": p.value} for p in result.points],
    }
