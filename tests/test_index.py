"""The index in .accord-cache/ can never change what accord prints: whatever happens to the record
files or to the index behind accord's back, every command shows what the files say, as
`--no-cache` (which reads every file) shows it."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord import index as index_module
from accord.index import APPLICATION_ID, INDEX_FILE
from accord.storage import HEADS_ONLY_FROM, head_of, read_article
from conftest import Accord, Outcome, run_accord
from helpers import replace_once

CACHE = ".accord-cache"
COMMANDS = [
    ("list", "--format", "json"),
    ("list", "--articles", "--format", "ids"),
    ("list", "--status", "ongoing", "--section", "2", "--format", "csv"),
    ("search", "samenwerking"),
    ("search", "-c", "150 miljard"),
    ("stats", "--format", "json"),
    ("stats", "--by", "kind", "--format", "csv"),
    ("show", "4.5", "--format", "json"),
    ("report", "--format", "json", "--today", "2026-11-25"),
]


Output = tuple[int, str, str]


def outputs(
    accord: Accord, *options: str, commands: Sequence[tuple[str, ...]] = COMMANDS
) -> list[tuple[int, str, str]]:
    results = []
    for args in commands:
        out: Outcome = accord(*options, *args)
        assert "Traceback" not in out.stderr
        results.append((out.code, out.stdout, out.stderr))
    return results


def assert_truth(accord: Accord, commands: Sequence[tuple[str, ...]] = COMMANDS) -> list[tuple[int, str, str]]:
    """Every command prints through the index what it prints from the files alone."""
    truth = outputs(accord, "--no-cache", commands=commands)
    assert outputs(accord, commands=commands) == truth
    assert outputs(accord, commands=commands) == truth  # and again, from a warm index
    return truth


def index_of(records: Path) -> Path:
    return records / CACHE / INDEX_FILE


def set_status_in_place(path: Path, old: str, new: str, keep_times: bool = False) -> None:
    """Change one commitment's status by hand; with `keep_times`, the file keeps its size and its times."""
    before = os.stat(path)
    text = path.read_text("utf-8")
    assert len(old) == len(new) and f"  status: {old}" in text
    path.write_text(text.replace(f"  status: {old}", f"  status: {new}", 1), "utf-8")
    if keep_times:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert os.stat(path).st_size == before.st_size


def test_the_index_is_made_by_a_read_and_gives_the_same_output(accord: Accord, records: Path) -> None:
    assert_truth(accord)
    with sqlite3.connect(index_of(records)) as db:
        assert db.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
        assert db.execute("SELECT count(*) FROM commitments").fetchone()[0] > 0


def test_no_cache_neither_makes_nor_reads_the_index(accord: Accord, records: Path) -> None:
    accord("--no-cache", "list")
    assert not index_of(records).exists()
    accord("list")
    with sqlite3.connect(index_of(records)) as db:  # a forged row: only --no-cache shows the files' truth
        db.execute("UPDATE commitments SET title = 'forged' WHERE id = '4.5'")
    assert "4.5" in accord("--no-cache", "list", "--format", "csv").stdout
    assert "forged" not in accord("--no-cache", "list", "--format", "csv").stdout


@pytest.mark.parametrize("change", ["edit", "delete", "add", "swap", "truncate", "corrupt", "rename id"])
def test_a_changed_record_file_is_read_again(accord: Accord, records: Path, change: str) -> None:
    before = assert_truth(accord)
    four, five = records / "articles" / "4.yaml", records / "articles" / "5.yaml"
    if change == "edit":
        set_status_in_place(four, "not_started", "stalled    ")  # even a change a YAML reader trims
    elif change == "delete":
        four.unlink()
    elif change == "add":
        shutil.copy(four, records / "articles" / "99.yaml")
    elif change == "swap":
        four_bytes = four.read_bytes()
        four.write_bytes(five.read_bytes())
        five.write_bytes(four_bytes)
    elif change == "truncate":
        four.write_bytes(four.read_bytes()[:200])
    elif change == "corrupt":
        four.write_bytes(b"\xff\xfe not yaml: [")
    else:
        four.write_text(four.read_text("utf-8").replace("id: '4'", "id: '5'", 1), "utf-8")
    after = assert_truth(accord)
    assert after != before


def test_a_file_changed_without_its_size_or_times_changing_is_read_again(
    accord: Accord, records: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The change time, which no program can set back, tells; here every file is taken as settled
    at once, as it would be a few seconds after it was written."""
    monkeypatch.setattr(index_module, "SETTLED_NS", 0)
    accord("list")
    path = records / "articles" / "4.yaml"
    listed = accord("list", "--status", "in_progress", "--format", "ids").stdout
    set_status_in_place(path, "not_started", "in_progress", keep_times=True)
    truth = accord("--no-cache", "list", "--status", "in_progress", "--format", "ids").stdout
    assert truth != listed
    assert accord("list", "--status", "in_progress", "--format", "ids").stdout == truth


def _garbage(path: Path) -> None:
    path.write_bytes(b"not an index at all" * 100)


def _foreign(path: Path) -> None:
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE commitments(id TEXT)")
        db.execute("INSERT INTO commitments VALUES ('forged')")


def _other_format(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 999")
        db.execute("UPDATE commitments SET title = 'forged'")


def _older_code(path: Path) -> None:
    """Made by another release, or before a field was added to the model."""
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '0.0.9 0000' WHERE key = 'accord'")
        db.execute("UPDATE commitments SET title = 'forged'")


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:1500])


def _pages_overwritten(path: Path) -> None:
    """SQLite's header intact, the pages after the first ones garbage: found out only while reading."""
    data = path.read_bytes()
    path.write_bytes(data[:8192] + bytes((i * 7) % 251 for i in range(len(data) - 8192)))


@pytest.mark.parametrize("damage", [_garbage, _foreign, _other_format, _older_code, _truncated, _pages_overwritten])
def test_a_damaged_or_foreign_index_is_rebuilt(accord: Accord, records: Path, damage: object) -> None:
    truth = assert_truth(accord)
    assert callable(damage)
    damage(index_of(records))
    assert outputs(accord) == truth
    with sqlite3.connect(index_of(records)) as db:
        assert db.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
        assert db.execute("SELECT count(*) FROM commitments WHERE title = 'forged'").fetchone() == (0,)


def test_an_index_that_is_a_link_is_never_followed(accord: Accord, records: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "precious.sqlite"
    _foreign(elsewhere)
    precious = elsewhere.read_bytes()
    truth = outputs(accord, "--no-cache")
    (records / CACHE).mkdir()
    index_of(records).symlink_to(elsewhere)
    assert outputs(accord) == truth
    assert elsewhere.read_bytes() == precious
    assert not index_of(records).is_symlink()


def test_a_cache_folder_that_is_a_link_is_left_alone(accord: Accord, records: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    truth = outputs(accord, "--no-cache")
    (records / CACHE).symlink_to(elsewhere)
    assert outputs(accord) == truth
    assert list(elsewhere.iterdir()) == []


def test_readers_building_the_index_at_once_agree(records: Path) -> None:
    truth = run_accord("--no-cache", "list", "--format", "json", "--dir", str(records), cwd=records).stdout
    readers = [
        subprocess.Popen(
            [sys.executable, "-m", "accord", "list", "--format", "json", "--dir", str(records)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for reader in readers:
        out, err = reader.communicate(timeout=60)
        assert (reader.returncode, out, err) == (0, truth, "")
    assert run_accord("list", "--format", "json", "--dir", str(records), cwd=records).stdout == truth


def test_reading_a_file_up_to_its_history_agrees_with_reading_it_all(records: Path, tmp_path: Path) -> None:
    """What a first build reads of each record (its current fields) is what a full parse reads."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from generate import generate

    generate(tmp_path / "generated", 300, per_article=7, events=4)
    files = sorted((records / "articles").glob("*.yaml")) + sorted((tmp_path / "generated" / "articles").glob("*.yaml"))
    assert len(files) > 60
    for path in files:
        raw = path.read_bytes()
        head = head_of(raw)
        assert (head is not None and head[0] != raw) or b"\nhistory:" not in raw, path
        fast, complete = read_article(raw, path, whole=False)
        full, _ = read_article(raw, path)
        assert fast == full.model_copy(update={"history": []} if not complete else {}), path


def test_a_history_that_is_not_last_is_read_with_the_whole_file(accord: Accord, records: Path) -> None:
    path = records / "articles" / "4.yaml"
    text = path.read_text("utf-8")
    head, _, history = text.partition("\nhistory:")
    path.write_text(f"{head}\nhistory:{history}owner: Someone Else\n", "utf-8")
    assert head_of(path.read_bytes()) is None
    assert outputs(accord) == outputs(accord, "--no-cache")


def test_validate_remembers_only_what_it_found_in_the_same_bytes(accord: Accord, records: Path) -> None:
    """validate reads every file; what it found in a file is reused only for the very same bytes
    in the same statement, and the checks across files always run."""
    shutil.copy(records / "articles" / "4.yaml", records / "articles" / "99.yaml")  # ids used twice
    truth = accord("--no-cache", "validate")
    assert truth.code == 1 and "is used twice" in truth.stderr
    first, again = accord("validate"), accord("validate")
    assert (first.code, first.stderr) == (again.code, again.stderr) == (truth.code, truth.stderr)
    with sqlite3.connect(index_of(records)) as db:
        assert db.execute("SELECT count(*) FROM validated").fetchone()[0] > 0
    (records / "articles" / "99.yaml").unlink()
    assert accord("validate").code == 0  # the other files' findings reused, the duplicate gone
    seven = records / "articles" / "7.yaml"
    seven.write_text(seven.read_text("utf-8").replace("section: 2", "section: 99"), "utf-8")
    assert "section 99 is not in statement.yaml" in accord("validate").stderr
    seven.write_text(seven.read_text("utf-8").replace("section: 99", "section: 2"), "utf-8")
    statement = records / "statement.yaml"
    statement.write_text(statement.read_text("utf-8").replace("number: 2\n", "number: 222\n", 1), "utf-8")
    assert accord("validate").stderr == accord("--no-cache", "validate").stderr
    assert "section 2 is not in statement.yaml" in accord("validate").stderr


@pytest.mark.parametrize(
    "findings",
    ["not json", "{}", "[1]", "[[]]", '"x"', '[["x"]]', '[["id"]]', '[["id", "0", 5]]', '[["problem", 1, 2, 3, 4]]'],
)
def test_validate_checks_again_a_file_whose_remembered_findings_are_garbled(
    accord: Accord, records: Path, findings: str
) -> None:
    """What validate remembers is read back from a file anyone can write to: garbled findings,
    however they are garbled, are found again in the file, not trusted."""
    seven = records / "articles" / "7.yaml"
    seven.write_text(seven.read_text("utf-8").replace("section: 2", "section: 99"), "utf-8")
    truth = accord("--no-cache", "validate")
    assert truth.code == 1 and "section 99 is not in statement.yaml" in truth.stderr
    assert accord("validate").stderr == truth.stderr
    with sqlite3.connect(index_of(records)) as db:
        assert db.execute("UPDATE validated SET findings = ?", (findings,)).rowcount > 1
    again = accord("validate")
    assert (again.code, again.stderr) == (truth.code, truth.stderr)


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=8192), header=st.booleans())
def test_any_bytes_in_the_index_change_nothing(accord: Accord, records: Path, body: bytes, header: bool) -> None:
    """Random bytes, bare or behind SQLite's own header so that SQLite tries to read them."""
    commands = COMMANDS[:4]
    truth = outputs(accord, "--no-cache", commands=commands)
    (records / CACHE).mkdir(exist_ok=True)
    index_of(records).write_bytes((b"SQLite format 3\x00" if header else b"") + body)
    assert outputs(accord, commands=commands) == truth


def test_a_first_build_of_many_files_reads_their_heads_and_the_history_when_asked(tmp_path: Path) -> None:
    """After a clone of a large folder each file is read up to its history; log and report, which
    need the history, read the rest, and every output is what reading every file gives."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from generate import generate

    records = tmp_path / "statement"
    generate(records, HEADS_ONLY_FROM, per_article=1, events=2)
    accord = Accord(records)
    commands = [("list", "--format", "json"), ("log", "--since", "2025-01-01"), ("report", "--format", "json")]
    truth = outputs(accord, "--no-cache", commands=commands)
    assert all(code == 0 for code, _, _ in truth)
    assert outputs(accord, commands=commands[:1]) == truth[:1]
    with sqlite3.connect(index_of(records)) as db:  # the first build read no history
        assert db.execute("SELECT count(*) FROM articles WHERE history IS NULL").fetchone() == (HEADS_ONLY_FROM,)
    assert outputs(accord, commands=commands) == truth
    with sqlite3.connect(index_of(records)) as db:  # report asked for it: now it is known
        assert db.execute("SELECT count(*) FROM articles WHERE history IS NULL").fetchone() == (0,)


def test_without_a_place_for_the_index_every_command_reads_the_files(accord: Accord, records: Path) -> None:
    truth = outputs(accord, "--no-cache")
    (records / CACHE).write_text("a file where the index folder would be\n", "utf-8")
    assert outputs(accord) == truth
    assert (records / CACHE).read_text("utf-8") == "a file where the index folder would be\n"


def test_every_search_finds_through_the_index_what_it_finds_in_the_files(accord: Accord) -> None:
    """The index passes on only the commitments whose words can match: never one fewer."""
    import yaml

    queries = yaml.safe_load((Path(__file__).parent / "search_queries.yaml").read_text("utf-8"))["queries"]
    asked = [("search", "-f", "json", q["query"]) for q in queries]
    asked += [("search", "-s", "-l", q["query"]) for q in queries[:10]] + [
        ("search", "-w", "-l", "EU"),
        ("search", "-E", "-l", "ha.del"),
    ]
    assert outputs(accord, commands=asked) == outputs(accord, "--no-cache", commands=asked)


# A history written by hand: a time without its fraction, fields in another order, a null field; and
# events as accord writes them, some text in them not ASCII.
HAND_WRITTEN_HISTORY = """history:
- at: 2026-11-20T09:30:00Z
  by: Officer A
  id: '4.1'
  field: status
  old: not_started
  new: in_progress
- by: Officer B
  id: '4.2'
  at: '2026-11-21T10:00:00.000000Z'
  field: status
  old: not_started
  new: completed
  note: null
- at: '2026-11-22T11:00:00.000000Z'
  by: Officer C
  id: '4.3'
  field: owner
  new: Bộ Ngoại giao
- at: '2026-11-23T08:15:00.500000Z'
  by: Trần Thị "Hoa"
  id: '4.4'
  field: tags
  old: []
  new:
  - diplomacy
  on: '2026-11-19'
  note: "signed\\tat the meeting \u2014 \u0110\u00e3 k\u00fd"
  review_by: '2027-01-15'
  internal: false
"""


def test_a_history_however_written_reads_the_same_through_the_index(accord: Accord, records: Path) -> None:
    """The index keeps each history as the records' model writes it, whether the file holds it in
    that form already (then it is kept as read) or not."""
    replace_once(records / "articles" / "4.yaml", "history: []\n", HAND_WRITTEN_HISTORY)
    commands = [
        ("report", "--format", "json", "--today", "2026-11-25"),
        ("report", "--format", "md", "--today", "2026-11-25"),
        ("list", "--stale", "8w", "--format", "json"),
        ("log", "4"),
    ]
    truth = outputs(accord, "--no-cache", commands=commands)
    assert truth[0][0] == 0 and "Officer B" in truth[0][1] and "Trần Thị" in truth[0][1]
    assert outputs(accord, commands=commands) == truth  # the first run builds the index
    assert outputs(accord, commands=commands) == truth  # and again, from the index
    path = records / "articles" / "4.yaml"
    events = read_article(path.read_bytes(), path)[0].model_dump(mode="json", exclude_none=True)["history"]
    with sqlite3.connect(index_of(records)) as db:
        kept = [
            json.loads(event)
            for (event,) in db.execute(
                "SELECT e.value FROM histories h, json_each(h.events) e WHERE h.file = '4.yaml' "
                "ORDER BY CAST(e.key AS INTEGER)"
            )
        ]
    assert kept == events and list(kept[1]) == list(events[1])  # in the model's order
