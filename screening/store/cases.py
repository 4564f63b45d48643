"""Suppression of cleared false positives: who a client is, what an entity was, and whether an alert stays cleared.

A false positive cleared with ``suppress`` (and approved by a reviewer) suppresses the same alert in later runs:
the same client (``client_key``: the client ID when the file has one, else the normalised name, type, countries
and birth date) against the same watchlist entity. Both sides are fingerprinted as they were when cleared; when
either fingerprint differs in a later run, the suppression lifts itself and the alert comes back marked "changed
since cleared" with the clearing decision. Storage functions take an open database and run inside the caller's
transaction; every change is audited there.
"""
from __future__ import annotations

import hashlib
import json

import sqlite_utils

from screening.engine.normalize import name_key
from screening.engine.results import HitRecord, RowRecord
from screening.store import audit
from screening.store import watchlist as store
from screening.store.common import now_iso

ENTITY_CHANGED = "the entity changed: new mentions/aliases/risk categories"
CLIENT_CHANGED = "the client's data changed"
REPLACED = "replaced by a later suppression of the same alert"


def _sha(value) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _countries(countries) -> list[str]:
    if isinstance(countries, str):
        countries = json.loads(countries) if countries.startswith("[") else [countries]
    return sorted({str(c).lower() for c in countries or () if c})


def client_identity(client_id: str | None, name: str | None, type_: str | None, countries, birth_date: str | None,
                    shared_id: bool = False) -> tuple[str, str]:
    """Return a client's ``(client_key, client_fingerprint)``.

    The key is who the client is: ``id:<client ID>`` when the file has one, else the normalised name, type,
    countries and birth date. A client ID that several rows of one file share (``shared_id``) does not tell them
    apart, so their keys add the normalised name: a suppression or a monitored client of one is never the other's.
    The fingerprint is what the client looked like: a SHA-256 of the same attributes, so a client with an ID whose
    birth date changes keeps its key and changes its fingerprint.
    """
    attrs = [name_key(name or ""), type_ or "unknown", _countries(countries), birth_date or ""]
    cid = (client_id or "").strip()
    # Monitored clients and run rows join on this key (``monitor`` stores the key of the run row it came from).
    if cid:
        key = f"id:{cid}|name:{attrs[0]}" if shared_id else f"id:{cid}"
    else:
        key = "|".join(["name:" + attrs[0], attrs[1], ",".join(attrs[2]), attrs[3]])
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


# --- suppressions ---------------------------------------------------------------------------------------------

def active_suppression(db: sqlite_utils.Database, client_key: str, entity_id: int) -> dict | None:
    """Return the active (not lifted) suppression of the alert ``(client_key, entity_id)``, or None."""
    found = list(db.query("SELECT * FROM suppressions WHERE client_key = ? AND entity_id = ? AND lifted_at IS NULL "
                          "ORDER BY id DESC LIMIT 1", [client_key, entity_id]))
    return found[0] if found else None


def create_suppression(db: sqlite_utils.Database, decision: dict, hit: dict, actor: str) -> int:
    """Suppress the alert a decision cleared, with the fingerprints the hit recorded (call inside the approval's
    transaction). An earlier active suppression of the same alert is lifted as replaced."""
    client = hit.get("client") or {}
    key, client_fp = client.get("client_key"), client.get("client_fingerprint")
    if not key or not client_fp:
        key, client_fp = client_identity(client.get("client_id"), client.get("name"), client.get("type"),
                                         client.get("countries"), client.get("birth_date"))
    entity_fp = hit.get("entity_fingerprint")
    if not entity_fp:                         # a hit stored before fingerprints: the entity as it is now
        entity = store.entity_by_id(db, hit["entity_id"])
        entity_fp = entity_fingerprint(entity) if entity else ""
    old = active_suppression(db, key, hit["entity_id"])
    if old:
        lift(db, old, REPLACED, actor, hit["run_id"])
    at = now_iso()
    sid = db.execute(
        "INSERT INTO suppressions (decision_id, client_key, entity_id, client_fingerprint, entity_fingerprint, "
        "created_at, active_from) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [decision["id"], key, hit["entity_id"], client_fp, entity_fp, at, at]).lastrowid
    audit.record(db, actor, "suppression.created", "suppression", sid, {
        "run_id": hit["run_id"], "hit_id": hit["id"], "decision_id": decision["id"], "client_key": key,
        "entity_id": hit["entity_id"]})
    return sid


def lift(db: sqlite_utils.Database, suppression: dict, reason: str, actor: str, run_id: int | None) -> None:
    """Lift a suppression with the reason in words (audited; call inside a transaction)."""
    db.execute("UPDATE suppressions SET lifted_at = ?, lifted_reason = ? WHERE id = ?",
               [now_iso(), reason, suppression["id"]])
    audit.record(db, actor, "suppression.lifted", "suppression", suppression["id"], {
        "run_id": run_id, "decision_id": suppression["decision_id"], "reason": reason,
        "client_key": suppression["client_key"], "entity_id": suppression["entity_id"]})


def apply(db: sqlite_utils.Database, run_id: int, row: RowRecord, hit: HitRecord, actor: str) -> None:
    """Set a new hit's ``suppression_id`` (the alert is suppressed: same client, same entity, both unchanged) or
    ``changed_since_decision`` (it was cleared, and one side changed since: the suppression is lifted here).

    Call inside the transaction that stores the hit.
    """
    hit.suppression_id = hit.changed_since_decision = None
    key = row.client_key
    if not key:
        return
    found = active_suppression(db, key, hit.entity_id)
    if found:
        if found["client_fingerprint"] != row.client_fingerprint:
            reason = CLIENT_CHANGED
        elif found["entity_fingerprint"] != hit.entity_fingerprint:
            reason = ENTITY_CHANGED
        else:
            hit.suppression_id = found["id"]
            return
        lift(db, found, reason, actor, run_id)
        hit.changed_since_decision = found["decision_id"]
        return
    # Lifted by a change earlier (in another run, or for an earlier row of this one): still "changed since".
    last = db.execute("SELECT decision_id, lifted_reason FROM suppressions WHERE client_key = ? AND entity_id = ? "
                      "ORDER BY id DESC LIMIT 1", [key, hit.entity_id]).fetchone()
    if last and last[1] in (ENTITY_CHANGED, CLIENT_CHANGED):
        hit.changed_since_decision = last[0]


def get_suppression(db: sqlite_utils.Database, suppression_id: int) -> dict | None:
    found = list(db.query("SELECT * FROM suppressions WHERE id = ?", [suppression_id]))
    return found[0] if found else None
