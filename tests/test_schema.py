"""`accord schema`: JSON Schemas that an editor checks hand edits against, agreeing with accord's loader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from accord import yamlio
from conftest import SHIPPED, Accord, run_accord

KINDS = {"statement": "statement.yaml", "glossary": "glossary.yaml", "article": "articles", "target": "targets"}
SCHEMA_LINE = "# yaml-language-server: $schema="


def record_files(records: Path, place: str) -> list[Path]:
    return [records / place] if place.endswith(".yaml") else sorted((records / place).glob("*.yaml"))


def validator(folder: Path, kind: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((folder / f"{kind}.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def as_loaded(path: Path) -> Any:
    """The data of a record as accord's strict loader holds it (dates as text, fractions as Decimal)."""
    return yamlio.load_text(path.read_text("utf-8"), path)


def test_the_shipped_schemas_are_current(accord: Accord, tmp_path: Path) -> None:
    done = accord("schema", "-o", str(tmp_path / "fresh"))
    assert done.code == 0, done.stderr
    written = sorted(p.name for p in (tmp_path / "fresh").iterdir())
    assert written == sorted(f"{kind}.schema.json" for kind in KINDS)
    for name in written:  # stale: run `accord schema --dir statement` and commit
        assert (tmp_path / "fresh" / name).read_bytes() == (SHIPPED / "schema" / name).read_bytes(), name


def test_every_shipped_record_validates_against_its_schema(records: Path) -> None:
    for kind, place in KINDS.items():
        check = validator(SHIPPED / "schema", kind)
        files = record_files(records, place)
        assert files, kind
        for path in files:
            errors = [f"{'.'.join(map(str, e.path))}: {e.message}" for e in check.iter_errors(as_loaded(path))]
            assert errors == [], path


def test_the_default_folder_is_in_the_records(accord: Accord, records: Path) -> None:
    for path in (records / "schema").iterdir():
        path.unlink()
    assert accord("schema").code == 0
    assert sorted(p.name for p in (records / "schema").iterdir()) == sorted(f"{k}.schema.json" for k in KINDS)


# A hand edit that accord refuses, and the schema too, so the editor says so while it is typed.
EDITS = [
    ("articles/4.yaml", "status: not_started", "status: done"),
    ("articles/4.yaml", "section: 2", "section: '2'"),
    ("articles/4.yaml", "tags:\n- trade", "tags:\n- Trade Deals"),
    ("articles/4.yaml", "id: '4'", "id: '4'\nowner_name: Trade desk"),
    ("articles/4.yaml", "due: '2030-12-31'", "due: 31-12-2030"),
    ("targets/trade.yaml", "value: 150", "value: '150'"),
    ("statement.yaml", "format: 1", "format: 2"),
]


@pytest.mark.parametrize(("relative", "old", "new"), EDITS, ids=[e[2].split("\n")[-1] for e in EDITS])
def test_the_schema_refuses_what_validate_refuses(
    accord: Accord, records: Path, relative: str, old: str, new: str
) -> None:
    path = records / relative
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    assert accord("validate").code != 0
    kind = next(k for k, place in KINDS.items() if relative == place or relative.startswith(place + "/"))
    assert list(validator(SHIPPED / "schema", kind).iter_errors(as_loaded(path)))


def test_imported_records_name_a_schema_that_exists(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parent / "sources" / "es-us-2022.en.txt"
    assert run_accord("import", str(source), "--dir", "out", cwd=tmp_path).returncode == 0
    out = tmp_path / "out"
    for kind, place in KINDS.items():
        for path in record_files(out, place):
            first = path.read_text("utf-8").splitlines()[0]
            assert first.startswith(SCHEMA_LINE), path
            schema_file = (path.parent / first.removeprefix(SCHEMA_LINE)).resolve()
            assert schema_file == (out / "schema" / f"{kind}.schema.json").resolve()
            assert not list(validator(out / "schema", kind).iter_errors(as_loaded(path)))
    # the line survives a change, and validate allows it
    assert run_accord("set", "1.1", "in_progress", "--dir", "out", cwd=tmp_path).returncode == 0
    assert (out / "articles" / "1.yaml").read_text("utf-8").startswith(SCHEMA_LINE)
    assert run_accord("validate", "--dir", "out", cwd=tmp_path).returncode == 0
