"""Names across scripts and spelling conventions: other readings of Han, kana and Hebrew; given names that are one
name across languages; Arabic compounds; pinyin with tones; German, French and English transcriptions.

Case tables, one per kind of example (screening.engine.readings, and the word symbols of screening.engine.normalize).
"""
from __future__ import annotations

import pytest

from screening.engine.index import Matcher
from screening.engine.model import Query, Record
from screening.engine.normalize import abd_spelling, convention_key
from screening.engine.pairs import BENCHMARK_THRESHOLD, compare
from screening.engine.readings import hebrew_consonant_reading, korean_readings, readings

T = BENCHMARK_THRESHOLD


def score(a: str, b: str) -> float:
    return compare(a, b, type="person").score


# --- Korean names in Hanja, read through Hangul -----------------------------------------------------------------

@pytest.mark.parametrize("hanja, latin", [
    ("金正恩", "Kim Jong Un"),
    ("金正恩", "김정은"),
    ("朴槿惠", "Park Geun-hye"),
    ("文在寅", "Moon Jae-in"),
    ("李明博", "Lee Myung-bak"),        # South: 李 is 이 (Lee) at the start of a name
    ("李雪主", "Ri Sol Ju"),             # North: 李 is 리 (Ri)
    ("崔龍海", "Choe Ryong Hae"),
    ("盧武鉉", "Roh Moo-hyun"),
    ("朴正熙", "Park Chung-hee"),        # McCune-Reischauer and passport spellings of the syllables
    ("金大中", "Kim Dae-jung"),
])
def test_korean_names_in_hanja_match_their_latin_and_hangul_forms(hanja, latin):
    assert score(hanja, latin) >= T
    assert score(latin, hanja) >= T


@pytest.mark.parametrize("a, b", [
    ("金正恩", "Kim Jong Il"),           # one syllable of the given name differs
    ("朴槿惠", "Moon Jae-in"),
    ("李明博", "Park Myung-bak"),
])
def test_different_korean_names_in_hanja_stay_apart(a, b):
    assert score(a, b) < T


@pytest.mark.parametrize("hanja, expected", [
    ("李明博", ["리명박", "이명박"]),      # North and South (initial-sound rule) readings
    ("林", ["림", "임"]),
    ("金正恩", ["김정은"]),               # the surname 金 is 김, not 금 (gold)
    ("沈相楨", ["심상정"]),                # the surname 沈 is 심, not 침
    ("习近平", ["습근평"]),
])
def test_korean_readings_of_han_characters(hanja, expected):
    assert korean_readings(hanja) == expected


def test_a_reading_is_named_in_the_reasons_and_the_written_name_is_kept():
    m = compare("金正恩", "Kim Jong Un", type="person")
    assert m.query_name == "金正恩" and m.matched_name == "Kim Jong Un"
    assert any("read as 김정은" in r for r in m.explain())


def test_a_watchlist_name_in_hanja_is_found_by_its_latin_form():
    matcher = Matcher([Record("kp1", ("金正恩",), "person"), Record("kr1", ("文在寅",), "person"),
                       Record("x", ("Kim Jong Il",), "person")])
    hits = matcher.match(Query("Kim Jong Un", "person"), T)
    assert [h.record_id for h in hits][:1] == ["kp1"]
    assert hits[0].matched_name == "金正恩"
    hits = matcher.match(Query("Moon Jae-in", "person"), T)
    assert [h.record_id for h in hits] == ["kr1"]


# --- Japanese names in kanji and kana ---------------------------------------------------------------------------

@pytest.mark.parametrize("japanese, latin", [
    ("安倍晋三", "Shinzo Abe"),
    ("安倍晋三", "Abe Shinzō"),
    ("麻原彰晃", "Shoko Asahara"),
    ("東條英機", "Hideki Tojo"),
    ("小泉純一郎", "Junichiro Koizumi"),
    ("中曽根康弘", "Yasuhiro Nakasone"),
    ("佐藤", "Sato"),
    ("あべしんぞう", "Abe Shinzo"),       # hiragana
    ("アベ シンゾウ", "Shinzo Abe"),       # katakana
])
def test_japanese_names_match_their_hepburn_forms(japanese, latin):
    assert score(japanese, latin) >= T


@pytest.mark.parametrize("a, b", [
    ("安倍晋三", "Shinzo Ito"),
    ("麻原彰晃", "Shoko Asano"),
    ("佐藤", "Suzuki"),
])
def test_different_japanese_names_stay_apart(a, b):
    assert score(a, b) < T


@pytest.mark.parametrize("japanese, latin", [
    ("岸田文雄", "Fumio Kishida"),         # 文雄: Fumio, or Bun'yuu as the dictionary reads it first
    ("伊藤博文", "Hirobumi Ito"),          # 博文: Hirobumi, or Hakubun
])
def test_japanese_given_names_with_several_readings(japanese, latin):
    assert score(japanese, latin) >= T
    assert len(readings(japanese)) >= 2


def test_two_names_in_kanji_are_compared_as_written_not_by_their_readings():
    # 高石 (Takaishi) and 高市 (Takaichi) read one letter apart, but they are different characters
    assert score("高石早苗", "高市早苗") < T
    assert score("あべしんぞう", "安倍晋三") >= T      # kana against kanji: only the readings can agree


def test_chinese_names_in_simplified_characters_get_no_japanese_reading():
    assert readings("习近平") == ("습근평",)


# --- Chinese in Han characters, pinyin with and without tones and spaces ----------------------------------------

@pytest.mark.parametrize("a, b", [
    ("李克强", "Li Keqiang"),
    ("李克强", "Li Ke Qiang"),
    ("李克强", "Lǐ Kèqiáng"),
    ("李克强", "Li3 Ke4qiang2"),
    ("Li Keqiang", "Li Ke Qiang"),
    ("习近平", "Xi Jinping"),
    ("習近平", "Xi Jinping"),            # traditional characters
])
def test_chinese_names_match_pinyin_with_and_without_tones_and_spaces(a, b):
    assert score(a, b) >= T


@pytest.mark.parametrize("a, b", [("李克强", "Li Peng"), ("习近平", "Xi Zhongxun")])
def test_different_chinese_names_stay_apart(a, b):
    assert score(a, b) < T


# --- Greek names and given names that are one name across languages -------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("Αλέξανδρος", "Alexander"),
    ("Αλέξανδρος", "Iskandar"),
    ("Alexandros", "Aleksandr"),
    ("Alexander", "Iskandar"),
    ("Aleksandr", "Alexander"),
    ("Μιχαήλ", "Michael"),
    ("Michail", "Mikhail"),
    ("Michael", "Mikhael"),
    ("Mikhail", "Michael"),
    ("Ιωάννης", "John"),
    ("Yiannis", "Ioannis"),
    ("Γεώργιος", "George"),
    ("Πέτρος", "Peter"),
    ("Νικόλαος", "Nikolai"),
    ("Γιώργος Παπανδρέου", "George Papandreou"),
    ("Κωνσταντίνος Μητσοτάκης", "Konstantinos Mitsotakis"),
    ("Aleksandr Ivanov", "Alexander Iwanow"),
])
def test_one_given_name_across_languages_agrees(a, b):
    assert score(a, b) >= T


@pytest.mark.parametrize("a, b", [
    ("Alexander", "Michael"),
    ("Alexander Petrov", "Michael Petrov"),
    ("Αλέξανδρος Παππάς", "Nikolaos Pappas"),
    ("Juan Vargas", "Ivan Vargas"),       # Juan and Ivan are each their own name in Latin letters
    ("Joseph Davis", "Jose David"),
])
def test_different_given_names_across_languages_stay_apart(a, b):
    assert score(a, b) < T


# --- short Hebrew names without vowels ------------------------------------------------------------------------

@pytest.mark.parametrize("hebrew, latin", [
    ("דוד", "David"),
    ("דן", "Dan"),
    ("רון", "Ron"),
    ("טל", "Tal"),
    ("לוי", "Levi"),
    ("שי", "Shai"),
    ("משה", "Moshe"),
    ("נוח", "Noah"),
    ("דוד לוי", "David Levy"),
])
def test_short_hebrew_names_match(hebrew, latin):
    assert score(hebrew, latin) >= T


@pytest.mark.parametrize("a, b", [("דוד", "Daniel"), ("דן", "Ron"), ("משה", "Moses Levy")])
def test_different_short_hebrew_names_stay_apart(a, b):
    assert score(a, b) < T


def test_vav_in_a_short_hebrew_word_is_also_read_as_v():
    assert hebrew_consonant_reading("דוד") == "דווד"
    assert hebrew_consonant_reading("משה") == ""


# --- Arabic compounds: abd + the article + a name of God ------------------------------------------------------

ABD_GROUPS = [
    ["Abdulrahman", "Abd al-Rahman", "Abdul Rahman", "Abdurrahman", "Abd ar-Rahman", "Abdel Rahman", "عبد الرحمن"],
    ["Abdelaziz", "Abd al-Aziz", "Abdulaziz", "Abdul Aziz"],
    ["Abdullah", "Abd Allah", "Abdallah", "Abdulla", "عبد الله"],
    ["Abdul Latif", "Abdellatif", "Abd al-Latif", "عبد اللطيف"],
    ["Mohammed Abdullah", "Muhammad Abd Allah", "محمد عبد الله"],
]


@pytest.mark.parametrize("a, b", [(g[0], x) for g in ABD_GROUPS for x in g[1:]]
                         + [(g[1], g[2]) for g in ABD_GROUPS])
def test_arabic_compound_spellings_agree(a, b):
    assert score(a, b) >= T


@pytest.mark.parametrize("a, b", [
    ("Abd al-Rahman", "Abd al-Aziz"),
    ("Abdullah Ali", "Abdulrahman Ali"),
    ("Abdelaziz Bouteflika", "Abdelkader Bouteflika"),
    ("Abdul Khudai Rahim", "Wali Khudai Rahim"),
])
def test_different_arabic_compounds_stay_apart(a, b):
    assert score(a, b) < T


@pytest.mark.parametrize("name, expected", [
    ("Abd al-Rahman", "abdulrahman"),
    ("Abd ar-Rahman Ali", "abdulrahman ali"),
    ("Abdel Aziz", "abdulaziz"),
    ("Abd Allah", "abdulallah"),
    ("Abdussalam", "abdulsalam"),
    ("Abdulrahman", ""),                  # already one word, spelt the canonical way
])
def test_arabic_compounds_are_also_written_as_one_word(name, expected):
    assert abd_spelling(name) == expected


@pytest.mark.parametrize("a, b", [
    ("Mohammad Abdul Abbas Akhund", "Mohammad Abbas Akhund"),   # a list drops "Abdul" in one alias
])
def test_a_name_without_its_abdul_still_matches(a, b):
    assert score(a, b) >= T


@pytest.mark.parametrize("name", ["Abdi Ali", "Abdou Diouf"])
def test_names_that_only_start_like_abd_are_left_alone(name):
    assert abd_spelling(name) == ""


# --- transliteration conventions: German, French, English -----------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("Chodorkowski", "Khodorkovsky"),        # German ch = kh, w = v, -ski = -sky
    ("Michail Chodorkowski", "Mikhail Khodorkovsky"),
    ("Wladimir Putin", "Vladimir Putin"),
    ("Schuschkewitsch", "Shushkevich"),      # German sch = sh, tsch = ch
    ("Tschernomyrdin", "Chernomyrdin"),
    ("Jelzin", "Yeltsin"),                   # German j = y, z = ts
    ("Jewgeni Prigoschin", "Yevgeny Prigozhin"),
    ("Sergej Lawrow", "Sergey Lavrov"),
    ("Choigou", "Shoigu"),                   # French ch = sh, ou = u
    ("Tchernomyrdine", "Chernomyrdin"),      # French tch = ch, final -e
    ("Iouri Andropov", "Yuri Andropov"),
    ("Evgueni", "Yevgeny"),                  # French gu = g
    ("Oussama ben Laden", "Usama bin Laden"),
])
def test_transliteration_conventions_agree(a, b):
    assert score(a, b) >= T


@pytest.mark.parametrize("a, b", [
    ("Wladimir Putin", "Vladimir Pushkin"),
    ("Tschernomyrdin", "Chernenko"),
    ("Shapiro", "Chapman"),
    ("Schuschkewitsch", "Shukshin"),
])
def test_different_names_in_other_conventions_stay_apart(a, b):
    assert score(a, b) < T


@pytest.mark.parametrize("word", ["chen", "shen", "chin", "shin"])
def test_short_words_have_no_convention_key(word):
    assert convention_key(word) == ""     # Chen and Shen are different family names
