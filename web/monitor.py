"""The monitoring page: how many clients are monitored, the last monitoring runs, a run's clients put under
monitoring, and a re-screen queued now. Views call ``screening.monitor``; no SQL here."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from screening.service import monitor
from screening.store import jobs, monitoring
from web.auth import require
from web.db import get_db

bp = Blueprint("monitor", __name__)

CLIENTS_SHOWN, RUNS_SHOWN = 50, 20
MAX_ID = 9223372036854775807


@bp.get("/monitoring")
@require("view")
def overview():
    db = get_db()
    queued = [j for j in jobs.list_jobs(db, 20, kind=monitor.JOB_KIND) if j["status"] in (jobs.QUEUED, jobs.RUNNING)]
    return render_template("monitor/overview.html", counts=monitoring.counts(db), runs=monitoring.monitoring_runs(db,
                           RUNS_SHOWN), clients=monitoring.list_clients(db, CLIENTS_SHOWN), jobs=queued,
                           shown=CLIENTS_SHOWN)


@bp.post("/monitoring/add")
@require("screen")
def add():
    value = request.form.get("run_id", "").strip().lstrip("#")
    if not value.isdigit() or int(value) > MAX_ID:
        abort(400, description="Give the number of a completed screening run.")
    done = monitor.add_run(get_db(), int(value), g.user["name"])      # an unknown run: 404; not complete: 400
    flash(f"Run {done['run_id']}: {done['added']} clients added to monitoring, {done['updated']} already monitored "
          f"updated.", "info")
    return redirect(url_for("monitor.overview"))


@bp.post("/monitoring/run")
@require("screen")
def rescreen():
    db = get_db()
    job_id = jobs.enqueue(db, monitor.JOB_KIND, {"full": False}, actor=g.user["name"])
    flash(f"Re-screening of the monitored clients queued as job {job_id}.", "info")
    return redirect(url_for("monitor.overview"))
