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

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import numpy as np

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
from screening.engine.normalize import (
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
    CONFLICT_COST,
    MISSING_COST,
    MISSING_COST_ORG,
    SINGLE_MISSING_COST,
    SINGLE_WORD_CAP,
    _nysiis,
    allowance,
    compare_words,
)

DROP_ABOVE = 300  # a query word reaching more names than this is not probed when the others suffice
BOUND_MARGIN = 0.7  # the bound charges this share of the scorer's costs, to stay optimistic
AFFIX_WORD = 8    # words this long are also found by their first or last three letters
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


def _bare(text: str, weight: float) -> Word:
    """A lookup key that is not a word of the name: two neighbours run together, or initials."""
    return Word(text, weight, frozenset(), "", "", False, False)


def _keys(form: NameForm):
    """Yield the index keys of a name with their weight: its words, neighbours run together, initials."""
    words = form.words
    for w in words:
        yield w, w.weight
    for i in range(len(words) - 1):
        a, b = words[i], words[i + 1]
        yield _bare(a.text + b.text, 1.0), a.weight + b.weight
    if form.type != PERSON:
        for text, idx in _initials(words):
            yield _bare(text, 1.0), ACRONYM_SCORE * sum(words[i].weight for i in idx)


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
        self._lookup = lru_cache(maxsize=50_000)(self._lookup_word)

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
        self._build_post.append([])
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
        ni = len(self.names)
        self.names.append(_Name(ri, text, form, form.substantive))
        seen: dict[int, float] = {}
        for key, weight in _keys(form):
            vid = self._vid(key)
            seen[vid] = max(weight, seen.get(vid, 0.0))
        for vid, weight in seen.items():
            self._build_post[vid].append((ni, weight))

    def _freeze(self) -> None:
        """Turn the postings into arrays: per word, the names holding it (multi-word and single-word apart)."""
        subst = np.array([n.substantive for n in self.names], dtype=np.int16)
        self._name_weight = np.array([n.form.weight for n in self.names], dtype=np.float64)
        self._name_subst = subst
        # Single letters may align with any word of the same initial: the bound counts them as agreeing.
        self._name_initial_count = np.array([sum(1 for w in n.form.words if len(w.text) == 1) for n in self.names],
                                            dtype=np.float64)
        self._name_initials = np.array([sum(w.weight for w in n.form.words if len(w.text) == 1) for n in self.names],
                                       dtype=np.float64)
        empty_i = np.zeros(0, dtype=np.int32)
        empty_f = np.zeros(0, dtype=np.float32)
        self._post: list[tuple[np.ndarray, np.ndarray]] = []
        self._mono: list[tuple[np.ndarray, np.ndarray]] = []
        for entries in self._build_post:
            if not entries:
                self._post.append((empty_i, empty_f))
                self._mono.append((empty_i, empty_f))
                continue
            ids = np.fromiter((e[0] for e in entries), dtype=np.int32, count=len(entries))
            ws = np.fromiter((e[1] for e in entries), dtype=np.float32, count=len(entries))
            multi = subst[ids] >= 2
            self._post.append((ids[multi], ws[multi]))
            self._mono.append((ids[~multi], ws[~multi]))
        self._post_size = np.array([len(p[0]) for p in self._post], dtype=np.int64)
        del self._build_post

    # --- looking up -------------------------------------------------------------------------------------------

    def _lookup_word(self, word: Word, person: bool, translit: bool, abjad: bool) -> tuple[int, ...]:
        """Return the vocabulary words a query word can align with."""
        found: dict[int, float] = {}
        exact = self._vocab.get(word.text)
        if exact is not None:
            found[exact] = 1.0
        cands: set[int] = set()
        depth = 2 if len(word.text) >= LONG_WORD else (1 if len(word.text) >= 3 else 0)
        if translit:
            depth = max(depth, 2 if len(word.text) >= 4 else depth)
        for d in _deletes(word.text, depth):
            cands.update(self._deletes.get(d, ()))
        by_symbol: set[int] = set()
        for s in word.symbols:
            by_symbol.update(self._symbols.get(s, ()))
        if len(word.phonetic) >= 2:
            cands.update(self._sounds.get(word.phonetic, ()))
        if abjad and len(word.skeleton) >= 2:
            # Consonants written, vowels not: the same skeleton, or one consonant apart.
            for d in _deletes(word.skeleton, 1 if len(word.skeleton) >= 3 else 0):
                cands.update(self._skeletons.get(d, ()))
        if translit:
            classes = word_classes(word)
            if len(classes) >= 3:
                for d in _deletes(classes, 1):
                    cands.update(self._classes.get(d, ()))
        if len(word.text) >= 4:
            cands.update(self._sounds.get("~" + _nysiis(word.text), ()))
        if len(word.text) >= AFFIX_WORD - 1:
            cands.update(self._affixes.get("<" + word.text[:3], ()))
            cands.update(self._affixes.get(">" + word.text[-3:], ()))
        words = self._words
        if not (translit or abjad or word.abbreviation):
            # Latin spellings: a word more letters apart than the scorer allows cannot be a misspelling of it.
            n = len(word.text)
            cands = {v for v in cands if abs(len(words[v].text) - n) <= allowance(max(n, len(words[v].text))) + 1}
        for vid in cands | by_symbol:
            if vid in found:
                continue
            score = compare_words(word, words[vid], person, translit, abjad).score
            if score > 0:
                found[vid] = score
        return tuple(sorted(found.items()))

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
        out: set[int] = set()
        for name in dict.fromkeys(r for alt in alternatives(query.name) for r in (alt, *readings(alt))):
            q = query if name == query.name else Query(name, query.type, query.countries, query.birth_date)
            for form in self._query_forms(q):
                out.update(self._candidates_for(form, threshold).tolist())
        return out

    def _candidates_for(self, form: NameForm, threshold: float) -> np.ndarray:
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
            vids = [v for v, _ in found]
            size = int(self._post_size[vids].sum()) if vids else 0
            looked.append((w, idx, found, size))
        if not person:
            # Initials of a run of query words, looked up exactly ("peoples liberation army" -> "pla").
            for text, idx in _initials(words):
                v = self._vocab.get(text)
                if v is not None:
                    looked.append((None, idx, ((v, ACRONYM_SCORE),), int(self._post_size[v])))
        qsub = [i for i, w in enumerate(words) if w.substantive]
        drop = -1
        if len(qsub) >= 2 and threshold > SINGLE_WORD_CAP:
            k = max(qsub, key=lambda i: looked[i][3])
            if looked[k][3] > DROP_ABOVE:
                drop = k
        parts_n, parts_m, parts_c, parts_cs, parts_q = [], [], [], [], []
        dropped = None
        for k, (w, idx, found, size) in enumerate(looked):
            if not found:
                continue
            mask = 0
            for i in idx:
                mask |= 1 << i
            qweight = sum(words[i].weight for i in idx)
            arrays = [(self._mono[v], sim) for v, sim in found if len(self._mono[v][0])]
            if k == drop:
                dropped = (mask, qweight, found)
            else:
                arrays += [(self._post[v], sim) for v, sim in found if len(self._post[v][0])]
            if not arrays:
                continue
            if len(arrays) > 1:
                ids = np.concatenate([a[0][0] for a in arrays])
                ws = np.concatenate([a[0][1] for a in arrays])
                sims = np.concatenate([np.full(len(a[0][0]), a[1]) for a in arrays])
                order = np.lexsort((-sims, ids))          # per name, the best-agreeing word first
                ids, ws, sims = ids[order], ws[order], sims[order]
                ids, first = np.unique(ids, return_index=True)
                ws, sims = ws[first], sims[first]
            else:
                (ids, ws), sim = arrays[0]
                sims = np.full(len(ids), sim)
            parts_n.append(ids)
            parts_c.append(ws)
            parts_cs.append(ws * sims)
            parts_q.append(qweight * sims)
            parts_m.append(np.full(len(ids), mask, dtype=np.int64))
        if not parts_n:
            return np.zeros(0, dtype=np.int32)
        allnames = np.concatenate(parts_n)
        masks = np.concatenate(parts_m)
        uniq, inv = np.unique(allnames, return_inverse=True)
        order = np.argsort(inv, kind="stable")
        starts = np.flatnonzero(np.r_[True, np.diff(inv[order]) != 0])
        name_mask = np.bitwise_or.reduceat(masks[order], starts)
        wc_m = np.bincount(inv, weights=np.concatenate(parts_c))
        wq_sim = np.bincount(inv, weights=np.concatenate(parts_q))
        wc_sim = np.bincount(inv, weights=np.concatenate(parts_cs))
        if dropped is not None:
            # The most common word was not probed; names found otherwise still get credit for holding it.
            mask, qweight, found = dropped
            ids = np.concatenate([self._post[v][0] for v, _ in found])
            ws = np.concatenate([self._post[v][1] for v, _ in found])
            sims = np.concatenate([np.full(len(self._post[v][0]), sim) for v, sim in found])
            srt = np.lexsort((-sims, ids))
            ids, ws, sims = ids[srt], ws[srt], sims[srt]
            pos = np.minimum(np.searchsorted(ids, uniq), len(ids) - 1)
            hit = ids[pos] == uniq
            name_mask = np.where(hit, name_mask | mask, name_mask)
            wc_m = wc_m + np.where(hit, ws[pos], 0.0)
            wc_sim = wc_sim + np.where(hit, ws[pos] * sims[pos], 0.0)
            wq_sim = wq_sim + np.where(hit, qweight * sims[pos], 0.0)
        # Weight and number of distinctive query words behind each combination of matched words.
        bits = (np.arange(1 << n)[:, None] >> np.arange(n)[None, :]) & 1
        table_w = bits @ np.array([w.weight for w in words])
        table_s = bits @ np.array([1.0 if w.substantive else 0.0 for w in words])
        initials = 0
        for i, w in enumerate(words):
            if len(w.text) == 1:
                initials |= 1 << i
        name_mask = name_mask | initials
        wq_m = table_w[name_mask]
        s_m = table_s[name_mask] + self._name_initial_count[uniq]
        if threshold <= 0:
            return uniq
        wq = form.weight
        wc = self._name_weight[uniq]
        # An initial on one side may align with a whole word of the other ("Z Martin Iqbal" / "Zafar Iqbal"):
        # credit the other side with a full word per initial, so that the word is not charged as a conflict.
        q_init_n = sum(1 for w in words if len(w.text) == 1)
        c_init_n = self._name_initial_count[uniq]
        wq_m = np.minimum(wq_m + c_init_n, wq)
        wc_m = np.minimum(wc_m + self._name_initials[uniq] + q_init_n, wc)
        uq, uc = wq - wq_m, wc - wc_m
        # The agreeing words, weighted by how well they agree (the scorer's numerator, at best).
        q_init = sum(w.weight for w in words if len(w.text) == 1)
        a = (np.minimum(wq_sim + q_init + c_init_n, wq_m)
             + np.minimum(wc_sim + self._name_initials[uniq] + q_init_n, wc_m)) / 2
        # The scorer's costs, with a margin for what the bound cannot see (merged words, acronyms, numbers).
        missing = np.full(len(uniq), MISSING_COST if person else MISSING_COST_ORG)
        single = (s_m <= 1) & (np.maximum(self._name_subst[uniq], form.substantive) >= 2)
        missing = np.where(single, np.maximum(missing, SINGLE_MISSING_COST), missing)
        den = a + BOUND_MARGIN * (CONFLICT_COST * np.minimum(uq, uc) + missing * np.abs(uq - uc))
        bound = np.divide(a, den, out=np.zeros_like(a), where=den > 0)
        if form.substantive >= 2 and threshold > SINGLE_WORD_CAP:
            capped = (self._name_subst[uniq] >= 2) & (s_m < 2)
            bound = np.where(capped, np.minimum(bound, SINGLE_WORD_CAP), bound)
        return uniq[bound >= threshold]

    # --- matching ---------------------------------------------------------------------------------------------

    def match(self, query: Query, threshold: float, limit: int | None = None) -> list[Match]:
        """Return the records whose best name scores at or above ``threshold``, best first (none if unscreenable)."""
        try:
            cands = self.candidates(query, threshold)
        except UnscreenableName:
            return []
        return self._score(query, cands, threshold, limit)

    def exhaustive(self, query: Query, threshold: float, limit: int | None = None) -> list[Match]:
        """Score the query against every name (slow; for measuring the index's recall)."""
        return self._score(query, range(len(self.names)), threshold, limit)

    def _score(self, query: Query, name_ids, threshold: float, limit: int | None) -> list[Match]:
        best: dict[int, tuple[float, int]] = {}
        seen: set[tuple[int, str]] = set()
        for ni in name_ids:
            nm = self.names[ni]
            if (nm.record, nm.text) in seen:
                continue      # another reading of a name already scored (the scorer tries every reading)
            seen.add((nm.record, nm.text))
            # Scores first, reasons only for what is kept.
            score = score_pair(query, nm.text, self.records[nm.record], explain=False).score
            if score >= threshold and (nm.record not in best or score > best[nm.record][0]):
                best[nm.record] = (score, ni)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], self.records[kv[0]].id))
        if limit:
            ranked = ranked[:limit]
        return [score_pair(query, self.names[ni].text, self.records[ri]) for ri, (_, ni) in ranked]

    def screen(self, query: Query, threshold: float, limit: int | None = None
               ) -> list[Match] | Skipped:
        """Match a query, or say why it cannot be screened (empty name, digits only...)."""
        why = problem(query.name)
        if why:
            return Skipped(query.name if isinstance(query.name, str) else "", why)
        return self.match(query, threshold, limit)

