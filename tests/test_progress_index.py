"""`progress` through the index prints what reading every file prints: the targets' figures come
from the index's copy of targets/*.yaml as plain values, and no edit made behind the index's back
(a figure, a series, a deadline, a file swapped in with its times set back, a damaged index) makes
the two disagree. A warm `progress` builds no model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import Accord
from helpers import replace_once, succeeded
from test_light_start import accord_process

FORMATS = ("table", "text", "json", "csv", "md")
# Each way of asking: all targets, one, another series, a past day (before every event recorded
# by the tests below), a past day and one target's other series.
ASKING = (
    (),
    ("trade",),
    ("edcf",),
    ("--series", "vietnam"),
    ("--series", "signed"),
    ("--today", "2025-09-01"),
    ("--today", "2026-01-15"),
    ("trade", "--series", "vietnam", "--today", "2026-01-15"),
)


def assert_index_agrees(accord: Accord, *asking: tuple[str, ...], formats: tuple[str, ...] = FORMATS) -> None:
    """Each way of asking prints through the index what it prints from the files, in every format."""
    for line in asking:
        for fmt in formats:
            indexed = accord("progress", *line, "-f", fmt)
            from_files = accord("--no-cache", "progress", *line, "-f", fmt)
            assert (indexed.code, indexed.stdout, indexed.stderr) == (
                from_files.code,
                from_files.stdout,
                from_files.stderr,
            ), (line, fmt)


def test_every_way_of_asking_prints_through_the_index_what_the_files_say(accord: Accord) -> None:
    succeeded(accord("progress"))  # the index is made
    assert_index_agrees(accord, *ASKING)
    assert "94.5" in succeeded(accord("progress", "trade", "-f", "json"))


def test_a_figure_edited_by_hand_is_shown_at_once(records: Path, accord: Accord) -> None:
    succeeded(accord("progress"))
    replace_once(records / "targets" / "trade.yaml", "value: 94.5", "value: 95.5")
    assert_index_agrees(accord, (), ("trade",), formats=("json", "text"))
    assert '"latest": "95.5"' in succeeded(accord("progress", "trade", "-f", "json"))


def test_a_series_added_by_hand_can_be_asked_for(records: Path, accord: Accord) -> None:
    succeeded(accord("progress"))
    replace_once(
        records / "targets" / "trade.yaml",
        "- name: vietnam\n",
        "- name: customs\n  label: A series added by hand\n  measurements:\n"
        "  - period: '2024'\n    value: 80.1\n    source: a test\n- name: vietnam\n",
    )
    assert_index_agrees(accord, ("--series", "customs"), ("trade", "--series", "customs"), ("--series", "vietnam"))
    assert "80.1" in succeeded(accord("progress", "--series", "customs", "-f", "json"))


def test_a_deadline_moved_by_hand_changes_the_verdict_through_the_index_too(records: Path, accord: Accord) -> None:
    succeeded(accord("progress"))
    replace_once(records / "targets" / "trade.yaml", "deadline: '2030-12-31'", "deadline: '2025-12-31'")
    assert_index_agrees(accord, (), ("trade",), formats=("json", "text", "md"))
    assert "deadline passed" in succeeded(accord("progress", "trade", "-f", "text"))


def test_a_file_swapped_in_with_its_size_and_times_set_back_is_read_again(records: Path, accord: Accord) -> None:
    """The same size and modification time, another inode: the index does not vouch for it."""
    succeeded(accord("progress"))
    path = records / "targets" / "trade.yaml"
    before = path.stat()
    swapped = path.with_name("trade.swap")
    swapped.write_text(path.read_text("utf-8").replace("value: 94.5", "value: 91.5", 1), "utf-8")
    os.replace(swapped, path)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    assert_index_agrees(accord, (), ("trade",), formats=("json", "text"))
    assert '"latest": "91.5"' in succeeded(accord("progress", "trade", "-f", "json"))


def test_a_damaged_index_is_rebuilt_and_never_trusted(records: Path, accord: Accord) -> None:
    succeeded(accord("progress"))
    index = records / ".accord-cache" / "index.sqlite"
    index.write_bytes(b"\0not an index\0" * (index.stat().st_size // 14 + 1))
    replace_once(records / "targets" / "edcf.yaml", "value: 0.188115", "value: 0.2")
    assert_index_agrees(accord, (), ("edcf",), ("--today", "2026-01-15"), formats=("json", "text"))
    assert '"latest": "0.2"' in succeeded(accord("progress", "edcf", "-f", "json"))


def test_a_broken_target_file_is_named_alike_and_the_others_still_shown(records: Path, accord: Accord) -> None:
    succeeded(accord("progress"))
    replace_once(records / "targets" / "edpf.yaml", "value: 2\n", "value: two\n")
    indexed = accord("progress", "-f", "json")
    assert indexed.code == 2 and "edpf.yaml" in indexed.stderr and '"trade"' in indexed.stdout
    assert_index_agrees(accord, (), ("--today", "2026-01-15"), formats=("json", "text"))
    one = accord("progress", "edpf")
    assert one.code == 2 and "edpf.yaml" in one.stderr and "Traceback" not in one.stderr
    assert_index_agrees(accord, ("edpf",), ("trade",), formats=("json",))


@pytest.mark.parametrize("line", [("4.5",), ("nothing",), ("trade", "--series", "nothing"), ("--series", "nothing")])
def test_a_wrong_target_or_series_is_refused_alike(accord: Accord, line: tuple[str, ...]) -> None:
    succeeded(accord("progress"))
    assert_index_agrees(accord, line, formats=("json",))
    assert accord("progress", *line).code == 2


def test_a_past_day_leaves_out_later_events_through_the_index_too(accord: Accord) -> None:
    """A correction, a new series' figure and a closed deadline recorded today: a day before them
    shows what was known then, the targets' history replayed, from the index as from the files."""
    succeeded(accord("progress"))
    succeeded(accord("measure", "trade", "95.1", "--period", "2025", "--source", "a test correction", "--no-commit"))
    succeeded(accord("measure", "trade", "83.0", "--period", "2025", "--series", "vietnam", "--source", "a test"))
    succeeded(accord("set", "18.3", "completed", "--no-commit"))
    assert_index_agrees(accord, *ASKING)
    then = succeeded(accord("progress", "--today", "2026-01-15", "-f", "json"))
    assert '"latest": "94.5"' in then and '"18.3"' in then
    now = succeeded(accord("progress", "-f", "json"))
    assert '"latest": "95.1"' in now and '"18.3"' not in now


LOADED_BY_THE_MODELS = {"accord.model", "pydantic.main", "accord.yamlio", "accord.history"}


@pytest.mark.parametrize(
    "line",
    [
        ["progress"],
        ["progress", "-f", "json"],
        ["progress", "--today", "2026-01-15", "-f", "csv"],
        ["progress", "trade", "-f", "md"],
        ["progress", "--series", "vietnam", "-f", "text"],
    ],
)
def test_progress_from_a_warm_index_builds_no_model(records: Path, accord: Accord, line: list[str]) -> None:
    accord_process(records, *line)  # the first reading builds the index (and the models)
    done, loaded = accord_process(records, *line, env={"COLUMNS": "100"})
    assert done.returncode == 0, done.stderr
    assert "accord.index" in loaded and "accord.progress" in loaded
    assert not LOADED_BY_THE_MODELS & loaded
    assert "rich.console" not in loaded  # too narrow for the table: blocks, written without rich
    assert done.stdout == succeeded(accord("--no-cache", *line, env={"COLUMNS": "100"}))
