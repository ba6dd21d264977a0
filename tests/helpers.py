"""Driving the CLI and checking its effects: what it printed, how it exited, which files it touched.

Fixtures live in conftest.py; expected values worked out from the YAML files, without accord,
live in support.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import Accord, Outcome

LOCK = ".accord.lock"
TMP_GLOB = ".*.accord-tmp"
CACHE = ".accord-cache"
ANSI = "\x1b["


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by relative path, with its exact bytes.

    accord's own index is left out: it is rebuilt from the records by any read.
    """
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).parts[0] != CACHE
    }


def assert_untouched(folder: Path, before: dict[str, bytes]) -> None:
    """No record file changed, appeared or vanished; only an empty lock file may have been created."""
    after = snapshot(folder)
    appeared = set(after) - set(before)
    assert appeared <= {LOCK}, f"new files: {sorted(appeared)}"
    assert all(after[name] == b"" for name in appeared)
    changed = sorted(name for name in before if after.get(name) != before[name])
    assert not changed, f"changed or removed: {changed}"


def replace_once(path: Path, old: str, new: str) -> None:
    """Edit a record file by hand: the first `old` in it, which must be there, becomes `new`."""
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def leftovers(folder: Path) -> list[Path]:
    """Temporary files of interrupted writes, anywhere in the records folder."""
    return sorted(folder.rglob(TMP_GLOB))


def terminal_output(*args: str, environ: dict[str, str]) -> str:
    """Run `accord ARGS` with its input and output on a pseudo-terminal; what the terminal got.
    It must succeed."""
    import pty

    main, secondary = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "accord", *args], stdout=secondary, stderr=subprocess.PIPE,
                               stdin=secondary, env=environ)  # fmt: skip
    os.close(secondary)
    seen = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    process.wait(timeout=60)
    os.close(main)
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""
    return seen.decode("utf-8")


def into_a_closed_pipe(records: Path, *args: str) -> Outcome:
    """Run `accord ARGS` with stdout a pipe whose reader has gone, as `accord ... | head -1` leaves it."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        done = subprocess.run([sys.executable, "-m", "accord", *args], stdout=writer, stderr=subprocess.PIPE,
                              text=True, env={**os.environ, "ACCORD_DIR": str(records)})  # fmt: skip
    finally:
        os.close(writer)
    return Outcome(done.returncode, "", done.stderr)


def outcome(done: subprocess.CompletedProcess[str]) -> Outcome:
    return Outcome(done.returncode, done.stdout, done.stderr)


def assert_refused(out: Outcome, *words: str, code: int = 2) -> str:
    """Exit `code`, nothing on stdout, one `accord: ...` line on stderr holding every word."""
    assert out.code == code, (out.code, out.stdout, out.stderr)
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("accord: "), lines[0]
    for word in words:
        assert word in lines[0], (word, lines[0])
    assert out.stdout == "", out.stdout
    return lines[0]


def succeeded(out: Outcome) -> str:
    """What a command that must succeed printed on stdout."""
    assert out.code == 0, out.stderr
    return out.stdout


def no_float(text: str) -> Any:
    raise AssertionError(f"a float in the json output: {text}")


def parse_json(text: str) -> Any:
    """Parse json output: no colour codes, and no floats, since decimals must travel as exact strings."""
    assert ANSI not in text
    return json.loads(text, parse_float=no_float)


def shown(accord: Accord, record_id: str, *args: str, **kwargs: Any) -> dict[str, Any]:
    """`accord show ID --format json ...`, parsed."""
    data: dict[str, Any] = parse_json(succeeded(accord("show", record_id, "--format", "json", *args, **kwargs)))
    return data


def history(accord: Accord, record_id: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = shown(accord, record_id)["history"]
    return events


def logged(accord: Accord, *args: str) -> list[dict[str, Any]]:
    """`accord log ... --format json`, parsed."""
    rows: list[dict[str, Any]] = parse_json(succeeded(accord("log", *args, "--format", "json")))
    return rows


def assert_valid(accord: Accord) -> None:
    out = accord("validate")
    assert out.code == 0, out.stdout + out.stderr


# A child process that runs accord commands in a loop, in-process, as fast as it can: each
# command goes through the real command line (`app`). accord's own output is swallowed; after
# each command the child prints `<exit code> <index>` so the test knows which changes were
# acknowledged (a `show` whose output is not a whole JSON record counts as exit 3). It waits for
# the file named by ACCORD_TEST_GO (if set) before starting, so that several children start together.
LOOP = r"""
import contextlib, io, json, os, sys, time
from accord.cli import app

go = os.environ.get("ACCORD_TEST_GO")
while go and not os.path.exists(go):
    time.sleep(0.005)
writer, count, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
statuses = ["in_progress", "ongoing", "stalled", "completed"]
extra = sys.argv[4:]
index = 0
while count < 0 or index < count:
    text = f"writer {writer} change {index}"
    if kind == "note":
        args = ["note", "4.5", text]
    elif kind == "set":
        args = ["set", "4.5", statuses[index % len(statuses)], "--note", text]
    else:
        args = ["show", "4.5", "--format", "json"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = app([*args, *extra], standalone_mode=False) or 0
    if kind == "show" and code == 0:
        try:
            json.loads(out.getvalue())["history"]
        except (ValueError, KeyError):
            code = 3
    sys.__stdout__.write(f"{code} {index}\n")
    sys.__stdout__.flush()
    index += 1
"""


def acknowledged(output: str) -> list[tuple[int, int]]:
    """The `(exit code, index)` pairs a loop child printed, ignoring a line cut short by a kill."""
    pairs = []
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 2 and all(p.isdigit() for p in parts):
            pairs.append((int(parts[0]), int(parts[1])))
    return pairs


def start_loop(
    writer: str, count: int, kind: str, *extra: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """Start a child that runs `count` commands of `kind` (note, set, show); -1 loops until killed."""
    return subprocess.Popen(
        [sys.executable, "-c", LOOP, writer, str(count), kind, *extra],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
