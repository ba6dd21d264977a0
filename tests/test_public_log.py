"""`log --public`: the log as readers outside the ministry may see it. No internal note or its
evidence link and no officer's name reaches it, in any format, and each format says so."""

from __future__ import annotations

import csv
import io
import json

from conftest import Accord
from helpers import succeeded
from test_public import LEFT_OUT, OFFICER, PUBLIC_NOTE, SECRET, change, noted  # noqa: F401 (noted: a fixture)


def public_log(accord: Accord, fmt: str, *args: str) -> tuple[str, str]:
    done = accord("log", "--public", "--format", fmt, *args)
    assert done.code == 0, done.stderr
    return done.stdout, done.stderr


def test_no_public_log_holds_an_internal_note_or_an_officers_name(noted: Accord) -> None:  # noqa: F811
    for fmt in ("table", "csv", "json"):
        inside = succeeded(noted("log", "--format", fmt))
        assert OFFICER.split()[1] in inside and SECRET in inside, fmt  # officers read both
        text, said = public_log(noted, fmt)
        for secret in (SECRET, "quillfeather"):
            assert secret.casefold() not in (text + said).casefold(), fmt


def test_a_public_log_keeps_every_change_and_public_note_without_its_internal_parts(noted: Accord) -> None:  # noqa: F811
    everything = json.loads(succeeded(noted("log", "--format", "json")))
    data = json.loads(public_log(noted, "json")[0])
    assert data["public"] is True and data["left_out"] == LEFT_OUT
    events = data["events"]
    # the internal note on 4.3 goes whole; every other event stays, in the same order
    assert [(e["id"], e["field"]) for e in events] == [
        (e["id"], e["field"]) for e in everything if not (e["id"] == "4.3" and e["field"] == "note")
    ]
    stalled = next(e for e in events if e["id"] == "4.5")
    assert (stalled["new"], stalled["note"], stalled["evidence"]) == ("stalled", None, None)  # the change stays
    assert any(e["note"] == PUBLIC_NOTE for e in events)
    assert all("by" not in e for e in events)


def test_each_form_of_the_public_log_says_what_it_leaves_out(noted: Accord) -> None:  # noqa: F811
    table, said = public_log(noted, "table")
    assert table.startswith(LEFT_OUT) and not said
    text, said = public_log(noted, "csv")
    assert said == f"{LEFT_OUT}\n"  # a csv file has no place for it: stdout stays a clean table
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert "by" not in header and "note" in header and len(rows) == 3  # four changes, the internal note left out
    assert LEFT_OUT not in text


def test_a_withdrawn_internal_note_leaves_no_trace_in_the_public_log(accord: Accord) -> None:
    change(accord, "note", "4.3", f"{SECRET} sent to the wrong desk", "--internal")
    succeeded(accord("undo", "--no-commit", user=OFFICER))
    for fmt in ("table", "csv", "json"):
        text, said = public_log(accord, fmt, "4.3")
        assert SECRET not in text and "quillfeather" not in (text + said).casefold(), fmt


def test_a_public_log_of_one_record_since_a_day_keeps_its_filters(noted: Accord) -> None:  # noqa: F811
    events = json.loads(public_log(noted, "json", "4.2", "--since", "1d")[0])["events"]
    assert [(e["id"], e["field"]) for e in events] == [("4.2", "owner"), ("4.2", "status")]
