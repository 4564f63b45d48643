"""Build: the engine's hot modules compiled by Cython where this machine can, else installed as plain Python.

The metadata is in setup.cfg; this file only adds the compiled modules. ``COMPILED`` names modules of
``screening.engine`` that Cython compiles from their unchanged ``.py`` source (Cython's pure-Python mode): the
extension module has the same name and the same behaviour, and the ``.py`` beside it is its pure-Python twin.

Nothing here may make an install fail: without Cython, without a C compiler, or when one module does not compile,
the build says so in a warning and that module stays pure Python. Each build writes ``screening/engine/_compiled.json``
(the SHA-256 of each compiled module's source); at import, ``screening.engine`` uses a compiled module only when its
source is unchanged since the build, so a stale ``.so`` never shadows an edited ``.py`` (see the README, "Compiled
hot path").
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

PACKAGE = "screening.engine"
PACKAGE_DIR = Path("screening", "engine")
RECORD = "_compiled.json"  # read by screening/engine/__init__.py
C_DIR = "build/cython"     # generated C sources, out of the source tree



def _compiled_modules() -> tuple[str, ...]:
    # The list lives beside the import-time check (screening/engine/__init__.py, COMPILED_MODULES); read as text,
    # since the package is not importable while it is being built.
    tree = ast.parse((PACKAGE_DIR / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "COMPILED_MODULES" for t in node.targets):
            return tuple(ast.literal_eval(node.value))
    return ()


# For measuring another choice: SCREENING_COMPILE="scoring,pairs" (modules of screening/engine; "" compiles none).
COMPILED = _compiled_modules()

# Directives that keep the compiled module's behaviour that of its source: type annotations stay documentation
# (Cython would otherwise turn a `float` annotation into a C double, which changes ints and None), and Python
# semantics for division and integer overflow are Cython's defaults.
DIRECTIVES = {"language_level": 3, "annotation_typing": False, "binding": True}


def _warn(message: str) -> None:
    # setuptools hides most output of a pip install; a warning on stderr is shown (pip prints it with -v, and the
    # import-time check repeats it where it matters: screening.engine.compiled_status()).
    print(f"WARNING (screening build): {message}", file=sys.stderr)


def _chosen() -> tuple[str, ...]:
    given = os.environ.get("SCREENING_COMPILE")
    if given is None:
        return COMPILED
    return tuple(m.strip() for m in given.split(",") if m.strip())


def source_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class OptionalBuildExt(build_ext):
    """Compile what can be compiled; leave the rest pure Python, with a warning, and record what was built."""

    def run(self) -> None:
        self.built: dict[str, str] = {}
        try:
            from Cython.Build import cythonize  # imported here: without Cython the package still installs
        except ImportError as exc:
            _warn(f"Cython is not available ({exc}); the engine is installed as pure Python")
            cythonize = None
        workers = os.cpu_count() or 1
        ready = []
        if cythonize is not None:
            try:    # all at once, in parallel processes
                translated = cythonize(self.extensions, compiler_directives=DIRECTIVES, build_dir=C_DIR, quiet=True,
                                       nthreads=workers if workers > 1 else 0)
                ready = self._take_sources(self.extensions, translated)
            except Exception:  # one by one, to keep those that translate and name those that do not
                for ext in self.extensions:
                    try:
                        ready += self._take_sources([ext], cythonize([ext], compiler_directives=DIRECTIVES,
                                                                     build_dir=C_DIR, quiet=True))
                    except Exception as exc:  # a Cython error in one module must not stop the others or the install
                        _warn(f"Cython could not translate {ext.name} ({exc}); it stays pure Python")
        self.extensions = ready
        if ready:
            super().run()
        self._write_record()

    @staticmethod
    def _take_sources(originals: list[Extension], translated: list) -> list[Extension]:
        # cythonize returns new Extension objects; setuptools has already prepared the originals, so keep those and
        # give them the generated C sources.
        by_name = {ext.name: ext for ext in translated}
        for ext in originals:
            ext.sources = list(by_name[ext.name].sources)
        return list(originals)

    def build_extensions(self) -> None:
        # Each on its own (in threads: the C compiler runs as a process), so that one failure leaves the others
        # compiled; failed ones are dropped before setuptools copies the built files into the source tree.
        if self.compiler.compiler_type == "unix":
            # gcc or clang: Python's own flags say -O3 -g, which doubles the compile time for no measurable speed
            # (the generated code is calls into the interpreter); later flags win.
            for ext in self.extensions:
                ext.extra_compile_args = list(ext.extra_compile_args or []) + ["-O2", "-g0"]

        def build(ext: Extension) -> Extension | None:
            try:
                self.build_extension(ext)
            except Exception as exc:  # no compiler, missing headers, a compiler error: fall back, never fail
                _warn(f"could not compile {ext.name} ({type(exc).__name__}: {exc}); it stays pure Python")
                return None
            return ext

        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            ok = [ext for ext in pool.map(build, self.extensions) if ext is not None]
        for ext in ok:
            name = ext.name.rsplit(".", 1)[1]
            self.built[name] = source_hash(PACKAGE_DIR / f"{name}.py")
        self.extensions = ok

    def _write_record(self) -> None:
        record = json.dumps({"modules": self.built}, indent=1, sort_keys=True) + "\n"
        targets = [Path(self.build_lib, PACKAGE_DIR)]
        if self.inplace or getattr(self, "editable_mode", False):
            targets.append(PACKAGE_DIR)
            # A module compiled by an earlier build but not by this one (it failed, or left the list) must not
            # leave its old .so in the source tree.
            suffix = self.get_ext_filename("x")[1:]
            for stale in PACKAGE_DIR.glob(f"*{suffix}"):
                if stale.name[: -len(suffix)] not in self.built:
                    stale.unlink()
                    _warn(f"removed {stale}, not rebuilt")
        for target in targets:
            target.mkdir(parents=True, exist_ok=True)
            (target / RECORD).write_text(record, encoding="utf-8")


setup(
    ext_modules=[Extension(f"{PACKAGE}.{name}", [str(PACKAGE_DIR / f"{name}.py")]) for name in _chosen()],
    cmdclass={"build_ext": OptionalBuildExt},
)
