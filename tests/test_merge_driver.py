"""Two officers, two clones, one record: git merges with accord's driver, no markers, no lost event."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import git, run_accord
from support import read_yaml


def officer(clone: Path, name: str, *args: str) -> subprocess.CompletedProcess[str]:
    done = run_accord(*args, cwd=clone, env={"ACCORD_USER": name})
    assert done.returncode == 0, done.stderr
    return done


ACCORD_BIN = Path(sys.executable).parent  # where this environment's `accord` command is


@pytest.fixture(autouse=True)
def accord_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """git runs the driver as `accord` from PATH, as it would in an officer's activated environment."""
    assert (ACCORD_BIN / "accord").exists()
    monkeypatch.setenv("PATH", f"{ACCORD_BIN}{os.pathsep}{os.environ['PATH']}")


def pull(clone: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "pull", "--no-rebase", "--no-edit", "-q"],
        cwd=clone,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


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


def test_two_officers_setting_each_a_partys_status_merge_into_both(clones: tuple[Path, Path]) -> None:
    alice, bob = clones
    officer(bob, "Bob", "set", "4.5", "in_progress")  # every party's, before either was set apart
    officer(alice, "Alice", "set", "4.5", "completed", "--party", "vietnam")
    officer(alice, "Alice", "set", "4.4", "stalled", "--party", "korea")
    git(alice, "push", "-q", "origin", "main")

    assert pull(bob).returncode == 0
    git(bob, "push", "-q", "origin", "main")
    assert pull(alice).returncode == 0

    article = read_yaml(bob / "statement" / "articles" / "4.yaml")
    by_id = {c["id"]: (c["status"], c.get("parties")) for c in article["commitments"]}
    # Bob's record held no party apart: Vietnam's event, merged in, still leaves Korea in progress.
    assert by_id["4.5"] == ("in_progress", {"vietnam": "completed", "korea": "in_progress"})
    assert by_id["4.4"] == ("stalled", {"vietnam": "not_started", "korea": "stalled"})
    assert (alice / "statement/articles/4.yaml").read_bytes() == (bob / "statement/articles/4.yaml").read_bytes()
    assert run_accord("validate", cwd=bob).returncode == 0


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
    assert text.count("<<<<<<<") == 1  # the driver's text merge, not a second one over its markers
    assert "verbatim text differently; left as a conflict" in merged.stderr
    assert "not on PATH or failed" not in merged.stderr


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


# -- what the officer is told ------------------------------------------------------------------------

STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d UTC"


def test_the_overruled_change_is_named_with_whose_change_was_kept(clones: tuple[Path, Path]) -> None:
    alice, bob = clones
    officer(alice, "Le Van A", "set", "4.5", "stalled")
    officer(alice, "Le Van A", "note", "4.1", "met the counterpart")
    git(alice, "push", "-q", "origin", "main")
    officer(bob, "Kim B", "set", "4.5", "completed")

    merged = pull(bob)

    assert merged.returncode == 0, merged.stderr
    told = [line for line in merged.stderr.splitlines() if line.startswith("accord merge:")]
    assert len(told) == 1, merged.stderr  # the note overrules nothing
    assert re.fullmatch(
        rf"accord merge: 4\.5 status: completed \(Kim B, {STAMP}\) kept over stalled \(Le Van A, {STAMP}\)", told[0]
    ), told[0]


def test_re_asserting_a_status_later_wins_the_merge(clones: tuple[Path, Path]) -> None:
    alice, bob = clones
    officer(alice, "Alice", "set", "4.5", "completed")
    git(alice, "push", "-q", "origin", "main")
    officer(bob, "Bob", "set", "4.5", "stalled", "--note", "funding frozen")
    assert officer(alice, "Alice", "set", "4.5", "completed").stdout.startswith("4.5 status: completed (re-asserted)")
    git(alice, "push", "-q", "origin", "main")

    merged = pull(bob)

    assert merged.returncode == 0, merged.stderr
    article = read_yaml(bob / "statement" / "articles" / "4.yaml")
    assert next(c for c in article["commitments"] if c["id"] == "4.5")["status"] == "completed"
    assert [(e["by"], e["new"]) for e in article["history"]] == [
        ("Alice", "completed"),
        ("Bob", "stalled"),
        ("Alice", "completed"),
    ]
    assert re.search(r"4\.5 status: completed \(Alice, .*\) kept over stalled \(Bob, ", merged.stderr), merged.stderr
    assert run_accord("validate", cwd=bob).returncode == 0


# -- a merge the driver cannot make is a conflict a person sees --------------------------------------


def unmerged(clone: Path) -> list[str]:
    return git(clone, "diff", "--name-only", "--diff-filter=U").split()


def test_a_hand_renamed_series_leaves_markers_and_both_measurements(clones: tuple[Path, Path]) -> None:
    alice, bob = clones
    officer(alice, "Alice", "measure", "trade", "96.1", "--period", "2026", "--source", "KITA")
    git(alice, "push", "-q", "origin", "main")
    trade = bob / "statement" / "targets" / "trade.yaml"
    trade.write_text(trade.read_text("utf-8").replace("- name: vietnam\n", "- name: vn\n"), "utf-8")
    git(bob, "commit", "-q", "-am", "rename series")
    officer(bob, "Bob", "measure", "trade", "80", "--period", "2026", "--series", "vn", "--source", "Customs")

    merged = pull(bob)

    assert merged.returncode != 0
    text = trade.read_text("utf-8")
    assert "<<<<<<< ours" in text and ">>>>>>> theirs" in text
    assert "96.1" in text and "Customs" in text  # both sides are there to be resolved
    assert unmerged(bob) == ["statement/targets/trade.yaml"]
    assert "accord merge: statement/targets/trade.yaml: target trade has no series 'vn'" in merged.stderr
    assert "not on PATH or failed" not in merged.stderr


def test_a_record_that_is_not_utf8_on_one_side_leaves_markers(clones: tuple[Path, Path]) -> None:
    alice, bob = clones
    officer(alice, "Alice", "set", "4.5", "in_progress")
    git(alice, "push", "-q", "origin", "main")
    path = bob / "statement" / "articles" / "4.yaml"
    path.write_bytes(path.read_bytes().replace(b"status: not_started", b"status: \xff\xfe", 1))
    git(bob, "commit", "-q", "-am", "a broken hand edit")

    merged = pull(bob)

    assert merged.returncode != 0
    assert b"<<<<<<< ours" in path.read_bytes() and b"in_progress" in path.read_bytes()
    assert unmerged(bob) == ["statement/articles/4.yaml"]
    assert "statement/articles/4.yaml: our version, line" in merged.stderr
    assert "not valid UTF-8; left as a conflict" in merged.stderr


# -- the driver's command survives a rebuilt or moved environment -------------------------------------


def driver_command(clone: Path) -> str:
    return git(clone, "config", "--get", "merge.accord.driver").strip()


def test_install_pins_no_interpreter_path(clones: tuple[Path, Path]) -> None:
    command = driver_command(clones[0])
    assert "accord merge-driver merge %O %A %B %P" in command
    assert sys.executable not in command and str(ACCORD_BIN) not in command


def path_without_accord() -> str:
    folders = os.environ["PATH"].split(os.pathsep)
    return os.pathsep.join(f for f in folders if f and not (Path(f) / "accord").exists())


def stalled_against_in_progress(alice: Path, bob: Path) -> None:
    officer(alice, "Alice", "set", "4.5", "in_progress", "--note", "talks started")
    git(alice, "push", "-q", "origin", "main")
    officer(bob, "Bob", "set", "4.5", "stalled", "--note", "funding frozen")


def assert_visible_conflict(bob: Path, merged: subprocess.CompletedProcess[str]) -> None:
    assert merged.returncode != 0
    text = (bob / "statement" / "articles" / "4.yaml").read_text("utf-8")
    assert text.count("<<<<<<< ours") >= 1 and "talks started" in text and "funding frozen" in text
    assert unmerged(bob) == ["statement/articles/4.yaml"]
    assert "accord merge: statement/articles/4.yaml: accord is not on PATH or failed; merged as text" in merged.stderr


def test_without_accord_on_path_git_leaves_text_conflict_markers(clones: tuple[Path, Path]) -> None:
    alice, bob = clones
    stalled_against_in_progress(alice, bob)
    bare = {"PATH": path_without_accord()}

    merged = pull(bob, bare)

    assert_visible_conflict(bob, merged)
    for command in (["validate"], ["merge-driver", "install"]):
        checked = run_accord(*command, cwd=bob, env=bare)
        assert "the merge driver cannot run here (accord is not found on PATH)" in checked.stderr, command


BROKEN = {
    # A rebuilt environment whose accord no longer imports: a traceback, exit 1, the file untouched.
    "fails-without-markers": "#!/bin/sh\necho 'ModuleNotFoundError: No module named accord' >&2\nexit 1\n",
    # A moved environment: the script's interpreter is gone.
    "stale-interpreter": "#!/gone/venv/bin/python3\nimport accord\n",
}


@pytest.mark.parametrize("script", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_accord_on_path_still_leaves_text_conflict_markers(
    clones: tuple[Path, Path], tmp_path: Path, script: str
) -> None:
    alice, bob = clones
    stalled_against_in_progress(alice, bob)
    broken = tmp_path / "broken-bin"
    broken.mkdir()
    (broken / "accord").write_text(script)
    (broken / "accord").chmod(0o755)
    env = {"PATH": f"{broken}{os.pathsep}{path_without_accord()}"}

    assert_visible_conflict(bob, pull(bob, env))
    if "gone" in script:
        checked = run_accord("validate", cwd=bob, env=env)
        assert "starts /gone/venv/bin/python3, which does not exist" in checked.stderr


def test_a_stale_interpreter_in_an_old_config_is_reported_and_install_repairs_it(clones: tuple[Path, Path]) -> None:
    alice, _ = clones
    git(alice, "config", "merge.accord.driver", "/gone/venv/bin/python3 -m accord merge-driver merge %O %A %B %P")

    warned = run_accord("validate", cwd=alice)
    assert warned.returncode == 0
    assert "the merge driver cannot run here (/gone/venv/bin/python3 is not found)" in warned.stderr
    assert "accord merge-driver install" in warned.stderr

    assert run_accord("merge-driver", "install", cwd=alice).returncode == 0
    assert "accord merge-driver merge %O %A %B %P" in driver_command(alice)
    assert "merge driver" not in run_accord("validate", cwd=alice).stderr


# -- the recovery the README gives, run as written -----------------------------------------------------

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_block(containing: str) -> str:
    """The README's shell block that holds `containing`, as a script."""
    blocks = re.findall(r"^ *```sh\n(.*?)^ *```", README.read_text("utf-8"), re.MULTILINE | re.DOTALL)
    [block] = [b for b in blocks if containing in b]
    return "set -e\n" + "\n".join(line.strip() for line in block.splitlines())


def without_driver(clones: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """Carol clones the shared repository and never installs the driver; Alice and Carol change 4.5."""
    alice = clones[0]
    carol = tmp_path / "carol"
    git(tmp_path, "clone", "-q", str(tmp_path / "origin.git"), str(carol))
    officer(alice, "Alice", "set", "4.5", "in_progress", "--note", "talks started")
    git(alice, "push", "-q", "origin", "main")
    officer(carol, "Carol", "set", "4.5", "stalled", "--note", "funding frozen")
    return alice, carol


def assert_both_sides_kept(carol: Path) -> None:
    record = carol / "statement" / "articles" / "4.yaml"
    assert "<<<<<<<" not in record.read_text("utf-8")
    notes = [e.get("note") for e in read_yaml(record)["history"]]
    assert sorted(notes) == ["funding frozen", "talks started"]
    assert run_accord("validate", cwd=carol).returncode == 0


def test_readme_recovery_of_a_text_merge_redoes_it_with_the_driver(clones: tuple[Path, Path], tmp_path: Path) -> None:
    _, carol = without_driver(clones, tmp_path)
    path = "statement/articles/4.yaml"
    assert pull(carol).returncode != 0
    assert "<<<<<<<" in (carol / path).read_text("utf-8")  # git merged as text
    git(carol, "checkout", "--theirs", path)
    assert "talks started" in (carol / path).read_text("utf-8")
    git(carol, "checkout", "--ours", path)
    assert "funding frozen" in (carol / path).read_text("utf-8")

    done = subprocess.run(["sh", "-c", readme_block("git checkout -m")], cwd=carol, capture_output=True, text=True)

    assert done.returncode == 0, done.stderr
    assert_both_sides_kept(carol)
    assert len(git(carol, "log", "-1", "--format=%P").split()) == 2  # the merge itself, committed
    assert "funding frozen" in (carol / "mine.yaml").read_text("utf-8")
    assert "talks started" in (carol / "theirs.yaml").read_text("utf-8")
    assert git(carol, "status", "--porcelain", "--", "statement") == ""


def test_readme_recovery_of_a_committed_union_merge_rebuilds_the_record(
    clones: tuple[Path, Path], tmp_path: Path
) -> None:
    _, carol = without_driver(clones, tmp_path)
    (carol / ".git" / "info" / "attributes").write_text("statement/articles/*.yaml merge=union\n")
    assert pull(carol).returncode == 0  # committed at once, with both sides' lines jumbled together
    (carol / ".git" / "info" / "attributes").unlink()
    assert run_accord("validate", cwd=carol).returncode != 0

    done = subprocess.run(["sh", "-c", readme_block("git merge-base")], cwd=carol, capture_output=True, text=True)

    assert done.returncode == 0, done.stderr
    assert_both_sides_kept(carol)
    assert (
        git(carol, "log", "-1", "--format=%s").strip() == "Merge statement/articles/4.yaml again with accord's driver"
    )
    assert git(carol, "status", "--porcelain", "--", "statement") == ""
