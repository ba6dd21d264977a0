"""git, run as a program behind a small interface. Every exit code is checked.

A change is committed only when the commit can succeed: the checks before writing catch what
can be known in advance (an author name git would alter or refuse, a merge or rebase under way,
a detached HEAD, a record that is ignored or already holds uncommitted changes), and git's own
index lock is waited for like accord's. Git's messages are read in English (LC_ALL=C), so that
accord can tell a busy index from other failures.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from .errors import ConflictError, GitError

# Files in the git folder that say an operation is under way, with what finishes or abandons it.
_UNDER_WAY = (
    ("MERGE_HEAD", "a merge", "git commit", "git merge --abort"),
    ("CHERRY_PICK_HEAD", "a cherry-pick", "git cherry-pick --continue", "git cherry-pick --abort"),
    ("REVERT_HEAD", "a revert", "git revert --continue", "git revert --abort"),
    ("rebase-merge", "a rebase", "git rebase --continue", "git rebase --abort"),
    ("rebase-apply", "a rebase or `git am`", "git rebase --continue", "git rebase --abort"),
)
_POLL = 0.05


class GitUnusable(GitError):
    """The records are in a git work tree, but git cannot be used there (refused, or not installed)."""


class CommitRefused(GitError):
    """git would refuse the commit or get it wrong; nothing is written. The change could be written without a commit."""


class AuthorRefused(CommitRefused):
    """git would refuse or alter the author's name; nothing is written."""


class UnmergedRecords(ConflictError):
    """git shows records with unresolved merge conflicts."""


def _git(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            env={**(env if env is not None else os.environ), "LC_ALL": "C"},
            capture_output=True,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise GitError("git is not installed") from None


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = _git(args, cwd, env)
    out, err = (stream.decode("utf-8", errors="replace") for stream in (done.stdout, done.stderr))
    return subprocess.CompletedProcess(done.args, done.returncode, out, err)


def _last_line(done: subprocess.CompletedProcess[str]) -> str:
    if done.returncode < 0:
        return f"git was stopped by signal {-done.returncode}"
    lines = [line for line in (done.stderr or done.stdout).strip().splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (errors or lines or [f"exit {done.returncode}"])[-1]


class Git:
    """One work tree."""

    def __init__(self, top: Path, git_dir: Path, index: Path):
        self.top = top
        self.git_dir = git_dir
        self.index = index
        self._config: dict[str, str] | None = None

    @classmethod
    def find(cls, path: Path) -> Git | None:
        """The work tree that holds `path`, or None when there is none or git cannot be used in it."""
        try:
            return cls.locate(path)
        except GitUnusable:
            return None

    @classmethod
    def locate(cls, path: Path) -> Git | None:
        """The work tree that holds `path`; None outside any; GitUnusable when git refuses it or is missing."""
        try:
            done = _run(["rev-parse", "--show-toplevel", "--absolute-git-dir", "--git-path", "index"], cwd=path)
        except GitError:
            folder = path.resolve()
            for candidate in (folder, *folder.parents):
                if (candidate / ".git").exists():
                    raise GitUnusable(f"{path} is in the git work tree {candidate}, but git is not installed") from None
            return None
        if done.returncode != 0:
            if "not a git repository" in done.stderr:
                return None
            trust = [line.strip() for line in done.stderr.splitlines() if "safe.directory" in line]
            advice = f"; if you trust it: {trust[-1]}" if trust else ""
            reason = _last_line(done).removeprefix("fatal: ")
            raise GitUnusable(f"git refuses the repository that holds {path}: {reason}{advice}")
        top, git_dir, index = done.stdout.splitlines()[:3]
        return cls(Path(top), Path(git_dir), (path / index).resolve())

    def config(self, key: str) -> str | None:
        if self._config is None:
            done = _run(["config", "--null", "--list"], cwd=self.top)
            entries = [entry.partition("\n") for entry in done.stdout.split("\0") if entry]
            # A key given without a value (`[accord] commit`) means true, as git reads it.
            self._config = {name.lower(): value if sep else "true" for name, sep, value in entries}
        value = self._config.get(key.lower(), "").strip()
        return value or None

    @classmethod
    def init(cls, folder: Path) -> Git:
        """A new repository in `folder`."""
        done = _run(["init", "--quiet"], cwd=folder)
        if done.returncode != 0:
            raise GitError(f"git could not create a repository in {folder}: {_last_line(done)}")
        found = cls.locate(folder)
        assert found is not None
        return found

    def commit_everything(self, message: str, author: str, email: str | None) -> None:
        """Add every file of the work tree that .gitignore lets in, and commit it all."""
        env = self._identity(author, email)
        self._check(["add", "--all"], "add the files")
        self._check(["commit", "--quiet", "-m", message], "commit", env=env)

    def set_config(self, key: str, value: str) -> None:
        self._check(["config", key, value], "set git config")
        self._config = None

    def relative(self, path: Path) -> str:
        return path.resolve().relative_to(self.top.resolve()).as_posix()

    # -- before writing -------------------------------------------------------------------------

    def unmerged(self, folder: Path) -> list[Path]:
        """Files under `folder` that git shows with unresolved merge conflicts."""
        done = _run(["ls-files", "--unmerged", "-z", "--", str(folder.resolve())], cwd=self.top)
        if done.returncode != 0:
            raise GitError(f"git could not list unmerged files: {_last_line(done)}")
        names = {entry.split("\t", 1)[1] for entry in done.stdout.split("\0") if "\t" in entry}
        return [self.top / name for name in sorted(names)]

    def check_can_commit(self, path: Path, author: str, email: str | None, timeout: float) -> None:
        """Refuse, before anything is written, a commit of `path` that git would refuse or get wrong."""
        for marker, what, finish, abandon in _UNDER_WAY:
            if (self.git_dir / marker).exists():
                raise GitError(
                    f"{what} is under way in {self.top}: finish it ({finish}) or abandon it ({abandon}), "
                    "then try again; nothing written"
                )
        name = self.relative(path)
        done = _run(
            [
                "--no-optional-locks",
                "status",
                "--porcelain=v2",
                "-z",
                "--branch",
                "--untracked-files=all",
                "--ignored=matching",
                "--",
                name,
            ],
            cwd=self.top,
        )
        if done.returncode != 0:
            raise GitError(f"git could not check {name}: {_last_line(done)}; nothing written")
        # The pathspec names the record alone, so every entry but the branch lines is about it.
        entries = done.stdout.split("\0")
        kinds = {entry[:2] for entry in entries}
        if "# branch.head (detached)" in entries:
            raise CommitRefused(
                f"no branch is checked out in {self.top} (HEAD is detached), so the commit would belong "
                "to no branch: check one out (git switch BRANCH); nothing written"
            )
        if "! " in kinds:
            raise CommitRefused(
                f"{name} is ignored by git (see `git check-ignore -v {name}`), so accord cannot commit it: "
                "stop ignoring it; nothing written"
            )
        if "? " in kinds:
            raise CommitRefused(
                f"{name} is not committed yet: commit the records first (git add, git commit); nothing written"
            )
        if kinds & {"1 ", "2 ", "u "}:
            raise CommitRefused(
                f"{name} has changes that no commit holds (written without a commit, or edited by hand), and "
                f"accord will not commit them under your name: commit them (git commit {name}) or discard them "
                f"(git restore --staged --worktree {name}); nothing written"
            )
        done = _run(["var", "GIT_AUTHOR_IDENT"], cwd=self.top, env=self._identity(author, email))
        if done.returncode != 0:
            raise AuthorRefused(f"git refuses the author {author!r}: {_last_line(done)}; nothing written")
        recorded = done.stdout.rsplit(" <", 1)[0]
        if recorded != author:
            raise AuthorRefused(
                f"git cannot record the author name {author!r} as given (it would record {recorded!r}): give a "
                "name without <, >, line breaks or punctuation at either end; nothing written"
            )
        self.wait_for_index(time.monotonic() + timeout)

    def _identity(self, author: str, email: str | None) -> dict[str, str]:
        env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": email or ""}
        # A clone without an identity still records who made the change.
        if not self.config("user.name"):
            env.setdefault("GIT_COMMITTER_NAME", author)
        if not self.config("user.email"):
            env.setdefault("GIT_COMMITTER_EMAIL", email or "")
        return env

    def wait_for_index(self, deadline: float) -> None:
        """Wait while another git process holds the index lock, as accord waits for its own lock."""
        lock = self.index.with_name(self.index.name + ".lock")
        while lock.exists():
            if time.monotonic() >= deadline:
                raise GitError(
                    f"another git process is using {self.top} and has held {lock} too long; try again once it "
                    "has finished (if no git is running, a killed one left the file behind: remove it); "
                    "nothing written"
                )
            time.sleep(_POLL)

    # -- committing -----------------------------------------------------------------------------

    def commit(self, paths: list[Path], message: str, author: str, email: str | None, timeout: float) -> None:
        """Commit exactly `paths` as they are in the work tree, whatever else is staged, by `author`."""
        env = self._identity(author, email)
        names = [self.relative(p) for p in paths]
        deadline = time.monotonic() + timeout
        while True:
            self.wait_for_index(deadline)
            done = _run(["commit", "--quiet", "--only", "-m", message, "--", *names], cwd=self.top, env=env)
            if done.returncode == 0:
                return
            # Another git process took one of git's locks (the index, a ref) between our look and our commit.
            busy = ".lock': File exists" in done.stderr
            if not busy or time.monotonic() >= deadline:
                hint = (
                    " (another git process holds that lock; if none is running, a killed one left it)" if busy else ""
                )
                raise GitError(f"git could not commit the change: {_last_line(done)}{hint}")
            time.sleep(_POLL)

    def track(self, path: Path) -> None:
        """Let a commit name a new file: `git add --intent-to-add`, which stages none of its content."""
        self._check(["add", "--intent-to-add", "--", self.relative(path)], f"add {self.relative(path)}")

    def forget(self, path: Path) -> None:
        """Undo `track` for a file no commit holds; nothing if git does not know it."""
        _run(["rm", "--cached", "--quiet", "--ignore-unmatch", "--", self.relative(path)], cwd=self.top)

    def committed(self, path: Path) -> bytes | None:
        """`path` as the last commit holds it; None when it holds no such file."""
        done = _git(["cat-file", "blob", f"HEAD:{self.relative(path)}"], cwd=self.top)
        return done.stdout if done.returncode == 0 else None

    def unstage(self, path: Path, timeout: float) -> None:
        """Make the index hold `path` as the last commit does, if it holds anything else."""
        name = self.relative(path)
        if _run(["diff", "--cached", "--quiet", "--", name], cwd=self.top).returncode == 0:
            return
        self.wait_for_index(time.monotonic() + timeout)
        self._check(["reset", "--quiet", "--", name], f"unstage {name}")

    def _check(self, args: list[str], what: str, env: dict[str, str] | None = None) -> str:
        done = _run(args, cwd=self.top, env=env)
        if done.returncode != 0:
            raise GitError(f"git could not {what}: {_last_line(done)}")
        return done.stdout


def refuse_unmerged(git: Git, records: Path) -> None:
    """Refuse to write while git shows records with unresolved merge conflicts."""
    unmerged = git.unmerged(records)
    if unmerged:
        first = unmerged[0]
        more = f" and {len(unmerged) - 1} more" if len(unmerged) > 1 else ""
        raise UnmergedRecords(
            f"{first}{more}: unresolved merge conflict; finish the merge first (fix the file, `git add` it and "
            "`git commit`, or `git merge --abort`)"
        )
