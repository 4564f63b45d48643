"""The hand-labelled BBC sentence sample (benchmarks/data/bbc_ner_sample.jsonl) and its benchmark.

The fixture refers to BBC articles by path, offsets and hash and holds no BBC text (research-use data). These tests
need no BBC data: they check the fixture's shape, and run the benchmark on a tiny article of our own writing.
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

import ner_bbc_sample as bench  # noqa: E402

FIXTURE = REPO / "benchmarks" / "data" / "bbc_ner_sample.jsonl"
ITEMS = bench.load_fixture(FIXTURE)


def test_the_sample_has_300_sentences_from_every_category_weighted_to_business_and_politics():
    assert len(ITEMS) >= 300
    assert len({i["id"] for i in ITEMS}) == len(ITEMS)
    categories = Counter(i["article"].split("/")[1] for i in ITEMS)
    assert set(categories) == {"business", "entertainment", "politics", "sport", "tech"}
    assert categories["business"] + categories["politics"] >= 0.5 * len(ITEMS)
    assert len({i["article"] for i in ITEMS}) >= 150  # many articles, not a few long ones


def test_the_fixture_holds_references_and_spans_only_never_text():
    for item in ITEMS:
        assert set(item) == {"id", "article", "start", "end", "sha1", "entities"}
        assert re.fullmatch(r"bbc/[a-z]+/\d{3}\.txt", item["article"])
        assert re.fullmatch(r"[0-9a-f]{12}", item["sha1"])
        assert 0 <= item["start"] < item["end"]
        spans = sorted(item["entities"])
        for s, e, label in spans:
            assert label in ("PER", "ORG")
            assert 0 <= s < e <= item["end"] - item["start"]
        for (_, e1, _), (s2, _, _) in zip(spans, spans[1:]):
            assert e1 <= s2, f"{item['id']}: overlapping spans"


def test_both_labels_are_well_represented():
    labels = Counter(label for item in ITEMS for _, _, label in item["entities"])
    assert labels["PER"] >= 100 and labels["ORG"] >= 100


def test_the_benchmark_skips_with_a_message_when_the_bbc_data_is_missing(tmp_path, capsys):
    assert bench.main(["--bbc", str(tmp_path / "nowhere")]) == 0
    assert "skipped" in capsys.readouterr().out


ARTICLE = ("Orion Foods fined over labels\n\n"
           "Orion Foods Ltd was fined on Monday. Its chairman, Peter Walsh, said the firm would appeal.\n\n"
           "Shares fell 3%.\n")


def test_sentences_are_scored_by_offsets_in_the_cleaned_article_and_stale_ones_refused(tmp_path, capsys):
    folder = tmp_path / "bbc" / "business"
    folder.mkdir(parents=True)
    (folder / "001.txt").write_text(ARTICLE, encoding="utf-8")
    paragraphs = bench.read_article(folder / "001.txt")
    text = "\n\n".join(paragraphs)
    start = text.index("Its chairman")
    end = text.index("appeal.") + len("appeal.")
    sentence = text[start:end]
    good = {"id": "t1", "article": "bbc/business/001.txt", "start": start, "end": end,
            "sha1": bench.text_hash(sentence),
            "entities": [[sentence.index("Peter Walsh"), sentence.index("Peter Walsh") + 11, "PER"]]}
    stale = {**good, "id": "t2", "sha1": "000000000000"}
    fixture = tmp_path / "sample.jsonl"
    fixture.write_text("\n".join(json.dumps(i) for i in (good, stale)) + "\n", encoding="utf-8")

    assert bench.main(["--bbc", str(tmp_path), "--fixture", str(fixture)]) == 0
    out = capsys.readouterr().out
    assert "refused 1 sentence(s)" in out and "t2" in out
    assert "1 sentences scored" in out and "PER 1, ORG 0" in out
    # offsets line up with what the pipeline reads: the one name found is the labelled one
    assert re.search(r"PER\+ORG F1 \(our path\): 1\.000", out)
