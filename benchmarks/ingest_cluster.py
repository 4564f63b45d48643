"""Benchmark: an import of BBC articles on a Dask cluster against the same import on this machine (issue 18).

Usage (from the repository root, venv with the cluster extra)::

    python benchmarks/ingest_cluster.py [FOLDER] [--per-category N] [--workers N] [--scheduler tcp://HOST:8786]

FOLDER defaults to ``../shared/data/news_bbc_fulltext/bbc`` (research use only: read in place, never copied; the
SQLite files go to a temporary folder). The first N articles of each category (default 10: 50 articles) are
imported twice in one process, each into a fresh database: on this machine (``workers=1``), then on a cluster
(a ``distributed.LocalCluster`` of ``--workers`` processes of one thread, or ``--scheduler``). Both sides are warmed
first (models loaded here and on every worker) by importing two other articles into a throw-away database, so the
times compare the work, not the loading. Also prints this process's CPU time in each mode: what the
coordinator keeps (extraction, parsing of adverse sentences, storage; with a LocalCluster, the scheduler too)
bounds the speed-up of any number of workers. The two are alternated ``--repeat`` times (default 3). Prints the median times, their ratio (cluster / local) and whether the stored
entities, aliases and mentions are the same.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from screening.service import ingest  # noqa: E402
from screening.store import db as dbmod  # noqa: E402
from watchlists import nlp  # noqa: E402

DEFAULT_FOLDER = REPO.parent / "shared" / "data" / "news_bbc_fulltext" / "bbc"


def stored(db) -> tuple:
    entities = [tuple(r.values()) for r in db.query(
        "SELECT id, type, name, scope, mention_count, source_count, risk_categories, countries FROM entities "
        "ORDER BY id")]
    aliases = [tuple(r.values()) for r in db.query("SELECT entity_id, alias FROM aliases ORDER BY 1, 2")]
    mentions = [tuple(r.values()) for r in db.query(
        "SELECT entity_id, article_id, alias, start, end, kind, risk_categories, stage FROM mentions ORDER BY id")]
    return entities, aliases, mentions


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", nargs="?", default=str(DEFAULT_FOLDER))
    ap.add_argument("--per-category", type=int, default=10)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--scheduler", default=None)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    import distributed

    folder = Path(args.folder)
    categories = sorted(p for p in folder.iterdir() if p.is_dir())
    files = [f for c in categories for f in sorted(c.glob("*.txt"))[:args.per_category]]
    warm = [sorted(c.glob("*.txt"))[-1] for c in categories[:2]]
    tmp = Path(tempfile.mkdtemp(prefix="ingest-cluster-"))
    lc = None
    if args.scheduler:
        address = args.scheduler
    else:
        lc = distributed.LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                                      dashboard_address=":0", silence_logs=40)
        address = lc.scheduler_address
    try:
        ingest.ingest(dbmod.connect(tmp / "warm-local.db"), warm)
        with distributed.Client(address, set_as_default=False) as client:
            client.run(nlp.load)      # on every worker (tasks alone would not be sure to reach each)
        ingest.ingest(dbmod.connect(tmp / "warm-cluster.db"), warm, cluster=address)

        # Alternated, and the median of each kept: the CPUs are shared, a neighbour's burst must not decide it.
        t_local, t_cluster, cpu_local, cpu_cluster = [], [], [], []
        for i in range(args.repeat):
            local_db = dbmod.connect(tmp / f"local{i}.db")
            t, c = time.perf_counter(), time.process_time()
            local = ingest.ingest(local_db, files)
            t_local.append(time.perf_counter() - t)
            cpu_local.append(time.process_time() - c)
            cluster_db = dbmod.connect(tmp / f"cluster{i}.db")
            t, c = time.perf_counter(), time.process_time()
            on_cluster = ingest.ingest(cluster_db, files, cluster=address)
            t_cluster.append(time.perf_counter() - t)
            cpu_cluster.append(time.process_time() - c)
    finally:
        if lc is not None:
            lc.close()
    same = stored(local_db) == stored(cluster_db)
    tl, tc = statistics.median(t_local), statistics.median(t_cluster)
    print(f"{len(files)} articles ({local.count('added')} added locally, {on_cluster.count('added')} on the cluster)")
    print(f"local (1 process):    median {tl:6.2f} s  {len(files) / tl:5.1f} articles/s  "
          f"runs {' '.join(f'{x:.2f}' for x in t_local)}")
    print(f"cluster ({args.workers if not args.scheduler else '?'} workers): median {tc:6.2f} s  "
          f"{len(files) / tc:5.1f} articles/s  runs {' '.join(f'{x:.2f}' for x in t_cluster)}")
    print(f"ratio cluster/local: {tc / tl:.3f}")
    # What stays on this machine (extraction, the parse of adverse sentences, storage, and with a LocalCluster
    # the scheduler's thread): the bound of any cluster's speed-up, whatever the load of shared CPUs.
    cl, cc = statistics.median(cpu_local), statistics.median(cpu_cluster)
    print(f"CPU time of this process: local {cl:.2f} s, cluster {cc:.2f} s (ratio {cc / cl:.3f}: at most "
          f"{cl / cc:.1f} times faster with enough workers)")
    print(f"entities, aliases, mentions the same: {same} ({len(stored(local_db)[0])} entities)")


if __name__ == "__main__":
    main()
