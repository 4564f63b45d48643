"""Data for ``match_perturbed.py``: list names changed the way data entry changes them, and synthetic non-listed persons.

Everything is seeded: the same seed gives the same queries. Each change returns its kind, so that results can be
counted per kind.

Name changes (``perturb_name``): a letter substituted (a neighbouring key mostly), deleted, inserted (often a doubled
letter) or two neighbouring letters transposed; a middle name dropped or added; the parts reordered (the last
word first, the first word last, or "Last, First"); given names written as initials; a particle dropped (al-, bin,
ibn, abu, ould, van, de...); hyphens and spaces changed (hyphen to space, words joined, split or hyphenated).

Birth-date changes (``perturb_date``): day and month swapped, one digit wrong (its kind says where: the decade, the
last digit of the year, the month or the day), the year only, the year +-1.

Negatives (``synthetic_persons``): given and family names recombined from the name lists in ../shared/data: members
of the US Congress and English nicknames, Japanese given names and surnames, Korean, Chinese and other full names
of the Wikidata transliteration pairs, Arabic-script and Russian-script word lists (tokens far more frequent there
than elsewhere, Slavic surname endings), mixed across cultures for a share of them.
"""
from __future__ import annotations

import csv
import random
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from babel import Locale

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screening.engine.normalize import name_key  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared/data"
NAMES = SHARED / "name_matching"
WD = NAMES / "wikidata_transliteration_pairs"

# Words that are particles of a name rather than names (Arabic, Dutch, German, Romance).
PARTICLES = frozenset({"al", "el", "bin", "ben", "ibn", "bint", "abu", "abou", "ould", "wuld", "walad", "van", "von",
                       "der", "den", "de", "da", "del", "della", "di", "du", "dos", "das", "la", "le"})
ATTACHED_PARTICLE = re.compile(r"^(al|el|as|ad|ar|az|ash|at)-(?=\w)", re.IGNORECASE)

_ROWS = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"]
_KEY_POS = {ch: (r, c) for r, row in enumerate(_ROWS) for c, ch in enumerate(row)}
_NEIGHBOURS = {ch: [o for o, (r2, c2) in _KEY_POS.items() if o != ch and abs(r2 - r) <= 1 and abs(c2 - c) <= 1
                    and o.isalpha()] for ch, (r, c) in _KEY_POS.items() if ch.isalpha()}
VOWELS = "aeiou"


def _same_case(new: str, like: str) -> str:
    return new.upper() if like.isupper() else new.lower()


# --- name changes ------------------------------------------------------------------------------------------------

def _typo_word(words: list[str], rng: random.Random, min_len: int = 4) -> int | None:
    """Pick the index of a word long enough for a typo (longer words more often), or None."""
    idx = [i for i, w in enumerate(words) if len(w) >= min_len and w.isalpha()]
    if not idx:
        idx = [i for i, w in enumerate(words) if len(w) >= 3 and any(c.isalpha() for c in w)]
    return rng.choices(idx, weights=[len(words[i]) for i in idx])[0] if idx else None


def typo_substitution(words: list[str], rng: random.Random) -> bool:
    i = _typo_word(words, rng)
    if i is None:
        return False
    w = words[i]
    # Never the first letter: it is the one typists get right (and the one every engine anchors on).
    pos = [j for j in range(1, len(w)) if w[j].isalpha()]
    if not pos:
        return False
    j = rng.choice(pos)
    low = w[j].lower()
    if low in _NEIGHBOURS and rng.random() < 0.7:
        new = rng.choice(_NEIGHBOURS[low])
    elif low in VOWELS:
        new = rng.choice([v for v in VOWELS if v != low])
    else:
        new = rng.choice([c for c in "bcdfghjklmnprstvwz" if c != low])
    words[i] = w[:j] + _same_case(new, w[j]) + w[j + 1:]
    return True


def typo_deletion(words: list[str], rng: random.Random) -> bool:
    i = _typo_word(words, rng)
    if i is None:
        return False
    w = words[i]
    j = rng.randrange(1, len(w))
    words[i] = w[:j] + w[j + 1:]
    return True


def typo_insertion(words: list[str], rng: random.Random) -> bool:
    i = _typo_word(words, rng)
    if i is None:
        return False
    w = words[i]
    j = rng.randrange(1, len(w))
    prev = w[j - 1].lower()
    if rng.random() < 0.5 or prev not in _NEIGHBOURS:
        new = prev                                  # a doubled letter
    else:
        new = rng.choice(_NEIGHBOURS[prev])        # a neighbouring key hit with it
    words[i] = w[:j] + _same_case(new, w[j - 1]) + w[j:]
    return True


def transposition(words: list[str], rng: random.Random) -> bool:
    i = _typo_word(words, rng)
    if i is None:
        return False
    w = words[i]
    pos = [j for j in range(1, len(w) - 1) if w[j] != w[j + 1] and w[j].isalpha() and w[j + 1].isalpha()]
    if not pos:
        return False
    j = rng.choice(pos)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    return True


def drop_middle(words: list[str], rng: random.Random) -> bool:
    middle = [i for i in range(1, len(words) - 1) if words[i].lower() not in PARTICLES]
    if len(words) < 3 or not middle:
        return False
    del words[rng.choice(middle)]
    return True


def make_add_middle(pool: list[str]) -> Callable[[list[str], random.Random], bool]:
    """Return a change that inserts a given name from ``pool`` after the first word."""
    def add_middle(words: list[str], rng: random.Random) -> bool:
        if len(words) < 2:
            return False
        name = rng.choice(pool)
        words.insert(rng.randrange(1, len(words)), name.upper() if words[0].isupper() else name.title())
        return True
    return add_middle


def reorder(words: list[str], rng: random.Random) -> bool:
    if len(words) < 2:
        return False
    how = rng.randrange(3)
    if how == 0:
        words.insert(0, words.pop())                   # family name first
    elif how == 1:
        words.append(words.pop(0))                     # the first word last
    else:
        words[:] = [words[-1] + ","] + words[:-1]      # "Last, First Middle"
    return True


def initials(words: list[str], rng: random.Random) -> bool:
    """Write one given name (or all of them) as an initial, with or without a full stop; the last word stays."""
    given = [i for i in range(len(words) - 1) if words[i].isalpha() and len(words[i]) > 1
             and words[i].lower() not in PARTICLES]
    if len(words) < 2 or not given:
        return False
    chosen = given if len(given) <= 2 and rng.random() < 0.3 else [rng.choice(given)]
    dot = "." if rng.random() < 0.5 else ""
    for i in chosen:
        words[i] = words[i][0].upper() + dot
    return True


def drop_particle(words: list[str], rng: random.Random) -> bool:
    loose = [i for i, w in enumerate(words) if w.lower() in PARTICLES and len(words) > 2]
    attached = [i for i, w in enumerate(words) if ATTACHED_PARTICLE.match(w)]
    if not loose and not attached:
        return False
    i = rng.choice(loose + attached)
    if i in attached:
        words[i] = ATTACHED_PARTICLE.sub("", words[i])
    else:
        del words[i]
    return True


# Compound names written as one word or as two: a joining word before (Abd al-, Abu, Nur) or after (-uddin, -ullah).
JOIN_BEFORE = frozenset({"abd", "abdel", "abdul", "abdal", "abu", "abou", "al", "el", "ul", "ur", "ud", "nur", "nor",
                         "noor", "zain", "zayn", "saif", "sayf"})
JOIN_AFTER = frozenset({"din", "eddin", "eddine", "uddin", "ud-din", "ullah", "allah", "illah", "rahman", "rahim"})
SPLIT = re.compile(r"^(abdul|abdel|abdal|abd|abu|abou|nur|noor|saif)(?=[a-z]{3})|(?<=[a-z]{3})(uddin|eddine|eddin|"
                   r"ullah|allah|rahman)$", re.IGNORECASE)


def hyphen_space(words: list[str], rng: random.Random) -> bool:
    """Change how a compound is written: a hyphen to a space or dropped, a compound joined or split, or two given
    names hyphenated ("Hong Sop" -> "Hong-Sop"); never the whole name made one word."""
    options = []
    hy = [i for i, w in enumerate(words) if "-" in w.strip("-")]
    if hy:
        options += ["hyphen_to_space", "hyphen_removed"]
    joins = [i for i in range(len(words) - 1) if len(words) >= 3 and (
        words[i].lower() in JOIN_BEFORE or words[i + 1].lower().lstrip("-") in JOIN_AFTER)]
    if joins:
        options.append("join")
    if len(words) >= 3:
        options.append("hyphenate")
    splits = [i for i, w in enumerate(words) if w.isalpha() and SPLIT.search(w)]
    if splits:
        options.append("split")
    if not options:
        return False
    how = rng.choice(options)
    if how == "hyphen_to_space":
        i = rng.choice(hy)
        words[i:i + 1] = [p for p in words[i].split("-") if p]
    elif how == "hyphen_removed":
        i = rng.choice(hy)
        words[i] = words[i].replace("-", "")
    elif how == "join":
        i = rng.choice(joins)
        words[i:i + 2] = [words[i] + words[i + 1]]
    elif how == "hyphenate":
        i = rng.randrange(1, len(words) - 1)               # given names, not the first word and the next
        words[i:i + 2] = [words[i] + "-" + words[i + 1]]
    else:
        i = rng.choice(splits)
        m = SPLIT.search(words[i])
        j = m.end() if m.group(1) else m.start()
        words[i:i + 1] = [words[i][:j], words[i][j:]]
    return True


def name_changes(middle_pool: list[str]) -> dict[str, Callable[[list[str], random.Random], bool]]:
    """Return the name changes by kind; each edits a word list in place and says whether it applied."""
    return {
        "typo_substitution": typo_substitution,
        "typo_deletion": typo_deletion,
        "typo_insertion": typo_insertion,
        "transposition": transposition,
        "middle_dropped": drop_middle,
        "middle_added": make_add_middle(middle_pool),
        "reordered": reorder,
        "initials": initials,
        "particle_dropped": drop_particle,
        "hyphen_space": hyphen_space,
    }


TYPOS = frozenset({"typo_substitution", "typo_deletion", "typo_insertion", "transposition"})


def _full_words(words: list[str]) -> int:
    return sum(1 for w in words if len(w.strip(".,")) >= 2 and w.strip(".,").lower() not in PARTICLES)


def perturb_name(name: str, rng: random.Random, changes: dict, second: float = 0.3) -> tuple[str, tuple[str, ...]]:
    """Return the name changed once (or, with probability ``second``, twice by two kinds) and the kinds applied.

    A second change must leave two full words (not initials) where the name had two, may not put a second typo in
    the word that has one, and may not drop a middle name where one was added (that is another middle name).
    """
    wanted = 2 if rng.random() < second else 1
    kinds = list(changes)
    rng.shuffle(kinds)
    words = name.split()
    done: list[str] = []
    typo_words: set[str] = set()
    for kind in kinds:
        if done and {kind, done[0]} == {"middle_added", "middle_dropped"}:
            continue
        trial = list(words)
        if not changes[kind](trial, rng) or name_key(" ".join(trial)) == name_key(" ".join(words)):
            continue
        if done:
            if _full_words(trial) < min(2, _full_words(name.split())):
                continue
            if kind in TYPOS and typo_words and not typo_words & set(trial):
                continue     # the typo went into the word that already had one
        if kind in TYPOS:
            typo_words = set(trial) - set(words)
        words = trial
        done.append(kind)
        if len(done) == wanted:
            break
    # Data entry writes names in mixed case as often as in capitals.
    text = " ".join(words)
    if rng.random() < 0.5:
        text = " ".join(w if w.endswith(".") and len(w) == 2 else w.title() for w in text.split())
    return text, tuple(sorted(done))


# --- birth-date changes ------------------------------------------------------------------------------------------

def _valid(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def perturb_date(iso: str, rng: random.Random) -> tuple[str, str]:
    """Return a birth date changed as data entry changes it, and the kind of change ("" if none applied)."""
    parts = [int(p) for p in iso.split("-")]
    y, m, d = (parts + [0, 0])[:3]
    kinds = ["digit", "year_pm1"]
    if d and d <= 12 and d != m:
        kinds += ["day_month_swapped"] * 2     # the commonest error where both readings are valid
    if m:
        kinds.append("year_only")
    kind = rng.choice(kinds)
    if kind == "day_month_swapped":
        return f"{y:04d}-{d:02d}-{m:02d}", kind
    if kind == "year_only":
        return f"{y:04d}", kind
    if kind == "year_pm1":
        y += rng.choice((-1, 1))
        return f"{y:04d}" + (f"-{m:02d}" if m else "") + (f"-{d:02d}" if d else ""), kind
    # One digit wrong, anywhere but the century, the result still a valid date.
    for _ in range(50):
        text = list(iso)
        pos = [i for i, c in enumerate(text) if c.isdigit() and i >= 2]
        i = rng.choice(pos)
        text[i] = rng.choice([c for c in "0123456789" if c != text[i]])
        new = "".join(text)
        p = [int(x) for x in new.split("-")]
        if _valid(p[0], p[1] if len(p) > 1 else 1, p[2] if len(p) > 2 else 1) and 1900 < p[0] <= 2025:
            # Where the wrong digit is matters to a reviewer: a wrong decade digit reads as another generation.
            where = {2: "decade", 3: "year", 5: "month", 6: "month", 8: "day", 9: "day"}[i]
            return new, f"digit_{where}"
    return iso, ""


# --- synthetic non-listed persons --------------------------------------------------------------------------------

WORD = re.compile(r"[a-z][a-z'-]*[a-z]")


def _tokens(path: Path) -> Counter:
    """Read a word-level transliteration file: Latin token -> summed frequency."""
    c: Counter = Counter()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            p = line.rstrip("\n").split("\t")
            if len(p) >= 3 and p[2].isdigit():
                c[p[0]] += int(p[2])
    return c


def _fold_romaji(word: str) -> str:
    """Keyboard romaji to passport spelling: satou -> sato, yuuki -> yuki (see the Japanese names README)."""
    return word.replace("ou", "o").replace("oo", "o").replace("uu", "u")


@dataclass
class Pools:
    """Given and family names per culture, lower case, as read from the name lists."""

    given: dict[str, list[str]]
    family: dict[str, list[str]]
    middle: dict[str, list[str]]   # middle names where a culture has its own (Slavic patronymics)
    common: dict[str, list[str]]   # the most frequent given names, where the source counts them (Arabic)
    family_first: frozenset[str]   # cultures that write the family name first


def name_pools(listed_words: frozenset[str] = frozenset()) -> Pools:
    """Read the name lists into pools per culture.

    ``listed_words`` (words of the watchlist's names) only tells the frequent Arabic given names (mohamed, ali)
    from the equally frequent European surnames of the Arabic file (smith, müller), which no frequency rule separates.
    """
    given: dict[str, set[str]] = {c: set() for c in ("english", "japanese", "korean", "chinese", "arabic", "slavic",
                                                      "world")}
    family: dict[str, set[str]] = {c: set() for c in given}
    middle: dict[str, set[str]] = {"slavic": set()}
    # English: members of Congress (first, middle, last) and the nicknames list.
    for p in ("legislators-current.csv", "legislators-historical.csv"):
        with open(NAMES / "person_names_us_congress" / p, encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                for col, target in (("first_name", given), ("middle_name", given), ("last_name", family)):
                    w = name_key(r[col])
                    if WORD.fullmatch(w.replace(" ", "-")):
                        target["english"].add(w)
    with open(NAMES / "nickname_diminutives/diminutives.csv", encoding="utf-8") as fh:
        for row in csv.reader(fh):
            given["english"].update(w for w in row if len(w) >= 3 and WORD.fullmatch(w))
    # Japanese: given names (men and women) and surnames, romaji folded to passport spelling.
    jp = NAMES / "japanese_names_kanji_kana_romaji"
    for f in ("first_name_man_org.csv", "first_name_woman_org.csv"):
        with open(jp / f, encoding="utf-8") as fh:
            given["japanese"].update(_fold_romaji(r[1]) for r in csv.reader(fh) if len(r) > 1 and r[1].isalpha())
    with open(jp / "last_name_org.csv", encoding="utf-8") as fh:
        family["japanese"].update(_fold_romaji(r[3]) for r in csv.reader(fh) if len(r) > 3 and r[3].isalpha())
    # Korean full names (written in Hangul without a space, 2 to 4 syllables): family name first.
    # The other full names of the Korean and Hebrew files (given first) feed the "world" pool.
    for f in ("wd_korean", "wd_hebrew"):
        with open(WD / f, encoding="utf-8") as fh:
            for line in fh:
                en, _, native = line.rstrip("\n").partition("\t")
                words = name_key(en).split()
                if not (2 <= len(words) <= 3) or not all(WORD.fullmatch(w) for w in words):
                    continue
                hangul = native.replace(" ", "")
                if (f == "wd_korean" and " " not in native and 2 <= len(hangul) <= 4
                        and all("\uac00" <= ch <= "\ud7a3" for ch in hangul) and len(words[0]) <= 4):
                    family["korean"].add(words[0])
                    given["korean"].add("-".join(words[1:]) if len(words) == 3 else words[1])
                else:
                    given["world"].add(words[0])
                    family["world"].add(words[-1])
    # Chinese: single characters of the Chinese file whose Latin token is one pinyin syllable: family names, and
    # (two of them joined) given names, as pinyin writes them ("jianguo").
    syllables: Counter = Counter()
    with open(WD / "wd_chinese.normalized.aligned.tokens", encoding="utf-8") as fh:
        for line in fh:
            p = line.rstrip("\n").split("\t")
            if (len(p) >= 3 and p[0].isascii() and p[0].isalpha() and len(p[1]) == 1
                    and "\u4e00" <= p[1] <= "\u9fff" and _pinyin_syllables(p[0]) == [p[0]]):
                syllables[p[0]] += int(p[2])
    family["chinese"].update(syllables)
    common = [s for s, _ in syllables.most_common(80)]
    given["chinese"].update(a + b for a in common for b in common if a != b)
    # Arabic: tokens of the Arabic file much more frequent there than in the others, or frequent there, about as
    # frequent as in all the others together and a word of a listed name (mohamed, ali, ahmed); never a US or
    # Japanese name.
    arabic = _tokens(WD / "wd_arabic.normalized.aligned.tokens")
    russian = _tokens(WD / "wd_russian_80") + _tokens(WD / "wd_russian_20")
    others: Counter = Counter()
    for f in ("wd_chinese", "wd_japanese", "wd_korean"):
        others += _tokens(WD / f"{f}.normalized.aligned.tokens")
    elsewhere = given["english"] | family["english"] | given["japanese"] | family["japanese"]
    for tok, n in arabic.most_common():
        rest = others[tok] + russian[tok]
        if (WORD.fullmatch(tok) and len(tok) >= 3 and tok not in elsewhere
                and ((n >= 2 and n >= 3 * rest) or (n >= 40 and 5 * n >= 3 * rest and tok in listed_words))):
            given["arabic"].add(tok)
            family["arabic"].add(tok)
    # Slavic: family names by their endings; given names as the stems of patronymics that are tokens themselves
    # (ivanovich -> ivan, nikolaevich -> nikolay); patronymics as middle names.
    slavic_family = re.compile(r"(ov|ev|ova|eva|yn|ina|sky|skiy|skaya|ski|enko|chuk|yuk)$")
    for tok in russian:
        if not WORD.fullmatch(tok) or len(tok) < 4:
            continue
        if tok.endswith(("ovich", "evich", "ovna", "evna")):
            middle["slavic"].add(tok)
            stem = tok[:-5] if tok.endswith("vich") else tok[:-4]
            for g in (stem, stem + "y", stem + "i"):
                if g in russian and len(g) >= 3:
                    given["slavic"].add(g)
        elif slavic_family.search(tok):
            family["slavic"].add(tok)
    for pool in (*given.values(), *family.values(), *middle.values()):
        pool -= PARTICLES
    return Pools({k: sorted(v) for k, v in given.items()}, {k: sorted(v) for k, v in family.items()},
                 {k: sorted(v) for k, v in middle.items()},
                 {"arabic": [t for t, _ in arabic.most_common() if t in given["arabic"]][:40]},
                 frozenset({"japanese", "korean", "chinese"}))


_PINYIN = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|er|in|un|ia|ie|iu|ua|uo|ue|ui"
    r"|a|e|i|o|u|v)")


def _pinyin_syllables(word: str) -> list[str] | None:
    """Split a Latin word into pinyin syllables (greedy, longest first), or None if it is not pinyin."""
    out, i = [], 0
    while i < len(word):
        m = _PINYIN.match(word, i)
        if not m or m.end() == i:
            return None
        out.append(m.group())
        i = m.end()
    return out


def country_codes() -> list[str]:
    """Return the ISO 3166 alpha-2 codes of today's countries and territories (Babel's English names)."""
    return sorted(k.lower() for k in Locale("en").territories if len(k) == 2 and k.isalpha()
                  and k not in ("ZZ", "EU", "EZ", "UN", "QO", "XA", "XB", "XK"))


def random_birth_date(rng: random.Random) -> str | None:
    """A birth date as client files give it: a full date mostly, the year only sometimes, none rarely."""
    u = rng.random()
    if u < 0.05:
        return None
    d = date(1935, 1, 1) + timedelta(days=rng.randrange(365 * 70))
    return f"{d.year:04d}" if u < 0.15 else d.isoformat()


def _capitalise(word: str) -> str:
    """Capitalise each part of a word: "sang-hae" -> "Sang-Hae", "m'hamed" -> "M'hamed" (not str.title's "M'Hamed")."""
    return "-".join(p[:1].upper() + p[1:] for p in word.split("-"))


def _arabic_name(rng: random.Random, given: list[str], family: list[str], common: list[str]) -> list[str]:
    # Client files hold the frequent names (Mohamed, Ali, Ahmed...) far more often than the rare ones.
    words = [rng.choice(common if rng.random() < 0.4 else given)]
    if rng.random() < 0.5:
        words.append(rng.choice(given))                     # father's name
    if rng.random() < 0.2:
        words.insert(1, rng.choice(("bin", "ben", "ibn")))
    fam = rng.choice(family)
    words.append(("al-" + fam) if rng.random() < 0.3 else fam)
    return words


def synthetic_persons(n: int, seed: int, listed_keys: set[str], country_pool: list[str]
                      ) -> list[tuple[str, str, str | None, tuple[str, ...]]]:
    """Return n distinct synthetic persons as (name, culture, birth date, countries), none with a listed name.

    A name is refused if its ``name_key`` equals, or has the same words in any order as, a name of the list.
    Cultures are weighted towards the names sanctions lists hold (Arabic, Slavic, East Asian); a quarter mixes a
    given name of one culture with the family name of another.
    """
    rng = random.Random(seed)
    pools = name_pools(frozenset(w for k in listed_keys for w in k.split()))
    sorted_listed = {" ".join(sorted(k.split())) for k in listed_keys}
    cultures = ["english", "japanese", "korean", "chinese", "arabic", "slavic", "world"]
    weights = [2, 1, 1, 1, 3, 2, 2]
    all_countries = country_codes()
    out: list[tuple[str, str, str | None, tuple[str, ...]]] = []
    seen: set[str] = set()
    while len(out) < n:
        culture = rng.choices(cultures, weights)[0]
        fam_culture = rng.choice(cultures) if rng.random() < 0.25 else culture
        given, family = pools.given[culture], pools.family[fam_culture]
        if culture == "arabic" and fam_culture == "arabic":
            words = _arabic_name(rng, given, family, pools.common["arabic"])
        else:
            words = [rng.choice(given)]
            if culture == "slavic" and rng.random() < 0.5:
                words.append(rng.choice(pools.middle["slavic"]))   # a patronymic
            elif culture in ("english", "world") and rng.random() < 0.3:
                words.append(rng.choice(given))             # a middle name
            words.append(rng.choice(family))
            if fam_culture in pools.family_first and rng.random() < 0.6:
                words.insert(0, words.pop())                # family name first
        name = " ".join(_capitalise(w) for w in words)
        key = name_key(name)
        if key in seen or key in listed_keys or " ".join(sorted(key.split())) in sorted_listed:
            continue
        seen.add(key)
        u = rng.random()
        countries: tuple[str, ...] = ()
        if u < 0.45:
            countries = (rng.choice(country_pool),)         # a nationality the list holds often
        elif u < 0.9:
            countries = (rng.choice(all_countries),)
        label = culture if fam_culture == culture else f"{culture}+{fam_culture}"
        out.append((name, label, random_birth_date(rng), countries))
    return out
