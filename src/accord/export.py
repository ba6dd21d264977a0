"""`accord export`: one flat row per commitment, for spreadsheets and other tools.

CSV cells go through `render.csv_cell`, so that no cell runs as a formula; an xlsx cell holding
text is stored as text, never as a formula, whatever it starts with. Dates are real dates in
xlsx and ISO text in CSV and JSON.

A public export leaves out who made each change and evidence links marked internal (export holds
no notes), and says so: a JSON object's `left_out`, a workbook's second sheet, and for CSV,
which has no place for it, the command line on stderr.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from . import render
from .errors import UsageError
from .index import ArticleEntry, CommitmentEntry
from .model import Statement
from .render import Column
from .report import LEFT_OUT, PUBLIC_FIELDS

DATE_COLUMNS = frozenset({"due", "review_by", "last_change"})
# What XML 1.0, and so a workbook, cannot hold; such characters are spelled out as `\x1b`.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def columns(sides: Iterable[str], public: bool = False) -> list[Column]:
    """The columns, with a status for each of the statement's `sides` (filled where the parties'
    statuses of a commitment both carry differ); a `public` export has no `changed by`."""
    return [
        Column("article", "article"),
        Column("id", "id"),
        Column("section", "section"),
        Column("section_title", "section title"),
        Column("side", "side"),
        Column("kind", "kind"),
        Column("asked_by", "asked by"),
        Column("status", "status"),
        *(Column(_party_key(side), f"status {side}") for side in sides),
        Column("owner", "owner"),
        Column("due", "due"),
        Column("review_by", "review by"),
        Column("tags", "tags"),
        Column("last_change", "last change"),
        *([] if public else [Column("changed_by", "changed by")]),
        Column("evidence", "evidence"),
        Column("title", "title"),
    ]


def _party_key(side: str) -> str:
    return f"status_{side}"


def rows(statement: Statement, articles: Iterable[ArticleEntry], public: bool = False) -> Iterator[dict[str, Any]]:
    """One row per commitment, as the articles come; each article with what its history says
    (ArticleEntry.known), which dates each commitment's last change, names who made it and holds
    its review date and latest evidence link. `public` leaves out who changed it and internal
    evidence links."""
    titles = {section.number: section.title for section in statement.sections}
    for article in articles:
        for commitment in article.commitments:
            yield _row(article, commitment, titles.get(article.section), statement.sides, public)


def _row(
    article: ArticleEntry, commitment: CommitmentEntry, section_title: str | None, sides: list[str], public: bool
) -> dict[str, Any]:
    parties = commitment.differing_parties() or {}
    return {
        **{_party_key(side): parties.get(side) for side in sides},
        "review_by": commitment.review,
        "article": article.id,
        "id": commitment.id,
        "section": article.section,
        "section_title": section_title,
        "side": commitment.side,
        "kind": commitment.kind,
        "asked_by": commitment.asked_by,
        "status": commitment.status,
        "owner": commitment.owner,
        "due": commitment.due,
        "tags": list(commitment.tags),
        "last_change": commitment.changed,
        "changed_by": None if public else commitment.changed_by,
        "evidence": commitment.public_evidence if public else commitment.evidence,
        "title": commitment.title,
    }


def write(
    out: BinaryIO,
    found: Iterable[dict[str, Any]],
    fmt: str,
    columns: list[Column],
    bom: bool = False,
    public: bool = False,
) -> None:
    """The rows in `fmt` to `out`: CSV and JSON one row at a time as they come, a workbook once it
    is made."""
    if fmt == "xlsx":
        _workbook(found, columns, LEFT_OUT if public else None).save(out)
        return
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    try:
        if fmt == "json":
            listed = ({c.key: row[c.key] for c in columns} for row in found)
            text.writelines(_public_json(listed) if public else render.json_array(listed))
        else:
            text.write("\ufeff" if bom else "")
            render.write_csv(columns, found, text)
    finally:
        text.detach()  # written through; `out` stays open


def _public_json(listed: Iterable[dict[str, Any]]) -> Iterator[str]:
    """`render.json_text` of PUBLIC_FIELDS with the rows as its `commitments`, in pieces."""
    head = render.json_text(PUBLIC_FIELDS).removesuffix("\n}\n")
    yield f'{head},\n  "commitments": '
    # The array one level deeper: each of its lines two spaces further in, its closing line too.
    previous = None
    for piece in render.json_array(listed):
        if previous is not None:
            yield previous.replace("\n", "\n  ")
        previous = piece
    assert previous is not None  # json_array closes the array
    yield previous.removesuffix("\n").replace("\n", "\n  ") + "\n}\n"


def _workbook(found: Iterable[dict[str, Any]], columns: list[Column], notice: str | None) -> Any:
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] != "openpyxl":
            raise
        raise UsageError("xlsx needs openpyxl: pip install 'accord[xlsx]'") from None
    # Written as the rows come: a workbook held whole takes seconds and hundreds of MB at scale.
    book = Workbook(write_only=True)
    sheet = book.create_sheet("commitments")
    sheet.freeze_panes = "C2"  # the header row and the ids stay in view
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    rows = 1
    for row in found:
        sheet.append([_cell(WriteOnlyCell(sheet), row[c.key], c.key in DATE_COLUMNS) for c in columns])
        rows += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{rows}"
    if notice is not None:
        book.create_sheet("about").append([notice])
    return book


def _cell(cell: Any, value: Any, is_date: bool) -> Any:
    if value is None:
        return cell
    if is_date:
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, int) and not isinstance(value, bool):
        cell.value = value
    else:
        cell.value = _NOT_IN_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", render.cell_text(value))
        cell.data_type = "s"  # text, even when it starts with `=`: never a formula
    return cell
