"""Two officers, two clones, one record: git merges with accord's driver, no markers, no lost event."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import git, run_accord
from support import read_yaml


def officer(clone: Path, name: str, *args: str) -> subprocess.CompletedProcess[str]:
    done = run_accord(*args, cwd=clone, env={"ACCORD_USER": name})
    assert done.returncode == 0, done.stderr
    return done


def pull(clone: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "pull", "--no-rebase", "--no-edit", "-q"], cwd=clone, capture_output=True, text=True)


@pytest.fixture
def clones(repo: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A shared bare repository, seeded from `repo`, and two clones, each with the merge driver installed."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(origin))
    first, second = tmp_path / "alice", tmp_path / "bob"
    for clone in (first, second):
        git(tmp_path, "clone", "-q", str(origin), str(clone))
    installed = run_accord("merge-driver", "install", cwd=first)
    assert installed.returncode == 0, installed.stderr
    assert "statement/articles/*.yaml merge=accord" in (first / ".gitattributes").read_text()
    git(first, "add", ".gitattributes")
    git(first, "commit", "-q", "-m", "merge records with accord")
    git(first, "push", "-q", "origin", "main")
    assert pull(second).returncode == 0
    assert run_accord("merge-driver", "install", cwd=second).returncode == 0
    return first, second


def test_changes_to_the_same_commitment_in_two_clones_merge_without_conflict(clones: tuple[Path, Path]) -> None:
    alice, bob = clones
    officer(alice, "Alice", "set", "4.5", "in_progress", "--note", "talks started")
    officer(alice, "Alice", "edit", "4.5", "--owner", "Trade desk")
    git(alice, "push", "-q", "origin", "main")
    officer(bob, "Bob", "set", "4.5", "completed", "--note", "target confirmed")
    officer(bob, "Bob", "note", "4.1", "met the counterpart")

    merged = pull(bob)

    assert merged.returncode == 0, merged.stderr + merged.stdout
    text = (bob / "statement" / "articles" / "4.yaml").read_text("utf-8")
    assert "<<<<<<<" not in text and ">>>>>>>" not in text
    article = read_yaml(bob / "statement" / "articles" / "4.yaml")
    notes = sorted(e.get("note", "") for e in article["history"])
    assert notes == ["", "met the counterpart", "talks started", "target confirmed"]
    commitment = next(c for c in article["commitments"] if c["id"] == "4.5")
    assert commitment["status"] == "completed"  # Bob's change was recorded last
    assert commitment["owner"] == "Trade desk"  # Alice's edit is kept
    assert run_accord("validate", cwd=bob).returncode == 0
    assert git(bob, "status", "--porcelain") == ""


def test_the_merge_is_the_same_from_either_side(clones: tuple[Path, Path]) -> None:
    alice, bob = clones
    officer(alice, "Alice", "set", "4.5", "stalled")
    git(alice, "push", "-q", "origin", "main")
    officer(bob, "Bob", "set", "4.5", "ongoing")
    assert pull(bob).returncode == 0
    git(bob, "push", "-q", "origin", "main")
    assert pull(alice).returncode == 0
    assert (alice / "statement/articles/4.yaml").read_bytes() == (bob / "statement/articles/4.yaml").read_bytes()


def test_measurements_of_two_clones_are_both_kept(clones: tuple[Path, Path]) -> None:
    alice, bob = clones
    officer(alice, "Alice", "measure", "trade", "96.1", "--period", "2026", "--source", "KITA, January 2027")
    git(alice, "push", "-q", "origin", "main")
    officer(bob, "Bob", "measure", "trade", "84.0", "--period", "2025", "--series", "vietnam", "--source", "customs")

    assert pull(bob).returncode == 0

    target = read_yaml(bob / "statement" / "targets" / "trade.yaml")
    series = {s["name"]: {m["period"]: str(m["value"]) for m in s["measurements"]} for s in target["series"]}
    assert series["korea"]["2026"] == "96.1"
    assert series["vietnam"]["2025"] == "84.0"
    assert len(target["history"]) == 2
    assert run_accord("validate", cwd=bob).returncode == 0


def test_differing_changes_to_the_verbatim_text_stay_a_conflict(clones: tuple[Path, Path]) -> None:
    alice, bob = clones
    for clone, words in ((alice, "Alice's wording"), (bob, "Bob's wording")):
        path = clone / "statement" / "articles" / "4.yaml"
        path.write_text(path.read_text("utf-8").replace("Beide partijen benadrukten", words, 1), "utf-8")
        git(clone, "commit", "-q", "-am", f"reword article 4 ({words})")
    git(alice, "push", "-q", "origin", "main")

    merged = pull(bob)

    assert merged.returncode != 0
    text = (bob / "statement" / "articles" / "4.yaml").read_text("utf-8")
    assert "<<<<<<<" in text and "Alice's wording" in text and "Bob's wording" in text


def test_a_clone_without_the_driver_is_told_to_install_it(clones: tuple[Path, Path], tmp_path: Path) -> None:
    fresh = tmp_path / "carol"
    git(tmp_path, "clone", "-q", str(tmp_path / "origin.git"), str(fresh))

    checked = run_accord("validate", cwd=fresh)

    assert checked.returncode == 0
    assert "accord merge-driver install" in checked.stderr
    assert "accord merge-driver install" not in run_accord("validate", cwd=clones[0]).stderr


def test_install_outside_git_is_a_clear_error(records: Path) -> None:
    done = run_accord("merge-driver", "install", "--dir", str(records), cwd=records.parent)
    assert done.returncode == 2
    assert "not in a git work tree" in done.stderr
    assert "Traceback" not in done.stderr
