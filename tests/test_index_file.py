"""The watchlist index kept in a file: it answers as the index it was saved from, and it is built again, never
used, when the watchlist version or the algorithm changes or when the file is damaged."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from screening.cli import cli
from screening.engine import indexfile, pairs
from screening.engine.index import IndexFileError, Matcher
from screening.engine.model import ORGANIZATION, PERSON, UNKNOWN, VESSEL, Query, Record
from screening.service import lists, matching
from screening.store import db as dbmod

RECORDS = [
    Record("p1", ("DOE, John", "Johnny Doe", "J. Doe"), PERSON, ("us",), ("1960-01-12",), "csv:test"),
    Record("p2", ("Müller, Jürgen", "Juergen Mueller"), PERSON, ("de",), ("1975-03",), "csv:test"),
    Record("p3", ("Abd al-Rahman Ali", "Abdulrahman Ali"), PERSON, (), (), "csv:test", ("sa",)),
    Record("p4", ("Владимир Путин", "Vladimir Putin"), PERSON, ("ru",), ("1952-10-07",), "csv:test"),
    Record("p5", ("金正恩", "Kim Jong Un"), PERSON, ("kp",), (), "news"),
    Record("p6", ("محمد بن سلمان",), PERSON, ("sa",), (), "news"),
    Record("p7", ("Alexander Hamilton Smith",), PERSON, (), (), "news"),
    Record("o1", ("Acme Trading LLC", "Acme Trading"), ORGANIZATION, ("ir",), (), "csv:test"),
    Record("o2", ("People's Liberation Army", "PLA"), ORGANIZATION, ("cn",), (), "csv:test"),
    Record("o3", ("Bank Melli Iran", "بانک ملی ایران"), ORGANIZATION, ("ir",), (), "csv:test"),
    Record("o4", ("Rosneft Oil Company", "Роснефть"), ORGANIZATION, ("ru",), (), "csv:test"),
    Record("o5", ("Fund III Holdings",), ORGANIZATION, (), (), "csv:test"),
    Record("v1", ("Sea Breeze",), VESSEL, ("pa",), (), "csv:test"),
    Record("u1", ("Gazprom",), UNKNOWN, (), (), "news"),
    Record("x1", ("0000", "Jon Doe"), PERSON, (), (), "csv:test"),      # an unscreenable name beside a good one
]
# Queries of each kind: exact, misspelt, reordered, another script, an alias, an acronym, a nickname, nothing.
QUERIES = [
    Query("John Doe"), Query("Jhon Doe", PERSON), Query("Doe John"), Query("Jurgen Muller", PERSON),
    Query("Abdul Rahman Ali"), Query("Vladimir Poutine"), Query("Путин Владимир"), Query("Kim Jong-un"),
    Query("김정은"), Query("Mohammed bin Salman"), Query("Alex Hamilton Smith", PERSON), Query("ACME Trading Ltd"),
    Query("Peoples Liberation Army", ORGANIZATION), Query("PLA", ORGANIZATION), Query("Bank Meli Iran"),
    Query("Rosneft"), Query("Fund 3 Holdings"), Query("Sea Breze", VESSEL), Query("Gazprom PJSC"),
    Query("Nobody Known Atall"), Query("Smith"),
]


def answers(matcher: Matcher, queries=QUERIES, threshold: float = 0.5) -> list:
    return [[(m.record_id, m.score, m.matched_name, m.explain()) for m in matcher.match(q, threshold)]
            for q in queries]


@pytest.fixture(scope="module")
def built() -> Matcher:
    return Matcher(RECORDS)


MISSED = {"Mohammed bin Salman": "the index does not reach the Arabic-script name from the Latin query (an "
                                  "untyped query; exhaustive scoring gives 0.81): a retrieval loss of the engine"}


@pytest.mark.parametrize("query", [pytest.param(q, marks=pytest.mark.xfail(reason=MISSED[q.name], strict=True))
                                   if q.name in MISSED else q for q in QUERIES], ids=lambda q: q.name)
def test_the_index_finds_what_scoring_every_name_finds(built, query):
    assert [(m.record_id, m.score) for m in built.match(query, 0.7)] == \
        [(m.record_id, m.score) for m in built.exhaustive(query, 0.7)]


def test_a_saved_index_loads_with_the_same_records_names_and_answers(built, tmp_path):
    path = tmp_path / "list.idx"
    matching.write_index(path, built.to_bytes({"watchlist_version": 3}))
    loaded = Matcher.from_bytes(matching.read_index(path), {"watchlist_version": 3})
    assert loaded.records == built.records
    assert list(loaded.names) == list(built.names)
    assert loaded.skipped_names == built.skipped_names == [("x1", "0000", loaded.skipped_names[0][2])]
    assert answers(loaded) == answers(built)
    assert answers(loaded, threshold=0.0) == answers(built, threshold=0.0)
    assert {q.name: loaded.candidates(q, 0.7) for q in QUERIES} == {q.name: built.candidates(q, 0.7) for q in QUERIES}


@pytest.mark.parametrize("change", ["flip a byte in the header", "flip a byte in the arrays", "flip the last byte",
                                    "truncate", "empty", "not an index"])
def test_a_damaged_file_is_refused(built, change):
    data = bytearray(built.to_bytes())
    if change == "flip a byte in the header":
        data[60] ^= 0x01
    elif change == "flip a byte in the arrays":
        data[len(data) // 2] ^= 0x40
    elif change == "flip the last byte":
        data[-1] ^= 0xFF
    elif change == "truncate":
        data = data[:len(data) - 100]
    elif change == "empty":
        data = bytearray()
    else:
        data = bytearray(b"PK\x03\x04 a zip file, not ours" * 10)
    with pytest.raises(IndexFileError):
        Matcher.from_bytes(bytes(data))


@pytest.mark.parametrize("stale", ["algorithm", "engine", "watchlist"])
def test_a_file_built_by_another_algorithm_engine_or_for_another_watchlist_is_refused(built, monkeypatch, stale):
    data = built.to_bytes({"watchlist_version": 3})
    if stale == "algorithm":
        monkeypatch.setattr(pairs, "ALGORITHM_VERSION", pairs.ALGORITHM_VERSION + ".1")
    elif stale == "engine":
        monkeypatch.setattr(indexfile, "engine_fingerprint", lambda: "another engine")
    with pytest.raises(IndexFileError, match=stale if stale != "watchlist" else "built for"):
        Matcher.from_bytes(data, {"watchlist_version": 4 if stale == "watchlist" else 3})


# --- the service: one file per watchlist version beside the database ---------------------------------------------

LIST_A = ("Name,Aliases,Type,Country,ID\n\"DOE, John\",Johnny Doe,individual,US,C-1\n"
          "Acme Trading LLC,,company,Iran,C-2\n")
LIST_B = LIST_A + "Roberto Gonzales Marquez,,individual,MX,C-3\n"


def import_list(db_path: Path, text: str, tmp_path: Path) -> None:
    src = tmp_path / "list.csv"
    src.write_text(text, encoding="utf-8")
    r = CliRunner().invoke(cli, ["--db", str(db_path), "watchlist", "import", str(src), "--format", "csv",
                                 "--name", "clients"])
    assert r.exit_code == 0, r.output


def screen(db_path: Path, name: str) -> list[tuple[str, float]]:
    """Screen a name as a new process would: nothing in memory, the file if it is good."""
    matching._MATCHERS.clear()
    database = dbmod.connect(db_path)
    try:
        matcher, version, _ = matching.matcher_for(database, 0.0)
        return [(m.matched_name, round(m.score, 6)) for m in matcher.match(Query(name), 0.7)]
    finally:
        database.close()


def index_files(db_path: Path) -> list[Path]:
    return sorted(Path(str(db_path) + matching.INDEX_FOLDER_SUFFIX).glob("*.idx"))


@pytest.fixture
def list_db(tmp_path) -> Path:
    path = tmp_path / "screening.db"
    import_list(path, LIST_A, tmp_path)
    return path


def test_the_service_writes_the_index_once_and_reads_it_after(list_db, monkeypatch):
    first = screen(list_db, "Jon Doe")
    assert [n for n, _ in first] == ["DOE, John"]
    [file] = index_files(list_db)
    assert file.stat().st_mode & 0o777 == list_db.stat().st_mode & 0o777      # readable by whoever reads the db
    written = file.stat().st_mtime_ns
    built = []
    monkeypatch.setattr(matching, "Matcher", type("Counting", (Matcher,), {
        "__init__": lambda self, records: built.append(1) or Matcher.__init__(self, records)}))
    assert screen(list_db, "Jon Doe") == first
    assert built == [] and file.stat().st_mtime_ns == written


def test_importing_a_list_leaves_the_index_of_the_new_version_ready(tmp_path):
    db_path = tmp_path / "screening.db"
    src = tmp_path / "list.csv"
    src.write_text(LIST_A, encoding="utf-8")
    r = CliRunner().invoke(cli, ["--db", str(db_path), "watchlist", "import", str(src), "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert "Screening index of watchlist version 1 ready" in r.output
    [file] = index_files(db_path)
    assert file.name.startswith("v1-")
    src.write_text(LIST_B, encoding="utf-8")
    r = CliRunner().invoke(cli, ["--db", str(db_path), "watchlist", "import", str(src), "--format", "csv"])
    assert "Screening index of watchlist version 2 ready" in r.output
    [file] = index_files(db_path)
    assert file.name.startswith("v2-")


def test_a_new_watchlist_version_gets_its_own_file_and_the_old_one_goes(list_db, tmp_path):
    assert screen(list_db, "Roberto Gonzalez Marquez") == []
    [old] = index_files(list_db)
    import_list(list_db, LIST_B, tmp_path)
    assert [n for n, _ in screen(list_db, "Roberto Gonzalez Marquez")] == ["Roberto Gonzales Marquez"]
    [new] = index_files(list_db)
    assert new != old and not old.exists()


def test_another_algorithm_builds_its_own_file(list_db, monkeypatch):
    before = screen(list_db, "Acme Trading")
    [old] = index_files(list_db)
    monkeypatch.setattr(pairs, "ALGORITHM_VERSION", pairs.ALGORITHM_VERSION + ".1")
    assert screen(list_db, "Acme Trading") == before
    new = [f for f in index_files(list_db) if f != old]
    database = dbmod.connect(list_db)
    assert len(new) == 1 and Matcher.from_bytes(new[0].read_bytes(), matching._watchlist_id(database, 1, 0.0))
    database.close()


@pytest.mark.parametrize("damage", ["flip", "truncate", "stale engine"])
def test_a_damaged_or_stale_file_is_rebuilt_with_a_warning(list_db, caplog, monkeypatch, damage):
    good = screen(list_db, "Johnny Doe")
    [file] = index_files(list_db)
    if damage == "flip":
        data = bytearray(file.read_bytes())
        data[len(data) // 3] ^= 0x10
        file.write_bytes(bytes(data))
    elif damage == "truncate":
        file.write_bytes(file.read_bytes()[:500])
    else:
        monkeypatch.setattr(indexfile, "engine_fingerprint", lambda: "another engine")
    with caplog.at_level(logging.WARNING, logger=matching.__name__):
        assert screen(list_db, "Johnny Doe") == good
    assert any("not used" in r.getMessage() and str(file) in r.getMessage() for r in caplog.records)
    database = dbmod.connect(list_db)
    Matcher.from_bytes(file.read_bytes(), matching._watchlist_id(database, 1, 0.0))      # written again, whole
    database.close()


def test_a_database_in_memory_builds_in_memory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "list.csv"
    src.write_text(LIST_A, encoding="utf-8")
    database = dbmod.memory()
    lists.import_prepared(database, lists.prepare(src, "csv"), actor="test")
    matcher, version, size = matching.matcher_for(database, 0.0)
    assert (version, size) == (1, 2)
    assert [m.record_id for m in matcher.match(Query("Acme Trading"), 0.7)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list.csv"]
    database.close()
