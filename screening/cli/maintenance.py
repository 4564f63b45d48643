"""``screening backup``, ``screening retention`` and ``screening audit``: keeping the database and its trail."""
from __future__ import annotations

import json

import click

from screening.cli import Context
from screening.cli.common import cli_actor
from screening.service import maintenance
from screening.store import audit as auditmod


@click.command("backup")
@click.argument("out", metavar="OUT", type=click.Path(path_type=str))
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@click.pass_obj
def backup_cmd(obj: Context, out: str, force: bool) -> None:
    """Copy the database to OUT as it is at one moment, while the service runs (SQLite's backup API)."""
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


@click.command("retention")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; delete nothing.")
@click.option("--runs-days", metavar="DAYS|forever", help="First set retention_runs_days (runs, their client rows, "
              "hits and decisions).")
@click.option("--articles-days", metavar="DAYS|forever", help="First set retention_articles_days (articles and "
              "their mentions).")
@click.pass_obj
def retention_cmd(obj: Context, dry_run: bool, runs_days: str | None, articles_days: str | None) -> None:
    """Delete the runs and articles older than the retention settings (default: keep forever); each deletion is
    audited and the audit trail stays verifiable."""
    for key, value in ((maintenance.RUNS_DAYS, runs_days), (maintenance.ARTICLES_DAYS, articles_days)):
        if value is not None:
            maintenance.set_retention(obj.db, key, _days(value), cli_actor())
    click.echo(maintenance.retention(obj.db, cli_actor(), dry_run=dry_run).describe())


@click.group()
def audit() -> None:
    """The audit trail: every run, decision, approval, import, setting and account change."""


@audit.command("verify")
@click.pass_obj
def audit_verify(obj: Context) -> None:
    """Check the hash chain of the audit trail; name the first entry that was changed or removed."""
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
    found = auditmod.run_entries(obj.db, run_id) if run_id else list(reversed(auditmod.entries(obj.db, limit=limit)))
    for e in found:
        click.echo(f"{e['id']:>6}  {e['at']}  {e['actor'] or '-':<16} {e['action']:<20} {e['object_type']} "
                   f"{e['object_id']}  {json.dumps(e['details'], ensure_ascii=False)[:120]}")
