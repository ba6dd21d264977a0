"""`accord split`: one commitment into several, each excerpt verbatim from its article; one commit,
one undo, numbers never reused, and a split in one clone merges with changes in another."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import Accord, git, run_accord
from helpers import assert_refused, assert_untouched, assert_valid, history, outcome, snapshot, succeeded
from support import read_yaml
from test_merge_driver import accord_on_path, clones, officer, pull  # noqa: F401  (fixtures)

FIRST = "kwamen beide partijen overeen de goederen van beide partijen te faciliteren om elkaars markten te betreden"
SECOND = "waaronder de snelle implementatie van de overeenkomst inzake wederzijdse erkenning"


def article(records: Path, article_id: str = "4") -> dict[str, Any]:
    data: dict[str, Any] = read_yaml(records / "articles" / f"{article_id}.yaml")
    return data


def next_number(records: Path) -> int:
    return max(int(c["id"].split(".")[1]) for c in article(records)["commitments"]) + 1


def test_a_split_keeps_the_id_for_the_first_part_and_numbers_the_others_after_the_last(repo: Path) -> None:
    records = repo / "statement"
    succeeded(outcome(run_accord("edit", "4.3", "--owner", "Trade desk", "--due", "2027-06-30", cwd=repo)))
    original = next(c for c in article(records)["commitments"] if c["id"] == "4.3")
    new_id = f"4.{next_number(records)}"
    before = int(git(repo, "rev-list", "--count", "HEAD"))
    done = outcome(run_accord(
        "split", "4.3", "--into", FIRST, "--into", SECOND,
        "--title", "Facilitate market access for goods", "--title", "Implement the AEO MRA quickly", cwd=repo,
    ))  # fmt: skip
    assert succeeded(done).splitlines()[0] == f"4.3 split: [4.3] -> [4.3, {new_id}]"
    commitments = article(records)["commitments"]
    ids = [c["id"] for c in commitments]
    assert ids[ids.index("4.3") + 1] == new_id  # right after the one it came from
    first, second = commitments[ids.index("4.3")], commitments[ids.index(new_id)]
    assert (first["excerpt"], first["title"]) == (FIRST, "Facilitate market access for goods")
    assert (second["excerpt"], second["title"]) == (SECOND, "Implement the AEO MRA quickly")
    for kept in ("side", "kind", "status", "owner", "due", "tags"):
        assert first[kept] == second[kept] == original[kept], kept
    assert int(git(repo, "rev-list", "--count", "HEAD")) == before + 1
    assert git(repo, "log", "-1", "--format=%s").strip() == f"4.3 split: [4.3] -> [4.3, {new_id}]"
    assert git(repo, "status", "--porcelain") == ""
    accord = Accord(records)
    assert_valid(accord)
    assert [e.get("field") for e in history(accord, "4.3")][-3:] == ["split", "excerpt", "title"]


def test_without_titles_every_part_keeps_the_title(accord: Accord, records: Path) -> None:
    title = next(c for c in article(records)["commitments"] if c["id"] == "4.3")["title"]
    succeeded(accord("split", "4.3", "--into", FIRST, "--into", SECOND))
    parts = [c for c in article(records)["commitments"] if c["excerpt"] in (FIRST, SECOND)]
    assert [c["title"] for c in parts] == [title, title]
    assert_valid(accord)


def test_undo_takes_the_split_back_and_the_number_is_not_used_again(accord: Accord, records: Path) -> None:
    before = article(records)["commitments"]
    number = next_number(records)
    succeeded(accord("split", "4.3", "--into", FIRST, "--into", SECOND, "--title", "A", "--title", "B"))
    undone = succeeded(accord("undo"))
    assert undone.splitlines()[0] == f"4.3 split: [4.3, 4.{number}] -> [4.3]"
    assert article(records)["commitments"] == before
    assert_valid(accord)
    again = succeeded(accord("split", "4.3", "--into", FIRST, "--into", SECOND))
    assert again.splitlines()[0] == f"4.3 split: [4.3] -> [4.3, 4.{number + 1}]"
    assert_valid(accord)


def test_undo_refuses_when_a_new_part_has_changed_since(accord: Accord, records: Path) -> None:
    number = next_number(records)
    succeeded(accord("split", "4.3", "--into", FIRST, "--into", SECOND))
    succeeded(accord("set", f"4.{number}", "in_progress", user="Officer Two"))
    before = snapshot(records)
    assert_refused(accord("undo"), f"4.{number} changed since the split")
    assert_untouched(records, before)


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["4.3", "--into", FIRST, "--into", "elkaars markten  te betreden"], "elkaars markten  te betreden"),
        (["4.3", "--into", FIRST, "--into", "niet in de tekst van artikel vier"], "niet in de tekst"),
        (["4.3", "--into", FIRST, "--into", SECOND.upper()], "WAARONDER"),
        (["4.3", "--into", FIRST], "two excerpts"),
        (["4.3", "--into", FIRST, "--into", FIRST], "the same"),
        (["4.3", "--into", FIRST, "--into", SECOND, "--title", "Only one"], "one title"),
        (["4", "--into", FIRST, "--into", SECOND], "not a commitment"),
        (["trade", "--into", FIRST, "--into", SECOND], "not a commitment"),
        (["4.99", "--into", FIRST, "--into", SECOND], "4.99"),
        (["4.3", "--into", FIRST, "--into", "  "], "--into"),
        (["4.3", "--into", "a", "--into", "b"], "cuts a word"),
        (["4.3", "--into", FIRST, "--into", SECOND[1:]], "cuts a word"),
    ],
    ids=["spaces-changed", "not-in-text", "case-changed", "one-part", "twice", "titles-short", "an-article",
         "a-target", "unknown", "blank", "letters", "part-of-a-word"],
)  # fmt: skip
def test_a_split_that_is_not_verbatim_or_not_whole_is_refused(
    accord: Accord, records: Path, args: list[str], named: str
) -> None:
    before = snapshot(records)
    assert_refused(accord("split", *args), named)
    assert_untouched(records, before)


def test_a_split_in_one_clone_merges_with_a_change_in_another(clones: tuple[Path, Path]) -> None:  # noqa: F811
    alice, bob = clones
    officer(alice, "Alice", "split", "4.3", "--into", FIRST, "--into", SECOND)
    officer(bob, "Bob", "set", "4.1", "completed")
    officer(bob, "Bob", "set", "4.3", "stalled")
    git(alice, "push", "-q", "origin", "main")
    merged = pull(bob)
    assert merged.returncode == 0, merged.stderr
    records = bob / "statement"
    commitments = {c["id"]: c for c in article(records)["commitments"]}
    assert commitments["4.3"]["excerpt"] == FIRST and commitments["4.3"]["status"] == "stalled"
    assert commitments["4.1"]["status"] == "completed"
    assert [c for c in commitments.values() if c["excerpt"] == SECOND]
    assert "<<<<<<<" not in (records / "articles" / "4.yaml").read_text("utf-8")
    assert_valid(Accord(records))
