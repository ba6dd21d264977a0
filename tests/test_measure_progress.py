"""`accord measure` and `accord progress`, driven through the real command line on a copy of the records.

Expected figures are worked out here by hand (Decimal arithmetic or commented literals), not read
back from the program.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal, localcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from helpers import assert_refused, assert_untouched, logged, parse_json, shown, snapshot, succeeded

if TYPE_CHECKING:
    from conftest import Accord

D = Decimal
TODAY = "2027-06-30"  # every progress call fixes the date, so that the figures do not move

# The shipped records (statement/targets/trade.yaml).
KOREA = {"2019": "69.2", "2021": "80.7", "2022": "87.7", "2023": "79.43", "2024": "86.8", "2025": "94.5"}
VIETNAM = {"2019": "66.65", "2021": "78.1", "2023": "76.1", "2024": "81.5"}

PROGRESS_FIELDS = [
    "target", "title", "kind", "unit", "goal", "goal_source", "deadline", "baseline", "series", "series_label",
    "other_series", "latest", "period", "percent", "elapsed", "still_needed", "still_needed_unit", "trend",
    "projection", "on_path", "on_path_percent", "source", "verdict", "reason", "why",
]  # fmt: skip


# -- helpers -------------------------------------------------------------------------------------


def progress_json(accord: Accord, *args: str, today: str = TODAY) -> dict[str, Any]:
    data: dict[str, Any] = parse_json(succeeded(accord("progress", *args, "--format", "json", "--today", today)))
    assert data["today"] == today
    return data


def target_of(data: dict[str, Any], target_id: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [t for t in data["targets"] if t["target"] == target_id]
    assert len(found) == 1
    return found[0]


def measurements(accord: Accord, target_id: str, series_name: str) -> dict[str, dict[str, Any]]:
    data = shown(accord, target_id)
    (series,) = [s for s in data["series"] if s["name"] == series_name]
    by_period: dict[str, dict[str, Any]] = {m["period"]: m for m in series["measurements"]}
    assert len(by_period) == len(series["measurements"]), "a period measured twice"
    return by_period


def measure(accord: Accord, *args: str) -> str:
    return succeeded(accord("measure", *args))


def q(value: Decimal, places: str) -> str:
    return str(value.quantize(D(places)))


def fit(values: dict[str, str], year: int) -> tuple[Decimal, Decimal]:
    """Least squares of ln(value) on the year, by the textbook formulas: (yearly growth, value at `year`)."""
    with localcontext() as ctx:
        ctx.prec = 50
        xs = [D(int(p)) for p in values]
        ys = [D(v).ln() for v in values.values()]
        n = len(xs)
        mean_x = sum(xs, D(0)) / n
        mean_y = sum(ys, D(0)) / n
        sxy = sum(((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)), D(0))
        sxx = sum(((x - mean_x) ** 2 for x in xs), D(0))
        slope = sxy / sxx
        return slope.exp() - 1, (mean_y + slope * (year - mean_x)).exp()


def expected_verdict(projection: Decimal, goal: Decimal) -> str:
    if projection >= goal:
        return "on track"
    if projection >= goal * D("0.9"):
        return "at risk"
    return "off track"


def grow(latest: str, goal: str, years: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 50
        return (D(goal) / D(latest)) ** (D(1) / years) - 1


# 2025-08-10 (trade's baseline) -> 2027-06-30:
#   365 to 2026-08-10, then 21 (rest of Aug) + 30 + 31 + 30 + 31 + 31 + 28 + 31 + 30 + 31 + 30 (to 30 Jun) = 689
# 2025-08-10 -> 2030-12-31: 5 * 365 + 1 (29 Feb 2028) = 1826 to 2030-08-10, + 21 + 30 + 31 + 30 + 31 = 1969
TRADE_ELAPSED = D(689) / D(1969)  # 0.3499...
# 2024-01-01 (edcf, edpf baseline) -> 2027-06-30: 366 + 365 + 365 = 1096 to 2027-01-01, + 151 (Jan..May) + 29 = 1276
# 2024-01-01 -> 2030-12-31: 366 + 365 + 365 + 365 + 366 + 365 + 364 = 2556
EDCF_ELAPSED = D(1276) / D(2556)  # 0.4992...


def test_the_hand_counted_days_are_right() -> None:
    assert (date(2027, 6, 30) - date(2025, 8, 10)).days == 689
    assert (date(2030, 12, 31) - date(2025, 8, 10)).days == 1969
    assert (date(2027, 6, 30) - date(2024, 1, 1)).days == 1276
    assert (date(2030, 12, 31) - date(2024, 1, 1)).days == 2556
    assert (date(2026, 1, 1) - date(2024, 1, 1)).days == 731
    assert (date(2027, 12, 31) - date(2027, 6, 30)).days == 184


@pytest.fixture
def measured(accord: Accord) -> Accord:
    """The records with trade's 2026 figure added to the Korean series."""
    out = measure(accord, "trade", "96.1", "--period", "2026", "--source", "KITA, January 2027")
    assert "trade korea 2026: (none) -> 96.1" in out
    return accord


# -- measure, then progress in every format -----------------------------------------------------


def test_progress_json_after_a_measurement_field_by_field(measured: Accord) -> None:
    data = progress_json(measured)
    assert [t["target"] for t in data["targets"]] == ["edcf", "edpf", "trade"]
    trade = target_of(data, "trade")
    assert list(trade) == [*PROGRESS_FIELDS, "values", "when", "original", "stage", "stages", "year_to_date"]

    korea = {**KOREA, "2026": "96.1"}
    trend, projection = fit(korea, 2030)
    as_recorded = {
        "target": "trade",
        "kind": "level",
        "unit": "billion USD",
        "goal": "150",
        "baseline": "2025-08-10",
        "deadline": "2030-12-31",
        "series": "korea",
        "series_label": "Korean series (KITA / MOTIE)",
        "other_series": ["vietnam"],
        "latest": "96.1",
        "period": "2026",
        "still_needed_unit": "% per year",
    }
    assert {key: trade[key] for key in as_recorded} == as_recorded
    # 96.1 / 150 * 100 = 64.0666..., shown to 0.1
    assert trade["percent"] == q(D("96.1") / D(150) * 100, "0.1") == "64.1"
    assert trade["elapsed"] == q(TRADE_ELAPSED * 100, "0.1") == "35.0"
    # 96.1 -> 150 in the 4 years 2026 -> 2030: (150 / 96.1) ** (1/4) - 1, about 11.77 % a year
    assert trade["still_needed"] == q(grow("96.1", "150", 4) * 100, "0.01") == "11.77"
    assert trade["trend"] == q(trend * 100, "0.01")
    assert trade["projection"] == q(projection, "0.01")
    assert trade["verdict"] == expected_verdict(projection, D(150))
    assert trade["verdict"] == "off track"  # about 114.6, short of 135 (90 % of 150)
    assert [(v["period"], v["value"]) for v in trade["values"]] == list(korea.items())
    assert trade["source"] == trade["values"][-1]["source"] == "KITA, January 2027"
    assert trade["goal_source"] == "Joint statement, article 4"
    # The path to the goal: from 2025's 94.5 (the baseline year) to 150 in 2030, constant growth.
    on_path = D("94.5") * (D(150) / D("94.5")) ** (D(1) / 5)
    assert trade["on_path"] == q(on_path, "0.01") == "103.65"
    assert trade["on_path_percent"] == q(D("96.1") / on_path * 100, "0.1") == "92.7"
    assert trade["why"] == (
        f"needs 11.77 %/yr; the trend gives {q(projection, '0.01')} billion USD by 2030, against 150 billion USD"
    )


def test_progress_table_shows_every_target_and_verdict(measured: Accord) -> None:
    out = succeeded(measured("progress", "--today", TODAY))
    assert f"Progress toward the targets, {TODAY}" in out
    lines = out.splitlines()
    trade_line = next(line for line in lines if line.strip().startswith("trade"))
    for cell in ("96.1", "2026", "150", "64.1 %", "35.0 %", "11.77 %/yr", "off track"):
        assert cell in trade_line
    edpf = next(line for line in lines if line.strip().startswith("edpf"))
    assert "no data" in edpf
    edcf = next(line for line in lines if line.strip().startswith("edcf"))  # its first loan, date not exact
    assert "0.188115 billion USD" in edcf and "2024..2025-03-26" in edcf
    assert "\n\nUpcoming deadlines\n" in out  # a part of its own, after a blank line


def test_progress_csv_has_a_header_and_one_row_per_target(measured: Accord) -> None:
    reader = csv.DictReader(io.StringIO(succeeded(measured("progress", "--format", "csv", "--today", TODAY))))
    assert reader.fieldnames == [*PROGRESS_FIELDS, "when", "stage"]
    rows = list(reader)
    assert [r["target"] for r in rows] == ["edcf", "edpf", "trade"]
    # the same figures as the json, as text; a list becomes words
    trade = {
        "latest": "96.1",
        "period": "2026",
        "goal": "150",
        "percent": "64.1",
        "still_needed": "11.77",
        "other_series": "vietnam",
        "verdict": "off track",
    }
    assert {key: rows[2][key] for key in trade} == trade
    assert rows[1]["verdict"] == "no data"
    assert rows[1]["latest"] == ""
    assert rows[0]["when"] == "between 2024-01-01 and 2025-03-26 (date not exact)"


def test_progress_markdown_is_a_github_table(measured: Accord) -> None:
    lines = succeeded(measured("progress", "--format", "md", "--today", TODAY)).splitlines()
    assert lines[0] == f"## Progress toward the targets, {TODAY}"
    header = lines.index(
        "| target | verdict | series | latest | period | goal | % achieved | vs path | deadline | % time "
        "| still needed | projected |"
    )
    separator = lines[header + 1]
    assert separator.startswith("|") and separator.endswith("|")
    assert all(cell in ("---", "---:") for cell in separator.strip("|").split("|"))
    assert len(separator.strip("|").split("|")) == 12
    rows = {}
    for line in lines[header + 2 :]:
        if not line.startswith("| "):
            break
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        assert len(cells) == 12, line
        rows[cells[0]] = cells
    assert list(rows) == ["edcf", "edpf", "trade"]
    trade = rows["trade"]
    assert trade[1:7] == ["off track", "korea (also: vietnam)", "96.1 billion USD", "2026", "150 billion USD", "64.1 %"]
    assert trade[-1] == "114.62 billion USD"
    assert rows["edpf"][1] == "no data"
    assert "- trade: off track: needs 11.77 %/yr; the trend gives 114.62 billion USD by 2030, against 150 billion USD" \
        " (latest: 2026, KITA, January 2027)" in lines
    assert "trade: shown in the korea series; also measured: vietnam." in lines
    assert "### Upcoming deadlines" in lines


# -- series ---------------------------------------------------------------------------------------


def test_series_vietnam_shows_the_vietnamese_figures_only(measured: Accord) -> None:
    data = progress_json(measured, "trade", "--series", "vietnam")
    assert [t["target"] for t in data["targets"]] == ["trade"]
    trade = data["targets"][0]
    assert trade["series"] == "vietnam"
    assert trade["series_label"] == "Vietnamese series (customs / MOIT)"
    assert trade["other_series"] == ["korea"]
    # The Korean 2026 figure just recorded does not leak in: the Vietnamese latest is 2024's.
    assert trade["latest"] == "81.5"
    assert trade["period"] == "2024"
    assert [(v["period"], v["value"]) for v in trade["values"]] == list(VIETNAM.items())
    assert trade["percent"] == q(D("81.5") / D(150) * 100, "0.1") == "54.3"  # 54.333...
    assert trade["still_needed"] == q(grow("81.5", "150", 6) * 100, "0.01")  # 2024 -> 2030: 6 years
    trend, projection = fit(VIETNAM, 2030)
    assert trade["trend"] == q(trend * 100, "0.01")
    assert trade["projection"] == q(projection, "0.01")
    assert trade["verdict"] == expected_verdict(projection, D(150))

    # and the primary series is unchanged by the Vietnamese view
    korea = target_of(progress_json(measured), "trade")
    assert korea["series"] == "korea"
    assert [(v["period"], v["value"]) for v in korea["values"]] == list({**KOREA, "2026": "96.1"}.items())


def test_a_measurement_in_the_vietnamese_series_stays_there(accord: Accord) -> None:
    measure(accord, "trade", "85.25", "--period", "2025", "--series", "vietnam", "--source", "Vietnam customs")
    vietnam = target_of(progress_json(accord, "--series", "vietnam"), "trade")
    assert (vietnam["latest"], vietnam["period"]) == ("85.25", "2025")
    korea = target_of(progress_json(accord), "trade")
    assert (korea["latest"], korea["period"]) == ("94.5", "2025")  # the Korean 2025 figure is untouched
    assert measurements(accord, "trade", "korea")["2025"]["value"] == "94.5"
    assert measurements(accord, "trade", "vietnam")["2025"] == {
        "period": "2025",
        "value": "85.25",
        "source": "Vietnam customs",
    }


@pytest.mark.parametrize(
    ("args", "series"),
    [
        pytest.param(("trade",), "japan", id="unknown-series-of-a-target"),
        # A typo must not quietly turn every target into "no data".
        pytest.param((), "vietnma", id="series-no-target-has"),
    ],
)
def test_progress_for_an_unknown_series_is_a_usage_error(accord: Accord, args: tuple[str, ...], series: str) -> None:
    out = accord("progress", *args, "--series", series, "--today", TODAY)
    assert out.code == 2
    assert series in out.stderr
    assert out.stdout == ""


def test_progress_for_a_series_some_targets_have_shows_it_where_it_exists(accord: Accord) -> None:
    data = progress_json(accord, "--series", "vietnam")
    trade = target_of(data, "trade")
    assert (trade["series"], trade["latest"], trade["period"]) == ("vietnam", "81.5", "2024")
    edpf = target_of(data, "edpf")
    assert edpf["series"] is None
    assert edpf["verdict"] == "no data"


# -- corrections and undo --------------------------------------------------------------------------


def test_a_correction_keeps_both_values_in_the_history(measured: Accord) -> None:
    out = measure(measured, "trade", "97.0", "--period", "2026", "--source", "KITA, revised")
    assert "trade korea 2026: 96.1 -> 97.0" in out

    assert measurements(measured, "trade", "korea")["2026"] == {
        "period": "2026",
        "value": "97.0",
        "source": "KITA, revised",
    }
    events = logged(measured, "trade")
    assert [(e["field"], e["old"], e["new"]) for e in events] == [
        ("measurement korea 2026", "96.1", "97.0"),
        ("measurement korea 2026", None, "96.1"),
    ]
    history = shown(measured, "trade")["history"]
    assert [(e.get("old"), e["new"], e["source"]) for e in history] == [
        (None, "96.1", "KITA, January 2027"),
        ("96.1", "97.0", "KITA, revised"),
    ]
    assert history[1]["old_source"] == "KITA, January 2027"
    table = measured("log", "trade")
    assert "96.1 -> 97.0" in table.stdout
    assert "(none) -> 96.1" in table.stdout

    trade = target_of(progress_json(measured), "trade")
    assert trade["latest"] == "97.0"
    assert trade["still_needed"] == q(grow("97.0", "150", 4) * 100, "0.01")


def test_the_same_value_and_source_again_is_recorded_as_a_re_assertion(measured: Accord) -> None:
    out = measured("measure", "trade", "96.1", "--period", "2026", "--source", "KITA, January 2027", user="Officer Two")

    assert succeeded(out) == "trade korea 2026: 96.1 (re-asserted)\n"
    last = shown(measured, "trade")["history"][-1]
    assert (last["by"], last["old"], last["new"]) == ("Officer Two", "96.1", "96.1")
    assert last["source"] == last["old_source"] == "KITA, January 2027"
    assert measurements(measured, "trade", "korea")["2026"]["value"] == "96.1"
    assert "trade korea 2026: 96.1 (re-asserted)" in succeeded(measured("undo", user="Officer Two"))
    assert measurements(measured, "trade", "korea")["2026"]["source"] == "KITA, January 2027"


def test_undo_after_a_correction_restores_the_old_value_and_its_source(measured: Accord) -> None:
    measure(measured, "trade", "97.0", "--period", "2026", "--source", "KITA, revised")
    assert "trade korea 2026: 97.0 -> 96.1" in succeeded(measured("undo"))

    restored = measurements(measured, "trade", "korea")["2026"]
    assert restored["value"] == "96.1"
    assert restored["source"] == "KITA, January 2027"
    events = logged(measured, "trade")
    assert [(e["old"], e["new"]) for e in events] == [("97.0", "96.1"), ("96.1", "97.0"), (None, "96.1")]
    assert target_of(progress_json(measured), "trade")["latest"] == "96.1"


def test_undo_after_a_correction_restores_the_old_measurement_exactly(measured: Accord) -> None:
    before = measurements(measured, "trade", "korea")["2026"]
    measure(measured, "trade", "97.0", "--period", "2026", "--source", "KITA, revised")
    assert measured("undo").code == 0
    assert measurements(measured, "trade", "korea")["2026"] == before


def test_undo_of_a_correction_keeps_the_figures_own_note(accord: Accord) -> None:
    before = measurements(accord, "trade", "korea")["2024"]
    assert before["note"] == "first published as 86.7"
    measure(accord, "trade", "86.9", "--period", "2024", "--source", "KITA, 2026 revision")
    assert accord("undo").code == 0
    assert measurements(accord, "trade", "korea")["2024"] == before


# -- refused measurements: exit 2, nothing written -------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("tarde", "96.1", "--period", "2026"), "no record 'tarde'"),
        (("nosuch", "96.1", "--period", "2026"), "no record 'nosuch'"),
        (("4", "96.1", "--period", "2026"), "not a target"),
        (("4.5", "96.1", "--period", "2026"), "not a target"),
        (("trade", "96.1", "--period", "2026-01-01"), "must be a year"),
        (("trade", "96.1", "--period", "26"), "must be a year"),
        (("edcf", "0.5", "--period", "2026-13"), "2026-13 is not a calendar date"),
        (("edcf", "0.5", "--period", "soon"), "must be a date"),
        (("edcf", "0.5", "--period", "2025-03..2024"), "ends before it begins"),
        (("trade", "7.1", "--period", "2026-Q1"), "or a month such as 2026-03"),
        (("edcf", "0.5", "--period", "2026-02-30"), "not a calendar date"),
        (("edcf", "-0.1", "--period", "2026-06-30"), "may not be negative"),
        (("edpf", "-1", "--period", "2026-06-30"), "may not be negative"),
        (("trade", "abc", "--period", "2026"), "not a number"),
        (("trade", "96,1", "--period", "2026"), "not a number"),
        (("trade", "", "--period", "2026"), "not a number"),
        (("trade", "NaN", "--period", "2026"), "not a finite number"),
        (("trade", "Infinity", "--period", "2026"), "not a finite number"),
        (("trade", "96.1", "--period", "2026", "--series", "japan"), "no series 'japan'"),
        (("edcf", "0.5", "--period", "2026-06-30", "--series", "korea"), "no series 'korea'"),
    ],
)
def test_a_refused_measurement_exits_2_and_changes_no_file(
    accord: Accord, records: Path, args: tuple[str, ...], message: str
) -> None:
    before = snapshot(records)
    assert_refused(accord("measure", *args, "--source", "somewhere"), message)
    assert_untouched(records, before)
    assert accord("log", "--format", "json").stdout.strip() == "[]"


def test_an_empty_source_is_refused(accord: Accord, records: Path) -> None:
    before = snapshot(records)
    out = accord("measure", "trade", "96.1", "--period", "2026", "--source", "  ")
    assert out.code == 2
    assert_untouched(records, before)


# -- exact decimals ---------------------------------------------------------------------------------


def test_measured_values_are_kept_exactly_as_typed(accord: Accord, records: Path) -> None:
    # The float nearest 0.1, to the 28 digits a record holds: a float would print it back as 0.1.
    long_value = "0.1000000000000000055511151231"
    measure(accord, "edcf", long_value, "--period", "2026-06-30", "--source", "EXIM")
    # 0.1 + 0.2: a float would be 0.30000000000000004; written with its trailing zero
    measure(accord, "edpf", "0.30", "--period", "2026-06-30", "--source", "EXIM")

    assert f"value: {long_value}\n" in (records / "targets" / "edcf.yaml").read_text()
    assert "value: 0.30\n" in (records / "targets" / "edpf.yaml").read_text()
    data = progress_json(accord)
    edcf = target_of(data, "edcf")
    edpf = target_of(data, "edpf")
    assert edcf["latest"] == long_value
    assert edpf["latest"] == "0.30"
    assert edpf["percent"] == "15.0"  # 0.3 / 2 * 100
    assert measurements(accord, "edcf", "signed")["2026-06-30"]["value"] == long_value
    csv_out = accord("progress", "--format", "csv", "--today", TODAY).stdout
    assert long_value in csv_out
    # every number in the json is text (strings) or a whole number of days
    for target in data["targets"]:
        for key in ("goal", "latest", "percent", "elapsed", "still_needed", "trend", "projection"):
            assert target[key] is None or isinstance(target[key], str)


# -- a cumulative target and the deadlines ahead ------------------------------------------------------


def test_a_cumulative_measurement_gives_a_verdict_and_the_deadlines_are_listed(accord: Accord) -> None:
    # the shipped first loan (0.188115) is the figure before: 0.5 moves 166 % from it
    measure(accord, "edcf", "0.5", "--period", "2026-01-01", "--source", "EXIM annual report", "--force")
    data = progress_json(accord)
    edcf = target_of(data, "edcf")
    # 0.5 signed in 731 days since 2024-01-01; 2556 days to the deadline; 1825 days left
    pace = D("0.5") / 731 * D("365.2425")
    projection = D("0.5") / 731 * 2556
    needed = D("1.5") / (D(1825) / D("365.2425"))
    assert edcf["latest"] == "0.5"
    assert edcf["period"] == "2026-01-01"
    assert edcf["percent"] == "25.0"
    assert edcf["elapsed"] == q(EDCF_ELAPSED * 100, "0.1") == "49.9"
    assert edcf["trend"] == q(pace, "0.01") == "0.25"
    assert edcf["projection"] == q(projection, "0.01") == "1.75"
    assert edcf["still_needed"] == q(needed, "0.01") == "0.30"
    assert edcf["still_needed_unit"] == "billion USD per year"
    assert edcf["verdict"] != "no data"
    assert edcf["verdict"] == expected_verdict(projection, D(2)) == "off track"  # 1.748 is 87.4 % of 2

    upcoming = {d["id"]: d for d in data["upcoming"]}
    assert upcoming["18.3"] == {
        "id": "18.3",
        "title": "Coordinate to host a successful APEC summit in Vietnam",
        "due": "2027-12-31",
        "days_left": 184,  # 30 Jun -> 31 Dec 2027: 31 (Jul) + 31 + 30 + 31 + 30 + 31 (Dec)
        "left": "6 m 4 d",  # 184 = 6 * 30 + 4
        "status": "not_started",
    }
    # the commitments measured by targets are not listed again as deadlines
    assert not {"4.5", "9.1", "9.2"} & set(upcoming)
    assert [d["due"] for d in data["upcoming"]] == sorted(d["due"] for d in data["upcoming"])

    table = accord("progress", "--today", TODAY)
    assert table.code == 0
    edcf_line = next(line for line in table.stdout.splitlines() if line.strip().startswith("edcf"))
    assert "off track" in edcf_line
    apec = next(line for line in table.stdout.splitlines() if line.strip().startswith("18.3"))
    for cell in ("2027-12-31", "6 m 4 d", "not_started"):
        assert cell in apec


def test_the_deadlines_show_the_commitments_current_status(accord: Accord) -> None:
    assert accord("set", "18.3", "in_progress").code == 0
    upcoming = {d["id"]: d for d in progress_json(accord)["upcoming"]}
    assert upcoming["18.3"]["status"] == "in_progress"
    md = accord("progress", "--format", "md", "--today", TODAY).stdout
    row = "| 18.3 | 2027-12-31 | 6 m 4 d | in_progress | Coordinate to host a successful APEC summit in Vietnam |"
    assert row in md.splitlines()

    assert accord("set", "18.3", "completed").code == 0
    assert "18.3" not in {d["id"] for d in progress_json(accord)["upcoming"]}


# -- --today ---------------------------------------------------------------------------------------


def test_today_fixes_the_date_of_the_computation(accord: Accord) -> None:
    data = progress_json(accord, today=TODAY)
    assert target_of(data, "trade")["elapsed"] == "35.0"  # 689 / 1969
    assert target_of(data, "edpf")["elapsed"] == "49.9"  # same dates as edcf
    assert target_of(data, "edcf")["elapsed"] == "49.9"  # 1276 / 2556

    # 2024-01-01 -> 2026-01-01 is 731 days: 731 / 2556 = 28.6 %
    earlier = progress_json(accord, today="2026-01-01")
    assert target_of(earlier, "edcf")["elapsed"] == q(D(731) / D(2556) * 100, "0.1") == "28.6"
    # 2025-08-10 -> 2026-01-01: 21 + 30 + 31 + 30 + 31 + 1 = 144 days of 1969
    assert target_of(earlier, "trade")["elapsed"] == q(D(144) / D(1969) * 100, "0.1") == "7.3"
    # 18.3 is 2026-01-01 -> 2027-12-31 = 365 + 364 = 729 days ahead
    assert {d["id"]: d["days_left"] for d in earlier["upcoming"]}["18.3"] == 729

    before = progress_json(accord, today="2020-01-01")
    after = progress_json(accord, today="2040-01-01")
    assert {t["elapsed"] for t in before["targets"]} == {"0.0"}
    assert {t["elapsed"] for t in after["targets"]} == {"100.0"}
    assert target_of(after, "trade")["verdict"] == "off track"  # deadline passed, 94.5 < 150

    table = accord("progress", "--today", "2026-01-01")
    assert "Progress toward the targets, 2026-01-01" in table.stdout


@pytest.mark.parametrize("bad", ["2027-02-30", "30-06-2027", "tomorrow"])
def test_a_bad_today_is_a_usage_error(accord: Accord, bad: str) -> None:
    out = accord("progress", "--today", bad)
    assert out.code == 2
    assert "--today" in out.stderr


def test_todays_deadlines_follow_a_file_edited_behind_the_index(accord: Accord) -> None:
    # Without --today the deadlines come from the index: it must never show a stale due date.
    def upcoming(*flags: str) -> tuple[str, dict[str, Any]]:
        out = succeeded(accord(*flags, "progress", "--format", "json"))
        return out, {d["id"]: d for d in parse_json(out)["upcoming"]}

    assert accord("set", "18.3", "in_progress", "--party", "vietnam").code == 0
    _, before = upcoming()
    assert before["18.3"]["due"] == "2027-12-31"
    assert before["18.3"]["parties"] == {"vietnam": "in_progress", "korea": "not_started"}

    path = accord.records / "articles" / "18.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("due: '2027-12-31'", "due: '2028-06-30'"), encoding="utf-8")
    out, after = upcoming()
    assert after["18.3"]["due"] == "2028-06-30"
    assert out == upcoming("--no-cache")[0]
