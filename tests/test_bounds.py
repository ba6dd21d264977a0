"""Every text and number has a bound, on the command line and in the records, and no value a
record may hold breaks the arithmetic of `progress` and `report`.

The bounds are the README's: a note at most 4,000 characters, an evidence URL 2,000, a name
(owner, --by) 200, other text 500; a measurement below 10^15 with at most 28 significant digits
and 28 decimal places.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.model import Measurement, Series, Target
from accord.progress import compute
from accord.tracking import figures
from conftest import Accord
from helpers import assert_refused, assert_untouched, parse_json, snapshot, succeeded

TODAY = "2027-06-30"


# -- the command line ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("1e28", "below 10^15"),
        ("1000000000000000", "below 10^15"),
        ("-1e15", "below 10^15"),
        ("1e999999999", "below 10^15"),
        ("1e-999999999", "decimal places"),
        ("0." + "1" * 29, "significant digits"),
        ("1" * 14 + "." + "1" * 15, "significant digits"),
        ("NaN", "not a finite number"),
        ("-Infinity", "not a finite number"),
    ],
)
def test_a_measurement_outside_the_bounds_is_refused(accord: Accord, records: Path, value: str, words: str) -> None:
    before = snapshot(records)
    out = accord("measure", "trade", value, "--period", "2026", "--source", "KITA", "--no-commit")
    assert_refused(out, "VALUE", words)
    assert_untouched(records, before)


def test_an_exponent_typed_is_stored_written_out(accord: Accord, records: Path) -> None:
    succeeded(accord("measure", "trade", "1E+3", "--period", "2026", "--source", "KITA", "--no-commit", "--force"))
    text = (records / "targets" / "trade.yaml").read_text("utf-8")
    assert "  - period: '2026'\n    value: 1000\n" in text
    data = parse_json(succeeded(accord("progress", "trade", "--format", "json", "--today", TODAY)))
    assert data["targets"][0]["latest"] == "1000"


def test_the_largest_and_finest_measurements_go_through_progress_and_report(accord: Accord) -> None:
    largest, finest = "999999999999999.9999999999999", "0.0000000000000000000000000001"
    for value, period in ((largest, "2025"), (finest, "2026")):  # --force: both are far off the figures
        succeeded(accord("measure", "trade", value, "--period", period, "--source", "KITA", "--no-commit", "--force"))
    data = parse_json(succeeded(accord("progress", "trade", "--format", "json", "--today", TODAY)))
    assert data["targets"][0]["latest"] == finest
    report = accord("report", "--today", TODAY, "--format", "json")
    assert report.code == 0, report.stderr
    assert "Traceback" not in report.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("note", "4.5", "x" * 4001), ("NOTE", "4001 characters", "at most 4000")),
        (("set", "4.5", "stalled", "--note", "y" * 4001), ("--note", "at most 4000")),
        (("note", "4.5", "ok", "--evidence", "https://example.org/" + "p" * 1981), ("--evidence", "at most 2000")),
        (("note", "4.5", "ok", "--evidence", "https://[::1"), ("--evidence", "not an http(s) URL")),
        (("note", "4.5", "ok", "--evidence", "javascript:alert(1)"), ("--evidence", "not an http(s) URL")),
        (("edit", "4.5", "--owner", "o" * 201), ("--owner", "at most 200")),
        (("note", "4.5", "ok", "--by", "b" * 201), ("--by", "at most 200")),
        (("measure", "trade", "90", "--period", "2026", "--source", "s" * 501), ("--source", "at most 500")),
        (("log", "--since", "99999999d"), ("--since", "before the year 1")),
        (("log", "--since", "99999999999999999999w"), ("--since", "before the year 1")),
    ],
)
def test_text_over_its_bound_is_refused(
    accord: Accord, records: Path, args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    before = snapshot(records)
    assert_refused(accord(*args, *(["--no-commit"] if args[0] != "log" else [])), *words)
    assert_untouched(records, before)


def test_text_at_its_bound_is_kept_whole(accord: Accord) -> None:
    note, owner = "n" * 4000, "o" * 200
    evidence = "https://example.org/" + "p" * 1980
    succeeded(accord("note", "4.5", note, "--evidence", evidence, "--no-commit"))
    succeeded(accord("edit", "4.5", "--owner", owner, "--no-commit"))
    shown = parse_json(succeeded(accord("show", "4.5", "--format", "json")))
    assert shown["owner"] == owner
    assert [(e.get("note"), e.get("evidence")) for e in shown["history"] if e.get("note") == note] == [(note, evidence)]


# -- the records ---------------------------------------------------------------------------------


def rewrite_target(records: Path, change: dict[str, Any]) -> None:
    path = records / "targets" / "trade.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data.update(change)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")


@pytest.mark.parametrize(
    ("field", "value", "shown_as", "words"),
    [
        ("value", 10**15, "value", "below 10^15"),
        ("title", "t" * 501, "title", "at most 500 characters"),
        ("notes", ["n" * 4001], "notes[0]", "at most 4000 characters"),
    ],
)
def test_a_record_over_a_bound_is_refused_with_its_line(
    accord: Accord, records: Path, field: str, value: Any, shown_as: str, words: str
) -> None:
    rewrite_target(records, {field: value})
    lines = (records / "targets" / "trade.yaml").read_text("utf-8").splitlines()
    line = next(number for number, text in enumerate(lines, 1) if text.startswith(f"{field}:"))
    line += shown_as != field  # a list item is on the line after its key
    before = snapshot(records)
    assert_refused(accord("show", "trade"), f"trade.yaml:{line}: {shown_as}: ", words)
    assert_untouched(records, before)


def one_series(*points: tuple[str, int]) -> dict[str, Any]:
    measurements = [{"period": period, "value": value, "source": "x"} for period, value in points]
    return {"series": [{"name": "korea", "label": "Korea", "primary": True, "measurements": measurements}]}


@pytest.mark.parametrize(
    "change",
    [
        {"value": 0},
        {"value": -150},
        {"baseline": "2030-12-31"},  # baseline == deadline
        {"baseline": "2031-12-31"},  # deadline before the baseline
        one_series(("2026", 5)),  # a single point
        one_series(("2025", 5), ("2026", 5)),  # identical points
        one_series(("0000", 5), ("later", 6)),  # periods that are no years
    ],
)
def test_progress_and_report_compute_on_degenerate_targets(
    accord: Accord, records: Path, change: dict[str, Any]
) -> None:
    rewrite_target(records, change)
    out = accord("progress", "--format", "json", "--today", TODAY)
    assert out.code == 0, out.stderr
    trade = next(t for t in json.loads(out.stdout)["targets"] if t["target"] == "trade")
    assert trade["verdict"] in ("on track", "at risk", "off track", "no data")
    report = accord("report", "--today", TODAY)
    assert report.code == 0, report.stderr
    assert "Traceback" not in report.stderr


# -- the arithmetic, over every value the model admits ---------------------------------------------

amounts = st.one_of(
    st.sampled_from([Decimal(0), Decimal("-0.0"), Decimal("1E-28"), Decimal("999999999999999.9999999999999")]),
    st.builds(
        lambda digits, places, negative: (
            Decimal(digits).scaleb(-places).copy_negate() if negative else Decimal(digits).scaleb(-places)
        ),
        st.integers(0, 10**28 - 1),
        st.integers(0, 28),
        st.booleans(),
    ).filter(lambda d: abs(d) < 10**15),
)
years = st.integers(1, 9999).map(lambda y: f"{y:04d}")
day_periods = st.dates().map(date.isoformat)
periods = st.one_of(years, day_periods, st.sampled_from(["0000", "2025-02-30", "later", ""]))


KINDS: tuple[Literal["level", "cumulative"], ...] = ("level", "cumulative")


@st.composite
def targets(draw: st.DrawFn) -> tuple[Target, Series]:
    kind = draw(st.sampled_from(KINDS))
    measurements = draw(
        st.lists(
            st.builds(Measurement, period=periods.filter(bool), value=amounts, source=st.just("x")),
            max_size=6,
        )
    )
    series = Series(name="s", label="s", primary=True, measurements=measurements)
    target = Target(
        id="t",
        title="t",
        article="1",
        commitment="1.1",
        kind=kind,
        unit="u",
        value=draw(amounts),
        source="x",
        baseline=draw(st.dates()),
        deadline=draw(st.dates()),
        series=[series],
    )
    return target, series


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(targets(), st.dates())
def test_progress_never_fails_on_a_value_the_model_admits(case: tuple[Target, Series], today: date) -> None:
    target, series = case
    result = compute(target, series, today)
    for value in (result.percent, result.elapsed, result.still_needed, result.trend, result.projection):
        assert value is None or value.is_finite()
    shown = figures(result)  # what `progress` and `report` print
    for key in ("percent", "elapsed", "still_needed", "trend", "projection"):
        assert shown[key] is None or shown[key].is_finite()
