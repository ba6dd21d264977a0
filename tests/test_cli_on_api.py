"""The command line is a face on accord.api: each command reaches the records only through the Tracker,
with typed values, and the presentation modules never read the records themselves."""

from __future__ import annotations

import ast
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from accord import api
from accord.api import UNSET
from accord.errors import AccordError
from accord.model import Status
from accord.query import Filters
from conftest import REPO, Accord
from helpers import assert_refused, assert_untouched, snapshot, succeeded


class TrackerSaidNo(AccordError):
    """What the stand-in Tracker method raises: a command that reaches the records another way would not see it."""


def refuse(monkeypatch: pytest.MonkeyPatch, method: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Replace Tracker.`method` with one that notes its arguments and refuses."""
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def stand_in(self: api.Tracker, *args: Any, **kwargs: Any) -> Any:
        calls.append((args, kwargs))
        raise TrackerSaidNo(f"the Tracker refused {method}")

    monkeypatch.setattr(api.Tracker, method, stand_in)
    return calls


# Each command, the Tracker method it must call, and the typed arguments it must call it with.
THROUGH_THE_API = [
    pytest.param(
        [
            "set",
            "4.5",
            "Completed",
            "--on",
            "2026-01-05",
            "--note",
            "Signed",
            "--evidence",
            "https://example.org/a",
            "--party",
            "Korea",
            "--no-commit",
        ],
        "set_status_many",
        (
            (["4.5"], Status.COMPLETED),
            {
                "note": "Signed",
                "evidence": "https://example.org/a",
                "on": date(2026, 1, 5),
                "party": "Korea",
                "review_by": UNSET,
                "internal": None,
                "dry_run": False,
            },
        ),
        id="set",
    ),
    pytest.param(
        ["set", "4.5", "stalled", "--review-by", "2027-01-15", "--note", "x", "--internal", "--no-commit"],
        "set_status_many",
        (
            (["4.5"], Status.STALLED),
            {
                "note": "x",
                "evidence": None,
                "on": None,
                "party": None,
                "review_by": date(2027, 1, 15),
                "internal": True,
                "dry_run": False,
            },
        ),
        id="set-review-internal",
    ),
    pytest.param(
        ["set", "4.5", "stalled", "--review-by", "none", "--note", "x", "--public", "--no-commit"],
        "set_status_many",
        (
            (["4.5"], Status.STALLED),
            {
                "note": "x",
                "evidence": None,
                "on": None,
                "party": None,
                "review_by": None,
                "internal": False,
                "dry_run": False,
            },
        ),
        id="set-review-withdrawn",
    ),
    pytest.param(
        ["note", "4.5", "Talks held", "--no-commit"],
        "note_many",
        ((["4.5"], "Talks held"), {"evidence": None, "internal": None, "dry_run": False}),
        id="note",
    ),
    pytest.param(
        ["note", "4.5", "Talks held", "--internal", "--no-commit"],
        "note_many",
        ((["4.5"], "Talks held"), {"evidence": None, "internal": True, "dry_run": False}),
        id="note-internal",
    ),
    pytest.param(
        ["edit", "4.5", "--owner", "", "--due", "2030-12-31", "--tag", "Trade", "--untag", "x", "--no-commit"],
        "edit_many",
        (
            (["4.5"],),
            {
                "owner": None,
                "due": date(2030, 12, 31),
                "add_tags": ["trade"],
                "remove_tags": ["x"],
                "note": None,
                "dry_run": False,
            },
        ),
        id="edit-clears-owner",
    ),
    pytest.param(
        ["edit", "4.5", "--tag", "trade", "--no-commit"],
        "edit_many",
        (
            (["4.5"],),
            {"owner": UNSET, "due": UNSET, "add_tags": ["trade"], "remove_tags": [], "note": None, "dry_run": False},
        ),
        id="edit-leaves-owner",
    ),
    pytest.param(["undo", "--no-commit"], "undo", ((), {}), id="undo"),
    pytest.param(["show", "4.5"], "show", (("4.5",), {}), id="show"),
    pytest.param(
        ["log", "4", "--since", "2026-01-01"], "log", (("4",), {"since": date(2026, 1, 1), "by": None}), id="log"
    ),
    pytest.param(["validate"], "validate", ((), {}), id="validate"),
    pytest.param(
        ["list", "--status", "Stalled", "--tag", "Trade", "--overdue"],
        "iter_commitments",
        ((Filters(statuses=frozenset({Status.STALLED}), tags=frozenset({"trade"}), overdue=True),), {}),
        id="list",
    ),
    pytest.param(["list", "--due-review"], "iter_commitments", ((Filters(due_review=True),), {}), id="list-due-review"),
    pytest.param(
        ["list", "--articles", "--section", "4", "--format", "ids"],
        "iter_articles",
        ((Filters(sections=frozenset({4})),), {}),
        id="list-articles",
    ),
    pytest.param(["stats", "--by", "kind"], "counts", (("kind",), {}), id="stats"),
    pytest.param(
        ["progress", "trade", "--series", "korea", "--today", "2026-11-20"],
        "progress",
        ((date(2026, 11, 20),), {"target": "trade", "series": "korea"}),
        id="progress",
    ),
    pytest.param(["progress"], "progress", ((None,), {"target": None, "series": None}), id="progress-today"),
    pytest.param(
        ["report", "--week", "2026-W47", "--today", "2026-11-29"],
        "report",
        ((), {"today": date(2026, 11, 29), "since": None, "week": "2026-W47", "public": False, "stale_since": None}),
        id="report",
    ),
    pytest.param(
        ["report", "--since", "2026-11-01", "--today", "2026-11-29"],
        "report",
        (
            (),
            {
                "today": date(2026, 11, 29),
                "since": date(2026, 11, 1),
                "week": None,
                "public": False,
                "stale_since": None,
            },
        ),
        id="report-since",
    ),
    pytest.param(
        ["report", "--public", "--today", "2026-11-29"],
        "report",
        ((), {"today": date(2026, 11, 29), "since": None, "week": None, "public": True, "stale_since": None}),
        id="report-public",
    ),
    pytest.param(
        ["report", "--stale", "8w", "--today", "2026-11-29"],
        "report",
        (
            (),
            {
                "today": date(2026, 11, 29),
                "since": None,
                "week": None,
                "public": False,
                "stale_since": date(2026, 10, 4),  # eight weeks back
            },
        ),
        id="report-stale",
    ),
    pytest.param(
        [
            "measure",
            "trade",
            "1E+2",
            "--period",
            "2026",
            "--source",
            "KITA",
            "--series",
            "korea",
            "--force",
            "--before-baseline",
            "--dry-run",
            "--no-commit",
        ],
        "measure",
        (
            ("trade", Decimal("100")),
            {
                "period": "2026",
                "source": "KITA",
                "series": "korea",
                "note": None,
                "force": True,
                "before_baseline": True,
                "dry_run": True,
                "currency": None,
                "unit": None,
                "rate": None,
                "rate_date": None,
                "rate_source": None,
            },
        ),
        id="measure",
    ),
    pytest.param(
        ["measure", "edcf", "261.351", "--date", "2024", "--source", "Lao Dong", "--currency", "krw",
         "--unit", "billion", "--rate", "1389.315", "--rate-date", "2024-06-30", "--rate-source", "BOK", "--no-commit"],
        "measure",
        (
            ("edcf", Decimal("261.351")),
            {
                "period": "2024", "source": "Lao Dong", "series": None, "note": None, "force": False,
                "before_baseline": False, "dry_run": False, "currency": "krw", "unit": "billion",
                "rate": Decimal("1389.315"), "rate_date": date(2024, 6, 30), "rate_source": "BOK",
            },
        ),
        id="measure-in-another-currency",
    ),
    pytest.param(
        ["measure", "--from-csv", "figures.csv", "--force", "--no-commit"],
        "measure_from_csv",
        ((Path("figures.csv"),), {"force": True, "before_baseline": False, "dry_run": False}),
        id="measure-from-csv",
    ),
    pytest.param(
        ["side", "4.5", "Korea", "--note", "Korea's own target", "--no-commit"],
        "set_side",
        (("4.5", "Korea"), {"note": "Korea's own target", "kind": UNSET, "asked_by": UNSET}),
        id="side",
    ),
    pytest.param(["export", "--format", "json"], "iter_articles_with_facts", ((), {}), id="export"),
]


@pytest.mark.parametrize(("args", "method", "expected"), THROUGH_THE_API)
def test_each_command_reaches_the_records_only_through_the_tracker(
    accord: Accord, monkeypatch: pytest.MonkeyPatch, args: list[str], method: str, expected: Any
) -> None:
    calls = refuse(monkeypatch, method)
    before = snapshot(accord.records)
    assert_refused(accord(*args), f"the Tracker refused {method}")
    assert calls == [expected]
    assert_untouched(accord.records, before)


def test_search_asks_the_tracker_for_commitments_and_then_for_targets(
    accord: Accord, monkeypatch: pytest.MonkeyPatch
) -> None:
    commitments = refuse(monkeypatch, "search_targets")
    assert_refused(accord("search", "EDCF", "-F"), "the Tracker refused search_targets")
    how = {"regex": False, "word": False, "case_sensitive": False, "literal": True}
    assert commitments == [(("EDCF",), how)]
    # A filter narrows the search to commitments: the targets are not asked.
    assert "EDCF" not in succeeded(accord("search", "EDCF", "--status", "not_started", "-l"))


def test_the_settings_of_a_change_reach_the_tracker(accord: Accord, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[dict[str, Any]] = []
    real_open = api.open

    def recording_open(path: Any = None, **kwargs: Any) -> api.Tracker:
        opened.append({"path": Path(path), **{k: v for k, v in kwargs.items() if k != "notify"}})
        return real_open(path, **kwargs)

    monkeypatch.setattr(api, "open", recording_open)
    env = {"ACCORD_EMAIL": "one@example.org", "ACCORD_LOCK_TIMEOUT": "7.5"}
    succeeded(accord("note", "4.5", "Talks held", "--no-commit", env=env))
    settings = {"actor": "Officer One", "email": "one@example.org", "commit": False, "lock_timeout": 7.5}
    assert opened == [{"path": accord.records, **settings}]
    # A command that only reads asks for none of them: a bad ACCORD_COMMIT cannot stop it.
    succeeded(accord("show", "4.5", env={"ACCORD_COMMIT": "maybe"}))
    assert opened[1:] == [{"path": accord.records}]


PRESENTATION = ["views", "render", "publishers"]
CORE_STORE = {"accord.storage", "accord.index", "accord.vcs"}


def imported(module: ast.Module) -> set[str]:
    """Every accord module a source file imports, at its top or inside a function."""
    names = set()
    for node in ast.walk(module):
        if isinstance(node, ast.ImportFrom):
            base = f"accord.{node.module}" if node.level == 1 and node.module else "accord"
            if node.level == 0:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("name", PRESENTATION)
def test_presentation_never_reads_the_records_itself(name: str) -> None:
    tree = ast.parse((REPO / "src" / "accord" / f"{name}.py").read_text("utf-8"))
    assert not imported(tree) & CORE_STORE
    words = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    words |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    words |= {node.arg for node in ast.walk(tree) if isinstance(node, ast.arg)}
    assert not {w for w in words if "store" in w.lower()}


def test_loading_the_views_loads_no_storage() -> None:
    probe = "import sys, accord.views, accord.render\nprint(' '.join(sorted(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert "accord.views" in loaded and not set(loaded) & CORE_STORE
