"""The shipped records say what the source text says, and nothing more.

The source text is parsed here on its own terms: preamble paragraphs, then headings (a line that
is not numbered and is followed by a numbered paragraph), numbered paragraphs `N. text`, one
unnumbered paragraph after 17 (17a) and the closing paragraph after 23, then the attribution
lines, which are not part of the statement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import Accord
from helpers import logged, parse_json, shown
from support import SOURCE_FILE, articles, commitments, id_order, read_yaml

NUMBERED = re.compile(r"^(\d+)\. (.*)$")
SIXTH_HEADING = "Nauwe samenwerking in internationale en regionale fora en mechanismen"


def squash(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Paragraph:
    id: str
    section: int
    text: str


@dataclass
class Source:
    preamble: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    paragraphs: dict[str, Paragraph] = field(default_factory=dict)
    attribution: str | None = None
    url: str | None = None


def parse_source(path: Path) -> Source:
    source = Source()
    body: list[str] = []
    for raw in path.read_text("utf-8").splitlines():
        line = raw.strip()
        if not line or line == "Reactie (0)":
            continue
        if line.startswith("Volgens "):
            source.attribution = line
        elif line.startswith("Bron: "):
            source.url = line.removeprefix("Bron: ")
        else:
            body.append(line)
    previous: str | None = None  # id of the paragraph on the line before
    for index, line in enumerate(body):
        numbered = NUMBERED.match(line)
        followed_by_numbered = index + 1 < len(body) and NUMBERED.match(body[index + 1]) is not None
        if numbered:
            previous = numbered.group(1)
            source.paragraphs[previous] = Paragraph(previous, len(source.headings), numbered.group(2))
        elif followed_by_numbered:
            source.headings.append(line)
            previous = None
        elif not source.headings:
            source.preamble.append(line)
        else:
            special = {"17": "17a", "23": "closing"}.get(previous or "")
            assert special, f"unexpected unnumbered paragraph: {line[:60]}"
            source.paragraphs[special] = Paragraph(special, len(source.headings), line)
            previous = special
    return source


@pytest.fixture
def source(records: Path) -> Source:
    return parse_source(records / SOURCE_FILE)


@pytest.fixture
def shown_articles(accord: Accord, records: Path) -> dict[str, dict[str, Any]]:
    """Every article as `accord show ID --format json` gives it."""
    return {path.stem: shown(accord, path.stem) for path in sorted((records / "articles").glob("*.yaml"))}


def test_the_source_parses_into_the_expected_shape(source: Source) -> None:
    assert len(source.preamble) == 3
    assert len(source.headings) == 6
    assert source.headings[5] == SIXTH_HEADING
    assert list(source.paragraphs) == [*map(str, range(1, 18)), "17a", *map(str, range(18, 24)), "closing"]
    assert source.attribution and source.url


def test_the_articles_are_exactly_the_paragraphs_of_the_statement(
    accord: Accord, source: Source, shown_articles: dict[str, dict[str, Any]]
) -> None:
    expected = {str(n) for n in range(1, 24)} | {"17a", "closing"}
    assert set(shown_articles) == expected
    listed = accord("list", "--articles", "--format", "ids")
    assert listed.code == 0
    assert listed.stdout.split() == sorted(expected, key=id_order)
    assert set(source.paragraphs) == expected


def test_each_article_text_is_its_source_paragraph(source: Source, shown_articles: dict[str, dict[str, Any]]) -> None:
    for article_id, paragraph in source.paragraphs.items():
        assert squash(shown_articles[article_id]["text"]) == squash(paragraph.text), article_id


def test_each_article_is_in_the_section_it_falls_under(
    source: Source, shown_articles: dict[str, dict[str, Any]]
) -> None:
    assert {a: shown_articles[a]["section"] for a in shown_articles} == {
        p.id: p.section for p in source.paragraphs.values()
    }
    assert shown_articles["17a"]["section"] == 5
    assert shown_articles["closing"]["section"] == 6


def test_statement_preamble_and_headings_follow_the_source(records: Path, source: Source) -> None:
    statement = read_yaml(records / "statement.yaml")
    assert [squash(p) for p in statement["preamble"]] == [squash(p) for p in source.preamble]
    assert [s["heading"] for s in statement["sections"]] == source.headings
    assert [s["number"] for s in statement["sections"]] == [1, 2, 3, 4, 5, 6]


def test_statement_source_matches_the_attribution_lines(records: Path, source: Source) -> None:
    statement = read_yaml(records / "statement.yaml")
    assert statement["source"]["attribution"] == source.attribution
    assert statement["source"]["url"] == source.url
    assert statement["source"]["url"].startswith("https://")
    assert (records / statement["source"]["file"]).read_bytes() == (records / SOURCE_FILE).read_bytes()


def test_every_commitment_excerpt_is_in_its_article(shown_articles: dict[str, dict[str, Any]]) -> None:
    total = 0
    for article in shown_articles.values():
        assert article["commitments"], f"article {article['id']} has no commitments"
        for commitment in article["commitments"]:
            assert commitment["excerpt"] in article["text"], commitment["id"]
            total += 1
    assert total > len(shown_articles)


def test_commitment_ids_are_numbered_in_order_within_their_article(shown_articles: dict[str, dict[str, Any]]) -> None:
    for article_id, article in shown_articles.items():
        ids = [c["id"] for c in article["commitments"]]
        assert ids == [f"{article_id}.{n}" for n in range(1, len(ids) + 1)]


def test_commitment_records_agree_with_list_and_show(accord: Accord, shown_articles: dict[str, dict[str, Any]]) -> None:
    listed = parse_json(accord("list", "--format", "json").stdout)
    expected = [(c["id"], a["section"]) for a in shown_articles.values() for c in a["commitments"]]
    assert sorted((row["id"], row["section"]) for row in listed) == sorted(expected)
    one = shown(accord, "closing.1")
    assert one["article"] == "closing"
    assert one["excerpt"] in shown_articles["closing"]["text"]


def test_every_record_starts_untouched(
    accord: Accord, shown_articles: dict[str, dict[str, Any]], records: Path
) -> None:
    for article in shown_articles.values():
        assert article["status"] == "not_started"
        assert article["history"] == []
        for commitment in article["commitments"]:
            assert commitment["status"] == "not_started", commitment["id"]
    statuses = {row["status"] for row in parse_json(accord("list", "--format", "json").stdout)}
    assert statuses == {"not_started"}
    for path in (records / "targets").glob("*.yaml"):
        assert shown(accord, path.stem)["history"] == []
    assert logged(accord) == []


def _amount_and_year(source: Source, article: str, pattern: str) -> tuple[Decimal, str]:
    found = re.search(pattern, source.paragraphs[article].text)
    assert found, pattern
    return Decimal(found.group(1)), found.group(2)


def test_targets_carry_the_figures_of_the_text(accord: Accord, source: Source) -> None:
    trade = _amount_and_year(source, "4", r"handelsomzet van (\d+) miljard USD tegen (\d{4})")
    funds = _amount_and_year(source, "9", r"elk ter waarde van (\d+) miljard USD tot (\d{4})")
    expected = {"trade": trade, "edcf": funds, "edpf": funds}
    assert expected == {
        "trade": (Decimal(150), "2030"),
        "edcf": (Decimal(2), "2030"),
        "edpf": (Decimal(2), "2030"),
    }
    for target_id, (value, year) in expected.items():
        target = shown(accord, target_id)
        assert Decimal(target["value"]) == value
        assert target["deadline"] == f"{year}-12-31"
        assert target["unit"] == "billion USD"
        commitment = shown(accord, target["commitment"])
        assert commitment["article"] == target["article"]
        for series in target["series"]:
            for measurement in series["measurements"]:
                assert measurement["source"].strip(), (target_id, series["name"], measurement["period"])


def test_the_trade_target_names_its_commitment_with_the_amount(accord: Accord) -> None:
    target = shown(accord, "trade")
    commitment = shown(accord, target["commitment"])
    assert "150 miljard USD" in commitment["excerpt"]


def test_no_record_carries_the_page_furniture(records: Path) -> None:
    files = [records / "statement.yaml", records / "glossary.yaml", *records.glob("*/*.yaml")]
    assert len(files) == 2 + 25 + 3
    for path in files:
        text = path.read_text("utf-8")
        assert "Reactie" not in text, path
        assert "Bron:" not in text, path


def test_articles_on_disk_match_what_show_reports(records: Path, shown_articles: dict[str, dict[str, Any]]) -> None:
    for article in articles(records):
        assert shown_articles[article["id"]]["text"] == article["text"]


def test_the_shipped_records_validate(accord: Accord, records: Path) -> None:
    result = accord("validate")
    assert result.code == 0, result.stderr
    assert "all records valid" in result.stdout
    assert result.stderr == ""


# -- what kind of commitment -------------------------------------------------------------------

KINDS = ["agreed", "pledged", "requested", "proposed", "hoped", "welcomed", "view"]
ASKING = ["requested", "proposed", "hoped"]
# The text's own verb, where it names one side's wish or a shared view, decides the kind.
VERB_KINDS = [
    (r"\bverzocht\b", "requested"),
    (r"\bstelde\b.*\bvoor\b", "proposed"),
    (r"\bhoop", "hoped"),
    (r"\bwaren van mening\b", "view"),
    (r"\bverwelkomde\b", "welcomed"),
    (r"\bbeloofde\b", "pledged"),
]


def test_every_commitment_says_what_the_text_makes_of_it(records: Path) -> None:
    sides = read_yaml(records / "statement.yaml")["sides"]
    seen = set()
    for _, commitment in commitments(records):
        kind = commitment["kind"]
        assert kind in KINDS, commitment["id"]
        seen.add(kind)
        for verb, expected in VERB_KINDS:
            if re.search(verb, commitment["excerpt"]):
                assert kind == expected, (commitment["id"], verb)
        if kind in ASKING:
            assert commitment["asked_by"] in sides and commitment["side"] in sides, commitment["id"]
            assert commitment["asked_by"] != commitment["side"], commitment["id"]
        else:
            assert "asked_by" not in commitment, commitment["id"]
    assert seen == set(KINDS)


def test_one_sides_requests_are_not_recorded_as_undertakings(accord: Accord, records: Path) -> None:
    asked = parse_json(accord("list", *(f"--kind={k}" for k in ASKING), "--format", "json").stdout)
    by_id = {row["id"]: row for row in asked}
    assert {"5.2", "5.3", "5.7", "9.3", "10.4", "12.3", "12.4"} <= set(by_id)
    assert (by_id["5.7"]["kind"], by_id["5.7"]["asked_by"], by_id["5.7"]["side"]) == ("hoped", "korea", "vietnam")
    assert (by_id["9.3"]["kind"], by_id["9.3"]["asked_by"], by_id["9.3"]["side"]) == ("requested", "vietnam", "korea")
    assert shown(accord, "5.8")["kind"] == "agreed"  # what both did agree: to keep discussing it
    assert shown(accord, "17a.1")["kind"] == "view"
    assert "waren van mening" in shown(accord, "17a.1")["excerpt"]
    text = accord("show", "9.3").stdout
    assert re.search(r"^kind\s+requested \(vietnam → korea\)$", text, re.M)
    table = accord("list", "--kind", "hoped").stdout
    assert re.search(r"^\s+5\.7\s+not_started\s+vietnam\s+hoped\s", table, re.M)


def test_list_kind_filter_matches_the_records(accord: Accord, records: Path) -> None:
    for kind in KINDS:
        expected = [c["id"] for _, c in commitments(records) if c["kind"] == kind]
        listed = accord("list", "--kind", kind.upper(), "--format", "ids")
        assert listed.code == 0
        assert listed.stdout.split() == expected, kind
    refused = accord("list", "--kind", "promised")
    assert refused.code == 2
    assert "promised" in refused.stderr and "requested" in refused.stderr


def test_stats_and_report_count_by_kind(accord: Accord, records: Path) -> None:
    counts = {k: sum(c["kind"] == k for _, c in commitments(records)) for k in KINDS}
    rows = {r["section"]: r for r in parse_json(accord("stats", "--by", "kind", "--format", "json").stdout)}
    assert {k: rows["all"][k] for k in KINDS} == counts
    assert rows["all"]["total"] == sum(counts.values())
    report = parse_json(accord("report", "--today", "2026-11-27", "--format", "json").stdout)
    assert report["kinds"] == counts
    markdown = accord("report", "--today", "2026-11-27").stdout
    assert f"{counts['requested']} requested" in markdown


@pytest.mark.parametrize(
    ("old", "new", "at", "words"),
    [
        ("  kind: requested\n  asked_by: vietnam\n", "  kind: requested\n", "  kind: requested", ["9.3", "asked_by"]),
        ("  asked_by: vietnam\n", "  asked_by: korea\n", "  asked_by: korea", ["9.3", "side"]),
        ("  asked_by: vietnam\n", "  asked_by: spain\n", "  asked_by: spain", ["spain", "vietnam, korea"]),
        ("  kind: requested\n", "  kind: agreed\n", "  asked_by: vietnam", ["9.3", "asked_by"]),
        ("  kind: requested\n", "  kind: demanded\n", "  kind: demanded", ["kind"]),
        ("  kind: requested\n", "", "- id: '9.3'", ["kind", "missing"]),
    ],
)
def test_validate_names_the_line_of_a_kind_that_does_not_hold(
    accord: Accord, records: Path, old: str, new: str, at: str, words: list[str]
) -> None:
    path = records / "articles" / "9.yaml"
    text = path.read_text("utf-8")
    assert text.count(old) == 1
    changed = text.replace(old, new)
    path.write_text(changed, encoding="utf-8")
    line = changed.splitlines().index(at) + 1
    broken = accord("validate")
    assert broken.code == 1
    problems = [row for row in broken.stderr.splitlines() if row.startswith(f"{path}:")]
    assert len(problems) == 1, broken.stderr
    assert problems[0].startswith(f"{path}:{line}: "), problems[0]
    for word in words:
        assert word in problems[0]


# -- what the text says, and no more ------------------------------------------------------------


def test_a_year_that_is_an_occasion_is_not_a_due_date(accord: Accord) -> None:
    kvfta = shown(accord, "4.2")
    assert "due" not in kvfta
    assert "2025" in kvfta["excerpt"] and "not a deadline" in kvfta["note"]
    assert "4.2" not in accord("list", "--due-before", "2026-01-01", "--format", "ids").stdout.split()
    meeting, exchange = shown(accord, "13.1"), shown(accord, "13.2")
    assert "tweede vergadering" in meeting["excerpt"] and "due" not in meeting and "2050" not in meeting["excerpt"]
    assert "koolstofneutraliteit in 2050" in exchange["excerpt"] and exchange["due"] == "2050-12-31"


def test_excerpts_hold_what_their_titles_name(accord: Accord) -> None:
    for commitment_id, named in [
        ("15.1", ["slimme steden", "huisvesting"]),
        ("20.1", ["mondiale uitdagingen", "klimaatverandering"]),
        ("21.1", ["(IPU)", "(APPF)", "(AIPA)"]),
        ("18.1", ["(VN)", "(WTO)", "(APEC)", "(P4G)", "(OESO)"]),
        ("9.3", ["energietransitie", "milieu", "gezondheidszorg", "groene infrastructuur en transport"]),
    ]:
        excerpt = shown(accord, commitment_id)["excerpt"]
        for words in named:
            assert words in excerpt, (commitment_id, words)
    title = shown(accord, "9.3")["title"]
    assert "environment" in title and "green infrastructure and transport" in title


def test_the_visit_says_only_what_the_text_says(records: Path, source: Source) -> None:
    visit = read_yaml(records / "statement.yaml")["visit"]
    assert "Seoul" not in source.preamble[0]
    assert visit.get("place") != "Seoul"
    quoted = re.search(r"'([^']+)'", visit["source"])
    assert quoted and quoted.group(1) in source.preamble[0]
    assert visit["start"] == "2025-08-10" and visit["end"] == "2025-08-13"


def test_the_two_funds_of_one_arrangement_share_a_baseline(records: Path) -> None:
    edcf, edpf = (read_yaml(records / "targets" / f"{t}.yaml") for t in ("edcf", "edpf"))
    assert edcf["baseline"] == edpf["baseline"]
    assert edcf["deadline"] == edpf["deadline"]
    assert any("Yonhap, 23 June 2023" in note for note in edpf["notes"])
