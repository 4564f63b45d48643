"""Country evidence of the OFAC SDN list: nationalities strong, places of birth and addresses weak hints.

    python benchmarks/match_countries.py [--threshold 0.70] [--negatives 4000]

The July 2021 SDN set read with ``watchlists.lists.read_ofac_sdn`` (nationality and citizenship -> ``countries``;
places of birth and a person's address countries -> ``country_hints``), screened three ways:

- "weak": as read (a client country among the hints supports a little; elsewhere it is no conflict);
- "strong": every hint counted as a nationality (a client country elsewhere is a conflict, as an address country
  was before the hints were kept apart);
- "none": the hints dropped.

Queries: every listed person with a hint, its primary name perturbed once (``ofac_data.perturb``), with the client
country (a) a hint country (where they were born or live), (b) a country the list does not give; recall@1 at the
threshold. False alerts: real non-listed person names (members of the US Congress) with a seeded random country,
against the persons of the list; the share with any hit.
"""
from __future__ import annotations

import argparse
import random
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ofac_data import congress_people, ofac_records, perturb  # noqa: E402

from screening.engine.index import Matcher  # noqa: E402
from screening.engine.model import PERSON, Query  # noqa: E402
from screening.engine.pairs import BENCHMARK_THRESHOLD  # noqa: E402


def rank_first(matcher: Matcher, query: Query, own: str, threshold: float) -> bool:
    hits = matcher.match(query, threshold=threshold, limit=None)
    return bool(hits) and any(h.record_id == own and h.score >= hits[0].score - 1e-9 for h in hits)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threshold", type=float, default=BENCHMARK_THRESHOLD)
    ap.add_argument("--negatives", type=int, default=4000)
    args = ap.parse_args()
    th = args.threshold
    records = [r for r in ofac_records() if r.type == PERSON]
    every = sorted({c for r in records for c in r.countries + r.country_hints})
    rng = random.Random(3)
    queries = []
    for r in records:
        if r.country_hints:
            name = perturb(r.names[0], rng)
            hint = rng.choice(r.country_hints)
            other = rng.choice([c for c in every if c not in r.countries + r.country_hints])
            queries.append((r.id, name, hint, other))
    people = list(dict.fromkeys(f"{f} {last}" for f, last, _ in congress_people()))
    rng.shuffle(people)
    negatives = [(n, rng.choice(every)) for n in people[:args.negatives]]
    print(f"OFAC SDN 2021-07 persons: {len(records)}, with a nationality {sum(bool(r.countries) for r in records)}, "
          f"with hints {sum(bool(r.country_hints) for r in records)} (hints only: "
          f"{sum(bool(r.country_hints) and not r.countries for r in records)}); threshold {th:.2f}")
    variants = {
        "weak": records,
        "strong": [replace(r, countries=tuple(dict.fromkeys(r.countries + r.country_hints)), country_hints=())
                   for r in records],
        "none": [replace(r, country_hints=()) for r in records],
    }
    print(f"{'hints read as':<14} {'recall, client country = a hint':>32} {'recall, another country':>24} "
          f"{'false alerts':>13}")
    for label, recs in variants.items():
        m = Matcher(recs)
        at_hint = sum(rank_first(m, Query(n, PERSON, (h,)), rid, th) for rid, n, h, _ in queries)
        elsewhere = sum(rank_first(m, Query(n, PERSON, (o,)), rid, th) for rid, n, _, o in queries)
        alerts = sum(1 for n, c in negatives if m.match(Query(n, PERSON, (c,)), threshold=th, limit=1))
        print(f"{label:<14} {at_hint / len(queries):>32.4f} {elsewhere / len(queries):>24.4f} "
              f"{alerts / len(negatives):>13.4f}   ({len(queries)} queries, {alerts} alerts)")


if __name__ == "__main__":
    main()
