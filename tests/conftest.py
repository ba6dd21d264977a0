"""Every test runs the real CLI against a temporary copy of the shipped records."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.cli import app

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "statement"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the current output")


@pytest.fixture(autouse=True)
def isolation(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's git identity, home, terminal or accord settings."""
    home = tmp_path_factory.mktemp("home")
    gitconfig = home / ".gitconfig"
    gitconfig.write_text("[user]\n\tname = Test Runner\n\temail = runner@example.org\n[commit]\n\tgpgsign = false\n")
    for name in list(os.environ):
        if name.startswith(("ACCORD_", "GIT_")) or name in ("FORCE_COLOR",):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("LINES", "50")
    monkeypatch.setenv("ACCORD_LOCK_TIMEOUT", "20")


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str


class Accord:
    """Runs `accord` in-process, the way a user types it, against one records folder."""

    def __init__(self, records: Path):
        self.records = records
        self.runner = CliRunner()

    def __call__(self, *args: str, user: str | None = "Officer One", env: dict[str, str] | None = None) -> Outcome:
        full_env = {"ACCORD_DIR": str(self.records), **(env or {})}
        if user is not None:
            full_env["ACCORD_USER"] = user
        result = self.runner.invoke(app, list(args), env=full_env, catch_exceptions=False)
        return Outcome(result.exit_code, result.stdout, result.stderr)


def copy_records(destination: Path) -> Path:
    target = destination / "statement"
    leftovers = shutil.ignore_patterns(".accord.lock", "*.accord-tmp", ".accord-cache", "*.accord-journal")
    shutil.copytree(SHIPPED, target, ignore=leftovers)
    return target


@pytest.fixture
def records(tmp_path: Path) -> Path:
    """A private copy of the shipped records, not in a git work tree."""
    return copy_records(tmp_path)


@pytest.fixture
def accord(records: Path) -> Accord:
    return Accord(records)


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    """A git repository whose first commit holds a copy of the records."""
    top = tmp_path / "repo"
    top.mkdir()
    git(top, "init", "-q", "-b", "main")
    copy_records(top)
    git(top, "add", ".")
    git(top, "commit", "-q", "-m", "records")
    yield top


def run_accord(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`accord` as a separate process, for concurrency, crash and git tests."""
    return subprocess.run(
        [sys.executable, "-m", "accord", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
