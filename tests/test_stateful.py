"""Random sequences of set, note, edit and undo, checked against a plain model of the records."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from accord.model import Status
from conftest import Accord, copy_records
from helpers import assert_untouched, assert_valid, shown, snapshot

ARTICLE = "4"
COMMITMENTS = ["4.1", "4.3", "4.5"]
PEOPLE = ["Ann", "Bo"]
TAGS = ["trade", "fta", "urgent", "customs"]
OWNERS = ["MOFA", "MOIT", ""]  # "" clears the owner
SPELLINGS = [str, str.upper, lambda s: s.replace("_", " ").title(), lambda s: s.replace("_", "-")]

# One command's effect, as (commitment, field or None for a note, old value, new value).
Change = list[tuple[str, str | None, Any, Any]]


class Records(RuleBasedStateMachine):
    """The commitments of one article, changed through the CLI by two people."""

    @initialize()
    def fresh_copy(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="accord-stateful-"))
        self.accord = Accord(copy_records(self.folder))
        article = self.article()
        commitments = {c["id"]: c for c in article["commitments"]}
        self.fields: dict[str, dict[str, Any]] = {
            cid: {"status": commitments[cid]["status"], "owner": None, "tags": list(commitments[cid]["tags"])}
            for cid in COMMITMENTS
        }
        self.expected_events = len(article["history"])
        self.seen: list[dict[str, Any]] = article["history"]
        self.changes: dict[str, list[Change]] = {person: [] for person in PEOPLE}
        self.steps = 0

    def teardown(self) -> None:
        if hasattr(self, "accord"):
            try:
                assert_valid(self.accord)
            finally:
                shutil.rmtree(self.folder, ignore_errors=True)

    def article(self) -> dict[str, Any]:
        return shown(self.accord, ARTICLE)

    def record(self, person: str, change: Change) -> None:
        if change:
            self.changes[person].append(change)
            self.expected_events += len(change)
            for cid, name, _, new in change:
                if name is not None:
                    self.fields[cid][name] = new

    # -- rules -----------------------------------------------------------------------------------

    @rule(
        cid=st.sampled_from(COMMITMENTS),
        status=st.sampled_from([s.value for s in Status]),
        spelling=st.sampled_from(SPELLINGS),
        note=st.none() | st.sampled_from(["Progress reported.", "Ministry meeting, 2nd round"]),
        person=st.sampled_from(PEOPLE),
    )
    def set_status(self, cid: str, status: str, spelling: Any, note: str | None, person: str) -> None:
        args = ["set", cid, spelling(status)] + (["--note", note] if note else [])
        out = self.accord(*args, user=person)
        assert out.code == 0, out.stderr
        old = self.fields[cid]["status"]
        self.record(person, [(cid, "status", old, status)])  # the same status again is a re-assertion
        if old == status:
            assert out.stdout.startswith(f"{cid} status: {status} (re-asserted)\n")

    @rule(cid=st.sampled_from(COMMITMENTS), text=st.text(min_size=1, max_size=30), person=st.sampled_from(PEOPLE))
    def note(self, cid: str, text: str, person: str) -> None:
        out = self.accord("note", cid, text, user=person)
        if not text.strip():
            assert out.code == 2 and "empty" in out.stderr
            return
        if text.startswith("-") and text != "-":  # taken for an option: a usage error, nothing written
            assert out.code == 2
            return
        assert out.code == 0, out.stderr
        self.record(person, [(cid, None, None, None)])
        assert self.article()["history"][-1]["note"] == text  # kept exactly

    @rule(
        cid=st.sampled_from(COMMITMENTS),
        owner=st.none() | st.sampled_from(OWNERS),
        adding=st.lists(st.sampled_from(TAGS), max_size=2),
        removing=st.lists(st.sampled_from(TAGS), max_size=2),
        person=st.sampled_from(PEOPLE),
    )
    def edit(self, cid: str, owner: str | None, adding: list[str], removing: list[str], person: str) -> None:
        args = ["edit", cid]
        args += ["--owner", owner] if owner is not None else []
        args += [a for tag in adding for a in ("--tag", tag.upper())]
        args += [a for tag in removing for a in ("--untag", tag)]
        before = snapshot(self.accord.records)
        out = self.accord(*args, user=person)
        current = self.fields[cid]
        if owner is None and not adding and not removing:
            assert out.code == 2 and "nothing to edit" in out.stderr
            assert_untouched(self.accord.records, before)
            return
        if any(tag not in current["tags"] for tag in removing):
            assert out.code == 2 and "has no tag" in out.stderr
            assert_untouched(self.accord.records, before)
            return
        assert out.code == 0, out.stderr
        change: Change = []  # every field given is recorded, even at its current value
        if owner is not None:
            change.append((cid, "owner", current["owner"], owner or None))
        if adding or removing:
            tags = [t for t in current["tags"] if t not in removing]
            tags += [t for t in dict.fromkeys(adding) if t not in tags]
            change.append((cid, "tags", current["tags"], tags))
        self.record(person, change)

    @rule(person=st.sampled_from(PEOPLE))
    def undo(self, person: str) -> None:
        before = snapshot(self.accord.records)
        out = self.accord("undo", user=person)
        if not self.changes[person]:
            assert out.code == 1, out.stdout + out.stderr
            assert_untouched(self.accord.records, before)
            return
        last = self.changes[person][-1]
        if any(name is not None and self.fields[cid][name] != new for cid, name, _, new in last):
            assert out.code == 2 and "nothing undone" in out.stderr, out.stdout + out.stderr
            assert_untouched(self.accord.records, before)
            return
        assert out.code == 0, out.stderr
        self.changes[person].pop()
        self.expected_events += len(last)
        for cid, name, old, _ in last:
            if name is not None:
                self.fields[cid][name] = old

    # -- invariants ----------------------------------------------------------------------------

    @invariant()
    def records_match_the_model(self) -> None:
        article = self.article()
        history = article["history"]
        assert len(history) == self.expected_events
        assert history[: len(self.seen)] == self.seen  # only ever appended to
        self.seen = history
        for commitment in article["commitments"]:
            if commitment["id"] in self.fields:
                expected = self.fields[commitment["id"]]
                assert commitment["status"] == expected["status"]
                assert commitment.get("owner") == expected["owner"]
                assert commitment["tags"] == expected["tags"]
            else:
                assert commitment["status"] == "not_started"
        self.steps += 1
        if self.steps % 5 == 0:
            assert_valid(self.accord)


def test_random_changes_keep_the_records_equal_to_the_model() -> None:
    run_state_machine_as_test(
        Records,
        settings=settings(
            max_examples=15,
            stateful_step_count=12,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
