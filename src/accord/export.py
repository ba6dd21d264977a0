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
from collections.abc import Iterable
from typing import Any

from . import render
from .errors import UsageError
from .model import Article, Commitment, Event, Statement
from .query import review_date
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


def rows(statement: Statement, articles: Iterable[Article], public: bool = False) -> list[dict[str, Any]]:
    """One row per commitment; `articles` with their history, which dates each one's last change
    and holds its review date. `public` leaves out who changed it and internal evidence links."""
    titles = {section.number: section.title for section in statement.sections}
    return [
        _row(article, commitment, titles.get(article.section), statement.sides, public)
        for article in articles
        for commitment in article.commitments
    ]


def _row(
    article: Article, commitment: Commitment, section_title: str | None, sides: list[str], public: bool
) -> dict[str, Any]:
    own = sorted((e for e in article.history if e.id == commitment.id), key=Event.effective)
    last = own[-1] if own else None
    evidence = next((e.evidence for e in reversed(own) if e.evidence and not (public and e.internal)), None)
    parties = commitment.differing_parties() or {}
    return {
        **{_party_key(side): parties.get(side) for side in sides},
        "review_by": review_date(article, commitment),
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
        "last_change": last.effective()[0] if last else None,
        "changed_by": last.by if last and not public else None,
        "evidence": evidence,
        "title": commitment.title,
    }


def encode(
    found: list[dict[str, Any]], fmt: str, columns: list[Column], bom: bool = False, public: bool = False
) -> bytes:
    if fmt == "json":
        listed = [{c.key: row[c.key] for c in columns} for row in found]
        data: Any = {**PUBLIC_FIELDS, "commitments": listed} if public else listed
        return render.json_text(data).encode("utf-8")
    if fmt == "xlsx":
        return _workbook(found, columns, LEFT_OUT if public else None)
    return ("\ufeff" if bom else "").encode("utf-8") + render.csv_text(columns, found).encode("utf-8")


def _workbook(found: list[dict[str, Any]], columns: list[Column], notice: str | None) -> bytes:
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] != "openpyxl":
            raise
        raise UsageError("xlsx needs openpyxl: pip install 'accord[xlsx]'") from None
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "commitments"
    sheet.append([c.header for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in found:
        sheet.append([None] * len(columns))
        for index, column in enumerate(columns, start=1):
            _fill(sheet.cell(row=sheet.max_row, column=index), row[column.key], column.key in DATE_COLUMNS)
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A1:{last}{sheet.max_row}"
    sheet.freeze_panes = "C2"  # the header row and the ids stay in view
    if notice is not None:
        book.create_sheet("about").append([notice])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _fill(cell: Any, value: Any, is_date: bool) -> None:
    if value is None:
        return
    if is_date:
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, int) and not isinstance(value, bool):
        cell.value = value
    else:
        cell.value = _NOT_IN_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", render.cell_text(value))
        cell.data_type = "s"  # text, even when it starts with `=`: never a formula
