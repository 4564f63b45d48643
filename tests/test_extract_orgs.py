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
    # a generation or a monarch's number: rigour reads "II" as a legal form
    ("Police said Curtis Lee White II was arrested on Friday.", "Lee White II"),
    ("Pope John Paul II met Charles Taylor in Rome.", "John Paul II"),
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


def sentence_spans(nlp, text):
    doc = nlp(text)
    return {(text[s:e], label) for s, e, label in ex.extract_spans([text], [doc])[0]}


# (kind, text, spans that must be found, spans that must not be found)
CASES = [
    ("legal form after capitalised words makes the full legal name",
     "Prosecutors charged Orion Foods Pte. Ltd. with fraud on Monday.",
     {("Orion Foods Pte. Ltd.", "ORG")}, {("Orion Foods", "ORG"), ("Orion Foods", "PER")}),
    ("lower-case legal form",
     "The deal values Brackwell Holdings plc at 40 million pounds.",
     {("Brackwell Holdings plc", "ORG")}, set()),
    ("two-letter legal form",
     "Workers at Dalmonte SA walked out over pay on Friday.",
     {("Dalmonte SA", "ORG")}, set()),
    ("legal form keeps its point at the end of a sentence",
     "The two men ran a company called Quillbyte LLC.",
     {("Quillbyte LLC.", "ORG")}, {("LLC", "ORG")}),
    ("a person named before a company is not part of its name",
     "Investors sued Gregory Fairweather and Redgum Minerals Pty Ltd on Friday.",
     {("Gregory Fairweather", "PER"), ("Redgum Minerals Pty Ltd", "ORG")}, set()),
    ("company noun before a one-word name",
     "A spokesman for the software firm Zentrix said the attack had been stopped.",
     {("Zentrix", "ORG")}, {("Zentrix", "PER")}),
    ("company words after a name",
     "Zentrix spokesman Paul Harding said the plant would close.",
     {("Zentrix", "ORG"), ("Paul Harding", "PER")}, {("Zentrix", "PER")}),
    ("given name and surname next to company words stays a person",
     "The bank chairman John Weller resigned on Tuesday.",
     {("John Weller", "PER")}, {("John Weller", "ORG")}),
    ("party as a modifier",
     "Tory leaders backed the plan, and a Labour MP welcomed it.",
     {("Tory", "ORG"), ("Labour", "ORG")}, set()),
    ("party by its members' plural name",
     "The Liberal Democrats and the Tories voted against the bill.",
     {("Liberal Democrats", "ORG"), ("Tories", "ORG")}, set()),
    ("party inside a hyphenated word",
     "The former ex-Conservative minister called the poster anti-Labour.",
     {("Conservative", "ORG"), ("Labour", "ORG")}, set()),
    ("title of a work after a work noun is not a name",
     "Critics praised the comedy Mabel Strand, which opened in London.",
     set(), {("Mabel Strand", "PER"), ("Mabel Strand", "ORG")}),
    ("known place after a preposition of place is not an organisation",
     "Doctors at a hospital in Calcutta said her fever had fallen.",
     set(), {("Calcutta", "ORG")}),
    ("a competition is not an organisation",
     "Shares in the club rose after it reached the final of the Northland Challenge Cup.",
     set(), {("Northland Challenge Cup", "ORG")}),
    ("an 's that a comma follows belongs to the organisation's name",
     "Brannigan's, the restaurant chain, said profits rose. Brannigan's shares fell later.",
     {("Brannigan's", "ORG")}, {("Brannigan", "ORG")}),
    ("an acronym in brackets after an organisation is that organisation",
     "Talks with the Northern Farmers Alliance ( NFA ) broke down on Monday.",
     {("Northern Farmers Alliance", "ORG"), ("NFA", "ORG")}, set()),
    ("descriptor words after an organisation are outside it",
     "The Associated Press news agency reported the arrests.",
     {("Associated Press", "ORG")}, {("Associated Press news agency", "ORG")}),
    ("a place's possessive before a legal name is outside it",
     "Investors sold shares in Germany's Brenner Logistik AG on Monday.",
     {("Brenner Logistik AG", "ORG")}, {("Germany's Brenner Logistik AG", "ORG")}),
    ("a place's possessive before a legal form written first is outside the name",
     "Sales of stakes in firms including Russia's OAO Volga Networks raised 1.2bn euros.",
     {("OAO Volga Networks", "ORG")}, {("Russia's OAO Volga Networks", "ORG")}),
]

# (kind, paragraphs of one article, index of the paragraph checked, wanted spans, unwanted spans)
ARTICLE_CASES = [
    ("surname of a person named in full is a person where the model says organisation",
     ["President Lennart Vosk opened the session on Monday.", "Vosk said the vote would be held next week."],
     1, {("Vosk", "PER")}, {("Vosk", "ORG")}),
    ("dateline city is a place",
     ["HALLSTOWE , England 1996-08-27", "Police arrested three men on Tuesday."],
     0, set(), {("HALLSTOWE", "ORG")}),
    ("county in a cricket score line is a team",
     ["Cricket scores from the county championship match on Friday.", "At Leicester : Essex 343-8 ( P. Wendt 108 )"],
     1, {("Essex", "ORG"), ("P. Wendt", "PER")}, set()),
    ("player with his country in a results line stays a person",
     ["Tennis results from the open on Monday.", "Karl Odrany ( Austria ) vs. Pieter Smeets ( Belgium )"],
     1, {("Pieter Smeets", "PER")}, {("Pieter Smeets", "ORG")}),
    ("driver's team after his country in a results row",
     ["Results from the last race of the season, where the champions were crowned.", "2. Tomas Rengard ( Sweden ) Falcoria 1:54.342"],
     1, {("Tomas Rengard", "PER"), ("Falcoria", "ORG")}, set()),
    ("player's club in brackets",
     ["Football squad named for the league match on Saturday.", "Defenders - Marek Hollin ( Brevaux ) ."],
     1, {("Marek Hollin", "PER"), ("Brevaux", "ORG")}, set()),
    ("team words around a name in a sports article make it a team",
     ["The league season resumes after the cup match on Saturday.",
      "The defeat leaves them two points behind leaders Vellmar , whose striker scored twice."],
     1, {("Vellmar", "ORG")}, {("Vellmar", "PER"), ("Vellmar", "LOC")}),
    ("an age after a name makes a person",
     ["Support for Vaikmaa , 68 , remained at 34 votes .", "Opposition leaders met Kallasmaa , who refused to resign."],
     0, {("Vaikmaa", "PER")}, {("Vaikmaa", "ORG")}),
    ("'who' after a name makes a person outside sport",
     ["Support for Vaikmaa , 68 , remained at 34 votes .", "Opposition leaders met Kallasmaa , who refused to resign."],
     1, {("Kallasmaa", "PER")}, {("Kallasmaa", "ORG")}),
]


@pytest.mark.parametrize("kind,paras,index,want,unwanted", ARTICLE_CASES, ids=[c[0] for c in ARTICLE_CASES])
def test_article_rules(nlp, kind, paras, index, want, unwanted):
    docs = list(nlp.pipe(paras))
    got = {(paras[index][s:e], label) for s, e, label in ex.extract_spans(paras, docs)[index]}
    assert want <= got, (kind, got)
    assert not (unwanted & got), (kind, got)


@pytest.mark.parametrize("kind,text,want,unwanted", CASES, ids=[c[0] for c in CASES])
def test_org_rules(nlp, kind, text, want, unwanted):
    got = sentence_spans(nlp, text)
    assert want <= got, (kind, got)
    assert not (unwanted & got), (kind, got)


# The English word rules (descriptor trim, company words, parties, 's, titles of works) are not applied to French:
# a French public body's name goes on in lower case.
FRENCH_NAMES = [
    ("Le Conseil constitutionnel a rejeté le recours des députés.", "Conseil constitutionnel"),
    ("Le Parquet national financier a ouvert une enquête sur la société.", "Parquet national financier"),
]


@pytest.fixture(scope="module")
def nlp_fr():
    return wnlp.load(lang="fr")


@pytest.mark.parametrize("text,name", FRENCH_NAMES)
def test_french_names_keep_their_lower_case_words(nlp_fr, text, name):
    got = {text[s:e] for s, e, label in ex.extract_spans([text], [nlp_fr(text)], lang="fr")[0] if label == "ORG"}
    assert name in got, got
