"""Group one article's mentions into entities, and give each the key that merges it across articles.

Within an article: "Obama" after "Barack Obama" is the same person; "UN" defined as "United Nations (UN)" is the
same organisation, and so is "UN Security Council" / "United Nations Security Council". Across articles, entities
meet on the normalised full name and type. A person named only by one word ("Smith") is kept to its article:
two articles that merely share a surname are not one person.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from screening.engine.normalize import name_key
from watchlists.extract import ORG, PERSON, Mention

_ACRONYM_DEF = re.compile(r"([A-Z][\w&.\-]*(?:\s+(?:of|and|for|the|de|du|&|[A-Z][\w&.\-]*))*\s+[A-Z][\w&.\-]*)"
                          r"\s*\(\s*([A-Z][A-Z.&]{1,9})\s*\)")


@dataclass
class Cluster:
    """One entity as one article names it."""

    type: str
    name: str
    key: str
    mentions: list[Mention] = field(default_factory=list)
    lone: bool = False  # a one-word person name with no fuller form in the article

    @property
    def aliases(self) -> list[str]:
        return list(dict.fromkeys(m.name for m in self.mentions))


def _acronyms(paragraphs: list[str]) -> dict[str, str]:
    found = {}
    for text in paragraphs:
        for m in _ACRONYM_DEF.finditer(text):
            long, short = m.group(1), m.group(2).replace(".", "")
            long = re.sub(r"^(?:the|The)\s+", "", long)
            initials = "".join(w[0] for w in long.split() if w[:1].isupper())
            if initials.endswith(short) or short[0] == long[0]:
                # keep only the words that spell the acronym: "meeting of the United Nations" -> "United Nations"
                words = long.split()
                while len(words) > len(short) and words[0][0] != short[0]:
                    words.pop(0)
                found[short.lower()] = " ".join(words)
    return found


def _expand(key: str, acronyms: dict[str, str]) -> str:
    return " ".join(name_key(acronyms[t]) if t in acronyms else t for t in key.split())


def cluster(mentions: list[Mention], paragraphs: list[str]) -> list[Cluster]:
    """Group an article's mentions into entities (persons and organisations), in order of first mention."""
    acronyms = _acronyms(paragraphs)
    clusters: list[Cluster] = []
    by_key: dict[tuple[str, str], Cluster] = {}

    def get(etype: str, name: str, key: str) -> Cluster:
        c = by_key.get((etype, key))
        if c is None:
            c = Cluster(etype, name, key)
            by_key[(etype, key)] = c
            clusters.append(c)
        return c

    persons_full = [m for m in mentions if m.type == PERSON and len(name_key(m.name).split()) > 1]
    for m in mentions:
        key = name_key(m.name)
        if not key:
            continue
        if m.type == ORG:
            c = get(ORG, m.name, _expand(key, acronyms))
        elif len(key.split()) > 1:
            c = get(PERSON, m.name, key)
        else:
            # A one-word name joins the full name that contains it, the nearest one before it first.
            candidates = [f for f in persons_full if key in name_key(f.name).split()]
            before = [f for f in candidates if (f.paragraph, f.sentence) <= (m.paragraph, m.sentence)]
            pick = (before or candidates)
            if pick:
                full = pick[-1] if before else pick[0]
                c = get(PERSON, full.name, name_key(full.name))
            else:
                c = get(PERSON, m.name, key)
                c.lone = True
        c.mentions.append(m)
        # The fullest form names the entity: "United Nations" over "UN", "Barack Obama" over "Obama".
        if len(name_key(m.name)) > len(name_key(c.name)) and _expand(name_key(m.name), acronyms) == c.key:
            c.name = m.name
    for c in clusters:
        if c.type == ORG and c.key.upper().replace(" ", "") in {k.upper() for k in acronyms} \
                and c.key in acronyms:
            c.name = acronyms[c.key]
            c.key = name_key(c.name)
    return _merge_same_key(clusters)


def _merge_same_key(clusters: list[Cluster]) -> list[Cluster]:
    out: dict[tuple[str, str], Cluster] = {}
    for c in clusters:
        k = (c.type, c.key)
        if k in out:
            out[k].mentions.extend(c.mentions)
            if len(c.name) > len(out[k].name):
                out[k].name = c.name
        else:
            out[k] = c
    return list(out.values())
