"""Real client files: every row that has a name is screened, and the name is read from the right column.

The CRM extract fixture (tests/fixtures/clients, made by make_crm_extract.py) has every trait that used to leave
rows unscreened: title rows, a short-name column beside the legal name, CRM type words, placeholders, impossible
and unreadable dates, a repeated client reference, blank rows. Ten of its counterparties are on the fixture
sanctions list; each sits on a row with one of those traits.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.cli import EXIT_NOT_SCREENED, cli
from screening.files.clientfile import client_rows
from screening.files.columns import FIELDS, Mapping, detect_mapping
from screening.service import ingest, screen
from screening.store import db as dbmod
from screening.store import runs
from screening.store import watchlist as store
from watchlists import lists

CLIENTS = Path(__file__).parent / "fixtures" / "clients"
SANCTIONS = Path(__file__).parent / "fixtures" / "lists" / "crm_sanctions.csv"
EXPECTED = json.loads((CLIENTS / "crm_extract_expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def crm_db(tmp_path_factory):
    """The sample article plus the fixture sanctions list, in a file database."""
    path = tmp_path_factory.mktemp("crm") / "crm.db"
    db = dbmod.connect(path)
    ingest.ingest_sample(db)
    store.import_list(db, lists.read_list(SANCTIONS, "csv"), name="crm-sanctions", fmt="csv",
                      file_name=SANCTIONS.name, sha256=lists.files_sha256([SANCTIONS]))
    db.close()
    return path


@pytest.mark.parametrize("name", ["crm_extract.xlsx", "crm_extract.csv"])
def test_the_right_columns_are_found_without_overrides(name):
    prepared = screen.prepare(CLIENTS / name)
    m = prepared.mapping
    assert m.header_row == EXPECTED["header_row"]
    found = {f: m.headers[i] for f, i in m.columns.items()}
    want = EXPECTED["columns"]
    assert found["name"] == want["name"] == "Legal Name"            # not the short "Counterparty"
    assert found["client_id"] == want["client_id"] and found["type"] == want["type"]
    assert found["birth_date"] == want["birth_date"]
    assert [m.headers[i] for i in m.all_columns("country")] == want["country"]
    # The preview says why: the fullest name column, and the short one serves where the legal name is empty.
    assert any(line.startswith("name: 'Legal Name' (column C), the fullest name column") for line in m.explain)
    assert any(line.strip().startswith("also a name: 'Counterparty' (column B)") and
               line.endswith("read where 'Legal Name' is empty") for line in m.explain)
    # Staff names in "Relationship Manager" are never taken for the client's name.
    assert "Relationship Manager" not in [m.headers[i] for i in m.all_columns("name")]


@pytest.mark.parametrize("name", ["crm_extract.xlsx", "crm_extract.csv"])
def test_every_row_with_a_name_is_screened_and_the_sanctioned_ones_hit(crm_db, tmp_path, name):
    report = tmp_path / "report.xlsx"
    result = CliRunner().invoke(cli, ["--db", str(crm_db), "screen", str(CLIENTS / name), "--report", str(report)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output          # nothing left out: no warning, status 0
    assert "NOT SCREENED" not in result.output
    db = dbmod.connect(crm_db)
    try:
        run_id = runs.list_runs(db, 1)[0]["id"]
        run = runs.get_run(db, run_id)
        assert run["rows_total"] == run["screened"] == EXPECTED["rows_with_name"] == 40
        assert run["not_screened"] == 0 and run["not_screened_reasons"] == {}
        rows = {r["row"]: r for r in runs.iter_rows(db, run_id)}
        hits: dict[int, set] = {}
        for h in runs.iter_hits(db, run_id):
            hits.setdefault(h["row"], set()).add(h["entity_name"])
        for row, entry in EXPECTED["sanctioned_rows"].items():
            assert entry in hits.get(int(row), set()), (row, entry, rows[int(row)])
        # What used to stop a row is now a note on it.
        notes = " | ".join(n for r in rows.values() for n in r["notes"])
        assert "impossible date '31/02/1946': screened without a birth date" in notes
        assert "client ID 'CP-0042' also in row" in notes
        assert "country 'Atlantis' not recognised" in notes
        assert "name read from 'Counterparty'" in rows[38]["notes"][0] and rows[38]["name"] == "Ali Khamenei"
        # The two rows sharing a reference stay two clients.
        shared = [r for r in rows.values() if r["client_id"] == "CP-0042"]
        assert len(shared) == 2 and shared[0]["client_key"] != shared[1]["client_key"]
        # CRM type words are read: "Corporate", "Ind.", "Personne morale", "Sole Trader".
        by_word = {r["cells"].get("Client Type"): r["type"] for r in rows.values() if r["cells"].get("Client Type")}
        assert by_word.get("Corporate") == by_word.get("Personne morale") == "organization"
        assert by_word.get("Ind.") == by_word.get("Sole Trader") == by_word.get("natural person") == "person"
        assert run["rows_with_notes"] >= 5
    finally:
        db.close()


def test_a_run_that_leaves_rows_out_warns_last_and_exits_3(crm_db, tmp_path):
    csv = tmp_path / "payees.csv"
    csv.write_text("Client Ref,Legal Name,Client Type\nA1,Bank Melli Iran,Corp\nA2,,Company\nA3,4711,Company\n"
                   "A4,N/A,Individual\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", str(crm_db), "screen", str(csv)], catch_exceptions=False)
    assert result.exit_code == EXIT_NOT_SCREENED == 3
    last = result.output.rstrip().splitlines()[-1]
    assert last.startswith("WARNING: run ") and "3 rows NOT SCREENED (2 empty name" in last
    assert "1 name has only digits and punctuation" in last
    assert "row 5: empty name (the cell says 'N/A')" in result.output


def test_column_with_an_empty_header_unmaps_a_field_on_the_command_line(crm_db):
    result = CliRunner().invoke(cli, ["--db", str(crm_db), "screen", str(CLIENTS / "crm_extract.csv"),
                                      "--column", "type=", "--column", "country=Country of Residence"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "type <-" not in result.output
    assert "country <- 'Country of Residence' (column F)" in result.output
    assert "Country of Incorporation" not in result.output.split("Loading")[0].split("rows.")[1].split("note")[0]


def test_several_country_columns_can_be_named_on_the_command_line(crm_db):
    result = CliRunner().invoke(cli, ["--db", str(crm_db), "screen", str(CLIENTS / "crm_extract.csv"),
                                      "--column", "country=Country of Residence",
                                      "--column", "country=Country of Incorporation"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "country <- 'Country of Residence' (column F), 'Country of Incorporation' (column E)" in result.output


# --- the gate is the name only -----------------------------------------------------------------------------------

_ANY_CELL = st.one_of(
    st.none(), st.text(max_size=40), st.integers(-10**9, 10**9), st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=date(1, 1, 1)), st.datetimes(min_value=datetime(1, 1, 1)), st.booleans(),
    st.sampled_from(["N/A", "n.a.", "-", "none", "unknown", "?", "31/02/1990", "Corporate", "Ind.", "#REF!",
                     "=1+1", "Atlantis", "CN; RU", "0000-00-00", "1e400", "\x00", " ", "CP-0042"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.text(min_size=1, max_size=30).filter(lambda t: any(ch.isalpha() for ch in t)),
       others=st.lists(st.tuples(_ANY_CELL, _ANY_CELL, _ANY_CELL, _ANY_CELL), min_size=1, max_size=4))
def test_no_value_of_another_column_makes_a_row_with_a_name_unscreened(name, others):
    """Whatever the ID, type, country and birth date cells hold, a row whose name has letters is screened."""
    from screening.engine.attributes import is_name_placeholder
    from screening.engine.normalize import problem
    if problem(name) or is_name_placeholder(name):       # no usable name: the one gate
        return
    headers = ["Client ID", "Name", "Type", "Country", "Date of Birth"]
    m = Mapping(1, headers, {f: i for i, f in enumerate(("client_id", "name", "type", "country", "birth_date"))})
    data = [(n, [cid, name, t, c, d]) for n, (cid, t, c, d) in enumerate(others, start=2)]
    data.append((len(data) + 2, [others[0][0], name, "x", "y", "z"]))        # a repeated ID, odd values
    for row in client_rows([(1, headers)] + data, m):
        assert row.problems == [] and row.screenable, (row.problems, row.cells)
        assert row.name


# --- the header layouts ------------------------------------------------------------------------------------------

def _layout_rows(layout: dict) -> list[tuple[int, list]]:
    lines = [[t] for t in layout.get("title_rows") or []] + [layout["headers"]] + layout["rows"]
    return [(n, cells) for n, cells in enumerate(lines, start=1) if any(c not in (None, "") for c in cells)]


@pytest.mark.parametrize("corpus", ["header_layouts.json", "header_layouts_holdout.json"])
def test_the_name_column_is_found_in_most_header_layouts(corpus):
    """Aggregate floors, so that tuning fails loudly without flaking on one layout (see benchmarks/README.md)."""
    path = CLIENTS / corpus
    if not path.exists():
        pytest.skip(f"{corpus} not present")
    layouts = json.loads(path.read_text(encoding="utf-8"))
    assert len(layouts) >= 20
    right = 0
    for layout in layouts:
        try:
            m = detect_mapping(_layout_rows(layout), None, layout["source"])
        except ValueError:
            continue
        got = m.headers[m.columns["name"]] if "name" in m.columns else None
        right += got == layout["expected"].get("name")
        assert set(m.columns) <= set(FIELDS)
    assert right / len(layouts) >= (0.9 if corpus == "header_layouts.json" else 0.8), right


# --- type words as CRMs write them ---------------------------------------------------------------------------------

@pytest.mark.parametrize("word, expected", [
    ("Individual", "person"), ("natural person", "person"), ("Natural Person", "person"), ("Ind.", "person"),
    ("private individual", "person"), ("Person", "person"), ("Retail", "person"), ("Sole Trader", "person"),
    ("Personne physique", "person"), ("Natürliche Person", "person"), ("Persona Física", "person"),
    ("Corporate", "organization"), ("Corp.", "organization"), ("Company", "organization"), ("Entity", "organization"),
    ("legal entity", "organization"), ("Non-natural person", "organization"), ("non-individual", "organization"),
    ("Institution", "organization"), ("Bank", "organization"), ("Fund", "organization"), ("Trust", "organization"),
    ("Partnership", "organization"), ("LLP", "organization"), ("Foundation", "organization"),
    ("Association", "organization"), ("Government body", "organization"), ("Gov", "organization"), ("Personne morale", "organization"),
    ("Juristische Person", "organization"), ("Persona jurídica", "organization"), ("SPV", "organization"),
    ("Private company limited by shares", "organization"), ("Corporate (PIC)", "organization"),
    ("Vessel", "vessel"), ("Ship", "vessel"), ("Aircraft", "aircraft"), ("-0-", "unknown"), ("Other", "unknown"),
])
def test_type_words(word, expected):
    from screening.engine.model import entity_type
    assert entity_type(word) == expected


@pytest.mark.parametrize("word", ["Joint", "Prospect", "Customer - Direct", "alien"])
def test_words_that_tell_no_type_are_refused_by_the_reader_and_noted_by_the_file_reader(word):
    from screening.engine.model import entity_type
    with pytest.raises(ValueError):
        entity_type(word)
    m = Mapping(1, ["Name", "Type"], {"name": 0, "type": 1})
    row = next(client_rows([(1, ["Name", "Type"]), (2, ["Acme Trading LLC", word])], m))
    assert row.screenable and row.type == "organization"          # inferred from the legal form
    assert row.notes == [f"type {word!r} not recognised: screened as an organization (the name has a legal form)"]


@pytest.mark.parametrize("word", ["SAS", "GmbH", "Pte Ltd", "SARL"])
def test_a_legal_form_written_as_the_type_makes_an_organisation(word):
    m = Mapping(1, ["Name", "Type"], {"name": 0, "type": 1})
    row = next(client_rows([(1, ["Name", "Type"]), (2, ["Oriole Freight", word])], m))
    assert row.screenable and row.type == "organization"
    # (a form the type words know already, such as GmbH, needs no note)
    assert row.notes in ([], [f"type {word!r} is a legal form: screened as an organization"])
    assert word != "SAS" or row.notes  # SAS is no type word: the note says why it was read as one
