"""The ``screening`` command: the group, what every command shares, and where each command lives.

Each command group is a module of thin click commands over the services (``screening.service``) and the stores
(``screening.store``): ``watchlist``, ``match``, ``compare``, ``screen`` (screen, runs, report), ``accounts`` (user,
token), ``monitor``, ``maintenance`` (backup, retention, audit), ``serve``, and ``worker``. A module is imported only
when one of its commands runs (``COMMANDS`` below), so ``screening --help`` and ``screening compare`` load neither
Flask, nor spaCy, nor the services that read the database, and a job worker does not load the web app.

Domain errors become ``Error: <message>`` and exit status 1 in one place (``domain_errors``), for every command.
"""
from __future__ import annotations

import functools
import importlib
import sqlite3

import click

from screening.store import db as dbmod

EXIT_NOT_SCREENED = 3       # `screening screen`: the run completed, but some rows could not be screened

# Every command: its name, where it is ("module:attribute", imported when the command runs or shows its own help)
# and the first sentence of its help, which `screening --help` lists without importing the module.
# tests/test_cli_layout.py checks that each sentence is the command's own.
COMMANDS: dict[str, tuple[str, str]] = {
    "audit": ("screening.cli.maintenance:audit",
              "The audit trail: every run, decision, approval, import, setting and account change."),
    "backup": ("screening.cli.maintenance:backup_cmd",
               "Copy the database to OUT as it is at one moment, while the service runs (SQLite's backup API)."),
    "compare": ("screening.cli.compare:compare_cmd",
                ("Score two names against each other (no watchlist needed), or every pair of a CSV file with "
                 "--pairs.")),
    "match": ("screening.cli.match:match_cmd",
              ("Screen NAME against the watchlist (news entities and imported lists): best candidates with their "
               "reasons.")),
    "monitor": ("screening.cli.monitor:monitor",
                "Keep clients of earlier runs under monitoring and re-screen them when the watchlist changes."),
    "report": ("screening.cli.screen:report_cmd", "Write the Excel report, the PDF case file (of the run, or "
                                                  "of some of its hits) and/or the JSON of a stored run."),
    "retention": ("screening.cli.maintenance:retention_cmd",
                  ("Delete the runs and articles older than the retention settings (default: keep forever); each "
                   "deletion is audited and the audit trail stays verifiable.")),
    "runs": ("screening.cli.screen:runs_cmd", "List screening runs, latest first."),
    "screen": ("screening.cli.screen:screen_cmd",
               "Screen every row of a client list (xlsx, xlsm, csv, tsv) against the watchlist and store the run."),
    "serve": ("screening.cli.serve:serve_cmd",
              "Run the web app (gunicorn on wsgi:app) and the background job worker over the database."),
    "token": ("screening.cli.accounts:token", "API tokens for integrations (Authorization: Bearer TOKEN)."),
    "user": ("screening.cli.accounts:user", "Accounts of the web app: analyst, reviewer, admin, auditor."),
    "watchlist": ("screening.cli.watchlist:watchlist",
                  "Build the watchlist from news articles, and read it back."),
    "worker": ("screening.cli.worker:worker_cmd",
               "Run background jobs (screening runs, article imports) from the queue until stopped."),
}

# The domain errors a command may raise, by "module:class" where the class is defined: each is shown as
# "Error: <its message>" with exit status 1, and so is any subclass (ListError and ArticleError are
# WatchlistErrors, FileChanged a ClientFileError, PolicyErrors a PolicyError). Named rather than imported, because
# importing them would load every service before any command runs. tests/test_cli_layout.py checks each name.
DOMAIN_ERRORS = frozenset({
    "screening.files.columns:ClientFileError",          # a client or pairs file that cannot be read
    "screening.files.report:ReportError",
    "screening.store.runs:RunNotFound",
    "screening.service.matching:EmptyWatchlist",
    "screening.service.screen:RunFailed",
    "screening.service.search:SearchError",
    "screening.service.policy:PolicyError",
    "screening.store.accounts:AccountError",
    "screening.store.monitoring:MonitorError",
    "screening.store.maintenance:MaintenanceError",
    "screening.store.jobs:JobError",
    "watchlists.errors:WatchlistError",                 # ListError, ArticleError, EntityNotFound, ModelError
})


def is_domain_error(exc: BaseException) -> bool:
    """Whether ``exc`` is one of ``DOMAIN_ERRORS`` (or a subclass of one): a message for people, not a bug."""
    return any(f"{cls.__module__}:{cls.__qualname__}" in DOMAIN_ERRORS for cls in type(exc).__mro__)


def domain_errors(fn):
    """Run ``fn``, turning a domain error or a database error into ``Error: ...`` (exit status 1), not a traceback.

    The ``cli`` group runs every command through it; a command that says more about one error (``match`` on an
    empty watchlist, for one) catches that error itself first.
    """
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except sqlite3.DatabaseError as exc:
            raise click.ClickException(f"database error: {exc}") from None
        except Exception as exc:
            if not is_domain_error(exc):
                raise
            raise click.ClickException(str(exc.args[0] if exc.args else exc)) from None
    return wrapper


def file_errors(fn):
    """Run ``fn``, turning an operating-system error on a file (missing, unreadable, a full disk) into
    ``Error: FILE: reason`` (exit status 1): for the commands that read a client file or write a report."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except OSError as exc:
            raise click.ClickException(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")) from None
    return wrapper


class Context:
    """What every command receives (``@click.pass_obj``): the database path, and the database, opened on first
    use (``compare`` never opens it)."""

    def __init__(self, db_path: str | None):
        self.db_path = db_path or dbmod.default_path()
        self._db = None

    @property
    def db(self):
        if self._db is None:
            try:
                self._db = dbmod.connect(self.db_path)
            except (OSError, sqlite3.DatabaseError) as exc:
                raise click.ClickException(f"cannot open the database {self.db_path}: {exc}")
        return self._db


_NO_SUCH_COMMAND = getattr(click.exceptions, "NoSuchCommand", None)     # click 8.2+; 8.1 suggests no name


class LazyGroup(click.Group):
    """A click group whose commands are imported when used (click's documented "lazy loading" pattern).

    ``lazy_commands`` maps a command's name to ("module:attribute", first sentence of its help); the help line
    lets ``--help`` list the commands without importing them.
    """

    def __init__(self, *args, lazy_commands: dict[str, tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_commands and cmd_name not in self.commands:
            self.add_command(self._load(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def _load(self, cmd_name: str) -> click.Command:
        module_name, _, attribute = self.lazy_commands[cmd_name][0].partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{module_name}:{attribute} is not a click command")
        return command

    def resolve_command(self, ctx: click.Context, args: list[str]):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:     # "Did you mean ...?" (click 8.2+) among the commands not loaded too
            if _NO_SUCH_COMMAND is None or not isinstance(exc, _NO_SUCH_COMMAND):
                raise
            raise _NO_SUCH_COMMAND(exc.command_name, possibilities=self.list_commands(ctx), ctx=ctx) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands as click does, from their help lines, importing none of them."""
        names = [n for n in self.list_commands(ctx) if n in self.lazy_commands or not self.commands[n].hidden]
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            command = self.commands.get(name) or click.Command(name, help=self.lazy_commands[name][1])
            rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):
        return domain_errors(super().invoke)(ctx)


@click.group(cls=LazyGroup, lazy_commands=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_path", metavar="PATH", envvar=dbmod.DB_ENV, show_envvar=True,
              help=f"SQLite database file (default: ./{dbmod.DEFAULT_DB}).")
@click.version_option(package_name="adverse-media-screening")
@click.pass_context
def cli(ctx: click.Context, db_path: str | None) -> None:
    """Adverse-media due-diligence screening."""
    ctx.obj = Context(db_path)


def main() -> None:
    """Entry point of the ``screening`` console script."""
    cli(prog_name="screening")


if __name__ == "__main__":
    main()
