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
from screening.store import audit, identity, rekey, runs
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


def run_file(db, tmp_path, rows, name="clients.xlsx", actor="ana", header=HEADER, columns=None) -> int:
    wb = Workbook()
    ws = wb.active
    for r in [header, *rows]:
        ws.append(r)
    wb.save(tmp_path / name)
    return screen.screen(db, screen.prepare(tmp_path / name, columns=columns), actor=actor)


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
    no_id = ["", "Keqiang  LI", "Individual", "cn", date(1955, 7, 1)]
    first = run_file(db, tmp_path, [no_id])
    hit, decision_id = clear_with_suppression(db, first, None)
    assert hit["client_key"] == "name:keqiang li|cn|1955-07-01"
    assert hit_of(db, run_file(db, tmp_path, [["", "Keqiang Li", "Individual", "China", date(1955, 7, 1)]]),
                  None)["status"] == runs.SUPPRESSED
    key, fingerprint = identity.client_identity(None, "Keqiang Li", ["cn"], "1955-07-01")
    assert identity.client_identity("", "keqiang li", ("CN",), "1955-07-01") == (key, fingerprint)
    assert identity.client_identity("X-9", "Keqiang Li", ["cn"], "1955-07-02")[0] == "id:X-9"


# --- earlier decisions carried to later runs ------------------------------------------------------------------

def confirm_true_match(db, run_id, client_id="C-1") -> tuple[dict, int]:
    hit = hit_of(db, run_id, client_id)
    decision_id = runs.add_decision(db, hit["id"], "true match", TM_REASON, actor="ana", comment="DoJ filing")
    runs.approve(db, decision_id, "rita", {"name": "rita", "role": "reviewer"})
    return hit, decision_id


def test_a_confirmed_true_match_is_confirmed_earlier_in_the_next_run_and_counted_apart(db, tmp_path):
    first = run_file(db, tmp_path, [LIAONING, LI])
    confirmed, decision_id = confirm_true_match(db, first)
    again = run_file(db, tmp_path, [LIAONING, LI])
    hit = hit_of(db, again, "C-1")
    assert hit["status"] == runs.CONFIRMED_EARLIER and hit["confirmed_earlier"] == 1
    earlier = hit["earlier_decision"]
    assert earlier["id"] == decision_id and earlier["decision"] == "true match" and earlier["actor"] == "ana"
    assert earlier["approval"]["actor"] == "rita" and earlier["hit_id"] == confirmed["id"]
    run = runs.get_run(db, again)
    assert run["confirmed_earlier"] == 1 and run["status_counts"][runs.CONFIRMED_EARLIER] == 1
    assert run["pending"] == 1                       # Li Keqiang only: the confirmed one is not pending again
    assert [h["client_id"] for h in runs.query_hits(db, again, status=runs.PENDING)[0]] == ["C-2"]
    assert [h["client_id"] for h in runs.query_hits(db, again, status=runs.CONFIRMED_EARLIER)[0]] == ["C-1"]
    listed = {r["id"]: r for r in runs.page_runs(db)[0]}
    assert listed[again]["pending"] == 1
    # The report says it in words, and counts it apart.
    report = tmp_path / "again.xlsx"
    screen.write_run_report(db, again, report, actor="al")
    wb = load_workbook(report)
    assert summary(wb)["Hits confirmed earlier (true match)"] == 1
    row = {h["Client ID"]: h for h in sheet(wb, "Hits")}["C-1"]
    assert row["Status"] == "confirmed earlier"
    assert re.fullmatch(r"true match on \d{4}-\d\d-\d\d by ana, approved by rita \(decision \d+, run \d+\)",
                        row["Earlier decision"])
    # An analyst can still decide on it: the new decision is the one in force from then on.
    runs.add_decision(db, hit["id"], "escalate", "needs senior review", actor="bob")
    assert runs.get_hit(db, hit["id"])["status"] == "escalate"
    third = hit_of(db, run_file(db, tmp_path, [LIAONING]), "C-1")
    assert third["status"] == runs.PENDING and third["earlier_decision"]["decision"] == "escalate"


def test_a_true_match_waiting_for_approval_or_rejected_is_not_carried(db, tmp_path):
    first = run_file(db, tmp_path, [LIAONING])
    hit = hit_of(db, first, "C-1")
    waiting = runs.add_decision(db, hit["id"], "true match", TM_REASON, actor="ana")
    second = hit_of(db, run_file(db, tmp_path, [LIAONING]), "C-1")
    assert second["status"] == runs.PENDING and second["earlier_decision"] is None
    runs.reject(db, waiting, "rita", "reviewer", comment="not enough")
    third = hit_of(db, run_file(db, tmp_path, [LIAONING]), "C-1")
    assert third["status"] == runs.PENDING and third["earlier_decision"] is None


def test_a_confirmed_true_match_needs_a_new_decision_when_the_client_changed(db, tmp_path):
    first = run_file(db, tmp_path, [LI])
    _, decision_id = confirm_true_match(db, first, "C-2")
    born_later = [*LI[:4], date(1955, 7, 2)]
    hit = hit_of(db, run_file(db, tmp_path, [born_later]), "C-2")
    assert hit["status"] == runs.PENDING and hit["changed_since_decision"] == decision_id
    assert hit["earlier_decision"]["id"] == decision_id
    assert runs.get_hit(db, hit["id"])["changed_since"]["decision"] == "true match"


def test_a_decision_without_approval_is_shown_and_the_alert_stays_pending(db, tmp_path):
    first = run_file(db, tmp_path, [LIAONING])
    hit = hit_of(db, first, "C-1")
    decision_id = runs.add_decision(db, hit["id"], "false positive", FP_REASON, actor="ana")
    again = hit_of(db, run_file(db, tmp_path, [LIAONING]), "C-1")
    assert again["status"] == runs.PENDING and again["earlier_decision"]["id"] == decision_id
    assert again["earlier_decision"]["approval"] is None and again["confirmed_earlier"] == 0


@pytest.mark.parametrize("client", [LI, ["", *LI[1:]]], ids=["with an ID", "without an ID"])
def test_a_remapped_type_column_lifts_no_suppression_and_no_confirmation(db, tmp_path, client):
    client_id = client[0] or None
    first = run_file(db, tmp_path, [client])
    clear_with_suppression(db, first, client_id)
    # The same clients, the type column now left out of the mapping, and then under another header.
    unmapped = run_file(db, tmp_path, [client], name="no-type.xlsx",
                        columns={"name": "Customer Name", "client_id": "Customer ID", "country": ["Nationality"],
                                 "birth_date": "Date of Birth"})
    found = hit_of(db, unmapped, client_id)
    assert runs.get_run(db, unmapped)["mapping"].get("type") is None
    assert found["status"] == runs.SUPPRESSED and found["changed_since_decision"] is None
    renamed = ["Customer ID", "Customer Name", "Segment", "Nationality", "Date of Birth"]
    again = hit_of(db, run_file(db, tmp_path, [[*client[:2], "Retail", *client[3:]]], name="segment.xlsx",
                                header=renamed), client_id)
    assert again["status"] == runs.SUPPRESSED
    assert db.execute("SELECT count(*) FROM suppressions WHERE lifted_at IS NOT NULL").fetchone()[0] == 0
    assert "suppression.lifted" not in [e["action"] for e in audit.entries(db)]


def test_approving_a_true_match_lifts_an_earlier_suppression_of_the_same_alert(db, tmp_path):
    first = run_file(db, tmp_path, [LIAONING])
    clear_with_suppression(db, first)
    second = hit_of(db, run_file(db, tmp_path, [LIAONING]), "C-1")
    assert second["status"] == runs.SUPPRESSED
    decision_id = runs.add_decision(db, second["id"], "true match", TM_REASON, actor="bob")
    runs.approve(db, decision_id, "rita", "reviewer")
    (lifted,) = db.query("SELECT * FROM suppressions")
    assert lifted["lifted_reason"] == "a later decision confirmed a true match on the same alert"
    third = hit_of(db, run_file(db, tmp_path, [LIAONING]), "C-1")
    assert third["status"] == runs.CONFIRMED_EARLIER and third["earlier_decision"]["id"] == decision_id


def test_migration_011_rekeys_clients_stored_with_their_type(db, tmp_path):
    first = run_file(db, tmp_path, [["", *LI[1:]]])
    _, decision_id = clear_with_suppression(db, first, None)
    key = hit_of(db, first, None)["client_key"]
    # As 010 stored them: the type inside the key, and a fingerprint over the type too.
    old_key = "name:keqiang li|person|cn|1955-07-01"
    for table in ("run_rows", "hits", "suppressions"):
        db.execute(f"UPDATE {table} SET client_key = ?", [old_key])
    db.execute("UPDATE run_rows SET client_fingerprint = 'old'")
    db.execute("UPDATE suppressions SET client_fingerprint = 'old'")
    db.conn.commit()
    with dbmod.transaction(db):
        rekey.rekey_clients(db)
    assert {r[0] for r in db.execute("SELECT client_key FROM suppressions")} == {key}
    again = hit_of(db, run_file(db, tmp_path, [["", *LI[1:]]]), None)
    assert again["status"] == runs.SUPPRESSED and again["client_key"] == key


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


def test_a_decision_carried_to_the_next_run_on_the_pages_the_queue_and_the_api(web_app, signed_in, tmp_path):
    from screening.store import accounts

    db = dbmod.connect(web_app.config["DB_PATH"])
    first = run_file(db, tmp_path, [LIAONING, LI])
    _, decision_id = confirm_true_match(db, first)
    li = hit_of(db, first, "C-2")
    fp = runs.add_decision(db, li["id"], "false positive", FP_REASON, actor="ana")
    again = run_file(db, tmp_path, [LIAONING, LI])
    confirmed, pending = hit_of(db, again, "C-1"), hit_of(db, again, "C-2")
    user = accounts.add_user(db, "api-auditor", "auditor")[0]
    _, token = accounts.create_token(db, user["id"], label="tests")
    db.close()
    analyst = signed_in("analyst", "ana")
    page = analyst.get(f"/hits/{confirmed['id']}").get_data(as_text=True)
    assert "Status: <span class=\"decision decision-confirmed-earlier\">confirmed earlier</span>" in page
    assert re.search(r"Confirmed earlier: confirmed true match on .+ by ana, approved by rita", page)
    assert "it is not pending again" in page
    page = analyst.get(f"/hits/{pending['id']}").get_data(as_text=True)
    assert "Decided earlier: false positive" in page and "still needs a decision of its own" in page
    page = analyst.get(f"/runs/{again}").get_data(as_text=True)
    assert re.search(r'data-field="confirmed_earlier">1<', page) and re.search(r'data-field="pending">1<', page)
    assert "earlier: false positive, ana" in page
    queue = analyst.get("/queue/?status=confirmed+earlier").get_data(as_text=True)
    assert f'href="/hits/{confirmed["id"]}"' in queue and f'href="/hits/{pending["id"]}"' not in queue
    queue = analyst.get(f"/queue/?status=pending&run={again}").get_data(as_text=True)
    assert f'href="/hits/{pending["id"]}"' in queue and "earlier: false positive, ana" in queue

    api = web_app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    run = api.get(f"/api/runs/{again}", headers=headers).get_json()
    assert run["confirmed_earlier"] == 1 and run["status_counts"]["confirmed earlier"] == 1 and "lists" in run
    hit = api.get(f"/api/hits/{confirmed['id']}", headers=headers).get_json()
    assert hit["status"] == "confirmed earlier" and hit["earlier_decision"]["id"] == decision_id
    assert hit["earlier_decision"]["approval"]["actor"] == "rita"
    listed = api.get(f"/api/runs/{again}/hits?status=pending", headers=headers).get_json()
    assert [h["earlier_decision"]["id"] for h in listed["hits"]] == [fp]
