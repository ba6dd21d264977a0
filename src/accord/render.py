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
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from rich.console import Console

    from .api import Problem
    from .errors import DataError


@dataclass(frozen=True)
class Column:
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
    return _colour if _colour is not None else (_paging_width is not None or sys.stdout.isatty())


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
    """Hold back what is written to a terminal; if it is longer than the screen, show it through
    `command` (as git does: `less` with LESS=FRX unless LESS is set), else write it as it is.
    Only with someone at the keyboard: output and input both on a terminal."""
    global _paging_width
    if not command or not sys.stdout.isatty() or not sys.stdin.isatty():
        yield
        return
    size = shutil.get_terminal_size()
    held = io.StringIO()
    _paging_width = size.columns
    try:
        with redirect_stdout(held):
            yield
    finally:
        _paging_width = None
        text = held.getvalue()
        if text.count("\n") < size.lines or not _through_pager(command, text):
            sys.stdout.write(text)


def _through_pager(command: str, text: str) -> bool:
    """Whether the pager ran; one that cannot be started leaves the text to be written plainly."""
    environ = {**os.environ, "LESS": os.environ.get("LESS", "FRX")}
    try:
        done = subprocess.run(command, shell=True, input=text.encode("utf-8"), env=environ, check=False)
    except OSError:
        return False
    return done.returncode != 127  # the shell found no such command


# Characters that move the cursor, retitle or clear the terminal, or reorder the text around them.
_DIRECTION = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029{_DIRECTION}\\ud800-\\udfff]")
# What json leaves raw (it escapes only C0): DEL, C1, separators, direction marks, lone surrogates.
_JSON_UNSAFE = re.compile(f"[\\x7f-\\x9f\\u2028\\u2029{_DIRECTION}\\ud800-\\udfff]")
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
    from .model import is_http_url

    return visible(value) == value and is_http_url(value)


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell; text a spreadsheet would run as a formula gets a leading `'` (OWASP)."""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        from .model import jsonable

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
    from .model import jsonable  # here, not at the top: `accord --help` loads no pydantic

    text = json.dumps(jsonable(data), ensure_ascii=False, indent=2)
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text) + "\n"


def emit_json(data: Any) -> None:
    write(json_text(data))


def emit_rows(
    columns: Sequence[Column],
    rows: Sequence[dict[str, Any]],
    fmt: str,
    title: str | None = None,
    id_key: str = "id",
) -> None:
    if fmt == "json":
        emit_json([{c.key: row.get(c.key) for c in columns} for row in rows])
    elif fmt == "csv":
        write(csv_text(columns, rows))
    elif fmt == "ids":
        say("".join(f"{visible(str(row[id_key]))}\n" for row in rows))
    elif fmt == "md":
        write(markdown_table(columns, rows))
    else:
        table(columns, rows, title)


def csv_text(columns: Sequence[Column], rows: Sequence[dict[str, Any]]) -> str:
    """A header line and one line per row, every cell through `csv_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # csv quotes a cell holding a line feed but not one holding a lone carriage return,
    # which spreadsheets read as the end of the row: such rows are quoted whole.
    quoting = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow([c.key for c in columns])
    for row in rows:
        cells = [csv_cell(row.get(c.key)) for c in columns]
        (quoting if any("\r" in str(cell) for cell in cells) else writer).writerow(cells)
    return buffer.getvalue()


def cell_text(value: Any, joiner: str = " ") -> str:
    """A value as the text of one table cell: nothing for None, a list joined."""
    from .model import jsonable

    value = jsonable(value)
    if value is None:
        return ""
    if isinstance(value, list):
        return joiner.join(str(v) for v in value)
    if isinstance(value, dict):
        return joiner.join(f"{k}={v}" for k, v in value.items())
    return str(value)


def statuses_shown(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows for people: each `status` with each party's, where the row carries `parties`."""
    from .model import status_text

    return [row | {"status": status_text(row["status"], row.get("parties"))} for row in rows]


def table(columns: Sequence[Column], rows: Sequence[dict[str, Any]], title: str | None = None) -> None:
    """Rows as a table when every column fits the terminal at its natural width; else one block per
    row (its first column as a heading, then `header  value` lines), so no column is dropped and no
    word or number is cut, whatever the width."""
    from rich import box
    from rich.table import Table

    out = console()
    cells = _cells(columns, rows)
    if _table_width(out, columns, cells) > out.width:
        blocks(columns, rows, title)
        return
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


def _cells(columns: Sequence[Column], rows: Sequence[dict[str, Any]]) -> list[list[Any]]:
    return [
        [
            row[c.key] if _is_renderable(row.get(c.key)) else visible(cell_text(row.get(c.key)), newlines=c.wrap)
            for c in columns
        ]
        for row in rows
    ]


def fits(columns: Sequence[Column], rows: Sequence[dict[str, Any]]) -> bool:
    """Whether the rows fit the terminal as a table, no column folded."""
    out = console()
    return _table_width(out, columns, _cells(columns, rows)) <= out.width


def _table_width(out: Console, columns: Sequence[Column], cells: list[list[Any]]) -> int:
    """The narrowest the table can be drawn without folding a cell of a column that must not wrap,
    nor a word of one that may."""
    from rich.measure import Measurement

    total = 1
    for index, column in enumerate(columns):
        widest = len(column.header) if not column.wrap else max(map(len, column.header.split()))
        for row in cells:
            value = row[index]
            if not isinstance(value, str):
                size = Measurement.get(out, out.options, value).minimum
            elif column.wrap:
                size = max((len(word) for word in value.split()), default=0)
            else:
                size = max((len(line) for line in value.splitlines()), default=0)
            widest = max(widest, min(size, NARROW_COLUMN_LIMIT) if not column.wrap else size)
        total += widest + 3  # a cell's padding either side, and the rule between columns
    return total


def blocks(columns: Sequence[Column], rows: Sequence[dict[str, Any]], title: str | None = None) -> None:
    """One block per row: the first cell (and the title, if there is one) as its heading, then
    each other non-empty cell under its header, folded at spaces only."""
    from rich.table import Table
    from rich.text import Text

    out = console()
    if title:
        out.print(Text(title, style="italic"))
    heading = [0] + [i for i, c in enumerate(columns) if c.key == "title" and i > 0]
    rest = [i for i in range(len(columns)) if i not in heading]
    width = max((len(columns[i].header) for i in rest), default=0)
    for row in _cells(columns, rows):
        out.print(Text("  ".join(str(row[i]) for i in heading if row[i] != ""), style="bold"))
        # Short fields share one line (`status in_progress  side both`): a long list stays scannable.
        pairs = [f"{columns[i].header} {row[i]}" for i in rest if row[i] != ""]
        one_line = "  " + "   ".join(pairs)
        if all(isinstance(row[i], str) and "\n" not in row[i] for i in rest) and len(one_line) <= out.width:
            out.print(Text(one_line))
            continue
        grid = Table.grid(padding=(0, 2))
        grid.add_column(width=width + 2, no_wrap=True)
        grid.add_column(overflow="fold")
        for i in rest:
            if row[i] != "":
                grid.add_row("  " + columns[i].header, row[i])
        out.print(grid)
        out.print()


def _is_renderable(value: Any) -> bool:
    return hasattr(value, "__rich_console__") or hasattr(value, "__rich__")


# Only what would turn into markup gets a backslash, so that the text also reads as plain text in
# an e-mail: `|` (a table cell's end), `` ` ``, `<` opening a tag or autolink, `]` closing a link
# or reference, `*`/`_` that could emphasise, `\\` before punctuation, `>`/`#` opening a line.
_MARKDOWN_ACTIVE = re.compile(
    r"[|`]|<(?=[A-Za-z/!?])|\](?=[(\[:])|\\(?=[!-/:-@\[-`{-~]|$)"
    r"|(?<=\S)\*|\*(?=\S)|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|^[>#]"
)


def markdown_escape(text: str) -> str:
    """Text stays text in Markdown: no table broken by `|`, no HTML, link, code or emphasis."""
    return _MARKDOWN_ACTIVE.sub(lambda match: "\\" + match.group(), visible(text))


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
