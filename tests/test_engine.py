"""The matching engine as a user sees it: which names match at the default threshold, and why; attributes; names
that cannot be screened; invariants (hypothesis); the engine stays pure; the index finds what exhaustive search finds.

Cases marked ``xfail(strict=True)`` are engine behaviour we believe is wrong (reported to the engine's owner); the
reason says what the engine returned when the case was written. A fix turns them into failures: then drop the mark.
"""
from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.engine.index import Matcher
from screening.engine.model import Match, Query, Record, Skipped
from screening.engine.normalize import analyze, problem
from screening.engine.pairs import (
    ALGORITHM,
    BENCHMARK_THRESHOLD,
    algorithm_id,
    compare,
    match_record,
    score_pair,
)


def xfail(reason: str):
    return pytest.mark.xfail(strict=True, reason=reason)


def score(a: str, b: str, type: str = "unknown") -> float:
    m = compare(a, b, type)
    assert isinstance(m, Match), m
    return m.score


def texts(m: Match) -> str:
    return " | ".join(m.explain())


# --- names that should match, and names that should not ---------------------------------------------------

MATCHES = [
    pytest.param("Keqiang Li", "Li Keqiang", "person", id="reordered-chinese-person"),
    pytest.param("Keqiang Li", "Li Keqiang", "unknown", id="reordered-chinese-untyped"),
    pytest.param("PUTIN, Vladimir Vladimirovich", "Vladimir Putin", "unknown", id="list-order-patronymic"),
    pytest.param("J. Smith", "John Smith", "person", id="initial"),
    pytest.param("Bill Clinton", "William Clinton", "unknown", id="nickname"),
    pytest.param("Sean Penn", "Shawn Penn", "unknown", id="spelling-variant-sean"),
    pytest.param("Olaf Scholze", "Olaf Scholz", "unknown", id="typo"),
    pytest.param("Владимир Путин", "Vladimir Putin", "unknown", id="cyrillic"),
    pytest.param("Muammar Qaddafi", "Moammar Gadhafi", "unknown", id="qaddafi-gadhafi", marks=xfail(
        "Qaddafi / Gadhafi not aligned (OSA 2 > allowance 1, no shared symbol, first letters differ): "
        "'words differ'")),
    pytest.param("Muammar Qaddafi", "Muammar Gaddafi", "unknown", id="qaddafi-gaddafi"),
    pytest.param("Osama bin Laden", "Usama bin Ladin", "unknown", id="arabic-transcription"),
    pytest.param("ANGLO-CARIBBEAN CO., LTD.", "Anglo Caribbean Company Limited", "unknown", id="legal-form-spelt"),
    pytest.param("OOO Romashka", "Romashka LLC", "unknown", id="legal-form-russian"),
    pytest.param("Siemens AG", "Siemens Aktiengesellschaft", "unknown", id="legal-form-german"),
    pytest.param("AT&T Inc.", "AT and T Inc.", "unknown", id="ampersand"),
    pytest.param("Ma Xiaohong", "Ma Xiao Hong", "person", id="split-given-name"),
    pytest.param("Alpha Fund III LP", "Alpha Fund 3 LP", "unknown", id="roman-series-number"),
    # Policy: funds of one series are siblings under one sponsor; screening raises them (labelled so in
    # OpenSanctions' name bench: "KKR Asian Fund III" / "KKR Asian Fund IV").
    pytest.param("Alpha Fund III LP", "Alpha Fund IV LP", "unknown", id="series-sibling"),
    # Companies: generic and sector words added to a distinctive name (issue 15, point 3).
    pytest.param("Yukos Oil Company", "Yukos", "organization", id="sector-and-generic-words-added"),
    pytest.param("Yukos Oil Company", "Yukos", "unknown", id="sector-and-generic-words-added-untyped"),
    pytest.param("Zarya Trading Company", "ZARYA", "organization", id="trading-company-added"),
    pytest.param("Faberlic", "Faberlic Europe", "organization", id="region-added"),
    pytest.param("Kestrel Airlines", "KESTREL AIR", "organization", id="airlines-air"),
    pytest.param("Kestrel Airlines", "KESTREL AIR", "unknown", id="airlines-air-untyped"),
    pytest.param("Kestrel Airways", "Kestrel Airlines", "organization", id="airways-airlines"),
    pytest.param("Borealis Intl Holdings", "Borealis International Holding", "organization", id="intl-holding-forms"),
    pytest.param("Volga Ind. Group", "Volga Industrial Grp", "organization", id="ind-grp-abbreviations"),
    # People: a short family-name variant with the given name agreeing; a nickname of the first given name.
    pytest.param("Lily Chen", "CHAN, Lily", "person", id="short-variant-with-given-name"),
    pytest.param("Bill Porter", "PORTER, William Mark", "person", id="nickname-of-first-given-name"),
    # Vessels of one name and number; long one-word names one letter apart (typos).
    pytest.param("Ocean Star 2", "OCEAN STAR 2", "vessel", id="vessel-same-number"),
    pytest.param("Hannibal", "Hannibol", "person", id="long-one-word-typo"),
    # A letter written with a period at the end of a name is an initial, not a series numeral ("V." is not 5).
    pytest.param("Vladimir Putin", "Putin, Vladimir V.", "unknown", id="final-initial-not-roman-numeral"),
]

NON_MATCHES = [
    pytest.param("Acme Ltd", "Zenith Ltd", "unknown", id="same-legal-form-only"),
    pytest.param("Management Company 23", "Management Company", "unknown", id="number-on-one-side"),
    pytest.param("A-Rubaysh Ibrahim", "Abu Ibrahim", "person", id="initial-with-word-left-over"),
    pytest.param("Bashar al-Assad", "Hafez al-Assad", "unknown", id="father-and-son"),
    pytest.param("Octavian Scholz", "Olaf Scholz", "unknown", id="other-given-name"),
    pytest.param("Bank of America", "Bank of China", "unknown", id="generic-words-only"),
    pytest.param("Bank Melli Iran", "Bank Mellat Iran", "unknown", id="one-letter-family"),
    pytest.param("Bill Clinton", "Hillary Clinton", "person", id="spouse"),
    pytest.param("Salman bin Muhammad al-Rawi", "Muhammad bin Salman al-Rawi", "unknown", id="son-and-father"),
    pytest.param("John Smith", "Jane Smith", "person", id="john-jane"),
    # Companies that share only generic or sector words, or differ in their sector (issue 15, point 3).
    pytest.param("Yukos Oil Company", "Rosneft Oil Company", "organization", id="only-generic-words-shared"),
    pytest.param("Yukos Oil Company", "Rosneft Oil Company", "unknown", id="only-generic-words-shared-untyped"),
    pytest.param("Saudi Arabian Oil Company", "Saudi Arabian Gas Company", "organization", id="different-sectors"),
    pytest.param("Kestrel Airlines", "Kestrel Shipping", "organization", id="airline-and-shipping"),
    pytest.param("Oil Company", "Gas Company", "organization", id="generic-words-only-different-sector"),
    # Common names (issue 15, point 4): a short family-name variant cannot carry given names that disagree.
    pytest.param("Chloe Chen", "CHOE, Chun-sik", "unknown", id="short-variant-given-names-differ"),
    pytest.param("Chloe Chen", "CHOE, Chun-sik", "person", id="short-variant-given-names-differ-person"),
    pytest.param("Selena Chan", "Serena Chen", "person", id="short-variant-and-another-name"),
    # A known name with a letter more is another name (often the other sex's).
    pytest.param("Maria", "Marial", "person", id="one-letter-more-single"),
    pytest.param("Maria Lopez", "Marial Lopez", "person", id="one-letter-more-given-name"),
    pytest.param("Ivan Petrov", "Ivana Petrov", "person", id="masculine-feminine"),
    pytest.param("Daniel Weber", "Daniela Weber", "unknown", id="masculine-feminine-untyped"),
    # A nickname of a later given name while the first given name agrees with nothing.
    pytest.param("Hans Rahman", "AL-RAHMAN, Mark John", "unknown", id="later-given-name-nickname"),
    pytest.param("Bill Porter", "PORTER, Mark William", "person", id="later-given-name-nickname-person"),
    # One-word names a letter apart; sister ships.
    pytest.param("Snow", "Snoe", "vessel", id="one-word-one-letter-vessel", marks=xfail(
        "0.80: holding one-word names of four letters a letter apart below 0.70 loses 58 of the 23,321 perturbed "
        "OFAC names (10 for vessels only: HUGE / HIGE, DOVE / DIVE), under the recall@1 target 0.981")),
    pytest.param("Ocean Star 1", "Ocean Star 2", "vessel", id="vessel-numbers-differ"),
    pytest.param("AT&T Inc.", "T and T Inc.", "unknown", id="at-and-t", marks=xfail(
        "0.7619: the 'AT' of AT&T is taken for a legal form (rigour: jsc) and dropped, so AT&T is compared as "
        "'T and T'")),
]


@pytest.mark.parametrize("a, b, type", MATCHES)
def test_variants_of_one_name_match(a, b, type):
    assert score(a, b, type) >= BENCHMARK_THRESHOLD


@pytest.mark.parametrize("a, b, type", NON_MATCHES)
def test_different_names_do_not_match(a, b, type):
    assert score(a, b, type) < BENCHMARK_THRESHOLD


# --- the reasons a reviewer reads ---------------------------------------------------------------------------

@pytest.mark.parametrize("a, b, type, expected", [
    ("Bill Clinton", "William Clinton", "unknown", "bill = william (nickname)"),
    ("J. Smith", "John Smith", "person", "j = john (initial)"),
    ("Olaf Scholze", "Olaf Scholz", "unknown", "scholze = scholz"),
    ("Bashar al-Assad", "Hafez al-Assad", "unknown", "words differ: bashar / hafez"),
    ("Bank of America", "Bank of China", "unknown", "words differ: america / china"),
    ("PUTIN, Vladimir Vladimirovich", "Vladimir Putin", "unknown", "only in the query: vladimirovich"),
    ("People's Liberation Army", "PLA", "organization", "(initials)"),
    ("OOO Romashka", "Romashka LLC", "unknown", "same legal form"),
    ("Siemens AG", "Siemens LLC", "organization", "different legal forms"),
    ("Salman bin Muhammad al-Rawi", "Muhammad bin Salman al-Rawi", "unknown", "son and father swapped"),
    ("Kestrel Airlines", "KESTREL AIR", "organization", "airlines = air (abbreviation)"),
    ("Kestrel Airways", "Kestrel Airlines", "organization", "airways = airlines (forms of one company word)"),
    ("Kestrel Airlines", "Kestrel Shipping", "organization", "words differ: airlines / shipping"),
    ("Chloe Chen", "CHOE, Chun-sik", "person", "chen = chun does not count"),
    ("Hans Rahman", "AL-RAHMAN, Mark John", "unknown", "the first (mark) agrees with nothing"),
    ("Maria Lopez", "Marial Lopez", "person", "words differ: maria / marial"),
    ("Ocean Star 1", "Ocean Star 2", "vessel", "sister ships"),
])
def test_reasons_name_the_finding(a, b, type, expected):
    assert expected in texts(compare(a, b, type))


def test_conflicting_words_are_a_conflict_outcome():
    m = compare("Bashar al-Assad", "Hafez al-Assad")
    assert [r.outcome for r in m.reasons if r.feature == "name_conflict"] == ["conflict"]


def test_initials_alone_are_reported_but_below_the_threshold():
    # Policy: "PLA" / "People's Liberation Army" is shown as initials, but initials alone do not raise an alert
    # ("BP PLC" / "Boutique Patraca", "TIM S.A." / "Taliban Islamic Movement" were false alerts on real names).
    m = compare("People's Liberation Army", "PLA", "organization")
    assert 0.5 <= m.score < BENCHMARK_THRESHOLD
    assert any("initials" in t for t in m.explain())


def test_different_legal_forms_cost_something():
    assert score("Siemens AG", "Siemens LLC", "organization") < score("Siemens AG", "Siemens AG", "organization")


# --- attributes: birth date, country, type ------------------------------------------------------------------

SMITH = Record("r1", ("John Smith",), "person", ("us",), ("1960",), "test")


def attrs(**kw) -> Match:
    return match_record(Query("John Smith", **kw), SMITH)


def reason(m: Match, feature: str):
    [r] = [r for r in m.reasons if r.feature == feature]
    return r


def test_birth_years_far_apart_lower_the_score_with_a_conflict():
    same, far = attrs(birth_date="1960"), attrs(birth_date="1990")
    assert far.score < same.score and far.score < BENCHMARK_THRESHOLD + 0.01
    r = reason(far, "birth_date")
    assert r.outcome == "conflict" and "1990" in r.text and "1960" in r.text


def test_birth_year_one_apart_does_not_lower_the_score():
    near, none = attrs(birth_date="1961"), attrs()
    assert near.score >= none.score
    assert reason(near, "birth_date").outcome == "partial"


def test_unknown_birth_date_is_unknown_not_a_conflict():
    m = attrs()
    assert reason(m, "birth_date").outcome == "unknown" and m.score == 1.0
    assert reason(match_record(Query("John Smith", birth_date="1960"), Record("r2", ("John Smith",))),
                  "birth_date").outcome == "unknown"


@pytest.mark.parametrize("query, record, expected", [
    (Query("John Smith", birth_date="1960"), Record("r", ("John Smith",)), "the list entry has no birth date"),
    (Query("John Smith"), Record("r", ("John Smith",), birth_dates=("1960",)), "the client has no birth date"),
    (Query("John Smith"), Record("r", ("John Smith",)), "neither side has a birth date"),
    (Query("John Smith", countries=("us",)), Record("r", ("John Smith",)), "the list entry has no country"),
    (Query("John Smith"), Record("r", ("John Smith",), countries=("us",)), "the client has no country"),
    (Query("John Smith"), Record("r", ("John Smith",)), "neither side has a country"),
    (Query("John Smith", type="person"), Record("r", ("John Smith",)), "the list entry has no entity type"),
    (Query("John Smith"), Record("r", ("John Smith",), "person"), "the client has no entity type"),
    (Query("John Smith"), Record("r", ("John Smith",)), "neither side has an entity type"),
])
def test_reasons_say_which_side_lacks_an_attribute(query, record, expected):
    m = match_record(query, record)
    assert expected in texts(m)
    assert "both sides" not in texts(m)


def test_birth_date_within_the_year_agrees():
    assert reason(attrs(birth_date="1960-05-01"), "birth_date").outcome == "match"


def test_different_countries_lower_the_score():
    other, same, none = attrs(countries=("ru",)), attrs(countries=("us",)), attrs()
    assert other.score < none.score <= same.score
    assert reason(other, "country").outcome == "conflict" and "ru" in reason(other, "country").text
    assert reason(none, "country").outcome == "unknown"


# A list's nationalities and citizenships are strong country evidence; its places of birth and a person's address
# countries are weak hints: a client country among them supports a little, and one elsewhere is no conflict.
@pytest.mark.parametrize("nationalities, hints, client, outcome, effect", [
    (("kp",), (), ("kp",), "match", "up"),              # nationality agrees
    (("kp",), (), ("de",), "conflict", "down"),          # nationality differs
    ((), ("ir",), ("ir",), "partial", "up"),             # born or living there, no nationality given
    ((), ("ir", "iq"), ("de",), "unknown", "same"),      # only hints, elsewhere: not a conflict
    (("sy",), ("de",), ("de",), "partial", "up"),        # the client's country is where the listed person lives
    (("sy",), ("de",), ("fr",), "conflict", "down"),     # neither nationality nor hint
    ((), (), ("de",), "unknown", "same"),                # the list says nothing
    ((), ("ir",), (), "unknown", "same"),                # the client says nothing
])
def test_nationality_is_strong_and_places_of_birth_or_addresses_are_weak(nationalities, hints, client, outcome,
                                                                         effect):
    record = Record("r", ("John Smith",), "person", nationalities, (), "test", country_hints=hints)
    with_country = match_record(Query("Jon Smith", countries=client), record)
    without = match_record(Query("Jon Smith"), record)
    r = reason(with_country, "country")
    assert r.outcome == outcome, r.text
    assert {"up": with_country.score > without.score, "down": with_country.score < without.score,
            "same": with_country.score == without.score}[effect], (with_country.score, without.score)
    if hints and client and outcome != "conflict":
        assert "not a conflict" in r.text or "place of birth or address" in r.text


def test_a_weak_hint_supports_less_than_a_nationality():
    strong = match_record(Query("Jon Smith", countries=("ir",)), Record("a", ("John Smith",), "person", ("ir",)))
    weak = match_record(Query("Jon Smith", countries=("ir",)),
                        Record("b", ("John Smith",), "person", country_hints=("ir",)))
    none = match_record(Query("Jon Smith", countries=("ir",)), Record("c", ("John Smith",), "person"))
    assert strong.score > weak.score > none.score


def test_person_query_against_an_organization_lowers_the_score():
    company = Record("o1", ("John Smith",), "organization")
    m = match_record(Query("John Smith", type="person"), company)
    assert m.score < match_record(Query("John Smith", type="organization"), company).score
    assert reason(m, "type").outcome == "conflict"
    assert reason(match_record(Query("John Smith"), company), "type").outcome == "unknown"


def test_match_record_takes_the_best_alias():
    rec = Record("p", ("PUTIN, Vladimir Vladimirovich", "Путин Владимир"), "person")
    m = match_record(Query("Владимир Путин"), rec)
    assert m.matched_name == "Путин Владимир" and m.score == 1.0 and m.record_id == "p"


# --- names that cannot be screened, and awkward ones --------------------------------------------------------

@pytest.mark.parametrize("name, why", [
    ("", "empty"), ("   ", "empty"), ("\u200b\t", "empty"), ("12345", "digits"), ("!!!", "no letters"),
])
def test_unscreenable_names_are_skipped_with_a_reason(name, why):
    for m in (compare(name, "John Smith"), compare("John Smith", name)):
        assert isinstance(m, Skipped) and why in m.reason
    assert isinstance(Matcher([SMITH]).screen(Query(name), BENCHMARK_THRESHOLD), Skipped)


@pytest.mark.parametrize("name", [
    "x" * 10_000,
    ("Vladimir " * 2_000).strip(),
    "Vladimir Путин",
    "李克强 Li Keqiang",
    "محمد bin Salman",
    "Ωmega Ltd. ООО 株式会社",
])
def test_long_and_mixed_script_names_give_a_match(name):
    for m in (compare(name, "Vladimir Putin"), compare("Vladimir Putin", name), compare(name, name)):
        assert isinstance(m, Match) and 0.0 <= m.score <= 1.0
    assert compare(name, name).score == 1.0


def test_every_match_records_the_algorithm(matcher):
    found = [compare("Bill Clinton", "William Clinton"), score_pair(Query("A B"), "C D"),
             match_record(Query("John Smith"), SMITH), match_record(Query("John Smith"), Record("e", ("!!!",)))]
    found += matcher.match(Query("Clinton"), threshold=0.0, limit=None)
    assert len(found) > 4
    for m in found:
        assert m.algorithm == algorithm_id() and m.algorithm.startswith(ALGORITHM + "/")


# --- invariants ---------------------------------------------------------------------------------------------

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TYPES = st.sampled_from(["unknown", "person", "organization"])
NAME_WORDS = ["john", "Jon", "SMITH", "al-", "bin", "Muhammad", "Ltd.", "Co", "&", "Bank", "of", "III", "li",
              "Владимир", "Путин", "李", "محمد", "O'Neil", "Müller", "the", "Mr", "4", "PLA"]
NAMES = st.one_of(st.text(max_size=40), st.lists(st.sampled_from(NAME_WORDS), min_size=1, max_size=5).map(" ".join))


@PROPERTY
@given(NAMES, NAMES, TYPES)
def test_scores_are_between_0_and_1_and_symmetric(a, b, type):
    m = compare(a, b, type)
    if isinstance(m, Skipped):
        assert problem(a) or problem(b)
        return
    assert 0.0 <= m.score <= 1.0 and 0.0 <= m.name_score <= 1.0
    assert compare(b, a, type).score == pytest.approx(m.score, abs=1e-6)


@PROPERTY
@given(NAMES, TYPES)
def test_a_name_against_itself_scores_1(name, type):
    if problem(name):
        assert isinstance(compare(name, name, type), Skipped)
    else:
        assert compare(name, name, type).score == 1.0


@PROPERTY
@given(NAMES)
def test_normalising_a_person_name_twice_changes_nothing(name):
    # The invariant holds for persons as long as the first pass leaves a word with letters ("fourty" -> "40" does
    # not); for companies see the next two tests.
    if problem(name):
        return
    once = analyze(name, "person").text
    if problem(once):
        return
    assert analyze(once, "person").text == once


@PROPERTY
@given(NAMES, TYPES)
def test_normalising_settles_after_the_second_pass(name, type):
    # Legal forms and Roman numerals can appear only after the first pass (transliteration, "_" splitting), so
    # for companies the form is stable from the second pass on, not the first.
    if problem(name):
        return
    once = analyze(name, type).text
    if problem(once):
        return
    twice = analyze(once, type).text
    if problem(twice):
        return
    assert analyze(twice, type).text == twice


@xfail("'Şahin A.Ş.' gives 'sahin as': legal forms are looked for before transliteration, so the Turkish A.Ş. is "
       "kept as a name word on the first pass and only removed on the second ('sahin')")
def test_normalising_a_company_name_twice_changes_nothing():
    once = analyze("Şahin A.Ş.").text
    assert analyze(once).text == once


def test_the_engine_imports_no_storage_or_web_code():
    code = ("import sys, screening.engine.pairs, screening.engine.index, screening.engine.normalize, screening.engine.scoring, screening.engine.batch, screening.engine.attributes; "
            "print(sorted(m for m in ('flask', 'sqlite_utils', 'openpyxl', 'sqlite3') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- the index: candidates first, careful scores second -----------------------------------------------------

RECORDS = [
    Record("p-putin", ("PUTIN, Vladimir Vladimirovich", "Путин Владимир Владимирович"), "person", ("ru",),
           ("1952-10-07",), "ofac-sdn"),
    Record("p-wclinton", ("William Jefferson Clinton",), "person", ("us",), ("1946",), "peps"),
    Record("p-hclinton", ("Hillary Rodham Clinton",), "person", ("us",), ("1947",), "peps"),
    Record("p-ladin", ("Usama bin Ladin", "Osama bin Laden"), "person", ("sa",), ("1957",), "ofac-sdn"),
    Record("p-scholz", ("Olaf Scholz",), "person", ("de",), ("1958",), "peps"),
    Record("p-bassad", ("Bashar al-Assad",), "person", ("sy",), ("1965",), "ofac-sdn"),
    Record("p-hassad", ("Hafez al-Assad",), "person", ("sy",), ("1930",), "ofac-sdn"),
    Record("p-ma", ("Ma Xiaohong",), "person", ("cn",), (), "news"),
    Record("p-li", ("Li Keqiang",), "person", ("cn",), ("1955",), "peps"),
    Record("p-smith", ("John Smith",), "person", ("gb",), ("1970",), "internal"),
    Record("o-anglo", ("Anglo-Caribbean Co., Ltd.",), "organization", ("pa",), (), "ofac-sdn"),
    Record("o-romashka", ("OOO Romashka", "Romashka LLC"), "organization", ("ru",), (), "internal"),
    Record("o-pla", ("People's Liberation Army", "PLA"), "organization", ("cn",), (), "internal"),
    Record("o-melli", ("Bank Melli Iran",), "organization", ("ir",), (), "ofac-sdn"),
    Record("o-mellat", ("Bank Mellat",), "organization", ("ir",), (), "ofac-sdn"),
    Record("o-hongxiang", ("Liaoning Hongxiang Industrial Group Co., Ltd.",), "organization", ("cn",), (), "news"),
    Record("o-empty", ("12345",), "organization", (), (), "internal"),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(RECORDS)

VARIANTS = [
    ("Vladimir Putin", "p-putin"),                    # reordered, patronymic missing
    ("Vladmir Puttin", "p-putin"),                    # typos
    ("Владимир Путин", "p-putin"),                    # another script
    ("Bill Clinton", "p-wclinton"),                   # nickname, middle name missing
    ("Osama bin Laden", "p-ladin"),                   # alias
    ("Usama bin Laden", "p-ladin"),
    ("Olaf Scholze", "p-scholz"),
    ("Xiaohong Ma", "p-ma"),
    ("Keqiang Li", "p-li"),                           # the record's type decides: a person, so no Roman numeral
    ("Anglo Caribbean Company Limited", "o-anglo"),
    ("Romashka", "o-romashka"),
    ("PLA", "o-pla"),
    ("Bank Melli", "o-melli"),
    ("Liaoning Hongxiang Industrial Group", "o-hongxiang"),
    ("Hongxiang Industrial Group", "o-hongxiang"),
]
UNRELATED = ["Jane Doe", "Acme Trading Ltd", "Bank of China", "Assad", "Clinton", "Maria Schmidt",
             "Gazprom Neft", "Hafiz Saeed"]


@pytest.mark.parametrize("name, expected", VARIANTS)
def test_the_right_record_ranks_first(matcher, name, expected):
    found = matcher.match(Query(name), threshold=BENCHMARK_THRESHOLD)
    assert found and found[0].record_id == expected, [(m.record_id, m.score) for m in found]


def test_attributes_rank_the_right_namesake_first(matcher):
    q = Query("Clinton", type="person", countries=("us",), birth_date="1947")
    assert matcher.match(q, threshold=0.0)[0].record_id == "p-hclinton"


@pytest.mark.parametrize("name", UNRELATED)
def test_nothing_passes_the_threshold_for_unrelated_names(matcher, name):
    assert matcher.match(Query(name), threshold=BENCHMARK_THRESHOLD) == []


def test_limit_is_honoured_and_results_are_best_first(matcher):
    every = matcher.match(Query("Clinton"), threshold=0.0, limit=None)
    assert len(every) >= 2
    assert [m.score for m in every] == sorted((m.score for m in every), reverse=True)
    assert matcher.match(Query("Clinton"), threshold=0.0, limit=1) == every[:1]


def test_unscreenable_watchlist_names_are_set_aside(matcher):
    assert [r for r, _, _ in matcher.skipped_names] == ["o-empty"]


@pytest.mark.parametrize("name", [n for n, _ in VARIANTS] + UNRELATED + ["Vladimir", "Romashka Bank", "Li", "Ma"])
@pytest.mark.parametrize("threshold", [BENCHMARK_THRESHOLD, 0.5])
def test_the_index_loses_nothing_against_exhaustive_search(matcher, name, threshold):
    for q in (Query(name), Query(name, type="person"), Query(name, type="organization")):
        fast = matcher.match(q, threshold=threshold, limit=None)
        slow = matcher.exhaustive(q, threshold=threshold)
        assert [(m.record_id, m.score) for m in fast] == [(m.record_id, m.score) for m in slow]


# --- names written as alternatives, and the index reaching what exhaustive scoring finds -----------------------

def test_a_name_written_as_alternatives_matches_each_of_them():
    m = compare("Al Qaeda", "Al-Qa'ida/Islamic Army", "organization")
    assert m.score >= BENCHMARK_THRESHOLD and m.matched_name == "Al-Qa'ida"
    assert compare("Islamic Army", "Al-Qa'ida/Islamic Army", "organization").score == 1.0


def test_annotations_after_a_slash_are_not_alternatives():
    # SEC and list exports write "Ltd/ADR", "INC /DE/": "ADR" alone must not be screened as a name.
    matcher = Matcher([Record("adr", ("ADR",), "organization")])
    assert matcher.match(Query("Meridian Energy Ltd/ADR"), BENCHMARK_THRESHOLD) == []


def test_the_index_reaches_misspellings_at_both_ends_and_sound_alikes():
    records = [Record("1", ("EL CARNICERO",), "person"), Record("2", ("KHODORKOVSKY, Mikhail",), "person"),
               Record("3", ("Sean Penn",), "person"), Record("4", ("Tidewater Marine Company",), "organization")]
    matcher = Matcher(records)
    for query in ("El Curniero", "Mikhail Khordorovsky", "Shawn Penn", "Tide Water Marine"):
        expected = {m.record_id for m in matcher.exhaustive(Query(query), BENCHMARK_THRESHOLD)}
        assert expected, query
        assert {m.record_id for m in matcher.match(Query(query), BENCHMARK_THRESHOLD, limit=None)} == expected, query


@pytest.mark.parametrize("a, b", [
    ("&BIN%Z", "AL:BIN&"),                      # found by hypothesis: "and" generic on one side, reweighed on the other
    ("Bank bin Rashid", "Rashid bin Bank"),
    ("Hans Rahman", "AL-RAHMAN, Mark John"),
    ("Chloe Chen", "CHOE, Chun-sik"),
    ("Kestrel Airlines", "KESTREL AIR"),
])
def test_scores_are_the_same_both_ways(a, b):
    # The son / father test once weighed only the query's word: "&BIN%Z" / "AL:BIN&" scored 0.5172 and 0.3362.
    assert compare(a, b).score == compare(b, a).score


def test_the_index_finds_what_exhaustive_search_finds_for_generic_and_common_names():
    records = [Record("air", ("KESTREL AIR",), "organization"), Record("oil", ("Yukos",), "organization"),
               Record("ros", ("Rosneft Oil Company",), "organization"), Record("choe", ("CHOE, Chun-sik",), "person"),
               Record("rah", ("AL-RAHMAN, Mark John",), "person"), Record("ship", ("OCEAN STAR 2",), "vessel"),
               Record("intl", ("Borealis International Holding",), "organization")]
    matcher = Matcher(records)
    expect = {"Kestrel Airlines": {"air"}, "Yukos Oil Company": {"oil"}, "Chloe Chen": set(), "Hans Rahman": set(),
              "Ocean Star 1": set(), "Borealis Intl Holdings": {"intl"}}
    for name, ids in expect.items():
        q = Query(name, type="vessel") if name == "Ocean Star 1" else Query(name)
        found = {m.record_id for m in matcher.match(q, BENCHMARK_THRESHOLD, limit=None)}
        assert found == {m.record_id for m in matcher.exhaustive(q, BENCHMARK_THRESHOLD)} == ids, name


@pytest.mark.parametrize("client, listed, outcome", [
    ("1988-03-14", "1958-03-14", "partial"),       # one digit of the year mistyped, the rest agrees
    ("1911-10-21", "1971-10-21", "partial"),
    ("1975-06-02", "1957-06-02", "partial"),       # two neighbouring digits swapped
    ("1980-07-06", "1987-07-06", "partial"),
    ("1960", "1990", "conflict"),                  # years alone: a different decade is another person
    ("1958-03-14", "1983-11-02", "conflict"),      # nothing in common
    ("1958-03-14", "1988-04-14", "conflict"),      # two errors
    ("1971", "1974", "partial"),                   # a year alone, its last digit mistyped (years three apart)
    ("1974-05-02", "1971", "partial"),             # the list gives the year only
    ("1916", "1956", "conflict"),                  # a year alone, another decade: a clear conflict
    ("1969", "1974", "conflict"),                  # five years apart across a decade: no single typing error
])
def test_a_birth_date_one_typing_error_apart_still_alerts_and_says_so(client, listed, outcome):
    query = Query("Salim Bneghalem", type="person", birth_date=client)
    record = Record("r1", ("Salim Bneghalem",), type="person", birth_dates=(listed,))
    m = match_record(query, record)
    r = reason(m, "birth_date")
    assert r.outcome == outcome, r.text
    if outcome == "partial":
        # A full date with one typing error barely lowers the score; a year alone one digit off lowers it more
        # (it may be another person) but a strong name match still alerts.
        assert m.score >= (0.90 if len(client) == len(listed) > 4 else BENCHMARK_THRESHOLD)
        assert "typing error" in r.text and client in r.text and listed in r.text
    else:
        assert m.score <= 0.75


@pytest.mark.parametrize("client, listed", [
    ("P. C.", "COMANDANTE PABLO"),
    ("P..C.", "PU, Chiang"),
    ("J. K.", "John Kennedy"),
])
def test_initials_alone_are_a_weak_sign_below_the_threshold(client, listed):
    m = compare(client, listed)
    assert m.score < BENCHMARK_THRESHOLD and "only initials agree" in " ".join(r.text for r in m.reasons)


def test_an_initial_beside_a_full_name_still_counts():
    assert compare("J. Smith", "John Smith").score >= BENCHMARK_THRESHOLD


@pytest.mark.parametrize("client, listed", [
    ("J. Robert Smith", "John Smith"),             # the first given name as an initial, and a middle name more
    ("Z Martin Iqbal", "Zafar Iqbal"),
    ("E. Hikmat Badege", "Eric Badege"),           # "E." is an initial here, not the Portuguese "e" (and)
    ("S J Javad Safdari", "Seyed Jaber Safdari"),
])
def test_an_initial_and_a_middle_name_more_still_match(client, listed):
    assert compare(client, listed).score >= BENCHMARK_THRESHOLD
    m = Matcher([Record("r1", (listed,), "person"), Record("r2", ("Walter Frost",), "person")])
    assert [h.record_id for h in m.match(Query(client), BENCHMARK_THRESHOLD)] == ["r1"], "the index reaches it"


@pytest.mark.parametrize("client, listed", [
    ("J. Robert Smith", "John Paul Smith"),        # both sides have a middle name of their own
    ("A-Rubaysh Ibrahim", "Abu Ibrahim"),          # a letter joined to the next word is a prefix, not an initial
    ("Alexander Barrow", "TOTOONOV, Alexander B."),  # the initial (a patronymic) would stand for a family name
    ("Gordon Allott", "GORDON, Howard A."),
])
def test_an_initial_does_not_carry_a_match_with_other_words_left(client, listed):
    assert compare(client, listed).score < BENCHMARK_THRESHOLD


@pytest.mark.parametrize("client, listed, expected", [
    ("Ko Tea Hun", "Ko Tae Hun", True),            # two letters of a short syllable swapped: a typing error
    ("Pak Il Kuy", "Pak Il Kyu", True),
    ("Kim Kyi", "Kim Kyu", False),                 # a letter changed makes another syllable
])
def test_short_syllables_with_two_letters_swapped_match(client, listed, expected):
    assert (compare(client, listed).score >= BENCHMARK_THRESHOLD) == expected
