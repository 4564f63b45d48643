"""Turn a raw name into its comparable forms: the one place where names are normalised.

Pure: the standard library, rigour (OpenSanctions' name library), normality and jellyfish. Everything else in the
engine consumes the ``NameForm`` built here:

- transliteration to ASCII (rigour first, ICU through normality for the scripts rigour leaves alone; Hangul is
  romanised syllable by syllable so that "김정은" gives "gim jeong eun", not one word);
- casefold, punctuation, diacritics, apostrophes ("Qa'ida" = "Qaida"), "&" = "and";
- honorifics and titles dropped (rigour's person prefixes plus the ones sanctions lists use);
- company legal forms folded to one canonical class across jurisdictions (rigour: "Co., Ltd." = "LLC" = "OOO";
  "AG" = "S.A." = "PLC" = "JSC") and kept apart from the name's own words;
- per word: a weight (particles and generic company words count less), rigour's name symbols (Qaddafi /
  Gadhafi, Bill / William), nicknames, a phonetic key and a consonant skeleton.

``name_key`` (the watchlist's consolidation key) lives here too.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from normality import ascii_text

MAX_NAME_CHARS = 300       # longer inputs are cut here; names are never this long, addresses pasted in are
MAX_WORDS = 12

_POSSESSIVE = re.compile(r"['’]s?$")
_LEADING_THE = re.compile(r"^(?:the\s+)+", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w\s]+", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_SPLIT = re.compile(r"[^a-z0-9]+")
_APOSTROPHES = re.compile(r"[`'’‘ʼʻ´]")
_BRACKETS = re.compile(r"\(([^()]*)\)")


def to_ascii(text: str) -> str:
    """Transliterate to ASCII (Cyrillic, Greek, Arabic, Hebrew, CJK... through ICU), keeping letters and digits."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text)
    text = _romanise_hangul(text)
    if text.isascii():
        return text
    from rigour.text.translit import maybe_ascii
    out = maybe_ascii(text)
    if not out.isascii():
        out = ascii_text(out) or out
    return out


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Return the comparable key of a name: ASCII, casefolded, no punctuation, no leading "the" or trailing "'s"."""
    name = _POSSESSIVE.sub("", " ".join(name.split()))
    name = to_ascii(name).casefold()
    name = name.replace("&", " and ")
    name = _NON_WORD.sub(" ", name.replace("'", "").replace(".", ""))
    name = " ".join(name.split())
    name = _LEADING_THE.sub("", name)
    return " ".join(name.split())


# --- Hangul ---------------------------------------------------------------------------------------------------
# Revised Romanisation, syllable by syllable (Unicode composes Hangul syllables arithmetically from jamo).
_L = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"]
_V = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu",
      "eu", "ui", "i"]
_T = ["", "k", "k", "ks", "n", "nj", "nh", "t", "l", "lk", "lm", "lb", "ls", "lt", "lp", "lh", "m", "p", "ps", "t",
      "t", "ng", "t", "t", "k", "t", "p", "t"]


def _romanise_hangul(text: str) -> str:
    if not any("\uac00" <= ch <= "\ud7a3" for ch in text):
        return text
    out = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            lead, rest = divmod(code, 588)
            vowel, tail = divmod(rest, 28)
            out.append(" " + _L[lead] + _V[vowel] + _T[tail])
        else:
            out.append(ch)
    return "".join(out)


# --- word lists -----------------------------------------------------------------------------------------------

PARTICLES = frozenset(
    "al el ul al- bin ibn bint binti ben ould bou abd van von der den de da di du la le del della dos das do ter ten "
    "y e af zu st mac".split()
)
# Words that describe what a company is rather than which one it is.
GENERIC_ORG = frozenset(
    "company co companies corporation corp corporate incorporated trading trade traders international intl "
    "group grp holding holdings bank banking of the and for in & services service industries industry industrial "
    "enterprise enterprises general national global investment investments development management manufacturing "
    "technologies technology tech solutions systems partners associates association foundation fund trust "
    "capital financial finance commercial import export importers exporters shipping logistics agency "
    "organization organisation institute center centre office ministry department committee council "
    "unlimited limited ltd inc llc plc sa ag gmbh jsc llp lp sarl srl bv nv oy ab as kg co. "
    "establishment est sons brothers bros".split()
)
# Titles sanctions lists and client files write before names, beyond rigour's person prefixes.
TITLES = frozenset(
    "mr mrs ms miss mx dr prof sir dame lord lady sheikh shaikh sheik shaykh haji hajji hadji mullah mulla maulana "
    "maulvi mawlawi mufti imam sayyid sayed general gen col colonel maj major capt captain lt lieutenant brig "
    "brigadier adm admiral sgt cmdr commander hon honourable honorable rev reverend fr father sen senator rep "
    "president minister judge justice his her excellency he prince princess king queen emir amir qari".split()
)
SUFFIXES = frozenset("jr sr ii iii iv phd md esq qc mp".split())
# Common abbreviations of company words; other abbreviations are found by their letters ("IND." ~ "industrial").
ABBREVIATIONS = {
    "intl": "international", "natl": "national", "corp": "corporation", "co": "company", "mfg": "manufacturing",
    "dev": "development", "ind": "industrial", "inds": "industries", "bros": "brothers", "assn": "association",
    "assoc": "associates", "svcs": "services", "svc": "service", "tech": "technology", "mgmt": "management",
    "invt": "investment", "grp": "group", "hldgs": "holdings", "ltd": "limited", "inc": "incorporated",
    "dept": "department", "govt": "government", "univ": "university", "inst": "institute", "st": "saint",
}
VOWELS = frozenset("aeiou")


@lru_cache(maxsize=1)
def _nicknames() -> dict[str, frozenset[str]]:
    """Map each given name and nickname to the formal names it may stand for (CC0 list, see data/README.md)."""
    groups: dict[str, set[str]] = {}
    text = (resources.files("screening") / "data" / "diminutives.csv").read_text(encoding="utf-8")
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(",") if p.strip()]
        if len(parts) < 2:
            continue
        formal = parts[0]
        for p in parts:
            groups.setdefault(p, set()).add(formal)
    return {k: frozenset(v) for k, v in groups.items()}


@lru_cache(maxsize=8)
def _person_prefix_remover():
    from rigour.names import remove_person_prefixes
    return remove_person_prefixes


# --- the word and the name ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Word:
    """One word of a name with everything the scorer compares it by."""

    text: str
    weight: float
    symbols: frozenset[str]     # rigour NAME/NICK symbol ids and our nickname groups
    phonetic: str
    skeleton: str               # consonants only, doubles collapsed: for names written in abjads
    abbreviation: bool          # written with a period or known short form: may stand for a longer word
    numeric: bool

    @property
    def substantive(self) -> bool:
        return self.weight >= 0.5


@dataclass(frozen=True, slots=True)
class NameForm:
    """A name ready for comparison: its words (legal forms apart), type, and how it was written."""

    original: str
    type: str
    words: tuple[Word, ...]
    legal: tuple[str, ...]       # canonical legal-form classes ("llc", "jsc"...)
    transliterated: bool         # written in another script than Latin
    abjad: bool                  # written in Arabic or Hebrew script (vowels mostly unwritten)
    joined: str                  # the words run together, in written order
    script: str = ""             # Unicode script when not Latin ("CYRILLIC", "CJK"...)
    native: tuple[str, ...] = () # words (characters for CJK, Hangul...) in the original script

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def substantive(self) -> int:
        return sum(1 for w in self.words if w.substantive)

    @property
    def weight(self) -> float:
        return sum(w.weight for w in self.words)


class UnscreenableName(ValueError):
    """A name that cannot be screened, with the reason in words."""


def problem(name: object) -> str | None:
    """Return why this name cannot be screened (empty, no letters...), or None when it can."""
    if name is None or not isinstance(name, str):
        return "no name"
    clean = _CONTROL.sub(" ", name).strip()
    if not clean:
        return "empty name"
    if not any(ch.isalpha() for ch in clean):
        if any(ch.isdigit() for ch in clean):
            return "name has only digits and punctuation"
        return "name has no letters"
    return None


@lru_cache(maxsize=200_000)
def analyze(name: str, type: str = "unknown") -> NameForm:
    """Return the comparable form of a raw name; raise ``UnscreenableName`` (with the reason) when it has none."""
    reason = problem(name)
    if reason:
        raise UnscreenableName(reason)
    text = _CONTROL.sub(" ", name)[:MAX_NAME_CHARS]
    text = unicodedata.normalize("NFC", text)
    script = _script(text)
    abjad = script in ("ARABIC", "HEBREW", "SYRIAC")
    # Bracketed asides ("ICBC (Asia) Limited") are part of the name for companies, noise for people.
    text = _BRACKETS.sub(lambda m: " " + m.group(1) + " ", text)
    folded = _APOSTROPHES.sub("", text.casefold()).replace("&", " and ")
    legal: tuple[str, ...] = ()
    if type != "person":
        # Series numerals first, or rigour reads "II, Inc." as a legal form.
        folded = _ROMAN_WORD.sub(lambda m: str(_roman(m.group(0)) or m.group(0)), folded)
        from rigour.names import extract_org_types, remove_org_types
        found = extract_org_types(folded, generic=True)
        if found:
            legal = tuple(sorted({cls for _, cls in found}))
            folded = remove_org_types(folded, replacement=" ")
    native: tuple[str, ...] = ()
    if script:
        native = tuple(_native_tokens(folded, script))[:MAX_WORDS * 2]
    ascii_ = to_ascii(folded).casefold()
    acronyms = {m.group(0).replace(".", "") for m in _ACRONYM.finditer(ascii_)}
    ascii_ = _ACRONYM.sub(lambda m: " " + m.group(0).replace(".", "") + " ", ascii_)
    abbrevs = {m.group(1) for m in re.finditer(r"\b([a-z]{1,6})\.", ascii_)} | acronyms
    tokens = [t for t in _SPLIT.split(ascii_) if t]
    if type != "organization":
        # Titles only count as titles before the name ("General Qasem Soleimani", not "General Electric").
        while len(tokens) > 1 and tokens[0] in TITLES:
            tokens = tokens[1:]
        while len(tokens) > 1 and tokens[-1] in SUFFIXES:
            tokens = tokens[:-1]
    tokens = _numbers(tokens, type)
    if not tokens:
        tokens = [t for t in _SPLIT.split(to_ascii(text).casefold()) if t] or ["?"]
    tokens = tokens[:MAX_WORDS]
    words = tuple(_word(t, type, t in abbrevs) for t in tokens)
    if not any(w.substantive for w in words):
        # A name made only of generic words ("Management Company") is compared on all of them.
        words = tuple(_reweigh(w) for w in words)
    return NameForm(original=name, type=type, words=words, legal=legal, transliterated=bool(script),
                    abjad=abjad, joined="".join(tokens), script=script, native=native)


_ROMAN_WORD = re.compile(r"(?<![\w.])(?:ii|iii|iv|vi|vii|viii|ix|xi|xii|xiii|xiv|xv|xvi|xx)(?![\w.])")
_ACRONYM = re.compile(r"\b(?:[a-z]\.){2,}(?![a-z])")
_SYLLABIC = ("CJK", "HANGUL", "HIRAGANA", "KATAKANA", "YI", "THAI", "LAO", "KHMER", "MYANMAR", "TIBETAN")


def _script(text: str) -> str:
    """Return the Unicode script of the first letter outside Latin ("CYRILLIC", "CJK"...), or "" if all Latin."""
    if text.isascii():
        return ""
    for ch in text:
        if ch.isalpha() and not ch.isascii():
            first = unicodedata.name(ch, "").split(" ")[0]
            if first != "LATIN":
                return first
    return ""


def _native_tokens(folded: str, script: str) -> list[str]:
    words = [w for w in re.split(r"[\W_]+", folded) if w]
    if script in _SYLLABIC:
        # Names in these scripts are often written without spaces: compare character by character.
        return [ch for w in words for ch in w]
    return words


_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if i > 1}
_TENS["fourty"] = 40
_ORDINALS = {w: i + 1 for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split())}
_ROMAN = re.compile(r"^(?=[ivxl]{1,6}$)(l?x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50}
_ORDINAL_SUFFIX = re.compile(r"^(\d+)(?:st|nd|rd|th)$")


def _roman(token: str) -> int | None:
    if not _ROMAN.match(token):
        return None
    total = prev = 0
    for ch in reversed(token):
        v = _ROMAN_VALUES[ch]
        total += -v if v < prev else v
        prev = max(prev, v)
    return total or None


def _numbers(tokens: list[str], type: str) -> list[str]:
    """Write numbers one way: "forty-four" = "44", "first" = "1st" = "1", "III" = "3" (not in person names)."""
    out: list[str] = []
    for t in tokens:
        m = _ORDINAL_SUFFIX.match(t)
        if m:
            out.append(m.group(1))
        elif t in _UNITS or (len(t) == 1 and t.isdigit()):
            value = _UNITS[t] if t in _UNITS else int(t)
            if out and out[-1].isdigit() and out[-1].endswith("0") and len(out[-1]) == 2 and 0 < value < 10:
                out[-1] = str(int(out[-1]) + value)
            else:
                out.append(str(value))
        elif t in _TENS:
            out.append(str(_TENS[t]))
        elif t in _ORDINALS and type != "person":
            out.append(str(_ORDINALS[t]))
        elif type != "person" and len(out) >= 1 and _roman(t):
            out.append(str(_roman(t)))
        else:
            out.append(t)
    return out


def _reweigh(w: Word) -> Word:
    keep = w.text in PARTICLES or w.numeric
    return Word(w.text, w.weight if keep else max(w.weight, 0.5), w.symbols, w.phonetic,
                w.skeleton, w.abbreviation, w.numeric)


@lru_cache(maxsize=200_000)
def _word(token: str, type: str, dotted: bool) -> Word:
    numeric = token.isdigit()
    if token in PARTICLES and type != "organization":
        weight = 0.2
    elif numeric:
        weight = 0.3     # series numbers ("Fund III" / "Fund IV") tell siblings apart, they do not make a name
    elif type != "person" and token in GENERIC_ORG:
        weight = 0.3
    elif len(token) == 1:
        weight = 0.5
    else:
        weight = 1.0
    abbreviation = (dotted and len(token) >= 2) or (type != "person" and token in ABBREVIATIONS)
    return Word(token, weight, _symbols(token), _phonetic(token), skeleton(token), abbreviation, numeric)


@lru_cache(maxsize=200_000)
def _symbols(token: str) -> frozenset[str]:
    if len(token) < 2 or token.isdigit():
        return frozenset()
    out = {"nick:" + f for f in _nicknames().get(token, ())}
    for sym in _rigour_symbols(token):
        out.add(sym)
    return frozenset(out)


def _rigour_symbols(token: str) -> list[str]:
    from rigour.names import NameTypeTag, analyze_names
    names = analyze_names(NameTypeTag.PER, [token], phonetics=False, numerics=False, consolidate=False)
    out = []
    for n in names:
        for span in n.spans:
            cat = span.symbol.category.value
            if cat in ("NAME", "NICK") and len(span.parts) == 1:
                out.append(f"{cat.lower()}:{span.symbol.id}")
    return out


@lru_cache(maxsize=200_000)
def _phonetic(token: str) -> str:
    import jellyfish
    if token.isdigit() or len(token) < 2:
        return token
    return jellyfish.metaphone(token)


def skeleton(token: str) -> str:
    """Return the consonants of a word with doubles collapsed ("mohammed" -> "mhmd")."""
    out = []
    for ch in token:
        if ch in VOWELS or ch in "yw":
            continue
        if out and out[-1] == ch:
            continue
        out.append(ch)
    return "".join(out)
