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
    ("descriptor words after an organisation are outside it",
     "The Associated Press news agency reported the arrests.",
     {("Associated Press", "ORG")}, {("Associated Press news agency", "ORG")}),
]


@pytest.mark.parametrize("kind,text,want,unwanted", CASES, ids=[c[0] for c in CASES])
def test_org_rules(nlp, kind, text, want, unwanted):
    got = spans(nlp, text)
    assert want <= got, (kind, got)
    assert not (unwanted & got), (kind, got)
