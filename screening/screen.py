"""Batch screening of a client file, end to end: read and map it, screen every row, store the run, export it.

This module joins the edges: the client file reader (``clientfile``), the engine (``batch`` over a ``Matcher``),
the watchlist (``watchlists.store``) and run storage (``runs``). The CLI and the web app call ``prepare`` (read the
file and show the mapping), then ``screen``; both take the database as an argument.

A file that cannot be read or mapped raises ``ClientFileError`` before anything is stored. Once a run is created,
results are stored in batches; if screening stops (an error, Ctrl-C) the run is marked failed with the reason and
is never reported as complete.
"""
from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TextIO

import sqlite_utils

from . import cases, runs
from .batch import DEFAULT_HIT_LIMIT, SCREENED, RowResult, screen_rows
from .clientfile import ClientFileError, ClientRow, Mapping, client_rows, detect_mapping, read_rows
from .engine import DEFAULT_THRESHOLD, algorithm_id
from .index import Matcher

BATCH_ROWS = 500            # rows stored per transaction


class EmptyWatchlist(LookupError):
    """Screening needs at least one entity in the watchlist."""


class RunFailed(RuntimeError):
    """Screening stopped part-way; the run is stored as failed with this reason."""

    def __init__(self, run_id: int, reason: str):
        super().__init__(f"run {run_id} failed and is marked so (not complete): {reason}")
        self.run_id = run_id


@dataclass
class Prepared:
    """A client file read and mapped, ready to screen: what the user confirms before a run starts."""

    path: Path
    sheet: str | None
    mapping: Mapping
    clients: list[ClientRow]
    sha256: str
    size: int

    @property
    def problems(self) -> list[str]:
        """Every row problem as "row N: problem" lines (these rows will be reported as not screened)."""
        return [f"row {c.row}: {p}" for c in self.clients for p in c.problems]

    @property
    def notes(self) -> list[str]:
        """Every row note as "row N: note" lines (these rows are screened; the note says what was left out)."""
        return [f"row {c.row}: {n}" for c in self.clients for n in c.notes]

    def mapping_dict(self) -> dict:
        return self.mapping.to_dict()


def _digest(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def prepare(path: str | Path, sheet: str | None = None, columns: dict[str, str] | None = None,
            display_name: str | None = None) -> Prepared:
    """Read a client file whole, find its header and columns, and validate every row; store nothing.

    Raise ``ClientFileError`` (file, row and problem in the message) for a file that cannot be screened at all.
    ``display_name`` names the file in messages when ``path`` is a temporary copy (an upload).
    """
    path = Path(path)
    name = display_name or path.name
    info: dict = {}
    try:
        rows = list(read_rows(path, sheet, info))
    except ClientFileError as exc:
        raise ClientFileError(str(exc).replace(path.name, name, 1) if display_name else str(exc)) from None
    except OSError as exc:
        raise ClientFileError(f"{name}: cannot read: {exc.strerror or exc}") from None
    where = f"{name}" + (f", sheet {info['sheet']!r}" if info.get("sheet") else "")
    if not rows:
        raise ClientFileError(f"{where}: empty: no rows to screen")
    mapping = detect_mapping(rows, columns, where)
    clients = list(client_rows(rows, mapping))
    if not clients:
        raise ClientFileError(f"{where}: only a header row (row {mapping.header_row}), no clients below it")
    digest, size = _digest(path)
    return Prepared(path, info.get("sheet"), mapping, clients, digest, size)


# --- the watchlist's matcher, one per database and version ---------------------------------------------------

_MATCHERS: dict[tuple[str, int], tuple[Matcher, int]] = {}
_LOCK = threading.Lock()


def _db_key(db: sqlite_utils.Database) -> str:
    row = db.execute("PRAGMA database_list").fetchone()
    return row[2] or f"memory:{id(db)}"


def matcher_for(db: sqlite_utils.Database) -> tuple[Matcher, int, int]:
    """Return the matcher of the database's current watchlist version under the current screening policy (built
    once per version and policy), the version, and its number of entities. Raise ``EmptyWatchlist`` when there is
    nothing to screen against. The policy is the setting ``news_min_relevance`` (``news_min_relevance(db)``)."""
    from watchlists import store

    version = store.current_version(db)
    min_relevance = news_min_relevance(db)
    key = (_db_key(db), version, min_relevance)
    with _LOCK:
        if key not in _MATCHERS:
            records = store.match_records(db, min_relevance)
            if not records:
                raise EmptyWatchlist("the watchlist is empty: add articles (`screening watchlist add PATH` or "
                                     "`--sample`) or import a list (`screening watchlist import FILE --format ...`)"
                                     + (f"; or no news entity reaches the minimum relevance {min_relevance:g} "
                                        f"(setting news_min_relevance)" if min_relevance else ""))
            for old in [k for k in _MATCHERS if k[0] == key[0]]:
                del _MATCHERS[old]          # one version per database in memory
            _MATCHERS[key] = (Matcher(records), len(records))
        matcher, size = _MATCHERS[key]
    return matcher, version, size


def news_min_relevance(db: sqlite_utils.Database) -> float:
    """The screening policy: news entities below this relevance are not screened against (0: all of them)."""
    from . import accounts
    return float(accounts.setting(db, "news_min_relevance"))


# --- searching the watchlist (the web's search page and the API) ----------------------------------------------

SEARCH_LIMIT = 20
SEARCH_EXCERPTS = 2       # excerpts per result, the most adverse first
MAX_NAME = 500            # characters of a searched name


class SearchError(ValueError):
    """A search parameter that cannot be used, with the reason in words."""


def search(db, q: str, etype: str = "", countries: list[str] | tuple[str, ...] = (), threshold: float | None = None,
           limit: int = SEARCH_LIMIT, birth_date: str | None = None) -> dict:
    """Screen one name against the watchlist with the screening engine, as a screening run would.

    Return the query as screened, the threshold, algorithm, watchlist version and size, and either ``results``
    (best first, each with its reasons and evidence) or ``skipped`` (why the name cannot be screened). Raise
    ``SearchError`` for an unknown type, country or birth date, ``screening.screen.EmptyWatchlist`` for an empty
    watchlist (a name that cannot be screened is answered first, watchlist or not). The web's search page, the API
    and ``screening match`` all answer through here.
    """
    from watchlists import store

    from . import accounts
    from .attributes import country_code, iso_date
    from .model import Query, Skipped, entity_type
    from .normalize import problem

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
    birth_date = (birth_date or "").strip() or None
    if birth_date is not None and iso_date(birth_date) is None:
        raise SearchError(f"unreadable date {birth_date!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    threshold = accounts.setting(db, "threshold") if threshold is None else threshold
    query = Query(name=q, type=qtype, countries=tuple(dict.fromkeys(codes)), birth_date=birth_date)
    out = {"query": {"name": q, "type": qtype, "countries": list(query.countries), "birth_date": birth_date},
           "threshold": threshold, "algorithm": algorithm_id(), "watchlist_version": store.current_version(db)}
    why = problem(q)
    if why:
        return {**out, "skipped": why, "results": []}
    matcher, version, size = matcher_for(db)
    out["watchlist_entities"] = size
    found = matcher.screen(query, threshold=threshold, limit=limit)
    if isinstance(found, Skipped):
        return {**out, "skipped": found.reason, "results": []}
    results = []
    for m in found:
        entity = store.entity_by_id(db, int(m.record_id))
        if entity is None:                     # removed since the matcher was built
            continue
        ev = store.evidence(entity, max_excerpts=SEARCH_EXCERPTS)
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


# --- running --------------------------------------------------------------------------------------------------

def _row_dict(result: RowResult) -> dict:
    """The stored row of a result, with the client's identity and fingerprint (what suppressions are keyed to)."""
    c = result.client
    key, fingerprint = cases.client_identity(c.client_id, c.name, c.type, c.countries, c.birth_date,
                                             shared_id=getattr(c, "duplicate_id", False))
    key = getattr(c, "client_key", "") or key          # a monitored client keeps the key it was added with
    return {"row": c.row, "client_id": c.client_id, "name": c.name, "type": c.type, "countries": list(c.countries),
            "birth_date": c.birth_date, "cells": c.cells, "status": result.status, "reason": result.reason,
            "notes": c.notes, "best_score": result.best_score, "client_key": key, "client_fingerprint": fingerprint}


def _hit_dicts(db: sqlite_utils.Database, result: RowResult, evidence_cache: dict) -> list[dict]:
    """The stored hits of a result: the entity's evidence and fingerprint (each entity read once per run)."""
    from watchlists import store

    out = []
    for m in result.matches:
        ev = evidence_cache.get(m.record_id)
        if ev is None:
            entity = store.get_entity(db, m.record_id)
            ev = evidence_cache[m.record_id] = {**store.evidence(entity),
                                                "entity_fingerprint": cases.entity_fingerprint(entity)}
        out.append({**ev, "matched_name": m.matched_name, "score": round(m.score, 4),
                    "name_score": round(m.name_score, 4),
                    "reasons": [{"feature": r.feature, "outcome": r.outcome, "text": r.text} for r in m.reasons]})
    return out


def screen(db: sqlite_utils.Database, prepared: Prepared, *, actor: str, threshold: float | None = None,
           hit_limit: int = DEFAULT_HIT_LIMIT, progress: Callable[[int, int], None] | None = None,
           display_name: str | None = None, job_id: int | None = None) -> int:
    """Screen every row of a prepared file against the current watchlist and store the run; return its id.

    ``progress(done, total)`` is called as rows are screened. On any error or interruption the run is marked
    failed with the reason; an error is raised again as ``RunFailed``, an interruption as itself.
    """
    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    matcher, version, size = matcher_for(db)
    run_id = runs.create_run(
        db, file_name=display_name or prepared.path.name, sha256=prepared.sha256, file_size=prepared.size,
        sheet=prepared.sheet, actor=actor, mapping=prepared.mapping_dict(), threshold=threshold,
        hit_limit=hit_limit, algorithm=algorithm_id(), watchlist_version=version, watchlist_entities=size,
        rows_total=len(prepared.clients), job_id=job_id, news_min_relevance=news_min_relevance(db))
    total = len(prepared.clients)
    tick = (lambda done: progress(done, total)) if progress else None
    store_results(db, run_id, screen_rows(matcher, prepared.clients, threshold, hit_limit, progress=tick))
    return run_id


def store_results(db: sqlite_utils.Database, run_id: int, results, keep=lambda result: True) -> None:
    """Store ``RowResult``s of a run in batches (rows, hits with their evidence) and mark the run completed.

    Each row carries its client's key and fingerprint and each hit its entity's fingerprint; an alert cleared
    earlier with a suppression is stored suppressed while neither side changed, else the suppression is lifted
    and the hit marked changed since cleared (``runs.add_results``, in the batch's transaction).

    ``keep(result)`` chooses the rows stored (a monitoring run stores only clients with new alerts). On any error
    or interruption the run is marked failed with the reason; an error is raised again as ``RunFailed``, an
    interruption as itself. Every path that stores screening results goes through here.
    """
    evidence_cache: dict = {}
    batch: list = []
    try:
        for result in results:
            if not keep(result):
                continue
            hits = _hit_dicts(db, result, evidence_cache) if result.status == SCREENED else []
            batch.append((_row_dict(result), hits))
            if len(batch) >= BATCH_ROWS:
                runs.add_results(db, run_id, batch)
                batch = []
        if batch:
            runs.add_results(db, run_id, batch)
        runs.finish_run(db, run_id)
    except BaseException as exc:
        reason = "interrupted" if isinstance(exc, KeyboardInterrupt) else f"{type(exc).__name__}: {exc}"
        runs.fail_run(db, run_id, reason)
        if isinstance(exc, Exception):
            raise RunFailed(run_id, reason) from exc
        raise


# --- exports --------------------------------------------------------------------------------------------------

def write_json(db: sqlite_utils.Database, run_id: int, out: TextIO) -> None:
    """Write a stored run as JSON: ``{"run": {...}, "rows": [{row, status, ..., "hits": [...]}, ...]}``.

    Streamed row by row, so a run of any size is written in constant memory.
    """
    run = runs.get_run(db, run_id)
    out.write('{"run": ' + json.dumps(run, ensure_ascii=False) + ',\n "rows": [')
    for i, (row, hits) in enumerate(runs.iter_rows_with_hits(db, run_id)):
        row["hits"] = [{k: v for k, v in h.items() if k not in ("row", "client_id", "client_name")} for h in hits]
        out.write(("\n  " if i == 0 else ",\n  ") + json.dumps(row, ensure_ascii=False))
    out.write("\n ]}\n")


def write_report(db: sqlite_utils.Database, run_id: int, path: str | Path, actor: str) -> None:
    """Write the Excel report of a stored run (Summary, Records, Hits, Decisions, Not screened, Audit) to ``path``."""
    from datetime import datetime, timezone

    from . import report

    run = runs.get_run(db, run_id)
    run["report_generated_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    run["report_generated_by"] = actor
    from . import audit

    report.write_report(path, run, runs.iter_rows(db, run_id), runs.iter_hits(db, run_id),
                        runs.iter_decisions(db, run_id), runs.iter_rows(db, run_id, status="not screened"),
                        audit_entries=audit.run_entries(db, run_id))
