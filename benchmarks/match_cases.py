"""Precision, recall and F1 on OpenSanctions' labelled name pairs (nomenklatura name_bench cases.csv).

    python benchmarks/match_cases.py [../shared/data/name_matching/nomenklatura_name_bench/cases.csv]
        [--threshold 0.70] [--errors N]

Prints our engine at its default threshold (overall, per schema, per case group), beside plain rapidfuzz scorers
on the same pairs (casefolded, at 0.70 and at their own best threshold), and a threshold sweep of ours.
"""
from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import defaultdict
from pathlib import Path

from rapidfuzz import fuzz

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screening.engine.model import Skipped  # noqa: E402
from screening.engine.pairs import BENCHMARK_THRESHOLD, algorithm_id, compare  # noqa: E402

DEFAULT = Path(__file__).resolve().parents[2] / "shared/data/name_matching/nomenklatura_name_bench/cases.csv"
SCHEMA_TYPE = {"Person": "person", "Company": "organization", "Organization": "organization",
               "LegalEntity": "unknown", "Vessel": "vessel"}


def prf(pairs):
    tp = sum(1 for p, y in pairs if p and y)
    fp = sum(1 for p, y in pairs if p and not y)
    fn = sum(1 for p, y in pairs if not p and y)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1


def best_threshold(scores, labels):
    best = (0.0, 0.0)
    for t in [i / 100 for i in range(30, 100)]:
        f1 = prf([(s >= t, y) for s, y in zip(scores, labels)])[2]
        if f1 > best[0]:
            best = (f1, t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", default=str(DEFAULT))
    ap.add_argument("--threshold", type=float, default=BENCHMARK_THRESHOLD)
    ap.add_argument("--errors", type=int, default=0, help="print this many false positives and negatives")
    args = ap.parse_args()
    rows = list(csv.DictReader(open(args.file, encoding="utf-8")))
    labels = [r["is_match"].strip().lower() == "true" for r in rows]

    t0 = time.perf_counter()
    ours = []
    for r in rows:
        m = compare(r["name1"], r["name2"], SCHEMA_TYPE.get(r["schema"], "unknown"))
        ours.append(0.0 if isinstance(m, Skipped) else m.score)
    elapsed = time.perf_counter() - t0

    print(f"{len(rows)} pairs ({sum(labels)} matches), ours = {algorithm_id()}, threshold {args.threshold:.2f}"
          f" ({elapsed:.1f} s including first-use loading)")
    print(f"{'system':42} {'P':>6} {'R':>6} {'F1':>6}")
    p, r_, f = prf([(s >= args.threshold, y) for s, y in zip(ours, labels)])
    print(f"{'ours @ ' + format(args.threshold, '.2f'):42} {p:6.3f} {r_:6.3f} {f:6.3f}")
    bf, bt = best_threshold(ours, labels)
    print(f"{'ours @ best threshold ' + format(bt, '.2f'):42} {'':6} {'':6} {bf:6.3f}")
    for name, scorer in [("rapidfuzz WRatio", fuzz.WRatio), ("rapidfuzz token_sort_ratio", fuzz.token_sort_ratio),
                         ("rapidfuzz token_set_ratio", fuzz.token_set_ratio), ("rapidfuzz ratio", fuzz.ratio)]:
        sc = [scorer(a["name1"].casefold(), a["name2"].casefold()) / 100 for a in rows]
        p, r_, f = prf([(s >= 0.70, y) for s, y in zip(sc, labels)])
        print(f"{name + ' @ 0.70':42} {p:6.3f} {r_:6.3f} {f:6.3f}")
        bf, bt = best_threshold(sc, labels)
        p, r_, f = prf([(s >= bt, y) for s, y in zip(sc, labels)])
        print(f"{name + ' @ best ' + format(bt, '.2f'):42} {p:6.3f} {r_:6.3f} {f:6.3f}")

    for key in ("schema", "case_group"):
        print(f"\nours per {key}:")
        groups = defaultdict(list)
        for row, s, y in zip(rows, ours, labels):
            groups[row[key]].append((s >= args.threshold, y))
        for g, pairs in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            p, r_, f = prf(pairs)
            print(f"  {g:20} n={len(pairs):4}  P {p:.3f}  R {r_:.3f}  F1 {f:.3f}")

    print("\nthreshold sweep (ours): " + "  ".join(
        f"{t:.2f}:{prf([(s >= t, y) for s, y in zip(ours, labels)])[2]:.3f}"
        for t in (0.6, 0.65, 0.7, 0.75, 0.8, 0.85)))
    if args.errors:
        fps = [(s, r) for s, r, y in zip(ours, rows, labels) if s >= args.threshold and not y]
        fns = [(s, r) for s, r, y in zip(ours, rows, labels) if s < args.threshold and y]
        for title, items in (("false positives", fps), ("false negatives", fns)):
            print(f"\n{title} ({len(items)}):")
            for s, r in sorted(items, key=lambda t: -t[0])[: args.errors]:
                print(f"  {s:.3f} {r['schema'][:6]:6} {r['quality'][:3]:3} {r['name1']!r} / {r['name2']!r}")
    p, r_, f = prf([(s >= args.threshold, y) for s, y in zip(ours, labels)])
    print(f"\nF1 {f:.3f}")


if __name__ == "__main__":
    main()
