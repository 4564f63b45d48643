"""Recall and false-match rate on transliterated person names (Wikidata pairs, Merhav & Ash, COLING 2018).

    python benchmarks/match_translit.py [DATA_DIR] [--n 2000] [--seed 1] [--threshold 0.70] [--errors K]
        [--lang hebrew korean russian arabic chinese] [--lang japanese japanese-kanji]

DATA_DIR defaults to ``../shared/data/name_matching/wikidata_transliteration_pairs`` beside the repository (read in
place, never copied). Per language, N pairs are drawn at random (seeded; empty lines and malformed rows skipped):

- Hebrew (``wd_hebrew``) and Korean (``wd_korean``): full names, ``English<TAB>native``, compared as they are.
- Japanese (``wd_japanese...``, not in the default set): word-level, mostly foreign names in katakana.
- Japanese kanji (``japanese-kanji``, not in the default set): full names built from
  ``../japanese_names_kanji_kana_romaji`` (MIT), see ``japanese_names``.
- Russian (``wd_russian_20``), Arabic (``wd_arabic.normalized.aligned.tokens``) and Chinese
  (``wd_chinese.normalized.aligned.tokens``): single words, ``latin_token<TAB>characters<TAB>frequency``. In all
  three files the second field holds exactly one character per space-separated item (checked: no item is longer),
  so the native word is the characters joined with no separator ("ш и р а н и" -> "ширани", "古 普 塔" -> "古普塔").
  The Latin side is lower case as in the file; the frequency (how often the pair was seen) is ignored, each distinct
  row counts once. Rows whose frequency is not an integer are malformed and skipped.

Every pair is compared with ``compare(english, native, type="person")``. A ``Skipped`` answer counts as a miss and
is reported separately. Printed per language: recall at the threshold (share of true pairs scoring >= it), mean
score, share skipped; and a negative control: the same number of mismatched pairs, the English side of pair i
against the native side of pair i+k (k drawn at random per pair, 1 <= k < N; redrawn when the two rows share their
native or their Latin form, which happens among word-level rows: "mohamed" and "muhammad" both give محمد), whose
share at or above the threshold is the false-match rate; and a harder control, each English name against the
native name of the other sampled row whose romanisation (``name_key``) is most like it (``nearest``). Beside them:
a plain rapidfuzz baseline, ``fuzz.WRatio`` on ``normality.ascii_text(x).casefold()`` of both sides, divided by
100, at the same threshold. Speed: true pairs
per second of our engine (each name seen for the first time, so its analysis cache is cold; models and tables are
loaded before timing), and the ratio against the baseline in the same process. ``--errors K`` prints K misses
and up to K false matches per language with their score and the engine's reasons.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from normality import ascii_text
from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screening.engine.model import Skipped  # noqa: E402
from screening.engine.normalize import name_key  # noqa: E402
from screening.engine.pairs import BENCHMARK_THRESHOLD, algorithm_id, compare  # noqa: E402

DEFAULT = Path(__file__).resolve().parents[2] / "shared/data/name_matching/wikidata_transliteration_pairs"
# language -> (file, format): "full" = English<TAB>native; "tokens" = latin<TAB>c h a r s<TAB>frequency
LANGUAGES = {
    "hebrew": ("wd_hebrew", "full"),
    "korean": ("wd_korean", "full"),
    "russian": ("wd_russian_20", "tokens"),
    "arabic": ("wd_arabic.normalized.aligned.tokens", "tokens"),
    "chinese": ("wd_chinese.normalized.aligned.tokens", "tokens"),
    # Not in the default set (the pooled figure stays comparable with earlier runs); ask for them with --lang.
    "japanese": ("wd_japanese.normalized.aligned.tokens", "tokens"),
    "japanese-kanji": ("../japanese_names_kanji_kana_romaji", "jnames"),
}
DEFAULT_LANGUAGES = ["hebrew", "korean", "russian", "arabic", "chinese"]
JNAMES_PAIRS = 20_000


def japanese_names(folder: Path) -> tuple[list[tuple[str, str]], int]:
    """Build full Japanese names, "Given Surname" in Hepburn against "surname given" in kanji.

    Surnames are drawn by their estimated population, given names uniformly from the male and female reading rows,
    and one of the row's kanji spellings at random (seeded, fixed): a given name in kanji has several readings and a
    reading many spellings, so this measures how often the engine's reading is the person's. The dataset writes long
    vowels as typed ("satou"); the Latin side writes them short, as passports do ("sato").
    """
    import csv
    rng = random.Random("jnames")
    surnames, weights, given = [], [], []
    bad = 0
    with open(folder / "last_name_org.csv", encoding="utf-8") as fh:
        for row in csv.reader(fh):
            if len(row) != 4 or not row[1].isdigit():
                bad += 1
                continue
            surnames.append((row[0], row[3]))
            weights.append(int(row[1]))
    for fname in ("first_name_man_org.csv", "first_name_woman_org.csv"):
        with open(folder / fname, encoding="utf-8") as fh:
            for row in csv.reader(fh):
                if len(row) < 3:
                    bad += 1
                    continue
                given.append((row[1], row[2:]))

    def hepburn(romaji: str) -> str:
        for long, short in (("ou", "o"), ("oo", "o"), ("uu", "u")):
            romaji = romaji.replace(long, short)
        return romaji.capitalize()
    pairs = []
    for _ in range(JNAMES_PAIRS):
        kanji, s_roman = rng.choices(surnames, weights)[0]
        g_roman, spellings = rng.choice(given)
        pairs.append((f"{hepburn(g_roman)} {hepburn(s_roman)}", kanji + rng.choice(spellings)))
    return pairs, bad


def read_pairs(path: Path, fmt: str) -> tuple[list[tuple[str, str]], int]:
    """Return the (latin, native) pairs of a file and the number of malformed rows skipped."""
    if fmt == "jnames":
        return japanese_names(path)
    pairs: list[tuple[str, str]] = []
    bad = 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            parts = line.split("\t")
            if fmt == "full":
                if len(parts) != 2:
                    bad += 1
                    continue
                latin, native = parts[0].strip(), parts[1].strip()
            else:
                if len(parts) != 3 or not parts[2].strip().isdigit():
                    bad += 1
                    continue
                latin, native = parts[0].strip(), "".join(parts[1].split())
            if not latin or not native:
                bad += 1
                continue
            pairs.append((latin, native))
    return pairs, bad


def mismatched(pairs: list[tuple[str, str]], rng: random.Random) -> list[tuple[str, str]]:
    """Pair the Latin side of row i with the native side of row i+k (k random per row), never the same person."""
    n = len(pairs)
    out: list[tuple[str, str]] = []
    if n < 2:
        return out
    for i, (latin, native) in enumerate(pairs):
        j = i
        for _ in range(20):
            j = (i + rng.randrange(1, n)) % n
            if pairs[j][1] != native and pairs[j][0].casefold() != latin.casefold():
                break
        out.append((latin, pairs[j][1]))
    return out


def nearest(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Pair the Latin side of each row with the native side of the other row whose romanisation is most like it.

    Similarity is rapidfuzz ``ratio`` between ``name_key`` of the Latin name and ``name_key`` of the other row's
    native name (our own romanisation); rows sharing the native or the Latin form are never chosen.
    """
    n = len(pairs)
    if n < 2:
        return []
    latin = [name_key(a) for a, _ in pairs]
    roman = [name_key(b) for _, b in pairs]
    sim = process.cdist(latin, roman, scorer=fuzz.ratio, workers=1)
    out: list[tuple[str, str]] = []
    for i, (a, b) in enumerate(pairs):
        row = sim[i]
        best, best_j = -1.0, -1
        for j in row.argsort()[::-1]:
            j = int(j)
            if j != i and pairs[j][1] != b and pairs[j][0].casefold() != a.casefold():
                best, best_j = row[j], j
                break
        if best_j >= 0:
            out.append((a, pairs[best_j][1]))
    return out


def ours(a: str, b: str):
    """Return (score, Match or Skipped); a skipped pair scores 0."""
    m = compare(a, b, type="person")
    if isinstance(m, Skipped):
        return 0.0, m
    return m.score, m


def baseline(a: str, b: str) -> float:
    return fuzz.WRatio((ascii_text(a) or "").casefold(), (ascii_text(b) or "").casefold()) / 100


@dataclass
class Result:
    lang: str
    n: int
    malformed: int
    recall: float = 0.0
    mean: float = 0.0
    skipped: float = 0.0
    false_rate: float = 0.0
    neg_mean: float = 0.0
    hard_false: float = 0.0
    hard_mean: float = 0.0
    rf_hard_false: float = 0.0
    rf_recall: float = 0.0
    rf_mean: float = 0.0
    rf_false: float = 0.0
    per_second: float = 0.0
    rf_per_second: float = 0.0
    misses: list = field(default_factory=list)
    false_matches: list = field(default_factory=list)
    hard_matches: list = field(default_factory=list)


def run_language(lang: str, data: Path, n: int, seed: int, threshold: float) -> Result:
    fname, fmt = LANGUAGES[lang]
    pairs, bad = read_pairs((data / fname).resolve(), fmt)
    rng = random.Random(f"{seed}:{lang}")
    sample = rng.sample(pairs, min(n, len(pairs)))
    negatives = mismatched(sample, rng)
    hard = nearest(sample)
    res = Result(lang, len(sample), bad)

    t0 = time.perf_counter()
    pos = [ours(a, b) for a, b in sample]
    elapsed = time.perf_counter() - t0
    res.per_second = len(sample) / elapsed if elapsed else 0.0
    t0 = time.perf_counter()
    rf_pos = [baseline(a, b) for a, b in sample]
    elapsed = time.perf_counter() - t0
    res.rf_per_second = len(sample) / elapsed if elapsed else 0.0
    neg = [ours(a, b) for a, b in negatives]
    rf_neg = [baseline(a, b) for a, b in negatives]
    hard_scores = [ours(a, b) for a, b in hard]
    rf_hard = [baseline(a, b) for a, b in hard]

    k = len(sample) or 1
    kn = len(negatives) or 1
    res.recall = sum(s >= threshold for s, _ in pos) / k
    res.mean = sum(s for s, _ in pos) / k
    res.skipped = sum(isinstance(m, Skipped) for _, m in pos) / k
    res.false_rate = sum(s >= threshold for s, _ in neg) / kn
    res.neg_mean = sum(s for s, _ in neg) / kn
    res.rf_recall = sum(s >= threshold for s in rf_pos) / k
    res.rf_mean = sum(rf_pos) / k
    res.rf_false = sum(s >= threshold for s in rf_neg) / kn
    kh = len(hard) or 1
    res.hard_false = sum(s >= threshold for s, _ in hard_scores) / kh
    res.hard_mean = sum(s for s, _ in hard_scores) / kh
    res.rf_hard_false = sum(s >= threshold for s in rf_hard) / kh
    res.hard_matches = [(a, b, s, m) for (a, b), (s, m) in zip(hard, hard_scores) if s >= threshold]
    res.misses = [(a, b, s, m) for (a, b), (s, m) in zip(sample, pos) if s < threshold]
    res.false_matches = [(a, b, s, m) for (a, b), (s, m) in zip(negatives, neg) if s >= threshold]
    return res


def show(a: str, b: str, score: float, m) -> str:
    why = m.reason if isinstance(m, Skipped) else " | ".join(
        r for r in m.explain() if not r.startswith("entity type"))
    return f"    {score:.3f}  {a}  ~  {b}\n           {why}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="?", default=str(DEFAULT), help="folder of the Wikidata transliteration pairs")
    ap.add_argument("--n", type=int, default=2000, help="pairs sampled per language")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threshold", type=float, default=BENCHMARK_THRESHOLD)
    ap.add_argument("--errors", type=int, default=0, help="print this many misses and false matches per language")
    ap.add_argument("--lang", nargs="+", choices=list(LANGUAGES), default=DEFAULT_LANGUAGES)
    args = ap.parse_args()
    data = Path(args.data)

    t0 = time.perf_counter()
    for a, b in [("George Washington", "ג'ורג' וושינגטון"), ("Ludwig van Beethoven", "루트비히 판 베토벤"),
                 ("gupta", "古普塔"), ("mogherini", "موغيريني"), ("shirani", "ширани")]:
        compare(a, b, type="person")      # loads rigour, ICU and the name tables before anything is timed
        baseline(a, b)
    print(f"ours = {algorithm_id()}, threshold {args.threshold:.2f}, n = {args.n} per language, seed {args.seed}"
          f" (engine loaded in {time.perf_counter() - t0:.1f} s)")

    results = []
    for lang in args.lang:
        r = run_language(lang, data, args.n, args.seed, args.threshold)
        results.append(r)
        print(f"\n{lang} ({LANGUAGES[lang][0]}): {r.n} pairs" + (f", {r.malformed} malformed rows skipped"
                                                                  if r.malformed else ""))
        print(f"  ours:      recall {r.recall:.3f}  mean score {r.mean:.3f}  skipped {r.skipped:.3f}"
              f"  | mismatched: false-match {r.false_rate:.3f}  mean score {r.neg_mean:.3f}"
              f"  | nearest: false-match {r.hard_false:.3f}  mean score {r.hard_mean:.3f}")
        print(f"  rapidfuzz: recall {r.rf_recall:.3f}  mean score {r.rf_mean:.3f}"
              f"                  | mismatched: false-match {r.rf_false:.3f}"
              f"                   | nearest: false-match {r.rf_hard_false:.3f}")
        ratio = r.per_second / r.rf_per_second if r.rf_per_second else 0.0
        print(f"  speed:     ours {r.per_second:,.0f} pairs/s, rapidfuzz {r.rf_per_second:,.0f} pairs/s"
              f" (ours / rapidfuzz = {ratio:.3f})")
        if args.errors:
            print(f"  misses ({len(r.misses)}), first {min(args.errors, len(r.misses))}:")
            for a, b, s, m in r.misses[:args.errors]:
                print(show(a, b, s, m))
            if r.false_matches:
                print(f"  false matches ({len(r.false_matches)}), first {min(args.errors, len(r.false_matches))}:")
                for a, b, s, m in r.false_matches[:args.errors]:
                    print(show(a, b, s, m))
            if r.hard_matches:
                print(f"  nearest-control false matches ({len(r.hard_matches)}),"
                      f" first {min(args.errors, len(r.hard_matches))}:")
                for a, b, s, m in r.hard_matches[:args.errors]:
                    print(show(a, b, s, m))

    print("\n| language | n | ours recall | ours false-match | ours nearest false-match | rapidfuzz recall |"
          " rapidfuzz false-match | rapidfuzz nearest false-match | ours pairs/s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r.lang} | {r.n} | {r.recall:.3f} | {r.false_rate:.3f} | {r.hard_false:.3f} | {r.rf_recall:.3f} |"
              f" {r.rf_false:.3f} | {r.rf_hard_false:.3f} | {r.per_second:,.0f} |")
    total = sum(r.n for r in results) or 1

    def pooled(attr: str) -> str:
        return f"{sum(getattr(r, attr) * r.n for r in results) / total:.3f}"
    print(f"| all (pooled) | {total} | {pooled('recall')} | {pooled('false_rate')} | {pooled('hard_false')} |"
          f" {pooled('rf_recall')} | {pooled('rf_false')} | {pooled('rf_hard_false')} | |")
    print(f"\ntotal {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
