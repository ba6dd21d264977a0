"""Where records live and how they are read and written.

Layout of a records folder (one statement):

    statement.yaml          the statement: parties, visit, source, preamble, sections
    glossary.yaml           names the text uses for one thing
    articles/<id>.yaml      one record per article, with its commitments and history
    targets/<id>.yaml       one record per numeric target, with its series and history
    source/                 the source text, as received

A record's file name is its id, so a command that names an id reads one file, and a
change rewrites one file. Writes are atomic and serialised by one lock file.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache, partial
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, Any, Generic, Literal, NamedTuple, TypeVar

from . import workers
from .errors import ConflictError, DataError, LockTimeout, NotFoundError
from .fsio import MAX_FILE_BYTES, TMP_SUFFIX, fsync_folder, read_file, sync_folder, temporary
from .index import (
    CACHE_DIR,
    ArticleEntry,
    HistoryFacts,
    Index,
    Months,
    Read,
    Stamp,
    digest,
    entry_of,
    events_of,
    record_data,
    record_text,
)
from .lookup import ARTICLES as ARTICLES
from .lookup import STATEMENT_FILE as STATEMENT_FILE
from .lookup import TARGETS as TARGETS
from .lookup import find_records as find_records
from .query import history_facts
from .text import SLUG, checked_text
from .values import MAX_TEXT

if TYPE_CHECKING:  # the models load with the first file parsed: an indexed read needs none
    from pydantic import TypeAdapter

    from .model import Article, Commitment, Event, Glossary, Record, Statement, Target

GLOSSARY_FILE = "glossary.yaml"
LOCK_FILE = ".accord.lock"
DEFAULT_LOCK_TIMEOUT = 10.0
HEADS_ONLY_FROM = 500  # article files a first reading must parse before it reads only their current fields
JOURNAL_SUFFIX = ".accord-journal"
_DIGEST = re.compile(r"[0-9a-f]{32}")
_ID = re.compile(rf"{SLUG}(\.[0-9]+)?")

M = TypeVar("M", bound="Record")
R = TypeVar("R")


class RecordInvalid(DataError):
    """A record that parsed as YAML but breaks the schema; carries every problem found."""

    def __init__(self, problems: list[DataError]):
        self.problems = problems
        first = problems[0]
        super().__init__(first.path, first.line, first.message, first.field)


class Loaded(NamedTuple, Generic[M]):
    """A record together with the exact bytes it was read from."""

    path: Path
    record: M
    raw: bytes


def present(path: Path) -> bool:
    """Whether anything (a file, a folder, a link, even a dangling one) is at `path`."""
    return os.path.lexists(path)


def natural_key(record_id: str) -> tuple[tuple[int, int | str], ...]:
    """Sort `2` before `10`, `17` before `17a`, and words after numbers."""
    parts = re.findall(r"\d+|[^\d.]+", record_id)
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


def parse_record(model: type[M], data: object, raw: bytes | None, path: Path) -> M:
    """Validate parsed data; on failure, every problem with its line in `raw` (read from `path` if None)."""
    if not isinstance(data, dict):
        raise DataError(path, 1, f"the top level must be a mapping, not {type(data).__name__}")
    from pydantic import ValidationError  # with the models: a read through the index needs neither

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        from . import yamlio  # YAML only when a file must be parsed: a cached scan needs none

        text = (raw if raw is not None else path.read_bytes()).decode("utf-8", errors="replace")
        problems = []
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            field = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in loc).replace(".[", "[")
            message = error["msg"]
            if error["type"] == "extra_forbidden":
                message = "unknown field"
            elif error["type"] == "missing":
                message = "required field is missing"
            problems.append(DataError(path, yamlio.line_of(text, loc), message, field or None))
        raise RecordInvalid(problems) from None


# The top-level `history:` key of a record file.
_HISTORY_KEY = re.compile(rb"^history:", re.MULTILINE)


def head_of(raw: bytes) -> tuple[bytes, bool] | None:
    """The part of a record file before its top-level `history:` key, and whether that is all of it;
    None when the history is not the last key, as it is in a file accord wrote (then parse all)."""
    key = _HISTORY_KEY.search(raw)
    if key is None:
        return raw, True
    # Every line after it is an item of its list or inside one: it starts with `-` or a space.
    start = key.end()
    inside = raw.count(b"\n-", start) + raw.count(b"\n ", start) + raw.endswith(b"\n")
    if raw.count(b"\n", start) != inside:
        return None
    return raw[: key.start()], False


def read_article(raw: bytes, path: Path, whole: bool = True) -> tuple[Article, bool]:
    """The article in `raw` and whether its history was read: unless `whole`, only the part
    before its history is parsed when the file is laid out as accord writes it."""
    from . import yamlio  # YAML only when a file must be parsed: an indexed scan needs none
    from .model import Article

    head = None if whole else head_of(raw)
    if head is not None:
        try:
            return parse_record(Article, yamlio.load_bytes(head[0], path), raw, path), head[1]
        except DataError:
            pass  # the whole file says what is wrong, and where
    return parse_record(Article, yamlio.load_bytes(raw, path), raw, path), True


# What a worker sends back of one article file: the digest of its bytes, the article as the model's
# JSON data but its history, and, when the history was read, the history as the index keeps it (JSON
# text: a few strings to send rather than thousands of values), unless left out, with what it says
# (see Index.put); or, for a file that does not load, its problems.
Parsed = (
    tuple[str, dict[str, Any], tuple[Months | None, HistoryFacts] | None] | list[tuple[int | None, str, str | None]]
)


def _parsed(item: tuple[Path, bytes | None], whole: bool, events: bool = True) -> Parsed:
    """The article file at the path of `item` parsed (all of it if `whole`), as plain data a worker
    can send, its history's events left out unless `events`; its bytes are read unless `item` has
    them already."""
    path, raw = item
    try:
        if raw is None:
            raw = read_file(path)
        article, complete = read_article(raw, path, whole)
    except DataError as exc:
        problems = exc.problems if isinstance(exc, RecordInvalid) else [exc]
        return [(problem.line, problem.message, problem.field) for problem in problems]
    history = None
    if complete:
        history = (_months(article.history) if events else None, history_facts(article))
    return digest(raw), article.model_dump(mode="json", exclude_none=True, exclude={"history"}), history


def _entry_with_facts(article: Article) -> ArticleEntry:
    """An article read with its history as plain values, with what the history says."""
    return entry_of(article.model_dump(mode="json", exclude_none=True, exclude={"history"}), history_facts(article))


def _months(history: list[Event]) -> Months:
    """A history as the index keeps it (index.Months)."""
    by_month: dict[tuple[int, int], dict[int, Event]] = {}
    for place, event in enumerate(history):
        at = event.at  # in UTC (model.Timestamp): its month is the one its text starts with
        by_month.setdefault((at.year, at.month), {})[place] = event
    dump = _events().dump_json
    return [
        (f"{year:04d}-{month:02d}", dump(events, exclude_none=True).decode())
        for (year, month), events in by_month.items()
    ]


@cache
def _events() -> TypeAdapter[dict[int, Event]]:
    """Writes events by their place as JSON text at once, the same text as json.dumps of their
    JSON data, compact."""
    from pydantic import TypeAdapter

    from .model import Event

    return TypeAdapter(dict[int, Event])


def _rebuilt(path: Path, problems: list[tuple[int | None, str, str | None]]) -> DataError:
    """The error `_parsed` took apart."""
    errors = [DataError(path, *problem) for problem in problems]
    return RecordInvalid(errors) if len(errors) > 1 else errors[0]


def _first_of_many(index: Index, files: int) -> bool:
    """Whether reading `files` article files into `index` is a first build of many (after a clone),
    which reads only as much of each as the command needs (see HEADS_ONLY_FROM)."""
    return files >= HEADS_ONLY_FROM and index.empty()


def _changed(
    index: Index,
    folder: Path,
    name: str,
    status: os.stat_result | None,
    now: int,
    known: tuple[str, Stamp, Any] | None,
    table: Literal["files", "others"] = "files",
) -> tuple[Stamp | None, bytes | None] | None:
    """None when the file `name` in `folder`, found with `status` at `now`, is still the one the index
    read (`known`: its digest and status then): its status vouches for it, or else its bytes have that
    digest, and its new status is kept in `table`. Otherwise its status to keep with what is read
    from it (None when it has none), and its bytes if they were read to compare them; a file the
    index never read is not read here. Raises DataError when it cannot be read."""
    if known is not None and status is not None and known[1].vouches_for(status):
        return None
    stamp = Stamp.of(status, now) if status is not None else None
    if known is None:
        return stamp, None
    raw = read_file(folder / name)
    if known[0] != digest(raw):
        return stamp, raw
    if stamp is not None:
        index.restamp(name, stamp, table)
    return None


class Store:
    """The records of one statement, on disk."""

    def __init__(self, root: Path, lock_timeout: float = DEFAULT_LOCK_TIMEOUT):
        self.root = root
        self.notify: Callable[[str], None] = lambda message: None  # what a user should hear of, not an error
        self.lock_timeout = lock_timeout  # seconds to wait for another writer
        self.indexed = True  # read many records through the index in .accord-cache/; False: every file
        self.progress: Callable[[int, int], None] = lambda done, total: None  # files parsed so far, of those to parse

    # -- paths -------------------------------------------------------------------------------

    def article_path(self, article_id: str) -> Path:
        return self.root / ARTICLES / f"{article_id}.yaml"

    def target_path(self, target_id: str) -> Path:
        return self.root / TARGETS / f"{target_id}.yaml"

    def _ids(self, folder: str) -> list[str]:
        """The ids of the records in `folder`: every `<id>.yaml` entry, whatever kind of file it is."""
        return sorted((name[:-5] for name in self._listing(folder)[0]), key=natural_key)

    def _listing(self, folder: str) -> tuple[list[str], list[DataError]]:
        """The file names of the records in `folder` (see `_ids`), in no order, and its `strays`,
        from one reading of the folder."""
        names = self._names(folder)
        records = [n for n in names if n.endswith(".yaml") and n[0] != "."]
        strays = (n for n in names if n.lower().endswith((".yaml", ".yml")) and not n.endswith(".yaml") and n[0] != ".")
        message = "not read: a record's file name ends in .yaml"
        strays_found = [DataError(self.root / folder / name, None, message) for name in sorted(strays, key=natural_key)]
        return records, strays_found

    def _names(self, folder: str) -> list[str]:
        try:
            return os.listdir(self.root / folder)
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise DataError(self.root / folder, None, f"cannot read the folder: {exc.strerror}") from None

    def strays(self, folder: str) -> list[DataError]:
        """Files in `folder` that look like records but are never read: `23.yml`, `5.YAML`."""
        return self._listing(folder)[1]

    def article_ids(self) -> list[str]:
        return self._ids(ARTICLES)

    def target_ids(self) -> list[str]:
        return self._ids(TARGETS)

    def relative(self, path: Path) -> str:
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    # -- reading -----------------------------------------------------------------------------

    def load(self, model: type[M], path: Path) -> Loaded[M]:
        from . import yamlio  # YAML only when a file must be parsed: a cached scan needs none

        data, raw = yamlio.load_file(path)
        return Loaded(path, parse_record(model, data, raw, path), raw)

    def statement(self) -> Statement:
        from .model import Statement

        return self.load(Statement, self.root / STATEMENT_FILE).record

    def glossary(self) -> Glossary:
        from .model import Glossary

        path = self.root / GLOSSARY_FILE
        return self.load(Glossary, path).record if present(path) else Glossary()

    def article(self, article_id: str) -> Loaded[Article]:
        from .model import Article

        return self.load(Article, self.article_path(article_id))

    def target(self, target_id: str) -> Loaded[Target]:
        from .model import Target

        return self.load(Target, self.target_path(target_id))

    def articles(self, errors: list[DataError], history: bool = True) -> Iterator[Article]:
        """Every article that loads; a broken file is added to `errors` and skipped. Without
        `history`, an article's events are left out."""
        from .model import Article

        return self._through_index(
            errors,
            Read.HISTORY if history else Read.HEAD,
            lambda index: (Article.model_validate(e.data_with(history)) for e in index.articles(history=history)),
            lambda: (
                loaded.record if history else loaded.record.model_copy(update={"history": []})
                for loaded in self.scan_articles(errors)
            ),
        )

    def recent_articles(self, errors: list[DataError], day: date) -> Iterator[Article | ArticleEntry]:
        """Every article that loads: as a model with its history if an event about it was recorded
        after `day`, else (when read through the index) as plain values with what its history says
        (ArticleEntry.known), its history left out: it looks the same on every day since `day`. The
        index is brought up to what the histories say, and then, for those few articles, the
        histories themselves."""

        def built(entry: ArticleEntry) -> Article:  # the models load for such an article only
            from .model import Article

            return Article.model_validate(entry.data_with(True))

        def read(index: Index) -> Iterator[Article | ArticleEntry]:
            folder = self.root / ARTICLES
            for name in index.recent_without_history(day):
                self._keep(index, errors, folder / name, self._stale(index, folder, name, Read.HISTORY))
            index.commit()
            return (
                e if e.known and e.history is None else built(e)
                for e in index.articles(history=True, recorded_after=day)
            )

        return self._through_index(
            errors, Read.FACTS, read, lambda: (loaded.record for loaded in self.scan_articles(errors))
        )

    def entries_with_facts(
        self,
        errors: list[DataError],
        only: dict[str, frozenset[Any]] | None = None,
        unchanged_since: date | None = None,
        review_on: date | None = None,
        tags: frozenset[str] = frozenset(),
    ) -> Iterator[ArticleEntry]:
        """Every article that loads as plain values with what its history says (ArticleEntry.known),
        its history left out; a broken file is added to `errors`. Through the index, every file's
        history is read first where it is not known (a first build of many files reads only their
        current fields: see HEADS_ONLY_FROM), no event is decoded, and the commitments are narrowed
        by `only`, `unchanged_since`, `review_on` and `tags` (see Index.articles); an article whose rows
        another process rewrote meanwhile without its history is taken as one with no event. From
        the files, nothing is narrowed: the filters decide each row."""
        return self._through_index(
            errors,
            Read.FACTS,
            lambda index: (
                e if e.known else e._replace(known=True)
                for e in index.articles(only, unchanged_since=unchanged_since, review_on=review_on, tags=tags)
            ),
            lambda: (_entry_with_facts(loaded.record) for loaded in self.scan_articles(errors)),
        )

    def entries(
        self,
        errors: list[DataError],
        only: dict[str, frozenset[Any]] | None = None,
        needles: tuple[str, ...] = (),
        tags: frozenset[str] = frozenset(),
    ) -> Iterator[ArticleEntry]:
        """Every article that loads as plain values, its commitments narrowed by `only`, `needles` and
        `tags` (see Index.articles; only the index narrows); a broken file is added to `errors`."""
        return self._through_index(
            errors,
            Read.HEAD,
            lambda index: index.articles(only, needles=needles, tags=tags),
            lambda: (
                entry_of(loaded.record.model_dump(mode="json", exclude_none=True))
                for loaded in self.scan_articles(errors)
            ),
        )

    def changes(self, errors: list[DataError], since: date | None) -> Iterator[tuple[datetime, str, str, str | Event]]:
        """The articles' events recorded on or after `since` (all without it), newest first, those
        recorded at the same moment in reading order: each as its time, id, `by`, and the event as
        JSON text (read through the index, which builds no record) or as the model (read from the files)."""

        def from_files() -> Iterator[tuple[datetime, str, str, str | Event]]:
            events = [
                (event.at, event.id, event.by, event)
                for loaded in self.scan_articles(errors)
                for event in loaded.record.history
                if since is None or event.at.date() >= since
            ]
            return iter(sorted(events, key=lambda row: row[0], reverse=True))  # a stable sort keeps reading order

        return self._through_index(
            errors,
            Read.HISTORY,
            lambda index: ((datetime.fromisoformat(at), i, by, data) for at, i, by, data in index.changes(since)),
            from_files,
        )

    def counts(self, errors: list[DataError], by: str) -> dict[int, dict[str, int]]:
        """Commitments per section, counted by `by` (status or kind)."""

        def from_files() -> Iterator[dict[int, dict[str, int]]]:
            counts: dict[int, dict[str, int]] = {}
            for loaded in self.scan_articles(errors):
                counter = counts.setdefault(loaded.record.section, {})
                for commitment in loaded.record.commitments:
                    value = getattr(commitment, by).value
                    counter[value] = counter.get(value, 0) + 1
            yield counts

        [counts] = self._through_index(errors, Read.HEAD, lambda index: iter([index.counts(by)]), from_files)
        return counts

    def _through_index(
        self,
        errors: list[DataError],
        need: Read,
        read: Callable[[Index], Iterator[R]],
        from_files: Callable[[], Iterator[R]],
    ) -> Iterator[R]:
        """What `read` gets from the index once it is up to date; else what `from_files` reads. An
        index found damaged while it is read is removed and, if nothing was passed on yet, the files
        are read instead."""
        before = len(errors)
        index = self.index(errors, need)
        if index is not None:
            passed_on = False
            try:
                for item in read(index):
                    passed_on = True
                    yield item
                return
            except sqlite3.Error as exc:
                index.give_up(exc)
                if passed_on:
                    raise DataError(
                        index.path,
                        None,
                        "the index was damaged while it was read and is removed; run the command again",
                    ) from None
                del errors[before:]
            finally:
                index.close()
        yield from from_files()

    def index(self, errors: list[DataError], need: Read) -> Index | None:
        """The index, brought up to date with the article files, with as much of each as `need`;
        the files that do not load are added to `errors`. None when there is none to use (`indexed`
        is off, or it cannot be opened or written): then read the files."""
        if not self.indexed:
            return None
        index = Index.open(self.root)
        if index is None:
            return None
        found = len(errors)
        try:
            self._refresh(index, errors, need)
        except sqlite3.Error as exc:
            del errors[found:]
            index.give_up(exc)
            return None
        return index

    def _refresh(self, index: Index, errors: list[DataError], need: Read) -> None:
        """Read again each article file that changed since it was indexed; see index.py for how a
        file is known to be unchanged without reading it. The files to parse are parsed in worker
        processes when there are many (after a clone), their rows written here, in file order.
        `progress` hears of each file parsed."""
        indexed = index.names()  # before the folder is read: a file indexed since by another reader is kept
        names, strays = self._listing(ARTICLES)
        errors += strays
        folder = self.root / ARTICLES
        # One status call per file, looked up among those the index vouches for: an unchanged file
        # costs no object and no query of its own, and only the others are put in reading order.
        unchanged = index.unchanged_files(need)
        prefix = f"{folder}{os.sep}"
        to_check = []
        for name in names:
            try:
                status = os.lstat(prefix + name)
            except OSError:
                to_check.append(name)  # `_stale` tells why, or that it is gone
                continue
            seen = (name, status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino, status.st_dev)
            if not (S_ISREG(status.st_mode) and seen in unchanged):
                to_check.append(name)
        to_check.sort(key=lambda name: natural_key(name[:-5]))
        # The files to parse, with their bytes where they were read to be compared; or why they cannot be read.
        stale: list[tuple[str, tuple[Stamp, bytes | None] | DataError]] = []
        for name in to_check:
            outdated = self._stale(index, folder, name, need)
            if outdated is not None:
                stale.append((name, outdated))
        if stale:
            self._reindex(index, errors, need, stale, len(names))
        for name in indexed.difference(names):  # removed since it was indexed
            index.drop(name)
        index.commit()

    def _reindex(
        self,
        index: Index,
        errors: list[DataError],
        need: Read,
        stale: list[tuple[str, tuple[Stamp, bytes | None] | DataError]],
        files: int,
    ) -> None:
        """Parse the `stale` article files (of `files` in all) and keep their rows, or drop the rows
        of those that do not load."""
        folder = self.root / ARTICLES
        # A first reading of many files (after a clone) reads each up to its history, a fraction of
        # the bytes, or keeps only what the histories say, most of the cost of keeping them; a
        # command that needs more reads the rest then.
        first_of_many = _first_of_many(index, files)
        whole = need > Read.HEAD or not first_of_many
        if first_of_many:
            index.begin_bulk()
        parse = partial(_parsed, whole=whole, events=need == Read.HISTORY or not first_of_many)
        parsed = workers.in_order(
            parse, [(folder / name, read[1]) for name, read in stale if not isinstance(read, DataError)]
        )
        try:
            for done, (name, read) in enumerate(stale):
                self._keep(index, errors, folder / name, read, parsed)
                self.progress(done, len(stale))
        finally:
            self.progress(len(stale), len(stale))

    def _keep(
        self,
        index: Index,
        errors: list[DataError],
        path: Path,
        read: tuple[Stamp, bytes | None] | DataError | None,
        parsed: Iterator[Parsed] | None = None,
    ) -> None:
        """Keep in the index the rows of the article file at `path`, found out of date by `_stale`
        (`read`), parsed whole now or taken from `parsed`; a file that does not load has none, and
        is added to `errors`."""
        if read is None:
            return  # another process brought it up to date meanwhile
        if isinstance(read, DataError):
            found: Parsed | DataError = read
        else:
            found = next(parsed) if parsed is not None else _parsed((path, read[1]), whole=True)
        if isinstance(found, DataError | list):
            index.drop(path.name)
            if present(path):  # else removed while we were reading
                errors.append(found if isinstance(found, DataError) else _rebuilt(path, found))
        else:
            assert not isinstance(read, DataError)  # a file that could not be read has no rows
            index.put(path.name, found[0], read[0], found[1], found[2])

    def _stale(
        self, index: Index, folder: Path, name: str, need: Read
    ) -> tuple[Stamp, bytes | None] | DataError | None:
        """None when the rows of the file `name` in `folder` are up to date, with as much of it as
        `need`; else its status before it is read, to be kept with the rows parsed from it, and its
        bytes if they were read to compare them with the rows'; or why it cannot be read."""
        now = time.time_ns()
        try:
            status: os.stat_result | None = os.lstat(f"{folder}{os.sep}{name}")
        except FileNotFoundError:
            return None  # removed while we were reading
        except OSError:
            status = None
        if status is None:
            try:
                read_file(folder / name)  # what keeps it from being read, if anything does
                raise DataError(folder / name, None, "cannot read the file's status")
            except DataError as exc:
                return exc
        known = index.looked_up(name)
        if known is not None and known[2] < need:
            known = None  # read without as much of it as is needed: read it again
        try:
            changed = _changed(index, folder, name, status, now, known)
        except DataError as exc:
            return exc
        if changed is None:
            return None
        stamp, raw = changed
        assert stamp is not None  # it has a status
        return stamp, raw

    # -- one record's data through the index, each file it needs checked alone -------------------

    def with_index(self, read: Callable[[Index], R]) -> R | None:
        """What `read` finds in the index, which is not brought up to date as a whole: `read` checks
        the files it takes (`article_data`, `record_data`). None when there is no index to use or it
        failed: then read the files."""
        index = Index.open(self.root) if self.indexed else None
        if index is None:
            return None
        try:
            return read(index)
        except sqlite3.Error as exc:
            index.give_up(exc)
            return None
        finally:
            index.close()

    def article_data(self, index: Index, article_id: str) -> dict[str, Any]:
        """An article with its history, as the model's JSON data: from the index while its file is
        what was read there, else parsed now and kept there (but before the first build of many
        files). Raises DataError as `article` does."""
        path = self.article_path(article_id)
        outdated = self._stale(index, path.parent, path.name, Read.HISTORY)
        if isinstance(outdated, DataError):
            raise outdated
        if outdated is None and (data := index.article_data(path.name)) is not None:
            return data
        found = _parsed((path, outdated[1] if outdated is not None else None), whole=True)
        if isinstance(found, list):
            index.drop(path.name)
            raise _rebuilt(path, found)
        raw_digest, article, history = found
        assert history is not None  # read whole
        # A first build of many files reads only their heads: one whole file would make it read all whole.
        if outdated is not None and not _first_of_many(index, len(self.article_ids())):
            index.put(path.name, raw_digest, outdated[0], dict(article), history)
        assert history[0] is not None  # its events kept
        return {**article, "history": events_of(history[0])}

    def record_data(self, index: Index, name: str, model: str) -> dict[str, Any]:
        """The data (model.to_data's) of the record file `name`, one of the files besides the articles
        (statement.yaml, glossary.yaml, targets/<id>.yaml) whose model is `model`: from the index
        while the file is what was read there (see index.py), else parsed now and kept there. Raises
        DataError as `load` does."""
        path = self.root / name
        now = time.time_ns()
        try:
            status: os.stat_result | None = os.lstat(path)
        except OSError:
            status = None
        known = index.record(name)
        changed = _changed(index, self.root, name, status, now, known, "others")
        if changed is None:
            assert known is not None  # a file never read is changed
            return record_data(known[2])
        stamp, raw = changed
        if raw is None:
            raw = read_file(path)
        from . import model as models
        from . import yamlio

        data = models.to_data(parse_record(getattr(models, model), yamlio.load_bytes(raw, path), raw, path))
        if stamp is not None:
            index.put_record(name, digest(raw), stamp, record_text(data))
        return data

    def targets_data(self, index: Index, errors: list[DataError]) -> list[dict[str, Any]]:
        """Every target that loads, as `record_data` gives it; a broken file is added to `errors`, as
        `targets` adds it."""
        errors += self.strays(TARGETS)
        names = [f"{TARGETS}/{target_id}.yaml" for target_id in self.target_ids()]
        found = []
        for name in names:
            try:
                found.append(self.record_data(index, name, "Target"))
            except DataError as exc:
                errors.append(exc)
        index.keep_records_only(TARGETS, names)
        return found

    def all_targets_data(self, errors: list[DataError]) -> list[dict[str, Any]]:
        """Every target that loads, as `targets_data` gives it: through the index when there is one
        to use, else read now; a broken file is added to `errors`."""
        before = len(errors)

        def through(index: Index) -> list[dict[str, Any]]:
            del errors[before:]  # of an attempt that failed
            return self.targets_data(index, errors)

        found = self.with_index(through)
        if found is None:
            from .model import to_data

            del errors[before:]
            found = [to_data(target) for target in self.targets(errors)]
        return found

    def scan_articles(self, errors: list[DataError]) -> Iterator[Loaded[Article]]:
        """Every article file that loads, read and parsed now; a broken file or a stray one is added to `errors`."""
        ids = self.article_ids()
        errors += self.strays(ARTICLES)
        for article_id in ids:
            path = self.article_path(article_id)
            try:
                raw = read_file(path)
                yield Loaded(path, read_article(raw, path)[0], raw)
            except DataError as exc:
                if present(path):  # else removed while we were reading
                    errors.append(exc)

    def targets(self, errors: list[DataError]) -> Iterator[Target]:
        errors += self.strays(TARGETS)
        for target_id in self.target_ids():
            try:
                yield self.target(target_id).record
            except DataError as exc:
                errors.append(exc)

    # -- writing -----------------------------------------------------------------------------

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Serialise writers across processes; stale temporary files are removed once held."""
        from filelock import FileLock, Timeout

        timeout = self.lock_timeout
        lock = FileLock(self.root / LOCK_FILE, timeout=timeout)
        try:
            lock.acquire()
        except Timeout:
            # The lock is an flock: it dies with its holder, so a leftover file never blocks anyone.
            raise LockTimeout(
                f"another accord process is writing these records and has held {self.root / LOCK_FILE} "
                f"for over {timeout:g} s; try again once it has finished"
            ) from None
        try:
            self._remove_stale_temporaries()
            yield
        finally:
            lock.release()

    def _remove_stale_temporaries(self) -> None:
        for folder in (self.root, self.root / ARTICLES, self.root / TARGETS, self.root / CACHE_DIR):
            for leftover in folder.glob(f".*{TMP_SUFFIX}"):
                leftover.unlink(missing_ok=True)

    def journals(self) -> list[Journal]:
        """Changes left unfinished by a writer that was killed, from their journals."""
        return [
            journal
            for folder in (self.root / ARTICLES, self.root / TARGETS)
            for leftover in folder.glob(f".*{JOURNAL_SUFFIX}")
            if (journal := Journal.parse(leftover)) is not None
        ]

    def save(self, loaded: Loaded[Any], record: Record) -> bytes:
        """Write `record` over the file `loaded` came from, unless that file changed since.

        The file's previous bytes stay in its journal (`Journal.of(path, data)`) until it is closed:
        the change can be taken back until it is committed, even by the next command if this one
        is killed.
        """
        from . import yamlio  # YAML only when a file must be parsed: a cached scan needs none
        from .model import to_data

        appended = _appended(loaded, record)
        if appended is not None:
            data, checked = appended
        else:
            # A comment block at the top (such as an editor's schema line) belongs to the file, not the record.
            data = checked = yamlio.leading_comments(loaded.raw) + yamlio.dump(to_data(record))
        if len(data) > MAX_FILE_BYTES:
            raise DataError(
                loaded.path,
                None,
                f"the change would make the file {len(data)} bytes, over the {MAX_FILE_BYTES} byte "
                "limit accord reads; its history has grown too large: split the record or archive old "
                "history first; nothing written",
            )
        # Re-validate what will be written: a change may never produce a record we cannot read.
        parse_record(type(record), yamlio.load_text(checked.decode("utf-8"), loaded.path), checked, loaded.path)
        replace_record(loaded.path, data, loaded.raw)
        return data


# The history as accord writes it: last in the file, one event after another at the margin.
_HISTORY = b"history:\n"
_HISTORY_BLOCK = re.compile(rb"(?:(?:- |  )[^\n]*\n|\n)*")


def _appended(loaded: Loaded[Any], record: Record) -> tuple[bytes, bytes] | None:
    """`record` written as the file's bytes with its new events appended, when it only adds events
    to a file as accord writes it (fields in canonical form, history last): the old history's
    bytes are kept, not written again. With it, what must be checked: the new fields and events
    alone, the old events having been checked when the file was read. None otherwise."""
    from . import yamlio
    from .model import to_data

    before, after = getattr(loaded.record, "history", []), getattr(record, "history", [])
    events = after[len(before) :]
    if not before or not events or any(a is not b for a, b in zip(before, after, strict=False)):
        return None
    comments = yamlio.leading_comments(loaded.raw)
    head = comments + _head(loaded.record) + _HISTORY
    block = loaded.raw[len(head) :]
    if not loaded.raw.startswith(head) or not _HISTORY_BLOCK.fullmatch(block):
        return None
    fields = comments + _head(record) + _HISTORY
    added = yamlio.dump([to_data(event) for event in events])
    return fields + block + added, fields + added


def _head(record: Record) -> bytes:
    """The record's fields but its history, as accord writes them."""
    from . import yamlio
    from .model import to_data

    data = to_data(record.model_copy(update={"history": []}))
    del data["history"]
    return yamlio.dump(data)


# -- one record by its id -------------------------------------------------------------------


class Found(NamedTuple):
    """The file a record id lives in, loaded, and the record inside it."""

    loaded: Loaded[Article] | Loaded[Target]
    record_id: str

    @property
    def item(self) -> Article | Commitment | Target:
        from .model import Article

        record = self.loaded.record
        if isinstance(record, Article) and record.id != self.record_id:
            return next(c for c in record.commitments if c.id == self.record_id)
        return record


def find(store: Store, record_id: str) -> Found:
    """Read only the one file that `record_id` names: articles/4.yaml for `4` and `4.3`."""
    record_id, article_id = _named(record_id)
    if present(store.article_path(article_id)):
        article = store.article(article_id)
        _holds(article_id, record_id, [c.id for c in article.record.commitments])
        return Found(article, record_id)
    if "." not in record_id and present(store.target_path(record_id)):
        return Found(store.target(record_id), record_id)
    raise NotFoundError(_unknown(store, record_id))


def find_data(store: Store, index: Index, record_id: str) -> tuple[str, dict[str, Any] | None, dict[str, Any] | None]:
    """As `find`, through the index: the record's id, and its article's data (with its history, as
    Store.article_data gives it) or else its target's (as Store.record_data gives it)."""
    record_id, article_id = _named(record_id)
    if present(store.article_path(article_id)):
        article = store.article_data(index, article_id)
        _holds(article_id, record_id, [c["id"] for c in article["commitments"]])
        return record_id, article, None
    if "." not in record_id and present(store.target_path(record_id)):
        return record_id, None, store.record_data(index, f"{TARGETS}/{record_id}.yaml", "Target")
    raise NotFoundError(_unknown(store, record_id))


def _named(record_id: str) -> tuple[str, str]:
    """The record id as records write it, and its article's id (itself for an article or a target)."""
    record_id = checked_text(record_id, "the record id", MAX_TEXT).strip().lower()
    if not _ID.fullmatch(record_id):  # never a path: `../x` or `4/5` name no record
        raise NotFoundError(f"no record {record_id!r}; ids look like 4, 17a, 4.3 or trade")
    return record_id, record_id.rsplit(".", 1)[0]


def _holds(article_id: str, record_id: str, commitment_ids: list[str]) -> None:
    if record_id != article_id and record_id not in commitment_ids:
        raise NotFoundError(f"article {article_id} has no commitment {record_id}; it has {', '.join(commitment_ids)}")


def _unknown(store: Store, record_id: str) -> str:
    import difflib

    known = store.article_ids() + store.target_ids()
    close = difflib.get_close_matches(record_id.rsplit(".", 1)[0], known, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"no record {record_id!r}{hint}"


def all_records(store: Store, errors: list[DataError]) -> Iterator[tuple[Article | Target, Path]]:
    """Every article and target that loads, with its file; a broken file is added to `errors`."""
    for article in store.articles(errors):
        yield article, store.article_path(article.id)
    for target in store.targets(errors):
        yield target, store.target_path(target.id)


class Journal(NamedTuple):
    """A record's previous bytes, kept beside it until the change written over them is final.

    The file's name carries a digest of the bytes the change wrote: whoever settles the journal
    can tell the change from a later edit by hand.
    """

    record: Path
    written: str

    @classmethod
    def of(cls, record: Path, data: bytes) -> Journal:
        import hashlib  # with OpenSSL, which only a change needs

        return cls(record, hashlib.sha256(data).hexdigest()[:32])

    @classmethod
    def parse(cls, path: Path) -> Journal | None:
        name, _, written = path.name[1 : -len(JOURNAL_SUFFIX)].rpartition(".")
        return cls(path.with_name(name), written) if name and _DIGEST.fullmatch(written) else None

    @property
    def path(self) -> Path:
        return self.record.with_name(f".{self.record.name}.{self.written}{JOURNAL_SUFFIX}")

    def wrote(self, data: bytes | None) -> bool:
        return data is not None and Journal.of(self.record, data) == self

    def close(self) -> None:
        """The change is final (committed, or written without a commit): forget the previous bytes."""
        self.path.unlink(missing_ok=True)

    def take_back(self) -> None:
        """Put the previous bytes back in place."""
        try:
            os.replace(self.path, self.record)
        except OSError as exc:
            raise DataError(self.record, None, f"cannot put the previous version back: {exc.strerror}") from None
        fsync_folder(self.record.parent)


def replace_record(path: Path, data: bytes, previous: bytes) -> None:
    """Replace `path`, which must still hold `previous`, with `data`; keep `previous` in its journal.

    The journal is a second name for the file being replaced (a hard link, so nothing is copied),
    made durable before the replace. It also shows a program that rewrote the file in place at
    the last moment: its bytes are then put back and nothing of ours is left.
    """
    journal = Journal.of(path, data).path
    conflict = ConflictError(f"{path} changed while it was being updated; nothing written")
    tmp = temporary(path, data)
    try:
        journal.unlink(missing_ok=True)
        linked = True
        try:
            os.link(path, journal)
        except FileNotFoundError:
            raise conflict from None
        except OSError:  # a filesystem without hard links: keep a copy instead
            linked = False
            temporary(path, previous, journal)
        sync_folder(path.parent)  # the journal is on disk before the record is replaced
        if path.read_bytes() != previous or (linked and not path.samefile(journal)):
            raise conflict
        os.replace(tmp, path)
    except BaseException as exc:
        if not os.path.lexists(tmp):
            raise  # replaced after all (interrupted on the way out): the journal settles it
        Path(tmp).unlink()
        journal.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise DataError(path, None, f"cannot write: {exc.strerror}; the file is unchanged") from None
        raise
    if journal.read_bytes() != previous:  # written in place between our last look and the replace
        Journal.of(path, data).take_back()
        raise ConflictError(
            f"{path} was changed by another program while accord wrote it; that version is kept, nothing written"
        )
    fsync_folder(path.parent)
