"""A local cache of parsed record files, so that reading every record does not re-parse YAML.

Parsing YAML is most of the cost of a full scan (list, search, stats, report); a file that
has not changed since the last scan is taken from the cache instead. An entry is valid only
while the file's size, modification time, inode and change time are the same, so any write
(accord's atomic replace, git checkout, an editor) makes it stale. The parsed data is still
validated by the model on every read, so the cache cannot let a bad record through.

The cache lives in the records folder under .accord-cache/ (ignored by git), is written
atomically and is best-effort: if it cannot be read or written, records are parsed as usual.
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path
from typing import Any

from . import __version__
from .errors import DataError

CACHE_DIR = ".accord-cache"
StatKey = tuple[int, int, int, int]


def stat_key(path: Path) -> StatKey:
    st = os.stat(path)
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


class ParseCache:
    """Parsed data of the files of one folder, keyed by file name."""

    def __init__(self, root: Path, folder: str):
        self.path = root / CACHE_DIR / f"{folder}.marshal"
        self.entries: dict[str, tuple[StatKey, Any]] = {}
        self.changed = False
        self._load()

    def _load(self) -> None:
        try:
            stored = marshal.loads(self.path.read_bytes())  # marshal.load(file) reads in small pieces: 5x slower
        except (OSError, EOFError, ValueError, TypeError):
            return
        if isinstance(stored, dict) and stored.get("version") == __version__:
            self.entries = stored.get("entries", {})

    def get(self, name: str, key: StatKey) -> Any | None:
        entry = self.entries.get(name)
        return entry[1] if entry is not None and entry[0] == key else None

    def put(self, name: str, key: StatKey, data: Any) -> None:
        try:
            marshal.dumps(data)  # data with a Decimal or date is simply not cached
        except ValueError:
            return
        self.entries[name] = (key, data)
        self.changed = True

    def keep_only(self, names: set[str]) -> None:
        gone = set(self.entries) - names
        for name in gone:
            del self.entries[name]
        self.changed = self.changed or bool(gone)

    def save(self) -> None:
        if not self.changed:
            return
        from .storage import atomic_write

        try:
            self.path.parent.mkdir(exist_ok=True)
            atomic_write(self.path, marshal.dumps({"version": __version__, "entries": self.entries}))
        except (OSError, DataError):
            return  # a cache that cannot be written is only a slower next read
