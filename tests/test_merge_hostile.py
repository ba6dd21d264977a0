"""The merge driver fed broken and hostile versions of a record: a clean merge that reads back, or a visible conflict.

Whatever one version holds (random bytes, a truncated file, YAML that breaks the schema, a
series that does not exist, anchors, nesting, a huge value), `accord merge-driver merge`
either writes a record accord reads back with every event of both sides, or exits 1..128
with conflict markers in the file and one line on stderr naming the file. Never exit 0 with
a broken record, never only our side left without markers.
"""

from __future__ import annotations

import copy
import re
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord import yamlio
from conftest import Accord, copy_records
from helpers import parse_json

HUGE = "x" * (5 * 1024 * 1024)  # over the 4 MiB a record may hold
EVENT = {"at": "2026-11-30T10:00:00.000000Z", "by": "Mallory", "id": "4.5", "field": "status"}
HOSTILE_LINES = [
    "status: maybe",
    'section: !!int "x"',
    "title: &t anchored",
    "owner: *t",
    "<<: {id: '5'}",
    "id: '4'",  # a duplicate key
    "\tstatus: completed",
    "- a list item at the top",
    "history: 7",
    "commitments: {}",
    "note: \x00",
    "[" * 600 + "]" * 600,
    '{"l0":&l0 {"a":"lol","b":"lol"},"l1":{"a":*l0,"b":*l0}}',
    "text: |\n  <<<<<<< ours\n  not a conflict, a literal block",
    "note: {huge}",
]


def _event(**values: Any) -> dict[str, Any]:
    return {**EVENT, **values}


# Changes to the parsed record: each makes a version that is valid YAML but not a record accord can merge.
def _unknown_commitment(data: Any) -> Any:
    data["history"].append(_event(id="4.99", old="not_started", new="completed"))
    return data


def _renamed_series(data: Any) -> Any:
    for series in data.get("series", [])[:1]:
        series["name"] = "vn"  # our side recorded into the old name
    return data


def _unknown_series(data: Any) -> Any:
    data["history"].append(
        _event(id=data["id"], field="measurement", series="nowhere", period="2026", new=1, source="x")
    )
    return data


def _wrong_types(data: Any) -> Any:
    data["history"] = [{**e, "at": 20261130} for e in data["history"]] or "none"
    return data


def _top_level_list(data: Any) -> Any:
    return [data]


def _missing_id(data: Any) -> Any:
    del data["id"]
    return data


def _reworded_text(data: Any) -> Any:
    if "text" in data:
        data["text"] = "Mallory's wording of the statement."
    return data


def _huge_note(data: Any) -> Any:
    data["history"].append(_event(field=None, note=HUGE))
    return data


def _deeply_nested(data: Any) -> Any:
    nested: Any = "bottom"
    for _ in range(300):
        nested = [nested]
    data["notes"] = nested
    return data


DATA_CHANGES: list[Callable[[Any], Any]] = [
    _unknown_commitment,
    _renamed_series,
    _unknown_series,
    _wrong_types,
    _top_level_list,
    _missing_id,
    _reworded_text,
    _huge_note,
    _deeply_nested,
]


@dataclass(frozen=True)
class Record:
    """Three valid versions of one record, as two officers' clones would hold them."""

    shown: str  # the path git names
    base: bytes = field(repr=False)
    ours: bytes = field(repr=False)
    theirs: bytes = field(repr=False)

    def __repr__(self) -> str:
        return f"Record({self.shown!r})"


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> list[Record]:
    made = []
    for shown, changes in (
        ("statement/articles/4.yaml", (["set", "4.5", "in_progress"], ["note", "4.1", "met the counterpart"])),
        (
            "statement/targets/trade.yaml",
            (
                ["measure", "trade", "96.1", "--period", "2026", "--source", "KITA"],
                ["measure", "trade", "80", "--period", "2025", "--series", "vietnam", "--source", "Customs"],
            ),
        ),
    ):
        sides = []
        for change in changes:
            accord = Accord(copy_records(tmp_path_factory.mktemp("clone")))
            assert accord(*change).code == 0
            sides.append((accord.records.parent / shown).read_bytes())
        base = (copy_records(tmp_path_factory.mktemp("base")).parent / shown).read_bytes()
        made.append(Record(shown, base, sides[0], sides[1]))
    return made


def _flip(valid: bytes, flips: list[tuple[int, int]]) -> bytes:
    data = bytearray(valid)
    for position, byte in flips:
        data[position % len(data)] = byte
    return bytes(data)


def _with_line(valid: bytes, line: str, at: int, replace: bool) -> bytes:
    lines = valid.decode("utf-8").split("\n")
    index = at % len(lines)
    lines[index : index + replace] = [line.replace("{huge}", HUGE)]
    return "\n".join(lines).encode("utf-8", errors="surrogateescape")


def _changed(valid: bytes, change: Callable[[Any], Any]) -> bytes:
    data = copy.deepcopy(yamlio.load_text(valid.decode("utf-8"), Path("x.yaml")))
    return yamlio.dump(change(data))


def hostile(valid: bytes) -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=400),
        st.integers(0, len(valid) - 1).map(lambda n: valid[:n]),
        st.lists(st.tuples(st.integers(0, len(valid)), st.integers(0, 255)), min_size=1, max_size=6).map(
            lambda flips: _flip(valid, flips)
        ),
        st.builds(
            lambda line, at, replace: _with_line(valid, line, at, replace),
            st.sampled_from(HOSTILE_LINES),
            st.integers(0, 400),
            st.booleans(),
        ),
        st.sampled_from(DATA_CHANGES).map(lambda change: _changed(valid, change)),
        st.just(valid.replace(b"\n", b"\r\n")),
        st.just(b"\xef\xbb\xbf" + valid),  # a byte order mark
    )


@st.composite
def cases(draw: st.DrawFn, records: list[Record]) -> tuple[Record, str, bytes]:
    record = draw(st.sampled_from(records))
    side = draw(st.sampled_from(["theirs", "theirs", "ours", "base"]))
    return record, side, draw(hostile(getattr(record, side)))


MARKER = re.compile(rb"^<<<<<<< .*?^>>>>>>> ", re.MULTILINE | re.DOTALL)


@pytest.mark.slow
def test_hostile_versions_merge_cleanly_or_leave_a_visible_conflict(
    records: list[Record], tmp_path_factory: pytest.TempPathFactory
) -> None:
    reader = Accord(copy_records(tmp_path_factory.mktemp("reader")))
    outcomes: Counter[str] = Counter()

    @settings(
        max_examples=150,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
    @given(cases(records))
    def merge(case: tuple[Record, str, bytes]) -> None:
        record, side, broken = case
        versions = {"base": record.base, "ours": record.ours, "theirs": record.theirs, side: broken}
        with tempfile.TemporaryDirectory() as folder:
            paths = {name: Path(folder) / f".merge_file_{name}" for name in versions}
            for name, data in versions.items():
                paths[name].write_bytes(data)
            out = reader("merge-driver", "merge", *(str(paths[n]) for n in ("base", "ours", "theirs")), record.shown)
            result = paths["ours"].read_bytes()
        assert out.stdout == ""
        if out.code == 0:
            outcomes["clean"] += 1
            assert_reads_back_with_every_event(reader, record, versions, result)
            return
        outcomes["conflict"] += 1
        assert 1 <= out.code <= 128, (out.code, out.stderr)
        assert MARKER.search(result), result[:300]
        [line] = out.stderr.splitlines()
        assert line.startswith(f"accord merge: {record.shown}: ") and line.endswith("; left as a conflict"), line

    merge()
    print(f"\nhostile merges: {sum(outcomes.values())}, {dict(outcomes)}")
    assert outcomes["conflict"] > outcomes["clean"]  # the strategy does break records, mostly


def assert_reads_back_with_every_event(
    reader: Accord, record: Record, versions: dict[str, bytes], result: bytes
) -> None:
    """A clean merge is a record accord reads, holding every event of both sides."""
    target = reader.records.parent / record.shown
    target.write_bytes(result)
    record_id = target.stem
    out = reader("show", record_id, "--format", "json")
    assert out.code == 0, out.stderr
    merged = {(e["at"], e["by"], e["id"]) for e in parse_json(out.stdout)["history"]}
    for name in ("ours", "theirs"):
        side = yamlio.load_text(versions[name].decode("utf-8-sig"), target).get("history", [])
        assert {(e["at"], e["by"], e["id"]) for e in side} <= merged, name
    assert b"<<<<<<<" not in result
