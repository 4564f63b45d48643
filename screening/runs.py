"""Store screening runs and read them back: the run, a result for every row, its hits, and decisions on hits.

The storage edge of batch screening: every function takes an open ``sqlite_utils.Database`` (schema in
``screening.db``, migration ``003_runs``) and speaks plain dicts. A run is created ``running``, receives its rows in
batches (each batch one transaction, so progress is visible to other processes), and ends ``completed`` with its
counts, or ``failed`` with the error; a failed or running run is never reported as complete.
"""
from __future__ import annotations

import json
from typing import Iterator

import sqlite_utils

from . import audit
from .db import transaction

RUNNING, COMPLETED, FAILED = "running", "completed", "failed"
DECISIONS = ("true match", "false positive", "escalate")
PENDING = "pending"
# The documented reasons an analyst picks from, per decision (a comment adds detail).
DECISION_REASONS = {
    "true match": ("same name and matching identifiers (birth date, country, ID)",
                   "same name, confirmed by other sources", "alias or former name of the client",
                   "other (see comment)"),
    "false positive": ("different birth date or age", "different country or nationality", "different entity type",
                       "only part of the name matches", "common name, nothing else in common",
                       "the entity is the source or authority, not the subject", "the article is not adverse",
                       "other (see comment)"),
    "escalate": ("needs senior review", "not enough information to decide", "possible match, identifiers missing",
                 "other (see comment)"),
}
HIT_SORTS = {"score": "h.score DESC, h.row, h.rank", "row": "h.row, h.rank", "entity": "h.entity_name COLLATE "
             "NOCASE, h.row", "client": "r.name COLLATE NOCASE, h.row, h.rank"}
_JSON = ("mapping", "countries", "cells", "notes", "programs", "reasons", "risk_categories", "excerpts")


class RunNotFound(LookupError):
    """No run with that id."""


class DecisionError(ValueError):
    """A decision that cannot be recorded (unknown hit, unknown decision, no reason)."""


def _now() -> str:
    from datetime import datetime, timezone
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _decode(row) -> dict:
    out = dict(row)
    for col in _JSON:
        if isinstance(out.get(col), str):
            out[col] = json.loads(out[col])
    return out


# --- writing --------------------------------------------------------------------------------------------------

def create_run(db: sqlite_utils.Database, *, file_name: str, sha256: str, file_size: int, sheet: str | None,
               actor: str, mapping: dict, threshold: float, hit_limit: int, algorithm: str, watchlist_version: int,
               watchlist_entities: int, rows_total: int, job_id: int | None = None, kind: str = "file",
               base_version: int | None = None, compared: int | None = None) -> int:
    """Store a new run in status ``running`` and return its id.

    ``kind`` is ``file`` (a client list: every row is stored) or ``monitoring`` (monitored clients re-screened
    against the entities added or changed since ``base_version``: ``compared`` clients, only those with alerts
    stored).
    """
    with transaction(db):
        cur = db.execute(
            "INSERT INTO runs (file_name, sha256, file_size, sheet, actor, started_at, status, mapping, threshold, "
            "hit_limit, algorithm, watchlist_version, watchlist_entities, rows_total, rows_done, screened, "
            "not_screened, rows_with_hits, hits, job_id, kind, base_version, compared) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, ?, ?, ?, ?)",
            [file_name, sha256, file_size, sheet, actor, _now(), RUNNING, json.dumps(mapping, ensure_ascii=False),
             threshold, hit_limit, algorithm, watchlist_version, watchlist_entities, rows_total, job_id, kind,
             base_version, compared])
        audit.record(db, actor, "run.started", "run", cur.lastrowid, {
            "run_id": cur.lastrowid, "kind": kind, "file_name": file_name, "sha256": sha256, "rows": rows_total,
            "threshold": threshold, "algorithm": algorithm, "watchlist_version": watchlist_version})
        return cur.lastrowid


def add_results(db: sqlite_utils.Database, run_id: int, results: list[tuple[dict, list[dict]]]) -> None:
    """Store a batch of row results in one transaction: ``(row, hits)`` pairs, with the run's counts updated."""
    screened = not_screened = with_hits = n_hits = 0
    with transaction(db):
        for row, hits in results:
            db.execute(
                "INSERT INTO run_rows (run_id, row, client_id, name, type, countries, birth_date, cells, status, "
                "reason, notes, hit_count, best_score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [run_id, row["row"], row["client_id"], row["name"], row["type"], json.dumps(row["countries"]),
                 row["birth_date"], json.dumps(row["cells"], ensure_ascii=False), row["status"], row["reason"],
                 json.dumps(row["notes"], ensure_ascii=False), len(hits), row["best_score"]])
            for rank, h in enumerate(hits, start=1):
                db.execute(
                    "INSERT INTO hits (run_id, row, rank, entity_id, entity_name, entity_type, source, list_id, "
                    "programs, remarks, matched_name, score, name_score, reasons, risk_categories, relevance, "
                    "countries, excerpts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [run_id, row["row"], rank, h["entity_id"], h["entity_name"], h["entity_type"], h["source"],
                     h["list_id"], json.dumps(h["programs"], ensure_ascii=False), h["remarks"], h["matched_name"],
                     h["score"], h["name_score"], json.dumps(h["reasons"], ensure_ascii=False),
                     json.dumps(h["risk_categories"]), h["relevance"], json.dumps(h["countries"]),
                     json.dumps(h["excerpts"], ensure_ascii=False)])
            if row["status"] == "screened":
                screened += 1
            else:
                not_screened += 1
            with_hits += bool(hits)
            n_hits += len(hits)
        db.execute("UPDATE runs SET rows_done = rows_done + ?, screened = screened + ?, not_screened = not_screened "
                   "+ ?, rows_with_hits = rows_with_hits + ?, hits = hits + ? WHERE id = ?",
                   [len(results), screened, not_screened, with_hits, n_hits, run_id])


def finish_run(db: sqlite_utils.Database, run_id: int) -> None:
    """Mark a run completed; refuse if it does not hold a result for every row it counted."""
    with transaction(db):
        total, done, stored, kind = db.execute(
            "SELECT rows_total, rows_done, (SELECT count(*) FROM run_rows WHERE run_id = ?), kind FROM runs "
            "WHERE id = ?", [run_id, run_id]).fetchone()
        # A file run holds every row of its file; a monitoring run holds the clients with alerts, as counted.
        if not (done == stored and (total == done or kind == "monitoring")):
            raise RuntimeError(f"run {run_id} holds {stored} of {total} rows: not complete")
        db.execute("UPDATE runs SET status = ?, finished_at = ? WHERE id = ?", [COMPLETED, _now(), run_id])
        actor, screened, hits = db.execute("SELECT actor, screened, hits FROM runs WHERE id = ?", [run_id]).fetchone()
        audit.record(db, actor, "run.completed", "run", run_id, {"run_id": run_id, "rows": total,
                                                                  "screened": screened, "hits": hits})


def fail_run(db: sqlite_utils.Database, run_id: int, error: str) -> None:
    """Mark a run failed with the error in words (its stored rows stay, for the record)."""
    if db.conn.in_transaction:
        db.conn.execute("ROLLBACK")
    with transaction(db):
        db.execute("UPDATE runs SET status = ?, error = ?, finished_at = ? WHERE id = ?",
                   [FAILED, error, _now(), run_id])
        actor = db.execute("SELECT actor FROM runs WHERE id = ?", [run_id]).fetchone()[0]
        audit.record(db, actor, "run.failed", "run", run_id, {"run_id": run_id, "error": error})


def add_decision(db: sqlite_utils.Database, hit_id: int, decision: str, reason: str, actor: str,
                 comment: str = "") -> int:
    """Append a decision on a hit (never overwriting earlier ones) and return its id."""
    if decision not in DECISIONS:
        raise DecisionError(f"unknown decision {decision!r} (one of: {', '.join(DECISIONS)})")
    reason = (reason or "").strip()
    if not reason:
        raise DecisionError("a decision needs a reason")
    if reason not in DECISION_REASONS[decision]:
        raise DecisionError(f"unknown reason {reason!r} for {decision!r} (one of: "
                            f"{'; '.join(DECISION_REASONS[decision])})")
    if reason.startswith("other") and not (comment or "").strip():
        raise DecisionError("the reason 'other' needs a comment saying what it is")
    with transaction(db):
        row = db.execute("SELECT run_id FROM hits WHERE id = ?", [hit_id]).fetchone()
        if row is None:
            raise DecisionError(f"no hit {hit_id}")
        decision_id = db.execute(
            "INSERT INTO decisions (hit_id, run_id, decision, reason, comment, actor, decided_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", [hit_id, row[0], decision, reason.strip(), comment, actor, _now()]
        ).lastrowid
        audit.record(db, actor, "decision.recorded", "decision", decision_id, {
            "run_id": row[0], "hit_id": hit_id, "decision": decision, "reason": reason.strip(), "comment": comment})
        return decision_id


# --- reading --------------------------------------------------------------------------------------------------

def get_run(db: sqlite_utils.Database, run_id: int) -> dict:
    """Return a run with its mapping, counts, and the hits' latest decisions counted (``pending``: undecided)."""
    rows = list(db.query("SELECT * FROM runs WHERE id = ?", [run_id]))
    if not rows:
        raise RunNotFound(f"no run {run_id}")
    run = _decode(rows[0])
    counts = dict(db.execute(
        "SELECT d.decision, count(*) FROM decisions d WHERE d.run_id = ? AND d.id = (SELECT max(id) FROM decisions "
        "WHERE hit_id = d.hit_id) GROUP BY d.decision", [run_id]).fetchall())
    run["decision_counts"] = {d: counts.get(d, 0) for d in DECISIONS}
    run["pending"] = (run["hits"] or 0) - sum(counts.values())
    return run


def list_runs(db: sqlite_utils.Database, limit: int = 50) -> list[dict]:
    """Return the latest runs first, with their counts."""
    return [_decode(r) for r in db.query("SELECT * FROM runs ORDER BY id DESC LIMIT ?", [limit])]


def iter_rows(db: sqlite_utils.Database, run_id: int, status: str | None = None) -> Iterator[dict]:
    """Yield the run's rows in file order (only those of ``status`` if given)."""
    sql = "SELECT * FROM run_rows WHERE run_id = ?" + (" AND status = ?" if status else "") + " ORDER BY row"
    for r in db.query(sql, [run_id] + ([status] if status else [])):
        r = _decode(r)
        del r["run_id"]
        yield r


def _latest_decision(db: sqlite_utils.Database, hit_id: int) -> dict | None:
    found = list(db.query("SELECT decision, reason, comment, actor, decided_at FROM decisions WHERE hit_id = ? "
                          "ORDER BY id DESC LIMIT 1", [hit_id]))
    return found[0] if found else None


def iter_hits(db: sqlite_utils.Database, run_id: int, row: int | None = None) -> Iterator[dict]:
    """Yield the run's hits by row and rank, each with its client's id and name and its latest decision."""
    decided = {hit for (hit,) in db.execute("SELECT DISTINCT hit_id FROM decisions WHERE run_id = ?", [run_id])}
    sql = ("SELECT h.*, r.client_id, r.name AS client_name FROM hits h JOIN run_rows r ON r.run_id = h.run_id AND "
           "r.row = h.row WHERE h.run_id = ?" + (" AND h.row = ?" if row is not None else "") + " ORDER BY h.row, h.rank")
    for h in db.query(sql, [run_id] + ([row] if row is not None else [])):
        h = _decode(h)
        del h["run_id"]
        h["decision"] = _latest_decision(db, h["id"]) if h["id"] in decided else None
        yield h


def iter_decisions(db: sqlite_utils.Database, run_id: int) -> Iterator[dict]:
    """Yield every decision of the run (the whole history), by hit and then oldest first."""
    for d in db.query(
            "SELECT d.id, d.hit_id, h.row, r.client_id, r.name AS client_name, h.entity_id, h.entity_name, h.score, "
            "d.decision, d.reason, d.comment, d.actor, d.decided_at FROM decisions d JOIN hits h ON h.id = d.hit_id "
            "JOIN run_rows r ON r.run_id = h.run_id AND r.row = h.row WHERE d.run_id = ? ORDER BY h.row, h.rank, d.id",
            [run_id]):
        yield dict(d)


def iter_rows_with_hits(db: sqlite_utils.Database, run_id: int) -> Iterator[tuple[dict, list[dict]]]:
    """Yield ``(row, hits)`` in file order, reading the hits alongside in one pass."""
    hits = iter_hits(db, run_id)
    pending = next(hits, None)
    for row in iter_rows(db, run_id):
        mine = []
        while pending is not None and pending["row"] == row["row"]:
            mine.append(pending)
            pending = next(hits, None)
        yield row, mine


# --- pages: one hit, filtered and paged hits, the score distribution -------------------------------------------

def get_hit(db: sqlite_utils.Database, hit_id: int) -> dict:
    """Return one hit with its client row (``client``), its run id, and its decision history (oldest first)."""
    rows = list(db.query("SELECT * FROM hits WHERE id = ?", [hit_id]))
    if not rows:
        raise RunNotFound(f"no hit {hit_id}")
    hit = _decode(rows[0])
    client = list(db.query("SELECT * FROM run_rows WHERE run_id = ? AND row = ?", [hit["run_id"], hit["row"]]))
    hit["client"] = _decode(client[0]) if client else None
    hit["history"] = [dict(d) for d in db.query(
        "SELECT id, decision, reason, comment, actor, decided_at FROM decisions WHERE hit_id = ? ORDER BY id",
        [hit_id])]
    hit["decision"] = hit["history"][-1] if hit["history"] else None
    return hit


def query_hits(db: sqlite_utils.Database, run_id: int, *, min_score: float | None = None,
               max_score: float | None = None, status: str | None = None, risk: str | None = None,
               entity_type: str | None = None, source: str | None = None, sort: str = "score",
               page: int = 1, per_page: int = 50) -> tuple[list[dict], int]:
    """Return one page of a run's hits, filtered and sorted, and how many hits pass the filters.

    ``status`` is a decision (``true match``...) or ``pending``; ``risk`` a risk category; ``source`` ``news``
    or a list's name. Each hit comes with its client's id and name and its latest decision.
    """
    where, args = ["h.run_id = ?"], [run_id]
    if min_score is not None:
        where.append("h.score >= ?")
        args.append(min_score)
    if max_score is not None:
        where.append("h.score <= ?")
        args.append(max_score)
    if entity_type:
        where.append("h.entity_type = ?")
        args.append(entity_type)
    if source:
        where.append("h.source = ?")
        args.append(source)
    if risk:
        where.append("EXISTS (SELECT 1 FROM json_each(h.risk_categories) WHERE value = ?)")
        args.append(risk)
    latest = ("(SELECT d.decision FROM decisions d WHERE d.hit_id = h.id ORDER BY d.id DESC LIMIT 1)")
    if status == PENDING:
        where.append(f"{latest} IS NULL")
    elif status:
        where.append(f"{latest} = ?")
        args.append(status)
    base = (f"FROM hits h JOIN run_rows r ON r.run_id = h.run_id AND r.row = h.row WHERE {' AND '.join(where)}")
    total = db.execute(f"SELECT count(*) {base}", args).fetchone()[0]
    page, per_page = max(1, page), max(1, min(per_page, 500))
    rows = db.query(f"SELECT h.*, r.client_id, r.name AS client_name {base} ORDER BY {HIT_SORTS.get(sort, HIT_SORTS['score'])}"
                    f" LIMIT ? OFFSET ?", args + [per_page, (page - 1) * per_page])
    out = []
    for h in rows:
        h = _decode(h)
        h["decision"] = _latest_decision(db, h["id"])
        out.append(h)
    return out, total


def hit_facets(db: sqlite_utils.Database, run_id: int) -> dict:
    """The values the hits of a run can be filtered by: risk categories, entity types, sources."""
    risks = [r[0] for r in db.execute(
        "SELECT DISTINCT j.value FROM hits h, json_each(h.risk_categories) j WHERE h.run_id = ? ORDER BY 1", [run_id])]
    types = [r[0] for r in db.execute("SELECT DISTINCT entity_type FROM hits WHERE run_id = ? ORDER BY 1", [run_id])]
    sources = [r[0] for r in db.execute("SELECT DISTINCT source FROM hits WHERE run_id = ? ORDER BY 1", [run_id])]
    return {"risk": risks, "entity_type": types, "source": sources, "status": [PENDING, *DECISIONS]}


def score_histogram(db: sqlite_utils.Database, run_id: int, step: float = 0.05) -> list[tuple[float, int]]:
    """Count a run's hits per score band of width ``step`` (from the threshold's band up to 1.0)."""
    counts: dict[int, int] = {}
    for (score,) in db.execute("SELECT score FROM hits WHERE run_id = ?", [run_id]):
        band = min(int(score / step + 1e-9), int(round(1 / step)) - 1)
        counts[band] = counts.get(band, 0) + 1
    if not counts:
        return []
    return [(round(b * step, 2), counts.get(b, 0)) for b in range(min(counts), max(counts) + 1)]


# --- pages: runs and rows paged, a hit's neighbours and its entity ---------------------------------------------

def page_runs(db: sqlite_utils.Database, page: int = 1, per_page: int = 25) -> tuple[list[dict], int]:
    """Return one page of runs, latest first, each with its undecided hits (``pending``), and how many runs exist."""
    page, per_page = max(1, page), max(1, min(per_page, 500))
    total = db.execute("SELECT count(*) FROM runs").fetchone()[0]
    rows = db.query("SELECT r.*, r.hits - (SELECT count(DISTINCT d.hit_id) FROM decisions d WHERE d.run_id = r.id) "
                    "AS pending FROM runs r ORDER BY r.id DESC LIMIT ? OFFSET ?", [per_page, (page - 1) * per_page])
    return [_decode(r) for r in rows], total


def page_rows(db: sqlite_utils.Database, run_id: int, status: str | None = None, page: int = 1,
              per_page: int = 50) -> tuple[list[dict], int]:
    """Return one page of a run's rows in file order (only those of ``status`` if given) and how many there are."""
    page, per_page = max(1, page), max(1, min(per_page, 500))
    where, args = "run_id = ?" + (" AND status = ?" if status else ""), [run_id] + ([status] if status else [])
    total = db.execute(f"SELECT count(*) FROM run_rows WHERE {where}", args).fetchone()[0]
    rows = db.query(f"SELECT * FROM run_rows WHERE {where} ORDER BY row LIMIT ? OFFSET ?",
                    args + [per_page, (page - 1) * per_page])
    return [_decode(r) for r in rows], total


def hit_neighbours(db: sqlite_utils.Database, hit: dict) -> tuple[int | None, int | None]:
    """Return the ids of the hits before and after ``hit`` (from ``get_hit``) in its run's score order."""
    key = [hit["run_id"], hit["score"], hit["score"], hit["row"], hit["rank"]]
    before = db.execute("SELECT id FROM hits WHERE run_id = ? AND (score > ? OR (score = ? AND (row, rank) < (?, ?))) "
                        "ORDER BY score, row DESC, rank DESC LIMIT 1", key).fetchone()
    after = db.execute("SELECT id FROM hits WHERE run_id = ? AND (score < ? OR (score = ? AND (row, rank) > (?, ?))) "
                       "ORDER BY score DESC, row, rank LIMIT 1", key).fetchone()
    return (before[0] if before else None), (after[0] if after else None)


def hit_entity(db: sqlite_utils.Database, hit: dict) -> dict:
    """Return the matched entity of a hit as the watchlist holds it now (``live``: True), else as the hit's snapshot
    recorded it (``live``: False): name, type, aliases (``alias``, ``kind``), countries, risk categories,
    relevance, source, and for list entries the list id, programs, remarks and the version that delisted it."""
    from watchlists import store
    from watchlists.errors import EntityNotFound

    snapshot = {"id": hit["entity_id"], "name": hit["entity_name"], "type": hit["entity_type"],
                "aliases": [], "countries": hit["countries"] or [], "risk_categories": hit["risk_categories"] or [],
                "relevance": hit["relevance"], "source": hit["source"], "list_id": hit["list_id"],
                "programs": hit["programs"] or [], "remarks": hit["remarks"], "delisted_version": None,
                "live": False}
    try:
        ent = store.get_entity(db, str(hit["entity_id"]))
    except EntityNotFound:
        return snapshot
    if ent["id"] != hit["entity_id"]:         # the id is gone and a name happened to read like it
        return snapshot
    ev = store.evidence(ent, max_excerpts=0)
    return {**snapshot, "name": ent["name"], "type": ent["type"],
            "aliases": [{"alias": a["alias"], "kind": a.get("kind")} for a in ent["aliases"]],
            "countries": ev["countries"], "risk_categories": ev["risk_categories"], "relevance": ev["relevance"],
            "source": ev["source"], "list_id": ev["list_id"], "programs": ev["programs"], "remarks": ev["remarks"],
            "delisted_version": ent.get("delisted_version"), "live": True}
