"""Changing records through the command line: set, note, edit, undo, log, who, bad input and git."""

from __future__ import annotations

import csv
import io
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from accord import changes
from conftest import Accord, git, run_accord
from helpers import (
    assert_refused,
    assert_untouched,
    assert_valid,
    history,
    logged,
    outcome,
    shown,
    snapshot,
    succeeded,
)

TOMORROW = (date.today() + timedelta(days=2)).isoformat()


def ids(rows: list[dict[str, object]]) -> list[object]:
    return [row["id"] for row in rows]


def clock(moment: datetime) -> type[datetime]:
    """A `datetime` whose now() is `moment`, to make changes that were recorded in the past."""

    class Frozen(datetime):
        @classmethod
        def now(cls, tz: object = None) -> datetime:  # type: ignore[override]
            return moment

    return Frozen


# -- set -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["In Progress", "in-progress", "IN_PROGRESS", "  in progress "])
def test_set_accepts_status_in_any_case_and_spelling(accord: Accord, typed: str) -> None:
    assert succeeded(accord("set", "4.5", typed)) == "4.5 status: not_started -> in_progress\n"
    data = shown(accord, "4.5")
    assert data["status"] == "in_progress"
    [event] = data["history"]
    assert event["by"] == "Officer One"
    assert (event["id"], event["field"], event["old"], event["new"]) == ("4.5", "status", "not_started", "in_progress")


def test_each_set_appends_exactly_one_event_with_old_and_new(accord: Accord) -> None:
    assert accord("set", "4.5", "in_progress").code == 0
    succeeded(accord("set", "4.5", "completed", "--note", "Signed.", "--evidence", "https://example.org/signed"))
    events = history(accord, "4.5")
    assert [(e["old"], e["new"]) for e in events] == [("not_started", "in_progress"), ("in_progress", "completed")]
    assert events[1]["note"] == "Signed."
    assert events[1]["evidence"] == "https://example.org/signed"
    assert shown(accord, "4.5")["status"] == "completed"
    # Neighbours are untouched.
    assert shown(accord, "4.4")["status"] == "not_started"
    assert history(accord, "4.4") == []
    assert_valid(accord)


def test_setting_the_current_status_again_is_recorded_as_a_re_assertion(accord: Accord) -> None:
    succeeded(accord("set", "4.5", "completed"))

    assert succeeded(accord("set", "4.5", "completed", user="Officer Two")) == "4.5 status: completed (re-asserted)\n"

    events = history(accord, "4.5")
    assert [(e["by"], e["old"], e["new"]) for e in events] == [
        ("Officer One", "not_started", "completed"),
        ("Officer Two", "completed", "completed"),
    ]
    assert shown(accord, "4.5")["status"] == "completed"
    assert_valid(accord)


def test_editing_to_the_current_tag_and_due_date_records_both_again(accord: Accord) -> None:
    out = succeeded(accord("edit", "4.5", "--tag", "trade", "--due", "2030-12-31"))

    assert out == "4.5 due: 2030-12-31 (re-asserted)\n4.5 tags: [trade, trade-target] (re-asserted)\n"
    assert [e["field"] for e in history(accord, "4.5")] == ["due", "tags"]
    assert_valid(accord)


def test_undo_of_a_re_assertion_keeps_the_value_and_records_the_undo(accord: Accord) -> None:
    succeeded(accord("set", "4.5", "stalled"))
    succeeded(accord("set", "4.5", "stalled", user="Officer Two"))

    assert "4.5 status: stalled (re-asserted)" in succeeded(accord("undo", user="Officer Two"))

    events = history(accord, "4.5")
    assert len(events) == 3 and events[2]["undoes"] == events[1]["at"]
    assert shown(accord, "4.5")["status"] == "stalled"
    assert succeeded(accord("undo")) == "4.5 status: stalled -> not_started\n"  # the first change, still undoable
    assert shown(accord, "4.5")["status"] == "not_started"


def test_set_to_the_current_status_with_a_note_keeps_the_note(accord: Accord) -> None:
    assert accord("set", "4.5", "not_started", "--note", "Still waiting.").code == 0
    [event] = history(accord, "4.5")
    assert event["note"] == "Still waiting."
    assert (event["field"], event["old"], event["new"]) == ("status", "not_started", "not_started")
    assert shown(accord, "4.5")["status"] == "not_started"


def test_set_on_an_earlier_date_is_accepted_and_recorded(accord: Accord) -> None:
    succeeded(accord("set", "4.5", "completed", "--on", "2025-03-01"))
    [event] = history(accord, "4.5")
    assert event["on"] == "2025-03-01"
    assert shown(accord, "4.5")["status"] == "completed"


def test_set_on_a_future_date_is_refused(accord: Accord) -> None:
    before = snapshot(accord.records)
    assert_refused(accord("set", "4.5", "completed", "--on", TOMORROW), TOMORROW, "future")
    assert_untouched(accord.records, before)


def test_a_backdated_change_does_not_override_a_newer_status(accord: Accord) -> None:
    assert accord("set", "4.5", "completed").code == 0
    out = succeeded(accord("set", "4.5", "stalled", "--on", "2025-01-15", "--note", "Was stalled in January."))
    events = history(accord, "4.5")
    assert len(events) == 2
    assert events[1]["new"] == "stalled" and events[1]["on"] == "2025-01-15"
    # The change made today happened later than the one dated January, so it stays in force,
    # and the back-dated event records what the status was in January, not today's.
    assert shown(accord, "4.5")["status"] == "completed"
    assert events[1]["old"] == "not_started"
    assert "not_started -> stalled" in out
    assert "keeps status at completed" in out
    assert_valid(accord)


def test_a_backdated_change_can_be_undone_without_touching_the_newer_status(accord: Accord) -> None:
    assert accord("set", "4.5", "completed").code == 0
    assert accord("set", "4.5", "stalled", "--on", "2025-01-15").code == 0

    undone = accord("undo")

    assert undone.code == 0, undone.stderr
    events = history(accord, "4.5")
    assert (events[2]["old"], events[2]["new"], events[2]["on"]) == ("stalled", "not_started", "2025-01-15")
    assert shown(accord, "4.5")["status"] == "completed"
    assert accord("undo").code == 0  # the next undo reaches the change made before it
    assert shown(accord, "4.5")["status"] == "not_started"
    assert_valid(accord)


def test_backdated_changes_apply_in_the_order_they_happened(accord: Accord) -> None:
    assert accord("set", "4.5", "in_progress", "--on", "2025-06-01").code == 0
    assert accord("set", "4.5", "stalled", "--on", "2025-03-01").code == 0
    assert shown(accord, "4.5")["status"] == "in_progress"
    assert accord("set", "4.5", "completed", "--on", "2025-09-01").code == 0
    assert shown(accord, "4.5")["status"] == "completed"
    assert_valid(accord)


def test_set_an_article_status(accord: Accord) -> None:
    assert accord("set", "4", "ongoing").code == 0
    data = shown(accord, "4")
    assert data["status"] == "ongoing"
    assert {c["status"] for c in data["commitments"]} == {"not_started"}


# -- note and edit -----------------------------------------------------------------------------------


def test_note_adds_one_event_and_keeps_the_status(accord: Accord) -> None:
    out = succeeded(accord("note", "4.5", "Met the trade ministry.", "--evidence", "http://example.org/minutes"))
    assert out == "4.5: note\n"
    data = shown(accord, "4.5")
    assert data["status"] == "not_started"
    [event] = data["history"]
    assert event["note"] == "Met the trade ministry."
    assert event["evidence"] == "http://example.org/minutes"
    assert "field" not in event and "old" not in event and "new" not in event
    assert_valid(accord)


def test_note_keeps_any_unicode_text_exactly(accord: Accord) -> None:
    text = "Hà Nội — 서울: «OK» 100%\n  second line: yes # not a comment"
    assert accord("note", "4.5", text).code == 0
    assert history(accord, "4.5")[0]["note"] == text


def test_edit_changes_owner_due_and_tags_as_three_events(accord: Accord) -> None:
    succeeded(accord("edit", "4.5", "--owner", "MOIT", "--due", "2027-06-30", "--tag", "Urgent", "--untag", "trade"))
    data = shown(accord, "4.5")
    assert data["owner"] == "MOIT"
    assert data["due"] == "2027-06-30"
    assert data["tags"] == ["trade-target", "urgent"]
    events = data["history"]
    assert [(e["field"], e.get("old"), e["new"]) for e in events] == [
        ("owner", None, "MOIT"),
        ("due", "2030-12-31", "2027-06-30"),
        ("tags", ["trade", "trade-target"], ["trade-target", "urgent"]),
    ]
    assert len({e["at"] for e in events}) == 1  # one command, one moment
    assert_valid(accord)


def test_edit_adds_a_tag_given_twice_only_once(accord: Accord) -> None:
    assert accord("edit", "4.5", "--tag", "urgent", "--tag", "Urgent").code == 0
    data = shown(accord, "4.5")
    assert data["tags"] == ["trade", "trade-target", "urgent"]
    assert data["history"][0]["new"] == ["trade", "trade-target", "urgent"]


def test_edit_owner_empty_clears_it(accord: Accord) -> None:
    assert accord("edit", "4.5", "--owner", "MOIT").code == 0
    assert accord("edit", "4.5", "--owner", "").code == 0
    data = shown(accord, "4.5")
    assert "owner" not in data or data["owner"] is None
    assert [(e.get("old"), e.get("new")) for e in data["history"]] == [(None, "MOIT"), ("MOIT", None)]
    assert_valid(accord)


def test_edit_due_empty_clears_it_and_undo_brings_it_back(accord: Accord) -> None:
    due = shown(accord, "4.5")["due"]
    assert due  # the statement dates it: 150 billion USD by 2030
    assert accord("edit", "4.5", "--due", "").code == 0
    data = shown(accord, "4.5")
    assert data.get("due") is None
    assert [(e.get("old"), e.get("new")) for e in data["history"]] == [(due, None)]
    assert accord("undo").code == 0
    assert shown(accord, "4.5")["due"] == due
    assert_valid(accord)


# -- undo --------------------------------------------------------------------------------------------


def test_undo_restores_the_old_status_and_keeps_both_events(accord: Accord) -> None:
    assert accord("set", "4.5", "in_progress").code == 0
    assert succeeded(accord("undo")) == "4.5 status: in_progress -> not_started\n"
    data = shown(accord, "4.5")
    assert data["status"] == "not_started"
    first, second = data["history"]
    assert (first["old"], first["new"]) == ("not_started", "in_progress")
    assert (second["old"], second["new"]) == ("in_progress", "not_started")
    assert second["undoes"] == first["at"]
    assert_valid(accord)


def test_one_undo_takes_back_all_three_fields_of_an_edit(accord: Accord) -> None:
    assert accord("note", "4.5", "Before the edit.").code == 0
    original = shown(accord, "4.5")
    assert accord("edit", "4.5", "--owner", "MOIT", "--due", "2027-06-30", "--tag", "urgent").code == 0
    edited = history(accord, "4.5")
    assert len(succeeded(accord("undo")).splitlines()) == 3
    data = shown(accord, "4.5")
    for key in ("owner", "due", "tags", "status"):
        assert data.get(key) == original.get(key), key
    assert len(data["history"]) == 1 + 3 + 3
    assert data["history"][:4] == edited
    assert {e["undoes"] for e in data["history"][4:]} == {edited[1]["at"]}
    # The next undo takes back the note before it, not the edit again.
    assert accord("undo").stdout == "4.5: note withdrawn\n"
    assert_valid(accord)


def test_successive_undos_walk_back_then_stop(accord: Accord) -> None:
    assert accord("set", "4.5", "in_progress").code == 0
    assert accord("set", "4.5", "completed").code == 0
    assert accord("undo").code == 0
    assert shown(accord, "4.5")["status"] == "in_progress"
    assert accord("undo").code == 0
    assert shown(accord, "4.5")["status"] == "not_started"
    before = snapshot(accord.records)
    assert_refused(accord("undo"), "Officer One", "no change to undo", code=1)
    assert_untouched(accord.records, before)


def test_undo_with_nothing_to_undo_exits_1(accord: Accord) -> None:
    before = snapshot(accord.records)
    assert_refused(accord("undo"), "no change to undo", code=1)
    assert_untouched(accord.records, before)


def test_undo_by_someone_else_does_not_take_back_my_change(accord: Accord) -> None:
    assert accord("set", "4.5", "in_progress", user="Ann").code == 0
    before = snapshot(accord.records)
    assert_refused(accord("undo", user="Bo"), "Bo", code=1)
    assert_refused(accord("undo", "--by", "Bo", user="Ann"), "Bo", code=1)
    assert_untouched(accord.records, before)
    assert shown(accord, "4.5")["status"] == "in_progress"


def test_undo_is_refused_when_someone_changed_the_field_since(accord: Accord) -> None:
    assert accord("set", "4.5", "in_progress", user="Ann").code == 0
    assert accord("set", "4.5", "completed", user="Bo").code == 0
    before = snapshot(accord.records)
    assert_refused(accord("undo", user="Ann"), "Bo", "completed", "nothing undone")
    assert_untouched(accord.records, before)
    # Bo takes his change back; now Ann's can go too.
    assert accord("undo", user="Bo").code == 0
    assert shown(accord, "4.5")["status"] == "in_progress"
    assert accord("undo", user="Ann").code == 0
    assert shown(accord, "4.5")["status"] == "not_started"
    assert len(history(accord, "4.5")) == 4
    assert_valid(accord)


def test_undo_takes_back_my_latest_change_even_in_another_record(accord: Accord) -> None:
    assert accord("set", "4.5", "in_progress", user="Ann").code == 0
    assert accord("set", "5.1", "ongoing", user="Ann").code == 0
    assert accord("set", "4.3", "stalled", user="Bo").code == 0
    assert accord("undo", user="Ann").stdout == "5.1 status: ongoing -> not_started\n"
    assert shown(accord, "4.5")["status"] == "in_progress"
    assert shown(accord, "4.3")["status"] == "stalled"


# -- log -----------------------------------------------------------------------------------------------


def test_log_lists_newest_first_and_filters_by_record(accord: Accord) -> None:
    assert accord("set", "4.5", "in_progress").code == 0
    assert accord("note", "4.3", "Customs talks.").code == 0
    assert accord("edit", "4.1", "--owner", "MOFA").code == 0
    assert accord("note", "5.1", "Elsewhere.").code == 0
    assert ids(logged(accord)) == ["5.1", "4.1", "4.3", "4.5"]
    assert ids(logged(accord, "4")) == ["4.1", "4.3", "4.5"]
    assert ids(logged(accord, "4.5")) == ["4.5"]
    rows = logged(accord)
    assert [row["at"] for row in rows] == sorted((row["at"] for row in rows), reverse=True)
    assert rows[0]["by"] == "Officer One"
    assert rows[1]["field"] == "owner" and rows[1]["new"] == "MOFA"
    assert rows[2]["field"] == "note" and rows[2]["note"] == "Customs talks."


def test_log_since_a_span_or_a_date(accord: Accord, monkeypatch: pytest.MonkeyPatch) -> None:
    ten_days_ago = datetime.now(UTC) - timedelta(days=10)
    with monkeypatch.context() as patch:
        patch.setattr(changes, "datetime", clock(ten_days_ago))
        assert accord("set", "4.5", "in_progress", user="Old Timer").code == 0
    assert accord("note", "4.3", "Fresh news.", user="New Comer").code == 0
    today = datetime.now(UTC).date()  # the log's times are UTC
    assert ids(logged(accord, "--since", "7d")) == ["4.3"]
    assert ids(logged(accord, "--since", "1w")) == ["4.3"]
    assert ids(logged(accord, "--since", "2w")) == ["4.3", "4.5"]
    assert ids(logged(accord, "--since", (today - timedelta(days=5)).isoformat())) == ["4.3"]
    # A date includes its own day.
    assert ids(logged(accord, "--since", ten_days_ago.date().isoformat())) == ["4.3", "4.5"]
    assert ids(logged(accord, "--since", today.isoformat())) == ["4.3"]


def test_log_by_filters_by_person_in_any_case(accord: Accord) -> None:
    assert accord("set", "4.5", "in_progress", user="Ann Lee").code == 0
    assert accord("note", "4.3", "Mine.", user="Bo Kim").code == 0
    assert accord("note", "4.1", "Mine too.", user="Ann Lee").code == 0
    assert ids(logged(accord, "--by", "ann lee")) == ["4.1", "4.5"]
    assert ids(logged(accord, "--by", "Bo Kim")) == ["4.3"]
    assert logged(accord, "--by", "Nobody") == []


def test_log_json_and_csv_carry_the_same_rows(accord: Accord) -> None:
    assert accord("set", "4.5", "in_progress", "--on", "2025-05-01", "--note", "Started, see link.").code == 0
    assert accord("note", "4.3", 'A "quoted", comma note').code == 0
    rows = logged(accord)
    assert set(rows[0]) == {"at", "on", "by", "id", "field", "party", "old", "new", "note", "evidence"}
    out = accord("log", "--format", "csv")
    assert out.code == 0
    parsed = list(csv.DictReader(io.StringIO(out.stdout)))
    assert list(parsed[0]) == ["at", "on", "by", "id", "field", "party", "old", "new", "note", "evidence"]
    assert [(r["id"], r["field"], r["note"]) for r in parsed] == [
        ("4.3", "note", 'A "quoted", comma note'),
        ("4.5", "status", "Started, see link."),
    ]
    assert parsed[1]["on"] == "2025-05-01" == rows[1]["on"]
    assert (parsed[1]["old"], parsed[1]["new"]) == ("not_started", "in_progress")
    assert [r["at"] for r in parsed] == [r["at"] for r in rows]


# -- who -------------------------------------------------------------------------------------------------


def test_by_wins_over_accord_user(accord: Accord) -> None:
    assert accord("set", "4.5", "ongoing", "--by", "Cli Name", user="Env Name").code == 0
    assert history(accord, "4.5")[0]["by"] == "Cli Name"


def test_accord_user_wins_over_git_user_name(repo: Path) -> None:
    accord = Accord(repo / "statement")
    assert accord("set", "4.5", "ongoing", user="Env Name").code == 0
    assert history(accord, "4.5")[0]["by"] == "Env Name"
    assert git(repo, "log", "-1", "--format=%an").strip() == "Env Name"


def test_git_user_name_is_used_without_by_or_accord_user(repo: Path) -> None:
    git(repo, "config", "user.name", "Repo Person")
    git(repo, "config", "user.email", "person@example.org")
    accord = Accord(repo / "statement")
    assert accord("set", "4.5", "ongoing", user=None).code == 0
    assert history(accord, "4.5")[0]["by"] == "Repo Person"
    assert git(repo, "log", "-1", "--format=%an <%ae>").strip() == "Repo Person <person@example.org>"


def test_login_name_is_the_last_resort(accord: Accord) -> None:
    assert accord("set", "4.5", "ongoing", user=None, env={"LOGNAME": "loginperson"}).code == 0
    assert history(accord, "4.5")[0]["by"] == "loginperson"


# -- bad input -------------------------------------------------------------------------------------------

BAD_INPUT = [
    pytest.param(["set", "99", "completed"], ["'99'"], id="unknown-article"),
    pytest.param(["set", "4.99", "completed"], ["4.99"], id="unknown-commitment"),
    pytest.param(["note", "nowhere", "text"], ["nowhere"], id="unknown-id-note"),
    pytest.param(["set", "4.5", "finished"], ["finished"], id="unknown-status"),
    pytest.param(["set", "4.5", "completed", "--on", "2025-13-01"], ["2025-13-01"], id="month-13"),
    pytest.param(["set", "4.5", "completed", "--on", "12/01/2025"], ["12/01/2025"], id="slashed-date"),
    pytest.param(["edit", "4.5", "--due", "2025-13-01"], ["2025-13-01"], id="due-month-13"),
    pytest.param(["edit", "4.5", "--due", "12/01/2025"], ["12/01/2025"], id="due-slashed"),
    pytest.param(["set", "4.5", "completed", "--evidence", "ftp://x"], ["ftp://x"], id="ftp-url"),
    pytest.param(["note", "4.5", "text", "--evidence", "not a url"], ["not a url"], id="not-a-url"),
    pytest.param(["note", "4.5", "caf\udce9 au lait"], ["UTF-8"], id="note-not-utf8"),
    pytest.param(["set", "4.5", "completed", "--note", "\udcff"], ["UTF-8"], id="set-note-not-utf8"),
    pytest.param(["note", "4.5", ""], ["NOTE is empty"], id="empty-note"),
    pytest.param(["note", "4.5", "text", "--by", ""], ["--by is empty"], id="empty-by"),
    pytest.param(["note", "4.5", "  \t "], ["empty"], id="blank-note"),
    pytest.param(["set", "4.5", "completed", "--note", ""], ["empty"], id="empty-set-note"),
    pytest.param(["edit", "4.5"], ["nothing to edit"], id="edit-nothing"),
    pytest.param(["edit", "4.5", "--untag", "no-such-tag"], ["no-such-tag"], id="untag-missing"),
    pytest.param(["edit", "4.5", "--tag", "Bad_Tag!"], ["Bad_Tag!"], id="bad-tag"),
    pytest.param(["measure", "4.5", "10", "--period", "2025", "--source", "x"], ["not a target"], id="measure-4.5"),
    pytest.param(["set", "trade", "completed"], ["target"], id="set-a-target"),
    pytest.param(["log", "--since", "12/01/2025"], ["12/01/2025"], id="log-since"),
]


@pytest.mark.parametrize(("args", "words"), BAD_INPUT)
def test_bad_input_is_refused_and_changes_no_file(accord: Accord, args: list[str], words: list[str]) -> None:
    accord("note", "4.5", "Something already there.")  # a record with history, to be kept as it is
    before = snapshot(accord.records)
    assert_refused(accord(*args), *words)
    assert_untouched(accord.records, before)


def test_a_note_of_raw_bytes_that_are_not_utf8_is_refused(records: Path) -> None:
    before = snapshot(records)
    raw = os.fsdecode(b"caf\xe9 au lait")  # what a Latin-1 terminal hands over
    env = {"ACCORD_DIR": str(records), "ACCORD_USER": "Officer One"}
    done = run_accord("note", "4.5", raw, cwd=records.parent, env=env)
    assert_refused(outcome(done), "UTF-8")
    assert_untouched(records, before)


# -- git -------------------------------------------------------------------------------------------------


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def test_set_commits_the_record_at_once_as_the_officer(repo: Path) -> None:
    accord = Accord(repo / "statement")
    out = accord("set", "4.5", "in_progress", "--note", "Kick-off meeting held.")
    assert out.code == 0, out.stderr
    assert out.stdout.endswith("committed\n")
    assert git(repo, "log", "-1", "--format=%an").strip() == "Officer One"
    subject = git(repo, "log", "-1", "--format=%s").strip()
    assert "4.5" in subject and "not_started" in subject and "in_progress" in subject
    assert "Kick-off meeting held." in git(repo, "log", "-1", "--format=%b")
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["statement/articles/4.yaml"]
    assert git(repo, "status", "--porcelain") == ""
    assert int(git(repo, "rev-list", "--count", "HEAD")) == 2


def test_a_commit_leaves_other_staged_and_unstaged_work_alone(repo: Path) -> None:
    (repo / "draft.txt").write_text("staged draft\n")
    git(repo, "add", "draft.txt")
    other = repo / "statement" / "articles" / "5.yaml"
    other.write_bytes(other.read_bytes() + b"# an unsaved thought\n")
    accord = Accord(repo / "statement")
    assert accord("set", "4.5", "in_progress").code == 0
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["statement/articles/4.yaml"]
    assert git(repo, "diff", "--cached", "--name-only").split() == ["draft.txt"]
    assert git(repo, "diff", "--name-only").split() == ["statement/articles/5.yaml"]
    assert other.read_bytes().endswith(b"# an unsaved thought\n")


def test_undo_is_committed_too(repo: Path) -> None:
    accord = Accord(repo / "statement")
    assert accord("set", "4.5", "in_progress").code == 0
    assert accord("undo").code == 0
    assert git(repo, "log", "-1", "--format=%s").strip().startswith("undo 4.5")
    assert int(git(repo, "rev-list", "--count", "HEAD")) == 3
    assert git(repo, "status", "--porcelain") == ""


@pytest.mark.parametrize("how", ["--no-commit", "ACCORD_COMMIT=0", "git config accord.commit false"])
def test_commit_can_be_turned_off(repo: Path, how: str) -> None:
    accord = Accord(repo / "statement")
    args, env = ["set", "4.5", "in_progress"], {}
    if how == "--no-commit":
        args.append(how)
    elif how == "ACCORD_COMMIT=0":
        env["ACCORD_COMMIT"] = "0"
    else:
        git(repo, "config", "accord.commit", "false")
    before = head(repo)
    out = accord(*args, env=env)
    assert out.code == 0, out.stderr
    assert "committed" not in out.stdout
    assert head(repo) == before
    assert git(repo, "status", "--porcelain").splitlines() == [" M statement/articles/4.yaml"]
    assert shown(accord, "4.5")["status"] == "in_progress"


def test_lock_and_temporary_files_never_show_in_git_status(repo: Path) -> None:
    accord = Accord(repo / "statement")
    assert accord("set", "4.5", "in_progress").code == 0
    assert (repo / "statement" / ".accord.lock").exists()
    (repo / "statement" / "articles" / ".4.yaml.k3j2h1.accord-tmp").write_text("half a record")
    (repo / "statement" / ".statement.yaml.x.accord-tmp").write_text("")
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


def test_commit_works_with_a_relative_records_folder_from_below_the_top(repo: Path) -> None:
    articles = repo / "statement" / "articles"
    env = {"ACCORD_USER": "Officer One"}
    done = run_accord("set", "4.5", "in_progress", "--dir", "..", cwd=articles, env=env)
    assert done.returncode == 0, done.stderr
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["statement/articles/4.yaml"]
    (repo / "elsewhere").mkdir()
    done = run_accord(
        "note", "4.5", "From a sibling.", cwd=repo / "elsewhere", env={**env, "ACCORD_DIR": "../statement"}
    )
    assert done.returncode == 0, done.stderr
    assert git(repo, "status", "--porcelain") == ""
    assert int(git(repo, "rev-list", "--count", "HEAD")) == 3


def test_a_change_keeps_the_comment_block_at_the_top_of_the_record(accord: Accord, records: Path) -> None:
    path = records / "articles" / "4.yaml"
    header = b"# yaml-language-server: $schema=../schema/article.json\n# kept by hand\n"
    path.write_bytes(header + path.read_bytes())
    succeeded(accord("set", "4.5", "in_progress"))
    assert path.read_bytes().startswith(header)
    assert history(accord, "4.5")[-1]["new"] == "in_progress"
    assert_valid(accord)
