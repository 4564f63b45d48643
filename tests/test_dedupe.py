"""Copies are recognised: the same file or text adds nothing, a syndicated near-copy is linked to the first and
does not count as a second source, and HTML articles keep their metadata."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from screening.cli import cli
from screening.service import ingest
from screening.store import db as dbmod
from screening.store import watchlist as store
from watchlists import dedupe

HEADLINE = "Port operator's finance chief charged with fraud"
BODY = [
    "Harald Brennan, the former finance director of Kestrel Freight Holdings, was charged with fraud on Tuesday "
    "after a two-year investigation into invoices worth 40 million dollars.",
    "Prosecutors said Brennan had approved payments to shell companies controlled by his brother-in-law, "
    "Dmitri Volkonsky, between 2018 and 2022. The payments were described as consulting fees for harbour "
    "expansion projects that were never carried out.",
    "Kestrel Freight Holdings, which operates container terminals in four countries, said it was cooperating "
    "fully with the authorities and had dismissed Brennan in March. The company's shares fell eleven percent in "
    "early trading as analysts questioned how the scheme went unnoticed by its auditors for so long.",
    "Volkonsky, who lives abroad, could not be reached for comment. A lawyer for Brennan said his client denied "
    "every allegation and would fight the charges in court, adding that the accounts had been signed off by the "
    "whole board year after year.",
    "The case is one of the largest corporate fraud prosecutions in the region this year. A first hearing is "
    "expected next month, when the court will decide whether Brennan can keep his passport while he awaits trial.",
    "Shipping industry groups said the affair showed the need for tighter controls on payments to contractors, "
    "particularly in large infrastructure projects where invoices are rarely checked against finished work.",
    "According to the charge sheet, the invoices were approved in small amounts to stay below the limit at which "
    "a second signature was required, and the money was then moved through accounts in three different banks "
    "before reaching companies registered to Volkonsky's relatives.",
    "Kestrel Freight Holdings has since appointed an outside firm to review every contract signed during "
    "Brennan's time as finance director, and its chairman told shareholders that the board would publish the "
    "findings in full once the review was complete.",
]
ARTICLE = HEADLINE + "\n\n" + "\n\n".join(BODY) + "\n"

# The same story as syndicated elsewhere: another headline, one sentence rewritten, a footer line added.
COPY_BODY = list(BODY)
COPY_BODY[4] = COPY_BODY[4].replace("one of the largest corporate fraud prosecutions in the region this year",
                                    "among the biggest fraud cases brought in the region in recent years")
NEAR_COPY = ("Kestrel Freight ex-finance director faces fraud charge\n\n" + "\n\n".join(COPY_BODY)
             + "\n\nDistributed by the Example Wire syndication service.\n")

OTHER = (
    "Mining executive accused of bribery\n\n"
    "Prosecutors accused Odile Marchetti, chief executive of Saffron Ridge Minerals, of paying bribes to secure "
    "exploration licences in three provinces.\n\n"
    "Marchetti denies wrongdoing. Her lawyer said the payments were legitimate consulting fees approved by the "
    "board of Saffron Ridge Minerals.\n"
)

HTML = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Mining boss accused of bribery | The Example Chronicle</title>
<meta property="og:title" content="Mining boss accused of bribery">
<meta property="og:site_name" content="The Example Chronicle">
<meta name="author" content="Jane Reporter">
<meta property="article:published_time" content="2024-03-05T09:30:00Z">
<link rel="canonical" href="https://www.example-chronicle.com/business/mining-boss-bribery/">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/business">Business</a></li></ul></nav>
<article>
<h1>Mining boss accused of bribery</h1>
<p class="byline">By Jane Reporter, 5 March 2024</p>
<p>Prosecutors accused Odile Marchetti, chief executive of Saffron Ridge Minerals, of paying bribes to officials
to secure exploration licences in three provinces, according to court papers filed on Monday.</p>
<p>Marchetti denies wrongdoing. Her lawyer said the payments were legitimate consulting fees approved by the board
of Saffron Ridge Minerals and disclosed in the company's annual report.</p>
<p>Investigators say the money was routed through a consultancy in Geneva run by Pieter van Houten, who was
arrested last week and charged with money laundering.</p>
<p>A hearing is expected next month, when prosecutors will present bank records gathered from several
countries.</p>
</article>
<footer><p>Copyright 2024 The Example Chronicle. All rights reserved.</p></footer>
</body></html>
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def statuses(result) -> list[str]:
    return [o.status for o in result.outcomes]


def test_same_file_twice_adds_nothing_the_second_time(tmp_path):
    a = write(tmp_path / "story.txt", ARTICLE)
    db = dbmod.connect(tmp_path / "w.db")
    first = ingest.ingest(db, [a])
    assert statuses(first) == ["added"] and first.version == 1
    before = store.stats(db)
    second = ingest.ingest(db, [a])
    assert statuses(second) == ["duplicate"]
    assert "same text" in second.outcomes[0].message
    assert second.version is None
    after = store.stats(db)
    assert after == before and after["version"] == 1
    db.close()


def test_same_file_twice_through_the_cli(tmp_path):
    a = write(tmp_path / "story.txt", ARTICLE)
    runner = CliRunner()
    args = ["--db", str(tmp_path / "w.db"), "watchlist", "add", str(a)]
    r1 = runner.invoke(cli, args)
    assert r1.exit_code == 0, r1.output
    assert "1 added" in r1.output and "watchlist version 1" in r1.output
    r2 = runner.invoke(cli, args)
    assert r2.exit_code == 0, r2.output  # a duplicate is not a failure
    assert "0 added, 1 duplicates skipped" in r2.output and "watchlist version 1" in r2.output


def test_same_text_under_another_name_is_a_duplicate(tmp_path):
    a = write(tmp_path / "story.txt", ARTICLE)
    # Another name, other line endings and spacing: the same normalised text.
    b = tmp_path / "copy-of-story.txt"
    b.write_bytes(ARTICLE.replace("\n", "\r\n").replace(". ", ".  ").encode("utf-8"))
    db = dbmod.connect(tmp_path / "w.db")
    first = ingest.ingest(db, [a])
    second = ingest.ingest(db, [b])
    assert statuses(second) == ["duplicate"]
    assert f"article {first.outcomes[0].article_id}" in second.outcomes[0].message
    assert store.current_version(db) == 1 and store.stats(db)["articles"] == 1
    # Within one call as well.
    db2 = dbmod.connect(tmp_path / "w2.db")
    both = ingest.ingest(db2, [a, b])
    assert statuses(both) == ["added", "duplicate"]
    db.close()
    db2.close()


def test_syndicated_near_copy_is_linked_and_not_a_second_source(tmp_path):
    sim = dedupe.jaccard(dedupe.shingles(ARTICLE), dedupe.shingles(NEAR_COPY))
    assert dedupe.NEAR_COPY <= sim < 1.0, sim  # the fixture is what it claims to be
    a = write(tmp_path / "original.txt", ARTICLE)
    b = write(tmp_path / "syndicated.txt", NEAR_COPY)
    db = dbmod.connect(tmp_path / "w.db")
    first = ingest.ingest(db, [a], source="Example Times")
    assert statuses(first) == ["added"]
    original_id = first.outcomes[0].article_id
    brennan = store.get_entity(db, "Harald Brennan")
    kestrel = store.get_entity(db, "Kestrel Freight Holdings")
    assert brennan["source_count"] == 1 and kestrel["source_count"] == 1
    n_mentions = store.stats(db)["mentions"]

    second = ingest.ingest(db, [b], source="Example Wire")
    out = second.outcomes[0]
    assert out.status == "linked", out
    assert f"article {original_id}" in out.message
    row = store.get_article(db, out.article_id)
    assert row["duplicate_of"] == original_id and dedupe.NEAR_COPY <= row["similarity"] < 1.0
    assert row["title"] == "Kestrel Freight ex-finance director faces fraud charge"
    # No mentions for the copy, so its entities keep one source and the same mentions.
    assert store.stats(db)["mentions"] == n_mentions
    assert db.execute("SELECT count(*) FROM mentions WHERE article_id = ?", [out.article_id]).fetchone()[0] == 0
    assert store.get_entity(db, "Harald Brennan")["source_count"] == 1
    assert store.get_entity(db, "Kestrel Freight Holdings")["source_count"] == 1
    assert store.get_entity(db, "Harald Brennan")["mention_count"] == brennan["mention_count"]
    v = store.versions(db)[0]
    assert v["version"] == 2 and v["articles_linked"] == 1 and v["articles_added"] == 0
    # A different story is not linked to it.
    c = write(tmp_path / "other.txt", OTHER)
    third = ingest.ingest(db, [c])
    assert statuses(third) == ["added"]
    db.close()


def test_near_copy_in_the_same_call_is_linked(tmp_path):
    a = write(tmp_path / "a_original.txt", ARTICLE)
    b = write(tmp_path / "b_syndicated.txt", NEAR_COPY)
    db = dbmod.connect(tmp_path / "w.db")
    result = ingest.ingest(db, [a, b])
    assert statuses(result) == ["added", "linked"]
    assert store.get_entity(db, "Harald Brennan")["source_count"] == 1
    again = ingest.ingest(db, [a, b])  # both are now exact duplicates
    assert statuses(again) == ["duplicate", "duplicate"] and again.version is None
    db.close()


def test_html_article_gets_its_metadata(tmp_path):
    page = write(tmp_path / "mining.html", HTML)
    db = dbmod.connect(tmp_path / "w.db")
    result = ingest.ingest(db, [page])
    assert statuses(result) == ["added"], result.outcomes
    row = store.get_article(db, result.outcomes[0].article_id)
    assert row["format"] == "html"
    assert row["title"] == "Mining boss accused of bribery"
    assert row["published"] == "2024-03-05"
    assert row["author"] == "Jane Reporter"
    assert row["url"] == "https://example-chronicle.com/business/mining-boss-bribery"
    assert row["site"] == "The Example Chronicle" and row["source"] == "The Example Chronicle"
    assert "Home" not in row["text"] and "All rights reserved" not in row["text"]
    assert row["text"].startswith("Mining boss accused of bribery\n\n")
    marchetti = store.get_entity(db, "Odile Marchetti")
    assert marchetti["type"] == "person"
    assert "bribery" in marchetti["risk_categories"] or marchetti["risk_categories"], marchetti
    # The same page again, saved under another name, is recognised by its text (and URL).
    copy = write(tmp_path / "mining-copy.html", HTML)
    again = ingest.ingest(db, [copy])
    assert statuses(again) == ["duplicate"]
    db.close()
