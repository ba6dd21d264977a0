"""Time `accord browse` from its start to its first screen, as a whole process in a terminal.

    python bench/browse_startup.py [--articles 4000] [--runs 5]

Each run starts `accord browse --read-only` in a pseudo-terminal of 80x24, reads what it draws
until the detail of the first commitment is on screen, then presses q. The figure is the median time from the
start of the process to that first screen: Python, the imports, reading the records and drawing.
It is taken on the shipped statement and on a generated one (see generate.py), the second time
with a warm index.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

from generate import shipped_and_generated

FIRST_SCREEN = b"targets"  # a label of the detail pane, drawn once the list is filled and a row is under the cursor


def first_screen(records: Path, timeout: float = 60.0) -> float:
    """Seconds from starting `accord browse` to its first screen."""
    start = time.perf_counter()
    pid, terminal = pty.fork()
    if pid == 0:
        env = {**os.environ, "TERM": "xterm-256color", "ACCORD_USER": "Bench"}
        command = [sys.executable, "-m", "accord", "browse", "--read-only", "--dir", str(records)]
        os.execvpe(sys.executable, command, env)
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    drawn = b""
    try:
        while FIRST_SCREEN not in drawn:
            if time.perf_counter() - start > timeout:
                raise SystemExit(f"no first screen after {timeout:.0f} s; drawn so far: {drawn[-300:]!r}")
            ready, _, _ = select.select([terminal], [], [], 0.5)
            if ready:
                drawn += os.read(terminal, 65536)
        elapsed = time.perf_counter() - start
        os.write(terminal, b"q")
        while select.select([terminal], [], [], 5)[0]:
            try:
                if not os.read(terminal, 65536):
                    break
            except OSError:  # the terminal closed with the process
                break
    finally:
        os.waitpid(pid, 0)
        os.close(terminal)
    return elapsed


def median_first_screen(records: Path, runs: int) -> float:
    return statistics.median(first_screen(records) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commitments", type=int, default=20000)
    parser.add_argument("--events", type=int, default=4, help="per commitment")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        shipped, large, _ = shipped_and_generated(Path(folder), args.commitments, events=args.events)
        for label, records in (("shipped statement", shipped), (f"{args.commitments} commitments", large)):
            first_screen(records)  # builds the index
            seconds = median_first_screen(records, args.runs)
            print(f"  accord browse to first screen, {label:<20} {seconds * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
