"""Write the hostile-input corpus (tests/hostile/corpus/), and make its large cases at test time.

Run ``python tests/hostile/make_corpus.py`` to regenerate the committed files; the output is deterministic (fixed
zip timestamps), so a regeneration that changes nothing leaves git clean. Each case is a small file built from
invented data; the large ones (a million-row CSV, a body over the upload limit, a zip bomb) are functions that
tests call with ``tmp_path``, never committed. ``CASES`` says, for every committed file, which entry points read
it and what they must do.
"""
from __future__ import annotations

import codecs
import io
import json
import re
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
FIXED_TIME = (2026, 1, 1, 0, 0, 0)

# What an external entity would read; a test asserts its text appears nowhere.
SECRET_FILE = "/etc/passwd"
SECRET_MARKER = "root:x:0:0"

CLIENT_ROWS = [["Customer ID", "Customer Name", "Nationality"],
               ["C-1", "Keqiang Li", "CN"],
               ["C-2", "Acme Widgets Ltd", "GB"],
               ["C-3", "Harriet Okonkwo-Lindqvist", "SE"]]

FORMULAS = ['=HYPERLINK("http://evil.example","x")',
            "@SUM(1+1)*cmd|' /C calc'!A0",
            "+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0",
            '=DDE("cmd";"/C calc";"!A0")',
            "=1+1 Li Keqiang",
            "\t=cmd|' /C calc'!A0"]

SCRIPTS = ['<script>alert("xss")</script>',
           '<img src=x onerror=alert(1)> Keqiang Li',
           '"><script>document.location="http://evil.example"</script>']

LONG = 100_000

XXE_DTD = f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{SECRET_FILE}">]>'
LAUGHS_DTD = ("<!DOCTYPE x [<!ENTITY lol \"lol\">"
              + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                        for i in range(1, 10))
              + "]>")

ARTICLE = ("Logistics chief charged with fraud\n\n"
           "Harald Brennan, the former finance director of Kestrel Freight Holdings, was charged with fraud on "
           "Tuesday after an investigation into invoices worth 40 million dollars.\n\n"
           "Prosecutors said Brennan had approved payments to shell companies controlled by his brother-in-law over "
           "four years. Kestrel Freight Holdings said it was cooperating fully with the authorities.\n")

SCRIPT_ARTICLE = ("Payments firm boss accused of laundering <script>alert('xss')</script>\n\n"
                  "Prosecutors accused Ottoline Varga-Reyes, the chief executive of Quillfeather Payments, of "
                  "laundering money for a smuggling network. <script>document.location='http://evil.example'"
                  "</script> Varga-Reyes denies the charges.\n\n"
                  "Quillfeather Payments said <b onmouseover=alert(1)>it</b> was cooperating with the regulator and "
                  "had suspended two managers while the inquiry continues.\n")


# --- builders -----------------------------------------------------------------------------------------------

def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(zipfile.ZipInfo(name, FIXED_TIME), data, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def _unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def xlsx(rows: list[list], text_only: bool = True) -> bytes:
    """A workbook of one sheet "Clients"; every string is stored as text (never a formula) when ``text_only``."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Clients"
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            cell = ws.cell(r, c, value)
            if text_only and isinstance(value, str):
                cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    parts = _unzip(buf.getvalue())
    parts["docProps/core.xml"] = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-01-01T00:00:00Z",
                                        parts["docProps/core.xml"])
    return _zip(parts)       # fixed times: the same bytes on every run


def _shared(parts: dict[str, bytes]) -> dict[str, bytes]:
    """Move the sheet's inline strings into a shared-strings part, as Excel writes them."""
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    strings: list[str] = []

    def share(m):
        strings.append(m.group(2))
        return f'{m.group(1)} t="s"><v>{len(strings) - 1}</v></c>'
    sheet = re.sub(r'(<c r="[A-Z]+\d+") t="inlineStr"><is><t>(.*?)</t></is></c>', share, sheet)
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    parts["xl/sharedStrings.xml"] = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                                     f'count="{len(strings)}" uniqueCount="{len(strings)}">'
                                     + "".join(f"<si><t>{t}</t></si>" for t in strings) + "</sst>").encode()
    types = parts["[Content_Types].xml"].decode().replace("</Types>", (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sharedStrings+xml"/></Types>'))
    parts["[Content_Types].xml"] = types.encode()
    return parts


def _with_part(rows: list[list], part: str, edit) -> bytes:
    parts = _unzip(xlsx(rows))
    if part == "xl/sharedStrings.xml":
        parts = _shared(parts)
    parts[part] = edit(parts[part].decode()).encode()
    return _zip(parts)


def _prolog(dtd: str):
    def edit(xml: str) -> str:
        head, rest = xml.split("?>", 1) if xml.startswith("<?xml") else ("", xml)
        return (head + "?>" if head else "") + dtd + rest
    return edit


def xxe_in(part: str) -> bytes:
    """A workbook whose ``part`` declares an external entity on /etc/passwd and (for strings) uses it as a name."""
    def edit(xml: str) -> str:
        xml = _prolog(XXE_DTD)(xml)
        return xml.replace("Keqiang Li", "&xxe;").replace('name="Clients"', 'name="&xxe;"')
    return _with_part(CLIENT_ROWS, part, edit)


def laughs_in(part: str) -> bytes:
    """A workbook whose ``part`` declares the "billion laughs" entities and (for strings) uses the last one."""
    def edit(xml: str) -> str:
        xml = _prolog(LAUGHS_DTD)(xml)
        return xml.replace("Keqiang Li", "&lol9;").replace('name="Clients"', 'name="&lol9;"')
    return _with_part(CLIENT_ROWS, part, edit)


def corrupt_sheet() -> bytes:
    parts = _unzip(xlsx(CLIENT_ROWS))
    parts["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row r='1'><c r='A1' t='s'><v>0</v></c>" + b"\x00\xff"
    return _zip(parts)


def truncated() -> bytes:
    data = xlsx(CLIENT_ROWS)
    return data[: len(data) // 2]


def encrypted() -> bytes:
    # Excel writes a password-protected workbook as an OLE compound file (the .xls container), not a zip.
    return bytes.fromhex("d0cf11e0a1b11ae1") + bytes(510) + b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00" * 40


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


def exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200) + b"This program cannot be run in DOS mode"


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    import csv
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def client_csv(names: list[str]) -> str:
    return csv_text([["client_id", "name", "country"]] + [[f"H-{i}", n, "GB"] for i, n in enumerate(names, 1)])


def mixed_encoding() -> bytes:
    return ("client_id,name,country\nM-1,José Müller,ES\n".encode("utf-8")
            + "M-2,Zoë Ärlig-Peña,DE\n".encode("cp1252") + b"M-3,Keqiang Li,CN\n")


def long_cells() -> str:
    return client_csv(["Li " + "Keqiang" * (LONG // 7), "Acme Widgets Ltd", "x" * LONG]) + f"H-9,Keqiang Li,{'G' * LONG}\n"


def list_csv(names: list[str]) -> str:
    return csv_text([["id", "name", "type", "country"]] + [[f"L-{i}", n, "person", "GB"] for i, n in enumerate(names, 1)])


# name -> (bytes, what it is); file names carry their (sometimes wrong) extension.
def build() -> dict[str, bytes]:
    """Return every committed corpus file as {file name: bytes}."""
    enc = lambda s: s.encode("utf-8")      # noqa: E731
    return {
        # client lists
        "clients/truncated.xlsx": truncated(),
        "clients/corrupt_sheet.xlsx": corrupt_sheet(),
        "clients/encrypted.xlsx": encrypted(),
        "clients/xxe_sheet.xlsx": xxe_in("xl/worksheets/sheet1.xml"),
        "clients/xxe_strings.xlsx": xxe_in("xl/sharedStrings.xml"),
        "clients/xxe_workbook.xlsx": xxe_in("xl/workbook.xml"),
        "clients/laughs_sheet.xlsx": laughs_in("xl/worksheets/sheet1.xml"),
        "clients/laughs_strings.xlsx": laughs_in("xl/sharedStrings.xml"),
        "clients/laughs_workbook.xlsx": laughs_in("xl/workbook.xml"),
        "clients/png_named.xlsx": png(),
        "clients/xlsx_named.csv": xlsx(CLIENT_ROWS),
        "clients/program.exe": exe(),
        "clients/utf16_bom.csv": codecs.BOM_UTF16_LE + client_csv(["Keqiang Li", "Zoë Ärlig"]).encode("utf-16-le"),
        "clients/utf16_nobom.csv": client_csv(["Keqiang Li", "Zoë Ärlig"]).encode("utf-16-le"),
        "clients/mixed_encoding.csv": mixed_encoding(),
        "clients/nul_bytes.csv": enc(client_csv(["Keqiang Li"])) + b"H-2,Ac\x00me Ltd,GB\n",
        "clients/long_cells.xlsx": xlsx([CLIENT_ROWS[0], ["C-1", "Li " + "Keqiang" * (LONG // 7), "CN"],
                                         ["C-2", "Acme Widgets Ltd", "GB"]]),
        "clients/formulas.csv": enc(client_csv(FORMULAS + ["Keqiang Li"])),
        "clients/formulas.xlsx": xlsx([CLIENT_ROWS[0]] + [[f"F-{i}", n, "GB"] for i, n in enumerate(FORMULAS, 1)]
                                      + [["F-9", "Keqiang Li", "CN"]]),
        "clients/live_formula.xlsx": xlsx([CLIENT_ROWS[0], ["F-1", '=HYPERLINK("http://evil.example","x")', "GB"],
                                           ["F-2", "Keqiang Li", "CN"]], text_only=False),
        "clients/scripts.csv": enc(client_csv(SCRIPTS)),
        # articles
        "articles/script.txt": enc(SCRIPT_ARTICLE),
        "articles/script.json": enc(json.dumps({"title": "Payments boss <script>alert(1)</script> accused",
                                                "text": SCRIPT_ARTICLE.split("\n", 2)[2]})),
        "articles/xxe.html": enc(f'<?xml version="1.0"?>\n{XXE_DTD}\n<html><head><title>Fraud &xxe;</title></head>'
                                 "<body><article>" + "".join(f"<p>{p} &xxe;</p>" for p in ARTICLE.split("\n\n"))
                                 + "</article></body></html>"),
        "articles/laughs.html": enc(f'<?xml version="1.0"?>\n{LAUGHS_DTD}\n<html><head><title>Fraud</title></head>'
                                    "<body><article>" + "".join(f"<p>{p} &lol9;</p>" for p in ARTICLE.split("\n\n"))
                                    + "</article></body></html>"),
        "articles/nul_bytes.txt": enc(ARTICLE[:200]) + b"\x00" * 50 + enc(ARTICLE[200:]),
        "articles/utf16_nobom.txt": ARTICLE.encode("utf-16-le"),
        "articles/png_named.txt": png(),
        "articles/program.exe": exe(),
        "articles/xlsx_named.json": xlsx(CLIENT_ROWS),
        # lists (watchlist import --format csv)
        "lists/nul_bytes.csv": enc(list_csv(["Harald Brennan"])) + b"L-2,Odile\x00 Marchetti,person,FR\n",
        "lists/utf16_nobom.csv": list_csv(["Harald Brennan"]).encode("utf-16-le"),
        "lists/xlsx_named.csv": xlsx(CLIENT_ROWS),
        "lists/png_named.csv": png(),
        "lists/formulas.csv": enc(list_csv(FORMULAS)),
        "lists/scripts.csv": enc(list_csv(SCRIPTS)),
        "lists/mixed_encoding.csv": enc(list_csv(["José Müller"])) + "L-2,Zoë Ärlig,person,DE\n".encode("cp1252"),
    }


# --- large cases, made at test time --------------------------------------------------------------------------

def million_rows_csv(path: Path, rows: int = 1_000_000) -> Path:
    """A client CSV of a header and ``rows`` clients (about 37 MB for a million)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("client_id,name,country\n")
        fh.writelines(f"C{i},Person Number{i} Smith,GB\n" for i in range(rows))
    return path


def zip_bomb_xlsx(path: Path, expanded_mb: int = 1100) -> Path:
    """A real workbook whose sheet part expands to ``expanded_mb`` MB of spaces (about 1 MB on disk)."""
    parts = _unzip(xlsx(CLIENT_ROWS))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                z.writestr(zipfile.ZipInfo(name, FIXED_TIME), data, zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as part:
            part.write(parts["xl/worksheets/sheet1.xml"][:-len("</worksheet>")])
            chunk = b" " * (1 << 20)
            for _ in range(expanded_mb):
                part.write(chunk)
            part.write(b"</worksheet>")
    return path


def long_cells_csv(path: Path) -> Path:
    """A client CSV with 100,000-character cells: a name, a junk name and a country (300 KB: made at test time)."""
    path.write_text(long_cells(), encoding="utf-8")
    return path


def long_list_csv(path: Path) -> Path:
    """A list CSV whose first name is 100,000 characters long."""
    path.write_text(list_csv(["Odile " + "Marchetti" * (LONG // 9), "Harald Brennan"]), encoding="utf-8")
    return path


def oversized(mb: float) -> bytes:
    """A client CSV body of ``mb`` megabytes (for the upload limit)."""
    line = b"C-1,Keqiang Li,CN\n"
    return b"client_id,name,country\n" + line * int(mb * 1024 * 1024 // len(line) + 1)


def main(folder: Path = CORPUS) -> int:
    files = build()
    for name, data in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    total = sum(len(d) for d in files.values())
    print(f"{len(files)} files, {total / 1024:.0f} KB in {folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
