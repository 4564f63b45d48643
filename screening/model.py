"""The screening engine's data: what it is asked (a query), what it searches (records) and what it answers.

Pure dataclasses, no behaviour beyond validation of their own fields. Storage turns watchlist rows into
``Record`` objects; file readers turn client rows into ``Query`` objects; the engine returns ``Match`` objects.
"""
from __future__ import annotations

from dataclasses import dataclass

PERSON = "person"
ORGANIZATION = "organization"
VESSEL = "vessel"
AIRCRAFT = "aircraft"
UNKNOWN = "unknown"
ENTITY_TYPES = (PERSON, ORGANIZATION, VESSEL, AIRCRAFT, UNKNOWN)

_TYPE_SYNONYMS = {
    "person": PERSON, "individual": PERSON, "per": PERSON, "people": PERSON, "natural person": PERSON,
    "p": PERSON, "i": PERSON,
    "organization": ORGANIZATION, "organisation": ORGANIZATION, "org": ORGANIZATION, "company": ORGANIZATION,
    "entity": ORGANIZATION, "legal entity": ORGANIZATION, "legalentity": ORGANIZATION, "e": ORGANIZATION,
    "corporation": ORGANIZATION, "business": ORGANIZATION,
    "vessel": VESSEL, "ship": VESSEL, "aircraft": AIRCRAFT,
    "unknown": UNKNOWN, "": UNKNOWN, "-0-": UNKNOWN,
}


def entity_type(value: str | None) -> str:
    """Map a type as written in files ("Individual", "Company", "E"...) to one of ``ENTITY_TYPES``.

    Raise ``ValueError`` naming the value when it is not recognised.
    """
    key = " ".join((value or "").split()).casefold()
    if key in _TYPE_SYNONYMS:
        return _TYPE_SYNONYMS[key]
    raise ValueError(f"unknown entity type {value!r} (use person, organization, vessel, aircraft or unknown)")


@dataclass(frozen=True)
class Record:
    """One watchlist entity as the engine sees it: its names (primary first) and comparable attributes."""

    id: str
    names: tuple[str, ...]
    type: str = UNKNOWN
    countries: tuple[str, ...] = ()        # ISO 3166 alpha-2, lower case
    birth_dates: tuple[str, ...] = ()      # "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    source: str = ""                       # "news", "ofac-sdn", "csv:<file>"...


@dataclass(frozen=True)
class Query:
    """A name to screen, with the attributes the client file gave (all optional)."""

    name: str
    type: str = UNKNOWN
    countries: tuple[str, ...] = ()
    birth_date: str | None = None


@dataclass(frozen=True)
class Reason:
    """One finding behind a score, in a sentence a reviewer can read.

    ``outcome`` is "match", "partial", "conflict", "unknown" or "info"; ``score`` is the finding's own 0..1 value.
    """

    feature: str
    outcome: str
    text: str
    score: float = 0.0


@dataclass(frozen=True)
class Match:
    """The engine's answer for one query and one record: a 0..1 score, the name that matched, and why."""

    record_id: str
    score: float
    query_name: str
    matched_name: str
    reasons: tuple[Reason, ...] = ()
    name_score: float = 0.0
    record_type: str = UNKNOWN
    algorithm: str = ""

    def explain(self) -> list[str]:
        """Return the reasons as plain sentences, strongest finding first."""
        return [r.text for r in self.reasons]


@dataclass(frozen=True)
class Skipped:
    """A query the engine did not screen, with the reason in words (empty name, digits only...)."""

    query_name: str
    reason: str
