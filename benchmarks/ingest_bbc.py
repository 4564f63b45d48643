"""Benchmark: ingest the BBC full-text news corpus and compare with the raw speed of the spaCy model.

Usage (from the repository root, venv active)::

    python benchmarks/ingest_bbc.py [FOLDER] [--limit N] [--full-limit N] [--show-links N]

FOLDER defaults to ``../shared/data/news_bbc_fulltext/bbc`` (2,225 .txt articles in a folder per category;
research use only: the articles are read in place and never copied into the repository; the SQLite file is
written to a temporary folder and deleted afterwards).

What it measures, in one process (the model and the place gazetteer are loaded once first, and their load times
printed: they are paid once per process, not per article):

1. Ingestion, end to end: ``watchlists.ingest.ingest(db, [FOLDER])`` into a fresh SQLite file (reading, cleaning,
   copy detection, the model, extraction, risk, storage): articles/s and peak memory (``ru_maxrss``) right after.
2. The raw model on the same text: each article is read and cleaned exactly as ingestion does
   (``ingest.prepare``), and the same paragraphs go through ``watchlists.nlp.load()`` (ner + senter) with
   ``nlp.pipe``, timing only the model. Only articles ingestion gives the model are timed (exact copies are
   skipped before the model by ingestion, so they are skipped here too); the speed is expressed per input
   file like ingestion, so the ratio ingestion/raw is the ratio of the model's time to the total time.
3. The full pipeline ``watchlists.nlp.load(full=True)`` on a subset (``--full-limit``, default 300 articles),
   scaled, for reference.
4. Counts: articles added, duplicates, near-copies linked, failures, entities (persons, organisations, sources),
   mentions; a few linked near-copies side by side (``--show-links``) to check them by hand.
5. A second ingestion of the same folder, which must add nothing and leave the version unchanged.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_FOLDER = REPO.parent / "shared" / "data" / "news_bbc_fulltext" / "bbc"
TARGET_RATIO = 0.90
TARGET_MEMORY_MB = 1024


def maxrss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r / 1024 if sys.platform != "darwin" else r / (1024 * 1024)


def rss_mb() -> float:
    """Current resident memory, in MB (Linux only; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except OSError:
        return 0.0


def model_time(nlp, paragraph_lists: list[list[str]], batch_size: int) -> float:
    """Time ``nlp.pipe`` over the paragraphs (consumed, nothing kept), as ingestion feeds them."""
    stream = (p for paras in paragraph_lists for p in paras)
    t0 = time.perf_counter()
    for _ in nlp.pipe(stream, batch_size=batch_size):
        pass
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", nargs="?", default=str(DEFAULT_FOLDER))
    ap.add_argument("--limit", type=int, default=None, help="only the first N files (sorted as ingestion reads)")
    ap.add_argument("--full-limit", type=int, default=300, help="articles for the full-pipeline reference")
    ap.add_argument("--show-links", type=int, default=3, help="near-copy pairs to print for checking")
    ap.add_argument("--workers", type=int, default=1,
                    help="model worker processes for ingestion (1: the model runs in this process, the strict "
                         "comparison; 2: the model runs in two workers while this process extracts and stores)")
    ap.add_argument("--keep-db", metavar="PATH", help="write the watchlist here instead of a temporary file")
    args = ap.parse_args(argv)

    from screening.service import ingest
    from screening.store import db as dbmod
    from screening.store import watchlist as store
    from watchlists import nlp, sources
    from watchlists.errors import ArticleError

    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"no such folder: {folder}", file=sys.stderr)
        return 2
    files = [p for p, problem in sources.expand_paths([folder]) if not problem]
    if args.limit:
        files = files[:args.limit]
        inputs: list = files
    else:
        inputs = [folder]
    n_files = len(files)
    print(f"corpus: {folder} ({n_files} files{'' if not args.limit else f', --limit {args.limit}'})")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, model {nlp.NAME}, batch {ingest.BATCH_SIZE}")

    # Load and warm up the model, so that neither measurement pays for it.
    t0 = time.perf_counter()
    fast = nlp.load()
    for _ in fast.pipe(["Warm-up: John Smith of Acme Corp was charged with fraud in London."] * 8):
        pass
    # The dependency parser that ingestion runs on the sentences with adverse words: loaded like the model.
    for _ in nlp.load_parser().pipe(["Warm-up: John Smith of Acme Corp was charged with fraud in London."] * 8):
        pass
    print(f"model loaded and warmed up in {time.perf_counter() - t0:.1f} s; RSS {rss_mb():.0f} MB")
    from watchlists import places

    t0 = time.perf_counter()
    places.preload()  # like the model, the gazetteer is loaded once per process, not per article
    print(f"gazetteer (rigour territories, GeoNames cities) loaded in {time.perf_counter() - t0:.1f} s; "
          f"RSS {rss_mb():.0f} MB")

    tmp = tempfile.TemporaryDirectory(prefix="ingest_bbc_")
    db_path = args.keep_db or os.path.join(tmp.name, "watchlist.db")
    if args.keep_db and os.path.exists(db_path):
        print(f"--keep-db {db_path} exists; give a new path", file=sys.stderr)
        return 2
    db = dbmod.connect(db_path)

    # 1. Ingestion, end to end.
    print(f"\n== 1. ingestion (end to end, {args.workers} model worker process(es)) ==")
    t0 = time.perf_counter()
    result = ingest.ingest(db, inputs, description="benchmark: BBC corpus", workers=args.workers)
    t_ingest = time.perf_counter() - t0
    peak_ingest = maxrss_mb()
    if args.workers > 1:
        child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"peak memory of the largest model worker: {child:.0f} MB; main + workers at most "
              f"{peak_ingest + args.workers * child:.0f} MB (workers share the model's pages with the parent)")
        peak_ingest += args.workers * child
    outcomes = result.outcomes
    counts = {s: result.count(s) for s in ("added", "duplicate", "linked", "failed")}
    print(f"{len(outcomes)} inputs in {t_ingest:.1f} s = {len(outcomes) / t_ingest:.1f} articles/s")
    print(f"peak memory (ru_maxrss, model + ingestion): {peak_ingest:.0f} MB "
          f"({'OK' if peak_ingest < TARGET_MEMORY_MB else 'ABOVE'} target < {TARGET_MEMORY_MB} MB)")

    # 2. The raw model on the same cleaned paragraphs.
    print("\n== 2. raw model on the same cleaned paragraphs ==")
    t0 = time.perf_counter()
    # Ingestion gives the model neither exact copies nor near-copies (linked before the model): skip both here.
    linked_hashes = {r[0] for r in db.execute("SELECT text_hash FROM articles WHERE duplicate_of IS NOT NULL")}
    prepared, seen_hashes, n_exact, n_prep_fail = [], set(linked_hashes), 0, 0
    for item in sources.read_all(inputs):
        if isinstance(item, ArticleError):
            n_prep_fail += 1
            continue
        try:
            prep = ingest.prepare_article(item)
        except ArticleError:
            n_prep_fail += 1
            continue
        if prep.text_hash in seen_hashes:
            n_exact += 1  # ingestion skips exact copies and near-copies before the model
            continue
        seen_hashes.add(prep.text_hash)
        prepared.append(prep.paragraphs)
    t_prepare = time.perf_counter() - t0
    n_paras = sum(len(p) for p in prepared)
    n_chars = sum(len(x) for p in prepared for x in p)
    print(f"read + cleaned {len(prepared)} model-bound articles ({n_exact} exact and near copies skipped, {n_prep_fail} "
          f"failures) in {t_prepare:.1f} s: {n_paras} paragraphs, {n_chars / 1e6:.2f} M characters")
    t_raw = model_time(fast, prepared, ingest.BATCH_SIZE)
    raw_rate = n_files / t_raw
    print(f"ner+senter nlp.pipe: {t_raw:.1f} s = {len(prepared) / t_raw:.1f} articles/s model-bound, "
          f"{raw_rate:.1f} input files/s")

    full_n = min(args.full_limit, len(prepared))
    t_full_scaled = None
    if full_n:
        full = nlp.load(full=True)
        for _ in full.pipe(["Warm-up: John Smith of Acme Corp was charged with fraud in London."] * 8):
            pass
        sub = prepared[:full_n]
        t_full = model_time(full, sub, ingest.BATCH_SIZE)
        sub_chars = sum(len(x) for p in sub for x in p)
        t_full_scaled = t_full * n_chars / sub_chars  # scaled by characters to the whole model-bound set
        t_fast_sub = model_time(fast, sub, ingest.BATCH_SIZE)
        print(f"full pipeline on the first {full_n} articles: {t_full:.1f} s = {full_n / t_full:.1f} articles/s "
              f"(ner+senter on the same subset: {t_fast_sub:.1f} s, the full pipeline is {t_full / t_fast_sub:.2f}x "
              f"slower); "
              f"scaled to all: {t_full_scaled:.1f} s = {n_files / t_full_scaled:.1f} input files/s")

    ingest_rate = len(outcomes) / t_ingest
    ratio = ingest_rate / raw_rate
    print("\n== speed ==")
    print(f"ingestion:         {ingest_rate:7.1f} articles/s ({t_ingest:.1f} s)")
    print(f"raw ner+senter:    {raw_rate:7.1f} articles/s ({t_raw:.1f} s, model only)")
    print(f"ratio ingestion ({args.workers} worker(s)) / raw ner+senter (one process) = {ratio:.3f} "
          f"({'OK' if ratio >= TARGET_RATIO else 'BELOW'} target >= {TARGET_RATIO}); "
          f"overhead outside the model {t_ingest - t_raw:.1f} s")
    if t_full_scaled:
        print(f"ratio ingestion / raw full pipeline = {t_full_scaled / t_ingest:.3f} (scaled from the subset)")

    # 4. Counts.
    s = store.stats(db)
    mentions_named = db.execute("SELECT count(*) FROM mentions WHERE kind != 'credit'").fetchone()[0]
    print("\n== counts ==")
    print(f"outcomes: {counts['added']} added, {counts['duplicate']} exact duplicates skipped, {counts['linked']} "
          f"near-copies linked, {counts['failed']} failed (watchlist version {result.version})")
    print(f"database: {s['articles']} article rows ({s['linked_copies']} linked copies), {s['entities']} entities "
          f"({s['persons']} persons, {s['organizations']} organisations, {s['sources']} sources/authorities), "
          f"{s['mentions']} mentions ({mentions_named} by name)")
    odd = [o for o in outcomes if not Path(o.where).stem.isdigit()]
    for o in odd[:5]:  # the BBC folder holds README.TXT beside the numbered stories: it is ingested as a .txt
        print(f"  not a numbered story: {o.where}: {o.status} {o.title!r}")
    for o in [o for o in outcomes if o.status == "failed"][:10]:
        print(f"  failed: {o.where}: {o.message}")
    for o in [o for o in outcomes if o.status == "duplicate"][:5]:
        print(f"  duplicate: {o.where}: {o.message}")
    if counts["duplicate"] > 5:
        print(f"  ... and {counts['duplicate'] - 5} more exact duplicates")

    linked = list(db.query(
        "SELECT c.id, c.file_name, c.title, c.similarity, c.text, o.id AS oid, o.file_name AS ofile, o.title AS otitle,"
        " o.text AS otext FROM articles c JOIN articles o ON o.id = c.duplicate_of ORDER BY c.similarity"))
    if linked:
        print(f"\nnear-copies linked: {len(linked)}; similarity min {linked[0]['similarity']:.3f}, "
              f"max {linked[-1]['similarity']:.3f}")
        import difflib

        for r in linked[:args.show_links]:  # the least similar first: the likeliest false links
            print(f"  article {r['id']} {r['file_name']!r} {r['title']!r}\n    ~ {r['similarity']:.3f} of article "
                  f"{r['oid']} {r['ofile']!r} {r['otitle']!r}")
            a, b = r["otext"].split("\n\n"), r["text"].split("\n\n")
            diff = [d for d in difflib.unified_diff(a, b, lineterm="", n=0) if d[:1] in "+-" and d[:3] not in ("+++", "---")]
            print(f"    paragraphs {len(a)} vs {len(b)}; differing paragraphs: {len(diff)}")
            for d in diff[:4]:
                print(f"      {d[:150]}")

    # 5. Second run: nothing new.
    print("\n== 5. second ingestion of the same input ==")
    v_before, rows_before = store.current_version(db), s["articles"]
    t0 = time.perf_counter()
    again = ingest.ingest(db, inputs, description="benchmark: BBC corpus again")
    t_again = time.perf_counter() - t0
    v_after = store.current_version(db)
    rows_after = store.stats(db)["articles"]
    c2 = {st: again.count(st) for st in ("added", "duplicate", "linked", "failed")}
    print(f"{t_again:.1f} s: {c2['added']} added, {c2['duplicate']} duplicates, {c2['linked']} linked, "
          f"{c2['failed']} failed; version {v_before} -> {v_after}; article rows {rows_before} -> {rows_after}")
    ok = c2["added"] == 0 and c2["linked"] == 0 and v_after == v_before and rows_after == rows_before \
        and again.version is None
    print("second run adds nothing: " + ("OK" if ok else "FAILED"))
    print(f"\npeak memory at the end (ru_maxrss, incl. the full pipeline): {maxrss_mb():.0f} MB")
    db.conn.close()
    tmp.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
