"""Public functions of people named in news (``watchlists.functions``): what makes a news person a PEP, its country,
and what is not one. Pure: sentences in, functions out."""
from __future__ import annotations

import pytest

from watchlists.functions import CATEGORIES, describe, find


def read(sentence: str, name: str):
    start = sentence.index(name)
    return find(sentence, start, start + len(name))


@pytest.mark.parametrize("sentence, name, title, category, country", [
    ("According to the White House, US President Barack Obama and China's Prime Minister Li Keqiang agreed to step "
     "up cooperation.", "Li Keqiang", "Prime Minister", "head_of_government", "cn"),
    ("According to the White House, US President Barack Obama and China's Prime Minister Li Keqiang agreed to step "
     "up cooperation.", "Barack Obama", "President", "head_of_state", "us"),
    ("Li Keqiang, the Prime Minister of China, arrived on Monday.", "Li Keqiang", "Prime Minister",
     "head_of_government", "cn"),
    ("German Chancellor Olaf Scholz said so.", "Olaf Scholz", "Chancellor", "head_of_government", "de"),
    ("Chancellor Gordon Brown backed the plan.", "Gordon Brown", "Chancellor", "minister", None),
    ("US Senator John Kerry said so.", "John Kerry", "Senator", "parliament", "us"),
    ("But Tony Banks, Labour MP for West Ham, said the issue would disappear.", "Tony Banks",
     "Labour MP for West Ham", "parliament", "gb"),
    ("\"The economy is heading upward,\" said the central bank governor Park Seung.", "Park Seung",
     "Central bank governor", "central_bank", None),
    ("Clark Randt, the US ambassador to China, said so.", "Clark Randt", "Ambassador to China", "ambassador", "us"),
    ("Mark Thatcher, the son of former Prime Minister Margaret Thatcher, was arrested.", "Mark Thatcher",
     "son of former Prime Minister", "relative", None),
    ("President Bush's brother Jeb Bush said so.", "Jeb Bush", "brother of President", "relative", None),
    ("Ms Kelly entered the Cabinet after the resignation of the then Home Secretary David Blunkett.",
     "David Blunkett", "former Home Secretary", "minister", "gb"),
    ("Tony Blair has pledged never to attack Tory leader Michael Howard over his beliefs.", "Michael Howard",
     "Tory leader", "party", "gb"),
    ("At the time Lord Woolf, the Lord Chief Justice, had said so.", "Woolf", "Lord Chief Justice", "judge", "gb"),
    ("Jacques Barrot, vice president of the European Commission, said the changes were necessary.",
     "Jacques Barrot", "Vice president of the European Commission", "international", None),
    ("Federal Reserve chairman Alan Greenspan said rates would rise.", "Alan Greenspan", "Federal Reserve chairman",
     "central_bank", None),
    ("Gazprom chief executive Alexei Miller said so.", "Alexei Miller", "Gazprom chief executive",
     "state_enterprise", None),
    ("When President Nestor Kirchner of Argentina arrived in power he began to negotiate.", "Nestor Kirchner",
     "President", "head_of_state", "ar"),
    ("Analysts discussed Mr Brown's ambitions to replace Mr Blair as prime minister.", "Blair", "Prime minister",
     "head_of_government", None),
    ("Among those with reservations were senior shadow cabinet members David Davis, Oliver Letwin and Tim Yeo.",
     "Tim Yeo", "Senior shadow cabinet members", "party", None),
    ("Pakistan's General Pervez Musharraf said so.", "Pervez Musharraf", "General", "military", "pk"),
    ("He said advice had been published regarding Prince Charles's marriage plans.", "Charles",
     "Member of a royal family", "relative", None),
    ("The claims about Lord Falconer were made in a book.", "Falconer", "Member of the House of Lords",
     "parliament", "gb"),
])
def test_a_function_and_its_country_are_read_from_the_sentence(sentence, name, title, category, country):
    found = read(sentence, name)
    assert found is not None, sentence
    assert (found.title, found.category, found.country) == (title, category, country)
    assert found.category in CATEGORIES
    # What the watchlist keeps of it (title and country) reads back as the same category.
    assert describe(found.title, found.country).category == category


@pytest.mark.parametrize("sentence, name", [
    ("Barack Obama and Li Keqiang have discussed imposing sanctions on North Korea.", "Li Keqiang"),
    ("The prime minister was speaking as London's Labour mayor Ken Livingstone remained in a row.", "Ken Livingstone"),
    ("Toyota president Fujio Cho said so.", "Fujio Cho"),
    ("Arsenal chairman Peter Hill-Wood said so.", "Peter Hill-Wood"),
    ("Former union leader Sir Bill Morris has accused both parties.", "Bill Morris"),
    ("Judge Charles Harris QC made his remarks.", "Charles Harris"),
    ("Notts police chief Steve Green said innocent people would suffer.", "Steve Green"),
    ("Marsh's new chief executive, Michael Cherkasky, is trying to negotiate.", "Michael Cherkasky"),
    ("BBC home affairs correspondent Danny Shaw said the research is inconclusive.", "Danny Shaw"),
    ("Dr Richard Lewis, Welsh secretary of the British Medical Association, welcomed the targets.", "Richard Lewis"),
    ("Auditor General Sir John Bourn said literacy would improve.", "John Bourn"),
    ("Local baker Margaret Pennywhistle said her stall sold out by noon.", "Margaret Pennywhistle"),
    ("Lord Hanningfield's rival Jane Doe, leader of Essex County Council, spoke.", "Jane Doe"),
    ("Mr Smith met Tony Blair when he was Home Secretary.", "Mr Smith"),
])
def test_no_function_where_the_sentence_gives_none(sentence, name):
    assert read(sentence, name) is None


def test_nothing_is_read_outside_the_sentence():
    assert find("", 0, 0) is None
    assert find("President X", 5, 99) is None
