"""A stored run as JSON: ``{"run": {...}, "rows": [{row, status, ..., "hits": [...]}, ...]}``, streamed."""
from __future__ import annotations

import json
from typing import Iterable, TextIO

_CLIENT_FIELDS = ("row", "client_id", "client_name")      # on the row already; not repeated on each hit


def write_run(out: TextIO, run: dict, rows_with_hits: Iterable[tuple[dict, list[dict]]]) -> None:
    """Write the run, then its rows in file order each with its hits, one row at a time (constant memory)."""
    out.write('{"run": ' + json.dumps(run, ensure_ascii=False) + ',\n "rows": [')
    for i, (row, hits) in enumerate(rows_with_hits):
        row["hits"] = [{k: v for k, v in h.items() if k not in _CLIENT_FIELDS} for h in hits]
        out.write(("\n  " if i == 0 else ",\n  ") + json.dumps(row, ensure_ascii=False))
    out.write("\n ]}\n")
