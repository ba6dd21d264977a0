"""A history as accord writes it is read without libyaml's events (see yamlio): that reading must
give every file exactly what libyaml gives, and refuse, or leave to libyaml, every file libyaml
refuses. Through the CLI, a pitfall written by hand inside such a history is named with its file
and line as anywhere else.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord import yamlio
from accord.errors import DataError
from conftest import SHIPPED, Accord
from helpers import assert_refused, assert_untouched, snapshot

PATH = Path("articles/7.yaml")
ORIGINAL = (SHIPPED / "articles" / "7.yaml").read_text("utf-8")
HEAD = ORIGINAL.removesuffix("history: []\n")
assert HEAD != ORIGINAL

# Pieces of values, keys and lines: what YAML reads as something else than the text, what libyaml
# refuses, and what accord writes.
PIECES = [
    "Officer 7", "progress noted", "'", "''", '"', ":", ": ", " #", "#", "-", "- ", "?", "? ", "[", "]",
    "{", "}", "&a", "*a", "!", "!!str ", "|", ">", "%", "@", "`", ",", "~", "<<", "\t", " ", "  ", "\\",
    "\x85", "\u2028", "\ufeff", "\xa0", "\x00", "\x7f", "é", "Biển Đông", "null", "true", "False", "no",
    "1", "-1", "0123", "1.50", "-0.5", "1e3", "1:20", "9" * 120, "2025-08-13T20:43:26.000000Z",
    "2030-12-31", "...", "---",
]  # fmt: skip
KEYS = ["at", "by", "id", "field", "old", "new", "note", "review_by", "true", "null", "Note", "a b", "<<", "x-y", ""]
STARTS = ["- ", "  ", "", " ", "   ", "-", "- - ", "-  ", "  - ", "\t"]
COLONS = [": ", ":", " : ", ":  ", ":\t"]
HEADS = [
    HEAD, "", "id: '7'\n", "id: '7'\n...\n", "--- \nid: '7'\n", "  id: '7'\n", "{id: '7'}\n", "history: []\n",
    "text: 'open\n", "text: |\n  a\n", "tags:\n- a\n", "owner:\n", "# a comment\n", "- '7'\n", "id: &a '7'\n",
]  # fmt: skip
TAILS = ["", "\n", "# c\n", "---\nid: '8'\n", "...\n", "  \n", "x"]



def mostly(usual: list[str], odd: list[str]) -> st.SearchStrategy[str]:
    """One of `usual` three times in four, else one of `odd`: most lines are right, some are not."""
    return st.sampled_from(usual * len(odd) * 3 + odd)


USUAL = ["Officer 7", "progress noted", "é", "1", "1.50", "null", "0123", "2025-08-13T20:43:26.000000Z", " ", "-"]
values = st.lists(mostly(USUAL, PIECES), min_size=1, max_size=4).map("".join)
quoted = values.map(lambda value: "'" + value.replace("'", "''") + "'")


def line(start: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda start, key, colon, value: f"{start}{key}{colon}{value}\n",
        start,
        mostly(KEYS[:8], KEYS[8:]),
        mostly([": "], COLONS[1:]),
        values | quoted,
    )


histories = st.builds(
    lambda head, first, rest, tail: f"{head}history:\n{first}{''.join(rest)}{tail}",
    mostly([HEAD], HEADS[1:]),
    line(st.just("- ")),
    st.lists(line(mostly(["- ", "  "], STARTS[2:])), max_size=8),
    mostly([""], TAILS[1:]),
)

PROPERTY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (1 == Decimal(1) == True for Python), keys in order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same, a, b))
    return bool(a == b)


def libyaml(text: str) -> Any:
    """What libyaml alone makes of `text`: its data, or the DataError that refuses it."""
    try:
        return yamlio._strict(text, PATH)
    except DataError as exc:
        return exc


def assert_agrees(text: str) -> Any:
    """The reading without events gives what libyaml gives, or leaves the file to it; returns its data."""
    expected = libyaml(text)
    read = yamlio._with_flat_history(text, PATH)
    if isinstance(expected, DataError):
        assert read is None, (text, expected.message)
    else:
        assert read is None or same(read, expected), text
    loaded: Any
    try:
        loaded = yamlio.load_text(text, PATH)
    except DataError as exc:
        loaded = exc
    assert isinstance(loaded, DataError) == isinstance(expected, DataError)
    if isinstance(expected, DataError):
        assert (loaded.line, loaded.message, loaded.field) == (expected.line, expected.message, expected.field)
    else:
        assert same(loaded, expected)
    return read


@PROPERTY
@given(histories)
def test_any_history_reads_as_libyaml_reads_it_or_is_left_to_it(text: str) -> None:
    assert_agrees(text)


scalars = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=30),
    st.sampled_from(PIECES),
    st.integers(-(10**30), 10**30),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(lambda d: d if d.is_finite() else Decimal(0)),
    st.booleans(),
)
events = st.lists(
    st.dictionaries(st.sampled_from(KEYS[:8]), scalars, min_size=1, max_size=6), min_size=1, max_size=5
)


@PROPERTY
@given(events)
def test_a_history_accord_wrote_reads_back_as_written(written: list[dict[str, Any]]) -> None:
    """Every event of numbers and one-line printable text (of the Basic Multilingual Plane: YAML writes
    other characters escaped, between double quotes) is read without libyaml's events."""
    text = HEAD + yamlio.dump({"history": written}).decode("utf-8")
    read = assert_agrees(text)
    expected = libyaml(text)
    assert not isinstance(expected, DataError)
    plain = all(
        not isinstance(v, str) or (v.isprintable() and v == v.strip(" ") and max(v, default=" ") < "\U00010000")
        for event in written
        for v in event.values()
    )
    if plain:
        assert read is not None, text
        assert same(read["history"], expected["history"])


# -- through the command line ----------------------------------------------------------------

EVENT = "- at: '2026-11-25T09:30:00.000000Z'\n  by: Le Van A\n  id: '7.1'\n  note: Minutes\n"
GOOD = EVENT * 3

# name: (the history's text, the line of the problem within it (1: its first event line), words)
PITFALLS = {
    "duplicate-key": (GOOD + EVENT + "  note: again\n", 17, "note: duplicate key"),
    "key-that-is-not-text": (GOOD + EVENT.replace("  note:", "  true:"), 16, "must be a string"),
    "anchor": (GOOD + EVENT.replace("note: Minutes", "note: &m Minutes"), 16, "anchor &m is not allowed"),
    "alias": (GOOD + EVENT.replace("note: Minutes", "note: *m"), 16, "alias *m is not allowed"),
    "tag": (GOOD + EVENT.replace("note: Minutes", "note: !!str Minutes"), 16, "tag !!str is not allowed"),
    "merge-key": (GOOD + EVENT + "  <<: {by: x}\n", 17, "merge keys (<<) are not allowed"),
    "nul-byte": (GOOD + EVENT.replace("Minutes", "Min\x00utes"), 16, "unacceptable character #x0000"),
    "huge-number": (GOOD + EVENT.replace("note: Minutes", "old: " + "9" * 200), 16, "number of 200 characters"),
    "colon-in-plain-text": (GOOD + EVENT.replace("note: Minutes", "note: Minutes: kept"), 16, "not valid YAML"),
    "second-document": (GOOD + "---\nid: '8'\n", 13, "a record is one document"),
    "unquoted-date-in-at": (GOOD + EVENT.replace("'2026-11-25T09:30:00.000000Z'", "2026-11-25"), 13, "history[3].at"),
}


@pytest.mark.parametrize("case", PITFALLS)
@pytest.mark.parametrize("command", [("validate",), ("show", "7"), ("list", "--stale", "30d", "-f", "ids")])
def test_a_pitfall_inside_a_written_history_is_named_with_its_line(
    accord: Accord, records: Path, case: str, command: tuple[str, ...]
) -> None:
    block, line, words = PITFALLS[case]
    article = records / "articles" / "7.yaml"
    article.write_text(HEAD + "history:\n" + block, "utf-8")
    where = f"{article}:{HEAD.count(chr(10)) + 1 + line}: "
    before = snapshot(records)

    out = accord(*command)
    if command[0] == "show":
        assert assert_refused(out, words).startswith(f"accord: {where}")
    else:
        assert out.code == (1 if command[0] == "validate" else 2), out.stderr
        problems = [row for row in out.stderr.splitlines() if row.startswith(str(article))]
        assert len(problems) == 1, out.stderr
        assert problems[0].startswith(where) and words in problems[0], problems[0]
    assert_untouched(records, before)


def test_a_written_history_reads_the_same_with_and_without_the_index(accord: Accord, records: Path) -> None:
    article = records / "articles" / "7.yaml"
    article.write_text(HEAD + "history:\n" + GOOD.replace("note: Minutes", "note: 'it''s: #1'\n  old: 1.50"), "utf-8")
    shown = accord("show", "7", "-f", "json")
    logged = accord("log", "7", "-f", "json")
    assert shown.code == logged.code == 0, shown.stderr + logged.stderr
    assert '"note": "it\'s: #1"' in shown.stdout and '"old": "1.50"' in shown.stdout
    for args in (("log", "7", "-f", "json"), ("list", "--stale", "30d", "-f", "json")):
        assert accord(*args).stdout == accord("--no-cache", *args).stdout
