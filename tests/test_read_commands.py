"""Every read command through the CLI: what it prints and how it exits.

Expected rows are computed from the copied YAML files with PyYAML, never from accord's output.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import Accord, copy_records, run_accord
from helpers import ANSI, assert_refused, outcome, parse_json, shown, succeeded
from support import articles, commitment_ids, commitments, expected_hits, fold, glossary_names, read_yaml

LIST_KEYS = ["id", "status", "side", "kind", "asked_by", "due", "owner", "section", "tags", "title", "parties"]


def ids(text: str) -> list[str]:
    return text.split()


def ok(accord: Accord, *args: str) -> str:
    result = accord(*args)
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def listed(accord: Accord, *args: str) -> list[str]:
    return ids(ok(accord, "list", *args, "--format", "ids"))


# -- list ------------------------------------------------------------------------------------


def test_list_shows_every_commitment_in_reading_order(accord: Accord, records: Path) -> None:
    every = commitment_ids(records)
    assert len(every) > 100
    assert listed(accord) == every
    table = ok(accord, "list")
    first_cells = {row.split()[0] for row in table.splitlines() if row.strip()}
    assert set(every) <= first_cells


def test_list_json_carries_each_commitment_as_recorded(accord: Accord, records: Path) -> None:
    rows = parse_json(ok(accord, "list", "--format", "json"))
    expected = [
        {
            "id": c["id"],
            "status": c["status"],
            "side": c["side"],
            "kind": c["kind"],
            "asked_by": c.get("asked_by"),
            "due": c.get("due"),
            "owner": c.get("owner"),
            "section": a["section"],
            "tags": c["tags"],
            "title": c["title"],
            "parties": c.get("parties"),
        }
        for a, c in commitments(records)
    ]
    assert rows == expected


def test_list_csv_has_a_header_and_one_row_per_commitment(accord: Accord, records: Path) -> None:
    reader = csv.reader(io.StringIO(ok(accord, "list", "--format", "csv")))
    header, *rows = list(reader)
    assert header == LIST_KEYS
    expected = [
        [c["id"], c["side"], c["kind"], c.get("asked_by", ""), str(a["section"]), " ".join(c["tags"]), c["title"]]
        for a, c in commitments(records)
    ]
    assert [[r[0], r[2], r[3], r[4], r[7], r[8], r[9]] for r in rows] == expected


def test_machine_formats_never_carry_colour(records: Path, tmp_path: Path) -> None:
    colour = {"ACCORD_DIR": str(records), "FORCE_COLOR": "1", "NO_COLOR": "", "TERM": "xterm-256color"}
    table = run_accord("list", cwd=tmp_path, env=colour)
    assert table.returncode == 0
    assert ANSI in table.stdout  # colour is on: the table shows it
    for args in (
        ["list", "--format", "json"],
        ["list", "--format", "csv"],
        ["list", "--format", "ids"],
        ["list", "--articles", "--format", "json"],
        ["show", "4", "--format", "json"],
        ["search", "handel", "--format", "json"],
        ["stats", "--format", "json"],
        ["stats", "--format", "csv"],
    ):
        result = run_accord(*args, cwd=tmp_path, env=colour)
        assert result.returncode == 0, (args, result.stderr)
        assert result.stdout.strip()
        assert ANSI not in result.stdout, args


@pytest.mark.parametrize("spelling", ["in_progress", "In Progress", "in-progress", "IN_PROGRESS", " in  progress "])
def test_list_status_accepts_any_case_and_separator(accord: Accord, spelling: str) -> None:
    ok(accord, "set", "4.5", "in_progress", "--no-commit")
    assert listed(accord, "--status", spelling) == ["4.5"]


def test_list_status_is_repeatable_and_excludes_the_rest(accord: Accord, records: Path) -> None:
    ok(accord, "set", "4.5", "in_progress", "--no-commit")
    ok(accord, "set", "1.1", "completed", "--no-commit")
    assert listed(accord, "--status", "in_progress", "--status", "completed") == ["1.1", "4.5"]
    assert listed(accord, "--status", "not_started") == [i for i in commitment_ids(records) if i not in ("1.1", "4.5")]
    assert listed(accord, "--status", "stalled") == []


def test_list_rejects_an_unknown_status(accord: Accord) -> None:
    assert_refused(accord("list", "--status", "finished"), "finished", "in_progress")


def test_list_section_filter(accord: Accord, records: Path) -> None:
    assert listed(accord, "--section", "6") == commitment_ids(records, lambda a, c: a["section"] == 6)
    both = listed(accord, "--section", "1", "--section", "6")
    assert both == commitment_ids(records, lambda a, c: a["section"] in (1, 6))


@pytest.mark.parametrize("side", ["korea", "vietnam", "both"])
def test_list_side_filter(accord: Accord, records: Path, side: str) -> None:
    expected = commitment_ids(records, lambda a, c: c["side"] == side)
    assert expected
    assert listed(accord, "--side", side) == expected


def test_a_side_the_statement_does_not_have_is_refused_with_the_choices(accord: Accord, records: Path) -> None:
    sides = read_yaml(records / "statement.yaml")["sides"]
    refused = accord("list", "--side", "spain")
    assert refused.code == 2
    assert all(side in refused.stderr for side in ["both", *sides])
    assert listed(accord, "--side", sides[0].upper()) == listed(accord, "--side", sides[0])


def test_validate_reports_a_side_the_statement_does_not_have(accord: Accord, records: Path) -> None:
    path = records / "articles" / "9.yaml"
    rows = path.read_text("utf-8").splitlines(keepends=True)
    line = next(n for n, row in enumerate(rows, 1) if row == "  side: korea\n")
    rows[line - 1] = "  side: spain\n"
    path.write_text("".join(rows), encoding="utf-8")
    broken = accord("validate")
    assert broken.code == 1
    assert f"{path}:{line}: side 'spain'" in broken.stderr


def test_list_owner_filter_ignores_case_but_not_words(accord: Accord) -> None:
    ok(accord, "edit", "4.5", "--owner", "Ministry of Industry and Trade", "--no-commit")
    assert listed(accord, "--owner", "ministry of industry and trade") == ["4.5"]
    assert listed(accord, "--owner", "Ministry") == []


def test_list_tag_filter_counts_the_articles_tags(accord: Accord, records: Path) -> None:
    article_4 = read_yaml(records / "articles" / "4.yaml")
    first = article_4["commitments"][0]
    assert "trade" in article_4["tags"] and "trade" not in first["tags"]  # 4.1 is tagged trade only via 4
    expected = commitment_ids(records, lambda a, c: "trade" in a["tags"] + c["tags"])
    assert first["id"] in expected
    assert listed(accord, "--tag", "trade") == expected
    assert listed(accord, "--tag", "TRADE") == expected
    both = commitment_ids(records, lambda a, c: {"trade", "fta"} <= {*a["tags"], *c["tags"]})
    assert listed(accord, "--tag", "trade", "--tag", "fta") == both
    assert len(both) < len(expected)


def test_list_due_before(accord: Accord, records: Path) -> None:
    expected = commitment_ids(records, lambda a, c: "due" in c and c["due"] < "2026-01-01")
    assert expected
    assert listed(accord, "--due-before", "2026-01-01") == expected
    assert_refused(accord("list", "--due-before", "31-12-2025"), "--due-before")


def test_list_overdue_follows_today_and_status(accord: Accord, records: Path) -> None:
    today = date.today().isoformat()
    expected = commitment_ids(records, lambda a, c: "due" in c and c["due"] < today)
    assert listed(accord, "--overdue") == expected
    ok(accord, "edit", "1.1", "--due", "2000-01-01", "--no-commit")
    assert listed(accord, "--overdue") == ["1.1", *expected]
    ok(accord, "set", "1.1", "completed", "--no-commit")
    assert listed(accord, "--overdue") == expected


def test_list_articles(accord: Accord, records: Path) -> None:
    reading_order = [*map(str, range(1, 18)), "17a", *map(str, range(18, 24)), "closing"]
    assert listed(accord, "--articles") == reading_order
    rows = parse_json(ok(accord, "list", "--articles", "--format", "json"))
    assert [(r["id"], r["section"], r["title"]) for r in rows] == [
        (a["id"], a["section"], a["title"]) for a in articles(records)
    ]
    assert {r["side"] for r in rows} == {None}
    with_tag = [a["id"] for a in articles(records) if "trade" in a["tags"]]
    assert with_tag
    assert listed(accord, "--articles", "--tag", "trade") == with_tag


# -- show ------------------------------------------------------------------------------------


def wrapped_block(text: str, label: str) -> str:
    """The indented paragraph printed under `label:` by `show`, joined into one line."""
    rows = text.splitlines()
    start = rows.index(f"{label}:") + 1
    body = []
    for row in rows[start:]:
        if not row.startswith("  "):
            break
        body.append(row.strip())
    return " ".join(body)


def test_show_an_article_as_text(accord: Accord, records: Path) -> None:
    article = read_yaml(records / "articles" / "4.yaml")
    section = read_yaml(records / "statement.yaml")["sections"][article["section"] - 1]
    out = ok(accord, "show", "4")
    assert out.splitlines()[0] == f"Article 4  {article['title']}"
    assert f"{section['number']}. {section['title']}" in out
    assert wrapped_block(out, "text") == " ".join(article["text"].split())
    assert f"commitments ({len(article['commitments'])}):" in out
    for commitment in article["commitments"]:
        assert re.search(
            rf"^\s+{re.escape(commitment['id'])}\s+not_started\s+.*{re.escape(commitment['title'])}", out, re.M
        )


def test_show_a_commitment_as_text(accord: Accord, records: Path) -> None:
    commitment = read_yaml(records / "articles" / "4.yaml")["commitments"][4]
    out = ok(accord, "show", "4.5")
    assert out.splitlines()[0] == f"4.5  {commitment['title']}"
    assert re.search(r"^due\s+2030-12-31$", out, re.M)
    assert re.search(r"^status\s+not_started$", out, re.M)
    assert wrapped_block(out, "excerpt") == commitment["excerpt"]
    assert "history: none" in out


def test_show_a_target_as_text(accord: Accord, records: Path) -> None:
    target = read_yaml(records / "targets" / "trade.yaml")
    out = ok(accord, "show", "trade")
    assert out.splitlines()[0] == f"Target trade  {target['title']}"
    assert re.search(r"^target\s+150 billion USD$", out, re.M)
    for series in target["series"]:
        assert f"series {series['name']}: {series['label']}" in out
        for m in series["measurements"]:
            assert re.search(rf"^\s+{m['period']}\s+{re.escape(str(m['value']))}\s+{re.escape(m['source'])}", out, re.M)


def test_show_json_and_yaml_give_the_record_as_written(accord: Accord, records: Path) -> None:
    article = read_yaml(records / "articles" / "17a.yaml")
    assert parse_json(ok(accord, "show", "17a", "--format", "json")) == article
    assert yaml.safe_load(ok(accord, "show", "17a", "--format", "yaml")) == article
    commitment = {
        "article": "17a", "section": article["section"], **article["commitments"][1], "targets": [], "history": []
    }
    assert parse_json(ok(accord, "show", "17a.2", "--format", "json")) == commitment
    assert yaml.safe_load(ok(accord, "show", "17a.2", "--format", "yaml")) == commitment
    target = parse_json(ok(accord, "show", "edpf", "--format", "json"))
    written = read_yaml(records / "targets" / "edpf.yaml")  # a target without measurements: no nested amounts
    assert target == {**written, "value": str(written["value"])}  # amounts travel as exact text in json


def test_show_names_the_targets_that_measure_a_commitment(accord: Accord, records: Path) -> None:
    measured = {read_yaml(path)["commitment"]: path.stem for path in (records / "targets").glob("*.yaml")}
    for commitment, target in measured.items():
        assert parse_json(ok(accord, "show", commitment, "--format", "json"))["targets"] == [target]
        assert re.search(rf"^targets\s+{target}$", ok(accord, "show", commitment), re.M)


def test_show_ignores_case_and_spaces_in_the_id(accord: Accord) -> None:
    assert parse_json(ok(accord, "show", " Closing.1 ", "--format", "json"))["id"] == "closing.1"


@pytest.mark.parametrize(
    ("record_id", "hint"),
    [("17b", "did you mean 17"), ("tarde", "did you mean trade"), ("4.99", "4.1, 4.2"), ("../4", "no record")],
)
def test_show_an_unknown_id_is_one_line_with_a_suggestion(accord: Accord, record_id: str, hint: str) -> None:
    assert_refused(accord("show", record_id), hint)


# -- search ----------------------------------------------------------------------------------


def search_ids(accord: Accord, *args: str, code: int = 0) -> list[str]:
    result = accord("search", *args, "-l")
    assert result.code == code, result.stderr
    assert result.stderr == ""
    return ids(result.stdout)


def raw_texts(records: Path) -> list[str]:
    return [t for a in articles(records) for t in [a["text"], *(c["excerpt"] for c in a["commitments"])]]


def test_search_ignores_accents_and_case_by_default(accord: Accord, records: Path) -> None:
    assert not any("creeren" in t for t in raw_texts(records))  # only the accented spelling is written
    expected = expected_hits(records, re.compile(r"(?<!\w)creeren", re.I))
    assert len(expected) >= 3
    assert search_ids(accord, "creeren") == expected
    assert search_ids(accord, "CREËREN") == expected
    assert search_ids(accord, "Creëren") == expected


def test_search_case_sensitive_matches_exactly(accord: Accord, records: Path) -> None:
    assert search_ids(accord, "--case-sensitive", "creeren", code=1) == []
    assert search_ids(accord, "-s", "creëren") == expected_hits(records, re.compile(r"(?<!\w)creëren"), folded=False)
    upper = expected_hits(records, re.compile(r"(?<!\w)Beide"), folded=False)
    lower = expected_hits(records, re.compile(r"(?<!\w)beide"), folded=False)
    assert upper != lower
    assert search_ids(accord, "-s", "Beide") == upper
    assert search_ids(accord, "-s", "beide") == lower


def test_search_regex(accord: Accord, records: Path) -> None:
    expected = expected_hits(records, re.compile(r"\d+ miljard usd", re.I))
    assert "4.5" in expected
    assert search_ids(accord, "-E", r"\d+ miljard USD") == expected
    assert search_ids(accord, r"\d+ miljard USD", code=1) == []  # without -E the pattern is literal text


def target_hits(records: Path, pattern: re.Pattern[str]) -> list[str]:
    """The targets `accord search` should report: those whose title, source or a note match."""
    texts = {path.stem: read_yaml(path) for path in sorted((records / "targets").glob("*.yaml"))}
    return [
        name for name, t in texts.items() if any(pattern.search(x) for x in [t["title"], t["source"], *t["notes"]])
    ]


def test_search_whole_words(accord: Accord, records: Path) -> None:
    names = glossary_names(records, "AI")
    words = "|".join(rf"(?<!\w){'(?-i:AI)' if n == 'AI' else re.escape(n)}(?!\w)" for n in names)
    whole = expected_hits(records, re.compile(words, re.I))
    anywhere = expected_hits(records, re.compile("ai", re.I)) + target_hits(records, re.compile("ai", re.I))
    assert whole and set(whole) < set(anywhere)  # "ai" also occurs inside other words, as in "against"
    assert search_ids(accord, "-w", "AI") == whole
    assert search_ids(accord, "AI") == whole  # a glossary acronym is a whole word by default
    assert search_ids(accord, "-F", "AI") == anywhere  # plain grep: anywhere, no glossary names
    for hit in parse_json(ok(accord, "search", "-w", "AI", "--format", "json")):
        for match in hit["matches"]:
            text = match["text"]
            for start, end in match["spans"]:
                assert start == 0 or not text[start - 1].isalnum()
                assert end == len(text) or not text[end].isalnum()


def test_search_count(accord: Accord, records: Path) -> None:
    result = accord("search", "creeren", "-c")
    assert result.code == 0
    expected = expected_hits(records, re.compile(r"(?<!\w)creeren", re.I))
    assert result.stdout == f"{len(expected)}\n"
    none = accord("search", "zzqxj", "-c")
    assert none.code == 1
    assert none.stdout == "0\n"


def test_search_text_output_marks_the_match_in_place(accord: Accord, records: Path) -> None:
    out = ok(accord, "search", "creeren")
    rows = out.splitlines()
    assert [row.split(":", 1)[0] for row in rows] == expected_hits(records, re.compile(r"(?<!\w)creeren", re.I))
    for row in rows:
        assert "«creëren»" in row


def test_search_filters(accord: Accord, records: Path) -> None:
    pattern = re.compile(r"(?<!\w)vietnam", re.I)
    everywhere = expected_hits(records, pattern)
    in_3 = expected_hits(records, pattern, keep=lambda a, item: a["section"] == 3)
    assert in_3 and in_3 != everywhere
    assert search_ids(accord, "vietnam", "--section", "3") == in_3
    korean = expected_hits(records, pattern, keep=lambda a, item: item.get("side") == "korea")
    assert korean and korean != everywhere
    assert search_ids(accord, "vietnam", "--side", "korea") == korean
    ok(accord, "set", korean[0], "stalled", "--no-commit")
    assert search_ids(accord, "vietnam", "--status", "stalled") == [korean[0]]


def test_search_json_spans_point_at_the_match(accord: Accord, records: Path) -> None:
    hits = parse_json(ok(accord, "search", "creeren", "--format", "json"))
    assert [h["id"] for h in hits] == expected_hits(records, re.compile(r"(?<!\w)creeren", re.I))
    by_id = {c["id"]: c for _, c in commitments(records)} | {a["id"]: a for a in articles(records)}
    for hit in hits:
        record = by_id[hit["id"]]
        assert hit["matches"]
        for match in hit["matches"]:
            assert match["text"] == record[match["field"]]
            for start, end in match["spans"]:
                assert match["text"][start:end].casefold() == "creëren"


def test_search_expands_glossary_names(accord: Accord, records: Path) -> None:
    def says(name: str) -> list[str]:
        return [c["id"] for _, c in commitments(records) if name in c["excerpt"] or name in c["title"]]

    kvfta_only = [i for i in says("KVFTA") if i not in says("VKFTA")]
    vkfta_only = [i for i in says("VKFTA") if i not in says("KVFTA")]
    assert kvfta_only and vkfta_only
    assert set(kvfta_only) <= set(search_ids(accord, "VKFTA"))
    assert set(vkfta_only) <= set(search_ids(accord, "KVFTA"))

    sea = glossary_names(records, "South China Sea")
    assert not any("South China Sea" in t for t in raw_texts(records))
    oostzee = [c["id"] for _, c in commitments(records) if "Oostzee" in c["excerpt"]]
    assert oostzee
    found = search_ids(accord, "South China Sea")
    assert set(oostzee) <= set(found)
    words = "|".join(r"(?<!\w)" + r"[\s-]+".join(map(re.escape, re.split(r"[\s-]+", fold(n)))) for n in sea)
    assert found == expected_hits(records, re.compile(words, re.I))  # a space in a name matches a hyphen


def test_search_exit_codes(accord: Accord) -> None:
    assert accord("search", "Oostzee").code == 0
    nothing = accord("search", "zzqxj")
    assert nothing.code == 1
    assert nothing.stdout == "" and nothing.stderr == ""
    assert_refused(accord("search", "-E", "(unclosed"), "regular expression")
    assert_refused(accord("search", ""), "empty")


# -- validate --------------------------------------------------------------------------------


def test_validate_reports_a_broken_excerpt_with_its_line(accord: Accord, records: Path) -> None:
    clean = accord("validate")
    assert clean.code == 0
    assert clean.stderr == ""
    path = records / "articles" / "4.yaml"
    rows = path.read_text("utf-8").splitlines(keepends=True)
    line = next(n for n, row in enumerate(rows, 1) if row.startswith("  excerpt:") and "150 miljard USD" in row)
    rows[line - 1] = rows[line - 1].replace("150 miljard USD", "151 miljard USD")
    path.write_text("".join(rows), encoding="utf-8")
    broken = accord("validate")
    assert broken.code == 1
    problems = [row for row in broken.stderr.splitlines() if row.startswith(f"{path}:")]
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:{line}: ")
    assert "4.5" in problems[0]
    assert "1 problem found" in broken.stderr


# -- stats -----------------------------------------------------------------------------------


def stats(accord: Accord) -> dict[Any, dict[str, Any]]:
    return {row["section"]: row for row in parse_json(ok(accord, "stats", "--format", "json"))}


STATUSES = ["not_started", "in_progress", "ongoing", "completed", "stalled", "dropped"]


def test_stats_counts_add_up(accord: Accord, records: Path) -> None:
    per_section = Counter(a["section"] for a, _ in commitments(records))
    rows = stats(accord)
    assert set(rows) == {1, 2, 3, 4, 5, 6, "all"}
    for number, count in per_section.items():
        assert rows[number]["total"] == count
        assert sum(rows[number][s] for s in STATUSES) == count
        assert rows[number]["not_started"] == count
    assert rows["all"]["total"] == len(commitment_ids(records)) == sum(per_section.values())
    for status in STATUSES:
        assert rows["all"][status] == sum(rows[n][status] for n in per_section)


def test_stats_follow_a_status_change(accord: Accord, records: Path) -> None:
    total = len(commitment_ids(records))
    ok(accord, "set", "4.5", "in_progress", "--no-commit")
    rows = stats(accord)
    assert rows["all"]["in_progress"] == 1
    assert rows[2]["in_progress"] == 1  # article 4 is in section 2
    assert rows["all"]["not_started"] == total - 1
    assert rows["all"]["total"] == total
    table = ok(accord, "stats")
    assert re.search(r"^\s*all\s+" + str(total - 1) + r"\s+1\s+0\s+0\s+0\s+0\s+" + str(total) + r"\s*$", table, re.M)


# -- where the records are -------------------------------------------------------------------


def retitled_copy(where: Path, title: str) -> Path:
    """A second copy of the records whose commitment 4.5 has another title."""
    copy = copy_records(where)
    path = copy / "articles" / "4.yaml"
    old = "  title: Reach USD 150 billion bilateral trade in a balanced, sustainable way\n"
    text = path.read_text("utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, f"  title: {title}\n"), encoding="utf-8")
    return copy


def shown_title(result: subprocess.CompletedProcess[str]) -> str:
    title: str = parse_json(succeeded(outcome(result)))["title"]
    return title


def test_dir_option_wins_over_accord_dir(accord: Accord, tmp_path: Path) -> None:
    other = retitled_copy(tmp_path / "other", "Other copy")
    assert shown(accord, "4.5", "--dir", str(other))["title"] == "Other copy"
    assert parse_json(ok(accord, "show", "4.5", "--format", "json"))["title"] != "Other copy"


def test_accord_dir_names_the_records(tmp_path: Path) -> None:
    other = retitled_copy(tmp_path / "other", "Named by ACCORD_DIR")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_accord("show", "4.5", "--format", "json", cwd=elsewhere, env={"ACCORD_DIR": str(other)})
    assert shown_title(result) == "Named by ACCORD_DIR"


def test_the_nearest_statement_folder_upward_is_used(records: Path, tmp_path: Path) -> None:
    assert records == tmp_path / "statement"
    retitled_copy(tmp_path / "a", "Nearest")
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    assert shown_title(run_accord("show", "4.5", "--format", "json", cwd=deep)) == "Nearest"
    sibling = tmp_path / "x"
    sibling.mkdir()
    assert shown_title(run_accord("show", "4.5", "--format", "json", cwd=sibling)) != "Nearest"


def test_no_records_anywhere_is_a_clear_error(tmp_path_factory: pytest.TempPathFactory) -> None:
    empty = tmp_path_factory.mktemp("nowhere")
    assert not any((folder / "statement" / "statement.yaml").exists() for folder in (empty, *empty.parents))
    assert_refused(outcome(run_accord("list", cwd=empty)), "no statement/ folder", "--dir", "ACCORD_DIR")
    wrong = run_accord("list", cwd=empty, env={"ACCORD_DIR": str(empty)})
    assert wrong.returncode == 2
    assert str(empty) in wrong.stderr and "statement.yaml" in wrong.stderr
