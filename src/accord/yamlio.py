"""Strict YAML in, canonical YAML out.

Reading uses libyaml's parser with a deliberately small set of implicit types, so that
YAML 1.1 surprises (`no` -> False, `1:20` -> 80, `0123` -> 83, bare dates) stay strings
and the schema rejects them where a string is not meant. Numbers with a fraction become
`Decimal`, never float. Duplicate keys, anchors, aliases, merge keys and explicit tags
are refused with the line they are on.

Writing always produces the same bytes for the same data: block style, keys in model
order, UTF-8 unescaped, no line folding, multi-line text as literal blocks.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from yaml.cyaml import CParser  # type: ignore[attr-defined]
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import DataError

MAX_FILE_BYTES = 4 * 1024 * 1024

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_STANDARD_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL, _SEQ, _MAP}


class _StrictResolver(yaml.resolver.BaseResolver):
    """Only the unambiguous core of YAML 1.2: true/false, null, plain decimals."""

    yaml_implicit_resolvers: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}  # noqa: RUF012 (PyYAML's)

    # libyaml asks these for every node; accord has no path resolvers, so the lean versions
    # below do the same work as PyYAML's in about half the time on large records.
    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, pattern in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if pattern.match(value):
                        return tag
            return _STR
        return _SEQ if kind is SequenceNode else _MAP

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


_StrictResolver.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|false)$"), list("tf"))
_StrictResolver.add_implicit_resolver(_NULL, re.compile(r"^(?:~|null|)$"), ["~", "n", ""])
_StrictResolver.add_implicit_resolver(_INT, re.compile(r"^-?(?:0|[1-9][0-9]*)$"), list("-0123456789"))
_StrictResolver.add_implicit_resolver(_FLOAT, re.compile(r"^-?(?:0|[1-9][0-9]*)\.[0-9]+$"), list("-0123456789"))


class _Composer(CParser, _StrictResolver):
    def __init__(self, stream: str | bytes) -> None:
        CParser.__init__(self, stream)
        _StrictResolver.__init__(self)


# An anchor or alias indicator at the start of a token; confirmed by the event stream, since
# the same characters can appear inside quoted or block text.
_ANCHOR_HINT = re.compile(r"(?:^|[\s\[{,])[&*][^\s\[\]{},]")


def load_text(text: str, path: Path) -> Any:
    """Parse one YAML document strictly; raise DataError naming path and line."""
    if _ANCHOR_HINT.search(text):
        _refuse_anchors(text, path)
    try:
        composer = _Composer(text)
        try:
            node = composer.get_single_node()
        finally:
            composer.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise DataError(path, line, f"not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise DataError(path, None, f"not valid YAML: {exc}") from None
    if node is None:
        raise DataError(path, 1, "the file is empty; a record must be a mapping")
    return _construct(node, path)


def load_file(path: Path) -> tuple[Any, bytes]:
    """Read and parse a record file; returns the data and the exact bytes read."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DataError(path, None, f"file is {size} bytes, over the {MAX_FILE_BYTES} byte limit")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(path, None, "file not found") from None
    except OSError as exc:
        raise DataError(path, None, f"cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(path, line, "not valid UTF-8") from None
    return load_text(text, path), raw


def _refuse_anchors(text: str, path: Path) -> None:
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise DataError(path, _line(event.start_mark), f"alias *{event.anchor} is not allowed")
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                raise DataError(path, _line(event.start_mark), f"anchor &{anchor} is not allowed")
    except yaml.YAMLError:
        return  # the composer reports syntax errors with their own line


def _line(mark: Any) -> int | None:
    return mark.line + 1 if mark is not None else None


def _construct(node: Node, path: Path) -> Any:
    line = node.start_mark.line + 1
    tag = node.tag
    if tag not in _STANDARD_TAGS:
        raise DataError(path, line, f"tag {tag} is not allowed")
    if isinstance(node, ScalarNode):
        value: str = node.value
        if tag == _STR:
            return value
        if tag == _INT:
            return int(value)
        if tag == _FLOAT:
            return Decimal(value)
        if tag == _BOOL:
            return value == "true"
        return None
    if isinstance(node, SequenceNode):
        return [_construct(item, path) for item in node.value]
    assert isinstance(node, MappingNode)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + 1
        if key_node.tag == "tag:yaml.org,2002:merge" or (
            isinstance(key_node, ScalarNode) and key_node.value == "<<" and not key_node.style
        ):
            raise DataError(path, key_line, "merge keys (<<) are not allowed")
        key = _construct(key_node, path)
        if not isinstance(key, str):
            raise DataError(path, key_line, f"key {key!r} must be a string")
        if key in result:
            raise DataError(path, key_line, "duplicate key", field=key)
        result[key] = _construct(value_node, path)
    return result


def line_of(text: str, loc: tuple[str | int, ...]) -> int | None:
    """The line of the deepest node along `loc` (keys and list indices) in a YAML text."""
    try:
        node = yaml.compose(text, Loader=_Composer)  # type: ignore[arg-type]
    except yaml.YAMLError:
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
