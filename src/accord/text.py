"""Text helpers shared by the records, the importer, the checks and search: one definition each."""

from __future__ import annotations

import re
import unicodedata

from .errors import InvalidValue

# A record id, tag or side: lower-case letters, digits and '-', not starting with '-'.
SLUG = r"[a-z0-9][a-z0-9-]*"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

ZERO_WIDTH = "\u200b\u200c\u200d\ufeff\u2060"
CHARACTERS = {ord(c): None for c in ZERO_WIDTH} | {0xA0: " "}
# A backslash escape (group 1), an emphasis marker (group 2: `**`, `__`, or a single `*` or `_` that
# opens or closes, not one inside a word or between spaces) or an HTML tag (group 3), left to right.
# This and HEADING_MARK are patterns for re's functions, compiled on first use: only importing needs them.
MARKUP = (
    r"\\([!-/:-@\[-`{-~])"
    r"|(\*\*|__|(?<![\w*])[*_](?=[^\s*_])|(?<=[^\s*_])[*_](?![\w*]))"
    r"|(</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>)"
)
HEADING_MARK = r"^[ \t]{0,3}(#{1,6})[ \t]+"
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def squash(text: str) -> str:
    """Every run of whitespace as one space, none at either end."""
    return " ".join(text.split())


def fold_accents(text: str) -> str:
    """`text` without accents: `creëren` -> `creeren`."""
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFD", text))


def clean_text(text: str) -> str:
    """A text as the importer reads it: zero-width characters removed, a no-break space as a space,
    `#` heading marks at the start of a line, Markdown backslash escapes, emphasis markers and HTML
    tags removed.

    Character-level only (no whitespace is squashed), so that every article text, whitespace
    normalised, is found in the whitespace-normalised `clean_text` of its source.
    """
    text = text.translate(CHARACTERS)
    text = "\n".join(re.sub(HEADING_MARK, "", line, count=1) for line in text.split("\n"))
    return re.sub(MARKUP, lambda m: m.group(1) or "", text)


def checked_text(value: str, what: str, limit: int) -> str:
    """`value`, unless it is empty, over `limit` characters or holds undecodable bytes (which
    Python keeps as surrogates, as when a shell hands over text in another encoding)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidValue(f"{what} is not valid UTF-8") from None
    if not value.strip():
        raise InvalidValue(f"{what} is empty")
    if len(value) > limit:
        raise InvalidValue(f"{what} is {len(value)} characters long; at most {limit}")
    return value


def as_tag(value: str) -> str:
    """A tag in the records' form: `Trade ` is `trade`."""
    tag = value.strip().lower()
    if not re.fullmatch(SLUG, tag):
        raise InvalidValue(f"tag {value!r} may hold only letters, digits and '-'")
    return tag


def yes_or_no(text: str, name: str) -> bool:
    """A yes/no setting, spelled as git spells booleans."""
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise InvalidValue(f"{name}={text!r}: use 1 or 0 (or true/false, yes/no, on/off)")
