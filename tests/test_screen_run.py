"""Batch screening end to end: a bank's client export screened against the sample watchlist, the run stored, the
Excel report and the JSON read back; and every kind of bad file refused with a message, nothing stored."""
from __future__ import annotations

import codecs
import json
import shutil
import zipfile
from datetime import date

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from screening.cli import cli
from screening.engine.pairs import algorithm_id
from screening.service import matching, screen
from screening.store import db as dbmod
from screening.store import runs, settings

CLIENTS = [
    ["Client export, 27 November 2026"],
    [],
    ["Customer ID", "Customer Name", "Customer Type", "Nationality", "Date of Birth"],
    ["C-001", "LIAONING HONGXIANG INDUSTRIAL DEVELOPMENT CO., LTD.", "Company", "China", None],
    ["C-002", "Keqiang Li", "Individual", "CN", None],
    ["C-003", "OBAMA, Barack", "Individual", "United States", date(1961, 8, 4)],
    ["C-004", "Acme Widgets Ltd", "Company", "GB", None],
    ["C-005", "4711", "Company", "DE", None],
    ["C-006", None, "Company", "Narnia", "31/02/1990"],
    ["C-007", "PETROVS, Viktors", "Individual", "LV", None],
]
ARTICLE = {"title": "Riga businessman charged", "source": "Baltic Courier", "published": "2026-10-02",
           "url": "https://news.example/riga-charged",
           "text": "Riga businessman charged with laundering\n\nProsecutors in Riga charged Viktors Petrovs, a "
                   "Latvian businessman, with money laundering and bribery on Friday. Petrovs denies the charges."}


def write_xlsx(path, rows, title="Clients"):
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def invoke(db_path, *args):
    return CliRunner().invoke(cli, ["--db", str(db_path), *args], catch_exceptions=False)


def table(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def test_a_client_export_screened_end_to_end_with_report_and_json(sample_copy, tmp_path):
    article = tmp_path / "article.json"
    article.write_text(json.dumps(ARTICLE), encoding="utf-8")
    assert invoke(sample_copy, "watchlist", "add", str(article)).exit_code == 0
    xlsx = write_xlsx(tmp_path / "clients.xlsx", CLIENTS)
    report, out = tmp_path / "report.xlsx", tmp_path / "run.json"
    result = invoke(sample_copy, "screen", str(xlsx), "--report", str(report), "--json", str(out))
    assert result.exit_code == 3, result.output         # the run completed, but rows were not screened
    # The detected mapping is shown before screening, with the problem rows.
    assert "name <- 'Customer Name' (column B)" in result.output
    assert "country <- 'Nationality' (column D)" in result.output
    assert "row 8: name has only digits and punctuation" in result.output
    assert "row 9: impossible date '31/02/1990': screened without a birth date" in result.output
    assert "7 rows, 5 screened, 2 not screened; 4 rows with hits" in result.output
    # The warning comes last, with the reasons counted by kind.
    assert result.output.rstrip().splitlines()[-1] == (
        "WARNING: run 1 completed, but 2 rows NOT SCREENED (1 empty name; 1 name has only digits and "
        "punctuation). Fix the names and screen them again.")

    wb = load_workbook(report)
    assert wb.sheetnames == ["Summary", "Records", "Hits", "Decisions", "Not screened", "Audit"]
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True) if r and r[0]}
    assert summary["File name"] == "clients.xlsx" and len(summary["SHA-256"]) == 64
    assert summary["Watchlist version"] == 2 and summary["Algorithm"] == algorithm_id()
    assert float(summary["Threshold"]) == 0.70 and summary["Status"] == "completed — 2 rows not screened"
    assert summary["Not screened, by reason"] == "1 empty name; 1 name has only digits and punctuation"

    records = table(wb["Records"])
    assert [r["Row"] for r in records] == [4, 5, 6, 7, 8, 9, 10]
    status = {r["Client ID"]: (r["Status"], r["Hits"]) for r in records}
    assert status == {"C-001": ("screened", 1), "C-002": ("screened", 1), "C-003": ("screened", 1),
                      "C-004": ("screened", 0), "C-005": ("not screened", 0), "C-006": ("not screened", 0),
                      "C-007": ("screened", 1)}
    assert {r["Countries"] for r in records if r["Client ID"] in ("C-001", "C-003")} == {"cn", "us"}

    hits = {h["Client ID"]: h for h in table(wb["Hits"])}
    assert set(hits) == {"C-001", "C-002", "C-003", "C-007"}
    assert hits["C-001"]["Matched entity"] == "Liaoning Hongxiang" and hits["C-001"]["Score"] >= 0.85
    assert hits["C-002"]["Matched entity"] == "Li Keqiang" and hits["C-002"]["Score"] == 1
    assert hits["C-003"]["Matched entity"] == "Barack Obama"
    # The evidence: the article's sentence naming the entity, its title, source and a link that opens it.
    assert "Liaoning Hongxiang" in hits["C-001"]["Excerpt"] and "finances" in hits["C-001"]["Excerpt"]
    assert hits["C-001"]["Article title"] == "US and China to cooperate in tackling North Korea threat"
    assert hits["C-001"]["Article source"] == "DW" and hits["C-001"]["Published"] == "2016-09-20"
    assert hits["C-001"]["Reasons"] and "money laundering" in hits["C-007"]["Excerpt"]
    assert "money_laundering" in hits["C-007"]["Risk categories"]
    link = next(c for c in next(r for r in wb["Hits"].iter_rows(min_row=2) if r[1].value == "C-007")
                if c.hyperlink is not None)
    assert link.hyperlink.target == ARTICLE["url"] and link.value == ARTICLE["url"]

    assert table(wb["Decisions"]) == []
    not_screened = table(wb["Not screened"])
    assert [(r["Row"], r["Reason"]) for r in not_screened] == [
        (8, "name has only digits and punctuation"), (9, "empty name")]
    assert "country 'Narnia' not recognised" in not_screened[1]["Notes"]

    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["run"]["file_name"] == "clients.xlsx" and data["run"]["status"] == "completed"
    assert data["run"]["mapping"]["columns"]["name"] == "Customer Name"
    assert [r["row"] for r in data["rows"]] == [4, 5, 6, 7, 8, 9, 10]
    li = data["rows"][1]
    assert li["status"] == "screened" and li["hits"][0]["entity_name"] == "Li Keqiang"
    assert li["hits"][0]["matched_name"] and li["hits"][0]["reasons"][0]["text"]
    ex = li["hits"][0]["excerpts"][0]
    assert ex["excerpt"][ex["start"]:ex["end"]] in ("Li Keqiang", "Li", "Keqiang")
    assert data["rows"][4] | {"hits": []} == data["rows"][4] and data["rows"][4]["status"] == "not screened"


def test_formulas_in_client_names_never_become_formulas_in_the_report(sample_copy, tmp_path):
    names = ['=HYPERLINK("http://evil.example","click")', "@SUM(A1:A9)", "+cmd|' /C calc'!A0", "-2+3",
             "=1+1 Li Keqiang"]
    csv = tmp_path / "payees.csv"
    csv.write_text("name\n" + "\n".join(f'"{n.replace(chr(34), chr(34) * 2)}"' for n in names) + "\n",
                   encoding="utf-8")
    report = tmp_path / "r.xlsx"
    result = invoke(sample_copy, "screen", str(csv), "--report", str(report))
    assert result.exit_code == 3, result.output         # "-2+3" has no letters: not screened
    wb = load_workbook(report)
    assert [r["Name"] for r in table(wb["Records"])] == names
    for ws in wb:
        for row in ws.iter_rows():
            assert all(c.data_type != "f" for c in row)
    with zipfile.ZipFile(report) as z:
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist() if n.endswith(".xml"))


def test_a_decision_appears_in_the_report_of_the_stored_run(sample_copy, tmp_path):
    xlsx = write_xlsx(tmp_path / "clients.xlsx", CLIENTS[2:5])
    assert invoke(sample_copy, "screen", str(xlsx)).exit_code == 0
    db = dbmod.connect(sample_copy)
    run = runs.list_runs(db)[0]
    hit = next(runs.iter_hits(db, run["id"]))
    runs.add_decision(db, hit["id"], "false positive", "different birth date or age", actor="ana",
                      comment="born 1990")
    runs.add_decision(db, hit["id"], "true match", "same name, confirmed by other sources", actor="bob")
    with pytest.raises(runs.DecisionError, match="unknown reason"):
        runs.add_decision(db, hit["id"], "escalate", "because", actor="bob")
    with pytest.raises(runs.DecisionError, match="needs a comment"):
        runs.add_decision(db, hit["id"], "escalate", "other (see comment)", actor="bob")
    assert runs.get_run(db, run["id"])["decision_counts"]["true match"] == 1
    db.close()
    result = invoke(sample_copy, "report", str(run["id"]), "-o", str(tmp_path / "r.xlsx"))
    assert result.exit_code == 0, result.output
    wb = load_workbook(tmp_path / "r.xlsx")
    history = table(wb["Decisions"])
    assert [(d["Decision"], d["By"]) for d in history] == [("false positive", "ana"), ("true match", "bob")]
    latest = next(h for h in table(wb["Hits"]) if h["Hit ID"] == hit["id"])
    assert latest["Latest decision"] == "true match" and latest["Decided by"] == "bob"
    listing = invoke(sample_copy, "runs")
    assert f"{run['id']:>5}" in listing.output and "completed" in listing.output


def test_every_row_gets_a_result_and_duplicates_and_countries_are_read(sample_copy, tmp_path):
    csv = tmp_path / "payees.csv"
    csv.write_text("ref;payee name;country\nP1;Li Keqiang;People's Republic of China\nP1;Jane Roe;Narnia\n"
                   "P3;;GB\nP4;Acme GmbH;DE, FR\n", encoding="cp1252")
    db = dbmod.connect(sample_copy)
    prepared = screen.prepare(csv)
    seen = []
    run_id = screen.screen(db, prepared, actor="t", progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (4, 4)
    rows = {r["row"]: r for r in runs.iter_rows(db, run_id)}
    assert set(rows) == {2, 3, 4, 5}
    assert rows[2]["countries"] == ["cn"] and rows[2]["hit_count"] == 1
    # A repeated client ID is a note on both rows, both screened, and their keys tell them apart.
    assert rows[3]["status"] == "screened" and "client ID 'P1' also in row 2" in rows[3]["notes"][0]
    assert "client ID 'P1' also in row 3" in rows[2]["notes"][0]
    assert rows[2]["client_key"] != rows[3]["client_key"]
    assert rows[3]["notes"][1] == "country 'Narnia' not recognised: screened without it"
    assert rows[4]["reason"] == "empty name"
    assert rows[5]["countries"] == ["de", "fr"]
    run = runs.get_run(db, run_id)
    assert (run["rows_total"], run["screened"], run["not_screened"], run["status"]) == (4, 3, 1, "completed")


def test_the_index_is_built_once_per_watchlist_version(sample_copy, tmp_path):
    db = dbmod.connect(sample_copy)
    first, version, size = matching.matcher_for(db, 0.0)
    assert matching.matcher_for(db, 0.0)[0] is first
    lst = tmp_path / "internal.csv"
    lst.write_text("name,type\nAcme Widgets Ltd,organization\n", encoding="utf-8")
    assert invoke(sample_copy, "watchlist", "import", str(lst), "--format", "csv").exit_code == 0
    again, new_version, new_size = matching.matcher_for(db, 0.0)
    assert again is not first and new_version == version + 1 and new_size == size + 1


def test_a_run_that_stops_is_marked_failed_never_complete(sample_copy, tmp_path, monkeypatch):
    xlsx = write_xlsx(tmp_path / "clients.xlsx", CLIENTS)
    db = dbmod.connect(sample_copy)
    prepared = screen.prepare(xlsx)
    matcher = matching.matcher_for(db, 0.0)[0]
    calls = []

    def broken(query, threshold, limit):
        calls.append(query.name)
        if len(calls) == 3:
            raise MemoryError("out of memory")
        return []
    monkeypatch.setattr(matcher, "screen", broken)
    with pytest.raises(screen.RunFailed, match="MemoryError: out of memory"):
        screen.screen(db, prepared, actor="t")
    run = runs.list_runs(db)[0]
    assert run["status"] == "failed" and "out of memory" in run["error"]
    result = invoke(sample_copy, "report", str(run["id"]), "-o", str(tmp_path / "r.xlsx"))
    assert result.exit_code == 0 and "incomplete" in result.output
    summary = [r for r in load_workbook(tmp_path / "r.xlsx")["Summary"].iter_rows(values_only=True)]
    assert any("INCOMPLETE" in str(c) for r in summary for c in r if c)


# --- bad input: a clear message, a non-zero exit, nothing stored ---------------------------------------------

def _zip_bomb(path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * 60_000_000 + b"/>")


def _encrypted(path):
    # An encrypted workbook is an OLE compound file (the same container as old .xls files), not a zip.
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 4000)


def _corrupt(path):
    write_xlsx(path, CLIENTS)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _empty_sheet(path):
    write_xlsx(path, [])


def _no_name_column(path):
    write_xlsx(path, [["Reference", "Amount", "Currency"], ["R1", 100, "EUR"]])


def _not_a_spreadsheet(path):
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)


def _utf16_without_bom(path):
    path.write_bytes("name,country\nLi Keqiang,CN\nAcme Widgets Ltd,GB\n".encode("utf-16-le"))


@pytest.mark.parametrize("name, make, message", [
    ("photo.xlsx", _not_a_spreadsheet, "not an xlsx workbook (the file is not a zip archive)"),
    ("report.pdf", _not_a_spreadsheet, "not a client list (use .xlsx, .xlsm, .csv or .tsv)"),
    ("half.xlsx", _corrupt, "damaged"),
    ("bomb.xlsx", _zip_bomb, "refused as a possible zip bomb"),
    ("locked.xlsx", _encrypted, "encrypted or old-format (.xls) workbook"),
    ("empty.xlsx", _empty_sheet, "empty: no rows to screen"),
    ("ledger.xlsx", _no_name_column, "no name column among the headers 'Reference', 'Amount', 'Currency'"),
    ("clients.csv", _utf16_without_bom, "looks like UTF-16 without a byte-order mark"),
])
def test_bad_files_are_refused_with_a_message_and_nothing_is_stored(sample_copy, tmp_path, name, make, message):
    path = tmp_path / name
    make(path)
    result = invoke(sample_copy, "screen", str(path), "--report", str(tmp_path / "r.xlsx"))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {name}") and message in result.output, result.output
    assert "Traceback" not in result.output
    db = dbmod.connect(sample_copy)
    assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM run_rows").fetchone()[0] == 0
    assert not (tmp_path / "r.xlsx").exists()


def test_a_utf16_csv_with_its_byte_order_mark_is_read(sample_copy, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + "name\tcountry\nLi Keqiang\tCN\nAcme Widgets Ltd\tGB\n".encode("utf-16-le"))
    result = invoke(sample_copy, "screen", str(path))
    assert result.exit_code == 0, result.output
    assert "2 rows, 2 screened, 0 not screened; 1 rows with hits" in result.output


def test_an_empty_watchlist_and_a_missing_run_are_explained(db, tmp_path):
    xlsx = write_xlsx(tmp_path / "clients.xlsx", CLIENTS)
    path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    result = invoke(path, "screen", str(xlsx))
    assert result.exit_code == 1 and "the watchlist is empty" in result.output
    result = invoke(path, "report", "42", "-o", str(tmp_path / "r.xlsx"))
    assert result.exit_code == 1 and "no run 42" in result.output
    shutil.rmtree(tmp_path / "nowhere", ignore_errors=True)
    result = invoke(path, "screen", str(xlsx), "--report", str(tmp_path / "nowhere" / "r.xlsx"))
    assert result.exit_code == 1 and "the folder does not exist" in result.output


def test_the_news_relevance_policy_leaves_out_entities_without_adverse_mentions_and_is_recorded(sample_copy,
                                                                                               tmp_path):

    xlsx = write_xlsx(tmp_path / "clients.xlsx", CLIENTS)
    db = dbmod.connect(sample_copy)
    everyone = screen.screen(db, screen.prepare(xlsx), actor="t")
    settings.put(db, "news_min_relevance", "0.01", actor="admin")
    adverse_only = screen.screen(db, screen.prepare(xlsx), actor="t")
    names = {run_id: {h["entity_name"] for h in runs.iter_hits(db, run_id)} for run_id in (everyone, adverse_only)}
    # Li Keqiang and Obama only discuss sanctions in the sample (relevance 0); Liaoning Hongxiang is their target.
    assert names[everyone] == {"Liaoning Hongxiang", "Li Keqiang", "Barack Obama"}
    assert names[adverse_only] == {"Liaoning Hongxiang"}
    assert runs.get_run(db, everyone)["news_min_relevance"] == 0
    assert runs.get_run(db, adverse_only)["news_min_relevance"] == 0.01
    screen.write_run_report(db, adverse_only, tmp_path / "r.xlsx", actor="t")
    summary = {r[0]: r[1] for r in load_workbook(tmp_path / "r.xlsx")["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["News entities screened"] == "relevance 0.01 or more (setting news_min_relevance)"
