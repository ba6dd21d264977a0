"""Records survive concurrent writers, killed writers, full disks, a held lock and editors."""

from __future__ import annotations

import errno
import os
import random
import signal
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from accord import fsio, storage
from accord.storage import Store
from conftest import Accord, git
from helpers import (
    acknowledged,
    assert_refused,
    assert_untouched,
    assert_valid,
    history,
    leftovers,
    shown,
    snapshot,
    start_loop,
)

RECORD = Path("articles") / "4.yaml"


def notes(events: list[dict[str, Any]]) -> list[str]:
    return [e["note"] for e in events if e.get("note")]


# -- concurrent writers ------------------------------------------------------------------------------


@pytest.mark.slow
def test_concurrent_writers_lose_no_change_and_readers_never_see_half_a_file(accord: Accord, tmp_path: Path) -> None:
    go = tmp_path / "go"
    env = {"ACCORD_DIR": str(accord.records), "ACCORD_TEST_GO": str(go)}
    writers = [
        start_loop(
            str(i), 6, "note" if i % 2 else "set", "--no-commit", cwd=tmp_path, env={**env, "ACCORD_USER": f"W{i}"}
        )
        for i in range(8)
    ]
    reader = start_loop("reader", 40, "show", cwd=tmp_path, env=env)
    go.touch()
    for child in [*writers, reader]:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        pairs = acknowledged(out)
        assert len(pairs) == (40 if child is reader else 6), out
        assert all(code == 0 for code, _ in pairs), (out, err)
    written = notes(history(accord, "4.5"))
    expected = [f"writer {i} change {j}" for i in range(8) for j in range(6)]
    assert sorted(written) == sorted(expected)  # each change exactly once
    assert_valid(accord)
    assert leftovers(accord.records) == []


@pytest.mark.slow
def test_concurrent_writers_in_git_make_one_commit_per_change(repo: Path) -> None:
    records = repo / "statement"
    go = repo.parent / "go"
    env = {"ACCORD_DIR": str(records), "ACCORD_TEST_GO": str(go)}
    writers = [
        start_loop(str(i), 3, "note" if i % 2 else "set", cwd=repo, env={**env, "ACCORD_USER": f"Writer {i}"})
        for i in range(4)
    ]
    go.touch()
    for child in writers:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        assert [code for code, _ in acknowledged(out)] == [0, 0, 0], (out, err)
    assert int(git(repo, "rev-list", "--count", "HEAD")) == 1 + 4 * 3
    assert git(repo, "status", "--porcelain") == ""
    touched = git(repo, "log", "--format=", "--name-only", "HEAD~12..HEAD").split()
    assert touched == ["statement/articles/4.yaml"] * 12
    authors = git(repo, "log", "--format=%an", "HEAD~12..HEAD").split("\n")
    assert sorted(a for a in authors if a) == sorted(f"Writer {i}" for i in range(4) for _ in range(3))
    expected = sorted(f"writer {i} change {j}" for i in range(4) for j in range(3))
    assert sorted(notes(history(Accord(records), "4.5"))) == expected
    bodies = git(repo, "log", "--format=%b%x00", "HEAD~12..HEAD").split("\x00")
    assert sorted(body.strip() for body in bodies if body.strip()) == expected  # each message names its note


# -- killed writers --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_writer_killed_at_any_moment_never_leaves_a_broken_or_shorter_record(accord: Accord, tmp_path: Path) -> None:
    rng = random.Random()
    env = {"ACCORD_DIR": str(accord.records), "ACCORD_USER": "Crasher"}
    before: list[dict[str, Any]] = []
    for round_ in range(16):
        kind = "set" if round_ % 2 else "note"
        child = start_loop(f"r{round_}", -1, kind, "--no-commit", cwd=tmp_path, env=env)
        delay = rng.uniform(0.25, 0.9)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=30)
        done = [index for code, index in acknowledged(out) if code == 0]
        where = f"round {round_}, killed after {delay:.3f} s and {len(done)} changes"

        raw = (accord.records / RECORD).read_bytes()
        assert raw.endswith(b"\n"), where
        events = history(accord, "4.5")  # parses, validates against the model
        assert events[: len(before)] == before, where  # nothing lost, nothing rewritten
        written = notes(events)
        for index in done:
            assert f"writer r{round_} change {index}" in written, where
        assert_valid(accord)
        before = events

    # Whatever the kills left behind, and a leftover planted in each folder, goes with the next write.
    (accord.records / ".statement.yaml.planted.accord-tmp").write_text("half")
    (accord.records / "articles" / ".4.yaml.planted.accord-tmp").write_text("half")
    assert accord("note", "4.5", "After the crashes.").code == 0
    assert leftovers(accord.records) == []
    assert history(accord, "4.5")[-1]["note"] == "After the crashes."


# -- failing disks ---------------------------------------------------------------------------------------


class FaultyOs:
    """The os module as accord's writes see it (storage and fsio), with one call failing."""

    def __init__(self, name: str, error: int, when: Callable[..., bool] = lambda *args: True):
        self.name, self.error, self.when = name, error, when

    def __getattr__(self, attribute: str) -> Any:
        real = getattr(os, attribute)
        if attribute != self.name:
            return real

        def failing(*args: Any, **kwargs: Any) -> Any:
            if self.when(*args):
                raise OSError(self.error, os.strerror(self.error))
            return real(*args, **kwargs)

        return failing


def break_disk(patch: pytest.MonkeyPatch, faulty: FaultyOs) -> None:
    for module in (storage, fsio):
        patch.setattr(module, "os", faulty)


def is_folder(fd: int) -> bool:
    return stat.S_ISDIR(os.fstat(fd).st_mode)


@pytest.mark.parametrize("call", ["replace", "fsync"])
@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EACCES], ids=["ENOSPC", "EACCES"])
def test_a_failing_write_leaves_the_record_intact(
    accord: Accord, monkeypatch: pytest.MonkeyPatch, call: str, error: int
) -> None:
    assert accord("note", "4.5", "Already there.").code == 0
    before = snapshot(accord.records)
    with monkeypatch.context() as patch:
        break_disk(patch, FaultyOs(call, error))
        out = accord("set", "4.5", "completed", "--note", "Lost to the disk.")
    line = assert_refused(out, str(accord.records / RECORD), os.strerror(error), "unchanged")
    assert "Traceback" not in line
    assert_untouched(accord.records, before)
    assert leftovers(accord.records) == []
    # Once the disk is fine again, the same command works.
    assert accord("set", "4.5", "completed").code == 0
    assert shown(accord, "4.5")["status"] == "completed"


def test_a_failing_write_in_git_commits_nothing(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    accord = Accord(repo / "statement")
    head = git(repo, "rev-parse", "HEAD")
    break_disk(monkeypatch, FaultyOs("replace", errno.ENOSPC))
    assert_refused(accord("set", "4.5", "completed"), "articles/4.yaml")
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


def test_a_folder_that_cannot_be_synced_still_takes_the_change(accord: Accord, monkeypatch: pytest.MonkeyPatch) -> None:
    # Some filesystems (network shares, some FUSE mounts) refuse fsync on a folder with EINVAL.
    break_disk(monkeypatch, FaultyOs("fsync", errno.EINVAL, when=is_folder))
    out = accord("set", "4.5", "completed")
    assert out.code == 0, out.stderr
    assert shown(accord, "4.5")["status"] == "completed"
    assert_valid(accord)


def test_a_folder_sync_error_is_one_line_not_a_traceback(accord: Accord, monkeypatch: pytest.MonkeyPatch) -> None:
    break_disk(monkeypatch, FaultyOs("fsync", errno.EIO, when=is_folder))
    assert_refused(accord("set", "4.5", "completed"), "articles", os.strerror(errno.EIO))
    monkeypatch.undo()
    assert_valid(accord)
    assert leftovers(accord.records) == []


def test_a_write_keeps_the_file_mode(accord: Accord) -> None:
    path = accord.records / RECORD
    path.chmod(0o640)
    assert accord("set", "4.5", "completed").code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert shown(accord, "4.5")["status"] == "completed"


# -- the lock ----------------------------------------------------------------------------------------------


def test_a_held_lock_times_out_with_a_message(accord: Accord) -> None:
    lock = FileLock(accord.records / ".accord.lock")
    with lock:
        before = snapshot(accord.records)
        started = time.monotonic()
        out = accord("set", "4.5", "completed", env={"ACCORD_LOCK_TIMEOUT": "1"})
        waited = time.monotonic() - started
        assert_refused(out, ".accord.lock", "1 s")
        assert 0.9 <= waited < 10
        assert_untouched(accord.records, before)
        assert_refused(accord("undo", env={"ACCORD_LOCK_TIMEOUT": "0.2"}), "lock")
    # Released: the change goes through.
    assert accord("set", "4.5", "completed", env={"ACCORD_LOCK_TIMEOUT": "1"}).code == 0


# -- someone else's edit -------------------------------------------------------------------------------------


def test_an_edit_made_on_disk_during_a_change_is_not_overwritten(
    accord: Accord, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = accord.records / RECORD
    theirs = path.read_bytes().replace(b"title: Reach USD 150 billion", b"title: Reach USD 160 billion")
    assert theirs != path.read_bytes()
    save = Store.save

    def edited_meanwhile(self: Store, loaded: Any, record: Any) -> bytes:
        loaded.path.write_bytes(theirs)  # an editor saves the file after accord read it
        return save(self, loaded, record)

    monkeypatch.setattr(Store, "save", edited_meanwhile)
    assert_refused(accord("set", "4.5", "completed"), str(path), "changed")
    monkeypatch.undo()
    assert path.read_bytes() == theirs
    assert leftovers(accord.records) == []
    assert shown(accord, "4.5")["title"].startswith("Reach USD 160 billion")
    assert shown(accord, "4.5")["status"] == "not_started"
