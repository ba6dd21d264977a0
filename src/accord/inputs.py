"""Checks for values typed on the command line; each failure is an InvalidValue naming the option."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from .errors import InvalidValue
from .model import (
    BOTH_SIDES,
    MAX_NAME,
    MAX_NOTE,
    MAX_TEXT,
    MAX_URL,
    Kind,
    Statement,
    Status,
    bounded_amount,
    is_http_url,
)
from .text import ISO_DATE, SLUG

# The longest value each option may carry, as the records bound it; any other text: MAX_TEXT.
_LIMITS = {"--note": MAX_NOTE, "TEXT": MAX_NOTE, "--by": MAX_NAME, "--owner": MAX_NAME, "--evidence": MAX_URL}


def text(value: str, option: str) -> str:
    """Reject text the shell handed over as undecodable bytes (Python keeps them as surrogates), or too long."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidValue(f"{option} is not valid UTF-8") from None
    if not value.strip():
        raise InvalidValue(f"{option} is empty")
    limit = _LIMITS.get(option, MAX_TEXT)
    if len(value) > limit:
        raise InvalidValue(f"{option} is {len(value)} characters long; at most {limit}")
    return value


def today() -> date:
    """Today in UTC, the clock every event is recorded in."""
    return datetime.now(UTC).date()


def status(value: str) -> Status:
    return _choice(Status.parse, value, "STATUS")


def kind(value: str) -> Kind:
    return _choice(Kind.parse, value, "KIND")


C = TypeVar("C")


def _choice(parse: Callable[[str], C], value: str, option: str) -> C:
    try:
        return parse(text(value, option))
    except ValueError as exc:
        raise InvalidValue(str(exc)) from None


def iso_date(value: str, option: str) -> date:
    if not ISO_DATE.fullmatch(value):
        raise InvalidValue(f"{option} {value!r} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidValue(f"{option} {value!r} is not a calendar date") from None


def since(value: str, today: date) -> date:
    """A date, or a span back from today: `7d`, `2w`."""
    span = re.fullmatch(r"(\d+)([dw])", value.strip())
    if span:
        days = int(span.group(1)) * (7 if span.group(2) == "w" else 1)
        try:
            return today - timedelta(days=days)
        except OverflowError:
            raise InvalidValue(f"--since {value!r} reaches back before the year 1") from None
    return iso_date(value, "--since")


def url(value: str, option: str = "--evidence") -> str:
    text(value, option)
    if not is_http_url(value):
        raise InvalidValue(f"{option} {value!r} is not an http(s) URL")
    return value


def amount(value: str, option: str = "VALUE") -> Decimal:
    """A measurement as the records hold it: `1E+3` is 1000; too large or too fine is refused."""
    try:
        number = Decimal(value.strip().replace("_", ""))
    except InvalidOperation:
        raise InvalidValue(f"{option} {value!r} is not a number") from None
    try:
        return bounded_amount(number)
    except ValueError as exc:
        raise InvalidValue(f"{option} {value!r}: {exc}") from None


def side(value: str, statement: Statement) -> str:
    choices = [BOTH_SIDES, *statement.sides]
    key = text(value, "--side").strip().lower()
    if key not in choices:
        raise InvalidValue(f"unknown side {value!r}; this statement's sides: {', '.join(choices)}")
    return key


def tag(value: str) -> str:
    tag_text = text(value, "--tag").strip().lower()
    if not re.fullmatch(SLUG, tag_text):
        raise InvalidValue(f"tag {value!r} may hold only letters, digits and '-'")
    return tag_text
