"""Organisation rules of issue 17, point 1, on short self-written texts: one case per kind of rule."""
import pytest

from watchlists import extract as ex
from watchlists import nlp as wnlp


@pytest.fixture(scope="module")
def nlp():
    return wnlp.load()


def spans(nlp, text):
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
    got = spans(nlp, text)
    assert want <= got, (kind, got)
    assert not (unwanted & got), (kind, got)
