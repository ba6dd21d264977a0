"""`accord import`: a plain-text joint statement becomes a records folder that accord can read.

Expected values come from the source files themselves (read here with a few lines of plain
Python, independently of the importer) or from the shipped records, never from the importer.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from accord.errors import UsageError
from accord.importer import ImportSummary, import_statement
from accord.text import clean_text
from conftest import run_accord
from support import articles, read_yaml

SOURCES = Path(__file__).resolve().parent / "sources"
VN_US = SOURCES / "vn-us-2023.en.txt"
ES_US = SOURCES / "es-us-2022.en.txt"
NL_NAME = "joint-statement-vn-kr-2025.nl.txt"
REACTIE = r"^Reactie \(\d+\)$"
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u2060"))

ES_US_HEADINGS = [
    "Reinforcing multilateral responses to transatlantic and global challenges",
    "Strengthening defense cooperation",
    "Defending democracy, human rights, and gender equality",
    "Intensifying collaboration on justice and security issues",
    "Promoting safe, orderly, and regular migration",
    "Fighting climate change and increasing energy security",
    "Expanding cooperation in commercial and economic matters",
    "Boosting digital, scientific, and technological cooperation",
    "Strengthening political cooperation",
    "Looking to the future",
]
# Paragraph number -> the heading it stands under, as read in es-us-2022.en.txt.
ES_US_SECTION_OF = {1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 6: 3, 7: 4, 8: 4, 9: 5, 10: 6, 11: 6, 12: 6, 13: 7, 14: 8, 15: 8}
ES_US_SECTION_OF |= {16: 8, 17: 9, 18: 10}


# -- reading the sources and the result independently -----------------------------------------------


def flatten(text: str) -> str:
    """Markdown emphasis (the samples have no literal `*`) and backslash escapes and zero-width characters out,
    whitespace squashed."""
    text = text.translate(ZERO_WIDTH).replace("*", "")
    text = re.sub(r"\\([^\w\s])", r"\1", text)
    return " ".join(text.split())


def blocks(path: Path) -> list[str]:
    """The paragraphs of a hard-wrapped source: text between lines that hold only whitespace."""
    return [b for b in re.split(r"\n\s*\n", path.read_text("utf-8")) if b.strip()]


def is_bold_heading(block: str) -> bool:
    return re.fullmatch(r"\*\*[^*]+\*\*", block.strip()) is not None


def statement_of(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = read_yaml(out / "statement.yaml")
    return data


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def validate(out: Path) -> Any:
    return run_accord("validate", "--dir", str(out), cwd=out.parent)


@pytest.fixture
def vn_us(tmp_path: Path) -> tuple[Path, ImportSummary]:
    out = tmp_path / "vn-us"
    return out, import_statement(VN_US, out)


@pytest.fixture
def es_us(tmp_path: Path) -> tuple[Path, ImportSummary]:
    out = tmp_path / "es-us"
    return out, import_statement(ES_US, out)


@pytest.fixture
def nl(records: Path, tmp_path: Path) -> tuple[Path, ImportSummary]:
    out = tmp_path / "nl"
    return out, import_statement(records / "source" / NL_NAME, out, language="nl", drop=[REACTIE])


def test_the_sample_sources_are_the_shared_ones_with_their_markup() -> None:
    vn, es = VN_US.read_bytes(), ES_US.read_bytes()
    assert vn.startswith(b"# source: https://") and es.startswith(b"# source: https://")
    assert "\u200b" in es.decode("utf-8") and "\xa0" in vn.decode("utf-8")
    assert b"**POLITICAL AND DIPLOMATIC RELATIONS**" in vn and b"8\\. The United States" in es


# -- vn-us: bold capitalised headings, unnumbered paragraphs --------------------------------------


def test_vn_us_sections_are_the_ten_bold_headings(vn_us: tuple[Path, ImportSummary]) -> None:
    out, summary = vn_us
    headings = re.findall(r"^\*\*(.+?)\*\*\s*$", VN_US.read_text("utf-8"), re.MULTILINE)
    assert len(headings) == 10
    sections = statement_of(out)["sections"]
    assert [s["number"] for s in sections] == list(range(1, 11))
    assert [s["heading"] for s in sections] == headings
    assert sections[0]["title"] == "Political and diplomatic relations"
    assert sections[6]["title"] == "Culture, people-to-people ties, sports, and tourism"
    assert summary.sections == 10


def test_vn_us_articles_are_the_paragraphs_numbered_in_order(vn_us: tuple[Path, ImportSummary]) -> None:
    out, summary = vn_us
    source_blocks = blocks(VN_US)
    assert source_blocks[0].startswith("# source:")
    body = [b for b in source_blocks[3:] if re.search(r"\w", flatten(b))]  # after the preamble; not `\###`
    expected = [flatten(b) for b in body if not is_bold_heading(b)]
    sections, section_of = 0, []
    for block in body:
        if is_bold_heading(block):
            sections += 1
        else:
            section_of.append(sections)
    found = articles(out)
    assert [a["id"] for a in found] == [str(n) for n in range(1, len(expected) + 1)]
    assert [a["text"] for a in found] == expected
    assert [a["section"] for a in found] == section_of
    assert summary.articles == len(expected) == 32
    whole = flatten(VN_US.read_text("utf-8"))
    for article in found:
        assert article["text"] in whole
        assert "**" not in article["text"] and "\xa0" not in article["text"]
        assert article["status"] == "not_started" and article["tags"] == [] and article["history"] == []


def test_vn_us_preamble_is_the_two_paragraphs_before_the_first_heading(vn_us: tuple[Path, ImportSummary]) -> None:
    out, summary = vn_us
    source_blocks = blocks(VN_US)
    assert is_bold_heading(source_blocks[3])
    assert statement_of(out)["preamble"] == [flatten(source_blocks[1]), flatten(source_blocks[2])]
    assert summary.preamble == 2


def test_vn_us_statement_record(vn_us: tuple[Path, ImportSummary]) -> None:
    out, _ = vn_us
    statement = statement_of(out)
    first_line = VN_US.read_text("utf-8").splitlines()[0]
    url = first_line.split()[2]
    assert first_line.endswith("(retrieved from stored copy)") and url.startswith("https://")
    assert statement["format"] == 1
    assert statement["title"] == "Imported statement"
    assert statement["parties"] == []
    assert statement["language"] == "en"
    # "On September 10, 2023": one day; the place is left to the curator
    assert statement["visit"] == {"start": "2023-09-10", "end": "2023-09-10", "place": "not stated"}
    assert statement["source"] == {
        "attribution": "imported from vn-us-2023.en.txt",
        "url": url,
        "file": "source/vn-us-2023.en.txt",
    }
    assert (out / "source" / VN_US.name).read_bytes() == VN_US.read_bytes()
    assert read_yaml(out / "glossary.yaml") == {"terms": []}
    assert (out / "targets").is_dir() and not any((out / "targets").iterdir())


def test_vn_us_commitments_are_the_sentences_that_commit(vn_us: tuple[Path, ImportSummary]) -> None:
    out, summary = vn_us
    found = articles(out)
    first = found[0]
    excerpts = [c["excerpt"] for c in first["commitments"]]
    assert (
        "The Leaders supported improving the effectiveness of current dialogue mechanisms and intend to establish an "
        "annual dialogue between Vietnam’s Minister of Foreign Affairs and the U.S. Secretary of State."
    ) in excerpts
    assert "The Leaders pledged to further promote relations between the two countries’ political parties" in " ".join(
        excerpts
    )
    total = 0
    for article in found:
        assert article["commitments"], article["id"]
        for n, commitment in enumerate(article["commitments"], start=1):
            total += 1
            assert commitment["id"] == f"{article['id']}.{n}"
            assert commitment["excerpt"] in article["text"]
            assert len(commitment["title"]) <= 80
            title = commitment["title"]
            assert title == commitment["excerpt"] or (
                title.endswith("…") and commitment["excerpt"].startswith(title[:-1])
            )
            assert commitment["side"] == "both" and commitment["status"] == "not_started" and commitment["tags"] == []
    assert summary.commitments == total


def test_vn_us_validates(vn_us: tuple[Path, ImportSummary]) -> None:
    out, _ = vn_us
    done = validate(out)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "all records valid" in done.stdout


# -- es-us: numbered paragraphs under bold sentence-case headings ----------------------------------


def test_es_us_sections_and_titles(es_us: tuple[Path, ImportSummary]) -> None:
    out, summary = es_us
    sections = statement_of(out)["sections"]
    assert [s["heading"] for s in sections] == ES_US_HEADINGS
    assert [s["title"] for s in sections] == ES_US_HEADINGS  # already in sentence case
    assert summary.sections == 10


def test_es_us_article_ids_are_the_paragraph_numbers(es_us: tuple[Path, ImportSummary]) -> None:
    out, summary = es_us
    found = articles(out)
    assert [a["id"] for a in found] == [str(n) for n in range(1, 19)]
    assert {int(a["id"]): a["section"] for a in found} == ES_US_SECTION_OF
    assert found[0]["text"].startswith("Spain and the United States condemn Russia’s unjustified")
    assert found[7]["text"].startswith("The United States and Spain will continue to work together")  # `8\.`
    assert found[6]["text"].startswith("The United States and Spain intend to maintain")  # after `**` on its own line
    assert "fundamental values of support for freedom" in found[4]["text"]  # zero-width spaces gone
    assert summary.articles == 18 and summary.preamble == 1
    whole = flatten(ES_US.read_text("utf-8"))
    for article in found:
        assert article["text"] in whole
        assert not re.match(r"\d", article["text"])


def test_es_us_statement_record(es_us: tuple[Path, ImportSummary]) -> None:
    out, _ = es_us
    statement = statement_of(out)
    assert statement["visit"] == {"start": "2022-06-28", "end": "2022-06-30", "place": "not stated"}  # June 28-30
    assert statement["preamble"] == [flatten(blocks(ES_US)[1])]
    assert statement["source"]["url"] == ES_US.read_text("utf-8").split()[2]


def test_es_us_article_texts_are_in_the_cleaned_source(es_us: tuple[Path, ImportSummary]) -> None:
    """The check validation.py would make with `clean_text` applied to the source."""
    out, _ = es_us
    cleaned = " ".join(clean_text(ES_US.read_text("utf-8")).split())
    for article in articles(out):
        assert " ".join(article["text"].split()) in cleaned


def test_es_us_validates(es_us: tuple[Path, ImportSummary]) -> None:
    out, _ = es_us
    done = validate(out)
    assert done.returncode == 0, done.stdout + done.stderr


# -- the Dutch statement: one paragraph per line, web-page noise after it ---------------------------


def shipped_id(article_id: str) -> str:
    return "closing" if article_id == "23a" else article_id


def test_nl_articles_are_the_shipped_articles(nl: tuple[Path, ImportSummary], records: Path) -> None:
    out, summary = nl
    found = articles(out)
    assert [a["id"] for a in found] == [*[str(n) for n in range(1, 18)], "17a", *[str(n) for n in range(18, 24)], "23a"]
    for article in found:
        shipped = read_yaml(records / "articles" / f"{shipped_id(article['id'])}.yaml")
        assert article["text"] == shipped["text"], article["id"]
        assert article["section"] == shipped["section"], article["id"]
    assert summary.articles == 25


def test_nl_statement_matches_the_shipped_statement(nl: tuple[Path, ImportSummary], records: Path) -> None:
    out, summary = nl
    shipped = read_yaml(records / "statement.yaml")
    statement = statement_of(out)
    assert [s["heading"] for s in statement["sections"]] == [s["heading"] for s in shipped["sections"]]
    assert statement["sections"][5]["title"] == "Nauwe samenwerking in internationale en regionale fora en mechanismen"
    assert statement["sections"][0]["title"].startswith("Versterking van het politieke vertrouwen")
    assert statement["preamble"] == shipped["preamble"]
    assert statement["source"]["url"] == shipped["source"]["url"]  # from `Bron:`
    assert statement["source"]["attribution"] == shipped["source"]["attribution"]  # the `Volgens` line
    assert statement["source"]["file"] == shipped["source"]["file"]
    assert statement["visit"]["start"] == shipped["visit"]["start"]  # 10 tot en met 13 augustus 2025
    assert statement["visit"]["end"] == shipped["visit"]["end"]
    assert statement["language"] == "nl"
    assert summary.sections == 6 and summary.preamble == 3


def test_nl_noise_is_not_imported(nl: tuple[Path, ImportSummary]) -> None:
    out, _ = nl
    texts = [a["text"] for a in articles(out)]
    texts += statement_of(out)["preamble"] + [s["heading"] for s in statement_of(out)["sections"]]
    for noise in ("Volgens ", "Bron:", "Reactie"):
        assert not any(t.startswith(noise) for t in texts)


def test_nl_commitments_use_dutch_markers(nl: tuple[Path, ImportSummary], records: Path) -> None:
    out, _ = nl
    found = {a["id"]: a for a in articles(out)}
    first = found["1"]["commitments"][0]["excerpt"]
    assert first.startswith("Beide partijen kwamen overeen om bezoeken en uitwisselingen")
    for article in found.values():
        for commitment in article["commitments"]:
            assert commitment["excerpt"] in article["text"]


def test_nl_validates(nl: tuple[Path, ImportSummary]) -> None:
    out, _ = nl
    done = validate(out)
    assert done.returncode == 0, done.stdout + done.stderr


def test_without_drop_the_noise_line_becomes_a_heading(records: Path, tmp_path: Path) -> None:
    summary = import_statement(records / "source" / NL_NAME, tmp_path / "out", language="nl")
    assert summary.sections == 7  # `Reactie (0)`: a short line without a final period


# -- rules, on small sources ---------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "s.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_clean_text() -> None:
    text = "# Title\n**Bold**\u200b text\xa0here, 8\\. and \\*\\*stars\\*\\* __under__ \ufeff"
    assert clean_text(text) == "Title\nBold text here, 8. and **stars** under "


def test_unnumbered_paragraph_ids_and_a_first_article_before_any_heading(tmp_path: Path) -> None:
    source = write(
        tmp_path,
        "# A joint statement\n\nOn 5 May 2024 the two sides met.\n\n1. They agreed to meet.\n\n"
        "They also talked.\n\nAnd walked.\n\nTRADE\n\n2) They will trade more.\n",
    )
    out = tmp_path / "out"
    summary = import_statement(source, out, parties=["A", "B"])
    statement = statement_of(out)
    assert statement["title"] == "A joint statement"
    assert statement["parties"] == ["A", "B"]
    assert statement["visit"] == {"start": "2024-05-05", "end": "2024-05-05", "place": "not stated"}
    assert statement["source"] == {"attribution": "imported from s.txt", "url": "s.txt", "file": "source/s.txt"}
    assert statement["sections"] == [
        {"number": 1, "heading": "(no heading)", "title": "No heading"},
        {"number": 2, "heading": "TRADE", "title": "Trade"},
    ]
    found = articles(out)
    assert [(a["id"], a["section"], a["text"]) for a in found] == [
        ("1", 1, "They agreed to meet."),
        ("1a", 1, "They also talked."),
        ("1b", 1, "And walked."),
        ("2", 2, "They will trade more."),
    ]
    assert [c["id"] for c in found[1]["commitments"]] == ["1a.1"]  # no marker: the whole text
    assert summary == ImportSummary(articles=4, sections=2, commitments=4, preamble=1)


def test_restarted_numbering_is_prefixed_with_the_section(tmp_path: Path) -> None:
    source = write(tmp_path, "Met on June 1, 2024.\n\nONE\n\n1. First.\n\nTWO\n\n1. Again.\n")
    import_statement(source, tmp_path / "out", title="Given title")
    assert [a["id"] for a in articles(tmp_path / "out")] == ["1-1", "2-1"]
    assert statement_of(tmp_path / "out")["title"] == "Given title"


def test_sentences_keep_abbreviations_and_titles_are_shortened(tmp_path: Path) -> None:
    text = (
        "President Joseph R. Biden Jr. will visit the U.S. Capitol, e.g. Congress. "
        "The sides noted progress. They intend to expand cooperation in a great many areas of common interest "
        "across the region!"
    )
    source = write(tmp_path, f"# source: https://example.org/2024/03/02/page extra\n\nPreamble.\n\nHEADING\n\n{text}\n")
    import_statement(source, tmp_path / "out")
    statement = statement_of(tmp_path / "out")
    assert statement["visit"]["start"] == "2024-03-02"  # no date in the preamble: the URL's
    assert statement["source"]["url"] == "https://example.org/2024/03/02/page"
    (article,) = articles(tmp_path / "out")
    assert [c["excerpt"] for c in article["commitments"]] == [
        "President Joseph R. Biden Jr. will visit the U.S. Capitol, e.g. Congress.",
        "They intend to expand cooperation in a great many areas of common interest across the region!",
    ]
    title = article["commitments"][1]["title"]
    assert title == "They intend to expand cooperation in a great many areas of common interest…"
    assert len(title) <= 80


def test_bold_heading_split_off_a_paragraph(tmp_path: Path) -> None:
    source = write(tmp_path, "Met on June 28-30, 2022.\n\n**Heading one  \n**  \n1.\xa0 Text one.\n\n__Two__ Rest.\n")
    import_statement(source, tmp_path / "out")
    sections = statement_of(tmp_path / "out")["sections"]
    assert [s["heading"] for s in sections] == ["Heading one", "Two"]
    assert [(a["id"], a["text"], a["section"]) for a in articles(tmp_path / "out")] == [
        ("1", "Text one.", 1),
        ("1a", "Rest.", 2),
    ]


# -- refusals: nothing written ---------------------------------------------------------------------


def test_refuses_an_out_folder_that_is_not_empty(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(UsageError, match="not empty"):
        import_statement(VN_US, out)
    assert listing(out) == ["keep.txt"]
    assert listing(tmp_path) == ["out", "out/keep.txt"]


def test_an_empty_out_folder_is_filled(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    import_statement(VN_US, out)
    assert (out / "statement.yaml").is_file()
    assert listing(tmp_path)[0] == "out"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("kind", ["missing", "folder", "latin-1"])
def test_refuses_an_unreadable_source(tmp_path: Path, kind: str) -> None:
    source = tmp_path / "source.txt"
    if kind == "folder":
        source.mkdir()
    elif kind == "latin-1":
        source.write_bytes("Op 10 augustus 2025 kwamen zij overeen: caf\xe9.\n".encode("latin-1"))
    before = listing(tmp_path)
    with pytest.raises(UsageError, match=r"cannot read|not UTF-8"):
        import_statement(source, tmp_path / "out")
    assert listing(tmp_path) == before


def test_refuses_a_bad_regular_expression(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"not a valid regular expression"):
        import_statement(VN_US, tmp_path / "out", drop=[REACTIE, "(unclosed"])
    assert listing(tmp_path) == []


@pytest.mark.parametrize("text", ["", "  \n\xa0\n\u200b\n", "# source: https://example.org/\n\n###\n"])
def test_refuses_a_source_without_paragraphs(tmp_path: Path, text: str) -> None:
    source = write(tmp_path, text)
    with pytest.raises(UsageError, match="no paragraph found"):
        import_statement(source, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_source_without_a_date_has_no_visit_and_date_sets_one(tmp_path: Path) -> None:
    source = write(tmp_path, "The sides met.\n\n1. They agreed.\n")
    import_statement(source, tmp_path / "out")
    assert "visit" not in statement_of(tmp_path / "out")
    assert validate(tmp_path / "out").returncode == 0
    done = run_accord(
        "import", str(source), "--dir", "dated", "--date", "2024-05-05", "--date", "2024-05-07", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert statement_of(tmp_path / "dated")["visit"] == {
        "start": "2024-05-05",
        "end": "2024-05-07",
        "place": "not stated",
    }


@pytest.mark.parametrize(
    "dates", [["2024-05-07", "2024-05-05"], ["5 May 2024"], ["2024-02-30"], ["2024-05-05", "2024-05-06", "2024-05-07"]]
)
def test_cli_import_refuses_a_bad_date(tmp_path: Path, dates: list[str]) -> None:
    source = write(tmp_path, "The sides met.\n\n1. They agreed.\n")
    done = run_accord("import", str(source), "--dir", "out", *[a for d in dates for a in ("--date", d)], cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("accord: ") and "--date" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_failed_rename_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(UsageError, match="nothing written"):
        import_statement(VN_US, tmp_path / "out")
    assert listing(tmp_path) == []


def test_the_records_folder_has_ordinary_permissions(tmp_path: Path) -> None:
    import_statement(ES_US, tmp_path / "out")
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o777 & ~umask


# -- the command line (wired separately as `accord import`) ------------------------------------------


def test_cli_import_then_validate(records: Path, tmp_path: Path) -> None:
    out = tmp_path / "imported"
    done = run_accord(
        "import", str(records / "source" / NL_NAME), "--dir", str(out), "--language", "nl",
        "--party", "Vietnam", "--party", "Republic of Korea", "--title", "VN-KR 2025", "--drop", REACTIE,
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    statement = statement_of(out)
    assert statement["parties"] == ["Vietnam", "Republic of Korea"]
    assert statement["sides"] == ["vietnam", "republic-of-korea"]
    assert statement["title"] == "VN-KR 2025"
    assert len(articles(out)) == 25
    assert validate(out).returncode == 0


def test_cli_import_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    done = run_accord("import", str(VN_US), "--dir", str(out), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("accord: ") and "not empty" in done.stderr
    assert listing(out) == ["keep.txt"]


def test_cli_import_refuses_a_bad_regular_expression(tmp_path: Path) -> None:
    done = run_accord("import", str(VN_US), "--dir", str(tmp_path / "out"), "--drop", "(", cwd=tmp_path)
    assert done.returncode == 2
    assert "not a valid regular expression" in done.stderr
    assert not (tmp_path / "out").exists()


# -- more published statements, each against a count made by hand -----------------------------------

# (file, article ids, preamble paragraphs, headings, visit start and end, title): counted by reading each file.
PUBLISHED = [
    # unnumbered, no headings: the opening paragraph, then one article per paragraph; "6th August 2010"
    ("gb-pk-2010.en.txt", ["1", "2", "3", "4", "5"], 1, ["(no heading)"], ("2010-08-06", "2010-08-06"), None),
    # numbered from the first paragraph, no preamble: the visit is in article 1 ("from 28 to 29 September 2016")
    ("vn-ph-2016.en.txt", ["1", "2", "3", "4", "5"], 0, ["(no heading)"], ("2016-09-28", "2016-09-29"), None),
    # a title line, then an indented Markdown list, one paragraph per line ("from 16-18 December 2018")
    (
        "mv-in-2018.en.txt", ["1", "2", "3", "4", "5"], 0, ["(no heading)"], ("2018-12-16", "2018-12-18"),
        "Joint Statement on the occasion of the State Visit of the President of the Republic of Maldives to India",
    ),
    # an unnumbered opening, then paragraphs numbered from 2
    ("lk-pk-2012.en.txt", ["2", "3", "4"], 1, ["(no heading)"], ("2012-02-10", "2012-02-12"), None),
    # hard-wrapped Markdown: bold headings in capitals, unnumbered paragraphs
    ("vn-us-2023.en.txt", [str(n) for n in range(1, 33)], 2, None, ("2023-09-10", "2023-09-10"), None),
    # hard-wrapped Markdown: bold headings in sentence case, numbered paragraphs, an escaped `8\.`
    ("es-us-2022.en.txt", [str(n) for n in range(1, 19)], 1, ES_US_HEADINGS, ("2022-06-28", "2022-06-30"), None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "ids", "preamble", "headings", "visit", "title"), PUBLISHED, ids=lambda v: str(v)[:10]
)
def test_published_statements_import_as_counted(
    tmp_path: Path,
    name: str,
    ids: list[str],
    preamble: int,
    headings: list[str] | None,
    visit: tuple[str, str],
    title: str | None,
) -> None:
    source = SOURCES / name
    assert source.read_text("utf-8").startswith("# source: http")
    done = run_accord("import", str(source), "--dir", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    statement = statement_of(out)
    assert [a["id"] for a in articles(out)] == ids
    assert len(statement["preamble"]) == preamble
    if headings is not None:
        assert [s["heading"] for s in statement["sections"]] == headings
    assert (statement["visit"]["start"], statement["visit"]["end"]) == visit
    assert statement["title"] == (title or "Imported statement")
    whole = flatten(source.read_text("utf-8"))
    for article in articles(out):
        assert article["text"] in whole
        assert not re.match(r"\d+[.)]", article["text"])
        assert all(c["note"].startswith("drafted by accord import: ") for c in article["commitments"])
    assert validate(out).returncode == 0


def test_each_draft_says_how_it_was_found(tmp_path: Path) -> None:
    run_accord("import", str(SOURCES / "gb-pk-2010.en.txt"), "--dir", "out", cwd=tmp_path)
    found = {a["id"]: a["commitments"] for a in articles(tmp_path / "out")}
    assert [c["note"] for c in found["1"]] == [
        "drafted by accord import: no sentence holds a commitment marker, so the whole article"
    ]  # "complimented": no marker
    assert [(c["kind"], c["note"]) for c in found["3"]] == [
        ("welcomed", "drafted by accord import: the sentence says 'welcome'")
    ]


# -- the Dutch markers: a verb and its particle apart ---------------------------------------------------


def test_dutch_drafts_find_the_curated_commitments(nl: tuple[Path, ImportSummary], records: Path) -> None:
    """Each curated commitment whose excerpt lies inside a draft found by a marker counts as found."""
    out, _ = nl
    drafts = {
        shipped_id(a["id"]): [c["excerpt"] for c in a["commitments"] if "whole article" not in c["note"]]
        for a in articles(out)
    }
    curated = [(a["id"], c["excerpt"]) for a in articles(records) for c in a["commitments"]]
    found = [excerpt for article, excerpt in curated if any(excerpt in d for d in drafts.get(article, []))]
    assert len(curated) == 123
    assert len(found) >= 105  # 67 while "kwamen overeen" had to be two words in a row
    notes = [c["note"] for a in articles(out) for c in a["commitments"]]
    assert "drafted by accord import: the sentence says 'kwamen beide partijen overeen'" in notes


# -- emphasis, HTML and counts ------------------------------------------------------------------------


# A short unmarked line in sentence case is a heading only in a one-paragraph-per-line file.
@pytest.mark.parametrize(
    ("mark", "case"),
    [(m, c) for m in ("**", "__", "*", "_", "") for c in (str.upper, str.title) if m or c is str.upper],
)
def test_headings_in_any_emphasis_or_none(tmp_path: Path, mark: str, case: Any) -> None:
    heading, other = case("trade and investment"), case("culture")
    text = (
        f"Met on 5 May 2024.\n\n{mark}{heading}{mark}\n\n1. They will trade.\n\n"
        f"{mark}{other}{mark}\n\n2. They will sing.\n"
    )
    import_statement(write(tmp_path, text), tmp_path / "out")
    sections = statement_of(tmp_path / "out")["sections"]
    assert [s["heading"] for s in sections] == [heading, other]  # as written
    assert [s["title"] for s in sections] == (
        ["Trade and investment", "Culture"] if case is str.upper else [heading, other]
    )
    assert [(a["id"], a["section"], a["text"]) for a in articles(tmp_path / "out")] == [
        ("1", 1, "They will trade."),
        ("2", 2, "They will sing."),
    ]


def test_html_tags_and_escapes_never_reach_ids_titles_or_text(tmp_path: Path) -> None:
    source = write(
        tmp_path,
        "<p>Met on 5 May 2024 in <b>Hanoi</b>.</p>\n\n<h2>TRADE AND <i>MORE</i></h2>\n\n"
        "<p>1\\. They <em>will</em> trade<br/> more.</p>\n\n2. Leaders agreed_to stay, 5 * 3 times.\n",
    )
    import_statement(source, tmp_path / "out")
    statement = statement_of(tmp_path / "out")
    assert statement["preamble"] == ["Met on 5 May 2024 in Hanoi."]
    assert statement["sections"][0]["heading"] == "TRADE AND MORE"
    found = articles(tmp_path / "out")
    assert [(a["id"], a["text"], a["title"]) for a in found] == [
        ("1", "They will trade more.", "They will trade more."),
        ("2", "Leaders agreed_to stay, 5 * 3 times.", "Leaders agreed_to stay, 5 * 3 times."),
    ]  # a `_` inside a word and a `*` between spaces are text
    for article in found:
        for commitment in article["commitments"]:
            assert "<" not in commitment["excerpt"] and "\\\\" not in commitment["excerpt"]
    assert validate(tmp_path / "out").returncode == 0


def test_an_unnumbered_statement_without_headings_gets_one_article_per_paragraph(tmp_path: Path) -> None:
    source = write(tmp_path, "On 5 May 2024 the sides met.\n\nThey agreed to trade.\n\nThey will meet again.\n")
    done = run_accord("import", str(source), "--dir", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "1 preamble paragraphs, 1 sections, 2 articles" in done.stdout
    assert [a["text"] for a in articles(tmp_path / "out")] == ["They agreed to trade.", "They will meet again."]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("On 5 May 2024 the sides met and agreed on everything.\n", "no article found"),
        (
            "Met on 5 May 2024.\n\n1. One.\n\n2. Two.\n3. Three, wrapped into two.\n\n4. Four.\n",
            "paragraph 3 not found",
        ),
        ("Met on 5 May 2024.\n\n1. One.\n\n5. Five.\n", "paragraph 2 to 4 not found"),
    ],
)
def test_an_import_that_finds_less_than_it_should_is_refused(tmp_path: Path, text: str, message: str) -> None:
    done = run_accord("import", str(write(tmp_path, text)), "--dir", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("accord: ") and message in done.stderr
    assert not (tmp_path / "out").exists()


def test_help_documents_title_party_date_and_the_source_line(tmp_path: Path) -> None:
    done = run_accord("import", "--help", cwd=tmp_path)
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    for said in ("--title TITLE", "--party NAME", "is a side", "--date DATE", "'# source: URL'"):
        assert said in text, said
