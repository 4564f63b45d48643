"""Batch screening on every core: chunks of rows screened by a pool of processes sharing one read-only matcher.

The rows are cut into chunks (``batch.chunked``); each chunk's queries go to a worker process, which screens them
with its matcher (``batch.screen_chunk``) and sends the outcomes back; the caller gets one ``RowResult`` per row in
row order, as from ``batch.screen_rows``, so whoever stores the results (the service) stays the only writer.

Sharing the matcher: with the ``fork`` start method (Linux) the workers are forked after the matcher is built and
inherit it, copy-on-write, without pickling or reading anything. Where ``fork`` is unavailable (``spawn``: macOS,
Windows) each worker builds its matcher once, in its initializer, from ``loader`` (a picklable callable; by
default ``Matcher.from_bytes`` over the parent's index bytes).

A cluster (Dask...) can reuse the same pieces: ``chunked`` to partition, ``row_query`` for what to send,
``screen_chunk`` on a worker holding a matcher, and ``row_result`` to put the outcomes back in row order.

Failures: an exception in a worker is raised in the caller as ``WorkerError`` naming the rows of the chunk, with
the worker's traceback as its cause; a worker that dies (killed, out of memory) raises ``WorkerError`` too, never
a hang. Stopping early (an error while storing, Ctrl-C) shuts the pool down; workers ignore Ctrl-C themselves and
leave it to the caller.
"""
from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import signal
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterable, Iterator, Sequence

from screening.engine.batch import (
    ClientLike,
    Outcome,
    RowResult,
    chunked,
    row_query,
    row_result,
    screen_chunk,
    screen_rows,
)
from screening.engine.index import Matcher
from screening.engine.model import Query

CHUNK_ROWS = 250            # rows per chunk: ~0.1-0.5 s of work, so that sending it costs little beside screening
IN_FLIGHT_PER_PROCESS = 2   # chunks queued per process: workers never wait, and memory stays bounded


class WorkerError(RuntimeError):
    """A worker process failed while screening a chunk of rows (the message names them), or died."""


def cpu_count() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it, else every core)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:          # not on Linux
        return os.cpu_count() or 1


def processes_for(setting: int) -> int:
    """The number of processes a setting asks for: 0 means every core, any other number itself (at least 1)."""
    if setting < 0:
        raise ValueError(f"the number of screening processes cannot be negative ({setting}); 0 means every core")
    return cpu_count() if setting == 0 else setting


# --- inside a worker ------------------------------------------------------------------------------------------

_MATCHER: Matcher | None = None


def _start_worker(matcher: Matcher | None, loader: Callable[[], Matcher] | None) -> None:
    """A worker's initializer: keep the inherited matcher (fork) or build it once from ``loader`` (spawn)."""
    global _MATCHER
    signal.signal(signal.SIGINT, signal.SIG_IGN)        # Ctrl-C is the caller's to handle (it stops the pool)
    _MATCHER = matcher if matcher is not None else loader() if loader is not None else None
    if _MATCHER is None:
        raise RuntimeError("a screening worker started without a matcher")


def _screen_in_worker(queries: list[Query | None], threshold: float, limit: int | None) -> list[Outcome]:
    assert _MATCHER is not None
    return screen_chunk(_MATCHER, queries, threshold, limit)


def _index_bytes_loader(data: bytes) -> Matcher:
    return Matcher.from_bytes(data)


# --- the caller's side ----------------------------------------------------------------------------------------

def _rows_of(chunk: Sequence[ClientLike]) -> str:
    first, last = chunk[0].row, chunk[-1].row
    return f"row {first}" if first == last else f"rows {first}-{last}"


def _start_method() -> str:
    """``fork`` where available and safe, else ``spawn``. A process that runs other threads (the web app's job
    worker, a threaded server) is not forked: a lock another thread holds at that moment (logging, a database
    connection, a cache) would stay locked forever in the child, which would hang."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return "spawn"


def screen_rows_parallel(matcher: Matcher, clients: Iterable[ClientLike], threshold: float, limit: int | None,
                         progress: Callable[[int], None] | None = None, *, processes: int,
                         chunk_rows: int | None = None, loader: Callable[[], Matcher] | None = None,
                         start_method: str | None = None) -> Iterator[RowResult]:
    """Yield one ``RowResult`` per client, in order, as ``batch.screen_rows`` does, screened by ``processes``
    worker processes in chunks of ``chunk_rows`` (default ``CHUNK_ROWS``); ``progress(n)`` is called after each chunk with the rows done.

    One process, or fewer than two chunks of rows, screen here without a pool (its start-up would cost more than
    it saves). ``start_method`` is ``fork`` where available and the process runs no other thread, else ``spawn``; ``loader`` builds a worker's matcher
    when the workers cannot inherit it (default: from ``matcher.to_bytes()``). Raise ``WorkerError`` when a
    worker fails or dies.
    """
    chunk_rows = chunk_rows or CHUNK_ROWS
    rows = clients if isinstance(clients, Sequence) else list(clients)
    processes = min(processes, -(-len(rows) // max(chunk_rows, 1)))
    if processes <= 1 or len(rows) < 2 * chunk_rows:
        yield from screen_rows(matcher, rows, threshold, limit, progress)
        return
    method = start_method or _start_method()
    if method == "fork":
        initargs: tuple = (matcher, None)       # inherited by the forked workers, never pickled
    else:
        initargs = (None, loader or functools.partial(_index_bytes_loader, matcher.to_bytes()))
    pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context(method),
                               initializer=_start_worker, initargs=initargs)
    pending: deque[tuple[list[ClientLike], Future]] = deque()
    chunks = chunked(rows, chunk_rows)

    def submit() -> bool:
        chunk = next(chunks, None)
        if chunk is None:
            return False
        pending.append((chunk, pool.submit(_screen_in_worker, [row_query(c) for c in chunk], threshold, limit)))
        return True

    done, finished = 0, False
    try:
        # With fork, the pool forks every worker at the first submit. The parent's objects are frozen out of the
        # garbage collector meanwhile, so that a collection in a worker does not write to (and so copy) every
        # page of the inherited heap; unfrozen once the workers exist.
        if method == "fork":
            gc.collect()
            gc.freeze()
        try:
            submit()
        finally:
            if method == "fork":
                gc.unfreeze()
        for _ in range(processes * IN_FLIGHT_PER_PROCESS - 1):
            if not submit():
                break
        while pending:
            chunk, future = pending.popleft()
            try:
                outcomes = future.result()
            except BrokenProcessPool as exc:
                raise WorkerError(f"a screening process stopped unexpectedly (killed, or out of memory?) while "
                                  f"{_rows_of(chunk)} or a chunk after them were screened") from exc
            except Exception as exc:
                raise WorkerError(f"screening {_rows_of(chunk)} failed in a worker process: "
                                  f"{type(exc).__name__}: {exc}") from exc
            submit()
            for client, outcome in zip(chunk, outcomes):
                yield row_result(client, outcome)
            done += len(chunk)
            if progress:
                progress(done)
        finished = True
    finally:
        # All done: the idle workers are joined (none is left behind). Stopped early: not waited for.
        pool.shutdown(wait=finished, cancel_futures=True)
