"""Names written in other scripts: how they are romanised and which word rules apply to transliterated pairs.

Case tables for the rules of screening.normalize (Hebrew, Arabic, Hangul and Han romanisation, Korean surnames,
consonant classes) and of screening.scoring.compare_words (consonant-class rule, short-word symbols, al- prefix).
"""
from __future__ import annotations

import pytest

from screening.engine.normalize import (
    Word,
    analyze,
    consonant_classes,
    name_key,
    to_ascii,
)
from screening.engine.pairs import BENCHMARK_THRESHOLD, compare
from screening.engine.scoring import compare_words


def score(a: str, b: str) -> float:
    return compare(a, b, type="person").score


def words(name: str) -> list[str]:
    return [w.text for w in analyze(name, "person").words]


# --- romanisation ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("native, expected", [
    pytest.param("ג'ורג'", ["jorj"], id="hebrew-geresh-gimel"),
    pytest.param("ז'אן", ["zhan"], id="hebrew-geresh-zayin"),
    pytest.param("צ'רצ'יל", ["chrchil"], id="hebrew-geresh-tsadi"),
    pytest.param("רות'", ["roth"], id="hebrew-geresh-tav"),
    pytest.param("יעקב", ["yakb"], id="hebrew-ayin-inside-a-word"),
    pytest.param("ראובן", ["raobn"], id="hebrew-aleph-inside-a-word"),
    pytest.param("משה", ["msha"], id="hebrew-final-he-a-vowel"),
    pytest.param("סעיד", ["said"], id="hebrew-ayin-as-a-vowel"),
    pytest.param("سعيد", ["sayd"], id="arabic-ayin-inside-a-word"),
    pytest.param("فاطمة", ["fatma"], id="arabic-ta-marbuta"),
    pytest.param("عبد العزيز", ["abd", "alazyz"], id="arabic-ayin-at-the-start"),
    pytest.param("김정은", ["gim", "jeong", "eun"], id="hangul-lone-name-by-syllable"),
    pytest.param("이순진", ["yi", "sun", "jin"], id="hangul-surname-i-as-yi"),
    pytest.param("루트비히 판 베토벤", ["rutbihi", "pan", "betoben"], id="hangul-words-whole"),
    pytest.param("셀라 수", ["sella", "su"], id="hangul-double-l"),
    pytest.param("习近平", ["xi", "jin", "ping"], id="han-lone-chinese-name-by-syllable"),
    pytest.param("古普塔", ["guputa"], id="han-transcribed-foreign-name-whole"),
    pytest.param("乔治·华盛顿", ["qiaozhi", "huashengdun"], id="han-words-split-at-the-dot"),
])
def test_romanisation(native, expected):
    assert words(native) == expected


def test_geresh_survives_in_the_consolidation_key():
    assert name_key("ג'ורג' וושינגטון") == "jorj wshington"
    assert to_ascii("ג׳ורג׳") == "jorj"          # the Hebrew geresh sign, not an apostrophe


def test_same_script_names_still_compare_as_written():
    assert score("김정은", "김정은") == 1.0
    assert score("习近平", "习近平") == 1.0
    assert score("ג'ורג' וושינגטון", "ג'ורג' וושינגטון") == 1.0
    assert analyze("김정은", "person").native == ("김", "정", "은")


# --- consonant classes ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("word, classes", [
    ("washington", "smkdm"),
    ("george", "klk"),
    ("beethoven", "bdbm"),
    ("betoben", "bdbm"),
    ("buccille", "bkl"),
    ("bukkill", "bkl"),
    ("schmidt", "smd"),
    ("thatcher", "dkl"),
    ("hollis", "ls"),
    ("aeiou", ""),
])
def test_consonant_classes(word, classes):
    assert consonant_classes(word) == classes


def _w(text: str):
    return analyze(text, "person").words[0]


@pytest.mark.parametrize("a, b, translit, expected", [
    ("buccille", "bukkill", True, 0.80),       # spelling alone gives less than 0.7; the classes agree
    ("beethoven", "betoben", True, 0.80),
    ("kolbergers", "bolbirgirs", True, None),  # one class apart, but not the same first class
    ("buccille", "bukkill", False, None),      # two Latin spellings: no class rule (NYSIIS may still hear them)
])
def test_class_rule(a, b, translit, expected):
    m = compare_words(_w(a), _w(b), True, translit, False)
    if expected is None:
        assert m.kind != "classes"
    else:
        assert m.score == pytest.approx(expected)


def test_short_east_asian_syllables_have_no_classes():
    # "jeong" and "kang" both read k-m-k: one syllable says too little.
    jeong = next(w for w in analyze("김정은", "person").words if w.text == "jeong")
    assert jeong.classes == ""
    assert compare_words(jeong, _w("kang"), True, True, False).score < BENCHMARK_THRESHOLD


# --- whole names ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("latin, native", [
    ("George Washington", "ג'ורג' וושינגטון"),
    ("Winston Churchill", "וינסטון צ'רצ'יל"),
    ("Moshe Dayan", "משה דיין"),
    ("Micha", "מיכה"),
    ("Moshe", "משה"),
    ("Golda Meir", "גולדה מאיר"),
    ("Benjamin Netanyahu", "בנימין נתניהו"),
    ("Park Geun-hye", "박근혜"),
    ("Park", "박"),
    ("Lee Sun-jin", "이순진"),
    ("Kim Jong-un", "김정은"),
    ("Xi Jinping", "习近平"),
    ("gupta", "古普塔"),
    ("Fatima", "فاطمة"),
    ("Saeed", "سعيد"),
    ("Hassan", "الحسن"),
])
def test_transliterated_names_match(latin, native):
    assert score(latin, native) >= BENCHMARK_THRESHOLD
    assert score(native, latin) == pytest.approx(score(latin, native))


@pytest.mark.parametrize("latin, native", [
    pytest.param("hollis", "بيليس", id="skeleton-one-apart-needs-same-first-class"),
    pytest.param("Jin", "김", id="rigour-kim-jin-not-between-short-words"),
    pytest.param("Kang", "정", id="different-korean-surnames"),
    pytest.param("Park", "김", id="park-is-not-kim"),
    pytest.param("wigram", "傑倫", id="same-classes-few-letters-shared"),
])
def test_transliterated_names_do_not_match(latin, native):
    assert score(latin, native) < BENCHMARK_THRESHOLD


def test_korean_surnames_count_only_across_scripts():
    park, bak = _w("park"), analyze("박", "person").words[0]
    assert bak.text == "bak" and "kor:bak" in park.symbols and "kor:bak" in bak.symbols
    assert compare_words(park, bak, True, True, False).kind == "variant"
    # Between two Latin spellings the Korean table says nothing (here without rigour's symbols, which may).
    rhee = Word("rhee", 1.0, frozenset({"kor:yi"}), "R", "rh", False, False)
    yi = Word("yi", 1.0, frozenset({"kor:yi"}), "Y", "", False, False)
    assert compare_words(rhee, yi, True, True, False).kind == "variant"
    assert compare_words(rhee, yi, True, False, False).score == 0.0
