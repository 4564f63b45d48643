"""``screening monitor``: keep the clients of earlier runs under monitoring and re-screen them."""
from __future__ import annotations

import json

import click

from screening.cli import Context
from screening.cli.common import cli_actor
from screening.service import monitor as mon
from screening.store import monitoring


@click.group()
def monitor() -> None:
    """Keep clients of earlier runs under monitoring and re-screen them when the watchlist changes."""


@monitor.command("add")
@click.argument("run_id", metavar="RUN", type=int)
@click.pass_obj
def monitor_add(obj: Context, run_id: int) -> None:
    """Put every screened client of a completed run under monitoring."""
    done = mon.add_run(obj.db, run_id, cli_actor())
    total = monitoring.counts(obj.db)["monitored"]
    click.echo(f"Run {run_id}: {done['added']} clients added to monitoring, {done['updated']} already monitored "
               f"updated (screened against watchlist version {done['watchlist_version']}); {total} monitored.")


@monitor.command("list")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True, help="At most this many clients.")
@click.option("--stopped", is_flag=True, help="Also list clients taken off monitoring.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def monitor_list(obj: Context, limit: int, stopped: bool, as_json: bool) -> None:
    """List monitored clients, the latest added first, with the watchlist version each was screened against."""
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
def monitor_run(obj: Context, full: bool) -> None:
    """Re-screen monitored clients against the entities added or changed since each was screened; raise alerts."""
    s = mon.rescreen(obj.db, cli_actor(), full=full)
    click.echo(mon.describe(s))


@monitor.command("stop")
@click.argument("key", metavar="CLIENT_KEY")
@click.pass_obj
def monitor_stop(obj: Context, key: str) -> None:
    """Take a client off monitoring (by its client key, as `monitor list` shows it)."""
    monitoring.stop(obj.db, key, cli_actor())
    click.echo(f"{key}: no longer monitored.")


def rescreen_behind(obj: Context) -> None:
    """After a watchlist import on the command line: re-screen the monitored clients it left behind."""
    if monitoring.counts(obj.db)["behind"]:
        click.echo(mon.describe(mon.rescreen(obj.db, cli_actor())))
