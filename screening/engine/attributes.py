"""Read the attributes clients and lists write beside names: countries (to ISO alpha-2) and dates (ISO).

Pure: rigour's territory data, no database. Client files, official lists and the CLI all read countries and
dates here, so "Germany", "DE" and "Deutschland" mean the same wherever they come from.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from functools import lru_cache

_SKIP = str.maketrans("", "", ".()[],;:_-/ʻ'’")


def _territory_key(name: str) -> str:
    # As rigour's normalize_territory_name does for Latin text, without transliterating every other script.
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    folded = unicodedata.normalize("NFKC", folded).casefold().translate(_SKIP)
    return " ".join("".join(c if c.isalnum() else " " for c in folded).split())


@lru_cache(maxsize=1)
def _latin_territory_names() -> dict[str, str]:
    """Map the Latin-script territory names rigour knows to their codes (strong names over weak over places).

    rigour's own ``lookup_territory`` transliterates every name of every script on first use (about 1.4 s);
    official lists write countries in English, so this map answers them in a few milliseconds.
    """
    try:
        # imported on first use, for start-up speed: rigour takes ~80 ms to import
        from rigour._core import territories_jsonl

        # imported on first use, for start-up speed: rigour takes ~80 ms to import
        from rigour.data import iter_jsonl_text
    except ImportError:  # another rigour layout: the slow path alone still answers
        return {}
    strong: dict[str, str] = {}
    weak: dict[str, str] = {}
    places: dict[str, str] = {}
    for data in iter_jsonl_text(territories_jsonl()):
        code = data["code"]
        groups = ((strong, list(data.get("names_strong") or []) + [data.get("name"), data.get("full_name")]),
                  (weak, data.get("names_weak") or []), (places, data.get("places") or []))
        for target, names in groups:
            for n in names:
                if n and all(c.isascii() or unicodedata.name(c, "").startswith("LATIN") or not c.isalpha()
                             for c in n):
                    target[_territory_key(n)] = code
    return {**places, **weak, **strong}


@lru_cache(maxsize=8192)
def country_code(text: str) -> str | None:
    """Return the lower-case ISO alpha-2 code of a country code, name or demonym ("DE", "Korea, North"), or None.

    A subdivision gives its country ("Crimea" -> ua); historical states (the Soviet Union) give None.
    """
    # imported on first use, for start-up speed: rigour takes ~80 ms to import
    from rigour.territories import lookup_by_identifier, lookup_territory

    text = " ".join(text.split())
    if not text:
        return None
    terr = lookup_by_identifier(text) if len(text) <= 3 else None
    code = terr.code if terr is not None else _latin_territory_names().get(_territory_key(text))
    if code is None and not text.isascii():
        terr = lookup_territory(text)
        code = terr.code if terr is not None else None
    if code is None:
        return None
    code = code.split("-")[0]
    return code if len(code) == 2 and code.isalpha() else None


_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def iso_date(text: str) -> str | None:
    """Return a valid "YYYY", "YYYY-MM" or "YYYY-MM-DD" as given, or None."""
    m = _ISO_DATE.match(text.strip())
    if not m:
        return None
    y, mo, d = (int(g) if g else None for g in m.groups())
    try:
        date(y, mo or 1, d or 1)
    except ValueError:
        return None
    return m.group(0) if 1800 <= y <= 2100 else None


# --- values as client files write them ------------------------------------------------------------------------

# What CRMs and spreadsheets write for "no value" (compared casefolded, punctuation and spaces away): empty, not an
# error. A cell of punctuation only ("-", "?", "--") is a placeholder too.
_PLACEHOLDERS = {"na", "nan", "none", "null", "nil", "unknown", "unk", "notapplicable", "notavailable", "notknown",
                 "tbd", "tba", "tbc", "nd", "ns", "nk", "undefined", "blank", "empty", "missing", "inconnu", "aucun",
                 "neant", "unbekannt", "keine", "desconocido", "ninguno", "sconosciuto", "nessuno", "onbekend",
                 "geen", "000000", "00000000", "00000000000000"}


# In a name column only the unmistakable ones: "ND" or "NK" could be a short name, "N/A" cannot.
_NAME_PLACEHOLDERS = {"na", "none", "null", "nil", "unknown", "notapplicable", "notavailable", "notknown", "tbd",
                      "tba", "tbc", "undefined", "blank", "empty", "missing"}


def is_name_placeholder(text: object) -> bool:
    """Return True for a name cell that says "no name": N/A, n.a., none, unknown, -, ?..."""
    if text is None:
        return True
    folded = "".join(c for c in unicodedata.normalize("NFKD", str(text)) if not unicodedata.combining(c))
    key = "".join(c for c in folded.casefold() if c.isalnum())
    return not key or key in _NAME_PLACEHOLDERS


def is_placeholder(text: object) -> bool:
    """Return True for a cell that says "no value": N/A, n.a., -, none, unknown, ?, #N/A, 0000-00-00..."""
    if text is None:
        return True
    folded = "".join(c for c in unicodedata.normalize("NFKD", str(text)) if not unicodedata.combining(c))
    key = "".join(c for c in folded.casefold() if c.isalnum())
    return not key or key in _PLACEHOLDERS


_MONTHS = {}
for _number, _names in enumerate((
        "jan january janv janvier januar enero ene gennaio gen januari jänner jaenner janeiro",
        "feb february fev fevr fevrier februar febrero febbraio februari fevereiro",
        "mar march mars marz maerz marzo maart marco",
        "apr april avr avril abril aprile",
        "may mai mayo maggio mag mei maio",
        "jun june juin juni junio giugno giu junho",
        "jul july juil juillet juli julio luglio lug julho",
        "aug august aout ago agosto augustus",
        "sep sept september septembre septiembre settembre set setembro",
        "oct october octobre oktober okt octubre ottobre ott outubro",
        "nov november novembre noviembre novembro",
        "dec december decembre dezember dez diciembre dicembre dic dezembro"), start=1):
    _MONTHS.update((n, _number) for n in _names.split())
_DATE_TOKENS = re.compile(r"[^\W\d_]+|\d+")
_TIME_PART = re.compile(r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
EXCEL_EPOCH = date(1899, 12, 30)         # day 0 of Excel's 1900 date system (as openpyxl reads it)


class DateProblem(ValueError):
    """A birth date that cannot be used, with why in words ("impossible date '31/02/1990'")."""


def day_first(values) -> bool:
    """Tell whether a column's numeric dates are day/month/year (True) or month/day/year (False), by the values
    that can only be read one way ("31/12/1985" against "12/31/1985"); day first when nothing tells."""
    dmy = mdy = 0
    for v in values:
        parts = re.findall(r"\d+", str(v or "")) if isinstance(v, str) else []
        if len(parts) == 3 and len(parts[2]) == 4 and len(parts[0]) <= 2 and len(parts[1]) <= 2:
            a, b = int(parts[0]), int(parts[1])
            dmy += a > 12 >= b
            mdy += b > 12 >= a
    return dmy >= mdy


def read_date(value, *, day_first_: bool = True, today: date | None = None) -> str | None:
    """Read a birth date as client files write it; return "YYYY", "YYYY-MM" or "YYYY-MM-DD", None when empty.

    Takes date cells, Excel serial numbers, years, ISO dates (with or without a time), "12/03/1985", "12.03.85",
    "19850312", "12 Mar 1985", "March 12, 1985", "03/1985". Raise ``DateProblem`` for a value that is not a date,
    an impossible one (31/02/1990) or one outside 1900..today.
    """

    today = today or date.today()
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return _plausible(value, value.isoformat(), str(value), today)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 1900 <= value <= today.year:
            return str(int(value))
        if 1 <= value < 80_000:              # a date cell that lost its date format
            d = EXCEL_EPOCH + timedelta(days=int(value))
            return _plausible(d, d.isoformat(), str(value), today)
        raise DateProblem(f"unreadable date {value!r}")
    text = " ".join(str(value or "").split())
    if is_placeholder(text):
        return None
    shown = text
    text = _TIME_PART.sub("", text).strip()
    tokens = _DATE_TOKENS.findall(text.casefold())
    words = [t for t in tokens if not t.isdigit()]
    numbers = [t for t in tokens if t.isdigit()]
    month_words = [_MONTHS.get(_fold(w)) for w in words]
    if any(m is None for m in month_words) or len(words) > 1 or not numbers or len(numbers) > 3:
        if len(numbers) == 1 and len(numbers[0]) == 8 and not words:     # 19850312
            n = numbers[0]
            return _ymd(n[:4], n[4:6], n[6:], shown, today)
        raise DateProblem(f"unreadable date {shown!r}")
    if words:                                        # 12 Mar 1985, March 12, 1985, Mar 1985
        years = [n for n in numbers if len(n) == 4]
        if not years and len(numbers) == 2 and len(numbers[1]) == 2:      # 12-Mar-85
            numbers = [numbers[0], _century(int(numbers[1]), today)]
            years = [numbers[1]]
        if len(years) != 1:
            raise DateProblem(f"unreadable date {shown!r}")
        days = [n for n in numbers if n is not years[0]]
        return _ymd(years[0], month_words[0], days[0] if days else None, shown, today)
    if len(numbers) == 1:
        if len(numbers[0]) == 8:
            n = numbers[0]
            return _ymd(n[:4], n[4:6], n[6:], shown, today)
        if len(numbers[0]) == 4:
            return _ymd(numbers[0], None, None, shown, today)
        raise DateProblem(f"unreadable date {shown!r}")
    if len(numbers) == 2:                            # 1985-03, 03/1985
        a, b = numbers
        if len(a) == 4:
            return _ymd(a, b, None, shown, today)
        if len(b) == 4:
            return _ymd(b, a, None, shown, today)
        raise DateProblem(f"unreadable date {shown!r}")
    a, b, c = numbers
    if len(a) == 4:                                  # 1985-03-12, 1985/03/12
        return _ymd(a, b, c, shown, today)
    if len(c) in (2, 4):
        year = c if len(c) == 4 else _century(int(c), today)
        day, month = (a, b) if day_first_ else (b, a)
        if int(month) > 12 and int(day) <= 12:       # only readable the other way
            day, month = month, day
        return _ymd(year, month, day, shown, today)
    raise DateProblem(f"unreadable date {shown!r}")


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).rstrip(".")


def _century(yy: int, today: date) -> str:
    return str(2000 + yy if 2000 + yy <= today.year else 1900 + yy)


def _ymd(year, month, day, shown: str, today: date) -> str:
    y = int(year)
    m = int(month) if month is not None else None
    d = int(day) if day is not None else None
    try:
        value = date(y, m or 1, d or 1)
    except ValueError:
        raise DateProblem(f"impossible date {shown!r}") from None
    text = f"{y:04d}" + (f"-{m:02d}" if m else "") + (f"-{d:02d}" if m and d else "")
    return _plausible(value, text, shown, today)


def _plausible(value: date, text: str, shown: str, today: date) -> str:
    if not date(1900, 1, 1) <= value <= today:
        raise DateProblem(f"implausible birth date {shown!r} (before 1900 or in the future)")
    return text
