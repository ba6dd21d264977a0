"""What accord writes, it reads back as the same record, and writes again as the same bytes.

Generated records mix ordinary text with the values YAML 1.1 would turn into something else
(`no`, `on`, `1:20`, `0123`, a bare date), the empty string, multi-line and accented text, and
exact decimals. The shipped records are already in the canonical form: rewriting them changes
no byte.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord import yamlio
from accord.model import (
    Article,
    Commitment,
    Event,
    Glossary,
    Kind,
    Measurement,
    Record,
    Series,
    Statement,
    Status,
    Target,
    to_data,
)

TRICKY = [
    "no",
    "on",
    "off",
    "yes",
    "y",
    "n",
    "true",
    "null",
    "~",
    "1:20",
    "0123",
    "0x1f",
    "1_000",
    "1e3",
    ".5",
    "86.80",
    "-0",
    "2030-12-31",
    "2025-08-13T09:30:00Z",
    "creëren",
    "Biển Đông",
    "Comité — “quoted”",
    "#not a comment",
    "- not a list",
    "key: value",
    "&anchor *alias",
    "<<",
    "!!python/object/apply:os.system",
    "'single'",
    '"double"',
    "  leading and trailing  ",
    "line one\nline two",
    "trailing newline\n",
    "\nleading newline",
    "tab\tinside",
    "a\n\n\nb\n\n",
]

words = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Zs")),
    min_size=1,
    max_size=40,
)
lines = st.lists(words, min_size=2, max_size=4).map("\n".join)
any_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)

# Optional free text may be empty; required text (`Text`) may not.
free_text = st.one_of(st.sampled_from(["", *TRICKY]), words, lines, any_text)
required_text = free_text.filter(lambda t: t != "")
record_id = st.one_of(
    st.sampled_from(["4", "17a", "closing", "0123", "no", "on", "1-20"]), st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,12}\Z")
)
commitment_id = st.builds(lambda a, n: f"{a}.{n}", record_id, st.integers(0, 10_000))
tags = st.lists(record_id, max_size=4)
dates = st.dates()
timestamps = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC))
amounts = st.one_of(
    st.sampled_from(
        [Decimal(v) for v in ("86.80", "0.0", "-0", "-0.00", "0E-10", "-1.5", "150", "1E+3", "1E-7", "-12345678901.5")]
    ),
    # what a record can hold: below 10^15, at most 28 significant digits and 28 decimal places
    st.decimals(min_value=-(10**15) + 1, max_value=10**15 - 1, allow_nan=False, allow_infinity=False).filter(
        lambda d: len(d.as_tuple().digits) <= 28 and int(d.as_tuple().exponent) >= -28
    ),
    st.integers(-(10**15) + 1, 10**15 - 1).map(Decimal),
)
urls = st.one_of(
    st.sampled_from(["https://example.org/minutes", "http://mofa.gov.vn/a?b=1&c=%20#x", "https://[::1]:8080/"]),
    st.from_regex(r"\Ahttps://[a-z0-9.-]{1,20}/[A-Za-z0-9/._~%!$&'()*+,;=:@?-]{0,40}\Z"),
)


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


events = st.builds(
    Event,
    at=timestamps,
    by=required_text,
    id=required_text,
    field=st.sampled_from([None, "status", "owner", "due", "tags", "measurement"]),
    series=optional(free_text),
    period=optional(free_text),
    old=optional(st.one_of(free_text, st.lists(free_text, max_size=3), amounts)),
    new=optional(st.one_of(free_text, st.lists(free_text, max_size=3), amounts)),
    source=optional(free_text),
    old_source=optional(free_text),
    on=optional(dates),
    note=optional(free_text),
    evidence=optional(urls),
    undoes=optional(timestamps),
)

commitments = st.builds(
    Commitment,
    id=commitment_id,
    title=required_text,
    side=st.sampled_from(["both", "vietnam", "korea", "united-states"]),
    excerpt=required_text,
    status=st.sampled_from(Status),
    owner=optional(free_text),
    due=optional(dates),
    tags=tags,
)

articles = st.builds(
    Article,
    id=record_id,
    section=st.integers(1, 10**6),
    title=required_text,
    text=required_text,
    status=st.sampled_from(Status),
    owner=optional(free_text),
    due=optional(dates),
    tags=tags,
    commitments=st.lists(commitments, max_size=3),
    history=st.lists(events, max_size=3),
)

measurements = st.builds(
    Measurement, period=required_text, value=amounts, source=required_text, note=optional(free_text)
)

targets = st.builds(
    Target,
    id=record_id,
    title=required_text,
    article=record_id,
    commitment=commitment_id,
    kind=st.sampled_from(["level", "cumulative"]),
    unit=required_text,
    value=amounts,
    source=required_text,
    baseline=dates,
    deadline=dates,
    notes=st.lists(free_text, max_size=3),
    series=st.lists(
        st.builds(
            Series,
            name=record_id,
            label=required_text,
            primary=st.booleans(),
            measurements=st.lists(measurements, max_size=3),
        ),
        max_size=2,
    ),
    history=st.lists(events, max_size=3),
)


def round_trip(record: Record) -> None:
    written = yamlio.dump(to_data(record))
    loaded = yamlio.load_text(written.decode("utf-8"), Path("generated.yaml"))
    again = type(record).model_validate(loaded)
    assert again == record
    assert yamlio.dump(to_data(again)) == written


PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize(
    "strategy",
    [
        pytest.param(events, id="events"),
        pytest.param(commitments, id="commitments"),
        pytest.param(articles, id="articles"),
        pytest.param(targets, id="targets"),
    ],
)
@PROPERTY
@given(data=st.data())
def test_generated_records_round_trip(strategy: st.SearchStrategy[Record], data: st.DataObject) -> None:
    # One draw per example from this case's strategy: each kind still gets its own 300 examples.
    round_trip(data.draw(strategy))


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_text_keeps_its_meaning(text: str) -> None:
    commitment = Commitment(
        id="4.5", title=text, side="both", kind=Kind.AGREED, excerpt="e", owner=text, due=date(2030, 12, 31)
    )
    written = yamlio.dump(to_data(commitment))
    loaded = yamlio.load_text(written.decode("utf-8"), Path("c.yaml"))
    assert loaded["owner"] == text
    assert loaded["due"] == "2030-12-31"
    round_trip(commitment)


def test_decimals_are_written_exactly() -> None:
    measurement = Measurement(period="2024", value=Decimal("86.80"), source="KITA")
    written = yamlio.dump(to_data(measurement))
    assert b"value: 86.80\n" in written
    assert yamlio.load_text(written.decode("utf-8"), Path("m.yaml"))["value"] == Decimal("86.80")
    round_trip(measurement)


@pytest.mark.parametrize("written", ["-0", "-0E+2", "-0.0"])
def test_a_negative_zero_rewrites_to_the_same_bytes(written: str) -> None:
    # `-0` reads back as the integer 0; had it been written as `-0`, the next rewrite would change the file.
    round_trip(Measurement(period="2024", value=Decimal(written), source="KITA"))


def test_timestamps_keep_their_instant() -> None:
    event = Event(at=datetime(2025, 8, 13, 9, 30, 0, 123456, tzinfo=UTC), by="Officer One", id="4.5", note="n")
    written = yamlio.dump(to_data(event))
    assert b"at: '2025-08-13T09:30:00.123456Z'\n" in written
    round_trip(event)


MODELS: dict[str, type[Record]] = {
    "statement.yaml": Statement,
    "glossary.yaml": Glossary,
    "articles": Article,
    "targets": Target,
}


def test_the_shipped_records_round_trip_byte_for_byte(records: Path) -> None:
    files = [records / "statement.yaml", records / "glossary.yaml", *sorted(records.glob("*/*.yaml"))]
    assert len(files) == 2 + 25 + 3
    for path in files:
        model = MODELS[path.name] if path.parent == records else MODELS[path.parent.name]
        raw = path.read_bytes()
        record = model.model_validate(yamlio.load_text(raw.decode("utf-8"), path))
        assert yamlio.leading_comments(raw) + yamlio.dump(to_data(record)) == raw, path
