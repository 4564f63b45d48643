"""Shared data for the OFAC benchmarks: the SDN list as records, real non-listed names, seeded query variants."""
from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screening.engine.model import ORGANIZATION, PERSON, Record  # noqa: E402
from watchlists.lists import read_ofac_sdn, to_record  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared/data"
SDN = SHARED / "sanctions_lists/ofac_sdn_2021-07/sdn.csv"
SEC = SHARED / "name_matching/company_names_sec/company_tickers.csv"
CONGRESS = [SHARED / "name_matching/person_names_us_congress/legislators-current.csv",
            SHARED / "name_matching/person_names_us_congress/legislators-historical.csv"]


def ofac_records(path: Path = SDN) -> list[Record]:
    return [to_record(e, "ofac-sdn") for e in read_ofac_sdn(path)]


def sec_companies() -> list[str]:
    with open(SEC, encoding="utf-8") as fh:
        return list(dict.fromkeys(r["title"] for r in csv.DictReader(fh) if r["title"].strip()))


def congress_people() -> list[tuple[str, str, str]]:
    """Return (first, last, birthday) of every member of Congress."""
    out = []
    for p in CONGRESS:
        with open(p, encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                if r["first_name"] and r["last_name"]:
                    out.append((r["first_name"], r["last_name"], r.get("birthday") or ""))
    return out


def non_listed(n: int, seed: int = 7) -> list[tuple[str, str]]:
    """Return n real names not on the list: half SEC companies, half members of Congress, as (name, type)."""
    rng = random.Random(seed)
    comps = sec_companies()
    people = list(dict.fromkeys(f"{f} {last}" for f, last, _ in congress_people()))
    rng.shuffle(comps)
    rng.shuffle(people)
    half = n // 2
    return [(c, ORGANIZATION) for c in comps[:half]] + [(p, PERSON) for p in people[: n - half]]


def perturb(name: str, rng: random.Random) -> str:
    """Return a realistic variant: a typo, swapped letters, reordered or dropped words, punctuation or case."""
    words = name.replace(",", " ").split()
    if not words:
        return name
    kind = rng.randrange(6)
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    w = words[longest]
    if kind == 0 and len(w) > 4:                                   # a letter dropped
        i = rng.randrange(1, len(w) - 1)
        words[longest] = w[:i] + w[i + 1:]
    elif kind == 1 and len(w) > 4:                                 # two letters swapped
        i = rng.randrange(1, len(w) - 2)
        words[longest] = w[:i] + w[i + 1] + w[i] + w[i + 2:]
    elif kind == 2 and len(w) > 3:                                 # a vowel changed
        idx = [i for i, ch in enumerate(w) if ch.lower() in "aeiou" and i > 0]
        if idx:
            i = rng.choice(idx)
            words[longest] = w[:i] + rng.choice([v for v in "aeiou" if v != w[i].lower()]) + w[i + 1:]
    elif kind == 3 and len(words) >= 2:                            # words reordered
        rng.shuffle(words)
    elif kind == 4 and len(words) >= 3:                            # a middle word dropped
        del words[rng.randrange(1, len(words) - 1)]
    else:                                                          # case and punctuation
        return name.title().replace(".", "").replace(",", "")
    return " ".join(words)


def synthetic_records(n: int, seed: int = 11) -> list[Record]:
    """Return n synthetic records built from real name parts: Congress first x last names, SEC company words."""
    rng = random.Random(seed)
    people = congress_people()
    firsts = [p[0] for p in people]
    lasts = [p[1] for p in people]
    comp_words = [w for c in sec_companies() for w in c.replace(",", " ").split() if w.isalpha() and len(w) > 2]
    forms = ["Inc", "Ltd", "LLC", "Corp", "Holdings", "Group", "SA", "GmbH", ""]
    out = []
    for i in range(n):
        if i % 2:
            names = (f"{rng.choice(firsts)} {rng.choice(lasts)}",)
            out.append(Record(f"syn{i}", names, PERSON))
        else:
            k = rng.choice((1, 2, 2, 3))
            name = " ".join(rng.choice(comp_words) for _ in range(k)) + " " + rng.choice(forms)
            out.append(Record(f"syn{i}", (name.strip(),), ORGANIZATION))
    return out
