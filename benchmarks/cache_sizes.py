"""Hit rate and memory of the engine's caches at a few sizes (issue 16: bounded caches sized by measurement).

    python benchmarks/cache_sizes.py [--queries 20000] [--scales 0.1,0.3,1] [--sizes analyze=20000,...]

1. The OFAC SDN index is built once (``ofac_data.ofac_records``), and the queries of ``match_speed.py`` are made
   (seeded variants of OFAC names and real non-listed names, ``--queries`` distinct strings).
2. For each scale, every cache of the engine is set to scale x its size in the code (or to ``--sizes``), emptied,
   and the queries are matched one by one (``Matcher.match``, threshold 0.70, limit 10), tracemalloc on. The caches
   start empty, as in a process that loads a persisted index.
3. Per cache: its bound, the entries it holds at the end, the hit rate over the run, and the memory freed when it is
   emptied (tracemalloc, after ``gc.collect``). Caches are emptied in the order of the table, so a cache whose
   objects are also held by one above it (the words of a name form, held by ``analyze`` and ``_word``) is charged
   only for what it alone still holds.

Static tables loaded once (``maxsize=1``: nicknames, given-name families, rigour's symbol table...) are not
counted.
"""
from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from match_speed import build_queries  # noqa: E402
from ofac_data import ofac_records  # noqa: E402

from screening.engine import scoring  # noqa: E402
from screening.engine.index import Matcher  # noqa: E402
from screening.engine.model import Query  # noqa: E402
from screening.engine.pairs import BENCHMARK_THRESHOLD  # noqa: E402

# Emptied in this order (see 3. above): the caches of whole names first, then of word pairs, then of single words.
ORDER = ["_cached_items", "analyze", "readings", "_given_start_of", "_cached_words", "Matcher._lookup", "_word",
         "_symbols", "_phonetic", "consonant_classes", "convention_key", "korean_syllable_keys", "_nysiis",
         "name_key", "_han_syllable", "country_code"]


@dataclass
class Cache:
    name: str
    default: int
    set_size: Callable[[int], None]        # bound it (and empty it)
    stats: Callable[[], tuple[int, int, int]]   # hits, misses, entries
    clear: Callable[[], None]


def _engine_modules() -> list:
    return [m for name, m in sorted(sys.modules.items()) if name.startswith("screening.engine") and m is not None]


def _lru_caches() -> list[Cache]:
    """Every ``functools.lru_cache`` of the engine's modules with a bound above 1, re-wrappable at any size."""
    found: dict[str, Callable] = {}
    for module in _engine_modules():
        for value in vars(module).values():
            info = getattr(value, "cache_info", None)
            if not (info and hasattr(value, "__wrapped__") and value.__module__ == module.__name__):
                continue
            if info().maxsize is None:
                sys.exit(f"{module.__name__}.{value.__name__} is an unbounded cache: give it a bound")
            if info().maxsize > 1:
                found[value.__name__] = value
    out = []
    for name, original in sorted(found.items()):
        state = {"fn": original}

        def set_size(n: int, name=name, state=state) -> None:
            old = state["fn"]
            new = lru_cache(maxsize=n)(old.__wrapped__)
            for module in _engine_modules():     # every module that imported the function holds its own name
                for attr, value in list(vars(module).items()):
                    if value is old:
                        setattr(module, attr, new)
            state["fn"] = new

        def stats(state=state) -> tuple[int, int, int]:
            i = state["fn"].cache_info()
            return i.hits, i.misses, i.currsize

        out.append(Cache(name, original.cache_info().maxsize, set_size, stats,
                         lambda state=state: state["fn"].cache_clear()))
    return out


def _matcher_cache(matcher: Matcher) -> Cache:
    def set_size(n: int) -> None:
        matcher._lookup = lru_cache(maxsize=n)(matcher._lookup_word)

    def stats() -> tuple[int, int, int]:
        i = matcher._lookup.cache_info()
        return i.hits, i.misses, i.currsize
    return Cache("Matcher._lookup", matcher._lookup.cache_info().maxsize, set_size, stats,
                 lambda: matcher._lookup.cache_clear())


def _dict_caches() -> list[Cache]:
    """scoring's two dict caches: calls counted around them, misses as calls of the function they remember."""
    counts = {"words": 0, "words_miss": 0, "items": 0, "items_miss": 0}
    cached_words, cached_items = scoring._cached_words, scoring._cached_items
    compare_words, items = scoring.compare_words, scoring._items

    def counting(fn, key):
        def wrapper(*args):
            counts[key] += 1
            return fn(*args)
        return wrapper
    scoring._cached_words = counting(cached_words, "words")
    scoring.compare_words = counting(compare_words, "words_miss")     # called by _cached_words on a miss only
    scoring._cached_items = counting(cached_items, "items")
    scoring._items = counting(items, "items_miss")                    # called by _cached_items on a miss only

    def setter(attr: str, cache: dict, keys: tuple[str, str]):
        def set_size(n: int) -> None:
            setattr(scoring, attr, n)
            cache.clear()
            counts[keys[0]] = counts[keys[1]] = 0
        return set_size

    def stats(cache: dict, keys: tuple[str, str]):
        return lambda: (counts[keys[0]] - counts[keys[1]], counts[keys[1]], len(cache))
    w, i = ("words", "words_miss"), ("items", "items_miss")
    return [Cache("_cached_words", scoring.WORD_PAIR_CACHE, setter("WORD_PAIR_CACHE", scoring._WORD_CACHE, w),
                  stats(scoring._WORD_CACHE, w), scoring._WORD_CACHE.clear),
            Cache("_cached_items", scoring.ITEM_CACHE, setter("ITEM_CACHE", scoring._ITEM_CACHE, i),
                  stats(scoring._ITEM_CACHE, i), scoring._ITEM_CACHE.clear)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queries", type=int, default=20_000)
    ap.add_argument("--scales", default="0.1,0.3,1", help="sizes as fractions of the sizes in the code")
    ap.add_argument("--sizes", default="", help="a run at these sizes too: name=N,name=N (others as in the code)")
    ap.add_argument("--no-memory", action="store_true", help="hit rates only, without tracemalloc (about 8x faster)")
    args = ap.parse_args()

    records = ofac_records()
    t0 = time.perf_counter()
    matcher = Matcher(records)
    queries = build_queries(records, args.queries)
    print(f"OFAC SDN: {len(matcher)} names, index built in {time.perf_counter() - t0:.0f} s; "
          f"{len(queries)} distinct queries (match_speed.py's set), one process")
    caches = {c.name: c for c in _lru_caches() + [_matcher_cache(matcher)] + _dict_caches()}
    names = [n for n in ORDER if n in caches] + sorted(set(caches) - set(ORDER))
    runs: list[tuple[str, dict[str, int]]] = [
        (f"x{float(s):g}", {n: max(16, int(caches[n].default * float(s))) for n in names})
        for s in args.scales.split(",")]
    if args.sizes:
        chosen = dict(kv.split("=") for kv in args.sizes.split(","))
        runs.append(("chosen", {n: int(chosen.get(n, caches[n].default)) for n in names}))

    print("| cache | run | bound | entries | hit rate | MB |")
    print("|---|---|---|---|---|---|")
    rows: dict[str, list[str]] = {n: [] for n in names}
    totals = []
    for label, sizes in runs:
        for n in names:
            caches[n].set_size(sizes[n])
        gc.collect()
        if not args.no_memory:
            tracemalloc.start()
        t0 = time.perf_counter()
        for q in queries:
            matcher.match(Query(q), threshold=BENCHMARK_THRESHOLD, limit=10)
        elapsed = time.perf_counter() - t0
        gc.collect()
        total = 0.0
        for n in names:
            hits, misses, entries = caches[n].stats()
            before = tracemalloc.get_traced_memory()[0]
            caches[n].clear()
            gc.collect()
            freed = (before - tracemalloc.get_traced_memory()[0]) / 1e6     # 0 without tracemalloc
            total += freed
            rate = hits / (hits + misses) if hits + misses else 0.0
            rows[n].append(f"| {n} | {label} | {sizes[n]:,} | {entries:,} | {rate:.3f} | {freed:.1f} |")
        tracemalloc.stop()
        tracing = "on" if not args.no_memory else "off"
        totals.append(f"| all | {label} | | | {len(queries) / elapsed:,.0f} queries/s (tracemalloc {tracing}) | "
                      f"{total:.1f} |")
    for n in names:
        print("\n".join(rows[n]))
    print("\n".join(totals))


if __name__ == "__main__":
    main()
