"""The UN Security Council consolidated list (XML) as engine records: persons with aliases, birth dates, nationalities.

The product has no UN reader yet (``watchlists.lists`` reads CSV and OFAC SDN); this one serves the benchmarks only.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screening.engine.attributes import country_code  # noqa: E402
from screening.engine.model import PERSON, Record  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared/data"
UN_XML = SHARED / "sanctions_lists/un_sc_consolidated/UN_consolidated.xml"
NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
YEAR_SPAN = 10   # as watchlists.lists: a range of more years than this gives its two ends only


@dataclass(frozen=True)
class UNPerson:
    """One listed individual: the record the engine indexes and the name parts as the list writes them."""

    record: Record
    parts: tuple[str, ...]        # FIRST_NAME .. FOURTH_NAME, the empty ones left out
    original_script: str          # NAME_ORIGINAL_SCRIPT, "" if none


def _text(el: Element | None) -> str:
    return " ".join((el.text or "").split()) if el is not None else ""


def _birth_dates(ind: Element) -> tuple[str, ...]:
    """Read INDIVIDUAL_DATE_OF_BIRTH: an exact date, a year (exact or approximate), or a range of years."""
    out: list[str] = []
    for d in ind.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        date, year = _text(d.find("DATE")), _text(d.find("YEAR"))
        lo, hi = _text(d.find("FROM_YEAR")), _text(d.find("TO_YEAR"))
        if date:
            out.append(date[:10])
        elif year:
            out.append(year)
        elif lo.isdigit() and hi.isdigit():
            a, b = int(lo), int(hi)
            years = range(a, b + 1) if 0 <= b - a <= YEAR_SPAN else (a, b)
            out.extend(f"{y:04d}" for y in years)
    return tuple(dict.fromkeys(out))


def _aliases(ind: Element) -> list[str]:
    # Some alias cells hold several names separated by ";" ("Qasim Soleimani; Qasem Sulaimani; ...").
    out = []
    for a in ind.findall("INDIVIDUAL_ALIAS/ALIAS_NAME"):
        out.extend(p.strip() for p in _text(a).split(";") if p.strip())
    return out


def un_persons(path: Path = UN_XML) -> list[UNPerson]:
    """Return every individual of the UN list, its primary name the name parts joined in the list's order."""
    root = ElementTree.parse(path).getroot()
    out = []
    for ind in root.iter("INDIVIDUAL"):
        parts = tuple(p for p in (_text(ind.find(t)) for t in NAME_PARTS) if p)
        if not parts:
            continue
        original = _text(ind.find("NAME_ORIGINAL_SCRIPT"))
        names = [" ".join(parts)] + _aliases(ind) + ([original] if original else [])
        countries = tuple(dict.fromkeys(c for c in (country_code(_text(v)) for v in
                                                   ind.findall("NATIONALITY/VALUE") if _text(v)) if c))
        rec = Record(id="un:" + _text(ind.find("REFERENCE_NUMBER")), names=tuple(dict.fromkeys(names)),
                     type=PERSON, countries=countries, birth_dates=_birth_dates(ind), source="un-sc")
        out.append(UNPerson(rec, parts, original))
    return out
