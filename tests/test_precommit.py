"""The pre-commit hook this project publishes: a commit of a broken record is stopped.

pre-commit installs a `language: python` hook by pip-installing the hook's repository, which needs
the network. The test keeps everything offline: it takes the hook exactly as published in
`.pre-commit-hooks.yaml` and runs it as a `repo: local` hook with `language: system`, the accord
of this environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO, git, run_accord

SOURCE = Path(__file__).resolve().parent / "sources" / "es-us-2022.en.txt"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("pre-commit", path=str(Path(sys.executable).parent)) is None, reason="no pre-commit"
    ),
]


def published_hook() -> dict[str, object]:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["id"] == "accord-validate" and hook["entry"] == "accord validate"
    assert hook["pass_filenames"] is False
    return dict(hook)


def commit(top: Path, message: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
    }
    git(top, "add", "--all")
    return subprocess.run(
        ["git", "commit", "-q", "-m", message], cwd=top, capture_output=True, text=True, env=environment
    )


def test_the_hook_stops_a_commit_of_a_broken_record(tmp_path: Path) -> None:
    assert run_accord("init", "tracker", "--from-text", str(SOURCE), cwd=tmp_path).returncode == 0
    top = tmp_path / "tracker"
    hook = published_hook() | {"language": "system"}
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    (top / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), "utf-8")
    installed = subprocess.run(
        [str(Path(sys.executable).parent / "pre-commit"), "install"], cwd=top, capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stderr
    assert commit(top, "pre-commit", tmp_path).returncode == 0

    # a change made by accord passes
    assert run_accord("edit", "3.1", "--owner", "Defence desk", "--no-commit", cwd=top).returncode == 0
    done = commit(top, "owner of 3.1", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr

    # a hand edit that moves the article under a section the statement does not have does not
    article = top / "statement" / "articles" / "3.yaml"
    text = article.read_text("utf-8")
    assert "\nsection: 2\n" in text
    article.write_text(text.replace("\nsection: 2\n", "\nsection: 99\n", 1), "utf-8")
    head = git(top, "rev-parse", "HEAD")
    done = commit(top, "by hand", tmp_path)
    assert done.returncode != 0
    said = done.stdout + done.stderr
    assert "accord validate" in said and "articles/3.yaml:3: section 99 is not in statement.yaml" in said
    assert git(top, "rev-parse", "HEAD") == head

    # a file the hook does not look at is committed
    git(top, "checkout", "HEAD", "--", "statement/articles/3.yaml")
    (top / "notes.md").write_text("minutes\n", "utf-8")
    assert commit(top, "notes", tmp_path).returncode == 0
