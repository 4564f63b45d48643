"""``screening worker``: run the background jobs (its own module, so that a worker does not load the web app)."""
from __future__ import annotations

import logging
import signal
import threading

import click

from screening.cli import Context
from screening.service import worker


@click.command("worker")
@click.pass_obj
def worker_cmd(obj: Context) -> None:
    """Run background jobs (screening runs, article imports) from the queue until stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(levelname)s %(message)s")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        worker.work(obj.db_path, stop)
    except KeyboardInterrupt:
        pass
