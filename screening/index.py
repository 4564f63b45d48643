"""Find a query's candidates in a watchlist without comparing it to every name, then score them carefully.

Pure and in memory. The index works at the level of words: every distinct word of the watchlist is entered once,
with the ways a query word can reach it (the same word, a name variant or nickname, one or two deleted letters,
the same sound, the same consonants, initials of several words, two words run together). A query word is looked
up once (cached); the names holding the words it reached are the candidates.

Pruning follows from the scorer's own rule (``SINGLE_WORD_CAP``): when both names have two or more distinctive
words, a pair agreeing on only one of them cannot pass a threshold above the cap. So a multi-word query need not
probe its most common word: any passing name also holds one of the others. Names with a single distinctive word
sit in a small separate index probed by every query word.
"""
from __future__ import annotations

from array import array
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from .engine import DEFAULT_THRESHOLD, match_record, score_pair
from .model import ORGANIZATION, PERSON, UNKNOWN, Match, Query, Record, Skipped
from .normalize import NameForm, UnscreenableName, Word, analyze, problem
from .scoring import CONFLICT_COST, MISSING_COST, SINGLE_WORD_CAP, compare_words

DROP_ABOVE = 300  # a query word reaching more names than this is not probed when the others suffice
LONG_WORD = 8     # words this long also enter the two-deletion neighbourhood


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


def _depth(text: str) -> int:
    n = len(text)
    if n <= 3:
        return 1 if n == 3 else 0
    return 2 if n >= LONG_WORD else 1


@dataclass
class _Name:
    record: int
    text: str
    form: NameForm
    substantive: int


class Matcher:
    """A watchlist ready to be searched: build once from records, then ``match`` queries against it."""

    def __init__(self, records: Iterable[Record]):
        self.records: list[Record] = list(records)
        self.names: list[_Name] = []
        self._vocab: dict[str, int] = {}
        self._words: list[Word] = []
        self._postings: list[array] = []          # word id -> name ids (multi-word names)
        self._mono: dict[int, array] = {}          # word id -> name ids (names with one distinctive word)
        self._deletes: dict[str, list[int]] = defaultdict(list)
        self._symbols: dict[str, list[int]] = defaultdict(list)
        self._sounds: dict[str, list[int]] = defaultdict(list)
        self._skeletons: dict[str, list[int]] = defaultdict(list)
        self._name_keys: list[tuple[tuple[int, float], ...]] = []   # name id -> (vocab id, weight) of its keys
        self.skipped_names: list[tuple[str, str, str]] = []
        for ri, rec in enumerate(self.records):
            kind = rec.type if rec.type in (PERSON, ORGANIZATION) else UNKNOWN
            for text in dict.fromkeys(rec.names):
                try:
                    form = analyze(text, kind)
                except UnscreenableName as exc:
                    self.skipped_names.append((rec.id, text, str(exc)))
                    continue
                self._add_name(ri, text, form)
        self._lookup = lru_cache(maxsize=200_000)(self._lookup_word)

    def __len__(self) -> int:
        return len(self.names)

    # --- building ---------------------------------------------------------------------------------------------

    def _vid(self, word: Word) -> int:
        vid = self._vocab.get(word.text)
        if vid is not None:
            return vid
        vid = len(self._words)
        self._vocab[word.text] = vid
        self._words.append(word)
        self._postings.append(array("i"))
        for d in _deletes(word.text, 1 if len(word.text) >= 3 else 0):
            self._deletes[d].append(vid)
        for s in word.symbols:
            self._symbols[s].append(vid)
        if len(word.phonetic) >= 2:
            self._sounds[word.phonetic].append(vid)
        if len(word.skeleton) >= 2:
            self._skeletons[word.skeleton].append(vid)
        return vid

    def _add_name(self, ri: int, text: str, form: NameForm) -> None:
        ni = len(self.names)
        subst = form.substantive
        self.names.append(_Name(ri, text, form, subst))
        keys = [(w, w.weight) for w in form.words]
        # Two neighbouring words run together ("jin ping" -> "jinping") and initials ("peoples liberation army").
        for i in range(len(form.words) - 1):
            a, b = form.words[i], form.words[i + 1]
            keys.append((Word(a.text + b.text, 1.0, frozenset(), "", "", False, False), a.weight + b.weight))
        if form.type != PERSON:
            for n in range(2, min(6, len(form.words)) + 1):
                for i in range(len(form.words) - n + 1):
                    run = form.words[i:i + n]
                    if all(len(w.text) > 1 for w in run):
                        keys.append((Word("".join(w.text[0] for w in run), 1.0, frozenset(), "", "", False, False),
                                     sum(w.weight for w in run)))
        seen = set()
        name_keys = []
        for w, weight in keys:
            vid = self._vid(w)
            name_keys.append((vid, weight))
            if vid in seen:
                continue
            seen.add(vid)
            if subst >= 2:
                self._postings[vid].append(ni)
            else:
                self._mono.setdefault(vid, array("i")).append(ni)
        self._name_keys.append(tuple(name_keys))

    # --- looking up -------------------------------------------------------------------------------------------

    def _lookup_word(self, word: Word, person: bool, translit: bool, abjad: bool) -> tuple[int, ...]:
        """Return the vocabulary words a query word can align with."""
        found: set[int] = set()
        exact = self._vocab.get(word.text)
        if exact is not None:
            found.add(exact)
        cands: set[int] = set()
        depth = 2 if len(word.text) >= LONG_WORD else (1 if len(word.text) >= 3 else 0)
        if translit:
            depth = max(depth, 2 if len(word.text) >= 4 else depth)
        for d in _deletes(word.text, depth):
            cands.update(self._deletes.get(d, ()))
        for s in word.symbols:
            cands.update(self._symbols.get(s, ()))
        if len(word.phonetic) >= 2:
            cands.update(self._sounds.get(word.phonetic, ()))
        if abjad and len(word.skeleton) >= 2:
            cands.update(self._skeletons.get(word.skeleton, ()))
        words = self._words
        for vid in cands:
            if vid in found:
                continue
            if compare_words(word, words[vid], person, translit, abjad).score > 0:
                found.add(vid)
        return tuple(found)

    def _query_forms(self, query: Query) -> list[NameForm]:
        kinds = [query.type] if query.type in (PERSON, ORGANIZATION) else [PERSON, ORGANIZATION]
        return [analyze(query.name, k) for k in kinds]

    def candidates(self, query: Query, threshold: float = DEFAULT_THRESHOLD) -> set[int]:
        """Return the ids of the names that could score at or above ``threshold`` against the query."""
        out: set[int] = set()
        for form in self._query_forms(query):
            out |= self._candidates_for(form, threshold)
        return out

    def _bound(self, form: NameForm, qmap: dict[int, tuple[int, ...]], ni: int, threshold: float) -> bool:
        """Cheap optimistic test: could this name reach the threshold if every reached word agreed fully?"""
        nm = self.names[ni]
        matched: set[int] = set()
        wc_m = 0.0
        for vid, weight in self._name_keys[ni]:
            hit = qmap.get(vid)
            if hit is not None:
                matched.update(hit)
                wc_m += weight
        if not matched:
            return False
        qw = form.words
        wq = sum(w.weight for w in qw)
        wq_m = sum(qw[i].weight for i in matched)
        wc = nm.form.weight
        wc_m = min(wc_m, wc)
        if form.substantive >= 2 and nm.substantive >= 2 and threshold > SINGLE_WORD_CAP:
            if sum(1 for i in matched if qw[i].substantive) < 2:
                return False
        uq, uc = wq - wq_m, wc - wc_m
        a = (wq_m + wc_m) / 2
        # Half the scorer's costs: a margin for alignments the bound cannot see (merged words, acronyms).
        bound = a / (a + 0.5 * CONFLICT_COST * min(uq, uc) + 0.5 * MISSING_COST * abs(uq - uc))
        return bound >= threshold

    def _candidates_for(self, form: NameForm, threshold: float) -> set[int]:
        person = form.type == PERSON
        translit = form.transliterated
        abjad = form.abjad
        probes: list[tuple[int, tuple[int, ...]]] = []       # (posting size, vocab ids) per query word
        words = list(form.words)
        for i in range(len(form.words) - 1):
            a, b = form.words[i], form.words[i + 1]
            words.append(Word(a.text + b.text, min(a.weight, b.weight), frozenset(), "", "", False, False))
        if form.type != PERSON:
            for w in form.words:
                if 2 <= len(w.text) <= 6:
                    vid = self._vocab.get(w.text)
                    if vid is not None:
                        probes.append((len(self._postings[vid]), (vid,)))
        word_matches = []
        qmap: dict[int, tuple[int, ...]] = {}
        n = len(form.words)
        for k, w in enumerate(words):
            vids = self._lookup(w, person, translit, abjad)
            size = sum(len(self._postings[v]) for v in vids)
            word_matches.append((w, vids, size))
            idx = (k,) if k < n else (k - n, k - n + 1)
            for v in vids:
                qmap[v] = tuple(sorted(set(qmap.get(v, ())) | set(idx)))
        substantive = [(w, vids, size) for w, vids, size in word_matches[: len(form.words)] if w.substantive]
        out: set[int] = set()
        # Names with a single distinctive word: every query word probes them.
        for _, vids, _ in word_matches:
            for v in vids:
                mono = self._mono.get(v)
                if mono is not None:
                    out.update(mono)
        drop = None
        if len(substantive) >= 2 and threshold > SINGLE_WORD_CAP:
            common = max(substantive, key=lambda t: t[2])
            if common[2] > DROP_ABOVE:
                drop = common[0]
        pool = substantive if substantive else word_matches[: len(form.words)]
        pool = pool + word_matches[len(form.words):]
        for w, vids, _ in pool:
            if w is drop:
                continue
            for v in vids:
                out.update(self._postings[v])
        for _, vids in probes:
            for v in vids:
                out.update(self._postings[v])
                qmap.setdefault(v, tuple(range(n)))
        if threshold <= 0:
            return out
        return {ni for ni in out if self._bound(form, qmap, ni, threshold)}

    # --- matching ---------------------------------------------------------------------------------------------

    def match(self, query: Query, threshold: float = DEFAULT_THRESHOLD, limit: int | None = 10) -> list[Match]:
        """Return the records whose best name scores at or above ``threshold``, best first (none if unscreenable)."""
        try:
            cands = self.candidates(query, threshold)
        except UnscreenableName:
            return []
        return self._score(query, cands, threshold, limit)

    def exhaustive(self, query: Query, threshold: float = DEFAULT_THRESHOLD, limit: int | None = None) -> list[Match]:
        """Score the query against every name (slow; for measuring the index's recall)."""
        return self._score(query, range(len(self.names)), threshold, limit)

    def _score(self, query: Query, name_ids, threshold: float, limit: int | None) -> list[Match]:
        best: dict[int, Match] = {}
        for ni in name_ids:
            nm = self.names[ni]
            rec = self.records[nm.record]
            m = score_pair(query, nm.text, rec)
            if m.score >= threshold and (nm.record not in best or m.score > best[nm.record].score):
                best[nm.record] = m
        out = sorted(best.values(), key=lambda m: (-m.score, m.record_id))
        return out[:limit] if limit else out

    def screen(self, query: Query, threshold: float = DEFAULT_THRESHOLD, limit: int | None = 10
               ) -> list[Match] | Skipped:
        """Match a query, or say why it cannot be screened (empty name, digits only...)."""
        why = problem(query.name)
        if why:
            return Skipped(query.name if isinstance(query.name, str) else "", why)
        return self.match(query, threshold, limit)

    def best(self, query: Query, record_index: int) -> Match:
        """Score a query against one record by its position (all its names)."""
        return match_record(query, self.records[record_index])
