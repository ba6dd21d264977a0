"""A local cache of parsed record files, so that reading every record does not re-parse YAML.

Parsing YAML is most of the cost of a full scan (list, search, stats, report). Each entry holds
the parsed data of one file with a digest of the bytes it was parsed from. A scan reads every
file anyway (reading and hashing cost a small fraction of parsing) and takes an entry only while
the digest of the file's bytes is the same, so any change to a file, whatever its times say,
makes its entry stale. An entry is stored only after its record passed the model in full,
history included; what is read from the cache is still validated by the model. A record's
history (most of a long-kept record) is kept as JSON text inside the entry, and decoded only by
a scan that asks for it.

The cache file is JSON, which is safe to load whatever its bytes, behind a header that names
the cache format, accord's version and a digest of the body. Anything unexpected (another
format or version, a wrong digest, a different structure, a file that is not a regular file)
means there is no cache and the records are parsed as usual. The cache lives in the records
folder under .accord-cache/ (ignored by git), is written atomically and is best-effort: if it
cannot be read or written, records are parsed as usual. `validate` never uses it.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from . import __version__
from .errors import DataError
from .fsio import atomic_write, read_regular

CACHE_DIR = ".accord-cache"
CACHE_FORMAT = 2  # 1: marshal, keyed by file size and times
Entry = tuple[str, dict[str, Any], str | None]  # digest of the file, its data but history, the history as JSON


def digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=20).hexdigest()


class ParseCache:
    """Parsed data of the files of one folder, keyed by file name."""

    def __init__(self, root: Path, folder: str):
        self.path = root / CACHE_DIR / f"{folder}.json"
        self.entries: dict[str, Entry] = {}
        self.texts: dict[str, str] = {}  # the JSON of entries added in this run, made once by put()
        self.changed = False
        self._load()

    def _header(self, body: bytes) -> bytes:
        return f"accord parse cache {CACHE_FORMAT} {__version__} {digest(body)}\n".encode()

    def _load(self) -> None:
        if not self._folder_is_real():
            return
        try:
            stored = read_regular(self.path, None)
        except DataError:
            return
        header, _, body = stored.partition(b"\n")
        if header + b"\n" != self._header(body):
            return
        try:
            entries = json.loads(body)
        except (ValueError, RecursionError):
            return
        if not isinstance(entries, dict) or not all(_is_entry(entry) for entry in entries.values()):
            return
        self.entries = {name: (entry[0], entry[1], entry[2]) for name, entry in entries.items()}

    def _folder_is_real(self) -> bool:
        """The cache folder is a folder of its own, not a link to somewhere else."""
        try:
            return stat.S_ISDIR(os.lstat(self.path.parent).st_mode)
        except OSError:
            return False

    def get(self, name: str, raw: bytes, history: bool) -> dict[str, Any] | None:
        """The data parsed from `raw` when it was stored (without its history unless asked), or None."""
        entry = self.entries.get(name)
        if entry is None or entry[0] != digest(raw):
            return None
        _, data, history_text = entry
        if not history or history_text is None:
            return data
        try:
            return {**data, "history": json.loads(history_text)}
        except (ValueError, RecursionError):
            return None

    def put(self, name: str, raw: bytes, data: dict[str, Any]) -> None:
        """Keep the data of a record that passed the model in full."""
        rest = {key: value for key, value in data.items() if key != "history"}
        try:
            history_text = _dumps(data["history"]) if "history" in data else None
            entry = (digest(raw), rest, history_text)
            self.texts[name] = _dumps(entry)
        except TypeError:
            return  # data with a Decimal is simply not cached: JSON would read it back as a float
        self.entries[name] = entry
        self.changed = True

    def drop(self, name: str) -> None:
        if self.entries.pop(name, None) is not None:
            self.texts.pop(name, None)
            self.changed = True

    def keep_only(self, names: set[str]) -> None:
        for name in set(self.entries) - names:
            self.drop(name)

    def save(self) -> None:
        if not self.changed:
            return
        parts = []
        for name, entry in self.entries.items():
            text = self.texts.get(name) or _dumps(entry)
            parts.append(f"{json.dumps(name)}:{text}")
        body = ("{" + ",".join(parts) + "}").encode("utf-8")
        try:
            self.path.parent.mkdir(exist_ok=True)
            if self._folder_is_real():
                atomic_write(self.path, self._header(body) + body)
        except (OSError, DataError):
            return  # a cache that cannot be written is only a slower next read


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _is_entry(entry: object) -> bool:
    return (
        isinstance(entry, list)
        and len(entry) == 3
        and isinstance(entry[0], str)
        and isinstance(entry[1], dict)
        and isinstance(entry[2], (str, type(None)))
    )
