"""Batch screening on every core against one process: the same client file, the same run, the speed-up.

    python benchmarks/screen_cores.py [--rows 6000] [--seed 5] [--processes 0] [--chunk-rows 250]

1. Watchlist: the OFAC SDN list of July 2021 imported into a SQLite file in a temporary folder
   (``store.import_list``); its index file is written beside it by a first ``matcher_for`` (not timed).
2. Client file (CSV, seeded): real non-listed names (SEC companies, members of Congress), 10% OFAC names
   perturbed with ``ofac_data.perturb``, and 1% rows without a usable name (empty, digits only).
3. Each configuration runs in a fresh subprocess, so that every one starts from the same cold caches and reads the
   index from its file: ``screen.prepare`` (not timed), then ``screen.screen`` timed whole (screening and storing
   the run: the coordinator alone writes), once with ``processes=1`` and once with ``--processes`` (0: every core).
   The engine alone (``screen_rows`` against ``screen_rows_parallel``, nothing stored) is timed the same way.
   The stored rows and hits of the two runs are compared (they must be identical).
4. Printed: rows/s of each, the speed-up, the CPU seconds used (this process and its workers: the total work, so
   the pool's overhead shows even when the machine is busy), the cores, and the load average before and after
   (the machine is shared: a load above the core count means other jobs took part of the cores).
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ofac_data import SDN, non_listed, ofac_records, perturb  # noqa: E402

from screening.engine.batch import screen_rows  # noqa: E402
from screening.engine.pairs import BENCHMARK_THRESHOLD  # noqa: E402
from screening.engine.parallel import cpu_count, processes_for, screen_rows_parallel  # noqa: E402
from screening.service import screen  # noqa: E402
from screening.service.matching import matcher_for  # noqa: E402
from screening.store import db as dbmod  # noqa: E402
from screening.store import runs  # noqa: E402
from screening.store import watchlist as store  # noqa: E402
from watchlists import lists  # noqa: E402


def build(folder: Path, rows: int, seed: int) -> tuple[Path, Path]:
    db_path, csv_path = folder / "ofac.db", folder / "clients.csv"
    db = dbmod.connect(db_path)
    store.import_list(db, lists.read_list(SDN, "ofac-sdn"), name="ofac-sdn", fmt="ofac-sdn", file_name=SDN.name,
                      sha256=lists.files_sha256([SDN]))
    t = time.perf_counter()
    matcher_for(db, 0.0)
    print(f"watchlist: {len(store.match_records(db, 0.0))} entities; index built and written in "
          f"{time.perf_counter() - t:.1f} s")
    db.close()
    rng = random.Random(seed)
    listed = [(r.names[0], r.type) for r in ofac_records()]
    n_listed, n_bad = rows // 10, rows // 100
    people = non_listed(rows - n_listed - n_bad, seed=seed)
    out = [(perturb(name, rng), typ) for name, typ in rng.sample(listed, n_listed)] + people
    out += [(rng.choice(["", "12345", "---"]), "person") for _ in range(n_bad)]
    rng.shuffle(out)
    with open(csv_path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Client ID", "Name", "Type"])
        for i, (name, typ) in enumerate(out, start=1):
            w.writerow([f"C-{i:06d}", name, typ])
    return db_path, csv_path


def child(db_path: str, csv_path: str, mode: str, processes: int, chunk_rows: int) -> dict:
    """One configuration, timed in this fresh process; the run's rows and hits summed up to compare."""
    import screening.engine.parallel as parallel
    parallel.CHUNK_ROWS = chunk_rows
    db = dbmod.connect(db_path)
    prepared = screen.prepare(csv_path)
    matcher, _, _ = matcher_for(db, 0.0)
    load = os.getloadavg()[0]
    t, cpu = time.perf_counter(), time.process_time()
    if mode == "service":
        run_id = screen.screen(db, prepared, actor="bench", processes=processes)
        seconds = time.perf_counter() - t
        rows = [(r["row"], r["status"], r["hit_count"], r["best_score"]) for r in runs.iter_rows(db, run_id)]
        hits = [(h["row"], h["entity_id"], h["score"]) for h in runs.iter_hits(db, run_id)]
    else:
        n = processes_for(processes)
        results = (screen_rows(matcher, prepared.clients, BENCHMARK_THRESHOLD, None) if n == 1 else
                   screen_rows_parallel(matcher, prepared.clients, BENCHMARK_THRESHOLD, None, processes=n))
        got = list(results)
        seconds = time.perf_counter() - t
        rows = [(r.client.row, r.status, len(r.matches), r.best_score) for r in got]
        hits = [(r.client.row, m.record_id, round(m.score, 6)) for r in got for m in r.matches]
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"seconds": seconds, "cpu": time.process_time() - cpu + workers.ru_utime + workers.ru_stime, "rows": len(prepared.clients), "load_before": load, "load_after": os.getloadavg()[0],
            "digest": hashlib.sha256(json.dumps([rows, hits], default=str).encode()).hexdigest(), "hits": len(hits)}


def run_child(db_path: Path, csv_path: Path, mode: str, processes: int, chunk_rows: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", str(db_path), str(csv_path), mode, str(processes),
                          str(chunk_rows)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=6000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--processes", type=int, default=0, help="processes of the parallel run (0: every core)")
    ap.add_argument("--chunk-rows", type=int, default=250)
    ap.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        db_path, csv_path, mode, processes, chunk_rows = args.child
        print(json.dumps(child(db_path, csv_path, mode, int(processes), int(chunk_rows))))
        return
    many = processes_for(args.processes)
    print(f"cores available: {cpu_count()} (os.cpu_count {os.cpu_count()}); parallel runs use {many} processes, "
          f"chunks of {args.chunk_rows} rows; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="screen_cores_") as tmp:
        db_path, csv_path = build(Path(tmp), args.rows, args.seed)
        print(f"{'what':<34}{'processes':>10}{'rows':>7}{'seconds':>9}{'rows/s':>8}{'CPU s':>7}"
              f"{'load 1m before/after':>22}")
        for mode, label in (("engine", "engine alone (screen_rows)"), ("service", "screen.screen (screen + store)")):
            res = {}
            for n in (1, args.processes):
                r = res[n] = run_child(db_path, csv_path, mode, n, args.chunk_rows)
                shown = processes_for(n)
                print(f"{label:<34}{shown:>10}{r['rows']:>7}{r['seconds']:>9.1f}{r['rows'] / r['seconds']:>8.0f}"
                      f"{r['cpu']:>7.1f}{r['load_before']:>12.2f} / {r['load_after']:.2f}")
            one, par = res[1], res[args.processes]
            same = "identical" if one["digest"] == par["digest"] else "DIFFERENT"
            print(f"  speed-up {one['seconds'] / par['seconds']:.2f}x with {many} processes; CPU time "
                  f"{par['cpu'] / one['cpu']:.2f}x of one process's (the pool's overhead; on an idle machine the "
                  f"speed-up tends to {many} / that); results {same} ({one['hits']} hits)")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
