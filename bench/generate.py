"""Make a large records folder from the shipped one, for benchmarks.

    python bench/generate.py OUT --articles 2000 --events 20

Each generated article copies a shipped article's text and commitments under a new id and
carries `--events` history events spread over several years, so the files look like records
that have been kept for a long time.
"""

from __future__ import annotations

import argparse
import random
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from accord import yamlio
from accord.history import apply
from accord.model import Article, Event, Status, to_data
from accord.storage import Store

SHIPPED = Path(__file__).resolve().parent.parent / "statement"


def shipped_and_generated(scratch: Path, articles: int, events: int) -> tuple[Path, Path]:
    """Under `scratch`: a copy of the shipped records, and a statement generated with `articles` articles."""
    shipped = scratch / "shipped"
    shutil.copytree(SHIPPED, shipped, ignore=shutil.ignore_patterns(".accord-cache", ".accord.lock"))
    large = scratch / "large"
    generate(large, articles, events)
    return shipped, large


def generate(out: Path, articles: int, events: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(SHIPPED, out, ignore=shutil.ignore_patterns("articles", ".accord.lock"))
    (out / "articles").mkdir()
    shipped = Store(SHIPPED)
    templates = [shipped.article(i).record for i in shipped.article_ids()]
    statuses = [s.value for s in Status]
    start = datetime(2025, 8, 13, tzinfo=UTC)
    for number in range(1, articles + 1):
        template = templates[(number - 1) % len(templates)]
        article_id = str(number)
        commitments = [
            c.model_copy(update={"id": f"{article_id}.{n}"}) for n, c in enumerate(template.commitments, start=1)
        ]
        article = Article(
            id=article_id,
            section=template.section,
            title=template.title,
            text=template.text,
            tags=template.tags,
            commitments=commitments,
        )
        status = {c.id: c.status.value for c in commitments}
        history = []
        for step in range(events):
            commitment_id = rng.choice(commitments).id
            # Spread over the 15 months after the statement, all in the past.
            when = start + timedelta(days=step * 450 / max(events, 1), seconds=rng.randrange(86400))
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
        article = updated
        (out / "articles" / f"{article_id}.yaml").write_bytes(yamlio.dump(to_data(article)))
    (out / "targets").mkdir(exist_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=4000)
    parser.add_argument("--events", type=int, default=20, help="history events per article")
    args = parser.parse_args()
    generate(args.out, args.articles, args.events)
    print(f"{args.out}: {args.articles} articles")


if __name__ == "__main__":
    main()
