"""Hostile input against every entry point that reads a file: ``screening screen``, the upload page, ``POST
/api/runs``, ``watchlist add`` and ``/watchlist/add`` (articles), ``watchlist import --format csv`` (lists).

Each case from ``tests/hostile/corpus`` (written by ``tests/hostile/make_corpus.py``, which also makes the large
cases here at test time) gets a clear refusal naming the file (CLI exit 1, web 400/413 with a page, API JSON) or a
correct result; never a 500, a traceback, a file read through an XML entity, a live formula in a report, raw
markup in a page, a file stored outside the upload folder, or a run left running or half-written.
"""
from __future__ import annotations

import html
import io
import json
import re
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from screening.cli import cli
from screening.store import accounts
from screening.store import db as dbmod

sys.path.insert(0, str(Path(__file__).resolve().parent / "hostile"))
import make_corpus as mc  # noqa: E402

CORPUS = mc.CORPUS
SECRET = mc.SECRET_MARKER

# client file -> ("refused", words of the message) or ("screened", rows, names expected as text)
CLIENT_CASES = {
    "truncated.xlsx": ("refused", "damaged or truncated xlsx workbook"),
    "corrupt_sheet.xlsx": ("refused", "the workbook cannot be read"),
    "encrypted.xlsx": ("refused", "encrypted or old-format (.xls) workbook"),
    "xxe_sheet.xlsx": ("refused", "EntitiesForbidden: XML entities or a DTD, refused"),      # defusedxml
    "xxe_strings.xlsx": ("refused", "EntitiesForbidden: XML entities or a DTD, refused"),
    "xxe_workbook.xlsx": ("refused", "references external entity 'xxe'"),
    "laughs_sheet.xlsx": ("refused", "EntitiesForbidden: XML entities or a DTD, refused"),
    "laughs_strings.xlsx": ("refused", "EntitiesForbidden: XML entities or a DTD, refused"),
    "laughs_workbook.xlsx": ("refused", "amplification factor"),
    "png_named.xlsx": ("refused", "not an xlsx workbook (the file is not a zip archive)"),
    "xlsx_named.csv": ("refused", "contains NUL bytes"),
    "program.exe": ("refused", None),    # the CLI: "not a client list"; the web: "not accepted here"
    "utf16_bom.csv": ("screened", 2, ["Keqiang Li", "Zoë Ärlig"]),
    "utf16_nobom.csv": ("refused", "looks like UTF-16 without a byte-order mark"),
    "mixed_encoding.csv": ("screened", 3, ["José Müller", "Zoë Ärlig-Peña", "Keqiang Li"]),
    "nul_bytes.csv": ("refused", "contains NUL bytes"),
    "long_cells.xlsx": ("screened", 2, ["Acme Widgets Ltd"]),
    "formulas.csv": ("screened", 8, mc.FORMULAS[:-1]),
    "formulas.xlsx": ("screened", 8, mc.FORMULAS[:-1]),
    "live_formula.xlsx": ("screened", 2, ["Keqiang Li"]),      # the formula's cached value is empty: not screened
    "scripts.csv": ("screened", 3, mc.SCRIPTS),
}
ENTRY_POINTS = ("cli", "upload", "api")


def _client(name: str) -> Path:
    return CORPUS / "clients" / name


def test_the_committed_corpus_is_what_the_script_writes_and_small():
    built = mc.build()
    on_disk = {str(p.relative_to(CORPUS)): p.read_bytes() for p in CORPUS.rglob("*") if p.is_file()}
    assert on_disk == built, "regenerate with python tests/hostile/make_corpus.py"
    assert sum(len(b) for b in built.values()) < 300_000
    assert set(CLIENT_CASES) == {n.split("/", 1)[1] for n in built if n.startswith("clients/")}


# --- helpers ----------------------------------------------------------------------------------------------------

def invoke(db_path, *args):
    return CliRunner().invoke(cli, ["--db", str(db_path), *map(str, args)])


def assert_clean_cli(result):
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and SECRET not in result.output


def assert_no_partial_runs(db_path, completed: int):
    """No run left running or failed half-way; every completed run holds all its rows."""
    db = dbmod.connect(db_path)
    try:
        runs = [dict(zip(("id", "status", "rows_total"), r))
                for r in db.execute("SELECT id, status, rows_total FROM runs")]
        assert [r["status"] for r in runs] == ["completed"] * completed, runs
        for r in runs:
            stored = db.execute("SELECT count(*) FROM run_rows WHERE run_id = ?", [r["id"]]).fetchone()[0]
            assert stored == r["rows_total"], r
        dump = "\n".join(db.conn.iterdump())
        assert SECRET not in dump
    finally:
        db.close()


def assert_report_has_no_formula(data: bytes):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for n in z.namelist():
            if n.endswith(".xml"):
                part = z.read(n)
                assert b"<f>" not in part and b"<f " not in part, n
                assert SECRET.encode() not in part


def api_token(web_app, role="analyst") -> str:
    db = dbmod.connect(web_app.config["DB_PATH"])
    try:
        user = accounts.find_user(db, f"api-{role}") or accounts.add_user(db, f"api-{role}", role,
                                                                            password="correct horse battery")[0]
        return accounts.create_token(db, user["id"], "hostile")[1]
    finally:
        db.close()


def upload_dir_files(web_app) -> list[Path]:
    folder = Path(web_app.config["UPLOAD_DIR"])
    return sorted(folder.iterdir()) if folder.exists() else []


def page_text(res) -> str:
    return html.unescape(res.get_data(as_text=True))


# --- client lists: every case through every entry point --------------------------------------------------------

@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("name", list(CLIENT_CASES))
def test_client_file(name, entry, sample_copy, tmp_path, request):
    expect = CLIENT_CASES[name]
    if entry != "cli":          # the web fixtures only where used: the file stays within its time
        web_app, signed_in, run_jobs = (request.getfixturevalue(f) for f in ("web_app", "signed_in", "run_jobs"))
    path = _client(name)
    if entry == "cli":
        report, out_json = tmp_path / "r.xlsx", tmp_path / "r.json"
        result = invoke(sample_copy, "screen", path, "--report", report, "--json", out_json)
        assert_clean_cli(result)
        if expect[0] == "refused":
            assert result.exit_code == 1 and result.output.startswith(f"Error: {name}: "), result.output
            assert (expect[1] or "not a client list") in result.output
            assert not report.exists() and not out_json.exists()
            assert_no_partial_runs(sample_copy, 0)
            return
        # 3: the run completed but some rows had no usable name (the warning names them).
        assert result.exit_code in (0, 3), result.output
        assert (result.exit_code == 3) == ("NOT SCREENED" in result.output), result.output
        assert f"{expect[1]} rows" in result.output
        assert_report_has_no_formula(report.read_bytes())
        data = json.loads(out_json.read_text())
        text = json.dumps(data, ensure_ascii=False)
        assert SECRET not in text
        for n in expect[2]:
            assert json.dumps(n, ensure_ascii=False)[1:-1] in text, n
        assert_no_partial_runs(sample_copy, 1)
        return
    if entry == "upload":
        client = signed_in("analyst")
        res = client.post("/upload", data={"csrf_token": client.csrf, "file": (io.BytesIO(path.read_bytes()), name)},
                          content_type="multipart/form-data")
        body = page_text(res)
        assert SECRET not in body and "Traceback" not in body
        if expect[0] == "refused":
            assert res.status_code == 400, body[:2000]
            assert f"{name}: " in body and (expect[1] or "not accepted here") in body
            assert upload_dir_files(web_app) == []      # a refused upload leaves nothing behind
        else:
            assert res.status_code == 200, body[:2000]
            for n in expect[2][:2]:
                assert n[:60] in body
            if "<script>" in "".join(expect[2]):
                raw = res.get_data(as_text=True)
                assert "<script>alert" not in raw and "&lt;script&gt;alert" in raw
        assert_no_partial_runs(sample_copy, 0)
        return
    client = web_app.test_client()
    res = client.post("/api/runs", headers={"Authorization": f"Bearer {api_token(web_app)}"},
                      data={"file": (io.BytesIO(path.read_bytes()), name)}, content_type="multipart/form-data")
    body = res.get_json()
    assert body is not None and SECRET not in res.get_data(as_text=True)
    if expect[0] == "refused":
        assert res.status_code == 400, body
        assert body["message"].startswith(f"{name}: ") and (expect[1] or "not accepted here") in body["message"]
        assert upload_dir_files(web_app) == []
        assert_no_partial_runs(sample_copy, 0)
        return
    assert res.status_code == 202, body
    assert body["rows"] == expect[1]
    done = run_jobs()
    assert [j["status"] for j in done] == ["done"], done
    assert_no_partial_runs(sample_copy, 1)
    run_id = done[0]["run_id"]
    viewer = signed_in("reviewer")
    report = viewer.get(f"/runs/{run_id}/report.xlsx")
    assert report.status_code == 200
    assert_report_has_no_formula(report.data)
    run_json = json.dumps(viewer.get(f"/runs/{run_id}/run.json").get_json(), ensure_ascii=False)
    assert SECRET not in run_json
    for n in expect[2]:
        assert json.dumps(n, ensure_ascii=False)[1:-1] in run_json, n
    for url in (f"/runs/{run_id}", f"/runs/{run_id}/not-screened"):
        page = viewer.get(url)
        assert page.status_code == 200
        raw = page.get_data(as_text=True)
        assert "<script>alert" not in raw and "<img src=x" not in raw and SECRET not in raw


# --- large client files, made here --------------------------------------------------------------------------

def _post_client(web_app, signed_in, entry, path: Path, name: str):
    if entry == "upload":
        client = signed_in("analyst")
        return client.post("/upload", data={"csrf_token": client.csrf, "file": (path.open("rb"), name)},
                           content_type="multipart/form-data")
    return web_app.test_client().post("/api/runs", headers={"Authorization": f"Bearer {api_token(web_app)}"},
                                      data={"file": (path.open("rb"), name)}, content_type="multipart/form-data")


def _message(res) -> str:
    body = res.get_json(silent=True)
    return body["message"] if body else page_text(res)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_zip_bomb_inside_a_workbook_is_refused_unopened(entry, sample_copy, tmp_path, request):
    bomb = mc.zip_bomb_xlsx(tmp_path / "bomb.xlsx", expanded_mb=40)
    assert bomb.stat().st_size < 200_000
    t0 = time.perf_counter()
    if entry == "cli":
        result = invoke(sample_copy, "screen", bomb)
        assert_clean_cli(result)
        assert result.exit_code == 1 and "bomb.xlsx: the workbook would expand to 42 MB" in result.output
        assert "refused as a possible zip bomb" in result.output
    else:
        web_app, signed_in = request.getfixturevalue("web_app"), request.getfixturevalue("signed_in")
        res = _post_client(web_app, signed_in, entry, bomb, "bomb.xlsx")
        assert res.status_code == 400 and "refused as a possible zip bomb" in _message(res)
        assert upload_dir_files(web_app) == []
    assert time.perf_counter() - t0 < 5
    assert_no_partial_runs(sample_copy, 0)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_file_over_the_row_limit_is_refused_with_the_setting_named(entry, sample_copy, tmp_path, request,
                                                                     monkeypatch):
    monkeypatch.setenv("SCREENING_MAX_ROWS", "500")
    big = mc.million_rows_csv(tmp_path / "many.csv", rows=500)          # 501 rows with the header
    fits = mc.million_rows_csv(tmp_path / "fits.csv", rows=499)
    limit = "many.csv: more than 500 rows (the limit per file, header included; set SCREENING_MAX_ROWS"
    if entry == "cli":
        result = invoke(sample_copy, "screen", big)
        assert_clean_cli(result)
        assert result.exit_code == 1 and result.output.startswith(f"Error: {limit}"), result.output
        result = invoke(sample_copy, "screen", fits)
        assert result.exit_code == 0 and "499 rows" in result.output, result.output
        assert_no_partial_runs(sample_copy, 1)
        return
    web_app, signed_in = request.getfixturevalue("web_app"), request.getfixturevalue("signed_in")
    res = _post_client(web_app, signed_in, entry, big, "many.csv")
    assert res.status_code == 400 and limit in _message(res)
    assert upload_dir_files(web_app) == []
    res = _post_client(web_app, signed_in, entry, fits, "fits.csv")
    assert res.status_code in (200, 202), _message(res)
    assert_no_partial_runs(sample_copy, 0)


@pytest.mark.slow
def test_a_million_row_csv_is_refused_in_bounded_time_at_the_default_limit(sample_copy, tmp_path):
    big = mc.million_rows_csv(tmp_path / "million.csv")     # a header and 1,000,000 clients: 1,000,001 rows
    t0 = time.perf_counter()
    result = invoke(sample_copy, "screen", big)
    elapsed = time.perf_counter() - t0
    assert_clean_cli(result)
    assert result.exit_code == 1 and "million.csv: more than 1,000,000 rows" in result.output, result.output
    assert elapsed < 40, elapsed
    assert_no_partial_runs(sample_copy, 0)


def test_100000_character_cells_are_cut_or_refused_per_row_never_a_crash(sample_copy, tmp_path):
    path = mc.long_cells_csv(tmp_path / "long.csv")
    report, out_json = tmp_path / "r.xlsx", tmp_path / "r.json"
    t0 = time.perf_counter()
    result = invoke(sample_copy, "screen", path, "--report", report, "--json", out_json)
    assert_clean_cli(result)
    assert result.exit_code == 0 and "4 rows" in result.output, result.output
    assert time.perf_counter() - t0 < 20
    assert_report_has_no_formula(report.read_bytes())
    from openpyxl import load_workbook
    wb = load_workbook(report, read_only=True)
    for ws in wb:
        for row in ws.iter_rows(values_only=True):
            assert all(len(str(v)) <= 32_767 for v in row if v is not None)
    wb.close()
    data = json.loads(out_json.read_text())
    assert data and len(out_json.read_bytes()) < 5_000_000
    assert_no_partial_runs(sample_copy, 1)


# --- upload size ----------------------------------------------------------------------------------------------

@pytest.fixture
def small_app(sample_copy, tmp_path, monkeypatch):
    """The app with SCREENING_MAX_UPLOAD_MB=1, set the way an operator sets it."""
    from web import create_app

    monkeypatch.setenv("SCREENING_MAX_UPLOAD_MB", "1")
    return create_app({"DB_PATH": str(sample_copy), "TESTING": True, "SESSION_COOKIE_SECURE": False,
                       "UPLOAD_DIR": str(tmp_path / "uploads")})


@pytest.mark.parametrize("url, field, name", [("/upload", "file", "big.csv"), ("/api/runs", "file", "big.csv"),
                                              ("/watchlist/add", "files", "big.txt")])
def test_an_upload_over_the_limit_is_a_413_with_the_setting_named(small_app, url, field, name):
    assert small_app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    db = dbmod.connect(small_app.config["DB_PATH"])
    user = accounts.add_user(db, "big-sender", "analyst", password="correct horse battery")[0]
    token = accounts.create_token(db, user["id"], "t")[1]
    db.close()
    client = small_app.test_client()
    headers = {"Authorization": f"Bearer {token}"} if url.startswith("/api/") else {}
    if not url.startswith("/api/"):
        page = client.get("/signin").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        client.post("/signin", data={"name": "big-sender", "password": "correct horse battery",
                                     "csrf_token": csrf})
    res = client.post(url, headers=headers, data={"csrf_token": "x", field: (io.BytesIO(mc.oversized(2)), name)},
                      content_type="multipart/form-data")
    assert res.status_code == 413
    message = _message(res)
    assert "larger than the upload limit of 1 MB (setting SCREENING_MAX_UPLOAD_MB)" in message
    if url.startswith("/api/"):
        assert res.get_json()["status"] == 413
    else:
        assert "<html" in res.get_data(as_text=True).lower()
    assert not (Path(small_app.config["UPLOAD_DIR"])).exists() or upload_dir_files(small_app) == []
    assert_no_partial_runs(small_app.config["DB_PATH"], 0)


# --- file names -----------------------------------------------------------------------------------------------

TRAVERSAL = ["../../etc/passwd{ext}", "..\\..\\win.ini{ext}", "/tmp/abs{ext}", "C:\\Windows\\System32\\x{ext}",
             "a\x00b{ext}", "evil\nname\r{ext}", "....//....//x{ext}"]


@pytest.mark.parametrize("url", ["/upload", "/api/runs", "/watchlist/add"])
@pytest.mark.parametrize("raw", TRAVERSAL)
def test_uploaded_file_names_never_choose_where_the_file_is_stored(raw, url, web_app, signed_in, tmp_path):
    article = url == "/watchlist/add"
    ext = ".txt" if article else ".csv"
    name = raw.format(ext=ext)
    data = (mc.ARTICLE if article else mc.client_csv(["Keqiang Li"])).encode()
    before = {p for p in tmp_path.rglob("*")}
    if url == "/api/runs":
        res = web_app.test_client().post(url, headers={"Authorization": f"Bearer {api_token(web_app)}"},
                                         data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")
    else:
        client = signed_in("analyst")
        res = client.post(url, data={"csrf_token": client.csrf, "file" if not article else "files":
                                     (io.BytesIO(data), name)}, content_type="multipart/form-data")
    stored = upload_dir_files(web_app)
    if "\n" in name and res.status_code == 400:
        # A raw line break ends the multipart header (browsers send it encoded): no file arrives, and that is said.
        assert "choose" in _message(res) and stored == []
        return
    assert res.status_code in (200, 202, 302), _message(res)[:2000]
    assert len(stored) == 1 and re.fullmatch(r"[0-9a-f]{32}\.(csv|txt)", stored[0].name), stored
    new = {p for p in tmp_path.rglob("*")} - before
    assert all(Path(web_app.config["UPLOAD_DIR"]) in p.parents or p == Path(web_app.config["UPLOAD_DIR"])
               or p.suffix in (".db-wal", ".db-shm", ".db-journal") for p in new), new
    assert not Path("/tmp/abs" + ext).exists() or Path("/tmp/abs" + ext).stat().st_mtime < time.time() - 60
    shown = res.get_json()["file_name"] if url == "/api/runs" else None
    if shown is not None:
        assert "/" not in shown and "\\" not in shown and "\x00" not in shown and "\n" not in shown
        assert shown.endswith(ext) and ".." not in shown.replace("....", "")[:2]


# --- articles -------------------------------------------------------------------------------------------------

ARTICLE_CASES = {
    "script.txt": ("added", None),
    "script.json": ("added", None),
    "xxe.html": ("added", None),            # the DOCTYPE is not XML here: "&xxe;" stays text, nothing is read
    "laughs.html": ("added", None),         # likewise "&lol9;", not a billion "lol"s
    "nul_bytes.txt": ("failed", "contains NUL bytes"),
    "utf16_nobom.txt": ("failed", "looks like UTF-16 without a byte-order mark"),
    "png_named.txt": ("failed", "contains NUL bytes"),
    "xlsx_named.json": ("failed", "contains NUL bytes"),
    "program.exe": ("failed", "unsupported file type '.exe'"),
}


@pytest.fixture(scope="module")
def articles_by_cli(sample_db, tmp_path_factory):
    """Every article case added in one ``watchlist add`` (the language model loads once)."""
    path = tmp_path_factory.mktemp("articles") / "screening.db"
    sample_db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    target = dbmod.connect(path, migrate_schema=False)
    sample_db.conn.backup(target.conn)
    target.close()
    t0 = time.perf_counter()
    result = invoke(path, "watchlist", "add", *sorted((CORPUS / "articles").iterdir()))
    return path, result, time.perf_counter() - t0


@pytest.mark.parametrize("name", list(ARTICLE_CASES))
def test_article_by_cli(name, articles_by_cli):
    path, result, elapsed = articles_by_cli
    assert_clean_cli(result)
    assert result.exit_code == 1 and elapsed < 60
    status, message = ARTICLE_CASES[name]
    line = [ln for ln in result.output.splitlines() if f"/{name}" in ln]
    assert len(line) == 1 and f" {status} " in line[0], result.output
    if message:
        assert message in line[0]
    db = dbmod.connect(path)
    try:
        stored = db.execute("SELECT count(*) FROM articles WHERE file_name = ?", [name]).fetchone()[0]
        assert stored == (status == "added")
        assert SECRET not in "\n".join(db.conn.iterdump())
        if name.endswith(".html"):
            text = db.execute("SELECT text FROM articles WHERE file_name = ?", [name]).fetchone()[0]
            assert ("&xxe;" if "xxe" in name else "&lol9;") in text and "lollol" not in text
    finally:
        db.close()


def test_articles_by_web_upload_and_script_shown_escaped(web_app, signed_in, run_jobs):
    client = signed_in("analyst")
    readable = [n for n in ARTICLE_CASES if not n.endswith(".exe")]
    res = client.post("/watchlist/add", data={"csrf_token": client.csrf, "files": [
        (io.BytesIO((CORPUS / "articles" / n).read_bytes()), n) for n in readable]},
        content_type="multipart/form-data")
    assert res.status_code == 302, page_text(res)[:2000]
    res = client.post("/watchlist/add", data={"csrf_token": client.csrf, "files": [
        (io.BytesIO((CORPUS / "articles" / "program.exe").read_bytes()), "program.exe")]},
        content_type="multipart/form-data")
    assert res.status_code == 400 and "program.exe: not accepted here" in page_text(res)
    (job,) = run_jobs()
    assert job["status"] == "done", job
    outcome = json.dumps(job["result"], ensure_ascii=False)
    assert SECRET not in outcome
    for n in readable:
        status, message = ARTICLE_CASES[n]
        assert n in outcome and (message or "") in outcome
    db = dbmod.connect(web_app.config["DB_PATH"])
    try:
        ids = dict(db.execute("SELECT file_name, id FROM articles WHERE file_name IN ('script.txt', 'script.json',"
                              " 'xxe.html')").fetchall())
        entity = db.execute("SELECT id FROM entities WHERE name LIKE '%Varga-Reyes%'").fetchone()[0]
    finally:
        db.close()
    assert set(ids) == {"script.txt", "script.json", "xxe.html"}
    for url in [f"/watchlist/articles/{i}" for i in ids.values()] + [f"/watchlist/entities/{entity}",
                                                                      "/watchlist/articles",
                                                                      f"/watchlist/imports/{job['id']}"]:
        res = client.get(url)
        raw = res.get_data(as_text=True)
        assert res.status_code == 200, url
        assert "<script>alert" not in raw and "<script>document" not in raw and "<b onmouseover" not in raw, url
        assert SECRET not in raw
    raw = client.get(f"/watchlist/articles/{ids['script.txt']}").get_data(as_text=True)
    assert "&lt;script&gt;alert(" in raw


def test_script_in_articles_and_names_is_escaped_on_run_and_hit_pages(web_app, signed_in, run_jobs):
    """A client named with markup, hit against an article holding markup: both shown as text."""
    client = signed_in("analyst")
    client.post("/watchlist/add", data={"csrf_token": client.csrf, "files": [
        (io.BytesIO((CORPUS / "articles" / "script.txt").read_bytes()), "script.txt")]},
        content_type="multipart/form-data")
    names = ['Ottoline Varga-Reyes <script>alert("x")</script>'] + mc.SCRIPTS
    res = client.post("/api/runs", headers={"Authorization": f"Bearer {api_token(web_app)}"},
                      data={"file": (io.BytesIO(mc.client_csv(names).encode()), "<script>x</script>.csv")},
                      content_type="multipart/form-data")
    assert res.status_code == 202, res.get_json()
    done = run_jobs()
    assert [j["status"] for j in done] == ["done", "done"], done
    run_id = done[-1]["run_id"]
    hits = web_app.test_client().get(f"/api/runs/{run_id}/hits",
                                     headers={"Authorization": f"Bearer {api_token(web_app)}"}).get_json()["hits"]
    assert hits, "the client named like the article's subject is a hit"
    for url in (f"/runs/{run_id}", f"/hits/{hits[0]['id']}", "/runs", "/"):
        raw = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in raw and "<img src=x" not in raw and "<script>x" not in raw, url
    raw = client.get(f"/hits/{hits[0]['id']}").get_data(as_text=True)
    assert "&lt;script&gt;alert" in raw
    assert_no_partial_runs(web_app.config["DB_PATH"], 1)


# --- lists (watchlist import --format csv) ---------------------------------------------------------------------

LIST_CASES = {
    "nul_bytes.csv": ("refused", "contains NUL bytes (the first at offset"),
    "utf16_nobom.csv": ("refused", "looks like UTF-16 without a byte-order mark"),
    "xlsx_named.csv": ("refused", "contains NUL bytes"),
    "png_named.csv": ("refused", "contains NUL bytes"),
    "formulas.csv": ("imported", mc.FORMULAS),
    "scripts.csv": ("imported", mc.SCRIPTS),
    "mixed_encoding.csv": ("imported", ["Zoë Ärlig"]),
}


@pytest.mark.parametrize("name", list(LIST_CASES) + ["long_cells.csv"])
def test_list_import(name, db, tmp_path):
    db_path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    path = mc.long_list_csv(tmp_path / name) if name == "long_cells.csv" else CORPUS / "lists" / name
    expect = LIST_CASES.get(name, ("imported", ["Harald Brennan"]))
    result = invoke(db_path, "watchlist", "import", path, "--format", "csv")
    assert_clean_cli(result)
    n_entities = db.execute("SELECT count(*) FROM entities").fetchone()[0]
    if expect[0] == "refused":
        assert result.exit_code == 1 and f"Error: {name}: " in result.output and expect[1] in result.output, \
            result.output
        assert n_entities == 0 and db.execute("SELECT count(*) FROM watchlist_versions").fetchone()[0] == 0
        return
    assert result.exit_code == 0, result.output
    stored = {r[0] for r in db.execute("SELECT name FROM entities")}
    assert {n.strip() for n in expect[1]} <= stored
    assert not any("\x00" in s for s in stored)


# --- name pairs (screening compare --pairs) ---------------------------------------------------------------------

PAIRS_CASES = {
    "nul": (b"name_a,name_b\nKeqiang Li,Li Ke\x00qiang\n", 1, "contains NUL bytes"),
    "utf16_nobom": ("name_a,name_b\nA B,A B\n".encode("utf-16-le"), 1, "looks like UTF-16 without a byte-order mark"),
    "png": (mc.png(), 1, "contains NUL bytes"),
    "xlsx": (mc.xlsx(mc.CLIENT_ROWS), 1, "contains NUL bytes"),
    "formulas": (mc.csv_text([["name_a", "name_b"]] + [[f, "Keqiang Li"] for f in mc.FORMULAS]).encode(), 0,
                 "7 pairs compared"),
    "long": (mc.csv_text([["name_a", "name_b"], ["Li " + "Keqiang" * 15_000, "Keqiang Li"]]).encode(), 0,
             "1 pairs compared"),
}


@pytest.mark.parametrize("case", list(PAIRS_CASES))
def test_compare_pairs(case, tmp_path):
    data, code, words = PAIRS_CASES[case]
    path = tmp_path / f"{case}.csv"
    path.write_bytes(data)
    result = invoke(tmp_path / "pairs.db", "compare", "--pairs", path)
    assert_clean_cli(result)
    assert result.exit_code == code and words in result.output, result.output
    if code:
        assert result.output.startswith(f"Error: {path}: ")
