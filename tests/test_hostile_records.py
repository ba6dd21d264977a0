"""Hostile record files on disk, as a clone might receive them: every command that reads them
names the file (and the line, where there is one) in exactly one line, exits as the README says,
prints no traceback, hangs on nothing and changes no file.

Each case turns article 7 (which no target points at, so that nothing else breaks with it) into
one bad file. Whatever the case, `validate` reports it with exit 1, and the full scans (list,
search, stats, report) and `show 7` report it with exit 2.
"""

from __future__ import annotations

import json
import os
import re
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from accord.fsio import MAX_FILE_BYTES
from conftest import SHIPPED, Accord
from helpers import assert_untouched, snapshot

ORIGINAL = (SHIPPED / "articles" / "7.yaml").read_text("utf-8")
COMMANDS = {
    "validate": (("validate",), 1),
    "list": (("list", "--format", "json"), 2),
    "search": (("search", "samenwerking"), 2),
    "show": (("show", "7"), 2),
    "stats": (("stats",), 2),
    "report": (("report", "--today", "2026-11-30"), 2),
}


def swap(old: str, new: str, text: str = ORIGINAL) -> str:
    assert text.count(old) >= 1, old
    return text.replace(old, new, 1)


def line_of(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1


def billion_laughs() -> str:
    """Nine levels of ten aliases each: a billion strings from 841 bytes, if aliases were expanded."""
    parts = ['"l0":&l0 {' + ",".join(f'"{i}":"lol"' for i in range(10)) + "}"]
    for level in range(1, 9):
        parts.append(f'"l{level}":&l{level} {{' + ",".join(f'"{i}":*l{level - 1}' for i in range(10)) + "}")
    text = "{" + ",".join(parts) + "}\n"
    assert len(text) == 841
    return text


EVENT = "- at: '2026-11-25T09:30:00.000000Z'\n  by: Le Van A\n  id: '7.1'\n  note: Minutes\n"

# name: (file content, words the problem line holds, the line it names: a number, the line where a
# marker is, or None)
TEXT_CASES: dict[str, tuple[str | bytes, str, int | str | None]] = {
    "anchor-in-block": (swap("title: Science", "title: &t Science"), "anchor &t is not allowed", 4),
    "anchor-in-flow": ('{"id":&i "7", "section": 2, "title": *i}\n', "anchor &i is not allowed", 1),
    "alias-in-flow": ('{"id": "7", "section": 2, "title":*i}\n', "alias *i is not allowed", 1),
    "billion-laughs": (billion_laughs(), "anchor &l0 is not allowed", 1),
    "merge-key": (swap("section: 2\n", "section: 2\n<<: {status: completed}\n"), "merge keys (<<)", 4),
    "python-tag": (
        swap("status: not_started\ntags", "status: !!python/object/apply:os.system ['true']\ntags"),
        "tag !!python/object/apply:os.system is not allowed",
        6,
    ),
    "int-tag": (swap("section: 2", "section: !!int 'x'"), "tag !!int is not allowed", 3),
    "duplicate-key": (swap("section: 2\n", "section: 2\nsection: 3\n"), "section: duplicate key", 4),
    "bad-utf8": (swap("title: Science", "title: Sci\udcffence").encode("utf-8", "surrogateescape"), "UTF-8", 4),
    "nul-byte": (swap("title: Science", "title: Sci\x00ence"), "unacceptable character #x0000", 4),
    "empty-file": ("", "the file is empty", 1),
    "top-level-list": ("- id: '7'\n", "the top level must be a mapping", 1),
    "second-document": (ORIGINAL + "---\nid: '8'\n", "a record is one document", "---"),
    "deep-flow-nesting": ("id: '7'\nhistory: " + "[" * 100_000 + "]" * 100_000 + "\n", "nest", 2),
    "deep-block-nesting": (swap("history: []", "history:\n" + "- " * 100 + "x"), "nested more than 64", "- - -"),
    "huge-string": (swap("title: Science", "title: " + "x" * 3_000_000 + " Science"), "title: String", 4),
    "over-the-size-limit": (ORIGINAL + "notes: " + "x" * MAX_FILE_BYTES + "\n", f"{MAX_FILE_BYTES} byte limit", None),
    "huge-number": (swap("section: 2", "section: " + "9" * 5000), "number of 5000 characters", 3),
    "exponent-as-section": (swap("section: 2", "section: 1e3"), "section: Input should be a valid integer", 3),
    "nan-as-section": (swap("section: 2", "section: .nan"), "section: Input should be a valid integer", 3),
    "impossible-date": (
        swap("  status: not_started\n  tags", "  status: not_started\n  due: '2025-02-30'\n  tags"),
        "commitments[0].due",
        "  due: '2025-02-30'",
    ),
    "bad-id": (swap("id: '7'", "id: ../7"), "id: String should match pattern", 2),
    "impossible-timestamp": (
        swap("history: []", "history:\n" + EVENT.replace("2026-11-25T", "2025-13-45T")),
        "history[0].at",
        "- at:",
    ),
}


def make_symlink_out(article: Path) -> None:
    outside = article.parents[2] / "outside.yaml"
    outside.write_text(ORIGINAL, "utf-8")  # a valid record, but not in the folder
    article.unlink()
    article.symlink_to(outside)


def make_dangling_symlink(article: Path) -> None:
    article.unlink()
    article.symlink_to(article.parent / "gone.yaml")


def make_fifo(article: Path) -> None:
    article.unlink()
    os.mkfifo(article)


def make_folder(article: Path) -> None:
    article.unlink()
    article.mkdir()
    (article / "inside.yaml").write_text(ORIGINAL, "utf-8")


def make_yml(article: Path) -> None:
    article.rename(article.with_suffix(".yml"))


# name: (how to make it, words the problem line holds); the line names the file, no line number
FILE_CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "symlink-out-of-the-folder": (make_symlink_out, "is a symbolic link; a record must be a regular file"),
    "dangling-symlink": (make_dangling_symlink, "is a symbolic link; a record must be a regular file"),
    "fifo": (make_fifo, "is a FIFO; a record must be a regular file"),
    "folder-named-like-a-record": (make_folder, "is a folder; a record must be a regular file"),
    "yml-suffix": (make_yml, "not read: a record's file name ends in .yaml"),
}


@pytest.fixture(autouse=True)
def never_hang() -> Iterator[None]:
    """A read that blocks (a FIFO opened for reading) fails the test instead of hanging it."""

    def interrupt(signum: int, frame: object) -> None:
        raise TimeoutError("the command hung")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(120)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def problem_lines(command: str, stderr: str) -> list[str]:
    """stderr without what is not a problem: validate's count, a summary of report's, show's `accord: `."""
    lines = stderr.splitlines()
    if command == "validate":
        assert re.fullmatch(r"\d+ problems? found", lines[-1]), stderr
        lines = lines[:-1]
    if command == "report":
        lines = [line for line in lines if not line.startswith("accord: ")]
    return [line.removeprefix("accord: ") if command == "show" else line for line in lines]


def check(accord: Accord, records: Path, command: str, where: str, words: str) -> None:
    args, code = COMMANDS[command]
    before = snapshot(records)
    out = accord(*args)
    assert out.code == code, (out.code, out.stderr[-2000:])
    assert "Traceback" not in out.stderr
    lines = problem_lines(command, out.stderr)
    assert len(lines) == 1, out.stderr[-2000:]
    assert lines[0].startswith(where), (where, lines[0][:300])
    assert words in lines[0], (words, lines[0][:300])
    assert len(lines[0]) < 400  # one readable line, whatever the file holds
    assert_untouched(records, before)
    if command == "list":  # the other records are still listed
        assert "7.1" not in {row["id"] for row in json.loads(out.stdout)}
        assert len(json.loads(out.stdout)) > 100


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", TEXT_CASES)
def test_a_bad_record_is_one_line_naming_its_file_and_line(
    accord: Accord, records: Path, case: str, command: str
) -> None:
    content, words, line = TEXT_CASES[case]
    path = records / "articles" / "7.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    if isinstance(line, str):
        assert isinstance(content, str)
        line = line_of(content, line)
    where = f"{path}:{line}: " if line else f"{path}: "
    check(accord, records, command, where, words)


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "show"])
@pytest.mark.parametrize("case", FILE_CASES)
def test_a_special_file_is_refused_without_being_read(accord: Accord, records: Path, case: str, command: str) -> None:
    make, words = FILE_CASES[case]
    path = records / "articles" / "7.yaml"
    make(path)
    shown = path.with_suffix(".yml") if case == "yml-suffix" else path
    check(accord, records, command, f"{shown}: ", words)


@pytest.mark.parametrize("case", [c for c in FILE_CASES if c != "yml-suffix"])
def test_show_refuses_a_special_file_by_name(accord: Accord, records: Path, case: str) -> None:
    make, words = FILE_CASES[case]
    path = records / "articles" / "7.yaml"
    make(path)
    check(accord, records, "show", f"{path}: ", words)


def test_show_of_a_yml_record_finds_no_record_and_validate_names_the_file(accord: Accord, records: Path) -> None:
    make_yml(records / "articles" / "7.yaml")
    out = accord("show", "7.1")
    assert out.code == 2
    assert out.stderr.startswith("accord: no record '7.1'")
    check(accord, records, "validate", f"{records / 'articles' / '7.yml'}: ", "ends in .yaml")


# -- comments ---------------------------------------------------------------------------------------

ACCEPTED = {
    "bom": "\ufeff" + ORIGINAL,
    "leading-schema-comment": "# yaml-language-server: $schema=accord.json\n\n# article 7\n" + ORIGINAL,
    "hash-inside-text": swap(
        "title: Science, technology, innovation and digital transformation\n",
        "title: 'Science # technology, innovation and digital transformation'\n",
    ),
    "hash-inside-block-text": swap("history: []", "history:\n" + EVENT.replace("note: Minutes", "note: |\n    a # b")),
}


@pytest.mark.parametrize("case", ACCEPTED)
def test_what_only_looks_odd_is_read_and_valid(accord: Accord, records: Path, case: str) -> None:
    path = records / "articles" / "7.yaml"
    path.write_text(ACCEPTED[case], "utf-8")
    before = snapshot(records)
    for args, _ in COMMANDS.values():
        out = accord(*args)
        assert out.code == 0, (args, out.stderr)
        assert out.stderr == "", (args, out.stderr)
    assert_untouched(records, before)


@pytest.mark.parametrize(
    ("content", "marker"),
    [
        (swap("section: 2\n", "section: 2  # as in the statement\n"), "section: 2"),
        (swap("history: []", "# MOFA: confirm with Seoul\nhistory: []"), "# MOFA"),
        (swap("tags:\n- science", "tags: # topics\n- science"), "tags: # topics"),
        (swap("history: []", "history: [] # none yet"), "history: [] #"),
        ("\ufeff" + swap("title: Science, technology, innovation", "title: 'S # T' # innovation"), "title: 'S"),
    ],
)
def test_validate_names_a_comment_the_next_write_would_drop(
    accord: Accord, records: Path, content: str, marker: str
) -> None:
    path = records / "articles" / "7.yaml"
    path.write_text(content, "utf-8")
    line = line_of(content, marker)
    check(
        accord, records, "validate", f"{path}:{line}: ", "comment will be lost at the next change; move it into a note"
    )
    listed = accord("list", "--format", "ids")
    assert listed.code == 0 and "7.1" in listed.stdout.split()
