"""`accord side`: a correction an import cannot make, written, logged and undone like any change."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Accord, git
from helpers import assert_untouched, snapshot
from support import read_yaml


def commitment(records: Path, commitment_id: str) -> dict[str, object]:
    article = read_yaml(records / "articles" / f"{commitment_id.split('.')[0]}.yaml")
    return next(c for c in article["commitments"] if c["id"] == commitment_id)


def test_a_side_is_set_logged_and_undone(accord: Accord, records: Path) -> None:
    assert commitment(records, "4.5")["side"] == "both"
    done = accord("side", "4.5", "Korea", "--note", "Korea's own target")
    assert done.code == 0, done.stderr
    assert "4.5 side: both -> korea" in done.stdout
    assert commitment(records, "4.5")["side"] == "korea"
    event = read_yaml(records / "articles" / "4.yaml")["history"][-1]
    assert {k: event[k] for k in ("by", "id", "field", "old", "new", "note")} == {
        "by": "Officer One", "id": "4.5", "field": "side", "old": "both", "new": "korea", "note": "Korea's own target"
    }  # fmt: skip
    assert accord("validate").code == 0
    assert "4.5" in accord("list", "--side", "korea", "--format", "ids").stdout.split()
    assert accord("undo").code == 0
    assert commitment(records, "4.5")["side"] == "both"
    assert accord("validate").code == 0


def test_in_a_repository_the_correction_is_one_commit(repo: Path) -> None:
    accord = Accord(repo / "statement")
    assert accord("side", "4.5", "vietnam").code == 0
    assert git(repo, "log", "-1", "--format=%s").strip() == "4.5 side: both -> vietnam"
    assert git(repo, "status", "--porcelain") == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["4.5", "japan"], "unknown side 'japan'; this statement's sides: both, vietnam, korea"),
        (["4", "korea"], "4 is not a commitment: only a commitment has a side"),
        (["trade", "korea"], "trade is not a commitment"),
        (["9.3", "vietnam"], "9.3 is requested by vietnam: its side is the side asked, not vietnam"),
        (["4.99", "korea"], "4.99"),
    ],
)
def test_refusals_change_nothing(accord: Accord, records: Path, args: list[str], message: str) -> None:
    before = snapshot(records)
    done = accord("side", *args)
    assert done.code == 2
    assert done.stderr.startswith("accord: ") and message in done.stderr
    assert_untouched(records, before)


def test_a_side_event_on_an_article_is_reported_by_validate(accord: Accord, records: Path) -> None:
    path = records / "articles" / "4.yaml"
    text = path.read_text("utf-8")
    assert "\nhistory: []\n" in text
    path.write_text(
        text.replace(
            "\nhistory: []\n",
            "\nhistory:\n- at: '2026-01-01T00:00:00.000000Z'\n  by: Someone\n  id: '4'\n  field: side\n"
            "  old: both\n  new: korea\n",
        ),
        "utf-8",
    )
    done = accord("validate")
    assert done.code == 1
    assert "only a commitment has a side" in done.stdout + done.stderr


def test_a_draft_becomes_a_request_with_who_asked_and_undo_takes_it_all_back(accord: Accord, records: Path) -> None:
    before = commitment(records, "4.5")
    assert (before["kind"], before["side"], before.get("asked_by")) == ("agreed", "both", None)
    done = accord("side", "4.5", "korea", "--kind", "Requested", "--asked-by", "Vietnam", "--note", "Read again")
    assert done.stdout.splitlines() == [
        "4.5 side: both -> korea", "4.5 kind: agreed -> requested", "4.5 asked_by: (none) -> vietnam"
    ], done.stderr  # fmt: skip
    after = commitment(records, "4.5")
    assert (after["kind"], after["side"], after["asked_by"]) == ("requested", "korea", "vietnam")
    assert accord("validate").code == 0
    assert "4.5" in accord("list", "--kind", "requested", "--format", "ids").stdout.split()
    assert accord("undo").code == 0
    restored = commitment(records, "4.5")
    assert (restored["kind"], restored["side"], restored.get("asked_by")) == ("agreed", "both", None)
    assert accord("validate").code == 0


def test_a_request_read_wrongly_becomes_an_agreement_by_clearing_who_asked(accord: Accord, records: Path) -> None:
    assert accord("side", "5.3", "both", "--kind", "agreed", "--asked-by", "").code == 0
    corrected = commitment(records, "5.3")
    assert (corrected["kind"], corrected["side"], corrected.get("asked_by")) == ("agreed", "both", None)
    assert accord("validate").code == 0


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["4.5", "korea", "--kind", "requested"], "asked_by must name the side that asked"),
        (["4.5", "both", "--kind", "hoped", "--asked-by", "korea"], "side must name the side asked"),
        (["4.5", "korea", "--kind", "requested", "--asked-by", "both"], "asked_by 'both'"),
        (["4.5", "korea", "--asked-by", "vietnam"], "only a request, proposal or hope has asked_by"),
        (["5.3", "vietnam", "--kind", "agreed"], "only a request, proposal or hope has asked_by"),
        (["5.3", "korea", "--asked-by", "korea"], "its side is the side asked"),
        (["4.5", "korea", "--kind", "begged", "--asked-by", "vietnam"], "unknown kind 'begged'"),
        (["4.5", "korea", "--kind", "requested", "--asked-by", "japan"], "unknown side 'japan'"),
    ],
    ids=["request-without-asker", "request-of-both", "asked-by-both", "agreement-with-asker",
         "asker-left-on-agreement", "asked-itself", "unknown-kind", "unknown-asker"],
)  # fmt: skip
def test_sides_and_kind_that_disagree_are_refused_whole(
    accord: Accord, records: Path, args: list[str], named: str
) -> None:
    before = snapshot(records)
    done = accord("side", *args)
    assert done.code == 2 and named in done.stderr, done.stderr
    assert_untouched(records, before)
