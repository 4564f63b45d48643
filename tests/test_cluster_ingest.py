"""Ingestion on a Dask cluster (issue 18 point 2): the same watchlist as an import on this machine.

A real ``distributed.LocalCluster`` of 2 worker processes cleans the articles, detects their language and runs the
model; this process stores. The folder: two English articles about one case (the second read with the first's
names known), one as HTML, an exact copy (a duplicate), a German article (refused), the French fixture and the
bundled DW sample article.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

distributed = pytest.importorskip("distributed")

from screening.cli import cli  # noqa: E402
from screening.service import cluster, ingest  # noqa: E402
from screening.store import db as dbmod  # noqa: E402
from watchlists import nlp  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("articles")
    for f in (FIXTURES / "cluster_articles").iterdir():
        if f.name != "README.md":
            shutil.copy(f, out / f.name)
    shutil.copy(FIXTURES / "french_news.txt", out / "04_french_news.txt")
    shutil.copy(ingest.sample_path(), out / "07_dw_sample.txt")
    return out


@pytest.fixture(scope="module")
def local_cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=40) as lc:
        yield lc


@pytest.fixture(scope="module")
def local_import(folder, tmp_path_factory):
    db = dbmod.connect(tmp_path_factory.mktemp("local") / "local.db")
    result = ingest.ingest(db, [folder], actor="test")
    yield db, result
    db.close()


def _entities(db) -> list[tuple]:
    """What a user sees of each entity: type, name, aliases, mentions, sources, risk categories, countries."""
    rows = db.query("SELECT e.id, e.type, e.name, e.scope, e.mention_count, e.source_count, e.risk_categories, "
                    "e.countries, e.relevance, (SELECT json_group_array(alias) FROM (SELECT alias FROM aliases a "
                    "WHERE a.entity_id = e.id ORDER BY alias)) AS aliases FROM entities e ORDER BY e.id")
    return [(r["type"], r["name"], r["scope"], json.loads(r["aliases"]), r["mention_count"], r["source_count"],
             r["risk_categories"], r["countries"], r["relevance"]) for r in rows]


def _mentions(db) -> list[tuple]:
    return [tuple(r.values()) for r in db.query(
        "SELECT m.entity_id, m.article_id, m.alias, m.excerpt, m.start, m.end, m.paragraph, m.sentence, m.kind, "
        "m.country, m.countries, m.risk_categories, m.triggers, m.stage, m.adverse, m.reporting, m.version "
        "FROM mentions m ORDER BY m.id")]


def _articles(db) -> list[tuple]:
    return [tuple(r.values()) for r in db.query(
        "SELECT id, url, title, source, author, site, published, language, text_hash, file_name, format, credits, "
        "duplicate_of, version FROM articles ORDER BY id")]


def _outcomes(result) -> list[tuple]:
    return [(Path(o.where).name, o.status, o.message, o.title, o.entities, o.mentions) for o in result.outcomes]


def test_an_import_on_the_cluster_stores_what_a_local_import_stores(folder, local_cluster, local_import,
                                                                   tmp_path, monkeypatch):
    monkeypatch.setattr(cluster, "ARTICLES_PER_TASK", 2)       # several tasks, on both workers
    local_db, local = local_import
    db = dbmod.connect(tmp_path / "cluster.db")
    seen: list[str] = []
    on_cluster = ingest.ingest(db, [folder], actor="test", cluster=local_cluster.scheduler_address,
                               progress=lambda o: seen.append(Path(o.where).name))
    # The same outcomes (this machine reports a refused or duplicate article before the model has read those
    # ahead of it; the cluster reports all in file order).
    assert sorted(_outcomes(on_cluster)) == sorted(_outcomes(local))
    assert [(name, status) for name, status, *_ in _outcomes(on_cluster)] == [
        ("01_port_fraud.txt", "added"), ("02_minister.html", "added"), ("03_port_follow_up.txt", "added"),
        ("04_french_news.txt", "added"), ("05_copy_of_port_fraud.txt", "duplicate"), ("06_german.txt", "failed"),
        ("07_dw_sample.txt", "added")]
    assert seen == sorted(seen)                                   # stored and reported in file order
    assert _entities(db) == _entities(local_db)
    assert _mentions(db) == _mentions(local_db)
    assert _articles(db) == _articles(local_db)
    assert on_cluster.version == local.version == 1
    # The fixtures give what the comparison is about: people and companies of both languages, with risk.
    names = {(t, n): risk for t, n, _s, _a, _m, _src, risk, *_ in _entities(db)}
    for key in [("person", "Daniel Okafor"), ("organization", "Harbourline Logistics Ltd"),
                ("person", "Viktor Halvorsen"), ("person", "Jean-Pierre Martin")]:
        assert key in names and json.loads(names[key]), key
    okafor = next(e for e in _entities(db) if e[1] == "Daniel Okafor")
    assert okafor[5] == 2                                          # named by both articles of the case


def test_each_worker_loads_the_model_once(folder, local_cluster, tmp_path, monkeypatch):
    monkeypatch.setattr(cluster, "ARTICLES_PER_TASK", 1)
    with distributed.Client(local_cluster.scheduler_address, set_as_default=False) as client:
        ingest.ingest(dbmod.connect(tmp_path / "a.db"), [folder], cluster=local_cluster.scheduler_address)
        first = client.run(lambda: {k: id(v) for k, v in nlp._cache.items()})
        ingest.ingest(dbmod.connect(tmp_path / "b.db"), [folder], cluster=local_cluster.scheduler_address)
        again = client.run(lambda: {k: id(v) for k, v in nlp._cache.items()})
    assert len(first) == 2 and again == first                    # the same pipelines, kept for the next tasks
    assert set().union(*first.values()) == {"fast", "fast:fr"}   # both workers read articles, in both languages


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:9", "tcp://no-such-host.invalid:8786"])
def test_an_unreachable_scheduler_stops_the_import_in_words_storing_nothing(folder, tmp_path, monkeypatch,
                                                                            address):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 1)
    db = dbmod.connect(tmp_path / "w.db")
    with pytest.raises(ingest.ImportStopped, match=f"cannot reach the Dask scheduler at {address}") as exc:
        ingest.ingest(db, [folder], cluster=address)
    assert exc.value.result.outcomes == [] and exc.value.result.version is None
    for table in ("watchlist_versions", "articles", "entities", "aliases", "mentions"):
        assert db[table].count == 0, table


def test_the_add_command_takes_a_cluster_and_the_setting(folder, local_cluster, local_import, tmp_path,
                                                        monkeypatch):
    local_db, _ = local_import
    for name, args, env in [("option", ["--cluster", local_cluster.scheduler_address], ""),
                            ("setting", [], local_cluster.scheduler_address)]:
        monkeypatch.setenv("SCREENING_DASK_SCHEDULER", env)
        db_file = tmp_path / f"{name}.db"
        result = CliRunner().invoke(cli, ["--db", str(db_file), "watchlist", "add", str(folder), *args])
        assert result.exit_code == 1, result.output               # 1: the German article failed, said so
        assert f"on the Dask cluster at {local_cluster.scheduler_address}" in result.output, name
        assert "5 added, 1 duplicates skipped, 0 near-copies linked, 1 failed" in result.output, name
        assert _entities(dbmod.connect(db_file)) == _entities(local_db), name


def test_the_add_command_with_an_unreachable_scheduler_says_so(folder, tmp_path, monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 1)
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "c.db"), "watchlist", "add", str(folder),
                                      "--cluster", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output
    assert "0 articles were added" in result.output


def test_a_worker_killed_mid_import_changes_nothing(folder, local_import, tmp_path, monkeypatch):
    monkeypatch.setattr(cluster, "ARTICLES_PER_TASK", 1)
    local_db, local = local_import
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=50) as lc, \
            distributed.Client(lc.scheduler_address, set_as_default=False) as client:
        victim = sorted(client.run(os.getpid).values())[0]
        killed = []

        def progress(outcome):
            if not killed:                      # the first article is stored: kill a worker under the others
                killed.append(outcome.where)
                os.kill(victim, signal.SIGKILL)

        db = dbmod.connect(tmp_path / "k.db")
        result = ingest.ingest(db, [folder], cluster=lc.scheduler_address, progress=progress)
    assert killed
    assert sorted(_outcomes(result)) == sorted(_outcomes(local))
    assert (_entities(db), _mentions(db), _articles(db)) == (_entities(local_db), _mentions(local_db),
                                                             _articles(local_db))


def test_a_scheduler_that_goes_away_stops_the_import_with_every_stored_article_whole(folder, local_import, tmp_path,
                                                                                     monkeypatch):
    """A real scheduler and worker started by their own commands, the scheduler killed once the first article is
    stored; the same import on this machine then adds the rest, and the watchlist is the one a local import
    gives."""
    monkeypatch.setattr(cluster, "ARTICLES_PER_TASK", 1)
    local_db, _ = local_import
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    sched = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--port", str(port),
                              "--dashboard-address", ":0", "--no-show"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", f"tcp://127.0.0.1:{port}",
                               "--nthreads", "1", "--no-nanny", "--no-dashboard"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    address = f"tcp://127.0.0.1:{port}"
    try:
        with distributed.Client(address, timeout=30, set_as_default=False) as c:
            c.wait_for_workers(1, timeout=60)

        def progress(outcome):
            if sched.poll() is None:
                sched.send_signal(signal.SIGKILL)
                sched.wait()

        db = dbmod.connect(tmp_path / "s.db")
        with pytest.raises(ingest.ImportStopped, match=f"Dask scheduler at {address}") as exc:
            ingest.ingest(db, [folder], cluster=address, progress=progress)
        stopped = exc.value.result
        added = [o for o in stopped.outcomes if o.status == "added"]
        assert 1 <= len(added) < 5 and db["articles"].count == len(added)
        for o in added:                                            # each stored article has all it should
            assert db.execute("SELECT count(*) FROM mentions WHERE article_id = ?",
                              [o.article_id]).fetchone()[0] == o.mentions
        ingest.ingest(db, [folder])                                # the rest, on this machine
        assert _entities(db) == _entities(local_db)
    finally:
        for p in (worker, sched):
            p.kill()
            p.wait()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
