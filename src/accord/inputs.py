"""Values typed on the command line, turned into typed values; each failure is an InvalidValue
naming the option. Only the command line (and the terminal browser) use this module: the core
takes typed values."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from .errors import InvalidValue
from .query import SORT_FIELDS
from .text import ISO_DATE, as_tag, checked_text
from .values import MAX_NAME, MAX_NOTE, MAX_PASSAGE, MAX_TEXT, MAX_URL, Kind, Status, checked_url, parse_amount

if TYPE_CHECKING:
    from .model import Statement

# The longest value each option (or argument of accord.api) may carry, as the records bound it;
# any other text: MAX_TEXT.
_LIMITS = {
    **dict.fromkeys(("--note", "NOTE", "the note"), MAX_NOTE),
    **dict.fromkeys(("--by", "the actor's name", "--owner", "the owner"), MAX_NAME),
    **dict.fromkeys(("--evidence", "the evidence"), MAX_URL),
    "--into": MAX_PASSAGE,  # a passage quoted from the statement
}


def text(value: str, option: str) -> str:
    """Reject text the shell handed over as undecodable bytes, empty, or too long for its option."""
    return checked_text(value, option, _LIMITS.get(option, MAX_TEXT))


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


def date_or_none(value: str, option: str) -> date | None:
    """A date, or `none` (any case) for none."""
    return None if value.strip().lower() == "none" else iso_date(value.strip(), option)


SPAN = re.compile(r"([1-9][0-9]*)([dwm])")


def since(value: str, today: date) -> date:
    """--since, the same for every command: a date, or a span back from today as `--stale` takes
    it (`7d`, `2w`, `3m`)."""
    if ISO_DATE.fullmatch(value):
        return iso_date(value, "--since")
    if not SPAN.fullmatch(value.strip().lower()):
        raise InvalidValue(f"--since {value!r}: give a date (YYYY-MM-DD) or a span back from today (7d, 2w, 3m)")
    return ago(value, today, "--since")


def ago(value: str, today: date, option: str) -> date:
    """The day a span such as `10d`, `8w` or `3m` reaches back to from `today`. A month is a
    calendar month: 3m before 2026-05-31 is 2026-02-28."""
    span = SPAN.fullmatch(value.strip().lower())
    if not span:
        raise InvalidValue(f"{option} {value!r} is not a span such as 10d, 8w or 3m (days, weeks, months)")
    digits, unit = span.groups()
    if len(digits) > 7:  # more days than lie between the year 1 and 9999, and an int() kept small
        raise InvalidValue(f"{option} {value!r} reaches back before the year 1")
    count = int(digits)
    if unit == "m":
        import calendar  # for a span in months only

        months = today.year * 12 + today.month - 1 - count
        year, month = divmod(months, 12)
        if year < 1:
            raise InvalidValue(f"{option} {value!r} reaches back before the year 1")
        return date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))
    try:
        return today - timedelta(days=count * (7 if unit == "w" else 1))
    except OverflowError:
        raise InvalidValue(f"{option} {value!r} reaches back before the year 1") from None


def url(value: str, option: str = "--evidence") -> str:
    return checked_url(value, option)


def amount(value: str, option: str = "VALUE") -> Decimal:
    """A measurement as the records hold it: `1E+3` is 1000; too large or too fine is refused."""
    return parse_amount(value, option)


def side(value: str, statement: Statement) -> str:
    return statement.side_named(text(value, "--side"))


def tag(value: str) -> str:
    return as_tag(text(value, "--tag"))


def sort_field(value: str) -> str:
    """`list --sort`: a field, `-` before it for the reverse order."""
    if value.removeprefix("-") not in SORT_FIELDS:
        choices = ", ".join(SORT_FIELDS)
        raise InvalidValue(f"--sort {value!r}: choose one of {choices}, with - before it for the reverse order")
    return value


# The filters of `accord list` that `--where` takes, as `name=value` terms; `overdue` stands alone.
WHERE_FILTERS = ("status", "kind", "section", "side", "owner", "tag", "due-before", "overdue")


def where(clauses: list[str]) -> dict[str, list[str]]:
    """`--where "status=stalled tag=trade"` as the values of the `accord list` options it stands for.

    Terms are split as a shell splits words, so a value with spaces is quoted: `owner='Trade desk'`.
    A filter named twice is given twice, as an option repeated on `accord list` is.
    """
    import shlex

    chosen: dict[str, list[str]] = {}
    for clause in clauses:
        try:
            terms = shlex.split(text(clause, "--where"))
        except ValueError as exc:
            raise InvalidValue(f"--where {clause!r}: {exc}") from None
        for term in terms:
            name, equals, value = term.partition("=")
            name = name.strip().lower()
            if name not in WHERE_FILTERS:
                raise InvalidValue(f"--where: unknown filter {name!r}; filters: {', '.join(WHERE_FILTERS)}")
            if (name == "overdue") == bool(equals):
                form = "overdue, alone" if name == "overdue" else f"{name}=VALUE"
                raise InvalidValue(f"--where: {term!r} is not a filter; write it as {form}")
            if name == "section" and not value.strip().isdigit():
                raise InvalidValue(f"--where: section {value!r} is not a section number")
            if name in ("owner", "due-before") and name in chosen:
                raise InvalidValue(f"--where: {name} is given twice; it takes one value")
            chosen.setdefault(name, []).append(value)
    if not chosen:
        raise InvalidValue("--where names no filter; such as --where 'status=stalled tag=trade'")
    return chosen


def record_ids(given: list[str], stdin: Callable[[], str]) -> list[str]:
    """The ids typed, `-` standing for those `stdin` gives: one a line, blank lines and `#` comments left out."""
    if given.count("-") > 1:
        raise InvalidValue("'-' (the ids on standard input) may be given once")
    ids: list[str] = []
    for value in given:
        if value != "-":
            ids.append(text(value, "ID"))
            continue
        for line in stdin().splitlines():
            record_id = line.split("#", 1)[0].strip()
            if record_id:
                ids.append(text(record_id, "ID"))
    return ids
