"""Batch screening and article ingestion on a Dask cluster: the work on the cluster's workers, stored here.

Used when a run is given a scheduler (``screening screen FILE --cluster tcp://HOST:8786``, or the setting
``SCREENING_DASK_SCHEDULER``, which the web app's job worker reads too). Dask (``dask.distributed``) is the engine:
its scheduler places the partitions, and recomputes those of a worker that dies. This module only cuts the rows,
ships the index and puts the results back in order. It is imported only when a cluster is used: without one,
nothing imports Dask (an optional extra: ``pip install -e '.[cluster]'``).

- **The index goes to each worker once**, as a worker plugin holding the bytes of the persisted index file of the
  run's watchlist version (``matching.index_bytes``). A worker checks them when the plugin is set up (SHA-256, then
  ``Matcher.from_bytes`` checks the file's digest, algorithm, engine and watchlist version) and keeps the matcher
  for every partition it screens. A worker that joins later, or one the nanny restarts after a crash, gets the
  plugin when it starts. Registering the same index again sends nothing; an earlier version's plugin is removed.
- **This process stays the only writer of the database.** Partitions are submitted a few at a time (memory stays
  bounded for a million rows), their outcomes come back as they finish and are yielded in row order, as from a
  local run, to ``screen.store_results``: the same run, rows, hits and report as a local run of the same file.
- **Failures.** A worker that dies mid-run loses nothing: Dask recomputes its partitions elsewhere, and each
  partition's outcomes are read once, so every row is stored exactly once. A scheduler that cannot be reached, or
  that goes away during the run, raises ``ClusterError`` saying so; the caller marks the run failed.

Ingestion (``screening watchlist add FOLDER --cluster ...``) uses ``map_in_order``: the articles, read from their
files here, go to the workers a few per task, where ``ingest.read_articles`` cleans them, detects their language
and runs the language's model (loaded once per worker process, by ``watchlists.nlp``); what comes back is plain
data (the prepared article and the model's docs as bytes), stored here in file order, article by article.
"""
from __future__ import annotations

import functools
import hashlib
import threading
import uuid
from collections import deque
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

import distributed
from distributed import Client, WorkerPlugin

from screening.engine.batch import ClientLike, Outcome, RowResult, chunked, row_query, row_result, screen_chunk
from screening.engine.index import Matcher
from screening.engine.model import Query
from screening.service.matching import IndexBytes

PARTITION_ROWS = 2_000      # rows per partition: seconds of work, so that scheduling costs little beside it
IN_FLIGHT_PER_THREAD = 3    # partitions submitted per worker thread: workers never wait, memory stays bounded
CONNECT_TIMEOUT_S = 10
PLUGIN_PREFIX = "screening-index-"
ARTICLES_PER_TASK = 4       # articles per ingestion task: a fraction of a second of the model's work each

T = TypeVar("T")
R = TypeVar("R")


class ClusterError(RuntimeError):
    """The cluster could not screen the run: the scheduler cannot be reached or went away, or a partition failed
    (the message names its rows)."""


# --- on a worker ------------------------------------------------------------------------------------------------

_INDEXES: dict[str, Matcher] = {}     # SHA-256 of the index bytes -> the worker's matcher
_INDEX_LOCK = threading.Lock()


class IndexPlugin(WorkerPlugin):
    """The index of a watchlist version, set up once on every worker of the cluster (and on workers started
    later). ``setup`` checks the bytes and builds the worker's matcher; ``teardown`` drops it."""

    idempotent = True        # registered again (the next run of the same version): nothing is sent

    def __init__(self, index: IndexBytes):
        self.name = PLUGIN_PREFIX + index.sha256[:32]
        self.index = index

    def setup(self, worker=None) -> None:
        index = self.index
        if hashlib.sha256(index.data).hexdigest() != index.sha256:
            raise ClusterError(f"the screening index {index.sha256[:12]} (watchlist version {index.version}) arrived "
                               f"damaged")
        matcher = Matcher.from_bytes(index.data, index.meta)     # IndexFileError: another engine or version
        with _INDEX_LOCK:
            _INDEXES[index.sha256] = matcher

    def teardown(self, worker=None) -> None:
        with _INDEX_LOCK:
            _INDEXES.pop(self.index.sha256, None)


def screen_partition(sha256: str, threshold: float, limit: int | None,
                     rows: list[tuple[int, Query | None]]) -> list[Outcome]:
    """A task: screen one partition's (row, query) pairs with the worker's matcher of the index ``sha256``."""
    matcher = _INDEXES.get(sha256)
    if matcher is None:
        raise ClusterError(f"the screening index {sha256[:12]} is not loaded on this worker (its plugin was not "
                           f"set up: is the screening package installed there, at the same version?)")
    return screen_chunk(matcher, [q for _, q in rows], threshold, limit)


def _plugins_on(dask_scheduler=None) -> list[str]:
    """Run on the scheduler: the names of the worker plugins registered there."""
    return list(dask_scheduler.worker_plugins) if dask_scheduler is not None else []


# --- on the coordinator -----------------------------------------------------------------------------------------

def connect(address: str, timeout: float = CONNECT_TIMEOUT_S) -> Client:
    """Return a client of the scheduler at ``address`` (``tcp://HOST:8786``); raise ``ClusterError`` saying why
    it cannot be reached."""
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc or type(exc).__name__} (is "
                           f"`dask scheduler` running there, and the port open?)") from exc


def ship_index(client: Client, index: IndexBytes) -> None:
    """Make sure every worker holds ``index`` (sent once; an earlier version's index is removed first)."""
    plugin = IndexPlugin(index)
    for name in client.run_on_scheduler(_plugins_on):
        if name.startswith(PLUGIN_PREFIX) and name != plugin.name:
            client.unregister_worker_plugin(name)
    client.register_plugin(plugin)


def _rows_of(chunk: Sequence[tuple[int, Query | None]]) -> str:
    first, last = chunk[0][0], chunk[-1][0]
    return f"row {first}" if first == last else f"rows {first}-{last}"


def screen_rows_cluster(client: Client, index: IndexBytes, clients: Sequence[ClientLike], threshold: float,
                        limit: int | None, progress: Callable[[int], None] | None = None, *,
                        partition_rows: int | None = None) -> Iterator[RowResult]:
    """Yield one ``RowResult`` per client, in row order, as ``batch.screen_rows`` does, the rows screened on the
    cluster in partitions of ``partition_rows`` (default ``PARTITION_ROWS``); ``progress(n)`` is called as
    partitions finish, with the rows done. Raise ``ClusterError`` when the scheduler goes away or a partition
    fails."""
    address = client.scheduler.address if client.scheduler else "?"
    try:
        ship_index(client, index)
    except (OSError, TimeoutError, distributed.comm.CommClosedError) as exc:
        raise ClusterError(f"lost the Dask scheduler at {address} while sending the index: {exc}") from exc
    task = functools.partial(screen_partition, index.sha256, threshold, limit)
    outcomes = map_in_order(client, task, ((c.row, row_query(c)) for c in clients),
                            partition_rows or PARTITION_ROWS, _rows_of, progress)
    rows = iter(clients)
    for outcome in outcomes:        # to its end: the last partitions' progress comes after their rows
        yield row_result(next(rows), outcome)


# --- any work, in order -----------------------------------------------------------------------------------------

def map_in_order(client: Client, fn: Callable[[list[T]], list[R]], items: Iterable[T], per_task: int,
                 label: Callable[[list[T]], str], progress: Callable[[int], None] | None = None) -> Iterator[R]:
    """Yield ``fn(chunk)`` for chunks of ``per_task`` items, run on the cluster, flattened and in input order.

    A few tasks per worker thread are in flight at a time (memory stays bounded: ``items`` is read as tasks are
    submitted). ``progress(n)`` is called as tasks finish with the items done. Raise ``ClusterError`` (naming the
    chunk with ``label``) when the scheduler goes away or a task fails; nothing after that chunk is yielded.
    """
    address = client.scheduler.address if client.scheduler else "?"
    try:
        threads = max(sum(client.nthreads().values()), 1)
    except (OSError, TimeoutError, distributed.comm.CommClosedError) as exc:
        raise ClusterError(f"lost the Dask scheduler at {address}: {exc}") from exc
    window = max(2, IN_FLIGHT_PER_THREAD * threads)
    token = uuid.uuid4().hex[:12]
    chunks = chunked(items, per_task)
    pending: deque[tuple[list[T], distributed.Future]] = deque()
    finished = distributed.as_completed(loop=client.loop)
    sizes: dict[str, int] = {}
    submitted = 0
    name = getattr(getattr(fn, "func", fn), "__name__", "task").replace("_", "-")

    def submit() -> bool:
        nonlocal submitted
        chunk = next(chunks, None)
        if chunk is None:
            return False
        future = client.submit(fn, chunk, key=f"{name}-{token}-{submitted}", pure=False)
        submitted += 1
        sizes[future.key] = len(chunk)
        pending.append((chunk, future))
        finished.add(future)
        return True

    done = 0
    try:
        for _ in range(window):
            if not submit():
                break
        for future in finished:
            if future.status == "finished":
                done += sizes.pop(future.key, 0)
                if progress:
                    progress(done)
            submit()
            while pending and pending[0][1].done():
                chunk, head = pending.popleft()
                yield from _task_result(head, label(chunk), address)
        if pending:       # cannot happen: every future was waited for
            raise ClusterError(f"{len(pending)} tasks never finished on the cluster at {address}")
    finally:
        for _, future in pending:
            future.cancel()


def _task_result(future: distributed.Future, what: str, address: str):
    """The result of a finished task working on ``what``, or ``ClusterError`` saying what went wrong."""
    try:
        return future.result()
    except ClusterError:
        raise
    except distributed.client.FutureCancelledError as exc:
        raise ClusterError(f"lost the Dask scheduler at {address} while {what} were processed ({exc})") from exc
    except distributed.scheduler.KilledWorker as exc:
        raise ClusterError(f"{what} killed a worker each time they were tried ({exc})") from exc
    except (OSError, TimeoutError, distributed.comm.CommClosedError) as exc:
        raise ClusterError(f"lost the Dask scheduler at {address} while {what} were processed: {exc}") from exc
    except Exception as exc:
        raise ClusterError(f"{what} failed on the cluster: {type(exc).__name__}: {exc}") from exc
