"""The foundation: schema migrations, WAL, the verified model, and the layering of the packages."""
from __future__ import annotations

import subprocess
import sys

import pytest

from screening.store import db as dbmod
from watchlists import nlp
from watchlists.errors import ModelError


def test_migrations_are_recorded_and_idempotent(tmp_path):
    path = tmp_path / "m.db"
    db = dbmod.connect(path)
    names = dbmod.schema_version(db)
    assert names and names == [n for n, _ in dbmod.MIGRATIONS]
    assert dbmod.migrate(db) == []  # nothing left to apply
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()
    db = dbmod.connect(path)
    assert dbmod.schema_version(db) == names
    assert {"articles", "entities", "aliases", "mentions", "watchlist_versions"} <= set(db.table_names())


def test_transaction_rolls_back_everything_on_error(tmp_path):
    db = dbmod.connect(tmp_path / "t.db")
    with pytest.raises(RuntimeError):
        with dbmod.transaction(db):
            db.execute("INSERT INTO watchlist_versions (created_at, kind) VALUES ('now', 'test')")
            raise RuntimeError("boom")
    assert db.execute("SELECT count(*) FROM watchlist_versions").fetchone()[0] == 0


def test_missing_database_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="database folder does not exist"):
        dbmod.connect(tmp_path / "no" / "such" / "x.db")


def test_model_files_match_the_recorded_hashes():
    nlp.verify_model()  # raises ModelError when a file differs
    pipe = nlp.load()
    assert pipe.pipe_names == ["senter", "ner"]
    assert pipe.meta["version"] == nlp.MODEL_VERSION


def test_a_changed_model_file_is_refused(tmp_path):
    import shutil

    copy = tmp_path / "model"
    shutil.copytree(nlp.model_path(), copy)
    with open(copy / "ner" / "model", "r+b") as fh:
        fh.seek(100)
        fh.write(b"\x00\x01\x02")
    with pytest.raises(ModelError, match="ner/model"):
        nlp.verify_model(copy)


def test_fast_pipeline_finds_the_same_entities_as_the_full_one():
    text = ("According to the White House, US President Barack Obama and China's Prime Minister Li Keqiang "
            "agreed to step up cooperation. The US Department of Justice is preparing legal action against "
            "Liaoning Hongxiang, as well as other Chinese firms.")
    fast = [(e.text, e.label_) for e in nlp.load()(text).ents]
    full = [(e.text, e.label_) for e in nlp.load(full=True)(text).ents]
    assert fast == full


def test_matching_core_imports_no_web_or_storage():
    code = ("import sys, screening.engine.normalize; "
            "bad = [m for m in ('flask', 'sqlite_utils', 'openpyxl', 'sqlite3') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_cli_refuses_a_file_that_is_not_a_database(tmp_path):
    from click.testing import CliRunner

    from screening.cli import cli

    bad = tmp_path / "notes.db"
    bad.write_text("these are my notes, not a database\n" * 100)
    res = CliRunner().invoke(cli, ["--db", str(bad), "watchlist", "entities"])
    assert res.exit_code == 1
    assert f"cannot open the database {bad}" in res.output and "Traceback" not in res.output
    assert bad.read_text().startswith("these are my notes")  # untouched


def test_relevance_rewards_focused_recent_corroborated_coverage():
    from datetime import date

    from watchlists.relevance import relevance

    today = date(2026, 11, 28)
    firm = [{"adverse": 0.9, "source": "A", "published": "2026-10-01"},
            {"adverse": 0.8, "source": "B", "published": "2026-11-01"}]
    assert relevance(firm, today=today) > relevance(firm[:1], today=today)  # a second source corroborates
    old = [dict(m, published="2006-01-01") for m in firm]
    assert relevance(old, today=today) < relevance(firm, today=today)  # older news weighs less
    # The same adverse mentions among 500 passing ones: less of a story.
    assert relevance(firm, today=today, total_mentions=500) < relevance(firm, today=today)
    assert relevance(firm, today=today, is_source=True) < relevance(firm, today=today) / 5
    assert relevance([{"adverse": 0, "source": "A", "published": None}], today=today) == 0
    for r in (relevance(firm, today=today), relevance(old, today=today, total_mentions=3)):
        assert 0 < r <= 1
