"""Batch screening of a client file, end to end: read and map it, screen every row, store the run, export it.

This module joins the edges: the client file reader (``clientfile``), the engine (``batch`` over a ``Matcher``),
the watchlist (``screening.store.watchlist``) and run storage (``runs``); the policy (``policy``) gives the
threshold, hits per row and news policy. The CLI and the web app call ``prepare`` (read the
file and show the mapping), then ``screen``; both take the database as an argument.

A file that cannot be read or mapped raises ``ClientFileError`` before anything is stored. Once a run is created,
results are stored in batches; if screening stops (an error, Ctrl-C) the run is marked failed with the reason and
is never reported as complete.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator, TextIO

import sqlite_utils

from screening.engine.batch import SCREENED, RowResult, screen_distinct
from screening.engine.index import Matcher
from screening.engine.pairs import algorithm_id
from screening.engine.parallel import processes_for, screen_rows_parallel
from screening.engine.results import HitRecord, RowRecord
from screening.files import jsonexport, pdf, report
from screening.files.clientfile import (
    ClientFileError,
    ClientRow,
    Mapping,
    client_rows,
    detect_mapping,
    read_rows,
)
from screening.service import alerts, policy
from screening.service.matching import EmptyWatchlist, IndexBytes, index_bytes, index_of, matcher_for
from screening.store import audit, identity, jobs, runs
from screening.store import watchlist as store

__all__ = ["BATCH_ROWS", "ClientFileError", "EmptyWatchlist", "FileChanged", "Prepared", "RunFailed", "ScreenJob",
           "enqueue_run", "prepare", "run_job", "screen", "store_results", "write_hit_pdf", "write_run_json", "write_run_pdf",
           "write_run_report"]

BATCH_ROWS = 500            # rows stored per transaction


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
        rows = list(read_rows(path, sheet, info, max_rows=policy.value(None, "max_rows")))
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


# --- running --------------------------------------------------------------------------------------------------

def _row_record(result: RowResult, hit_count: int) -> RowRecord:
    """The stored row of a result, with the client's identity and fingerprint (what suppressions are keyed to)."""
    c = result.client
    key, fingerprint = identity.client_identity(c.client_id, c.name, c.countries, c.birth_date,
                                                shared_id=getattr(c, "duplicate_id", False))
    key = getattr(c, "client_key", "") or key          # a monitored client keeps the key it was added with
    return RowRecord(row=c.row, client_id=c.client_id, name=c.name, type=c.type, countries=list(c.countries),
                     birth_date=c.birth_date, cells=c.cells, status=result.status, reason=result.reason,
                     notes=list(c.notes), best_score=result.best_score, client_key=key,
                     client_fingerprint=fingerprint, hit_count=hit_count)


def _hit_records(db: sqlite_utils.Database, result: RowResult, client_key: str,
                 evidence_cache: dict) -> list[HitRecord]:
    """The hits of a result, every match: the entity's evidence and fingerprint (each entity read once per run),
    the hit's class, priority and, for a PEP, the public functions that make it one (``alerts``)."""
    out = []
    for rank, m in enumerate(result.matches, start=1):
        ev = evidence_cache.get(m.record_id)
        if ev is None:
            entity = store.get_entity(db, m.record_id)
            ev = evidence_cache[m.record_id] = (store.evidence(entity), identity.entity_fingerprint(entity))
        evidence, fingerprint = ev
        alert_class = alerts.classify(evidence)
        out.append(HitRecord(
            row=result.client.row, rank=rank, entity_id=evidence["entity_id"], entity_name=evidence["entity_name"],
            entity_type=evidence["entity_type"], source=evidence["source"], list_id=evidence["list_id"],
            programs=evidence["programs"], remarks=evidence["remarks"], matched_name=m.matched_name,
            score=round(m.score, 4), name_score=round(m.name_score, 4),
            reasons=[{"feature": r.feature, "outcome": r.outcome, "text": r.text} for r in m.reasons],
            risk_categories=evidence["risk_categories"], relevance=evidence["relevance"],
            countries=evidence["countries"], excerpts=evidence["excerpts"], client_key=client_key,
            entity_fingerprint=fingerprint, alert_class=alert_class,
            priority=alerts.priority(alert_class, evidence, m.score), functions=alerts.functions(evidence)))
    return out


def _alerting(hits: list[HitRecord], alert_classes: tuple[str, ...] | None,
              hit_limit: int | None) -> tuple[list[HitRecord], int]:
    """The hits that alert (their class is one of ``alert_classes``; None: every class), at most ``hit_limit`` best
    first and ranked again, and how many news entities matched without alerting (the row's "also named in news")."""
    alerts_ = [alert_classes is None or h.alert_class in alert_classes for h in hits]
    keep = [h for h, alerting in zip(hits, alerts_) if alerting]
    quiet = sum(1 for h, alerting in zip(hits, alerts_) if h.source == "news" and not alerting)
    keep = keep[:hit_limit] if hit_limit else keep
    for rank, h in enumerate(keep, start=1):
        h.rank = rank
    return keep, quiet


def screen(db: sqlite_utils.Database, prepared: Prepared, *, actor: str, threshold: float | None = None,
           hit_limit: int | None = None, progress: Callable[[int, int], None] | None = None,
           display_name: str | None = None, job_id: int | None = None, processes: int | None = None,
           cluster: str | None = None) -> int:
    """Screen every row of a prepared file against the current watchlist and store the run; return its id.

    ``threshold`` and ``hit_limit`` are this run's own values; None takes the policy's (``policy.resolve``: the
    Admin setting, else the deployment's default). The run records the values used. ``progress(done, total)`` is
    called as rows are screened. ``processes`` screen at once (None: the policy's ``screening_processes``, 0: every
    core), sharing the matcher; this process alone stores the results. ``cluster`` (a Dask scheduler's address;
    None: the policy's ``dask_scheduler``, empty: none) screens on that cluster's workers instead
    (``screening.service.cluster``). On any error or interruption the run is marked failed with the reason; an
    error is raised again as ``RunFailed``, an interruption as itself.
    """
    resolved = policy.resolve(db, threshold=threshold, hit_limit=hit_limit, screening_processes=processes,
                              dask_scheduler=cluster or None)
    matcher, version, size = matcher_for(db, resolved.news_min_relevance)
    run_id = runs.create_run(
        db, file_name=display_name or prepared.path.name, sha256=prepared.sha256, file_size=prepared.size,
        sheet=prepared.sheet, actor=actor, mapping=prepared.mapping_dict(), threshold=resolved.threshold,
        hit_limit=resolved.hit_limit, algorithm=algorithm_id(), watchlist_version=version, watchlist_entities=size,
        rows_total=len(prepared.clients), job_id=job_id, news_min_relevance=resolved.news_min_relevance,
        alert_classes=resolved.alerting)
    total = len(prepared.clients)
    tick = (lambda done: progress(done, total)) if progress else None
    # Every match is read (no limit in the engine), so that matches of a class that does not alert never crowd out
    # those that do; the hits per row limit applies to the alerts.
    results = screen_batch(resolved, matcher, prepared.clients, tick,
                           lambda: index_bytes(db, resolved.news_min_relevance))
    store_results(db, run_id, results, alert_classes=resolved.alerting, hit_limit=resolved.hit_limit)
    return run_id


def screen_batch(resolved: policy.Policy, matcher: Matcher, clients: list, progress: Callable[[int], None] | None,
                 index: Callable[[], IndexBytes] | None = None) -> Iterator[RowResult]:
    """The results of a batch of rows, in order, with every match at or above the policy's threshold: on the Dask
    cluster of ``resolved.dask_scheduler`` when one is set (``index()`` gives the index to send, by default the
    matcher's own bytes), else on this machine's cores (``screening_processes``). Lazy: the connection, the index
    shipping and any failure happen while the caller reads it (``store_results``, which marks the run failed)."""
    if not resolved.dask_scheduler:
        def run(rows, tick):
            return screen_rows_parallel(matcher, rows, resolved.threshold, None, progress=tick,
                                        processes=processes_for(resolved.screening_processes))
    else:
        def run(rows, tick):
            return _on_cluster(resolved, rows, tick, index or (lambda: index_of(matcher)))
    # A client listed more than once (once per account) is screened once; its other rows get the same matches.
    return screen_distinct(clients, run, progress)


def _on_cluster(resolved: policy.Policy, clients: list, progress: Callable[[int], None] | None,
                index: Callable[[], IndexBytes]) -> Iterator[RowResult]:
    # Imported here, not at the top: Dask is an optional extra, and a run without a cluster never imports it.
    from screening.service import cluster as dask_cluster
    client = dask_cluster.connect(resolved.dask_scheduler)
    try:
        yield from dask_cluster.screen_rows_cluster(client, index(), clients, resolved.threshold, None, progress)
    finally:
        client.close()


def store_results(db: sqlite_utils.Database, run_id: int, results, keep=lambda result, hits: True,
                  alert_classes: tuple[str, ...] | None = None, hit_limit: int | None = None) -> None:
    """Store ``RowResult``s of a run in batches (rows, hits with their evidence) and mark the run completed.

    Each match is classified (``alerts``); only those of ``alert_classes`` (None: every class) are stored as hits,
    at most ``hit_limit`` per row, best first; the news entities that matched without alerting are counted on the
    row (``news_mentions``: "also named in news: N").

    Each row carries its client's key and fingerprint and each hit its entity's fingerprint; an alert cleared
    earlier with a suppression is stored suppressed while neither side changed, else the suppression is lifted
    and the hit marked changed since cleared (``runs.add_results``, in the batch's transaction).

    ``keep(result, hits)`` chooses the rows stored (a monitoring run stores only clients with new alerts, the
    hits that alert given). On any error
    or interruption the run is marked failed with the reason; an error is raised again as ``RunFailed``, an
    interruption as itself. Every path that stores screening results goes through here.
    """
    evidence_cache: dict = {}
    batch: list = []
    try:
        for result in results:
            row = _row_record(result, 0)
            hits, quiet = [], 0
            if result.status == SCREENED:
                hits, quiet = _alerting(_hit_records(db, result, row.client_key, evidence_cache), alert_classes,
                                        hit_limit)
            if not keep(result, hits):
                continue
            row.hit_count, row.news_mentions = len(hits), quiet
            row.best_score = max((h.score for h in hits), default=None)
            batch.append((row, hits))
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


# --- queued runs (the web app and the API enqueue, the worker runs) ----------------------------------------------

JOB_KIND = "screen"


class FileChanged(ClientFileError):
    """The uploaded file is no longer the one previewed (its SHA-256 differs): nothing is screened."""


@dataclass(frozen=True)
class ScreenJob:
    """A screening run waiting in the queue: the file as previewed (and its SHA-256), and the run's own options
    (None: the policy's). The worker reads the file again and checks the checksum, instead of keeping every parsed
    row in the queue: the job runs in another process, possibly much later, and a million-row file would otherwise
    be stored twice."""

    path: str
    file_name: str
    sha256: str | None = None
    sheet: str | None = None
    columns: dict | None = None
    threshold: float | None = None
    hit_limit: int | None = None
    uploaded: bool = True               # the file is the job's own copy: removed once the run is stored

    def payload(self) -> dict:
        return asdict(self)

    @classmethod
    def from_payload(cls, payload: dict) -> "ScreenJob":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in payload.items() if k in known})


def enqueue_run(db: sqlite_utils.Database, prepared: Prepared, *, file_name: str, actor: str,
            columns: dict | None = None, threshold: float | None = None, hit_limit: int | None = None,
            uploaded: bool = True) -> tuple[int, ScreenJob]:
    """Queue a run of a prepared file (the preview the user confirmed); return the job id and the job."""
    job = ScreenJob(path=str(prepared.path), file_name=file_name, sha256=prepared.sha256, sheet=prepared.sheet,
                    columns=columns or None, threshold=threshold, hit_limit=hit_limit, uploaded=uploaded)
    return jobs.enqueue(db, JOB_KIND, job.payload(), actor=actor), job


def run_job(db: sqlite_utils.Database, job: ScreenJob, *, actor: str, job_id: int | None,
            progress: Callable[..., None]) -> int:
    """Run a queued screening job: read the file (checked against the SHA-256 previewed), screen, store; return the
    run's id. The uploaded copy is removed once the run holds every row (a failed job keeps it, for a retry)."""
    progress(stage="reading the file")
    prepared = prepare(job.path, job.sheet, job.columns, display_name=job.file_name)
    if job.sha256 and prepared.sha256 != job.sha256:
        raise FileChanged(f"{job.file_name}: the file changed since it was previewed (SHA-256 "
                          f"{prepared.sha256[:12]}… instead of {job.sha256[:12]}…); upload it again")
    progress(stage="loading the watchlist", total=len(prepared.clients), done=0)
    run_id = screen(db, prepared, actor=actor, threshold=job.threshold, hit_limit=job.hit_limit,
                    display_name=job.file_name, job_id=job_id,
                    progress=lambda done, total: progress(done=done, total=total, stage="screening"))
    if job.uploaded:
        with contextlib.suppress(OSError):
            os.remove(job.path)
    return run_id


# --- exports --------------------------------------------------------------------------------------------------

def write_run_json(db: sqlite_utils.Database, run_id: int, out: TextIO) -> None:
    """Write a stored run as JSON (``jsonexport.write_run``), streamed row by row in constant memory."""
    jsonexport.write_run(out, runs.get_run(db, run_id), runs.iter_rows_with_hits(db, run_id))


def write_run_report(db: sqlite_utils.Database, run_id: int, path: str | Path, actor: str) -> None:
    """Write the Excel report of a stored run (Summary, Records, Hits, Decisions, Not screened, Audit) to ``path``."""
    run = _for_report(db, run_id, actor)
    report.write_report(path, run, runs.iter_rows(db, run_id), runs.iter_hits(db, run_id),
                        runs.iter_decisions(db, run_id), runs.iter_rows(db, run_id, status="not screened"),
                        audit_entries=audit.run_entries(db, run_id))


def _for_report(db: sqlite_utils.Database, run_id: int, actor: str) -> dict:
    """A stored run with the time its report is generated and by whom (printed on every page)."""
    run = runs.get_run(db, run_id)
    run["report_generated_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    run["report_generated_by"] = actor
    return run


def write_run_pdf(db: sqlite_utils.Database, run_id: int, path: str | Path, actor: str,
                  progress: Callable[[int, int], None] | None = None) -> None:
    """Write the PDF case file of a stored run (``pdf.write_run_pdf``) to ``path``, streaming its hits from the
    store; ``progress(hits_done, hits_total)`` as they are laid out."""
    run = _for_report(db, run_id, actor)
    total = run["hits"] or 0
    pdf.write_run_pdf(path, run, runs.iter_hits(db, run_id), runs.iter_decisions(db, run_id),
                      runs.iter_rows(db, run_id, status="not screened"), audit.run_entries(db, run_id),
                      progress=(lambda done: progress(done, total)) if progress else None)


# A run's case file is laid out at about 80 hits a second: up to this many hits it is written while the user waits
# (a few seconds); a larger run's is a job of the queue, with its progress on the job's page and a download link.
CASE_FILE_INLINE_HITS = 500
CASE_FILE_KIND = "case file"


def case_file_in_background(run: dict) -> bool:
    """Whether a run's PDF case file is written by the job queue rather than while the user waits."""
    return (run.get("hits") or 0) > CASE_FILE_INLINE_HITS


def enqueue_case_file(db: sqlite_utils.Database, run_id: int, folder: str | Path, actor: str) -> int:
    """Queue the writing of a run's PDF case file into ``folder`` (the upload folder, swept of old files); return
    the job id. Raise ``runs.RunNotFound`` for an unknown run."""
    runs.get_run(db, run_id)
    return jobs.enqueue(db, CASE_FILE_KIND, {"run_id": run_id, "folder": str(folder),
                                             "file_name": f"screening-run-{run_id}.pdf"}, actor)


def run_case_file_job(db: sqlite_utils.Database, job: dict, progress: Callable[..., None]) -> dict:
    """Write a queued case file (``enqueue_case_file``) with its progress; return where it is (``path``) and the
    name to download it as. Written beside and renamed into place, so a half-written file is never served."""
    p = job["payload"]
    folder = Path(p["folder"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"case-file-job-{job['id']}.pdf"
    partial = path.with_suffix(".pdf.part")
    total = runs.get_run(db, int(p["run_id"]))["hits"] or 0
    progress(done=0, total=total, stage="laying out the hits")
    write_run_pdf(db, int(p["run_id"]), partial, actor=job["actor"] or "",
                  progress=lambda done, total: progress(done=done, total=total))
    os.replace(partial, path)
    progress(done=total, total=total, stage="written")
    return {"run_id": int(p["run_id"]), "path": str(path), "file_name": p["file_name"]}


def case_file_of(job: dict) -> tuple[str, str]:
    """The written case file of a finished job: ``(path, download name)``; raise ``CaseFileNotReady`` when the
    job is not a case file, is not done, or its file is gone (swept with old uploads)."""
    result = job.get("result") or {}
    if job.get("kind") != CASE_FILE_KIND:
        raise CaseFileNotReady(f"job {job['id']} does not write a case file")
    if job.get("status") != jobs.DONE:
        raise CaseFileNotReady(f"the case file of job {job['id']} is not written yet ({job.get('status')})")
    if not result.get("path") or not os.path.isfile(result["path"]):
        raise CaseFileNotReady(f"the case file of job {job['id']} is no longer kept: prepare it again from the "
                               f"run's page")
    return result["path"], result.get("file_name") or os.path.basename(result["path"])


class CaseFileNotReady(LookupError):
    """A case file asked for that is not there to download, with why in words."""


def write_hit_pdf(db: sqlite_utils.Database, hit_id: int, path: str | Path, actor: str) -> None:
    """Write the PDF case file of one hit (what its page shows, with the decision history) to ``path``."""
    hit = runs.get_hit(db, hit_id)
    pdf.write_hit_pdf(path, hit, _for_report(db, hit["run_id"], actor), runs.hit_entity(db, hit))
