"""`accord` and `python -m accord`.

`accord --version` and the shell's completion requests are answered here, before the command
line (typer, and what it loads) is imported: both come back about as fast as Python starts.
A Ctrl-C while the command line loads exits quietly too.
"""

import os
import sys

from .errors import EXIT_INTERRUPTED


def main() -> None:
    try:
        arguments = sys.argv[1:]
        if arguments in (["--version"], ["-V"]):
            from . import __version__

            sys.stdout.write(f"accord {__version__}\n")
            return
        if os.environ.get("ACCORD_COMPLETE"):
            from .completion import answer

            answer(arguments, os.environ)
            return
        # No pydantic plugin has a use in a command: without this, the first model scans every
        # installed distribution's entry points for one. A value the user set is theirs.
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
        from .cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("accord: interrupted\n")
        sys.exit(EXIT_INTERRUPTED)
    run()


if __name__ == "__main__":
    main()
