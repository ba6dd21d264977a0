"""git, run as a program behind a small interface. Every exit code is checked."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .errors import GitError


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL
        )
    except FileNotFoundError:
        raise GitError("git is not installed") from None


class Git:
    """One work tree."""

    def __init__(self, top: Path):
        self.top = top

    @classmethod
    def find(cls, path: Path) -> Git | None:
        """The work tree that holds `path`, or None when there is none (or no git at all)."""
        try:
            done = _run(["rev-parse", "--show-toplevel"], cwd=path)
        except GitError:
            return None
        if done.returncode != 0:
            return None
        return cls(Path(done.stdout.strip()))

    def config(self, key: str) -> str | None:
        done = _run(["config", "--get", key], cwd=self.top)
        value = done.stdout.strip()
        return value if done.returncode == 0 and value else None

    def set_config(self, key: str, value: str) -> None:
        self._check(["config", key, value], "set git config")

    def commit(self, paths: list[Path], message: str, author: str, email: str | None) -> None:
        """Commit exactly `paths`, whatever else is staged, with `author` as the author."""
        env = dict(os.environ)
        # A clone without an identity still records who made the change.
        if not self.config("user.name"):
            env.setdefault("GIT_COMMITTER_NAME", author)
        if not self.config("user.email"):
            env.setdefault("GIT_COMMITTER_EMAIL", email or "")
        # git runs in the top folder: a path relative to the caller's folder would name another file.
        names = [str(p.resolve()) for p in paths]
        self._check(["add", "--", *names], "stage the change", env)
        self._check(
            ["commit", "--quiet", "--only", "-m", message, f"--author={author} <{email or ''}>", "--", *names],
            "commit the change",
            env,
        )

    def _check(self, args: list[str], what: str, env: dict[str, str] | None = None) -> str:
        done = _run(args, cwd=self.top, env=env)
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip().splitlines()
            raise GitError(f"git could not {what}: {detail[-1] if detail else f'exit {done.returncode}'}")
        return done.stdout
