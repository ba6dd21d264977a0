"""`accord` and `python -m accord`: a Ctrl-C while the command line loads exits quietly too."""

import sys

from .errors import EXIT_INTERRUPTED


def main() -> None:
    try:
        from .cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("accord: interrupted\n")
        sys.exit(EXIT_INTERRUPTED)
    run()


if __name__ == "__main__":
    main()
