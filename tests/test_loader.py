"""The loader's pitfalls, one small record file each, seen through the CLI.

Each case writes a small article 4 (below) with one pitfall into a copy of the records. A refused
file makes `accord show 4` exit 2 with one line naming the file, the line and the field, makes
`accord validate` exit 1 with `path:line: message`, and is left byte for byte as it was. YAML 1.1
surprises that are valid text (`on`, `1:20`, `0123`, an unquoted date, `86.80`) keep their meaning.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from accord.fsio import MAX_FILE_BYTES
from conftest import Accord
from helpers import assert_refused, assert_valid, parse_json, shown
from support import commitment_ids, expected_hits

# A small, valid article 4: one commitment, the one the trade target points at. Line numbers:
SMALL = """\
id: '4'
section: 2
title: Trade target
text: kwamen beide partijen overeen om de doelstelling van een bilaterale handelsomzet van 150 miljard USD tegen 2030
status: not_started
commitments:
- id: '4.5'
  title: Reach USD 150 billion bilateral trade
  side: both
  kind: agreed
  excerpt: handelsomzet van 150 miljard USD tegen 2030
  status: not_started
  due: '2030-12-31'
history: []
"""
# 1 id, 2 section, 3 title, 4 text, 5 status, 6 commitments, 7 - id, 8 title, 9 side,
# 10 kind, 11 excerpt, 12 status, 13 due, 14 history


def variant(old: str, new: str) -> str:
    assert SMALL.count(old) == 1, old
    return SMALL.replace(old, new)


def location(path: Path, line: int | None) -> str:
    return f"{path}:{line}" if line else str(path)


@pytest.fixture
def article_file(records: Path) -> Path:
    return records / "articles" / "4.yaml"


def write(path: Path, content: bytes | str) -> bytes:
    """Write a record file; returns its bytes, to check later that no command rewrote it."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.write_bytes(data)
    return data


def assert_valid_and_unchanged(accord: Accord, path: Path, data: bytes) -> None:
    assert_valid(accord)
    assert path.read_bytes() == data


def assert_reported_invalid(accord: Accord, where: str, words: str) -> None:
    """`accord validate` exits 1 with a `where: ...` line holding the words."""
    checked = accord("validate")
    assert checked.code == 1
    assert any(row.startswith(f"{where}: ") and words in row for row in checked.stderr.splitlines()), checked.stderr


def test_the_small_article_itself_is_valid(accord: Accord, article_file: Path) -> None:
    data = write(article_file, SMALL)
    assert shown(accord, "4")["commitments"][0]["id"] == "4.5"
    assert_valid_and_unchanged(accord, article_file, data)


REFUSED = [
    pytest.param(
        variant("section: 2\n", "section: 2\nsection: 2\n"), 3, "section", "duplicate key", id="duplicate-key"
    ),
    pytest.param(
        variant("title: Trade target", "title: &a Trade target").replace(
            "  title: Reach USD 150 billion bilateral trade", "  title: *a"
        ),
        3,
        None,
        "anchor &a",
        id="anchor-and-alias",
    ),
    pytest.param(
        variant("  side: both\n", "  <<: {side: both}\n"), 9, None, "merge keys (<<) are not allowed", id="merge-key"
    ),
    pytest.param(
        variant(
            "status: not_started\ncommitments", 'status: !!python/object/apply:os.system ["{sentinel}"]\ncommitments'
        ),
        5,
        None,
        "python/object/apply:os.system is not allowed",
        id="python-tag",
    ),
    pytest.param("", 1, None, "empty", id="empty-file"),
    pytest.param("- id: '4'\n- section: 2\n", 1, None, "must be a mapping", id="top-level-list"),
    pytest.param(
        variant("title: Trade target", "title: Trade \udcff target").encode("utf-8", "surrogateescape"),
        3,
        None,
        "not valid UTF-8",
        id="invalid-utf8",
    ),
    pytest.param(
        variant("status: not_started\ncommitments", "status: no\ncommitments"),
        5,
        "status",
        "not_started",
        id="status-no",
    ),
    pytest.param(variant("id: '4'\n", "id: 4\n"), 1, "id", "string", id="unquoted-number-id"),
    pytest.param(
        variant("  due: '2030-12-31'\n", "  due: '2030-12-31'\n  colour: red\n"),
        14,
        "commitments[0].colour",
        "unknown field",
        id="unknown-key",
    ),
]


@pytest.mark.parametrize(("content", "line", "field", "words"), REFUSED)
def test_a_pitfall_is_refused_with_its_file_and_line(
    accord: Accord,
    article_file: Path,
    tmp_path: Path,
    content: str | bytes,
    line: int,
    field: str | None,
    words: str,
) -> None:
    sentinel = tmp_path / "the-tag-ran"
    if isinstance(content, str):
        content = content.replace("{sentinel}", f"touch {sentinel}")
    data = write(article_file, content)
    where = location(article_file, line)

    message = assert_refused(accord("show", "4"), words)
    expected_start = f"accord: {where}: " + (f"{field}: " if field else "")
    assert message.startswith(expected_start), message

    assert_reported_invalid(accord, where, words)

    assert article_file.read_bytes() == data
    assert not sentinel.exists()


def test_a_file_over_the_size_limit_is_refused_unread(accord: Accord, article_file: Path) -> None:
    padding = b"# " + b"x" * MAX_FILE_BYTES + b"\n"
    data = write(article_file, SMALL.encode("utf-8") + padding)
    assert len(data) > MAX_FILE_BYTES

    message = assert_refused(accord("show", "4"), f"{MAX_FILE_BYTES} byte limit")
    assert message.startswith(f"accord: {article_file}: ")
    assert_reported_invalid(accord, str(article_file), "limit")
    assert article_file.read_bytes() == data


# -- YAML 1.1 look-alikes that are valid text ------------------------------------------------


def test_an_owner_written_on_stays_the_word_on(accord: Accord, article_file: Path) -> None:
    data = write(article_file, variant("  due: '2030-12-31'\n", "  due: '2030-12-31'\n  owner: on\n"))
    assert shown(accord, "4.5")["owner"] == "on"
    listed = accord("list", "--owner", "on", "--format", "ids")
    assert listed.code == 0
    assert listed.stdout.split() == ["4.5"]
    assert_valid_and_unchanged(accord, article_file, data)


def test_an_unquoted_due_date_is_still_that_date(accord: Accord, article_file: Path) -> None:
    data = write(article_file, variant("  due: '2030-12-31'\n", "  due: 2030-12-31\n"))
    assert shown(accord, "4.5")["due"] == "2030-12-31"
    before = accord("list", "--due-before", "2031-01-01", "--format", "ids")
    on_the_day = accord("list", "--due-before", "2030-12-31", "--format", "ids")
    assert "4.5" in before.stdout.split()
    assert "4.5" not in on_the_day.stdout.split()
    assert_valid_and_unchanged(accord, article_file, data)


@pytest.mark.parametrize("title", ["1:20", "0123", "no", "on", "2030-12-31"])
def test_a_title_that_looks_like_another_type_stays_text(accord: Accord, article_file: Path, title: str) -> None:
    data = write(article_file, variant("title: Trade target\n", f"title: {title}\n"))
    assert shown(accord, "4")["title"] == title
    assert_valid_and_unchanged(accord, article_file, data)


def test_a_measurement_keeps_its_written_decimals(accord: Accord, records: Path) -> None:
    trade = records / "targets" / "trade.yaml"
    text = trade.read_text("utf-8")
    assert text.count("    value: 86.8\n") == 1
    data = write(trade, text.replace("    value: 86.8\n", "    value: 86.80\n"))

    target = shown(accord, "trade")
    korea = next(s for s in target["series"] if s["name"] == "korea")
    assert {m["period"]: m["value"] for m in korea["measurements"]}["2024"] == "86.80"
    as_text = accord("show", "trade")
    row = next(r for r in as_text.stdout.splitlines() if r.strip().startswith("2024") and "qdnd" in r)
    assert row.split()[1] == "86.80"
    assert_valid_and_unchanged(accord, trade, data)


# -- one broken file does not hide the others -------------------------------------------------


@pytest.mark.parametrize("broken_name", ["4.yaml", "24.yaml"], ids=["overwritten", "new-file"])
def test_a_broken_article_does_not_take_the_others_down(accord: Accord, records: Path, broken_name: str) -> None:
    others = commitment_ids(records, lambda article, commitment: article["id"] != broken_name[:-5])
    pattern = re.compile(r"vietnam en korea", re.IGNORECASE)
    hits = expected_hits(records, pattern, keep=lambda article, item: article["id"] != broken_name[:-5])
    broken = records / "articles" / broken_name
    data = write(broken, "id: '4'\nid: '4'\n")

    for out, expected in (
        (accord("list", "--format", "ids"), others),
        (accord("search", "Vietnam en Korea", "-l"), hits),
    ):
        # exit 2 for the broken file, named on one line, yet every readable record is listed
        assert out.code == 2
        assert out.stdout.split() == expected
        assert len(out.stderr.splitlines()) == 1
        assert out.stderr.startswith(f"{broken}:2: id: ")

    assert broken.read_bytes() == data


def test_show_reads_only_the_file_it_names(accord: Accord, records: Path) -> None:
    (records / "articles" / "24.yaml").write_text("- not an article\n", encoding="utf-8")
    out = accord("show", "4.5", "--format", "json")
    assert out.code == 0
    assert out.stderr == ""
    assert parse_json(out.stdout)["id"] == "4.5"
