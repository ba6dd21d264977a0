"""The pages of `accord help TOPIC`: the records' layout, the statuses, the exit codes and the
options every command shares. Each is written once, here, from the code it describes (the
statuses from model.Status, the codes from errors.py); README.md quotes each page between
`<!-- topic: NAME -->` and `<!-- /topic -->`, and a test holds the two equal."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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
    "--output": "`-o FILE`: write to a regular file instead of stdout (`-` for stdout)",
    "--since": "from a day to today: `2026-11-01`, or so long ago: `7d`, `2w`",
    "--quiet": "`-q`: no confirmation (`committed`, `wrote FILE`); errors and warnings still show",
    "--by": "who makes the change (`log --by`: only changes by this person; `stats --by`: what to count by)",
    "--note": "why, in a sentence",
    "--no-commit": "write the record but do not commit it",
    "--no-pager": "never page long output",
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
  statement.yaml        title, parties, visit (dates, place, where stated), language, source, preamble, sections
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


def options(commands: Mapping[str, Sequence[str]]) -> str:
    """The shared options' table: for each, what it means and which commands take it.
    `commands` maps each command to the long names of its options."""
    rows = []
    for option, meaning in SHARED_OPTIONS.items():
        taking = [name for name, names in commands.items() if option in names]
        rows.append(f"| `{option}` | {meaning} | {', '.join(taking) or '-'} |")
    return "| option | meaning | commands |\n|---|---|---|\n" + "\n".join(rows) + "\n"


TOPICS = {
    "records": "the records folder and its files",
    "statuses": "the statuses a record can have",
    "exit-codes": "what accord's exit status means",
    "options": "the options the commands share",
}


def page(topic: str, commands: Mapping[str, Sequence[str]]) -> str:
    """One topic's page; `commands` as for `options`."""
    if topic == "options":
        return options(commands)
    return {"records": records, "statuses": statuses, "exit-codes": exit_codes}[topic]()
