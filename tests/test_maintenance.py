"""Online backups (taken while others write) and their restore; retention that keeps the audit trail verifiable."""
from __future__ import annotations

import shutil
import sqlite3
import threading

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from screening.cli import cli
from screening.service import maintenance, monitor, worker
from screening.store import audit, jobs, monitoring, runs, settings
from screening.store import db as dbmod


def _clients(path, names=("Li Keqiang", "Acme Widgets Ltd")):
    wb = Workbook()
    ws = wb.active
    ws.append(["Client ID", "Name", "Country"])
    for i, name in enumerate(names, start=1):
        ws.append([f"C-{i}", name, "CN"])
    wb.save(path)
    return path


def _run(db, tmp_path, name="c.xlsx") -> int:
    jobs.enqueue(db, "screen", {"path": str(_clients(tmp_path / name)), "file_name": name}, actor="ana")
    job = worker.run_one(db, "w1")
    assert job["status"] == "done", job["error"]
    return job["result"]["run_id"]


def _counts(conn) -> dict:
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("decisions", "audit_log", "settings", "runs", "run_rows", "hits", "articles", "mentions")}


# --- backup and restore ---------------------------------------------------------------------------------------

def test_a_backup_taken_while_another_connection_writes_is_one_consistent_moment(sample_copy, tmp_path):
    db = dbmod.connect(sample_copy)
    run_id = _run(db, tmp_path)
    hit_id = next(runs.iter_hits(db, run_id))["id"]
    stop, written = threading.Event(), [0]

    def writer():
        own = dbmod.connect(sample_copy, migrate_schema=False)
        try:
            while not stop.is_set():
                runs.add_decision(own, hit_id, "escalate", "needs senior review", actor="ana")
                settings.put(own, f"note_{written[0] % 7}", str(written[0]), actor="root")
                written[0] += 1
        finally:
            own.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        copies = []
        for i in range(4):
            while written[0] < 5 * (i + 1):          # let the writer get going between copies
                pass
            copies.append(maintenance.backup(db, tmp_path / f"copy{i}.db"))
    finally:
        stop.set()
        thread.join()
    assert written[0] >= 20
    sizes = []
    for c in copies:
        with open(c["path"], "rb") as fh:
            assert fh.read(20)[18] == 1                 # a rollback-journal file, not WAL: one self-contained file
        copy = dbmod.connect(c["path"], migrate_schema=False)
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert audit.verify(copy).ok
        n = _counts(copy.conn)
        # Each decision is stored with its audit entry in one transaction: a copy of one moment holds both or neither.
        recorded = copy.execute("SELECT count(*) FROM audit_log WHERE action = 'decision.recorded'").fetchone()[0]
        assert n["decisions"] == recorded == c["decisions"]
        sizes.append(n["decisions"])
        copy.close()
    assert sizes == sorted(sizes) and sizes[-1] > sizes[0]      # taken at successive moments while writing
    assert not list(tmp_path.glob(".*.partial"))


def test_backup_refuses_to_overwrite_unless_forced_and_restore_gives_a_working_database(sample_copy, tmp_path):
    db = dbmod.connect(sample_copy)
    run_id = _run(db, tmp_path)
    runs.add_decision(db, next(runs.iter_hits(db, run_id))["id"], "escalate", "needs senior review", actor="ana")
    out = tmp_path / "backup.db"
    cli_runner = CliRunner()
    res = cli_runner.invoke(cli, ["--db", str(sample_copy), "backup", str(out)])
    assert res.exit_code == 0 and "integrity ok" in res.output, res.output
    res = cli_runner.invoke(cli, ["--db", str(sample_copy), "backup", str(out)])
    assert res.exit_code == 1 and "exists already" in res.output and "--force" in res.output
    res = cli_runner.invoke(cli, ["--db", str(sample_copy), "backup", str(out), "--force"])
    assert res.exit_code == 0, res.output
    # After the backup the live database goes on (a decision the backup does not hold).
    runs.add_decision(db, next(runs.iter_hits(db, run_id))["id"], "escalate", "not enough information to decide",
                      actor="ana")
    # Restore as documented: service stopped, the backup copied over the database file, -wal/-shm removed.
    db.close()
    restored = tmp_path / "restored" / "screening.db"
    restored.parent.mkdir()
    shutil.copy(sample_copy, restored)                      # the database that was there, with a stale WAL
    (restored.parent / (restored.name + "-wal")).write_bytes(b"stale")
    shutil.copy(out, restored)
    for suffix in ("-wal", "-shm"):
        (restored.parent / (restored.name + suffix)).unlink(missing_ok=True)
    res = cli_runner.invoke(cli, ["--db", str(restored), "runs"])
    assert res.exit_code == 0 and "c.xlsx" in res.output, res.output
    res = cli_runner.invoke(cli, ["--db", str(restored), "audit", "verify"])
    assert res.exit_code == 0 and "intact" in res.output, res.output
    back = dbmod.connect(restored)
    assert back.execute("SELECT count(*) FROM decisions").fetchone()[0] == 1      # as it was at the backup
    assert back.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# --- retention ------------------------------------------------------------------------------------------------

def _age(db, table: str, column: str, ids: list[int], when: str = "2001-01-01T00:00:00+00:00") -> None:
    db.execute(f"UPDATE {table} SET {column} = ? WHERE id IN ({','.join(map(str, ids))})", [when])
    db.conn.commit()


def test_retention_is_off_until_set_and_checks_its_settings(sample_copy, tmp_path):
    db = dbmod.connect(sample_copy)
    run_id = _run(db, tmp_path)
    _age(db, "runs", "started_at", [run_id])
    before = _counts(db.conn)
    result = maintenance.retention(db, "root")
    assert (result.runs, result.articles) == ([], []) and "kept forever" in result.describe()
    assert _counts(db.conn) == before
    settings.put(db, maintenance.RUNS_DAYS, "a month", actor="root")
    with pytest.raises(maintenance.MaintenanceError, match="not a whole number"):
        maintenance.retention(db, "root")
    res = CliRunner().invoke(cli, ["--db", str(sample_copy), "retention", "--runs-days", "0"])
    assert res.exit_code == 1 and "at least 1" in res.output


def test_retention_deletes_old_runs_with_their_decisions_and_keeps_the_audit_trail_verifiable(sample_copy, tmp_path):
    db = dbmod.connect(sample_copy)
    old = _run(db, tmp_path, "old.xlsx")
    hits = list(runs.iter_hits(db, old))
    li = next(h for h in hits if h["client_name"] == "Li Keqiang")
    # A cleared, approved, suppressing false positive; and the client put under monitoring.
    fp = runs.add_decision(db, li["id"], "false positive", "common name, nothing else in common", actor="ana",
                           suppress=True)
    runs.approve(db, fp, "rev", "reviewer")
    monitor.add_run(db, old, "ana")
    kept = _run(db, tmp_path, "kept.xlsx")
    kept_hits = list(runs.iter_hits(db, kept))
    assert any(h["status"] == "suppressed" for h in kept_hits)
    other = next(h for h in kept_hits)
    runs.add_decision(db, other["id"], "escalate", "needs senior review", actor="ana")
    _age(db, "runs", "started_at", [old])
    settings.put(db, maintenance.RUNS_DAYS, "30", actor="root")
    before = _counts(db.conn)

    dry = maintenance.retention(db, "root", dry_run=True)
    assert [r["run_id"] for r in dry.runs] == [old] and dry.runs[0]["decisions"] == 1
    assert _counts(db.conn) == before                     # nothing changed, not even the audit log

    res = CliRunner().invoke(cli, ["--db", str(sample_copy), "retention"])
    assert res.exit_code == 0 and "deleted 1 runs older than 30 days" in res.output, res.output
    db = dbmod.connect(sample_copy)
    for table in ("run_rows", "hits", "decisions"):
        assert db.execute(f"SELECT count(*) FROM {table} WHERE run_id = ?", [old]).fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM runs WHERE id = ?", [old]).fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM approvals").fetchone()[0] == 0
    # The later run and its decision are untouched.
    assert runs.get_run(db, kept)["status"] == "completed"
    assert db.execute("SELECT count(*) FROM decisions WHERE run_id = ?", [kept]).fetchone()[0] == 1
    # The suppression lost its decision: lifted (the alert comes back in the next run), kept for the later hits.
    sup = dict(next(db.query("SELECT * FROM suppressions")))
    assert sup["lifted_reason"] == maintenance.LIFTED_BY_RETENTION and sup["decision_id"] is None
    again = _run(db, tmp_path, "again.xlsx")
    assert not any(h["status"] == "suppressed" for h in runs.iter_hits(db, again))
    # The monitored clients stay monitored, without the link to the deleted run.
    assert monitoring.counts(db)["monitored"] == 2
    assert {m["source_run_id"] for m in monitoring.list_clients(db)} == {None}
    # The audit trail: never edited, one entry per deleted run with its counts, still verifiable.
    assert audit.verify(db).ok
    deleted = audit.entries(db, "run", old)[0]
    assert deleted["action"] == "run.deleted" and deleted["actor"].startswith("cli:")
    assert (deleted["details"]["rows"], deleted["details"]["decisions"], deleted["details"]["approvals"],
            deleted["details"]["suppressions_lifted"], deleted["details"]["monitored_detached"]) == (2, 1, 1, 1, 2)
    assert [e["action"] for e in audit.run_entries(db, old)][:2] == ["run.started", "run.completed"]
    applied = audit.entries(db, "retention")
    assert len(applied) == 1 and applied[0]["action"] == "retention.applied" and applied[0]["details"]["runs"] == [old]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    # The append-only guards are back.
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM decisions")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM audit_log")


def test_retention_deletes_old_articles_and_the_entities_they_alone_named(sample_copy, tmp_path):
    db = dbmod.connect(sample_copy)
    run_id = _run(db, tmp_path)
    matched = {h["entity_id"] for h in runs.iter_hits(db, run_id)}
    assert matched
    article = db.execute("SELECT id FROM articles").fetchone()[0]
    entities = db.execute("SELECT count(*) FROM entities").fetchone()[0]
    _age(db, "articles", "added_at", [article])
    maintenance.set_retention(db, maintenance.ARTICLES_DAYS, 365, actor="root")
    result = maintenance.retention(db, "root")
    assert [a["article_id"] for a in result.articles] == [article] and result.articles[0]["mentions"] > 0
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM mentions").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM article_bands").fetchone()[0] == 0
    # Entities named only there are gone, except those earlier hits point at: withdrawn from screening.
    assert result.entities_withdrawn == len(matched)
    assert result.entities_deleted == entities - len(matched)
    left = {r[0]: r[1] for r in db.execute("SELECT id, delisted_version FROM entities")}
    assert set(left) == matched and set(left.values()) == {result.version}
    assert runs.get_hit(db, next(iter(runs.iter_hits(db, run_id)))["id"])["entity_name"]
    assert audit.verify(db).ok
    assert audit.entries(db, "article", article)[0]["action"] == "article.deleted"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    from screening.service.matching import EmptyWatchlist, matcher_for
    with pytest.raises(EmptyWatchlist):
        matcher_for(db, 0.0)
