"""Import an official list, from the command line and from the web alike: read, preview, import.

``prepare`` reads and validates the list's file (for ``ofac-sdn``, with the companion files beside it) and takes
its provenance (each file's name, SHA-256 and size; the publication date from the file where the format writes one,
else the date given by hand, else the file's modification time, said which), storing nothing. ``preview`` compares
the entries with the list as stored: counts of added, updated, delisted and unchanged entries, and the first
changes of each kind, still storing nothing. ``import_prepared`` stores it as one watchlist version with its
provenance and who imported it (``screening.store.watchlist.import_list``).

A web upload is a copy: its modification time is the upload's, not the list's. The web sends the date the browser
gave for the user's file (``mtime``) or the date typed in the form (``published``); with neither, and no date in
the file, ``prepare(..., uploaded=True)`` refuses rather than record the upload's time as the list's.

The whole OFAC SDN set of July 2021 (8,976 entries, four files) takes about 0.4 s to read and 0.3 s to store, so
the web imports it within the request instead of through the job queue (see ``web.admin``).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from screening.store import watchlist as store
from watchlists import lists
from watchlists.lists import ListEntry, ListError, Provenance

__all__ = ["ListError", "Prepared", "default_name", "import_prepared", "prepare", "preview"]

PREVIEW_SAMPLE = 20         # changes of each kind a preview lists


@dataclass
class Prepared:
    """A list file read, validated and described, ready to preview or import; nothing stored yet."""

    path: Path
    format: str
    name: str                                   # the list's name: re-importing the same name updates it
    entries: list[ListEntry]
    notes: list[str]                            # what the reader noticed (an encoding guessed, repeated rows...)
    companions: dict[str, Path | None]          # ofac-sdn: each companion file, None where absent; else empty
    provenance: Provenance
    digest: str                                 # one SHA-256 over every file's name and bytes (``files_sha256``)

    @property
    def aliases(self) -> int:
        return sum(len(e.aliases) for e in self.entries)


def default_name(fmt: str, file_name: str) -> str:
    """A list's name when none is given: the format's (``ofac-sdn``, ``un-consolidated``, ``uk-hmt``), or
    ``csv:<file name without extension>``."""
    return f"csv:{Path(file_name).stem}" if fmt == "csv" else fmt


def prepare(path: str | Path, fmt: str, *, name: str | None = None, published: str | None = None,
            mtime: str | None = None, uploaded: bool = False) -> Prepared:
    """Read a list file in ``fmt`` (``lists.FORMATS``) and take its provenance; store nothing.

    ``name`` names the list (default: ``default_name``). ``published`` is a publication date given by hand
    (YYYY-MM-DD), used when the file carries none; ``mtime`` the list file's modification date where ``path`` is a
    copy (an upload). Raise ``ListError`` for a file that cannot be imported (every bad row listed), a bad date,
    or an upload whose publication date is unknown.
    """
    path = Path(path)
    if fmt not in lists.FORMATS:
        raise ListError(str(path), f"unknown list format {fmt!r} (use {' or '.join(lists.FORMATS)})")
    if published:
        published = lists.publication_date(published)
    notes: list[str] = []
    entries = lists.read_list(path, fmt, notes)
    companions = lists.ofac_companions(path) if fmt == "ofac-sdn" else {}
    paths = lists.list_paths(path, fmt)
    if uploaded and not (published or mtime or lists.published_in_file(path, fmt)):
        raise ListError(path.name, f"{path.name}: the file does not say when the list was published, and no date "
                                   f"was given: enter the publication date")
    name = " ".join((name or "").split()) or default_name(fmt, path.name)
    return Prepared(path=path, format=fmt, name=name, entries=entries, notes=notes, companions=companions,
                    provenance=lists.provenance(paths, fmt, published, mtime), digest=lists.files_sha256(paths))


def preview(db: sqlite_utils.Database, prepared: Prepared, sample: int = PREVIEW_SAMPLE) -> store.ListImport:
    """What importing ``prepared`` would do, storing nothing: counts, and up to ``sample`` changes of each kind."""
    return store.preview_list(db, prepared.entries, name=prepared.name, fmt=prepared.format, sample=sample)


def import_prepared(db: sqlite_utils.Database, prepared: Prepared, *, actor: str,
                    progress: Callable[[int], None] | None = None) -> store.ListImport:
    """Store a prepared list as one watchlist version (nothing when it changes nothing), with its provenance and
    ``actor`` as who imported it."""
    return store.import_list(db, prepared.entries, name=prepared.name, fmt=prepared.format,
                             file_name=prepared.path.name, sha256=prepared.digest, actor=actor, progress=progress,
                             provenance=prepared.provenance)
