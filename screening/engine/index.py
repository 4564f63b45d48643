"""Find a query's candidates in a watchlist without comparing it to every name, then score them carefully.

Pure (no database). The index works at the level of words: every distinct word of the watchlist is entered once,
with the ways a query word can reach it (the same word, a name variant or nickname, one or two deleted letters,
the same sound, the same consonants, initials of several words, two words run together). A query word is looked
up once (cached); the names holding the words it reached are the candidates.

Pruning follows from the scorer's own rule (``SINGLE_WORD_CAP``): when both names have two or more distinctive
words, a pair agreeing on only one of them cannot pass a threshold above the cap. So a multi-word query need not
probe its most common word: any passing name also holds one of the others. Names with a single distinctive word
sit in a small separate index probed by every query word.

Once built the index is arrays only, and ``Matcher.to_bytes`` / ``Matcher.from_bytes`` give and take the bytes
of one file (``screening.engine.indexfile``), so that a process need not build it again.
"""
from __future__ import annotations

import heapq
import json
from collections import defaultdict
from functools import lru_cache
from hashlib import blake2b
from itertools import chain
from typing import Iterable, Iterator, NamedTuple, Sequence

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from screening.engine import indexfile

from screening.engine.model import (
    ENTITY_TYPES,
    ORGANIZATION,
    PERSON,
    UNKNOWN,
    Match,
    Query,
    Record,
    Skipped,
)
from screening.engine.indexfile import IndexFileError
from screening.engine.normalize import (
    GENERIC_ORG,
    PARTICLES,
    NameForm,
    UnscreenableName,
    Word,
    analyze,
    problem,
    word_classes,
)
from screening.engine.pairs import alternatives, infer_type, score_pair
from screening.engine.readings import readings
from screening.engine.scoring import (
    ACRONYM_SCORE,
    INITIAL_SCORE,
    MERGED_MIN,
    CONFLICT_COST,
    MISSING_COST,
    MISSING_COST_ORG,
    SINGLE_MISSING_COST,
    SINGLE_WORD_CAP,
    _given_start,
    _nysiis,
    allowance,
    compare_words,
)

DROP_ABOVE = 300  # a query word reaching more names than this is not probed when the others suffice
BOUND_MARGIN = 0.7  # the bound charges this share of the scorer's costs, to stay optimistic
AFFIX_WORD = 8    # words this long are also found by their first or last three letters
LONG_WORD = 8     # words this long also enter the two-deletion neighbourhood
# The bound is optimistic but not strict: over 3,000 OFAC queries, 9 candidate names scored above their bound, by at
# most 0.144 (words merged or split, "Bashir-Ud-Din" / "Bashiruddin"; short names). Scoring in bound order stops,
# or skips a record's other names, only when the bound plus this slack is below the score to beat.
BOUND_SLACK = 0.2
# Results kept for repeated queries (``Matcher.screen``): the search page, the API and ``screening match`` asked the
# same name again. (A batch screens each distinct query once already: ``batch.screen_distinct``.) A match with its
# reasons takes about 3 KB (tracemalloc, 400 OFAC queries); at OFAC + 200,000 names a row has about 6 matches, so
# 1,024 results stay under about 20 MB.
SCREENED_CACHE = 1024


def _deletes(text: str, depth: int) -> set[str]:
    out = {text}
    frontier = {text}
    for _ in range(depth):
        nxt = set()
        for t in frontier:
            if len(t) <= 2:
                continue
            for i in range(len(t)):
                nxt.add(t[:i] + t[i + 1:])
        out |= nxt
        frontier = nxt
    return out


def _bare(text: str, weight: float) -> Word:
    """A lookup key that is not a word of the name: two neighbours run together, or initials."""
    return Word(text, weight, frozenset(), "", "", False, False)


def _keys(form: NameForm):
    """Yield the index keys of a name with their weight: its words, neighbours run together, initials."""
    words = form.words
    for w in words:
        yield w, w.weight, False
    for i in range(len(words) - 1):
        a, b = words[i], words[i + 1]
        if not (a.numeric or b.numeric):       # as the scorer's merged items (scoring._items)
            yield _bare(a.text + b.text, 1.0), a.weight + b.weight, True
    if form.type != PERSON:
        # Initials of a run of words, under keys of their own: the scorer matches them only with a short word
        # written exactly so ("pla" / "People's Liberation Army"), never with a misspelling or other initials.
        for text, idx in _initials(words):
            yield _bare(_INITIALS_KEY + text, 1.0), sum(words[i].weight for i in idx), False


MIN_INITIAL_WEIGHT = 0.2  # the least a single letter weighs (normalize: "e", "y" as "and"); what it may take away
_INITIALS_KEY = "\x01"   # prefix of a vocabulary entry that is the initials of a run of a name's words


def _query_keys(form: NameForm):
    """Yield the extra lookup units of a query: neighbours run together."""
    words = form.words
    for i in range(len(words) - 1):
        a, b = words[i], words[i + 1]
        if not (a.numeric or b.numeric):
            yield _bare(a.text + b.text, min(a.weight, b.weight)), (i, i + 1)


def _initials(words):
    """Yield (initials, indices) of every run of two to six words of two letters or more (no numbers)."""
    letters = "".join(w.text[0] if len(w.text) > 1 and not w.numeric else " " for w in words)
    for n in range(2, min(6, len(words)) + 1):
        for i in range(len(words) - n + 1):
            run = letters[i:i + n]
            if " " not in run:
                yield run, tuple(range(i, i + n))


_ANY_LETTER = 1 << 26     # a word beginning with anything but a to z: may meet any initial


def _letters(texts: Iterable[str]) -> int:
    """Return the first letters of words as bits (a to z; any other first character counts as every letter)."""
    bits = 0
    for t in texts:
        k = ord(t[0]) - 97 if t else -1
        bits |= 1 << k if 0 <= k < 26 else (1 << 27) - 1
    return bits


def _generic(w: Word) -> bool:
    """A generic company word that weighs little in its name (the scorer's ``_left_weight``)."""
    return w.weight < 0.5 and w.text in GENERIC_ORG and w.text not in PARTICLES


def _repeated_letters(texts: Iterable[str], times: int = 2) -> int:
    """Return the letters (bits, as ``_letters``) that begin ``times`` or more of the words."""
    counts = [0] * 27
    for t in texts:
        bit = _letters((t,))
        for k in range(27):
            if bit >> k & 1:
                counts[k] += 1
    return sum(1 << k for k in range(27) if counts[k] >= times)


def _family(form: NameForm) -> set[int]:
    """The positions of a name's family name, as the scorer reads them (``scoring._given_start``): the words
    before the comma of "FAMILY, Given", else the last word."""
    start = _given_start(form)
    return set(range(start)) if start is not None else {len(form.words) - 1}


class _Name(NamedTuple):
    record: int       # index in ``Matcher.records``
    text: str         # the name as written (a reading keeps the written name's text)


# Tables of lookup keys, one letter each, prefixed to the key before it is hashed.
_EXACT, _DELETE, _SYMBOL, _SOUND, _SKELETON, _AFFIX, _CLASS = "=dspkac"
_ABBREVIATION, _NUMERIC, _HAS_CLASSES = 1, 2, 4      # bits of a vocabulary word's flags
_JOINED = 8      # ... a key of two words of a name run together (for some name)
_GENERIC = 16    # ... a generic company word ("group", "international": normalize.GENERIC_ORG)
# The scorer's allowance of edits by word length (the same from 12 letters on), for the length filter of lookups.
_ALLOWANCE = np.array([allowance(n) for n in range(13)], dtype=np.int64)


def _hashes(keys: Iterable[str]) -> np.ndarray:
    """Return a stable 64-bit hash of each key (Python's ``hash`` changes from one process to the next).

    Two keys with the same hash share one entry: a lookup then finds the words of both, and every word found is
    compared with the query word before it counts, so a collision costs a comparison, never a match.
    """
    return np.frombuffer(b"".join([blake2b(k.encode("utf-8", "surrogatepass"), digest_size=8).digest()
                                   for k in keys]), dtype="<u8")


def _offsets(lengths: np.ndarray) -> np.ndarray:
    """Return the offsets of consecutive runs of the given lengths (one more than the runs), as int32 if small."""
    out = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=out[1:])
    return out.astype(np.int32) if out[-1] < 2 ** 31 else out


class _Strings(Sequence[str]):
    """A list of strings kept as one text and the offsets of each string in it (no object per string)."""

    def __init__(self, text: str, offsets: np.ndarray):
        self.text, self.offsets = text, offsets

    @classmethod
    def of(cls, items: Sequence[str]) -> "_Strings":
        return cls("".join(items), _offsets(np.fromiter(map(len, items), dtype=np.int64, count=len(items))))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i):       # type: ignore[override]
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self.text[self.offsets[i]:self.offsets[i + 1]]

    def __iter__(self) -> Iterator[str]:
        text, bounds = self.text, self.offsets.tolist()
        return (text[a:b] for a, b in zip(bounds, bounds[1:]))

    def length(self, i: int) -> int:
        return int(self.offsets[i + 1] - self.offsets[i])

    def arrays(self, name: str) -> dict[str, np.ndarray]:
        return {name: np.frombuffer(self.text.encode("utf-8", "surrogatepass"), dtype=np.uint8),
                name + ".off": self.offsets}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], name: str) -> "_Strings":
        text = arrays[name].tobytes().decode("utf-8", "surrogatepass")
        offsets = arrays[name + ".off"]
        _check_offsets(offsets, len(text), name)
        return cls(text, offsets)


class _Names(Sequence[_Name]):
    """The indexed names: record of each (an array) and text (``_Strings``)."""

    def __init__(self, records: np.ndarray, texts: _Strings):
        self.records, self.texts = records, texts

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, i):       # type: ignore[override]
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        return _Name(int(self.records[i]), self.texts[i])

    def __iter__(self) -> Iterator[_Name]:
        return (_Name(r, t) for r, t in zip(self.records.tolist(), self.texts))


def _check_offsets(offsets: np.ndarray, size: int, name: str) -> None:
    if offsets.ndim != 1 or len(offsets) < 1 or offsets[0] != 0 or offsets[-1] != size \
            or (len(offsets) > 1 and bool((np.diff(offsets) < 0).any())):
        raise IndexFileError(f"damaged (offsets of {name})")


def _check_ids(ids: np.ndarray, bound: int, name: str) -> None:
    if ids.ndim != 1 or (len(ids) and (int(ids.min()) < 0 or int(ids.max()) >= bound)):
        raise IndexFileError(f"damaged (ids of {name})")


def _csr(tables: list[tuple[str, dict[str, list[int]]]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lay out tables of key -> ids as sorted hashes of (table letter + key), offsets and one flat id array (keys
    of equal hash merged). Each table is emptied once laid out, to keep the peak of memory low."""
    hashes, lengths, flats = [], [], []
    for tag, table in tables:
        hashes.append(_hashes(tag + k for k in table))
        lengths.append(np.fromiter(map(len, table.values()), dtype=np.int64, count=len(table)))
        flats.append(np.fromiter(chain.from_iterable(table.values()), dtype=np.int32, count=int(lengths[-1].sum())))
        table.clear()
    all_hashes, all_lengths, flat = np.concatenate(hashes), np.concatenate(lengths), np.concatenate(flats)
    del hashes, lengths, flats
    order = np.argsort(all_hashes, kind="stable")
    starts = np.cumsum(all_lengths) - all_lengths
    lengths_o = all_lengths[order]
    starts_o = np.cumsum(lengths_o) - lengths_o
    flat = flat[np.repeat(starts[order] - starts_o, lengths_o) + np.arange(len(flat))]
    keys, first = np.unique(all_hashes[order], return_index=True)
    offsets = np.append(starts_o[first], len(flat))
    return keys, (offsets.astype(np.int32) if len(flat) < 2 ** 31 else offsets), flat


class Matcher:
    """A watchlist ready to be searched: build once from records, then ``match`` queries against it.

    Built, the index is a few arrays (no dict or list per word): the vocabulary's words and their fields, the
    lookup keys as sorted stable hashes with the words they reach, and each word's postings (the names holding it,
    multi-word and single-word names apart). ``to_bytes`` gives them as the bytes of one file and ``from_bytes``
    reads them back (``screening.engine.indexfile``); the matcher read back answers exactly as the one written.
    """

    def __init__(self, records: Iterable[Record]):
        self.records: list[Record] = list(records)
        self._build_names: list[tuple[int, str, NameForm]] = []
        self._vocab: dict[str, int] = {}
        self._words: list[Word] = []
        self._joined: set[int] = set()     # vocabulary ids used as two words of a name run together
        self._build_post: list[list[tuple[int, float]]] = []   # word id -> (name id, weight) while building
        self._deletes: dict[str, list[int]] = defaultdict(list)
        self._symbols: dict[str, list[int]] = defaultdict(list)
        self._sounds: dict[str, list[int]] = defaultdict(list)
        self._skeletons: dict[str, list[int]] = defaultdict(list)
        self._affixes: dict[str, list[int]] = defaultdict(list)   # long words by first and last four letters
        self._classes: dict[str, list[int]] = defaultdict(list)   # consonant classes (and one deleted): scripts
        self.skipped_names: list[tuple[str, str, str]] = []
        for ri, rec in enumerate(self.records):
            kind = rec.type if rec.type in ENTITY_TYPES else UNKNOWN
            for text in dict.fromkeys(n for name in rec.names for n in alternatives(name)):
                try:
                    form = analyze(text, kind)
                except UnscreenableName as exc:
                    self.skipped_names.append((rec.id, text, str(exc)))
                    continue
                self._add_name(ri, text, form)
                # Each other reading ("金正恩" read in Korean: 김정은) is found like a name of its own; it keeps the
                # written name as its text, which the scorer reads again in every way.
                for reading in readings(text):
                    try:
                        self._add_name(ri, text, analyze(reading, kind))
                    except UnscreenableName:
                        continue
        self._freeze()
        self._ready()

    def _ready(self) -> None:
        self._vlen = np.diff(self._vtext.offsets).astype(np.int64)
        # The first letter of each vocabulary word as a bit (0 for other characters and for initials keys).
        codes = np.frombuffer(self._vtext.text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        starts = np.asarray(self._vtext.offsets[:-1], dtype=np.int64)
        first = np.where(self._vlen > 0, codes[np.minimum(starts, max(len(codes) - 1, 0))] if len(codes) else 0, 0)
        k = first.astype(np.int64) - 97
        self._vletter = np.where((k >= 0) & (k < 26), np.left_shift(1, np.clip(k, 0, 25)), 0).astype(np.int64)
        # Word lookups (benchmarks/cache_sizes.py, 20,000 OFAC queries): 50,000 entries hit 46% for ~44 MB,
        # 15,000 hit 38% for ~13 MB; 20,000 keeps most of the hits for a third of the memory.
        self._lookup = lru_cache(maxsize=20_000)(self._lookup_word)
        # A name asked again is answered from memory: the index is read-only, so equal queries give equal results.
        self._screened = lru_cache(maxsize=SCREENED_CACHE)(self._screen_uncached)

    def __len__(self) -> int:
        return len(self.names)

    # --- building ---------------------------------------------------------------------------------------------

    def _add_word(self, word: Word) -> int:
        vid = self._vocab.get(word.text)
        if vid is not None:
            return vid
        vid = len(self._words)
        self._vocab[word.text] = vid
        self._words.append(word)
        self._build_post.append([])
        if word.text.startswith(_INITIALS_KEY):
            return vid            # found only exactly (see ``_keys``)
        for d in _deletes(word.text, 1 if len(word.text) >= 3 else 0):
            self._deletes[d].append(vid)
        for s in word.symbols:
            self._symbols[s].append(vid)
        if len(word.phonetic) >= 2:
            self._sounds[word.phonetic].append(vid)
        if len(word.skeleton) >= 2:
            for d in _deletes(word.skeleton, 1 if len(word.skeleton) >= 3 else 0):
                self._skeletons[d].append(vid)
        classes = word_classes(word)
        if len(classes) >= 3:
            for d in _deletes(classes, 1):
                self._classes[d].append(vid)
        if len(word.text) >= 4 and word.phonetic:
            self._sounds["~" + _nysiis(word.text)].append(vid)
        if len(word.text) >= AFFIX_WORD:
            # Edits in a long word rarely touch both ends: "abdelrahmon" ~ "abderrahmane", "curniero" ~ "carnicero".
            self._affixes["<" + word.text[:3]].append(vid)
            self._affixes[">" + word.text[-3:]].append(vid)
        return vid

    def _add_name(self, ri: int, text: str, form: NameForm) -> None:
        ni = len(self._build_names)
        self._build_names.append((ri, text, form))
        seen: dict[int, float] = {}
        for key, weight, joined in _keys(form):
            vid = self._add_word(key)
            if joined:
                self._joined.add(vid)
            # A word written twice ("James James") holds the weight of both: the bound credits a name's word once.
            seen[vid] = weight + seen.get(vid, 0.0)
        for vid, weight in seen.items():
            self._build_post[vid].append((ni, weight))

    def _freeze(self) -> None:
        """Turn what was built into arrays: names, vocabulary, lookup keys and postings (see the class)."""
        forms = [form for _, _, form in self._build_names]
        self.names = _Names(np.array([ri for ri, _, _ in self._build_names], dtype=np.int32),
                            _Strings.of([text for _, text, _ in self._build_names]))
        subst = np.array([f.substantive for f in forms], dtype=np.int16)
        self._name_weight = np.array([f.weight for f in forms], dtype=np.float64)
        self._name_subst = subst
        # Single letters may align with any word of the same initial: the bound counts them as agreeing.
        self._name_initial_count = np.array([sum(1 for w in f.words if len(w.text) == 1) for f in forms],
                                            dtype=np.float64)
        self._name_initials = np.array([sum(w.weight for w in f.words if len(w.text) == 1) for f in forms],
                                       dtype=np.float64)
        self._name_first_letters = np.array([_letters(w.text for w in f.words) for f in forms], dtype=np.int32)
        self._name_initial_letters = np.array([_letters(w.text for w in f.words if len(w.text) == 1) for f in forms],
                                              dtype=np.int32)
        self._name_dup_letters = np.array([_repeated_letters(w.text for w in f.words) for f in forms], dtype=np.int32)
        # What the scorer adds when no distinctive word agrees firmly: a generic word left over then weighs 1.
        self._name_generic = np.array([sum(1.0 - w.weight for w in f.words if _generic(w)) for f in forms],
                                      dtype=np.float32)
        self._name_given_letters = np.array([_letters(w.text for i, w in enumerate(f.words) if i not in _family(f))
                                             for f in forms], dtype=np.int32)
        del self._build_names
        # The vocabulary, field by field; its ``Word`` objects are made again when a lookup reaches them.
        words = self._words
        self._vtext = _Strings.of([w.text for w in words])
        self._vphonetic = _Strings.of([w.phonetic for w in words])
        self._vskeleton = _Strings.of([w.skeleton for w in words])
        self._vclasses = _Strings.of([w.classes or "" for w in words])
        self._vweight = np.array([w.weight for w in words], dtype=np.float64)
        joined = self._joined
        self._vflags = np.array([(_ABBREVIATION if w.abbreviation else 0) | (_NUMERIC if w.numeric else 0)
                                 | (_HAS_CLASSES if w.classes is not None else 0) | (_JOINED if v in joined else 0)
                                 | (_GENERIC if w.text in GENERIC_ORG and w.text not in PARTICLES else 0)
                                 for v, w in enumerate(words)], dtype=np.uint8)
        del self._joined
        symbols: dict[str, int] = {}
        self._vsym_ids = np.array([symbols.setdefault(s, len(symbols)) for w in words for s in sorted(w.symbols)],
                                  dtype=np.int32)
        self._vsym_off = _offsets(np.array([len(w.symbols) for w in words], dtype=np.int64))
        self._symtab = _Strings.of(list(symbols))
        self._word_cache: list[Word | None] = [None] * len(words)
        del self._words
        # Every lookup key in one table: the table's letter and the key, hashed.
        exact = {text: [vid] for text, vid in self._vocab.items()}
        del self._vocab
        self._key_hash, self._key_off, self._key_ids = _csr([
            (_EXACT, exact), (_DELETE, self._deletes), (_SYMBOL, self._symbols), (_SOUND, self._sounds),
            (_SKELETON, self._skeletons), (_AFFIX, self._affixes), (_CLASS, self._classes)])
        del self._deletes, self._symbols, self._sounds, self._skeletons, self._affixes, self._classes
        # Postings: per word, the names holding it and the weight it has there; multi-word and single-word names
        # apart, each in the order the names were added.
        counts = np.fromiter(map(len, self._build_post), dtype=np.int64, count=len(self._build_post))
        vids = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
        ids = np.fromiter((e[0] for p in self._build_post for e in p), dtype=np.int32, count=int(counts.sum()))
        ws = np.fromiter((e[1] for p in self._build_post for e in p), dtype=np.float32, count=int(counts.sum()))
        multi = subst[ids] >= 2
        vsize = len(counts)
        self._post_ids, self._post_w = ids[multi], ws[multi]
        self._post_off = _offsets(np.bincount(vids[multi], minlength=vsize))
        self._mono_ids, self._mono_w = ids[~multi], ws[~multi]
        self._mono_off = _offsets(np.bincount(vids[~multi], minlength=vsize))
        self._post_size = np.diff(self._post_off).astype(np.int64)
        del self._build_post

    # --- the file ---------------------------------------------------------------------------------------------

    def _arrays(self) -> dict[str, np.ndarray]:
        """Return the matcher as named arrays (records and skipped names as JSON text)."""
        records = json.dumps({
            "records": [[r.id, list(r.names), r.type, list(r.countries), list(r.birth_dates), r.source,
                         list(r.country_hints)] for r in self.records],
            "skipped": [list(s) for s in self.skipped_names]}, ensure_ascii=True)
        return {
            "records": np.frombuffer(records.encode(), dtype=np.uint8),
            "name.record": self.names.records, **self.names.texts.arrays("name.text"),
            "name.weight": self._name_weight, "name.subst": self._name_subst,
            "name.initial_count": self._name_initial_count, "name.initials": self._name_initials,
            "name.first_letters": self._name_first_letters, "name.initial_letters": self._name_initial_letters,
            "name.dup_letters": self._name_dup_letters, "name.generic": self._name_generic, "name.given_letters": self._name_given_letters,
            **self._vtext.arrays("word.text"), **self._vphonetic.arrays("word.phonetic"),
            **self._vskeleton.arrays("word.skeleton"), **self._vclasses.arrays("word.classes"),
            "word.weight": self._vweight, "word.flags": self._vflags,
            "word.sym.ids": self._vsym_ids, "word.sym.off": self._vsym_off, **self._symtab.arrays("symbol"),
            "key.hash": self._key_hash, "key.off": self._key_off, "key.ids": self._key_ids,
            "post.off": self._post_off, "post.ids": self._post_ids, "post.w": self._post_w,
            "mono.off": self._mono_off, "mono.ids": self._mono_ids, "mono.w": self._mono_w,
        }

    def to_bytes(self, meta: dict | None = None) -> bytes:
        """Return the index as the bytes of one file. ``meta`` (JSON-able: the watchlist version it was built
        from...) is stored with it and checked by ``from_bytes``."""
        return indexfile.encode(self._arrays(), meta or {})

    @classmethod
    def from_bytes(cls, data: bytes, meta: dict | None = None) -> "Matcher":
        """Return the matcher whose ``to_bytes`` gave ``data``. Raise ``IndexFileError`` (saying why) when the bytes
        are damaged, built by another algorithm or engine, or (given ``meta``) for other data: never use them
        then. The arrays stay views of ``data``."""
        _, arrays = indexfile.decode(data, meta or {})
        self = cls.__new__(cls)
        try:
            self._from_arrays(arrays)
        except IndexFileError:
            raise
        except (KeyError, ValueError, TypeError, IndexError, UnicodeDecodeError) as exc:
            raise IndexFileError(f"damaged ({type(exc).__name__}: {exc})") from None
        self._ready()
        return self

    def _from_arrays(self, a: dict[str, np.ndarray]) -> None:
        data = json.loads(a["records"].tobytes())
        self.records = [Record(id=r[0], names=tuple(r[1]), type=r[2], countries=tuple(r[3]),
                               birth_dates=tuple(r[4]), source=r[5], country_hints=tuple(r[6]))
                        for r in data["records"]]
        self.skipped_names = [tuple(s) for s in data["skipped"]]
        self.names = _Names(a["name.record"], _Strings.from_arrays(a, "name.text"))
        n = len(self.names)
        _check_ids(self.names.records, len(self.records), "names")
        self._name_weight, self._name_subst = a["name.weight"], a["name.subst"]
        self._name_initial_count, self._name_initials = a["name.initial_count"], a["name.initials"]
        self._name_first_letters = a["name.first_letters"]
        self._name_initial_letters = a["name.initial_letters"]
        self._name_dup_letters = a["name.dup_letters"]
        self._name_generic = a["name.generic"]
        self._name_given_letters = a["name.given_letters"]
        self._vtext = _Strings.from_arrays(a, "word.text")
        v = len(self._vtext)
        self._vphonetic = _Strings.from_arrays(a, "word.phonetic")
        self._vskeleton = _Strings.from_arrays(a, "word.skeleton")
        self._vclasses = _Strings.from_arrays(a, "word.classes")
        self._vweight, self._vflags = a["word.weight"], a["word.flags"]
        self._vsym_ids, self._vsym_off = a["word.sym.ids"], a["word.sym.off"]
        self._symtab = _Strings.from_arrays(a, "symbol")
        _check_offsets(self._vsym_off, len(self._vsym_ids), "word symbols")
        _check_ids(self._vsym_ids, len(self._symtab), "word symbols")
        self._key_hash, self._key_off, self._key_ids = a["key.hash"], a["key.off"], a["key.ids"]
        _check_offsets(self._key_off, len(self._key_ids), "keys")
        _check_ids(self._key_ids, v, "keys")
        for part in ("post", "mono"):
            off, ids, ws = a[part + ".off"], a[part + ".ids"], a[part + ".w"]
            _check_offsets(off, len(ids), part)
            _check_ids(ids, n, part)
            setattr(self, f"_{part}_off", off)
            setattr(self, f"_{part}_ids", ids)
            setattr(self, f"_{part}_w", ws)
        sizes = [len(self._name_weight), len(self._name_subst), len(self._name_initial_count),
                 len(self._name_initials), len(self._name_first_letters), len(self._name_initial_letters),
                 len(self._name_dup_letters), len(self._name_given_letters), len(self._name_generic)]
        if sizes != [n] * 9 or len(self._vweight) != v or len(self._vflags) != v or len(self._vsym_off) != v + 1 \
                or len(self._post_off) != v + 1 or len(self._mono_off) != v + 1 or len(self._key_hash) + 1 != \
                len(self._key_off) or len(self._post_w) != len(self._post_ids) \
                or len(self._mono_w) != len(self._mono_ids) or len(self._vphonetic) != v \
                or len(self._vskeleton) != v or len(self._vclasses) != v:
            raise IndexFileError("damaged (array sizes disagree)")
        self._post_size = np.diff(self._post_off).astype(np.int64)
        self._word_cache = [None] * v

    # --- the vocabulary ---------------------------------------------------------------------------------------

    def _word(self, vid: int) -> Word:
        """Return a vocabulary word, made again from its fields the first time it is needed."""
        w = self._word_cache[vid]
        if w is None:
            flags = int(self._vflags[vid])
            symbols = frozenset(self._symtab[int(s)]
                                for s in self._vsym_ids[self._vsym_off[vid]:self._vsym_off[vid + 1]])
            w = Word(self._vtext[vid], float(self._vweight[vid]), symbols, self._vphonetic[vid],
                     self._vskeleton[vid], bool(flags & _ABBREVIATION), bool(flags & _NUMERIC),
                     self._vclasses[vid] if flags & _HAS_CLASSES else None)
            self._word_cache[vid] = w
        return w

    def _probe(self, keys: list[str]) -> Iterator[tuple[int, list[int]]]:
        """Yield (index of the key, vocabulary ids) for each key present in the lookup table."""
        table = self._key_hash
        if not len(table):
            return
        hashes = _hashes(keys)
        pos = np.minimum(np.searchsorted(table, hashes), len(table) - 1)
        off, ids = self._key_off, self._key_ids
        for i in np.flatnonzero(table[pos] == hashes).tolist():
            p = pos[i]
            yield i, ids[off[p]:off[p + 1]].tolist()

    def _vid(self, text: str) -> int | None:
        """Return the vocabulary id of a word written exactly so, or None."""
        for _, vids in self._probe([_EXACT + text]):
            for v in vids:
                if self._vtext[v] == text:
                    return v
        return None

    # --- looking up -------------------------------------------------------------------------------------------

    def _lookup_word(self, word: Word, person: bool, translit: bool, abjad: bool) -> tuple[int, ...]:
        """Return the vocabulary words a query word can align with."""
        # Every key of the word in one probe of the table; symbol keys (names that are variants of each other)
        # skip the length filter below.
        keys = [_EXACT + word.text]
        depth = 2 if len(word.text) >= LONG_WORD else (1 if len(word.text) >= 3 else 0)
        if translit:
            depth = max(depth, 2 if len(word.text) >= 4 else depth)
        keys += [_DELETE + d for d in _deletes(word.text, depth)]
        first_symbol = len(keys)
        keys += [_SYMBOL + s for s in word.symbols]
        end_symbol = len(keys)
        if len(word.phonetic) >= 2:
            keys.append(_SOUND + word.phonetic)
        if abjad and len(word.skeleton) >= 2:
            # Consonants written, vowels not: the same skeleton, or one consonant apart.
            keys += [_SKELETON + d for d in _deletes(word.skeleton, 1 if len(word.skeleton) >= 3 else 0)]
        if translit:
            classes = word_classes(word)
            if len(classes) >= 3:
                keys += [_CLASS + d for d in _deletes(classes, 1)]
        if len(word.text) >= 4:
            keys.append(_SOUND + "~" + _nysiis(word.text))
        if len(word.text) >= AFFIX_WORD - 2:
            # Two edits from a word of AFFIX_WORD letters ("turner" / "laturner").
            keys += [_AFFIX + "<" + word.text[:3], _AFFIX + ">" + word.text[-3:]]
        found: dict[int, float] = {}
        cands: set[int] = set()
        by_symbol: set[int] = set()
        text = self._vtext
        for i, vids in self._probe(keys):
            if i == 0:
                found.update((v, 1.0) for v in vids if text[v] == word.text)
            elif first_symbol <= i < end_symbol:
                by_symbol.update(vids)
            else:
                cands.update(vids)
        if not (translit or abjad or word.abbreviation):
            # Latin spellings: a word more letters apart than the scorer allows cannot be a misspelling of it.
            n = len(word.text)
            ids = np.fromiter(cands, dtype=np.int64, count=len(cands))
            lengths = self._vlen[ids]
            allowed = _ALLOWANCE[np.minimum(np.maximum(lengths, n), len(_ALLOWANCE) - 1)] + 1
            near = np.abs(lengths - n) <= allowed
            ids, allowed = ids[near], allowed[near]
            if n > 1 and len(ids) > 1:
                # The same bound on the spelling itself, in one C++ call (rapidfuzz): past it, only an abbreviation
                # or a shared symbol can agree, and words sharing a symbol were reached by their symbol keys.
                offsets = self._vtext.offsets
                starts, ends = offsets[ids].tolist(), offsets[ids + 1].tolist()
                whole = self._vtext.text
                dist = process.cdist([word.text], [whole[a:b] for a, b in zip(starts, ends)], scorer=OSA.distance,
                                     score_cutoff=int(allowed.max()), dtype=np.int32)[0]
                ids = ids[(dist <= allowed) | ((self._vflags[ids] & _ABBREVIATION) != 0)]
            cands = set(ids.tolist())
        cache = self._word_cache
        for vid in cands | by_symbol:
            if vid in found:
                continue
            score = compare_words(word, cache[vid] or self._word(vid), person, translit, abjad).score
            if score > 0:
                found[vid] = score
        return tuple(sorted(found.items()))

    def _postings(self, vid: int, mono: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Return the names holding a vocabulary word and its weight in each (multi-word or single-word names)."""
        if mono:
            start, end = self._mono_off[vid], self._mono_off[vid + 1]
            return self._mono_ids[start:end], self._mono_w[start:end]
        start, end = self._post_off[vid], self._post_off[vid + 1]
        return self._post_ids[start:end], self._post_w[start:end]

    def _query_forms(self, query: Query) -> list[NameForm]:
        qtype = infer_type(query.name, query.type)
        kinds = [qtype] if qtype in (PERSON, ORGANIZATION) else [PERSON, ORGANIZATION]
        forms = []
        for k in kinds:
            f = analyze(query.name, k)
            if not any(f.words == g.words for g in forms):
                forms.append(f)
        return forms

    def candidates(self, query: Query, threshold: float) -> set[int]:
        """Return the ids of the names that could score at or above ``threshold`` against the query."""
        return set(self._bounded(query, threshold))

    def _bounded(self, query: Query, threshold: float) -> dict[int, float]:
        """Return the names that could score at or above ``threshold``, each with the most it can score (the best
        bound over the query's spellings, readings and types)."""
        out: dict[int, float] = {}
        for name in dict.fromkeys(r for alt in alternatives(query.name) for r in (alt, *readings(alt))):
            q = query if name == query.name else Query(name, query.type, query.countries, query.birth_date)
            for form in self._query_forms(q):
                ids, bounds = self._candidates_for(form, threshold)
                for ni, b in zip(ids.tolist(), bounds.tolist()):
                    if b > out.get(ni, -1.0):
                        out[ni] = b
        return out

    def _candidates_for(self, form: NameForm, threshold: float) -> tuple[np.ndarray, np.ndarray]:
        """Return the ids of the names that could score at or above ``threshold`` against one form of the query,
        and for each an upper bound of its score (infinite when ``threshold`` is 0 or less: no bound computed)."""
        person = form.type == PERSON
        translit, abjad = form.transliterated, form.abjad
        words = form.words
        n = len(words)
        # Each query unit: a word, two neighbours run together, or (companies) initials of a run of words.
        units: list[tuple[Word, tuple[int, ...]]] = [(w, (i,)) for i, w in enumerate(words)]
        for key, idx in _query_keys(form):
            units.append((key, idx))
        looked = []
        for w, idx in units:
            found = self._lookup(w, person, translit, abjad)
            if len(idx) > 1:
                # Two query words run together count only when nearly the same letters (the scorer's MERGED_MIN).
                found = tuple((v, sim) for v, sim in found if sim >= MERGED_MIN)
            vids = [v for v, _ in found]
            size = int(self._post_size[vids].sum()) if vids else 0
            looked.append((w, idx, found, size))
        if not person:
            # Initials of a run of query words, looked up exactly ("peoples liberation army" -> "pla").
            for text, idx in _initials(words):
                v = self._vid(text)
                if v is not None:
                    looked.append((None, idx, ((v, ACRONYM_SCORE),), int(self._post_size[v])))
        # A short query word written as the initials of a run of a name's words ("PLA" / "People's Liberation
        # Army"): the scorer's acronyms, exact only.
        for i, w in enumerate(words):
            if 2 <= len(w.text) <= 6 and not w.numeric:
                v = self._vid(_INITIALS_KEY + w.text)
                if v is not None:
                    looked.append((None, (i,), ((v, max(ACRONYM_SCORE, INITIAL_SCORE)),),
                                   int(self._post_size[v])))
        qsub = [i for i, w in enumerate(words) if w.substantive]
        drop = -1
        if len(qsub) >= 2 and threshold > SINGLE_WORD_CAP:
            k = max(qsub, key=lambda i: looked[i][3])
            if looked[k][3] > DROP_ABOVE:
                drop = k
        parts_n, parts_m, parts_q, parts_uw, parts_ucs = [], [], [], [], []
        parts_idx: list[tuple[int, ...]] = []
        name_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        dropped = None
        via_drop: list[np.ndarray] = []
        q_letters = _letters(w.text for w in words) if words else 0
        q_initials = _letters(w.text for w in words if len(w.text) == 1)
        for k, (w, idx, found, size) in enumerate(looked):
            if not found:
                continue
            mask = 0
            for i in idx:
                mask |= 1 << i
            qweight = sum(words[i].weight for i in idx)
            mono = self._mono_off
            arrays = [(self._postings(v, mono=True), sim, v) for v, sim in found if mono[v + 1] > mono[v]]
            if k == drop:
                dropped = (mask, qweight, found)
                # Initials may stand for the words the others would find: a name holding the dropped word whose
                # words begin with a query initial, or whose initials begin query words ("George B. Farley" /
                # "George F. Bigelow"), is found through the dropped word after all.
                for v, sim in found:
                    ids, ws = self._postings(v)
                    near = ((self._name_first_letters[ids] & q_initials) != 0) \
                        | ((self._name_initial_letters[ids] & q_letters) != 0)
                    if near.any():
                        arrays.append(((ids[near], ws[near]), sim, v))
                        via_drop.append(ids[near])
            else:
                arrays += [(self._postings(v), sim, v) for v, sim in found if self._post_size[v]]
            if not arrays:
                continue
            if len(arrays) > 1:
                ids = np.concatenate([a[0][0] for a in arrays])
                ws = np.concatenate([a[0][1] for a in arrays])
                sims = np.concatenate([np.full(len(a[0][0]), a[1]) for a in arrays])
                vs = np.concatenate([np.full(len(a[0][0]), a[2]) for a in arrays])
                # The name's side: every word of the name the unit reached (deduplicated over units below).
                name_parts.append((ids, vs, ws, ws * sims))
                # The name's side through this unit: the most it can take of one name (one word, or two run
                # together), as the scorer aligns a unit with one of them.
                by_name = np.argsort(ids, kind="stable")
                starts = np.flatnonzero(np.r_[True, np.diff(ids[by_name]) != 0])
                unit_w = np.maximum.reduceat(ws[by_name], starts)
                unit_cs = np.maximum.reduceat((ws * sims)[by_name], starts)
                order = np.lexsort((-sims, ids))          # the query's side: per name, the best-agreeing word
                ids, sims = ids[order], sims[order]
                ids, first = np.unique(ids, return_index=True)
                sims = sims[first]
            else:
                (ids, ws), sim, v = arrays[0]
                sims = np.full(len(ids), sim)
                name_parts.append((ids, np.full(len(ids), v), ws, ws * sims))
                unit_w, unit_cs = ws, ws * sims
            parts_uw.append(unit_w / len(idx))
            parts_ucs.append(unit_cs / len(idx))
            parts_idx.append(idx)
            parts_n.append(ids)
            parts_q.append(qweight * sims)
            parts_m.append(np.full(len(ids), mask, dtype=np.int64))
        if not parts_n:
            return np.zeros(0, dtype=np.int32), np.zeros(0)
        allnames = np.concatenate(parts_n)
        masks = np.concatenate(parts_m)
        uniq, inv = np.unique(allnames, return_inverse=True)
        order = np.argsort(inv, kind="stable")
        starts = np.flatnonzero(np.r_[True, np.diff(inv[order]) != 0])
        name_mask = np.bitwise_or.reduceat(masks[order], starts)
        wq_sim = np.bincount(inv, weights=np.concatenate(parts_q))
        # Per query word, the most of one name any unit holding it can take, as a share of the unit's words: a
        # unit is aligned with one item of the name (a word, or two run together), and the units aligned are
        # disjoint, so the name's side takes at most the sum over the query's words.
        share_w = np.zeros((len(uniq), n))
        share_cs = np.zeros((len(uniq), n))
        at = 0
        for idx, uw, ucs in zip(parts_idx, parts_uw, parts_ucs):
            rows = inv[at:at + len(uw)]
            at += len(uw)
            for i in idx:
                np.maximum.at(share_w[:, i], rows, uw)
                np.maximum.at(share_cs[:, i], rows, ucs)
        if dropped is not None:
            # The most common word was not probed; names found otherwise still get credit for holding it.
            mask, qweight, found = dropped
            ids = np.concatenate([self._postings(v)[0] for v, _ in found])
            ws = np.concatenate([self._postings(v)[1] for v, _ in found])
            sims = np.concatenate([np.full(self._post_size[v], sim) for v, sim in found])
            vs = np.concatenate([np.full(self._post_size[v], v) for v, _ in found])
            pos = np.minimum(np.searchsorted(uniq, ids), len(uniq) - 1)
            known = uniq[pos] == ids
            if via_drop:
                known &= ~np.isin(ids, np.concatenate(via_drop))     # credited above already
            ids, ws, sims, vs, pos = ids[known], ws[known], sims[known], vs[known], pos[known]
            name_parts.append((ids, vs, ws, ws * sims))
            best = np.zeros(len(uniq))
            np.maximum.at(best, pos, sims)
            most_w, most_cs = np.zeros(len(uniq)), np.zeros(len(uniq))
            np.maximum.at(most_w, pos, ws)
            np.maximum.at(most_cs, pos, ws * sims)
            for i in range(n):
                if mask >> i & 1:
                    share_w[:, i] = np.maximum(share_w[:, i], most_w / bin(mask).count("1"))
                    share_cs[:, i] = np.maximum(share_cs[:, i], most_cs / bin(mask).count("1"))
            hit = best > 0
            name_mask = np.where(hit, name_mask | mask, name_mask)
            wq_sim = wq_sim + qweight * best
        # The name's side: each of its words is credited once, however many query units reached it (the scorer
        # aligns a word once), with the best agreement any of them found.
        c_ids = np.concatenate([p[0] for p in name_parts])
        c_vid = np.concatenate([p[1] for p in name_parts]).astype(np.int64)
        c_w = np.concatenate([p[2] for p in name_parts])
        c_ws = np.concatenate([p[3] for p in name_parts])
        key = c_ids.astype(np.int64) * len(self._post_size) + c_vid
        srt = np.lexsort((-c_ws, key))
        _, first = np.unique(key[srt], return_index=True)
        pick = srt[first]
        c_inv = np.searchsorted(uniq, c_ids[pick])
        # ... and no more than the units can take, one item each.
        wc_m = np.minimum(np.bincount(c_inv, weights=c_w[pick], minlength=len(uniq)), share_w.sum(axis=1))
        wc_sim = np.minimum(np.bincount(c_inv, weights=c_ws[pick], minlength=len(uniq)), share_cs.sum(axis=1))
        # Weight and number of distinctive query words behind each combination of matched words.
        bits = (np.arange(1 << n)[:, None] >> np.arange(n)[None, :]) & 1
        table_w = bits @ np.array([w.weight for w in words])
        table_s = bits @ np.array([1.0 if w.substantive else 0.0 for w in words])
        # Initials align with a word of the other side that begins with their letter, and each word aligns once.
        # A query initial may take a word of the name that begins with its letter and that no query word reached
        # (a letter of a word the lookups credited is taken, unless two words of the name begin with it).
        taken = np.zeros(len(uniq), dtype=np.int64)
        taken_initials = np.zeros(len(uniq), dtype=np.int64)    # the name's single letters a query word reached
        vids = c_vid[pick]
        np.bitwise_or.at(taken, c_inv, self._vletter[vids])
        single = self._vlen[vids] == 1
        np.bitwise_or.at(taken_initials, c_inv[single], self._vletter[vids[single]])
        base_mask = name_mask
        not_taken = ~(taken & ~self._name_dup_letters[uniq])
        free = (self._name_first_letters[uniq] & not_taken) | _ANY_LETTER
        free_given = (self._name_given_letters[uniq] & not_taken) | _ANY_LETTER
        q_init_n = np.zeros(len(uniq))
        q_init = np.zeros(len(uniq))
        strict_mask = name_mask.copy()      # ... where initials stand only for given names (see below)
        for i, w in enumerate(words):
            if len(w.text) == 1:
                bit = _letters((w.text,))
                fit = (free & bit) != 0
                name_mask = np.where(fit, name_mask | (1 << i), name_mask)
                strict_mask = np.where((free_given & bit) != 0, strict_mask | (1 << i), strict_mask)
                q_init_n += fit
                q_init += np.where(fit, w.weight, 0.0)
        # A name's initial may take a query word that begins with its letter and that no name word reached (or
        # whose letter begins two query words). Distinct letters that can take none are each at least one initial
        # left over, as the scorer leaves it (a letter outside a to z may be any: then none is counted out).
        c_init_n = self._name_initial_count[uniq]
        c_init_w = self._name_initials[uniq]
        letters = self._name_initial_letters[uniq]
        q_dup = _repeated_letters(w.text for w in words)
        open_letters = np.full(len(uniq), q_dup | _ANY_LETTER if q_letters & _ANY_LETTER else q_dup,
                               dtype=np.int64)
        word_bits = [_letters((w.text,)) for w in words]
        for i, bit in enumerate(word_bits):
            open_letters |= np.where(name_mask & (1 << i), 0, bit)
        alone = np.where(letters & _ANY_LETTER, 0, letters & ~open_letters)
        # An initial a query word reached ("M." / "M.") is credited there already: one of that letter is out.
        alone |= letters & taken_initials & ~_ANY_LETTER
        n_alone = np.bitwise_count(alone.astype(np.uint32)).astype(np.float64)
        c_init_n = np.maximum(c_init_n - n_alone, 0.0)
        c_init_w = np.maximum(c_init_w - MIN_INITIAL_WEIGHT * n_alone, 0.0)
        # The query words the name's initials may take, added to those its words reached.
        # (An initial of a letter a query initial took is out, unless the name has two initials of that letter.)
        twice = self._name_initial_count[uniq] > np.bitwise_count(letters.astype(np.uint32))
        usable = np.where(letters & _ANY_LETTER, (1 << 27) - 1,
                          letters & open_letters & ~np.where(twice, 0, taken_initials))
        taken_q = name_mask.copy()
        q_family = _family(form)
        for i, bit in enumerate(word_bits):
            took = np.where((usable & bit) != 0, 1 << i, 0)
            taken_q |= took
            if i not in q_family:
                strict_mask |= took
        wq_m = table_w[taken_q]
        s_m = table_s[taken_q]
        if threshold <= 0:
            return uniq, np.full(len(uniq), np.inf)
        wq = form.weight
        wc = self._name_weight[uniq]
        # A query initial may align with a whole word of the name ("Z Martin Iqbal" / "Zafar Iqbal"): credit the
        # name with a full word per initial, so that the word is not charged as a conflict.
        wc_m = np.minimum(wc_m + c_init_w + q_init_n, wc)
        uq, uc = wq - wq_m, wc - wc_m
        if not person:
            # Without a firm agreement of distinctive words (none of the query's reached the name), the scorer
            # weighs a generic word left over in full ("International Group" / "First International"): on the
            # query's side those not taken, on the name's those of its generic words no credited word can be (a
            # key of two words run together may be two of them).
            strong = np.zeros(len(uniq))
            np.maximum.at(strong, c_inv, c_w[pick])
            firm = (table_s[base_mask] > 0) & (strong >= 0.5)
            table_g = bits @ np.array([1.0 - w.weight if _generic(w) else 0.0 for w in words])
            extra_q = table_g[-1] - table_g[taken_q]
            flags = self._vflags[vids]
            gone = np.where(flags & _JOINED, 2 * (1.0 - MIN_INITIAL_WEIGHT),
                            np.where(flags & _GENERIC, 1.0 - self._vweight[vids], 0.0))
            credited = np.bincount(c_inv, weights=gone, minlength=len(uniq))
            extra_c = np.maximum(self._name_generic[uniq] - credited, 0.0)
            uq = np.where(firm, uq, uq + extra_q)
            uc = np.where(firm, uc, uc + extra_c)
        # With a distinctive word left over on one side, an initial counts as a distinctive agreement only when
        # it stands for a given name of the other side, never for its family name (scoring._initials_count:
        # "William H. Slidell" / "William Hull").
        if person:
            s_m = np.where((uq >= 0.5) | (uc >= 0.5), table_s[strict_mask], s_m)
        # The agreeing words, weighted by how well they agree (the scorer's numerator, at best).
        a = (np.minimum(wq_sim + q_init + c_init_n, wq_m)
             + np.minimum(wc_sim + c_init_w + q_init_n, wc_m)) / 2
        # The scorer's costs, with a margin for what the bound cannot see (merged words, acronyms, numbers).
        missing = np.full(len(uniq), MISSING_COST if person else MISSING_COST_ORG)
        single = (s_m <= 1) & (np.maximum(self._name_subst[uniq], form.substantive) >= 2)
        missing = np.where(single, np.maximum(missing, SINGLE_MISSING_COST), missing)
        den = a + BOUND_MARGIN * (CONFLICT_COST * np.minimum(uq, uc) + missing * np.abs(uq - uc))
        bound = np.divide(a, den, out=np.zeros_like(a), where=den > 0)
        if form.substantive >= 2 and threshold > SINGLE_WORD_CAP:
            capped = (self._name_subst[uniq] >= 2) & (s_m < 2)
            bound = np.where(capped, np.minimum(bound, SINGLE_WORD_CAP), bound)
        keep = bound >= threshold
        return uniq[keep], bound[keep]

    # --- matching ---------------------------------------------------------------------------------------------

    def match(self, query: Query, threshold: float, limit: int | None = None) -> list[Match]:
        """Return the records whose best name scores at or above ``threshold``, best first (score, then record id),
        at most ``limit`` of them (None: all); none if the query cannot be screened.

        The result with a limit is the first ``limit`` of the result without one: names are scored in descending
        order of their bound, and scoring stops once ``limit`` records are held and no name left can reach the
        lowest of their scores (with ``BOUND_SLACK`` to spare: the bound is not strict).
        """
        try:
            bounds = self._bounded(query, threshold)
        except UnscreenableName:
            return []
        return self._score(query, bounds, threshold, limit)

    def exhaustive(self, query: Query, threshold: float, limit: int | None = None) -> list[Match]:
        """Score the query against every name (slow; for measuring the index's recall)."""
        return self._score(query, dict.fromkeys(range(len(self.names)), np.inf), threshold, limit)

    def _score(self, query: Query, bounds: dict[int, float], threshold: float, limit: int | None) -> list[Match]:
        """Score the names ``bounds`` holds (name id -> the most it can score) and rank their records.

        A record's score is that of its best name; of two names with the same score, the lower name id is kept,
        so that the result does not depend on the order in which names are scored.
        """
        best: dict[int, tuple[float, int]] = {}      # record -> (score, name id)
        seen: set[tuple[int, str]] = set()
        kth = -np.inf                                 # with a limit: the lowest score of the best ``limit`` records
        names, records = self.names, self.records
        for ni in sorted(bounds, key=lambda k: (-bounds[k], k)):
            bound = bounds[ni]
            if limit and bound + BOUND_SLACK < kth:
                break             # no name left can enter the best ``limit``
            nm = names[ni]
            held = best.get(nm.record)
            if held is not None and bound + BOUND_SLACK < held[0]:
                continue          # another name of this record already scores more than this one can
            if (nm.record, nm.text) in seen:
                continue          # another reading of a name already scored (the scorer tries every reading)
            seen.add((nm.record, nm.text))
            # Scores first, reasons only for what is kept.
            score = score_pair(query, nm.text, records[nm.record], explain=False).score
            if score < threshold or (held is not None and (score < held[0] or (score == held[0] and ni > held[1]))):
                continue
            best[nm.record] = (score, ni)
            if limit and len(best) >= limit and score > kth:
                kth = heapq.nlargest(limit, (s for s, _ in best.values()))[-1]
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], records[kv[0]].id))
        if limit:
            ranked = ranked[:limit]
        return [score_pair(query, names[ni].text, records[ri]) for ri, (_, ni) in ranked]

    def screen(self, query: Query, threshold: float, limit: int | None = None
               ) -> list[Match] | Skipped:
        """Match a query, or say why it cannot be screened (empty name, digits only...). A query equal to one of
        the last ``SCREENED_CACHE`` (same name, type, countries, birth date, threshold and limit) is answered from
        memory."""
        out = self._screened(query, threshold, limit)
        return list(out) if isinstance(out, tuple) else out

    def _screen_uncached(self, query: Query, threshold: float, limit: int | None) -> tuple[Match, ...] | Skipped:
        why = problem(query.name)
        if why:
            return Skipped(query.name if isinstance(query.name, str) else "", why)
        return tuple(self.match(query, threshold, limit))

