"""OFAC SDN (July 2021) as the watchlist: recall@1 of its own aliases and variants, false alerts on real names.

    python benchmarks/match_ofac.py [--threshold 0.70] [--negatives 10000] [--show 15]

- recall@1, literal: every alias of every entry as a query; its own entry must rank first (ties count as first).
- recall@1, variants: every name of every entry changed once by a seeded perturbation (typo, swapped letters,
  changed vowel, reordered or dropped word, case and punctuation); its own entry must rank first.
- false alerts: 10,000 real names that are not on the list (SEC company names, members of the US Congress): the
  share with any hit at the threshold, beside plain rapidfuzz token_sort_ratio / WRatio over the same names.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ofac_data import non_listed, ofac_records, perturb  # noqa: E402

from screening.engine.index import Matcher  # noqa: E402
from screening.engine.model import Query  # noqa: E402
from screening.engine.normalize import name_key  # noqa: E402
from screening.engine.pairs import BENCHMARK_THRESHOLD, algorithm_id  # noqa: E402


def rank_first(matcher: Matcher, query: Query, own: str, threshold: float) -> bool:
    hits = matcher.match(query, threshold=threshold, limit=None)
    if not hits:
        return False
    top = hits[0].score
    return any(h.record_id == own and h.score >= top - 1e-9 for h in hits)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threshold", type=float, default=BENCHMARK_THRESHOLD)
    ap.add_argument("--negatives", type=int, default=10_000)
    ap.add_argument("--show", type=int, default=15, help="print this many misses and false alerts")
    args = ap.parse_args()
    th = args.threshold

    records = ofac_records()
    t0 = time.perf_counter()
    matcher = Matcher(records)
    print(f"OFAC SDN 2021-07: {len(records)} entries, {len(matcher)} names; index built in "
          f"{time.perf_counter() - t0:.1f} s; {algorithm_id()} at threshold {th:.2f}")

    literal = [(r.id, alias) for r in records for alias in r.names[1:]]
    t0 = time.perf_counter()
    ok = [rank_first(matcher, Query(a), rid, th) for rid, a in literal]
    print(f"recall@1 literal aliases: {sum(ok) / len(ok):.4f} of {len(ok)} ({len(ok) / (time.perf_counter() - t0):.0f}/s)")

    rng = random.Random(5)
    variants = []
    for r in records:
        for n in r.names:
            v = perturb(n, rng)
            variants.append((r.id, n, v))
    ok = []
    misses = []
    for rid, n, v in variants:
        good = rank_first(matcher, Query(v), rid, th)
        ok.append(good)
        if not good:
            misses.append((n, v))
    print(f"recall@1 perturbed names:  {sum(ok) / len(ok):.4f} of {len(ok)}")
    for n, v in misses[: args.show]:
        print(f"    missed: {v!r} (from {n!r})")

    negatives = non_listed(args.negatives)
    t0 = time.perf_counter()
    alerts = []
    for name, typ in negatives:
        hits = matcher.match(Query(name, type=typ), threshold=th, limit=1)
        if hits:
            alerts.append((name, hits[0]))
    rate = len(alerts) / len(negatives)
    print(f"false alerts on {len(negatives)} real non-listed names (typed): {rate:.4f} "
          f"({len(alerts)}; {len(negatives) / (time.perf_counter() - t0):.0f} names/s)")
    alerts_untyped = sum(1 for name, _ in negatives if matcher.match(Query(name), threshold=th, limit=1))
    print(f"false alerts, same names without their type:          {alerts_untyped / len(negatives):.4f}")
    for name, h in sorted(alerts, key=lambda t: -t[1].score)[: args.show]:
        print(f"    {h.score:.3f} {name!r} ~ {h.matched_name!r}: {'; '.join(h.explain()[:2])}")

    names = [name_key(n) for r in records for n in r.names]
    qs = [name_key(n) for n, _ in negatives]
    for label, scorer in (("token_sort_ratio", fuzz.token_sort_ratio), ("WRatio", fuzz.WRatio)):
        hits = 0
        for i in range(0, len(qs), 1000):
            m = process.cdist(qs[i:i + 1000], names, scorer=scorer, workers=2, dtype=np.uint8,
                              score_cutoff=int(th * 100))
            hits += int((m.max(axis=1) >= th * 100).sum())
        print(f"rapidfuzz {label} @ {th:.2f}: false alerts {hits / len(qs):.4f}")


if __name__ == "__main__":
    main()
