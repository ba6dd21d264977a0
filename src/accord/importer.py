"""`accord import`: turn a plain-text joint statement into a new records folder.

The result is a draft for people to curate: the text is taken verbatim, the commitments are
proposed sentence by sentence, and nothing the source does not say is invented.

Reading the source
    The file must be UTF-8. A first line `# source: URL ...` is provenance, not text. Zero-width
    characters (U+200B, U+200C, U+200D, U+FEFF, U+2060) are removed and a no-break space counts
    as a space. A line holding only whitespace separates paragraphs; the lines of a paragraph are
    joined with one space (hard wraps), and runs of whitespace become one space. When the median
    length of the non-blank lines is over 200 characters the file is taken to have one paragraph
    per line, and every non-blank line is a paragraph.

Markdown
    Emphasis markers (`**`, `__`, and a single `*` or `_` that opens or closes emphasis, not one
    inside a word or between spaces), HTML tags (`<b>`, `<br/>`) and backslash escapes (`8\\.` is
    `8.`) are removed; `**` and `__` are tracked across the whole file, since a bold heading may
    close at the start of the next paragraph, a single marker within its paragraph. A paragraph
    whose leading text is emphasised, or that opens with a `#` heading mark, starts with a
    heading: if nothing follows, the paragraph is the heading; if text follows, the heading is
    split off and the rest is a paragraph. A paragraph without any letter or digit (`###`) is a
    separator and is left out. `clean_text` applies the same character-level cleaning to a whole
    text, so that a check can find every article text in the cleaned source.

Dropped paragraphs
    A paragraph matching any of the `drop` regular expressions (`re.search`) is dropped before
    anything else. A paragraph `Bron: URL` or `Source: URL` gives the URL and is dropped; a
    paragraph right before it starting `Volgens ` or `According to ` is the attribution and is
    dropped too.

Headings, articles and the preamble
    A heading is a paragraph that was bold or marked with `#`, or whose letters are all capitals,
    or, in a one-paragraph-per-line file, a line under 120 characters that is not numbered and does
    not end with `.`, `:`, `;`, `!` or `?`. A numbered paragraph starts `N.` or `N)` and a space;
    it becomes article `N`, its text without the number. A level-1 `# ` heading that opens the
    file, or any heading that opens it right above a paragraph, is the statement's title, not a
    section. The preamble is every paragraph before the
    first heading or numbered paragraph. Headings start sections 1, 2, ... in order: `heading` is
    the heading as written, `title` the same, in sentence case when it is written in capitals. If
    an article comes before any heading, section 1 is `(no heading)`, titled `No heading`.
    Article ids: in a statement with numbered paragraphs, an unnumbered paragraph after article N
    is `Na`, `Nb`, ... (`0a` before the first number); in a statement without any, paragraphs are
    `1`, `2`, `3`, ... in order. A statement without any heading or numbered paragraph has the
    opening paragraph as its preamble and every other paragraph as an article. If the numbers
    restart (the same number twice), every id is prefixed with its section: `2-1`. An article's
    title is its first sentence, shortened. An import that finds no article, or numbers that skip
    one (`4.` then `6.`: the fifth was read into the fourth or not read at all), is refused and
    says so.

Commitments
    The text is split into sentences after `.`, `!` or `?` (and any closing quote or bracket)
    followed by a space and a capital letter, except after a known abbreviation (`Jr.`, `e.g.`,
    `enz.`), a single capital letter (`R.`) or a word with a period inside (`U.S.`). Every sentence
    holding a commitment marker of the statement's language (`MARKERS`) becomes a commitment
    `<article>.<n>`: its excerpt is the sentence, its title the sentence shortened to 80 characters
    at a word boundary, side `both`, kind `agreed` (`welcomed` or `pledged` when its first marker
    says so: `MARKER_KINDS`), and a note saying which words made it a draft. An article without
    such a sentence, or in a language without markers, gets its whole text as one commitment,
    with a note that says so.

The statement record
    `title`: given, else the opening `# ` title or heading, else `Imported statement`. `parties`: given, else
    none. `visit`: the dates given, else the first date or date range in the preamble (`September
    10, 2023`, `June 28-30, 2022`, `10 tot en met 13 augustus 2025`; English and Dutch month names;
    `6th August 2010`; a range gives the first and the last day; without a preamble, the first
    article's), else the date in the source URL's path
    (`/2023/09/11/`), else none. The place is `not stated`: it is left to the curator rather than
    guessed. `source`: the
    attribution line, else `imported from <file name>`; the URL from `# source:`, else from `Bron:`
    or `Source:`, else the file name; the file `source/<file name>`, a byte copy of the source.

Writing
    Every record is built in memory and read back through accord's own loader and models before
    anything is written. Each record starts with the comment line that names its JSON Schema, and
    the schemas are written into `schema/`, so that an editor checks and completes hand edits.
    The folder is written next to `out` under a temporary name and renamed into place, so `out`
    is either the complete import or untouched. `out` must not exist or be an empty folder.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import schema, yamlio
from .errors import DataError, UsageError
from .fsio import umask, write_durably
from .model import Article, Glossary, Record, Statement, to_data
from .storage import ARTICLES, GLOSSARY_FILE, STATEMENT_FILE, TARGETS, parse_record
from .text import CHARACTERS, HEADING_MARK, MARKUP, squash

SOURCE_DIR = "source"
DEFAULT_TITLE = "Imported statement"
PLACE_NOT_STATED = "not stated"
NO_HEADING = "(no heading)"
NO_HEADING_TITLE = "No heading"
DRAFT_NOTE = "drafted by accord import"
TITLE_LIMIT = 80
ONE_PER_LINE_MEDIAN = 200
SHORT_HEADING = 120

# Regular expressions, matched from the start of a word in any case. Dutch puts words between a
# verb and its particle: "kwamen de twee leiders overeen".
MARKERS: dict[str, tuple[str, ...]] = {
    "en": (
        "agree", "commit", "will ", "intend", "pledge", "affirm", "reaffirm", "decide", "resolve", "support",
        "welcome", "plan to", "seek to", "continue to", "work together", "look forward",
    ),
    "nl": (
        r"kwam(?:en)?\b[^.;:!?]{0,120}?\bovereen", r"bereikten overeenstemming", "zullen", "zal ", "bevestigde",
        "verzocht", "beloofde", r"stelde(?:n)? [^.;:!?]{0,120}?\bvoor\b", "waren het erover eens", "hoop",
        "streven", "ondersteun", "aanvaardde",
    ),
}  # fmt: skip

# The kind a draft gets from its first marker; any other marker drafts an agreement. Requests,
# proposals and hopes also need the side that asked, which the curator sets.
MARKER_KINDS = {"welcome": "welcomed", "pledge": "pledged", "beloofde": "pledged"}

ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "dr", "jr", "sr", "st", "prof", "gen", "lt", "col", "sgt", "gov", "sen", "rep", "amb",
        "hon", "rev", "vs", "etc", "cf", "approx", "inc", "ltd", "corp", "dept",
        "dhr", "mevr", "mw", "drs", "ir", "ing", "enz", "bijv", "nr", "ca", "blz", "resp",
    }
)  # fmt: skip

MONTHS: dict[str, int] = {
    name: number
    for names in (
        "january february march april may june july august september october november december",
        "januari februari maart april mei juni juli augustus september oktober november december",
    )
    for number, name in enumerate(names.split(), start=1)
}

_NUMBERED = re.compile(r"(\d{1,3})[.)] +(?=\S)")
_SOURCE_LINE = re.compile(r"#\s*source:\s*(\S+)", re.IGNORECASE)
_SOURCE_PARAGRAPH = re.compile(r"(?:bron|source)\s*:\s*(https?://\S+)", re.IGNORECASE)
_ATTRIBUTION = ("Volgens ", "According to ")
_URL_DATE = re.compile(r"/(\d{4})/(\d{2})/(\d{2})/")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]* +")
_OPENERS = "\"'“‘(["

_MONTH = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
_RANGE = r"\s*(?:-|–|—|through|until|to|tot en met|t/m|tot)\s*"
_DATES = (
    # September 10, 2023 / June 28-30, 2022 / June 28 - July 1, 2022
    re.compile(
        rf"\b(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}})(?:{_RANGE}(?:(?P<m2>{_MONTH})\s+)?(?P<d2>\d{{1,2}}))?,?\s+"
        r"(?P<y>\d{4})\b",
        re.IGNORECASE,
    ),
    # 13 augustus 2025 / 10 tot en met 13 augustus 2025 / 28 June - 1 July 2022 / 6th August 2010
    re.compile(
        rf"\b(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+(?P<m1>{_MONTH}))?(?:{_RANGE}(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)?"
        rf"\s+(?P<m2>{_MONTH}),?\s+"
        r"(?P<y>\d{4})\b",
        re.IGNORECASE,
    ),
)


@dataclass(frozen=True)
class ImportSummary:
    articles: int
    sections: int
    commitments: int
    preamble: int  # paragraphs


def import_statement(
    source: Path,
    out: Path,
    *,
    title: str | None = None,
    language: str = "en",
    parties: list[str] | None = None,
    drop: Sequence[str] = (),
    visit: tuple[date, date] | None = None,
) -> ImportSummary:
    """Import `source` into the new records folder `out`; nothing is written unless all of it succeeds."""
    patterns = _compile(drop)
    for name, value in (("title", title), ("language", language), *(("party", p) for p in parties or [])):
        if value is not None and not value.strip():
            raise UsageError(f"the {name} cannot be empty")
    _check_out(out)
    raw = _read(source)
    document = _parse(raw.decode("utf-8"), patterns, source)
    if visit is not None and visit[1] < visit[0]:
        raise UsageError(f"--date: the visit cannot end ({visit[1]}) before it starts ({visit[0]})")
    parties = [p.strip() for p in parties or []]
    files, summary = _build(document, source.name, raw, title, language.strip(), parties, visit)
    _write(out, files)
    return summary


# -- checks ------------------------------------------------------------------------------------


def _compile(drop: Sequence[str]) -> list[re.Pattern[str]]:
    patterns = []
    for expression in drop:
        try:
            patterns.append(re.compile(expression))
        except re.error as exc:
            raise UsageError(f"--drop {expression!r} is not a valid regular expression: {exc}") from None
    return patterns


def _check_out(out: Path) -> None:
    if out.is_symlink() or out.exists():
        if not out.is_dir():
            raise UsageError(f"{out} exists and is not a folder; import into a new or empty folder")
        if any(out.iterdir()):
            raise UsageError(f"{out} is not empty; import into a new or empty folder")


def _read(source: Path) -> bytes:
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {source}: {exc.strerror or exc}") from None
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UsageError(f"{source} is not UTF-8 text (line {line}); convert it to UTF-8 first") from None
    return raw


# -- parsing -----------------------------------------------------------------------------------


@dataclass
class _Item:
    kind: str  # "heading", "numbered" or "text"
    text: str
    number: str = ""
    level: int = 0  # of a `#` heading mark


@dataclass
class _Document:
    items: list[_Item]
    url: str | None
    attribution: str | None
    title: str | None


def _parse(text: str, patterns: list[re.Pattern[str]], source: Path) -> _Document:
    lines = text.translate(CHARACTERS).splitlines()
    url = None
    if lines and lines[0].lstrip().lower().startswith("# source:"):
        found = _SOURCE_LINE.match(lines[0].strip())
        url = found.group(1) if found else None
        lines = lines[1:]
    lengths = [len(line.strip()) for line in lines if line.strip()]
    if not lengths:
        raise UsageError(f"no paragraph found in {source}")
    one_per_line = statistics.median(lengths) > ONE_PER_LINE_MEDIAN
    paragraphs = _paragraphs(lines, one_per_line)
    paragraphs = [p for p in paragraphs if not any(pattern.search(p[2]) for pattern in patterns)]
    kept: list[tuple[str, str, str, int]] = []
    attribution = None
    for heading, body, whole, level in paragraphs:
        found = _SOURCE_PARAGRAPH.fullmatch(whole)
        if found:
            url = url or found.group(1)
            if kept and not kept[-1][0] and kept[-1][2].startswith(_ATTRIBUTION):
                attribution = kept.pop()[2]
            continue
        kept.append((heading, body, whole, level))
    if not kept:
        raise UsageError(f"no paragraph found in {source}")
    items: list[_Item] = []
    for heading, body, _whole, level in kept:
        if heading and not _NUMBERED.match(heading):
            items.append(_Item("heading", heading, level=level))
        elif heading:
            body = squash(f"{heading} {body}")
        if body:
            items.append(_classify(body, one_per_line))
    title = None
    # A `# ` title, or a first line that reads as a heading right above the text: the statement's title.
    if (
        items
        and items[0].kind == "heading"
        and (items[0].level == 1 or (len(items) > 1 and items[1].kind != "heading"))
    ):
        title = items.pop(0).text
    return _Document(items, url, attribution, title)


def _paragraphs(lines: list[str], one_per_line: bool) -> list[tuple[str, str, str, int]]:
    """(heading, body, whole text, `#` level) of each paragraph, markup removed, with bold tracked
    across paragraph breaks; a paragraph without a letter or digit is left out."""
    groups: list[list[str]] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip() and not one_per_line:
            current.append(line)
            continue
        if current:
            groups.append(current)
            current = []
        if line.strip():
            groups.append([line])
    bold = dict.fromkeys(("**", "__", "*", "_"), False)
    result = []
    for group in groups:
        bold["*"] = bold["_"] = False  # a single marker never spans paragraphs; a stray one ends here
        segments: list[tuple[str, bool]] = []  # (text, strong)
        level = 0
        for index, line in enumerate(group):
            mark = re.match(HEADING_MARK, line)
            if mark:
                level = level or (len(mark.group(1)) if index == 0 else 0)
                line = line[mark.end() :]
            position = 0
            for token in re.finditer(MARKUP, line):
                strong = bool(mark) or any(bold.values())
                segments.append((line[position : token.start()], strong))
                if token.group(1):
                    segments.append((token.group(1), strong))
                elif token.group(2):
                    bold[token.group(2)] = not bold[token.group(2)]
                position = token.end()
            segments.append((line[position:] + " ", bool(mark) or any(bold.values())))
        lead = 0
        while lead < len(segments) and (segments[lead][1] or not segments[lead][0].strip()):
            lead += 1
        heading = squash("".join(text for text, _ in segments[:lead]))
        body = squash("".join(text for text, _ in segments[lead:]))
        whole = squash(f"{heading} {body}")
        if any(ch.isalnum() for ch in whole):
            result.append((heading, body, whole, level))
    return result


def _classify(text: str, one_per_line: bool) -> _Item:
    numbered = _NUMBERED.match(text)
    if numbered:
        return _Item("numbered", text[numbered.end() :], number=numbered.group(1))
    if text == text.upper() and text != text.lower():
        return _Item("heading", text)
    if one_per_line and len(text) < SHORT_HEADING and not text.endswith((".", ":", ";", "!", "?")):
        return _Item("heading", text)
    return _Item("text", text)


# -- building ----------------------------------------------------------------------------------


def _build(
    document: _Document,
    file_name: str,
    raw: bytes,
    title: str | None,
    language: str,
    parties: list[str],
    visit: tuple[date, date] | None,
) -> tuple[dict[str, bytes], ImportSummary]:
    items = document.items
    # Without any heading or number, the opening paragraph is the preamble and each other one an article.
    first = next((i for i, item in enumerate(items) if item.kind != "text"), min(1, len(items)))
    preamble = [item.text for item in items[:first]]
    sections: list[dict[str, Any]] = []
    articles: list[dict[str, Any]] = []
    numbered = any(item.kind == "numbered" for item in items[first:])
    last, suffix, ordinal = "0", 0, 0
    for item in items[first:]:
        if item.kind == "heading":
            sections.append({"number": len(sections) + 1, "heading": item.text, "title": _sentence_case(item.text)})
            continue
        if not sections:
            sections.append({"number": 1, "heading": NO_HEADING, "title": NO_HEADING_TITLE})
        if item.kind == "numbered":
            last, suffix = str(int(item.number)), 0
            article_id = last
        elif numbered:
            suffix += 1
            article_id = last + _letters(suffix)
        else:
            ordinal += 1
            article_id = str(ordinal)
        articles.append({"id": article_id, "section": len(sections), "text": item.text})
    _check_articles(articles, [item.number for item in items if item.kind == "numbered"])
    ids = [a["id"] for a in articles]
    if len(set(ids)) < len(ids):
        for article in articles:
            article["id"] = f"{article['section']}-{article['id']}"
        seen: set[str] = set()
        for article in articles:
            if article["id"] in seen:
                number = article["id"].split("-", 1)[1]
                raise UsageError(f"paragraph {number} appears twice in section {article['section']}")
            seen.add(article["id"])
    markers = _marker_pattern(language)
    for article in articles:
        article["title"] = _shorten(_sentences(article["text"])[0])
        article["commitments"] = _commitments(article["id"], article["text"], markers, language)
        article.update(status="not_started", tags=[], history=[])
    statement: dict[str, Any] = {
        "format": 1,
        "title": title.strip() if title else document.title or DEFAULT_TITLE,
        "parties": parties,
        "sides": [_slug(p) for p in parties],
        "visit": _visit(visit, preamble or [a["text"] for a in articles[:1]], document.url),
        "language": language,
        "source": {
            "attribution": document.attribution or f"imported from {file_name}",
            "url": document.url or file_name,
            "file": f"{SOURCE_DIR}/{file_name}",
        },
        "preamble": preamble,
        "sections": sections,
    }
    files = {
        STATEMENT_FILE: _record(Statement, statement, STATEMENT_FILE),
        GLOSSARY_FILE: _record(Glossary, {"terms": []}, GLOSSARY_FILE),
        f"{SOURCE_DIR}/{file_name}": raw,
    }
    files |= {f"{schema.SCHEMA_DIR}/{schema.file_name(kind)}": schema.render(kind) for kind in schema.KINDS}
    for article in articles:
        ordered = {key: article[key] for key in ("id", "section", "title", "text", "status", "tags")}
        ordered |= {"commitments": article["commitments"], "history": []}
        relative = f"{ARTICLES}/{article['id']}.yaml"
        files[relative] = _record(Article, ordered, relative)
    summary = ImportSummary(
        articles=len(articles),
        sections=len(sections),
        commitments=sum(len(a["commitments"]) for a in articles),
        preamble=len(preamble),
    )
    return files, summary


def _record(model: type[Record], data: dict[str, Any], relative: str) -> bytes:
    """The bytes of a record, proven to read back as the same valid record."""
    path = Path(relative)
    try:
        record = model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in error["loc"])
        raise UsageError(f"the imported {relative} would not be valid: {where}: {error['msg']}") from None
    written = yamlio.dump(to_data(record))
    try:
        again = parse_record(model, yamlio.load_text(written.decode("utf-8"), path), written, path)
    except DataError as exc:
        raise UsageError(f"the imported {relative} would not read back: {exc}") from None
    if again != record:
        raise UsageError(f"the imported {relative} would not read back as written")
    kind = schema.kind_of(relative)
    assert kind is not None
    return schema.comment_line(kind, path, Path(schema.SCHEMA_DIR)) + written


def _check_articles(articles: list[dict[str, Any]], numbers: list[str]) -> None:
    """Refuse an import that found no article, or fewer numbered paragraphs than its numbers count."""
    if not articles:
        raise UsageError(
            "no article found: every paragraph is preamble (no heading, numbered paragraph or second paragraph "
            "follows the opening); check that paragraphs are separated by blank lines"
        )
    previous = 0
    for number in map(int, numbers):
        if previous < number - 1 and previous:
            missing = number - 1 if number - 1 == previous + 1 else f"{previous + 1} to {number - 1}"
            raise UsageError(
                f"paragraph {missing} not found between {previous} and {number}: its number may be inside the "
                "paragraph before it (put a blank line before it) or written in a way import does not read"
            )
        previous = number


def _letters(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa."""
    text = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        text = chr(ord("a") + rest) + text
    return text


def _sentence_case(heading: str) -> str:
    """A heading in capitals in sentence case; any other as written."""
    if heading != heading.upper():
        return heading
    heading = heading.lower()
    return heading[:1].upper() + heading[1:]


def _shorten(text: str, limit: int = TITLE_LIMIT) -> str:
    """At most `limit` characters, cut at a word boundary and marked with `…`."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " " and " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:–—-") + "…"


def _sentences(text: str) -> list[str]:
    """Sentences of a whitespace-normalised text, each an exact substring of it."""
    sentences = []
    start = 0
    for end in _SENTENCE_END.finditer(text):
        following = text[end.end() :].lstrip(_OPENERS)
        if not following[:1].isupper():
            continue
        if text[end.start()] == "." and _abbreviation(text[start : end.start()]):
            continue
        sentences.append(text[start : end.end()].rstrip())
        start = end.end()
    if start < len(text):
        sentences.append(text[start:])
    return sentences or [text]


def _abbreviation(before: str) -> bool:
    word = before.rsplit(" ", 1)[-1].lstrip(_OPENERS)
    return word.lower() in ABBREVIATIONS or re.fullmatch(r"[A-Z]", word) is not None or "." in word


def _language_key(language: str) -> str:
    """`en-GB`, `nl_BE` -> the key of their markers."""
    return language.split("-")[0].split("_")[0].lower()


def _marker_pattern(language: str) -> re.Pattern[str] | None:
    """The language's markers as one pattern, each its own group, so that a match tells which one it was."""
    markers = MARKERS.get(_language_key(language))
    if not markers:
        return None
    return re.compile("|".join(rf"(?<!\w)({m})" for m in markers), re.IGNORECASE)


def _commitments(article_id: str, text: str, markers: re.Pattern[str] | None, language: str) -> list[dict[str, Any]]:
    found = [(s, m) for s in _sentences(text) if markers and (m := markers.search(s))]
    drafts: list[tuple[str, re.Match[str] | None]] = [*found] or [(text, None)]
    return [
        {
            "id": f"{article_id}.{n}",
            "title": _shorten(sentence),
            "side": "both",
            "kind": _draft_kind(match, language),
            "excerpt": sentence,
            "note": _how_found(match),
            "status": "not_started",
            "tags": [],
        }
        for n, (sentence, match) in enumerate(drafts, start=1)
    ]


def _draft_kind(match: re.Match[str] | None, language: str) -> str:
    if match is None or match.lastindex is None:
        return "agreed"
    marker = MARKERS[_language_key(language)][match.lastindex - 1]
    return MARKER_KINDS.get(marker, "agreed")


def _how_found(match: re.Match[str] | None) -> str:
    """What the curator reads to judge a draft: the words that made it one, or why it is the whole article."""
    if match is None:
        return f"{DRAFT_NOTE}: no sentence holds a commitment marker, so the whole article"
    return f"{DRAFT_NOTE}: the sentence says {squash(match.group())!r}"


def _slug(name: str) -> str:
    """A party's short name for the `side` of commitments: `United States` -> `united-states`."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "party"


def _visit(given: tuple[date, date] | None, opening: list[str], url: str | None) -> dict[str, str] | None:
    """The dates given, else the first in the opening (the preamble, else the first article), else the source
    URL's; a statement may have none."""
    found = given or _preamble_dates(" ".join(opening))
    if found is None and url:
        in_url = _URL_DATE.search(url)
        if in_url:
            try:
                day = date(int(in_url.group(1)), int(in_url.group(2)), int(in_url.group(3)))
                found = (day, day)
            except ValueError:
                pass
    if found is None:
        return None
    return {"start": found[0].isoformat(), "end": found[1].isoformat(), "place": PLACE_NOT_STATED}


def _preamble_dates(text: str) -> tuple[date, date] | None:
    matches = sorted((m for pattern in _DATES for m in pattern.finditer(text)), key=lambda m: m.start())
    for match in matches:
        year = int(match.group("y"))
        first_month = MONTHS[(match.group("m1") or match.group("m2")).lower()]
        last_month = MONTHS[(match.group("m2") or match.group("m1")).lower()]
        first_day = int(match.group("d1"))
        last_day = int(match.group("d2") or first_day)
        try:
            start, end = date(year, first_month, first_day), date(year, last_month, last_day)
        except ValueError:
            continue
        if start <= end:
            return start, end
    return None


# -- writing -----------------------------------------------------------------------------------


def _write(out: Path, files: dict[str, bytes]) -> None:
    """Write every file into a temporary folder next to `out`, then rename it into place."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".accord-import", dir=out.parent))
    except OSError as exc:
        raise UsageError(f"cannot create {out}: {exc.strerror or exc}") from None
    try:
        for relative, data in files.items():
            path = temporary / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            write_durably(path, data)
        (temporary / TARGETS).mkdir(exist_ok=True)
        os.chmod(temporary, 0o777 & ~umask())  # mkdtemp makes 0700; the records folder is an ordinary one
        _check_out(out)
        os.replace(temporary, out)
    except BaseException as exc:
        shutil.rmtree(temporary, ignore_errors=True)
        if isinstance(exc, OSError):
            raise UsageError(f"cannot create {out}: {exc.strerror or exc}; nothing written") from None
        raise
