"""The news relevance policy (setting ``news_min_relevance``): alerts, entities and speed at 0 and at 0.01.

Reuses the cached inputs of ``screen_batch.py`` (run it first): the OFAC + BBC watchlist database and the
100,000-row client workbook under /tmp/screen_batch_bench. Screens the first ``--rows`` client rows twice in this
process, on a copy of the database: with every news entity (policy 0), then with only those that have an adverse
mention (0.01), and prints for each the entities screened against, the index build time, rows per second, and the
rows with hits (news and list). The speed ratio of the two runs is measured in the same process.
"""
from __future__ import annotations

import argparse
import dataclasses
import glob
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screening.service import (  # noqa: E402
    matching,
    policy,
    screen,  # noqa: E402
)
from screening.store import db as dbmod  # noqa: E402
from screening.store import runs

CACHE = "/tmp/screen_batch_bench"


def _latest(pattern: str) -> str:
    found = sorted(glob.glob(os.path.join(CACHE, pattern)), key=os.path.getmtime)
    if not found:
        sys.exit(f"no {pattern} in {CACHE}: run `python benchmarks/screen_batch.py` first")
    return found[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--policies", default="0,0.01")
    args = ap.parse_args()
    folder = tempfile.mkdtemp(prefix="news_policy-")
    try:
        path = os.path.join(folder, "w.db")
        shutil.copy(_latest("watchlist-*.db"), path)
        db = dbmod.connect(path)
        prepared = screen.prepare(_latest("clients-100000-*.xlsx"))
        prepared = dataclasses.replace(prepared, clients=prepared.clients[:args.rows])
        speeds = []
        for min_relevance in args.policies.split(","):
            policy.set_value(db, "news_min_relevance", min_relevance, actor="benchmark")
            t0 = time.perf_counter()
            _, _, size = matching.matcher_for(db, policy.value(db, "news_min_relevance"))
            t1 = time.perf_counter()
            run_id = screen.screen(db, prepared, actor="benchmark")
            t2 = time.perf_counter()
            run = runs.get_run(db, run_id)
            by_source = dict(db.execute(
                "SELECT source = 'news', count(DISTINCT row) FROM hits WHERE run_id = ? GROUP BY 1", [run_id]))
            speeds.append(run["screened"] / (t2 - t1))
            print(f"policy {min_relevance}: {size:,} entities, index {t1 - t0:.1f} s, {speeds[-1]:,.0f} rows/s, rows with "
                  f"hits {run['rows_with_hits']:,} of {run['screened']:,} ({run['rows_with_hits'] / run['screened']:.2%}),"
                  f" hits {run['hits']:,}; rows with a news hit {by_source.get(1, 0):,}, with a list hit "
                  f"{by_source.get(0, 0):,}", flush=True)
        if len(speeds) == 2:
            print(f"speed ratio {args.policies.split(',')[1]} / {args.policies.split(',')[0]}: "
                  f"{speeds[1] / speeds[0]:.2f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
