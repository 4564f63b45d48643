"""Data for ``screen_scale.py`` (issue 16): a 50,000-name client file and synthetic watchlists of 200,000 and
1,000,000 names, seeded and cached outside the repository.

    python benchmarks/scale_data.py [--sizes 200k,1m]     # write (or find) the cached files and print their paths

- Client names (``clients_csv``): members of the US Congress with first and last names recombined ("First Last",
  "LAST, First", "First M. Last"), real SEC company names as EDGAR spells them and SEC company words recombined with
  a legal form, plus 10% OFAC SDN names and aliases with data-entry typos (``perturbed_data.perturb_name``, typo
  kinds only: a letter substituted, deleted, inserted, or two transposed; 30% of them twice). A CSV the CLI reads:
  ``Customer ID``, ``Customer Name``, ``Type`` (Individual / Company / Vessel / Aircraft), shuffled, so that the first
  N rows are a fair sample of the whole.
- Synthetic list (``synthetic_csv``): half persons (a Congress first name, a middle initial in a quarter of them,
  a Congress last name), half companies (one to three SEC company words and a legal form): many common names,
  as a watchlist built from a year of news has. One name per entry, every name distinct (by ``name_key``). The
  200,000-name list is the first 200,000 entries of the 1,000,000-name one. A generic CSV official list
  (``screening watchlist import FILE --format csv``): ``id``, ``name``, ``type``, ``programs``.

Files go to ``$SCREENING_BENCH_CACHE`` (default ``~/.cache/screening-bench``), never into the repository; their
names carry the recipe's version, the seed and the size, so a changed recipe writes new files.
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ofac_data import CONGRESS, SDN, ofac_records, sec_companies  # noqa: E402
from perturbed_data import TYPOS, name_changes, perturb_name  # noqa: E402

from screening.engine.model import AIRCRAFT, ORGANIZATION, PERSON, VESSEL  # noqa: E402
from screening.engine.normalize import name_key  # noqa: E402

RECIPE = "v1"                 # bump when a recipe below changes: the cached files are named after it
CACHE = Path(os.environ.get("SCREENING_BENCH_CACHE", Path.home() / ".cache/screening-bench"))
CLIENTS = 50_000
OFAC_SHARE = 0.10             # client rows taken from OFAC SDN names and aliases, with typos
SIZES = {"200k": 200_000, "1m": 1_000_000}
LEGAL_FORMS = ["Inc", "Inc.", "Ltd", "LLC", "Corp", "Corporation", "Holdings", "Group", "SA", "GmbH", "PLC", "AG",
               "Co", ""]
CLIENT_TYPE = {PERSON: "Individual", ORGANIZATION: "Company", VESSEL: "Vessel", AIRCRAFT: "Aircraft"}


def _congress_parts() -> tuple[list[str], list[str]]:
    """Return the first and last names of every member of Congress (with repeats: common names come up often)."""
    firsts, lasts = [], []
    for path in CONGRESS:
        with open(path, encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                if r["first_name"].strip() and r["last_name"].strip():
                    firsts.append(r["first_name"].strip())
                    lasts.append(r["last_name"].strip())
    return firsts, lasts


# Legal forms and function words of SEC names: a recombined company name should not start "Inc Ltd" or "For Corp".
_NOT_NAME_WORDS = frozenset({"inc", "corp", "ltd", "llc", "plc", "lp", "llp", "co", "the", "and", "for", "of",
                             "com", "del", "des", "les", "holdings", "group", "corporation", "company"})


def _company_words() -> list[str]:
    """Return the words of SEC company names (letters only, 3 or more, no legal forms), with repeats."""
    return [w for c in sec_companies() for w in c.replace(",", " ").split()
            if w.isalpha() and len(w) > 2 and w.casefold() not in _NOT_NAME_WORDS]


def _person(rng: random.Random, firsts: list[str], lasts: list[str], styles: bool) -> str:
    first, last = rng.choice(firsts), rng.choice(lasts)
    r = rng.random()
    if styles and r < 0.2:
        return f"{last.upper()}, {first}"                 # as banks' exports often write them
    if r > 0.75:
        return f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}"
    return f"{first} {last}"


def _company(rng: random.Random, words: list[str]) -> str:
    k = rng.choice((1, 2, 2, 3))
    return " ".join([*(rng.choice(words) for _ in range(k)), rng.choice(LEGAL_FORMS)]).strip()


# --- client names -----------------------------------------------------------------------------------------------

def client_rows(n: int = CLIENTS, seed: int = 1) -> list[tuple[str, str, str]]:
    """Return n client rows (customer id, name, type word), shuffled: the first rows are a fair sample."""
    rng = random.Random(seed)
    firsts, lasts = _congress_parts()
    words = _company_words()
    real_companies = sec_companies()
    typos = {k: f for k, f in name_changes([]).items() if k in TYPOS}
    listed = [(name, r.type) for r in ofac_records(SDN) for name in r.names]
    n_ofac = round(n * OFAC_SHARE)
    rows: list[tuple[str, str]] = []
    for _ in range(n_ofac):
        name, etype = rng.choice(listed)
        rows.append((perturb_name(name, rng, typos)[0], CLIENT_TYPE.get(etype, "Company")))
    rest = n - n_ofac
    for i in range(rest):
        if i % 2:
            rows.append((_person(rng, firsts, lasts, styles=True), "Individual"))
        elif rng.random() < 0.3:
            rows.append((rng.choice(real_companies), "Company"))
        else:
            rows.append((_company(rng, words), "Company"))
    rng.shuffle(rows)
    return [(f"C{i:06d}", name, kind) for i, (name, kind) in enumerate(rows, start=1)]


def clients_csv(n: int = CLIENTS, seed: int = 1) -> Path:
    """Return the cached client file of n rows (written if missing)."""
    path = CACHE / f"clients-{RECIPE}-s{seed}-{n}.csv"
    if not path.exists():
        _write(path, ["Customer ID", "Customer Name", "Type"], client_rows(n, seed))
    return path


def client_sample(n: int, seed: int = 1) -> Path:
    """Return a cached client file of the first n rows of the full client file (a seeded sample)."""
    full = clients_csv(seed=seed)
    if n >= CLIENTS:
        return full
    path = CACHE / f"clients-{RECIPE}-s{seed}-first{n}.csv"
    if not path.exists():
        with open(full, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        _write(path, rows[0], rows[1:n + 1])
    return path


# --- synthetic watchlists ---------------------------------------------------------------------------------------

def synthetic_entries(seed: int = 2) -> Iterator[tuple[str, str, str]]:
    """Yield (id, name, type) without end: alternately a person and a company, every name distinct by name_key."""
    rng = random.Random(seed)
    firsts, lasts = _congress_parts()
    words = _company_words()
    seen: set[str] = set()
    i = 0
    while True:
        person = i % 2 == 0
        name = _person(rng, firsts, lasts, styles=False) if person else _company(rng, words)
        key = name_key(name)
        if key in seen:
            continue                  # the next draw takes the same kind again
        seen.add(key)
        i += 1
        yield f"SYN-{i:07d}", name, PERSON if person else ORGANIZATION


def synthetic_csv(n: int, seed: int = 2) -> Path:
    """Return the cached synthetic list of n names as a generic CSV official list (written if missing)."""
    path = CACHE / f"synthetic-{RECIPE}-s{seed}-{n}.csv"
    if not path.exists():
        entries = synthetic_entries(seed)
        _write(path, ["id", "name", "type", "programs"],
               ((eid, name, etype, "SYNTHETIC") for eid, name, etype in (next(entries) for _ in range(n))))
    return path


def synthetic_names(path: Path) -> list[str]:
    """Return the names of a synthetic list file, in order."""
    with open(path, encoding="utf-8", newline="") as fh:
        return [r["name"] for r in csv.DictReader(fh)]


def _write(path: Path, header: list[str], rows) -> None:
    """Write a CSV beside its final name and rename it into place (an interrupted run leaves no half file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    os.replace(tmp, path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="200k,1m", help="synthetic list sizes to write (200k, 1m)")
    args = ap.parse_args()
    print(clients_csv())
    for size in filter(None, args.sizes.split(",")):
        print(synthetic_csv(SIZES[size]))


if __name__ == "__main__":
    main()
