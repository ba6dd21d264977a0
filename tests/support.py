"""Reading the copied records independently of accord, to work out what a test expects.

Everything here works from the YAML files with PyYAML's own safe loader (the shipped files quote
every id and date, so the safe loader reads them as the strings they are), never through
accord's loader or its command line, so that expected values do not come from the code under test.
Running accord and reading what it printed is in helpers.py.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

SOURCE_FILE = Path("source") / "joint-statement-vn-kr-2025.nl.txt"


def read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text("utf-8"))


def id_order(record_id: str) -> tuple[tuple[int, int | str], ...]:
    """Reading order of ids: 2 before 10, 17 before 17a before 18, words after numbers."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.findall(r"\d+|[^\d.]+", record_id))


def articles(records: Path) -> list[dict[str, Any]]:
    """Every article record, in reading order."""
    found = [read_yaml(path) for path in (records / "articles").glob("*.yaml")]
    return sorted(found, key=lambda a: id_order(a["id"]))


def commitments(records: Path) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(article, commitment) pairs, in reading order."""
    for article in articles(records):
        for commitment in article["commitments"]:
            yield article, commitment


def commitment_ids(records: Path, keep: Any = lambda article, commitment: True) -> list[str]:
    return [c["id"] for a, c in commitments(records) if keep(a, c)]


def glossary_names(records: Path, name: str) -> list[str]:
    """The names the glossary lists together with `name` (itself included)."""
    for term in read_yaml(records / "glossary.yaml")["terms"]:
        if name in term["names"]:
            return list(term["names"])
    raise AssertionError(f"{name} is not in the glossary")


def fold(text: str) -> str:
    """Text without accents (combining marks dropped after canonical decomposition)."""
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


def expected_hits(records: Path, pattern: re.Pattern[str], folded: bool = True, keep: Any = None) -> list[str]:
    """The ids `accord search` should report, by its documented rule: every commitment whose
    excerpt, title, tags or note match; an article only when none of its commitments matched but its
    own text or title did. `keep(article, item)` narrows the records considered (filters)."""

    def matches(*texts: str) -> bool:
        return any(pattern.search(fold(t) if folded else t) for t in texts)

    keep = keep or (lambda article, item: True)
    found = []
    for article in articles(records):
        hits = [
            c["id"]
            for c in article["commitments"]
            if keep(article, c) and matches(c["excerpt"], c["title"], " ".join(c.get("tags", [])), c.get("note", ""))
        ]
        if not hits and keep(article, article) and matches(article["text"], article["title"]):
            hits = [article["id"]]
        found += hits
    return found
