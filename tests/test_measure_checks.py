"""`measure` refuses figures that cannot be right and asks for --force on figures that look like
a slip; --dry-run shows what would be recorded; validate applies the same refusals to the records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import Accord

NOW = datetime.now(UTC).date()
NEXT_YEAR = str(NOW.year + 1)
TOMORROW = (NOW + timedelta(days=1)).isoformat()


def snapshot(records: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted((records / "targets").iterdir())}


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("trade", "96.1", "--period", NEXT_YEAR), f"period {NEXT_YEAR} has not begun yet"),
        (("edpf", "0.3", "--period", TOMORROW), f"period {TOMORROW} has not begun yet"),
        (("edpf", "0.3", "--period", "2023-06-01"), "before the baseline of edpf (2024-01-01); give --before-baseline"),
        (("trade", "70", "--period", "2018"), "before the baseline of trade (2025-08-10)"),
        (("trade", "nan", "--period", "2025"), "not a finite number"),
        (("trade", "Infinity", "--period", "2025"), "not a finite number"),
        (("trade", "1e3", "--period", "2025"), "1000 is more than twice the goal (150 billion USD)"),
        (("trade", "150", "--period", "2025"), "150 moves 73 % from 86.8 (2024)"),
        (("edcf", "4.5", "--period", "2025-06-30"), "more than twice the goal (2 billion USD)"),
    ],
)
def test_a_figure_that_cannot_be_right_is_refused_in_one_line(
    accord: Accord, records: Path, args: tuple[str, ...], says: str
) -> None:
    before = snapshot(records)
    done = accord("measure", *args, "--source", "somewhere")
    assert done.code == 2
    assert done.stderr.count("\n") == 1 and says in done.stderr, done.stderr
    assert snapshot(records) == before


def test_a_doubtful_figure_is_recorded_with_force_and_printed_as_written(accord: Accord) -> None:
    done = accord("measure", "trade", "1e3", "--period", "2025", "--source", "typo on purpose", "--force")
    assert done.code == 0, done.stderr
    assert done.stdout == "trade korea 2025: 94.5 -> 1000\n"  # never 1E+3


def test_history_before_the_baseline_needs_before_baseline(accord: Accord) -> None:
    done = accord("measure", "trade", "66.0", "--period", "2018", "--source", "KITA", "--before-baseline")
    assert done.code == 0, done.stderr
    assert done.stdout == "trade korea 2018: (none) -> 66.0\n"
    assert accord("validate").code == 0  # history in the records is fine


def test_dry_run_shows_the_change_and_writes_nothing(accord: Accord, records: Path) -> None:
    before = snapshot(records)
    done = accord("measure", "trade", "96.1", "--period", "2026", "--source", "KITA preliminary", "--dry-run")
    assert done.code == 0, done.stderr
    assert done.stdout == "would record trade korea 2026: (none) -> 96.1 (source: KITA preliminary)\n"
    assert snapshot(records) == before
    refused = accord("measure", "trade", "960", "--period", "2026", "--source", "x", "--dry-run")
    assert refused.code == 2 and "--force" in refused.stderr


def test_validate_names_a_figure_of_a_period_still_to_come(accord: Accord, records: Path) -> None:
    path = records / "targets" / "trade.yaml"
    path.write_text(path.read_text("utf-8").replace("- period: '2025'", f"- period: '{NEXT_YEAR}'"), "utf-8")
    done = accord("validate")
    assert done.code == 1
    assert "trade.yaml:" in done.stdout + done.stderr
    assert f"period {NEXT_YEAR} has not begun yet" in done.stdout + done.stderr
