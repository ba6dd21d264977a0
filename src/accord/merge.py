"""`accord merge-driver`: git merges two versions of a record without conflict markers.

Histories are joined (every event of both sides, once), each event-driven field is set from
its latest event, and the rest is merged three ways by key (commitments by id, series by
name, measurements by period). The statement's verbatim text is never merged: when the two
sides differ there, the file is left to git's own conflict markers. So is any version the
driver cannot read, and any failure of the driver itself: it never leaves only one side.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import yamlio
from .errors import AccordError, DataError, GitError
from .fsio import MAX_FILE_BYTES
from .history import latest_events, set_from_event
from .model import Article, Event, Target, jsonable, to_data
from .storage import ARTICLES, TARGETS, parse_record
from .vcs import Git
from .wording import show_value, what_changed

DRIVER = "accord"
PROGRAM = "accord"
LIST_KEYS = {"commitments": "id", "series": "name", "measurements": "period"}
LABELS = ("ours", "base", "theirs")
# What git runs, through sh. `accord` is looked up on PATH at each merge, so a rebuilt or moved
# environment leaves no stale interpreter path behind. When accord cannot run, or stops without
# leaving conflict markers (it always leaves them on a conflict), git's text merge leaves them.
COMMAND = (
    f"command -v {PROGRAM} >/dev/null && {PROGRAM} merge-driver merge %O %A %B %P || "
    "{ grep -q '^<<<<<<< ' %A || "
    f'{{ echo "accord merge: "%P": {PROGRAM} is not on PATH or failed; merged as text" >&2; '
    "git merge-file -L ours -L base -L theirs %A %O %B; }; exit 1; }"
)
_MESSAGE_LIMIT = 300


class MergeConflict(AccordError):
    """The two sides cannot be joined without a person deciding."""


@dataclass
class Merged:
    """What the driver did: a clean merge written, or a conflict left; and what to tell the officer."""

    clean: bool
    messages: list[str] = field(default_factory=list)


def merge_files(base: Path, ours: Path, theirs: Path, shown_path: str) -> Merged:
    """What git calls: write the merge into `ours`. Anything that goes wrong leaves a visible conflict."""
    path = Path(shown_path)
    model: type[Article] | type[Target] = Target if path.parent.name == TARGETS else Article
    try:
        common = _load(model, base, "the common") if base.stat().st_size else None  # empty: added on both sides
        mine, other = _load(model, ours, "our"), _load(model, theirs, "their")
        merged, overruled = merge_versions(model, common, mine, other, path)
        _read_back(model, merged, path)
    except Exception as exc:  # even a bug must leave both sides in the file, never ours alone
        leave_conflict(base, ours, theirs)
        return Merged(False, [f"accord merge: {shown_path}: {_one_line(exc)}; left as a conflict"])
    ours.write_bytes(merged)
    return Merged(True, [f"accord merge: {line}" for line in overruled])


def _load(model: type[Article] | type[Target], version: Path, whose: str) -> Article | Target:
    """One version of the record, read as any record is; a problem names whose version it is in."""
    try:
        data, raw = yamlio.load_file(version)
        return parse_record(model, data, raw, version)
    except DataError as exc:
        where = f", line {exc.line}" if exc.line else ""
        what = f"{exc.field}: " if exc.field else ""
        raise MergeConflict(f"{whose} version{where}: {what}{exc.message}") from None


def _read_back(model: type[Article] | type[Target], merged: bytes, path: Path) -> None:
    """The merge is kept only if accord reads it back as it reads any record."""
    if len(merged) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES
        raise MergeConflict(f"the merged record would be {len(merged)} bytes, over the {limit} byte limit")
    parse_record(model, yamlio.load_text(merged.decode("utf-8"), path), merged, path)


def _one_line(exc: Exception) -> str:
    text = str(exc) if isinstance(exc, AccordError) else f"unexpected {type(exc).__name__}: {exc}"
    text = " ".join(text.split())
    return text if len(text) <= _MESSAGE_LIMIT else text[: _MESSAGE_LIMIT - 1] + "…"


def merge_versions(
    model: type[Article] | type[Target],
    common: Article | Target | None,
    mine: Article | Target,
    other: Article | Target,
    path: Path,
) -> tuple[bytes, list[str]]:
    """The merged record's bytes, and a line for each field where one side's latest change overruled the other's."""
    history = join_histories(mine.history, other.history)
    parties = _parties(mine, other)
    sides = [_with_history(record, history, parties) for record in (mine, other)]
    # After the histories are joined: an excerpt changed by a split's event is the same on both sides.
    _refuse_verbatim_changes(to_data(sides[0]), to_data(sides[1]))
    merged = three_way(
        _without_history(common) if common else None, _without_history(sides[0]), _without_history(sides[1]), ()
    )
    merged["history"] = [to_data(e) for e in history]
    record = parse_record(model, merged, b"", path)
    return yamlio.dump(to_data(record)), overruled(mine.history, other.history, history)


def join_histories(ours: list[Event], theirs: list[Event]) -> list[Event]:
    """Every event of both sides once, in the order they were recorded."""
    seen = set()
    joined = []
    for event in [*ours, *theirs]:
        key = _identity(event)
        if key not in seen:
            seen.add(key)
            joined.append(event)
    return sorted(joined, key=lambda e: e.at)


def _identity(event: Event) -> str:
    return json.dumps(jsonable(to_data(event)), sort_keys=True)


def overruled(ours: list[Event], theirs: list[Event], joined: list[Event]) -> list[str]:
    """Each field both sides changed, to different values: whose change is kept, whose is overruled."""
    ours_new, theirs_new = (latest_events(_only_in(a, b)) for a, b in ((ours, theirs), (theirs, ours)))
    lines = []
    for key, kept in latest_events(joined).items():
        if key not in ours_new or key not in theirs_new:
            continue  # one side alone changed it: nobody was overruled
        for lost in (ours_new[key], theirs_new[key]):
            if _identity(lost) != _identity(kept) and (lost.new, lost.source) != (kept.new, kept.source):
                lines.append(f"{kept.id} {what_changed(kept)}: {_said(kept)} kept over {_said(lost)}")
    return lines


def _only_in(side: list[Event], other: list[Event]) -> list[Event]:
    known = {_identity(e) for e in other}
    return [e for e in side if _identity(e) not in known]


def _said(event: Event) -> str:
    when = event.at.strftime("%Y-%m-%d %H:%M UTC") + (f", as of {event.on.isoformat()}" if event.on else "")
    return f"{show_value(event.new)} ({event.by}, {when})"


def _parties(*records: Article | Target) -> list[str]:
    """The parties whose statuses the records hold apart: a side's own change, merged into the
    other side's record, counts every party its own record knows."""
    commitments = [c for record in records if isinstance(record, Article) for c in record.commitments]
    return list(dict.fromkeys(party for c in commitments for party in c.parties or {}))


def _with_history(record: Article | Target, history: list[Event], parties: list[str]) -> Article | Target:
    updated = record.model_copy(deep=True)
    updated.history = history
    for event in latest_events(history).values():
        set_from_event(updated, event, parties)
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


def leave_conflict(base: Path, ours: Path, theirs: Path) -> None:
    """Leave conflict markers in `ours`: git's text merge where it finds a conflict, else all three versions whole."""
    try:
        done = subprocess.run(
            ["git", "merge-file", "-p", *(f"-L{label}" for label in LABELS), str(ours), str(base), str(theirs)],
            capture_output=True,
            stdin=subprocess.DEVNULL,
        )
        if 0 < done.returncode < 128 and done.stdout:  # the number of conflicts; a clean merge shows none
            ours.write_bytes(done.stdout)
            return
    except OSError:
        pass  # no git to run: the markers are written below
    ours.write_bytes(conflict_blocks([_bytes(p) for p in (ours, base, theirs)]))


def conflict_blocks(versions: list[bytes]) -> bytes:
    """The three versions whole, between markers, in git's diff3 style."""
    heads = [b"<<<<<<< ours\n", b"||||||| base\n", b"=======\n"]
    ended = [text if text.endswith(b"\n") or not text else text + b"\n" for text in versions]
    return b"".join(head + text for head, text in zip(heads, ended, strict=True)) + b">>>>>>> theirs\n"


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


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
    git.set_config(f"merge.{DRIVER}.name", "accord: join record histories")
    git.set_config(f"merge.{DRIVER}.driver", COMMAND)
    done = [f"git config merge.{DRIVER}.driver {shlex.quote(COMMAND)}"]
    done += [f".gitattributes: added {line}" for line in missing] or [".gitattributes: already set"]
    return done


def missing_driver(records: Path) -> str | None:
    """A warning when git could not run the driver: this clone lacks it (config is not cloned), or it cannot start."""
    git = Git.find(records)
    if git is None:
        return None
    command = git.config(f"merge.{DRIVER}.driver")
    if command is not None:
        problem = _cannot_start(command)
        if problem is None:
            return None
        return (
            f"the merge driver cannot run here ({problem}), so git would not merge records with it; "
            "put accord on PATH and run `accord merge-driver install`"
        )
    attributes = git.top / ".gitattributes"
    if attributes.exists() and f"merge={DRIVER}" in attributes.read_text("utf-8"):
        return (
            "this clone has no merge driver configured, so git would merge records as text; "
            "run `accord merge-driver install`"
        )
    return None


def _cannot_start(command: str) -> str | None:
    """Why the program a driver command runs cannot start here, if it cannot."""
    try:
        program = PROGRAM if command == COMMAND else shlex.split(command)[0]  # an older or hand-set command
    except (ValueError, IndexError):
        return f"{command!r} is not a shell command"
    found = shutil.which(program)
    if found is None:
        return f"{program} is not found" + ("" if os.sep in program else " on PATH")
    interpreter = _shebang(Path(found))
    if interpreter is not None and not Path(interpreter).exists():  # a moved or rebuilt environment
        return f"{found} starts {interpreter}, which does not exist"
    return None


def _shebang(script: Path) -> str | None:
    """The interpreter a script names on its `#!` line, if it has one."""
    try:
        with script.open("rb") as file:
            words = file.readline(256).split() if file.read(2) == b"#!" else []
    except OSError:
        return None
    return words[0].decode("utf-8", "replace") if words else None
