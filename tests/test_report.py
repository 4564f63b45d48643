"""The Excel report of a screening run: its sheets and contents, and its defences against untrusted text."""

import os
import re
import tempfile
import time
import zipfile

import openpyxl
import pytest

from screening.files import report
from screening.files.report import (
    MAX_CELL_CHARS,
    SHEETS,
    ReportError,
    readable_time,
    safe_url,
    write_report,
)

EVIL_NAMES = ['=HYPERLINK("http://evil","x")', "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3", "\t=1+1", "#N/A"]
LONG_TEXT = "x" * 40_000


def make_run(**changes):
    """Return a completed run as screening/runs.py passes it."""
    run = {
        "id": 7,
        "file_name": "clients-2024.xlsx",
        "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "sheet": "Clients",
        "file_size": 123456,
        "actor": "alice",
        "started_at": "2024-05-01T09:00:00+00:00",
        "finished_at": "2024-05-01T09:03:10+00:00",
        "status": "completed",
        "error": None,
        "mapping": {"header_row": 1, "columns": {"name": "Customer Name", "client_id": "Ref"}},
        "threshold": 0.82,
        "hit_limit": 5,
        "algorithm": "aligned-words/1.0",
        "watchlist_version": 12,
        "watchlist_entities": 3456,
        "rows_total": 4,
        "rows_done": 4,
        "screened": 3,
        "not_screened": 1,
        "rows_with_hits": 2,
        "hits": 2,
        "decision_counts": {"true match": 1},
        "pending": 1,
        "report_generated_at": "2024-05-02T10:00:00+00:00",
        "report_generated_by": "bob",
    }
    run.update(changes)
    return run


def make_row(number, name, status="screened", **changes):
    """Return one client row."""
    row = {
        "row": number,
        "client_id": f"C{number}",
        "name": name,
        "type": "person",
        "countries": ["de"],
        "birth_date": None,
        "cells": {"Ref": f"C{number}", "Customer Name": name},
        "status": status,
        "reason": None if status == "screened" else "missing name",
        "notes": [],
        "hit_count": 0,
        "best_score": None,
    }
    row.update(changes)
    return row


NEWS_HIT = {
    "id": 101,
    "row": 2,
    "client_id": "C2",
    "client_name": "Viktor Petrov",
    "rank": 1,
    "entity_id": 55,
    "entity_name": "Viktor Petrov",
    "entity_type": "person",
    "source": "news",
    "list_id": None,
    "programs": [],
    "remarks": None,
    "matched_name": "Viktor Petrov",
    "score": 0.93,
    "name_score": 0.95,
    "reasons": [
        {"feature": "name", "outcome": "match", "text": "same name"},
        {"feature": "country", "outcome": "unknown", "text": "no country in the article"},
    ],
    "risk_categories": ["fraud"],
    "relevance": 0.8,
    "countries": ["ru"],
    "excerpts": [
        {
            "excerpt": "Prosecutors charged Viktor Petrov with fraud\x07 on Monday.",
            "start": 20,
            "end": 33,
            "article_title": "Businessman charged",
            "source": "DW",
            "published": "2016-09-20",
            "url": "https://www.dw.com/en/article-1",
        },
        {
            "excerpt": "Petrov denied it.",
            "start": 0,
            "end": 6,
            "article_title": "Denial",
            "source": "DW",
            "published": "2016-09-21",
            "url": "https://www.dw.com/en/article-2",
        },
    ],
    "decision": {
        "decision": "true match",
        "reason": "same person",
        "comment": "checked birth date",
        "actor": "carol",
        "decided_at": "2024-05-01T11:00:00+00:00",
    },
    "client_key": "id:C2",
    "entity_fingerprint": "f" * 64,
    "suppression_id": None,
    "changed_since_decision": None,
}

LIST_HIT = {
    **NEWS_HIT,
    "id": 102,
    "row": 3,
    "client_id": "C3",
    "client_name": "Acme Trading LLC",
    "entity_id": 77,
    "entity_name": "ACME TRADING",
    "entity_type": "organization",
    "source": "ofac-sdn",
    "list_id": "306",
    "programs": ["SDGT", "IRAN"],
    "remarks": "Linked to ...",
    "matched_name": "ACME TRADING",
    "score": 0.88,
    "excerpts": [],
    "decision": None,
}

DECISIONS = [
    {
        "id": 1, "hit_id": 101, "row": 2, "client_id": "C2", "client_name": "Viktor Petrov", "entity_id": 55,
        "entity_name": "Viktor Petrov", "score": 0.93, "decision": "escalate", "reason": "unsure", "comment": "",
        "actor": "dave", "decided_at": "2024-05-01T10:00:00+00:00", "needs_approval": 0,
    },
    {
        "id": 2, "hit_id": 101, "row": 2, "client_id": "C2", "client_name": "Viktor Petrov", "entity_id": 55,
        "entity_name": "Viktor Petrov", "score": 0.93, "decision": "true match", "reason": "same person",
        "comment": "checked birth date", "actor": "carol", "decided_at": "2024-05-01T11:00:00+00:00",
        "needs_approval": 0,
    },
]


def write_sample(path, **run_changes):
    """Write a small report with rows, a news hit, a list hit, decisions and a row not screened."""
    rows = [
        make_row(2, "Viktor Petrov", hit_count=1, best_score=0.93),
        make_row(3, "Acme Trading LLC", type="organization", hit_count=1, best_score=0.88),
        make_row(4, "Jane Doe", notes=["birth date unreadable: 31/02/1980"]),
        make_row(5, "", status="not screened"),
    ]
    not_screened = [row for row in rows if row["status"] == "not screened"]
    write_report(path, make_run(**run_changes), iter(rows), iter([NEWS_HIT, LIST_HIT]), iter(DECISIONS),
                 iter(not_screened))
    return openpyxl.load_workbook(path)


def column(ws, header):
    """Return the values under a header of a table sheet."""
    headers = [cell.value for cell in ws[1]]
    index = headers.index(header)
    return [row[index] for row in ws.iter_rows(min_row=2, values_only=True)]


def summary(ws):
    """Return the Summary sheet as {label: value}."""
    return {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row and row[0]}


def all_cells(wb):
    """Yield every cell of the workbook."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def test_sheets_and_contents(tmp_path):
    wb = write_sample(tmp_path / "report.xlsx")
    assert wb.sheetnames == list(SHEETS) == ["Summary", "Records", "Hits", "Decisions", "Not screened"]

    values = summary(wb["Summary"])
    assert values["File name"] == "clients-2024.xlsx"
    assert values["SHA-256"] == make_run()["sha256"]
    assert values["Watchlist version"] == 12
    assert values["Watchlist entities"] == 3456
    assert values["Threshold"] == 0.82
    assert values["Algorithm"] == "aligned-words/1.0"
    assert values["Column mapping"] == "name <- 'Customer Name'"
    assert values["Hits decided 'true match'"] == 1
    assert values["Hits decided 'false positive'"] == 0
    assert values["Started"] == "2024-05-01 09:00:00 UTC"
    assert not any("INCOMPLETE" in str(cell.value) for cell in wb["Summary"]["A"])

    records = wb["Records"]
    assert column(records, "Row") == [2, 3, 4, 5]
    assert column(records, "Status") == ["screened", "screened", "screened", "not screened"]
    assert column(records, "Reason / notes")[2] == "birth date unreadable: 31/02/1980"
    assert column(records, "Original row")[0] == "Ref: C2; Customer Name: Viktor Petrov"

    hits = wb["Hits"]
    assert column(hits, "Matched entity") == ["Viktor Petrov", "ACME TRADING"]
    assert column(hits, "Score") == [0.93, 0.88]
    score = hits.cell(row=2, column=[c.value for c in hits[1]].index("Score") + 1)
    assert score.data_type == "n" and score.number_format == "0.00"
    assert column(hits, "Excerpt")[0] == "Prosecutors charged Viktor Petrov with fraud on Monday."
    assert column(hits, "Article title") == ["Businessman charged", None]
    assert column(hits, "Source") == ["news", "ofac-sdn"]
    assert column(hits, "Programs") == [None, "SDGT, IRAN"]
    assert column(hits, "Reasons")[0] == "name (match): same name\ncountry (unknown): no country in the article"
    assert column(hits, "More excerpts") == [1, None]
    assert column(hits, "Latest decision") == ["true match", "pending"]
    link = hits.cell(row=2, column=[c.value for c in hits[1]].index("Link") + 1)
    assert link.hyperlink is not None and link.hyperlink.target == "https://www.dw.com/en/article-1"

    # The matched name is bold inside the excerpt.
    rich = openpyxl.load_workbook(tmp_path / "report.xlsx", rich_text=True)["Hits"]
    excerpt = column(rich, "Excerpt")[0]
    assert [block.text for block in excerpt if not isinstance(block, str) and block.font.b] == ["Viktor Petrov"]

    decisions = wb["Decisions"]
    assert column(decisions, "Decision") == ["escalate", "true match"]
    assert column(decisions, "By") == ["dave", "carol"]

    not_screened = wb["Not screened"]
    assert column(not_screened, "Row") == [5]
    assert column(not_screened, "Reason") == ["missing name"]


def test_headers_frozen_filtered_and_bold(tmp_path):
    wb = write_sample(tmp_path / "report.xlsx")
    for name in SHEETS[1:]:
        ws = wb[name]
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{ws.cell(row=1, column=ws.max_column).column_letter}{ws.max_row}"
        assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb.endswith("D9E1F2")
        assert ws.column_dimensions["C"].width > 10
    assert wb["Hits"].auto_filter.ref.endswith("3")


def test_incomplete_run_is_flagged(tmp_path):
    wb = write_sample(tmp_path / "report.xlsx", status="failed", error="database locked", finished_at=None)
    cells = [cell.value for cell in wb["Summary"]["A"]]
    assert any(str(value).startswith("INCOMPLETE: this run did not finish") for value in cells)
    assert summary(wb["Summary"])["Error"] == "database locked"


def test_rows_left_out_are_stated_in_the_summary(tmp_path):
    wb = write_sample(tmp_path / "report.xlsx", not_screened=3,
                      not_screened_reasons={"empty name": 2, "name has only digits and punctuation": 1},
                      rows_with_notes=4, note_kinds={"type … not recognised: screened as type unknown": 3,
                                                     "=HYPERLINK(…)": 1},
                      mapping={"header_row": 4, "columns": {"name": "Legal Name", "country": "Country"},
                               "more_columns": {"name": ["Counterparty"], "country": ["Residence"]}})
    ws = wb["Summary"]
    values = summary(ws)
    assert values["Status"] == "completed — 3 rows not screened"
    assert values["Not screened, by reason"] == "2 empty name; 1 name has only digits and punctuation"
    assert values["Screened with notes"] == ("4 rows: 3 type … not recognised: screened as type unknown; "
                                             "1 =HYPERLINK(…)")
    # A warning line under the title, in the warning colours, as the status and its reasons.
    warning = ws["A2"]
    assert warning.value == ("WARNING: completed — 3 rows not screened (2 empty name; 1 name has only digits and "
                             "punctuation): these rows were not compared with the watchlist; see the sheet "
                             "'Not screened'")
    status = next(row[1] for row in ws.iter_rows() if row[0].value == "Status")
    assert warning.font.color.rgb.endswith("9C5700") and status.fill.fgColor.rgb.endswith("FFEB9C")
    # Every column of a field: the countries all used, the further names where the first is empty.
    mapping = [row[1] for row in ws.iter_rows(values_only=True) if row and row[1] and " <- " in str(row[1])]
    assert mapping == ["name <- 'Legal Name' (where empty: 'Counterparty')", "country <- 'Country', 'Residence'"]
    assert not [cell.coordinate for cell in all_cells(wb) if cell.data_type == "f"]

    # Nothing left out: a plain "completed", and no reasons line.
    wb = write_sample(tmp_path / "clean.xlsx", not_screened=0, not_screened_reasons={}, rows_with_notes=0,
                      note_kinds={})
    values = summary(wb["Summary"])
    assert values["Status"] == "completed" and "Not screened, by reason" not in values
    assert values["Screened with notes"] == "none"
    assert not any(str(cell.value).startswith("WARNING") for cell in wb["Summary"]["A"])


def test_formula_like_text_stays_text(tmp_path):
    path = tmp_path / "report.xlsx"
    rows = [make_row(n, name, cells={"Customer Name": name}) for n, name in enumerate(EVIL_NAMES, 2)]
    hits = [{**NEWS_HIT, "client_name": name, "excerpts": [{**NEWS_HIT["excerpts"][0], "excerpt": name}]}
            for name in EVIL_NAMES]
    write_report(path, make_run(actor="=1+1"), iter(rows), iter(hits), iter([]), iter([]))
    wb = openpyxl.load_workbook(path)

    for sheet, header in (("Records", "Name"), ("Hits", "Client name"), ("Hits", "Excerpt")):
        ws = wb[sheet]
        index = [c.value for c in ws[1]].index(header)
        cells = [row[index] for row in ws.iter_rows(min_row=2)]
        assert [cell.value for cell in cells] == EVIL_NAMES
        assert all(cell.data_type == "s" for cell in cells)
        assert all(cell.quotePrefix for cell in cells if cell.value[0] in "=+-@\t")
    assert summary(wb["Summary"])["Screened by"] == "=1+1"
    assert not [cell.coordinate for cell in all_cells(wb) if cell.data_type == "f"]

    with zipfile.ZipFile(path) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 5
        for name in sheets:
            assert not re.search(r"<f[ >]", archive.read(name).decode())
        assert 'quotePrefix="1"' in archive.read("xl/styles.xml").decode()


def test_control_characters_removed_and_long_text_cut(tmp_path):
    path = tmp_path / "report.xlsx"
    rows = [make_row(2, "Bad\x00Na\ud800me\x1b\uffff", cells={"Notes": LONG_TEXT})]
    hit = {**NEWS_HIT, "remarks": LONG_TEXT,
           "excerpts": [{**NEWS_HIT["excerpts"][0], "excerpt": "a\x01b\x0bc", "start": 0, "end": 3}]}
    write_report(path, make_run(), iter(rows), iter([hit]), iter([]), iter([]))
    wb = openpyxl.load_workbook(path)

    assert column(wb["Records"], "Name") == ["BadName"]
    assert column(wb["Hits"], "Excerpt") == ["abc"]
    for text in (column(wb["Records"], "Original row")[0], column(wb["Hits"], "Remarks")[0]):
        assert len(text) == MAX_CELL_CHARS and text.endswith("\u2026")


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "file:///etc/passwd", "JAVASCRIPT://x", "https://", "http://exa mple.com", "=1+1"]
)
def test_only_http_urls_become_links(tmp_path, url):
    path = tmp_path / "report.xlsx"
    hit = {**NEWS_HIT, "excerpts": [{**NEWS_HIT["excerpts"][0], "url": url}]}
    write_report(path, make_run(), iter([]), iter([hit]), iter([]), iter([]))
    ws = openpyxl.load_workbook(path)["Hits"]
    link = ws.cell(row=2, column=[c.value for c in ws[1]].index("Link") + 1)
    assert link.value == url and link.data_type == "s"
    assert link.hyperlink is None
    with zipfile.ZipFile(path) as archive:
        assert not [name for name in archive.namelist() if name.endswith(".rels") and "worksheets" in name]


def test_links_stop_at_excel_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "MAX_LINKS_PER_SHEET", 2)
    path = tmp_path / "report.xlsx"
    write_report(path, make_run(), iter([]), iter([NEWS_HIT] * 3), iter([]), iter([]))
    ws = openpyxl.load_workbook(path)["Hits"]
    index = [c.value for c in ws[1]].index("Link")
    links = [row[index] for row in ws.iter_rows(min_row=2)]
    assert [cell.value for cell in links] == ["https://www.dw.com/en/article-1"] * 3
    assert [cell.hyperlink is not None for cell in links] == [True, True, False]


@pytest.mark.parametrize("where", ["missing folder", "read-only folder", "a folder", "replace refused"])
def test_unwritable_destination(tmp_path, monkeypatch, where):
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / "report.xlsx"
    if where == "missing folder":
        path = folder / "nowhere" / "report.xlsx"
    elif where == "a folder":
        path.mkdir()
    elif where == "read-only folder":
        folder.chmod(0o500)
        if os.access(folder, os.W_OK):  # root writes anyway: refuse as the file system would
            def refuse(*args, **kwargs):
                raise PermissionError(13, "Permission denied")
            monkeypatch.setattr(tempfile, "mkstemp", refuse)
    else:
        def refuse(*args, **kwargs):
            raise PermissionError(13, "Permission denied")
        monkeypatch.setattr(os, "replace", refuse)
    consumed = []
    rows = (consumed.append(n) or make_row(n, "Jane Doe") for n in (2, 3))
    try:
        with pytest.raises(ReportError, match="cannot write the report to .*report.xlsx"):
            write_report(path, make_run(), rows, iter([]), iter([]), iter([]))
        assert not path.is_file()
        assert [p.name for p in folder.iterdir() if p.name != "report.xlsx"] == []
        if where != "replace refused":  # checked before any row is read
            assert consumed == []
    finally:
        folder.chmod(0o700)


def test_failure_while_writing_leaves_no_file(tmp_path, monkeypatch):
    def broken_hits():
        yield NEWS_HIT
        raise RuntimeError("database went away")

    # openpyxl streams each sheet to a temporary file of its own: they must go too.
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    out = tmp_path / "out"
    out.mkdir()
    path = out / "report.xlsx"
    with pytest.raises(RuntimeError, match="database went away"):
        write_report(path, make_run(), iter([make_row(2, "Jane Doe")]), broken_hits(), iter([]), iter([]))
    assert list(out.iterdir()) == []
    assert list(scratch.iterdir()) == []


def test_existing_report_is_replaced(tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"old")
    write_sample(path)
    assert zipfile.is_zipfile(path)
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]


def test_large_generator(tmp_path):
    path = tmp_path / "report.xlsx"
    count = 20_000
    rows = (make_row(n, f"Client {n}") for n in range(2, count + 2))
    started = time.perf_counter()
    write_report(path, make_run(rows_total=count), rows, iter([]), iter([]), iter([]))
    assert time.perf_counter() - started < 30  # about 2 s; a generous bound against slow machines
    # Reading 20,000 rows back with openpyxl would take longer than writing them: look at the sheet's XML.
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet2.xml").decode()
    assert xml.count("<row ") == count + 1
    assert f'<autoFilter ref="A1:L{count + 1}"' in xml
    assert f"<t>Client {count + 1}</t>" in xml


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2024-05-01T09:00:00+00:00", "2024-05-01 09:00:00 UTC"),
        ("2024-05-01T11:30:00.123456+02:00", "2024-05-01 09:30:00 UTC"),
        ("2024-05-01T09:00:00Z", "2024-05-01 09:00:00 UTC"),
        ("2024-05-01 09:00:00", "2024-05-01 09:00:00"),
        ("2016-09-20", "2016-09-20"),
        ("September 2016", "September 2016"),
        (None, None),
    ],
)
def test_readable_time(value, expected):
    assert readable_time(value) == expected


@pytest.mark.parametrize(
    "url, safe",
    [
        ("https://www.dw.com/en/a?b=1&c=2", True),
        ("HTTP://example.com", True),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("ftp://example.com/x", False),
        ("http:/no-host", False),
        ("https://example.com/\x00", False),
        ("https://example.com/a b", False),
        ("https://example.com/\n", False),
        ("https://example.com/" + "a" * 3000, False),
        (None, False),
    ],
)
def test_safe_url(url, safe):
    assert safe_url(url) == (url if safe else None)


# --- the columns are one table, read by the stored records' own field names --------------------------------------

def test_every_column_reads_a_field_the_stored_records_have():
    """The Records and Hits sheets read the fields of ``RowRecord`` and ``HitRecord`` (plus what the store joins in:
    the hit's id, client and latest decision), so a field renamed in one place cannot leave a blank column."""
    from dataclasses import fields

    from screening.engine.results import HitRecord, RowRecord
    joined_in = {"id", "client_id", "client_name", "decision", "status", "suppressed_by_decision"}
    row = {f.name: None for f in fields(RowRecord)} | {"countries": [], "cells": {}, "notes": []}
    hit = ({f.name: None for f in fields(HitRecord)} | {name: None for name in joined_in}
           | {"programs": [], "countries": [], "risk_categories": [], "reasons": [], "excerpts": []})
    assert len(report.record_values(row)) == len(report.RECORD_COLUMNS)
    assert len(report.hit_values(hit)) == len(report.HIT_COLUMNS)
    for name in ("score", "entity_name", "matched_name", "excerpts"):
        broken = {k: v for k, v in hit.items() if k != name}
        with pytest.raises(KeyError):
            report.hit_values(broken)
