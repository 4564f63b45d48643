"""The compiled engine and its pure-Python twin: the same scores and reasons, the compiled one really used, and a
compiled module older than its source never used.

``setup.py`` compiles some modules of ``screening.engine`` (``COMPILED_MODULES``) with Cython from their unchanged
``.py``; ``SCREENING_PURE_PYTHON=1`` makes the package import the ``.py`` instead. This file scores the same cases
in this process (compiled, when built) and in a subprocess with ``SCREENING_PURE_PYTHON=1``, and compares every
score, name score, matched name and reason. Where no compiler was available the build falls back to pure Python: the
tests that need a compiled build are then skipped, except in CI (``CI=true``), where ``.ci/run`` must have built it.
"""
from __future__ import annotations

import csv
import importlib
import importlib.machinery
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import screening.engine as engine
from screening.engine.index import Matcher
from screening.engine.model import Match, Query, Record
from screening.engine.pairs import compare, match_record
from watchlists.lists import read_list, to_record

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
LISTS = [
    ("lists/ofac/sdn.csv", "ofac-sdn"),
    ("lists/un/UN_consolidated.xml", "un-consolidated"),
    ("lists/uk/sanctionsconlist.csv", "uk-hmt"),
    ("lists/good.csv", "csv"),
    ("lists/crm_sanctions.csv", "csv"),
]

# Records in the scripts and name shapes the compiled modules handle differently from plain Latin words (readings
# of Han, kana, Hangul, Hebrew; Arabic skeletons; legal forms; vessels' numbers; slash alternatives).
RECORDS = [
    Record("x-putin", ("PUTIN, Vladimir Vladimirovich", "Путин Владимир Владимирович"), "person", ("ru",),
           ("1952-10-07",), "test"),
    Record("x-ladin", ("Usama bin Ladin", "أسامة بن لادن"), "person", ("sa",), ("1957",), "test"),
    Record("x-kim", ("KIM Jong Un", "김정은"), "person", ("kp",), ("1984-01-08",), "test"),
    Record("x-xi", ("Xi Jinping", "习近平"), "person", ("cn",), ("1953-06",), "test"),
    Record("x-abe", ("Abe Shinzo", "安倍晋三", "あべしんぞう"), "person", ("jp",), ("1954",), "test"),
    Record("x-netanyahu", ("Benjamin Netanyahu", "בנימין נתניהו"), "person", ("il",), ("1949",), "test"),
    Record("x-abdul", ("Abd al-Rahman Muhammad bin Salman",), "person", ("sa",), ("1985-08-31",), "test"),
    Record("x-star", ("OCEAN STAR 2",), "vessel", ("pa",), (), "test"),
    Record("x-alqaida", ("Al-Qa'ida/Islamic Army",), "organization", (), (), "test"),
    Record("x-romashka", ("OOO Romashka", "Romashka LLC"), "organization", ("ru",), (), "test"),
    Record("x-siemens", ("Siemens AG",), "organization", ("de",), (), "test"),
    Record("x-louis", ("Louis XIV de Bourbon", "J.-P. Dupont"), "person", ("fr",), ("1638",), "test"),
]
EXTRA_QUERIES = [
    ("Vladimir Putin", "person", ("ru",), "1952"), ("Владимир Путин", "unknown", (), ""),
    ("Osama bin Laden", "unknown", ("sa",), "1957-03-10"), ("اسامه بن لادن", "person", (), ""),
    ("Kim Jong-un", "person", ("kp",), "1984"), ("Jong Un Kim", "unknown", (), ""), ("김정일", "person", (), ""),
    ("Jinping Xi", "person", ("cn",), ""), ("習近平", "unknown", (), ""), ("Shinzo Abe", "person", ("jp",), "1954"),
    ("アベ シンゾウ", "unknown", (), ""), ("Binyamin Netanjahu", "person", ("il",), "1949-10-21"),
    ("Abdulrahman Mohammed bin Salman", "person", (), "1985-03-08"), ("Ocean Star 3", "vessel", (), ""),
    ("Ocean Star II", "unknown", (), ""), ("Islamic Army", "organization", (), ""), ("Romashka OOO", "unknown", (), ""),
    ("Siemens LLC", "organization", ("us",), ""), ("J P Dupont", "person", ("fr",), ""), ("Louis 14", "person", (), ""),
    ("Bill Clinton", "person", ("us",), "1946"), ("Acme Trading Ltd", "organization", ("gb",), ""),
]


def _records() -> list[Record]:
    out = list(RECORDS)
    for path, fmt in LISTS:
        out += [to_record(e, fmt) for e in read_list(FIXTURES / path, fmt)]
    return out


def _perturbed(name: str) -> list[str]:
    """Simple data-entry changes of a listed name: words reversed, a letter dropped, initials, case."""
    words = name.replace(",", " ").split()
    out = [" ".join(reversed(words)), name.upper()]
    if len(words) >= 2:
        out.append(" ".join([words[0][0] + "."] + words[1:]))
    longest = max(words, key=len)
    if len(longest) >= 5:
        out.append(name.replace(longest, longest[:2] + longest[3:], 1))
    return out


def _queries(records: list[Record]) -> list[Query]:
    queries = [Query(n, t, c, d or None) for n, t, c, d in EXTRA_QUERIES]
    for r in records:
        for name in r.names:
            queries.append(Query(name, r.type, r.countries, r.birth_dates[0] if r.birth_dates else None))
            queries += [Query(p) for p in _perturbed(name)]
    with open(FIXTURES / "clients" / "crm_extract.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))[4:]
    for row in rows:
        for name in row[1:3]:
            if name.strip():
                queries.append(Query(name))
    return queries


def _row(m: Match) -> list:
    return [m.record_id, repr(m.score), repr(m.name_score), m.matched_name, m.record_type,
            [[r.feature, r.outcome, r.text, repr(r.score)] for r in m.reasons]]


def outcomes() -> dict[str, list]:
    """Every result of the cases, as JSON-able lists: pairs of names, queries against records, index matches."""
    records = _records()
    queries = _queries(records)
    names = sorted({n for r in records for n in r.names})
    pairs = []
    for q in queries[:: 6]:
        for n in names[:: 3]:
            m = compare(q.name, n, q.type)
            pairs.append([q.name, n] + (_row(m) if isinstance(m, Match) else ["skipped", m.reason]))
    against_records = [[q.name] + _row(match_record(q, r)) for q in queries[:: 4] for r in records]
    matcher = Matcher(records)
    matched = [[q.name] + [_row(m) for m in matcher.match(q, threshold=0.5, limit=None)] for q in queries]
    return {"pairs": pairs, "records": against_records, "matcher": matched}


def _pure_python_outcomes() -> dict[str, list]:
    env = dict(os.environ, SCREENING_PURE_PYTHON="1",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    code = ("import json, sys; sys.path.insert(0, 'tests'); import test_compiled, screening.engine as e; "
            "out = test_compiled.outcomes(); out['status'] = e.compiled_status(); json.dump(out, sys.stdout)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def _not_compiled() -> list[str]:
    for name in engine.COMPILED_MODULES:
        importlib.import_module(f"screening.engine.{name}")
    status = engine.compiled_status()
    return [f"{name}: {status.get(name, 'pure Python (no compiled file: not built)')}"
            for name in engine.COMPILED_MODULES if status.get(name) != "compiled"]


def _require_compiled() -> None:
    missing = _not_compiled()
    if not missing:
        return
    why = "the engine is not compiled here (" + "; ".join(missing) + ")"
    if os.environ.get("CI") == "true" and not engine.pure_python_forced("any"):
        pytest.fail(f"{why}: .ci/run installs with `pip install -e '.[test]'`, which must build it")
    pytest.skip(why)


def test_compiled_and_pure_python_give_the_same_scores_and_reasons():
    here = outcomes()
    pure = _pure_python_outcomes()
    assert set(pure.pop("status").values()) <= {"pure Python (SCREENING_PURE_PYTHON is set)"}
    assert sum(len(v) for v in here.values()) > 2000          # a few thousand results, not a handful
    for kind in here:
        assert len(here[kind]) == len(pure[kind]), kind
        differ = [(a, b) for a, b in zip(here[kind], pure[kind]) if a != b]
        assert not differ, f"{len(differ)} {kind} results differ; first: {differ[:3]}"


def test_the_installed_build_uses_the_compiled_modules():
    _require_compiled()
    for name in engine.COMPILED_MODULES:
        module = sys.modules[f"screening.engine.{name}"]
        assert module.__file__.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)), module.__file__


def _engine_copy(tmp_path: Path) -> Path:
    """A copy of the built package (compiled files, build record, sources) to edit without touching the real one."""
    (tmp_path / "screening").mkdir()
    (tmp_path / "screening" / "__init__.py").write_text("")
    shutil.copytree(Path(engine.__file__).parent, tmp_path / "screening" / "engine",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def _compiled_module() -> str:
    return engine.COMPILED_MODULES[0]


def _import_in(path: Path, **env: str) -> dict:
    name = _compiled_module()
    code = ("import json, warnings, sys, importlib; warnings.simplefilter('always'); import screening.engine as e; "
            f"s = importlib.import_module('screening.engine.{name}'); "
            f"print(json.dumps({{'file': s.__file__, 'status': e.compiled_status().get('{name}')}}))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=path, env=dict(os.environ, PYTHONPATH=str(path), **env),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return dict(json.loads(proc.stdout), stderr=proc.stderr)


def test_an_edited_source_is_used_instead_of_its_stale_compiled_module(tmp_path):
    _require_compiled()
    root = _engine_copy(tmp_path)
    fresh = _import_in(root)
    assert fresh["status"] == "compiled" and fresh["file"].endswith(".so"), fresh
    source = root / "screening" / "engine" / f"{_compiled_module()}.py"
    source.write_text(source.read_text(encoding="utf-8") + "\n# edited after the build\n", encoding="utf-8")
    stale = _import_in(root)
    assert stale["file"] == str(source), stale
    assert "changed since the build" in stale["status"]
    assert "StaleCompiledModule" in stale["stderr"] and "pip install -e ." in stale["stderr"]


def test_a_compiled_module_without_a_build_record_is_not_trusted(tmp_path):
    _require_compiled()
    root = _engine_copy(tmp_path)
    (root / "screening" / "engine" / "_compiled.json").unlink()
    got = _import_in(root)
    assert got["file"].endswith(".py") and "no build record" in got["status"], got


def test_pure_python_can_be_asked_for_all_modules_or_some(tmp_path):
    _require_compiled()
    root = _engine_copy(tmp_path)
    name = _compiled_module()
    assert _import_in(root, SCREENING_PURE_PYTHON="1")["file"].endswith(f"{name}.py")
    assert _import_in(root, SCREENING_PURE_PYTHON=f"model,{name}")["file"].endswith(f"{name}.py")
    assert _import_in(root, SCREENING_PURE_PYTHON="model")["file"].endswith(".so")
