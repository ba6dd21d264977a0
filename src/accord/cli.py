"""The command line: parse arguments, call the core, render. Nothing else lives here.

Heavy modules (pydantic models, rich, yaml) are imported inside the commands that need them,
so that `accord --help` and a mistyped option answer at once.
"""

import io
import os
import sys
import traceback
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

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
    from collections.abc import Callable, Iterator
    from datetime import date

    from typer.models import CommandFunctionType

    from .api import Tracker
    from .changes import Change
    from .importer import ImportSummary
    from .topics import CommandDoc


class _PlainValues:
    """How a parameter's value is checked, for the values that need no checking: an option not
    given, a text, texts, a choice named as written. typer (0.2x) checks each value with a pydantic
    TypeAdapter that it builds on first use, even for an option left out, and building them costs
    more than all of accord's own start; any other value (a number, a path, a choice to correct
    or refuse) goes to typer's own check, built then, so its messages are typer's."""

    _NOT_PLAIN = object()

    @classmethod
    def install(cls, params: "list[Any]") -> None:
        """Put this in front of typer's check of each of `params`, where typer has one to build."""
        for param in params:
            built = getattr(param, "_runtime_param", False)
            if built is None and hasattr(param, "get_runtime_param") and hasattr(param, "type_descriptor"):
                param._runtime_param = cls()

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        plain = self._plain(value, param)
        if plain is not self._NOT_PLAIN:
            return plain
        param._runtime_param = None  # typer builds its own check now, and keeps it
        return param.get_runtime_param().coerce(value, param=param, ctx=ctx)

    def _plain(self, value: Any, param: Any) -> Any:
        from typing import get_args, get_origin

        many = param.multiple or param.nargs == -1
        annotation = param.type_descriptor.annotation
        if value is None:
            return () if many else None
        if many:
            texts = get_origin(annotation) is list and get_args(annotation) == (str,)
            if texts and isinstance(value, (list, tuple)) and all(type(item) is str for item in value):
                return list(value)
            return self._NOT_PLAIN
        if type(value) is not str:
            return self._NOT_PLAIN
        if annotation is str:
            return value
        if get_origin(annotation) is Literal and value in get_args(annotation):
            return value
        return self._NOT_PLAIN


class _Group(TyperGroup):
    """The one place where exceptions become a message and an exit code: one line on stderr,
    escaped and cut short, never a traceback unless ACCORD_DEBUG asks for it."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        _PlainValues.install(self.get_params(ctx))
        return super().parse_args(ctx, args)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """Each command's summary whole, folded to the screen rather than cut short with `...`."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, cmd.get_short_help_str(limit=500)) for name, cmd in self.commands.items()])

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except AccordError as exc:
            if _interrupted(exc):
                raise KeyboardInterrupt from None
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
            code = EXIT_INTERRUPTED if _interrupted(exc) else _bug(exc)
        code = code if isinstance(code, int) else EXIT_OK
        if code == EXIT_INTERRUPTED:
            sys.stderr.write("accord: interrupted\n")
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _drop_output()
            code = EXIT_BROKEN_PIPE
        sys.exit(code)


class _Command(TyperCommand):
    """A command whose help names each placeholder once, as the reader types it (`accord set
    [OPTIONS] ID STATUS`; `--on DATE`), never as typer's `{ID}`, `ID <str>` or `[[ID]]`."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        _PlainValues.install(self.get_params(ctx))
        return super().parse_args(ctx, args)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar or "[OPTIONS]"]
        for param, (name, required, _) in zip(self._arguments(ctx), self.arguments(ctx), strict=True):
            piece = name if required else f"[{name}]"
            pieces.append(piece + "..." if param.nargs == -1 else piece)
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments = [(name, help) for name, _, help in self.arguments(ctx)]
        options = [
            record
            for param in self.get_params(ctx)
            if param.param_type_name == "option" and (record := param.get_help_record(ctx))
        ]
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)

    def arguments(self, ctx: Any) -> list[tuple[str, bool, str]]:
        """Each argument's placeholder, whether it is required, and its help."""
        return [
            (param.metavar or (param.name or "").upper(), param.required, getattr(param, "help", None) or "")
            for param in self._arguments(ctx)
        ]

    def _arguments(self, ctx: Any) -> list[Any]:
        return [param for param in self.get_params(ctx) if param.param_type_name == "argument"]


class _Typer(typer.Typer):
    """Every command is an `_Command`."""

    def command(self, name: str | None = None, **kwargs: Any) -> "Callable[[CommandFunctionType], CommandFunctionType]":
        return super().command(name, **{"cls": _Command, **kwargs})


_QUIET_HELP = "Say nothing but errors, warnings and the output asked for."


def _be_quiet(quiet: bool) -> None:
    """-q after the command: quiet, even when not before it."""
    if quiet:
        render.set_quiet(True)


# `accord --dir X COMMAND`: the records folder named before the command, for this run.
_dir_before_command: Path | None = None


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
        names = []  # the subcommands' names: the root's is `python -m accord` when run so
        while ctx.parent is not None:
            names.append(ctx.info_name)
            ctx = ctx.parent
        _error(message, f" (see '{' '.join(['accord', *reversed(names)])} {ctx.help_option_names[0]}')")
    return EXIT_ERROR


def _interrupted(exc: BaseException) -> bool:
    """Whether `exc` came of a Ctrl-C: raised while one was handled, or made of one (Python 3.11
    wraps one that interrupts the making of a class in a RuntimeError)."""
    seen: set[int] = set()
    found: BaseException | None = exc
    while found is not None and id(found) not in seen:
        if isinstance(found, KeyboardInterrupt):
            return True
        seen.add(id(found))
        found = found.__cause__ or found.__context__
    return False


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


# `table` and `text` name the same format, the one drawn for people, whichever a command calls it.
ListFormat = Literal["table", "text", "json", "csv", "ids"]
StatsBy = Literal["status", "kind"]
TableFormat = Literal["table", "text", "json", "csv"]
StatsFormat = Literal["table", "text", "json", "csv", "md"]
ProgressFormat = Literal["table", "text", "json", "csv", "md"]
ShowFormat = Literal["text", "table", "json", "yaml"]
SearchFormat = Literal["text", "table", "json", "csv", "ids"]
ValidateFormat = Literal["text", "table", "json"]
ReportFormat = Literal["md", "html", "json"]
# Every command's -f help names its formats in this order, the default first.
_FORMAT_ORDER = ("table", "text", "json", "csv", "ids", "md", "yaml", "html", "xlsx")


def _formats(choices: Any) -> str:
    """`-f`'s help from a format Literal: `table, json, csv or ids.`, its synonym left out."""
    from typing import get_args

    default, *rest = get_args(choices)
    named = [default, *sorted((f for f in rest if {f, default} != {"table", "text"}), key=_FORMAT_ORDER.index)]
    return f"{', '.join(named[:-1])} or {named[-1]}."


app = _Typer(
    cls=_Group,
    help="Track the commitments of a joint statement, kept as YAML records in git.",
    no_args_is_help=True,
    add_completion=False,  # `accord completion SHELL` instead: answered before typer loads (completion.py)
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _as_table(fmt: str) -> str:
    return "table" if fmt == "text" else fmt


def _as_text(fmt: str) -> str:
    return "text" if fmt == "table" else fmt


def _print_version(wanted: bool) -> None:
    if wanted:
        from . import __version__

        sys.stdout.write(f"accord {__version__}\n")
        raise typer.Exit()


_GLOBAL_WITH_VALUE = ("--dir", "--color")  # the options of `_options` that take a value


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", help="Print the version and exit.", callback=_print_version, is_eager=True),
    ] = False,
    directory: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            metavar="DIR",
            help="The records folder, for any command; a --dir after the command wins.",
            file_okay=False,
        ),
    ] = None,
    colour: Annotated[
        str,
        typer.Option(
            "--color",
            metavar="WHEN",
            help="auto (on a terminal, unless NO_COLOR is set or TERM=dumb), always (even into a pipe) or never.",
        ),
    ] = "auto",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=_QUIET_HELP)] = False,
    no_cache: Annotated[
        bool,
        typer.Option("--no-cache", help="Read every record file; neither use nor update the index in .accord-cache/."),
    ] = False,
) -> None:
    """Options that come before the command."""
    from . import settings

    global _dir_before_command, _indexed
    _dir_before_command = directory
    _indexed = not no_cache
    render.set_colour(settings.colour(colour))
    render.set_quiet(quiet)


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
SinceOption = Annotated[
    str | None,
    typer.Option("--since", metavar="DATE", help="From this day to today: YYYY-MM-DD, or so long ago: 7d, 2w, 3m."),
]
# The callback does the work: a command takes -q and leaves the value alone.
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help=_QUIET_HELP, callback=_be_quiet)]
NoCommit = Annotated[bool, typer.Option("--no-commit", help="Write the file but do not commit it.")]
NoPager = Annotated[
    bool,
    typer.Option("--no-pager", help="Never page. Default: a terminal pages through $ACCORD_PAGER, $PAGER or less."),
]
NoteOption = Annotated[str | None, typer.Option("--note", metavar="NOTE", help="Why, in a sentence.")]
InternalOption = Annotated[
    bool | None,
    typer.Option(
        "--internal/--public",
        help="The note and evidence are for officers only (left out of public output), or not. "
        "Default: as statement.yaml's notes_internal_by_default says.",
        show_default=False,
    ),
]
PublicOption = Annotated[
    bool, typer.Option("--public", help="Leave out internal notes and evidence, and officers' names.")
]
EvidenceOption = Annotated[str | None, typer.Option("--evidence", metavar="URL", help="A link that shows it.")]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write to this regular file; - for stdout.")
]


def _records(directory: Path | None) -> Path:
    """--dir, else ACCORD_DIR, else the nearest statement/ folder upward."""
    from . import settings
    from .errors import RecordsNotFound
    from .storage import find_records

    given = directory if directory is not None else _dir_before_command
    explicit = given if given is not None else settings.records_dir()
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
    stale: str | None = None,
    due_review: bool = False,
) -> Any:
    """The filter options as typed values, each checked under its option's name; the Tracker
    settles the sides against the statement, and `overdue` and `due_review` against its today."""
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
        unchanged_since=inputs.ago(stale, inputs.today(), "--stale") if stale is not None else None,
        due_review=due_review,
    )


def _pager(no_pager: bool) -> str | None:
    """The pager command, as git chooses it: ACCORD_PAGER, else PAGER, else less; empty means none."""
    if no_pager:
        return None
    return os.environ.get("ACCORD_PAGER", os.environ.get("PAGER", "less")).strip() or None


@contextmanager
def _written_to(output: Path | None) -> "Iterator[None]":
    """What the block prints goes to `output`, whole, once it is all made (as `report -o` writes
    it), or to stdout for none or `-`."""
    if output is None or str(output) == "-":
        yield
        return
    from .report import write_file

    made = io.StringIO()
    with redirect_stdout(made):
        yield
    write_file(output, made.getvalue())
    render.chatter(f"wrote {render.visible(str(output))}\n", stderr=True)


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
    party: Annotated[
        str | None,
        typer.Option(
            "--party", metavar="SIDE", help="What this side carries; --status then is its own status of it."
        ),
    ] = None,
    stale: Annotated[
        str | None,
        typer.Option("--stale", metavar="10d|8w|3m", help="Open, and no change or note in this long (or ever)."),
    ] = None,
    due_review: Annotated[bool, typer.Option("--due-review", help="Its review date is today or earlier.")] = False,
    articles: Annotated[bool, typer.Option("--articles", help="List articles instead of commitments.")] = False,
    sort: Annotated[
        str,
        typer.Option(
            "--sort", metavar="FIELD", help="id, due, status, kind, side, owner or section; -due for the reverse order."
        ),
    ] = "id",
    limit: Annotated[int | None, typer.Option("--limit", metavar="N", min=0, help="Only the first N rows.")] = None,
    fmt: Annotated[
        ListFormat,
        typer.Option("--format", "-f", metavar="FORMAT", help=_formats(ListFormat), callback=_as_table),
    ] = "table",
    output: OutputOption = None,
    no_pager: NoPager = False,
    quiet: Quiet = False,
    directory: DirOption = None,
) -> None:
    """List commitments (or articles), filtered."""
    from itertools import islice

    from . import inputs, render, views
    from .query import sort_rows

    tracker = _open(directory)
    filters = _query(status, section, side, owner, tag, due_before, overdue, kind, stale, due_review)
    if party is not None:
        filters = filters._replace(party=inputs.text(party, "--party"))
    rows = (
        (views.list_row(article, article) for article in tracker.iter_articles(filters))
        if articles
        else (views.list_row(row.article, row.commitment) for row in tracker.iter_commitments(filters))
    )
    field = inputs.sort_field(sort)
    # Reading order streams; another order needs every row first.
    ordered = iter(rows if field == "id" else sort_rows(list(rows), field))
    columns = views.LIST_TABLE_COLUMNS if fmt == "table" else views.LIST_COLUMNS
    with _written_to(output), render.paged(_pager(no_pager) if fmt == "table" else None):
        count = render.emit_rows(columns, islice(ordered, limit), fmt, empty_table=False)
        if fmt == "table":
            matching = count + sum(1 for _ in ordered) if limit is not None else None
            render.say(views.matched(count, "article" if articles else "commitment", matching))
    render.problems(tracker.skipped)
    if tracker.skipped:
        _exit(EXIT_ERROR)


@app.command()
def show(
    record_id: Annotated[
        str, typer.Argument(metavar="ID", help="An article (4), a commitment (4.3) or a target (trade).")
    ],
    fmt: Annotated[
        ShowFormat, typer.Option("--format", "-f", metavar="FORMAT", help=_formats(ShowFormat), callback=_as_text)
    ] = "text",
    output: OutputOption = None,
    quiet: Quiet = False,
    directory: DirOption = None,
) -> None:
    """Show everything known of an article, a commitment or a target."""
    from . import inputs, views

    shown = _open(directory).show(inputs.text(record_id, "ID"))
    with _written_to(output):
        views.show(shown, fmt)


@app.command()
def search(
    pattern: Annotated[str, typer.Argument(metavar="PATTERN", help="Text to find; a regular expression with -E.")],
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
    fmt: Annotated[
        SearchFormat, typer.Option("--format", "-f", metavar="FORMAT", help=_formats(SearchFormat), callback=_as_text)
    ] = "text",
    output: OutputOption = None,
    quiet: Quiet = False,
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
    with _written_to(output):
        views.search_results(hits, fmt="count" if count else "ids" if ids else fmt)
    render.problems(skipped)
    if skipped:
        _exit(EXIT_ERROR)
    if not hits:
        _exit(EXIT_NOTHING)


@app.command()
def validate(
    fmt: Annotated[
        ValidateFormat,
        typer.Option("--format", "-f", metavar="FORMAT", help=_formats(ValidateFormat), callback=_as_text),
    ] = "text",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the problems to this regular file, not stderr."),
    ] = None,
    quiet: Quiet = False,
    directory: DirOption = None,
) -> None:
    """Check every record; print each problem as file:line: message (on stderr), or as json. Exit 1 if any."""
    from . import render, views
    from .merge import missing_driver

    tracker = _open(directory)
    # First: a clone that merges records as text is what led to most unmerged records.
    warning = missing_driver(tracker.root)
    if warning:
        _error(f"note: {warning}")
    found = tracker.validate()
    if fmt == "json" or (output is not None and str(output) != "-"):
        with _written_to(output):
            views.problems(found, fmt)
    else:
        render.problems(found)
    if found:
        sys.stderr.write(f"{len(found)} problem{'s' if len(found) != 1 else ''} found\n")
        _exit(EXIT_NOTHING)
    render.chatter(f"{render.visible(_relative(tracker.root))}: all records valid\n", stderr=fmt == "json")


def _relative(path: Path) -> str:
    """A path as the user would type it from here."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@app.command()
def stats(
    by: Annotated[
        StatsBy, typer.Option("--by", metavar="FIELD", help="Count by status, or by kind (agreed, requested, …).")
    ] = "status",
    fmt: Annotated[
        StatsFormat, typer.Option("--format", "-f", metavar="FORMAT", help=_formats(StatsFormat), callback=_as_table)
    ] = "table",
    output: OutputOption = None,
    no_pager: NoPager = False,
    quiet: Quiet = False,
    directory: DirOption = None,
) -> None:
    """Count commitments by status (or by kind), per section and in total."""
    from . import render, views

    tracker = _open(directory)
    columns, rows = views.stats_rows(tracker.statement, tracker.counts(by), by)
    with _written_to(output), render.paged(_pager(no_pager) if fmt == "table" else None):
        render.emit_rows(columns, rows, fmt, title=f"Commitments by {by}")
    render.problems(tracker.skipped)
    if tracker.skipped:
        _exit(EXIT_ERROR)


@app.command("import")
def import_(
    source: Annotated[Path, typer.Argument(metavar="FILE", help="The statement as plain UTF-8 text.")],
    directory: Annotated[
        Path, typer.Option("--dir", metavar="DIR", help="The new records folder: must not exist, or be empty.")
    ],
    title: Annotated[
        str | None,
        typer.Option(
            "--title", metavar="TITLE", help="The statement's title. Default: its opening '# ' line or heading."
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
            metavar="DATE",
            help="The visit or signing date; twice for the first and last day. Default: the first date in the "
            "preamble, else one in the source URL, else none.",
        ),
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Turn a plain-text joint statement into a new records folder: a draft to curate, then commit.

    FILE is UTF-8 text as published (hard-wrapped, Markdown or plain). A first line
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
    render.chatter(
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
        render.chatter(render.visible(describe(event)) + "\n")
    for event, current in change.outranked:
        render.chatter(
            f"  recorded as of {event.on}; a change dated later keeps {event.field} at {render.visible(str(current))}\n"
        )
    if change.committed:
        render.chatter("committed\n")


IdsArgument = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="ID",
        help="Articles or commitments (4, 4.3); - reads them from standard input, one a line.",
        show_default=False,
    ),
]
WhereOption = Annotated[
    list[str] | None,
    typer.Option(
        "--where",
        metavar="FILTERS",
        help="Instead of ids, the commitments `accord list` shows with these filters: "
        "'status=stalled tag=trade' (status, kind, section, side, owner, tag, due-before, overdue).",
    ),
]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Show what would change, record by record; write nothing.")]


def _chosen(tracker: "Tracker", given: list[str] | None, where: list[str] | None, example: str) -> list[str]:
    """The ids a change is for: those given (- for standard input's), or the commitments --where matches."""
    from . import inputs
    from .errors import DataError, NothingToDo

    if where and given:
        raise UsageError("give ids or --where, not both")
    if where:
        terms = inputs.where(where)
        first = {name: values[0] for name, values in terms.items()}
        filters = _query(
            terms.get("status"), [int(n) for n in terms.get("section", [])], terms.get("side"), first.get("owner"),
            terms.get("tag"), first.get("due-before"), "overdue" in terms, terms.get("kind"),
        )  # fmt: skip
        ids = [row.commitment.id for row in tracker.commitments(filters)]
        if tracker.skipped:  # a change meant for every match must not miss the records of a broken file
            problem = tracker.skipped[0]
            raise DataError(problem.path, problem.line, f"{problem.message}; nothing written", problem.field)
        if not ids:
            raise NothingToDo("no commitment matches --where; nothing written")
        return ids
    if not given:
        raise UsageError(f"give one or more ids, - to read them from standard input, or --where: {example}")
    ids = inputs.record_ids(given, sys.stdin.read)
    if not ids:
        raise NothingToDo("no ids on standard input; nothing written")
    return ids


def _report_dry_run(change: "Change") -> None:
    from .wording import describe

    render.say("".join(f"would record {render.visible(describe(e))}\n" for e in change.events))
    sys.stderr.write("accord: dry run: nothing written\n")


def _report(change: "Change", dry_run: bool) -> None:
    if dry_run:
        _report_dry_run(change)
    else:
        _report_change(change)


@app.command("set")
def set_(
    record_ids: IdsArgument = None,
    status: Annotated[
        str | None,
        typer.Argument(
            metavar="STATUS",
            help="not_started, in_progress, ongoing, completed, stalled or dropped.",
            show_default=False,
        ),
    ] = None,
    where: WhereOption = None,
    note: NoteOption = None,
    evidence: EvidenceOption = None,
    by: ByOption = None,
    on: Annotated[str | None, typer.Option("--on", metavar="DATE", help="When it happened, if before today.")] = None,
    party: Annotated[
        str | None,
        typer.Option("--party", metavar="SIDE", help="One party's status, on a commitment both sides carry."),
    ] = None,
    review_by: Annotated[
        str | None,
        typer.Option("--review-by", metavar="DATE|none", help="Review the status by this day; none withdraws it."),
    ] = None,
    internal: InternalOption = None,
    dry_run: DryRun = False,
    no_commit: NoCommit = False,
    quiet: Quiet = False,
    directory: DirOption = None,
) -> None:
    """Change the status of articles or commitments: `accord set 4.1 4.2 in_progress` (--party: one party's)."""
    from . import inputs
    from .api import UNSET

    if status is None or not (record_ids or where):  # `accord set 4.3` forgot the status, not the id
        raise UsageError("give the ids and a STATUS: accord set 4.3 in_progress")
    tracker = _open(directory, by, no_commit, writes=True)
    new = inputs.status(status)
    when = inputs.iso_date(on, "--on") if on else None
    review = UNSET if review_by is None else inputs.date_or_none(review_by, "--review-by")
    note, evidence = _given(note, "--note"), _evidence(evidence)
    chosen = inputs.text(party, "--party") if party is not None else None
    ids = _chosen(tracker, record_ids, where, "accord set 4.3 in_progress")
    change = tracker.set_status_many(
        ids, new, note=note, evidence=evidence, on=when, party=chosen, review_by=review, internal=internal,
        dry_run=dry_run,
    )  # fmt: skip
    _report(change, dry_run)


@app.command()
def note(
    record_ids: IdsArgument = None,
    text: Annotated[
        str | None, typer.Argument(metavar="NOTE", help="What happened, in a sentence or two.", show_default=False)
    ] = None,
    where: WhereOption = None,
    evidence: EvidenceOption = None,
    internal: InternalOption = None,
    by: ByOption = None,
    dry_run: DryRun = False,
    no_commit: NoCommit = False,
    quiet: Quiet = False,
    directory: DirOption = None,
) -> None:
    """Add a note to the history of records without changing their status: `accord note 4.1 4.2 "Reviewed"`."""
    from . import inputs

    if text is None or not (record_ids or where):
        raise UsageError('give the ids and the NOTE: accord note 4.3 "Talks held"')
    tracker = _open(directory, by, no_commit, writes=True)
    text, evidence = inputs.text(text, "NOTE"), _evidence(evidence)
    ids = _chosen(tracker, record_ids, where, 'accord note 4.3 "Talks held"')
    _report(tracker.note_many(ids, text, evidence=evidence, internal=internal, dry_run=dry_run), dry_run)


@app.command()
def edit(
    record_ids: IdsArgument = None,
    owner: Annotated[
        str | None, typer.Option("--owner", metavar="NAME", help="Who follows it up; '' clears it.")
    ] = None,
    due: Annotated[str | None, typer.Option("--due", metavar="DATE", help="When it is due; '' clears it.")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", metavar="TAG", help="Add a tag (repeatable).")] = None,
    untag: Annotated[
        list[str] | None, typer.Option("--untag", metavar="TAG", help="Remove a tag (repeatable).")
    ] = None,
    where: WhereOption = None,
    editor: Annotated[
        bool, typer.Option("--editor", help="Edit one record's owner, due date and tags in $VISUAL or $EDITOR.")
    ] = False,
    note: NoteOption = None,
    by: ByOption = None,
    dry_run: DryRun = False,
    no_commit: NoCommit = False,
    quiet: Quiet = False,
    directory: DirOption = None,
) -> None:
    """Change the owner, due date or tags of articles or commitments."""
    from . import inputs
    from .api import UNSET

    tracker = _open(directory, by, no_commit, writes=True)
    if editor:
        if len(record_ids or []) != 1 or "-" in (record_ids or []) or where or dry_run:
            raise UsageError("--editor edits one record: give its id alone, such as accord edit 4.3 --editor")
        if owner is not None or due is not None or tag or untag or note is not None:
            raise UsageError("--editor takes the owner, due date, tags and note from the editor; leave out the options")
        _report_change(_edit_in_editor(tracker, inputs.text((record_ids or [""])[0], "ID")))
        return
    if owner is None and due is None and not tag and not untag:
        raise UsageError("nothing to edit: give --owner, --due, --tag, --untag or --editor")
    ids = _chosen(tracker, record_ids, where, "accord edit 4.3 --owner 'Trade desk'")
    change = tracker.edit_many(
        ids,
        owner=UNSET if owner is None else inputs.text(owner, "--owner").strip() if owner else None,  # '' clears
        due=UNSET if due is None else inputs.iso_date(due, "--due") if due else None,  # '' clears
        add_tags=[inputs.tag(t) for t in tag or []],
        remove_tags=[inputs.tag(t) for t in untag or []],
        note=_given(note, "--note"),
        dry_run=dry_run,
    )
    _report(change, dry_run)


def _edit_in_editor(tracker: "Tracker", record_id: str) -> "Change":
    """Open the record's form in the user's editor and record what comes back changed."""
    import subprocess
    import tempfile

    from . import settings
    from .errors import NothingToDo

    command = settings.editor()
    form = tracker.edit_form(record_id)
    with tempfile.TemporaryDirectory(prefix="accord-edit-") as folder:
        path = Path(folder) / f"{record_id.strip().lower()}.yaml"
        path.write_text(form, "utf-8")
        try:
            done = subprocess.run([*command, str(path)], check=False)
        except OSError as exc:
            why = exc.strerror or exc
            raise UsageError(f"cannot run the editor {command[0]!r}: {why}; set $VISUAL or $EDITOR") from None
        if done.returncode != 0:
            raise NothingToDo(f"the editor exited with status {done.returncode}; nothing written")
        try:
            edited = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read what the editor left: {exc}; nothing written") from None
    return tracker.edit_with_form(record_id, form, edited, source=path.name)


@app.command()
def undo(by: ByOption = None, no_commit: NoCommit = False, quiet: Quiet = False, directory: DirOption = None) -> None:
    """Take back your last change by appending one that restores the old value."""
    _report_change(_open(directory, by, no_commit, writes=True).undo())


@app.command()
def log(
    record_id: Annotated[
        str | None, typer.Argument(metavar="ID", help="One record; an article includes its commitments.")
    ] = None,
    since: SinceOption = None,
    by: Annotated[str | None, typer.Option("--by", metavar="NAME", help="Only changes by this person.")] = None,
    fmt: Annotated[
        TableFormat, typer.Option("--format", "-f", metavar="FORMAT", help=_formats(TableFormat), callback=_as_table)
    ] = "table",
    public: PublicOption = False,
    output: OutputOption = None,
    quiet: Quiet = False,
    directory: DirOption = None,
) -> None:
    """Every change, newest first."""
    from . import inputs, render, views

    tracker = _open(directory)
    start = inputs.since(since, inputs.today()) if since else None
    wanted = inputs.text(record_id, "ID") if record_id is not None else None
    events = tracker.log(wanted, since=start, by=inputs.text(by, "--by") if by is not None else None)
    with _written_to(output):
        views.log(events, fmt, public)
    render.problems(tracker.skipped)
    if tracker.skipped:
        _exit(EXIT_ERROR)


@app.command(context_settings={"ignore_unknown_options": True})  # VALUE may be negative: -1.5
def measure(
    target: Annotated[str | None, typer.Argument(metavar="TARGET", help="A target, such as trade.")] = None,
    value: Annotated[
        str | None, typer.Argument(metavar="VALUE", help="In the target's unit (94.5), or as published in --currency.")
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            "--date",
            metavar="PERIOD",
            help="A yearly target: a year (2025) or a month (2026-03). A cumulative one: a date (2026-06-30), "
            "or as much as is known: 2024-09, 2024-Q3, 2024, or FROM..TO (2024..2025-03-26).",
        ),
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", metavar="SOURCE", help="Where the figure was published.")
    ] = None,
    series: Annotated[
        str | None, typer.Option("--series", metavar="NAME", help="Default: the series the verdict rests on.")
    ] = None,
    currency: Annotated[
        str | None, typer.Option("--currency", metavar="CODE", help="VALUE is in this currency (KRW); needs --rate.")
    ] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", metavar="SCALE", help="With --currency: thousand, million or billion.")
    ] = None,
    rate: Annotated[
        str | None,
        typer.Option("--rate", metavar="RATE", help="Units of --currency per unit of the target's currency (KRW/USD)."),
    ] = None,
    rate_date: Annotated[str | None, typer.Option("--rate-date", metavar="DATE", help="The day of the rate.")] = None,
    rate_source: Annotated[
        str | None, typer.Option("--rate-source", metavar="SOURCE", help="Where the rate was published.")
    ] = None,
    from_csv: Annotated[
        Path | None,
        typer.Option(
            "--from-csv",
            metavar="FILE",
            help="Record every row of this file (columns: target, series, period or date, value, source, note, "
            "currency, unit, rate, rate_date, rate_source) as one change, or none if a row is bad.",
        ),
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
    quiet: Quiet = False,
    directory: DirOption = None,
) -> None:
    """Record a measurement of a target; the same period again is a correction."""
    from . import inputs, views

    tracker = _open(directory, by, no_commit, writes=True)
    if from_csv is not None:
        given = [name for name, v in (("TARGET", target), ("--period", period), ("--source", source),
                 ("--currency", currency), ("--series", series), ("--note", note)) if v is not None]  # fmt: skip
        if given:
            raise UsageError(f"--from-csv takes its figures from the file: give no {', '.join(given)}")
        change = tracker.measure_from_csv(from_csv, force=force, before_baseline=before_baseline, dry_run=dry_run)
    else:
        missing = [n for n, v in (("TARGET", target), ("VALUE", value), ("--period", period), ("--source", source))
                   if v is None]  # fmt: skip
        if missing or target is None or value is None or period is None or source is None:
            raise UsageError(f"measure needs {', '.join(missing)} (or --from-csv FILE)")
        change = tracker.measure(
            inputs.text(target, "TARGET"), inputs.amount(value), period=inputs.text(period, "--period"),
            source=inputs.text(source, "--source"), series=_given(series, "--series"), note=_given(note, "--note"),
            force=force, before_baseline=before_baseline, dry_run=dry_run,
            currency=_given(currency, "--currency"), unit=_given(unit, "--unit"),
            rate=inputs.amount(rate, "--rate") if rate is not None else None,
            rate_date=inputs.iso_date(rate_date, "--rate-date") if rate_date is not None else None,
            rate_source=_given(rate_source, "--rate-source"),
        )  # fmt: skip
    views.measured(change, dry_run)
    if not dry_run:
        _report_change(change)


@app.command()
def progress(
    target: Annotated[str | None, typer.Argument(metavar="TARGET", help="One target. Default: all.")] = None,
    series: Annotated[
        str | None, typer.Option("--series", metavar="NAME", help="Show this series instead of the primary one.")
    ] = None,
    fmt: Annotated[
        ProgressFormat,
        typer.Option("--format", "-f", metavar="FORMAT", help=_formats(ProgressFormat), callback=_as_table),
    ] = "table",
    output: OutputOption = None,
    no_pager: NoPager = False,
    today: Annotated[
        str | None,
        typer.Option("--today", metavar="DATE", help="As known at the end of this day: later records are left out."),
    ] = None,
    quiet: Quiet = False,
    directory: DirOption = None,
) -> None:
    """Are we on track? Each target's latest value, pace, projection and verdict."""
    from . import inputs, render, views

    tracker = _open(directory)
    day = inputs.iso_date(today, "--today") if today else None
    result = tracker.progress(
        day, target=inputs.text(target, "TARGET") if target is not None else None, series=_given(series, "--series")
    )
    with _written_to(output), render.paged(_pager(no_pager) if fmt == "table" else None):
        views.progress(result, fmt)
    render.problems(tracker.skipped)
    if tracker.skipped:
        _exit(EXIT_ERROR)


@app.command()
def report(
    week_value: Annotated[
        str | None, typer.Argument(metavar="WEEK", help="Which ISO week: YYYY-Www (implies --week).")
    ] = None,
    since: SinceOption = None,
    week: Annotated[bool, typer.Option("--week", help="One ISO week: the current one, or YYYY-Www.")] = False,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", metavar="FORMAT", help=_formats(ReportFormat))] = "md",
    output: OutputOption = None,
    today: Annotated[
        str | None,
        typer.Option("--today", metavar="DATE", help="As known at the end of this day: the same bytes made again."),
    ] = None,
    public: PublicOption = False,
    quiet: Quiet = False,
    stale: Annotated[
        str | None,
        typer.Option("--stale", metavar="10d|8w|3m", help="Attention: open, and no change or note in this long."),
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
    publisher = PUBLISHERS[fmt]()
    with publisher.preparing():
        built = tracker.report(
            today=as_of,
            since=start,
            week=inputs.text(week_value or "current", "--week") if week else None,
            public=public,
            stale_since=inputs.ago(stale, as_of, "--stale") if stale is not None else None,
        )
        text = "".join(publisher.lines(built))
    if output is None or str(output) == "-":
        sys.stdout.write(text)
    else:
        write_file(output, text)
        render.chatter(f"wrote {render.visible(str(output))}\n", stderr=True)
    render.problems(built.unreadable)
    if built.unreadable:
        count = len(built.unreadable)
        _error(f"the report leaves out {count} unreadable record{'s' if count != 1 else ''}")
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


@app.command()
def split(
    commitment_id: Annotated[str, typer.Argument(metavar="ID", help="The commitment to split, such as 4.3.")],
    into: Annotated[
        list[str],
        typer.Option("--into", metavar="EXCERPT", help="A part's excerpt, verbatim from the article (twice or more)."),
    ],
    title: Annotated[
        list[str] | None,
        typer.Option("--title", metavar="TITLE", help="A part's title, one per --into in order; default: the title."),
    ] = None,
    note: NoteOption = None,
    by: ByOption = None,
    no_commit: NoCommit = False,
    quiet: Quiet = False,
    directory: DirOption = None,
) -> None:
    """Split a commitment in two or more: the first part keeps the id, the others take the next free numbers."""
    from . import inputs

    tracker = _open(directory, by, no_commit, writes=True)
    excerpts = [inputs.text(e, "--into") for e in into]
    titles = [inputs.text(t, "--title") for t in title or []]
    note = _given(note, "--note")
    _report_change(tracker.split(inputs.text(commitment_id, "ID"), excerpts, titles=titles, note=note))


target_app = _Typer(
    cls=_Group,
    help="Add numeric targets: a goal, in a unit, by a deadline, with its source.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(target_app, name="target")


@target_app.command("add")
def target_add(
    target_id: Annotated[str, typer.Argument(metavar="ID", help="The new target's id, such as exports.")],
    title: Annotated[str, typer.Option("--title", metavar="TITLE", help="What the goal is, in a line.")],
    commitment: Annotated[str, typer.Option("--commitment", metavar="ID", help="The commitment it measures.")],
    kind: Annotated[
        Literal["level", "cumulative"],
        typer.Option(
            "--kind", metavar="KIND", help="level: a yearly figure to reach; cumulative: a running total to reach."
        ),
    ],
    unit: Annotated[str, typer.Option("--unit", metavar="UNIT", help="Such as 'billion USD'.")],
    value: Annotated[str, typer.Option("--value", metavar="NUMBER", help="The goal, in the unit.")],
    source: Annotated[str, typer.Option("--source", metavar="SOURCE", help="Where the goal is stated.")],
    baseline: Annotated[str, typer.Option("--baseline", metavar="DATE", help="The day progress counts from.")],
    deadline: Annotated[str, typer.Option("--deadline", metavar="DATE", help="The day the goal is due.")],
    article: Annotated[
        str | None, typer.Option("--article", metavar="ID", help="Default: the commitment's article.")
    ] = None,
    series: Annotated[
        str | None, typer.Option("--series", metavar="NAME", help="A first series to measure into (with --label).")
    ] = None,
    label: Annotated[str | None, typer.Option("--label", metavar="LABEL", help="What the series counts.")] = None,
    note: NoteOption = None,
    by: ByOption = None,
    no_commit: NoCommit = False,
    quiet: Quiet = False,
    directory: DirOption = None,
) -> None:
    """Add a numeric target that measures a commitment."""
    from . import inputs

    tracker = _open(directory, by, no_commit, writes=True)
    target = tracker.add_target(
        inputs.text(target_id, "ID"), title=inputs.text(title, "--title"),
        commitment=inputs.text(commitment, "--commitment"), kind=kind, unit=inputs.text(unit, "--unit"),
        value=inputs.amount(value, "--value"), source=inputs.text(source, "--source"),
        baseline=inputs.iso_date(baseline, "--baseline"), deadline=inputs.iso_date(deadline, "--deadline"),
        article=_given(article, "--article"), series=_given(series, "--series"), label=_given(label, "--label"),
        note=_given(note, "--note"),
    )  # fmt: skip
    render.say(render.visible(f"added target {target.id}: {target.title}") + "\n")


merge_app = _Typer(
    cls=_Group,
    help="Let git merge record files by joining their histories.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(merge_app, name="merge-driver")


@merge_app.command("install")
def merge_install(quiet: Quiet = False, directory: DirOption = None) -> None:
    """Set this clone up: .gitattributes lines for the records and the git config that names the driver."""
    from .merge import install, missing_driver

    root = _records(directory)
    for line in install(root):
        render.chatter(line + "\n")
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
        typer.Option(
            "--ci",
            metavar="SERVICE",
            help="github or gitlab: a pipeline that validates every push and keeps the week's report.",
        ),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", metavar="TITLE", help="The statement's title.")] = None,
    language: Annotated[str, typer.Option("--language", metavar="CODE", help="As for import.")] = "en",
    party: Annotated[list[str] | None, typer.Option("--party", metavar="NAME", help="As for import.")] = None,
    drop: Annotated[list[str] | None, typer.Option("--drop", metavar="REGEX", help="As for import.")] = None,
    visit: Annotated[list[str] | None, typer.Option("--date", metavar="DATE", help="As for import.")] = None,
    by: ByOption = None,
    quiet: Quiet = False,
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
    render.chatter(f"{render.visible(str(folder))}: a git repository, {len(done.files)} files in its first commit\n")
    if from_text is None:
        records = render.visible(str(folder / RECORDS))
        render.chatter(
            f"next: accord import FILE --dir {records}, then git add --all and git commit, before any change\n"
        )


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
    quiet: Quiet = False,
    directory: DirOption = None,
) -> None:
    """Write the JSON Schema of each record kind, for editors that check YAML as it is typed."""
    from . import schema as schemas

    folder = output if output is not None else _records(directory) / schemas.SCHEMA_DIR
    for path in schemas.write(folder):
        render.chatter(f"wrote {render.visible(str(path))}\n")


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", metavar="FORMAT", help=_formats(ExportFormat))] = "csv",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write to this regular file; - for stdout (not xlsx)."),
    ] = None,
    bom: Annotated[bool, typer.Option("--bom", help="Start CSV with a byte order mark, for spreadsheets.")] = False,
    public: PublicOption = False,
    quiet: Quiet = False,
    directory: DirOption = None,
) -> None:
    """One flat row per commitment, for spreadsheets: csv, xlsx (needs accord[xlsx]) or json."""
    from . import export as exporting
    from . import views
    from .errors import UsageError
    from .report import write_file

    tracker = _open(directory)
    statement = tracker.statement
    columns = exporting.columns(statement.sides, public)
    rows = exporting.rows(statement, tracker.iter_articles_with_facts(), public)  # read as they are written
    if output is None or str(output) == "-":
        if fmt == "xlsx":
            raise UsageError("an xlsx workbook goes to a file: give -o FILE")
        exporting.write(sys.stdout.buffer, rows, fmt, columns, bom=bom, public=public)
    else:
        write_file(output, lambda out: exporting.write(out, rows, fmt, columns, bom=bom, public=public))
        render.chatter(f"wrote {render.visible(str(output))}\n", stderr=True)
    if public and fmt == "csv":  # a CSV file has no place to say it
        views.left_out_on_stderr()
    render.problems(tracker.skipped)
    if tracker.skipped:
        _exit(EXIT_ERROR)


@app.command()
def side(
    commitment_id: Annotated[str, typer.Argument(metavar="ID", help="A commitment, such as 9.3.")],
    value: Annotated[str, typer.Argument(metavar="SIDE", help="both, or one of the statement's sides.")],
    kind: Annotated[
        str | None,
        typer.Option("--kind", metavar="KIND", help="What the text makes of it, such as requested, proposed, hoped."),
    ] = None,
    asked_by: Annotated[
        str | None,
        typer.Option("--asked-by", metavar="SIDE", help="For a request, proposal or hope: who asked; '' clears it."),
    ] = None,
    note: NoteOption = None,
    by: ByOption = None,
    no_commit: NoCommit = False,
    quiet: Quiet = False,
    directory: DirOption = None,
) -> None:
    """Say which side carries a commitment and, for a request, who asked (an import drafts every one as both)."""
    from . import inputs
    from .api import UNSET

    tracker = _open(directory, by, no_commit, writes=True)
    value, note = inputs.text(value, "SIDE"), _given(note, "--note")
    change = tracker.set_side(
        inputs.text(commitment_id, "ID"), value, note=note, kind=inputs.kind(kind) if kind is not None else UNSET,
        asked_by=UNSET if asked_by is None else inputs.text(asked_by, "--asked-by") if asked_by else None,  # '' clears
    )  # fmt: skip
    _report_change(change)


@app.command("help")
def help_(
    ctx: typer.Context,
    topic: Annotated[
        str | None,
        typer.Argument(metavar="TOPIC", help="A topic, or a command: `accord help set` is `accord set --help`."),
    ] = None,
    man: Annotated[
        bool, typer.Option("--man", help="Print the manual page (roff): accord help --man > accord.1; man -l accord.1")
    ] = False,
) -> None:
    """Help on a topic (records, statuses, exit-codes, options, formats) or a command; alone, the topics."""
    from . import __version__, topics

    top = ctx.find_root()
    group: Any = top.command
    if man:
        global_options = [record for p in group.get_params(top) if (record := p.get_help_record(top))]
        render.write(topics.manual(__version__, group.help or "", global_options, _documented(group, top)))
    elif topic is None:
        width = max(map(len, topics.TOPICS))
        render.write(
            "Topics (accord help TOPIC):\n"
            + "".join(f"  {name.ljust(width)}  {summary}\n" for name, summary in topics.TOPICS.items())
            + "\nCommands (accord help COMMAND, as accord COMMAND --help):\n  "
            + ", ".join(name for name in group.commands)
            + "\n"
        )
    elif topic in topics.TOPICS:
        render.write(topics.page(topic, _documented(group, top)))
    elif topic in group.commands:
        with group.commands[topic].make_context(topic, [], parent=top, resilient_parsing=True) as sub:
            render.write(sub.get_help() + "\n")
    else:
        raise UsageError(f"no help on {topic!r}: give a topic ({', '.join(topics.TOPICS)}) or a command")


def _documented(group: Any, ctx: Any, prefix: str = "") -> "list[CommandDoc]":
    """Every command (`merge-driver install` for a subcommand) as its --help describes it."""
    from .topics import CommandDoc

    found: list[CommandDoc] = []
    for name, command in group.commands.items():
        sub = command.make_context(name, [], parent=ctx, resilient_parsing=True)
        if hasattr(command, "commands"):
            found += _documented(command, sub, f"{prefix}{name} ")
            continue
        params = command.get_params(sub)
        found.append(
            CommandDoc(
                name=prefix + name,
                usage=" ".join(command.collect_usage_pieces(sub)),
                help=command.help or "",
                options=[record for p in params if (record := p.get_help_record(sub))],
                long_names=[o for p in params if p.param_type_name == "option" for o in p.opts if o.startswith("--")],
                formats=_format_choices(command.callback),
            )
        )
    return found
Shell = Literal["bash", "zsh", "fish"]


@app.command()
def completion(shell: Annotated[Shell, typer.Argument(metavar="SHELL", help="bash, zsh or fish.")]) -> None:
    """Print the script that makes SHELL complete accord's commands, options and record ids (see README)."""
    from .completion import script

    sys.stdout.write(script(shell))


def _format_choices(callback: Any) -> list[str]:
    """The values a command's `-f` takes, as its Literal names them; none without -f."""
    import inspect
    from typing import get_args

    fmt = inspect.signature(callback).parameters.get("fmt") if callback else None
    return list(get_args(get_args(fmt.annotation)[0])) if fmt is not None else []


def _only_the_command_asked_for(argv: list[str]) -> None:
    """Build only the command named first on the line: typer builds the options of every command
    before running one, and that cost grows with each command added. Anything else (no command,
    an option first, a mistyped name) keeps them all, for help and suggestions."""
    from typer.main import get_command_name

    words = argv[1:]
    while words and words[0].startswith("-"):  # options before the command: --dir DIR, -q, ...
        words = words[2 if words[0] in _GLOBAL_WITH_VALUE else 1 :]
    name = words[0] if words else ""
    if name == "help":  # help on a command needs the command
        return
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
