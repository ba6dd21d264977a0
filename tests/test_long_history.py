"""A change to a record with a long history writes the record's fields and appends its events:
the old history's bytes stay exactly as they were, whatever its length. A history that is not as
accord writes it, or that is invalid, is still rewritten, or refused, as any record is."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from conftest import Accord

EVENTS = 2000


def long_history(records: Path, article: str = "4", commitment: str = "4.5") -> Path:
    """Give an article two thousand notes, written the way accord writes events."""
    path = records / "articles" / f"{article}.yaml"
    events = "".join(
        f"- at: '2025-{1 + n // 200:02d}-{1 + n % 28:02d}T10:{n % 60:02d}:00.000000Z'\n"
        f"  by: Officer Two\n  id: '{commitment}'\n  note: week {n}\n"
        for n in range(EVENTS)
    )
    text = path.read_text("utf-8")
    assert text.endswith("history: []\n")
    path.write_text(text.removesuffix("history: []\n") + "history:\n" + events, "utf-8")
    return path


def split(raw: bytes) -> tuple[list[bytes], bytes]:
    head, _, block = raw.partition(b"\nhistory:\n")
    return head.split(b"\n"), block


def test_set_writes_the_changed_field_and_appends_one_event_to_the_old_bytes(accord: Accord) -> None:
    path = long_history(accord.records)
    assert accord("validate").code == 0
    before = path.read_bytes()
    done = accord("set", "4.5", "in_progress", "--note", "Talks held\nin Seoul")
    assert done.code == 0, done.stderr
    after = path.read_bytes()
    old_head, old_block = split(before)
    new_head, new_block = split(after)
    assert new_block.startswith(old_block)  # every old event, byte for byte
    [event] = yaml.safe_load(new_block[len(old_block) :])
    assert {k: event[k] for k in ("by", "id", "field", "old", "new", "note")} == {
        "by": "Officer One", "id": "4.5", "field": "status", "old": "not_started", "new": "in_progress",
        "note": "Talks held\nin Seoul",
    }  # fmt: skip
    changed = [(a, b) for a, b in zip(old_head, new_head, strict=True) if a != b]
    assert changed == [(b"  status: not_started", b"  status: in_progress")]
    assert accord("validate").code == 0
    shown = json.loads(accord("show", "4.5", "--format", "json").stdout)
    assert shown["status"] == "in_progress" and len(shown["history"]) == EVENTS + 1


def test_log_and_undo_work_on_the_appended_history(accord: Accord) -> None:
    path = long_history(accord.records)
    before = path.read_bytes()
    assert accord("set", "4.5", "completed").code == 0
    log = json.loads(accord("log", "4.5", "--format", "json").stdout)
    assert len(log) == EVENTS + 1 and log[0]["new"] == "completed"
    assert accord("undo").code == 0
    after = path.read_bytes()
    assert split(after)[0] == split(before)[0]  # the fields are as they were
    added = yaml.safe_load(split(after)[1][len(split(before)[1]) :])
    assert [(e["old"], e["new"]) for e in added] == [("not_started", "completed"), ("completed", "not_started")]
    assert json.loads(accord("show", "4.5", "--format", "json").stdout)["status"] == "not_started"


def test_a_note_leaves_every_field_and_old_event_as_it_was(accord: Accord) -> None:
    path = long_history(accord.records)
    before = path.read_bytes()
    assert accord("note", "4.5", "Minutes filed").code == 0
    after = path.read_bytes()
    assert after.startswith(before)
    [event] = yaml.safe_load(after[len(before) :])
    assert event["note"] == "Minutes filed" and "field" not in event


def test_a_history_edited_by_hand_is_rewritten_whole_and_keeps_every_event(accord: Accord) -> None:
    """A comment among the events and a field moved by hand: not as accord writes it, so the
    change writes the whole record in its own form, losing no event."""
    path = long_history(accord.records)
    text = path.read_text("utf-8")
    text = text.replace("  note: week 1000\n", "  note: week 1000\n# checked in the meeting\n")
    flow = "- {at: '2025-01-01T09:00:00Z', by: Officer Three, id: '4.5', note: flow}\n"
    text = text.replace("history:\n", "history:\n" + flow)
    path.write_text(text, "utf-8")
    assert accord("set", "4.5", "ongoing").code == 0
    assert accord("validate").code == 0
    history = json.loads(accord("show", "4.5", "--format", "json").stdout)["history"]
    assert len(history) == EVENTS + 2
    assert {"flow", "week 0", "week 1999"} <= {e.get("note") for e in history}
    assert "{at:" not in path.read_text("utf-8")  # written in accord's form again


def test_an_invalid_old_event_is_refused_and_nothing_is_written(accord: Accord) -> None:
    path = long_history(accord.records)
    text = path.read_text("utf-8").replace("  note: week 1500\n", "  note: week 1500\n  field: colour\n")
    path.write_text(text, "utf-8")
    before = path.read_bytes()
    done = accord("set", "4.5", "ongoing")
    assert done.code == 2
    line = text[: text.index("field: colour")].count("\n") + 1
    assert f"4.yaml:{line}" in done.stderr and "history[1500].field" in done.stderr
    assert path.read_bytes() == before
