"""The weekly progress report: what it says, computed once, for every format to publish.

Everything is derived from the records as they were known at the end of a fixed "today"
(events recorded later are left out), so a report made again later for the same day is the
same bytes, and its counts and its list of changes always agree.
"""

from __future__ import annotations

import stat
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import DataError, UsageError
from .fsio import Writer, atomic_write
from .history import field_key
from .index import CACHE_DIR, ArticleEntry, CommitmentEntry
from .model import CLOSED_STATUSES, Article, Event, Kind, Status
from .progress import points_of
from .query import history_facts, is_overdue, last_touched, review_date, unchanged
from .storage import Store
from .tracking import as_known, days_to_deadline, figures, overview, party_fields, point_values
from .wording import show_value, what_changed

if TYPE_CHECKING:
    from .progress import AnyTarget
    from .query import AnyCommitment

STALE_AFTER_DAYS = 90
UPCOMING_DAYS = 365
LEFT_OUT = "Internal notes and officers' names are left out."
# what public json says at its top, beside the data
PUBLIC_FIELDS = {"public": True, "left_out": LEFT_OUT}


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def label(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


def period_for(today: date, since: date | None, week: str | None) -> Period:
    """The last seven days by default; from `since` to today; or one ISO week (`2026-W47`)."""
    try:
        period = _period(today, since, week)
        period.previous()  # the report compares with it
    except OverflowError:
        raise UsageError("the period and the one before it must lie within the years 1 to 9999") from None
    return period


def _period(today: date, since: date | None, week: str | None) -> Period:
    if since is not None and week is not None:
        raise UsageError("give --since or --week, not both")
    if week is not None:
        if week == "current":
            monday = today - timedelta(days=today.weekday())
        else:
            try:
                year, number = week.upper().split("-W")
                monday = date.fromisocalendar(int(year), int(number), 1)
            except ValueError:
                raise UsageError(f"--week {week!r} is not an ISO week such as 2026-W47") from None
        return Period(monday, monday + timedelta(days=6))
    if since is not None:
        if since > today:
            raise UsageError(f"--since {since.isoformat()} is after today ({today.isoformat()})")
        return Period(since, today)
    return Period(today - timedelta(days=6), today)


@dataclass
class Report:
    title: str
    today: date
    period: Period
    totals: dict[str, int]
    previous_totals: dict[str, int]
    changes: list[dict[str, Any]]  # the net change of each record and field in the period
    events: list[dict[str, Any]]  # every event recorded in the period, as it was recorded
    targets: list[dict[str, Any]]
    overdue: list[dict[str, Any]]
    stalled: list[dict[str, Any]]
    stale: list[dict[str, Any]]
    stale_after_days: int  # the span of `stale`: no event in so many days
    never_updated: int
    upcoming: list[dict[str, Any]]
    sections: list[dict[str, Any]]
    problems: list[str] = field(default_factory=list)  # as the document names them
    unreadable: list[DataError] = field(default_factory=list)  # as stderr names them
    kinds: dict[str, int] = field(default_factory=dict)  # commitments by what the text makes of them
    due_review: list[dict[str, Any]] = field(default_factory=list)  # review date today or earlier
    unevidenced: list[dict[str, Any]] = field(default_factory=list)  # status changes in the period without evidence
    public: bool = False  # internal notes and officers' names left out (`public_view`)
    charts_kept_in: Path | None = None  # where a drawn chart may be kept (charts.py); not part of the report

    @property
    def moved(self) -> dict[str, int]:
        return {s: self.totals[s] - self.previous_totals[s] for s in self.totals}

    def as_data(self) -> dict[str, Any]:
        return {
            **(PUBLIC_FIELDS if self.public else {}),
            "title": self.title,
            "today": self.today,
            "period": {"start": self.period.start, "end": self.period.end},
            "previous_period": {"start": self.period.previous().start, "end": self.period.previous().end},
            "totals": self.totals,
            "kinds": self.kinds,
            "previous_totals": self.previous_totals,
            "moved": self.moved,
            "changes": self.changes,
            "events": self.events,
            "targets": self.targets,
            "attention": {
                "overdue": self.overdue,
                "stalled": self.stalled,
                "unchanged": self.stale,
                "stale_after_days": self.stale_after_days,
                "never_updated": self.never_updated,
                "due_review": self.due_review,
                "without_evidence": self.unevidenced,
            },
            "upcoming": self.upcoming,
            "sections": self.sections,
            "problems": self.problems,
        }


def build(store: Store, today: date, period: Period, stale_since: date | None = None) -> Report:
    """The report as known at the end of `today`; `stale_since` (default: 90 days back) is the
    first day an event must fall on for an open commitment not to count as unchanged."""
    errors: list[DataError] = []
    statement = store.statement()
    titles = {s.number: s.title for s in statement.sections}
    previous_end = period.previous().end
    totals: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    previous: Counter[str] = Counter()
    per_section: dict[int, Counter[str]] = {s.number: Counter() for s in statement.sections}
    overdue: list[dict[str, Any]] = []
    stalled: list[dict[str, Any]] = []
    stale: list[dict[str, Any]] = []
    due_review: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    dated: list[dict[str, Any]] = []  # deadlines ahead, unless a target tracks the commitment
    if stale_since is None:
        stale_since = today - timedelta(days=STALE_AFTER_DAYS)
    changes: list[dict[str, Any]] = []
    never_updated = 0
    # An article with no event recorded after this day is the same at the end of it, of the
    # previous period and of today, and has no event in the period: its current fields will do.
    for read in store.recent_articles(errors, min(previous_end, today)):
        if isinstance(read, ArticleEntry):
            article: Article | ArticleEntry = read
            facts, then = None, None
        else:
            path = store.article_path(read.id)
            article = as_known(read, today, path)
            facts = history_facts(article)
            # as known then, like the change list (by the day recorded): a back-dated change moves both
            then = {c.id: c.status.value for c in as_known(article, previous_end, path).commitments}
        in_article: Counter[str] = Counter()
        for commitment in article.commitments:
            status = Status(commitment.status)  # a model's, or an index row's value
            totals[status.value] += 1
            kinds[commitment.kind] += 1
            previous[status.value if then is None else then[commitment.id]] += 1
            in_article[status.value] += 1
            if isinstance(commitment, CommitmentEntry):
                last, review = commitment.touched, commitment.review  # the index keeps history_facts' answers
            else:
                assert isinstance(article, Article) and facts is not None  # a model's commitments are models
                last, review = last_touched(article, commitment, facts), review_date(article, commitment, facts)
            if last is None:
                never_updated += status not in CLOSED_STATUSES
            lists = [
                found
                for found, belongs in (
                    (overdue, is_overdue(commitment, today)),
                    (stalled, status == Status.STALLED),
                    (stale, last is not None and unchanged(status, last, stale_since)),
                    (due_review, review is not None and review <= today),
                )
                if belongs
            ]
            if lists:  # a row only for a commitment that needs attention: most need none
                row = _item_row(commitment, status, last)
                for found in lists:
                    found.append(row | {"review_by": review} if found is due_review else row)
            days_left = days_to_deadline(commitment, today)
            if days_left is not None and 0 <= days_left <= UPCOMING_DAYS:
                dated.append(
                    {
                        "id": commitment.id,
                        "title": commitment.title,
                        "due": commitment.due,
                        "days_left": days_left,
                        "status": status,
                        **party_fields(commitment),
                    }
                )
        if in_article:  # a section the statement does not name is listed only with commitments in it
            per_section.setdefault(article.section, Counter()).update(in_article)
        if isinstance(article, Article):
            recorded = [e for e in article.history if period.start <= e.at.date() <= period.end]
            events += [_change_row(article, event, titles) for event in recorded]
            changes += [_change_row(article, event, titles) for event in net_changes(recorded)]
    for target in (as_known(t, today, store.target_path(t.id)) for t in store.targets(errors)):
        recorded = [e for e in target.history if period.start <= e.at.date() <= period.end]
        events += [_change_row(None, event, titles) | {"title": target.title} for event in recorded]
        changes += [_change_row(None, event, titles) | {"title": target.title} for event in net_changes(recorded)]
    unevidenced = [c for c in changes if c["what"] == "status" and not c["evidence"]]
    for rows in (events, changes, unevidenced):
        rows.sort(key=lambda c: (c["section"] is None, c["section"] or 0, c["at"], c["id"]))
    summary = overview(store, today, None, None, errors, as_of=True, with_deadlines=False)  # deadlines are above
    linked = {p.target.commitment for p in summary.targets}
    upcoming = [row for row in sorted(dated, key=lambda r: (r["due"], r["id"])) if row["id"] not in linked]
    statuses = [s.value for s in Status]
    sections = [
        {"number": n, "title": titles.get(n, "?"), **{s: c[s] for s in statuses}, "total": sum(c.values())}
        for n, c in sorted(per_section.items())
    ]
    return Report(
        title=statement.title,
        today=today,
        period=period,
        totals={s: totals[s] for s in statuses},
        previous_totals={s: previous[s] for s in statuses},
        changes=changes,
        events=events,
        targets=[figures(p) | {"all_series": _all_series(p.target)} for p in summary.targets],
        overdue=overdue,
        stalled=stalled,
        stale=stale,
        stale_after_days=(today - stale_since).days,
        never_updated=never_updated,
        upcoming=upcoming,
        sections=sections,
        problems=[_relative(error, store.root) for error in errors],
        unreadable=errors,
        kinds={k.value: kinds[k.value] for k in Kind},
        due_review=due_review,
        unevidenced=unevidenced,
        charts_kept_in=store.root / CACHE_DIR if store.indexed else None,
    )


def public_view(report: Report) -> Report:
    """The report for readers outside the ministry: internal notes and their evidence links, and
    who made each change, left out."""
    return replace(
        report,
        changes=public_rows(report.changes),
        events=public_rows(report.events),
        unevidenced=public_rows(report.unevidenced),
        public=True,
    )


def public_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of events (`what`, `internal`, `note`, `evidence`, `by`) fit to publish: a change stays
    without its internal note and evidence link; a note that is internal goes entirely; `by` goes."""
    kept = [r for r in rows if not (r["internal"] and r["what"] == "note")]
    hidden = dict.fromkeys(("note", "evidence"))
    return [{k: v for k, v in (r | (hidden if r["internal"] else {})).items() if k != "by"} for r in kept]


def net_changes(events: list[Event]) -> list[Event]:
    """Each field's change over `events` as one event, from its first old value to its last new one.

    A change undone, or a typo corrected back, within the events leaves nothing; nor does a note
    and its withdrawal. The event kept is the last one (who, when, note), with the first old value.
    """
    withdrawn = {e.undoes for e in events if e.field is None and e.undoes is not None}
    net: list[Event] = []
    by_field: dict[Any, list[Event]] = {}
    for event in sorted(events, key=lambda e: e.at):
        key = field_key(event)
        if key is None:
            if event.undoes is None and event.at not in withdrawn:
                net.append(event)
        else:
            by_field.setdefault(key, []).append(event)
    for touched in by_field.values():
        first, last = touched[0], touched[-1]
        if len(touched) > 1 and (first.old, first.old_source) == (last.new, last.source):
            continue
        net.append(last.model_copy(update={"old": first.old, "old_source": first.old_source}))
    return sorted(net, key=lambda e: e.at)


def _relative(error: DataError, root: Path) -> str:
    """A problem named relative to the records folder: a document carries no local path."""
    try:
        where = error.path.relative_to(root)
    except ValueError:
        where = Path(error.path.name)
    return str(DataError(where, error.line, error.message, error.field))


_KINDS = {stat.S_ISLNK: "a symbolic link", stat.S_ISDIR: "a folder", stat.S_ISFIFO: "a named pipe"}


def write_file(path: Path, text: str | bytes | Writer) -> None:
    """Write a report (or what `text` writes) to a new file, or replace a regular file whole; never a
    device, pipe, folder or link."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror}") from None
    if mode is not None and not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS.items() if test(mode)), "a device or other special file")
        raise UsageError(f"{path} is {kind}, not a regular file; give a file name, or - for stdout")
    atomic_write(path, text.encode("utf-8") if isinstance(text, str) else text)


def _all_series(target: AnyTarget) -> list[dict[str, Any]]:
    """Every series of a target, each on its own: series are never mixed into one line."""
    return [
        {
            "name": s.name,
            "label": s.label,
            "primary": s.primary,
            "stage": s.stage,
            "values": point_values(points_of(target, s)),
        }
        for s in target.series
    ]


def _item_row(commitment: AnyCommitment, status: Status, last_change: date | None) -> dict[str, Any]:
    return {
        "id": commitment.id,
        "title": commitment.title,
        "kind": commitment.kind_text(),
        "status": status,
        **party_fields(commitment),
        "owner": commitment.owner,
        "due": commitment.due,
        "last_change": last_change,
    }


def _change_row(article: Article | None, event: Event, titles: dict[int, str]) -> dict[str, Any]:
    title = None
    if article is not None:
        item = next((c for c in article.commitments if c.id == event.id), article)
        title = item.title
    what = what_changed(event)
    return {
        "section": article.section if article else None,
        "section_title": titles.get(article.section) if article else "Targets",
        "id": event.id,
        "title": title,
        "at": event.at,
        "on": event.on,
        "by": event.by,
        "what": what,
        "old": show_value(event.old) if event.field else None,
        "new": show_value(event.new) if event.field else None,
        "note": event.note,
        "evidence": event.evidence,
        "internal": bool(event.internal),
    }
