"""Build the watchlist from articles: read, clean, recognise copies, extract, classify, consolidate, store.

``ingest`` is the one entry point for the CLI, the web app and the benchmarks. Every article is stored in its own
transaction (the article, its entities, aliases and mentions, or nothing), so a bad file never leaves anything
half-written and never stops the others. One call is one import: the first article it stores raises the watchlist
version, and everything stored by the call carries that version. A call that stores nothing leaves the version
as it was (nothing changed).
"""
from __future__ import annotations

import contextlib
import dataclasses
import gc
import logging
import os
import sqlite3
import threading
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, Iterator

import sqlite_utils

from screening.engine.normalize import name_key
from screening.store import entity_keys
from screening.store import watchlist as store
from screening.store.db import transaction
from watchlists import cleaning, consolidate, dedupe, extract, functions, language, nlp, risk, subjects
from watchlists.errors import ArticleError
from watchlists.sources import RawArticle, read_all

log = logging.getLogger(__name__)
SAMPLE_FILE = "sample_article.txt"
# The bundled sample: DW, 20 September 2016 (see shared/seeds/README.md).
SAMPLE_META = {"source": "DW", "url": None}
BATCH_SIZE = 64


@dataclass
class PreparedArticle:
    """An article cleaned and ready for extraction."""

    raw: RawArticle
    title: str | None
    paragraphs: list[str]
    clean: cleaning.CleanText
    text: str
    text_hash: str
    shingles: set[int]
    bands: list[str]
    url: str | None
    published: str | None
    author: str | None
    site: str | None
    source: str | None


class ImportStopped(RuntimeError):
    """An import on a cluster stopped: the scheduler cannot be reached or went away, or a task failed. ``result``
    holds what was stored before (every article whole), the message says why."""

    def __init__(self, message: str, result: "ImportResult"):
        super().__init__(message)
        self.result = result


@dataclass
class ReadArticle:
    """An article cleaned and read by its language's model away from the database (a cluster's worker): plain,
    picklable data. ``problem`` says why there is no article (bad input: nothing else is set)."""

    where: str
    prep: PreparedArticle | None = None
    docs: bytes | None = None       # the model's docs of ``prep.paragraphs`` (``nlp.docs_to_bytes``)
    problem: str | None = None


@dataclass
class Outcome:
    """What happened to one input: added, duplicate, linked (near-copy) or failed, with a message."""

    where: str
    status: str
    message: str
    title: str | None = None
    article_id: int | None = None
    entities: int = 0
    mentions: int = 0


@dataclass
class ImportResult:
    """The outcome of one ``ingest`` call."""

    version: int | None
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> bool:
        return any(o.status == "failed" for o in self.outcomes)


def sample_path() -> Path:
    """Return the path of the bundled sample article."""
    return Path(str(resources.files("watchlists") / "data" / SAMPLE_FILE))


def prepare_article(raw: RawArticle) -> PreparedArticle:
    """Turn a raw article into clean paragraphs and metadata; raise ``ArticleError`` when there is no article."""
    url, published, author, site = raw.url, raw.published, raw.author, raw.site
    title = raw.title
    if raw.html is not None:
        # imported on first use, for start-up speed: trafilatura takes ~0.14 s to import
        import trafilatura

        try:
            doc = trafilatura.bare_extraction(raw.html, with_metadata=True, include_comments=False,
                                              include_tables=False, url=raw.url)
        except Exception as exc:  # trafilatura raises many kinds on junk; the message is what matters
            raise ArticleError(raw.where, f"cannot parse HTML: {exc}")
        if doc is None or not (getattr(doc, "text", None) or "").strip():
            raise ArticleError(raw.where, "no article text found in the HTML")
        body = doc.text
        title = title or doc.title
        url = url or doc.url
        published = published or doc.date
        author = author or doc.author
        site = site or doc.sitename
        if title and body.split("\n", 1)[0].strip() == title.strip():
            body = body.split("\n", 1)[1] if "\n" in body else ""
        cleaned = cleaning.clean(body, title=title, has_title_line=False)
    else:
        cleaned = cleaning.clean(raw.text or "", title=title, has_title_line=title is None)
    if cleaned.language not in nlp.LANGUAGES:
        readable = " and ".join(language.language_name(code) for code in nlp.LANGUAGES)
        raise ArticleError(raw.where, f"the article is in {language.language_name(cleaned.language)} "
                                      f"({cleaned.language}); only {readable} articles can be extracted")
    paragraphs = list(cleaned.paragraphs)
    if cleaned.title and (not paragraphs or paragraphs[0] != cleaned.title):
        paragraphs.insert(0, cleaned.title)  # the headline is a paragraph of its own, never glued to the lead
    text = "\n\n".join(paragraphs)
    text_words = dedupe.words(text)
    if len(text_words) < 3:
        raise ArticleError(raw.where, "no article text left after removing navigation, captions and credits")
    sh = dedupe.shingles(text, text_words)
    p = cleaning.printable
    return PreparedArticle(raw, p(cleaned.title), paragraphs, cleaned, text, dedupe.text_hash(text, text_words), sh,
                    dedupe.bands(dedupe.minhash(sh)), p(dedupe.normalise_url(url)),
                    p(published or cleaned.published), p(author), p(site), p(raw.source or site))


def read_articles(items: list[RawArticle | ReadArticle]) -> list[ReadArticle]:
    """A cluster task: clean each article, detect its language and run that language's model on its paragraphs.

    The models are loaded once per process (``nlp.load`` keeps them) and serve every task the worker runs. An
    item that is already a ``ReadArticle`` (an input that could not be read) comes back as it is. The raw text
    and HTML are not sent back: storing needs only the prepared article.
    """
    out = []
    for item in items:
        if isinstance(item, ReadArticle):
            out.append(item)
            continue
        try:
            prep = prepare_article(item)
        except ArticleError as exc:
            out.append(ReadArticle(exc.where, problem=exc.problem))
            continue
        pipe = nlp.load(lang=prep.clean.language)
        with _MODEL_LOCK:  # one article at a time per process: a worker's threads share the model
            docs = list(pipe.pipe(prep.paragraphs, batch_size=BATCH_SIZE))
        prep.raw = dataclasses.replace(item, text=None, html=None)
        out.append(ReadArticle(item.where, prep, nlp.docs_to_bytes(docs)))
    return out


_MODEL_LOCK = threading.Lock()


def _prepared_stream(items: Iterable[RawArticle | ArticleError], outcomes: list[Outcome],
                     importer: "Importer") -> Iterator[PreparedArticle]:
    """Yield the articles the model must read; copies and bad input are settled here, before the model."""
    for item in items:
        if isinstance(item, ArticleError):
            outcomes.append(Outcome(item.where, "failed", item.problem))
            continue
        try:
            prep = prepare_article(item)
        except ArticleError as exc:
            outcomes.append(Outcome(exc.where, "failed", exc.problem))
            continue
        # A duplicate or near-copy of a stored article needs no model (checked again when storing).
        early = importer.store(prep)
        if early is not None:
            outcomes.append(early)
            continue
        yield prep


def _near_copy(db: sqlite_utils.Database, prep: PreparedArticle) -> tuple[int, float] | None:
    best = None
    for cand in store.near_copy_candidates(db, prep.bands):
        sim = dedupe.jaccard(prep.shingles, dedupe.shingles(cand["text"]))
        if sim >= dedupe.NEAR_COPY and (best is None or sim > best[1]):
            best = (cand["id"], sim)
    return best


class Importer:
    """One import: holds the version (created with the first stored article) and the entity-ruler patterns."""

    def __init__(self, db: sqlite_utils.Database, description: str, actor: str | None = None):
        self.db = db
        self.description = description
        self.actor = actor or store.system_user()
        self.version: int | None = None
        self.nlp = nlp.load()
        self.parser = None  # the dependency parser, loaded for the first sentence with adverse words
        self.known = extract.KnownNames(self.nlp, store.known_names(db))
        # Other languages' models and known names, loaded with the first article in that language.
        self._models: dict[str, tuple[object, extract.KnownNames]] = {"en": (self.nlp, self.known)}
        self._person_words: dict[tuple[str, str], set[int]] | None = None  # read when the first one-word name needs it

    def model(self, lang: str) -> tuple[object, extract.KnownNames]:
        """Return the verified pipeline of a language and its entity-ruler patterns (names of the watchlist)."""
        if lang not in self._models:
            pipe = nlp.load(lang=lang)
            self._models[lang] = (pipe, extract.KnownNames(pipe, store.known_names(self.db)))
        return self._models[lang]

    def _entity_ids(self, clusters: list[consolidate.Cluster], article_id: int,
                    version: int) -> list[tuple[int, bool]]:
        """The stored entity of each cluster of an article (created if new), and whether it is new.

        Organisations meet stored companies of their key unless their legal forms conflict
        (``store.upsert_organization``). A one-word person name with no full name in its article (``lone``) joins
        a stored person whose full name begins or ends with that word only when exactly one such person is
        corroborated (``store.corroboration``: an organisation both articles name, or a shared country); otherwise
        it stays an entity of its article, kept out of screening (still found by name).
        """
        db = self.db
        out: list[tuple[int, bool] | None] = [None] * len(clusters)
        for i, cl in enumerate(clusters):
            if cl.lone:
                continue
            if cl.type == extract.ORG:
                out[i] = store.upsert_organization(db, version, cl.name, cl.key, cl.forms)
            else:
                out[i] = store.upsert_entity(db, version, cl.type, cl.name, cl.key)
        orgs = [out[i][0] for i, cl in enumerate(clusters)
                if cl.type == extract.ORG and out[i] and all(m.kind == "name" for m in cl.mentions)]
        for i, cl in enumerate(clusters):
            if not cl.lone:
                continue
            if self._person_words is None:
                self._person_words = store.person_word_index(db)
            countries = {c for m in cl.mentions for c in ([m.country] if m.country else []) + list(m.countries)}
            # A surname ("Blair") is corroborated by a shared organisation or country; a first name alone
            # ("Alexander", often a film or a team) only by a shared organisation.
            surnames = self._person_words.get(("last", cl.key), set())
            first_names = self._person_words.get(("first", cl.key), set()) - surnames
            backed = [eid for eid in sorted(surnames) if store.corroboration(db, eid, orgs, countries)] + \
                     [eid for eid in sorted(first_names) if store.corroboration(db, eid, orgs, set())]
            if len(backed) == 1:
                out[i] = (backed[0], False)
                continue
            out[i] = store.upsert_entity(db, version, cl.type, cl.name, cl.key, f"article:{article_id}")
            store.set_unscreened(db, out[i][0], entity_keys.LONE_PERSON)
        return [o for o in out if o is not None]

    def _parse_adverse(self, names: dict[str, list[tuple[int, int, str]]], contexts: set[str]) -> dict:
        """Parse, once each, the sentences worth it (adverse words; see ``subjects.worth_parsing``) and the
        following sentences that refer back to a name and hold adverse words: text -> parsed doc. ``names``: each
        sentence's names (start, end, kind); ``contexts``: the following sentences of the names
        (``Mention.context``)."""
        todo = [e for e, spans in names.items() if subjects.worth_parsing(e, spans)]
        todo += sorted(c for c in contexts if c not in names and subjects.needs_parse(c))
        if not todo:
            return {}
        if self.parser is None:
            self.parser = nlp.load_parser()
        return dict(zip(todo, subjects.parse(self.parser, todo)))

    def _version(self) -> int:
        if self.version is None:
            self.version = store.new_version(self.db, "articles", self.description, self.actor)
        return self.version

    def store(self, prep: PreparedArticle, docs=None) -> Outcome | None:
        """Store one article in one transaction; return what happened.

        Without ``docs`` (before the model has run) only a duplicate or a near-copy is stored (linked); for
        anything else it returns None, and the article comes back with its docs.
        """
        db = self.db
        where = prep.raw.where
        created_version = self.version is None
        # The model's output, the entities and the risk of every mention are worked out before the write
        # transaction, so SQLite's write lock is held only for the reads and writes (other writers, such as
        # analysts' decisions, wait less).
        clusters = signals = offices = None
        if docs is not None:
            lang = prep.clean.language
            result = extract.extract(prep.paragraphs, docs, self.model(lang)[1], lang=lang)
            clusters = consolidate.cluster(result.mentions, prep.paragraphs) + _credit_clusters(prep)
            # The dependency parse runs only on the sentences with adverse words, to tell whom they are about
            # (English: the French pipeline's parser is not loaded, its sentences keep the word rules alone).
            # the names of each sentence (excerpt), with their kind ("the firm" stands for the one organisation)
            names: dict[str, list[tuple[int, int, str]]] = {}
            for cl in clusters:
                for m in cl.mentions:
                    if m.kind == "name":
                        names.setdefault(m.excerpt, []).append((m.start, m.end, cl.type))
            contexts = {m.context for cl in clusters for m in cl.mentions if m.kind == "name" and m.context}
            parsed = self._parse_adverse(names, contexts) if lang == "en" else {}
            # The following sentences are read through their words that refer back ("the firm", "He"): are their
            # adverse words about the entity?
            signals = [[risk.classify(m.excerpt, m.start, m.end, m.context, lang=lang,
                                      about=subjects.about(parsed[m.excerpt], m.start, m.end, names[m.excerpt])
                                      if m.excerpt in parsed else None,
                                      context_about=subjects.about_reference(
                                          parsed[m.context], extract.references(m.context, cl.type, m.name))
                                      if m.context in parsed else None) if m.kind == "name"
                        else risk.RiskSignal(reporting=True) for m in cl.mentions] for cl in clusters]
            # Beside the risk signal, the public function a sentence gives a person (what makes a PEP); the
            # function vocabulary is English only.
            offices = [[functions.find(m.excerpt, m.start, m.end) if m.kind == "name" and cl.type == extract.PERSON
                        and lang == "en" else None for m in cl.mentions] for cl in clusters]
        try:
            with transaction(db):
                dup = store.find_duplicate(db, prep.url, prep.text_hash)
                if dup:
                    return Outcome(where, "duplicate", f"already in the watchlist as article {dup['id']} "
                                   f"({dup['reason']})", title=prep.title, article_id=dup["id"])
                near = _near_copy(db, prep)
                if not near and docs is None:
                    return None
                version = self._version()
                row = {"url": prep.url, "title": prep.title, "source": prep.source, "author": prep.author,
                       "site": prep.site, "published": prep.published, "language": prep.clean.language,
                       "text": prep.text, "text_hash": prep.text_hash,
                       "file_name": os.path.basename(where), "format": prep.raw.format,
                       "credits": prep.clean.credits}
                if near:
                    row["duplicate_of"], row["similarity"] = near[0], round(near[1], 4)
                    article_id = store.insert_article(db, version, row, prep.bands)
                    store.record_version_counts(db, version, linked=1)
                    return Outcome(where, "linked", f"near-copy of article {near[0]} ({near[1]:.0%} the same "
                                   "text): linked to it, not counted as a second source", prep.title, article_id)
                article_id = store.insert_article(db, version, row, prep.bands)
                new_entities, n_mentions, touched = 0, 0, []
                ids = self._entity_ids(clusters, article_id, version)
                for cl, sigs, offs, (entity_id, is_new) in zip(clusters, signals, offices, ids):
                    new_entities += is_new
                    store.add_aliases(db, entity_id, cl.aliases, version)
                    rows = []
                    for m, sig, office in zip(cl.mentions, sigs, offs):
                        rows.append({
                            "alias": m.name, "excerpt": m.excerpt, "start": m.start, "end": m.end,
                            "paragraph": m.paragraph, "sentence": m.sentence, "kind": m.kind, "context": m.context,
                            "country": m.country, "countries": m.countries, "risk_categories": sig.categories,
                            "triggers": sig.triggers, "stage": sig.stage, "stage_words": sig.stage_words,
                            "adverse": sig.adverse, "reporting": sig.reporting,
                            "function": office.title if office else None,
                            "function_country": office.country if office else None})
                    store.insert_mentions(db, version, entity_id, article_id, rows)
                    n_mentions += len(rows)
                    touched.append(entity_id)
                for entity_id in touched:
                    store.refresh_entity(db, entity_id, version)
                store.record_version_counts(db, version, articles_added=1, entities_added=new_entities,
                                            mentions_added=n_mentions)
        except Exception:
            if created_version:
                self.version = None  # the version row was rolled back with the article
            raise
        # The entity ruler of every loaded language learns each new entity's name; an organisation's every name
        # ("LG" beside "LG Group", now one entity), as the stored aliases are learnt at the start of an import.
        for _pipe, known in self._models.values():
            known.add((name, cl.type) for cl in clusters if not cl.lone
                      for name in (cl.aliases if cl.type == extract.ORG else [cl.name]))
        if self._person_words is not None:
            for cl, (entity_id, _) in zip(clusters, ids):
                if cl.type == extract.PERSON and not cl.lone:
                    for alias in cl.aliases:
                        store.add_person_words(self._person_words, entity_id, name_key(alias))
        return Outcome(where, "added", f"{len(clusters)} entities, {n_mentions} mentions", prep.title, article_id,
                       len(clusters), n_mentions)


def _credit_clusters(prep: PreparedArticle) -> list[consolidate.Cluster]:
    """Agencies credited in a sign-off ("dm/msh (Reuters)") become source organisations, not extracted text."""
    out = []
    signoffs = [line for line, reason in prep.clean.removed if reason == "agency sign-off"]
    for agency in prep.clean.credits:
        line = next((s for s in signoffs if agency in s), agency)
        start = line.find(agency)
        m = extract.Mention(agency, extract.ORG, -1, 0, line, max(start, 0), max(start, 0) + len(agency),
                            kind="credit")
        out.append(consolidate.Cluster(extract.ORG, agency, consolidate.org_key(agency)[0], [m],
                                       forms=set(consolidate.org_key(agency)[1])))
    return out


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Let the garbage collector skip the loaded model and gazetteer and run less often during an import.

    Every parsed paragraph allocates thousands of small objects; with the default thresholds the collector walks
    the model's and the gazetteer's objects again and again (measured: 13% of the import's time on BBC news, none
    of the model's own). Settings are restored afterwards.
    """
    thresholds = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(max(thresholds[0], 50_000), max(thresholds[1], 20), max(thresholds[2], 20))
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def ingest(db: sqlite_utils.Database, paths: Iterable[str | Path] = (), *, raws: Iterable[RawArticle] | None = None,
           source: str | None = None, title: str | None = None, actor: str | None = None,
           description: str | None = None, workers: int = 1, cluster: str | None = None,
           progress: Callable[[Outcome], None] | None = None) -> ImportResult:
    """Add articles from files and folders (or ready ``RawArticle`` records) to the watchlist.

    ``workers`` > 1 runs the language model in that many worker processes while this process cleans, extracts
    and stores (for large imports on several cores; each worker holds its own copy of the model, ~150 MB).
    ``cluster`` (a Dask scheduler, ``tcp://HOST:8786``) runs cleaning, language detection and the model on that
    cluster's workers instead (``workers`` is then unused); this process extracts and stores, in file order, the
    same as without it. An unreachable scheduler raises ``ImportStopped`` before anything is stored.
    ``progress`` is called with each outcome as it happens. Bad input, and an unexpected error on one article,
    make that article's outcome "failed" and the others go on; a database error, or a cluster that goes away,
    stops the import, with every article before it stored whole.
    """
    paths = list(paths)
    items: Iterable = raws if raws is not None else read_all(paths, title=title, source=source)
    if cluster:
        return _ingest_on_cluster(db, cluster, items, _description(description, paths), actor, progress)
    importer = Importer(db, _description(description, paths), actor)
    outcomes: list[Outcome] = []
    reported = 0

    def flush() -> None:
        nonlocal reported
        if progress:
            for o in outcomes[reported:]:
                progress(o)
        reported = len(outcomes)

    stream = _prepared_stream(items, outcomes, importer)
    pending: dict[int, PreparedArticle] = {}

    parsed: dict[int, list] = {}  # docs of articles in another language than English, parsed here

    def para_stream():
        # Only a small (article number, last paragraph?) context travels with each paragraph, also to workers.
        for n, prep in enumerate(stream):
            flush()
            pending[n] = prep
            if prep.clean.language != "en":
                # Another language's model reads the article here, in this process; an empty paragraph takes its
                # place in the English stream, so that outcomes keep the order of the input.
                pipe = importer.model(prep.clean.language)[0]
                parsed[n] = list(pipe.pipe(prep.paragraphs, batch_size=BATCH_SIZE))
                yield "", (n, True)
                continue
            for i, p in enumerate(prep.paragraphs):
                yield p, (n, i == len(prep.paragraphs) - 1)

    docs: list = []
    with _fewer_collections():
        for doc, (n, last) in importer.nlp.pipe(para_stream(), as_tuples=True, batch_size=BATCH_SIZE,
                                                n_process=max(1, workers)):
            docs.append(doc)
            if last:
                prep = pending.pop(n)
                if n in parsed:
                    docs = parsed.pop(n)
                outcomes.append(_store_parsed(importer, prep, docs))
                docs = []
                flush()
    flush()
    return ImportResult(importer.version, outcomes)


def _description(description: str | None, paths: list) -> str:
    return description or ("add " + " ".join(str(p) for p in paths))[:500]


def _articles_of(chunk: list[RawArticle | ReadArticle]) -> str:
    """A task's articles, in words (for an error)."""
    return chunk[0].where if len(chunk) == 1 else f"the articles {chunk[0].where} to {chunk[-1].where}"


def _store_parsed(importer: Importer, prep: PreparedArticle, docs: list) -> Outcome:
    """Store an article the model has read; an unexpected error fails this article only."""
    try:
        return importer.store(prep, docs)
    except sqlite3.Error:
        raise  # the store itself failed: stop, every article before this one is stored whole
    except Exception as exc:  # a bug on one odd article must not stop the others
        log.exception("could not process %s", prep.raw.where)
        return Outcome(prep.raw.where, "failed", f"could not be processed ({type(exc).__name__}: {exc}); nothing "
                       "was stored for it", prep.title)


def _ingest_on_cluster(db: sqlite_utils.Database, address: str, items: Iterable[RawArticle | ArticleError],
                       description: str, actor: str | None,
                       progress: Callable[[Outcome], None] | None) -> ImportResult:
    """``ingest`` with the articles read on the Dask cluster of the scheduler at ``address`` (``read_articles``)
    and stored here in their order; ``ImportStopped`` when the cluster cannot be reached, goes away or fails."""
    # Imported here, not at the top: Dask is an optional extra, and an import without a cluster never imports it.
    from screening.service import cluster as dask_cluster
    importer: Importer | None = None
    outcomes: list[Outcome] = []
    try:
        client = dask_cluster.connect(address)     # before anything is read or stored: fail early, in words
        try:
            importer = Importer(db, description, actor)
            plain = (ReadArticle(i.where, problem=i.problem) if isinstance(i, ArticleError) else i for i in items)
            read = dask_cluster.map_in_order(client, read_articles, plain, dask_cluster.ARTICLES_PER_TASK,
                                             _articles_of)
            _store_read(importer, read, outcomes, progress)
        finally:
            client.close()
    except dask_cluster.ClusterError as exc:
        raise ImportStopped(str(exc), ImportResult(importer.version if importer else None, outcomes)) from exc
    return ImportResult(importer.version, outcomes)


def _store_read(importer: Importer, read: Iterable[ReadArticle], outcomes: list[Outcome],
                progress: Callable[[Outcome], None] | None) -> None:
    """Store articles read elsewhere (``read_articles`` on a cluster), in their order, each as ``ingest`` does;
    append each outcome to ``outcomes``."""
    with _fewer_collections():
        for r in read:
            if r.prep is None:
                outcome = Outcome(r.where, "failed", r.problem or "could not be read")
            else:
                # A duplicate or near-copy of a stored article: settled without the docs, as on this machine.
                outcome = importer.store(r.prep)
                if outcome is None:
                    docs = nlp.docs_from_bytes(r.docs, importer.model(r.prep.clean.language)[0])
                    outcome = _store_parsed(importer, r.prep, docs)
            outcomes.append(outcome)
            if progress:
                progress(outcome)


def ingest_sample(db: sqlite_utils.Database, actor: str | None = None,
                  progress: Callable[[Outcome], None] | None = None) -> ImportResult:
    """Add the bundled sample article (DW, 20 September 2016) to the watchlist."""
    return ingest(db, [sample_path()], source=SAMPLE_META["source"], actor=actor,
                  description="bundled sample article", progress=progress)
