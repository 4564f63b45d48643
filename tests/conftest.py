"""Shared fixtures: a file database per test, and the bundled sample ingested once per session."""
from __future__ import annotations

from pathlib import Path

import pytest

from screening.service import ingest, worker
from screening.store import db as dbmod
from screening.store import watchlist as store
from watchlists import lists


@pytest.fixture
def db(tmp_path):
    """A fresh, migrated SQLite file database."""
    database = dbmod.connect(tmp_path / "test.db")
    yield database
    database.close()


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory):
    """A database holding the bundled sample article (DW, 20 September 2016), ingested once."""
    from screening.service import ingest

    path = tmp_path_factory.mktemp("sample") / "sample.db"
    database = dbmod.connect(path)
    result = ingest.ingest_sample(database)
    assert [o.status for o in result.outcomes] == ["added"], result.outcomes
    yield database
    database.close()


@pytest.fixture
def sample_copy(sample_db, tmp_path):
    """A private copy of the database holding the sample article, so runs stored by one test stay in it."""
    path = tmp_path / "screening.db"
    sample_db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    target = dbmod.connect(path, migrate_schema=False)
    sample_db.conn.backup(target.conn)
    target.close()
    return path


@pytest.fixture
def web_app(sample_copy, tmp_path):
    """The Flask app over a private copy of the sample database (uploads in the test's folder)."""
    from web import create_app

    return create_app({"DB_PATH": str(sample_copy), "TESTING": True, "SESSION_COOKIE_SECURE": False,
                       "UPLOAD_DIR": str(tmp_path / "uploads")})


@pytest.fixture
def signed_in(web_app):
    """``signed_in(role, name=None)`` returns a test client signed in as a new account of that role; the client's
    ``csrf`` attribute holds its CSRF token for posting forms. The account's password is its user's own (no change
    is due at sign-in: the forced change has its own tests)."""
    import re

    from screening.store import accounts
    from screening.store import db as dbmod

    def make(role: str, name: str | None = None):
        name = name or f"{role}-user"
        db = dbmod.connect(web_app.config["DB_PATH"])
        try:
            if accounts.find_user(db, name) is None:
                accounts.add_user(db, name, role, password="correct horse battery", must_change=False)
        finally:
            db.close()
        client = web_app.test_client()
        page = client.get("/signin").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        res = client.post("/signin", data={"name": name, "password": "correct horse battery", "csrf_token": token})
        assert res.status_code == 302, res.get_data(as_text=True)
        page = client.get("/account/password").get_data(as_text=True)
        client.csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return client
    return make


# --- a real server and a real browser ---------------------------------------------------------------------------

class LiveServer:
    def __init__(self, url: str, db_path, admin_password: str, log_path, proc):
        self.url, self.db_path, self.admin_password, self.log_path, self.proc = (url, db_path, admin_password,
                                                                                 log_path, proc)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def add_user(self, name: str, role: str, must_change: bool = False) -> str:
        """Create an account as an operator does (``screening user add ... --password-stdin``); return its password.

        The operator's password must be changed at the first sign-in; unless ``must_change``, the account is then
        marked as if its user had done so already (most browser tests start from there)."""
        import subprocess
        import sys

        password = f"{name} has a long password"
        res = subprocess.run([sys.executable, "-m", "screening.cli", "--db", str(self.db_path), "user", "add", name,
                              "--role", role, "--password-stdin"], input=password + "\n", text=True,
                             capture_output=True)
        assert res.returncode == 0, res.stderr
        if not must_change:
            _password_chosen(self.db_path, name)
        return password

    def sign_in(self, page, name: str, password: str) -> None:
        """Sign in through the form in a Playwright page and wait for the home page."""
        page.goto(self.url + "/signin")
        page.fill("input[name=name]", name)
        page.fill("input[name=password]", password)
        page.click("main button[type=submit]")
        page.wait_for_url(self.url + "/")


def _password_chosen(db_path, name: str) -> None:
    """Clear an account's pending password change, as if its user had chosen this password themselves."""
    from screening.store.db import transaction

    database = dbmod.connect(db_path, migrate_schema=False)
    try:
        with transaction(database):
            changed = database.execute("UPDATE users SET must_change_password = 0 WHERE name = ?", [name]).rowcount
        assert changed == 1, name
    finally:
        database.close()


@pytest.fixture(scope="module")
def crm_db(tmp_path_factory):
    """The sample article plus the fixture sanctions list (tests/fixtures/lists/crm_sanctions.csv), in a file
    database (its index file beside it, as in production)."""
    sanctions = Path(__file__).parent / "fixtures" / "lists" / "crm_sanctions.csv"
    db = dbmod.connect(tmp_path_factory.mktemp("crm") / "crm.db")
    ingest.ingest_sample(db)
    store.import_list(db, lists.read_list(sanctions, "csv"), name="crm-sanctions", fmt="csv",
                      file_name=sanctions.name, sha256=lists.files_sha256([sanctions]))
    yield db
    db.close()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(sample_db, tmp_path_factory):
    """Start ``screening serve`` (gunicorn and the job worker) on a free loopback port over a copy of the sample
    database, as an operator starts it; yield the ``LiveServer``, then stop it."""
    import os
    import re
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    folder = tmp_path_factory.mktemp("live")
    path = folder / "screening.db"
    sample_db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    target = dbmod.connect(path, migrate_schema=False)
    sample_db.conn.backup(target.conn)
    target.close()
    port = _free_port()
    log_path = folder / "server.log"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "screening.cli", "--db", str(path), "serve", "--port",
                                 str(port), "--workers", "2"], stdout=log, stderr=subprocess.STDOUT, env=env,
                                cwd=folder, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as res:
                if res.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the server did not start:\n{log_path.read_text(errors='replace')}")
        time.sleep(0.3)
    found = re.search(r"with the password\s+(\S+)", log_path.read_text())
    try:
        yield LiveServer(url, path, found.group(1) if found else "", log_path, proc)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def live_server(sample_db, tmp_path_factory):
    """``screening serve`` over a copy of the sample database; yields the URL, the database path and the first
    admin's password. The admin is taken as having kept that password as their own (no change due at sign-in);
    ``first_start_server`` is the server exactly as the first start leaves it."""
    for server in _serve(sample_db, tmp_path_factory):
        if server.admin_password:
            _password_chosen(server.db_path, "admin")
        yield server


@pytest.fixture(scope="module")
def first_start_server(sample_db, tmp_path_factory):
    """``screening serve`` as its first start leaves it: the administrator ``admin`` with the one-time password it
    printed (``admin_password``), which must be changed at the first sign-in."""
    yield from _serve(sample_db, tmp_path_factory)


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (headless). Skipped where chromium is not installed, except in CI
    (CI=true), which installs it: there a missing browser fails."""
    import os

    if not os.path.exists(CHROMIUM) or not _has_playwright():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs {CHROMIUM} and playwright (see .ci/run)")
        pytest.skip(f"{CHROMIUM} or playwright not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"])
        yield b
        b.close()


def _has_playwright() -> bool:
    import importlib.util

    return importlib.util.find_spec("playwright") is not None


@pytest.fixture
def artifacts():
    """Folder for screenshots the browser tests save (``test-artifacts/`` at the repository root)."""
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture
def run_jobs(web_app):
    """``run_jobs()`` runs every queued job now (tests have no worker process) and returns them as they ended."""

    def run() -> list[dict]:
        db = dbmod.connect(web_app.config["DB_PATH"])
        try:
            done = []
            while (job := worker.run_one(db, "test")) is not None:
                done.append(job)
            return done
        finally:
            db.close()
    return run
