"""The records: what a statement, an article, a commitment, a target and an event are.

Models are strict (no coercion) and closed (unknown keys are errors). Field order is the
order keys are written in. Dates travel as ISO strings in the files; money as Decimal.
Every text and number is bounded (the limits in values.py, also in the README), so that no record
can hold a value that later output or arithmetic cannot handle.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from .errors import InvalidValue
from .text import ISO_DATE, SLUG
from .values import AMOUNT_LIMIT as AMOUNT_LIMIT
from .values import ASKING_KINDS as ASKING_KINDS
from .values import BOTH_SIDES as BOTH_SIDES
from .values import CLOSED_STATUSES as CLOSED_STATUSES
from .values import DEFAULT_VERDICT_STAGE as DEFAULT_VERDICT_STAGE
from .values import MAX_AMOUNT_DIGITS as MAX_AMOUNT_DIGITS
from .values import MAX_ID as MAX_ID
from .values import MAX_NAME as MAX_NAME
from .values import MAX_NOTE as MAX_NOTE
from .values import MAX_PASSAGE as MAX_PASSAGE
from .values import MAX_TEXT as MAX_TEXT
from .values import MAX_URL as MAX_URL
from .values import NO_REVIEW as NO_REVIEW
from .values import SCALES as SCALES
from .values import STAGES as STAGES
from .values import Kind as Kind
from .values import Status as Status
from .values import bounded_amount as bounded_amount
from .values import checked_amount as checked_amount
from .values import checked_url as checked_url
from .values import differing_parties as differing_parties
from .values import is_http_url as is_http_url
from .values import joint_status as joint_status
from .values import jsonable as jsonable
from .values import kind_text as kind_text
from .values import parse_amount as parse_amount
from .values import party_status as party_status
from .values import status_text as status_text
from .values import statuses_text as statuses_text

_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z")


def _parse_date(value: Any) -> Any:
    if isinstance(value, str):
        if not ISO_DATE.fullmatch(value):
            raise ValueError(f"{value!r} is not a date in the form YYYY-MM-DD")
        return date.fromisoformat(value)
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValueError("must be a date in the form YYYY-MM-DD")
    return value


def _parse_timestamp(value: Any) -> Any:
    if isinstance(value, str) and len(value) == 27 and value[10] == "T" and value[19] == "." and value[26] == "Z":
        try:  # the form accord writes: skip the pattern, which costs more than parsing
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    if isinstance(value, str):
        if not _TIMESTAMP.fullmatch(value):
            raise ValueError(f"{value!r} is not a UTC timestamp such as 2025-08-13T09:30:00Z")
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError("must be a UTC timestamp such as 2025-08-13T09:30:00Z")
    return value.astimezone(UTC)


def _format_timestamp(value: datetime) -> str:
    # isoformat writes a year before 1000 in four digits, as _TIMESTAMP reads it back; strftime's %Y does not
    if value.tzinfo is UTC:  # as every timestamp read is: written without converting, twice as fast
        return value.isoformat(timespec="microseconds")[:-6] + "Z"
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _parse_decimal(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise ValueError("must be a number such as 86.8 (unquoted)")
    return bounded_amount(Decimal(value))


IsoDate = Annotated[date, BeforeValidator(_parse_date), PlainSerializer(date.isoformat)]
Timestamp = Annotated[datetime, BeforeValidator(_parse_timestamp), PlainSerializer(_format_timestamp)]
Amount = Annotated[Decimal, BeforeValidator(_parse_decimal)]
Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
Label = Annotated[str, Field(max_length=MAX_TEXT)]
Passage = Annotated[str, Field(min_length=1, max_length=MAX_PASSAGE)]
Person = Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
Owner = Annotated[str, Field(max_length=MAX_NAME)]
Note = Annotated[str, Field(max_length=MAX_NOTE)]
Url = Annotated[str, Field(min_length=1, max_length=MAX_URL)]
# Any other scheme stays readable (shown as text, never linked); validate reports it.
Evidence = Annotated[str, Field(max_length=MAX_URL)]
Slug = Annotated[str, Field(pattern=rf"^{SLUG}$", max_length=MAX_ID)]
RecordId = Slug
Tag = Slug
CommitmentId = Annotated[str, Field(pattern=rf"^{SLUG}\.[0-9]+$", max_length=MAX_ID)]
# Enums are read from their string values; strict mode alone would demand enum instances.
StatusField = Annotated[Status, Field(strict=False)]
# Text up to a passage: an excerpt's old and new wording when a commitment is split.
EventValue = Annotated[str, Field(max_length=MAX_PASSAGE)] | list[Label] | Amount | None


def _parse_review_date(value: Any) -> Any:
    if value == NO_REVIEW:
        return value
    try:
        return _parse_date(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date in the form YYYY-MM-DD, nor none") from None


ReviewDate = Annotated[
    date | Literal["none"],
    BeforeValidator(_parse_review_date),
    PlainSerializer(lambda value: value if value == NO_REVIEW else value.isoformat()),
]


class Record(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", validate_assignment=True)


Scale = Literal["thousand", "million", "billion"]  # the keys of SCALES
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]  # ISO 4217
Stage = Literal["approved", "signed", "disbursed"]  # STAGES


class Original(Record):
    """A figure as it was published, in another currency, and the rate that turned it into the target's unit."""

    value: Amount
    currency: CurrencyCode
    unit: Scale | None = None  # None: whole units of the currency
    rate: Amount  # units of `currency` per one unit of the target's currency (KRW per USD)
    rate_date: IsoDate | None = None
    rate_source: Text


class Event(Record):
    """One change, as it was made. Events are appended and never rewritten."""

    at: Timestamp
    by: Person
    id: Text
    field: (
        Literal[
            "status", "owner", "due", "tags", "side", "kind", "asked_by", "title", "excerpt", "split", "measurement"
        ]
        | None
    ) = None  # fmt: skip
    # -- per-party status: a status event with a party sets that party's status alone
    party: Slug | None = None
    # --
    series: Label | None = None
    period: Label | None = None
    old: EventValue = None
    new: EventValue = None
    source: Label | None = None  # of a measurement's new value
    old_source: Label | None = None
    on: IsoDate | None = None
    note: Note | None = None
    evidence: Evidence | None = None
    undoes: Timestamp | None = None
    # Review and confidentiality: a review date (`none` withdraws the one set before), and whether
    # the note and evidence link are for the officers only, kept out of public output.
    review_by: ReviewDate | None = None
    internal: bool | None = None
    original: Original | None = None  # of a measurement's new value, when it was published in another currency
    old_original: Original | None = None

    def effective(self) -> tuple[date, datetime]:
        """Order of events: when it happened (`on`, else the day it was recorded), then when recorded."""
        return (self.on or self.at.date(), self.at)


class Commitment(Record):
    id: CommitmentId
    title: Text
    side: Slug
    kind: Annotated[Kind, Field(strict=False)]
    asked_by: Slug | None = None  # for requests, proposals and hopes: the side that asked
    excerpt: Passage
    note: Note | None = None  # what the text leaves open, e.g. why a year is not a due date
    status: StatusField = Status.NOT_STARTED
    # -- per-party status: each party's own, once one was set apart (`set --party`); `status` is then
    # joint_status of them. Both are replayed from the history (history.commitment_statuses).
    parties: dict[Slug, StatusField] | None = None
    # --
    owner: Owner | None = None
    due: IsoDate | None = None
    tags: list[Tag] = []

    def party_status(self, party: str) -> Status | None:
        """What `party` has of this commitment: its own status if both carry it, else the status if
        `party` carries it alone, else None."""
        return party_status(self.side, self.status, self.parties, party)

    def status_text(self) -> str:
        """The status as a reader wants it: `in_progress`, or with each party's where they differ:
        `in_progress (vietnam completed, korea in_progress)`."""
        return status_text(self.status, self.differing_parties())

    def differing_parties(self) -> dict[str, Status] | None:
        """Each party's status, when both carry this commitment and their statuses differ."""
        return differing_parties(self.side, self.parties)

    def kind_text(self) -> str:
        return kind_text(self.kind, self.asked_by, self.side)


class Article(Record):
    id: RecordId
    section: Annotated[int, Field(ge=1)]
    title: Text
    text: Passage
    status: StatusField = Status.NOT_STARTED
    owner: Owner | None = None
    due: IsoDate | None = None
    tags: list[Tag] = []
    commitments: list[Commitment] = []
    history: list[Event] = []


class Measurement(Record):
    period: Text
    value: Amount  # in the target's unit; converted from `original` when there is one
    source: Text
    note: Note | None = None
    original: Original | None = None


class Series(Record):
    name: RecordId
    label: Text
    primary: bool = False
    stage: Stage | None = None  # of a fund's money: what the series counts
    measurements: list[Measurement] = []


class Target(Record):
    id: RecordId
    title: Text
    article: RecordId
    commitment: CommitmentId
    kind: Literal["level", "cumulative"]
    unit: Text
    value: Amount
    source: Text
    baseline: IsoDate
    deadline: IsoDate
    verdict_stage: Stage | None = None  # of a fund with staged series: the stage the verdict rests on; default signed
    notes: list[Note] = []
    series: list[Series] = []
    history: list[Event] = []

    def staged(self) -> bool:
        return any(s.stage is not None for s in self.series)


class Section(Record):
    number: Annotated[int, Field(ge=1)]
    heading: Text
    title: Text


class Visit(Record):
    start: IsoDate
    end: IsoDate
    place: str | None = None  # only what the text or a cited source says
    source: str | None = None  # where the dates and place are stated


class Source(Record):
    attribution: Text
    url: Url
    file: Text


class Statement(Record):
    format: Literal[1]
    title: Text
    parties: list[Text]
    sides: list[Slug] = []  # the parties' short names, in the order of `parties`
    visit: Visit | None = None  # a statement made without a visit has none
    language: Text
    source: Source
    preamble: list[Passage]
    sections: list[Section]
    notes_internal_by_default: bool | None = None  # true: a note is internal unless `--public` says otherwise

    def side_named(self, value: str) -> str:
        """One of the statement's sides, or `both`, in the records' form (any case)."""
        choices = [BOTH_SIDES, *self.sides]
        key = value.strip().lower()
        if key not in choices:
            raise InvalidValue(f"unknown side {value!r}; this statement's sides: {', '.join(choices)}")
        return key


class Term(Record):
    names: Annotated[list[Text], Field(min_length=2)]
    note: Note | None = None


class Glossary(Record):
    terms: list[Term] = []


def to_data(record: Record) -> dict[str, Any]:
    """The plain data a record is written as: model field order, unset optionals left out."""
    data: dict[str, Any] = record.model_dump(mode="python", exclude_none=True)
    return data
