"""Pages of the watchlist: overview, search, entities and their profiles, articles, adding articles.

Views read through ``watchlists.store`` and search with ``screening.search.search`` (the screening engine), so a
name searched here scores exactly as it would in a screening run.
"""
from __future__ import annotations

import math
import os

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
from werkzeug.routing import BuildError

from screening.engine.model import ENTITY_TYPES
from screening.service import matching, policy, search
from screening.store import jobs
from screening.store import watchlist as store
from watchlists.risk import TAXONOMY
from watchlists.roles import SOURCE, SUBJECT
from web import uploads
from web.auth import require
from web.db import get_db
from web.runs import retry

bp = Blueprint("watchlist", __name__, url_prefix="/watchlist")
ID = "int(max=9223372036854775807)"        # SQLite's largest integer: a larger id is a 404

ARTICLE_FILES = (".txt", ".html", ".htm", ".json", ".jsonl")
MAX_FILES = 50
PER_PAGE = 50
MAX_PAGE = 10 ** 9
ROLES = (SUBJECT, SOURCE)


# --- helpers shared with the API and the templates ------------------------------------------------------------

def job_url(job_id: int) -> str:
    """The page of a job (``runs.job``), also before that page exists in this version of the app."""
    try:
        return url_for("runs.job", job_id=job_id)
    except BuildError:
        return f"/jobs/{job_id}"


def http_url(url: str | None) -> str | None:
    """The URL if it is an http(s) link, else None: other schemes (javascript:, data:) never become links."""
    url = (url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else None


def risk_label(category: str) -> str:
    """The taxonomy's label of a risk category ("bribery_corruption" -> "Bribery and corruption")."""
    return TAXONOMY[category][0] if category in TAXONOMY else category


bp.add_app_template_global(risk_label, "risk_label")  # the hit and run pages name categories too


def _page_url(page: int) -> str:
    """This page's address with another page number (filters kept)."""
    return url_for(request.endpoint, **{**(request.view_args or {}), **request.args.to_dict(), "page": page})


def _render(template: str, status: int = 200, **context):
    return render_template(template, job_url=job_url, http_url=http_url,
                           page_url=_page_url, **context), status


def _page_arg() -> int:
    page = request.args.get("page", "1")
    if not page.isdigit() or not 1 <= int(page) <= MAX_PAGE:
        abort(400, description=f"page must be a whole number from 1 to {MAX_PAGE} (got {page[:20]!r})")
    return int(page)


def _pages(total: int, page: int) -> dict:
    last = max(1, math.ceil(total / PER_PAGE))
    return {"page": page, "last": last, "total": total, "per_page": PER_PAGE,
            "first_item": (page - 1) * PER_PAGE + 1 if total else 0, "last_item": min(total, page * PER_PAGE)}


# --- pages ----------------------------------------------------------------------------------------------------

@bp.get("/")
@require("view")
def overview():
    db = get_db()
    return _render("watchlist/overview.html", stats=store.stats(db), versions=store.versions(db)[:20],
                   lists=store.list_sources(db), articles=store.articles(db, limit=10),
                   imports=jobs.list_jobs(db, limit=5, kind="import"), types=ENTITY_TYPES)


@bp.get("/search")
@require("view")
def search_page():

    db = get_db()
    q = request.args.get("q", "").strip()
    form = {"q": q, "type": request.args.get("type", ""), "country": request.args.get("country", ""),
            "threshold": request.args.get("threshold", "")}
    context = {"form": form, "types": ENTITY_TYPES, "result": None, "error": None,
               "default_threshold": policy.value(db, "threshold")}
    if not q:
        return _render("watchlist/search.html", **context)
    try:
        threshold = policy.check("threshold", form["threshold"]) if form["threshold"].strip() else None
        context["result"] = search.search(db, q, form["type"], [form["country"]], threshold)
    except (search.SearchError, policy.PolicyError, matching.EmptyWatchlist) as exc:
        context["error"] = str(exc)
        return _render("watchlist/search.html", 400 if not isinstance(exc, matching.EmptyWatchlist) else 200, **context)
    return _render("watchlist/search.html", **context)


@bp.get("/entities")
@require("view")
def entities():
    db = get_db()
    etype, role = request.args.get("type", ""), request.args.get("role", "")
    raw_min = request.args.get("min_relevance", "").strip()
    errors = []
    if etype and etype not in ENTITY_TYPES:
        errors.append(f"unknown type {etype!r} (one of: {', '.join(ENTITY_TYPES)})")
        etype = ""
    if role and role not in ROLES:
        errors.append(f"unknown role {role!r} (one of: {', '.join(ROLES)})")
        role = ""
    min_relevance = 0.0
    if raw_min:
        try:
            min_relevance = float(raw_min.replace(",", "."))
            if not 0.0 <= min_relevance <= 1.0:
                raise ValueError
        except ValueError:
            errors.append(f"minimum relevance must be a number from 0 to 1 (got {raw_min!r})")
            min_relevance = 0.0
    page = _page_arg()
    total = store.count_entities(db, etype or None, min_relevance, role or None)
    rows = store.list_entities(db, etype or None, min_relevance, role or None, limit=PER_PAGE,
                               offset=(page - 1) * PER_PAGE)
    filters = {"type": etype, "role": role, "min_relevance": raw_min if not errors else ""}
    return _render("watchlist/entities.html", 400 if errors else 200, entities=rows, errors=errors,
                   filters=filters, pages=_pages(total, page), types=ENTITY_TYPES, roles=ROLES)


@bp.get(f"/entities/<{ID}:entity_id>")
@require("view")
def entity(entity_id: int):
    found = store.entity_by_id(get_db(), entity_id)
    if found is None:
        abort(404, description=f"There is no entity {entity_id} in the watchlist.")
    return _render("watchlist/entity.html", entity=found)


@bp.get("/articles")
@require("view")
def articles():
    db = get_db()
    page = _page_arg()
    total = store.stats(db)["articles"]
    rows = store.articles(db, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    return _render("watchlist/articles.html", articles=rows, pages=_pages(total, page))


@bp.get(f"/articles/<{ID}:article_id>")
@require("view")
def article(article_id: int):
    db = get_db()
    found = store.get_article(db, article_id)
    if found is None:
        abort(404, description=f"There is no article {article_id} in the watchlist.")
    paragraphs = [p for p in (found.get("text") or "").split("\n\n") if p.strip()]
    return _render("watchlist/article.html", article=found, paragraphs=paragraphs,
                   entities=store.article_entities(db, article_id), copies=store.article_copies(db, article_id),
                   original=store.get_article(db, found["duplicate_of"]) if found.get("duplicate_of") else None)


@bp.get(f"/imports/<{ID}:job_id>")
@require("view")
def import_result(job_id: int):
    job = jobs.get_job(get_db(), job_id)
    if job["kind"] != "import":
        abort(404, description=f"There is no article import {job_id}.")
    files = list((job["payload"].get("names") or {}).values())     # never the stored paths
    return _render("watchlist/import.html", job=job, files=files, source=job["payload"].get("source"))


@bp.post(f"/imports/<{ID}:job_id>/retry")
@require("watchlist")
def import_retry(job_id: int):
    return retry(job_id, ("import",))


@bp.route("/add", methods=["GET", "POST"])
@require("watchlist")
def add():
    db = get_db()
    if request.method == "GET":
        return _render("watchlist/add.html", source="", imports=jobs.list_jobs(db, limit=10, kind="import"),
                       accepted=ARTICLE_FILES, max_files=MAX_FILES)
    source = " ".join(request.form.get("source", "").split())[:200]
    files = [f for f in request.files.getlist("files") if f and f.filename]
    saved: list[tuple[str, str]] = []
    try:
        if not files:
            raise uploads.UploadError("choose one or more article files to upload")
        if len(files) > MAX_FILES:
            raise uploads.UploadError(f"{len(files)} files chosen: upload at most {MAX_FILES} at a time")
        for f in files:
            saved.append(uploads.save(f, ARTICLE_FILES))
    except uploads.UploadError as exc:
        for path, _name in saved:
            os.remove(path)
        flash(f"Nothing was uploaded: {exc}.", "error")
        return _render("watchlist/add.html", 400, source=source, imports=jobs.list_jobs(db, limit=10, kind="import"),
                       accepted=ARTICLE_FILES, max_files=MAX_FILES)
    job_id = jobs.enqueue(db, "import", {"paths": [p for p, _ in saved], "names": dict(saved),
                                         "source": source or None, "count": len(saved), "uploaded": True},
                          actor=g.user["name"])
    flash(f"{len(saved)} file{'s' if len(saved) != 1 else ''} queued for import (job {job_id}).", "info")
    return redirect(job_url(job_id))
