"""The command line's layout: one module per command group, imported when used, and one map of domain errors.

``screening --help`` lists the commands from ``screening.cli.COMMANDS`` without importing them, so each help line
there must be the command's own; the domain errors are named (not imported) in ``screening.cli.DOMAIN_ERRORS``,
so each name must be where the class is defined.
"""
from __future__ import annotations

import importlib
import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from screening.cli import COMMANDS, DOMAIN_ERRORS, LazyGroup, cli


def _modules_after(*args: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running ``screening ARGS``."""
    code = ("import json, sys\n"
            "from screening.cli import main\n"
            f"sys.argv = ['screening', *{list(args)!r}]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(json.dumps(sorted(sys.modules)))\n")
    res = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120)
    return set(json.loads(res.stdout.splitlines()[-1]))


def _loaded(modules: set[str], prefix: str) -> list[str]:
    return sorted(m for m in modules if m == prefix or m.startswith(prefix + "."))


def test_every_command_is_where_the_group_says_with_its_own_help_line():
    ctx = click.Context(cli)
    for name, (target, summary) in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert isinstance(command, click.Command), target
        assert command.name == name, target
        listed = click.Command(name, help=summary)
        for width in (20, 45, 80, 1000):
            assert listed.get_short_help_str(width) == command.get_short_help_str(width), (name, width)


def test_the_command_list_reads_as_click_would_write_it_from_the_loaded_commands():
    lazy = LazyGroup("screening", params=cli.params, help=cli.help, lazy_commands=COMMANDS,
                     context_settings=cli.context_settings)
    ctx = click.Context(cli)
    eager = click.Group("screening", params=cli.params, help=cli.help, context_settings=cli.context_settings,
                        commands={name: cli.get_command(ctx, name) for name in COMMANDS})
    assert not lazy.commands
    for width in (60, 80, 120):
        shown = [CliRunner().invoke(group, ["--help"], prog_name="screening", terminal_width=width).output
                 for group in (lazy, eager)]
        assert shown[0] == shown[1] and "Commands:" in shown[0]
    assert not lazy.commands          # listing them imported none


@pytest.mark.parametrize("args", [["--help"], ["compare", "Bill Clinton", "William Clinton"]])
def test_help_and_compare_load_neither_the_web_app_nor_spacy_nor_the_database_services(args):
    modules = _modules_after(*args)
    assert "screening.cli" in modules
    for heavy in ("flask", "web", "spacy", "openpyxl", "tqdm", "screening.service.screen", "screening.service.ingest",
                  "screening.service.search", "screening.service.monitor", "screening.service.worker",
                  "screening.store.runs", "screening.store.watchlist"):
        assert not _loaded(modules, heavy), (args, heavy)
    if args == ["--help"]:
        assert not _loaded(modules, "screening.service") and not _loaded(modules, "screening.engine")
        assert _loaded(modules, "screening.cli") == ["screening.cli"]


def test_the_job_worker_command_does_not_load_the_web_app():
    code = "import sys, screening.cli.worker; print('flask' in sys.modules, 'web' in sys.modules)"
    res = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120)
    assert res.stdout.split() == ["False", "False"], res.stderr


@pytest.mark.parametrize("entry", sorted(DOMAIN_ERRORS))
def test_each_domain_error_is_named_where_it_is_defined(entry):
    module, _, name = entry.partition(":")
    cls = getattr(importlib.import_module(module), name)
    assert isinstance(cls, type) and issubclass(cls, Exception)
    assert f"{cls.__module__}:{cls.__qualname__}" == entry


@pytest.mark.parametrize("args, message", [
    (["watchlist", "show", "999"], "Error: "),
    (["monitor", "add", "999"], "Error: "),
    (["report", "999", "--json", "out.json"], "Error: "),
    (["user", "password", "nobody"], "Error: no user named 'nobody'"),
    (["compare", "--pairs", "missing.csv"], "Error: "),
])
def test_a_domain_error_is_a_message_and_exit_status_1_not_a_traceback(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.db"), *args])
    assert res.exit_code == 1, res.output
    assert message in res.output and "Traceback" not in res.output
    assert isinstance(res.exception, SystemExit)
