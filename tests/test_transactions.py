"""A change and its commit are one transaction: written and committed, or nothing at all.

Every test runs in a real git repository. Each way a commit can fail (or be known to fail) must
leave the record, the index and `git status` exactly as they were, with one line on stderr; and
the next officer's commit must then carry only that officer's own event, under their own name.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from accord import fsio, storage
from accord.fsio import MAX_FILE_BYTES
from accord.model import MAX_NOTE
from conftest import Accord, git, run_accord
from helpers import assert_refused, leftovers, shown, succeeded

RECORD = Path("statement/articles/4.yaml")
OTHER = Path("statement/articles/5.yaml")


def state(repo: Path) -> dict[str, Any]:
    """What an officer would see of the repository: the record's bytes, the index, the status, HEAD."""
    return {
        "record": (repo / RECORD).read_bytes(),
        "staged": git(repo, "diff", "--cached"),
        "status": git(repo, "status", "--porcelain", "--untracked-files=all"),
        "head": git(repo, "rev-parse", "HEAD"),
        "journals": journals(repo),
    }


def events_at(repo: Path, commit: str, path: str) -> set[tuple[str, str, str]]:
    done = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=repo, capture_output=True, text=True)
    if done.returncode != 0:
        return set()
    history = yaml.safe_load(done.stdout).get("history") or []
    return {(str(e["at"]), e["by"], e.get("note") or "") for e in history}


def assert_every_event_is_its_authors(repo: Path) -> list[tuple[str, str]]:
    """Each commit adds only events by its own author; returns (author, note) of every committed event."""
    found = []
    for line in git(repo, "log", "--format=%H %P%x00%an").splitlines():
        ids, author = line.split("\0")
        commit, *parents = ids.split()
        if not parents:
            continue
        touched = git(repo, "diff-tree", "--no-commit-id", "--name-only", "-r", commit).split()
        for path in [p for p in touched if p.startswith(("statement/articles/", "statement/targets/"))]:
            added = events_at(repo, commit, path) - events_at(repo, parents[0], path)
            for _, by, note in added:
                assert by == author, f"{commit[:8]} by {author} carries an event by {by}: {note!r}"
                found.append((by, note))
    return found


def next_officer_commits_only_their_own(repo: Path, accord: Accord, status: str = "") -> None:
    head = git(repo, "rev-parse", "HEAD").strip()
    out = accord("set", "4.2", "completed", "--note", "Protocol signed", user="Kim B")
    assert succeeded(out).endswith("committed\n")
    assert git(repo, "log", "-1", "--format=%an").strip() == "Kim B"
    assert git(repo, "rev-parse", "HEAD~1").strip() == head
    added = events_at(repo, "HEAD", RECORD.as_posix()) - events_at(repo, "HEAD~1", RECORD.as_posix())
    assert [(by, note) for _, by, note in added] == [("Kim B", "Protocol signed")]
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == [RECORD.as_posix()]
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == status
    assert_every_event_is_its_authors(repo)


def attempt(accord: Accord, env: dict[str, str] | None = None, user: str = "Le Van A") -> str:
    return assert_refused(accord("set", "4.5", "in_progress", "--note", "Talks held in Seoul", user=user, env=env))


# -- each way a commit fails ------------------------------------------------------------------------


def rejecting_hook(repo: Path) -> Callable[[], object]:
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text("#!/bin/sh\necho 'hook: rejected' >&2\nexit 1\n")
    hook.chmod(0o755)
    return hook.unlink


def signing_without_a_key(repo: Path) -> Callable[[], object]:
    git(repo, "config", "commit.gpgsign", "true")
    git(repo, "config", "gpg.program", "false")  # a signing program that always fails, as with no key
    return lambda: git(repo, "config", "commit.gpgsign", "false")


def git_wrapper(tmp_path: Path, on_commit: str) -> dict[str, str]:
    """The environment of an accord whose `git commit` runs `on_commit` (shell, with $GIT as the real git)."""
    wrapper = tmp_path / "bin" / "git"
    wrapper.parent.mkdir(exist_ok=True)
    real = subprocess.run(["sh", "-c", "command -v git"], capture_output=True, text=True, check=True).stdout.strip()
    wrapper.write_text(f'#!/bin/sh\nGIT={real}\nif [ "$1" = commit ]; then {on_commit}; fi\nexec $GIT "$@"\n')
    wrapper.chmod(0o755)
    return {"PATH": f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}"}


def no_room_for_git_objects(tmp_path: Path) -> dict[str, str]:
    """A `git` whose commits cannot write a file of any size, as on a full disk."""
    return git_wrapper(tmp_path, 'trap "" XFSZ; ulimit -f 0')


def merge_in_progress(repo: Path, marker: str) -> Callable[[], object]:
    """Another file conflicts in a merge (or a cherry-pick) that is not finished."""
    (repo / "notes.txt").write_text("base\n")
    git(repo, "add", "notes.txt")
    git(repo, "commit", "-qm", "notes")
    git(repo, "switch", "-qc", "side")
    (repo / "notes.txt").write_text("side\n")
    git(repo, "commit", "-qam", "side")
    git(repo, "switch", "-q", "main")
    (repo / "notes.txt").write_text("main\n")
    git(repo, "commit", "-qam", "main")
    command = ["merge", "side"] if marker == "merge" else ["cherry-pick", "side"]
    assert subprocess.run(["git", *command], cwd=repo, capture_output=True).returncode != 0
    return lambda: git(repo, command[0], "--abort")


def held_index_lock(repo: Path) -> Callable[[], object]:
    lock = repo / ".git" / "index.lock"
    lock.write_bytes(b"")
    return lock.unlink


def detached_head(repo: Path) -> Callable[[], object]:
    git(repo, "switch", "-q", "--detach")
    return lambda: git(repo, "switch", "-q", "main")


def uncommitted_edit(repo: Path, accord: Accord) -> Callable[[], object]:
    assert accord("note", "4.5", "Drafted without a commit", "--no-commit", user="Le Van A").code == 0
    return lambda: git(repo, "restore", "--", RECORD.as_posix())


def staged_hand_edit(repo: Path) -> Callable[[], object]:
    path = repo / RECORD
    path.write_bytes(path.read_bytes().replace(b"title: Reach USD 150", b"title: Reach USD 170"))
    git(repo, "add", RECORD.as_posix())
    return lambda: git(repo, "restore", "--staged", "--worktree", "--", RECORD.as_posix())


FAILURES = [
    "author <Le Van A>",
    "author .",
    "author with a trailing full stop",
    "rejecting pre-commit hook",
    "signing required, no key",
    "no room for git's objects",
    "merge in progress",
    "cherry-pick in progress",
    "index.lock held",
    "detached HEAD",
    "record changed by --no-commit",
    "record edited by hand and staged",
    "repository git refuses (ownership)",
    "git not installed",
]


@pytest.mark.parametrize("failure", FAILURES)
def test_a_commit_that_cannot_be_made_leaves_record_and_index_as_they_were(
    repo: Path, tmp_path: Path, failure: str
) -> None:
    accord = Accord(repo / "statement")
    (repo / "draft.txt").write_text("someone's staged work\n")  # must stay staged, and out of every commit
    git(repo, "add", "draft.txt")
    user, env = "Le Van A", {"ACCORD_LOCK_TIMEOUT": "1"}
    undo: Callable[[], Any] = lambda: None  # noqa: E731
    words: list[str] = []
    if failure.startswith("author"):
        user = {"author <Le Van A>": "<Le Van A>", "author .": "."}.get(failure, "Le Van A.")
        words = ["author", "--by", "nothing written"]
    elif failure == "rejecting pre-commit hook":
        undo, words = rejecting_hook(repo), ["hook: rejected", "taken back"]
    elif failure == "signing required, no key":
        undo, words = signing_without_a_key(repo), ["taken back"]
    elif failure == "no room for git's objects":
        env |= no_room_for_git_objects(tmp_path)
        words = ["File too large", "taken back"]
    elif failure in ("merge in progress", "cherry-pick in progress"):
        undo, words = merge_in_progress(repo, failure.split()[0]), [failure.split()[0], "--abort"]
    elif failure == "index.lock held":
        undo, words = held_index_lock(repo), ["index.lock", "another git process"]
    elif failure == "detached HEAD":
        undo, words = detached_head(repo), ["detached", "git switch"]
    elif failure == "record changed by --no-commit":
        undo, words = uncommitted_edit(repo, accord), ["no commit holds", "git restore", "git commit"]
    elif failure == "record edited by hand and staged":
        undo, words = staged_hand_edit(repo), ["no commit holds", "git restore"]
    elif failure == "repository git refuses (ownership)":
        env["GIT_TEST_ASSUME_DIFFERENT_OWNER"] = "1"
        words = ["dubious ownership", "--no-commit"]
    elif failure == "git not installed":
        env["PATH"] = str(tmp_path)  # no git on the path; the repository is still there
        words = ["git is not installed", "--no-commit"]
    before = state(repo)

    line = attempt(accord, env, user)

    for word in words:
        assert word in line, (word, line)
    assert "Traceback" not in line
    assert state(repo) == before
    assert leftovers(repo / "statement") == []
    undo()
    next_officer_commits_only_their_own(
        repo, accord, status=git(repo, "status", "--porcelain", "--untracked-files=all")
    )
    assert all(by != "Le Van A" for by, _ in assert_every_event_is_its_authors(repo))


def test_a_name_git_records_as_given_is_the_commit_author(repo: Path) -> None:
    accord = Accord(repo / "statement")
    assert succeeded(accord("set", "4.5", "in_progress", user="Lê Văn A")).endswith("committed\n")
    assert git(repo, "log", "-1", "--format=%an").strip() == "Lê Văn A"
    assert shown(accord, "4.5")["history"][-1]["by"] == "Lê Văn A"


def test_records_in_an_ignored_folder_are_not_written(repo: Path) -> None:
    git(repo, "rm", "-rq", "--cached", "statement")
    (repo / ".gitignore").write_text("statement/\n")
    git(repo, "add", ".gitignore")
    git(repo, "commit", "-qm", "records no longer tracked")
    accord = Accord(repo / "statement")
    before = (repo / RECORD).read_bytes(), git(repo, "status", "--porcelain"), git(repo, "diff", "--cached")
    line = attempt(accord)
    assert "ignored by git" in line and "--no-commit" in line
    assert ((repo / RECORD).read_bytes(), git(repo, "status", "--porcelain"), git(repo, "diff", "--cached")) == before
    # --no-commit writes, as it says.
    assert accord("set", "4.5", "in_progress", "--no-commit").code == 0
    assert shown(accord, "4.5")["status"] == "in_progress"


def test_an_index_lock_that_goes_away_within_the_timeout_is_waited_for(repo: Path) -> None:
    lock = repo / ".git" / "index.lock"
    lock.write_bytes(b"")
    holder = subprocess.Popen([sys.executable, "-c", f"import time, os; time.sleep(1.0); os.unlink({str(lock)!r})"])
    try:
        done = run_accord("set", "4.5", "in_progress", cwd=repo, env={"ACCORD_USER": "Le Van A"})
    finally:
        holder.wait()
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("committed\n")
    assert git(repo, "log", "-1", "--format=%an").strip() == "Le Van A"
    assert git(repo, "status", "--porcelain") == ""


def test_a_no_commit_change_is_written_with_a_note_where_git_cannot_be_used(repo: Path, tmp_path: Path) -> None:
    accord = Accord(repo / "statement")
    for env in ({"GIT_TEST_ASSUME_DIFFERENT_OWNER": "1"}, {"PATH": str(tmp_path)}):
        out = accord("note", "4.5", "Written anyway", "--no-commit", env=env)
        assert out.code == 0, out.stderr
        lines = out.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("accord: note: "), out.stderr
        assert "without a commit" in lines[0]
    assert [e["note"] for e in shown(accord, "4.5")["history"]] == ["Written anyway"] * 2


def test_outside_git_a_change_is_written_quietly_without_a_commit(accord: Accord) -> None:
    out = accord("set", "4.5", "in_progress")
    assert out.code == 0 and out.stderr == ""
    assert "committed" not in out.stdout


# -- a change killed half-way --------------------------------------------------------------------------


def killing_git(tmp_path: Path, after_commit: bool) -> dict[str, str]:
    """A `git` that kills the accord that runs it, just before (or just after) it commits."""
    kill = 'kill -9 "$PPID"'
    return git_wrapper(tmp_path, f'$GIT "$@"; status=$?; {kill}; exit $status' if after_commit else f"{kill}; exit 1")


@pytest.mark.parametrize("after_commit", [False, True], ids=["before-commit", "after-commit"])
def test_the_next_command_settles_a_change_whose_writer_was_killed(
    repo: Path, tmp_path: Path, after_commit: bool
) -> None:
    head = git(repo, "rev-parse", "HEAD").strip()
    env = {"ACCORD_USER": "Le Van A", **killing_git(tmp_path, after_commit)}
    done = run_accord("set", "4.5", "in_progress", "--note", "Talks held in Seoul", cwd=repo, env=env)
    assert done.returncode == -signal.SIGKILL
    assert len(journals(repo)) == 1
    assert b"Talks held in Seoul" in (repo / RECORD).read_bytes()  # written; committed only after_commit

    accord = Accord(repo / "statement")
    out = accord("set", "4.2", "completed", "--note", "Protocol signed", user="Kim B")
    assert succeeded(out).endswith("committed\n")
    if after_commit:  # Le Van A's commit landed: kept, and nothing to say
        assert out.stderr == ""
        assert git(repo, "log", "-2", "--format=%an").split("\n")[:2] == ["Kim B", "Le Van A"]
    else:  # written but never committed: taken back before Kim B's change, with one line
        line = out.stderr.strip()
        assert line.startswith("accord: note: ") and "took back" in line and "4.yaml" in line
        assert len(out.stderr.splitlines()) == 1
        assert git(repo, "rev-parse", "HEAD~1").strip() == head
    assert git(repo, "log", "-1", "--format=%an").strip() == "Kim B"
    notes = [note for _, note in assert_every_event_is_its_authors(repo)]
    assert ("Talks held in Seoul" in notes) == after_commit
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert journals(repo) == []


def test_a_killed_writer_is_settled_before_a_change_that_is_not_committed(repo: Path, tmp_path: Path) -> None:
    env = {"ACCORD_USER": "Le Van A", **killing_git(tmp_path, after_commit=False)}
    run_accord("set", "4.5", "in_progress", "--note", "Talks held in Seoul", cwd=repo, env=env)
    accord = Accord(repo / "statement")
    out = accord("note", "4.5", "Draft", "--no-commit", user="Kim B")
    assert out.code == 0 and "took back" in out.stderr
    assert [e["by"] for e in shown(accord, "4.5")["history"]] == ["Kim B"]


def child_pids(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (FileNotFoundError, ProcessLookupError):
        return []


def command_of(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="finds git children through /proc")
@pytest.mark.parametrize("victim", ["accord", "git"])
def test_kills_at_random_moments_never_commit_an_event_under_another_name(repo: Path, victim: str) -> None:
    rng = random.Random()
    env = {**os.environ, "ACCORD_USER": "Crasher", "ACCORD_LOCK_TIMEOUT": "2"}
    # How long a whole command takes here: kills are spread over that span.
    start = time.monotonic()
    assert run_accord("note", "4.5", "warm-up", cwd=repo, env={"ACCORD_USER": "Crasher"}).returncode == 0
    span = time.monotonic() - start
    rounds, stale_git_locks, budget = 0, [], time.monotonic() + 15
    seen: dict[str, int] = {}
    while rounds < 30 and time.monotonic() < budget:
        rounds += 1
        note = f"killed {rounds}"
        child = subprocess.Popen(
            [sys.executable, "-m", "accord", "set", "4.5", ["in_progress", "stalled"][rounds % 2], "--note", note],
            cwd=repo,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        point = kill_at_random(child, victim, span, rng, repo)
        child.wait()
        seen[point] = seen.get(point, 0) + 1

        accord = Accord(repo / "statement")
        short = {"ACCORD_LOCK_TIMEOUT": "2" if victim == "accord" else "0.5"}
        out = accord("note", "4.5", f"after {rounds}", user=f"Officer {rounds}", env=short)
        while out.code == 2 and (lock := re.search(r"(/\S+?\.lock)\b", out.stderr)):
            # A killed git left one of its locks: do as the message says.
            stale_git_locks.append(Path(lock[1]).name)
            Path(lock[1]).unlink()
            out = accord("note", "4.5", f"after {rounds}", user=f"Officer {rounds}", env=short)
        assert out.code == 0, (rounds, point, out.stderr)
        assert git(repo, "log", "-1", "--format=%an").strip() == f"Officer {rounds}"
        assert git(repo, "status", "--porcelain", "--untracked-files=all") == "", (rounds, point)
    committed = assert_every_event_is_its_authors(repo)
    assert all(by.startswith(("Officer", "Crasher")) for by, _ in committed)
    assert all(note.startswith(("killed", "warm-up")) for by, note in committed if by == "Crasher")
    assert_valid_records(repo)
    print(f"\n{victim}: {rounds} rounds, kill points {seen}, stale git locks removed {stale_git_locks}")


def kill_at_random(child: subprocess.Popen[bytes], victim: str, span: float, rng: random.Random, repo: Path) -> str:
    """Kill accord (or one of its git children) at a random moment; say where the change was left."""
    head = git(repo, "rev-parse", "HEAD")
    # Half the kills of accord come at a random time; the others when its journal or its commit appears.
    wanted = rng.choice(
        ["status", "var", "commit", "commit"] if victim == "git" else ["time", "time", "journal", "commit"]
    )
    if wanted == "time":
        time.sleep(rng.uniform(0.3, 1.1) * span)
        child.send_signal(signal.SIGKILL)
        child.wait()
        return "finished first" if child.returncode == 0 else left_at(repo, head)
    deadline = time.monotonic() + 3 * span + 2
    while child.poll() is None and time.monotonic() < deadline:
        git_child = next((pid for pid in child_pids(child.pid) if wanted in command_of(pid)[:3]), None)
        if git_child is not None or (wanted == "journal" and journals(repo)):
            time.sleep(rng.uniform(0, 0.01))
            try:
                os.kill(child.pid if victim == "accord" else git_child or 0, signal.SIGKILL)
            except ProcessLookupError:
                break
            child.wait()
            return f"{victim} signalled at {wanted}: {left_at(repo, head)}"
        time.sleep(0.001)
    child.wait()
    return f"{wanted}: finished first"


def journals(repo: Path) -> list[Path]:
    """The journals accord keeps of the record's previous bytes while a change is not final."""
    return sorted((repo / RECORD).parent.glob(f".{RECORD.name}.*.accord-journal"))


def left_at(repo: Path, head: str) -> str:
    left = journals(repo)
    if git(repo, "rev-parse", "HEAD") != head:
        return "committed, journal left" if left else "committed"
    if not left:
        return "nothing written"
    return (
        "journal, not yet replaced"
        if left[0].read_bytes() == (repo / RECORD).read_bytes()
        else "written, not committed"
    )


def assert_valid_records(repo: Path) -> None:
    done = run_accord("validate", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr


# -- unresolved merges ------------------------------------------------------------------------------------


def conflict_in(repo: Path, path: Path) -> None:
    """Two branches change the same line of `path`; a plain merge (no driver) stops on it."""
    git(repo, "switch", "-qc", "side")
    file = repo / path
    file.write_bytes(file.read_bytes().replace(b"status: not_started", b"status: completed", 1))
    git(repo, "commit", "-qam", "side")
    git(repo, "switch", "-q", "main")
    file.write_bytes(file.read_bytes().replace(b"status: not_started", b"status: stalled", 1))
    git(repo, "commit", "-qam", "main")
    assert subprocess.run(["git", "merge", "side"], cwd=repo, capture_output=True).returncode != 0


@pytest.mark.parametrize(
    "command",
    [
        ["set", "4.5", "in_progress"],
        ["note", "4.5", "x", "--no-commit"],
        ["edit", "4.5", "--owner", "Trade desk"],
        ["measure", "trade", "90", "--period", "2026", "--source", "KITA", "--no-commit"],
        ["undo"],
    ],
    ids=lambda c: " ".join(c[:1] + c[-1:]),
)
def test_no_command_writes_while_records_are_unmerged(repo: Path, command: list[str]) -> None:
    conflict_in(repo, OTHER)
    accord = Accord(repo / "statement")
    before = {p: p.read_bytes() for p in (repo / "statement").rglob("*.yaml")}
    status = git(repo, "status", "--porcelain")
    line = assert_refused(accord(*command))
    assert "5.yaml" in line and "unresolved merge" in line and "git merge --abort" in line
    assert {p: p.read_bytes() for p in (repo / "statement").rglob("*.yaml")} == before
    assert git(repo, "status", "--porcelain") == status


# -- another program writes the record meanwhile ------------------------------------------------------


class EditorDuring:
    """The os module as accord.storage and accord.fsio see it: an editor saves the record in place during `call`."""

    def __init__(self, call: str, path: Path, text: bytes):
        self.call, self.record, self.text, self.done = call, path, text, False

    def __getattr__(self, name: str) -> Any:
        real = getattr(os, name)
        if name != self.call:
            return real

        def during(*args: Any) -> Any:
            if not self.done:
                self.done = True
                with open(self.record, "r+b") as handle:  # in place, as editors of hard-linked files do
                    handle.truncate(0)
                    handle.write(self.text)
            return real(*args)

        return during


@pytest.mark.parametrize("call", ["fsync", "replace"])
def test_an_edit_saved_while_accord_writes_is_kept(repo: Path, monkeypatch: pytest.MonkeyPatch, call: str) -> None:
    path = repo / RECORD
    theirs = path.read_bytes().replace(b"title: Reach USD 150 billion", b"title: EDITED BY HAND 150 billion")
    head = git(repo, "rev-parse", "HEAD")
    editor = EditorDuring(call, path, theirs)
    monkeypatch.setattr(storage, "os", editor)
    monkeypatch.setattr(fsio, "os", editor)  # the temporary file is flushed there
    line = assert_refused(Accord(repo / "statement")("note", "4.5", "hello"))
    monkeypatch.undo()
    assert "changed" in line and "nothing written" in line
    assert path.read_bytes() == theirs
    assert git(repo, "rev-parse", "HEAD") == head
    assert leftovers(repo / "statement") == [] and journals(repo) == []


# -- limits and settings ----------------------------------------------------------------------------------


def test_a_change_that_would_make_a_record_too_large_to_read_is_refused(repo: Path) -> None:
    path = repo / RECORD
    # A long history of notes as long as a note may be, filled to 1,500 bytes short of the limit.
    room = MAX_FILE_BYTES - path.stat().st_size - 1_500
    event = "- at: '2026-01-01T00:00:00.000000Z'\n  by: Filler\n  id: '4.5'\n  note: {}\n"
    events = []
    while room > 0:
        note = "x" * min(MAX_NOTE, room - len(event.format("")))
        events.append(event.format(note))
        room -= len(events[-1])
    filler = "history:\n" + "".join(events)
    path.write_bytes(path.read_bytes().replace(b"history: []\n", filler.encode()))
    git(repo, "commit", "-qam", "a long history")
    accord = Accord(repo / "statement")
    before = state(repo)
    line = assert_refused(accord("note", "4.5", "y" * 3_000))
    assert "too large" in line and "split" in line and "nothing written" in line
    assert state(repo) == before
    assert accord("note", "4.5", "short").code == 0  # still under the limit: accepted, and readable
    assert shown(accord, "4.5")["history"][-1]["note"] == "short"


@pytest.mark.parametrize(
    "name, value",
    [
        ("ACCORD_LOCK_TIMEOUT", "abc"),
        ("ACCORD_LOCK_TIMEOUT", "nan"),
        ("ACCORD_LOCK_TIMEOUT", "-1"),
        ("ACCORD_LOCK_TIMEOUT", "inf"),
        ("ACCORD_COMMIT", "maybe"),
    ],
)
def test_a_bad_setting_is_a_usage_error(repo: Path, name: str, value: str) -> None:
    before = state(repo)
    line = assert_refused(Accord(repo / "statement")("set", "4.5", "in_progress", env={name: value}))
    assert name in line and value in line
    assert state(repo) == before


def test_a_bad_accord_commit_config_is_a_usage_error(repo: Path) -> None:
    git(repo, "config", "accord.commit", "maybe")
    before = state(repo)
    line = assert_refused(Accord(repo / "statement")("set", "4.5", "in_progress"))
    assert "accord.commit" in line
    assert state(repo) == before


def test_the_lock_timeout_message_never_says_to_remove_the_lock(accord: Accord) -> None:
    from filelock import FileLock

    with FileLock(accord.records / ".accord.lock"):
        line = assert_refused(accord("set", "4.5", "completed", env={"ACCORD_LOCK_TIMEOUT": "0.2"}))
    assert "another accord process" in line and "try again" in line
    assert "remove" not in line


def test_a_journal_left_by_a_killed_writer_is_ignored_by_git(repo: Path) -> None:
    (repo / "statement" / "articles" / ".4.yaml.0123abcd.accord-journal").write_bytes((repo / RECORD).read_bytes())
    (repo / "statement" / "targets" / ".trade.yaml.accord-journal").write_bytes(b"")
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


def test_an_interrupted_change_edited_by_hand_since_is_left_for_its_owner(repo: Path, tmp_path: Path) -> None:
    env = {"ACCORD_USER": "Le Van A", **killing_git(tmp_path, after_commit=False)}
    run_accord("set", "4.5", "in_progress", "--note", "Talks held in Seoul", cwd=repo, env=env)
    path = repo / RECORD
    path.write_bytes(path.read_bytes() + b"# checked by hand\n")
    head = git(repo, "rev-parse", "HEAD")
    accord = Accord(repo / "statement")
    out = accord("note", "4.5", "Mine", user="Kim B")
    assert out.code == 2
    note, error = out.stderr.splitlines()
    assert note.startswith("accord: note: ") and "left as it is" in note
    assert error.startswith("accord: ") and "no commit holds" in error
    assert path.read_bytes().endswith(b"# checked by hand\n")  # nothing of the hand edit is lost
    assert git(repo, "rev-parse", "HEAD") == head


class NoHardLinks:
    """The os module as accord.storage sees it, on a filesystem without hard links."""

    def __getattr__(self, name: str) -> Any:
        if name == "link":

            def refuse(*args: Any) -> None:
                raise PermissionError(1, "Operation not permitted")

            return refuse
        return getattr(os, name)


def test_without_hard_links_the_journal_is_a_copy_and_a_failed_commit_is_still_taken_back(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage, "os", NoHardLinks())
    accord = Accord(repo / "statement")
    remove_hook = rejecting_hook(repo)
    before = state(repo)
    assert "taken back" in attempt(accord)
    assert state(repo) == before
    remove_hook()
    next_officer_commits_only_their_own(repo, accord)


def test_validate_refuses_to_vouch_for_unmerged_records(repo: Path) -> None:
    conflict_in(repo, OTHER)
    done = Accord(repo / "statement")("validate")
    line = assert_refused(done)
    assert "5.yaml" in line and "unresolved merge" in line and "git merge --abort" in line
    assert "all records valid" not in done.stdout
