"""Finding the records folder, and the ids and names in it, at little cost: no model, no YAML
parser unless a file must be parsed. Shell completion asks for them on every key press."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import RecordsNotFound

TYPE_CHECKING = False  # not typing's: a Tab loads no more than it must
if TYPE_CHECKING:
    from typing import Any

STATEMENT_FILE = "statement.yaml"
ARTICLES = "articles"
TARGETS = "targets"


def find_records(explicit: Path | None, start: Path | None = None) -> Path:
    """`explicit`, else the nearest `statement/` folder from `start` (default: the working directory) upward."""
    if explicit is not None:
        if not (explicit / STATEMENT_FILE).is_file():
            raise RecordsNotFound(f"{explicit} holds no {STATEMENT_FILE}: not an accord records folder")
        return explicit
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "statement"
        if (candidate / STATEMENT_FILE).is_file():
            return candidate
    raise RecordsNotFound(f"no statement/ folder with a {STATEMENT_FILE} in {here} or above")


class RecordIds:
    """The ids a user may type for a record: of articles, commitments and targets."""

    def __init__(self, articles: list[str], targets: list[str]):
        self.articles = articles
        self.commitments: list[str] = []
        self.targets = targets


def record_ids(root: Path) -> RecordIds:
    """The ids in the records folder `root`: file names give articles and targets; commitments
    come from the index where it holds a file's current bytes, else from parsing the file.
    A file that cannot be read or parsed adds nothing: this serves suggestions, not checks."""
    from .indexfile import commitment_ids, digest

    found = RecordIds(articles=_names(root / ARTICLES), targets=_names(root / TARGETS))
    indexed = commitment_ids(root)
    for article_id in found.articles:
        name = f"{article_id}.yaml"
        raw = _read(root / ARTICLES / name)
        if raw is None:
            continue
        known = indexed.get(name)
        if known is not None and known[0] == digest(raw):
            found.commitments += known[1]
        else:
            found.commitments += [str(c["id"]) for c in _listed(_parsed(raw), "commitments") if "id" in c]
    return found


def sides(root: Path) -> list[str]:
    """The statement's sides, as its file names them."""
    named = _parsed(_read(root / STATEMENT_FILE)).get("sides")
    return [str(side) for side in named] if isinstance(named, list) else []


def series_names(root: Path) -> dict[str, list[str]]:
    """Each target's series names, by target id."""
    found = {}
    for target_id in _names(root / TARGETS):
        series = _listed(_parsed(_read(root / TARGETS / f"{target_id}.yaml")), "series")
        found[target_id] = [str(s["name"]) for s in series if "name" in s]
    return found


def _names(folder: Path) -> list[str]:
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return sorted(name[:-5] for name in names if name.endswith(".yaml") and not name.startswith("."))


def _read(path: Path) -> bytes | None:
    """A record file's bytes; None for anything but a regular file (a FIFO would hang the Tab)."""
    from .errors import DataError
    from .fsio import read_file

    try:
        return read_file(path)
    except DataError:
        return None


def _parsed(raw: bytes | None) -> dict[str, Any]:
    if raw is None:
        return {}
    import yaml

    try:
        data = yaml.load(raw, Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, RecursionError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _listed(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = data.get(key)
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []

