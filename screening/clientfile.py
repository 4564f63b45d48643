"""Read a client list (xlsx, xlsm, csv, tsv) into plain rows, find its columns, and validate every row.

One adapter per format yields ``(row_number, [cells])`` as the spreadsheet numbers rows; ``detect_mapping`` finds the
header row and which column holds the name, first and last name, client id, type, country and birth date (user
overrides win); ``client_rows`` turns rows into ``ClientRow`` objects, each valid or with its problems in words.
File problems raise ``ClientFileError`` naming the file (and row when there is one). openpyxl stays in this module,
at the edge of the engine.
"""
from __future__ import annotations

import codecs
import csv
import io
import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Iterator

MAX_HEADER_SEARCH = 20          # the header row is looked for among the first rows
MAX_CELL_CHARS = 10_000
MAX_UNPACKED_BYTES = 1_000_000_000     # an xlsx whose parts expand beyond this is refused
MAX_RATIO = 200                        # ...or that expands more than this many times its compressed size
MAX_ROWS_ENV = "SCREENING_MAX_ROWS"
DEFAULT_MAX_ROWS = 1_000_000           # rows per file, header included (a million rows takes ~16 s and ~1 GB to read)
FIELDS = ("name", "first_name", "last_name", "client_id", "type", "country", "birth_date")

# Header words per field, several languages; compared after casefolding and dropping accents and punctuation.
SYNONYMS = {
    "name": ["name", "full name", "client name", "customer name", "customer", "client", "account name", "party name",
             "counterparty", "counterparty name", "legal name", "company name", "entity name", "beneficiary",
             "beneficiary name", "payee", "payee name", "supplier", "supplier name", "vendor", "vendor name",
             "nom", "nom complet", "raison sociale", "denomination", "name des kunden", "kundenname", "firma",
             "nombre", "nombre completo", "razon social", "nome", "ragione sociale", "naam"],
    "first_name": ["first name", "firstname", "given name", "given names", "forename", "prenom", "vorname", "nombre de pila",
                   "primer nombre"],
    "last_name": ["last name", "lastname", "surname", "family name", "nom de famille", "nachname", "apellido",
                  "apellidos", "cognome"],
    "client_id": ["id", "client id", "customer id", "client number", "customer number", "account", "account number",
                  "account no", "reference", "ref", "cif", "kunden nr", "kundennummer", "numero client", "code client",
                  "identifiant", "id cliente", "numero de cliente"],
    "type": ["type", "entity type", "client type", "customer type", "party type", "kind", "category", "typ",
             "tipo", "type de client"],
    "country": ["country", "nationality", "country of residence", "residence", "citizenship", "jurisdiction",
                "country code", "pays", "nationalite", "land", "staatsangehorigkeit", "pais", "nacionalidad", "paese"],
    "birth_date": ["birth date", "date of birth", "dob", "birthdate", "born", "date de naissance", "geburtsdatum",
                   "fecha de nacimiento", "data di nascita", "year of birth", "birth year"],
}


class ClientFileError(ValueError):
    """A client file that cannot be read, with the file (and row) in the message."""


def _key(text: object) -> str:
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).replace("_", " ").split())


_LOOKUP = {_key(s): f for f, words in SYNONYMS.items() for s in words}


# --- adapters -------------------------------------------------------------------------------------------------

def max_rows() -> int:
    """Return the most rows a client file may hold, from ``SCREENING_MAX_ROWS`` (default 1,000,000)."""
    try:
        return max(1, int(os.environ.get(MAX_ROWS_ENV, DEFAULT_MAX_ROWS)))
    except ValueError:
        return DEFAULT_MAX_ROWS


def read_rows(path: str | Path, sheet: str | None = None, info: dict | None = None) -> Iterator[tuple[int, list]]:
    """Yield (row number as the spreadsheet shows it, cells) from an xlsx/xlsm or csv/tsv file.

    ``info``, when given, receives ``sheet``: the name of the sheet read (None for text files).
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
    limit = max_rows()
    for count, item in enumerate(rows, start=1):
        if count > limit:       # stop reading: the whole file would be held in memory
            rows.close()
            raise ClientFileError(f"{path.name}: more than {limit:,} rows (the limit per file, header included; "
                                  f"set {MAX_ROWS_ENV} to change it); split the file")
        yield item


def _xlsx_rows(path: Path, sheet: str | None, info: dict) -> Iterator[tuple[int, list]]:
    import zipfile

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
    import zipfile
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
    if raw.startswith(codecs.BOM_UTF16_LE) or raw.startswith(codecs.BOM_UTF16_BE):
        return raw.decode("utf-16")
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", errors="strict")
    if raw[:200].count(b"\x00") > 20:      # plain text has no NULs; UTF-16 has one in every other byte
        raise ClientFileError(f"{name}: looks like UTF-16 without a byte-order mark; save it as UTF-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Windows-1252, line by line: a file glued from a UTF-8 and a Windows-1252 export keeps its UTF-8 lines right.
    out = []
    for line in raw.splitlines(keepends=True):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(line.decode("cp1252", errors="replace"))
    return "".join(out)


def _csv_rows(path: Path) -> Iterator[tuple[int, list]]:
    text = _decode(path.read_bytes(), path.name)
    if "\x00" in text:
        raise ClientFileError(f"{path.name}: contains NUL bytes; not a text file")
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


# --- columns --------------------------------------------------------------------------------------------------

@dataclass
class Mapping:
    """Where the header is and which column holds each field (0-based), with the headers as written."""

    header_row: int
    headers: list[str]
    columns: dict[str, int] = field(default_factory=dict)

    def describe(self) -> list[str]:
        """Return "field <- header (column X)" lines, as shown before screening."""
        from openpyxl.utils import get_column_letter
        return [f"{f} <- {self.headers[i]!r} (column {get_column_letter(i + 1)})"
                for f, i in sorted(self.columns.items(), key=lambda kv: kv[1])]


def detect_mapping(rows: list[tuple[int, list]], overrides: dict[str, str] | None = None,
                   file_name: str = "file") -> Mapping:
    """Find the header row among the first rows and map fields to columns; ``overrides`` maps field -> header, and
    field -> "" (or None) leaves a field unmapped even where a header names it."""
    overrides = dict(overrides or {})
    for f in overrides:
        if f not in FIELDS:
            raise ClientFileError(f"unknown field {f!r} in --column (fields: {', '.join(FIELDS)})")
    cleared = {f for f, v in overrides.items() if not v}     # "not in this file", even if a header names it
    overrides = {f: v for f, v in overrides.items() if v}
    best = None
    for number, cells in rows[:MAX_HEADER_SEARCH]:
        headers = ["" if c is None else str(c).strip() for c in cells]
        found = {}
        for i, h in enumerate(headers):
            f = _LOOKUP.get(_key(h))
            if f and f not in found:
                found[f] = i
        wanted = {_key(v) for v in overrides.values()}
        hits = len(found) + sum(1 for h in headers if _key(h) in wanted)
        if hits and (best is None or hits > best[0]):
            best = (hits, number, headers, found)
    if best is None:
        seen = rows[0][1] if rows else []
        raise ClientFileError(f"{file_name}: no recognisable header row (first row: "
                              f"{', '.join(repr(str(c)) for c in seen if c not in (None, '')) or 'empty'})")
    _, number, headers, found = best
    for f, header in overrides.items():
        keys = [_key(h) for h in headers]
        if _key(header) not in keys:
            raise ClientFileError(f"{file_name}: no column {header!r} for {f} (headers: "
                                  f"{', '.join(repr(h) for h in headers if h)})")
        found[f] = keys.index(_key(header))
    for f in cleared:
        found.pop(f, None)
    if "name" not in found and not ("first_name" in found or "last_name" in found):
        raise ClientFileError(f"{file_name}: row {number}: no name column among the headers "
                              f"{', '.join(repr(h) for h in headers if h)}; name one with --column name=HEADER")
    return Mapping(number, headers, found)


# --- rows -----------------------------------------------------------------------------------------------------

@dataclass(slots=True)
class ClientRow:
    """One client as read: the fields found, the whole row as written, and the problems that stop screening."""

    row: int
    name: str
    client_id: str = ""
    type: str = "unknown"
    countries: tuple[str, ...] = ()
    birth_date: str | None = None
    cells: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)      # what was read with a caveat; the row is still screened

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


def _birth_date(value) -> str | None:
    if isinstance(value, (datetime, date)):
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    text = _text(value)
    if not text:
        return None
    if re.fullmatch(r"(19|20)\d\d", text):
        return text
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d", "%d %b %Y", "%d %B %Y", "%b %d, %Y"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(text)


def client_rows(rows: list[tuple[int, list]], mapping: Mapping) -> Iterator[ClientRow]:
    """Turn data rows (after the header) into ClientRows; every problem is recorded, no row is dropped."""
    from screening.attributes import country_code
    from screening.model import entity_type
    from screening.normalize import problem

    cols = mapping.columns
    seen_ids: dict[str, int] = {}

    def cell(cells, f):
        i = cols.get(f)
        return cells[i] if i is not None and i < len(cells) else None

    for number, cells in rows:
        if number <= mapping.header_row:
            continue
        written = {mapping.headers[i] or f"column {i + 1}": _text(c) for i, c in enumerate(cells)
                   if i < len(mapping.headers) and c not in (None, "")}
        name = _text(cell(cells, "name"))
        if not name:
            name = " ".join(p for p in (_text(cell(cells, "first_name")), _text(cell(cells, "last_name"))) if p)
        r = ClientRow(row=number, name=name, cells=written)
        why = problem(name)
        if why:
            r.problems.append(why)
        r.client_id = _text(cell(cells, "client_id"))
        if r.client_id:
            if r.client_id in seen_ids:
                r.problems.append(f"duplicate client ID {r.client_id!r} (first in row {seen_ids[r.client_id]})")
            else:
                seen_ids[r.client_id] = number
        raw_type = _text(cell(cells, "type"))
        if raw_type:
            try:
                r.type = entity_type(raw_type)
            except ValueError as exc:
                r.problems.append(str(exc))
        country = _text(cell(cells, "country"))
        if country:
            codes = []
            # "Korea, Republic of" is one country; "CN, RU" and "China; Russia" are two.
            parts = [country] if country_code(country) else re.split(r"[;,/|]", country)
            for part in (c.strip() for c in parts):
                code = country_code(part) if part else None
                if code:
                    codes.append(code)
                elif part:
                    r.notes.append(f"country {part!r} not recognised: screened without it")
            r.countries = tuple(dict.fromkeys(codes))
        try:
            r.birth_date = _birth_date(cell(cells, "birth_date"))
        except ValueError as exc:
            r.problems.append(f"unreadable birth date {str(exc)!r}")
        yield r


# --- name pairs (screening compare --pairs) --------------------------------------------------------------------

def read_pairs(path: str) -> list[tuple[int, str, str, str]]:
    """Read a CSV of name pairs (``name_a``, ``name_b``, optional ``type``) as (row, name_a, name_b, type).

    Rows are numbered as in a spreadsheet (the header is row 1). Raise ``ClientFileError`` listing every bad
    row; an empty or unscreenable name is not an error here (the engine reports it as skipped).
    """
    from screening.model import entity_type

    where = path
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ClientFileError(f"{where}: no such file")
    except IsADirectoryError:
        raise ClientFileError(f"{where}: is a folder, not a file")
    except OSError as exc:
        raise ClientFileError(f"{where}: cannot read: {exc.strerror or exc}")
    if data[:200].count(b"\x00") > 20:      # UTF-16 has a NUL in every other byte
        raise ClientFileError(f"{where}: looks like UTF-16 without a byte-order mark; save it as UTF-8")
    if b"\x00" in data:
        raise ClientFileError(f"{where}: contains NUL bytes; not a text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ClientFileError(f"{where}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                                   f"save it as UTF-8")
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
