"""Selecting commitments: the filters of `list`, and grep-style `search`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from .errors import UsageError
from .model import CLOSED_STATUSES, Article, Commitment, Glossary, Status


@dataclass(frozen=True)
class Filters:
    statuses: frozenset[Status] = frozenset()
    sections: frozenset[int] = frozenset()
    sides: frozenset[str] = frozenset()
    owner: str | None = None
    tags: frozenset[str] = frozenset()
    due_before: date | None = None
    overdue_on: date | None = None  # due before this day and not closed
    overdue: bool = False  # overdue as of the reader's today, which sets `overdue_on` (accord.Tracker does)

    def accepts(self, article: Article, item: Article | Commitment) -> bool:
        if self.statuses and item.status not in self.statuses:
            return False
        if self.sections and article.section not in self.sections:
            return False
        if self.sides and (not isinstance(item, Commitment) or item.side not in self.sides):
            return False
        if self.owner is not None and (item.owner or "").casefold() != self.owner.casefold():
            return False
        if self.tags and not self.tags <= {*item.tags, *article.tags}:
            return False
        if self.due_before is not None and (item.due is None or item.due >= self.due_before):
            return False
        return self.overdue_on is None or is_overdue(item, self.overdue_on)


def is_overdue(item: Article | Commitment, today: date) -> bool:
    return item.due is not None and item.due < today and item.status not in CLOSED_STATUSES


@dataclass(frozen=True)
class Row:
    """One line of `list`: a commitment (or an article) with the article it belongs to."""

    article: Article
    item: Article | Commitment


def select(articles: Iterable[Article], filters: Filters, articles_only: bool = False) -> Iterator[Row]:
    for article in articles:
        items: list[Article | Commitment] = [article] if articles_only else list(article.commitments)
        for item in items:
            if filters.accepts(article, item):
                yield Row(article, item)


# -- search --------------------------------------------------------------------------------


_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold_accents(text: str) -> str:
    """`text` without accents: `creëren` -> `creeren`."""
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFD", text))


def _folded_with_origin(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index it came from in `text`."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for part in fold_accents(char):
            folded.append(part)
            origin.append(index)
    return "".join(folded), origin


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern[str]
    fold: bool  # match against accent-folded text
    expanded: tuple[str, ...] = ()  # glossary names the pattern stood for

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Matches in `text` as (start, end) in the original text's indices."""
        if not self.fold:
            return [m.span() for m in self.regex.finditer(text) if m.end() > m.start()]
        folded = fold_accents(text)
        if folded is text:
            return [m.span() for m in self.regex.finditer(text) if m.end() > m.start()]
        if self.regex.search(folded) is None:
            return []
        folded, origin = _folded_with_origin(text)
        spans = []
        for match in self.regex.finditer(folded):
            if match.end() > match.start():
                spans.append((origin[match.start()], origin[match.end() - 1] + 1))
        return spans


def compile_pattern(pattern: str, *, case_sensitive: bool, regex: bool, word: bool, glossary: Glossary) -> Pattern:
    """grep's rules: fixed string unless -E; case- and accent-blind unless --case-sensitive."""
    if not pattern:
        raise UsageError("PATTERN is empty")
    fold = not case_sensitive
    expanded: tuple[str, ...] = ()
    if regex:
        alternatives = [pattern]
    else:
        alternatives = [pattern]
        key = _fold_key(pattern)
        for term in glossary.terms:
            if any(_fold_key(name) == key for name in term.names):
                expanded = tuple(n for n in term.names if _fold_key(n) != key)
                alternatives += list(expanded)
                break
        alternatives = [re.escape(a) for a in alternatives]
    if fold:
        alternatives = [fold_accents(a) for a in alternatives]
    body = "|".join(f"(?:{a})" for a in alternatives)
    if word:
        body = rf"(?<!\w)(?:{body})(?!\w)"
    try:
        compiled = re.compile(body, 0 if case_sensitive else re.IGNORECASE)
    except re.error as exc:
        raise UsageError(f"bad regular expression {pattern!r}: {exc}") from None
    return Pattern(compiled, fold, expanded)


def _fold_key(text: str) -> str:
    return fold_accents(text).casefold()


@dataclass
class Hit:
    """A record whose text matched: the field that matched and where."""

    article: Article
    item: Article | Commitment
    matches: list[tuple[str, str, list[tuple[int, int]]]] = field(default_factory=list)  # (field, text, spans)

    @property
    def count(self) -> int:
        return sum(len(spans) for _, _, spans in self.matches)


def _match_fields(pattern: Pattern, fields: list[tuple[str, str]]) -> list[tuple[str, str, list[tuple[int, int]]]]:
    found = []
    for name, text in fields:
        spans = pattern.spans(text)
        if spans:
            found.append((name, text, spans))
    return found


def search(articles: Iterable[Article], pattern: Pattern, filters: Filters) -> Iterator[Hit]:
    """The most specific records that mention the pattern: commitments first; an article only
    when none of its commitments matched but its own title or text did."""
    for article in articles:
        hits = []
        for commitment in article.commitments:
            if not filters.accepts(article, commitment):
                continue
            fields = [("excerpt", commitment.excerpt), ("title", commitment.title), ("tags", " ".join(commitment.tags))]
            matches = _match_fields(pattern, fields)
            if matches:
                hits.append(Hit(article, commitment, matches))
        if not hits and filters.accepts(article, article) and not filters.sides:
            matches = _match_fields(pattern, [("text", article.text), ("title", article.title)])
            if matches:
                hits.append(Hit(article, article, matches))
        yield from hits
