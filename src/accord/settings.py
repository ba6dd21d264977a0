"""accord's settings from the environment, read and checked in one place: the command line's.

The core reads no environment variable; the command line reads these and passes the values on.
A value accord cannot understand is a usage error, never a silent default: a typo in
ACCORD_COMMIT must not turn commits off, and ACCORD_LOCK_TIMEOUT=-1 must not wait forever.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path

from .errors import UsageError
from .text import yes_or_no


def lock_timeout(environ: Mapping[str, str] = os.environ) -> float:
    """ACCORD_LOCK_TIMEOUT: how long to wait for another writer, in seconds."""
    from .storage import DEFAULT_LOCK_TIMEOUT  # here: --color is read on every command line, before any record

    text = environ.get("ACCORD_LOCK_TIMEOUT", "").strip()
    if not text:
        return DEFAULT_LOCK_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise UsageError(
            f"ACCORD_LOCK_TIMEOUT={text!r}: give a number of seconds, 0 or more (default {DEFAULT_LOCK_TIMEOUT:g})"
        )
    return seconds


def commit_wanted(environ: Mapping[str, str] = os.environ) -> bool:
    """ACCORD_COMMIT: commit each change (the default) or not."""
    text = environ.get("ACCORD_COMMIT", "").strip()
    return yes_or_no(text, "ACCORD_COMMIT") if text else True


def records_dir(environ: Mapping[str, str] = os.environ) -> Path | None:
    """ACCORD_DIR: the records folder, when --dir does not name one."""
    return Path(environ["ACCORD_DIR"]) if environ.get("ACCORD_DIR") else None


def user(environ: Mapping[str, str] = os.environ) -> str | None:
    """ACCORD_USER: who makes changes, when --by does not say."""
    return environ.get("ACCORD_USER") or None


def email(environ: Mapping[str, str] = os.environ) -> str | None:
    """ACCORD_EMAIL: the email address recorded in commits."""
    return environ.get("ACCORD_EMAIL") or None


COLOUR_CHOICES = ("auto", "always", "never")


def colour(choice: str, environ: Mapping[str, str] = os.environ) -> bool | None:
    """--color: `always` and `never` as said; `auto` is off under NO_COLOR (any non-empty value) or
    TERM=dumb, else left to whether the output is a terminal (None)."""
    if choice not in COLOUR_CHOICES:
        raise UsageError(f"--color {choice!r}: give auto, always or never")
    if choice != "auto":
        return choice == "always"
    if environ.get("NO_COLOR", "") != "" or environ.get("TERM", "") == "dumb":
        return False
    return None


def editor(environ: Mapping[str, str] = os.environ) -> list[str]:
    """VISUAL, else EDITOR, else vi: the editor's command, split as a shell splits words (`code --wait`)."""
    import shlex

    text = (environ.get("VISUAL") or "").strip() or (environ.get("EDITOR") or "").strip() or "vi"
    try:
        command = shlex.split(text)
    except ValueError as exc:
        raise UsageError(f"the editor {text!r} ($VISUAL or $EDITOR): {exc}") from None
    if not command or not command[0]:
        raise UsageError("$VISUAL or $EDITOR names no command")
    return command
