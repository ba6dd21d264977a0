"""`accord export`: one flat row per commitment, for a spreadsheet, with nothing in it that runs."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from conftest import Accord, run_accord
from support import commitments

HEADER = [
    "article", "id", "section", "section_title", "side", "kind", "asked_by", "status", "status_vietnam",
    "status_korea", "owner", "due", "review_by", "tags", "last_change", "changed_by", "evidence", "title",
]  # fmt: skip
OWNER, DUE = HEADER.index("owner"), HEADER.index("due")
FORMULA = '=HYPERLINK("http://evil.example","x")'


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def first_sheet(path: Path) -> Worksheet:
    sheet = openpyxl.load_workbook(path).active
    assert isinstance(sheet, Worksheet)
    return sheet


def test_one_row_per_commitment(accord: Accord, records: Path) -> None:
    done = accord("export")
    assert done.code == 0, done.stderr
    assert done.stdout.splitlines()[0].split(",") == HEADER
    rows = csv_rows(done.stdout)
    expected = [(a["id"], c["id"], c["status"], c["side"], c.get("due", "")) for a, c in commitments(records)]
    assert [(r["article"], r["id"], r["status"], r["side"], r["due"]) for r in rows] == expected
    assert len(rows) == 123


def test_the_last_change_who_made_it_and_its_evidence(accord: Accord) -> None:
    assert (
        accord("set", "4.5", "in_progress", "--evidence", "https://example.org/minutes", "--by", "Le Van A").code == 0
    )
    assert accord("note", "4.5", "Second round", "--by", "Kim Min-ji").code == 0
    assert accord("set", "9.1", "stalled", "--on", "2026-01-15").code == 0
    rows = {r["id"]: r for r in csv_rows(accord("export").stdout)}
    assert rows["4.5"]["status"] == "in_progress"
    assert rows["4.5"]["changed_by"] == "Kim Min-ji"
    assert rows["4.5"]["evidence"] == "https://example.org/minutes"  # the latest evidence, though the note had none
    assert rows["4.5"]["last_change"] == date.today().isoformat()
    assert (rows["9.1"]["last_change"], rows["9.1"]["changed_by"]) == ("2026-01-15", "Officer One")  # when it happened
    assert (rows["4.4"]["last_change"], rows["4.4"]["changed_by"], rows["4.4"]["evidence"]) == ("", "", "")


def test_csv_byte_order_mark_only_when_asked(accord: Accord) -> None:
    plain = accord("export", "-o", "-")
    assert not plain.stdout.startswith("\ufeff")
    marked = accord("export", "--bom")
    assert marked.stdout.startswith("\ufeff") and marked.stdout[1:] == plain.stdout


def test_json_holds_the_same_rows(accord: Accord) -> None:
    rows = json.loads(accord("export", "-f", "json").stdout)
    assert [r["id"] for r in rows] == [r["id"] for r in csv_rows(accord("export").stdout)]
    assert set(rows[0]) == set(HEADER)
    assert isinstance(rows[0]["tags"], list) and isinstance(rows[0]["section"], int)


def test_a_formula_never_runs_in_csv_or_xlsx(accord: Accord, tmp_path: Path) -> None:
    assert accord("edit", "4.5", "--owner", FORMULA).code == 0
    assert accord("edit", "4.4", "--owner", "@SUM(1+1)").code == 0
    rows = {r["id"]: r for r in csv_rows(accord("export").stdout)}
    assert rows["4.5"]["owner"] == "'" + FORMULA and rows["4.4"]["owner"] == "'@SUM(1+1)"
    out = tmp_path / "c.xlsx"
    assert accord("export", "-f", "xlsx", "-o", str(out)).code == 0
    sheet = first_sheet(out)
    owners = {row[1].value: row[OWNER] for row in sheet.iter_rows(min_row=2)}
    assert owners["4.5"].value == FORMULA and owners["4.5"].data_type == "s"  # the text exactly, as text
    assert owners["4.4"].value == "@SUM(1+1)" and owners["4.4"].data_type == "s"


def test_xlsx_has_a_header_real_dates_filters_and_frozen_panes(accord: Accord, tmp_path: Path) -> None:
    assert accord("edit", "4.5", "--owner", "Trade\x1bdesk").code == 0
    out = tmp_path / "e.xlsx"
    done = accord("export", "-f", "xlsx", "-o", str(out))
    assert done.code == 0, done.stderr
    sheet = first_sheet(out)
    header = [c.value for c in sheet[1]]
    assert len(header) == len(HEADER) and header[:2] == ["article", "id"] and header[-1] == "title"
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "C2"
    assert sheet.auto_filter.ref == f"A1:R{sheet.max_row}"
    assert sheet.max_row == 124
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    assert rows["4.5"][DUE].value == datetime(2030, 12, 31)  # a date cell, not text
    due = rows["4.5"][DUE]
    assert isinstance(due, Cell) and due.is_date
    assert rows["4.5"][OWNER].value == "Trade\\x1bdesk"  # a control character, spelled out
    assert rows["4.5"][2].value == 2  # the section as a number


BOTH = "1.1"  # side: both
KOREA_ALONE = "9.3"


def exported(accord: Accord, tmp_path: Path, *args: str) -> dict[str, dict[str, dict[str, str]]]:
    """Each format's rows by id, cells as text ('' for none, dates ISO); the workbook read back,
    its headers (`status korea`) taken as the keys csv and json use (`status_korea`)."""
    made: dict[str, dict[str, dict[str, str]]] = {}
    for fmt in ("csv", "json"):
        done = accord("export", "-f", fmt, *args)
        assert done.code == 0, done.stderr
        found = csv_rows(done.stdout) if fmt == "csv" else json.loads(done.stdout)
        listed = found["commitments"] if isinstance(found, dict) else found
        made[fmt] = {r["id"]: {k: "" if v is None else str(v) for k, v in r.items()} for r in listed}
    out = tmp_path / "e.xlsx"
    assert accord("export", "-f", "xlsx", "-o", str(out), *args).code == 0
    sheet = first_sheet(out)
    keys = [str(c.value).replace(" ", "_") for c in sheet[1]]

    def text(value: object) -> str:
        return "" if value is None else value.date().isoformat() if isinstance(value, datetime) else str(value)

    made["xlsx"] = {
        str(row[1].value): {k: text(c.value) for k, c in zip(keys, row, strict=True)}
        for row in sheet.iter_rows(min_row=2)
    }
    return made


def test_each_partys_status_and_the_review_date_in_every_format(accord: Accord, tmp_path: Path) -> None:
    assert accord("set", BOTH, "completed", "--party", "vietnam").code == 0
    assert accord("set", BOTH, "in_progress", "--party", "korea", "--review-by", "2027-01-15").code == 0
    assert accord("set", KOREA_ALONE, "stalled", "--review-by", "2027-02-01").code == 0
    for fmt, rows in exported(accord, tmp_path).items():
        both = rows[BOTH]
        parties = (both["status"], both["status_vietnam"], both["status_korea"])
        assert parties == ("in_progress", "completed", "in_progress"), fmt
        assert both["review_by"] == "2027-01-15", fmt  # set with one party's status, it is the commitment's
        alone = rows[KOREA_ALONE]
        assert (alone["status"], alone["status_vietnam"], alone["status_korea"]) == ("stalled", "", ""), fmt
        assert alone["review_by"] == "2027-02-01", fmt
        assert (rows["4.5"]["status_vietnam"], rows["4.5"]["status_korea"], rows["4.5"]["review_by"]) == ("", "", "")
    review = {row[1].value: row[HEADER.index("review_by")] for row in first_sheet(tmp_path / "e.xlsx").iter_rows()}
    cell = review[BOTH]
    assert isinstance(cell, Cell) and cell.is_date  # a real date in the workbook


def test_party_cells_empty_once_the_parties_agree_and_a_withdrawn_review_date_goes(
    accord: Accord, tmp_path: Path
) -> None:
    assert accord("set", BOTH, "completed", "--party", "korea", "--review-by", "2027-01-15").code == 0
    assert accord("set", BOTH, "ongoing", "--review-by", "none").code == 0  # every party's, the date withdrawn
    for fmt, rows in exported(accord, tmp_path).items():
        both = rows[BOTH]
        assert (both["status"], both["status_vietnam"], both["status_korea"], both["review_by"]) == (
            "ongoing", "", "", ""
        ), fmt


def test_a_public_export_keeps_statuses_and_review_dates_but_no_officers_name(
    accord: Accord, tmp_path: Path
) -> None:
    assert accord("set", BOTH, "stalled", "--party", "korea", "--review-by", "2027-03-01", "--by", "Le Van A").code == 0
    for fmt, rows in exported(accord, tmp_path, "--public").items():
        both = rows[BOTH]
        parties = (both["status_korea"], both["status_vietnam"], both["review_by"])
        assert parties == ("stalled", "not_started", "2027-03-01"), fmt
        assert "changed_by" not in both and "Le Van A" not in str(rows), fmt
        assert both["last_change"] == date.today().isoformat(), fmt  # when stays; who goes
    about = openpyxl.load_workbook(tmp_path / "e.xlsx")["about"]
    assert about["A1"].value == "Internal notes and officers' names are left out."


def test_xlsx_is_not_written_to_a_terminal(accord: Accord) -> None:
    done = accord("export", "-f", "xlsx")
    assert done.code == 2 and "give -o FILE" in done.stderr and done.stdout == ""


@pytest.mark.parametrize("kind", ["symlink", "folder", "fifo"])
def test_refuses_an_output_that_is_not_a_regular_file(accord: Accord, tmp_path: Path, kind: str) -> None:
    out = tmp_path / "out.csv"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    if kind == "symlink":
        out.symlink_to(victim)
    elif kind == "folder":
        out.mkdir()
    else:
        os.mkfifo(out)
    done = accord("export", "-o", str(out))
    assert done.code == 2
    assert done.stderr.startswith("accord: ") and "not a regular file" in done.stderr
    assert victim.read_text() == "keep"


def test_a_regular_file_is_replaced_whole(accord: Accord, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_text("old content that is longer than nothing\n" * 1000)
    assert accord("export", "-o", str(out)).code == 0
    assert out.read_text("utf-8") == accord("export").stdout


def test_without_openpyxl_xlsx_says_what_to_install(records: Path, tmp_path: Path) -> None:
    hidden = tmp_path / "no-openpyxl" / "openpyxl"
    hidden.mkdir(parents=True)
    (hidden / "__init__.py").write_text("raise ModuleNotFoundError('no openpyxl here', name='openpyxl')\n")
    out = tmp_path / "e.xlsx"
    done = run_accord(
        "export", "-f", "xlsx", "-o", str(out), "--dir", str(records),
        cwd=tmp_path, env={"PYTHONPATH": str(hidden.parent)},
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr == "accord: xlsx needs openpyxl: pip install 'accord[xlsx]'\n"
    assert not out.exists()
