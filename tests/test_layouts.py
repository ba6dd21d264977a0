"""On any terminal width, `progress` and `stats` show every figure whole: a narrow terminal gets
one block per row instead of a table, never a dropped column or a word cut in the middle."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from accord import changes
from conftest import Accord
from test_changes import clock

WIDTHS = ["60", "80", "100", "200"]
TODAY = "2026-11-30"


@pytest.fixture
def measured(accord: Accord, monkeypatch: pytest.MonkeyPatch) -> Accord:
    """The figures recorded before TODAY, whatever the date is: progress on TODAY counts them."""
    monkeypatch.setattr(changes, "datetime", clock(datetime(2026, 11, 20, 9, tzinfo=UTC)))
    for args in (
        ("trade", "96.1", "--period", "2026", "--source", "KITA preliminary, November 2026"),
        ("edcf", "0.19", "--period", "2026-03-15", "--source", "Export-Import Bank of Korea"),
    ):
        done = accord("measure", *args)
        assert done.code == 0, done.stderr
    return accord


def flat(text: str) -> str:
    """The words of the output in order, whatever the layout put between them."""
    return " ".join(text.split())


@pytest.mark.parametrize("width", WIDTHS)
def test_progress_shows_every_verdict_figure_and_reason_whole(measured: Accord, width: str) -> None:
    done = measured("progress", "--today", TODAY, env={"COLUMNS": width})
    assert done.code == 0, done.stderr
    assert all(len(line.rstrip()) <= int(width) for line in done.stdout.splitlines())
    words = flat(done.stdout)
    data = json.loads(measured("progress", "--today", TODAY, "--format", "json").stdout)["targets"]
    assert len(data) == 3
    for target in data:
        assert re.search(rf"\b{target['target']}\b.*?{target['verdict']}", words), target["target"]
        assert flat(target["why"]) in words
        if target["latest"] is not None:
            assert f"{target['latest']} {target['unit']}" in words
            assert f"{target['projection']} {target['unit']}" in words
            assert flat(target["source"]) in words
    assert "needs 11.77 %/yr; the trend gives 114.62 billion USD by 2030, against 150 billion USD" in words


@pytest.mark.parametrize("width", WIDTHS)
def test_stats_keeps_every_column_at_every_width(accord: Accord, width: str) -> None:
    done = accord("stats", env={"COLUMNS": width})
    assert done.code == 0, done.stderr
    assert all(len(line.rstrip()) <= int(width) for line in done.stdout.splitlines())
    words = flat(done.stdout)
    rows = json.loads(accord("stats", "--format", "json").stdout)
    counts = ["not_started", "in_progress", "ongoing", "completed", "stalled", "dropped", "total"]
    for row in rows[:-1]:  # each section: its title whole, then its counts in order
        after = words[words.index(flat(row["title"])) + len(row["title"]) :]
        numbers = [int(n) for n in re.findall(r"\b\d+\b", after)][: len(counts)]
        assert numbers == [row[c] for c in counts], (row["title"], after[:120])


def test_a_narrow_terminal_gets_one_block_per_target_with_the_verdict_first(measured: Accord) -> None:
    out = measured("progress", "--today", TODAY, env={"COLUMNS": "80"}).stdout
    block = out[out.index("\ntrade\n") :].splitlines()
    assert block[2].split() == ["verdict", "off", "track"]
    assert block[3].split() == ["latest", "96.1", "billion", "USD"]


def test_a_wide_terminal_gets_the_table_and_one_reason_line_per_target(measured: Accord) -> None:
    out = measured("progress", "--today", TODAY, env={"COLUMNS": "200"}).stdout
    header = next(line for line in out.splitlines() if "verdict" in line)
    assert header.split()[:2] == ["target", "verdict"]
    assert "trade: off track: needs 11.77 %/yr" in out and "(latest: 2026, KITA preliminary, November 2026)" in out


def test_no_target_says_so(accord: Accord) -> None:
    for name in ("trade", "edcf", "edpf"):
        (accord.records / "targets" / f"{name}.yaml").unlink()
    done = accord("progress", "--today", TODAY)
    assert done.code == 0
    assert "no target is recorded yet" in done.stdout


def test_list_on_an_80_column_terminal_keeps_each_commitment_to_its_title_and_one_line(accord: Accord) -> None:
    done = accord("list", "--section", "1", env={"COLUMNS": "80"})
    assert done.code == 0, done.stderr
    lines = done.stdout.splitlines()
    assert all(len(line.rstrip()) <= 80 for line in lines)
    rows = json.loads(accord("list", "--section", "1", "--format", "json").stdout)
    for row in rows:
        heading = next(i for i, line in enumerate(lines) if line.startswith(f"{row['id']}  "))
        fields = next(line for line in lines[heading + 1 :] if line.startswith("  "))
        assert fields.split() == ["status", row["status"], "side", row["side"], "kind", row["kind"]]


def test_list_folds_a_long_owner_within_its_column_and_keeps_the_table_to_the_terminal(accord: Accord) -> None:
    """An owner typed at length, in Korean (two cells a character), folds inside the owner column:
    no line wider than the terminal, every other row on its own line, the name whole when read back."""
    owner = "대한민국 외교부 양자경제외교국 동남아시아 담당 서기관 김민준 " * 2
    assert accord("edit", "1.2", "--owner", owner.strip()).code == 0
    done = accord("list", "--section", "1", env={"COLUMNS": "160"})
    assert done.code == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1].split()[:2] == ["id", "status"]
    assert all(sum(2 if "\uac00" <= c <= "\ud7a3" else 1 for c in line) <= 160 for line in lines)
    start = next(i for i, line in enumerate(lines) if line.startswith("  1.2 "))
    end = next(i for i, line in enumerate(lines) if line.startswith("  1.3 "))
    assert end - start > 1  # the owner took more than one line
    hangul = "".join(c for line in lines[start:end] for c in line if "\uac00" <= c <= "\ud7a3")
    assert hangul == owner.replace(" ", "")  # the name whole, in order, beside the title
    rows = json.loads(accord("list", "--section", "1", "--format", "json").stdout)
    assert [line.split()[0] for line in lines[3:] if line.startswith("  ") and line[2] != " "] == [
        r["id"] for r in rows
    ]


def test_list_table_keeps_every_title_word_in_order(accord: Accord) -> None:
    done = accord("list", env={"COLUMNS": "120"})
    assert done.code == 0, done.stderr
    rows = json.loads(accord("list", "--format", "json").stdout)
    words = flat(done.stdout)
    position = 0
    for row in rows:
        position = words.index(flat(row["title"]).split()[0], words.index(f" {row['id']} ", position))
    assert done.stdout.endswith(f"\n{len(rows)} commitments\n")


def test_a_row_after_the_first_screenful_folds_a_longer_value_inside_its_column(accord: Accord) -> None:
    """The first 200 rows set the widths; a later, longer owner folds in its column, never widening
    a line past the terminal, and reads back whole."""
    articles = accord.records / "articles"
    for path in sorted(articles.glob("*.yaml")):
        for copy in ("2", "3"):
            text = path.read_text("utf-8").replace(f"id: '{path.stem}", f"id: '{copy}0{path.stem}")
            (articles / f"{copy}0{path.stem}.yaml").write_text(text, "utf-8")
    owner = "대한민국 외교부 양자경제외교국 동남아시아 담당 서기관 김민준"
    assert accord("edit", "309.2", "--owner", owner).code == 0
    done = accord("list", env={"COLUMNS": "130"})
    assert done.code == 0, done.stderr
    lines = done.stdout.splitlines()
    assert done.stdout.endswith("\n369 commitments\n")
    assert all(sum(2 if "\uac00" <= c <= "\ud7a3" else 1 for c in line) <= 130 for line in lines)
    start = next(i for i, line in enumerate(lines) if line.startswith("  309.2 "))
    assert start > 200
    end = next(i for i, line in enumerate(lines) if line.startswith("  309.3 "))
    hangul = "".join(c for line in lines[start:end] for c in line if "\uac00" <= c <= "\ud7a3")
    assert hangul == owner.replace(" ", "")
