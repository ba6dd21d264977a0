"""Strict YAML in, canonical YAML out.

Reading builds the data straight from libyaml's event stream, in one pass and without
recursion, with a deliberately small set of implicit types, so that YAML 1.1 surprises
(`no` -> False, `1:20` -> 80, `0123` -> 83, bare dates) stay strings and the schema rejects
them where a string is not meant. Numbers with a fraction become `Decimal`, never float.
Duplicate keys, anchors, aliases, merge keys, explicit tags, numbers of more than
MAX_NUMBER_CHARS characters and nesting deeper than MAX_DEPTH are refused with the line they
are on. Anchors and aliases are refused from the events themselves, so no text can expand
into more data than it spells out. Only regular files are read: a symbolic link, a FIFO, a
device or a folder named like a record is refused without being opened for reading.

A history as accord writes it (last in the file, each event a flat mapping of one-line scalars, the
bulk of a long-lived file) is read line by line with one regular expression, with the same implicit
types; libyaml reads the rest of the file with an empty history in its place. Any line of it that
is not of that form, or anything libyaml would read otherwise, and libyaml reads the whole file.

Writing always produces the same bytes for the same data: block style, keys in model
order, UTF-8 unescaped, no line folding, multi-line text as literal blocks.
"""

from __future__ import annotations

import bisect
import re
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from yaml.cyaml import CParser  # type: ignore[attr-defined]
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, SequenceNode

from .errors import DataError
from .fsio import read_file

MAX_DEPTH = 64  # accord's own records nest five levels deep
MAX_NUMBER_CHARS = 100  # the model bounds numbers far below this; longer ones are refused before int()

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"

# The unambiguous core of YAML 1.2 for plain scalars; every other plain scalar is text.
_CONSTANTS: dict[str, Any] = {"true": True, "false": False, "null": None, "~": None, "": None}
_NUMBER_START = frozenset("-0123456789")
_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")
_FRACTION = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+")

_NO_KEY = object()


def load_text(text: str, path: Path) -> Any:
    """Parse one YAML document strictly; raise DataError naming path and line."""
    data = _with_flat_history(text, path)
    return data if data is not None else _strict(text, path)


def _strict(text: str, path: Path) -> Any:
    parser = CParser(text)
    try:
        return _build(parser, path)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise DataError(
            path, _line(mark), f"not valid YAML: {_one_line(exc.problem or exc.context or str(exc))}"
        ) from None
    except yaml.reader.ReaderError as exc:  # position counts bytes of the UTF-8 text
        line = text.encode("utf-8", "surrogateescape")[: exc.position].count(b"\n") + 1
        raise DataError(path, line, f"not valid YAML: unacceptable character #x{exc.character:04x}") from None
    except yaml.YAMLError as exc:
        raise DataError(path, None, f"not valid YAML: {_one_line(str(exc))}") from None
    finally:
        parser.dispose()


def _build(parser: Any, path: Path) -> Any:
    """The data of the single document of `parser`, built from its events without recursion."""
    get = parser.get_event
    get()  # stream start
    if type(get()) is StreamEndEvent:
        raise DataError(path, 1, "the file is empty; a record must be a mapping")
    top: list[Any] = []
    container: Any = top  # the list or dict that the next node goes into
    in_mapping = False
    key: Any = _NO_KEY  # in a mapping: the key waiting for its value
    stack: list[tuple[Any, bool, Any]] = []
    while True:
        event = get()
        kind = type(event)
        if kind is ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                _refuse_decoration(event, path)
            value = event.value
            if event.implicit[0]:  # plain: the only style that can be anything but text
                if value in _CONSTANTS:
                    value = _CONSTANTS[value]
                elif value[:1] in _NUMBER_START:
                    value = _number(value, event, path)
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            container, in_mapping, key = stack.pop()
            continue
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or event.tag is not None:
                _refuse_decoration(event, path)
            if len(stack) >= MAX_DEPTH:
                raise DataError(path, _line(event.start_mark), f"nested more than {MAX_DEPTH} levels deep")
            value = {} if kind is MappingStartEvent else []
        elif kind is AliasEvent:
            raise DataError(path, _line(event.start_mark), f"alias *{event.anchor} is not allowed")
        else:  # the end of the document
            break
        if in_mapping:
            if key is _NO_KEY:
                if kind is not ScalarEvent or type(value) is not str or value in container or value == "<<":
                    _check_key(container, value, event, path)  # refused, or a plain `<<` refused
                key = value
                continue
            container[key] = value
            key = _NO_KEY
        else:
            container.append(value)
        if kind is not ScalarEvent:
            stack.append((container, in_mapping, key))
            container, in_mapping = value, kind is MappingStartEvent
    extra = get()
    if type(extra) is not StreamEndEvent:
        raise DataError(path, _line(extra.start_mark), "not valid YAML: a record is one document, this is a second")
    return top[0]


# A plain scalar on one line that libyaml reads as the text it spells: it starts with no indicator
# (`-`, `?` and `:` only before a character that is not a space), holds no `: ` or ` #`, and ends in
# neither `:` nor a space.
_PLAIN = r"(?:[^-?:,\[\]{}#&*!|>'\"%@`\s]|[-?:](?=\S))(?:[^\s:]++|:(?=\S)| ++(?=[^\s#]))*+"
_SINGLE_QUOTED = r"'(?:[^'\n]++|'')*+'"
_HISTORY = re.compile(r"^history:\n", re.MULTILINE)
# One line of a flat event: `- key: value` starts one, `  key: value` goes on with it.
_EVENT_LINE = re.compile(rf"^(- |  )([a-z_][a-z0-9_]*): ({_SINGLE_QUOTED}|{_PLAIN})\n", re.MULTILINE)


def _with_flat_history(text: str, path: Path) -> Any:
    """The data of a file whose top-level `history:`, last in the file, is a list of flat events of
    one-line scalars, as accord writes it: those lines read here, the rest by libyaml with `history: []`
    in their place, which is what libyaml would make of the whole. None for any other file or any
    doubt (a comment, a blank line, a nested value, a character libyaml refuses or reads as a line
    break, a duplicate key, a long number, a broken file): libyaml then reads all of it."""
    start = _HISTORY.search(text)
    if start is None:
        return None
    block = text[start.end() :]
    lines = _EVENT_LINE.findall(block)
    # Each match is one whole line: as many matches as lines, and every line matched.
    if not lines or lines[0][0] != "- " or not block.endswith("\n") or len(lines) != block.count("\n"):
        return None
    if not block.replace("\n", "").isprintable():
        return None
    events: list[dict[str, Any]] = []
    event: dict[str, Any] = {}
    for dash, key, value in lines:
        if dash == "- ":
            event = {}
            events.append(event)
        elif key in event:
            return None
        if key in _CONSTANTS:  # not text once read: refused as a key
            return None
        if value[0] == "'":
            value = value[1:-1].replace("''", "'")
        elif value in _CONSTANTS:
            value = _CONSTANTS[value]
        elif value[0] in _NUMBER_START:
            if len(value) > MAX_NUMBER_CHARS:
                return None  # libyaml's reading refuses it, naming its line
            value = _number(value, None, path)
        event[key] = value
    try:
        data = _strict(text[: start.start()] + "history: []\n", path)
    except DataError:
        return None
    if type(data) is not dict or data.get("history") != []:
        return None
    data["history"] = events
    return data


def _number(value: str, event: Any, path: Path) -> Any:
    if _INTEGER.fullmatch(value):
        number: Any = int
    elif _FRACTION.fullmatch(value):
        number = Decimal
    else:
        return value
    if len(value) > MAX_NUMBER_CHARS:
        raise DataError(path, _line(event.start_mark), f"number of {len(value)} characters; at most {MAX_NUMBER_CHARS}")
    return number(value)


def _check_key(mapping: dict[Any, Any], key: Any, event: Any, path: Path) -> None:
    line = _line(event.start_mark)
    if type(event) is not ScalarEvent:
        raise DataError(path, line, "a key must be text, not a mapping or a list")
    if key == "<<" and not event.style:
        raise DataError(path, line, "merge keys (<<) are not allowed")
    if not isinstance(key, str):
        raise DataError(path, line, f"key {key!r} must be a string")
    if key in mapping:
        raise DataError(path, line, "duplicate key", field=key)


def _refuse_decoration(event: Any, path: Path) -> None:
    if event.anchor is not None:
        raise DataError(path, _line(event.start_mark), f"anchor &{event.anchor} is not allowed")
    tag = event.tag.replace("tag:yaml.org,2002:", "!!", 1)
    raise DataError(path, _line(event.start_mark), f"tag {tag} is not allowed")


def _line(mark: Any) -> int | None:
    return mark.line + 1 if mark is not None else None


def _one_line(text: str) -> str:
    return " ".join(text.split())


# -- files -------------------------------------------------------------------------------------

def load_bytes(raw: bytes, path: Path) -> Any:
    """Parse the bytes of a record file strictly."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(path, line, "not valid UTF-8") from None
    return load_text(text, path)


def load_file(path: Path) -> tuple[Any, bytes]:
    """Read and parse a record file; returns the data and the exact bytes read."""
    raw = read_file(path)
    return load_bytes(raw, path), raw


# -- comments ----------------------------------------------------------------------------------

# Blank lines and comment lines at the top of a file, up to the last comment line.
_LEADING_COMMENTS = re.compile(r"(?:(?:[ \t]*(?:\r\n?|\n))*[ \t]*#[^\r\n]*(?:\r\n?|\n))*")
# A `#` at the start of the text or after whitespace starts a comment, unless it is inside a scalar.
_COMMENT_START = re.compile(r"(?<![^ \t\r\n])#")


def leading_comments(raw: bytes) -> bytes:
    """The comment block at the top of a record file (a schema line, say): what a rewrite should keep."""
    text = raw.decode("utf-8", "surrogateescape").removeprefix("\ufeff")
    return _leading(text).encode("utf-8", "surrogateescape")


def _leading(text: str) -> str:
    match = _LEADING_COMMENTS.match(text)
    return match.group() if match else ""


def lost_comments(text: str) -> list[int]:
    """The lines of comments that the next write would drop: all but the leading comment block.

    A `#` counts only outside every scalar, so one inside quoted or block text is no comment.
    The text must be valid YAML.
    """
    text = text.removeprefix("\ufeff")  # libyaml's marks do not count a byte order mark
    start = len(_leading(text))
    if text.find("#", start) < 0:
        return []
    spans = _scalar_spans(text)
    starts = [begin for begin, _ in spans]
    lines: list[int] = []
    skip_to = start
    for match in _COMMENT_START.finditer(text, start):
        at = match.start()
        if at < skip_to:
            continue
        index = bisect.bisect_right(starts, at) - 1
        if index >= 0 and at < spans[index][1]:
            continue
        lines.append(text.count("\n", 0, at) + 1)
        end = text.find("\n", at)  # the rest of the line is the comment
        skip_to = len(text) if end < 0 else end
    return lines


def _scalar_spans(text: str) -> list[tuple[int, int]]:
    """Where each scalar's text lies; a block scalar's starts after its header line."""
    spans = []
    parser: Any = CParser(text)
    try:
        while True:
            event: Any = parser.get_event()
            kind = type(event)
            if kind is ScalarEvent:
                begin = event.start_mark.index
                if event.style in ("|", ">"):
                    begin = text.find("\n", begin) + 1 or event.end_mark.index
                spans.append((begin, event.end_mark.index))
            elif kind is StreamEndEvent:
                return spans
    finally:
        parser.dispose()


# -- locating fields ---------------------------------------------------------------------------


def line_of(text: str, loc: tuple[str | int, ...]) -> int | None:
    """The line of the deepest node along `loc` (keys and list indices) in a YAML text."""
    try:
        node = yaml.compose(text, Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, RecursionError):
        return None
    best = node.start_mark.line + 1 if node is not None else None
    for step in loc:
        if isinstance(node, MappingNode) and isinstance(step, str):
            for key_node, value_node in node.value:
                if key_node.value == step:
                    best = key_node.start_mark.line + 1
                    node = value_node
                    break
            else:
                return best
        elif isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            node = node.value[step]
            best = node.start_mark.line + 1
        else:
            return best
    return best


# -- writing -----------------------------------------------------------------------------------


class _CanonicalDumper(yaml.CSafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # the same object twice is written twice: accord's files have no anchors


def _represent_str(dumper: Any, value: str) -> Any:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar(_STR, value, style=style)


def _represent_decimal(dumper: Any, value: Decimal) -> Any:
    if value.is_zero():
        value = value.copy_abs()  # `-0` would read back as the integer 0 and be rewritten as `0`
    text = format(value, "f")
    return dumper.represent_scalar(_FLOAT if "." in text else _INT, text)


def _represent_enum(dumper: Any, value: StrEnum) -> Any:
    return dumper.represent_scalar(_STR, value.value)


_CanonicalDumper.add_representer(str, _represent_str)
_CanonicalDumper.add_multi_representer(StrEnum, _represent_enum)
_CanonicalDumper.add_representer(Decimal, _represent_decimal)


def dump(data: Any) -> bytes:
    """The one way accord writes YAML."""
    out: bytes = yaml.dump(
        data,
        Dumper=_CanonicalDumper,
        default_flow_style=False,
        sort_keys=False,
        allow_unicode=True,
        width=-1,
        indent=2,
        encoding="utf-8",
    )
    return out
