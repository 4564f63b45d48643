"""Invariants on any input: keys are stable, cleaning and decoding never crash, copies are recognised."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from screening.normalize import name_key
from watchlists import dedupe
from watchlists.cleaning import clean, printable
from watchlists.errors import ArticleError
from watchlists.sources import decode


@given(st.text(max_size=80))
def test_name_key_is_idempotent(name):
    key = name_key(name)
    assert name_key(key) == key
    assert key == key.strip() and "  " not in key


@given(st.text(max_size=2000))
@settings(max_examples=150, deadline=None)
def test_cleaning_never_crashes_and_keeps_only_input_lines(text):
    result = clean(text)

    def squeeze(s: str) -> str:  # control characters are dropped on purpose
        return "".join(printable(s).replace("\u200b", "").split())

    for p in result.paragraphs:
        assert p.strip() and squeeze(p) in squeeze(text)


@given(st.binary(max_size=3000))
@settings(max_examples=200, deadline=None)
def test_decoding_returns_text_or_a_clear_error(data):
    try:
        text, encoding = decode(data, "x.txt")
    except ArticleError as exc:
        assert str(exc).startswith("x.txt: ")
    else:
        assert isinstance(text, str) and encoding


@given(st.lists(st.sampled_from("the firm was charged with fraud on monday after a long probe into its "
                                "accounts by police in london and paris".split()), min_size=30, max_size=120))
@settings(max_examples=50, deadline=None)
def test_a_text_is_a_full_copy_of_itself(words):
    text = " ".join(words)
    assert dedupe.text_hash(text) == dedupe.text_hash(text.upper() + "  ")
    sh = dedupe.shingles(text)
    assert dedupe.jaccard(sh, sh) == 1.0
    assert dedupe.bands(dedupe.minhash(sh)) == dedupe.bands(dedupe.minhash(set(sh)))
