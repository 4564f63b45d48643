"""Reports that print: the page setup of every sheet of the Excel report (and, where LibreOffice is installed, the
pages it prints), and the PDF case files of a run and of a hit: their text as a reader or a text extractor gets it,
untrusted names kept literal, non-Latin names as written, and their downloads from the web pages, the API and the
command line."""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string
from pypdf import PdfReader
from test_web_runs import CLIENTS, hit_ids, screen_file

from screening.cli import cli
from screening.files import pdf, report
from screening.service import ingest, screen
from screening.store import accounts, audit, runs
from screening.store import db as dbmod
from screening.store import watchlist as store
from watchlists import lists

# A list whose names are in four scripts, one of them made to look like markup; and a client file that names them,
# messy (a title line above the header, stray spaces, a formula-looking cell, a row without a name).
LIST_CSV = """Name,Aliases,Type,Birth_Date,Country,ID,Remarks
Иван Петрович Сидоров,Ivan Sidorov,person,1961-02-03,RU,INT-1,Internal case 12
王建国,Wang Jianguo,person,1970,CN,INT-2,Internal case 13
محمد عبد الله,Mohammed Abdullah,person,,SA,INT-3,Internal case 14
<script>alert(1)</script> Trading,<b>Bold</b> Trading,company,,GB,INT-4,Remark with <i>tags</i> & an ampersand
Banco Nacional de Cuba,,company,,CU,INT-5,
"""
CLIENTS_CSV = """Customer extract (CRM) - confidential,,,,
,,,,
Ref,Customer Name,Type,Country,DOB
C-1,Li Keqiang,person,China,1955-07-01
C-3,  Иван Сидоров ,person,Russia,03/02/1961
C-4,王建国,person,CN,1970
C-5,Mohammed Abdullah,person,Saudi Arabia,
C-6,<script>alert(1)</script> Trading,company,UK,
C-7,Banco Nacional de Cuba,company,Cuba,
C-10,,person,DE,
C-11,"=HYPERLINK(""http://x"")",person,,
C-13,Liaoning Hongxiang Group,company,China,
"""
FILE_NAME = "clients R&D <2026>.csv"
REVIEWER_HEADERS = {"Client name", "Matched entity", "Class", "Score", "Status", "Excerpt"}


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    """A database with the sample article and the list above, a screened run of the client file with decisions
    (one approved by a second reviewer), and the run's id."""
    folder = tmp_path_factory.mktemp("print")
    listed = folder / "internal.csv"
    listed.write_text(LIST_CSV, encoding="utf-8")
    clients = folder / FILE_NAME
    clients.write_text(CLIENTS_CSV, encoding="utf-8")
    db = dbmod.connect(folder / "print.db")
    ingest.ingest_sample(db)
    store.import_list(db, lists.read_list(listed, "csv"), name="internal", fmt="csv", file_name=listed.name,
                      sha256=lists.files_sha256([listed]))
    run_id = screen.screen(db, screen.prepare(clients), actor="ana")
    hits = {h["client_name"].strip(): h for h in runs.iter_hits(db, run_id)}
    decided = runs.add_decision(db, hits["Иван Сидоров"]["id"], "true match",
                                "same name and matching identifiers (birth date, country, ID)", actor="ana",
                                comment="<b>checked</b> the registry")
    runs.approve(db, decided, "rita", "reviewer", comment="agreed")
    runs.add_decision(db, hits["Banco Nacional de Cuba"]["id"], "escalate", "needs senior review", actor="ana")
    yield {"db": db, "run_id": run_id, "hits": hits, "folder": folder}
    db.close()


def test_the_case_run_has_the_hits_the_tests_read(case):
    # What the other tests rely on: each scripted name found its list entry, and the markup name too.
    names = {name: h["entity_name"] for name, h in case["hits"].items()}
    assert names["Иван Сидоров"] == "Иван Петрович Сидоров" and names["王建国"] == "王建国"
    assert names["<script>alert(1)</script> Trading"] == "<script>alert(1)</script> Trading"
    assert names["Banco Nacional de Cuba"] == "Banco Nacional de Cuba"


# ------------------------------------------------------------------------------------------- the Excel report

@pytest.fixture(scope="module")
def workbook_path(case):
    path = case["folder"] / "report.xlsx"
    screen.write_run_report(case["db"], case["run_id"], path, actor="auditor-1")
    return path


# Each sheet: orientation, the header row repeated (print titles), and the columns printed (None: all).
SHEET_SETUP = [
    ("Summary", "portrait", None, None),
    ("Records", "landscape", "$1:$1", report.RECORD_PRINT_COLUMNS),
    ("Hits", "landscape", "$1:$1", report.HIT_PRINT_COLUMNS),
    ("Decisions", "landscape", "$1:$1", report.DECISION_PRINT_COLUMNS),
    ("Not screened", "landscape", "$1:$1", None),
    ("Audit", "landscape", "$1:$1", None),
]


@pytest.mark.parametrize(("sheet", "orientation", "titles", "printed"), SHEET_SETUP)
def test_every_sheet_prints_one_page_wide_with_titles_and_a_header_naming_the_run(workbook_path, case, sheet,
                                                                                   orientation, titles, printed):
    ws = load_workbook(workbook_path)[sheet]
    assert ws.page_setup.orientation == orientation
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)   # as many pages tall as needed
    assert ws.page_setup.paperSize in (report.PAPER_A4, str(report.PAPER_A4))
    assert ws.print_title_rows == titles
    header = ws.oddHeader.left.text + ws.oddHeader.center.text + ws.oddHeader.right.text
    footer = ws.oddFooter.left.text + ws.oddFooter.right.text
    assert f"run {case['run_id']}" in header and "Adverse-media screening" in header and "&A" in header
    # The client file's name, its "&" doubled so that it is printed, not read as a field code.
    assert "clients R&&D <2026>.csv" in header
    assert "Page &P of &N" in footer and re.search(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC by auditor-1",
                                                   footer)
    if printed is None:
        assert not ws.print_area
    else:
        area = ws.print_area.replace("'", "")
        last = re.search(r"\$A\$1:\$([A-Z]+)\$\d+", area).group(1)
        assert column_index_from_string(last) == printed
    if sheet == "Hits":     # the reviewer's columns are the ones printed
        assert REVIEWER_HEADERS <= {c.value for c in ws[1][:printed]}


def test_rows_of_wrapped_text_are_given_their_height(workbook_path):
    ws = load_workbook(workbook_path)["Hits"]
    excerpt = [c.value for c in ws[1]].index("Excerpt")
    long_rows = [row[0].row for row in ws.iter_rows(min_row=2) if len(str(row[excerpt].value or "")) > 200]
    assert long_rows and all(ws.row_dimensions[r].height >= 3 * report.LINE_POINTS for r in long_rows)


@pytest.mark.parametrize(("values", "widths", "styles", "lines"), [
    (["short"], [30], ["wrap"], None),                              # one line: the program's own height
    (["x" * 100], [30], ["wrap"], 4),                               # 33 characters a line
    (["a\nb\nc"], [30], ["wrap"], 3),                               # its own line breaks
    (["x" * 100], [30], ["text"], None),                            # not wrapped: one line, cut on screen
    (["x" * 10_000], [10], ["wrap"], report.MAX_ROW_POINTS),        # at most Excel's tallest row
])
def test_row_height_estimate(values, widths, styles, lines):
    height = report.row_height(values, widths, styles)
    if lines is None or lines == report.MAX_ROW_POINTS:
        assert height == lines
    else:
        assert height == lines * report.LINE_POINTS + 3


def _soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs LibreOffice (soffice) to print the Excel report (see .ci/run)")
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def test_the_report_printed_by_libreoffice_is_a_few_pages_each_naming_the_run(workbook_path, case, tmp_path):
    soffice = _soffice()
    done = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(workbook_path)],
                          capture_output=True, text=True, timeout=240, check=False)
    printed = tmp_path / "report.pdf"
    assert printed.exists(), done.stdout + done.stderr
    pages = [page.extract_text() for page in PdfReader(printed).pages]
    # Six sheets of a ten-row run: one page each, two for the Hits; the issue found 63 pages for 302 rows.
    assert len(pages) <= 8, len(pages)
    assert all(f"run {case['run_id']}" in text for text in pages)
    assert all(re.search(rf"Page {n} of {len(pages)}", text) for n, text in enumerate(pages, 1))
    # The Summary on one page: the page after it is the Records sheet already.
    assert "Summary" in pages[0] and "Rows in file" in pages[0] and "Generated at" in pages[0]
    assert "Records" in pages[1] and "Rows in file" not in pages[1]


# ---------------------------------------------------------------------------------------------- PDF case files

def _text(path: Path) -> str:
    """The text of a PDF as an extractor gets it, with line breaks and runs of spaces made one space (a value wraps
    in its table cell)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


@pytest.fixture(params=["system or CID font", "CID font"])
def cjk_font(request, monkeypatch):
    """Both ways Chinese is set: a system CJK font when one is installed (else the CID font), and the CID font
    that needs no file."""
    if request.param == "CID font":
        monkeypatch.setattr(pdf, "_find_cjk", lambda: None)
    pdf.fonts.cache_clear()
    yield request.param
    pdf.fonts.cache_clear()


def test_the_run_case_file_names_clients_entities_classes_decisions_and_audit(case, cjk_font, tmp_path):
    path = tmp_path / "run.pdf"
    done = []
    screen.write_run_pdf(case["db"], case["run_id"], path, actor="auditor-1",
                         progress=lambda n, total: done.append((n, total)))
    text = _text(path)
    run = runs.get_run(case["db"], case["run_id"])
    assert done[-1] == (run["hits"], run["hits"])
    for words in [
        f"Screening run {case['run_id']}: case file", FILE_NAME, "List internal", "Rows in file",  # summary, lists
        "Li Keqiang", "Liaoning Hongxiang", "Banco Nacional de Cuba",                              # clients, entities
        "Sanctions", "PEP", "Adverse media",                                                        # classes
        "true match", "approved by rita", "agreed", "escalate", "needs senior review",             # decisions
        "Rows not screened (1)", "empty name", "Audit trail of the run", "decision.approve",
        "Generated", "by auditor-1",
    ]:
        assert words in text, words
    assert re.search(r"Page 1 of \d+", text)
    # Every alerting hit is there, with its id.
    assert all(f"Hit {h['id']}:" in text for h in runs.iter_hits(case["db"], case["run_id"]))


@pytest.mark.parametrize("name", ["Иван Петрович Сидоров", "王建国", "<script>alert(1)</script> Trading",
                                  "<b>checked</b> the registry", "Remark with <i>tags</i> & an ampersand"])
def test_names_come_out_as_written_markup_stays_literal(case, cjk_font, tmp_path, name):
    path = tmp_path / "run.pdf"
    screen.write_run_pdf(case["db"], case["run_id"], path, actor="auditor-1")
    assert name in _text(path)


def test_arabic_is_drawn_joined_and_right_to_left(case, tmp_path):
    # A PDF places glyphs left to right as given: the name must reach it in its contextual letter forms, in visual
    # order, or it prints as separate letters backwards.
    name = "محمد عبد الله"
    drawn = pdf.visual(name)
    assert drawn != name and all("\ufb50" <= ch <= "\ufeff" or ch == " " for ch in drawn)
    assert pdf.visual("Ivan 王建国 <b>") == "Ivan 王建国 <b>"
    hit = case["hits"]["Mohammed Abdullah"]
    path = tmp_path / "hit.pdf"
    screen.write_hit_pdf(case["db"], hit["id"], path, actor="auditor-1")
    text = _text(path)
    # Joined letter forms reach the page (an extractor may give them back in either direction).
    assert (drawn in text or drawn[::-1] in text) and name not in text, text[:400]


def test_the_hit_case_file_has_what_the_hit_page_shows(case, cjk_font, tmp_path):
    hit = case["hits"]["Иван Сидоров"]
    path = tmp_path / "hit.pdf"
    screen.write_hit_pdf(case["db"], hit["id"], path, actor="auditor-1")
    text = _text(path)
    for words in [f"Hit {hit['id']}: Иван Сидоров ↔ Иван Петрович Сидоров", "Client (row", "The row as written",
                  "Matched entity", "Aliases", "Ivan Sidorov", "Why this score", "same country: ru", "Evidence",
                  "Decisions", "true match", "<b>checked</b> the registry", "approved by rita", "Sanctions",
                  f"run {case['run_id']}"]:
        assert words in text, words
    news = next(h for h in case["hits"].values() if h["excerpts"])
    path = tmp_path / "news.pdf"
    screen.write_hit_pdf(case["db"], news["id"], path, actor="auditor-1")
    text = _text(path)
    assert news["excerpts"][0]["article_title"] in text and "No decision yet: pending." in text


def test_markup_escapes_and_sets_cjk_in_its_font(cjk_font):
    assert pdf.markup("<b>x</b> & y") == "&lt;b&gt;x&lt;/b&gt; &amp; y"
    assert pdf.markup("a\nb") == "a<br/>b"
    assert re.fullmatch(r'Wang <font name="[^"]+">王建国</font>', pdf.markup("Wang 王建国"))
    if cjk_font == "CID font":
        assert 'name="HeiseiMin-W3"' in pdf.markup("やまだ") and 'name="HYSMyeongJo-Medium"' in pdf.markup("김정은")
    assert pdf.markup("x" * 5000, 100).endswith("\u2026") and len(pdf.markup("x" * 5000, 100)) == 100
    # The matched name highlighted; offsets that do not fit the sentence give plain text.
    assert "<b>Li</b>" in pdf.marked({"excerpt": "Mr Li said", "start": 3, "end": 5})
    assert pdf.marked({"excerpt": "Mr Li said", "start": 3, "end": 50}) == "Mr Li said"
    # The following sentences whose adverse words count for the entity come after it, escaped.
    then = pdf.marked({"excerpt": "Acme Ltd opened an office.", "start": 0, "end": 8,
                       "context": "The firm was fined <b>$2m</b>."})
    assert then.endswith("<br/><i>Then, referring back to it:</i> The firm was fined &lt;b&gt;$2m&lt;/b&gt;.")


def test_a_long_run_is_laid_out_while_its_hits_are_read(case, tmp_path, monkeypatch):
    """The hits reach the layout a chunk at a time: when the last hit is read, pages are laid out already."""
    hit = next(iter(case["hits"].values()))
    run = runs.get_run(case["db"], case["run_id"])
    pages, seen = [], []
    show_page = pdf._CaseCanvas.showPage
    monkeypatch.setattr(pdf._CaseCanvas, "showPage", lambda canvas: (pages.append(1), show_page(canvas))[1])

    def hits():
        for n in range(600):
            seen.append(len(pages))
            yield {**hit, "id": n + 1, "rank": 1, "row": n + 2}
    pdf.write_run_pdf(tmp_path / "long.pdf", run, hits(), [], [], [])
    assert seen[0] <= 1 and seen[-1] > 20
    assert len(PdfReader(tmp_path / "long.pdf").pages) > 20


def test_an_unwritable_destination_is_a_report_error(case, tmp_path):
    with pytest.raises(report.ReportError, match="does not exist"):
        screen.write_run_pdf(case["db"], case["run_id"], tmp_path / "missing" / "run.pdf", actor="x")
    assert not list(tmp_path.iterdir())


# ------------------------------------------------------------------------------------ downloads and the command

def test_the_cli_writes_the_run_and_hit_case_files(case, tmp_path, monkeypatch):
    monkeypatch.setenv("SCREENING_DB", str(case["folder"] / "print.db"))
    hit = case["hits"]["王建国"]
    out, one = tmp_path / "run.pdf", tmp_path / "hit.pdf"
    res = CliRunner().invoke(cli, ["report", str(case["run_id"]), "--pdf", str(out), "--hit-pdf", str(hit["id"]),
                                   str(one)])
    assert res.exit_code == 0, res.output
    assert "PDF case file written to" in res.output and f"PDF case file of hit {hit['id']} written" in res.output
    assert "王建国" in _text(out) and "王建国" in _text(one)
    res = CliRunner().invoke(cli, ["report", str(case["run_id"]), "--hit-pdf", "99999", str(one)])
    assert res.exit_code == 1 and "no hit 99999" in res.output


def test_run_and_hit_pages_link_their_case_files_and_the_api_serves_them(signed_in, web_app):
    auditor, analyst = signed_in("auditor"), signed_in("analyst")
    run_id = screen_file(analyst, web_app, CLIENTS)
    hit = hit_ids(analyst.get(f"/runs/{run_id}").get_data(as_text=True))[0]
    assert f'href="/runs/{run_id}/report.pdf"' in auditor.get(f"/runs/{run_id}").get_data(as_text=True)
    assert f'href="/hits/{hit}/report.pdf"' in auditor.get(f"/hits/{hit}").get_data(as_text=True)
    for url, name, words in ((f"/runs/{run_id}/report.pdf", f"screening-run-{run_id}.pdf", "Liaoning Hongxiang"),
                             (f"/hits/{hit}/report.pdf", f"screening-hit-{hit}.pdf", f"Hit {hit}:")):
        res = auditor.get(url)
        assert res.status_code == 200 and res.mimetype == "application/pdf", url
        assert name in res.headers["Content-Disposition"]
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(res.data)).pages)
        assert words in text and f"run {run_id}" in text
    for url in ("/runs/999/report.pdf", "/hits/999/report.pdf"):
        assert auditor.get(url).status_code == 404
    assert web_app.test_client().get(f"/runs/{run_id}/report.pdf").status_code == 302      # signed out


def test_the_api_serves_the_case_files(web_app, signed_in):
    analyst = signed_in("analyst")
    run_id = screen_file(analyst, web_app, CLIENTS)
    hit = hit_ids(analyst.get(f"/runs/{run_id}").get_data(as_text=True))[0]
    db = dbmod.connect(web_app.config["DB_PATH"])
    user = accounts.add_user(db, "api-auditor", "auditor")[0]
    headers = {"Authorization": f"Bearer {accounts.create_token(db, user['id'], label='tests')[1]}"}
    db.close()
    client = web_app.test_client()
    for url in (f"/api/runs/{run_id}/report.pdf", f"/api/hits/{hit}/report.pdf"):
        res = client.get(url, headers=headers)
        assert res.status_code == 200 and res.mimetype == "application/pdf", url
        assert PdfReader(io.BytesIO(res.data)).pages
    res = client.get("/api/runs/999/report.pdf", headers=headers)
    assert res.status_code == 404 and res.get_json()["status"] == 404
    assert client.get(f"/api/runs/{run_id}/report.pdf").status_code == 401


def test_audit_entries_of_the_run_are_in_its_case_file(case, tmp_path):
    path = tmp_path / "run.pdf"
    screen.write_run_pdf(case["db"], case["run_id"], path, actor="x")
    text = _text(path)
    actions = {e["action"] for e in audit.run_entries(case["db"], case["run_id"])}
    assert actions and all(action in text for action in actions)


def test_a_large_runs_case_file_is_a_job_with_progress_and_a_download(signed_in, web_app, monkeypatch):
    from screening.service import worker
    from screening.store import jobs

    db = dbmod.connect(web_app.config["DB_PATH"])
    clients = Path(web_app.config["UPLOAD_DIR"]).parent / "big.csv"
    clients.write_text("ID,Name\n" + "".join(f"B-{i},Liaoning Hongxiang Group\n" for i in range(12)),
                       encoding="utf-8")
    run_id = screen.screen(db, screen.prepare(clients), actor="ana")
    assert 0 < runs.get_run(db, run_id)["hits"] <= 12
    analyst = signed_in("analyst", "ana")
    page = analyst.get(f"/runs/{run_id}").get_data(as_text=True)
    assert f'href="/runs/{run_id}/report.pdf"' in page and "Prepare the PDF case file" not in page
    monkeypatch.setattr(screen, "CASE_FILE_INLINE_HITS", 5)            # as if the run were large
    page = analyst.get(f"/runs/{run_id}").get_data(as_text=True)
    assert "Prepare the PDF case file" in page and f'href="/runs/{run_id}/report.pdf"' not in page
    res = analyst.post(f"/runs/{run_id}/report.pdf/job", data={"csrf_token": analyst.csrf})
    assert res.status_code == 302 and "/jobs/" in res.headers["Location"]
    job_id = int(res.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    page = analyst.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "written in the background" in page and "Download" not in page
    assert analyst.get(f"/jobs/{job_id}/case-file.pdf").status_code == 404       # not written yet: said so
    done = worker.run_one(db, "test-worker")
    assert done["status"] == jobs.DONE and done["result"]["run_id"] == run_id
    job = jobs.get_job(db, job_id)
    assert job["total"] == runs.get_run(db, run_id)["hits"] and job["done"] == job["total"]
    assert f'/jobs/{job_id}/case-file.pdf' in analyst.get(f"/jobs/{job_id}").get_data(as_text=True)
    res = analyst.get(f"/jobs/{job_id}/case-file.pdf")
    assert res.status_code == 200 and res.mimetype == "application/pdf" and res.data.startswith(b"%PDF")
    assert f"screening-run-{run_id}.pdf" in res.headers["Content-Disposition"]
    assert not list(Path(web_app.config["UPLOAD_DIR"]).glob("*.part"))
    db.close()


def test_the_api_queues_a_large_runs_case_file_and_serves_it_when_written(web_app, monkeypatch):
    from screening.service import worker

    db = dbmod.connect(web_app.config["DB_PATH"])
    clients = Path(web_app.config["UPLOAD_DIR"]).parent / "big-api.csv"
    clients.write_text("ID,Name\n" + "".join(f"B-{i},Liaoning Hongxiang Group\n" for i in range(8)),
                       encoding="utf-8")
    run_id = screen.screen(db, screen.prepare(clients), actor="ana")
    user = accounts.add_user(db, "api-auditor", "auditor")[0]
    _, token = accounts.create_token(db, user["id"], label="tests")
    headers = {"Authorization": f"Bearer {token}"}
    api = web_app.test_client()
    monkeypatch.setattr(screen, "CASE_FILE_INLINE_HITS", 5)
    res = api.get(f"/api/runs/{run_id}/report.pdf", headers=headers)
    assert res.status_code == 409 and "written in the background" in res.get_json()["message"]
    res = api.post(res.get_json()["job_create_url"], headers=headers)
    assert res.status_code == 202
    job = api.get(res.get_json()["job_url"], headers=headers).get_json()
    assert job["kind"] == "case file" and job["status"] == "queued" and job["file_url"] is None
    assert job["run_id"] == run_id
    worker.run_one(db, "test-worker")
    job = api.get(res.get_json()["job_url"], headers=headers).get_json()
    assert job["status"] == "done" and job["file_url"]
    pdf_res = api.get(job["file_url"], headers=headers)
    assert pdf_res.status_code == 200 and pdf_res.data.startswith(b"%PDF")
    db.close()
