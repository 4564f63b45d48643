"""The bytes of a watchlist index file: named numpy arrays behind a small JSON header, checked before use.

Layout: ``MAGIC`` (8 bytes), a blake2b digest (32 bytes) of everything after it, the header's length (8 bytes,
little-endian), the header (JSON: format, algorithm, engine fingerprint, the caller's metadata, and each array's
name, dtype, shape and place), then the arrays, each aligned to 64 bytes. No pickle: the file is data only, and
only the dtypes below are read. A file that is damaged, truncated, of another format, built by other code or for
other data raises ``IndexFileError`` saying why; the caller rebuilds. Reading and writing the file itself is the
service's (``screening.service.matching``): the engine reads no files but its own code and data.

The digest catches damage, not a deliberate forgery (there is no secret key): whoever can write beside the
database can change the watchlist itself.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np

from screening.engine.pairs import algorithm_id

MAGIC = b"SCRIDX\x00\x01"
FORMAT = 1
_DIGEST = 32
_ALIGN = 64
_DTYPES = frozenset({"<i2", "<i4", "<i8", "<u8", "<f4", "<f8", "|u1"})
# Libraries whose output goes into the index (name symbols, phonetic keys, transliteration): a new version of one
# may change the words' keys, so it changes the fingerprint.
_LIBRARIES = ("rigour", "normality", "jellyfish", "rapidfuzz", "cutlet", "pyicu", "numpy")


class IndexFileError(ValueError):
    """An index file that cannot be used (missing, damaged, stale); the message says why, in words."""


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """Return a digest of the engine's code and data files and of the libraries it reads names with.

    Normalisation can change without the scoring's version changing (a nickname added, a new release of the name
    library); any such change makes earlier index files stale.
    """
    h = hashlib.blake2b(digest_size=16)
    root = Path(__file__).parent
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                       and p.suffix in (".py", ".pyx", ".pxd", ".csv", ".tsv", ".json", ".txt")):
        h.update(path.relative_to(root).as_posix().encode() + b"\x00")
        h.update(path.read_bytes() + b"\x00")
    for lib in _LIBRARIES:
        try:
            version = metadata.version(lib)
        except metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{lib}={version}\x00".encode())
    return h.hexdigest()


def stamp() -> dict:
    """Return what an index file must have been built by: format, scoring algorithm and engine fingerprint."""
    return {"format": FORMAT, "algorithm": algorithm_id(), "engine": engine_fingerprint()}


def encode(arrays: dict[str, np.ndarray], meta: dict) -> bytes:
    """Return the bytes of an index file holding ``arrays`` and ``meta`` (JSON-able: what it was built from)."""
    entries, offset = [], 0
    blobs = []
    for name, arr in arrays.items():
        arr = np.ascontiguousarray(arr)
        dtype = arr.dtype.newbyteorder("<") if arr.dtype.byteorder == ">" else arr.dtype
        arr = arr.astype(dtype, copy=False)
        if dtype.str not in _DTYPES:
            raise TypeError(f"array {name!r}: dtype {dtype.str} cannot be stored")
        offset = -(-offset // _ALIGN) * _ALIGN
        entries.append({"name": name, "dtype": dtype.str, "shape": list(arr.shape), "offset": offset,
                        "nbytes": arr.nbytes})
        blobs.append((offset, arr))
        offset += arr.nbytes
    header = json.dumps({**stamp(), "meta": meta, "arrays": entries, "payload": offset},
                        ensure_ascii=True, sort_keys=True).encode()
    fixed = len(MAGIC) + _DIGEST + 8
    start = -(-(fixed + len(header)) // _ALIGN) * _ALIGN
    out = bytearray(start + offset)
    out[:len(MAGIC)] = MAGIC
    out[fixed - 8:fixed] = len(header).to_bytes(8, "little")
    out[fixed:fixed + len(header)] = header
    for at, arr in blobs:
        out[start + at:start + at + arr.nbytes] = memoryview(arr).cast("B")
    out[len(MAGIC):len(MAGIC) + _DIGEST] = hashlib.blake2b(memoryview(out)[len(MAGIC) + _DIGEST:],
                                                           digest_size=_DIGEST).digest()
    return bytes(out)


def decode(data: bytes, meta: dict | None = None) -> tuple[dict, dict[str, np.ndarray]]:
    """Return the header and the arrays (read-only views of ``data``) of an index file's bytes.

    Raise ``IndexFileError`` when the bytes are damaged or truncated, of another format, built by another
    algorithm or engine, or (given ``meta``) built for other data.
    """
    fixed = len(MAGIC) + _DIGEST + 8
    if len(data) < fixed or data[:len(MAGIC)] != MAGIC:
        raise IndexFileError("not an index file of this program (or truncated)")
    if hashlib.blake2b(memoryview(data)[len(MAGIC) + _DIGEST:], digest_size=_DIGEST).digest() \
            != data[len(MAGIC):len(MAGIC) + _DIGEST]:
        raise IndexFileError("damaged or truncated (checksum mismatch)")
    size = int.from_bytes(data[fixed - 8:fixed], "little")
    try:
        header = json.loads(data[fixed:fixed + size])
    except ValueError:
        raise IndexFileError("damaged header") from None
    if not isinstance(header, dict):
        raise IndexFileError("damaged header")
    expected = stamp()
    if header.get("format") != expected["format"]:
        raise IndexFileError(f"index format {header.get('format')}, this program writes {FORMAT}")
    if header.get("algorithm") != expected["algorithm"]:
        raise IndexFileError(f"built by algorithm {header.get('algorithm')}, now {expected['algorithm']}")
    if header.get("engine") != expected["engine"]:
        raise IndexFileError("built by another version of the matching engine")
    if meta is not None and header.get("meta") != meta:
        raise IndexFileError(f"built for {header.get('meta')}, not {meta}")
    start = -(-(fixed + size) // _ALIGN) * _ALIGN
    if len(data) != start + header.get("payload", -1):
        raise IndexFileError("damaged (wrong length)")
    arrays = {}
    for e in header["arrays"]:
        if e["dtype"] not in _DTYPES:
            raise IndexFileError(f"damaged (array {e['name']!r} of dtype {e['dtype']})")
        dtype = np.dtype(e["dtype"])
        count = int(np.prod(e["shape"], dtype=np.int64))
        if count * dtype.itemsize != e["nbytes"] or e["offset"] < 0 or e["offset"] + e["nbytes"] > header["payload"]:
            raise IndexFileError(f"damaged (array {e['name']!r} out of place)")
        arrays[e["name"]] = np.frombuffer(data, dtype=dtype, count=count,
                                          offset=start + e["offset"]).reshape(e["shape"])
    return header, arrays
