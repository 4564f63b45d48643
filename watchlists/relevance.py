"""Score how relevant an entity is for adverse-media screening, from its mentions.

relevance = adverse x corroboration x recency, in 0..1:

- adverse: the mentions' adverse weights (category weight x stage weight, see ``risk``) combined as independent
  evidence, 1 - prod(1 - a);
- corroboration: 0.7 for one independent source, rising towards 1 with more (0.85 for two, 0.925 for three);
  near-copies of one story are linked to the first and do not count;
- recency: halves every five years from the newest adverse mention, never below 0.3;
- sources and authorities (outlets, governments, courts) keep a tenth of it: they report, they are not the story.
"""
from __future__ import annotations

from datetime import date

HALF_LIFE_YEARS = 5.0
MIN_RECENCY = 0.3
SOURCE_FACTOR = 0.1


def _parse(d: str | None) -> date | None:
    if not d:
        return None
    try:
        return date.fromisoformat(d[:10])
    except ValueError:
        return None


def relevance(mentions: list[dict], is_source: bool = False, today: date | None = None) -> float:
    """Return 0..1 from mentions given as dicts with ``adverse``, ``source`` and ``published`` keys."""
    today = today or date.today()
    adverse = [m for m in mentions if (m.get("adverse") or 0) > 0]
    if not adverse:
        return 0.0
    miss = 1.0
    for m in adverse:
        miss *= 1.0 - min(1.0, float(m["adverse"]))
    strength = 1.0 - miss
    sources = {m.get("source") for m in adverse}
    corroboration = 1.0 - 0.3 * (0.5 ** (len(sources) - 1))
    dates = [d for d in (_parse(m.get("published")) for m in adverse) if d]
    if dates:
        age = max(0.0, (today - max(dates)).days / 365.25)
        recency = max(MIN_RECENCY, 0.5 ** (age / HALF_LIFE_YEARS))
    else:
        recency = 1.0
    score = strength * corroboration * recency
    if is_source:
        score *= SOURCE_FACTOR
    return round(min(1.0, max(0.0, score)), 4)
