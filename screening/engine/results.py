"""What a screening run yields, as it is stored and reported: one ``RowRecord`` per client row, one ``HitRecord``
per hit. Pure dataclasses: the service builds them from the engine's ``RowResult`` and the watchlist's evidence,
``screening.store.runs`` stores them under these very field names (each field is a column), and the Excel report
reads them back by the same names.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any, ClassVar

# How serious a hit is, most serious first: the values of ``HitRecord.alert_class``, with the words shown for them
# (a badge on every page, a column in the report). The service decides which class a hit has and which classes
# alert (``screening.service.alerts``, the policy's ``alert_classes``); here is only the vocabulary every layer
# shares.
SANCTIONS, PEP, ADVERSE_MEDIA, MENTION = "sanctions", "pep", "adverse media", "mention"
ALERT_CLASSES: dict[str, str] = {SANCTIONS: "Sanctions", PEP: "PEP", ADVERSE_MEDIA: "Adverse media",
                                 MENTION: "Mention"}


@dataclass
class RowRecord:
    """A client row as stored: the fields read, the cells as written, its status and why, its identity."""

    row: int
    client_id: str
    name: str
    type: str
    countries: list[str]
    birth_date: str | None
    cells: dict[str, str]
    status: str                           # "screened" or "not screened"
    reason: str | None                    # why not screened
    notes: list[str]                      # what was read with a caveat
    best_score: float | None
    client_key: str                       # who the client is (suppressions and monitoring key on it)
    client_fingerprint: str               # what the client looked like
    hit_count: int = 0
    news_mentions: int = 0                # news entities that matched without alerting ("also named in news: N")

    JSON: ClassVar[tuple[str, ...]] = ("countries", "cells", "notes")


@dataclass
class HitRecord:
    """A hit as stored: the match, and a snapshot of the entity's evidence when it was screened."""

    row: int
    rank: int
    entity_id: int
    entity_name: str
    entity_type: str
    source: str                           # "news" or the list's name
    list_id: str | None
    programs: list[str]
    remarks: str | None
    matched_name: str
    score: float
    name_score: float
    reasons: list[dict[str, str]]         # feature, outcome, text
    risk_categories: list[str]
    relevance: float | None
    countries: list[str]
    excerpts: list[dict[str, Any]]
    client_key: str
    entity_fingerprint: str
    alert_class: str | None = None        # a key of ALERT_CLASSES
    priority: float | None = None         # orders hits: class, then stage and relevance, then score (higher first)
    functions: list[dict[str, Any]] = field(default_factory=list)   # a PEP's public functions, with their excerpts
    # Set while storing, from earlier decisions on the same alert (same client key, same entity):
    suppression_id: int | None = None     # suppressed by an earlier clearance
    changed_since_decision: int | None = None   # decided earlier (cleared or confirmed), and a side changed since
    earlier_decision_id: int | None = None      # the decision in force on the alert from an earlier run (shown)
    confirmed_earlier: int = 0            # 1: a true match confirmed earlier, both sides unchanged (not pending)

    JSON: ClassVar[tuple[str, ...]] = ("programs", "reasons", "risk_categories", "countries", "excerpts", "functions")


def columns(cls) -> list[str]:
    """The stored columns of a record class: its fields, in order."""
    return [f.name for f in fields(cls)]


def as_row(record) -> dict:
    """A record as a dict of its fields (JSON columns still as Python values, not copied: a shallow view, about
    twenty times cheaper than ``dataclasses.asdict``'s deep copy of a row, for the million rows a batch stores)."""
    return {name: getattr(record, name) for name in _columns(type(record))}


@lru_cache(maxsize=None)
def _columns(cls) -> tuple[str, ...]:
    return tuple(columns(cls))


def class_label(alert_class: str | None) -> str:
    """The words shown for a hit's class ("PEP", "Adverse media"); "Unclassified" for a hit stored before classes."""
    return ALERT_CLASSES.get(alert_class or "", "Unclassified")


__all__ = ["ADVERSE_MEDIA", "ALERT_CLASSES", "HitRecord", "MENTION", "PEP", "RowRecord", "SANCTIONS", "as_row",
           "class_label", "columns", "field"]
