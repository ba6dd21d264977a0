"""What a newcomer relies on: the README's commands are the ones CI runs, every command has help."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO, Accord, git

COMMANDS = ["list", "show", "search", "validate", "stats", "set", "note", "edit", "undo", "log", "measure",
            "progress", "report", "merge-driver", "import"]


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text("utf-8")
    return re.findall(r"```sh\n(python3 -m venv .*)\n```", text)


def test_readme_has_the_two_quick_start_lines_and_ci_runs_the_test_line() -> None:
    install, tests = readme_commands()[:2]
    assert install.endswith("accord list")
    assert tests.endswith("pytest")
    assert tests in (REPO / ".ci" / "run").read_text("utf-8")


def test_every_command_has_help_and_a_readme_entry(accord: Accord) -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    listed = accord("--help").stdout
    for command in COMMANDS:
        assert command in listed
        shown = accord(command, "--help")
        assert shown.code == 0 and "Usage:" in shown.stdout
        assert f"accord {command}" in readme


def test_start_up_loads_only_what_the_command_needs(records: Path) -> None:
    """--help needs neither the models, YAML nor rich; showing a record needs no table drawing."""
    probe = (
        "import sys\nfrom accord.cli import app\n"
        "try:\n    app(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)"
    )
    help_modules = subprocess.run([sys.executable, "-c", probe, "--help"], capture_output=True, text=True).stderr
    for heavy in ("pydantic", "yaml", "rich", "matplotlib"):
        assert heavy not in help_modules.split()
    show_modules = subprocess.run(
        [sys.executable, "-c", probe, "show", "4.5", "--dir", str(records)], capture_output=True, text=True
    ).stderr.split()
    assert "pydantic" in show_modules and "yaml" in show_modules
    assert "rich" not in show_modules and "matplotlib" not in show_modules


def test_the_installed_command_still_knows_every_command_when_it_builds_only_the_one_asked_for(
    records: Path,
) -> None:
    def accord(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "accord", *args], capture_output=True, text=True)

    listed = accord("--help").stdout
    assert all(command in listed for command in [*COMMANDS, "browse", "init", "schema", "export", "side"])
    mistyped = accord("lst")
    assert mistyped.returncode == 2 and "Did you mean 'list'" in mistyped.stderr
    shown = accord("show", "4.5", "--dir", str(records))
    assert shown.returncode == 0 and "4.5" in shown.stdout
    assert accord("merge-driver", "--help").returncode == 0


def test_a_list_served_from_the_cache_loads_no_yaml(records: Path) -> None:
    """The cache holds parsed records: once it is warm, listing ids never pays for the YAML parser."""
    probe = (
        "import sys\nfrom accord.cli import app\n"
        "try:\n    app(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)"
    )
    args = [sys.executable, "-c", probe, "list", "--format", "ids", "--dir", str(records)]
    first = subprocess.run(args, capture_output=True, text=True)
    assert "yaml" in first.stderr.split() and "4.5" in first.stdout  # nothing cached yet: parsed
    warm = subprocess.run(args, capture_output=True, text=True)
    assert warm.stdout == first.stdout
    assert "yaml" not in warm.stderr.split()


# -- the README's tour and contents ----------------------------------------------------------------


def readme_section(heading: str) -> str:
    return (REPO / "README.md").read_text("utf-8").split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def anchor(heading: str) -> str:
    """The link GitHub makes for a heading."""
    return "#" + re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def test_a_week_with_accord_runs_as_written_and_its_public_report_keeps_the_internal_note_out(repo: Path) -> None:
    blocks = re.findall(r"```sh\n(.*?)```", readme_section("A week with accord"), re.DOTALL)
    commands = [line for block in blocks for line in block.splitlines() if line.startswith("accord ")]
    assert len(commands) >= 10
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "ACCORD_PAGER": ""}
    for command in commands:
        done = subprocess.run(["bash", "-c", command], cwd=repo, env=env, capture_output=True, text=True)
        assert done.returncode == 0, (command, done.stderr)
    assert "Test Runner|9.1: note" in git(repo, "log", "--format=%an|%s")
    public = (repo / "public.html").read_text("utf-8")
    assert "Talks held in Seoul" in public
    assert "Loan agreement under negotiation" not in public and "Test Runner" not in public


def test_the_contents_list_links_every_heading_of_the_reference() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    contents = readme.split("The reference follows:", 1)[1].split("\n## ", 1)[0]
    reference = "\n## " + readme.split("The reference follows:", 1)[1].split("\n## ", 1)[1]
    reference = re.sub(r"```.*?```", "", reference, flags=re.DOTALL)
    headings = re.findall(r"^#{2,3} (.+)$", reference, re.MULTILINE)
    assert {anchor(heading) for heading in headings} == set(re.findall(r"\]\((#[^)]+)\)", contents))


def test_the_readme_split_example_runs_as_written(repo: Path) -> None:
    """Its excerpts are quoted from article 4 as they stand, so an officer can copy the lines."""
    [block] = [b for b in re.findall(r"```sh\n(.*?)```", (REPO / "README.md").read_text("utf-8"), re.DOTALL)
               if b.startswith("accord split 4.3")]  # fmt: skip
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-c", block], cwd=repo, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "4.3 split: [4.3] -> [4.3, 4.9]" in done.stdout
    assert "Implement the AEO MRA quickly" in git(repo, "show", "HEAD:statement/articles/4.yaml")
