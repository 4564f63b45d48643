"""The bundled sample article, end to end: what an analyst must find in the watchlist built from it."""
from __future__ import annotations

import json

from click.testing import CliRunner

from screening.cli import cli
from screening.store import watchlist as store
from watchlists.roles import SOURCE, SUBJECT


def _by_name(db, name):
    found = store.find_entities(db, name)
    assert len(found) == 1, f"{name}: {found}"
    return store.get_entity(db, str(found[0]["id"]))


def test_liaoning_hongxiang_is_one_organisation_with_both_mentions(sample_db):
    ent = _by_name(sample_db, "Liaoning Hongxiang")
    assert ent["type"] == "organization"
    assert ent["role"] == SUBJECT
    names = [m for m in ent["mentions"] if m["kind"] == "name"]
    assert len(names) == 2
    assert "Chinese industrial conglomerate, Liaoning Hongxiang." in names[0]["excerpt"]
    assert "legal action against Liaoning Hongxiang" in names[1]["excerpt"]
    for m in names:
        assert m["excerpt"][m["start"]:m["end"]] == "Liaoning Hongxiang"
        assert m["article_title"] == "US and China to cooperate in tackling North Korea threat"
        assert m["article_source"] == "DW"
        assert m["article_published"] == "2016-09-20"
    assert {"proliferation", "sanctions"} <= set(ent["risk_categories"])
    assert ent["countries"][0] == "cn"
    assert ent["relevance"] > 0


def test_no_split_or_place_entity_for_the_conglomerate(sample_db):
    assert store.find_entities(sample_db, "Liaoning") == []
    assert store.find_entities(sample_db, "Hongxiang") == []


def test_heads_of_government_are_persons_and_not_adverse(sample_db):
    obama = _by_name(sample_db, "Barack Obama")
    li = _by_name(sample_db, "Li Keqiang")
    assert obama["type"] == li["type"] == "person"
    # "Obama" in "The Obama administration" is the same person, kept as an alias.
    assert {"Barack Obama", "Obama"} <= {a["alias"] for a in obama["aliases"]}
    assert li["countries"][0] == "cn"
    # They impose sanctions; they are not sanctioned.
    assert obama["risk_categories"] == [] and li["risk_categories"] == []


def test_outlets_and_authorities_are_sources(sample_db):
    for name in ("Reuters", "Wall Street Journal", "White House", "US Department of Justice"):
        ent = _by_name(sample_db, name)
        assert ent["type"] == "organization"
        assert ent["role"] == SOURCE, name
    assert _by_name(sample_db, "Reuters")["mentions"][0]["kind"] == "credit"


def test_nothing_from_navigation_captions_or_foreign_lines(sample_db):
    aliases = {a.lower() for (a, _t) in store.known_names(sample_db)}
    every = {e["name"].lower() for e in store.list_entities(sample_db)} | aliases
    for junk in ("dw", "treffen", "chronologie", "picture-alliance", "xinhua", "zuma", "li xueren",
                 "young-joon", "skip", "citizens"):
        assert not any(junk in name for name in every), junk
    texts = [r["excerpt"] for r in sample_db.query("SELECT excerpt FROM mentions WHERE kind = 'name'")]
    for t in texts:
        assert "Image:" not in t and "Skip to" not in t and "Treffen" not in t


def test_versions_are_recorded_on_entities_and_mentions(sample_db):
    assert store.current_version(sample_db) == 1
    assert {r[0] for r in sample_db.execute("SELECT DISTINCT version FROM mentions")} == {1}
    assert {r[0] for r in sample_db.execute("SELECT DISTINCT first_version FROM entities")} == {1}


def test_cli_lists_and_shows_the_sample(tmp_path):
    runner = CliRunner()
    dbfile = str(tmp_path / "cli.db")
    res = runner.invoke(cli, ["--db", dbfile, "watchlist", "add", "--sample"])
    assert res.exit_code == 0, res.output
    assert "1 added" in res.output
    res = runner.invoke(cli, ["--db", dbfile, "watchlist", "add", "--sample"])
    assert res.exit_code == 0 and "1 duplicates skipped" in res.output and "version 1" in res.output
    res = runner.invoke(cli, ["--db", dbfile, "watchlist", "entities", "--type", "organization",
                              "--min-relevance", "0.05", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    names = [e["name"] for e in data["entities"]]
    assert names[0] == "Liaoning Hongxiang"
    assert all(e["type"] == "organization" and e["relevance"] >= 0.05 for e in data["entities"])
    res = runner.invoke(cli, ["--db", dbfile, "watchlist", "show", "Liaoning Hongxiang"])
    assert res.exit_code == 0, res.output
    assert "[[Liaoning Hongxiang]]" in res.output and "DW, 2016-09-20" in res.output
    res = runner.invoke(cli, ["--db", dbfile, "watchlist", "show", "Nobody Atall"])
    assert res.exit_code == 1 and "Error: no entity" in res.output


def test_db_chosen_by_environment_variable(tmp_path, monkeypatch):
    dbfile = tmp_path / "env.db"
    monkeypatch.setenv("SCREENING_DB", str(dbfile))
    res = CliRunner().invoke(cli, ["watchlist", "entities"])
    assert res.exit_code == 0, res.output
    assert dbfile.exists()
