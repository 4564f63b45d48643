"""Reading client lists: formats, header and column detection, row validation, clear errors."""
from __future__ import annotations

from datetime import date

import pytest
from openpyxl import Workbook

from screening.files.clientfile import (
    ClientFileError,
    client_rows,
    detect_mapping,
    read_rows,
)


def workbook(path, sheets):
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def load(path, sheet=None, overrides=None):
    rows = list(read_rows(path, sheet, max_rows=1000))
    mapping = detect_mapping(rows, overrides, path.name)
    return mapping, list(client_rows(rows, mapping))


def test_xlsx_with_a_title_above_the_header_and_cells_of_every_kind(tmp_path):
    path = workbook(tmp_path / "clients.xlsx", {
        "Empty": [],
        "Export": [["Client export 2026-11-28"], [], ["Customer ID", None, "Customer Name", "Country", "DOB"],
                   [1001, None, "LIAONING HONGXIANG INDUSTRIAL DEVELOPMENT CO., LTD.", "CN", None],
                   [1002, None, "OBAMA, Barack", "US", date(1961, 8, 4)],
                   [1003, None, "Acme Widgets Ltd", "GB", "1990"]],
    })
    mapping, rows = load(path)
    assert mapping.header_row == 3
    assert mapping.columns == {"client_id": 0, "name": 2, "country": 3, "birth_date": 4}
    assert mapping.describe()[0] == "client_id <- 'Customer ID' (column A)"
    assert [(r.row, r.client_id, r.name) for r in rows] == [
        (4, "1001", "LIAONING HONGXIANG INDUSTRIAL DEVELOPMENT CO., LTD."), (5, "1002", "OBAMA, Barack"),
        (6, "1003", "Acme Widgets Ltd")]
    assert rows[1].birth_date == "1961-08-04" and rows[2].birth_date == "1990"
    assert rows[0].countries == ("cn",) and all(r.screenable for r in rows)


def test_every_bad_row_is_kept_with_its_problem(tmp_path):
    path = workbook(tmp_path / "bad.xlsx", {"S": [
        ["ID", "Name", "Date of birth", "Type"],
        ["A1", "", None, None],
        ["A2", "12345", None, None],
        ["A3", "Jane Doe", "31/02/1980", None],
        ["A3", "John Doe", None, "alien"],
        ["A5", "Ma Xiaohong", "12.03.1960", "Individual"],
    ]})
    _, rows = load(path)
    problems = {r.row: r.problems for r in rows}
    notes = {r.row: r.notes for r in rows}
    # Only the name is a gate: an empty name or digits only.
    assert problems == {2: ["empty name"], 3: ["name has only digits and punctuation"], 4: [], 5: [], 6: []}
    # Everything else is a note, and the row is screened without the odd value.
    assert "impossible date '31/02/1980': screened without a birth date" in notes[4]
    assert rows[2].birth_date is None
    assert "client ID 'A3' also in row 5: both screened, told apart by name" in notes[4]
    assert "client ID 'A3' also in row 4: both screened, told apart by name" in notes[5]
    assert rows[2].duplicate_id and rows[3].duplicate_id and not rows[4].duplicate_id
    assert "type 'alien' not recognised: screened as type unknown" in notes[5] and rows[3].type == "unknown"
    assert notes[6] == [] and rows[-1].birth_date == "1960-03-12" and rows[-1].type == "person"


def test_first_and_last_name_columns_are_combined(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Vorname;Nachname;Land\nOlaf;Scholz;DE\n", encoding="utf-8")
    mapping, rows = load(path)
    assert set(mapping.columns) == {"first_name", "last_name", "country"}
    assert rows[0].name == "Olaf Scholz"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252", "utf-16"])
def test_csv_encodings(tmp_path, encoding):
    path = tmp_path / "c.csv"
    path.write_bytes("name,country\nJosé Müller,ES\n".encode(encoding))
    _, rows = load(path)
    assert rows[0].name == "José Müller"


def test_a_column_can_be_named_by_the_user(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("Ref,Legal designation\n7,Acme Ltd\n", encoding="utf-8")
    with pytest.raises(ClientFileError, match="no name column among the headers 'Ref', 'Legal designation'"):
        load(path)
    _, rows = load(path, overrides={"name": "Legal designation"})
    assert rows[0].name == "Acme Ltd" and rows[0].client_id == "7"
    with pytest.raises(ClientFileError, match="no column 'Nom' for name"):
        load(path, overrides={"name": "Nom"})


@pytest.mark.parametrize("content, suffix, message", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xlsx", "encrypted or old-format"),
    (b"hello, this is not a workbook", ".xlsx", "not a zip archive"),
    (b"PK\x03\x04 broken zip", ".xlsx", "damaged or truncated xlsx"),
    (b"name\n", ".pdf", "not a client list"),
])
def test_files_that_are_not_client_lists(tmp_path, content, suffix, message):
    path = tmp_path / f"f{suffix}"
    path.write_bytes(content)
    with pytest.raises(ClientFileError, match=message):
        list(read_rows(path, max_rows=1000))


def test_a_named_sheet_that_does_not_exist(tmp_path):
    path = workbook(tmp_path / "w.xlsx", {"Clients": [["Name"], ["Acme"]]})
    with pytest.raises(ClientFileError, match=r"no sheet named 'Other' \(sheets: Clients\)"):
        list(read_rows(path, "Other", max_rows=1000))


def test_a_zip_bomb_is_refused_before_it_is_opened(tmp_path):
    import zipfile
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * 50_000_000 + b">")
    assert path.stat().st_size < 1_000_000
    with pytest.raises(ClientFileError, match="refused as a possible zip bomb"):
        list(read_rows(path, max_rows=1000))
