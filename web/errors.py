"""One map from errors to HTTP answers, for every page and the JSON API.

A view lets a domain error (an unknown run, a file that cannot be screened, an empty watchlist...) propagate; this
module answers it once: an HTML error page for pages, JSON ``{"error", "status", "message"}`` under ``/api/``
(or when the client asks for JSON only). A view catches an error only to do something of its own with it: show
its form again with the user's values and the message, or flash it and go back.

Statuses (the README's "JSON API" documents them): 400 for a bad parameter, file or value, 401 without a valid
token, 403 when the role may not, 404 for an unknown id or route, 405 for a wrong method, 409 when the watchlist
is empty, 413 for an upload over the limit, 429 past a rate limit (with ``Retry-After``), 500 for anything else,
which is logged and never shown (no stack trace).
"""
from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.http import HTTP_STATUS_CODES

from screening.files.columns import ClientFileError
from screening.files.report import ReportError
from screening.service import matching, policy, screen, search
from screening.store import accounts, jobs, maintenance, monitoring, runs, workqueue
from watchlists.errors import EntityNotFound
from web import limits, uploads

log = logging.getLogger(__name__)

# Each domain error's status. An error's class or its nearest listed base decides (``status_of``).
STATUS: dict[type[BaseException], int] = {
    runs.RunNotFound: 404,                  # an unknown run or hit
    runs.DecisionNotFound: 404,
    jobs.JobNotFound: 404,
    screen.CaseFileNotReady: 404,           # a case file not written yet, or swept with old uploads
    accounts.AccountNotFound: 404,          # an unknown user or token
    EntityNotFound: 404,                    # an unknown watchlist entity
    matching.EmptyWatchlist: 409,           # nothing to screen against yet
    ClientFileError: 400,                   # a client file that cannot be screened, with the file's message
    uploads.UploadError: 400,               # no file, an extension not accepted, an empty file
    policy.PolicyError: 400,                # a threshold, hit limit or setting out of bounds
    search.SearchError: 400,                # a name or country that cannot be searched
    jobs.JobError: 400,                     # a job that cannot be retried
    accounts.AccountError: 400,             # a name taken, the last admin, a short password...
    accounts.SignInRefused: 401,            # 429 while the sign-in throttle makes the next attempt wait
    runs.DecisionError: 400,
    runs.HitFilterError: 400,               # an unknown class, source, risk category... of a filter of hits
    runs.ApprovalError: 400,
    workqueue.QueueError: 400,              # AssignmentRefused, BulkDecisionRefused
    monitoring.MonitorError: 400,
    maintenance.MaintenanceError: 400,
    ReportError: 500,                       # the server could not write a report file: logged, not shown
}


SERVER_FAULT = "Something went wrong on our side; the error was logged. Try again, or tell your administrator."
CSRF_REFUSED = "The form was not sent by this site or has expired: {reason}. Reload the page and try again."


def status_of(exc: BaseException) -> int | None:
    """The HTTP status of a domain error, or None when it is not one of ours (then: 500)."""
    status = next((STATUS[c] for c in type(exc).__mro__ if c in STATUS), None)
    if status == 401 and getattr(exc, "retry_after", 0):
        return 429
    return status


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def answer(status: int, message: str, headers: dict | None = None, **extra):
    """The error answer: JSON ``{"error", "status", "message", **extra}`` for the API, else the error page."""
    name = HTTP_STATUS_CODES.get(status, "Error")
    if wants_json():
        response = jsonify({"error": name, "status": status, "message": message, **extra})
    else:
        response = make_response(render_template("error.html", code=status, name=name, description=message))
    response.status_code = status
    response.headers.update(headers or {})
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}   # Allow, Retry-After...
        message = exc.description
        if isinstance(exc, RequestEntityTooLarge):
            message = (f"The file is larger than the upload limit of {current_app.config['MAX_UPLOAD_MB']:g} MB "
                       "(setting SCREENING_MAX_UPLOAD_MB).")
        elif isinstance(exc, CSRFError):
            reason = exc.description.rstrip(".")             # Flask-WTF's: "The CSRF token is missing."
            message = CSRF_REFUSED.format(reason=reason[:1].lower() + reason[1:])
        elif isinstance(exc, RateLimitExceeded):
            wait = limits.retry_after()
            headers["Retry-After"] = str(wait)
            message = (f"Too many requests: the API takes {exc.description} from one token (or address without a "
                       f"token; setting SCREENING_API_RATE_LIMIT). Try again in {wait} s.")
        return answer(exc.code or 500, message, headers)

    @app.errorhandler(Exception)
    def domain_error(exc: Exception):
        status = status_of(exc)
        if status is None or status >= 500:
            log.exception("unexpected error on %s %s", request.method, request.path)
            return answer(500, SERVER_FAULT)
        message = str(exc)
        if status == 404 and message.startswith("no "):
            message = f"There is {message}."
        headers = {"Retry-After": str(exc.retry_after)} if status == 429 else None
        return answer(status, message, headers)
