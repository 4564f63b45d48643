"""Which column of a client list holds which field: by its header, and for the name by what the column holds.

Pure: header rows and cells in, a ``Mapping`` out; no files, no openpyxl. A header is read by its words after
folding case, accents and punctuation ("Country of Incorporation", "DOB (dd/mm/yyyy)", "Customer No."). Several
columns may look like the name ("Counterparty" beside "Legal Name"): the fullest wins, by fill rate, length, cells
that read as names rather than codes, and the header's own word ("legal", "registered", "full" over "short"). The
others stay as fall-backs for rows where the chosen one is empty. Every column that holds a client's country is
used. ``Mapping.explain`` says what was chosen and why, for the preview.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from screening.engine.attributes import country_code, day_first, is_placeholder
from screening.engine.model import entity_type

MAX_HEADER_SEARCH = 20          # the header row is looked for among the first rows
SAMPLE_ROWS = 2000              # rows read to judge a column's content
FIELDS = ("name", "first_name", "last_name", "client_id", "type", "country", "birth_date")
MULTI = ("country",)            # fields that several columns may hold, all used

# Whole headers per field, several languages (compared after ``header_key``).
SYNONYMS = {
    "name": ["name", "full name", "client name", "customer name", "customer", "client", "account name", "party name",
             "counterparty", "counterparty name", "legal name", "company name", "entity name", "beneficiary",
             "beneficiary name", "payee", "payee name", "supplier", "supplier name", "vendor", "vendor name",
             "registered name", "full legal name", "legal entity name", "official name", "short name",
             "display name", "trading name", "organisation name", "organization name", "business name",
             "nom", "nom complet", "raison sociale", "denomination", "denomination sociale", "name des kunden",
             "kundenname", "firma", "firmenname", "nombre", "nombre completo", "razon social", "nome",
             "nome completo", "ragione sociale", "denominazione", "naam", "volledige naam", "bedrijfsnaam",
             "account holder", "holder", "holder name", "account holder name", "titulaire", "titular",
             "intestatario", "kontoinhaber", "inhaber", "rekeninghouder", "name1", "name 1", "name org1",
             "bu sort1", "mc name1", "nazwa", "nazwa kontrahenta", "nazwa klienta", "nazwa firmy", "namn",
             "kundnamn", "foretagsnamn", "nome do cliente", "denominacao", "denominacao social"],
    "first_name": ["first name", "firstname", "given name", "given names", "forename", "forenames", "prenom",
                   "prenoms", "vorname", "nombre de pila", "primer nombre", "nome proprio", "voornaam", "imie",
                   "fornamn", "primeiro nome"],
    "last_name": ["last name", "lastname", "surname", "family name", "nom de famille", "nachname", "apellido",
                  "apellidos", "cognome", "achternaam", "nazwisko", "efternamn", "apelido", "sobrenome"],
    "client_id": ["id", "client id", "customer id", "client number", "customer number", "account", "account number",
                  "account no", "account id", "reference", "ref", "cif", "cif number", "cif no", "client reference",
                  "client ref", "customer reference", "customer ref", "customer no", "client no", "party id",
                  "counterparty id", "vendor number", "vendor id", "supplier number", "supplier id", "bp number",
                  "business partner", "kunden nr", "kundennummer", "numero client", "code client", "identifiant",
                  "reference client", "id cliente", "numero de cliente", "codice cliente", "klantnummer",
                  "relatienummer", "lifnr", "kunnr", "partner", "codigo cliente", "n client", "no client",
                  "nr klienta", "numer klienta", "kundnummer", "kundnr", "numero de cliente", "nif cliente"],
    "type": ["type", "entity type", "client type", "customer type", "party type", "counterparty type", "kind",
             "category", "client category", "customer category", "segment", "client segment", "customer segment",
             "legal form", "entity form", "legal type", "person type", "typ", "kundentyp", "rechtsform", "tipo",
             "tipo de cliente", "tipo cliente", "forma juridica", "type de client", "forme juridique", "type client",
             "kundenart", "personenart", "tipo de persona", "natura giuridica", "soort relatie", "bp category",
             "cust type", "account type", "nature juridique", "type de personne", "tipo persona",
             "tipo de pessoa", "rodzaj podmiotu", "rodzaj klienta", "kundtyp", "kundkategori"],
    "country": ["country", "nationality", "country of residence", "residence", "citizenship", "jurisdiction",
                "country code", "country of incorporation", "incorporation country", "domicile",
                "country of domicile", "registered country", "country of registration", "place of incorporation",
                "residence country", "country of birth", "pays", "nationalite", "pays de residence", "land",
                "staatsangehorigkeit", "sitz", "pais", "nacionalidad", "pais de residencia", "paese", "nazionalita",
                "nationaliteit", "cittadinanza", "land1", "country region", "tax residence", "country of risk",
                "nacionalidade", "pais de residencia", "obywatelstwo", "kraj", "kraj siedziby", "kraj zamieszkania",
                "medborgarskap", "hemvist", "skatterattslig hemvist", "hemland"],
    "birth_date": ["birth date", "date of birth", "dob", "birthdate", "born", "date de naissance", "geburtsdatum",
                   "fecha de nacimiento", "data di nascita", "year of birth", "birth year", "geboortedatum",
                   "data de nascimento", "data urodzenia", "fodelsedatum", "fodelsear"],
}

# Words inside a longer header ("Counterparty Legal Name", "DOB (dd/mm/yyyy)", "Country of Incorporation (ISO)").
# Who a file lists: the parties whose name is the client's name and whose number is the client ID.
_PARTY_WORDS = {"counterparty", "beneficiary", "payee", "customer", "client", "vendor", "supplier", "party",
                "holder", "titulaire", "titular", "inhaber", "policyholder", "investor", "shareholder", "donor",
                "seller", "merchant", "applicant", "lessee", "borrower", "obligor", "debtor", "creditor", "tenant",
                "subscriber", "employee", "charterer", "respondent", "originator", "insured", "member", "kunde",
                "cliente", "klant", "kontrahent", "kontrahenta", "klienta", "kund", "kunden", "agent", "payer",
                "remitter", "guarantor", "issuer", "debitor", "kreditor"}
_NAME_WORDS = {"name", "names", "nom", "nombre", "naam", "nome", "namen", "denomination", "denominazione",
               "entity", "company", "firma", "nazwa", "namn"} | _PARTY_WORDS
# "Respondent Bank Legal Name", "Counterparty Full Name": the client's name whatever else the header says.
_FULL_NAME_PHRASES = ("legal name", "full name", "registered name", "official name", "legal entity name")
_NOT_CLIENT_NAME = {"contact", "manager", "officer", "rm", "user", "owner", "owners", "ubo", "director", "directors",
                    "signatory", "bank", "branch", "file", "sheet", "product", "parent", "group", "father", "mother",
                    "spouse", "employer", "introducer", "broker", "previous", "former", "maiden", "alias",
                    "aliases", "street", "city", "town", "address", "country", "email", "mail", "phone", "middle",
                    "given", "family", "surname", "forename", "prenom", "vorname", "nachname", "vessel", "ship",
                    "apellido", "cognome", "joint", "type", "category", "segment", "status", "date", "sector",
                    "industry", "ccy", "currency", "source", "created", "modified", "updated", "by", "lei", "tax",
                    "vasp", "outlet", "store", "shop", "site", "product", "plan", "fund"}
_ID_WORDS = {"id", "no", "nr", "num", "number", "ref", "reference", "code", "cif", "identifier", "key", "nummer",
             "numero", "codigo", "codice", "n", "nº"}
# Whose number it is, best first: the client's own number over an account's, over any other id.
_ID_OWNERS = {"cpty", "bp", "cif", "relatie", "partner", "relationship", "user", "crm", "register",
              "registry"} | _PARTY_WORDS
_NOT_CLIENT_ID = {"tax", "national", "passport", "lei", "vat", "registration", "swift", "bic", "iban", "phone",
                  "telephone", "fax", "zip", "postal", "post", "ssn", "tin", "ein", "manager", "officer", "rm", "bank",
                  "branch", "sort", "routing", "card", "document", "license", "licence", "company", "parent",
                  "group", "ticket", "invoice", "order", "nif", "siren", "siret", "duns", "currency",
                  "industry", "sic", "nace", "naics", "isic", "sector", "country", "product", "contact", "owner",
                  "advisor", "adviser", "city", "area", "region", "isin", "cusip", "type", "fixture", "transfer",
                  "transaction", "trade", "deal", "policy", "vessel", "imo", "vasp", "bank", "outlet", "postl",
                  "postcode", "ubo", "owner"}
_COUNTRY_WORDS = {"country", "nationality", "citizenship", "domicile", "jurisdiction", "residence", "residency",
                  "incorporation", "pays", "nationalite", "land", "staatsangehorigkeit", "pais", "nacionalidad",
                  "paese", "nazionalita", "nationaliteit", "domicilio", "residenza"}
_NOT_COUNTRY = {"rating", "score", "phone", "dial", "dialling", "dialing", "currency", "date", "manager", "bank", "vasp",
                "ip", "flag", "issuing", "issuer", "vessel", "ubo", "owner", "director", "spouse", "contact",
                "signatory", "postl",
                "number", "no", "id", "flag", "high", "sanctioned", "list", "city", "state", "province", "zip",
                "postal"}
_BIRTH_WORDS = {"dob", "birth", "born", "birthdate", "naissance", "geburtsdatum", "geburt", "nacimiento", "nascita",
                "geboortedatum", "nascimento"}
_NOT_BIRTH = {"place", "country", "city", "town", "pob", "lieu", "ort", "lugar", "luogo", "plaats", "ubo", "owner",
              "director", "spouse", "contact", "signatory", "guarantor"}
_TYPE_WORDS = {"type", "kind", "typ", "tipo", "segment", "category", "categorie", "categoria", "form", "forme",
               "forma", "nature", "natura", "soort", "art", "class"}
_TYPE_OWNERS = {"client", "customer", "cust", "party", "counterparty", "entity", "legal", "person", "persona",
                "personne", "kunden", "cliente", "klant", "juridique", "juridica", "giuridica", "relatie", "bp",
                "account", "beneficiary", "payee", "vendor", "supplier"}
_NOT_TYPE = {"id", "risk", "document", "product", "relationship", "business", "industry", "payment",
             "transaction", "address", "contact", "record", "rating", "date", "tax", "fee", "currency", "status"}
_PREFERRED = {"legal", "registered", "full", "official", "complete", "complet", "completo", "entire", "volledige",
              "sociale", "social"}
_SHORT = {"short", "display", "abbreviated", "abbrev", "abbr", "nick", "nickname", "code", "alias", "kurz",
          "court", "corto", "breve"}


def header_key(text: object) -> str:
    """Fold a header for comparison: accents, case and punctuation away ("Date of Birth (DD/MM/YYYY)" -> words)."""
    text = _CAMEL.sub(" ", unicodedata.normalize("NFKD", str(text or "")))      # MailingCountry, FirstName
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    words = re.sub(r"[^\w]+", " ", text).replace("_", " ").split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


# Abbreviations of database column names (CUST_FULL_LEGAL_NM, NATLTY_CTRY_CD, BIRTH_DT).
_ABBREVIATIONS = {"nm": "name", "nme": "name", "cust": "customer", "cst": "customer", "clnt": "client",
                  "acct": "account", "acc": "account", "ctry": "country", "cntry": "country", "cty": "country",
                  "natlty": "nationality", "nat": "nationality", "res": "residence", "dt": "date", "typ": "type",
                  "tp": "type", "cd": "code", "nbr": "number", "num": "number", "cpty": "counterparty",
                  "ctpy": "counterparty", "incorp": "incorporation", "inc": "incorporation", "bdate": "birthdate",
                  "dob": "dob", "ref": "ref", "dom": "domicile"}
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")


_LOOKUP = {header_key(s): f for f, words in SYNONYMS.items() for s in words}


def header_field(header: object) -> tuple[str | None, bool]:
    """Return the field a header names and whether it names it exactly (a synonym) or by a word inside it."""
    key = header_key(header)
    if not key:
        return None, False
    if key in _LOOKUP:
        return _LOOKUP[key], True
    words = set(key.split())
    if words & _BIRTH_WORDS and not words & _NOT_BIRTH:
        return "birth_date", False
    if words & _COUNTRY_WORDS and not words & _NOT_COUNTRY:
        return "country", False
    if words & _ID_WORDS and not words & _NOT_CLIENT_ID and (words - {"n", "nº"} & _ID_WORDS or words & _ID_OWNERS):
        return "client_id", False
    # A type column is checked by what it holds, so any header with a type word may be one ("Policyholder Type",
    # "seller_type"), and so may a header made of type words ("Individual/Entity", "Natural/Legal").
    if (words & _TYPE_WORDS or any(w.endswith(("art", "typ")) and w[:-3] in ("kunden", "personen") for w in words)) \
            and not words & _NOT_TYPE:
        return "type", False
    if _type_words(key) >= 2:
        return "type", False
    if {"first", "given", "fore"} & words and "name" in words or words & {"forename", "forenames", "prenom"}:
        return "first_name", False
    if {"last", "family", "sur"} & words and "name" in words or words & {"surname", "nachname", "apellido"}:
        return "last_name", False
    if any(f" {p} " in f" {key} " for p in _FULL_NAME_PHRASES) and not words & {"contact", "manager", "officer",
                                                                              "director", "ubo", "owner"}:
        return "name", False
    if words & _NAME_WORDS and not words & _NOT_CLIENT_NAME and not words & _ID_WORDS:
        return "name", False
    return None, False


def _type_words(key: str) -> int:
    n = 0
    for w in key.split():
        try:
            n += entity_type(w) in ("person", "organization") and len(w) > 2
        except ValueError:
            pass
    return n


# --- a column's content ------------------------------------------------------------------------------------------

@dataclass
class ColumnStats:
    """What a candidate name column holds, over the sampled rows."""

    index: int
    header: str
    filled: int = 0
    rows: int = 0
    chars: int = 0
    name_like: int = 0
    preference: int = 0          # +1 "legal/registered/full", -1 "short/display", 0 otherwise

    @property
    def fill_rate(self) -> float:
        return self.filled / self.rows if self.rows else 0.0

    @property
    def mean_length(self) -> float:
        return self.chars / self.filled if self.filled else 0.0

    @property
    def name_rate(self) -> float:
        return self.name_like / self.filled if self.filled else 0.0

    @property
    def score(self) -> float:
        """How likely this column is the client's full name (higher is better)."""
        return self.fill_rate * self.name_rate * (1 + min(self.mean_length, 40) / 40) + 0.2 * self.preference

    def describe(self) -> str:
        return (f"filled in {self.filled} of {self.rows} rows, {self.mean_length:.0f} characters on average, "
                f"{self.name_rate:.0%} read as names")


def looks_like_name(text: str) -> bool:
    """A cell that reads as a name ("Bank Melli Iran", "O'Neil, Mary") rather than a code ("ACMETRD01", "12-44")."""
    letters = sum(ch.isalpha() for ch in text)
    if letters < 2 or letters < 0.6 * sum(not ch.isspace() for ch in text):
        return False
    if " " not in text.strip() and (any(ch.isdigit() for ch in text) or "_" in text):
        return False
    # A code in front of the name ("V0108 Larkspur Print Works"): a word of letters and digits mixed.
    first = text.split()[0]
    if any(ch.isdigit() for ch in first) and any(ch.isalpha() for ch in first):
        return False
    return True


def _stats(index: int, header: str, data: list[list]) -> ColumnStats:
    words = set(header_key(header).split())
    pref = 1 if words & _PREFERRED else -1 if words & _SHORT else 0
    s = ColumnStats(index, header, preference=pref)
    for cells in data:
        s.rows += 1
        value = cells[index] if index < len(cells) else None
        text = "" if value is None else " ".join(str(value).split())
        if not text or is_placeholder(text):
            continue
        s.filled += 1
        s.chars += len(text)
        s.name_like += looks_like_name(text)
    return s


# --- the mapping --------------------------------------------------------------------------------------------------

class ClientFileError(ValueError):
    """A client file that cannot be read or mapped, with the file (and row) in the message."""


@dataclass
class Mapping:
    """Where the header is and which column holds each field (0-based), with the headers as written.

    ``columns`` holds one column per field (the chosen name, the first country); ``more`` the further columns of
    a field: the other country columns, and the other name columns that serve when the chosen one is empty.
    ``explain`` says why, in words; ``day_first`` how numeric birth dates are read.
    """

    header_row: int
    headers: list[str]
    columns: dict[str, int] = field(default_factory=dict)
    more: dict[str, list[int]] = field(default_factory=dict)
    explain: list[str] = field(default_factory=list)
    day_first: bool = True

    def all_columns(self, f: str) -> list[int]:
        """Every column of a field, the chosen one first."""
        return ([self.columns[f]] if f in self.columns else []) + list(self.more.get(f, ()))

    def header(self, i: int) -> str:
        return self.headers[i] or f"column {column_letter(i)}"

    def describe(self) -> list[str]:
        """Return "field <- header (column X)" lines, as shown before screening."""
        out = []
        for f, first in sorted(self.columns.items(), key=lambda kv: kv[1]):
            shown = [first] + (self.more.get(f, []) if f in MULTI else [])
            out.append(f"{f} <- " + ", ".join(f"{self.headers[i]!r} (column {column_letter(i)})" for i in shown))
        return out

    def to_dict(self) -> dict:
        """The mapping as stored with a run: field -> header, and the further columns by field."""
        out = {"header_row": self.header_row,
               "columns": {f: self.headers[i] for f, i in self.columns.items()}}
        more = {f: [self.headers[i] for i in cols] for f, cols in self.more.items() if cols}
        if more:
            out["more_columns"] = more
        return out


def column_letter(index: int) -> str:
    """Spreadsheet letters of a 0-based column index (0 -> A, 26 -> AA)."""
    out, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


Overrides = dict[str, "str | list[str] | None"]


def detect_mapping(rows: list[tuple[int, list]], overrides: Overrides | None = None,
                   file_name: str = "file") -> Mapping:
    """Find the header row among the first rows and map fields to columns.

    ``overrides`` maps field -> header (for ``country`` also a list of headers); field -> "" (or None) leaves a
    field unmapped even where a header names it. The name column is chosen by content among the headers that
    could be a name (see the module docstring).
    """
    overrides = dict(overrides or {})
    for f in overrides:
        if f not in FIELDS:
            raise ClientFileError(f"unknown field {f!r} in --column (fields: {', '.join(FIELDS)})")
    cleared = {f for f, v in overrides.items() if not v}
    chosen = {f: ([v] if isinstance(v, str) else list(v)) for f, v in overrides.items() if v}
    wanted = {header_key(h) for hs in chosen.values() for h in hs}
    best = None
    for number, cells in rows[:MAX_HEADER_SEARCH]:
        headers = ["" if c is None else str(c).strip() for c in cells]
        fields = [header_field(h) for h in headers]
        # Exact synonyms count fully, words inside a header half: a title row rarely holds several.
        hits = sum(1.0 if exact else 0.5 for f, exact in fields if f) + sum(header_key(h) in wanted for h in headers)
        if hits > 0 and (best is None or hits > best[0]):
            best = (hits, number, headers, fields)
    if best is None:
        seen = rows[0][1] if rows else []
        raise ClientFileError(f"{file_name}: no recognisable header row (first row: "
                           f"{', '.join(repr(str(c)) for c in seen if c not in (None, '')) or 'empty'})")
    _, number, headers, fields = best
    data = [cells for n, cells in rows if n > number][:SAMPLE_ROWS]
    keys = [header_key(h) for h in headers]
    by_field: dict[str, list[tuple[bool, int]]] = {}
    for i, (f, exact) in enumerate(fields):
        if f:
            by_field.setdefault(f, []).append((exact, i))
    _split_person_names(by_field, keys)
    m = Mapping(number, headers)
    for f, items in by_field.items():
        if f == "name":
            continue
        items.sort(key=lambda t: (not t[0], t[1]))          # exact synonyms first, then left to right
        if f == "client_id":
            items.sort(key=lambda t: _id_rank(keys[t[1]], t[0]))
        if f in ("country", "type"):
            items = _by_content(f, items, data, m)
            if not items:
                continue
        m.columns[f] = items[0][1]
        if f in MULTI and len(items) > 1:
            m.more[f] = sorted(i for _, i in items[1:])
    for f, hs in chosen.items():
        idx = []
        for h in hs:
            if header_key(h) not in keys:
                raise ClientFileError(f"{file_name}: no column {h!r} for {f} (headers: "
                                   f"{', '.join(repr(x) for x in headers if x)})")
            idx.append(keys.index(header_key(h)))
        if f != "name":
            m.columns[f] = idx[0]
            m.more.pop(f, None)
            if f in MULTI and len(idx) > 1:
                m.more[f] = idx[1:]
    for f in cleared:
        m.columns.pop(f, None)
        m.more.pop(f, None)
    if "name" not in cleared:
        _choose_name(m, [i for _, i in by_field.get("name", [])], data,
                     [keys.index(header_key(h)) for h in chosen.get("name", [])])
    if "name" not in m.columns and not ("first_name" in m.columns or "last_name" in m.columns):
        raise ClientFileError(f"{file_name}: row {number}: no name column among the headers "
                           f"{', '.join(repr(h) for h in headers if h)}; name one with --column name=HEADER")
    if "country" in m.columns and m.all_columns("country"):
        cols = m.all_columns("country")
        if len(cols) > 1:
            m.explain.append("country: " + ", ".join(repr(m.header(i)) for i in cols)
                             + ": all used, every country found in a row counts")
    if "birth_date" in m.columns:
        i = m.columns["birth_date"]
        m.day_first = day_first(cells[i] for cells in data if i < len(cells))
        if not m.day_first:
            m.explain.append(f"birth dates in {m.header(i)!r} read as month/day/year (some values, such as "
                             f"12/31, can only be read that way)")
    return m


def _split_person_names(by_field: dict, keys: list[str]) -> None:
    """"Nom" beside "Prénom" is the family name, "Nome" beside "Cognome" the given name."""
    names = by_field.get("name", [])
    for f, other, words in (("last_name", "first_name", ("nom", "name", "naam")),
                            ("first_name", "last_name", ("nome", "nombre", "name", "voornaam"))):
        if other in by_field and f not in by_field:
            hit = [t for t in names if keys[t[1]] in words]
            if hit:
                by_field[f] = hit[:1]
                names.remove(hit[0])
    if "name" in by_field and not names:
        del by_field["name"]


def _id_rank(key: str, exact: bool) -> tuple[int, bool]:
    words = set(key.split())
    return (0 if words & _ID_OWNERS else 1 if exact and "account" not in words else 2, not exact)


def _by_content(f: str, items: list[tuple[bool, int]], data: list[list], m: Mapping) -> list[tuple[bool, int]]:
    """Keep the country columns that hold countries, and the type column whose words are types (the best one)."""

    def share(i: int) -> float | None:
        values = [" ".join(str(c[i]).split()) for c in data if i < len(c) and c[i] not in (None, "")]
        values = [v for v in values if not is_placeholder(v)]
        if not values:
            return None
        if f == "country":
            ok = sum(bool(country_code(v) or all(country_code(p.strip()) for p in re.split(r"[;,/|]", v)
                                                 if p.strip())) for v in values)
        else:
            ok = 0
            for v in values:
                try:
                    ok += entity_type(v) != "unknown"
                except ValueError:
                    pass
        return ok / len(values)

    rated = [(t, share(t[1])) for t in items]
    # A column named exactly for countries stays even when its values are not read (each becomes a row note);
    # one found by a word inside its header must hold countries. A type column must hold type words.
    dropped = [(t, r) for t, r in rated if r is not None and r < (0.5 if f == "country" else 0.3)
               and not (f == "country" and t[0])]
    for t, r in dropped:
        m.explain.append(f"{f}: {m.header(t[1])!r} left out: {r:.0%} of its values read as "
                         f"{'countries' if f == 'country' else 'types (person, organization...)'}")
    for t, r in rated:
        if f == "country" and t[0] and r is not None and r < 0.5:
            m.explain.append(f"country: {m.header(t[1])!r}: only {r:.0%} of its values read as countries; the "
                             f"others are noted on their rows")
    kept = [(t, r) for t, r in rated if (t, r) not in dropped]
    if f == "type":
        kept.sort(key=lambda tr: -(tr[1] if tr[1] is not None else 0.3))
        return [t for t, _ in kept[:1]]
    return [t for t, _ in kept]


def _choose_name(m: Mapping, candidates: list[int], data: list[list], forced: list[int]) -> None:
    """Choose the name column by content; the other candidates serve where it is empty."""
    stats = {i: _stats(i, m.headers[i], data) for i in dict.fromkeys(forced + candidates)}
    if forced:
        order = forced + sorted((i for i in stats if i not in forced), key=lambda i: -stats[i].score)
        reason = "chosen by you"
    else:
        order = sorted(stats, key=lambda i: (-stats[i].score, i))
        if order and ("first_name" in m.columns or "last_name" in m.columns) and stats[order[0]].name_rate < 0.5:
            m.explain.append(f"name: {m.header(order[0])!r} holds codes more than names "
                             f"({stats[order[0]].describe()}); first and last name used instead")
            return
        reason = "the fullest name column"
    if not order:
        return
    # Only columns that hold names serve as fall-backs (not a column of codes such as "V0108 Larkspur").
    m.columns["name"], rest = order[0], [i for i in order[1:] if stats[i].name_rate >= 0.5 or i in forced]
    if not rest and not forced:
        return                   # the only candidate: nothing to explain
    m.more["name"] = rest
    s = stats[order[0]]
    line = f"name: {m.header(s.index)!r} (column {column_letter(s.index)}), {reason}: {s.describe()}"
    if s.preference > 0 and not forced:
        line += "; its header says a legal or full name"
    m.explain.append(line)
    for i in rest:
        o = stats[i]
        m.explain.append(f"  also a name: {m.header(i)!r} (column {column_letter(i)}): {o.describe()}"
                         + ("; its header says a short name" if o.preference < 0 else "")
                         + f"; read where {m.header(s.index)!r} is empty")
