"""Admin > Lists in a real browser against ``screening serve``: the warning while no sanctions list is loaded, the
upload of OFAC's four files with the date the browser reports for them (``web/static/lists.js``), the preview, the
import, and the warning gone."""
from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

OFAC = Path(__file__).parent / "fixtures" / "lists" / "ofac"
OFAC_FILES = ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv")


def test_an_admin_imports_the_ofac_set_in_the_browser(live_server, browser, artifacts, tmp_path):
    for name in OFAC_FILES:
        shutil.copy(OFAC / name, tmp_path / name)
    t = datetime.fromisoformat("2021-07-07T12:00:00+00:00").timestamp()
    os.utime(tmp_path / "sdn.csv", (t, t))
    page = browser.new_context().new_page()
    live_server.sign_in(page, "admin", live_server.admin_password)
    assert "No sanctions list is loaded" in page.inner_text("#no-sanctions-list")
    page.click("#no-sanctions-list >> text=Import one")
    page.wait_for_url(live_server.url + "/admin/lists")
    page.select_option("select[name=format]", "ofac-sdn")
    page.set_input_files("input[name=files]", [str(tmp_path / n) for n in OFAC_FILES])
    assert page.input_value("#list-mtime") == "2021-07-07"          # the browser's date of the chosen sdn.csv
    page.screenshot(path=str(artifacts / "admin-lists.png"), full_page=True)
    page.click("main button:has-text('Preview')")
    page.wait_for_url(live_server.url + "/admin/lists/preview")
    assert page.inner_text("[data-count=added]") == "7"
    assert "2021-07-07 (the file's modification time)" in page.inner_text("main")
    page.screenshot(path=str(artifacts / "admin-lists-preview.png"), full_page=True)
    page.click("main button:has-text('Import as watchlist version')")
    page.wait_for_url(live_server.url + "/admin/lists")
    assert "List ofac-sdn imported: 7 added" in page.inner_text("main")
    assert page.locator("#no-sanctions-list").count() == 0
    assert "2021-07-07 (the file's modification time)" in page.inner_text("#lists")
