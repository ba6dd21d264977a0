"""What each command shows: rows and text built from the core's results, handed to `render`."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

from . import render
from .render import Column
from .values import Kind, Status, status_text

if TYPE_CHECKING:
    from .api import ArticleEntry, CommitmentEntry, Problem, SearchHit, Shown, TargetHit
    from .changes import Change
    from .model import Article, Commitment, Event, Original, Statement
    from .tracking import Overview

LIST_COLUMNS = [
    Column("id", "id"),
    Column("status", "status"),
    Column("side", "side"),
    Column("kind", "kind"),
    Column("asked_by", "asked by"),
    Column("due", "due"),
    Column("owner", "owner"),
    Column("section", "section", justify="right"),
    Column("tags", "tags", wrap=True),
    Column("title", "title", wrap=True),
    Column("parties", "parties"),  # each party's status where they differ: {vietnam: completed, ...}
]


# A terminal has room for fewer columns than json and csv carry (`show` says who asked whom); its
# status names each party's where they differ.
LIST_TABLE_COLUMNS = [
    Column("status_text", "status", wrap=True) if c.key == "status" else c
    for c in LIST_COLUMNS
    if c.key not in ("section", "tags", "asked_by", "parties")
]


def list_row(
    article: Article | ArticleEntry, item: Article | Commitment | ArticleEntry | CommitmentEntry
) -> dict[str, Any]:
    """One line of `list`: a commitment (or an article itself) with the article it belongs to."""
    differing_parties = getattr(item, "differing_parties", None)  # an article has none
    parties = differing_parties() if differing_parties is not None else None
    return {
        "id": item.id,
        "status": item.status,
        "side": getattr(item, "side", None),
        "kind": getattr(item, "kind", None),
        "asked_by": getattr(item, "asked_by", None),
        "due": item.due,
        "owner": item.owner,
        "section": article.section,
        "tags": list(item.tags),
        "title": item.title,
        "status_text": status_text(item.status, parties),
        "parties": parties,
    }


def matched(count: int, noun: str, of: int | None = None) -> str:
    """The line under a listing: how many rows matched (`10 of 123` when cut short), or that none did."""
    if count == 0 and not of:
        return f"no {noun} matches\n"
    shown = f"{count} of {of}" if of is not None and of != count else f"{count}"
    return f"{shown} {noun}{'s' if (of or count) != 1 else ''}\n"


# -- show --------------------------------------------------------------------------------------


def show(shown: Shown, fmt: str) -> None:
    """Everything known of one record, as `accord show` prints it."""
    if fmt == "text":
        render.say("\n".join(show_lines(shown)) + "\n")
        return
    data = shown.data
    if shown.kind == "commitment":
        article = shown.article_data
        assert article is not None
        targets = [t["id"] for t in shown.target_data]
        data = {"article": article["id"], "section": article["section"], **data, "targets": targets}
        data["history"] = shown.event_data
    if fmt == "json":
        render.emit_json(data)
    else:
        from . import yamlio

        text = yamlio.dump(data)
        out = getattr(sys.stdout, "buffer", None)
        if out is None:  # held in memory for `-o FILE`
            render.write(text.decode("utf-8"))
        else:
            out.write(text)


def show_lines(shown: Shown) -> list[str]:
    """`accord show` as text: the record's fields, then its history, newest first."""
    if shown.kind == "commitment":
        assert shown.article_data is not None
        lines = _commitment_text(shown, shown.article_data, shown.data)
    elif shown.kind == "article":
        lines = _article_text(shown, shown.data)
    else:
        lines = _target_text(shown.data)
    return lines + _history_text([_Fields(event) for event in shown.event_data])


class _Fields:
    """A record's data read as its model reads (`.name` is a field's value, None when left out), for
    the wording of events and figures that takes models elsewhere."""

    def __init__(self, data: dict[str, Any]):
        self._data = data

    def __getattr__(self, name: str) -> Any:
        return self._data.get(name)


def _fields(pairs: list[tuple[str, Any]]) -> list[str]:
    from .values import jsonable

    return [f"{label:<9}{_one(jsonable(value)) if value not in (None, []) else '-'}" for label, value in pairs]


def _one(value: Any) -> str:
    """A value from the records on one line of `show`: a typed line break cannot start a fake line."""
    return render.visible(str(value))


def _section_title(shown: Shown, number: int) -> str:
    return f"{number}. {_one('?' if shown.section_title is None else shown.section_title)}"


def _status_text(commitment: dict[str, Any]) -> str:
    from .values import differing_parties

    return status_text(commitment["status"], differing_parties(commitment["side"], commitment.get("parties")))


def _commitment_text(shown: Shown, article: dict[str, Any], item: dict[str, Any]) -> list[str]:
    from .values import kind_text

    lines = [f"{item['id']}  {_one(item['title'])}", ""]
    lines += _fields(
        [
            ("article", f"{article['id']}. {article['title']}"),
            ("section", _section_title(shown, article["section"])),
            ("side", item["side"]),
            ("kind", kind_text(item["kind"], item.get("asked_by"), item["side"])),
            ("status", _status_text(item)),
            ("owner", item.get("owner")),
            ("due", item.get("due")),
            ("tags", ", ".join(item.get("tags", []))),
            ("targets", ", ".join(t["id"] for t in shown.target_data)),
        ]
    )
    lines += ["", *render.wrapped("excerpt", item["excerpt"])]
    return [*lines, "", *render.wrapped("note", item["note"])] if item.get("note") else lines


def _article_text(shown: Shown, article: dict[str, Any]) -> list[str]:
    lines = [f"Article {article['id']}  {_one(article['title'])}", ""]
    lines += _fields(
        [
            ("section", _section_title(shown, article["section"])),
            ("status", article["status"]),
            ("owner", article.get("owner")),
            ("due", article.get("due")),
            ("tags", ", ".join(article.get("tags", []))),
        ]
    )
    commitments = article.get("commitments", [])
    lines += ["", *render.wrapped("text", article["text"]), "", f"commitments ({len(commitments)}):"]
    for c in commitments:
        due = f"  due {c['due']}" if c.get("due") else ""
        lines.append(f"  {c['id']:<8}{_status_text(c):<12} {c['side']:<9}{c['kind']:<10}{_one(c['title'])}{due}")
    return lines


def _target_text(target: dict[str, Any]) -> list[str]:
    from .values import jsonable
    from .wording import original_text

    unit = target["unit"]
    lines = [f"Target {target['id']}  {_one(target['title'])}", ""]
    lines += _fields(
        [
            ("kind", "yearly level" if target["kind"] == "level" else "cumulative amount"),
            ("target", f"{jsonable(target['value'])} {_one(unit)}"),
            ("source", target["source"]),
            ("baseline", target["baseline"]),
            ("deadline", target["deadline"]),
            ("article", target["article"]),
            ("commits", target["commitment"]),
        ]
    )
    for note in target.get("notes", []):
        lines += ["", *render.wrapped("note", note)]
    for series in target.get("series", []):
        primary = " (primary)" if series.get("primary") else ""
        stage = f" (stage: {series['stage']})" if series.get("stage") else ""
        lines += ["", f"series {series['name']}: {_one(series['label'])}{primary}{stage}"]
        measurements = series.get("measurements", [])
        if not measurements:
            lines.append("  no measurement yet")
        for m in measurements:
            extra = f" ({_one(m['note'])})" if m.get("note") else ""
            lines.append(f"  {_one(m['period']):<11}{jsonable(m['value']):>10}  {_one(m['source'])}{extra}")
            if m.get("original"):
                original = _one(original_text(cast("Original", _Fields(m["original"])), unit.split()[-1]))
                lines.append(f"  {'':<11}{'':>10}  from {original}")
    return lines


def _history_text(history: Sequence[_Fields]) -> list[str]:
    from .wording import describe, marked

    if not history:
        return ["", "history: none"]
    lines = ["", f"history ({len(history)}):"]
    for event in reversed(history):
        at = str(event.at)  # as the records write it: 2025-08-13T09:30:00.000000Z
        when = f"{at[:10]} {at[11:16]}"
        on = f" (on {event.on})" if event.on else ""
        lines.append(f"  {when}{on}  {_one(event.by)}: {_one(describe(cast('Event', event)))}")
        for extra in (event.note, event.evidence):
            if extra:
                lines.append(f"      {_one(marked(extra, event.internal))}")
    return lines


# -- search ------------------------------------------------------------------------------------


def search_results(hits: Sequence[SearchHit | TargetHit], fmt: str) -> None:
    if fmt == "count":
        render.write(f"{len(hits)}\n")
    elif fmt == "ids":
        render.say("".join(f"{render.visible(hit.id)}\n" for hit in hits))
    elif fmt == "json":
        render.emit_json_array(_hit_data(hit) for hit in hits)
    elif fmt == "csv":
        render.write_csv(SEARCH_COLUMNS, (search_row(hit) for hit in hits))
    elif render.styled():
        from rich.text import Text

        out = render.console()
        for hit in hits:
            first = hit.matches[0]
            line = Text()
            line.append(f"{render.visible(hit.id)}: ", style="bold")
            line.append_text(_highlighted(first.line, first.spans))
            out.print(line)
    else:
        for hit in hits:
            first = hit.matches[0]
            render.say(f"{render.visible(hit.id)}: {render.snippet(first.line, first.spans, ('«', '»'))}\n")


def _hit_data(hit: SearchHit | TargetHit) -> dict[str, Any]:
    from .api import TargetHit

    if isinstance(hit, TargetHit):
        what, kind = "target", None
    else:
        what, kind = ("commitment", hit.found.kind) if hit.found else ("article", None)
    return {
        "id": hit.id,
        "record": what,
        "kind": kind,
        "article": hit.article_id,
        "status": hit.status,
        "title": hit.title,
        "matches": [{"field": m.field, "text": m.line, "spans": [list(span) for span in m.spans]} for m in hit.matches],
    }


# `search -f csv`: one row per record found; `fields` names every field that matched, `text` is
# the first one's text, as the text format shows it.
SEARCH_COLUMNS = [
    Column("id", "id"),
    Column("record", "record"),
    Column("kind", "kind"),
    Column("article", "article"),
    Column("status", "status"),
    Column("title", "title"),
    Column("fields", "fields"),
    Column("text", "text"),
]


def search_row(hit: SearchHit | TargetHit) -> dict[str, Any]:
    data = _hit_data(hit)
    matches = data.pop("matches")
    return {**data, "fields": [m["field"] for m in matches], "text": matches[0]["text"]}


def _highlighted(text: str, spans: Sequence[tuple[int, int]]) -> Any:
    from rich.text import Text

    marked = render.snippet(text, spans, ("\x00", "\x01"))
    out = Text()
    inside = False
    for part in marked.replace("\x01", "\x00").split("\x00"):
        out.append(part, style="bold reverse" if inside else None)
        inside = not inside
    return out


# -- validate ----------------------------------------------------------------------------------


def problems(found: Sequence[Problem], fmt: str) -> None:
    """`validate`'s problems on stdout: json objects, or `file:line: message` lines as on stderr."""
    if fmt == "json":
        render.emit_json([{"file": str(p.path), "line": p.line, "field": p.field, "message": p.message} for p in found])
    else:
        render.write("".join(render.one_line(str(p)) + "\n" for p in found))


# -- stats -------------------------------------------------------------------------------------


def stats_rows(
    statement: Statement, per_section: dict[int, dict[str, int]], by: str = "status"
) -> tuple[list[Column], list[dict[str, Any]]]:
    """Commitments per section, counted by status or by kind (what the text makes of them)."""
    values = [m.value for m in (Kind if by == "kind" else Status)]
    counts: dict[int, Counter[str]] = {s.number: Counter() for s in statement.sections}
    for section, counted in per_section.items():
        counts.setdefault(section, Counter()).update(counted)
    titles = {s.number: s.title for s in statement.sections}
    columns = [Column("section", "section"), Column("title", "title", wrap=True)]
    columns += [Column(v, v.replace("_", " "), justify="right") for v in values]
    columns.append(Column("total", "total", justify="right"))
    rows = []
    total: Counter[str] = Counter()
    for number, counter in sorted(counts.items()):
        total.update(counter)
        rows.append({"section": number, "title": titles.get(number, "?"), **_counts(counter, values)})
    rows.append({"section": "all", "title": "", **_counts(total, values)})
    return columns, rows


def _counts(counter: Counter[str], values: list[str]) -> dict[str, int]:
    return {**{v: counter[v] for v in values}, "total": sum(counter.values())}


# -- log ---------------------------------------------------------------------------------------

LOG_COLUMNS = [
    Column("at", "when (UTC)"),
    Column("on", "happened on"),
    Column("by", "who"),
    Column("id", "record"),
    Column("field", "what"),
    Column("party", "party"),
    Column("old", "from", wrap=True),
    Column("new", "to", wrap=True),
    Column("note", "note", wrap=True),
    Column("evidence", "evidence", wrap=True),
]


LOG_TABLE_COLUMNS = [
    Column("when", "when (UTC)"),
    Column("by", "who"),
    Column("id", "record"),
    Column("change", "change", wrap=True),
    Column("note", "note", wrap=True),
    Column("evidence", "evidence", wrap=True),
]


def log(events: Iterable[Event], fmt: str, public: bool = False) -> None:
    """The log, written row by row as the events come; a `public` one leaves out internal notes and
    officers' names, and says so: in the json, above the table, and for csv, which has no place for
    it, on stderr."""
    from .report import LEFT_OUT, PUBLIC_FIELDS, public_rows

    columns = LOG_TABLE_COLUMNS if fmt == "table" else LOG_COLUMNS
    rows: Iterable[dict[str, Any]] = map(log_row, events)
    if not public:
        render.emit_rows(columns, rows, fmt)
        return
    columns = [c for c in columns if c.key != "by"]
    rows = (public for row in rows for public in public_rows([row]))  # each row on its own
    if fmt == "json":
        render.emit_json({**PUBLIC_FIELDS, "events": [{c.key: row.get(c.key) for c in columns} for row in rows]})
        return
    if fmt == "csv":
        left_out_on_stderr()
    else:
        render.say(f"{LEFT_OUT}\n")
    render.emit_rows(columns, rows, fmt)


def left_out_on_stderr() -> None:
    """What public csv leaves out, said where a csv file has no place for it."""
    from .report import LEFT_OUT

    sys.stderr.write(f"{LEFT_OUT}\n")


def log_row(event: Event) -> dict[str, Any]:
    from .wording import describe, marked, what_changed

    what = what_changed(event)
    at = event.at.strftime("%Y-%m-%dT%H:%M:%SZ")
    day, _, time = at.partition("T")  # one strftime for both forms: a long log has many rows
    return {
        "at": at,
        "by": event.by,
        "id": event.id,
        "field": what,
        "what": what,  # as the report's rows name it (`public_rows`)
        "internal": bool(event.internal),
        "party": event.party,
        "old": event.old,
        "new": event.new,
        "note": marked(event.note, event.internal),
        "evidence": event.evidence,  # a link stays a link; its note says it is internal
        "on": event.on,
        "when": f"{day} {time[:5]}",
        "change": describe(event, with_id=False),
    }


# -- measure and progress ----------------------------------------------------------------------


def measured(change: Change, dry_run: bool) -> None:
    """Before the change itself: each figure converted from another currency, and with `dry_run`
    what would be recorded."""
    from .tracking import original_text
    from .wording import describe, show_value

    for event in change.events:
        if event.original is not None:
            converted = original_text(event.original, "unit of the target's currency")
            line = f"{event.id} {event.series} {event.period}: {show_value(event.new)} from {converted}"
            render.say(render.visible(line) + "\n")
        if dry_run:
            render.say(render.visible(f"would record {describe(event)} (source: {event.source})") + "\n")


PROGRESS_COLUMNS = [
    Column("target", "target"),
    Column("verdict", "verdict"),
    Column("series", "series"),
    Column("latest_text", "latest", justify="right"),
    Column("period", "period"),
    Column("goal_text", "goal", justify="right"),
    Column("percent", "% achieved", justify="right"),
    Column("on_path", "vs path", justify="right"),  # the level (or amount) the path to the goal asks for
    Column("deadline", "deadline"),
    Column("elapsed", "% time", justify="right"),
    Column("needed", "still needed", justify="right"),
    Column("projection_text", "projected", justify="right"),
]
# The narrowest the table can be: a cell of text with a bar or a sparkline under it is at least
# as wide as the longest word of its text.
PROGRESS_AT_LEAST = [c._replace(wrap=True) if c.key in ("percent", "series") else c for c in PROGRESS_COLUMNS]
# On a terminal too narrow for the table, one block per target: the answer first.
PROGRESS_BLOCK_COLUMNS = [
    Column("target", "target"),
    Column("verdict", "verdict"),
    Column("latest_text", "latest"),
    Column("period", "period"),
    Column("source", "source", wrap=True),
    Column("goal_text", "goal"),
    Column("deadline", "deadline"),
    Column("percent", "% achieved"),
    Column("on_path", "vs path"),
    Column("elapsed", "% time"),
    Column("needed", "still needed"),
    Column("projection_text", "projected"),
    Column("why", "reason", wrap=True),
    Column("series", "series"),
]

DEADLINE_COLUMNS = [
    Column("id", "id"),
    Column("due", "due"),
    Column("left", "time left", justify="right"),
    Column("status", "status"),
    Column("title", "title", wrap=True),
]


def progress_row(data: dict[str, Any], rich_cells: bool) -> dict[str, Any]:
    unit = data["unit"]
    needed = data["still_needed"]
    if needed is not None:
        needed = f"{needed} %/yr" if data["kind"] == "level" else f"{needed} {unit}/yr"
    on_path = None
    if data["on_path_percent"] is not None:
        on_path = f"{data['on_path_percent']} % of {data['on_path']}"
    row = {
        **data,
        "series": data["series"] or "-",
        "latest_text": f"{data['latest']} {unit}" if data["latest"] is not None else None,
        "goal_text": f"{data['goal']} {unit}",
        "percent": f"{data['percent']} %" if data["percent"] is not None else None,
        "on_path": on_path,
        "elapsed": f"{data['elapsed']} %",
        "needed": needed,
        "projection_text": f"{data['projection']} {unit}" if data["projection"] is not None else None,
    }
    if data["other_series"]:
        row["series"] = f"{row['series']} (also: {', '.join(data['other_series'])})"
    if rich_cells:
        from rich.console import Group
        from rich.progress_bar import ProgressBar
        from rich.text import Text

        share = float(min(data["percent"] or 0, 100))
        row["percent"] = Group(
            Text(row["percent"] or "-", justify="right"), ProgressBar(total=100, completed=share, width=12)
        )
        series = render.visible(row["series"])
        row["series"] = Group(Text(series), Text(render.sparkline([v["value"] for v in data["values"]])))
        row["verdict"] = Text(data["verdict"], style=VERDICT_STYLES.get(data["verdict"], ""))
    return row


VERDICT_STYLES = {"on track": "bold green", "at risk": "bold yellow", "off track": "bold red", "no data": "dim"}


def progress(overview: Overview, fmt: str) -> None:
    from .tracking import figures, party_fields

    data = [figures(p) for p in overview.targets]
    deadlines = [
        {
            "id": d.commitment.id,
            "title": d.commitment.title,
            "due": d.commitment.due,
            "days_left": d.days_left,
            "left": _time_left(d.days_left),
            "status": d.commitment.status,
            **party_fields(d.commitment),
        }
        for d in overview.deadlines
    ]
    if fmt == "json":
        render.emit_json({"today": overview.today, "targets": data, "upcoming": deadlines})
        return
    if fmt == "csv":  # one flat row a target; stages and months are in the json
        nested = ("values", "stages", "year_to_date", "original")
        render.emit_rows([Column(k, k) for k in data[0] if k not in nested] if data else [], data, "csv")
        return
    if fmt == "md":
        render.say(progress_markdown(overview, data, render.statuses_shown(deadlines)))
        return
    title = f"Progress toward the targets, {overview.today.isoformat()}"
    if not data:
        render.say(f"{title}: no target is recorded yet.\n")
    else:
        plain = [progress_row(d, rich_cells=False) for d in data]
        # Rows too wide for the terminal even before their bars and sparklines are measured are
        # shown as blocks, and rich is not loaded for them.
        rows = [progress_row(d, rich_cells=True) for d in data] if render.fits(PROGRESS_AT_LEAST, plain) else []
        if rows and render.fits(PROGRESS_COLUMNS, rows):
            render.table(PROGRESS_COLUMNS, rows, title)
            render.say("".join(progress_reason(d) + "\n" for d in data))
        else:
            render.blocks(PROGRESS_BLOCK_COLUMNS, plain, title)
        render.say("".join(_fitted(line) for d in data for line in progress_details(d)))
    if deadlines:
        render.say("\n")  # the deadlines are a part of their own, apart from the targets above
        render.emit_rows(DEADLINE_COLUMNS, render.statuses_shown(deadlines), "table", title="Upcoming deadlines")


def progress_reason(data: dict[str, Any]) -> str:
    """A target's verdict and why, with the figure it rests on (and that figure as published in
    another currency)."""
    return f"{data['target']}: {data['verdict']}: {_why(data)}"


def _why(data: dict[str, Any]) -> str:
    """The reason, and the measurement the verdict rests on."""
    why = str(data["why"])
    if data["latest"] is None:
        return why
    converted = f"; {data['original']['text']}" if data["original"] else ""
    return f"{why} (latest: {data['when']}, {data['source']}{converted})"


def progress_details(data: dict[str, Any]) -> list[str]:
    """Under the verdicts: a fund's stages, each on its own line against the ceiling, and a yearly
    target's months of the year still running, with the full year they project."""
    unit = data["unit"]
    lines = []
    if data["stages"] and all(stage["latest"] is None for stage in data["stages"]):
        names = ", ".join(stage["stage"] for stage in data["stages"])
        lines.append(f"{data['target']}: no data at any stage ({names}); the verdict rests on {data['stage']}")
    elif data["stages"]:
        lines.append(f"{data['target']} by stage, against the ceiling of {data['goal']} {unit}:")
        for stage in data["stages"]:
            name = stage["stage"]
            if stage["latest"] is None:
                line = f"{name}: no data"
            else:
                line = f"{name}: {stage['latest']} {unit} ({stage['percent']} % of the ceiling), "
                line += f"{name} {stage['when']}; {stage['source']}"
                line += f"; {stage['original']['text']}" if stage["original"] else ""
            lines.append(f"  {line}{' (the verdict rests on it)' if stage['verdict_rests_on_it'] else ''}")
    ytd = data["year_to_date"]
    if ytd:
        line = f"{data['target']}: {ytd['year']} to date ({ytd['through_text']}): {ytd['value']} {unit}"
        if ytd["same_months_before"] is not None:
            line += f"; the same months of {ytd['year'] - 1}: {ytd['same_months_before']} {unit}"
        lines.append(line)
        lines.append(
            f"  projected for {ytd['year']} (a projection, not a figure): {ytd['projection']} {unit}, "
            f"by {ytd['method']}"
        )
        if ytd["year_before"] is not None:
            lines.append(f"  last complete year, {ytd['year_before_period']}: {ytd['year_before']} {unit}")
        if ytd["unmeasured_text"]:
            lines.append(f"  {ytd['unmeasured_text']}")
    return lines


def progress_markdown(overview: Overview, data: list[dict[str, Any]], deadlines: list[dict[str, Any]]) -> str:
    parts = [f"## Progress toward the targets, {overview.today.isoformat()}\n\n"]
    parts.append(render.markdown_table(PROGRESS_COLUMNS, [progress_row(d, rich_cells=False) for d in data]))
    parts.append("\n" + "".join(f"- {render.markdown_escape(progress_reason(d))}\n" for d in data))
    details = [line for d in data for line in progress_details(d)]
    if details:
        parts.append("\n" + "".join(_markdown_item(line) for line in details))
    for d in data:
        if d["other_series"]:
            parts.append(
                f"\n{d['target']}: shown in the {d['series']} series; also measured: {', '.join(d['other_series'])}.\n"
            )
    if deadlines:
        parts += ["\n### Upcoming deadlines\n\n", render.markdown_table(DEADLINE_COLUMNS, deadlines)]
    return "".join(parts)


def _fitted(line: str) -> str:
    """A line of `progress_details` wrapped to the terminal, its continuation indented under it."""
    import textwrap

    indent = " " * (len(line) - len(line.lstrip()) + 2)
    return textwrap.fill(render.visible(line), width=render.width(), subsequent_indent=indent) + "\n"


def _markdown_item(line: str) -> str:
    """A line of `progress_details` as a list item, its indent kept: a stage under its fund."""
    text = line.lstrip()
    return f"{line[: len(line) - len(text)]}- {render.markdown_escape(text)}\n"


def _time_left(days: int) -> str:
    if days < 0:
        return f"{-days} d overdue"
    years, rest = divmod(days, 365)
    return f"{years} y {rest // 30} m" if years else f"{rest // 30} m {rest % 30} d" if rest >= 30 else f"{days} d"
