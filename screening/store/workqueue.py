"""The work queue: alerts (hits) across every run, filtered and paged; assignment to analysts; bulk false positives.

Rules and SQL, no web framework. A hit's status is its effective status as ``runs`` defines it (``STATUS_SQL``),
as on a run's page; suppressed alerts (an earlier cleared false positive holds) are left out unless asked for.
Bulk decisions are allowed only for ``false positive``, only to roles that may decide, never suppress, and are
stored all or nothing, each hit's decision through ``runs.add_decision`` as a single decision would be.
"""
from __future__ import annotations

import json

import sqlite_utils

from screening.store import accounts, audit, runs
from screening.store.db import transaction

UNASSIGNED = "unassigned"
BULK_DECISIONS = ("false positive",)
MAX_BULK = 1000                 # hits in one assignment or bulk decision
# The first is the default: priority (class, then stage and relevance, then score).
SORTS = {
    "priority": "h.priority IS NULL, h.priority DESC, h.score DESC, h.run_id DESC, h.row, h.rank",
    "score": "h.score DESC, h.run_id DESC, h.row, h.rank",
    "newest": "h.run_id DESC, h.row, h.rank",
    "oldest": "h.run_id, h.row, h.rank",
    "client": "r.name COLLATE NOCASE, h.run_id DESC, h.row, h.rank",
    "entity": "h.entity_name COLLATE NOCASE, h.run_id DESC, h.row, h.rank",
    "assignee": "h.assignee IS NULL, h.assignee COLLATE NOCASE, h.score DESC, h.run_id DESC, h.row, h.rank",
}
# The latest decision of each hit, joined as ``ld`` (no row: the hit is pending).
_LATEST = "LEFT JOIN decisions ld ON ld.id = (SELECT max(d.id) FROM decisions d WHERE d.hit_id = h.id)"
# A hit's effective status is the one ``runs`` defines (SQL over ``hits h``): with four eyes "pending approval" until
# a reviewer approves (a rejected decision leaves the hit pending), "suppressed" while an earlier clearance holds.
_STATUS = runs.STATUS_SQL
SUPPRESSED = runs.SUPPRESSED
# Statuses of alerts that wait for a decision: a bulk decision may be added to these without being asked to.
_UNDECIDED = (runs.PENDING, SUPPRESSED)
_JSON = ("risk_categories", "countries", "programs", "functions")


class QueueError(ValueError):
    """A queue action refused, with the reason in words."""


class AssignmentRefused(QueueError):
    """An assignment that cannot be made (unknown hits, an assignee who may not decide)."""


class BulkDecisionRefused(QueueError):
    """A bulk decision that cannot be recorded (not a false positive, a role that may not decide, decided hits)."""


def statuses() -> list[str]:
    """The statuses the queue can be filtered by."""
    return list(runs.STATUSES)


def alerts(db: sqlite_utils.Database, *, status: str | None = None, assignee: str | None = None,
           min_score: float | None = None, max_score: float | None = None, risk: str | None = None,
           run_id: int | None = None, entity_type: str | None = None, alert_class: str | None = None,
           source: str | None = None, include_suppressed: bool = False, sort: str = "priority", page: int = 1,
           per_page: int = 50) -> tuple[list[dict], int]:
    """Return one page of alerts across all runs, filtered and sorted, and how many alerts pass the filters.

    ``status`` is an effective status (``runs.STATUSES``: ``pending``, ``pending approval``, a decision,
    ``suppressed``); alerts suppressed by an earlier clearance are left out unless ``include_suppressed`` (or
    ``status`` is ``suppressed``), as on a run's page. ``assignee`` is a user name or ``unassigned``;
    ``alert_class`` a class, ``source`` ``news`` or a list's name. Sorted by priority unless ``sort`` says otherwise.
    Each alert carries its run (``run_id``, ``run_file_name``, ``run_kind``), row, client (``client_id``,
    ``client_name``), the matched entity, its class, priority and public functions, score, risk categories,
    ``status``, ``assignee``, ``suppression_id`` and its latest ``decision``.
    """
    where, args = runs.hit_filters(run_id=run_id, min_score=min_score, max_score=max_score,
                                   entity_type=entity_type, risk=risk, status=status, alert_class=alert_class,
                                   source=source, show_suppressed=include_suppressed)
    if assignee == UNASSIGNED:
        where.append("(h.assignee IS NULL OR h.assignee = '')")
    elif assignee:
        where.append("h.assignee = ? COLLATE NOCASE")
        args.append(assignee)
    base = (f"FROM hits h JOIN run_rows r ON r.run_id = h.run_id AND r.row = h.row JOIN runs u ON u.id = h.run_id "
            f"{_LATEST}" + (f" WHERE {' AND '.join(where)}" if where else ""))
    total = db.execute(f"SELECT count(*) {base}", args).fetchone()[0]
    page, per_page = max(1, page), max(1, min(per_page, 500))
    rows = db.query(
        f"SELECT h.id, h.run_id, h.row, h.rank, h.entity_id, h.entity_name, h.entity_type, h.matched_name, h.source, "
        f"h.list_id, h.programs, h.score, h.risk_categories, h.countries, h.assignee, h.suppression_id, "
        f"h.alert_class, h.priority, h.functions, "
        f"h.changed_since_decision, h.earlier_decision_id, h.confirmed_earlier, r.client_id, r.name AS client_name, u.file_name AS run_file_name, "
        f"u.kind AS run_kind, {_STATUS} AS status, ld.id AS decision_id, ld.decision, ld.reason AS decision_reason, "
        f"ld.actor AS decision_actor, ld.decided_at {base} ORDER BY {SORTS.get(sort, SORTS['priority'])} "
        f"LIMIT ? OFFSET ?", args + [per_page, (page - 1) * per_page])
    out, earlier = [], {}
    for row in rows:
        alert = dict(row)
        alert["earlier_decision"] = runs.carried_decision(db, alert, earlier)
        for col in _JSON:
            if isinstance(alert.get(col), str):
                alert[col] = json.loads(alert[col])
        alert["decision"] = None if alert["decision_id"] is None else {
            "id": alert.pop("decision_id"), "decision": alert["decision"], "reason": alert.pop("decision_reason"),
            "actor": alert.pop("decision_actor"), "decided_at": alert.pop("decided_at")}
        for key in ("decision_id", "decision_reason", "decision_actor", "decided_at"):
            alert.pop(key, None)
        out.append(alert)
    return out, total


def facets(db: sqlite_utils.Database) -> dict:
    """The values the queue can be filtered by: statuses, classes, risk categories, sources, entity types
    (``runs.filter_values``: all they can be), runs, assignees (``assigned``: anyone holding alerts or able to) and
    whom alerts can be assigned to (``assignees``)."""
    values = runs.filter_values(db)
    run_list = [dict(r) for r in db.query("SELECT id, file_name, kind, started_at FROM runs WHERE hits > 0 "
                                          "ORDER BY id DESC")]
    can = assignees(db)
    assigned = [r[0] for r in db.execute("SELECT DISTINCT assignee FROM hits WHERE assignee IS NOT NULL AND "
                                         "assignee != '' ORDER BY assignee COLLATE NOCASE")]
    # Filter by anyone who can take alerts or holds some (an account disabled since keeps its alerts).
    return {**values, "runs": run_list, "assignees": can, "assigned": sorted(set(can) | set(assigned),
                                                                                key=str.casefold)}


def assignees(db: sqlite_utils.Database) -> list[str]:
    """The names of the enabled accounts alerts can be assigned to (roles that may decide)."""
    return [u["name"] for u in accounts.list_users(db) if accounts.may(u, "decide")]


def _hits(db: sqlite_utils.Database, hit_ids, refused) -> list[tuple[int, int]]:
    """Check a selection of hit ids (as given: ints or digit strings); return ``(hit_id, run_id)`` sorted by id."""
    try:
        ids = sorted({int(h) for h in hit_ids})
    except (TypeError, ValueError):
        raise refused("alerts are chosen by their numbers") from None
    if not ids:
        raise refused("no alert selected")
    if len(ids) > MAX_BULK:
        raise refused(f"at most {MAX_BULK} alerts at once ({len(ids)} selected)")
    found = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        found.update(db.execute(f"SELECT id, run_id FROM hits WHERE id IN ({','.join('?' * len(chunk))})",
                                chunk).fetchall())
    missing = [i for i in ids if i not in found]
    if missing:
        raise refused(f"no alert {', '.join(map(str, missing[:20]))}" + (" and more" if len(missing) > 20 else ""))
    return [(i, found[i]) for i in ids]


def _run_details(pairs: list[tuple[int, int]]) -> dict:
    """Audit details naming the hits and their runs; ``run_id`` too when they all belong to one run, so that the
    entry is listed with that run (``audit.run_entries``)."""
    run_ids = sorted({r for _, r in pairs})
    details = {"hit_ids": [h for h, _ in pairs], "run_ids": run_ids}
    if len(run_ids) == 1:
        details["run_id"] = run_ids[0]
    return details


def assign(db: sqlite_utils.Database, hit_ids, assignee: str | None, actor: str) -> int:
    """Assign alerts to an enabled account that may decide (``None``: unassign them); return how many.

    All or nothing, with one audit entry for the call naming the hits, their runs and their earlier assignees.
    """
    name = None
    if assignee is not None:
        user = accounts.find_user(db, (assignee or "").strip())
        if user is None:
            raise AssignmentRefused(f"no user named {assignee.strip()!r}")
        if user.get("disabled_at"):
            raise AssignmentRefused(f"{user['name']}'s account is disabled")
        if not accounts.may(user, "decide"):
            raise AssignmentRefused(f"{user['name']} ({user['role']}) may not decide on alerts")
        name = user["name"]
    with transaction(db):
        pairs = _hits(db, hit_ids, AssignmentRefused)
        ids = [h for h, _ in pairs]
        previous = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            previous.update(db.execute(f"SELECT id, assignee FROM hits WHERE id IN ({','.join('?' * len(chunk))}) "
                                       f"AND assignee IS NOT NULL AND assignee != ''", chunk).fetchall())
            db.execute(f"UPDATE hits SET assignee = ? WHERE id IN ({','.join('?' * len(chunk))})", [name, *chunk])
        details = {**_run_details(pairs), "assignee": name,
                   "previous": {str(h): a for h, a in previous.items() if a != name}}
        audit.record(db, actor, "hit.assigned" if name else "hit.unassigned", "hit",
                     ids[0] if len(ids) == 1 else "", details)
    return len(ids)


def bulk_decide(db: sqlite_utils.Database, hit_ids, decision: str, reason: str, comment: str, actor: str,
                actor_user: dict | None, add_to_decided: bool = False) -> int:
    """Record the same false-positive decision on every selected alert, all or none; return how many.

    Refused for any decision but ``false positive``, for a user whose role may not decide, and (unless
    ``add_to_decided``) when any selected alert has a decision in force already (decided, or waiting for approval;
    a rejected decision leaves its alert pending): the message names them. Never suppresses
    later alerts (that takes a decision on the hit's own page). One ``decision.bulk`` audit entry beside each
    decision's own.
    """
    if decision not in BULK_DECISIONS:
        raise BulkDecisionRefused(f"bulk decisions are allowed only for {', '.join(BULK_DECISIONS)}, not "
                                  f"{decision!r}: decide each alert on its own page")
    if not accounts.may(actor_user, "decide"):
        role = (actor_user or {}).get("role", "no account")
        raise BulkDecisionRefused(f"your role ({role}) may not decide on alerts")
    reason = (reason or "").strip()
    comment = (comment or "").strip()
    if reason not in runs.DECISION_REASONS[decision]:
        raise BulkDecisionRefused(f"choose a reason for {decision!r} (one of: "
                                  f"{'; '.join(runs.DECISION_REASONS[decision])})")
    if reason.startswith("other") and not comment:
        raise BulkDecisionRefused("the reason 'other' needs a comment saying what it is")
    with transaction(db):
        pairs = _hits(db, hit_ids, BulkDecisionRefused)
        ids = [h for h, _ in pairs]
        if not add_to_decided:
            decided = []
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                decided += [r[0] for r in db.execute(
                    f"SELECT h.id FROM hits h WHERE h.id IN ({','.join('?' * len(chunk))}) AND {_STATUS} NOT IN "
                    f"({','.join('?' * len(_UNDECIDED))}) ORDER BY h.id", [*chunk, *_UNDECIDED])]
            if decided:
                raise BulkDecisionRefused(
                    f"{len(decided)} of the selected alerts have a decision already (alert "
                    f"{', '.join(map(str, decided[:20]))}{' and more' if len(decided) > 20 else ''}): leave them "
                    f"out, or ask to add another decision to them")
        decision_ids = [runs.add_decision(db, h, decision, reason, actor=actor, comment=comment) for h in ids]
        audit.record(db, actor, "decision.bulk", "hit", ids[0] if len(ids) == 1 else "", {
            **_run_details(pairs), "decision": decision, "reason": reason, "comment": comment, "count": len(ids),
            "decision_ids": decision_ids, "added_to_decided": bool(add_to_decided)})
    return len(ids)
