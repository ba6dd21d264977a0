"""A read through the index looks at each article file's status in one pass and reads the rows of
only the articles a listing keeps, and `show` looks up only the file it names: whatever is done to
the files behind accord's back between two reads, every listing, search, count and record shown
still says what the files say, as `--no-cache` shows it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from accord import index as index_module
from conftest import Accord
from helpers import replace_once
from test_index import assert_truth, outputs

QUERIES = [
    ("list", "--format", "csv"),
    ("list", "--tag", "trade", "--format", "ids"),
    ("list", "--tag", "aeo-mra", "--tag", "customs", "--format", "ids"),
    ("list", "--tag", "fta", "--section", "2", "--status", "not_started", "--format", "ids"),
    ("list", "--tag", "supply", "--format", "ids"),
    ("list", "--section", "1", "--format", "ids"),
    ("list", "--status", "stalled", "--stale", "2w", "--format", "ids"),
    ("list", "--articles", "--tag", "trade", "--format", "ids"),
    ("search", "-c", "samenwerking"),
    ("stats", "--format", "csv"),
    ("stats", "--by", "kind", "--format", "csv"),
    ("show", "4.1", "--format", "json"),
    ("show", "12", "--format", "json"),
]


def _every_article_removed(articles: Path) -> None:
    for path in articles.glob("*.yaml"):
        path.unlink()


def _one_swapped_for_a_link_to_its_copy(articles: Path) -> None:
    """The same bytes behind a link: not a regular file, which accord does not read."""
    copy = articles.parent / "4-copy.yaml"
    shutil.copy(articles / "4.yaml", copy)
    (articles / "4.yaml").unlink()
    (articles / "4.yaml").symlink_to(copy)


def _one_swapped_for_a_folder(articles: Path) -> None:
    (articles / "4.yaml").unlink()
    (articles / "4.yaml").mkdir()


def _one_renamed(articles: Path) -> None:
    os.replace(articles / "4.yaml", articles / "98.yaml")


def _one_swapped_with_another_by_rename(articles: Path) -> None:
    """Two files trade places: each name keeps a file of accord's, with another's size and inode."""
    os.replace(articles / "4.yaml", articles / "swap")
    os.replace(articles / "5.yaml", articles / "4.yaml")
    os.replace(articles / "swap", articles / "5.yaml")


def _tags_moved(articles: Path) -> None:
    """A tag taken off the article and put on one commitment only; another tag's name made longer."""
    path = articles / "4.yaml"
    replace_once(path, "tags:\n- trade\n- fta\n", "tags:\n- fta\n")
    replace_once(path, "  tags:\n  - economic-cooperation\n", "  tags:\n  - economic-cooperation\n  - trade\n")
    replace_once(path, "  - market-access\n", "  - market-access-x\n")


def _section_changed(articles: Path) -> None:
    replace_once(articles / "4.yaml", "section: 2\n", "section: 1\n")


@pytest.mark.parametrize(
    "change",
    [
        _every_article_removed,
        _one_swapped_for_a_link_to_its_copy,
        _one_swapped_for_a_folder,
        _one_renamed,
        _one_swapped_with_another_by_rename,
        _tags_moved,
        _section_changed,
    ],
)
def test_what_is_done_to_the_article_files_shows_in_every_listing(
    accord: Accord, records: Path, change: Callable[[Path], None]
) -> None:
    before = assert_truth(accord, QUERIES)
    change(records / "articles")
    assert assert_truth(accord, QUERIES) != before


def test_files_changed_with_their_sizes_and_times_kept_are_read_again_among_many_unchanged(
    accord: Accord, records: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several files changed at once, each set back to its size and times, the others left as they
    were: each changed one is found by its change time. (Every file is taken as settled at once,
    as it would be a few seconds after it was written.)"""
    monkeypatch.setattr(index_module, "SETTLED_NS", 0)
    before = assert_truth(accord, QUERIES)
    for name in ("4.yaml", "12.yaml", "18.yaml"):
        path = records / "articles" / name
        status = os.stat(path)
        text = path.read_text("utf-8")
        path.write_text(text.replace("  status: not_started", "  status: stalled    ", 1), "utf-8")
        os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
        assert os.stat(path).st_size == status.st_size
    after = assert_truth(accord, QUERIES)
    assert after != before


def test_a_listing_of_commitments_after_a_command_that_read_no_history_reads_it(accord: Accord, records: Path) -> None:
    """`list --stale` needs each article's history; a `list` before it indexed none of it."""
    path = records / "articles" / "4.yaml"
    accord("list")
    accord("stats")
    stale = ("list", "--stale", "1d", "--format", "ids")
    truth = accord("--no-cache", *stale).stdout
    assert accord(*stale).stdout == truth
    path.write_text(path.read_text("utf-8").replace("  status: not_started", "  status: completed  ", 1), "utf-8")
    after = accord("--no-cache", *stale).stdout
    assert after != truth
    assert accord(*stale).stdout == after


SEARCHES = [
    ("search", "kwantum", "--format", "ids"),
    ("search", "kwantumchips", "-w", "--format", "ids"),
    ("search", "KWANTUM", "-s", "--format", "ids"),
    ("search", "kwan", "-F", "--format", "ids"),
    ("search", "co2+", "--format", "ids"),
    ("search", "-c", "samenwerking"),
]


def _search_answers(accord: Accord, *options: str) -> list[tuple[int, str, str]]:
    return outputs(accord, *options, commands=SEARCHES)


@pytest.mark.parametrize(
    ("old", "new", "found"),
    [
        # a commitment's excerpt, an article's own text, and its title
        ("  excerpt: zij kwamen overeen", "  excerpt: kwantumchips; zij kwamen overeen", "4.1"),
        ("text: Beide partijen", "text: Kwantumcomputers. Beide partijen", "4"),
        ("title: Trade, KVFTA", "title: Kwantum, trade, KVFTA", "4"),
        # text that does not fold to ASCII, where the word is
        ("  excerpt: zij kwamen overeen", "  excerpt: Đà Nẵng kwantum; zij kwamen overeen", "4.1"),
        ("text: Beide partijen", "text: Đà Nẵng, kwantum. Beide partijen", "4"),
        # a search word that is more than letters and digits
        ("  excerpt: zij kwamen overeen", "  excerpt: CO2+ zij kwamen overeen", "4.1"),
        # not the start of a word: found only by -F
        ("  excerpt: zij kwamen overeen", "  excerpt: x_kwantum 2030kwantum zij kwamen overeen", None),
    ],
)
def test_a_search_finds_words_written_behind_the_index_back_and_not_those_taken_out(
    accord: Accord, records: Path, old: str, new: str, found: str | None
) -> None:
    path = records / "articles" / "4.yaml"
    before = _search_answers(accord)
    assert before == _search_answers(accord, "--no-cache")
    replace_once(path, old, new)
    after = _search_answers(accord, "--no-cache")
    assert _search_answers(accord) == after
    listed = after[0][1].split() + after[4][1].split()
    assert (found in listed) if found else ("4.1" in after[3][1].split() and not listed)
    replace_once(path, new, old)
    assert _search_answers(accord) == _search_answers(accord, "--no-cache") == before


def test_words_written_by_other_commands_between_two_searches_are_all_found(accord: Accord, records: Path) -> None:
    """Reads that are not searches write rows without bringing the full-text indexes up to date:
    the next search does, whatever came and went meanwhile (a word written and taken out again, a
    file removed and another added in its place, which may take its row's number)."""
    articles = records / "articles"
    assert _search_answers(accord) == _search_answers(accord, "--no-cache")
    replace_once(articles / "4.yaml", "  excerpt: zij kwamen overeen", "  excerpt: kwantum; zij kwamen overeen")
    accord("list")
    replace_once(articles / "4.yaml", "  excerpt: kwantum; zij kwamen overeen", "  excerpt: zij kwamen overeen")
    replace_once(articles / "5.yaml", "text: ", "text: Kwantumtechnologie. ")
    accord("stats")
    last = max(articles.glob("*.yaml"), key=lambda path: int(path.stem) if path.stem.isdigit() else 0)
    text = last.read_text("utf-8")
    last.unlink()
    accord("list")
    text = text.replace(f"id: '{last.stem}'", "id: '99'").replace(f"id: '{last.stem}.", "id: '99.")
    (articles / "99.yaml").write_text(text.replace("  excerpt: ", "  excerpt: kwantumchips ", 1), "utf-8")
    accord("list", "--status", "stalled")
    truth = _search_answers(accord, "--no-cache")
    assert {"5", "99.1"} <= set(truth[0][1].split()) and "4.1" not in truth[0][1].split()
    assert _search_answers(accord) == truth
