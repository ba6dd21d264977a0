"""Progress toward a target: plain arithmetic on decimals, no I/O.

Rules (also in the README):
- percent achieved = latest value / target value.
- share of time elapsed = (today - baseline) / (deadline - baseline), between 0 and 1.
- a *level* target (a yearly figure such as trade turnover) is projected by a least-squares
  fit of log(value) on the year, that is the trend's constant yearly growth; the yearly growth
  still needed is (target / latest) ** (1 / years left) - 1.
- a *cumulative* target (an amount that adds up, such as loans signed) is projected at the
  average pace since the baseline (zero at the baseline date); what is still needed is
  (target - latest) per remaining year.
- a projection is capped at PROJECTION_LIMIT, a thousand times the largest value a record holds.
- a goal of 0 has no percent achieved; a target whose deadline is its baseline is all elapsed
  from that day; a measurement whose period is not one of the target's (validate reports it)
  is left out.
- on the path: for a level, the level a constant yearly growth from the figure of the baseline
  year (or the first figure after it) to the goal asks for in the latest figure's year; for an
  amount, the straight line from zero at the baseline to the goal, at the latest figure's date.
- verdict: no measurement -> no data; target reached -> on track; deadline passed -> off track;
  one level measurement and so no trend -> at risk; projection at the deadline >= target ->
  on track, >= 90 % of the target -> at risk, else off track.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext

from .errors import DoubtfulFigure, UsageError
from .model import Series, Target
from .text import ISO_DATE

AT_RISK_SHARE = Decimal("0.9")
DAYS_PER_YEAR = Decimal("365.2425")
PROJECTION_LIMIT = Decimal(10) ** 18

ON_TRACK = "on track"
AT_RISK = "at risk"
OFF_TRACK = "off track"
NO_DATA = "no data"


def period_problem(target: Target, period: str) -> str | None:
    """Why `period` is no period for `target`, or None: a year for a level, a date for a cumulative."""
    if target.kind == "level":
        if not re.fullmatch(r"\d{4}", period) or period == "0000":
            return f"period {period!r} of a yearly target must be a year such as 2025"
        return None
    if not ISO_DATE.fullmatch(period):
        return f"period {period!r} of a cumulative target must be a date such as 2026-06-30"
    try:
        date.fromisoformat(period)
    except ValueError:
        return f"period {period!r} is not a calendar date"
    return None


def check_period(target: Target, period: str) -> None:
    problem = period_problem(target, period)
    if problem:
        raise UsageError(problem)


DOUBT_GOAL_MULTIPLE = 2
DOUBT_JUMP_SHARE = Decimal("0.5")


def figure_refusal(target: Target, period: str, value: Decimal, today: date, before_baseline: bool) -> str | None:
    """Why no figure can be recorded for `period`, or None: not finite, a period still to come, or
    (unless it is history, `before_baseline`) a period that ends before the target's baseline.
    A period that is no period of the target is `period_problem`'s to name."""
    if period_problem(target, period):
        return None
    if not value.is_finite():
        return f"value {value} is not a finite number"
    if target.kind == "level":
        starts, ends = date(int(period), 1, 1), date(int(period), 12, 31)
    else:
        starts = ends = date.fromisoformat(period)
    if starts > today:
        return f"period {period} has not begun yet (today is {today.isoformat()})"
    if ends < target.baseline and not before_baseline:
        return (
            f"period {period} ends before the baseline of {target.id} ({target.baseline.isoformat()}); "
            "give --before-baseline to record history"
        )
    return None


def figure_doubts(target: Target, series: Series, period: str, value: Decimal) -> list[str]:
    """What makes a figure look like a slip: more than twice the goal, or a move of more than half
    from the series' figure of the period before."""
    doubts = []
    if target.value > 0 and value > target.value * DOUBT_GOAL_MULTIPLE:
        doubts.append(f"{value:f} is more than twice the goal ({target.value:f} {target.unit})")
    earlier = [m for m in series.measurements if not period_problem(target, m.period) and m.period < period]
    before = max(earlier, key=lambda m: m.period) if earlier else None
    if before is not None and before.value != 0:
        move = (value - before.value) / abs(before.value)
        if abs(move) > DOUBT_JUMP_SHARE:
            doubts.append(f"{value:f} moves {abs(move) * 100:.0f} % from {before.value:f} ({before.period})")
    return doubts


def vet_figure(
    target: Target, series: Series, period: str, value: Decimal, today: date, force: bool, before_baseline: bool
) -> None:
    """Refuse a figure that cannot be right; one that looks like a slip only with `force`. A figure
    before the baseline is history: a new one needs `before_baseline`, a correction does not."""
    correction = any(m.period == period for m in series.measurements)
    refusal = figure_refusal(target, period, value, today, before_baseline or correction)
    if refusal:
        raise UsageError(refusal)
    doubts = figure_doubts(target, series, period, value)
    if doubts and not force:
        raise DoubtfulFigure(f"{'; '.join(doubts)}: check it, then record it with force")


@dataclass(frozen=True)
class Point:
    period: str
    when: date  # the end of the period: 31 December for a year
    value: Decimal
    source: str = field(default="", compare=False)


def points_of(target: Target, series: Series) -> list[Point]:
    points = []
    for m in series.measurements:
        if period_problem(target, m.period):
            continue
        when = date(int(m.period), 12, 31) if target.kind == "level" else date.fromisoformat(m.period)
        points.append(Point(m.period, when, m.value, m.source))
    return sorted(points, key=lambda p: p.when)


@dataclass
class Progress:
    target: Target
    series: Series | None
    points: list[Point]
    today: date
    latest: Point | None = None
    percent: Decimal | None = None
    elapsed: Decimal = Decimal(0)
    still_needed: Decimal | None = None  # level: yearly growth rate; cumulative: amount per year
    trend: Decimal | None = None  # level: fitted yearly growth rate; cumulative: amount per year
    projection: Decimal | None = None
    on_path: Decimal | None = None  # what the path to the goal asks for at the latest period
    verdict: str = NO_DATA
    reason: str = "no measurement yet"
    other_series: list[str] = field(default_factory=list)


def compute(target: Target, series: Series | None, today: date) -> Progress:
    points = points_of(target, series) if series else []
    result = Progress(target, series, points, today)
    result.other_series = [s.name for s in target.series if series is None or s.name != series.name]
    result.elapsed = elapsed_share(target.baseline, target.deadline, today)
    if not points:
        return result
    latest = points[-1]
    result.latest = latest
    result.percent = latest.value / target.value * 100 if target.value else None
    if target.kind == "level":
        result.still_needed = required_growth(latest.value, target.value, target.deadline.year - latest.when.year)
        result.trend, result.projection = log_linear_projection(points, target.deadline.year)
        result.on_path = level_on_path(points, target, latest.when.year)
    else:
        result.on_path = target.value * elapsed_share(target.baseline, target.deadline, latest.when)
        result.still_needed = required_pace(latest.value, target.value, latest.when, target.deadline)
        result.trend, result.projection = linear_projection(target.baseline, latest, target.deadline)
    result.verdict, result.reason = verdict(result)
    return result


def elapsed_share(baseline: date, deadline: date, today: date) -> Decimal:
    span = (deadline - baseline).days
    if span <= 0:
        return Decimal(today >= deadline)
    share = Decimal((today - baseline).days) / Decimal(span)
    return min(max(share, Decimal(0)), Decimal(1))


def level_on_path(points: list[Point], target: Target, year: int) -> Decimal | None:
    """The level the constant-growth path asks for in `year`: from the last figure of the baseline
    year or before (else the first figure) to the goal in the deadline year."""
    before = [p for p in points if p.when.year <= target.baseline.year] or points[:1]
    start = before[-1]
    span = target.deadline.year - start.when.year
    if span <= 0 or start.value <= 0 or target.value <= 0 or year < start.when.year:
        return None
    with localcontext() as ctx:
        ctx.prec = 28
        share = Decimal(year - start.when.year) / span
        ratio = target.value / start.value
        if share * ratio.log10() > PROJECTION_LIMIT.log10():  # far past the deadline: as a projection is
            return PROJECTION_LIMIT
        return min(start.value * ratio**share, PROJECTION_LIMIT)


def required_growth(latest: Decimal, target: Decimal, years_left: int) -> Decimal | None:
    """The constant yearly growth rate that takes `latest` to `target` in `years_left` years."""
    if years_left <= 0 or latest <= 0:
        return None
    if latest >= target:
        return Decimal(0)
    with localcontext() as ctx:
        ctx.prec = 28
        return (target / latest) ** (Decimal(1) / years_left) - 1


def required_pace(latest: Decimal, target: Decimal, latest_when: date, deadline: date) -> Decimal | None:
    """The amount per year still to add to reach `target` by `deadline`."""
    years = Decimal((deadline - latest_when).days) / DAYS_PER_YEAR
    if years <= 0:
        return None
    return max(target - latest, Decimal(0)) / years


def log_linear_projection(points: list[Point], year: int) -> tuple[Decimal | None, Decimal | None]:
    """Fit log(value) = a + b * year by least squares; return (growth rate e**b - 1, value at `year`)."""
    usable = [p for p in points if p.value > 0]
    if len({p.when.year for p in usable}) < 2:
        return None, None
    with localcontext() as ctx:
        ctx.prec = 34
        xs = [Decimal(p.when.year) for p in usable]
        ys = [p.value.ln() for p in usable]
        n = Decimal(len(xs))
        zero = Decimal(0)
        mean_x = sum(xs, zero) / n
        mean_y = sum(ys, zero) / n
        covariance = sum(((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)), zero)
        slope = covariance / sum(((x - mean_x) ** 2 for x in xs), zero)
        intercept = mean_y - slope * mean_x
        return slope.exp() - 1, min(intercept + slope * year, PROJECTION_LIMIT.ln()).exp()


def linear_projection(baseline: date, latest: Point, deadline: date) -> tuple[Decimal | None, Decimal | None]:
    """The average pace since the baseline (zero then), carried on to the deadline."""
    days = (latest.when - baseline).days
    if days <= 0:
        return None, None
    per_day = latest.value / Decimal(days)
    projection = per_day * Decimal((deadline - baseline).days)
    return per_day * DAYS_PER_YEAR, max(min(projection, PROJECTION_LIMIT), -PROJECTION_LIMIT)


def verdict(progress: Progress) -> tuple[str, str]:
    target = progress.target
    latest = progress.latest
    if latest is None:
        return NO_DATA, "no measurement yet"
    if latest.value >= target.value:
        return ON_TRACK, "target reached"
    if progress.today > target.deadline or latest.when >= target.deadline:
        return OFF_TRACK, "deadline passed without reaching the target"
    if progress.projection is None:
        return AT_RISK, "a single measurement shows no trend yet"
    if progress.projection >= target.value:
        return ON_TRACK, "the trend reaches the target by the deadline"
    if progress.projection >= target.value * AT_RISK_SHARE:
        return AT_RISK, "the trend reaches 90 % or more of the target by the deadline"
    return OFF_TRACK, "the trend falls short of 90 % of the target by the deadline"
