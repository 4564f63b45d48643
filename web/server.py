"""Serve the app with gunicorn, beside one job worker process, over the SQLite file.

``serve`` runs gunicorn's arbiter in this process on ``wsgi:app`` (several workers, threads each) and keeps one
``screening worker`` subprocess alive beside it for background jobs (screening runs, article imports), restarting
it if it dies; the queue is in the database, so a job interrupted by a crash is taken up again. The first
administrator is made before, by the command (``screening.service.accounts.ensure_first_admin``).
"""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time

from gunicorn.app.base import BaseApplication

from web import create_app

log = logging.getLogger(__name__)


class _Supervisor:
    """Keep one job-worker subprocess running until stopped."""

    def __init__(self, db_path: str):
        self.db_path = db_path
        self.proc: subprocess.Popen | None = None
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _spawn(self) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "screening.cli", "--db", self.db_path, "worker"])

    def _loop(self) -> None:
        while not self.stopping.is_set():
            self.proc = self._spawn()
            while self.proc.poll() is None and not self.stopping.wait(1.0):
                pass
            if not self.stopping.is_set():
                log.warning("the job worker exited (%s); starting it again", self.proc.returncode)
                time.sleep(1.0)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def serve(db_path: str, host: str = "127.0.0.1", port: int = 8000, workers: int = 2, threads: int = 4,
          job_worker: bool = True) -> None:
    """Run gunicorn on ``wsgi:app`` in the foreground (and the job worker beside it) until interrupted."""
    os.environ["SCREENING_DB"] = os.path.abspath(db_path)

    class App(BaseApplication):
        def load_config(self):
            for key, value in {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
                               "worker_class": "gthread", "timeout": 120, "graceful_timeout": 20,
                               "accesslog": "-", "errorlog": "-", "loglevel": "info",
                               "limit_request_line": 8190, "control_socket_disable": True}.items():
                self.cfg.set(key, value)

        def load(self):
            return create_app()                 # what wsgi:app is, importable from any working directory

    supervisor = _Supervisor(os.path.abspath(db_path)) if job_worker else None
    if supervisor:
        supervisor.start()
    try:
        App().run()
    finally:
        if supervisor:
            supervisor.stop()
