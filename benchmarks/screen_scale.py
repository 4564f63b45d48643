"""Issue 16: the whole ``screening screen`` CLI as the watchlist grows (OFAC; + 200,000; + 1,000,000 names), beside
exhaustive rapidfuzz cdist on the same queries and names: time, cost per query, memory, and a plot.

    python benchmarks/screen_scale.py [--sizes ofac,200k,1m] [--queries 5000] [--queries-1m 1000] [--no-cli]
                                      [--limit K] [--workers 2] [--merge] [--plot benchmarks/scale.svg]

For each list size:

1. The watchlist database, built with the CLI's own commands and cached under ``$SCREENING_BENCH_CACHE`` (default
   ``~/.cache/screening-bench``, keyed by a hash of the inputs and of the store's code): ``screening watchlist import
   sdn.csv --format ofac-sdn`` (OFAC SDN, July 2021), then for the larger sizes ``screening watchlist import
   synthetic-N.csv --format csv --name synthetic`` (``scale_data.py``: Congress first x last names, SEC company
   words with legal forms).
2. Ours: ``screening --db COPY screen clients.csv`` in a fresh subprocess on a copy of that database, the client
   file being the first ``--queries`` rows of the 50,000 client names (``--queries-1m`` for the 1M point). The child
   runs the CLI's own entry point after wrapping, for timing only, ``screen.prepare`` (reading the file),
   ``store.match_records`` (reading the watchlist from SQLite), the ``Matcher`` constructor (the index build) and
   ``screen.screen`` (everything after the file is read: index, screening, storage); screening = ``screen.screen``
   minus ``matcher_for``. Peak memory is the child's ``ru_maxrss`` (``os.wait4``), the resident memory after the
   index build is its VmHWM at that point. ``--no-cli`` runs the engine in this process instead (``Matcher`` built
   from the same list files, ``Matcher.screen`` per client row, no storage).
3. Brute force in the same run, after ours: ``rapidfuzz.process.cdist(queries, names, scorer=token_sort_ratio,
   score_cutoff=70, workers=--workers)`` over ``name_key`` forms (normalised beforehand, not timed), in chunks of
   at most about 100 MB of scores.

Prints a table "cost per query vs list size" (ms per query for our screening, for the whole CLI and for cdist; the
speed ratio cdist time / our time, above 1 when we are faster) and writes it as an SVG line plot (``--plot``; log-log
axes). Results are also kept in the cache, by commit; ``--merge`` plots the points of earlier runs of the same
commit for sizes not run now. Last line: ``SCALE size=... ms_per_query=... ratio=...`` per size.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import math
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ofac_data import SDN, ofac_records  # noqa: E402
from scale_data import CACHE, CLIENTS, SIZES, client_sample, synthetic_csv, synthetic_names  # noqa: E402

from screening.engine.index import Matcher  # noqa: E402
from screening.engine.model import AIRCRAFT, ORGANIZATION, PERSON, UNKNOWN, VESSEL, Query  # noqa: E402
from screening.engine.normalize import name_key  # noqa: E402
from screening.engine.pairs import BENCHMARK_THRESHOLD, algorithm_id  # noqa: E402
from watchlists.lists import read_csv, to_record  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
STORE_CODE = ("store/db.py", "store/watchlist.py", "service/lists.py")     # what an import uses, under screening/
CLIENT_TYPES = {"individual": PERSON, "company": ORGANIZATION, "vessel": VESSEL, "aircraft": AIRCRAFT}
CDIST_CELLS = 100_000_000     # scores held at once by a cdist chunk (uint8: about 100 MB)

# Run in the child: the CLI's own entry point, with timers wrapped around the stages (nothing else changes).
# A stage the code no longer has (renamed by later work) is simply not timed.
BOOT = r"""
import sys, time
T0 = time.perf_counter()
def say(key, value):
    print(f"BENCH {key} {value}", file=sys.stderr, flush=True)
def hwm():
    with open("/proc/self/status") as fh:
        return {l.split(":")[0]: int(l.split()[1]) // 1024 for l in fh if l.startswith(("VmHWM", "VmRSS"))}
import screening.cli as cli
from screening.service import screen, matching
say("imports_s", time.perf_counter() - T0)
def timed(owner, name, key, after=None):
    orig = getattr(owner, name, None)
    if orig is None:
        return
    if isinstance(orig, type):           # a class (the Matcher): time its constructor, keep its other methods
        class Timed(orig):
            def __init__(self, *a, **k):
                t = time.perf_counter()
                super().__init__(*a, **k)
                say(key, time.perf_counter() - t)
        setattr(owner, name, Timed)
        return
    def wrapper(*a, **k):
        t = time.perf_counter()
        out = orig(*a, **k)
        say(key, time.perf_counter() - t)
        if after:
            after()
        return out
    setattr(owner, name, wrapper)
def after_index():
    m = hwm()
    say("index_rss_mb", m["VmRSS"]); say("index_hwm_mb", m["VmHWM"])
import os
if os.environ.get("SCREEN_SCALE_NULL_ENGINE"):
    # The floor: an engine that matches nothing, so that what remains is the CLI's own cost (reading, checking,
    # queuing, storing every row, the run's record and audit, start-up and exit).
    from screening.engine import index as _index
    _index.Matcher.screen = lambda self, *a, **k: []
timed(screen, "prepare", "read_s")
timed(matching.store, "match_records", "records_s")
timed(matching, "Matcher", "build_s")
timed(screen, "matcher_for", "index_s", after_index)
timed(screen, "screen", "screen_s")
sys.argv[0] = "screening"
if __name__ == "__main__":      # not in the screening processes, which import this file again (spawn)
    try:
        cli.main()
    finally:
        say("total_in_child_s", time.perf_counter() - T0)
"""


# --- the watchlist databases ------------------------------------------------------------------------------------

def _screening_exe() -> list[str]:
    exe = Path(sys.executable).parent / "screening"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "screening.cli"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("SCREENING_DB", None)
    return env


def _run(cmd: list[str]) -> str:
    print("  $", " ".join(cmd), file=sys.stderr, flush=True)
    done = subprocess.run(cmd, check=False, cwd=ROOT, capture_output=True, text=True, env=_env())
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"failed ({done.returncode}): {' '.join(cmd)}")
    last = (done.stdout.strip().splitlines() or [""])[-1]
    print("   ", last, file=sys.stderr, flush=True)
    return last


def database(size: str) -> tuple[Path, dict]:
    """Return the cached watchlist database of a size (built with the CLI if missing) and how it was built."""
    extra = synthetic_csv(SIZES[size]) if size != "ofac" else None
    h = hashlib.sha256()
    for p in sorted(SDN.parent.iterdir()):
        h.update(p.name.encode() + p.read_bytes())
    if extra:
        h.update(extra.name.encode())          # the name carries the recipe's version, seed and size
    for name in STORE_CODE:
        h.update((ROOT / "screening" / name).read_bytes())
    path = CACHE / f"watchlist-{size}-{h.hexdigest()[:12]}.db"
    info_path = path.with_suffix(".json")
    if path.exists() and info_path.exists():
        return path, json.loads(info_path.read_text())
    tmp = path.with_name(f"building-{os.getpid()}.db")
    for p in CACHE.glob(tmp.name + "*"):
        p.unlink()
    exe = _screening_exe()
    info: dict = {}
    t = time.perf_counter()
    _run([*exe, "--db", str(tmp), "watchlist", "import", str(SDN), "--format", "ofac-sdn",
          "--published", "2021-07-07"])
    info["import_ofac_s"] = time.perf_counter() - t
    if extra:
        t = time.perf_counter()
        _run([*exe, "--db", str(tmp), "watchlist", "import", str(extra), "--format", "csv", "--name", "synthetic",
              "--published", "2026-12-01"])
        info["import_synthetic_s"] = time.perf_counter() - t
    con = sqlite3.connect(tmp)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA journal_mode = DELETE")      # one self-contained file, safe to copy
    con.close()
    info["db_mb"] = tmp.stat().st_size / 2**20
    os.replace(tmp, path)
    for p in CACHE.glob(tmp.name + "*"):       # the index the import left beside it: the run below builds its own
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink()
    info_path.write_text(json.dumps(info))
    return path, info


def list_names(size: str) -> tuple[list[str], int]:
    """Return every name of the list (primary names and aliases, distinct per entry) and the number of entries."""
    names = [n for r in ofac_records(SDN) for n in dict.fromkeys(r.names)]
    entries = len(ofac_records(SDN))
    if size != "ofac":
        extra = synthetic_names(synthetic_csv(SIZES[size]))
        names += extra
        entries += len(extra)
    return names, entries


def client_names(path: Path) -> list[tuple[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [(r["Customer Name"], r["Type"]) for r in csv.DictReader(fh)]


# --- ours -------------------------------------------------------------------------------------------------------

def run_cli(db: Path, clients: Path, warm: bool = False, null_engine: bool = False) -> dict:
    """Run ``screening screen`` in a child on a copy of ``db``; return its stage times, peak memory and counts.

    ``warm``: a first run of 50 rows builds the index file beside the copy, so that the timed run reads it (as
    every run after a watchlist's first does). ``null_engine``: the engine matches nothing (the CLI's floor)."""
    with tempfile.TemporaryDirectory(prefix="screen_scale-") as tmpdir:
        copy = Path(tmpdir) / "screening.db"
        shutil.copyfile(db, copy)
        # A file, not ``-c``: the screening processes started by spawn import it again, the engine patch with it.
        boot = Path(tmpdir) / "boot.py"
        boot.write_text(BOOT)
        if warm:
            warmup = subprocess.run([sys.executable, str(boot), "--db", str(copy), "screen",
                                     str(client_sample(50))], cwd=ROOT, capture_output=True, text=True, env=_env())
            if warmup.returncode not in (0, 3):
                sys.stderr.write(warmup.stdout + warmup.stderr)
                raise SystemExit(f"the warm-up run failed ({warmup.returncode})")
        out_path, err_path = Path(tmpdir) / "out.txt", Path(tmpdir) / "err.txt"
        cmd = [sys.executable, str(boot), "--db", str(copy), "screen", str(clients)]
        print(f"  $ screening --db {copy} screen {clients}", file=sys.stderr, flush=True)
        with open(out_path, "w") as out, open(err_path, "w") as err:
            t = time.perf_counter()
            env = {**_env(), **({"SCREEN_SCALE_NULL_ENGINE": "1"} if null_engine else {})}
            child = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err, env=env)
            _, status, usage = os.wait4(child.pid, 0)      # this child's own rusage, not all children's
            wall = time.perf_counter() - t
            child.returncode = os.waitstatus_to_exitcode(status)
        stdout, stderr = out_path.read_text(), err_path.read_text()
    if child.returncode not in (0, 3):
        sys.stderr.write(stdout + stderr)
        raise SystemExit(f"screening screen failed ({child.returncode})")
    res: dict = {"wall_s": wall, "peak_mb": usage.ru_maxrss / 1024}
    for key, value in re.findall(r"^BENCH (\w+) (\S+)$", stderr, re.M):
        res[key] = float(value)
    m = re.search(r"(\d+) rows, (\d+) screened, (\d+) not screened; (\d+) rows with hits \((\d+) hits\)", stdout)
    if m:
        res.update(rows=int(m[1]), screened=int(m[2]), rows_with_hits=int(m[4]), hits=int(m[5]))
    if "screen_s" in res:
        res["screening_s"] = res["screen_s"] - res.get("index_s", 0.0)
    if "total_in_child_s" in res:
        res["exit_s"] = wall - res["total_in_child_s"]      # interpreter start and exit (freeing the index)
    print("   ", next((ln for ln in stdout.splitlines() if ln.startswith("Run ")), "(no run line)"), file=sys.stderr)
    return res


def run_in_process(size: str, clients: Path, threshold: float, limit: int | None = None) -> dict:
    """Build the index from the list files and screen every client row in this process (no storage)."""
    t = time.perf_counter()
    records = ofac_records(SDN)
    if size != "ofac":
        records += [to_record(e, "synthetic") for e in read_csv(synthetic_csv(SIZES[size]))]
    read_s = time.perf_counter() - t
    t = time.perf_counter()
    matcher = Matcher(records)
    build_s = time.perf_counter() - t
    hwm_index = _hwm_mb()
    rows = client_names(clients)
    t = time.perf_counter()
    with_hits = hits = 0
    for name, kind in rows:
        found = matcher.screen(Query(name=name, type=CLIENT_TYPES.get(kind.casefold(), UNKNOWN)), threshold, limit)
        if isinstance(found, list) and found:
            with_hits += 1
            hits += len(found)
    screening_s = time.perf_counter() - t
    return {"records_s": read_s, "build_s": build_s, "index_s": read_s + build_s, "screening_s": screening_s,
            "wall_s": read_s + build_s + screening_s, "index_hwm_mb": hwm_index, "peak_mb": _hwm_mb(),
            "rows": len(rows), "screened": len(rows), "rows_with_hits": with_hits, "hits": hits}


def _hwm_mb() -> float:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) / 1024 for line in fh if line.startswith("VmHWM"))


# --- brute force ------------------------------------------------------------------------------------------------

def run_cdist(queries: list[str], names: list[str], workers: int, threshold: float) -> dict:
    """Time exhaustive cdist (token_sort_ratio over name_key forms) of every query against every name."""
    t = time.perf_counter()
    keys = [name_key(n) for n in names]
    qkeys = [name_key(q) for q in queries]
    prep_s = time.perf_counter() - t
    cutoff = round(threshold * 100)
    step = max(1, min(2000, CDIST_CELLS // len(keys)))
    with_hits = pairs = 0
    t = time.perf_counter()
    for i in range(0, len(qkeys), step):
        m = process.cdist(qkeys[i:i + step], keys, scorer=fuzz.token_sort_ratio, workers=workers, dtype=np.uint8,
                          score_cutoff=cutoff)
        with_hits += int((m.max(axis=1) >= cutoff).sum())
        pairs += int(np.count_nonzero(m >= cutoff))
    return {"cdist_s": time.perf_counter() - t, "cdist_prep_s": prep_s, "cdist_rows_with_hits": with_hits,
            "cdist_pairs": pairs}


# --- report -----------------------------------------------------------------------------------------------------

def _commit() -> str:
    """Return the last commit that changed the code measured (screening/, watchlists/), "+dirty" if changed since."""
    sha = subprocess.run(["git", "log", "-1", "--format=%h", "--", "screening", "watchlists"], cwd=ROOT,
                         capture_output=True, text=True).stdout
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "screening", "watchlists"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    return sha.strip() + ("+dirty" if dirty else "")


def _fmt(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{x:,.{digits}f}"


def table(points: list[dict]) -> str:
    """Return the Markdown table "cost per query vs list size"."""
    lines = ["| list | entries | names | queries | index build s (read + build) | screening s | **ms/query ours** "
             "(screening) | whole CLI s | ms/query whole CLI | cdist s | **ms/query cdist** | speed ratio cdist / "
             "ours, screening | same, whole CLI | peak RSS MB (after index) | rows with hits: ours / cdist |",
             "|" + "---|" * 15]
    for p in points:
        n = p["queries"]
        lines.append(
            f"| {p['label']} | {p['entries']:,} | {p['names']:,} | {n:,} | {_fmt(p.get('index_s'))} "
            f"({_fmt(p.get('records_s'))} + {_fmt(p.get('build_s'))}) | {_fmt(p.get('screening_s'))} | "
            f"**{_fmt(p['ms_ours'], 2)}** | {_fmt(p.get('wall_s'))} | {_fmt(p['ms_whole'], 2)} | "
            f"{_fmt(p['cdist_s'])} | **{_fmt(p['ms_cdist'], 2)}** | {p['ratio']:.2f}x | {p['ratio_whole']:.2f}x | "
            f"{_fmt(p.get('peak_mb'), 0)} ({_fmt(p.get('index_hwm_mb'), 0)}) | "
            f"{p.get('rows_with_hits', 0):,} / {p['cdist_rows_with_hits']:,} |")
    return "\n".join(lines)


def svg_plot(points: list[dict], title: str) -> str:
    """Return an SVG line plot of ms per query against the number of names, both axes logarithmic."""
    w, h, left, right, top, bottom = 720, 440, 70, 170, 40, 60
    xs = [p["names"] for p in points]
    ys = [v for p in points for v in (p["ms_ours"], p["ms_cdist"], p["ms_whole"]) if v > 0]
    x0, x1 = 10 ** math.floor(math.log10(min(xs))), 10 ** math.ceil(math.log10(max(xs)))
    y0, y1 = 10 ** math.floor(math.log10(min(ys))), 10 ** math.ceil(math.log10(max(ys)))

    def px(x: float) -> float:
        return left + (math.log10(x) - math.log10(x0)) / (math.log10(x1) - math.log10(x0)) * (w - left - right)

    def py(y: float) -> float:
        return h - bottom - (math.log10(y) - math.log10(y0)) / (math.log10(y1) - math.log10(y0)) * (h - top - bottom)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<text x="{left}" y="22" font-size="14">{_esc(title)}</text>']
    for e in range(round(math.log10(x0)), round(math.log10(x1)) + 1):
        x = px(10 ** e)
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{h - bottom}" stroke="#ddd"/>')
        out.append(f'<text x="{x:.1f}" y="{h - bottom + 16}" text-anchor="middle">{10 ** e:,}</text>')
    for e in range(round(math.log10(y0)), round(math.log10(y1)) + 1):
        y = py(10 ** e)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{w - right}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{10 ** e:g}</text>')
    out.append(f'<rect x="{left}" y="{top}" width="{w - left - right}" height="{h - top - bottom}" fill="none" '
               f'stroke="#333"/>')
    out.append(f'<text x="{(left + w - right) / 2}" y="{h - 18}" text-anchor="middle">names in the watchlist '
               f'(log scale)</text>')
    out.append(f'<text transform="translate(18 {(top + h - bottom) / 2}) rotate(-90)" text-anchor="middle">'
               f'ms per query (log scale)</text>')
    series = [("ms_ours", "ours: screening", "#c0392b", ""), ("ms_whole", "ours: whole CLI", "#e67e22", "6 4"),
              ("ms_cdist", "cdist token_sort_ratio", "#2c3e50", "")]
    for i, (key, label, colour, dash) in enumerate(series):
        pts = [(px(p["names"]), py(p[key])) for p in points if p[key] > 0]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2" '
                   f'stroke-dasharray="{dash}"/>')
        for (x, y), p in zip(pts, points):
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>')
            out.append(f'<text x="{x + 6:.1f}" y="{y - 6:.1f}" fill="{colour}" font-size="11">{p[key]:.2f}</text>')
        ly = top + 10 + 20 * i
        out.append(f'<line x1="{w - right + 12}" y1="{ly}" x2="{w - right + 36}" y2="{ly}" stroke="{colour}" '
                   f'stroke-width="2" stroke-dasharray="{dash}"/>')
        out.append(f'<text x="{w - right + 40}" y="{ly + 4}" font-size="11">{_esc(label)}</text>')
    ly = top + 10 + 20 * len(series) + 10
    for p in points:
        out.append(f'<text x="{w - right + 12}" y="{ly}" font-size="10" fill="#555">{_esc(p["label"])}: '
                   f'{p["queries"]:,} queries</text>')
        ly += 14
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="ofac,200k,1m", help="comma-separated: ofac, 200k, 1m")
    ap.add_argument("--queries", type=int, default=5000, help=f"client rows screened (at most {CLIENTS:,})")
    ap.add_argument("--queries-1m", type=int, default=1000, help="client rows screened against OFAC + 1M")
    ap.add_argument("--no-cli", action="store_true", help="the engine in this process instead of the CLI")
    ap.add_argument("--limit", type=int, default=None,
                    help="with --no-cli: at most this many hits per row (the engine's top-k); default every hit")
    ap.add_argument("--warm", action="store_true",
                    help="whole CLI: the index file built by a first short run, as after a watchlist's first run")
    ap.add_argument("--null-engine", action="store_true",
                    help="whole CLI with an engine that matches nothing: the floor of what the CLI costs beyond "
                         "matching (implies --warm)")
    ap.add_argument("--workers", type=int, default=2, help="cdist threads")
    ap.add_argument("--threshold", type=float, default=BENCHMARK_THRESHOLD)
    ap.add_argument("--merge", action="store_true",
                    help="also plot earlier results of the same commit for the sizes not run now")
    ap.add_argument("--plot", default=str(ROOT / "benchmarks/scale.svg"), help="SVG to write ('' for none)")
    args = ap.parse_args()
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    for s in sizes:
        if s != "ofac" and s not in SIZES:
            ap.error(f"unknown size {s!r}: use ofac, {', '.join(SIZES)}")

    commit = _commit()
    mode = "in-process engine" if args.no_cli else "whole CLI"
    if not args.no_cli and (args.warm or args.null_engine):
        mode += ", warm index file" + (", engine matching nothing (floor)" if args.null_engine else "")
    print(f"{algorithm_id()}, threshold {args.threshold:.2f}, commit {commit}, {mode}, {os.cpu_count()} CPUs, "
          f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, load {os.getloadavg()[1]:.1f}")
    points: list[dict] = []
    for size in sizes:
        n = min(args.queries_1m if size == "1m" else args.queries, CLIENTS)
        label = "OFAC" if size == "ofac" else f"OFAC + {size}"
        clients = client_sample(n)
        queries = [name for name, _ in client_names(clients)]
        names, entries = list_names(size)
        print(f"\n{label}: {entries:,} entries, {len(names):,} names; {len(queries):,} client rows", flush=True)
        if args.no_cli:
            ours = run_in_process(size, clients, args.threshold, args.limit)
        else:
            db, built = database(size)
            if built:
                print(f"  database {db.name}: " + ", ".join(f"{k} {v:.1f}" for k, v in built.items()))
            ours = run_cli(db, clients, warm=args.warm or args.null_engine, null_engine=args.null_engine)
        print("  ours: " + ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}"
                                      for k, v in ours.items()), flush=True)
        brute = run_cdist(queries, names, args.workers, args.threshold)
        print(f"  load (5 min) {os.getloadavg()[1]:.1f}; cdist: {brute['cdist_s']:.2f} s ({args.workers} threads; name_key of the names beforehand "
              f"{brute['cdist_prep_s']:.1f} s), {brute['cdist_rows_with_hits']:,} rows with a score >= "
              f"{args.threshold * 100:.0f}, {brute['cdist_pairs']:,} pairs", flush=True)
        p = {"size": size, "label": label, "entries": entries, "names": len(names), "queries": len(queries),
             "mode": mode, "commit": commit, "date": f"{dt.date.today()}", **ours, **brute}
        p["load"] = os.getloadavg()[1]          # the machine is shared: the 5-minute load when this size ended
        p["ms_ours"] = 1000 * p["screening_s"] / len(queries)
        p["ms_whole"] = 1000 * p["wall_s"] / len(queries)
        p["ms_cdist"] = 1000 * p["cdist_s"] / len(queries)
        p["ratio"] = p["cdist_s"] / p["screening_s"]
        p["ratio_whole"] = p["cdist_s"] / p["wall_s"]
        points.append(p)
        _save(p)

    if args.merge:
        done = {p["size"] for p in points}
        points += [p for p in _saved(commit, mode) if p["size"] not in done]
    points.sort(key=lambda p: p["names"])
    print("\nCost per query vs list size (" + mode + ", commit " + commit + "):\n")
    print(table(points))
    base = next((p for p in points if p["size"] == "ofac"), None)
    if base:
        for p in points:
            if p is not base:
                print(f"{p['label']}: {p['names'] / base['names']:.1f}x the names; ms per query ours "
                      f"{p['ms_ours'] / base['ms_ours']:.2f}x, cdist {p['ms_cdist'] / base['ms_cdist']:.2f}x")
    if args.plot and points:
        Path(args.plot).write_text(svg_plot(points, f"Cost per query vs list size ({mode}, commit {commit}, "
                                                    f"{points[0]['date']})"))
        print(f"plot written to {args.plot}")
    for p in points:
        print(f"SCALE size={p['size']} queries={p['queries']} ms_per_query={p['ms_ours']:.3f} "
              f"ms_per_query_cdist={p['ms_cdist']:.3f} ratio={p['ratio']:.3f} peak_mb={p.get('peak_mb', 0):.0f}")


def _results_file() -> Path:
    return CACHE / "screen_scale-results.json"


def _saved(commit: str, mode: str) -> list[dict]:
    path = _results_file()
    if not path.exists():
        return []
    return [p for p in json.loads(path.read_text()) if p["commit"] == commit and p["mode"] == mode]


def _save(point: dict) -> None:
    """Keep a point in the cache (the latest per commit, mode and size), for ``--merge``."""
    path = _results_file()
    old = json.loads(path.read_text()) if path.exists() else []
    old = [p for p in old if (p["commit"], p["mode"], p["size"]) != (point["commit"], point["mode"], point["size"])]
    path.write_text(json.dumps(old + [point], indent=1))


if __name__ == "__main__":
    main()
