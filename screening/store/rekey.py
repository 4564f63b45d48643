"""Data steps of schema migrations that need the client identity (``identity``), and through it the matching
engine's normaliser: kept out of ``db`` so that opening a database loads no engine (``db._step``)."""
from __future__ import annotations

import sqlite_utils

from screening.store import identity


def rekey_clients(db: sqlite_utils.Database) -> None:
    """Compute every stored client key and fingerprint again (``identity.client_identity``) from the values stored
    beside them: run rows and their hits, suppressions (from the row whose hit their decision cleared), monitored
    clients (their source row's key, else their own values). Run inside the migration's transaction."""
    conn = db.conn
    last = 0
    while True:                               # in pages of rows: a large database is never read whole
        rows = conn.execute("SELECT rowid, client_id, name, countries, birth_date, client_key FROM run_rows WHERE "
                            "client_key IS NOT NULL AND rowid > ? ORDER BY rowid LIMIT 5000", [last]).fetchall()
        if not rows:
            break
        updates = []
        for rowid, client_id, name, countries, birth_date, old_key in rows:
            # A key with an ID and a name is a client ID that several rows of its file shared.
            shared = bool(old_key.startswith("id:") and "|name:" in old_key)
            key, fingerprint = identity.client_identity(client_id if old_key.startswith("id:") else None, name,
                                                        countries, birth_date, shared_id=shared)
            updates.append((key, fingerprint, rowid))
        conn.executemany("UPDATE run_rows SET client_key = ?, client_fingerprint = ? WHERE rowid = ?", updates)
        last = rows[-1][0]
    conn.execute("UPDATE hits SET client_key = (SELECT r.client_key FROM run_rows r WHERE r.run_id = hits.run_id "
                 "AND r.row = hits.row) WHERE client_key IS NOT NULL")
    # A suppression takes the key and fingerprint of the row whose hit its decision cleared.
    conn.execute("UPDATE suppressions SET (client_key, client_fingerprint) = (SELECT r.client_key, "
                 "r.client_fingerprint FROM decisions d JOIN hits h ON h.id = d.hit_id JOIN run_rows r ON "
                 "r.run_id = h.run_id AND r.row = h.row WHERE d.id = suppressions.decision_id) WHERE EXISTS (SELECT 1 "
                 "FROM decisions d JOIN hits h ON h.id = d.hit_id JOIN run_rows r ON r.run_id = h.run_id AND "
                 "r.row = h.row WHERE d.id = suppressions.decision_id)")
    # Monitored clients: their key as their source row now has it (else from their own values); two that differed
    # only by type keep their keys apart (the second keeps the one it had: it still screens under it).
    taken, final = set(), []
    for mid, key, client_id, name, countries, birth_date, run_id, row in conn.execute(
            "SELECT m.id, m.client_key, m.client_id, m.name, m.countries, m.birth_date, m.source_run_id, "
            "m.source_row FROM monitored m ORDER BY m.id").fetchall():
        shared = bool(key.startswith("id:") and "|name:" in key)
        new_key, fingerprint = identity.client_identity(client_id if key.startswith("id:") else None, name,
                                                        countries, birth_date, shared_id=shared)
        source = conn.execute("SELECT client_key FROM run_rows WHERE run_id = ? AND row = ?",
                              [run_id, row]).fetchone()
        if source and source[0]:
            new_key = source[0]
        if new_key in taken:
            new_key = key
        taken.add(new_key)
        final.append((new_key, fingerprint, mid))
    # Keys are unique: move every key out of the way first, then set the new ones.
    conn.execute("UPDATE monitored SET client_key = '~' || id")
    conn.executemany("UPDATE monitored SET client_key = ?, client_fingerprint = ? WHERE id = ?", final)
