"""Official lists: the CSV and OFAC SDN readers, validation, storage with versions, records for the engine, CLI;
the provenance of each import (files, SHA-256, sizes, publication date and its source, who) and its preview."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from screening.cli import cli
from screening.engine import attributes
from screening.engine.model import Record
from screening.service import lists as list_import
from screening.store import db as dbmod
from screening.store import watchlist as store
from watchlists import list_countries, lists

FIXTURES = Path(__file__).parent / "fixtures" / "lists"
OFAC = FIXTURES / "ofac"


def ofac_entries() -> dict[str, lists.ListEntry]:
    return {e.list_id: e for e in lists.read_ofac_sdn(OFAC / "sdn.csv")}


def import_file(db, path, fmt="ofac-sdn", name="ofac-sdn") -> store.ListImport:
    entries = lists.read_list(path, fmt)
    return store.import_list(db, entries, name=name, fmt=fmt, file_name=Path(path).name,
                             sha256=lists.files_sha256([Path(path)]))


def counts(result: store.ListImport) -> tuple:
    return result.added, result.updated, result.delisted, result.unchanged


# --- parsing ------------------------------------------------------------------------------------------------

def test_ofac_fixture_is_in_the_real_format():
    for name in ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"):
        data = (OFAC / name).read_bytes()
        assert data.endswith(b"\r\n\x1a") and b"\n" not in data.replace(b"\r\n", b"")
    assert b"-0- ," in (OFAC / "sdn.csv").read_bytes()


def test_read_ofac_sdn_joins_aliases_addresses_and_comments():
    e = ofac_entries()
    assert len(e) == 7
    assert {k: v.type for k, v in e.items()} == {
        "36": "organization", "306": "organization", "2674": "person", "7848": "person", "4243": "vessel",
        "15431": "aircraft", "28263": "person"}
    bank = e["306"]
    assert bank.aliases == ("NATIONAL BANK OF CUBA", "BNC")  # alt.csv first, then the remarks' a.k.a.
    assert bank.countries == ("ch", "es") and len(bank.addresses) == 2
    assert bank.addresses[0] == "Zweierstrasse 35, Zurich CH-8022, Switzerland"
    abbas = e["2674"]
    assert abbas.name == "ABBAS, Abu"  # as written: the engine handles name order
    assert abbas.birth_dates == ("1948-12-10",) and abbas.programs == ("SDGT",)
    assert abbas.remarks.startswith("DOB 10 Dec 1948;")
    duri = e["7848"]
    assert duri.aliases == ("ABU BRAYS", "'ABD AL-'IZZ", "FOOPIE")
    assert set(duri.birth_dates) == {"1940", "1941", "1942"} and duri.countries == ("iq",)
    swan = e["4243"]
    assert swan.aliases == ("ANA I",) and swan.alias_kinds == ("fka",)  # alt.csv and remarks: one alias
    assert swan.countries == ("cy",) and "Call sign P3QG3" in swan.remarks
    plane = e["15431"]
    assert plane.programs == ("SDGT", "IRAN") and plane.alias_kinds == ("nka",)
    tian = e["28263"]  # Remarks continue in sdn_comments.csv in the middle of an alias
    assert tian.aliases == ("tianyinyin0404", "snowsjohn")
    assert tian.countries == ("cn", "kp") and tian.remarks.endswith("Linked To: LAZARUS GROUP.")
    assert e["36"].row == 1 and tian.row == 7


def test_read_ofac_sdn_without_companions(tmp_path):
    shutil.copy(OFAC / "sdn.csv", tmp_path / "sdn.csv")
    assert lists.ofac_companions(tmp_path / "sdn.csv") == dict.fromkeys(lists.OFAC_COMPANIONS)
    e = {x.list_id: x for x in lists.read_ofac_sdn(tmp_path / "sdn.csv")}
    assert e["306"].aliases == ("BNC",) and e["306"].addresses == ()
    assert e["28263"].aliases == ("tianyinyin0404", "snowsjo")  # the truncated alias, as OFAC's sdn.csv has it


@pytest.mark.parametrize("text, dates", [
    ("12 Jan 1960", ("1960-01-12",)),
    ("circa 1955", ("1955",)),
    ("1962", ("1962",)),
    ("Jan 1960", ("1960-01",)),
    ("1960 to 1962", ("1960", "1961", "1962")),
    ("01 Jan 1980 to 31 Dec 1981", ("1980", "1981")),
    ("circa 1979-1982", ("1979", "1980", "1981", "1982")),
    ("10 Mar 1960 to 10 Mar 1960", ("1960-03-10",)),
    ("05 Mar 1960 to 20 Apr 1961", ("1960-03-05", "1961-04-20")),
    ("31 Feb 1960", ()),
    ("sometime in the sixties", ()),
])
def test_ofac_birth_dates(text, dates):
    assert lists.ofac_birth_dates(text) == dates


def test_parse_remarks_reads_aliases_dates_and_nationalities():
    aliases, dates, countries, hints = lists.parse_remarks(
        "DOB 03 May 1938; alt. DOB 1939; POB Cairo, Egypt; nationality Egypt; alt. citizen Sudan; Passport 1084010 "
        "(Egypt); Citizen's Card Number 123; n.k.a. 'NEW NAME'; a.k.a. 'ABU ''ALI'.")
    assert aliases == [("NEW NAME", "nka"), ("ABU ''ALI", "aka")]
    assert dates == ["1938-05-03", "1939"]
    assert countries == ["eg", "sd"]  # document countries are not nationalities
    assert hints == ["eg"]            # the place of birth is a weak hint


# Nationality and citizenship as OFAC's Remarks write them (strong), places of birth (weak), and what is neither.
@pytest.mark.parametrize("remarks, strong, weak", [
    ("nationality Korea, North", ["kp"], []),
    ("citizen Iran", ["ir"], []),
    ("alt. citizen Sudan", ["sd"], []),
    ("nationality Iran; citizen Iran", ["ir"], []),
    ("nationality Congo, Democratic Republic of the", ["cd"], []),
    ("nationality Burma", ["mm"], []),
    ("nationality possibly Syria", ["sy"], []),
    ("Nationality of Registration Panama", ["pa"], []),
    ("POB Tehran, Iran", [], ["ir"]),
    ("POB Kandahar Province, Afghanistan", [], ["af"]),
    ("POB Baghdad", [], ["iq"]),
    ("POB Chicago, IL", [], []),                       # a state abbreviation is not Israel
    ("POB Egypt; nationality Sudan", ["sd"], ["eg"]),
    ("Passport 1084010 (Egypt)", [], []),
    ("Citizen's Card Number 123", [], []),
    ("Linked To: NATIONAL IRANIAN TANKER COMPANY", [], []),
    ("National ID No. 14006467155 (Iran)", [], []),
    ("nationality Soviet Union", [], []),              # a state that no longer exists
])
def test_ofac_remarks_give_nationalities_and_places_of_birth(remarks, strong, weak):
    _, _, countries, hints = lists.parse_remarks(remarks)
    assert (countries, hints) == (strong, weak)


# The UN and UK lists' fields that hold countries, as they write them.
@pytest.mark.parametrize("text, scan, codes", [
    ("Democratic People's Republic of Korea", False, ["kp"]),        # UN
    ("Iran (Islamic Republic of)", False, ["ir"]),
    ("United Kingdom of Great Britain and Northern Ireland", False, ["gb"]),
    ("Türkiye", False, ["tr"]),
    ("State of Palestine", False, ["ps"]),
    ("former Soviet Union", False, []),
    ("na", False, []),                                                # a placeholder, not Namibia
    ("Afghan", False, ["af"]),                                        # UK: demonyms
    ("(1) Somali (2) Swedish", False, ["so", "se"]),
    ("1) Saudi Arabia 2) Qatar", False, ["sa", "qa"]),
    ("(1)-(2) Tunisia (3) Libya (4) Algeria", False, ["tn", "ly", "dz"]),
    ("(1) to (6) Algeria (7) Morocco", False, ["dz", "ma"]),
    ("a) French, b) Tunisian", False, ["fr", "tn"]),
    ("(a) Jordanian (b) American", False, ["jo", "us"]),
    ("Iranian (Iranian citizenship)", False, ["ir"]),
    ("Kuwaiti citizenship", False, ["kw"]),
    ("DRC and Belgian nationalities", False, ["cd", "be"]),
    ("Iranian national and US national/citizen", False, ["ir", "us"]),
    ("Sudanese by birth", False, ["sd"]),
    ("Kuwaiti citizenship withdrawn in 2002", True, []),              # no longer held
    ("Bosnia and Herzegovina", False, ["ba"]),                        # "and" inside a country's name
    ("Korea, North", False, ["kp"]),                                  # a comma inside a country's name
    ("Afghanistan (since 2009)", False, ["af"]),                      # UK addresses
    ("Raymah village, Sanaa Governorate (ريمة), Yemen", False, ["ye"]),
    ("In Syria as at June 2013", False, []),
    ("In Syria as at June 2013", True, ["sy"]),                       # searched only where asked (addresses)
    ("United States of America. Also believed to hold Syrian nationality", True, ["us", "sy"]),
    ("USSR", True, []),
])
def test_list_fields_give_their_countries(text, scan, codes):
    assert list_countries.field_countries(text, scan=scan) == codes


# Free-text comments of the UN and UK lists: only a labelled statement counts.
@pytest.mark.parametrize("text, strong, weak", [
    ("Nationality: Syria.", ["sy"], []),
    ("Citizenship: Pakistan. Place of birth: Kabul, Afghanistan.", ["pk"], ["af"]),
    ("Senior leader. Nationality: Syria. Citizenship: Jordan", ["sy", "jo"], []),
    ("UN Ref QI.A.154.04. Left Kuwait for Pakistan in June 2001.", [], []),
    ("Tunisian nationality withdrawn on 26 Jan 2009.", [], []),
    ("nationality withdrawn on 26 Jan 2009", [], []),
    ("Registered as a citizens' association under the name of X.", [], []),
])
def test_list_comments_give_only_labelled_nationalities(text, strong, weak):
    assert list_countries.remark_countries(text) == (strong, weak)


UN = FIXTURES / "un" / "UN_consolidated.xml"
UK = FIXTURES / "uk" / "sanctionsconlist.csv"


def test_read_un_reads_nationalities_strong_and_places_of_birth_and_addresses_weak():
    e = {x.list_id: x for x in lists.read_list(UN, "un-consolidated")}
    assert [(x.type, x.programs) for x in e.values()] == [("person", ("DRC",))] * 2 + [
        ("person", ("DPRK",)), ("person", ("Somalia",)), ("organization", ("DRC",))]
    badege, kaina, jang, karate, adf = e.values()
    assert (badege.name, badege.countries, badege.country_hints, badege.birth_dates) == (
        "ERIC BADEGE", ("cd",), ("rw",), ("1971",))            # living in Rwanda: a hint
    assert badege.aliases == () and badege.addresses == ("Rwanda (as of early 2016)",)
    assert kaina.countries == () and kaina.country_hints == ("cd", "ug")   # born in the DRC, living in Uganda
    assert kaina.aliases == ("Colonel Innocent KAINA", "India Queen") and kaina.birth_dates == ("1973-11",)
    assert jang.countries == ("kp",) and jang.aliases == ("Jang Pom Su", "Jang Hyon U", "장범수")
    assert jang.birth_dates == ("1958-02-22", "1957-04-15")   # an alias's own date of birth too
    assert karate.countries == ("ke",) and karate.country_hints == ("so",)  # "Citizenship: Kenya" in the comments
    assert karate.birth_dates == ("1957", "1958", "1959", "1960", "1961", "1962")
    assert adf.countries == ("cd",) and adf.alias_kinds == ("aka", "fka", "fka")  # an organisation's address
    assert "Nationality: Democratic People's Republic of Korea" in jang.remarks
    assert lists.published_in_file(UN, "un-consolidated") == "2026-02-27"


def test_read_uk_groups_name_rows_and_reads_their_countries():
    notes: list[str] = []
    e = {x.list_id: x for x in lists.read_list(UK, "uk-hmt", notes)}
    assert notes == ["sanctionsconlist.csv: not UTF-8 (byte 0x96 at offset 1104), read as Windows-1252"]
    qahtani, soleimani, ghaith, golani, sepah = (e[k] for k in ("13349", "9062", "7996", "12883", "9008"))
    assert qahtani.name == "Nayef Salam Muhammad Ujaym AL-HABABI"     # the Prime Alias row names the entry
    assert qahtani.aliases == ("Sheikh Farooq AL-QAHTANI",) and qahtani.birth_dates == ("1981", "1980")
    assert qahtani.countries == ("sa", "qa") and qahtani.country_hints == ("af",)
    assert soleimani.countries == ("ir",) and soleimani.birth_dates == ("1957-03-11",)
    assert "Position: Commander of Iranian Revolutionary Guard Corps, IRGC – Qods" in soleimani.remarks
    assert ghaith.countries == () and ghaith.country_hints == ("kw",)  # citizenship withdrawn; born in Kuwait
    assert golani.countries == ("sy",)                                  # "Nationality: Syria" in Other Information
    assert sepah.type == "organization" and sepah.countries == ("ir", "gb") and sepah.alias_kinds == ("fka",)
    assert lists.published_in_file(UK, "uk-hmt") == "2018-04-13"


@pytest.mark.parametrize("fmt, content, message", [
    ("un-consolidated", b"<?xml version='1.0'?><LIST/>", "not the UN consolidated list"),
    ("un-consolidated", b"not xml", "not XML"),
    ("un-consolidated", b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><CONSOLIDATED_LIST>&a;"
                        b"</CONSOLIDATED_LIST>", "refused"),
    ("uk-hmt", b"name,country\nX,de\n", "not the UK consolidated list"),
])
def test_un_and_uk_readers_refuse_other_files(tmp_path, fmt, content, message):
    p = tmp_path / "list.file"
    p.write_bytes(content)
    with pytest.raises(lists.ListError, match=message):
        lists.read_list(p, fmt)


def test_un_and_uk_entries_reach_the_engine_with_their_hints(db):
    import_file(db, UN, "un-consolidated", "un-consolidated")
    import_file(db, UK, "uk-hmt", "uk-hmt")
    records = {r.names[0]: r for r in store.match_records(db)}
    kaina = records["INNOCENT KAINA"]
    assert kaina.countries == () and kaina.country_hints == ("cd", "ug") and kaina.source == "un-consolidated"
    assert records["Nayef Salam Muhammad Ujaym AL-HABABI"].country_hints == ("af",)
    assert store.sanctions_loaded(db)
    assert counts(import_file(db, UN, "un-consolidated", "un-consolidated")) == (0, 0, 0, 5)   # nothing changed


def test_cli_imports_the_un_list_with_its_publication_date_and_shows_hints(tmp_path):
    r = run(tmp_path, "watchlist", "import", str(UN), "--format", "un-consolidated")
    assert r.exit_code == 0, r.output
    assert "List un-consolidated: 5 entries read" in r.output and "2026-02-27 (read from the file)" in r.output
    r = run(tmp_path, "watchlist", "show", "un-consolidated:CDi.004")
    assert r.exit_code == 0, r.output
    assert "countries: unknown" in r.output and "born or living in (a weak hint): cd, ug" in r.output


@pytest.mark.parametrize("text, code", [
    ("DE", "de"), ("de", "de"), ("DEU", "de"), ("Germany", "de"), ("Korea, North", "kp"), ("Burma", "mm"),
    ("Congo, Democratic Republic of the", "cd"), ("Côte d'Ivoire", "ci"), ("Crimea", "ua"), ("Russian", "ru"),
    ("Soviet Union", None), ("Atlantis", None), ("", None),
])
def test_country_code(text, code):
    assert attributes.country_code(text) == code


def test_read_csv_header_any_case_and_attributes():
    e = lists.read_csv(FIXTURES / "good.csv")
    assert [x.list_id for x in e] == ["C-1", "C-2", "C-3", "C-4"]
    doe = e[0]
    assert (doe.name, doe.type, doe.aliases, doe.birth_dates, doe.countries, doe.remarks, doe.row) == (
        "DOE, John", "person", ("Johnny Doe", "J. Doe"), ("1960-01-12", "1961"), ("us", "ca"), "Internal case 17", 2)
    assert [x.type for x in e] == ["person", "organization", "vessel", "person"]
    assert e[3].name == "Müller, Jürgen" and e[3].birth_dates == ("1975-03",) and e[3].countries == ("de",)


def test_read_csv_bom_semicolons_cp1252_and_derived_ids(tmp_path):
    p = tmp_path / "bom.csv"
    p.write_bytes("\ufeffNAME;Country\nJürgen Müller;DE\nJürgen Müller;AT\n".encode("utf-8"))
    notes: list[str] = []
    e = lists.read_csv(p, notes)
    assert [x.name for x in e] == ["Jürgen Müller"] * 2 and notes == []
    assert e[0].list_id != e[1].list_id and e[0].type == "unknown"
    p.write_bytes("name,country\nJürgen Müller,de\n".encode("cp1252"))
    e = lists.read_csv(p, notes)
    assert e[0].name == "Jürgen Müller"
    assert len(notes) == 1 and "read as Windows-1252" in notes[0] and "bom.csv" in notes[0]
    p.write_bytes(b"name\n\x81\x8d\xff\xfe\n")
    with pytest.raises(lists.ListError, match="neither UTF-8 .* nor Windows-1252"):
        lists.read_csv(p)


def test_read_csv_lists_every_bad_row():
    with pytest.raises(lists.ListError) as err:
        lists.read_csv(FIXTURES / "bad.csv")
    assert err.value.problems == [
        "bad.csv: row 3: empty name",
        "bad.csv: row 4: unknown entity type 'robot' (use person, organization, vessel, aircraft or unknown)",
        "bad.csv: row 5: unreadable birth date '12/01/1970' (use YYYY, YYYY-MM or YYYY-MM-DD)",
        "bad.csv: row 6: unknown country 'Atlantis' (use an ISO alpha-2 code or an English country name)",
        "bad.csv: row 7: duplicate id 'B-1' (first on row 2)",
    ]
    assert str(err.value).startswith("bad.csv: 5 problems, nothing imported:\n  bad.csv: row 3: empty name")


def test_read_csv_caps_the_problem_list(tmp_path):
    p = tmp_path / "many.csv"
    p.write_text("name,type\n" + "".join(f"n{i},robot\n" for i in range(30)))
    with pytest.raises(lists.ListError) as err:
        lists.read_csv(p)
    lines = str(err.value).splitlines()
    assert len(err.value.problems) == 30 and len(lines) == 22 and lines[-1].strip() == "and 10 more"


@pytest.mark.parametrize("content, message", [
    ("", "empty file"),
    ("aliases,type\nX,person\n", "no `name` column"),
    ("name,Name\nX,Y\n", "repeated column name"),
    ("name\n\n", "no entries"),
])
def test_read_csv_structure_errors(tmp_path, content, message):
    p = tmp_path / "x.csv"
    p.write_text(content)
    with pytest.raises(lists.ListError, match=message):
        lists.read_csv(p)


def test_wrong_format_and_repeated_rows(tmp_path):
    with pytest.raises(lists.ListError, match="row 1: ent_num 'Name' is not a number: not an OFAC file"):
        lists.read_ofac_sdn(FIXTURES / "good.csv")
    sdn = (OFAC / "sdn.csv").read_bytes().rstrip(b"\x1a")
    first = sdn.split(b"\r\n")[0]
    (tmp_path / "sdn.csv").write_bytes(sdn + first + b"\r\n\x1a")
    notes: list[str] = []
    assert len(lists.read_ofac_sdn(tmp_path / "sdn.csv", notes)) == 7
    assert notes == ["sdn.csv: 1 rows repeat an earlier row exactly; read once"]
    (tmp_path / "sdn.csv").write_bytes(sdn + first.replace(b"AIRLINES", b"LINES") + b"\r\n\x1a")
    with pytest.raises(lists.ListError, match="row 8: ent_num 36 again, different from row 1"):
        lists.read_ofac_sdn(tmp_path / "sdn.csv")


def test_to_record():
    r = lists.to_record(ofac_entries()["2674"], "ofac-sdn")
    assert r == Record(id="2674", names=("ABBAS, Abu", "ZAYDAN, Muhammad"), type="person", countries=(),
                       birth_dates=("1948-12-10",), source="ofac-sdn")


def test_lists_module_is_pure():
    code = ("import sys, watchlists.lists; bad = [m for m in ('sqlite3', 'sqlite_utils', 'flask', 'spacy') "
            "if m in sys.modules]; assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


# --- storage ------------------------------------------------------------------------------------------------

def test_import_ofac_stores_entities_aliases_and_a_version(db):
    result = import_file(db, OFAC / "sdn.csv")
    assert counts(result) == (7, 0, 0, 0) and result.read == 7 and result.aliases == 11
    assert result.version == store.current_version(db) == 1
    v = store.versions(db)[0]
    assert v["kind"] == "list" and v["entities_added"] == 7 and "7 added" in v["description"]
    [src] = store.list_sources(db)
    assert (src["name"], src["format"], src["record_count"], src["active"], src["version"]) == (
        "ofac-sdn", "ofac-sdn", 7, 7, 1)
    kinds = dict(db.execute("SELECT a.alias, a.kind FROM aliases a JOIN entities e ON e.id = a.entity_id "
                            "WHERE e.list_id = '4243'").fetchall())
    assert kinds == {"SAND SWAN": "name", "ANA I": "fka"}
    ent = store.get_entity(db, "ofac-sdn:2674")
    assert (ent["origin"], ent["list_name"], ent["list_id"], ent["programs"], ent["birth_dates"]) == (
        "list", "ofac-sdn", "2674", ["SDGT"], ["1948-12-10"])
    assert ent["mentions"] == [] and ent["remarks"].startswith("DOB 10 Dec 1948")


def test_identical_reimport_stores_nothing(db):
    import_file(db, OFAC / "sdn.csv")
    before = db.execute("SELECT count(*), max(updated_at) FROM entities").fetchone()
    again = import_file(db, OFAC / "sdn.csv")
    assert again.version is None and counts(again) == (0, 0, 0, 7)
    assert store.current_version(db) == 1 and len(store.versions(db)) == 1
    assert db.execute("SELECT count(*), max(updated_at) FROM entities").fetchone() == before


def test_changed_reimport_updates_adds_delists_and_relists(db, tmp_path):
    import_file(db, OFAC / "sdn.csv")
    rows = (OFAC / "sdn.csv").read_bytes().rstrip(b"\x1a").split(b"\r\n")[:-1]
    changed = [r.replace(b"DOB 10 Dec 1948", b"DOB 10 Dec 1949") for r in rows if not r.startswith(b"36,")]
    changed.append(b'99999,"NEW TRADING LLC",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ')
    (tmp_path / "sdn.csv").write_bytes(b"\r\n".join(changed) + b"\r\n\x1a")
    for name in lists.OFAC_COMPANIONS:
        shutil.copy(OFAC / name, tmp_path / name)
    result = import_file(db, tmp_path / "sdn.csv")
    assert counts(result) == (1, 1, 1, 5) and result.version == 2
    abbas = store.get_entity(db, "ofac-sdn:2674")
    assert abbas["birth_dates"] == ["1949-12-10"] and abbas["updated_version"] == 2 and abbas["first_version"] == 1
    gone = store.get_entity(db, "ofac-sdn:36")
    assert gone["delisted_version"] == 2
    ids = {r.names[0] for r in store.match_records(db)}
    assert "AEROCARIBBEAN AIRLINES" not in ids and "NEW TRADING LLC" in ids
    assert store.list_sources(db)[0]["delisted"] == 1
    back = import_file(db, OFAC / "sdn.csv")  # the first file again: 36 returns, 99999 leaves
    assert (back.added, back.updated, back.relisted, back.delisted) == (0, 2, 1, 1)
    assert store.get_entity(db, "ofac-sdn:36")["delisted_version"] is None


def test_alias_changes_are_updates(db, tmp_path):
    import_file(db, FIXTURES / "good.csv", "csv", "clients")
    p = tmp_path / "good.csv"
    p.write_text((FIXTURES / "good.csv").read_text(encoding="utf-8").replace("Johnny Doe;", ""), encoding="utf-8")
    result = import_file(db, p, "csv", "clients")
    assert counts(result) == (0, 1, 0, 3)
    doe = next(r for r in store.match_records(db) if r.names[0] == "DOE, John")
    assert doe.names == ("DOE, John", "J. Doe")


def test_same_names_on_lists_do_not_collide(db, tmp_path):
    p = tmp_path / "twins.csv"
    p.write_text("name,type,id\nJohn Smith,person,1\nJohn Smith,person,2\n")
    assert import_file(db, p, "csv", "twins").added == 2
    assert import_file(db, p, "csv", "other").added == 2
    assert len(store.find_entities(db, "John Smith")) == 4


def test_a_list_name_keeps_its_format(db):
    import_file(db, OFAC / "sdn.csv")
    with pytest.raises(lists.ListError, match="was imported as ofac-sdn"):
        import_file(db, FIXTURES / "good.csv", "csv", "ofac-sdn")


def test_bad_csv_stores_nothing(db):
    with pytest.raises(lists.ListError):
        import_file(db, FIXTURES / "bad.csv", "csv", "bad")
    assert db.execute("SELECT count(*) FROM entities").fetchone()[0] == 0
    assert store.current_version(db) == 0 and store.list_sources(db) == []


def test_match_records_news_and_lists(db):
    with dbmod.transaction(db):
        v = store.new_version(db, "articles", "test", "me")
        eid, _ = store.upsert_entity(db, v, "person", "Barack Obama", "barack obama")
        store.add_aliases(db, eid, ["Barack Obama", "Obama"], v)
        db.execute("UPDATE entities SET countries = ? WHERE id = ?", ['["us", "eu", "kp"]', eid])
    import_file(db, OFAC / "sdn.csv")
    records = {r.names[0]: r for r in store.match_records(db)}
    assert len(records) == 8
    assert records["Barack Obama"] == Record(id=str(eid), names=("Barack Obama", "Obama"), type="person",
                                             countries=("us", "kp"), birth_dates=(), source="news")
    tian = records["TIAN, Yinyin"]
    assert tian.names == ("TIAN, Yinyin", "tianyinyin0404", "snowsjohn") and tian.source == "ofac-sdn"
    assert tian.birth_dates == ("1986-07-12",) and tian.countries == ("cn", "kp") and tian.id.isdigit()
    assert records["SAND SWAN"].type == "vessel"


def test_migration_002_keeps_news_rows(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    monkeypatch.setattr(dbmod, "MIGRATIONS", dbmod.MIGRATIONS[:1])
    old = dbmod.connect(path)
    old.execute("INSERT INTO entities (name, name_key, type, scope) VALUES ('X', 'x', 'person', '')")
    old.conn.commit()
    old.close()
    monkeypatch.undo()
    db = dbmod.connect(path)
    assert dbmod.schema_version(db)[:2] == ["001_watchlist", "002_lists"]
    assert db.execute("SELECT origin, delisted_version FROM entities").fetchone() == ("news", None)
    db.close()


# --- command line -------------------------------------------------------------------------------------------

def run(tmp_path, *args):
    return CliRunner().invoke(cli, ["--db", str(tmp_path / "cli.db"), *args])


def test_cli_import_ofac_and_show(tmp_path):
    r = run(tmp_path, "watchlist", "import", str(OFAC / "sdn.csv"), "--format", "ofac-sdn")
    assert r.exit_code == 0, r.output
    assert "alt.csv found, add.csv found, sdn_comments.csv found" in r.output
    assert "List ofac-sdn: 7 entries read (11 aliases); 7 added, 0 updated, 0 delisted, 0 unchanged; " \
           "watchlist version 1." in r.output
    r = run(tmp_path, "watchlist", "import", str(OFAC / "sdn.csv"), "--format", "ofac-sdn")
    assert r.exit_code == 0 and "unchanged: nothing stored; watchlist version 1" in r.output
    r = run(tmp_path, "watchlist", "show", "ofac-sdn:28263")
    assert r.exit_code == 0, r.output
    for text in ("TIAN, Yinyin", "list ofac-sdn, list id 28263", "programs: DPRK3, CYBER2",
                 "birth dates: 1986-07-12", "countries: cn, kp", "snowsjohn (aka)", "address: Nanjing, Jiangsu, China",
                 "remarks: DOB 12 Jul 1986;"):
        assert text in r.output


def test_cli_import_csv_default_name(tmp_path):
    r = run(tmp_path, "watchlist", "import", str(FIXTURES / "good.csv"), "--format", "csv")
    assert r.exit_code == 0, r.output
    assert "List csv:good: 4 entries read (4 aliases); 4 added" in r.output


@pytest.mark.parametrize("args, code, message", [
    (["no-such.csv", "--format", "csv"], 1, "Error: no-such.csv: no such file"),
    ([str(FIXTURES / "good.csv"), "--format", "xml"], 2, "Invalid value for '--format'"),
    ([str(FIXTURES / "good.csv")], 2, "Missing option '--format'"),
    ([str(FIXTURES / "bad.csv"), "--format", "csv"], 1, "Error: bad.csv: 5 problems, nothing imported:"),
    ([str(FIXTURES / "good.csv"), "--format", "ofac-sdn"], 1, "ent_num 'Name' is not a number"),
])
def test_cli_import_errors_are_clear(tmp_path, args, code, message):
    r = run(tmp_path, "watchlist", "import", *args)
    assert r.exit_code == code and message in r.output, r.output
    assert "Traceback" not in r.output and isinstance(r.exception, SystemExit)
    if "bad.csv" in args[0]:
        assert "bad.csv: row 7: duplicate id 'B-1' (first on row 2)" in r.output
        assert store.current_version(dbmod.connect(tmp_path / "cli.db")) == 0


# --- provenance: what each import read, when the list was published, who imported it -------------------------

def _set_mtime(path: Path, day: str) -> None:
    t = datetime.fromisoformat(day + "T12:00:00+00:00").timestamp()
    os.utime(path, (t, t))


def _ofac_copy(tmp_path: Path, day: str = "2021-07-07") -> Path:
    for name in ("sdn.csv", *lists.OFAC_COMPANIONS):
        shutil.copy(OFAC / name, tmp_path / name)
    _set_mtime(tmp_path / "sdn.csv", day)
    return tmp_path / "sdn.csv"


def _list_files(db) -> list[dict]:
    return [dict(r) for r in db.query("SELECT * FROM list_files ORDER BY id")]


def test_a_csv_import_records_its_file_the_date_given_and_who(db):
    prepared = list_import.prepare(FIXTURES / "good.csv", "csv", published="2024-03-01")
    result = list_import.import_prepared(db, prepared, actor="alice")
    assert result.version == 1 and result.added == 4
    data = (FIXTURES / "good.csv").read_bytes()
    [row] = _list_files(db)
    assert {k: row[k] for k in ("version", "list_name", "format", "file_name", "sha256", "size", "published",
                                "published_from", "imported_by")} == {
        "version": 1, "list_name": "csv:good", "format": "csv", "file_name": "good.csv",
        "sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "published": "2024-03-01",
        "published_from": "option", "imported_by": "alice"}
    assert row["list_source_id"] == store.list_sources(db)[0]["id"] and row["imported_at"]
    entry = db.execute("SELECT actor, details FROM audit_log WHERE action = 'list.imported'").fetchone()
    assert entry[0] == "alice" and json.loads(entry[1])["files"][0]["sha256"] == row["sha256"]


def test_the_ofac_set_records_all_four_files_and_falls_back_to_the_modification_time(db, tmp_path):
    prepared = list_import.prepare(_ofac_copy(tmp_path), "ofac-sdn")
    assert prepared.provenance.published_from == "mtime" and prepared.provenance.published == "2021-07-07"
    list_import.import_prepared(db, prepared, actor="cli:ops")
    rows = _list_files(db)
    assert [r["file_name"] for r in rows] == ["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"]
    for r in rows:
        data = (OFAC / r["file_name"]).read_bytes()
        assert (r["sha256"], r["size"]) == (hashlib.sha256(data).hexdigest(), len(data))
        assert (r["published"], r["published_from"], r["imported_by"], r["version"]) == (
            "2021-07-07", "mtime", "cli:ops", 1)
    # A date given by hand wins over the modification time; neither format writes one inside the file.
    assert lists.published_in_file(OFAC / "sdn.csv", "ofac-sdn") is None
    assert lists.published_in_file(FIXTURES / "good.csv", "csv") is None
    again = list_import.prepare(tmp_path / "sdn.csv", "ofac-sdn", published="2021-07-09")
    assert (again.provenance.published, again.provenance.published_from) == ("2021-07-09", "option")


@pytest.mark.parametrize("text, message", [
    ("2024-02-30", "not a date"), ("07/07/2021", "not a date"), ("2021-7-7", "not a date"),
    ("2999-01-01", "in the future")])
def test_a_publication_date_given_by_hand_is_checked(text, message):
    with pytest.raises(lists.ListError, match=message):
        lists.publication_date(text)


def test_an_upload_without_any_date_is_refused(tmp_path):
    shutil.copy(FIXTURES / "good.csv", tmp_path / "good.csv")
    with pytest.raises(lists.ListError, match="enter the publication date"):
        list_import.prepare(tmp_path / "good.csv", "csv", uploaded=True)
    got = list_import.prepare(tmp_path / "good.csv", "csv", uploaded=True, mtime="2024-01-31")
    assert (got.provenance.published, got.provenance.published_from) == ("2024-01-31", "mtime")


def test_the_lists_of_a_version_carry_the_provenance_of_the_import_that_made_them(db, tmp_path):
    list_import.import_prepared(db, list_import.prepare(_ofac_copy(tmp_path), "ofac-sdn"), actor="a")
    list_import.import_prepared(db, list_import.prepare(FIXTURES / "good.csv", "csv", published="2024-03-01"),
                                actor="b")
    sdn = tmp_path / "sdn.csv"
    sdn.write_bytes(sdn.read_bytes().replace(b"DOB 10 Dec 1948", b"DOB 10 Dec 1949"))
    list_import.import_prepared(db, list_import.prepare(sdn, "ofac-sdn", published="2021-08-01"), actor="c")
    assert store.current_version(db) == 3
    assert store.lists_of_version(db, 0) == []
    [v1] = store.lists_of_version(db, 1)
    assert (v1["name"], v1["format"], v1["sanctions"], v1["version"], v1["published"], v1["published_from"],
            v1["imported_by"]) == ("ofac-sdn", "ofac-sdn", True, 1, "2021-07-07", "mtime", "a")
    assert [f["file_name"] for f in v1["files"]] == ["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"]
    v2 = store.lists_of_version(db, 2)
    assert [(x["name"], x["version"], x["sanctions"]) for x in v2] == [("csv:good", 2, False), ("ofac-sdn", 1, True)]
    v3 = {x["name"]: x for x in store.lists_of_version(db, 3)}
    assert (v3["ofac-sdn"]["version"], v3["ofac-sdn"]["published"], v3["ofac-sdn"]["imported_by"]) == (
        3, "2021-08-01", "c")
    assert v3["ofac-sdn"]["files"][0]["sha256"] == hashlib.sha256(sdn.read_bytes()).hexdigest()
    assert v3["ofac-sdn"]["files"][1:] == v1["files"][1:]          # the companions did not change
    assert [x["version"] for x in store.list_imports(db)] == [3, 2, 1]


def test_a_list_imported_without_provenance_is_named_without_files(db):
    import_file(db, OFAC / "sdn.csv")                # as before migration 009: no list_files rows
    [item] = store.lists_of_version(db, 1)
    assert (item["name"], item["version"], item["files"], item["published"]) == ("ofac-sdn", 1, [], None)


def test_a_preview_counts_and_names_the_changes_and_stores_nothing(db, tmp_path):
    list_import.import_prepared(db, list_import.prepare(_ofac_copy(tmp_path), "ofac-sdn"), actor="a")
    sdn = tmp_path / "sdn.csv"
    rows = sdn.read_bytes().rstrip(b"\x1a").split(b"\r\n")[:-1]
    changed = [r.replace(b"DOB 10 Dec 1948", b"DOB 10 Dec 1949") for r in rows if not r.startswith(b"36,")]
    changed.append(b'99999,"NEW TRADING LLC",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ')
    sdn.write_bytes(b"\r\n".join(changed) + b"\r\n\x1a")
    before = db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    plan = list_import.preview(db, list_import.prepare(sdn, "ofac-sdn"))
    assert (plan.added, plan.updated, plan.delisted, plan.unchanged, plan.version) == (1, 1, 1, 5, None)
    assert {(c.change, c.list_id, c.name, c.fields) for c in plan.changes} == {
        ("added", "99999", "NEW TRADING LLC", ()), ("updated", "2674", "ABBAS, Abu", ("birth dates", "remarks")),
        ("delisted", "36", "AEROCARIBBEAN AIRLINES", ())}
    assert store.current_version(db) == 1 and db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before
    assert len(_list_files(db)) == 4


def test_sanctions_loaded_needs_an_active_entry_of_an_official_sanctions_list(db, tmp_path):
    assert not store.sanctions_loaded(db)
    list_import.import_prepared(db, list_import.prepare(FIXTURES / "crm_sanctions.csv", "csv"), actor="a")
    assert not store.sanctions_loaded(db)           # a CSV may be anything: not taken for an official list
    list_import.import_prepared(db, list_import.prepare(_ofac_copy(tmp_path), "ofac-sdn"), actor="a")
    assert store.sanctions_loaded(db)


def test_cli_import_prints_and_records_the_provenance(tmp_path):
    (tmp_path / "in").mkdir()
    sdn = _ofac_copy(tmp_path / "in")
    r = run(tmp_path, "watchlist", "import", str(sdn), "--format", "ofac-sdn", "--dry-run")
    assert r.exit_code == 0, r.output
    assert "+ added     306  BANCO NACIONAL DE CUBA" in r.output and "Dry run: nothing stored." in r.output
    assert "would add 7, update 0, delist 0; 0 unchanged" in r.output
    digest = hashlib.sha256((OFAC / "alt.csv").read_bytes()).hexdigest()
    assert "alt.csv" in r.output and digest in r.output
    assert "published 2021-07-07 (the file's modification time)" in r.output
    database = dbmod.connect(tmp_path / "cli.db")
    assert store.current_version(database) == 0
    r = run(tmp_path, "watchlist", "import", str(sdn), "--format", "ofac-sdn")
    assert r.exit_code == 0 and "watchlist version 1." in r.output, r.output
    r = run(tmp_path, "watchlist", "import", str(FIXTURES / "good.csv"), "--format", "csv", "--published",
            "2024-03-01")
    assert r.exit_code == 0 and "published 2024-03-01 (given at import)" in r.output, r.output
    rows = {(x["list_name"], x["published"], x["published_from"]) for x in _list_files(database)}
    assert rows == {("ofac-sdn", "2021-07-07", "mtime"), ("csv:good", "2024-03-01", "option")}
    assert {x["imported_by"] for x in _list_files(database)} == {f"cli:{store.system_user()}"}
    database.close()
    r = run(tmp_path, "watchlist", "import", str(FIXTURES / "good.csv"), "--format", "csv", "--published", "soon")
    assert r.exit_code == 2 and "Invalid value for '--published'" in r.output
