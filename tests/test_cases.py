"""Four eyes and suppression of cleared false positives: who may approve what, a hit's effective status, an alert
kept suppressed on an unchanged re-run and returned "changed since cleared" when either side changes; the run's
counts, its Excel report and the audit trail."""
from __future__ import annotations

import json
import re
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from screening.service import screen
from screening.store import audit, runs
from screening.store import db as dbmod

HEADER = ["Customer ID", "Customer Name", "Customer Type", "Nationality", "Date of Birth"]
LIAONING = ["C-1", "LIAONING HONGXIANG INDUSTRIAL DEVELOPMENT CO., LTD.", "Company", "China", None]
LI = ["C-2", "Keqiang Li", "Individual", "CN", date(1955, 7, 1)]
ARTICLE = {"title": "Liaoning Hongxiang executives charged", "source": "Harbour Times", "published": "2026-11-02",
           "url": "https://news.example/liaoning-hongxiang-charged",
           "text": "Liaoning Hongxiang executives charged\n\nProsecutors charged Liaoning Hongxiang with money "
                   "laundering and sanctions evasion on Monday. Liaoning Hongxiang denies the charges."}
FP_REASON = "common name, nothing else in common"
TM_REASON = "same name, confirmed by other sources"


@pytest.fixture
def db(sample_copy):
    database = dbmod.connect(sample_copy)
    yield database
    database.close()


def run_file(db, tmp_path, rows, name="clients.xlsx", actor="ana") -> int:
    wb = Workbook()
    ws = wb.active
    for r in [HEADER, *rows]:
        ws.append(r)
    wb.save(tmp_path / name)
    return screen.screen(db, screen.prepare(tmp_path / name), actor=actor)


def hit_of(db, run_id, client_id) -> dict:
    return next(h for h in runs.iter_hits(db, run_id) if (h["client_id"] or None) == client_id)


def sheet(wb, name) -> list[dict]:
    rows = list(wb[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def summary(wb) -> dict:
    return {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True) if r and r[0]}


def test_a_true_match_waits_for_a_reviewer_other_than_its_author(db, tmp_path):
    run_id = run_file(db, tmp_path, [LIAONING, LI])
    hit = hit_of(db, run_id, "C-1")
    assert hit["status"] == runs.PENDING and hit["client_key"] == "id:C-1" and len(hit["entity_fingerprint"]) == 64
    decision_id = runs.add_decision(db, hit["id"], "true match", TM_REASON, actor="ana", comment="DoJ action")
    assert runs.get_hit(db, hit["id"])["status"] == runs.PENDING_APPROVAL
    queue, total = runs.pending_approvals(db)
    assert total == 1 and queue[0]["id"] == decision_id and queue[0]["actor"] == "ana"
    assert queue[0]["client_name"] == LIAONING[1] and queue[0]["file_name"] == "clients.xlsx"
    assert runs.get_run(db, run_id)["pending_approval"] == 1
    assert [h["id"] for h in runs.query_hits(db, run_id, status=runs.PENDING_APPROVAL)[0]] == [hit["id"]]

    # The author cannot approve, even as a reviewer; an analyst cannot approve at all.
    with pytest.raises(runs.ApprovalError, match="yourself"):
        runs.approve(db, decision_id, "ana", "reviewer")
    with pytest.raises(runs.ApprovalError, match="only a reviewer"):
        runs.approve(db, decision_id, "bob", {"name": "bob", "role": "analyst"})
    with pytest.raises(runs.ApprovalError, match="only a reviewer"):
        runs.reject(db, decision_id, "carl", "auditor")
    assert runs.get_hit(db, hit["id"])["status"] == runs.PENDING_APPROVAL

    runs.approve(db, decision_id, "rita", {"name": "rita", "role": "reviewer"}, comment="checked the filing")
    found = runs.get_hit(db, hit["id"])
    assert found["status"] == "true match"
    assert found["decision"]["approval"]["actor"] == "rita" and found["decision"]["approval"]["verdict"] == "approved"
    assert runs.pending_approvals(db) == ([], 0)
    with pytest.raises(runs.ApprovalError, match="approved already, by rita"):
        runs.reject(db, decision_id, "rex", "reviewer")
    assert runs.get_run(db, run_id)["status_counts"]["true match"] == 1

    # A decision that needs no approval (escalate, a false positive without suppression) counts at once.
    li = hit_of(db, run_id, "C-2")
    with pytest.raises(runs.DecisionError, match="only a false positive"):
        runs.add_decision(db, li["id"], "escalate", "needs senior review", actor="ana", suppress=True)
    plain = runs.add_decision(db, li["id"], "escalate", "needs senior review", actor="ana")
    assert runs.get_hit(db, li["id"])["status"] == "escalate"
    with pytest.raises(runs.ApprovalError, match="does not need approval"):
        runs.approve(db, plain, "rita", "reviewer")

    report = tmp_path / "report.xlsx"
    screen.write_run_report(db, run_id, report, actor="auditor-al")
    wb = load_workbook(report)
    assert wb.sheetnames[-1] == "Audit"
    decisions = {d["Decision ID"]: d for d in sheet(wb, "Decisions")}
    assert decisions[decision_id]["By"] == "ana" and decisions[decision_id]["Approved/rejected by"] == "rita"
    assert decisions[decision_id]["Verdict"] == "approved" and decisions[decision_id]["Needs approval"] == "yes"
    assert decisions[plain]["Needs approval"] == "no" and decisions[plain]["Verdict"] is None
    assert {h["Hit ID"]: h["Status"] for h in sheet(wb, "Hits")}[hit["id"]] == "true match"
    actions = [(a["Action"], a["Actor"]) for a in sheet(wb, "Audit")]
    assert actions[:2] == [("run.started", "ana"), ("run.completed", "ana")]
    assert ("decision.recorded", "ana") in actions and ("decision.approved", "rita") in actions
    assert audit.verify(db).ok


def test_a_rejected_decision_leaves_the_hit_pending_and_a_replaced_one_is_not_asked_about(db, tmp_path):
    run_id = run_file(db, tmp_path, [LIAONING])
    hit = hit_of(db, run_id, "C-1")
    first = runs.add_decision(db, hit["id"], "false positive", FP_REASON, actor="ana", suppress=True)
    runs.reject(db, first, "rita", "reviewer", comment="the country matches")
    found = runs.get_hit(db, hit["id"])
    assert found["status"] == runs.PENDING and found["decision"]["approval"]["verdict"] == "rejected"
    assert db.execute("SELECT count(*) FROM suppressions").fetchone()[0] == 0
    assert [h["id"] for h in runs.query_hits(db, run_id, status=runs.PENDING)[0]] == [hit["id"]]
    second = runs.add_decision(db, hit["id"], "true match", TM_REASON, actor="ana")
    third = runs.add_decision(db, hit["id"], "true match", TM_REASON, actor="bob")
    assert [d["id"] for d in runs.pending_approvals(db)[0]] == [third]
    with pytest.raises(runs.ApprovalError, match="replaced by a later decision"):
        runs.approve(db, second, "rita", "reviewer")
    entries = [e["action"] for e in audit.run_entries(db, run_id)]
    assert "decision.rejected" in entries
    assert json.loads(db.execute("SELECT details FROM audit_log WHERE action = 'decision.recorded' AND object_id = ?",
                                 [str(first)]).fetchone()[0])["suppress"] is True
    assert audit.verify(db).ok


def clear_with_suppression(db, run_id, client_id="C-1") -> tuple[dict, int]:
    hit = hit_of(db, run_id, client_id)
    decision_id = runs.add_decision(db, hit["id"], "false positive", FP_REASON, actor="ana", suppress=True)
    assert db.execute("SELECT count(*) FROM suppressions").fetchone()[0] == 0     # not before the approval
    runs.approve(db, decision_id, "rita", "reviewer")
    return hit, decision_id


def test_a_suppressed_alert_stays_suppressed_until_the_entity_gains_an_adverse_mention(db, tmp_path):
    from screening.service import ingest

    first = run_file(db, tmp_path, [LIAONING, LI])
    hit, decision_id = clear_with_suppression(db, first)
    assert runs.get_hit(db, hit["id"])["status"] == "false positive"
    (suppression,) = db.query("SELECT * FROM suppressions")
    assert suppression["decision_id"] == decision_id and suppression["client_key"] == "id:C-1"
    assert suppression["entity_id"] == hit["entity_id"] and suppression["lifted_at"] is None

    # The same file again: the alert is stored, suppressed, counted, and hidden unless asked for.
    again = run_file(db, tmp_path, [LIAONING, LI])
    run = runs.get_run(db, again)
    assert run["suppressed"] == 1 and run["hits"] == 2 and run["status_counts"]["suppressed"] == 1
    kept = hit_of(db, again, "C-1")
    assert kept["suppression_id"] == suppression["id"] and kept["status"] == runs.SUPPRESSED
    assert kept["changed_since_decision"] is None
    shown, total = runs.query_hits(db, again)
    assert total == 1 and [h["client_id"] for h in shown] == ["C-2"]
    assert runs.query_hits(db, again, show_suppressed=True)[1] == 2
    assert [h["id"] for h in runs.query_hits(db, again, status=runs.SUPPRESSED)[0]] == [kept["id"]]
    page = runs.get_hit(db, kept["id"])
    assert page["suppression"]["decision"]["id"] == decision_id and page["suppression"]["decision"]["actor"] == "ana"
    report = tmp_path / "again.xlsx"
    screen.write_run_report(db, again, report, actor="al")
    wb = load_workbook(report)
    assert summary(wb)["Hits suppressed (cleared earlier)"] == 1
    hits = {h["Client ID"]: h for h in sheet(wb, "Hits")}
    assert hits["C-1"]["Status"] == "suppressed" and hits["C-1"]["Suppressed by decision"] == decision_id

    # The entity gains an adverse mention: the suppression lifts itself and the alert returns, marked.
    article = tmp_path / "article.json"
    article.write_text(json.dumps(ARTICLE), encoding="utf-8")
    result = ingest.ingest(db, [article])
    assert [o.status for o in result.outcomes] == ["added"]
    third = run_file(db, tmp_path, [LIAONING, LI])
    back = hit_of(db, third, "C-1")
    assert back["entity_id"] == hit["entity_id"] and back["entity_fingerprint"] != hit["entity_fingerprint"]
    assert back["suppression_id"] is None and back["changed_since_decision"] == decision_id
    assert back["status"] == runs.PENDING and runs.get_run(db, third)["suppressed"] == 0
    page = runs.get_hit(db, back["id"])
    assert page["changed_since"]["id"] == decision_id and page["changed_since"]["decision"] == "false positive"
    assert page["changed_since"]["approval"]["actor"] == "rita"
    (lifted,) = db.query("SELECT * FROM suppressions")
    assert lifted["lifted_at"] and lifted["lifted_reason"] == "the entity changed: new mentions/aliases/risk categories"
    assert "suppression.lifted" in [e["action"] for e in audit.run_entries(db, third)]
    # Later runs keep showing it as changed since cleared (the suppression stays lifted).
    fourth = run_file(db, tmp_path, [LIAONING, LI])
    assert hit_of(db, fourth, "C-1")["changed_since_decision"] == decision_id
    actions = [e["action"] for e in audit.run_entries(db, first)]
    assert {"decision.recorded", "decision.approved", "suppression.created"} <= set(actions)
    assert audit.verify(db).ok


def test_a_suppressed_alert_comes_back_when_the_client_data_changes(db, tmp_path):
    first = run_file(db, tmp_path, [LIAONING, LI])
    hit, decision_id = clear_with_suppression(db, first, "C-2")
    assert hit_of(db, run_file(db, tmp_path, [LI]), "C-2")["status"] == runs.SUPPRESSED
    born_later = [*LI[:4], date(1955, 7, 2)]
    changed = run_file(db, tmp_path, [born_later], name="clients-v2.xlsx")
    back = hit_of(db, changed, "C-2")
    assert back["suppression_id"] is None and back["changed_since_decision"] == decision_id
    (lifted,) = db.query("SELECT * FROM suppressions")
    assert lifted["lifted_reason"] == "the client's data changed"
    assert audit.verify(db).ok


def test_a_client_without_an_id_is_known_by_its_name_and_attributes(db, tmp_path):
    from screening.store import cases

    no_id = ["", "Keqiang  LI", "Individual", "cn", date(1955, 7, 1)]
    first = run_file(db, tmp_path, [no_id])
    hit, decision_id = clear_with_suppression(db, first, None)
    assert hit["client_key"] == "name:keqiang li|person|cn|1955-07-01"
    assert hit_of(db, run_file(db, tmp_path, [["", "Keqiang Li", "Individual", "China", date(1955, 7, 1)]]),
                  None)["status"] == runs.SUPPRESSED
    key, fingerprint = cases.client_identity(None, "Keqiang Li", "person", ["cn"], "1955-07-01")
    assert cases.client_identity("", "keqiang li", "person", ("CN",), "1955-07-01") == (key, fingerprint)
    assert cases.client_identity("X-9", "Keqiang Li", "person", ["cn"], "1955-07-02")[0] == "id:X-9"


# --- the web pages -------------------------------------------------------------------------------------------

def test_the_web_four_eyes_path_and_suppressed_hits_on_the_run_page(web_app, signed_in, tmp_path):
    db = dbmod.connect(web_app.config["DB_PATH"])
    run_id = run_file(db, tmp_path, [LIAONING, LI])
    liaoning, li = hit_of(db, run_id, "C-1"), hit_of(db, run_id, "C-2")
    db.close()
    analyst, reviewer, other = signed_in("analyst", "ana"), signed_in("reviewer", "rita"), signed_in("reviewer", "rex")
    page = analyst.get(f"/hits/{liaoning['id']}").get_data(as_text=True)
    assert "Suppress this alert in later runs" in page and "needs a reviewer's approval" in page
    res = analyst.post(f"/hits/{liaoning['id']}/decide", data={"csrf_token": analyst.csrf, "decision": "escalate",
                                                                "reason": "needs senior review", "suppress": "1"})
    assert res.status_code == 400 and "only a false positive" in res.get_data(as_text=True)
    res = analyst.post(f"/hits/{liaoning['id']}/decide", data={
        "csrf_token": analyst.csrf, "decision": "false positive", "reason": FP_REASON, "suppress": "1"})
    assert res.status_code == 302
    page = analyst.get(f"/hits/{liaoning['id']}").get_data(as_text=True)
    assert "pending approval" in page and "formaction" not in page       # no approve buttons for an analyst
    assert analyst.get("/approvals").status_code == 403
    decision_id = runs.pending_approvals(dbmod.connect(web_app.config["DB_PATH"]))[0][0]["id"]
    assert analyst.post(f"/decisions/{decision_id}/approve", data={"csrf_token": analyst.csrf}).status_code == 403

    # The approvals queue links to the hit; the reviewer approves with a comment.
    queue = reviewer.get("/approvals").get_data(as_text=True)
    assert f'href="/hits/{liaoning["id"]}"' in queue and "suppress later alerts" in queue and "ana" in queue
    page = reviewer.get(f"/hits/{liaoning['id']}").get_data(as_text=True)
    assert f'formaction="/decisions/{decision_id}/approve"' in page
    res = reviewer.post(f"/decisions/{decision_id}/approve", data={"csrf_token": reviewer.csrf,
                                                                   "comment": "different company"})
    assert res.status_code == 302 and res.headers["Location"].endswith(f"/hits/{liaoning['id']}")
    page = reviewer.get(f"/hits/{liaoning['id']}").get_data(as_text=True)
    assert "approved by rita" in page and "different company" in page
    assert "Nothing waits for approval." in reviewer.get("/approvals").get_data(as_text=True)

    # A reviewer's own true match: no buttons for them, refused if posted; another reviewer rejects it.
    reviewer.post(f"/hits/{li['id']}/decide", data={"csrf_token": reviewer.csrf, "decision": "true match",
                                                     "reason": TM_REASON})
    db = dbmod.connect(web_app.config["DB_PATH"])
    own = runs.pending_approvals(db)[0][0]["id"]
    page = reviewer.get(f"/hits/{li['id']}").get_data(as_text=True)
    assert "You recorded this decision" in page and "formaction" not in page
    reviewer.post(f"/decisions/{own}/approve", data={"csrf_token": reviewer.csrf})
    assert "yourself" in reviewer.get(f"/hits/{li['id']}").get_data(as_text=True)
    assert runs.get_hit(db, li["id"])["status"] == runs.PENDING_APPROVAL
    other.post(f"/decisions/{own}/reject", data={"csrf_token": other.csrf, "next": "approvals"})
    assert runs.get_hit(db, li["id"])["status"] == runs.PENDING

    # The same file again: the cleared alert is suppressed, hidden by default, shown on request.
    again = run_file(db, tmp_path, [LIAONING, LI])
    kept = hit_of(db, again, "C-1")
    db.close()
    page = analyst.get(f"/runs/{again}").get_data(as_text=True)
    assert f'href="/hits/{kept["id"]}"' not in page and "Show suppressed (1)" in page
    page = analyst.get(f"/runs/{again}?show_suppressed=1").get_data(as_text=True)
    assert f'href="/hits/{kept["id"]}"' in page and f"suppressed by decision {decision_id}" in page
    page = analyst.get(f"/runs/{again}?status=suppressed").get_data(as_text=True)
    assert f'href="/hits/{kept["id"]}"' in page
    page = analyst.get(f"/hits/{kept['id']}").get_data(as_text=True)
    assert f"Suppressed by decision {decision_id}" in page and "approved by rita" in page
    page = analyst.get(f"/runs/{again}").get_data(as_text=True)
    assert re.search(r'data-field="suppressed">1<', page) and re.search(r'data-field="pending_approval">0<', page)
