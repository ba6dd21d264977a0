"""A local index of the article files, so that a read of every commitment parses no YAML.

The index is an SQLite file, `.accord-cache/index.sqlite` in the records folder (ignored by
git, never committed). It is derived from the files and only from them: it holds, per article
file, the digest of the bytes it was read from, the file's status (size, times, inode) when it
was read, the article's current fields and its commitments' (a few columns that filters use,
and each record's fields as JSON), and the history once a command has needed it: a row per
article and month in which its events were recorded (as JSON), so that a log since a day reads the
rows of that day's month and later, and no other. A row per event would cost five times as much
to write (a log after a clone).
The other record files (statement.yaml, glossary.yaml, targets/*.yaml) are kept whole, as their
models' data, with their digest and status too: `show` and `search` print from them without a
model (see storage.Store.record_data).

A file's rows are used only while the file is what was read:

- when its status (size, modification and change times, inode, device) is the one recorded and
  its change time was over `SETTLED_NS` older than the moment it was read, its bytes are not
  read again. Writing a file, renaming another over it or setting its times back (touch,
  `cp -p`, an editor that keeps the modification time) sets its change time to the present,
  which no process can set back; a change made in the same clock tick as the reading cannot
  hide either, since a file changed that recently is never taken on its status.
- else its bytes are read and hashed, and it is parsed again only if the digest differs.

Besides, each commitment's searched fields are kept accent-folded in small letters, and their
words and those of each article's title and text in full-text indexes, so that a search is handed
only the records that can match; the commitments are counted per section, status and kind as
rows come and go (`tally`), so that `stats` reads no commitment; and `validate` keeps what it
found in each file's bytes (see validation.py).

The index is rebuilt, never trusted, when it is missing, is not an SQLite file, is another
application's or another format's (PRAGMA application_id, user_version, accord's version and a
digest of the code that shapes its rows: the records' model and this module), or is a link or
anything but a regular file. A new or rebuilt index is made in a temporary
file and renamed into place; updates are SQLite transactions, so readers building it at once
cannot corrupt it. An index that cannot be opened or written (read-only folder, a lock held
too long) is skipped: every command still reads the files. `validate` never vouches for the
index; see validation.py.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
import time
from collections.abc import Iterable, Iterator
from contextlib import suppress
from datetime import date
from enum import IntEnum
from pathlib import Path
from typing import Any, Literal, NamedTuple

from . import indexfile
from .fsio import TMP_SUFFIX
from .indexfile import CACHE_DIR as CACHE_DIR
from .indexfile import INDEX_FILE as INDEX_FILE
from .indexfile import digest as digest
from .text import fold_accents

APPLICATION_ID = 0x61636364  # "accd"
FORMAT = 13  # user_version: a change to the tables below changes this
SETTLED_NS = 2_000_000_000  # a file changed less than this before it was read is read again next time
UNFOLDED = "0unfolded0"  # the word kept of a text that is not ASCII once folded (see `words`)
BUSY_MS = 3000  # how long to wait for another process that writes the index before doing without it
_LEGACY = ("articles.json",)  # the parse cache of earlier releases

# An article's events as the index keeps them, a row of `histories` each: for each month in which
# some were recorded (YYYY-MM, as their `at` starts), the JSON text of an object that holds them
# by their place in the history. `articles.history` is 1 once an article's are kept.
Months = list[tuple[str, str]]


def events_of(months: Months) -> list[Any]:
    """The events of a history kept as `months`, as JSON data, in their order."""
    by_place: dict[str, Any] = {}
    for _, text in months:
        by_place.update(json.loads(text))
    return [by_place[place] for place in sorted(by_place, key=int)]

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files(
    name TEXT PRIMARY KEY, digest TEXT NOT NULL, size INTEGER, mtime INTEGER, ctime INTEGER,
    inode INTEGER, device INTEGER, checked INTEGER
);
CREATE TABLE articles(
    file TEXT PRIMARY KEY, id TEXT NOT NULL, sortkey TEXT NOT NULL, section INTEGER NOT NULL,
    status TEXT NOT NULL, owner TEXT, due TEXT, tags TEXT NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL,
    data TEXT NOT NULL, history INTEGER, recorded TEXT, touched TEXT, review TEXT
);
CREATE INDEX articles_order ON articles(sortkey);
CREATE TABLE commitments(
    file TEXT NOT NULL, pos INTEGER NOT NULL, id TEXT NOT NULL, status TEXT NOT NULL, kind TEXT NOT NULL,
    side TEXT NOT NULL, asked_by TEXT, owner TEXT, due TEXT, tags TEXT NOT NULL, title TEXT NOT NULL,
    excerpt TEXT NOT NULL, note TEXT, data TEXT NOT NULL, words TEXT, touched TEXT, review TEXT,
    changed TEXT, changed_by TEXT, evidence TEXT, public_evidence TEXT, PRIMARY KEY(file, pos)
);
CREATE INDEX commitments_id ON commitments(id);
CREATE INDEX commitments_counted ON commitments(file, status, kind);
CREATE TABLE others(
    name TEXT PRIMARY KEY, digest TEXT NOT NULL, size INTEGER, mtime INTEGER, ctime INTEGER,
    inode INTEGER, device INTEGER, checked INTEGER, data TEXT NOT NULL
);
CREATE TABLE histories(
    file TEXT NOT NULL, month TEXT NOT NULL, sortkey TEXT NOT NULL, events TEXT NOT NULL, PRIMARY KEY(file, month)
);
CREATE INDEX histories_month ON histories(month);
CREATE TABLE validated(
    name TEXT PRIMARY KEY, digest TEXT NOT NULL, context TEXT NOT NULL, findings TEXT NOT NULL
);
"""
# The commitments counted per section, status and kind, kept by SQLite as rows come and go, in
# whatever order and by whichever statement, so that `stats` reads a few rows, not every one. A
# row replaced (INSERT OR REPLACE) is counted out only with recursive triggers on (see Index.open).
_SCHEMA += """
CREATE INDEX articles_section ON articles(section);
CREATE TABLE tally(
    section INTEGER NOT NULL, status TEXT NOT NULL, kind TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY(section, status, kind)
);
CREATE TRIGGER tally_in AFTER INSERT ON commitments BEGIN
    INSERT INTO tally SELECT section, new.status, new.kind, 1 FROM articles WHERE file = new.file
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER tally_out AFTER DELETE ON commitments BEGIN
    UPDATE tally SET n = n - 1 WHERE status = old.status AND kind = old.kind
    AND section = (SELECT section FROM articles WHERE file = old.file);
END;
CREATE TRIGGER tally_moved AFTER UPDATE OF file, status, kind ON commitments BEGIN
    UPDATE tally SET n = n - 1 WHERE status = old.status AND kind = old.kind
    AND section = (SELECT section FROM articles WHERE file = old.file);
    INSERT INTO tally SELECT section, new.status, new.kind, 1 FROM articles WHERE file = new.file
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER tally_article_in AFTER INSERT ON articles BEGIN
    INSERT INTO tally SELECT new.section, status, kind, count(*) FROM commitments WHERE file = new.file
    GROUP BY status, kind ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER tally_article_out AFTER DELETE ON articles BEGIN
    UPDATE tally SET n = n - (
        SELECT count(*) FROM commitments c WHERE c.file = old.file AND c.status = tally.status AND c.kind = tally.kind
    ) WHERE section = old.section;
END;
CREATE TRIGGER tally_article_moved AFTER UPDATE OF file, section ON articles BEGIN
    UPDATE tally SET n = n - (
        SELECT count(*) FROM commitments c WHERE c.file = old.file AND c.status = tally.status AND c.kind = tally.kind
    ) WHERE section = old.section;
    INSERT INTO tally SELECT new.section, status, kind, count(*) FROM commitments WHERE file = new.file
    GROUP BY status, kind ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
"""
# The words a search looks for, as `words` gives them, of each commitment and of each article's
# title and text, in full-text indexes: a search reads the rows in which a word starts with what it
# looks for, not every row. Text that is not ASCII once folded is kept as the one word UNFOLDED,
# which every such search also asks for. Triggers note the rows written (`*_in`) and the words of
# the rows removed (`*_out`) as they go; a search brings the indexes up to date from those notes
# in bulk (Index.sync_words), which FTS5 does many times faster than row by row. Contentless: a
# row is taken out with the words it was put in with (`accord_words` is `words`, given to SQLite
# by Index.open); a row removed before it was put in is only struck from the notes.


def _noted(words: str, table: str, words_of_old: str, changed: str) -> str:
    """The full-text index `words` of the rows of `table`, with its notes and the triggers that
    keep them (see above); `words_of_old` gives a row's words, from the columns `changed`."""
    return f"""
CREATE VIRTUAL TABLE {words} USING fts5(words, content='', detail=none);
CREATE TABLE {words}_in(id INTEGER PRIMARY KEY);
CREATE TABLE {words}_out(id INTEGER NOT NULL, words TEXT NOT NULL);
CREATE TRIGGER {words}_put AFTER INSERT ON {table} BEGIN
    INSERT OR IGNORE INTO {words}_in VALUES (new.rowid);
END;
CREATE TRIGGER {words}_taken AFTER DELETE ON {table} BEGIN
    INSERT INTO {words}_out SELECT old.rowid, coalesce({words_of_old}, '{UNFOLDED}')
    WHERE NOT EXISTS (SELECT 1 FROM {words}_in WHERE id = old.rowid);
    DELETE FROM {words}_in WHERE id = old.rowid;
END;
CREATE TRIGGER {words}_changed AFTER UPDATE OF {changed} ON {table} BEGIN
    INSERT INTO {words}_out SELECT old.rowid, coalesce({words_of_old}, '{UNFOLDED}')
    WHERE NOT EXISTS (SELECT 1 FROM {words}_in WHERE id = old.rowid);
    INSERT OR IGNORE INTO {words}_in VALUES (new.rowid);
END;
"""


_SCHEMA += _noted("commitment_words", "commitments", "old.words", "words")
_SCHEMA += _noted("article_words", "articles", "accord_words(old.title, old.text)", "title, text")


def _triggers() -> list[tuple[str, str]]:
    """Each trigger's statement and name: a first build leaves them out and does their work once at the end."""
    return re.findall(r"^(CREATE TRIGGER (\w+) .*?^END;)", _SCHEMA, re.MULTILINE | re.DOTALL)


# Each full-text index's words of the rows written since it was brought up to date.
_WORDS_WRITTEN = {
    "commitment_words": f"SELECT c.rowid, coalesce(c.words, '{UNFOLDED}') "
    "FROM commitment_words_in i JOIN commitments c ON c.rowid = i.id",
    "article_words": f"SELECT a.rowid, coalesce(accord_words(a.title, a.text), '{UNFOLDED}') "
    "FROM article_words_in i JOIN articles a ON a.rowid = i.id",
}


# The columns a list can be narrowed by in SQL before the filters check each row.
NARROWING = {"status": "c.status", "kind": "c.kind", "side": "c.side", "section": "a.section"}


def sortkey(record_id: str) -> str:
    """A text that sorts as storage.natural_key sorts: `2` before `10`, `17` before `17a`."""
    parts = []
    for part in re.findall(r"\d+|[^\d.]+", record_id):
        if part.isdigit():
            digits = part.lstrip("0") or "0"
            parts.append(f"0{len(digits):04d}{digits}")
        else:
            parts.append(f"1{part}")
    return "\x00".join(parts)


# -- rows without the records' model: what list, search and stats print ----------------------


class HistoryFacts(NamedTuple):
    """What an article's history says of the records in it (query.history_facts reads them), kept
    beside its rows so that a report needs no history of an article without recent events, and an
    export none at all."""

    touched: dict[str, date]  # by record id, the day the latest event about it was recorded
    review: dict[str, date]  # by record id, the review date in force
    # By record id, of the latest event about it by when it happened (Event.effective): that day and
    # who recorded it; and the evidence link of the latest that has one, and of the latest not internal;
    # of the events neither undone nor an undo.
    changed: dict[str, tuple[date, str]]
    evidence: dict[str, str]
    public_evidence: dict[str, str]

    @property
    def recorded(self) -> date | None:
        """The day the article's latest event was recorded; None when it has none."""
        return max(self.touched.values(), default=None)

    def of_article(self, article_id: str) -> tuple[date | None, date | None]:
        """What it says of an article itself: the day the latest event about it or one of its
        commitments was recorded, and its own review date in force."""
        prefix = article_id + "."
        touched = (day for record, day in self.touched.items() if record == article_id or record.startswith(prefix))
        return max(touched, default=None), self.review.get(article_id)

    def of(self, record_id: str) -> tuple[date | None, date | None, date | None, str | None, str | None, str | None]:
        """What it says of one record, as a CommitmentEntry holds it (`touched` to `public_evidence`)."""
        changed = self.changed.get(record_id)
        return (
            self.touched.get(record_id),
            self.review.get(record_id),
            changed[0] if changed else None,
            changed[1] if changed else None,
            self.evidence.get(record_id),
            self.public_evidence.get(record_id),
        )


NO_FACTS = HistoryFacts({}, {}, {}, {}, {})  # of an article whose history was not read


class Read(IntEnum):
    """How much of an article file the index keeps, each level with the ones below: its current
    fields; what its history says (HistoryFacts); its history itself."""

    HEAD = 0
    FACTS = 1
    HISTORY = 2


# How much of an article file its row `a` keeps (Read).
_READ = (
    f"CASE WHEN a.history IS NOT NULL THEN {Read.HISTORY} WHEN a.recorded IS NOT NULL THEN {Read.FACTS} "
    f"ELSE {Read.HEAD} END"
)
# What is known of each article file: see Index.known.
_KNOWN = (
    "SELECT f.name, f.digest, f.size, f.mtime, f.ctime, f.inode, f.device, f.checked, "
    f"{_READ} FROM files f LEFT JOIN articles a ON a.file = f.name"
)


class CommitmentEntry(NamedTuple):
    """A commitment's current fields, as plain values."""

    id: str
    title: str
    side: str
    kind: str
    asked_by: str | None
    excerpt: str
    note: str | None
    status: str
    owner: str | None
    due: date | None
    tags: tuple[str, ...]
    data: str  # every field, as JSON
    parties: dict[str, str] | None = None  # each party's status, on a commitment both carry
    touched: date | None = None  # HistoryFacts.touched of it, when its article's `recorded` is known
    review: date | None = None  # HistoryFacts.review of it, likewise
    changed: date | None = None  # HistoryFacts.changed of it, likewise: the day
    changed_by: str | None = None  # and who
    evidence: str | None = None  # HistoryFacts.evidence of it, likewise
    public_evidence: str | None = None  # HistoryFacts.public_evidence of it, likewise

    def model(self) -> Any:
        from .model import Commitment

        return Commitment.model_validate(json.loads(self.data))

    def party_status(self, party: str) -> str | None:
        """As `Commitment.party_status`."""
        from .values import party_status

        return party_status(self.side, self.status, self.parties, party)

    def differing_parties(self) -> dict[str, str] | None:
        """As `Commitment.differing_parties`."""
        from .values import differing_parties

        return differing_parties(self.side, self.parties)

    def kind_text(self) -> str:
        """As `Commitment.kind_text`."""
        from .values import kind_text

        return kind_text(self.kind, self.asked_by, self.side)


class ArticleEntry(NamedTuple):
    """An article's current fields and its commitments, as plain values."""

    id: str
    section: int
    title: str
    text: str
    status: str
    owner: str | None
    due: date | None
    tags: tuple[str, ...]
    data: str  # every field but the commitments and the history, as JSON
    history: str | None  # the events as JSON; None when not yet read, or not asked for
    commitments: list[CommitmentEntry]
    recorded: date | None = None  # HistoryFacts.recorded, when `known`
    known: bool = False  # whether the facts of its history (`recorded`, its own, each commitment's) are known
    touched: date | None = None  # HistoryFacts.of_article of it, when `known`: the day it was last touched
    review: date | None = None  # and its own review date

    def data_with(self, history: bool) -> dict[str, Any]:
        """The article as the model reads it; with `history` (which must be known), its events."""
        data: dict[str, Any] = json.loads(self.data)
        data["commitments"] = [json.loads(c.data) for c in self.commitments]
        if history and self.history is not None:
            data["history"] = json.loads(self.history)
        return data


class TargetEntry(NamedTuple):
    """A target's fields that a search reads, as plain values, and all of them as model.to_data gives them."""

    id: str
    article: str
    title: str
    source: str
    notes: list[str]
    data: dict[str, Any]

    @classmethod
    def of(cls, data: dict[str, Any]) -> TargetEntry:
        return cls(data["id"], data["article"], data["title"], data["source"], data.get("notes", []), data)

    def model(self) -> Any:
        from .model import Target

        return Target.model_validate(self.data)


def entry_of(article: dict[str, Any], facts: HistoryFacts | None = None) -> ArticleEntry:
    """The plain values of an article given as the model's JSON data, history left out; with what
    its history says, when `facts` are given."""
    known = facts or NO_FACTS
    head = {k: v for k, v in article.items() if k not in ("commitments", "history")}
    commitments = [
        CommitmentEntry(
            c["id"],
            c["title"],
            c["side"],
            c["kind"],
            c.get("asked_by"),
            c["excerpt"],
            c.get("note"),
            c["status"],
            c.get("owner"),
            _date(c.get("due")),
            tuple(c.get("tags", [])),
            dumps(c),
            c.get("parties"),
            *known.of(c["id"]),
        )
        for c in article.get("commitments", [])
    ]
    return ArticleEntry(
        head["id"],
        head["section"],
        head["title"],
        head["text"],
        head["status"],
        head.get("owner"),
        _date(head.get("due")),
        tuple(head.get("tags", [])),
        dumps(head),
        None,
        commitments,
        known.recorded,
        facts is not None,
        *known.of_article(head["id"]),
    )


class Stamp(NamedTuple):
    """A file's status when it was read, and when that was."""

    size: int
    mtime: int
    ctime: int
    inode: int
    device: int
    checked: int

    @classmethod
    def of(cls, status: os.stat_result, checked: int) -> Stamp:
        return cls(status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino, status.st_dev, checked)

    def vouches_for(self, status: os.stat_result) -> bool:
        """Whether a file with `status` is unchanged since it was read (see the module's docstring)."""
        return (
            stat.S_ISREG(status.st_mode)
            and (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino, status.st_dev)
            == (self.size, self.mtime, self.ctime, self.inode, self.device)
            and self.ctime + SETTLED_NS < self.checked
        )


def words(*fields: str) -> str | None:
    """The fields as a search sees them, accents folded, in small letters; None when that is not
    ASCII (then a small-letter test is not the whole truth and the search reads the fields)."""
    folded = fold_accents("\n".join(fields))
    return folded.lower() if folded.isascii() else None


def _tags_text(tags: list[str]) -> str:
    return "\n".join(tags)  # a tag is a slug: no line breaks


def _tags(text: str) -> tuple[str, ...]:
    return tuple(text.split("\n")) if text else ()


def _parties(data: str) -> dict[str, str] | None:
    """Each party's status, from a commitment's JSON; most have none, and are not decoded."""
    if '"parties"' not in data:
        return None
    parties = json.loads(data).get("parties")
    return parties if isinstance(parties, dict) else None


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


class Index:
    """The open index of one records folder."""

    def __init__(self, db: sqlite3.Connection, path: Path):
        self.db = db
        self.path = path
        self._files: dict[str, tuple[str, Stamp, int]] | None = None
        self._pending = 0
        self._closed = False
        self._bulk = False  # see begin_bulk

    @classmethod
    def open(cls, root: Path) -> Index | None:
        """The records folder's index, made or rebuilt as needed; None when there can be none."""
        folder = root / CACHE_DIR
        try:
            folder.mkdir(exist_ok=True)
            if not stat.S_ISDIR(os.lstat(folder).st_mode):
                return None  # a link to somewhere else: nothing of ours is written through it
            for legacy in _LEGACY:
                (folder / legacy).unlink(missing_ok=True)
        except OSError:
            return None
        path = folder / INDEX_FILE
        for _ in range(2):
            try:
                if not os.path.lexists(path) or not stat.S_ISREG(os.lstat(path).st_mode):
                    _create(path)
                db = sqlite3.connect(
                    f"{path.absolute().as_uri()}?nofollow=1", uri=True, timeout=BUSY_MS / 1000, isolation_level=None
                )
                if _is_ours(db):
                    db.execute("PRAGMA recursive_triggers = ON")  # a replaced row is counted out of `tally`
                    db.create_function("accord_words", 2, words, deterministic=True)
                    return cls(db, path)
                db.close()
                _remove(path)  # another format, version or application: made afresh
            except (sqlite3.Error, OSError):
                try:
                    _remove(path)  # not an index (garbage, truncated): made afresh
                except OSError:
                    return None
        return None

    # -- what is known of each file ------------------------------------------------------------

    def known(self, name: str) -> tuple[str, Stamp, int] | None:
        """The digest and status a file had when it was read, and how much of it is known (`Read`)."""
        if self._files is None:
            self._files = {r[0]: (r[1], Stamp(*r[2:8]), r[8]) for r in self.db.execute(_KNOWN)}
        return self._files.get(name)

    def looked_up(self, name: str) -> tuple[str, Stamp, int] | None:
        """As `known`, by a query of its own until every file's is loaded: a command that checks a
        few files (`show`, a read after a change) loads no other's."""
        if self._files is not None:
            return self._files.get(name)
        row = self.db.execute(f"{_KNOWN} WHERE f.name = ?", (name,)).fetchone()
        return None if row is None else (row[1], Stamp(*row[2:8]), row[8])

    def unchanged_files(self, need: Read) -> set[tuple[str, int, int, int, int, int]]:
        """The files whose status vouches for their rows (with as much of each as `need`), each as
        its name, size, modification and change times, inode and device: those read over
        `SETTLED_NS` after they last changed. A regular file whose status holds these values is the
        one that was read (see Stamp.vouches_for)."""
        known = f" JOIN articles a ON a.file = f.name AND {_READ} >= {int(need)}" if need > Read.HEAD else ""
        rows = self.db.execute(
            f"SELECT f.name, f.size, f.mtime, f.ctime, f.inode, f.device FROM files f{known} "
            "WHERE f.ctime + ? < f.checked",
            (SETTLED_NS,),
        )
        return set(rows)

    def empty(self) -> bool:
        """Whether no file is indexed yet: a first build."""
        self.known("")
        return not self._files

    def begin(self) -> None:
        if not self.db.in_transaction:
            self.db.execute("BEGIN IMMEDIATE")

    def restamp(self, name: str, stamp: Stamp, table: Literal["files", "others"] = "files") -> None:
        """The file was read again and found unchanged: an article's, or (`others`) another record's."""
        self.begin()
        self.db.execute(
            f"UPDATE {table} SET size=?, mtime=?, ctime=?, inode=?, device=?, checked=? WHERE name=?",
            (stamp.size, stamp.mtime, stamp.ctime, stamp.inode, stamp.device, stamp.checked, name),
        )
        self._written()

    def put(
        self,
        name: str,
        raw_digest: str,
        stamp: Stamp,
        article: dict[str, Any],
        history: tuple[Months | None, HistoryFacts] | None,
    ) -> None:
        """Keep what a file holds: `article` is the model's JSON data of it but its history; `history`,
        when the history was read (None: it was not), is what query.history_facts finds in it with its
        events by month (Months), or None for them when only what it says is kept (Read.FACTS)."""
        self.begin()
        self.known(name)
        assert self._files is not None  # loaded by known()
        events, facts = history if history is not None else (None, None)
        read = Read.HEAD if facts is None else Read.FACTS if events is None else Read.HISTORY
        self._files[name] = (raw_digest, stamp, read)
        # Another reader may have indexed the file since this one looked: replace whatever is there.
        self.db.execute("DELETE FROM commitments WHERE file = ?", (name,))
        self.db.execute("DELETE FROM histories WHERE file = ?", (name,))
        self.db.execute(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (name, raw_digest, stamp.size, stamp.mtime, stamp.ctime, stamp.inode, stamp.device, stamp.checked),
        )
        commitments = article.pop("commitments", [])
        article_id = article["id"]  # which may differ from the file's name: validate says so
        self.db.execute(
            "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                name,
                article_id,
                sortkey(name.removesuffix(".yaml")),
                article["section"],
                article["status"],
                article.get("owner"),
                article.get("due"),
                _tags_text(article.get("tags", [])),
                article["title"],
                article["text"],
                dumps(article),
                None if events is None else 1,
                (_day(facts.recorded) or "") if facts is not None else None,  # "": known to have no event
                *(_day(day) for day in (facts or NO_FACTS).of_article(article_id)),
            ),
        )
        if events:
            key = sortkey(name.removesuffix(".yaml"))
            self.db.executemany(
                "INSERT INTO histories VALUES (?, ?, ?, ?)", [(name, month, key, text) for month, text in events]
            )
        self.db.executemany(
            "INSERT INTO commitments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    name,
                    pos,
                    c["id"],
                    c["status"],
                    c["kind"],
                    c["side"],
                    c.get("asked_by"),
                    c.get("owner"),
                    c.get("due"),
                    _tags_text(c.get("tags", [])),
                    c["title"],
                    c["excerpt"],
                    c.get("note"),
                    dumps(c),
                    words(c["excerpt"], c["title"], " ".join(c.get("tags", [])), c.get("note") or ""),
                    *(v.isoformat() if isinstance(v, date) else v for v in (facts or NO_FACTS).of(c["id"])),
                )
                for pos, c in enumerate(commitments)
            ],
        )
        self._written()

    def article_data(self, name: str) -> dict[str, Any] | None:
        """One article file's data with its commitments and history, as the model's JSON data; None
        when its history is not known."""
        head = self.db.execute("SELECT data, history FROM articles WHERE file = ?", (name,)).fetchone()
        if head is None or head[1] is None:
            return None
        rows = self.db.execute("SELECT data FROM commitments WHERE file = ? ORDER BY pos", (name,))
        article: dict[str, Any] = json.loads(head[0])
        article["commitments"] = [json.loads(data) for (data,) in rows]
        article["history"] = json.loads(self._history(name))
        return article

    def _history(self, name: str) -> str:
        """The history of an article file, as the JSON text of its events in their order."""
        rows = self.db.execute(
            "SELECT e.value FROM histories h, json_each(h.events) e WHERE h.file = ? ORDER BY CAST(e.key AS INTEGER)",
            (name,),
        )
        return f"[{','.join(event for (event,) in rows)}]"

    # -- the other record files, kept whole ------------------------------------------------------

    def record(self, name: str) -> tuple[str, Stamp, str] | None:
        """The digest and status a record file other than an article's had when it was read, and
        its data as `record_text` wrote it."""
        row = self.db.execute(
            "SELECT digest, size, mtime, ctime, inode, device, checked, data FROM others WHERE name = ?", (name,)
        ).fetchone()
        return None if row is None else (row[0], Stamp(*row[1:7]), row[7])

    def put_record(self, name: str, raw_digest: str, stamp: Stamp, data: str) -> None:
        self.begin()
        self.db.execute(
            "INSERT OR REPLACE INTO others VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (name, raw_digest, stamp.size, stamp.mtime, stamp.ctime, stamp.inode, stamp.device, stamp.checked, data),
        )
        self._written()

    def keep_records_only(self, folder: str, names: Iterable[str]) -> None:
        """Forget the files in `folder` that are not among `names` (removed since they were read)."""
        kept = set(names)
        rows = self.db.execute("SELECT name FROM others")
        for name in [n for (n,) in rows if n.startswith(f"{folder}/") and n not in kept]:
            self.drop_record(name)

    def drop_record(self, name: str) -> None:
        self.begin()
        self.db.execute("DELETE FROM others WHERE name = ?", (name,))
        self._written()

    def drop(self, name: str) -> None:
        if self.known(name) is not None:
            self.begin()
            for table in ("commitments", "histories", "articles"):
                self.db.execute(f"DELETE FROM {table} WHERE file = ?", (name,))
            self.db.execute("DELETE FROM files WHERE name = ?", (name,))
            assert self._files is not None  # loaded by known()
            del self._files[name]
            self._written()

    def names(self) -> set[str]:
        """The article files that have rows."""
        return {name for (name,) in self.db.execute("SELECT name FROM files")}

    def begin_bulk(self) -> None:
        """Before the rows of many files (a first build): until the commit, which ends it, the rows
        are written in one transaction without the triggers that keep `tally` and the full-text
        notes, and their work is done once at the end, in bulk, at half the writer's cost. No other
        process sees the index meanwhile without them."""
        self.begin()
        for _, name in _triggers():
            self.db.execute(f"DROP TRIGGER {name}")
        self._bulk = True

    def _end_bulk(self) -> None:
        """What the triggers would have done since begin_bulk, done again from every row: `tally`
        counted afresh, and every row noted for the full-text indexes, made afresh at the next search."""
        self._bulk = False
        self.db.execute("DELETE FROM tally")
        self.db.execute(
            "INSERT INTO tally SELECT a.section, c.status, c.kind, count(*) "
            "FROM commitments c JOIN articles a ON a.file = c.file GROUP BY a.section, c.status, c.kind"
        )
        for words, table in (("commitment_words", "commitments"), ("article_words", "articles")):
            self.db.execute(f"INSERT INTO {words}({words}) VALUES ('delete-all')")
            self.db.execute(f"DELETE FROM {words}_out")
            self.db.execute(f"DELETE FROM {words}_in")
            self.db.execute(f"INSERT INTO {words}_in SELECT rowid FROM {table}")
        for trigger, _ in _triggers():
            self.db.execute(trigger)

    def _written(self) -> None:
        self._pending += 1
        if self._pending >= 500 and not self._bulk:  # a long build keeps what it has done in steps
            self.commit()

    def commit(self) -> None:
        if self.db.in_transaction:
            if self._bulk:
                self._end_bulk()
            self.db.execute("COMMIT")
        self._pending = 0

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self.commit()
        except sqlite3.Error:
            with suppress(sqlite3.Error):
                self.db.rollback()
        finally:
            self.db.close()

    def give_up(self, exc: sqlite3.Error) -> None:
        """Close after `exc` without keeping anything; an index found damaged is removed, for the next
        read to rebuild (one that was only busy is left as it is)."""
        self._closed = True
        with suppress(sqlite3.Error):
            self.db.rollback()
        self.db.close()
        if getattr(exc, "sqlite_errorname", "") in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):
            with suppress(OSError):
                _remove(self.path)

    # -- what validate found in a file -----------------------------------------------------------

    def findings(self, context: str) -> dict[str, tuple[str, str]]:
        """What validate found in each file in `context`, as JSON, with the digest of the bytes it read."""
        rows = self.db.execute("SELECT name, digest, findings FROM validated WHERE context = ?", (context,))
        return {name: (raw_digest, found) for name, raw_digest, found in rows}

    def keep_findings(self, name: str, raw_digest: str, context: str, findings: list[list[Any]]) -> None:
        self.begin()
        self.db.execute(
            "INSERT OR REPLACE INTO validated VALUES (?, ?, ?, ?)", (name, raw_digest, context, dumps(findings))
        )
        self._written()

    # -- reading -------------------------------------------------------------------------------

    def articles(
        self,
        only: dict[str, frozenset[Any]] | None = None,
        history: bool = False,
        needles: tuple[str, ...] = (),
        recorded_after: date | None = None,
        unchanged_since: date | None = None,
        review_on: date | None = None,
        tags: frozenset[str] = frozenset(),
    ) -> Iterator[ArticleEntry]:
        """Every article in reading order with its commitments and what its history says (when
        known), with its history (when known) if `history`, and then, given `recorded_after`, only
        if an event was recorded after that day or its facts are not known; with `only`, just the
        commitments whose columns (of NARROWING) hold one of the values given; with `needles` (each a
        word's start in small letters, accents folded), just those whose `words` start a word with
        one or are not ASCII, and of the other articles only those whose title or text may match
        likewise (all of them when a needle is more than letters and digits: then `words` are
        searched for it anywhere); with `unchanged_since` or `review_on`, just
        those that its history's facts leave in the running for `list --stale` or `--due-review`
        (untouched since that day, or due for review by it), or whose facts are not known; with
        `tags`, just those that hold each tag or whose article does. Narrowed by any of these but
        `needles`, only the articles that keep a commitment are given: a listing of commitments
        reads no other."""
        clauses: list[str] = []
        args: list[Any] = []
        for tag in sorted(tags):  # a commitment's or an article's tags, one a line
            clauses.append(
                "(instr(char(10) || c.tags || char(10), ?) > 0 OR instr(char(10) || a.tags || char(10), ?) > 0)"
            )
            args += [f"\n{tag}\n"] * 2
        if unchanged_since is not None:
            clauses.append("(a.recorded IS NULL OR c.touched IS NULL OR c.touched < ?)")
            args.append(unchanged_since.isoformat())
        if review_on is not None:
            clauses.append("(a.recorded IS NULL OR c.review <= ?)")
            args.append(review_on.isoformat())
        for column, values in (only or {}).items():
            clauses.append(f"{NARROWING[column]} IN ({', '.join('?' * len(values))})")
            args += [str(v) if isinstance(v, str) else v for v in values]
        starts = _word_starts(needles)
        if starts is not None:
            self.sync_words()
            clauses.append("c.rowid IN (SELECT rowid FROM commitment_words WHERE commitment_words MATCH ?)")
            args.append(starts)
        elif needles:
            clauses.append(f"(c.words IS NULL OR {' OR '.join('instr(c.words, ?) > 0' for _ in needles)})")
            args += needles
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        narrowed, narrowing = "", tuple(args)
        if clauses and not needles:
            narrowed = f"WHERE file IN (SELECT c.file FROM commitments c JOIN articles a ON c.file = a.file {where}) "
        elif starts is not None:  # and the articles whose own title or text may match
            narrowed = (
                f"WHERE file IN (SELECT c.file FROM commitments c JOIN articles a ON c.file = a.file {where}) "
                "OR rowid IN (SELECT rowid FROM article_words WHERE article_words MATCH ?) "
            )
            narrowing += (starts,)
        # Two cursors in the same order, so that each article's text is read once, not once per commitment.
        events = "NULL"
        if history:
            events = "CASE WHEN recorded IS NULL OR recorded > ? THEN history END" if recorded_after else "history"
        heads = self.db.execute(
            f"SELECT file, id, section, title, text, status, owner, due, tags, data, {events}, recorded, touched, "
            f"review FROM articles {narrowed}ORDER BY sortkey, file",
            ((recorded_after.isoformat(),) if history and recorded_after is not None else ())
            + (narrowing if narrowed else ()),
        )
        rows = self.db.execute(
            "SELECT c.file, c.id, c.title, c.side, c.kind, c.asked_by, c.excerpt, c.note, c.status, c.owner, c.due, "
            "c.tags, c.data, c.touched, c.review, c.changed, c.changed_by, c.evidence, c.public_evidence "
            f"FROM commitments c JOIN articles a ON c.file = a.file {where} "
            "ORDER BY a.sortkey, a.file, c.pos",
            tuple(args),
        )
        row = rows.fetchone()
        for h in heads:
            article = ArticleEntry(
                h[1], h[2], h[3], h[4], h[5], h[6], _date(h[7]), _tags(h[8]), h[9],
                None if h[10] is None else self._history(h[0]), [], _date(h[11]), h[11] is not None, _date(h[12]),
                _date(h[13]),
            )  # fmt: skip
            while row is not None and row[0] == h[0]:
                c = row
                entry = CommitmentEntry(
                    c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], _date(c[10]), _tags(c[11]), c[12],
                    _parties(c[12]), _date(c[13]), _date(c[14]), _date(c[15]), c[16], c[17], c[18],
                )  # fmt: skip
                article.commitments.append(entry)
                row = rows.fetchone()
            yield article

    def recent_without_history(self, day: date) -> list[str]:
        """The article files with an event recorded after `day` whose history is not kept (Read.FACTS)."""
        rows = self.db.execute(
            "SELECT file FROM articles WHERE history IS NULL AND recorded > ? ORDER BY sortkey, file",
            (day.isoformat(),),
        )
        return [name for (name,) in rows]

    def sync_words(self) -> None:
        """Bring the full-text indexes up to date with the rows written and removed since (see
        _SCHEMA), in one transaction."""
        notes = " OR ".join(f"EXISTS (SELECT 1 FROM {t}_in) OR EXISTS (SELECT 1 FROM {t}_out)" for t in _WORDS_WRITTEN)
        if not self.db.execute(f"SELECT {notes}").fetchone()[0]:
            return  # nothing to write: a search of an index up to date takes no write lock
        self.begin()
        for table, written in _WORDS_WRITTEN.items():
            self.db.execute(f"INSERT INTO {table}({table}, rowid, words) SELECT 'delete', id, words FROM {table}_out")
            self.db.execute(f"INSERT INTO {table}(rowid, words) {written}")
            self.db.execute(f"DELETE FROM {table}_out")
            self.db.execute(f"DELETE FROM {table}_in")
        self.commit()

    def changes(self, since: date | None) -> Iterator[tuple[str, str, str, str]]:
        """The articles' events recorded on or after `since` (all without it), newest first, those
        recorded at the same moment in reading order: each as its `at` (as the model writes it, so
        that its text sorts as the moment does), id, `by` and JSON text."""
        day = since.isoformat() if since is not None else ""
        return self.db.execute(
            "SELECT json_extract(e.value, '$.at') AS at, json_extract(e.value, '$.id'), "
            "json_extract(e.value, '$.by'), e.value FROM histories h, json_each(h.events) e "
            "WHERE h.month >= ? AND at >= ? ORDER BY at DESC, h.sortkey, h.file, CAST(e.key AS INTEGER)",
            (day[:7], day),
        )

    def counts(self, by: str) -> dict[int, dict[str, int]]:
        """Commitments per section, counted by `by` (status or kind)."""
        column = {"status": "status", "kind": "kind"}[by]
        sections = self.db.execute("SELECT DISTINCT section FROM articles ORDER BY section")
        counts: dict[int, dict[str, int]] = {section: {} for (section,) in sections}
        query = f"SELECT section, {column}, sum(n) FROM tally GROUP BY section, {column} HAVING sum(n) > 0"
        for section, value, number in self.db.execute(query):
            if section in counts:
                counts[section][value] = number
        return counts


def _word_starts(needles: tuple[str, ...]) -> str | None:
    """The full-text query for the words that start with one of `needles`, or are UNFOLDED; None
    when there are none, or one holds more than small letters and digits, which the full-text
    index splits words at."""
    if not needles or not all(_LETTERS_AND_DIGITS.fullmatch(needle) for needle in needles):
        return None
    return " OR ".join(f'"{word}" *' for word in (*needles, UNFOLDED))


_LETTERS_AND_DIGITS = re.compile(r"[a-z0-9]+")


def dumps(value: object) -> str:
    """The compact JSON text the index keeps of a value."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


_DECIMAL = "$decimal"  # no field of a record has this name


def record_text(data: dict[str, Any]) -> str:
    """A record's data (as model.to_data gives it) as JSON text that `record_data` reads back as it
    was: a Decimal stays one, with its digits, which a JSON number would not."""

    def exact(value: object) -> dict[str, str]:
        from decimal import Decimal

        if not isinstance(value, Decimal):
            raise TypeError(f"{type(value).__name__} in a record's data")
        return {_DECIMAL: str(value)}

    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=exact)


def record_data(text: str) -> dict[str, Any]:
    """The data `record_text` wrote."""

    def exact(value: dict[str, Any]) -> Any:
        if len(value) == 1 and _DECIMAL in value:
            from decimal import Decimal

            return Decimal(value[_DECIMAL])
        return value

    data: dict[str, Any] = json.loads(text, object_hook=exact)
    return data


def _create(path: Path) -> None:
    """An empty index, made aside and renamed into place: no reader ever sees half a schema."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}{TMP_SUFFIX}")
    try:
        db = sqlite3.connect(tmp, isolation_level=None)
        try:
            db.executescript(_SCHEMA)
            db.execute("INSERT INTO meta VALUES ('accord', ?)", (indexfile.made_by(),))
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {FORMAT}")
        finally:
            db.close()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _remove(path: Path) -> None:
    """Remove an index that is not ours, and its journal, which must never be played into the next one."""
    path.unlink(missing_ok=True)
    path.with_name(f"{path.name}-journal").unlink(missing_ok=True)


def _is_ours(db: sqlite3.Connection) -> bool:
    (application,) = db.execute("PRAGMA application_id").fetchone()
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if (application, version) != (APPLICATION_ID, FORMAT):
        return False
    made_by = db.execute("SELECT value FROM meta WHERE key = 'accord'").fetchone()
    return bool(made_by == (indexfile.made_by(),))
