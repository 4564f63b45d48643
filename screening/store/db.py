"""Own the database: where it lives, how to open it, and its schema with migrations.

Every other module receives an open ``sqlite_utils.Database`` and never opens one itself. Migrations are plain
functions applied in order and recorded in ``_migrations``; each runs inside one transaction, so a database is
either at a migration's state or before it, never half-way.
"""
from __future__ import annotations

import contextlib
import importlib
import os
import sqlite3
from pathlib import Path
from typing import Callable, Iterator

import sqlite_utils

DEFAULT_DB = "screening.db"
DB_ENV = "SCREENING_DB"
BUSY_TIMEOUT_MS = 30_000


def default_path() -> str:
    """Return the database path from ``SCREENING_DB``, else ``screening.db`` in the working directory."""
    return os.environ.get(DB_ENV) or DEFAULT_DB


def connect(path: str | os.PathLike | None = None, migrate_schema: bool = True) -> sqlite_utils.Database:
    """Open (creating if needed) the SQLite file in WAL mode with a busy timeout, migrated to the latest schema."""
    path = str(path or default_path())
    if path != ":memory:":
        parent = Path(path).expanduser().resolve().parent
        if not parent.is_dir():
            raise FileNotFoundError(f"database folder does not exist: {parent}")
        conn = sqlite3.connect(str(Path(path).expanduser()), timeout=BUSY_TIMEOUT_MS / 1000,
                               check_same_thread=False)
    else:
        conn = sqlite3.connect(":memory:", check_same_thread=False)
    db = sqlite_utils.Database(conn)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if path != ":memory:":
        db.enable_wal()
        conn.execute("PRAGMA synchronous = NORMAL")
    if migrate_schema:
        migrate(db)
    return db


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Run a block as one write transaction: all of it is stored, or none of it.

    ``BEGIN IMMEDIATE`` takes the write lock up front, so concurrent writers wait (busy timeout) instead of
    failing on a lock upgrade. Nested blocks become savepoints.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


def memory() -> sqlite_utils.Database:
    """Return a migrated in-memory database (for tests and dry runs)."""
    return connect(":memory:")


# --- migrations ---------------------------------------------------------------------------------------------

def _m001_watchlist(db: sqlite_utils.Database) -> None:
    db["watchlist_versions"].create(
        {"version": int, "created_at": str, "kind": str, "description": str, "actor": str,
         "articles_added": int, "articles_linked": int, "entities_added": int, "mentions_added": int},
        pk="version",
    )
    db["articles"].create(
        {"id": int, "url": str, "title": str, "source": str, "author": str, "site": str, "published": str,
         "language": str, "text": str, "text_hash": str, "file_name": str, "format": str,
         "credits": str, "duplicate_of": int, "similarity": float, "version": int, "added_at": str},
        pk="id", foreign_keys=[("duplicate_of", "articles", "id"), ("version", "watchlist_versions", "version")],
    )
    db["articles"].create_index(["text_hash"], unique=True)
    db["articles"].create_index(["url"])
    db["article_bands"].create({"band": str, "article_id": int}, pk=("band", "article_id"),
                               foreign_keys=[("article_id", "articles", "id")])
    db["entities"].create(
        {"id": int, "name": str, "name_key": str, "type": str, "scope": str, "role": str, "countries": str,
         "risk_categories": str, "relevance": float, "mention_count": int, "source_count": int,
         "first_version": int, "updated_version": int, "created_at": str, "updated_at": str},
        pk="id", foreign_keys=[("first_version", "watchlist_versions", "version")],
    )
    db["entities"].create_index(["name_key", "type", "scope"], unique=True)
    db["entities"].create_index(["relevance"])
    db["aliases"].create(
        {"entity_id": int, "alias": str, "alias_key": str, "version": int},
        pk=("entity_id", "alias"), foreign_keys=[("entity_id", "entities", "id")],
    )
    db["aliases"].create_index(["alias_key"])
    db["mentions"].create(
        {"id": int, "entity_id": int, "article_id": int, "alias": str, "excerpt": str, "start": int, "end": int,
         "paragraph": int, "sentence": int, "kind": str, "context": str, "country": str, "countries": str, "risk_categories": str,
         "triggers": str, "stage": str, "stage_words": str, "adverse": float, "reporting": int, "version": int},
        pk="id",
        foreign_keys=[("entity_id", "entities", "id"), ("article_id", "articles", "id"),
                      ("version", "watchlist_versions", "version")],
    )
    db["mentions"].create_index(["entity_id"])
    db["mentions"].create_index(["article_id"])


def _m002_lists(db: sqlite_utils.Database) -> None:
    # One row per imported list (by name), updated by each import that changes it.
    db["list_sources"].create(
        {"id": int, "name": str, "format": str, "file_name": str, "sha256": str, "imported_at": str,
         "version": int, "record_count": int},
        pk="id", foreign_keys=[("version", "watchlist_versions", "version")],
    )
    db["list_sources"].create_index(["name"], unique=True)
    # List entries live in `entities` beside news entities; their scope is `list:<source id>:<list id>`, so
    # equal names on a list never collide with each other or with news entities.
    for sql in (
        "ALTER TABLE entities ADD COLUMN origin TEXT NOT NULL DEFAULT 'news'",
        "ALTER TABLE entities ADD COLUMN list_source_id INTEGER REFERENCES list_sources(id)",
        "ALTER TABLE entities ADD COLUMN list_id TEXT",
        "ALTER TABLE entities ADD COLUMN birth_dates TEXT",
        "ALTER TABLE entities ADD COLUMN programs TEXT",
        "ALTER TABLE entities ADD COLUMN addresses TEXT",
        "ALTER TABLE entities ADD COLUMN remarks TEXT",
        "ALTER TABLE entities ADD COLUMN delisted_version INTEGER REFERENCES watchlist_versions(version)",
        "ALTER TABLE aliases ADD COLUMN kind TEXT",
    ):
        db.execute(sql)
    db["entities"].create_index(["list_source_id", "list_id"])

def _m003_runs(db: sqlite_utils.Database) -> None:
    # A screening run: what was screened (file and its SHA-256), by whom, when, how (mapping, threshold,
    # algorithm) and against what (watchlist version). Status is running, completed or failed (with the error).
    db["runs"].create(
        {"id": int, "file_name": str, "sha256": str, "sheet": str, "file_size": int, "actor": str,
         "started_at": str, "finished_at": str, "status": str, "error": str, "mapping": str, "threshold": float,
         "hit_limit": int, "algorithm": str, "watchlist_version": int, "watchlist_entities": int,
         "rows_total": int, "rows_done": int, "screened": int, "not_screened": int, "rows_with_hits": int,
         "hits": int},
        pk="id", foreign_keys=[("watchlist_version", "watchlist_versions", "version")],
        not_null={"file_name", "started_at", "status", "threshold", "algorithm"},
    )
    # Every row of the client file, screened or not (with the reason): nothing is dropped silently.
    db["run_rows"].create(
        {"run_id": int, "row": int, "client_id": str, "name": str, "type": str, "countries": str,
         "birth_date": str, "cells": str, "status": str, "reason": str, "notes": str, "hit_count": int,
         "best_score": float},
        pk=("run_id", "row"), foreign_keys=[("run_id", "runs", "id")],
    )
    # One row per hit, with a snapshot of the entity as it was at screening time (the evidence the analyst saw).
    db["hits"].create(
        {"id": int, "run_id": int, "row": int, "rank": int, "entity_id": int, "entity_name": str,
         "entity_type": str, "source": str, "list_id": str, "programs": str, "remarks": str, "matched_name": str,
         "score": float, "name_score": float, "reasons": str, "risk_categories": str, "relevance": float,
         "countries": str, "excerpts": str},
        pk="id", foreign_keys=[("run_id", "runs", "id"), ("entity_id", "entities", "id")],
    )
    db["hits"].create_index(["run_id", "row"])
    db["hits"].create_index(["run_id", "score"])
    # Decisions on hits are appended, never updated: the latest one per hit is its status, the rest its history.
    db["decisions"].create(
        {"id": int, "hit_id": int, "run_id": int, "decision": str, "reason": str, "comment": str, "actor": str,
         "decided_at": str},
        pk="id", foreign_keys=[("hit_id", "hits", "id"), ("run_id", "runs", "id")],
        not_null={"hit_id", "run_id", "decision", "actor", "decided_at"},
    )
    db["decisions"].create_index(["hit_id"])
    db["decisions"].create_index(["run_id"])


def _m004_accounts_jobs(db: sqlite_utils.Database) -> None:
    # Accounts: a role each; passwords stored as scrypt hashes; a disabled account keeps its history.
    db["users"].create(
        {"id": int, "name": str, "role": str, "password_hash": str, "created_at": str, "created_by": str,
         "disabled_at": str, "password_changed_at": str},
        pk="id", not_null={"name", "role", "password_hash", "created_at"},
    )
    db["users"].create_index(["name"], unique=True)
    # API tokens: only their SHA-256 is stored; a revoked token keeps its row.
    db["api_tokens"].create(
        {"id": int, "user_id": int, "label": str, "token_hash": str, "created_at": str, "last_used_at": str,
         "revoked_at": str},
        pk="id", foreign_keys=[("user_id", "users", "id")], not_null={"user_id", "token_hash", "created_at"},
    )
    db["api_tokens"].create_index(["token_hash"], unique=True)
    # Sign-in attempts, for slowing down guessing (by account name and by address).
    db["sign_ins"].create({"id": int, "name": str, "address": str, "at": str, "ok": int}, pk="id")
    db["sign_ins"].create_index(["name", "at"])
    db["sign_ins"].create_index(["address", "at"])
    # Settings of the installation (the session secret among them).
    db["settings"].create({"key": str, "value": str, "updated_at": str, "updated_by": str}, pk="key")
    # Background jobs (screening runs, article imports) in a queue that survives restarts: a worker claims a
    # queued job, beats a heartbeat while it runs; a job whose heartbeat stopped is retried or marked failed.
    db["jobs"].create(
        {"id": int, "kind": str, "payload": str, "status": str, "attempts": int, "max_attempts": int,
         "error": str, "result": str, "actor": str, "created_at": str, "started_at": str, "heartbeat_at": str,
         "finished_at": str, "done": int, "total": int, "stage": str, "worker": str},
        pk="id", not_null={"kind", "payload", "status", "created_at"},
    )
    db["jobs"].create_index(["status", "id"])
    db.execute("ALTER TABLE runs ADD COLUMN job_id INTEGER REFERENCES jobs(id)")


def _m005_cases(db: sqlite_utils.Database) -> None:
    # Four eyes: a decision that needs a second person stays pending until a reviewer other than its author
    # approves or rejects it; the verdict is appended here, never written into the decision.
    db.execute("ALTER TABLE decisions ADD COLUMN suppress INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE decisions ADD COLUMN needs_approval INTEGER NOT NULL DEFAULT 0")
    db["approvals"].create(
        {"id": int, "decision_id": int, "verdict": str, "actor": str, "comment": str, "at": str},
        pk="id", foreign_keys=[("decision_id", "decisions", "id")], not_null={"decision_id", "verdict", "actor", "at"},
    )
    db["approvals"].create_index(["decision_id"], unique=True)
    # A cleared false positive that suppresses the same alert later: keyed to the client's identity and the
    # entity, with fingerprints of both sides as they were; either side changing lifts it.
    db["suppressions"].create(
        {"id": int, "decision_id": int, "client_key": str, "entity_id": int, "client_fingerprint": str,
         "entity_fingerprint": str, "created_at": str, "active_from": str, "lifted_at": str, "lifted_reason": str},
        pk="id", foreign_keys=[("decision_id", "decisions", "id"), ("entity_id", "entities", "id")],
    )
    db["suppressions"].create_index(["client_key", "entity_id"])
    for sql in (
        "ALTER TABLE hits ADD COLUMN client_key TEXT",
        "ALTER TABLE hits ADD COLUMN entity_fingerprint TEXT",
        "ALTER TABLE hits ADD COLUMN suppression_id INTEGER REFERENCES suppressions(id)",
        "ALTER TABLE hits ADD COLUMN changed_since_decision INTEGER REFERENCES decisions(id)",
        "ALTER TABLE hits ADD COLUMN assignee TEXT",
        "ALTER TABLE run_rows ADD COLUMN client_key TEXT",
        "ALTER TABLE run_rows ADD COLUMN client_fingerprint TEXT",
        "ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'file'",
        "ALTER TABLE runs ADD COLUMN base_version INTEGER",
        "ALTER TABLE runs ADD COLUMN compared INTEGER",
        "ALTER TABLE runs ADD COLUMN suppressed INTEGER NOT NULL DEFAULT 0",
    ):
        db.execute(sql)
    db["hits"].create_index(["client_key", "entity_id"])
    db["hits"].create_index(["assignee"])
    # Clients under ongoing monitoring: re-screened against what each watchlist change adds or changes.
    db["monitored"].create(
        {"id": int, "client_key": str, "client_fingerprint": str, "name": str, "type": str, "countries": str,
         "birth_date": str, "client_id": str, "source_run_id": int, "source_row": int, "added_at": str,
         "added_by": str, "screened_version": int, "stopped_at": str},
        pk="id", foreign_keys=[("source_run_id", "runs", "id")],
    )
    db["monitored"].create_index(["client_key"], unique=True)
    # The audit trail: append-only, each entry chained to the one before by a SHA-256.
    db["audit_log"].create(
        {"id": int, "at": str, "actor": str, "action": str, "object_type": str, "object_id": str,
         "details": str, "prev_hash": str, "hash": str},
        pk="id", not_null={"at", "actor", "action", "prev_hash", "hash"},
    )
    db["audit_log"].create_index(["object_type", "object_id"])
    for trigger, event in (("audit_log_no_update", "UPDATE"), ("audit_log_no_delete", "DELETE")):
        db.execute(f"CREATE TRIGGER {trigger} BEFORE {event} ON audit_log BEGIN "
                   f"SELECT RAISE(ABORT, 'the audit log is append-only'); END")
    for trigger, event in (("decisions_no_update", "UPDATE"), ("decisions_no_delete", "DELETE"),
                           ("approvals_no_update", "UPDATE"), ("approvals_no_delete", "DELETE")):
        table = trigger.split("_no_")[0]
        db.execute(f"CREATE TRIGGER {trigger} BEFORE {event} ON {table} BEGIN "
                   f"SELECT RAISE(ABORT, '{table} are append-only'); END")


def _m006_policy(db: sqlite_utils.Database) -> None:
    # The screening policy a run used: news entities below this relevance were not screened against.
    db.execute("ALTER TABLE runs ADD COLUMN news_min_relevance REAL NOT NULL DEFAULT 0")


def _m007_row_summary(db: sqlite_utils.Database) -> None:
    # What a run left out and noted, counted by kind when it finished (JSON): shown on every page of the run.
    db.execute("ALTER TABLE runs ADD COLUMN row_summary TEXT")


def _m008_password_change(db: sqlite_utils.Database) -> None:
    # A password set by someone else (the first admin's one-time password, one an admin set) must be changed at the
    # account's next sign-in before anything else is reachable.
    db.execute("ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0")


def _m009_list_files(db: sqlite_utils.Database) -> None:
    # The provenance of every list import that changed the watchlist: each file, its SHA-256 and size, the list's
    # publication date and where that date was read from ("file", "option" or "mtime"), who imported it.
    db["list_files"].create(
        {"id": int, "version": int, "list_source_id": int, "list_name": str, "format": str, "file_name": str,
         "sha256": str, "size": int, "published": str, "published_from": str, "imported_by": str,
         "imported_at": str},
        pk="id", foreign_keys=[("version", "watchlist_versions", "version"), ("list_source_id", "list_sources", "id")],
        not_null={"version", "list_name", "file_name", "sha256", "imported_at"},
    )
    db["list_files"].create_index(["version"])
    db["list_files"].create_index(["list_source_id"])


def _m010_alert_class(db: sqlite_utils.Database) -> None:
    # How serious a hit is: its class (sanctions, pep, adverse media, mention), a priority that orders hits, and
    # the public functions that made a news person a PEP (JSON, with their excerpts); a run records which classes
    # alert; a row counts the news entities that named it without alerting ("also named in news: N").
    for sql in (
        "ALTER TABLE hits ADD COLUMN alert_class TEXT",
        "ALTER TABLE hits ADD COLUMN priority REAL",
        "ALTER TABLE hits ADD COLUMN functions TEXT",
        "ALTER TABLE runs ADD COLUMN alert_classes TEXT",
        "ALTER TABLE run_rows ADD COLUMN news_mentions INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE mentions ADD COLUMN function TEXT",
        "ALTER TABLE mentions ADD COLUMN function_country TEXT",
        "ALTER TABLE entities ADD COLUMN functions TEXT",
    ):
        db.execute(sql)
    db["hits"].create_index(["run_id", "alert_class"])


def _m011_carried_decisions(db: sqlite_utils.Database) -> None:
    # Earlier decisions carried to the same alert (same client key, same entity) in later runs: the decision in
    # force, shown on the hit; a true match confirmed earlier with both sides unchanged is "confirmed earlier",
    # counted apart on the run.
    for sql in (
        "ALTER TABLE hits ADD COLUMN earlier_decision_id INTEGER",
        "ALTER TABLE hits ADD COLUMN confirmed_earlier INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE runs ADD COLUMN confirmed_earlier INTEGER NOT NULL DEFAULT 0",
    ):
        db.execute(sql)
    # A client's identity no longer includes its entity type (how a type column was mapped is not who the client
    # is): every stored key and fingerprint is computed again from the values stored beside it (``rekey``).
    _step("screening.store.rekey:rekey_clients")(db)


def _step(ref: str) -> Callable[[sqlite_utils.Database], None]:
    """A migration step that lives in its own module (``"module:function"``), imported only when it is applied:
    steps that need the matching engine's normaliser would otherwise load it whenever a database is opened (and
    with it every start of the ``screening`` command)."""
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def _m012_country_hints(db: sqlite_utils.Database) -> None:
    # A list entry's weak country evidence (JSON ISO codes): places of birth and a person's address countries. They
    # support a client country that agrees, and never make one that differs a conflict (``countries`` holds the
    # nationalities). Entries imported before have none until their list is imported again.
    db.execute("ALTER TABLE entities ADD COLUMN country_hints TEXT NOT NULL DEFAULT '[]'")


def _m013_consolidation(db: sqlite_utils.Database) -> None:
    # One entity per company (issue 17): a news organisation's key is its name without legal form or trailing generic
    # words ("orion foods" for "Orion Foods Pte. Ltd."); an organisation kept apart from a company of the same name
    # (conflicting legal forms) says why in ``note``. ``unscreened`` holds why an entity is kept out of screening
    # (NULL: screened): a one-word person name that joined no full name. Existing entities are keyed again
    # (``entity_keys``); two stored entities that now share a key stay two (their hits and decisions point at them).
    db.execute("ALTER TABLE entities ADD COLUMN note TEXT")
    db.execute("ALTER TABLE entities ADD COLUMN unscreened TEXT")
    _step("screening.store.entity_keys:rekey_news_entities")(db)


MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    ("001_watchlist", _m001_watchlist),
    ("002_lists", _m002_lists),
    ("003_runs", _m003_runs),
    ("004_accounts_jobs", _m004_accounts_jobs),
    ("005_cases", _m005_cases),
    ("006_policy", _m006_policy),
    ("007_row_summary", _m007_row_summary),
    ("008_password_change", _m008_password_change),
    ("009_list_files", _m009_list_files),
    ("010_alert_class", _m010_alert_class),
    ("011_carried_decisions", _m011_carried_decisions),
    ("012_country_hints", _m012_country_hints),
    ("013_consolidation", _m013_consolidation),
]


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations this database lacks, each in its own transaction; return the names applied."""
    conn = db.conn
    conn.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    applied = {row[0] for row in conn.execute("SELECT name FROM _migrations")}
    done = []
    for name, fn in MIGRATIONS:
        if name in applied:
            continue
        with transaction(db):
            # Another process may have applied it while we waited for the lock.
            if conn.execute("SELECT 1 FROM _migrations WHERE name = ?", [name]).fetchone():
                continue
            fn(db)
            conn.execute("INSERT INTO _migrations VALUES (?, datetime('now'))", [name])
        done.append(name)
    return done


def schema_version(db: sqlite_utils.Database) -> list[str]:
    """Return the names of the migrations applied to this database, in order."""
    return [r[0] for r in db.conn.execute("SELECT name FROM _migrations ORDER BY rowid")]
