"""Migration step 013: key stored news entities as ingestion now keys them (one entity per company).

Organisations take the key of their name without legal form or trailing generic words (``consolidate.org_key``);
an entity whose new key another stored entity of the same type and scope already has keeps its old key (merging
them would move hits, suppressions and decisions that point at either). One-word person names kept to their
article (scope ``article:N``) are marked as kept out of screening, as ingestion now marks them.
"""
from __future__ import annotations

import sqlite_utils

from watchlists import consolidate

LONE_PERSON = ("a one-word name that joined no full name (none in its article, none corroborated in another "
               "article by a shared organisation or country)")


def rekey_news_entities(db: sqlite_utils.Database) -> dict[str, int]:
    """Key news organisations again and mark lone one-word persons unscreened; return the counts."""
    taken = {(k, t, s) for k, t, s in db.execute("SELECT name_key, type, scope FROM entities")}
    rekeyed = kept = 0
    rows = db.execute("SELECT id, name, name_key, scope FROM entities WHERE origin = 'news' AND type = "
                      "'organization'").fetchall()
    for eid, name, key, scope in rows:
        new = consolidate.org_key(name)[0]
        if not new or new == key:
            continue
        if (new, "organization", scope) in taken:
            kept += 1
            continue
        db.execute("UPDATE entities SET name_key = ? WHERE id = ?", [new, eid])
        taken.discard((key, "organization", scope))
        taken.add((new, "organization", scope))
        rekeyed += 1
    lone = db.execute("UPDATE entities SET unscreened = ? WHERE origin = 'news' AND type = 'person' AND scope "
                      "LIKE 'article:%' AND unscreened IS NULL", [LONE_PERSON]).rowcount
    return {"rekeyed": rekeyed, "kept": kept, "lone_persons": lone}
