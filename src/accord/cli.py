"""The command line: parse arguments, call the core, render. Nothing else lives here.

Heavy modules (pydantic models, rich, yaml) are imported inside the commands that need them,
so that `accord --help` and a mistyped option answer at once.
"""

import io
import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NoReturn

import typer
from typer.core import TyperGroup

from . import render
from .errors import (
    EXIT_BROKEN_PIPE,
    EXIT_BUG,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_NOTHING,
    EXIT_OK,
    AccordError,
    UsageError,
)

if TYPE_CHECKING:
    from datetime import date

    from .api import Tracker
    from .changes import Change
    from .importer import ImportSummary


class _Group(TyperGroup):
    """The one place where exceptions become a message and an exit code: one line on stderr,
    escaped and cut short, never a traceback unless ACCORD_DEBUG asks for it."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except AccordError as exc:
            _error(str(exc), _option_hint(exc))
            raise typer.Exit(exc.exit_code) from None
        except BrokenPipeError:
            _drop_output()
            raise typer.Exit(EXIT_BROKEN_PIPE) from None

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        run = {"args": args, "prog_name": prog_name, "complete_var": complete_var, **extra}
        if not standalone_mode:
            return super().main(**run, standalone_mode=False, windows_expand_args=windows_expand_args)
        try:
            code = super().main(**run, standalone_mode=False, windows_expand_args=windows_expand_args)
        except KeyboardInterrupt:
            code = EXIT_INTERRUPTED
        except typer.Abort:
            _error("aborted")
            code = EXIT_ERROR
        except typer.TyperException as exc:  # the parser's own: bad option, missing argument
            code = _usage_error(exc)
        except Exception as exc:
            code = _bug(exc)
        code = code if isinstance(code, int) else EXIT_OK
        if code == EXIT_INTERRUPTED:
            sys.stderr.write("accord: interrupted\n")
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _drop_output()
            code = EXIT_BROKEN_PIPE
        sys.exit(code)


def _error(message: str, hint: str = "") -> None:
    sys.stderr.write(f"accord: {render.one_line(message)}{hint}\n")


def _option_hint(exc: AccordError) -> str:
    """The option that gets round a refusal; the core's messages name no option."""
    from .errors import DoubtfulFigure
    from .vcs import AuthorRefused, CommitRefused, GitUnusable

    if isinstance(exc, DoubtfulFigure):
        return " (--force)"
    if isinstance(exc, AuthorRefused):
        return "; --by gives another name"
    if isinstance(exc, CommitRefused | GitUnusable):
        return "; --no-commit writes the change without a commit"
    return ""


def _usage_error(exc: typer.TyperException) -> int:
    message = exc.format_message()
    ctx = getattr(exc, "ctx", None)
    if ctx is None:
        _error(message)
    elif message == ctx.get_help():  # `accord` alone shows the help
        sys.stderr.write(message + "\n")
    else:
        command = " ".join(["accord", *ctx.command_path.split()[1:]])
        _error(message, f" (see '{command} {ctx.help_option_names[0]}')")
    return EXIT_ERROR


def _bug(exc: Exception) -> int:
    if os.environ.get("ACCORD_DEBUG", "0") not in ("", "0"):
        traceback.print_exception(exc)
    _error(
        f"internal error: {type(exc).__name__}: {exc}",
        "; rerun with ACCORD_DEBUG=1 for the traceback",
    )
    return EXIT_BUG


def _drop_output() -> None:
    """The reader closed the pipe: what is still buffered goes to /dev/null, as the Python docs advise,
    so that nothing complains at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file: output captured in memory
        pass


ListFormat = Literal["table", "json", "csv", "ids"]
StatsBy = Literal["status", "kind"]
TableFormat = Literal["table", "json", "csv"]
ProgressFormat = Literal["table", "json", "csv", "md"]
ShowFormat = Literal["text", "json", "yaml"]
SearchFormat = Literal["text", "json"]
ReportFormat = Literal["md", "html", "json"]


app = typer.Typer(
    cls=_Group,
    help="Track the commitments of a joint statement, kept as YAML records in git.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(wanted: bool) -> None:
    if wanted:
        from . import __version__

        sys.stdout.write(f"accord {__version__}\n")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", help="Print the version and exit.", callback=_print_version, is_eager=True),
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option("--no-cache", help="Read every record file; neither use nor update the index in .accord-cache/."),
    ] = False,
) -> None:
    """Options that come before the command."""
    global _indexed
    _indexed = not no_cache


_indexed = True  # whether reads go through the records' index (the --no-cache option)


DirOption = Annotated[
    Path | None,
    typer.Option(
        "--dir",
        metavar="DIR",
        help="The records folder. Default: $ACCORD_DIR, else the nearest statement/ upward.",
        show_default=False,
        file_okay=False,
    ),
]
StatusFilter = Annotated[
    list[str] | None, typer.Option("--status", metavar="STATUS", help="Keep these statuses (repeatable).")
]
SectionFilter = Annotated[
    list[int] | None, typer.Option("--section", metavar="N", help="Keep these section numbers (repeatable).")
]
SideFilter = Annotated[
    list[str] | None,
    typer.Option("--side", metavar="SIDE", help="Who carries it: both, or one party's side (repeatable)."),
]
KindFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--kind",
        metavar="KIND",
        help="What the text makes of it: agreed, pledged, requested, proposed, hoped, welcomed, view (repeatable).",
    ),
]
OwnerFilter = Annotated[str | None, typer.Option("--owner", metavar="NAME", help="Owned by this name (any case).")]
TagFilter = Annotated[
    list[str] | None,
    typer.Option("--tag", metavar="TAG", help="Has this tag, or its article has (repeatable; all must match)."),
]
DueBefore = Annotated[str | None, typer.Option("--due-before", metavar="DATE", help="Due before this date.")]
Overdue = Annotated[bool, typer.Option("--overdue", help="Due date passed and not completed or dropped.")]
ByOption = Annotated[
    str | None,
    typer.Option("--by", metavar="NAME", help="Who makes the change. Default: $ACCORD_USER, git user.name, login."),
]
NoCommit = Annotated[bool, typer.Option("--no-commit", help="Write the file but do not commit it.")]
NoPager = Annotated[
    bool,
    typer.Option("--no-pager", help="Never page. Default: a terminal pages through $ACCORD_PAGER, $PAGER or less."),
]
NoteOption = Annotated[str | None, typer.Option("--note", metavar="TEXT", help="Why, in a sentence.")]
EvidenceOption = Annotated[str | None, typer.Option("--evidence", metavar="URL", help="A link that shows it.")]


def _records(directory: Path | None) -> Path:
    """--dir, else ACCORD_DIR, else the nearest statement/ folder upward."""
    from . import settings
    from .errors import RecordsNotFound
    from .storage import find_records

    explicit = directory if directory is not None else settings.records_dir()
    try:
        return find_records(explicit)
    except RecordsNotFound as exc:
        if explicit is not None:
            raise
        raise RecordsNotFound(f"{exc}; pass --dir or set ACCORD_DIR") from None


def _open(directory: Path | None, by: str | None = None, no_commit: bool = False, *, writes: bool = False) -> "Tracker":
    """The records as the command line and the environment name them: the one place where `--dir`,
    `--by` and `--no-commit` meet ACCORD_DIR, ACCORD_USER, ACCORD_EMAIL, ACCORD_COMMIT and
    ACCORD_LOCK_TIMEOUT. A command that `writes` reads the settings of a change; one that only
    reads does not, so that a bad ACCORD_COMMIT cannot stop `accord show`."""
    from . import api, inputs, settings

    root = _records(directory)
    reading: dict[str, Any] = {} if _indexed else {"index": False}
    if not writes:
        if sys.stderr.isatty():
            reading["progress"] = _IndexingBar()
        return api.open(root, **reading)
    return api.open(
        root,
        **reading,
        actor=inputs.text(by, "--by").strip() if by is not None else settings.user(),
        email=settings.email(),
        commit=not no_commit and settings.commit_wanted(),
        lock_timeout=settings.lock_timeout(),
        notify=_note,
    )


class _IndexingBar:
    """A bar on stderr while a read parses many files to build the index (after a fresh clone);
    nothing for a read that takes less than half a second."""

    def __init__(self) -> None:
        self.started: float | None = None
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        import time

        now = time.monotonic()
        self.started = self.started if self.started is not None else now
        if self.bar is None:
            if done >= total or now - self.started < 0.5:
                return
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("indexing the records", total=total)
        self.bar.update(self.task, completed=done)
        if done >= total:
            self.bar.stop()
            self.bar = None


def _query(
    status: list[str] | None,
    section: list[int] | None,
    side: list[str] | None,
    owner: str | None,
    tag: list[str] | None,
    due_before: str | None,
    overdue: bool,
    kind: list[str] | None,
) -> Any:
    """The filter options as typed values, each checked under its option's name; the Tracker
    settles the sides against the statement and `overdue` against its today."""
    from . import inputs
    from .query import Filters

    return Filters(
        statuses=frozenset(inputs.status(s) for s in status or []),
        kinds=frozenset(inputs.kind(k) for k in kind or []),
        sections=frozenset(section or []),
        sides=frozenset(inputs.text(s, "--side") for s in side or []),
        owner=owner,
        tags=frozenset(inputs.tag(t) for t in tag or []),
        due_before=inputs.iso_date(due_before, "--due-before") if due_before else None,
        overdue=overdue,
    )


def _pager(no_pager: bool) -> str | None:
    """The pager command, as git chooses it: ACCORD_PAGER, else PAGER, else less; empty means none."""
    if no_pager:
        return None
    return os.environ.get("ACCORD_PAGER", os.environ.get("PAGER", "less")).strip() or None


def _exit(code: int) -> NoReturn:
    raise typer.Exit(code)


# -- reading ---------------------------------------------------------------------------------


@app.command("list")
def list_(
    status: StatusFilter = None,
    kind: KindFilter = None,
    section: SectionFilter = None,
    side: SideFilter = None,
    owner: OwnerFilter = None,
    tag: TagFilter = None,
    due_before: DueBefore = None,
    overdue: Overdue = False,
    articles: Annotated[bool, typer.Option("--articles", help="List articles instead of commitments.")] = False,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f")] = "table",
    no_pager: NoPager = False,
    directory: DirOption = None,
) -> None:
    """List commitments (or articles), filtered."""
    from . import render, views

    tracker = _open(directory)
    filters = _query(status, section, side, owner, tag, due_before, overdue, kind)
    if articles:
        rows = [views.list_row(article, article) for article in tracker.iter_articles(filters)]
    else:
        rows = [views.list_row(row.article, row.commitment) for row in tracker.iter_commitments(filters)]
    columns = views.LIST_TABLE_COLUMNS if fmt == "table" else views.LIST_COLUMNS
    with render.paged(_pager(no_pager) if fmt == "table" else None):
        if rows or fmt != "table":
            render.emit_rows(columns, rows, fmt)
        if fmt == "table":
            render.say(views.matched(len(rows), "article" if articles else "commitment"))
    render.problems(tracker.skipped)
    if tracker.skipped:
        _exit(EXIT_ERROR)


@app.command()
def show(
    record_id: Annotated[
        str, typer.Argument(metavar="ID", help="An article (4), a commitment (4.3) or a target (trade).")
    ],
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f")] = "text",
    directory: DirOption = None,
) -> None:
    """Show everything known of an article, a commitment or a target."""
    from . import inputs, views

    views.show(_open(directory).show(inputs.text(record_id, "ID")), fmt)


@app.command()
def search(
    pattern: Annotated[str, typer.Argument(help="Text to find; a regular expression with -E.")],
    case_sensitive: Annotated[
        bool, typer.Option("--case-sensitive", "-s", help="Match case and accents exactly.")
    ] = False,
    regex: Annotated[bool, typer.Option("--regex", "-E", help="PATTERN is a regular expression.")] = False,
    literal: Annotated[
        bool, typer.Option("--literal", "-F", help="Plain text anywhere, even inside words; no glossary names.")
    ] = False,
    word: Annotated[bool, typer.Option("--word", "-w", help="Match whole words only.")] = False,
    ids: Annotated[bool, typer.Option("--ids", "-l", help="Print only the ids of matching records.")] = False,
    count: Annotated[bool, typer.Option("--count", "-c", help="Print only the number of matching records.")] = False,
    status: StatusFilter = None,
    kind: KindFilter = None,
    section: SectionFilter = None,
    side: SideFilter = None,
    owner: OwnerFilter = None,
    tag: TagFilter = None,
    due_before: DueBefore = None,
    overdue: Overdue = False,
    fmt: Annotated[SearchFormat, typer.Option("--format", "-f")] = "text",
    directory: DirOption = None,
) -> None:
    """Find commitments and targets that mention a text. Exit 0 on a match, 1 on none, 2 on error."""
    from . import inputs, render, views
    from .query import Filters

    tracker = _open(directory)
    filters = _query(status, section, side, owner, tag, due_before, overdue, kind)
    pattern = inputs.text(pattern, "PATTERN")
    how = {"regex": regex, "word": word, "case_sensitive": case_sensitive, "literal": literal}
    hits: list[Any] = tracker.search(pattern, filters=filters, **how)
    skipped = tracker.skipped
    if filters == Filters():  # a filter narrows the search to commitments
        hits += tracker.search_targets(pattern, **how)
        skipped = skipped + tracker.skipped
    views.search_results(hits, fmt="count" if count else "ids" if ids else fmt)
    render.problems(skipped)
    if skipped:
        _exit(EXIT_ERROR)
    if not hits:
        _exit(EXIT_NOTHING)


@app.command()
def validate(directory: DirOption = None) -> None:
    """Check every record; print each problem as file:line: message. Exit 1 if any."""
    from . import render
    from .merge import missing_driver

    tracker = _open(directory)
    # First: a clone that merges records as text is what led to most unmerged records.
    warning = missing_driver(tracker.root)
    if warning:
        _error(f"note: {warning}")
    found = tracker.validate()
    render.problems(found)
    if found:
        sys.stderr.write(f"{len(found)} problem{'s' if len(found) != 1 else ''} found\n")
        _exit(EXIT_NOTHING)
    render.say(f"{render.visible(_relative(tracker.root))}: all records valid\n")


def _relative(path: Path) -> str:
    """A path as the user would type it from here."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@app.command()
def stats(
    by: Annotated[StatsBy, typer.Option("--by", help="Count by status, or by kind (agreed, requested, …).")] = "status",
    fmt: Annotated[TableFormat, typer.Option("--format", "-f")] = "table",
    no_pager: NoPager = False,
    directory: DirOption = None,
) -> None:
    """Count commitments by status (or by kind), per section and in total."""
    from . import render, views

    tracker = _open(directory)
    columns, rows = views.stats_rows(tracker.statement, tracker.counts(by), by)
    with render.paged(_pager(no_pager) if fmt == "table" else None):
        render.emit_rows(columns, rows, fmt, title=f"Commitments by {by}")
    render.problems(tracker.skipped)
    if tracker.skipped:
        _exit(EXIT_ERROR)


@app.command("import")
def import_(
    source: Annotated[Path, typer.Argument(metavar="SOURCE", help="The statement as plain UTF-8 text.")],
    directory: Annotated[
        Path, typer.Option("--dir", metavar="DIR", help="The new records folder: must not exist, or be empty.")
    ],
    title: Annotated[
        str | None,
        typer.Option(
            "--title", metavar="TEXT", help="The statement's title. Default: its opening '# ' line or heading."
        ),
    ] = None,
    language: Annotated[
        str, typer.Option("--language", metavar="CODE", help="The text's language; en and nl have commitment markers.")
    ] = "en",
    party: Annotated[
        list[str] | None,
        typer.Option(
            "--party",
            metavar="NAME",
            help="A party to the statement (repeatable); its short name is a side: United States -> united-states.",
        ),
    ] = None,
    drop: Annotated[
        list[str] | None,
        typer.Option("--drop", metavar="REGEX", help="Leave out paragraphs that match, e.g. page noise (repeatable)."),
    ] = None,
    visit: Annotated[
        list[str] | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="The visit or signing date; twice for the first and last day. Default: the first date in the "
            "preamble, else one in the source URL, else none.",
        ),
    ] = None,
) -> None:
    """Turn a plain-text joint statement into a new records folder: a draft to curate, then commit.

    SOURCE is UTF-8 text as published (hard-wrapped, Markdown or plain). A first line
    '# source: URL' names where it was published and is not part of the text.
    """
    from .importer import import_statement
    from .vcs import Git

    summary = import_statement(
        source, directory, title=title, language=language, parties=party, drop=drop or [], visit=_visit_dates(visit)
    )
    _say_imported(directory, summary)
    if Git.find(directory) is not None:
        shown = render.visible(str(directory))
        _note(f"commit {shown} whole (git add {shown}, git commit) before any change, which commits only its record")


def _say_imported(folder: Path, summary: "ImportSummary") -> None:
    render.say(
        f"{render.visible(str(folder))}: {summary.preamble} preamble paragraphs, {summary.sections} sections, "
        f"{summary.articles} articles, {summary.commitments} draft commitments\n"
    )


# -- changing --------------------------------------------------------------------------------


def _given(value: str | None, option: str) -> str | None:
    """An optional text option, checked in the option's name."""
    from . import inputs

    return inputs.text(value, option) if value is not None else None


def _evidence(value: str | None) -> str | None:
    from . import inputs

    return inputs.url(value) if value is not None else None


def _note(message: str) -> None:
    sys.stderr.write(f"accord: note: {message}\n")


def _report_change(change: "Change") -> None:
    from .wording import describe

    for event in change.events:
        render.say(render.visible(describe(event)) + "\n")
    for event, current in change.outranked:
        render.say(
            f"  recorded as of {event.on}; a change dated later keeps {event.field} at {render.visible(str(current))}\n"
        )
    if change.committed:
        sys.stdout.write("committed\n")


@app.command("set")
def set_(
    record_id: Annotated[str, typer.Argument(metavar="ID")],
    status: Annotated[
        str, typer.Argument(metavar="STATUS", help="not_started, in_progress, ongoing, completed, stalled or dropped.")
    ],
    note: NoteOption = None,
    evidence: EvidenceOption = None,
    by: ByOption = None,
    on: Annotated[str | None, typer.Option("--on", metavar="DATE", help="When it happened, if before today.")] = None,
    no_commit: NoCommit = False,
    directory: DirOption = None,
) -> None:
    """Change the status of an article or a commitment."""
    from . import inputs

    tracker = _open(directory, by, no_commit, writes=True)
    new = inputs.status(status)
    when = inputs.iso_date(on, "--on") if on else None
    note, evidence = _given(note, "--note"), _evidence(evidence)
    _report_change(tracker.set_status(inputs.text(record_id, "ID"), new, note=note, evidence=evidence, on=when))


@app.command()
def note(
    record_id: Annotated[str, typer.Argument(metavar="ID")],
    text: Annotated[str, typer.Argument(metavar="TEXT")],
    evidence: EvidenceOption = None,
    by: ByOption = None,
    no_commit: NoCommit = False,
    directory: DirOption = None,
) -> None:
    """Add a note to a record's history without changing its status."""
    from . import inputs

    tracker = _open(directory, by, no_commit, writes=True)
    text, evidence = inputs.text(text, "TEXT"), _evidence(evidence)
    _report_change(tracker.note(inputs.text(record_id, "ID"), text, evidence=evidence))


@app.command()
def edit(
    record_id: Annotated[str, typer.Argument(metavar="ID")],
    owner: Annotated[
        str | None, typer.Option("--owner", metavar="NAME", help="Who follows it up; '' clears it.")
    ] = None,
    due: Annotated[str | None, typer.Option("--due", metavar="DATE", help="When it is due; '' clears it.")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", metavar="TAG", help="Add a tag (repeatable).")] = None,
    untag: Annotated[
        list[str] | None, typer.Option("--untag", metavar="TAG", help="Remove a tag (repeatable).")
    ] = None,
    note: NoteOption = None,
    by: ByOption = None,
    no_commit: NoCommit = False,
    directory: DirOption = None,
) -> None:
    """Change the owner, due date or tags of an article or a commitment."""
    from . import inputs
    from .api import UNSET

    tracker = _open(directory, by, no_commit, writes=True)
    if owner is None and due is None and not tag and not untag:
        raise UsageError("nothing to edit: give --owner, --due, --tag or --untag")
    change = tracker.edit(
        inputs.text(record_id, "ID"),
        owner=UNSET if owner is None else inputs.text(owner, "--owner").strip() if owner else None,  # '' clears
        due=UNSET if due is None else inputs.iso_date(due, "--due") if due else None,  # '' clears
        add_tags=[inputs.tag(t) for t in tag or []],
        remove_tags=[inputs.tag(t) for t in untag or []],
        note=_given(note, "--note"),
    )
    _report_change(change)


@app.command()
def undo(by: ByOption = None, no_commit: NoCommit = False, directory: DirOption = None) -> None:
    """Take back your last change by appending one that restores the old value."""
    _report_change(_open(directory, by, no_commit, writes=True).undo())


@app.command()
def log(
    record_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="One record; an article includes its commitments.")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", metavar="DATE|7d|2w")] = None,
    by: Annotated[str | None, typer.Option("--by", metavar="NAME", help="Only changes by this person.")] = None,
    fmt: Annotated[TableFormat, typer.Option("--format", "-f")] = "table",
    directory: DirOption = None,
) -> None:
    """Every change, newest first."""
    from . import inputs, render, views

    tracker = _open(directory)
    start = inputs.since(since, inputs.today()) if since else None
    wanted = inputs.text(record_id, "ID") if record_id is not None else None
    events = tracker.log(wanted, since=start, by=inputs.text(by, "--by") if by is not None else None)
    columns = views.LOG_TABLE_COLUMNS if fmt == "table" else views.LOG_COLUMNS
    render.emit_rows(columns, [views.log_row(event) for event in events], fmt)
    render.problems(tracker.skipped)
    if tracker.skipped:
        _exit(EXIT_ERROR)


@app.command(context_settings={"ignore_unknown_options": True})  # VALUE may be negative: -1.5
def measure(
    target: Annotated[str, typer.Argument(metavar="TARGET")],
    value: Annotated[str, typer.Argument(metavar="VALUE", help="In the target's unit, e.g. 94.5.")],
    period: Annotated[
        str,
        typer.Option(
            "--period", metavar="PERIOD", help="A year (2025) for a yearly target, a date for a cumulative one."
        ),
    ],
    source: Annotated[str, typer.Option("--source", metavar="TEXT", help="Where the figure was published.")],
    series: Annotated[
        str | None, typer.Option("--series", metavar="NAME", help="Default: the target's primary series.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Record a figure over twice the goal, or one that moves over 50 %.")
    ] = False,
    before_baseline: Annotated[
        bool, typer.Option("--before-baseline", help="Record a figure of a period before the baseline (history).")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and show what would be recorded; write nothing.")
    ] = False,
    note: NoteOption = None,
    by: ByOption = None,
    no_commit: NoCommit = False,
    directory: DirOption = None,
) -> None:
    """Record a measurement of a target; the same period again is a correction."""
    from . import inputs
    from .wording import describe

    tracker = _open(directory, by, no_commit, writes=True)
    amount, source, note = inputs.amount(value), inputs.text(source, "--source"), _given(note, "--note")
    change = tracker.measure(
        inputs.text(target, "TARGET"), amount, period=inputs.text(period, "--period"), source=source,
        series=_given(series, "--series"), note=note, force=force, before_baseline=before_baseline, dry_run=dry_run,
    )  # fmt: skip
    if dry_run:
        render.say("".join(f"would record {describe(e)} (source: {e.source})\n" for e in change.events))
        return
    _report_change(change)


@app.command()
def progress(
    target: Annotated[str | None, typer.Argument(metavar="[TARGET]")] = None,
    series: Annotated[str | None, typer.Option("--series", help="Show this series instead of the primary one.")] = None,
    fmt: Annotated[ProgressFormat, typer.Option("--format", "-f")] = "table",
    no_pager: NoPager = False,
    today: Annotated[
        str | None,
        typer.Option("--today", metavar="DATE", help="As known at the end of this day: later records are left out."),
    ] = None,
    directory: DirOption = None,
) -> None:
    """Are we on track? Each target's latest value, pace, projection and verdict."""
    from . import inputs, render, views

    tracker = _open(directory)
    day = inputs.iso_date(today, "--today") if today else None
    result = tracker.progress(
        day, target=inputs.text(target, "TARGET") if target is not None else None, series=_given(series, "--series")
    )
    with render.paged(_pager(no_pager) if fmt == "table" else None):
        views.progress(result, fmt)
    render.problems(tracker.skipped)
    if tracker.skipped:
        _exit(EXIT_ERROR)


@app.command()
def report(
    week_value: Annotated[
        str | None, typer.Argument(metavar="[YYYY-Www]", help="With --week: which ISO week.", show_default=False)
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="DATE|7d|2w", help="From this date (or so long ago) to today.")
    ] = None,
    week: Annotated[bool, typer.Option("--week", help="One ISO week: the current one, or YYYY-Www.")] = False,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f")] = "md",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this regular file; - for stdout.")
    ] = None,
    today: Annotated[
        str | None,
        typer.Option("--today", metavar="DATE", help="As known at the end of this day: the same bytes made again."),
    ] = None,
    directory: DirOption = None,
) -> None:
    """The weekly progress report, by default over the last seven days. Exit 2 if a record could not be read."""
    from . import inputs
    from .publishers import PUBLISHERS
    from .report import write_file

    tracker = _open(directory)
    as_of = inputs.iso_date(today, "--today") if today else inputs.today()
    if week_value is not None and not week:
        week = True
    start = inputs.since(since, as_of) if since else None
    built = tracker.report(
        today=as_of, since=start, week=inputs.text(week_value or "current", "--week") if week else None
    )
    text = "".join(PUBLISHERS[fmt]().lines(built))
    if output is None or str(output) == "-":
        sys.stdout.write(text)
    else:
        write_file(output, text)
        sys.stderr.write(f"wrote {render.visible(str(output))}\n")
    render.problems(built.unreadable)
    if built.unreadable:
        count = len(built.unreadable)
        _error(f"the report leaves out what {count} unreadable record{'s' if count != 1 else ''} hold")
        _exit(EXIT_ERROR)


@app.command()
def browse(
    read_only: Annotated[bool, typer.Option("--read-only", help="Look only: no key changes a record.")] = False,
    by: ByOption = None,
    no_commit: NoCommit = False,
    directory: DirOption = None,
) -> None:
    """Browse, search and update the commitments in a terminal window (needs accord[browse])."""
    try:
        from .browse import Browser
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] != "textual":
            raise
        raise AccordError("the browser needs Textual: pip install 'accord[browse]'") from None
    Browser(_open(directory, by, no_commit, writes=True), read_only=read_only).run()


merge_app = typer.Typer(
    cls=_Group,
    help="Let git merge record files by joining their histories.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(merge_app, name="merge-driver")


@merge_app.command("install")
def merge_install(directory: DirOption = None) -> None:
    """Set this clone up: .gitattributes lines for the records and the git config that names the driver."""
    from .merge import install, missing_driver

    root = _records(directory)
    for line in install(root):
        render.say(line + "\n")
    warning = missing_driver(root)
    if warning:
        _error(f"note: {warning}")


@merge_app.command("merge")
def merge_run(
    base: Annotated[Path, typer.Argument(metavar="BASE", help="The common version (git's %O).")],
    ours: Annotated[Path, typer.Argument(metavar="OURS", help="Our version, where the merge is written (%A).")],
    theirs: Annotated[Path, typer.Argument(metavar="THEIRS", help="Their version (%B).")],
    shown: Annotated[str, typer.Argument(metavar="PATH", help="The record's path, for messages (%P).")],
) -> None:
    """Merge BASE, OURS and THEIRS into OURS, as git does; exit 0 when clean, 1 on a conflict left with markers."""
    from .merge import merge_files

    merged = merge_files(base, ours, theirs, shown)
    for line in merged.messages:
        sys.stderr.write(render.one_line(line) + "\n")
    if not merged.clean:
        _exit(EXIT_NOTHING)


# -- starting, editors, export ------------------------------------------------------------------

CiService = Literal["github", "gitlab"]
ExportFormat = Literal["csv", "xlsx", "json"]


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="The new repository: must not exist, or be empty.")],
    from_text: Annotated[
        Path | None,
        typer.Option("--from-text", metavar="FILE", help="Import this statement (as `accord import` reads it)."),
    ] = None,
    ci: Annotated[
        CiService | None,
        typer.Option("--ci", help="Write a pipeline that validates every push and keeps the week's report."),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", metavar="TEXT", help="The statement's title.")] = None,
    language: Annotated[str, typer.Option("--language", metavar="CODE", help="As for import.")] = "en",
    party: Annotated[list[str] | None, typer.Option("--party", metavar="NAME", help="As for import.")] = None,
    drop: Annotated[list[str] | None, typer.Option("--drop", metavar="REGEX", help="As for import.")] = None,
    visit: Annotated[list[str] | None, typer.Option("--date", metavar="YYYY-MM-DD", help="As for import.")] = None,
    by: ByOption = None,
) -> None:
    """A new tracking repository: the records (DIR/statement), .gitignore, README, merge driver, one first commit."""
    from .scaffold import RECORDS, init_repository

    done = init_repository(
        folder,
        from_text,
        by=by,
        ci=[ci] if ci else [],
        title=title,
        language=language,
        parties=party,
        drop=drop or [],
        visit=_visit_dates(visit),
    )
    if done.imported is not None:
        _say_imported(folder / RECORDS, done.imported)
    render.say(f"{render.visible(str(folder))}: a git repository, {len(done.files)} files in its first commit\n")
    if from_text is None:
        records = render.visible(str(folder / RECORDS))
        render.say(f"next: accord import FILE --dir {records}, then git add --all and git commit, before any change\n")


def _visit_dates(values: list[str] | None) -> "tuple[date, date] | None":
    from . import inputs

    days = [inputs.iso_date(value, "--date") for value in values or []]
    if len(days) > 2:
        raise typer.BadParameter("give --date once, or twice for the first and last day", param_hint="--date")
    return (days[0], days[-1]) if days else None


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FOLDER", help="Default: schema/ in the records folder.")
    ] = None,
    directory: DirOption = None,
) -> None:
    """Write the JSON Schema of each record kind, for editors that check YAML as it is typed."""
    from . import schema as schemas

    folder = output if output is not None else _records(directory) / schemas.SCHEMA_DIR
    for path in schemas.write(folder):
        render.say(f"wrote {render.visible(str(path))}\n")


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f")] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this regular file; - for stdout (not xlsx).")
    ] = None,
    bom: Annotated[bool, typer.Option("--bom", help="Start CSV with a byte order mark, for spreadsheets.")] = False,
    directory: DirOption = None,
) -> None:
    """One flat row per commitment, for spreadsheets: csv, xlsx (needs accord[xlsx]) or json."""
    from . import export as exporting
    from .errors import UsageError
    from .report import write_file

    tracker = _open(directory)
    rows = exporting.rows(tracker.statement, tracker.articles(history=True))
    data = exporting.encode(rows, fmt, bom=bom)
    if output is None or str(output) == "-":
        if fmt == "xlsx":
            raise UsageError("an xlsx workbook goes to a file: give -o FILE")
        sys.stdout.buffer.write(data)
    else:
        write_file(output, data)
        sys.stderr.write(f"wrote {render.visible(str(output))}\n")
    render.problems(tracker.skipped)
    if tracker.skipped:
        _exit(EXIT_ERROR)


@app.command()
def side(
    commitment_id: Annotated[str, typer.Argument(metavar="ID", help="A commitment, such as 9.3.")],
    value: Annotated[str, typer.Argument(metavar="SIDE", help="both, or one of the statement's sides.")],
    note: NoteOption = None,
    by: ByOption = None,
    no_commit: NoCommit = False,
    directory: DirOption = None,
) -> None:
    """Say which side carries a commitment (an import drafts every one as both)."""
    from . import inputs

    tracker = _open(directory, by, no_commit, writes=True)
    value, note = inputs.text(value, "SIDE"), _given(note, "--note")
    _report_change(tracker.set_side(inputs.text(commitment_id, "ID"), value, note=note))


def _only_the_command_asked_for(argv: list[str]) -> None:
    """Build only the command named first on the line: typer builds the options of every command
    before running one, and that cost grows with each command added. Anything else (no command,
    an option first, a mistyped name) keeps them all, for help and suggestions."""
    from typer.main import get_command_name

    name = argv[1] if len(argv) > 1 else ""
    chosen = [
        c
        for c in app.registered_commands
        if (c.name or get_command_name(getattr(c.callback, "__name__", ""))) == name
    ]
    if chosen:
        app.registered_commands = chosen
        app.registered_groups = []


def main() -> None:
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):  # a character the output cannot encode shows as `\u2192`
            stream.reconfigure(errors="backslashreplace")
    _only_the_command_asked_for(sys.argv)
    app()
