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
- an amount whose day is not known (2024-09, 2024-Q3, 2024, 2024..2025-03-26) counts at the last
  day it can be.
- a level's months count toward no verdict: the year to date projects the full year, as
  year to date x (the year before / the same months of it) when both are measured, else
  year to date x 12 / months.
- a fund's verdict rests on one stage of its money (signed unless the target names another).
- a figure in another currency is value x its scale / rate / the target's scale, rounded once,
  half to even, to the millionth of the target's unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import DoubtfulFigure, InvalidValue, UsageError
from .text import ISO_DATE
from .values import DEFAULT_VERDICT_STAGE, SCALES


# The plain values are named tuples: a process that reads them builds four classes at start,
# and a named tuple is made in a fraction of a frozen dataclass's time.
class PlainOriginal(NamedTuple):
    """A figure as published in another currency (model.Original), as plain values."""

    value: Decimal
    currency: str
    unit: str | None
    rate: Decimal
    rate_date: date | None
    rate_source: str

    @classmethod
    def of(cls, data: dict[str, Any]) -> PlainOriginal:
        day = data.get("rate_date")
        return cls(
            data["value"],
            data["currency"],
            data.get("unit"),
            data["rate"],
            date.fromisoformat(day) if day is not None else None,
            data["rate_source"],
        )


class PlainMeasurement(NamedTuple):
    period: str
    value: Decimal
    source: str
    original: PlainOriginal | None

    @classmethod
    def of(cls, data: dict[str, Any]) -> PlainMeasurement:
        original = data.get("original")
        return cls(
            data["period"], data["value"], data["source"], PlainOriginal.of(original) if original is not None else None
        )


class PlainSeries(NamedTuple):
    name: str
    label: str
    primary: bool
    stage: str | None
    measurements: tuple[PlainMeasurement, ...]

    @classmethod
    def of(cls, data: dict[str, Any]) -> PlainSeries:
        measurements = tuple(PlainMeasurement.of(m) for m in data.get("measurements", ()))
        return cls(data["name"], data["label"], data.get("primary", False), data.get("stage"), measurements)


class PlainTarget(NamedTuple):
    """What progress reads of a target (model.Target), as plain values: made from the model's data
    (model.to_data), whether the index kept it or a file was parsed now, so that both give the same
    figures without building a model."""

    id: str
    title: str
    article: str
    commitment: str
    kind: str
    unit: str
    value: Decimal
    source: str
    baseline: date
    deadline: date
    verdict_stage: str | None
    series: tuple[PlainSeries, ...]

    @classmethod
    def of(cls, data: dict[str, Any]) -> PlainTarget:
        return cls(
            data["id"],
            data["title"],
            data["article"],
            data["commitment"],
            data["kind"],
            data["unit"],
            data["value"],
            data["source"],
            date.fromisoformat(data["baseline"]),
            date.fromisoformat(data["deadline"]),
            data.get("verdict_stage"),
            tuple(PlainSeries.of(s) for s in data.get("series", ())),
        )

    def staged(self) -> bool:
        return any(s.stage is not None for s in self.series)


if TYPE_CHECKING:  # the arithmetic reads a model (a change checks its figure) or a target's plain values
    from .model import Measurement, Original, Series, Target

    AnyOriginal = Original | PlainOriginal
    AnyMeasurement = Measurement | PlainMeasurement
    AnySeries = Series | PlainSeries
    AnyTarget = Target | PlainTarget

AT_RISK_SHARE = Decimal("0.9")
DAYS_PER_YEAR = Decimal("365.2425")
PROJECTION_LIMIT = Decimal(10) ** 18

ON_TRACK = "on track"
AT_RISK = "at risk"
OFF_TRACK = "off track"
NO_DATA = "no data"


_YEAR = re.compile(r"(\d{4})")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_RANGE = ".."
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")  # fmt: skip


@lru_cache(maxsize=4096)  # a series' periods are read again for every figure measured against it
def _span(text: str) -> tuple[date, date] | None:
    """The first and last day `text` can mean: a date, a month (2024-09), a quarter (2024-Q3) or a
    year (2024); None if it is none of them."""
    try:
        if ISO_DATE.fullmatch(text):
            day = date.fromisoformat(text)
            return day, day
        if match := _MONTH.fullmatch(text):
            year, month = int(match[1]), int(match[2])
            return date(year, month, 1), _month_end(year, month)
        if match := _QUARTER.fullmatch(text):
            year, last = int(match[1]), int(match[2]) * 3
            return date(year, last - 2, 1), _month_end(year, last)
        if _YEAR.fullmatch(text):
            return date(int(text), 1, 1), date(int(text), 12, 31)
    except ValueError:  # year 0, month 13, 30 February
        return None
    return None


def _shaped(text: str) -> bool:
    """Whether `text` has the shape of a date, month, quarter or year, possible or not (2026-02-30)."""
    return any(p.fullmatch(text) for p in (ISO_DATE, _MONTH, _QUARTER, _YEAR))


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def is_month(period: str) -> bool:
    """A month's figure toward a yearly target: 2026-03."""
    return _MONTH.fullmatch(period) is not None


def period_span(target: AnyTarget, period: str) -> tuple[date, date]:
    """The first and last day of a period `period_problem` accepts."""
    first, _, last = period.partition(_RANGE)
    starts, ends = _span(first) or (date.min, date.min)
    return starts, (_span(last) or (date.min, date.min))[1] if last else ends


def period_problem(target: AnyTarget, period: str) -> str | None:
    """Why `period` is no period for `target`, or None. For a level: a year, or a month of one. For a
    cumulative amount: a date, or as much of one as is known (2024-09, 2024-Q3, 2024), or FROM..TO."""
    if target.kind == "level":
        if not (_YEAR.fullmatch(period) or _MONTH.fullmatch(period)) or _span(period) is None:
            return f"period {period!r} of a yearly target must be a year such as 2025, or a month such as 2026-03"
        return None
    first, sep, last = period.partition(_RANGE)
    starts, ends = _span(first), _span(last) if sep else _span(first)
    if starts is None or ends is None:
        impossible = [part for part in (first, last) if _span(part) is None and _shaped(part)]
        if impossible:
            return f"period {period!r}: {impossible[0]} is not a calendar date"
        return (
            f"period {period!r} of a cumulative target must be a date such as 2026-06-30; when the day is not "
            "known, a month (2024-09), a quarter (2024-Q3), a year (2024) or a range such as 2024..2025-03-26"
        )
    if starts[0] > ends[1]:
        return f"period {period!r} ends before it begins"
    return None


def period_text(target: AnyTarget, period: str) -> str:
    """A period as a reader wants it, saying when a date is not exact: `in September 2024 (date not exact)`."""
    if target.kind == "level":
        return f"{MONTH_NAMES[int(period[5:]) - 1]} {period[:4]}" if is_month(period) else period
    first, _, last = period.partition(_RANGE)
    if not last and ISO_DATE.fullmatch(first):
        return first
    if not last:
        return f"in {_vague(first)} (date not exact)"
    starts, ends = period_span(target, period)
    return f"between {starts.isoformat()} and {ends.isoformat()} (date not exact)"


def _vague(text: str) -> str:
    if match := _MONTH.fullmatch(text):
        return f"{MONTH_NAMES[int(match[2]) - 1]} {match[1]}"
    if match := _QUARTER.fullmatch(text):
        return f"the {('first', 'second', 'third', 'fourth')[int(match[2]) - 1]} quarter of {match[1]}"
    return text


CONVERTED_PLACES = Decimal("0.000001")


def target_currency(target: AnyTarget) -> tuple[Decimal, str]:
    """How many of which currency one unit of `target` counts: `billion USD` is (10^9, USD)."""
    words = target.unit.split()
    if len(words) == 2 and words[0] in SCALES and re.fullmatch(r"[A-Z]{3}", words[1]):
        return SCALES[words[0]], words[1]
    if len(words) == 1 and re.fullmatch(r"[A-Z]{3}", words[0]):
        return Decimal(1), words[0]
    raise InvalidValue(f"target {target.id} is measured in {target.unit!r}, which names no currency to convert to")


def converted(target: AnyTarget, original: AnyOriginal) -> Decimal:
    """`original` in the target's unit: value x its scale / rate / the target's scale, rounded once,
    half to even, to the millionth of the target's unit (for billion USD: to the thousand dollars)."""
    scale, currency = target_currency(target)
    if original.currency == currency:
        raise InvalidValue(f"the figure is already in {currency}, the currency of target {target.id}: give no rate")
    if original.rate <= 0:
        raise InvalidValue(f"the rate {original.rate:f} must be above zero")
    with localcontext() as ctx:
        ctx.prec = 80  # exact for any product of two record amounts; the division is the one rounding before the last
        amount = original.value * SCALES.get(original.unit or "", Decimal(1)) / (original.rate * scale)
        ctx.rounding = ROUND_HALF_EVEN
        return amount.quantize(CONVERTED_PLACES)


def verdict_series(target: AnyTarget) -> AnySeries:
    """The series a target's verdict rests on: for a fund's staged series, the stage the target
    names (signed unless it says otherwise); else the primary series."""
    if not target.series:
        raise InvalidValue(f"target {target.id} has no series to record into")
    stage = target.verdict_stage or DEFAULT_VERDICT_STAGE
    staged = next((s for s in target.series if s.stage == stage), None) if target.staged() else None
    return staged or next((s for s in target.series if s.primary), target.series[0])


DOUBT_GOAL_MULTIPLE = 2
DOUBT_JUMP_SHARE = Decimal("0.5")


def figure_refusal(target: AnyTarget, period: str, value: Decimal, today: date, before_baseline: bool) -> str | None:
    """Why no figure can be recorded for `period`, or None: not finite, a period still to come, or
    (unless it is history, `before_baseline`) a period that ends before the target's baseline.
    A period that is no period of the target is `period_problem`'s to name."""
    if period_problem(target, period):
        return None
    if not value.is_finite():
        return f"value {value} is not a finite number"
    starts, ends = period_span(target, period)
    if starts > today:
        return f"period {period} has not begun yet (today is {today.isoformat()})"
    if ends < target.baseline and not before_baseline:
        return (
            f"period {period} ends before the baseline of {target.id} ({target.baseline.isoformat()}); "
            "give --before-baseline to record history"
        )
    return None


def figure_doubts(target: AnyTarget, series: AnySeries, period: str, value: Decimal) -> list[str]:
    """What makes a figure look like a slip: more than twice the goal, or a move of more than half
    from the series' figure of the period before."""
    doubts = []
    if target.value > 0 and value > target.value * DOUBT_GOAL_MULTIPLE:
        doubts.append(f"{value:f} is more than twice the goal ({target.value:f} {target.unit})")
    # A month is compared with the month before it, a year with the year before; an amount with the one before.
    ends = period_span(target, period)[1]
    monthly = target.kind == "level" and is_month(period)
    earlier = [
        (period_span(target, m.period)[1], m)
        for m in series.measurements
        if (target.kind != "level" or is_month(m.period) == monthly) and not period_problem(target, m.period)
    ]
    before = max((e for e in earlier if e[0] < ends), key=lambda e: e[0], default=(None, None))[1]
    if before is not None and before.value != 0:
        move = (value - before.value) / abs(before.value)
        if abs(move) > DOUBT_JUMP_SHARE:
            doubts.append(f"{value:f} moves {abs(move) * 100:.0f} % from {before.value:f} ({before.period})")
    return doubts


def refuse_figure(
    target: AnyTarget, series: AnySeries, period: str, value: Decimal, today: date, before_baseline: bool
) -> None:
    """Refuse a figure that cannot be right. A figure before the baseline is history: a new one
    needs `before_baseline`, a correction does not."""
    correction = any(m.period == period for m in series.measurements)
    refusal = figure_refusal(target, period, value, today, before_baseline or correction)
    if refusal:
        raise UsageError(refusal)


def doubt_figure(target: AnyTarget, series: AnySeries, period: str, value: Decimal, force: bool) -> None:
    """Refuse a figure that looks like a slip, unless `force`."""
    doubts = figure_doubts(target, series, period, value)
    if doubts and not force:
        raise DoubtfulFigure(f"{'; '.join(doubts)}: check it, then record it with force")


@dataclass(frozen=True)
class Point:
    period: str
    when: date  # the last day of the period: 31 December for a year; for an inexact date, the last it can be
    value: Decimal
    source: str = field(default="", compare=False)
    original: AnyOriginal | None = field(default=None, compare=False)


def points_of(target: AnyTarget, series: AnySeries) -> list[Point]:
    """The figures the verdict rests on: a level's yearly figures (not its months), an amount's figures."""
    points = []
    for m in series.measurements:
        if period_problem(target, m.period) or (is_month(m.period) and target.kind == "level"):
            continue
        points.append(Point(m.period, period_span(target, m.period)[1], m.value, m.source, m.original))
    return sorted(points, key=lambda p: p.when)


class YearToDate(NamedTuple):
    """A yearly target's months of a year not yet complete, and the full year they point to.

    The projection is year to date x (the year before / the same months of the year before) when
    the year before is measured in full and month by month; else year to date x 12 / months.
    """

    year: int
    months: int  # January to this month are measured
    value: Decimal
    same_months_before: Decimal | None
    year_before: Point | None  # the last complete year
    projection: Decimal
    method: str
    sources: list[str]
    unmeasured: int | None = None  # the first month missing before a later one that is measured


def year_to_date(target: AnyTarget, series: AnySeries, yearly: list[Point]) -> YearToDate | None:
    """The latest year with months measured and no figure for the whole year, from January on."""
    months: dict[int, dict[int, AnyMeasurement]] = {}
    for m in series.measurements:
        if target.kind == "level" and is_month(m.period) and not period_problem(target, m.period):
            months.setdefault(int(m.period[:4]), {})[int(m.period[5:])] = m
    complete = {p.when.year: p for p in yearly}
    open_years = [y for y in months if y not in complete]
    if not open_years:
        return None
    year = max(open_years)
    entered = months[year]
    count = 0
    while count + 1 in entered:  # January on, without a gap
        count += 1
    if count == 0:
        return None
    value = sum((entered[m].value for m in range(1, count + 1)), Decimal(0))
    before = months.get(year - 1, {})
    same = (
        sum((before[m].value for m in range(1, count + 1)), Decimal(0))
        if all(m in before for m in range(1, count + 1))
        else None
    )
    last = max((p for p in yearly if p.when.year < year), key=lambda p: p.when, default=None)
    with localcontext() as ctx:
        ctx.prec = 28
        if same and last is not None and last.when.year == year - 1:
            projection = value * last.value / same
            method = f"{year} to date x ({year - 1} / the same months of {year - 1})"
        else:
            projection = value * 12 / count
            method = f"{year} to date x 12 / {count}"
    sources = sorted({entered[m].source for m in range(1, count + 1)})
    gap = count + 1 if max(entered) > count else None
    return YearToDate(year, count, value, same, last, min(projection, PROJECTION_LIMIT), method, sources, gap)


@dataclass
class Progress:
    target: AnyTarget
    series: AnySeries | None
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
    year_to_date: YearToDate | None = None
    stages: list[Progress] = field(default_factory=list)  # a fund's other stages, each on its own


def compute(target: AnyTarget, series: AnySeries | None, today: date) -> Progress:
    points = points_of(target, series) if series else []
    result = Progress(target, series, points, today)
    result.other_series = [s.name for s in target.series if series is None or s.name != series.name]
    result.elapsed = elapsed_share(target.baseline, target.deadline, today)
    if series is not None and target.kind == "level":
        result.year_to_date = year_to_date(target, series, points)
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


def level_on_path(points: list[Point], target: AnyTarget, year: int) -> Decimal | None:
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
