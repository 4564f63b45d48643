"""The background worker: claims jobs from the queue (``screening.store.jobs``) and runs each with its handler.

A registry maps a job kind to its handler: ``screen`` (a client file), ``import`` (articles), ``monitor`` (a
re-screen of the monitored clients), ``case file`` (a large run's PDF case file). The worker beats a heartbeat from a thread of its own while a handler runs,
recovers jobs whose worker stopped, and sweeps old uploads. ``screening worker`` runs it; ``screening serve``
starts it beside the web app.
"""
from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from typing import Callable

import sqlite_utils

from screening.service import ingest, monitor, policy, screen
from screening.store import jobs
from screening.store import watchlist as store
from screening.store.db import connect
from watchlists.errors import ArticleError
from watchlists.sources import read_all

log = logging.getLogger(__name__)
HEARTBEAT_S = jobs.HEARTBEAT_S

Handler = Callable[[sqlite_utils.Database, dict, Callable[..., None]], dict]


def _screen_job(db: sqlite_utils.Database, job: dict, progress: Callable[..., None]) -> dict:
    run_id = screen.run_job(db, screen.ScreenJob.from_payload(job["payload"]), actor=job["actor"] or "",
                            job_id=job["id"], progress=progress)
    return {"run_id": run_id}


def _import_job(db: sqlite_utils.Database, job: dict, progress: Callable[..., None]) -> dict:
    """Add uploaded articles to the watchlist; outcomes (and stored articles) carry the files' original names.

    Payload: ``paths``, ``names`` (stored path -> the name the user knows), ``source``, ``count`` and
    ``uploaded`` (the files are this job's own copies: removed once the import has run, kept for a retry if not).
    """
    p = job["payload"]
    names = p.get("names") or {}

    def shown(where: str) -> str:
        # "…/3f9c….jsonl line 3" -> "clients.jsonl line 3"
        for path, name in names.items():
            if where == path or where.startswith(path + " "):
                return name + where[len(path):]
        return where

    def raws():
        for item in read_all(p["paths"], source=p.get("source") or None):
            if isinstance(item, ArticleError):
                yield ArticleError(shown(item.where), item.problem)
            else:
                item.where = shown(item.where)
                yield item

    outcomes = []

    def seen(o) -> None:
        outcomes.append({"where": o.where, "status": o.status, "title": o.title, "message": o.message,
                         "article_id": o.article_id})
        progress(done=len(outcomes), stage="reading articles")
    progress(stage="loading the language model", total=p.get("count"))
    listed = ", ".join(names.get(path, os.path.basename(path)) for path in p["paths"])
    ingest.ingest(db, p["paths"], raws=raws(), actor=job["actor"], progress=seen,
                  description=(f"upload by {job['actor'] or 'unknown'}: {listed}")[:500],
                  cluster=policy.value(db, "dask_scheduler") or None)
    if p.get("uploaded"):
        for path in p["paths"]:
            try:
                os.remove(path)
            except OSError:
                pass
    counts = {s: sum(1 for o in outcomes if o["status"] == s) for s in ("added", "duplicate", "linked", "failed")}
    return {"outcomes": outcomes, "counts": counts, "version": store.current_version(db),
            "monitor_job": _monitor_after(db, job)}


def _monitor_after(db: sqlite_utils.Database, job: dict) -> int | None:
    """Queue a re-screen of the monitored clients if the watchlist moved past any of them; return its job id."""
    return monitor.enqueue_if_behind(db, job["actor"] or "")


def _monitor_job(db: sqlite_utils.Database, job: dict, progress: Callable[..., None]) -> dict:
    """Re-screen the monitored clients against what the watchlist gained since each was screened."""
    progress(stage="re-screening monitored clients")
    summary = monitor.rescreen(db, job["actor"] or "", full=bool(job["payload"].get("full")), job_id=job["id"],
                               progress=lambda done, total: progress(done=done, total=total, stage="re-screening"))
    ids = summary.pop("entities")
    return {**summary, "entity_count": len(ids), "entities": ids[:1000]}


HANDLERS: dict[str, Handler] = {screen.JOB_KIND: _screen_job, "import": _import_job, monitor.JOB_KIND: _monitor_job,
                                screen.CASE_FILE_KIND: screen.run_case_file_job}


def run_one(db: sqlite_utils.Database, worker: str, handlers: dict[str, Handler] | None = None) -> dict | None:
    """Claim and run one job (if any is queued); return it as it ended."""
    handlers = handlers or HANDLERS
    job = jobs.claim(db, worker)
    if job is None:
        return None
    last = [0.0]

    def progress(done: int | None = None, total: int | None = None, stage: str | None = None) -> None:
        t = time.monotonic()
        if stage is not None or t - last[0] >= HEARTBEAT_S / 2:
            last[0] = t
            jobs.beat(db, job["id"], done, total, stage)

    stop = threading.Event()
    pulse = threading.Thread(target=_pulse, args=(db, job["id"], stop), daemon=True)
    pulse.start()
    try:
        handler = handlers.get(job["kind"])
        if handler is None:
            raise jobs.JobError(f"unknown job kind {job['kind']!r}")
        result = handler(db, job, progress)
    except Exception as exc:
        stop.set()
        pulse.join()
        message = str(exc.args[0]) if getattr(exc, "args", None) else type(exc).__name__
        log.warning("job %s failed: %s", job["id"], message)
        jobs.fail(db, job["id"], message)
    else:
        stop.set()
        pulse.join()
        jobs.finish(db, job["id"], result)
    return jobs.get_job(db, job["id"])


def _pulse(db: sqlite_utils.Database, job_id: int, stop: threading.Event) -> None:
    """Beat the heartbeat from a thread of its own (its own connection), even while the job computes."""
    path = db.execute("PRAGMA database_list").fetchone()[2]
    if not path:
        return
    own = connect(path, migrate_schema=False)
    try:
        while not stop.wait(HEARTBEAT_S):
            jobs.beat(own, job_id)
    finally:
        own.close()


UPLOAD_MAX_AGE_S = 24 * 3600


def sweep_uploads(db: sqlite_utils.Database, folder: str, max_age_s: float = UPLOAD_MAX_AGE_S) -> list[str]:
    """Delete uploads older than ``max_age_s`` that no queued, running or failed job needs (previews never
    started, files of jobs long done); return the names deleted."""
    if not os.path.isdir(folder):
        return []
    needed = jobs.needed_uploads(db)
    cutoff = time.time() - max_age_s
    gone = []
    for entry in os.scandir(folder):
        if entry.is_file() and entry.name not in needed and entry.stat().st_mtime < cutoff:
            with contextlib.suppress(OSError):
                os.remove(entry.path)
                gone.append(entry.name)
    return gone


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def work(db_path: str, stop: threading.Event | None = None, poll: float = 0.5,
         stale_after: float | None = None) -> None:
    """Run jobs until ``stop`` is set: recover stale jobs, claim, run, repeat. ``stale_after`` (seconds) and the
    upload folder come from the policy (``SCREENING_JOB_STALE_S``, ``SCREENING_UPLOAD_DIR``)."""
    stop = stop or threading.Event()
    db = connect(db_path)
    resolved = policy.resolve(db, db_path=db_path, job_stale_s=stale_after)
    stale_after = resolved.job_stale_s
    name = worker_name()
    log.info("worker %s on %s", name, db_path)
    next_recovery = next_sweep = 0.0
    try:
        while not stop.is_set():
            if time.monotonic() >= next_recovery:
                for job_id in jobs.recover(db, stale_after):
                    log.warning("job %s: its worker stopped; queued again or failed", job_id)
                next_recovery = time.monotonic() + stale_after / 2
            if time.monotonic() >= next_sweep:
                gone = sweep_uploads(db, resolved.upload_dir)
                if gone:
                    log.info("deleted %d uploads older than a day that no job needs", len(gone))
                next_sweep = time.monotonic() + 3600
            if run_one(db, name) is None:
                stop.wait(poll)
    finally:
        db.close()
