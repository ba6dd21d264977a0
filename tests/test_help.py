"""`--help` reads as a person types the command: each placeholder named once (ID, STATUS, FILE,
DATE), every option and argument described."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main

from accord.cli import app
from conftest import Accord
from helpers import succeeded


def command_paths(group: Any = None, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command line that has a --help: the top, each command, each subcommand."""
    group = group if group is not None else typer.main.get_command(app)
    paths = [path]
    for name, command in getattr(group, "commands", {}).items():
        paths += command_paths(command, (*path, name))
    return paths


def command_at(path: tuple[str, ...]) -> Any:
    command: Any = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    return command


PATHS = command_paths()
# What typer writes where no placeholder was chosen: `<str>`, `{ID}`, `[[ID]]`, a bare type name.
UNNAMED = re.compile(r"[<{]|\[\[|\b(TEXT|INTEGER|FLOAT|BOOLEAN|FILENAME)\b")


def test_every_command_is_walked() -> None:
    names = {path[0] for path in PATHS if path}
    assert {"list", "set", "report", "export", "merge-driver", "help"} <= names
    assert ("merge-driver", "merge") in PATHS


@pytest.mark.parametrize("path", PATHS, ids=lambda path: " ".join(path) or "accord")
def test_help_names_every_placeholder(accord: Accord, path: tuple[str, ...]) -> None:
    text = succeeded(accord(*path, "--help"))
    assert text.startswith("Usage: ")
    found = [line for line in text.splitlines() if UNNAMED.search(line)]
    assert not found, found


@pytest.mark.parametrize("path", [p for p in PATHS if p], ids=" ".join)
def test_every_option_and_argument_says_what_it_is(path: tuple[str, ...]) -> None:
    command = command_at(path)
    undescribed = [param.name for param in command.params if not getattr(param, "help", None)]
    assert not undescribed, undescribed


def test_usage_names_arguments_as_typed(accord: Accord) -> None:
    assert succeeded(accord("set", "--help")).splitlines()[0].endswith(" set [OPTIONS] [ID]... [STATUS]")
    assert succeeded(accord("log", "--help")).splitlines()[0].endswith(" log [OPTIONS] [ID]")
    assert "  --since DATE " in succeeded(accord("report", "--help"))


def test_the_manual_page_has_every_command_and_topic(accord: Accord) -> None:
    page = succeeded(accord("help", "--man"))
    assert page.startswith(".TH ACCORD 1 ")
    headings = [h.replace("\\-", "-") for h in re.findall(r'^\.SS "accord ([a-z \\-]+?) \[', page, re.MULTILINE)]
    groups = {path[:1] for path in PATHS if len(path) > 1}
    assert headings == [" ".join(path) for path in PATHS if path and path not in groups]
    for section in ("SYNOPSIS", "OPTIONS", '"FILES"', '"STATUSES"', '"EXIT STATUS"', '"SHARED OPTIONS"'):
        assert f"\n.SH {section}\n" in page
    assert not re.search(r"^[.'](?!TH|SH|SS|TP|B |nf|fi)", page, re.MULTILINE), "a line of text read as a request"


@pytest.mark.skipif(shutil.which("groff") is None, reason="groff is not installed")
def test_the_manual_page_renders_without_a_warning(accord: Accord, tmp_path: Path) -> None:
    page = tmp_path / "accord.1"
    page.write_text(succeeded(accord("help", "--man")), "utf-8")
    done = subprocess.run(["groff", "-man", "-Tutf8", "-ww", str(page)], capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == ""
    text = re.sub(".\b", "", done.stdout)  # overstriking for bold
    assert "accord set [OPTIONS] [ID]... [STATUS]" in text and "not_started" in text and "141" in text


def test_the_command_list_gives_each_summary_whole_at_80_columns(accord: Accord) -> None:
    text = succeeded(accord("--help", env={"COLUMNS": "80"}))
    commands = text.split("Commands:\n", 1)[1]
    assert "..." not in commands
    assert max(map(len, text.splitlines())) <= 80
    assert "Show everything known of an article, a commitment or a target." in " ".join(commands.split())


@pytest.mark.parametrize("line", [("list", "--bogus"), ("--color", "never", "-q", "set", "--help")])
def test_a_mistyped_option_or_a_help_answers_before_any_record_is_read(line: tuple[str, ...]) -> None:
    """The options before the command (--color, -q) are read without loading the records' models, YAML or rich."""
    probe = (
        "import sys\nfrom accord.cli import app\ntry:\n    app(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", probe, *line], capture_output=True, text=True)
    loaded = set(done.stderr.splitlines()[-1].split())
    assert "accord.cli" in loaded
    assert not {"accord.model", "accord.storage", "yaml", "rich"} & loaded
