"""JSON and CSV lists are written a row at a time, so that no list is held whole however many
commitments there are: the text must be what writing the whole list at once gives."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from accord.render import json_text
from conftest import Accord
from helpers import parse_json, replace_once, succeeded


def retitle(path: Path, title: str) -> None:
    """The first commitment's title, written as a double-quoted YAML scalar."""
    path.write_text(re.sub(r"(?m)^(  title: ).*$", lambda m: m.group(1) + title, path.read_text("utf-8"), count=1))


@pytest.fixture
def hostile(records: Path) -> Path:
    """A title holding what json leaves raw and a terminal would act on, and one spread over lines."""
    retitle(records / "articles" / "4.yaml", '"line\\u2028separator \\u202e \\u0085 é"')
    retitle(records / "articles" / "7.yaml", '"two\\nlines, \\"quoted\\""')
    return records


@pytest.mark.parametrize(
    "args",
    [
        ("list", "-f", "json"),
        ("list", "--articles", "-f", "json"),
        ("list", "--sort", "-due", "-f", "json"),
        ("search", "samenwerking", "-f", "json"),
        ("search", "line", "-f", "json"),
    ],
)
def test_a_streamed_json_list_is_the_text_of_the_whole_list(accord: Accord, hostile: Path, args: tuple[str]) -> None:
    out = succeeded(accord(*args))
    rows = parse_json(out)
    assert isinstance(rows, list) and len(rows) > 1
    assert out == json_text(rows)  # the whole list written at once: same bytes, escapes and all
    assert "\u2028" not in out and "\u202e" not in out  # written as escapes, never raw


@pytest.mark.parametrize("args", [("list", "--status", "dropped", "--owner", "nobody at all"), ("search", "qqqzzz")])
def test_an_empty_list_is_an_empty_json_array(accord: Accord, args: tuple[str]) -> None:
    out = accord(*args, "-f", "json")
    assert out.stdout == "[]\n" and out.code in (0, 1)


def test_a_broken_record_midway_leaves_the_others_listed_as_valid_json(accord: Accord, records: Path) -> None:
    """A file that cannot be read is named on stderr, exit 2; the list is whole and valid without it."""
    whole = parse_json(succeeded(accord("list", "-f", "json")))
    replace_once(records / "articles" / "7.yaml", "\nstatus: ", "\nstatus: [unclosed ")
    for options in ((), ("--no-cache",)):
        out = accord(*options, "list", "-f", "json")
        assert out.code == 2 and "articles/7.yaml:" in out.stderr and "not valid YAML" in out.stderr
        rows = parse_json(out.stdout)
        assert rows == [row for row in whole if not row["id"].startswith("7.")] and len(rows) < len(whole)
        assert out.stdout == json_text(rows)


def test_streamed_csv_has_a_row_per_commitment_and_quotes_what_must_be(accord: Accord, hostile: Path) -> None:
    listed = parse_json(succeeded(accord("list", "-f", "json")))
    table = list(csv.DictReader(io.StringIO(succeeded(accord("list", "-f", "csv")))))
    assert [row["id"] for row in table] == [row["id"] for row in listed]
    found = list(csv.DictReader(io.StringIO(succeeded(accord("search", "lines", "-f", "csv")))))
    assert [row["title"] for row in found if row["id"].startswith("7.")] == ['two\nlines, "quoted"']
    hits = json.loads(succeeded(accord("search", "lines", "-f", "json")))
    assert [hit["id"] for hit in hits] == [row["id"] for row in found]
