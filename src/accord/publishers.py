"""Publishing the report: one outline of blocks, written out by one publisher per format.

The outline says what the report holds (headings, paragraphs, tables, charts); Markdown and
HTML only decide how each block looks, so the two never drift apart. Every text a user
typed is escaped by the publisher that writes it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .model import jsonable as plain
from .render import (
    Column,
    cell_text,
    is_web_url,
    json_text,
    markdown_escape,
    markdown_table,
    statuses_shown,
    visible,
)
from .report import LEFT_OUT, UPCOMING_DAYS, Report
from .wording import marked


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


@dataclass(frozen=True)
class Items:
    """A bulleted list, one line of text each; a verdict in one is marked where a format can."""

    texts: list[str]
    verdicts: tuple[str, ...] = ()


Block = Heading | Paragraph | Table | Chart | Items

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
CHANGE_COLUMNS = [
    Column("id", "record"),
    Column("change", "change"),
    Column("when", "when"),
    Column("by", "who"),
    Column("note", "note"),
    Column("evidence", "evidence"),
]


def outline(report: Report, with_charts: bool) -> list[Block]:
    """The answer first (each target's verdict and why), then what needs attention, what changed,
    the commitments section by section, and the sources of every figure."""
    from . import charts

    blocks: list[Block] = [Heading(1, f"Progress report: {report.title}")]
    blocks.append(
        Paragraph(
            f"Period {report.period.label()}, as known at the end of {report.today.isoformat()}: "
            "nothing recorded later is counted."
        )
    )
    if report.public:
        blocks.append(Paragraph(LEFT_OUT))
    changes = [c for c in CHANGE_COLUMNS if not (report.public and c.key == "by")]
    sources = _sources(report)

    blocks.append(Heading(2, "Are we on track?"))
    verdicts = tuple(t["verdict"] for t in report.targets)
    blocks.append(Items([_verdict_line(t, sources) for t in report.targets] or ["No target is recorded."], verdicts))
    for target in report.targets:
        if target["other_series"]:
            blocks.append(
                Paragraph(
                    f"{target['target']}: the {target['series']} series is shown; "
                    f"also measured: {', '.join(target['other_series'])} (never mixed with it)."
                )
            )
        details = _detail_lines(target, sources)
        if details:
            blocks.append(Items(details))
    if with_charts:
        for target in report.targets:
            if any(s["values"] for s in target["all_series"]):
                svg = charts.target_chart(target, target["all_series"], report.charts_kept_in)
                blocks.append(Chart(svg, _chart_caption(target)))

    blocks.append(Heading(2, "Needs attention"))
    blocks.append(Heading(3, f"Overdue ({len(report.overdue)})"))
    blocks.append(Table(ITEM_COLUMNS, statuses_shown(report.overdue)) if report.overdue else Paragraph("None."))
    blocks.append(Heading(3, f"Stalled ({len(report.stalled)})"))
    blocks.append(Table(ITEM_COLUMNS, statuses_shown(report.stalled)) if report.stalled else Paragraph("None."))
    blocks.append(Heading(3, f"No update in {report.stale_after_days} days ({len(report.stale)})"))
    blocks.append(Table(ITEM_COLUMNS, statuses_shown(report.stale)) if report.stale else Paragraph("None."))
    if report.never_updated:
        blocks.append(Paragraph(f"{report.never_updated} open commitments have never been updated."))
    blocks.append(Heading(3, f"Due for review ({len(report.due_review)})"))
    review_columns = [Column("review_by", "review by"), *ITEM_COLUMNS]
    blocks.append(Table(review_columns, report.due_review) if report.due_review else Paragraph("None."))
    blocks.append(Heading(3, f"Status changes in the period without evidence ({len(report.unevidenced)})"))
    unevidenced = [c for c in changes if c.key != "evidence"]
    blocks.append(
        Table(unevidenced, [_change(r) for r in report.unevidenced]) if report.unevidenced else Paragraph("None.")
    )
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
            statuses_shown(report.upcoming),
        )
        if report.upcoming
        else Paragraph("None.")
    )

    blocks.append(Heading(2, "What changed"))
    moved = report.moved
    movement = [f"{s.replace('_', ' ')} {d:+d}" for s, d in moved.items() if d]
    blocks.append(
        Paragraph(
            f"{len(report.changes)} net changes in the period (a change undone within it is left out). "
            f"Statuses since the end of the previous period ({report.period.previous().end.isoformat()}): "
            + (", ".join(movement) if movement else "none moved")
            + "."
        )
    )
    if report.changes:
        blocks.append(Table(changes, [_change(r) for r in report.changes]))

    blocks.append(Heading(2, "Commitments"))
    summary = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in report.totals.items() if n)
    blocks.append(Paragraph(f"{sum(report.totals.values())} commitments: {summary}."))
    kinds = ", ".join(f"{n} {k}" for k, n in report.kinds.items() if n)
    blocks.append(Paragraph(f"What the text makes of them: {kinds}."))
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
    section_columns = [Column("number", "section"), Column("title", "title")]
    section_columns += [Column(s, s.replace("_", " "), justify="right") for s in STATUS_COLUMNS]
    section_columns.append(Column("total", "total", justify="right"))
    blocks.append(Table(section_columns, report.sections))
    if with_charts:
        blocks.append(Chart(charts.status_chart(report.sections, report.charts_kept_in), "Mix of statuses per section"))
    for problem in report.problems:
        blocks.append(Paragraph(f"Not included, unreadable: {problem}"))

    blocks.append(Heading(2, "Sources"))
    blocks.append(Items([f"[{n}] {source}" for source, n in sources.items()] or ["No figure is cited."]))
    blocks.append(Paragraph("Every event recorded in the period, one by one, is in the json report."))
    return blocks


def _sources(report: Report) -> dict[str, int]:
    """Each source the report cites, numbered in the order it is first cited."""
    cited: dict[str, int] = {}
    for target in report.targets:
        later = [s["source"] for s in target["stages"]] + (target["year_to_date"] or {}).get("sources", [])
        for source in (target["goal_source"], target["source"], *later):
            if source and source not in cited:
                cited[source] = len(cited) + 1
    return cited


def _verdict_line(target: dict[str, Any], sources: dict[str, int]) -> str:
    """Verdict; latest figure, its period and source; projection against the goal; still needed; why."""
    unit = target["unit"]
    year = target["deadline"].year
    goal = f"goal {plain(target['goal'])} {unit} by {year} [{sources[target['goal_source']]}]"
    head = f"{target['target']} ({target['title']}): {target['verdict'].upper()}."
    if target["latest"] is None:
        return f"{head} No measurement yet; {goal}."
    when = f" ({target['when']})" if target["when"] == target["period"] else f", {target['when']}"
    latest = f"Latest {plain(target['latest'])} {unit}{when} [{sources[target['source']]}]"
    parts = [head, latest + (f", from {target['original']['text']}." if target["original"] else ".")]
    if target["projection"] is not None:
        parts.append(f"Projected {plain(target['projection'])} {unit} by {year}, against the {goal}.")
    else:
        parts.append(f"The {goal}; a single measurement, so no trend yet.")
    if target["still_needed"] is not None:
        pace = "%/yr growth" if target["kind"] == "level" else f"{unit}/yr"
        parts.append(f"Still needed: {plain(target['still_needed'])} {pace}.")
    if target["on_path"] is not None:
        which = "Level" if target["kind"] == "level" else "Amount"
        parts.append(
            f"{which} reached: {target['on_path_percent']} % of the {plain(target['on_path'])} {unit} "
            f"the path to the goal asks for {_path_day(target)}."
        )
    parts.append(f"Why: {target['reason']}.")
    return " ".join(parts)


def _path_day(target: dict[str, Any]) -> str:
    """When the path is read: the latest figure's year, or the last day its date can be."""
    if target["kind"] == "level":
        return f"in {target['period']}"
    return f"by {target['values'][-1]['when'].isoformat()}"


def _detail_lines(target: dict[str, Any], sources: dict[str, int]) -> list[str]:
    """A fund's stages, each on its own line against the ceiling; a yearly target's months of the
    year still running, and the full year they project, marked as a projection."""
    unit = target["unit"]
    lines = []
    stages = target["stages"]
    if stages and all(stage["latest"] is None for stage in stages):
        names = ", ".join(stage["stage"] for stage in stages)
        lines.append(f"{target['target']}: no data at any stage ({names}); the verdict rests on {target['stage']}.")
        stages = []
    for stage in stages:
        head = f"{target['target']}, {stage['stage']}"
        rests = " The verdict rests on this stage." if stage["verdict_rests_on_it"] else ""
        if stage["latest"] is None:
            lines.append(f"{head}: no data.{rests}")
            continue
        original = f", from {stage['original']['text']}" if stage["original"] else ""
        lines.append(
            f"{head}: {plain(stage['latest'])} {unit}, {stage['percent']} % of the ceiling of "
            f"{plain(target['goal'])} {unit}; {stage['stage']} {stage['when']} [{sources[stage['source']]}]"
            f"{original}.{rests}"
        )
    ytd = target["year_to_date"]
    if ytd:
        cited = ", ".join(f"[{sources[s]}]" for s in ytd["sources"])
        line = f"{target['target']}, {ytd['year']} to date ({ytd['through_text']}): {plain(ytd['value'])} {unit}"
        line += f" {cited}"
        if ytd["same_months_before"] is not None:
            line += f"; the same months of {ytd['year'] - 1}: {plain(ytd['same_months_before'])} {unit}"
        line += f". Projected for {ytd['year']} (a projection, not a figure): {plain(ytd['projection'])} {unit}"
        line += f", by {ytd['method']}"
        if ytd["year_before"] is not None:
            line += f"; last complete year, {ytd['year_before_period']}: {plain(ytd['year_before'])} {unit}"
        if ytd["unmeasured_text"]:
            line += f"; {ytd['unmeasured_text']}"
        lines.append(line + ".")
    return lines


def _chart_caption(target: dict[str, Any]) -> str:
    caption = f"{target['title']}: measured, the trend behind the verdict, and the path to the goal"
    if len(target["values"]) == 1:
        rests = "so no trend is drawn" if target["projection"] is None else "the pace since the baseline rests on it"
        caption += f"; a single measurement: {rests}"
    return caption


def _change(row: dict[str, Any]) -> dict[str, Any]:
    recorded = row["at"].strftime("%Y-%m-%d %H:%M UTC")
    back_dated = row["on"] is not None and row["on"] != row["at"].date()
    return {
        "id": row["id"],
        "change": f"{row['what']}: {row['old']} → {row['new']}" if row["old"] is not None else row["what"],
        "when": f"{row['on'].isoformat()} (recorded {recorded})" if back_dated else recorded,
        "by": row.get("by"),  # none in a public report
        "note": marked(row["note"], row["internal"]),
        "evidence": Link(marked("link", row["internal"]) or "", row["evidence"]) if row["evidence"] else None,
    }


class Publisher:
    """Writes an outline as lines of one format."""

    def lines(self, report: Report) -> Iterator[str]:
        raise NotImplementedError

    def preparing(self) -> AbstractContextManager[None]:
        """What to keep open while the report is built and written, to be ready for it."""
        return nullcontext()


class MarkdownPublisher(Publisher):
    """GitHub-flavoured Markdown: headings, paragraphs and pipe tables; no raw HTML."""

    def lines(self, report: Report) -> Iterator[str]:
        for block in outline(report, with_charts=False):
            if isinstance(block, Heading):
                yield f"{'#' * block.level} {markdown_escape(block.text)}\n\n"
            elif isinstance(block, Paragraph):
                yield f"{markdown_escape(block.text)}\n\n"
            elif isinstance(block, Items):
                yield "".join(f"- {markdown_escape(text)}\n" for text in block.texts) + "\n"
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
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
/* a heading's lead-in sentence stays with the table or list it introduces */
h2 + p, h3 + p { break-after: avoid; page-break-after: avoid; }
li { margin: .35rem 0; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .88rem; width: 100%; }
th, td { border: 1px solid #ccc; padding: .25rem .4rem; text-align: left; vertical-align: top; }
td { overflow-wrap: break-word; }
p { orphans: 3; widows: 3; }
th { background: #f2f2f2; }
td.num, th.num { text-align: right; }
td.num { white-space: nowrap; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
figure { margin: 1rem 0; break-inside: avoid; } figure svg { max-width: 100%; height: auto; }
figcaption { font-size: .85rem; color: #555; }
.note { color: #555; font-style: italic; }
.on-track { color: #2e7d32; } .at-risk { color: #b26a00; } .off-track { color: #b71c1c; } .no-data { color: #555; }
@media (max-width: 48rem) { table { font-size: .78rem; } th, td { padding: .2rem .3rem; } }
@media (max-width: 40rem) {
  body { margin: 1rem auto; padding: 0 .5rem; }
  table { font-size: .78rem; display: block; overflow-x: auto; }
  th, td { padding: .2rem .3rem; }
  td { overflow-wrap: normal; min-width: 5rem; }
}
@page { size: A4; margin: 18mm 15mm 20mm;
  @bottom-left { content: "REPORT_DATE"; font: 8pt system-ui, sans-serif; color: #555; }
  @bottom-right { content: "page " counter(page) " of " counter(pages); font: 8pt system-ui, sans-serif; color: #555; }
}
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
  h2 { margin-top: 1.2rem; }
  table { font-size: 8pt; }
  a { color: inherit; }
}
"""


class HtmlPublisher(Publisher):
    """One self-contained page: inline CSS and SVG, nothing fetched when it is opened."""

    def preparing(self) -> AbstractContextManager[None]:
        from . import charts

        return charts.drawn_aside()  # matplotlib loads aside while the report is built

    def lines(self, report: Report) -> Iterator[str]:
        from . import charts

        with_charts = charts.available()
        yield '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        yield '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        yield f"<title>{_html(report.title)}: {report.period.label()}</title>\n"
        margin = f"Progress report as known at the end of {report.today.isoformat()}"
        yield f"<style>{CSS.replace('REPORT_DATE', margin)}</style>\n</head>\n<body>\n"
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
            elif isinstance(block, Items):
                yield "<ul>\n" + "".join(self.item(text, block.verdicts) for text in block.texts) + "</ul>\n"
            elif isinstance(block, Table):
                yield from self.table(block)
            elif block.svg is not None:
                yield f"<figure>\n{block.svg}\n<figcaption>{_html(block.caption)}</figcaption>\n</figure>\n"
        yield "</body>\n</html>\n"

    @staticmethod
    def item(text: str, verdicts: tuple[str, ...]) -> str:
        """A list item; the first verdict it names (in capitals, as the outline writes it) in colour."""
        line = _html(text)
        for verdict in verdicts:
            word = verdict.upper()
            if f": {word}." in text:
                mark = f'<strong class="{verdict.replace(" ", "-")}">{word}</strong>'
                return f"<li>{line.replace(f': {word}.', f': {mark}.', 1)}</li>\n"
        return f"<li>{line}</li>\n"

    def table(self, table: Table) -> Iterator[str]:
        attrs = [' class="num"' if c.justify == "right" else "" for c in table.columns]
        cells = [(c.key, f"<td{a}>") for c, a in zip(table.columns, attrs, strict=True)]  # once, not per row
        cell = self.cell
        yield "<table>\n<thead><tr>"
        yield "".join(f"<th{a}>{html.escape(c.header)}</th>" for c, a in zip(table.columns, attrs, strict=True))
        yield "</tr></thead>\n<tbody>\n"
        for row in table.rows:
            yield "<tr>" + "".join(f"{td}{cell(row.get(key))}</td>" for key, td in cells) + "</tr>\n"
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
