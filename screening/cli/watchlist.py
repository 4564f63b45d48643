"""``screening watchlist``: build the watchlist from articles and official lists, and read it back."""
from __future__ import annotations

import json
import os
import sys

import click
from tqdm import tqdm

from screening.cli import Context
from screening.cli.common import cli_actor
from screening.cli.monitor import rescreen_behind
from screening.service import ingest
from screening.service import lists as list_import
from screening.service import matching, policy
from screening.store import watchlist as store
from watchlists import lists, sources

# No tqdm monitor thread: a process running another thread starts its screening processes by spawn (each
# loading the index again) instead of fork (sharing it: screening.engine.parallel).
tqdm.monitor_interval = 0


@click.group()
def watchlist() -> None:
    """Build the watchlist from news articles, and read it back."""


_SYMBOLS = {"added": "+", "duplicate": "=", "linked": "~", "failed": "!"}


def _prepare_index(obj: Context) -> None:
    """Index the new watchlist version now, so that the next screening starts at once."""
    click.echo("Indexing the watchlist for screening...", err=True)
    done = matching.prepare_index(obj.db)
    if done:
        click.echo(f"Screening index of watchlist version {done[0]} ready ({done[1]:.1f} s; kept beside the "
                   f"database).")


def _fmt(o) -> str:
    label = f"{o.where}" + (f" \"{o.title}\"" if o.title and o.status != "failed" else "")
    return f"{_SYMBOLS[o.status]} {o.status:<9} {label}: {o.message}"


@watchlist.command("add")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--source", help="Name of the source (outlet) for articles that do not say it.")
@click.option("--title", help="Title for a single .txt article (default: its first line).")
@click.option("--sample", is_flag=True, help="Add the bundled sample article (DW, 20 September 2016).")
@click.option("--workers", type=click.IntRange(1, 16), default=None,
              help="Model worker processes (default: 1 for fewer than 20 files, else up to 2, by CPU count).")
@click.option("--cluster", metavar="tcp://HOST:8786", default=None,
              help="Clean the articles and run the language model on the workers of this Dask scheduler; this "
                   "machine stores them, the same as without it (default: the setting SCREENING_DASK_SCHEDULER, "
                   "else this machine only). Needs pip install -e '.[cluster]'.")
@click.pass_obj
def watchlist_add(obj: Context, paths: tuple[str, ...], source: str | None, title: str | None,
                  sample: bool, workers: int | None, cluster: str | None) -> None:
    """Add articles (.txt, .html, .json, .jsonl, or folders of them) to the watchlist.

    Prints what was added, skipped as a duplicate, linked as a near-copy, or failed and why. Exits non-zero only
    if something failed.
    """
    if not paths and not sample:
        raise click.UsageError("give at least one file or folder, or --sample")
    results = []
    if sample:
        results.append(ingest.ingest_sample(obj.db, progress=lambda o: click.echo(_fmt(o))))
    if paths:
        files = sources.expand_paths(list(paths))
        if workers is None:
            workers = 1 if len(files) < 20 else max(1, min(2, os.cpu_count() or 1))
        cluster = cluster or policy.value(obj.db, "dask_scheduler") or None
        if cluster:
            click.echo(f"Reading the articles on the Dask cluster at {cluster}...", err=True)
        # A bar on the terminal for folders; the outcome lines are printed above it.
        with tqdm(total=len(files), unit="file", desc="Adding articles", file=sys.stderr,
                  disable=len(files) < 2 or not sys.stderr.isatty()) as bar:
            seen: set[str] = set()

            def progress(o) -> None:
                bar.write(_fmt(o), file=sys.stdout)
                base = o.where.split(" line ")[0].split(" item ")[0]
                if base not in seen:
                    seen.add(base)
                    bar.update(1)

            try:
                results.append(ingest.ingest(obj.db, paths, source=source, title=title, progress=progress,
                                             workers=workers, cluster=cluster))
            except ingest.ImportStopped as exc:
                bar.close()
                added = exc.result.count("added")
                if added:
                    _prepare_index(obj)
                raise click.ClickException(f"{exc}; {added} articles were added before it stopped, each whole; "
                                           f"run the same command again to add the rest (those stored are "
                                           f"skipped as duplicates).") from None
    outcomes = [o for r in results for o in r.outcomes]
    counts = {s: sum(1 for o in outcomes if o.status == s) for s in _SYMBOLS}
    version = store.current_version(obj.db)
    click.echo(f"{counts['added']} added, {counts['duplicate']} duplicates skipped, {counts['linked']} near-copies "
               f"linked, {counts['failed']} failed; watchlist version {version}.")
    if counts["added"]:
        _prepare_index(obj)
    rescreen_behind(obj)
    if counts["failed"]:
        sys.exit(1)


def _published(_ctx, _param, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return lists.publication_date(value)
    except lists.ListError as exc:
        raise click.BadParameter(str(exc)) from None


def _provenance_lines(prepared: list_import.Prepared) -> list[str]:
    """The files an import reads (name, size, SHA-256) and the list's publication date, with where it came from."""
    p = prepared.provenance
    width = max(len(f.name) for f in p.files)
    return ([f"  {f.name:<{width}}  {f.size:>11,} bytes  SHA-256 {f.sha256}" for f in p.files]
            + [f"  published {lists.published_text(p.published, p.published_from)}"])


_CHANGE_SYMBOLS = {"added": "+", "updated": "~", "relisted": "~", "delisted": "-"}


@watchlist.command("import")
@click.argument("file", type=click.Path(path_type=str))
@click.option("--format", "fmt", type=click.Choice(list(lists.FORMATS)), required=True,
              help="csv: a header with name (and aliases, type, birth_date, country, id, remarks); ofac-sdn: "
                   "OFAC's sdn.csv, with alt.csv, add.csv and sdn_comments.csv beside it when present; "
                   "un-consolidated: the UN Security Council consolidated list (XML); uk-hmt: the UK HM Treasury "
                   "consolidated list (CSV).")
@click.option("--name", "list_name", metavar="LISTNAME",
              help="Name of the list; importing the same name again updates it (default: the format's name, "
                   "or csv:<file name without extension>).")
@click.option("--published", metavar="DATE", callback=_published,
              help="The list's publication date (YYYY-MM-DD), recorded when the file does not say it (neither "
                   "OFAC nor csv does; the UN and UK lists do); default: the file's modification time.")
@click.option("--dry-run", is_flag=True, help="Say what the import would add, update and delist; store nothing.")
@click.pass_obj
def watchlist_import(obj: Context, file: str, fmt: str, list_name: str | None, published: str | None,
                     dry_run: bool) -> None:
    """Import an official list (sanctions, PEPs, internal) into the watchlist as one new version.

    Re-importing a list under the same name adds new entries, updates changed ones and marks the missing ones
    delisted; an identical file changes nothing. A file with bad rows is refused whole, listing every problem.
    The import records each file's name, SHA-256 and size, the publication date and who imported it.
    """
    prepared = list_import.prepare(file, fmt, name=list_name, published=published)
    if prepared.companions:
        click.echo(f"Reading {prepared.path.name} with " + ", ".join(
            f"{n} {'found' if p else 'absent'}" for n, p in prepared.companions.items()) + ".")
    for note in prepared.notes:
        click.echo(f"Note: {note}", err=True)
    for line in _provenance_lines(prepared):
        click.echo(line)
    name, aliases = prepared.name, f"{prepared.aliases} aliases"
    if dry_run:
        plan = list_import.preview(obj.db, prepared)
        for c in plan.changes:
            click.echo(f"  {_CHANGE_SYMBOLS[c.change]} {c.change:<9} {c.list_id}  {c.name}"
                       + (f": {', '.join(c.fields)}" if c.fields else ""))
        click.echo(f"List {name}: {plan.read} entries read ({aliases}); would add {plan.added}, update "
                   f"{plan.updated}{f' ({plan.relisted} relisted)' if plan.relisted else ''}, delist {plan.delisted}; "
                   f"{plan.unchanged} unchanged. Dry run: nothing stored.")
        return
    with tqdm(total=len(prepared.entries), unit="entry", desc=f"Storing {name}", file=sys.stderr, leave=False,
              disable=len(prepared.entries) < 2000 or not sys.stderr.isatty()) as bar:
        result = list_import.import_prepared(obj.db, prepared, actor=cli_actor(),
                                             progress=lambda n: bar.update(n - bar.n))
    if result.version is None:
        click.echo(f"List {name}: {result.read} entries read ({aliases}), unchanged: nothing stored; "
                   f"watchlist version {store.current_version(obj.db)}.")
        return
    click.echo(f"List {name}: {result.read} entries read ({aliases}); {result.added} added, {result.updated} "
               f"updated{f' ({result.relisted} relisted)' if result.relisted else ''}, {result.delisted} delisted, "
               f"{result.unchanged} unchanged; watchlist version {result.version}.")
    _prepare_index(obj)
    rescreen_behind(obj)


@watchlist.command("entities")
@click.option("--type", "etype", type=click.Choice(["person", "organization"]), help="Only this type.")
@click.option("--role", type=click.Choice(["subject", "source/authority"]), help="Only this role.")
@click.option("--min-relevance", type=click.FloatRange(0, 1), default=0.0, show_default=True)
@click.option("--limit", type=click.IntRange(1), default=None, help="At most this many.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def watchlist_entities(obj: Context, etype, role, min_relevance, limit, as_json) -> None:
    """List the watchlist's entities, most relevant first."""
    rows = store.list_entities(obj.db, etype=etype, min_relevance=min_relevance, role=role, limit=limit)
    if as_json:
        click.echo(json.dumps({"version": store.current_version(obj.db), "entities": rows}, indent=2,
                              ensure_ascii=False))
        return
    if not rows:
        click.echo("No entities" + (" match." if (etype or role or min_relevance) else
                                    " yet: add articles with `screening watchlist add PATH` or `--sample`."))
        return
    click.echo(f"{'id':>5}  {'type':<12} {'role':<16} {'relevance':>9}  {'mentions':>8}  {'countries':<10} "
               f"{'risk categories':<40} name")
    for e in rows:
        click.echo(f"{e['id']:>5}  {e['type']:<12} {e['role']:<16} {e['relevance']:>9.3f}  {e['mention_count']:>8}  "
                   f"{','.join(e['countries'][:3]):<10} {','.join(e['risk_categories'])[:40]:<40} {e['name']}")
    s = store.stats(obj.db)
    click.echo(f"{len(rows)} shown; watchlist version {s['version']}: {s['entities']} entities "
               f"({s['persons']} persons, {s['organizations']} organisations, {s['sources']} sources/authorities) "
               f"from {s['articles']} articles.")


@watchlist.command("show")
@click.argument("entity")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.pass_obj
def watchlist_show(obj: Context, entity: str, as_json: bool) -> None:
    """Show one entity (by id or name): aliases, and every mention with its excerpt and article."""
    e = store.get_entity(obj.db, entity)
    if as_json:
        click.echo(json.dumps(e, indent=2, ensure_ascii=False))
        return
    if e.get("origin") == "list":
        _show_list_entity(e)
        return
    click.echo(f"{e['name']}  (id {e['id']}, {e['type']}, {e['role']})")
    click.echo(f"  relevance {e['relevance']:.3f}; risk categories: {', '.join(e['risk_categories']) or 'none'}; "
               f"countries: {', '.join(e['countries']) or 'unknown'}")
    click.echo(f"  aliases: {', '.join(a['alias'] for a in e['aliases'])}")
    click.echo(f"  first seen in watchlist version {e['first_version']}, updated in {e['updated_version']}")
    for m in e["mentions"]:
        ex = m["excerpt"]
        highlighted = ex[:m["start"]] + "[[" + ex[m["start"]:m["end"]] + "]]" + ex[m["end"]:]
        click.echo("")
        click.echo(f"  - \"{m['article_title'] or '(untitled)'}\" ({m['article_source'] or 'unknown source'}, "
                   f"{m['article_published'] or 'undated'}){' ' + m['article_url'] if m['article_url'] else ''}")
        click.echo(f"    {highlighted}")
        click.echo(f"    offsets {m['start']}-{m['end']}; {m['kind']}; "
                   f"risk: {', '.join(m['risk_categories']) or 'none'}"
                   + (f"; stage: {m['stage']} ({', '.join(dict.fromkeys(m['stage_words']))})" if m["stage"] else "")
                   + (f"; adverse {m['adverse']:.2f}" if m["adverse"] else "")
                   + ("; reports or acts here" if m["reporting"] else ""))
        if m["triggers"]:
            click.echo("    triggers: " + "; ".join(f"{t['category']}: \"{t['words']}\" ({t['in']})"
                                              for t in m["triggers"]))


def _show_list_entity(e: dict) -> None:
    """Print an entity that comes from an official list: its list, list id, attributes and remarks."""
    click.echo(f"{e['name']}  (id {e['id']}, {e['type']}, list {e['list_name']}, list id {e['list_id']})")
    if e.get("delisted_version"):
        click.echo(f"  DELISTED in watchlist version {e['delisted_version']}")
    click.echo(f"  programs: {', '.join(e['programs'] or []) or 'none'}; "
               f"birth dates: {', '.join(e['birth_dates'] or []) or 'unknown'}; "
               f"countries: {', '.join(e['countries'] or []) or 'unknown'}")
    if e.get("country_hints"):
        click.echo(f"  born or living in (a weak hint): {', '.join(e['country_hints'])}")
    others = [a["alias"] + (f" ({a['kind']})" if a["kind"] else "") for a in e["aliases"] if a["alias"] != e["name"]]
    click.echo(f"  aliases: {'; '.join(others) or 'none'}")
    for address in e["addresses"] or []:
        click.echo(f"  address: {address}")
    click.echo(f"  first seen in watchlist version {e['first_version']}, updated in {e['updated_version']}")
    if e.get("remarks"):
        click.echo(f"  remarks: {e['remarks']}")
