"""``screening serve``: the web app (gunicorn) and, beside it, the background job worker."""
from __future__ import annotations

import click

from screening.cli import Context
from screening.service.accounts import ensure_first_admin
from web import server


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (put TLS in front).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="gunicorn worker processes (each with 4 threads).")
@click.option("--no-job-worker", is_flag=True, help="Do not start the background job worker here (run "
                                                      "`screening worker` elsewhere).")
@click.pass_obj
def serve_cmd(obj: Context, host: str, port: int, workers: int, no_job_worker: bool) -> None:
    """Run the web app (gunicorn on wsgi:app) and the background job worker over the database.

    On first start (no accounts yet) it creates the administrator "admin" and prints its one-time password once
    (it must be changed at the first sign-in).
    """
    made = ensure_first_admin(obj.db)
    if made:
        click.echo(f"First start: created the administrator account {made[0]!r} with the password\n\n    {made[1]}\n\n"
                   f"It is shown only this once: sign in at http://{host}:{port}/, where you must change it "
                   f"before anything else. More accounts: `screening user add NAME --role ROLE`.")
    obj.db.close()
    click.echo(f"Serving http://{host}:{port}/ on {obj.db_path} (Ctrl-C stops).")
    server.serve(obj.db_path, host=host, port=port, workers=workers, job_worker=not no_job_worker)
