"""Client files as they come: column detection over many header layouts, and rows screened in messy files.

    python benchmarks/client_columns.py [--layouts tests/fixtures/clients/header_layouts.json] [--errors]

1. For every layout of the header-layout corpus (CRM exports, onboarding templates, payee and vendor lists, in
   several languages; written by hand, see tests/fixtures/clients/header_layouts.md), builds the rows as the file
   would hold them (title rows, header, data), runs ``detect_mapping`` without overrides and compares each field
   with the column a careful analyst would map. Prints the accuracy of the name column (the one that decides what
   is screened), of each other field, and of whole layouts.
2. Screens each messy client fixture (tests/fixtures/clients/crm_extract.xlsx and .csv) against the bundled sample
   plus the fixture sanctions list, in a temporary database, and prints how many rows hold a usable name, how many
   were screened, and how many of the known sanctioned rows hit their list entry.

Reads only committed fixtures: runs anywhere, no ../shared needed.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from screening.files.columns import FIELDS, detect_mapping  # noqa: E402
from screening.service import (
    ingest,
    screen,  # noqa: E402
)
from screening.store import db as dbmod  # noqa: E402
from screening.store import runs
from screening.store import watchlist as store  # noqa: E402
from watchlists import lists

FIXTURES = ROOT / "tests" / "fixtures"


def layout_rows(layout: dict) -> list[tuple[int, list]]:
    rows, n = [], 0
    for line in layout.get("title_rows") or []:
        n += 1
        rows.append((n, [line]))
    n += 1
    rows.append((n, list(layout["headers"])))
    for cells in layout["rows"]:
        n += 1
        if any(c not in (None, "") for c in cells):
            rows.append((n, list(cells)))
    return rows


def detected(layout: dict) -> dict:
    m = detect_mapping(layout_rows(layout), None, layout["source"])
    out = {f: m.headers[i] for f, i in m.columns.items()}
    out["country"] = [m.headers[i] for i in m.all_columns("country")]
    return out


def expected(layout: dict) -> dict:
    exp = dict(layout["expected"])
    exp["country"] = list(exp.get("country") or [])
    return {f: exp.get(f) or ([] if f == "country" else None) for f in FIELDS}


def bench_layouts(path: Path, show_errors: bool) -> None:
    layouts = json.loads(path.read_text(encoding="utf-8"))
    right = {f: 0 for f in FIELDS}
    whole = 0
    errors = []
    t = time.perf_counter()
    for layout in layouts:
        try:
            got = detected(layout)
        except ValueError as exc:
            got = {"error": str(exc)}
        exp = expected(layout)
        ok_all = True
        for f in FIELDS:
            g = got.get(f) or ([] if f == "country" else None)
            if (sorted(g) == sorted(exp[f])) if f == "country" else g == exp[f]:
                right[f] += 1
            else:
                ok_all = False
                errors.append(f"  {layout['source']}: {f}: got {g!r}, expected {exp[f]!r}")
        whole += ok_all
    elapsed = time.perf_counter() - t
    n = len(layouts)
    print(f"Header layouts: {n} ({path.relative_to(ROOT)}), {elapsed * 1000 / n:.1f} ms per layout")
    print(f"  name column right: {right['name']}/{n} ({right['name'] / n:.1%})")
    for f in FIELDS[1:]:
        print(f"  {f:<11} right: {right[f]}/{n} ({right[f] / n:.1%})")
    print(f"  every field right: {whole}/{n} ({whole / n:.1%})")
    if show_errors and errors:
        print("Differences:")
        print("\n".join(errors))


def bench_messy(files: list[Path]) -> None:
    expect = json.loads((FIXTURES / "clients" / "crm_extract_expected.json").read_text(encoding="utf-8"))
    sanctioned = {int(r): name for r, name in expect["sanctioned_rows"].items()}
    with tempfile.TemporaryDirectory() as tmp:
        db = dbmod.connect(Path(tmp) / "bench.db")
        ingest.ingest_sample(db)
        listfile = FIXTURES / "lists" / "crm_sanctions.csv"
        store.import_list(db, lists.read_list(listfile, "csv"), name="crm-sanctions", fmt="csv",
                          file_name=listfile.name, sha256=lists.files_sha256([listfile]))
        print("Messy client files (against the sample article plus tests/fixtures/lists/crm_sanctions.csv):")
        print(f"  {'file':<18} {'rows':>5} {'with name':>9} {'screened':>8} {'notes':>5}  sanctioned found")
        for path in files:
            prepared = screen.prepare(path)
            run_id = screen.screen(db, prepared, actor="bench")
            run = runs.get_run(db, run_id)
            hits = {}
            for h in runs.iter_hits(db, run_id):
                hits.setdefault(h["row"], set()).add(h["entity_name"])
            found = sum(1 for r, name in sanctioned.items() if name in hits.get(r, ()))
            with_name = sum(1 for c in prepared.clients if not c.problems)
            print(f"  {path.name:<18} {run['rows_total']:>5} {with_name:>9} {run['screened']:>8} "
                  f"{run['rows_with_notes']:>5}  {found}/{len(sanctioned)}")
        db.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--layouts", type=Path, default=FIXTURES / "clients" / "header_layouts.json")
    ap.add_argument("--errors", action="store_true", help="print every field detected differently")
    args = ap.parse_args()
    bench_layouts(args.layouts.resolve(), args.errors)
    bench_messy([FIXTURES / "clients" / "crm_extract.xlsx", FIXTURES / "clients" / "crm_extract.csv"])


if __name__ == "__main__":
    main()
