"""Organisations in news text: legal forms, full legal names, known names and the boundary rules (issue 17, point 1).

Short texts of our own writing; each case is one of a kind of rule, not a name the rules know.
"""
import pytest

from watchlists import extract as ex
from watchlists import nlp as wnlp


@pytest.fixture(scope="module")
def nlp():
    return wnlp.load()


def spans(nlp, paragraphs, known=None):
    docs = list(nlp.pipe(paragraphs))
    out = ex.extract_spans(paragraphs, docs, known)
    return [{(p[s:e], label) for s, e, label in para} for p, para in zip(paragraphs, out)]


# A legal form makes a span an organisation and extends it to the full legal name.
LEGAL_NAMES = [
    ("Prosecutors charged Orion Foods Pte. Ltd. with fraud on Monday.", "Orion Foods Pte. Ltd."),
    ("Regulators fined Acme Holdings plc and its auditors.", "Acme Holdings plc"),
    ("Shares in Siemens AG rose on Tuesday.", "Siemens AG"),
    ("Grupo Bimbo S.A. de C.V. denied the allegations.", "Grupo Bimbo S.A. de C.V."),
    ("He works as an analyst at Northwind Trading LLC in Dubai.", "Northwind Trading LLC"),
    ("Mitsubishi Gas Chemical Co Ltd said profits fell.", "Mitsubishi Gas Chemical Co Ltd"),
    ("The bank Ziraat Bankasi A.S. was named in the report.", "Ziraat Bankasi A.S."),
    ("Sanctions were imposed on OOO Stroygazmontazh last year.", "OOO Stroygazmontazh"),  # the form first
    ("PT Teguh Sakti said it would appeal.", "PT Teguh Sakti"),
    ("Bernie Ebbers Ltd was wound up.", "Bernie Ebbers Ltd"),  # a person's name with a legal form: a company
    ("Procter & Gamble Co. reported results.", "Procter & Gamble Co."),
]


@pytest.mark.parametrize("text,name", LEGAL_NAMES)
def test_legal_form_makes_the_full_legal_name_an_organisation(nlp, text, name):
    assert (name, "ORG") in spans(nlp, [text])[0]


# Two companies in a row stay two; words that look like legal forms but are not written as such stay out.
NOT_JOINED = [
    ("Prosecutors charged Orion Foods Pte. Ltd. and Acme Holdings plc.",
     {"Orion Foods Pte. Ltd.", "Acme Holdings plc"}),
    ("Volkswagen AG and Daimler-Benz AG agreed a deal.", {"Volkswagen AG", "Daimler-Benz AG"}),
    ("Barclays Bank PLC, Stark Industries and Wayne Enterprises Inc. were fined.",
     {"Barclays Bank PLC", "Stark Industries", "Wayne Enterprises Inc."}),
]


@pytest.mark.parametrize("text,names", NOT_JOINED)
def test_neighbouring_companies_stay_apart(nlp, text, names):
    got = {n for n, label in spans(nlp, [text])[0] if label == "ORG"}
    assert names <= got


@pytest.mark.parametrize("text,person", [
    ("Anna Sa said she would appeal.", "Anna Sa"),  # rigour reads "sa" as a legal form: not in title case
    ("Bernie Ebbers was fined on Friday.", "Bernie Ebbers"),
])
def test_a_word_like_a_legal_form_does_not_make_a_person_a_company(nlp, text, person):
    got = spans(nlp, [text])[0]
    assert (person, "ORG") not in got


# Names on the watchlist or a loaded list are found by the entity ruler, in capitals too, typed by the list.
def test_known_organisations_are_found_whatever_the_case(nlp):
    known = ex.KnownNames(nlp, [("BANCO NACIONAL DE CUBA", "organization"), ("Redgum Minerals", "organization"),
                                ("Tarrant Shipping Line", "organization")])
    got = spans(nlp, ["Banco Nacional de Cuba and REDGUM MINERALS were named.",
                      "The tarrant shipping line notice was not a name."], known)
    assert ("Banco Nacional de Cuba", "ORG") in got[0]
    assert ("REDGUM MINERALS", "ORG") in got[0]
    assert not any(label == "ORG" and "shipping" in n for n, label in got[1])  # lower case: running text


# Boundary and label rules, one case of each kind.
KINDS = [
    # a surname alone is the person named in full earlier in the article
    (["Police arrested Maria Kowalczyk on Friday.", "Kowalczyk denied the charges."], 1, ("Kowalczyk", "PER")),
    # a dateline's names are places
    (["OSLO 2026-12-04", "The company said profits rose."], 0, ("OSLO", "LOC")),
    # a competition is not an organisation
    (["Brazil won the Confederations Cup on Sunday."], 0, None),
    # a name before a role held in an organisation is the organisation
    (["Galatasaray striker Adrian Knup scored twice."], 0, ("Galatasaray", "ORG")),
    # a company's shares
    (["Zenith 's shares rose 5 percent after the deal."], 0, ("Zenith", "ORG")),
    # a newspaper named after its kind
    (["The story ran in the French daily Le Figaro on Thursday."], 0, ("Le Figaro", "ORG")),
    # a fixture line in a sports story names clubs (a state or city too, not a country)
    (["Baseball: the major league schedule for the season.", "FLORIDA AT ST LOUIS"], 1, ("FLORIDA", "ORG")),
    # a results table names clubs
    (["Standings in the football league after the match on Sunday.", "Hamburg 4 2 0 2 7 7 6"], 1, ("Hamburg", "ORG")),
    # a player's bracketed name that is not a country is his club
    (["The coach named his squad for the football match.",
      "Strikers - Kubilay Turkyilmaz ( Grasshoppers ) , Adrian Knup ( Galatasaray ) ."], 1,
     ("Galatasaray", "ORG")),
    # a ranked athlete with a country and a time is a person, not a team
    (["Results of the athletics meeting on Friday.", "1. Daniel Komen ( Kenya ) 7 minutes 25.87 seconds"], 1,
     ("Daniel Komen", "PER")),
    # a team's line-up in a sports story: its names are players, the substitute in brackets too
    (["The football league match ended in a draw.",
      "Oakley, Prentice, Morrow, Castell, Hartigan, Vane (Dunmore 78), Keble."], 1, ("Castell", "PER")),
    (["The football league match ended in a draw.",
      "Oakley, Prentice, Morrow, Castell, Hartigan, Vane (Dunmore 78), Keble."], 1, ("Dunmore", "PER")),
    (["The rugby match was played on Saturday.",
      "Ruritania - 15 - Tom Oakley ( Ben Vane , 70 ) , 14 - Jack Prentice , 13 - Sam Morrow , 12 - Ed Castell , "
      "11 - Max Hartigan ; 10 - Will Keble"], 1, ("Ben Vane", "PER")),
]


@pytest.mark.parametrize("paragraph", [
    "He met Blair, Brown, Prescott, Straw, Hoon and Reid on Monday.",      # a sentence, not a line-up
    "Apples, pears, Bananas, Grapes, Lemons",                              # too few names
])
def test_a_list_in_a_sentence_is_not_a_line_up(paragraph):
    assert ex._lineup(paragraph) == []


@pytest.mark.parametrize("paragraphs,index,expected", KINDS)
def test_boundary_and_label_rules(nlp, paragraphs, index, expected):
    got = spans(nlp, paragraphs)[index]
    if expected is None:
        assert not any(label == "ORG" for _, label in got), got
    else:
        assert expected in got, got
