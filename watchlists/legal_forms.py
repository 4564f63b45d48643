"""The legal form of a company name, and whether two legal forms can belong to one company.

Legal forms are found with rigour's org-type data (OCCRP's table, ISO 20275 and Wikipedia's types of business
entity): ``extract_org_types`` gives each form's comparison form ("Pte. Ltd." -> ``pte ltd``, "Limited" -> ``ltd``,
"S.A." -> ``sa``). rigour does not say in which countries a form is used, so ``FORM_COUNTRIES`` below does, for the
forms news names most often (ISO alpha-2 codes; "Ltd" is used across the Commonwealth, "GmbH" in the German-speaking
countries). Two names with different forms used in no common country are taken for two companies ("Orion GmbH" and
"Orion Ltd" may be a German and a British company of one group, or strangers); a form missing from the table is
used in no known country, so it conflicts with every other form (the safe side: two entities, with the reason).

``company_base`` strips the legal form and the generic words that companies add to or drop from their name
("Group", "Holdings", "International", ...) from the end of a name: the part that names the company.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from screening.engine.normalize import name_key

_COMMONWEALTH = ("gb", "ie", "hk", "sg", "in", "au", "nz", "za", "ca", "ng", "ke", "gh", "my", "cy", "mt", "il",
                 "pk", "bd", "lk", "jm", "tt", "bm", "ky", "vg", "je", "gg", "im", "gi", "zw", "zm", "mu")
_CIS = ("ru", "ua", "by", "kz", "uz", "kg", "am", "az", "ge", "md", "tj", "tm")
_LATIN_SA = ("fr", "es", "be", "ch", "lu", "pt", "br", "ar", "mx", "cl", "co", "pe", "uy", "py", "ve", "ec", "bo",
             "gr", "pl", "ma", "tn", "dz", "sn", "ci", "cm", "ro", "mc")
_SE_COUNTRIES = ("de", "fr", "nl", "at", "it", "es", "lu", "fi", "se", "be", "dk", "ie", "cz", "pl", "pt")

# rigour's comparison form of a legal form -> the countries whose law has it (the most common forms in the news).
FORM_COUNTRIES: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in {
    "ltd": _COMMONWEALTH, "plc": ("gb", "ie", "ng", "lk"), "coltd": ("cn", "jp", "kr", "tw", "th", "vn") + _COMMONWEALTH,
    "pte ltd": ("sg",), "sdn bhd": ("my",), "bhd": ("my",), "pt": ("id",), "tbk": ("id",),
    "llc": ("us",) + _CIS, "inc": ("us", "ca", "ph"), "llp": ("us", "gb", "in"), "lp": ("us", "gb", "ca"),
    "pllc": ("us",), "corp": ("us", "ca"),
    "gmbh": ("de", "at", "ch", "li"), "ag": ("de", "at", "ch", "li"), "kg": ("de", "at"), "ug": ("de",),
    "gmbhcokg": ("de", "at"), "agcokg": ("de", "at"), "se": _SE_COUNTRIES,
    "sa": _LATIN_SA, "sas": ("fr", "co"), "sarl": ("fr", "lu", "ch", "ma", "tn", "be"), "sacv": ("mx",),
    "spa": ("it",), "srl": ("it", "ro", "ar", "be"), "sro": ("cz", "sk"), "as": ("no", "dk", "cz", "sk", "ee"),
    "aps": ("dk",), "oy": ("fi",), "oyj": ("fi",), "ab": ("se",), "bv": ("nl", "be"), "nv": ("nl", "be"),
    "bvba": ("be",), "spzoo": ("pl",), "kft.": ("hu",), "oü": ("ee",), "sia": ("lv",), "uab": ("lt",),
    "ooo": _CIS, "ao": _CIS, "pao": _CIS, "zao": _CIS, "ojsc": _CIS, "jsc": _CIS, "pjsc": _CIS, "cjsc": _CIS,
    "tov": ("ua",),
}.items()}

# Words a company adds to or drops from its name without becoming another company ("Orion Group", "Orion Holdings
# Ltd"), and those rigour's table leaves out (Corp, Co, Company). Only at the end of a name; "International" at the
# start ("International Monetary Fund") is part of the name.
GENERIC_WORDS = frozenset(
    "group groupe gruppe grupo holding holdings international intl worldwide global company companies co corp "
    "corporation enterprises and &".split())
# A generic word that is also a legal form of some country: stripped, and kept as that form for the conflict check.
_GENERIC_FORMS = {"corp": "corp", "corporation": "corp"}
_MAX_FORM_WORDS = 5
# Forms in rigour's table that are also English words a wrong name span ends with ("Skype In").
_NOT_FORMS = frozenset({"in", "and", "of", "the", "for"})
# Forms written before the name ("OAO Gazprom", "PT Astra"): stripped from the start too.
_LEADING_FORMS = frozenset({"ao", "ooo", "pao", "zao", "ojsc", "jsc", "pjsc", "cjsc", "pt", "tov"})


@dataclass(frozen=True)
class CompanyName:
    """A company name taken apart: the part that names the company (its key) and its legal forms."""

    base: str                   # name_key of the name without legal forms or trailing generic words
    forms: frozenset[str]       # rigour comparison forms found at the end of the name ("pte ltd", "gmbh")


@lru_cache(maxsize=50_000)
def company_base(name: str) -> CompanyName:
    """Strip legal forms and generic words from the end of an organisation's name (at least one word stays)."""
    words = [w for w in (t.strip(",;:()") for t in name.casefold().split()) if w]
    forms: set[str] = set()
    changed = True
    while changed and len(words) > 1:
        changed = False
        for n in range(min(_MAX_FORM_WORDS, len(words) - 1), 0, -1):
            tail = " ".join(words[-n:])
            found = _org_types(tail)
            if len(found) == 1 and found[0][0] == tail and tail not in _NOT_FORMS:
                forms.add(found[0][1])
                del words[-n:]
                changed = True
                break
        else:
            last = words[-1].strip(".")
            if last in GENERIC_WORDS:
                if last in _GENERIC_FORMS:
                    forms.add(_GENERIC_FORMS[last])
                words.pop()
                changed = True
    while len(words) > 1:
        found = _org_types(words[0])
        if len(found) == 1 and found[0][0] == words[0] and found[0][1] in _LEADING_FORMS:
            forms.add(found[0][1])
            words.pop(0)
        else:
            break
    base = name_key(" ".join(words))
    return CompanyName(base or name_key(name), frozenset(forms))


def _org_types(text: str) -> list[tuple[str, str]]:
    # imported on first use, for start-up speed: rigour takes ~80 ms to import
    from rigour.names.org_types import extract_org_types

    return extract_org_types(text)


def countries_of(form: str) -> frozenset[str]:
    """The countries whose law has this legal form (empty when not known)."""
    return FORM_COUNTRIES.get(form, frozenset())


def conflict(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> str | None:
    """Why two sets of legal forms cannot be one company, or None when they can.

    A name without a legal form fits any; a form in common fits; forms used in a common country fit ("Ltd" and
    "Pte. Ltd." in Singapore, "AG" and "SA" in Switzerland). Otherwise the reason, in words.
    """
    if not a or not b or set(a) & set(b):
        return None
    ca = frozenset().union(*(countries_of(f) for f in a))
    cb = frozenset().union(*(countries_of(f) for f in b))
    if ca & cb:
        return None

    def said(forms, countries) -> str:
        where = "/".join(sorted(countries)[:6]) + ("/..." if len(countries) > 6 else "") if countries \
            else "country not known"
        return f"{' + '.join(sorted(forms))} ({where})"
    return f"different legal forms of different countries: {said(a, ca)} and {said(b, cb)}"


def form_label(forms: frozenset[str] | set[str]) -> str:
    """A short label of a set of legal forms, for the scope that keeps a conflicting company apart."""
    return "+".join(sorted(re.sub(r"\W+", "", f) for f in forms))
