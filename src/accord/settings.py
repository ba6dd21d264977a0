"""accord's settings from the environment, read and checked in one place.

A value accord cannot understand is a usage error, never a silent default: a typo in
ACCORD_COMMIT must not turn commits off, and ACCORD_LOCK_TIMEOUT=-1 must not wait forever.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping

from .errors import UsageError

DEFAULT_LOCK_TIMEOUT = 10.0

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def lock_timeout(environ: Mapping[str, str] = os.environ) -> float:
    """ACCORD_LOCK_TIMEOUT: how long to wait for another writer, in seconds (default 10)."""
    text = environ.get("ACCORD_LOCK_TIMEOUT", "").strip()
    if not text:
        return DEFAULT_LOCK_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise UsageError(f"ACCORD_LOCK_TIMEOUT={text!r}: give a number of seconds, 0 or more (default 10)")
    return seconds


def commit_wanted(environ: Mapping[str, str] = os.environ) -> bool:
    """ACCORD_COMMIT: commit each change (the default) or not."""
    text = environ.get("ACCORD_COMMIT", "").strip()
    return flag(text, "ACCORD_COMMIT") if text else True


def flag(text: str, name: str) -> bool:
    """A yes/no setting, spelled as git spells booleans."""
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise UsageError(f"{name}={text!r}: use 1 or 0 (or true/false, yes/no, on/off)")
