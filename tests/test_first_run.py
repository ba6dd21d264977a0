"""The first run after a clone checks and indexes many files at once, in worker processes: what it
prints must be what one file after another gives, line for line and in the same order."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from accord import workers
from accord.storage import HEADS_ONLY_FROM
from conftest import Accord, Outcome, run_accord
from helpers import outcome, replace_once

BENCH = Path(__file__).resolve().parent.parent / "bench"
# Enough that a first run hands them to workers, and that a first build reads only their heads.
FILES = max(workers.PARALLEL_FROM, HEADS_ONLY_FROM) + 50


def many_articles(folder: Path) -> Path:
    sys.path.insert(0, str(BENCH))
    from generate import generate

    records = folder / "statement"
    generate(records, FILES, per_article=1, events=2)
    return records


def break_files(records: Path) -> None:
    """Problems of every kind, spread over the folder so that each lands in a different chunk."""
    articles = records / "articles"
    replace_once(articles / "7.yaml", "\nstatus: ", "\nstatus: [unclosed ")  # not YAML
    replace_once(articles / "61.yaml", "\ncommitments:\n", "\ncolour: red\ncommitments:\n")  # unknown field
    replace_once(articles / "122.yaml", "- id: '122.1'", "- id: '3.1'")  # an id of another file
    replace_once(articles / "188.yaml", "  excerpt: ", "  excerpt: nowhere in the text ")
    replace_once(articles / "240.yaml", "\ncommitments:\n", "\n# a comment that would be lost\ncommitments:\n")
    (articles / "277.yaml").unlink()
    (articles / "277.yaml").mkdir()  # not a file at all
    replace_once(articles / f"{FILES}.yaml", "\nsection: ", "\nsection: 9")  # a section the statement lacks


def serially(records: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Outcome:
    """The command with every file checked in this process, one after another."""
    with monkeypatch.context() as patched:
        patched.setattr(workers, "PARALLEL_FROM", sys.maxsize)
        return Accord(records)(*args)


def counting_submissions(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """What is handed to worker processes from now on."""
    submitted: list[Any] = []
    submit = ProcessPoolExecutor.submit

    def counted(pool: Any, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        submitted.append(args)
        return submit(pool, fn, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "submit", counted)
    return submitted


def expect_workers() -> bool:
    """Whether this machine and this process allow workers (see accord.workers)."""
    return (os.cpu_count() or 1) > 1 and hasattr(os, "fork") and threading.active_count() == 1


def test_validate_in_workers_says_what_one_file_after_another_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = many_articles(tmp_path)
    break_files(records)
    truth = serially(records, monkeypatch, "--no-cache", "validate")
    assert truth.code == 1
    lines = truth.stderr.splitlines()
    assert len(lines) >= 8 and lines[-1].endswith("problems found")
    for expected in (
        "articles/7.yaml:6: not valid YAML",
        "articles/61.yaml:10: colour: unknown field",
        "articles/122.yaml:11: commitment id 3.1 is used twice",
        "articles/188.yaml:16: excerpt of 188.1 is not in the article's text",
        "articles/240.yaml:11: comment will be lost",
        "articles/277.yaml: is a folder",
        f"articles/{FILES}.yaml:2: section 9",
    ):
        assert any(expected in line for line in lines), (expected, lines)

    submitted = counting_submissions(monkeypatch)
    first = Accord(records)("validate")  # a first run: nothing remembered, every file checked
    assert (first.code, first.stdout, first.stderr) == (truth.code, truth.stdout, truth.stderr)
    assert bool(submitted) == expect_workers()
    again = outcome(run_accord("validate", cwd=records))  # what the workers found, remembered
    assert (again.code, again.stdout, again.stderr) == (truth.code, truth.stdout, truth.stderr)
    shutil.rmtree(records / ".accord-cache")
    json_truth = serially(records, monkeypatch, "--no-cache", "validate", "--format", "json")
    assert Accord(records)("validate", "--format", "json").stdout == json_truth.stdout


def test_a_first_build_in_workers_prints_what_the_files_say(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """list builds the index from the files' heads, report then reads their history: both in
    workers, and a file broken there is named on stderr as reading it here names it, exit 2."""
    records = many_articles(tmp_path)
    articles = records / "articles"
    replace_once(articles / "7.yaml", "\nstatus: ", "\nstatus: [unclosed ")
    replace_once(articles / "61.yaml", "\ncommitments:\n", "\ncolour: red\nflavour: sweet\ncommitments:\n")
    replace_once(articles / "190.yaml", "\nsection: ", "\nsection: x")
    commands = [("list", "-f", "json"), ("report", "--format", "json", "--today", "2026-11-25"), ("list", "-f", "csv")]
    truth = [Accord(records)("--no-cache", *command) for command in commands]  # one file after another
    expected = [
        "articles/7.yaml:6: not valid YAML",
        "articles/61.yaml:10: colour: unknown field",
        "articles/190.yaml:2: section: Input should be a valid integer",
    ]
    for out in truth:
        lines = out.stderr.splitlines()
        assert out.code == 2 and "Traceback" not in out.stderr
        assert all(want in line for want, line in zip(expected, lines[: len(expected)], strict=True)), lines
    submitted = counting_submissions(monkeypatch)
    for command, want in zip(commands, truth, strict=True):
        out = Accord(records)(*command)
        assert (out.code, out.stdout, out.stderr) == (want.code, want.stdout, want.stderr), command
    assert bool(submitted) == expect_workers()
    shutil.rmtree(records / ".accord-cache")
    out = outcome(run_accord("report", "--format", "json", "--today", "2026-11-25", cwd=records))  # history at once
    assert (out.code, out.stdout, out.stderr) == (truth[1].code, truth[1].stdout, truth[1].stderr)



_run_chunk = workers._run
_chunks_run: list[int] = []  # in a forked worker: the chunks it was given


def _dies_in_its_second_chunk(chunk: list[Any]) -> list[Any]:
    """Submitted to the workers by name: a worker given a second chunk dies as a killed one does."""
    _chunks_run.append(len(chunk))
    if _chunks_run[0] < 0 and len(_chunks_run) == 3:  # [-1] was set by the test, in the parent
        os._exit(9)
    return _run_chunk(chunk)


def test_a_worker_killed_midway_costs_time_not_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker the system kills (out of memory, say) leaves its files to this process: the
    command prints what one file after another gives, with no internal error."""
    records = many_articles(tmp_path)
    break_files(records)
    truth = serially(records, monkeypatch, "--no-cache", "validate")
    listing = serially(records, monkeypatch, "--no-cache", "list", "-f", "csv")
    monkeypatch.setattr(workers, "_run", _dies_in_its_second_chunk)
    monkeypatch.setattr(sys.modules[__name__], "_chunks_run", [-1])
    submitted = counting_submissions(monkeypatch)
    first = Accord(records)("validate")
    assert (first.code, first.stdout, first.stderr) == (truth.code, truth.stdout, truth.stderr)
    out = Accord(records)("list", "-f", "csv")
    assert (out.code, out.stdout, out.stderr) == (listing.code, listing.stdout, listing.stderr)
    assert bool(submitted) == expect_workers()


RECENT_NOTE = """- at: '2026-11-24T09:00:00.000000Z'
  by: Officer Z
  id: '{id}'
  note: {note}
"""


def add_note(records: Path, article: int, note: str) -> None:
    """An event about the article's first commitment appended by hand, as accord writes one."""
    path = records / "articles" / f"{article}.yaml"
    path.write_text(path.read_text("utf-8") + RECENT_NOTE.format(id=f"{article}.1", note=note), "utf-8")


def test_a_first_report_reads_every_history_and_keeps_what_each_says(tmp_path: Path) -> None:
    """A first report of many files keeps what each history says, not the history itself: the
    articles changed in the period are read whole, then and later, and every command that needs a
    history reads it then. Each prints what the files say, as --no-cache does."""
    records = many_articles(tmp_path)
    for article in (5, 300, FILES):
        add_note(records, article, f"called the ministry about {article}")
    commands = [
        ("report", "--format", "json", "--today", "2026-11-25"),
        ("report", "--today", "2026-11-25", "--public"),
        ("export", "--format", "csv"),
        ("list", "--stale", "30d", "-f", "csv"),
        ("show", "300"),
        ("log", "--since", "2026-11-20", "--format", "csv"),
        ("list", "--due-review", "-f", "ids"),
    ]

    def each_as_the_files_say() -> None:
        for command in commands:
            truth = Accord(records)("--no-cache", *command)
            assert truth.code == 0, truth.stderr
            out = Accord(records)(*command)
            assert (out.code, out.stdout, out.stderr) == (truth.code, truth.stdout, truth.stderr), command

    truth = Accord(records)("--no-cache", *commands[0])
    assert "called the ministry about 300" in truth.stdout
    first = outcome(run_accord(*commands[0], cwd=records))  # the first build, in worker processes
    assert (first.code, first.stdout, first.stderr) == (truth.code, truth.stdout, truth.stderr)
    each_as_the_files_say()
    add_note(records, 7, "a second look")  # behind the index's back, once it holds every history
    add_note(records, 300, "asked again")
    each_as_the_files_say()


def test_counts_and_searches_after_a_first_build_follow_the_files_and_later_edits(tmp_path: Path) -> None:
    """A first build writes its rows in bulk and counts and notes them for search at its end: stats
    and search then say what the files say, and go on doing so as files change afterwards."""
    records = many_articles(tmp_path)
    accord = Accord(records)
    commands = [("stats", "-f", "csv"), ("stats", "--by", "kind", "-f", "csv"), ("search", "-l", "handel")]
    commands += [("search", "-c", "halfgeleiders"), ("search", "-l", "-E", "samenwerking")]

    def agree() -> None:
        for command in commands:
            want = accord("--no-cache", *command)
            assert want.stdout.strip() and want.code == 0, command
            assert accord(*command).stdout == want.stdout, command

    assert accord("list", "-f", "ids").code == 0  # the first build
    agree()
    first = records / "articles" / "1.yaml"
    text = first.read_text(encoding="utf-8").replace("\n  title: ", "\n  title: halfgeleiders ", 1)
    first.write_text(re.sub(r"\n  status: \w+", "\n  status: stalled", text, count=1), encoding="utf-8")
    assert accord("set", "2.1", "completed", "--note", "done").code == 0
    (records / "articles" / "3.yaml").unlink()
    agree()


def test_first_builds_at_once_agree_and_leave_counts_and_search_true(tmp_path: Path) -> None:
    """Several commands started together after a clone each build the index in one transaction
    of their own, or wait, or read the files: each prints what the files say, and the index they
    leave counts and finds what the files hold."""
    records = many_articles(tmp_path)
    commands = [("list", "-f", "csv"), ("stats", "-f", "csv"), ("search", "-l", "handel"), ("stats", "--by", "kind")]
    truth = {command: Accord(records)("--no-cache", *command).stdout for command in commands}
    started = [
        (
            command,
            subprocess.Popen(
                [sys.executable, "-m", "accord", *command, "--dir", str(records)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
        )
        for command in commands * 2
    ]
    for command, process in started:
        out, err = process.communicate(timeout=300)
        assert (process.returncode, out, err) == (0, truth[command], ""), command
    for command in commands:
        assert Accord(records)(*command).stdout == truth[command], command
