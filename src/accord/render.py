"""Turning results into text: rich tables on a terminal, plain and stable json/csv/ids elsewhere.

Commands build rows (lists of dicts with the columns' keys); one function renders them in the
chosen format. Rich is imported only when a table is drawn.

Text from the records was typed by someone else: every line meant for people goes through
`visible`, so no control character or direction override reaches the reader's terminal.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, redirect_stdout
from datetime import date
from decimal import Decimal
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TextIO

if TYPE_CHECKING:
    from rich.console import Console

    from .api import Problem
    from .errors import DataError


class Column(NamedTuple):
    key: str
    header: str
    wrap: bool = False  # may fold over several lines in a table
    justify: Literal["left", "right"] = "left"


# The terminal's width while output is held back for a pager: rich draws for it, not for a buffer.
_paging_width: int | None = None
# Set for each command by the command line: colour forced on or off, or None for "a terminal gets
# it"; and whether confirmations (`chatter`) are left out.
_colour: bool | None = None
_quiet: bool = False


def set_colour(colour: bool | None) -> None:
    global _colour
    _colour = colour


def set_quiet(quiet: bool) -> None:
    global _quiet
    _quiet = quiet


def styled() -> bool:
    """Whether output for people gets colour and emphasis: forced on or off, else only a terminal."""
    if _colour is not None:
        return _colour
    return _paging_width is not None or sys.stdout.isatty() or bool(os.environ.get("FORCE_COLOR"))


def chatter(text: str, stderr: bool = False) -> None:
    """A confirmation (`wrote FILE`, the change just made), left out with --quiet."""
    if not _quiet:
        (sys.stderr if stderr else sys.stdout).write(visible(text, newlines=True))


def console(stderr: bool = False) -> Console:
    """Output through rich with markup, emoji and highlighting off: `[4]` prints as `[4]`; in colour
    as `configure` says (a forced colour draws as for a terminal, even into a pipe)."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            # rich would exit 1, which means "nothing found"; let the command line decide
            self.quiet = True
            raise BrokenPipeError

    paging = _paging_width is not None and not stderr
    system: Literal["auto", "standard"] | None = "auto" if _colour is None else "standard" if _colour else None
    return _Console(
        stderr=stderr, markup=False, emoji=False, highlight=False, soft_wrap=False,
        force_terminal=True if paging else _colour, color_system=system, width=_paging_width if paging else None,
    )  # fmt: skip


@contextmanager
def paged(command: str | None) -> Iterator[None]:
    """Hold back what is written to a terminal; once it is longer than the screen, show it through
    `command` (as git does: `less` with LESS=FRX unless LESS is set) and send the rest there as it
    comes, so the first screen shows at once; shorter output is written as it is. Only with
    someone at the keyboard: output and input both on a terminal."""
    global _paging_width
    if not command or not sys.stdout.isatty() or not sys.stdin.isatty():
        yield
        return
    size = shutil.get_terminal_size()
    held = _Pager(command, size.lines)
    _paging_width = size.columns
    try:
        with redirect_stdout(held):
            yield
    except BrokenPipeError:
        if held.pager is None:
            raise
    finally:
        _paging_width = None
        held.finish()


class _Pager:
    """Text held until it fills `lines` lines, then piped to the pager as it comes. A pager that
    cannot be started, or that the shell cannot find, leaves the text to be written plainly."""

    def __init__(self, command: str, lines: int):
        self.command = command
        self.lines = lines
        self.held: list[str] = []
        self.out = sys.stdout
        self.pager: subprocess.Popen[bytes] | None = None
        self.plain = False

    def write(self, text: str) -> int:
        if self.plain:
            self.out.write(text)
        elif self.pager is not None:
            self._send(text)
        else:
            self.held.append(text)
            self.lines -= text.count("\n")
            if self.lines <= 0:
                self._start()
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True

    def _start(self) -> None:
        environ = {**os.environ, "LESS": os.environ.get("LESS", "FRX")}
        try:
            self.pager = subprocess.Popen(self.command, shell=True, stdin=subprocess.PIPE, env=environ)
        except OSError:
            self._write_plainly()
            return
        text, self.held = "".join(self.held), []
        self._send(text, flush=True)  # the first screen now, not when the pipe's buffer fills

    def _send(self, text: str, flush: bool = False) -> None:
        assert self.pager is not None and self.pager.stdin is not None
        self.held.append(text)  # kept until the pager is known to have run
        try:
            self.pager.stdin.write(text.encode("utf-8"))
            if flush:
                self.pager.stdin.flush()
        except BrokenPipeError:
            if self.pager.wait() != 127:  # the shell found no such command; else the reader quit
                raise
            self._write_plainly()

    def _write_plainly(self) -> None:
        self.plain = True
        self.pager = None
        self.out.write("".join(self.held))
        self.held = []

    def finish(self) -> None:
        if self.pager is None:
            self.out.write("".join(self.held))
            return
        try:
            assert self.pager.stdin is not None
            self.pager.stdin.close()
        except BrokenPipeError:
            pass
        if self.pager.wait() == 127:
            self._write_plainly()


# Characters that move the cursor, retitle or clear the terminal, or reorder the text around them.
_DIRECTION = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029{_DIRECTION}\\ud800-\\udfff]")
# What json leaves raw (it escapes only C0): DEL, C1, separators, direction marks, lone surrogates.
# A pattern for re's functions, compiled on first use, as _MARKDOWN_ACTIVE: most commands print neither.
_JSON_UNSAFE = f"[\\x7f-\\x9f\\u2028\\u2029{_DIRECTION}\\ud800-\\udfff]"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NARROW_COLUMN_LIMIT = 40
MESSAGE_LIMIT = 500


def visible(text: str, newlines: bool = False) -> str:
    """Text as a terminal may show it: each control character spelled out (`\\x1b`), each
    direction override named (`<U+202E>`), tabs as spaces; line breaks kept only if `newlines`,
    else folded into spaces. The same text again comes out unchanged."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(lambda match: _spelled(match.group(), newlines), text.replace("\r\n", "\n"))


def _spelled(char: str, newlines: bool) -> str:
    if char == "\n":
        return "\n" if newlines else " "
    if char == "\t":
        return " "
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if 0xD800 <= code <= 0xDFFF:  # an undecodable byte the shell handed over
        return f"\\u{code:04x}"
    return f"<U+{code:04X}>"


def one_line(text: str) -> str:
    """A message for stderr: visible, on one line, a long word or line cut short with an ellipsis."""
    words = [w if len(w) <= 120 else f"{w[:80]}…{w[-30:]}" for w in visible(text).split(" ")]
    line = " ".join(words)
    return line if len(line) <= MESSAGE_LIMIT else line[: MESSAGE_LIMIT - 1] + "…"


def is_web_url(value: str) -> bool:
    """Whether a link from the records may be written as a link: an http(s) URL as `--evidence`
    accepts it, with nothing hidden in it. Any other (javascript:, data:, file:) stays text."""
    from .values import is_http_url

    return visible(value) == value and is_http_url(value)


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell; text a spreadsheet would run as a formula gets a leading `'` (OWASP)."""
    if type(value) is str:  # most cells, first: an export writes hundreds of thousands
        return "'" + value if value.startswith(FORMULA_START) else value
    if value is None:
        return ""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        from .values import jsonable

        return jsonable(value)
    text = cell_text(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write(text: str) -> None:
    sys.stdout.write(text)


def say(text: str) -> None:
    """Write text meant for people: nothing in it can act on the terminal."""
    write(visible(text, newlines=True))


def json_text(data: Any) -> str:
    """Exact json, with the characters json leaves raw written as `\\u` escapes: same data, safe to print."""
    from .values import jsonable

    text = json.dumps(jsonable(data), ensure_ascii=False, indent=2)
    return re.sub(_JSON_UNSAFE, lambda match: f"\\u{ord(match.group()):04x}", text) + "\n"


def emit_json(data: Any) -> None:
    write(json_text(data))


def json_array(items: Iterable[Any]) -> Iterator[str]:
    """`json_text` of the list of `items`, the same text, in pieces of one element each: a long
    list is never held whole, neither its elements nor its text."""
    opening = "[\n  "
    for item in items:
        # An element sits one level deep: each of its lines two spaces further in (json text
        # holds no line break but those between its lines).
        yield opening + json_text(item)[:-1].replace("\n", "\n  ")
        opening = ",\n  "
    yield "[]\n" if opening == "[\n  " else "\n]\n"


WRITE_SIZE = 1 << 16  # characters gathered before a write: a write per element costs as much as the element


def emit_json_array(items: Iterable[Any]) -> None:
    """The list of `items` as `emit_json` writes it, written as the elements come."""
    pieces: list[str] = []
    gathered = 0
    for piece in json_array(items):
        pieces.append(piece)
        gathered += len(piece)
        if gathered >= WRITE_SIZE:
            write("".join(pieces))
            pieces, gathered = [], 0
    write("".join(pieces))


def emit_rows(
    columns: Sequence[Column],
    rows: Iterable[dict[str, Any]],
    fmt: str,
    title: str | None = None,
    id_key: str = "id",
    empty_table: bool = True,
) -> int:
    """Rows in the chosen format, written as they come where the format allows; how many there were.
    A table of no row shows its header, unless not `empty_table`."""
    count = 0

    def counted() -> Iterator[dict[str, Any]]:
        nonlocal count
        for row in rows:
            count += 1
            yield row

    if fmt == "json":
        emit_json_array({c.key: row.get(c.key) for c in columns} for row in counted())
    elif fmt == "csv":
        write_csv(columns, counted())
    elif fmt == "ids":
        for row in counted():
            say(f"{visible(str(row[id_key]))}\n")
    elif fmt == "md":
        write(markdown_table(columns, counted()))
    else:
        return stream(columns, rows, title, empty_table)
    return count


def write_csv(columns: Sequence[Column], rows: Iterable[dict[str, Any]], out: TextIO | None = None) -> None:
    """A header line and one line per row, every cell through `csv_cell`, to `out` (default: stdout)."""
    out = out if out is not None else sys.stdout
    writer = csv.writer(out, lineterminator="\n")
    # csv quotes a cell holding a line feed but not one holding a lone carriage return,
    # which spreadsheets read as the end of the row: such rows are quoted whole.
    quoting = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    keys = [c.key for c in columns]
    writer.writerow(keys)
    for row in rows:
        cells = [csv_cell(row.get(key)) for key in keys]
        # Only text can hold a carriage return: a number's cell is a number or its digits.
        (quoting if any("\r" in cell for cell in cells if type(cell) is str) else writer).writerow(cells)


def csv_text(columns: Sequence[Column], rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    write_csv(columns, rows, buffer)
    return buffer.getvalue()


def cell_text(value: Any, joiner: str = " ") -> str:
    """A value as the text of one table cell: nothing for None, a list joined."""
    if type(value) is str:
        return value
    if value is None:  # before the import below, which costs more than most cells
        return ""
    if type(value) is date:
        return value.isoformat()
    from .values import jsonable

    value = jsonable(value)
    if isinstance(value, list):
        return joiner.join(str(v) for v in value)
    if isinstance(value, dict):
        return joiner.join(f"{k}={v}" for k, v in value.items())
    return str(value)


def statuses_shown(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows for people: each `status` with each party's, where the row carries `parties`."""
    from .values import status_text

    return [row | {"status": status_text(row["status"], row.get("parties"))} for row in rows]


def table(columns: Sequence[Column], rows: Sequence[dict[str, Any]], title: str | None = None) -> None:
    """Rows holding rich renderables (bars, sparklines) as a rich table; rows of text go to `stream`."""
    from rich import box
    from rich.table import Table

    out = console()
    cells = _cells(columns, rows)
    grid = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", expand=False)
    for index, column in enumerate(columns):
        # Short columns keep their full width (up to a limit: an owner typed at length folds);
        # the wrapping ones take what is left.
        widest = max([len(column.header)] + [len(r[index]) for r in cells if isinstance(r[index], str)])
        widest = min(widest, NARROW_COLUMN_LIMIT)
        grid.add_column(
            column.header,
            overflow="fold",
            no_wrap=not column.wrap,
            justify=column.justify,
            min_width=None if column.wrap else widest,
            max_width=None if column.wrap else NARROW_COLUMN_LIMIT,
        )
    for row_cells in cells:
        grid.add_row(*row_cells)
    out.print(grid)


def _cells(columns: Sequence[Column], rows: Iterable[dict[str, Any]]) -> list[list[Any]]:
    return [_row_cells(columns, row) for row in rows]


def _row_cells(columns: Sequence[Column], row: dict[str, Any]) -> list[Any]:
    return [
        row[c.key] if _is_renderable(row.get(c.key)) else visible(cell_text(row.get(c.key)), newlines=c.wrap)
        for c in columns
    ]


def fits(columns: Sequence[Column], rows: Sequence[dict[str, Any]]) -> bool:
    """Whether the rows fit the terminal as a table, no column folded."""
    return _table_width(columns, _cells(columns, rows)) <= width()


def width() -> int:
    """The terminal's width, as rich finds it: COLUMNS, else the size of the first of stdout,
    stderr and stdin that is a terminal, else 80. Found without importing rich."""
    if _paging_width is not None:
        return _paging_width
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    for stream in (sys.__stdout__, sys.__stderr__, sys.__stdin__):
        try:
            return os.get_terminal_size(stream.fileno()).columns if stream is not None else 80
        except (OSError, ValueError, AttributeError):
            continue
    return 80


def _table_width(columns: Sequence[Column], cells: list[list[Any]]) -> int:
    """The narrowest the table can be drawn without folding a cell of a column that must not wrap,
    nor a word of one that may."""
    return 1 + sum(w + 3 for w in _least_widths(columns, cells))  # a cell's padding either side, and a rule


def _least_widths(columns: Sequence[Column], cells: list[list[Any]]) -> list[int]:
    widths = []
    for index, column in enumerate(columns):
        widest = len(column.header) if not column.wrap else max(map(len, column.header.split()))
        for row in cells:
            value = row[index]
            if not isinstance(value, str):
                from rich.measure import Measurement

                out = console()
                size = Measurement.get(out, out.options, value).minimum
            elif column.wrap:
                size = max((text_width(word) for word in value.split()), default=0)
            else:
                size = max((text_width(line) for line in value.splitlines()), default=0)
            widest = max(widest, min(size, NARROW_COLUMN_LIMIT) if not column.wrap else size)
        widths.append(widest)
    return widths


# Rows looked at before the first is printed: they set the layout and the columns' widths.
FIRST_ROWS = 200


def stream(
    columns: Sequence[Column], rows: Iterable[dict[str, Any]], title: str | None = None, empty: bool = True
) -> int:
    """Rows of text as a table, each printed as it comes; the number of rows. The first rows set the
    layout: a table when every column fits the terminal at its natural width, else one block per
    row (see `blocks`), so no column is dropped and no word cut, whatever the width. A later row
    wider than its column folds within it. No row at all shows the header alone, if `empty`."""
    rows = iter(rows)
    first = [_row_cells(columns, row) for row in islice(rows, FIRST_ROWS)]
    if not first and not empty:
        return 0
    later = (_row_cells(columns, row) for row in rows)
    least = _least_widths(columns, first)
    room = width()
    if 1 + sum(w + 3 for w in least) > room:
        return _blocks(columns, chain(first, later), title, room)
    widths = _column_widths(columns, first, least, room)
    out = sys.stdout
    if title:
        out.write(_styled(title, "3") + "\n")
    header = _line(columns, [c.header for c in columns], widths)
    out.write("\n" + "".join(_styled(line, "1") + "\n" for line in header))
    out.write(" " + "─" * (sum(widths) + 3 * len(widths) - 1) + "\n")
    count = 0
    for cells in chain(first, later):
        out.write("".join(line + "\n" for line in _line(columns, cells, widths)))
        count += 1
    out.write("\n")
    return count


def _column_widths(columns: Sequence[Column], cells: list[list[str]], least: list[int], room: int) -> list[int]:
    """Columns that do not wrap keep their natural width (up to a limit); those that do share what
    is left in proportion to their natural widths, none narrower than its longest word."""
    natural = [
        max([text_width(c.header)] + [max(map(text_width, row[i].splitlines()), default=0) for row in cells])
        for i, c in enumerate(columns)
    ]
    widths = [w if c.wrap else min(n, NARROW_COLUMN_LIMIT) for c, w, n in zip(columns, least, natural, strict=True)]
    wrapping = [i for i, c in enumerate(columns) if c.wrap]
    left = room - 1 - 3 * len(columns) - sum(w for i, w in enumerate(widths) if i not in wrapping)
    if sum(natural[i] for i in wrapping) <= left:
        for i in wrapping:
            widths[i] = natural[i]
        return widths
    # Each gets its longest word, then a share of the rest in proportion to what it lacks.
    spare = max(0, left - sum(least[i] for i in wrapping))
    lacking = {i: natural[i] - least[i] for i in wrapping}
    total = sum(lacking.values()) or 1
    for i in wrapping:
        widths[i] = least[i] + spare * lacking[i] // total
    return widths


def _line(columns: Sequence[Column], cells: Sequence[str], widths: Sequence[int]) -> list[str]:
    """One row of a table: as many lines as its tallest cell takes."""
    folded = [fold(cell, w, words=c.wrap) for c, cell, w in zip(columns, cells, widths, strict=True)]
    lines = []
    for n in range(max(map(len, folded))):
        parts = []
        for column, pieces, w in zip(columns, folded, widths, strict=True):
            piece = pieces[n] if n < len(pieces) else ""
            pad = " " * (w - text_width(piece))
            parts.append(pad + piece if column.justify == "right" else piece + pad)
        lines.append(("  " + "   ".join(parts)).rstrip())
    return lines


def fold(text: str, size: int, words: bool = True) -> list[str]:
    """`text` in lines no wider than `size`: broken at spaces if `words` (a longer word is cut), else
    anywhere. A line break in the text stays one."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if text_width(paragraph) <= size:
            lines.append(paragraph)
        elif not words:
            lines += _cut(paragraph, size)
        else:
            line = ""
            for word in paragraph.split(" "):
                if line and text_width(line) + 1 + text_width(word) <= size:
                    line += " " + word
                    continue
                if line:
                    lines.append(line)
                pieces = _cut(word, size)
                lines += pieces[:-1]
                line = pieces[-1]
            lines.append(line)
    return lines


def _cut(text: str, size: int) -> list[str]:
    pieces, piece = [], ""
    for char in text:
        if piece and text_width(piece + char) > size:
            pieces.append(piece)
            piece = ""
        piece += char
    return [*pieces, piece]


def text_width(text: str) -> int:
    """How many terminal cells `text` takes: wide (East Asian) characters two, combining marks none."""
    if text.isascii():
        return len(text)
    from unicodedata import combining, east_asian_width

    return sum(0 if combining(c) else 2 if east_asian_width(c) in "WF" else 1 for c in text)


def _styled(text: str, code: str) -> str:
    """Bold (1) or italic (3) where output is styled (see `styled`); plain elsewhere."""
    if not styled():
        return text
    return f"\x1b[{code}m{text}\x1b[0m"


def blocks(columns: Sequence[Column], rows: Iterable[dict[str, Any]], title: str | None = None) -> int:
    """One block per row (see `_blocks`); the number of rows."""
    return _blocks(columns, (_row_cells(columns, row) for row in rows), title, width())


def _blocks(columns: Sequence[Column], rows: Iterable[list[str]], title: str | None, room: int) -> int:
    """One block per row: the first cell (and the title, if there is one) as its heading, then
    each other non-empty cell under its header, folded at spaces only."""
    out = sys.stdout
    if title:
        out.write(_styled(title, "3") + "\n")
    heading = [0] + [i for i, c in enumerate(columns) if c.key == "title" and i > 0]
    rest = [i for i in range(len(columns)) if i not in heading]
    label = max((len(columns[i].header) for i in rest), default=0) + 2
    count = 0
    for row in rows:
        count += 1
        head = "  ".join(str(row[i]) for i in heading if row[i] != "")
        out.write("".join(_styled(line, "1") + "\n" for line in fold(head, room)))
        # Short fields share one line (`status in_progress  side both`): a long list stays scannable.
        pairs = [f"{columns[i].header} {row[i]}" for i in rest if row[i] != ""]
        line = "  " + "   ".join(pairs)
        if all("\n" not in row[i] for i in rest) and text_width(line) <= room:
            out.write(line + "\n")
            continue
        for i in rest:
            if row[i] != "":
                lines = fold(row[i], max(room - label - 2, 1))
                name = ("  " + columns[i].header).ljust(label)
                out.write("".join(f"{name if n == 0 else ' ' * len(name)}  {text}\n" for n, text in enumerate(lines)))
        out.write("\n")
    return count


def _is_renderable(value: Any) -> bool:
    return hasattr(value, "__rich_console__") or hasattr(value, "__rich__")


# Only what would turn into markup gets a backslash, so that the text also reads as plain text in
# an e-mail: `|` (a table cell's end), `` ` ``, `<` opening a tag or autolink, `]` closing a link
# or reference, `*`/`_` that could emphasise, `\\` before punctuation, `>`/`#` opening a line.
_MARKDOWN_ACTIVE = (
    r"[|`]|<(?=[A-Za-z/!?])|\](?=[(\[:])|\\(?=[!-/:-@\[-`{-~]|$)"
    r"|(?<=\S)\*|\*(?=\S)|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|^[>#]"
)


def markdown_escape(text: str) -> str:
    """Text stays text in Markdown: no table broken by `|`, no HTML, link, code or emphasis."""
    return re.sub(_MARKDOWN_ACTIVE, lambda match: "\\" + match.group(), visible(text))


def markdown_table(
    columns: Sequence[Column], rows: Iterable[dict[str, Any]], cell: Callable[[Any], str] | None = None
) -> str:
    """A GitHub-flavoured pipe table; `cell` writes one value (default: its text, escaped)."""
    write_cell = cell or (lambda value: markdown_escape(cell_text(value)))
    lines = [
        "| " + " | ".join(markdown_escape(c.header) for c in columns) + " |",
        "|" + "|".join("---:" if c.justify == "right" else "---" for c in columns) + "|",
    ]
    for row in rows:
        lines.append("| " + " | ".join(write_cell(row.get(c.key)) for c in columns) + " |")
    return "\n".join(lines) + "\n"


def problems(errors: Sequence[DataError | Problem]) -> None:
    """`file:line: message` on stderr, one per problem, like a compiler."""
    if not errors:
        return
    err = sys.stderr
    for error in errors:
        err.write(one_line(str(error)) + "\n")


def wrapped(label: str, text: str, width: int = 88) -> list[str]:
    body = textwrap.fill(visible(text), width=width - 2, initial_indent="  ", subsequent_indent="  ")
    return [f"{label}:", body]


SPARK_BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[Decimal]) -> str:
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        return SPARK_BARS[len(SPARK_BARS) // 2] * len(values)
    steps = len(SPARK_BARS) - 1
    return "".join(SPARK_BARS[int((v - low) / (high - low) * steps + Decimal("0.5"))] for v in values)


def snippet(text: str, spans: Sequence[tuple[int, int]], mark: tuple[str, str], width: int = 70) -> str:
    """The text around the first match, every match in view wrapped in `mark`; the text made visible."""
    start = max(0, spans[0][0] - width)
    end = min(len(text), spans[0][1] + width)
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < spans[0][0] else start
    if end < len(text):
        space = text.rfind(" ", spans[0][1], end)
        end = space if space > spans[0][1] else end
    pieces = ["…" if start > 0 else ""]
    cursor = start
    for begin, finish in spans:
        if begin < cursor or finish > end:
            continue
        pieces += [visible(text[cursor:begin]), mark[0], visible(text[begin:finish]), mark[1]]
        cursor = finish
    pieces += [visible(text[cursor:end]), "…" if end < len(text) else ""]
    return "".join(pieces)
