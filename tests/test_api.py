"""accord as a library: the API page runs as written, and the API keeps the CLI's promises.

Everything here goes through the names `import accord` exports, against a copy of the records.
"""

from __future__ import annotations

import doctest
import json
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

import accord
from accord import Filters, InvalidValue, Status, UsageError
from conftest import REPO, Accord, git, run_accord
from helpers import assert_untouched, history, parse_json, snapshot, succeeded
from support import commitments, read_yaml

API_PAGE = REPO / "docs" / "api.md"


def python_blocks(page: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", page.read_text("utf-8"), flags=re.DOTALL)


def test_the_api_page_runs_as_written_and_prints_what_it_says(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every example of docs/api.md, run in order in one namespace in a git repository holding the records."""
    monkeypatch.chdir(repo)
    blocks = python_blocks(API_PAGE)
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    namespace: dict[str, Any] = {}
    for index, block in enumerate(blocks):
        test = parser.get_doctest(block, namespace, f"docs/api.md block {index + 1}", str(API_PAGE), 0)
        assert test.examples, f"block {index + 1} has no >>> example, so it would never be run"
        runner.run(test, clear_globs=False)
        namespace = test.globs  # the next block goes on from here
    outcome = runner.summarize(verbose=False)
    assert outcome.failed == 0
    assert outcome.attempted == API_PAGE.read_text("utf-8").count("\n>>> ")  # every example ran
    # The page says the changes were committed, with the officer as their author, one file each.
    authors = git(repo, "log", "--format=%an|%s", "-4").splitlines()
    assert authors == [
        "Le Van A|undo trade korea 2026: 96.1 -> (none)",
        "Le Van A|trade korea 2026: (none) -> 96.1",
        "Le Van A|18.2 status: stalled -> in_progress",
        "Le Van A|18.2 status: not_started -> stalled",
    ]
    assert git(repo, "status", "--porcelain", "--untracked-files=no") == ""


def test_the_readme_links_the_api_page() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    assert "## Using accord from Python" in readme
    assert "(docs/api.md)" in readme


def test_every_exported_name_resolves_and_import_stays_light() -> None:
    for name in accord.__all__:
        assert getattr(accord, name) is not None
    assert {"open", "Tracker", "Status", "Filters", "Change", "Overview", "InvalidValue"} <= set(dir(accord))
    with pytest.raises(AttributeError):
        accord.no_such_name  # noqa: B018
    probe = "import sys, accord; print(accord.__version__); print(' '.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    version, modules = done.stdout.splitlines()
    assert version == accord.__version__
    assert not {"pydantic", "yaml", "rich", "typer"} & set(modules.split())


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_is_printed_without_loading_the_models(flag: str, tmp_path: Path) -> None:
    done = run_accord(flag, cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"accord {accord.__version__}\n", "")
    probe = (
        "import sys\nfrom accord.cli import app\ntry:\n    app(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)"
    )
    loaded = subprocess.run([sys.executable, "-c", probe, flag], capture_output=True, text=True).stderr.split()
    assert not {"pydantic", "yaml", "rich"} & set(loaded)


def test_the_version_has_one_source() -> None:
    pyproject = (REPO / "pyproject.toml").read_text("utf-8")
    assert not re.search(r"^version\s*=", pyproject, flags=re.MULTILINE)
    assert 'dynamic = ["version"]' in pyproject
    assert 'path = "src/accord/__init__.py"' in pyproject


# -- typed values in -----------------------------------------------------------------------------


def test_typed_values_are_written_exactly(records: Path, accord: Accord) -> None:
    tracker = accord_open(records)
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    change = tracker.set_status("4.5", Status.IN_PROGRESS, note="Talks held", on=yesterday)
    assert [(e.old, e.new, e.on) for e in change.events] == [("not_started", "in_progress", yesterday)]
    tracker.measure("edcf", Decimal("0.1881"), period="2026-03-15", source="Eximbank press release")
    tracker.measure("edpf", 1, period="2026-04-01", source="an int")
    tracker.measure("edpf", "1.000_50", period="2026-05-01", source="a str")
    tracker.edit("4.5", owner="Trade desk", due=date(2030, 6, 30), add_tags=["Priority"])
    # The command line reads back what the API wrote, decimals exact.
    edcf = parse_json(succeeded(accord("show", "edcf", "--format", "json")))
    signed = {s["name"]: s for s in edcf["series"]}["signed"]  # the stage the verdict rests on
    assert signed["measurements"][-1]["value"] == "0.1881"
    edpf = parse_json(succeeded(accord("show", "edpf", "--format", "json")))
    assert [m["value"] for m in {s["name"]: s for s in edpf["series"]}["signed"]["measurements"]] == ["1", "1.00050"]
    shown = parse_json(succeeded(accord("show", "4.5", "--format", "json")))
    assert (shown["status"], shown["owner"], shown["due"]) == ("in_progress", "Trade desk", "2030-06-30")
    assert "priority" in shown["tags"]
    # None clears a field; a field left out stays as it is.
    tracker.edit("4.5", due=None)
    shown = parse_json(succeeded(accord("show", "4.5", "--format", "json")))
    assert ("due" not in shown or shown["due"] is None) and shown["owner"] == "Trade desk"
    assert succeeded(accord("validate")).endswith("all records valid\n")


def accord_open(records: Path, **options: Any) -> accord.Tracker:
    return accord.open(records, **{"actor": "Officer One", "commit": False, **options})


Call = Callable[[accord.Tracker], object]

REFUSED: list[tuple[str, Call, type[Exception], str]] = [
    ("status as text", lambda t: t.set_status("4.5", "in_progress"), TypeError, "accord.Status"),  # type: ignore[arg-type]
    ("empty note", lambda t: t.set_status("4.5", Status.STALLED, note=""), accord.InvalidValue, "note is empty"),
    ("blank note text", lambda t: t.note("4.5", "   "), accord.InvalidValue, "note is empty"),
    ("note not text", lambda t: t.note("4.5", 12), TypeError, "str"),  # type: ignore[arg-type]
    ("ftp evidence", lambda t: t.note("4.5", "x", evidence="ftp://x.org/a"), accord.InvalidValue, "http(s) URL"),
    (
        "future day",
        lambda t: t.set_status("4.5", Status.COMPLETED, on=date.today() + timedelta(days=2)),
        accord.InvalidValue,
        "in the future",
    ),
    ("datetime day", lambda t: t.set_status("4.5", Status.COMPLETED, on=datetime.now(UTC)), TypeError, "date"),
    ("nothing to edit", lambda t: t.edit("4.5"), accord.InvalidValue, "nothing to edit"),
    ("tag with a space", lambda t: t.edit("4.5", add_tags=["two words"]), accord.InvalidValue, "tag"),
    ("tags as one str", lambda t: t.edit("4.5", add_tags="trade"), TypeError, "sequence"),
    ("due as text", lambda t: t.edit("4.5", due="2030-01-01"), TypeError, "date"),  # type: ignore[arg-type]
    ("empty owner", lambda t: t.edit("4.5", owner=""), accord.InvalidValue, "owner is empty"),
    ("owner not text", lambda t: t.edit("4.5", owner=7), TypeError, "str"),  # type: ignore[arg-type]
    ("missing tag", lambda t: t.edit("4.5", remove_tags=["nope"]), accord.InvalidValue, "no tag nope"),
    ("float", lambda t: t.measure("trade", 96.1, period="2026", source="s"), TypeError, "float"),  # type: ignore[arg-type]
    ("bool", lambda t: t.measure("trade", True, period="2026", source="s"), TypeError, "bool"),
    ("not a number", lambda t: t.measure("trade", "lots", period="2026", source="s"), accord.InvalidValue, "number"),
    ("NaN", lambda t: t.measure("trade", Decimal("NaN"), period="2026", source="s"), accord.InvalidValue, "finite"),
    ("month period", lambda t: t.measure("trade", 1, period="2026-13", source="s"), accord.InvalidValue, "a year"),
    ("unknown series", lambda t: t.measure("trade", 1, period="2026", source="s", series="x"), accord.InvalidValue,
     "no series 'x'"),
    ("negative sum", lambda t: t.measure("edcf", -1, period="2026-06-30", source="s"), accord.InvalidValue, "negative"),
    ("empty source", lambda t: t.measure("trade", 1, period="2026", source=" "), accord.InvalidValue, "source"),
    ("status of a target", lambda t: t.set_status("Trade", Status.STALLED), accord.InvalidValue, "measure()"),
    ("owner of a target", lambda t: t.edit("trade", owner="Trade desk"), accord.InvalidValue, "measure()"),
    ("measure an article", lambda t: t.measure("4", 1, period="2026", source="s"), accord.InvalidValue, "not a target"),
    ("measure 4.5", lambda t: t.measure("4.5", 1, period="2026", source="s"), accord.InvalidValue, "the targets: edcf"),
    ("measure nothing", lambda t: t.measure("tarde", 1, period="2026", source="s"), accord.NotFoundError, "trade"),
    ("unknown commitment", lambda t: t.set_status("4.99", Status.STALLED), accord.NotFoundError, "4.99"),
    ("id that is a path", lambda t: t.note("../statement", "x"), accord.NotFoundError, "no record"),
    ("empty id", lambda t: t.show(""), accord.InvalidValue, "record id is empty"),
    ("empty search", lambda t: t.search(""), accord.InvalidValue, "search text is empty"),
    ("bad regex", lambda t: t.search("(", regex=True), accord.InvalidValue, "regular expression"),
    ("status filter as text", lambda t: t.commitments(Filters(statuses=frozenset({"stalled"}))), TypeError, "Status"),  # type: ignore[arg-type]
    ("unknown side", lambda t: t.commitments(Filters(sides=frozenset({"mars"}))), accord.InvalidValue, "mars"),
    ("filters as dict", lambda t: t.commitments({"owner": "x"}), TypeError, "Filters"),  # type: ignore[arg-type]
    ("bad week", lambda t: t.report(week="2026-47"), accord.InvalidValue, "ISO week"),
    ("since and week", lambda t: t.report(since=date(2026, 1, 1), week="current"), accord.InvalidValue, "not both"),
    ("late start", lambda t: t.report(today=date(2026, 1, 1), since=date(2026, 2, 1)), accord.InvalidValue, "after"),
    (
        "stale span after today",
        lambda t: t.report(today=date(2026, 1, 1), stale_since=date(2026, 1, 2)),
        accord.InvalidValue,
        "after the report's today",
    ),
    ("nothing to undo", lambda t: t.undo(), accord.NothingToDo, "Officer One"),
]


@pytest.mark.parametrize(("call", "error", "words"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_wrong_types_and_values_are_refused_in_the_records_words(
    records: Path, call: Call, error: type[Exception], words: str
) -> None:
    before = snapshot(records)
    with pytest.raises(error) as raised:
        call(accord_open(records))
    message = str(raised.value)
    assert words in message
    assert "--" not in message and "VALUE" not in message and "PATTERN" not in message
    assert "`accord" not in message  # a command is no advice to a program
    assert type(raised.value) is error or not issubclass(error, accord.AccordError)
    assert_untouched(records, before)


def test_an_invalid_value_is_a_usage_error_for_the_command_line() -> None:
    assert issubclass(accord.InvalidValue, accord.UsageError)
    assert issubclass(accord.NotFoundError, accord.UsageError)


@pytest.mark.parametrize(
    ("options", "error", "words"),
    [
        ({"actor": ""}, accord.InvalidValue, "actor's name is empty"),
        ({"actor": 7}, TypeError, "str"),
        ({"commit": "no"}, TypeError, "True or False"),
        ({"lock_timeout": "10"}, TypeError, "seconds"),
        ({"lock_timeout": -1.0}, accord.InvalidValue, "zero or more"),
        ({"today": datetime(2026, 1, 1, tzinfo=UTC)}, TypeError, "date"),
    ],
)
def test_open_refuses_bad_settings(records: Path, options: dict[str, Any], error: type[Exception], words: str) -> None:
    with pytest.raises(error) as raised:
        accord.open(records, **options)
    assert words in str(raised.value) and "--" not in str(raised.value)


def test_open_without_records_says_so_without_naming_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(accord.RecordsNotFound) as raised:
        accord.open()
    assert "--" not in str(raised.value) and "ACCORD_DIR" not in str(raised.value)
    with pytest.raises(accord.RecordsNotFound):
        accord.open(tmp_path / "nowhere")


def test_open_finds_the_nearest_statement_folder_and_ignores_accord_dir(
    records: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deeper = records.parent / "notes" / "2026"
    deeper.mkdir(parents=True)
    monkeypatch.chdir(deeper)
    monkeypatch.setenv("ACCORD_DIR", str(tmp_path / "elsewhere"))
    assert accord.open().root.resolve() == records.resolve()


# -- one change, the CLI's way -------------------------------------------------------------------


def test_a_change_is_committed_like_the_command_lines(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The API reads none of accord's variables: these would change who acts, whether and where it writes.
    monkeypatch.setenv("ACCORD_USER", "Someone Else")
    monkeypatch.setenv("ACCORD_COMMIT", "0")
    monkeypatch.setenv("ACCORD_DIR", str(repo / "nowhere"))
    tracker = accord.open(repo / "statement", actor="Le Van A")
    change = tracker.set_status("4.5", Status.IN_PROGRESS, note="Talks held in Seoul")
    assert change.committed
    done = run_accord("set", "4.6", "in_progress", "--note", "Talks held in Seoul", "--by", "Le Van A", cwd=repo,
                      env={"ACCORD_COMMIT": "1", "ACCORD_DIR": str(repo / "statement"), "ACCORD_USER": ""})
    assert done.returncode == 0, done.stderr
    commits = git(repo, "log", "--format=%an <%ae>|%s|%b", "-2").strip().split("\n\n")
    assert [c.strip() for c in commits] == [
        "Le Van A <>|4.6 status: not_started -> in_progress|Talks held in Seoul",
        "Le Van A <>|4.5 status: not_started -> in_progress|Talks held in Seoul",
    ]
    for ref in ("HEAD", "HEAD~1"):
        assert git(repo, "show", "--name-only", "--format=", ref).strip() == "statement/articles/4.yaml"
    assert git(repo, "status", "--porcelain", "--untracked-files=no") == ""
    # Both faces log the same kind of event.
    accord_cli = Accord(repo / "statement")
    api_event, cli_event = (e for e in history(accord_cli, "4") if e["field"] == "status")
    assert {k for k in api_event if k != "at"} == {k for k in cli_event if k != "at"}
    assert api_event["id"] == "4.5" and cli_event["id"] == "4.6" and api_event["by"] == cli_event["by"] == "Le Van A"


def test_without_an_actor_the_git_user_acts_and_commit_false_writes_without_committing(repo: Path) -> None:
    head = git(repo, "rev-parse", "HEAD")
    tracker = accord.open(repo / "statement", commit=False)
    change = tracker.note("4.5", "Minutes filed")
    assert not change.committed and change.events[0].by == "Test Runner"
    assert git(repo, "rev-parse", "HEAD") == head
    assert "articles/4.yaml" in git(repo, "status", "--porcelain")


def test_an_actor_with_an_email_address_signs_the_commit(repo: Path) -> None:
    tracker = accord.open(repo / "statement", actor=accord.Actor("Le Van A", "lva@example.org"))
    tracker.note("4.5", "Minutes filed")
    assert git(repo, "log", "-1", "--format=%an <%ae>").strip() == "Le Van A <lva@example.org>"
    with pytest.raises(accord.InvalidValue):
        accord.open(repo / "statement", actor=accord.Actor(" ", None))


def test_a_change_waits_for_the_lock_as_long_as_it_was_told(records: Path) -> None:
    before = snapshot(records)
    tracker = accord_open(records, lock_timeout=0.2)
    with FileLock(records / ".accord.lock"), pytest.raises(accord.LockTimeout) as raised:
        tracker.set_status("4.5", Status.STALLED)
    assert "0.2 s" in str(raised.value) and "--" not in str(raised.value)
    assert_untouched(records, before)


def test_undo_through_the_api_takes_back_the_actors_change(records: Path, accord: Accord) -> None:
    tracker = accord_open(records)
    tracker.set_status("4.5", Status.COMPLETED)
    accord("set", "4.6", "stalled", user="Someone Else")
    undone = tracker.undo()
    assert [(e.id, e.old, e.new) for e in undone.events] == [("4.5", "completed", "not_started")]
    assert parse_json(succeeded(accord("show", "4.6", "--format", "json")))["status"] == "stalled"


# -- reading -------------------------------------------------------------------------------------


def overdue_on(records: Path, today: date) -> list[str]:
    return [
        c["id"]
        for _, c in commitments(records)
        if c.get("due") and date.fromisoformat(c["due"]) < today and c["status"] not in ("completed", "dropped")
    ]


def test_today_decides_what_is_overdue_and_how_far_the_time_has_run(records: Path) -> None:
    trade = read_yaml(records / "targets" / "trade.yaml")
    baseline, deadline = date.fromisoformat(trade["baseline"]), date.fromisoformat(trade["deadline"])
    seen = {}
    for today in (date(2025, 12, 31), date(2026, 1, 1), date(2028, 6, 30)):
        tracker = accord_open(records, today=today)
        assert tracker.today == today
        overdue = [row.commitment.id for row in tracker.commitments(Filters(overdue=True))]
        assert overdue == overdue_on(records, today)
        overview = tracker.progress()
        progress = next(p for p in overview.targets if p.target.id == "trade")
        elapsed = Decimal((today - baseline).days) / Decimal((deadline - baseline).days)
        assert overview.today == today and progress.elapsed == elapsed
        assert tracker.report().today == today
        seen[today] = overdue
    assert seen[date(2025, 12, 31)] == [] and seen[date(2026, 1, 1)] != []
    # A day given to one call wins over the tracker's.
    assert accord_open(records, today=date(2026, 1, 1)).progress(date(2028, 6, 30)).today == date(2028, 6, 30)


def test_results_are_typed_records(records: Path) -> None:
    tracker = accord_open(records)
    rows = tracker.commitments(Filters(sections=frozenset({2}), tags=frozenset({"TRADE"})))
    assert rows and all(isinstance(r.commitment, accord.Commitment) and r.article.section == 2 for r in rows)
    assert all("trade" in {*r.commitment.tags, *r.article.tags} for r in rows)
    hits = tracker.search("creeren")
    assert hits and all(h.line[slice(*h.spans[0])].casefold().startswith("cre") for h in hits)
    shown = tracker.show("4.5")
    assert isinstance(shown.item, accord.Commitment) and shown.article is not None and shown.article.id == "4"
    assert [t.id for t in shown.measured_by] == ["trade"]
    assert isinstance(tracker.show("trade").item, accord.Target) and tracker.show("trade").article is None
    assert tracker.validate() == []
    assert [a.id for a in tracker.articles()][:3] == ["1", "2", "3"]


def test_a_broken_file_is_skipped_and_named_not_hidden(records: Path) -> None:
    (records / "targets" / "edpf.yaml").write_text("id: [\n", "utf-8")
    tracker = accord_open(records)
    assert [t.id for t in tracker.targets()] == ["edcf", "trade"]
    assert [p.path.name for p in tracker.skipped] == ["edpf.yaml"]
    assert tracker.commitments() and tracker.skipped == []
    problems = tracker.validate()
    assert problems and problems[0].path.name == "edpf.yaml" and problems[0].line is not None
    assert str(problems[0]).startswith(f"{records / 'targets' / 'edpf.yaml'}:{problems[0].line}: ")


def test_writable_is_false_on_a_read_only_copy(records: Path) -> None:
    assert accord_open(records).writable
    article = records / "articles" / "4.yaml"
    article.chmod(0o444)
    assert not accord_open(records).writable
    article.chmod(0o644)
    (records / "targets").chmod(0o555)
    try:
        assert not accord_open(records).writable
    finally:
        (records / "targets").chmod(0o755)


def test_the_api_and_the_cli_read_the_same_log(records: Path, accord: Accord) -> None:
    tracker = accord_open(records)
    tracker.note("4.5", "First")
    accord("note", "4.6", "Second")
    logged = [(e.id, e.note, e.by) for e in tracker.log("4")]
    assert logged == [("4.6", "Second", "Officer One"), ("4.5", "First", "Officer One")]
    cli = json.loads(succeeded(accord("log", "4", "--format", "json")))
    assert [(row["id"], row["note"]) for row in cli] == [(i, n) for i, n, _ in logged]
    assert tracker.log(by="officer one") == tracker.log() and tracker.log(by="nobody") == []


def test_articles_a_guarded_figure_and_a_side_work_as_on_the_command_line(records: Path, accord: Accord) -> None:
    tracker = accord_open(records)
    listed = succeeded(accord("list", "--articles", "--section", "4", "--format", "ids")).split()
    assert [a.id for a in tracker.articles(filters=Filters(sections=frozenset({4})))] == listed != []
    # A figure over twice the goal is a likely slip: refused, then checked without being written.
    before = snapshot(records)
    with pytest.raises(UsageError, match="force"):
        tracker.measure("trade", 400, period="2026", source="a slip")
    checked = tracker.measure("trade", 400, period="2026", source="a slip", force=True, dry_run=True)
    assert [(e.period, e.new) for e in checked.events] == [("2026", Decimal(400))] and not checked.committed
    assert_untouched(records, before)
    change = tracker.set_side("4.5", "Korea", note="Korea's own target")
    assert [(e.field, e.old, e.new, e.note) for e in change.events] == [("side", "both", "korea", "Korea's own target")]
    assert "4.5" in succeeded(accord("list", "--side", "korea", "--format", "ids")).split()
    with pytest.raises(InvalidValue, match="only a commitment has a side"):
        tracker.set_side("4", "korea")
