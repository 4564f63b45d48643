"""Every policy setting, declared once: its default, its environment variable, its Admin setting, its bounds.

The threshold, hits per row, news policy, alerting classes, retention, upload limits and folders are declared here
and nowhere else.
``resolve(db)`` gives them all at once, in one order of precedence, to the web pages, the API, the CLI, the worker
and monitoring alike:

1. a value given for this one action (a CLI option, a form field, an API parameter), checked like the setting;
2. the Admin setting stored in the database, for the settings an administrator may change;
3. the environment variable (``SCREENING_THRESHOLD``...): a deployment's own default;
4. the built-in default below.

A run records the resolved values (threshold, hits per row, news policy, alerting classes, algorithm, watchlist
version).
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field, fields

import sqlite_utils

from screening.engine.pairs import BENCHMARK_THRESHOLD
from screening.engine.results import ADVERSE_MEDIA, ALERT_CLASSES, PEP, SANCTIONS
from screening.store import settings as stored


class PolicyError(ValueError):
    """A setting's value that cannot be used (not a number, out of bounds, unknown setting), in words."""


@dataclass(frozen=True)
class Setting:
    """One policy setting: what it is called, means, defaults to, and where else its value may come from."""

    key: str
    label: str
    help: str
    kind: type                      # float, int or str
    default: object
    env: str | None = None          # environment variable: a deployment's default
    admin: bool = False             # an administrator may change it on the Admin page (stored in ``settings``)
    low: float | None = None
    high: float | None = None
    optional: bool = False          # may be unset (None): retention "forever"
    choices: tuple[str, ...] = ()   # a list of these (a str setting, comma-separated, stored in this order)
    required: tuple[str, ...] = ()  # choices that must always be in the list

    def check(self, raw: object) -> object:
        """Read a value as typed by a person (or stored); raise ``PolicyError`` saying what is wrong with it."""
        if isinstance(raw, (list, tuple)):
            raw = ", ".join(str(r) for r in raw)
        if raw is None or (isinstance(raw, str) and not raw.strip(" ,;")):
            if self.optional:
                return None
            raise PolicyError(f"{self.label}: give {self._what()}")
        if self.choices:
            items = [p.strip().lower() for p in re.split(r"[,;]", str(raw)) if p.strip()]
            unknown = [i for i in items if i not in self.choices]
            if unknown:
                raise PolicyError(f"{self.label}: unknown value {unknown[0]!r} (one or more of: "
                                  f"{', '.join(self.choices)})")
            missing = [r for r in self.required if r not in items]
            if missing:
                raise PolicyError(f"{self.label}: {missing[0]!r} must always be one of them")
            return ", ".join(c for c in self.choices if c in items)
        if self.kind is str:
            return str(raw).strip()
        text = str(raw).strip().replace(",", ".") if self.kind is float else str(raw).strip()
        try:
            value = self.kind(text)
        except ValueError:
            raise PolicyError(f"{self.label}: {text!r} is not {self._what()}") from None
        if isinstance(value, float) and math.isnan(value) or \
                (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            where = (self._range().removeprefix('from ') if self.high is not None
                     else f"the allowed values ({self._range().removeprefix('of ')})")
            raise PolicyError(f"{self.label}: {value:g} is outside {where}")
        return value

    def _what(self) -> str:
        if self.choices:
            return f"one or more of: {', '.join(self.choices)}"
        what = "a number" if self.kind is float else "a whole number" if self.kind is int else "a value"
        return f"{what} {self._range()}".strip()

    def _range(self) -> str:
        if self.low is not None and self.high is not None:
            return f"from {self.low:g} to {self.high:g}"
        return f"of at least {self.low:g}" if self.low is not None else ""


THRESHOLD = Setting(
    "threshold", "Default threshold", "the lowest score that counts as a hit, from 0 to 1; a lower threshold catches "
    "more spelling variants and raises more false alerts (0.70 is the value the benchmarks were measured at)",
    float, BENCHMARK_THRESHOLD, env="SCREENING_THRESHOLD", admin=True, low=0.0, high=1.0)
HIT_LIMIT = Setting(
    "hit_limit", "Hits per row", "the most hits kept for one client row, best first, from 1 to 100",
    int, 10, env="SCREENING_HIT_LIMIT", admin=True, low=1, high=100)
NEWS_MIN_RELEVANCE = Setting(
    "news_min_relevance", "Minimum relevance of news entities",
    "news entities below this relevance are not screened against, from 0 to 1: 0 screens every person and "
    "organisation an article names, whatever it says of them; 0.01 keeps only those with an adverse mention (list "
    "entries are always screened)", float, 0.0, env="SCREENING_NEWS_MIN_RELEVANCE", admin=True, low=0.0, high=1.0)
ALERT_CLASSES_SETTING = Setting(
    "alert_classes", "Classes that alert",
    "the classes of hits that are alerts (stored as hits, listed for review); the others are only counted on the "
    "client's row (\"also named in news: N\") and stay findable by search. Sanctions always alert; mention "
    "(named in news without an adverse signal or a public function) does not by default", str,
    ", ".join((SANCTIONS, PEP, ADVERSE_MEDIA)), env="SCREENING_ALERT_CLASSES", admin=True,
    choices=tuple(ALERT_CLASSES), required=(SANCTIONS,))
RETENTION_RUNS_DAYS = Setting(
    "retention_runs_days", "Keep screening runs (days)",
    "days a screening run is kept (its rows, that is the client data, its hits, decisions and approvals), counted "
    "from its start; unset: forever", int, None, env="SCREENING_RETENTION_RUNS_DAYS", admin=True, low=1,
    optional=True)
RETENTION_ARTICLES_DAYS = Setting(
    "retention_articles_days", "Keep articles (days)",
    "days an article is kept (its mentions; entities left without mentions go too), counted from when it was "
    "added; unset: forever", int, None, env="SCREENING_RETENTION_ARTICLES_DAYS", admin=True, low=1, optional=True)
MAX_UPLOAD_MB = Setting(
    "max_upload_mb", "Largest upload (MB)", "the largest file the web app and the API accept, in megabytes",
    float, 100.0, env="SCREENING_MAX_UPLOAD_MB", low=0.001)
MAX_ROWS = Setting(
    "max_rows", "Rows per client file", "the most rows a client file may hold, header included (a million rows "
    "takes about 16 s and 1 GB to read)", int, 1_000_000, env="SCREENING_MAX_ROWS", low=1)
UPLOAD_DIR = Setting(
    "upload_dir", "Upload folder", "where uploaded files wait for their job; default: an 'uploads' folder beside "
    "the database", str, "", env="SCREENING_UPLOAD_DIR")
JOB_STALE_S = Setting(
    "job_stale_s", "Dead job after (s)", "a job whose heartbeat is older than this many seconds is taken for dead "
    "(its worker was killed): queued again or failed; keep it well above the 2-second heartbeat", float, 30.0,
    env="SCREENING_JOB_STALE_S", low=4.0)
SCREENING_PROCESSES = Setting(
    "screening_processes", "Screening processes",
    "the processes that screen a batch (a client file, a monitoring run) at once, sharing one read-only index: "
    "0 uses every core of the machine, 1 screens in the calling process only", int, 0,
    env="SCREENING_PROCESSES", low=0)
DASK_SCHEDULER = Setting(
    "dask_scheduler", "Dask scheduler",
    "the address of a Dask scheduler (tcp://HOST:8786) whose workers screen batch runs, the CLI's and the web "
    "app's; empty: this machine only (the default). Needs the cluster extra: pip install -e '.[cluster]'", str, "",
    env="SCREENING_DASK_SCHEDULER")

SETTINGS: dict[str, Setting] = {s.key: s for s in (
    THRESHOLD, HIT_LIMIT, NEWS_MIN_RELEVANCE, ALERT_CLASSES_SETTING, RETENTION_RUNS_DAYS, RETENTION_ARTICLES_DAYS,
    MAX_UPLOAD_MB, MAX_ROWS,
    UPLOAD_DIR, JOB_STALE_S, SCREENING_PROCESSES, DASK_SCHEDULER)}
ADMIN_SETTINGS = tuple(k for k, s in SETTINGS.items() if s.admin)


def setting_of(key: str) -> Setting:
    if key not in SETTINGS:
        raise PolicyError(f"unknown setting {key!r} (one of: {', '.join(SETTINGS)})")
    return SETTINGS[key]


def check(key: str, raw: object) -> object:
    """A value for setting ``key`` as typed by a person, checked; raise ``PolicyError`` when it cannot be used."""
    return setting_of(key).check(raw)


def deployment_default(key: str) -> object:
    """The value before any administrator changes it: the environment variable, else the built-in default."""
    s = setting_of(key)
    raw = os.environ.get(s.env) if s.env else None
    if raw is not None and raw.strip():
        try:
            return s.check(raw)
        except PolicyError as exc:
            raise PolicyError(f"{s.env}: {exc}") from None
    return s.default


def value(db: sqlite_utils.Database | None, key: str) -> object:
    """The current value of one setting: the Admin setting when set and valid, else the deployment's default."""
    s = setting_of(key)
    if s.admin and db is not None:
        raw = stored.get(db, key)
        if raw is not None:
            try:
                return s.check(raw)
            except PolicyError as exc:
                if s.optional:      # retention: a stored value that is no number must not mean "keep forever"
                    raise PolicyError(f"setting {key}: {exc}") from None
                # a value that no longer fits the bounds: the default
    return deployment_default(key)


def set_value(db: sqlite_utils.Database, key: str, raw: object, actor: str) -> object:
    """Change an Admin setting (checked, stored and audited); "" unsets an optional one. Return the value."""
    s = setting_of(key)
    if not s.admin:
        raise PolicyError(f"{s.label} is set by the deployment ({s.env}), not on the Admin page")
    checked = s.check(raw)
    stored.put(db, key, "" if checked is None else str(checked), actor=actor)
    return checked


class PolicyErrors(PolicyError):
    """Several values that cannot be used, each in ``problems``; nothing was stored."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def set_values(db: sqlite_utils.Database, raw: dict[str, object], actor: str) -> list[str]:
    """Change several Admin settings at once, as a form gives them: every value is checked first and nothing is
    stored unless all are valid (``PolicyErrors`` lists each problem). Return what changed, in words."""
    checked, problems = {}, []
    for key, text in raw.items():
        try:
            s = setting_of(key)
            if not s.admin:
                raise PolicyError(f"{s.label} is set by the deployment ({s.env}), not on the Admin page")
            checked[key] = s.check(text)
        except PolicyError as exc:
            problems.append(str(exc))
    if problems:
        raise PolicyErrors(problems)
    changed = []
    for key, new in checked.items():
        if new != value(db, key):
            stored.put(db, key, "" if new is None else str(new), actor=actor)
            shown = "unset" if new is None else f"{new:g}" if isinstance(new, (int, float)) else str(new)
            changed.append(f"{SETTINGS[key].label.lower()} {shown}")
    return changed


@dataclass(frozen=True)
class Policy:
    """The settings resolved for one action; a run records them."""

    threshold: float
    hit_limit: int
    news_min_relevance: float
    alert_classes: str = ", ".join((SANCTIONS, PEP, ADVERSE_MEDIA))    # see ``alerting``
    retention_runs_days: int | None = None
    retention_articles_days: int | None = None
    max_upload_mb: float = 100.0
    max_rows: int = 1_000_000
    upload_dir: str = ""
    job_stale_s: float = 30.0
    screening_processes: int = 0                                    # 0: every core
    dask_scheduler: str = ""                                        # empty: no cluster
    sources: dict = field(default_factory=dict, compare=False)    # key -> "given", "admin", "env" or "default"

    @property
    def alerting(self) -> tuple[str, ...]:
        """The classes that alert, most serious first (``alert_classes`` as a tuple)."""
        return tuple(c.strip() for c in self.alert_classes.split(",") if c.strip())


def resolve(db: sqlite_utils.Database | None, db_path: str | os.PathLike | None = None, **given) -> Policy:
    """Resolve every setting once, in the order of the module docstring; ``given`` holds this action's own values
    (None: not given). ``db_path`` places the default upload folder beside the database."""
    values, sources = {}, {}
    for f in fields(Policy):
        if f.name == "sources":
            continue
        s = SETTINGS[f.name]
        if given.get(f.name) is not None:
            values[f.name], sources[f.name] = s.check(given[f.name]), "given"
            continue
        admin_raw = stored.get(db, s.key) if s.admin and db is not None else None
        v = value(db, s.key)
        values[f.name] = v
        sources[f.name] = ("admin" if admin_raw is not None and admin_raw.strip() and v == _checked(s, admin_raw)
                           else "env" if s.env and (os.environ.get(s.env) or "").strip() else "default")
    unknown = set(given) - {f.name for f in fields(Policy)}
    if unknown:
        raise PolicyError(f"unknown setting {sorted(unknown)[0]!r} (one of: {', '.join(SETTINGS)})")
    if not values["upload_dir"]:
        where = db_path or (_db_file(db) if db is not None else None) or "."
        values["upload_dir"] = os.path.join(os.path.dirname(os.path.abspath(where)), "uploads")
    return Policy(**values, sources=sources)


def _checked(s: Setting, raw: str) -> object:
    try:
        return s.check(raw)
    except PolicyError:
        return object()


def _db_file(db: sqlite_utils.Database) -> str | None:
    row = db.execute("PRAGMA database_list").fetchone()
    return row[2] or None


def admin_settings(db: sqlite_utils.Database) -> list[dict]:
    """Every Admin setting with its label, help, value, default and who changed it last, and when."""
    out = []
    for key in ADMIN_SETTINGS:
        s = SETTINGS[key]
        changed = stored.changed(db, key)
        out.append({"key": key, "label": s.label, "help": s.help, "type": s.kind.__name__, "min": s.low,
                    "max": s.high, "optional": s.optional, "env": s.env, "value": value(db, key),
                    "choices": [{"value": c, "label": ALERT_CLASSES.get(c, c)} for c in s.choices],
                    "required": list(s.required),
                    "default": deployment_default(key), "updated_at": changed[0] if changed else None,
                    "updated_by": changed[1] if changed else None})
    return out
