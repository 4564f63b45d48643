"""Other readings of a name written in a script whose letters do not say how it is read.

Pure: the standard library, the engine's data files and (Japanese only, imported on first use) cutlet with the
unidic-lite dictionary. A name in Han characters can be Chinese, Korean or Japanese, and each language reads the
same characters differently: "金正恩" is Jin Zhengen in pinyin, 김정은 (Kim Jong Un) in Korean. ``readings`` returns
the other readings of a name as strings the normaliser understands (Hangul, Latin); the engine scores a name as
itself and as each of its readings and keeps the best, at index time and at query time alike.

- Korean: each Han character read through its Hangul syllable (the table of the ``hanja`` package, see
  data/README.md); two readings when they differ: as written in the North (리, 림, 류: Ri, Rim, Ryu) and with the
  South's initial-sound rule on the surname and the given name (이, 임, 유: Lee, Im, Yoo).
- Japanese: kanji and kana read by cutlet (MeCab over unidic-lite), long vowels written short as passports and news
  write them ("Shinzou" -> "shinzo", "Itou" -> "ito").
- Arabic compounds of "abd" (Abd al-Rahman, Abdul Rahman, Abdurrahman) also written as one word ("abdulrahman"),
  in Latin and Arabic letters alike (``screening.engine.normalize.abd_spelling``).
- Hebrew: a short word written without vowels ("דוד") is also read with its vav as the consonant v ("dvd", David),
  where the normaliser reads it as the vowel o ("dod").

Chinese pinyin is the normaliser's own reading of Han (ICU), not repeated here.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

from screening.engine.normalize import abd_spelling

READINGS_CACHE = 20_000
MAX_CHARS = 40            # longer texts in these scripts are not personal names: no readings

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u30fc\uff66-\uff9f]")
_HAN_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_HEBREW = re.compile(r"[\u05d0-\u05ea]")


_ARABIC_ABD = re.compile(r"(?<!\S)عبد\s+(?=\S)")


@lru_cache(maxsize=READINGS_CACHE)
def readings(text: str) -> tuple[str, ...]:
    """Return the other readings of a name (Korean and Japanese readings of Han, Japanese kana, short Hebrew words,
    Arabic compounds in one word).

    Empty for most names in Latin letters and in scripts read one way only.
    """
    out: list[str] = []
    if "عبد" in text:
        # In Arabic script the compound is joined in that script ("عبد الله" -> "عبدالله"), so that it is still read
        # as Arabic (consonants written, vowels not) and agrees with "Abdullah" by its consonants.
        joined = _ARABIC_ABD.sub("عبد", text)
        if joined != text:
            out.append(joined)
    elif "abd" in text.casefold():
        compound = abd_spelling(text)
        if compound:
            out.append(compound)
    if text.isascii() or len(text) > MAX_CHARS:
        return tuple(out)
    text = unicodedata.normalize("NFC", text)
    han = bool(_HAN.search(text))
    kana = bool(_KANA.search(text))
    if han and not kana:
        out.extend(korean_readings(text))
    if kana or (han and _japanese_characters(text)):
        out.extend(japanese_readings(text))
    if _HEBREW.search(text):
        he = hebrew_consonant_reading(text)
        if he:
            out.append(he)
    return tuple(dict.fromkeys(r for r in out if r and r != text))


# --- Korean: Han through Hangul -------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _hanja_table() -> dict[str, str]:
    """Map each Han character to its Sino-Korean syllable (data/hanja_hangul.tsv: "syllable<TAB>characters")."""
    table: dict[str, str] = {}
    text = (resources.files("screening.engine") / "data" / "hanja_hangul.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        syllable, _, chars = line.partition("\t")
        for ch in chars:
            table[ch] = syllable
    return table


# Surnames read otherwise than the character's usual syllable (金 is 금 "gold", but the surname is 김 Kim).
_SURNAME_READING = {"金": "김", "沈": "심"}
# The South's initial-sound rule (두음 법칙): ㄹ before i/y vowels and ㄴ before them drop to ㅇ; ㄹ elsewhere is ㄴ.
_IY_VOWELS = {2, 3, 6, 7, 12, 17, 20}        # ya yae yeo ye yo yu i


def _initial_sound_rule(syllable: str) -> str:
    code = ord(syllable) - 0xAC00
    if not 0 <= code < 11172:
        return syllable
    lead, rest = divmod(code, 588)
    vowel = rest // 28
    if lead == 5:                             # ㄹ
        lead = 11 if vowel in _IY_VOWELS else 2
    elif lead == 2 and vowel in _IY_VOWELS:  # ㄴ
        lead = 11
    else:
        return syllable
    return chr(0xAC00 + lead * 588 + rest)


def korean_readings(text: str) -> list[str]:
    """Return the Hangul readings of a name written in Han characters, North and South (one if they agree)."""
    table = _hanja_table()
    if not all(ch in table for ch in _HAN.findall(text)):
        return []                             # simplified Chinese or rare characters: not a Korean name

    def read(word: str, south: bool) -> str:
        personal = 2 <= len(word) <= 4
        out = []
        for i, ch in enumerate(word):
            syl = _SURNAME_READING.get(ch, table[ch]) if i == 0 and personal else table[ch]
            # South: the rule applies at the start of a word, and to the given name after a one-syllable surname.
            if south and (i == 0 or (personal and i == 1 and len(word) >= 3)):
                syl = _initial_sound_rule(syl)
            out.append(syl)
        return "".join(out)

    north = _HAN_WORD.sub(lambda m: read(m.group(0), False), text)
    south = _HAN_WORD.sub(lambda m: read(m.group(0), True), text)
    return [north] if north == south else [north, south]


# --- Japanese ---------------------------------------------------------------------------------------------------

def _japanese_characters(text: str) -> bool:
    """True when every Han character is one Japanese writes (JIS X 0208/0212): not simplified Chinese (习, 东)."""
    try:
        "".join(_HAN.findall(text)).encode("euc_jp")
    except UnicodeEncodeError:
        return False
    return True


@lru_cache(maxsize=1)
def _cutlet():
    # imported on first use, for start-up speed and memory: only lists with Japanese names pay for the dictionary
    import cutlet
    reader = cutlet.Cutlet(ensure_ascii=True)
    reader.use_foreign_spelling = True       # katakana foreign names in their own spelling (ジョージ "George")
    return reader


_LONG_VOWEL = re.compile(r"(?<=[aeiou])(?:ou|oo|uu)(?![aeiou])|(?:ou|oo|uu)(?![aeiou])")


JAPANESE_NBEST = 5        # parses of a kanji name asked of the dictionary
JAPANESE_READINGS = 3     # readings kept at most


def japanese_readings(text: str) -> list[str]:
    """Return the Latin readings of a Japanese name ("安倍晋三" -> "abe shinzo"), long vowels written short.

    The first is cutlet's reading of the whole text. A given name in kanji has several readings (文雄 Fumio or
    Bun'yuu, 博文 Hirobumi or Hakubun): the dictionary's next-best parses made only of personal-name entries add
    theirs, up to three readings in all.
    """
    try:
        reader = _cutlet()
        first = reader.romaji(text.replace("・", " ").replace("/", " "))
    except (ImportError, RuntimeError):
        return []
    out = [_latin_reading(first)]
    if _HAN.search(text):
        import jaconv     # a dependency of cutlet
        for parse in reader.tagger.nbest(text, JAPANESE_NBEST).split("EOS"):
            rows = [line.split("\t") for line in parse.strip().splitlines()]
            if not rows or any(len(r) < 5 or "人名" not in r[4] for r in rows):
                continue      # only parses made of personal names (surname, given name)
            reading = _latin_reading(" ".join(jaconv.kata2alphabet(r[2]) for r in rows))
            if reading and "x" not in reading:      # "xtsu": a small kana the converter could not join
                out.append(reading)
    return list(dict.fromkeys(r for r in out if r))[:JAPANESE_READINGS]


def _latin_reading(roman: str) -> str:
    roman = roman.replace("/", " ").replace("'", "").casefold()
    # cutlet writes "?" for a character its dictionary cannot read: that word has no reading.
    words = [w for w in roman.split() if w.isascii() and w.isalpha()]
    return " ".join(_LONG_VOWEL.sub(lambda m: m.group(0)[0], w) for w in words)


# --- Hebrew: vav as a consonant in short words ----------------------------------------------------------------

_SHORT_HEBREW = re.compile(r"(?<![\u05d0-\u05ea])([\u05d0-\u05ea])ו([\u05d0-\u05ea]{1,2})(?![\u05d0-\u05ea])")


def hebrew_consonant_reading(text: str) -> str:
    """Return the name with the vav inside its short words read as v ("דוד" -> "דווד", read "dvd": David), or ""."""
    if "ו" not in text:
        return ""
    # A doubled vav inside a word is the consonant v (the normaliser's reading of Hebrew).
    out = _SHORT_HEBREW.sub(lambda m: m.group(1) + "וו" + m.group(2), text)
    return out if out != text else ""


__all__ = ["readings", "korean_readings", "japanese_readings", "hebrew_consonant_reading"]
