"""The records' vocabulary and bounds: statuses, kinds, sides, the limits of every text and
number, and how a value is checked and written as JSON. Nothing here needs pydantic, so that
the command line can list, search and check its input without building the models (model.py,
which re-exports all of this).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum, StrEnum
from typing import Any, TypeVar
from urllib.parse import urlsplit

from .errors import InvalidValue
from .text import checked_text

MAX_ID = 64  # ids are file names
MAX_NAME = 200  # a person or a desk: by, owner
MAX_TEXT = 500  # a title, label, unit, period or source
MAX_NOTE = 4000
MAX_URL = 2000
MAX_PASSAGE = 100_000  # a paragraph of the statement, quoted verbatim
AMOUNT_LIMIT = Decimal(10) ** 15  # in the target's unit; a bound far above any real figure
MAX_AMOUNT_DIGITS = 28  # Decimal's default precision


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ONGOING = "ongoing"
    COMPLETED = "completed"
    STALLED = "stalled"
    DROPPED = "dropped"

    @classmethod
    def parse(cls, text: str) -> Status:
        """Accept any case and `-`, `_` or space between words: `In Progress`, `in-progress`."""
        return _choice(cls, re.sub(r"[\s\-_]+", "_", text.strip().lower()), text, "status")


E = TypeVar("E", bound=StrEnum)


def _choice(cls: type[E], key: str, text: str, what: str) -> E:
    try:
        return cls(key)
    except ValueError:
        choices = ", ".join(member.value for member in cls)
        raise ValueError(f"unknown {what} {text!r}; choose one of {choices}") from None


CLOSED_STATUSES = frozenset({Status.COMPLETED, Status.DROPPED})
# Statuses in which a party has stopped short of completing.
_STOPPED = frozenset({Status.STALLED, Status.DROPPED})


def joint_status(statuses: Iterable[Status]) -> Status:
    """The status of a commitment both parties carry, from each party's (README: "Each party's status").

    The parties agree: theirs. All closed, not all completed: dropped. Some stopped (stalled or
    dropped) while another is still open: stalled. All ongoing or completed: ongoing. Else in_progress.
    """
    distinct = set(statuses)
    if len(distinct) == 1:
        return distinct.pop()
    if distinct <= CLOSED_STATUSES:
        return Status.DROPPED
    if distinct & _STOPPED:
        return Status.STALLED
    if distinct <= {Status.ONGOING, Status.COMPLETED}:
        return Status.ONGOING
    return Status.IN_PROGRESS


# The side that carries a commitment: one of the statement's `sides` (its parties' short
# names, such as `vietnam` and `korea`), or all of them together.
BOTH_SIDES = "both"


NO_REVIEW = "none"  # a review date withdrawn


class Kind(StrEnum):
    """What the text makes of a commitment, after its own verb (README: the table verb -> kind)."""

    AGREED = "agreed"  # the parties, or one side, agreed to it: kwamen overeen, kwam overeen, zullen
    PLEDGED = "pledged"  # declared ready or resolved, without the other's agreement: beloofde, bevestigde ... zal
    REQUESTED = "requested"  # one side asked the other: verzocht
    PROPOSED = "proposed"  # one side put it to the other: stelde voor
    HOPED = "hoped"  # one side hoped the other would: hoopte, sprak de hoop uit
    WELCOMED = "welcomed"  # verwelkomde
    VIEW = "view"  # a shared view, not an undertaking: waren van mening, benadrukten het belang

    @classmethod
    def parse(cls, text: str) -> Kind:
        return _choice(cls, text.strip().lower(), text, "kind")


def statuses_text(statuses: Mapping[str, Status | str]) -> str:
    """`vietnam completed, korea in_progress`."""
    return ", ".join(f"{party} {Status(status).value}" for party, status in statuses.items())


S = TypeVar("S", Status, str)  # a status: the model's, or its value as the index holds it


def party_status(side: str, status: S, parties: Mapping[str, S] | None, party: str) -> S | None:
    """What `party` has of a commitment `side` carries: its own status if both carry it, else the
    status if `party` carries it alone, else None."""
    if side == BOTH_SIDES:
        return parties.get(party, status) if parties else status
    return status if side == party else None


def differing_parties(side: str, parties: Mapping[str, S] | None) -> dict[str, S] | None:
    """Each party's status, when both carry a commitment and their statuses differ."""
    if side != BOTH_SIDES or not parties or len(set(parties.values())) < 2:
        return None
    return dict(parties)


def status_text(status: Status | str, parties: Mapping[str, Status | str] | None) -> str:
    """`in_progress`, or with each party's: `in_progress (vietnam completed, korea in_progress)`."""
    return Status(status).value if not parties else f"{Status(status).value} ({statuses_text(parties)})"


def kind_text(kind: str, asked_by: str | None, side: str) -> str:
    """The kind as a reader wants it: `agreed`, or who asked whom: `requested (vietnam → korea)`."""
    return str(kind) if asked_by is None else f"{kind} ({asked_by} → {side})"


# Kinds in which one side (`asked_by`) turns to the other (`side`).
ASKING_KINDS = frozenset({Kind.REQUESTED, Kind.PROPOSED, Kind.HOPED})

# How many of a currency a figure counts: `billion` in "261.351 billion KRW".
SCALES = {"thousand": Decimal(10) ** 3, "million": Decimal(10) ** 6, "billion": Decimal(10) ** 9}
# The stages a fund's money passes, in order; the ceiling agreed is the target's value.
STAGES = ("approved", "signed", "disbursed")
DEFAULT_VERDICT_STAGE = "signed"


def bounded_amount(value: Decimal) -> Decimal:
    """`value` written out without an exponent (1E+3 is 1000), or ValueError if a record cannot hold it.

    Below 10^15 in absolute value, at most 28 significant digits and at most 28 decimal places:
    a value that every computation on it can carry, and that is written out in a few dozen characters.
    """
    if not value.is_finite():
        raise ValueError("not a finite number")
    if value.copy_abs() >= AMOUNT_LIMIT:  # abs() would round in the context, and can overflow
        raise ValueError("must be below 10^15 in absolute value")
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    if len(digits) > MAX_AMOUNT_DIGITS:
        raise ValueError(f"may have at most {MAX_AMOUNT_DIGITS} significant digits")
    if exponent < -MAX_AMOUNT_DIGITS:
        raise ValueError(f"may have at most {MAX_AMOUNT_DIGITS} decimal places")
    return value.quantize(Decimal(1)) if exponent > 0 else value


def parse_amount(text: str, what: str) -> Decimal:
    """A figure as typed: `1_000`, `1E+3` and ` 1000 ` are 1000."""
    try:
        number = Decimal(text.strip().replace("_", ""))
    except InvalidOperation:
        raise InvalidValue(f"{what} {text!r} is not a number") from None
    return checked_amount(number, f"{what} {text!r}")


def checked_amount(value: Decimal, what: str) -> Decimal:
    """`value` as the records hold it, or InvalidValue naming `what`."""
    try:
        return bounded_amount(value)
    except ValueError as exc:
        raise InvalidValue(f"{what}: {exc}") from None


def checked_url(value: str, what: str) -> str:
    """`value` if it is an http(s) link a record can hold."""
    checked_text(value, what, MAX_URL)
    if not is_http_url(value):
        raise InvalidValue(f"{what} {value!r} is not an http(s) URL")
    return value


def is_http_url(value: str) -> bool:
    """An http(s) link with a host and no character that could break out of a link or a cell."""
    try:
        parts = urlsplit(value)
    except ValueError:  # such as an unclosed [ of an IPv6 host
        return False
    unsafe = any(c.isspace() or not c.isprintable() or c in '<>"`{}|\\^' for c in value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not unsafe


def jsonable(value: Any) -> Any:
    """`value` as JSON carries it: dates as ISO text, decimals as exact text, enums as their value."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value
