"""The ``screening match`` and ``screening compare`` commands, through click's test runner.

``match`` runs against the bundled sample (news entities with excerpts) and against the tiny generic list
``fixtures/lists/good.csv`` imported with ``watchlist import``; ``compare`` needs no database at all.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from screening.cli import cli
from screening.engine.pairs import BENCHMARK_THRESHOLD, algorithm_id
from screening.store import watchlist as store

LISTS = Path(__file__).parent / "fixtures" / "lists"


def db_file(database) -> str:
    return next(row[2] for row in database.execute("PRAGMA database_list").fetchall() if row[1] == "main")


def run(db_path, *args):
    return CliRunner().invoke(cli, ["--db", str(db_path), *args])


@pytest.fixture(scope="module")
def list_db(tmp_path_factory) -> Path:
    """A database holding good.csv (DOE, John; Acme Trading LLC; Sea Breeze; Müller, Jürgen) as list csv:good."""
    path = tmp_path_factory.mktemp("lists") / "lists.db"
    r = run(path, "watchlist", "import", str(LISTS / "good.csv"), "--format", "csv")
    assert r.exit_code == 0, r.output
    return path


# --- match --------------------------------------------------------------------------------------------------

def test_match_shows_a_news_entity_with_reasons_and_excerpts(sample_db):
    r = run(db_file(sample_db), "match", "Liaoning Hongxiang Industrial")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].startswith('Screening "Liaoning Hongxiang Industrial" (type unknown) against watchlist version ')
    assert lines[0].endswith(f"algorithm {algorithm_id()}, threshold 0.70")
    first = next(line for line in lines if line.startswith("1. "))
    assert "Liaoning Hongxiang  (entity " in first and "organization, news" in first
    assert float(first.split()[1]) >= 0.70
    assert "    match     words agree: liaoning = liaoning (same word); hongxiang = hongxiang (same word)" in lines
    assert "    partial   only in the query: industrial" in lines
    assert sum(1 for line in lines if line.startswith("    > ")) == 2
    assert "targeting the finances of the Chinese industrial conglomerate, Liaoning Hongxiang." in r.output
    assert '"US and China to cooperate in tackling North Korea threat" (DW, 2016-09-20)' in r.output
    assert lines[-1].endswith("at or above 0.70.")


def test_match_json_for_a_news_entity(sample_db):
    path = db_file(sample_db)
    r = run(path, "match", "Li Keqiang", "--type", "person", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert set(out) == {"query", "threshold", "algorithm", "watchlist_version", "results", "match", "unscreened"}
    assert out["unscreened"] == []      # entities of this exact name kept out of screening: none here
    # The verdict is in the JSON: a script need not know the threshold.
    assert out["match"] is True and all(r["match"] for r in out["results"])
    assert out["query"] == {"name": "Li Keqiang", "type": "person", "countries": [], "birth_date": None}
    assert out["threshold"] == 0.70 and out["algorithm"] == algorithm_id()
    assert out["watchlist_version"] == store.current_version(sample_db)
    best = out["results"][0]
    assert {"entity_id", "entity_name", "matched_name", "score", "name_score", "type", "source", "reasons",
            "excerpts"} <= set(best)
    assert best["entity_name"] == best["matched_name"] == "Li Keqiang"
    assert best["score"] == 1.0 and best["type"] == "person" and best["source"] == "news"
    assert {"feature": "type", "outcome": "match", "text": "both are persons"} in best["reasons"]
    assert all(set(x) == {"feature", "outcome", "text"} for x in best["reasons"])
    assert 1 <= len(best["excerpts"]) <= 2
    ex = best["excerpts"][0]
    assert "Li Keqiang" in ex["excerpt"] and ex["source"] == "DW" and ex["published"] == "2016-09-20"
    assert ex["article_title"] == "US and China to cooperate in tackling North Korea threat"


def test_match_shows_a_list_entity_with_attributes(list_db):
    r = run(list_db, "match", "John Doe", "--dob", "1960", "--country", "United States")
    assert r.exit_code == 0, r.output
    assert "(type unknown; countries us; born 1960)" in r.output.splitlines()[0]
    assert "1. 1.00  DOE, John  (entity " in r.output and "person, list csv:good" in r.output
    assert "    match     birth date agrees: 1960-01-12" in r.output
    assert "    match     same country: us" in r.output
    assert "    list csv:good, list id C-1; programs: none" in r.output
    assert "    remarks: Internal case 17" in r.output


def test_match_names_the_alias_that_matched(list_db):
    r = run(list_db, "match", "Juergen Mueller", "--json")
    best = json.loads(r.stdout)["results"][0]
    assert best["matched_name"] == "Juergen Mueller" and best["entity_name"] == "Müller, Jürgen"
    assert best["source"] == "csv:good" and best["excerpts"] == []
    assert best["list"] == {"list_name": "csv:good", "list_id": "C-4", "programs": [],
                            "remarks": "Remark with, a comma"}
    r = run(list_db, "match", "Juergen Mueller")
    assert '"Juergen Mueller" of Müller, Jürgen' in r.output


def test_attribute_conflicts_lower_the_score(list_db):
    plain = json.loads(run(list_db, "match", "John Doe", "--json").stdout)["results"][0]
    r = run(list_db, "match", "John Doe", "--dob", "1990", "--country", "RU", "--threshold", "0", "--json")
    moved = json.loads(r.stdout)["results"][0]
    assert moved["score"] < plain["score"]
    outcomes = {x["feature"]: x["outcome"] for x in moved["reasons"]}
    assert outcomes["birth_date"] == "conflict" and outcomes["country"] == "conflict"


def test_threshold_and_limit(list_db):
    r = run(list_db, "match", "Acme Trading", "--threshold", "0", "--limit", "1")
    assert r.exit_code == 0, r.output
    assert "threshold 0.00" in r.output and "1. " in r.output and "\n2. " not in r.output
    assert "(--limit 1 reached: there may be more)" in r.output
    out = json.loads(run(list_db, "match", "Acme Trading", "--threshold", "0", "--limit", "1", "--json").stdout)
    assert out["threshold"] == 0 and len(out["results"]) == 1


def test_threshold_policy_from_the_environment(list_db):
    # Deployments set their matching policy once (SCREENING_THRESHOLD); the output says which threshold judged it.
    r = CliRunner().invoke(cli, ["--db", str(list_db), "match", "Acme Trading", "--json"],
                           env={"SCREENING_THRESHOLD": "0.99"})
    out = json.loads(r.stdout)
    assert out["threshold"] == 0.99
    assert all(hit["score"] >= 0.99 for hit in out["results"])
    assert json.loads(run(list_db, "match", "Acme Trading", "--json").stdout)["threshold"] == BENCHMARK_THRESHOLD


def test_no_candidates_is_said(list_db):
    r = run(list_db, "match", "Zebulon Quixote")
    assert r.exit_code == 0 and "No candidates at or above 0.70." in r.output
    assert json.loads(run(list_db, "match", "Zebulon Quixote", "--json").stdout)["results"] == []


@pytest.mark.parametrize("name, reason", [("123", "name has only digits and punctuation"), ("  ", "empty name")])
def test_an_unscreenable_name_is_an_answer_not_an_error(list_db, name, reason):
    r = run(list_db, "match", name)
    assert r.exit_code == 0 and r.output == f"Not screened: {reason}\n"
    out = json.loads(run(list_db, "match", name, "--json").stdout)
    assert out["skipped"] == reason and "results" not in out and out["algorithm"] == algorithm_id()


def test_an_empty_watchlist_is_an_error(tmp_path):
    r = run(tmp_path / "empty.db", "match", "John Doe")
    assert r.exit_code == 1 and "Error: the watchlist in " in r.output and "is empty" in r.output


@pytest.mark.parametrize("args, message", [
    (["--dob", "12/01/1960"], "Invalid value for --dob: unreadable date '12/01/1960'"),
    (["--country", "Atlantis"], "Invalid value for --country: unknown country 'Atlantis'"),
    (["--type", "robot"], "Invalid value for '--type'"),
    (["--threshold", "1.5"], "Invalid value for '--threshold'"),
])
def test_bad_match_options_are_usage_errors(list_db, args, message):
    r = run(list_db, "match", "John Doe", *args)
    assert r.exit_code == 2 and message in r.output, r.output


def test_match_help_states_the_default_threshold(tmp_path):
    r = run(tmp_path / "x.db", "match", "--help")
    assert f"the Admin setting, else SCREENING_THRESHOLD, else {BENCHMARK_THRESHOLD:.2f}" in " ".join(r.output.split())


# --- compare ------------------------------------------------------------------------------------------------

def test_compare_two_names(tmp_path):
    r = run(tmp_path / "never.db", "compare", "Bill Clinton", "William Clinton")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[0] == f"0.9500  match at 0.70  Bill Clinton / William Clinton  ({algorithm_id()})"
    assert "  partial   words agree: clinton = clinton (same word); bill = william (nickname)" in r.output
    out = json.loads(run(tmp_path / "never.db", "compare", "Bill Clinton", "William Clinton", "--json").stdout)
    assert out["score"] == 0.95 and out["algorithm"] == algorithm_id() and out["reasons"][0]["feature"] == "name_parts"
    assert out["threshold"] == BENCHMARK_THRESHOLD and out["match"] is True
    assert not (tmp_path / "never.db").exists()       # compare needs no database


def test_compare_pairs_json_carries_the_threshold_and_a_verdict(tmp_path):
    pairs = write(tmp_path, "name_a,name_b\nBill Clinton,William Clinton\nJohn Smith,Maria Garcia\n123,x\n")
    out = json.loads(run(tmp_path / "x.db", "compare", "--pairs", pairs, "--json").stdout)
    assert [(r["row"], r["threshold"], r["match"]) for r in out] == [(2, BENCHMARK_THRESHOLD, True),
                                                                     (3, BENCHMARK_THRESHOLD, False),
                                                                     (4, BENCHMARK_THRESHOLD, None)]
    # A stricter threshold turns the nickname pair (0.95) into no match.
    out = json.loads(run(tmp_path / "x.db", "compare", "--pairs", pairs, "--threshold", "0.96", "--json").stdout)
    assert [(r["threshold"], r["match"]) for r in out[:2]] == [(0.96, False), (0.96, False)]
    text = run(tmp_path / "x.db", "compare", "--pairs", pairs).output
    assert "3 pairs compared, 1 match at 0.70, 1 skipped." in text


def test_compare_type_option(tmp_path):
    r = run(tmp_path / "x.db", "compare", "Siemens AG", "Siemens Aktiengesellschaft", "--type", "Organization",
            "--json")
    out = json.loads(r.stdout)
    assert out["type"] == "organization" and out["score"] >= 0.70
    assert {"feature": "legal_form", "outcome": "match", "text": "same legal form"} in out["reasons"]


def test_compare_an_unscreenable_name(tmp_path):
    r = run(tmp_path / "x.db", "compare", "123", "John Smith")
    assert r.exit_code == 0 and r.output == "Not compared: '123': name has only digits and punctuation\n"
    assert json.loads(run(tmp_path / "x.db", "compare", "", "x", "--json").stdout)["skipped"] == "empty name"


@pytest.mark.parametrize("args", [[], ["Only One"], ["A", "B", "C"], ["A", "B", "--pairs", "p.csv"]])
def test_compare_needs_two_names_or_pairs(tmp_path, args):
    r = run(tmp_path / "x.db", "compare", *args)
    assert r.exit_code == 2 and "Usage:" in r.output


def write(tmp_path, text: str, name: str = "pairs.csv", bom: bool = False) -> str:
    p = tmp_path / name
    p.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return str(p)


GOOD = ("name_a,name_b,type\n"
        "Bill Clinton,William Clinton,person\n"
        "\"PUTIN, Vladimir Vladimirovich\",Владимир Путин,Individual\n"
        "123,Acme Ltd,\n"
        "\n"
        "Bashar al-Assad,Hafez al-Assad,\n"
        "Siemens AG,Siemens Aktiengesellschaft,company\n")


def test_compare_pairs_in_input_order(tmp_path):
    r = run(tmp_path / "x.db", "compare", "--pairs", write(tmp_path, GOOD, bom=True))
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].split()[:2] == ["row", "score"]
    body = lines[1:-1]
    assert [int(line.split()[0]) for line in body] == [2, 3, 4, 6, 7]
    assert body[0].split()[1] == "0.9500" and "bill = william (nickname)" in body[0]
    assert "PUTIN, Vladimir Vladimirovich / Владимир Путин" in body[1]
    assert body[2].split()[1] == "-" and "skipped (name has only digits and punctuation)" in body[2]
    assert "words differ: bashar / hafez" in body[3]          # the top reason is the conflict
    assert "siemens = siemens" in body[4]
    assert lines[-1] == "5 pairs compared, 3 matches at 0.70, 1 skipped."
    assert not (tmp_path / "x.db").exists()


def test_compare_pairs_json(tmp_path):
    r = run(tmp_path / "x.db", "compare", "--pairs", write(tmp_path, GOOD), "--json")
    out = json.loads(r.stdout)
    assert [x["row"] for x in out] == [2, 3, 4, 6, 7]
    assert [x["type"] for x in out] == ["person", "person", "unknown", "unknown", "organization"]
    assert out[2] == {"row": 4, "name_a": "123", "name_b": "Acme Ltd", "type": "unknown",
                      "skipped": "name has only digits and punctuation", "threshold": 0.7, "match": None}
    assert out[0]["score"] == 0.95 and {"feature", "outcome", "text"} == set(out[0]["reasons"][0])
    assert out[3]["score"] < 0.70 and out[4]["score"] >= 0.70


def test_compare_pairs_without_a_type_column_or_with_semicolons(tmp_path):
    out = json.loads(run(tmp_path / "x.db", "compare", "--json", "--pairs",
                         write(tmp_path, "Name_A;Name_B\nOlaf Scholze;Olaf Scholz\n")).stdout)
    assert out[0]["row"] == 2 and out[0]["type"] == "unknown" and out[0]["score"] >= 0.70


def test_compare_pairs_lists_every_bad_row(tmp_path):
    path = write(tmp_path, "name_a,name_b,type\nA,B,robot\nC,D,person\nE,F,thing\nG,H,person,extra\n")
    r = run(tmp_path / "x.db", "compare", "--pairs", path)
    assert r.exit_code == 1, r.output
    assert r.output.splitlines() == [
        f"Error: {path}: 3 bad rows, nothing compared:",
        f"  {path}: row 2: unknown entity type 'robot' (use person, organization, vessel, aircraft or unknown)",
        f"  {path}: row 4: unknown entity type 'thing' (use person, organization, vessel, aircraft or unknown)",
        f"  {path}: row 5: 1 cell(s) beyond the header's columns (a name with an unquoted comma?)",
    ]


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    ("", "empty file"),
    ("name,other\nA,B\n", "row 1: missing columns name_a and name_b (header: name, other)"),
    ("name_a,type\nA,person\n", "row 1: missing column name_b"),
    ("name_a,name_b,type\nA,B,robot\n", "row 2: unknown entity type 'robot'"),
])
def test_compare_pairs_bad_files(tmp_path, content, message):
    path = str(tmp_path / "missing.csv") if content is None else write(tmp_path, content)
    r = run(tmp_path / "x.db", "compare", "--pairs", path)
    assert r.exit_code == 1 and r.output.startswith(f"Error: {path}: {message}"), r.output


def test_compare_pairs_not_utf8(tmp_path):
    p = tmp_path / "latin1.csv"
    p.write_bytes("name_a,name_b\nJürgen Müller,Juergen Mueller\n".encode("latin-1"))
    r = run(tmp_path / "x.db", "compare", "--pairs", str(p))
    assert r.exit_code == 1 and "not UTF-8 (byte 0xfc at offset 15); save it as UTF-8" in r.output
