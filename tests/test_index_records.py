"""`show` and `search` read statement.yaml, glossary.yaml and the targets through the index, kept
there as the article files are: whatever happens to those files behind accord's back, they print
what the files say, as `--no-cache` (which reads every file) prints it."""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from accord import index as index_module
from accord.storage import HEADS_ONLY_FROM
from conftest import Accord
from test_index import index_of, outputs

COMMANDS = [
    ("show", "4.5"),
    ("show", "4.5", "--format", "json"),
    ("show", "4", "--format", "json"),
    ("show", "trade"),
    ("show", "edcf", "--format", "yaml"),
    ("search", "-l", "KVFTA"),
    ("search", "-c", "Zuid-Chinese Zee"),
    ("search", "EDCF", "--format", "json"),
    ("search", "handel"),
]


def assert_truth(accord: Accord) -> list[tuple[int, str, str]]:
    """Each command prints through the index what it prints from the files alone, cold and warm."""
    truth = outputs(accord, "--no-cache", commands=COMMANDS)
    assert outputs(accord, commands=COMMANDS) == truth
    assert outputs(accord, commands=COMMANDS) == truth
    return truth


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def _swap(one: Path, other: Path) -> None:
    one_bytes = one.read_bytes()
    one.write_bytes(other.read_bytes())
    other.write_bytes(one_bytes)


def change_behind_the_index(records: Path, change: str) -> None:
    targets = records / "targets"
    if change == "section retitled":
        _replace(records / "statement.yaml", "title: Economic, trade", "title: Commerce, trade")
    elif change == "statement deleted":
        (records / "statement.yaml").unlink()
    elif change == "statement corrupt":
        (records / "statement.yaml").write_bytes(b"sections: [\xff")
    elif change == "glossary name dropped":
        _replace(records / "glossary.yaml", "  - Zuid-Chinese Zee\n", "")
    elif change == "glossary deleted":
        (records / "glossary.yaml").unlink()
    elif change == "glossary breaks the schema":
        (records / "glossary.yaml").write_text("terms:\n- names: [alone]\n", "utf-8")
    elif change == "glossary a link":
        (records / "glossary.yaml").rename(records / "words.yaml")
        (records / "glossary.yaml").symlink_to("words.yaml")
    elif change == "target measures another commitment":
        _replace(targets / "trade.yaml", "'4.5'", "'4.6'")
    elif change == "target deleted":
        (targets / "trade.yaml").unlink()
    elif change == "targets swapped":
        _swap(targets / "trade.yaml", targets / "edcf.yaml")
    elif change == "target added":
        shutil.copy(targets / "edcf.yaml", targets / "edcf2.yaml")
        _replace(targets / "edcf2.yaml", "id: edcf", "id: edcf2")
    elif change == "target breaks the schema":
        (targets / "trade.yaml").write_text("id: trade\n", "utf-8")
    else:
        (targets / "edcf.yaml").unlink()
        (targets / "edcf.yaml").symlink_to("trade.yaml")


@pytest.mark.parametrize(
    "change",
    [
        "section retitled",
        "statement deleted",
        "statement corrupt",
        "glossary name dropped",
        "glossary deleted",
        "glossary breaks the schema",
        "glossary a link",
        "target measures another commitment",
        "target deleted",
        "targets swapped",
        "target added",
        "target breaks the schema",
        "target a link",
    ],
)
def test_a_changed_statement_glossary_or_target_file_is_read_again(
    accord: Accord, records: Path, change: str
) -> None:
    before = assert_truth(accord)
    change_behind_the_index(records, change)
    after = assert_truth(accord)
    assert after != before


def test_a_target_changed_without_its_size_or_times_changing_is_read_again(
    accord: Accord, records: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file is taken as settled at once, as it would be a few seconds after it was written:
    its status, not its bytes, then vouches for it, and the change time tells."""
    monkeypatch.setattr(index_module, "SETTLED_NS", 0)
    trade = records / "targets" / "trade.yaml"
    assert "targets  trade\n" in accord("show", "4.5").stdout
    status = os.stat(trade)
    _replace(trade, "'4.5'", "'4.6'")
    os.utime(trade, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert os.stat(trade).st_size == status.st_size
    assert "targets  \n" in accord("show", "4.5").stdout
    assert "targets  trade\n" in accord("show", "4.6").stdout


def test_a_target_rewritten_with_the_same_bytes_then_changed_in_place_is_read_again(
    accord: Accord, records: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file written again unchanged (a checkout, a copy) is found the same by its bytes and its new
    status kept; a change after that, size and times kept, is still seen."""
    monkeypatch.setattr(index_module, "SETTLED_NS", 0)
    trade = records / "targets" / "trade.yaml"
    assert "targets  trade\n" in accord("show", "4.5").stdout
    trade.write_bytes(trade.read_bytes())
    assert "targets  trade\n" in accord("show", "4.5").stdout
    status = os.stat(trade)
    _replace(trade, "'4.5'", "'4.6'")
    os.utime(trade, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert "targets  \n" in accord("show", "4.5").stdout
    assert "targets  trade\n" in accord("show", "4.6").stdout


def test_show_trusts_no_index_of_another_format(accord: Accord, records: Path) -> None:
    accord("show", "4.5")
    with sqlite3.connect(index_of(records)) as db:
        db.execute("UPDATE others SET data = replace(data, 'Bilateral', 'Forged') WHERE name = 'targets/trade.yaml'")
        db.execute(f"PRAGMA user_version = {index_module.FORMAT - 1}")
    assert "Bilateral trade turnover" in accord("show", "trade").stdout
    assert "Forged" not in accord("show", "trade").stdout


def test_a_show_before_the_first_build_leaves_it_to_read_only_the_heads_of_many_files(tmp_path: Path) -> None:
    """After a clone of a large folder, a `show` does not start the index with one whole file: the
    first read of every file then reads each up to its history, as it would without the show."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from generate import generate

    records = tmp_path / "statement"
    generate(records, HEADS_ONLY_FROM, per_article=1, events=2)
    accord = Accord(records)
    shown = accord("show", "1.1", "--format", "json")
    assert shown.code == 0 and shown.stdout == accord("--no-cache", "show", "1.1", "--format", "json").stdout
    assert accord("list", "--format", "ids").code == 0
    with sqlite3.connect(index_of(records)) as db:
        assert db.execute("SELECT count(*) FROM articles WHERE history IS NULL").fetchone() == (HEADS_ONLY_FROM,)
    assert accord("show", "1.1", "--format", "json").stdout == shown.stdout
    with sqlite3.connect(index_of(records)) as db:  # once the index is built, show keeps what it read
        assert db.execute("SELECT history IS NOT NULL FROM articles WHERE id = '1'").fetchone() == (1,)
