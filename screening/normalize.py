"""Turn a raw name into the key under which equal names meet.

Pure: standard library and the name library only. The screening engine builds its richer comparable forms on top
of this; the watchlist uses ``name_key`` to consolidate entities across articles.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from normality import ascii_text

_POSSESSIVE = re.compile(r"['’]s?$")
_LEADING_THE = re.compile(r"^(?:the\s+)+", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w\s]+", re.UNICODE)


def to_ascii(text: str) -> str:
    """Transliterate to ASCII (Cyrillic, Greek, Arabic, CJK... through ICU), keeping letters and digits."""
    if text.isascii():
        return text
    out = ascii_text(unicodedata.normalize("NFC", text))
    return out or text


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Return the comparable key of a name: ASCII, casefolded, no punctuation, no leading "the" or trailing "'s"."""
    name = _POSSESSIVE.sub("", " ".join(name.split()))
    name = to_ascii(name).casefold()
    name = name.replace("&", " and ")
    name = _NON_WORD.sub(" ", name.replace("'", "").replace(".", ""))
    name = " ".join(name.split())
    name = _LEADING_THE.sub("", name)
    return " ".join(name.split())
