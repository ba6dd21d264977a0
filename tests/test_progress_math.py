"""The arithmetic of `accord progress`, checked against figures worked out by hand.

Every expected number below is computed here from first principles (exact Decimal
arithmetic, or a literal with the working in a comment), never copied from the program.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, localcontext
from typing import Literal

import pytest

from accord import progress
from accord.model import Measurement, Series, Target
from accord.progress import (
    AT_RISK,
    DAYS_PER_YEAR,
    NO_DATA,
    OFF_TRACK,
    ON_TRACK,
    Point,
    compute,
    elapsed_share,
    linear_projection,
    log_linear_projection,
    period_problem,
    required_growth,
    required_pace,
    verdict,
)

D = Decimal
TIGHT = D("1e-20")


def close(actual: Decimal | None, expected: Decimal, tolerance: Decimal = TIGHT) -> bool:
    assert actual is not None
    assert isinstance(actual, Decimal), f"{actual!r} is not a Decimal"
    return abs(actual - expected) <= tolerance


def root(x: Decimal, n: int) -> Decimal:
    """x ** (1/n), to 40 digits."""
    with localcontext() as ctx:
        ctx.prec = 40
        return x ** (D(1) / n)


def series(name: str, values: dict[str, str], primary: bool = True) -> Series:
    return Series(
        name=name,
        label=f"{name} series",
        primary=primary,
        measurements=[Measurement(period=p, value=D(v), source="test") for p, v in values.items()],
    )


# The two kinds of target, shaped like the shipped trade (yearly figures) and edcf (dated running totals).
SHAPES = {
    "level": {"id": "trade", "title": "Trade", "article": "4", "commitment": "4.5", "series": "korea"},
    "cumulative": {"id": "edcf", "title": "Loans", "article": "9", "commitment": "9.1", "series": "signed"},
}


def make_target(
    kind: Literal["level", "cumulative"],
    value: int | str,
    values: dict[str, str] | None,
    baseline: str,
    deadline: str,
    extra: list[Series] | None = None,
) -> Target:
    shape = SHAPES[kind]
    return Target(
        id=shape["id"],
        title=shape["title"],
        article=shape["article"],
        commitment=shape["commitment"],
        kind=kind,
        unit="billion USD",
        value=D(value),
        source="test",
        baseline=date.fromisoformat(baseline),
        deadline=date.fromisoformat(deadline),
        series=[series(shape["series"], values or {}), *(extra or [])],
    )


def level(
    value: int | str = 150,
    *,
    values: dict[str, str] | None = None,
    baseline: str = "2025-08-10",
    deadline: str = "2030-12-31",
    extra: list[Series] | None = None,
) -> Target:
    return make_target("level", value, values, baseline, deadline, extra)


def cumulative(
    value: int | str = 2,
    *,
    values: dict[str, str] | None = None,
    baseline: str = "2024-01-01",
    deadline: str = "2030-12-31",
) -> Target:
    return make_target("cumulative", value, values, baseline, deadline)


# -- verdicts of whole computations ------------------------------------------------------------


def test_a_reached_target_is_on_track_because_it_is_reached() -> None:
    target = level(100, values={"2024": "95", "2025": "100.5"})
    result = compute(target, target.series[0], date(2026, 3, 1))

    assert result.latest is not None
    assert result.latest.period == "2025"
    assert result.latest.value == D("100.5")
    assert result.percent == D("100.5")  # 100.5 / 100 * 100
    assert result.still_needed == 0  # nothing more to grow
    assert result.verdict == ON_TRACK
    assert "reached" in result.reason


def test_a_reached_target_stays_on_track_after_its_deadline() -> None:
    target = level(100, values={"2024": "95", "2025": "100.5"})
    result = compute(target, target.series[0], date(2031, 6, 1))
    assert (result.verdict, result.reason) == (ON_TRACK, "target reached")


def test_a_rising_series_on_track_projects_its_least_squares_trend() -> None:
    # ln(value) on the year through (2022, ln 100), (2023, ln 100), (2024, ln 121): with x centred on
    # 2023 (-1, 0, 1) the slope is (ln 121 - ln 100) / 2 = ln 1.1, so the trend grows 10 % a year.
    # The fitted line passes through (2023, mean of the logs) = (2023, ln cbrt(100 * 100 * 121)),
    # so the value at 2030 is cbrt(1 210 000) * 1.1 ** 7 (about 207.7, above 150).
    target = level(150, values={"2022": "100", "2023": "100", "2024": "121"})
    result = compute(target, target.series[0], date(2026, 3, 1))

    expected_projection = root(D(1210000), 3) * D("1.1") ** 7
    assert close(result.trend, D("0.1"))
    assert close(result.projection, expected_projection)
    assert D(207) < expected_projection < D(208)
    # 121 -> 150 in the 6 years 2024 -> 2030
    assert close(result.still_needed, root(D(150) / D(121), 6) - 1)
    assert result.percent is not None
    assert close(result.percent, D(121) / D(150) * 100)
    assert result.verdict == ON_TRACK
    assert result.reason == "the trend reaches the target by the deadline"


def test_a_falling_series_is_off_track_and_projects_below_its_latest_value() -> None:
    # Two points: the fit goes through both; -10 % a year, so 2030 = 90 * 0.9 ** 6 = 47.82969.
    target = level(150, values={"2023": "100", "2024": "90"})
    result = compute(target, target.series[0], date(2026, 3, 1))

    assert close(result.trend, D("-0.1"))
    assert close(result.projection, D("47.82969"))
    assert result.projection is not None and result.latest is not None
    assert result.projection < result.latest.value
    assert close(result.still_needed, root(D(150) / D(90), 6) - 1)
    assert result.verdict == OFF_TRACK
    assert result.reason == "the trend falls short of 90 % of the target by the deadline"


def test_a_single_level_measurement_has_no_trend_and_is_at_risk() -> None:
    target = level(150, values={"2025": "94.5"})
    result = compute(target, target.series[0], date(2026, 3, 1))

    assert result.trend is None
    assert result.projection is None
    # 94.5 -> 150 in the 5 years 2025 -> 2030
    assert close(result.still_needed, (D(150) / D("94.5")) ** (D(1) / 5) - 1)
    assert close(result.percent, D(63))  # 94.5 / 150 = 0.63
    assert result.verdict == AT_RISK
    assert result.reason == "a single measurement shows no trend yet"


def test_no_measurement_is_no_data() -> None:
    target = level(150, values={})
    result = compute(target, target.series[0], date(2026, 3, 1))
    assert result.latest is None
    assert result.percent is None
    assert result.still_needed is None
    assert result.projection is None
    assert result.trend is None
    assert result.verdict == NO_DATA
    assert result.reason == "no measurement yet"
    assert result.other_series == []


def test_no_series_chosen_is_no_data_and_names_every_series_as_other() -> None:
    target = level(150, values={"2025": "94.5"}, extra=[series("vietnam", {"2024": "81.5"}, primary=False)])
    result = compute(target, None, date(2026, 3, 1))
    assert result.verdict == NO_DATA
    assert result.other_series == ["korea", "vietnam"]


def test_the_chosen_series_alone_is_used_and_the_others_are_named() -> None:
    vietnam = series("vietnam", {"2023": "76.1", "2024": "81.5"}, primary=False)
    target = level(150, values={"2024": "86.8", "2025": "94.5"}, extra=[vietnam])
    result = compute(target, target.series[1], date(2026, 3, 1))

    assert result.latest == Point("2024", date(2024, 12, 31), D("81.5"))
    assert [p.value for p in result.points] == [D("76.1"), D("81.5")]
    assert result.other_series == ["korea"]
    # two points: growth 81.5 / 76.1 - 1, and 81.5 * (81.5 / 76.1) ** 6 at 2030
    assert close(result.trend, D("81.5") / D("76.1") - 1)
    assert close(result.projection, D("81.5") * (D("81.5") / D("76.1")) ** 6, D("1e-18"))


def test_a_deadline_passed_without_reaching_the_target_is_off_track() -> None:
    # The same rising series as the on-track case, whose trend reaches 150; but it is now 2031.
    target = level(150, values={"2022": "100", "2023": "100", "2024": "121"})
    result = compute(target, target.series[0], date(2031, 1, 1))
    assert result.verdict == OFF_TRACK
    assert result.reason == "deadline passed without reaching the target"
    assert result.elapsed == 1


def test_the_deadline_years_own_figure_short_of_the_target_is_off_track() -> None:
    # 2030's full-year figure is in and below 150: the goal is missed, whatever today is.
    target = level(150, values={"2029": "100", "2030": "140"})
    result = compute(target, target.series[0], date(2030, 6, 30))
    assert result.verdict == OFF_TRACK
    assert result.reason == "deadline passed without reaching the target"
    assert result.still_needed is None  # no year left to grow in


def test_a_cumulative_target_is_paced_linearly_from_zero_at_the_baseline() -> None:
    # Baseline 2024-01-01, 0.5 signed by 2026-01-01.
    # Days 2024-01-01 -> 2026-01-01: 366 (2024 is a leap year) + 365 = 731.
    # Days 2024-01-01 -> 2030-12-31: 366 + 365 + 365 + 365 + 366 (2028) + 365 + 364 = 2556.
    # Days 2026-01-01 -> 2030-12-31: 2556 - 731 = 1825.
    assert (date(2026, 1, 1) - date(2024, 1, 1)).days == 731
    assert (date(2030, 12, 31) - date(2024, 1, 1)).days == 2556
    target = cumulative(2, values={"2026-01-01": "0.5"})
    result = compute(target, target.series[0], date(2026, 3, 1))

    pace = D("0.5") / 731 * D("365.2425")  # about 0.2498 a year
    projection = D("0.5") * 2556 / 731  # 1278 / 731, about 1.748
    assert D("365.2425") == DAYS_PER_YEAR
    assert close(result.trend, pace)
    assert close(result.projection, projection)
    assert D("0.249") < pace < D("0.250")
    assert D("1.748") < projection < D("1.749")
    # 1.5 still to sign in 1825 days = 1825 / 365.2425 years
    assert close(result.still_needed, D("1.5") / (D(1825) / D("365.2425")))
    assert result.percent == 25  # 0.5 / 2
    # 1.748 of 2 is 87.4 %: below the 90 % band
    assert projection / 2 < D("0.9")
    assert result.verdict == OFF_TRACK


def test_a_cumulative_target_inside_the_band_is_at_risk() -> None:
    # 0.52 by 2026-01-01: 0.52 * 2556 / 731 = 1329.12 / 731, about 1.818, 90.9 % of 2.
    target = cumulative(2, values={"2025-06-30": "0.3", "2026-01-01": "0.52"})
    result = compute(target, target.series[0], date(2026, 3, 1))
    expected = D("1329.12") / 731
    assert close(result.projection, expected)
    assert D("0.9") * 2 <= expected < 2
    assert result.latest is not None and result.latest.value == D("0.52")
    assert result.verdict == AT_RISK
    assert result.reason == "the trend reaches 90 % or more of the target by the deadline"


# Baseline 2025-01-01, deadline 1000 days later, latest figure 500 days in:
# 2025-01-01 + 365 = 2026-01-01; + 120 (Jan 31, Feb 28, Mar 31, Apr 30) = 2026-05-01; + 15 = 2026-05-16.
# 2026-01-01 + 365 = 2027-01-01; + 243 (Jan..Aug) = 2027-09-01; + 27 = 2027-09-28.
BOUNDARY_BASELINE = "2025-01-01"
BOUNDARY_LATEST = "2026-05-16"
BOUNDARY_DEADLINE = "2027-09-28"


def test_boundary_dates_are_what_the_comments_say() -> None:
    base = date.fromisoformat(BOUNDARY_BASELINE)
    assert base + timedelta(days=500) == date.fromisoformat(BOUNDARY_LATEST)
    assert base + timedelta(days=1000) == date.fromisoformat(BOUNDARY_DEADLINE)


@pytest.mark.parametrize(
    ("signed", "projected", "expected"),
    [
        ("45", "90", AT_RISK),  # 45 / 500 * 1000 = 90: exactly 90 % of 100
        ("44.999", "89.998", OFF_TRACK),  # 44.999 / 500 * 1000: just below
        ("50", "100", ON_TRACK),  # exactly the target
        ("49.999", "99.998", AT_RISK),  # just short of the target
    ],
)
def test_the_at_risk_band_starts_at_exactly_90_percent(signed: str, projected: str, expected: str) -> None:
    target = cumulative(100, values={BOUNDARY_LATEST: signed}, baseline=BOUNDARY_BASELINE, deadline=BOUNDARY_DEADLINE)
    result = compute(target, target.series[0], date(2026, 6, 1))
    assert result.projection == D(projected)
    assert result.verdict == expected


@pytest.mark.parametrize(
    ("projection", "expected"),
    [
        (D("135"), AT_RISK),  # 0.9 * 150
        (D("135.0000000001"), AT_RISK),
        (D("134.9999999999"), OFF_TRACK),
        (D("150"), ON_TRACK),
        (D("149.99"), AT_RISK),
        (D("0"), OFF_TRACK),
    ],
)
def test_verdict_band_on_a_hand_made_progress(projection: Decimal, expected: str) -> None:
    target = level(150)
    made = progress.Progress(
        target=target,
        series=target.series[0],
        points=[Point("2024", date(2024, 12, 31), D(80)), Point("2025", date(2025, 12, 31), D(90))],
        today=date(2026, 3, 1),
        latest=Point("2025", date(2025, 12, 31), D(90)),
        projection=projection,
    )
    assert verdict(made)[0] == expected


def test_verdict_without_measurement_is_no_data() -> None:
    target = level(150)
    made = progress.Progress(target=target, series=None, points=[], today=date(2026, 3, 1))
    assert verdict(made) == (NO_DATA, "no measurement yet")


# -- the pieces ----------------------------------------------------------------------------------


def test_elapsed_share_is_days_gone_over_days_in_all() -> None:
    # 731 of 2556 days (see the cumulative case above)
    share = elapsed_share(date(2024, 1, 1), date(2030, 12, 31), date(2026, 1, 1))
    assert share == D(731) / D(2556)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2023, 6, 1), D(0)),  # before the baseline
        (date(2024, 1, 1), D(0)),  # the baseline itself
        (date(2030, 12, 31), D(1)),  # the deadline itself
        (date(2035, 1, 1), D(1)),  # long after
    ],
)
def test_elapsed_share_is_clamped_between_zero_and_one(today: date, expected: Decimal) -> None:
    assert elapsed_share(date(2024, 1, 1), date(2030, 12, 31), today) == expected


def test_elapsed_share_of_a_compute_uses_the_targets_own_dates() -> None:
    # 2025-08-10 -> 2027-06-30: 365 (to 2026-08-10) + 21 + 30 + 31 + 30 + 31 + 31 + 28 + 31 + 30 + 31 + 30 = 689
    # 2025-08-10 -> 2030-12-31: 5 * 365 + 1 (29 Feb 2028) = 1826 to 2030-08-10, + 21 + 30 + 31 + 30 + 31 = 1969
    target = level(150, values={"2025": "94.5"})
    result = compute(target, target.series[0], date(2027, 6, 30))
    assert result.elapsed == D(689) / D(1969)


def test_required_growth() -> None:
    assert close(required_growth(D("94.5"), D(150), 5), (D(150) / D("94.5")) ** (D(1) / 5) - 1)
    assert close(required_growth(D(100), D(121), 2), D("0.1"))  # 100 * 1.1 * 1.1 = 121
    assert required_growth(D(150), D(150), 3) == 0
    assert required_growth(D(200), D(150), 3) == 0
    assert required_growth(D(100), D(150), 0) is None
    assert required_growth(D(100), D(150), -1) is None
    assert required_growth(D(0), D(150), 5) is None


def test_required_pace() -> None:
    # 1.5 in 1825 days
    assert close(required_pace(D("0.5"), D(2), date(2026, 1, 1), date(2030, 12, 31)), D("1.5") * D("365.2425") / 1825)
    assert required_pace(D(3), D(2), date(2026, 1, 1), date(2030, 12, 31)) == 0
    assert required_pace(D(1), D(2), date(2030, 12, 31), date(2030, 12, 31)) is None
    assert required_pace(D(1), D(2), date(2031, 1, 1), date(2030, 12, 31)) is None


def test_log_linear_projection_of_a_constant_series_is_flat() -> None:
    points = [Point(y, date(int(y), 12, 31), D(80)) for y in ("2021", "2022", "2023")]
    growth, value = log_linear_projection(points, 2030)
    assert close(growth, D(0))
    assert close(value, D(80))


def test_log_linear_projection_of_doubling_every_year() -> None:
    points = [Point(y, date(int(y), 12, 31), D(v)) for y, v in (("2020", "1"), ("2021", "2"), ("2022", "4"))]
    growth, value = log_linear_projection(points, 2030)
    assert close(growth, D(1))
    assert close(value, D(1024), D("1e-16"))  # 4 * 2 ** 8


def test_log_linear_projection_needs_two_years_of_positive_values() -> None:
    assert log_linear_projection([Point("2024", date(2024, 12, 31), D(90))], 2030) == (None, None)
    assert log_linear_projection([], 2030) == (None, None)
    zero_then_one = [Point("2023", date(2023, 12, 31), D(0)), Point("2024", date(2024, 12, 31), D(90))]
    assert log_linear_projection(zero_then_one, 2030) == (None, None)


def test_log_linear_projection_skips_non_positive_values() -> None:
    points = [
        Point("2021", date(2021, 12, 31), D(0)),
        Point("2022", date(2022, 12, 31), D(100)),
        Point("2023", date(2023, 12, 31), D(110)),
    ]
    growth, value = log_linear_projection(points, 2025)
    assert close(growth, D("0.1"))
    assert close(value, D("133.1"))  # 110 * 1.1 * 1.1


def test_linear_projection() -> None:
    latest = Point("2026-01-01", date(2026, 1, 1), D("0.5"))
    pace, value = linear_projection(date(2024, 1, 1), latest, date(2030, 12, 31))
    assert close(pace, D("0.5") * D("365.2425") / 731)
    assert close(value, D(1278) / 731)


def test_linear_projection_needs_time_since_the_baseline() -> None:
    at_baseline = Point("2024-01-01", date(2024, 1, 1), D("0.5"))
    assert linear_projection(date(2024, 1, 1), at_baseline, date(2030, 12, 31)) == (None, None)
    before = Point("2023-06-30", date(2023, 6, 30), D("0.5"))
    assert linear_projection(date(2024, 1, 1), before, date(2030, 12, 31)) == (None, None)


def test_a_cumulative_figure_on_its_baseline_has_no_pace_and_is_at_risk() -> None:
    target = cumulative(2, values={"2024-01-01": "0.1"})
    result = compute(target, target.series[0], date(2024, 3, 1))
    assert result.projection is None
    assert result.verdict == AT_RISK


def test_exact_decimals_stay_exact() -> None:
    # 0.1 + 0.2 worth of loans: a float would give 0.30000000000000004
    target = cumulative(2, values={"2026-01-01": str(D("0.1") + D("0.2"))})
    result = compute(target, target.series[0], date(2026, 3, 1))
    assert result.latest is not None and result.latest.value == D("0.3")
    assert result.percent == D(15)  # 0.3 / 2 * 100
    for value in (result.percent, result.elapsed, result.still_needed, result.trend, result.projection):
        assert isinstance(value, Decimal)


# -- periods -------------------------------------------------------------------------------------


@pytest.mark.parametrize("period", ["2025", "1999", "2030"])
def test_a_year_is_a_period_of_a_level_target(period: str) -> None:
    assert period_problem(level(), period) is None


@pytest.mark.parametrize("period", ["2026-01-01", "25", "20255", "2025a", "FY2025", "2025-13", "2025-Q2", ""])
def test_anything_but_a_year_or_month_is_no_period_of_a_level_target(period: str) -> None:
    problem = period_problem(level(), period)
    assert problem is not None
    assert "year" in problem


@pytest.mark.parametrize("period", ["2026-06-30", "2024-02-29", "2030-12-31"])
def test_a_date_is_a_period_of_a_cumulative_target(period: str) -> None:
    assert period_problem(cumulative(), period) is None


@pytest.mark.parametrize(
    "period", ["2026-6-30", "2026/06/30", "30-06-2026", "2026-06-30T00:00", "", "2026-Q5", "2024..", "..2025", "26"]
)
def test_anything_but_a_date_or_part_of_one_is_no_period_of_a_cumulative_target(period: str) -> None:
    problem = period_problem(cumulative(), period)
    assert problem is not None
    assert "date" in problem


@pytest.mark.parametrize("period", ["2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10"])
def test_an_impossible_calendar_date_is_no_period(period: str) -> None:
    problem = period_problem(cumulative(), period)
    assert problem is not None
    assert "calendar date" in problem


