"""Read article files into plain ``RawArticle`` records: one adapter per format, nothing stored here.

Formats: ``.txt`` (title = first line unless given), ``.html``/``.htm`` (main text and metadata through
trafilatura), ``.json`` (an object or a list of objects) and ``.jsonl`` (one object per line), and folders,
recursively. Each problem is an ``ArticleError`` naming the file (and the record inside it).
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Union

from screening.engine.textio import TextDecodeError, decode_text
from watchlists.errors import ArticleError

SUPPORTED = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".json": "json", ".jsonl": "jsonl"}
MAX_BYTES_ENV = "SCREENING_MAX_ARTICLE_BYTES"
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


@dataclass
class RawArticle:
    """An article as read from its file, before cleaning and extraction."""

    where: str  # the file name, and the record inside it for JSON ("a.jsonl line 3")
    format: str
    text: str | None = None
    html: str | None = None
    title: str | None = None
    url: str | None = None
    published: str | None = None
    source: str | None = None
    author: str | None = None
    site: str | None = None
    notes: list[str] = field(default_factory=list)


Item = Union[RawArticle, ArticleError]


def max_bytes() -> int:
    """Return the largest article file accepted, from ``SCREENING_MAX_ARTICLE_BYTES`` (default 5 MB)."""
    try:
        return int(os.environ.get(MAX_BYTES_ENV, DEFAULT_MAX_BYTES))
    except ValueError:
        return DEFAULT_MAX_BYTES


def expand_paths(paths: list[str | Path]) -> list[tuple[Path, str | None]]:
    """List the files to read, folders expanded recursively; unsupported files in folders are skipped.

    Returns ``(path, error)`` pairs: a path given explicitly that does not exist or has an unsupported
    extension carries an error message instead of being dropped silently.
    """
    out: list[tuple[Path, str | None]] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if child.is_file() and child.suffix.lower() in SUPPORTED and not child.name.startswith("."):
                    out.append((child, None))
        elif not p.exists():
            out.append((p, "no such file or folder"))
        elif p.suffix.lower() not in SUPPORTED:
            out.append((p, f"unsupported file type {p.suffix or '(none)'!r}; expected one of "
                           + ", ".join(sorted(SUPPORTED))))
        else:
            out.append((p, None))
    return out


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def decode(data: bytes, where: str) -> tuple[str, str]:
    """Decode an article file (``screening.engine.textio``) and refuse binary data; return ``(text, encoding)``."""
    try:
        decoded = decode_text(data)
    except TextDecodeError as exc:
        raise ArticleError(where, str(exc)) from None
    text, enc = decoded.text, decoded.encoding
    sample = text[:4096]
    controls = len(_CONTROLS.findall(sample)) + sample.count("\ufffd")
    if sample and controls / len(sample) > 0.05:
        raise ArticleError(where, "binary data, not text")
    return text, enc


def _read_bytes(path: Path) -> bytes:
    where = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ArticleError(where, f"cannot read: {exc.strerror or exc}")
    limit = max_bytes()
    if size == 0:
        raise ArticleError(where, "empty file")
    if size > limit:
        raise ArticleError(where, f"too large: {size / 1e6:.1f} MB (the limit is {limit / 1e6:.1f} MB per article "
                                  f"file; set {MAX_BYTES_ENV} to change it)")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ArticleError(where, f"cannot read: {exc.strerror or exc}")


def read_path(path: Path, title: str | None = None, source: str | None = None) -> Iterator[Item]:
    """Yield the articles of one file (several for JSON lists and JSONL), or an error for each bad part."""
    where = str(path)
    fmt = SUPPORTED.get(path.suffix.lower())
    try:
        data = _read_bytes(path)
        text, encoding = decode(data, where)
    except ArticleError as exc:
        yield exc
        return
    note = [] if encoding in ("utf-8", "utf-8-sig") else [f"decoded as {encoding}"]
    if not text.strip():
        yield ArticleError(where, "no text (the file holds only white space)")
        return
    if fmt == "txt":
        yield RawArticle(where, "txt", text=text, title=title, source=source, notes=note)
    elif fmt == "html":
        yield RawArticle(where, "html", html=text, title=title, source=source, notes=note)
    elif fmt == "json":
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            yield ArticleError(where, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}")
            return
        records = obj if isinstance(obj, list) else [obj]
        for i, rec in enumerate(records, 1):
            sub = f"{where} item {i}" if isinstance(obj, list) else where
            yield from _from_record(rec, sub, source)
    elif fmt == "jsonl":
        for lineno, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            sub = f"{where} line {lineno}"
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                yield ArticleError(sub, f"invalid JSON at column {exc.colno}: {exc.msg}")
                continue
            yield from _from_record(rec, sub, source)


def _from_record(rec: object, where: str, source: str | None) -> Iterator[Item]:
    if not isinstance(rec, dict):
        yield ArticleError(where, f"expected a JSON object with 'title' and 'text' or 'html', got {type(rec).__name__}")
        return
    text, html = rec.get("text"), rec.get("html")
    if not (isinstance(text, str) and text.strip()) and not (isinstance(html, str) and html.strip()):
        yield ArticleError(where, "no article text: the object needs a non-empty 'text' or 'html' string")
        return
    def opt(key: str) -> str | None:
        val = rec.get(key)
        return str(val).strip() if val not in (None, "") else None
    yield RawArticle(
        where, "json",
        text=text if isinstance(text, str) and text.strip() else None,
        html=html if not (isinstance(text, str) and text.strip()) else None,
        title=opt("title"), url=opt("url"), published=opt("published") or opt("date"),
        source=opt("source") or source, author=opt("author"),
    )


def read_all(paths: list[str | Path], title: str | None = None, source: str | None = None) -> Iterator[Item]:
    """Yield every article (or error) of the given files and folders, in a stable order."""
    for path, problem in expand_paths(paths):
        if problem:
            yield ArticleError(str(path), problem)
        else:
            yield from read_path(path, title=title, source=source)
