"""Exceptions raised by accord's core; `cli.run` turns them into one line and an exit code."""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_NOTHING = 1  # search matched nothing, validate found problems, nothing to undo
EXIT_ERROR = 2  # bad usage or bad data
EXIT_BUG = 3  # an exception accord did not expect: a bug
EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, as the shell reports it
EXIT_BROKEN_PIPE = 141  # the reader went away (`accord list | head -1`): 128 + SIGPIPE, as for grep


class AccordError(Exception):
    """A failure the user can act on: printed as one line, never as a traceback."""

    exit_code = EXIT_ERROR


class UsageError(AccordError):
    """The command line asked for something impossible (unknown id, bad status, bad date)."""


class NotFoundError(UsageError):
    """An id that names no record."""


class InvalidValue(UsageError):
    """A value the records cannot take: an unknown status, an empty note, a bad link, a date in the future."""


class DoubtfulFigure(InvalidValue):
    """A figure that looks like a slip (far over the goal, a jump from the last one): recorded only when forced."""


class RecordsNotFound(AccordError):
    """No records folder could be found."""


class DataError(AccordError):
    """A record file is unreadable or invalid."""

    def __init__(self, path: Path | str, line: int | None, message: str, field: str | None = None):
        self.path = Path(path)
        self.line = line
        self.field = field
        self.message = message
        super().__init__(self.location() + ": " + (f"{field}: " if field else "") + message)

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)


class ConflictError(AccordError):
    """The record changed under us, or an undo would overwrite someone else's change."""


class LockTimeout(AccordError):
    """Another accord process held the records' lock for too long."""


class GitError(AccordError):
    """git failed; the message carries git's own words."""


class NothingToDo(AccordError):
    """Nothing to undo: not an error, but not a success either."""

    exit_code = EXIT_NOTHING
