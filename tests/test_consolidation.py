"""Consolidation: one entity per person or organisation, within an article and across articles."""
from __future__ import annotations

from screening.service import ingest
from screening.store import watchlist as store
from watchlists.sources import RawArticle

ARTICLE_A = """Mining magnate charged

Prosecutors in Perth charged mining magnate Gregory Fairweather with fraud on Tuesday over the collapse of
Redgum Minerals Pty Ltd.

Fairweather, 61, denied the charges through his lawyer. Redgum Minerals Pty Ltd went into administration last year.

His neighbour, Mr Smith, said he was shocked by the news.
"""
ARTICLE_B = """Investors sue over Redgum collapse

A group of investors sued Gregory Fairweather and Redgum Minerals Pty Ltd on Friday, claiming they were misled.

One investor, Mr Smith, said he had lost his savings.
"""


def _raw(text, where, source):
    return RawArticle(where, "txt", text=text, source=source)


def test_within_and_across_articles(db):
    r = ingest.ingest(db, raws=[_raw(ARTICLE_A, "a.txt", "Daily One"), _raw(ARTICLE_B, "b.txt", "Daily Two")])
    assert [o.status for o in r.outcomes] == ["added", "added"], r.outcomes
    gf = store.find_entities(db, "Gregory Fairweather")
    assert len(gf) == 1
    ent = store.get_entity(db, str(gf[0]["id"]))
    assert {"Gregory Fairweather", "Fairweather"} <= {a["alias"] for a in ent["aliases"]}
    assert len({m["article_id"] for m in ent["mentions"]}) == 2
    assert ent["source_count"] == 2
    assert "fraud" in ent["risk_categories"]
    redgum = store.find_entities(db, "Redgum Minerals Pty Ltd")
    assert len(redgum) == 1 and redgum[0]["type"] == "organization"
    # Two articles that merely share a surname are two entities, each kept to its article.
    smiths = store.find_entities(db, "Smith")
    assert len(smiths) == 2
    assert all(s["scope"].startswith("article:") for s in smiths)
    assert r.version == store.current_version(db) == 1


def test_each_import_is_a_version_and_rows_remember_theirs(db):
    r1 = ingest.ingest(db, raws=[_raw(ARTICLE_A, "a.txt", "Daily One")], actor="alice")
    r2 = ingest.ingest(db, raws=[_raw(ARTICLE_B, "b.txt", "Daily Two")], actor="bob")
    r3 = ingest.ingest(db, raws=[_raw(ARTICLE_B, "b-again.txt", "Daily Two")], actor="bob")
    assert (r1.version, r2.version, r3.version) == (1, 2, None)  # nothing stored: no new version
    assert store.current_version(db) == 2
    versions = store.versions(db)
    assert [(v["version"], v["actor"], v["articles_added"]) for v in versions] == [(2, "bob", 1), (1, "alice", 1)]
    gf = store.get_entity(db, "Gregory Fairweather")
    assert gf["first_version"] == 1 and gf["updated_version"] == 2
    assert sorted({m["version"] for m in gf["mentions"]}) == [1, 2]
    assert {a["alias"]: a["version"] for a in gf["aliases"]}["Gregory Fairweather"] == 1
