"""Batch screening of a 100,000-row client workbook end to end: rows/s, peak memory, report writing time, recall.

    python benchmarks/screen_batch.py [--rows 100000] [--seed 5] [--sample 2000] [--keep DIR] [--rebuild]

1. Watchlist (cached under /tmp, keyed by a hash of the inputs, of watchlists/ and of the screening/ modules it
   uses; ``--rebuild`` forces a new one): the
   BBC-derived news watchlist (``screening watchlist add ../shared/data/news_bbc_fulltext/bbc --workers 2``) plus
   the OFAC SDN list of July 2021 (``screening watchlist import sdn.csv --format ofac-sdn``), in a SQLite file
   outside the repository (BBC is for research use only).
2. Client workbook (cached, keyed by a hash of its rows): a bank-like export written with openpyxl in write-only
   mode, header "Customer ID", "Customer Name", "Type", "Country", "Date of Birth"; SEC company names and US
   Congress person names ("LAST, First" or "First Last", real birthdays), about 1% of rows taken from the
   watchlist (OFAC SDN names and aliases, BBC-derived entity names; 40% of them perturbed with
   ``ofac_data.perturb``), and a few bad rows (empty name, digits only, unreadable date, duplicate ID). Seeded.
3. Screening in a fresh subprocess on a copy of the cached database, so that peak memory is that of screening
   alone: ``screen.prepare`` (read, map, validate), ``screen.matcher_for`` (index build), ``screen.screen``,
   ``screen.write_run_report`` (xlsx) and ``screen.write_run_json``, each timed, with the resident memory (VmRSS) and its
   high-water mark (VmHWM) after each stage. The screening time is split by wrapping, in the subprocess only,
   ``Matcher.screen`` (the engine), ``screen._hit_records`` (evidence of each hit) and ``runs.add_results``
   (storage). Recall of the seeded rows (their hits include the entity they were taken from) and the alert rate of
   the other screened rows come from ``runs.iter_hits``.
4. Baselines in the same subprocess, after the pipeline: the engine alone (``matcher.screen`` in a loop) on a
   sample of the same screenable rows, once with the pipeline's caches warm and once cold (the screening
   modules' caches cleared and a fresh Matcher built, the state screening starts from); and rapidfuzz
   ``process.cdist`` (token_sort_ratio, one thread) of the same sample against every watchlist name, a
   machine-independent anchor.

5. Alerts by class (issue 14): hits and rows with hits per 1,000 rows, by class (sanctions, PEP, adverse media,
   mention), under the policy's alerting classes or those given with ``--alert-classes`` (for example every class,
   as before classes existed: ``--alert-classes "sanctions,pep,adverse media,mention"``), the share of alerts that
   are mentions, and the rows also named in news without alerting.

The last line is ``PEAK_RSS_MB=... ROWS_PER_S=...`` (the pipeline's peak, up to the JSON export).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared/data"
BBC = SHARED / "news_bbc_fulltext/bbc"
SDN_DIR = SHARED / "sanctions_lists/ofac_sdn_2021-07"
CACHE = Path(tempfile.gettempdir()) / "screen_batch_bench"
GENERATOR = "clients/1"          # bump when the workbook's recipe changes
HEADER = ["Customer ID", "Customer Name", "Type", "Country", "Date of Birth"]
WATCHLIST_CODE = ("store/db.py", "store/watchlist.py", "service/ingest.py", "engine/model.py",
                  "engine/attributes.py", "engine/normalize.py")      # paths under screening/
SEED_SHARE = 0.01                # rows taken from the watchlist
PERTURBED_SHARE = 0.4            # of those, perturbed


# --- cached inputs --------------------------------------------------------------------------------------------

def _hash_tree(h, folder: Path, suffixes: tuple[str, ...] | None = None) -> None:
    for p in sorted(folder.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and (suffixes is None or p.suffix in suffixes):
            h.update(str(p.relative_to(folder)).encode() + b"\0" + p.read_bytes() + b"\0")


def watchlist_key() -> str:
    h = hashlib.sha256()
    _hash_tree(h, SDN_DIR)
    _hash_tree(h, BBC)
    _hash_tree(h, ROOT / "watchlists")
    for name in WATCHLIST_CODE:         # what ingestion and import use of screening/ (not the scorer)
        h.update((ROOT / "screening" / name).read_bytes())
    return h.hexdigest()[:16]


def _run(cmd: list[str]) -> None:
    print("  $", " ".join(cmd), file=sys.stderr, flush=True)
    done = subprocess.run(cmd, check=False, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"failed ({done.returncode}): {' '.join(cmd)}")
    print("   ", (done.stdout.strip().splitlines() or [""])[-1], file=sys.stderr, flush=True)


def build_watchlist(rebuild: bool) -> tuple[Path, float | None]:
    """Return the cached watchlist database (built if missing) and the seconds spent building it (None: cached)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"watchlist-{watchlist_key()}.db"
    if path.exists() and not rebuild:
        return path, None
    tmp = CACHE / f"building-{os.getpid()}.db"
    for p in CACHE.glob(tmp.name + "*"):
        p.unlink()
    exe = str(Path(sys.executable).parent / "screening")
    t0 = time.perf_counter()
    _run([exe, "--db", str(tmp), "watchlist", "add", str(BBC), "--workers", "2"])
    _run([exe, "--db", str(tmp), "watchlist", "import", str(SDN_DIR / "sdn.csv"), "--format", "ofac-sdn"])
    seconds = time.perf_counter() - t0
    con = sqlite3.connect(tmp)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA journal_mode = DELETE")      # one self-contained file, safe to copy
    con.close()
    os.replace(tmp, path)
    return path, seconds


def watchlist_pool(db_path: Path) -> dict[str, list[tuple]]:
    """Return the entities a seeded row may be taken from: (entity id, names, type, countries, birth dates)."""
    con = sqlite3.connect(db_path)
    aliases: dict[int, list[str]] = {}
    for eid, alias in con.execute("SELECT entity_id, alias FROM aliases ORDER BY entity_id, rowid"):
        aliases.setdefault(eid, []).append(alias)
    pool: dict[str, list[tuple]] = {"ofac": [], "news": []}
    for eid, name, etype, countries, births, origin in con.execute(
            "SELECT id, name, type, countries, birth_dates, origin FROM entities WHERE delisted_version IS NULL "
            "AND type IN ('person', 'organization') ORDER BY id"):
        names = list(dict.fromkeys([name] + aliases.get(eid, [])))
        pool["ofac" if origin == "list" else "news"].append(
            (eid, names, etype, json.loads(countries) if countries else [], json.loads(births) if births else []))
    con.close()
    return pool


def client_rows(n: int, seed: int, pool: dict[str, list[tuple]]) -> tuple[list[list], dict[int, dict]]:
    """Return n data rows (the header not included) and, by spreadsheet row number, the seeded rows' origins."""
    from datetime import date

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from ofac_data import congress_people, perturb, sec_companies

    rng = random.Random(seed)
    companies = sec_companies()
    people = list({(f, last): b for f, last, b in congress_people()}.items())
    births = [b for _, _, b in congress_people() if b and b >= "1920"]
    rng.shuffle(companies)
    rng.shuffle(people)
    firsts = [f for (f, _), _ in people]
    lasts = [last for (_, last), _ in people]
    usa = ["United States", "United States", "United States", "US", "USA", "U.S.A."]
    others = ["United Kingdom", "Canada", "Germany", "France", "Mexico", "India", "Switzerland", "Singapore"]

    def dob(b: str):
        if not b or b < "1920":
            b = rng.choice(births)                     # a real birthday of someone born since 1920
        y, m, d = (int(x) for x in b.split("-"))
        return date(y, m, d) if rng.random() < 0.9 else b   # most as date cells, some as text

    def country():
        return rng.choice(usa) if rng.random() < 0.9 else rng.choice(others + [""])

    rows: list[list] = []
    seeded: dict[int, dict] = {}
    n_seed = max(1, round(n * SEED_SHARE)) if n >= 100 else 0
    seed_at = set(rng.sample(range(n), n_seed))
    ci = pi = 0
    for i in range(n):
        cid = f"C{i + 1:07d}"
        if i in seed_at:
            origin = "ofac" if rng.random() < 0.5 else "news"
            eid, names, etype, countries, bdates = rng.choice(pool[origin])
            name = rng.choice(names)
            perturbed = rng.random() < PERTURBED_SHARE
            if perturbed:
                name = perturb(name, rng)
            ctry = countries[0].upper() if countries else country()
            b = next((x for x in bdates if len(x) == 10), None)
            rows.append([cid, name, "Individual" if etype == "person" else "Company", ctry,
                         b or (dob("") if etype == "person" and rng.random() < 0.3 else None)])
            seeded[i + 2] = {"entity_id": eid, "origin": origin, "perturbed": perturbed, "name": name}
        elif rng.random() < 0.2:                       # a company
            rows.append([cid, companies[ci % len(companies)], "Company", country(), None])
            ci += 1
        else:                                          # a person: a real member, then first x last of real ones
            if pi < len(people):
                (first, last), b = people[pi]
            else:
                first, last, b = rng.choice(firsts), rng.choice(lasts), ""
            pi += 1
            name = f"{last.upper()}, {first}" if rng.random() < 0.5 else f"{first} {last}"
            rows.append([cid, name, "Individual", country(), dob(b)])
    # A few bad rows, in place of ordinary ones (never of seeded ones).
    plain = [i for i in range(n) if i + 2 not in seeded]
    bad = rng.sample(plain, min(len(plain), max(4, n // 2500)))
    for k, i in enumerate(bad):
        kind = k % 4
        if kind == 0:
            rows[i][1] = ""
        elif kind == 1:
            rows[i][1] = str(rng.randrange(10 ** 7, 10 ** 9))
        elif kind == 2:
            rows[i][4] = rng.choice(["31/02/1970", "sometime in 1965", "1980-13-45", "n/a"])
        else:
            rows[i][0] = rows[rng.randrange(max(1, i))][0] if i else rows[-1][0]
    return rows, seeded


def build_workbook(rows: list[list]) -> tuple[Path, float | None]:
    """Return the cached workbook of these rows (written if missing) and the seconds spent writing it."""
    h = hashlib.sha256(GENERATOR.encode())
    for r in rows:
        h.update(repr(r).encode())
    path = CACHE / f"clients-{len(rows)}-{h.hexdigest()[:16]}.xlsx"
    if path.exists():
        return path, None
    from openpyxl import Workbook

    t0 = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Customers")
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    wb.save(tmp)
    os.replace(tmp, path)
    return path, time.perf_counter() - t0


# --- the screening subprocess ---------------------------------------------------------------------------------

def _status() -> dict[str, float]:
    out = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1]) / 1024
    return out


def _clear_caches() -> int:
    import gc

    from screening.engine import index, normalize, scoring
    from screening.engine import pairs as engine
    n = 0
    for mod in (normalize, scoring, index, engine):
        for obj in vars(mod).values():
            if callable(getattr(obj, "cache_clear", None)):
                obj.cache_clear()
                n += 1
    gc.collect()
    return n


def child(db_path: str, xlsx: str, seeds_path: str, out_dir: str, sample: int, seed: int,
          alert_classes: str | None = None) -> dict:
    import resource

    res: dict = {"stages": []}

    def stage(name: str, seconds: float | None) -> None:
        st = _status()
        res["stages"].append({"stage": name, "seconds": seconds, "rss_mb": st["VmRSS"], "hwm_mb": st["VmHWM"]})
        print(f"  [{time.strftime('%H:%M:%S')}] {name}: {'' if seconds is None else f'{seconds:.1f} s, '}"
              f"RSS {st['VmRSS']:.0f} MB, peak {st['VmHWM']:.0f} MB", file=sys.stderr, flush=True)

    stage("start (interpreter)", None)
    from screening.engine.index import Matcher
    from screening.engine.model import Query
    from screening.engine.pairs import BENCHMARK_THRESHOLD
    from screening.service import matching, policy, screen
    from screening.store import db as dbmod
    from screening.store import runs
    stage("imports", None)

    db = dbmod.connect(db_path)
    if alert_classes:
        policy.set_value(db, "alert_classes", alert_classes, actor="bench")
    out_xlsx, out_json = Path(out_dir) / "report.xlsx", Path(out_dir) / "run.json"

    t0 = time.perf_counter()
    prepared = screen.prepare(xlsx)
    t1 = time.perf_counter()
    stage("read + map + validate (prepare)", t1 - t0)
    matcher, _version, size = matching.matcher_for(db, policy.value(db, "news_min_relevance"))
    t2 = time.perf_counter()
    stage("index build (matcher_for)", t2 - t1)

    # Split the screening time: wrap the engine, the evidence lookups and the storage (this process only).
    spent = {"engine": 0.0, "evidence": 0.0, "storage": 0.0}

    def timed(key, fn):
        def wrapper(*a, **k):
            s = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[key] += time.perf_counter() - s
        return wrapper

    engine_screen = matcher.screen
    matcher.screen = timed("engine", engine_screen)
    hit_records, add_results = screen._hit_records, runs.add_results
    screen._hit_records, runs.add_results = timed("evidence", hit_records), timed("storage", add_results)
    t2 = time.perf_counter()
    run_id = screen.screen(db, prepared, actor="bench", progress=None)
    t3 = time.perf_counter()
    screen._hit_records, runs.add_results = hit_records, add_results
    del matcher.screen, engine_screen
    stage("screening (screen.screen)", t3 - t2)
    screen.write_run_report(db, run_id, out_xlsx, actor="bench")
    t4 = time.perf_counter()
    stage("Excel report (write_report)", t4 - t3)
    with open(out_json, "w", encoding="utf-8") as fh:
        screen.write_run_json(db, run_id, fh)
    t5 = time.perf_counter()
    stage("JSON export (write_json)", t5 - t4)
    res["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    run = runs.get_run(db, run_id)
    res.update(
        rows_total=run["rows_total"], screened=run["screened"], not_screened=run["not_screened"],
        rows_with_hits=run["rows_with_hits"], hits=run["hits"], status=run["status"], entities=size,
        names=len(matcher.names), read_s=t1 - t0,
        screen_s=t3 - t2, report_s=t4 - t3, json_s=t5 - t4, report_bytes=out_xlsx.stat().st_size,
        json_bytes=out_json.stat().st_size, split=spent, threshold=BENCHMARK_THRESHOLD)
    res["index_s"] = next(st["seconds"] for st in res["stages"] if st["stage"].startswith("index"))

    # Recall of the seeded rows and the alert rate of the others.
    seeded = {int(k): v for k, v in json.loads(Path(seeds_path).read_text()).items()}
    found: dict[int, set] = {}
    sources: dict[int, set] = {}
    for h in runs.iter_hits(db, run_id):
        found.setdefault(h["row"], set()).add(h["entity_id"])
        sources.setdefault(h["row"], set()).add("news" if h["source"] == "news" else "list")
    status = dict(db.execute("SELECT row, status FROM run_rows WHERE run_id = ?", [run_id]).fetchall())
    groups: dict[str, list[int]] = {}
    for row, s in seeded.items():
        key = f"{s['origin']} {'perturbed' if s['perturbed'] else 'exact'}"
        groups.setdefault(key, []).append(int(s["entity_id"]) in found.get(row, ()))
    res["recall"] = {k: (sum(v), len(v)) for k, v in sorted(groups.items())}
    res["seeded_not_screened"] = sum(1 for row in seeded if status.get(row) != "screened")
    res["missed"] = [s["name"] for row, s in seeded.items()
                     if int(s["entity_id"]) not in found.get(row, ())][:12]
    plain = [row for row, s in status.items() if s == "screened" and row not in seeded]
    alerts = [row for row in plain if row in found]
    res["alerts"] = (len(alerts), len(plain))
    res["alerts_by_source"] = {src: sum(1 for row in alerts if src in sources[row]) for src in ("list", "news")}
    # Alerts by class: hits, and rows with a hit of the class, per 1,000 rows; rows named in news without alerting.
    res["alert_classes"] = run["alert_classes"]
    res["class_hits"] = dict(db.execute("SELECT alert_class, count(*) FROM hits WHERE run_id = ? GROUP BY 1",
                                        [run_id]).fetchall())
    res["class_rows"] = dict(db.execute("SELECT alert_class, count(DISTINCT row) FROM hits WHERE run_id = ? "
                                        "GROUP BY 1", [run_id]).fetchall())
    plain_set = set(plain)
    res["class_rows_plain"] = {}
    for cls, row in db.execute("SELECT DISTINCT alert_class, row FROM hits WHERE run_id = ?", [run_id]):
        if row in plain_set:
            res["class_rows_plain"][cls] = res["class_rows_plain"].get(cls, 0) + 1
    res["named_in_news"] = db.execute("SELECT count(*), coalesce(sum(news_mentions), 0) FROM run_rows WHERE "
                                      "run_id = ? AND news_mentions > 0", [run_id]).fetchone()
    # The class of the entity each seeded row was taken from: a seeded news entity of class mention is, by
    # design, counted on its row and not an alert.
    from screening.service import alerts as alert_classes_of
    from screening.store import watchlist as store
    seeded_class: dict[str, int] = {}
    for row, s in seeded.items():
        ev = store.evidence(store.get_entity(db, str(s["entity_id"])), max_excerpts=0)
        cls = alert_classes_of.classify(ev)
        seeded_class[cls] = seeded_class.get(cls, 0) + 1
        if cls not in run["alert_classes"]:
            res.setdefault("seeded_quiet", [0, 0])
            res["seeded_quiet"][0] += 1
            res["seeded_quiet"][1] += int(s["entity_id"]) in found.get(row, ())
    res["seeded_class"] = seeded_class
    stage("recall and alert counts", None)

    # Baselines: the engine alone on a sample of the same screenable rows, warm then cold; rapidfuzz cdist.
    rng = random.Random(seed)
    ok = [c for c in prepared.clients if not c.problems]
    picked = rng.sample(ok, min(sample, len(ok)))
    queries = [Query(c.name, c.type, tuple(c.countries), c.birth_date) for c in picked]
    res["sample_n"] = len(queries)

    def engine_alone(m: Matcher) -> tuple[float, int]:
        s = time.perf_counter()
        hits = sum(1 for q in queries if m.screen(q, BENCHMARK_THRESHOLD, limit=10))
        return time.perf_counter() - s, hits

    res["engine_warm"] = engine_alone(matcher)
    stage(f"engine alone, {len(queries)} rows, warm caches", res["engine_warm"][0])
    records = matcher.records
    matching._MATCHERS.clear()
    del matcher
    _clear_caches()
    s = time.perf_counter()
    fresh = Matcher(records)
    res["rebuild_s"] = time.perf_counter() - s
    res["engine_cold"] = engine_alone(fresh)
    stage(f"engine alone, {len(queries)} rows, cold (fresh Matcher, caches cleared)", res["engine_cold"][0])

    import numpy as np
    from rapidfuzz import fuzz, process

    from screening.engine.normalize import name_key
    keys = [name_key(nm.text) for nm in fresh.names]
    qkeys = [name_key(q.name) for q in queries]
    s = time.perf_counter()
    m = process.cdist(qkeys, keys, scorer=fuzz.token_sort_ratio, workers=1, dtype=np.uint8,
                      score_cutoff=int(BENCHMARK_THRESHOLD * 100))
    res["cdist"] = (time.perf_counter() - s, int((m.max(axis=1) >= BENCHMARK_THRESHOLD * 100).sum()), len(keys))
    stage(f"rapidfuzz cdist, {len(queries)} x {len(keys):,} names", res["cdist"][0])
    res["end_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return res


# --- the report -----------------------------------------------------------------------------------------------

def show(res: dict, rows: int, built: dict) -> None:
    n = res["rows_total"]
    rps = n / res["screen_s"]
    print(f"\nScreening {n:,} client rows against {res['entities']:,} watchlist entities ({res['names']:,} names), "
          f"threshold {res['threshold']:.2f}; {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs")
    for what, secs in built.items():
        print(f"  {what}: " + ("cached" if secs is None else f"built in {secs:.1f} s"))
    print("\n| stage | seconds | RSS after, MB | peak so far, MB |\n|---|---|---|---|")
    for st in res["stages"]:
        secs = "" if st["seconds"] is None else f"{st['seconds']:.1f}"
        print(f"| {st['stage']} | {secs} | {st['rss_mb']:.0f} | {st['hwm_mb']:.0f} |")
    sp = res["split"]
    rest = res["screen_s"] - sum(sp.values())
    eng_rps = res["screened"] / sp["engine"] if sp["engine"] else 0
    wt, wh = res["engine_warm"]
    ct, chh = res["engine_cold"]
    cd_t, cd_h, cd_names = res["cdist"]
    print("\n| measure | figure |\n|---|---|")
    print(f"| rows | {n:,}: {res['screened']:,} screened, {res['not_screened']:,} not screened; "
          f"{res['rows_with_hits']:,} rows with hits, {res['hits']:,} hits; run {res['status']} |")
    print(f"| read + map + validate | {res['read_s']:.1f} s ({n / res['read_s']:,.0f} rows/s) |")
    print(f"| index build | {res['index_s']:.1f} s |")
    print(f"| **screening, pipeline** | **{rps:,.0f} rows/s** ({res['screen_s']:.1f} s) |")
    print(f"| of which engine / evidence / storage / rest | {sp['engine']:.1f} / {sp['evidence']:.1f} / "
          f"{sp['storage']:.1f} / {rest:.1f} s ({sp['engine'] / res['screen_s']:.1%} engine); engine inside the "
          f"pipeline {eng_rps:,.0f} screened rows/s |")
    print(f"| Excel report | {res['report_s']:.1f} s, {res['report_bytes'] / 1e6:.1f} MB |")
    print(f"| JSON export | {res['json_s']:.1f} s, {res['json_bytes'] / 1e6:.1f} MB |")
    print(f"| **peak RSS (up to the JSON export)** | **{res['peak_rss_mb']:.0f} MB** (target < 600) |")
    ns = res["sample_n"]
    print(f"| engine alone, {ns:,} rows, warm caches | {ns / wt:,.0f} rows/s ({wh} with hits) |")
    print(f"| engine alone, same rows, cold (fresh Matcher {res['rebuild_s']:.1f} s, caches cleared) | "
          f"{ns / ct:,.0f} rows/s ({chh} with hits) |")
    print(f"| **ratio pipeline / engine on the same rows** (engine time inside the pipeline / pipeline time) | "
          f"**{sp['engine'] / res['screen_s']:.3f}** |")
    print(f"| ratio pipeline / engine alone on the sample, warm / cold | {rps / (ns / wt):.2f} / "
          f"{rps / (ns / ct):.2f} |")
    print(f"| rapidfuzz cdist token_sort_ratio, {ns:,} x {cd_names:,} names, 1 thread | {ns / cd_t:,.0f} rows/s "
          f"({cd_h} with a score >= {res['threshold'] * 100:.0f}); ratio pipeline / cdist {rps / (ns / cd_t):.3f} |")
    total_hit = sum(h for h, _ in res["recall"].values())
    total = sum(t for _, t in res["recall"].values())
    parts = ", ".join(f"{k} {h}/{t}" for k, (h, t) in res["recall"].items())
    print(f"| **recall of seeded watchlist rows** | **{total_hit / max(1, total):.3f}** ({total_hit}/{total}: "
          f"{parts}; {res['seeded_not_screened']} not screened) |")
    a, p = res["alerts"]
    print(f"| alert rate, other screened rows | {a / max(1, p):.4f} ({a:,}/{p:,}; with a list hit "
          f"{res['alerts_by_source']['list']:,}, a news hit {res['alerts_by_source']['news']:,}) |")
    print(f"| peak RSS at the end (baselines included) | {res['end_peak_rss_mb']:.0f} MB |")
    per_k = 1000 / max(1, n)
    classes = ("sanctions", "pep", "adverse media", "mention")
    print(f"\nAlerts by class (alerting classes: {', '.join(res['alert_classes'])}), per 1,000 rows of {n:,}:")
    print("\n| class | hits | per 1,000 rows | rows with a hit | per 1,000 rows | other rows with a hit (not seeded) |"
          "\n|---|---|---|---|---|---|")
    total_hits = sum(res["class_hits"].get(c, 0) for c in classes)
    for c in classes:
        h, r, p = res["class_hits"].get(c, 0), res["class_rows"].get(c, 0), res["class_rows_plain"].get(c, 0)
        print(f"| {c} | {h:,} | {h * per_k:.2f} | {r:,} | {r * per_k:.2f} | {p:,} ({p * per_k:.2f}) |")
    print(f"| all | {total_hits:,} | {total_hits * per_k:.2f} | {res['rows_with_hits']:,} | "
          f"{res['rows_with_hits'] * per_k:.2f} | {a:,} ({a * per_k:.2f}) |")
    mention = res["class_hits"].get("mention", 0)
    print(f"share of alerts that are mention: {mention / max(1, total_hits):.4f} ({mention:,}/{total_hits:,})")
    rows_named, named = res["named_in_news"]
    print(f"rows also named in news without alerting: {rows_named:,} ({rows_named * per_k:.2f} per 1,000 rows; "
          f"{named:,} news entities)")
    print("seeded rows by the class of their entity: " + ", ".join(f"{c} {res['seeded_class'].get(c, 0)}"
                                                                    for c in classes))
    if res.get("seeded_quiet"):
        print(f"seeded rows whose entity's class does not alert (counted on the row, not alerts): "
              f"{res['seeded_quiet'][0]}")
    if res["missed"]:
        print("seeded rows missed (first 12): " + "; ".join(repr(x) for x in res["missed"]))
    print(f"PEAK_RSS_MB={res['peak_rss_mb']:.0f} ROWS_PER_S={rps:.0f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--sample", type=int, default=2000, help="rows for the engine-alone and cdist baselines")
    ap.add_argument("--keep", metavar="DIR", help="keep the run's database copy, report and JSON in DIR")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the cached watchlist database")
    ap.add_argument("--cold-index", action="store_true", help="screen without the watchlist's index file, so that "
                    "the run builds the index (a run's state right after an import); by default the index file is "
                    "written first by another process (`screening match`), as every later run finds it")
    ap.add_argument("--alert-classes", default="", help="the classes that alert in this run (default: the "
                    "policy's); \"sanctions,pep,adverse media,mention\" alerts on every hit, as before classes")
    ap.add_argument("--child", nargs=4, metavar=("DB", "XLSX", "SEEDS", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        res = child(*args.child, sample=args.sample, seed=args.seed, alert_classes=args.alert_classes or None)
        Path(args.child[3], "result.json").write_text(json.dumps(res))
        return

    sys.path.insert(0, str(ROOT))
    print(f"[{time.strftime('%H:%M:%S')}] watchlist database...", file=sys.stderr, flush=True)
    db_path, db_s = build_watchlist(args.rebuild)
    print(f"[{time.strftime('%H:%M:%S')}] client rows...", file=sys.stderr, flush=True)
    rows, seeded = client_rows(args.rows, args.seed, watchlist_pool(db_path))
    xlsx, x_s = build_workbook(rows)
    del rows
    out = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="screen_batch_", dir=CACHE))
    out.mkdir(parents=True, exist_ok=True)
    run_db = out / "watchlist.db"
    shutil.copyfile(db_path, run_db)
    if not args.cold_index:
        # The index file beside the database, built once per watchlist version by whichever process needs it first.
        t0 = time.perf_counter()
        subprocess.run([str(Path(sys.executable).with_name("screening")), "--db", str(run_db), "match",
                        "index warm-up"], check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
        print(f"[{time.strftime('%H:%M:%S')}] index file written by `screening match` in "
              f"{time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    (out / "seeded.json").write_text(json.dumps(seeded))
    print(f"[{time.strftime('%H:%M:%S')}] screening {xlsx.name} in a fresh process ({db_path.name} copied to "
          f"{run_db})", file=sys.stderr, flush=True)
    try:
        subprocess.run([sys.executable, __file__, "--sample", str(args.sample), "--seed", str(args.seed),
                        "--alert-classes", args.alert_classes,
                        "--child", str(run_db), str(xlsx), str(out / "seeded.json"), str(out)],
                       check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        res = json.loads((out / "result.json").read_text())
        show(res, args.rows, {f"watchlist {db_path.name}": db_s, f"workbook {xlsx.name}": x_s})
    finally:
        if not args.keep:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
