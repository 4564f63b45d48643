"""A messy CRM extract screened in a real browser at a laptop's width (1366 x 768) against ``screening serve``: the
preview fits without scrolling the page sideways and says why 'Legal Name' holds the name; the run page warns, in
the warning colour, that rows were left out, with the reasons counted, and shows the sanctioned names' hits."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
CRM = FIXTURES / "clients" / "crm_extract.xlsx"
SANCTIONS = FIXTURES / "lists" / "crm_sanctions.csv"
EXPECTED = json.loads((FIXTURES / "clients" / "crm_extract_expected.json").read_text(encoding="utf-8"))
WIDTH, HEIGHT = 1366, 768
WARN = "rgb(154, 103, 0)"          # --warn in style.css


def _messy_copy(path: Path) -> Path:
    """The CRM extract (title rows, Counterparty beside Legal Name, CRM type words, placeholders, 31/02 dates, a
    repeated ref) with two rows more that cannot be screened: one without a name, one whose name is a number."""
    from openpyxl import load_workbook

    wb = load_workbook(CRM)
    ws = wb["Counterparties"]
    headers = [c.value for c in ws[EXPECTED["header_row"]]]
    for ref, name in (("CP-9001", None), ("CP-9002", "12345")):
        row = dict.fromkeys(headers)
        row.update({"Client Ref": ref, "Legal Name": name, "Client Type": "Corporate",
                    "Country of Incorporation": "N/A"})
        ws.append([row[h] for h in headers])
    wb.save(path)
    return path


def _right_edge(page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box["x"] + box["width"]


def test_a_messy_crm_extract_previewed_at_1366_px_and_screened_with_its_warning(live_server, browser, artifacts,
                                                                                tmp_path):
    res = subprocess.run([sys.executable, "-m", "screening.cli", "--db", str(live_server.db_path), "watchlist",
                          "import", str(SANCTIONS), "--format", "csv", "--name", "crm-sanctions"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    clients = _messy_copy(tmp_path / "crm_extract.xlsx")
    password = live_server.add_user("laptop", "analyst")
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    live_server.sign_in(page, "laptop", password)

    # The preview: nothing wider than the screen; the mapping, why the name column, and the rows left out.
    page.click("text=Screen a file")
    page.set_input_files("input[name=file]", str(clients))
    page.click("text=Upload and preview")
    page.wait_for_selector("select[name=column-name]")
    page.screenshot(path=str(artifacts / "preview-1366.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    for selector in ("table.mapping", "section.explain", "p.left-out", "ul.problems", "p.with-notes",
                     "button[value=start]"):
        assert page.locator(selector).first.is_visible(), selector
        assert _right_edge(page, selector) <= WIDTH, selector
    explain = page.inner_text("section.explain")
    assert "'Legal Name'" in explain and "the fullest name column" in explain and "'Counterparty'" in explain
    assert page.eval_on_selector("select[name=column-name]", "s => s.value") == "Legal Name"
    countries = page.eval_on_selector("select[name=column-country]",
                                      "s => Array.from(s.selectedOptions).map(o => o.value)")
    assert countries == EXPECTED["columns"]["country"]
    chosen = "#column-country-chosen"
    assert page.inner_text(chosen) == "Chosen: Country of Incorporation, Country of Residence"
    page.select_option("select[name=column-country]", ["Country of Residence"])
    assert page.inner_text(chosen) == "Chosen: Country of Residence"
    page.select_option("select[name=column-country]", EXPECTED["columns"]["country"])
    assert "2 rows will not be screened" in page.inner_text("p.left-out")
    assert page.eval_on_selector("p.left-out strong", "e => getComputedStyle(e).color") == WARN
    assert re.search(r"\d+ rows will be screened with notes", page.inner_text("p.with-notes"))
    # The sample rows scroll inside their own box, which fits the page.
    sample = page.eval_on_selector("div.sample", "d => [d.scrollWidth, d.clientWidth, getComputedStyle(d).overflow]")
    assert sample[1] <= WIDTH and sample[2] == "auto"

    # Start: the job page opens the run page when it is done.
    page.click("button[value=start]")
    page.wait_for_url(re.compile(r".*/runs/\d+$"), timeout=120_000)
    run_url = page.url
    page.screenshot(path=str(artifacts / "run-left-out-1366.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    warning = page.inner_text("p.left-out")
    assert "completed — 2 rows not screened: 1 empty name; 1 name has only digits and punctuation" in warning
    assert page.eval_on_selector(".actions .status-left-out", "e => getComputedStyle(e).color") == WARN
    assert page.locator(".status-completed").count() == 0
    # Every sanctioned counterparty of the file hits its list entry.
    page.goto(run_url + "?source=crm-sanctions&sort=row")
    hits = page.inner_text("table.hits")
    missing = [name for name in EXPECTED["sanctioned_rows"].values() if name not in hits]
    assert not missing, missing
    # The link goes to the rows not screened.
    page.goto(run_url)
    page.click("p.left-out a")
    page.wait_for_url(run_url + "/not-screened")
    rows = page.inner_text("main table")
    assert "CP-9001" in rows and "CP-9002" in rows and "empty name" in rows

    # The home page and the job page say the same, in the warning colour.
    page.goto(live_server.url + "/")
    assert "completed — 2 rows not screened" in page.inner_text("table.runs")
    assert page.eval_on_selector("table.runs .status-left-out", "e => getComputedStyle(e).color") == WARN
    page.screenshot(path=str(artifacts / "home-left-out-1366.png"), full_page=True)
    page.goto(run_url)
    page.click("dl.meta a[href^='/jobs/']")
    assert "completed — 2 rows not screened: 1 empty name" in page.inner_text("p.left-out")
    page.screenshot(path=str(artifacts / "job-left-out-1366.png"), full_page=True)
    context.close()
