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

import errno
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from . import yamlio
from .cache import CACHE_DIR, ParseCache, stat_key
from .errors import ConflictError, DataError, LockTimeout, RecordsNotFound
from .model import Article, Glossary, Record, Statement, Target, to_data

STATEMENT_FILE = "statement.yaml"
GLOSSARY_FILE = "glossary.yaml"
ARTICLES = "articles"
TARGETS = "targets"
LOCK_FILE = ".accord.lock"
TMP_SUFFIX = ".accord-tmp"
DEFAULT_LOCK_TIMEOUT = 10.0

M = TypeVar("M", bound=Record)


class RecordInvalid(DataError):
    """A record that parsed as YAML but breaks the schema; carries every problem found."""

    def __init__(self, problems: list[DataError]):
        self.problems = problems
        first = problems[0]
        super().__init__(first.path, first.line, first.message, first.field)


@dataclass(frozen=True)
class Loaded(Generic[M]):
    """A record together with the exact bytes it was read from."""

    path: Path
    record: M
    raw: bytes


def find_records(explicit: Path | None, start: Path | None = None, *, environment: bool = True) -> Path:
    """`--dir`, else ACCORD_DIR (if `environment`), else the nearest `statement/` folder from `start` upward."""
    if explicit is None and environment and os.environ.get("ACCORD_DIR"):
        explicit = Path(os.environ["ACCORD_DIR"])
    if explicit is not None:
        if not (explicit / STATEMENT_FILE).is_file():
            raise RecordsNotFound(f"{explicit} holds no {STATEMENT_FILE}: not an accord records folder")
        return explicit
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "statement"
        if (candidate / STATEMENT_FILE).is_file():
            return candidate
    hint = "; pass --dir or set ACCORD_DIR" if environment else ""
    raise RecordsNotFound(f"no statement/ folder with a {STATEMENT_FILE} in {here} or above{hint}")


def natural_key(record_id: str) -> tuple[tuple[int, int | str], ...]:
    """Sort `2` before `10`, `17` before `17a`, and words after numbers."""
    parts = re.findall(r"\d+|[^\d.]+", record_id)
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


def parse_record(model: type[M], data: object, raw: bytes | None, path: Path) -> M:
    """Validate parsed data; on failure, every problem with its line in `raw` (read from `path` if None)."""
    if not isinstance(data, dict):
        raise DataError(path, 1, f"the top level must be a mapping, not {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
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


class Store:
    """The records of one statement, on disk."""

    def __init__(self, root: Path, lock_timeout: float | None = None):
        self.root = root
        self.lock_timeout = lock_timeout  # None: $ACCORD_LOCK_TIMEOUT, else the default

    # -- paths -------------------------------------------------------------------------------

    def article_path(self, article_id: str) -> Path:
        return self.root / ARTICLES / f"{article_id}.yaml"

    def target_path(self, target_id: str) -> Path:
        return self.root / TARGETS / f"{target_id}.yaml"

    def _ids(self, folder: str) -> list[str]:
        try:
            names = [n[:-5] for n in os.listdir(self.root / folder) if n.endswith(".yaml") and n[0] != "."]
        except FileNotFoundError:
            return []
        return sorted(names, key=natural_key)

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
        data, raw = yamlio.load_file(path)
        return Loaded(path, parse_record(model, data, raw, path), raw)

    def statement(self) -> Statement:
        return self.load(Statement, self.root / STATEMENT_FILE).record

    def glossary(self) -> Glossary:
        path = self.root / GLOSSARY_FILE
        return self.load(Glossary, path).record if path.exists() else Glossary()

    def article(self, article_id: str) -> Loaded[Article]:
        return self.load(Article, self.article_path(article_id))

    def target(self, target_id: str) -> Loaded[Target]:
        return self.load(Target, self.target_path(target_id))

    def articles(self, errors: list[DataError], history: bool = True) -> Iterator[Article]:
        """Every article that loads; a broken file is added to `errors` and skipped."""
        for _, article in self.scan_articles(errors, history):
            yield article

    def scan_articles(self, errors: list[DataError], history: bool = True) -> Iterator[tuple[Path, Article]]:
        """Every article that loads, with its file; a broken file is added to `errors` and skipped.

        Unchanged files come from the parse cache: a full scan costs a stat per file, not a parse.
        Without `history`, the events (most of a long-kept record) are neither validated nor kept.
        """
        cache = ParseCache(self.root, ARTICLES)
        ids = self.article_ids()
        try:
            for article_id in ids:
                path = self.article_path(article_id)
                try:
                    key = stat_key(path)
                    data = cache.get(article_id, key)
                    raw = None
                    if data is None:
                        data, raw = yamlio.load_file(path)
                        cache.put(article_id, key, data)
                    if not history and isinstance(data, dict):
                        data = {key: value for key, value in data.items() if key != "history"}
                    yield path, parse_record(Article, data, raw, path)
                except FileNotFoundError:
                    continue  # removed while we were reading
                except DataError as exc:
                    errors.append(exc)
        finally:
            cache.keep_only(set(ids))
            cache.save()

    def targets(self, errors: list[DataError]) -> Iterator[Target]:
        for target_id in self.target_ids():
            try:
                yield self.target(target_id).record
            except DataError as exc:
                errors.append(exc)

    # -- writing -----------------------------------------------------------------------------

    @contextmanager
    def lock(self, timeout: float | None = None) -> Iterator[None]:
        """Serialise writers across processes; stale temporary files are removed once held."""
        from filelock import FileLock, Timeout

        if timeout is None:
            timeout = self.lock_timeout
        if timeout is None:
            timeout = float(os.environ.get("ACCORD_LOCK_TIMEOUT", DEFAULT_LOCK_TIMEOUT))
        lock = FileLock(self.root / LOCK_FILE, timeout=timeout)
        try:
            lock.acquire()
        except Timeout:
            raise LockTimeout(
                f"another accord process has held {self.root / LOCK_FILE} for over {timeout:g} s; "
                "try again, or remove the file if no accord is running"
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

    def save(self, loaded: Loaded[Any], record: Record) -> bytes:
        """Write `record` over the file `loaded` came from, unless that file changed since."""
        data = yamlio.dump(to_data(record))
        # Re-validate what will be written: a change may never produce a record we cannot read.
        parse_record(type(record), yamlio.load_text(data.decode("utf-8"), loaded.path), data, loaded.path)
        try:
            current = loaded.path.read_bytes()
        except OSError:
            current = None
        if current != loaded.raw:
            raise ConflictError(f"{loaded.path} changed while it was being updated; nothing written")
        atomic_write(loaded.path, data)
        return data


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that readers see the old or the new file, never a mix."""
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=path.parent)
    except OSError as exc:
        raise DataError(path, None, f"cannot write: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)  # mkstemp creates 0600; keep the file's own permissions
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise DataError(path, None, f"cannot write: {exc.strerror}; the file is unchanged") from None
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable. Some filesystems cannot sync a folder (EINVAL): no error."""
    try:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        if exc.errno in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
            return
        raise DataError(folder, None, f"the change is written but may not be on disk yet: {exc.strerror}") from None
