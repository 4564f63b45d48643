"""Pick candidate (entity, sentence) pairs for the adverse-subject set: BBC sentences with adverse words naming
two or more people/organisations. Prints JSON lines with the text, for labelling by hand (never committed).

    python benchmarks/adverse_subjects_pick.py ../shared/data/news_bbc_fulltext > /tmp/candidates.jsonl
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

from watchlists import extract, nlp, risk


def paragraphs(text: str):
    """(start offset, paragraph) of the blank-line separated paragraphs of a BBC file (the headline included)."""
    for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]*)*", text):
        if m.group(0).strip():
            yield m.start(), m.group(0)


def main() -> None:
    root = Path(sys.argv[1]) / "bbc"
    model = nlp.load()
    for folder in ("business", "politics", "tech", "entertainment"):
        for path in sorted((root / folder).glob("*.txt")):
            raw = path.read_bytes()
            text = raw.decode("utf-8") if folder != "sport" else raw.decode("latin-1")
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
                    if len(ents) < 2:
                        continue
                    s0 = p0 + sent.start_char
                    print(json.dumps({"article": f"bbc/{folder}/{path.name}", "sent_start": s0,
                                      "sent_end": s0 + len(s), "sha1": hashlib.sha1(s.encode()).hexdigest()[:12],
                                      "text": s, "ents": [(a - sent.start_char, b - sent.start_char, lab,
                                                           s[a - sent.start_char:b - sent.start_char])
                                                          for a, b, lab in ents]}))


if __name__ == "__main__":
    main()
