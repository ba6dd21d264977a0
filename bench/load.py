"""Time the strict YAML reader alone: every record file of a folder, parsed into data.

    python bench/load.py statement --runs 20
    python bench/load.py /tmp/big/statement      # a folder made by bench/generate.py

Prints the best and the median time of one pass over all the files, and their total size.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from accord import yamlio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    files = sorted(args.folder.glob("*.yaml")) + sorted(args.folder.glob("*/*.yaml"))
    size = sum(f.stat().st_size for f in files)
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        for path in files:
            yamlio.load_file(path)
        times.append(time.perf_counter() - start)
    print(
        f"{len(files)} files, {size / 1e6:.1f} MB: best {min(times):.3f} s, "
        f"median {statistics.median(times):.3f} s over {args.runs} runs"
    )


if __name__ == "__main__":
    main()
