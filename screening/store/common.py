"""Small helpers every table module shares: the time as stored, and JSON columns read back."""
from __future__ import annotations

import json
from datetime import datetime, timezone


def now_iso(timespec: str = "seconds") -> str:
    """The current UTC time in ISO 8601 ("2026-12-04T07:43:25+00:00"), as every table stores times."""
    return datetime.now(timezone.utc).isoformat(timespec=timespec)


def decoded(row, json_columns, lenient: bool = False) -> dict:
    """A row as a dict, its JSON columns parsed (``lenient``: a column that is not JSON stays as text)."""
    out = dict(row)
    for col in json_columns:
        if isinstance(out.get(col), str):
            try:
                out[col] = json.loads(out[col])
            except ValueError:
                if not lenient:
                    raise
    return out
