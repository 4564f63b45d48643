"""Two checkouts of the engine on the same client rows, one after the other: time per row and every hit compared.

    python benchmarks/compare_engines.py OLD_CHECKOUT [NEW_CHECKOUT] [--size ofac|200k|1m] [--rows 3000]

Each checkout runs in a child process with that checkout first on ``sys.path`` (``git worktree add /tmp/old REV``
gives one): the ``Matcher`` is built from the list files of ``screen_scale.py`` (OFAC SDN 2021-07, plus the
synthetic names for 200k and 1m), then ``Matcher.screen`` runs for each of the first ROWS client rows at the
benchmark threshold with no limit. Printed: build time, ms per row, hits, and every row whose hits (record ids and
scores) differ, with the hits lost and found. NEW_CHECKOUT defaults to this checkout. The children run one after
the other, so a machine that gets busier in between shows as a difference of speed: run it twice.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys, time
root, bench, size, rows, out = sys.argv[1:6]
sys.path[:0] = [root, bench]
# The checkout's own modules first: the data helpers below put this checkout's root on sys.path again.
import screening.engine.index, screening.engine.model, screening.engine.pairs, watchlists.lists  # noqa: E401
assert screening.engine.index.__file__.startswith(root), screening.engine.index.__file__
import screen_scale as S
records = S.ofac_records(S.SDN)
if size != "ofac":
    records += [S.to_record(e, "synthetic") for e in S.read_csv(S.synthetic_csv(S.SIZES[size]))]
t = time.perf_counter()
m = S.Matcher(records)
build = time.perf_counter() - t
clients = S.client_names(S.client_sample(int(rows)))[:int(rows)]
found = []
t = time.perf_counter()
for name, kind in clients:
    r = m.screen(S.Query(name=name, type=S.CLIENT_TYPES.get(kind.casefold(), S.UNKNOWN)), S.BENCHMARK_THRESHOLD, None)
    found.append([[x.record_id, round(x.score, 6)] for x in r] if isinstance(r, list) else None)
screen = time.perf_counter() - t
json.dump({"build_s": build, "screen_s": screen, "rows": clients, "found": found}, open(out, "w"))
"""


def run(root: Path, size: str, rows: int) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run([sys.executable, "-c", CHILD, str(root), str(ROOT / "benchmarks"), size, str(rows), out.name],
                       check=True, cwd=root)
        return json.loads(Path(out.name).read_text())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path, nargs="?", default=ROOT)
    ap.add_argument("--size", choices=("ofac", "200k", "1m"), default="ofac")
    ap.add_argument("--rows", type=int, default=3000)
    ap.add_argument("--show", type=int, default=10, help="rows with differences to print")
    args = ap.parse_args()
    res = {}
    for label, root in (("old", args.old), ("new", args.new)):
        r = res[label] = run(root.resolve(), args.size, args.rows)
        hits = sum(len(f or []) for f in r["found"])
        print(f"{label} {root}: build {r['build_s']:.1f} s, {1000 * r['screen_s'] / args.rows:.2f} ms/row, {hits} hits")
    lost = found = differ = 0
    for (name, _), a, b in zip(res["old"]["rows"], res["old"]["found"], res["new"]["found"]):
        a, b = dict(map(tuple, a or [])), dict(map(tuple, b or []))
        if a != b:
            differ += 1
            gone = {k: v for k, v in a.items() if b.get(k) != v}
            new = {k: v for k, v in b.items() if a.get(k) != v}
            lost += len(gone)
            found += len(new)
            if differ <= args.show:
                print(f"  {name!r}: lost {gone or '-'}; found {new or '-'}")
    ratio = res["old"]["screen_s"] / res["new"]["screen_s"]
    print(f"rows differing: {differ} of {args.rows}; hits lost {lost}, found {found}; speed new / old {ratio:.2f}x")


if __name__ == "__main__":
    main()
