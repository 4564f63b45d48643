"""rigour's name symbols come from a table built once (screening/engine/data/rigour_name_symbols.tsv.gz), not from
rigour's person-name tagger in every process: the table is the installed rigour's, and it gives the tagger's
symbols word for word.
"""
from __future__ import annotations

import csv
import re
from importlib.metadata import version
from pathlib import Path

import pytest
from rigour.names import NameTypeTag, analyze_names

from screening.engine.normalize import UnscreenableName, _rigour_symbols, analyze, rigour_symbols_version

FIXTURES = Path(__file__).parent / "fixtures"

# Names in the scripts and spellings the table must cover, beside the words of our fixture lists.
NAMES = [
    # Korean and Chinese, read syllable by syllable, and their Latin spellings
    "김정은", "金正恩", "박근혜", "문재인", "习近平", "李克强", "王毅", "Kim Jong Un", "Park Geun-hye", "Lee Myung-bak",
    "Choe Ryong Hae", "Jeong Eun", "Xi Jinping", "Zhang Wei", "Liu Yang",
    # Arabic and Persian
    "محمد بن سلمان", "عبد الله الثاني", "معمر القذافي", "Muammar Gaddafi", "Moammar Qadhafi", "Abd al-Rahman",
    "Abdulrahman", "Osama bin Laden", "Ayman al-Zawahiri", "Qasem Soleimani", "Hassan Nasrallah", "Fatima Zahra",
    # Russian, Ukrainian and Belarusian
    "Владимир Путин", "Сергей Шойгу", "Михаил Ходорковский", "Юлия Тимошенко", "Аляксандр Лукашэнка",
    "Mikhail Khodorkovsky", "Chodorkowski", "Yevgeny Prigozhin", "Igor Sechin", "Olga Petrovna Ivanova",
    # given names and nicknames
    "Bill Smith", "William Jones", "Bob Robert", "Peggy Margaret", "Jack John Jonathan", "Alexander Sasha Iskandar",
    # words rigour treats apart: honorifics, particles, numbers written out
    "Mr Dr Sheikh Abu Bin Ibn Al El Van Der", "First Second II III",
]


def _fixture_names() -> list[str]:
    names: list[str] = []
    for path in (FIXTURES / "lists" / "good.csv", FIXTURES / "lists" / "crm_sanctions.csv"):
        with path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                names.append(row["Name"])
                names.extend(a for a in row["Aliases"].split(";") if a)
    with (FIXTURES / "clients" / "crm_extract.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))[4:]
    names.extend(cell for row in rows for cell in row[1:3] + row[7:8] if cell)
    ofac = (FIXTURES / "lists" / "ofac" / "sdn.csv").read_bytes().decode("latin-1")
    names.extend(m.group(1) for m in re.finditer(r'^\d+,"([^"]+)"', ofac, re.MULTILINE))
    return names


def _sample_words() -> list[str]:
    """Every word the engine makes of these names, and each two neighbours run together (as the scorer does)."""
    words: set[str] = set()
    for name in NAMES + _fixture_names():
        for type in ("person", "unknown"):
            try:
                texts = [w.text for w in analyze(name, type).words]
            except UnscreenableName:
                continue
            words.update(texts)
            words.update(a + b for a, b in zip(texts, texts[1:]))
    return sorted(words)


def _tagger_symbols(word: str) -> list[str]:
    """rigour's person-name tagger on the word alone: its single-word NAME and NICK symbols (the reference; the
    tagger is built on its first call, ~260 MB and several seconds, once for this test module)."""
    names = analyze_names(NameTypeTag.PER, [word], phonetics=False, numerics=False, consolidate=False)
    return sorted({f"{span.symbol.category.value.lower()}:{span.symbol.id}" for n in names for span in n.spans
                   if span.symbol.category.value in ("NAME", "NICK") and len(span.parts) == 1})


def test_the_table_is_built_from_the_installed_rigour():
    # A new rigour release may tag differently: rebuild with `python tools/build_name_symbols.py`.
    assert rigour_symbols_version() == version("rigour")


@pytest.mark.slow
def test_the_table_gives_the_taggers_symbols_for_every_word():
    words = _sample_words()
    assert len(words) >= 300
    for word in ("gim", "jeong", "eun", "xi", "muammar", "moammar", "vladimir", "putin", "bill", "william"):
        assert word in words
    differences = {w: (sorted(_rigour_symbols(w)), _tagger_symbols(w)) for w in words
                   if sorted(_rigour_symbols(w)) != _tagger_symbols(w)}
    assert differences == {}
    # the sample is not all misses: most of these words are names rigour knows
    assert sum(1 for w in words if _rigour_symbols(w)) >= len(words) // 3


def _shared(a: str, b: str, kind: str) -> set[str]:
    wa, wb = analyze(a, "person").words[0], analyze(b, "person").words[0]
    return {s for s in wa.symbols & wb.symbols if s.startswith(kind + ":")}


@pytest.mark.parametrize("a, b", [
    ("Muammar", "Moammar"),        # one Wikidata given name, two spellings
    ("Vladimir", "Wladimir"),
    ("Mohammed", "Muhammad"),
    ("Aleksandr", "Alexander"),
])
def test_spellings_of_one_name_share_a_name_symbol(a, b):
    assert _shared(a, b, "name")


@pytest.mark.parametrize("a, b", [
    ("Bill", "William"),
    ("Jonathan", "Jon"),
])
def test_a_nickname_shares_a_nick_symbol_with_its_name(a, b):
    assert _shared(a, b, "nick")


@pytest.mark.parametrize("word", ["xqzvw", "acmecorp", "zzyzzx"])
def test_words_rigour_does_not_know_have_no_rigour_symbol(word):
    assert _rigour_symbols(word) == []
    assert not any(s.startswith(("name:", "nick:")) for s in analyze(word, "person").words[0].symbols)
