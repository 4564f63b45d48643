"""Batch screening on every core gives what one process gives, row for row; a failing worker is an error, not a hang.

The client file is a messy fixture (empty and digits-only names, impossible and unreadable dates, a repeated
client ID, misspelt listed names) against the fixture sanctions list; the pool is forced on with chunks of a few rows.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from screening.cli import cli
from screening.engine.batch import NOT_SCREENED, SCREENED, screen_rows
from screening.engine.model import Query, Skipped
from screening.engine import parallel
from screening.engine.parallel import WorkerError, processes_for, screen_rows_parallel
from screening.service import policy, screen
from screening.service.matching import matcher_for
from screening.store import runs

FIXTURES = Path(__file__).parent / "fixtures"
CLIENTS = FIXTURES / "clients" / "messy_batch.csv"


@pytest.fixture(scope="module")
def matcher(crm_db):
    return matcher_for(crm_db, 0.0)[0]


@pytest.fixture(scope="module")
def clients():
    rows = screen.prepare(CLIENTS).clients
    assert any(c.problems for c in rows) and any(not c.problems for c in rows)
    return rows


@pytest.mark.parametrize("start_method, chunk_rows, processes", [
    ("fork", 3, 2),          # many chunks, more chunks queued than processes
    ("fork", 7, 3),          # a last chunk shorter than the others
    pytest.param("spawn", 10, 2, marks=pytest.mark.slow),   # workers that cannot inherit the matcher load it
                                                            # from its bytes (each imports the engine: ~10 s)
])
def test_every_core_gives_the_rows_one_process_gives(matcher, clients, start_method, chunk_rows, processes):
    one = list(screen_rows(matcher, clients, 0.7, None))
    ticks: list[int] = []
    many = list(screen_rows_parallel(matcher, clients, 0.7, None, ticks.append, processes=processes,
                                     chunk_rows=chunk_rows, start_method=start_method))
    # Same rows in the same order, same statuses and reasons, same matches with the same scores and reasons.
    assert [r.client.row for r in many] == [c.row for c in clients]
    assert many == one
    assert {r.status for r in many} == {SCREENED, NOT_SCREENED}
    assert any(r.matches for r in many)
    # Progress once per chunk, counting rows, up to every row.
    assert ticks == [min(n * chunk_rows, len(clients)) for n in range(1, len(ticks) + 1)]
    assert ticks[-1] == len(clients)


@pytest.mark.parametrize("rows, processes, chunk_rows", [
    (5, 4, 3),       # fewer than two chunks of rows: screened here, no pool
    (40, 1, 3),      # one process asked for
])
def test_small_batches_and_one_process_stay_in_process(matcher, clients, rows, processes, chunk_rows, monkeypatch):
    def no_pool(*a, **k):
        raise AssertionError("a pool was started")
    monkeypatch.setattr("screening.engine.parallel.ProcessPoolExecutor", no_pool)
    subset = clients[:rows]
    got = list(screen_rows_parallel(matcher, subset, 0.7, None, processes=processes, chunk_rows=chunk_rows))
    assert got == list(screen_rows(matcher, subset, 0.7, None))


# --- failures -------------------------------------------------------------------------------------------------

@dataclass
class Row:
    row: int
    name: str
    type: str = "unknown"
    countries: tuple[str, ...] = ()
    birth_date: str | None = None
    problems: list[str] = field(default_factory=list)


class Failing:
    """A matcher that fails on one name: by raising, or by its process dying."""

    def screen(self, query: Query, threshold: float, limit: int | None = None):
        if query.name == "raise":
            raise ValueError("cannot read this name")
        if query.name == "die":
            os._exit(3)
        return Skipped(query.name, "not a real matcher")


@pytest.mark.parametrize("bad_name, message", [
    ("raise", "screening rows 31-33 failed in a worker process: ValueError: cannot read this name"),
    ("die", "a screening process stopped unexpectedly"),
])
def test_a_failing_worker_is_an_error_naming_the_rows(bad_name, message):
    rows = [Row(n, bad_name if n == 32 else f"name {n}") for n in range(1, 61)]
    results = screen_rows_parallel(Failing(), rows, 0.7, None, processes=2, chunk_rows=3, start_method="fork")
    with pytest.raises(WorkerError, match=message):
        list(results)


def test_rows_before_the_failing_chunk_are_given_first():
    rows = [Row(n, "raise" if n == 32 else f"name {n}") for n in range(1, 61)]
    got = []
    with pytest.raises(WorkerError):
        for r in screen_rows_parallel(Failing(), rows, 0.7, None, processes=2, chunk_rows=3, start_method="fork"):
            got.append(r.client.row)
    assert got == list(range(1, 31))


# --- the setting ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("0", 0), ("1", 1), (" 4 ", 4),
])
def test_the_processes_setting_reads_whole_numbers(raw, expected):
    assert policy.check("screening_processes", raw) == expected


@pytest.mark.parametrize("raw, message", [
    ("-1", r"Screening processes: -1 is outside the allowed values \(at least 0\)"),
    ("two", "Screening processes: 'two' is not a whole number"),
    ("1.5", "Screening processes: '1.5' is not a whole number"),
])
def test_a_bad_processes_setting_is_refused_in_words(raw, message):
    with pytest.raises(policy.PolicyError, match=message):
        policy.check("screening_processes", raw)


def test_a_bad_processes_environment_variable_names_it(monkeypatch):
    monkeypatch.setenv("SCREENING_PROCESSES", "-2")
    with pytest.raises(policy.PolicyError, match=r"SCREENING_PROCESSES: Screening processes: -2 is outside the "
                                                 r"allowed values \(at least 0\)"):
        policy.resolve(None)


@pytest.mark.parametrize("setting, expected", [(0, "every core"), (1, 1), (3, 3)])
def test_zero_processes_means_every_core(setting, expected):
    got = processes_for(setting)
    assert got == (len(os.sched_getaffinity(0)) if expected == "every core" else expected)


def test_negative_processes_are_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        processes_for(-1)


# --- the service ----------------------------------------------------------------------------------------------

def _stored(db, run_id):
    return ([(r["row"], r["status"], r["reason"], r["hit_count"], r["best_score"]) for r in runs.iter_rows(db, run_id)],
            [(h["row"], h["rank"], h["entity_id"], h["score"]) for h in runs.iter_hits(db, run_id)])


def test_a_run_on_every_core_stores_what_one_process_stores(crm_db, monkeypatch):
    monkeypatch.setattr("screening.engine.parallel.CHUNK_ROWS", 4)
    prepared = screen.prepare(CLIENTS)
    one = screen.screen(crm_db, prepared, actor="test", processes=1)
    many = screen.screen(crm_db, prepared, actor="test", processes=2)
    assert runs.get_run(crm_db, many)["status"] == runs.get_run(crm_db, one)["status"] == "completed"
    assert _stored(crm_db, many) == _stored(crm_db, one)


def _db_file(db) -> str:
    return db.execute("PRAGMA database_list").fetchone()[2]


@pytest.mark.parametrize("args, exit_code, says", [
    (["--processes", "2"], 3, "25 rows, 20 screened, 5 not screened"),     # 3: some rows not screened
    (["--processes", "1"], 3, "25 rows, 20 screened, 5 not screened"),
    (["--processes", "-1"], 2, "-1 is not in the range x>=0"),
])
def test_the_screen_command_takes_the_number_of_processes(crm_db, args, exit_code, says, monkeypatch):
    monkeypatch.setattr("screening.engine.parallel.CHUNK_ROWS", 4)
    result = CliRunner().invoke(cli, ["--db", _db_file(crm_db), "screen", str(CLIENTS), *args])
    assert result.exit_code == exit_code, result.output
    assert says in result.output


@pytest.mark.parametrize("processes", [1, 2])
def test_a_client_listed_on_several_rows_is_screened_once_with_the_same_hits(crm_db, tmp_path, monkeypatch,
                                                                               processes):
    """A CRM extract lists a counterparty once per account: every row is stored with the hits of the first, and
    the engine sees the name once. Rows without a usable name stay not screened, each on its own."""
    monkeypatch.setattr("screening.engine.parallel.CHUNK_ROWS", 3)
    header, *lines = CLIENTS.read_text(encoding="utf-8").splitlines()
    # every line twice, the copies after all the originals, and the first line a third time next to itself
    doubled = tmp_path / "doubled.csv"
    doubled.write_text("\n".join([header, lines[0], *lines, *lines]) + "\n", encoding="utf-8")
    calls = []
    real = screen.screen_rows_parallel
    monkeypatch.setattr(screen, "screen_rows_parallel", lambda m, rows, *a, **k: calls.append(len(rows)) or
                        real(m, rows, *a, **k))
    prepared = screen.prepare(doubled)
    run_id = screen.screen(crm_db, prepared, actor="test", processes=processes)
    once = screen.screen(crm_db, screen.prepare(CLIENTS), actor="test", processes=processes)
    rows, hits = _stored(crm_db, run_id)
    first_rows, first_hits = _stored(crm_db, once)
    n = len(lines)
    assert len(rows) == 2 * n + 1
    # rows 2.. of the doubled file: line 0 twice, then lines 1..n-1, then all n again
    originals = {r[0]: r[1:] for r in first_rows}
    for row, *rest in rows:
        k = row - 2                                     # index in the doubled file's data
        line = 0 if k <= 1 else (k - 1) % n
        assert tuple(rest) == originals[line + 2], row
    hits_of = {}
    for row, rank, entity, score in first_hits:
        hits_of.setdefault(row, []).append((rank, entity, score))
    for row in {r[0] for r in rows}:
        k = row - 2
        line = 0 if k <= 1 else (k - 1) % n
        assert sorted(h[1:] for h in hits if h[0] == row) == sorted(hits_of.get(line + 2, [])), row
    # The engine got each row without a usable name, and each distinct query once.
    distinct = len({(c.name, c.type, c.countries, c.birth_date) for c in prepared.clients if not c.problems})
    without_name = sum(1 for c in prepared.clients if c.problems)
    assert calls[0] == without_name + distinct and distinct < len(prepared.clients) - without_name


def test_the_screen_command_starts_no_thread_so_its_processes_share_the_index(crm_db, monkeypatch):
    """With its progress bar shown (as in a terminal), ``screening screen`` runs no thread of its own when it starts
    its screening processes: a process with another thread must spawn them, and each would load the index again,
    where a fork shares it (1.4 s a process at OFAC + 200,000 names)."""
    monkeypatch.setattr("screening.engine.parallel.CHUNK_ROWS", 4)
    monkeypatch.setenv("SCREENING_PROGRESS", "1")
    seen = []
    real = parallel._start_method
    monkeypatch.setattr(parallel, "_start_method", lambda: seen.append(threading.active_count()) or real())
    before = threading.active_count()
    result = CliRunner().invoke(cli, ["--db", _db_file(crm_db), "screen", str(CLIENTS), "--processes", "2"])
    assert result.exit_code == 3, result.output
    assert "25 rows, 20 screened" in result.output
    assert seen == [before]
