"""The filters of hits as a page's address gives them (the run page, the work queue): read, checked, and every
value that cannot be used named in a message. An unknown filter value is an error shown on the page (400), never
silently ignored; the page still lists the hits of the filters that could be used. Parsing only: what each filter
can be is the store's (``runs.check_hit_filters``)."""
from __future__ import annotations

from screening.store import runs

# Filter -> the address's parameter.
PARAMS = {"alert_class": "class", "risk": "risk", "source": "source", "entity_type": "entity_type",
          "status": "status"}


def hit_filters(db, args, keys=tuple(PARAMS)) -> tuple[dict, list[str]]:
    """The filters ``keys`` from the request's ``args``, each checked: ``(values, problems)``, a value that cannot be
    used being None in ``values`` and named in ``problems``."""
    values, problems = {}, []
    for key in keys:
        raw = (args.get(PARAMS[key]) or "").strip()
        try:
            values.update(runs.check_hit_filters(db, **{key: raw}))
        except runs.HitFilterError as exc:
            values[key] = None
            problems += exc.problems
    return values, problems


def score(args, name: str, problems: list[str]) -> float | None:
    """A score bound (0..1) from the address, or None; a value that is no such number is named in ``problems``."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = None
    if value is None or not 0 <= value <= 1:
        problems.append(f"{name.replace('_', ' ')} must be a number from 0 to 1 (got {raw[:30]!r})")
        return None
    return value


def choice(args, name: str, allowed, default: str, problems: list[str]) -> str:
    """One of ``allowed`` from the address (``default`` when not given); another value is named in ``problems``."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    if raw not in allowed:
        problems.append(f"{name} must be one of: {', '.join(allowed)} (got {raw[:30]!r})")
        return default
    return raw
