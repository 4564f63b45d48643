"""Batch screening on a Dask cluster (issue 18): the same run as on this machine, whatever happens to a worker.

A real ``distributed.LocalCluster`` of worker processes (each imports the engine and receives the index once); the
client file is the messy fixture (empty and digits-only names, odd dates, misspelt listed names) against the
sample article plus the fixture sanctions list, cut into partitions of a few rows so that many partitions run.
"""
from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

distributed = pytest.importorskip("distributed")

import test_monitor  # noqa: E402
from screening.cli import cli  # noqa: E402
from screening.service import cluster, ingest, monitor, screen  # noqa: E402
from screening.store import db as dbmod  # noqa: E402
from screening.service.matching import index_bytes  # noqa: E402
from screening.store import runs  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
CLIENTS = FIXTURES / "clients" / "messy_batch.csv"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def local_cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=40) as lc:
        yield lc


def _stored(db, run_id):
    return ([(r["row"], r["status"], r["reason"], r["hit_count"], r["best_score"]) for r in runs.iter_rows(db, run_id)],
            [(h["row"], h["rank"], h["entity_id"], h["score"], h["alert_class"]) for h in runs.iter_hits(db, run_id)])


def _summary(db, run_id):
    run = runs.get_run(db, run_id)
    return {k: run[k] for k in ("status", "rows_total", "screened", "not_screened", "rows_with_hits", "hits",
                                "threshold", "watchlist_version", "algorithm")}


def test_a_run_on_the_cluster_stores_what_a_local_run_stores(crm_db, local_cluster, monkeypatch, tmp_path):
    monkeypatch.setattr(cluster, "PARTITION_ROWS", 4)
    prepared = screen.prepare(CLIENTS)
    seen: list[int] = []
    local = screen.screen(crm_db, prepared, actor="test", processes=1)
    on_cluster = screen.screen(crm_db, prepared, actor="test", cluster=local_cluster.scheduler_address,
                               progress=lambda done, total: seen.append(done))
    assert _summary(crm_db, on_cluster) == _summary(crm_db, local)
    assert _summary(crm_db, on_cluster)["status"] == "completed"
    assert _stored(crm_db, on_cluster) == _stored(crm_db, local)
    assert _stored(crm_db, on_cluster)[1], "the fixture has hits"
    # The Excel reports hold the same records, hits and rows not screened (the run's id and times differ).
    sheets = []
    for run_id in (local, on_cluster):
        path = tmp_path / f"run{run_id}.xlsx"
        screen.write_run_report(crm_db, run_id, path, actor="test")
        wb = openpyxl.load_workbook(path, read_only=True)
        got = {}
        for name in ("Records", "Hits", "Not screened"):
            rows = [list(r) for r in wb[name].iter_rows(values_only=True)]
            own = [i for i, h in enumerate(rows[0]) if h == "Hit ID"]      # each run's own hit numbers
            got[name] = [[v for i, v in enumerate(r) if i not in own] for r in rows]
        sheets.append(got)
        wb.close()
    assert sheets[0] == sheets[1] and len(sheets[0]["Hits"]) > 1
    # Progress as partitions finish: several steps, never backwards, ending at every row.
    assert len(seen) >= 3 and seen == sorted(seen) and seen[-1] == len(prepared.clients)


def test_each_worker_gets_the_index_once(crm_db, local_cluster, monkeypatch):
    monkeypatch.setattr(cluster, "PARTITION_ROWS", 3)
    prepared = screen.prepare(CLIENTS)
    with distributed.Client(local_cluster.scheduler_address, set_as_default=False) as client:
        for _ in range(2):
            screen.screen(crm_db, prepared, actor="test", cluster=local_cluster.scheduler_address)
        sha = index_bytes(crm_db, 0.0).sha256
        plugins = [n for n in client.run_on_scheduler(cluster._plugins_on) if n.startswith(cluster.PLUGIN_PREFIX)]
        assert plugins == [cluster.PLUGIN_PREFIX + sha[:32]]          # one plugin, this version's
        loaded = client.run(lambda: sorted(cluster._INDEXES))
        assert all(v == [sha] for v in loaded.values()) and len(loaded) == 2


def test_a_worker_killed_mid_run_still_gives_every_row_once(crm_db, monkeypatch):
    monkeypatch.setattr(cluster, "PARTITION_ROWS", 2)
    prepared = screen.prepare(CLIENTS)
    local = screen.screen(crm_db, prepared, actor="test", processes=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=50) as lc, \
            distributed.Client(lc.scheduler_address, set_as_default=False) as client:
        pids = client.run(os.getpid)
        victim = sorted(pids.values())[0]
        killed = threading.Event()

        def progress(done, total):
            if not killed.is_set():           # the first partition is back: kill a worker under the others
                killed.set()
                os.kill(victim, signal.SIGKILL)

        run_id = screen.screen(crm_db, prepared, actor="test", cluster=lc.scheduler_address, progress=progress)
    assert killed.is_set()
    assert _summary(crm_db, run_id) == _summary(crm_db, local)
    rows, hits = _stored(crm_db, run_id)
    assert [r[0] for r in rows] == sorted({r[0] for r in rows})          # every row once, in order
    assert (rows, hits) == _stored(crm_db, local)


def test_an_unreachable_scheduler_fails_the_run_in_words(crm_db, monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 1)
    prepared = screen.prepare(CLIENTS)
    with pytest.raises(screen.RunFailed, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9") as exc:
        screen.screen(crm_db, prepared, actor="test", cluster="tcp://127.0.0.1:9")
    run = runs.get_run(crm_db, exc.value.run_id)
    assert run["status"] == "failed" and "cannot reach the Dask scheduler" in run["error"]


def test_a_scheduler_that_goes_away_fails_the_run_never_half_complete(crm_db, tmp_path, monkeypatch):
    """A real scheduler and worker started by their own commands (`dask scheduler`, `dask worker`), the scheduler
    killed once the first partition is back."""
    monkeypatch.setattr(cluster, "PARTITION_ROWS", 1)
    port = _free_port()
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    sched = subprocess.Popen([*dask, "--port", str(port), "--dashboard-address", ":0", "--no-show"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", f"tcp://127.0.0.1:{port}",
                               "--nthreads", "1", "--no-nanny", "--no-dashboard"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with distributed.Client(f"tcp://127.0.0.1:{port}", timeout=30, set_as_default=False) as c:
            c.wait_for_workers(1, timeout=60)

        def progress(done, total):
            if sched.poll() is None:
                sched.send_signal(signal.SIGKILL)
                sched.wait()

        prepared = screen.prepare(CLIENTS)
        with pytest.raises(screen.RunFailed, match="Dask scheduler") as exc:
            screen.screen(crm_db, prepared, actor="test", cluster=f"tcp://127.0.0.1:{port}", progress=progress)
        run = runs.get_run(crm_db, exc.value.run_id)
        assert run["status"] == "failed" and "Dask scheduler" in run["error"]
        assert run["screened"] + run["not_screened"] < run["rows_total"]
    finally:
        for p in (worker, sched):
            p.kill()
            p.wait()


def test_the_screen_command_takes_a_cluster(crm_db, local_cluster, monkeypatch):
    monkeypatch.setattr(cluster, "PARTITION_ROWS", 5)
    db_file = crm_db.execute("PRAGMA database_list").fetchone()[2]
    result = CliRunner().invoke(cli, ["--db", db_file, "screen", str(CLIENTS), "--cluster",
                                      local_cluster.scheduler_address])
    assert result.exit_code == 3, result.output          # 3: rows without a usable name, reported
    assert "screening on the Dask cluster at tcp://" in result.output
    assert "25 rows, 20 screened, 5 not screened" in result.output


def test_the_scheduler_setting_sends_runs_to_the_cluster(crm_db, local_cluster, monkeypatch):
    monkeypatch.setenv("SCREENING_DASK_SCHEDULER", local_cluster.scheduler_address)
    sent = []
    real = cluster.screen_rows_cluster
    monkeypatch.setattr(cluster, "screen_rows_cluster", lambda *a, **k: sent.append(1) or real(*a, **k))
    run_id = screen.screen(crm_db, screen.prepare(CLIENTS), actor="test")
    assert sent and runs.get_run(crm_db, run_id)["status"] == "completed"


def test_without_a_cluster_nothing_imports_dask(tmp_path):
    code = ("import sys\n"
            "from screening.service import ingest, screen\n"
            "from screening.store import db as dbmod\n"
            "import web, screening.cli.screen\n"
            f"db = dbmod.connect({str(tmp_path / 'x.db')!r})\n"
            "ingest.ingest_sample(db)\n"
            f"screen.screen(db, screen.prepare({str(CLIENTS)!r}), actor='t', processes=1)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "SCREENING_DASK_SCHEDULER": ""}, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_monitoring_on_the_cluster_raises_what_it_raises_here(sample_copy, tmp_path, local_cluster, monkeypatch):
    """A delta re-screen (a matcher of the entities one article changed, built in memory and sent as bytes) and a
    full re-run, on the cluster: the same alerts as on this machine."""
    def pairs(db, run_id):
        return sorted((h["client_name"], h["entity_id"], h["score"]) for h in runs.iter_hits(db, run_id))

    sent = []
    real = cluster.screen_rows_cluster
    monkeypatch.setattr(cluster, "screen_rows_cluster", lambda *a, **k: sent.append(a[1].version) or real(*a, **k))
    results = []
    for where in ("", local_cluster.scheduler_address):
        path = tmp_path / f"m{len(results)}.db"
        path.write_bytes(sample_copy.read_bytes())
        db = dbmod.connect(path)
        monkeypatch.setenv("SCREENING_DASK_SCHEDULER", "")
        clients = tmp_path / "clients.csv"
        clients.write_text(test_monitor.CLIENTS, encoding="utf-8")
        monitor.add_run(db, screen.screen(db, screen.prepare(clients), actor="ana", processes=1), "ana")
        article = tmp_path / "article.json"
        article.write_text(json.dumps(test_monitor.ARTICLE), encoding="utf-8")
        ingest.ingest(db, [article])
        monkeypatch.setenv("SCREENING_DASK_SCHEDULER", where)
        delta = monitor.rescreen(db, "ana")
        full = monitor.rescreen(db, "ana", full=True)
        results.append((pairs(db, delta["run_id"]), pairs(db, full["run_id"]), delta["alerts"], full["alerts"]))
        db.close()
    assert results[0] == results[1]
    assert results[0][0], "the article raises an alert"
    assert len(sent) == 2 and sent[0] is None and sent[1] is not None   # the delta's matcher, then the version's


def test_the_web_apps_jobs_use_the_cluster_setting(signed_in, web_app, run_jobs, tmp_path, local_cluster,
                                                   monkeypatch):
    """An article uploaded on the web is read on the cluster, and the monitoring job it queues screens there."""
    db = dbmod.connect(web_app.config["DB_PATH"])
    clients = tmp_path / "clients.csv"
    clients.write_text(test_monitor.CLIENTS, encoding="utf-8")
    monitor.add_run(db, screen.screen(db, screen.prepare(clients), actor="ana", processes=1), "ana")
    db.close()
    used = []
    for name in ("map_in_order", "screen_rows_cluster"):
        real = getattr(cluster, name)
        monkeypatch.setattr(cluster, name, lambda *a, _real=real, _name=name, **k: used.append(_name) or
                            _real(*a, **k))
    monkeypatch.setenv("SCREENING_DASK_SCHEDULER", local_cluster.scheduler_address)
    analyst = signed_in("analyst")
    res = analyst.post("/watchlist/add", data={"csrf_token": analyst.csrf, "source": "",
                                               "files": [(io.BytesIO(json.dumps(test_monitor.ARTICLE).encode()),
                                                          "a.json")]}, content_type="multipart/form-data")
    assert res.status_code == 302
    imported, rescreened = run_jobs()
    assert imported["status"] == "done" and rescreened["status"] == "done", (imported["error"], rescreened["error"])
    assert rescreened["result"]["alerts"] >= 1
    assert used[0] == "map_in_order" and "screen_rows_cluster" in used
