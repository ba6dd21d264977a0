"""The pages of `accord help TOPIC`: the records' layout, the statuses, the exit codes and the
options every command shares. Each is written once, here, from the code it describes (the
statuses from model.Status, the codes from errors.py); README.md quotes each page between
`<!-- topic: NAME -->` and `<!-- /topic -->`, and a test holds the two equal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from . import errors
from .model import CLOSED_STATUSES, Status

_STATUS_MEANINGS = {
    Status.NOT_STARTED: "nothing done yet; every record starts here",
    Status.IN_PROGRESS: "work under way towards an end",
    Status.ONGOING: "continuing cooperation with no end point",
    Status.COMPLETED: "done",
    Status.STALLED: "started, but not moving",
    Status.DROPPED: "given up, by one side or both",
}

_EXIT_MEANINGS = {
    errors.EXIT_OK: "success; `search` found something",
    errors.EXIT_NOTHING: "`search` found nothing; `validate` found problems; `undo` had nothing to undo; the merge "
    "driver left a conflict",
    errors.EXIT_ERROR: "usage or data error: bad option or value, unknown id, unreadable or invalid record, lock "
    "timeout, failed write, git failure",
    errors.EXIT_BUG: "a bug: an error accord did not expect (`accord: internal error: ...`); set `ACCORD_DEBUG=1` for "
    "the traceback",
    errors.EXIT_INTERRUPTED: "interrupted (Ctrl-C), at any moment, with at most `accord: interrupted` on stderr",
    errors.EXIT_BROKEN_PIPE: "the reader closed the pipe (`accord log \\| head -1`): nothing more is written, nothing "
    "is said, as for grep",
}

# What each shared option means, in the order the table lists them.
SHARED_OPTIONS = {
    "--dir": "the records folder, also before the command: `accord --dir DIR list` (`import --dir`: the new one)",
    "--format": "`-f`: the output's format; `table` and `text` both name the one drawn for people, the others are "
    "plain and stable",
    "--output": "`-o FILE`: write to a regular file, whole, instead of stdout (`-`: stdout; `schema -o FOLDER`)",
    "--since": "from a day to today: `2026-11-01`, or so long ago: `7d`, `2w`, `3m` (as `--stale`)",
    "--quiet": "`-q`: no confirmation (`committed`, `wrote FILE`); errors and warnings still show",
    "--by": "who makes the change (`log --by`: only changes by this person; `stats --by`: what to count by)",
    "--note": "why, in a sentence",
    "--no-commit": "write the record but do not commit it",
    "--no-pager": "never page long output",
}

# What each value of `-f` writes, in the order every command's help lists them.
FORMATS = {
    ("table", "text"): "for people: a table, or text where the output is not one (`show`, `search`, `validate`); "
    "coloured only on a terminal, and paged there when long (`list`, `stats`, `progress`)",
    ("json",): "for tools: exact values, a list of objects wherever the others show rows",
    ("csv",): "a header row, then one row per record; a cell a spreadsheet would run as a formula starts with `'`",
    ("ids",): "the ids only, one a line, for pipes: `accord list --overdue -f ids \\| xargs ...`",
    ("md",): "Markdown: pipe tables, headings",
    ("yaml",): "the record as it is stored",
    ("html",): "one self-contained page",
    ("xlsx",): "a workbook, to a file (`-o FILE`)",
}


def statuses() -> str:
    closed = " (closed: never overdue)"
    rows = [f"| `{s.value}` | {_STATUS_MEANINGS[s]}{closed if s in CLOSED_STATUSES else ''} |" for s in Status]
    return (
        "| status | meaning |\n|---|---|\n" + "\n".join(rows) + "\n\n"
        "Every record starts as `not_started`. Any status may follow any other (`accord set ID STATUS`, a status in\n"
        "any case, with `-`, `_` or a space between words); each change is an event in the record's history, and\n"
        "`accord undo` takes the last one back.\n"
    )


def exit_codes() -> str:
    rows = [f"| {code} | {meaning} |" for code, meaning in sorted(_EXIT_MEANINGS.items())]
    return "| code | meaning |\n|---:|---|\n" + "\n".join(rows) + "\n"


def records() -> str:
    return """```
statement/
  statement.yaml        title, parties, visit (dates, place, where stated), language, source, preamble, sections,
                        notes_internal_by_default (optional)
  glossary.yaml         names for one thing (KVFTA = VKFTA, Oostzee = South China Sea, trade = handel, …)
  articles/<id>.yaml    one record per article, with its commitments and its history
  targets/<id>.yaml     one record per numeric target, with its series and its history
  source/               the source text as received, and the public figures with their sources
  schema/               the JSON Schema of each record kind, for editors (`accord schema`)
```

A record's file name is its id, so a command that names an id reads one file and a change
rewrites one file, however large the statement grows. `accord show ID --format yaml` prints a
record as it is stored; `accord schema` writes the JSON Schema of each kind.
"""


@dataclass(frozen=True)
class CommandDoc:
    """One command as its --help describes it: the command line reads it off the commands themselves."""

    name: str  # `merge-driver install` for a subcommand
    usage: str  # `[OPTIONS] ID STATUS`
    help: str
    options: list[tuple[str, str]]  # (`--on DATE`, what it does), arguments first
    long_names: list[str]  # `--on`, `--dir`, ...
    formats: list[str] = field(default_factory=list)  # what its -f takes


def options(commands: Sequence[CommandDoc]) -> str:
    """The shared options' table: for each, what it means and which commands take it."""
    rows = []
    for option, meaning in SHARED_OPTIONS.items():
        taking = [command.name for command in commands if option in command.long_names]
        rows.append(f"| `{option}` | {meaning} | {', '.join(taking) or '-'} |")
    return "| option | meaning | commands |\n|---|---|---|\n" + "\n".join(rows) + "\n"


def formats(commands: Sequence[CommandDoc]) -> str:
    """The values of `-f`: for each, what it writes and which commands take it."""
    rows = []
    for names, meaning in FORMATS.items():
        taking = [command.name for command in commands if set(names) & set(command.formats)]
        rows.append(f"| {', '.join(f'`{name}`' for name in names)} | {meaning} | {', '.join(taking)} |")
    return "| format | what it writes | commands |\n|---|---|---|\n" + "\n".join(rows) + "\n"


TOPICS = {
    "records": "the records folder and its files",
    "statuses": "the statuses a record can have",
    "exit-codes": "what accord's exit status means",
    "options": "the options the commands share",
    "formats": "the output formats, and which commands write each",
}


def page(topic: str, commands: Sequence[CommandDoc]) -> str:
    """One topic's page; `commands` for the options and formats pages."""
    if topic == "options":
        return options(commands)
    if topic == "formats":
        return formats(commands)
    return {"records": records, "statuses": statuses, "exit-codes": exit_codes}[topic]()


def manual(
    version: str, summary: str, global_options: Sequence[tuple[str, str]], commands: Sequence[CommandDoc]
) -> str:
    """`accord help --man`: a manual page (roff, man(7) macros) of the same text as --help and the topics."""
    lines = [
        f'.TH ACCORD 1 "" "accord {_roff(version)}" "User Commands"',
        ".SH NAME",
        f"accord \\- {_roff(summary[:1].lower() + summary[1:].rstrip('.'))}",
        ".SH SYNOPSIS",
        ".B accord",
        r"[\fIOPTIONS\fR] \fICOMMAND\fR [\fIARGS\fR]...",
        ".SH DESCRIPTION",
        _roff(summary),
        "Every command takes \\fB\\-h\\fR; \\fBaccord help\\fR lists the topics below.",
        ".SH OPTIONS",
        *_definitions(global_options),
        ".SH COMMANDS",
    ]
    for command in commands:
        lines += [f'.SS "accord {_roff(command.name)} {_roff(command.usage)}"', _roff(command.help)]
        lines += _definitions(command.options)
    for title, text in (("FILES", records()), ("STATUSES", statuses()), ("EXIT STATUS", exit_codes()),
                        ("SHARED OPTIONS", options(commands)), ("OUTPUT FORMATS", formats(commands))):  # fmt: skip
        lines += [f'.SH "{title}"', ".nf", _roff(text), ".fi"]
    lines += [".SH SEE ALSO", r"\fBgit\fR(1)"]
    return "\n".join(lines) + "\n"


def _definitions(records: Sequence[tuple[str, str]]) -> list[str]:
    return [line for term, text in records for line in (".TP", rf"\fB{_roff(term)}\fR", _roff(text))]


def _roff(text: str) -> str:
    """Text as roff prints it: a backslash and a hyphen as themselves, any other character by its
    code point (`\\[u2026]`), no line read as a request."""
    escaped = text.replace("\\", "\\e").replace("-", "\\-")
    escaped = "".join(c if c.isascii() else f"\\[u{ord(c):04X}]" for c in escaped)
    return "\n".join("\\&" + line if line.startswith((".", "'")) else line for line in escaped.splitlines())
