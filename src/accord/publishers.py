"""Publishing the report: one outline of blocks, written out by one publisher per format.

The outline says what the report holds (headings, paragraphs, tables, charts); Markdown and
HTML only decide how each block looks, so the two never drift apart. Every text a user
typed is escaped by the publisher that writes it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .model import jsonable as plain
from .render import Column, cell_text, is_web_url, json_text, markdown_escape, markdown_table, visible
from .report import STALE_AFTER_DAYS, UPCOMING_DAYS, Report


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Table:
    columns: list[Column]
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class Chart:
    svg: str | None
    caption: str


Block = Heading | Paragraph | Table | Chart

STATUS_COLUMNS = ["not_started", "in_progress", "ongoing", "completed", "stalled", "dropped"]
ITEM_COLUMNS = [
    Column("id", "id"),
    Column("due", "due"),
    Column("kind", "kind"),
    Column("status", "status"),
    Column("owner", "owner"),
    Column("last_change", "last change"),
    Column("title", "title"),
]


def outline(report: Report, with_charts: bool) -> list[Block]:
    from . import charts

    blocks: list[Block] = [Heading(1, f"Progress report: {report.title}")]
    blocks.append(Paragraph(f"Period {report.period.label()}, as of {report.today.isoformat()}."))
    blocks.append(Heading(2, "Headline"))
    moved = report.moved
    summary = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in report.totals.items() if n)
    blocks.append(Paragraph(f"{sum(report.totals.values())} commitments: {summary}."))
    kinds = ", ".join(f"{n} {k}" for k, n in report.kinds.items() if n)
    blocks.append(Paragraph(f"What the text makes of them: {kinds}."))
    movement = [f"{s.replace('_', ' ')} {d:+d}" for s, d in moved.items() if d]
    blocks.append(
        Paragraph(
            f"{len(report.changes)} changes recorded in the period. Since the end of the previous period "
            f"({report.period.previous().end.isoformat()}): "
            + (", ".join(movement) if movement else "no status moved")
            + "."
        )
    )
    blocks.append(
        Table(
            [
                Column("status", "status"),
                Column("now", "now", justify="right"),
                Column("before", "end of previous period", justify="right"),
                Column("moved", "moved", justify="right"),
            ],
            [
                {
                    "status": s.replace("_", " "),
                    "now": n,
                    "before": report.previous_totals[s],
                    "moved": f"{moved[s]:+d}",
                }
                for s, n in report.totals.items()
            ],
        )
    )

    blocks.append(Heading(2, "What changed"))
    if not report.changes:
        blocks.append(Paragraph("Nothing was recorded in the period."))
    for section_title, rows in _grouped(report.changes):
        blocks.append(Heading(3, section_title))
        blocks.append(
            Table(
                [
                    Column("id", "record"),
                    Column("when", "when (UTC)"),
                    Column("by", "who"),
                    Column("change", "change"),
                    Column("note", "note"),
                    Column("evidence", "evidence"),
                ],
                [
                    {
                        "id": r["id"],
                        "when": r["at"].strftime("%Y-%m-%d %H:%M"),
                        "by": r["by"],
                        "change": f"{r['what']}: {r['old']} → {r['new']}" if r["old"] is not None else r["what"],
                        "note": r["note"],
                        "evidence": Link("link", r["evidence"]) if r["evidence"] else None,
                    }
                    for r in rows
                ],
            )
        )

    blocks.append(Heading(2, "Progress toward the targets"))
    blocks.append(Table(TARGET_COLUMNS, [_target_row(t) for t in report.targets]))
    for target in report.targets:
        others = target["other_series"]
        if others:
            blocks.append(
                Paragraph(
                    f"{target['target']}: the {target['series']} series is shown; "
                    f"also measured: {', '.join(others)} (never mixed with it)."
                )
            )
    if with_charts:
        for target in report.targets:
            if any(s["values"] for s in target["all_series"]):
                blocks.append(
                    Chart(
                        charts.target_chart(target, target["all_series"]),
                        f"{target['title']}: measured against the straight path to the target",
                    )
                )

    blocks.append(Heading(2, "Attention"))
    blocks.append(Heading(3, f"Overdue ({len(report.overdue)})"))
    blocks.append(Table(ITEM_COLUMNS, report.overdue) if report.overdue else Paragraph("None."))
    blocks.append(Heading(3, f"Stalled ({len(report.stalled)})"))
    blocks.append(Table(ITEM_COLUMNS, report.stalled) if report.stalled else Paragraph("None."))
    blocks.append(Heading(3, f"No update in {STALE_AFTER_DAYS} days ({len(report.stale)})"))
    blocks.append(Table(ITEM_COLUMNS, report.stale) if report.stale else Paragraph("None."))
    if report.never_updated:
        blocks.append(Paragraph(f"{report.never_updated} open commitments have never been updated."))
    blocks.append(Heading(3, f"Deadlines in the next {UPCOMING_DAYS} days ({len(report.upcoming)})"))
    blocks.append(
        Table(
            [
                Column("id", "id"),
                Column("due", "due"),
                Column("days_left", "days left", justify="right"),
                Column("status", "status"),
                Column("title", "title"),
            ],
            report.upcoming,
        )
        if report.upcoming
        else Paragraph("None.")
    )

    blocks.append(Heading(2, "Sections"))
    section_columns = [Column("number", "section"), Column("title", "title")]
    section_columns += [Column(s, s.replace("_", " "), justify="right") for s in STATUS_COLUMNS]
    section_columns.append(Column("total", "total", justify="right"))
    blocks.append(Table(section_columns, report.sections))
    if with_charts:
        blocks.append(Chart(charts.status_chart(report.sections), "Mix of statuses per section"))
    for problem in report.problems:
        blocks.append(Paragraph(f"Not included, unreadable: {problem}"))
    return blocks


TARGET_COLUMNS = [
    Column("target", "target"),
    Column("series", "series"),
    Column("latest", "latest", justify="right"),
    Column("goal", "goal", justify="right"),
    Column("percent", "% achieved", justify="right"),
    Column("elapsed", "% time", justify="right"),
    Column("still_needed", "still needed", justify="right"),
    Column("projection", "projected", justify="right"),
    Column("deadline", "deadline"),
    Column("verdict", "verdict"),
]


def _target_row(target: dict[str, Any]) -> dict[str, Any]:
    latest = f"{plain(target['latest'])} ({target['period']})" if target["latest"] is not None else None
    needed = target["still_needed"]
    unit = "%/yr" if target["kind"] == "level" else "/yr"
    return {
        **target,
        "latest": latest,
        "percent": f"{plain(target['percent'])} %" if target["percent"] is not None else None,
        "elapsed": f"{plain(target['elapsed'])} %",
        "still_needed": f"{plain(needed)} {unit}" if needed is not None else None,
        "goal": f"{plain(target['goal'])} {target['unit']}",
    }


def _grouped(changes: list[dict[str, Any]]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for change in changes:
        number = change["section"]
        title = f"{number}. {change['section_title']}" if number is not None else str(change["section_title"])
        groups.setdefault(title, []).append(change)
    yield from groups.items()


class Publisher:
    """Writes an outline as lines of one format."""

    def lines(self, report: Report) -> Iterator[str]:
        raise NotImplementedError


class MarkdownPublisher(Publisher):
    """GitHub-flavoured Markdown: headings, paragraphs and pipe tables; no raw HTML."""

    def lines(self, report: Report) -> Iterator[str]:
        for block in outline(report, with_charts=False):
            if isinstance(block, Heading):
                yield f"{'#' * block.level} {markdown_escape(block.text)}\n\n"
            elif isinstance(block, Paragraph):
                yield f"{markdown_escape(block.text)}\n\n"
            elif isinstance(block, Table):
                yield markdown_table(block.columns, block.rows, self.cell) + "\n"

    @staticmethod
    def cell(value: Any) -> str:
        if isinstance(value, Link):
            if not is_web_url(value.url):
                return markdown_escape(value.url)
            url = quote(value.url, safe=":/?#@!$&'*+,;=%~-._")
            return f"[{markdown_escape(value.text)}]({url})"
        return markdown_escape(cell_text(value, ", "))


CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 62rem; margin: 2rem auto;
       padding: 0 1rem; color: #1d1d1d; line-height: 1.45; }
h1 { font-size: 1.6rem; border-bottom: 2px solid #1d1d1d; padding-bottom: .3rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .88rem; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.num, th.num { text-align: right; }
figure { margin: 1rem 0; } figure svg { max-width: 100%; height: auto; }
figcaption { font-size: .85rem; color: #555; }
.note { color: #555; font-style: italic; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } table, figure { break-inside: avoid; } }
"""


class HtmlPublisher(Publisher):
    """One self-contained page: inline CSS and SVG, nothing fetched when it is opened."""

    def lines(self, report: Report) -> Iterator[str]:
        from . import charts

        with_charts = charts.available()
        yield '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        yield f"<title>{_html(report.title)}: {report.period.label()}</title>\n"
        yield f"<style>{CSS}</style>\n</head>\n<body>\n"
        if not with_charts:
            yield (
                '<p class="note">Charts need the optional matplotlib extra '
                "(pip install 'accord[charts]'); the tables below hold the same figures.</p>\n"
            )
        for block in outline(report, with_charts=with_charts):
            if isinstance(block, Heading):
                anchor = re.sub(r"[^a-z0-9]+", "-", block.text.lower()).strip("-")
                yield f'<h{block.level} id="{anchor}">{_html(block.text)}</h{block.level}>\n'
            elif isinstance(block, Paragraph):
                yield f"<p>{_html(block.text)}</p>\n"
            elif isinstance(block, Table):
                yield from self.table(block)
            elif block.svg is not None:
                yield f"<figure>\n{block.svg}\n<figcaption>{_html(block.caption)}</figcaption>\n</figure>\n"
        yield "</body>\n</html>\n"

    def table(self, table: Table) -> Iterator[str]:
        def attrs(column: Column) -> str:
            return ' class="num"' if column.justify == "right" else ""

        yield "<table>\n<thead><tr>"
        yield "".join(f"<th{attrs(c)}>{html.escape(c.header)}</th>" for c in table.columns)
        yield "</tr></thead>\n<tbody>\n"
        for row in table.rows:
            yield "<tr>" + "".join(f"<td{attrs(c)}>{self.cell(row.get(c.key))}</td>" for c in table.columns) + "</tr>\n"
        yield "</tbody>\n</table>\n"

    @staticmethod
    def cell(value: Any) -> str:
        if isinstance(value, Link):
            if not is_web_url(value.url):
                return _html(value.url)
            return f'<a href="{_html(value.url)}">{_html(value.text)}</a>'
        return _html(cell_text(value, ", "))


def _html(text: str) -> str:
    """Text as HTML text: markup escaped, control characters and direction overrides spelled out."""
    return html.escape(visible(text), quote=True)


class JsonPublisher(Publisher):
    def lines(self, report: Report) -> Iterator[str]:
        yield json_text(report.as_data())


PUBLISHERS: dict[str, type[Publisher]] = {"md": MarkdownPublisher, "html": HtmlPublisher, "json": JsonPublisher}
