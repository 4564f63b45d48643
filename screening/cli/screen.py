"""``screening screen`` (a client list end to end), ``screening runs`` and ``screening report``."""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import click
from tqdm import tqdm

from screening.cli import EXIT_NOT_SCREENED, Context, file_errors
from screening.engine.results import class_label
from screening.service import screen
from screening.store import runs
from screening.store.watchlist import system_user

# No tqdm monitor thread: a process running another thread starts its screening processes by spawn (each
# loading the index again) instead of fork (sharing it: screening.engine.parallel).
tqdm.monitor_interval = 0


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


def _write_outputs(obj: Context, run_id: int, report_path: str | None, json_path: str | None) -> None:
    if report_path:
        t = time.perf_counter()
        screen.write_run_report(obj.db, run_id, report_path, actor=system_user())
        click.echo(f"Report written to {report_path} ({time.perf_counter() - t:.1f} s).")
    if json_path:
        target = Path(json_path)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                screen.write_run_json(obj.db, run_id, fh)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        click.echo(f"JSON written to {json_path}.")


@click.command("screen")
@click.argument("file", type=click.Path(path_type=str))
@click.option("--sheet", metavar="NAME", help="Sheet to read (default: the first sheet with data).")
@click.option("--column", "columns", multiple=True, metavar="FIELD=HEADER",
              help="Which header holds a field, overriding detection (fields: name, first_name, last_name, "
                   "client_id, type, country, birth_date); FIELD= leaves a field out; repeatable (country: "
                   "every column named is used).")
@click.option("--threshold", type=click.FloatRange(0, 1), default=None,
              help="Lowest score reported as a hit (default: the policy: the Admin setting, else SCREENING_THRESHOLD, "
                   "else 0.70).")
@click.option("--limit", "hit_limit", type=click.IntRange(1, 100), default=None,
              help="At most this many hits per row, best first (default: the policy: the Admin setting, else "
                   "SCREENING_HIT_LIMIT, else 10).")
@click.option("--processes", type=click.IntRange(min=0), default=None,
              help="Processes that screen at once, sharing the watchlist's index: 0 every core, 1 this process only "
                   "(default: the policy: SCREENING_PROCESSES, else 0).")
@click.option("--cluster", metavar="tcp://HOST:8786", default=None,
              help="Screen on the workers of this Dask scheduler; this machine stores the results (default: the "
                   "setting SCREENING_DASK_SCHEDULER, else this machine only). Needs pip install -e '.[cluster]'.")
@click.option("--report", "report_path", metavar="OUT.xlsx", help="Also write the Excel report here.")
@click.option("--json", "json_path", metavar="OUT.json", help="Also write the run as JSON here.")
@click.pass_obj
@file_errors
def screen_cmd(obj: Context, file: str, sheet: str | None, columns: tuple[str, ...], threshold: float | None,
               hit_limit: int | None, processes: int | None, cluster: str | None, report_path: str | None,
               json_path: str | None) -> None:
    """Screen every row of a client list (xlsx, xlsm, csv, tsv) against the watchlist and store the run.

    Shows the detected columns and why first. Every row with a usable name is screened; odd types, countries and
    dates and repeated client IDs are notes. A row without a usable name (empty, digits only) is reported as not
    screened, never dropped, and the command then ends with a warning and exit status 3. A file that cannot be
    read stops here with a message, exit status 1, and nothing is stored.
    """
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
        click.echo(f"{len(notes)} note{'s' if len(notes) != 1 else ''} (these rows are screened; each note says "
                   f"what was made of the value it names):")
        _echo_some(notes, "the Notes column of the report's Records sheet")
    click.echo("Loading the watchlist..." if not cluster else f"Loading the watchlist; screening on the Dask "
               f"cluster at {cluster}...")
    with tqdm(total=len(prepared.clients), unit="row", desc="Screening", file=sys.stderr,
              disable=not sys.stderr.isatty() and os.environ.get("SCREENING_PROGRESS") != "1") as bar:
        def progress(done: int, total: int) -> None:
            bar.update(done - bar.n)
        run_id = screen.screen(obj.db, prepared, actor=system_user(), hit_limit=hit_limit, threshold=threshold,
                               progress=progress, processes=processes, cluster=cluster)
    run = runs.get_run(obj.db, run_id)
    click.echo(f"Run {run_id}: {run['rows_total']} rows, {run['screened']} screened, {run['not_screened']} not "
               f"screened; {run['rows_with_hits']} rows with hits ({run['hits']} hits) at or above "
               f"{run['threshold']:.2f}; watchlist version {run['watchlist_version']} "
               f"({run['watchlist_entities']} entities), {run['algorithm']}.")
    by_class = ", ".join(f"{class_label(c)} {n}" for c, n in run["class_counts"].items() if n) or "none"
    click.echo(f"Hits by class: {by_class}; alerting classes: "
               f"{', '.join(class_label(c) for c in run['alert_classes'])}; {run['rows_named_in_news']} rows "
               f"also named in news without alerting.")
    if run["suppressed"] or run["confirmed_earlier"]:
        click.echo(f"Decided earlier: {run['confirmed_earlier']} confirmed true match"
                   f"{'es' if run['confirmed_earlier'] != 1 else ''} (not pending again), {run['suppressed']} "
                   f"suppressed (cleared false positives); {run['pending']} hits pending a decision.")
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


@click.command("runs")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True, help="At most this many runs.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def runs_cmd(obj: Context, limit: int, as_json: bool) -> None:
    """List screening runs, latest first."""
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


def _progress_bar(total: int, unit: str, desc: str) -> tqdm:
    """A progress bar on standard error, shown in a terminal (or with SCREENING_PROGRESS=1), as screening shows."""
    return tqdm(total=total, unit=unit, desc=desc, file=sys.stderr,
                disable=not sys.stderr.isatty() and os.environ.get("SCREENING_PROGRESS") != "1")


def _write_pdfs(obj: Context, run_id: int, pdf_path: str | None, hit_pdfs: tuple[tuple[int, str], ...]) -> None:
    if pdf_path:
        t = time.perf_counter()
        with _progress_bar(runs.get_run(obj.db, run_id)["hits"] or 0, "hit", "PDF case file") as bar:
            screen.write_run_pdf(obj.db, run_id, pdf_path, actor=system_user(),
                                 progress=lambda done, total: bar.update(done - bar.n))
        click.echo(f"PDF case file written to {pdf_path} ({time.perf_counter() - t:.1f} s).")
    for hit_id, path in hit_pdfs:
        if runs.get_hit(obj.db, hit_id)["run_id"] != run_id:
            raise click.ClickException(f"hit {hit_id} is not a hit of run {run_id}")
        screen.write_hit_pdf(obj.db, hit_id, path, actor=system_user())
        click.echo(f"PDF case file of hit {hit_id} written to {path}.")


@click.command("report")
@click.argument("run_id", metavar="RUN", type=int)
@click.option("-o", "--output", "report_path", metavar="OUT.xlsx", help="Write the Excel report here.")
@click.option("--json", "json_path", metavar="OUT.json", help="Write the run as JSON here.")
@click.option("--pdf", "pdf_path", metavar="OUT.pdf",
              help="Write the run's PDF case file here (summary, lists, counts, every alerting hit with its "
                   "decisions and approvals, the audit trail).")
@click.option("--hit-pdf", "hit_pdfs", type=(int, str), multiple=True, metavar="HIT OUT.pdf",
              help="Write the PDF case file of one hit of the run (what its page shows, with the decision history); "
                   "repeatable.")
@click.pass_obj
@file_errors
def report_cmd(obj: Context, run_id: int, report_path: str | None, json_path: str | None, pdf_path: str | None,
               hit_pdfs: tuple[tuple[int, str], ...]) -> None:
    """Write the Excel report, the PDF case file (of the run, or of some of its hits) and/or the JSON of a stored
    run."""
    if not (report_path or json_path or pdf_path or hit_pdfs):
        raise click.UsageError("give -o OUT.xlsx, --pdf OUT.pdf, --hit-pdf HIT OUT.pdf and/or --json OUT.json")
    run = runs.get_run(obj.db, run_id)
    if run["status"] != runs.COMPLETED:
        click.echo(f"Note: run {run_id} is {run['status']}" + (f" ({run['error']})" if run["error"] else "")
                   + ": the report says it is incomplete.", err=True)
    _write_outputs(obj, run_id, report_path, json_path)
    _write_pdfs(obj, run_id, pdf_path, hit_pdfs)
