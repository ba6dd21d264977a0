"""Internal notes and the public report and export: a note marked internal, and the name of every
officer who made a change, never reach a public output, in any format; officers still read both."""

from __future__ import annotations

import html
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import Accord
from helpers import assert_refused, assert_untouched, snapshot, succeeded

SECRET = "Zqxsecret"  # in every internal note and internal evidence link
OFFICER = "Officer Quillfeather"  # makes every change
LEFT_OUT = "Internal notes and officers' names are left out."
PUBLIC_NOTE = "Negotiations reopened in public session"


def change(accord: Accord, *args: str) -> None:
    succeeded(accord(*args, "--no-commit", user=OFFICER))


@pytest.fixture
def noted(accord: Accord) -> Accord:
    """The records after a day of changes: internal notes, internal evidence, one public note."""
    change(accord, "note", "4.3", f"{SECRET} budget line not yet approved", "--internal")
    change(
        accord, "set", "4.5", "stalled", "--note", f"{SECRET}: the minister hesitates",
        "--evidence", f"https://intranet.example/{SECRET}/minutes", "--internal",
    )  # fmt: skip
    change(accord, "set", "4.2", "in_progress", "--note", PUBLIC_NOTE)
    change(accord, "edit", "4.2", "--owner", "Trade desk")
    return accord


def outputs(accord: Accord, tmp_path: Path, *public: str) -> dict[str, tuple[str, str]]:
    """Every report and export format, as (the text a reader gets, what was said on stderr);
    a workbook as the text of all its cells, in every sheet, and the raw XML of its parts."""
    made: dict[str, tuple[str, str]] = {}
    for fmt in ("md", "html", "json"):
        path = tmp_path / f"report{''.join(public)}.{fmt}"
        done = accord("report", "--format", fmt, "-o", str(path), *public)
        assert done.code == 0, done.stderr
        made[f"report {fmt}"] = (path.read_bytes().decode("utf-8"), done.stderr)
    for fmt in ("csv", "json"):
        done = accord("export", "--format", fmt, *public)
        assert done.code == 0, done.stderr
        made[f"export {fmt}"] = (done.stdout, done.stderr)
    path = tmp_path / f"export{''.join(public)}.xlsx"
    done = accord("export", "--format", "xlsx", "-o", str(path), *public)
    assert done.code == 0, done.stderr
    book = openpyxl.load_workbook(path)
    cells = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    with zipfile.ZipFile(path) as archive:
        raw = [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    made["export xlsx"] = ("\n".join(cells + raw), done.stderr)
    return made


def test_no_public_output_holds_an_internal_note_or_an_officers_name(noted: Accord, tmp_path: Path) -> None:
    inside = outputs(noted, tmp_path)
    for name, (text, _) in inside.items():  # the records do hold both, where each format carries them
        assert OFFICER in text, name
        assert SECRET in text, name  # the export holds no note, but the latest evidence link
    public = outputs(noted, tmp_path, "--public")
    for name, (text, said) in public.items():
        assert SECRET.casefold() not in text.casefold(), name
        assert "quillfeather" not in text.casefold(), name
        assert LEFT_OUT in html.unescape(text) or LEFT_OUT in said, name  # every public output says what it leaves out
    for name in ("report md", "report html", "report json"):
        assert PUBLIC_NOTE in public[name][0], name  # a public note stays, and so does the change
        assert "stalled" in public[name][0], name
    assert "Trade desk" in public["export csv"][0]  # an owner is a desk, not a person: it stays
    assert json.loads(public["report json"][0])["left_out"] == LEFT_OUT
    assert json.loads(public["export json"][0])["left_out"] == LEFT_OUT
    assert public["export csv"][1].strip() == LEFT_OUT  # a CSV file has no place for it: stderr says it


def test_officers_see_internal_notes_marked_as_internal(noted: Accord) -> None:
    shown = succeeded(noted("show", "4.5"))
    assert f"(internal) {SECRET}: the minister hesitates" in shown
    assert f"(internal) https://intranet.example/{SECRET}/minutes" in shown
    logged = json.loads(succeeded(noted("log", "--format", "json")))
    notes = {e["id"]: e["note"] for e in logged}
    assert notes["4.3"] == f"(internal) {SECRET} budget line not yet approved"
    assert notes["4.2"] == PUBLIC_NOTE
    report = succeeded(noted("report"))
    assert f"(internal) {SECRET} budget line" in report and f"| {PUBLIC_NOTE} |" in report
    events = json.loads(succeeded(noted("report", "--format", "json")))["events"]
    assert {e["id"]: e["internal"] for e in events if e["note"]} == {"4.3": True, "4.5": True, "4.2": False}


def test_a_statement_can_make_every_note_internal_unless_said_public(accord: Accord, records: Path) -> None:
    statement = records / "statement.yaml"
    statement.write_text(statement.read_text("utf-8") + "notes_internal_by_default: true\n", "utf-8")
    change(accord, "note", "4.3", f"{SECRET} from note")
    change(accord, "set", "4.5", "in_progress", "--note", f"{SECRET} from set")
    change(accord, "edit", "4.2", "--due", "2030-01-01", "--note", f"{SECRET} from edit")
    change(accord, "side", "4.5", "vietnam", "--note", f"{SECRET} from side")
    change(accord, "note", "4.3", PUBLIC_NOTE, "--public")
    public = succeeded(accord("report", "--public"))
    assert SECRET not in public and PUBLIC_NOTE in public
    events = json.loads(succeeded(accord("report", "--format", "json")))["events"]
    internal = {e["note"].rpartition(" ")[2]: e["internal"] for e in events}
    assert internal == {"note": True, "set": True, "edit": True, "side": True, "session": False}


def test_a_bad_default_in_the_statement_is_refused_by_name(accord: Accord, records: Path) -> None:
    statement = records / "statement.yaml"
    statement.write_text(statement.read_text("utf-8") + "notes_internal_by_default: perhaps\n", "utf-8")
    before = snapshot(records)
    message = assert_refused(accord("note", "4.3", "a note", "--no-commit"), "statement.yaml")
    assert "notes_internal_by_default" in message
    assert_untouched(records, before)


@pytest.mark.parametrize("args", [("set", "4.5", "stalled", "--internal"), ("set", "4.5", "stalled", "--public")])
def test_internal_without_a_note_is_refused(accord: Accord, records: Path, args: tuple[str, ...]) -> None:
    before = snapshot(records)
    assert_refused(accord(*args, "--no-commit"), "note")
    assert_untouched(records, before)


def test_a_withdrawn_internal_note_leaves_no_trace_in_the_public_report(accord: Accord) -> None:
    change(accord, "note", "4.3", f"{SECRET} sent to the wrong desk", "--internal")
    succeeded(accord("undo", "--no-commit", user=OFFICER))
    for fmt in ("md", "json"):
        public = succeeded(accord("report", "--public", "--format", fmt))
        assert SECRET not in public and not re.search("quillfeather", public, re.IGNORECASE)


def hand_written(records: Path, *event: str) -> tuple[Path, list[str]]:
    """Article 4 with one event written into its history by hand; the file and its lines."""
    path = records / "articles" / "4.yaml"
    lines = ["history:", "- at: '2026-01-05T10:00:00.000000Z'", "  by: Desk", "  id: '4.5'", *(f"  {e}" for e in event)]
    path.write_text(path.read_text("utf-8").replace("history: []", "\n".join(lines)), "utf-8")
    return path, path.read_text("utf-8").splitlines()


def test_validate_names_a_hand_written_internal_flag_on_an_event_with_nothing_internal(
    accord: Accord, records: Path
) -> None:
    path, lines = hand_written(
        records, "field: status", "old: not_started", "new: not_started", "internal: true"
    )  # a status re-asserted: nothing else is wrong with it
    done = accord("validate")
    line = lines.index("  internal: true") + 1
    assert done.code == 1
    assert done.stderr.splitlines() == [
        f"{path}:{line}: internal: true on an event with neither a note nor evidence",
        "1 problem found",
    ]


def test_validate_accepts_every_internal_flag_accord_itself_writes(accord: Accord) -> None:
    change(accord, "set", "1.1", "completed", "--party", "korea", "--note", "Signed", "--internal")
    change(accord, "set", "1.1", "stalled", "--evidence", "https://example.org/x", "--internal")  # one event per party
    change(accord, "note", "4.3", "Budget line", "--internal")
    change(accord, "edit", "4.3", "--owner", "Trade desk")
    done = accord("validate")
    assert done.code == 0, done.stdout + done.stderr
