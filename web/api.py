"""The JSON API for integrations: start screening runs, follow jobs, read runs and hits, record decisions, search
the watchlist.

Authentication is by bearer token only (``Authorization: Bearer <token>``, checked in ``web.auth``); the token acts
with its user's role, and every route shares one rate limit per token (``web.limits``). Errors are JSON
``{"error", "status", "message"}`` made by ``web.errors`` (domain errors propagate there): 400 for a bad parameter
or file, 401 without a valid token, 403 when the role may not, 404 for an unknown id, 409 for an empty watchlist,
429 past the rate limit. The README's "JSON API" section is the reference.
"""
from __future__ import annotations

import json
import math
import os

from flask import Blueprint, abort, current_app, g, jsonify, request, url_for

from screening.files.clientfile import FIELDS
from screening.files.columns import MULTI
from screening.service import policy, screen, search
from screening.store import jobs, runs
from screening.store import watchlist as store
from web import uploads
from web.auth import require
from web.db import get_db
from web.downloads import PDF, send_case_file, send_written
from web.errors import answer

bp = Blueprint("api", __name__, url_prefix="/api")
ID = "int(max=9223372036854775807)"        # SQLite's largest integer: a larger id is a 404

CLIENT_FILES = (".xlsx", ".xlsm", ".csv", ".tsv")
ROW_STATUSES = ("screened", "not screened")
MAX_PER_PAGE = 500


# --- parameters -----------------------------------------------------------------------------------------------

def _number(source, name: str, kind, default, low, high):
    raw = source.get(name)
    if raw is None or str(raw).strip() == "":
        return default
    try:
        value = kind(str(raw).strip())
    except ValueError:
        abort(400, description=f"{name} must be a {'number' if kind is float else 'whole number'} from {low:g} to "
                               f"{high:g} (got {str(raw)[:50]!r})")
    if value != value or not low <= value <= high:
        abort(400, description=f"{name} must be from {low:g} to {high:g} (got {str(raw)[:50]!r})")
    return value


def _choice(name: str, allowed) -> str | None:
    value = request.args.get(name) or None
    if value is not None and value not in allowed:
        abort(400, description=f"{name} must be one of: {', '.join(allowed)} (got {value!r})")
    return value


def _paging(default_per_page: int = 50) -> tuple[int, int]:
    return (_number(request.args, "page", int, 1, 1, 10 ** 9),
            _number(request.args, "per_page", int, default_per_page, 1, MAX_PER_PAGE))


def _paged(total: int, page: int, per_page: int, **items) -> dict:
    return {"total": total, "page": page, "per_page": per_page, "pages": max(1, math.ceil(total / per_page)), **items}


# --- screening runs and jobs ----------------------------------------------------------------------------------

@bp.post("/runs")
@require("screen")
def start_run():
    db = get_db()
    form = request.form
    threshold = _number(form, "threshold", float, policy.value(db, "threshold"), 0.0, 1.0)
    hit_limit = _number(form, "hit_limit", int, policy.value(db, "hit_limit"), 1, 100)
    sheet = form.get("sheet", "").strip() or None
    columns = None
    if form.get("columns", "").strip():
        try:
            columns = json.loads(form["columns"])
        except ValueError as exc:
            return answer(400, f"columns is not valid JSON: {exc}")
        def header(v) -> bool:
            return isinstance(v, str) and bool(v.strip())
        # A header per field; for a field of several columns (country) also a list of headers, all used.
        if not isinstance(columns, dict) or not all(
                isinstance(k, str) and (header(v) or (k in MULTI and isinstance(v, list) and v and all(map(header, v))))
                for k, v in columns.items()):
            return answer(400, 'columns must be a JSON object of field -> header, e.g. {"name": "Customer Name"}; '
                               f'for {", ".join(MULTI)} also a list of headers, e.g. {{"country": ["Nationality", '
                               '"Country of Residence"]}')
        unknown = [k for k in columns if k not in FIELDS]
        if unknown:
            return answer(400, f"unknown field {unknown[0]!r} in columns (fields: {', '.join(FIELDS)})")
    try:
        path, name = uploads.save(request.files.get("file"), CLIENT_FILES)
    except uploads.UploadError as exc:
        return answer(400, f"{exc} (send the client list as the multipart field 'file')")
    try:
        prepared = screen.prepare(path, sheet, columns, display_name=name)
    except BaseException:                  # a ClientFileError is a 400 with the file's message (web.errors)
        os.remove(path)                    # nothing is queued, so nothing keeps the upload
        raise
    job_id, _ = screen.enqueue_run(db, prepared, file_name=name, actor=g.user["name"], columns=columns,
                               threshold=threshold, hit_limit=hit_limit)
    job_url = url_for("api.job", job_id=job_id)
    response = jsonify({"job_id": job_id, "job_url": job_url, "file_name": name, "sheet": prepared.sheet,
                        "mapping": prepared.mapping_dict(), "explain": prepared.mapping.explain,
                        "rows": len(prepared.clients), "row_problems": prepared.problems[:100],
                        "row_notes": prepared.notes[:100], "threshold": threshold, "hit_limit": hit_limit})
    response.status_code = 202
    response.headers["Location"] = job_url
    return response


@bp.get(f"/jobs/<{ID}:job_id>")
@require("view")
def job(job_id: int):
    found = jobs.get_job(get_db(), job_id)
    out = {k: found.get(k) for k in ("id", "kind", "status", "stage", "done", "total", "error", "run_id", "actor",
                                     "attempts", "created_at", "started_at", "finished_at")}
    # The payload holds server paths: never sent. An import's result says what happened to each article.
    out["result"] = found.get("result") if found["kind"] == "import" else None
    out["run_url"] = url_for("api.run", run_id=found["run_id"]) if found.get("run_id") else None
    if found["kind"] == screen.CASE_FILE_KIND:
        out["run_id"] = (found.get("payload") or {}).get("run_id")
        out["run_url"] = url_for("api.run", run_id=out["run_id"]) if out["run_id"] else None
        out["file_url"] = url_for("api.job_case_file", job_id=job_id) if found["status"] == jobs.DONE else None
    return jsonify(out)


@bp.get(f"/jobs/<{ID}:job_id>/case-file.pdf")
@require("view")
def job_case_file(job_id: int):
    return send_case_file(jobs.get_job(get_db(), job_id))


@bp.get("/runs")
@require("view")
def run_list():
    page, per_page = _paging()
    found, total = runs.page_runs(get_db(), page, per_page)
    return jsonify(_paged(total, page, per_page, runs=found))


@bp.get(f"/runs/<{ID}:run_id>")
@require("view")
def run(run_id: int):
    return jsonify(runs.get_run(get_db(), run_id))


@bp.get(f"/runs/<{ID}:run_id>/report.pdf")
@require("view")
def run_pdf(run_id: int):
    db = get_db()
    found = runs.get_run(db, run_id)
    if screen.case_file_in_background(found):
        # Written in the request it would outlast the server's timeout: the queue writes it, with its progress.
        return answer(409, f"run {run_id} has {found['hits']} hits: its case file is written in the background; "
                           f"POST {url_for('api.run_pdf_job', run_id=run_id)} and follow the job",
                      job_create_url=url_for("api.run_pdf_job", run_id=run_id))
    return send_written(lambda path: screen.write_run_pdf(db, run_id, path, actor=g.user["name"]),
                        f"screening-run-{run_id}.pdf", PDF)


@bp.post(f"/runs/<{ID}:run_id>/report.pdf/job")
@require("view")
def run_pdf_job(run_id: int):
    """Queue the run's PDF case file: 202 with the job to follow (``file_url`` once written)."""
    job_id = screen.enqueue_case_file(get_db(), run_id, current_app.config["UPLOAD_DIR"], g.user["name"])
    job_url = url_for("api.job", job_id=job_id)
    response = jsonify({"job_id": job_id, "job_url": job_url})
    response.status_code = 202
    response.headers["Location"] = job_url
    return response


@bp.get(f"/runs/<{ID}:run_id>/hits")
@require("view")
def run_hits(run_id: int):
    db = get_db()
    runs.get_run(db, run_id)
    min_score = _number(request.args, "min_score", float, None, 0.0, 1.0)
    sort = _choice("sort", tuple(runs.HIT_SORTS)) or "priority"
    page, per_page = _paging()
    # Every filter value is checked: an unknown class, status, risk category, source or type is a 400 that says
    # what the filter takes (runs.HitFilterError, web.errors).
    filters = runs.check_hit_filters(db, **{key: request.args.get(name, "").strip()
                                            for key, name in runs.FILTER_NAMES.items()})
    hits, total = runs.query_hits(db, run_id, min_score=min_score, **filters, sort=sort, page=page,
                                  per_page=per_page)
    return jsonify(_paged(total, page, per_page, hits=hits))


@bp.get(f"/runs/<{ID}:run_id>/rows")
@require("view")
def run_rows(run_id: int):
    runs.get_run(get_db(), run_id)
    status = _choice("status", ROW_STATUSES)
    page, per_page = _paging()
    rows, total = runs.page_rows(get_db(), run_id, status=status, page=page, per_page=per_page)
    return jsonify(_paged(total, page, per_page, rows=rows))


@bp.get(f"/hits/<{ID}:hit_id>")
@require("view")
def hit(hit_id: int):
    return jsonify(runs.get_hit(get_db(), hit_id))


@bp.get(f"/hits/<{ID}:hit_id>/report.pdf")
@require("view")
def hit_pdf(hit_id: int):
    db = get_db()
    runs.get_hit(db, hit_id)
    return send_written(lambda path: screen.write_hit_pdf(db, hit_id, path, actor=g.user["name"]),
                        f"screening-hit-{hit_id}.pdf", PDF)


@bp.post(f"/hits/<{ID}:hit_id>/decisions")
@require("decide")
def decide(hit_id: int):
    db = get_db()
    runs.get_hit(db, hit_id)
    body = request.get_json(silent=True)
    allowed = {d: list(r) for d, r in runs.DECISION_REASONS.items()}
    if not isinstance(body, dict):
        return answer(400, 'send a JSON object: {"decision": ..., "reason": ..., "comment": ...} with the header '
                           'Content-Type: application/json', allowed_reasons=allowed)
    fields = {k: body.get(k) if body.get(k) is not None else "" for k in ("decision", "reason", "comment")}
    if not all(isinstance(v, str) for v in fields.values()):
        return answer(400, "decision, reason and comment must be strings", allowed_reasons=allowed)
    try:
        decision_id = runs.add_decision(db, hit_id, fields["decision"], fields["reason"], actor=g.user["name"],
                                        comment=fields["comment"].strip())
    except runs.DecisionError as exc:        # the message, and what may be chosen
        return answer(400, str(exc), allowed_reasons=allowed)
    recorded = next(d for d in runs.get_hit(db, hit_id)["history"] if d["id"] == decision_id)
    response = jsonify({**recorded, "hit_id": hit_id})
    response.status_code = 201
    response.headers["Location"] = url_for("api.hit", hit_id=hit_id)
    return response


# --- the watchlist --------------------------------------------------------------------------------------------

@bp.get("/watchlist")
@require("view")
def watchlist():
    return jsonify(store.stats(get_db()))


@bp.get("/watchlist/search")
@require("view")
def watchlist_search():
    q = request.args.get("q", "")
    if not q.strip():
        abort(400, description="give the name to search as q")
    limit = _number(request.args, "limit", int, 20, 1, 100)
    threshold = _number(request.args, "threshold", float, None, 0.0, 1.0)
    return jsonify(search.search(get_db(), q.strip(), request.args.get("type", ""), request.args.getlist("country"),
                                 threshold=threshold, limit=limit))


@bp.get(f"/watchlist/entities/<{ID}:entity_id>")
@require("view")
def watchlist_entity(entity_id: int):
    found = store.entity_by_id(get_db(), entity_id)
    if found is None:
        abort(404, description=f"There is no entity {entity_id} in the watchlist.")
    return jsonify(found)
