"""The work queue: alerts across every run, filtered, sorted and paged; assignment and bulk false positives.

Views parse the request, call ``screening.queue`` and render; no SQL here. Both actions come back to the same
filtered view (its address travels in the form as ``back``, checked to be a queue address) with a message. A filter
value that cannot be used (an unknown class, source, run, assignee...) is named in an error on the page (400).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from screening.store import runs
from screening.store import workqueue as queue
from web import filters as hit_filters
from web.auth import require
from web.db import get_db

bp = Blueprint("queue", __name__, url_prefix="/queue")

PER_PAGE = 50
ME = "me"
MAX_ID = 9223372036854775807


@bp.get("/")
@require("view")
def index():
    db = get_db()
    facets = queue.facets(db)
    (filters, problems), page = _filters(db, facets), _page()
    found, total = queue.alerts(db, **_query(filters), page=page, per_page=PER_PAGE)
    return render_template(
        "queue/index.html", alerts=found, total=total, filters=filters, facets=facets, sorts=list(queue.SORTS),
        paging=_pager(page, total, filters), reasons=runs.DECISION_REASONS[queue.BULK_DECISIONS[0]],
        bulk_decision=queue.BULK_DECISIONS[0], back=request.full_path if request.query_string else request.path,
        filtered=any(v not in (None, "", False) for k, v in filters.items() if k != "sort"),
        filter_errors=problems), 400 if problems else 200


@bp.post("/assign")
@require("decide")
def assign():
    form = request.form
    assignee = form.get("assignee", "").strip()
    try:
        if not assignee:
            raise queue.AssignmentRefused("choose whom to assign the alerts to")
        target = None if assignee == queue.UNASSIGNED else g.user["name"] if assignee == ME else assignee
        n = queue.assign(get_db(), form.getlist("hit"), target, actor=g.user["name"])
    except queue.QueueError as exc:
        flash(f"Not assigned: {exc}.", "error")
    else:
        what = f"{n} alert{'' if n == 1 else 's'}"
        flash(f"Assigned {what} to {target}." if target else f"Unassigned {what}.", "info")
    return redirect(_back())


@bp.post("/bulk-decide")
@require("decide")
def bulk_decide():
    form = request.form
    decision = form.get("decision", queue.BULK_DECISIONS[0])
    try:
        n = queue.bulk_decide(get_db(), form.getlist("hit"), decision, form.get("reason", ""),
                              form.get("comment", ""), actor=g.user["name"], actor_user=g.user,
                              add_to_decided=form.get("add_to_decided") == "1")
    except (queue.QueueError, runs.DecisionError) as exc:
        flash(f"No decision recorded: {exc}.", "error")
    else:
        flash(f"Decision recorded on {n} alert{'' if n == 1 else 's'}: {decision}.", "info")
    return redirect(_back())


# --- request helpers (parsing and layout only) -------------------------------------------------------------------

def _back() -> str:
    """The filtered queue view the form came from, if it is one; else the queue."""
    target = request.form.get("back", "")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith(url_for("queue.index")) or "\\" in target:
        return url_for("queue.index")
    return target


def _page() -> int:
    value = request.args.get("page", "1")
    return min(int(value), 10**9) if value.isdigit() and int(value) > 0 else 1


def _filters(db, facets: dict) -> tuple[dict, list[str]]:
    """The filters as given in the address, each checked against what it can be; what cannot be used is left out
    and named in the problems (shown on the page)."""
    args = request.args
    values, problems = hit_filters.hit_filters(db, args)
    run = args.get("run", "").strip()
    run_ids = {r["id"] for r in facets["runs"]}
    if run and not (run.isdigit() and 0 < int(run) <= MAX_ID and int(run) in run_ids):
        problems.append(f"run must be the number of a run with alerts (got {run[:30]!r})")
        run = ""
    assignee = args.get("assignee", "").strip()
    if assignee and assignee not in (ME, queue.UNASSIGNED) and assignee not in facets["assigned"]:
        problems.append(f"assignee must be me, unassigned or one of: {', '.join(facets['assigned'])} "
                        f"(got {assignee[:30]!r})")
        assignee = ""
    return {"status": values["status"], "assignee": assignee or None,
            "min_score": hit_filters.score(args, "min_score", problems),
            "max_score": hit_filters.score(args, "max_score", problems), "class": values["alert_class"],
            "risk": values["risk"], "source": values["source"], "run": int(run) if run else None,
            "entity_type": values["entity_type"], "suppressed": "1" if args.get("suppressed") == "1" else None,
            "sort": hit_filters.choice(args, "sort", list(queue.SORTS), "priority", problems)}, problems


def _query(filters: dict) -> dict:
    """The filters as ``queue.alerts`` takes them ("me" is the signed-in user)."""
    return {"status": filters["status"], "min_score": filters["min_score"], "max_score": filters["max_score"],
            "assignee": g.user["name"] if filters["assignee"] == ME else filters["assignee"],
            "risk": filters["risk"], "run_id": filters["run"], "entity_type": filters["entity_type"],
            "alert_class": filters["class"], "source": filters["source"],
            "include_suppressed": bool(filters["suppressed"]), "sort": filters["sort"]}


def _pager(page: int, total: int, filters: dict) -> dict:
    params = {k: v for k, v in filters.items() if v not in (None, "")}
    pages = max(1, -(-total // PER_PAGE))
    link = lambda n: url_for("queue.index", **params, page=n) if 1 <= n <= pages else None  # noqa: E731
    return {"page": page, "pages": pages, "total": total, "previous": link(page - 1), "next": link(page + 1),
            "first": (page - 1) * PER_PAGE + 1, "last": min(page * PER_PAGE, total)}
