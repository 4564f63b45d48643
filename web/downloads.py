"""Send a file the product writes (a report, a case file, a JSON export) as a download, from a private temporary
folder that is gone before the response starts."""
from __future__ import annotations

import os
import shutil
import tempfile
from typing import Callable

from flask import send_file

from screening.service import screen

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def send_written(write: Callable[[str], None], name: str, mimetype: str):
    """Call ``write(path)`` for a path in a private temporary folder and send the file as ``name``; the folder is
    removed before the response starts (the open file stays readable until it is sent)."""
    folder = tempfile.mkdtemp(prefix="screening-download-")
    try:
        path = os.path.join(folder, name)
        write(path)
        fh = open(path, "rb")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return send_file(fh, mimetype=mimetype, as_attachment=True, download_name=name)


def send_case_file(job: dict):
    """Send the PDF case file a finished ``case file`` job wrote (``screen.CaseFileNotReady``, a 404 with the reason,
    before it is written or once it is swept)."""
    path, name = screen.case_file_of(job)
    return send_file(path, mimetype=PDF, as_attachment=True, download_name=name)
