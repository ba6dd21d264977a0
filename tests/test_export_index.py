"""`accord export` takes each commitment's last change, who made it, its review date and evidence
from what the index keeps of each history: the same bytes as reading every file, and never what a
file said before it was changed by hand."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from accord import errors, index, storage
from conftest import Accord
from helpers import into_a_closed_pipe, leftovers, replace_once, succeeded
from test_first_run import many_articles

INSIDE = "https://intranet.example/minutes"  # an internal evidence link
PUBLIC = "https://example.org/joint-press-release"
OPTIONS = [("csv",), ("csv", "--public"), ("csv", "--bom"), ("json",), ("json", "--public")]


def exports(accord: Accord, tmp_path: Path, name: str, *args: str) -> dict[str, bytes]:
    """Each export's bytes, written by -o, keyed by its options."""
    made = {}
    for fmt, *rest in OPTIONS:
        out = tmp_path / f"{name}-{fmt}{''.join(rest)}"
        succeeded(accord(*args, "export", "-f", fmt, *rest, "-o", str(out)))
        made[" ".join([fmt, *rest])] = out.read_bytes()
    return made


def assert_as_from_the_files(accord: Accord, tmp_path: Path) -> dict[str, bytes]:
    """Every export through the index (built now if need be, then as it is kept) is the export that
    reads every file; that export's bytes."""
    from_files = exports(accord, tmp_path, "files", "--no-cache")
    assert exports(accord, tmp_path, "first") == from_files
    assert exports(accord, tmp_path, "again") == from_files
    return from_files


def rows(data: bytes) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in csv.DictReader(io.StringIO(data.decode("utf-8")))}


def add_events(path: Path, commitment: str, *events: str) -> None:
    """Append events to an article file by hand, as an editor would: YAML mappings under `history:`."""
    text = path.read_text("utf-8")
    lines = "".join(f"- at: '{at}'\n  by: {by}\n  id: '{commitment}'\n{rest}" for at, by, rest in map(_split, events))
    if text.endswith("history: []\n"):
        text = text.removesuffix("history: []\n") + "history:\n"
    path.write_text(text + lines, "utf-8")


def _split(event: str) -> tuple[str, str, str]:
    at, by, *rest = event.split("|")
    return at, by, "".join(f"  {field}\n" for field in rest)


def test_a_history_of_every_kind_exports_as_reading_every_file_does(accord: Accord, tmp_path: Path) -> None:
    succeeded(accord("set", "4.5", "in_progress", "--evidence", PUBLIC, "--by", "Le Van A"))
    succeeded(accord("note", "4.5", "minutes", "--evidence", INSIDE, "--internal", "--by", "Kim Min-ji"))
    succeeded(accord("set", "4.4", "stalled", "--on", "2026-01-15", "--by", "Nguyen B"))
    succeeded(accord("set", "1.1", "completed", "--party", "vietnam", "--review-by", "2027-01-15"))
    succeeded(accord("set", "9.3", "ongoing", "--review-by", "2027-02-01"))
    succeeded(accord("set", "9.3", "stalled", "--review-by", "2027-03-01"))
    succeeded(accord("undo"))  # 9.3 back to ongoing, its later review date undone
    made = assert_as_from_the_files(accord, tmp_path)
    inside, public = rows(made["csv"]), rows(made["csv --public"])
    assert (inside["4.5"]["changed_by"], inside["4.5"]["evidence"]) == ("Kim Min-ji", INSIDE)
    assert public["4.5"]["evidence"] == PUBLIC  # the latest link that is not internal
    assert (inside["4.4"]["last_change"], inside["4.4"]["changed_by"]) == ("2026-01-15", "Nguyen B")
    assert (inside["9.3"]["status"], inside["9.3"]["review_by"]) == ("ongoing", "2027-02-01")
    assert inside["1.1"]["status_vietnam"] == "completed" and inside["1.1"]["review_by"] == "2027-01-15"


def test_events_added_by_hand_show_in_the_next_export(accord: Accord, records: Path, tmp_path: Path) -> None:
    succeeded(accord("set", "4.5", "in_progress", "--evidence", PUBLIC))
    before = rows(assert_as_from_the_files(accord, tmp_path)["csv"])
    assert before["4.5"]["changed_by"] == "Officer One"
    add_events(
        records / "articles" / "4.yaml",
        "4.5",
        f"2099-01-02T09:00:00.000000Z|Hand Writer|note: read the minutes|evidence: {INSIDE}|internal: true",
        "2099-01-03T09:00:00.000000Z|Late Recorder|note: met in March|on: '2099-01-01'",  # happened before
    )
    made = assert_as_from_the_files(accord, tmp_path)
    after, public = rows(made["csv"]), rows(made["csv --public"])
    assert (after["4.5"]["last_change"], after["4.5"]["changed_by"]) == ("2099-01-02", "Hand Writer")
    assert (after["4.5"]["evidence"], public["4.5"]["evidence"]) == (INSIDE, PUBLIC)


def test_a_history_edited_by_hand_shows_even_with_the_files_times_set_back(
    accord: Accord, records: Path, tmp_path: Path
) -> None:
    succeeded(accord("set", "4.5", "in_progress", "--evidence", "https://example.org/aaaa", "--by", "Le Van A"))
    assert_as_from_the_files(accord, tmp_path)
    path = records / "articles" / "4.yaml"
    times = path.stat()
    replace_once(path, "https://example.org/aaaa", "https://example.org/bbbb")  # the same size
    replace_once(path, "by: Le Van A", "by: Le Van B")
    os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))  # as `cp -p` or a careful editor leaves it
    after = rows(assert_as_from_the_files(accord, tmp_path)["csv"])
    assert (after["4.5"]["evidence"], after["4.5"]["changed_by"]) == ("https://example.org/bbbb", "Le Van B")


def exported_rows(made: dict[str, bytes], options: str) -> dict[str, dict[str, str]]:
    """The rows of one export (csv or json, as `exports` keys them) by id, every cell as text."""
    if options.startswith("csv"):
        return rows(made[options])
    found = json.loads(made[options])
    listed = found["commitments"] if isinstance(found, dict) else found
    return {row["id"]: {k: "" if v is None else str(v) for k, v in row.items()} for row in listed}


def test_an_undone_change_leaves_no_evidence_or_author_in_the_export(accord: Accord, tmp_path: Path) -> None:
    """After `undo` a commitment is as it was: the change taken back, and the taking back, are not
    its last change, and the link that came with the change is not its evidence."""
    succeeded(accord("set", "4.5", "in_progress", "--evidence", PUBLIC, "--on", "2026-02-01", "--by", "Le Van A"))
    succeeded(accord("set", "4.5", "stalled", "--evidence", INSIDE, "--by", "Kim Min-ji"))
    succeeded(accord("set", "9.3", "ongoing", "--evidence", INSIDE, "--by", "Le Van A"))
    succeeded(accord("undo", "--by", "Kim Min-ji"))
    succeeded(accord("undo", "--by", "Le Van A"))  # 9.3's only change
    made = assert_as_from_the_files(accord, tmp_path)
    for options in ("csv", "csv --public", "json", "json --public"):
        row = exported_rows(made, options)
        four, nine = row["4.5"], row["9.3"]
        assert (four["status"], four["last_change"], four["evidence"]) == ("in_progress", "2026-02-01", PUBLIC)
        assert four.get("changed_by", "Le Van A") == "Le Van A", options  # a public export names no one
        assert (nine["last_change"], nine.get("changed_by", ""), nine["evidence"]) == ("", "", ""), options
    assert INSIDE not in made["csv"].decode() and "Kim Min-ji" not in made["json"].decode()


def test_a_change_withdrawn_by_hand_leaves_the_export_behind_the_index(
    accord: Accord, records: Path, tmp_path: Path
) -> None:
    succeeded(accord("set", "4.5", "in_progress", "--evidence", PUBLIC, "--on", "2026-02-01", "--by", "Le Van A"))
    path = records / "articles" / "4.yaml"
    add_events(path, "4.5", f"2099-01-02T09:00:00.000000Z|Hand Writer|note: read the minutes|evidence: {INSIDE}")
    before = rows(assert_as_from_the_files(accord, tmp_path)["csv"])
    assert (before["4.5"]["last_change"], before["4.5"]["changed_by"], before["4.5"]["evidence"]) == (
        "2099-01-02",
        "Hand Writer",
        INSIDE,
    )
    times = path.stat()
    add_events(
        path, "4.5", "2099-01-03T09:00:00.000000Z|Hand Writer|note: wrong minutes|undoes: '2099-01-02T09:00:00.000000Z'"
    )
    os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))
    after = rows(assert_as_from_the_files(accord, tmp_path)["csv"])
    assert (after["4.5"]["last_change"], after["4.5"]["changed_by"], after["4.5"]["evidence"]) == (
        "2026-02-01",
        "Le Van A",
        PUBLIC,
    )


def test_a_broken_file_is_named_and_the_rest_exported_alike(accord: Accord, records: Path, tmp_path: Path) -> None:
    assert_as_from_the_files(accord, tmp_path)
    replace_once(records / "articles" / "4.yaml", "\nstatus: ", "\nstatus: [unclosed ")
    for args in ((), ("--no-cache",)):
        done = accord(*args, "export")
        assert done.code == 2 and "4.yaml:7: not valid YAML" in done.stderr, args
        assert "4.5" not in rows(done.stdout.encode()) and "9.3" in rows(done.stdout.encode()), args
    assert accord("export").stdout == accord("--no-cache", "export").stdout


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_export_that_fails_on_the_way_leaves_the_old_file(
    accord: Accord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    out = tmp_path / f"last-week.{fmt}"
    out.write_text("last week's export\n")
    articles = index.Index.articles

    def damaged_after_three(self: index.Index, *args: Any, **kwargs: Any) -> Iterator[index.ArticleEntry]:
        for number, entry in enumerate(articles(self, *args, **kwargs)):
            if number == 3:
                raise sqlite3.DatabaseError("database disk image is malformed")
            yield entry

    monkeypatch.setattr(index.Index, "articles", damaged_after_three)
    done = accord("export", "-f", fmt, "-o", str(out))
    assert done.code == 2 and "the index was damaged while it was read" in done.stderr
    assert out.read_text() == "last week's export\n"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_export_into_a_closed_pipe_is_silent(records: Path, fmt: str) -> None:
    done = into_a_closed_pipe(records, "export", "-f", fmt, "--public")  # written a piece at a time
    assert (done.code, done.stderr) == (errors.EXIT_BROKEN_PIPE, "")


def test_a_workbook_holds_the_same_cells_either_way(accord: Accord, tmp_path: Path) -> None:
    succeeded(accord("set", "4.5", "in_progress", "--evidence", PUBLIC, "--on", "2026-02-01"))
    books: list[list[list[object]]] = []
    for args in ((), ("--no-cache",)):
        out = tmp_path / f"e{len(books)}.xlsx"
        succeeded(accord(*args, "export", "-f", "xlsx", "--public", "-o", str(out)))
        book = openpyxl.load_workbook(out)
        books.append([[c.value for c in row] for sheet in book.worksheets for row in sheet.iter_rows()])
    assert books[0] == books[1]
    assert any(row[1] == "4.5" and PUBLIC in row for row in books[0])


@pytest.mark.slow
def test_after_a_clone_a_list_then_an_export_reads_every_history(tmp_path: Path) -> None:
    """The first read of a large folder parses only each file's current fields; an export after it
    still has every commitment's last change."""
    records = many_articles(tmp_path)
    accord = Accord(records)
    succeeded(accord("list", "-f", "ids"))
    made = assert_as_from_the_files(accord, tmp_path)
    exported = rows(made["csv"])
    assert len(exported) > storage.HEADS_ONLY_FROM
    assert all(row["last_change"] and row["changed_by"] for row in exported.values())
