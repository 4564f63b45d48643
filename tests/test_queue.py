"""The work queue: alerts across runs filtered by status, assignee, score, risk category, run and entity type;
assignment to those who may decide; bulk false positives (only those, only by roles that may decide, all or
nothing, one decision per alert, audited); and the /queue pages through the Flask test client."""
from __future__ import annotations

import html
import re

import pytest
from openpyxl import Workbook

from screening.service import screen
from screening.store import accounts, audit, runs
from screening.store import db as dbmod
from screening.store import workqueue as queue

RUN_A = [["Name", "Client ID"], ["Liaoning Hongxiang Industrial Group", "A-1"], ["Keqiang Li", "A-2"],
         ["Barack Obama", "A-3"], ["Acme Widgets Ltd", "A-4"]]
RUN_B = [["Name", "Client ID"], ["Liaoning Hongxiang Trading", "B-1"], ["Barak Obama", "B-2"], ["B. Obama", "B-3"]]
FP_REASON = "common name, nothing else in common"


def write_xlsx(path, rows):
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


@pytest.fixture
def two_runs(sample_copy, tmp_path):
    """The sample database with two runs (4 hits in the first, 3 in the second... as the engine scores them), an
    analyst, a second analyst, a reviewer, an auditor and a disabled analyst; yields (db, run_a, run_b)."""
    db = dbmod.connect(sample_copy)
    run_a = screen.screen(db, screen.prepare(write_xlsx(tmp_path / "a.xlsx", RUN_A)), actor="setup")
    run_b = screen.screen(db, screen.prepare(write_xlsx(tmp_path / "b.xlsx", RUN_B)), actor="setup")
    for name, role in (("ana", "analyst"), ("bob", "analyst"), ("rita", "reviewer"), ("otto", "auditor"),
                       ("gone", "analyst"), ("adm", "admin")):
        accounts.add_user(db, name, role, password="correct horse battery")
    accounts.set_disabled(db, accounts.find_user(db, "gone")["id"], True)
    yield db, run_a, run_b
    db.close()


def ids(alerts) -> list[int]:
    return [a["id"] for a in alerts]


def every(db, **filters) -> list[dict]:
    found, total = queue.alerts(db, per_page=500, **filters)
    assert len(found) == total
    return found


def user(db, name):
    return accounts.find_user(db, name)


# --- screening.queue ------------------------------------------------------------------------------------------

def test_alerts_across_runs_filtered_by_run_score_risk_type_and_status(two_runs):
    db, run_a, run_b = two_runs
    alerts = every(db)
    assert {a["run_id"] for a in alerts} == {run_a, run_b}
    assert len(alerts) == db.execute("SELECT count(*) FROM hits").fetchone()[0] >= 5
    # Highest priority first by default (class, then stage and relevance, then score); best score first when asked.
    # Each alert carries its run, client, entity, class and status.
    assert [a["priority"] for a in alerts] == sorted((a["priority"] for a in alerts), reverse=True)
    assert [a["score"] for a in every(db, sort="score")] == sorted((a["score"] for a in alerts), reverse=True)
    first = alerts[0]
    assert {"run_file_name", "row", "client_name", "client_id", "entity_name", "risk_categories", "status",
            "assignee", "alert_class", "priority", "functions"} <= set(first)
    assert all(a["status"] == runs.PENDING and a["decision"] is None for a in alerts)

    assert {a["run_id"] for a in every(db, run_id=run_b)} == {run_b}
    assert len(every(db, run_id=run_a)) + len(every(db, run_id=run_b)) == len(alerts)
    scores = sorted(a["score"] for a in alerts)
    cut = scores[len(scores) // 2]
    assert ids(every(db, min_score=cut)) == [a["id"] for a in alerts if a["score"] >= cut]
    assert ids(every(db, max_score=cut)) == [a["id"] for a in alerts if a["score"] <= cut]
    assert every(db, min_score=cut, max_score=cut) == [a for a in alerts if a["score"] == cut]

    sanctioned = every(db, risk="sanctions")
    assert sanctioned and all("sanctions" in a["risk_categories"] for a in sanctioned)
    assert {a["client_name"] for a in sanctioned} == {"Liaoning Hongxiang Industrial Group",
                                                        "Liaoning Hongxiang Trading"}
    assert every(db, risk="no such category") == []
    persons = every(db, entity_type="person")
    assert persons and all(a["entity_type"] == "person" for a in persons)
    assert every(db, entity_type="person", run_id=run_b, risk="sanctions") == []

    # A decision moves its alert out of "pending" and into its status.
    decided = persons[0]["id"]
    runs.add_decision(db, decided, "escalate", "needs senior review", actor="ana")
    assert ids(every(db, status="escalate")) == [decided]
    assert decided not in ids(every(db, status=runs.PENDING))
    assert len(every(db, status=runs.PENDING)) == len(alerts) - 1
    assert every(db, status="escalate")[0]["decision"]["actor"] == "ana"

    # Sorting and paging.
    newest = ids(every(db, sort="newest"))
    assert [a["run_id"] for a in every(db, sort="newest")] == sorted((a["run_id"] for a in alerts), reverse=True)
    page2, total = queue.alerts(db, sort="newest", page=2, per_page=2)
    assert total == len(alerts) and ids(page2) == newest[2:4]
    assert queue.alerts(db, sort="nonsense; drop table hits")[1] == len(alerts)


def test_suppressed_alerts_are_left_out_unless_asked_for(two_runs):
    db, run_a, _ = two_runs
    hit, cleared = ids(every(db, run_id=run_a))[:2]
    # A suppression as the case workflow stores it (its own rules are tested with it): the hit points at one.
    with dbmod.transaction(db):
        decision = runs.add_decision(db, cleared, "false positive", FP_REASON, actor="ana")
        sid = db.execute("INSERT INTO suppressions (decision_id, client_key, entity_id, created_at) VALUES (?, 'k', "
                         "(SELECT entity_id FROM hits WHERE id = ?), '2026-01-01')", [decision, hit]).lastrowid
        db.execute("UPDATE hits SET suppression_id = ? WHERE id = ?", [sid, hit])
    total = db.execute("SELECT count(*) FROM hits").fetchone()[0]
    assert hit not in ids(every(db)) and len(every(db)) == total - 1
    assert hit not in ids(every(db, status=runs.PENDING))
    assert hit in ids(every(db, include_suppressed=True)) and len(every(db, include_suppressed=True)) == total
    assert ids(every(db, status=runs.SUPPRESSED)) == [hit]
    assert every(db, status=runs.SUPPRESSED)[0]["status"] == runs.SUPPRESSED
    # Deciding a suppressed alert brings it back into the queue under its decision.
    assert queue.bulk_decide(db, [hit], "false positive", FP_REASON, "", actor="ana", actor_user=user(db, "ana")) == 1
    assert hit in ids(every(db, status="false positive")) and hit in ids(every(db))


def test_assignment_to_an_analyst_filters_and_is_audited(two_runs):
    db, run_a, run_b = two_runs
    chosen = [a["id"] for a in every(db) if a["entity_type"] == "person"][:3]
    runs_of = {a["id"]: a["run_id"] for a in every(db)}
    assert queue.assign(db, [str(chosen[0]), *chosen[1:], chosen[0]], "ANA", actor="rita") == 3   # name as stored
    assert sorted(ids(every(db, assignee="ana"))) == sorted(chosen)
    assert all(a["assignee"] == "ana" for a in every(db, assignee="ana"))
    assert set(ids(every(db, assignee=queue.UNASSIGNED))) == set(runs_of) - set(chosen)
    entry = audit.entries(db, limit=1)[0]
    assert (entry["action"], entry["actor"]) == ("hit.assigned", "rita")
    assert entry["details"]["hit_ids"] == sorted(chosen) and entry["details"]["assignee"] == "ana"
    assert entry["details"]["run_ids"] == sorted({runs_of[h] for h in chosen})

    # Re-assigning records who held them before; unassigning clears them.
    assert queue.assign(db, chosen[:1], "bob", actor="rita") == 1
    entry = audit.entries(db, limit=1)[0]
    assert entry["details"]["previous"] == {str(chosen[0]): "ana"}
    assert entry["details"]["run_id"] == runs_of[chosen[0]]          # one run: listed with it in its report
    assert entry["id"] in [e["id"] for e in audit.run_entries(db, runs_of[chosen[0]])]
    assert queue.assign(db, chosen[:1], None, actor="rita") == 1
    assert audit.entries(db, limit=1)[0]["action"] == "hit.unassigned"
    assert chosen[0] in ids(every(db, assignee=queue.UNASSIGNED))


@pytest.mark.parametrize("assignee, message", [("otto", "may not decide"), ("adm", "may not decide"),
                                               ("nobody", "no user named"), ("gone", "disabled")])
def test_assignment_is_refused_to_those_who_may_not_decide(two_runs, assignee, message):
    db, _, _ = two_runs
    before = db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    hit = every(db)[0]["id"]
    with pytest.raises(queue.AssignmentRefused, match=message):
        queue.assign(db, [hit], assignee, actor="rita")
    assert every(db, assignee=queue.UNASSIGNED)[0]["id"] == hit
    assert db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before


def test_assignment_of_unknown_or_no_alerts_changes_nothing(two_runs):
    db, _, _ = two_runs
    hit = every(db)[0]["id"]
    for bad, message in (([hit, 99999], "no alert 99999"), ([], "no alert selected"), (["x"], "numbers")):
        with pytest.raises(queue.AssignmentRefused, match=message):
            queue.assign(db, bad, "ana", actor="rita")
    assert every(db, assignee="ana") == []


def test_bulk_false_positive_on_a_filtered_set_records_one_decision_per_alert(two_runs):
    db, _, run_b = two_runs
    chosen = ids(every(db, run_id=run_b, entity_type="person"))
    assert len(chosen) >= 2
    before = {h: db.execute("SELECT count(*) FROM decisions WHERE hit_id = ?", [h]).fetchone()[0] for h in chosen}
    assert set(before.values()) == {0}
    n = queue.bulk_decide(db, chosen, "false positive", FP_REASON, "bulk: same common name", actor="ana",
                          actor_user=user(db, "ana"))
    assert n == len(chosen)
    stored = [dict(r) for r in db.query("SELECT * FROM decisions WHERE hit_id IN (%s) ORDER BY hit_id"
                                        % ",".join("?" * len(chosen)), chosen)]
    assert [d["hit_id"] for d in stored] == sorted(chosen)
    assert {(d["decision"], d["reason"], d["comment"], d["actor"], d["suppress"]) for d in stored} == {
        ("false positive", FP_REASON, "bulk: same common name", "ana", 0)}
    assert ids(every(db, status="false positive")) == ids(every(db, run_id=run_b, entity_type="person"))
    assert not db.execute("SELECT count(*) FROM suppressions").fetchone()[0]       # never suppresses

    bulk = [e for e in audit.entries(db, limit=50) if e["action"] == "decision.bulk"]
    assert len(bulk) == 1 and bulk[0]["actor"] == "ana"
    assert bulk[0]["details"]["hit_ids"] == sorted(chosen) and bulk[0]["details"]["run_id"] == run_b
    assert bulk[0]["details"]["count"] == len(chosen) and bulk[0]["details"]["reason"] == FP_REASON
    assert sorted(bulk[0]["details"]["decision_ids"]) == sorted(d["id"] for d in stored)
    recorded = [e for e in audit.entries(db, limit=50) if e["action"] == "decision.recorded"]
    assert sorted(e["details"]["hit_id"] for e in recorded) == sorted(chosen)
    assert audit.verify(db).ok


@pytest.mark.parametrize("decision", ["true match", "escalate", "nonsense"])
def test_bulk_decisions_other_than_false_positive_are_refused(two_runs, decision):
    db, _, _ = two_runs
    reason = runs.DECISION_REASONS.get(decision, ("x",))[0]
    with pytest.raises(queue.BulkDecisionRefused, match="only for false positive"):
        queue.bulk_decide(db, ids(every(db))[:2], decision, reason, "", actor="ana", actor_user=user(db, "ana"))
    assert not db.execute("SELECT count(*) FROM decisions").fetchone()[0]


@pytest.mark.parametrize("name", ["otto", "adm", "gone", None])
def test_bulk_decisions_are_refused_to_roles_that_may_not_decide(two_runs, name):
    db, _, _ = two_runs
    with pytest.raises(queue.BulkDecisionRefused, match="may not decide"):
        queue.bulk_decide(db, ids(every(db))[:2], "false positive", FP_REASON, "", actor=name or "",
                          actor_user=user(db, name) if name else None)
    assert not db.execute("SELECT count(*) FROM decisions").fetchone()[0]


def test_bulk_decision_refuses_decided_alerts_unless_asked_to_add_another(two_runs):
    db, run_a, _ = two_runs
    chosen = ids(every(db, run_id=run_a))
    runs.add_decision(db, chosen[1], "escalate", "needs senior review", actor="bob")
    audit_before = db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    with pytest.raises(queue.BulkDecisionRefused, match=rf"1 of the selected alerts .*alert {chosen[1]}\b"):
        queue.bulk_decide(db, chosen, "false positive", FP_REASON, "", actor="ana", actor_user=user(db, "ana"))
    assert db.execute("SELECT count(*) FROM decisions").fetchone()[0] == 1          # all or nothing
    assert db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == audit_before

    assert queue.bulk_decide(db, chosen, "false positive", FP_REASON, "", actor="ana", actor_user=user(db, "ana"),
                             add_to_decided=True) == len(chosen)
    history = [r[0] for r in db.execute("SELECT decision FROM decisions WHERE hit_id = ? ORDER BY id", [chosen[1]])]
    assert history == ["escalate", "false positive"]                  # appended, the earlier one kept
    assert audit.entries(db, limit=1)[0]["details"]["added_to_decided"] is True


def test_bulk_decision_is_all_or_nothing_and_checks_its_reason(two_runs, monkeypatch):
    db, _, _ = two_runs
    chosen = ids(every(db))[:3]
    for reason, comment, message in (("", "", "choose a reason"), ("needs senior review", "", "choose a reason"),
                                     ("other (see comment)", " ", "needs a comment")):
        with pytest.raises(queue.BulkDecisionRefused, match=message):
            queue.bulk_decide(db, chosen, "false positive", reason, comment, actor="ana", actor_user=user(db, "ana"))
    with pytest.raises(queue.BulkDecisionRefused, match="no alert 424242"):
        queue.bulk_decide(db, [*chosen, 424242], "false positive", FP_REASON, "", actor="ana",
                          actor_user=user(db, "ana"))
    # A failure on the third alert undoes the first two.
    real, calls = runs.add_decision, []

    def failing(db_, hit_id, *args, **kwargs):
        calls.append(hit_id)
        if len(calls) == 3:
            raise runs.DecisionError("disk on fire")
        return real(db_, hit_id, *args, **kwargs)
    monkeypatch.setattr(runs, "add_decision", failing)
    with pytest.raises(runs.DecisionError):
        queue.bulk_decide(db, chosen, "false positive", FP_REASON, "", actor="ana", actor_user=user(db, "ana"))
    assert len(calls) == 3
    assert not db.execute("SELECT count(*) FROM decisions").fetchone()[0]
    assert not db.execute("SELECT count(*) FROM audit_log WHERE action LIKE 'decision.%'").fetchone()[0]
    assert audit.verify(db).ok


def test_a_true_match_waiting_for_approval_is_not_pending(two_runs):
    db, run_a, _ = two_runs
    hit = every(db, run_id=run_a)[0]["id"]
    decision = runs.add_decision(db, hit, "true match", runs.DECISION_REASONS["true match"][0], actor="ana")
    assert ids(every(db, status=runs.PENDING_APPROVAL)) == [hit]
    assert hit not in ids(every(db, status=runs.PENDING)) and every(db, status="true match") == []
    with pytest.raises(queue.BulkDecisionRefused, match="have a decision already"):
        queue.bulk_decide(db, [hit], "false positive", FP_REASON, "", actor="bob", actor_user=user(db, "bob"))
    # Rejected by a reviewer: pending again, and a bulk false positive may be added without asking.
    runs.reject(db, decision, actor="rita", approver=user(db, "rita"))
    assert hit in ids(every(db, status=runs.PENDING))
    assert queue.bulk_decide(db, [hit], "false positive", FP_REASON, "", actor="bob", actor_user=user(db, "bob")) == 1
    assert ids(every(db, status="false positive")) == [hit]


# --- the /queue pages ---------------------------------------------------------------------------------------------

def hit_ids(page: str) -> list[int]:
    return list(dict.fromkeys(int(i) for i in re.findall(r'href="/hits/(\d+)"', page)))


def flashes(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<p class="flash [a-z]+" role="status">(.*?)</p>', page, re.S)]


@pytest.fixture
def web_runs(web_app, tmp_path):
    db = dbmod.connect(web_app.config["DB_PATH"])
    run_a = screen.screen(db, screen.prepare(write_xlsx(tmp_path / "a.xlsx", RUN_A)), actor="setup")
    run_b = screen.screen(db, screen.prepare(write_xlsx(tmp_path / "b.xlsx", RUN_B)), actor="setup")
    found = every(db)
    db.close()
    return run_a, run_b, found


def test_queue_page_filters_sorts_and_pages_with_the_filters_kept(signed_in, web_app, web_runs, monkeypatch):
    from web import queue as webqueue

    run_a, run_b, alerts = web_runs
    client = signed_in("analyst", "ana")
    page = client.get("/queue/").get_data(as_text=True)
    assert hit_ids(page) == [a["id"] for a in alerts]
    assert 'id="select-page"' in page and page.count('name="hit"') == len(alerts)
    assert 'action="/queue/assign"' in page and 'formaction="/queue/bulk-decide"' in page
    assert 'name="csrf_token"' in page and "queue.js" in page and "<script>" not in page and "style=" not in page

    assert hit_ids(client.get(f"/queue/?run={run_b}").get_data(as_text=True)) == [
        a["id"] for a in alerts if a["run_id"] == run_b]
    cut = sorted(a["score"] for a in alerts)[len(alerts) // 2]
    assert hit_ids(client.get(f"/queue/?min_score={cut}").get_data(as_text=True)) == [
        a["id"] for a in alerts if a["score"] >= cut]
    assert hit_ids(client.get(f"/queue/?max_score={cut}").get_data(as_text=True)) == [
        a["id"] for a in alerts if a["score"] <= cut]
    assert hit_ids(client.get("/queue/?risk=sanctions").get_data(as_text=True)) == [
        a["id"] for a in alerts if "sanctions" in a["risk_categories"]]
    assert hit_ids(client.get("/queue/?entity_type=organization&status=pending").get_data(as_text=True)) == [
        a["id"] for a in alerts if a["entity_type"] == "organization"]
    # Unknown values are errors on the page (400), each named, never silently ignored; the page still lists alerts.
    res = client.get("/queue/?run=abc&min_score=2&status=evil&sort=x;drop&assignee=<b>&page=-1")
    page = html.unescape(res.get_data(as_text=True))
    assert res.status_code == 400 and len(hit_ids(page)) == len(alerts)
    for words in ("run must be the number of a run", "min score must be a number from 0 to 1 (got '2')",
                  "status must be one of: pending", "(got 'evil')", "sort must be one of: priority",
                  "assignee must be me, unassigned or one of", "(got '<b>')"):
        assert words in page, words
    assert client.get("/queue/?run=99999999999999999999999").status_code == 400

    # "me" and "unassigned".
    mine = [alerts[0]["id"], alerts[2]["id"]]
    res = client.post("/queue/assign", data={"csrf_token": client.csrf, "hit": mine, "assignee": "me",
                                             "back": f"/queue/?run={run_a}&sort=newest"})
    assert res.status_code == 302 and res.headers["Location"] == f"/queue/?run={run_a}&sort=newest"
    assert flashes(client.get(res.headers["Location"]).get_data(as_text=True)) == ["Assigned 2 alerts to ana."]
    assert hit_ids(client.get("/queue/?assignee=me").get_data(as_text=True)) == mine
    assert hit_ids(client.get("/queue/?assignee=ana").get_data(as_text=True)) == mine
    assert hit_ids(client.get("/queue/?assignee=unassigned").get_data(as_text=True)) == [
        a["id"] for a in alerts if a["id"] not in mine]
    assert hit_ids(signed_in("analyst", "bob").get("/queue/?assignee=me").get_data(as_text=True)) == []

    # Paging keeps the filters in its links.
    monkeypatch.setattr(webqueue, "PER_PAGE", 2)
    page = client.get("/queue/?assignee=unassigned&sort=newest").get_data(as_text=True)
    rest = [a["id"] for a in sorted(alerts, key=lambda a: (-a["run_id"], a["row"], a["rank"])) if a["id"] not in mine]
    assert hit_ids(page) == rest[:2]
    link = html.unescape(re.search(r'<a href="([^"]+)" rel="next">', page).group(1))
    assert "assignee=unassigned" in link and "sort=newest" in link and "page=2" in link
    assert hit_ids(client.get(link).get_data(as_text=True)) == rest[2:4]


def test_bulk_false_positive_and_assignment_through_the_pages(signed_in, web_app, web_runs):
    run_a, run_b, alerts = web_runs
    signed_in("analyst", "bob")
    client = signed_in("reviewer", "rita")
    chosen = [a["id"] for a in alerts if a["run_id"] == run_b]
    assert len(chosen) == 3
    back = f"/queue/?run={run_b}&status=pending"
    res = client.post("/queue/assign", data={"csrf_token": client.csrf, "hit": chosen, "assignee": "bob",
                                             "back": back})
    assert res.status_code == 302 and res.headers["Location"] == back
    res = client.post("/queue/bulk-decide", data={"csrf_token": client.csrf, "hit": chosen, "back": back,
                                                  "decision": "false positive", "reason": FP_REASON,
                                                  "comment": "cleared <in bulk>"})
    assert res.status_code == 302 and res.headers["Location"] == back
    page = client.get(back).get_data(as_text=True)
    assert flashes(page) == ["Assigned 3 alerts to bob.", f"Decision recorded on {len(chosen)} alerts: false positive."]
    assert hit_ids(page) == []                                # none pending in that run any more
    page = client.get(f"/queue/?run={run_b}&status=false+positive&assignee=bob").get_data(as_text=True)
    assert sorted(hit_ids(page)) == sorted(chosen)
    db = dbmod.connect(web_app.config["DB_PATH"])
    try:
        stored = list(db.query("SELECT hit_id, decision, reason, comment, actor FROM decisions ORDER BY hit_id"))
        assert [(d["hit_id"], d["decision"], d["reason"], d["comment"], d["actor"]) for d in stored] == [
            (h, "false positive", FP_REASON, "cleared <in bulk>", "rita") for h in sorted(chosen)]
        actions = [e["action"] for e in audit.entries(db, limit=20)]
        assert "decision.bulk" in actions and "hit.assigned" in actions
    finally:
        db.close()

    # Again on the same alerts: refused (decided already), with the reason, nothing stored.
    res = client.post("/queue/bulk-decide", data={"csrf_token": client.csrf, "hit": chosen, "back": back,
                                                  "decision": "false positive", "reason": FP_REASON}, follow_redirects=True)
    assert res.status_code == 200 and "have a decision already" in flashes(res.get_data(as_text=True))[0]
    # A true match in bulk is refused; so is an assignment to an auditor, or with nothing selected.
    other = [a["id"] for a in alerts if a["run_id"] == run_a]
    signed_in("auditor", "otto")
    for url, data, message in (
            ("/queue/bulk-decide", {"hit": other, "decision": "true match",
                                    "reason": runs.DECISION_REASONS["true match"][0]}, "only for false positive"),
            ("/queue/bulk-decide", {"hit": other, "reason": ""}, "choose a reason"),
            ("/queue/bulk-decide", {"reason": FP_REASON}, "no alert selected"),
            ("/queue/assign", {"hit": other, "assignee": "otto"}, "may not decide"),
            ("/queue/assign", {"hit": other, "assignee": "nobody"}, "no user named"),
            ("/queue/assign", {"hit": other}, "choose whom")):
        res = client.post(url, data={"csrf_token": client.csrf, "back": "/queue/", **data}, follow_redirects=True)
        assert res.status_code == 200 and message in flashes(res.get_data(as_text=True))[0], (url, data)
    db = dbmod.connect(web_app.config["DB_PATH"])
    try:
        assert db.execute("SELECT count(*) FROM decisions").fetchone()[0] == len(chosen)
        assert every(db, run_id=run_a, assignee=queue.UNASSIGNED) == every(db, run_id=run_a)
    finally:
        db.close()


def test_auditors_view_the_queue_but_may_not_assign_or_decide(signed_in, web_app, web_runs):
    _, _, alerts = web_runs
    auditor = signed_in("auditor", "otto")
    page = auditor.get("/queue/").get_data(as_text=True)
    assert hit_ids(page) == [a["id"] for a in alerts]
    assert 'name="hit"' not in page and "/queue/assign" not in page and "bulk-decide" not in page
    for url, data in (("/queue/assign", {"hit": [alerts[0]["id"]], "assignee": "me"}),
                      ("/queue/bulk-decide", {"hit": [alerts[0]["id"]], "reason": FP_REASON})):
        assert auditor.post(url, data={"csrf_token": auditor.csrf, **data}).status_code == 403
    db = dbmod.connect(web_app.config["DB_PATH"])
    try:
        assert not db.execute("SELECT count(*) FROM decisions").fetchone()[0]
        assert len(every(db, assignee=queue.UNASSIGNED)) == len(alerts)
    finally:
        db.close()
    assert web_app.test_client().get("/queue/").status_code == 302           # anonymous: sign in first


def test_queue_forms_need_csrf_escape_data_and_only_go_back_to_the_queue(signed_in, web_app, tmp_path):
    db = dbmod.connect(web_app.config["DB_PATH"])
    rows = [["Name", "Client ID"], ["Li Keqiang", "<script>alert(1)</script>"]]
    run_id = screen.screen(db, screen.prepare(write_xlsx(tmp_path / "x<b>.xlsx", rows)), actor="setup")
    hit = every(db, run_id=run_id)[0]["id"]
    db.close()
    client = signed_in("analyst", "ana")
    page = client.get("/queue/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "x<b>.xlsx" not in page and "x&lt;b&gt;.xlsx" in page
    assert client.post("/queue/assign", data={"hit": [hit], "assignee": "me"}).status_code == 400
    for back in ("https://evil.example/queue/", "//evil.example/queue/", "/runs", "/queue\\..\\x", ""):
        res = client.post("/queue/assign", data={"csrf_token": client.csrf, "hit": [hit], "assignee": "me",
                                                 "back": back})
        assert res.status_code == 302 and res.headers["Location"] == "/queue/", back
