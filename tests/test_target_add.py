"""`accord target add`: a new numeric target, checked by the model and against the records, in one commit."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Accord, git, run_accord
from helpers import assert_refused, assert_untouched, assert_valid, outcome, parse_json, shown, snapshot, succeeded
from support import read_yaml

GOAL = [
    "--title", "Korean investment of 100 billion USD",
    "--commitment", "4.1",
    "--kind", "cumulative",
    "--unit", "billion USD",
    "--value", "100",
    "--source", "Joint statement, article 4",
    "--baseline", "2025-01-01",
    "--deadline", "2030-12-31",
]  # fmt: skip


def with_option(option: str, value: str) -> list[str]:
    """GOAL with `option` set to `value`."""
    given = list(GOAL)
    given[given.index(option) + 1] = value
    return given


def test_a_target_is_added_in_one_commit_and_can_be_measured(repo: Path) -> None:
    records = repo / "statement"
    before = int(git(repo, "rev-list", "--count", "HEAD"))
    args = ["target", "add", "investment", *GOAL, "--series", "signed", "--label", "Signed so far"]
    done = outcome(run_accord(*args, "--note", "Goal stated in the text", cwd=repo))
    assert succeeded(done) == "added target investment: Korean investment of 100 billion USD\n"
    assert int(git(repo, "rev-list", "--count", "HEAD")) == before + 1
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["statement/targets/investment.yaml"]
    assert git(repo, "status", "--porcelain") == ""
    path = records / "targets" / "investment.yaml"
    first = path.read_text("utf-8").splitlines()[0]
    assert (path.parent / first.split("$schema=")[1]).resolve() == records / "schema" / "target.schema.json"
    data = read_yaml(path)
    assert (data["article"], data["commitment"], data["value"], data["source"]) == (
        "4", "4.1", 100, "Joint statement, article 4"
    )
    assert data["notes"] == ["Goal stated in the text"]
    accord = Accord(records)
    assert_valid(accord)
    progress = parse_json(succeeded(accord("progress", "--format", "json")))
    assert "investment" in [t["target"] for t in progress["targets"]]
    assert shown(accord, "4.1")["targets"] == ["investment"]
    measured = run_accord("measure", "investment", "2.5", "--period", "2025-06-30", "--source", "MPI", cwd=repo)
    succeeded(outcome(measured))
    assert read_yaml(path)["series"][0]["measurements"] == [{"period": "2025-06-30", "value": 2.5, "source": "MPI"}]


@pytest.mark.parametrize(
    ("target_id", "args", "named"),
    [
        ("trade", GOAL, "trade"),
        ("4", GOAL, "4"),
        ("Bad Id!", GOAL, "Bad Id!"),
        ("../escape", GOAL, "escape"),
        ("investment", with_option("--commitment", "4.99"), "4.99"),
        ("investment", with_option("--commitment", "4"), "not a commitment"),
        ("investment", [*GOAL, "--article", "5"], "article 4"),
        ("investment", with_option("--deadline", "2024-12-31"), "baseline"),
        ("investment", with_option("--value", "lots"), "lots"),
        ("investment", with_option("--value", "1e20"), "10^15"),
        ("investment", with_option("--kind", "yearly"), "yearly"),
        ("investment", with_option("--unit", "  "), "unit"),
        ("investment", with_option("--baseline", "2025-02-30"), "2025-02-30"),
        ("investment", [*GOAL, "--series", "signed"], "label"),
        ("investment", [*GOAL, "--series", "Signed Loans", "--label", "x"], "series"),
        ("investment", GOAL[:-2], "--deadline"),
        ("investment", [a for a in GOAL if a not in ("--source", "Joint statement, article 4")], "--source"),
    ],
    ids=["target-id-taken", "article-id-taken", "bad-id", "path", "unknown-commitment", "an-article",
         "article-disagrees", "deadline-before-baseline", "not-a-number", "too-large", "unknown-kind", "blank-unit",
         "no-such-day", "series-without-label", "bad-series-name", "no-deadline", "no-source"],
)  # fmt: skip
def test_a_bad_target_is_refused_and_nothing_is_written(
    repo: Path, target_id: str, args: list[str], named: str
) -> None:
    records = repo / "statement"
    before, head = snapshot(records), git(repo, "rev-parse", "HEAD")
    assert_refused(outcome(run_accord("target", "add", target_id, *args, cwd=repo)), named)
    assert_untouched(records, before)
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "status", "--porcelain") == ""


def test_a_refused_commit_leaves_no_file_and_a_clean_index(repo: Path) -> None:
    records = repo / "statement"
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    before = snapshot(records)
    done = outcome(run_accord("target", "add", "investment", *GOAL, cwd=repo))
    assert done.code == 2
    assert_untouched(records, before)
    assert git(repo, "status", "--porcelain") == ""


def test_outside_git_the_target_is_written_without_a_commit(accord: Accord, records: Path) -> None:
    assert succeeded(accord("target", "add", "investment", *GOAL)).startswith("added target investment")
    assert_valid(accord)
    assert shown(accord, "investment")["unit"] == "billion USD"
