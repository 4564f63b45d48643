"""Speed of screening against OFAC SDN, beside exhaustive rapidfuzz cdist; retrieval recall; a 10x larger list.

    python benchmarks/match_speed.py [--queries 100000] [--workers 2] [--recall-sample 120] [--scale 10]

1. Queries: seeded variants of OFAC names (typos, reordering...) and real non-listed names (SEC companies,
   members of Congress) with their variants, distinct strings, ``--queries`` of them.
2. Ours: ``Matcher.match`` per query (normalisation included, cold caches for every new string), in
   ``--workers`` forked processes. Baseline in the same run: ``rapidfuzz.process.cdist`` with token_sort_ratio over
   ``name_key`` forms (normalised beforehand, not timed), ``workers`` threads, in chunks.
3. Retrieval recall: for a sample of queries, the (query, entry) pairs at or above the threshold by exhaustive
   scoring of every name, and the share of them the index returns.
4. A yente-style pipeline on a sample: rapidfuzz WRatio top 25 names, re-scored by our pair scorer.
5. The same queries (a sample) against the list grown ``--scale`` times with synthetic names from real name parts.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import sys
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ofac_data import non_listed, ofac_records, perturb, synthetic_records  # noqa: E402

from screening.engine.index import Matcher  # noqa: E402
from screening.engine.model import Query  # noqa: E402
from screening.engine.normalize import name_key  # noqa: E402
from screening.engine.pairs import BENCHMARK_THRESHOLD, algorithm_id, score_pair  # noqa: E402

MATCHER: Matcher | None = None
THRESHOLD = BENCHMARK_THRESHOLD


def build_queries(records, n: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    base = [name for r in records for name in r.names] + [name for name, _ in non_listed(20_000, seed=seed)]
    out: dict[str, None] = {}
    for name in base:
        out.setdefault(perturb(name, rng))
    rounds = 0
    while len(out) < n and rounds < 20:
        for name in base:
            out.setdefault(perturb(perturb(name, rng), rng))
            if len(out) >= n:
                break
        rounds += 1
    queries = list(out)[:n]
    rng.shuffle(queries)
    return queries


def _work(chunk: list[str]) -> tuple[int, int]:
    hits = 0
    for q in chunk:
        if MATCHER.match(Query(q), threshold=THRESHOLD, limit=10):
            hits += 1
    return hits, len(chunk)


def run_ours(matcher: Matcher, queries: list[str], workers: int) -> tuple[float, int]:
    global MATCHER
    MATCHER = matcher
    chunks = [queries[i:i + 500] for i in range(0, len(queries), 500)]
    t0 = time.perf_counter()
    if workers <= 1:
        res = [_work(c) for c in chunks]
    else:
        with mp.get_context("fork").Pool(workers) as pool:
            res = pool.map(_work, chunks, chunksize=1)
    return time.perf_counter() - t0, sum(h for h, _ in res)


def run_cdist(names: list[str], queries: list[str], workers: int, threshold: float) -> tuple[float, int]:
    keys = [name_key(n) for n in names]
    qkeys = [name_key(q) for q in queries]
    hits = 0
    t0 = time.perf_counter()
    for i in range(0, len(qkeys), 2000):
        m = process.cdist(qkeys[i:i + 2000], keys, scorer=fuzz.token_sort_ratio, workers=workers, dtype=np.uint8,
                          score_cutoff=int(threshold * 100))
        hits += int((m.max(axis=1) >= threshold * 100).sum())
    return time.perf_counter() - t0, hits


def _exhaustive(q: str) -> tuple[set, set]:
    ex = {m.record_id for m in MATCHER.exhaustive(Query(q), threshold=THRESHOLD)}
    got = {m.record_id for m in MATCHER.match(Query(q), threshold=THRESHOLD, limit=None)}
    return ex, got


def main() -> None:
    global THRESHOLD
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queries", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threshold", type=float, default=BENCHMARK_THRESHOLD)
    ap.add_argument("--recall-sample", type=int, default=120)
    ap.add_argument("--yente-sample", type=int, default=1000)
    ap.add_argument("--scale", type=int, default=10)
    ap.add_argument("--scale-sample", type=int, default=20_000)
    args = ap.parse_args()
    THRESHOLD = args.threshold

    records = ofac_records()
    t0 = time.perf_counter()
    matcher = Matcher(records)
    print(f"{algorithm_id()}, threshold {THRESHOLD:.2f}; OFAC SDN: {len(records)} entries, {len(matcher)} names, "
          f"index built in {time.perf_counter() - t0:.1f} s (first use of the name tagger included)")
    queries = build_queries(records, args.queries)
    print(f"{len(queries)} distinct query names")

    t_ours, h_ours = run_ours(matcher, queries, args.workers)
    names = [n.text for n in matcher.names]
    t_cd, h_cd = run_cdist(names, queries, args.workers, THRESHOLD)
    print(f"ours:  {len(queries) / t_ours:,.0f} names/s ({t_ours:.1f} s, {args.workers} processes), "
          f"{h_ours / len(queries):.3f} of queries with a hit")
    print(f"cdist: {len(queries) / t_cd:,.0f} names/s ({t_cd:.1f} s, token_sort_ratio, {args.workers} threads), "
          f"{h_cd / len(queries):.3f} of queries with a hit")
    print(f"speed ratio ours / exhaustive cdist: {t_cd / t_ours:.2f}x")

    # Retrieval recall against exhaustive scoring of every name.
    global MATCHER
    MATCHER = matcher
    rng = random.Random(9)
    sample = rng.sample(queries, min(args.recall_sample, len(queries)))
    t0 = time.perf_counter()
    with mp.get_context("fork").Pool(args.workers) as pool:
        res = pool.map(_exhaustive, sample, chunksize=4)
    pairs = sum(len(ex) for ex, _ in res)
    kept = sum(len(ex & got) for ex, got in res)
    print(f"retrieval recall: {kept}/{pairs} = {kept / pairs if pairs else 1:.4f} of the pairs exhaustive scoring "
          f"puts at or above {THRESHOLD:.2f} ({len(sample)} queries, {time.perf_counter() - t0:.0f} s)")
    for q, (ex, got) in zip(sample, res):
        for rid in ex - got:
            print(f"    lost: {q!r} -> entry {rid}")

    # yente-style: cheap top 25 by WRatio over all names, then the careful scorer.
    ys = rng.sample(queries, min(args.yente_sample, len(queries)))
    keys = [name_key(n) for n in names]
    t0 = time.perf_counter()
    found_y = []
    for q in ys:
        top = process.extract(name_key(q), keys, scorer=fuzz.WRatio, limit=25)
        recs = set()
        for _, _, idx in top:
            nm = matcher.names[idx]
            if score_pair(Query(q), nm.text, matcher.records[nm.record]).score >= THRESHOLD:
                recs.add(matcher.records[nm.record].id)
        found_y.append(recs)
    t_y = time.perf_counter() - t0
    t0 = time.perf_counter()
    found_o = [{m.record_id for m in matcher.match(Query(q), threshold=THRESHOLD, limit=None)} for q in ys]
    t_o = time.perf_counter() - t0
    both = sum(len(a & b) for a, b in zip(found_o, found_y))
    print(f"yente-style (WRatio top 25 + our scorer), {len(ys)} queries, 1 process: {len(ys) / t_y:,.0f} names/s; "
          f"ours {len(ys) / t_o:,.0f} names/s; hits: ours {sum(map(len, found_o))}, yente-style "
          f"{sum(map(len, found_y))}, both {both}")

    # Growth: the same sample against a list ten times larger.
    extra = synthetic_records((args.scale - 1) * len(records))
    t0 = time.perf_counter()
    big = Matcher(records + extra)
    print(f"x{args.scale} list: {len(records) + len(extra)} entries, {len(big)} names, built in "
          f"{time.perf_counter() - t0:.1f} s")
    sub = queries[: args.scale_sample]
    t_small, _ = run_ours(matcher, sub, args.workers)
    t_big, _ = run_ours(big, sub, args.workers)
    print(f"{len(sub)} queries: OFAC {len(sub) / t_small:,.0f} names/s, x{args.scale} {len(sub) / t_big:,.0f} "
          f"names/s; time grows {t_big / t_small:.2f}x for a {args.scale}x list")


if __name__ == "__main__":
    main()
