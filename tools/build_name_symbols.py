"""Build ``screening/engine/data/rigour_name_symbols.tsv.gz``: rigour's person-name symbols of every single word.

    python tools/build_name_symbols.py [--out PATH]

The engine gives each word of a name the NAME and NICK symbols that rigour's person-name tagger finds on that word
alone (Muammar / Moammar share a Wikidata id, Bill / William a nickname group). The tagger costs about 260 MB and
several seconds of start-up in every process; the words it knows are a fixed list, so this script asks it once,
for every word that can carry a symbol, and writes the answers as a table the engine reads instead.

1. Read the alias data of the installed rigour: its Rust core embeds the person-names corpus
   (``"alias, alias, ... => Q123"`` lines, from Wikidata) and its symbol lists (``person_nick``,
   ``person_name_parts``...) as zstd-compressed frames; the ``zstd`` command decompresses them.
2. The candidates are every word of every alias as the tagger normalises it (casefold, then rigour's
   ``tokenize_name``), kept when it is made of ``a-z0-9`` only: the engine's words are ASCII, so only such an
   alias can ever equal one of them.
3. Each candidate is tagged by rigour itself, exactly as ``screening.engine.normalize`` used to do per word
   (``analyze_names(PER, [word], ...)``, single-word NAME and NICK spans), and kept when it has a symbol.

The output is gzip-compressed (fixed mtime, so a rebuild from the same rigour is byte-identical): a header line
``# rigour <version> ...`` then ``word<TAB>symbol symbol...`` lines sorted by word. ``tests/test_name_symbols.py``
checks the header against the installed rigour and the table against the tagger.
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import rigour._core
from rigour.names import NameTypeTag, analyze_names, tokenize_name

OUT = Path(__file__).resolve().parent.parent / "screening" / "engine" / "data" / "rigour_name_symbols.tsv.gz"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
ENGINE_WORD = re.compile(r"^[a-z0-9]+$")     # the engine's words (normalize._SPLIT keeps only these letters)
SYMBOL_SECTIONS = ("person_symbols", "person_name_parts", "person_nick")


def embedded_frames(binary: Path) -> list[str]:
    """Return the zstd frames embedded in rigour's compiled core that decompress to UTF-8 text."""
    if shutil.which("zstd") is None:
        sys.exit("the zstd command is needed to read rigour's embedded data (apt-get install zstd)")
    data = binary.read_bytes()
    starts = [m.start() for m in re.finditer(re.escape(ZSTD_MAGIC), data)]
    out = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(data)
        # zstd stops at the end of the frame and complains about what follows it: the frame itself is on stdout.
        res = subprocess.run(["zstd", "-d", "-c", "-q"], input=data[start:end], capture_output=True)
        try:
            text = res.stdout.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if text:
            out.append(text)
    return out


def alias_lists(frames: list[str]) -> list[str]:
    """Return every alias of rigour's person tagger data: the person-names corpus and the person symbol lists."""
    aliases: list[str] = []
    corpus = symbols = False
    for text in frames:
        if " => Q" in text[:2000]:
            corpus = True
            for line in text.splitlines():
                forms, sep, _ = line.strip().rpartition(" => ")
                if sep:
                    aliases.extend(forms.split(", "))
        elif text.lstrip().startswith("{") and '"person_nick"' in text:
            symbols = True
            data = json.loads(text)
            for section in SYMBOL_SECTIONS:
                for forms in data[section].values():
                    aliases.extend(forms)
    if not (corpus and symbols):
        sys.exit("rigour's person-names corpus or symbol lists not found in its compiled core: "
                 "this rigour release stores them differently, update this script")
    return aliases


def candidates(aliases: list[str]) -> set[str]:
    """Return every ASCII word of the aliases, normalised as the tagger normalises its aliases."""
    out: set[str] = set()
    for alias in aliases:
        for variant in {alias.casefold(), alias.lower()}:
            out.update(t for t in tokenize_name(variant) if ENGINE_WORD.match(t))
    return out


def tagger_symbols(word: str) -> list[str]:
    """Return rigour's NAME and NICK symbols of a word alone (``"name:Q123"``, ``"nick:BILL"``), sorted."""
    names = analyze_names(NameTypeTag.PER, [word], phonetics=False, numerics=False, consolidate=False)
    out = set()
    for n in names:
        for span in n.spans:
            cat = span.symbol.category.value
            if cat in ("NAME", "NICK") and len(span.parts) == 1:
                out.add(f"{cat.lower()}:{span.symbol.id}")
    return sorted(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    t0 = time.perf_counter()
    aliases = alias_lists(embedded_frames(Path(rigour._core.__file__)))
    words = candidates(aliases)
    print(f"{len(aliases):,} aliases, {len(words):,} candidate words ({time.perf_counter() - t0:.0f} s)")
    rows = []
    for word in sorted(words):
        syms = tagger_symbols(word)
        if syms:
            rows.append(f"{word}\t{' '.join(syms)}\n")
    header = (f"# rigour {version('rigour')}: NAME and NICK symbols of single words from its person-name tagger "
              f"(tools/build_name_symbols.py)\n")
    raw = (header + "".join(rows)).encode("ascii")
    args.out.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    print(f"{len(rows):,} words with symbols -> {args.out} ({args.out.stat().st_size / 1e6:.1f} MB, "
          f"{time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
