"""Score one pair of names, and one query against one record, with the reasons a reviewer reads.

Pure: works on the ``NameForm`` objects of ``screening.normalize``. Every feature returns a 0..1 value and a
sentence. The name score aligns the words of both names (order does not matter), then weighs what aligned against
what did not: a word missing on one side (a middle name) costs little, two different words in the same place (a
different surname) cost much. Attributes (type, birth date, country) then raise or lower the name score; an
attribute one side does not have is unknown, never a mismatch.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from rapidfuzz.distance import OSA, Indel, Levenshtein

from screening.engine.model import ORGANIZATION, PERSON, UNKNOWN, VESSEL, Reason
from screening.engine.normalize import (
    ABBREVIATIONS,
    GENERIC_ORG,
    PARTICLES,
    SECTOR_ORG,
    NameForm,
    UnscreenableName,
    Word,
    _word,
    analyze,
    consonant_classes,
    word_classes,
)

# The weights of the formula; changing any of them changes ALGORITHM_VERSION (screening.engine).
MISSING_COST = 0.2        # per unit of weight of a word only one side has (a middle name)
MISSING_COST_ORG = 0.4    # a company name with a distinctive word more is often another company
SINGLE_MISSING_COST = 0.5  # ...and when only one word agrees: "Maria Putin" is not "Putin"
CONFLICT_COST = 2.5       # per unit of weight of words both sides have but that differ
MERGED_MIN = 0.9          # two words run together must be nearly the other word ("jin ping" / "jinping")
LEGAL_FORM_FACTOR = 0.95   # "Siemens AG" / "Siemens LLC": different legal forms, a small penalty
INITIAL_SCORE = 0.7        # "J." / "John"
ACRONYM_SCORE = 0.65      # initials alone ("BP" / "Boutique Patraca") are a weak sign, below the threshold
PATRONYMIC_FACTOR = 0.65 # "Salman bin Muhammad" is not "Muhammad bin Salman": son and father swapped
SINGLE_WORD_CAP = 0.6     # two multi-word names agreeing on one word only never score above this
WEAK_VARIANT_LENGTH = 4   # rigour groups short names that are readings of one character (Chen / Chan / Chun)
VESSEL_NUMBER_COST = 1.0  # "Ocean Star 1" / "Ocean Star 2": a vessel's number tells two ships apart
TYPE_CONFLICT_FACTOR = 0.75
DOB_CONFLICT_FACTOR = 0.7
COUNTRY_CONFLICT_FACTOR = 0.9
DOB_AGREE_BONUS = 0.05
COUNTRY_AGREE_BONUS = 0.02
DOB_TOLERANCE_YEARS = 2
DOB_TYPO_FACTOR = 0.97    # birth dates one typing error apart (a digit, or two neighbours swapped): a small doubt
DOB_YEAR_TYPO_FACTOR = 0.85  # a year alone one digit off in its decade ("1971" / "1974"): a real doubt, no conflict


def allowance(length: int) -> int:
    """Return how many edits a word of this length may differ by and still be the same word misspelt."""
    if length <= 3:
        return 0
    if length <= 7:
        return 1
    if length <= 11:
        return 2
    return 3


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


@dataclass(frozen=True, slots=True)
class WordMatch:
    """How two words compare: a 0..1 similarity and the kind of agreement ("same", "nickname"...)."""

    score: float
    kind: str


NO_MATCH = WordMatch(0.0, "")
SAME = WordMatch(1.0, "same")


def compare_words(a: Word, b: Word, person: bool, translit: bool, abjad: bool) -> WordMatch:
    """Compare two words: same, name variant, nickname, initial, abbreviation, spelling, sound or script."""
    m = _compare_words(a, b, person, translit, abjad)
    if abjad and m.score < CLASS_SCORE:
        # An Arabic article written onto the word ("alhsn") is tried without it ("hsn" ~ "hassan").
        for x, y in ((a, b), (b, a)):
            if x.text.startswith("al") and len(x.text) >= 5 and not y.text.startswith("al"):
                alt = _compare_words(_word(x.text[2:], PERSON if person else UNKNOWN, False), y, person, translit,
                                     abjad)
                if alt.score - ARTICLE_COST > m.score:
                    m = WordMatch(alt.score - ARTICLE_COST, alt.kind)
    return m


GENERIC_FORM_SCORE = 0.9  # "airlines" / "air": two forms of one generic company word
ARTICLE_COST = 0.05       # the article dropped ("alhsn" ~ "hassan") is a guess: a little below the plain match


# Consonant classes (screening.normalize.consonant_classes) of the words of a transliterated pair.
CLASS_SCORE = 0.80        # same classes in the same order, three or more
CLASS_NEAR_SCORE = 0.75   # one class apart, four or more, same first class
CLASS_LENGTH_RATIO = 0.6  # the shorter word at least this share of the longer
CLASS_MIN_LETTERS = 0.35  # and the two spellings this similar (rapidfuzz Indel similarity): random pairs of
CLASS_NEAR_MIN_LETTERS = 0.45   # words with the same classes rarely share as many letters as true ones


def _class_match(a: Word, b: Word) -> WordMatch:
    ca, cb = word_classes(a), word_classes(b)
    if not ca or not cb:
        return NO_MATCH
    la, lb = len(a.text), len(b.text)
    if min(la, lb) < CLASS_LENGTH_RATIO * max(la, lb):
        return NO_MATCH
    if ca == cb and len(ca) >= 3:
        if Indel.normalized_similarity(a.text, b.text) >= CLASS_MIN_LETTERS:
            return WordMatch(CLASS_SCORE, "classes")
        return NO_MATCH
    if min(len(ca), len(cb)) >= 4 and ca[0] == cb[0] and Levenshtein.distance(ca, cb, score_cutoff=1) <= 1 \
            and Indel.normalized_similarity(a.text, b.text) >= CLASS_NEAR_MIN_LETTERS:
        return WordMatch(CLASS_NEAR_SCORE, "classes")
    return NO_MATCH


def _shared_symbols(a: Word, b: Word, translit: bool) -> set[str]:
    shared = a.symbols & b.symbols
    if shared:
        shared = {s for s in shared if not s.startswith("gen:")}   # generic words: companies only (see below)
    if not shared or not translit:
        return {s for s in shared if not s.startswith("kor:")}
    if len(a.text) <= 3 and len(b.text) <= 3:
        # rigour's groups merge readings of one Chinese character (Kim / Jin, Tae / Dae): not one name in Latin.
        shared = {s for s in shared if not s.startswith("name:")}
    return shared


def _compare_words(a: Word, b: Word, person: bool, translit: bool, abjad: bool) -> WordMatch:
    if a.text == b.text:
        return SAME
    if a.numeric or b.numeric:
        return NO_MATCH
    la, lb = len(a.text), len(b.text)
    if la == 1 or lb == 1:
        if person and a.text[0] == b.text[0]:
            return WordMatch(0.7, "initial")
        return NO_MATCH
    common = a.symbols & b.symbols
    if common and (not person or a.weight < 0.5 and b.weight < 0.5) and any(s.startswith("gen:") for s in common):
        # Two forms of one generic company word ("airlines" / "air", "intl" / "international", "holding" /
        # "holdings"): they agree, but weigh little (screening.engine.normalize.GENERIC_ORG).
        short, long = (a.text, b.text) if la < lb else (b.text, a.text)
        kind = "abbreviation" if long.startswith(short) or _subsequence(short, long) and len(short) <= 4 else "form"
        return WordMatch(GENERIC_FORM_SCORE, kind)
    shared = _shared_symbols(a, b, translit)
    if shared:
        nick = any(s.startswith("nick") for s in shared)
        return WordMatch(0.9, "nickname" if nick else "variant")
    if not person and (a.abbreviation or b.abbreviation):
        short, long = (a, b) if la < lb else (b, a)
        if short.abbreviation and ABBREVIATIONS.get(short.text) == long.text:
            return WordMatch(0.9, "abbreviation")
        # "IND." ~ "industrial": a written abbreviation of one word (merged items carry no phonetic key), with a
        # vowel (consonant acronyms such as "PPC" are initials, not abbreviations).
        if short.abbreviation and short.text[0] == long.text[0] and len(long.text) >= len(short.text) + 2 \
                and len(short.text) >= 3 and len(long.text) <= 4 * len(short.text) and long.phonetic \
                and any(ch in "aeiou" for ch in short.text) and _subsequence(short.text, long.text):
            return WordMatch(0.8, "abbreviation")
    length = max(la, lb)
    if (a.abbreviation or b.abbreviation) and length <= 5:
        return NO_MATCH          # "NABC" is not a misspelling of "ABC"
    allowed = allowance(length) + (1 if translit and length >= 3 else 0)
    if length == 3 and min(la, lb) == 2 and _subsequence(a.text if la == 2 else b.text, b.text if la == 2 else a.text):
        allowed = max(allowed, 1)
    if la == lb == 3 and a.text[0] == b.text[0] and sorted(a.text) == sorted(b.text):
        # Two neighbouring letters swapped in a short syllable ("tea" / "tae", "kuy" / "kyu"): a typing error that
        # keeps every letter, unlike a letter changed ("kyi" / "kyu"), which makes another syllable.
        allowed = max(allowed, 1)
    dist = OSA.distance(a.text, b.text, score_cutoff=allowed + 1)
    same_start = a.text[0] == b.text[0]
    sound_m = same_start and a.phonetic == b.phonetic and len(a.phonetic) >= 2          # metaphone
    sound_n = same_start and min(la, lb) >= 4 and dist <= allowed + 1 \
        and _nysiis(a.text) == _nysiis(b.text)                                        # NYSIIS: Sean / Shawn
    phonetic = sound_m or sound_n
    # Sounding alike buys one edit beyond the allowance: from six letters by metaphone, five by NYSIIS.
    beyond = (sound_m and length >= 6) or (sound_n and length >= 5)
    best = NO_MATCH
    if dist <= allowed or (beyond and dist <= allowed + 1):
        # Two different known given names (Mohamed / Ahmed) are not a misspelling of each other, nor is a given
        # name of our nickname list and a known name that is the same with a letter added at its end (Maria /
        # Marial, Ivan / Ivana: another name, often the other sex's; surnames such as Scholz / Scholze are not in
        # that list). This holds even when they sound alike (metaphone drops the final vowel of Ivana), but not
        # across scripts, whose transliterations drop final letters ("Marie" / "마리" mari, "Ross" / "רוס" ros).
        if (not phonetic and dist > 1 or not translit and _one_letter_more(a.text, b.text) and _given_name(a, b)) \
                and _known_different(a, b):
            return NO_MATCH
        score = 1.0 - dist / length
        if phonetic:
            best = WordMatch(max(score, 0.8), "sound")
        else:
            best = WordMatch(max(score, 0.5), "spelling")
        if not translit or best.score >= CLASS_SCORE:
            return best
    if translit:
        cm = _class_match(a, b)
        if cm.score > best.score:
            best = cm
    if best.score >= 0.8 or not abjad:
        return best
    if a.skeleton and len(a.skeleton) >= 2 and a.skeleton == b.skeleton:
        return WordMatch(0.8, "script")
    if max(len(a.skeleton), len(b.skeleton)) >= 3 and _same_class(a.skeleton[:1], b.skeleton[:1]) \
            and Levenshtein.distance(a.skeleton, b.skeleton, score_cutoff=1) <= 1 and best.score < 0.7:
        return WordMatch(0.7, "script")
    return best


def _same_class(x: str, y: str) -> bool:
    return bool(x) and bool(y) and (x == y or consonant_classes(x) == consonant_classes(y) != "")


@lru_cache(maxsize=40_000)      # 0.88 hit rate on 20,000 queries (0.90 at 120,000)
def _nysiis(text: str) -> str:
    """NYSIIS phonetic key (jellyfish): "Sean" and "Shawn" both give SAN."""
    # imported on first use, for start-up speed: jellyfish is needed only past the edit-distance allowance
    import jellyfish
    return jellyfish.nysiis(text)


def _one_letter_more(x: str, y: str) -> bool:
    """True when one word is the other with one letter added at its end ("maria" / "marial")."""
    short, long = (x, y) if len(x) < len(y) else (y, x)
    return len(long) == len(short) + 1 and long.startswith(short)


def _given_name(a: Word, b: Word) -> bool:
    """True when either word is a given name of the nickname list (screening/engine/data/diminutives.csv)."""
    return any(s.startswith("nick:") for s in a.symbols | b.symbols)


def _known_different(a: Word, b: Word) -> bool:
    na = {s for s in a.symbols if s.startswith("name:")}
    nb = {s for s in b.symbols if s.startswith("name:")}
    return bool(na) and bool(nb) and not (na & nb)


@dataclass(frozen=True, slots=True)
class NameScore:
    """The outcome of comparing two names: the score and the alignment behind it."""

    score: float
    pairs: tuple[tuple[Word, Word, WordMatch], ...]
    missing_query: tuple[Word, ...]
    missing_record: tuple[Word, ...]
    legal: str           # "same", "different", "" (not both known)
    capped: bool
    joined: bool
    order: bool = False
    notes: tuple[str, ...] = ()    # why an agreement did not count, or why the score was held (for the reasons)


def _items(form: NameForm, person: bool):
    """Return the comparable units of a name, with their weight: each word, and neighbours run together."""
    words = form.words
    single = [((i,), w, w.weight) for i, w in enumerate(words)]
    merged = []
    for i in range(len(words) - 1):
        a, b = words[i], words[i + 1]
        if a.numeric or b.numeric:
            continue
        m = _word(a.text + b.text, form.type, False)
        item = Word(m.text, m.weight, m.symbols, "", m.skeleton, False, False)   # no phonetic: a merged item
        merged.append(((i, i + 1), item, a.weight + b.weight))
    return single, merged


def _acronyms(q: NameForm, c: NameForm, longest: int = 6):
    """Yield (query indices, record indices) where a short word stands for the initials of words on the other side."""
    for short, long, flip in ((q, c, False), (c, q, True)):
        for i, w in enumerate(short.words):
            n = len(w.text)
            if not 2 <= n <= longest or w.numeric:
                continue
            initials = [x.text[0] for x in long.words]
            for j in range(len(long.words) - n + 1):
                if "".join(initials[j:j + n]) == w.text and all(len(x.text) > 1 for x in long.words[j:j + n]):
                    run = tuple(range(j, j + n))
                    yield ((run, (i,)) if flip else ((i,), run))


# Bounds of the two caches below, in entries (sized by benchmarks/cache_sizes.py, see benchmarks/README.md). When
# one is full its older half goes (dicts keep insertion order): cheaper per call than an LRU's bookkeeping, and the
# words of the current queries stay.
WORD_PAIR_CACHE = 300_000
ITEM_CACHE = 30_000
_WORD_CACHE: dict[tuple, WordMatch] = {}
_ITEM_CACHE: dict[tuple, list] = {}


def _drop_older_half(cache: dict) -> None:
    for key in list(islice(cache, len(cache) // 2)):
        del cache[key]


def _cached_items(form: NameForm, person: bool):
    key = (form.original, form.type, form.script, person)
    items = _ITEM_CACHE.get(key)
    if items is None or items[0] is not form:
        if len(_ITEM_CACHE) > ITEM_CACHE:     # a batch run's distinct queries would otherwise pile up
            _drop_older_half(_ITEM_CACHE)
        items = _ITEM_CACHE[key] = (form, _items(form, person))
    return items[1]


def _cached_words(a: Word, b: Word, person: bool, translit: bool, abjad: bool) -> WordMatch:
    """``compare_words``, remembered: the same two words meet again and again across a screening run."""
    key = (a.text, a.abbreviation, bool(a.phonetic), a.classes, a.weight, b.text, b.abbreviation, bool(b.phonetic),
           b.classes, b.weight, person, translit, abjad)
    m = _WORD_CACHE.get(key)
    if m is None:
        if len(_WORD_CACHE) > WORD_PAIR_CACHE:
            _drop_older_half(_WORD_CACHE)
        m = _WORD_CACHE[key] = compare_words(a, b, person, translit, abjad)
    return m


def compare_names(q: NameForm, c: NameForm, kind: str = UNKNOWN) -> NameScore:
    """Align the words of two names and score the alignment in 0..1."""
    if q.script and q.script == c.script and q.native and c.native:
        # Both written in the same script: compare what was written, not two lossy transliterations.
        return compare_names(_native_form(q), _native_form(c), kind)
    person = kind == PERSON or (kind == UNKNOWN and not q.legal and not c.legal)
    translit = q.transliterated or c.transliterated
    abjad = q.abjad or c.abjad
    q_single, q_merged = _cached_items(q, person)
    c_single, c_merged = _cached_items(c, person)
    cands = []
    for qi, a, wa in q_single:
        for cj, b, wb in c_single:
            m = _cached_words(a, b, person, translit, abjad)
            if m.score > 0:
                cands.append((m.score * (wa if wa < wb else wb), m.score, qi, cj, m))
    # Run-together words only count when nearly the same letters ("jin ping" / "jinping").
    for merged, singles, flip in ((q_merged, c_single, False), (c_merged, q_single, True)):
        for mi, a, wa in merged:
            ta = a.text
            la = len(ta)
            for sj, b, wb in singles:
                tb = b.text
                lb = len(tb)
                if ta[0] != tb[0] or abs(la - lb) > max(2, max(la, lb) // 4):
                    continue
                m = _cached_words(b, a, person, translit, abjad) if flip else \
                    _cached_words(a, b, person, translit, abjad)
                if m.score >= MERGED_MIN:
                    w = wa if wa < wb else wb
                    cands.append((m.score * w, m.score, sj, mi, m) if flip else (m.score * w, m.score, mi, sj, m))
    for qi, cj in _acronyms(q, c, 2 if person else 6):
        wa = sum(q.words[i].weight for i in qi)
        wb = sum(c.words[j].weight for j in cj)
        # A person's initials run together ("JC" / "Jean-Claude") count as initials; a company's as an acronym.
        m = WordMatch(INITIAL_SCORE, "initial") if person else WordMatch(ACRONYM_SCORE, "acronym")
        cands.append((m.score * min(wa, wb), m.score, qi, cj, m))
    cands.sort(key=lambda t: (-t[0], -t[1], abs(t[2][0] - t[3][0])))
    used_q: set[int] = set()
    used_c: set[int] = set()
    pairs = []
    for _, _, qi, cj, m in cands:
        if used_q.intersection(qi) or used_c.intersection(cj):
            continue
        used_q.update(qi)
        used_c.update(cj)
        a = q.words[qi[0]] if len(qi) == 1 else _word(" ".join(q.words[i].text for i in qi), q.type, False)
        b = c.words[cj[0]] if len(cj) == 1 else _word(" ".join(c.words[j].text for j in cj), c.type, False)
        wa = sum(q.words[i].weight for i in qi)
        wb = sum(c.words[j].weight for j in cj)
        pairs.append((a, b, m, wa, wb))
    return _score_alignment(q, c, pairs, used_q, used_c, person)


def _native_form(f: NameForm) -> NameForm:
    words = tuple(_word(t, f.type, False) for t in f.native)
    return NameForm(original=f.original, type=f.type, words=words, legal=f.legal, transliterated=False,
                    abjad=False, joined="".join(f.native), script="", native=())


def _score_alignment(q: NameForm, c: NameForm, pairs, used_q, used_c, person: bool) -> NameScore:
    miss_q = tuple(w for i, w in enumerate(q.words) if i not in used_q)
    miss_c = tuple(w for j, w in enumerate(c.words) if j not in used_c)
    num = den = 0.0
    subst = initials = 0
    weak = _weak_agreements(q, c, pairs, used_q, used_c)
    for k, (a, b, m, wa, wb) in enumerate(pairs):
        w = (wa + wb) / 2
        num += w * m.score
        den += w
        if wa >= 0.5 and wb >= 0.5:
            if m.kind == "initial":
                initials += 1
            elif k not in weak:
                subst += 1
    notes = list(weak.values())
    # Numbers are identifiers. Two different numbers ("Fund VII" / "Fund VIII") mark siblings of one family and
    # cost their weight once; a number only one side has ("Management Company 23") is a conflict.
    nq = [w for w in miss_q if w.numeric]
    nc = [w for w in miss_c if w.numeric]
    both = min(len(nq), len(nc))
    sibling = sum(w.weight for w in nq[:both])
    vessel_numbers = 0.0
    if VESSEL in (q.type, c.type):
        # Ships of one name and different numbers are sister ships, not one ship: a conflict, not siblings.
        sibling, vessel_numbers = 0.0, VESSEL_NUMBER_COST * both
        if both:
            notes.append("different numbers: sister ships, not one ship")
    # Generic words left over weigh little because the distinctive words that agree say which company it is. When
    # those agree only approximately ("Syros Pharmaceuticals" / "SYRISS"), the words more are evidence again.
    firm = any(wa >= 0.5 and wb >= 0.5 and m.kind in _FIRM for _, _, m, wa, wb in pairs)
    uq = sum(_left_weight(w, firm) for w in miss_q if not w.numeric) + sum(w.weight for w in nq[both:])
    uc = sum(_left_weight(w, firm) for w in miss_c if not w.numeric) + sum(w.weight for w in nc[both:])
    # A sector word weighs little when only one side has it ("Yukos Oil Company" / "Yukos"), but two different
    # sectors in the same place ("Saudi Arabian Oil" / "Saudi Arabian Gas") are two companies: full weight.
    cq = uq + sum(1.0 - w.weight for w in miss_q if w.text in SECTOR_ORG and w.weight < 1.0)
    cc = uc + sum(1.0 - w.weight for w in miss_c if w.text in SECTOR_ORG and w.weight < 1.0)
    conflict = min(cq, cc) + 0.5 * (len(nq) - both + len(nc) - both) + vessel_numbers
    den += sibling
    order = person and _patronymic_swapped(q, c, pairs)
    if initials and _initials_count(q, c, pairs, miss_q, miss_c):
        subst += initials
    missing = abs(uq - uc)
    cost = MISSING_COST if person else MISSING_COST_ORG
    if subst <= 1 and max(q.substantive, c.substantive) >= 2:
        # One word in common and more on one side: "Maria Putin" is not "Putin", "Vladimir Putin" not "VLADIMIR".
        cost = max(cost, SINGLE_MISSING_COST)
    den += CONFLICT_COST * conflict + cost * missing
    score = num / den if den else 0.0
    if order:
        score *= PATRONYMIC_FACTOR
    capped = False
    if q.substantive >= 2 and c.substantive >= 2 and subst < 2 and score > SINGLE_WORD_CAP:
        score = SINGLE_WORD_CAP
        capped = True
    if pairs and all(m.kind == "initial" for _, _, m, _, _ in pairs) and score > ACRONYM_SCORE:
        # Initials alone are a weak sign, as an acronym is: "P. C." is not "Comandante Pablo" or "Pu Chiang".
        score = ACRONYM_SCORE
        capped = True
        notes.append("only initials agree")
    joined = False
    if q.joined == c.joined and score < 1.0 and len(q.joined) >= 4:
        score, joined, capped = 1.0, True, False
    legal = ""
    if q.legal and c.legal:
        legal = "same" if set(q.legal) & set(c.legal) else "different"
        if legal == "different":
            score *= LEGAL_FORM_FACTOR
    return NameScore(max(0.0, min(1.0, score)), tuple((a, b, m) for a, b, m, _, _ in pairs), miss_q, miss_c,
                     legal, capped, joined, order, tuple(notes))


def _initials_count(q: NameForm, c: NameForm, pairs, miss_q, miss_c) -> bool:
    """Tell whether agreeing initials are evidence of their own (count as distinctive words).

    They are when nothing else is left over ("J. Smith" / "John Smith"), and when what is left over is a middle
    name on the initials' own side, written as initials ("J. Robert Smith" / "John Smith": the client gives the
    first given name as an initial and a middle name the list does not have). They are not when a letter is
    joined to the next word ("A-Rubaysh Ibrahim" / "Abu Ibrahim": a prefix, not an initial), nor when both sides
    have words left over (a different given name).
    """
    left_q = any(w.substantive for w in miss_q)
    left_c = any(w.substantive for w in miss_c)
    if not (left_q or left_c):
        return True
    if left_q and left_c:
        return False
    side, other = (q, c) if left_q else (c, q)
    mine, theirs = (0, 1) if left_q else (1, 0)
    found = [(p[mine], p[theirs]) for p in pairs if p[2].kind == "initial"]
    if not found or any(len(letter.text) != 1 for letter, _ in found):
        return False
    # The initial stands for a given name of the other side, never for its family name: "Alexander Barrow" is not
    # "TOTOONOV, Alexander B." (B. is his patronymic; the family names differ).
    start = _given_start(other)
    family = set(range(start)) if start is not None else {len(other.words) - 1}
    pos = {id(w): i for i, w in enumerate(other.words)}
    if any(pos.get(id(word)) in family for _, word in found):
        return False
    return all(letter.text in _written_initials(side.original) for letter, _ in found)


@lru_cache(maxsize=20_000)
def _written_initials(original: str) -> frozenset[str]:
    """The letters written as initials in a name: alone, or followed by a period ("J. Robert", "J Robert"),
    not joined to the next word by a hyphen or apostrophe ("A-Rubaysh", "O'Neil")."""
    folded = original.casefold()
    return frozenset(m.group(1) for m in _INITIAL_RE.finditer(folded))


_INITIAL_RE = re.compile(r"(?<![\w'’-])([^\W\d_])(?:\.|(?=\s|$))(?![\w'’-])")


_APPROXIMATE = frozenset(("spelling", "sound", "classes", "script"))
_FIRM = frozenset(("same", "nickname", "variant", "abbreviation", "form"))


def _left_weight(w: Word, firm: bool) -> float:
    """The weight of a word only one side has: a generic company word's own, or full without a firm agreement."""
    if not firm and w.weight < 0.5 and w.text in GENERIC_ORG and w.text not in PARTICLES:
        return 1.0
    return w.weight


def _weak_variant(a: Word, b: Word, m: WordMatch) -> bool:
    """True for two short words that agree only through rigour's name groups (Chen / Chan / Chun, Kim / Jin)."""
    if m.kind != "variant" or a.text == b.text or max(len(a.text), len(b.text)) > WEAK_VARIANT_LENGTH:
        return False
    return all(s.startswith("name:") for s in a.symbols & b.symbols)


def _given_start(form: NameForm) -> int | None:
    """Return the position of the first given name of a name written "FAMILY, Given Names", else None."""
    if "," not in form.original:
        return None
    return _given_start_of(form.original, form.type, tuple(w.text for w in form.words))


@lru_cache(maxsize=16_384)      # 10,500 distinct names met in 20,000 queries
def _given_start_of(original: str, type: str, words: tuple[str, ...]) -> int | None:
    if original.count(",") != 1:
        return None
    family, given = original.split(",")
    try:
        tail = tuple(w.text for w in analyze(given, type).words)
    except UnscreenableName:
        return None
    n = len(tail)
    if not family.strip() or n == 0 or n >= len(words) or words[-n:] != tail:
        return None
    return len(words) - n


def _weak_agreements(q: NameForm, c: NameForm, pairs, used_q, used_c) -> dict[int, str]:
    """Return the agreements that cannot carry a match on their own (not counted as distinctive words), by their
    position in ``pairs``, with the reason in words.

    - A short name agreeing only as a variant (Chen / Chun) when no other word agrees firmly: "Chloe Chen" /
      "CHOE, Chun-sik" agree on nothing but two near spellings.
    - On a side written "FAMILY, Given Names", a later given name agreeing only approximately (a nickname, a
      spelling) while the first given name agrees with nothing: "Hans Rahman" / "AL-RAHMAN, Mark John" (Hans is
      a form of John, but the man is called Mark).
    """
    weak: dict[int, str] = {}
    # Across scripts short names are spelt every which way ("Paul" / "פול" pol): only Latin against Latin.
    latin = not (q.transliterated or c.transliterated)
    shorts = [k for k, (a, b, m, _, _) in enumerate(pairs) if latin and _weak_variant(a, b, m)]
    if shorts:
        # Another word must agree: not another short variant, nor two different known names one letter apart
        # ("chloe" / "choe" are two names, even if a typo could turn one into the other).
        firm = any(a.substantive and b.substantive and k not in shorts
                   and not (m.kind in _APPROXIMATE and _known_different(a, b))
                   for k, (a, b, m, _, _) in enumerate(pairs))
        if not firm:
            for k in shorts:
                a, b = pairs[k][0], pairs[k][1]
                weak[k] = (f"{a.text} = {b.text} does not count: short names spelt another way count only when "
                           "another name agrees")
    for side, used, mine in ((q, used_q, 0), (c, used_c, 1)):
        if not any(m.kind != "same" for _, _, m, _, _ in pairs):
            break
        start = _given_start(side)
        if start is None or start in used:
            continue
        pos = {id(w): i for i, w in enumerate(side.words)}
        first = side.words[start].text
        for k, pair in enumerate(pairs):
            m = pair[2]
            i = pos.get(id(pair[mine]))
            if m.kind != "same" and i is not None and i > start:
                weak[k] = (f"{pair[0].text} = {pair[1].text} does not count: {pair[mine].text} is not the first "
                           f"given name, and the first ({first}) agrees with nothing")
    return weak


_BIN = frozenset(("bin", "ibn", "ben", "bint", "binti", "ould"))


def _patronymic_swapped(q: NameForm, c: NameForm, pairs) -> bool:
    """True when a name before "bin" on one side aligns with a name after "bin" on the other (son / father)."""
    qb = next((i for i, w in enumerate(q.words) if w.text in _BIN), None)
    cb = next((i for i, w in enumerate(c.words) if w.text in _BIN), None)
    if qb is None or cb is None:
        return False
    if qb in (0, len(q.words) - 1) or cb in (0, len(c.words) - 1):
        return False      # "bin Salman Mohammed": a list-style reordering, not a son / father order
    qpos = {id(w): i for i, w in enumerate(q.words)}
    cpos = {id(w): i for i, w in enumerate(c.words)}
    for a, b, m, _, _ in pairs:
        i, j = qpos.get(id(a)), cpos.get(id(b))
        # Both words must be distinctive: a word's weight depends on its own name ("and" is generic in one name
        # and reweighed in a name of generic words only), and the test must give the same answer either way.
        if i is None or j is None or not (a.substantive and b.substantive) or i == qb or j == cb:
            continue
        if (i < qb) != (j < cb):
            return True
    return False


_KIND_TEXT = {
    "same": "same word",
    "variant": "spelling variants of one name",
    "nickname": "nickname",
    "initial": "initial",
    "abbreviation": "abbreviation",
    "spelling": "spelling differs slightly",
    "sound": "sounds alike",
    "script": "same consonants across scripts",
    "classes": "same consonant sounds across scripts",
    "acronym": "initials",
    "form": "forms of one company word",
}


def name_reasons(ns: NameScore) -> list[Reason]:
    """Describe a name comparison in sentences, one per finding."""
    out = []
    if ns.joined:
        out.append(Reason("name", "match", "the names have the same letters, split into words differently",
                          ns.score))
    agree = [f"{a.text} = {b.text} ({_KIND_TEXT.get(m.kind, m.kind)})" for a, b, m in ns.pairs]
    if agree:
        out.append(Reason("name_parts", "match" if all(m.kind == "same" for _, _, m in ns.pairs) else "partial",
                          "words agree: " + "; ".join(agree), ns.score))
    if ns.missing_query and ns.missing_record:
        out.append(Reason("name_conflict", "conflict",
                          "words differ: " + " ".join(w.text for w in ns.missing_query) + " / "
                          + " ".join(w.text for w in ns.missing_record), 0.0))
    elif ns.missing_query:
        out.append(Reason("name_missing", "partial",
                          "only in the query: " + " ".join(w.text for w in ns.missing_query), 0.0))
    elif ns.missing_record:
        out.append(Reason("name_missing", "partial",
                          "only in the watchlist name: " + " ".join(w.text for w in ns.missing_record), 0.0))
    if ns.legal == "same":
        out.append(Reason("legal_form", "match", "same legal form", 1.0))
    elif ns.legal == "different":
        out.append(Reason("legal_form", "conflict", "different legal forms (small penalty)", 0.0))
    if ns.order:
        out.append(Reason("name_order", "conflict",
                          "a name before \"bin\" on one side is after it on the other (son and father swapped?)", 0.0))
    for note in ns.notes:
        out.append(Reason("name_doubt", "conflict", note, 0.0))
    if ns.capped:
        out.append(Reason("name_cap", "conflict",
                          f"only one distinctive word agrees: score held at {SINGLE_WORD_CAP:.2f}", SINGLE_WORD_CAP))
    return out


# --- attributes ---------------------------------------------------------------------------------------------

def _kind(t: str) -> str:
    if t in ("vessel", "aircraft"):
        return "object"
    return t


def _lacking(what: str, client_has: bool, entry_has: bool) -> str:
    """Say which side lacks an attribute: "the client has no birth date", "neither side has a birth date"."""
    if not client_has and not entry_has:
        return f"neither side has {what}"
    return f"the {'client' if not client_has else 'list entry'} has no {what.split(' ', 1)[1]}"


def compare_type(query_type: str, record_type: str) -> tuple[float, Reason]:
    """Entity types agree, conflict (a person is not a company) or are unknown."""
    q_known = bool(query_type) and query_type != UNKNOWN
    r_known = bool(record_type) and record_type != UNKNOWN
    if not (q_known and r_known):
        return 1.0, Reason("type", "unknown", _lacking("an entity type", q_known, r_known), 0.5)
    if _kind(query_type) == _kind(record_type):
        return 1.0, Reason("type", "match", f"both are {record_type}s", 1.0)
    return TYPE_CONFLICT_FACTOR, Reason("type", "conflict",
                                        f"types differ: {query_type} / {record_type}", 0.0)


def _year(value: str) -> int | None:
    try:
        return int(str(value)[:4])
    except (TypeError, ValueError):
        return None


def _typing_error(a: str, b: str) -> str | None:
    """How two full dates (with the month) written alike are one typing error apart: one digit wrong
    ("1958-03-14" / "1988-03-14"), or two neighbouring digits swapped ("1975-03-14" / "1957-03-14"); None when they
    are not. The rest of a full date agreeing (1 chance in 365 for a stranger) is what makes the error plausible.
    """
    if len(a) != len(b) or len(a) < 7 or a == b:
        return None
    diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    if not all(a[i].isdigit() and b[i].isdigit() for i in diff):
        return None
    if len(diff) == 1:
        return "one digit differs"
    if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]:
        return "two digits swapped"
    return None


def compare_birth_date(query_date: str | None, record_dates: tuple[str, ...]) -> tuple[float, float, Reason]:
    """Birth dates agree (same date or year), fall within two years, conflict, or are unknown."""
    if not query_date or not record_dates:
        return 1.0, 0.0, Reason("birth_date", "unknown", _lacking("a birth date", bool(query_date), bool(record_dates)),
                                0.5)
    qy = _year(query_date)
    best = None
    for d in record_dates:
        ry = _year(d)
        if qy is None or ry is None:
            continue
        if str(d) == str(query_date) or (len(str(d)) == 4 or len(str(query_date)) == 4) and ry == qy:
            return 1.0, DOB_AGREE_BONUS, Reason("birth_date", "match", f"birth date agrees: {d}", 1.0)
        gap = abs(ry - qy)
        if best is None or gap < best[0]:
            best = (gap, d)
    if best is None:
        return 1.0, 0.0, Reason("birth_date", "unknown", "birth dates could not be compared", 0.5)
    gap, closest = best
    if gap <= DOB_TOLERANCE_YEARS:
        return 1.0, 0.0, Reason("birth_date", "partial",
                                f"birth dates close: {query_date} / {closest} (within {DOB_TOLERANCE_YEARS} years)", 0.7)
    for d in record_dates:
        typo = _typing_error(str(query_date), str(d))
        if typo:
            return DOB_TYPO_FACTOR, 0.0, Reason("birth_date", "partial",
                                                f"birth dates one typing error apart: {query_date} / {d} ({typo})", 0.6)
    for d in record_dates:
        if (len(str(d)) == 4 or len(str(query_date)) == 4) and str(d)[:3] == str(query_date)[:3]:
            # A year alone, wrong in its last digit ("1971" / "1974"): a typing error as likely as another person.
            # Another decade ("1960" / "1990") is a clear conflict, even one digit apart: nothing else of the date
            # says it is a typing error.
            return DOB_YEAR_TYPO_FACTOR, 0.0, Reason(
                "birth_date", "partial", f"birth years one digit apart: {query_date} / {d} (a typing error, or "
                "another person: only the year is known)", 0.4)
    return DOB_CONFLICT_FACTOR, 0.0, Reason("birth_date", "conflict",
                                            f"birth dates differ: {query_date} / {closest}", 0.0)


def compare_countries(query: tuple[str, ...], record: tuple[str, ...]) -> tuple[float, float, Reason]:
    """Countries overlap, differ, or are unknown."""
    if not query or not record:
        return 1.0, 0.0, Reason("country", "unknown", _lacking("a country", bool(query), bool(record)), 0.5)
    common = sorted(set(query) & set(record))
    if common:
        return 1.0, COUNTRY_AGREE_BONUS, Reason("country", "match", "same country: " + ", ".join(common), 1.0)
    return COUNTRY_CONFLICT_FACTOR, 0.0, Reason(
        "country", "conflict", "different countries: " + ", ".join(query) + " / " + ", ".join(record), 0.0)


COUNTRY_HINT_BONUS = 0.01  # a client country that is the list's place of birth or address: half a nationality's


def compare_country_hints(query: tuple[str, ...], hints: tuple[str, ...],
                          strong: tuple[float, float, Reason]) -> tuple[float, float, Reason]:
    """Weigh a list's weak country evidence (places of birth, addresses) after its nationalities (``strong``, the
    result of ``compare_countries``): a client country among the hints supports a little, and outweighs a
    nationality that differs (a client file's country may be where someone lives); a client country among none
    of them is no conflict when the list gives only hints."""
    if not query or not hints or strong[2].outcome == "match":
        return strong
    common = sorted(set(query) & set(hints))
    if common:
        text = "country agrees with a place of birth or address on the list: " + ", ".join(common)
        if strong[2].outcome == "conflict":
            text += " (the list's nationality differs)"
        return 1.0, COUNTRY_HINT_BONUS, Reason("country", "partial", text, 0.7)
    if strong[2].outcome == "conflict":
        return strong
    return 1.0, 0.0, Reason("country", "unknown", "no nationality on the list; its places of birth or addresses ("
                            + ", ".join(hints) + ") differ from " + ", ".join(query) + " (not a conflict)", 0.5)


__all__ = ["compare_names", "compare_words", "name_reasons", "compare_type", "compare_birth_date",
           "compare_countries", "NameScore", "WordMatch", "allowance", "ORGANIZATION", "PERSON"]
