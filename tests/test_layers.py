"""The house in layers: the import contract in setup.cfg holds, can fail, and no import hides in a function.

Layers, top to bottom: screening.cli > web > screening.service > screening.store | screening.files > watchlists >
screening.engine; a layer imports only from below. The engine and the watchlist builders import no Flask, SQLite
or openpyxl. Run `lint-imports` to check it by hand.
"""
from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("screening", "watchlists", "web")


def lint(root: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("lint-imports")
    return subprocess.run([str(exe), "--config", str(root / "setup.cfg"), "--no-cache"], cwd=root,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                          timeout=300)


def test_the_layer_contracts_hold():
    res = lint(ROOT)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Contracts: 2 kept, 0 broken." in res.stdout


@pytest.mark.parametrize("where, line, broken", [
    ("screening/engine/_probe.py", "from screening.store import runs\n", "screening.engine is not allowed to import"),
    ("screening/engine/_probe.py", "import openpyxl\n", "The engine reads no files"),
    ("screening/store/_probe.py", "from screening.service import policy\n", "screening.store is not allowed"),
    ("web/_probe.py", "from screening.cli import main\n", "web is not allowed to import screening.cli"),
])
def test_a_wrong_import_is_reported(tmp_path, where, line, broken):
    for pkg in PACKAGES:
        shutil.copytree(ROOT / pkg, tmp_path / pkg, ignore=shutil.ignore_patterns("__pycache__", "data", "static",
                                                                                   "templates"))
    shutil.copy(ROOT / "setup.cfg", tmp_path / "setup.cfg")
    (tmp_path / where).write_text(line)
    res = lint(tmp_path)
    assert res.returncode != 0 and broken in res.stdout, res.stdout + res.stderr
    assert "_probe" in res.stdout


def _local_imports(folder: Path):
    for path in sorted(folder.rglob("*.py")):
        lines = path.read_text().splitlines()
        for fn in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(fn):
                    if isinstance(node, (ast.Import, ast.ImportFrom)):
                        module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                        text = lines[node.lineno - 1]
                        above = lines[node.lineno - 2] if node.lineno > 1 else ""
                        yield path.relative_to(ROOT), node.lineno, module or "", text + "\n" + above


def test_the_command_line_imports_nothing_inside_a_function_but_for_start_up_speed():
    found = [(str(p), n, m) for p, n, m, text in _local_imports(ROOT / "screening" / "cli")
             if "start-up" not in text]
    assert found == []


# Our modules that need an optional extra at their top (``setup.cfg``: cluster = dask, distributed): imported
# where they are used, so that a deployment without the extra, and every run without a cluster, never imports it.
OPTIONAL_EXTRA_MODULES = {"screening.service.cluster": "distributed"}


def test_no_module_imports_one_of_ours_inside_a_function():
    """A function-local import of our own code hides a cycle; the layers make it unnecessary. The one exception
    is a module of an optional extra, which must really need it (it imports the extra at its top)."""
    found = []
    for pkg in PACKAGES:
        for p, n, m, text in _local_imports(ROOT / pkg):
            if m.split(".")[0] not in PACKAGES:
                continue
            named = {f"{m}.{alias}" for alias in re.findall(r"import\s+(\w+)", text.splitlines()[0])} | {m}
            if named & set(OPTIONAL_EXTRA_MODULES):
                continue
            found.append((str(p), n, m))
    assert found == []
    for module, extra in OPTIONAL_EXTRA_MODULES.items():
        source = (ROOT / (module.replace(".", "/") + ".py")).read_text()
        assert re.search(rf"^(import|from) {extra}\b", source, re.M), f"{module} no longer needs {extra}"
