"""How long accord takes to start and answer, against the bare cost of Python and its libraries.

    python bench/startup.py [--runs 21] [--records DIR]

Runs each command as a whole process (output piped), every case once per round so that a busy
machine weighs on all of them alike, and prints a Markdown table: the median wall time, and its
ratio to `python -c pass` and to the import floor (`python -c "import typer, rich, pydantic,
yaml"`, what any typer command line with these libraries pays before doing anything). The records
are a copy of the shipped statement (or DIR) in a scratch folder, its index built first.
Commands run as users have them: with accord's modules compiled, and PYTHONDONTWRITEBYTECODE
left out of their environment (see bytecode.py).
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

from bytecode import as_installed

SHIPPED = Path(__file__).resolve().parent.parent / "statement"
PYTHON = sys.executable
# The console script, as users start accord; `python -m accord` where it is not installed.
SCRIPT = Path(PYTHON).with_name("accord")
ACCORD = [str(SCRIPT)] if SCRIPT.exists() else [PYTHON, "-m", "accord"]
FLOOR = "import typer, rich, pydantic, yaml"

# name, argv, extra environment
CASES: list[tuple[str, list[str], dict[str, str]]] = [
    ("python -c pass", [PYTHON, "-c", "pass"], {}),
    ("import floor", [PYTHON, "-c", FLOOR], {}),
    ("accord --version", [*ACCORD, "--version"], {}),
    ("completion: show 4.", [*ACCORD, "show", "4."], {"ACCORD_COMPLETE": "bash"}),
    ("completion: list --status", [*ACCORD, "list", "--status", ""], {"ACCORD_COMPLETE": "bash"}),
    ("completion: commands", [*ACCORD, ""], {"ACCORD_COMPLETE": "bash"}),
    ("list", [*ACCORD, "list"], {}),
    ("list -f ids", [*ACCORD, "list", "-f", "ids"], {}),
    ("list -f json", [*ACCORD, "list", "-f", "json"], {}),
    ("list -f csv", [*ACCORD, "list", "-f", "csv"], {}),
    ("show 4.5", [*ACCORD, "show", "4.5"], {}),
    ("search -l handel", [*ACCORD, "search", "-l", "handel"], {}),
    ("progress", [*ACCORD, "progress"], {}),
    ("progress --today 2026-11-30", [*ACCORD, "progress", "--today", "2026-11-30"], {}),
    ("progress -f json", [*ACCORD, "progress", "-f", "json"], {}),
]


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.decode(errors='replace')}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--records", type=Path, default=SHIPPED)
    options = parser.parse_args()
    as_installed()
    with tempfile.TemporaryDirectory() as scratch:
        records = Path(scratch) / "statement"
        shutil.copytree(options.records, records, ignore=shutil.ignore_patterns(".accord-cache", ".accord.lock"))
        env = {**os.environ, "ACCORD_DIR": str(records), "COLUMNS": "120"}
        env.pop("ACCORD_COMPLETE", None)
        for _, argv, extra in CASES:  # warm: the index, the file system, compiled modules
            timed(argv, {**env, **extra})
        samples: dict[str, list[float]] = {name: [] for name, _, _ in CASES}
        for _ in range(options.runs):
            for name, argv, extra in CASES:
                samples[name].append(timed(argv, {**env, **extra}))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    bare, floor = medians["python -c pass"], medians["import floor"]
    print(f"{options.runs} runs each, medians; records: {options.records}\n")
    print("| case | median ms | x python -c pass | x import floor |")
    print("|---|---:|---:|---:|")
    for name, median in medians.items():
        print(f"| {name} | {median * 1000:.0f} | {median / bare:.1f} | {median / floor:.2f} |")


if __name__ == "__main__":
    main()
