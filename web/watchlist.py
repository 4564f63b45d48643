"""Pages of the watchlist: overview, search, entities and their profiles, articles, adding articles.

Views read through ``watchlists.store`` and search through the screening engine (``screening.screen.matcher_for``),
so a name searched here scores exactly as it would in a screening run. ``search`` is shared with the JSON API.
"""
from __future__ import annotations

import math
import os

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from werkzeug.routing import BuildError

from screening import accounts, jobs
from screening.attributes import country_code
from screening.engine import algorithm_id
from screening.model import ENTITY_TYPES, Query, Skipped, entity_type
from watchlists import store
from watchlists.risk import TAXONOMY
from watchlists.roles import SOURCE, SUBJECT

from . import get_db, uploads
from .auth import require

bp = Blueprint("watchlist", __name__, url_prefix="/watchlist")
ID = "int(max=9223372036854775807)"        # SQLite's largest integer: a larger id is a 404

ARTICLE_FILES = (".txt", ".html", ".htm", ".json", ".jsonl")
MAX_FILES = 50
PER_PAGE = 50
SEARCH_LIMIT = 20
MAX_NAME = 500            # characters of a searched name
MAX_PAGE = 10 ** 9
ROLES = (SUBJECT, SOURCE)


class SearchError(ValueError):
    """A search parameter that cannot be used, with the reason in words."""


# --- helpers shared with the API and the templates ------------------------------------------------------------

def search(db, q: str, etype: str = "", countries: list[str] | tuple[str, ...] = (), threshold: float | None = None,
           limit: int = SEARCH_LIMIT) -> dict:
    """Screen one name against the watchlist with the screening engine, as a screening run would.

    Return the query as screened, the threshold, algorithm, watchlist version and size, and either ``results``
    (best first, each with its reasons and evidence) or ``skipped`` (why the name cannot be screened). Raise
    ``SearchError`` for an unknown type or country, ``screening.screen.EmptyWatchlist`` for an empty watchlist.
    """
    from screening import screen

    if len(q) > MAX_NAME:
        raise SearchError(f"the name is {len(q)} characters long: search at most {MAX_NAME}")
    try:
        qtype = entity_type(etype)
    except ValueError as exc:
        raise SearchError(str(exc)) from None
    codes = []
    for c in countries:
        if not (c or "").strip():
            continue
        code = country_code(c)
        if code is None:
            raise SearchError(f"unknown country {c.strip()!r} (use an ISO alpha-2 code or an English country name)")
        codes.append(code)
    threshold = accounts.setting(db, "threshold") if threshold is None else threshold
    query = Query(name=q, type=qtype, countries=tuple(dict.fromkeys(codes)))
    matcher, version, size = screen.matcher_for(db)
    out = {"query": {"name": q, "type": qtype, "countries": list(query.countries)}, "threshold": threshold,
           "algorithm": algorithm_id(), "watchlist_version": version, "watchlist_entities": size}
    found = matcher.screen(query, threshold=threshold, limit=limit)
    if isinstance(found, Skipped):
        return {**out, "skipped": found.reason, "results": []}
    results = []
    for m in found:
        entity = store.entity_by_id(db, int(m.record_id))
        if entity is None:                     # removed since the matcher was built
            continue
        ev = store.evidence(entity, max_excerpts=2)
        listed = entity.get("origin") == "list"
        results.append({
            "entity_id": ev["entity_id"], "entity_name": ev["entity_name"], "matched_name": m.matched_name,
            "score": round(m.score, 4), "name_score": round(m.name_score, 4), "type": ev["entity_type"],
            "source": ev["source"], "role": entity.get("role"), "relevance": ev["relevance"],
            "risk_categories": ev["risk_categories"], "countries": ev["countries"],
            "reasons": [{"feature": r.feature, "outcome": r.outcome, "text": r.text} for r in m.reasons],
            "excerpts": ev["excerpts"],
            "list": {"list_name": ev["source"], "list_id": ev["list_id"], "programs": ev["programs"],
                     "remarks": ev["remarks"]} if listed else None})
    return {**out, "skipped": None, "results": results}


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
    return TAXONOMY[category][0] if category in TAXONOMY else category


def _page_url(page: int) -> str:
    """This page's address with another page number (filters kept)."""
    return url_for(request.endpoint, **{**(request.view_args or {}), **request.args.to_dict(), "page": page})


def _render(template: str, status: int = 200, **context):
    return render_template(template, job_url=job_url, http_url=http_url, risk_label=risk_label,
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
    from screening.screen import EmptyWatchlist

    db = get_db()
    q = request.args.get("q", "").strip()
    form = {"q": q, "type": request.args.get("type", ""), "country": request.args.get("country", ""),
            "threshold": request.args.get("threshold", "")}
    context = {"form": form, "types": ENTITY_TYPES, "result": None, "error": None,
               "default_threshold": accounts.setting(db, "threshold")}
    if not q:
        return _render("watchlist/search.html", **context)
    try:
        threshold = accounts.check_setting("threshold", form["threshold"]) if form["threshold"].strip() else None
        context["result"] = search(db, q, form["type"], [form["country"]], threshold)
    except (SearchError, accounts.AccountError, EmptyWatchlist) as exc:
        context["error"] = str(exc)
        return _render("watchlist/search.html", 400 if not isinstance(exc, EmptyWatchlist) else 200, **context)
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
    try:
        job = jobs.get_job(get_db(), job_id)
    except jobs.JobError:
        job = None
    if job is None or job["kind"] != "import":
        abort(404, description=f"There is no article import {job_id}.")
    files = list((job["payload"].get("names") or {}).values())     # never the stored paths
    return _render("watchlist/import.html", job=job, files=files, source=job["payload"].get("source"))


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
