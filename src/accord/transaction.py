"""One change, one transaction: the record is written and committed, or neither.

The lock is held from reading the record to committing it. The record's previous bytes stay in
a journal beside it until the change is final; a change a killed writer left unfinished is
settled by the next writer: kept if git committed it, else taken back.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .errors import AccordError, ConflictError, DataError, GitError
from .model import Record
from .storage import Journal, Loaded, Store
from .text import yes_or_no
from .vcs import Git, GitUnusable, refuse_unmerged


def committer(store: Store, commit: bool) -> Git | None:
    """The work tree to commit changes in: none if not `commit`, outside any work tree, or when
    the clone says `git config accord.commit false`.

    In a work tree git cannot be used in (it refuses it, or git is missing), a change to be
    committed is refused: it would otherwise be left written and uncommitted.
    """
    if not commit:
        return None
    try:
        git = Git.locate(store.root)
    except GitUnusable as exc:
        raise GitUnusable(f"{exc}; cannot commit, nothing written") from None
    if git is None:
        return None
    setting = git.config("accord.commit")
    return git if setting is None or yes_or_no(setting, "git config accord.commit") else None


@contextmanager
def writing(store: Store, git: Git | None) -> Iterator[None]:
    """Hold the lock for a change; first settle what a killed writer left, and refuse unmerged records."""
    repository = git if git is not None else _repository_to_check(store)
    with store.lock():
        for journal in store.journals():
            outcome = settle(journal, repository, store.lock_timeout)
            if outcome:
                store.notify(f"{store.relative(journal.record)}: {outcome}")
        if repository is not None:
            refuse_unmerged(repository, store.root)
        yield


def _repository_to_check(store: Store) -> Git | None:
    try:
        return Git.locate(store.root)
    except GitUnusable as exc:
        store.notify(f"{exc}; writing without a commit and without checking for unfinished merges")
        return None


def settle(journal: Journal, git: Git | None, timeout: float, orphaned: bool = True) -> str | None:
    """End the change `journal` says is unfinished: keep it if committed, else take it back.

    Returns what was done, when the user should hear of it. An `orphaned` change is one whose
    writer was killed: its git may still be committing, and decides first.
    """
    record = journal.record
    previous = journal.path.read_bytes()
    current = record.read_bytes() if record.exists() else None
    if current == previous or (git is None and journal.wrote(current)):
        journal.close()  # nothing was written, or there is no commit to settle it with
        return None
    if git is not None and journal.wrote(current):
        if orphaned:
            git.wait_for_index(time.monotonic() + timeout)
        committed = git.committed(record)
        if committed == current:
            git.unstage(record, timeout)  # a commit killed before it updated the index
            journal.close()
            return None
        if committed == previous:
            journal.take_back()
            git.unstage(record, timeout)
            return "took back a change that was written but never committed (its accord was interrupted)"
    # Neither version is where it should be: someone edited the file or committed since, and decides.
    journal.close()
    return "holds an uncommitted change of an interrupted accord command and was changed since; left as it is"


def save(
    store: Store, loaded: Loaded[Any], updated: Record, git: Git | None, message: str, author: str, email: str | None
) -> bool:
    """Write `updated` over the file `loaded` came from and commit it with `message`; whether it was committed.

    A commit that fails is taken back from the file and the index.
    """
    return save_all(store, [(loaded, updated)], git, message, author, email)


def save_all(
    store: Store,
    writes: Sequence[tuple[Loaded[Any], Record]],
    git: Git | None,
    message: str,
    author: str,
    email: str | None,
) -> bool:
    """Write each record over the file it came from and commit them all in one commit; whether it was committed.

    A write or a commit that fails takes every file back: the change is made whole or not at all.
    """
    if git is not None:
        for loaded, _ in writes:
            git.check_can_commit(loaded.path, author, email, store.lock_timeout)
    journals: list[Journal] = []
    try:
        for loaded, updated in writes:
            journals.append(Journal.of(loaded.path, store.save(loaded, updated)))
    except BaseException:
        for journal in journals:
            journal.take_back()
        raise
    if git is None:
        for journal in journals:
            journal.close()
        return False
    try:
        git.commit([j.record for j in journals], message, author, email, store.lock_timeout)
    except BaseException as exc:
        try:
            kept = all([settle(journal, git, store.lock_timeout, orphaned=False) is None for journal in journals])
        except AccordError as again:
            raise GitError(f"{exc}; and then {again}; the next accord command will settle the change") from None
        if isinstance(exc, GitError):
            what = "kept: git committed it after all" if kept else "taken back: the records and the index are as before"
            raise GitError(f"{exc}; the change is {what}") from None
        raise
    for journal in journals:
        journal.close()
    return True


def create_record(
    store: Store, path: Path, data: bytes, git: Git | None, message: str, author: str, email: str | None
) -> bool:
    """Write a new record file and commit it; whether it was committed. A commit that fails removes the file."""
    if git is not None:
        git.check_can_commit(path, author, email, store.lock_timeout)
    try:
        with open(path, "xb") as file:  # never over a file that appeared since we looked
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    except FileExistsError:
        raise ConflictError(f"{path} appeared while accord was writing it; nothing written") from None
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise DataError(path, None, f"cannot write: {exc.strerror}; nothing written") from None
    if git is None:
        return False
    try:
        git.track(path)
        git.commit([path], message, author, email, store.lock_timeout)
    except BaseException:
        git.forget(path)
        path.unlink(missing_ok=True)
        raise
    return True
