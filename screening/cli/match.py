"""``screening match``: one name against the watchlist, best candidates with their reasons."""
from __future__ import annotations

import json

import click

from screening.cli import Context
from screening.engine.model import ORGANIZATION, PERSON, UNKNOWN
from screening.service import search
from screening.service.matching import EmptyWatchlist

_QUERY_TYPES = (PERSON, ORGANIZATION, UNKNOWN)


@click.command("match")
@click.argument("name")
@click.option("--type", "qtype", type=click.Choice(_QUERY_TYPES, case_sensitive=False), default=UNKNOWN,
              show_default=True, help="Type of the name screened.")
@click.option("--country", "countries", multiple=True, metavar="CC",
              help="Country of the name screened: ISO alpha-2 code or English name (repeat for several).")
@click.option("--dob", metavar="DATE", help="Birth date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--limit", type=click.IntRange(1), default=10, show_default=True, help="At most this many results.")
@click.option("--threshold", type=click.FloatRange(0, 1), default=None,
              help="Lowest score shown (default: the policy: the Admin setting, else SCREENING_THRESHOLD, else 0.70).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.pass_obj
def match_cmd(obj: Context, name: str, qtype: str, countries: tuple[str, ...], dob: str | None, limit: int,
              threshold: float | None, as_json: bool) -> None:
    """Screen NAME against the watchlist (news entities and imported lists): best candidates with their reasons.

    A name that cannot be screened (empty, digits only...) prints "Not screened: REASON" and exits 0.
    """
    try:
        found = search.search(obj.db, name, qtype.lower(), countries, limit=limit, birth_date=dob,
                              threshold=threshold)
    except search.SearchError as exc:
        hint = "--country" if "country" in str(exc) else "--dob" if "date" in str(exc) else None
        raise click.BadParameter(str(exc), param_hint=hint) from None
    except EmptyWatchlist:
        raise click.ClickException(
            f"the watchlist in {obj.db_path} is empty: add articles with `screening watchlist add PATH` (or "
            f"`--sample`) or import a list with `screening watchlist import FILE --format ...`") from None
    if as_json:                 # as documented: "skipped" or "results", never both
        drop = {"watchlist_entities", "results" if found["skipped"] else "skipped"}
        out = {k: v for k, v in found.items() if k not in drop}
        # The verdict, so that a script need not know the threshold: a result is a match at or above it.
        out["match"] = None if found["skipped"] else bool(found["results"])
        for r in out.get("results", ()):
            r["match"] = r["score"] >= found["threshold"]
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    if found["skipped"]:
        click.echo(f"Not screened: {found['skipped']}")
        return
    query, results, threshold = found["query"], found["results"], found["threshold"]
    attrs = [f"type {query['type']}"] + ([f"countries {', '.join(query['countries'])}"] if query["countries"] else []) \
        + ([f"born {query['birth_date']}"] if query["birth_date"] else [])
    click.echo(f"Screening \"{name}\" ({'; '.join(attrs)}) against watchlist version {found['watchlist_version']} "
               f"({found['watchlist_entities']} entities); algorithm {found['algorithm']}, threshold {threshold:.2f}")
    if not results:
        click.echo(f"No candidates at or above {threshold:.2f}.")
        return
    for i, r in enumerate(results, start=1):
        source = "news" if r["source"] == "news" else f"list {r['source']}"
        alias = f"\"{r['matched_name']}\" of " if r["matched_name"] != r["entity_name"] else ""
        click.echo("")
        click.echo(f"{i}. {r['score']:.2f}  {alias}{r['entity_name']}  (entity {r['entity_id']}, {r['type']}, "
                   f"{source}; name score {r['name_score']:.2f})")
        for reason in r["reasons"]:
            click.echo(f"    {reason['outcome']:<9} {reason['text']}")
        details = r["list"]
        if details:
            click.echo(f"    list {details['list_name']}, list id {details['list_id']}; programs: "
                       f"{', '.join(details['programs']) or 'none'}")
            if details["remarks"]:
                click.echo(f"    remarks: {details['remarks']}")
            continue
        for x in r["excerpts"]:
            click.echo(f"    > {x['excerpt']}")
            click.echo(f"      \"{x['article_title'] or '(untitled)'}\" ({x['source'] or 'unknown source'}, "
                       f"{x['published'] or 'undated'}){' ' + x['url'] if x['url'] else ''}")
    click.echo("")
    click.echo(f"{len(results)} candidate{'s' if len(results) != 1 else ''} at or above {threshold:.2f}"
               + (f" (--limit {limit} reached: there may be more)" if len(results) == limit else "") + ".")
