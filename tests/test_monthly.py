"""Months toward a yearly target: recorded through the real command line, shown by `progress` and the
report as the year to date and a projection of the full year, never as the year's figure.

Expected figures are worked out here from the README's rule, not read back from the program.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from helpers import assert_refused, assert_untouched, parse_json, snapshot, succeeded

if TYPE_CHECKING:
    from conftest import Accord

D = Decimal
YEAR_2025 = D("94.5")  # the shipped Korean series' figure for 2025 (statement/targets/trade.yaml)


def q(value: Decimal) -> str:
    """Rounded as progress shows a projection: to the cent of the unit."""
    return str(value.quantize(D("0.01")))


def measure_months(accord: Accord, figures: dict[str, str], *flags: str) -> None:
    for period, value in figures.items():
        done = accord("measure", "trade", value, "--period", period, "--source", f"KITA, {period}", *flags)
        assert done.code == 0, done.stderr


def progress_trade(accord: Accord) -> dict[str, Any]:
    data = parse_json(succeeded(accord("progress", "trade", "--format", "json")))
    trade: dict[str, Any] = data["targets"][0]
    return trade


def test_three_months_without_the_year_before_project_the_year_linearly(accord: Accord) -> None:
    months = {"2026-01": "7.9", "2026-02": "6.45", "2026-03": "8.8"}
    before = progress_trade(accord)
    measure_months(accord, months)
    trade = progress_trade(accord)
    ytd = trade["year_to_date"]
    to_date = sum((D(v) for v in months.values()), D(0))
    assert (ytd["year"], ytd["months"], ytd["value"]) == (2026, 3, str(to_date))
    assert ytd["same_months_before"] is None  # no month of 2025 is measured
    assert ytd["projection"] == q(to_date * 12 / 3)
    assert ytd["method"] == "2026 to date x 12 / 3"
    assert (ytd["year_before_period"], ytd["year_before"]) == ("2025", str(YEAR_2025))
    # the months are no figure of the year: the verdict and its latest figure stay as they were
    for key in ("latest", "period", "verdict", "projection", "values"):
        assert trade[key] == before[key], key
    out = succeeded(accord("progress", "trade"))
    assert f"trade: 2026 to date (January to March): {to_date} billion USD\n" in out
    assert f"projected for 2026 (a projection, not a figure): {q(to_date * 4)} billion USD" in out
    assert "last complete year, 2025: 94.5 billion USD" in out


def test_the_same_months_of_the_year_before_scale_the_last_complete_year(accord: Accord) -> None:
    last_year = {"2025-01": "7.2", "2025-02": "6.1", "2025-03": "7.9"}
    this_year = {"2026-01": "8.1", "2026-02": "6.8", "2026-03": "8.6"}
    measure_months(accord, last_year, "--before-baseline")  # 2025's first months end before the baseline
    measure_months(accord, this_year)
    ytd = progress_trade(accord)["year_to_date"]
    to_date = sum((D(v) for v in this_year.values()), D(0))
    same = sum((D(v) for v in last_year.values()), D(0))
    assert (ytd["value"], ytd["same_months_before"]) == (str(to_date), str(same))
    assert ytd["projection"] == q(to_date * YEAR_2025 / same) == "104.75"  # 23.5 x 94.5 / 21.2
    assert ytd["method"] == "2026 to date x (2025 / the same months of 2025)"
    report = succeeded(accord("report", "--format", "md"))
    assert "trade, 2026 to date (January to March): 23.5 billion USD" in report
    assert "Projected for 2026 (a projection, not a figure): 104.75 billion USD" in report


def test_a_missing_month_stops_the_year_to_date_and_says_so(accord: Accord) -> None:
    measure_months(accord, {"2026-01": "7.9", "2026-03": "8.8"})
    trade = progress_trade(accord)
    ytd = trade["year_to_date"]
    assert (ytd["months"], ytd["value"], ytd["projection"]) == (1, "7.9", q(D("7.9") * 12))
    assert ytd["unmeasured"] == "2026-02"
    out = succeeded(accord("progress", "trade"))
    assert "February 2026 is not measured: the year to date stops before it" in out


def test_a_year_measured_in_full_leaves_its_months_aside(accord: Accord) -> None:
    measure_months(accord, {"2026-01": "7.9"})
    assert progress_trade(accord)["year_to_date"]["year"] == 2026
    succeeded(accord("measure", "trade", "96.1", "--period", "2026", "--source", "KITA, January 2027"))
    trade = progress_trade(accord)
    assert trade["year_to_date"] is None
    assert (trade["latest"], trade["period"]) == ("96.1", "2026")


def test_a_month_is_compared_with_the_month_before_not_with_the_year(accord: Accord) -> None:
    # 7.9 against the year 2025's 94.5 would be a fall of 92 %; against no month before, no doubt at all
    measure_months(accord, {"2026-01": "7.9"})
    refused = accord("measure", "trade", "20", "--period", "2026-02", "--source", "KITA")
    assert_refused(refused, "20 moves 153 % from 7.9 (2026-01)", "--force")


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2026-13", "must be a year such as 2025, or a month such as 2026-03"),
        ("2026-00", "must be a year such as 2025, or a month such as 2026-03"),
        ("2026-Q1", "must be a year such as 2025, or a month such as 2026-03"),
        ("2026-3", "must be a year such as 2025, or a month such as 2026-03"),
        ("2999-01", "period 2999-01 has not begun yet"),
        ("2025-07", "ends before the baseline of trade (2025-08-10)"),
    ],
)
def test_a_month_that_cannot_be_is_refused_and_nothing_changes(
    accord: Accord, records: Path, period: str, message: str
) -> None:
    before = snapshot(records)
    assert_refused(accord("measure", "trade", "7.9", "--period", period, "--source", "KITA"), message)
    assert_untouched(records, before)


def test_months_of_a_year_still_running_are_shown_as_known_on_a_day(accord: Accord) -> None:
    measure_months(accord, {"2026-01": "7.9"})
    data = parse_json(succeeded(accord("progress", "trade", "--format", "json", "--today", "2026-01-01")))
    assert data["targets"][0]["year_to_date"] is None  # recorded after that day: not yet known then
