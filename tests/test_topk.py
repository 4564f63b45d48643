"""Screening with a limit of hits: the result is the best ``limit`` of the full result, the same records with the
same scores and names in the same order (score, then record id), whatever the limit."""
from __future__ import annotations

import random

import pytest

from screening.engine.index import Matcher
from screening.engine.model import ORGANIZATION, PERSON, Query, Record

FIRST = ["John", "Jon", "Johan", "Mohammed", "Muhammad", "Maria", "Mario", "Ali", "Alí", "Anna", "Hans", "Jean"]
LAST = ["Smith", "Smyth", "Schmidt", "Hassan", "Hasan", "Garcia", "Garcias", "Müller", "Mueller", "Ivanov", "Lee"]
WORDS = ["Acme", "Global", "Trading", "Petro", "Oil", "Gas", "Bank", "National", "Star", "Ocean", "Shipping"]
FORMS = ["LLC", "Ltd", "Inc", "Company", "GmbH"]


def _records() -> list[Record]:
    """A list of common, near-identical names, so that a query meets many records scoring alike (ties)."""
    rng = random.Random(5)
    out = []
    for i in range(400):
        if i % 2:
            a, b = rng.choice(FIRST), rng.choice(LAST)
            names = (f"{a} {b}",) if i % 3 else (f"{a} {b}", f"{b}, {a}", f"{a[0]}. {b}")
            out.append(Record(f"p{i:03d}", names, PERSON))
        else:
            words = rng.sample(WORDS, rng.randint(1, 3))
            out.append(Record(f"o{i:03d}", (" ".join(words) + " " + rng.choice(FORMS),), ORGANIZATION))
    return out


RECORDS = _records()

# Queries of each kind: a name held by many records, a misspelling, reordered, an initial, a company with and
# without its legal form, a name no record holds.
CASES = [
    Query("John Smith"), Query("Jhon Smith", PERSON), Query("Smith, John"), Query("J. Smith"),
    Query("Mohammed Hassan"), Query("Maria Garcia"), Query("Hans Mueller", PERSON), Query("Ali Hasan"),
    Query("Acme Trading LLC", ORGANIZATION), Query("Global Oil"), Query("National Bank Ltd"),
    Query("Petro Gas Shipping Company"), Query("Zebulon Quincey"),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(RECORDS)


def _view(matches) -> list[tuple]:
    return [(m.record_id, m.score, m.matched_name, m.reasons) for m in matches]


@pytest.mark.parametrize("query", CASES, ids=lambda q: q.name)
@pytest.mark.parametrize("threshold", [0.7, 0.85])
def test_a_limit_keeps_the_best_of_the_full_result(matcher: Matcher, query: Query, threshold: float) -> None:
    full = _view(matcher.match(query, threshold))
    for limit in (1, 2, 3, 5, 10, 25):
        assert _view(matcher.match(query, threshold, limit)) == full[:limit], limit


def test_the_full_result_is_ranked_by_score_then_record_id(matcher: Matcher) -> None:
    full = matcher.match(Query("John Smith"), 0.7)
    assert len(full) > 10           # the case is one of many hits
    assert [(-m.score, m.record_id) for m in full] == sorted((-m.score, m.record_id) for m in full)


def test_random_queries_with_a_limit_keep_the_best_of_the_full_result(matcher: Matcher) -> None:
    rng = random.Random(11)
    for _ in range(150):
        name = rng.choice(rng.choice(RECORDS).names)
        # A typo of one kind or another: a letter dropped, doubled or swapped, the words reordered.
        i = rng.randrange(len(name))
        name = rng.choice([name[:i] + name[i + 1:], name[:i] + name[i] + name[i:],
                           " ".join(reversed(name.split())), name])
        full = _view(matcher.match(Query(name), 0.7))
        limit = rng.choice([1, 2, 3, 5, 8])
        assert _view(matcher.match(Query(name), 0.7, limit)) == full[:limit], name


def test_a_client_listed_twice_gets_the_same_hits_from_memory(matcher: Matcher) -> None:
    """A CRM extract lists a counterparty once per account: the repeated row is answered from the matcher's memory
    of recent results, with the same hits as the first, and changing one row's list never changes another's."""
    query = Query("John Smith")
    fresh = Matcher(RECORDS)
    first = fresh.screen(query, 0.7)
    before = fresh._screened.cache_info().hits
    again = fresh.screen(query, 0.7)
    assert fresh._screened.cache_info().hits == before + 1
    assert _view(again) == _view(first) == _view(matcher.match(query, 0.7))
    again.clear()
    assert _view(fresh.screen(query, 0.7)) == _view(first)
    # Another threshold, limit or attribute is another query.
    assert _view(fresh.screen(query, 0.7, 2)) == _view(first)[:2]
    assert len(fresh.screen(Query("John Smith", PERSON, ("GB",)), 0.95)) <= len(first)
