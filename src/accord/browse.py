"""`accord browse`: the commitments in a terminal browser, built on accord's Python API.

Every change goes through `Tracker` (set_status, note, edit, undo): the same locked, logged and
committed write as the command line. Record text reaches the screen only as plain `Text`, with
control characters and bidi overrides made visible, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Checkbox, DataTable, Footer, Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from .api import UNSET, Tracker
from .errors import AccordError
from .model import BOTH_SIDES, Article, Commitment, Event, Status, Target, statuses_text
from .query import Filters, is_overdue
from .render import one_line, visible
from .tracking import figures
from .views import progress_details, progress_reason, progress_row
from .wording import describe

if TYPE_CHECKING:
    from .api import Shown, Unset
    from .changes import Change
    from .query import AnyCommitment


# -- record text on screen ---------------------------------------------------------------------

# C0 and C1 controls (but newline and tab), DEL, and the bidi marks that reorder what follows.


def plain(value: object, style: str = "", *, one_line: bool = True) -> Text:
    """A value from the records as literal text: `[bold]` stays `[bold]`."""
    if value is None or value == []:
        return Text("-", style="dim")
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return Text(visible(str(value), newlines=not one_line), style=style)


STATUS_STYLES = {
    Status.COMPLETED: "green",
    Status.IN_PROGRESS: "cyan",
    Status.ONGOING: "magenta",
    Status.STALLED: "yellow",
    Status.DROPPED: "dim",
}

VERDICT_STYLES = {"on track": "bold green", "at risk": "bold yellow", "off track": "bold red", "no data": "dim"}


def status_text(status: Status) -> Text:
    return Text(status.value, style=STATUS_STYLES.get(status, ""))


def record_status_text(item: Article | AnyCommitment) -> Text:
    """The status, and each party's where they differ."""
    text = status_text(Status(item.status))
    parties = None if isinstance(item, Article) else item.differing_parties()
    return text if parties is None else Text.assemble(text, (f" ({statuses_text(parties)})", "dim"))


def one_line_error(exc: AccordError) -> str:
    return one_line(str(exc))


# -- the list and the detail pane ----------------------------------------------------------------


def _fields(pairs: list[tuple[str, Text]]) -> Text:
    return Text("\n").join(Text.assemble((f"{label:<9}", "bold"), value) for label, value in pairs)


def _event_text(event: Event) -> Text:
    head = Text.assemble(
        (event.at.strftime("%Y-%m-%d %H:%M"), "dim"),
        "  ",
        plain(event.by, "italic"),
        "  ",
        plain(describe(event)),
    )
    if event.on is not None:
        head.append(f"  (happened on {event.on.isoformat()})", style="dim")
    lines = [head]
    if event.note:
        lines.append(Text.assemble("    ", plain(event.note, one_line=False)))
    if event.evidence:
        lines.append(Text.assemble("    evidence: ", plain(event.evidence, "underline")))
    return Text("\n").join(lines)


def detail_text(shown: Shown, today: date, section_titles: dict[int, str]) -> Text:
    """What the detail pane shows of an article or a commitment: fields, targets, excerpt, history, article."""
    item = shown.item
    assert not isinstance(item, Target)  # the list holds articles and commitments
    label = "" if isinstance(item, Commitment) else "Article "
    parts = [Text.assemble((f"{label}{item.id}  ", "bold"), plain(item.title, "bold"))]
    due = plain(item.due.isoformat() if item.due else None, "bold red" if is_overdue(item, today) else "")
    pairs = [("status", record_status_text(item))]
    if isinstance(item, Commitment):
        pairs.append(("side", plain(item.side)))
    pairs += [("owner", plain(item.owner)), ("due", due), ("tags", plain(list(item.tags)))]
    if isinstance(item, Commitment):
        pairs.append(("targets", plain([f"{t.id} ({t.title})" for t in shown.measured_by])))
    parts.append(_fields(pairs))
    if isinstance(item, Commitment):
        parts.append(Text.assemble(("Excerpt\n", "bold underline"), plain(item.excerpt, one_line=False)))
    history = [_event_text(e) for e in reversed(shown.events)]
    parts.append(Text.assemble(("History", "bold underline"), " (newest first)" if history else ": none yet"))
    if history:
        parts.append(Text("\n").join(history))
    article = shown.article
    if article is not None:
        section = section_titles.get(article.section, "?")
        parts.append(
            Text.assemble(
                (f"Article {article.id}  ", "bold underline"),
                plain(article.title, "bold underline"),
                "\n",
                plain(f"section {article.section}. {section}", "dim"),
            )
        )
        text = plain(article.text, one_line=False)
        if isinstance(item, Commitment):
            text.highlight_words([visible(item.excerpt, newlines=True)], style="reverse")
        parts.append(text)
    return Text("\n\n").join(parts)


def _describe_filters(filters: Filters, query: str) -> str:
    words = []
    if filters.statuses:
        words.append("status " + ", ".join(sorted(s.value for s in filters.statuses)))
    if filters.sections:
        words.append("section " + ", ".join(str(n) for n in sorted(filters.sections)))
    if filters.sides:
        words.append("side " + ", ".join(sorted(filters.sides)))
    if filters.owner:
        words.append(f"owner {filters.owner}")
    if filters.tags:
        words.append("tag " + ", ".join(sorted(filters.tags)))
    if filters.overdue:
        words.append("overdue")
    if query:
        words.append(f"matching {query!r}")
    return "; ".join(words)


# Rows added before the first screen is drawn; the rest follow at once, after it.
FIRST_ROWS = 200


class RecordTable(DataTable[Text]):
    """The list: id, status, side, due and a title cut to the width that is left."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.records: list[Article | Commitment] = []
        self.today = date.min
        self.fitted_to = 0
        self.filling = 0  # counts lists shown, so that the rest of an old one is not added

    def show(self, records: list[Article | Commitment], today: date) -> None:
        """Show these records, keeping the cursor on the one it was on if it is still there."""
        self.records, self.today = records, today
        if not self.size.width:
            return  # not laid out yet: filled once its width is known
        selected = self.selected_id()
        self.clear(columns=True)
        fixed = {
            "id": [r.id for r in records],
            "status": [s.value for s in Status] + [r.status_text() for r in records if isinstance(r, Commitment)],
            "side": [r.side for r in records if isinstance(r, Commitment)],
            "due": [date.max.isoformat()],
        }
        widths = {label: max(len(v) for v in [label, *values]) for label, values in fixed.items()}
        self.fitted_to = self.size.width
        padding = 2 * self.cell_padding * (len(widths) + 1) + self.styles.scrollbar_size_vertical
        widths["title"] = max(self.fitted_to - sum(widths.values()) - padding, 10)
        for label, width in widths.items():
            self.add_column(label, width=width, key=label)
        self.filling += 1
        self.add_records(records[:FIRST_ROWS], selected)
        if len(records) > FIRST_ROWS:  # the rest once the first screen is drawn
            self.call_after_refresh(self.add_rest, self.filling, records[FIRST_ROWS:], selected)

    def add_rest(self, filling: int, records: list[Article | Commitment], selected: str | None) -> None:
        if filling == self.filling:  # not replaced by a newer list meanwhile
            self.add_records(records, selected if self.cursor_row == 0 else None)

    def add_records(self, records: list[Article | Commitment], selected: str | None) -> None:
        """Add rows; put the cursor on `selected` if it is among them."""
        for item in records:
            due = item.due.isoformat() if item.due else None
            title = plain(item.title)
            title.no_wrap, title.overflow = True, "ellipsis"
            self.add_row(
                plain(item.id),
                record_status_text(item),
                plain(item.side if isinstance(item, Commitment) else None),
                plain(due, "bold red" if is_overdue(item, self.today) else ""),
                title,
                key=item.id,
            )
        if selected is not None and any(r.id == selected for r in records):
            self.move_cursor(row=self.get_row_index(selected))

    def selected_id(self) -> str | None:
        if not self.row_count:
            return None
        return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)

    def on_resize(self) -> None:
        if self.size.width != self.fitted_to:
            self.show(self.records, self.today)


def browser_of(screen: Screen[Any]) -> Browser:
    assert isinstance(screen.app, Browser)
    return screen.app


# -- dialogs -----------------------------------------------------------------------------------


class Dialog(ModalScreen[bool]):
    """A form over the browser: enter saves through the API, escape leaves everything as it was.

    The dialog closes only when the change was made; when the API refuses it, the refusal is shown
    in one line and what was typed stays, to be corrected or cancelled. While the change is being
    written (another writer may hold the records' lock) the screen goes on answering keys."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
        Binding("tab", "app.focus_next", "Next field"),
    ]

    def __init__(self, title: Text) -> None:
        super().__init__()
        self.heading = title

    @property
    def browser(self) -> Browser:
        return browser_of(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.heading, classes="heading")
            yield from self.fields()
            yield Static(HINT, classes="hint", id="hint")
        yield Footer()

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def make_change(self) -> Callable[[], Change]:
        """The change as typed, to be made away from the screen; raises what the API refuses of it."""
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_save(self) -> None:
        try:
            change = self.make_change()
        except AccordError as exc:
            self.browser.fail(exc)
            return
        if self.browser.attempt(change, self.saved):
            self.query_one("#hint", Static).update(Text("saving...", style="dim"))

    def saved(self, made: bool) -> None:
        if self is not self.app.screen:
            return  # left with escape while the change was being made: it was made or refused all the same
        if made:
            self.dismiss(True)
        else:
            self.query_one("#hint", Static).update(HINT)

    def on_input_submitted(self) -> None:
        self.action_save()

    def text_of(self, widget_id: str) -> str | None:
        value = self.query_one(f"#{widget_id}", Input).value
        return value if value.strip() else None


HINT = Text("enter: save   esc: cancel", style="dim")


class StatusDialog(Dialog):
    """The status, and for a commitment both sides carry, whose: every party's (the default) or one's."""

    def __init__(self, item: Article | Commitment, title: Text, sides: list[str]) -> None:
        super().__init__(Text.assemble(f"Status of {item.id}  ", title))
        self.record_id = item.id
        self.current = item.status
        self.parties: dict[str, Status] = {}
        if isinstance(item, Commitment) and item.side == BOTH_SIDES:
            self.parties = dict(item.parties or dict.fromkeys(sides, item.status))

    def fields(self) -> ComposeResult:
        options = [
            Option(Text.assemble(status_text(s), " (now)" if s == self.current else ""), id=s.value) for s in Status
        ]
        statuses = OptionList(*options, id="status")
        statuses.highlighted = list(Status).index(self.current)
        if not self.parties:
            yield statuses
        else:
            with Horizontal(classes="choices"):
                yield statuses
                each = [Option(plain(f"{p} (now {s.value})"), id=p) for p, s in self.parties.items()]
                parties = OptionList(Option(Text("every party"), id=""), *each, id="party")
                parties.border_title = "whose"
                parties.highlighted = 0
                yield parties
        yield Input(placeholder="note: why, in a sentence (optional)", id="note")
        yield Input(placeholder="evidence: a link that shows it (optional)", id="evidence")

    def on_option_list_option_selected(self) -> None:
        self.action_save()

    def make_change(self) -> Callable[[], Change]:
        index = self.query_one("#status", OptionList).highlighted
        status = list(Status)[index if index is not None else list(Status).index(self.current)]
        party = None
        if self.parties:
            chosen = self.query_one("#party", OptionList).highlighted
            party = list(self.parties)[chosen - 1] if chosen else None  # 0: every party
        tracker, record_id = self.browser.tracker, self.record_id
        note, evidence = self.text_of("note"), self.text_of("evidence")
        return lambda: tracker.set_status(record_id, status, note=note, evidence=evidence, party=party)


class NoteDialog(Dialog):
    def __init__(self, record_id: str, title: Text) -> None:
        super().__init__(Text.assemble(f"Note on {record_id}  ", title))
        self.record_id = record_id

    def fields(self) -> ComposeResult:
        yield Input(placeholder="note: what happened", id="note")
        yield Input(placeholder="evidence: a link that shows it (optional)", id="evidence")

    def make_change(self) -> Callable[[], Change]:
        tracker, record_id = self.browser.tracker, self.record_id
        text, evidence = self.query_one("#note", Input).value, self.text_of("evidence")
        return lambda: tracker.note(record_id, text, evidence=evidence)


def typed_tags(typed: str) -> list[str]:
    """Tags as typed, separated by spaces or commas, in the records' form: `Trade` is `trade`."""
    from .inputs import tag

    return [tag(t) for t in typed.replace(",", " ").split()]


def _changed_text(old: str | None, typed: str) -> str | Unset | None:
    """What `edit` is asked to do with a text field: leave it (UNSET), clear it (None) or set it."""
    new = typed.strip() or None
    return UNSET if new == old else new


class EditDialog(Dialog):
    def __init__(self, record_id: str, item: Article | Commitment) -> None:
        super().__init__(Text.assemble(f"Edit {record_id}  ", plain(item.title)))
        self.record_id = record_id
        self.item = item

    def fields(self) -> ComposeResult:
        yield Input(self.item.owner or "", placeholder="owner: who follows it up (empty: nobody)", id="owner")
        yield Input(
            self.item.due.isoformat() if self.item.due else "", placeholder="due: YYYY-MM-DD (empty: none)", id="due"
        )
        yield Input(" ".join(self.item.tags), placeholder="tags, separated by spaces", id="tags")
        yield Input(placeholder="note: why (optional)", id="note")

    def make_change(self) -> Callable[[], Change]:
        from .inputs import iso_date

        item = self.item
        owner = _changed_text(item.owner, self.query_one("#owner", Input).value)
        due_text = _changed_text(item.due.isoformat() if item.due else None, self.query_one("#due", Input).value)
        due = iso_date(due_text, "due") if isinstance(due_text, str) else due_text
        tags = typed_tags(self.query_one("#tags", Input).value)
        tracker, record_id, note = self.browser.tracker, self.record_id, self.text_of("note")
        return lambda: tracker.edit(
            record_id,
            owner=owner,
            due=due,
            add_tags=[t for t in tags if t not in item.tags],
            remove_tags=[t for t in item.tags if t not in tags],
            note=note,
        )


class FilterDialog(ModalScreen[Filters | None]):
    """The filters of `accord list`: status, section, side, owner, tag, overdue."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "apply", "Apply"),
        Binding("ctrl+r", "reset", "Clear all"),
        Binding("tab", "app.focus_next", "Next field"),
    ]

    def __init__(self, filters: Filters, sections: dict[int, str], sides: list[str]) -> None:
        super().__init__()
        self.filters = filters
        self.sections = sections
        self.sides = sides

    def compose(self) -> ComposeResult:
        f = self.filters
        with Vertical(classes="dialog"):
            yield Static(
                Text.assemble(("Filter the commitments", "bold"), ("   space: pick   enter: apply", "dim")),
                classes="heading",
            )
            with Horizontal():
                with Vertical():
                    yield self._choices("status", [(status_text(s), s.value, s in f.statuses) for s in Status])
                    yield self._choices("side", [(plain(s), s, s in f.sides) for s in self.sides])
                with Vertical():
                    yield self._choices(
                        "section",
                        [(plain(f"{n}. {t}"), str(n), n in f.sections) for n, t in self.sections.items()],
                    )
                    yield Input(f.owner or "", placeholder="owner", id="owner")
                    yield Input(" ".join(sorted(f.tags)), placeholder="tags (all must match)", id="tags")
                    yield Checkbox("overdue only", f.overdue, id="overdue")
        yield Footer()

    @staticmethod
    def _choices(name: str, choices: list[tuple[Text, str, bool]]) -> SelectionList[str]:
        widget: SelectionList[str] = SelectionList(*(Selection(p, v, on) for p, v, on in choices), id=name)
        widget.border_title = name
        return widget

    def _picked(self, name: str) -> list[str]:
        return list(self.query_one(f"#{name}", SelectionList).selected)

    def action_apply(self) -> None:
        try:
            tags = frozenset(typed_tags(self.query_one("#tags", Input).value))
        except AccordError as exc:
            browser_of(self).fail(exc)
            return
        owner = self.query_one("#owner", Input).value.strip()
        self.dismiss(
            Filters(
                statuses=frozenset(Status(s) for s in self._picked("status")),
                sections=frozenset(int(n) for n in self._picked("section")),
                sides=frozenset(self._picked("side")),
                owner=owner or None,
                tags=tags,
                overdue=self.query_one("#overdue", Checkbox).value,
            )
        )

    def action_reset(self) -> None:
        self.dismiss(Filters())

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self) -> None:
        self.action_apply()


# -- progress ----------------------------------------------------------------------------------


class ProgressScreen(Screen[None]):
    """The targets, verdict first: latest value, goal, percent, still needed, projection; under them,
    the target under the cursor as `accord progress` words it: why, by stage, the year to date."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,p", "app.pop_screen", "Back")]

    def __init__(self, tracker: Tracker) -> None:
        super().__init__()
        self.tracker = tracker
        self.details: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="progress-title", classes="bar")
        yield DataTable(id="targets", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="target-detail"):
            yield Static(id="target-detail-text")
        yield Static(Text("Upcoming deadlines", style="bold"), classes="subtitle")
        yield DataTable(id="deadlines", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        try:
            overview = self.tracker.progress()
        except AccordError as exc:
            browser_of(self).fail(exc)
            return
        self.query_one("#progress-title", Static).update(
            Text(f" Progress toward the targets, {overview.today.isoformat()}", style="bold")
        )
        targets = self.query_one("#targets", DataTable)
        targets.add_columns("verdict", "target", "latest", "goal", "% done", "needed", "projected", "deadline")
        for data in (figures(p) for p in overview.targets):
            self.details[data["target"]] = "\n".join([progress_reason(data), *progress_details(data)])
            row = progress_row(data, rich_cells=False)
            targets.add_row(
                Text(row["verdict"], style=VERDICT_STYLES.get(row["verdict"], "")),
                plain(row["target"]),
                plain(f"{row['latest']} ({row['period']})" if row["latest"] is not None else None),
                plain(row["goal"]),
                plain(row["percent"]),
                plain(row["needed"]),
                plain(row["projection"]),
                plain(row["deadline"].isoformat()),
                key=row["target"],
            )
        deadlines = self.query_one("#deadlines", DataTable)
        deadlines.add_columns("due", "days", "id", "status", "title")
        for d in overview.deadlines:
            due = d.commitment.due
            assert due is not None
            deadlines.add_row(
                Text(due.isoformat(), style="red" if d.days_left < 0 else ""),
                Text(str(d.days_left), justify="right"),
                plain(d.commitment.id),
                record_status_text(d.commitment),
                plain(d.commitment.title),
            )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "targets" and event.row_key.value is not None:
            text = plain(self.details[event.row_key.value], one_line=False)
            self.query_one("#target-detail-text", Static).update(text)
            self.query_one("#target-detail", VerticalScroll).scroll_home(animate=False)


# -- the browser -------------------------------------------------------------------------------

WRITE_ACTIONS = frozenset({"set_status", "note", "edit", "undo"})

# Typing searches once the typist pauses this long (seconds): each search reads every record.
SEARCH_PAUSE = 0.25


class Commitments(Screen[None]):
    """The commitments, filtered and searched, with the detail of the one under the cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search"),
        Binding("f", "filters", "Filter"),
        Binding("s", "set_status", "Status"),
        Binding("n", "note", "Note"),
        Binding("e", "edit", "Edit"),
        Binding("u", "undo", "Undo"),
        Binding("p", "progress", "Progress"),
        Binding("escape", "leave_search", show=False),
    ]

    def __init__(self, tracker: Tracker, *, read_only: bool) -> None:
        super().__init__()
        self.tracker = tracker
        self.read_only = read_only
        self.filters = Filters()
        self.query_text = ""
        self.pending_search: Timer | None = None
        self.reported: list[str] = []  # the unreadable record files already shown
        self.items: dict[str, Article | Commitment] = {}
        statement = tracker.statement
        self.section_titles = {s.number: s.title for s in statement.sections}
        self.sides = [BOTH_SIDES, *statement.sides]

    @property
    def browser(self) -> Browser:
        return browser_of(self)

    # -- layout and data

    def compose(self) -> ComposeResult:
        with Horizontal(classes="bar"):
            yield Static(Text.assemble(" accord  ", plain(self.tracker.statement.title)), id="heading")
            if self.read_only:
                yield Static(Text("read-only"), id="mode")
        yield Input(placeholder="/ to search the commitments' text", id="search")
        yield Static(id="summary")
        with Vertical(id="main"):
            yield RecordTable(id="list", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="detail"):
                yield Static(id="detail-text")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#list", RecordTable).focus()

    def reload(self) -> None:
        """Read the records again through the API, keeping the cursor on the same record."""
        try:
            if self.query_text.strip():
                hits = self.tracker.search(self.query_text, filters=self.filters)
                items = [h.commitment if h.commitment is not None else h.article for h in hits]
            else:
                items = [r.commitment for r in self.tracker.commitments(self.filters)]
        except AccordError as exc:
            self.browser.fail(exc)
            return
        self.report_skipped()
        self.items = {item.id: item for item in items}
        kind = "record" if self.query_text.strip() else "commitment"
        count = f"{len(self.items)} {kind}{'' if len(self.items) == 1 else 's'}"
        described = _describe_filters(self.filters, self.query_text.strip())
        self.query_one("#summary", Static).update(plain(f"{count}; {described}" if described else count))
        self.query_one("#list", RecordTable).show(list(self.items.values()), self.tracker.today)
        self.show_detail()

    def selected_id(self) -> str | None:
        return self.query_one("#list", RecordTable).selected_id()

    def report_skipped(self) -> None:
        """Say once which record files the latest read left out, because they do not load."""
        root = self.tracker.root.parent
        problems = [
            str(p._replace(path=p.path.relative_to(root) if p.path.is_relative_to(root) else p.path))
            for p in self.tracker.skipped
        ]
        if problems and problems != self.reported:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            message = one_line(f"left out, it does not load: {problems[0]}{more}")
            self.notify(message, severity="warning", timeout=30, markup=False)
        self.reported = problems

    def show_detail(self) -> None:
        pane = self.query_one("#detail-text", Static)
        record_id = self.selected_id()
        if record_id is None:
            pane.update(Text("Nothing matches: change the search (/) or the filters (f).", style="dim"))
            return
        try:
            shown = self.tracker.show(record_id)
        except AccordError as exc:
            pane.update(plain(one_line_error(exc), "red"))
            return
        pane.update(detail_text(shown, self.tracker.today, self.section_titles))
        self.query_one("#detail", VerticalScroll).scroll_home(animate=False)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "list":
            self.show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "list":
            self.query_one("#detail", VerticalScroll).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            self.query_text = event.value
            if self.pending_search is not None:
                self.pending_search.stop()
            self.pending_search = self.set_timer(SEARCH_PAUSE, self.reload)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            if self.pending_search is not None:
                self.pending_search.stop()
            self.reload()
            self.query_one("#list", DataTable).focus()

    # -- changes

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """In read-only mode the write keys are neither shown nor active."""
        return not (self.read_only and action in WRITE_ACTIONS)

    def _current(self) -> Article | Commitment | None:
        record_id = self.selected_id()
        if record_id is None:
            self.notify("Nothing is selected.", severity="warning")
            return None
        return self.items[record_id]

    def action_set_status(self) -> None:
        item = self._current()
        if item is not None:
            self.app.push_screen(StatusDialog(item, plain(item.title), self.tracker.statement.sides))

    def action_note(self) -> None:
        item = self._current()
        if item is not None:
            self.app.push_screen(NoteDialog(item.id, plain(item.title)))

    def action_edit(self) -> None:
        item = self._current()
        if item is not None:
            self.app.push_screen(EditDialog(item.id, item))

    def action_undo(self) -> None:
        self.browser.attempt(self.tracker.undo)

    # -- moving around

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_leave_search(self) -> None:
        search = self.query_one("#search", Input)
        if search.has_focus and search.value:
            search.value = ""
        self.query_one("#list", DataTable).focus()

    def action_filters(self) -> None:
        def chosen(filters: Filters | None) -> None:
            if filters is not None:
                self.filters = filters
                self.reload()

        self.app.push_screen(FilterDialog(self.filters, self.section_titles, self.sides), chosen)

    def action_progress(self) -> None:
        self.app.push_screen(ProgressScreen(self.tracker))


class Browser(App[None]):
    """`accord browse`: the commitments screen first; every change through the tracker."""

    TITLE = "accord"
    ENABLE_COMMAND_PALETTE = False
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012 (Textual's own class variable)
    CSS = """
    .bar { height: 1; background: $primary; color: $foreground; }
    #heading { width: 1fr; }
    #mode { width: auto; background: $error; color: $foreground; padding: 0 1; }
    #search { height: 1; border: none; padding: 0 1; background: $surface; }
    #search:focus { background: $boost; }
    #summary { height: 1; color: $text-muted; padding: 0 1; }
    #main { height: 1fr; }
    #list { height: 1fr; }
    #detail { height: 1fr; border-top: solid $primary; padding: 0 1; }
    Screen.-wide #main { layout: horizontal; }
    Screen.-wide #list { width: 3fr; height: 1fr; }
    Screen.-wide #detail { width: 2fr; border-top: none; border-left: solid $primary; }
    .subtitle { height: 1; padding: 0 1; margin-top: 1; }
    ProgressScreen #targets { height: auto; max-height: 40%; }
    ProgressScreen #target-detail { height: auto; max-height: 40%; border-top: solid $primary; padding: 0 1; }
    ProgressScreen #deadlines { height: 1fr; }
    ModalScreen { align: center middle; }
    .dialog { width: 76; height: auto; max-height: 22; border: round $primary; background: $panel; padding: 0 1; }
    .dialog .heading { height: auto; max-height: 2; margin-bottom: 1; }
    .dialog .hint { height: 1; margin-top: 1; }
    .dialog OptionList { height: auto; max-height: 8; }
    .dialog SelectionList { height: auto; max-height: 8; }
    StatusDialog .choices { height: auto; }
    StatusDialog #party { width: 32; }
    FilterDialog .dialog Horizontal { height: auto; }
    FilterDialog .dialog Vertical { height: auto; width: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit")]

    def __init__(self, tracker: Tracker, *, read_only: bool = False) -> None:
        super().__init__()
        self.tracker = tracker
        self.main = Commitments(tracker, read_only=read_only or not tracker.writable)
        self.writing = False  # a change is being made in a worker thread

    def get_default_screen(self) -> Screen[None]:
        return self.main

    def fail(self, exc: AccordError) -> None:
        self.notify(one_line_error(exc), title="not done", severity="error", markup=False)

    def attempt(self, change: Callable[[], Change], then: Callable[[bool], object] | None = None) -> bool:
        """Make one change through the API in a worker thread, so that the screen answers keys while
        the change waits for the records' lock; then say how it went (a refusal in one line) and
        call `then` with whether it was made. False when another change is still being made."""
        if self.writing:
            self.notify("The last change is still being saved.", severity="warning")
            return False
        self.writing = True
        self.run_worker(partial(self._write, change, then), name="write", group="write", thread=True)
        return True

    def _write(self, change: Callable[[], Change], then: Callable[[bool], object] | None) -> None:
        """In the worker's thread: the change; what came of it goes back to the screen's thread."""
        try:
            outcome: Change | AccordError = change()
        except AccordError as exc:
            outcome = exc
        self.call_from_thread(self._written, outcome, then)

    def _written(self, outcome: Change | AccordError, then: Callable[[bool], object] | None) -> None:
        self.writing = False
        if isinstance(outcome, AccordError):
            self.fail(outcome)
        else:
            said = "; ".join(describe(e) for e in outcome.events) or f"{outcome.record_id}: nothing changed"
            self.notify(one_line(said + (" (committed)" if outcome.committed else "")), markup=False)
            self.main.reload()
        if then is not None:
            then(not isinstance(outcome, AccordError))
