"""Ongoing monitoring: clients of a run put under monitoring, and a delta re-screen after one article is imported
compares exactly the entities that article created or changed, raises the expected alert, keeps earlier decisions;
the re-screen queued after a web import; the CLI; the monitoring page."""
from __future__ import annotations

import io
import json
import re

import pytest
from click.testing import CliRunner

from screening.cli import cli
from screening.service import ingest, monitor, screen
from screening.store import audit, monitoring, runs
from screening.store import db as dbmod
from screening.store import watchlist as store

CLIENTS = ("Customer ID,Customer Name,Type,Country\n"
           "C-1,Viktors Petrovs,person,LV\n"
           "C-2,Barack Obama,person,US\n"
           "C-3,Liaoning Hongxiang Industrial Group,organization,CN\n"
           "C-4,Maria Jansen,person,NL\n"
           "C-5,4711,organization,DE\n")
ARTICLE = {"title": "Latvian businessman charged with money laundering", "source": "Test Wire",
           "published": "2026-11-20", "url": "https://news.example/petrovs",
           "text": "Latvian businessman Viktors Petrovs was charged with money laundering on Tuesday, prosecutors in "
                   "Riga said.\n\nInvestigators said Petrovs moved millions of dollars for the Chinese conglomerate "
                   "Liaoning Hongxiang through shell companies in Cyprus."}


def _screened_run(db, tmp_path, text=CLIENTS) -> int:
    path = tmp_path / "clients.csv"
    path.write_text(text, encoding="utf-8")
    return screen.screen(db, screen.prepare(path), actor="ana")


def _article(tmp_path, article=ARTICLE):
    path = tmp_path / "article.json"
    path.write_text(json.dumps(article), encoding="utf-8")
    return path


def _hits(db, run_id) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for h in runs.iter_hits(db, run_id):
        out.setdefault(h["client_name"], []).append(h["entity_name"])
    return out


@pytest.fixture
def db(sample_copy):
    database = dbmod.connect(sample_copy)
    yield database
    database.close()


def test_clients_of_a_run_are_monitored_once_per_identity(db, tmp_path):
    run_id = _screened_run(db, tmp_path)
    done = monitor.add_run(db, run_id, "ana")
    # "4711" is not screened (digits only): not monitored.
    assert (done["added"], done["updated"]) == (4, 0)
    assert done["watchlist_version"] == store.current_version(db)
    again = monitor.add_run(db, _screened_run(db, tmp_path), "bob")
    assert (again["added"], again["updated"]) == (0, 4)
    assert monitoring.counts(db)["monitored"] == 4
    keys = {m["client_key"] for m in monitoring.list_clients(db)}
    assert keys == {"id:C-1", "id:C-2", "id:C-3", "id:C-4"}
    # Without a client ID: the normalised name with type, countries and birth date.
    monitor.add_run(db, _screened_run(db, tmp_path, "Name,Type,Country\nMARIA  Jansen,person,NL\n"), "ana")
    assert "name:maria jansen|nl|" in {m["client_key"] for m in monitoring.list_clients(db)}
    monitoring.stop(db, "id:C-4", "ana")
    with pytest.raises(monitoring.MonitorError, match="already taken off"):
        monitoring.stop(db, "id:C-4", "ana")
    with pytest.raises(monitoring.MonitorError, match="no monitored client"):
        monitoring.stop(db, "id:nope", "ana")
    assert monitoring.counts(db)["monitored"] == 4 and monitoring.counts(db)["stopped"] == 1
    assert [e["action"] for e in audit.entries(db, "monitored")] == ["monitor.stopped"]


def test_delta_rescreen_compares_only_what_one_article_created_or_changed(db, tmp_path):
    first = _screened_run(db, tmp_path)
    before = _hits(db, first)
    assert "Barack Obama" in before and "Viktors Petrovs" not in before
    obama_hit = next(h for h in runs.iter_hits(db, first) if h["client_name"] == "Barack Obama")
    runs.add_decision(db, obama_hit["id"], "false positive", "the article is not adverse", actor="ana")
    monitor.add_run(db, first, "ana")
    v1 = store.current_version(db)

    result = ingest.ingest(db, [_article(tmp_path)])
    [outcome] = result.outcomes
    assert outcome.status == "added"
    assert store.current_version(db) == v1 + 1
    named = {e["id"] for e in store.article_entities(db, outcome.article_id)}
    liaoning = next(e["id"] for e in store.find_entities(db, "Liaoning Hongxiang"))
    petrovs = next(e["id"] for e in store.find_entities(db, "Viktors Petrovs"))
    created = {r[0] for r in db.execute("SELECT id FROM entities WHERE first_version = ?", [v1 + 1])}
    assert liaoning in named and liaoning not in created       # one changed
    assert petrovs in named and petrovs in created             # one created

    summary = monitor.rescreen(db, "ana")
    # Exactly the entities the article created or changed, nothing else.
    assert set(summary["entities"]) == named
    assert summary["clients"] == 4 and summary["base_version"] == v1 and summary["watchlist_version"] == v1 + 1
    run = runs.get_run(db, summary["run_id"])
    assert run["kind"] == "monitoring" and run["compared"] == 4 and run["base_version"] == v1
    assert run["status"] == "completed" and run["file_name"] == f"monitoring after watchlist version {v1 + 1}"
    assert run["mapping"]["monitoring"]["entities"] == sorted(named)
    alerts = _hits(db, summary["run_id"])
    assert "Viktors Petrovs" in alerts["Viktors Petrovs"]
    # No alert on unchanged entities: Obama is not named again, so his client is not stored on the run.
    assert "Barack Obama" not in alerts and "Maria Jansen" not in alerts
    assert {h["entity_id"] for h in runs.iter_hits(db, summary["run_id"])} <= named
    assert summary["alerts"] == run["hits"] == sum(len(v) for v in alerts.values())
    assert run["rows_done"] == len(alerts)                    # only clients with alerts are stored
    # The earlier decision is kept where it was.
    assert runs.get_hit(db, obama_hit["id"])["decision"]["decision"] == "false positive"
    assert all(m["screened_version"] == v1 + 1 for m in monitoring.list_clients(db))
    entry = audit.entries(db, "run", summary["run_id"])[0]
    assert entry["action"] == "monitor.rescreened"
    assert sorted(entry["details"]["entities"]) == sorted(named)

    # Nothing changed since: nothing compared, no run.
    again = monitor.rescreen(db, "ana")
    assert (again["run_id"], again["clients"], again["entities"], again["alerts"]) == (None, 0, [], 0)
    assert monitoring.counts(db)["behind"] == 0


def test_the_delta_finds_what_a_full_rerun_finds_for_the_changed_entities(db, tmp_path):
    monitor.add_run(db, _screened_run(db, tmp_path), "ana")
    ingest.ingest(db, [_article(tmp_path)])
    delta = monitor.rescreen(db, "ana")
    full = monitor.rescreen(db, "ana", full=True)
    assert full["clients"] == 4 and len(full["entities"]) == len(store.match_records(db))
    changed = set(delta["entities"])
    pairs = lambda run_id, only=None: {(h["client_name"], h["entity_id"]) for h in runs.iter_hits(db, run_id)
                                       if only is None or h["entity_id"] in only}
    assert pairs(delta["run_id"]) == pairs(full["run_id"], changed)
    assert runs.get_run(db, full["run_id"])["file_name"].endswith("(full re-run)")


def test_clients_screened_against_different_versions_are_compared_with_what_each_missed(db, tmp_path):
    monitor.add_run(db, _screened_run(db, tmp_path), "ana")
    v1 = store.current_version(db)
    ingest.ingest(db, [_article(tmp_path)])
    later = _screened_run(db, tmp_path, "Customer ID,Customer Name,Type\nC-9,Viktors Petrov,person\n")
    monitor.add_run(db, later, "ana")          # screened against v1 + 1 already
    other = dict(ARTICLE, url="https://news.example/other", title="Bank fined",
                 text="Regulators in Oslo fined Nordbank Holdings for violating sanctions, the finance ministry said "
                      "on Monday. The bank said it would appeal the fine.")
    assert [o.status for o in ingest.ingest(db, [_article(tmp_path / "..", other)]).outcomes] == ["added"]
    summary = monitor.rescreen(db, "ana")
    assert summary["clients"] == 5 and summary["base_version"] == v1
    run = runs.get_run(db, summary["run_id"])
    assert run["mapping"]["monitoring"]["base_versions"] == [v1, v1 + 1]
    # C-9 was screened after the Petrovs article: it is not alerted on it again.
    assert "Viktors Petrov" not in _hits(db, summary["run_id"])


def test_a_web_import_queues_a_rescreen_of_the_monitored_clients(signed_in, web_app, run_jobs, tmp_path):
    db = dbmod.connect(web_app.config["DB_PATH"])
    monitor.add_run(db, _screened_run(db, tmp_path), "ana")
    db.close()
    analyst = signed_in("analyst")
    res = analyst.post("/watchlist/add", data={"csrf_token": analyst.csrf, "source": "",
                                               "files": [(io.BytesIO(json.dumps(ARTICLE).encode()), "a.json")]},
                       content_type="multipart/form-data")
    assert res.status_code == 302
    imported, rescreened = run_jobs()
    assert imported["kind"] == "import" and imported["status"] == "done", imported["error"]
    assert imported["result"]["monitor_job"] == rescreened["id"]
    assert rescreened["kind"] == "monitor" and rescreened["status"] == "done", rescreened["error"]
    assert rescreened["actor"] == "analyst-user" and rescreened["run_id"] == rescreened["result"]["run_id"]
    assert rescreened["result"]["clients"] == 4 and rescreened["result"]["alerts"] >= 1
    # Nothing behind any more: a second import of the same article (a duplicate) queues nothing.
    analyst.post("/watchlist/add", data={"csrf_token": analyst.csrf, "source": "",
                                         "files": [(io.BytesIO(json.dumps(ARTICLE).encode()), "a.json")]},
                 content_type="multipart/form-data")
    [dup] = run_jobs()
    assert dup["result"]["monitor_job"] is None


def test_monitoring_page_lists_runs_and_queues_work(signed_in, web_app, run_jobs, tmp_path):
    db = dbmod.connect(web_app.config["DB_PATH"])
    run_id = _screened_run(db, tmp_path, CLIENTS.replace("Maria Jansen", "<script>alert(1)</script>"))
    db.close()
    auditor = signed_in("auditor")
    assert auditor.get("/monitoring").status_code == 200
    assert auditor.post("/monitoring/add", data={"csrf_token": auditor.csrf, "run_id": run_id}).status_code == 403
    analyst = signed_in("analyst")
    page = analyst.get("/monitoring").get_data(as_text=True)
    assert 'name="csrf_token"' in page and "style=" not in page and "<script>" not in page
    assert analyst.post("/monitoring/add", data={"run_id": run_id}).status_code == 400         # no CSRF token
    res = analyst.post("/monitoring/add", data={"csrf_token": analyst.csrf, "run_id": run_id})
    assert res.status_code == 302
    page = analyst.get("/monitoring").get_data(as_text=True)
    assert "4 clients monitored" in page and "&lt;script&gt;" in page and "<script>alert" not in page
    bad = analyst.post("/monitoring/add", data={"csrf_token": analyst.csrf, "run_id": "999999"})
    assert bad.status_code == 404
    db = dbmod.connect(web_app.config["DB_PATH"])
    ingest.ingest(db, [_article(tmp_path)])
    db.close()
    res = analyst.post("/monitoring/run", data={"csrf_token": analyst.csrf})
    assert res.status_code == 302
    [job] = run_jobs()
    assert job["kind"] == "monitor" and job["status"] == "done" and job["run_id"]
    page = analyst.get("/monitoring").get_data(as_text=True)
    assert f'href="/runs/{job["run_id"]}"' in page
    assert analyst.get(f"/runs/{job['run_id']}").status_code == 200


def invoke(db_path, *args):
    return CliRunner().invoke(cli, ["--db", str(db_path), *args], catch_exceptions=False)


def test_monitor_commands(sample_copy, tmp_path):
    db = dbmod.connect(sample_copy)
    run_id = _screened_run(db, tmp_path)
    db.close()
    r = invoke(sample_copy, "monitor", "add", str(run_id))
    assert r.exit_code == 0 and "4 clients added to monitoring" in r.output, r.output
    r = invoke(sample_copy, "monitor", "run")
    assert r.exit_code == 0 and "Nothing to re-screen" in r.output
    # Importing on the command line re-screens the monitored clients it left behind, at once.
    r = invoke(sample_copy, "watchlist", "add", str(_article(tmp_path)))
    assert r.exit_code == 0, r.output
    m = re.search(r"Monitoring run (\d+) .*: 4 clients compared with (\d+) entities \(([\d, ]+)\); (\d+) alerts",
                  r.output)
    assert m and int(m.group(4)) >= 1, r.output
    assert "Nothing to re-screen" in invoke(sample_copy, "monitor", "run").output
    r = invoke(sample_copy, "monitor", "list", "--limit", "2")
    assert r.exit_code == 0 and "4 clients monitored (0 behind" in r.output and len(r.output.splitlines()) == 3
    assert invoke(sample_copy, "monitor", "stop", "id:C-2").exit_code == 0
    r = CliRunner().invoke(cli, ["--db", str(sample_copy), "monitor", "stop", "id:C-2"])
    assert r.exit_code == 1 and "Error: client 'id:C-2' was already taken off" in r.output
    r = CliRunner().invoke(cli, ["--db", str(sample_copy), "monitor", "add", "999"])
    assert r.exit_code == 1 and "Error: no run 999" in r.output
    r = invoke(sample_copy, "monitor", "run", "--full")
    assert r.exit_code == 0 and "3 clients compared" in r.output, r.output


def test_a_failed_monitoring_job_can_be_retried_from_its_page(signed_in, web_app):
    from screening.store import jobs

    db = dbmod.connect(web_app.config["DB_PATH"])
    job_id = jobs.enqueue(db, "monitor", {}, actor="system")
    jobs.claim(db, "w1")
    jobs.fail(db, job_id, "the worker ran out of memory")
    db.close()
    analyst = signed_in("analyst")
    page = analyst.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "the worker ran out of memory" in page and ">Retry<" in page
    assert analyst.post(f"/jobs/{job_id}/retry", data={"csrf_token": analyst.csrf}).status_code == 302
    assert analyst.get(f"/jobs/{job_id}/status.json").get_json()["status"] == "queued"
