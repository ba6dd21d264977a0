"""The report through the index: an article with no event since the previous period is read from
the index's rows and what they keep of its history; whatever happens to the files, the report
is the one `--no-cache` (every file read and its whole history with it) gives, byte for byte. So
are `list --stale` and `list --due-review`, which read only what the index keeps of each history."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from accord import charts, workers, yamlio
from accord import index as index_module
from accord.history import apply
from accord.model import Article, Event, to_data
from conftest import Accord
from test_index import outputs

TODAY = "2026-11-27"
FORMATS = ("md", "json", "html")
PERIODS = [
    (),  # the seven days up to today: only articles 3 and 18 had events since the previous period
    ("--since", "2026-10-27"),  # a month back
    ("--week", "2026-W37"),  # a busy week, months ago
    ("--today", "2026-09-20"),  # today in the past: later events are left out (as known then)
    ("--stale", "30d"),
    ("--today", "2026-09-20", "--week", "2026-W40"),  # a week after today: article 7 changed in between
]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def append(records: Path, article_id: str, events: list[Event]) -> None:
    path = records / "articles" / f"{article_id}.yaml"
    article = Article.model_validate(yamlio.load_text(path.read_text("utf-8"), path))
    path.write_bytes(yamlio.dump(to_data(apply(article, events))))


def status(article_id: str, when: str, item: str, old: str, new: str, **more: object) -> Event:
    return Event.model_validate(
        {"at": at(when), "by": "Le Van A", "id": item, "field": "status", "old": old, "new": new, **more}
    )


@pytest.fixture
def spread(records: Path) -> Path:
    """Months of events on a few articles: review dates set, withdrawn and undone, back-dated
    changes, notes; and two articles with events this week."""
    append(records, "1", [
        status("1", "2026-06-02T09:00:00", "1.1", "not_started", "in_progress", review_by=date(2026, 9, 1)),
        status("1", "2026-07-10T09:00:00", "1.2", "not_started", "stalled", note="waiting"),
        Event(at=at("2026-09-09T10:00:00"), by="Kim", id="1.3", note="looked at it", review_by=date(2026, 10, 1)),
    ])  # fmt: skip
    append(records, "2", [
        status("2", "2026-09-08T08:00:00", "2.1", "not_started", "ongoing", on=date(2026, 8, 1)),
        Event(at=at("2026-09-10T08:00:00"), by="Kim", id="2.1", note="check again", review_by=date(2026, 9, 30)),
        Event(at=at("2026-09-11T08:00:00"), by="Kim", id="2.1", note="no need", review_by="none"),
        Event(at=at("2026-09-12T08:00:00"), by="Kim", id="2.2", note="review", review_by=date(2026, 11, 1)),
    ])  # fmt: skip
    append(records, "5", [
        status("5", "2026-09-09T12:00:00", "5.1", "not_started", "completed", evidence="https://example.org/5"),
        Event(at=at("2026-09-09T13:00:00"), by="Kim", id="5.1", undoes=at("2026-09-09T12:00:00"),
              field="status", old="completed", new="not_started"),
    ])  # fmt: skip
    append(records, "7", [status("7", "2026-09-25T09:00:00", "7.1", "not_started", "ongoing")])
    append(
        records,
        "4",
        [
            status("4", "2026-10-30T09:00:00", "4.5", "not_started", "in_progress", review_by=date(2026, 11, 20)),
        ],
    )
    append(
        records,
        "3",
        [
            status("3", "2026-11-25T08:30:00", "3.4", "not_started", "stalled", note="blocked", internal=True),
        ],
    )
    append(
        records,
        "18",
        [
            status("18", "2026-09-14T12:00:00", "18.3", "not_started", "in_progress"),
            status("18", "2026-11-26T12:00:00", "18.3", "in_progress", "completed", on=date(2026, 11, 2)),
        ],
    )
    return records


def reports(accord: Accord, *options: str, formats: tuple[str, ...] = FORMATS) -> list[tuple[int, str, str]]:
    found = []
    for period in PERIODS:
        today = () if "--today" in period else ("--today", TODAY)
        for fmt in formats:
            for public in ((), ("--public",)):
                done = accord(*options, "report", "-f", fmt, *today, *period, *public)
                assert "Traceback" not in done.stderr
                found.append((done.code, done.stdout, done.stderr))
    return found


def assert_truth(accord: Accord, formats: tuple[str, ...] = ("md", "json")) -> list[tuple[int, str, str]]:
    """Every report through the index, made and then warm, is the one the files alone give."""
    truth = reports(accord, "--no-cache", formats=formats)
    assert reports(accord, formats=formats) == truth
    assert reports(accord, formats=formats) == truth
    return truth


def test_a_report_through_the_index_is_the_report_of_the_whole_files(spread: Path, accord: Accord) -> None:
    truth = assert_truth(accord)
    assert all(code == 0 for code, _, _ in truth)
    week = accord("report", "-f", "json", "--today", TODAY).stdout
    # Attention drawn from histories the report no longer reads: 1.1's review date and 4.5's, 2.2's
    # (not 2.1's, withdrawn); 1.2 stalled and unchanged since July.
    assert re.findall(r'"review_by": "([\d-]+)"', week) == ["2026-09-01", "2026-10-01", "2026-11-01", "2026-11-20"]
    assert '"id": "1.2"' in week.split('"unchanged"')[1].split('"stale_after_days"')[0]


@pytest.mark.slow
def test_html_through_the_index_is_the_html_of_the_whole_files(spread: Path, accord: Accord) -> None:
    assert_truth(accord, formats=("html",))


def test_an_event_appended_by_hand_is_reported(spread: Path, accord: Accord) -> None:
    before = assert_truth(accord)
    path = spread / "articles" / "6.yaml"
    text = path.read_text("utf-8")
    assert text.endswith("history: []\n")
    path.write_text(  # the way accord writes an event, last in the file
        text.removesuffix("history: []\n") + "history:\n- at: '2026-11-26T09:00:00.000000Z'\n  by: By Hand\n"
        "  id: '6.1'\n  field: status\n  old: not_started\n  new: ongoing\n  review_by: '2026-11-27'\n",
        "utf-8",
    )
    after = assert_truth(accord)
    assert after != before
    week = accord("report", "-f", "json", "--today", TODAY).stdout
    assert "By Hand" in week and '"review_by": "2026-11-27"' in week


@pytest.mark.parametrize("keep_times", [False, True])
def test_an_event_moved_to_another_day_moves_in_the_report(
    spread: Path, accord: Accord, monkeypatch: pytest.MonkeyPatch, keep_times: bool
) -> None:
    """An event's day edited in place, into the current week; with `keep_times` the file keeps its
    size and times, and is taken as settled at once (as it would be seconds after it was written)."""
    monkeypatch.setattr(index_module, "SETTLED_NS", 0)
    before = assert_truth(accord)
    path = spread / "articles" / "1.yaml"
    status_before = os.stat(path)
    text = path.read_text("utf-8")
    assert text.count("2026-07-10T09:00:00") == 1
    path.write_text(text.replace("2026-07-10T09:00:00", "2026-11-24T09:00:00"), "utf-8")
    if keep_times:
        os.utime(path, ns=(status_before.st_atime_ns, status_before.st_mtime_ns))
    after = assert_truth(accord)
    assert after != before
    week = accord("report", "-f", "json", "--today", TODAY).stdout
    assert '"note": "waiting"' in week  # now an event of the week


def test_a_file_swapped_for_other_bytes_is_reported_as_it_now_is(
    spread: Path, accord: Accord, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Article 18 put back as it was before its events, then article 3 given article 4's bytes."""
    monkeypatch.setattr(index_module, "SETTLED_NS", 0)
    eighteen = spread / "articles" / "18.yaml"
    now = eighteen.read_bytes()
    earlier = now[: now.index(b"\nhistory:") + 1]
    before = assert_truth(accord)
    eighteen.write_bytes(earlier)
    after = assert_truth(accord)
    assert after != before
    (spread / "articles" / "3.yaml").write_bytes((spread / "articles" / "4.yaml").read_bytes())
    assert assert_truth(accord) != after


def test_an_html_report_draws_the_same_charts_from_what_it_kept(spread: Path, accord: Accord) -> None:
    """A chart drawn once is kept in .accord-cache/ and read back; a new figure draws a new one."""
    drawn = accord("--no-cache", "report", "-f", "html", "--today", TODAY).stdout
    assert accord("report", "-f", "html", "--today", TODAY).stdout == drawn
    kept = sorted((spread / ".accord-cache").glob("chart-*.svg"))
    assert len(kept) == 3 and drawn.count("<svg") == 3
    assert accord("report", "-f", "html", "--today", TODAY).stdout == drawn
    assert sorted((spread / ".accord-cache").glob("chart-*.svg")) == kept
    done = accord("measure", "trade", "96.1", "--period", "2026", "--series", "korea", "--source", "KITA, 2026")
    assert done.code == 0, done.stderr
    redrawn = accord("report", "-f", "html", "--today", "2026-12-31").stdout
    assert redrawn != drawn
    assert redrawn == accord("--no-cache", "report", "-f", "html", "--today", "2026-12-31").stdout


def test_charts_drawn_aside_are_the_charts_drawn_here(
    spread: Path, accord: Accord, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An html report draws its charts in a process of its own, started as the report begins: the
    same bytes as drawing them in its own process, even when that process dies before drawing."""
    with monkeypatch.context() as patched:
        patched.setattr(workers, "can_fork_aside", lambda: False)
        drawn = accord("--no-cache", "report", "-f", "html", "--today", TODAY).stdout
    assert drawn.count("<svg") == 3
    started: list[object] = []
    start = charts._Painter.start

    def counted(cls: type[object]) -> object:
        started.append(start())
        return started[-1]

    monkeypatch.setattr(charts._Painter, "start", classmethod(counted))
    assert accord("--no-cache", "report", "-f", "html", "--today", TODAY).stdout == drawn
    assert any(started) == workers.can_fork_aside()
    monkeypatch.setattr(charts, "_paint", lambda connection: os._exit(9))  # killed before its first chart
    assert accord("--no-cache", "report", "-f", "html", "--today", TODAY).stdout == drawn
    assert len(started) == 2


def test_charts_are_never_kept_through_a_link(spread: Path, accord: Accord, tmp_path: Path) -> None:
    """A cache folder that is a link, or a kept chart that is one, is neither read nor written through."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    drawn = accord("--no-cache", "report", "-f", "html", "--today", TODAY).stdout
    (spread / ".accord-cache").symlink_to(elsewhere)
    assert accord("report", "-f", "html", "--today", TODAY).stdout == drawn
    assert list(elsewhere.iterdir()) == []
    (spread / ".accord-cache").unlink()
    assert accord("report", "-f", "html", "--today", TODAY).stdout == drawn
    forged = tmp_path / "forged.svg"
    forged.write_text("<svg><script>alert(1)</script></svg>", "utf-8")
    for kept in (spread / ".accord-cache").glob("chart-*.svg"):
        kept.unlink()
        kept.symlink_to(forged)
    assert accord("report", "-f", "html", "--today", TODAY).stdout == drawn
    assert forged.read_text("utf-8") == "<svg><script>alert(1)</script></svg>"


# The listings that read the histories, against the real today (as a user runs them).
HISTORY_LISTS = [
    ("--stale", "30d"),
    ("--stale", "90d"),
    ("--due-review",),
    ("--due-review", "--stale", "10d"),
    ("--stale", "400d", "--status", "stalled"),
    ("--stale", "30d", "--party", "korea"),
    ("--stale", "30d", "--section", "1", "--sort", "-status"),
    ("--articles", "--stale", "30d"),
    ("--articles", "--due-review"),
]
LISTINGS = [("list", *args, "-f", fmt) for args in HISTORY_LISTS for fmt in ("json", "ids")]


def assert_listed_truth(accord: Accord) -> list[tuple[int, str, str]]:
    """Every listing through the index, made and then warm, is the one the files alone give."""
    truth = outputs(accord, "--no-cache", commands=LISTINGS)
    for _made_then_warm in range(2):
        assert outputs(accord, commands=LISTINGS) == truth
    return truth


def test_stale_and_due_review_through_the_index_list_what_the_files_say(spread: Path, accord: Accord) -> None:
    before = assert_listed_truth(accord)
    assert all(code == 0 for code, _, _ in before)
    assert before[5][1].split()  # something is due for review
    path = spread / "articles" / "1.yaml"
    with path.open("a", encoding="utf-8") as events:  # by hand, as accord writes an event
        events.write("- at: '2026-11-28T09:00:00.000000Z'\n  by: By Hand\n  id: '1.2'\n  note: looked again\n")
    six = spread / "articles" / "6.yaml"
    six.write_text(
        six.read_text("utf-8").removesuffix("history: []\n") + "history:\n- at: '2026-11-28T09:00:00.000000Z'\n"
        "  by: By Hand\n  id: '6.1'\n  field: status\n  old: not_started\n  new: ongoing\n  review_by: '2026-11-28'\n",
        "utf-8",
    )
    after = assert_listed_truth(accord)
    assert after != before
    due = accord("list", "--due-review", "-f", "ids").stdout.split()
    assert "6.1" in due and "6.1" not in before[5][1].split()


@pytest.mark.slow
def test_stale_through_an_index_of_heads_only_lists_what_the_files_say(tmp_path: Path) -> None:
    """A first `list` of a large folder indexes each file up to its history; `list --stale` then
    reads the histories, in workers, and lists what reading every file lists."""
    from test_first_run import many_articles

    records = many_articles(tmp_path)
    accord = Accord(records)
    truth = [accord("--no-cache", "list", *args, "-f", "json") for args in HISTORY_LISTS[:3]]
    assert accord("list", "-f", "ids").code == 0
    for args, want in zip(HISTORY_LISTS[:3], truth, strict=True):
        out = accord("list", *args, "-f", "json")
        assert (out.code, out.stdout, out.stderr) == (want.code, want.stdout, want.stderr), args
