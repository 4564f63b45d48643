"""The watchlist's matcher: one per database, watchlist version and news policy, built once and shared.

Screening runs, the search page, the API, ``screening match`` and monitoring all screen through it. The index of a
version is also kept in a file beside the database (``<database>.index/``), so that the next process (a CLI call,
another web worker) reads it in a fraction of a second instead of building it again. The file is checked before
use (checksum, format, algorithm and engine, watchlist version and policy): a damaged or stale file is rebuilt,
never used. Databases in memory (tests) build in memory only.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from screening.engine.index import IndexFileError, Matcher
from screening.engine.pairs import algorithm_id
from screening.service import policy
from screening.store import watchlist as store

log = logging.getLogger(__name__)


class EmptyWatchlist(LookupError):
    """Screening needs at least one entity in the watchlist."""


_MATCHERS: dict[tuple[str, int, float], tuple[Matcher, int]] = {}
_LOCK = threading.Lock()
INDEX_FOLDER_SUFFIX = ".index"
KEEP_FILES = 3              # index files kept per database: the current one and the most recent others
STALE_TEMP_S = 3600         # a temporary file this old was left by a writer that stopped


def _db_path(db: sqlite_utils.Database) -> str:
    row = db.execute("PRAGMA database_list").fetchone()
    return row[2] or ""


def _db_key(db: sqlite_utils.Database) -> str:
    return _db_path(db) or f"memory:{id(db)}"


def index_path(db_path: str, version: int, min_relevance: float) -> Path:
    """Return the index file of a watchlist version and news policy, in the folder beside the database."""
    algorithm = re.sub(r"[^\w.-]+", "-", algorithm_id())
    return Path(db_path + INDEX_FOLDER_SUFFIX) / f"v{version}-r{min_relevance:g}-{algorithm}.idx"


def _watchlist_id(db: sqlite_utils.Database, version: int, min_relevance: float) -> dict:
    """What an index file must have been built from: the version, when it was made (a database restored or
    replaced can reuse a version number, not its time) and the news policy."""
    row = db.execute("SELECT created_at FROM watchlist_versions WHERE version = ?", [version]).fetchone()
    return {"watchlist_version": version, "created_at": row[0] if row else None, "news_min_relevance": min_relevance}


def _records(db: sqlite_utils.Database, min_relevance: float):
    records = store.match_records(db, min_relevance)
    if not records:
        raise EmptyWatchlist("the watchlist is empty: add articles (`screening watchlist add PATH` or "
                             "`--sample`) or import a list (`screening watchlist import FILE --format ...`)"
                             + (f"; or no news entity reaches the minimum relevance {min_relevance:g} "
                                f"(setting news_min_relevance)" if min_relevance else ""))
    return records


def _load_or_build(db: sqlite_utils.Database, version: int, min_relevance: float) -> Matcher:
    path = _db_path(db)
    if not path:
        return Matcher(_records(db, min_relevance))
    meta = _watchlist_id(db, version, min_relevance)
    file = index_path(path, version, min_relevance)
    try:
        return Matcher.from_bytes(read_index(file), meta)
    except FileNotFoundError:
        pass
    except (OSError, IndexFileError) as exc:
        log.warning("index file %s not used (%s): building it again", file, exc)
    t0 = time.perf_counter()
    matcher = Matcher(_records(db, min_relevance))
    log.info("watchlist version %d indexed in %.1f s (%d names)", version, time.perf_counter() - t0, len(matcher))
    if _watchlist_id(db, store.current_version(db), min_relevance) != meta:
        return matcher             # the watchlist changed while we read it: not written under the old version
    try:
        file.parent.mkdir(exist_ok=True)
        write_index(file, matcher.to_bytes(meta), like=path)
        _sweep(file)
    except OSError as exc:
        log.warning("cannot write the index file %s (%s): kept in memory only", file, exc)
    return matcher


def read_index(path: Path) -> bytes:
    """Return the bytes of an index file, read whole (a file deleted or replaced meanwhile does not matter)."""
    with open(path, "rb") as f:
        return f.read()


def write_index(path: Path, data: bytes, like: str | None = None) -> None:
    """Write an index file under a temporary name beside it, then rename it into place: a reader never sees half
    a file, and of two processes writing the same version at once, one whole file stays. The file gets the
    permissions of the file ``like`` (the database: whoever may read it may read its index)."""
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        if like:
            os.chmod(tmp, stat.S_IMODE(os.stat(like).st_mode))
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _sweep(current: Path) -> None:
    """Delete index files of earlier watchlist versions, keep at most ``KEEP_FILES`` in all, and delete temporary
    files left by writers that stopped. A process still using a deleted file has read it whole already."""
    version = int(current.name.split("-")[0][1:])
    others = []
    for f in current.parent.iterdir():
        try:
            if f.suffix == ".tmp":
                if time.time() - f.stat().st_mtime > STALE_TEMP_S:
                    f.unlink()
            elif f.suffix == ".idx" and f != current:
                m = re.match(r"v(\d+)-", f.name)
                if m and int(m.group(1)) < version:
                    f.unlink()
                else:
                    others.append((f.stat().st_mtime, f))
        except OSError:
            continue             # gone already (another process swept it), or in use on Windows
    for _, f in sorted(others, reverse=True)[KEEP_FILES - 1:]:
        try:
            f.unlink()
        except OSError:
            pass


def matcher_for(db: sqlite_utils.Database, min_relevance: float) -> tuple[Matcher, int, int]:
    """Return the matcher of the database's current watchlist version under the news policy ``min_relevance``
    (built once per version and policy, or read from its file), the version, and its number of entities. Raise
    ``EmptyWatchlist`` when there is nothing to screen against."""
    version = store.current_version(db)
    key = (_db_key(db), version, min_relevance)
    with _LOCK:
        if key not in _MATCHERS:
            matcher = _load_or_build(db, version, min_relevance)
            for old in [k for k in _MATCHERS if k[0] == key[0]]:
                del _MATCHERS[old]          # one version per database in memory
            _MATCHERS[key] = (matcher, len(matcher.records))
        matcher, size = _MATCHERS[key]
    return matcher, version, size


@dataclass(frozen=True)
class IndexBytes:
    """The index of a watchlist version as the bytes of its file, to send to other machines (a Dask cluster's
    workers): what it was built from (``meta``, checked by ``Matcher.from_bytes``) and its SHA-256."""

    data: bytes
    meta: dict
    sha256: str
    version: int | None             # the watchlist version; None for a matcher built in memory


def index_bytes(db: sqlite_utils.Database, min_relevance: float) -> IndexBytes:
    """Return the current version's index as file bytes: the file beside the database when it is there and
    whole, else the matcher's own bytes (a database in memory; a file that could not be written)."""
    matcher, version, _ = matcher_for(db, min_relevance)
    meta = _watchlist_id(db, version, min_relevance)
    data = None
    path = _db_path(db)
    if path:
        try:
            data = read_index(index_path(path, version, min_relevance))
            Matcher.from_bytes(data, meta)          # checked before it is sent: a stale file is never shipped
        except (OSError, IndexFileError):
            data = None
    if data is None:
        data = matcher.to_bytes(meta)
    return IndexBytes(data, meta, hashlib.sha256(data).hexdigest(), version)


def index_of(matcher: Matcher, meta: dict | None = None) -> IndexBytes:
    """A matcher built in memory (monitoring's matcher of the entities changed since a version) as index bytes."""
    data = matcher.to_bytes(meta or {})
    return IndexBytes(data, meta or {}, hashlib.sha256(data).hexdigest(), None)


def prepare_index(db: sqlite_utils.Database) -> tuple[int, float] | None:
    """Build (or check) the index of the current watchlist version under the deployment's news policy and keep it
    beside the database, so that the next screening, match or web request starts at once. Return the version and
    the seconds it took, or None when there is nothing to index (an empty watchlist)."""
    t0 = time.perf_counter()
    try:
        _, version, _ = matcher_for(db, policy.resolve(db).news_min_relevance)
    except EmptyWatchlist:
        return None
    return version, time.perf_counter() - t0
