"""The audit trail: an append-only log of who did what, each entry chained to the one before by a hash.

Every run, decision, approval, suppression, import, setting and account change appends an entry inside the same
transaction as the change itself, so the change and its record are stored together or not at all. The table
refuses UPDATE and DELETE (triggers); and since each entry's SHA-256 covers the previous entry's hash, an edit
made behind the application's back (the triggers dropped, the file edited) breaks the chain at that entry, which
``verify`` names.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import sqlite_utils

from screening.store.common import now_iso

GENESIS = "0" * 64


def _digest(prev_hash: str, at: str, actor: str, action: str, object_type: str, object_id: str, details: str) -> str:
    body = json.dumps([prev_hash, at, actor, action, object_type, object_id, details], ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def record(db: sqlite_utils.Database, actor: str, action: str, object_type: str = "", object_id: object = "",
           details: dict | None = None) -> int:
    """Append an entry (call it inside the transaction that makes the change); return its id."""
    at = now_iso("milliseconds")
    text = json.dumps(details or {}, ensure_ascii=False, sort_keys=True, default=str)
    row = db.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    prev = row[0] if row else GENESIS
    oid = "" if object_id is None else str(object_id)
    digest = _digest(prev, at, actor or "", action, object_type, oid, text)
    return db.execute("INSERT INTO audit_log (at, actor, action, object_type, object_id, details, prev_hash, hash) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [at, actor or "", action, object_type, oid, text, prev, digest]
                      ).lastrowid


@dataclass
class Verification:
    entries: int
    broken_at: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(db: sqlite_utils.Database) -> Verification:
    """Walk the chain from the first entry; report the first entry whose hash or link does not hold."""
    prev = GENESIS
    count = 0
    expected_id = None
    for rid, at, actor, action, otype, oid, details, prev_hash, digest in db.execute(
            "SELECT id, at, actor, action, object_type, object_id, details, prev_hash, hash FROM audit_log ORDER BY id"):
        count += 1
        if expected_id is not None and rid != expected_id:
            return Verification(count, expected_id, f"entry {expected_id} is missing (deleted?)")
        expected_id = rid + 1
        if prev_hash != prev:
            return Verification(count, rid, f"entry {rid} does not link to the entry before it")
        if _digest(prev_hash, at, actor, action, otype or "", oid or "", details or "") != digest:
            return Verification(count, rid, f"entry {rid} was changed after it was written (its hash does not "
                                            f"match its contents)")
        prev = digest
    return Verification(count)


def entries(db: sqlite_utils.Database, object_type: str | None = None, object_id: object = None,
            limit: int = 200, offset: int = 0) -> list[dict]:
    """Return entries (newest first), all or those about one object."""
    where, args = [], []
    if object_type:
        where.append("object_type = ?")
        args.append(object_type)
    if object_id is not None:
        where.append("object_id = ?")
        args.append(str(object_id))
    sql = "SELECT * FROM audit_log" + (" WHERE " + " AND ".join(where) if where else "") + \
        " ORDER BY id DESC LIMIT ? OFFSET ?"
    out = []
    for r in db.query(sql, args + [limit, offset]):
        r = dict(r)
        r["details"] = json.loads(r["details"]) if r["details"] else {}
        out.append(r)
    return out


def run_entries(db: sqlite_utils.Database, run_id: int) -> list[dict]:
    """Every entry about a run: the run itself and the decisions, approvals and suppressions on its hits (oldest
    first), for the run's report."""
    out = []
    for r in db.query("SELECT * FROM audit_log WHERE (object_type = 'run' AND object_id = ?) OR "
                      "json_extract(details, '$.run_id') = ? ORDER BY id", [str(run_id), run_id]):
        r = dict(r)
        r["details"] = json.loads(r["details"]) if r["details"] else {}
        out.append(r)
    return out
