"""Benchmark: the cost of ingestion outside the language model, with the model's output computed beforehand.

Usage (from the repository root, venv active)::

    python benchmarks/ingest_overhead.py [FOLDER] [--limit N] [--repeat R]

The articles of FOLDER (default: the BBC corpus in ``../shared/data``, read in place, never copied) are cleaned
and parsed once by the model (timed: the baseline); then ingestion runs R times into fresh SQLite files with the
model replaced by those ready docs, so that what is timed is only our own work: reading, cleaning, copy detection,
rules, risk, consolidation and storage. It prints the model time, each overhead run, and the ratio
model / (model + best overhead): the speed ingestion would have if the model and our work did not slow each other
down in one process. Use it to find and check overhead savings; ``ingest_bbc.py`` gives the end-to-end figures.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_FOLDER = REPO.parent / "shared" / "data" / "news_bbc_fulltext" / "bbc"


class _ReadyDocs:
    """Stands in for the spaCy pipeline: hands back docs parsed beforehand, in the order asked."""

    def __init__(self, real, docs: dict):
        self.vocab, self.tokenizer, self._docs = real.vocab, real.tokenizer, docs

    def pipe(self, stream, as_tuples=False, **_kwargs):
        for text, context in stream:
            yield self._docs[text], context


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", nargs="?", default=str(DEFAULT_FOLDER))
    ap.add_argument("--limit", type=int, default=600, help="files (default 600)")
    ap.add_argument("--repeat", type=int, default=3, help="overhead runs (default 3)")
    args = ap.parse_args(argv)

    from screening.service import ingest
    from screening.store import db as dbmod
    from watchlists import nlp, places, sources

    files = [p for p, problem in sources.expand_paths([args.folder]) if not problem][:args.limit]
    if not files:
        print(f"no articles in {args.folder}", file=sys.stderr)
        return 2
    model = nlp.load()
    places.preload()
    paragraphs = [p for f in files for raw in sources.read_path(f) if not isinstance(raw, Exception)
                  for p in ingest.prepare_article(raw).paragraphs]
    t0 = time.perf_counter()
    docs = dict(zip(paragraphs, model.pipe(paragraphs, batch_size=ingest.BATCH_SIZE)))
    t_model = time.perf_counter() - t0

    real_load = nlp.load
    nlp.load = lambda full=False: _ReadyDocs(real_load(), docs)
    runs = []
    try:
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as tmp:
                db = dbmod.connect(Path(tmp) / "w.db")
                t0 = time.perf_counter()
                ingest.ingest(db, files)
                runs.append(time.perf_counter() - t0)
                db.conn.close()
    finally:
        nlp.load = real_load
    best = min(runs)
    print(f"{len(files)} files, {len(paragraphs)} paragraphs")
    print(f"model (ner+senter) once: {t_model:.2f} s")
    print("ingestion without the model: " + ", ".join(f"{r:.2f} s" for r in runs))
    print(f"our work = {best / t_model:.1%} of the model's time; model / (model + ours) = "
          f"{t_model / (t_model + best):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
