"""What has gone quiet and what is due for review: `list --stale SPAN`, `set --review-by DATE`,
`list --due-review`, and the report's attention part that lists both, with the status changes of
the period that came without evidence.

Changes are recorded on past days by setting the clock accord stamps events with.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from accord import changes
from conftest import Accord
from helpers import assert_refused, assert_untouched, snapshot, succeeded
from support import commitment_ids
from test_changes import clock

TODAY = datetime.now(UTC).date()
CLOSED = ("completed", "dropped")


def at(accord: Accord, monkeypatch: pytest.MonkeyPatch, day: date, *args: str) -> None:
    """Record a change as if made at noon (UTC) on `day`."""
    with monkeypatch.context() as patch:
        patch.setattr(changes, "datetime", clock(datetime.combine(day, time(12), tzinfo=UTC)))
        succeeded(accord(*args, "--no-commit"))


def ids(accord: Accord, *args: str) -> list[str]:
    return succeeded(accord("list", *args, "--format", "ids")).split()


def open_ids(records: Path) -> list[str]:
    return commitment_ids(records, lambda article, commitment: commitment.get("status") not in CLOSED)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


# -- stale -----------------------------------------------------------------------------------


def test_stale_lists_open_commitments_without_a_change_or_note_in_the_span(
    accord: Accord, records: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    quiet = open_ids(records)
    at(accord, monkeypatch, ago(70), "note", "4.5", "Asked the ministry")  # before the span: still stale
    at(accord, monkeypatch, ago(56), "note", "4.2", "Talks held")  # the span's first day: not stale
    at(accord, monkeypatch, ago(57), "note", "4.3", "Talks planned")  # the day before it: stale
    at(accord, monkeypatch, ago(20), "set", "4.4", "completed")  # closed: never stale
    at(accord, monkeypatch, ago(1), "set", "3.4", "in_progress", "--on", ago(400).isoformat())  # looked at lately
    expected = [i for i in quiet if i not in ("4.2", "4.4", "3.4")]
    assert ids(accord, "--stale", "8w") == expected
    assert ids(accord, "--stale", "56d") == expected
    assert "4.5" not in ids(accord, "--stale", "3m")  # 70 days ago is within three months
    assert "4.3" in ids(accord, "--stale", "1m") and "4.3" not in ids(accord, "--stale", "2m")
    # combined with the other filters, as every filter is
    section = ids(accord, "--section", "2")
    assert ids(accord, "--stale", "8w", "--section", "2") == [i for i in expected if i in section]


def test_an_article_is_stale_only_when_it_and_its_commitments_are(
    accord: Accord, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = ids(accord, "--articles")
    at(accord, monkeypatch, ago(3), "note", "4.5", "A word on one commitment")
    stale = ids(accord, "--articles", "--stale", "2w")
    assert "4" not in stale and "3" in stale
    assert len(stale) == len(everything) - 1


def test_articles_stale_or_due_for_review_read_alike_through_the_index_and_from_the_files(
    accord: Accord, records: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An article's own review date and the day it (or one of its commitments) was last touched come
    from what the index keeps of its history; whatever is written by hand in the files, the lists
    are those of reading every file (`--no-cache`)."""
    at(accord, monkeypatch, ago(30), "set", "4", "in_progress", "--review-by", ago(5).isoformat())
    at(accord, monkeypatch, ago(3), "note", "4.5", "A word on one commitment")

    def listed() -> dict[tuple[str, ...], str]:
        lists = {}
        for args in (("--stale", "2w"), ("--stale", "8w"), ("--due-review",)):
            for fmt in ("table", "json", "csv", "ids"):
                asked = ("list", "--articles", *args, "--format", fmt)
                lists[(*args, fmt)] = succeeded(accord("--no-cache", *asked))
                assert succeeded(accord(*asked)) == lists[(*args, fmt)], asked
                assert succeeded(accord(*asked)) == lists[(*args, fmt)], asked  # and from a warm index
        return lists

    before = listed()
    assert before[("--due-review", "ids")] == "4\n"
    assert "4" not in before[("--stale", "2w", "ids")].split() and "3" in before[("--stale", "2w", "ids")].split()
    assert "4" not in before[("--stale", "8w", "ids")].split()
    four, three = records / "articles" / "4.yaml", records / "articles" / "3.yaml"
    review_set = re.findall(r"^- at: '([^']+)'\n  by: [^\n]+\n  id: '4'$", four.read_text("utf-8"), re.M)
    assert len(review_set) == 1
    undo = f"- at: '{ago(1).isoformat()}T09:00:00.000000Z'\n  by: Desk\n  id: '4'\n  undoes: '{review_set[0]}'\n"
    four.write_text(four.read_text("utf-8") + undo, "utf-8")  # the review date taken back by hand
    elsewhere = f"history:\n- at: '{ago(1).isoformat()}T09:00:00.000000Z'\n  by: Desk\n  id: '4.5'\n  note: misfiled\n"
    three.write_text(three.read_text("utf-8").replace("history: []\n", elsewhere), "utf-8")  # not 3's own event
    after = listed()
    assert after[("--due-review", "ids")] == ""
    assert "3" in after[("--stale", "2w", "ids")].split()


@pytest.mark.parametrize("span", ["8", "8y", "-1w", "0w", "w", "", "1.5w", "99999999w", "1000000m", "8 w s"])
def test_a_span_that_is_not_one_is_refused_by_name(accord: Accord, span: str) -> None:
    assert_refused(accord("list", "--stale", span), "--stale")


def test_the_report_counts_as_unchanged_what_list_counts_as_stale(
    accord: Accord, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(accord, monkeypatch, ago(120), "set", "4.5", "in_progress")
    at(accord, monkeypatch, ago(91), "note", "4.2", "Met")
    at(accord, monkeypatch, ago(90), "note", "4.3", "Met again")
    at(accord, monkeypatch, ago(100), "set", "4.4", "dropped")
    attention = json.loads(succeeded(accord("report", "--format", "json")))["attention"]
    unchanged = [row["id"] for row in attention["unchanged"]]
    assert unchanged == ["4.2", "4.5"]
    never = [i for i in ids(accord, "--stale", "90d") if i not in unchanged]
    assert attention["never_updated"] == len(never)  # the rest never had a change: counted, not listed


def test_report_stale_sets_the_span_of_its_unchanged_list_as_list_stale_does(
    accord: Accord, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(accord, monkeypatch, ago(20), "note", "4.5", "Asked the ministry")
    at(accord, monkeypatch, ago(14), "note", "4.2", "Met")  # the span's first day: not unchanged
    at(accord, monkeypatch, ago(15), "note", "4.3", "Met again")  # the day before it: unchanged
    attention = json.loads(succeeded(accord("report", "--stale", "2w", "--format", "json")))["attention"]
    unchanged = [row["id"] for row in attention["unchanged"]]
    assert unchanged == ["4.3", "4.5"]
    assert attention["stale_after_days"] == 14
    assert "### No update in 14 days (2)" in succeeded(accord("report", "--stale", "14d"))
    default = json.loads(succeeded(accord("report", "--format", "json")))["attention"]
    assert default["unchanged"] == [] and default["stale_after_days"] == 90


def test_report_stale_counts_months_back_from_the_reports_today(accord: Accord) -> None:
    out = succeeded(accord("report", "--today", "2026-05-31", "--stale", "3m", "--format", "json"))
    assert json.loads(out)["attention"]["stale_after_days"] == (date(2026, 5, 31) - date(2026, 2, 28)).days


@pytest.mark.parametrize("span", ["8", "0w", "1.5w", "1000000m"])
def test_report_refuses_a_stale_span_that_is_not_one(accord: Accord, records: Path, span: str) -> None:
    before = snapshot(records)
    assert_refused(accord("report", "--stale", span), "--stale")
    assert_untouched(records, before)


# -- review dates ----------------------------------------------------------------------------


def test_a_review_date_set_with_a_status_comes_due_on_its_day(accord: Accord, records: Path) -> None:
    succeeded(accord("set", "4.5", "stalled", "--review-by", TODAY.isoformat(), "--no-commit"))
    succeeded(accord("set", "4.2", "in_progress", "--review-by", ago(-1).isoformat(), "--no-commit"))
    succeeded(accord("set", "4.3", "in_progress", "--review-by", ago(30).isoformat(), "--no-commit"))
    assert ids(accord, "--due-review") == ["4.3", "4.5"]
    assert ids(accord, "--due-review", "--status", "stalled") == ["4.5"]
    # a later change without a review date keeps the one set before
    succeeded(accord("note", "4.3", "Still waiting", "--no-commit"))
    succeeded(accord("set", "4.3", "ongoing", "--no-commit"))
    assert ids(accord, "--due-review") == ["4.3", "4.5"]
    attention = json.loads(succeeded(accord("report", "--format", "json")))["attention"]
    assert [(r["id"], r["review_by"]) for r in attention["due_review"]] == [
        ("4.3", ago(30).isoformat()),
        ("4.5", TODAY.isoformat()),
    ]
    assert f"4.5 status: not_started -> stalled (review by {TODAY.isoformat()})" in succeeded(accord("show", "4.5"))
    assert "### Due for review (2)" in succeeded(accord("report"))


def test_a_review_date_is_withdrawn_by_none_by_undo_and_moved_by_a_new_one(accord: Accord) -> None:
    succeeded(accord("set", "4.5", "stalled", "--review-by", ago(5).isoformat(), "--no-commit"))
    succeeded(accord("set", "4.5", "stalled", "--review-by", "None", "--no-commit"))
    assert ids(accord, "--due-review") == []
    succeeded(accord("set", "4.5", "stalled", "--review-by", ago(5).isoformat(), "--no-commit"))
    assert ids(accord, "--due-review") == ["4.5"]
    succeeded(accord("set", "4.5", "stalled", "--review-by", ago(-30).isoformat(), "--no-commit"))
    assert ids(accord, "--due-review") == []  # moved to later: not due yet
    succeeded(accord("undo", "--no-commit"))
    assert ids(accord, "--due-review") == ["4.5"]  # the move undone: due again


def test_the_review_date_lives_in_the_appended_event(accord: Accord, records: Path) -> None:
    before = (records / "articles" / "4.yaml").read_text("utf-8")
    succeeded(accord("set", "4.5", "stalled", "--review-by", "2027-01-15", "--no-commit"))
    after = (records / "articles" / "4.yaml").read_text("utf-8")
    head, _, appended = after.partition("history:")
    assert before.startswith(head.replace("status: stalled", "status: not_started", 1))
    assert "review_by: '2027-01-15'" in appended or "review_by: 2027-01-15" in appended


@pytest.mark.parametrize("value", ["2027-02-30", "soon", "15-01-2027", "", "nonee"])
def test_a_bad_review_date_changes_nothing(accord: Accord, records: Path, value: str) -> None:
    before = snapshot(records)
    assert_refused(accord("set", "4.5", "stalled", "--review-by", value, "--no-commit"), "--review-by")
    assert_untouched(records, before)


def test_a_hand_written_review_date_that_is_not_one_is_named_by_file_and_field(
    accord: Accord, records: Path
) -> None:
    path = records / "articles" / "4.yaml"
    text = path.read_text("utf-8").replace(
        "history: []", "history:\n- at: '2026-01-05T10:00:00.000000Z'\n  by: Desk\n  id: '4.5'\n  review_by: tomorrow"
    )
    path.write_text(text, "utf-8")
    done = accord("list", "--due-review")
    assert done.code == 2 and "Traceback" not in done.stderr
    assert re.fullmatch(r".*4\.yaml:\d+: history\[0\]\.review_by: .*'tomorrow' is not a date.*\n", done.stderr)


# -- the report's status changes without evidence --------------------------------------------


def test_the_report_lists_status_changes_of_the_period_without_evidence(accord: Accord) -> None:
    succeeded(accord("set", "4.5", "stalled", "--no-commit"))
    succeeded(accord("set", "4.2", "in_progress", "--evidence", "https://example.org/minutes", "--no-commit"))
    succeeded(accord("note", "4.3", "A note is no status change", "--no-commit"))
    succeeded(accord("edit", "4.4", "--owner", "Trade desk", "--no-commit"))
    succeeded(accord("set", "3.4", "stalled", "--no-commit"))
    succeeded(accord("undo", "--no-commit"))  # a slip taken back within the period is no change
    attention = json.loads(succeeded(accord("report", "--format", "json")))["attention"]
    assert [row["id"] for row in attention["without_evidence"]] == ["4.5"]
    assert "### Status changes in the period without evidence (1)" in succeeded(accord("report"))


def test_validate_names_a_review_date_written_by_hand_on_an_event_that_sets_no_status(
    accord: Accord, records: Path
) -> None:
    path = records / "articles" / "4.yaml"
    event = "- at: '2026-01-05T10:00:00.000000Z'\n  by: Desk\n  id: '4.5'\n  note: Asked\n  review_by: '2027-01-05'"
    path.write_text(path.read_text("utf-8").replace("history: []", f"history:\n{event}"), "utf-8")
    line = path.read_text("utf-8").splitlines().index("  review_by: '2027-01-05'") + 1
    done = accord("validate")
    assert done.code == 1
    assert done.stderr.splitlines() == [
        f"{path}:{line}: review_by on an event that changes no field, not a status",
        "1 problem found",
    ]
    succeeded(accord("set", "4.2", "stalled", "--review-by", "2027-01-05", "--no-commit"))
    succeeded(accord("set", "4.2", "stalled", "--review-by", "none", "--no-commit"))
    succeeded(accord("undo", "--no-commit"))
    assert accord("validate").stderr == done.stderr  # what accord writes passes
