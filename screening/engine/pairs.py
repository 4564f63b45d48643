"""The screening engine's front door: compare two names, or match a query against a watchlist.

Pure (no Flask, no SQL, no openpyxl). ``ALGORITHM`` and ``ALGORITHM_VERSION`` name the scoring; every stored result
records them with the threshold it was judged by. The threshold is policy (``screening.service.policy``): callers
pass it. ``BENCHMARK_THRESHOLD`` is only the value the benchmarks were measured at, which the policy's default cites.
"""
from __future__ import annotations

from screening.engine.model import UNKNOWN, Match, Query, Reason, Record, Skipped
from screening.engine.normalize import UnscreenableName, analyze, problem, script_of
from screening.engine.readings import readings
from screening.engine.scoring import (
    compare_birth_date,
    compare_countries,
    compare_country_hints,
    compare_names,
    compare_type,
    name_reasons,
)

ALGORITHM = "aligned-words"
ALGORITHM_VERSION = "2.1"
BENCHMARK_THRESHOLD = 0.70    # the operating point of benchmarks/README.md; not a policy


def algorithm_id() -> str:
    """Return "name/version" of the scoring, as recorded with results."""
    return f"{ALGORITHM}/{ALGORITHM_VERSION}"


def infer_type(name: str, given: str = UNKNOWN) -> str:
    """Return the given type, or "organization" when an untyped name carries a legal form ("Acme Ltd")."""
    if given != UNKNOWN:
        return given
    try:
        form = analyze(name, UNKNOWN)
    except UnscreenableName:
        return UNKNOWN
    if len(form.words) >= 1 and form.words[-1].text in COMPANY_ENDINGS and len(form.words) >= 2:
        return "organization"
    if form.legal:
        # A legal form is evidence when it is written as one: three letters or more, or with dots ("OOO", "S.A.",
        # "Ltd"), or at the end of the name. "Ku" of "Ku Young Hyok" and "Ag" of "Iyad Ag Ghali" are names.
        # imported on first use, for start-up speed: rigour takes ~80 ms to import
        from rigour.names import extract_org_types
        text = " ".join(name.casefold().split())
        for found, _ in extract_org_types(text, generic=True):
            letters = sum(ch.isalpha() for ch in found)
            if letters >= 3 or "." in found or text.endswith(found.strip()):
                return "organization"
    return UNKNOWN


# Last words that make an untyped name a company even where no legal form was recognised.
COMPANY_ENDINGS = frozenset(
    "corp corporation inc incorporated co company ltd limited llc plc holdings group bank fund trust "
    "partners industries enterprises international".split())


def _pair_type(query_type: str, record_type: str) -> str:
    if query_type != UNKNOWN:
        return query_type
    return record_type


def alternatives(name: str) -> list[str]:
    """Return a name with its slash-separated alternatives ("Al-Qa'ida/Islamic Army" -> both parts too)."""
    if "/" not in name:
        return [name]
    parts = [p.strip() for p in name.split("/")]
    # "Ltd/ADR", "INC /DE/" are annotations, not alternatives: every part needs four letters or more.
    if any(sum(ch.isalpha() for ch in p) < 4 for p in parts):
        return [name]
    return [name] + parts


def score_pair(query: Query, name: str, record: Record | None = None, explain: bool = True) -> Match:
    """Score a query against one name (of a record, when given), with every reason (none if not ``explain``).

    A name written as alternatives ("X/Y") is scored as each of them, a name in Han, kana or Hebrew also as each of
    its other readings (``screening.engine.readings``), and the best is kept.
    """
    if "/" not in name and "/" not in query.name and not readings(query.name) and not readings(name):
        return _score_one(query, name, record, explain)
    best = None
    for qn in alternatives(query.name):
        for qr in (qn, *readings(qn)):
            for n in alternatives(name):
                for nr in (n, *readings(n)):
                    if qr != qn and nr != n and script_of(qn) and script_of(qn) == script_of(n):
                        # Two names written in one script are compared as written ("高石" is not "高市", though
                        # both read "takaishi" / "takaichi"); reading both helps only across scripts (kana / kanji).
                        continue
                    q = query if qr == query.name else Query(qr, query.type, query.countries, query.birth_date)
                    m = _score_one(q, nr, record, explain)
                    if best is not None and m.score <= best.score:
                        continue
                    reasons = m.reasons
                    if explain:
                        read = [f"{orig} read as {r}" for orig, r in ((qn, qr), (n, nr)) if r != orig]
                        if read:
                            reasons = (Reason("reading", "info", "; ".join(read), m.name_score),) + reasons
                    # The names shown are the ones written (the alternative that matched), not their readings.
                    best = Match(m.record_id, m.score, query.name, n, reasons, m.name_score, m.record_type,
                                 m.algorithm)
    return best


def _score_one(query: Query, name: str, record: Record | None, explain: bool) -> Match:
    # Two names compared on their own are of the type the caller gave for the pair.
    rtype = record.type if record else query.type
    qtype = infer_type(query.name, query.type)
    if qtype == UNKNOWN and rtype == UNKNOWN:
        # Neither side typed: a legal form on either makes the pair a pair of companies (symmetric).
        qtype = infer_type(name, UNKNOWN)
    kind = _pair_type(qtype, rtype)
    qf = analyze(query.name, kind)
    cf = analyze(name, kind)
    ns = compare_names(qf, cf, kind)
    reasons = name_reasons(ns) if explain else []
    score = ns.score
    factor, reason = compare_type(qtype, rtype)
    if qtype != query.type and reason.outcome != "unknown":
        reason = Reason(reason.feature, reason.outcome, reason.text + " (query type inferred from its legal form)",
                        reason.score)
    score *= factor
    reasons.append(reason)
    if record is not None:
        factor, bonus, reason = compare_birth_date(query.birth_date, record.birth_dates)
        score = score * factor + bonus * score
        reasons.append(reason)
        factor, bonus, reason = compare_countries(query.countries, record.countries)
        factor, bonus, reason = compare_country_hints(query.countries, record.country_hints, (factor, bonus, reason))
        score = score * factor + bonus * score
        reasons.append(reason)
    score = max(0.0, min(1.0, score))
    return Match(record_id=record.id if record else "", score=round(score, 4), query_name=query.name,
                 matched_name=name, reasons=tuple(reasons), name_score=round(ns.score, 4), record_type=rtype,
                 algorithm=algorithm_id())


def compare(name_a: str, name_b: str, type: str = UNKNOWN) -> Match | Skipped:
    """Score two names against each other; a name that cannot be screened comes back as ``Skipped``."""
    for n in (name_a, name_b):
        why = problem(n)
        if why:
            return Skipped(n if isinstance(n, str) else "", why)
    return score_pair(Query(name_a, type=type), name_b)


def match_record(query: Query, record: Record) -> Match:
    """Score a query against every name of a record and return the best, with its reasons."""
    best: Match | None = None
    for name in record.names:
        try:
            m = score_pair(query, name, record)
        except UnscreenableName:
            continue
        if best is None or m.score > best.score:
            best = m
    if best is None:
        return Match(record.id, 0.0, query.name, "", (Reason("name", "unknown", "no comparable name"),),
                     algorithm=algorithm_id())
    return best
