"""Web load: simulated analysts browsing hits and recording decisions against gunicorn while an import runs.

    python benchmarks/web_load.py [--analysts 20] [--duration 60] [--rows 3000] [--baseline-duration 20]
                                  [--client-procs 1] [--import-path FOLDER] [--import-nice N] [--no-import]
                                  [--keep] [--seed 3]

1. Setup, in a temporary folder (never in the repository): a database with the bundled sample
   (``screening watchlist add --sample``) and, when ``../shared/data`` has it, the OFAC SDN list of July 2021
   (``watchlist import sdn.csv --format ofac-sdn``); a CSV client list of ``--rows`` rows (SEC company names and
   US Congress members, about 10% OFAC names and aliases, a third of them perturbed) screened with
   ``screening screen`` so that a completed run with several hundred hits exists; an analyst account per simulated
   analyst (``screening.accounts.add_user``) and one for the baseline.
2. The real server: ``python -m screening.cli --db DB serve --port FREE --workers 2`` (gunicorn gthread, 2
   processes x 4 threads, and the job worker), in its own session, output to ``server.log``; stopped with SIGTERM
   to its process group at the end, also on errors.
3. Warm-up (not measured): a few requests of each kind on fresh connections, so both gunicorn workers have loaded
   what the pages need.
4. Baseline: ONE analyst, no import running, the same page mix and think time, for ``--baseline-duration`` s.
5. Load: the analysts sign in (scrypt: timed apart), an import starts as a concurrent process (``screening
   watchlist add ../shared/data/news_bbc_fulltext/bbc/business``: about 500 BBC articles, read in place, written
   into the same SQLite file one transaction per article), and the analysts loop for ``--duration`` s: the run
   page, a page of its hits table, a hit page, a decision POSTed with the CSRF token of the hit page's form, the
   redirect followed as a browser would. Think time 0.1-0.5 s, seeded. Each analyst is a thread with its own
   keep-alive connection and cookie (``--client-procs K`` spreads them over K processes, to check that the
   client's GIL does not distort the figures). A request is ok with 2xx/3xx; anything else, a connection error or
   no answer within 10 s is an error, logged with its status and first bytes. POSTs are never retried.
6. Afterwards, the server stopped and the import finished: decisions whose comment starts with ``load `` counted in
   the database against the comments acknowledged (lost: acknowledged, not stored; duplicated: stored more than
   once; stored without acknowledgement), ``PRAGMA integrity_check``, the import's outcome, the jobs and runs tables.

A monitor samples the CPU time of the server's and the import's process groups every 0.5 s (``/proc``) and the
machine's busy share (``/proc/stat``), so the figures say where the CPU went (other users' processes included);
and every 0.25 s the number of stored articles (when the import wrote) and how long ``BEGIN IMMEDIATE`` waits for
SQLite's write lock (rolled back at once: what a decision POST would wait). The last line is
``P95_MS=... ERRORS=... LOST=... DUPLICATED=...`` (p95 of every request of the load phase).
"""
from __future__ import annotations

import argparse
import csv
import html
import http.client
import multiprocessing
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared/data"
SDN = SHARED / "sanctions_lists/ofac_sdn_2021-07/sdn.csv"
BBC_BUSINESS = SHARED / "news_bbc_fulltext/bbc/business"
PASSWORD = "load-test password 1"
TIMEOUT_S = 10.0
THINK = (0.1, 0.5)
DECISIONS = ("true match", "false positive", "escalate")
KINDS = ("run", "hits", "hit", "decide")            # "page" = every GET of the loop

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --- setup ----------------------------------------------------------------------------------------------------

def cli(db: Path, *args: str) -> str:
    cmd = [sys.executable, "-m", "screening.cli", "--db", str(db), *args]
    log("$ screening " + " ".join(args))
    res = subprocess.run(cmd, check=False, cwd=db.parent, capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({res.returncode}):\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}")
    return res.stdout


def client_list(db: Path, path: Path, n: int, seed: int, listed_share: float = 0.10) -> dict:
    """Write a CSV client list: real company and person names, ``listed_share`` of rows from the OFAC entries."""
    from ofac_data import congress_people, perturb, sec_companies

    rng = random.Random(seed)
    con = sqlite3.connect(db)
    listed = [(name, etype) for name, etype in con.execute(
        "SELECT name, type FROM entities WHERE origin = 'list' AND delisted_version IS NULL AND type IN "
        "('person', 'organization') ORDER BY id")]
    listed += [(alias, etype) for alias, etype in con.execute(
        "SELECT a.alias, e.type FROM aliases a JOIN entities e ON e.id = a.entity_id WHERE e.origin = 'list' "
        "AND e.type IN ('person', 'organization') ORDER BY a.rowid")]
    news = [(name, etype) for name, etype in con.execute(
        "SELECT name, type FROM entities WHERE origin != 'list' AND type IN ('person', 'organization') ORDER BY id")]
    con.close()
    pool = listed or news
    companies = sec_companies()
    people = list(dict.fromkeys(f"{f} {last}" for f, last, _ in congress_people()))
    rng.shuffle(companies)
    rng.shuffle(people)
    counts = Counter()
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Customer ID", "Customer Name", "Type", "Country"])
        for i in range(n):
            if pool and rng.random() < listed_share:
                name, etype = rng.choice(pool)
                if rng.random() < 0.33:
                    name = perturb(name, rng)
                counts["listed"] += 1
            elif rng.random() < 0.3:
                name, etype = companies[counts["company"] % len(companies)], "organization"
                counts["company"] += 1
            else:
                name, etype = people[counts["person"] % len(people)], "person"
                counts["person"] += 1
            w.writerow([f"C{i + 1:06d}", name, "Company" if etype == "organization" else "Individual",
                        "" if rng.random() < 0.5 else "United States"])
    return dict(counts)


def setup(folder: Path, n_rows: int, analysts: int, seed: int) -> dict:
    from screening.store import accounts
    from screening.store import db as dbmod

    db = folder / "screening.db"
    t0 = time.perf_counter()
    cli(db, "watchlist", "add", "--sample")
    has_sdn = SDN.exists()
    if has_sdn:
        cli(db, "watchlist", "import", str(SDN), "--format", "ofac-sdn")
    else:
        log(f"{SDN} not found: the watchlist is the bundled sample only, hits will be few")
    clients = folder / "clients.csv"
    mix = client_list(db, clients, n_rows, seed)
    out = cli(db, "screen", str(clients))
    found = re.search(r"^Run (\d+): .*$", out, re.MULTILINE)
    if not found:
        raise RuntimeError(f"no run in the output of screen:\n{out}")
    run_id = int(found.group(1))
    database = dbmod.connect(db)
    try:
        names = [f"analyst-{i}" for i in range(1, analysts + 1)] + ["analyst-base"]
        for name in names:
            accounts.add_user(database, name, "analyst", password=PASSWORD, created_by="web_load benchmark")
        hits = database.execute("SELECT count(*) FROM hits WHERE run_id = ?", [run_id]).fetchone()[0]
        entities = database.execute("SELECT count(*) FROM entities").fetchone()[0]
        articles = database.execute("SELECT count(*) FROM articles").fetchone()[0]
        database.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        database.close()
    return {"db": db, "run_id": run_id, "run_line": found.group(0), "hits": hits, "entities": entities,
            "articles": articles, "mix": mix, "sdn": has_sdn, "seconds": time.perf_counter() - t0}


# --- the server -----------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(folder: Path, db: Path) -> tuple[subprocess.Popen, str, Path]:
    port = free_port()
    log_path = folder / "server.log"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with open(log_path, "wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "screening.cli", "--db", str(db), "serve", "--port",
                                 str(port), "--workers", "2"], stdout=fh, stderr=subprocess.STDOUT, env=env,
                                cwd=folder, start_new_session=True)
    url = f"127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/health")
            if c.getresponse().status == 200:
                c.close()
                break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_group(proc)
            raise RuntimeError(f"the server did not start:\n{log_path.read_text(errors='replace')[-3000:]}")
        time.sleep(0.3)
    return proc, url, log_path


def stop_group(proc: subprocess.Popen | None, wait: float = 20) -> None:
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(wait)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


# --- one simulated analyst ------------------------------------------------------------------------------------

CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
HIT_LINK_RE = re.compile(r'href="(?:[^"]*?)/hits/(\d+)"')
PAGES_RE = re.compile(r"page \d+ of (\d+)")
DECIDE_RE = re.compile(r'<form[^>]*action="([^"]*/hits/\d+/decide[^"]*)"')


class Analyst:
    """One browser: its own keep-alive connection and cookies; records (t, kind, status, ms) per request."""

    def __init__(self, name: str, host: str, run_id: int, seed: int, hit_ids: list[int], tag: str):
        self.name, self.run_id, self.tag = name, run_id, tag
        self.host, self.port = host.split(":")[0], int(host.split(":")[1])
        self.rng = random.Random(seed)
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None
        self.last_used = 0.0
        self.records: list[tuple[float, str, int, float]] = []
        self.errors: list[tuple[str, int | str, str, str]] = []
        self.late: list[float] = []          # ms each think-time sleep overran
        self.sent: list[str] = []            # comments of every decision POSTed
        self.acked: list[str] = []           # ... and those answered 2xx/3xx
        self.unknown: list[str] = []         # ... and those with no answer (connection error, timeout)
        self.pages = 1
        self.fallback_hits = hit_ids
        self.n = 0
        self.csrf = ""

    # HTTP ----------------------------------------------------------------------------------------------------
    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        # gunicorn closes idle keep-alive connections after 2 s: reconnect before that rather than fail.
        if self.conn is None or time.monotonic() - self.last_used > 1.5:
            if self.conn is not None:
                self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT_S)
            return self.conn, False
        return self.conn, True

    def request(self, kind: str, method: str, path: str, form: dict | None = None,
                record: bool = True, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int | None, str, dict]:
        """One request; ``form`` is sent urlencoded, else ``body`` as is (``headers`` then give its Content-Type;
        they are added to, and override, the browser's own)."""
        extra, headers = headers or {}, {"Accept": "text/html", "User-Agent": f"web_load/{self.name}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers.update(extra)
        for attempt in (0, 1):
            conn, reused = self._connection()
            t = time.monotonic()
            try:
                conn.request(method, path, body=body, headers=headers)
                res = conn.getresponse()
                data = res.read()
            except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine) as exc:
                conn.close()
                self.conn = None
                # A reused keep-alive connection the server had just closed: a GET is retried once on a new one.
                if reused and attempt == 0 and method == "GET":
                    continue
                ms = (time.monotonic() - t) * 1000
                if record:
                    self.records.append((t, kind, -1, ms))
                self.errors.append((kind, type(exc).__name__, path, str(exc)[:200]))
                return None, "", {}
            except OSError as exc:                 # TimeoutError included
                conn.close()
                self.conn = None
                ms = (time.monotonic() - t) * 1000
                if record:
                    self.records.append((t, kind, -1, ms))
                self.errors.append((kind, "timeout" if isinstance(exc, TimeoutError) else type(exc).__name__, path,
                                    str(exc)[:200]))
                return None, "", {}
            ms = (time.monotonic() - t) * 1000
            self.last_used = time.monotonic()
            if res.getheader("Connection", "").lower() == "close":
                conn.close()
                self.conn = None
            for header in res.headers.get_all("Set-Cookie") or []:
                pair = header.split(";", 1)[0]
                k, _, v = pair.partition("=")
                if v and "max-age=0" not in header.lower() and "expires=thu, 01 jan 1970" not in header.lower():
                    self.cookies[k.strip()] = v.strip()
                else:
                    self.cookies.pop(k.strip(), None)
            text = data.decode("utf-8", "replace")
            if record:
                self.records.append((t, kind, res.status, ms))
            if not 200 <= res.status < 400:
                self.errors.append((kind, res.status, path, " ".join(text[:300].split())))
            return res.status, text, dict(res.getheaders())
        raise AssertionError("unreachable")

    # Pages ---------------------------------------------------------------------------------------------------
    def sign_in(self) -> float:
        t = time.monotonic()
        status, text, _ = self.request("signin", "GET", "/signin", record=False)
        token = CSRF_RE.search(text or "")
        if status != 200 or not token:
            raise RuntimeError(f"{self.name}: no sign-in form ({status}): {text[:300]}")
        status, text, _ = self.request("signin", "POST", "/signin", {
            "name": self.name, "password": PASSWORD, "csrf_token": html.unescape(token.group(1)),
            "next": f"/runs/{self.run_id}"}, record=False)
        if status not in (302, 303):
            raise RuntimeError(f"{self.name}: sign-in refused ({status}): {' '.join(text[:500].split())}")
        return time.monotonic() - t

    def think(self) -> None:
        wanted = self.rng.uniform(*THINK)
        t = time.monotonic()
        time.sleep(wanted)
        # How late the thread wakes up: the client's own delay (GIL, CPU), which would also delay its timings.
        self.late.append((time.monotonic() - t - wanted) * 1000)

    def kind_of(self, path: str) -> str:
        p = urllib.parse.urlsplit(path)
        if re.fullmatch(r"/hits/\d+", p.path):
            return "hit"
        if re.fullmatch(r"/runs/\d+", p.path):
            return "hits" if p.query else "run"
        return "other"

    def iteration(self) -> None:
        run_path = f"/runs/{self.run_id}"
        status, text, _ = self.request("run", "GET", run_path)
        pages = PAGES_RE.search(text or "")
        if pages:
            self.pages = int(pages.group(1))      # the pager: "1–50 of 812 · page 1 of 17"
        self.think()
        # A page of the table as an analyst moves through it: any page, sometimes sorted otherwise, sometimes the
        # first page of what is still pending.
        query: dict = {"page": self.rng.randint(1, self.pages)}
        if self.rng.random() < 0.3:
            query["sort"] = self.rng.choice(["score", "row", "entity", "client"])
        if self.rng.random() < 0.2:
            query = {"status": "pending", "page": 1}
        status, text, _ = self.request("hits", "GET", f"{run_path}?{urllib.parse.urlencode(query)}")
        ids = [int(i) for i in HIT_LINK_RE.findall(text or "")]
        if not ids:
            ids = self.fallback_hits           # an empty page (e.g. "pending" filtered away): any hit of the run
        self.think()
        hit_id = self.rng.choice(ids)
        status, text, _ = self.request("hit", "GET", f"/hits/{hit_id}")
        if status != 200:
            return
        token = CSRF_RE.findall(text)
        action = DECIDE_RE.search(text)
        self.think()
        decision = self.rng.choice(DECISIONS)
        from screening.store.runs import DECISION_REASONS
        reason = self.rng.choice(DECISION_REASONS[decision])
        self.n += 1
        comment = f"load {self.tag} #{self.n}"
        form = {"csrf_token": html.unescape(token[-1]) if token else "", "decision": decision, "reason": reason,
                "comment": comment}
        self.sent.append(comment)
        status, text, headers = self.request("decide", "POST", html.unescape(action.group(1)) if action
                                             else f"/hits/{hit_id}/decide", form)
        if status is None:
            self.unknown.append(comment)
            return
        if 200 <= status < 400:
            self.acked.append(comment)
        location = headers.get("Location") or headers.get("location")
        if status in (301, 302, 303) and location:
            target = urllib.parse.urlsplit(location)
            path = target.path + (f"?{target.query}" if target.query else "")
            self.think()
            self.request(self.kind_of(path), "GET", path)
        self.think()

    def loop(self, until: float) -> None:
        while time.monotonic() < until:
            try:
                self.iteration()
            except Exception as exc:  # noqa: BLE001 - a harness bug is counted apart, never as a server error
                self.errors.append(("harness", type(exc).__name__, "", str(exc)[:300]))
                time.sleep(0.5)
        if self.conn is not None:
            self.conn.close()

    def result(self) -> dict:
        return {"name": self.name, "records": self.records, "errors": self.errors, "sent": self.sent,
                "acked": self.acked, "unknown": self.unknown, "late": self.late}


def run_analysts(names: list[str], tags: list[str], host: str, run_id: int, hit_ids: list[int], seed: int,
                 start_at: float, duration: float, on_signed_in=None) -> tuple[list[dict], list[float], float]:
    """Sign the analysts in (in parallel), then let them loop from ``start_at`` (monotonic) for ``duration`` s;
    return their results, the sign-in times and the client's CPU seconds during the loop."""
    analysts = [Analyst(n, host, run_id, seed * 1000 + i, hit_ids, tag)
                for i, (n, tag) in enumerate(zip(names, tags))]
    signin_s = [0.0] * len(analysts)
    failures: list[str] = []

    def sign(i: int) -> None:
        try:
            signin_s[i] = analysts[i].sign_in()
        except Exception as exc:  # noqa: BLE001 - reported below, the run stops
            failures.append(str(exc))
    threads = [threading.Thread(target=sign, args=(i,)) for i in range(len(analysts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError("sign-in failed: " + "; ".join(failures[:3]))
    if on_signed_in:
        start_at = on_signed_in()
    cpu0 = time.process_time()
    delay = start_at - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    until = start_at + duration
    threads = [threading.Thread(target=a.loop, args=(until,), daemon=True) for a in analysts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [a.result() for a in analysts], signin_s, time.process_time() - cpu0


def _child(names, tags, host, run_id, hit_ids, seed, ready, go, duration, queue) -> None:
    def signed_in() -> float:
        ready.put(os.getpid())
        return go.get()
    try:
        results, signin_s, cpu = run_analysts(names, tags, host, run_id, hit_ids, seed, 0.0, duration,
                                              on_signed_in=signed_in)
        queue.put(("ok", results, signin_s, cpu))
    except Exception as exc:  # noqa: BLE001 - sent to the parent, which stops the run
        ready.put(os.getpid())
        queue.put(("error", str(exc), [], 0.0))


def load_phase(n: int, procs: int, host: str, run_id: int, hit_ids: list[int], seed: int, duration: float,
               before_start) -> tuple[list[dict], list[float], float, float]:
    """Run ``n`` analysts (threads, spread over ``procs`` processes when > 1): sign-in, then ``before_start()``
    (starts the import; returns nothing), then the loop. Returns results, sign-in seconds, client CPU s, start."""
    names = [f"analyst-{i}" for i in range(1, n + 1)]
    tags = [f"analyst-{i}" for i in range(1, n + 1)]
    if procs <= 1:
        box = {}

        def go() -> float:
            before_start()
            box["start"] = time.monotonic()
            return box["start"]
        results, signin_s, cpu = run_analysts(names, tags, host, run_id, hit_ids, seed, 0.0, duration,
                                              on_signed_in=go)
        return results, signin_s, cpu, box["start"]
    ctx = multiprocessing.get_context("fork")
    ready, go, queue = ctx.Queue(), ctx.Queue(), ctx.Queue()
    children = []
    for k in range(procs):
        part = list(range(k, n, procs))
        p = ctx.Process(target=_child, args=([names[i] for i in part], [tags[i] for i in part], host, run_id,
                                             hit_ids, seed + k, ready, go, duration, queue))
        p.start()
        children.append(p)
    for _ in children:
        ready.get(timeout=300)
    before_start()
    start = time.monotonic() + 0.05
    for _ in children:
        go.put(start)
    results, signin_s, cpu = [], [], 0.0
    for _ in children:
        status, res, s, c = queue.get(timeout=duration + 300)
        if status != "ok":
            raise RuntimeError(f"a client process failed: {res}")
        results += res
        signin_s += s
        cpu += c
    for p in children:
        p.join()
    return results, signin_s, cpu, start


# --- monitoring -----------------------------------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def session_cpu() -> dict[int, dict[int, float]]:
    """CPU seconds (user + system, own only) of every process, grouped by session id."""
    out: dict[int, dict[int, float]] = defaultdict(dict)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        # fields[0] is field 3 (state): session is field 6, utime 14, stime 15
        out[int(fields[3])][int(entry)] = (int(fields[11]) + int(fields[12])) / TICK
    return out


def machine_cpu() -> tuple[float, float]:
    with open("/proc/stat") as fh:
        values = [int(x) for x in fh.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) / TICK, idle / TICK


class Monitor:
    """Between ``begin()`` and ``end()``: CPU per session every 0.5 s (until ``end_cpu()``), and every 0.25 s the
    stored articles (a read) and how long a writer waits for SQLite's write lock (``BEGIN IMMEDIATE``, rolled back at
    once: what a decision POST waits for at that moment)."""

    def __init__(self, db: Path, sessions: dict[str, int | None]):
        self.db, self.sessions = db, sessions
        self.stop = threading.Event()
        self.first: dict[str, dict[int, float]] = {}
        self.last: dict[str, dict[int, float]] = {}
        self.articles: list[tuple[float, int]] = []
        self.lock_waits: list[tuple[float, float]] = []
        self.t0 = self.t1 = 0.0
        self.m0 = self.m1 = (0.0, 0.0)
        self.cpu_open = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._cpu_loop, daemon=True),
                        threading.Thread(target=self._db_loop, daemon=True)]

    def sample(self) -> None:
        cpu = session_cpu()
        with self.lock:
            for label, sid in self.sessions.items():
                if sid is None:
                    continue
                now = cpu.get(sid, {})
                self.first.setdefault(label, dict(now))
                self.last.setdefault(label, {}).update(now)

    def _cpu_loop(self) -> None:
        while not self.stop.wait(0.5):
            if self.cpu_open.is_set():
                self.sample()

    def _db_loop(self) -> None:
        con = sqlite3.connect(self.db, timeout=30, isolation_level=None)
        try:
            while not self.stop.is_set():
                try:
                    n = con.execute("SELECT count(*) FROM articles").fetchone()[0]
                    self.articles.append((time.monotonic(), n))
                    t = time.monotonic()
                    con.execute("BEGIN IMMEDIATE")
                    self.lock_waits.append((t, (time.monotonic() - t) * 1000))
                    con.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
                self.stop.wait(0.25)
        finally:
            con.close()

    def begin(self) -> None:
        self.t0, self.m0 = time.monotonic(), machine_cpu()
        self.sample()
        self.cpu_open.set()
        for t in self.threads:
            t.start()

    def end_cpu(self) -> None:
        """Close the CPU window (the load phase); the database is still probed until ``end()``."""
        self.cpu_open.clear()
        self.sample()
        self.t1, self.m1 = time.monotonic(), machine_cpu()

    def end(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join()

    def cpu_seconds(self, label: str) -> float:
        first, last = self.first.get(label, {}), self.last.get(label, {})
        return sum(v - first.get(pid, 0.0) for pid, v in last.items())

    def busy(self) -> float:
        total, idle = self.m1[0] - self.m0[0], self.m1[1] - self.m0[1]
        return 1 - idle / total if total else 0.0

    def writes(self) -> tuple[float | None, float | None]:
        """When the article count first and last changed (monotonic), or None."""
        changes = [t for (t, n), (_, before) in zip(self.articles[1:], self.articles) if n != before]
        return (changes[0], changes[-1]) if changes else (None, None)


# --- figures --------------------------------------------------------------------------------------------------

def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(q / 100 * len(s) + 0.5) - 1))   # nearest rank
    return s[k]


def table(records: list[tuple], title: str) -> dict:
    """Print p50/p95/p99/max per kind; return {kind: (n, p50, p95)}."""
    by: dict[str, list[float]] = defaultdict(list)
    for _t, kind, _status, ms in records:
        by[kind].append(ms)
        by["page" if kind != "decide" else "decide-all"].append(ms)
        by["all"].append(ms)
    by.pop("decide-all", None)
    print(f"  {title}")
    print(f"    {'kind':<8} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    out = {}
    for kind in [*KINDS, "other", "page", "all"]:
        v = by.get(kind)
        if not v:
            continue
        out[kind] = (len(v), pct(v, 50), pct(v, 95))
        print(f"    {kind:<8} {len(v):>6} {pct(v, 50):>8.1f} {pct(v, 95):>8.1f} {pct(v, 99):>8.1f} {max(v):>8.1f}")
    return out


def count_decisions(db: Path) -> tuple[Counter, dict]:
    con = sqlite3.connect(db)
    try:
        stored = Counter(c for (c,) in con.execute("SELECT comment FROM decisions WHERE comment LIKE 'load %'"))
        info = {
            "integrity": [r[0] for r in con.execute("PRAGMA integrity_check")],
            "decisions": con.execute("SELECT count(*) FROM decisions").fetchone()[0],
            "jobs": con.execute("SELECT kind, status, count(*) FROM jobs GROUP BY 1, 2").fetchall(),
            "runs": con.execute("SELECT status, count(*) FROM runs GROUP BY 1").fetchall(),
            "articles": con.execute("SELECT count(*) FROM articles").fetchone()[0],
            "versions": con.execute("SELECT version, kind, description FROM watchlist_versions ORDER BY version"
                                    ).fetchall(),
        }
    finally:
        con.close()
    return stored, info


# --- main -----------------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--analysts", type=int, default=20)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of the load phase")
    ap.add_argument("--baseline-duration", type=float, default=20.0, help="seconds of the one-analyst baseline "
                                                                        "(0: none)")
    ap.add_argument("--rows", type=int, default=3000, help="client list size")
    ap.add_argument("--client-procs", type=int, default=1, help="spread the analysts over K client processes")
    ap.add_argument("--import-path", default=str(BBC_BUSINESS), help="what the concurrent import adds")
    ap.add_argument("--no-import", action="store_true", help="no import during the load phase")
    ap.add_argument("--import-nice", type=int, default=0, help="run the import at this nice value (default 0: "
                                                             "the same CPU priority as the server)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (printed)")
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="web_load-"))

    def on_term(signum, frame):
        raise SystemExit(128 + signum)          # through the finally blocks: the server and import are stopped
    signal.signal(signal.SIGTERM, on_term)
    return _main(args, folder)


def _main(args, folder: Path) -> int:
    server = importer = None
    try:
        log(f"setup in {folder}")
        info = setup(folder, args.rows, args.analysts, args.seed)
        db, run_id = info["db"], info["run_id"]
        con = sqlite3.connect(db)
        hit_ids = [h for (h,) in con.execute("SELECT id FROM hits WHERE run_id = ? ORDER BY id", [run_id])]
        con.close()
        if not hit_ids:
            raise RuntimeError("the run has no hits: nothing to decide on")
        server, host, server_log = start_server(folder, db)
        log(f"server on http://{host}/ (pid {server.pid})")

        # Warm-up: each page kind on fresh connections (both gunicorn workers), not measured.
        warm = Analyst("analyst-base", host, run_id, args.seed, hit_ids, "warm")
        warm.sign_in()
        for _ in range(6):
            if warm.conn is not None:
                warm.conn.close()
                warm.conn = None
            warm.iteration()
        warm_errors = list(warm.errors)
        results_warm = warm.result()

        baseline = None
        if args.baseline_duration > 0:
            log(f"baseline: 1 analyst, no import, {args.baseline_duration:.0f} s")
            m0 = machine_cpu()
            res, _s, _cpu = run_analysts(["analyst-base"], ["base-1"], host, run_id, hit_ids, args.seed + 99,
                                             time.monotonic(), args.baseline_duration)
            m1 = machine_cpu()
            baseline = res[0]
            baseline["busy"] = 1 - (m1[1] - m0[1]) / max(1e-9, m1[0] - m0[0])

        sessions = {"server": server.pid, "import": None}
        monitor = Monitor(db, sessions)
        import_times: dict[str, float] = {}
        import_log = folder / "import.log"

        def start_import() -> None:
            nonlocal importer
            if not args.no_import:
                with open(import_log, "wb") as fh:
                    import_times["start"] = time.monotonic()
                    nice = ["nice", "-n", str(args.import_nice)] if args.import_nice else []
                    importer = subprocess.Popen([*nice, sys.executable, "-m", "screening.cli", "--db", str(db),
                                                 "watchlist", "add", args.import_path], stdout=fh,
                                                stderr=subprocess.STDOUT, cwd=folder, start_new_session=True,
                                                env=dict(os.environ, PYTHONUNBUFFERED="1"))
                sessions["import"] = importer.pid
                log(f"import started (pid {importer.pid}): screening watchlist add {args.import_path}")
                threading.Thread(target=lambda: (importer.wait(), import_times.setdefault("end", time.monotonic())),
                                 daemon=True).start()
            monitor.begin()

        log(f"load: {args.analysts} analysts for {args.duration:.0f} s"
            + ("" if args.no_import else ", import running")
            + (f", {args.client_procs} client processes" if args.client_procs > 1 else ""))
        results, signin_s, client_cpu, t_start = load_phase(args.analysts, args.client_procs, host, run_id, hit_ids,
                                                            args.seed, args.duration, start_import)
        t_end = time.monotonic()
        monitor.end_cpu()
        log("load finished; stopping the server")
        stop_group(server)
        server_rc = server.returncode
        if importer is not None and importer.poll() is None:
            log("waiting for the import to finish")
            importer.wait(1800)
            time.sleep(0.6)                   # the monitor's last article count
        import_times.setdefault("end", time.monotonic())
        monitor.end()
        stored, dbinfo = count_decisions(db)
        report(args, info, host, server_log, server_rc, baseline, results, signin_s, client_cpu, t_start,
               t_end, monitor, importer, import_times, import_log, stored, dbinfo, warm_errors, results_warm)
        return 0
    finally:
        stop_group(server)
        stop_group(importer, wait=5)
        if args.keep:
            print(f"kept: {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)


def report(args, info, host, server_log, server_rc, baseline, results, signin_s, client_cpu, t_start, t_end,
           monitor, importer, import_times, import_log, stored, dbinfo, warm_errors, warm) -> None:
    elapsed = t_end - t_start
    print(f"Setup: {info['run_line']}")
    print(f"  watchlist {info['entities']:,} entities ({'sample + OFAC SDN 2021-07' if info['sdn'] else 'sample'}), "
          f"{info['articles']} articles; client list {args.rows:,} rows {info['mix']}; run {info['run_id']}: "
          f"{info['hits']:,} hits; setup {info['seconds']:.0f} s")
    print(f"  server: screening serve --workers 2 (gunicorn gthread 2 x 4 threads) on {host}; "
          f"{os.cpu_count()} CPUs; client: {args.analysts} analysts as threads"
          + (f" in {args.client_procs} processes" if args.client_procs > 1 else " in 1 process")
          + f", think time {THINK[0]}-{THINK[1]} s, timeout {TIMEOUT_S:.0f} s")
    if warm_errors:
        print(f"  warm-up errors: {warm_errors[:3]}")

    base = {}
    if baseline:
        print()
        recs = baseline["records"]
        span = args.baseline_duration
        print(f"Baseline: 1 analyst, no import, {span:.0f} s: {len(recs)} requests, {len(recs) / span:.1f} req/s, "
              f"{len(baseline['errors'])} errors, {len(baseline['acked'])} decisions acknowledged; machine busy "
              f"{baseline['busy']:.0%} (other users' processes included)")
        base = table(recs, "latency (from request sent to last byte read)")

    records = [r for res in results for r in res["records"]]
    errors = [e for res in results for e in res["errors"]]
    print()
    print(f"Load: {args.analysts} analysts, {elapsed:.1f} s: {len(records)} requests, "
          f"{len(records) / elapsed:.1f} req/s; {sum(1 for r in records if r[1] == 'decide')} decisions POSTed")
    print(f"  sign-in (not in the figures; scrypt per sign-in): median {pct(signin_s, 50) * 1000:.0f} ms, "
          f"max {max(signin_s) * 1000:.0f} ms for {len(signin_s)} analysts signing in at once")
    figures = table(records, "latency (from request sent to last byte read)")
    late = [ms for res in results for ms in res["late"]]
    if late:
        print(f"  client wake-up delay after think time (GIL and CPU on the client side): p50 {pct(late, 50):.1f} / "
              f"p95 {pct(late, 95):.1f} / max {max(late):.1f} ms")
    p95_all = figures.get("all", (0, 0, float("nan")))[2]
    if base.get("all"):
        print(f"  ratio p95 {args.analysts} analysts / 1 analyst (same process, same run): "
              + "; ".join(f"{k} {figures[k][2] / base[k][2]:.2f} ({figures[k][2]:.1f} / {base[k][2]:.1f} ms)"
                          for k in ("all", "page", "decide") if k in figures and k in base))

    # Import overlap, and latency while it ran and after.
    if importer is not None:
        i0, i1 = import_times["start"], import_times["end"]
        w0, w1 = monitor.writes()
        overlap = max(0.0, min(i1, t_end) - max(i0, t_start))
        print()
        tail = import_log.read_text(errors="replace").strip().splitlines()
        summary = next((line for line in reversed(tail) if " added, " in line), tail[-1] if tail else "")
        print(f"Import: exit {importer.returncode}; {summary}")
        print(f"  process from {i0 - t_start:+.1f} s to {i1 - t_start:+.1f} s of the load phase ({i1 - i0:.1f} s); "
              f"articles written from {(w0 - t_start) if w0 else float('nan'):+.1f} s to "
              f"{(w1 - t_start) if w1 else float('nan'):+.1f} s")
        print(f"  overlap with the load phase: {overlap:.1f} s of {elapsed:.1f} s ({overlap / elapsed:.0%})")
        during = [r for r in records if i0 <= r[0] < i1]
        after = [r for r in records if r[0] >= i1]
        if during:
            table(during, f"while the import process ran ({len(during)} requests)")
        if w0 and w1:
            writing = [r for r in records if w0 <= r[0] <= w1]
            if writing:
                table(writing, f"while it was writing articles ({len(writing)} requests)")
        if after:
            table(after, f"after it ended ({len(after)} requests)")
        if w0 and w1:
            waits = [ms for t, ms in monitor.lock_waits if w0 <= t <= w1]
            idle = [ms for t, ms in monitor.lock_waits if not w0 <= t <= w1]
            if waits:
                print(f"  SQLite write lock (BEGIN IMMEDIATE probed every 0.25 s): wait while the import wrote "
                      f"p50 {pct(waits, 50):.1f} / p95 {pct(waits, 95):.1f} / max {max(waits):.1f} ms over "
                      f"{len(waits)} probes" + (f"; otherwise p95 {pct(idle, 95):.1f} ms" if idle else ""))

    print()
    cpu_server, cpu_import = monitor.cpu_seconds("server"), monitor.cpu_seconds("import")
    span = monitor.t1 - monitor.t0
    capacity = span * (os.cpu_count() or 1)
    other = max(0.0, monitor.busy() * capacity - cpu_server - cpu_import - client_cpu)
    print(f"CPU during the load phase ({span:.1f} s x {os.cpu_count()} CPUs = {capacity:.0f} CPU-s): machine busy "
          f"{monitor.busy():.0%}; server (gunicorn + job worker) {cpu_server:.1f} CPU-s "
          f"({cpu_server / max(1, len(records)) * 1000:.1f} ms a request), import {cpu_import:.1f} CPU-s, client "
          f"{client_cpu:.1f} CPU-s, other processes on the machine {other:.1f} CPU-s")

    print()
    by_status = Counter((e[0], e[1]) for e in errors)
    print(f"Errors: {len(errors)}" + (": " + ", ".join(f"{k} {s}: {n}" for (k, s), n in sorted(
        by_status.items(), key=str)) if errors else ""))
    for e in errors[:10]:
        print(f"  {e[0]} {e[1]} {e[2]}: {e[3][:160]}")
    if baseline and baseline["errors"]:
        print(f"  baseline errors: {len(baseline['errors'])}: {baseline['errors'][:3]}")

    everyone = results + [warm] + ([baseline] if baseline else [])
    acked = [c for res in everyone for c in res["acked"]]
    unknown = [c for res in everyone for c in res["unknown"]]
    sent = [c for res in everyone for c in res["sent"]]
    acked_set = set(acked)
    lost = sorted(c for c in acked_set if stored.get(c, 0) == 0)
    duplicated = sorted(c for c, n in stored.items() if n > 1)
    unacked_stored = sorted(c for c in stored if c not in acked_set)
    refused_sent = [c for c in sent if c not in acked_set and c not in set(unknown)]
    print()
    print(f"Decisions (comments 'load ...', warm-up and baseline included): POSTed {len(sent)}, acknowledged "
          f"{len(acked)}, refused {len(refused_sent)}, no answer {len(unknown)}; stored {sum(stored.values())} rows "
          f"({len(stored)} distinct); lost {len(lost)}, duplicated {len(duplicated)}, stored without "
          f"acknowledgement {len(unacked_stored)}")
    for c in (lost + duplicated + unacked_stored)[:10]:
        print(f"  {c!r}: stored {stored.get(c, 0)} time(s), {'acknowledged' if c in acked_set else 'not acknowledged'}")
    print(f"Database: integrity_check {', '.join(dbinfo['integrity'])}; {dbinfo['decisions']} decisions; "
          f"{dbinfo['articles']} articles; runs {dict(dbinfo['runs'])}; jobs {dbinfo['jobs'] or 'none'}; "
          f"watchlist versions {len(dbinfo['versions'])}; server exit {server_rc}")
    server_text = server_log.read_text(errors="replace")
    tracebacks = server_text.count("Traceback")
    worker_timeouts = server_text.count("WORKER TIMEOUT")
    print(f"Server log: {tracebacks} tracebacks, {worker_timeouts} worker timeouts")
    print(f"P95_MS={p95_all:.1f} ERRORS={len(errors)} LOST={len(lost)} DUPLICATED={len(duplicated)}")


if __name__ == "__main__":
    sys.exit(main())
