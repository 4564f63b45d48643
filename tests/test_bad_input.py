"""Bad input never stops an import: each problem is reported naming its file, the good files of the same call are
added, the exit status is non-zero only when something failed, and nothing is half-written."""
from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from screening.cli import cli
from screening.service import ingest
from screening.store import db as dbmod
from watchlists import sources

# Invented news, a few paragraphs each, every one distinct enough not to be a near-copy of another.
ARTICLES = [
    "Logistics chief charged with fraud\n\n"
    "Harald Brennan, the former finance director of Kestrel Freight Holdings, was charged with fraud on Tuesday "
    "after an investigation into invoices worth 40 million dollars.\n\n"
    "Prosecutors said Brennan had approved payments to shell companies controlled by his brother-in-law over "
    "four years. Kestrel Freight Holdings said it was cooperating fully with the authorities.\n\n"
    "The company's shares fell sharply in early trading as analysts questioned how the scheme went unnoticed by "
    "auditors for so long.\n",

    "Mining executive accused of bribery\n\n"
    "Prosecutors accused Odile Marchetti, chief executive of Saffron Ridge Minerals, of paying bribes to secure "
    "exploration licences in three provinces.\n\n"
    "Marchetti denies wrongdoing. Her lawyer said the payments were legitimate consulting fees approved by the "
    "board of Saffron Ridge Minerals and disclosed in its annual report.\n\n"
    "A hearing is expected next month, when investigators will present bank records gathered from several "
    "countries.\n",

    "Bank fined over money laundering failures\n\n"
    "Regulators fined Northgate Mercantile Bank for failing to stop money laundering by clients linked to a "
    "smuggling network run by Viktor Salazar.\n\n"
    "Salazar, who is awaiting trial, moved funds through dozens of accounts opened with forged documents, the "
    "regulator said in a statement.\n\n"
    "Northgate Mercantile Bank said it had since replaced its compliance team and reviewed every account opened in "
    "the period.\n",

    "Property developer arrested in tax probe\n\n"
    "Police arrested Benedikt Oyelaran, founder of Larchmont Estates, on suspicion of tax evasion on Monday "
    "morning at his home.\n\n"
    "Investigators believe Oyelaran hid rental income from dozens of flats through a network of offshore trusts "
    "registered on several islands.\n\n"
    "Larchmont Estates declined to comment. Oyelaran was released on bail and must surrender his passport.\n",

    "Football club owner convicted of embezzlement\n\n"
    "A court convicted Rosalind Achterberg, owner of Fenwick Rovers, of embezzling money meant for the club's "
    "youth academy.\n\n"
    "The judge said Achterberg had used the funds to pay for a yacht and private flights for her family. "
    "Fenwick Rovers supporters protested outside the courthouse during the sentencing hearing.\n\n"
    "She will be sentenced in June and faces up to eight years in prison.\n",
]

GERMAN = (
    "Unternehmer wegen Betrugs angeklagt\n\n"
    "Die Staatsanwaltschaft hat gegen den Geschäftsführer der Firma Berger und Söhne Anklage erhoben. Er soll "
    "über mehrere Jahre hinweg Rechnungen gefälscht haben, um die Steuern zu senken.\n\n"
    "Nach Angaben der Behörden wurden die Unterlagen bei einer Durchsuchung der Geschäftsräume in der vergangenen "
    "Woche gefunden. Der Beschuldigte hat sich bisher nicht zu den Vorwürfen geäußert.\n\n"
    "Das Verfahren soll im Herbst vor dem Landgericht beginnen, wie eine Sprecherin des Gerichts mitteilte.\n"
)

# With accents, curly quotes (0x93/0x94 in Windows-1252) and a euro sign (0x80): not valid UTF-8.
CP1252 = (
    "Café chain boss charged with fraud\n\n"
    "José Müller-Peñalosa, the chief executive of Crème Brûlée Cafés, was charged with fraud after auditors found "
    "\u201cirregular\u201d payments worth \u20ac3 million to suppliers in Zürich and Málaga.\n\n"
    "Müller-Peñalosa denies the charges. Crème Brûlée Cafés said the board had suspended him while the inquiry "
    "continues.\n\n"
    "The company runs more than two hundred cafés across Europe and employs about four thousand people.\n"
)

UTF16 = (
    "Shipping magnate accused of sanctions evasion\n\n"
    "Prosecutors accused Anaïs Lefèvre-Østergaard, owner of Brightwater Tankers, of evading sanctions by "
    "switching off the transponders of her ships near restricted ports.\n\n"
    "Lefèvre-Østergaard was charged with fraud and conspiracy. Brightwater Tankers said it would contest the case "
    "in court.\n\n"
    "The vessels are alleged to have carried fuel worth hundreds of millions of dollars over two years.\n"
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def run_add(db_path: Path, *paths) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", str(db_path), "watchlist", "add", *map(str, paths)])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def line_for(output: str, name: str) -> str:
    """The outcome line of the CLI output that names a file."""
    lines = [ln for ln in output.splitlines() if name in ln]
    assert lines, f"no line names {name!r} in:\n{output}"
    return lines[0]


def assert_consistent(db_path: Path, added: int, linked: int = 0) -> None:
    """Every stored article is whole: originals have mentions whose entities exist, failures left no row."""
    db = dbmod.connect(db_path)
    try:
        n_articles = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert n_articles == added + linked
        without = db.execute(
            "SELECT count(*) FROM articles a WHERE duplicate_of IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM mentions m WHERE m.article_id = a.id)").fetchone()[0]
        assert without == 0, "an article was stored without its mentions"
        linked_with_mentions = db.execute(
            "SELECT count(*) FROM mentions m JOIN articles a ON a.id = m.article_id "
            "WHERE a.duplicate_of IS NOT NULL").fetchone()[0]
        assert linked_with_mentions == 0
        orphans = db.execute("SELECT count(*) FROM mentions m LEFT JOIN entities e ON e.id = m.entity_id "
                             "WHERE e.id IS NULL").fetchone()[0]
        assert orphans == 0
        v = db.execute("SELECT coalesce(sum(articles_added), 0), coalesce(sum(articles_linked), 0), "
                       "coalesce(sum(mentions_added), 0) FROM watchlist_versions").fetchone()
        n_mentions = db.execute("SELECT count(*) FROM mentions").fetchone()[0]
        assert tuple(v) == (added, linked, n_mentions), "version counts disagree with the stored rows"
        if added + linked == 0:
            assert db.execute("SELECT count(*) FROM watchlist_versions").fetchone()[0] == 0
    finally:
        db.close()


@pytest.fixture
def dbp(tmp_path):
    return tmp_path / "watchlist.db"


def test_good_files_exit_zero(tmp_path, dbp):
    a = write(tmp_path / "a.txt", ARTICLES[0])
    b = write(tmp_path / "b.txt", ARTICLES[1])
    code, out = run_add(dbp, a, b)
    assert code == 0, out
    assert "2 added" in out and "0 failed" in out
    assert_consistent(dbp, added=2)


def test_empty_file(tmp_path, dbp):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_text("   \n\n\t  \n")
    good = write(tmp_path / "good.txt", ARTICLES[0])
    code, out = run_add(dbp, empty, blank, good)
    assert code == 1
    assert "empty file" in line_for(out, "empty.txt")
    assert "failed" in line_for(out, "blank.txt")
    assert "added" in line_for(out, "good.txt")
    assert "1 added" in out and "2 failed" in out
    assert_consistent(dbp, added=1)


def test_only_failures_store_nothing_and_leave_no_version(tmp_path, dbp):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, out = run_add(dbp, empty)
    assert code == 1
    assert "empty.txt" in out and "watchlist version 0" in out
    assert_consistent(dbp, added=0)


def test_binary_junk_named_html(tmp_path, dbp):
    junk = tmp_path / "junk.html"
    junk.write_bytes(bytes(range(256)) * 40 + b"\x89PNG\r\n\x1a\n" + bytes(200))
    junk2 = tmp_path / "noise.html"  # no NUL bytes, but control characters throughout
    junk2.write_bytes(bytes(b % 32 for b in range(3000)))
    good = write(tmp_path / "good.txt", ARTICLES[0])
    code, out = run_add(dbp, junk, junk2, good)
    assert code == 1
    assert "binary" in line_for(out, "junk.html")
    assert "binary" in line_for(out, "noise.html")
    assert "added" in line_for(out, "good.txt")
    assert_consistent(dbp, added=1)


def test_html_without_article_text(tmp_path, dbp):
    nav = tmp_path / "nav.html"
    nav.write_text("<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a></nav></body></html>")
    good = write(tmp_path / "good.txt", ARTICLES[1])
    code, out = run_add(dbp, nav, good)
    assert code == 1
    assert "failed" in line_for(out, "nav.html")
    assert_consistent(dbp, added=1)


def test_invalid_json_and_jsonl_with_one_bad_line(tmp_path, dbp):
    bad = tmp_path / "bad.json"
    bad.write_text('{"title": "Broken", "text": "no closing brace"')
    lines = [json.dumps({"title": ARTICLES[0].split("\n")[0], "text": ARTICLES[0].split("\n", 2)[2],
                         "source": "Example Wire"}),
             '{"title": "half a record", "text": ',
             json.dumps({"title": ARTICLES[2].split("\n")[0], "text": ARTICLES[2].split("\n", 2)[2]}),
             json.dumps(["not", "an", "object"])]
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text("\n".join(lines) + "\n")
    good = write(tmp_path / "good.txt", ARTICLES[1])
    code, out = run_add(dbp, bad, mixed, good)
    assert code == 1
    assert "invalid JSON" in line_for(out, "bad.json")
    assert "invalid JSON" in line_for(out, "mixed.jsonl line 2")
    assert "expected a JSON object" in line_for(out, "mixed.jsonl line 4")
    assert "added" in line_for(out, "mixed.jsonl line 1")
    assert "added" in line_for(out, "mixed.jsonl line 3")
    assert "added" in line_for(out, "good.txt")
    assert "3 added" in out and "3 failed" in out
    assert_consistent(dbp, added=3)
    db = dbmod.connect(dbp)
    assert db.execute("SELECT source FROM articles WHERE title LIKE 'Logistics%'").fetchone()[0] == "Example Wire"
    db.close()


def test_huge_file_is_refused_fast_without_reading_it(tmp_path, dbp, monkeypatch):
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as fh:  # sparse: 50 MB on paper, nothing written
        fh.seek(50 * 1024 * 1024 - 1)
        fh.write(b"\n")
    assert huge.stat().st_size == 50 * 1024 * 1024

    # The library alone: refused from its size, and the file is never read.
    real_read = Path.read_bytes

    def guarded(self):
        if self.name == "huge.txt":
            raise AssertionError("the 50 MB file was read")
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", guarded)
    t0 = time.perf_counter()
    items = list(sources.read_path(huge))
    assert time.perf_counter() - t0 < 0.5
    assert len(items) == 1 and items[0].where == str(huge) and "too large" in items[0].problem
    assert "52.4 MB" in items[0].problem and sources.MAX_BYTES_ENV in items[0].problem

    # Through the CLI, beside a good file.
    good = write(tmp_path / "good.txt", ARTICLES[3])
    code, out = run_add(dbp, huge, good)
    assert code == 1
    assert "too large" in line_for(out, "huge.txt")
    assert "added" in line_for(out, "good.txt")
    assert_consistent(dbp, added=1)


def test_other_encodings_are_decoded_and_added(tmp_path, dbp):
    latin = tmp_path / "cp1252.txt"
    latin.write_bytes(CP1252.encode("cp1252"))
    with pytest.raises(UnicodeDecodeError):
        latin.read_bytes().decode("utf-8")
    wide = tmp_path / "utf16.txt"
    wide.write_bytes(UTF16.encode("utf-16"))  # with a byte-order mark
    assert wide.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    code, out = run_add(dbp, latin, wide)
    assert code == 0, out
    assert "added" in line_for(out, "cp1252.txt") and "added" in line_for(out, "utf16.txt")
    assert_consistent(dbp, added=2)
    db = dbmod.connect(dbp)
    texts = {r[0]: r[1] for r in db.execute("SELECT file_name, text FROM articles")}
    titles = {r[0] for r in db.execute("SELECT title FROM articles")}
    assert "José Müller-Peñalosa" in texts["cp1252.txt"] and "\u20ac3 million" in texts["cp1252.txt"]
    assert "\u201cirregular\u201d" in texts["cp1252.txt"]
    assert "Café chain boss charged with fraud" in titles
    assert "Anaïs Lefèvre-Østergaard" in texts["utf16.txt"]
    names = {r[0] for r in db.execute("SELECT name FROM entities")}
    assert any("Müller-Peñalosa" in n for n in names), names
    db.close()


def test_non_english_article_is_refused(tmp_path, dbp):
    de = tmp_path / "german.txt"
    de.write_text(GERMAN, encoding="utf-8")
    good = write(tmp_path / "good.txt", ARTICLES[4])
    code, out = run_add(dbp, de, good)
    assert code == 1
    line = line_for(out, "german.txt")
    assert "in German (de)" in line and "only English and French articles" in line
    assert "added" in line_for(out, "good.txt")
    assert_consistent(dbp, added=1)


def test_missing_path_and_unsupported_extension(tmp_path, dbp):
    missing = tmp_path / "nowhere" / "missing.txt"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4 not really")
    good = write(tmp_path / "good.txt", ARTICLES[2])
    code, out = run_add(dbp, missing, pdf, good)
    assert code == 1
    assert "no such file or folder" in line_for(out, "missing.txt")
    line = line_for(out, "report.pdf")
    assert "unsupported file type '.pdf'" in line and ".txt" in line
    assert "added" in line_for(out, "good.txt")
    assert "1 added" in out and "2 failed" in out
    assert_consistent(dbp, added=1)


def test_folder_mixing_good_and_bad_files(tmp_path, dbp):
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    for i, text in enumerate(ARTICLES[:3]):
        write(folder / "sub" / f"story{i}.txt", text)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "bad.json").write_text("[1, 2")
    (folder / "notes.pdf").write_bytes(b"%PDF")  # unsupported inside a folder: skipped silently
    (folder / ".hidden.txt").write_text(ARTICLES[3])  # hidden: skipped
    code, out = run_add(dbp, folder)
    assert code == 1
    assert "3 added" in out and "2 failed" in out
    assert "notes.pdf" not in out and ".hidden.txt" not in out
    assert_consistent(dbp, added=3)


def test_a_storage_error_rolls_back_the_article(tmp_path, dbp, monkeypatch):
    """An error while storing leaves neither the article nor a version behind (all or nothing)."""
    from screening.store import watchlist as store

    a = write(tmp_path / "a.txt", ARTICLES[0])
    db = dbmod.connect(dbp)
    calls = {"n": 0}
    real = store.insert_mentions

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise sqlite3.OperationalError("disk I/O error")
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "insert_mentions", failing)
    with pytest.raises(sqlite3.OperationalError):
        ingest.ingest(db, [a])
    db.close()
    assert_consistent(dbp, added=0)
    monkeypatch.setattr(store, "insert_mentions", real)
    db = dbmod.connect(dbp)
    result = ingest.ingest(db, [a])
    assert [o.status for o in result.outcomes] == ["added"] and result.version == 1
    db.close()
    assert_consistent(dbp, added=1)


def test_an_unexpected_error_on_one_article_fails_it_alone(tmp_path, dbp, monkeypatch):
    """A bug met on one odd article is reported for that file; the others are added; nothing half-written."""
    from watchlists import extract

    a = write(tmp_path / "a.txt", ARTICLES[0])
    b = write(tmp_path / "b.txt", ARTICLES[1])
    real = extract.extract

    def broken_on_a(paragraphs, docs, known=None, **kwargs):
        if any("Harald Brennan" in p for p in paragraphs):
            raise ValueError("unexpected span")
        return real(paragraphs, docs, known, **kwargs)

    monkeypatch.setattr(extract, "extract", broken_on_a)
    res = CliRunner().invoke(cli, ["--db", str(dbp), "watchlist", "add", str(a), str(b)])
    assert res.exit_code == 1, res.output
    assert f"! failed    {a}: could not be processed (ValueError: unexpected span)" in res.output
    assert "1 added" in res.output and "Traceback" not in res.output
    assert_consistent(dbp, added=1)
