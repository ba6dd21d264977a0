"""JSON Schemas of the record files, generated from the models, for editors that check YAML as it is typed.

A schema describes the file as accord's strict loader reads it, not as pydantic would coerce it:
dates and timestamps are quoted text in the one form accord writes, amounts are unquoted
numbers. A record names its schema in a leading comment, `# yaml-language-server: $schema=...`,
which editors with the YAML language server follow and accord keeps at every write.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from .fsio import atomic_write
from .model import Article, Glossary, Record, Statement, Target
from .storage import ARTICLES, GLOSSARY_FILE, STATEMENT_FILE, TARGETS

SCHEMA_DIR = "schema"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
# The record kinds, by the name of their schema file.
KINDS: dict[str, type[Record]] = {"statement": Statement, "glossary": Glossary, "article": Article, "target": Target}
# Where each kind's files are, in a records folder: one file, or a folder of them.
PLACES = {"statement": STATEMENT_FILE, "glossary": GLOSSARY_FILE, "article": ARTICLES, "target": TARGETS}
_DATE = r"^\d{4}-\d{2}-\d{2}$"
_TIMESTAMP = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$"


class _AsWritten(GenerateJsonSchema):
    """Pydantic's schema, but for the values the YAML holds: exact decimals are numbers, dates strict text."""

    def decimal_schema(self, schema: core_schema.DecimalSchema) -> JsonSchemaValue:
        return {"type": "number"}

    def date_schema(self, schema: core_schema.DateSchema) -> JsonSchemaValue:
        return {"type": "string", "format": "date", "pattern": _DATE}

    def datetime_schema(self, schema: core_schema.DatetimeSchema) -> JsonSchemaValue:
        return {"type": "string", "format": "date-time", "pattern": _TIMESTAMP}


def schema_of(kind: str) -> dict[str, Any]:
    model = KINDS[kind]
    generated = model.model_json_schema(mode="validation", schema_generator=_AsWritten)
    return {"$schema": DIALECT, "title": f"accord {kind} record", **generated}


def file_name(kind: str) -> str:
    return f"{kind}.schema.json"


def render(kind: str) -> bytes:
    return (json.dumps(schema_of(kind), indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")


def write(folder: Path) -> list[Path]:
    """Write every kind's schema into `folder` (created if needed); return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        path = folder / file_name(kind)
        atomic_write(path, render(kind))
        written.append(path)
    return written


def comment_line(kind: str, record: Path, folder: Path) -> bytes:
    """The editor's schema line for a record file at `record`, pointing at `folder`, relative to the file."""
    relative = Path(os.path.relpath(folder / file_name(kind), record.parent)).as_posix()
    return f"# yaml-language-server: $schema={relative}\n".encode()


def kind_of(relative: str) -> str | None:
    """The record kind of a path inside a records folder (`articles/4.yaml` -> article)."""
    for kind, place in PLACES.items():
        if relative == place or (relative.startswith(place + "/") and relative.endswith(".yaml")):
            return kind
    return None
