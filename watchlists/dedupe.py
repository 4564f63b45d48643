"""Recognise an article we already have: the same text, or a syndicated near-copy of it.

Exact copies meet on a hash of the normalised text. Near-copies (the same agency story with another headline, a
changed line or a different footer) are found with MinHash over word 5-grams and locality-sensitive hashing: 64
hash values in 16 bands of 4, so two texts that share a band are compared, and a true Jaccard similarity of 0.8 or
more over their shingles links the newer to the first. Pure functions; storage keeps the bands.
"""
from __future__ import annotations

import hashlib
import re
import zlib
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

import numpy as np

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE = 5
NEAR_COPY = 0.8
_MASKS = [int.from_bytes(hashlib.blake2b(str(i).encode(), digest_size=8).digest(), "big") for i in range(NUM_PERM)]
_MASKS_NP = np.array(_MASKS, dtype=np.uint64)
_POSITION = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
                      0xFF51AFD7ED558CCD], dtype=np.uint64)
_WORDS = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    """Return the lower-cased words of a text, punctuation and spacing ignored."""
    return _WORDS.findall(text.casefold())


def text_hash(text: str, text_words: list[str] | None = None) -> str:
    """Hash the normalised text: two texts that differ only in spacing, case or punctuation hash equal."""
    return hashlib.sha256(" ".join(words(text) if text_words is None else text_words).encode()).hexdigest()


def normalise_url(url: str | None) -> str | None:
    """Return a URL without fragment, default port, ``www.`` or trailing slash, for comparing."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    path = parts.path.rstrip("/") or ""
    return urlunsplit((parts.scheme.lower() or "http", host, path, parts.query, ""))


@lru_cache(maxsize=65536)
def _word_hash(word: str) -> int:
    g = word.encode()
    return (zlib.crc32(g) << 32) | zlib.adler32(g)


def shingles(text: str, text_words: list[str] | None = None) -> set[int]:
    """Hash the word 5-grams of a text to 64-bit integers (``text_words``: its ``words``, if already known).

    Each word is hashed once (two C checksums); a 5-gram's hash combines its words' hashes with a different odd
    multiplier per position, then mixes the bits, all vectorised. Stable across processes and versions.
    """
    w = words(text) if text_words is None else list(text_words)
    if len(w) < SHINGLE:
        w = w + [""] * (SHINGLE - len(w))
    wh = np.fromiter((_word_hash(x) for x in w), dtype=np.uint64, count=len(w))
    n = len(w) - SHINGLE + 1
    h = np.zeros(n, dtype=np.uint64)
    for k in range(SHINGLE):
        h += wh[k:k + n] * _POSITION[k]  # uint64 arithmetic wraps modulo 2**64, as intended
    h ^= h >> np.uint64(31)
    h *= np.uint64(0x9E3779B97F4A7C15)
    h ^= h >> np.uint64(29)
    return set(h.tolist())


def minhash(sh: set[int]) -> list[int]:
    """Return the MinHash signature of a shingle set (XOR-mask permutations)."""
    if not sh:
        return [0] * NUM_PERM
    # The same values as ``[min(h ^ m for h in sh) for m in _MASKS]``, vectorised (XOR and min are exact on uint64).
    hashes = np.fromiter(sh, dtype=np.uint64, count=len(sh))
    return [int(v) for v in np.bitwise_xor.outer(hashes, _MASKS_NP).min(axis=0)]


def bands(sig: list[int]) -> list[str]:
    """Return the LSH band keys of a signature: texts sharing one are candidates."""
    out = []
    for b in range(BANDS):
        chunk = sig[b * ROWS:(b + 1) * ROWS]
        out.append(f"{b}:" + hashlib.blake2b(repr(chunk).encode(), digest_size=8).hexdigest())
    return out


def jaccard(a: set[int], b: set[int]) -> float:
    """Return the Jaccard similarity of two shingle sets."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)
