"""Delta re-screening of 100,000 monitored clients after importing 50 articles, against a full re-run of the same
clients: time and comparisons of each, in one run.

    python benchmarks/monitor_delta.py [--rows 100000] [--articles 50] [--seed 5] [--rebuild]

1. Watchlist (cached under /tmp/screen_batch_bench, never in the repository: BBC is for research use only): the
   BBC-derived news watchlist *less 50 held-out articles* plus the OFAC SDN list of July 2021, built as
   ``benchmarks/screen_batch.py`` builds its own (whose cache holds every BBC article, so none could be imported
   "new"). The held-out articles are a seeded sample of the BBC files whose text appears once in the corpus (a
   repeated one would be a duplicate on import).
2. Clients: ``screen_batch.client_rows`` and ``build_workbook`` (cached 100,000-row workbook, 1% of rows taken
   from the watchlist), read with ``screen.prepare`` and put under monitoring directly (``monitoring.add_clients``,
   as screened against the cached watchlist's version): monitoring needs only the client fields.
3. On a copy of the database, in this process: import the 50 held-out articles (``ingest.ingest``), then
   ``monitor.rescreen`` (delta: the entities created or changed by the import), then ``monitor.rescreen(full=True)``
   (every client against the whole watchlist, its index built beforehand and timed apart). Comparisons are
   counted by wrapping ``Matcher._score`` (candidate names scored) and ``Matcher.candidates`` (queries looked up).
   The delta's alerts (client, entity) are checked against the full run's alerts on the same entities.

The last line is ``DELTA_S=... FULL_S=... SPEEDUP=...``.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import screen_batch as sb  # noqa: E402

from screening.store import monitoring


def held_out(n: int, seed: int) -> list[Path]:
    """A seeded sample of n BBC article files whose bytes appear once in the corpus."""
    files = sorted(p for p in sb.BBC.rglob("*.txt") if p.name.upper() != "README.TXT")
    digests: dict[str, list[Path]] = {}
    for p in files:
        digests.setdefault(hashlib.sha256(p.read_bytes()).hexdigest(), []).append(p)
    unique = [ps[0] for ps in digests.values() if len(ps) == 1]
    return sorted(random.Random(seed).sample(sorted(unique), n))


def build_watchlist(out: list[Path], rebuild: bool) -> tuple[Path, float | None]:
    """The cached watchlist of every BBC article but ``out``, plus OFAC SDN (built if missing)."""
    h = hashlib.sha256(sb.watchlist_key().encode())
    for p in out:
        h.update(str(p.relative_to(sb.BBC)).encode() + b"\0")
    path = sb.CACHE / f"monitor-watchlist-{h.hexdigest()[:16]}.db"
    if path.exists() and not rebuild:
        return path, None
    sb.CACHE.mkdir(parents=True, exist_ok=True)
    tmp = sb.CACHE / f"monitor-building-{time.time_ns()}.db"
    skip = set(out)
    keep = [str(p) for p in sorted(sb.BBC.rglob("*.txt")) if p.name.upper() != "README.TXT" and p not in skip]
    exe = str(Path(sys.executable).parent / "screening")
    t0 = time.perf_counter()
    print(f"  $ screening --db {tmp} watchlist add <{len(keep)} BBC files> --workers 2", file=sys.stderr, flush=True)
    done = subprocess.run([exe, "--db", str(tmp), "watchlist", "add", *keep, "--workers", "2"], cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stdout[-5000:] + done.stderr[-5000:])
        raise SystemExit(f"failed ({done.returncode}): screening watchlist add")
    sb._run([exe, "--db", str(tmp), "watchlist", "import", str(sb.SDN_DIR / "sdn.csv"), "--format", "ofac-sdn"])
    seconds = time.perf_counter() - t0
    import sqlite3
    con = sqlite3.connect(tmp)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA journal_mode = DELETE")
    con.close()
    tmp.replace(path)
    return path, seconds


class Counter:
    """Counts what the matchers do: queries looked up and candidate names scored."""

    def __init__(self):
        from screening.engine.index import Matcher

        self.queries = self.scored = 0
        self._score, self._candidates = Matcher._score, Matcher.candidates
        counter = self

        def score(matcher, query, name_ids, threshold, limit):
            name_ids = list(name_ids)
            counter.scored += len(name_ids)
            return counter._score(matcher, query, name_ids, threshold, limit)

        def candidates(matcher, query, threshold=0.7):
            counter.queries += 1
            return counter._candidates(matcher, query, threshold)

        Matcher._score, Matcher.candidates = score, candidates

    def take(self) -> tuple[int, int]:
        out = (self.queries, self.scored)
        self.queries = self.scored = 0
        return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--articles", type=int, default=50)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--rebuild", action="store_true", help="rebuild the cached watchlist database")
    args = ap.parse_args()

    def say(msg: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    out = held_out(args.articles, args.seed)
    say(f"watchlist database (BBC less {len(out)} held-out articles, plus OFAC SDN)...")
    cached, built_s = build_watchlist(out, args.rebuild)
    say("client rows...")
    rows, _ = sb.client_rows(args.rows, args.seed, sb.watchlist_pool(cached))
    xlsx, x_s = sb.build_workbook(rows)
    del rows
    work = Path(tempfile.mkdtemp(prefix="monitor_delta_", dir=sb.CACHE))
    try:
        run(args, out, cached, built_s, xlsx, x_s, work, say)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(args, out, cached, built_s, xlsx, x_s, work: Path, say) -> None:
    from screening.service import ingest, matching, monitor, policy, screen
    from screening.store import db as dbmod
    from screening.store import runs
    from screening.store import watchlist as store

    path = work / "watchlist.db"
    shutil.copyfile(cached, path)
    db = dbmod.connect(path)
    t = time.perf_counter()
    prepared = screen.prepare(xlsx)
    v0 = store.current_version(db)
    added = monitoring.add_clients(db, (c for c in prepared.clients if not c.problems), v0, "bench")
    put_s = time.perf_counter() - t
    del prepared
    say(f"{added['added']:,} clients monitored ({added['updated']} repeated IDs merged) in {put_s:.1f} s; "
        f"importing {len(out)} held-out articles...")
    t = time.perf_counter()
    result = ingest.ingest(db, [str(p) for p in out], actor="bench")
    import_s = time.perf_counter() - t
    statuses = {s: sum(o.status == s for o in result.outcomes) for s in ("added", "duplicate", "linked", "failed")}
    v1 = store.current_version(db)
    created = db.execute("SELECT count(*) FROM entities WHERE first_version > ?", [v0]).fetchone()[0]
    changed = db.execute("SELECT count(*) FROM entities WHERE first_version <= ? AND updated_version > ?",
                         [v0, v0]).fetchone()[0]
    active = db.execute("SELECT count(*) FROM entities WHERE delisted_version IS NULL").fetchone()[0]

    counter = Counter()
    say(f"import: {statuses} in {import_s:.1f} s, version {v0} -> {v1}; delta re-screen...")
    t = time.perf_counter()
    delta = monitor.rescreen(db, "bench")
    delta_s = time.perf_counter() - t
    delta_q, delta_scored = counter.take()
    say(f"delta: {delta_s:.1f} s; building the full index...")
    t = time.perf_counter()
    matching.matcher_for(db, policy.value(db, "news_min_relevance"))
    index_s = time.perf_counter() - t
    counter.take()
    say(f"index {index_s:.1f} s; full re-run...")
    t = time.perf_counter()
    full = monitor.rescreen(db, "bench", full=True)
    full_s = time.perf_counter() - t
    full_q, full_scored = counter.take()

    changed_ids = set(delta["entities"])

    def pairs(run_id, only=None):
        return {(h["row"], h["entity_id"]) for h in runs.iter_hits(db, run_id)
                if only is None or h["entity_id"] in only}
    d_pairs = pairs(delta["run_id"]) if delta["run_id"] else set()
    f_pairs = pairs(full["run_id"], changed_ids)
    # A full run keeps the best hits per client (the hit limit): a changed entity can be pushed out there.
    limit = runs.get_run(db, full["run_id"])["hit_limit"]
    crowded = {row for (row,) in db.execute("SELECT row FROM hits WHERE run_id = ? GROUP BY row HAVING count(*) >= ?",
                                            [full["run_id"], limit])}
    crowded_d = {row for (row,) in db.execute("SELECT row FROM hits WHERE run_id = ? GROUP BY row HAVING count(*) "
                                              ">= ?", [delta["run_id"], limit])} if delta["run_id"] else set()
    missing = d_pairs - f_pairs
    explained = {p for p in missing if p[0] in crowded}
    lost_crowded = {p for p in f_pairs - d_pairs if p[0] in crowded_d}
    # What the delta missed, with each client and entity, for a look.
    lost = []
    for row, eid in sorted(f_pairs - d_pairs)[:10]:
        client = db.execute("SELECT name, type, countries FROM monitored WHERE id = ?", [row]).fetchone()
        hit = db.execute("SELECT entity_name, matched_name, score FROM hits WHERE run_id = ? AND row = ? AND "
                         "entity_id = ?", [full["run_id"], row, eid]).fetchone()
        lost.append(f"{client[0]!r} ({client[1]}, {client[2]}) -> entity {eid} {hit[0]!r} via {hit[1]!r} {hit[2]}")
    db.close()

    print(f"\nMonitoring delta benchmark, {time.strftime('%Y-%m-%d')}: {args.rows:,} client rows, "
          f"{len(out)} held-out BBC articles")
    print(f"  inputs: watchlist {cached.name} ({'cached' if built_s is None else f'built in {built_s:.0f} s'}), "
          f"workbook {xlsx.name} ({'cached' if x_s is None else f'written in {x_s:.0f} s'})")
    print(f"  monitored clients: {added['added']:,} (read and put under monitoring in {put_s:.1f} s)")
    print(f"  import: {statuses['added']} added, {statuses['duplicate']} duplicates, {statuses['linked']} linked, "
          f"{statuses['failed']} failed in {import_s:.1f} s; watchlist version {v0} -> {v1}; {created} entities "
          f"created, {changed} changed; {active:,} active entities")
    print(f"  {'':<28}{'delta':>14}{'full re-run':>16}")
    rows = [("time, s", f"{delta_s:.1f}", f"{full_s:.1f} (+{index_s:.1f} index)"),
            ("clients compared", f"{delta['clients']:,}", f"{full['clients']:,}"),
            ("entities compared", f"{len(delta['entities']):,}", f"{len(full['entities']):,}"),
            ("queries looked up", f"{delta_q:,}", f"{full_q:,}"),
            ("candidate names scored", f"{delta_scored:,}", f"{full_scored:,}"),
            ("alerts (hits)", f"{delta['alerts']:,}", f"{full['alerts']:,}"),
            ("clients with alerts", f"{delta['clients_with_alerts']:,}", f"{full['clients_with_alerts']:,}"),
            ("clients/s", f"{delta['clients'] / delta_s:,.0f}", f"{full['clients'] / full_s:,.0f}")]
    for label, a, b in rows:
        print(f"  {label:<28}{a:>14}{b:>16}")
    print(f"  full re-run's alerts on the {len(changed_ids)} changed entities: {len(f_pairs)}; the delta's: "
          f"{len(d_pairs)}; in the delta only: {len(missing)} ({len(explained)} of them on clients whose full run "
          f"hit the limit of {limit} hits); in the full run only: {len(f_pairs - d_pairs)} ({len(lost_crowded)} of them "
          f"on clients whose delta run hit the limit)")
    for line in lost:
        print(f"    full run only: {line}")
    subset = not (missing - explained) and not (f_pairs - d_pairs - lost_crowded)
    print(f"  delta alerts = full run's alerts on the changed entities (hit limit aside): {subset}")
    speedup = (full_s + index_s) / delta_s if delta_s else float("inf")
    print(f"DELTA_S={delta_s:.1f} FULL_S={full_s + index_s:.1f} SPEEDUP={speedup:.1f} "
          f"SCORED_DELTA={delta_scored} SCORED_FULL={full_scored} ALERTS_DELTA={delta['alerts']} "
          f"ALERTS_FULL={full['alerts']} SUBSET={subset}")


if __name__ == "__main__":
    main()
