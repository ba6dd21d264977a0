"""A terminal gets a pager when the output is longer than the screen, chosen as git chooses it:
ACCORD_PAGER, else PAGER, else less; --no-pager and an empty pager turn it off; a pipe never pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import terminal_output


def on_a_terminal(records: Path, tmp_path: Path, *args: str, **env: str) -> tuple[str, str]:
    """Run accord with its output on a pseudo-terminal; return what the terminal and the pager got."""
    paged = tmp_path / "paged.txt"
    environ = {k: v for k, v in os.environ.items() if k not in ("PAGER", "ACCORD_PAGER", "LESS")}
    environ |= {"ACCORD_DIR": str(records), "COLUMNS": "100", "LINES": "30", "NO_COLOR": "1"}
    environ |= {k: v.replace("{paged}", str(paged)) for k, v in env.items()}
    shown = terminal_output(*args, environ=environ)
    return shown, paged.read_text("utf-8") if paged.exists() else ""


@pytest.mark.slow
def test_a_long_list_goes_through_accord_pager_before_pager(records: Path, tmp_path: Path) -> None:
    shown, paged = on_a_terminal(records, tmp_path, "list", ACCORD_PAGER="cat > {paged}", PAGER="false")
    assert "123 commitments" in paged and "1.1" in paged
    assert "1.1" not in shown


@pytest.mark.slow
def test_pager_is_used_when_accord_pager_is_unset(records: Path, tmp_path: Path) -> None:
    _, paged = on_a_terminal(records, tmp_path, "list", PAGER="cat > {paged}")
    assert "123 commitments" in paged


@pytest.mark.slow
@pytest.mark.parametrize("off", [("--no-pager",), ()])
def test_no_pager_and_an_empty_pager_write_straight_to_the_terminal(
    records: Path, tmp_path: Path, off: tuple[str, ...]
) -> None:
    shown, paged = on_a_terminal(records, tmp_path, "list", *off, ACCORD_PAGER="" if not off else "cat > {paged}")
    assert paged == ""
    assert "123 commitments" in shown


@pytest.mark.slow
def test_output_shorter_than_the_screen_is_not_paged(records: Path, tmp_path: Path) -> None:
    shown, paged = on_a_terminal(records, tmp_path, "list", "--section", "1", "--status", "stalled",
                                 ACCORD_PAGER="cat > {paged}")
    assert paged == "" and "no commitment matches" in shown


def test_a_pipe_is_never_paged(records: Path) -> None:
    """Nor output with no one at the keyboard (input not a terminal)."""
    environ = {**os.environ, "ACCORD_DIR": str(records), "ACCORD_PAGER": "false", "LINES": "5"}
    done = subprocess.run([sys.executable, "-m", "accord", "list"], capture_output=True, text=True, env=environ,
                          check=False)
    assert done.returncode == 0 and "123 commitments" in done.stdout


@pytest.mark.slow
def test_a_pager_the_shell_cannot_find_leaves_the_whole_list_on_the_terminal(records: Path, tmp_path: Path) -> None:
    shown, _ = on_a_terminal(records, tmp_path, "list", ACCORD_PAGER="no-such-pager-here")
    assert shown.count("\n  1.1 ") == 1 and "123 commitments" in shown


@pytest.mark.slow
def test_quitting_the_pager_early_ends_the_list_quietly(records: Path, tmp_path: Path) -> None:
    """The pager reads one line and quits (as `q` in less does): no error, no traceback, nothing on the terminal."""
    shown, paged = on_a_terminal(records, tmp_path, "list", ACCORD_PAGER="head -n 3 > {paged}")
    assert paged.count("\n") == 3 and "id" in paged
    assert "1.1" not in shown and "Error" not in shown
