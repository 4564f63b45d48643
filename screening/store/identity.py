"""Who a client is and what either side of an alert looked like: the keys and fingerprints that suppressions,
carried decisions and monitoring are keyed to.

Pure functions over values (no database): the schema's migrations use them too, to re-key what was stored under
an earlier definition.

A client's identity is its client ID, name, birth date and countries, never how a column was mapped: the entity
type a file's type column gives (or does not give) is evidence for matching, not identity, so mapping a type
column differently in a later run of the same file changes neither key nor fingerprint.
"""
from __future__ import annotations

import hashlib
import json

from screening.engine.normalize import name_key


def _sha(value) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def countries_of(countries) -> list[str]:
    """Countries as stored or given (a JSON list, one code, or a sequence) as a sorted list of lower-case codes."""
    if isinstance(countries, str):
        countries = json.loads(countries) if countries.startswith("[") else [countries]
    return sorted({str(c).lower() for c in countries or () if c})


def client_identity(client_id: str | None, name: str | None, countries, birth_date: str | None,
                    shared_id: bool = False) -> tuple[str, str]:
    """Return a client's ``(client_key, client_fingerprint)``.

    The key is who the client is: ``id:<client ID>`` when the file has one, else the normalised name, countries
    and birth date. A client ID that several rows of one file share (``shared_id``) does not tell them apart, so
    their keys add the normalised name: a suppression or a monitored client of one is never the other's.
    The fingerprint is what the client looked like: a SHA-256 of the name, countries and birth date, so a client
    with an ID whose birth date changes keeps its key and changes its fingerprint.
    """
    attrs = [name_key(name or ""), countries_of(countries), birth_date or ""]
    cid = (client_id or "").strip()
    if cid:
        key = f"id:{cid}|name:{attrs[0]}" if shared_id else f"id:{cid}"
    else:
        key = "|".join(["name:" + attrs[0], ",".join(attrs[1]), attrs[2]])
    return key, _sha(attrs)


def entity_fingerprint(entity: dict) -> str:
    """Return a SHA-256 of what an entity (from ``watchlists.store.get_entity``) says: its names and aliases, risk
    categories and mentions, and for a list entry its programs, remarks, birth dates and delisting."""
    def listed(value):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return [value]
        return sorted(str(v) for v in value or ())
    names = {name_key(entity.get("name") or "")} | {name_key(a["alias"]) for a in entity.get("aliases") or ()}
    body = {"names": sorted(names), "type": entity.get("type"),
            "risk_categories": listed(entity.get("risk_categories")),
            "mentions": sorted(m["id"] for m in entity.get("mentions") or ())}
    if entity.get("origin") == "list":
        body.update(programs=listed(entity.get("programs")), remarks=entity.get("remarks") or "",
                    birth_dates=listed(entity.get("birth_dates")), delisted=entity.get("delisted_version"))
    return _sha(body)
