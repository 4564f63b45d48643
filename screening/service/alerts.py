"""How serious a hit is: its class and its priority, from the entity's evidence and the score. Pure: no storage.

Classes, from most to least serious (``screening.engine.results.ALERT_CLASSES``):

- ``sanctions``: an entry of an official list (every imported list is one, unless its programs mark the entry as a
  politically exposed person: a PEP list);
- ``pep``: a politically exposed person: a list entry a PEP list marks so, or a news person whose mentions give a
  public function (``watchlists.functions``), kept as evidence with the excerpt that says so;
- ``adverse media``: a news entity with adverse mentions (risk categories);
- ``mention``: a news entity named without an adverse signal or a public function.

The priority orders hits: the class first, then the furthest stage the adverse mentions reach (conviction > charge
> investigation > allegation > cleared > none) and the relevance, then the score. It is one number, so that every
page and the API sort by it in SQL: ``1000 × class + 100 × stage + relevance in hundredths (0..99) + 0.99 × score``,
each part smaller than a step of the one before.
"""
from __future__ import annotations

from screening.engine.results import (
    ADVERSE_MEDIA,
    ALERT_CLASSES,
    MENTION,
    PEP,
    SANCTIONS,
)
from watchlists import risk

CLASSES = tuple(ALERT_CLASSES)                  # most serious first
_RANK = {c: len(CLASSES) - 1 - i for i, c in enumerate(CLASSES)}      # sanctions 3 ... mention 0
_STAGE = {name: rank + 1 for name, rank, _weight, _pattern in risk.STAGES}   # cleared 1 ... conviction 5


def classify(evidence: dict) -> str:
    """The class of a hit on the entity whose evidence (``screening.store.watchlist.evidence``) is given."""
    if evidence.get("source") != "news":
        return PEP if risk.is_pep_entry(evidence.get("programs")) else SANCTIONS
    if evidence.get("functions"):
        return PEP
    if evidence.get("risk_categories") or (evidence.get("relevance") or 0) > 0:
        return ADVERSE_MEDIA
    return MENTION


def priority(alert_class: str, evidence: dict, score: float) -> float:
    """The hit's priority (higher first): class, then stage and relevance, then score."""
    stage = _STAGE.get(evidence.get("stage") or "", 0)
    relevance = min(99, round((evidence.get("relevance") or 0.0) * 100))
    return round(1000 * _RANK[alert_class] + 100 * stage + relevance + 0.99 * max(0.0, min(1.0, score)), 4)


def functions(evidence: dict) -> list[dict]:
    """The public functions a hit keeps as evidence: title, category, country and the excerpt that says so."""
    return [dict(f) for f in evidence.get("functions") or ()]


def check_classes(values) -> tuple[str, ...]:
    """Alerting classes as given (names, in any order and case), checked; in the order of ``CLASSES``."""
    wanted = {str(v).strip().lower() for v in values if str(v).strip()}
    unknown = sorted(wanted - set(CLASSES))
    if unknown:
        raise ValueError(f"unknown class {unknown[0]!r} (classes: {', '.join(CLASSES)})")
    return tuple(c for c in CLASSES if c in wanted)
