"""The ``screening`` command: parse arguments, call the library, turn domain errors into clear messages."""
from __future__ import annotations

import json
import os
import sqlite3
import sys

import click

from screening.store import db as dbmod
from screening.service import matching
from screening.service import policy, search
from screening.store import monitoring

EXIT_NOT_SCREENED = 3       # `screening screen`: the run completed, but some rows could not be screened


class Context:
    def __init__(self, db_path: str | None):
        self.db_path = db_path or dbmod.default_path()
        self._db = None

    @property
    def db(self):
        if self._db is None:
            try:
                self._db = dbmod.connect(self.db_path)
            except (OSError, sqlite3.DatabaseError) as exc:
                raise click.ClickException(f"cannot open the database {self.db_path}: {exc}")
        return self._db


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_path", metavar="PATH", envvar=dbmod.DB_ENV, show_envvar=True,
              help=f"SQLite database file (default: ./{dbmod.DEFAULT_DB}).")
@click.version_option(package_name="adverse-media-screening")
@click.pass_context
def cli(ctx: click.Context, db_path: str | None) -> None:
    """Adverse-media due-diligence screening."""
    ctx.obj = Context(db_path)


@cli.group()
def watchlist() -> None:
    """Build the watchlist from news articles, and read it back."""


def _domain_errors(fn):
    """Run a command body, turning watchlist errors into ``Error: ...`` messages instead of tracebacks."""
    import functools

    from watchlists.errors import WatchlistError

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except WatchlistError as exc:
            raise click.ClickException(str(exc))
        except sqlite3.DatabaseError as exc:
            raise click.ClickException(f"database error: {exc}")
    return wrapper


@watchlist.command("add")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--source", help="Name of the source (outlet) for articles that do not say it.")
@click.option("--title", help="Title for a single .txt article (default: its first line).")
@click.option("--sample", is_flag=True, help="Add the bundled sample article (DW, 20 September 2016).")
@click.option("--workers", type=click.IntRange(1, 16), default=None,
              help="Model worker processes (default: 1 for fewer than 20 files, else up to 2, by CPU count).")
@click.pass_obj
@_domain_errors
def watchlist_add(obj: Context, paths: tuple[str, ...], source: str | None, title: str | None,
                  sample: bool, workers: int | None) -> None:
    """Add articles (.txt, .html, .json, .jsonl, or folders of them) to the watchlist.

    Prints what was added, skipped as a duplicate, linked as a near-copy, or failed and why. Exits non-zero only
    if something failed.
    """
    from watchlists import sources
    from screening.service import ingest

    if not paths and not sample:
        raise click.UsageError("give at least one file or folder, or --sample")
    results = []
    if sample:
        results.append(ingest.ingest_sample(obj.db, progress=lambda o: click.echo(_fmt(o))))
    if paths:
        files = sources.expand_paths(list(paths))
        if workers is None:
            workers = 1 if len(files) < 20 else max(1, min(2, os.cpu_count() or 1))
        from tqdm import tqdm

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

            results.append(ingest.ingest(obj.db, paths, source=source, title=title, progress=progress,
                                         workers=workers))
    outcomes = [o for r in results for o in r.outcomes]
    counts = {s: sum(1 for o in outcomes if o.status == s) for s in _SYMBOLS}
    from screening.store import watchlist as store

    version = store.current_version(obj.db)
    click.echo(f"{counts['added']} added, {counts['duplicate']} duplicates skipped, {counts['linked']} near-copies "
               f"linked, {counts['failed']} failed; watchlist version {version}.")
    monitor_after_import(obj)
    if counts["failed"]:
        sys.exit(1)


_SYMBOLS = {"added": "+", "duplicate": "=", "linked": "~", "failed": "!"}


def _fmt(o) -> str:
    label = f"{o.where}" + (f" \"{o.title}\"" if o.title and o.status != "failed" else "")
    return f"{_SYMBOLS[o.status]} {o.status:<9} {label}: {o.message}"


@watchlist.command("import")
@click.argument("file", type=click.Path(path_type=str))
@click.option("--format", "fmt", type=click.Choice(["csv", "ofac-sdn"]), required=True,
              help="csv: a header with name (and aliases, type, birth_date, country, id, remarks); ofac-sdn: "
                   "OFAC's sdn.csv, with alt.csv, add.csv and sdn_comments.csv beside it when present.")
@click.option("--name", "list_name", metavar="LISTNAME",
              help="Name of the list; importing the same name again updates it (default: ofac-sdn, or "
                   "csv:<file name without extension>).")
@click.pass_obj
@_domain_errors
def watchlist_import(obj: Context, file: str, fmt: str, list_name: str | None) -> None:
    """Import an official list (sanctions, PEPs, internal) into the watchlist as one new version.

    Re-importing a list under the same name adds new entries, updates changed ones and marks the missing ones
    delisted; an identical file changes nothing. A file with bad rows is refused whole, listing every problem.
    """
    from pathlib import Path

    from watchlists import lists
    from screening.store import watchlist as store

    path = Path(file)
    notes: list[str] = []
    files = [path]
    if fmt == "ofac-sdn":
        found = lists.ofac_companions(path) if path.is_file() else {}
        files += [p for p in found.values() if p]
        if found:
            click.echo(f"Reading {path.name} with " + ", ".join(
                f"{n} {'found' if p else 'absent'}" for n, p in found.items()) + ".")
    entries = lists.read_list(path, fmt, notes)
    for note in notes:
        click.echo(f"Note: {note}", err=True)
    name = list_name or ("ofac-sdn" if fmt == "ofac-sdn" else f"csv:{path.stem}")
    from tqdm import tqdm

    with tqdm(total=len(entries), unit="entry", desc=f"Storing {name}", file=sys.stderr, leave=False,
              disable=len(entries) < 2000 or not sys.stderr.isatty()) as bar:
        result = store.import_list(obj.db, entries, name=name, fmt=fmt, file_name=path.name,
                                   sha256=lists.files_sha256(files), progress=lambda n: bar.update(n - bar.n))
    aliases = f"{result.aliases} aliases"
    if result.version is None:
        click.echo(f"List {name}: {result.read} entries read ({aliases}), unchanged: nothing stored; "
                   f"watchlist version {store.current_version(obj.db)}.")
        return
    click.echo(f"List {name}: {result.read} entries read ({aliases}); {result.added} added, {result.updated} "
               f"updated{f' ({result.relisted} relisted)' if result.relisted else ''}, {result.delisted} delisted, "
               f"{result.unchanged} unchanged; watchlist version {result.version}.")
    monitor_after_import(obj)


@watchlist.command("entities")
@click.option("--type", "etype", type=click.Choice(["person", "organization"]), help="Only this type.")
@click.option("--role", type=click.Choice(["subject", "source/authority"]), help="Only this role.")
@click.option("--min-relevance", type=click.FloatRange(0, 1), default=0.0, show_default=True)
@click.option("--limit", type=click.IntRange(1), default=None, help="At most this many.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
@_domain_errors
def watchlist_entities(obj: Context, etype, role, min_relevance, limit, as_json) -> None:
    """List the watchlist's entities, most relevant first."""
    from screening.store import watchlist as store

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
@_domain_errors
def watchlist_show(obj: Context, entity: str, as_json: bool) -> None:
    """Show one entity (by id or name): aliases, and every mention with its excerpt and article."""
    from screening.store import watchlist as store

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
    others = [a["alias"] + (f" ({a['kind']})" if a["kind"] else "") for a in e["aliases"] if a["alias"] != e["name"]]
    click.echo(f"  aliases: {'; '.join(others) or 'none'}")
    for address in e["addresses"] or []:
        click.echo(f"  address: {address}")
    click.echo(f"  first seen in watchlist version {e['first_version']}, updated in {e['updated_version']}")
    if e.get("remarks"):
        click.echo(f"  remarks: {e['remarks']}")



# --- matching -----------------------------------------------------------------------------------------------

_QUERY_TYPES = ("person", "organization", "unknown")


def _reason_dicts(reasons) -> list[dict]:
    return [{"feature": r.feature, "outcome": r.outcome, "text": r.text} for r in reasons]


def _echo_reasons(reasons, indent: str = "    ") -> None:
    for r in reasons:
        click.echo(f"{indent}{r.outcome:<9} {r.text}")


@cli.command("match")
@click.argument("name")
@click.option("--type", "qtype", type=click.Choice(_QUERY_TYPES, case_sensitive=False), default="unknown",
              show_default=True, help="Type of the name screened.")
@click.option("--country", "countries", multiple=True, metavar="CC",
              help="Country of the name screened: ISO alpha-2 code or English name (repeat for several).")
@click.option("--dob", metavar="DATE", help="Birth date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--limit", type=click.IntRange(1), default=10, show_default=True, help="At most this many results.")
@click.option("--threshold", type=click.FloatRange(0, 1), default=None,
              help="Lowest score shown (default: the policy: the Admin setting, else SCREENING_THRESHOLD, else 0.70).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.pass_obj
@_domain_errors
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
    except matching.EmptyWatchlist:
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


def _top_reason(reasons) -> str:
    """The reason a table row shows: the first conflict about the names, else the first finding."""
    names = [r for r in reasons if r.feature.startswith("name") or r.feature == "legal_form"]
    conflict = next((r for r in names if r.outcome == "conflict"), None)
    return (conflict or (names[0] if names else reasons[0])).text if reasons else ""


@cli.command("compare")
@click.argument("names", nargs=-1, metavar="[NAME_A NAME_B]")
@click.option("--type", "ptype", type=click.Choice(_QUERY_TYPES, case_sensitive=False), default="unknown",
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
    from screening.engine.pairs import algorithm_id, compare

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
    from screening.files.clientfile import ClientFileError, read_pairs
    try:
        rows = read_pairs(pairs_file)
    except ClientFileError as exc:
        raise click.ClickException(str(exc)) from None
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


# --- batch screening ----------------------------------------------------------------------------------------

def _column_overrides(columns: tuple[str, ...]) -> dict[str, str | list[str]]:
    """``--column FIELD=HEADER`` as overrides; ``FIELD=`` (empty) leaves a field out, and ``country`` may be given
    several times (every country column named is used)."""
    out: dict[str, str | list[str]] = {}
    for c in columns:
        fld, sep, header = c.partition("=")
        fld, header = fld.strip().lower(), header.strip()
        if not sep or not fld:
            raise click.BadParameter(f"{c!r}: write FIELD=HEADER, e.g. name=\"Customer Name\" (or FIELD= to leave "
                                     f"a field out)", param_hint="--column")
        if fld == "country" and header and out.get(fld):
            out[fld] = [*([out[fld]] if isinstance(out[fld], str) else out[fld]), header]
        else:
            out[fld] = header
    return out


def _run_errors(fn):
    """Map the errors of client files, runs and reports to ``Error: ...`` messages and a non-zero exit."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from screening.files.clientfile import ClientFileError
        from screening.files.report import ReportError
        from screening.store.runs import RunNotFound
        from screening.service.screen import EmptyWatchlist, RunFailed
        try:
            return fn(*args, **kwargs)
        except (ClientFileError, RunNotFound, EmptyWatchlist, RunFailed, ReportError) as exc:
            raise click.ClickException(str(exc.args[0] if exc.args else exc)) from None
        except OSError as exc:
            raise click.ClickException(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")) from None
    return wrapper


def _write_outputs(obj: Context, run_id: int, report_path: str | None, json_path: str | None) -> None:
    from screening.service import screen
    from screening.store.watchlist import system_user

    if report_path:
        import time
        t = time.perf_counter()
        screen.write_report(obj.db, run_id, report_path, actor=system_user())
        click.echo(f"Report written to {report_path} ({time.perf_counter() - t:.1f} s).")
    if json_path:
        import tempfile
        from pathlib import Path

        target = Path(json_path)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                screen.write_json(obj.db, run_id, fh)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        click.echo(f"JSON written to {json_path}.")


@cli.command("screen")
@click.argument("file", type=click.Path(path_type=str))
@click.option("--sheet", metavar="NAME", help="Sheet to read (default: the first sheet with data).")
@click.option("--column", "columns", multiple=True, metavar="FIELD=HEADER",
              help="Which header holds a field, overriding detection (fields: name, first_name, last_name, "
                   "client_id, type, country, birth_date); FIELD= leaves a field out; repeatable (country: "
                   "every column named is used).")
@click.option("--threshold", type=click.FloatRange(0, 1), default=None,
              help="Lowest score reported as a hit (default: the policy: the Admin setting, else SCREENING_THRESHOLD, else 0.70).")
@click.option("--limit", "hit_limit", type=click.IntRange(1, 100), default=None,
              help="At most this many hits per row, best first (default: the policy: the Admin setting, else "
                   "SCREENING_HIT_LIMIT, else 10).")
@click.option("--report", "report_path", metavar="OUT.xlsx", help="Also write the Excel report here.")
@click.option("--json", "json_path", metavar="OUT.json", help="Also write the run as JSON here.")
@click.pass_obj
@_domain_errors
@_run_errors
def screen_cmd(obj: Context, file: str, sheet: str | None, columns: tuple[str, ...], threshold: float | None,
               hit_limit: int, report_path: str | None, json_path: str | None) -> None:
    """Screen every row of a client list (xlsx, xlsm, csv, tsv) against the watchlist and store the run.

    Shows the detected columns and why first. Every row with a usable name is screened; odd types, countries and
    dates and repeated client IDs are notes. A row without a usable name (empty, digits only) is reported as not
    screened, never dropped, and the command then ends with a warning and exit status 3. A file that cannot be
    read stops here with a message, exit status 1, and nothing is stored.
    """
    from screening.store import runs
    from screening.service import screen
    from screening.store.watchlist import system_user

    for path in (report_path, json_path):
        if path and not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            raise click.ClickException(f"{path}: the folder does not exist")
    prepared = screen.prepare(file, sheet, _column_overrides(columns))
    where = prepared.path.name + (f", sheet {prepared.sheet!r}" if prepared.sheet else "")
    click.echo(f"{where}: header in row {prepared.mapping.header_row}, {len(prepared.clients)} rows.")
    for line in prepared.mapping.describe():
        click.echo(f"  {line}")
    for line in prepared.mapping.explain:
        click.echo(f"  {line}")
    problems = prepared.problems
    if problems:
        click.echo(f"{len(problems)} row{'s' if len(problems) != 1 else ''} without a usable name (reported as "
                   f"not screened):")
        _echo_some(problems, "the report's Not screened sheet")
    notes = prepared.notes
    if notes:
        click.echo(f"{len(notes)} note{'s' if len(notes) != 1 else ''} (these rows are screened; the value named is "
                   f"left out):")
        _echo_some(notes, "the Notes column of the report's Records sheet")
    click.echo("Loading the watchlist...")
    from tqdm import tqdm

    with tqdm(total=len(prepared.clients), unit="row", desc="Screening", file=sys.stderr,
              disable=not sys.stderr.isatty() and os.environ.get("SCREENING_PROGRESS") != "1") as bar:
        def progress(done: int, total: int) -> None:
            bar.update(done - bar.n)
        run_id = screen.screen(obj.db, prepared, actor=system_user(), hit_limit=hit_limit, threshold=threshold,
                               progress=progress)
    run = runs.get_run(obj.db, run_id)
    click.echo(f"Run {run_id}: {run['rows_total']} rows, {run['screened']} screened, {run['not_screened']} not "
               f"screened; {run['rows_with_hits']} rows with hits ({run['hits']} hits) at or above "
               f"{run['threshold']:.2f}; watchlist version {run['watchlist_version']} "
               f"({run['watchlist_entities']} entities), {run['algorithm']}.")
    _write_outputs(obj, run_id, report_path, json_path)
    if run["not_screened"]:
        # Last, where nobody can miss it, and a status of its own for scripts.
        reasons = "; ".join(f"{n} {k}" for k, n in run["not_screened_reasons"].items())
        click.secho(f"WARNING: run {run_id} completed, but {run['not_screened']} row"
                    f"{'s' if run['not_screened'] != 1 else ''} NOT SCREENED ({reasons}). Fix the names and "
                    f"screen them again.", fg="yellow", bold=True, err=True)
        sys.exit(EXIT_NOT_SCREENED)


def _echo_some(lines: list[str], where: str, shown: int = 20) -> None:
    for line in lines[:shown]:
        click.echo(f"  {line}")
    if len(lines) > shown:
        click.echo(f"  ... and {len(lines) - shown} more (see {where})")


@cli.command("runs")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True, help="At most this many runs.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
@_domain_errors
def runs_cmd(obj: Context, limit: int, as_json: bool) -> None:
    """List screening runs, latest first."""
    from screening.store import runs

    found = runs.list_runs(obj.db, limit)
    if as_json:
        click.echo(json.dumps(found, indent=2, ensure_ascii=False))
        return
    if not found:
        click.echo("No runs yet: screen a client list with `screening screen FILE`.")
        return
    click.echo(f"{'run':>5}  {'started (UTC)':<25} {'status':<10} {'rows':>7} {'not scr.':>8} {'hits':>6}  "
               f"{'wl ver':>6}  {'thr':>4}  {'by':<10} file")
    for r in found:
        click.echo(f"{r['id']:>5}  {r['started_at']:<25} {r['status']:<10} {r['rows_total']:>7} "
                   f"{r['not_screened']:>8} {r['hits']:>6}  {r['watchlist_version']:>6}  {r['threshold']:>4.2f}  "
                   f"{(r['actor'] or '')[:10]:<10} {r['file_name']}"
                   + (f"\n       error: {r['error']}" if r["error"] else ""))


@cli.command("report")
@click.argument("run_id", metavar="RUN", type=int)
@click.option("-o", "--output", "report_path", metavar="OUT.xlsx", help="Write the Excel report here.")
@click.option("--json", "json_path", metavar="OUT.json", help="Write the run as JSON here.")
@click.pass_obj
@_domain_errors
@_run_errors
def report_cmd(obj: Context, run_id: int, report_path: str | None, json_path: str | None) -> None:
    """Write the Excel report (and/or JSON) of a stored run."""
    from screening.store import runs

    if not report_path and not json_path:
        raise click.UsageError("give -o OUT.xlsx and/or --json OUT.json")
    run = runs.get_run(obj.db, run_id)
    if run["status"] != runs.COMPLETED:
        click.echo(f"Note: run {run_id} is {run['status']}" + (f" ({run['error']})" if run["error"] else "")
                   + ": the report says it is incomplete.", err=True)
    _write_outputs(obj, run_id, report_path, json_path)


# --- service, accounts, jobs --------------------------------------------------------------------------------

@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (put TLS in front).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="gunicorn worker processes (each with 4 threads).")
@click.option("--no-job-worker", is_flag=True, help="Do not start the background job worker here (run "
                                                      "`screening worker` elsewhere).")
@click.pass_obj
@_domain_errors
def serve_cmd(obj: Context, host: str, port: int, workers: int, no_job_worker: bool) -> None:
    """Run the web app (gunicorn on wsgi:app) and the background job worker over the database.

    On first start (no accounts yet) it creates the administrator "admin" and prints its password once.
    """
    from web import server

    made = server.first_admin(obj.db)
    if made:
        click.echo(f"First start: created the administrator account {made[0]!r} with the password\n\n    {made[1]}\n\n"
                   f"It is shown only this once: sign in at http://{host}:{port}/ and change it (your name, top "
                   f"right). More accounts: `screening user add NAME --role ROLE`.")
    obj.db.close()
    click.echo(f"Serving http://{host}:{port}/ on {obj.db_path} (Ctrl-C stops).")
    server.serve(obj.db_path, host=host, port=port, workers=workers, job_worker=not no_job_worker)


@cli.command("worker")
@click.pass_obj
def worker_cmd(obj: Context) -> None:
    """Run background jobs (screening runs, article imports) from the queue until stopped."""
    import logging
    import signal
    import threading

    from screening.service import worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(levelname)s %(message)s")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        worker.work(obj.db_path, stop)
    except KeyboardInterrupt:
        pass


def _account_errors(fn):
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from screening.store.accounts import AccountError
        try:
            return fn(*args, **kwargs)
        except AccountError as exc:
            raise click.ClickException(str(exc)) from None
    return wrapper


def _cli_actor() -> str:
    """Who an account change made on the command line is recorded as: the operating-system user."""
    from screening.store.watchlist import system_user
    return f"cli:{system_user()}"


def _user(db, name: str) -> dict:
    from screening.store import accounts

    user = accounts.find_user(db, name)
    if user is None:
        raise click.ClickException(f"no user named {name!r}")
    return user


@cli.group()
def user() -> None:
    """Accounts of the web app: analyst, reviewer, admin, auditor."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["analyst", "reviewer", "admin", "auditor"]), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of "
                                                     "generating one.")
@click.pass_obj
@_account_errors
def user_add(obj: Context, name: str, role: str, password_stdin: bool) -> None:
    """Create an account; prints a generated password once (or reads one with --password-stdin)."""
    from screening.store import accounts

    given = sys.stdin.readline().rstrip("\n") if password_stdin else None
    made, password = accounts.add_user(obj.db, name, role, given, created_by=_cli_actor())
    click.echo(f"Created {made['role']} {made['name']!r}." + ("" if given else f" Password (shown once): {password}"))


@user.command("list")
@click.pass_obj
def user_list(obj: Context) -> None:
    """List accounts."""
    from screening.store import accounts

    for u in accounts.list_users(obj.db):
        click.echo(f"{u['id']:>4}  {u['name']:<24} {u['role']:<9} created {u['created_at']}"
                   + (f"  DISABLED {u['disabled_at']}" if u["disabled_at"] else ""))


@user.command("password")
@click.argument("name")
@click.pass_obj
@_account_errors
def user_password(obj: Context, name: str) -> None:
    """Give an account a new generated password (ends its sessions); prints it once."""
    from screening.store import accounts

    password = accounts.set_password(obj.db, _user(obj.db, name)["id"], actor=_cli_actor())
    click.echo(f"New password for {name!r} (shown once): {password}")


@user.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(["analyst", "reviewer", "admin", "auditor"]))
@click.pass_obj
@_account_errors
def user_role(obj: Context, name: str, role: str) -> None:
    """Change an account's role."""
    from screening.store import accounts

    accounts.set_role(obj.db, _user(obj.db, name)["id"], role, actor=_cli_actor())
    click.echo(f"{name!r} is now {role}.")


@user.command("disable")
@click.argument("name")
@click.option("--enable", is_flag=True, help="Enable the account again.")
@click.pass_obj
@_account_errors
def user_disable(obj: Context, name: str, enable: bool) -> None:
    """Disable an account (its sessions and tokens stop working), or enable it again."""
    from screening.store import accounts

    accounts.set_disabled(obj.db, _user(obj.db, name)["id"], not enable, actor=_cli_actor())
    click.echo(f"{name!r} {'enabled' if enable else 'disabled'}.")


@cli.group()
def token() -> None:
    """API tokens for integrations (Authorization: Bearer TOKEN)."""


@token.command("create")
@click.argument("name", metavar="USER")
@click.option("--label", default="", help="What the token is for.")
@click.pass_obj
@_account_errors
def token_create(obj: Context, name: str, label: str) -> None:
    """Create a token acting as USER (with USER's role); prints it once."""
    from screening.store import accounts

    tid, value = accounts.create_token(obj.db, _user(obj.db, name)["id"], label, actor=_cli_actor())
    click.echo(f"Token {tid} for {name!r} (shown once): {value}")


@token.command("list")
@click.pass_obj
def token_list(obj: Context) -> None:
    """List tokens (never their values)."""
    from screening.store import accounts

    for t in accounts.list_tokens(obj.db):
        click.echo(f"{t['id']:>4}  {t['user_name']:<20} {t['label'] or '-':<20} created {t['created_at']}  last used "
                   f"{t['last_used_at'] or 'never'}" + (f"  REVOKED {t['revoked_at']}" if t["revoked_at"] else ""))


@token.command("revoke")
@click.argument("token_id", type=int)
@click.pass_obj
@_account_errors
def token_revoke(obj: Context, token_id: int) -> None:
    """Revoke a token at once."""
    from screening.store import accounts

    accounts.revoke_token(obj.db, token_id, actor=_cli_actor())
    click.echo(f"Token {token_id} revoked.")


@cli.group()
def audit() -> None:
    """The audit trail: every run, decision, approval, import, setting and account change."""


@audit.command("verify")
@click.pass_obj
def audit_verify(obj: Context) -> None:
    """Check the hash chain of the audit trail; name the first entry that was changed or removed."""
    from screening.store import audit as auditmod

    result = auditmod.verify(obj.db)
    if result.ok:
        click.echo(f"Audit trail intact: {result.entries} entries, every hash and link holds.")
        return
    raise click.ClickException(f"audit trail broken at entry {result.broken_at}: {result.problem} "
                               f"({result.entries} entries read)")


@audit.command("log")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
@click.option("--run", "run_id", type=int, help="Only the entries about this run.")
@click.pass_obj
def audit_log(obj: Context, limit: int, run_id: int | None) -> None:
    """Print the latest audit entries (or those of one run)."""
    from screening.store import audit as auditmod

    found = auditmod.run_entries(obj.db, run_id) if run_id else list(reversed(auditmod.entries(obj.db, limit=limit)))
    for e in found:
        click.echo(f"{e['id']:>6}  {e['at']}  {e['actor'] or '-':<16} {e['action']:<20} {e['object_type']} "
                   f"{e['object_id']}  {json.dumps(e['details'], ensure_ascii=False)[:120]}")


# --- ongoing monitoring --------------------------------------------------------------------------------------

@cli.group()
def monitor() -> None:
    """Keep clients of earlier runs under monitoring and re-screen them when the watchlist changes."""


def _monitor_errors(fn):
    """Map monitoring errors (unknown run or client, empty watchlist, failed run) to ``Error: ...`` messages."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from screening.service.monitor import MonitorError
        from screening.store.runs import RunNotFound
        from screening.service.screen import EmptyWatchlist, RunFailed
        try:
            return fn(*args, **kwargs)
        except (MonitorError, RunNotFound, EmptyWatchlist, RunFailed) as exc:
            raise click.ClickException(str(exc.args[0] if exc.args else exc)) from None
    return wrapper


@monitor.command("add")
@click.argument("run_id", metavar="RUN", type=int)
@click.pass_obj
@_domain_errors
@_monitor_errors
def monitor_add(obj: Context, run_id: int) -> None:
    """Put every screened client of a completed run under monitoring."""
    from screening.service import monitor as mon

    done = mon.add_run(obj.db, run_id, _cli_actor())
    total = monitoring.counts(obj.db)["monitored"]
    click.echo(f"Run {run_id}: {done['added']} clients added to monitoring, {done['updated']} already monitored "
               f"updated (screened against watchlist version {done['watchlist_version']}); {total} monitored.")


@monitor.command("list")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True, help="At most this many clients.")
@click.option("--stopped", is_flag=True, help="Also list clients taken off monitoring.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
@_domain_errors
def monitor_list(obj: Context, limit: int, stopped: bool, as_json: bool) -> None:
    """List monitored clients, the latest added first, with the watchlist version each was screened against."""
    from screening.service import monitor as mon

    found = monitoring.list_clients(obj.db, limit=limit, stopped=stopped)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    c = monitoring.counts(obj.db)
    click.echo(f"{c['monitored']} clients monitored ({c['behind']} behind watchlist version "
               f"{c['watchlist_version']}), {c['stopped']} stopped.")
    for m in found:
        state = f"stopped {m['stopped_at']}" if m["stopped_at"] else f"screened v{m['screened_version']}"
        click.echo(f"{m['client_key']:<40}  {m['name'][:40]:<40}  {m['type']:<12}  run {m['source_run_id']} "
                   f"row {m['source_row']}  {state}")


@monitor.command("run")
@click.option("--full", is_flag=True, help="Re-screen every monitored client against the whole watchlist (for "
                                           "comparison) instead of only what changed.")
@click.pass_obj
@_domain_errors
@_monitor_errors
def monitor_run(obj: Context, full: bool) -> None:
    """Re-screen monitored clients against the entities added or changed since each was screened; raise alerts."""
    from screening.service import monitor as mon

    s = mon.rescreen(obj.db, _cli_actor(), full=full)
    click.echo(mon.describe(s))


@monitor.command("stop")
@click.argument("key", metavar="CLIENT_KEY")
@click.pass_obj
@_domain_errors
@_monitor_errors
def monitor_stop(obj: Context, key: str) -> None:
    """Take a client off monitoring (by its client key, as `monitor list` shows it)."""
    from screening.service import monitor as mon

    monitoring.stop(obj.db, key, _cli_actor())
    click.echo(f"{key}: no longer monitored.")


def monitor_after_import(obj: Context) -> None:
    """After a watchlist import on the command line: re-screen the monitored clients it left behind."""
    from screening.service import monitor as mon

    if monitoring.counts(obj.db)["behind"]:
        click.echo(mon.describe(mon.rescreen(obj.db, _cli_actor())))


# --- backup and retention ------------------------------------------------------------------------------------

def _maintenance_errors(fn):
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from screening.store.maintenance import MaintenanceError
        try:
            return fn(*args, **kwargs)
        except MaintenanceError as exc:
            raise click.ClickException(str(exc)) from None
    return wrapper


@cli.command("backup")
@click.argument("out", metavar="OUT", type=click.Path(path_type=str))
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@click.pass_obj
@_domain_errors
@_maintenance_errors
def backup_cmd(obj: Context, out: str, force: bool) -> None:
    """Copy the database to OUT as it is at one moment, while the service runs (SQLite's backup API)."""
    from screening.service import maintenance

    done = maintenance.backup(obj.db, out, force=force)
    click.echo(f"Backup written to {done['path']} ({done['bytes']:,} bytes: {done['runs']} runs, {done['decisions']} "
               f"decisions, {done['articles']} articles, {done['audit_log']} audit entries; integrity ok).")


def _days(value: str | None) -> int | None:
    if value is None or value.strip().lower() in ("", "forever", "never"):
        return None
    try:
        return int(value)
    except ValueError:
        raise click.BadParameter(f"{value!r}: a whole number of days, or 'forever'") from None


@cli.command("retention")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; delete nothing.")
@click.option("--runs-days", metavar="DAYS|forever", help="First set retention_runs_days (runs, their client rows, "
              "hits and decisions).")
@click.option("--articles-days", metavar="DAYS|forever", help="First set retention_articles_days (articles and "
              "their mentions).")
@click.pass_obj
@_domain_errors
@_maintenance_errors
def retention_cmd(obj: Context, dry_run: bool, runs_days: str | None, articles_days: str | None) -> None:
    """Delete the runs and articles older than the retention settings (default: keep forever); each deletion is
    audited and the audit trail stays verifiable."""
    from screening.service import maintenance

    for key, value in ((maintenance.RUNS_DAYS, runs_days), (maintenance.ARTICLES_DAYS, articles_days)):
        if value is not None:
            maintenance.set_retention(obj.db, key, _days(value), _cli_actor())
    click.echo(maintenance.retention(obj.db, _cli_actor(), dry_run=dry_run).describe())


def main() -> None:
    """Entry point of the ``screening`` console script."""
    cli(prog_name="screening")


if __name__ == "__main__":
    main()
