"""Make a large records folder from the shipped one, and the same data for the peers, for benchmarks.

    python bench/generate.py OUT --commitments 25000 [--per-article 10] [--events 10] [--peers]

Each generated article copies a shipped article's text under a new id and carries
`--per-article` commitments (the shipped article's commitments, repeated as needed so that each
excerpt stays in the text) with `--events` status changes each, spread over fifteen months, so
the files look like records that have been kept for a long time. The same seed gives the same
files. With `--peers` the same commitments are also written as a Taskwarrior import file (one
JSON task a line: title and excerpt, the status and tags as tags, the section as project, each
history event as an annotation) and as a Doorstop document (one item per article, its text).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from accord import yamlio
from accord.history import apply
from accord.model import Article, Event, Status, to_data
from accord.storage import Store

SHIPPED = Path(__file__).resolve().parent.parent / "statement"
STATEMENT_DAY = datetime(2025, 8, 13, tzinfo=UTC)
HISTORY_DAYS = 450  # the events are spread over the fifteen months after the statement, all in the past
DOORSTOP_PREFIX = "ART"


@dataclass(frozen=True)
class Corpus:
    """Where one generated scale lives: accord's records and, if asked for, the peers' copies."""

    root: Path

    @property
    def records(self) -> Path:
        return self.root / "statement"

    @property
    def tasks(self) -> Path:
        return self.root / "tasks.jsonl"

    @property
    def doorstop(self) -> Path:
        return self.root / "doorstop"


def generate(out: Path, commitments: int, per_article: int = 10, events: int = 10, seed: int = 1) -> list[Article]:
    """Write `commitments` commitments into records under `out`; return the articles written."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(SHIPPED, out, ignore=shutil.ignore_patterns("articles", ".accord.lock", ".accord-cache"))
    (out / "articles").mkdir()
    shipped = Store(SHIPPED)
    templates = [shipped.article(i).record for i in shipped.article_ids()]
    statuses = [s.value for s in Status]
    written = []
    for number in range(1, math.ceil(commitments / per_article) + 1):
        template = templates[(number - 1) % len(templates)]
        article_id = str(number)
        count = min(per_article, commitments - (number - 1) * per_article)
        article = Article(
            id=article_id,
            section=template.section,
            title=template.title,
            text=template.text,
            tags=template.tags,
            commitments=[
                template.commitments[n % len(template.commitments)].model_copy(update={"id": f"{article_id}.{n + 1}"})
                for n in range(count)
            ],
        )
        status = {c.id: c.status.value for c in article.commitments}
        history = []
        steps = events * count
        for step in range(steps):
            commitment_id = rng.choice(article.commitments).id
            when = STATEMENT_DAY + timedelta(days=step * HISTORY_DAYS / steps, seconds=rng.randrange(86400))
            old = status[commitment_id]
            status[commitment_id] = rng.choice([s for s in statuses if s != old])
            history.append(
                Event(
                    at=when,
                    by=f"Officer {rng.randrange(12)}",
                    id=commitment_id,
                    field="status",
                    old=old,
                    new=status[commitment_id],
                    note=f"progress noted at meeting {step}",
                )
            )
        updated = apply(article, history)
        assert isinstance(updated, Article)
        (out / "articles" / f"{article_id}.yaml").write_bytes(yamlio.dump(to_data(updated)))
        written.append(updated)
    (out / "targets").mkdir(exist_ok=True)
    return written



def shipped_and_generated(
    scratch: Path, commitments: int, per_article: int = 10, events: int = 10
) -> tuple[Path, Path, int]:
    """Under `scratch`: a copy of the shipped records, and a generated statement; and its number of articles."""
    shipped = scratch / "shipped"
    shutil.copytree(SHIPPED, shipped, ignore=shutil.ignore_patterns(".accord-cache", ".accord.lock"))
    large = scratch / "large"
    return shipped, large, len(generate(large, commitments, per_article, events))


def taskwarrior_tasks(articles: list[Article]) -> Iterator[dict[str, object]]:
    """Each commitment as a Taskwarrior task, its history as annotations."""
    for article in articles:
        notes: dict[str, list[dict[str, str]]] = {c.id: [] for c in article.commitments}
        for event in article.history:
            notes[event.id].append(
                {"entry": _task_time(event.at), "description": f"{event.old} -> {event.new}: {event.note}"}
            )
        for commitment in article.commitments:
            task: dict[str, object] = {
                "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"accord:{commitment.id}")),
                "status": "pending",
                "entry": _task_time(STATEMENT_DAY),
                "description": f"{commitment.id} {commitment.title}: {commitment.excerpt}",
                "project": f"section{article.section}",
                "tags": [commitment.status.value, *commitment.tags],
                "annotations": notes[commitment.id],
            }
            if commitment.due:
                task["due"] = f"{commitment.due:%Y%m%d}T000000Z"
            yield task


def _task_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def write_taskwarrior(articles: list[Article], path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for task in taskwarrior_tasks(articles):
            out.write(json.dumps(task, ensure_ascii=False) + "\n")


def write_doorstop(articles: list[Article], folder: Path) -> None:
    """One Doorstop document with one item per article, its text as the item's text."""
    if folder.exists():
        shutil.rmtree(folder)
    document = folder / "articles"
    document.mkdir(parents=True)
    # Doorstop runs git in the root above its documents.
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    settings = {"settings": {"digits": 5, "prefix": DOORSTOP_PREFIX, "sep": ""}}
    (document / ".doorstop.yml").write_bytes(yamlio.dump(settings))
    for level, article in enumerate(articles, start=1):
        item = {
            "active": True,
            "derived": False,
            "header": article.title,
            "level": level,
            "links": [],
            "normative": True,
            "ref": "",
            "reviewed": None,
            "text": article.text,
        }
        (document / f"{DOORSTOP_PREFIX}{int(article.id):05d}.yml").write_bytes(yamlio.dump(item))


def build(corpus: Corpus, commitments: int, per_article: int, events: int, peers: bool) -> None:
    articles = generate(corpus.records, commitments, per_article, events)
    if peers:
        write_taskwarrior(articles, corpus.tasks)
        write_doorstop(articles, corpus.doorstop)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="folder to write; its statement/ holds the records")
    parser.add_argument("--commitments", type=int, default=25000)
    parser.add_argument("--per-article", type=int, default=10, help="commitments per article")
    parser.add_argument("--events", type=int, default=10, help="history events per commitment")
    parser.add_argument("--peers", action="store_true", help="also write tasks.jsonl and a Doorstop tree")
    args = parser.parse_args()
    build(Corpus(args.out), args.commitments, args.per_article, args.events, args.peers)
    print(f"{args.out}: {args.commitments} commitments, {args.events} events each")


if __name__ == "__main__":
    main()
