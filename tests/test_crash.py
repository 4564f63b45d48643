"""Crashes with real processes: the job worker killed (SIGKILL) mid-run and mid-import, and the whole `screening
serve` killed while decisions are being posted. Nothing acknowledged is lost, nothing partial is reported complete.

The client list and the articles are generated here (random combinations of common names; short news-like
paragraphs with allegations), so nothing is committed for these tests.
"""
from __future__ import annotations

import csv
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest

from screening.service import worker
from screening.store import accounts, audit, jobs, runs
from screening.store import db as dbmod

pytestmark = pytest.mark.slow

STALE_S = "4"        # the job heartbeat beats every 2 s: a job silent for 4 s is taken for dead (production: 30 s)
FIRST = ("James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard Susan "
         "Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony Betty Mark Margaret").split()
LAST = ("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson "
        "Anderson Taylor Moore Jackson Martin Thompson White Harris Clark Lewis Robinson Walker Young Allen").split()


def _wait(condition, timeout: float, what: str, proc: subprocess.Popen | None = None, log=None):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the process ended while waiting for {what}:\n{log.read_text() if log else ''}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}:\n{log.read_text() if log else ''}")
        time.sleep(0.02)


def _worker(db_path, log) -> subprocess.Popen:
    env = dict(os.environ, SCREENING_JOB_STALE_S=STALE_S, PYTHONUNBUFFERED="1")
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", "screening.cli", "--db", str(db_path), "worker"], env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _one(db, sql: str, args=()):
    return db.execute(sql, list(args)).fetchone()


def _sound(db) -> None:
    assert _one(db, "PRAGMA integrity_check")[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert audit.verify(db).ok
    # No run is reported complete without a result for every row it counted.
    assert db.execute("SELECT id FROM runs WHERE status = 'completed' AND kind = 'file' AND (rows_done != rows_total "
                      "OR rows_done != (SELECT count(*) FROM run_rows WHERE run_id = runs.id))").fetchall() == []


def _client_list(path, n: int, seed: int = 7):
    r = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Client ID", "Name", "Country"])
        for i in range(n):
            w.writerow([f"C-{i}", f"{r.choice(FIRST)} {r.choice(LAST)}", r.choice(["GB", "US", "DE", "FR", "CN"])])
        w.writerow(["C-LI", "Li Keqiang", "CN"])
    return path


def _decided_run(db, tmp_path) -> tuple[int, list[int]]:
    """A completed run with decisions on its hits (done in this process, before any crash)."""
    path = _client_list(tmp_path / "earlier.csv", 40, seed=1)
    jobs.enqueue(db, "screen", {"path": str(path), "file_name": "earlier.csv"}, actor="ana")
    job = worker.run_one(db, "setup")
    assert job["status"] == "done", job["error"]
    run_id = job["result"]["run_id"]
    ids = [runs.add_decision(db, h["id"], "escalate", "needs senior review", actor="ana", comment=f"before {i}")
           for i, h in enumerate(runs.iter_hits(db, run_id))]
    assert ids
    return run_id, ids


# --- the job worker killed in the middle of a screening run ---------------------------------------------------

def test_a_worker_killed_mid_run_leaves_no_complete_partial_run_and_the_job_completes_on_a_fresh_run(
        sample_copy, tmp_path):
    db = dbmod.connect(sample_copy)
    earlier, decided = _decided_run(db, tmp_path)
    rows = 1500                  # stored in batches of 500: the kill lands after the first, before the last
    job_id = jobs.enqueue(db, "screen", {"path": str(_client_list(tmp_path / "big.csv", rows)), "file_name":
                                         "big.csv"}, actor="ana")
    log = tmp_path / "worker.log"
    proc = _worker(sample_copy, log)

    def stored_some():
        found = _one(db, "SELECT id, rows_done FROM runs WHERE job_id = ?", [job_id])
        return found if found and 0 < found[1] < rows else None
    orphan, done_at_kill = _wait(stored_some, 60, "the run to store its first rows", proc, log)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # Killed: nothing marks the run finished; it is not complete and says so (running, its rows partial).
    run = runs.get_run(db, orphan)
    assert run["status"] == "running" and run["rows_done"] < rows
    assert jobs.get_job(db, job_id)["status"] == "running"

    proc = _worker(sample_copy, log)
    try:
        job = _wait(lambda: (j := jobs.get_job(db, job_id))["status"] in ("done", "failed") and j, 60,
                    "the job to be taken up again and finish", proc, log)
    finally:
        _stop(proc)
    assert job["status"] == "done" and job["attempts"] == 2, job
    fresh = runs.get_run(db, job["result"]["run_id"])
    assert fresh["id"] != orphan and (fresh["status"], fresh["rows_done"]) == ("completed", rows + 1)
    run = runs.get_run(db, orphan)
    assert run["status"] == "failed" and "the worker stopped" in run["error"]
    assert [e["action"] for e in audit.run_entries(db, orphan)] == ["run.started", "run.failed"]
    # The decisions taken before the crash on another run are all there.
    assert [r[0] for r in db.execute("SELECT id FROM decisions WHERE run_id = ? ORDER BY id", [earlier])] == decided
    _sound(db)
    print(f"killed at {done_at_kill}/{rows + 1} rows; orphan run {orphan} failed; run {fresh['id']} completed")


# --- the job worker killed in the middle of an article import -------------------------------------------------

SENTENCES = (
    "{name}, a {job} from {city}, was charged with money laundering on {day}, prosecutors said.",
    "Police arrested {name} in {city} over an alleged fraud involving {n} million dollars.",
    "{name} is accused of paying bribes to officials to win a contract for {thing}.",
    "Investigators said {surname} had moved the money through shell companies in {place}.",
    "A court in {city} convicted {name} of tax evasion and sentenced {pron} to {n} years in prison.",
    "{surname} denied any wrongdoing, a lawyer for the {job} told reporters on {day}.",
    "Regulators fined {name} for insider trading in shares of a {thing} company.",
    "The {job} {name} was detained at the airport in {city} on suspicion of smuggling {thing}.",
)
JOBS = ("businessman", "banker", "property developer", "shipping executive", "former minister", "accountant")
CITIES = ("London", "Manchester", "Glasgow", "Dublin", "Leeds", "Bristol", "Cardiff", "Belfast")
THINGS = ("road building", "hospital equipment", "steel", "medical supplies", "software", "oil")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
PLACES = ("Cyprus", "Panama", "the British Virgin Islands", "Malta", "Luxembourg")


def _articles(folder, count: int, seed: int = 3) -> list[str]:
    r = random.Random(seed)
    folder.mkdir()
    paths, used = [], set()
    for i in range(count):
        while (name := f"{r.choice(FIRST)} {r.choice(LAST)}") in used:
            pass
        used.add(name)
        surname = name.split()[1]
        lines = [f"{name} faces questions over deals in {r.choice(CITIES)}", ""]
        for _ in range(6):
            picked = r.sample(SENTENCES, 4)
            lines.append(" ".join(s.format(name=name, surname=surname, job=r.choice(JOBS), city=r.choice(CITIES),
                                           day=r.choice(DAYS), n=r.randint(2, 90), thing=r.choice(THINGS),
                                           place=r.choice(PLACES), pron="him") for s in picked))
            lines.append("")
        path = folder / f"article-{i:02d}.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        paths.append(str(path))
    return paths


def test_a_worker_killed_mid_import_leaves_each_article_whole_or_absent_and_the_retry_adds_no_copies(
        sample_copy, tmp_path):
    db = dbmod.connect(sample_copy)
    before = _one(db, "SELECT count(*) FROM articles")[0]
    count = 30
    paths = _articles(tmp_path / "articles", count)
    job_id = jobs.enqueue(db, "import", {"paths": paths, "names": {}, "source": "Test Wire", "count": count},
                          actor="ana")
    log = tmp_path / "worker.log"
    proc = _worker(sample_copy, log)
    _wait(lambda: _one(db, "SELECT count(*) FROM articles")[0] > before + 2, 120,
          "the import to store its first articles", proc, log)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stored = _one(db, "SELECT count(*) FROM articles")[0] - before
    assert 0 < stored < count, f"the kill should land mid-import ({stored} of {count} stored)"

    def whole() -> None:
        # Every stored article is whole: its mentions, their entities and aliases, its version's counts.
        for article_id, version in db.execute("SELECT id, version FROM articles WHERE id > ?", [before]).fetchall():
            mentions = _one(db, "SELECT count(*) FROM mentions WHERE article_id = ?", [article_id])[0]
            assert mentions >= 6, (article_id, mentions)
            assert _one(db, "SELECT count(*) FROM mentions m LEFT JOIN entities e ON e.id = m.entity_id WHERE "
                        "m.article_id = ? AND (e.id IS NULL OR NOT EXISTS (SELECT 1 FROM aliases a WHERE "
                        "a.entity_id = e.id))", [article_id])[0] == 0
        for version, added in db.execute("SELECT version, articles_added FROM watchlist_versions WHERE version > 1"):
            assert added == _one(db, "SELECT count(*) FROM articles WHERE version = ?", [version])[0]
    whole()
    _sound(db)

    proc = _worker(sample_copy, log)
    try:
        job = _wait(lambda: (j := jobs.get_job(db, job_id))["status"] in ("done", "failed") and j, 120,
                    "the import to be taken up again and finish", proc, log)
    finally:
        _stop(proc)
    assert job["status"] == "done" and job["attempts"] == 2, job
    # The retry stored the rest; the articles stored before the kill were recognised, not stored twice.
    assert job["result"]["counts"] == {"added": count - stored, "duplicate": stored, "linked": 0, "failed": 0}
    assert _one(db, "SELECT count(*) FROM articles")[0] - before == count
    assert _one(db, "SELECT count(DISTINCT text_hash) FROM articles")[0] == before + count
    whole()
    _sound(db)
    print(f"killed after {stored} of {count} articles; the retry added {count - stored}")


# --- the whole service killed while decisions are posted ------------------------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session(url: str, name: str, password: str):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect)

    def token(path: str) -> str:
        with opener.open(url + path, timeout=10) as res:
            return re.search(r'name="csrf_token" value="([^"]+)"', res.read().decode()).group(1)

    def post(path: str, data: dict) -> int:
        body = urllib.parse.urlencode(data).encode()
        try:
            with opener.open(url + path, body, timeout=10) as res:
                return res.status
        except urllib.error.HTTPError as exc:
            return exc.code

    assert post("/signin", {"name": name, "password": password, "csrf_token": token("/signin")}) == 302
    return post, token("/account/password")


def test_killing_the_whole_service_loses_no_acknowledged_decision(sample_copy, tmp_path):
    db = dbmod.connect(sample_copy)
    earlier, decided = _decided_run(db, tmp_path)
    hits = [h["id"] for h in runs.iter_hits(db, earlier)]
    accounts.add_user(db, "ana", "analyst", password="ana has a long password")
    db.close()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    env = dict(os.environ, PYTHONUNBUFFERED="1", SCREENING_SESSION_COOKIE_SECURE="false")
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "screening.cli", "--db", str(sample_copy), "serve", "--port",
                                 str(port), "--workers", "2"], stdout=out, stderr=subprocess.STDOUT, env=env,
                                cwd=tmp_path, start_new_session=True)

    def up():
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as res:
                return res.status == 200
        except OSError:
            return False
    try:
        _wait(up, 60, "the server to start", proc, log)
        acked: list[str] = []
        stop = threading.Event()

        def poster(n: int) -> None:
            try:
                post, csrf = _session(url, "ana", "ana has a long password")
            except OSError:
                return
            i = 0
            while not stop.is_set():
                comment = f"poster {n} decision {i}"
                try:
                    status = post(f"/hits/{hits[i % len(hits)]}/decide", {
                        "decision": "escalate", "reason": "needs senior review", "comment": comment,
                        "csrf_token": csrf})
                except OSError:
                    return                            # the server is gone: this one was in flight
                assert status == 302, status
                acked.append(comment)
                i += 1

        threads = [threading.Thread(target=poster, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        _wait(lambda: len(acked) >= 60, 60, "decisions to be acknowledged", proc, log)
    finally:
        # Every process of the service at once: the gunicorn master, its workers, the job worker.
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    stop.set()
    for t in threads:
        t.join(15)
    assert not any(t.is_alive() for t in threads)
    time.sleep(0.5)                                    # let the killed processes' file handles go
    db = dbmod.connect(sample_copy)
    stored = {r[0] for r in db.execute("SELECT comment FROM decisions")}
    missing = [c for c in acked if c not in stored]
    assert not missing, f"{len(missing)} acknowledged decisions lost: {missing[:5]}"
    # Decisions in flight at the kill were stored whole (with their audit entry) or not at all.
    assert _one(db, "SELECT count(*) FROM decisions")[0] == _one(
        db, "SELECT count(*) FROM audit_log WHERE action = 'decision.recorded'")[0]
    assert [r[0] for r in db.execute("SELECT id FROM decisions WHERE comment LIKE 'before %' ORDER BY id")] == decided
    _sound(db)
    print(f"{len(acked)} decisions acknowledged before the kill, {len(stored) - len(decided)} stored")
