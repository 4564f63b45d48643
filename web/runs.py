"""Pages of screening runs: home, upload and column mapping, jobs, runs with their hits, one hit with its decisions,
approvals of decisions (four eyes) and their queue, and the run's downloads. Views parse the request, call
``screening`` and ``watchlists``, and render; no SQL here. An unknown run, hit or job propagates to ``web.errors``
(404); a view catches an error only to show its form again with the message, or to flash it.

An upload is carried between the preview and the start by its stored file's name (``UPLOAD_ID``), never by a path
sent from the browser: the path is rebuilt from the configured upload folder.
"""
from __future__ import annotations

import os
import re

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from screening.engine.results import class_label
from screening.files.clientfile import FIELDS, ClientFileError
from screening.files.columns import MULTI
from screening.files.report import counted, status_text
from screening.service import policy, screen
from screening.store import jobs, runs
from screening.store import watchlist as store
from watchlists.functions import CATEGORIES as PEP_CATEGORIES
from web import filters, uploads
from web.auth import require
from web.db import get_db
from web.downloads import PDF, XLSX, send_case_file, send_written

bp = Blueprint("runs", __name__)

ID = "int(max=9223372036854775807)"        # SQLite's largest integer: a larger id is a 404, not an overflow
ACCEPTED = (".xlsx", ".xlsm", ".csv", ".tsv")
UPLOAD_ID = re.compile(r"[0-9a-f]{32}\.(xlsx|xlsm|csv|tsv)")
HITS_PER_PAGE, RUNS_PER_PAGE, ROWS_PER_PAGE = 50, 25, 50
PREVIEW_ROWS, PREVIEW_PROBLEMS, NOT_SCREENED_SHOWN = 10, 20, 20
PREVIEW_NOTES = 20


# How a run ended, in the same words on every page and in the report: "completed — N rows not screened".
bp.add_app_template_global(status_text, "run_status_text")
bp.add_app_template_global(counted, "counted")
# A hit's class in words, for its badge: "Sanctions", "PEP", "Adverse media", "Mention".
bp.add_app_template_global(class_label, "class_label")
# A public function's category in words ("head of government", "member of parliament").
bp.add_app_template_global(lambda category: PEP_CATEGORIES.get(category, category or ""), "pep_category")


# --- home and the list of runs ------------------------------------------------------------------------------

@bp.get("/")
@require("view")
def home():
    db = get_db()
    recent, total = runs.page_runs(db, 1, 10)
    active = [j for j in jobs.list_jobs(db, 100) if j["status"] in (jobs.QUEUED, jobs.RUNNING)]
    return render_template("runs/home.html", runs=recent, total=total, jobs=active, watchlist=store.stats(db))


@bp.get("/runs")
@require("view")
def run_list():
    page = _page()
    found, total = runs.page_runs(get_db(), page, RUNS_PER_PAGE)
    return render_template("runs/list.html", runs=found, total=total,
                           paging=_pager(page, RUNS_PER_PAGE, total, "runs.run_list"))


# --- upload, preview and mapping, start -----------------------------------------------------------------------

@bp.route("/upload", methods=["GET", "POST"])
@require("screen")
def upload():
    db = get_db()
    form = {"sheet": request.form.get("sheet", "").strip(),
            "threshold": request.form.get("threshold", policy.value(db, "threshold")),
            "hit_limit": request.form.get("hit_limit", policy.value(db, "hit_limit"))}
    if request.method == "GET":
        return render_template("runs/upload.html", form=form)
    try:
        options = _options(db, form)
        path, name = uploads.save(request.files.get("file"), ACCEPTED)
    except (policy.PolicyError, uploads.UploadError) as exc:
        return _refused(str(exc), form)
    try:
        prepared = screen.prepare(path, form["sheet"] or None, None, display_name=name)
    except BaseException as exc:
        os.remove(path)                     # nothing refers to an upload that cannot be read
        if isinstance(exc, ClientFileError):
            return _refused(str(exc), form)
        raise
    form.update(options)
    return _preview(os.path.basename(path), name, prepared, form, {})


@bp.post("/upload/mapping")
@require("screen")
def upload_mapping():
    db = get_db()
    upload_id, name = request.form.get("upload", ""), uploads.display_name(request.form.get("file_name"))
    form = {"sheet": request.form.get("sheet", ""), "threshold": request.form.get("threshold", ""),
            "hit_limit": request.form.get("hit_limit", "")}
    if not UPLOAD_ID.fullmatch(upload_id):
        abort(400, description="Unknown upload: upload the file again.")
    path = os.path.join(current_app.config["UPLOAD_DIR"], upload_id)
    if not os.path.isfile(path):
        return _refused(f"{name}: the uploaded file is no longer on the server; upload it again.", form)
    # Every field as chosen on the page: a header, or "" for "(none)", which leaves it out even if a header names it;
    # a field of several columns (country) is a list of headers, all used (none chosen: left out).
    chosen = {f: request.form.get(f"column-{f}", "") for f in FIELDS}
    for f in MULTI:
        chosen[f] = [h for h in request.form.getlist(f"column-{f}") if h.strip()] or ""
    try:
        prepared = screen.prepare(path, form["sheet"] or None, chosen, display_name=name)
    except ClientFileError as exc:
        try:        # the columns chosen do not fit: show the detected ones again, with the message
            prepared = screen.prepare(path, form["sheet"] or None, None, display_name=name)
        except ClientFileError:
            return _refused(str(exc), form)
        return _preview(upload_id, name, prepared, form, {}, error=str(exc))
    try:
        options = _options(db, form)
    except policy.PolicyError as exc:
        return _preview(upload_id, name, prepared, form, chosen, error=str(exc))
    if request.form.get("action") != "start":
        form.update(options)
        return _preview(upload_id, name, prepared, form, chosen)
    job_id, _ = screen.enqueue_run(db, prepared, file_name=name, actor=g.user["name"], columns=chosen, **options)
    flash(f"Screening of {name} queued as job {job_id}.", "info")
    return redirect(url_for("runs.job", job_id=job_id))


def _options(db, form: dict) -> dict:
    """The run's threshold and hits per row as typed (blank: the setting), checked like the settings are."""
    return {key: policy.check(key, str(form[key])) if str(form[key]).strip() else policy.value(db, key)
            for key in ("threshold", "hit_limit")}


def _refused(message: str, form: dict):
    return render_template("runs/upload.html", form=form, error=message), 400


def _preview(upload_id: str, name: str, prepared: screen.Prepared, form: dict, chosen: dict, error: str | None = None):
    mapping = prepared.mapping
    # Each field's chosen headers (a select preselects them): the chosen column, and for a field of several
    # columns (country) every further one, all used.
    mapped = {f: [mapping.headers[i] for i in ([c] + (mapping.more.get(f, []) if f in MULTI else []))]
              for f, c in mapping.columns.items()}
    more_names = [mapping.headers[i] for i in mapping.more.get("name", []) if mapping.headers[i]]
    problems, notes = prepared.problems, prepared.notes
    rows_left_out = sum(1 for c in prepared.clients if c.problems)
    rows_with_notes = sum(1 for c in prepared.clients if c.notes and not c.problems)
    return render_template(
        "runs/preview.html", upload_id=upload_id, file_name=name, prepared=prepared, fields=FIELDS, mapped=mapped,
        multi=MULTI, more_names=more_names, explain=mapping.explain,
        headers=[h for h in mapping.headers if h], rows=prepared.clients[:PREVIEW_ROWS],
        problems=problems[:PREVIEW_PROBLEMS], problem_count=len(problems), rows_left_out=rows_left_out,
        notes=notes[:PREVIEW_NOTES], note_count=len(notes), rows_with_notes=rows_with_notes, form=form, error=error,
    ), 400 if error else 200


# --- jobs -----------------------------------------------------------------------------------------------------

@bp.get(f"/jobs/<{ID}:job_id>")
@require("view")
def job(job_id: int):
    db = get_db()
    found = jobs.get_job(db, job_id)
    return render_template("runs/job.html", job=found, run=_job_run(db, found))


@bp.get(f"/jobs/<{ID}:job_id>/status.json")
@require("view")
def job_status(job_id: int):
    db = get_db()
    j = jobs.get_job(db, job_id)
    out = {**{k: j[k] for k in ("status", "stage", "done", "total", "error", "run_id")},
           "run_url": url_for("runs.run", run_id=j["run_id"]) if j["run_id"] else None,
           "run_status": None, "not_screened": None, "not_screened_reasons": None, "not_screened_url": None}
    run_info = _job_run(db, j)
    if run_info is not None:      # the job has ended: how its run ended, with the rows it left out
        out.update(run_status=status_text(run_info), not_screened=run_info["not_screened"],
                   not_screened_reasons=run_info["not_screened_reasons"],
                   not_screened_url=url_for("runs.not_screened", run_id=run_info["id"]))
    return jsonify(out)


def _job_run(db, job_row: dict) -> dict | None:
    """The run of an ended job (None while the job is queued or running, or when it made no run)."""
    if not job_row.get("run_id") or job_row["status"] in (jobs.QUEUED, jobs.RUNNING):
        return None
    try:
        return runs.get_run(db, job_row["run_id"])
    except runs.RunNotFound:
        return None


@bp.post(f"/jobs/<{ID}:job_id>/retry")
@require("screen")
def job_retry(job_id: int):
    return retry(job_id, ("screen", "monitor"))


def retry(job_id: int, kinds: tuple[str, ...]):
    """Queue a failed job of one of ``kinds`` again (each kind is retried under its own permission: screening runs
    and monitoring re-screens with "screen", imports with "watchlist") and show its page."""
    db = get_db()
    if jobs.get_job(db, job_id)["kind"] not in kinds:
        abort(404, description=f"There is no {' or '.join(kinds)} job {job_id}.")
    try:
        jobs.retry(db, job_id, actor=g.user["name"])
    except jobs.JobError as exc:
        flash(str(exc), "error")
    else:
        flash(f"Job {job_id} queued again.", "info")
    return redirect(url_for("runs.job", job_id=job_id))


# --- a run ------------------------------------------------------------------------------------------------------

@bp.get(f"/runs/<{ID}:run_id>")
@require("view")
def run(run_id: int):
    db = get_db()
    info = runs.get_run(db, run_id)
    facets = runs.hit_facets(db, run_id)
    (filters, problems), page = _hit_filters(db), _page()
    hits, total = runs.query_hits(db, run_id, **filters, page=page, per_page=HITS_PER_PAGE)
    # As the address names them ("class"), for the form and the paging links.
    shown = {"class": filters["alert_class"], **{k: v for k, v in filters.items() if k != "alert_class"},
             "show_suppressed": "1" if filters["show_suppressed"] else ""}
    not_screened, not_screened_total = runs.page_rows(db, run_id, "not screened", 1, NOT_SCREENED_SHOWN)
    return render_template(
        "runs/run.html", run=info, hits=hits, total=total, filters=shown, facets=facets,
        sorts=list(runs.HIT_SORTS), histogram=_histogram(runs.score_histogram(db, run_id)),
        paging=_pager(page, HITS_PER_PAGE, total, "runs.run", run_id=run_id, **shown),
        not_screened=not_screened, not_screened_total=not_screened_total, filter_errors=problems,
    ), 400 if problems else 200


@bp.get(f"/runs/<{ID}:run_id>/status.json")
@require("view")
def run_status(run_id: int):
    r = runs.get_run(get_db(), run_id)
    return jsonify({k: r[k] for k in ("status", "error", "rows_total", "rows_done", "screened", "not_screened",
                                      "rows_with_hits", "hits", "pending", "suppressed", "confirmed_earlier")})


@bp.get(f"/runs/<{ID}:run_id>/not-screened")
@require("view")
def not_screened(run_id: int):
    db = get_db()
    info, page = runs.get_run(db, run_id), _page()
    rows, total = runs.page_rows(db, run_id, "not screened", page, ROWS_PER_PAGE)
    return render_template("runs/not_screened.html", run=info, rows=rows, total=total,
                           paging=_pager(page, ROWS_PER_PAGE, total, "runs.not_screened", run_id=run_id))


@bp.get(f"/runs/<{ID}:run_id>/report.xlsx")
@require("view")
def report(run_id: int):
    db = get_db()
    runs.get_run(db, run_id)
    return send_written(lambda path: screen.write_run_report(db, run_id, path, actor=g.user["name"]),
                     f"screening-run-{run_id}.xlsx", XLSX)


@bp.get(f"/runs/<{ID}:run_id>/report.pdf")
@require("view")
def report_pdf(run_id: int):
    """The run's PDF case file (summary, lists, counts, every alerting hit with its decisions, the audit trail)."""
    db = get_db()
    runs.get_run(db, run_id)
    return send_written(lambda path: screen.write_run_pdf(db, run_id, path, actor=g.user["name"]),
                        f"screening-run-{run_id}.pdf", PDF)


@bp.post(f"/runs/<{ID}:run_id>/report.pdf/job")
@require("view")
def report_pdf_job(run_id: int):
    """Queue a large run's PDF case file; its job page shows the progress and, once written, the download."""
    job_id = screen.enqueue_case_file(get_db(), run_id, current_app.config["UPLOAD_DIR"], g.user["name"])
    return redirect(url_for("runs.job", job_id=job_id))


@bp.get(f"/jobs/<{ID}:job_id>/case-file.pdf")
@require("view")
def job_case_file(job_id: int):
    """The case file a finished job wrote."""
    return send_case_file(jobs.get_job(get_db(), job_id))


@bp.get(f"/runs/<{ID}:run_id>/run.json")
@require("view")
def run_json(run_id: int):
    db = get_db()
    runs.get_run(db, run_id)

    def write(path: str) -> None:
        with open(path, "w", encoding="utf-8") as out:
            screen.write_run_json(db, run_id, out)
    return send_written(write, f"screening-run-{run_id}.json", "application/json")


# --- a hit and its decisions ------------------------------------------------------------------------------------

@bp.get(f"/hits/<{ID}:hit_id>")
@require("view")
def hit(hit_id: int):
    return _hit_page(hit_id)


@bp.get(f"/hits/<{ID}:hit_id>/report.pdf")
@require("view")
def hit_pdf(hit_id: int):
    """The hit's PDF case file: what its page shows, with the decision history."""
    db = get_db()
    runs.get_hit(db, hit_id)
    return send_written(lambda path: screen.write_hit_pdf(db, hit_id, path, actor=g.user["name"]),
                        f"screening-hit-{hit_id}.pdf", PDF)


@bp.post(f"/hits/<{ID}:hit_id>/decide")
@require("decide")
def decide(hit_id: int):
    db = get_db()
    runs.get_hit(db, hit_id)
    form = {k: request.form.get(k, "").strip() for k in ("decision", "reason", "comment")}
    form["suppress"] = request.form.get("suppress") == "1"
    try:
        decision_id = runs.add_decision(db, hit_id, form["decision"], form["reason"], actor=g.user["name"],
                                        comment=form["comment"], suppress=form["suppress"])
    except runs.DecisionError as exc:
        return _hit_page(hit_id, error=str(exc), form=form)
    waits = runs.get_decision(db, decision_id)["needs_approval"]
    flash(f"Decision recorded: {form['decision']}" + (" (pending a reviewer's approval)." if waits else "."), "info")
    return redirect(url_for("runs.hit", hit_id=hit_id))


@bp.post(f"/decisions/<{ID}:decision_id>/approve")
@require("approve")
def approve(decision_id: int):
    return _verdict(decision_id, runs.approve, "approved")


@bp.post(f"/decisions/<{ID}:decision_id>/reject")
@require("approve")
def reject(decision_id: int):
    return _verdict(decision_id, runs.reject, "rejected")


def _verdict(decision_id: int, give, word: str):
    db = get_db()
    decision = runs.get_decision(db, decision_id)
    if decision is None:
        abort(404, description=f"There is no decision {decision_id}.")
    comment = request.form.get("comment", "").strip()[:4000]
    try:
        give(db, decision_id, g.user["name"], g.user, comment=comment)
    except runs.ApprovalError as exc:
        flash(str(exc), "error")
    else:
        flash(f"Decision {decision_id} ({decision['decision']}) {word}.", "info")
    if request.form.get("next") == "approvals":
        return redirect(url_for("runs.approvals"))
    return redirect(url_for("runs.hit", hit_id=decision["hit_id"]))


@bp.get("/approvals")
@require("approve")
def approvals():
    page = _page()
    waiting, total = runs.pending_approvals(get_db(), limit=HITS_PER_PAGE, offset=(page - 1) * HITS_PER_PAGE)
    return render_template("runs/approvals.html", decisions=waiting, total=total,
                           paging=_pager(page, HITS_PER_PAGE, total, "runs.approvals"))


def _hit_page(hit_id: int, error: str | None = None, form: dict | None = None):
    db = get_db()
    found = runs.get_hit(db, hit_id)
    previous, following = runs.hit_neighbours(db, found)
    return render_template(
        "runs/hit.html", hit=found, run=runs.get_run(db, found["run_id"]), entity=runs.hit_entity(db, found),
        previous=previous, following=following, reasons=runs.DECISION_REASONS, error=error, form=form or {},
    ), 400 if error else 200


# --- request helpers (parsing and layout only) -------------------------------------------------------------------

def _page() -> int:
    value = request.args.get("page", "1")
    return min(int(value), 10**9) if value.isdigit() and int(value) > 0 else 1


def _pager(page: int, per_page: int, total: int, endpoint: str, **params) -> dict:
    params = {k: v for k, v in params.items() if v not in (None, "")}
    pages = max(1, -(-total // per_page))
    link = lambda n: url_for(endpoint, **params, page=n) if 1 <= n <= pages else None  # noqa: E731
    return {"page": page, "pages": pages, "total": total, "previous": link(page - 1), "next": link(page + 1),
            "first": (page - 1) * per_page + 1, "last": min(page * per_page, total)}


def _hit_filters(db) -> tuple[dict, list[str]]:
    """The run page's filters from the address, and what could not be used of them (shown as an error)."""
    args = request.args
    values, problems = filters.hit_filters(db, args)
    min_score = filters.score(args, "min_score", problems)
    sort = filters.choice(args, "sort", list(runs.HIT_SORTS), "priority", problems)
    return {"min_score": min_score, **values, "sort": sort,
            "show_suppressed": args.get("show_suppressed") == "1"}, problems


def _histogram(bands: list[tuple[float, int]], width: int = 480, height: int = 150) -> dict:
    """Bars of the score distribution as SVG geometry (drawn by the template, with attributes only)."""
    top, base, gap = 18, height - 24, 2
    if not bands:
        return {"bars": [], "width": width, "height": height, "base": base}
    step = round(bands[1][0] - bands[0][0], 2) if len(bands) > 1 else 0.05
    most = max(n for _, n in bands) or 1
    bar_w = (width - 40) / len(bands)
    bars = []
    for i, (low, n) in enumerate(bands):
        h = round((base - top) * n / most, 1)
        bars.append({"x": round(20 + i * bar_w + gap / 2, 1), "y": round(base - h, 1), "w": round(bar_w - gap, 1),
                     "h": h, "count": n, "low": low, "high": min(1.0, round(low + step, 2)),
                     "cx": round(20 + (i + 0.5) * bar_w, 1)})
    return {"bars": bars, "width": width, "height": height, "base": base, "most": most}
