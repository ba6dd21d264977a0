"""Time accord's commands as a user runs them: whole processes, median of several runs.

    python bench/bench.py [--commitments 20000] [--events 4] [--runs 5] [--writers 8] [--notes 5]

It copies the shipped statement and generates a large one (see generate.py) in a temporary
folder, then times single-record commands (show, set) and full scans (list, search, stats,
progress, report) on both, cold (no index) and warm, and runs a contention test: N writers
adding notes to the same record at once, and show/set on one record with years of history.
Changes are made with --no-commit so that git's own cost is not counted; the last figure times
`set` with its commit in a git work tree.
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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from generate import generate, shipped_and_generated

ACCORD = [sys.executable, "-m", "accord"]


def run(args: list[str], records: Path, check: bool = True) -> float:
    env = {**os.environ, "ACCORD_DIR": str(records), "ACCORD_USER": "Bench", "ACCORD_LOCK_TIMEOUT": "120"}
    start = time.perf_counter()
    done = subprocess.run([*ACCORD, *args], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if check and done.returncode not in (0, 1):
        raise SystemExit(f"accord {' '.join(args)} failed: {done.stderr.strip()}")
    return elapsed


def median_of(args_for_run: list[list[str]], records: Path, before: str | None = None) -> float:
    times = []
    for args in args_for_run:
        if before == "cold":
            shutil.rmtree(records / ".accord-cache", ignore_errors=True)
        times.append(run(args, records))
    return statistics.median(times)


def row(label: str, seconds: float) -> None:
    print(f"  {label:<44} {seconds * 1000:8.0f} ms")


def single_record(records: Path, commitment: str, runs: int) -> None:
    row(f"show {commitment}", median_of([["show", commitment]] * runs, records))
    statuses = ["in_progress", "stalled"] * runs
    row(
        f"set {commitment} (no commit)",
        median_of([["set", commitment, s, "--no-commit"] for s in statuses[:runs]], records),
    )


def full_scans(records: Path, runs: int) -> None:
    for args in (
        ["list", "-f", "ids"],
        ["search", "-c", "handel"],
        ["stats", "-f", "csv"],
        ["progress", "-f", "json"],
        ["report", "-f", "md", "--today", "2026-11-25"],
    ):
        name = " ".join(args)
        row(f"{name} (cold: no index)", median_of([args] * runs, records, before="cold"))
        row(f"{name} (warm)", median_of([args] * runs, records))


def contention(records: Path, writers: int, notes: int) -> None:
    before = _history_length(records, "4")

    def writer(number: int) -> list[float]:
        return [run(["note", "4.5", f"writer {number} note {n}", "--no-commit"], records) for n in range(notes)]

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=writers) as pool:
        latencies = [t for result in pool.map(writer, range(writers)) for t in result]
    wall = time.perf_counter() - start
    added = _history_length(records, "4") - before
    print(
        f"  {writers} writers x {notes} notes on one record: {wall:.2f} s wall, "
        f"{len(latencies) / wall:.1f} changes/s, latency median {statistics.median(latencies) * 1000:.0f} ms, "
        f"max {max(latencies) * 1000:.0f} ms, events added {added} of {writers * notes}"
    )


def _history_length(records: Path, article: str) -> int:
    return (records / "articles" / f"{article}.yaml").read_text("utf-8").count("\n- at: ")


def committed_set(records: Path, runs: int) -> None:
    subprocess.run(["git", "init", "-q"], cwd=records, check=True)
    subprocess.run(["git", "add", "."], cwd=records, check=True)
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Bench",
        "GIT_AUTHOR_EMAIL": "b@example.org",
        "GIT_COMMITTER_NAME": "Bench",
        "GIT_COMMITTER_EMAIL": "b@example.org",
    }
    subprocess.run(["git", "commit", "-q", "-m", "records"], cwd=records, check=True, env=env)
    statuses = ["in_progress", "stalled"] * runs
    row("set 4.5 with its git commit", median_of([["set", "4.5", s] for s in statuses[:runs]], records))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commitments", type=int, default=20000)
    parser.add_argument("--per-article", type=int, default=5, help="commitments per article")
    parser.add_argument("--events", type=int, default=4, help="history events per commitment")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--notes", type=int, default=5)
    parser.add_argument("--long-history", type=int, default=2600, help="events in one record: 5 years, weekly")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        shipped, large, articles = shipped_and_generated(Path(scratch), args.commitments, args.per_article, args.events)
        print(f"accord --help: {median_of([['--help']] * args.runs, shipped) * 1000:.0f} ms")
        print("shipped statement (25 articles, 123 commitments):")
        single_record(shipped, "4.5", args.runs)
        full_scans(shipped, args.runs)
        print(f"generated statement ({articles} articles, {args.commitments} commitments, {args.events} events each):")
        single_record(large, f"{articles - 1}.1", args.runs)
        full_scans(large, args.runs)
        long_kept = Path(scratch) / "long"
        generate(long_kept, 10, 10, args.long_history // 10)
        size = (long_kept / "articles" / "1.yaml").stat().st_size // 1024
        print(f"one record with {args.long_history} events ({size} KB):")
        single_record(long_kept, "1.1", args.runs)
        print("contention:")
        contention(shipped, args.writers, args.notes)
        committed_set(shipped, args.runs)


if __name__ == "__main__":
    main()
