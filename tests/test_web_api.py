"""The JSON API: bearer tokens only, roles enforced, a run started from an uploaded workbook and read back with its
hits, decisions recorded and refused, watchlist search, and JSON errors for bad input and unknown ids."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from screening.store import accounts, jobs, runs, settings
from screening.store import db as dbmod


@pytest.fixture
def token(web_app):
    """``token(role)``: a bearer header for a new account of that role."""
    def make(role: str) -> dict:
        db = dbmod.connect(web_app.config["DB_PATH"])
        try:
            user = accounts.find_user(db, f"api-{role}") or accounts.add_user(db, f"api-{role}", role)[0]
            _, value = accounts.create_token(db, user["id"], label="tests")
        finally:
            db.close()
        return {"Authorization": f"Bearer {value}"}
    return make


def _workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(["Customer ID", "Customer Name", "Customer Type", "Nationality"])
    ws.append(["C-001", "Liaoning Hongxiang Industrial Group", "Company", "China"])
    ws.append(["C-002", "Keqiang Li", "Individual", "CN"])
    ws.append(["C-003", "Zebulon Quartermaine", "Individual", "GB"])
    ws.append(["C-004", "12345", "Individual", ""])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()




def _post_run(client, headers, data: bytes, name: str = "clients.xlsx", **fields):
    return client.post("/api/runs", headers=headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), name), **fields})


def _assert_error(res, status: int, words: str = "") -> dict:
    body = res.get_json()
    assert res.status_code == status, (res.status_code, body)
    assert set(body) >= {"error", "status", "message"} and body["status"] == status
    assert words in body["message"], body["message"]
    return body


def test_a_run_started_through_the_api_is_read_back_and_decided(run_jobs, web_app, token):
    client = web_app.test_client()
    analyst = token("analyst")
    res = _post_run(client, analyst, _workbook(), threshold="0.75", hit_limit="3")
    assert res.status_code == 202, res.get_json()
    started = res.get_json()
    assert started["job_url"] == f"/api/jobs/{started['job_id']}" and res.headers["Location"] == started["job_url"]
    assert started["rows"] == 4 and started["mapping"]["columns"]["name"] == "Customer Name"
    assert started["row_problems"] == ["row 5: name has only digits and punctuation"]

    job = client.get(started["job_url"], headers=analyst).get_json()
    assert job["status"] == "queued" and job["run_id"] is None and "payload" not in job
    [done] = run_jobs()
    assert done["status"] == "done", done["error"]
    job = client.get(started["job_url"], headers=analyst).get_json()
    assert job["status"] == "done" and job["run_id"] and job["run_url"] == f"/api/runs/{job['run_id']}"

    run = client.get(job["run_url"], headers=analyst).get_json()
    assert run["status"] == "completed" and run["file_name"] == "clients.xlsx" and run["actor"] == "api-analyst"
    assert run["threshold"] == 0.75 and run["hit_limit"] == 3 and run["rows_total"] == 4
    assert run["not_screened"] == 1 and run["hits"] >= 2
    # The rows left out, counted by reason, and the rows screened with notes, counted by kind.
    assert run["not_screened_reasons"] == {"name has only digits and punctuation": 1}
    assert run["rows_with_notes"] == 0 and run["note_kinds"] == {}
    listed = client.get("/api/runs", headers=analyst).get_json()
    assert [r["id"] for r in listed["runs"]] == [run["id"]] and listed["total"] == 1 and listed["pages"] == 1
    assert {k: listed["runs"][0][k] for k in ("not_screened", "not_screened_reasons", "rows_with_notes",
                                              "note_kinds")} == {
        "not_screened": 1, "not_screened_reasons": {"name has only digits and punctuation": 1},
        "rows_with_notes": 0, "note_kinds": {}}

    hits = client.get(f"/api/runs/{run['id']}/hits", headers=analyst).get_json()
    assert hits["total"] == run["hits"] and hits["page"] == 1 and hits["per_page"] == 50
    names = {h["entity_name"] for h in hits["hits"]}
    assert {"Liaoning Hongxiang", "Li Keqiang"} <= names
    assert all(h["score"] >= 0.75 and h["decision"] is None for h in hits["hits"])
    page = client.get(f"/api/runs/{run['id']}/hits?per_page=1&page=2&sort=row", headers=analyst).get_json()
    assert len(page["hits"]) == 1 and page["total"] == run["hits"]
    rows = client.get(f"/api/runs/{run['id']}/rows?status=not+screened", headers=analyst).get_json()
    assert rows["total"] == 1 and rows["rows"][0]["row"] == 5 and "digits" in rows["rows"][0]["reason"]
    rows = client.get(f"/api/runs/{run['id']}/rows?per_page=2&page=2", headers=analyst).get_json()
    assert rows["total"] == 4 and rows["pages"] == 2 and [r["row"] for r in rows["rows"]] == [4, 5]

    hit_id = next(h["id"] for h in hits["hits"] if h["entity_name"] == "Liaoning Hongxiang")
    hit = client.get(f"/api/hits/{hit_id}", headers=analyst).get_json()
    assert hit["client"]["name"] == "Liaoning Hongxiang Industrial Group" and hit["history"] == []
    assert hit["excerpts"] and hit["reasons"]

    decision = {"decision": "true match", "reason": "same name, confirmed by other sources", "comment": "ok"}
    res = client.post(f"/api/hits/{hit_id}/decisions", headers=analyst, json=decision)
    assert res.status_code == 201, res.get_json()
    body = res.get_json()
    assert body["decision"] == "true match" and body["actor"] == "api-analyst" and body["hit_id"] == hit_id
    hit = client.get(f"/api/hits/{hit_id}", headers=analyst).get_json()
    assert [d["decision"] for d in hit["history"]] == ["true match"]
    assert client.get(f"/api/runs/{run['id']}/hits?status=pending+approval", headers=analyst).get_json()["total"] == 1

    body = _assert_error(client.post(f"/api/hits/{hit_id}/decisions", headers=analyst,
                                     json={"decision": "true match", "reason": "looks similar"}), 400, "unknown reason")
    assert body["allowed_reasons"] == {d: list(r) for d, r in runs.DECISION_REASONS.items()}
    _assert_error(client.post(f"/api/hits/{hit_id}/decisions", headers=analyst, json={"decision": "maybe",
                                                                                       "reason": "x"}), 400,
                  "unknown decision")
    _assert_error(client.post(f"/api/hits/{hit_id}/decisions", headers=analyst, data="decision=true match"), 400,
                  "send a JSON object")
    _assert_error(client.post(f"/api/hits/{hit_id}/decisions", headers=analyst,
                              json={"decision": "escalate", "reason": "other (see comment)"}), 400, "needs a comment")
    _assert_error(client.post("/api/hits/99999/decisions", headers=analyst, json=decision), 404, "no hit")

    # An auditor reads but may not start runs or decide.
    auditor = token("auditor")
    assert client.get(f"/api/runs/{run['id']}", headers=auditor).status_code == 200
    _assert_error(_post_run(client, auditor, _workbook()), 403, "auditor")
    _assert_error(client.post(f"/api/hits/{hit_id}/decisions", headers=auditor, json=decision), 403)
    assert len(client.get(f"/api/hits/{hit_id}", headers=analyst).get_json()["history"]) == 1


def test_a_bad_file_is_refused_at_once_and_nothing_is_queued(web_app, token):
    client = web_app.test_client()
    analyst = token("analyst")
    _assert_error(_post_run(client, analyst, b"this is not a workbook"), 400, "clients.xlsx: not an xlsx workbook")
    _assert_error(_post_run(client, analyst, b"Nothing,Here\n1,2\n", name="list.csv"), 400, "list.csv")
    _assert_error(_post_run(client, analyst, b"x", name="tool.exe"), 400, "not accepted here")
    _assert_error(client.post("/api/runs", headers=analyst, data={}), 400, "multipart field 'file'")
    _assert_error(_post_run(client, analyst, _workbook(), threshold="2"), 400, "threshold must be from 0 to 1")
    _assert_error(_post_run(client, analyst, _workbook(), hit_limit="many"), 400, "hit_limit must be a whole number")
    _assert_error(_post_run(client, analyst, _workbook(), columns="{bad"), 400, "columns is not valid JSON")
    _assert_error(_post_run(client, analyst, _workbook(), columns='{"nickname": "Customer Name"}'), 400,
                  "unknown field 'nickname'")
    _assert_error(_post_run(client, analyst, _workbook(), columns='{"name": "Full Name"}'), 400, "Full Name")
    db = dbmod.connect(web_app.config["DB_PATH"])
    assert jobs.list_jobs(db) == []
    db.close()
    uploaded = Path(web_app.config["UPLOAD_DIR"])
    assert not uploaded.exists() or list(uploaded.iterdir()) == []        # refused files are not kept
    # Column overrides and the settings' defaults are passed on to the job.
    db = dbmod.connect(web_app.config["DB_PATH"])
    settings.put(db, "threshold", "0.8")
    db.close()
    res = _post_run(client, analyst, _workbook(), columns=json.dumps({"name": "Customer Name"}), sheet="Clients")
    assert res.status_code == 202 and res.get_json()["threshold"] == 0.8 and res.get_json()["hit_limit"] == 10
    db = dbmod.connect(web_app.config["DB_PATH"])
    payload = jobs.get_job(db, res.get_json()["job_id"])["payload"]
    db.close()
    assert payload["columns"] == {"name": "Customer Name"} and payload["sheet"] == "Clients"
    assert payload["file_name"] == "clients.xlsx" and payload["threshold"] == 0.8


def test_several_country_columns_through_the_api(run_jobs, web_app, token):
    client = web_app.test_client()
    analyst = token("analyst")
    wb = Workbook()
    for row in (["Client Ref", "Legal Name", "Country of Incorporation", "Country of Residence"],
                ["R-1", "Keqiang Li", "N/A", "China"], ["R-2", "Acme Widgets Ltd", "GB", None],
                ["R-3", "Zebulon Quartermaine", "Narnia", "FR"], ["R-4", None, "DE", None]):
        wb.active.append(row)
    data = io.BytesIO()
    wb.save(data)
    # Detected: both country columns, all used.
    res = _post_run(client, analyst, data.getvalue())
    assert res.status_code == 202, res.get_json()
    started = res.get_json()
    assert started["mapping"]["columns"]["country"] == "Country of Incorporation"
    assert started["mapping"]["more_columns"]["country"] == ["Country of Residence"]
    assert any("all used" in line for line in started["explain"])
    assert started["row_problems"] == ["row 5: empty name"]
    assert any("Narnia" in n for n in started["row_notes"])
    # Chosen: a list of headers for country; anything but a header or (for country) a list of them is refused.
    res = _post_run(client, analyst, data.getvalue(), columns=json.dumps({"country": ["Country of Residence"]}))
    assert res.status_code == 202 and res.get_json()["mapping"]["columns"]["country"] == "Country of Residence"
    assert "more_columns" not in res.get_json()["mapping"]
    for bad in ({"name": ["Legal Name"]}, {"country": []}, {"country": ["Country of Residence", 3]}):
        _assert_error(_post_run(client, analyst, data.getvalue(), columns=json.dumps(bad)), 400,
                      "also a list of headers")
    run_jobs()
    run_id = client.get(started["job_url"], headers=analyst).get_json()["run_id"]
    first = client.get(f"/api/runs/{run_id}", headers=analyst).get_json()
    assert first["not_screened"] == 1 and first["not_screened_reasons"] == {"empty name": 1}
    assert first["rows_with_notes"] == 1 and list(first["note_kinds"].values()) == [1]
    assert "Narnia" not in json.dumps(first["note_kinds"])           # kinds, without the values
    rows = client.get(f"/api/runs/{run_id}/rows", headers=analyst).get_json()["rows"]
    assert {r["row"]: r["countries"] for r in rows}[2] == ["cn"]     # "N/A" is empty; the residence counts


def test_tokens_only_and_json_errors(web_app, token, signed_in):
    client = web_app.test_client()
    _assert_error(client.get("/api/runs"), 401, "Bearer")
    _assert_error(client.get("/api/runs", headers={"Authorization": "Bearer sk_wrong"}), 401)
    _assert_error(client.get("/api/runs", headers={"Authorization": "Basic abc"}), 401)
    # A signed-in browser session does not open the API (no cookies there, so no CSRF either).
    _assert_error(signed_in("analyst").get("/api/runs"), 401)
    viewer = token("auditor")
    for url, words in (("/api/runs/999", "no run 999"), ("/api/runs/999/hits", "no run"),
                       ("/api/runs/999/rows", "no run"), ("/api/hits/999", "no hit 999"),
                       ("/api/jobs/999", "no job 999"), ("/api/watchlist/entities/999", "no entity 999"),
                       ("/api/nothing/here", "")):
        _assert_error(client.get(url, headers=viewer), 404, words)
    _assert_error(client.delete("/api/runs", headers=viewer), 405)
    _assert_error(client.get("/api/runs/99999999999999999999999", headers=viewer), 404)
    _assert_error(client.get("/api/runs?per_page=0", headers=viewer), 400, "per_page must be from 1")
    # A disabled account's tokens stop working.
    db = dbmod.connect(web_app.config["DB_PATH"])
    accounts.set_disabled(db, accounts.find_user(db, "api-auditor")["id"], True)
    db.close()
    _assert_error(client.get("/api/runs", headers=viewer), 401)


def test_hit_parameters_are_checked(run_jobs, web_app, token):
    client = web_app.test_client()
    analyst = token("analyst")
    assert _post_run(client, analyst, _workbook()).status_code == 202
    run_jobs()
    run_id = client.get("/api/runs", headers=analyst).get_json()["runs"][0]["id"]
    for query, words in (("min_score=high", "min_score must be a number"), ("status=maybe", "status must be one of"),
                         ("sort=random", "sort must be one of"), ("page=0", "page must be from 1"),
                         ("per_page=501", "per_page must be from 1 to 500")):
        _assert_error(client.get(f"/api/runs/{run_id}/hits?{query}", headers=analyst), 400, words)
    _assert_error(client.get(f"/api/runs/{run_id}/rows?status=done", headers=analyst), 400, "status must be one of")
    pending = client.get(f"/api/runs/{run_id}/hits?status=pending&min_score=0.9&entity_type=person",
                         headers=analyst).get_json()
    assert pending["total"] >= 1 and all(h["entity_type"] == "person" and h["score"] >= 0.9 for h in pending["hits"])


def test_watchlist_search_and_entities(web_app, token):
    client = web_app.test_client()
    viewer = token("auditor")
    res = client.get("/api/watchlist/search", headers=viewer,
                     query_string={"q": "LIAONING HONGXIANG INDUSTRIAL DEVELOPMENT CO., LTD.", "country": "China"})
    body = res.get_json()
    assert res.status_code == 200 and body["skipped"] is None and body["query"]["countries"] == ["cn"]
    assert body["watchlist_version"] == 1 and body["algorithm"].startswith("aligned-words/")
    best = body["results"][0]
    assert best["entity_name"] == "Liaoning Hongxiang" and best["source"] == "news" and best["list"] is None
    assert any("liaoning = liaoning" in r["text"] for r in best["reasons"]) and best["excerpts"]
    body = client.get("/api/watchlist/search?q=12345", headers=viewer).get_json()
    assert body["skipped"] == "name has only digits and punctuation" and body["results"] == []
    _assert_error(client.get("/api/watchlist/search?q=", headers=viewer), 400, "q")
    _assert_error(client.get("/api/watchlist/search?q=Li&country=Narnia", headers=viewer), 400, "unknown country")
    _assert_error(client.get("/api/watchlist/search?q=Li&type=robot", headers=viewer), 400, "unknown entity type")
    _assert_error(client.get("/api/watchlist/search?q=Li&limit=1000", headers=viewer), 400, "limit")
    assert len(client.get("/api/watchlist/search?q=Li+Keqiang&limit=1&threshold=0.1",
                          headers=viewer).get_json()["results"]) == 1

    entity = client.get(f"/api/watchlist/entities/{best['entity_id']}", headers=viewer).get_json()
    assert entity["name"] == "Liaoning Hongxiang" and len(entity["mentions"]) == 2
    assert entity["mentions"][0]["excerpt"][entity["mentions"][0]["start"]:entity["mentions"][0]["end"]] == \
        "Liaoning Hongxiang"
    stats = client.get("/api/watchlist", headers=viewer).get_json()
    assert stats["version"] == 1 and stats["entities"] == 12
