"""Time a change to many records: one batch command against one command per record.

    python bench/bulk.py [--records 20] [--runs 3]

In a git work tree holding a copy of the shipped statement, it sets the status of the first N
commitments once with `accord set ID... STATUS` (one lock, one commit) and once with N
`accord set ID STATUS` commands (N locks, N commits), and prints the median of each and of
`undo`, which takes the batch back in one commit.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ACCORD = [sys.executable, "-m", "accord"]
SHIPPED = Path(__file__).resolve().parent.parent / "statement"


def timed(args: list[str], top: Path) -> float:
    env = {**os.environ, "ACCORD_USER": "Bench"}
    start = time.perf_counter()
    done = subprocess.run([*ACCORD, *args], cwd=top, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"accord {' '.join(args)} failed: {done.stderr.strip()}")
    return elapsed


def git(top: Path, *args: str) -> None:
    identity = ["-c", "user.name=Bench", "-c", "user.email=bench@example.org"]
    subprocess.run(["git", *identity, *args], cwd=top, check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="accord-bulk-") as folder:
        top = Path(folder)
        shutil.copytree(SHIPPED, top / "statement")
        git(top, "init", "-q", "-b", "main")
        git(top, "add", ".")
        git(top, "commit", "-q", "-m", "records")
        listed = subprocess.run([*ACCORD, "list", "-f", "ids"], cwd=top, capture_output=True, text=True, check=True)
        ids = listed.stdout.split()[: options.records]
        batch, single, undo = [], [], []
        for run in range(options.runs):
            status = "in_progress" if run % 2 == 0 else "stalled"
            batch.append(timed(["set", *ids, status], top))
            undo.append(timed(["undo"], top))
            start = time.perf_counter()
            for record_id in ids:
                timed(["set", record_id, status], top)
            single.append(time.perf_counter() - start)
        print(f"{len(ids)} commitments, median of {options.runs} runs, each change committed")
        print(f"  one batch command (set ID... STATUS)   {statistics.median(batch):8.2f} s")
        print(f"  undo of the batch                      {statistics.median(undo):8.2f} s")
        print(f"  one command per record (set ID STATUS) {statistics.median(single):8.2f} s")


if __name__ == "__main__":
    main()
