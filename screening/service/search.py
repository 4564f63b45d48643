"""Screen one name against the watchlist, as a screening run would: the web's search page, the API and
``screening match`` answer through here."""
from __future__ import annotations

from screening.engine.attributes import country_code, iso_date
from screening.engine.model import Query, Skipped, entity_type
from screening.engine.normalize import problem
from screening.engine.pairs import algorithm_id
from screening.service import alerts, policy
from screening.service.matching import EmptyWatchlist, matcher_for
from screening.store import watchlist as store

__all__ = ["EmptyWatchlist", "SearchError", "search"]

SEARCH_LIMIT = 20
SEARCH_EXCERPTS = 2       # excerpts per result, the most adverse first
MAX_NAME = 500            # characters of a searched name


class SearchError(ValueError):
    """A search parameter that cannot be used, with the reason in words."""


def search(db, q: str, etype: str = "", countries: list[str] | tuple[str, ...] = (), threshold: float | None = None,
           limit: int = SEARCH_LIMIT, birth_date: str | None = None) -> dict:
    """Screen one name against the watchlist with the screening engine, as a screening run would.

    Return the query as screened, the threshold, algorithm, watchlist version and size, and either ``results``
    (best first, each with its reasons and evidence) or ``skipped`` (why the name cannot be screened), and
    ``unscreened``: entities of that exact name kept out of screening (id, name, type, reason). Raise
    ``SearchError`` for an unknown type, country or birth date, ``EmptyWatchlist`` for an empty
    watchlist (a name that cannot be screened is answered first, watchlist or not). The web's search page, the API
    and ``screening match`` all answer through here.
    """
    if len(q) > MAX_NAME:
        raise SearchError(f"the name is {len(q)} characters long: search at most {MAX_NAME}")
    try:
        qtype = entity_type(etype)
    except ValueError as exc:
        raise SearchError(str(exc)) from None
    codes = []
    for c in countries:
        if not (c or "").strip():
            continue
        code = country_code(c)
        if code is None:
            raise SearchError(f"unknown country {c.strip()!r} (use an ISO alpha-2 code or an English country name)")
        codes.append(code)
    birth_date = (birth_date or "").strip() or None
    if birth_date is not None and iso_date(birth_date) is None:
        raise SearchError(f"unreadable date {birth_date!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    resolved = policy.resolve(db, threshold=threshold)
    threshold = resolved.threshold
    query = Query(name=q, type=qtype, countries=tuple(dict.fromkeys(codes)), birth_date=birth_date)
    out = {"query": {"name": q, "type": qtype, "countries": list(query.countries), "birth_date": birth_date},
           "threshold": threshold, "algorithm": algorithm_id(), "watchlist_version": store.current_version(db)}
    # Entities kept out of screening (a one-word person name that joined no full name) are not in the matcher: they
    # are found here by their exact name, apart from the screened results.
    out["unscreened"] = [{"entity_id": e["id"], "entity_name": e["name"], "type": e["type"],
                          "reason": e["unscreened"]}
                         for e in (store.find_entities(db, q) if q.strip() and not q.strip().isdigit() else ())
                         if e.get("unscreened")][:limit]
    why = problem(q)
    if why:
        return {**out, "skipped": why, "results": []}
    matcher, version, size = matcher_for(db, resolved.news_min_relevance)
    out["watchlist_entities"] = size
    found = matcher.screen(query, threshold=threshold, limit=limit)
    if isinstance(found, Skipped):
        return {**out, "skipped": found.reason, "results": []}
    results = []
    for m in found:
        entity = store.entity_by_id(db, int(m.record_id))
        if entity is None:                     # removed since the matcher was built
            continue
        ev = store.evidence(entity, max_excerpts=SEARCH_EXCERPTS)
        listed = entity.get("origin") == "list"
        # Every class is found here, those that do not alert in a run (mention) too.
        results.append({
            "entity_id": ev["entity_id"], "entity_name": ev["entity_name"], "matched_name": m.matched_name,
            "alert_class": alerts.classify(ev), "functions": ev["functions"],
            "score": round(m.score, 4), "name_score": round(m.name_score, 4), "type": ev["entity_type"],
            "source": ev["source"], "role": entity.get("role"), "relevance": ev["relevance"],
            "risk_categories": ev["risk_categories"], "countries": ev["countries"],
            "reasons": [{"feature": r.feature, "outcome": r.outcome, "text": r.text} for r in m.reasons],
            "excerpts": ev["excerpts"],
            "list": {"list_name": ev["source"], "list_id": ev["list_id"], "programs": ev["programs"],
                     "remarks": ev["remarks"]} if listed else None})
    return {**out, "skipped": None, "results": results}


