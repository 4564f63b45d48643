"""Screen a batch of client rows with one ``Matcher``: every row gets a result, screened or not screened.

Pure: rows in, results out; no files, no database. A row with problems (empty name, digits only, an unreadable
date...) is reported as not screened with its reasons, and the engine's own refusal of a name is reported the same
way, so no row is ever dropped silently.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Protocol

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


def screen_rows(matcher: Matcher, clients: Iterable[ClientLike], threshold: float,
                limit: int | None, progress: Callable[[int], None] | None = None) -> Iterator[RowResult]:
    """Yield one ``RowResult`` per client, in order, with at most ``limit`` matches each (None: every match at or
    above the threshold); ``progress(n)`` is called after each row with the count done."""
    for done, client in enumerate(clients, start=1):
        if client.problems:
            yield RowResult(client, NOT_SCREENED, "; ".join(client.problems))
        else:
            query = Query(name=client.name, type=client.type, countries=tuple(client.countries),
                          birth_date=client.birth_date)
            found = matcher.screen(query, threshold=threshold, limit=limit)
            if isinstance(found, Skipped):
                yield RowResult(client, NOT_SCREENED, found.reason)
            else:
                yield RowResult(client, SCREENED, matches=found)
        if progress:
            progress(done)
