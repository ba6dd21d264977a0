"""accord: track the commitments of a joint statement, kept as YAML records in git.

    import accord
    tracker = accord.open("statement", actor="Le Van A")
    tracker.set_status("4.5", accord.Status.IN_PROGRESS, note="Talks held in Seoul")

The names below are imported on first use (PEP 562), so that `import accord` and
`accord --version` do not pay for the models, YAML or the terminal output.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: `import accord` and `accord --version` load no typing
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"

# name -> the module that defines it
_EXPORTS = {
    **dict.fromkeys(["open", "Tracker", "CommitmentRow", "SearchHit", "Shown", "Problem"], "api"),
    **dict.fromkeys(["Unset", "UNSET"], "arguments"),
    **dict.fromkeys(["TargetHit", "TextMatch"], "api"),
    "Actor": "arguments",
    "Change": "changes",
    "Filters": "query",
    "Overview": "tracking",
    "Report": "report",
    **dict.fromkeys(
        [
            "Status",
            "Kind",
            "Statement",
            "Glossary",
            "Article",
            "Commitment",
            "Event",
            "Target",
            "Series",
            "Measurement",
        ],
        "model",
    ),
    **dict.fromkeys(
        [
            "AccordError",
            "UsageError",
            "InvalidValue",
            "DoubtfulFigure",
            "NotFoundError",
            "RecordsNotFound",
            "DataError",
            "ConflictError",
            "LockTimeout",
            "GitError",
            "NothingToDo",
        ],
        "errors",
    ),
}

__all__ = ["__version__", *_EXPORTS]

if TYPE_CHECKING:  # what type checkers see; at run time __getattr__ below imports them
    from .api import CommitmentRow as CommitmentRow
    from .api import Problem as Problem
    from .api import SearchHit as SearchHit
    from .api import Shown as Shown
    from .api import TargetHit as TargetHit
    from .api import TextMatch as TextMatch
    from .api import Tracker as Tracker
    from .api import open as open
    from .arguments import UNSET as UNSET
    from .arguments import Actor as Actor
    from .arguments import Unset as Unset
    from .changes import Change as Change
    from .errors import AccordError as AccordError
    from .errors import ConflictError as ConflictError
    from .errors import DataError as DataError
    from .errors import DoubtfulFigure as DoubtfulFigure
    from .errors import GitError as GitError
    from .errors import InvalidValue as InvalidValue
    from .errors import LockTimeout as LockTimeout
    from .errors import NotFoundError as NotFoundError
    from .errors import NothingToDo as NothingToDo
    from .errors import RecordsNotFound as RecordsNotFound
    from .errors import UsageError as UsageError
    from .model import Article as Article
    from .model import Commitment as Commitment
    from .model import Event as Event
    from .model import Glossary as Glossary
    from .model import Kind as Kind
    from .model import Measurement as Measurement
    from .model import Series as Series
    from .model import Statement as Statement
    from .model import Status as Status
    from .model import Target as Target
    from .query import Filters as Filters
    from .report import Report as Report
    from .tracking import Overview as Overview


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'accord' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # once found, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
