"""The four-eyes path in a real browser against ``screening serve``: an analyst screens a file and decides a true
match, a reviewer (another browser context) approves it from the approvals queue, and the report shows both."""
from __future__ import annotations

import re


def _table(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def test_an_analyst_decides_a_reviewer_approves_and_the_report_names_both(live_server, browser, artifacts,
                                                                           tmp_path):
    from openpyxl import Workbook, load_workbook

    analyst_pw = live_server.add_user("anna", "analyst")
    reviewer_pw = live_server.add_user("ravi", "reviewer")
    wb = Workbook()
    for row in (["Customer ID", "Customer Name", "Country"],
                ["C-1", "LIAONING HONGXIANG INDUSTRIAL DEVELOPMENT CO., LTD.", "China"], ["C-2", "Acme Ltd", "GB"]):
        wb.active.append(row)
    wb.save(tmp_path / "four-eyes.xlsx")

    # The analyst screens the file and decides "true match": it waits for a reviewer.
    analyst = browser.new_context(accept_downloads=True)
    page = analyst.new_page()
    live_server.sign_in(page, "anna", analyst_pw)
    page.click("text=Screen a file")
    page.set_input_files("input[name=file]", str(tmp_path / "four-eyes.xlsx"))
    page.click("text=Upload and preview")
    page.wait_for_selector("select[name=column-name]")
    page.click("button[value=start]")
    page.wait_for_url(re.compile(r".*/runs/\d+$"), timeout=90_000)
    run_url = page.url
    page.click("table.hits a:has-text('Liaoning Hongxiang')")
    page.wait_for_selector("blockquote.excerpt")
    hit_url = page.url
    assert page.is_disabled("#suppress")                 # suppression only goes with a false positive
    page.select_option("select[name=decision]", "true match")
    page.select_option("select[name=reason]", "same name, confirmed by other sources")
    page.fill("textarea[name=comment]", "DoJ action reported by DW")
    page.click("text=Record decision")
    page.wait_for_selector("table.history")
    assert "pending approval" in page.inner_text(".hit-status")
    assert "Approve" not in page.inner_text("main")       # no approve buttons for the author (nor an analyst)
    assert "Approvals" not in page.inner_text("main")     # the queue is the reviewers'

    # The reviewer, in another browser context, finds it in the approvals queue and approves it.
    reviewer = browser.new_context()
    rpage = reviewer.new_page()
    live_server.sign_in(rpage, "ravi", reviewer_pw)
    rpage.click("main a:has-text('Approvals')")
    rpage.wait_for_url(live_server.url + "/approvals")
    row = rpage.locator("table.approvals tbody tr").first
    assert "anna" in row.inner_text() and "true match" in row.inner_text()
    rpage.screenshot(path=str(artifacts / "approvals.png"), full_page=True)
    row.locator("a:has-text('Review')").click()
    rpage.wait_for_url(hit_url)
    rpage.fill(".approval textarea[name=comment]", "confirmed against the DoJ filing")
    rpage.screenshot(path=str(artifacts / "hit-pending-approval.png"), full_page=True)
    rpage.click(".approval button:has-text('Approve')")
    rpage.wait_for_url(hit_url)
    assert "true match" in rpage.inner_text(".hit-status") and "approved by ravi" in rpage.inner_text("table.history")
    rpage.screenshot(path=str(artifacts / "hit-approved.png"), full_page=True)
    rpage.goto(live_server.url + "/approvals")
    assert "Nothing waits for approval." in rpage.inner_text("table.approvals")
    reviewer.close()

    # The analyst downloads the report: the Decisions sheet names the author and the approver.
    page.goto(run_url)
    with page.expect_download() as download:
        page.click("text=Excel report")
    path = tmp_path / "report.xlsx"
    download.value.save_as(path)
    report = load_workbook(path)
    (decision,) = _table(report["Decisions"])
    assert decision["Client ID"] == "C-1" and decision["Decision"] == "true match"
    assert decision["By"] == "anna" and decision["Approved/rejected by"] == "ravi"
    assert decision["Verdict"] == "approved" and decision["Verdict comment"] == "confirmed against the DoJ filing"
    actions = [(a["Action"], a["Actor"]) for a in _table(report["Audit"])]
    assert ("decision.recorded", "anna") in actions and ("decision.approved", "ravi") in actions
    analyst.close()
