"""Values a caller hands the core besides the records' own: who acts, and UNSET for a field left
alone. Kept apart so that a face can name them without loading the write path."""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple


class Unset(Enum):
    """The type of UNSET: an argument left out, where None would clear the field."""

    UNSET = "UNSET"


UNSET = Unset.UNSET


class Actor(NamedTuple):
    """Who makes a change: the name recorded in the history and the commit, and an e-mail for git."""

    name: str
    email: str | None
