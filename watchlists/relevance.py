"""Score how relevant an entity is for adverse-media screening, from its mentions.

relevance = adverse x corroboration x recency, in 0..1:

- adverse: the five strongest adverse weights (category weight x stage weight, see ``risk``) combined as
  independent evidence, 1 - prod(1 - a), times the focus of the coverage: 0.5 + the share of the entity's
  mentions that are adverse (at most 1), so that an entity named everywhere and adverse rarely ranks below one
  whose coverage is about its wrongdoing;
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
TOP_MENTIONS = 5
FOCUS_FLOOR = 0.5


def _parse(d: str | None) -> date | None:
    if not d:
        return None
    try:
        return date.fromisoformat(d[:10])
    except ValueError:
        return None


def relevance(mentions: list[dict], is_source: bool = False, today: date | None = None,
              total_mentions: int | None = None) -> float:
    """Return 0..1 from the adverse mentions (dicts with ``adverse``, ``source`` and ``published`` keys).

    ``total_mentions`` counts all the entity's mentions, adverse or not (default: those given).
    """
    today = today or date.today()
    adverse = [m for m in mentions if (m.get("adverse") or 0) > 0]
    if not adverse:
        return 0.0
    miss = 1.0
    for a in sorted((min(1.0, float(m["adverse"])) for m in adverse), reverse=True)[:TOP_MENTIONS]:
        miss *= 1.0 - a
    strength = 1.0 - miss
    # Focus: a politician named in 500 articles, 30 of them near a crime word, is less of a story than a firm
    # named in 3, all of them about its fraud.
    share = len(adverse) / max(len(adverse), total_mentions or len(mentions))
    strength *= min(1.0, FOCUS_FLOOR + share)
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
