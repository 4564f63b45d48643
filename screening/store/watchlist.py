"""Storage functions of the watchlist: each takes the database as its first argument.

Writes go through ``screening.db.transaction``: one article, with its entities, aliases and mentions, is stored
whole or not at all. Reads return plain dicts, with JSON columns decoded.
"""
from __future__ import annotations

import getpass
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlite_utils

from screening.engine.model import UNKNOWN, Record
from screening.engine.normalize import name_key
from screening.store import audit
from screening.store.common import decoded, now_iso
from screening.store.db import transaction
from watchlists import functions as pep
from watchlists import legal_forms
from watchlists import relevance as rel
from watchlists import risk, roles
from watchlists.errors import EntityNotFound
from watchlists.lists import SANCTIONS_FORMATS, ListError, Provenance

_JSON_COLS = ("countries", "risk_categories", "triggers", "stage_words", "credits", "birth_dates", "programs",
              "addresses", "functions", "country_hints")


def _decode(row: dict) -> dict:
    return decoded(row, _JSON_COLS, lenient=True)


# --- versions -----------------------------------------------------------------------------------------------

def current_version(db: sqlite_utils.Database) -> int:
    """Return the watchlist version: the number of the last import that changed it (0 when empty)."""
    row = db.execute("SELECT max(version) FROM watchlist_versions").fetchone()
    return row[0] or 0


def new_version(db: sqlite_utils.Database, kind: str, description: str, actor: str | None) -> int:
    """Record a new watchlist version (inside the caller's transaction) and return its number."""
    cur = db.execute(
        "INSERT INTO watchlist_versions (created_at, kind, description, actor, articles_added, articles_linked,"
        " entities_added, mentions_added) VALUES (?, ?, ?, ?, 0, 0, 0, 0)",
        [now_iso(), kind, description, actor],
    )
    audit.record(db, actor or "", "watchlist.version", "watchlist_version", cur.lastrowid,
                 {"kind": kind, "description": description})
    return cur.lastrowid


def versions(db: sqlite_utils.Database) -> list[dict]:
    """List the watchlist versions, newest first."""
    return [dict(r) for r in db.query("SELECT * FROM watchlist_versions ORDER BY version DESC")]


# --- articles -----------------------------------------------------------------------------------------------

def find_duplicate(db: sqlite_utils.Database, url: str | None, text_hash: str) -> dict | None:
    """Return the stored article with the same normalised text or URL, if any."""
    row = next(db.query("SELECT id, title, url FROM articles WHERE text_hash = ?", [text_hash]), None)
    if row:
        return {**row, "reason": "same text"}
    if url:
        row = next(db.query("SELECT id, title, url FROM articles WHERE url = ?", [url]), None)
        if row:
            return {**row, "reason": "same URL"}
    return None


def near_copy_candidates(db: sqlite_utils.Database, band_keys: list[str]) -> list[dict]:
    """Return the stored original articles that share an LSH band with the given keys."""
    if not band_keys:
        return []
    marks = ",".join("?" * len(band_keys))
    return [dict(r) for r in db.query(
        f"SELECT DISTINCT a.id, a.title, a.text FROM article_bands b JOIN articles a ON a.id = b.article_id "
        f"WHERE b.band IN ({marks}) AND a.duplicate_of IS NULL", band_keys)]


def insert_article(db: sqlite_utils.Database, version: int, article: dict, band_keys: list[str]) -> int:
    """Store an article row (and its LSH bands, unless it is a linked copy); return its id."""
    cols = ["url", "title", "source", "author", "site", "published", "language", "text", "text_hash",
            "file_name", "format", "credits", "duplicate_of", "similarity"]
    values = [article.get(c) for c in cols]
    values[cols.index("credits")] = json.dumps(article.get("credits") or [])
    cur = db.execute(
        f"INSERT INTO articles ({', '.join(cols)}, version, added_at) VALUES ({', '.join('?' * len(cols))}, ?, ?)",
        values + [version, now_iso()],
    )
    article_id = cur.lastrowid
    if article.get("duplicate_of") is None:
        db.conn.executemany("INSERT OR IGNORE INTO article_bands (band, article_id) VALUES (?, ?)",
                            [(b, article_id) for b in band_keys])
    return article_id


def get_article(db: sqlite_utils.Database, article_id: int) -> dict | None:
    """Return one article row, or None."""
    row = next(db.query("SELECT * FROM articles WHERE id = ?", [article_id]), None)
    return _decode(row) if row else None


def articles(db: sqlite_utils.Database, limit: int = 100, offset: int = 0) -> list[dict]:
    """List articles, newest first, without their text."""
    return [_decode(r) for r in db.query(
        "SELECT id, url, title, source, published, file_name, duplicate_of, similarity, version, added_at, credits "
        "FROM articles ORDER BY id DESC LIMIT ? OFFSET ?", [limit, offset])]


# --- entities -----------------------------------------------------------------------------------------------

def upsert_entity(db: sqlite_utils.Database, version: int, etype: str, name: str, key: str,
                  scope: str = "") -> tuple[int, bool]:
    """Return the id of the entity with this key, type and scope, creating it if needed; and whether it is new."""
    row = db.execute("SELECT id FROM entities WHERE name_key = ? AND type = ? AND scope = ?",
                     [key, etype, scope]).fetchone()
    if row:
        return row[0], False
    cur = db.execute(
        "INSERT INTO entities (name, name_key, type, scope, role, countries, risk_categories, relevance, "
        "mention_count, source_count, first_version, updated_version, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, '[]', '[]', 0, 0, 0, ?, ?, ?, ?)",
        [name, key, etype, scope, roles.SUBJECT, version, version, now_iso(), now_iso()],
    )
    return cur.lastrowid, True


def upsert_organization(db: sqlite_utils.Database, version: int, name: str, key: str,
                        forms: frozenset[str] | set[str]) -> tuple[int, bool]:
    """Return the id of the news organisation this company name belongs to, creating it if needed; and whether it
    is new.

    Names meet on ``key`` (the name without legal form or generic words, ``consolidate.org_key``) unless their legal
    forms conflict (``legal_forms.conflict``: forms of different countries). A company that conflicts with every
    stored one of its key becomes an entity of its own (scope ``form:<forms>``), and both sides say why in ``note``.
    """
    rows = db.execute("SELECT id, name FROM entities WHERE name_key = ? AND type = 'organization' AND origin = "
                      "'news' AND (scope = '' OR scope LIKE 'form:%') ORDER BY id", [key]).fetchall()
    apart = []
    for eid, ename in rows:
        why = legal_forms.conflict(organization_forms(db, eid, ename), frozenset(forms))
        if why is None:
            return eid, False
        apart.append((eid, ename, why))
    scope = f"form:{legal_forms.form_label(forms)}" if apart else ""
    eid, _ = upsert_entity(db, version, "organization", name, key, scope)
    for other, oname, why in apart:
        add_note(db, eid, f"kept apart from entity {other} ({oname}): {why}")
        add_note(db, other, f"kept apart from entity {eid} ({name}): {why}")
    return eid, True


def organization_forms(db: sqlite_utils.Database, entity_id: int, name: str | None = None) -> frozenset[str]:
    """The legal forms an organisation's stored names carry."""
    names = [r[0] for r in db.execute("SELECT alias FROM aliases WHERE entity_id = ?", [entity_id])]
    return frozenset().union(*(legal_forms.company_base(n).forms for n in names + ([name] if name else [])))


def add_note(db: sqlite_utils.Database, entity_id: int, note: str) -> None:
    """Add a line to an entity's consolidation note (why it is kept apart), once."""
    old = db.execute("SELECT note FROM entities WHERE id = ?", [entity_id]).fetchone()[0] or ""
    if note not in old.split("\n"):
        db.execute("UPDATE entities SET note = ? WHERE id = ?", [f"{old}\n{note}" if old else note, entity_id])


def set_unscreened(db: sqlite_utils.Database, entity_id: int, reason: str | None) -> None:
    """Keep an entity out of screening, with the reason (None: screen it again); it stays in searches by name."""
    db.execute("UPDATE entities SET unscreened = ? WHERE id = ?", [reason, entity_id])


def person_word_index(db: sqlite_utils.Database) -> dict[tuple[str, str], set[int]]:
    """Map ("first", word) and ("last", word) of every full (several-word) name of a news person to the person's
    ids: where a one-word name of another article can look for the full name it may stand for."""
    index: dict[tuple[str, str], set[int]] = {}
    for eid, key in db.execute("SELECT a.entity_id, a.alias_key FROM aliases a JOIN entities e ON e.id = "
                               "a.entity_id WHERE e.type = 'person' AND e.origin = 'news' AND e.scope = ''"):
        add_person_words(index, eid, key)
    return index


def add_person_words(index: dict[tuple[str, str], set[int]], entity_id: int, key: str | None) -> None:
    """Add a person's full name (a name key) to ``person_word_index``'s map."""
    words = (key or "").split()
    if len(words) > 1:
        index.setdefault(("first", words[0]), set()).add(entity_id)
        index.setdefault(("last", words[-1]), set()).add(entity_id)


def corroboration(db: sqlite_utils.Database, entity_id: int, organization_ids: list[int],
                  countries: set[str]) -> str | None:
    """Why a one-word name of an article may be this stored person, or None: an organisation (a subject, not a
    source) that this article and one of the person's articles both name, or (when ``countries`` is given) a
    country of the one-word name's sentences among the person's three main countries."""
    if organization_ids:
        marks = ",".join("?" * len(organization_ids))
        row = db.execute(
            f"SELECT e.name FROM mentions m1 JOIN mentions m2 ON m2.article_id = m1.article_id JOIN entities e ON "
            f"e.id = m2.entity_id WHERE m1.entity_id = ? AND m2.entity_id IN ({marks}) AND e.role = ? LIMIT 1",
            [entity_id, *organization_ids, roles.SUBJECT]).fetchone()
        if row:
            return f"both articles name {row[0]}"
    if countries:
        row = db.execute("SELECT countries FROM entities WHERE id = ?", [entity_id]).fetchone()
        shared = [c for c in json.loads(row[0] or "[]")[:3] if c in countries] if row else []
        if shared:
            return f"same country context ({', '.join(shared)})"
    return None


def add_aliases(db: sqlite_utils.Database, entity_id: int, aliases: list[str], version: int) -> None:
    """Keep the surface forms of an entity (each with the first version it was seen in)."""
    db.conn.executemany("INSERT OR IGNORE INTO aliases (entity_id, alias, alias_key, version) VALUES (?, ?, ?, ?)",
                        [(entity_id, alias, name_key(alias), version) for alias in aliases])


def insert_mentions(db: sqlite_utils.Database, version: int, entity_id: int, article_id: int,
                    mentions: list[dict]) -> None:
    """Store mentions of one entity in one article: excerpt, offsets, context, countries, risk signal, and the public
    function the sentence gives a person (``function``: its title, ``function_country``), if any."""
    db.conn.executemany(
        "INSERT INTO mentions (entity_id, article_id, alias, excerpt, start, end, paragraph, sentence, kind, "
        "context, country, countries, risk_categories, triggers, stage, stage_words, adverse, reporting, version, "
        "function, function_country) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(entity_id, article_id, m["alias"], m["excerpt"], m["start"], m["end"], m["paragraph"], m["sentence"],
          m.get("kind", "name"), m.get("context") or "", m.get("country"), json.dumps(m.get("countries") or []),
          json.dumps(m.get("risk_categories") or []), json.dumps(m.get("triggers") or []), m.get("stage"),
          json.dumps(m.get("stage_words") or []), m.get("adverse") or 0.0, int(bool(m.get("reporting"))), version,
          m.get("function"), m.get("function_country"))
         for m in mentions],
    )


def refresh_entity(db: sqlite_utils.Database, entity_id: int, version: int) -> None:
    """Recompute an entity's role, countries, risk categories, counts and relevance from all its mentions.

    The aggregation runs in SQL (JSON1), so an entity named in thousands of articles costs little to refresh.
    """
    etype, name, aliases, total, reporting, sources = db.execute(
        "SELECT e.type, e.name, (SELECT group_concat(alias, char(31)) FROM aliases WHERE entity_id = e.id), "
        "count(m.id), coalesce(sum(m.reporting OR m.kind = 'credit'), 0), "
        "count(DISTINCT coalesce(a.source, 'article ' || a.id)) FROM entities e "
        "LEFT JOIN mentions m ON m.entity_id = e.id LEFT JOIN articles a ON a.id = m.article_id "
        "WHERE e.id = ?", [entity_id]).fetchone()
    names = (aliases or "").split("\x1f") + [name]
    role = roles.role_of(names, etype, reporting / total if total else 0.0)
    # The country attached to the name ("Chinese conglomerate X", "China's ... X") weighs three times.
    countries = [r[0] for r in db.execute(
        "SELECT c FROM (SELECT country AS c, 3 AS w FROM mentions WHERE entity_id = ? AND kind != 'credit' "
        "AND country IS NOT NULL UNION ALL SELECT j.value, 1 FROM mentions m, json_each(m.countries) j "
        "WHERE m.entity_id = ? AND m.kind != 'credit') GROUP BY c ORDER BY sum(w) DESC, c",
        [entity_id, entity_id])]
    adverse = [dict(r) for r in db.query(
        "SELECT m.adverse, m.risk_categories, coalesce(a.source, 'article ' || a.id) AS source, "
        "coalesce(a.published, substr(a.added_at, 1, 10)) AS published "
        "FROM mentions m JOIN articles a ON a.id = m.article_id WHERE m.entity_id = ? AND m.adverse > 0 "
        "ORDER BY m.id", [entity_id])]
    # Risk categories of the adverse mentions, the most frequent first (ties: the first seen).
    cats = [c for c, _ in Counter(c for r in adverse for c in json.loads(r["risk_categories"] or "[]")).most_common()]
    score = rel.relevance(adverse, is_source=role == roles.SOURCE, total_mentions=total)
    # The public functions its mentions give a person (a PEP), the most often stated first.
    found = [{"function": f.title, "category": f.category, "country": f.country, "mentions": n}
             for f, n in ((pep.describe(title, country), n) for title, country, n in db.execute(
                 "SELECT function, function_country, count(*) FROM mentions WHERE entity_id = ? AND function IS NOT "
                 "NULL GROUP BY function, function_country ORDER BY count(*) DESC, min(id)", [entity_id]))]
    db.execute(
        "UPDATE entities SET role = ?, countries = ?, risk_categories = ?, relevance = ?, mention_count = ?, "
        "source_count = ?, updated_version = ?, updated_at = ?, functions = ? WHERE id = ?",
        [role, json.dumps(countries), json.dumps(cats), score, total, sources, version, now_iso(),
         json.dumps(found, ensure_ascii=False) if found else None, entity_id],
    )


def known_names(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    """Return (alias, type) of the watchlist's subject entities and of the loaded lists' people and organisations,
    for the extractor's entity-ruler patterns."""
    return [(r[0], r[1]) for r in db.execute(
        "SELECT al.alias, e.type FROM aliases al JOIN entities e ON e.id = al.entity_id "
        "WHERE (e.role = ? AND (e.scope = '' OR e.scope LIKE 'form:%') AND e.unscreened IS NULL) "
        "OR (e.scope LIKE 'list:%' AND e.type IN ('person', 'organization'))", [roles.SUBJECT])]


def list_entities(db: sqlite_utils.Database, etype: str | None = None, min_relevance: float = 0.0,
                  role: str | None = None, limit: int | None = None, offset: int = 0) -> list[dict]:
    """List entities, most relevant first, optionally filtered by type, role and minimum relevance."""
    where, params = _entity_filter(etype, min_relevance, role)
    sql = (f"SELECT * FROM entities WHERE {' AND '.join(where)} ORDER BY relevance DESC, mention_count DESC, name "
           f"LIMIT ? OFFSET ?")
    return [_decode(r) for r in db.query(sql, params + [limit if limit is not None else -1, offset])]


def _entity_filter(etype: str | None, min_relevance: float, role: str | None) -> tuple[list[str], list]:
    where, params = ["relevance >= ?"], [min_relevance]
    if etype:
        where.append("type = ?")
        params.append(etype)
    if role:
        where.append("role = ?")
        params.append(role)
    return where, params


def count_entities(db: sqlite_utils.Database, etype: str | None = None, min_relevance: float = 0.0,
                   role: str | None = None) -> int:
    """Count the entities ``list_entities`` lists with the same filters (for paging)."""
    where, params = _entity_filter(etype, min_relevance, role)
    return db.execute(f"SELECT count(*) FROM entities WHERE {' AND '.join(where)}", params).fetchone()[0]


def find_entities(db: sqlite_utils.Database, ref: str) -> list[dict]:
    """Find entities by id, or by name or alias (normalised)."""
    if str(ref).isdigit():
        rows = list(db.query("SELECT * FROM entities WHERE id = ?", [int(ref)]))
        if rows:
            return [_decode(r) for r in rows]
    if ":" in str(ref):  # LISTNAME:LISTID, e.g. ofac-sdn:306
        list_name, list_id = str(ref).rsplit(":", 1)
        rows = list(db.query("SELECT e.* FROM entities e JOIN list_sources s ON s.id = e.list_source_id "
                             "WHERE s.name = ? AND e.list_id = ?", [list_name.strip(), list_id.strip()]))
        if rows:
            return [_decode(r) for r in rows]
    key = name_key(str(ref))
    return [_decode(r) for r in db.query(
        "SELECT * FROM entities WHERE name_key = ? OR id IN (SELECT entity_id FROM aliases WHERE alias_key = ?) "
        "ORDER BY relevance DESC, mention_count DESC", [key, key])]


def get_entity(db: sqlite_utils.Database, ref: str) -> dict:
    """Return one entity with its aliases and mentions (excerpt, offsets, article); raise if none or ambiguous."""
    found = find_entities(db, ref)
    if not found:
        raise EntityNotFound(f"no entity with id or name {ref!r}")
    if len(found) > 1:
        listing = "; ".join(f"{e['id']}: {e['name']} ({e['type']})" for e in found[:10])
        raise EntityNotFound(f"{len(found)} entities are named {ref!r}, give the id: {listing}")
    ent = found[0]
    ent["aliases"] = [dict(r) for r in db.query(
        "SELECT alias, version FROM aliases WHERE entity_id = ? ORDER BY version, alias", [ent["id"]])]
    if ent.get("origin") == "list":
        ent.update(_list_details(db, ent))
    ent["mentions"] = [_decode(r) for r in db.query(
        "SELECT m.id, m.alias, m.excerpt, m.start, m.end, m.kind, m.context, m.country, m.countries, m.risk_categories, "
        "m.triggers, m.stage, m.stage_words, m.adverse, m.reporting, m.version, m.function, m.function_country, "
        "m.article_id, a.title AS article_title, "
        "a.source AS article_source, a.published AS article_published, a.url AS article_url "
        "FROM mentions m JOIN articles a ON a.id = m.article_id WHERE m.entity_id = ? ORDER BY m.article_id, m.paragraph, "
        "m.sentence, m.start", [ent["id"]])]
    return ent


def stats(db: sqlite_utils.Database) -> dict:
    """Return the watchlist's size: version, articles, entities by type and role, mentions."""
    q = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
    return {
        "version": current_version(db),
        "articles": q("SELECT count(*) FROM articles"),
        "linked_copies": q("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL"),
        "entities": q("SELECT count(*) FROM entities"),
        "persons": q("SELECT count(*) FROM entities WHERE type = 'person'"),
        "organizations": q("SELECT count(*) FROM entities WHERE type = 'organization'"),
        "sources": q(f"SELECT count(*) FROM entities WHERE role = '{roles.SOURCE}'"),
        "unscreened": q("SELECT count(*) FROM entities WHERE unscreened IS NOT NULL"),
        "mentions": q("SELECT count(*) FROM mentions"),
        "updated_at": q("SELECT max(created_at) FROM watchlist_versions"),
    }


def record_version_counts(db: sqlite_utils.Database, version: int, articles_added: int = 0, linked: int = 0,
                          entities_added: int = 0, mentions_added: int = 0) -> None:
    """Add to the counts of a version (inside the caller's transaction)."""
    db.execute("UPDATE watchlist_versions SET articles_added = articles_added + ?, articles_linked = "
               "articles_linked + ?, entities_added = entities_added + ?, mentions_added = mentions_added + ? "
               "WHERE version = ?", [articles_added, linked, entities_added, mentions_added, version])


# --- official lists -----------------------------------------------------------------------------------------

@dataclass
class ListChange:
    """One entry an import adds, updates (with the fields that change), relists or delists: what a preview shows."""

    change: str                         # "added", "updated", "relisted" or "delisted"
    list_id: str
    name: str
    fields: tuple[str, ...] = ()        # updated or relisted: what changes (name, aliases, countries...)


@dataclass
class ListImport:
    """What one list import did, or would do (``preview_list``): counts, and the watchlist version it created (None
    when nothing changed, and for a preview); a preview also holds the first changes of each kind."""

    name: str
    format: str
    read: int = 0
    added: int = 0
    updated: int = 0       # relisted entries included
    relisted: int = 0
    delisted: int = 0
    unchanged: int = 0
    aliases: int = 0       # aliases of the entries read (primary names not counted)
    version: int | None = None
    source_id: int | None = None
    changes: list[ListChange] = field(default_factory=list)

    @property
    def changes_anything(self) -> bool:
        return bool(self.added or self.updated or self.delisted)


_FIELD_LABELS = ("name", "type", "countries", "birth dates", "programs", "addresses", "remarks",  # _list_fields
                 "country hints")


def _list_fields(e) -> tuple:
    """Return the stored form of a list entry's attributes (compared to tell an update from no change)."""
    return (e.name, e.type, json.dumps(list(e.countries)), json.dumps(list(e.birth_dates)),
            json.dumps(list(e.programs)), json.dumps(list(e.addresses)), e.remarks,
            json.dumps(list(e.country_hints)))


def _list_aliases(e) -> dict[str, str]:
    """Return a list entry's names as stored in ``aliases``: the primary name (kind 'name') and each alias."""
    out = {e.name: "name"}
    for alias, kind in zip(e.aliases, e.alias_kinds or ("aka",) * len(e.aliases)):
        out.setdefault(alias, kind)
    return out


@dataclass
class _ListDiff:
    """A list's entries compared with the list of that name as stored."""

    source: tuple | None                # (id, format) of the stored list, None for a new list
    new: list                           # entries
    changed: list                       # (entity id, was delisted, entry, stored fields)
    gone: list                          # (entity id, list id, stored name) of the entries no longer on the list
    stored_aliases: dict                # entity id -> {alias: kind}

    def result(self, entries: list, name: str, fmt: str) -> ListImport:
        return ListImport(name=name, format=fmt, read=len(entries), aliases=sum(len(e.aliases) for e in entries),
                          added=len(self.new), updated=len(self.changed),
                          relisted=sum(1 for c in self.changed if c[1]), delisted=len(self.gone),
                          unchanged=len(entries) - len(self.new) - len(self.changed),
                          source_id=self.source[0] if self.source else None)


def _list_diff(db: sqlite_utils.Database, entries: list, name: str, fmt: str) -> _ListDiff:
    """Compare entries with the stored list of the same name by list id; refuse a name imported in another format."""
    src = db.execute("SELECT id, format FROM list_sources WHERE name = ?", [name]).fetchone()
    if src and src[1] != fmt:
        raise ListError(name, f"the list {name!r} was imported as {src[1]}, not {fmt}: import it under "
                              f"another name")
    stored: dict[str, tuple] = {}
    stored_aliases: dict[int, dict[str, str]] = {}
    if src:
        for row in db.execute(
                "SELECT id, list_id, name, type, countries, birth_dates, programs, addresses, remarks, "
                "country_hints, delisted_version FROM entities WHERE list_source_id = ?", [src[0]]):
            stored[row[1]] = (row[0], tuple(row[2:10]), row[10])
        for eid, alias, kind in db.execute(
                "SELECT a.entity_id, a.alias, a.kind FROM aliases a JOIN entities e ON e.id = a.entity_id "
                "WHERE e.list_source_id = ?", [src[0]]):
            stored_aliases.setdefault(eid, {})[alias] = kind
    new, changed = [], []
    for e in entries:
        old = stored.get(e.list_id)
        if old is None:
            new.append(e)
        elif old[2] is not None or old[1] != _list_fields(e) or stored_aliases.get(old[0], {}) != _list_aliases(e):
            changed.append((old[0], old[2] is not None, e, old[1]))
    present = {e.list_id for e in entries}
    gone = [(eid, list_id, fields[0]) for list_id, (eid, fields, delisted) in stored.items()
            if list_id not in present and delisted is None]
    return _ListDiff(tuple(src) if src else None, new, changed, gone, stored_aliases)


def preview_list(db: sqlite_utils.Database, entries: list, *, name: str, fmt: str, sample: int = 20) -> ListImport:
    """Say what ``import_list`` would do with these entries, storing nothing: the counts, and up to ``sample``
    changes of each kind (added; updated or relisted, with the fields that change; delisted)."""
    diff = _list_diff(db, entries, name, fmt)
    result = diff.result(entries, name, fmt)
    result.changes = [ListChange("added", e.list_id, e.name) for e in diff.new[:sample]]
    for eid, was_delisted, e, old in diff.changed[:sample]:
        what = tuple(label for label, a, b in zip(_FIELD_LABELS, old, _list_fields(e)) if a != b)
        before = {a: k for a, k in diff.stored_aliases.get(eid, {}).items() if k != "name"}
        if before != {a: k for a, k in _list_aliases(e).items() if k != "name"}:
            what += ("aliases",)
        result.changes.append(ListChange("relisted" if was_delisted else "updated", e.list_id, e.name, what))
    result.changes += [ListChange("delisted", list_id, stored_name) for _, list_id, stored_name in diff.gone[:sample]]
    return result


def import_list(db: sqlite_utils.Database, entries: list, *, name: str, fmt: str, file_name: str, sha256: str,
                actor: str | None = None, progress: Callable[[int], None] | None = None,
                provenance: Provenance | None = None) -> ListImport:
    """Store a list's entries (``watchlists.lists.ListEntry``) as one watchlist version, in one transaction.

    Entries are matched to the entities of the same list name by their list id: new ones are added, changed ones
    updated, those no longer on the list marked delisted (kept, with the version that delisted them). An import
    that changes nothing stores nothing and creates no version. ``progress`` receives a count of entries done.
    ``provenance`` (each file's name, SHA-256 and size, the publication date and where it was read from) is stored
    in ``list_files`` with the new version and the actor, and audited (``list.imported``).
    """
    with transaction(db):
        diff = _list_diff(db, entries, name, fmt)
        result = diff.result(entries, name, fmt)
        if not result.changes_anything:
            return result
        new, changed, gone = diff.new, diff.changed, [g[0] for g in diff.gone]
        actor = actor or system_user()
        version = new_version(db, "list", f"{fmt} list {name!r} from {file_name}", actor)
        stamp = now_iso()
        src = diff.source
        if src:
            db.execute("UPDATE list_sources SET file_name = ?, sha256 = ?, imported_at = ?, version = ?, "
                       "record_count = ? WHERE id = ?", [file_name, sha256, stamp, version, len(entries), src[0]])
            source_id = src[0]
        else:
            source_id = db.execute(
                "INSERT INTO list_sources (name, format, file_name, sha256, imported_at, version, record_count) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", [name, fmt, file_name, sha256, stamp, version, len(entries)]).lastrowid
        done = 0
        for e in new:
            fields = _list_fields(e)
            eid = db.execute(
                "INSERT INTO entities (name, name_key, type, scope, role, countries, risk_categories, relevance, "
                "mention_count, source_count, first_version, updated_version, created_at, updated_at, origin, "
                "list_source_id, list_id, birth_dates, programs, addresses, remarks, country_hints) "
                "VALUES (?, ?, ?, ?, ?, ?, '[]', 0, 0, 0, ?, ?, ?, ?, 'list', ?, ?, ?, ?, ?, ?, ?)",
                [e.name, name_key(e.name), e.type, f"list:{source_id}:{e.list_id}", roles.SUBJECT, fields[2],
                 version, version, stamp, stamp, source_id, e.list_id, fields[3], fields[4], fields[5],
                 e.remarks, fields[7]]).lastrowid
            db.conn.executemany(
                "INSERT INTO aliases (entity_id, alias, alias_key, version, kind) VALUES (?, ?, ?, ?, ?)",
                [(eid, alias, name_key(alias), version, kind) for alias, kind in _list_aliases(e).items()])
            done += 1
            if progress and done % 500 == 0:
                progress(done)
        for eid, _was_delisted, e, _old in changed:
            fields = _list_fields(e)
            db.execute(
                "UPDATE entities SET name = ?, name_key = ?, type = ?, countries = ?, birth_dates = ?, programs = ?, "
                "addresses = ?, remarks = ?, country_hints = ?, delisted_version = NULL, updated_version = ?, "
                "updated_at = ? WHERE id = ?",
                [e.name, name_key(e.name), e.type, fields[2], fields[3], fields[4], fields[5], e.remarks, fields[7],
                 version, stamp, eid])
            want, have = _list_aliases(e), diff.stored_aliases.get(eid, {})
            db.conn.executemany("DELETE FROM aliases WHERE entity_id = ? AND alias = ?",
                                [(eid, a) for a in have if a not in want])
            db.conn.executemany("UPDATE aliases SET kind = ? WHERE entity_id = ? AND alias = ?",
                                [(k, eid, a) for a, k in want.items() if a in have and have[a] != k])
            db.conn.executemany(
                "INSERT INTO aliases (entity_id, alias, alias_key, version, kind) VALUES (?, ?, ?, ?, ?)",
                [(eid, a, name_key(a), version, k) for a, k in want.items() if a not in have])
            done += 1
            if progress and done % 500 == 0:
                progress(done)
        db.conn.executemany("UPDATE entities SET delisted_version = ?, updated_version = ?, updated_at = ? "
                            "WHERE id = ?", [(version, version, stamp, eid) for eid in gone])
        result.version, result.source_id = version, source_id
        record_version_counts(db, version, entities_added=len(new))
        db.execute("UPDATE watchlist_versions SET description = description || ? WHERE version = ?",
                   [f": {len(entries)} read, {len(new)} added, {len(changed)} updated, {len(gone)} delisted",
                    version])
        if provenance:
            _record_provenance(db, version, source_id, name, fmt, provenance, actor, stamp)
        if progress:
            progress(len(entries))
    return result


def _record_provenance(db: sqlite_utils.Database, version: int, source_id: int, name: str, fmt: str,
                       provenance: Provenance, actor: str, stamp: str) -> None:
    """Store the files of a list import (one row each) with its publication date and who imported it; audit it."""
    db.conn.executemany(
        "INSERT INTO list_files (version, list_source_id, list_name, format, file_name, sha256, size, published, "
        "published_from, imported_by, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(version, source_id, name, fmt, f.name, f.sha256, f.size, provenance.published, provenance.published_from,
          actor, stamp) for f in provenance.files])
    audit.record(db, actor, "list.imported", "list", name, {
        "version": version, "format": fmt, "published": provenance.published,
        "published_from": provenance.published_from,
        "files": [{"file_name": f.name, "sha256": f.sha256, "size": f.size} for f in provenance.files]})


def _provenance_of(rows: list[dict]) -> list[dict]:
    """Group ``list_files`` rows by import (list and version): one dict per list import with its files."""
    out: dict[tuple, dict] = {}
    for r in rows:
        item = out.get((r["list_source_id"], r["version"]))
        if item is None:
            item = out[(r["list_source_id"], r["version"])] = {
                "name": r["list_name"], "format": r["format"], "sanctions": r["format"] in SANCTIONS_FORMATS,
                "version": r["version"], "published": r["published"], "published_from": r["published_from"],
                "imported_by": r["imported_by"], "imported_at": r["imported_at"], "files": []}
        item["files"].append({"file_name": r["file_name"], "sha256": r["sha256"], "size": r["size"]})
    return list(out.values())


def lists_of_version(db: sqlite_utils.Database, version: int | None) -> list[dict]:
    """Return every official list in watchlist version ``version``, by name, each with the provenance of the import
    that gave it its contents in that version: ``name``, ``format``, ``sanctions`` (an official sanctions list),
    ``version`` (of that import), ``published`` and ``published_from`` ("file", "option" or "mtime"),
    ``imported_by``, ``imported_at`` and ``files`` (``file_name``, ``sha256``, ``size``). A list imported before
    provenance was kept has no files and null dates."""
    if not version:
        return []
    out = []
    for sid, name, fmt, src_version, imported_at in db.execute(
            "SELECT s.id, s.name, s.format, s.version, s.imported_at FROM list_sources s WHERE EXISTS "
            "(SELECT 1 FROM entities e WHERE e.list_source_id = s.id AND e.first_version <= ?) ORDER BY s.name",
            [version]).fetchall():
        rows = [dict(r) for r in db.query(
            "SELECT * FROM list_files WHERE list_source_id = ? AND version = (SELECT max(version) FROM list_files "
            "WHERE list_source_id = ? AND version <= ?) ORDER BY id", [sid, sid, version])]
        if rows:
            out += _provenance_of(rows)
            continue
        known = src_version is not None and src_version <= version      # imported before migration 009
        out.append({"name": name, "format": fmt, "sanctions": fmt in SANCTIONS_FORMATS,
                    "version": src_version if known else None, "published": None, "published_from": None,
                    "imported_by": None, "imported_at": imported_at if known else None, "files": []})
    return out


def list_imports(db: sqlite_utils.Database, limit: int = 20) -> list[dict]:
    """Return the latest list imports that changed the watchlist, newest first, each with its provenance (as
    ``lists_of_version`` gives it)."""
    versions = [r[0] for r in db.execute("SELECT DISTINCT version FROM list_files ORDER BY version DESC LIMIT ?",
                                         [limit])]
    if not versions:
        return []
    marks = ", ".join("?" * len(versions))
    return _provenance_of([dict(r) for r in db.query(
        f"SELECT * FROM list_files WHERE version IN ({marks}) ORDER BY version DESC, id", versions)])


def sanctions_loaded(db: sqlite_utils.Database) -> bool:
    """Whether the current watchlist holds an active entry of an official sanctions list (``SANCTIONS_FORMATS``)."""
    formats = sorted(SANCTIONS_FORMATS)
    return db.execute(
        f"SELECT 1 FROM list_sources s JOIN entities e ON e.list_source_id = s.id WHERE s.format IN "
        f"({', '.join('?' * len(formats))}) AND e.delisted_version IS NULL LIMIT 1", formats).fetchone() is not None


def system_user() -> str:
    """Return the operating-system user running this process: who ran a CLI import or screening."""

    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name here (a container without a passwd entry)
        return "unknown"


def list_sources(db: sqlite_utils.Database) -> list[dict]:
    """List the imported lists with their active and delisted entry counts, by name."""
    return [dict(r) for r in db.query(
        "SELECT s.*, (SELECT count(*) FROM entities e WHERE e.list_source_id = s.id AND e.delisted_version IS NULL) "
        "AS active, (SELECT count(*) FROM entities e WHERE e.list_source_id = s.id AND e.delisted_version IS NOT "
        "NULL) AS delisted FROM list_sources s ORDER BY s.name")]


def _list_details(db: sqlite_utils.Database, ent: dict) -> dict:
    """Return what ``get_entity`` adds for a list entity: its list's name and format, and its aliases' kinds."""
    row = db.execute("SELECT name, format FROM list_sources WHERE id = ?", [ent["list_source_id"]]).fetchone()
    kinds = dict(db.execute("SELECT alias, kind FROM aliases WHERE entity_id = ?", [ent["id"]]).fetchall())
    aliases = [dict(a, kind=kinds.get(a["alias"])) for a in ent["aliases"]]
    return {"list_name": row[0] if row else None, "list_format": row[1] if row else None, "aliases": aliases}


def _alpha2(codes) -> tuple[str, ...]:
    # Countries of news entities can hold region codes ("eu"); the engine compares ISO alpha-2 country codes only.
    return tuple(dict.fromkeys(c.lower() for c in codes or () if isinstance(c, str) and len(c) == 2
                               and c.isalpha() and c.lower() != "eu"))


# Screened: active, not kept out (``unscreened``: a one-word person name that joined no full name), and list entries
# or news entities at the policy's minimum relevance.
_SCREENED = ("e.delisted_version IS NULL AND e.unscreened IS NULL AND (e.origin = 'list' OR "
             "coalesce(e.relevance, 0) >= ?)")


def match_records(db: sqlite_utils.Database, min_news_relevance: float = 0.0) -> list[Record]:
    """Return every active (not delisted) entity, news and list, as the engine's ``Record``: all names (the entity
    name first, then its aliases), type, countries, birth dates, and source ('news' or the list's name). News
    entities below ``min_news_relevance`` are left out (the screening policy; list entries always stay)."""
    names: dict[int, list[str]] = {}
    for eid, alias in db.execute(
            f"SELECT a.entity_id, a.alias FROM aliases a JOIN entities e ON e.id = a.entity_id "
            f"WHERE {_SCREENED} ORDER BY a.entity_id, a.version, a.rowid", [min_news_relevance]):
        names.setdefault(eid, []).append(alias)
    return [_record(row, names) for row in db.execute(
        f"SELECT {_RECORD_COLUMNS} FROM entities e LEFT JOIN list_sources s ON s.id = e.list_source_id "
        f"WHERE {_SCREENED} ORDER BY e.id", [min_news_relevance])]


_RECORD_COLUMNS = "e.id, e.name, e.type, e.countries, e.birth_dates, e.origin, s.name, e.country_hints"


def _record(row, names: dict[int, list[str]]) -> Record:
    """An entity row (``_RECORD_COLUMNS``) and its aliases as the engine's ``Record``."""
    eid, name, etype, countries, birth_dates, origin, list_name, hints = row
    return Record(id=str(eid), names=tuple(dict.fromkeys([name] + names.get(eid, []))), type=etype or UNKNOWN,
                  countries=_alpha2(json.loads(countries) if countries else ()),
                  birth_dates=tuple(json.loads(birth_dates)) if birth_dates else (),
                  source=list_name if origin == "list" and list_name else "news",
                  country_hints=_alpha2(json.loads(hints) if hints else ()))



def match_records_changed(db: sqlite_utils.Database, since_version: int,
                          min_news_relevance: float = 0.0) -> list[Record]:
    """Return the active entities created or changed after ``since_version`` (first or updated version above it),
    as ``match_records`` does: what a monitored client screened against that version has not yet been compared
    with. Delisted entities are left out."""
    ids = {r[0] for r in db.execute(
        f"SELECT e.id FROM entities e WHERE {_SCREENED} AND (e.first_version > ? OR e.updated_version > ?)",
        [min_news_relevance, since_version, since_version])}
    if not ids:
        return []
    if len(ids) > 5000:
        return [r for r in match_records(db, min_news_relevance) if int(r.id) in ids]
    return _records_of(db, sorted(ids))


def _records_of(db: sqlite_utils.Database, ids: list[int]) -> list[Record]:
    names: dict[int, list[str]] = {}
    out = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        for eid, alias in db.execute(f"SELECT entity_id, alias FROM aliases WHERE entity_id IN ({marks}) "
                                     f"ORDER BY entity_id, version, rowid", chunk):
            names.setdefault(eid, []).append(alias)
        out += [_record(row, names) for row in db.execute(
            f"SELECT {_RECORD_COLUMNS} FROM entities e LEFT JOIN list_sources s ON s.id = e.list_source_id "
            f"WHERE e.id IN ({marks}) ORDER BY e.id", chunk)]
    return out


MAX_EXCERPTS = 3
_STAGE_RANK = {name: rank for name, rank, _weight, _pattern in risk.STAGES}


def evidence(entity: dict, max_excerpts: int = MAX_EXCERPTS) -> dict:
    """Return what a hit shows of an entity (from ``get_entity``): who it is, why it is listed, and its excerpts.

    News entities give their most adverse mentions first (sentence, offsets of the name, article title, source,
    date, link, and the mention's stage), the furthest stage their adverse mentions reach (``stage``), and the
    public functions their mentions give a person (``functions``: title, category, country and the excerpt that
    says so, one per distinct function); list entities give their list, list id, programs, remarks, and the risk
    categories their programs stand for ("sanctions" for every entry of a sanctions list).
    """
    mentions = sorted(entity.get("mentions") or [], key=lambda m: -(m.get("adverse") or 0))
    listed = entity.get("origin") == "list"
    programs = list(entity.get("programs") or []) if listed else []

    def excerpt(m: dict) -> dict:
        # the following sentences, when their adverse words count for the entity ("The firm was fined ...")
        context = m.get("context") if any(t.get("in") == "context" for t in m.get("triggers") or ()) else None
        return {"excerpt": m["excerpt"], "start": m["start"], "end": m["end"], "alias": m["alias"],
                "article_title": m["article_title"], "source": m["article_source"],
                "published": m["article_published"], "url": m["article_url"], "context": context or None}
    stages = [m.get("stage") for m in mentions if (m.get("adverse") or 0) > 0 and m.get("stage")]
    functions, seen = [], set()
    for m in sorted((m for m in entity.get("mentions") or [] if m.get("function")),
                    key=lambda m: (m.get("article_published") or "", m["id"]), reverse=True):
        key = (m["function"], m.get("function_country"))
        if key in seen:
            continue
        seen.add(key)
        f = pep.describe(m["function"], m.get("function_country"))
        functions.append({"function": f.title, "category": f.category, "country": f.country, **excerpt(m)})
    return {
        "entity_id": entity["id"], "entity_name": entity["name"], "entity_type": entity["type"],
        "source": (entity.get("list_name") or "list") if listed else "news",
        "list_id": entity.get("list_id") if listed else None,
        "programs": programs,
        "remarks": (entity.get("remarks") or None) if listed else None,
        "risk_categories": risk.list_categories(programs) if listed else list(entity.get("risk_categories") or []),
        "relevance": None if listed else entity.get("relevance"), "countries": list(entity.get("countries") or []),
        "stage": max(stages, key=lambda s: _STAGE_RANK.get(s, -1)) if stages else None,
        "functions": functions[:max_excerpts] if max_excerpts else functions,
        "excerpts": [{**excerpt(m), "stage": m.get("stage") if (m.get("adverse") or 0) > 0 else None}
                     for m in mentions[:max_excerpts]],
    }


# --- reading for the web pages and the API ------------------------------------------------------------------

def entity_by_id(db: sqlite_utils.Database, entity_id: int) -> dict | None:
    """Return one entity by its id only (never by a name that looks like a number), as ``get_entity``; or None."""
    if not db.execute("SELECT 1 FROM entities WHERE id = ?", [entity_id]).fetchone():
        return None
    return get_entity(db, str(entity_id))


def article_entities(db: sqlite_utils.Database, article_id: int) -> list[dict]:
    """List the entities an article names, most relevant first, with how often it names each and how."""
    names: dict[int, list[str]] = {}
    for eid, alias in db.execute("SELECT DISTINCT entity_id, alias FROM mentions WHERE article_id = ? "
                                 "ORDER BY entity_id, alias", [article_id]):
        names.setdefault(eid, []).append(alias)
    return [_decode(dict(r, aliases=names.get(r["id"], []))) for r in db.query(
        "SELECT e.id, e.name, e.type, e.role, e.relevance, e.risk_categories, count(m.id) AS mentions, "
        "max(m.adverse) AS adverse FROM mentions m JOIN entities e ON e.id = m.entity_id WHERE m.article_id = ? "
        "GROUP BY e.id ORDER BY e.relevance DESC, mentions DESC, e.name", [article_id])]


def article_copies(db: sqlite_utils.Database, article_id: int) -> list[dict]:
    """List the near-copies linked to an article (syndicated versions not counted as other sources)."""
    return [dict(r) for r in db.query(
        "SELECT id, title, source, published, url, similarity FROM articles WHERE duplicate_of = ? ORDER BY id",
        [article_id])]
