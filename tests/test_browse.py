"""`accord browse`: the terminal browser, driven headless by Textual's pilot as a user types.

The browser is started the way a user starts it, through `accord browse` (with its options and
ACCORD_* settings), with a pilot at the keyboard instead of a terminal. What it changed is checked
in the record files and in git; what it showed, on the screen it drew.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static
from textual.widgets._toast import Toast

import accord
from accord.browse import SEARCH_PAUSE, Browser
from conftest import Accord, git
from helpers import LOCK, assert_refused, assert_untouched, snapshot, succeeded
from support import commitment_ids, expected_hits, fold, read_yaml

TODAY = date(2026, 1, 15)  # the snapshots' today: one commitment (4.2) is overdue on it

Script = Callable[[Pilot[object]], Awaitable[None]]


class Browsing:
    """Runs `accord browse ...` with a script at the keyboard; keeps the app for the checks after."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, accord: Accord) -> None:
        self.monkeypatch = monkeypatch
        self.accord = accord
        self.app: Browser | None = None

    def __call__(self, script: Script, *args: str, size: tuple[int, int] = (80, 24)) -> str:
        """Run the browser through the script, then quit; what `accord browse` wrote to stderr."""
        failures: list[BaseException] = []
        headless_run = Browser.run

        async def at_the_keyboard(pilot: Pilot[object]) -> None:
            try:
                await pilot.pause()
                await script(pilot)
            except BaseException as exc:  # re-raised in the test, after the app has closed
                failures.append(exc)
            finally:
                pilot.app.exit()

        def run(app: Browser, **options: Any) -> None:
            self.app = app
            headless_run(app, headless=True, size=size, auto_pilot=at_the_keyboard)

        self.monkeypatch.setattr(Browser, "run", run)
        out = self.accord("browse", *args, user="Officer Browse")
        if failures:
            raise failures[0]
        assert out.code == 0, out.stderr
        return out.stderr


@pytest.fixture
def browse(monkeypatch: pytest.MonkeyPatch, accord: Accord) -> Browsing:
    return Browsing(monkeypatch, accord)


@pytest.fixture
def repo_records(repo: Path) -> Path:
    return repo / "statement"


@pytest.fixture
def browse_repo(monkeypatch: pytest.MonkeyPatch, repo_records: Path) -> Browsing:
    """The browser on records in a git repository, where every change is committed."""
    return Browsing(monkeypatch, Accord(repo_records))


# -- what is on screen ---------------------------------------------------------------------------


def on_screen(app: Browser) -> str:
    """The characters the app sends to the terminal for its current screen, line by line."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def listed(app: Browser) -> list[str]:
    table = app.query_one("#list", DataTable)
    return [str(row.value) for row in table.rows]


def notices(app: Browser) -> list[str]:
    """The notifications on screen, oldest first, each as one line."""
    return [" ".join(str(toast.render()).split()) for toast in app.screen.query(Toast)]


def detail(app: Browser) -> str:
    shown = app.query_one("#detail-text", Static).content
    return str(getattr(shown, "plain", shown))


async def type_text(pilot: Pilot[object], text: str) -> None:
    await pilot.press(*("space" if c == " " else c for c in text))


async def pause_typing(pilot: Pilot[object]) -> None:
    """Wait as a typist would, long enough for the search to run."""
    await pilot.pause(SEARCH_PAUSE * 2)


async def saved(pilot: Pilot[object]) -> None:
    """Wait until the change being written (in a worker thread) is made or refused, and shown."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def next_status_with(pilot: Pilot[object], note: str, evidence: str) -> None:
    """Press s, pick the status after the current one (for every party), type the note and the
    evidence, press enter and wait for the change to be made."""
    await pilot.press("s", "down", "tab")
    if pilot.app.focused is not None and pilot.app.focused.id == "party":
        await pilot.press("tab")
    await type_text(pilot, note)
    await pilot.press("tab")
    await type_text(pilot, evidence)
    await pilot.press("enter")
    await saved(pilot)


async def choose(pilot: Pilot[object], record_id: str) -> None:
    """Put the list's cursor on a record, as arrow keys would."""
    app = pilot.app
    assert isinstance(app, Browser)
    table = app.query_one("#list", DataTable)
    table.focus()
    table.move_cursor(row=table.get_row_index(record_id))
    await pilot.pause()


def history(records: Path, article: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = read_yaml(records / "articles" / f"{article}.yaml").get("history", [])
    return events


def commitment(records: Path, article: str, commitment_id: str) -> dict[str, Any]:
    data = read_yaml(records / "articles" / f"{article}.yaml")
    found: dict[str, Any] = next(c for c in data["commitments"] if c["id"] == commitment_id)
    return found


# -- a whole round -------------------------------------------------------------------------------


def test_filter_open_set_status_with_note_then_undo_is_logged_and_committed(
    browse_repo: Browsing, repo: Path, repo_records: Path
) -> None:
    seen: dict[str, Any] = {}

    async def script(pilot: Pilot[object]) -> None:
        app = pilot.app
        assert isinstance(app, Browser)
        # Filter: only what Korea carries, through the filter dialog.
        await pilot.press("f", "tab", "down", "down", "space", "ctrl+s")
        seen["filtered"] = listed(app)
        # Open a commitment: the detail pane follows the cursor.
        await choose(pilot, "10.4")
        await pilot.press("enter")
        seen["detail"] = detail(app)
        # Set a status with a note and evidence.
        await next_status_with(pilot, "Agreed at the joint committee", "https://example.org/minutes")
        seen["after set"] = commitment(repo_records, "10", "10.4")["status"]
        seen["detail after set"] = detail(app)
        seen["notices after set"] = notices(app)
        await pilot.press("u")
        await saved(pilot)
        seen["notices after undo"] = notices(app)

    browse_repo(script)

    korea = commitment_ids(repo_records, lambda a, c: c["side"] == "korea")
    assert seen["filtered"] == korea
    assert "10.4" in korea
    excerpt = commitment(repo_records, "10", "10.4")["excerpt"]
    assert " ".join(excerpt.split())[:60] in " ".join(seen["detail"].split())
    assert seen["after set"] == "in_progress"
    history_line = "Officer Browse  10.4 status: not_started -> in_progress"
    assert history_line in seen["detail after set"] and "Agreed at the joint committee" in seen["detail after set"]
    assert seen["notices after set"] == ["10.4 status: not_started -> in_progress (committed)"]
    assert seen["notices after undo"][-1] == "10.4 status: in_progress -> not_started (committed)"

    set_event, undo_event = history(repo_records, "10")
    assert set_event["by"] == undo_event["by"] == "Officer Browse"
    assert (set_event["field"], set_event["old"], set_event["new"]) == ("status", "not_started", "in_progress")
    assert set_event["note"] == "Agreed at the joint committee"
    assert set_event["evidence"] == "https://example.org/minutes"
    assert (undo_event["old"], undo_event["new"]) == ("in_progress", "not_started")
    assert undo_event["undoes"] == set_event["at"]
    assert commitment(repo_records, "10", "10.4")["status"] == "not_started"

    log = git(repo, "log", "--format=%an|%s").splitlines()
    assert log == [
        "Officer Browse|undo 10.4 status: in_progress -> not_started",
        "Officer Browse|10.4 status: not_started -> in_progress",
        "Test Runner|records",
    ]
    assert git(repo, "status", "--porcelain") == ""


def searched(records: Path, query: str) -> list[str]:
    """What `accord search -l` lists for `query`, but the targets: the browser lists articles only."""
    targets = {path.stem for path in (records / "targets").glob("*.yaml")}
    listed = succeeded(Accord(records)("search", "-l", query)).split()
    return [record_id for record_id in listed if record_id not in targets]


def test_typing_in_the_search_box_narrows_the_list_as_accord_search_does(browse: Browsing, records: Path) -> None:
    seen: dict[str, list[str]] = {}

    async def script(pilot: Pilot[object]) -> None:
        app = pilot.app
        assert isinstance(app, Browser)
        seen["all"] = listed(app)
        await pilot.press("slash")
        await type_text(pilot, "handel")
        await pause_typing(pilot)
        seen["handel"] = listed(app)
        await pilot.press("backspace", "backspace", "backspace")
        await pause_typing(pilot)
        seen["han"] = listed(app)
        await pilot.press("escape")
        await pause_typing(pilot)
        seen["cleared"] = listed(app)

    browse(script)
    assert seen["all"] == commitment_ids(records)
    assert seen["handel"] == searched(records, "handel")
    assert seen["han"] == searched(records, "han")
    assert seen["handel"] and seen["han"] and seen["han"] != seen["handel"]  # each keystroke searches again
    assert seen["cleared"] == seen["all"]


def test_a_glossary_name_finds_the_other_names_in_the_browser_too(browse: Browsing, records: Path) -> None:
    seen: list[str] = []

    async def script(pilot: Pilot[object]) -> None:
        await pilot.press("slash")
        await type_text(pilot, "KVFTA")
        await pilot.press("enter")  # searches at once, without waiting for a pause
        assert isinstance(pilot.app, Browser)
        seen.extend(listed(pilot.app))

    browse(script)
    names = ["KVFTA", "VKFTA"]
    pattern = re.compile("|".join(fold(n) for n in names), re.IGNORECASE)
    assert seen == expected_hits(records, pattern)


def test_a_long_list_arrives_whole_and_a_change_keeps_the_cursor_on_its_record(
    browse: Browsing, records: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accord.browse, "FIRST_ROWS", 40)  # the rest of the 122 come after the first screen
    seen: dict[str, Any] = {}

    async def script(pilot: Pilot[object]) -> None:
        app = pilot.app
        assert isinstance(app, Browser)
        await pilot.pause()
        seen["listed"] = listed(app)
        app.main.reload()
        app.main.reload()  # a second list before the rest of the first is in: only the second is kept
        await pilot.pause()
        seen["twice"] = listed(app)
        await choose(pilot, "20.1")
        await next_status_with(pilot, "Minutes signed", "https://example.org/20-1")
        await pilot.pause()
        seen["after"] = listed(app)
        seen["under the cursor"] = app.main.selected_id()

    browse(script)
    assert seen["listed"] == seen["twice"] == seen["after"] == commitment_ids(records)
    assert seen["under the cursor"] == "20.1"
    assert commitment(records, "20", "20.1")["status"] == "in_progress"


# -- the other changes ----------------------------------------------------------------------------


def test_a_note_with_evidence_and_an_edit_of_owner_due_and_tags(browse: Browsing, records: Path) -> None:
    async def script(pilot: Pilot[object]) -> None:
        await choose(pilot, "4.3")
        await pilot.press("n")
        await type_text(pilot, "Customs met in Hanoi")
        await pilot.press("tab")
        await type_text(pilot, "https://example.org/customs")
        await pilot.press("enter")
        await saved(pilot)
        await pilot.press("e")
        await type_text(pilot, "Ministry of Finance")
        await pilot.press("tab")
        await type_text(pilot, "2026-06-30")
        await pilot.press("tab")  # the tags, all selected: typing replaces them
        await type_text(pilot, "Market-Access, customs customs-pilot")  # any case, commas or spaces
        await pilot.press("enter")
        await saved(pilot)

    tags_before = next(c["tags"] for c in read_yaml(records / "articles" / "4.yaml")["commitments"] if c["id"] == "4.3")
    browse(script)
    note, *edits = history(records, "4")
    assert (note["id"], note["note"], note["evidence"]) == (
        "4.3",
        "Customs met in Hanoi",
        "https://example.org/customs",
    )
    assert {e["field"]: (e.get("old"), e["new"]) for e in edits} == {
        "owner": (None, "Ministry of Finance"),
        "due": (None, "2026-06-30"),
        "tags": (tags_before, ["market-access", "customs", "customs-pilot"]),
    }
    assert len({e["at"] for e in edits}) == 1  # one change, undone as one
    item = commitment(records, "4", "4.3")
    assert (item["owner"], item["due"]) == ("Ministry of Finance", "2026-06-30")


def test_a_refused_value_is_one_line_on_screen_the_dialog_keeps_what_was_typed(browse: Browsing, records: Path) -> None:
    before = snapshot(records)
    seen: dict[str, Any] = {}

    async def script(pilot: Pilot[object]) -> None:
        app = pilot.app
        assert isinstance(app, Browser)
        await choose(pilot, "4.5")
        seen["detail"] = detail(app)
        await next_status_with(pilot, "Talks held", "example.org/no-scheme")
        seen["screen"] = on_screen(app)
        seen["notices"] = notices(app)
        seen["files"] = snapshot(records)
        seen["still open"] = type(app.screen).__name__
        await pilot.press("escape")
        seen["after escape"] = type(app.screen).__name__

    stderr = browse(script)
    trade = read_yaml(records / "targets" / "trade.yaml")
    assert f"targets  trade ({trade['title']})" in seen["detail"]
    assert seen["notices"] == ["not done the evidence 'example.org/no-scheme' is not an http(s) URL"]
    assert stderr == ""
    assert seen["still open"] == "StatusDialog"
    assert "Talks held" in seen["screen"]
    assert seen["after escape"] == "Commitments"
    assert seen["files"] == before
    assert_untouched(records, before)


def test_undo_with_nothing_to_undo_says_so_and_changes_nothing(browse: Browsing, records: Path) -> None:
    before = snapshot(records)
    seen: list[str] = []

    async def script(pilot: Pilot[object]) -> None:
        await pilot.press("u")
        await saved(pilot)
        assert isinstance(pilot.app, Browser)
        seen.extend(notices(pilot.app))

    browse(script)
    [notice] = seen
    assert notice == "not done Officer Browse has no change to undo"
    assert_untouched(records, before)


@pytest.fixture
def lock_held(records: Path) -> Iterator[None]:
    """Another process holds the records' lock, as a writer that is slow to finish."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from filelock import FileLock; lock = FileLock(sys.argv[1]); lock.acquire();"
            " print('held', flush=True); sys.stdin.read()",
            str(records / LOCK),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    yield
    assert holder.stdin is not None
    holder.stdin.close()
    holder.wait(timeout=10)


def test_a_writer_holding_the_lock_gives_a_notice_not_a_traceback(
    browse: Browsing, records: Path, lock_held: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCORD_LOCK_TIMEOUT", "0.3")
    before = snapshot(records)
    seen: list[str] = []

    async def script(pilot: Pilot[object]) -> None:
        await choose(pilot, "4.5")
        await pilot.press("s", "down", "enter")
        await saved(pilot)
        assert isinstance(pilot.app, Browser)
        seen.extend(notices(pilot.app))

    browse(script)
    [notice] = seen
    assert notice.startswith("not done") and "lock" in notice
    assert_untouched(records, before)


def test_a_write_waiting_for_the_lock_leaves_the_screen_answering_keys_then_says_why_not(
    browse: Browsing, records: Path, lock_held: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCORD_LOCK_TIMEOUT", "3")
    before = snapshot(records)
    seen: dict[str, Any] = {}

    async def script(pilot: Pilot[object]) -> None:
        app = pilot.app
        assert isinstance(app, Browser)
        await choose(pilot, "4.5")
        await pilot.press("s", "down", "enter")  # the write starts, and waits for the lock
        seen["hint while saving"] = str(app.screen.query_one("#hint", Static).content)
        await pilot.press("tab", "tab")
        await type_text(pilot, "Waiting")  # keys go on being handled meanwhile
        seen["typed while saving"] = app.screen.query_one("#note", Input).value
        seen["still writing"] = app.writing and any(w.is_running for w in app.workers)
        await pilot.press("enter")  # saving again before the first is done: not a second write
        seen["notices while saving"] = notices(app)
        await saved(pilot)
        seen["notices"] = notices(app)
        seen["dialog"] = type(app.screen).__name__
        seen["typed"] = app.screen.query_one("#note", Input).value
        seen["hint"] = str(app.screen.query_one("#hint", Static).content)

    browse(script)
    assert seen["hint while saving"] == "saving..."
    assert seen["typed while saving"] == "Waiting" and seen["still writing"]
    assert seen["notices while saving"] == ["The last change is still being saved."]
    assert seen["notices"][0] == "The last change is still being saved."
    [refusal] = seen["notices"][1:]
    assert refusal.startswith("not done") and "lock" in refusal
    assert (seen["dialog"], seen["typed"], seen["hint"]) == ("StatusDialog", "Waiting", "enter: save   esc: cancel")
    assert_untouched(records, before)


def test_the_status_dialog_sets_one_partys_status_or_every_partys(browse: Browsing, records: Path) -> None:
    seen: dict[str, Any] = {}

    async def script(pilot: Pilot[object]) -> None:
        app = pilot.app
        assert isinstance(app, Browser)
        await choose(pilot, "10.4")  # Korea's alone: no party to choose
        await pilot.press("s")
        seen["one side"] = len(app.screen.query("#party"))
        await pilot.press("escape")
        await choose(pilot, "1.1")  # both carry it
        await pilot.press("s")
        seen["dialog"] = on_screen(app)
        await pilot.press("down", "down", "down", "tab", "down", "down", "enter")  # completed, korea
        await saved(pilot)
        seen["after korea"] = commitment(records, "1", "1.1")
        seen["notices"] = notices(app)
        await pilot.press("s")
        seen["dialog again"] = on_screen(app)
        await pilot.press("down", "enter")  # from in_progress, the overall status, to ongoing; every party
        await saved(pilot)
        seen["after every"] = commitment(records, "1", "1.1")
        seen["detail"] = detail(app)

    browse(script)
    assert seen["one side"] == 0
    assert "every party" in seen["dialog"] and "korea (now not_started)" in seen["dialog"]
    assert "korea (now completed)" in seen["dialog again"]
    first, *each = history(records, "1")
    assert (first["id"], first["party"], first["old"], first["new"]) == ("1.1", "korea", "not_started", "completed")
    assert seen["after korea"]["parties"] == {"vietnam": "not_started", "korea": "completed"}
    assert seen["after korea"]["status"] == "in_progress"
    assert seen["notices"] == ["1.1 status (korea): not_started -> completed"]
    # every party's, now that they are set apart: one event each, so that undo gives each its own back
    assert sorted((e["party"], e["old"], e["new"]) for e in each) == [
        ("korea", "completed", "ongoing"),
        ("vietnam", "not_started", "ongoing"),
    ]
    assert seen["after every"]["status"] == "ongoing"
    assert "status   ongoing" in seen["detail"]


def test_a_record_file_that_does_not_load_is_named_and_the_others_still_show(browse: Browsing, records: Path) -> None:
    others = commitment_ids(records, lambda a, c: a["id"] != "7")
    broken = records / "articles" / "7.yaml"
    broken.write_text(broken.read_text("utf-8").replace("section:", "section: [", 1), "utf-8")
    seen: dict[str, Any] = {}

    async def script(pilot: Pilot[object]) -> None:
        app = pilot.app
        assert isinstance(app, Browser)
        seen["listed"], seen["notices"] = listed(app), notices(app)

    browse(script)
    assert seen["listed"] == others
    [notice] = seen["notices"]
    assert notice.startswith("left out, it does not load: statement/articles/7.yaml:4: not valid YAML")


# -- read-only -----------------------------------------------------------------------------------


def records_not_writable(records: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The system refuses writes under the records folder (root passes chmod, so ask access())."""
    allowed = os.access

    def access(path: Any, mode: int, **options: Any) -> bool:
        if mode & os.W_OK and Path(path).resolve().is_relative_to(records.resolve()):
            return False
        return allowed(path, mode, **options)

    monkeypatch.setattr(os, "access", access)


@pytest.mark.parametrize("why", ["--read-only", "records not writable"])
def test_read_only_shows_the_mark_and_no_key_changes_a_record(
    browse: Browsing, records: Path, monkeypatch: pytest.MonkeyPatch, why: str
) -> None:
    if why == "records not writable":
        records_not_writable(records, monkeypatch)
    before = snapshot(records)
    seen: dict[str, Any] = {}

    async def script(pilot: Pilot[object]) -> None:
        app = pilot.app
        assert isinstance(app, Browser)
        seen["screen"] = on_screen(app)
        await choose(pilot, "4.5")
        for key in ("s", "enter", "n", "e", "u"):
            await pilot.press(key)
            seen.setdefault("screens", []).append(type(app.screen).__name__)

    browse(script, *([why] if why.startswith("--") else []))
    first_line, *_, footer = seen["screen"].splitlines()
    assert "read-only" in first_line
    assert "Search" in footer and "Status" not in footer and "Undo" not in footer
    assert seen["screens"] == ["Commitments"] * 5
    assert_untouched(records, before)


def test_without_the_browse_extra_it_says_how_to_install(accord: Accord, monkeypatch: pytest.MonkeyPatch) -> None:
    """As if Textual were not installed: every import of it fails."""
    monkeypatch.delitem(sys.modules, "accord.browse")
    for name in [n for n in sys.modules if n == "textual" or n.startswith("textual.")]:
        monkeypatch.setitem(sys.modules, name, None)
    line = assert_refused(accord("browse"), "pip install 'accord[browse]'")
    assert "Textual" in line


# -- hostile text -------------------------------------------------------------------------------


HOSTILE = "\\e[31m[bold]Taken over[/bold] [link=https://evil.example]click[/link] \\e]0;owned\\a \u202eevil"


def test_markup_escapes_and_bidi_overrides_in_records_show_literally(browse: Browsing, records: Path) -> None:
    path = records / "articles" / "4.yaml"
    text = path.read_text("utf-8")
    title = "title: Reach USD 150 billion bilateral trade in a balanced, sustainable way"
    assert title in text
    path.write_text(text.replace(title, f'title: "{HOSTILE}"'), "utf-8")
    seen: list[str] = []

    async def script(pilot: Pilot[object]) -> None:
        await choose(pilot, "4.5")
        assert isinstance(pilot.app, Browser)
        seen.append(on_screen(pilot.app))
        await pilot.press("s")
        await pilot.pause()
        seen.append(on_screen(pilot.app))

    browse(script, size=(140, 40))
    assert "Status of 4.5" in seen[1]
    for screen in seen:
        assert "\x1b" not in screen and "\x07" not in screen and "\u202e" not in screen
        assert "[bold]Taken over[/bold]" in screen and "[link=https://evil.example]click[/link]" in screen
        assert "\\x1b[31m[bold]" in screen and "\\x1b]0;owned\\x07" in screen and "<U+202E>evil" in screen


def test_the_list_and_the_detail_name_each_partys_status_where_they_differ(browse: Browsing, accord: Accord) -> None:
    succeeded(accord("set", "1.1", "completed", "--party", "vietnam"))
    succeeded(accord("set", "1.1", "in_progress", "--party", "korea"))
    seen: list[str] = []

    async def script(pilot: Pilot[object]) -> None:
        await choose(pilot, "1.1")
        assert isinstance(pilot.app, Browser)
        seen.append(detail(pilot.app))
        seen.append(on_screen(pilot.app))

    browse(script, size=(200, 40))
    both = "in_progress (vietnam completed, korea in_progress)"
    assert both in seen[0]
    assert any(line.lstrip().startswith("1.1") and both in line for line in seen[1].splitlines())


# -- progress ------------------------------------------------------------------------------------


def test_the_progress_view_puts_the_verdict_first_as_accord_progress_computes_it(
    browse: Browsing, accord: Accord
) -> None:
    import json

    seen: dict[str, Any] = {}

    async def script(pilot: Pilot[object]) -> None:
        app = pilot.app
        assert isinstance(app, Browser)
        await pilot.press("p")
        table = app.screen.query_one("#targets", DataTable)
        seen["columns"] = [str(c.label) for c in table.columns.values()]
        seen["rows"] = {str(key.value): [str(cell) for cell in table.get_row(key)] for key in table.rows}
        await pilot.press("escape")
        seen["back"] = type(app.screen).__name__

    browse(script)
    today = datetime.now(UTC).date().isoformat()
    expected = json.loads(succeeded(accord("progress", "--format", "json", "--today", today)))["targets"]
    assert seen["columns"][:4] == ["verdict", "target", "latest", "goal"]
    assert set(seen["rows"]) == {t["target"] for t in expected}
    for target in expected:
        verdict, _, latest, goal, achieved, *_ = seen["rows"][target["target"]]
        assert verdict == target["verdict"]
        assert latest.startswith(f"{target['latest']} ({target['period']})") if target["latest"] else latest == "-"
        assert goal == target["goal"]
        assert achieved == (f"{target['percent']} %" if target["percent"] is not None else "-")
    assert seen["back"] == "Commitments"


def progress_words(accord: Accord, target: str) -> list[str]:
    """What `accord progress TARGET` says under its table, on a terminal too wide to wrap a line."""
    lines = succeeded(accord("progress", target, env={"COLUMNS": "2000"})).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}: "))
    return [line.rstrip() for line in lines[start:]]


async def target_detail(pilot: Pilot[object], target: str) -> list[str]:
    """The progress screen's words on a target, with the cursor put on its row."""
    table = pilot.app.screen.query_one("#targets", DataTable)
    table.move_cursor(row=table.get_row_index(target))
    await pilot.pause()
    shown = pilot.app.screen.query_one("#target-detail-text", Static).content
    return str(getattr(shown, "plain", shown)).splitlines()


def test_the_progress_view_names_a_funds_stages_and_its_figure_in_won(browse: Browsing, accord: Accord) -> None:
    seen: dict[str, list[str]] = {}

    async def script(pilot: Pilot[object]) -> None:
        app = pilot.app
        assert isinstance(app, Browser)
        await pilot.press("p")
        seen["edcf"] = await target_detail(pilot, "edcf")
        seen["screen"] = on_screen(app).splitlines()

    browse(script)
    assert seen["edcf"] == progress_words(accord, "edcf")
    stages = seen["edcf"][1:]
    assert stages[0] == "edcf by stage, against the ceiling of 2 billion USD:"
    assert stages[1] == "  approved: no data" and stages[3] == "  disbursed: no data"
    # 0.188115 of 2 is 9.4 %; the figure was published in won and is shown so, with its rate.
    assert stages[2].startswith("  signed: 0.188115 billion USD (9.4 % of the ceiling), signed between 2024-01-01")
    assert "KRW 261.351 billion at 1389.315 KRW per USD" in stages[2]
    assert stages[2].endswith("(the verdict rests on it)")
    assert any(line.strip() == "edcf by stage, against the ceiling of 2 billion USD:" for line in seen["screen"])


def test_the_progress_view_shows_the_year_to_date_and_its_projection(
    browse: Browsing, accord: Accord, tmp_path: Path
) -> None:
    months = [("2025-01", "7.2"), ("2025-02", "6.1"), ("2025-03", "7.9"), ("2026-01", "8.1"), ("2026-02", "6.8"),
              ("2026-03", "8.6")]  # fmt: skip
    file = tmp_path / "months.csv"
    rows = "".join(f"trade,korea,{month},{value},illustration\n" for month, value in months)
    file.write_text("target,series,period,value,source\n" + rows, "utf-8")
    succeeded(accord("measure", "--from-csv", str(file), "--before-baseline"))
    seen: dict[str, list[str]] = {}

    async def script(pilot: Pilot[object]) -> None:
        await pilot.press("p")
        seen["trade"] = await target_detail(pilot, "trade")

    browse(script)
    assert seen["trade"] == progress_words(accord, "trade")
    # The README's rule: year to date x (the year before / the same months of the year before).
    to_date = sum(Decimal(value) for month, value in months if month.startswith("2026"))
    months_before = sum(Decimal(value) for month, value in months if month.startswith("2025"))
    projected = (to_date * Decimal("94.5") / months_before).quantize(Decimal("0.01"))
    assert (to_date, months_before, projected) == (Decimal("23.5"), Decimal("21.2"), Decimal("104.75"))
    assert seen["trade"][1:] == [
        "trade: 2026 to date (January to March): 23.5 billion USD; the same months of 2025: 21.2 billion USD",
        "  projected for 2026 (a projection, not a figure): 104.75 billion USD, "
        "by 2026 to date x (2025 / the same months of 2025)",
        "  last complete year, 2025: 94.5 billion USD",
    ]


# -- snapshots of the screens -------------------------------------------------------------------


def fixed_browser(records: Path, monkeypatch: pytest.MonkeyPatch, **options: Any) -> Browser:
    """A browser whose screens do not depend on the day the tests run, in colour."""
    monkeypatch.delenv("NO_COLOR")
    return Browser(accord.open(records, actor="Officer Browse", today=TODAY, commit=False), **options)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize(
    "keys",
    [(), ("down", "down", "down"), ("p",), ("s",), ("f",)],
    ids=["list", "detail", "progress", "status", "filters"],
)
def test_screens(
    snap_compare: Any, records: Path, monkeypatch: pytest.MonkeyPatch, keys: tuple[str, ...], size: tuple[int, int]
) -> None:
    assert snap_compare(fixed_browser(records, monkeypatch), press=keys, terminal_size=size)


def test_read_only_screen(snap_compare: Any, records: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert snap_compare(fixed_browser(records, monkeypatch, read_only=True), terminal_size=(80, 24))
