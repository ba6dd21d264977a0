"""The index's file as a reader that loads little sees it: where it lives, what makes a record's
digest, which code made it, and the commitment ids it holds. Shell completion reads the ids on
each Tab through this module alone; index.py keeps and updates the index.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from functools import cache

try:  # CPython's own blake2b, which hashlib hands out too, without loading OpenSSL for the others
    from _blake2 import blake2b
except ImportError:
    from hashlib import blake2b

from . import __version__

TYPE_CHECKING = False  # not typing's: a Tab loads no more than it must
if TYPE_CHECKING:
    from pathlib import Path

CACHE_DIR = ".accord-cache"
INDEX_FILE = "index.sqlite"
# The code the index's rows depend on: a new field in the model, a new check in validation (whose
# findings are kept), a change to how text is folded for search (whose words are kept) or a change
# to the index itself rebuilds it even within one version.
_SHAPED_BY = ("index.py", "model.py", "values.py", "validation.py", "text.py")


def digest(raw: bytes) -> str:
    return blake2b(raw, digest_size=20).hexdigest()


@cache  # read once a process: every opening of the index asks
def made_by() -> str:
    """accord's version and a digest of the code the rows depend on, as the index records it."""
    here = os.path.dirname(__file__)
    try:
        code = b"".join(_read(os.path.join(here, name)) for name in _SHAPED_BY)
    except OSError:
        code = b""  # not installed as files: the version alone tells
    return f"{__version__} {digest(code)}"


def _read(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def commitment_ids(root: Path) -> dict[str, tuple[str, list[str]]]:
    """Each indexed article file's digest and its commitments' ids, by file name, read without
    writing; empty when there is no index made by this very code (which `made_by` tells, format
    and application included). Shell completion takes them for files whose bytes still have that
    digest."""
    path = root / CACHE_DIR / INDEX_FILE
    found: dict[str, tuple[str, list[str]]] = {}
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return found
        db = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro&nofollow=1", uri=True, timeout=0.1)
        try:
            if db.execute("SELECT value FROM meta WHERE key = 'accord'").fetchone() != (made_by(),):
                return found
            rows = db.execute(
                "SELECT f.name, f.digest, c.id FROM files f LEFT JOIN commitments c ON c.file = f.name "
                "ORDER BY f.name, c.pos"
            )
            for name, file_digest, commitment_id in rows:
                ids = found.setdefault(name, (file_digest, []))[1]
                if commitment_id is not None:
                    ids.append(commitment_id)
        finally:
            db.close()
    except (sqlite3.Error, OSError):
        return {}
    return found
