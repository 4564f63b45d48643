"""Official lists in the web app and in what a run says: Admin > Lists (upload, preview, confirm; admins only), the
warning on every page while no sanctions list is loaded, and the lists of a run's watchlist version with their
provenance on the run page, in the run's JSON and in its report's Summary."""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from screening.service import lists as list_import
from screening.service import screen
from screening.store import db as dbmod
from screening.store import watchlist as store

FIXTURES = Path(__file__).parent / "fixtures" / "lists"
OFAC = FIXTURES / "ofac"
OFAC_FILES = ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv")
WARNING = "No sanctions list is loaded"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(*names: str, folder: Path = OFAC) -> list[tuple[io.BytesIO, str]]:
    return [(io.BytesIO((folder / n).read_bytes()), n) for n in names]


def _db(web_app):
    return dbmod.connect(web_app.config["DB_PATH"])


def _preview(client, files, **fields):
    data = {"csrf_token": client.csrf, "format": "ofac-sdn", "name": "", "published": "", "mtime": "", **fields,
            "files": files}
    return client.post("/admin/lists/preview", data=data, content_type="multipart/form-data")


def _confirm_fields(page: str) -> dict:
    form = page[page.index('action="/admin/lists/import"'):]
    form = form[:form.index("</form>")]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def _count(page: str, name: str) -> int:
    return int(re.search(rf'data-count="{name}">(\d+)<', page).group(1))


# --- Admin > Lists ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, path, read, published", [
    ("un-consolidated", FIXTURES / "un" / "UN_consolidated.xml", 5, "2026-02-27"),
    ("uk-hmt", FIXTURES / "uk" / "sanctionsconlist.csv", 5, "2018-04-13"),
])
def test_the_un_and_uk_lists_import_from_the_web_with_the_date_they_carry(web_app, signed_in, fmt, path, read,
                                                                         published):
    admin = signed_in("admin")
    assert f'value="{fmt}"' in admin.get("/admin/lists").get_data(as_text=True)
    page = _preview(admin, _files(path.name, folder=path.parent), format=fmt).get_data(as_text=True)
    assert _count(page, "read") == read and f"{published} (read from the file)" in page, page
    res = admin.post("/admin/lists/import", data=_confirm_fields(page))
    assert res.status_code == 302
    db = _db(web_app)
    assert store.sanctions_loaded(db)
    if fmt == "un-consolidated":
        [eid] = [r[0] for r in db.execute("SELECT id FROM entities WHERE list_id = 'CDi.004'")]
        page = admin.get(f"/watchlist/entities/{eid}").get_data(as_text=True)
        assert "Born or living in" in page and "cd, ug" in page and "a weak hint, not a nationality" in page
    db.close()


def test_an_admin_imports_the_ofac_set_from_the_web_after_a_preview(web_app, signed_in):
    admin = signed_in("admin")
    page = admin.get("/admin/lists").get_data(as_text=True)
    assert "Import a list" in page and 'href="/admin/lists"' in page
    res = _preview(admin, _files(*OFAC_FILES), mtime="2021-07-07")
    page = res.get_data(as_text=True)
    assert res.status_code == 200, page
    assert [_count(page, k) for k in ("read", "added", "updated", "delisted", "unchanged")] == [7, 7, 0, 0, 0]
    for name in OFAC_FILES:
        assert name in page and _sha(OFAC / name) in page
    assert "2021-07-07 (the file&#39;s modification time)" in page
    assert "BANCO NACIONAL DE CUBA" in page and "alt.csv found" in page
    db = _db(web_app)
    assert store.current_version(db) == 1 and store.list_sources(db) == []     # a preview stores nothing
    fields = _confirm_fields(page)
    assert fields["format"] == "ofac-sdn" and fields["name"] == "ofac-sdn" and fields["file"] == "sdn.csv"
    res = admin.post("/admin/lists/import", data=fields)
    assert res.status_code == 302 and res.headers["Location"] == "/admin/lists"
    page = admin.get("/admin/lists").get_data(as_text=True)
    assert "List ofac-sdn imported: 7 added, 0 updated, 0 delisted, 0 unchanged; watchlist version 2." in page
    assert _sha(OFAC / "sdn.csv") in page and "admin-user" in page
    rows = [dict(r) for r in db.query("SELECT * FROM list_files ORDER BY id")]
    assert [(r["file_name"], r["sha256"], r["size"]) for r in rows] == [
        (n, _sha(OFAC / n), (OFAC / n).stat().st_size) for n in OFAC_FILES]
    assert {(r["version"], r["published"], r["published_from"], r["imported_by"]) for r in rows} == {
        (2, "2021-07-07", "mtime", "admin-user")}
    db.close()
    # The upload is gone once imported: confirming it again is refused, nothing stored twice.
    res = admin.post("/admin/lists/import", data=fields)
    assert res.status_code == 400 and "no longer here" in res.get_data(as_text=True)
    # The same files again change nothing: nothing to confirm, and the upload is not kept.
    page = _preview(admin, _files(*OFAC_FILES), mtime="2021-07-07").get_data(as_text=True)
    assert _count(page, "unchanged") == 7 and "Nothing would change" in page
    assert 'action="/admin/lists/import"' not in page
    assert list((Path(web_app.config["UPLOAD_DIR"]) / "lists").iterdir()) == []
    # A preview cancelled leaves nothing behind either.
    page = _preview(admin, _files("good.csv", folder=FIXTURES), format="csv", mtime="2024-03-01")
    fields = _confirm_fields(page.get_data(as_text=True))
    res = admin.post("/admin/lists/cancel", data={"csrf_token": admin.csrf, "upload": fields["upload"]})
    assert res.status_code == 302 and list((Path(web_app.config["UPLOAD_DIR"]) / "lists").iterdir()) == []


def test_a_preview_shows_the_changes_of_a_new_file_of_a_list(web_app, signed_in, tmp_path):
    db = _db(web_app)
    list_import.import_prepared(db, list_import.prepare(OFAC / "sdn.csv", "ofac-sdn", published="2021-07-01"),
                                actor="setup")
    db.close()
    rows = (OFAC / "sdn.csv").read_bytes().rstrip(b"\x1a").split(b"\r\n")[:-1]
    changed = [r.replace(b"DOB 10 Dec 1948", b"DOB 10 Dec 1949") for r in rows if not r.startswith(b"36,")]
    (tmp_path / "sdn.csv").write_bytes(b"\r\n".join(changed) + b"\r\n\x1a")
    for name in OFAC_FILES[1:]:
        shutil.copy(OFAC / name, tmp_path / name)
    admin = signed_in("admin")
    res = _preview(admin, _files(*OFAC_FILES, folder=tmp_path), published="2021-07-09")
    page = res.get_data(as_text=True)
    assert res.status_code == 200, page
    assert [_count(page, k) for k in ("added", "updated", "delisted", "unchanged")] == [0, 1, 1, 5]
    assert "ABBAS, Abu" in page and "birth dates, remarks" in page and "AEROCARIBBEAN AIRLINES" in page
    assert "2021-07-09 (given at import)" in page
    res = admin.post("/admin/lists/import", data=_confirm_fields(page))
    assert res.status_code == 302
    db = _db(web_app)
    [item] = store.lists_of_version(db, store.current_version(db))
    assert (item["published"], item["published_from"], item["files"][0]["sha256"]) == (
        "2021-07-09", "option", _sha(tmp_path / "sdn.csv"))
    db.close()


def test_a_csv_list_upload_and_what_is_refused(web_app, signed_in):
    admin = signed_in("admin")
    res = _preview(admin, _files("good.csv", folder=FIXTURES), format="csv", published="2024-03-01")
    page = res.get_data(as_text=True)
    assert res.status_code == 200 and _count(page, "added") == 4 and "csv:good" in page, page
    # Without a date in the file, a typed date or the browser's modification date, the upload is refused.
    res = _preview(admin, _files("good.csv", folder=FIXTURES), format="csv")
    assert res.status_code == 400 and "enter the publication date" in res.get_data(as_text=True)
    res = _preview(admin, _files("bad.csv", folder=FIXTURES), format="csv", mtime="2024-03-01")
    assert res.status_code == 400 and "5 problems, nothing imported" in res.get_data(as_text=True)
    res = _preview(admin, _files("alt.csv", "add.csv"), mtime="2024-03-01")
    assert res.status_code == 400 and "upload OFAC&#39;s sdn.csv" in res.get_data(as_text=True)
    res = _preview(admin, [(io.BytesIO(b"x"), "list.xlsx")], format="csv", mtime="2024-03-01")
    assert res.status_code == 400 and "not accepted" in res.get_data(as_text=True)
    # A confirmation whose files are not the ones previewed is refused.
    page = _preview(admin, _files("good.csv", folder=FIXTURES), format="csv", published="2024-03-01")
    fields = {**_confirm_fields(page.get_data(as_text=True)), "digest": "0" * 64}
    res = admin.post("/admin/lists/import", data=fields)
    assert res.status_code == 400 and "not the ones previewed" in res.get_data(as_text=True)
    db = _db(web_app)
    assert store.list_sources(db) == [] and store.current_version(db) == 1
    db.close()


@pytest.mark.parametrize("role", ["analyst", "reviewer", "auditor"])
def test_only_an_admin_reaches_admin_lists(signed_in, role):
    client = signed_in(role)
    assert client.get("/admin/lists").status_code == 403
    res = _preview(client, _files(*OFAC_FILES), mtime="2021-07-07")
    assert res.status_code == 403
    assert client.post("/admin/lists/import", data={"csrf_token": client.csrf}).status_code == 403


# --- the warning while no sanctions list is loaded -------------------------------------------------------------

def test_every_page_warns_while_no_sanctions_list_is_loaded(web_app, signed_in):
    pages = ("/", "/runs", "/queue/", "/watchlist/", "/account/password")
    for role in ("analyst", "reviewer", "auditor", "admin"):
        client = signed_in(role)
        for url in pages:
            page = client.get(url).get_data(as_text=True)
            assert WARNING in page, (role, url)
        home = client.get("/").get_data(as_text=True)
        assert ('href="/admin/lists"' in home) == (role == "admin")
    assert WARNING not in web_app.test_client().get("/signin").get_data(as_text=True)
    db = _db(web_app)
    list_import.import_prepared(db, list_import.prepare(FIXTURES / "crm_sanctions.csv", "csv"), actor="setup")
    db.close()
    client = signed_in("analyst")
    assert WARNING in client.get("/").get_data(as_text=True)           # a CSV is not an official sanctions list
    db = _db(web_app)
    list_import.import_prepared(db, list_import.prepare(OFAC / "sdn.csv", "ofac-sdn"), actor="setup")
    db.close()
    for url in pages:
        assert WARNING not in client.get(url).get_data(as_text=True), url


# --- the lists of a run's watchlist version ----------------------------------------------------------------------

def _run_after_imports(web_app, tmp_path) -> tuple[int, int]:
    """A run before any list (version 1), then one against the sample, the OFAC set and a CSV list."""
    db = _db(web_app)
    wb = Workbook()
    wb.active.append(["Name", "Country"])
    wb.active.append(["Banco Nacional de Cuba", "CU"])
    wb.active.append(["Li Keqiang", "CN"])
    wb.save(tmp_path / "clients.xlsx")
    before = screen.screen(db, screen.prepare(tmp_path / "clients.xlsx"), actor="setup")
    for name in OFAC_FILES:
        shutil.copy(OFAC / name, tmp_path / name)
    t = datetime.fromisoformat("2021-07-07T12:00:00+00:00").timestamp()
    os.utime(tmp_path / "sdn.csv", (t, t))
    list_import.import_prepared(db, list_import.prepare(tmp_path / "sdn.csv", "ofac-sdn"), actor="ops")
    list_import.import_prepared(db, list_import.prepare(FIXTURES / "good.csv", "csv", published="2024-03-01"),
                                actor="ops")
    after = screen.screen(db, screen.prepare(tmp_path / "clients.xlsx"), actor="setup")
    db.close()
    return before, after


def test_the_run_page_names_the_lists_of_its_watchlist_version(web_app, signed_in, tmp_path):
    before, after = _run_after_imports(web_app, tmp_path)
    client = signed_in("auditor")
    page = client.get(f"/runs/{after}").get_data(as_text=True)
    lists_block = page[page.index('id="run-lists"'):]
    lists_block = lists_block[:lists_block.index("</dd>")]
    for text in ("ofac-sdn", "sanctions list", "2021-07-07 (the file&#39;s modification time)", "by ops",
                 "(watchlist version 2)", "csv:good", "2024-03-01 (given at import)", "(watchlist version 3)"):
        assert text in lists_block, text
    for name in OFAC_FILES:
        assert name in lists_block and _sha(OFAC / name) in lists_block
    assert _sha(FIXTURES / "good.csv") in lists_block
    page = client.get(f"/runs/{before}").get_data(as_text=True)
    assert "none: no official list in this watchlist version" in page


def test_the_run_json_names_the_lists_with_their_provenance(web_app, signed_in, tmp_path):
    before, after = _run_after_imports(web_app, tmp_path)
    client = signed_in("auditor")
    data = json.loads(client.get(f"/runs/{after}/run.json").get_data(as_text=True))
    lists = {x["name"]: x for x in data["run"]["lists"]}
    assert set(lists) == {"ofac-sdn", "csv:good"}
    sdn = lists["ofac-sdn"]
    assert {k: sdn[k] for k in ("format", "sanctions", "version", "published", "published_from", "imported_by")} == {
        "format": "ofac-sdn", "sanctions": True, "version": 2, "published": "2021-07-07", "published_from": "mtime",
        "imported_by": "ops"}
    assert sdn["files"] == [{"file_name": n, "sha256": _sha(OFAC / n), "size": (OFAC / n).stat().st_size}
                            for n in OFAC_FILES]
    assert (lists["csv:good"]["published_from"], lists["csv:good"]["sanctions"]) == ("option", False)
    db = _db(web_app)
    out = io.StringIO()
    screen.write_run_json(db, before, out)
    db.close()
    assert json.loads(out.getvalue())["run"]["lists"] == []


def test_the_report_summary_names_the_lists_with_their_provenance(web_app, tmp_path):
    before, after = _run_after_imports(web_app, tmp_path)
    db = _db(web_app)
    screen.write_run_report(db, after, tmp_path / "after.xlsx", actor="auditor")
    screen.write_run_report(db, before, tmp_path / "before.xlsx", actor="auditor")
    db.close()
    summary = {r[0]: r[1] for r in openpyxl.load_workbook(tmp_path / "after.xlsx")["Summary"].iter_rows(
        values_only=True) if r and r[0]}
    sdn = summary["List ofac-sdn"]
    assert sdn.startswith("ofac-sdn (ofac-sdn sanctions list): published 2021-07-07 (the file's modification time); "
                          "imported ")
    assert "by ops (watchlist version 2)" in sdn
    for name in OFAC_FILES:
        assert f"{name}: {(OFAC / name).stat().st_size:,} bytes, SHA-256 {_sha(OFAC / name)}" in sdn
    assert "published 2024-03-01 (given at import)" in summary["List csv:good"]
    summary = {r[0]: r[1] for r in openpyxl.load_workbook(tmp_path / "before.xlsx")["Summary"].iter_rows(
        values_only=True) if r and r[0]}
    assert summary["Official lists"] == "none: no official list in this watchlist version"


# --- hostile files and names through the upload ------------------------------------------------------------------

HOSTILE = Path(__file__).parent / "hostile" / "corpus" / "lists"
REFUSED = {"nul_bytes.csv": "contains NUL bytes", "utf16_nobom.csv": "looks like UTF-16 without a byte-order mark",
           "png_named.csv": "contains NUL bytes", "xlsx_named.csv": "contains NUL bytes"}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_hostile_list_file_is_refused_with_its_name_and_nothing_kept(web_app, signed_in, name):
    admin = signed_in("admin")
    res = _preview(admin, _files(name, folder=HOSTILE), format="csv", mtime="2024-03-01")
    page = res.get_data(as_text=True)
    assert res.status_code == 400 and f"{name}: " in page and REFUSED[name] in page, page[-3000:]
    assert list((Path(web_app.config["UPLOAD_DIR"]) / "lists").iterdir()) == []


def test_scripts_in_a_list_are_shown_as_text(web_app, signed_in):
    admin = signed_in("admin")
    page = _preview(admin, _files("scripts.csv", folder=HOSTILE), format="csv", mtime="2024-03-01").get_data(
        as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in page


@pytest.mark.parametrize("raw", ["../../etc/passwd.csv", "..\\..\\win.csv", "/tmp/abs.csv", "a\x00b.csv",
                                 "....//....//x.csv", ".hidden.csv"])
def test_uploaded_list_names_never_choose_where_the_files_are_stored(web_app, signed_in, raw, tmp_path):
    admin = signed_in("admin")
    before = set(tmp_path.rglob("*"))
    res = _preview(admin, [(io.BytesIO((FIXTURES / "good.csv").read_bytes()), raw)], format="csv",
                   mtime="2024-03-01")
    assert res.status_code == 200, res.get_data(as_text=True)[-2000:]
    root = Path(web_app.config["UPLOAD_DIR"]) / "lists"
    [folder] = list(root.iterdir())
    [stored] = list(folder.iterdir())
    assert re.fullmatch(r"[A-Za-z0-9_-]+\.csv", stored.name), stored.name
    new = set(tmp_path.rglob("*")) - before
    uploads = root.parent
    assert all(p == uploads or uploads in p.parents or p.suffix in (".db-wal", ".db-shm") for p in new), new
