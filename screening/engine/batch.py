"""Screen a batch of client rows with one ``Matcher``: every row gets a result, screened or not screened.

Pure: rows in, results out; no files, no database. A row with problems (empty name, digits only, an unreadable
date...) is reported as not screened with its reasons, and the engine's own refusal of a name is reported the same
way, so no row is ever dropped silently.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from typing import Callable, Iterable, Iterator, Protocol, Sequence

from screening.engine.index import Matcher
from screening.engine.model import Match, Query, Skipped

SCREENED = "screened"
NOT_SCREENED = "not screened"


class ClientLike(Protocol):
    row: int
    name: str
    type: str
    countries: tuple[str, ...]
    birth_date: str | None
    problems: list[str]


@dataclass
class RowResult:
    """A client row and its outcome: the matches at or above the threshold, or why it was not screened."""

    client: ClientLike
    status: str
    reason: str | None = None
    matches: list[Match] = field(default_factory=list)

    @property
    def best_score(self) -> float | None:
        return max((m.score for m in self.matches), default=None)


# --- one row, one chunk: what any way of running a batch (one process, a pool, a cluster) is made of ------------

Outcome = list[Match] | Skipped | None     # a row's matches, the engine's refusal, or None: not sent (problems)


def row_query(client: ClientLike) -> Query | None:
    """The query of a client row, or None when the row has problems (it is reported, not screened)."""
    if client.problems:
        return None
    return Query(name=client.name, type=client.type, countries=tuple(client.countries),
                 birth_date=client.birth_date)


def screen_chunk(matcher: Matcher, queries: Sequence[Query | None], threshold: float,
                 limit: int | None) -> list[Outcome]:
    """Screen the queries of a chunk of rows, in order (None stays None). Takes and returns plain data only, so a
    chunk can be sent to another process or machine and its outcomes sent back."""
    return [None if q is None else matcher.screen(q, threshold=threshold, limit=limit) for q in queries]


def row_result(client: ClientLike, outcome: Outcome) -> RowResult:
    """The ``RowResult`` of a client row from its outcome (``screen_chunk``)."""
    if outcome is None:
        return RowResult(client, NOT_SCREENED, "; ".join(client.problems))
    if isinstance(outcome, Skipped):
        return RowResult(client, NOT_SCREENED, outcome.reason)
    return RowResult(client, SCREENED, matches=outcome)


def chunked(clients: Iterable[ClientLike], size: int) -> Iterator[list[ClientLike]]:
    """The rows in consecutive chunks of ``size`` (the last one shorter), in order: the unit of parallel work."""
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, not {size}")
    it = iter(clients)
    while chunk := list(islice(it, size)):
        yield chunk


def screen_rows(matcher: Matcher, clients: Iterable[ClientLike], threshold: float,
                limit: int | None, progress: Callable[[int], None] | None = None) -> Iterator[RowResult]:
    """Yield one ``RowResult`` per client, in order, with at most ``limit`` matches each (None: every match at or
    above the threshold); ``progress(n)`` is called after each row with the count done. One process; see
    ``screening.engine.parallel`` for every core."""
    for done, client in enumerate(clients, start=1):
        query = row_query(client)
        yield row_result(client, screen_chunk(matcher, [query], threshold, limit)[0])
        if progress:
            progress(done)


def screen_distinct(clients: Iterable[ClientLike],
                    screen: Callable[[list[ClientLike], Callable[[int], None] | None], Iterator[RowResult]],
                    progress: Callable[[int], None] | None = None) -> Iterator[RowResult]:
    """Yield one ``RowResult`` per client, in order, screening each distinct query once: ``screen(rows, progress)``
    (one process, every core or a cluster) gets the rows with problems and the first row of each query; a later
    row with the same name, type, countries and birth date (a counterparty listed once per account) gets the
    first one's matches. ``progress(n)`` counts rows of the whole batch (scaled from the rows screened)."""
    rows = clients if isinstance(clients, list) else list(clients)
    left: Counter[Query] = Counter()            # rows of each query not yet yielded
    firsts: list[ClientLike] = []
    for c in rows:
        q = row_query(c)
        if q is None or not left[q]:
            firsts.append(c)
        if q is not None:
            left[q] += 1
    if len(firsts) == len(rows):
        del left, firsts
        yield from screen(rows, progress)
        return
    scale = len(rows) / len(firsts)
    results = screen(firsts, (lambda n: progress(min(len(rows), round(n * scale)))) if progress else None)
    kept: dict[Query, RowResult] = {}          # results of queries whose later rows are still to come
    for c in rows:
        q = row_query(c)
        if q is not None and q in kept:
            first = kept[q]
            result = RowResult(c, first.status, first.reason, list(first.matches))
        else:
            result = next(results)
            if result.client is not c:
                raise RuntimeError(f"row {c.row}: results came back out of order (row {result.client.row})")
            if q is not None:
                kept[q] = result
        if q is not None:
            left[q] -= 1
            if not left[q]:
                kept.pop(q, None)
        yield result
    for extra in results:                       # none: every row took its result
        raise RuntimeError(f"row {extra.client.row}: a result for no row")
