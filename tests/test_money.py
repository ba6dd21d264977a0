"""A fund's money by stage, figures in another currency, dates known only in part, and many figures
from a CSV file: through the real command line, on a copy of the records.

Expected figures are worked out here from the rules the README states, not read back from the program.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, Accord, git
from helpers import assert_refused, assert_untouched, parse_json, shown, snapshot, succeeded

D = Decimal
SCALE = {"billion": D(10) ** 9, "million": D(10) ** 6, "thousand": D(10) ** 3, None: D(1)}


def converted(value: str, unit: str | None, rate: str, target_scale: Decimal = SCALE["billion"]) -> Decimal:
    """The README's rule: value x scale / rate / the target's scale, rounded once, half to even, to 10^-6."""
    with localcontext() as ctx:
        ctx.prec = 80
        exact = D(value) * SCALE[unit] / (D(rate) * target_scale)
        return exact.quantize(D("0.000001"), rounding=ROUND_HALF_EVEN)


def signed(accord: Accord, target: str) -> dict[str, dict[str, Any]]:
    """The measurements of a fund's `signed` series, by period."""
    series = {s["name"]: s for s in shown(accord, target)["series"]}
    return {m["period"]: m for m in series["signed"]["measurements"]}


def progress_of(accord: Accord, target: str, *args: str) -> dict[str, Any]:
    data = parse_json(succeeded(accord("progress", target, "--format", "json", *args)))
    found: dict[str, Any] = data["targets"][0]
    return found


KRW = ["--currency", "KRW", "--unit", "billion", "--rate", "1389.315", "--rate-date", "2025-06-30",
       "--rate-source", "Bank of Korea, 30 June 2025"]  # fmt: skip


# -- another currency --------------------------------------------------------------------------------


def test_a_krw_measurement_converts_exactly_and_keeps_both_figures(accord: Accord, records: Path) -> None:
    done = accord("measure", "edpf", "261.351", "--date", "2025-06-30", "--source", "Eximbank", *KRW)
    out = succeeded(done)
    expected = converted("261.351", "billion", "1389.315")
    assert expected == D("0.188115")  # 0.18811500...: the quotient is not exact, the rounding is the rule's
    assert f"edpf signed 2025-06-30: (none) -> {expected}\n" in out
    assert f"edpf signed 2025-06-30: {expected} from KRW 261.351 billion at 1389.315 KRW per unit" in out
    measurement = signed(accord, "edpf")["2025-06-30"]
    assert measurement["value"] == str(expected)
    assert measurement["original"] == {
        "value": "261.351", "currency": "KRW", "unit": "billion", "rate": "1389.315",
        "rate_date": "2025-06-30", "rate_source": "Bank of Korea, 30 June 2025",
    }  # fmt: skip
    written = (records / "targets" / "edpf.yaml").read_text("utf-8")
    assert "    value: 0.188115\n" in written and "      rate: 1389.315\n" in written  # exact, never a float
    figures = progress_of(accord, "edpf")
    assert figures["latest"] == "0.188115"
    assert figures["original"]["text"].startswith("KRW 261.351 billion at 1389.315 KRW per USD of 2025-06-30")
    report = succeeded(accord("report", "--format", "md"))
    assert "Latest 0.188115 billion USD (2025-06-30)" in report
    assert "from KRW 261.351 billion at 1389.315 KRW per USD of 2025-06-30, rate source: Bank of Korea" in report
    assert succeeded(accord("validate")).endswith("all records valid\n")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.0000025", "0.000002"), ("0.0000035", "0.000004"), ("0.0000045", "0.000004"), ("1.5", "1.500000")],
)
def test_the_one_rounding_is_half_to_even(accord: Accord, value: str, expected: str) -> None:
    # a rate of 1 keeps the quotient exact, so that a tie is a tie: half to even, not half up
    args = ["--currency", "EUR", "--unit", "billion", "--rate", "1", "--rate-source", "par, for the test"]
    succeeded(accord("measure", "edpf", value, "--date", "2025-06-30", "--source", "test", *args))
    assert signed(accord, "edpf")["2025-06-30"]["value"] == expected == str(converted(value, "billion", "1"))


def test_a_correction_and_its_undo_bring_back_the_original_currency(accord: Accord) -> None:
    succeeded(accord("measure", "edpf", "261.351", "--date", "2025-06-30", "--source", "Eximbank", *KRW))
    succeeded(accord("measure", "edpf", "0.19", "--date", "2025-06-30", "--source", "Eximbank, in USD"))
    assert "original" not in signed(accord, "edpf")["2025-06-30"]
    succeeded(accord("undo"))
    back = signed(accord, "edpf")["2025-06-30"]
    assert (back["value"], back["original"]["currency"], back["original"]["rate"]) == ("0.188115", "KRW", "1389.315")
    succeeded(accord("undo"))
    assert "2025-06-30" not in signed(accord, "edpf")
    assert succeeded(accord("validate")).endswith("all records valid\n")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--rate", "1389", "--rate-source", "BOK"], "needs the currency the figure is in"),
        (["--currency", "KRW"], "needs the rate it is converted at and the rate's source"),
        (["--currency", "KRW", "--rate", "1389"], "needs the rate it is converted at and the rate's source"),
        (["--currency", "KRW", "--rate", "0", "--rate-source", "BOK"], "the rate 0 must be above zero"),
        (["--currency", "KRW", "--rate", "-5", "--rate-source", "BOK"], "must be above zero"),
        (["--currency", "KRW", "--rate", "abc", "--rate-source", "BOK"], "--rate 'abc' is not a number"),
        (["--currency", "WON!", "--rate", "1389", "--rate-source", "BOK"], "not a three-letter ISO 4217 code"),
        (["--currency", "KRW", "--unit", "lakh", "--rate", "1389", "--rate-source", "BOK"], "unit 'lakh' is not one"),
        (["--currency", "usd", "--rate", "1", "--rate-source", "BOK"], "already in USD"),
        (["--currency", "KRW", "--rate", "1389", "--rate-source", "BOK", "--rate-date", "2999-01-01"], "future"),
        (["--currency", "KRW", "--rate", "1389", "--rate-source", "BOK", "--rate-date", "30/06/2025"], "YYYY-MM-DD"),
    ],
)
def test_a_conversion_that_cannot_be_right_is_refused_and_nothing_changes(
    accord: Accord, records: Path, extra: list[str], message: str
) -> None:
    before = snapshot(records)
    done = accord("measure", "edpf", "261.351", "--date", "2025-06-30", "--source", "Eximbank", *extra)
    assert_refused(done, message)
    assert_untouched(records, before)


def test_validate_names_a_converted_value_its_original_does_not_come_to(accord: Accord, records: Path) -> None:
    path = records / "targets" / "edcf.yaml"
    text = path.read_text("utf-8")
    line = text.splitlines().index("    value: 0.188115") + 1
    path.write_text(text.replace("    value: 0.188115", "    value: 0.19"), "utf-8")
    done = accord("validate")
    assert done.code == 1
    assert f"edcf.yaml:{line}: value 0.19 is not what the original comes to at its rate (0.188115)" in done.stderr


# -- the shipped first EDCF loan, and stages --------------------------------------------------------------


def test_the_first_edcf_loan_is_shown_with_its_inexact_date_and_its_sources(accord: Accord) -> None:
    loan = signed(accord, "edcf")["2024..2025-03-26"]
    assert loan["value"] == str(converted("261.351", "billion", loan["original"]["rate"]))
    assert "laodong.vn article 1360895" in loan["source"] and "en.vietstock.vn, 28 March 2025" in loan["source"]
    assert "188.115 million USD" in loan["original"]["rate_source"]
    figures = progress_of(accord, "edcf")
    assert figures["verdict"] != "no data"
    assert figures["when"] == "between 2024-01-01 and 2025-03-26 (date not exact)"
    out = succeeded(accord("progress", "edcf", env={"COLUMNS": "1000"}))  # a line a stage, unwrapped
    stage_lines = [line for line in out.splitlines() if re.match(r"  (approved|signed|disbursed): ", line)]
    assert [line.split(":")[0].strip() for line in stage_lines] == ["approved", "signed", "disbursed"]
    assert stage_lines[0] == "  approved: no data"
    assert stage_lines[1].startswith(
        "  signed: 0.188115 billion USD (9.4 % of the ceiling), signed between 2024-01-01 and 2025-03-26 "
        "(date not exact); Lao Dong"
    )  # 0.188115 / 2 = 9.4 %
    assert stage_lines[1].endswith("(the verdict rests on it)")
    assert stage_lines[2] == "  disbursed: no data"
    everything = succeeded(accord("progress"))
    assert "edpf: no data at any stage (approved, signed, disbursed); the verdict rests on signed" in everything


def test_each_stage_stands_on_its_own_and_only_the_named_one_moves_the_verdict(accord: Accord) -> None:
    before = progress_of(accord, "edcf")
    done = accord("measure", "edcf", "0.1", "--date", "2026-06-30", "--series", "disbursed", "--source", "EXIM")
    succeeded(done)
    after = progress_of(accord, "edcf")
    for key in ("verdict", "latest", "period", "projection", "series"):
        assert after[key] == before[key], key  # disbursed money is no signed loan
    stages = {s["stage"]: s for s in after["stages"]}
    assert (stages["disbursed"]["latest"], stages["disbursed"]["percent"]) == ("0.1", "5.0")  # 0.1 / 2
    assert (stages["signed"]["latest"], stages["approved"]["latest"]) == ("0.188115", None)
    assert [s["verdict_rests_on_it"] for s in after["stages"]] == [False, True, False]


def test_a_target_may_rest_its_verdict_on_another_stage(accord: Accord, records: Path) -> None:
    path = records / "targets" / "edpf.yaml"
    path.write_text(path.read_text("utf-8").replace("notes:\n", "verdict_stage: disbursed\nnotes:\n", 1), "utf-8")
    assert succeeded(accord("validate")).endswith("all records valid\n")
    out = succeeded(accord("measure", "edpf", "0.2", "--date", "2026-06-30", "--source", "EXIM"))
    assert "edpf disbursed 2026-06-30: (none) -> 0.2" in out  # the stage the verdict rests on, by default
    figures = progress_of(accord, "edpf")
    assert (figures["series"], figures["stage"], figures["latest"]) == ("disbursed", "disbursed", "0.2")
    path.write_text(path.read_text("utf-8").replace("  stage: disbursed\n", "  stage: signed\n"), "utf-8")
    done = accord("validate")
    assert done.code == 1
    assert "stage signed is counted by more than one series" in done.stderr
    assert "no series counts the stage disbursed the verdict rests on" in done.stderr


# -- dates known only in part ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "when", "last_day_days"),
    [
        ("2024-Q3", "in the third quarter of 2024 (date not exact)", 273),  # 2024-01-01 -> 2024-09-30
        ("2024-09", "in September 2024 (date not exact)", 273),
        ("2024", "in 2024 (date not exact)", 365),  # -> 2024-12-31, a leap year
        ("2024-06..2024-Q3", "between 2024-06-01 and 2024-09-30 (date not exact)", 273),
        ("2024-09-30", "2024-09-30", 273),
    ],
)
def test_a_date_known_in_part_counts_at_its_last_day_and_says_so(
    accord: Accord, period: str, when: str, last_day_days: int
) -> None:
    succeeded(accord("measure", "edpf", "0.3", "--date", period, "--source", "EXIM"))
    figures = progress_of(accord, "edpf")
    assert (figures["period"], figures["when"]) == (period, when)
    pace = D("0.3") / last_day_days * D("365.2425")  # the pace since the baseline, per year
    assert figures["trend"] == str(pace.quantize(D("0.01")))
    assert f"(latest: {when}, EXIM)" in succeeded(accord("progress", "edpf"))


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2025-02-30", "2025-02-30 is not a calendar date"),
        ("2025-Q5", "must be a date such as 2026-06-30"),
        ("2025-03..2024", "ends before it begins"),
        ("2024..", "must be a date such as 2026-06-30"),
        ("2023", "ends before the baseline of edpf"),
        ("2999-Q1", "has not begun yet"),
    ],
)
def test_a_part_of_a_date_that_cannot_be_is_refused(accord: Accord, records: Path, period: str, message: str) -> None:
    before = snapshot(records)
    assert_refused(accord("measure", "edpf", "0.3", "--date", period, "--source", "EXIM"), message)
    assert_untouched(records, before)


# -- many figures from a file ------------------------------------------------------------------------------


CSV_GOOD = """target,series,date,value,source,currency,unit,rate,rate_date,rate_source
edpf,signed,2025-Q2,261.351,Eximbank,KRW,billion,1389.315,2025-06-30,Bank of Korea
edpf,disbursed,2025-09-30,0.05,Eximbank,,,,,
edpf,,2026-03-31,0.25,Eximbank,,,,,
"""


def test_a_csv_file_is_one_commit_and_one_undo(repo: Path, tmp_path: Path) -> None:
    accord = Accord(repo / "statement")
    file = tmp_path / "figures.csv"
    file.write_text(CSV_GOOD, "utf-8")
    commits = len(git(repo, "log", "--oneline").splitlines())
    out = succeeded(accord("measure", "--from-csv", str(file)))
    assert out.endswith("committed\n") and out.count("committed") == 1
    assert len(git(repo, "log", "--oneline").splitlines()) == commits + 1
    assert signed(accord, "edpf")["2025-Q2"]["value"] == str(converted("261.351", "billion", "1389.315"))
    assert signed(accord, "edpf")["2026-03-31"]["value"] == "0.25"  # no series: the stage the verdict rests on
    stages = {s["stage"]: s for s in progress_of(accord, "edpf")["stages"]}
    assert stages["disbursed"]["latest"] == "0.05"
    succeeded(accord("undo"))
    assert len(git(repo, "log", "--oneline").splitlines()) == commits + 2
    assert signed(accord, "edpf") == {}
    assert progress_of(accord, "edpf")["verdict"] == "no data"
    assert git(repo, "status", "--porcelain") == ""


HEADER = "target,series,period,value,source"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (f"{HEADER}\nedpf,signed,2025-06-30,0.1,EXIM\nedpf,signed,2025-07-31,abc,EXIM\n",
         "3: value: the figure 'abc' is not a number"),
        (f"{HEADER},colour\nedpf,signed,2025-06-30,0.1,EXIM,red\n", "1: unknown column 'colour'"),
        ("target,period,value\nedpf,2025-06-30,0.1\n", "1: missing column source"),
        ("target,period,date,value,source\nedpf,2025-06-30,2025-06-30,0.1,EXIM\n", "1: has both a period and a date"),
        (f"{HEADER}\nedpf,signed,2025-06-30,0.1,EXIM\nedpf,signed,2025-06-30,0.11,EXIM\n",
         "3: period: 2025-06-30 of series signed is given on line 2 too"),
        (f"{HEADER}\nedpf,signed,2025-06-30,0.1,EXIM\nedpf,signed,2025-02-30,0.1,EXIM\n",
         "3: period: period '2025-02-30': 2025-02-30 is not a calendar date"),
        (f"{HEADER}\nedpf,signed,2023-06-30,0.1,EXIM\n", "2: period: period 2023-06-30 ends before the baseline"),
        (f"{HEADER}\nedpf,signed,2025-06-30,0.1,EXIM\nedpf,signed,2025-07-31,0.9,EXIM\n",
         "3: value: 0.9 moves 800 % from 0.1 (2025-06-30)"),
        (f"{HEADER}\nedpf,korea,2025-06-30,0.1,EXIM\n", "2: series: target edpf has no series 'korea'"),
        (f"{HEADER}\nedpf,signed,2025-06-30,0.1,\n", "2: source: is empty"),
        (f"{HEADER}\nedpf,signed,2025-06-30,0.1\n", "2: has 5 columns in the header but not on this line"),
        (f"{HEADER}\nnosuch,signed,2025-06-30,0.1,EXIM\n", "2: target: no record 'nosuch'"),
        (f"{HEADER}\n4.5,signed,2025-06-30,0.1,EXIM\n", "2: target: 4.5 is not a target"),
        (f"{HEADER},currency,rate\nedpf,signed,2025-06-30,0.1,EXIM,KRW,\n",
         "2: currency: a figure in KRW needs the rate it is converted at"),
        (f"{HEADER},rate\nedpf,signed,2025-06-30,0.1,EXIM,1400\n", "2: currency: is empty, but the row gives a rate"),
        (f"{HEADER},currency,rate,rate_source,rate_date\nedpf,signed,2025-06-30,1,EXIM,KRW,1400,BOK,June\n",
         "2: rate_date: 'June' is not a date"),
        (f"{HEADER},currency,rate,rate_source,rate_date\nedpf,signed,2025-06-30,1,EXIM,KRW,1400,BOK,2025-02-30\n",
         "2: rate_date: '2025-02-30' is not a calendar date"),
        (f"{HEADER}\n", "holds no measurement"),
    ],
)
def test_a_bad_row_names_its_file_line_and_field_and_nothing_is_written(
    accord: Accord, records: Path, tmp_path: Path, text: str, where: str
) -> None:
    file = tmp_path / "figures.csv"
    file.write_text(text, "utf-8")
    before = snapshot(records)
    done = accord("measure", "--from-csv", str(file))
    assert_refused(done, where)
    if where[0].isdigit():
        assert done.stderr.startswith(f"accord: {file}:{where}"), done.stderr
    assert_untouched(records, before)


def test_a_csv_file_that_is_no_text_or_no_file_is_refused(accord: Accord, records: Path, tmp_path: Path) -> None:
    before = snapshot(records)
    binary = tmp_path / "figures.csv"
    binary.write_bytes(b"target,period,value,source\nedpf,2025-06-30,0.1,\xff\xfe\n")
    assert_refused(accord("measure", "--from-csv", str(binary)), f"{binary}: is not UTF-8 text")
    assert_refused(accord("measure", "--from-csv", str(tmp_path / "none.csv")), "none.csv: file not found")
    assert_refused(accord("measure", "--from-csv", str(tmp_path)), str(tmp_path))
    assert_refused(accord("measure", "edpf", "--from-csv", str(binary)), "give no TARGET")
    assert_refused(accord("measure", "edpf", "0.1", "--source", "x"), "measure needs --period")
    assert_untouched(records, before)


def test_a_csv_dry_run_checks_every_row_and_writes_nothing(accord: Accord, records: Path, tmp_path: Path) -> None:
    file = tmp_path / "figures.csv"
    file.write_text(CSV_GOOD, "utf-8")
    before = snapshot(records)
    out = succeeded(accord("measure", "--from-csv", str(file), "--dry-run"))
    assert out.count("would record edpf ") == 3
    assert "would record edpf signed 2025-Q2: (none) -> 0.188115 (source: Eximbank)" in out
    assert_untouched(records, before)


# -- the README's worked example, run as written ---------------------------------------------------------------


README = REPO / "README.md"


def readme_block(marker: str) -> str:
    """The fenced block that follows `<!-- marker -->` in the README."""
    text = README.read_text("utf-8")
    found = re.search(rf"<!-- {re.escape(marker)} -->\n```\w*\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    assert found, f"no block after <!-- {marker} --> in the README"
    return found.group(1)


def test_the_readme_worked_example_prints_what_the_readme_shows(repo: Path) -> None:
    script = "set -e\n" + readme_block("worked example: figures as published")
    shown_lines = readme_block("worked example output: figures as published").splitlines()
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "ACCORD_PAGER": "", "COLUMNS": "100"}
    done = subprocess.run(["bash", "-c", script], cwd=repo, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    printed = " ".join(done.stdout.split())  # the words in order, however the terminal's width wrapped them
    position = 0
    for line in shown_lines:  # every line the README shows, in the order it shows them
        words = " ".join(line.split())
        assert words in printed[position:], (line, done.stdout)
        position = printed.index(words, position) + len(words)
    assert "months.csv" not in git(repo, "status", "--porcelain", "statement")


def test_the_python_api_converts_the_same_and_refuses_a_float_rate(records: Path, accord: Accord) -> None:
    import accord as accord_package

    tracker = accord_package.open(records, actor="Le Van A", commit=False)
    with pytest.raises(TypeError, match="a rate must be a Decimal, an int or a str"):
        tracker.measure("edpf", "261.351", period="2025-06-30", source="EXIM", currency="KRW",
                        rate=1389.315, rate_source="BOK")  # type: ignore[arg-type]  # fmt: skip
    change = tracker.measure(
        "edpf", "261.351", period="2025-06-30", source="EXIM", currency="KRW", unit="billion", rate="1389.315",
        rate_source="BOK",
    )  # fmt: skip
    (event,) = change.events
    assert event.new == converted("261.351", "billion", "1389.315")
    assert event.original is not None and event.original.value == D("261.351")
    assert signed(accord, "edpf")["2025-06-30"]["original"]["rate"] == "1389.315"
