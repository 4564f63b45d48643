"""Batch screening on a Dask cluster against one process, in the same run: time per stage and the storing rate.

    python benchmarks/cluster_screen.py [--rows 1000000] [--workers 2] [--threads 1] [--seed 7]
                                        [--watchlist DB] [--skip-local]

1. Watchlist: the BBC-derived news watchlist plus OFAC SDN 2021 (``screen_batch.py``'s cached database; or
   ``--watchlist DB``), copied to a temporary file.
2. Client rows: ``screen_batch.client_rows`` (SEC companies and US Congress persons recombined, 1% taken from the
   watchlist, 40% of those perturbed, a few bad rows), written once as CSV (cached under /tmp).
3. ``screen.prepare`` (read, map, check) once; then the same prepared rows screened twice and stored:
   - **one process** (``processes=1``): the baseline;
   - **on a ``distributed.LocalCluster``** of ``--workers`` worker processes (``--threads`` threads each), through
     ``screen.screen(..., cluster=ADDRESS)``, exactly as ``screening screen FILE --cluster`` does.
   Stages of the cluster run: reading the index file (``matching.index_bytes``), shipping it to the workers
   (``cluster.ship_index``), the coordinator's storing (``screen._hit_records``: the evidence of each hit, and
   ``runs.add_results``: the SQLite writes), and the rest of the wall time, which is waiting for the workers.
4. Printed: seconds and rows/s of each run, the ratio, the time per stage, the coordinator's storing rate (rows
   stored per second of storing), and whether both runs stored the same rows and hits.

On a machine of two cores the coordinator shares them with the workers: the ratio is what two worker processes
give beside a storing coordinator on the same cores, not what two machines would give (see benchmarks/README.md,
"Cluster", for the projection to 10 and 100 machines).
"""
from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import screen_batch  # noqa: E402

import distributed  # noqa: E402

from screening.service import cluster, matching, screen  # noqa: E402
from screening.store import db as dbmod  # noqa: E402
from screening.store import runs  # noqa: E402

TIMES: dict[str, float] = {}


def timed(owner, name: str, key: str) -> None:
    """Wrap ``owner.name`` so that the seconds spent in it add up in ``TIMES[key]``."""
    fn = getattr(owner, name)

    def wrapper(*a, **k):
        t = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            TIMES[key] = TIMES.get(key, 0.0) + time.perf_counter() - t
    setattr(owner, name, wrapper)


def client_csv(n: int, seed: int, db_path: Path) -> Path:
    path = screen_batch.CACHE / f"cluster-clients-{n}-s{seed}.csv"
    if not path.exists():
        rows, _ = screen_batch.client_rows(n, seed, screen_batch.watchlist_pool(db_path))
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(screen_batch.HEADER)
            for r in rows:
                w.writerow(["" if v is None else v for v in r])
        os.replace(tmp, path)
    return path


def stored(db, run_id: int) -> tuple[int, int, float]:
    n = hits = 0
    total = 0.0
    for r in runs.iter_rows(db, run_id):
        n += 1
    for h in runs.iter_hits(db, run_id):
        hits += 1
        total += h["score"]
    return n, hits, round(total, 6)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--watchlist", type=Path, default=None, help="a watchlist database to use (copied)")
    ap.add_argument("--skip-local", action="store_true", help="no one-process baseline (no ratio)")
    args = ap.parse_args()
    # A million rows plus the header is one row over the default limit per file (policy: max_rows).
    os.environ.setdefault("SCREENING_MAX_ROWS", str(max(args.rows + 1, 1_000_000)))

    source = args.watchlist or screen_batch.build_watchlist(False)[0]
    work = Path(tempfile.mkdtemp(prefix="cluster_screen_", dir=screen_batch.CACHE))
    db_path = work / "watchlist.db"
    shutil.copy(source, db_path)
    clients = client_csv(args.rows, args.seed, db_path)
    db = dbmod.connect(db_path)
    print(f"{os.cpu_count()} CPUs; watchlist {source.name}; {args.rows:,} rows ({clients.name}); "
          f"LocalCluster of {args.workers} worker processes x {args.threads} thread(s)", flush=True)

    t = time.perf_counter()
    prepared = screen.prepare(clients)
    print(f"prepare: {time.perf_counter() - t:.1f} s", flush=True)
    t = time.perf_counter()
    matcher, version, size = matching.matcher_for(db, 0.0)
    print(f"index: {time.perf_counter() - t:.1f} s ({len(matcher):,} names, version {version}, {size:,} entities)",
          flush=True)

    timed(screen, "_hit_records", "evidence")
    timed(runs, "add_results", "sqlite")
    timed(screen, "index_bytes", "index file")     # as screen.py calls it
    timed(cluster, "ship_index", "shipping")

    local_s = None
    if not args.skip_local:
        TIMES.clear()
        t = time.perf_counter()
        local = screen.screen(db, prepared, actor="bench", processes=1)
        local_s = time.perf_counter() - t
        storing = TIMES.get("evidence", 0) + TIMES.get("sqlite", 0)
        print(f"one process: {local_s:.1f} s, {args.rows / local_s:,.0f} rows/s (storing {storing:.1f} s)",
              flush=True)

    with distributed.LocalCluster(n_workers=args.workers, threads_per_worker=args.threads, processes=True,
                                  dashboard_address=":0", silence_logs=40) as lc:
        TIMES.clear()
        t = time.perf_counter()
        on_cluster = screen.screen(db, prepared, actor="bench", cluster=lc.scheduler_address)
        cluster_s = time.perf_counter() - t
        with distributed.Client(lc.scheduler_address, set_as_default=False) as c:
            rss = c.run(lambda: __import__("psutil").Process().memory_info().rss / 1e6)
        print(f"worker memory after the run (RSS): {', '.join(f'{v:.0f} MB' for v in rss.values())}", flush=True)
    storing = TIMES.get("evidence", 0) + TIMES.get("sqlite", 0)
    shipping = TIMES.get("index file", 0) + TIMES.get("shipping", 0)
    waiting = cluster_s - storing - shipping
    print(f"cluster: {cluster_s:.1f} s, {args.rows / cluster_s:,.0f} rows/s", flush=True)
    print(f"  stages: index file {TIMES.get('index file', 0):.2f} s, shipping to workers "
          f"{TIMES.get('shipping', 0):.2f} s, storing {storing:.1f} s (evidence {TIMES.get('evidence', 0):.1f} s, "
          f"SQLite {TIMES.get('sqlite', 0):.1f} s), waiting for workers {waiting:.1f} s")
    print(f"  coordinator storing rate: {args.rows / storing:,.0f} rows per second of storing")
    if local_s:
        same = stored(db, local) == stored(db, on_cluster)
        print(f"ratio one process / cluster: {local_s / cluster_s:.2f}x; same rows and hits: "
              f"{'yes' if same else 'NO'} {stored(db, on_cluster)}")
    db.close()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
