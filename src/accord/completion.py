"""Shell completion for bash, zsh and fish, answered without loading the command line.

`accord completion SHELL` prints a script that the shell runs on each Tab; the script runs
`accord` again with ACCORD_COMPLETE set and the words typed so far, and offers what it prints,
one word a line. That request is answered here, from `completion_table` (the commands and their
options, generated from the command line: `python -m accord.completion` writes it again) and
from the records (`lookup.record_ids`): no typer, rich or pydantic is loaded, so an answer
takes about as long as starting Python.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from .completion_table import COMMANDS, GLOBAL_OPTIONS, KINDS, STATUSES

TYPE_CHECKING = False  # not typing's: a Tab loads no more than it must
if TYPE_CHECKING:
    from typing import Any

# What an option's value or an argument is, by option name or metavar: where the words come from.
_VALUE_KINDS = {
    "--status": "status",
    "STATUS": "status",
    "--kind": "kind",
    "--side": "side",
    "SIDE": "side",
    "--series": "series",
    "ID": "record",
    "[ID]": "record",
    "TARGET": "target",
    "[TARGET]": "target",
}

_SCRIPTS = {
    "bash": """\
# accord completion for bash: source this file, or put it in ~/.local/share/bash-completion/completions/accord
_accord_complete() {
    local IFS=$'\\n'
    COMPREPLY=($(ACCORD_COMPLETE=bash accord "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
    if [[ ${#COMPREPLY[@]} -eq 0 && "${COMP_WORDS[COMP_CWORD]}" != -* ]]; then
        COMPREPLY=($(compgen -f -- "${COMP_WORDS[COMP_CWORD]}"))
    fi
}
complete -o filenames -F _accord_complete accord
""",
    "zsh": """\
#compdef accord
# accord completion for zsh: save as _accord in a folder of $fpath, e.g. ~/.zfunc (then: autoload -U compinit; compinit)
_accord() {
    local -a offered
    offered=("${(@f)$(ACCORD_COMPLETE=zsh accord "${(@)words[2,CURRENT]}" 2>/dev/null)}")
    if (( ${#offered[@]} )) && [[ -n "${offered[1]}" ]]; then
        compadd -- "${offered[@]}"
    else
        _files
    fi
}
if [[ "${zsh_eval_context[-1]}" == loadautofunc ]]; then
    _accord "$@"
else
    compdef _accord accord
fi
""",
    "fish": """\
# accord completion for fish: save as ~/.config/fish/completions/accord.fish
function __accord_complete
    set -l typed (commandline -opc) (commandline -ct)
    env ACCORD_COMPLETE=fish accord $typed[2..-1] 2>/dev/null
end
complete -c accord -f -a '(__accord_complete)'
""",
}


def script(shell: str) -> str:
    """The completion script for `shell` (bash, zsh or fish)."""
    return _SCRIPTS[shell]


def answer(words: Sequence[str], environ: Mapping[str, str]) -> None:
    """Print the completions of the last of `words` (the words after `accord`), one a line."""
    sys.stdout.write("".join(f"{word}\n" for word in candidates(words, environ)))


def candidates(words: Sequence[str], environ: Mapping[str, str]) -> list[str]:
    """What may stand for the last of `words`, given the ones before it."""
    *before, current = words or [""]
    spec: dict[str, Any] = {"commands": COMMANDS, "options": GLOBAL_OPTIONS, "arguments": []}
    records: Path | None = None
    given: list[str] = []  # the arguments typed so far
    wants: str | None = None  # the kind of value the previous word, an option, asks for
    for word in before:
        if wants is not None:
            if wants == "dir":
                records = Path(word)
            wants = None
        elif word.startswith("-"):
            wants = spec["options"].get(word) or None
        elif spec.get("commands") and word in spec["commands"]:
            spec = spec["commands"][word]
        elif not spec.get("commands"):
            given.append(word)
    if wants is not None:
        offered = _values(wants, records, environ, given)
    elif current.startswith("-"):
        offered = list(spec["options"])
    elif spec.get("commands"):
        offered = list(spec["commands"])
    elif len(given) < len(spec["arguments"]):
        offered = _values(spec["arguments"][len(given)], records, environ, given)
    else:
        offered = []
    return sorted(word for word in offered if word.startswith(current))


def _values(kind: str, records: Path | None, environ: Mapping[str, str], given: Sequence[str]) -> list[str]:
    """The words that may stand for a value of `kind`: choices, statuses, or names from the records
    (a series: of the target among the arguments `given`, if one is)."""
    if kind.startswith("choice:"):
        return kind[len("choice:") :].split(",")
    if kind == "status":
        return list(STATUSES)
    if kind == "kind":
        return list(KINDS)
    if kind not in ("record", "target", "side", "series"):
        return []  # a file, a date, free text: the shell's own completion, or nothing
    from . import lookup
    from .errors import RecordsNotFound

    if records is None and environ.get("ACCORD_DIR"):
        records = Path(environ["ACCORD_DIR"])
    try:
        root = lookup.find_records(records)
    except RecordsNotFound:
        return []
    if kind == "side":
        return ["both", *lookup.sides(root)]
    if kind == "series":
        series = lookup.series_names(root)
        named = [series[word] for word in given if word in series]
        return sorted({name for names in (named or series.values()) for name in names})
    found = lookup.record_ids(root)
    return found.targets if kind == "target" else found.articles + found.commitments + found.targets


# -- the table of commands, from the command line -------------------------------------------


def table_of(group: Any) -> dict[str, Any]:
    """The commands of a typer group (`typer.main.get_command(app)`), their options and what each
    option's value and each argument is, as `completion_table` holds them."""
    from typing import Literal, get_args, get_origin

    def kind_of(param: Any) -> str:
        if param.param_type_name == "option" and param.is_flag:
            return ""
        named = _VALUE_KINDS.get(param.opts[0]) or _VALUE_KINDS.get(param.metavar or "")
        if named:
            return named
        annotation = param.type_descriptor.annotation
        for inner in (annotation, *get_args(annotation)):
            if get_origin(inner) is Literal:
                return "choice:" + ",".join(get_args(inner))
            if inner is Path:
                return "dir" if param.opts[0] == "--dir" else "file"
        return "text"

    def command(cmd: Any) -> dict[str, Any]:
        entry: dict[str, Any] = {"options": {}, "arguments": []}
        for param in cmd.params:
            if param.param_type_name == "argument":
                entry["arguments"].append(kind_of(param))
            else:
                for opt in [*param.opts, *param.secondary_opts]:
                    entry["options"][opt] = kind_of(param)
        entry["options"].update(dict.fromkeys(["-h", "--help"], ""))
        if getattr(cmd, "commands", None):
            entry["commands"] = {name: command(sub) for name, sub in sorted(cmd.commands.items()) if not sub.hidden}
        return entry

    return command(group)


def table_source(group: Any) -> str:
    """The text of `completion_table.py` for the typer group `group`."""
    from pprint import pformat

    from .model import Kind, Status

    top = table_of(group)
    return (
        '"""Commands, options and values for shell completion; generated from the command line by\n'
        '`python -m accord.completion`, do not edit (a test fails when it is out of date)."""\n\n'
        "from __future__ import annotations\n\n"
        "TYPE_CHECKING = False\n"
        "if TYPE_CHECKING:\n"
        "    from typing import Any\n\n"
        f"STATUSES = {pformat(tuple(s.value for s in Status))}\n"
        f"KINDS = {pformat(tuple(k.value for k in Kind))}\n"
        f"GLOBAL_OPTIONS: dict[str, str] = {pformat(top['options'], width=100)}\n"
        f"COMMANDS: dict[str, Any] = {pformat(top['commands'], width=100)}\n"
    )


if __name__ == "__main__":  # python -m accord.completion: write completion_table.py again
    from typer.main import get_command

    from .cli import app

    written = Path(__file__).with_name("completion_table.py")
    written.write_text(table_source(get_command(app)), encoding="utf-8")
    sys.stdout.write(f"wrote {written}\n")
