"""A listing in a machine format starts as light as the libraries allow: it reads the index and
prints, without the records' models (pydantic), the terminal library (rich) or the parser's
per-option validators; and it prints what a listing that builds every model prints."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from conftest import Accord
from helpers import succeeded

# What a listing from the index must not load: the models, the terminal output, the report, and
# pydantic's validator machinery (which the models and typer's option checks would bring in).
HEAVY = {"accord.model", "accord.report", "accord.tracking", "rich", "rich.console", "pydantic.main"}


def accord_process(
    records: Path, *argv: str, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """`accord ARGS` as its console script runs it, in a process of its own; and every module it
    had loaded when it exited."""
    program = (
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stderr.write('\\nloaded: ' + ' '.join(sorted(sys.modules)) + '\\n'))\n"
        f"sys.argv = ['accord', *{list(argv)!r}]\n"
        "from accord.__main__ import main\n"
        "main()\n"
    )
    environment = {**os.environ, "ACCORD_DIR": str(records), **(env or {})}
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=environment)
    stderr, _, loaded = done.stderr.rpartition("\nloaded: ")
    done.stderr = stderr
    return done, set(loaded.split())


@pytest.mark.parametrize("fmt", ["ids", "json", "csv"])
def test_a_listing_in_a_machine_format_loads_no_model_and_prints_what_the_models_print(
    records: Path, accord: Accord, fmt: str
) -> None:
    accord_process(records, "list", "-f", "ids")  # the first reading builds the index (and the models)
    done, loaded = accord_process(records, "list", "-f", fmt)
    assert done.returncode == 0, done.stderr
    assert "accord.index" in loaded  # it did read the records
    assert not HEAVY & loaded
    read_from_the_files = succeeded(accord("--no-cache", "list", "-f", fmt))
    assert done.stdout == read_from_the_files
    assert done.stdout.count("4.5") >= 1


def test_filters_and_sorting_given_on_the_line_keep_the_listing_light(records: Path, accord: Accord) -> None:
    line = ["list", "--status", "not_started", "--status", "in_progress", "--kind", "agreed", "--sort", "-due"]
    accord_process(records, "list", "-f", "ids")
    done, loaded = accord_process(records, *line, "-f", "csv")
    assert done.returncode == 0, done.stderr
    assert not HEAVY & loaded
    assert done.stdout == succeeded(accord("--no-cache", *line, "-f", "csv"))
    assert done.stdout.count("\n") > 1


def test_a_file_changed_since_the_index_was_built_is_listed_as_it_now_reads(records: Path) -> None:
    accord_process(records, "list", "-f", "ids")
    article = records / "articles" / "4.yaml"
    article.write_text(article.read_text("utf-8").replace("id: '4.5'", "id: '4.50'", 1), "utf-8")
    done, _ = accord_process(records, "list", "-f", "ids")
    assert done.returncode == 0, done.stderr
    assert "4.50\n" in done.stdout and "4.5\n" not in done.stdout


@pytest.mark.parametrize(
    ("line", "named"),
    [
        (["list", "-f", "IDS"], "'IDS' is not one of 'table', 'text', 'json', 'csv', 'ids'"),
        (["list", "-f", "yaml"], "'--format'"),
        (["list", "--limit", "-1"], "'--limit'"),
        (["list", "--limit", "many"], "'--limit'"),
        (["list", "--section", "four"], "'--section'"),
        (["show", "4.5", "-f", "csv"], "'--format'"),
        (["--color", "never", "search", "handel", "-f", "md"], "'--format'"),
    ],
)
def test_a_value_the_parser_refuses_is_still_refused_by_name(accord: Accord, line: list[str], named: str) -> None:
    out = accord(*line)
    assert out.code == 2
    assert named in out.stderr
    assert out.stdout == ""


def test_values_that_need_converting_still_are(accord: Accord, tmp_path: Path) -> None:
    assert succeeded(accord("list", "--section", "2", "--limit", "2", "-f", "ids")) == "4.1\n4.2\n"
    output = tmp_path / "ids.txt"
    succeeded(accord("list", "--status", "not_started", "-f", "ids", "-o", str(output)))
    assert "4.5\n" in output.read_text("utf-8")
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    out = accord("list", "--dir", str(a_file))
    assert out.code == 2 and "'--dir'" in out.stderr


# -- shell completion of record ids: the index read through indexfile.py alone ----------------------

COMPLETING = {"ACCORD_COMPLETE": "bash"}


def test_completing_an_id_reads_the_ids_from_the_index_without_loading_the_index_module(records: Path) -> None:
    accord_process(records, "list", "-f", "ids")
    done, loaded = accord_process(records, "show", "4.", env=COMPLETING)
    assert done.stdout.split() == ["4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.8"]
    assert "accord.indexfile" in loaded
    assert not {"accord.index", "yaml", "typer", "pydantic"} & loaded


def test_completion_offers_an_id_written_since_the_index_was_made(records: Path) -> None:
    accord_process(records, "list", "-f", "ids")
    article = records / "articles" / "4.yaml"
    article.write_text(article.read_text("utf-8").replace("id: '4.5'", "id: '4.50'", 1), "utf-8")
    done, _ = accord_process(records, "show", "4.5", env=COMPLETING)
    assert done.stdout.split() == ["4.50"]


def test_completion_does_not_trust_an_index_made_by_other_code(records: Path) -> None:
    accord_process(records, "list", "-f", "ids")
    with closing(sqlite3.connect(records / ".accord-cache" / "index.sqlite")) as db, db:
        db.execute("UPDATE commitments SET id = '4.99' WHERE id = '4.5'")
        db.execute("UPDATE meta SET value = '0.0.1 made-by-another-release' WHERE key = 'accord'")
    done, loaded = accord_process(records, "show", "4.", env=COMPLETING)
    assert done.stdout.split() == ["4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.8"]
    assert "yaml" in loaded  # read from the files themselves


# -- show and search: the index keeps the other record files too ----------------------------------

# What a warm show or search must not load: the models, pydantic's validators, the YAML parser.
MODELS = {"accord.model", "pydantic.main", "yaml"}


@pytest.mark.parametrize(
    "line",
    [
        ["show", "4.5"],
        ["show", "4.5", "-f", "json"],
        ["show", "4"],
        ["show", "trade"],
        ["show", "edcf", "-f", "json"],
        ["search", "-l", "handel"],
        ["search", "-c", "KVFTA"],
        ["search", "EDCF"],
    ],
)
def test_show_and_search_from_a_warm_index_load_no_model_and_print_what_the_files_say(
    records: Path, accord: Accord, line: list[str]
) -> None:
    accord_process(records, *line)  # the first reading builds the index (and the models)
    done, loaded = accord_process(records, *line)
    assert done.returncode == 0, done.stderr
    assert "accord.index" in loaded
    assert not MODELS & loaded
    assert done.stdout == succeeded(accord("--no-cache", *line))


def every_record(records: Path) -> list[str]:
    """The id of every article, commitment and target of the records."""
    articles = sorted(path.stem for path in (records / "articles").glob("*.yaml"))
    targets = sorted(path.stem for path in (records / "targets").glob("*.yaml"))
    commitments = succeeded_ids(records)
    return articles + commitments + targets


def succeeded_ids(records: Path) -> list[str]:
    done, _ = accord_process(records, "--no-cache", "list", "-f", "ids")
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.slow
def test_show_of_every_record_prints_through_the_index_what_it_prints_from_the_files(
    records: Path, accord: Accord
) -> None:
    ids = every_record(records)
    assert {"4", "4.5", "trade", "edcf"} <= set(ids)
    succeeded(accord("show", "4.5"))  # the index is made, then every record is shown from it
    for record_id in ids:
        for fmt in ("text", "json", "yaml"):
            assert accord("show", record_id, "-f", fmt).stdout == succeeded(
                accord("--no-cache", "show", record_id, "-f", fmt)
            ), (record_id, fmt)
