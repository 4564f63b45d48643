"""One owner per policy: the CLI, the web app, the API, the worker and monitoring resolve the same threshold and
hits per row from the same settings (``screening.service.policy``), and every run records what it used."""
from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner

from screening.cli import cli
from screening.service import monitor, policy, worker
from screening.store import accounts, runs
from screening.store import db as dbmod

CLIENTS_CSV = "Customer ID,Customer Name,Nationality\nC-1,Li Keqiang,CN\nC-2,Barack Obama,US\n"


def _latest_run(db) -> dict:
    return runs.get_run(db, runs.list_runs(db, 1)[0]["id"])


def _cli(db_path, *args):
    return CliRunner().invoke(cli, ["--db", str(db_path), *args], catch_exceptions=False)


def test_every_entry_point_uses_the_admin_settings(sample_copy, tmp_path, web_app, signed_in):
    db = dbmod.connect(sample_copy)
    policy.set_values(db, {"threshold": "0.8", "hit_limit": "3"}, actor="admin")
    clients = tmp_path / "clients.csv"
    clients.write_text(CLIENTS_CSV, encoding="utf-8")
    seen = {}

    # The command line: no --threshold, no --limit.
    assert _cli(sample_copy, "screen", str(clients)).exit_code == 0
    run = _latest_run(db)
    seen["cli screen"] = (run["threshold"], run["hit_limit"])
    found = json.loads(_cli(sample_copy, "match", "Li Keqiang", "--json").stdout)
    seen["cli match"] = (found["threshold"], None)

    # The web app: the upload form left blank, the job run by the worker.
    client = signed_in("analyst")
    page = client.post("/upload", content_type="multipart/form-data", data={
        "csrf_token": client.csrf, "file": (io.BytesIO(CLIENTS_CSV.encode()), "clients.csv"),
        "threshold": "", "hit_limit": ""}).get_data(as_text=True)
    assert 'name="threshold" value="0.8"' in page and 'name="hit_limit" value="3"' in page
    upload_id = page.split('name="upload" value="', 1)[1].split('"', 1)[0]
    res = client.post("/upload/mapping", data={
        "csrf_token": client.csrf, "upload": upload_id, "file_name": "clients.csv", "sheet": "", "action": "start",
        "threshold": "", "hit_limit": "", "column-name": "Customer Name", "column-client_id": "Customer ID",
        "column-country": "Nationality"})
    assert res.status_code == 302, res.get_data(as_text=True)
    assert worker.run_one(db, "test")["status"] == "done"
    run = _latest_run(db)
    seen["web + worker"] = (run["threshold"], run["hit_limit"])

    # The API: no threshold, no hit_limit.
    user = accounts.add_user(db, "api-analyst", "analyst")[0]
    bearer = {"Authorization": f"Bearer {accounts.create_token(db, user['id'], 'tests')[1]}"}
    api = web_app.test_client()
    res = api.post("/api/runs", headers=bearer, content_type="multipart/form-data",
                   data={"file": (io.BytesIO(CLIENTS_CSV.encode()), "clients.csv")})
    assert res.status_code == 202 and (res.get_json()["threshold"], res.get_json()["hit_limit"]) == (0.8, 3)
    assert worker.run_one(db, "test")["status"] == "done"
    run = _latest_run(db)
    seen["api + worker"] = (run["threshold"], run["hit_limit"])
    found = api.get("/api/watchlist/search?q=Li+Keqiang", headers=bearer).get_json()
    seen["api search"] = (found["threshold"], None)

    # Monitoring: the clients of the CLI's run, re-screened against the whole watchlist.
    monitor.add_run(db, runs.list_runs(db, 10)[-1]["id"], actor="admin")
    summary = monitor.rescreen(db, "admin", full=True)
    run = runs.get_run(db, summary["run_id"])
    seen["monitoring"] = (run["threshold"], run["hit_limit"])
    db.close()

    assert seen == {"cli screen": (0.8, 3), "cli match": (0.8, None), "web + worker": (0.8, 3),
                    "api + worker": (0.8, 3), "api search": (0.8, None), "monitoring": (0.8, 3)}


def test_an_action_s_own_value_wins_then_the_admin_setting_then_the_environment(sample_copy, tmp_path,
                                                                                  monkeypatch):
    db = dbmod.connect(sample_copy)
    clients = tmp_path / "clients.csv"
    clients.write_text(CLIENTS_CSV, encoding="utf-8")
    assert policy.resolve(db).threshold == 0.70 and policy.resolve(db).sources["threshold"] == "default"
    monkeypatch.setenv("SCREENING_THRESHOLD", "0.75")
    monkeypatch.setenv("SCREENING_HIT_LIMIT", "4")
    assert _cli(sample_copy, "screen", str(clients)).exit_code == 0
    assert (_latest_run(db)["threshold"], _latest_run(db)["hit_limit"]) == (0.75, 4)
    assert policy.resolve(db).sources["threshold"] == "env"
    policy.set_value(db, "threshold", "0.9", actor="admin")
    assert policy.resolve(db).threshold == 0.9 and policy.resolve(db).sources["threshold"] == "admin"
    assert _cli(sample_copy, "screen", str(clients), "--threshold", "0.6", "--limit", "2").exit_code == 0
    assert (_latest_run(db)["threshold"], _latest_run(db)["hit_limit"]) == (0.6, 2)
    assert _cli(sample_copy, "screen", str(clients)).exit_code == 0
    assert (_latest_run(db)["threshold"], _latest_run(db)["hit_limit"]) == (0.9, 4)
    db.close()


def test_a_bad_environment_value_is_refused_with_its_name(monkeypatch):
    monkeypatch.setenv("SCREENING_THRESHOLD", "high")
    with pytest.raises(policy.PolicyError, match="SCREENING_THRESHOLD: Default threshold: 'high' is not a number"):
        policy.deployment_default("threshold")


@pytest.mark.parametrize("key, raw, message", [
    ("threshold", "1.5", "Default threshold: 1.5 is outside 0 to 1"),
    ("hit_limit", "0", "Hits per row: 0 is outside 1 to 100"),
    ("hit_limit", "many", "Hits per row: 'many' is not a whole number from 1 to 100"),
    ("retention_runs_days", "0", "is outside"),
])
def test_settings_are_checked_in_one_place(key, raw, message):
    with pytest.raises(policy.PolicyError, match=message):
        policy.check(key, raw)


def test_every_setting_is_declared_once_with_its_default_and_documented():
    """Each setting has a label, help and default here, and the README's settings table names it."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for key, s in policy.SETTINGS.items():
        assert s.label and s.help and (s.default is not None or s.optional), key
        assert f"`{key}`" in readme, f"README does not document the setting {key}"
        if s.env:
            assert f"`{s.env}`" in readme, f"README does not document {s.env}"
