"""Values a caller hands the core besides the records' own: who acts, and UNSET for a field left
alone. Kept apart so that a face can name them without loading the write path."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Unset(Enum):
    """The type of UNSET: an argument left out, where None would clear the field."""

    UNSET = "UNSET"


UNSET = Unset.UNSET


@dataclass(frozen=True)
class Actor:
    """Who makes a change: the name recorded in the history and the commit, and an e-mail for git."""

    name: str
    email: str | None
