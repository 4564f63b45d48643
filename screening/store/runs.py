"""Store screening runs and read them back: the run, a result for every row, its hits, and decisions on hits.

The storage edge of batch screening: every function takes an open ``sqlite_utils.Database`` (schema in
``screening.db``, migration ``003_runs``) and speaks plain dicts. A run is created ``running``, receives its rows in
batches (each batch one transaction, so progress is visible to other processes), and ends ``completed`` with its
counts, or ``failed`` with the error; a failed or running run is never reported as complete.
"""
from __future__ import annotations

import json
import re
from typing import Iterator

import sqlite_utils

from screening.engine.results import (
    ALERT_CLASSES,
    HitRecord,
    RowRecord,
    as_row,
    columns,
)
from screening.store import accounts, audit, cases
from screening.store import watchlist as store
from screening.store.cases import get_suppression
from screening.store.common import decoded, now_iso
from screening.store.db import transaction
from watchlists.errors import EntityNotFound
from watchlists.risk import TAXONOMY as RISK_TAXONOMY

RUNNING, COMPLETED, FAILED = "running", "completed", "failed"
DECISIONS = ("true match", "false positive", "escalate")
PENDING = "pending"
PENDING_APPROVAL = "pending approval"      # a decision that waits for a reviewer's verdict (four eyes)
SUPPRESSED = "suppressed"                  # an undecided hit of an alert cleared earlier (a suppression holds)
CONFIRMED_EARLIER = "confirmed earlier"    # an undecided hit of an alert confirmed a true match earlier, unchanged
STATUSES = (PENDING, PENDING_APPROVAL, *DECISIONS, CONFIRMED_EARLIER, SUPPRESSED)
APPROVED, REJECTED = "approved", "rejected"
# A hit's effective status, from its latest decision and that decision's verdict (SQL over ``hits h``).
STATUS_SQL = (
    "COALESCE((SELECT CASE WHEN d.needs_approval = 0 THEN d.decision WHEN a.verdict IS NULL THEN 'pending approval' "
    "WHEN a.verdict = 'approved' THEN d.decision ELSE 'pending' END FROM decisions d LEFT JOIN approvals a ON "
    "a.decision_id = d.id WHERE d.hit_id = h.id ORDER BY d.id DESC LIMIT 1), CASE WHEN h.suppression_id IS NOT NULL "
    "THEN 'suppressed' WHEN h.confirmed_earlier = 1 THEN 'confirmed earlier' ELSE 'pending' END)")
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
# Sorts of a run's hits; the first is the default: priority (class, then stage and relevance, then score).
HIT_SORTS = {"priority": "h.priority IS NULL, h.priority DESC, h.score DESC, h.row, h.rank",
             "score": "h.score DESC, h.row, h.rank", "row": "h.row, h.rank", "entity": "h.entity_name COLLATE "
             "NOCASE, h.row", "client": "r.name COLLATE NOCASE, h.row, h.rank"}
ENTITY_TYPES = ("person", "organization", "vessel", "aircraft", "unknown")
_JSON = ("mapping", "countries", "cells", "notes", "programs", "reasons", "risk_categories", "excerpts", "row_summary",
         "alert_classes", "functions")


class RunNotFound(LookupError):
    """No run with that id."""


class HitNotFound(RunNotFound):
    """An unknown hit id."""


class DecisionError(ValueError):
    """A decision that cannot be recorded (unknown hit, unknown decision, no reason)."""


class HitFilterError(ValueError):
    """A filter of hits with a value it cannot take (an unknown class, source, risk category...), each problem in
    ``problems``: an unknown filter value is an error, never silently ignored."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class ApprovalError(ValueError):
    """A verdict that cannot be recorded (own decision, not a reviewer, nothing to approve), with the reason."""


class DecisionNotFound(ApprovalError, LookupError):
    """An unknown decision id."""


def _decode(row) -> dict:
    return decoded(row, _JSON)


# --- writing --------------------------------------------------------------------------------------------------

def create_run(db: sqlite_utils.Database, *, file_name: str, sha256: str, file_size: int, sheet: str | None,
               actor: str, mapping: dict, threshold: float, hit_limit: int, algorithm: str, watchlist_version: int,
               watchlist_entities: int, rows_total: int, job_id: int | None = None, kind: str = "file",
               base_version: int | None = None, compared: int | None = None,
               news_min_relevance: float = 0.0, alert_classes: tuple[str, ...] | list[str] | None = None) -> int:
    """Store a new run in status ``running`` and return its id. ``alert_classes`` are the classes of hits that
    alert in this run (the policy's; every class when None), recorded with it.

    ``kind`` is ``file`` (a client list: every row is stored) or ``monitoring`` (monitored clients re-screened
    against the entities added or changed since ``base_version``: ``compared`` clients, only those with alerts
    stored).
    """
    alerting = tuple(alert_classes) if alert_classes is not None else tuple(ALERT_CLASSES)
    with transaction(db):
        cur = db.execute(
            "INSERT INTO runs (file_name, sha256, file_size, sheet, actor, started_at, status, mapping, threshold, "
            "hit_limit, algorithm, watchlist_version, watchlist_entities, rows_total, rows_done, screened, "
            "not_screened, rows_with_hits, hits, job_id, kind, base_version, compared, news_min_relevance, "
            "alert_classes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, ?, ?, ?, ?, ?, ?)",
            [file_name, sha256, file_size, sheet, actor, now_iso(), RUNNING, json.dumps(mapping, ensure_ascii=False),
             threshold, hit_limit, algorithm, watchlist_version, watchlist_entities, rows_total, job_id, kind,
             base_version, compared, news_min_relevance, json.dumps(list(alerting))])
        audit.record(db, actor, "run.started", "run", cur.lastrowid, {
            "run_id": cur.lastrowid, "kind": kind, "file_name": file_name, "sha256": sha256, "rows": rows_total,
            "threshold": threshold, "algorithm": algorithm, "watchlist_version": watchlist_version,
            "news_min_relevance": news_min_relevance, "alert_classes": list(alerting)})
        return cur.lastrowid


_ROW_COLUMNS = ["run_id", *columns(RowRecord)]
_HIT_COLUMNS = ["run_id", *columns(HitRecord)]
_INSERT_ROW = (f"INSERT INTO run_rows ({', '.join(_ROW_COLUMNS)}) "
               f"VALUES ({', '.join(':' + c for c in _ROW_COLUMNS)})")
_INSERT_HIT = (f"INSERT INTO hits ({', '.join(_HIT_COLUMNS)}) "
               f"VALUES ({', '.join(':' + c for c in _HIT_COLUMNS)})")


def _params(run_id: int, record) -> dict:
    """A record's fields as named parameters, its JSON columns encoded."""
    out = as_row(record)
    for col in record.JSON:
        out[col] = json.dumps(out[col], ensure_ascii=False)
    out["run_id"] = run_id
    return out


def add_results(db: sqlite_utils.Database, run_id: int, results: list[tuple[RowRecord, list[HitRecord]]]) -> None:
    """Store a batch of row results in one transaction: ``(row, hits)`` pairs, with the run's counts updated.

    Each record's fields are the table's columns, by name (``screening.engine.results``)."""
    screened = not_screened = with_hits = n_hits = suppressed = confirmed = 0
    with transaction(db):
        actor = db.execute("SELECT actor FROM runs WHERE id = ?", [run_id]).fetchone()[0]
        rows = []
        for row, hits in results:
            row.hit_count = len(hits)
            rows.append(_params(run_id, row))
        # The batch's rows in one call, then their hits (each hit may carry a decision in force: ``cases.apply``).
        db.conn.executemany(_INSERT_ROW, rows)
        for row, hits in results:
            for h in hits:
                # A cleared alert stays suppressed, a confirmed one confirmed, while both sides are unchanged; a
                # change lifts a suppression (audited). The decision in force is carried either way.
                cases.apply(db, run_id, row, h, actor)
                suppressed += h.suppression_id is not None
                confirmed += bool(h.confirmed_earlier)
                db.execute(_INSERT_HIT, _params(run_id, h))
            if row.status == "screened":
                screened += 1
            else:
                not_screened += 1
            with_hits += bool(hits)
            n_hits += len(hits)
        db.execute("UPDATE runs SET rows_done = rows_done + ?, screened = screened + ?, not_screened = not_screened "
                   "+ ?, rows_with_hits = rows_with_hits + ?, hits = hits + ?, suppressed = suppressed + ?, "
                   "confirmed_earlier = confirmed_earlier + ? WHERE id = ?",
                   [len(results), screened, not_screened, with_hits, n_hits, suppressed, confirmed, run_id])


def finish_run(db: sqlite_utils.Database, run_id: int) -> None:
    """Mark a run completed; refuse if it does not hold a result for every row it counted."""
    with transaction(db):
        total, done, stored, kind = db.execute(
            "SELECT rows_total, rows_done, (SELECT count(*) FROM run_rows WHERE run_id = ?), kind FROM runs "
            "WHERE id = ?", [run_id, run_id]).fetchone()
        # A file run holds every row of its file; a monitoring run holds the clients with alerts, as counted.
        if not (done == stored and (total == done or kind == "monitoring")):
            raise RuntimeError(f"run {run_id} holds {stored} of {total} rows: not complete")
        db.execute("UPDATE runs SET status = ?, finished_at = ?, row_summary = ? WHERE id = ?",
                   [COMPLETED, now_iso(), json.dumps(row_summary(db, run_id), ensure_ascii=False), run_id])
        actor, screened, hits = db.execute("SELECT actor, screened, hits FROM runs WHERE id = ?", [run_id]).fetchone()
        audit.record(db, actor, "run.completed", "run", run_id, {"run_id": run_id, "rows": total,
                                                                  "screened": screened, "hits": hits})


def fail_run(db: sqlite_utils.Database, run_id: int, error: str) -> None:
    """Mark a run failed with the error in words (its stored rows stay, for the record)."""
    if db.conn.in_transaction:
        db.conn.execute("ROLLBACK")
    with transaction(db):
        db.execute("UPDATE runs SET status = ?, error = ?, finished_at = ? WHERE id = ?",
                   [FAILED, error, now_iso(), run_id])
        actor = db.execute("SELECT actor FROM runs WHERE id = ?", [run_id]).fetchone()[0]
        audit.record(db, actor, "run.failed", "run", run_id, {"run_id": run_id, "error": error})


def add_decision(db: sqlite_utils.Database, hit_id: int, decision: str, reason: str, actor: str,
                 comment: str = "", suppress: bool = False) -> int:
    """Append a decision on a hit (never overwriting earlier ones) and return its id.

    A "true match", and a "false positive" with ``suppress`` (clear the same alert in later runs), need a
    reviewer's approval (four eyes): they stay "pending approval" until a reviewer other than the author decides.
    """
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
    suppress = bool(suppress)
    if suppress and decision != "false positive":
        raise DecisionError("only a false positive can suppress the alert in later runs")
    needs_approval = decision == "true match" or suppress
    with transaction(db):
        row = db.execute("SELECT run_id FROM hits WHERE id = ?", [hit_id]).fetchone()
        if row is None:
            raise HitNotFound(f"no hit {hit_id}")
        decision_id = db.execute(
            "INSERT INTO decisions (hit_id, run_id, decision, reason, comment, actor, decided_at, suppress, "
            "needs_approval) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [hit_id, row[0], decision, reason, comment, actor, now_iso(), int(suppress), int(needs_approval)]
        ).lastrowid
        audit.record(db, actor, "decision.recorded", "decision", decision_id, {
            "run_id": row[0], "hit_id": hit_id, "decision": decision, "reason": reason, "comment": comment,
            "needs_approval": needs_approval, "suppress": suppress})
        return decision_id


def _role(approver) -> str | None:
    return approver.get("role") if isinstance(approver, dict) else approver


def _verdict(db: sqlite_utils.Database, decision_id: int, verdict: str, actor: str, approver,
             comment: str = "") -> int:

    role = _role(approver)
    if role not in accounts.PERMISSIONS["approve"] or (isinstance(approver, dict) and approver.get("disabled_at")):
        raise ApprovalError(f"only a reviewer may approve or reject decisions (your role: {role or 'none'})")
    with transaction(db):
        found = list(db.query("SELECT * FROM decisions WHERE id = ?", [decision_id]))
        if not found:
            raise DecisionNotFound(f"no decision {decision_id}")
        d = found[0]
        if not d["needs_approval"]:
            raise ApprovalError(f"decision {decision_id} ({d['decision']}) does not need approval")
        if (d["actor"] or "").casefold() == (actor or "").casefold():
            raise ApprovalError(f"you recorded decision {decision_id} yourself: another reviewer must approve or "
                                f"reject it (four eyes)")
        given = db.execute("SELECT verdict, actor FROM approvals WHERE decision_id = ?", [decision_id]).fetchone()
        if given:
            raise ApprovalError(f"decision {decision_id} was {given[0]} already, by {given[1]}")
        latest = db.execute("SELECT max(id) FROM decisions WHERE hit_id = ?", [d["hit_id"]]).fetchone()[0]
        if latest != decision_id:
            raise ApprovalError(f"decision {decision_id} was replaced by a later decision ({latest}) on the hit")
        approval_id = db.execute(
            "INSERT INTO approvals (decision_id, verdict, actor, comment, at) VALUES (?, ?, ?, ?, ?)",
            [decision_id, verdict, actor, comment or "", now_iso()]).lastrowid
        audit.record(db, actor, f"decision.{verdict}", "decision", decision_id, {
            "run_id": d["run_id"], "hit_id": d["hit_id"], "decision_id": decision_id, "decision": d["decision"],
            "author": d["actor"], "comment": comment or "", "suppress": bool(d["suppress"])})
        if verdict == APPROVED and d["suppress"]:
            cases.create_suppression(db, d, get_hit(db, d["hit_id"]), actor)
        elif verdict == APPROVED and d["decision"] == "true match":
            cases.confirm(db, d, get_hit(db, d["hit_id"]), actor)
        return approval_id


def approve(db: sqlite_utils.Database, decision_id: int, actor: str, approver, comment: str = "") -> int:
    """Approve a decision that waits for a second pair of eyes (``approver``: the reviewer's role or user dict);
    approving a suppressing false positive starts its suppression. Return the approval's id."""
    return _verdict(db, decision_id, APPROVED, actor, approver, comment)


def reject(db: sqlite_utils.Database, decision_id: int, actor: str, approver, comment: str = "") -> int:
    """Reject a decision that waits for approval: the hit is pending a new decision again."""
    return _verdict(db, decision_id, REJECTED, actor, approver, comment)


def pending_approvals(db: sqlite_utils.Database, run_id: int | None = None, limit: int = 200,
                      offset: int = 0) -> tuple[list[dict], int]:
    """Return the decisions waiting for a verdict across runs (oldest first; one run's if given) and their count.

    Only a hit's latest decision waits: one replaced by a later decision is no longer asked about.
    """
    where = ("d.needs_approval = 1 AND NOT EXISTS (SELECT 1 FROM approvals a WHERE a.decision_id = d.id) AND d.id = "
             "(SELECT max(id) FROM decisions WHERE hit_id = d.hit_id)" + (" AND d.run_id = ?" if run_id else ""))
    args = [run_id] if run_id else []
    total = db.execute(f"SELECT count(*) FROM decisions d WHERE {where}", args).fetchone()[0]
    rows = db.query(
        "SELECT d.id, d.hit_id, d.run_id, d.decision, d.reason, d.comment, d.actor, d.decided_at, d.suppress, "
        "h.row, h.entity_id, h.entity_name, h.score, r.client_id, r.name AS client_name, u.file_name "
        "FROM decisions d JOIN hits h ON h.id = d.hit_id JOIN run_rows r ON r.run_id = h.run_id AND r.row = h.row "
        f"JOIN runs u ON u.id = d.run_id WHERE {where} ORDER BY d.id LIMIT ? OFFSET ?", args + [limit, offset])
    return [dict(r) for r in rows], total


# --- reading --------------------------------------------------------------------------------------------------

_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_NUMBERS = re.compile(r"\d+(?:, \d+)*")
_BRACKETED = re.compile(r" \([^()]*\)")


def reason_kind(text: str) -> str:
    """A row's reason or note with its values left out, so that like ones count together
    ("type 'Corp' not recognised: ..." and "type 'SPV' not recognised: ..." are one kind)."""
    return _NUMBERS.sub("N", _BRACKETED.sub("", _QUOTED.sub("…", text)))


def row_summary(db: sqlite_utils.Database, run_id: int) -> dict:
    """Count a run's rows not screened by reason and its notes by kind, most frequent first."""
    reasons: dict[str, int] = {}
    for reason, n in db.execute("SELECT reason, count(*) FROM run_rows WHERE run_id = ? AND status = ? "
                                "GROUP BY reason", [run_id, "not screened"]):
        for part in (reason or "not screened").split("; "):
            k = reason_kind(part)
            reasons[k] = reasons.get(k, 0) + n
    notes: dict[str, int] = {}
    for (text,) in db.execute("SELECT j.value FROM run_rows r, json_each(r.notes) j WHERE r.run_id = ? AND "
                              "r.notes IS NOT NULL AND r.notes != '[]'", [run_id]):
        k = reason_kind(str(text))
        notes[k] = notes.get(k, 0) + 1
    with_notes = db.execute("SELECT count(*) FROM run_rows WHERE run_id = ? AND notes IS NOT NULL AND "
                            "notes != '[]'", [run_id]).fetchone()[0]
    def ranked(d):
        return dict(sorted(d.items(), key=lambda kv: (-kv[1], kv[0])))
    return {"not_screened_reasons": ranked(reasons), "note_kinds": ranked(notes), "rows_with_notes": with_notes}


def get_run(db: sqlite_utils.Database, run_id: int) -> dict:
    """Return a run with its mapping, counts, the hits' latest decisions counted (``pending``: undecided), and the
    official lists of its watchlist version with their provenance (``lists``)."""
    rows = list(db.query("SELECT * FROM runs WHERE id = ?", [run_id]))
    if not rows:
        raise RunNotFound(f"no run {run_id}")
    run = _decode(rows[0])
    counts = dict(db.execute(
        "SELECT d.decision, count(*) FROM decisions d WHERE d.run_id = ? AND d.id = (SELECT max(id) FROM decisions "
        "WHERE hit_id = d.hit_id) GROUP BY d.decision", [run_id]).fetchall())
    # The latest decision recorded per hit (approved or not), as before four eyes; the effective statuses beside.
    run["decision_counts"] = {d: counts.get(d, 0) for d in DECISIONS}
    statuses = dict(db.execute(f"SELECT {STATUS_SQL}, count(*) FROM hits h WHERE h.run_id = ? GROUP BY 1",
                               [run_id]).fetchall())
    run["status_counts"] = {s: statuses.get(s, 0) for s in STATUSES}
    run["pending"] = statuses.get(PENDING, 0)
    run["pending_approval"] = statuses.get(PENDING_APPROVAL, 0)
    # Alerts by class; the rows also named in news by entities whose class does not alert (counted, not stored).
    classes = dict(db.execute("SELECT alert_class, count(*) FROM hits WHERE run_id = ? GROUP BY 1",
                              [run_id]).fetchall())
    run["class_counts"] = {c: classes.get(c, 0) for c in ALERT_CLASSES}
    named = db.execute("SELECT count(*), coalesce(sum(news_mentions), 0) FROM run_rows WHERE run_id = ? AND "
                       "news_mentions > 0", [run_id]).fetchone()
    run["rows_named_in_news"], run["news_mentions"] = named[0], named[1]
    # Every official list of the watchlist version the run used, with its provenance (files, SHA-256, published).
    run["lists"] = store.lists_of_version(db, run["watchlist_version"])
    # Counted once when the run completes; a run stored before that (or one that failed) is counted now, a running
    # one not at all (its page polls every second, and counting notes reads every row).
    summary = run.pop("row_summary", None)
    if summary is None:
        summary = row_summary(db, run_id) if run["status"] != RUNNING else \
            {"not_screened_reasons": {}, "note_kinds": {}, "rows_with_notes": None}
    run.update(summary)
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


_DECISION_COLS = ("d.id, d.decision, d.reason, d.comment, d.actor, d.decided_at, d.needs_approval, d.suppress, "
                  "a.verdict, a.actor AS approver, a.at AS approved_at, a.comment AS approval_comment")


def _with_approval(row) -> dict:
    d = dict(row)
    verdict = {k: d.pop(k) for k in ("verdict", "approver", "approved_at", "approval_comment")}
    d["needs_approval"], d["suppress"] = bool(d["needs_approval"]), bool(d["suppress"])
    d["approval"] = ({"verdict": verdict["verdict"], "actor": verdict["approver"], "at": verdict["approved_at"],
                      "comment": verdict["approval_comment"]} if verdict["verdict"] else None)
    return d


def _decisions(db: sqlite_utils.Database, where: str, args: list, limit: str = "") -> list[dict]:
    return [_with_approval(r) for r in db.query(
        f"SELECT {_DECISION_COLS} FROM decisions d LEFT JOIN approvals a ON a.decision_id = d.id WHERE {where} "
        f"ORDER BY d.id{limit}", args)]


def get_decision(db: sqlite_utils.Database, decision_id: int) -> dict | None:
    """Return one decision with its hit and run ids and its verdict (``approval``: verdict, actor, at, comment)."""
    found = list(db.query(f"SELECT d.hit_id, d.run_id, {_DECISION_COLS} FROM decisions d LEFT JOIN approvals a ON "
                          "a.decision_id = d.id WHERE d.id = ?", [decision_id]))
    return _with_approval(found[0]) if found else None


def _latest_decision(db: sqlite_utils.Database, hit_id: int) -> dict | None:
    found = _decisions(db, "d.hit_id = ?", [hit_id], " DESC LIMIT 1")
    return found[0] if found else None


def effective_status(decision: dict | None, suppression_id: int | None = None, confirmed_earlier: int = 0) -> str:
    """A hit's status from its latest decision (with its verdict): pending (none, or rejected), pending approval,
    the decision (approved, or not needing approval), suppressed (undecided, an earlier clearance holds), or
    confirmed earlier (undecided, a true match confirmed earlier holds)."""
    if decision is None:
        return SUPPRESSED if suppression_id else CONFIRMED_EARLIER if confirmed_earlier else PENDING
    if not decision["needs_approval"]:
        return decision["decision"]
    approval = decision.get("approval")
    if approval is None:
        return PENDING_APPROVAL
    return decision["decision"] if approval["verdict"] == APPROVED else PENDING


def carried_decision(db: sqlite_utils.Database, hit: dict, cache: dict) -> dict | None:
    """The decision carried to a hit (``earlier_decision_id``) from an earlier run (``get_decision``: with its hit,
    run and approval), or None; ``cache`` keeps the decisions read for one page."""
    d_id = hit.get("earlier_decision_id")
    if not d_id:
        return None
    if d_id not in cache:
        cache[d_id] = get_decision(db, d_id)
    return cache[d_id]


def iter_hits(db: sqlite_utils.Database, run_id: int, row: int | None = None) -> Iterator[dict]:
    """Yield the run's hits by row and rank, each with its client's id and name and its latest decision."""
    decided = {hit for (hit,) in db.execute("SELECT DISTINCT hit_id FROM decisions WHERE run_id = ?", [run_id])}
    earlier_cache: dict = {}
    sql = ("SELECT h.*, r.client_id, r.name AS client_name, s.decision_id AS suppressed_by_decision FROM hits h "
           "JOIN run_rows r ON r.run_id = h.run_id AND r.row = h.row LEFT JOIN suppressions s ON s.id = "
           "h.suppression_id WHERE h.run_id = ?" + (" AND h.row = ?" if row is not None else "") + " ORDER BY h.row, h.rank")
    for h in db.query(sql, [run_id] + ([row] if row is not None else [])):
        h = _decode(h)
        del h["run_id"]
        h["decision"] = _latest_decision(db, h["id"]) if h["id"] in decided else None
        h["status"] = effective_status(h["decision"], h["suppression_id"], h["confirmed_earlier"])
        h["earlier_decision"] = carried_decision(db, h, earlier_cache)
        yield h


def iter_decisions(db: sqlite_utils.Database, run_id: int) -> Iterator[dict]:
    """Yield every decision of the run (the whole history), by hit and then oldest first."""
    for d in db.query(
            "SELECT d.id, d.hit_id, h.row, h.rank, r.client_id, r.name AS client_name, h.entity_id, h.entity_name, "
            "h.score, "
            "d.decision, d.reason, d.comment, d.actor, d.decided_at, d.needs_approval, d.suppress, a.verdict, "
            "a.actor AS approver, a.at AS approved_at, a.comment AS approval_comment, s.id AS suppression_id "
            "FROM decisions d JOIN hits h ON h.id = d.hit_id JOIN run_rows r ON r.run_id = h.run_id AND r.row = h.row "
            "LEFT JOIN approvals a ON a.decision_id = d.id LEFT JOIN suppressions s ON s.decision_id = d.id "
            "WHERE d.run_id = ? ORDER BY h.row, h.rank, d.id", [run_id]):
        d = dict(d)
        d["needs_approval"], d["suppress"] = bool(d["needs_approval"]), bool(d["suppress"])
        yield d


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
    hit["history"] = _decisions(db, "d.hit_id = ?", [hit_id])
    hit["decision"] = hit["history"][-1] if hit["history"] else None
    hit["status"] = effective_status(hit["decision"], hit["suppression_id"], hit["confirmed_earlier"])
    hit["earlier_decision"] = carried_decision(db, hit, {})
    # Why it is suppressed (the suppression and its clearing decision), or the clearance it changed since.
    hit["suppression"] = None
    if hit["suppression_id"]:
        hit["suppression"] = get_suppression(db, hit["suppression_id"])
        if hit["suppression"]:
            hit["suppression"]["decision"] = get_decision(db, hit["suppression"]["decision_id"])
    hit["changed_since"] = (get_decision(db, hit["changed_since_decision"]) if hit["changed_since_decision"]
                            else None)
    return hit


def query_hits(db: sqlite_utils.Database, run_id: int, *, min_score: float | None = None,
               max_score: float | None = None, status: str | None = None, risk: str | None = None,
               entity_type: str | None = None, source: str | None = None, alert_class: str | None = None,
               sort: str = "priority", page: int = 1, per_page: int = 50,
               show_suppressed: bool = False) -> tuple[list[dict], int]:
    """Return one page of a run's hits, filtered and sorted, and how many hits pass the filters.

    ``status`` is an effective status (``pending``, ``pending approval``, a decision, ``suppressed``); ``risk`` a
    risk category; ``source`` ``news`` or a list's name; ``alert_class`` a class (``sanctions``, ``pep``,
    ``adverse media``, ``mention``). Sorted by priority unless ``sort`` says otherwise (``HIT_SORTS``). Suppressed
    hits are left out unless ``show_suppressed`` (or ``status`` is ``suppressed``). Each hit comes with its client's
    id and name, its latest decision (with its verdict) and its ``status``.
    """
    where, args = hit_filters(run_id=run_id, min_score=min_score, max_score=max_score, entity_type=entity_type,
                              source=source, risk=risk, status=status, alert_class=alert_class,
                              show_suppressed=show_suppressed)
    base = (f"FROM hits h JOIN run_rows r ON r.run_id = h.run_id AND r.row = h.row WHERE {' AND '.join(where)}")
    total = db.execute(f"SELECT count(*) {base}", args).fetchone()[0]
    page, per_page = max(1, page), max(1, min(per_page, 500))
    rows = db.query(f"SELECT h.*, r.client_id, r.name AS client_name, (SELECT s.decision_id FROM suppressions s WHERE "
                    f"s.id = h.suppression_id) AS suppressed_by_decision {base} ORDER BY "
                    f"{HIT_SORTS.get(sort, HIT_SORTS['priority'])} LIMIT ? OFFSET ?",
                    args + [per_page, (page - 1) * per_page])
    out, earlier_cache = [], {}
    for h in rows:
        h = _decode(h)
        h["decision"] = _latest_decision(db, h["id"])
        h["status"] = effective_status(h["decision"], h["suppression_id"], h["confirmed_earlier"])
        h["earlier_decision"] = carried_decision(db, h, earlier_cache)
        out.append(h)
    return out, total


def hit_filters(*, run_id: int | None = None, min_score: float | None = None, max_score: float | None = None,
                entity_type: str | None = None, source: str | None = None, risk: str | None = None,
                status: str | None = None, alert_class: str | None = None,
                show_suppressed: bool = False) -> tuple[list[str], list]:
    """SQL conditions (on ``hits h``) and their arguments for the filters a run's page and the work queue share."""
    where, args = [], []
    for value, condition in ((run_id, "h.run_id = ?"), (min_score, "h.score >= ?"), (max_score, "h.score <= ?"),
                             (entity_type or None, "h.entity_type = ?"), (source or None, "h.source = ?"),
                             (alert_class or None, "h.alert_class = ?"),
                             (risk or None, "EXISTS (SELECT 1 FROM json_each(h.risk_categories) WHERE value = ?)")):
        if value is not None:
            where.append(condition)
            args.append(value)
    if status:
        where.append(f"{STATUS_SQL} = ?")
        args.append(status)
    elif not show_suppressed:
        where.append(f"{STATUS_SQL} != ?")
        args.append(SUPPRESSED)
    return where, args


def hit_sources(db: sqlite_utils.Database) -> list[str]:
    """Every source a hit can have: ``news``, and the name of every list imported (or named by a stored hit)."""
    names = {r[0] for r in db.execute("SELECT name FROM list_sources")}
    names |= {r[0] for r in db.execute("SELECT DISTINCT source FROM hits WHERE source IS NOT NULL")}
    return ["news", *sorted(names - {"news"}, key=str.casefold)]


def filter_values(db: sqlite_utils.Database) -> dict[str, list[str]]:
    """What each filter of hits can be, whether or not a hit has it now: the classes, the risk categories of the
    taxonomy, the sources (``news`` and every list), the entity types and the statuses."""
    return {"alert_class": list(ALERT_CLASSES), "risk": list(RISK_TAXONOMY), "source": hit_sources(db),
            "entity_type": list(ENTITY_TYPES), "status": list(STATUSES)}


# The filters' names as the pages and the API take them.
FILTER_NAMES = {"alert_class": "class", "risk": "risk", "source": "source", "entity_type": "entity_type",
                "status": "status"}


def check_hit_filters(db: sqlite_utils.Database, **given) -> dict:
    """Check filter values as given (None or "": not given) against what each filter can be (``filter_values``);
    return them (None for those not given), or raise ``HitFilterError`` naming every unknown value and what its
    filter takes: an unknown value is an error, never silently ignored."""
    allowed = filter_values(db)
    problems = []
    for key, value in given.items():
        if value in (None, ""):
            continue
        if value not in allowed[key]:
            problems.append(f"{FILTER_NAMES[key]} must be one of: {', '.join(allowed[key])} (got {str(value)[:60]!r})")
    if problems:
        raise HitFilterError(problems)
    return {k: (v or None) for k, v in given.items()}


def hit_facets(db: sqlite_utils.Database, run_id: int) -> dict:
    """The values the hits of a run can be filtered by (``filter_values``), and how many of the run's hits have each
    class (``class_counts``)."""
    counts = dict(db.execute("SELECT alert_class, count(*) FROM hits WHERE run_id = ? GROUP BY 1", [run_id]).fetchall())
    return {**filter_values(db), "class_counts": {c: counts.get(c, 0) for c in ALERT_CLASSES}}


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
    """Return one page of runs, latest first, and how many runs exist. Each run has its undecided hits
    (``pending``) and, as ``get_run`` gives them, ``not_screened_reasons``, ``note_kinds`` and ``rows_with_notes``
    (None while the run is running)."""
    page, per_page = max(1, page), max(1, min(per_page, 500))
    total = db.execute("SELECT count(*) FROM runs").fetchone()[0]
    # Cheap counts for a listing: hits with no decision and not suppressed; latest decisions awaiting a verdict.
    rows = db.query("SELECT r.*, max(0, r.hits - r.suppressed - r.confirmed_earlier - (SELECT count(DISTINCT d.hit_id) FROM decisions d "
                    "WHERE d.run_id = r.id)) AS pending, (SELECT count(*) FROM decisions d WHERE d.run_id = r.id AND "
                    "d.needs_approval = 1 AND NOT EXISTS (SELECT 1 FROM approvals a WHERE a.decision_id = d.id) AND "
                    "d.id = (SELECT max(id) FROM decisions WHERE hit_id = d.hit_id)) AS pending_approval "
                    "FROM runs r ORDER BY r.id DESC LIMIT ? OFFSET ?", [per_page, (page - 1) * per_page])
    found = [_decode(r) for r in rows]
    for r in found:
        # Rows not screened by reason, notes by kind: stored at completion; counted now for a run stored before
        # that; not yet for a running run (a listing does not scan the rows of a large run in progress).
        summary = r.pop("row_summary", None)
        if summary is None and r["status"] != RUNNING:
            summary = row_summary(db, r["id"])
        r.update(summary or dict.fromkeys(("not_screened_reasons", "note_kinds", "rows_with_notes")))
    return found, total


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
    """Return the ids of the hits before and after ``hit`` (from ``get_hit``) in its run's default order: priority,
    then score, then row and rank."""
    p = hit.get("priority") if hit.get("priority") is not None else -1.0
    key = [hit["run_id"], p, p, hit["score"], hit["score"], hit["row"], hit["rank"]]
    order = "coalesce(priority, -1)"
    before = db.execute(f"SELECT id FROM hits WHERE run_id = ? AND ({order} > ? OR ({order} = ? AND (score > ? OR "
                        f"(score = ? AND (row, rank) < (?, ?))))) ORDER BY {order}, score, row DESC, rank DESC "
                        f"LIMIT 1", key).fetchone()
    after = db.execute(f"SELECT id FROM hits WHERE run_id = ? AND ({order} < ? OR ({order} = ? AND (score < ? OR "
                       f"(score = ? AND (row, rank) > (?, ?))))) ORDER BY {order} DESC, score DESC, row, rank "
                       f"LIMIT 1", key).fetchone()
    return (before[0] if before else None), (after[0] if after else None)


def hit_entity(db: sqlite_utils.Database, hit: dict) -> dict:
    """Return the matched entity of a hit as the watchlist holds it now (``live``: True), else as the hit's snapshot
    recorded it (``live``: False): name, type, aliases (``alias``, ``kind``), countries, risk categories,
    relevance, source, and for list entries the list id, programs, remarks and the version that delisted it."""

    snapshot = {"id": hit["entity_id"], "name": hit["entity_name"], "type": hit["entity_type"],
                "aliases": [], "countries": hit["countries"] or [], "risk_categories": hit["risk_categories"] or [],
                "relevance": hit["relevance"], "source": hit["source"], "list_id": hit["list_id"],
                "programs": hit["programs"] or [], "remarks": hit["remarks"], "delisted_version": None,
                "functions": hit.get("functions") or [], "live": False}
    try:
        ent = store.get_entity(db, str(hit["entity_id"]))
    except EntityNotFound:
        return snapshot
    if ent["id"] != hit["entity_id"]:         # the id is gone and a name happened to read like it
        return snapshot
    ev = store.evidence(ent, max_excerpts=0)
    return {**snapshot, "name": ent["name"], "type": ent["type"], "functions": ev["functions"],
            "aliases": [{"alias": a["alias"], "kind": a.get("kind")} for a in ent["aliases"]],
            "countries": ev["countries"], "risk_categories": ev["risk_categories"], "relevance": ev["relevance"],
            "source": ev["source"], "list_id": ev["list_id"], "programs": ev["programs"], "remarks": ev["remarks"],
            "delisted_version": ent.get("delisted_version"), "live": True}
