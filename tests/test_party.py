"""Each party's status on a commitment both sides carry: set apart, derived, listed, shown, undone, checked."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from accord.model import Status, joint_status
from conftest import REPO, Accord
from helpers import assert_refused, assert_untouched, assert_valid, history, logged, parse_json, shown, snapshot
from helpers import succeeded as ok
from support import commitments, read_yaml

NS, IP, ON, CO, ST, DR = "not_started", "in_progress", "ongoing", "completed", "stalled", "dropped"
ORDER = [NS, IP, ON, CO, ST, DR]
# The overall status of a commitment both carry: rows one party's status, columns the other's.
EXPECTED = {
    NS: [NS, IP, IP, IP, ST, ST],
    IP: [IP, IP, IP, IP, ST, ST],
    ON: [IP, IP, ON, ON, ST, ST],
    CO: [IP, IP, ON, CO, ST, DR],
    ST: [ST, ST, ST, ST, ST, ST],
    DR: [ST, ST, ST, DR, ST, DR],
}
BOTH = "1.1"  # side: both
KOREA_ALONE = "9.3"  # side: korea, requested by vietnam


def overall(first: str, second: str) -> str:
    return EXPECTED[first][ORDER.index(second)]


def test_the_expected_table_covers_every_status() -> None:
    assert [s.value for s in Status] == ORDER
    assert all(len(row) == len(ORDER) for row in EXPECTED.values())


@pytest.mark.parametrize("korea", ORDER)
@pytest.mark.parametrize("vietnam", ORDER)
def test_the_overall_status_follows_the_rule_for_every_pair(accord: Accord, vietnam: str, korea: str) -> None:
    ok(accord("set", BOTH, vietnam, "--party", "vietnam"))
    ok(accord("set", BOTH, korea, "--party", "korea"))

    record = shown(accord, BOTH)
    assert record["status"] == overall(vietnam, korea)
    assert record["parties"] == {"vietnam": vietnam, "korea": korea}
    mine = ok(accord("list", "--party", "korea", "--status", korea, "--format", "ids")).split()
    assert BOTH in mine
    assert_valid(accord)


def readme_table() -> dict[str, list[str]]:
    """The two-party table of the README's section on each party's status, as written there."""
    text = (REPO / "README.md").read_text("utf-8")
    section = text.split("### Each party's status", 1)[1].split("\n### ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    table = {}
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        table[cells[0].strip("`")] = cells[1:]
    header = next(line for line in section.splitlines() if line.startswith("| |"))
    assert [c.strip().strip("`") for c in header.strip("|").split("|")[1:]] == ORDER
    return table


def test_the_readme_table_is_the_rule_the_code_follows() -> None:
    assert readme_table() == EXPECTED
    for first in Status:
        for second in Status:
            assert joint_status([first, second]).value == overall(first.value, second.value)


def test_the_rule_for_more_parties_keeps_its_order() -> None:
    """The README's rule in words, for three parties: agreement, closed, stopped, ongoing, else in progress."""
    assert joint_status([Status.COMPLETED, Status.COMPLETED, Status.DROPPED]) == Status.DROPPED
    assert joint_status([Status.COMPLETED, Status.DROPPED, Status.IN_PROGRESS]) == Status.STALLED
    assert joint_status([Status.ONGOING, Status.COMPLETED, Status.ONGOING]) == Status.ONGOING
    assert joint_status([Status.ONGOING, Status.COMPLETED, Status.NOT_STARTED]) == Status.IN_PROGRESS


def test_each_party_is_set_logged_and_undone_on_its_own(accord: Accord) -> None:
    said = ok(accord("set", BOTH, "completed", "--party", "Vietnam", "--note", "Hanoi delegation sent"))
    assert "1.1 status (vietnam): not_started -> completed" in said
    ok(accord("set", BOTH, "in_progress", "--party", "korea", user="Officer Two"))

    assert shown(accord, BOTH)["status"] == "in_progress"
    rows = logged(accord, BOTH)
    assert [(r["party"], r["old"], r["new"], r["by"]) for r in rows] == [
        ("korea", "not_started", "in_progress", "Officer Two"),
        ("vietnam", "not_started", "completed", "Officer One"),
    ]
    table = ok(accord("log", BOTH))
    assert "status (korea): not_started -> in_progress" in table

    # Officer One's change is undone; Officer Two's stays.
    ok(accord("undo"))
    record = shown(accord, BOTH)
    assert record["parties"] == {"vietnam": "not_started", "korea": "in_progress"}
    assert record["status"] == "in_progress"
    assert history(accord, BOTH)[-1]["party"] == "vietnam"
    assert_valid(accord)


def test_set_without_a_party_sets_every_party_and_undo_gives_each_its_own_back(accord: Accord) -> None:
    ok(accord("set", BOTH, "completed", "--party", "vietnam"))
    ok(accord("set", BOTH, "stalled", "--party", "korea"))

    said = ok(accord("set", BOTH, "in_progress"))

    assert "status (vietnam): completed -> in_progress" in said
    assert "status (korea): stalled -> in_progress" in said
    record = shown(accord, BOTH)
    assert (record["status"], record["parties"]) == ("in_progress", {"vietnam": "in_progress", "korea": "in_progress"})
    assert "vietnam" not in ok(accord("show", BOTH)).split("status", 1)[1].splitlines()[0]  # they agree now
    ok(accord("undo"))
    record = shown(accord, BOTH)
    assert (record["status"], record["parties"]) == ("stalled", {"vietnam": "completed", "korea": "stalled"})
    assert_valid(accord)


def test_a_commitment_never_set_apart_keeps_one_status_and_one_event(accord: Accord) -> None:
    ok(accord("set", BOTH, "ongoing"))

    record = shown(accord, BOTH)
    assert record["status"] == "ongoing" and "parties" not in record
    assert [e.get("party") for e in record["history"]] == [None]
    assert BOTH in ok(accord("list", "--party", "vietnam", "--status", "ongoing", "--format", "ids")).split()


def test_a_back_dated_party_change_starts_from_that_partys_status_then(accord: Accord) -> None:
    ok(accord("set", BOTH, "in_progress", "--on", "2025-10-01"))
    ok(accord("set", BOTH, "stalled", "--party", "korea"))

    ok(accord("set", BOTH, "completed", "--party", "vietnam", "--on", "2025-12-01"))

    event = history(accord, BOTH)[-1]
    assert (event["party"], event["old"], event["new"]) == ("vietnam", "in_progress", "completed")
    record = shown(accord, BOTH)
    assert (record["status"], record["parties"]) == ("stalled", {"vietnam": "completed", "korea": "stalled"})
    assert_valid(accord)


def test_list_party_finds_what_one_side_still_owes(accord: Accord, records: Path) -> None:
    shipped = [c for _, c in commitments(records)]
    both_ids = [c["id"] for c in shipped if c["side"] == "both"]
    started, done = both_ids[0], both_ids[1]
    ok(accord("set", started, "in_progress", "--party", "korea"))
    ok(accord("set", done, "completed", "--party", "vietnam"))

    owed = ok(accord("list", "--party", "korea", "--status", "not_started", "--format", "ids")).split()

    owing = [c for c in shipped if c["side"] in ("both", "korea") and c["status"] == "not_started"]
    expected = [c["id"] for c in owing if c["id"] != started]
    assert owed == expected
    assert done in owed  # Vietnam finished it; Korea has not begun
    assert not any(c["side"] == "vietnam" and c["id"] in owed for c in shipped)
    vietnam = ok(accord("list", "--party", "vietnam", "--status", "completed", "--format", "ids")).split()
    assert vietnam == [done]
    carried = ok(accord("list", "--party", "KOREA", "--format", "ids")).split()
    assert carried == [c["id"] for c in shipped if c["side"] in ("both", "korea")]


def test_list_show_and_report_name_both_parties_where_they_differ(accord: Accord) -> None:
    ok(accord("set", BOTH, "completed", "--party", "vietnam"))
    ok(accord("set", BOTH, "stalled", "--party", "korea"))
    both_text = "stalled (vietnam completed, korea stalled)"

    assert both_text in ok(accord("show", BOTH))
    assert both_text in ok(accord("show", "1"))
    assert both_text in ok(accord("list", "--section", "1"))
    rows = parse_json(ok(accord("list", "--section", "1", "--format", "json")))
    row = next(r for r in rows if r["id"] == BOTH)
    assert (row["status"], row["parties"]) == ("stalled", {"vietnam": "completed", "korea": "stalled"})
    assert all(r["parties"] is None for r in rows if r["id"] != BOTH)
    csv_line = next(line for line in ok(accord("list", "--format", "csv")).splitlines() if line.startswith("1.1,"))
    assert csv_line.startswith("1.1,stalled,") and csv_line.endswith(",vietnam=completed korea=stalled")

    report = ok(accord("report"))
    stalled = report.split("### Stalled", 1)[1].split("###", 1)[0]
    assert both_text in stalled
    data = parse_json(ok(accord("report", "--format", "json")))
    entry = next(r for r in data["attention"]["stalled"] if r["id"] == BOTH)
    assert (entry["status"], entry["parties"]) == ("stalled", {"vietnam": "completed", "korea": "stalled"})


def test_parties_that_agree_show_one_status(accord: Accord) -> None:
    ok(accord("set", BOTH, "completed", "--party", "vietnam"))
    ok(accord("set", BOTH, "completed", "--party", "korea"))

    assert "vietnam" not in ok(accord("list", "--section", "1"))
    row = next(r for r in parse_json(ok(accord("list", "--format", "json"))) if r["id"] == BOTH)
    assert (row["status"], row["parties"]) == ("completed", None)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["set", KOREA_ALONE, "completed", "--party", "korea"], ["9.3", "korea alone"]),
        (["set", KOREA_ALONE, "completed", "--party", "vietnam"], ["9.3", "korea alone"]),
        (["set", "1", "completed", "--party", "korea"], ["article"]),
        (["set", BOTH, "completed", "--party", "usa"], ["unknown party 'usa'", "vietnam, korea"]),
        (["set", BOTH, "completed", "--party", "both"], ["unknown party 'both'"]),
        (["set", BOTH, "completed", "--party", ""], ["--party"]),
        (["set", "trade", "completed", "--party", "korea"], ["trade", "target"]),
        (["list", "--party", "both"], ["not both"]),
        (["list", "--party", "japan"], ["unknown side 'japan'"]),
        (["list", "--articles", "--party", "korea"], ["article has no parties"]),
    ],
)
def test_a_party_where_none_applies_is_refused_and_nothing_changes(
    accord: Accord, records: Path, args: list[str], words: list[str]
) -> None:
    ok(accord("set", BOTH, "in_progress", "--party", "vietnam"))
    before = snapshot(records)

    assert_refused(accord(*args), *words)

    assert_untouched(records, before)


def test_validate_names_a_status_its_parties_contradict(accord: Accord, records: Path) -> None:
    ok(accord("set", BOTH, "completed", "--party", "vietnam"))
    ok(accord("set", BOTH, "in_progress", "--party", "korea"))
    path = records / "articles" / "1.yaml"
    text = path.read_text("utf-8")

    path.write_text(text.replace("  status: in_progress\n  parties:", "  status: completed\n  parties:", 1), "utf-8")
    out = accord("validate")
    assert out.code == 1
    problem = r"articles/1\.yaml:\d+: 1\.1 status is 'completed' but its history makes it 'in_progress'"
    assert re.search(problem, out.stderr)

    path.write_text(text.replace("    korea: in_progress\n", "    korea: completed\n", 1), "utf-8")
    out = accord("validate")
    assert out.code == 1
    assert "1.1 parties are vietnam completed, korea completed but its history says" in out.stderr

    path.write_text(text.replace("  party: korea\n", "  party: japan\n", 1), "utf-8")
    out = accord("validate")
    assert out.code == 1
    assert "1.1 names japan, not one of the sides (vietnam, korea)" in out.stderr

    untouched = "  excerpt: het opzetten van noodzakelijke dialoogmechanismen\n  status: not_started\n"
    assert untouched in text  # 1.4, whose history is empty
    path.write_text(text.replace(untouched, untouched + "  parties:\n    vietnam: completed\n", 1), "utf-8")
    out = accord("validate")
    assert out.code == 1
    assert "1.4 holds parties but its history sets no party's status" in out.stderr


def test_a_shipped_article_stays_as_written_until_a_party_is_set_apart(records: Path, accord: Accord) -> None:
    ok(accord("set", "1.2", "in_progress"))
    assert "parties" not in read_yaml(records / "articles" / "1.yaml")["commitments"][1]


def test_progress_names_both_parties_of_an_upcoming_deadline(accord: Accord) -> None:
    soon = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
    ok(accord("edit", BOTH, "--due", soon))
    ok(accord("set", BOTH, "completed", "--party", "vietnam"))
    ok(accord("set", BOTH, "in_progress", "--party", "korea"))

    assert "in_progress (vietnam completed, korea in_progress)" in ok(accord("progress", "--format", "md"))
    upcoming = parse_json(ok(accord("progress", "--format", "json")))["upcoming"]
    entry = next(u for u in upcoming if u["id"] == BOTH)
    assert (entry["status"], entry["parties"]) == ("in_progress", {"vietnam": "completed", "korea": "in_progress"})


def test_a_report_as_of_an_earlier_day_knows_no_party_set_apart_since(accord: Accord) -> None:
    ok(accord("set", BOTH, "stalled", "--party", "korea"))
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()

    before = parse_json(ok(accord("report", "--today", yesterday, "--format", "json")))
    now = parse_json(ok(accord("report", "--format", "json")))

    assert BOTH not in [r["id"] for r in before["attention"]["stalled"]]
    assert now["totals"]["stalled"] == before["totals"]["stalled"] + 1
    entry = next(r for r in now["attention"]["stalled"] if r["id"] == BOTH)
    assert entry["parties"] == {"vietnam": "not_started", "korea": "stalled"}
    assert now["moved"]["stalled"] == 1  # since the end of the previous period, as the records knew it then
