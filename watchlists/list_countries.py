"""Read countries from what official lists write about a person: nationality fields, places of birth, addresses,
and labelled phrases in their remarks ("nationality Korea, North", "citizen Iran", "Nationality: Syria").

Pure: the country vocabulary is ``screening.engine.attributes.country_code`` (ISO codes, English names, OFAC's
"Korea, North", the UN's "Iran (Islamic Republic of)", demonyms such as "Afghan"). A list's nationality and
citizenship are strong evidence (``ListEntry.countries``); a place of birth or an address is a weak hint
(``ListEntry.country_hints``): someone born or living in a country need not be its national.
"""
from __future__ import annotations

import re
import unicodedata

from screening.engine.attributes import country_code, is_placeholder

# "(1) Somali (2) Swedish", "1) Saudi Arabia 2) Qatar", "(1)-(2) Tunisia (3) Libya", "(1) to (6) Algeria", "a) French,
# b) Tunisian": the UK list numbers or letters the values of one field, one mark (or a span of them) per value.
_ENUMERATOR = re.compile(r"\(?\b(?:\d{1,2}|[a-h])\)(?:\s*(?:-|to)\s*\(?(?:\d{1,2}|[a-h])\))?")
# Within one value: "DRC and Belgian nationalities", "Iranian national and US national/citizen", "United States of
# America. Also believed to hold Syrian nationality".
_PIECES = re.compile(r"\s*(?:[;/]|\band\b|\.\s+)\s*")
_SUFFIX = re.compile(r"\s+(?:citizenship|nationality|nationalities|national|citizen|by\s+birth)$", re.IGNORECASE)
# A nationality no longer held is not evidence: "Kuwaiti citizenship withdrawn in 2002".
_LOST = re.compile(r"\b(?:withdrawn|revoked|stripped|renounced|former|formerly|previously|lost)\b", re.IGNORECASE)
_HEDGES = re.compile(r"^(?:possibly|probably|reportedly|allegedly|region:)\s+", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_MAX_WORDS = 6   # the longest country name scanned for inside a phrase: "United Kingdom of Great Britain and ..."
_PARENTHESES = re.compile(r"\([^()]*\)")


def _latin(text: str) -> str:
    """Fold accents and typographic quotes away from Latin text ("Türkiye", "Côte d’Ivoire").

    ``country_code`` answers ASCII text from a map in microseconds, but sends other text to rigour's full look-up,
    which transliterates every territory name once per process (seconds): list fields are English.
    """
    if text.isascii():
        return text
    folded = "".join(c for c in unicodedata.normalize("NFKD", text.replace("’", "'")) if not unicodedata.combining(c))
    return folded if folded.isascii() else text


def _code(text: str) -> str | None:
    """``country_code`` of Latin text only: a name in another script ("(ريمة)") is a note, not the country."""
    text = _latin(text)
    return country_code(text) if text.isascii() else None


def _one(text: str) -> str | None:
    """Return the country a short phrase names, or None: as written, without its notes, or its last comma part."""
    text = _HEDGES.sub("", " ".join(_latin(text).split()).strip(" .,;:-"))
    if not text or is_placeholder(text):
        return None
    for candidate in (text, _PARENTHESES.sub("", text)):
        candidate = " ".join(candidate.split()).strip(" .,;:-")
        if candidate and not is_placeholder(candidate) and (code := _code(candidate)):
            return code
    # "Baghdad, Iraq", "Kandahar Province, Afghanistan": a place of birth or address ends with its country. A short
    # tail is a state ("Chicago, IL"), not an ISO code (Israel).
    tail = text.rsplit(",", 1)[1].strip(" .") if "," in text else ""
    return _one(tail) if len(tail) > 3 else None


def _scan(text: str) -> list[str]:
    """Return the countries named inside a phrase ("In Syria as at June 2013"), longest names first.

    Only capitalised words of four letters or more start a name, so that "in" (India) or "as" (American Samoa)
    in running text are never read as ISO codes.
    """
    words = [m.group(0) for m in _WORD.finditer(_PARENTHESES.sub(" ", text))]
    found, i = [], 0
    while i < len(words):
        for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            phrase = " ".join(words[i:i + n])
            if not words[i][0].isupper() or len(phrase) < 4:
                continue
            code = _code(phrase)
            if code:
                if code not in found:
                    found.append(code)
                i += n - 1
                break
        i += 1
    return found


def field_countries(text: str | None, *, scan: bool = False) -> list[str]:
    """Return the countries of a list field meant to hold them ("Nationality", "Country of Birth", "Country").

    Reads numbered values ("(1) Somali (2) Swedish"), notes in parentheses ("Afghanistan (since 2009)"), a city
    before its country ("Baghdad, Iraq"), "X citizenship", several values joined by "and" or "/", and placeholders
    ("na", "-"). With ``scan``, a value that is not a country name is searched for one ("In Syria as at June 2013",
    "Also believed to hold Syrian nationality"). A nationality withdrawn or former gives nothing.
    """
    text = " ".join((text or "").split())
    if not text or is_placeholder(text):
        return []
    whole = _one(text)          # "Korea, North", "Bosnia and Herzegovina": the field may be one name with a comma
    if whole:
        return [] if _LOST.search(text) else [whole]
    found: list[str] = []
    for part in _ENUMERATOR.split(text):
        pieces = [part] if _one(part) else _PIECES.split(part)
        for piece in pieces:
            if not piece.strip(" .,;:-") or _LOST.search(piece):
                continue
            code = _one(piece) or _one(_SUFFIX.sub("", piece.strip(" .,;:-")))
            codes = [code] if code else (_scan(piece) if scan else [])
            found.extend(c for c in codes if c not in found)
    return found


# A remark that states a nationality, citizenship or place of birth, at the start of a clause: OFAC writes
# "nationality Korea, North", "citizen Iran", "alt. citizen Sudan", "POB Tehran, Iran"; the UN and UK lists write
# "Nationality: Syria", "Citizenship: Pakistan", "Place of birth: Kabul" in their comments.
_STRONG_LABEL = re.compile(
    r"^(?:alt\.\s+)?(?:nationality|citizenship|citizen)(?:\s+of\s+registration)?(?:\s+of\b)?\s*:?\s+(.+)$",
    re.IGNORECASE)
_WEAK_LABEL = re.compile(r"^(?:alt\.\s+)?(?:POB|place\s+of\s+birth|born\s+in)\s*:?\s+(.+)$", re.IGNORECASE)
# Clauses of free-text comments; "U.S." and "No. 123" keep their dots (a dot ends a clause before a space and a
# capital or at the end).
_CLAUSE = re.compile(r";|\n|\.(?=\s+[A-Z(]|\s*$)")


def labelled_country(clause: str) -> tuple[str, str | None]:
    """Read one remark clause: ("strong", code) for a nationality or citizenship, ("weak", code) for a place of
    birth, ("", None) for anything else or a country not recognised ("nationality withdrawn on 26 Jan 2009")."""
    clause = " ".join(clause.split()).strip()
    if m := _STRONG_LABEL.match(clause):
        return "strong", _one(m.group(1))
    if m := _WEAK_LABEL.match(clause):
        return "weak", _one(m.group(1))
    return "", None


def remark_countries(text: str | None) -> tuple[list[str], list[str]]:
    """Return (nationalities and citizenships, places of birth) stated in a list's free-text remarks."""
    strong: list[str] = []
    weak: list[str] = []
    for clause in _CLAUSE.split(text or ""):
        kind, code = labelled_country(clause)
        if code:
            target = strong if kind == "strong" else weak
            if code not in target:
                target.append(code)
    return strong, weak


def merge(*groups) -> tuple[str, ...]:
    """Return the codes of several lists once each, in order of first appearance."""
    return tuple(dict.fromkeys(c for g in groups for c in g if c))
