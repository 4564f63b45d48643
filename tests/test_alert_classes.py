"""How serious a hit is (issue 14, items 1 and 2): every hit has a class (sanctions, PEP, adverse media, mention) and a
priority; the run page, the hit page, the work queue, the API and the report show the class, sort by priority and
filter by class, source and risk category, an unknown filter value being an error; mention hits do not alert by
default and stay visible on the client's row ("also named in news") and in search."""
from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from screening.cli import cli
from screening.service import alerts, ingest, policy, screen, search
from screening.store import accounts, runs
from screening.store import db as dbmod
from screening.store import watchlist as store

OFAC = Path(__file__).parent / "fixtures" / "lists" / "ofac" / "sdn.csv"
# A local story that names a person in passing: no adverse word, no public function.
PASSING = """Harbour festival draws record crowds

September 21, 2016

The harbour festival in Portsmouth drew record crowds on Saturday, organisers said.

Local baker Margaret Pennywhistle said her stall sold out of pies by noon.

Visitors enjoyed music and fireworks until late in the evening.
"""
CLIENTS = [["Customer ID", "Customer Name"], ["C-1", "ABBAS, Abu"], ["C-2", "Keqiang Li"],
           ["C-3", "Liaoning Hongxiang Industrial Group"], ["C-4", "Margaret Pennywhistle"],
           ["C-5", "Acme Widgets Ltd"]]


def write_xlsx(path, rows):
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


@pytest.fixture
def watchlist(sample_copy, tmp_path):
    """The sample plus the OFAC fixture list and the passing story: (database path, open database)."""
    res = CliRunner().invoke(cli, ["--db", str(sample_copy), "watchlist", "import", str(OFAC), "--format",
                                   "ofac-sdn"])
    assert res.exit_code == 0, res.output
    story = tmp_path / "festival.txt"
    story.write_text(PASSING, encoding="utf-8")
    db = dbmod.connect(sample_copy)
    assert [o.status for o in ingest.ingest(db, [story], source="Local News").outcomes] == ["added"]
    yield sample_copy, db
    db.close()


def by_client(db, run_id) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row, hits in runs.iter_rows_with_hits(db, run_id):
        out[row["name"]] = hits
    return out


def hit_ids(page: str) -> list[int]:
    return [int(h) for h in dict.fromkeys(re.findall(r'href="/hits/(\d+)"', page))]


# --- the classes, from the evidence ---------------------------------------------------------------------------

def test_the_samples_li_keqiang_is_a_pep_evidenced_by_the_excerpt_and_liaoning_hongxiang_adverse_media(sample_db):
    li = store.evidence(store.get_entity(sample_db, "Li Keqiang"))
    assert alerts.classify(li) == "pep"
    function = li["functions"][0]
    assert (function["function"], function["country"], function["category"]) == \
        ("Prime Minister", "cn", "head_of_government")
    assert "China's Prime Minister Li Keqiang agreed" in function["excerpt"]
    assert function["excerpt"][function["start"]:function["end"]] == "Li Keqiang"
    assert function["article_title"] == "US and China to cooperate in tackling North Korea threat"
    # Stored with the mention and with the entity.
    entity = store.get_entity(sample_db, "Li Keqiang")
    assert entity["functions"] == [{"function": "Prime Minister", "category": "head_of_government", "country": "cn",
                                    "mentions": 1}]
    assert [(m["function"], m["function_country"]) for m in entity["mentions"] if m["function"]] == \
        [("Prime Minister", "cn")]
    obama = store.evidence(store.get_entity(sample_db, "Barack Obama"))
    assert alerts.classify(obama) == "pep" and obama["functions"][0]["function"] == "President"
    assert obama["functions"][0]["country"] == "us"

    liaoning = store.evidence(store.get_entity(sample_db, "Liaoning Hongxiang"))
    assert alerts.classify(liaoning) == "adverse media" and liaoning["functions"] == []
    assert {"sanctions", "proliferation"} <= set(liaoning["risk_categories"]) and liaoning["stage"]
    # Priority: class first, then stage and relevance, then score.
    assert alerts.priority("pep", li, 0.71) > alerts.priority("adverse media", liaoning, 1.0)
    assert alerts.priority("adverse media", liaoning, 1.0) > alerts.priority("mention", {"relevance": 0}, 1.0)
    assert alerts.priority("pep", li, 0.9) > alerts.priority("pep", li, 0.8)


# --- a run: classes stored, mentions counted on the row, the policy recorded ------------------------------------

def test_a_run_classes_every_hit_and_mentions_do_not_alert_by_default(watchlist, tmp_path):
    _path, db = watchlist
    run_id = screen.screen(db, screen.prepare(write_xlsx(tmp_path / "c.xlsx", CLIENTS)), actor="tester")
    run = runs.get_run(db, run_id)
    assert run["alert_classes"] == ["sanctions", "pep", "adverse media"]
    hits = by_client(db, run_id)

    abbas = hits["ABBAS, Abu"]
    assert [(h["alert_class"], h["source"], h["list_id"], h["programs"]) for h in abbas][:1] == \
        [("sanctions", "ofac-sdn", "2674", ["SDGT"])]
    assert abbas[0]["risk_categories"] == ["sanctions", "terrorism"] and abbas[0]["relevance"] is None
    li = next(h for h in hits["Keqiang Li"] if h["entity_name"] == "Li Keqiang")
    assert li["alert_class"] == "pep" and li["functions"][0]["function"] == "Prime Minister"
    assert li["functions"][0]["country"] == "cn" and "Li Keqiang" in li["functions"][0]["excerpt"]
    assert {h["alert_class"] for h in hits["Liaoning Hongxiang Industrial Group"]} == {"adverse media"}

    # The person named only in passing does not alert: no hit, counted on the row, still found by a search.
    assert hits["Margaret Pennywhistle"] == []
    row = next(r for r in runs.iter_rows(db, run_id) if r["name"] == "Margaret Pennywhistle")
    assert row["status"] == "screened" and row["news_mentions"] == 1 and row["hit_count"] == 0
    assert run["rows_named_in_news"] >= 1 and run["class_counts"]["mention"] == 0
    assert run["class_counts"]["sanctions"] >= 1 and run["class_counts"]["pep"] >= 1
    found = search.search(db, "Margaret Pennywhistle")["results"]
    assert found and found[0]["alert_class"] == "mention"

    # Every hit has a priority; sanctions before PEP before adverse media.
    ordered, _ = runs.query_hits(db, run_id, per_page=500)
    classes = [h["alert_class"] for h in ordered]
    assert classes == sorted(classes, key=alerts.CLASSES.index)
    assert all(h["priority"] is not None for h in ordered)

    # An administrator may make mentions alert: the next run stores them, and says so.
    policy.set_value(db, "alert_classes", "sanctions, pep, adverse media, mention", actor="admin")
    run_id = screen.screen(db, screen.prepare(write_xlsx(tmp_path / "c.xlsx", CLIENTS)), actor="tester")
    assert runs.get_run(db, run_id)["alert_classes"] == ["sanctions", "pep", "adverse media", "mention"]
    assert [h["alert_class"] for h in by_client(db, run_id)["Margaret Pennywhistle"]] == ["mention"]


def test_the_alerting_classes_setting_is_checked_and_sanctions_always_alert():
    assert policy.check("alert_classes", "mention, SANCTIONS") == "sanctions, mention"
    assert policy.check("alert_classes", ["pep", "sanctions"]) == "sanctions, pep"
    for raw, words in (("pep, adverse media", "'sanctions' must always be one of them"),
                       ("sanctions, gossip", "unknown value 'gossip'"), ("", "give one or more of")):
        with pytest.raises(policy.PolicyError, match=words):
            policy.check("alert_classes", raw)
    assert policy.resolve(None).alerting == ("sanctions", "pep", "adverse media")


def test_the_admin_page_sets_the_alerting_classes_with_checkboxes(web_app, signed_in):
    admin = signed_in("admin")
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert 'type="checkbox" name="alert_classes" value="mention"' in page
    assert re.search(r'value="sanctions" checked required', page)
    res = admin.post("/admin/settings", data={"csrf_token": admin.csrf, "alert_classes": ["", "sanctions", "pep",
                                                                                          "mention"]})
    assert res.status_code == 302
    db = dbmod.connect(web_app.config["DB_PATH"])
    assert policy.value(db, "alert_classes") == "sanctions, pep, mention"
    db.close()
    res = admin.post("/admin/settings", data={"csrf_token": admin.csrf, "alert_classes": ["", "pep"]})
    assert res.status_code == 400 and "must always be one of them" in html.unescape(res.get_data(as_text=True))


# --- the pages, the API and the report ----------------------------------------------------------------------------

def test_pages_and_api_show_sort_and_filter_by_class_source_and_risk(watchlist, web_app, signed_in, tmp_path):
    _path, db = watchlist
    run_id = screen.screen(db, screen.prepare(write_xlsx(tmp_path / "c.xlsx", CLIENTS)), actor="tester")
    every, _ = runs.query_hits(db, run_id, per_page=500)
    by_class = {c: [h["id"] for h in every if h["alert_class"] == c] for c in alerts.CLASSES}
    client = signed_in("analyst")

    # The run page: badges in words, priority order by default, a filter by class.
    page = client.get(f"/runs/{run_id}").get_data(as_text=True)
    assert hit_ids(page) == [h["id"] for h in every]
    assert '<span class="badge class-sanctions">Sanctions</span>' in page and ">PEP</span>" in page
    assert '<span class="badge program">SDGT</span>' in page and "Also named in news" in page
    assert hit_ids(client.get(f"/runs/{run_id}?class=pep").get_data(as_text=True)) == by_class["pep"]
    assert hit_ids(client.get(f"/runs/{run_id}?source=ofac-sdn").get_data(as_text=True)) == by_class["sanctions"]
    res = client.get(f"/runs/{run_id}?class=gossip")
    assert res.status_code == 400
    assert "class must be one of: sanctions, pep, adverse media, mention (got 'gossip')" in \
        html.unescape(res.get_data(as_text=True))

    # The hit page of the PEP: its function, with the excerpt that says so.
    li = next(h for h in every if h["entity_name"] == "Li Keqiang")
    page = html.unescape(client.get(f"/hits/{li['id']}").get_data(as_text=True))
    assert "Public functions (PEP)" in page and "<strong>Prime Minister</strong> · CN" in page
    assert "China's Prime Minister <mark>Li Keqiang</mark> agreed" in page

    # The work queue: classes, sources and risk categories; /queue/?risk=sanctions is no longer ignored.
    page = client.get("/queue/").get_data(as_text=True)
    assert hit_ids(page) == [h["id"] for h in every]
    assert hit_ids(client.get("/queue/?class=sanctions").get_data(as_text=True)) == by_class["sanctions"]
    sanctioned = hit_ids(client.get("/queue/?risk=sanctions").get_data(as_text=True))
    assert set(by_class["sanctions"]) <= set(sanctioned) and set(by_class["adverse media"]) <= set(sanctioned)
    assert set(sanctioned) == {h["id"] for h in every if "sanctions" in h["risk_categories"]}
    assert hit_ids(client.get("/queue/?source=news&class=pep").get_data(as_text=True)) == by_class["pep"]
    res = client.get("/queue/?risk=sanction&source=nowhere")
    page = html.unescape(res.get_data(as_text=True))
    assert res.status_code == 400 and "risk must be one of: sanctions, proliferation" in page
    assert "source must be one of: news, ofac-sdn (got 'nowhere')" in page

    # The API: the class and priority of each hit, sorted by priority, filtered; an unknown value is a 400.
    user = accounts.add_user(db, "api-viewer", "auditor")[0]
    bearer = {"Authorization": f"Bearer {accounts.create_token(db, user['id'], 'tests')[1]}"}
    api = web_app.test_client()
    body = api.get(f"/api/runs/{run_id}/hits?per_page=500", headers=bearer).get_json()
    assert [h["id"] for h in body["hits"]] == [h["id"] for h in every]
    assert {h["alert_class"] for h in body["hits"]} == {"sanctions", "pep", "adverse media"}
    assert all(isinstance(h["priority"], float) for h in body["hits"])
    body = api.get(f"/api/runs/{run_id}/hits?class=pep", headers=bearer).get_json()
    assert [h["id"] for h in body["hits"]] == by_class["pep"] and body["hits"][0]["functions"]
    res = api.get(f"/api/runs/{run_id}/hits?class=gossip&risk=nope", headers=bearer)
    assert res.status_code == 400 and res.get_json()["message"].startswith(
        "class must be one of: sanctions, pep, adverse media, mention (got 'gossip'); risk must be one of:")
    run_json = api.get(f"/api/runs/{run_id}", headers=bearer).get_json()
    assert run_json["alert_classes"] == ["sanctions", "pep", "adverse media"]
    assert run_json["class_counts"]["pep"] == len(by_class["pep"]) and run_json["rows_named_in_news"] >= 1
    rows = api.get(f"/api/runs/{run_id}/rows", headers=bearer).get_json()["rows"]
    assert next(r for r in rows if r["name"] == "Margaret Pennywhistle")["news_mentions"] == 1


def test_the_report_shows_the_class_the_functions_and_the_rows_named_in_news(watchlist, tmp_path):
    _path, db = watchlist
    run_id = screen.screen(db, screen.prepare(write_xlsx(tmp_path / "c.xlsx", CLIENTS)), actor="tester")
    out = tmp_path / "report.xlsx"
    screen.write_run_report(db, run_id, out, actor="tester")
    wb = load_workbook(out, read_only=True)
    hits = list(wb["Hits"].iter_rows(values_only=True))
    head = hits[0]
    rows = [dict(zip(head, r)) for r in hits[1:]]
    assert {r["Class"] for r in rows} == {"Sanctions", "PEP", "Adverse media"}
    li = next(r for r in rows if r["Matched entity"] == "Li Keqiang")
    assert li["PEP functions"].startswith("Prime Minister (cn): ") and "Li Keqiang" in li["PEP functions"]
    records = list(wb["Records"].iter_rows(values_only=True))
    named = dict(zip(records[0], next(r for r in records if r[2] == "Margaret Pennywhistle")))
    assert named["Also named in news"] == 1 and named["Hits"] == 0
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True) if len(r) > 1 and r[0]}
    assert summary["Classes that alert"] == "Sanctions, PEP, Adverse media"
    assert summary["Rows also named in news (not alerting)"] >= 1
    assert "PEP" in summary["Hits by class"]
    wb.close()


def test_json_export_carries_classes_and_named_in_news(watchlist, tmp_path):
    import json

    _path, db = watchlist
    run_id = screen.screen(db, screen.prepare(write_xlsx(tmp_path / "c.xlsx", CLIENTS)), actor="tester")
    buffer = io.StringIO()
    screen.write_run_json(db, run_id, buffer)
    data = json.loads(buffer.getvalue())
    assert data["run"]["alert_classes"] == ["sanctions", "pep", "adverse media"]
    rows = {r["name"]: r for r in data["rows"]}
    assert rows["Margaret Pennywhistle"]["news_mentions"] == 1 and rows["Margaret Pennywhistle"]["hits"] == []
    assert rows["ABBAS, Abu"]["hits"][0]["alert_class"] == "sanctions"


def test_a_pep_list_marks_its_entries_as_peps_and_a_csv_lists_programs_as_badges(sample_copy, tmp_path):
    peps = tmp_path / "peps.csv"
    peps.write_text("Name;Type;Country;Programme;ID\n"
                    "Halvard Brennsund;person;NO;PEP;P-1\n"
                    "Brennsund Shipping AS;organization;NO;UKRAINE-EO13662;P-2\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["--db", str(sample_copy), "watchlist", "import", str(peps), "--format", "csv",
                                   "--name", "Domestic PEPs"])
    assert res.exit_code == 0, res.output
    db = dbmod.connect(sample_copy)
    clients = write_xlsx(tmp_path / "c.xlsx", [["Customer ID", "Customer Name"], ["C-1", "Halvard Brennsund"],
                                               ["C-2", "Brennsund Shipping AS"]])
    run_id = screen.screen(db, screen.prepare(clients), actor="ana")
    hits = {name: found[0] for name, found in by_client(db, run_id).items() if found}
    person, company = hits["Halvard Brennsund"], hits["Brennsund Shipping AS"]
    assert person["alert_class"] == "pep" and person["programs"] == ["PEP"] and person["source"] == "Domestic PEPs"
    assert company["alert_class"] == "sanctions" and company["programs"] == ["UKRAINE-EO13662"]
    assert person["priority"] < company["priority"]
    db.close()
