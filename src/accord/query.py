"""Selecting commitments: the filters of `list`, and grep-style `search`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from .errors import InvalidValue
from .index import ArticleEntry, CommitmentEntry, HistoryFacts, TargetEntry
from .text import fold_accents
from .values import CLOSED_STATUSES, Kind, Status

if TYPE_CHECKING:  # the models load where a filter needs them: a listing from the index needs none
    from .model import Article, Commitment, Event, Target

    AnyArticle = Article | ArticleEntry
    AnyCommitment = Commitment | CommitmentEntry
    AnyTarget = Target | TargetEntry


class Filters(NamedTuple):
    statuses: frozenset[Status] = frozenset()
    kinds: frozenset[Kind] = frozenset()
    sections: frozenset[int] = frozenset()
    sides: frozenset[str] = frozenset()
    owner: str | None = None
    tags: frozenset[str] = frozenset()
    due_before: date | None = None
    overdue_on: date | None = None  # due before this day and not closed
    overdue: bool = False  # overdue as of the reader's today, which sets `overdue_on` (accord.Tracker does)
    party: str | None = None  # what this side carries, and `statuses` are its own status of it
    # These read the history: models loaded with it, or entries whose history facts the index knows.
    unchanged_since: date | None = None  # open, and no event touched it on or after this day
    review_on: date | None = None  # its review date is this day or earlier
    due_review: bool = False  # due for review as of the reader's today, which sets `review_on`

    @property
    def reads_history(self) -> bool:
        return self.unchanged_since is not None or self.review_on is not None

    def accepts(self, article: AnyArticle, item: AnyArticle | AnyCommitment, facts: HistoryFacts | None = None) -> bool:
        """Whether `item`, one of `article`'s commitments or the article itself, passes; models and
        index entries alike (an entry's status and kind are their values). The filters that read the
        history (`reads_history`) take models, and `facts`, its history_facts, when they are known; or
        a commitment's entry, whose article's entry knows what its history says (ArticleEntry.known)."""
        status: Status | str | None = item.status
        if self.party is not None:
            from .model import Commitment

            status = item.party_status(self.party) if isinstance(item, (Commitment, CommitmentEntry)) else None
            if status is None:
                return False
        if self.statuses and status not in self.statuses:
            return False
        kind, side = getattr(item, "kind", None), getattr(item, "side", None)  # an article has neither
        if self.kinds and (kind is None or kind not in self.kinds):
            return False
        if self.sections and article.section not in self.sections:
            return False
        if self.sides and (side is None or side not in self.sides):
            return False
        if self.owner is not None and (item.owner or "").casefold() != self.owner.casefold():
            return False
        if self.tags and not self.tags <= {*item.tags, *article.tags}:
            return False
        if self.due_before is not None and (item.due is None or item.due >= self.due_before):
            return False
        if self.overdue_on is not None and not is_overdue(item, self.overdue_on):
            return False
        if not self.reads_history:
            return True
        touched, review = _history_says(article, item, facts)
        if self.unchanged_since is not None and not unchanged(item.status, touched, self.unchanged_since):
            return False
        return self.review_on is None or (review is not None and review <= self.review_on)


def _history_says(
    article: AnyArticle, item: AnyArticle | AnyCommitment, facts: HistoryFacts | None
) -> tuple[date | None, date | None]:
    """The day `item` was last touched and its review date in force: from the index for an entry (its
    article's facts must be known), else from the model's history."""
    if isinstance(item, CommitmentEntry | ArticleEntry):
        assert isinstance(article, ArticleEntry) and article.known, "an entry's history facts must be known"
        return item.touched, item.review
    from .model import Article, Commitment

    assert isinstance(article, Article) and isinstance(item, (Article, Commitment)), "history filters take models"
    return last_touched(article, item, facts), review_date(article, item, facts)


def is_overdue(item: AnyArticle | AnyCommitment, today: date) -> bool:
    return item.due is not None and item.due < today and item.status not in CLOSED_STATUSES


def history_facts(article: Article) -> HistoryFacts:
    """What the article's history says of each record in it, read in one pass: the day the latest
    event about it was recorded (a back-dated one counts when it was recorded: someone looked at
    it then), and the review date set by the latest event (by when it happened) that sets one for
    it, an undone event left out; none when `none` withdrew it. And, of the latest event about it
    by when it happened (the last of equals, as a stable sort leaves it), that day and who recorded
    it; the evidence link of the latest event that has one, and of the latest one not internal:
    these of the events that stand, neither undone nor an undo (the two leave it as it was)."""
    touched: dict[str, date] = {}
    undone = {e.undoes for e in article.history if e.undoes is not None}
    setting: dict[str, Event] = {}
    changed: dict[str, tuple[Happened, tuple[date, str]]] = {}
    evidence: dict[str, tuple[Happened, str]] = {}
    public_evidence: dict[str, tuple[Happened, str]] = {}
    for event in article.history:
        day = event.at.date()
        if event.id not in touched or touched[event.id] < day:
            touched[event.id] = day
        if event.undoes is None and event.at not in undone:
            happened = (event.on or day, event.at)  # Event.effective
            _keep_later(changed, event.id, happened, (happened[0], event.by))
            if event.evidence:
                _keep_later(evidence, event.id, happened, event.evidence)
                if not event.internal:
                    _keep_later(public_evidence, event.id, happened, event.evidence)
        if event.review_by is not None and event.at not in undone:
            latest = setting.get(event.id)
            if latest is None or event.effective() > latest.effective():  # the first of equals, as max() keeps
                setting[event.id] = event
    review = {i: e.review_by for i, e in setting.items() if isinstance(e.review_by, date)}  # else NO_REVIEW
    return HistoryFacts(touched, review, _values(changed), _values(evidence), _values(public_evidence))


Happened = tuple[date, datetime]  # when an event happened, as Event.effective orders events
V = TypeVar("V")


def _keep_later(kept: dict[str, tuple[Happened, V]], record_id: str, happened: Happened, value: V) -> None:
    """Keep `value` for the record unless the value kept happened later; of equals, the last one."""
    before = kept.get(record_id)
    if before is None or before[0] <= happened:
        kept[record_id] = (happened, value)


def _values(kept: dict[str, tuple[Happened, V]]) -> dict[str, V]:
    return {record_id: value for record_id, (_, value) in kept.items()}


def last_touched(article: Article, item: Article | Commitment, facts: HistoryFacts | None = None) -> date | None:
    """The day the latest event about `item` was recorded (see `history_facts`); an article's
    events include those of its commitments. None if it has none."""
    from .model import Commitment

    known = facts or history_facts(article)
    return known.touched.get(item.id) if isinstance(item, Commitment) else known.of_article(item.id)[0]


def unchanged(status: Status | str, last: date | None, since: date) -> bool:
    """Whether an item with `status`, last touched on `last`, counts as unchanged since `since`: open,
    and no change or note recorded about it on or after `since` (never updated counts)."""
    return status not in CLOSED_STATUSES and (last is None or last < since)


def review_date(article: Article, item: Article | Commitment, facts: HistoryFacts | None = None) -> date | None:
    """The review date in force for the item itself (see `history_facts`); None when there is none."""
    return (facts or history_facts(article)).review.get(item.id)


class Row(NamedTuple):
    """One line of `list`: a commitment (or an article) with the article it belongs to."""

    article: Any  # an Article, or an ArticleEntry when `select` was given those
    item: Any  # a Commitment or a CommitmentEntry; the article itself for a list of articles


def _facts_for(article: AnyArticle, filters: Filters) -> HistoryFacts | None:
    """What the article's history says, when the filters read it (the rows are then models)."""
    if not filters.reads_history:
        return None
    from .model import Article

    return history_facts(article) if isinstance(article, Article) else None


def select(articles: Iterable[AnyArticle], filters: Filters, articles_only: bool = False) -> Iterator[Row]:
    """The commitments (or articles) that pass `filters`; of models or of index entries alike."""
    for article in articles:
        items: list[Any] = [article] if articles_only else list(article.commitments)
        facts = _facts_for(article, filters)
        for item in items:
            if filters.accepts(article, item, facts):
                yield Row(article, item)


# `list --sort`: the fields a listing can be ordered by, each as a key of one row; `id` is reading order.
SORT_FIELDS: dict[str, Callable[[Any], Any]] = {
    "id": lambda value: 0,
    "due": lambda value: value,
    "status": lambda value: list(Status).index(value),
    "kind": lambda value: list(Kind).index(value),
    "side": lambda value: value,
    "owner": lambda value: value.casefold(),
    "section": lambda value: value,
}


R = TypeVar("R", bound=Mapping[str, Any])


def sort_rows(rows: Sequence[R], field: str) -> list[R]:
    """Rows (in reading order) ordered by one of SORT_FIELDS; `-field` in reverse. Rows without the
    field (no due date, no owner) come last either way; rows that tie keep reading order."""
    name = field.removeprefix("-")
    key = SORT_FIELDS[name]
    if name == "id":
        return list(reversed(rows)) if field.startswith("-") else list(rows)
    present = [row for row in rows if row.get(name) is not None]
    missing = [row for row in rows if row.get(name) is None]
    return sorted(present, key=lambda row: key(row[name]), reverse=field.startswith("-")) + missing


# -- search --------------------------------------------------------------------------------


_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def _folded_with_origin(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index it came from in `text`. Only the
    characters that are not ASCII are folded (one at a time); the runs between them are kept whole."""
    folded: list[str] = []
    origin: list[int] = []
    start = 0
    for match in _NOT_ASCII.finditer(text):
        index = match.start()
        folded.append(text[start:index])
        origin.extend(range(start, index))
        part = fold_accents(match.group())
        folded.append(part)
        origin.extend([index] * len(part))
        start = index + 1
    folded.append(text[start:])
    origin.extend(range(start, len(text)))
    return "".join(folded), origin


class Pattern(NamedTuple):
    regex: re.Pattern[str]
    fold: bool  # match against accent-folded text
    tags_regex: re.Pattern[str] | None = None  # for tags, which are lower case: acronyms in any case
    # Small-letter words one of which any match holds; () when there is no such quick test.
    needles: tuple[str, ...] = ()

    def may_match(self, text: str) -> bool:
        """False only when `text`, as the regex sees it, cannot match: it is ASCII and holds no needle.
        Finding a word in small letters is many times faster than a case-blind regular expression."""
        if not self.needles or not text.isascii():
            return True
        lowered = text.lower()
        return any(needle in lowered for needle in self.needles)

    def tag_spans(self, tags: str) -> list[tuple[int, int]]:
        if not self.may_match(tags):
            return []
        return [m.span() for m in (self.tags_regex or self.regex).finditer(tags) if m.end() > m.start()]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Matches in `text` as (start, end) in the original text's indices."""
        if not self.fold:
            if not self.may_match(text):
                return []
            return [m.span() for m in self.regex.finditer(text) if m.end() > m.start()]
        folded = fold_accents(text)
        if not self.may_match(folded):
            return []
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


# Spaces and hyphens between words: in a name, either matches the other.
_JOINERS = re.compile(r"[\s\-]+")


def is_acronym(name: str) -> bool:
    """`UN`, `REDD+`, `P4G`, `AEO MRA`: capitals, no small letter."""
    return any(c.isupper() for c in name) and not any(c.islower() for c in name)


def glossary_names(pattern: str, glossary: Sequence[Sequence[str]]) -> list[str]:
    """The names `pattern` stands for: the glossary's spelling of it, then every other name of each
    term (given by its names) that lists it; `pattern` alone when no term does."""
    key = _fold_key(pattern)
    terms = [t for t in glossary if any(_fold_key(n) == key for n in t)]
    names = [n for t in terms for n in t if _fold_key(n) == key][:1] or [pattern]
    seen = {key}
    for term in terms:
        for name in term:
            if _fold_key(name) not in seen:
                seen.add(_fold_key(name))
                names.append(name)
    return names


def alternative(name: str, *, fold: bool, whole: bool, capitals: bool) -> str:
    """The regular expression for one name: it starts a word and, if `whole`, ends one; with
    `capitals` it matches only as written (an acronym). A space or hyphen matches any run of both."""
    parts = _JOINERS.split((fold_accents(name) if fold else name).strip())
    body = r"[\s\-]+".join(re.escape(part) for part in parts)
    if capitals:
        body = f"(?-i:{body})"
    return rf"(?<!\w){body}(?!\w)" if whole else rf"(?<!\w){body}"


def compile_pattern(
    pattern: str,
    *,
    case_sensitive: bool,
    regex: bool,
    word: bool,
    glossary: Sequence[Sequence[str]],
    literal: bool = False,
) -> Pattern:
    """How a search text matches; the README's "How search matches" is the rule in words.

    By default a name matches at the start of a word (so `arbeid` finds `arbeidskrachten`, not
    `landarbeiders`) together with every glossary name of the same thing, a glossary acronym as a
    whole word in capitals; `word` asks whole words; `literal` (-F) is plain grep, the text
    anywhere and no glossary; `regex` (-E) a regular expression. Case- and accent-blind unless
    `case_sensitive`. `glossary` holds each term's names. Pure functions of the text, so that an
    index can reuse them.
    """
    if not (pattern if regex else pattern.strip()):
        raise InvalidValue("the search text is empty")
    fold = not case_sensitive
    flags = 0 if case_sensitive else re.IGNORECASE
    if regex or literal:
        body = pattern if regex else re.escape(fold_accents(pattern) if fold else pattern)
        if word:
            body = rf"(?<!\w)(?:{body})(?!\w)"
        return Pattern(_compiled(fold_accents(body) if fold and regex else body, flags, pattern), fold)
    names = glossary_names(pattern, glossary)
    if case_sensitive:
        names[0] = pattern  # exactly as typed
    # A glossary acronym is a whole word in capitals: UN is not the "un" of "kunnen". Tags are
    # written in small letters, so there any case will do.
    pairs = [(n, len(names) > 1 and is_acronym(n)) for n in names]
    body = "|".join(alternative(n, fold=fold, whole=word or a, capitals=a) for n, a in pairs)
    tags = "|".join(alternative(n, fold=fold, whole=word or a, capitals=case_sensitive) for n, a in pairs)
    return Pattern(_compiled(body, flags, pattern), fold, _compiled(tags, flags, pattern), _needles(names, fold))


def _needles(names: list[str], fold: bool) -> tuple[str, ...]:
    """The first word of each name as `alternative` writes it, in small letters: every match holds
    one. None when a word is not ASCII: then case-blind matching is more than small letters."""
    firsts = [_JOINERS.split((fold_accents(n) if fold else n).strip())[0].lower() for n in names]
    return tuple(firsts) if all(f and f.isascii() for f in firsts) else ()


def _compiled(body: str, flags: int, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(body, flags)
    except re.error as exc:
        raise InvalidValue(f"bad regular expression {pattern!r}: {exc}") from None


def _fold_key(text: str) -> str:
    return _JOINERS.sub(" ", fold_accents(text).casefold().strip())


class Hit(NamedTuple):
    """A record whose text matched: the field that matched and where. A target has no article."""

    article: AnyArticle | None
    item: AnyArticle | AnyCommitment | AnyTarget
    matches: list[tuple[str, str, list[tuple[int, int]]]]  # (field, text, spans)


def _match_fields(pattern: Pattern, fields: list[tuple[str, str]]) -> list[tuple[str, str, list[tuple[int, int]]]]:
    found = []
    for name, text in fields:
        spans = pattern.tag_spans(text) if name == "tags" else pattern.spans(text)
        if spans:
            found.append((name, text, spans))
    return found


def search(
    articles: Iterable[AnyArticle], pattern: Pattern, filters: Filters, targets: Iterable[AnyTarget] = ()
) -> Iterator[Hit]:
    """The most specific records that mention the pattern: commitments first; an article only
    when none of its commitments matched but its own title or text did; then the targets (their
    title, source and notes), unless a filter narrows the search to commitments."""
    for article in articles:
        hits = []
        facts = _facts_for(article, filters)
        for commitment in article.commitments:
            if not filters.accepts(article, commitment, facts):
                continue
            fields = [("excerpt", commitment.excerpt), ("title", commitment.title), ("tags", " ".join(commitment.tags))]
            if commitment.note:
                fields.append(("note", commitment.note))
            matches = _match_fields(pattern, fields)
            if matches:
                hits.append(Hit(article, commitment, matches))
        if not hits and filters.accepts(article, article, facts) and not filters.sides and not filters.kinds:
            matches = _match_fields(pattern, [("text", article.text), ("title", article.title)])
            if matches:
                hits.append(Hit(article, article, matches))
        yield from hits
    if filters != Filters():
        return
    for target in targets:
        fields = [("title", target.title), ("source", target.source), *(("notes", note) for note in target.notes)]
        matches = _match_fields(pattern, fields)
        if matches:
            yield Hit(None, target, matches)
