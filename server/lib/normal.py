"""The one way to write an email address, a UK phone number, a postcode and a name, so that a
person is recognised however a spreadsheet or a message wrote them: `+44 7700 900767`,
`0044 (0)7700-900767` and `07700900767` are one number; `wn71wj` is `WN7 1WJ`; "Khan, Molly"
and a Surname and a Forename column are Molly Khan. Used by erasure and the download alike
(server/privacy/subject.py; the download is stricter only in what it needs besides a
name), and by the import to compare names and codes as people write them."""

from __future__ import annotations

import re
import unicodedata

TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "rev"})
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")  # letters, with O'Brien and Smith-Jones


def simple(text: object) -> str:
    """Text as it is compared, the same in every alphabet and on both engines: Unicode
    case folding after NFKC (the "NFKC_Casefold" of Unicode's identifier rules), with runs
    of spaces made one. "ZOË" and "Zoë" (however the ë is encoded), "Ǆ" and "ǆ", "ΝΊΚΟΣ"
    and "Νίκος", "STRAUSS" and "Strauß" are each one name; accents still count ("Zoe" is
    not "Zoë"). Neither database can do this in SQL (SQLite's lower() knows only A to Z,
    PostgreSQL's knows no ß), so names are compared here, in Python."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", str(text)).casefold())
    return " ".join(folded.split())


def search_text(text: object, most: int = 100) -> str:
    """What a search box holds, safe to search for: without hidden control characters
    (PostgreSQL refuses a NUL), runs of spaces made one, at most `most` characters."""
    shown = "".join(ch for ch in str(text or "") if ch.isprintable() or ch.isspace())
    return " ".join(shown.split())[:most]


def digits(text: object) -> str:
    return "".join(ch for ch in _text(text) if ch.isdigit())


def _text(value: object) -> str:
    """A cell as text; a whole number read as a float (7700900767.0) without its ".0"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def email(text: object) -> str:
    """An email address in lower case, without spaces anywhere in it."""
    return "".join(str(text).split()).casefold()


def phone(text: object) -> str:
    """A phone number as its digits, a UK number in its national form (07700900767):
    +44, 0044 and 44 become 0, "(0)" goes, and so do spaces, dashes, dots and brackets. A
    10-digit number without its 0 (a spreadsheet that read it as a number) gets it back."""
    raw = _text(text).replace("(0)", "")
    found = digits(raw)
    if raw.lstrip().startswith("+"):
        return "0" + found[2:] if found.startswith("44") else "+" + found
    if found.startswith("0044"):
        return "0" + found[4:]
    if found.startswith("44") and len(found) == 12:
        return "0" + found[2:]
    if len(found) == 10 and found[0] in "12378":
        return "0" + found
    return found


def postcode(text: object) -> str:
    """A postcode in capitals without spaces (WN71WJ)."""
    return "".join(str(text).split()).upper()


def name_words(text: object) -> list[str]:
    """The words of a name in lower case, in order, without titles (Mrs) or punctuation:
    "Khan, Molly" is ["khan", "molly"]."""
    return [w for w in _WORD.findall(simple(text)) if w not in TITLES]


def has_year(text: object, year: int) -> bool:
    """Whether a cell is the year, or holds it as a whole number (a date: 12/03/1961)."""
    return re.search(rf"(?<!\d){year}(?!\d)", _text(text)) is not None
