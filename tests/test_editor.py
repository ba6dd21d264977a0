"""`accord edit ID --editor`: the record's owner, due date and tags as a YAML form in $VISUAL or
$EDITOR; what comes back is checked and recorded like any edit, or refused whole."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from conftest import Accord, git, run_accord
from helpers import assert_refused, assert_untouched, history, outcome, shown, snapshot, succeeded

# An editor that replaces text in the file it is given: `replace.py OLD NEW [OLD NEW...] FILE`;
# with REPLACE_EXIT set, it exits with that status after writing.
REPLACE = """\
import os, sys
*pairs, path = sys.argv[1:]
text = open(path, encoding="utf-8").read()
for old, new in zip(pairs[::2], pairs[1::2]):
    assert old in text, (old, text)
    text = text.replace(old, new)
open(path, "w", encoding="utf-8").write(text)
sys.exit(int(os.environ.get("REPLACE_EXIT", "0")))
"""


@pytest.fixture
def replacing(tmp_path: Path) -> Path:
    script = tmp_path / "replace.py"
    script.write_text(REPLACE, "utf-8")
    return script


def editor(script: Path, *pairs: str) -> dict[str, str]:
    return {"EDITOR": shlex.join([sys.executable, str(script), *pairs])}


def test_the_form_changes_owner_due_and_tags_and_keeps_the_why(accord: Accord, replacing: Path) -> None:
    env = editor(
        replacing,
        "owner: null", "owner: Trade desk",
        "due: null", "due: 2030-06-30",
        "- customs\n", "- Priority\n",
        "why: null", "why: Handed over at the weekly meeting",
    )  # fmt: skip
    done = succeeded(accord("edit", "4.3", "--editor", env=env))
    assert done.splitlines() == [
        "4.3 owner: (none) -> Trade desk",
        "4.3 due: (none) -> 2030-06-30",
        "4.3 tags: [market-access, customs, aeo-mra, trade] -> [market-access, aeo-mra, trade, priority]",
    ]
    data = shown(accord, "4.3")
    assert (data["owner"], data["due"]) == ("Trade desk", "2030-06-30")
    assert data["tags"] == ["market-access", "aeo-mra", "trade", "priority"]
    assert {e["note"] for e in data["history"]} == {"Handed over at the weekly meeting"}


def test_visual_comes_before_editor_and_its_words_are_split_as_a_shell_does(accord: Accord, replacing: Path) -> None:
    env = {
        "VISUAL": shlex.join([sys.executable, str(replacing), "owner: null", "owner: 'Desk of Trade & Industry'"]),
        "EDITOR": "false",
    }
    succeeded(accord("edit", "4.3", "--editor", env=env))
    assert shown(accord, "4.3")["owner"] == "Desk of Trade & Industry"


def test_a_form_left_unchanged_records_nothing(repo: Path, replacing: Path) -> None:
    records = repo / "statement"
    before, head = snapshot(records), git(repo, "rev-parse", "HEAD")
    env = editor(replacing, "why: null", "why: Just looked")
    done = outcome(run_accord("edit", "4.3", "--editor", cwd=repo, env=env))
    assert done.code == 1 and "nothing changed" in done.stderr
    assert_untouched(records, before)
    assert git(repo, "rev-parse", "HEAD") == head


def test_an_editor_that_fails_records_nothing_even_if_it_wrote(accord: Accord, records: Path, replacing: Path) -> None:
    before = snapshot(records)
    env = {**editor(replacing, "owner: null", "owner: Someone"), "REPLACE_EXIT": "3"}
    done = accord("edit", "4.3", "--editor", env=env)
    assert done.code == 1 and "status 3" in done.stderr
    assert_untouched(records, before)


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ("due: null", "due: 30-06-2030", "due"),
        ("due: null", "due: '2030-02-30'", "due"),
        ("owner: null", "owner: [a, b]", "owner"),
        ("- trade\n", "- Trade Deals\n", "Trade Deals"),
        ("tags:\n", "tags: trade\nx:\n", "x"),
        ("why: null", "title: A better title", "title"),
        ("owner: null", "owner: [unclosed", ".yaml"),
        ("owner: null", "owner: " + "x" * 300, "owner"),
        ("why: null", "why: 1", "why"),
    ],
    ids=["bad-date", "no-such-day", "owner-list", "bad-tag", "unknown-field", "title", "broken-yaml", "long-owner",
         "why-number"],
)  # fmt: skip
def test_a_bad_form_is_refused_whole_naming_the_field(
    accord: Accord, records: Path, replacing: Path, old: str, new: str, named: str
) -> None:
    before = snapshot(records)
    env = editor(replacing, "tags:\n- market-access", "tags:\n- fresh\n- market-access", old, new)
    assert_refused(accord("edit", "4.3", "--editor", env=env), named)
    assert_untouched(records, before)


def test_a_change_made_while_the_form_was_open_stands(repo: Path, tmp_path: Path) -> None:
    """The editor takes its time; meanwhile a colleague sets the due date. Only the owner, changed in
    the form, is recorded: the colleague's due date is not put back to what the form showed."""
    script = tmp_path / "slow.py"
    script.write_text(
        "import subprocess, sys\n"
        f"subprocess.run([sys.executable, '-m', 'accord', 'edit', '4.3', '--due', '2031-01-01', '--by', 'Colleague'],"
        f" cwd={str(repo)!r}, check=True, capture_output=True)\n"
        "path = sys.argv[-1]\n"
        "text = open(path).read().replace('owner: null', 'owner: Trade desk')\n"
        "open(path, 'w').write(text)\n",
        "utf-8",
    )
    done = outcome(run_accord("edit", "4.3", "--editor", cwd=repo, env={"EDITOR": f"{sys.executable} {script}"}))
    assert done.stdout.splitlines() == ["4.3 owner: (none) -> Trade desk", "committed"], done.stderr
    data = shown(Accord(repo / "statement"), "4.3")
    assert (data["owner"], data["due"]) == ("Trade desk", "2031-01-01")
    assert [e["by"] for e in history(Accord(repo / "statement"), "4.3")] == ["Colleague", "Test Runner"]


def test_undo_takes_back_what_the_form_changed(accord: Accord, replacing: Path) -> None:
    env = editor(replacing, "owner: null", "owner: Desk", "due: null", "due: '2029-01-01'")
    succeeded(accord("edit", "4.3", "--editor", env=env))
    succeeded(accord("undo"))
    data = shown(accord, "4.3")
    assert "owner" not in data or data["owner"] is None
    assert data.get("due") is None


@pytest.mark.parametrize(
    "args",
    [("4.3", "4.4"), ("4.3", "--owner", "X"), ("--where", "tag=trade"), ("-",), ("trade",), ("4.99",)],
    ids=["two-ids", "with-owner", "where", "stdin", "a-target", "unknown"],
)
def test_editor_is_refused_for_what_it_cannot_edit(accord: Accord, records: Path, args: tuple[str, ...]) -> None:
    before = snapshot(records)
    assert_refused(accord("edit", *args, "--editor", env={"EDITOR": "false"}))
    assert_untouched(records, before)


def test_an_editor_that_does_not_exist_is_named(accord: Accord, records: Path) -> None:
    before = snapshot(records)
    assert_refused(accord("edit", "4.3", "--editor", env={"EDITOR": "no-such-editor-here --wait"}), "no-such-editor")
    assert_untouched(records, before)


def test_tags_put_in_another_order_are_no_change(accord: Accord, records: Path, replacing: Path) -> None:
    before = snapshot(records)
    env = editor(replacing, "- market-access\n- customs\n", "- customs\n- market-access\n")
    done = accord("edit", "4.3", "--editor", env=env)
    assert done.code == 1 and "nothing changed" in done.stderr
    assert_untouched(records, before)
