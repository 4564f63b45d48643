"""The PDF case file of a run with 100, 1,000 and 10,000 hits: time and peak memory, against the Excel report.

    python benchmarks/pdf_report.py [--hits 100 1000 10000] [--decided 0.2]

For each size, a run is stored in a fresh SQLite file (in a temporary folder): one client row per hit, each hit a
news hit with reasons and two excerpts (about 200 characters each), a fifth of them decided (half of those approved
by a second reviewer), so that every section of the case file has content. Then, in one fresh subprocess per size
(so that its peak memory is that of the writing alone; the modules and fonts loaded first by writing one hit's
case file), ``screen.write_run_report`` (xlsx) and
``screen.write_run_pdf`` write the same run one after the other; each is timed and followed by the process's
resident memory and its high-water mark (VmRSS and VmHWM from /proc/self/status). The Excel report comes first, so
the PDF's peak is the high-water mark after it, and its growth is the mark's rise over the memory before it.

The lines printed: hits, pages, file sizes, seconds for each and the ratio PDF / Excel, RSS before, peak after the
Excel report, peak after the PDF, and the PDF's rise.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EXCERPT = ("Prosecutors in the capital said on Monday that {name}, a trading company director, had been charged with "
           "fraud and money laundering over payments routed through shell companies in three countries.")


def build(path: Path, hits: int, decided: float) -> int:
    """Store a run of ``hits`` rows with one hit each; return its id."""
    from screening.engine.results import HitRecord, RowRecord
    from screening.store import db as dbmod
    from screening.store import runs
    from screening.store import watchlist as store

    db = dbmod.connect(path)
    # The hits name entities that are not stored (a case file reads the hits' own snapshot of them).
    db.conn.execute("PRAGMA foreign_keys = OFF")
    version = store.new_version(db, "import", "benchmark", "bench")
    run_id = runs.create_run(db, file_name="benchmark clients.xlsx", sha256="0" * 64, file_size=1, sheet=None,
                             actor="bench", mapping={"header_row": 1, "columns": {"name": "Name"}}, threshold=0.7,
                             hit_limit=10, algorithm="aligned-words/1.0", watchlist_version=version,
                             watchlist_entities=hits, rows_total=hits)
    batch = []
    for n in range(hits):
        name = f"Client Number{n} Trading"
        row = RowRecord(row=n + 2, client_id=f"C-{n}", name=name, type="company", countries=["gb"], birth_date=None,
                        cells={"ID": f"C-{n}", "Name": name}, status="screened", reason=None, notes=[],
                        best_score=0.91, client_key=f"k{n}", client_fingerprint=f"f{n}", hit_count=1)
        excerpts = [{"excerpt": EXCERPT.format(name=name), "start": 34, "end": 34 + len(name),
                     "article_title": f"Director charged {n}", "source": "news", "published": "2024-05-01",
                     "url": f"https://news.example/{n}"} for _ in range(2)]
        hit = HitRecord(row=n + 2, rank=1, entity_id=n + 1, entity_name=name, entity_type="organization",
                        source="news", list_id=None, programs=[], remarks=None, matched_name=name, score=0.91,
                        name_score=0.95, reasons=[{"feature": "name_parts", "outcome": "match",
                                                   "text": "words agree: client = client (same word)"},
                                                  {"feature": "country", "outcome": "unknown",
                                                   "text": "no country in the article"}],
                        risk_categories=["fraud", "money_laundering"], relevance=0.4, countries=["gb"],
                        excerpts=excerpts, client_key=f"k{n}", entity_fingerprint=f"e{n}",
                        alert_class="adverse media", priority=2000.4)
        batch.append((row, [hit]))
        if len(batch) == 500:
            runs.add_results(db, run_id, batch)
            batch = []
    if batch:
        runs.add_results(db, run_id, batch)
    runs.finish_run(db, run_id)
    every = max(1, round(1 / decided)) if decided else 0
    for hit_id in range(1, hits + 1, every) if every else ():
        d = runs.add_decision(db, hit_id, "true match", "same name, confirmed by other sources", actor="ana",
                              comment="checked the registry")
        if hit_id % (2 * every) == 1:
            runs.approve(db, d, "rita", "reviewer", comment="agreed")
    db.close()
    return run_id


def _memory() -> dict[str, float]:
    """VmRSS and VmHWM of this process, in MB."""
    out = {}
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) / 1024
    return out


def measure(path: str, run_id: int, folder: str) -> dict:
    """In a fresh process: write the Excel report, then the PDF case file, of the run; time and memory of each."""
    from pypdf import PdfReader

    from screening.service import screen
    from screening.store import db as dbmod

    db = dbmod.connect(path)
    # Imports and fonts loaded once, by the case file of one hit (the run's own would raise the mark measured).
    screen.write_hit_pdf(db, 1, os.path.join(folder, "warm.pdf"), actor="bench")
    before = _memory()
    t = time.perf_counter()
    xlsx = os.path.join(folder, "run.xlsx")
    screen.write_run_report(db, run_id, xlsx, actor="bench")
    xlsx_s = time.perf_counter() - t
    after_xlsx = _memory()
    t = time.perf_counter()
    pdf = os.path.join(folder, "run.pdf")
    screen.write_run_pdf(db, run_id, pdf, actor="bench")
    pdf_s = time.perf_counter() - t
    after_pdf = _memory()
    return {"xlsx_s": xlsx_s, "pdf_s": pdf_s, "rss_before": before["VmRSS"], "hwm_xlsx": after_xlsx["VmHWM"],
            "hwm_pdf": after_pdf["VmHWM"], "pages": len(PdfReader(pdf).pages),
            "xlsx_mb": os.path.getsize(xlsx) / 2**20, "pdf_mb": os.path.getsize(pdf) / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hits", type=int, nargs="+", default=[100, 1_000, 10_000])
    parser.add_argument("--decided", type=float, default=0.2, help="share of hits with a decision")
    parser.add_argument("--child", nargs=3, metavar=("DB", "RUN", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child[0], int(args.child[1]), args.child[2])))
        return
    print(f"{'hits':>7} {'pages':>6} {'xlsx MB':>8} {'pdf MB':>7} {'xlsx s':>7} {'pdf s':>7} {'pdf/xlsx':>8} "
          f"{'RSS MB':>7} {'peak xlsx':>9} {'peak pdf':>8} {'pdf rise':>8}")
    for hits in args.hits:
        with tempfile.TemporaryDirectory(prefix="pdf-bench-") as folder:
            path = Path(folder) / "bench.db"
            run_id = build(path, hits, args.decided)
            done = subprocess.run([sys.executable, __file__, "--child", str(path), str(run_id), folder],
                                  capture_output=True, text=True, check=True, env={**os.environ,
                                                                                   "PYTHONPATH": str(ROOT)})
            m = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{hits:>7,} {m['pages']:>6,} {m['xlsx_mb']:>8.1f} {m['pdf_mb']:>7.1f} {m['xlsx_s']:>7.2f} "
                  f"{m['pdf_s']:>7.2f} {m['pdf_s'] / m['xlsx_s']:>8.1f} {m['rss_before']:>7.0f} "
                  f"{m['hwm_xlsx']:>9.0f} {m['hwm_pdf']:>8.0f} {m['hwm_pdf'] - max(m['hwm_xlsx'], m['rss_before']):>8.0f}",
                  flush=True)


if __name__ == "__main__":
    main()
