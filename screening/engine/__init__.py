"""The screening engine: pure name matching (no files, no database, no web pages).

Compiled hot path. The install compiles some of these modules with Cython from their unchanged ``.py`` source
(``setup.py``; the README's "Compiled hot path"): ``scoring.py`` beside ``scoring.cpython-*.so``. Python would import
the ``.so`` whenever it is there, even after the ``.py`` was edited in an editable install: a stale compiled module
silently running old code. So this package decides at import, for each of its modules that has a compiled file:

- ``SCREENING_PURE_PYTHON=1`` in the environment: the ``.py`` (for comparing, debugging, profiling); a list of
  module names (``SCREENING_PURE_PYTHON=index,scoring``): those modules only;
- the build's record (``_compiled.json``, written by ``setup.py``) holds the SHA-256 of the ``.py`` the extension was
  built from: equal to the ``.py`` now, the compiled module; different or missing, the ``.py``, with a warning that
  says how to rebuild (``pip install -e .`` again).

Both give the same results (``tests/test_compiled.py`` compares every score); only the speed differs.
``compiled_status()`` tells which was used for each module.
"""
from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import warnings
from pathlib import Path

# The modules setup.py compiles (read from here by setup.py). Measured (README, "Compiled hot path"): compiling
# scoring.py gives nearly all of the gain of compiling the five modules scoring, pairs, normalize, index and readings;
# each of the other four alone gives none that can be told from noise, and costs install time.
COMPILED_MODULES = ("scoring",)
PURE_ENV = "SCREENING_PURE_PYTHON"
_HERE = Path(__file__).resolve().parent
_RECORD = _HERE / "_compiled.json"
_STATUS: dict[str, str] = {}


class StaleCompiledModule(RuntimeWarning):
    """A compiled module older than its source (or of an unknown build) was passed over for the ``.py``."""


def pure_python_forced(name: str) -> bool:
    """Tell whether ``SCREENING_PURE_PYTHON`` asks for this module as Python: "1" for all, or "index,scoring"."""
    value = os.environ.get(PURE_ENV, "").strip().lower()
    if value in ("", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    return name in {v.strip() for v in value.split(",")}


def compiled_status() -> dict[str, str]:
    """Return, for each engine module imported so far that has a compiled file, "compiled" or why it is not used."""
    return dict(_STATUS)


def _built_hashes() -> dict[str, str]:
    try:
        return dict(json.loads(_RECORD.read_text(encoding="utf-8"))["modules"])
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _compiled_file(name: str) -> Path | None:
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = _HERE / f"{name}{suffix}"
        if path.is_file():
            return path
    return None


class _FreshCompiledOrSource(importlib.abc.MetaPathFinder):
    """Import ``screening.engine.X`` from its ``.so`` only when built from the ``.py`` as it is now."""

    def find_spec(self, fullname, path=None, target=None):
        prefix = __name__ + "."
        name = fullname[len(prefix):] if fullname.startswith(prefix) else ""
        if not name or "." in name:
            return None
        compiled = _compiled_file(name)
        source = _HERE / f"{name}.py"
        if compiled is None or not source.is_file():
            return None                                   # the ordinary import: pure Python, or compiled only
        if pure_python_forced(name):
            _STATUS[name] = f"pure Python ({PURE_ENV} is set)"
        else:
            built = _built_hashes().get(name)
            now = hashlib.sha256(source.read_bytes()).hexdigest()
            if built == now:
                _STATUS[name] = "compiled"
                return importlib.util.spec_from_file_location(fullname, compiled)
            why = "no build record" if built is None else "its .py changed since the build"
            _STATUS[name] = f"pure Python (compiled file is stale: {why})"
            warnings.warn(f"{compiled.name} is not used ({why}): running {source.name} as Python, slower. "
                          f"Rebuild with `pip install -e .` (or set {PURE_ENV}=1 to silence this).",
                          StaleCompiledModule, stacklevel=2)
        return importlib.util.spec_from_file_location(fullname, source)


if not any(isinstance(f, _FreshCompiledOrSource) for f in sys.meta_path):
    sys.meta_path.insert(0, _FreshCompiledOrSource())
