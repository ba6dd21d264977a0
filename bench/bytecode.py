"""Time accord as users run it: with the bytecode pip writes at install.

With PYTHONDONTWRITEBYTECODE set (as in some shells and containers), a source checkout compiles
every accord module again at each start and every figure is inflated. `as_installed()` drops the
variable from this process's environment, which every command timed inherits, and compiles the
accord package the timed commands import, once, before any timing.
"""

from __future__ import annotations

import compileall
import importlib.util
import os
from pathlib import Path


def as_installed() -> None:
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    spec = importlib.util.find_spec("accord")
    if spec is None or spec.origin is None:
        raise SystemExit("accord is not installed in this Python")
    compileall.compile_dir(Path(spec.origin).parent, quiet=1)
