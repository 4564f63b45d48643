"""Concurrency load: analysts deciding, uploaders queueing screening runs (web and API), reviewers approving and an
article import, all at once against gunicorn; then the database is checked.

    python benchmarks/concurrency_load.py [--duration 60] [--analysts 10] [--uploaders 4] [--reviewers 2]
                                          [--upload-rows 40] [--upload-pause 0.5] [--import web|cli|none]
                                          [--import-files 48] [--drain 120] [--rows 1500] [--keep] [--seed 5]

Everything on loopback, in a temporary folder, bounded in time. The helpers come from ``web_load.py`` (setup of
the database and its screened run, the server ``screening serve --workers 2`` on a free port and its stop, the
browser-like ``Analyst`` client, the CPU and write-lock ``Monitor``, percentiles, the decision count).

1. Setup (``web_load.setup``): the sample and the OFAC SDN list, a ``--rows`` client list screened once (its hits
   are what the analysts decide on); then accounts: ``--analysts`` analysts, ``--uploaders`` uploaders (analyst
   role: may screen), ``--reviewers`` reviewers, one importer; an API token for each uploader
   (``screening.accounts.create_token``), all before the server starts.
2. Load, for ``--duration`` s, at the same time:
   a. analysts as in web_load: run page, hits table, hit page, a decision POSTed (comment ``load analyst-N #k``);
   b. uploaders, each in a loop: the web flow (GET /upload, POST /upload with a ``--upload-rows`` CSV slice of the
      client list, POST /upload/mapping with the preview's hidden fields and selected columns and action=start, the
      job page followed), then ``POST /api/runs`` with the bearer token; a pause of ``--upload-pause`` s between
      uploads; the job ids acknowledged (302 to /jobs/N, 202 with job_id) are kept;
   c. reviewers: /approvals, a pending decision by someone else picked at random, its hit page (the approve form
      and its CSRF token), POST /decisions/N/approve (comment ``approve reviewer-N #k``, next=approvals), the
      redirect followed: its flash says whether the approval was recorded or refused (approved already by the
      other reviewer, replaced by a later decision);
   d. an import: ``--import web`` POSTs ``--import-files`` BBC business articles to /watchlist/add (a job in the
      same queue as the runs), ``--import cli`` runs ``screening watchlist add FILES`` as a concurrent process.
3. Drain: up to ``--drain`` s for the queued jobs to finish (the server still up), then the server is stopped.
4. Checks on the database: every decision and approval acknowledged stored exactly once (and none stored without
   acknowledgement), every job acknowledged present once, every run completed or failed with a reason, jobs left
   queued or running, ``PRAGMA integrity_check``, ``screening.audit.verify``.

Printed: throughput (requests/s; runs completed per minute), p50/p95/p99/max latency per request kind (page,
decision, approval, upload, API upload...), errors by kind and status, CPU of the server, the import, this client
and other processes, and last ``P95_MS=... ERRORS=... LOST=... DUPLICATED=... RUNS_STUCK=... INTEGRITY=ok``.
"""
from __future__ import annotations

import argparse
import csv
import html
import io
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from web_load import (
    BBC_BUSINESS,
    CSRF_RE,
    PASSWORD,
    THINK,
    TIMEOUT_S,
    Analyst,
    Monitor,
    count_decisions,
    log,
    pct,
    setup,
    start_server,
    stop_group,
)

UPLOAD_THINK = (0.2, 0.8)
JOB_RE = re.compile(r"/jobs/(\d+)")
IMPORT_JOB_RE = re.compile(r"/(?:jobs|imports)/(\d+)")
HIDDEN_RE = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
SELECT_RE = re.compile(r'<select id="column-([a-z_]+)" name="column-[a-z_]+">(.*?)</select>', re.DOTALL)
SELECTED_RE = re.compile(r'<option value="([^"]*)" selected>')
NUMBER_RE = re.compile(r'<input type="number" name="(threshold|hit_limit)" value="([^"]*)"')
APPROVAL_ROW_RE = re.compile(r"<tr>\s*<td>(\d+)</td>\s*<td>.*?</td>\s*<td>([^<]*)</td>.*?/hits/(\d+)\"", re.DOTALL)
FLASH_RE = re.compile(r'<p class="flash (\w+)" role="status">([^<]*)</p>')
# Request kinds, grouped for the table: GETs are "page"; the rest are the writes.
WRITE_KINDS = {"decide": "decision", "approve": "approval", "upload": "upload", "start": "upload",
               "api": "API upload", "import": "import"}


def multipart(fields: dict, files: list[tuple[str, str, bytes, str]]) -> tuple[bytes, str]:
    """Encode a multipart/form-data body as a browser does; return it and its Content-Type."""
    boundary = "----concurrency-load-" + uuid.uuid4().hex
    out = io.BytesIO()
    for k, v in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    for field, name, data, ctype in files:
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
                  f"Content-Type: {ctype}\r\n\r\n".encode())
        out.write(data)
        out.write(b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def path_of(location: str) -> str:
    target = urllib.parse.urlsplit(location)
    return target.path + (f"?{target.query}" if target.query else "")


class Uploader(Analyst):
    """Uploads slices of the client list, alternately through the web flow and the API; keeps the job ids."""

    def __init__(self, name, host, seed, token: str, slices: list[bytes], pause: float):
        super().__init__(name, host, 0, seed, [], name)
        self.token, self.slices, self.pause = token, slices, pause
        self.acked_jobs: list[tuple[int, str]] = []      # (job id, "web" | "api")
        self.unknown_uploads = 0
        self.refused_uploads: list[str] = []
        self.until = 0.0

    def think(self) -> None:
        time.sleep(self.rng.uniform(*UPLOAD_THINK))

    def _file(self) -> tuple[str, bytes]:
        self.n += 1
        return f"{self.name}-{self.n}.csv", self.rng.choice(self.slices)

    def web_upload(self) -> None:
        status, text, _ = self.request("upload-form", "GET", "/upload")
        token = CSRF_RE.search(text or "")
        if status != 200 or not token:
            return
        self.think()
        name, data = self._file()
        body, ctype = multipart({"csrf_token": html.unescape(token.group(1)), "sheet": "", "threshold": "",
                                 "hit_limit": ""}, [("file", name, data, "text/csv")])
        status, text, _ = self.request("upload", "POST", "/upload", body=body, headers={"Content-Type": ctype})
        if status != 200:
            if status is None:
                self.unknown_uploads += 1
            return
        form = {k: html.unescape(v) for k, v in HIDDEN_RE.findall(text)}
        for field, options in SELECT_RE.findall(text):
            chosen = SELECTED_RE.search(options)
            form[f"column-{field}"] = html.unescape(chosen.group(1)) if chosen else ""
        form.update({k: html.unescape(v) for k, v in NUMBER_RE.findall(text)})
        form["action"] = "start"
        self.think()
        status, text, headers = self.request("start", "POST", "/upload/mapping", form)
        if status is None:
            self.unknown_uploads += 1
            return
        location = headers.get("Location") or headers.get("location") or ""
        found = JOB_RE.search(location)
        if status in (302, 303) and found:
            self.acked_jobs.append((int(found.group(1)), "web"))
            self.request("job", "GET", path_of(location))
        else:
            self.refused_uploads.append(f"web {status}: {' '.join(text[:200].split())}")

    def api_upload(self) -> None:
        name, data = self._file()
        body, ctype = multipart({"threshold": "", "hit_limit": ""}, [("file", name, data, "text/csv")])
        saved, self.cookies = self.cookies, {}               # the API takes the bearer token only, no cookie
        try:
            status, text, _ = self.request("api", "POST", "/api/runs", body=body, headers={
                "Content-Type": ctype, "Authorization": f"Bearer {self.token}", "Accept": "application/json"})
        finally:
            self.cookies = saved
        if status is None:
            self.unknown_uploads += 1
        elif status == 202:
            self.acked_jobs.append((int(json.loads(text)["job_id"]), "api"))
        else:
            self.refused_uploads.append(f"api {status}: {' '.join(text[:200].split())}")

    def loop(self, until: float) -> None:
        self.until = until
        super().loop(until)

    def rest(self) -> bool:
        """The pause between uploads, cut short at the end of the load phase; whether time is left."""
        time.sleep(max(0.0, min(self.pause * self.rng.uniform(0.5, 1.5), self.until - time.monotonic())))
        return time.monotonic() < self.until

    def iteration(self) -> None:
        self.web_upload()
        if self.rest():
            self.api_upload()
            self.rest()

    def result(self) -> dict:
        return {**super().result(), "jobs": self.acked_jobs, "unknown_uploads": self.unknown_uploads,
                "refused_uploads": self.refused_uploads}


class Reviewer(Analyst):
    """Approves pending decisions by others from /approvals, through the hit page's approve form."""

    def __init__(self, name, host, seed):
        super().__init__(name, host, 0, seed, [], name)
        self.refused: list[str] = []          # flash messages of approvals the server refused (a 302 all the same)
        self.idle = 0

    def iteration(self) -> None:
        status, text, _ = self.request("approvals", "GET", "/approvals")
        rows = [(int(d), actor.strip(), int(h)) for d, actor, h in APPROVAL_ROW_RE.findall(text or "")
                if actor.strip().casefold() != self.name.casefold()]
        if not rows:
            self.idle += 1
            time.sleep(self.rng.uniform(0.5, 1.0))
            return
        self.think()
        decision_id, _actor, hit_id = self.rng.choice(rows)
        status, text, _ = self.request("hit", "GET", f"/hits/{hit_id}")
        if status != 200:
            return
        if f"/decisions/{decision_id}/approve" not in text:
            self.refused.append(f"decision {decision_id}: no approve form on the hit page any more")
            self.think()
            return
        token = CSRF_RE.findall(text)
        self.think()
        self.n += 1
        comment = f"approve {self.tag} #{self.n}"
        self.sent.append(comment)
        status, text, headers = self.request("approve", "POST", f"/decisions/{decision_id}/approve", {
            "csrf_token": html.unescape(token[-1]) if token else "", "comment": comment, "next": "approvals"})
        if status is None:
            self.unknown.append(comment)
            return
        location = headers.get("Location") or headers.get("location")
        if status not in (301, 302, 303) or not location:
            return
        # The verdict's outcome is in the flash shown by the page the redirect leads to.
        status, text, _ = self.request("approvals", "GET", path_of(location))
        flashes = FLASH_RE.findall(text or "")
        if any(c == "info" and f"Decision {decision_id} (" in m and m.endswith("approved.") for c, m in flashes):
            self.acked.append(comment)
        elif flashes:
            self.refused.append(f"decision {decision_id}: " + "; ".join(html.unescape(m) for _c, m in flashes))
        else:
            self.unknown.append(comment)
        self.think()

    def result(self) -> dict:
        return {**super().result(), "refused": self.refused, "idle": self.idle}


class Importer(Analyst):
    """Posts the article files to /watchlist/add once (a job in the runs' queue)."""

    def __init__(self, name, host, files: list[Path]):
        super().__init__(name, host, 0, 0, [], name)
        self.files = files
        self.job: int | None = None

    def post(self) -> None:
        status, text, _ = self.request("import-form", "GET", "/watchlist/add")
        token = CSRF_RE.search(text or "")
        if status != 200 or not token:
            return
        body, ctype = multipart({"csrf_token": html.unescape(token.group(1)), "source": ""},
                                [("files", f.name, f.read_bytes(), "text/plain") for f in self.files])
        status, text, headers = self.request("import", "POST", "/watchlist/add", body=body,
                                             headers={"Content-Type": ctype})
        location = headers.get("Location") or headers.get("location") or ""
        found = IMPORT_JOB_RE.search(location)
        if status in (302, 303) and found:
            self.job = int(found.group(1))
        if self.conn is not None:
            self.conn.close()


# --- setup and load -------------------------------------------------------------------------------------------

def add_accounts(db: Path, uploaders: int, reviewers: int) -> dict[str, str]:
    """Uploaders (analysts, with an API token each), reviewers and an importer; return the uploaders' tokens."""
    from screening.store import accounts
    from screening.store import db as dbmod

    database = dbmod.connect(db)
    tokens = {}
    try:
        for i in range(1, uploaders + 1):
            user, _password = accounts.add_user(database, f"uploader-{i}", "analyst", password=PASSWORD,
                                                created_by="concurrency_load benchmark")
            tokens[f"uploader-{i}"] = accounts.create_token(database, user["id"], "concurrency_load",
                                                            actor="concurrency_load benchmark")[1]
        for i in range(1, reviewers + 1):
            accounts.add_user(database, f"reviewer-{i}", "reviewer", password=PASSWORD,
                              created_by="concurrency_load benchmark")
        accounts.add_user(database, "importer", "analyst", password=PASSWORD, created_by="concurrency_load benchmark")
        database.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        database.close()
    return tokens


def client_slices(clients: Path, rows: int, count: int, seed: int) -> list[bytes]:
    """``count`` CSV files of ``rows`` rows each, cut at random places of the setup's client list."""
    with open(clients, newline="", encoding="utf-8") as fh:
        header, *body = list(csv.reader(fh))
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        start = rng.randrange(0, max(1, len(body) - rows))
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(header)
        w.writerows(body[start:start + rows])
        out.append(buf.getvalue().encode("utf-8"))
    return out


def db_state(db: Path) -> dict:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return {"jobs": dict(con.execute("SELECT status, count(*) FROM jobs GROUP BY 1").fetchall()),
                "completed": con.execute("SELECT count(*) FROM runs WHERE status = 'completed' AND job_id IS NOT NULL"
                                         ).fetchone()[0]}
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of the load phase")
    ap.add_argument("--analysts", type=int, default=10)
    ap.add_argument("--uploaders", type=int, default=4)
    ap.add_argument("--reviewers", type=int, default=2)
    ap.add_argument("--upload-rows", type=int, default=40, help="rows of each uploaded client list")
    ap.add_argument("--upload-pause", type=float, default=0.5, help="seconds (0.5x-1.5x) between an uploader's "
                                                                     "uploads")
    ap.add_argument("--import", dest="import_mode", choices=("web", "cli", "none"), default="web")
    ap.add_argument("--import-files", type=int, default=48, help="BBC business articles imported")
    ap.add_argument("--import-at", type=float, default=0.0, help="seconds into the load phase the import starts")
    ap.add_argument("--drain", type=float, default=120.0, help="at most this many seconds for queued jobs after "
                                                              "the load")
    ap.add_argument("--rows", type=int, default=1500, help="client list screened at setup")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (printed)")
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args(argv)

    def on_term(signum, frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, on_term)
    folder = Path(tempfile.mkdtemp(prefix="concurrency_load-"))
    server = importer = None
    try:
        log(f"setup in {folder}")
        info = setup(folder, args.rows, args.analysts, args.seed)
        db, run_id = info["db"], info["run_id"]
        tokens = add_accounts(db, args.uploaders, args.reviewers)
        con = sqlite3.connect(db)
        hit_ids = [h for (h,) in con.execute("SELECT id FROM hits WHERE run_id = ? ORDER BY id", [run_id])]
        con.close()
        slices = client_slices(folder / "clients.csv", args.upload_rows, 16, args.seed)
        articles = sorted(BBC_BUSINESS.glob("*.txt"))[:args.import_files]
        server, host, server_log = start_server(folder, db)
        log(f"server on http://{host}/ (pid {server.pid})")

        analysts = [Analyst(f"analyst-{i}", host, run_id, args.seed * 1000 + i, hit_ids, f"analyst-{i}")
                    for i in range(1, args.analysts + 1)]
        uploaders = [Uploader(f"uploader-{i}", host, args.seed * 2000 + i, tokens[f"uploader-{i}"], slices,
                              args.upload_pause) for i in range(1, args.uploaders + 1)]
        reviewers = [Reviewer(f"reviewer-{i}", host, args.seed * 3000 + i) for i in range(1, args.reviewers + 1)]
        web_importer = Importer("importer", host, articles) if args.import_mode == "web" else None
        clients = [*analysts, *uploaders, *reviewers] + ([web_importer] if web_importer else [])
        log(f"signing in {len(clients)} users")
        signin_s = []
        for c in clients:                   # one after another: scrypt, and the sign-in throttle per address
            signin_s.append(c.sign_in())

        sessions = {"server": server.pid, "import": None}
        monitor = Monitor(db, sessions)
        import_log = folder / "import.log"
        import_info: dict = {}

        def start_import() -> None:
            nonlocal importer
            time.sleep(args.import_at)
            import_info["start"] = time.monotonic()
            if web_importer is not None:
                log(f"import: POST /watchlist/add with {len(articles)} BBC business articles")
                web_importer.post()
            elif args.import_mode == "cli":
                with open(import_log, "wb") as fh:
                    importer = subprocess.Popen([sys.executable, "-m", "screening.cli", "--db", str(db), "watchlist",
                                                 "add", *map(str, articles)], stdout=fh, stderr=subprocess.STDOUT,
                                                cwd=folder, start_new_session=True,
                                                env=dict(os.environ, PYTHONUNBUFFERED="1"))
                sessions["import"] = importer.pid
                log(f"import: screening watchlist add ({len(articles)} files), pid {importer.pid}")

        log(f"load: {args.analysts} analysts, {args.uploaders} uploaders, {args.reviewers} reviewers, import "
            f"{args.import_mode}, {args.duration:.0f} s")
        before = db_state(db)
        monitor.begin()
        cpu0 = time.process_time()
        t_start = time.monotonic()
        until = t_start + args.duration
        threads = [threading.Thread(target=c.loop, args=(until,), daemon=True)
                   for c in [*analysts, *uploaders, *reviewers]]
        if args.import_mode != "none":
            threads.append(threading.Thread(target=start_import, daemon=True))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        t_end = time.monotonic()
        client_cpu = time.process_time() - cpu0
        monitor.end_cpu()
        at_end = db_state(db)
        log(f"load finished: jobs {at_end['jobs']}; draining (at most {args.drain:.0f} s)")
        drain_end = time.monotonic() + args.drain
        while True:
            state = db_state(db)
            busy = state["jobs"].get("queued", 0) + state["jobs"].get("running", 0)
            import_running = importer is not None and importer.poll() is None
            if (not busy and not import_running) or time.monotonic() > drain_end:
                break
            time.sleep(0.5)
        t_drained = time.monotonic()
        log(f"drained in {t_drained - t_end:.1f} s: jobs {state['jobs']}; stopping the server")
        stop_group(server)
        server_rc = server.returncode
        if importer is not None and importer.poll() is None:
            log("the CLI import still runs: waiting for it")
            importer.wait(600)
        monitor.end()
        report(args, info, host, server_log, server_rc, db, analysts, uploaders, reviewers, web_importer, importer,
               import_log, import_info, signin_s, monitor, client_cpu, t_start, t_end, t_drained, before, at_end,
               state)
        return 0
    finally:
        stop_group(server)
        stop_group(importer, wait=5)
        if args.keep:
            print(f"kept: {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)


# --- figures and checks ---------------------------------------------------------------------------------------

def group(kind: str) -> str:
    return WRITE_KINDS.get(kind, "page")


def latency_table(records: list[tuple]) -> dict:
    by: dict[str, list[float]] = defaultdict(list)
    for _t, kind, _status, ms in records:
        by[group(kind)].append(ms)
        by[f"  {kind}"].append(ms)
        by["all"].append(ms)
    order = ["page", *[f"  {k}" for k in ("run", "hits", "hit", "approvals", "upload-form", "job", "import-form",
                                          "other")],
             "decision", "approval", "upload", "  upload", "  start", "API upload", "import", "all"]
    print(f"    {'kind':<14} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    out = {}
    for kind in order:
        v = by.get(kind)
        if not v:
            continue
        out[kind.strip()] = (len(v), pct(v, 50), pct(v, 95), pct(v, 99), max(v))
        print(f"    {kind:<14} {len(v):>6} {pct(v, 50):>8.1f} {pct(v, 95):>8.1f} {pct(v, 99):>8.1f} {max(v):>8.1f}")
    return out


def report(args, info, host, server_log, server_rc, db, analysts, uploaders, reviewers, web_importer, importer,
           import_log, import_info, signin_s, monitor, client_cpu, t_start, t_end, t_drained, before, at_end,
           drained) -> None:
    from screening.store import audit
    from screening.store import db as dbmod

    elapsed = t_end - t_start
    everyone = [*analysts, *uploaders, *reviewers] + ([web_importer] if web_importer else [])
    results = {c.name: c.result() for c in everyone}
    records = [r for res in results.values() for r in res["records"]]
    errors = [(name, *e) for name, res in results.items() for e in res["errors"]]
    print(f"Setup: {info['run_line']}")
    print(f"  watchlist {info['entities']:,} entities ({'sample + OFAC SDN 2021-07' if info['sdn'] else 'sample'}); "
          f"client list {args.rows:,} rows, run {info['run_id']}: {info['hits']:,} hits; setup {info['seconds']:.0f} s")
    print(f"  server: screening serve --workers 2 (gunicorn gthread 2 x 4 threads, one job worker) on {host}; "
          f"{os.cpu_count()} CPUs; clients: {args.analysts} analysts, {args.uploaders} uploaders ({args.upload_rows}-"
          f"row CSV, web then API, pause {args.upload_pause:g} s), {args.reviewers} reviewers, import "
          f"{args.import_mode} ({args.import_files} BBC business files at +{args.import_at:g} s); threads in one "
          f"process; think {THINK[0]}-{THINK[1]} s; timeout {TIMEOUT_S:.0f} s")
    print(f"  sign-in (one after another, not in the figures): median {pct(signin_s, 50) * 1000:.0f} ms")

    print()
    print(f"Load: {elapsed:.1f} s, {len(records)} requests, {len(records) / elapsed:.1f} req/s")
    figures = latency_table(records)

    # Jobs and runs
    acked_jobs = [(j, how, u.name) for u in uploaders for j, how in results[u.name]["jobs"]]
    web_jobs = sum(1 for _j, how, _n in acked_jobs if how == "web")
    completed_load = at_end["completed"] - before["completed"]
    completed_all = drained["completed"] - before["completed"]
    print()
    print(f"Screening jobs acknowledged: {len(acked_jobs)} ({web_jobs} web, {len(acked_jobs) - web_jobs} API); "
          f"uploads with no answer {sum(results[u.name]['unknown_uploads'] for u in uploaders)}, refused "
          f"{sum(len(results[u.name]['refused_uploads']) for u in uploaders)}")
    for u in uploaders:
        for r in results[u.name]["refused_uploads"][:3]:
            print(f"  refused: {r}")
    print(f"  queue at the end of the load phase: {at_end['jobs']}; after {t_drained - t_end:.1f} s of drain "
          f"(at most {args.drain:.0f}): {drained['jobs']}")
    print(f"  runs completed: {completed_load} during the load phase ({completed_load / elapsed * 60:.1f}/min), "
          f"{completed_all} in all by the end of the drain ({completed_all / (t_drained - t_start) * 60:.1f}/min "
          f"over {t_drained - t_start:.1f} s)")

    con = sqlite3.connect(db)
    try:
        jobs = {jid: (kind, status, error, result, actor) for jid, kind, status, error, result, actor in con.execute(
            "SELECT id, kind, status, error, result, actor FROM jobs")}
        runs = con.execute("SELECT id, status, error, job_id, rows_total, rows_done FROM runs").fetchall()
        approvals = Counter(c for (c,) in con.execute("SELECT comment FROM approvals WHERE comment LIKE 'approve %'"))
        approvals_n = con.execute("SELECT count(*) FROM approvals").fetchone()[0]
        pending = con.execute(
            "SELECT count(*) FROM decisions d WHERE d.needs_approval = 1 AND NOT EXISTS (SELECT 1 FROM approvals a "
            "WHERE a.decision_id = d.id) AND d.id = (SELECT max(id) FROM decisions WHERE hit_id = d.hit_id)"
        ).fetchone()[0]
        dup_verdicts = con.execute("SELECT count(*) FROM (SELECT decision_id FROM approvals GROUP BY 1 "
                                   "HAVING count(*) > 1)").fetchone()[0]
    finally:
        con.close()
    acked_ids = Counter(j for j, _h, _n in acked_jobs)
    jobs_lost = [j for j in acked_ids if j not in jobs]
    jobs_dup = [j for j, n in acked_ids.items() if n > 1]
    uploader_names = {u.name for u in uploaders}
    jobs_unacked = [j for j, v in jobs.items() if v[4] in uploader_names and j not in acked_ids]
    job_status = Counter((v[0], v[1]) for v in jobs.values())
    jobs_left = [j for j, v in jobs.items() if v[1] in ("queued", "running")]
    run_status = Counter(r[1] for r in runs)
    runs_running = [r for r in runs if r[1] not in ("completed", "failed")]
    runs_failed_no_reason = [r for r in runs if r[1] == "failed" and not (r[2] or "").strip()]
    failed_jobs = [(j, v[0], v[2]) for j, v in jobs.items() if v[1] == "failed"]
    done_without_run = []
    for j, v in jobs.items():
        if v[0] == "screen" and v[1] == "done":
            run = (json.loads(v[3]) if v[3] else {}).get("run_id")
            if not any(r[0] == run and r[1] == "completed" for r in runs):
                done_without_run.append(j)
    print(f"  jobs in the database: {dict(sorted(job_status.items()))}; acknowledged and missing {len(jobs_lost)}, "
          f"acknowledged twice {len(jobs_dup)}, stored without acknowledgement {len(jobs_unacked)}; done screen "
          f"jobs without a completed run {len(done_without_run)}")
    for j, kind, err in failed_jobs[:5]:
        print(f"  failed job {j} ({kind}): {(err or '')[:200]}")
    print(f"  runs: {dict(run_status)}; left running {len(runs_running)}; failed without a reason "
          f"{len(runs_failed_no_reason)}")

    # Import
    print()
    if web_importer is not None:
        job = jobs.get(web_importer.job) if web_importer.job else None
        outcome = (json.loads(job[3]).get("counts") if job and job[3] else None) if job else None
        print(f"Import (web, job {web_importer.job}, posted at +{import_info.get('start', t_start) - t_start:.1f} s):"
              f" {job[1] if job else 'not queued'}; {outcome or (job[2] if job else '')}")
    elif importer is not None:
        tail = import_log.read_text(errors="replace").strip().splitlines()
        summary = next((line for line in reversed(tail) if " added, " in line), tail[-1] if tail else "")
        print(f"Import (CLI): exit {importer.returncode}; {summary}")
    else:
        print("Import: none")
    w0, w1 = monitor.writes()
    if w0 and w1:
        waits = [ms for t, ms in monitor.lock_waits if w0 <= t <= w1]
        print(f"  articles written from {w0 - t_start:+.1f} s to {w1 - t_start:+.1f} s; SQLite write lock wait "
              f"meanwhile (BEGIN IMMEDIATE every 0.25 s) p50 {pct(waits, 50):.1f} / p95 {pct(waits, 95):.1f} / max "
              f"{max(waits) if waits else float('nan'):.1f} ms")
    waits_all = [ms for t, ms in monitor.lock_waits if t_start <= t <= t_end]
    if waits_all:
        print(f"  write lock wait over the load phase: p50 {pct(waits_all, 50):.1f} / p95 {pct(waits_all, 95):.1f} / "
              f"max {max(waits_all):.1f} ms ({len(waits_all)} probes)")

    # CPU
    cpu_server, cpu_import = monitor.cpu_seconds("server"), monitor.cpu_seconds("import")
    span = monitor.t1 - monitor.t0
    capacity = span * (os.cpu_count() or 1)
    other = max(0.0, monitor.busy() * capacity - cpu_server - cpu_import - client_cpu)
    print()
    print(f"CPU during the load phase ({span:.1f} s x {os.cpu_count()} CPUs = {capacity:.0f} CPU-s): machine busy "
          f"{monitor.busy():.0%}; server (gunicorn + job worker, web import included) {cpu_server:.1f} CPU-s, CLI "
          f"import {cpu_import:.1f} CPU-s, client {client_cpu:.1f} CPU-s, other processes on the machine "
          f"{other:.1f} CPU-s")

    # Errors
    print()
    by_status = Counter((group(e[1]), e[2]) for e in errors)
    print(f"Errors: {len(errors)}" + (": " + ", ".join(f"{k} {s}: {n}" for (k, s), n in sorted(
        by_status.items(), key=str)) if errors else ""))
    for e in errors[:12]:
        print(f"  {e[0]} {e[1]} {e[2]} {e[3]}: {e[4][:200]}")

    # Decisions and approvals
    stored, dbinfo = count_decisions(db)
    a_res = [results[a.name] for a in analysts]
    acked = Counter(c for r in a_res for c in r["acked"])
    sent = [c for r in a_res for c in r["sent"]]
    unknown = {c for r in a_res for c in r["unknown"]}
    lost_d = sorted(c for c in acked if stored.get(c, 0) == 0)
    dup_d = sorted(c for c, n in stored.items() if n > 1)
    unacked_d = sorted(c for c in stored if c not in acked)
    r_res = [results[r.name] for r in reviewers]
    acked_a = Counter(c for r in r_res for c in r["acked"])
    sent_a = [c for r in r_res for c in r["sent"]]
    unknown_a = {c for r in r_res for c in r["unknown"]}
    refused_a = [m for r in r_res for m in r["refused"]]
    lost_a = sorted(c for c in acked_a if approvals.get(c, 0) == 0)
    dup_a = sorted(c for c, n in approvals.items() if n > 1)
    unacked_a = sorted(c for c in approvals if c not in acked_a)
    print()
    print(f"Decisions: POSTed {len(sent)}, acknowledged {sum(acked.values())}, no answer {len(unknown)}; stored "
          f"{sum(stored.values())} rows ({len(stored)} distinct); lost {len(lost_d)}, duplicated {len(dup_d)}, "
          f"stored without acknowledgement {len(unacked_d)}")
    print(f"Approvals: POSTed {len(sent_a)}, recorded (flash) {sum(acked_a.values())}, refused {len(refused_a)} "
          f"(reviewer turned away before or after the POST), no answer {len(unknown_a)}; stored {sum(approvals.values())}"
          f" ({approvals_n} approvals in all); lost {len(lost_a)}, duplicated {len(dup_a)}, stored without "
          f"acknowledgement {len(unacked_a)}; decisions with two verdicts {dup_verdicts}; still pending {pending}")
    reasons = Counter(re.sub(r"\d+", "N", m.split(": ", 1)[-1])[:90] for m in refused_a)
    for m, n in reasons.most_common(4):
        print(f"  refused {n}x: {m}")
    for c in (lost_d + dup_d + unacked_d + lost_a + dup_a + unacked_a)[:10]:
        print(f"  {c!r}: stored {stored.get(c, approvals.get(c, 0))} time(s)")

    database = dbmod.connect(db, migrate_schema=False)
    try:
        verification = audit.verify(database)
    finally:
        database.close()
    integrity = ", ".join(dbinfo["integrity"])
    server_text = server_log.read_text(errors="replace")
    print(f"Database: integrity_check {integrity}; audit trail {verification.entries} entries, "
          f"{'ok' if verification.ok else 'BROKEN at ' + str(verification.broken_at) + ': ' + verification.problem}; "
          f"{dbinfo['articles']} articles; server exit {server_rc}")
    print(f"Server log: {server_text.count('Traceback')} tracebacks, {server_text.count('WORKER TIMEOUT')} worker "
          f"timeouts, {server_text.lower().count('database is locked')} 'database is locked'")

    p95_all = figures.get("all", (0, 0, float("nan")))[2]
    lost = len(lost_d) + len(lost_a) + len(jobs_lost)
    duplicated = len(dup_d) + len(dup_a) + len(jobs_dup) + dup_verdicts
    stuck = len(runs_running) + len(jobs_left)
    ok = integrity == "ok" and verification.ok
    print(f"P95_MS={p95_all:.1f} ERRORS={len(errors)} LOST={lost} DUPLICATED={duplicated} RUNS_STUCK={stuck} "
          f"INTEGRITY={'ok' if ok else 'FAILED'}")


if __name__ == "__main__":
    sys.exit(main())
