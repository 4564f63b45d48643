"""``screening compare``: two names against each other, or every pair of a CSV file; no watchlist, no database.

A module of its own, so that ``screening compare`` loads no service that reads the database.
"""
from __future__ import annotations

import json

import click

from screening.engine.model import ORGANIZATION, PERSON, UNKNOWN
from screening.engine.pairs import algorithm_id, compare
from screening.files.clientfile import read_pairs
from screening.service import policy

_QUERY_TYPES = (PERSON, ORGANIZATION, UNKNOWN)


def _reason_dicts(reasons) -> list[dict]:
    return [{"feature": r.feature, "outcome": r.outcome, "text": r.text} for r in reasons]


def _echo_reasons(reasons, indent: str = "    ") -> None:
    for r in reasons:
        click.echo(f"{indent}{r.outcome:<9} {r.text}")


def _top_reason(reasons) -> str:
    """The reason a table row shows: the first conflict about the names, else the first finding."""
    names = [r for r in reasons if r.feature.startswith("name") or r.feature == "legal_form"]
    conflict = next((r for r in names if r.outcome == "conflict"), None)
    return (conflict or (names[0] if names else reasons[0])).text if reasons else ""


@click.command("compare")
@click.argument("names", nargs=-1, metavar="[NAME_A NAME_B]")
@click.option("--type", "ptype", type=click.Choice(_QUERY_TYPES, case_sensitive=False), default=UNKNOWN,
              show_default=True, help="Type of both names.")
@click.option("--pairs", "pairs_file", metavar="FILE",
              help="CSV with columns name_a, name_b and optional type (UTF-8): one result per row, in order.")
@click.option("--threshold", type=click.FloatRange(0, 1), default=None,
              help="Score at or above which a pair is a match (default: SCREENING_THRESHOLD, else 0.70; compare "
                   "reads no database, so no Admin setting).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def compare_cmd(names: tuple[str, ...], ptype: str, pairs_file: str | None, threshold: float | None,
                as_json: bool) -> None:
    """Score two names against each other (no watchlist needed), or every pair of a CSV file with --pairs.

    Each result says whether it is a match at the threshold; the JSON carries the threshold and ``match``
    (true, false, or null for a pair that could not be compared).
    """
    threshold = policy.deployment_default("threshold") if threshold is None else threshold

    def verdict(m) -> dict:
        if not hasattr(m, "score"):
            return {"skipped": m.reason, "threshold": threshold, "match": None}
        return {"score": m.score, "threshold": threshold, "match": m.score >= threshold,
                "reasons": _reason_dicts(m.reasons)}

    if pairs_file and names:
        raise click.UsageError("give either two names or --pairs FILE, not both")
    if not pairs_file and len(names) != 2:
        raise click.UsageError("give two names (NAME_A NAME_B) or --pairs FILE")
    if not pairs_file:
        a, b = names
        m = compare(a, b, ptype.lower())
        if as_json:
            out = {"name_a": a, "name_b": b, "type": ptype.lower(), "algorithm": algorithm_id(), **verdict(m)}
            click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        elif not hasattr(m, "score"):
            click.echo(f"Not compared: {m.query_name!r}: {m.reason}")
        else:
            click.echo(f"{m.score:.4f}  {'match' if m.score >= threshold else 'no match'} at {threshold:.2f}  "
                       f"{a} / {b}  ({algorithm_id()})")
            _echo_reasons(m.reasons, indent="  ")
        return
    rows = read_pairs(pairs_file)           # a file that cannot be read: ClientFileError, "Error: ..." (cli)
    results = [(n, a, b, t, compare(a, b, t)) for n, a, b, t in rows]
    if as_json:
        click.echo(json.dumps([{"row": n, "name_a": a, "name_b": b, "type": t, **verdict(m)}
                               for n, a, b, t, m in results], indent=2, ensure_ascii=False))
        return
    click.echo(f"{'row':>5}  {'score':>6}  {'match':<5}  names / top reason  ({algorithm_id()}, threshold "
               f"{threshold:.2f})")
    for n, a, b, t, m in results:
        if not hasattr(m, "score"):
            click.echo(f"{n:>5}  {'-':>6}  {'-':<5}  {a} / {b}: skipped ({m.reason})")
        else:
            click.echo(f"{n:>5}  {m.score:>6.4f}  {'yes' if m.score >= threshold else 'no':<5}  {a} / {b}: "
                       f"{_top_reason(m.reasons)}")
    skipped = sum(1 for *_, m in results if not hasattr(m, "score"))
    matched = sum(1 for *_, m in results if hasattr(m, "score") and m.score >= threshold)
    click.echo(f"{len(results)} pairs compared, {matched} match{'es' if matched != 1 else ''} at {threshold:.2f}"
               + (f", {skipped} skipped" if skipped else "") + ".")
