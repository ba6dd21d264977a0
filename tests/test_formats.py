"""One set of output formats and one -o across the read commands: every format a command's help
names parses as what it claims to be and carries the same records as its siblings; -o writes what
stdout would get, whole, and refuses what is not a regular file; a closed pipe stays silent."""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from accord import errors
from conftest import REPO, Accord
from helpers import assert_refused, into_a_closed_pipe, leftovers, parse_json, succeeded

README = (REPO / "README.md").read_text("utf-8")

# Every read command with a records-bearing argument where it needs one, and each format it takes
# besides the one for people.
COMMANDS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("list",): ("json", "csv", "ids"),
    ("list", "--articles"): ("json", "csv", "ids"),
    ("search", "handel"): ("json", "csv", "ids"),
    ("stats",): ("json", "csv", "md"),
    ("stats", "--by", "kind"): ("json", "csv", "md"),
    ("log",): ("json", "csv"),
    ("progress",): ("json", "csv", "md"),
    ("show", "4.5"): ("json", "yaml"),
    ("show", "trade"): ("json", "yaml"),
    ("validate",): ("json",),
    ("report",): ("json", "md", "html"),
    ("export",): ("json", "csv"),
}
COMBINATIONS = [(command, fmt) for command, formats in COMMANDS.items() for fmt in formats]
# The order every -f help lists its formats in, after the command's default.
ORDER = ["table", "text", "json", "csv", "ids", "md", "yaml", "html", "xlsx"]


@pytest.fixture
def changed(accord: Accord) -> Accord:
    """The records with a little history, so that `log` has rows."""
    succeeded(accord("set", "4.5", "in_progress", "--note", "talks opened", "--no-commit"))
    succeeded(accord("note", "9.3", 'a first meeting; a | pipe, a "quote", a, comma', "--no-commit"))
    return accord


def csv_rows(text: str) -> list[dict[str, str]]:
    """CSV with a header row: every row as long as the header."""
    table = list(csv.reader(io.StringIO(text)))
    assert table, "no header row"
    header, body = table[0], table[1:]
    assert len(set(header)) == len(header) and all(header), header
    assert all(len(row) == len(header) for row in body), text
    return [dict(zip(header, row, strict=True)) for row in body]


def ids(text: str) -> list[str]:
    lines = text.splitlines()
    assert text.endswith("\n") and all(line and line == line.strip() and " " not in line for line in lines), text
    return lines


def parsed(fmt: str, text: str) -> Any:
    """The output read back as its format says it is; it fails on anything else."""
    if fmt == "json":
        return parse_json(text)
    if fmt == "csv":
        return csv_rows(text)
    if fmt == "ids":
        return ids(text)
    if fmt == "yaml":
        return yaml.safe_load(text)
    if fmt == "md":
        assert re.search(r"^\|.*\|\n\|[-:|]+\|\n", text, re.MULTILINE), text
        return text
    assert fmt == "html"
    assert text.lstrip().lower().startswith("<!doctype html") and text.rstrip().endswith("</html>")
    return text


@pytest.mark.parametrize(("command", "fmt"), COMBINATIONS, ids=lambda x: " ".join(x) if isinstance(x, tuple) else x)
def test_every_format_parses_as_what_it_is(changed: Accord, command: tuple[str, ...], fmt: str) -> None:
    data = parsed(fmt, succeeded(changed(*command, "-f", fmt)))
    assert data or command == ("validate",), "empty output"


def records_in(accord: Accord, command: tuple[str, ...], fmt: str, key: str) -> list[str]:
    data = parsed(fmt, succeeded(accord(*command, "--format", fmt)))
    return data if fmt == "ids" else [str(row[key]) for row in data]


WITH_IDS = ("json", "csv", "ids")


@pytest.mark.parametrize(
    ("command", "key", "formats"),
    [(("list",), "id", WITH_IDS), (("list", "--articles"), "id", WITH_IDS),
     (("list", "--status", "in_progress"), "id", WITH_IDS), (("search", "handel"), "id", WITH_IDS),
     (("search", "-w", "AI"), "id", WITH_IDS), (("search", "Reach", "-F"), "id", WITH_IDS),
     (("search", "handel", "--section", "2"), "id", WITH_IDS),
     (("stats",), "section", ("json", "csv")), (("log",), "id", ("json", "csv")), (("export",), "id", ("json", "csv"))],
)  # fmt: skip
def test_json_csv_and_ids_carry_the_same_records(
    changed: Accord, command: tuple[str, ...], key: str, formats: tuple[str, ...]
) -> None:
    found = {fmt: records_in(changed, command, fmt, key) for fmt in formats}
    first = found[formats[0]]
    assert first, "nothing to compare"
    assert all(rows == first for rows in found.values()), found


def test_progress_csv_has_each_target_of_the_json(accord: Accord) -> None:
    targets = [t["target"] for t in parse_json(succeeded(accord("progress", "-f", "json")))["targets"]]
    assert targets and [row["target"] for row in csv_rows(succeeded(accord("progress", "-f", "csv")))] == targets


def test_stats_md_counts_as_the_table_does(accord: Accord) -> None:
    rows = parse_json(succeeded(accord("stats", "-f", "json")))
    lines = [line for line in succeeded(accord("stats", "-f", "md")).splitlines() if line.startswith("| ")]
    assert len(lines) == 1 + len(rows)  # the header, then one line per section and the total
    for row, line in zip(rows, lines[1:], strict=True):
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert cells[0] == str(row["section"]) and cells[-1] == str(row["total"])


# -- search ------------------------------------------------------------------------------------


def test_search_csv_says_what_matched_where(accord: Accord) -> None:
    hits = parse_json(succeeded(accord("search", "handel", "-f", "json")))
    rows = csv_rows(succeeded(accord("search", "handel", "-f", "csv")))
    assert len(rows) == len(hits) > 1
    for row, hit in zip(rows, hits, strict=True):
        assert row["fields"].split() == [m["field"] for m in hit["matches"]]
        assert row["text"] == hit["matches"][0]["text"]
        assert (row["record"], row["title"], row["status"]) == (hit["record"], hit["title"], hit["status"] or "")
    kinds = {row["record"]: row["kind"] for row in rows}
    assert kinds["commitment"] in ("agreed", "pledged", "requested", "proposed", "hoped", "welcomed", "view")
    if "target" in kinds:
        assert kinds["target"] == ""


def test_search_ids_is_search_l(accord: Accord) -> None:
    listed = succeeded(accord("search", "energie", "-l"))
    assert ids(listed) and succeeded(accord("search", "energie", "-f", "ids")) == listed


def test_search_in_any_format_finds_nothing_with_exit_1(accord: Accord) -> None:
    for fmt in ("csv", "ids"):
        out = accord("search", "zzzqqqnothing", "-f", fmt)
        assert out.code == errors.EXIT_NOTHING
    assert csv_rows(accord("search", "zzzqqqnothing", "-f", "csv").stdout) == []


# -- validate ----------------------------------------------------------------------------------


def broken(accord: Accord) -> tuple[Path, Path]:
    """Two records made invalid: a status no one knows, and a file that is not YAML."""
    first, second = accord.records / "articles" / "4.yaml", accord.records / "articles" / "9.yaml"
    first.write_text(first.read_text("utf-8").replace("status: not_started", "status: pending", 1), "utf-8")
    second.write_text(second.read_text("utf-8") + "\n: : [\n", "utf-8")
    return first, second


def test_validate_json_gives_each_problem_where_text_gives_it(accord: Accord) -> None:
    broken(accord)
    text = accord("validate")
    as_json = accord("validate", "-f", "json")
    assert text.code == as_json.code == errors.EXIT_NOTHING
    problems = parse_json(as_json.stdout)
    assert {"4.yaml", "9.yaml"} <= {Path(p["file"]).name for p in problems}
    assert all(set(p) == {"file", "line", "field", "message"} for p in problems)
    assert any(p["field"] and p["line"] for p in problems if Path(p["file"]).name == "4.yaml")
    for problem, line in zip(problems, text.stderr.splitlines(), strict=False):
        where = f"{problem['file']}:{problem['line']}" if problem["line"] else problem["file"]
        assert line.startswith(where + ": ") and line.endswith(problem["message"])
    assert as_json.stderr.splitlines()[-1] == f"{len(problems)} problems found"


def test_validate_json_of_valid_records_is_an_empty_list(accord: Accord) -> None:
    out = accord("validate", "-f", "json")
    assert (out.code, parse_json(out.stdout)) == (0, [])
    assert "all records valid" in out.stderr


def test_validate_o_writes_the_problems_it_would_print(accord: Accord, tmp_path: Path) -> None:
    broken(accord)
    printed = accord("validate")
    out = accord("validate", "-o", str(tmp_path / "problems.txt"))
    assert out.code == errors.EXIT_NOTHING and out.stdout == ""
    written = (tmp_path / "problems.txt").read_text("utf-8")
    assert written and printed.stderr.startswith(written)
    assert written not in out.stderr


# -- -o ----------------------------------------------------------------------------------------


OUTPUTS = [
    *((command, fmt) for command, fmt in COMBINATIONS if command != ("validate",)),
    *((command, "table") for command in COMMANDS if command[0] not in ("validate", "report", "export")),
    (("validate",), "json"),
]


@pytest.mark.parametrize(("command", "fmt"), OUTPUTS, ids=lambda x: " ".join(x) if isinstance(x, tuple) else x)
def test_o_writes_what_stdout_gets(changed: Accord, tmp_path: Path, command: tuple[str, ...], fmt: str) -> None:
    printed = succeeded(changed(*command, "-f", fmt)).encode("utf-8")
    target = tmp_path / "out" / "file"
    target.parent.mkdir()
    target.write_text("an older and much longer file " * 10_000)
    out = changed(*command, "-f", fmt, "-o", str(target))
    assert (out.code, out.stdout) == (0, "")
    assert target.read_bytes() == printed
    assert [p.name for p in target.parent.iterdir()] == ["file"]  # no temporary file left
    assert succeeded(changed(*command, "-f", fmt, "-o", "-")).encode("utf-8") == printed


@pytest.mark.parametrize(
    "command", [("list",), ("search", "handel"), ("stats",), ("show", "4.5"), ("progress",), ("validate",)]
)
def test_o_refuses_a_link_a_folder_and_a_device(accord: Accord, tmp_path: Path, command: tuple[str, ...]) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n")
    link = tmp_path / "link"
    link.symlink_to(precious)
    for where, word in ((link, "link"), (tmp_path, "folder"), (Path(os.devnull), "device")):
        assert_refused(accord(*command, "-f", "json", "-o", str(where)), str(where), word)
    assert precious.read_text() == "keep me\n" and link.is_symlink()
    assert leftovers(tmp_path) == []


def test_a_failed_command_writes_no_file(accord: Accord, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    assert_refused(accord("show", "99.99", "-f", "json", "-o", str(target)), "99.99")
    assert_refused(accord("list", "--status", "bogus", "-o", str(target)), "bogus")
    assert not target.exists()


# -- help --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", ["list", "show", "search", "validate", "stats", "log", "progress", "report", "export"]
)
def test_help_lists_the_formats_in_one_order_and_each_works(accord: Accord, command: str) -> None:
    page = succeeded(accord(command, "--help"))
    found = re.search(r"-f, --format FORMAT\s+(.*?)\.\s+\[default: (\w+)\]", page)
    assert found, page
    named = re.split(r", | or ", found.group(1))
    assert named[0] == found.group(2)
    assert named[1:] == sorted(named[1:], key=ORDER.index)
    rest = {
        "show": ("4.5",), "search": ("handel",),
    }.get(command, ())  # fmt: skip
    for fmt in named:
        if fmt != "xlsx":
            out = accord(command, *rest, "-f", fmt)
            assert out.code in (0, errors.EXIT_NOTHING) and out.stdout, (fmt, out.stderr)
    assert "-o, --output FILE" in page


def test_the_formats_page_lists_each_format_with_its_commands(accord: Accord) -> None:
    page = succeeded(accord("help", "formats"))
    assert f"<!-- topic: formats -->\n{page}<!-- /topic -->\n" in README
    rows = dict(re.findall(r"^\| (`[a-z]+`(?:, `[a-z]+`)?) \| .*? \| ([a-z ,-]+) \|$", page, re.MULTILINE))
    assert set(rows["`csv`"].split(", ")) == {"list", "search", "stats", "log", "progress", "export"}
    assert set(rows["`ids`"].split(", ")) == {"list", "search"}
    assert "validate" in rows["`json`"] and "validate" in rows["`table`, `text`"]


# -- a closed pipe -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [("search", "handel", "-f", "csv"), ("search", "handel", "-f", "ids"), ("stats", "-f", "md"),
     ("validate", "-f", "json"), ("list", "-f", "csv", "-o", "-"), ("show", "4.5", "-f", "yaml", "-o", "-"),
     ("progress", "-f", "md", "-o", "-")],
)  # fmt: skip
def test_a_closed_pipe_is_silent_for_the_new_formats(args: tuple[str, ...], records: Path) -> None:
    done = into_a_closed_pipe(records, *args)
    assert (done.code, done.stderr) == (errors.EXIT_BROKEN_PIPE, "")
