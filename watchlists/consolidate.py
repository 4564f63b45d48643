"""Group one article's mentions into entities, and give each the key that merges it across articles.

Within an article: "Obama" after "Barack Obama" is the same person; "UN" defined as "United Nations (UN)" is the
same organisation, and so is "UN Security Council" / "United Nations Security Council". A company is one entity
whatever legal form, punctuation, "The" or trailing generic word ("Group", "Holdings") its names carry: "Orion
Foods" and "Orion Foods Pte. Ltd." meet on the key "orion foods" (``legal_forms.company_base``), unless their legal
forms conflict (two forms of different countries, "Orion GmbH" / "Orion Ltd"): then they are two entities, and the
reason is kept (``Cluster.note``). Across articles, entities meet on that key and type (organisations checked
again for conflicting forms when stored). A person named only by one word ("Smith") with no fuller name in the
article is ``lone``: kept to its article unless another article's full name is corroborated (decided when stored).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from screening.engine.normalize import name_key
from watchlists import legal_forms
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
    forms: set[str] = field(default_factory=set)  # legal forms of an organisation's names (rigour compare forms)
    note: str = ""      # why it is kept apart from a company of the same name (conflicting legal forms)

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


def org_key(name: str, acronyms: dict[str, str] | None = None) -> tuple[str, frozenset[str]]:
    """The key that makes one entity of an organisation's names, and the legal forms the name carries."""
    company = legal_forms.company_base(name)
    return _expand(company.base, acronyms or {}), company.forms


def cluster(mentions: list[Mention], paragraphs: list[str]) -> list[Cluster]:
    """Group an article's mentions into entities (persons and organisations), in order of first mention."""
    acronyms = _acronyms(paragraphs)
    clusters: list[Cluster] = []
    by_key: dict[tuple[str, str], Cluster] = {}
    orgs: dict[str, list[Cluster]] = {}   # organisations by key: more than one when their legal forms conflict

    def get(etype: str, name: str, key: str) -> Cluster:
        c = by_key.get((etype, key))
        if c is None:
            c = Cluster(etype, name, key)
            by_key[(etype, key)] = c
            clusters.append(c)
        return c

    def get_org(name: str, key: str, forms: frozenset[str]) -> Cluster:
        same = orgs.setdefault(key, [])
        if not forms and same:
            # a name without a form: the company of that name named last ("Orion GmbH ... Orion Ltd ... Orion")
            return max(same, key=lambda c: max((m.paragraph, m.sentence, m.start) for m in c.mentions))
        for c in same:
            if legal_forms.conflict(c.forms, forms) is None:
                return c
        c = Cluster(ORG, name, key)
        if same:
            c.note = "; ".join(f"kept apart from {o.name}: {legal_forms.conflict(o.forms, forms)}" for o in same)
        same.append(c)
        clusters.append(c)
        return c

    persons_full = [m for m in mentions if m.type == PERSON and len(name_key(m.name).split()) > 1]
    for m in mentions:
        key = name_key(m.name)
        if not key:
            continue
        if m.type == ORG:
            okey, forms = org_key(m.name, acronyms)
            c = get_org(m.name, okey, forms)
            c.forms |= forms
            c.mentions.append(m)
            # The fullest form names the entity: "United Nations" over "UN", "Orion Foods Pte. Ltd." over "Orion".
            if len(key) > len(name_key(c.name)):
                c.name = m.name
            continue
        if len(key.split()) > 1:
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
        if len(name_key(m.name)) > len(name_key(c.name)) and name_key(m.name) == c.key:
            c.name = m.name
    for c in clusters:
        if c.type == ORG and c.key in acronyms:
            c.name = acronyms[c.key]
            c.key = org_key(c.name)[0]
    return _merge_same_key(clusters)


def _merge_same_key(clusters: list[Cluster]) -> list[Cluster]:
    """Merge clusters that reached the same key (an acronym resolved to a name also written in full), unless their
    legal forms conflict."""
    out: dict[tuple[str, str], list[Cluster]] = {}
    merged: list[Cluster] = []
    for c in clusters:
        into = next((o for o in out.get((c.type, c.key), []) if legal_forms.conflict(o.forms, c.forms) is None),
                    None)
        if into is None:
            out.setdefault((c.type, c.key), []).append(c)
            merged.append(c)
            continue
        into.mentions.extend(c.mentions)
        into.forms |= c.forms
        if len(c.name) > len(into.name):
            into.name = c.name
    return merged
