"""Build the labelled BBC sentence sample for ``ner_bbc_sample.py``: select sentences, then turn hand labels into offsets.

Usage::

    python benchmarks/bbc_sample_build.py select WORKDIR [--bbc FOLDER] [--seed 17]
    python benchmarks/bbc_sample_build.py apply WORKDIR [--bbc FOLDER] [--fixture FILE]
    python benchmarks/bbc_sample_build.py show [--bbc FOLDER] [--fixture FILE]

``select`` draws the sentences (seeded, reproducible) and writes, to WORKDIR (outside the repository: it holds BBC
text), ``candidates.jsonl`` (references) and ``sentences.txt`` (one sentence per line, with its id, to read and
label). The labels are written by hand, by a person reading each sentence against the guideline in
benchmarks/README.md, into ``WORKDIR/labels.txt``, one line per sentence::

    b001 | ORG=Yukos; PER=Mikhail Khodorkovsky; ORG=Menatep
    b002 |
    b003 | PER=Blair@2

``LABEL=name`` labels every whole-word occurrence of ``name`` in the sentence; ``name@k`` only the k-th. Longer
names are placed first and an occurrence overlapping one already placed is skipped. ``b004 drop`` leaves a sentence
out. ``apply`` checks that every name is found and writes the fixture (offsets and hashes only, no text). ``show``
prints every sentence of the fixture with its labels in brackets (``[Yukos|ORG]``), to review the labels.

Selection: sentences come from the body of the article (not the headline) as ingestion reads it, split by the
pipeline's sentence splitter; 5 to 70 words; at most two per article; per category a fixed quota weighted towards
business and politics; in each, about 85% of the picks have a capitalised word after the first (a likely name) and
15% have none.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

from ner_bbc_sample import DEFAULT_BBC, DEFAULT_FIXTURE, load_fixture, read_article, sentences, text_hash
from watchlists import nlp as wnlp

QUOTA = {"business": 90, "politics": 90, "entertainment": 45, "sport": 45, "tech": 45}
CAPITALISED = re.compile(r"(?<=\s)[\"'‘“(]?[A-Z][\w&'’.-]*")


def has_name_like_word(sentence: str) -> bool:
    """A capitalised word that does not open the sentence (a likely name), e.g. "said Mr Blair"."""
    return bool(CAPITALISED.search(sentence))


def select(bbc: Path, workdir: Path, seed: int) -> None:
    rng = random.Random(seed)
    nlp = wnlp.load()
    picks = []
    for category, quota in QUOTA.items():
        files = sorted((bbc / "bbc" / category).glob("*.txt"))
        rng.shuffle(files)
        want_plain = round(quota * 0.15)
        want_names = quota - want_plain
        for path in files:
            if want_names <= 0 and want_plain <= 0:
                break
            paragraphs = read_article(path)
            text = "\n\n".join(paragraphs)
            sents = [(s, e) for i, s, e in sentences(paragraphs, list(nlp.pipe(paragraphs)))
                     if i > 0 and 5 <= len(text[s:e].split()) <= 70]
            named = [se for se in sents if has_name_like_word(text[se[0]:se[1]])]
            plain = [se for se in sents if se not in named]
            taken = []
            # one sentence with a likely name per article and, every so often, one without
            if named and want_names > 0:
                taken.append(rng.choice(named))
                want_names -= 1
            if plain and want_plain > 0 and rng.random() < 0.4:
                taken.append(rng.choice(plain))
                want_plain -= 1
            elif len(named) > 1 and want_names > 0 and rng.random() < 0.3:
                other = rng.choice([se for se in named if se not in taken])
                taken.append(other)
                want_names -= 1
            for s, e in sorted(taken):
                picks.append({"article": str(path.relative_to(bbc)), "start": s, "end": e,
                              "sha1": text_hash(text[s:e]), "_text": text[s:e]})
    picks.sort(key=lambda p: (p["article"], p["start"]))
    workdir.mkdir(parents=True, exist_ok=True)
    with open(workdir / "candidates.jsonl", "w", encoding="utf-8") as fc, \
            open(workdir / "sentences.txt", "w", encoding="utf-8") as ft:
        for n, p in enumerate(picks, 1):
            p = {"id": f"b{n:03d}", **p}
            ft.write(f"{p['id']} [{p['article']}] {p.pop('_text')}\n")
            fc.write(json.dumps(p) + "\n")
    print(f"{len(picks)} sentences from {len({p['article'] for p in picks})} articles -> {workdir}")


def place(sentence: str, labels: list[tuple[str, str]], where: str) -> list[list]:
    """Turn (label, name[@k]) into sorted [start, end, label] offsets in the sentence."""
    placed: list[list] = []
    for label, name in sorted(labels, key=lambda x: -len(x[1].split("@")[0])):
        m = re.fullmatch(r"(.+?)@(\d+)", name)
        name, nth = (m.group(1), int(m.group(2))) if m else (name, None)
        hits = [h.start() for h in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", sentence)]
        if nth is not None:
            hits = hits[nth - 1:nth]
        hits = [s for s in hits if not any(s < e and s + len(name) > b for b, e, _ in placed)]
        if not hits:
            raise SystemExit(f"{where}: {label}={name!r} not found (or overlapping) in: {sentence}")
        placed += [[s, s + len(name), label] for s in hits]
    return sorted(placed)


def apply(bbc: Path, workdir: Path, fixture: Path) -> None:
    candidates = {}
    with open(workdir / "candidates.jsonl", encoding="utf-8") as fh:
        for line in fh:
            c = json.loads(line)
            candidates[c["id"]] = c
    labelled = {}
    with open(workdir / "labels.txt", encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            sid, _, rest = line.partition(" ")
            rest = rest.strip()
            if rest == "drop":
                labelled[sid] = None
                continue
            if not rest.startswith("|"):
                raise SystemExit(f"labels.txt line {lineno}: expected 'ID | LABEL=name; ...' or 'ID drop'")
            pairs = []
            for part in filter(None, (x.strip() for x in rest[1:].split(";"))):
                label, _, name = part.partition("=")
                if label not in ("PER", "ORG") or not name:
                    raise SystemExit(f"labels.txt line {lineno}: bad label {part!r}")
                pairs.append((label, name.strip()))
            labelled[sid] = pairs
    missing = [sid for sid in candidates if sid not in labelled]
    if missing:
        raise SystemExit(f"{len(missing)} sentences not labelled yet, first: {missing[:5]}")
    texts: dict[str, str] = {}
    out = []
    for sid, c in candidates.items():
        if labelled[sid] is None:
            continue
        if c["article"] not in texts:
            texts[c["article"]] = "\n\n".join(read_article(bbc / c["article"]))
        sentence = texts[c["article"]][c["start"]:c["end"]]
        if text_hash(sentence) != c["sha1"]:
            raise SystemExit(f"{sid}: the sentence text changed since selection")
        out.append({**c, "entities": place(sentence, labelled[sid], sid)})
    with open(fixture, "w", encoding="utf-8") as fh:
        for item in out:
            fh.write(json.dumps(item) + "\n")
    n = sum(len(i["entities"]) for i in out)
    print(f"{len(out)} sentences, {n} entities -> {fixture}")


def show(bbc: Path, fixture: Path) -> None:
    texts: dict[str, str] = {}
    for item in load_fixture(fixture):
        if item["article"] not in texts:
            texts[item["article"]] = "\n\n".join(read_article(bbc / item["article"]))
        sentence = texts[item["article"]][item["start"]:item["end"]]
        if text_hash(sentence) != item["sha1"]:
            print(f"{item['id']}: text changed since labelling")
            continue
        for s, e, label in sorted(item["entities"], reverse=True):
            sentence = f"{sentence[:s]}[{sentence[s:e]}|{label}]{sentence[e:]}"
        print(f"{item['id']} {item['article']}: {sentence}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("action", choices=("select", "apply", "show"))
    ap.add_argument("workdir", nargs="?", help="a folder outside the repository (it holds BBC text)")
    ap.add_argument("--bbc", default=str(DEFAULT_BBC))
    ap.add_argument("--fixture", default=str(DEFAULT_FIXTURE))
    ap.add_argument("--seed", type=int, default=17)
    args = ap.parse_args(argv)
    if args.action == "show":
        show(Path(args.bbc), Path(args.fixture))
    elif args.workdir is None:
        ap.error(f"{args.action} needs WORKDIR")
    elif args.action == "select":
        select(Path(args.bbc), Path(args.workdir), args.seed)
    else:
        apply(Path(args.bbc), Path(args.workdir), Path(args.fixture))
    return 0


if __name__ == "__main__":
    sys.exit(main())
