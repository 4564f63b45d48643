"""Accounts, roles and what each role may do; passwords, sign-in throttling, API tokens and settings.

Storage and rules, no web framework: the web app asks ``may(user, permission)`` and calls these functions with
the database. Passwords are stored as scrypt hashes (standard library), API tokens as their SHA-256; neither is
ever stored or logged in clear.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta, timezone

import sqlite_utils

from screening.store import audit
from screening.store.db import transaction

ROLES = ("analyst", "reviewer", "admin", "auditor")

# What each role may do. Everyone signed in may view runs, hits, the watchlist and download reports.
PERMISSIONS = {
    "view": {"analyst", "reviewer", "admin", "auditor"},
    "screen": {"analyst", "reviewer"},          # upload client lists and start runs
    "decide": {"analyst", "reviewer"},          # record decisions on hits
    "approve": {"reviewer"},                    # approve or reject others' decisions (four eyes)
    "watchlist": {"analyst", "reviewer", "admin"},   # add articles, import lists
    "admin": {"admin"},                         # accounts and settings
}

MIN_PASSWORD = 12
FREE_FAILURES = 3           # failed sign-ins before the wait starts
MAX_WAIT_S = 300            # the longest wait between attempts
WINDOW = timedelta(minutes=15)


class AccountError(ValueError):
    """An account operation refused, with the reason in words."""


class AccountNotFound(AccountError, LookupError):
    """An unknown user or token id."""


class SignInRefused(Exception):
    """Wrong name or password, or too many recent failures (``retry_after`` seconds to wait)."""

    def __init__(self, message: str, retry_after: int = 0):
        super().__init__(message)
        self.retry_after = retry_after


def now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(t: datetime) -> str:
    return t.isoformat(timespec="seconds")


def may(user: dict | None, permission: str) -> bool:
    """Return whether a (signed-in, enabled) user's role grants the permission."""
    return bool(user) and not user.get("disabled_at") and user["role"] in PERMISSIONS[permission]


# --- passwords ------------------------------------------------------------------------------------------------

_N, _R, _P = 2 ** 14, 8, 1


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def check_password(stored: str, password: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(digest) // 2)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


def new_password() -> str:
    """A random password for a new account (shown once to whoever creates it)."""
    return secrets.token_urlsafe(15)


def _check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")


# --- accounts -------------------------------------------------------------------------------------------------

def _public(row) -> dict:
    user = dict(row)
    user.pop("password_hash", None)
    return user


def add_user(db: sqlite_utils.Database, name: str, role: str, password: str | None = None,
             created_by: str = "", must_change: bool | None = None) -> tuple[dict, str]:
    """Create an account; return it and its password (generated when not given: show it once).

    ``must_change`` marks a password someone other than the account's user knows (see ``must_change_password``):
    its user must choose their own at first sign-in. By default a generated password must be changed and a given
    one need not; whoever sets a password for someone else (an admin, an operator) passes ``must_change=True``.
    """
    name = " ".join((name or "").split())
    if not name or len(name) > 64 or any(c in name for c in "<>\"'&/\\"):
        raise AccountError("a user name needs 1 to 64 characters, without < > \" ' & / \\")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r} (one of: {', '.join(ROLES)})")
    if must_change is None:
        must_change = not password
    password = password or new_password()
    _check_new_password(password)
    with transaction(db):
        if db.execute("SELECT 1 FROM users WHERE name = ? COLLATE NOCASE", [name]).fetchone():
            raise AccountError(f"a user named {name!r} exists already")
        at = now().isoformat(timespec="microseconds")      # sessions compare it: a reset within the second counts
        uid = db.execute("INSERT INTO users (name, role, password_hash, created_at, created_by, password_changed_at,"
                         " must_change_password) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [name, role, hash_password(password), at, created_by, at, int(must_change)]).lastrowid
        audit.record(db, created_by, "account.created", "user", uid, {"name": name, "role": role,
                                                                      "must_change_password": bool(must_change)})
    return get_user(db, uid), password


def get_user(db: sqlite_utils.Database, user_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM users WHERE id = ?", [user_id]))
    return _public(rows[0]) if rows else None


def find_user(db: sqlite_utils.Database, name: str) -> dict | None:
    rows = list(db.query("SELECT * FROM users WHERE name = ? COLLATE NOCASE", [name]))
    return _public(rows[0]) if rows else None


def list_users(db: sqlite_utils.Database) -> list[dict]:
    return [_public(r) for r in db.query("SELECT * FROM users ORDER BY name COLLATE NOCASE")]


def count_users(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT count(*) FROM users").fetchone()[0]


def _enabled_admins(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL").fetchone()[0]


def set_role(db: sqlite_utils.Database, user_id: int, role: str, actor: str = "") -> dict:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r} (one of: {', '.join(ROLES)})")
    with transaction(db):
        user = get_user(db, user_id)
        if user is None:
            raise AccountNotFound(f"no user {user_id}")
        if user["role"] == "admin" and role != "admin" and _enabled_admins(db) <= 1 and not user["disabled_at"]:
            raise AccountError("the last admin keeps the admin role")
        db.execute("UPDATE users SET role = ? WHERE id = ?", [role, user_id])
        audit.record(db, actor, "account.role", "user", user_id, {"name": user["name"], "from": user["role"],
                                                                   "to": role})
    return get_user(db, user_id)


def set_disabled(db: sqlite_utils.Database, user_id: int, disabled: bool, actor: str = "") -> dict:
    """Disable (or enable again) an account; its tokens stop working while it is disabled."""
    with transaction(db):
        user = get_user(db, user_id)
        if user is None:
            raise AccountNotFound(f"no user {user_id}")
        if disabled and user["role"] == "admin" and not user["disabled_at"] and _enabled_admins(db) <= 1:
            raise AccountError("the last admin cannot be disabled")
        db.execute("UPDATE users SET disabled_at = ? WHERE id = ?", [_iso(now()) if disabled else None, user_id])
        audit.record(db, actor, "account.disabled" if disabled else "account.enabled", "user", user_id,
                     {"name": user["name"]})
    return get_user(db, user_id)


def set_password(db: sqlite_utils.Database, user_id: int, password: str | None = None, actor: str = "",
                 must_change: bool | None = None) -> str:
    """Set (or generate) a new password; return it. Every session of the account ends.

    ``must_change``: whether the user must choose their own password at their next sign-in. By default it is
    whether ``actor`` is someone other than the account's user (an admin's reset, the command line): a password
    someone else knows must be changed; the user's own change clears it. The new password must differ from the
    current one.
    """
    password = password or new_password()
    _check_new_password(password)
    with transaction(db):
        row = db.execute("SELECT name, password_hash FROM users WHERE id = ?", [user_id]).fetchone()
        if row is None:
            raise AccountNotFound(f"no user {user_id}")
        if must_change is None:
            must_change = actor.casefold() != row[0].casefold()
        if check_password(row[1], password):
            raise AccountError("the new password must differ from the current one")
        db.execute("UPDATE users SET password_hash = ?, password_changed_at = ?, must_change_password = ? "
                   "WHERE id = ?", [hash_password(password), now().isoformat(timespec="microseconds"),
                                     int(must_change), user_id])
        audit.record(db, actor, "account.password", "user", user_id, {"must_change_password": bool(must_change)})
    return password


# --- signing in -----------------------------------------------------------------------------------------------

def _wait(failures: int) -> int:
    return 0 if failures < FREE_FAILURES else min(MAX_WAIT_S, 2 ** (failures - FREE_FAILURES + 1))


def sign_in(db: sqlite_utils.Database, name: str, password: str, address: str = "") -> dict:
    """Return the account if the password is right; raise ``SignInRefused`` otherwise.

    After ``FREE_FAILURES`` recent failures for the same name or from the same address, each further attempt must
    wait longer (2, 4, 8... up to 300 seconds) after the last failure; the check runs before the password, so a
    guesser learns nothing while waiting. A success clears the name's count.
    """
    name = " ".join((name or "").split())
    t = now()
    since = _iso(t - WINDOW)
    with transaction(db):
        failures, last = 0, None
        for col, val in (("name", name.casefold()), ("address", address)):
            if not val:
                continue
            last_ok = db.execute(f"SELECT max(at) FROM sign_ins WHERE {col} = ? AND ok = 1", [val]).fetchone()[0]
            n, latest = db.execute(f"SELECT count(*), max(at) FROM sign_ins WHERE {col} = ? AND ok = 0 AND at > ? "
                                   f"AND at > ?", [val, since, last_ok or ""]).fetchone()
            if n > failures:
                failures, last = n, latest
        wait = _wait(failures)
        if wait and last:
            left = int((datetime.fromisoformat(last) + timedelta(seconds=wait) - t).total_seconds()) + 1
            if left > 0:
                raise SignInRefused(f"too many failed sign-ins: try again in {left} s", retry_after=left)
        row = list(db.query("SELECT * FROM users WHERE name = ? COLLATE NOCASE", [name]))
        ok = bool(row) and check_password(row[0]["password_hash"], password or "") and not row[0]["disabled_at"]
        db.execute("INSERT INTO sign_ins (name, address, at, ok) VALUES (?, ?, ?, ?)",
                   [name.casefold(), address, _iso(t), int(ok)])
    if not ok:
        raise SignInRefused("wrong user name or password, or the account is disabled")
    return _public(row[0])


# --- API tokens -----------------------------------------------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(db: sqlite_utils.Database, user_id: int, label: str = "", actor: str = "") -> tuple[int, str]:
    """Create an API token for a user; return its id and the token (shown once, only its hash is kept)."""
    token = "sk_" + secrets.token_urlsafe(32)
    with transaction(db):
        if get_user(db, user_id) is None:
            raise AccountNotFound(f"no user {user_id}")
        tid = db.execute("INSERT INTO api_tokens (user_id, label, token_hash, created_at) VALUES (?, ?, ?, ?)",
                         [user_id, label, _token_hash(token), _iso(now())]).lastrowid
        audit.record(db, actor, "token.created", "token", tid, {"user_id": user_id, "label": label})
    return tid, token


def token_user(db: sqlite_utils.Database, token: str) -> dict | None:
    """Return the enabled account of a valid, unrevoked token, else None."""
    rows = list(db.query("SELECT t.id AS token_id, u.* FROM api_tokens t JOIN users u ON u.id = t.user_id "
                         "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled_at IS NULL",
                         [_token_hash(token or "")]))
    if not rows:
        return None
    user = _public(rows[0])
    with transaction(db):
        db.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", [_iso(now()), user["token_id"]])
    return user


def list_tokens(db: sqlite_utils.Database, user_id: int | None = None) -> list[dict]:
    sql = ("SELECT t.id, t.user_id, u.name AS user_name, t.label, t.created_at, t.last_used_at, t.revoked_at "
           "FROM api_tokens t JOIN users u ON u.id = t.user_id")
    args = []
    if user_id is not None:
        sql += " WHERE t.user_id = ?"
        args.append(user_id)
    return [dict(r) for r in db.query(sql + " ORDER BY t.id", args)]


def revoke_token(db: sqlite_utils.Database, token_id: int, actor: str = "") -> None:
    with transaction(db):
        if not db.execute("SELECT 1 FROM api_tokens WHERE id = ?", [token_id]).fetchone():
            raise AccountNotFound(f"no token {token_id}")
        db.execute("UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?", [_iso(now()), token_id])
        audit.record(db, actor, "token.revoked", "token", token_id, {})
