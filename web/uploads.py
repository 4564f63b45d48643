"""Store uploaded files safely: a random name in the upload folder (never the name the browser sent), with the
extension checked against what the caller accepts. The original name is kept only as text, for display."""
from __future__ import annotations

import os
import secrets
from pathlib import PurePosixPath, PureWindowsPath

from flask import current_app
from werkzeug.datastructures import FileStorage


class UploadError(ValueError):
    """An upload refused, with the reason in words."""


def display_name(raw: str | None) -> str:
    """The file's own name as the user knows it: no folders (either slash), no control characters, 200 at most."""
    name = PureWindowsPath(PurePosixPath(raw or "").name).name
    name = "".join(c for c in name if c.isprintable()).strip()
    return name[:200] or "upload"


def save(file: FileStorage | None, allowed: tuple[str, ...]) -> tuple[str, str]:
    """Save an uploaded file; return (stored path, display name). Raise ``UploadError`` for a missing file or an
    extension not in ``allowed`` (lower case, with the dot)."""
    if file is None or not file.filename:
        raise UploadError("choose a file to upload")
    name = display_name(file.filename)
    ext = os.path.splitext(name)[1].lower()
    if ext not in allowed:
        raise UploadError(f"{name}: not accepted here (use {', '.join(allowed)})")
    folder = current_app.config["UPLOAD_DIR"]
    os.makedirs(folder, mode=0o700, exist_ok=True)
    path = os.path.join(folder, secrets.token_hex(16) + ext)
    file.save(path)
    if os.path.getsize(path) == 0:
        os.remove(path)
        raise UploadError(f"{name}: the file is empty")
    return path, name
