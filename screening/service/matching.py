"""The watchlist's matcher: one per database, watchlist version and news policy, built once and shared.

Screening runs, the search page, the API, ``screening match`` and monitoring all screen through it.
"""
from __future__ import annotations

import threading

import sqlite_utils

from screening.engine.index import Matcher
from screening.store import watchlist as store


class EmptyWatchlist(LookupError):
    """Screening needs at least one entity in the watchlist."""


_MATCHERS: dict[tuple[str, int], tuple[Matcher, int]] = {}
_LOCK = threading.Lock()


def _db_key(db: sqlite_utils.Database) -> str:
    row = db.execute("PRAGMA database_list").fetchone()
    return row[2] or f"memory:{id(db)}"


def matcher_for(db: sqlite_utils.Database, min_relevance: float) -> tuple[Matcher, int, int]:
    """Return the matcher of the database's current watchlist version under the news policy ``min_relevance``
    (built once per version and policy), the version, and its number of entities. Raise ``EmptyWatchlist`` when
    there is nothing to screen against."""
    version = store.current_version(db)
    key = (_db_key(db), version, min_relevance)
    with _LOCK:
        if key not in _MATCHERS:
            records = store.match_records(db, min_relevance)
            if not records:
                raise EmptyWatchlist("the watchlist is empty: add articles (`screening watchlist add PATH` or "
                                     "`--sample`) or import a list (`screening watchlist import FILE --format ...`)"
                                     + (f"; or no news entity reaches the minimum relevance {min_relevance:g} "
                                        f"(setting news_min_relevance)" if min_relevance else ""))
            for old in [k for k in _MATCHERS if k[0] == key[0]]:
                del _MATCHERS[old]          # one version per database in memory
            _MATCHERS[key] = (Matcher(records), len(records))
        matcher, size = _MATCHERS[key]
    return matcher, version, size
