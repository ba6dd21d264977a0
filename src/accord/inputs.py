"""Checks for values typed on the command line; each failure is an InvalidValue naming the option."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from .errors import InvalidValue
from .model import BOTH_SIDES, Statement, Status


def text(value: str, option: str) -> str:
    """Reject text the shell handed over as undecodable bytes (Python keeps them as surrogates)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidValue(f"{option} is not valid UTF-8") from None
    if not value.strip():
        raise InvalidValue(f"{option} is empty")
    return value


def today() -> date:
    """Today in UTC, the clock every event is recorded in."""
    return datetime.now(UTC).date()


def status(value: str) -> Status:
    try:
        return Status.parse(text(value, "STATUS"))
    except ValueError as exc:
        raise InvalidValue(str(exc)) from None


def iso_date(value: str, option: str) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
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
        return today - timedelta(days=days)
    return iso_date(value, "--since")


def url(value: str, option: str = "--evidence") -> str:
    text(value, option)
    parts = urlsplit(value)
    unsafe = any(c.isspace() or c in '<>"`{}|\\^' for c in value)
    if parts.scheme not in ("http", "https") or not parts.netloc or unsafe:
        raise InvalidValue(f"{option} {value!r} is not an http(s) URL")
    return value


def amount(value: str, option: str = "VALUE") -> Decimal:
    try:
        number = Decimal(value.strip().replace("_", ""))
    except InvalidOperation:
        raise InvalidValue(f"{option} {value!r} is not a number") from None
    if not number.is_finite():
        raise InvalidValue(f"{option} {value!r} is not a finite number")
    return number


def side(value: str, statement: Statement) -> str:
    choices = [BOTH_SIDES, *statement.sides]
    key = text(value, "--side").strip().lower()
    if key not in choices:
        raise InvalidValue(f"unknown side {value!r}; this statement's sides: {', '.join(choices)}")
    return key


def tag(value: str) -> str:
    tag_text = text(value, "--tag").strip().lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", tag_text):
        raise InvalidValue(f"tag {value!r} may hold only letters, digits and '-'")
    return tag_text
