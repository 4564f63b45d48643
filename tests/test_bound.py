"""The index's score bound: it must never hide a name the scorer would pass (same results as scoring every name),
and it should leave the scorer little to do on a list full of common names (speed as the watchlist grows)."""
from __future__ import annotations

import itertools

import pytest

from screening.engine.index import DROP_ABOVE, Matcher
from screening.engine.model import ORGANIZATION, PERSON, Query, Record

_START = ["bar", "kel", "mor", "dun", "hal", "wes", "tre", "pol", "sen", "gar", "lin", "ros"]
_END = ["ton", "ley", "man", "ford", "well", "by", "ing", "ham", "son", "ridge", "wood", "field"]
SURNAMES = [a + b for a, b in itertools.product(_START, _END)]          # 144 made-up family names
GIVEN = ["George", "William", "John", "James", "Michael"]
INITIALS = ["", "A. ", "F. ", "M. ", "W. "]
COMPANY_WORDS = ["Acme", "Orion", "Delta", "Vector", "Nimbus", "Quartz", "Helix", "Zenith"]
GENERIC = ["International", "Group", "Holdings", "Fund", "Trading", "Global"]


def _common_names() -> list[Record]:
    """A list like a year of news: thousands of persons sharing a few given names, companies sharing generic
    words; every given name is held by more names than the index probes (``DROP_ABOVE``)."""
    out = []
    for i, (g, m, s) in enumerate(itertools.product(GIVEN, INITIALS, SURNAMES)):
        out.append(Record(f"p{i}", (f"{g} {m}{s.capitalize()}",), PERSON))
    for i, (w, a, b) in enumerate(itertools.product(COMPANY_WORDS, GENERIC, GENERIC)):
        if a != b:
            out.append(Record(f"o{i}", (f"{w} {a} {b} Ltd",), ORGANIZATION))
    return out


# Names the scorer passes only through the rules the bound must see: initials standing for the other side's
# words, a word written twice, a family name two letters longer, generic words.
TARGETS = [
    Record("t1", ("George F. Bigelow",), PERSON),         # "George B. Farley": B. / Bigelow, F. / Farley
    Record("t2", ("James James",), PERSON),                # "James K. James": a word written twice
    Record("t3", ("John LaTurner",), PERSON),              # "John Turner": two letters more
    Record("t4", ("Ted M. Jackson",), PERSON),             # "JACKSON, Edward": a nickname, an initial left over
    Record("t5", ("Zenith International",), ORGANIZATION),
]
QUERIES = [Query("George B. Farley", PERSON), Query("James K. James", PERSON), Query("John Turner", PERSON),
           Query("JACKSON, Edward", PERSON), Query("William W. Barton", PERSON), Query("Michael M. Manley"),
           Query("PITNEY, William", PERSON), Query("Zenith International Group", ORGANIZATION),
           Query("International Holdings Ltd", ORGANIZATION), Query("Fund LLC", ORGANIZATION)]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    records = _common_names() + TARGETS
    assert sum("George" in r.names[0] for r in records) > DROP_ABOVE
    return Matcher(records)


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_the_bound_hides_nothing_the_scorer_passes(matcher, query):
    assert [(m.record_id, m.score) for m in matcher.match(query, 0.7)] == \
        [(m.record_id, m.score) for m in matcher.exhaustive(query, 0.7)]


@pytest.mark.parametrize("query, target", [("George B. Farley", "t1"), ("James K. James", "t2"),
                                           ("John Turner", "t3"), ("JACKSON, Edward", "t4")])
def test_names_that_agree_through_initials_repeats_or_longer_spellings_are_found(matcher, query, target):
    assert target in [m.record_id for m in matcher.match(Query(query, PERSON), 0.7)]


@pytest.mark.parametrize("query", ["William W. Barton", "PITNEY, William", "Michael M. Manley", "Fund LLC",
                                   "International Holdings Ltd"])
def test_a_common_word_does_not_make_every_name_holding_it_a_candidate(matcher, query):
    """The names scored for a query are a small share of those holding its common words: an initial is not
    credited twice, a name's initial takes only a word no other word took, generic words left over weigh in
    full without a firm agreement."""
    q = Query(query, ORGANIZATION if query[0] in "FI" else PERSON)
    holding = sum(1 for r in matcher.records
                  if any(w in r.names[0].casefold().replace(",", "").split()
                         for w in query.casefold().replace(",", "").split() if len(w) > 2))
    candidates = matcher.candidates(q, 0.7)
    assert holding >= 80
    assert len(candidates) < holding / 3, (len(candidates), holding)
