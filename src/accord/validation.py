"""`accord validate`: every check a record must pass, each problem as file, line and message."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import suppress
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from . import workers, yamlio
from .errors import DataError, InvalidValue
from .fsio import read_file
from .history import commitment_statuses, current_value, field_key, latest_events
from .index import Index, digest
from .model import (
    ASKING_KINDS,
    BOTH_SIDES,
    Article,
    Commitment,
    Event,
    Kind,
    Measurement,
    Statement,
    Status,
    Target,
    is_http_url,
    statuses_text,
)
from .progress import converted, figure_refusal, period_problem
from .storage import ARTICLES, STATEMENT_FILE, TARGETS, Loaded, RecordInvalid, Store, present, read_article
from .text import ISO_DATE, clean_text, squash
from .vcs import Git, GitUnusable, refuse_unmerged


def _refuse_unmerged(store: Store) -> None:
    """Records git shows as unmerged are not yet what anyone decided: checking them would mislead."""
    try:
        git = Git.locate(store.root)
    except GitUnusable:
        return  # the records can still be checked; writing is what needs git
    if git is not None:
        refuse_unmerged(git, store.root)


def _problems_of(exc: DataError) -> list[DataError]:
    return exc.problems if isinstance(exc, RecordInvalid) else [exc]


def validate(store: Store) -> list[DataError]:
    _refuse_unmerged(store)
    problems: list[DataError] = []
    try:
        statement = store.statement()
    except DataError as exc:
        return _problems_of(exc)
    try:
        store.glossary()
    except DataError as exc:
        problems += _problems_of(exc)
    sections = {s.number for s in statement.sections}
    sides = {BOTH_SIDES, *statement.sides}
    source_text = _source_text(store, statement.source.file, problems)
    commitment_ids: dict[str, Path] = {}
    unreadable: list[DataError] = store.strays(ARTICLES)
    context = _context(store, source_text)
    memo = Index.open(store.root) if store.indexed else None
    try:
        remembered = _remembered(memo, context)
        folder = store.root / ARTICLES
        # Each file's findings as remembered, or None where it must be checked now; in file order.
        files: list[tuple[Path, Findings | None]] = []
        for article_id in store.article_ids():
            name = f"{article_id}.yaml"
            path = folder / name
            try:
                raw = read_file(path)  # what validate vouches for, it reads
            except DataError as exc:
                if present(path):  # else removed while we were reading
                    files.append((path, _unreadable(exc)))
                continue
            files.append((path, _found_before(remembered.get(name), digest(raw))))
        check = partial(_file_findings, statement=statement, sections=sections, sides=sides, source_text=source_text)
        checked = workers.in_order(check, [path for path, known in files if known is None])
        for path, known in files:
            findings = known
            if findings is None:
                raw_digest, findings = next(checked)
                if raw_digest is None and not present(path):
                    continue  # removed while we were reading
                if raw_digest is not None:
                    _remember(memo, path.name, raw_digest, context, findings)
            _replay(findings, path, problems, unreadable, commitment_ids)
    finally:
        if memo is not None:
            _close(memo)
    problems += [problem for error in unreadable for problem in _problems_of(error)]
    problems += store.strays(TARGETS)
    for target_id, loaded in _each(store.target, store.target_ids(), problems):
        _check_comments(loaded, problems)
        report = _reporter(loaded.path, problems)
        _check_target(loaded.record, target_id, commitment_ids, report)
        _check_history(loaded.record, report)
    return problems


# What validate finds in one article file on its own, in order: ["problem", line, message, field],
# ["unreadable", line, message, field] for a file the model refuses, and ["id", index, id] where a
# commitment's id is to be checked against those of the files before it.
Findings = list[list[Any]]


def _file_findings(
    path: Path, statement: Statement, sections: set[int], sides: set[str], source_text: str | None
) -> tuple[str | None, Findings]:
    """What validate finds in the file at `path` on its own, and the digest of the bytes it read
    (None when it could not read them). Done in a worker process when many files are checked."""
    try:
        raw = read_file(path)
    except DataError as exc:
        return None, _unreadable(exc)
    return digest(raw), _article_findings(raw, path, statement, sections, sides, source_text)


def _unreadable(exc: DataError) -> Findings:
    return [["unreadable", e.line, e.message, e.field] for e in _problems_of(exc)]


def _article_findings(
    raw: bytes, path: Path, statement: Statement, sections: set[int], sides: set[str], source_text: str | None
) -> Findings:
    try:
        article = read_article(raw, path)[0]
    except DataError as exc:
        return _unreadable(exc)
    found: list[DataError] = []
    findings: Findings = []

    def flush() -> None:
        findings.extend(["problem", e.line, e.message, e.field] for e in found)
        found.clear()

    _check_comments(Loaded(path, article, raw), found)
    report = _reporter(path, found)
    if article.id != path.stem:
        report(("id",), f"id {article.id!r} does not match the file name {path.name}")
    if article.section not in sections:
        report(("section",), f"section {article.section} is not in {STATEMENT_FILE}")
    if source_text is not None and squash(article.text) not in source_text:
        report(("text",), "text differs from the source text")
    for index, commitment in enumerate(article.commitments):
        if not commitment.id.startswith(article.id + "."):
            report(("commitments", index, "id"), f"commitment {commitment.id} does not belong to article {article.id}")
        flush()
        findings.append(["id", index, commitment.id])
        if commitment.side not in sides:
            report(
                ("commitments", index, "side"),
                f"side {commitment.side!r} of {commitment.id} is not one of {', '.join(sorted(sides))}",
            )
        asking = asking_problem(commitment, statement.sides)
        if asking:
            report(("commitments", index, "asked_by" if commitment.asked_by else "kind"), asking)
        if commitment.excerpt not in article.text:
            report(("commitments", index, "excerpt"), f"excerpt of {commitment.id} is not in the article's text")
    _check_history(article, report)
    _check_party_statuses(article, statement.sides, report)
    flush()
    return findings


def _replay(
    findings: Findings,
    path: Path,
    problems: list[DataError],
    unreadable: list[DataError],
    commitment_ids: dict[str, Path],
) -> None:
    """The problems of one file, found now or remembered, with its commitment ids checked against the others'."""
    for kind, *rest in findings:
        if kind == "id":
            index, commitment_id = rest
            if commitment_id in commitment_ids:
                _reporter(path, problems)(("commitments", index, "id"), f"commitment id {commitment_id} is used twice")
            commitment_ids[commitment_id] = path
        else:
            (problems if kind == "problem" else unreadable).append(DataError(path, *rest))


def _context(store: Store, source_text: str | None) -> str:
    """What the checks of one article depend on besides the file itself: the statement and its source."""
    try:
        statement = read_file(store.root / STATEMENT_FILE)
    except DataError:
        statement = b""
    return digest(statement + b"\0" + (source_text or "").encode("utf-8"))


def _remembered(memo: Index | None, context: str) -> dict[str, tuple[str, str]]:
    """What was found in each file, and in which bytes, in the same statement, before."""
    if memo is None:
        return {}
    try:
        return memo.findings(context)
    except sqlite3.Error:
        return {}


def _found_before(remembered: tuple[str, str] | None, raw_digest: str) -> Findings | None:
    """What was found in a file with exactly these bytes before, or None if it must be checked now."""
    if remembered is None or remembered[0] != raw_digest:
        return None
    try:
        found = json.loads(remembered[1])
    except ValueError:
        return None
    if not isinstance(found, list) or not all(_well_formed(f) for f in found):
        return None
    return found


def _well_formed(finding: Any) -> bool:
    """Whether a remembered finding has the shape `_article_findings` gives it: an index that
    another program wrote into is checked again, never replayed into a crash."""
    if not isinstance(finding, list) or not finding:
        return False
    kind, *rest = finding
    if kind == "id":
        return len(rest) == 2 and type(rest[0]) is int and isinstance(rest[1], str)
    return (
        kind in ("problem", "unreadable")
        and len(rest) == 3
        and (rest[0] is None or type(rest[0]) is int)
        and isinstance(rest[1], str)
        and (rest[2] is None or isinstance(rest[2], str))
    )


def _remember(memo: Index | None, name: str, raw_digest: str, context: str, findings: Findings) -> None:
    if memo is not None:
        with suppress(sqlite3.Error):
            memo.keep_findings(name, raw_digest, context, findings)


def _close(memo: Index) -> None:
    with suppress(sqlite3.Error):
        memo.close()


def asking_problem(commitment: Commitment, sides: list[str]) -> str | None:
    """A request, proposal or hope names who asked (`asked_by`) and who is asked (`side`): two sides."""
    if commitment.kind not in ASKING_KINDS:
        if commitment.asked_by is not None:
            return f"{commitment.id} is {commitment.kind.value}: only a request, proposal or hope has asked_by"
        return None
    if commitment.asked_by is None:
        return f"{commitment.id} is {commitment.kind.value}: asked_by must name the side that asked"
    if commitment.asked_by not in sides:
        return f"asked_by {commitment.asked_by!r} of {commitment.id} is not one of {', '.join(sides)}"
    if commitment.side == commitment.asked_by or commitment.side not in sides:
        return f"{commitment.id}: side must name the side asked, other than asked_by {commitment.asked_by!r}"
    return None


R = TypeVar("R")


def _each(load: Callable[[str], R], ids: list[str], problems: list[DataError]) -> Iterator[tuple[str, R]]:
    """Each record that loads; the problems of those that do not."""
    for record_id in ids:
        try:
            yield record_id, load(record_id)
        except DataError as exc:
            problems += _problems_of(exc)


Reporter = Callable[[tuple[str | int, ...], str], None]


def _reporter(path: Path, problems: list[DataError]) -> Reporter:
    """Adds a problem at the line of `loc` in `path`, which is read only if there is a problem."""

    def report(loc: tuple[str | int, ...], message: str) -> None:
        text = path.read_text("utf-8", errors="replace")
        problems.append(DataError(path, yamlio.line_of(text, loc), message))

    return report


def _check_comments(loaded: Loaded[Article] | Loaded[Target], problems: list[DataError]) -> None:
    """A comment below a file's leading comment block would vanish at the next change."""
    if b"#" in loaded.raw:
        message = "comment will be lost at the next change; move it into a note"
        problems += [DataError(loaded.path, line, message) for line in yamlio.lost_comments(loaded.raw.decode("utf-8"))]


def _source_text(store: Store, relative: str, problems: list[DataError]) -> str | None:
    """The source as the importer reads it (markup and zero-width characters out), whitespace squashed."""
    path = store.root / relative
    try:
        return squash(clean_text(path.read_text("utf-8")))
    except (OSError, UnicodeDecodeError):
        problems.append(DataError(store.root / STATEMENT_FILE, None, f"source file {relative} cannot be read"))
        return None


def _check_target(target: Target, target_id: str, commitments: dict[str, Path], report: Reporter) -> None:
    if target.id != target_id:
        report(("id",), f"id {target.id!r} does not match the file name {target_id}.yaml")
    if target.commitment not in commitments:
        report(("commitment",), f"commitment {target.commitment} does not exist")
    elif not target.commitment.startswith(target.article + "."):
        report(("commitment",), f"commitment {target.commitment} is not in article {target.article}")
    if target.deadline <= target.baseline:
        report(("deadline",), "deadline is not after the baseline")
    if sum(s.primary for s in target.series) != 1 and target.series:
        report(("series",), "exactly one series must be primary")
    names = [s.name for s in target.series]
    today = datetime.now(UTC).date()
    for index, series in enumerate(target.series):
        if names.count(series.name) > 1:
            report(("series", index, "name"), f"series {series.name} is named twice")
        periods = [m.period for m in series.measurements]
        for m_index, measurement in enumerate(series.measurements):
            loc: tuple[str | int, ...] = ("series", index, "measurements", m_index)
            problem = period_problem(target, measurement.period)
            if problem:
                report((*loc, "period"), problem)
            # history before the baseline is allowed in the records: only `measure` asks for --before-baseline
            refusal = figure_refusal(target, measurement.period, measurement.value, today, before_baseline=True)
            if refusal:
                report((*loc, "period"), refusal)
            if periods.count(measurement.period) > 1:
                report((*loc, "period"), f"period {measurement.period} is measured twice in series {series.name}")
            if target.kind == "cumulative" and measurement.value < 0:
                report((*loc, "value"), "a cumulative amount cannot be negative")
            problem = _conversion_problem(target, measurement)
            if problem:
                report((*loc, "value"), problem)
    _check_stages(target, report)


def _conversion_problem(target: Target, measurement: Measurement) -> str | None:
    """A figure converted from another currency must be what its original comes to at its rate."""
    if measurement.original is None:
        return None
    try:
        expected = converted(target, measurement.original)
    except InvalidValue as exc:
        return str(exc)
    if measurement.value != expected:
        return f"value {measurement.value:f} is not what the original comes to at its rate ({expected:f})"
    return None


def _check_stages(target: Target, report: Reporter) -> None:
    stages = [s.stage for s in target.series if s.stage]
    for index, series in enumerate(target.series):
        if series.stage and stages.count(series.stage) > 1:
            report(("series", index, "stage"), f"stage {series.stage} is counted by more than one series")
    if target.verdict_stage and target.verdict_stage not in stages:
        report(("verdict_stage",), f"no series counts the stage {target.verdict_stage} the verdict rests on")


def _check_history(record: Article | Target, report: Reporter) -> None:
    known = {record.id} | ({c.id for c in record.commitments} if isinstance(record, Article) else set())
    valid: list[Event] = []
    for index, event in enumerate(record.history):
        problem = _event_problem(record, event, known)
        if problem:
            report(("history", index), problem)
        else:
            valid.append(event)
        if event.evidence is not None and not is_http_url(event.evidence):
            report(("history", index, "evidence"), f"evidence {event.evidence!r} is not an http(s) link")
    _check_event_flags(record, report)
    for key, event in latest_events(valid).items():
        if isinstance(record, Article) and key[1] == "status" and key[0] != record.id:
            continue  # a commitment's status is replayed with its parties' (_check_party_statuses)
        now = current_value(record, key)
        if now != event.new:
            what = " ".join(key[2:]) if key[1] == "measurement" else key[1]
            report(
                ("history",),
                f"{key[0]} {what} is {now!r} but its latest event ({event.at:%Y-%m-%d %H:%M}) says {event.new!r}",
            )


def _check_event_flags(record: Article | Target, report: Reporter) -> None:
    """`internal` marks a note or an evidence link, and a review date comes with a status: written
    by hand elsewhere, either would mean nothing and mislead the next reader."""
    for index, event in enumerate(record.history):
        if event.internal and not (event.note or event.evidence):
            report(("history", index, "internal"), "internal: true on an event with neither a note nor evidence")
        if event.review_by is not None and event.field != "status":
            what = event.field or "no field"
            report(("history", index, "review_by"), f"review_by on an event that changes {what}, not a status")


def _check_party_statuses(article: Article, sides: list[str], report: Reporter) -> None:
    """Each commitment's status, and each party's, is what its status events make of them."""
    changed = {e.id for e in article.history if e.field == "status"}
    for index, commitment in enumerate(article.commitments):
        loc: tuple[str | int, ...] = ("commitments", index)
        if commitment.id not in changed:
            if commitment.parties is not None:
                report((*loc, "parties"), f"{commitment.id} holds parties but its history sets no party's status")
            continue
        status, parties = commitment_statuses(article, commitment)
        if parties is not None and set(parties) - set(sides):
            unknown = ", ".join(sorted(set(parties) - set(sides)))
            report((*loc, "parties"), f"{commitment.id} names {unknown}, not one of the sides ({', '.join(sides)})")
        if parties != commitment.parties:
            said = "none" if parties is None else statuses_text(parties)
            have = "none" if commitment.parties is None else statuses_text(commitment.parties)
            report((*loc, "parties"), f"{commitment.id} parties are {have} but its history says {said}")
        elif commitment.status != status:
            each = f" ({statuses_text(parties)})" if parties else ""
            stored, replayed = commitment.status.value, status.value
            message = f"{commitment.id} status is {stored!r} but its history makes it {replayed!r}{each}"
            report((*loc, "status"), message)


def _is_iso_date(value: object) -> bool:
    return isinstance(value, str) and ISO_DATE.fullmatch(value) is not None


_STATUSES = frozenset(s.value for s in Status)
_KINDS = frozenset(k.value for k in Kind)
# What the value an event replaced (`old`) can be, by field: what that field could hold then.
_OLD_VALUES: dict[str | None, Callable[[object], bool]] = {
    "owner": lambda value: value is None or isinstance(value, str),
    "asked_by": lambda value: value is None or isinstance(value, str),
    "due": lambda value: value is None or _is_iso_date(value),
    "tags": lambda value: value is None or isinstance(value, list),
    "side": lambda value: isinstance(value, str),
    "kind": lambda value: value in _KINDS,
    "title": lambda value: isinstance(value, str),
    "excerpt": lambda value: isinstance(value, str),
}


def _event_problem(record: Article | Target, event: Event, known: set[str]) -> str | None:
    if event.id not in known:
        return f"event names {event.id}, which is not in this record"
    if isinstance(record, Target):
        if event.field not in (None, "measurement"):
            return f"a target's history cannot change {event.field}"
        if event.field == "measurement":
            if not event.series or not event.period or (event.new is not None and not event.source):
                return "a measurement event needs series, period and, for a value, its source"
            if event.series not in {s.name for s in record.series}:
                return f"event names series {event.series}, which the target does not have"
        return None
    if event.field == "measurement":
        return "only a target's history holds measurements"
    if event.field == "status" and event.new not in _STATUSES:
        return f"status {event.new!r} is not a status"
    if event.party is not None and (event.field != "status" or event.id == record.id):
        return "only a commitment's status is set for one party"
    if event.field == "due" and event.new is not None and not _is_iso_date(event.new):
        return f"due {event.new!r} is not a date"
    if event.field == "tags" and not isinstance(event.new, list):
        return "tags must be a list"
    if event.field == "side" and (event.id == record.id or not isinstance(event.new, str)):
        return "only a commitment has a side, and a side is one name"
    if event.field == "kind" and (event.id == record.id or event.new not in _KINDS):
        return f"only a commitment has a kind, and {event.new!r} is not one"
    if event.field == "asked_by" and (event.id == record.id or not isinstance(event.new, str | None)):
        return "only a commitment has asked_by, and it is one side or none"
    if event.field in ("title", "excerpt") and (event.id == record.id or not isinstance(event.new, str)):
        return f"only a commitment's {event.field} is changed by an event, and it is text"
    if event.field == "split" and (event.id == record.id or not isinstance(event.new, list)):
        return "only a commitment is split, into a list of commitments"
    if event.field == "owner" and not isinstance(event.new, str | None):
        return f"owner {event.new!r} is not a name"
    fits = _OLD_VALUES.get(event.field)
    if fits is not None and not fits(event.old):
        shown = repr(event.old) if isinstance(event.old, str) else str(event.old)
        return f"{event.field} {shown}, the value this event replaced, is not one {event.field} can hold"
    if field_key(event) is None and not (event.note or event.evidence or event.undoes):
        return "an event without a field must carry a note or evidence"
    return None
