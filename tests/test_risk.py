"""The adverse-media signal: categories, trigger words, stage, and who is the subject of the sentence."""
from __future__ import annotations

import pytest

from watchlists.risk import TAXONOMY, classify


def _at(sentence, name):
    i = sentence.index(name)
    return sentence, i, i + len(name)


REQUIRED = {"sanctions", "proliferation", "terrorism", "money_laundering", "fraud", "bribery_corruption",
            "tax_crime", "organised_crime", "cybercrime", "trafficking"}


def test_taxonomy_covers_the_fatf_categories_we_promise():
    assert REQUIRED <= set(TAXONOMY)
    for name, (label, weight, ref, patterns) in TAXONOMY.items():
        assert label and ref and patterns and 0 < weight <= 1


@pytest.mark.parametrize("sentence,name,category,stage", [
    ("Acme Trading Ltd was convicted of laundering money for a drug cartel.", "Acme Trading Ltd",
     "money_laundering", "conviction"),
    ("Prosecutors charged John Smith with fraud on Monday.", "John Smith", "fraud", "charge"),
    ("Police are investigating Globex Corp over alleged bribes paid to officials.", "Globex Corp",
     "bribery_corruption", "investigation"),
    ("Maria Rossi is accused of tax evasion.", "Maria Rossi", "tax_crime", "allegation"),
    ("Ocean Star Shipping was accused of supplying North Korea with oil.", "Ocean Star Shipping", "sanctions",
     "allegation"),
    ("Kestrel Shipping Ltd. carried fuel to North Korea in 2023, the lawsuit says.", "Kestrel Shipping Ltd.",
     "sanctions", "charge"),
    ("The firm Delta Dynamics exported dual-use parts to Iran's missile program.", "Delta Dynamics",
     "proliferation", None),
    ("Hackers linked to Lazarus Group stole $80m in a ransomware attack.", "Lazarus Group", "cybercrime", None),
    ("The regulator fined Oriole Freight Ltd for false invoices.", "Oriole Freight Ltd", "fraud", "conviction"),
])
def test_categories_and_stages(sentence, name, category, stage):
    sig = classify(*_at(sentence, name))
    assert category in sig.categories
    assert sig.stage == stage
    assert sig.adverse > 0
    assert any(t["category"] == category for t in sig.triggers)


def test_acquittal_is_marked_cleared_and_weighs_little():
    charged = classify(*_at("John Smith was charged with fraud.", "John Smith"))
    cleared = classify(*_at("John Smith was acquitted of fraud charges.", "John Smith"))
    assert cleared.stage == "cleared"
    assert 0 < cleared.adverse < charged.adverse


def test_the_enforcer_and_the_reporter_are_not_the_subject():
    s = "Barack Obama and Li Keqiang have discussed imposing sanctions on North Korea."
    assert classify(*_at(s, "Barack Obama")).adverse == 0
    assert classify(*_at(s, "Li Keqiang")).adverse == 0
    s = "According to Reuters, Acme Ltd paid bribes to the minister."
    assert classify(*_at(s, "Reuters")).adverse == 0
    assert classify(*_at(s, "Acme Ltd")).adverse > 0


def test_passive_reduced_clause_is_still_the_subject():
    s = "Acme Ltd charged with fraud, court papers show."
    assert classify(*_at(s, "Acme Ltd")).adverse > 0


def test_a_neutral_sentence_is_not_adverse():
    sig = classify(*_at("Acme Ltd opened a new factory in Ohio on Monday.", "Acme Ltd"))
    assert sig.categories == [] and sig.adverse == 0


def test_context_sentence_adds_evidence():
    s = "Officials are looking at the Chinese conglomerate, Liaoning Hongxiang."
    ctx = "The administration suspects that the firm has been assisting North Korea's nuclear program."
    sig = classify(*_at(s, "Liaoning Hongxiang"), context=ctx)
    assert {"sanctions", "proliferation"} <= set(sig.categories)
    assert all(t["in"] == "context" for t in sig.triggers)


@pytest.mark.parametrize("sentence,name", [
    ("Home Secretary Charles Clarke defended the new anti-terror laws in Parliament.", "Charles Clarke"),
    ("Charles Clarke said the Prevention of Terrorism Bill would pass.", "Charles Clarke"),
    ("Tony Blair said the fight against terrorism would go on.", "Tony Blair"),
    ("Acme Bank launched a money laundering awareness campaign for its staff.", "Acme Bank"),
])
def test_words_about_fighting_a_crime_are_no_allegation(sentence, name):
    sig = classify(*_at(sentence, name))
    assert sig.categories == [] and sig.adverse == 0


def test_an_investigating_authority_names_the_offence():
    sig = classify(*_at("The Serious Fraud Office is investigating Acme Ltd.", "Acme Ltd"))
    assert sig.categories == ["fraud"] and sig.stage == "investigation"


def test_sports_penalties_and_approval_are_not_adverse():
    for s, n in [("Contepomi kicked the penalty three minutes later.", "Contepomi"),
                 ("Lord Goldsmith said a UN resolution sanctioning military action was needed.", "Lord Goldsmith")]:
        assert classify(*_at(s, n)).categories == []
    s = "According to Mr Sands, the minister had taken bribes."
    assert classify(*_at(s, "Sands")).adverse == 0
    assert classify(*_at("The regulator imposed a record penalty on Acme Bank.", "Acme Bank")).categories
