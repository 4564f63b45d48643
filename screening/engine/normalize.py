"""Turn a raw name into its comparable forms: the one place where names are normalised.

Pure: the standard library, rigour (OpenSanctions' name library), normality and jellyfish. Everything else in the
engine consumes the ``NameForm`` built here:

- transliteration to ASCII (rigour first, ICU through normality for the scripts rigour leaves alone; Hangul is
  romanised syllable by syllable so that "김정은" gives "gim jeong eun", not one word);
- casefold, punctuation, diacritics, apostrophes ("Qa'ida" = "Qaida"), "&" = "and";
- honorifics and titles dropped (rigour's person prefixes plus the ones sanctions lists use);
- company legal forms folded to one canonical class across jurisdictions (rigour: "Co., Ltd." = "LLC" = "OOO";
  "AG" = "S.A." = "PLC" = "JSC") and kept apart from the name's own words;
- per word: a weight (particles and generic company words count less), rigour's name symbols (Muammar /
  Moammar, Bill / William; from a table built once from rigour's tagger, ``data/rigour_name_symbols.tsv.gz``),
  nicknames, a phonetic key and a consonant skeleton;
- symbols for names across languages and spellings: given-name families (Alexandros / Aleksandr / Iskandar), a
  key of German, French and English transcription conventions (Chodorkowski / Khodorkovsky), and the keys of a
  Korean syllable in both romanisations (jeong / chung);
- pinyin tone numbers dropped ("Li3 Ke4qiang2"); Arabic compounds of "abd" written as one word
  (``abd_spelling``: Abd al-Rahman, Abdul Rahman -> "abdulrahman"), an alternative spelling the scorer also tries.

Other readings of a name (Han read in Korean or Japanese, kana, short Hebrew words) are in ``readings``.

``name_key`` (the watchlist's consolidation key) lives here too.
"""
from __future__ import annotations

import gzip
import io
import re
import unicodedata
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from normality import ascii_text

# Cache sizes, in entries, measured with benchmarks/cache_sizes.py (table in benchmarks/README.md): near the plateau
# of the hit rate on 20,000 queries against OFAC, with memory bounded in long runs (least recently used go first).
ANALYZE_CACHE = 30_000   # names (a batch run meets each client name once; the scorer meets list names again)
WORD_CACHE = 60_000      # words of a name with their type (``_word``)
TOKEN_CACHE = 30_000     # per word: symbols, phonetic key, consonant classes (called when ``_word`` misses)
KEY_CACHE = 1_024        # spelling-convention and Korean syllable keys: computed once per ``_symbols`` miss

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
    """Transliterate to ASCII (Cyrillic, Greek, Arabic, Hebrew, CJK... through ICU), keeping letters and digits.

    Hebrew is read by our own table (geresh letters, vowel letters); Hangul by Revised Romanisation and Han through
    ICU, each native word kept whole ("루트비히" -> "ruteubihi") except a lone unspaced name of 2 to 4 syllables
    ("김정은" -> "gim jeong eun"). The apostrophes and question marks ICU writes for aleph, ayin and hamza never
    split a word.
    """
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text)
    text = _NAME_DOTS.sub(" ", text)
    text = _romanise_hebrew(text)
    text = _arabic_letters(text)
    text = _romanise_east_asian(text)
    if text.isascii():
        return text
    # imported on first use, for start-up speed: rigour takes ~80 ms to import
    from rigour.text.translit import maybe_ascii
    out = maybe_ascii(text)
    if not out.isascii():
        out = ascii_text(out) or out
    return _GLOTTAL.sub("", out)


_NAME_DOTS = re.compile(r"[·・‧•･]")   # "乔治·华盛顿": the dot between the words of a transcribed foreign name
_GLOTTAL = re.compile(r"[?'ʼʻ`]")


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


# --- Hebrew ---------------------------------------------------------------------------------------------------
# Geresh letters first: the apostrophe after them is part of the letter ("ג'ורג'" = George), and the name
# normaliser strips apostrophes before it transliterates (see ``analyze``).
_GERESH_LETTERS = {"ג": "j", "ז": "zh", "צ": "ch", "ץ": "ch", "ת": "th", "ח": "kh", "ד": "dh", "ע": "gh"}
_GERESH = re.compile("([" + "".join(_GERESH_LETTERS) + "])[\u05f3'’‘ʼ`´]")
_HEBREW_LETTERS = {
    "א": "a", "ב": "b", "ג": "g", "ד": "d", "ה": "h", "ו": "o", "ז": "z", "ח": "h", "ט": "t", "י": "i", "כ": "kh",
    "ך": "kh", "ל": "l", "מ": "m", "ם": "m", "נ": "n", "ן": "n", "ס": "s", "ע": "a", "פ": "p", "ף": "f", "צ": "ts",
    "ץ": "ts", "ק": "k", "ר": "r", "ש": "sh", "ת": "t",
}
_HEBREW_SOFT = {"פ": "f"}
_HEBREW_WORD = re.compile(r"[\u05d0-\u05eaa-z]+")


def _hebrew_geresh(text: str) -> str:
    """Write the Hebrew letters marked with a geresh as their Latin sound ("ג'" -> "j"), before apostrophes go."""
    if not any("\u05d0" <= ch <= "\u05ea" for ch in text):
        return text
    return _GERESH.sub(lambda m: _GERESH_LETTERS[m.group(1)], text)


def _romanise_hebrew(text: str) -> str:
    if not any("\u0590" <= ch <= "\u05ff" for ch in text):
        return text
    text = _hebrew_geresh(text)
    # Points (niqqud, cantillation) go; maqaf and geresh/gershayim left over are separators or nothing.
    text = "".join(ch for ch in text if not ("\u0591" <= ch <= "\u05c7"))
    text = text.replace("\u05be", " ").replace("\u05f3", "").replace("\u05f4", "")
    return _HEBREW_WORD.sub(lambda m: _hebrew_word(m.group(0)), text)


def _hebrew_word(word: str) -> str:
    out = []
    n = len(word)
    i = 0
    while i < n:
        ch = word[i]
        nxt = word[i + 1] if i + 1 < n else ""
        if ch not in _HEBREW_LETTERS:
            out.append(ch)
        elif ch == "ו":
            if nxt == "ו":                       # double vav: a consonant, "w" at the start (Washington), else "v"
                out.append("w" if i == 0 else "v")
                i += 1
            else:
                out.append("v" if i == 0 else "o")
        elif ch == "י":
            if nxt == "י":
                out.append("y")
                i += 1
            else:
                out.append("y" if i == 0 else "i")
        elif ch == "א" and i == 0 and nxt in "וי" and n > 2:
            pass                                 # aleph carrying a vowel letter: "אוסקר" = "oskr", "אילזה" = "ilza"
        elif ch == "כ" and i == 0:
            out.append("k")
        elif ch == "ה" and i == n - 1 and n > 1:
            out.append("a")                      # word-final he is a vowel (Moshe, Sarah, Golda, Tanya)
        elif ch in _HEBREW_SOFT and i > 0:
            out.append(_HEBREW_SOFT[ch])         # inside a word mostly "f" (Ephraim, Alfasi)
        else:
            out.append(_HEBREW_LETTERS[ch])
        i += 1
    return "".join(out)


# --- Arabic ---------------------------------------------------------------------------------------------------
# Ta marbuta is read as the vowel it ends ("فاطمة" -> "fatma", not "fatmt"); ayin as a vowel and hamza alone as
# nothing, so that neither splits a word ("سعيد" -> "sayd", not "s" + "yd"); alif maqsura as "a" (Musa, Mustafa).
_ARABIC_LETTERS = str.maketrans({"ة": "a", "ع": "a", "ء": "", "ى": "a"})


def _arabic_letters(text: str) -> str:
    if not any("\u0600" <= ch <= "\u06ff" for ch in text):
        return text
    return text.translate(_ARABIC_LETTERS)


# --- Hangul and Han -------------------------------------------------------------------------------------------
# Revised Romanisation, syllable by syllable (Unicode composes Hangul syllables arithmetically from jamo).
_L = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"]
_V = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu",
      "eu", "ui", "i"]
_T = ["", "k", "k", "ks", "n", "nj", "nh", "t", "l", "lk", "lm", "lb", "ls", "lt", "lp", "lh", "m", "p", "ps", "t",
      "t", "ng", "t", "t", "k", "t", "p", "t"]
# Korean surnames that are a bare vowel in Revised Romanisation, written as they usually are in Latin letters.
_HANGUL_SURNAME = {"이": "yi", "오": "oh", "우": "woo"}
_EAST_ASIAN_WORD = re.compile(r"[\uac00-\ud7a3\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN_OR_OTHER = re.compile(r"[^\W\d_]")


def _is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3"


def _hangul_syllable(ch: str) -> str:
    code = ord(ch) - 0xAC00
    lead, rest = divmod(code, 588)
    vowel, tail = divmod(rest, 28)
    return _L[lead] + _V[vowel] + _T[tail]


@lru_cache(maxsize=65536)
def _han_syllable(ch: str) -> str:
    return (ascii_text(ch) or "").replace(" ", "")


def _han_word(word: str) -> str:
    """Romanise a Han word kept whole: its pinyin run together ("古普塔" -> "guputa")."""
    return "".join(_han_syllable(ch) for ch in word)


def _lone_personal_name(word: str, text: str) -> bool:
    """True when ``word`` is the whole name, 2 to 4 syllables, read as an East Asian personal name."""
    if not 2 <= len(word) <= 4 or text.strip() != word:
        return False
    if _is_hangul(word[0]):
        return all(_is_hangul(ch) for ch in word)
    if any(_is_hangul(ch) for ch in word):
        return False
    # Han: a Chinese surname first, and not a foreign name spelt in transcription characters ("古普塔" = Gupta).
    if word[0] not in CHINESE_SURNAMES:
        return False
    return len(word) == 2 or not all(ch in TRANSCRIPTION_HAN for ch in word[1:])


def _romanise_east_asian(text: str) -> str:
    if not _EAST_ASIAN_WORD.search(text):
        return text

    def word(m: re.Match) -> str:
        w = m.group(0)
        syllables = [_hangul_syllable(ch) if _is_hangul(ch) else _han_syllable(ch) for ch in w]
        if _lone_personal_name(w, text):
            if _is_hangul(w[0]) and w[0] in _HANGUL_SURNAME:
                syllables[0] = _HANGUL_SURNAME[w[0]]
            return " " + " ".join(syllables) + " "
        if _is_hangul(w[0]):
            syllables = _hangul_loanword(w, syllables)
            return " " + "".join(syllables) + " "
        return " " + _han_word(w) + " "
    return _EAST_ASIAN_WORD.sub(word, text)


def _hangul_loanword(word: str, syllables: list[str]) -> list[str]:
    """Read a Hangul word the way foreign names are transcribed into it: "ㄹㄹ" is "ll" (셀라 "sella"), and the
    vowel "eu" written only to carry a lone consonant is dropped (그랜트 "graent", 스피비 "spibi")."""
    out = list(syllables)
    for i, ch in enumerate(word):
        if not _is_hangul(ch):
            continue
        code = ord(ch) - 0xAC00
        lead, rest = divmod(code, 588)
        vowel, tail = divmod(rest, 28)
        if vowel == 18 and tail == 0 and lead != 11 and len(word) > 1:     # 트 스 드 브 크 (not 으)
            out[i] = _L[lead]
        if i and lead == 5 and out[i - 1].endswith("l") and out[i].startswith("r"):
            out[i] = "l" + out[i][1:]
    return out


def _east_asian_classes(text: str) -> dict[str, str]:
    """Return the consonant classes of the romanised words of a name written in Hangul or Han, by word.

    A word that is a single syllable ("gim", "jeong", "eun") gets none (""): its two or three consonants say too
    little. A whole Han word gets the classes of its pinyin read the way foreign names are transcribed (x = s,
    q = ch, zh = j, c = ts).
    """
    out: dict[str, str] = {}
    text = unicodedata.normalize("NFC", _NAME_DOTS.sub(" ", text))
    for m in _EAST_ASIAN_WORD.finditer(text):
        w = m.group(0)
        if len(w) == 1 or _lone_personal_name(w, text):
            for i, ch in enumerate(w):
                if _is_hangul(ch):
                    out[_HANGUL_SURNAME[ch] if i == 0 and ch in _HANGUL_SURNAME and len(w) > 1
                        else _hangul_syllable(ch)] = ""
                else:
                    out[_han_syllable(ch)] = ""
        elif not any(_is_hangul(ch) for ch in w):
            roman = _han_word(w)
            out.setdefault(roman, consonant_classes(_fold_pinyin(roman)))
    return out


def _fold_pinyin(text: str) -> str:
    return _PINYIN_C.sub("ts", text.replace("zh", "j")).replace("x", "s").replace("q", "ch")


_PINYIN_C = re.compile(r"c(?!h)")

# --- consonant classes ----------------------------------------------------------------------------------------
# Letters that scripts and romanisations swap for one another fall in one class: b/p/f/v, c/g/j/k/q, s/z, d/t,
# l/r, m/n. Vowels, h, w and y carry no class. Two words of a transliterated pair with the same classes in the
# same order are one name heard through two writing systems ("buccille" / "bukkill", "beethoven" / "betoben").
_CLASS_DIGRAPHS = (("sch", "s"), ("ch", "k"), ("kh", "k"), ("gh", "k"), ("ck", "k"), ("qu", "k"), ("sh", "s"),
                   ("zh", "k"), ("ts", "s"), ("tz", "s"), ("th", "d"), ("ph", "b"))
_CLASS_OF = {**{c: "b" for c in "bpfv"}, **{c: "k" for c in "cgjkq"}, **{c: "s" for c in "sz"},
             **{c: "d" for c in "dt"}, **{c: "l" for c in "lr"}, **{c: "m" for c in "mn"}, "x": "ks"}


@lru_cache(maxsize=TOKEN_CACHE)
def consonant_classes(text: str) -> str:
    """Return the consonant classes of a word, doubles collapsed ("washington" -> "smkdm", "george" -> "klk")."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        for dg, cls in _CLASS_DIGRAPHS:
            if text.startswith(dg, i):
                i += len(dg)
                break
        else:
            cls = _CLASS_OF.get(text[i], "")
            i += 1
        for c in cls:
            if not out or out[-1] != c:
                out.append(c)
    return "".join(out)


def word_classes(w: "Word") -> str:
    """Return the consonant classes of a word ("" for a lone East Asian syllable)."""
    return consonant_classes(w.text) if w.classes is None else w.classes


CHINESE_SURNAMES = frozenset(
    "王李张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何高林罗羅郑鄭梁谢謝宋唐许許韩韓冯馮邓鄧曹彭曾肖萧蕭田董袁潘于蒋蔣"
    "蔡余杜叶葉程苏蘇魏吕呂丁任沈姚卢盧姜崔钟鍾谭譚陆陸汪范金石廖贾賈夏韦韋付方白邹鄒孟熊秦邱江尹薛闫閻段雷侯龙龍史陶黎贺賀"
    "顾顧毛郝龚龔邵万萬钱錢严嚴覃武戴莫孔向汤湯习習温溫胥温柳常乔喬易骆駱"
)
# Characters Chinese uses to transcribe foreign names (the core of the Xinhua table, simplified and traditional).
TRANSCRIPTION_HAN = frozenset(
    "阿埃艾爱愛安昂奥奧巴拜班邦保鲍鮑贝貝本比彼毕畢宾賓波伯博布查達达戴丹当當道德登迪蒂丁东東杜敦多厄恩尔爾法凡范菲费費芬丰豐"
    "夫弗福富盖蓋甘冈岡戈格贡貢古瓜圭哈海汉漢豪赫亨洪胡华華霍基吉加贾賈杰傑金卡凯凱坎康考柯科克肯库庫夸誇奎昆拉莱萊赖賴兰蘭"
    "朗劳勞勒雷蕾里利莉丽麗列林琳隆卢盧鲁魯路伦倫罗羅洛马馬迈邁麦麥曼芒梅门門蒙米密明莫默姆穆纳納娜奈南内尼妮涅宁寧纽紐努诺"
    "諾欧歐帕派潘庞龐佩彭皮普齐齊奇琪乔喬切钦欽丘萨薩塞桑瑟森沙莎珊尚舍施什史斯松苏蘇索塔泰坦汤湯唐特提托瓦万萬旺威韦韋维維"
    "温溫沃乌烏伍西希锡錫夏谢謝辛休雅亚亞扬揚耶伊因英尤于约約扎泽澤詹兹茲佐卜茨斐徹彻顿頓兰蘭塔拉纳尔姆"
)


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
    "establishment est sons brothers bros "
    # Regions: where a company works, not which one it is ("Faberlic Europe" is Faberlic).
    "europe european eurasia asia asian africa african americas worldwide".split()
)
# Sector words: they say what a company does, not which company it is ("Yukos Oil Company" is Yukos). Generic,
# but two companies in different sectors ("Saudi Arabian Oil" / "Saudi Arabian Gas") are two companies.
SECTOR_ORG = frozenset(
    "oil gas petroleum petrochemical petrochemicals energy power electric electricity air airline airlines "
    "airways aviation marine maritime navigation transport transportation tours travel mining metal metals steel "
    "chemical chemicals pharmaceutical pharmaceuticals pharma construction engineering insurance telecom "
    "telecommunications electronic electronics motors automotive bank banking shipping logistics charitable "
    "charity relief welfare".split()
)
# Forms and abbreviations of one generic company word: "Airlines" = "Air", "Intl" = "International". Each line is
# one family; the scorer counts two words of a family as agreeing (companies only).
GENERIC_FAMILIES = tuple(line.split() for line in """
    company companies co cie compania companhia compagnie
    corporation corp corporate
    international intl internacional internationale
    national natl nacional nationale
    industrial industries industry ind inds industrie industria industriel industrielle
    holding holdings hldg hldgs
    group grp groupe grupo gruppo gruppe
    trading trade traders trd
    air airline airlines airways
    service services svc svcs
    investment investments invt
    technology technologies tech
    enterprise enterprises
    manufacturing manufacturers mfg
    management mgmt
    development dev
    association assn
    associates assoc
    brothers bros
    finance financial
    import imports importer importers
    export exports exporter exporters
    chemical chemicals
    pharmaceutical pharmaceuticals pharma
    metal metals
    electronic electronics
    product products
    resource resources
    system systems
    solution solutions
    logistic logistics
    petrochemical petrochemicals
    telecom telecommunications
    transport transportation
    charitable charity""".strip().splitlines())
_GENERIC_FAMILY = {w: "gen:" + line[0] for line in GENERIC_FAMILIES for w in line}
GENERIC_ORG = GENERIC_ORG | SECTOR_ORG | frozenset(_GENERIC_FAMILY)    # every form of a generic word is generic
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
    text = (resources.files("screening.engine") / "data" / "diminutives.csv").read_text(encoding="utf-8")
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(",") if p.strip()]
        if len(parts) < 2:
            continue
        formal = parts[0]
        for p in parts:
            groups.setdefault(p, set()).add(formal)
    # A name that is itself a formal name stands for itself only: "Jane" and "John" are both listed under
    # "Joanna" but are not each other's nickname.
    formals = {line.split(",")[0].strip() for line in text.splitlines() if line.strip()}
    return {k: frozenset({k} if k in formals else v) for k, v in groups.items()}


@lru_cache(maxsize=1)
def _families() -> dict[str, frozenset[str]]:
    """Map each given name to its family across languages (Alexandros, Aleksandr, Iskandar: "fam:alexander")."""
    out: dict[str, set[str]] = {}
    text = (resources.files("screening.engine") / "data" / "given_name_families.csv").read_text(encoding="utf-8")
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(",") if p.strip()]
        for p in parts:
            out.setdefault(p, set()).add("fam:" + parts[0])
    return {k: frozenset(v) for k, v in out.items()}


# How German, French, Polish and English write the sounds of Russian (and Arabic) names, folded to one key:
# every hushing or guttural spelling (sch tsch tch sh ch kh zh dj cz sz) is one letter, w = v, ou = u, j = y = i,
# z = ts = s, a French "gu" before e/i = g, a final French -e dropped, doubles collapsed. "Chodorkowski",
# "Khodorkovsky" and "Chodorkovski" share a key, as do "Schuschkewitsch" and "Shushkevich", "Choigou" and "Shoigu".
_CONVENTION_STEPS = (
    (re.compile(r"schtsch|shch|chtch|tsch|dsch|dzh|tch|tsh|sch|sh|ch|kh|zh|dj|cz|sz"), "8"),
    (re.compile(r"ph"), "f"), (re.compile(r"ck|q"), "k"), (re.compile(r"x"), "ks"), (re.compile(r"w"), "v"),
    (re.compile(r"gu(?=[ei])"), "g"), (re.compile(r"ou"), "u"), (re.compile(r"tz|ts|z"), "s"),
    (re.compile(r"[jy]"), "i"), (re.compile(r"^ie"), "e"), (re.compile(r"(?<=[^aeiou])e$"), ""),
    (re.compile(r"(.)\1+"), r"\1"),
)
CONVENTION_MIN_LETTERS = 6   # shorter words fold too many different names together (Chen / Shen, Chin / Shin)


@lru_cache(maxsize=KEY_CACHE)
def convention_key(token: str) -> str:
    """Return the spelling-convention key of a word of six letters or more ("" for shorter words)."""
    if len(token) < CONVENTION_MIN_LETTERS or not token.isalpha():
        return ""
    key = token
    for pattern, repl in _CONVENTION_STEPS:
        key = pattern.sub(repl, key)
    return key if len(key) >= 5 else ""


# Korean surnames and how they are written in Latin letters (the Revised Romanisation first, as ``to_ascii``
# writes it). Each group is one symbol ("kor:bak"), so "Park" ~ "박" counts as one name; the scorer uses these only
# when one side was written in another script. "yu" is both 유 and 류, "jeon"/"jun"/"chun" both 전 and 준/천.
KOREAN_SURNAMES = {
    "yi": "yi lee rhee ri rhie yee lie", "bak": "bak park pak bark", "choe": "choe choi choy chey",
    "jeong": "jeong jung chung jong cheong", "gang": "gang kang", "jo": "jo cho joe", "yun": "yun yoon",
    "im": "im lim rim yim", "sin": "sin shin sheen", "oh": "oh o", "gwon": "gwon kwon", "an": "an ahn",
    "yu": "yu yoo you", "jeon": "jeon chun jun chon jon", "gim": "gim kim", "han": "han", "song": "song",
    "hong": "hong", "mun": "mun moon", "go": "go ko koh", "seo": "seo suh so", "bae": "bae pae",
    "baek": "baek paek paik back", "hwang": "hwang", "ryu": "ryu yu yoo rhew ryoo", "jang": "jang chang",
    "nam": "nam", "no": "no noh roh", "ha": "ha", "gwak": "gwak kwak", "seong": "seong sung", "cha": "cha",
    "ju": "ju joo chu", "woo": "woo u", "gu": "gu koo ku", "min": "min", "na": "na ra", "jin": "jin chin",
    "yang": "yang", "son": "son sohn", "heo": "heo hur huh", "nam-gung": "namgung namkung",
}


# One Korean syllable as the two romanisations and common usage write it: Revised Romanisation (jeong, eun, hui,
# gim) and McCune-Reischauer or passport spellings (chung, jong, un, hee, kim, moo). Voiced and voiceless consonants
# are one (g/k, d/t, b/p, j/ch), r = l, oo = u, ee = ui = i, eu = u, ae = e, and "eo" may be written o or u. A
# syllable of a name written in Hangul or Han gets these keys, and so does every short Latin word; the scorer
# counts them ("kor:" symbols) only when one side was written in another script.
_KOREAN_SYLLABLE = re.compile(r"^(?:[^aeiouwy]{0,3})[wy]?(?:[aeiou]{1,3})(?:ng|n|m|l|r|k|p|t|g|b|h)?$")
_KOREAN_CONSONANTS = ((re.compile(r"tch|ch|jj|j"), "c"), (re.compile(r"kk|gg|g"), "k"), (re.compile(r"tt|d"), "t"),
                      (re.compile(r"pp|b"), "p"), (re.compile(r"ss|sh"), "s"), (re.compile(r"r"), "l"),
                      (re.compile(r"(?<=[aeiou])h$"), ""))
_KOREAN_VOWELS = ((re.compile(r"oo"), "u"), (re.compile(r"ee|ui"), "i"), (re.compile(r"eu"), "u"),
                  (re.compile(r"ae"), "e"))


@lru_cache(maxsize=KEY_CACHE)
def korean_syllable_keys(token: str) -> frozenset[str]:
    """Return the keys of a word read as one Korean syllable ("jeong" -> kor:syl:cong, kor:syl:cung), or none."""
    if not 2 <= len(token) <= 6 or not _KOREAN_SYLLABLE.match(token):
        return frozenset()
    key = token
    for pattern, repl in _KOREAN_CONSONANTS + _KOREAN_VOWELS:
        key = pattern.sub(repl, key)
    keys = {key.replace("eo", "o"), key.replace("eo", "u")}
    return frozenset("kor:syl:" + k for k in keys)


@lru_cache(maxsize=1)
def _korean_surnames() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for key, spellings in KOREAN_SURNAMES.items():
        for sp in spellings.split():
            out.setdefault(sp, set()).add("kor:" + key)
    return {k: frozenset(v) for k, v in out.items()}


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
    classes: str | None = None  # consonant classes when not those of the text ("" = none: an East Asian syllable)

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


def has_legal_form(name: str) -> bool:
    """Tell whether a name carries a company legal form ("Acme Trading LLC", "Orion Foods Pte. Ltd.")."""
    try:
        return bool(analyze(name).legal)
    except UnscreenableName:
        return False


@lru_cache(maxsize=ANALYZE_CACHE)
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
    if script == "HEBREW":
        text = _hebrew_geresh(text)     # "ג'" is a letter of its own (j), not "ג" and an apostrophe
    folded = _APOSTROPHES.sub("", text.casefold()).replace("&", " and ")
    legal: tuple[str, ...] = ()
    if type not in ("person", "vessel", "aircraft"):
        # Series numerals first, or rigour reads "II, Inc." as a legal form.
        folded = _ROMAN_WORD.sub(lambda m: str(_roman(m.group(0)) or m.group(0)), folded)
        # imported on first use, for start-up speed: rigour takes ~80 ms to import
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
    if type in ("person", "unknown"):
        tokens = [_PINYIN_TONES.sub(r"\1", t) if _TONED_PINYIN.match(t) else t for t in tokens]
    tokens = _numbers(tokens, type, abbrevs)
    if not tokens:
        tokens = [t for t in _SPLIT.split(to_ascii(text).casefold()) if t] or ["?"]
    tokens = tokens[:MAX_WORDS]
    words = tuple(_word(t, type, t in abbrevs) for t in tokens)
    if script in ("HANGUL", "CJK"):
        classes = _east_asian_classes(folded)
        words = tuple(_with_classes(w, classes[w.text]) if w.text in classes else w for w in words)
    elif script:
        # Korean syllable keys are for names read from Hangul or Han, not for short words of Hebrew or Cyrillic.
        words = tuple(_without_syllable_keys(w) for w in words)
    if not any(w.substantive for w in words):
        # A name made only of generic words ("Management Company") is compared on all of them.
        words = tuple(_reweigh(w) for w in words)
    return NameForm(original=name, type=type, words=words, legal=legal, transliterated=bool(script),
                    abjad=abjad, joined="".join(tokens), script=script, native=native)


# Pinyin with tone numbers ("li3", "ke4qiang2"): syllables of up to six letters, each followed by its tone 1-5.
_TONED_PINYIN = re.compile(r"^(?:[a-z]{1,6}[1-5])+$")
_PINYIN_TONES = re.compile(r"([a-z])[1-5]")
_ROMAN_WORD = re.compile(r"(?<![\w.])(?:ii|iii|iv|vi|vii|viii|ix|xi|xii|xiii|xiv|xv|xvi|xx)(?![\w.])")
_ACRONYM = re.compile(r"\b[a-z](?:\.[a-z])+\.?(?![a-z])")     # "a.b.c." and "l.x.c"
_SYLLABIC = ("CJK", "HANGUL", "HIRAGANA", "KATAKANA", "YI", "THAI", "LAO", "KHMER", "MYANMAR", "TIBETAN")


def script_of(text: str) -> str:
    """Return the Unicode script a name is written in ("CYRILLIC", "CJK", "HANGUL"...), or "" for Latin."""
    return _script(text)


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


def _numbers(tokens: list[str], type: str, dotted: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Write numbers one way: "forty-four" = "44", "first" = "1st" = "1", "III" = "3" (not in person names, nor a
    letter written with a period: "Putin, Vladimir V." ends with an initial, not the numeral 5)."""
    out: list[str] = []
    last = len(tokens) - 1
    for k, t in enumerate(tokens):
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
        elif type != "person" and len(out) >= 1 \
                and (_ROMAN_WORD.fullmatch(t) or t in ("i", "v", "x") and k == last and t not in dotted) and _roman(t):
            # Series numerals after a name ("Fund III", "Trust I"); not "Li", "Di", "Mix" or "Vi".
            out.append(str(_roman(t)))
        else:
            out.append(t)
    return out


# Arabic theophoric names: "abd" (servant of), the article, a name of God. Written as one word or three, with the
# article's vowel and assimilation in many ways: Abdulrahman, Abd al-Rahman, Abdul Rahman, Abdurrahman, Abdel
# Rahman. ``abd_spelling`` writes each compound of a name as one word, "abdul" and the name without its article
# ("abdulrahman"): an alternative spelling the scorer tries beside the name as written (see ``readings``), so that
# the written words still count as they are when a list drops "Abdul" in one alias ("Mohammad Abdul Abbas" /
# "Mohammad Abbas") or when it tells two names apart ("Abdul Khudai" / "Wali Khudai").
_ABD_PREFIXES = frozenset("abd abdul abdel abdal abdol abdil abdur abdus abder abdes abdar abdas abdoul".split())
_ARTICLES = frozenset("al el ul ar ur as us ad an at az ash er es ed".split())
ABD_MIN_REST = 3
_ALLAH = {"lah": "allah", "lla": "allah", "llh": "allah"}    # Abdullah, Abdulla, Abd Allah, عبد الله


def abd_spelling(name: str) -> str:
    """Return the name with each "abd" compound written as one word ("Abd al-Rahman Ali" -> "abdulrahman ali").

    "" when the name has no compound, or has it already written that way.
    """
    tokens = name_key(name).split()
    out = _abd_compounds(tokens)
    return " ".join(out) if out != tokens else ""


def _abd_rest(rest: str) -> str:
    """Return the name after "abd" without the article's vowel, its l or its doubled sun letter ("ulrahman")."""
    for prefix in ("ou", "a", "e", "i", "o", "u", "l"):
        # the article's vowel, then its l ("lrahman", "laziz", "llah"); a step that would leave fewer than three
        # letters is not taken ("lah" stays "lah")
        if rest.startswith(prefix) and len(rest) - len(prefix) >= ABD_MIN_REST:
            rest = rest[len(prefix):]
            if prefix != "l":
                if rest.startswith("l") and len(rest) - 1 >= ABD_MIN_REST:
                    rest = rest[1:]
                break
    if len(rest) > ABD_MIN_REST and rest[0] == rest[1] and rest[0] not in VOWELS:
        rest = rest[1:]              # the article assimilated: "rrahman", "ssalam"
    return rest


def _abd_compounds(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        t = tokens[i]
        if t in _ABD_PREFIXES and i + 1 < n:
            j = i + 1
            joined = t[3:]
            if tokens[j] in _ARTICLES and j + 1 < n:
                joined += tokens[j]
                j += 1
            if tokens[j].isalpha():
                rest = _abd_rest(joined + tokens[j])
                if len(rest) >= ABD_MIN_REST:
                    out.append("abdul" + _ALLAH.get(rest, rest))
                    i = j + 1
                    continue
        elif t.startswith("abd") and len(t) >= 7 and t.isalpha():
            rest = _abd_rest(t[3:])
            if len(rest) >= ABD_MIN_REST:
                out.append("abdul" + _ALLAH.get(rest, rest))
                i += 1
                continue
        out.append(t)
        i += 1
    return out


def _without_syllable_keys(w: Word) -> Word:
    if not any(sym.startswith("kor:syl:") for sym in w.symbols):
        return w
    symbols = frozenset(sym for sym in w.symbols if not sym.startswith("kor:syl:"))
    return Word(w.text, w.weight, symbols, w.phonetic, w.skeleton, w.abbreviation, w.numeric, w.classes)


def _with_classes(w: Word, classes: str) -> Word:
    return Word(w.text, w.weight, w.symbols, w.phonetic, w.skeleton, w.abbreviation, w.numeric, classes)


def _reweigh(w: Word) -> Word:
    keep = w.text in PARTICLES or w.numeric
    return Word(w.text, w.weight if keep else max(w.weight, 0.5), w.symbols, w.phonetic,
                w.skeleton, w.abbreviation, w.numeric, w.classes)


@lru_cache(maxsize=WORD_CACHE)
def _word(token: str, type: str, dotted: bool) -> Word:
    numeric = token.isdigit()
    if token in PARTICLES and not (dotted and len(token) == 1):
        # "E." and "Y." are initials; "e" and "y" alone are "and" in Portuguese and Spanish names.
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


@lru_cache(maxsize=TOKEN_CACHE)
def _symbols(token: str) -> frozenset[str]:
    if len(token) < 2 or token.isdigit():
        return frozenset()
    out = {"nick:" + f for f in _nicknames().get(token, ())}
    out.update(_korean_surnames().get(token, ()))
    out.update(korean_syllable_keys(token))
    out.update(_families().get(token, ()))
    conv = convention_key(token)
    if conv:
        out.add("conv:" + conv)
    if token in _GENERIC_FAMILY:
        out.add(_GENERIC_FAMILY[token])       # compared for companies only (screening.engine.scoring)
    for sym in _rigour_symbols(token):
        out.add(sym)
    return frozenset(out)


def _rigour_symbols(token: str) -> list[str]:
    """Return rigour's NAME and NICK symbols of a word alone ("name:Q123", "nick:BILL"), from the table built once
    from rigour's person-name tagger (tools/build_name_symbols.py; the tagger itself costs ~260 MB per process)."""
    body, starts = _rigour_table()
    n = len(starts) - 1
    i = bisect_left(range(n), token, key=lambda k: body[starts[k]:body.index("\t", starts[k])])
    if i == n:
        return []
    tab = body.index("\t", starts[i])
    if body[starts[i]:tab] != token:
        return []
    return body[tab + 1:starts[i + 1] - 1].split(" ")


RIGOUR_SYMBOLS_FILE = "rigour_name_symbols.tsv.gz"


@lru_cache(maxsize=1)
def _rigour_table() -> tuple[str, array]:
    """Return the symbol table as one text of sorted ``word<TAB>symbols`` lines and the offset of each line (and of
    the end): about 5 MB, where a dict of the 170,000 words would take 25 MB."""
    raw = (resources.files("screening.engine") / "data" / RIGOUR_SYMBOLS_FILE).read_bytes()
    text = gzip.decompress(raw).decode("ascii")
    body = text[text.index("\n") + 1:]          # past the header line ("# rigour 2.6.1: ...")
    starts = array("I", [0])
    starts.extend(m.end() for m in re.finditer("\n", body))
    return body, starts


def rigour_symbols_version() -> str:
    """Return the rigour version the symbol table was built from ("2.6.1")."""
    raw = (resources.files("screening.engine") / "data" / RIGOUR_SYMBOLS_FILE).read_bytes()
    with gzip.open(io.BytesIO(raw), "rt", encoding="ascii") as f:
        return f.readline().split()[2].rstrip(":")


@lru_cache(maxsize=TOKEN_CACHE)
def _phonetic(token: str) -> str:
    # imported on first use, for start-up speed: jellyfish is needed only past the edit-distance allowance
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
