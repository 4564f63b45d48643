"""The service as an operator runs it: ``screening serve`` (real gunicorn, the job worker) and a real browser."""
from __future__ import annotations

import json
import re
import urllib.request


def test_first_start_makes_an_admin_with_a_one_time_password(live_server):
    assert len(live_server.admin_password) >= 12
    assert "Listening at: http://127.0.0.1" in live_server.log()
    with urllib.request.urlopen(live_server.url + "/health") as res:
        assert json.load(res)["watchlist"]["articles"] == 1


def test_sign_in_in_a_real_browser(live_server, browser, artifacts):
    page = browser.new_page()
    page.goto(live_server.url + "/")
    assert "/signin" in page.url
    page.fill("input[name=name]", "admin")
    page.fill("input[name=password]", "wrong password here")
    page.click("button[type=submit]")
    assert "wrong user name or password" in page.content()
    page.fill("input[name=name]", "admin")
    page.fill("input[name=password]", live_server.admin_password)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    assert "admin" in page.inner_text("header")
    cookie = next(c for c in page.context.cookies() if c["name"] == "screening_session")
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Lax"
    page.screenshot(path=str(artifacts / "home.png"), full_page=True)
    page.close()


def test_an_analyst_screens_a_file_reviews_a_hit_and_finds_the_decision_in_the_report(live_server, browser, artifacts,
                                                                                      tmp_path):
    from openpyxl import Workbook, load_workbook

    password = live_server.add_user("alice", "analyst")
    wb = Workbook()
    ws = wb.active
    ws.title = "Clients"
    for row in (["Customer ID", "Customer Name", "Country"],
                ["C-1", "LIAONING HONGXIANG INDUSTRIAL DEVELOPMENT CO., LTD.", "China"],
                ["C-2", "Keqiang Li", "CN"], ["C-3", "OBAMA, Barack", "US"], ["C-4", "Acme Widgets Ltd", "GB"],
                ["C-5", "", "GB"]):
        ws.append(row)
    wb.save(tmp_path / "clients.xlsx")

    page = browser.new_page(accept_downloads=True)
    live_server.sign_in(page, "alice", password)
    page.screenshot(path=str(artifacts / "home-analyst.png"), full_page=True)
    page.click("text=Screen a file")
    page.set_input_files("input[name=file]", str(tmp_path / "clients.xlsx"))
    page.click("text=Upload and preview")
    # The preview: the detected mapping and the first rows, before anything runs.
    page.wait_for_selector("select[name=column-name]")
    assert page.input_value("select[name=column-name]") == "Customer Name"
    assert "LIAONING HONGXIANG INDUSTRIAL DEVELOPMENT CO., LTD." in page.content()
    page.screenshot(path=str(artifacts / "upload-preview.png"), full_page=True)
    page.click("button[value=start]")
    # The job page follows the run live and moves on to the run page by itself.
    page.wait_for_url(re.compile(r".*/runs/\d+$"), timeout=90_000)
    page.wait_for_selector("table.hits")
    assert page.inner_text("[data-field=rows_total]") == "5"
    assert page.inner_text("[data-field=not_screened]") == "1"
    page.screenshot(path=str(artifacts / "run.png"), full_page=True)
    page.click("table.hits a:has-text('Liaoning Hongxiang')")
    page.wait_for_selector("blockquote.excerpt mark")
    assert page.inner_text("blockquote.excerpt mark >> nth=0") == "Liaoning Hongxiang"
    page.select_option("select[name=decision]", "true match")
    page.select_option("select[name=reason]", "same name, confirmed by other sources")
    page.fill("textarea[name=comment]", "DoJ action reported by DW")
    page.screenshot(path=str(artifacts / "hit.png"), full_page=True)
    page.click("text=Record decision")
    page.wait_for_selector("table.history")
    assert "alice" in page.inner_text("table.history") and "true match" in page.inner_text("table.history")
    page.click("a:has-text('Run #')")
    with page.expect_download() as download:
        page.click("text=Excel report")
    path = tmp_path / "report.xlsx"
    download.value.save_as(path)
    decisions = list(load_workbook(path)["Decisions"].iter_rows(values_only=True))
    header = decisions[0]
    assert {"Row", "Client ID", "Client name", "Entity", "Decision", "By"} <= set(header)
    rows = [dict(zip(header, d)) for d in decisions[1:]]
    assert [(d["Client ID"], d["Decision"], d["By"]) for d in rows] == [("C-1", "true match", "alice")]
    page.goto(live_server.url + "/watchlist/")
    page.screenshot(path=str(artifacts / "watchlist.png"), full_page=True)
    page.close()


def test_the_first_admin_is_made_once_and_only_without_accounts(db):
    from screening.service.accounts import ensure_first_admin
    from screening.store import accounts

    name, password = ensure_first_admin(db)
    assert name == "admin" and len(password) >= 12
    assert accounts.sign_in(db, "admin", password)["role"] == "admin"
    assert ensure_first_admin(db) is None and accounts.count_users(db) == 1
