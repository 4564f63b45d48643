"""The screening engine's data: what it is asked (a query), what it searches (records) and what it answers.

Pure dataclasses, no behaviour beyond validation of their own fields. Storage turns watchlist rows into
``Record`` objects; file readers turn client rows into ``Query`` objects; the engine returns ``Match`` objects.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

PERSON = "person"
ORGANIZATION = "organization"
VESSEL = "vessel"
AIRCRAFT = "aircraft"
UNKNOWN = "unknown"
ENTITY_TYPES = (PERSON, ORGANIZATION, VESSEL, AIRCRAFT, UNKNOWN)

# Type words as CRMs, KYC systems and lists write them, in the languages of our country synonyms (English, French,
# German, Spanish, Italian, Dutch, Portuguese); compared after ``type_key`` (case, accents and punctuation folded).
_TYPE_WORDS = {
    PERSON: """person persons individual individuals per people natural person natural persons natural np p i ind
        indiv indv private individual private individuals private person private client private customer private
        retail retail client retail customer consumer sole trader sole proprietor sole proprietorship self employed
        human personne physique personne particulier individu natürliche person natuerliche person privatperson
        privatkunde einzelperson einzelunternehmer persona fisica persona natural persona individuo particular
        privato natuurlijk persoon persoon particulier eenmanszaak pessoa fisica pessoa singular""",
    ORGANIZATION: """organization organisation organizations organisations org company companies co corp corporate
        corporates corporation business entity entities legal entity legalentity legal person legal persons non
        individual nonindividual non natural person e c o institution institutional financial institution fi bank
        credit institution fund investment fund trust trustee partnership llp lp llc ltd limited plc inc gmbh ag sa
        sarl bv nv spa srl foundation association charity ngo npo non profit nonprofit not for profit club
        cooperative co operative society government government body government entity government agency public
        body public sector public authority state owned enterprise soe sovereign municipality agency embassy spv
        special purpose vehicle firm enterprise group holding joint venture jv broker insurer corporate client
        commercial sme personne morale societe entreprise entite fondation juristische person unternehmen firma
        gesellschaft verein stiftung persona juridica empresa sociedad entidad compania fundacion asociacion
        persona giuridica societa azienda impresa ente fondazione associazione rechtspersoon bedrijf onderneming
        vennootschap stichting vereniging pessoa juridica pessoa coletiva airline airlines carrier shipowner
        manufacturer exporter importer""",
    VESSEL: "vessel vessels ship ships boat tanker yacht cargo ship marine vessel navire bateau schiff buque barco "
            "nave schip",
    AIRCRAFT: "aircraft airplane aeroplane plane jet helicopter aeronef avion flugzeug luftfahrzeug aeronave aereo "
              "aeromobile vliegtuig",
}
# Several words make one phrase: these are the phrases (the rest of each list is single words).
_TYPE_PHRASES = """natural person|natural persons|private individual|private individuals|private person|private client|
    private customer|retail client|retail customer|sole trader|sole proprietor|sole proprietorship|self employed|
    personne physique|natürliche person|natuerliche person|persona fisica|persona natural|natuurlijk persoon|
    pessoa fisica|pessoa singular|legal entity|legal person|legal persons|non individual|non natural person|
    financial institution|credit institution|investment fund|non profit|not for profit|co operative|government body|
    government entity|government agency|public body|public sector|public authority|state owned enterprise|
    special purpose vehicle|joint venture|corporate client|personne morale|juristische person|persona juridica|
    persona giuridica|pessoa juridica|pessoa coletiva|cargo ship|marine vessel"""


def type_key(value: object) -> str:
    """Fold a type word for lookup: accents, case and punctuation away ("Ind." -> "ind", "Société" -> "societe")."""
    text = unicodedata.normalize("NFKD", str(value or ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def _type_synonyms() -> dict[str, str]:
    phrases = {type_key(p) for p in _TYPE_PHRASES.split("|")}
    out = {"unknown": UNKNOWN, "": UNKNOWN, "0": UNKNOWN, "other": UNKNOWN, "others": UNKNOWN}   # "-0-": OFAC
    for etype, words in _TYPE_WORDS.items():
        text = type_key(words)
        for phrase in sorted(phrases, key=len, reverse=True):      # "non natural person" before "natural person"
            if f" {phrase} " in f" {text} ":
                out[phrase] = etype
                text = f" {text} ".replace(f" {phrase} ", " ")
        out.update((w, etype) for w in text.split())
    return out


_TYPE_SYNONYMS = _type_synonyms()
_TYPE_SYNONYMS.update({"fisica": PERSON, "physique": PERSON, "physical": PERSON, "personal": PERSON,
                       "juridica": ORGANIZATION, "juridique": ORGANIZATION, "morale": ORGANIZATION,
                       "giuridica": ORGANIZATION, "aktiebolag": ORGANIZATION, "ab": ORGANIZATION,
                       "gov": ORGANIZATION, "govt": ORGANIZATION})
# Words too short or too vague to decide a type inside a longer description.
_WEAK_TYPE_WORDS = {w for w in _TYPE_SYNONYMS if len(w) <= 2} | {"private", "group", "business", "commercial",
                                                                 "other", "others", "unknown", "0", "persona",
                                                                 "personne", "person", "persoon", "pessoa"}
# An organisation's legal form outweighs "private" or "person" in the same description.
_ORG_FORM_WORDS = {"company", "limited", "ltd", "llc", "plc", "inc", "corporation", "partnership", "trust",
                   "foundation", "gmbh", "juridica", "juridique", "morale", "giuridica"}


def entity_type(value: str | None) -> str:
    """Map a type as written in files ("Individual", "Corp.", "Personne morale", "E"...) to one of ``ENTITY_TYPES``.

    Raise ``ValueError`` naming the value when it is not recognised.
    """
    key = type_key(value)
    if key in _TYPE_SYNONYMS:
        return _TYPE_SYNONYMS[key]
    # A longer description ("Private company limited by shares", "Corporate (PIC)", "Persona Física"): its words.
    words = set(key.split())
    kinds = {_TYPE_SYNONYMS[w] for w in words - _WEAK_TYPE_WORDS if w in _TYPE_SYNONYMS} - {UNKNOWN}
    if len(kinds) == 1:
        return kinds.pop()
    if kinds == {PERSON, ORGANIZATION} and words & _ORG_FORM_WORDS:
        return ORGANIZATION
    raise ValueError(f"unknown entity type {value!r} (use person, organization, vessel, aircraft or unknown)")


@dataclass(frozen=True)
class Record:
    """One watchlist entity as the engine sees it: its names (primary first) and comparable attributes."""

    id: str
    names: tuple[str, ...]
    type: str = UNKNOWN
    countries: tuple[str, ...] = ()        # ISO 3166 alpha-2, lower case
    birth_dates: tuple[str, ...] = ()      # "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    source: str = ""                       # "news", "ofac-sdn", "csv:<file>"...
    # Weak country evidence: places of birth, a person's address countries. A query country among them supports a
    # little; one that is not is no conflict (``scoring.compare_country_hints``).
    country_hints: tuple[str, ...] = ()


@dataclass(frozen=True)
class Query:
    """A name to screen, with the attributes the client file gave (all optional)."""

    name: str
    type: str = UNKNOWN
    countries: tuple[str, ...] = ()
    birth_date: str | None = None


@dataclass(frozen=True)
class Reason:
    """One finding behind a score, in a sentence a reviewer can read.

    ``outcome`` is "match", "partial", "conflict", "unknown" or "info"; ``score`` is the finding's own 0..1 value.
    """

    feature: str
    outcome: str
    text: str
    score: float = 0.0


@dataclass(frozen=True)
class Match:
    """The engine's answer for one query and one record: a 0..1 score, the name that matched, and why."""

    record_id: str
    score: float
    query_name: str
    matched_name: str
    reasons: tuple[Reason, ...] = ()
    name_score: float = 0.0
    record_type: str = UNKNOWN
    algorithm: str = ""

    def explain(self) -> list[str]:
        """Return the reasons as plain sentences, strongest finding first."""
        return [r.text for r in self.reasons]


@dataclass(frozen=True)
class Skipped:
    """A query the engine did not screen, with the reason in words (empty name, digits only...)."""

    query_name: str
    reason: str
