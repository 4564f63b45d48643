"""What earlier decisions mean for a new alert: cleared false positives that stay suppressed, and decisions carried
to the same alert in later runs.

An alert is a client against a watchlist entity: the same client (``client_key``: the client ID when the file has
one, else the normalised name, countries and birth date; ``screening.store.identity``) against the same entity.

- A false positive cleared with ``suppress`` (and approved by a reviewer) suppresses the same alert in later runs.
  Both sides are fingerprinted as they were when cleared; when either fingerprint differs in a later run, the
  suppression lifts itself and the alert comes back marked "changed since cleared" with the clearing decision.
- Every alert decided before carries that decision (the latest one in force: approved, or not needing approval)
  into later runs, shown with its approval. A confirmed true match whose two sides are unchanged is "confirmed
  earlier": not pending again, and counted apart; when either side changed, it needs a new decision ("changed
  since confirmed"). Other decisions are shown; the alert is pending as before.

Storage functions take an open database and run inside the caller's transaction; every change is audited there.
"""
from __future__ import annotations

import sqlite_utils

from screening.engine.results import HitRecord, RowRecord
from screening.store import audit
from screening.store import watchlist as store
from screening.store.common import now_iso
from screening.store.identity import client_identity, entity_fingerprint

ENTITY_CHANGED = "the entity changed: new mentions/aliases/risk categories"
CLIENT_CHANGED = "the client's data changed"
REPLACED = "replaced by a later suppression of the same alert"
CONFIRMED = "a later decision confirmed a true match on the same alert"


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
        key, client_fp = client_identity(client.get("client_id"), client.get("name"), client.get("countries"),
                                         client.get("birth_date"))
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


def earlier_decision(db: sqlite_utils.Database, client_key: str, entity_id: int, run_id: int) -> dict | None:
    """The decision in force on the alert ``(client_key, entity_id)`` from runs before ``run_id``: of each earlier
    hit's latest decision, the newest that is approved or needs no approval (one waiting for a verdict, or rejected,
    decides nothing). With the fingerprints of both sides as that hit saw them."""
    seen: set[int] = set()
    for d_id, hit_id, decision, needs_approval, verdict, entity_fp, client_fp in db.execute(
            "SELECT d.id, d.hit_id, d.decision, d.needs_approval, a.verdict, h.entity_fingerprint, "
            "r.client_fingerprint FROM hits h JOIN decisions d ON d.hit_id = h.id LEFT JOIN approvals a ON "
            "a.decision_id = d.id LEFT JOIN run_rows r ON r.run_id = h.run_id AND r.row = h.row "
            "WHERE h.client_key = ? AND h.entity_id = ? AND h.run_id < ? ORDER BY d.id DESC",
            [client_key, entity_id, run_id]):
        if hit_id in seen:
            continue                          # an older decision on a hit whose latest one was already weighed
        seen.add(hit_id)
        if not needs_approval or verdict == "approved":
            return {"id": d_id, "hit_id": hit_id, "decision": decision, "entity_fingerprint": entity_fp,
                    "client_fingerprint": client_fp}
    return None


def apply(db: sqlite_utils.Database, run_id: int, row: RowRecord, hit: HitRecord, actor: str) -> None:
    """Set what earlier decisions mean for a new hit (call inside the transaction that stores it):

    - ``suppression_id``: suppressed (a cleared false positive; same client, same entity, both unchanged), or
      ``changed_since_decision`` (it was cleared, and one side changed since: the suppression is lifted here);
    - ``earlier_decision_id``: the decision in force on the same alert from an earlier run, shown with the hit;
    - ``confirmed_earlier``: that decision is a confirmed true match and neither side changed (not pending again);
      a side that changed makes it ``changed_since_decision`` instead.
    """
    hit.suppression_id = hit.changed_since_decision = hit.earlier_decision_id = None
    hit.confirmed_earlier = 0
    key = row.client_key
    if not key:
        return
    earlier = earlier_decision(db, key, hit.entity_id, run_id)
    if earlier:
        hit.earlier_decision_id = earlier["id"]
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
    if earlier and earlier["decision"] == "true match":
        if (earlier["client_fingerprint"] == row.client_fingerprint
                and earlier["entity_fingerprint"] == hit.entity_fingerprint):
            hit.confirmed_earlier = 1
        else:
            hit.changed_since_decision = earlier["id"]
        return
    # Lifted by a change earlier (in another run, or for an earlier row of this one): still "changed since".
    last = db.execute("SELECT decision_id, lifted_reason FROM suppressions WHERE client_key = ? AND entity_id = ? "
                      "ORDER BY id DESC LIMIT 1", [key, hit.entity_id]).fetchone()
    if last and last[1] in (ENTITY_CHANGED, CLIENT_CHANGED) and not (earlier and earlier["id"] > last[0]):
        hit.changed_since_decision = last[0]


def confirm(db: sqlite_utils.Database, decision: dict, hit: dict, actor: str) -> None:
    """An approved true match on an alert lifts the alert's active suppression, if an earlier clearance left one:
    the later decision is the one in force (call inside the approval's transaction)."""
    key = hit.get("client_key") or (hit.get("client") or {}).get("client_key")
    found = active_suppression(db, key, hit["entity_id"]) if key else None
    if found:
        lift(db, found, CONFIRMED, actor, hit["run_id"])


def get_suppression(db: sqlite_utils.Database, suppression_id: int) -> dict | None:
    found = list(db.query("SELECT * FROM suppressions WHERE id = ?", [suppression_id]))
    return found[0] if found else None
