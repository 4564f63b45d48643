"""Evaluate named-entity recognition on a CoNLL-2003-format file: raw spaCy against our extraction path.

Usage: python benchmarks/ner_conll.py FILE [--limit N] [--model PACKAGE] [--skip-full]

FILE has one token per line, columns ``token POS chunk NER`` (IOB1 or IOB2 tags), blank lines between sentences and
``-DOCSTART-`` lines between documents. The text is rebuilt from the tokens (joined with spaces, one sentence per
paragraph, grouped by document) and given to:

- spaCy, raw: the ``doc.ents`` of ``watchlists.nlp.load()`` (ner + senter) and, for reference, of the full pipeline
  ``load(full=True)``; PERSON -> PER, ORG -> ORG, GPE/LOC -> LOC, other labels ignored;
- our path: ``watchlists.extract.extract_spans`` per document (the spans ``extract()`` turns into mentions) on the
  docs of the fast pipeline;
- optionally another installed spaCy model package (``--model``), raw, for comparison.

Scores are entity-level exact matches (same paragraph, same character offsets, same type). MISC is not scored.
The last line printed is the PER+ORG F1 of our path. The data file is only read, never copied.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter

TYPES = ("PER", "ORG", "LOC")
SPACY_MAP = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}


def read_conll(path: str) -> list[list[list[tuple[str, str]]]]:
    """Return documents, each a list of sentences, each a list of (token, tag)."""
    docs: list[list[list[tuple[str, str]]]] = []
    sent: list[tuple[str, str]] = []
    doc: list[list[tuple[str, str]]] = []

    def end_sent():
        nonlocal sent
        if sent:
            doc.append(sent)
            sent = []

    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip():
                end_sent()
                continue
            cols = line.split()
            if cols[0] == "-DOCSTART-":
                end_sent()
                if doc:
                    docs.append(doc)
                doc = []
                continue
            sent.append((cols[0], cols[-1]))
    end_sent()
    if doc:
        docs.append(doc)
    return docs


def sentence_spans(sent: list[tuple[str, str]]) -> tuple[str, set[tuple[int, int, str]]]:
    """Rebuild a sentence's text and its gold entity spans (IOB1 or IOB2)."""
    text_parts, offsets = [], []
    pos = 0
    for tok, _ in sent:
        offsets.append((pos, pos + len(tok)))
        text_parts.append(tok)
        pos += len(tok) + 1
    gold: set[tuple[int, int, str]] = set()
    cur = None  # [start, end, type]
    prev_type = None
    for (s, e), (_, tag) in zip(offsets, sent):
        if tag == "O" or "-" not in tag:
            if cur:
                gold.add(tuple(cur))
            cur, prev_type = None, None
            continue
        bio, etype = tag.split("-", 1)
        if bio == "B" or etype != prev_type or cur is None:
            if cur:
                gold.add(tuple(cur))
            cur = [s, e, etype]
        else:
            cur[1] = e
        prev_type = etype
    if cur:
        gold.add(tuple(cur))
    return " ".join(text_parts), {g for g in gold if g[2] in TYPES}


class Score:
    def __init__(self):
        self.tp, self.fp, self.fn = Counter(), Counter(), Counter()

    def add(self, gold: set, pred: set) -> None:
        for item in pred & gold:
            self.tp[item[-1]] += 1
        for item in pred - gold:
            self.fp[item[-1]] += 1
        for item in gold - pred:
            self.fn[item[-1]] += 1

    def prf(self, types) -> tuple[float, float, float]:
        tp = sum(self.tp[t] for t in types)
        fp = sum(self.fp[t] for t in types)
        fn = sum(self.fn[t] for t in types)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


def spacy_spans(doc) -> set[tuple[int, int, str]]:
    return {(e.start_char, e.end_char, SPACY_MAP[e.label_]) for e in doc.ents if e.label_ in SPACY_MAP}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file")
    ap.add_argument("--limit", type=int, default=None, help="only the first N documents")
    ap.add_argument("--model", default=None, help="also measure this installed spaCy model package, raw")
    ap.add_argument("--skip-full", action="store_true", help="do not run the full pipeline")
    ap.add_argument("--errors", type=int, default=0, help="print N of our path's errors per type (to stderr)")
    args = ap.parse_args(argv)

    from watchlists import extract as ex
    from watchlists import nlp as wnlp

    documents = read_conll(args.file)
    if args.limit:
        documents = documents[: args.limit]
    paras_by_doc: list[list[str]] = []
    gold_by_doc: list[list[set]] = []
    n_tokens = 0
    for d in documents:
        ps, gs = [], []
        for sent in d:
            text, gold = sentence_spans(sent)
            ps.append(text)
            gs.append(gold)
            n_tokens += len(sent)
        paras_by_doc.append(ps)
        gold_by_doc.append(gs)
    flat = [p for ps in paras_by_doc for p in ps]
    flat_gold = [g for gs in gold_by_doc for g in gs]

    # Warm up models and gazetteers (loading is not what we time).
    fast = wnlp.load()
    list(fast.pipe(["Warm up in London with Reuters."]))
    from watchlists import places
    places.is_place("London")
    places.place_country("Chinese")
    places._load_cities()

    rows = []  # (system, Score, seconds)

    def run_raw(name, nlp):
        t0 = time.perf_counter()
        docs = list(nlp.pipe(flat, batch_size=256))
        dt = time.perf_counter() - t0
        sc = Score()
        for g, d in zip(flat_gold, docs):
            sc.add(g, spacy_spans(d))
        rows.append((name, sc, dt))
        return docs, dt

    fast_docs, fast_dt = run_raw(f"spaCy raw ({wnlp.NAME})", fast)
    if not args.skip_full:
        full = wnlp.load(full=True)
        list(full.pipe(["Warm up."]))
        run_raw("spaCy raw (full pipeline)", full)
    if args.model:
        import spacy

        other = spacy.load(args.model)
        list(other.pipe(["Warm up."]))
        run_raw(f"spaCy raw ({args.model})", other)

    # Our path: the same fast docs, then the extraction rules document by document.
    t0 = time.perf_counter()
    ours_by_doc = []
    i = 0
    for ps in paras_by_doc:
        ds = fast_docs[i:i + len(ps)]
        i += len(ps)
        ours_by_doc.append(ex.extract_spans(ps, ds, known=None))
    post_dt = time.perf_counter() - t0
    sc = Score()
    errors = []
    for gs, os_, ps in zip(gold_by_doc, ours_by_doc, paras_by_doc):
        for g, o, p in zip(gs, os_, ps):
            sc.add(g, set(o))
            if args.errors:
                for s, e, t in set(o) - g:
                    errors.append(("FP", t, p[s:e], p))
                for s, e, t in g - set(o):
                    errors.append(("FN", t, p[s:e], p))
    rows.append(("our path (extract_spans)", sc, fast_dt + post_dt))

    if args.errors:
        for kind in ("FP", "FN"):
            for t in TYPES:
                sel = [e for e in errors if e[0] == kind and e[1] == t]
                print(f"--- {kind} {t}: {len(sel)}", file=sys.stderr)
                for _, _, span, para in sel[: args.errors]:
                    print(f"  {span!r:30}  | {para[:150]}", file=sys.stderr)

    print(f"{args.file}: {len(documents)} documents, {len(flat)} sentences, {n_tokens} tokens")
    head = f"{'system':44} " + " ".join(f"{t + ' P/R/F1':>19}" for t in TYPES) + f" {'PER+ORG F1':>10} {'tokens/s':>9}"
    print(head)
    print("-" * len(head))
    for name, score, dt in rows:
        cells = []
        for t in TYPES:
            p, r, f = score.prf((t,))
            cells.append(f"{p:.3f}/{r:.3f}/{f:.3f}".rjust(19))
        _, _, f2 = score.prf(("PER", "ORG"))
        print(f"{name:44} " + " ".join(cells) + f" {f2:10.3f} {n_tokens / dt:9.0f}")
    print(f"post-processing of our path: {post_dt:.2f}s = {100 * post_dt / fast_dt:.1f}% of the ner+senter time "
          f"({fast_dt:.2f}s)")
    _, _, f_ours = sc.prf(("PER", "ORG"))
    print(f"PER+ORG F1 (our path): {f_ours:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
