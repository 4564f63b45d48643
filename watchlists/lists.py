"""Read official watchlists (a generic CSV, the OFAC SDN legacy CSV set) into plain ``ListEntry`` objects.

Pure: files in, dataclasses out; no database. The readers are fast enough to run on the whole SDN list inside a
benchmark (``read_ofac_sdn`` then ``to_record``), and they raise ``ListError`` naming the file, the row and the
problem. ``provenance`` says what an import read: each file's name, SHA-256 and size, and the list's publication
date with where it came from. Storage is ``screening.store.watchlist.import_list``; the import flow (read, preview,
import) is ``screening.service.lists``.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from screening.engine.attributes import country_code, iso_date
from screening.engine.model import (
    AIRCRAFT,
    ORGANIZATION,
    PERSON,
    VESSEL,
    Record,
    entity_type,
)
from screening.engine.normalize import name_key
from screening.engine.textio import TextDecodeError, decode_text
from watchlists.errors import WatchlistError

FORMATS = ("csv", "ofac-sdn")
SANCTIONS_FORMATS = frozenset({"ofac-sdn"})    # formats that are an official sanctions list (a CSV may be anything)
# Where an import's publication date was read from (``list_files.published_from``), in words.
PUBLISHED_FROM = {"file": "read from the file", "option": "given at import", "mtime": "the file's modification time"}
MAX_PROBLEMS = 20
OFAC_NULL = "-0-"
OFAC_COMPANIONS = ("alt.csv", "add.csv", "sdn_comments.csv")


class ListError(WatchlistError):
    """A list file cannot be imported; ``problems`` holds every ``FILE: row N: problem`` line found."""

    def __init__(self, where: str, problems: list[str] | str):
        self.where = where
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        shown = self.problems[:MAX_PROBLEMS]
        more = len(self.problems) - len(shown)
        if len(self.problems) == 1:
            text = self.problems[0]
        else:
            text = (f"{where}: {len(self.problems)} problems, nothing imported:\n  " + "\n  ".join(shown)
                    + (f"\n  and {more} more" if more else ""))
        super().__init__(text)


@dataclass(frozen=True)
class ListEntry:
    """One entry of an official list, as read from the file (names as written, attributes normalised)."""

    list_id: str                        # the list's own id (OFAC ent_num, the CSV `id` column)
    name: str
    aliases: tuple[str, ...] = ()
    type: str = ORGANIZATION
    birth_dates: tuple[str, ...] = ()   # "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    countries: tuple[str, ...] = ()     # ISO 3166 alpha-2, lower case
    programs: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    remarks: str = ""
    row: int = 0                        # where it starts in the file (1 = first line)
    alias_kinds: tuple[str, ...] = ()   # the kind of each alias, in step with ``aliases``: aka, fka, nka

    def names(self) -> tuple[str, ...]:
        """Return the primary name then the aliases."""
        return (self.name,) + self.aliases


def to_record(entry: ListEntry, source: str) -> Record:
    """Return the engine's view of a list entry: id (the list's id), names (primary first), attributes."""
    return Record(id=str(entry.list_id), names=entry.names(), type=entry.type, countries=entry.countries,
                  birth_dates=entry.birth_dates, source=source)


# --- files --------------------------------------------------------------------------------------------------

def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ListError(str(path), f"{path}: no such file")
    except IsADirectoryError:
        raise ListError(str(path), f"{path}: is a folder, not a file")
    except OSError as exc:
        raise ListError(str(path), f"{path}: cannot read: {exc.strerror or exc}")


def decode(data: bytes, where: str, notes: list[str] | None = None) -> str:
    """Decode a list file (``screening.engine.textio``); a guessed encoding is said in ``notes``."""
    try:
        decoded = decode_text(data)
    except TextDecodeError as exc:
        raise ListError(where, f"{where}: {exc}") from None
    if decoded.note and notes is not None:
        notes.append(f"{where}: {decoded.note}")
    return decoded.text


def files_sha256(paths: list[Path]) -> str:
    """Return one SHA-256 over the given files' names and bytes (what an import read)."""
    h = hashlib.sha256()
    for p in paths:
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


# --- dates ---------------------------------------------------------------------------------------------------

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_OFAC_DATE = re.compile(r"^(?:(\d{1,2})\s+)?(?:([A-Za-z]{3})[a-z]*\.?\s+)?(\d{4})$")
_YEAR_SPAN = 10  # a range of more years than this gives its two ends only


def _ofac_date(text: str) -> tuple[int, int | None, int | None] | None:
    m = _OFAC_DATE.match(text.strip().rstrip("."))
    if not m:
        return None
    day, mon, year = m.groups()
    month = _MONTHS.get(mon.lower()) if mon else None
    if (mon and month is None) or (day and month is None):
        return None
    try:
        date(int(year), month or 1, int(day) if day else 1)
    except ValueError:
        return None
    return int(year), month, int(day) if day else None


def _fmt_date(d: tuple[int, int | None, int | None]) -> str:
    y, m, dd = d
    return f"{y:04d}" + (f"-{m:02d}" if m else "") + (f"-{dd:02d}" if m and dd else "")


def ofac_birth_dates(text: str) -> tuple[str, ...]:
    """Read an OFAC DOB ("12 Jan 1960", "circa 1955", "1960 to 1962", "Jan 1960") into ISO dates; () if unreadable.

    "circa" keeps the year given; a range from 1 January (or a bare year) to 31 December (or a bare year) gives
    every year in it; another range gives its two ends.
    """
    text = re.sub(r"^(?:circa|approximately|approx\.?|about)\s+", "", text.strip().rstrip("."), flags=re.IGNORECASE)
    parts = re.split(r"\s+to\s+|(?<=\d{4})\s*-\s*(?=\d{4}$)", text)
    dates = [_ofac_date(p) for p in parts]
    if not dates or None in dates or len(dates) > 2:
        return ()
    if len(dates) == 1 or dates[0] == dates[1]:
        return (_fmt_date(dates[0]),)
    (y1, m1, d1), (y2, m2, d2) = dates
    whole_years = (m1 in (None, 1) and d1 in (None, 1)) and ((m2, d2) in ((None, None), (12, 31), (12, None)))
    if whole_years and 0 <= y2 - y1 <= _YEAR_SPAN:
        return tuple(f"{y:04d}" for y in range(y1, y2 + 1))
    return (_fmt_date(dates[0]), _fmt_date(dates[1]))


# --- generic CSV --------------------------------------------------------------------------------------------

CSV_COLUMNS = ("name", "aliases", "type", "birth_date", "country", "id", "remarks", "programs")
_HEADER_SYNONYMS = {"alias": "aliases", "entity_type": "type", "birth_dates": "birth_date", "dob": "birth_date",
                    "date_of_birth": "birth_date", "countries": "country", "list_id": "id", "remark": "remarks",
                    "program": "programs", "programme": "programs", "programmes": "programs", "regime": "programs",
                    "regimes": "programs"}


def _header_name(cell: str) -> str:
    key = re.sub(r"[\s\-]+", "_", cell.strip().lower())
    return _HEADER_SYNONYMS.get(key, key)


def _split(value: str | None, sep: str = ";") -> list[str]:
    return [p.strip() for p in (value or "").split(sep) if p.strip()]


def read_csv(path: str | Path, notes: list[str] | None = None) -> list[ListEntry]:
    """Read a CSV with a header (``name`` required; ``aliases``, ``type``, ``birth_date``, ``country``, ``id``,
    ``remarks``, ``programs`` optional) and validate every row; raise ``ListError`` listing every bad row.

    ``programs`` (";"-separated, as ``aliases``) are the list's programs or regimes (shown as badges); an entry
    whose only program is ``PEP`` is a politically exposed person, not a sanctioned one: a PEP list is a CSV
    whose entries say so (``watchlists.risk.is_pep_entry``)."""
    path = Path(path)
    where = path.name
    text = decode(_read_bytes(path), where, notes)
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if any(d in first for d in ",;\t") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows or not any(c.strip() for c in rows[0]):
        raise ListError(where, f"{where}: empty file (expected a header row with a `name` column)")
    header = [_header_name(c) for c in rows[0]]
    dupes = sorted({h for h in header if h and header.count(h) > 1})
    if dupes:
        raise ListError(where, f"{where}: row 1: repeated column {', '.join(dupes)}")
    if "name" not in header:
        raise ListError(where, f"{where}: row 1: no `name` column (header: {', '.join(c for c in rows[0] if c)}; "
                               f"columns read: {', '.join(CSV_COLUMNS)})")
    records = []
    for n, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        extra = [c for c in cells[len(header):] if c.strip()]
        records.append((n, {h: cells[i] if i < len(cells) else "" for i, h in enumerate(header) if h}, extra))
    entries, problems = entries_from_rows(records, where)
    if problems:
        raise ListError(where, problems)
    if not entries:
        raise ListError(where, f"{where}: no entries below the header")
    return entries


def entries_from_rows(records: list[tuple[int, dict, list]], where: str) -> tuple[list[ListEntry], list[str]]:
    """Validate CSV rows (row number, cells by column, extra cells) into entries; return them and every problem."""
    entries: list[ListEntry] = []
    problems: list[str] = []
    ids: dict[str, int] = {}
    derived: dict[str, int] = {}
    for n, row, extra in records:
        bad = []
        if extra:
            bad.append(f"{len(extra)} cell(s) beyond the header's columns")
        name = " ".join((row.get("name") or "").split())
        if not name:
            bad.append("empty name")
        try:
            etype = entity_type(row.get("type"))
        except ValueError as exc:
            bad.append(str(exc))
            etype = None
        dates = []
        for d in _split(row.get("birth_date")):
            iso = iso_date(d)
            if iso is None:
                bad.append(f"unreadable birth date {d!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
            elif iso not in dates:
                dates.append(iso)
        countries = []
        for c in _split(row.get("country")):
            code = country_code(c)
            if code is None:
                bad.append(f"unknown country {c!r} (use an ISO alpha-2 code or an English country name)")
            elif code not in countries:
                countries.append(code)
        list_id = (row.get("id") or "").strip()
        if list_id:
            if list_id in ids:
                bad.append(f"duplicate id {list_id!r} (first on row {ids[list_id]})")
            else:
                ids[list_id] = n
        if bad:
            problems.extend(f"{where}: row {n}: {p}" for p in bad)
            continue
        if not list_id:
            # Without ids, entries are known again on re-import by type and name (repeats numbered).
            base = f"name:{etype}:{name_key(name)}"
            derived[base] = derived.get(base, 0) + 1
            list_id = base if derived[base] == 1 else f"{base}#{derived[base]}"
        aliases = tuple(dict.fromkeys(a for a in (" ".join(x.split()) for x in _split(row.get("aliases")))
                                      if a != name))
        programs = tuple(dict.fromkeys(_split(row.get("programs"))))
        entries.append(ListEntry(list_id=list_id, name=name, aliases=aliases, type=etype, birth_dates=tuple(dates),
                                 countries=tuple(countries), programs=programs,
                                 remarks=(row.get("remarks") or "").strip(), row=n,
                                 alias_kinds=("aka",) * len(aliases)))
    return entries, problems


# --- OFAC SDN legacy CSV ------------------------------------------------------------------------------------

_OFAC_TYPES = {"individual": PERSON, "vessel": VESSEL, "aircraft": AIRCRAFT}
_ALT_PREFIX = re.compile(r"^alt\.\s+", re.IGNORECASE)
_AKA = re.compile(r"^([afn])\.k\.a\.,?\s+(.+)$", re.IGNORECASE)
_DOB = re.compile(r"^DOB\s+(.+)$")
_NATIONALITY = re.compile(r"^(?:nationality|citizen(?:ship)?)(?:\s+of\s+registration)?\s*:?\s+(.+)$", re.IGNORECASE)
_COUNTRY_HEDGES = re.compile(r"^(?:possibly|probably|region:)\s+", re.IGNORECASE)


def _null(value: str) -> str:
    value = value.strip()
    return "" if value == OFAC_NULL else value


def _ofac_rows(path: Path, columns: int, notes: list[str] | None) -> list[tuple[int, list[str]]]:
    """Read one OFAC CSV file: no header, ``-0-`` for null, CRLF, a trailing Ctrl-Z; check the column count."""
    # Ctrl-Z ends OFAC files, and files glued together from several downloads carry it mid-way too.
    text = decode(_read_bytes(path), path.name, notes).replace("\x1a", "")
    out, problems = [], []
    for n, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        if not out and not problems and not cells[0].strip().isdigit():
            raise ListError(path.name, f"{path.name}: row {n}: ent_num {cells[0][:30]!r} is not a number: not an "
                                       f"OFAC file (they have no header; use --format csv for a list with one)")
        if len(cells) != columns:
            problems.append(f"{path.name}: row {n}: {len(cells)} columns, expected {columns}")
        elif not cells[0].strip().isdigit():
            problems.append(f"{path.name}: row {n}: ent_num {cells[0][:30]!r} is not a number")
        else:
            out.append((n, [_null(c) for c in cells]))
    if problems:
        raise ListError(path.name, problems)
    return out


def ofac_companions(path: str | Path) -> dict[str, Path | None]:
    """Return the companion files (alt.csv, add.csv, sdn_comments.csv) beside an sdn.csv, None where absent."""
    folder = Path(path).parent
    found = {}
    for name in OFAC_COMPANIONS:
        matches = [p for p in (folder / name, folder / name.upper()) if p.is_file()]
        found[name] = matches[0] if matches else None
    return found


def _clean_alias(value: str) -> str:
    value = value.strip()
    if value.endswith("'."):
        value = value[:-1]
    if value.startswith("'") and not value.endswith("'"):  # cut short (the rest was in sdn_comments.csv)
        value = value[1:]
    for _ in range(2):  # ''NICKNAME'' is a quoted nickname inside the quotes
        if len(value) >= 2 and value[0] == value[-1] == "'":
            value = value[1:-1].strip()
    return " ".join(value.split())


def parse_remarks(remarks: str) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Read aliases (a.k.a./f.k.a./n.k.a. 'X'), birth dates (DOB) and nationality/citizenship from OFAC remarks.

    Return (aliases as (name, kind), ISO birth dates, country codes).
    """
    aliases, dates, countries = [], [], []
    fields = remarks.split(";")
    for i, f in enumerate(fields):
        f = _ALT_PREFIX.sub("", f.strip())
        if i == len(fields) - 1 and f.endswith(".") and not f.endswith("'."):
            f = f[:-1]
        if not f:
            continue
        if m := _AKA.match(f):
            alias = _clean_alias(m.group(2))
            if alias:
                aliases.append((alias, m.group(1).lower() + "ka"))
        elif m := _DOB.match(f):
            dates.extend(d for d in ofac_birth_dates(m.group(1)) if d not in dates)
        elif m := _NATIONALITY.match(f):
            code = country_code(_COUNTRY_HEDGES.sub("", m.group(1).strip().rstrip(".")))
            if code and code not in countries:
                countries.append(code)
    return aliases, dates, countries


def read_ofac_sdn(path: str | Path, notes: list[str] | None = None) -> list[ListEntry]:
    """Read OFAC's sdn.csv, with alt.csv (aliases), add.csv (addresses) and sdn_comments.csv beside it if present."""
    path = Path(path)
    sdn = _ofac_rows(path, 12, notes)
    if not sdn:
        raise ListError(path.name, f"{path.name}: no entries")
    found = ofac_companions(path)
    alts: dict[str, list[tuple[str, str]]] = {}
    adds: dict[str, list[tuple[str, str]]] = {}   # (address, country)
    comments: dict[str, str] = {}
    if found["alt.csv"]:
        for _, (ent, _num, kind, alias, _rem) in _ofac_rows(found["alt.csv"], 5, notes):
            if alias:
                alts.setdefault(ent, []).append((" ".join(alias.split()), kind.lower() or "aka"))
    if found["add.csv"]:
        for _, (ent, _num, street, city, country, rem) in _ofac_rows(found["add.csv"], 6, notes):
            text = ", ".join(p for p in (street, city, country) if p) + (f" ({rem})" if rem else "")
            adds.setdefault(ent, []).append((text, country))
    if found["sdn_comments.csv"]:
        for _, (ent, extended) in _ofac_rows(found["sdn_comments.csv"], 2, notes):
            comments[ent] = comments.get(ent, "") + extended  # the overflow continues the Remarks mid-word
    entries, problems, seen, repeats = [], [], {}, 0
    for n, cells in sdn:
        ent, name, sdn_type, program, title, call_sign, vess_type, tonnage, grt, flag, owner, remarks = cells
        if ent in seen:
            # Files glued from several downloads repeat rows; a repeat that differs is a real conflict.
            if seen[ent][1] == cells:
                repeats += 1
            else:
                problems.append(f"{path.name}: row {n}: ent_num {ent} again, different from row {seen[ent][0]}")
            continue
        seen[ent] = (n, cells)
        name = " ".join(name.split())
        if not name:
            problems.append(f"{path.name}: row {n}: empty name (ent_num {ent})")
            continue
        remarks = remarks + comments.get(ent, "") if remarks else comments.get(ent, "")
        rem_aliases, dates, countries = parse_remarks(remarks)
        for text, country in adds.get(ent, ()):
            code = country_code(_COUNTRY_HEDGES.sub("", country)) if country else None
            if code and code not in countries:
                countries.append(code)
        if flag and (code := country_code(flag)) and code not in countries:
            countries.append(code)
        names: dict[str, str] = {}
        for alias, kind in alts.get(ent, []) + rem_aliases:
            if alias != name and alias not in names:
                names[alias] = kind
        details = [f"{label} {value}" for label, value in (
            ("Title:", title if title and title not in remarks else ""), ("Call sign", call_sign),
            ("Vessel type", vess_type), ("Tonnage", tonnage), ("GRT", grt), ("Flag", flag),
            ("Owner", owner)) if value]
        entries.append(ListEntry(
            list_id=ent, name=name, aliases=tuple(names), type=_OFAC_TYPES.get(sdn_type.lower(), ORGANIZATION),
            birth_dates=tuple(dates), countries=tuple(countries),
            programs=tuple(p.strip() for p in program.strip("[] ").split("] [") if p.strip()),
            addresses=tuple(dict.fromkeys(a for a, _ in adds.get(ent, ()) if a)),
            remarks=" ".join(p for p in (remarks.strip(), "; ".join(details) + "." if details else "") if p), row=n,
            alias_kinds=tuple(names.values())))
    if problems:
        raise ListError(path.name, problems)
    if notes is not None and repeats:
        notes.append(f"{path.name}: {repeats} rows repeat an earlier row exactly; read once")
    if notes is not None:
        orphans = sum(len(v) for k, v in alts.items() if k not in seen) + sum(
            len(v) for k, v in adds.items() if k not in seen)
        if orphans:
            notes.append(f"{orphans} alias/address rows name no entry of {path.name}; ignored")
    return entries


def read_list(path: str | Path, fmt: str, notes: list[str] | None = None) -> list[ListEntry]:
    """Read a list file in one of ``FORMATS``."""
    if fmt == "csv":
        return read_csv(path, notes)
    if fmt == "ofac-sdn":
        return read_ofac_sdn(path, notes)
    raise ListError(str(path), f"unknown list format {fmt!r} (use {' or '.join(FORMATS)})")


# --- provenance ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ListFile:
    """One file an import read: its name, SHA-256 (hex) and size in bytes."""

    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Provenance:
    """What an import read: its files (the list's file first, then its companions), and the list's publication date
    (YYYY-MM-DD) with where that date was read from: ``file`` (written in the list), ``option`` (given by whoever
    imported it: ``--published``, the web form) or ``mtime`` (the list file's modification time, UTC)."""

    files: tuple[ListFile, ...]
    published: str
    published_from: str


def published_text(published: str | None, published_from: str | None) -> str:
    """A list's publication date and where it was read from, in words: "2021-07-07 (the file's modification time)"."""
    if not published:
        return "not recorded"
    return f"{published} ({PUBLISHED_FROM.get(published_from or '', published_from or 'source unknown')})"


def list_paths(path: str | Path, fmt: str) -> list[Path]:
    """Return the files an import of ``path`` reads: the file, then (ofac-sdn) the companions found beside it."""
    path = Path(path)
    if fmt == "ofac-sdn" and path.is_file():
        return [path] + [p for p in ofac_companions(path).values() if p]
    return [path]


# The publication date a format writes inside its files, per format. Neither format read today writes one: OFAC's
# legacy CSV set holds no date but the dates of birth in its Remarks, and the generic CSV layout has no place for
# one. A reader of a format that does (the UN list's XML: <CONSOLIDATED_LIST dateGenerated=...>) adds its own here.
_DATE_IN_FILE: dict[str, Callable[[Path], str | None]] = {}


def published_in_file(path: str | Path, fmt: str) -> str | None:
    """Return the publication date (YYYY-MM-DD) written in a list file, or None when its format has none."""
    reader = _DATE_IN_FILE.get(fmt)
    return reader(Path(path)) if reader else None


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def publication_date(text: str, what: str = "publication date") -> str:
    """Check a publication date given by hand: YYYY-MM-DD, a real day, not after tomorrow (UTC); return it."""
    text = (text or "").strip()
    try:
        if not _ISO_DAY.match(text):
            raise ValueError
        day = date.fromisoformat(text)
    except ValueError:
        raise ListError(what, f"{what} {text[:30]!r}: not a date (use YYYY-MM-DD)") from None
    if day > datetime.now(timezone.utc).date() + timedelta(days=1):
        raise ListError(what, f"{what} {text}: in the future")
    return day.isoformat()


def modified_date(path: str | Path) -> str:
    """Return a file's modification date (UTC, YYYY-MM-DD)."""
    return datetime.fromtimestamp(Path(path).stat().st_mtime, timezone.utc).date().isoformat()


def file_digest(path: str | Path) -> tuple[str, int]:
    """Return a file's SHA-256 (hex) and size in bytes."""
    h = hashlib.sha256()
    size = 0
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def provenance(paths: list[Path], fmt: str, published: str | None = None, mtime: str | None = None) -> Provenance:
    """Return the provenance of an import of ``paths`` (the list's file first): each file's name, SHA-256 and size,
    and the publication date: read from the file where its format writes one, else ``published`` (given by hand,
    checked), else ``mtime`` (the list file's modification date as reported for a copy, e.g. by the browser for an
    upload), else the list file's own modification date."""
    files = tuple(ListFile(p.name, *file_digest(p)) for p in paths)
    found = published_in_file(paths[0], fmt)
    if found:
        return Provenance(files, found, "file")
    if published:
        return Provenance(files, publication_date(published), "option")
    return Provenance(files, publication_date(mtime, "modification date") if mtime else modified_date(paths[0]),
                      "mtime")
