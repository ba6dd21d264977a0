"""accord as a library: a `Tracker` over one records folder, typed values in, typed results out.

The command line and the terminal browser are faces on this API. Everything a change depends on
(who makes it, whether to commit it, how long to wait for another writer, what day it is) is
given to `open`; nothing here reads accord's environment variables.

Arguments of the wrong type raise TypeError; a value the records cannot take raises InvalidValue,
whose message speaks of records and values. Every other failure is an `AccordError` (errors.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .arguments import UNSET, Actor, Unset
from .errors import DataError, InvalidValue, UsageError
from .index import ArticleEntry, CommitmentEntry, Index, TargetEntry
from .storage import (
    ARTICLES,
    DEFAULT_LOCK_TIMEOUT,
    GLOSSARY_FILE,
    STATEMENT_FILE,
    TARGETS,
    Store,
    find,
    find_data,
    find_records,
    present,
)
from .text import as_tag, checked_text
from .values import BOTH_SIDES, MAX_TEXT, Kind, Status, parse_amount

if TYPE_CHECKING:  # the models, filters, search, figures and the write path load when asked for
    from .changes import Change
    from .model import Article, Commitment, Event, Glossary, Original, Record, Statement, Target
    from .query import Filters, Hit, Pattern
    from .report import Report
    from .tracking import Overview
    from .vcs import Git

__all__ = [
    "UNSET",
    "ArticleEntry",
    "CommitmentEntry",
    "CommitmentRow",
    "Listed",
    "Problem",
    "SearchHit",
    "Shown",
    "TargetHit",
    "TextMatch",
    "Tracker",
    "Unset",
    "open",
]


class CommitmentRow(NamedTuple):
    """A commitment with the article it belongs to."""

    article: Article
    commitment: Commitment


class Listed(NamedTuple):
    """A commitment with the article it belongs to, as plain values (no model is loaded)."""

    article: ArticleEntry
    commitment: CommitmentEntry


class TextMatch(NamedTuple):
    """One field of a record that a search matched."""

    field: str
    line: str  # the field's text
    spans: tuple[tuple[int, int], ...]  # where the query matched in `line`, as (start, end)


# A search hit's fields. SearchHit, which declares no __slots__, has a __dict__ for the models made
# on first use; so have TargetHit and Shown.
class _SearchHitFields(NamedTuple):
    found_in: ArticleEntry  # the article, as plain values
    found: CommitmentEntry | None  # the commitment that matched, as plain values; None for the article
    field: str  # the first field that matched: excerpt, title or tags; an article's text or title
    line: str  # that field's text
    spans: tuple[tuple[int, int], ...]  # where the query matched in `line`, as (start, end)
    matches: tuple[TextMatch, ...] = ()  # every field that matched, the first one first


class SearchHit(_SearchHitFields):
    """A record whose text matched: a commitment, or an article none of whose commitments matched.

    Its id, title and status are plain values; `article` and `commitment`, the records' models,
    are made when first asked for, so that counting or listing many hits makes none."""

    @property
    def id(self) -> str:
        return (self.found or self.found_in).id

    @property
    def article_id(self) -> str:
        return self.found_in.id

    @property
    def title(self) -> str:
        return (self.found or self.found_in).title

    @property
    def status(self) -> str:
        return (self.found or self.found_in).status

    @cached_property
    def article(self) -> Article:
        return _model(self.found_in)

    @cached_property
    def commitment(self) -> Commitment | None:
        """None when the article's own text or title matched."""
        return self.found.model() if self.found is not None else None


class _TargetHitFields(NamedTuple):
    found: TargetEntry  # the target, as plain values
    matches: tuple[TextMatch, ...]  # every field that matched, the first one first


class TargetHit(_TargetHitFields):
    """A numeric target whose title, source or a note matched. Its fields are plain values; `target`,
    the record's model, is made when first asked for."""

    @property
    def id(self) -> str:
        return self.found.id

    @property
    def article_id(self) -> str:
        return self.found.article

    @property
    def title(self) -> str:
        return self.found.title

    @property
    def status(self) -> None:
        return None

    @cached_property
    def target(self) -> Target:
        target: Target = self.found.model()
        return target


class _ShownFields(NamedTuple):
    record_id: str
    data: dict[str, Any]  # the record's fields; an article's and a target's with their whole history
    article_data: dict[str, Any] | None  # the article itself, or the one that holds a commitment; None for a target
    event_data: list[dict[str, Any]]  # the history that concerns this record, oldest first
    target_data: list[dict[str, Any]]  # the targets whose `commitment` is this record
    section_title: str | None = None  # the title statement.yaml gives the article's section; None for a target


class Shown(_ShownFields):
    """Everything known of one record, as the data of the records' models (model.to_data's, or the
    JSON data the index keeps of an article: the same values), so that printing it needs no model;
    `item`, `article`, `events` and `measured_by`, the models, are made when first asked for."""

    @property
    def kind(self) -> str:
        """article, commitment or target."""
        return "target" if self.article_data is None else "commitment" if "." in self.record_id else "article"

    @cached_property
    def article(self) -> Article | None:
        from .model import Article

        return None if self.article_data is None else Article.model_validate(self.article_data)

    @cached_property
    def item(self) -> Article | Commitment | Target:
        from .model import Commitment, Target

        if self.kind == "commitment":
            return Commitment.model_validate(self.data)
        if self.article is not None:
            return self.article
        return Target.model_validate(self.data)

    @cached_property
    def events(self) -> list[Event]:
        from .model import Event

        return [Event.model_validate(event) for event in self.event_data]

    @cached_property
    def measured_by(self) -> list[Target]:
        from .model import Target

        return [Target.model_validate(target) for target in self.target_data]


class Problem(NamedTuple):
    """Something wrong in a record file: where, and what."""

    path: Path
    line: int | None
    field: str | None
    message: str

    @classmethod
    def of(cls, error: DataError) -> Problem:
        return cls(error.path, error.line, error.field, error.message)

    def __str__(self) -> str:
        """`file:line: field: message`, as the command line prints it."""
        return str(DataError(self.path, self.line, self.message, self.field))


def open(
    path: str | os.PathLike[str] | None = None,
    *,
    actor: str | Actor | None = None,
    commit: bool = True,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    today: date | None = None,
    email: str | None = None,
    notify: Callable[[str], None] | None = None,
    index: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Tracker:
    """Open a records folder.

    path: the folder that holds statement.yaml; None: the nearest `statement/` folder from the
        working directory upward.
    actor: who makes changes; None: git's user.name for the folder, else the login name.
    commit: commit each change with git when the folder is in a git work tree (unless the clone
        has `git config accord.commit false`).
    lock_timeout: seconds to wait for another writer before LockTimeout.
    today: the day overdue, progress and the report are computed for; None: today in UTC.
    email: the actor's email, when `actor` is a name or None; None: git's user.email when the
        actor is git's user.name.
    notify: called with what a person should hear of that is not an error, such as a change a
        killed writer left half done and that was taken back before the next one.
    index: read many records through the index in the folder's .accord-cache/ (kept up to date
        with the files by every read); False reads every file and leaves the index alone.
    progress: called as `progress(done, total)` while a read parses files to bring the index up
        to date (`done` of the `total` article files found changed), last with done == total.

    Raises RecordsNotFound when there is no records folder, TypeError for an argument of the
    wrong type and InvalidValue for an empty actor name or a negative lock timeout.
    """
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or a Path, not {type(path).__name__}")
    if isinstance(actor, Actor):
        _text(actor.name, "the actor's name")
    elif actor is not None:
        actor = _text(actor, "the actor's name").strip()
    if not isinstance(commit, bool):
        raise TypeError(f"commit must be True or False, not {type(commit).__name__}")
    if isinstance(lock_timeout, bool) or not isinstance(lock_timeout, (int, float)):
        raise TypeError(f"lock_timeout must be a number of seconds, not {type(lock_timeout).__name__}")
    if not lock_timeout >= 0:
        raise InvalidValue(f"the lock timeout must be zero or more seconds, not {lock_timeout}")
    if today is not None:
        _day(today, "today")
    if email is not None:
        email = _text(email, "the email").strip()
    if notify is not None and not callable(notify):
        raise TypeError(f"notify must be a function of one str, not {type(notify).__name__}")
    root = find_records(Path(path) if path is not None else None)
    _flag(index, "index")
    store = Store(root, float(lock_timeout))
    store.indexed = index
    if progress is not None:
        if not callable(progress):
            raise TypeError(f"progress must be a function of two ints, not {type(progress).__name__}")
        store.progress = progress
    if notify is not None:
        store.notify = notify
    return Tracker(store, actor, commit, today, email)


class Tracker:
    """The records of one statement: read them, change them, measure them. Made by `accord.open`.

    Reads skip a record file that does not load, so that one broken file does not hide the
    others; `skipped` lists the files the latest read left out.
    """

    def __init__(
        self, store: Store, actor: str | Actor | None, commit: bool, today: date | None, email: str | None = None
    ):
        self._store = store
        self._actor = actor
        self._email = email
        self._commit = commit
        self._git: Git | Unset | None = UNSET
        self._today = today
        self.skipped: list[Problem] = []

    def __repr__(self) -> str:
        return f"<accord.Tracker {self.root}>"

    # -- the folder and its settings ---------------------------------------------------------

    @property
    def root(self) -> Path:
        """The records folder."""
        return self._store.root

    @property
    def today(self) -> date:
        """The day given to `open`, else today in UTC."""
        return self._today or datetime.now(UTC).date()

    @property
    def actor(self) -> Actor:
        """Who makes changes."""
        if not isinstance(self._actor, Actor):
            from .changes import identify

            found = identify(self._actor, self._store)
            self._actor = Actor(found.name, self._email or found.email)
        return self._actor

    @property
    def writable(self) -> bool:
        """False when the records folder, its record folders or a record file is read-only: marked so
        by its permissions (even for a superuser, who could write it anyway) or not writable by us."""
        folders = [self.root] + [f for f in (self.root / ARTICLES, self.root / TARGETS) if f.is_dir()]
        files = [p for f in folders[1:] for p in f.glob("*.yaml")]
        return all(p.stat().st_mode & 0o222 and os.access(p, os.W_OK) for p in [*folders, *files])

    @property
    def statement(self) -> Statement:
        """statement.yaml, read now. Raises DataError when it does not load."""
        return self._store.statement()

    @property
    def glossary(self) -> Glossary:
        """glossary.yaml (empty when there is none), read now. Raises DataError when it does not load."""
        return self._store.glossary()

    # -- reading -----------------------------------------------------------------------------

    def articles(self, *, history: bool = False, filters: Filters | None = None) -> list[Article]:
        """The articles that pass `filters` (all of them without) in reading order; with `history`,
        each with its events."""
        from .query import select

        chosen = self._filters(filters)
        if chosen.party is not None:
            raise InvalidValue("an article has no parties: a party's status is of its commitments")
        with self._reading() as errors:
            found = self._store.articles(errors, history=history or chosen.reads_history)
            if filters is None:
                return list(found)
            return [row.article for row in select(found, chosen, articles_only=True)]

    def iter_articles(self, filters: Filters | None = None) -> Iterator[ArticleEntry | Article]:
        """The articles that pass `filters`, in reading order, one at a time, as plain values (their
        `commitments` are all of them); `skipped` is set once the last one is read."""
        chosen = self._filters(filters)
        if chosen.party is not None:
            yield from self.articles(filters=filters)  # which refuses it
            return
        from .query import select

        with self._reading() as errors:
            found = self._store.entries_with_facts(errors) if chosen.reads_history else self._store.entries(errors)
            for row in select(found, chosen, articles_only=True):
                yield row.article

    def targets(self) -> list[Target]:
        """Every numeric target, with its series and history."""
        with self._reading() as errors:
            return list(self._store.targets(errors))

    def commitments(self, filters: Filters | None = None) -> list[CommitmentRow]:
        """The commitments that pass `filters` (all of them without), in reading order."""
        from .model import Article, Commitment

        rows = []
        article: Article | None = None
        for entry in self.iter_commitments(filters):
            if article is None or article.id != entry.article.id:
                article = entry.article if isinstance(entry.article, Article) else _model(entry.article)
            commitment = entry.commitment
            model = commitment if isinstance(commitment, Commitment) else commitment.model()
            rows.append(CommitmentRow(article, model))
        return rows

    def iter_commitments(self, filters: Filters | None = None) -> Iterator[Listed]:
        """The commitments that pass `filters`, in reading order, one at a time, as plain values
        (no model is loaded: fit for long listings); `skipped` is set once the last one is read."""
        from .query import select

        chosen = self._filters(filters)
        # With a party, `statuses` are that party's, not the status the index holds.
        statuses = chosen.statuses if chosen.party is None else frozenset()
        narrowing = {"status": statuses, "kind": chosen.kinds, "side": chosen.sides, "section": chosen.sections}
        only: dict[str, frozenset[Any]] = {name: values for name, values in narrowing.items() if values}
        with self._reading() as errors:
            found = (
                self._store.entries_with_facts(errors, only, chosen.unchanged_since, chosen.review_on, chosen.tags)
                if chosen.reads_history
                else self._store.entries(errors, only, tags=chosen.tags)
            )
            for row in select(found, chosen):
                yield Listed(row.article, row.item)

    def iter_articles_with_facts(self) -> Iterator[ArticleEntry]:
        """Every article in reading order, one at a time, as plain values with what its history says
        (`known`; each commitment's `changed`, `changed_by`, `review`, `evidence`...), its history
        itself never read into a model: fit for tens of thousands. `skipped` is set once the last one
        is read."""
        with self._reading() as errors:
            yield from self._store.entries_with_facts(errors)

    def counts(self, by: str = "status") -> dict[int, dict[str, int]]:
        """The number of commitments per section (every section that has an article), by `status` or by `kind`."""
        if by not in ("status", "kind"):
            raise InvalidValue(f"commitments are counted by status or by kind, not {by!r}")
        with self._reading() as errors:
            return self._store.counts(errors, by)

    def search(
        self,
        query: str,
        *,
        filters: Filters | None = None,
        regex: bool = False,
        word: bool = False,
        case_sensitive: bool = False,
        literal: bool = False,
    ) -> list[SearchHit]:
        """Records that mention `query`, as `accord search` finds them: case- and accent-blind unless
        `case_sensitive`, glossary names counted as one, a regular expression with `regex`, whole
        words with `word`, plain text anywhere and no glossary with `literal`. Raises InvalidValue
        for an empty query or a bad regular expression."""
        from .query import search

        chosen = self._filters(filters)
        pattern = self._pattern(query, regex=regex, word=word, case_sensitive=case_sensitive, literal=literal)
        with self._reading() as errors:
            found = []
            # The index passes on only the commitments that can match; the matcher decides.
            needles = pattern.needles if pattern.fold else ()
            for hit in search(self._store.entries(errors, needles=needles), pattern, chosen):
                assert isinstance(hit.article, ArticleEntry)  # no targets were given
                matches = _text_matches(hit)
                commitment = hit.item if isinstance(hit.item, CommitmentEntry) else None
                first = matches[0]
                found.append(SearchHit(hit.article, commitment, first.field, first.line, first.spans, matches))
            return found

    def search_targets(
        self,
        query: str,
        *,
        regex: bool = False,
        word: bool = False,
        case_sensitive: bool = False,
        literal: bool = False,
    ) -> list[TargetHit]:
        """The numeric targets whose title, source or a note mention `query`, matched as by `search`."""
        from .query import Filters, search

        pattern = self._pattern(query, regex=regex, word=word, case_sensitive=case_sensitive, literal=literal)
        with self._reading() as errors:
            targets = [TargetEntry.of(data) for data in self._store.all_targets_data(errors)]
            hits = search((), pattern, Filters(), targets)
            return [TargetHit(hit.item, _text_matches(hit)) for hit in hits if isinstance(hit.item, TargetEntry)]

    def show(self, record_id: str) -> Shown:
        """An article (`4`), a commitment (`4.5`) or a target (`trade`), with its history and the
        targets that measure it. Raises NotFoundError for an id that names no record."""
        _text(record_id, "the record id")
        shown = self._store.with_index(lambda index: self._shown(record_id, index))
        return shown if shown is not None else self._shown(record_id, None)

    def _shown(self, record_id: str, index: Index | None) -> Shown:
        """`show` of the files through `index` (which checks each file it takes), or of the files alone."""
        if index is not None:
            record_id, article, target = find_data(self._store, index, record_id)
        else:
            from .model import Article

            found = find(self._store, record_id)
            record_id, loaded = found.record_id, _data(found.loaded.record)
            article, target = (loaded, None) if isinstance(found.loaded.record, Article) else (None, loaded)
        record = article if article is not None else target
        assert record is not None  # the one or the other
        data = record
        if article is not None and "." in record_id:  # a commitment, which find_data found in it
            data = next(c for c in article["commitments"] if c["id"] == record_id)
        item_id = data["id"]
        events = [e for e in record["history"] if e["id"] == item_id or e["id"].startswith(item_id + ".")]
        measured_by = []
        if "." in record_id:
            with self._reading() as errors:
                measured_by = [t for t in self._targets_data(index, errors) if t["commitment"] == item_id]
        title = None
        if article is not None:
            statement = (
                self._store.record_data(index, STATEMENT_FILE, "Statement")
                if index is not None
                else _data(self._store.statement())
            )
            title = next((s["title"] for s in statement["sections"] if s["number"] == article["section"]), None)
        return Shown(record_id, data, article, events, measured_by, title)

    def _targets_data(self, index: Index | None, errors: list[DataError]) -> list[dict[str, Any]]:
        """Every target that loads, as its model's data: through `index`, else read now."""
        if index is not None:
            return self._store.targets_data(index, errors)
        return [_data(target) for target in self._store.targets(errors)]

    def _glossary_names(self) -> list[list[str]]:
        """Each glossary term's names: through the index when there is one to use."""

        def through(index: Index) -> dict[str, Any]:
            if not present(self.root / GLOSSARY_FILE):
                return {}  # as Store.glossary: no glossary, no term
            return self._store.record_data(index, GLOSSARY_FILE, "Glossary")

        data = self._store.with_index(through)
        if data is None:
            data = _data(self._store.glossary())
        return [term["names"] for term in data.get("terms", [])]

    def log(self, record_id: str | None = None, *, since: date | None = None, by: str | None = None) -> Sequence[Event]:
        """Every change, newest first: of one record (an article's includes its commitments'),
        recorded on or after `since`, made by `by` (any case). Each event is built as it is read."""
        if record_id is not None:
            _text(record_id, "the record id")
        if since is not None:
            _day(since, "since")
        if by is not None:
            _text(by, "the name")
        with self._reading() as errors:
            from .history import log

            return log(self._store, record_id, since, by, errors)

    # -- changing: each one locked, logged in the record's history, committed ----------------

    def set_status(
        self,
        record_id: str,
        status: Status,
        *,
        note: str | None = None,
        evidence: str | None = None,
        on: date | None = None,
        party: str | None = None,
        review_by: date | Unset | None = UNSET,
        internal: bool | None = None,
        dry_run: bool = False,
    ) -> Change:
        """Set an article's or a commitment's status; `on` dates a change that happened before today.
        The same status again is recorded too (a re-assertion); with `dry_run` the change is checked
        and returned, not written. On a commitment both sides carry, `party` sets that party's status
        alone; without it, every party's. `party` on anything else is an InvalidValue. `review_by`
        is the day to review it by (None withdraws the one set before); `internal` keeps the note and
        evidence out of public output (None: as statement.yaml says)."""
        return self.set_status_many(
            [record_id], status, note=note, evidence=evidence, on=on, party=party, review_by=review_by,
            internal=internal, dry_run=dry_run,
        )  # fmt: skip

    def set_status_many(
        self,
        record_ids: Sequence[str],
        status: Status,
        *,
        note: str | None = None,
        evidence: str | None = None,
        on: date | None = None,
        party: str | None = None,
        review_by: date | Unset | None = UNSET,
        internal: bool | None = None,
        dry_run: bool = False,
    ) -> Change:
        """`set_status` for several records at once: one lock, one commit, one `undo`. An id named
        twice counts once; one id that names no record or cannot take the status refuses them all."""
        ids = self._changeable(record_ids)
        if not isinstance(status, Status):
            raise TypeError(f"status must be an accord.Status such as Status.IN_PROGRESS, not {status!r}")
        _extras(note, evidence)
        if on is not None:
            _day(on, "on")
        if party is not None:
            _text(party, "the party")
        if review_by is not None and review_by is not UNSET:
            _day(review_by, "review_by")
        if internal is not None:
            _flag(internal, "internal")
        from . import changes

        return changes.set_status(
            self._store, ids, status, self.actor, self._committer(), note, evidence, on, party,
            review_by=review_by, internal=internal, dry_run=_flag(dry_run, "dry_run"),
        )  # fmt: skip

    def note(
        self,
        record_id: str,
        text: str,
        *,
        evidence: str | None = None,
        internal: bool | None = None,
        dry_run: bool = False,
    ) -> Change:
        """Add a note to a record's history without changing anything else; `internal` keeps it out
        of public output (None: as statement.yaml says)."""
        _text(record_id, "the record id")
        return self.note_many([record_id], text, evidence=evidence, internal=internal, dry_run=dry_run)

    def note_many(
        self,
        record_ids: Sequence[str],
        text: str,
        *,
        evidence: str | None = None,
        internal: bool | None = None,
        dry_run: bool = False,
    ) -> Change:
        """`note` on several records at once, in one commit that one `undo` takes back."""
        ids = [_text(record_id, "the record id") for record_id in _sequence(record_ids, "record_ids")]
        _extras(text, evidence)
        if internal is not None:
            _flag(internal, "internal")
        from . import changes

        return changes.add_note(
            self._store, ids, text, self.actor, self._committer(), evidence, internal,
            dry_run=_flag(dry_run, "dry_run"),
        )  # fmt: skip

    def edit(
        self,
        record_id: str,
        *,
        owner: str | Unset | None = UNSET,
        due: date | Unset | None = UNSET,
        add_tags: Sequence[str] = (),
        remove_tags: Sequence[str] = (),
        note: str | None = None,
        dry_run: bool = False,
    ) -> Change:
        """Change an article's or a commitment's owner, due date or tags. None clears the owner or
        the due date; an argument left out leaves its field as it is."""
        return self.edit_many(
            [record_id], owner=owner, due=due, add_tags=add_tags, remove_tags=remove_tags, note=note, dry_run=dry_run
        )

    def edit_many(
        self,
        record_ids: Sequence[str],
        *,
        owner: str | Unset | None = UNSET,
        due: date | Unset | None = UNSET,
        add_tags: Sequence[str] = (),
        remove_tags: Sequence[str] = (),
        note: str | None = None,
        dry_run: bool = False,
    ) -> Change:
        """`edit` for several records at once, in one commit that one `undo` takes back; a tag to
        remove that one of them lacks refuses them all."""
        ids = self._changeable(record_ids)
        if owner is not None and owner is not UNSET:
            _text(owner, "the owner")
        if due is not None and due is not UNSET:
            _day(due, "due")
        adding, removing = _tags(add_tags, "add_tags"), _tags(remove_tags, "remove_tags")
        _extras(note, None)
        from . import changes

        return changes.edit(
            self._store,
            ids,
            self.actor,
            self._committer(),
            owner=owner,
            due=due,
            add_tags=adding,
            remove_tags=removing,
            note=note,
            dry_run=_flag(dry_run, "dry_run"),
        )

    def edit_form(self, record_id: str) -> str:
        """An article's or a commitment's owner, due date and tags as a small YAML form to edit,
        with a `why` for the note; `edit_with_form` records what was changed in it."""
        self._not_a_target(record_id)
        from . import changes

        return changes.edit_form(self._store, record_id)

    def edit_with_form(self, record_id: str, opened: str, edited: str, *, source: str | os.PathLike[str]) -> Change:
        """Record what changed between `edit_form`'s form (`opened`) and the form as edited, read from
        `source` (named in errors). Only changed fields are recorded. Raises DataError naming the
        field for a form that does not read, InvalidValue for a value a record cannot take, and
        NothingToDo when nothing changed."""
        self._not_a_target(record_id)
        _text(opened, "the form")
        if not isinstance(edited, str):
            raise TypeError(f"the edited form must be a str, not {type(edited).__name__}")
        from . import changes

        return changes.edit_with_form(
            self._store, record_id, opened, edited, Path(source), self.actor, self._committer()
        )

    def undo(self) -> Change:
        """Take back the actor's latest change not yet taken back. Raises NothingToDo when there is
        none, ConflictError when someone has changed the field since."""
        from . import changes

        return changes.undo(self._store, self.actor, self._committer())

    def measure(
        self,
        target_id: str,
        value: Decimal | int | str,
        *,
        period: str,
        source: str,
        series: str | None = None,
        note: str | None = None,
        force: bool = False,
        before_baseline: bool = False,
        dry_run: bool = False,
        currency: str | None = None,
        unit: str | None = None,
        rate: Decimal | int | str | None = None,
        rate_date: date | None = None,
        rate_source: str | None = None,
    ) -> Change:
        """Record a target's figure for a period (a year or a month of it for a yearly target; a date,
        or as much of one as is known, for a cumulative one) in a series (default: the one the verdict
        rests on). The same period again is a correction. A float is refused with TypeError: it is
        not the exact figure. A figure over twice the goal or one that moves over half needs `force`;
        a new one of a period before the baseline, `before_baseline`; with `dry_run` the change is
        checked and returned, not written. With `currency`, `value` is as published in that currency
        (in `unit`s: thousand, million or billion), converted at `rate` (units of it per unit of the
        target's currency), which needs `rate_source`; both figures are kept."""
        if not self._names_target(_text(target_id, "the target id")):
            find(self._store, target_id)  # NotFoundError for an id that names no record at all
            targets = ", ".join(self._store.target_ids())
            raise InvalidValue(f"{target_id.strip().lower()} is not a target; the targets: {targets}")
        amount = _amount(value)
        _text(period, "the period")
        _text(source, "the source")
        if series is not None:
            _text(series, "the series")
        _extras(note, None)
        for name, flag in (("force", force), ("before_baseline", before_baseline), ("dry_run", dry_run)):
            _flag(flag, name)
        from . import changes

        figure: Decimal | Original = amount
        if currency is not None:
            figure = changes.original_figure(
                amount, _text(currency, "the currency"), _amount(rate, "a rate") if rate is not None else None,
                _text(rate_source, "the rate's source") if rate_source is not None else None,
                _text(unit, "the unit") if unit is not None else None,
                _day(rate_date, "the rate's date") if rate_date is not None else None,
            )  # fmt: skip
        elif any(v is not None for v in (unit, rate, rate_date, rate_source)):
            raise InvalidValue("a unit, rate, rate date or rate source needs the currency the figure is in")
        return changes.measure(
            self._store, target_id, figure, period, source, self.actor, self._committer(), series, note,
            force=force, before_baseline=before_baseline, dry_run=dry_run,
        )  # fmt: skip

    def measure_from_csv(
        self, path: Path, *, force: bool = False, before_baseline: bool = False, dry_run: bool = False
    ) -> Change:
        """Record every row of a CSV file of one or several targets' figures as one change (one commit, one undo).
        Columns: target, series, period (or date), value, source, note, and for a figure in another
        currency: currency, unit, rate, rate_date, rate_source. Every row is checked before anything
        is written; a bad one is a DataError naming the file, line and field."""
        for name, flag in (("force", force), ("before_baseline", before_baseline), ("dry_run", dry_run)):
            _flag(flag, name)
        from . import changes

        return changes.measure_from_csv(
            self._store, Path(path), self.actor, self._committer(), force, before_baseline, dry_run
        )

    def set_side(
        self,
        commitment_id: str,
        side: str,
        *,
        note: str | None = None,
        kind: Kind | Unset = UNSET,
        asked_by: str | Unset | None = UNSET,
    ) -> Change:
        """Say which side carries a commitment: `both` or one of the statement's sides (any case);
        for a request, proposal or hope, also its `kind` and the side that asked (`asked_by`; None
        clears it). An import cannot tell, so it drafts every commitment as `both`, asked by no one.
        Raises InvalidValue when the sides and the kind would not agree (a request names two sides)."""
        _text(commitment_id, "the commitment id")
        _text(side, "the side")
        _extras(note, None)
        if kind is not UNSET and not isinstance(kind, Kind):
            raise TypeError(f"kind must be an accord Kind such as Kind.REQUESTED, not {kind!r}")
        if isinstance(asked_by, str):
            _text(asked_by, "asked_by")
        from . import changes

        return changes.set_side(
            self._store, commitment_id, side, self.actor, self._committer(), note, kind=kind, asked_by=asked_by
        )

    def add_target(
        self,
        target_id: str,
        *,
        title: str,
        commitment: str,
        kind: str,
        unit: str,
        value: Decimal | int | str,
        source: str,
        baseline: date,
        deadline: date,
        article: str | None = None,
        series: str | None = None,
        label: str | None = None,
        note: str | None = None,
    ) -> Target:
        """Add a numeric target that measures `commitment`: a goal of `value` `unit` by `deadline`,
        counted from `baseline`, `kind` 'level' (a yearly figure) or 'cumulative' (a running total),
        with the `source` that states the goal. `series` and `label` name a first series to measure
        into. One commit. Raises InvalidValue for an id that is taken, a commitment or article that
        does not exist or disagree, or a value a target cannot hold."""
        for text, what in ((target_id, "the target id"), (title, "the title"), (commitment, "the commitment"),
                           (kind, "the kind"), (unit, "the unit"), (source, "the source")):  # fmt: skip
            _text(text, what)
        for optional, what in ((article, "the article"), (series, "the series"), (label, "the label")):
            if optional is not None:
                _text(optional, what)
        _extras(note, None)
        from . import changes

        new = changes.NewTarget(
            target_id, title, commitment, kind, unit, _amount(value), source, _day(baseline, "baseline"),
            _day(deadline, "deadline"), article, series, label, note,
        )  # fmt: skip
        return changes.add_target(self._store, new, self.actor, self._committer())

    def split(
        self, commitment_id: str, excerpts: Sequence[str], *, titles: Sequence[str] = (), note: str | None = None
    ) -> Change:
        """Split a commitment into one per excerpt, each verbatim in its article's text: the first
        keeps the id, the others take the article's next unused numbers and the original's side,
        kind, status, owner, due date and tags. `titles`: one per excerpt, or none to keep the
        title. One commit, taken back by `undo()`."""
        _text(commitment_id, "the commitment id")
        parts = _sequence(excerpts, "excerpts")
        if not all(isinstance(e, str) for e in parts):
            raise TypeError("excerpts must be a sequence of str")
        names = [_text(t, "a title") for t in _sequence(titles, "titles")]
        _extras(note, None)
        from . import changes

        return changes.split(self._store, commitment_id, parts, self.actor, self._committer(), names, note)

    # -- figures -----------------------------------------------------------------------------

    def progress(self, today: date | None = None, *, target: str | None = None, series: str | None = None) -> Overview:
        """Every target's progress and the dated commitments still open (or one `target`'s
        progress), in `series` instead of the primary one, on `today` (default: the tracker's).
        A day given here or to `open` is seen as known at its end: what was recorded later is
        left out, as `accord progress --today` leaves it out."""
        from . import tracking

        given = _day(today, "today") if today is not None else self._today
        if target is not None:
            _text(target, "the target id")
        if series is not None:
            _text(series, "the series")
        with self._reading() as errors:
            return tracking.overview(self._store, given or self.today, target, series, errors, as_of=given is not None)

    def report(
        self,
        *,
        today: date | None = None,
        since: date | None = None,
        week: str | None = None,
        public: bool = False,
        stale_since: date | None = None,
    ) -> Report:
        """The weekly report: by default over the seven days up to `today` (default: the tracker's);
        from `since`; or over one ISO week, `week` such as '2026-W47' or 'current'. A `public` one
        leaves out internal notes and officers' names. An open commitment with no event on or after
        `stale_since` (default: 90 days before `today`) is listed as unchanged."""
        from . import report as reporting

        as_of = _day(today, "today") if today is not None else self.today
        if since is not None and week is not None:
            raise InvalidValue("a report covers the days from a start date or one week, not both")
        if since is not None and _day(since, "since") > as_of:
            raise InvalidValue(f"a report cannot start on {since.isoformat()}, after its today ({as_of.isoformat()})")
        if week is not None:
            _text(week, "the week")
        try:
            period = reporting.period_for(as_of, since, week)
        except UsageError:
            if week is None:  # a period that reaches out of the calendar: its own message says so
                raise
            raise InvalidValue(f"week {week!r} is not an ISO week such as 2026-W47") from None
        if stale_since is not None and _day(stale_since, "stale_since") > as_of:
            raise InvalidValue(f"stale since {stale_since.isoformat()} is after the report's today {as_of.isoformat()}")
        built = reporting.build(self._store, as_of, period, stale_since)
        return reporting.public_view(built) if _flag(public, "public") else built

    def validate(self) -> list[Problem]:
        """Every problem `accord validate` finds, each with its file, line and field."""
        from . import validation

        return [Problem.of(error) for error in validation.validate(self._store)]

    # -- helpers -----------------------------------------------------------------------------

    def _pattern(self, query: str, *, regex: bool, word: bool, case_sensitive: bool, literal: bool) -> Pattern:
        from .query import compile_pattern

        _text(query, "the search text")
        for name, flag in (("regex", regex), ("word", word), ("case_sensitive", case_sensitive), ("literal", literal)):
            _flag(flag, name)
        return compile_pattern(
            query,
            case_sensitive=case_sensitive,
            regex=regex,
            word=word,
            glossary=self._glossary_names(),
            literal=literal,
        )

    def _names_target(self, record_id: str) -> bool:
        """Whether `record_id` is a target's, told from the file names alone (articles come first, as in find)."""
        key = record_id.strip().lower()
        if "." in key or "/" in key or self._store.article_path(key).is_file():
            return False
        return self._store.target_path(key).is_file()

    def _changeable(self, record_ids: Sequence[str]) -> list[str]:
        """The ids of articles and commitments, checked: a target's figures are measured instead."""
        ids = _sequence(record_ids, "record_ids")
        for record_id in ids:
            self._not_a_target(record_id)
        return ids

    def _not_a_target(self, record_id: str) -> None:
        if self._names_target(_text(record_id, "the record id")):
            raise InvalidValue(f"{record_id.strip().lower()} is a target: its figures are recorded with measure()")

    @contextmanager
    def _reading(self) -> Iterator[list[DataError]]:
        errors: list[DataError] = []
        try:
            yield errors
        finally:
            self.skipped = [Problem.of(error) for error in errors]

    def _committer(self) -> Git | None:
        """The work tree to commit in, found once."""
        if isinstance(self._git, Unset):
            from .transaction import committer

            self._git = committer(self._store, self._commit)
        return self._git

    def _filters(self, filters: Filters | None) -> Filters:
        """`filters` checked, its tags and sides in the records' form, `overdue` as of the tracker's today."""
        from .query import Filters

        if filters is None:
            return Filters()
        if not isinstance(filters, Filters):
            raise TypeError(f"filters must be an accord.Filters, not {type(filters).__name__}")
        statuses = frozenset(filters.statuses)
        if not all(isinstance(s, Status) for s in statuses):
            raise TypeError("Filters.statuses must hold accord.Status values such as Status.STALLED")
        sections = frozenset(filters.sections)
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in sections):
            raise TypeError("Filters.sections must hold section numbers")
        sides = frozenset(filters.sides)
        if sides:
            statement = self._store.statement()
            sides = frozenset(statement.side_named(_text(s, "a side")) for s in sides)
        party = filters.party
        if party is not None:
            party = self._store.statement().side_named(_text(party, "the party"))
            if party == BOTH_SIDES:
                raise InvalidValue(f"a party is one of the statement's sides, not {BOTH_SIDES}")
        if filters.owner is not None:
            _text(filters.owner, "the owner")
        if filters.due_before is not None:
            _day(filters.due_before, "due_before")
        if filters.overdue_on is not None:
            _day(filters.overdue_on, "overdue_on")
        overdue_on = filters.overdue_on or (self.today if _flag(filters.overdue, "overdue") else None)
        tags = frozenset(_tags(filters.tags, "Filters.tags"))
        for day, what in ((filters.unchanged_since, "unchanged_since"), (filters.review_on, "review_on")):
            if day is not None:
                _day(day, what)
        review_on = filters.review_on or (self.today if _flag(filters.due_review, "due_review") else None)
        return filters._replace(
            statuses=statuses, sections=sections, sides=sides, tags=tags, overdue_on=overdue_on,
            party=party, review_on=review_on,
        )  # fmt: skip


# -- checking what callers pass in -------------------------------------------------------------


def _model(entry: ArticleEntry) -> Article:
    from .model import Article

    return Article.model_validate(entry.data_with(history=False))


def _data(record: Record) -> dict[str, Any]:
    from .model import to_data

    return to_data(record)


def _text_matches(hit: Hit) -> tuple[TextMatch, ...]:
    return tuple(TextMatch(name, line, tuple(spans)) for name, line, spans in hit.matches)


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    return checked_text(value, what, MAX_TEXT)


def _flag(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{what} must be True or False, not {type(value).__name__}")
    return value


def _day(value: Any, what: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{what} must be a datetime.date, not {type(value).__name__}")
    return value


def _extras(note: Any, evidence: Any) -> None:
    """Type checks only: the core checks what the note and the evidence say."""
    for value, what in ((note, "the note"), (evidence, "the evidence")):
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{what} must be a str, not {type(value).__name__}")


def _sequence(values: Sequence[str], what: str) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise TypeError(f"{what} must be a sequence of ids such as ['4.1', '4.2'], not {type(values).__name__}")
    return list(values)


def _tags(tags: Iterable[str], what: str) -> list[str]:
    if isinstance(tags, str):
        raise TypeError(f"{what} must be a sequence of tags such as ['trade'], not one str")
    return [as_tag(_text(tag, "a tag")) for tag in tags]


def _amount(value: Any, what: str = "a measurement") -> Decimal:
    """A measurement (or a rate) as an exact number."""
    if isinstance(value, float):
        raise TypeError(
            f"{what} must be a Decimal, an int or a str such as '96.1', not the float {value!r}: "
            "a float is not the exact figure"
        )
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise TypeError(f"{what} must be a Decimal, an int or a str such as '96.1', not {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise InvalidValue(f"{what} must be a finite number, not {value}")
    return parse_amount(value, f"the {what.split()[-1]}") if isinstance(value, str) else Decimal(value)
