"""Evaluate named-entity recognition on our hand-labelled sample of BBC news sentences: raw spaCy against our path.

Usage: python benchmarks/ner_bbc_sample.py [--bbc FOLDER] [--fixture FILE] [--errors N]

The fixture ``benchmarks/data/bbc_ner_sample.jsonl`` holds no BBC text, only references (the BBC articles are
research-use only and never copied into the repository). One JSON object per line::

    {"id": "b001", "article": "bbc/business/012.txt", "start": 812, "end": 951, "sha1": "3f2a9c0d1e4b",
     "entities": [[0, 12, "ORG"], [40, 53, "PER"]]}

``article`` is relative to FOLDER (default ``../shared/data/news_bbc_fulltext``); ``start``/``end`` are character
offsets of the sentence in the article as our ingestion reads it: the file decoded and cleaned by
``screening.service.ingest.prepare_article`` (``watchlists.cleaning``), its paragraphs (headline first) joined by a
blank line, which is ``PreparedArticle.text``. ``sha1`` is the first 12 hex digits of the SHA-1 of the sentence's
UTF-8 text: a sentence whose text no longer matches (the data or the cleaning changed) is refused and counted, not
scored. Entity offsets are relative to the sentence; labels PER and ORG (the guideline is in benchmarks/README.md).

Each sampled article is read whole, as ingestion reads it: its paragraphs go through ``watchlists.nlp.load()``
(ner + senter), then

- spaCy, raw: the ``doc.ents`` (PERSON -> PER, ORG -> ORG) that lie inside the sample sentence;
- our path: ``watchlists.extract.extract_spans`` over all the article's paragraphs (no list of known names, as for
  the first article of an empty watchlist), then the spans that lie inside the sample sentence.

Scores are entity-level exact matches (same sentence, same offsets, same label), with ``ner_conll.Score``. LOC is not
labelled in the sample and not scored. The last line printed is the PER+ORG F1 of our path.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

from ner_conll import SPACY_MAP, Score
from screening.service.ingest import prepare_article
from watchlists import extract as ex
from watchlists import nlp as wnlp
from watchlists.errors import ArticleError
from watchlists.sources import read_path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_BBC = REPO.parent / "shared" / "data" / "news_bbc_fulltext"
DEFAULT_FIXTURE = REPO / "benchmarks" / "data" / "bbc_ner_sample.jsonl"
SCORED = ("PER", "ORG")


def text_hash(text: str) -> str:
    """The short hash that ties a fixture line to its sentence text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def read_article(path: Path) -> list[str]:
    """The article's paragraphs exactly as ingestion gives them to the model (headline first)."""
    item = next(iter(read_path(path)))
    if isinstance(item, ArticleError):
        raise item
    return prepare_article(item).paragraphs


def paragraph_starts(paragraphs: list[str]) -> list[int]:
    """Offset of each paragraph in ``"\\n\\n".join(paragraphs)`` (``PreparedArticle.text``)."""
    starts, pos = [], 0
    for p in paragraphs:
        starts.append(pos)
        pos += len(p) + 2
    return starts


def sentences(paragraphs: list[str], docs) -> list[tuple[int, int, int]]:
    """(paragraph index, start, end) of every sentence the pipeline's sentence splitter finds, in article offsets."""
    out = []
    for i, (start, doc) in enumerate(zip(paragraph_starts(paragraphs), docs)):
        for sent in doc.sents:
            out.append((i, start + sent.start_char, start + sent.end_char))
    return out


def load_fixture(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def inside(spans, start: int, end: int) -> set[tuple[int, int, str]]:
    """The spans (article offsets) that lie in [start, end), made relative to ``start``; PER and ORG only."""
    return {(s - start, e - start, t) for s, e, t in spans if start <= s and e <= end and t in SCORED}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bbc", default=str(DEFAULT_BBC), help="the news_bbc_fulltext folder (default: %(default)s)")
    ap.add_argument("--fixture", default=str(DEFAULT_FIXTURE), help="the labelled sample (default: %(default)s)")
    ap.add_argument("--errors", type=int, default=0, help="print N of our path's errors per kind and label")
    args = ap.parse_args(argv)

    bbc = Path(args.bbc)
    if not (bbc / "bbc").is_dir():
        print(f"skipped: the BBC news folder {bbc} is not here (research data, never in the repository)")
        return 0
    sample = load_fixture(Path(args.fixture))
    by_article: dict[str, list[dict]] = {}
    for item in sample:
        by_article.setdefault(item["article"], []).append(item)

    fast = wnlp.load()
    raw_score, our_score = Score(), Score()
    gold_counts: Counter = Counter()
    refused: list[str] = []
    errors = []  # (kind, label, span text, sentence)
    scored = 0
    for rel, items in sorted(by_article.items()):
        paragraphs = read_article(bbc / rel)
        text = "\n\n".join(paragraphs)
        docs = list(fast.pipe(paragraphs))
        starts = paragraph_starts(paragraphs)
        raw_spans, our_spans = [], []
        for pstart, doc, para_spans in zip(starts, docs, ex.extract_spans(paragraphs, docs, known=None)):
            raw_spans += [(e.start_char + pstart, e.end_char + pstart, SPACY_MAP[e.label_])
                          for e in doc.ents if e.label_ in SPACY_MAP]
            our_spans += [(s + pstart, e + pstart, t) for s, e, t in para_spans]
        for item in items:
            sent = text[item["start"]:item["end"]]
            if text_hash(sent) != item["sha1"]:
                refused.append(f"{item['id']} ({rel} {item['start']}-{item['end']})")
                continue
            scored += 1
            gold = {(s, e, t) for s, e, t in item["entities"]}
            gold_counts.update(t for _, _, t in gold)
            raw_score.add(gold, inside(raw_spans, item["start"], item["end"]))
            ours = inside(our_spans, item["start"], item["end"])
            our_score.add(gold, ours)
            for s, e, t in ours - gold:
                errors.append(("FP", t, sent[s:e], sent))
            for s, e, t in gold - ours:
                errors.append(("FN", t, sent[s:e], sent))

    if refused:
        print(f"refused {len(refused)} sentence(s) whose text no longer matches its hash: " + ", ".join(refused[:10])
              + (" ..." if len(refused) > 10 else ""))
    if args.errors:
        for kind in ("FP", "FN"):
            for t in SCORED:
                sel = [e for e in errors if e[0] == kind and e[1] == t]
                print(f"--- {kind} {t}: {len(sel)}")
                for _, _, span, sent in sel[: args.errors]:
                    print(f"  {span!r:32} | {sent[:160]}")
    print(f"{args.fixture}: {scored} sentences scored from {len(by_article)} articles; gold entities: "
          + ", ".join(f"{t} {gold_counts[t]}" for t in SCORED))
    head = f"{'system':50} " + " ".join(f"{t + ' P/R/F1':>19}" for t in SCORED) + f" {'PER+ORG P/R/F1':>19}"
    print(head)
    print("-" * len(head))
    for name, score in ((f"spaCy raw ({wnlp.NAME})", raw_score), ("our path (extract_spans)", our_score)):
        cells = [score.prf((t,)) for t in SCORED] + [score.prf(SCORED)]
        print(f"{name:50} " + " ".join(f"{p:.3f}/{r:.3f}/{f:.3f}".rjust(19) for p, r, f in cells))
    print(f"PER+ORG F1 (our path): {our_score.prf(SCORED)[2]:.3f}")
    return 1 if refused and not scored else 0


if __name__ == "__main__":
    sys.exit(main())
