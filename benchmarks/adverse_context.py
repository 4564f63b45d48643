"""Benchmark: are the adverse words of the sentences that follow a name, and refer back to it ("The firm was fined",
"He was arrested"), about that name?

Usage (from the repository root, venv active)::

    python benchmarks/adverse_context.py [--errors N]

Ingestion reads the one or two sentences after a name that refer back to it ("the firm", "the company" for an
organisation, an opening "He" or "She" for a person; ``Mention.context``) and counts their adverse words for the
name, with less weight. Before stop 27 it counted them whenever they were there (the word rule); since, it parses
them and counts them only when the rules of ``watchlists/subjects.py`` find them about the words that refer back
(``subjects.about_reference``).

Reads ``benchmarks/data/adverse_context.jsonl``: every such (name, following sentences) of the BBC corpus whose
following sentences hold adverse words (63), stored by reference (article, the name as the extractor finds it, its
type, a sha1 of its sentence and of the following sentences) with a label by hand: is the name the subject of
those adverse words (benchmarks/README.md, "Adverse words in the following sentences")? The labels were
committed before the parse-based rule was run on them. The text is read from ``../shared/data/news_bbc_fulltext``
and each article is extracted as ingestion does; without the corpus the benchmark says so and stops.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from adverse_subjects import score  # benchmarks/ (the script's folder)

REPO = Path(__file__).resolve().parents[1]
BBC = REPO.parent / "shared" / "data" / "news_bbc_fulltext"
DATA = REPO / "benchmarks" / "data" / "adverse_context.jsonl"


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def load(rows: list[dict]) -> list[dict]:
    """Each row with the mention's sentence, offsets and following sentences, from the article extracted as
    ingestion extracts it; stops with a message naming the row when its mention is no longer found."""
    from screening.service import ingest
    from watchlists import extract, nlp, sources

    model = nlp.load()
    mentions: dict[str, list] = {}
    for article in sorted({r["article"] for r in rows}):
        raws = [r for r in sources.read_path(BBC / article) if not isinstance(r, Exception)]
        found = []
        for raw in raws:
            prep = ingest.prepare_article(raw)
            docs = list(model.pipe(prep.paragraphs))
            found += extract.extract(prep.paragraphs, docs, None, lang="en").mentions
        mentions[article] = found
    out = []
    for r in rows:
        hit = next((m for m in mentions[r["article"]] if m.name == r["name"] and _sha1(m.excerpt) == r["sha1"]
                    and _sha1(m.context) == r["context_sha1"]), None)
        if hit is None:
            raise SystemExit(f"{DATA.name} row {r['id']} ({r['article']}, {r['name']!r}): the mention or its "
                             "following sentences are no longer found (the extractor has changed)")
        out.append(dict(r, sentence=hit.excerpt, start=hit.start, end=hit.end, context=hit.context))
    return out


def predict(rows: list[dict]) -> list[bool]:
    """Per row: does ingestion count the following sentences' adverse words for the name (parse-based rule)?
    Neither rule counts them for a name that reports or enforces in its own sentence, as ingestion does."""
    from watchlists import extract, nlp, subjects

    texts = sorted({r["context"] for r in rows})
    docs = dict(zip(texts, subjects.parse(nlp.load_parser(), texts)))
    return [subjects.about_reference(docs[r["context"]], extract.references(r["context"], r["type"], r["name"]))
            is not False and not reports(r) for r in rows]


def reports(row: dict) -> bool:
    """Whether the name reports or enforces in its own sentence: ingestion then gives it no adverse weight at all
    (``risk.classify``), whatever follows."""
    from watchlists import risk

    return risk.reporting_role(row["sentence"], row["start"], row["end"]) in ("source", "enforcer")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--errors", type=int, default=0, help="print up to N false positives and N false negatives")
    args = ap.parse_args(argv)
    if not BBC.is_dir():
        print(f"skipped: the BBC corpus is not at {BBC}", file=sys.stderr)
        return 0
    rows = load([json.loads(line) for line in DATA.read_text().splitlines()])
    gold = [bool(r["subject"]) for r in rows]
    guess = predict(rows)
    print(f"{len(rows)} names with adverse words in the following sentences, {sum(gold)} of them their subject")
    print(f"  word rule (every following sentence counts, before stop 27): "
          f"{score(gold, [not reports(r) for r in rows])}")
    print(f"  parse of the words that refer back (as shipped):             {score(gold, guess)}")
    if args.errors:
        for title, want in (("false positives", False), ("false negatives", True)):
            print(f"\n-- {title} --")
            for r, g, q in [x for x in zip(rows, gold, guess) if x[1] == want and x[2] != want][:args.errors]:
                print(f"[{r['name']}] {r['article']}: {r['sentence']} || {r['context']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
