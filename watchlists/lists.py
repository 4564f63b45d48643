"""Read official watchlists (a generic CSV, the OFAC SDN legacy CSV set, the UN Security Council consolidated list's
XML, the UK HM Treasury consolidated list's CSV) into plain ``ListEntry`` objects.

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
from xml.etree import ElementTree
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DefusedET

from screening.engine.attributes import country_code, is_placeholder, iso_date
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
from watchlists.list_countries import field_countries, labelled_country, merge, remark_countries

FORMATS = ("csv", "ofac-sdn", "un-consolidated", "uk-hmt")
# The formats that are an official sanctions list (a CSV may be anything).
SANCTIONS_FORMATS = frozenset({"ofac-sdn", "un-consolidated", "uk-hmt"})
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
    # Weak country evidence (ISO alpha-2): places of birth, and a person's address countries. ``countries`` holds
    # the strong kind: nationality, citizenship, a vessel's flag, an organisation's address countries.
    country_hints: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """Return the primary name then the aliases."""
        return (self.name,) + self.aliases


def to_record(entry: ListEntry, source: str) -> Record:
    """Return the engine's view of a list entry: id (the list's id), names (primary first), attributes."""
    return Record(id=str(entry.list_id), names=entry.names(), type=entry.type, countries=entry.countries,
                  birth_dates=entry.birth_dates, source=source, country_hints=entry.country_hints)


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


def parse_remarks(remarks: str) -> tuple[list[tuple[str, str]], list[str], list[str], list[str]]:
    """Read aliases (a.k.a./f.k.a./n.k.a. 'X'), birth dates (DOB), nationality/citizenship and places of birth (POB)
    from OFAC remarks.

    Return (aliases as (name, kind), ISO birth dates, nationality and citizenship countries, place-of-birth
    countries: a weak hint).
    """
    aliases, dates, countries, hints = [], [], [], []
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
        else:
            kind, code = labelled_country(f)
            target = countries if kind == "strong" else hints
            if code and code not in target:
                target.append(code)
    return aliases, dates, countries, hints


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
        rem_aliases, dates, countries, hints = parse_remarks(remarks)
        etype = _OFAC_TYPES.get(sdn_type.lower(), ORGANIZATION)
        # A person's address is where they live, not their nationality: a hint. An organisation's is its country.
        address_countries = [c for _, country in adds.get(ent, ()) for c in field_countries(country)]
        if flag:
            countries.extend(field_countries(flag))
        if etype == PERSON:
            hints.extend(address_countries)
        else:
            countries.extend(address_countries)
        names: dict[str, str] = {}
        for alias, kind in alts.get(ent, []) + rem_aliases:
            if alias != name and alias not in names:
                names[alias] = kind
        details = [f"{label} {value}" for label, value in (
            ("Title:", title if title and title not in remarks else ""), ("Call sign", call_sign),
            ("Vessel type", vess_type), ("Tonnage", tonnage), ("GRT", grt), ("Flag", flag),
            ("Owner", owner)) if value]
        entries.append(ListEntry(
            list_id=ent, name=name, aliases=tuple(names), type=etype, birth_dates=tuple(dates),
            countries=merge(countries), country_hints=tuple(c for c in merge(hints) if c not in countries),
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


# --- UN Security Council Consolidated List (XML) ------------------------------------------------------------

_UN_ALIAS_KINDS = {"f.k.a.": "fka", "n.k.a.": "nka"}   # individuals' Good/Low and entities' a.k.a. are aka


def _text(el, path: str) -> str:
    return " ".join((el.findtext(path) or "").split())


def _texts(el, path: str) -> list[str]:
    return [t for t in (" ".join((x.text or "").split()) for x in el.findall(path)) if t and not is_placeholder(t)]


def _un_root(path: Path, notes: list[str] | None):
    where = path.name
    try:
        root = DefusedET.fromstring(_read_bytes(path))
    except DefusedXmlException as exc:
        raise ListError(where, f"{where}: XML with a DTD or entities, refused ({type(exc).__name__})") from None
    except ElementTree.ParseError as exc:
        raise ListError(where, f"{where}: not XML: {exc}") from None
    if root.tag != "CONSOLIDATED_LIST":
        raise ListError(where, f"{where}: not the UN consolidated list (its root element is <{root.tag}>, expected "
                               f"<CONSOLIDATED_LIST>)")
    return root


def _un_dates(el) -> list[str]:
    """Read an INDIVIDUAL_DATE_OF_BIRTH: an exact or approximate DATE or YEAR, or BETWEEN FROM_YEAR and TO_YEAR."""
    day, year = _text(el, "DATE"), _text(el, "YEAR")
    if day and iso_date(day[:10]):
        return [day[:10]]
    if year and iso_date(year):
        return [year]
    first, last = _text(el, "FROM_YEAR"), _text(el, "TO_YEAR")
    if iso_date(first) and iso_date(last) and 0 <= int(last) - int(first) <= _YEAR_SPAN:
        return [str(y) for y in range(int(first), int(last) + 1)]
    if iso_date(first) or iso_date(last):
        return [d for d in (first, last) if iso_date(d)]
    return list(ofac_birth_dates(_text(el, "NOTE")))      # "Nov. 1973" written as a note


def _un_place(el) -> str:
    return ", ".join(p for p in (_text(el, t) for t in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY"))
                     if p)


def _un_entry(el, n: int, person: bool, problems: list[str], where: str) -> ListEntry | None:
    list_id = _text(el, "REFERENCE_NUMBER") or _text(el, "DATAID")
    parts = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME") if person else ("FIRST_NAME",)
    name = " ".join(p for p in (_text(el, t) for t in parts) if p)
    if not name:
        problems.append(f"{where}: entry {n} ({list_id or 'no reference'}): empty name")
        return None
    aliases: dict[str, str] = {}
    dates: list[str] = []
    strong = _texts(el, "NATIONALITY/VALUE")
    countries = [c for v in strong for c in field_countries(v)]
    hints: list[str] = []
    for a in el.findall("INDIVIDUAL_ALIAS" if person else "ENTITY_ALIAS"):
        alias = _text(a, "ALIAS_NAME")
        if alias and alias != name:
            aliases.setdefault(alias, _UN_ALIAS_KINDS.get(_text(a, "QUALITY").lower(), "aka"))
        if iso_date(_text(a, "DATE_OF_BIRTH")[:10]):
            dates.append(_text(a, "DATE_OF_BIRTH")[:10])
        hints += field_countries(", ".join(p for p in (_text(a, "CITY_OF_BIRTH"), _text(a, "COUNTRY_OF_BIRTH")) if p))
    for original in _texts(el, "NAME_ORIGINAL_SCRIPT"):
        if original != name:
            aliases.setdefault(original, "aka")
    for d in el.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        dates += _un_dates(d)
    for place in el.findall("INDIVIDUAL_PLACE_OF_BIRTH"):
        hints += field_countries(_un_place(place))
    addresses = []
    for adr in el.findall("INDIVIDUAL_ADDRESS" if person else "ENTITY_ADDRESS"):
        text = _un_place(adr)
        note = _text(adr, "NOTE")
        if text or note:
            addresses.append(text + (f" ({note})" if note and text else note if note else ""))
        found = field_countries(_text(adr, "COUNTRY") or text, scan=person)
        (hints if person else countries).extend(found)
    comments = _text(el, "COMMENTS1")
    said, born = remark_countries(el.findtext("COMMENTS1") or "")
    countries += said
    hints += born
    details = [f"{label}: {'; '.join(vals)}" for label, vals in (
        ("Title", _texts(el, "TITLE/VALUE")), ("Designation", _texts(el, "DESIGNATION/VALUE")),
        ("Nationality", strong), ("Listed on", _texts(el, "LISTED_ON"))) if vals]
    strong_codes = merge(countries)
    return ListEntry(
        list_id=list_id, name=name, aliases=tuple(aliases), type=PERSON if person else ORGANIZATION,
        birth_dates=merge(dates), countries=strong_codes,
        country_hints=tuple(c for c in merge(hints) if c not in strong_codes),
        programs=tuple(_texts(el, "UN_LIST_TYPE")), addresses=merge(addresses),
        remarks=" ".join(p for p in (". ".join(details) + "." if details else "", comments) if p), row=n,
        alias_kinds=tuple(aliases.values()))


def read_un(path: str | Path, notes: list[str] | None = None) -> list[ListEntry]:
    """Read the UN Security Council Consolidated List (XML): individuals and entities, with aliases, dates of birth,
    nationalities (strong), places of birth and individuals' addresses (weak country hints)."""
    path = Path(path)
    root = _un_root(path, notes)
    entries, problems, seen = [], [], set()
    n = 0
    for group, tag, person in (("INDIVIDUALS", "INDIVIDUAL", True), ("ENTITIES", "ENTITY", False)):
        for el in root.findall(f"{group}/{tag}"):
            n += 1
            e = _un_entry(el, n, person, problems, path.name)
            if e is None:
                continue
            if e.list_id in seen:
                problems.append(f"{path.name}: entry {n}: reference {e.list_id} again")
                continue
            seen.add(e.list_id)
            entries.append(e)
    if problems:
        raise ListError(path.name, problems)
    if not entries:
        raise ListError(path.name, f"{path.name}: no <INDIVIDUAL> or <ENTITY> entries")
    return entries


def _un_published(path: Path) -> str | None:
    """The UN list's dateGenerated (YYYY-MM-DD), read from its root element without parsing the whole file."""
    head = path.read_bytes()[:4096].decode("utf-8", "replace")
    m = re.search(r"<CONSOLIDATED_LIST\b[^>]*\bdateGenerated=\"(\d{4}-\d{2}-\d{2})", head)
    return m.group(1) if m else None


# --- UK HM Treasury (OFSI) Consolidated List (CSV) ----------------------------------------------------------

_UK_TYPES = {"individual": PERSON, "entity": ORGANIZATION, "ship": VESSEL}
_UK_REQUIRED = ("Name 6", "Group Type", "Group ID")
_UK_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")


def _uk_date(text: str) -> str | None:
    """Read a UK list date "dd/mm/yyyy", where 00 stands for an unknown day or month ("00/00/1980" -> "1980")."""
    m = _UK_DATE.match(text.strip())
    if not m:
        return None
    day, month, year = m.groups()
    iso = year + (f"-{month}" if month != "00" else "") + (f"-{day}" if month != "00" and day != "00" else "")
    return iso_date(iso)


def read_uk(path: str | Path, notes: list[str] | None = None) -> list[ListEntry]:
    """Read the UK HM Treasury / OFSI Consolidated List CSV (a "Last Updated" line, then the header; one row per
    name variant, rows of one target sharing a Group ID): nationality (strong), country and town of birth and a
    person's address country (weak country hints)."""
    path = Path(path)
    where = path.name
    rows = list(csv.reader(io.StringIO(decode(_read_bytes(path), where, notes), newline="")))
    start = 1 if rows and rows[0] and rows[0][0].strip().lower() == "last updated" else 0
    if len(rows) <= start:
        raise ListError(where, f"{where}: empty file")
    header = [c.strip() for c in rows[start]]
    missing = [c for c in _UK_REQUIRED if c not in header]
    if missing:
        raise ListError(where, f"{where}: row {start + 1}: no {', '.join(missing)} column: not the UK consolidated "
                               f"list (use --format csv for a list of your own)")
    groups: dict[str, list[tuple[int, dict]]] = {}
    problems = []
    for n, cells in enumerate(rows[start + 1:], start=start + 2):
        if not any(c.strip() for c in cells):
            continue
        row = {h: " ".join(cells[i].split()) if i < len(cells) else "" for i, h in enumerate(header) if h}
        if not row.get("Group ID"):
            problems.append(f"{where}: row {n}: no Group ID")
        elif row.get("Group Type", "").lower() not in _UK_TYPES:
            problems.append(f"{where}: row {n}: unknown Group Type {row.get('Group Type')!r} "
                            f"(expected Individual, Entity or Ship)")
        else:
            groups.setdefault(row["Group ID"], []).append((n, row))
    entries = []
    for gid, grp in groups.items():
        etype = _UK_TYPES[grp[0][1]["Group Type"].lower()]
        names: dict[str, str] = {}
        dates, countries, hints, programs, addresses, remarks = [], [], [], [], [], []
        for n, row in sorted(grp, key=lambda r: (r[1].get("Alias Type") != "Prime Alias", r[0])):
            parts = [row.get(f"Name {i}", "") for i in (1, 2, 3, 4, 5)] if etype == PERSON else []
            name = " ".join(p for p in parts + [row.get("Name 6", "")] if p)
            if not name:
                problems.append(f"{where}: row {n}: empty name (Group ID {gid})")
                continue
            names.setdefault(name, "fka" if row.get("Alias Type", "").upper() == "FKA" else "aka")
            if d := _uk_date(row.get("DOB", "")):
                dates.append(d)
            countries += field_countries(row.get("Nationality"), scan=True)
            hints += field_countries(row.get("Country of Birth")) or field_countries(row.get("Town of Birth"))
            address = ", ".join(p for p in [row.get(f"Address {i}", "") for i in range(1, 7)]
                                + [row.get("Post/Zip Code", ""), row.get("Country", "")] if p)
            if address:
                addresses.append(address)
            found = field_countries(row.get("Country"), scan=etype == PERSON)
            (hints if etype == PERSON else countries).extend(found)
            said, born = remark_countries(row.get("Other Information"))
            countries += said
            hints += born
            programs += [row["Regime"]] if row.get("Regime") else []
            remarks += [f"{label}{row[k]}" for k, label in (("Other Information", ""), ("Position", "Position: "),
                                                            ("Passport Details", "Passport: ")) if row.get(k)]
        if not names:
            continue
        primary, *aliases = names
        strong = merge(countries)
        entries.append(ListEntry(
            list_id=gid, name=primary, aliases=tuple(aliases), type=etype, birth_dates=merge(dates),
            countries=strong, country_hints=tuple(c for c in merge(hints) if c not in strong),
            programs=merge(programs), addresses=merge(addresses),
            remarks=" ".join(r if r.endswith(".") else r + "." for r in merge(remarks)), row=grp[0][0],
            alias_kinds=tuple(names[a] for a in aliases)))
    if problems:
        raise ListError(where, problems)
    if not entries:
        raise ListError(where, f"{where}: no entries below the header")
    return entries


def _uk_published(path: Path) -> str | None:
    """The UK list's "Last Updated,dd/mm/yyyy" first line, as YYYY-MM-DD."""
    first = path.read_bytes()[:200].decode("latin-1").splitlines()[0] if path.stat().st_size else ""
    cells = next(csv.reader([first]), [])
    return _uk_date(cells[1]) if len(cells) > 1 and cells[0].strip().lower() == "last updated" else None


def read_list(path: str | Path, fmt: str, notes: list[str] | None = None) -> list[ListEntry]:
    """Read a list file in one of ``FORMATS``."""
    if fmt == "csv":
        return read_csv(path, notes)
    if fmt == "ofac-sdn":
        return read_ofac_sdn(path, notes)
    if fmt == "un-consolidated":
        return read_un(path, notes)
    if fmt == "uk-hmt":
        return read_uk(path, notes)
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


# The publication date a format writes inside its files, per format: the UN list's <CONSOLIDATED_LIST
# dateGenerated=...>, the UK list's "Last Updated" line. OFAC's legacy CSV set holds no date but the dates of birth
# in its Remarks, and the generic CSV layout has no place for one.
_DATE_IN_FILE: dict[str, Callable[[Path], str | None]] = {"un-consolidated": _un_published,
                                                           "uk-hmt": _uk_published}


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
