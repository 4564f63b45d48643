"""Read a client list (xlsx, xlsm, csv, tsv) into plain rows, find its columns, and validate every row.

One adapter per format yields ``(row_number, [cells])`` as the spreadsheet numbers rows; ``detect_mapping`` finds the
header row and which column holds the name, first and last name, client id, type, country and birth date (user
overrides win; see ``columns``); ``client_rows`` turns rows into ``ClientRow`` objects. Only a row without a usable
name is not screened; odd types, countries and dates, placeholders and repeated IDs become notes. File problems raise ``ClientFileError`` naming the file (and row when there is one). openpyxl stays in this module,
at the edge of the engine.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Iterator

from screening.engine.attributes import (
    DateProblem,
    country_code,
    is_name_placeholder,
    is_placeholder,
    read_date,
)
from screening.engine.model import entity_type, type_key
from screening.engine.normalize import has_legal_form, problem
from screening.engine.textio import TextDecodeError, decode_text
from screening.files.columns import FIELDS, ClientFileError, Mapping, detect_mapping

__all__ = ["FIELDS", "ClientFileError", "ClientRow", "Mapping", "client_rows", "detect_mapping", "read_pairs",
           "read_rows"]

MAX_CELL_CHARS = 10_000
MAX_UNPACKED_BYTES = 1_000_000_000     # an xlsx whose parts expand beyond this is refused
MAX_RATIO = 200                        # ...or that expands more than this many times its compressed size
def read_rows(path: str | Path, sheet: str | None = None, info: dict | None = None, *,
              max_rows: int) -> Iterator[tuple[int, list]]:
    """Yield (row number as the spreadsheet shows it, cells) from an xlsx/xlsm or csv/tsv file.

    ``info``, when given, receives ``sheet``: the name of the sheet read (None for text files). A file of more than
    ``max_rows`` rows (the policy's ``max_rows``) is refused while reading, before it is held in memory.
    """
    path = Path(path)
    if not path.is_file():
        raise ClientFileError(f"{path.name}: no such file")
    suffix = path.suffix.casefold()
    if suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path, sheet, info if info is not None else {})
    elif suffix in (".csv", ".tsv", ".txt"):
        if sheet:
            raise ClientFileError(f"{path.name}: --sheet applies to workbooks, not to {suffix} files")
        rows = _csv_rows(path)
    else:
        raise ClientFileError(f"{path.name}: not a client list (use .xlsx, .xlsm, .csv or .tsv)")
    limit = max_rows
    for count, item in enumerate(rows, start=1):
        if count > limit:       # stop reading: the whole file would be held in memory
            rows.close()
            raise ClientFileError(f"{path.name}: more than {limit:,} rows (the limit per file, header included; "
                                  f"set SCREENING_MAX_ROWS to change it); split the file")
        yield item


def _xlsx_rows(path: Path, sheet: str | None, info: dict) -> Iterator[tuple[int, list]]:

    # imported on first use, for start-up speed: openpyxl takes ~0.2 s to import
    from openpyxl import load_workbook
    if not zipfile.is_zipfile(path):
        head = path.read_bytes()[:8]
        if head.startswith(b"PK\x03\x04"):
            raise ClientFileError(f"{path.name}: a damaged or truncated xlsx workbook (its zip directory is "
                                  "missing); export it again")
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise ClientFileError(f"{path.name}: an encrypted or old-format (.xls) workbook; save it as .xlsx "
                                  "without a password")
        raise ClientFileError(f"{path.name}: not an xlsx workbook (the file is not a zip archive)")
    _check_zip(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:           # openpyxl raises many types for corrupt parts
        raise ClientFileError(f"{path.name}: the workbook cannot be read ({_root_cause(exc)})") from None
    try:
        if sheet:
            if sheet not in wb.sheetnames:
                raise ClientFileError(f"{path.name}: no sheet named {sheet!r} (sheets: {', '.join(wb.sheetnames)})")
            sheets = [wb[sheet]]
        else:
            sheets = [wb[n] for n in wb.sheetnames]
        for ws in sheets:
            info["sheet"] = ws.title
            rows = ws.iter_rows(values_only=True)
            seen_data = False
            number = 0
            try:
                for number, row in enumerate(rows, start=1):
                    cells = list(row)
                    if any(c not in (None, "") for c in cells):
                        seen_data = True
                        yield number, cells
            except ClientFileError:
                raise
            except Exception as exc:   # a damaged sheet part shows only while streaming it
                raise ClientFileError(f"{path.name}: sheet {ws.title!r}: unreadable after row {number} "
                                      f"({type(exc).__name__}: {exc})") from None
            if seen_data:
                return         # the first sheet with data, unless one was named
    finally:
        wb.close()


def _root_cause(exc: BaseException) -> str:
    """The innermost error behind a library's wrapper ("Unable to read workbook..."), on one line."""
    seen = {id(exc)}
    while (inner := exc.__cause__ or exc.__context__) is not None and id(inner) not in seen:
        seen.add(id(inner))
        exc = inner
    if type(exc).__name__ in ("EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden"):
        return f"{type(exc).__name__}: XML entities or a DTD, refused"
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _check_zip(path: Path) -> None:
    """Refuse a workbook whose parts would expand beyond a sane size or ratio (a zip bomb) before opening it."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except zipfile.BadZipFile as exc:
        raise ClientFileError(f"{path.name}: a damaged xlsx workbook ({exc})") from None
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > MAX_UNPACKED_BYTES or (total > 10_000_000 and total / packed > MAX_RATIO):
        raise ClientFileError(f"{path.name}: the workbook would expand to {total / 1e6:,.0f} MB "
                              f"({total / packed:,.0f} times its size); refused as a possible zip bomb")


def _decode(raw: bytes, name: str) -> str:
    try:
        return decode_text(raw).text
    except TextDecodeError as exc:
        raise ClientFileError(f"{name}: {exc}") from None


def _csv_rows(path: Path) -> Iterator[tuple[int, list]]:
    text = _decode(path.read_bytes(), path.name)
    sample = text[:20_000]
    if path.suffix.casefold() == ".tsv":
        delimiter = "\t"
    else:
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            if any(c.strip() for c in cells):
                yield number, cells
    except csv.Error as exc:
        raise ClientFileError(f"{path.name}: row {reader.line_num}: {exc}") from None


# --- rows -----------------------------------------------------------------------------------------------------

@dataclass(slots=True)
class ClientRow:
    """One client as read: the fields found, the whole row as written, what stops screening and what was noted.

    Only the name can stop a row from being screened (``problems``: empty, or digits and punctuation only). Every
    other column is evidence: an odd value becomes a note and the row is screened without it.
    """

    row: int
    name: str
    client_id: str = ""
    type: str = "unknown"
    countries: tuple[str, ...] = ()
    birth_date: str | None = None
    cells: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)   # why the row cannot be screened (its name only)
    notes: list[str] = field(default_factory=list)      # what was read with a caveat; the row is still screened
    duplicate_id: bool = False                          # another row of the file has the same client ID

    @property
    def screenable(self) -> bool:
        return not self.problems


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())[:MAX_CELL_CHARS]


def _value(cells: list, i: int | None, name: bool = False) -> str:
    """A cell's text, "" for none or a placeholder (N/A, -, unknown...)."""
    text = _text(cells[i]) if i is not None and i < len(cells) else ""
    return "" if not text or (is_name_placeholder(text) if name else is_placeholder(text)) else text


def client_rows(rows: list[tuple[int, list]], mapping: Mapping) -> Iterator[ClientRow]:
    """Turn data rows (after the header) into ClientRows; every row is kept, and only a row without a usable name
    is marked not screened (its ``problems``). Odd types, countries and dates, and repeated IDs, become notes."""
    cols = mapping.columns
    data = [(n, cells) for n, cells in rows if n > mapping.header_row]
    id_rows: dict[str, list[int]] = {}
    for n, cells in data:
        cid = _value(cells, cols.get("client_id"))
        if cid:
            id_rows.setdefault(cid, []).append(n)
    for number, cells in data:
        written = {mapping.headers[i] or f"column {i + 1}": _text(c) for i, c in enumerate(cells)
                   if i < len(mapping.headers) and c not in (None, "")}
        r = ClientRow(row=number, name="", cells=written)
        _read_name(r, cells, mapping)
        r.client_id = _value(cells, cols.get("client_id"))
        if r.client_id and len(id_rows[r.client_id]) > 1:
            r.duplicate_id = True
            others = ", ".join(str(n) for n in id_rows[r.client_id] if n != number)
            r.notes.append(f"client ID {r.client_id!r} also in row {others}: both screened, told apart by name")
        _read_type(r, cells, cols.get("type"))
        _read_countries(r, cells, mapping)
        _read_birth_date(r, cells, cols.get("birth_date"), mapping.day_first)
        yield r


def _read_name(r: ClientRow, cells: list, mapping: Mapping) -> None:
    """The first usable name among the name columns (the chosen one first), else first and last name together."""
    tried = []
    for k, i in enumerate(mapping.all_columns("name")):
        name = _value(cells, i, name=True)
        if name and not problem(name):
            r.name = name
            if k:
                r.notes.append(f"name read from {mapping.header(i)!r}: "
                               f"{mapping.header(mapping.columns['name'])!r} is empty or unusable here")
            return
        tried.append(name)
    parts = [p for p in (_value(cells, mapping.columns.get("first_name"), name=True),
                         _value(cells, mapping.columns.get("last_name"), name=True)) if p]
    if parts and not problem(" ".join(parts)):
        r.name = " ".join(parts)
        if "name" in mapping.columns:
            r.notes.append(f"name read from first and last name: {mapping.header(mapping.columns['name'])!r} is "
                           "empty or unusable here")
        return
    r.name = next((t for t in tried if t), "") or " ".join(parts)
    if r.name:
        r.problems.append(problem(r.name) or "unusable name")
        return
    i = mapping.columns.get("name")
    raw = _text(cells[i]) if i is not None and i < len(cells) else ""
    r.problems.append(f"empty name (the cell says {raw!r})" if raw else "empty name")


def _read_type(r: ClientRow, cells: list, i: int | None) -> None:
    raw = _value(cells, i)
    if not raw:
        return
    why = "not recognised"
    try:
        r.type = entity_type(raw)
        if r.type != "unknown" or type_key(raw) in ("unknown", "0"):
            return
        why = "tells no type"             # "Other"
    except ValueError:
        pass
    if has_legal_form(raw):
        r.type = "organization"  # a CRM that writes the legal form as the type: "SAS", "GmbH", "Pte Ltd"
        r.notes.append(f"type {raw!r} is a legal form: screened as an organization")
        return
    if r.name and has_legal_form(r.name):
        r.type = "organization"
        r.notes.append(f"type {raw!r} {why}: screened as an organization (the name has a legal form)")
    else:
        r.notes.append(f"type {raw!r} {why}: screened as type unknown")


def _read_countries(r: ClientRow, cells: list, mapping: Mapping) -> None:
    codes = []
    for i in mapping.all_columns("country"):
        country = _value(cells, i)
        if not country:
            continue
        # "Korea, Republic of" is one country; "CN, RU" and "China; Russia" are two.
        parts = [country] if country_code(country) else re.split(r"[;,/|]", country)
        for part in (c.strip() for c in parts):
            if not part or is_placeholder(part):
                continue
            code = country_code(part)
            if code:
                codes.append(code)
            else:
                r.notes.append(f"country {part!r} not recognised: screened without it")
    r.countries = tuple(dict.fromkeys(codes))


def _read_birth_date(r: ClientRow, cells: list, i: int | None, day_first: bool) -> None:
    value = cells[i] if i is not None and i < len(cells) else None
    if value is None or (isinstance(value, str) and not value.strip()):
        return
    try:
        r.birth_date = read_date(value, day_first_=day_first)
    except DateProblem as exc:
        r.notes.append(f"{exc}: screened without a birth date")


# --- name pairs (screening compare --pairs) --------------------------------------------------------------------

def read_pairs(path: str) -> list[tuple[int, str, str, str]]:
    """Read a CSV of name pairs (``name_a``, ``name_b``, optional ``type``) as (row, name_a, name_b, type).

    Rows are numbered as in a spreadsheet (the header is row 1). Raise ``ClientFileError`` listing every bad
    row; an empty or unscreenable name is not an error here (the engine reports it as skipped).
    """
    where = path
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ClientFileError(f"{where}: no such file")
    except IsADirectoryError:
        raise ClientFileError(f"{where}: is a folder, not a file")
    except OSError as exc:
        raise ClientFileError(f"{where}: cannot read: {exc.strerror or exc}")
    try:
        text = decode_text(data, fallback=False).text
    except TextDecodeError as exc:
        raise ClientFileError(f"{where}: {exc}") from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if any(d in first for d in ",;\t") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows or not any(c.strip() for c in rows[0]):
        raise ClientFileError(f"{where}: empty file (expected a header row with name_a and name_b)")
    header = [c.strip().lower() for c in rows[0]]
    missing = [c for c in ("name_a", "name_b") if c not in header]
    if missing:
        raise ClientFileError(f"{where}: row 1: missing column{'s' if len(missing) > 1 else ''} "
                                   f"{' and '.join(missing)} (header: {', '.join(c for c in rows[0] if c)})")
    col = {h: header.index(h) for h in ("name_a", "name_b", "type") if h in header}
    pairs, problems = [], []
    for n, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        cell = {h: cells[i] if i < len(cells) else "" for h, i in col.items()}
        extra = [c for c in cells[len(header):] if c.strip()]
        if extra:
            problems.append(f"{where}: row {n}: {len(extra)} cell(s) beyond the header's columns (a name with an "
                            f"unquoted comma?)")
            continue
        try:
            etype = entity_type(cell.get("type"))
        except ValueError as exc:
            problems.append(f"{where}: row {n}: {exc}")
            continue
        pairs.append((n, cell["name_a"], cell["name_b"], etype))
    if problems:
        if len(problems) == 1:
            raise ClientFileError(problems[0])
        raise ClientFileError(f"{where}: {len(problems)} bad rows, nothing compared:\n  " + "\n  ".join(problems))
    return pairs
