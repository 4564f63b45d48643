"""Tell English lines from lines in another language, by function words and script.

Web copies of English articles carry captions and infographic titles in the site's own language ("USA Treffen
Barack Obama und Li Keqiang"). Names look alike in every language, so we count only function words: words that
are stop words of German, French, Spanish, Italian, Dutch or Portuguese and not English words. spaCy ships these
lists; no model is needed.
"""
from __future__ import annotations

import importlib.util
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_OTHERS = ("de", "fr", "es", "it", "nl", "pt")
# Names for messages ("the article is in German").
NAMES = {"en": "English", "fr": "French", "de": "German", "es": "Spanish", "it": "Italian", "nl": "Dutch",
         "pt": "Portuguese", "other": "a language in a non-Latin script"}


def language_name(code: str) -> str:
    """Return the English name of a language code of ``guess_language`` ("de" -> "German")."""
    return NAMES.get(code, code)


def _load_stop_words(code: str) -> frozenset[str]:
    """Load spaCy's stop-word list of a language without importing its whole language package (seconds)."""

    spacy_spec = importlib.util.find_spec("spacy")
    path = Path(list(spacy_spec.submodule_search_locations)[0]) / "lang" / code / "stop_words.py"
    spec = importlib.util.spec_from_file_location(f"_stop_words_{code}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(module.STOP_WORDS)


@lru_cache(maxsize=1)
def _stopwords() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    english = _load_stop_words("en")
    # Words that are both (an, in, die, so, also, war...) say nothing either way.
    common_english = english | {"war", "man", "hat", "die", "fast", "bank", "art", "station", "via", "pro",
                                "son", "con", "us", "no", "ex", "den", "sin", "a", "e", "i", "o"}
    others, every_other = {}, set()
    for code in _OTHERS:
        words = _load_stop_words(code)
        every_other |= set(words)
        others[code] = frozenset(w for w in words if w not in common_english and len(w) > 1)
    # English evidence counts only words that are not function words of the other languages too ("a", "in").
    return frozenset(english - every_other), others


def latin_share(text: str) -> float:
    """Return the share of letters in ``text`` that are Latin script (1.0 when there are no letters)."""
    if text.isascii():
        return 1.0
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 1.0
    latin = sum(1 for ch in letters if ch.isascii() or "LATIN" in unicodedata.name(ch, ""))
    return latin / len(letters)


@lru_cache(maxsize=8192)
def guess_language(text: str) -> str | None:
    """Guess the language of a line: ``"en"``, another code, ``"other"`` for non-Latin script, or None."""
    if latin_share(text) < 0.5:
        return "other"
    english, others = _stopwords()
    found = _WORD.findall(text)
    words = [w.lower() for w in found]
    if not words:
        return None
    # acronyms are names, not another language's function words: the "UN" of "breaching UN sanctions" is no French
    # "un", the "EU" of "EU patent law" no Portuguese "eu" (the "US" of "US box office" still reads as English)
    foreign = [w.lower() for w in found if not (w.isupper() and len(w) > 1)]
    en = sum(1 for w in words if w in english)
    best, best_hits = None, 0
    for code, stop in others.items():
        hits = sum(1 for w in foreign if w in stop)
        if hits > best_hits:
            best, best_hits = code, hits
    if best_hits and (en == 0 or best_hits >= 2 * en + 1):
        return best
    if en:
        return "en"
    return None


def is_foreign(text: str, article_language: str = "en") -> bool:
    """Tell whether a line is clearly in another language than the article's."""
    lang = guess_language(text)
    return lang is not None and lang != article_language
