"""Changing many records at once: several ids, `--where`, ids on standard input, `--dry-run`; one
commit and one undo for the lot, and nothing written when one record refuses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import accord as accord_api
from accord import Status
from accord.cli import app
from conftest import Accord, Outcome, git, run_accord
from helpers import assert_refused, assert_untouched, history, outcome, shown, snapshot, succeeded
from support import commitment_ids, read_yaml


def status_of(records: Path, record_id: str) -> str:
    article = read_yaml(records / "articles" / f"{record_id.split('.')[0]}.yaml")
    item = next(c for c in article["commitments"] if c["id"] == record_id) if "." in record_id else article
    status: str = item["status"]
    return status


def commits(top: Path) -> int:
    return int(git(top, "rev-list", "--count", "HEAD"))


def with_stdin(accord: Accord, text: str, *args: str) -> Outcome:
    env = {"ACCORD_DIR": str(accord.records), "ACCORD_USER": "Officer One"}
    result = CliRunner().invoke(app, list(args), input=text, env=env, catch_exceptions=False)
    return Outcome(result.exit_code, result.stdout, result.stderr)


# -- several ids -------------------------------------------------------------------------------


def test_one_set_changes_several_records_in_several_files_in_one_commit(repo: Path) -> None:
    records = repo / "statement"
    before = commits(repo)
    done = outcome(run_accord("set", "4.1", "5.1", "4.2", "in_progress", "--note", "Kick-off", cwd=repo))
    assert succeeded(done).splitlines() == [
        "4.1 status: not_started -> in_progress",
        "4.2 status: not_started -> in_progress",
        "5.1 status: not_started -> in_progress",
        "committed",
    ]
    assert [status_of(records, i) for i in ("4.1", "4.2", "5.1")] == ["in_progress"] * 3
    assert commits(repo) == before + 1
    touched = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert touched == ["statement/articles/4.yaml", "statement/articles/5.yaml"]
    assert git(repo, "status", "--porcelain") == ""
    message = git(repo, "log", "-1", "--format=%B")
    assert message.startswith("4.1, 4.2, 5.1: status: not_started -> in_progress\n")
    assert "Kick-off" in message


def test_the_old_form_with_one_id_still_works(accord: Accord) -> None:
    assert succeeded(accord("set", "4.5", "stalled")) == "4.5 status: not_started -> stalled\n"
    assert shown(accord, "4.5")["status"] == "stalled"


def test_an_id_named_twice_is_changed_once(accord: Accord) -> None:
    succeeded(accord("note", "4.1", " 4.1", "4.1", "Read twice"))
    assert [e.get("note") for e in history(accord, "4.1")] == ["Read twice"]


def test_undo_takes_back_the_whole_batch_in_one_commit(repo: Path) -> None:
    records = repo / "statement"
    succeeded(outcome(run_accord("set", "4.1", "5.1", "completed", cwd=repo)))
    succeeded(outcome(run_accord("edit", "4.2", "6.1", "--owner", "Trade desk", cwd=repo)))
    before = commits(repo)
    undone = succeeded(outcome(run_accord("undo", cwd=repo)))
    assert undone.splitlines() == ["4.2 owner: Trade desk -> (none)", "6.1 owner: Trade desk -> (none)", "committed"]
    assert commits(repo) == before + 1
    assert "owner" not in read_yaml(records / "articles" / "6.yaml")["commitments"][0]
    assert [status_of(records, i) for i in ("4.1", "5.1")] == ["completed"] * 2  # the earlier batch stays
    succeeded(outcome(run_accord("undo", cwd=repo)))
    assert [status_of(records, i) for i in ("4.1", "5.1")] == ["not_started"] * 2


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("set", "4.1", "9.99", "completed"), "9.99"),
        (("set", "4.1", "trade", "completed"), "trade"),
        (("set", "4.1", "../4", "completed"), "../4"),
        (("edit", "4.1", "4.2", "--untag", "trade"), "4.1"),
        (("note", "4.1", "nope", "Checked"), "nope"),
        (("set", "4.1", "4.2", "in_progress", "--on", "2099-01-01"), "2099-01-01"),
    ],
    ids=["unknown-commitment", "a-target", "a-path", "missing-tag", "unknown-record", "future-date"],
)
def test_one_refused_record_refuses_the_batch_and_writes_nothing(
    repo: Path, args: tuple[str, ...], named: str
) -> None:
    records = repo / "statement"
    if args[0] == "edit":  # 4.2 has the tag, 4.1 has not: the refusal is 4.1's
        succeeded(outcome(run_accord("edit", "4.2", "--tag", "trade", cwd=repo)))
    before, count = snapshot(records), commits(repo)
    assert_refused(outcome(run_accord(*args, cwd=repo)), named)
    assert_untouched(records, before)
    assert commits(repo) == count


def test_a_commit_git_refuses_takes_back_every_file_of_the_batch(repo: Path) -> None:
    records = repo / "statement"
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'no commits today' >&2\nexit 1\n")
    hook.chmod(0o755)
    before, count = snapshot(records), commits(repo)
    done = outcome(run_accord("set", "4.1", "5.1", "6.1", "completed", cwd=repo))
    assert done.code == 2 and "taken back" in done.stderr
    assert_untouched(records, before)
    assert commits(repo) == count
    assert git(repo, "status", "--porcelain") == ""


# -- --dry-run ---------------------------------------------------------------------------------


def test_dry_run_shows_old_and_new_per_record_and_writes_nothing(repo: Path) -> None:
    records = repo / "statement"
    succeeded(outcome(run_accord("set", "4.2", "stalled", cwd=repo)))
    before, count = snapshot(records), commits(repo)
    done = outcome(run_accord("set", "4.1", "4.2", "completed", "--dry-run", cwd=repo))
    assert succeeded(done).splitlines() == [
        "would record 4.1 status: not_started -> completed",
        "would record 4.2 status: stalled -> completed",
    ]
    assert "nothing written" in done.stderr
    assert_untouched(records, before)
    assert commits(repo) == count
    edited = succeeded(outcome(run_accord("edit", "4.1", "5.1", "--owner", "Desk", "--dry-run", cwd=repo)))
    assert edited.splitlines() == ["would record 4.1 owner: (none) -> Desk", "would record 5.1 owner: (none) -> Desk"]
    assert_untouched(records, before)


def test_dry_run_refuses_what_the_change_would_refuse(accord: Accord, records: Path) -> None:
    before = snapshot(records)
    assert_refused(accord("set", "4.1", "4.77", "completed", "--dry-run"), "4.77")
    assert_untouched(records, before)


# -- --where -----------------------------------------------------------------------------------


def test_where_changes_exactly_what_list_shows_with_the_same_filters(accord: Accord, records: Path) -> None:
    succeeded(accord("edit", "4.1", "4.3", "--tag", "watch"))
    wanted = succeeded(accord("list", "-f", "ids", "--section", "2", "--status", "not_started", "--tag", "trade"))
    assert wanted.split(), "the filters should match some commitments"
    done = succeeded(accord("set", "--where", "section=2 status=not_started tag=trade", "stalled"))
    assert [line.split()[0] for line in done.splitlines()] == wanted.split()
    stalled = commitment_ids(records, lambda a, c: c["status"] == "stalled")
    assert stalled == wanted.split()


def test_where_takes_quoted_values_and_repeated_filters(accord: Accord, records: Path) -> None:
    succeeded(accord("edit", "4.1", "5.2", "--owner", "Trade desk"))
    succeeded(accord("set", "5.2", "stalled"))
    done = succeeded(accord("note", "--where", "owner='trade desk' status=stalled status=not_started", "Seen"))
    assert [line.split(":")[0] for line in done.splitlines()] == ["4.1", "5.2"]


@pytest.mark.parametrize(
    ("where", "named"),
    [("colour=red", "colour"), ("status=finished", "finished"), ("section=two", "two"), ("overdue=yes", "overdue"),
     ("status", "status"), ("owner=a owner=b", "owner"), ("owner='unclosed", "--where"), ("  ", "--where")],
)  # fmt: skip
def test_a_bad_where_is_refused_and_writes_nothing(accord: Accord, records: Path, where: str, named: str) -> None:
    before = snapshot(records)
    assert_refused(accord("set", "--where", where, "completed"), named)
    assert_untouched(records, before)


def test_where_that_matches_nothing_writes_nothing_and_says_so(accord: Accord, records: Path) -> None:
    before = snapshot(records)
    done = accord("set", "--where", "owner=nobody", "completed")
    assert done.code == 1 and "no commitment matches" in done.stderr
    assert_untouched(records, before)


def test_ids_and_where_together_are_refused(accord: Accord, records: Path) -> None:
    before = snapshot(records)
    assert_refused(accord("set", "4.1", "--where", "tag=trade", "completed"), "--where")
    assert_untouched(records, before)


def test_a_forgotten_status_is_refused_not_taken_for_an_id(accord: Accord, records: Path) -> None:
    before = snapshot(records)
    assert_refused(accord("set", "4.1"), "STATUS")
    assert_refused(accord("note", "4.1"), "NOTE")
    assert_untouched(records, before)


def test_where_refuses_while_a_record_file_is_broken(accord: Accord, records: Path) -> None:
    (records / "articles" / "9.yaml").write_text("id: [\n", "utf-8")
    before = snapshot(records)
    assert_refused(accord("note", "--where", "tag=trade", "Seen"), "9.yaml")
    assert_untouched(records, before)


# -- ids on standard input ---------------------------------------------------------------------


def test_ids_from_a_list_piped_into_note(repo: Path) -> None:
    records = repo / "statement"
    succeeded(outcome(run_accord("set", "4.2", "5.1", "stalled", cwd=repo)))
    env = {**os.environ, "ACCORD_DIR": str(records)}
    listing = subprocess.Popen(
        [sys.executable, "-m", "accord", "list", "-f", "ids", "--status", "stalled"],
        stdout=subprocess.PIPE,
        env=env,
    )
    noting = subprocess.run(
        [sys.executable, "-m", "accord", "note", "-", "Reviewed"],
        stdin=listing.stdout,
        capture_output=True,
        text=True,
        env=env,
    )
    assert listing.wait() == 0
    assert noting.stdout.splitlines() == ["4.2: note", "5.1: note", "committed"], noting.stderr
    assert [e.get("note") for e in history(Accord(records), "5.1")][-1] == "Reviewed"


def test_stdin_skips_blank_lines_and_comments_and_mixes_with_ids(accord: Accord) -> None:
    typed = "# the week's list\n\n  4.3  \n5.1 # asked by the desk\n\t\n"
    done = with_stdin(accord, typed, "set", "4.1", "-", "ongoing")
    assert succeeded(done).splitlines() == [
        "4.1 status: not_started -> ongoing",
        "4.3 status: not_started -> ongoing",
        "5.1 status: not_started -> ongoing",
    ]


def test_empty_stdin_writes_nothing(accord: Accord, records: Path) -> None:
    before = snapshot(records)
    done = with_stdin(accord, "# nothing this week\n\n", "note", "-", "Reviewed")
    assert done.code == 1 and "no ids" in done.stderr
    assert_untouched(records, before)


def test_a_bad_id_on_stdin_refuses_the_batch(accord: Accord, records: Path) -> None:
    before = snapshot(records)
    assert_refused(with_stdin(accord, "4.1\n4.x\n", "set", "-", "completed"), "4.x")
    assert_refused(with_stdin(accord, "4.1\n", "set", "-", "-", "completed"), "once")
    assert_untouched(records, before)


# -- the library -------------------------------------------------------------------------------


def test_the_tracker_changes_many_records_in_one_call(repo: Path) -> None:
    tracker = accord_api.open(repo / "statement", actor="Desk Officer")
    change = tracker.set_status_many(["4.1", "5.1"], Status.ONGOING, note="Talks")
    assert change.committed and [e.id for e in change.events] == ["4.1", "5.1"]
    assert len({e.at for e in change.events}) == 1
    with pytest.raises(TypeError):
        tracker.note_many("4.1", "one str is not a list of ids")
    preview = tracker.edit_many(["4.1", "4.2"], due=None, dry_run=True)
    assert [e.field for e in preview.events] == ["due", "due"]
    assert not preview.committed
    assert tracker.undo().events[0].undoes == change.events[0].at


# -- the schema line -----------------------------------------------------------------------------


def test_a_change_keeps_the_schema_line_and_it_names_a_schema_file(accord: Accord, records: Path) -> None:
    for path in [records / "statement.yaml", *sorted(records.glob("*/*.yaml"))]:
        first = path.read_text("utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        schema = (path.parent / first.split("=", 1)[1]).resolve()
        assert schema.is_file() and schema.parent == records / "schema", path
    first_line = (records / "articles" / "4.yaml").read_text("utf-8").splitlines()[0]
    succeeded(accord("set", "4.1", "5.1", "completed"))
    succeeded(accord("undo"))
    for name in ("4.yaml", "5.yaml"):
        assert (records / "articles" / name).read_text("utf-8").splitlines()[0] == first_line
