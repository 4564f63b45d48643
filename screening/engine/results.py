"""What a screening run yields, as it is stored and reported: one ``RowRecord`` per client row, one ``HitRecord``
per hit. Pure dataclasses: the service builds them from the engine's ``RowResult`` and the watchlist's evidence,
``screening.store.runs`` stores them under these very field names (each field is a column), and the Excel report
reads them back by the same names.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar


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
    suppression_id: int | None = None     # set while storing: suppressed by an earlier clearance
    changed_since_decision: int | None = None

    JSON: ClassVar[tuple[str, ...]] = ("programs", "reasons", "risk_categories", "countries", "excerpts")


def columns(cls) -> list[str]:
    """The stored columns of a record class: its fields, in order."""
    return [f.name for f in fields(cls)]


def as_row(record) -> dict:
    """A record as a dict of its fields (JSON columns still as Python values)."""
    return asdict(record)


__all__ = ["HitRecord", "RowRecord", "as_row", "columns", "field"]
