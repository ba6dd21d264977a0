"""Shell completion: the script `accord completion SHELL` prints, run by the real shell, offers
the commands, options, statuses, sides, record ids, targets and series a user may type next;
answering loads none of typer, rich or pydantic; the table of commands it uses is the one the
command line has."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from accord import completion_table
from accord.completion import table_source
from conftest import Accord

BIN = str(Path(sys.executable).parent)  # where the `accord` console script is installed
STATUSES = ["completed", "dropped", "in_progress", "not_started", "ongoing", "stalled"]


def shell_env(records: Path) -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "ACCORD_DIR": str(records)}


def commitments_of(accord: Accord, article: str) -> list[str]:
    return [c["id"] for c in json.loads(accord("show", article, "--format", "json").stdout)["commitments"]]


def bash(records: Path, words: list[str], cwd: Path | None = None) -> list[str]:
    """What bash offers after `words` (the last one being typed), through the script accord prints;
    where accord offers nothing, bash's file names in `cwd`."""
    typed = " ".join(f"'{w}'" for w in words)
    program = (
        'source <(accord completion bash)\n'
        f"COMP_WORDS=(accord {typed}); COMP_CWORD={len(words)}\n"
        '_accord_complete\nprintf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(["bash", "-c", program], capture_output=True, text=True, env=shell_env(records), cwd=cwd)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return sorted(line for line in done.stdout.splitlines() if line)


def test_the_table_of_commands_is_the_one_the_command_line_has() -> None:
    """Adding a command or an option without `python -m accord.completion` fails here."""
    from typer.main import get_command

    from accord.cli import app

    assert Path(completion_table.__file__).read_text("utf-8") == table_source(get_command(app))


def test_bash_completes_command_names(records: Path) -> None:
    assert bash(records, ["s"]) == ["schema", "search", "set", "show", "side", "split", "stats"]
    assert "merge-driver" in bash(records, [""]) and "completion" in bash(records, [""])
    assert bash(records, ["merge-driver", ""]) == ["install", "merge"]


def test_bash_completes_options_of_the_command_typed(records: Path) -> None:
    assert bash(records, ["list", "--ov"]) == ["--overdue"]
    assert bash(records, ["set", "4.5", "--n"]) == ["--no-commit", "--note"]
    assert "--articles" not in bash(records, ["show", "--"])


def test_bash_completes_record_ids_from_the_records(records: Path, accord: Accord) -> None:
    assert bash(records, ["show", "4."]) == sorted(commitments_of(accord, "4"))
    seventeens = ["17", "17a", *commitments_of(accord, "17"), *commitments_of(accord, "17a")]
    assert bash(records, ["set", "17"]) == sorted(seventeens)
    assert bash(records, ["progress", ""]) == ["edcf", "edpf", "trade"]
    assert set(bash(records, ["log", "tr"])) == {"trade"}


def test_bash_completes_statuses_sides_kinds_formats_and_series(records: Path) -> None:
    assert bash(records, ["set", "4.5", ""]) == STATUSES
    assert bash(records, ["list", "--status", "in"]) == ["in_progress"]
    assert bash(records, ["list", "--side", ""]) == ["both", "korea", "vietnam"]
    assert bash(records, ["side", "9.3", ""]) == ["both", "korea", "vietnam"]
    assert bash(records, ["list", "-f", ""]) == ["csv", "ids", "json", "table", "text"]
    assert bash(records, ["list", "--kind", "p"]) == ["pledged", "proposed"]
    assert bash(records, ["measure", "trade", "90", "--series", ""]) == ["korea", "vietnam"]


def test_ids_come_from_the_folder_dir_names(records: Path, tmp_path: Path) -> None:
    """`--dir` on the line wins over ACCORD_DIR, as it does for the command itself."""
    other = tmp_path / "other"
    shutil.copytree(records, other)
    (other / "articles" / "4.yaml").rename(other / "articles" / "44.yaml")
    offered = bash(tmp_path / "nowhere", ["show", "--dir", str(other), "4"])
    assert "44" in offered and "4" not in offered


def test_a_new_commitment_written_since_the_last_read_is_offered(records: Path, accord: Accord) -> None:
    """The index is only used for bytes it holds: an article edited by hand is read again."""
    assert accord("list").code == 0  # fills the index
    path = records / "articles" / "19.yaml"
    path.write_text(path.read_text("utf-8").replace("id: '19.4'", "id: '19.9'"), "utf-8")
    assert "19.9" in bash(records, ["show", "19."]) and "19.4" not in bash(records, ["show", "19."])


def test_a_broken_record_or_cache_offers_the_rest_quietly(records: Path, accord: Accord) -> None:
    assert accord("list").code == 0
    (records / "articles" / "5.yaml").write_bytes(b"id: [unclosed\n")
    (records / ".accord-cache" / "articles.json").write_bytes(b"not json at all")
    assert bash(records, ["show", "4."]) == sorted(commitments_of(accord, "4"))
    assert bash(records, ["show", "5."]) == []


def test_outside_any_records_folder_commands_still_complete_and_files_stand_in_for_ids(tmp_path: Path) -> None:
    here = tmp_path / "elsewhere"
    here.mkdir()
    (here / "notes.txt").write_text("", "utf-8")
    assert bash(tmp_path / "nowhere", ["show", ""], cwd=here) == ["notes.txt"]
    assert bash(tmp_path / "nowhere", ["pro"], cwd=here) == ["progress"]
    assert bash(tmp_path / "nowhere", ["report", "-o", "no"], cwd=here) == ["notes.txt"]


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_offers_the_same_words(records: Path) -> None:
    """zsh runs the script's function with compadd and compdef standing in for the completion system."""
    program = (
        "compadd() { shift; print -l -- \"$@\" }\ncompdef() { : }\n_files() { print FILES }\n"
        "source <(accord completion zsh)\n"
        "words=(accord set 4.5 in); CURRENT=4; _accord\n"
        "words=(accord show 4.); CURRENT=3; _accord\n"
    )
    done = subprocess.run(["zsh", "-f", "-c", program], capture_output=True, text=True, env=shell_env(records))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["in_progress", *sorted(["4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.8"])]


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_offers_the_same_words(records: Path, accord: Accord) -> None:
    program = "accord completion fish | source\ncomplete -C'accord show 4.'\ncomplete -C'accord list --status in'\n"
    done = subprocess.run(["fish", "--no-config", "-c", program], capture_output=True, text=True,
                          env=shell_env(records))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [*commitments_of(accord, "4"), "in_progress"]


def loaded_modules(records: Path, argv: list[str], env: dict[str, str] | None = None) -> set[str]:
    """The top-level packages an accord process loaded, running as `accord ARGS`."""
    program = (
        "import runpy, sys\n"
        f"sys.argv = ['accord', *{argv!r}]\n"
        "try:\n    runpy.run_module('accord', run_name='__main__', alter_sys=True)\n"
        "except SystemExit:\n    pass\n"
        "sys.stderr.write(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          env={**shell_env(records), **(env or {})})
    return set(done.stderr.split())


def test_a_completion_request_and_version_load_no_command_line_library(records: Path) -> None:
    for argv, env in [(["show", "4."], {"ACCORD_COMPLETE": "bash"}), (["--version"], {})]:
        loaded = loaded_modules(records, argv, env)
        assert "accord" in loaded
        assert loaded.isdisjoint({"typer", "click", "rich", "pydantic", "pydantic_core"}), argv


@pytest.mark.parametrize(
    "argv", [["list", "-f", "ids"], ["list", "-f", "json"], ["list", "-f", "csv"], ["search", "-l", "handel"]]
)
def test_machine_formats_load_no_terminal_library(records: Path, argv: list[str]) -> None:
    loaded = loaded_modules(records, argv)
    assert "typer" in loaded  # the command ran
    assert "rich" not in loaded


def test_version_answers_through_the_console_script_and_python_m(records: Path) -> None:
    from accord import __version__

    for command in ([str(Path(BIN) / "accord")], [sys.executable, "-m", "accord"]):
        for flag in ("--version", "-V"):
            done = subprocess.run([*command, flag], capture_output=True, text=True, env=shell_env(records))
            assert (done.returncode, done.stdout, done.stderr) == (0, f"accord {__version__}\n", "")


def test_completion_prints_each_shell_script_and_refuses_others(accord: Accord) -> None:
    for shell in ("bash", "zsh", "fish"):
        done = accord("completion", shell)
        assert done.code == 0 and "ACCORD_COMPLETE" in done.stdout
    done = accord("completion", "powershell")
    assert done.code == 2 and "powershell" in done.stderr


def test_a_fifo_or_a_link_named_like_a_record_does_not_hang_the_tab(records: Path, accord: Accord) -> None:
    os.mkfifo(records / "articles" / "70.yaml")
    (records / "articles" / "71.yaml").symlink_to(records / "articles" / "4.yaml")
    offered = bash(records, ["show", "7"])  # returns: the fifo is never opened
    assert {"7", "7.1", "70", "71"} <= set(offered)
