"""The conventions every command keeps: options before the command (--dir, --color, -q), colour
only where it is wanted, one --since, list --sort and --limit, --tag as the README says, a closed
pipe that stays silent, help topics that are the README's own text, and a quick start that works
as written."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from accord import errors
from accord.model import Status
from conftest import REPO, Accord, Outcome
from helpers import ANSI, assert_refused, history, into_a_closed_pipe, parse_json, succeeded, terminal_output
from support import commitments

README = (REPO / "README.md").read_text("utf-8")
ACCORD = [sys.executable, "-m", "accord"]


def on_a_terminal(records: Path, *args: str, **env: str) -> str:
    """What accord writes to a pseudo-terminal, with the environment's colour settings as given."""
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM", "FORCE_COLOR")}
    environ |= {"ACCORD_DIR": str(records), "COLUMNS": "100", "LINES": "200", "TERM": "xterm", **env}
    return terminal_output(*args, environ=environ)


# -- colour ----------------------------------------------------------------------------------------


def test_a_terminal_gets_colour_by_default(records: Path) -> None:
    shown = on_a_terminal(records, "search", "handel")
    assert ANSI in shown and "«" not in shown


@pytest.mark.parametrize("setting", [{"NO_COLOR": "1"}, {"NO_COLOR": "0"}, {"TERM": "dumb"}])
def test_no_color_and_a_dumb_terminal_get_none(records: Path, setting: dict[str, str]) -> None:
    """NO_COLOR with any value but the empty one, as no-color.org asks; the match is still marked."""
    shown = on_a_terminal(records, "search", "handel", **setting)
    assert ANSI not in shown
    assert "«" in shown


def test_an_empty_no_color_is_not_set(records: Path) -> None:
    assert ANSI in on_a_terminal(records, "search", "handel", NO_COLOR="")


def test_color_never_on_a_terminal(records: Path) -> None:
    shown = on_a_terminal(records, "--color", "never", "progress", "--no-pager")
    assert ANSI not in shown
    assert "verdict" in shown


def test_color_always_colours_a_pipe_even_under_no_color(accord: Accord) -> None:
    """The conftest sets NO_COLOR=1 and output is captured: `always` still colours."""
    assert ANSI not in succeeded(accord("search", "handel"))
    coloured = succeeded(accord("--color", "always", "search", "handel"))
    assert ANSI in coloured and "«" not in coloured
    assert ANSI in succeeded(accord("--color", "always", "progress"))


def test_color_always_leaves_json_and_csv_plain(accord: Accord) -> None:
    parse_json(succeeded(accord("--color", "always", "list", "--format", "json")))
    assert ANSI not in succeeded(accord("--color", "always", "list", "--format", "csv"))


def test_an_unknown_color_is_refused(accord: Accord) -> None:
    assert_refused(accord("--color", "blue", "list"), "--color", "auto, always or never")


# -- formats ----------------------------------------------------------------------------------------


DRAWN = [("list",), ("stats",), ("log",), ("progress",), ("show", "4.5"), ("search", "handel")]


@pytest.mark.parametrize("command", DRAWN)
def test_table_and_text_name_the_same_format_everywhere(accord: Accord, command: tuple[str, ...]) -> None:
    default = succeeded(accord(*command))
    assert succeeded(accord(*command, "-f", "table")) == default
    assert succeeded(accord(*command, "--format", "text")) == default
    assert default and default != succeeded(accord(*command, "-f", "json"))


# -- --dir before the command ---------------------------------------------------------------------


def test_dir_before_the_command(records: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")  # no statement/ in it or above it
    environ = {k: v for k, v in os.environ.items() if k != "ACCORD_DIR"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*ACCORD, *args], cwd=elsewhere, env=environ, capture_output=True, text=True)

    assert run("list", "-f", "ids").returncode == 2  # no records here
    before = run("--dir", str(records), "list", "-f", "ids")
    after = run("list", "-f", "ids", "--dir", str(records))
    among = run("--color", "never", "-q", f"--dir={records}", "list", "-f", "ids")
    assert before.returncode == 0 and before.stdout == after.stdout == among.stdout
    assert before.stdout.split() == [c["id"] for _, c in commitments(records)]


def test_a_dir_after_the_command_wins(accord: Accord, records: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    out = accord("--dir", str(missing), "show", "4.5", "--dir", str(records))
    assert "4.5" in succeeded(out)
    assert_refused(accord("--dir", str(missing), "show", "4.5"), "missing")


# -- quiet ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_set_changes_the_record_and_says_nothing(accord: Accord, where: str) -> None:
    args = ["set", "4.5", "in_progress", "--note", "Talks held"]
    out = accord("-q", *args) if where == "before" else accord(*args, "-q")
    assert out.code == 0 and out.stdout == "" and out.stderr == ""
    assert history(accord, "4").pop()["new"] == "in_progress"


def test_without_quiet_a_change_is_confirmed(accord: Accord) -> None:
    assert "4.5 status" in succeeded(accord("set", "4.5", "in_progress"))


def test_quiet_report_writes_the_file_without_saying_so(accord: Accord, tmp_path: Path) -> None:
    target = tmp_path / "week.md"
    loud = accord("report", "-o", str(target))
    assert loud.code == 0 and "wrote" in loud.stderr
    target.unlink()
    out = accord("report", "-o", str(target), "--quiet")
    assert out.code == 0 and out.stdout == "" and out.stderr == "" and target.read_text("utf-8").startswith("#")


def test_quiet_keeps_errors(accord: Accord) -> None:
    assert_refused(accord("-q", "set", "4.99", "in_progress"), "4.99")


# -- -o ---------------------------------------------------------------------------------------------


def test_log_output_writes_what_stdout_would_show(accord: Accord, tmp_path: Path) -> None:
    succeeded(accord("note", "4.5", "Talks held"))
    target = tmp_path / "changes.csv"
    out = accord("log", "-f", "csv", "-o", str(target))
    assert out.code == 0 and out.stdout == "" and out.stderr == f"wrote {target}\n"
    shown = succeeded(accord("log", "-f", "csv"))
    assert "Talks held" in shown and target.read_text("utf-8") == shown
    assert succeeded(accord("log", "-f", "csv", "-o", "-")) == shown
    target.unlink()
    for quiet in (("-q", "log", "-o", str(target)), ("log", "-o", str(target), "--quiet")):
        assert accord(*quiet) == Outcome(0, "", "")
        assert target.read_text("utf-8") == succeeded(accord("log"))


def test_log_output_refuses_a_link_and_leaves_its_target_alone(accord: Accord, tmp_path: Path) -> None:
    kept = tmp_path / "kept.txt"
    kept.write_text("mine\n")
    link = tmp_path / "link.csv"
    link.symlink_to(kept)
    assert_refused(accord("log", "-o", str(link)), "link.csv", "not a regular file")
    assert kept.read_text() == "mine\n" and link.is_symlink()


@pytest.mark.parametrize(
    "args", [("list",), ("show", "4.5"), ("search", "handel"), ("stats",), ("progress",), ("log",), ("validate",)]
)
def test_quiet_after_the_command_leaves_out_wrote_file(accord: Accord, tmp_path: Path, args: tuple[str, ...]) -> None:
    out = tmp_path / "out.txt"
    assert "wrote" in accord(*args, "-o", str(out)).stderr
    quiet = accord(*args, "-o", str(out), "-q")
    assert (quiet.code, quiet.stderr) == (0, "") and out.is_file()


# -- --since ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [("log",), ("report",)])
@pytest.mark.parametrize("since", ["7d", "2w", "3m", "2026-01-01"])
def test_since_takes_the_same_forms_everywhere(accord: Accord, command: tuple[str, ...], since: str) -> None:
    assert accord(*command, "--since", since).code == 0


@pytest.mark.parametrize("command", [("log",), ("report",)])
@pytest.mark.parametrize("since", ["1y", "0d", "yesterday", "2026-02-30"])
def test_since_refuses_the_same_way_everywhere(accord: Accord, command: tuple[str, ...], since: str) -> None:
    assert_refused(accord(*command, "--since", since), "--since", repr(since))


def test_since_names_the_forms_it_takes(accord: Accord) -> None:
    assert_refused(accord("report", "--since", "1y"), "YYYY-MM-DD", "7d, 2w, 3m")


def test_since_counts_months_as_stale_does(accord: Accord) -> None:
    """A month back is a calendar month, for --since as for --stale: 1m before 31 March is 28 February."""
    report = parse_json(succeeded(accord("report", "--today", "2026-03-31", "--since", "1m", "-f", "json")))
    assert report["period"]["start"] == "2026-02-28"


# -- list --sort and --limit ---------------------------------------------------------------------


def test_list_is_in_reading_order_by_default(accord: Accord, records: Path) -> None:
    assert succeeded(accord("list", "-f", "ids")).split() == [c["id"] for _, c in commitments(records)]


def test_list_sorted_by_due_date_undated_last_either_way(accord: Accord, records: Path) -> None:
    dated = [(c["due"], c["id"]) for _, c in commitments(records) if c.get("due")]
    undated = [c["id"] for _, c in commitments(records) if not c.get("due")]
    assert dated and undated
    ascending = [i for _, i in sorted(dated, key=lambda pair: pair[0])]
    descending = [i for _, i in sorted(dated, key=lambda pair: pair[0], reverse=True)]
    assert succeeded(accord("list", "--sort", "due", "-f", "ids")).split() == ascending + undated
    assert succeeded(accord("list", "--sort", "-due", "-f", "ids")).split() == descending + undated


def test_list_sorted_by_status_follows_the_statuses_order(accord: Accord) -> None:
    succeeded(accord("set", "4.5", "stalled"))
    succeeded(accord("set", "1.2", "in_progress"))
    rows = parse_json(succeeded(accord("list", "--sort", "status", "-f", "json")))
    order = [s.value for s in Status]
    assert [order.index(r["status"]) for r in rows] == sorted(order.index(r["status"]) for r in rows)
    assert rows[-1]["id"] == "4.5"
    reverse = parse_json(succeeded(accord("list", "--sort=-status", "-f", "json")))
    assert reverse[0]["id"] == "4.5"


def test_list_limit_cuts_after_sorting_and_says_of_how_many(accord: Accord, records: Path) -> None:
    every = succeeded(accord("list", "--sort", "-id", "-f", "ids")).split()
    assert every == [c["id"] for _, c in commitments(records)][::-1]
    assert succeeded(accord("list", "--sort", "-id", "--limit", "3", "-f", "ids")).split() == every[:3]
    assert f"3 of {len(every)} commitments" in succeeded(accord("list", "--limit", "3"))


@pytest.mark.parametrize("args", [("--sort", "title"), ("--sort", "--due"), ("--limit", "-1"), ("--limit", "x")])
def test_list_refuses_a_bad_sort_or_limit(accord: Accord, args: tuple[str, ...]) -> None:
    assert_refused(accord("list", *args), args[0])


# -- --tag --------------------------------------------------------------------------------------


def test_list_tag_twice_asks_for_both_as_the_readme_says(accord: Accord, records: Path) -> None:
    assert "except `--tag`, which asks for all of them" in README
    trade = {c["id"] for a, c in commitments(records) if "trade" in {*a.get("tags", []), *c.get("tags", [])}}
    climate = {c["id"] for a, c in commitments(records) if "climate-change" in {*a.get("tags", []), *c.get("tags", [])}}
    both = succeeded(accord("list", "--tag", "trade", "--tag", "climate-change", "-f", "ids")).split()
    assert set(both) == trade & climate
    succeeded(accord("edit", "4.5", "--tag", "climate-change"))
    both = succeeded(accord("list", "--tag", "trade", "--tag", "climate-change", "-f", "ids")).split()
    assert "4.5" in both and set(both) == (trade & climate) | {"4.5"}


def test_edit_tag_adds_and_untag_removes(accord: Accord) -> None:
    succeeded(accord("edit", "4.5", "--tag", "priority"))
    assert "4.5" in succeeded(accord("list", "--tag", "priority", "-f", "ids")).split()
    succeeded(accord("edit", "4.5", "--untag", "priority"))
    assert "4.5" not in succeeded(accord("list", "--tag", "priority", "-f", "ids")).split()


# -- a closed pipe ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args", [("help",), ("help", "exit-codes"), ("help", "set"), ("list", "--sort", "due", "--limit", "5"),
             ("--color", "always", "search", "handel")],
)  # fmt: skip
def test_a_closed_pipe_is_silent_for_these_commands_too(args: tuple[str, ...], records: Path) -> None:
    done = into_a_closed_pipe(records, *args)
    assert (done.code, done.stderr) == (errors.EXIT_BROKEN_PIPE, "")


# -- help topics ----------------------------------------------------------------------------------


def readme_topic(name: str) -> str:
    found = re.search(f"<!-- topic: {re.escape(name)} -->\n(.*?)<!-- /topic -->\n", README, re.DOTALL)
    assert found, f"README.md quotes no topic {name}"
    return found.group(1)


@pytest.mark.parametrize("topic", ["records", "statuses", "exit-codes", "options"])
def test_the_readme_quotes_each_help_topic_as_accord_prints_it(accord: Accord, topic: str) -> None:
    """When this fails, paste `accord help TOPIC` into README.md between the topic's markers."""
    assert readme_topic(topic) == succeeded(accord("help", topic))


def test_help_lists_the_topics_and_the_commands(accord: Accord) -> None:
    text = succeeded(accord("help"))
    for word in ("records", "statuses", "exit-codes", "options", "list", "set", "report"):
        assert word in text


def test_help_on_a_command_is_its_help(accord: Accord) -> None:
    assert succeeded(accord("help", "set")) == succeeded(accord("set", "--help"))
    assert succeeded(accord("help", "merge-driver")) == succeeded(accord("merge-driver", "--help"))


def test_help_on_nothing_known_is_refused(accord: Accord) -> None:
    assert_refused(accord("help", "nope"), "nope", "exit-codes")


def test_the_exit_codes_page_has_every_code_errors_defines(accord: Accord) -> None:
    codes = {value for name, value in vars(errors).items() if name.startswith("EXIT_")}
    page = succeeded(accord("help", "exit-codes"))
    assert {int(n) for n in re.findall(r"^\| (\d+) \|", page, re.MULTILINE)} == codes


def test_the_statuses_page_has_every_status(accord: Accord) -> None:
    page = succeeded(accord("help", "statuses"))
    assert re.findall(r"^\| `(\w+)` \|", page, re.MULTILINE) == [s.value for s in Status]


def test_the_options_page_names_the_commands_that_take_each(accord: Accord) -> None:
    rows = {
        line.split("|")[1].strip(" `"): line.split("|")[3] for line in succeeded(accord("help", "options")).splitlines()
    }
    assert "report" in rows["--since"] and "log" in rows["--since"]
    takes = {option: {command.strip() for command in rows[option].split(",")} for option in ("--output", "--quiet")}
    assert takes["--output"] <= takes["--quiet"]  # a command that can say `wrote FILE` can be told not to
    for command in ("list", "show", "search", "stats", "log", "progress", "report", "export"):
        assert command in rows["--format"]


# -- the quick start -------------------------------------------------------------------------------


def quick_start() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [line for block in re.findall(r"```sh\n(.*?)```", section, re.DOTALL) for line in block.splitlines()]


def test_the_quick_start_works_as_written(records: Path, tmp_path: Path) -> None:
    """The install steps are the ones the README gives; what follows them runs here with the
    installed `accord` on PATH, in a folder holding a copy of the records."""
    lines = quick_start()
    install = "python3 -m venv .venv && .venv/bin/pip install . && . .venv/bin/activate"
    assert lines[0].startswith(install + " && accord ")
    assert any(line.startswith("python3 -m venv .venv && .venv/bin/pip install -e '.[test]'") for line in lines)
    commands = [lines[0].removeprefix(install + " && ")]
    commands += [line for line in lines if line.startswith("accord ")]
    assert len(commands) >= 4
    scripts = Path(sys.executable).parent
    assert (scripts / "accord").exists(), "the console script is installed beside the interpreter"
    environ = {k: v for k, v in os.environ.items() if k != "ACCORD_DIR"}
    environ["PATH"] = f"{scripts}{os.pathsep}{environ.get('PATH', '')}"
    for command in commands:
        assert shlex.split(command)[0] == "accord"
        done = subprocess.run(["bash", "-c", command], cwd=records.parent, env=environ, capture_output=True, text=True)
        assert done.returncode == 0, (command, done.stderr)
        assert done.stdout.strip(), command
