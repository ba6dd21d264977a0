"""Where accord stands against its peers at scale: whole processes, A/B in turn, medians.

    python bench/scale.py [--commitments 25000] [--runs 5] [--keep DIR] [--only queries,tables,...]
    python bench/scale.py --smoke        # 200 commitments, one run, no peers: a few seconds
    python bench/scale.py --only growth --growth 2500,25000,100000   # the same queries at each size

It generates a statement (see generate.py) and the same commitments for Taskwarrior (`task`,
imported into a scratch TASKDATA) and Doorstop (one item per article), then runs each accord
command and its peer's nearest equivalent one after the other, `--runs` times, and prints a
Markdown table: each side's median wall time, the median of the per-pair ratios, and accord's
peak memory (max RSS). "first run" means without accord's index (.accord-cache/), as after a
checkout. The growth table runs queries whose output does not grow with the corpus at several
sizes: their time should not grow with it either.
Further tables compare commands on the shipped statement with the bare cost of starting Python
and importing accord's libraries, and set/note on a record with years of history with the same
on a fresh record. A peer that is not installed is skipped with a note. Exit status is non-zero
only if an accord command fails. accord runs as users have it: its modules compiled, and
PYTHONDONTWRITEBYTECODE left out of every command's environment (see bytecode.py).
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

from bytecode import as_installed
from generate import HISTORY_DAYS, SHIPPED, STATEMENT_DAY, Corpus, build

HERE = Path(__file__).resolve().parent
ACCORD = [sys.executable, "-m", "accord"]
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None
TODAY = "2026-11-25"
LAST_WEEK = (STATEMENT_DAY + timedelta(days=HISTORY_DAYS - 7)).date().isoformat()  # of the generated events
GROUPS = ("queries", "checks", "tables", "single", "startup", "history", "growth")
# Taskwarrior as a scripting user runs it: no prompts, no colour, no hooks, no nagging.
TASKRC = "confirmation=off\nverbose=nothing\ncolor=off\nhooks=off\nnews.version=2.6.2\n"


@dataclass
class Sample:
    seconds: float
    max_rss_kb: int | None
    returncode: int
    stderr: str


def measure(argv: Sequence[str], env: dict[str, str], cwd: Path) -> Sample:
    """Run one whole process with its output piped; its wall time and, with GNU time, its max RSS.

    The RSS comes from /usr/bin/time because a process started from this one inherits this one's
    peak memory in its own figure (the kernel counts the forked copy until the new program runs).
    """
    with tempfile.NamedTemporaryFile("r") as usage:
        timed = [GNU_TIME, "-f", "%M", "-o", usage.name, *argv] if GNU_TIME else list(argv)
        start = time.perf_counter()
        done = subprocess.run(timed, env=env, cwd=cwd, capture_output=True)
        elapsed = time.perf_counter() - start
        report = usage.read().split()
    # time writes "Command exited with non-zero status N" before the figure when the command fails.
    rss = int(report[-1]) if report and report[-1].isdigit() else None
    return Sample(elapsed, rss, done.returncode, done.stderr.decode("utf-8", "replace"))


@dataclass
class Side:
    """One command of a pair and how to run it."""

    name: str
    argv: list[str]
    env: dict[str, str]
    cwd: Path
    before: Callable[[], None] | None = None
    samples: list[Sample] = field(default_factory=list)

    def run(self) -> Sample:
        if self.before:
            self.before()
        sample = measure(self.argv, self.env, self.cwd)
        self.samples.append(sample)
        return sample

    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)


@dataclass
class Pair:
    accord: Side
    peer: Side | None
    warm_up: bool = True


class Failed(Exception):
    """An accord command exited with an error."""


def run_pairs(title: str, pairs: list[Pair], runs: int, peer_name: str, smoke: bool = False) -> list[str]:
    """Run every pair `runs` times, accord then its peer; the Markdown table of the results."""
    lines = [
        f"### {title}",
        "",
        f"| operation | accord median | {peer_name} | {peer_name} median | ratio (median of pairs) | accord max RSS |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for pair in pairs:
        sides = [pair.accord, *([pair.peer] if pair.peer else [])]
        if pair.warm_up and not smoke:
            for side in sides:
                measure(side.argv, side.env, side.cwd)
        for _ in range(runs):
            for side in sides:
                sample = side.run()
                # Every command here finds something: exit 1 (nothing found, problems found) is a failure too.
                if side is pair.accord and sample.returncode != 0:
                    raise Failed(
                        f"accord {' '.join(side.argv[3:])} exited {sample.returncode}: {sample.stderr.strip()}"
                    )
        peaks = [s.max_rss_kb for s in pair.accord.samples if s.max_rss_kb is not None]
        rss = f"{max(peaks) / 1024:.0f} MB" if peaks else "—"
        if pair.peer:
            ratios = [a.seconds / b.seconds for a, b in zip(pair.accord.samples, pair.peer.samples, strict=True)]
            peer_cells = f"`{pair.peer.name}` | {pair.peer.median():.2f} s | {statistics.median(ratios):.2f}"
        else:
            peer_cells = "— | | "
        lines.append(f"| `{pair.accord.name}` | {pair.accord.median():.2f} s | {peer_cells} | {rss} |")
        if not smoke:
            print(lines[-1], file=sys.stderr, flush=True)
    return [*lines, ""]


class Bench:
    """The scratch copies one scale is measured on: records in a git work tree, the peers' data."""

    def __init__(self, corpus: Corpus, scratch: Path, with_peers: bool) -> None:
        self.records = scratch / "repo" / "statement"
        shutil.copytree(corpus.records, self.records)
        self.env = {**os.environ, "ACCORD_DIR": str(self.records), "ACCORD_USER": "Bench", **_git_identity()}
        git = ["git", "-C", str(self.records.parent)]
        subprocess.run([*git, "init", "-q"], check=True)
        subprocess.run([*git, "add", "."], check=True)
        subprocess.run([*git, "commit", "-q", "-m", "records"], check=True, env=self.env)
        self.task: dict[str, str] | None = None
        self.doorstop: tuple[str, Path] | None = None
        self.notes: list[str] = []
        if not with_peers:
            return
        if shutil.which("task"):
            self.task = _taskwarrior(corpus.tasks, scratch / "taskdata")
        else:
            self.notes.append("Taskwarrior (`task`) is not installed: its rows are skipped.")
        doorstop = _doorstop_command()
        if doorstop:
            self.doorstop = (doorstop, scratch / "doorstop")
            shutil.copytree(corpus.doorstop, self.doorstop[1])
        else:
            self.notes.append("Doorstop is not installed (`pip install doorstop`): its rows are skipped.")

    def accord(self, args: list[str], cold: bool = False) -> Side:
        name = f"accord {' '.join(args)}"
        if not cold:
            return Side(name, [*ACCORD, *args], self.env, self.records.parent)
        cache = self.records / ".accord-cache"
        drop_cache = lambda: shutil.rmtree(cache, ignore_errors=True)  # noqa: E731
        return Side(f"{name} (first run)", [*ACCORD, *args], self.env, self.records.parent, drop_cache)

    def taskwarrior(self, args: list[str]) -> Side | None:
        if self.task is None:
            return None
        return Side(f"task {' '.join(args)}", ["task", *args], self.task, self.records.parent)

    def doorstop_side(self, args: list[str]) -> Side | None:
        if self.doorstop is None:
            return None
        command, tree = self.doorstop
        shown = ["publish", "all", "--html"] if args[0] == "publish" else args
        return Side(f"doorstop {' '.join(shown)}", [command, *args], self.env, tree)


def _git_identity() -> dict[str, str]:
    identity = {"NAME": "Bench", "EMAIL": "bench@example.org"}
    return {f"GIT_{who}_{key}": value for who in ("AUTHOR", "COMMITTER") for key, value in identity.items()}


def _taskwarrior(tasks: Path, data: Path) -> dict[str, str]:
    data.mkdir()
    rc = data / "taskrc"
    rc.write_text(f"data.location={data}\n{TASKRC}", encoding="utf-8")
    env = {**os.environ, "TASKRC": str(rc), "TASKDATA": str(data)}
    subprocess.run(["task", "import", str(tasks)], env=env, check=True, stdout=subprocess.DEVNULL)
    return env


def _doorstop_command() -> str | None:
    beside = Path(sys.executable).parent / "doorstop"
    own = HERE / ".peers" / "bin" / "doorstop"
    return next((str(p) for p in (beside, own) if p.exists()), None) or shutil.which("doorstop")


def scans(bench: Bench, groups: set[str], published: Path) -> list[Pair]:
    """The full scans, each against its peer's nearest equivalent; queries and checks also on a first run."""
    twice = {
        "queries": [
            (["list", "--status", "stalled", "-f", "ids"], bench.taskwarrior(["+stalled", "count"])),
            (["search", "-c", "halfgeleiders"], bench.taskwarrior(["/halfgeleiders/", "count"])),
            (["stats"], bench.taskwarrior(["status:pending", "count"])),
            (["log", "--since", LAST_WEEK], None),
            (
                ["list", "--stale", "30d", "-f", "ids"],
                bench.taskwarrior(["status:pending", "modified.before:now-30d", "count"]),
            ),
            (["list", "--articles", "--stale", "30d", "-f", "ids"], None),
        ],
        "checks": [
            (["validate"], bench.doorstop_side(["-F"])),
            (
                ["report", "-f", "html", "--today", TODAY],
                bench.doorstop_side(["publish", "all", str(published), "--html"]),
            ),
        ],
    }
    # The peer runs once for the warm row and once for the first-run row: each row has its own samples.
    pairs = [
        Pair(bench.accord(args, cold=cold), peer and replace(peer, samples=[]), warm_up=not cold)
        for group, commands in twice.items()
        if group in groups
        for args, peer in commands
        for cold in (False, True)
    ]
    if "tables" in groups:
        pairs += [
            Pair(bench.accord(["list"]), bench.taskwarrior(["list"])),
            Pair(bench.accord(["list", "-f", "json"]), bench.taskwarrior(["export"])),
            # export's columns include what each history says: a first run reads every history too
            *(Pair(bench.accord(["export"], cold=cold), None, warm_up=not cold) for cold in (False, True)),
            Pair(bench.accord(["export", "-f", "json"]), bench.taskwarrior(["export"])),
        ]
    return pairs


def single(bench: Bench, commitment: str, task_number: int) -> list[Pair]:
    """One record read and one status change with its commit; the same task shown and annotated."""
    setter = bench.accord(["set", commitment, "stalled"])
    setter.name = f"accord set {commitment} STATUS (with its commit)"
    statuses = iter(["in_progress", "stalled"] * 1000)

    def next_status() -> None:
        setter.argv[-1] = next(statuses)

    setter.before = next_status
    return [
        Pair(bench.accord(["show", commitment]), bench.taskwarrior([str(task_number), "info"])),
        Pair(setter, bench.taskwarrior([str(task_number), "annotate", "progress noted"]), warm_up=False),
    ]


def startup(scratch: Path) -> list[Pair]:
    """Commands on the shipped statement against starting Python with accord's libraries imported."""
    records = scratch / "shipped"
    shutil.copytree(SHIPPED, records, ignore=shutil.ignore_patterns(".accord-cache", ".accord.lock"))
    env = {**os.environ, "ACCORD_DIR": str(records), "ACCORD_USER": "Bench"}

    def floor(code: str) -> Side:
        return Side(f"python -c {code!r}", [sys.executable, "-c", code], env, records)

    def accord(args: list[str]) -> Side:
        return Side(f"accord {' '.join(args)}", [*ACCORD, *args], env, records)

    imports = "import typer, rich, pydantic, yaml"
    return [
        Pair(accord(["--help"]), floor("pass")),
        *(
            Pair(accord(args), floor(imports))
            for args in (["list"], ["show", "4.5"], ["search", "-l", "handel"], ["progress"])
        ),
    ]


def history(scratch: Path, events: int) -> list[Pair]:
    """set and note on a record with `events` events against the same on a record without history."""
    sides = {}
    for name, per_commitment in (("long", events // 10), ("fresh", 0)):
        root = scratch / name
        build(Corpus(root), 10, 10, per_commitment, peers=False)
        sides[name] = {"ACCORD_DIR": str(root / "statement"), "ACCORD_USER": "Bench"}
    pairs = []
    for args in (["set", "1.5", "stalled", "--no-commit"], ["note", "1.5", "checked again", "--no-commit"]):
        long_side, fresh_side = (
            Side(f"accord {' '.join(args)} ({label})", [*ACCORD, *args], {**os.environ, **sides[key]}, scratch)
            for key, label in (("long", f"{events} events"), ("fresh", "no history"))
        )
        pairs.append(Pair(long_side, fresh_side, warm_up=False))
    return pairs


GROWTH_QUERIES = (
    ["list", "--status", "stalled", "--section", "1", "--tag", "trade", "-f", "ids"],
    ["search", "-c", "halfgeleiders"],
    ["stats"],
)


def growth(keep: Path | None, scratch: Path, sizes: list[int], per_article: int, events: int, runs: int) -> list[str]:
    """The same queries at each size, warm: the median time and the peak memory of each."""
    header = " | ".join(f"{size:,} commitments" for size in sizes)
    lines = [
        "### Queries whose output does not grow, as the corpus grows (warm; median, max RSS)",
        "",
        f"| operation | {header} |",
        "|---|" + "---:|" * len(sizes),
    ]
    cells: dict[str, list[str]] = {" ".join(args): [] for args in GROWTH_QUERIES}
    shown: list[str] = []
    for size in sizes:
        corpus = corpus_for(keep, scratch, size, per_article, events, peers=False)
        records = scratch / f"growth-{size}" / "statement"
        shutil.copytree(corpus.records, records)
        env = {**os.environ, "ACCORD_DIR": str(records)}
        middle = f"{-(-size // per_article) // 2}.1"
        for args in [*GROWTH_QUERIES, ["show", middle]]:
            side = Side("", [*ACCORD, *args], env, records)
            measure(side.argv, env, records)  # the first run builds the index
            for _ in range(runs):
                if side.run().returncode != 0:
                    raise Failed(f"accord {' '.join(args)} failed: {side.samples[-1].stderr.strip()}")
            peaks = [s.max_rss_kb for s in side.samples if s.max_rss_kb is not None]
            rss = f", {max(peaks) / 1024:.0f} MB" if peaks else ""
            key = " ".join(args) if args[0] != "show" else "show ID"
            cells.setdefault(key, []).append(f"{side.median():.2f} s{rss}")
        shutil.rmtree(records.parent)
    shown = [f"| `accord {key}` | {' | '.join(values)} |" for key, values in cells.items()]
    return [*lines, *shown, ""]


def corpus_for(
    keep: Path | None, scratch: Path, commitments: int, per_article: int, events: int, peers: bool
) -> Corpus:
    """A generated corpus: from `keep` if it was built there before, else built now (and kept there)."""
    name = f"c{commitments}-{per_article}-{events}"
    with_peers = Corpus((keep or scratch) / f"{name}-peers")
    if not peers and (with_peers.root / "complete").exists():
        return with_peers  # the same records, with the peers' copies beside them
    corpus = with_peers if peers else Corpus((keep or scratch) / name)
    done = corpus.root / "complete"
    if not done.exists():
        started = time.perf_counter()
        build(corpus, commitments, per_article, events, peers)
        done.touch()
        print(f"generated {corpus.root} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return corpus


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commitments", type=int, default=25000)
    parser.add_argument("--per-article", type=int, default=10, help="commitments per article")
    parser.add_argument("--events", type=int, default=10, help="history events per commitment")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build generated statements here and reuse them")
    parser.add_argument("--only", default=",".join(GROUPS), help=f"comma-separated, of: {', '.join(GROUPS)}")
    parser.add_argument("--no-peers", action="store_true", help="measure accord alone")
    parser.add_argument("--long-history", type=int, default=2000, help="events on the record set and note change")
    parser.add_argument("--smoke", action="store_true", help="200 commitments, one run, no peers")
    parser.add_argument(
        "--growth", default="2500,25000,100000", help="corpus sizes (commitments) of the growth table, comma-separated"
    )
    args = parser.parse_args()
    if args.smoke:
        args.commitments, args.runs, args.no_peers, args.long_history, args.growth = 200, 1, True, 100, "200"
    groups = set(args.only.split(","))
    unknown = groups - set(GROUPS)
    if unknown:
        parser.error(f"--only: unknown {', '.join(sorted(unknown))}")
    as_installed()
    out = []
    # Other work on the machine slows both sides of a pair; the ratios suffer less than the times.
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        try:
            if groups & {"queries", "checks", "tables", "single"}:
                corpus = corpus_for(
                    args.keep, scratch, args.commitments, args.per_article, args.events, not args.no_peers
                )
                bench = Bench(corpus, scratch, with_peers=not args.no_peers)
                articles = -(-args.commitments // args.per_article)
                # One commitment in the middle; Taskwarrior numbers the tasks in the order they were imported.
                middle, number = articles // 2, min(5, args.per_article)
                commitment, task_number = f"{middle}.{number}", (middle - 1) * args.per_article + number
                pairs = scans(bench, groups, scratch / "published")
                pairs += single(bench, commitment, task_number) if "single" in groups else []
                out += [
                    f"{args.commitments:,} commitments in {articles:,} articles, {args.events} events each, "
                    f"{args.runs} runs",
                    "",
                    *bench.notes,
                    *run_pairs(
                        "Generated statement against Taskwarrior and Doorstop", pairs, args.runs, "peer", args.smoke
                    ),
                ]
            if "startup" in groups:
                out += run_pairs(
                    "Shipped statement against Python's start-up", startup(scratch), args.runs, "floor", args.smoke
                )
            if "growth" in groups:
                sizes = [int(size) for size in args.growth.split(",")]
                out += growth(args.keep, scratch, sizes, args.per_article, args.events, args.runs)
            if "history" in groups:
                title = f"A record with {args.long_history} events against one with none"
                out += run_pairs(title, history(scratch, args.long_history), args.runs, "fresh record", args.smoke)
        except Failed as failure:
            print("\n".join(out))
            print(f"scale: {failure}", file=sys.stderr)
            return 1
    print(
        "\n".join(
            [
                *out,
                f"Load average over the last minute: {load_before:.1f} at the start, "
                f"{os.getloadavg()[0]:.1f} at the end, on {os.cpu_count()} cores.",
            ]
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
