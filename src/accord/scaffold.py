"""`accord init`: a new tracking repository, ready to clone and work in.

The repository is built in a temporary folder next to the one asked for and renamed into place
once it is committed, so the folder is either a complete repository or left as it was. Its first
commit holds every file, the statement included: no later change can commit an article that its
statement does not accompany.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import merge
from .changes import identify
from .errors import UsageError
from .importer import ImportSummary, import_statement
from .storage import Store
from .vcs import Git

RECORDS = "statement"
REPORT_FILE = "accord-report.md"
# accord's lock, the leftovers of an interrupted write and the index: local, never committed.
GITIGNORE = """\
# accord: the lock, leftovers of an interrupted write, the index
.accord.lock
.*.accord-tmp
.*.accord-journal
.accord-cache/
"""

# Each hosted service's pipeline: on every push, validate the records and keep the week's report.
# ACCORD_PACKAGE is what pip installs: point it at the organisation's copy of accord.
CI: dict[str, tuple[str, str]] = {
    "github": (
        ".github/workflows/accord.yml",
        f"""\
name: accord
on: [push]
jobs:
  records:
    runs-on: ubuntu-latest
    env:
      ACCORD_PACKAGE: accord
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install "$ACCORD_PACKAGE"
      - run: accord validate --dir {RECORDS}
      - run: accord report --week --dir {RECORDS} -o {REPORT_FILE}
      - uses: actions/upload-artifact@v4
        with:
          name: weekly-report
          path: {REPORT_FILE}
""",
    ),
    "gitlab": (
        ".gitlab-ci.yml",
        f"""\
accord:
  image: python:3.12
  variables:
    ACCORD_PACKAGE: accord
  script:
    - pip install "$ACCORD_PACKAGE"
    - accord validate --dir {RECORDS}
    - accord report --week --dir {RECORDS} -o {REPORT_FILE}
  artifacts:
    name: weekly-report
    paths:
      - {REPORT_FILE}
""",
    ),
}

README = """\
# {title}

The commitments of this statement, tracked with accord: YAML records in `{records}/`, one file per
article and per target, each with the history of its changes.

## Every clone, once

```sh
pip install accord                  # or your organisation's copy
accord merge-driver install         # git keeps no merge settings in a clone: without it, records merge as text
```

## Daily work

```sh
accord list --overdue
accord set 4.5 in_progress --note "Talks held" --evidence https://example.org/minutes
accord note 4.5 "Second round planned"
accord report --week -o report.md
accord validate                     # run before pushing; CI runs it too
git pull && git push
```

Each change is committed by accord as you (`--by`, `$ACCORD_USER` or git's `user.name`).
Editors with the YAML language server check hand edits against `{records}/schema/`.
"""


@dataclass(frozen=True)
class InitSummary:
    imported: ImportSummary | None
    files: list[str]  # committed, relative to the repository


def init_repository(
    folder: Path,
    source: Path | None,
    *,
    by: str | None,
    ci: Sequence[str] = (),
    title: str | None = None,
    language: str = "en",
    parties: list[str] | None = None,
    drop: Sequence[str] = (),
    visit: tuple[date, date] | None = None,
) -> InitSummary:
    """Create the repository `folder`: records imported from `source` (if given), .gitignore, README,
    the merge driver, CI pipelines; all of it in one first commit."""
    if (folder.is_symlink() or folder.exists()) and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder} exists and is not an empty folder; give a new one")
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".accord-init", dir=folder.parent)).resolve()
    except OSError as exc:
        raise UsageError(f"cannot create {folder}: {exc.strerror or exc}") from None
    try:
        imported = None
        if source is not None:
            imported = import_statement(
                source, building / RECORDS, title=title, language=language, parties=parties, drop=drop, visit=visit
            )
        statement_title = _title(building / RECORDS) if source is not None else title or "A joint statement"
        (building / ".gitignore").write_text(GITIGNORE, "utf-8")
        (building / "README.md").write_text(README.format(title=statement_title, records=RECORDS), "utf-8")
        for service in ci:
            relative, text = CI[service]
            (building / relative).parent.mkdir(parents=True, exist_ok=True)
            (building / relative).write_text(text, "utf-8")
        git = Git.init(building)
        (building / RECORDS).mkdir(exist_ok=True)  # for the driver's attributes; import fills it later
        merge.install(building / RECORDS)
        actor = identify(by, Store(building / RECORDS))
        git.commit_everything(f"Start tracking {statement_title}", actor.name, actor.email)
        building.chmod(0o777 & ~_umask())  # mkdtemp makes 0700; a repository is an ordinary folder
        files = sorted(p.relative_to(building).as_posix() for p in building.rglob("*") if _committed(p, building))
        building.replace(folder)
    except BaseException as exc:
        shutil.rmtree(building, ignore_errors=True)
        if isinstance(exc, OSError):
            raise UsageError(f"cannot create {folder}: {exc.strerror or exc}; nothing written") from None
        raise
    return InitSummary(imported, files)


def _title(records: Path) -> str:
    return Store(records).statement().title


def _committed(path: Path, top: Path) -> bool:
    return path.is_file() and ".git" not in path.relative_to(top).parts


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
