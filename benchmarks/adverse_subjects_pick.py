"""Pick candidate (entity, sentence) pairs for the adverse-subject set: BBC sentences with adverse words naming
two or more people/organisations. Prints JSON lines with the text, for labelling by hand (never committed).

    python benchmarks/adverse_subjects_pick.py ../shared/data/news_bbc_fulltext > /tmp/candidates.jsonl

The held-out rows were picked with ``--exclude benchmarks/data/adverse_subjects.jsonl --shuffle --max-sentences 60``:
articles not used by the dev rows and sentences not among them (the corpus repeats stories), in an order fixed by the sha1 of their path (not by topic or by what the rules
get right), up to 60 sentences; the four folders hold only 28 such sentences, so
the sport folder was added (``--folders sport --max-sentences 20``). The test rows (``"split": "test"``) were picked
the same way after the dev2 rows were labelled: ``--folders sport --min-names 1 --max-sentences 60`` (articles in no other row),
and ``--reuse-articles --max-sentences 25`` in the four other folders (sentences in no other row, from any article).

``--conll DIR`` picks from CoNLL-2003 English (Reuters 1996) instead (the "conll" split, i17-subj5)::

    python benchmarks/adverse_subjects_pick.py --conll ../shared/data/ner_conll2003 --max-sentences 60

The "conll2" split (i17-conll2) was picked the same way, leaving out the sentences of the labelled rows
(``--exclude`` with ``--conll``: by file and index, and by text)::

    python benchmarks/adverse_subjects_pick.py --conll ../shared/data/ner_conll2003 \
        --exclude benchmarks/data/adverse_subjects.jsonl --min-names 2 --max-sentences 110

and the "conll3" split (i17-conll2) takes the sentences with exactly one name left after that (``--max-names``)::

    python benchmarks/adverse_subjects_pick.py --conll ../shared/data/ner_conll2003 \
        --exclude benchmarks/data/adverse_subjects.jsonl --min-names 1 --max-names 1 --max-sentences 200

Files eng.testa then eng.train (``--conll-files``); within a file, sentences in the order of the sha1 of
"FILE:INDEX" (INDEX: the sentence's place in the file as ``benchmarks/ner_conll.py`` reads it, -DOCSTART- lines
and blank lines splitting); a sentence's text is its tokens joined by spaces (as ner_conll.py rebuilds it), and its
names are those our extractor finds when each document is given sentence by sentence (as ner_conll.py does).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
from pathlib import Path

from ner_conll import read_conll, sentence_spans  # benchmarks/ (the script's folder)
from watchlists import extract, nlp, risk


def paragraphs(text: str):
    """(start offset, paragraph) of the blank-line separated paragraphs of a BBC file (the headline included)."""
    for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]*)*", text):
        if m.group(0).strip():
            yield m.start(), m.group(0)


def conll_sentences(path: Path) -> list[tuple[int, str, int]]:
    """(index in the file, text, document number) of every sentence of a CoNLL file, as ner_conll.py reads it."""
    out = []
    for d, doc in enumerate(read_conll(str(path))):
        for sent in doc:
            out.append((len(out), sentence_spans(sent)[0], d))
    return out


def pick_conll(folder: Path, files: list[str], max_sentences: int, min_names: int,
               exclude: Path | None = None, max_names: int = 0) -> None:
    """Print the CoNLL candidates: sentences with adverse words and at least min_names (at most max_names, when
    given) PER/ORG names of ours, leaving out the CoNLL sentences of ``exclude`` (labelled rows), by (file, index) and by text (sha1)."""
    model = nlp.load()
    printed = 0
    seen: set[str] = set()
    used: set[tuple[str, int]] = set()
    if exclude:
        rows = [json.loads(line) for line in exclude.read_text().splitlines()]
        rows = [r for r in rows if r.get("corpus") == "conll"]
        used = {(r["file"], r["sentence"]) for r in rows}
        seen = {r["sha1"] for r in rows}  # a repeated text elsewhere in the files is the same sentence
    for name in files:
        sents = conll_sentences(folder / name)
        # Only sentences with adverse words need the model: extract each of their documents, sentence by sentence.
        wanted = {i for i, text, _ in sents if risk._find_cached(text)}
        docs_needed = sorted({d for i, _, d in sents if i in wanted})
        names: dict[int, list[tuple[int, int, str]]] = {}
        for d in docs_needed:
            members = [(i, text) for i, text, dd in sents if dd == d]
            texts = [t for _, t in members]
            spans = extract.extract_spans(texts, list(model.pipe(texts)), known=None)
            for (i, _), sp in zip(members, spans):
                if i in wanted:
                    names[i] = [(a, b, lab) for a, b, lab in sp if lab in ("PER", "ORG")]
        order = sorted(wanted, key=lambda i: hashlib.sha1(f"{name}:{i}".encode()).hexdigest())
        for i in order:
            text = sents[i][1]
            ents = sorted(names[i])
            sha1 = hashlib.sha1(text.encode()).hexdigest()[:12]
            if len(ents) < min_names or (max_names and len(ents) > max_names) or sha1 in seen or (name, i) in used:
                continue  # Reuters repeats sentences (tables, corrections): each text once
            seen.add(sha1)
            if max_sentences and printed >= max_sentences:
                return
            printed += 1
            print(json.dumps({"corpus": "conll", "file": name, "sentence": i, "sha1": sha1, "text": text,
                              "ents": [(a, b, lab, text[a:b]) for a, b, lab in ents]}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("bbc", nargs="?", help="the BBC corpus folder")
    ap.add_argument("--conll", help="pick from this CoNLL-2003 folder instead of the BBC corpus")
    ap.add_argument("--conll-files", default="eng.testa,eng.train", help="CoNLL files, in order of preference")
    ap.add_argument("--exclude", help="a jsonl of labelled rows whose articles are left out")
    ap.add_argument("--shuffle", action="store_true", help="articles in the order of the sha1 of their path")
    ap.add_argument("--folders", default="business,politics,tech,entertainment", help="BBC folders, comma-separated")
    ap.add_argument("--max-sentences", type=int, default=0, help="stop after N sentences")
    ap.add_argument("--min-names", type=int, default=2,
                    help="sentences naming at least N people/organisations (1: also a lone name beside the words)")
    ap.add_argument("--max-names", type=int, default=0,
                    help="with --conll, sentences naming at most N people/organisations (0: no limit)")
    ap.add_argument("--reuse-articles", action="store_true",
                    help="with --exclude, leave out only the labelled sentences, not their whole articles")
    args = ap.parse_args()
    if args.conll:
        pick_conll(Path(args.conll), args.conll_files.split(","), args.max_sentences, args.min_names,
                   Path(args.exclude) if args.exclude else None, args.max_names)
        return
    root = Path(args.bbc) / "bbc"
    used, seen = set(), set()  # the articles and the sentences (sha1) already labelled
    if args.exclude:
        rows = [json.loads(line) for line in Path(args.exclude).read_text().splitlines()]
        used = set() if args.reuse_articles else {r["article"] for r in rows}
        seen = {r["sha1"] for r in rows}
    model = nlp.load()
    paths = [path for folder in args.folders.split(",")
             for path in sorted((root / folder).glob("*.txt")) if f"bbc/{folder}/{path.name}" not in used]
    if args.shuffle:
        paths.sort(key=lambda p: hashlib.sha1(f"{p.parent.name}/{p.name}".encode()).hexdigest())
    printed = 0
    for path in paths:
        folder = path.parent.name
        raw = path.read_bytes()
        try:  # as the benchmark reads it (a few sport files are not UTF-8)
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        paras = list(paragraphs(text))
        docs = list(model.pipe([p for _, p in paras]))
        spans = extract.extract_spans([p for _, p in paras], docs)
        for (p0, para), doc, sp in zip(paras, docs, spans):
            for sent in doc.sents:
                s = sent.text
                if not risk._find_cached(s):
                    continue
                ents = [(a, b, lab) for a, b, lab in sp if lab in ("PER", "ORG")
                        and sent.start_char <= a and b <= sent.end_char]
                if len(ents) < args.min_names:
                    continue
                sha1 = hashlib.sha1(s.encode()).hexdigest()[:12]
                if sha1 in seen:
                    continue  # the corpus repeats stories: a sentence labelled already (or just printed)
                seen.add(sha1)
                if args.max_sentences and printed >= args.max_sentences:
                    return
                printed += 1
                s0 = p0 + sent.start_char
                print(json.dumps({"article": f"bbc/{folder}/{path.name}", "sent_start": s0,
                                  "sent_end": s0 + len(s), "sha1": sha1,
                                  "text": s, "ents": [(a - sent.start_char, b - sent.start_char, lab,
                                                       s[a - sent.start_char:b - sent.start_char])
                                                      for a, b, lab in ents]}))


if __name__ == "__main__":
    main()
