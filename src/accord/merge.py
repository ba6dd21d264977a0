"""`accord merge-driver`: git merges two versions of a record without conflict markers.

Histories are joined (every event of both sides, once), each event-driven field is set from
its latest event, and the rest is merged three ways by key (commitments by id, series by
name, measurements by period). The statement's verbatim text is never merged: when the two
sides differ there, the file is left to git's own conflict markers.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

from . import yamlio
from .errors import AccordError, DataError, GitError
from .model import Article, Event, Target, to_data
from .operations import latest_events, set_from_event
from .render import plain
from .storage import ARTICLES, TARGETS, parse_record
from .vcs import Git

DRIVER = "accord"
VERBATIM = ("text", "excerpt")
LIST_KEYS = {"commitments": "id", "series": "name", "measurements": "period"}


class MergeConflict(AccordError):
    """The two sides cannot be joined without a person deciding."""


def merge_files(base: Path, ours: Path, theirs: Path, shown_path: str) -> bool:
    """What git calls: write the merge into `ours`; True when clean."""
    model: type[Article] | type[Target] = Target if Path(shown_path).parent.name == TARGETS else Article
    try:
        merged = merge_bytes(model, _read(base), ours.read_bytes(), theirs.read_bytes(), Path(shown_path))
    except (MergeConflict, DataError) as exc:
        sys.stderr.write(f"accord merge-driver: {shown_path}: {exc}; left as a conflict\n")
        _text_merge(base, ours, theirs)
        return False
    ours.write_bytes(merged)
    return True


def _read(path: Path) -> bytes | None:
    data = path.read_bytes()
    return data or None  # git passes an empty file when the record is new on both sides


def _load(model: type[Article] | type[Target], raw: bytes, path: Path) -> Article | Target:
    return parse_record(model, yamlio.load_text(raw.decode("utf-8"), path), raw, path)


def merge_bytes(
    model: type[Article] | type[Target], base: bytes | None, ours: bytes, theirs: bytes, path: Path
) -> bytes:
    mine = _load(model, ours, path)
    other = _load(model, theirs, path)
    common = _load(model, base, path) if base else None
    _refuse_verbatim_changes(to_data(mine), to_data(other))
    history = join_histories(mine.history, other.history)
    sides = [_with_history(record, history) for record in (mine, other)]
    merged = three_way(
        _without_history(common) if common else None, _without_history(sides[0]), _without_history(sides[1]), ()
    )
    merged["history"] = [to_data(e) for e in history]
    record = parse_record(model, merged, b"", path)
    return yamlio.dump(to_data(record))


def join_histories(ours: list[Event], theirs: list[Event]) -> list[Event]:
    """Every event of both sides once, in the order they were recorded."""
    seen = set()
    joined = []
    for event in [*ours, *theirs]:
        key = json.dumps(plain(to_data(event)), sort_keys=True)
        if key not in seen:
            seen.add(key)
            joined.append(event)
    return sorted(joined, key=lambda e: e.at)


def _with_history(record: Article | Target, history: list[Event]) -> Article | Target:
    updated = record.model_copy(deep=True)
    updated.history = history
    for event in latest_events(history).values():
        set_from_event(updated, event)
    return updated


def _without_history(record: Article | Target) -> dict[str, Any]:
    data = to_data(record)
    data.pop("history", None)
    return data


def _refuse_verbatim_changes(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    if ours.get("text") != theirs.get("text"):
        raise MergeConflict("both sides changed the article's verbatim text differently")
    excerpts = {c["id"]: c["excerpt"] for c in ours.get("commitments", [])}
    for commitment in theirs.get("commitments", []):
        if commitment["id"] in excerpts and excerpts[commitment["id"]] != commitment["excerpt"]:
            raise MergeConflict(f"the two sides have different excerpts for {commitment['id']}")


def three_way(base: Any, ours: Any, theirs: Any, where: tuple[str, ...]) -> Any:
    """Take the side that changed; where both changed alike, either; else recurse or give up."""
    if ours == theirs:
        return ours
    if base == ours:
        return theirs
    if base == theirs:
        return ours
    if isinstance(ours, dict) and isinstance(theirs, dict):
        base_map = base if isinstance(base, dict) else {}
        merged = {}
        for key in [*ours, *(k for k in theirs if k not in ours)]:
            merged_value = three_way(base_map.get(key), ours.get(key), theirs.get(key), (*where, key))
            if merged_value is not None:
                merged[key] = merged_value
        return merged
    if where and where[-1] in LIST_KEYS and isinstance(ours, list) and isinstance(theirs, list):
        return _merge_keyed(base if isinstance(base, list) else [], ours, theirs, LIST_KEYS[where[-1]], where)
    raise MergeConflict(f"both sides changed {'.'.join(where) or 'the record'} differently")


def _merge_keyed(base: list[Any], ours: list[Any], theirs: list[Any], key: str, where: tuple[str, ...]) -> list[Any]:
    by_key = [{item[key]: item for item in side} for side in (base, ours, theirs)]
    order = [item[key] for item in ours] + [item[key] for item in theirs if item[key] not in by_key[1]]
    merged = []
    for name in order:
        value = three_way(by_key[0].get(name), by_key[1].get(name), by_key[2].get(name), (*where, str(name)))
        if value is not None:
            merged.append(value)
    if key == "period":
        merged.sort(key=lambda m: m["period"])
    return merged


def _text_merge(base: Path, ours: Path, theirs: Path) -> None:
    """Leave git's ordinary conflict markers in `ours` for a person to resolve."""
    subprocess.run(
        ["git", "merge-file", "-L", "ours", "-L", "base", "-L", "theirs", str(ours), str(base), str(theirs)],
        capture_output=True,
    )


def install(records: Path) -> list[str]:
    """Write the attributes and this clone's git config; return what was done, for the user."""
    git = Git.find(records)
    if git is None:
        raise GitError(f"{records} is not in a git work tree: there is nothing to install the merge driver in")
    relative = records.resolve().relative_to(git.top.resolve()).as_posix()
    prefix = "" if relative == "." else f"{relative}/"
    lines = [f"{prefix}{ARTICLES}/*.yaml merge={DRIVER}", f"{prefix}{TARGETS}/*.yaml merge={DRIVER}"]
    attributes = git.top / ".gitattributes"
    existing = attributes.read_text("utf-8").splitlines() if attributes.exists() else []
    missing = [line for line in lines if line not in existing]
    if missing:
        text = "\n".join([*existing, *missing]) + "\n"
        attributes.write_text(text, "utf-8")
    command = f"{shlex.quote(sys.executable)} -m accord merge-driver merge %O %A %B %P"
    git.set_config(f"merge.{DRIVER}.name", "accord: join record histories")
    git.set_config(f"merge.{DRIVER}.driver", command)
    done = [f"git config merge.{DRIVER}.driver {command!r}"]
    done += [f".gitattributes: added {line}" for line in missing] or [".gitattributes: already set"]
    return done


def missing_driver(records: Path) -> str | None:
    """A warning when the repository asks for the driver but this clone lacks it (config is not cloned)."""
    git = Git.find(records)
    if git is None or git.config(f"merge.{DRIVER}.driver") is not None:
        return None
    attributes = git.top / ".gitattributes"
    if attributes.exists() and f"merge={DRIVER}" in attributes.read_text("utf-8"):
        return (
            "this clone has no merge driver configured, so git would merge records as text; "
            "run `accord merge-driver install`"
        )
    return None
