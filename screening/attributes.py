"""Read the attributes clients and lists write beside names: countries (to ISO alpha-2) and dates (ISO).

Pure: rigour's territory data, no database. Client files, official lists and the CLI all read countries and
dates here, so "Germany", "DE" and "Deutschland" mean the same wherever they come from.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

_SKIP = str.maketrans("", "", ".()[],;:_-/ʻ'’")


def _territory_key(name: str) -> str:
    # As rigour's normalize_territory_name does for Latin text, without transliterating every other script.
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    folded = unicodedata.normalize("NFKC", folded).casefold().translate(_SKIP)
    return " ".join("".join(c if c.isalnum() else " " for c in folded).split())


@lru_cache(maxsize=1)
def _latin_territory_names() -> dict[str, str]:
    """Map the Latin-script territory names rigour knows to their codes (strong names over weak over places).

    rigour's own ``lookup_territory`` transliterates every name of every script on first use (about 1.4 s);
    official lists write countries in English, so this map answers them in a few milliseconds.
    """
    try:
        from rigour._core import territories_jsonl
        from rigour.data import iter_jsonl_text
    except ImportError:  # another rigour layout: the slow path alone still answers
        return {}
    strong: dict[str, str] = {}
    weak: dict[str, str] = {}
    places: dict[str, str] = {}
    for data in iter_jsonl_text(territories_jsonl()):
        code = data["code"]
        groups = ((strong, list(data.get("names_strong") or []) + [data.get("name"), data.get("full_name")]),
                  (weak, data.get("names_weak") or []), (places, data.get("places") or []))
        for target, names in groups:
            for n in names:
                if n and all(c.isascii() or unicodedata.name(c, "").startswith("LATIN") or not c.isalpha()
                             for c in n):
                    target[_territory_key(n)] = code
    return {**places, **weak, **strong}


@lru_cache(maxsize=8192)
def country_code(text: str) -> str | None:
    """Return the lower-case ISO alpha-2 code of a country code, name or demonym ("DE", "Korea, North"), or None.

    A subdivision gives its country ("Crimea" -> ua); historical states (the Soviet Union) give None.
    """
    from rigour.territories import lookup_by_identifier, lookup_territory

    text = " ".join(text.split())
    if not text:
        return None
    terr = lookup_by_identifier(text) if len(text) <= 3 else None
    code = terr.code if terr is not None else _latin_territory_names().get(_territory_key(text))
    if code is None and not text.isascii():
        terr = lookup_territory(text)
        code = terr.code if terr is not None else None
    if code is None:
        return None
    code = code.split("-")[0]
    return code if len(code) == 2 and code.isalpha() else None


_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def iso_date(text: str) -> str | None:
    """Return a valid "YYYY", "YYYY-MM" or "YYYY-MM-DD" as given, or None."""
    m = _ISO_DATE.match(text.strip())
    if not m:
        return None
    y, mo, d = (int(g) if g else None for g in m.groups())
    try:
        date(y, mo or 1, d or 1)
    except ValueError:
        return None
    return m.group(0) if 1800 <= y <= 2100 else None
