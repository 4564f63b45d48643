"""The screening-run pages end to end through the Flask test client: upload, preview and mapping, a job run
synchronously (no worker in tests), the run with its hits, a hit with its evidence and decisions, downloads; and
escaping, bad uploads, roles, missing ids, filters and paging."""
from __future__ import annotations

import html
import io
import json
import re

import pytest
from openpyxl import Workbook, load_workbook

from screening.engine.pairs import algorithm_id
from screening.service import worker
from screening.store import db as dbmod
from screening.store import jobs, runs, settings
from watchlists.risk import TAXONOMY

CLIENTS = [
    ["Customer ID", "Customer Name", "Legal Form", "Nationality", "Date of Birth"],
    ["C-001", "LIAONING HONGXIANG INDUSTRIAL DEVELOPMENT CO., LTD.", "Company", "China", None],
    ["C-002", "Keqiang Li", "Individual", "CN", None],
    ["C-003", "OBAMA, Barack", "Individual", "United States", "1961-08-04"],
    ["C-004", "Acme Widgets Ltd", "Company", "GB", None],
    ["C-005", "4711", "Company", "DE", None],
]


def xlsx_bytes(rows, title="Clients") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, data: bytes, name="clients.xlsx", **fields):
    form = {"csrf_token": client.csrf, "file": (io.BytesIO(data), name), "threshold": "0.7", "hit_limit": "10",
            **fields}
    return client.post("/upload", data=form, content_type="multipart/form-data")


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def selected(page: str, field: str) -> str:
    select = re.search(rf'<select id="column-{field}"[^>]*>(.*?)</select>', page, re.S).group(1)
    found = re.search(r'<option value="([^"]*)" selected>', select)
    return found.group(1) if found else ""


def mapping_form(client, page: str, action: str, **columns) -> dict:
    form = {"csrf_token": client.csrf, "upload": hidden(page, "upload"), "file_name": hidden(page, "file_name"),
            "sheet": hidden(page, "sheet"), "threshold": "0.7", "hit_limit": "10", "action": action}
    for f in ("name", "first_name", "last_name", "client_id", "type", "country", "birth_date"):
        form[f"column-{f}"] = columns.get(f, selected(page, f))
    return form


def run_job(web_app) -> dict:
    db = dbmod.connect(web_app.config["DB_PATH"])
    try:
        return worker.run_one(db, "test")
    finally:
        db.close()


def open_db(web_app):
    return dbmod.connect(web_app.config["DB_PATH"])


def screen_file(client, web_app, rows) -> int:
    """Upload, start with the detected mapping, run the job; return the run id."""
    page = upload(client, xlsx_bytes(rows)).get_data(as_text=True)
    res = client.post("/upload/mapping", data=mapping_form(client, page, "start"))
    assert res.status_code == 302, res.get_data(as_text=True)
    job = run_job(web_app)
    assert job["status"] == "done", job
    return job["result"]["run_id"]


def hit_ids(page: str) -> list[int]:
    return list(dict.fromkeys(int(i) for i in re.findall(r'href="/hits/(\d+)"', page)))


def test_upload_preview_map_start_run_hit_decide_and_report(signed_in, web_app):
    client = signed_in("analyst")
    assert "Screen a client file" in client.get("/upload").get_data(as_text=True)
    res = upload(client, xlsx_bytes(CLIENTS))
    page = res.get_data(as_text=True)
    assert res.status_code == 200, page
    # The preview: sheet, header row, the detected mapping, the client rows and the row problems.
    assert "Clients" in page and "Header row</dt><dd>1</dd>" in page
    assert selected(page, "name") == "Customer Name" and selected(page, "client_id") == "Customer ID"
    assert selected(page, "country") == "Nationality" and selected(page, "type") == "Legal Form"
    assert "LIAONING HONGXIANG INDUSTRIAL DEVELOPMENT CO., LTD." in page and "Acme Widgets Ltd" in page
    assert "row 6: name has only digits and punctuation" in page
    assert re.fullmatch(r"[0-9a-f]{32}\.xlsx", hidden(page, "upload"))

    # Correct a column and preview again: the type left out, then read from "Legal Form" again.
    res = client.post("/upload/mapping", data=mapping_form(client, page, "preview", type=""))
    page = res.get_data(as_text=True)
    assert res.status_code == 200 and selected(page, "type") == ""

    # Start: a job is queued with the corrected mapping, and the job page shows it.
    res = client.post("/upload/mapping", data=mapping_form(client, page, "start", type="Legal Form"))
    assert res.status_code == 302
    job_url = res.headers["Location"]
    job_id = int(job_url.rsplit("/", 1)[1])
    page = client.get(job_url).get_data(as_text=True)
    assert "queued" in page and 'data-poll="/jobs/%d/status.json"' % job_id in page
    assert client.get(f"/jobs/{job_id}/status.json").get_json()["status"] == "queued"
    db = open_db(web_app)
    payload = jobs.get_job(db, job_id)["payload"]
    db.close()
    assert payload["columns"]["type"] == "Legal Form" and payload["file_name"] == "clients.xlsx"
    assert payload["threshold"] == 0.7 and payload["hit_limit"] == 10

    job = run_job(web_app)
    assert job["status"] == "done", job
    status = client.get(f"/jobs/{job_id}/status.json").get_json()
    run_id = job["result"]["run_id"]
    assert status["status"] == "done" and status["run_url"] == f"/runs/{run_id}"

    # The run page: counts, metadata, the chart, the hits.
    page = client.get(f"/runs/{run_id}").get_data(as_text=True)
    assert 'data-field="rows_total">5<' in page and 'data-field="not_screened">1<' in page
    assert "type ← Legal Form" in page and algorithm_id() in page
    assert '<svg class="histogram"' in page and "<title id=\"hist-title\">" in page
    assert "Liaoning Hongxiang" in page and "Keqiang" in page
    assert "name has only digits and punctuation" in page          # the not-screened row and its reason
    assert 'style="' not in page and "onclick" not in page

    # The hit of the Liaoning row: the excerpt with the matched name marked, and no decision yet.
    db = open_db(web_app)
    liaoning = next(h for h in runs.iter_hits(db, run_id) if h["entity_name"] == "Liaoning Hongxiang")
    db.close()
    page = client.get(f"/hits/{liaoning['id']}").get_data(as_text=True)
    assert "<mark>Liaoning Hongxiang</mark>" in page
    assert "US and China to cooperate in tackling North Korea threat" in page
    assert "No decision yet: pending." in page and 'optgroup label="false positive"' in page
    # the entity's risk categories by the taxonomy's names, the code beside each
    assert liaoning["risk_categories"]
    for code in liaoning["risk_categories"]:
        assert f'{TAXONOMY[code][0]} <span class="muted">({code})</span>' in page

    # Decide twice: both decisions stay in the history, the latest is the status.
    res = client.post(f"/hits/{liaoning['id']}/decide", data={
        "csrf_token": client.csrf, "decision": "true match", "reason": "same name, confirmed by other sources",
        "comment": "checked the registry"})
    assert res.status_code == 302
    res = client.post(f"/hits/{liaoning['id']}/decide", data={
        "csrf_token": client.csrf, "decision": "escalate", "reason": "needs senior review", "comment": ""})
    assert res.status_code == 302
    page = client.get(f"/hits/{liaoning['id']}").get_data(as_text=True)
    history = page[page.index('class="history"'):]
    assert history.index("checked the registry") < history.index("needs senior review")
    assert "Status: <span class=\"decision decision-escalate\">escalate</span>" in page

    # A decision without a reason is refused with the message, nothing recorded.
    res = client.post(f"/hits/{liaoning['id']}/decide", data={
        "csrf_token": client.csrf, "decision": "false positive", "reason": "", "comment": ""})
    assert res.status_code == 400 and "a decision needs a reason" in res.get_data(as_text=True)

    # The report: an xlsx whose Decisions sheet lists both decisions.
    res = client.get(f"/runs/{run_id}/report.xlsx")
    assert res.status_code == 200 and "attachment" in res.headers["Content-Disposition"]
    assert f"screening-run-{run_id}.xlsx" in res.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(res.data))
    rows = list(wb["Decisions"].iter_rows(values_only=True))
    text = " ".join(str(c) for r in rows for c in r if c is not None)
    assert "true match" in text and "escalate" in text and "checked the registry" in text
    res = client.get(f"/runs/{run_id}/run.json")
    body = json.loads(res.data)
    assert res.status_code == 200 and body["run"]["id"] == run_id and len(body["rows"]) == 5


def test_untrusted_names_are_escaped_on_run_and_hit_pages(signed_in, web_app):
    client = signed_in("analyst")
    rows = [["Name", "Client ID"], ["<script>alert(1)</script> Liaoning Hongxiang", "X-1"], ["Keqiang Li", "X-2"]]
    run_id = screen_file(client, web_app, rows)
    page = client.get(f"/runs/{run_id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    db = open_db(web_app)
    hit = next(h["id"] for h in runs.iter_hits(db, run_id) if h["client_name"].startswith("<script>"))
    db.close()
    page = client.get(f"/hits/{hit}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # Only our own scripts, loaded by src.
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/run.js">']


@pytest.mark.parametrize("name, data, message", [
    ("clients.xlsx", b"this is not a workbook at all", "not an xlsx workbook"),
    ("setup.exe", b"MZ\x90\x00", "not accepted here"),
    ("empty.csv", b"", "the file is empty"),
    ("noheader.csv", b"1,2,3\n4,5,6\n", "no recognisable header row"),
])
def test_a_bad_upload_gets_the_form_again_with_its_message(signed_in, web_app, name, data, message):
    client = signed_in("analyst")
    res = upload(client, data, name=name)
    page = res.get_data(as_text=True)
    assert res.status_code == 400 and message in page and 'type="file"' in page
    assert "Traceback" not in page


def test_bad_options_and_forged_upload_ids_are_refused(signed_in, web_app):
    client = signed_in("analyst")
    res = upload(client, xlsx_bytes(CLIENTS), threshold="1.5")
    assert res.status_code == 400 and "1.5 is outside 0 to 1" in res.get_data(as_text=True)
    page = upload(client, xlsx_bytes(CLIENTS)).get_data(as_text=True)
    for forged in ("../../etc/passwd", "/etc/passwd", "0" * 32 + ".exe", "../" + hidden(page, "upload")):
        form = mapping_form(client, page, "start")
        form["upload"] = forged
        assert client.post("/upload/mapping", data=form).status_code == 400
    form = mapping_form(client, page, "start")
    form["upload"] = "0" * 32 + ".xlsx"                       # well-formed, but no such upload
    res = client.post("/upload/mapping", data=form)
    assert res.status_code == 400 and "upload it again" in res.get_data(as_text=True)
    form = mapping_form(client, page, "start", name="No Such Header")
    res = client.post("/upload/mapping", data=form)
    page = html.unescape(res.get_data(as_text=True))
    assert res.status_code == 400 and "no column 'No Such Header' for name" in page
    assert selected(page, "name") == "Customer Name"          # the detected mapping, shown again
    form = mapping_form(client, page, "start")
    form["hit_limit"] = "0"
    res = client.post("/upload/mapping", data=form)
    assert res.status_code == 400 and "Hits per row: 0 is outside 1 to 100" in res.get_data(as_text=True)
    db = open_db(web_app)
    assert jobs.list_jobs(db) == []
    db.close()


def test_a_field_set_to_none_is_left_out_even_where_a_header_names_it(signed_in, web_app):
    client = signed_in("analyst")
    page = upload(client, xlsx_bytes(CLIENTS)).get_data(as_text=True)
    assert selected(page, "country") == "Nationality"
    res = client.post("/upload/mapping", data=mapping_form(client, page, "preview", country=""))
    page = res.get_data(as_text=True)
    assert res.status_code == 200 and selected(page, "country") == ""
    res = client.post("/upload/mapping", data=mapping_form(client, page, "start", country=""))
    assert res.status_code == 302
    job = run_job(web_app)
    db = open_db(web_app)
    run = runs.get_run(db, job["result"]["run_id"])
    assert "country" not in run["mapping"]["columns"] and "name" in run["mapping"]["columns"]
    assert all(r["countries"] == [] for r in runs.iter_rows(db, run["id"]))
    db.close()


def test_roles_auditor_views_and_downloads_but_may_not_screen_decide_or_retry(signed_in, web_app):
    analyst = signed_in("analyst")
    run_id = screen_file(analyst, web_app, CLIENTS)
    hit = hit_ids(analyst.get(f"/runs/{run_id}").get_data(as_text=True))[0]
    auditor = signed_in("auditor")
    for url in ("/", "/runs", f"/runs/{run_id}", f"/hits/{hit}", f"/runs/{run_id}/report.xlsx",
                f"/runs/{run_id}/report.pdf", f"/hits/{hit}/report.pdf", f"/runs/{run_id}/run.json",
                f"/runs/{run_id}/status.json", f"/runs/{run_id}/not-screened"):
        assert auditor.get(url).status_code == 200, url
    page = auditor.get(f"/hits/{hit}").get_data(as_text=True)
    assert "Record decision" not in page
    assert "Screen a file" not in auditor.get("/").get_data(as_text=True)
    assert auditor.get("/upload").status_code == 403
    assert upload(auditor, xlsx_bytes(CLIENTS)).status_code == 403
    assert auditor.post(f"/hits/{hit}/decide", data={"csrf_token": auditor.csrf, "decision": "escalate",
                                                     "reason": "needs senior review"}).status_code == 403
    db = open_db(web_app)
    job_id = jobs.enqueue(db, "screen", {"path": "/nonexistent.xlsx", "file_name": "gone.xlsx"}, actor="analyst")
    db.close()
    assert run_job(web_app)["status"] == "failed"
    assert auditor.post(f"/jobs/{job_id}/retry", data={"csrf_token": auditor.csrf}).status_code == 403
    page = auditor.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "failed" in page and "Retry" not in page
    # The analyst sees the error and may retry: the job is queued again.
    page = analyst.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "gone.xlsx" in page and ">Retry<" in page
    res = analyst.post(f"/jobs/{job_id}/retry", data={"csrf_token": analyst.csrf})
    assert res.status_code == 302
    assert analyst.get(f"/jobs/{job_id}/status.json").get_json()["status"] == "queued"
    # Retrying a job that is not failed says so, without an error page.
    res = analyst.post(f"/jobs/{job_id}/retry", data={"csrf_token": analyst.csrf}, follow_redirects=True)
    assert res.status_code == 200 and "only a failed job can be retried" in res.get_data(as_text=True)


def test_anonymous_users_are_sent_to_sign_in(web_app):
    anonymous = web_app.test_client()
    for url in ("/", "/runs", "/upload", "/runs/1", "/hits/1", "/jobs/1", "/runs/1/report.xlsx"):
        res = anonymous.get(url)
        assert res.status_code == 302 and res.headers["Location"].startswith("/signin"), url


def test_ids_that_do_not_exist_are_404(signed_in, web_app):
    client = signed_in("analyst")
    for url in ("/runs/999", "/runs/999/status.json", "/runs/999/report.xlsx", "/runs/999/run.json",
                "/runs/999/not-screened", "/hits/999", "/jobs/999", "/jobs/999/status.json",
                "/runs/99999999999999999999999", "/hits/-1"):
        res = client.get(url)
        assert res.status_code == 404 and "Traceback" not in res.get_data(as_text=True), url
    assert client.post("/hits/999/decide", data={"csrf_token": client.csrf, "decision": "escalate",
                                                 "reason": "needs senior review"}).status_code == 404
    assert client.post("/jobs/999/retry", data={"csrf_token": client.csrf}).status_code == 404


def test_hits_filters_sorting_and_paging(signed_in, web_app, monkeypatch):
    from web import runs as webruns

    client = signed_in("analyst")
    rows = [["Name", "Client ID"]] + [[n, f"K-{i}"] for i, n in enumerate(
        ["Liaoning Hongxiang Industrial Group", "Keqiang Li", "Barack Obama", "Liaoning Hongxiang Trading",
         "Barak Obama", "B. Obama", "Acme Widgets Ltd"])]
    run_id = screen_file(client, web_app, rows)
    db = open_db(web_app)
    every = list(runs.iter_hits(db, run_id))
    db.close()
    assert len(every) == 6
    scores = sorted((h["score"] for h in every), reverse=True)
    cut = scores[len(scores) // 2]

    page = client.get(f"/runs/{run_id}?min_score={cut}").get_data(as_text=True)
    assert len(hit_ids(page)) == sum(1 for s in scores if s >= cut) < len(every)

    # Decide one hit: status=pending leaves it out, status=escalate shows only it.
    decided = every[0]["id"]
    client.post(f"/hits/{decided}/decide", data={"csrf_token": client.csrf, "decision": "escalate",
                                                 "reason": "needs senior review"})
    pending = hit_ids(client.get(f"/runs/{run_id}?status=pending").get_data(as_text=True))
    assert decided not in pending and len(pending) == len(every) - 1
    assert hit_ids(client.get(f"/runs/{run_id}?status=escalate").get_data(as_text=True)) == [decided]

    # Sorting by row follows the file; unknown sorts and filter values are errors on the page (400), each named.
    by_row = hit_ids(client.get(f"/runs/{run_id}?sort=row").get_data(as_text=True))
    assert by_row == [h["id"] for h in every]
    res = client.get(f"/runs/{run_id}?sort=evil;drop&min_score=abc&status=nope")
    page = html.unescape(res.get_data(as_text=True))
    assert res.status_code == 400 and len(hit_ids(page)) == len(every)
    for words in ("sort must be one of: priority, score", "min score must be a number from 0 to 1 (got 'abc')",
                  "status must be one of: pending", "(got 'nope')"):
        assert words in page, words

    # Paging keeps the filters in its links.
    monkeypatch.setattr(webruns, "HITS_PER_PAGE", 2)
    page = client.get(f"/runs/{run_id}?status=pending&sort=row").get_data(as_text=True)
    in_row_order = [h["id"] for h in every if h["id"] != decided]
    assert hit_ids(page) == in_row_order[:2]
    next_link = re.search(r'<a href="([^"]+)" rel="next">', page).group(1).replace("&amp;", "&")
    assert "status=pending" in next_link and "sort=row" in next_link and "page=2" in next_link
    assert hit_ids(client.get(next_link).get_data(as_text=True)) == in_row_order[2:4]


def test_upload_form_defaults_come_from_the_settings(signed_in, web_app):

    db = open_db(web_app)
    settings.put(db, "threshold", "0.8", actor="admin")
    settings.put(db, "hit_limit", "3", actor="admin")
    db.close()
    page = signed_in("analyst").get("/upload").get_data(as_text=True)
    assert 'name="threshold" value="0.8"' in page and 'name="hit_limit" value="3"' in page


def test_a_running_run_polls_its_status_and_lists_pages(signed_in, web_app):
    client = signed_in("reviewer")
    run_id = screen_file(client, web_app, CLIENTS)
    db = open_db(web_app)
    running = runs.create_run(db, file_name="big.csv", sha256="0" * 64, file_size=10, sheet=None, actor="x",
                              mapping={"header_row": 1, "columns": {"name": "Name"}}, threshold=0.7, hit_limit=10,
                              algorithm="aligned-words/1.0", watchlist_version=1, watchlist_entities=12,
                              rows_total=1000)
    db.close()
    page = client.get(f"/runs/{running}").get_data(as_text=True)
    assert f'data-poll="/runs/{running}/status.json"' in page and "<progress" in page
    status = client.get(f"/runs/{running}/status.json").get_json()
    assert status == {"status": "running", "error": None, "rows_total": 1000, "rows_done": 0, "screened": 0,
                      "not_screened": 0, "rows_with_hits": 0, "hits": 0, "pending": 0, "suppressed": 0,
                      "confirmed_earlier": 0}
    assert "data-poll" not in client.get(f"/runs/{run_id}").get_data(as_text=True)
    # The home page and the list show both runs; the not-screened page lists the bad row with its reason.
    for url in ("/", "/runs"):
        page = client.get(url).get_data(as_text=True)
        assert f'href="/runs/{run_id}"' in page and f'href="/runs/{running}"' in page and "big.csv" in page
    page = client.get(f"/runs/{run_id}/not-screened").get_data(as_text=True)
    assert "4711" in page and "name has only digits and punctuation" in page


def test_a_refused_upload_leaves_no_file_behind(signed_in, web_app):
    import os

    client = signed_in("analyst")
    assert upload(client, b"not a workbook").status_code == 400
    assert upload(client, b"1,2\n3,4\n", name="x.csv").status_code == 400
    folder = web_app.config["UPLOAD_DIR"]
    assert not os.path.isdir(folder) or os.listdir(folder) == []


# --- a run that left rows out says so; the preview explains the columns ---------------------------------------

LEFT_OUT = CLIENTS + [["C-006", None, "Company", "FR", None], ["C-007", "  ", "Individual", "Narnia", None]]
LEFT_OUT_STATUS = "completed — 3 rows not screened"
LEFT_OUT_REASONS = "2 empty name; 1 name has only digits and punctuation"


def selected_all(page: str, field: str) -> list[str]:
    select = re.search(rf'<select id="column-{field}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [html.unescape(v) for v in re.findall(r'<option value="([^"]*)" selected>', select)]


def text(page: str) -> str:
    """The page's text, tags removed and spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())


def test_a_run_that_left_rows_out_says_so_on_every_page_and_in_the_report(signed_in, web_app):
    client = signed_in("analyst")
    run_id = screen_file(client, web_app, LEFT_OUT)
    clean_id = screen_file(client, web_app, CLIENTS[:5])          # every row has a name
    db = open_db(web_app)
    job_id, clean_job = runs.get_run(db, run_id)["job_id"], runs.get_run(db, clean_id)["job_id"]
    db.close()
    warning = f'<span class="status status-left-out">{LEFT_OUT_STATUS}</span>'
    link = f'href="/runs/{run_id}/not-screened"'

    # The run page: the status in the warning colour, the reasons counted by kind, a link to the rows.
    page = client.get(f"/runs/{run_id}").get_data(as_text=True)
    assert warning in page and link in page
    assert f"{LEFT_OUT_STATUS}: {LEFT_OUT_REASONS}. See the rows not screened" in text(page)
    assert 'class="left-out" role="alert"' in page and "card-left-out" in page
    assert "status-completed" not in page                          # no plain green "completed" anywhere
    # The row screened with a note ("Narnia" is no country) is said quietly; the kinds are counted.
    assert "1 row screened with notes" in text(page)

    # The home page and the list of runs: the same words, the reasons, the link; the clean run stays green.
    for url in ("/", "/runs"):
        page = client.get(url).get_data(as_text=True)
        assert warning in page and LEFT_OUT_REASONS in text(page) and link in page, url
        assert f'<a class="left-out-count" href="/runs/{run_id}/not-screened">3</a>' in page
        clean_row = page[page.index(f'href="/runs/{clean_id}"'):][:400]
        assert '<span class="status status-completed">completed</span>' in clean_row, url

    # The job page, as rendered and as polled.
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert warning in page and f"{LEFT_OUT_STATUS}: {LEFT_OUT_REASONS}." in text(page) and link in page
    status = client.get(f"/jobs/{job_id}/status.json").get_json()
    assert status["run_status"] == LEFT_OUT_STATUS and status["not_screened"] == 3
    assert status["not_screened_reasons"] == {"empty name": 2, "name has only digits and punctuation": 1}
    assert status["not_screened_url"] == f"/runs/{run_id}/not-screened"
    clean = client.get(f"/jobs/{clean_job}/status.json").get_json()
    assert clean["run_status"] == "completed" and clean["not_screened"] == 0
    page = client.get(f"/jobs/{clean_job}").get_data(as_text=True)
    assert "status-left-out" not in page and '<span class="status status-completed">completed</span>' in page
    assert "data-left-out hidden" in page                           # filled in by run.js only if rows are left out

    # The rows not screened: counted by reason above the list.
    page = client.get(f"/runs/{run_id}/not-screened").get_data(as_text=True)
    assert f"3 rows not screened: {LEFT_OUT_REASONS}." in text(page)

    # The report's Summary says the same; a clean run's status stays "completed".
    wb = load_workbook(io.BytesIO(client.get(f"/runs/{run_id}/report.xlsx").data))
    cells = [r for r in wb["Summary"].iter_rows(values_only=True) if r and r[0]]
    summary = dict(r[:2] for r in cells)
    assert summary["Status"] == LEFT_OUT_STATUS and summary["Not screened, by reason"] == LEFT_OUT_REASONS
    assert summary["Screened with notes"].startswith("1 row: 1 country")
    assert cells[1][0].startswith(f"WARNING: {LEFT_OUT_STATUS} ({LEFT_OUT_REASONS})")
    wb = load_workbook(io.BytesIO(client.get(f"/runs/{clean_id}/report.xlsx").data))
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True) if r and r[0]}
    assert summary["Status"] == "completed" and "Not screened, by reason" not in summary
    assert summary["Screened with notes"] == "none"


CRM = [
    ["Counterparty extract - Acme Bank CRM"],
    ["Generated 2026-11-30 by jsmith"],
    ["Client Ref", "Counterparty", "Legal Name", "Client Type", "Country of Incorporation", "Country of Residence"],
    ["CP-1", "LIAONING", "Liaoning Hongxiang Industrial Development Co., Ltd.", "Corporate", "China", None],
    ["CP-2", None, "Keqiang Li", "Ind.", "N/A", "CN"],
    ["CP-3", "ACME", "Acme Widgets Limited", "Personne morale", "GB", "GB"],
    ["CP-4", None, "Zebulon Quartermaine", "Individual", "Atlantis", None],
    ["CP-5", None, None, "Corp", "DE", None],
]


def test_the_preview_explains_the_columns_and_keeps_several_countries(signed_in, web_app):
    client = signed_in("analyst")
    page = upload(client, xlsx_bytes(CRM)).get_data(as_text=True)
    # The name is the fullest name column, with the reason; the short one serves where it is empty.
    assert selected(page, "name") == "Legal Name" and selected(page, "client_id") == "Client Ref"
    words = text(page)
    assert "How the columns were chosen" in words and "name: 'Legal Name' (column C), the fullest name column" in words
    assert "also a name: 'Counterparty'" in words and "Where it is empty: Counterparty." in words
    # Every country column is chosen in a select of several values.
    assert '<select id="column-country" name="column-country" multiple' in page
    assert selected_all(page, "country") == ["Country of Incorporation", "Country of Residence"]
    assert "'Country of Incorporation', 'Country of Residence': all used" in words
    # The row that will not be screened, in the warning colour; the notes, quietly.
    assert '<p class="left-out" role="alert"><strong>1 row will not be screened</strong>' in page
    assert "row 8: empty name" in words
    assert re.search(r"\d+ rows? will be screened with notes", words) and "Atlantis" in words
    # The sample rows scroll inside their own box.
    assert '<div class="sample"' in page

    # Preview again with one country column: it stays the only one chosen; then both again, then start.
    form = mapping_form(client, page, "preview", country=["Country of Residence"])
    page = client.post("/upload/mapping", data=form).get_data(as_text=True)
    assert selected_all(page, "country") == ["Country of Residence"]
    assert "all used" not in text(page) and selected(page, "name") == "Legal Name"
    form = mapping_form(client, page, "preview", country=["Country of Incorporation", "Country of Residence"])
    page = client.post("/upload/mapping", data=form).get_data(as_text=True)
    assert selected_all(page, "country") == ["Country of Incorporation", "Country of Residence"]
    form = mapping_form(client, page, "start", country=["Country of Incorporation", "Country of Residence"])
    assert client.post("/upload/mapping", data=form).status_code == 302
    job = run_job(web_app)
    assert job["status"] == "done", job
    db = open_db(web_app)
    run = runs.get_run(db, job["result"]["run_id"])
    countries = {r["client_id"]: r["countries"] for r in runs.iter_rows(db, run["id"])}
    payload = jobs.get_job(db, job["id"])["payload"]
    db.close()
    assert payload["columns"]["country"] == ["Country of Incorporation", "Country of Residence"]
    assert run["mapping"]["columns"]["country"] == "Country of Incorporation"
    assert run["mapping"]["more_columns"]["country"] == ["Country of Residence"]
    assert countries["CP-2"] == ["cn"] and countries["CP-1"] == ["cn"]
    assert run["not_screened"] == 1 and run["not_screened_reasons"] == {"empty name": 1}
    page = client.get(f"/runs/{run['id']}").get_data(as_text=True)
    assert "country ← Country of Incorporation, Country of Residence" in text(page)


def test_the_hit_page_and_report_show_the_following_sentences_whose_adverse_words_count(signed_in, web_app):
    from screening.service import ingest
    from watchlists.sources import RawArticle

    text = ("Shipping news of the week\n\nKestrel Shipping Ltd. opened a new office in Singapore last year. The firm "
            "was fined $2m on Monday for sanctions breaches <b>at sea</b>.\n")
    db = open_db(web_app)
    ingest.ingest(db, raws=[RawArticle("week.txt", "txt", text=text, source="Test Daily")])
    db.close()
    client = signed_in("analyst")
    run_id = screen_file(client, web_app, [["Name"], ["Kestrel Shipping Ltd"]])
    page = client.get(f"/runs/{run_id}").get_data(as_text=True)
    page = client.get(f"/hits/{hit_ids(page)[0]}").get_data(as_text=True)
    assert "Then, referring back to it:" in page
    assert "The firm was fined $2m on Monday for sanctions breaches &lt;b&gt;at sea&lt;/b&gt;." in page
    report = load_workbook(io.BytesIO(client.get(f"/runs/{run_id}/report.xlsx").data), rich_text=False)
    ws = report["Hits"]
    column = [c.value for c in ws[1]].index("Excerpt") + 1
    assert "[then:] The firm was fined $2m" in str(ws.cell(2, column).value)
