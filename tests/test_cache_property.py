"""The parse cache can never change what accord prints: whatever bytes are in it, the output is
what the record files say, and no command prints a traceback.

The expected output is taken with no cache at all. Each example then puts something in the cache
file (random bytes, a random change to a real cache file, or well-formed JSON of the wrong shape
behind a correct header) before each command.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord import __version__
from accord.cache import CACHE_FORMAT, digest
from conftest import Accord, Outcome

CACHE_FILE = Path(".accord-cache") / "articles.json"
COMMANDS = [
    ("list", "--format", "json"),
    ("search", "-c", "samenwerking"),
    ("search", "-c", "150 miljard"),
    ("show", "4.5", "--format", "json"),
]
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def run(accord: Accord, args: tuple[str, ...]) -> Outcome:
    out = accord(*args)
    assert "Traceback" not in out.stderr
    return out


@pytest.fixture
def truth(accord: Accord, records: Path) -> dict[tuple[str, ...], Outcome]:
    """What each command prints when it parses every file itself."""
    outcomes = {}
    for args in COMMANDS:
        shutil.rmtree(records / ".accord-cache", ignore_errors=True)
        outcomes[args] = run(accord, args)
        assert outcomes[args].code == 0, outcomes[args].stderr
    return outcomes


@pytest.fixture
def real_cache(accord: Accord, records: Path, truth: dict[tuple[str, ...], Outcome]) -> bytes:
    run(accord, COMMANDS[0])
    return (records / CACHE_FILE).read_bytes()


def assert_output_unchanged(accord: Accord, records: Path, truth: dict[tuple[str, ...], Outcome], cache: bytes) -> None:
    (records / CACHE_FILE).parent.mkdir(exist_ok=True)
    for args in COMMANDS:
        (records / CACHE_FILE).write_bytes(cache)
        out = run(accord, args)
        assert (out.code, out.stdout, out.stderr) == (truth[args].code, truth[args].stdout, truth[args].stderr), args


def test_the_real_cache_gives_the_same_output(
    accord: Accord, records: Path, truth: dict[tuple[str, ...], Outcome], real_cache: bytes
) -> None:
    assert real_cache.startswith(f"accord parse cache {CACHE_FORMAT} ".encode())
    assert_output_unchanged(accord, records, truth, real_cache)


@pytest.mark.slow
@SETTINGS
@given(garbage=st.binary(max_size=4096))
def test_random_bytes_in_the_cache_change_nothing(
    accord: Accord, records: Path, truth: dict[tuple[str, ...], Outcome], garbage: bytes
) -> None:
    assert_output_unchanged(accord, records, truth, garbage)


@st.composite
def mutations(draw: st.DrawFn, original: bytes) -> bytes:
    """The real cache with a few bytes flipped, cut out, inserted or the end cut off."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del data[at : at + draw(st.integers(1, 64))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        else:
            del data[at:]
    return bytes(data)


@pytest.mark.slow
@SETTINGS
@given(data=st.data())
def test_a_changed_real_cache_changes_nothing(
    accord: Accord, records: Path, truth: dict[tuple[str, ...], Outcome], real_cache: bytes, data: st.DataObject
) -> None:
    assert_output_unchanged(accord, records, truth, data.draw(mutations(real_cache)))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@pytest.mark.slow
@SETTINGS
@given(body=json_values, names=st.lists(st.sampled_from(["4", "5", "17a"]), max_size=3))
def test_a_cache_of_the_wrong_shape_behind_a_correct_header_changes_nothing(
    accord: Accord, records: Path, truth: dict[tuple[str, ...], Outcome], body: object, names: list[str]
) -> None:
    """What a different layout under the same version, or a hand edit that kept the digest, looks like."""
    if names and isinstance(body, dict):  # entries for the files as they are, holding the wrong data
        body = {name: [digest((records / "articles" / f"{name}.yaml").read_bytes()), body, None] for name in names}
    elif names:  # entries keyed like the real ones, holding anything
        body = {name: body for name in names}
    raw = json.dumps(body).encode("utf-8")
    header = f"accord parse cache {CACHE_FORMAT} {__version__} {digest(raw)}\n".encode()
    assert_output_unchanged(accord, records, truth, header + raw)


def test_validate_reads_the_files_even_behind_a_forged_cache(accord: Accord, records: Path, real_cache: bytes) -> None:
    """A cache rewritten with a matching digest can only be told from the files by reading them."""
    body = json.loads(real_cache.partition(b"\n")[2])
    body["7"][1]["section"] = 99  # not a section of the statement: validate would name it
    forged = json.dumps(body).encode("utf-8")
    (records / CACHE_FILE).write_bytes(
        f"accord parse cache {CACHE_FORMAT} {__version__} {digest(forged)}\n".encode() + forged
    )
    out = run(accord, ("validate",))
    assert (out.code, out.stderr) == (0, "")
    assert out.stdout.endswith("all records valid\n")
    (records / "articles" / "7.yaml").write_text(
        (records / "articles" / "7.yaml").read_text("utf-8").replace("section: 2", "section: 99"), "utf-8"
    )
    assert "section 99 is not in statement.yaml" in run(accord, ("validate",)).stderr
