"""`accord init`: a new tracking repository that a colleague can clone and work in at once."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml

from conftest import git, run_accord

SOURCES = Path(__file__).resolve().parent / "sources"
VN_US = SOURCES / "vn-us-2023.en.txt"


def files_on_disk(top: Path) -> list[str]:
    return sorted(p.relative_to(top).as_posix() for p in top.rglob("*") if p.is_file() and ".git" not in p.parts)


def init(tmp_path: Path, *args: str, name: str = "tracker") -> Path:
    done = run_accord("init", name, *args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return tmp_path / name


def test_the_first_commit_holds_every_file(tmp_path: Path) -> None:
    top = init(tmp_path, "--from-text", str(VN_US), "--party", "Vietnam", "--party", "United States")
    assert git(top, "log", "--format=%s").splitlines() == ["Start tracking Imported statement"]
    committed = sorted(git(top, "ls-files").splitlines())
    assert committed == files_on_disk(top)
    assert {"statement/statement.yaml", "statement/source/vn-us-2023.en.txt", ".gitignore", "README.md"} <= set(
        committed
    )
    assert len([f for f in committed if f.startswith("statement/articles/")]) == 32
    assert git(top, "status", "--porcelain") == ""


def test_a_clone_works_at_once_and_its_first_change_commits_cleanly(tmp_path: Path) -> None:
    top = init(tmp_path, "--from-text", str(VN_US))
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(top), str(clone))
    assert run_accord("validate", cwd=clone).returncode == 0
    done = run_accord("set", "1.1", "in_progress", "--by", "Le Van A", cwd=clone)
    assert done.returncode == 0, done.stderr
    # the change is one article on top of a commit that already holds the statement; the lock and cache stay out
    assert git(clone, "show", "--name-only", "--format=", "HEAD").split() == ["statement/articles/1.yaml"]
    assert "statement/statement.yaml" in git(clone, "ls-tree", "-r", "--name-only", "HEAD~1")
    assert run_accord("list", cwd=clone).returncode == 0  # builds the index
    assert git(clone, "status", "--porcelain", "--ignored").splitlines() == [
        "!! statement/.accord-cache/",
        "!! statement/.accord.lock",
    ]


def test_the_merge_driver_is_configured(tmp_path: Path) -> None:
    top = init(tmp_path, "--from-text", str(VN_US))
    assert (top / ".gitattributes").read_text("utf-8").splitlines() == [
        "statement/articles/*.yaml merge=accord",
        "statement/targets/*.yaml merge=accord",
    ]
    assert "accord merge-driver merge" in git(top, "config", "merge.accord.driver")
    done = run_accord("validate", cwd=top)
    assert "no merge driver" not in done.stderr


def test_the_readme_says_how_to_work(tmp_path: Path) -> None:
    top = init(tmp_path, "--from-text", str(VN_US), "--title", "Vietnam and the United States, 2023")
    readme = (top / "README.md").read_text("utf-8")
    assert readme.startswith("# Vietnam and the United States, 2023\n")
    for command in ("accord merge-driver install", "accord set", "accord report", "accord validate"):
        assert command in readme


def test_without_a_statement_the_repository_is_ready_for_one(tmp_path: Path) -> None:
    done = run_accord("init", "tracker", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    top = tmp_path / "tracker"
    assert "accord import FILE --dir tracker/statement" in done.stdout
    assert sorted(git(top, "ls-files").splitlines()) == [".gitattributes", ".gitignore", "README.md"]


@pytest.mark.parametrize("kind", ["file", "full folder"])
def test_refuses_a_folder_in_use(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "tracker"
    if kind == "file":
        target.write_text("mine")
    else:
        target.mkdir()
        (target / "notes.txt").write_text("mine")
    before = files_on_disk(tmp_path)
    done = run_accord("init", "tracker", "--from-text", str(VN_US), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("accord: ") and "not an empty folder" in done.stderr
    assert files_on_disk(tmp_path) == before


def test_a_failed_import_leaves_nothing(tmp_path: Path) -> None:
    source = tmp_path / "one-paragraph.txt"
    source.write_text("On 5 May 2024 the sides met and agreed on everything.\n", "utf-8")
    done = run_accord("init", "tracker", "--from-text", str(source), cwd=tmp_path)
    assert done.returncode == 2 and "no article found" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one-paragraph.txt"]


# -- CI ----------------------------------------------------------------------------------------


def accord_lines(pipeline: object) -> list[list[str]]:
    """The accord commands of every `run:` line or `script:` entry of a pipeline, as argument lists."""
    found: list[list[str]] = []
    if isinstance(pipeline, dict):
        for key, value in pipeline.items():
            commands = [value] if key == "run" else value if key == "script" else None
            if commands is not None:
                found += [words for c in commands if (words := shlex.split(c))[0] == "accord"]
            else:
                found += accord_lines(value)
    elif isinstance(pipeline, list):
        for value in pipeline:
            found += accord_lines(value)
    return found


@pytest.mark.parametrize(
    ("service", "path"), [("github", ".github/workflows/accord.yml"), ("gitlab", ".gitlab-ci.yml")]
)
def test_the_ci_pipeline_runs_here(tmp_path: Path, service: str, path: str) -> None:
    top = init(tmp_path, "--from-text", str(VN_US), "--ci", service)
    assert path in git(top, "ls-files").splitlines()
    pipeline = yaml.safe_load((top / path).read_text("utf-8"))
    commands = accord_lines(pipeline)
    assert [c[1] for c in commands] == ["validate", "report"]
    for command in commands:
        done = run_accord(*command[1:], cwd=top)
        assert done.returncode == 0, (command, done.stderr)
    report = top / "accord-report.md"
    assert report.read_text("utf-8").startswith("#")
    assert "accord-report.md" in (top / path).read_text("utf-8")  # kept as the pipeline's artifact
    # a broken record fails the pipeline's first step
    (top / "statement" / "articles" / "1.yaml").write_text("id: '1'\n", "utf-8")
    assert run_accord(*commands[0][1:], cwd=top).returncode == 1


def test_an_import_into_a_repository_says_to_commit_it_whole(tmp_path: Path) -> None:
    top = init(tmp_path)
    done = run_accord("import", str(VN_US), "--dir", "statement", cwd=top)
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        "accord: note: commit statement whole (git add statement, git commit) before any change, "
        "which commits only its record\n"
    )
    outside = run_accord("import", str(VN_US), "--dir", "elsewhere", cwd=tmp_path)
    assert outside.returncode == 0 and outside.stderr == ""
