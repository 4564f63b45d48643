"""Invariants on any input: keys are stable, cleaning and decoding never crash, copies are recognised."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from screening.engine.normalize import name_key
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


_WORDS = ("Acme", "was", "charged", "with", "fraud", "laundering", "money", "North", "Korea", "N.", "helping", "arms",
          "to", "Iran", "sanctions", "on", "anti-terror", "laws", "al-Qaeda", "war", "crimes", "the", "firm", "bribes",
          "tax", "evasion", "VAT", "OFAC", "SDN", "list", "nuclear", "program", "Ponzi", "scheme", "cyber-attack",
          "fined", "record", "penalty", "drug", "cartel", "smuggling", "insider", "trading", "kidnapped", ",", ".")


@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=25))
@settings(max_examples=400, deadline=None)
def test_the_trigger_index_finds_what_every_pattern_finds(words):
    from watchlists import risk

    text = " ".join(words)
    everything = []
    for name, pat in risk._PATTERNS_COMPILED:  # every pattern, no index: the slow reference
        for m in pat.finditer(text):
            if not (risk._POLICY_BEFORE.search(text[max(0, m.start() - 30):m.start()])
                    or risk._POLICY_AFTER.match(text[m.end():m.end() + 30])):
                everything.append((name, m.group(0), m.start()))
    assert risk._find_cached.__wrapped__(text) == tuple(everything)


# --- the one text decoder ------------------------------------------------------------------------------------------

@given(st.binary(max_size=2000))
@settings(max_examples=300, deadline=None)
def test_any_bytes_decode_to_text_or_a_clear_refusal(data):
    from screening.engine.textio import TextDecodeError, decode_text
    try:
        decoded = decode_text(data)
    except TextDecodeError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert isinstance(decoded.text, str) and "\x00" not in decoded.text


@given(st.text(max_size=300).filter(lambda t: "\x00" not in t))
def test_utf8_text_decodes_to_itself(text):
    from screening.engine.textio import decode_text
    assert decode_text(text.encode("utf-8")).text == text
    assert decode_text(b"\xef\xbb\xbf" + text.encode("utf-8")).text == text
