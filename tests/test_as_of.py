"""`--today DATE` means "as known at the end of that day": a report made again later for a past
week is the same bytes as on that day, and progress counts only the figures recorded by then.

The changes are recorded on several days by setting the clock accord stamps events with.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

import accord as library
from accord import changes
from accord.tracking import figures
from conftest import Accord
from helpers import snapshot
from test_changes import clock

# (moment the change is recorded, command)
DAYS: list[tuple[str, tuple[str, ...]]] = [
    ("2026-11-02T09:00:00", ("set", "4.5", "in_progress", "--note", "Talks opened")),
    ("2026-11-04T10:00:00", ("measure", "trade", "96.1", "--period", "2026", "--source", "KITA preliminary")),
    ("2026-11-10T11:00:00", ("set", "4.2", "completed", "--on", "2026-11-01", "--note", "Signed")),
    ("2026-11-10T11:05:00", ("set", "3.4", "stalled")),  # a slip ...
    ("2026-11-10T11:06:00", ("undo",)),  # ... taken back at once
    ("2026-11-18T08:00:00", ("measure", "trade", "97.0", "--period", "2026", "--source", "KITA, revised")),
    ("2026-11-19T08:00:00", ("set", "18.3", "in_progress")),
]
REPORT_DAYS = ["2026-11-03", "2026-11-08", "2026-11-15", "2026-11-20"]


def record(accord: Accord, monkeypatch: pytest.MonkeyPatch, until: str) -> None:
    """Record every change of DAYS made up to the end of the day `until`."""
    for moment, args in DAYS:
        if moment[:10] > until:
            continue
        with monkeypatch.context() as patch:
            patch.setattr(changes, "datetime", clock(datetime.fromisoformat(moment).replace(tzinfo=UTC)))
            done = accord(*args, "--no-commit")
            assert done.code == 0, (args, done.stderr)


def reports(accord: Accord, day: str) -> dict[str, str]:
    made = {fmt: accord("report", "--today", day, "--format", fmt) for fmt in ("md", "json")}
    assert all(done.code == 0 for done in made.values()), [d.stderr for d in made.values()]
    return {fmt: done.stdout for fmt, done in made.items()}


@pytest.mark.slow
def test_a_past_weeks_report_made_again_later_is_the_same_bytes(
    records: object, accord: Accord, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_the_day: dict[str, dict[str, str]] = {}
    done = ""
    for day in REPORT_DAYS:
        for moment, args in DAYS:
            if done < moment[:10] <= day:
                with monkeypatch.context() as patch:
                    patch.setattr(changes, "datetime", clock(datetime.fromisoformat(moment).replace(tzinfo=UTC)))
                    assert accord(*args, "--no-commit").code == 0, args
        done = day
        on_the_day[day] = reports(accord, day)
    for day in REPORT_DAYS:
        assert reports(accord, day) == on_the_day[day], day


def test_what_was_recorded_later_is_not_counted(
    records: object, accord: Accord, monkeypatch: pytest.MonkeyPatch
) -> None:
    record(accord, monkeypatch, "2026-11-30")
    early = json.loads(accord("report", "--today", "2026-11-03", "--format", "json").stdout)
    # Only 4.5 was known on 3 November: 4.2's completion was recorded on the 10th, back-dated to the 1st.
    assert [c["id"] for c in early["changes"]] == ["4.5"]
    assert early["totals"]["in_progress"] == 1 and early["totals"]["completed"] == 0
    trade = next(t for t in early["targets"] if t["target"] == "trade")
    assert (trade["latest"], trade["period"]) == ("94.5", "2025")  # the shipped figure, known from the start

    progress = json.loads(accord("progress", "trade", "--today", "2026-11-10", "--format", "json").stdout)
    assert (progress["targets"][0]["latest"], progress["targets"][0]["source"]) == ("96.1", "KITA preliminary")
    now = json.loads(accord("progress", "trade", "--format", "json").stdout)
    assert (now["targets"][0]["latest"], now["targets"][0]["source"]) == ("97.0", "KITA, revised")


def test_the_change_list_shows_net_changes_and_agrees_with_the_counts(
    records: object, accord: Accord, monkeypatch: pytest.MonkeyPatch
) -> None:
    record(accord, monkeypatch, "2026-11-30")
    week = json.loads(accord("report", "--since", "2026-11-09", "--today", "2026-11-15", "--format", "json").stdout)
    # 3.4 was set and undone within the period: no change; every event stays in "events".
    assert [c["id"] for c in week["changes"]] == ["4.2"]
    assert sorted(e["id"] for e in week["events"]) == ["3.4", "3.4", "4.2"]
    assert week["attention"]["stalled"] == []
    md = accord("report", "--since", "2026-11-09", "--today", "2026-11-15").stdout
    assert "| 3.4 | status" not in md
    # The back-dated change shows the day it happened and when it was recorded.
    assert "| 4.2 | status: not_started → completed | 2026-11-01 (recorded 2026-11-10 11:00 UTC) |" in md

    # Two corrections of one figure in a period are one change, from the first old value to the last.
    month = json.loads(accord("report", "--since", "4w", "--today", "2026-11-20", "--format", "json").stdout)
    trade = [c for c in month["changes"] if c["id"] == "trade"]
    assert [(c["old"], c["new"]) for c in trade] == [("(none)", "97.0")]
    statuses = [c for c in month["changes"] if c["what"] == "status"]
    # Every status change in the period shows in the counts, and nothing else moved them.
    moved = {s: n for s, n in month["moved"].items() if n}
    assert moved == {"not_started": -3, "in_progress": 2, "completed": 1}
    assert len(statuses) == 3


def test_a_change_back_dated_before_the_period_moves_the_counts_it_is_listed_in(
    records: object, accord: Accord, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(changes, "datetime", clock(datetime(2026, 11, 25, 9, tzinfo=UTC)))
        assert accord("set", "4.2", "completed", "--on", "2025-12-20", "--no-commit").code == 0
    week = json.loads(accord("report", "--today", "2026-11-27", "--format", "json").stdout)
    assert [(c["id"], c["on"]) for c in week["changes"]] == [("4.2", "2025-12-20")]
    assert week["moved"]["completed"] == 1 and week["moved"]["not_started"] == -1
    md = accord("report", "--today", "2026-11-27").stdout
    assert "2025-12-20 (recorded 2026-11-25 09:00 UTC)" in md


def test_a_script_sees_progress_on_a_past_day_as_the_command_line_does(
    records: Path, accord: Accord, monkeypatch: pytest.MonkeyPatch
) -> None:
    record(accord, monkeypatch, "2026-11-30")
    for day in ("2026-11-03", "2026-11-10", "2026-11-20"):
        shown = json.loads(accord("progress", "--today", day, "--format", "json").stdout)
        wanted = [(t["target"], t["latest"], t["source"], t["verdict"]) for t in shown["targets"]]
        upcoming = [d["id"] for d in shown["upcoming"]]
        as_of = date.fromisoformat(day)
        for overview in (library.open(records).progress(as_of), library.open(records, today=as_of).progress()):
            got = json.loads(json.dumps([figures(p) for p in overview.targets], default=str))
            assert [(f["target"], f["latest"], f["source"], f["verdict"]) for f in got] == wanted, day
            assert [d.commitment.id for d in overview.deadlines] == upcoming
    # The 10th knows the preliminary figure only, whichever face asks.
    trade = library.open(records).progress(date(2026, 11, 10), target="trade").targets
    assert [(p.latest.value, p.latest.source) for p in trade if p.latest] == [(Decimal("96.1"), "KITA preliminary")]


@pytest.mark.parametrize("command", [("report",), ("report", "-f", "json"), ("progress",)])
def test_a_hand_written_event_whose_old_value_its_field_cannot_hold_is_named(
    accord: Accord, records: Path, command: tuple[str, ...]
) -> None:
    """A past day replays what an event replaced: an owner written by hand as a number cannot be
    one, and reading the files says so in one line, exit 2, files untouched."""
    _write_owner_event_with_a_number(records)
    before = snapshot(records)
    done = accord("--no-cache", *command, "--today", "2026-11-20")
    assert done.code == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "4.yaml: history: an event of 2026-11-26 10:00 on 4.8 gives owner the value 2026" in done.stderr
    assert snapshot(records) == before


def test_validate_names_an_event_whose_old_value_its_field_cannot_hold(accord: Accord, records: Path) -> None:
    _write_owner_event_with_a_number(records)
    done = accord("validate")
    assert done.code == 1
    assert "4.yaml:91: owner 2026, the value this event replaced, is not one owner can hold" in done.stderr


def _write_owner_event_with_a_number(records: Path) -> None:
    """An owner's change written by hand, its old value a number: no owner is one."""
    article = records / "articles" / "4.yaml"
    text = article.read_text("utf-8")
    assert text.endswith("history: []\n")
    article.write_text(
        text.removesuffix("history: []\n")
        + "history:\n- at: '2026-11-26T10:00:00.000000Z'\n  by: Officer\n  id: '4.8'\n  field: owner\n"
        "  old: 2026\n  new: MOIT\n",
        "utf-8",
    )
