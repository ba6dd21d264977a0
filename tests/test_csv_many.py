"""One CSV file of several targets' figures: checked whole, written in one commit, taken back by one undo.
Through the real command line, on a copy of the records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import Accord, git
from helpers import assert_refused, assert_untouched, shown, snapshot, succeeded

# The rows of the two targets interleave; edcf already holds a signed figure (0.188115), edpf none.
# edcf's 0.2 is a small step from its own 0.188115 but double edpf's 0.1 on the line before:
# checked against the wrong target's rows it would be doubted as a slip.
TWO_TARGETS = """target,series,period,value,source
edpf,signed,2025-06-30,0.1,EXIM
edcf,signed,2025-06-30,0.2,EXIM
edpf,signed,2025-09-30,0.12,EXIM
edcf,disbursed,2025-09-30,0.05,EXIM
"""


def figures(accord: Accord, target: str) -> dict[tuple[str, str], str]:
    """Every measurement of a target, by series and period."""
    return {(s["name"], m["period"]): m["value"] for s in shown(accord, target)["series"] for m in s["measurements"]}


def before_history(path: Path) -> bytes:
    """A target file up to its history, which is written last and only ever grows."""
    data = path.read_bytes()
    return data[: data.index(b"\nhistory:")]


def test_two_targets_in_one_file_are_one_commit_and_one_undo_restores_both(repo: Path, tmp_path: Path) -> None:
    accord = Accord(repo / "statement")
    targets = repo / "statement" / "targets"
    file = tmp_path / "figures.csv"
    file.write_text(TWO_TARGETS, "utf-8")
    edpf, edcf = figures(accord, "edpf"), figures(accord, "edcf")
    files = {name: before_history(targets / f"{name}.yaml") for name in ("edpf", "edcf")}
    commits = len(git(repo, "log", "--oneline").splitlines())

    out = succeeded(accord("measure", "--from-csv", str(file)))
    assert out.count("committed") == 1
    assert len(git(repo, "log", "--oneline").splitlines()) == commits + 1
    changed = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(changed) == ["statement/targets/edcf.yaml", "statement/targets/edpf.yaml"]
    assert figures(accord, "edpf") == edpf | {("signed", "2025-06-30"): "0.1", ("signed", "2025-09-30"): "0.12"}
    assert figures(accord, "edcf") == edcf | {("signed", "2025-06-30"): "0.2", ("disbursed", "2025-09-30"): "0.05"}

    succeeded(accord("undo"))
    assert len(git(repo, "log", "--oneline").splitlines()) == commits + 2
    assert figures(accord, "edpf") == edpf and figures(accord, "edcf") == edcf
    for name, text in files.items():  # the records as they were, then the history of the change and its undoing
        assert before_history(targets / f"{name}.yaml") == text
        events: list[dict[str, Any]] = shown(accord, name)["history"]
        assert len(events) == 4 and sum(1 for e in events if e.get("undoes")) == 2
    assert git(repo, "status", "--porcelain") == ""
    assert_refused(accord("undo"), "no change to undo", code=1)


@pytest.mark.parametrize(
    ("bad_row", "where"),
    [
        ("edcf,signed,2025-09-30,abc,EXIM", "6: value: the figure 'abc' is not a number"),
        ("edcf,signed,2025-06-30,0.21,EXIM", "6: period: 2025-06-30 of series signed is given on line 3 too"),
        ("edcf,signed,2025-09-30,0.9,EXIM", "6: value: 0.9 moves"),  # a slip against edcf's own line 3
        ("edcf,approved,2023-06-30,0.3,EXIM", "6: period: period 2023-06-30 ends before the baseline"),
        ("edfc,signed,2025-09-30,0.3,EXIM", "6: target: no record 'edfc'"),
        ("9.1,signed,2025-09-30,0.3,EXIM", "6: target: 9.1 is not a target"),
    ],
)
def test_a_bad_row_of_the_second_target_writes_nothing_for_either(
    repo: Path, tmp_path: Path, bad_row: str, where: str
) -> None:
    accord = Accord(repo / "statement")
    file = tmp_path / "figures.csv"
    file.write_text(f"{TWO_TARGETS}{bad_row}\n", "utf-8")
    before = snapshot(repo / "statement")
    head = git(repo, "rev-parse", "HEAD")
    done = accord("measure", "--from-csv", str(file))
    assert_refused(done, where)
    assert done.stderr.startswith(f"accord: {file}:{where}"), done.stderr
    assert_untouched(repo / "statement", before)
    assert git(repo, "rev-parse", "HEAD") == head


def test_the_same_period_of_two_targets_is_no_repeat(accord: Accord, records: Path, tmp_path: Path) -> None:
    file = tmp_path / "figures.csv"
    file.write_text(TWO_TARGETS, "utf-8")
    before = snapshot(records)
    out = succeeded(accord("measure", "--from-csv", str(file), "--dry-run"))
    assert "would record edpf signed 2025-06-30: (none) -> 0.1 (source: EXIM)" in out
    assert "would record edcf signed 2025-06-30: (none) -> 0.2 (source: EXIM)" in out
    assert out.count("would record ") == 4
    assert_untouched(records, before)
