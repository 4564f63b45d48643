"""One error map (web/errors.py) for pages and the API, Flask-WTF's CSRF protection on forms, and Flask-Limiter's
rate limit on the API."""
from __future__ import annotations

import re

import pytest

from screening.files.columns import ClientFileError
from screening.service import matching, policy, search
from screening.store import accounts, jobs, runs, workqueue
from screening.store import db as dbmod
from watchlists.errors import EntityNotFound
from web import create_app, errors, uploads
from web.auth import public


def _token(app, role: str = "analyst", name: str | None = None) -> dict:
    db = dbmod.connect(app.config["DB_PATH"])
    try:
        name = name or f"api-{role}"
        user = accounts.find_user(db, name) or accounts.add_user(db, name, role)[0]
        return {"Authorization": f"Bearer {accounts.create_token(db, user['id'], label='tests')[1]}"}
    finally:
        db.close()


# --- one map ----------------------------------------------------------------------------------------------------

def test_an_unknown_run_is_the_404_page_for_pages_and_json_for_the_api(web_app, signed_in):
    own = [scope for scope, by_code in web_app.error_handler_spec.items() if scope and any(by_code.values())]
    assert own == [], "blueprints answer no errors of their own: web/errors.py does"
    page = signed_in("analyst").get("/runs/424242")
    text = page.get_data(as_text=True)
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "There is no run 424242." in text and "<h1>Not Found</h1>" in text and "Traceback" not in text
    api = web_app.test_client().get("/api/runs/424242", headers=_token(web_app, "auditor"))
    assert api.status_code == 404 and api.mimetype == "application/json"
    assert api.get_json() == {"error": "Not Found", "status": 404, "message": "There is no run 424242."}
    # The same error for the same thing, whichever way it is asked: the hit of an unknown id too.
    assert signed_in("auditor").get("/hits/424242").status_code == 404
    assert web_app.test_client().get("/api/hits/424242", headers=_token(web_app, "auditor")).status_code == 404


@pytest.mark.parametrize("error, status", [
    (runs.RunNotFound("no run 5"), 404), (EntityNotFound("no entity with id or name 'x'"), 404),
    (jobs.JobNotFound("no job 7"), 404), (jobs.JobError("job 7 is done: only a failed job can be retried"), 400),
    (accounts.AccountNotFound("no token 3"), 404), (accounts.AccountError("the last admin keeps the admin role"), 400),
    (matching.EmptyWatchlist("the watchlist is empty"), 409), (ClientFileError("no name column"), 400),
    (uploads.UploadError("choose a file to upload"), 400), (policy.PolicyErrors(["a", "b"]), 400),
    (search.SearchError("the name is too long"), 400), (workqueue.AssignmentRefused("no user named 'x'"), 400),
    (runs.DecisionError("a decision needs a reason"), 400), (runs.DecisionNotFound("no decision 9"), 404), (runs.HitNotFound("no hit 4"), 404),
    (accounts.SignInRefused("wrong user name or password"), 401),
    (accounts.SignInRefused("too many failed sign-ins", retry_after=8), 429),
    (KeyError("a bug"), None),
])
def test_each_domain_error_has_one_status(error, status):
    assert errors.status_of(error) == status


@pytest.mark.parametrize("error, status, words", [
    (matching.EmptyWatchlist("the watchlist is empty: add articles"), 409, "the watchlist is empty"),
    (search.SearchError("unknown country 'Narnia'"), 400, "unknown country"),
    (accounts.SignInRefused("too many failed sign-ins: try again in 8 s", retry_after=8), 429, "try again in 8 s"),
    (RuntimeError("secret internals /srv/data"), 500, "Something went wrong on our side"),
])
def test_a_view_that_lets_an_error_go_gets_the_mapped_answer(sample_copy, tmp_path, error, status, words):
    app = create_app({"DB_PATH": str(sample_copy), "TESTING": True, "UPLOAD_DIR": str(tmp_path / "up")})

    def boom():
        raise error
    app.add_url_rule("/api/boom", "api_boom", public(boom))
    app.add_url_rule("/boom", "page_boom", public(boom))
    client = app.test_client()
    res = client.get("/api/boom")
    assert res.status_code == status and res.get_json()["status"] == status and words in res.get_json()["message"]
    page = client.get("/boom")
    assert page.status_code == status and page.mimetype == "text/html" and words in page.get_data(as_text=True)
    assert "secret internals" not in page.get_data(as_text=True) + res.get_data(as_text=True)
    if status == 429:
        assert res.headers["Retry-After"] == "8"


def test_a_wrong_method_keeps_its_allow_header(web_app):
    res = web_app.test_client().delete("/api/runs", headers=_token(web_app, "auditor"))
    assert res.status_code == 405 and res.get_json()["status"] == 405
    assert set(res.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_a_form_that_fails_validation_shows_the_form_again_not_an_error_page(signed_in):
    analyst = signed_in("analyst")
    res = analyst.post("/upload", data={"csrf_token": analyst.csrf, "threshold": "2"},
                       content_type="multipart/form-data")
    text = res.get_data(as_text=True)
    assert res.status_code == 400 and 'name="file"' in text and "2" in text and "outside" in text


# --- CSRF (Flask-WTF) ---------------------------------------------------------------------------------------------

def test_a_form_without_its_csrf_token_is_refused_and_one_with_it_passes(signed_in):
    analyst = signed_in("analyst")
    for data in ({}, {"csrf_token": "made-up"}, {"csrf_token": analyst.csrf + "x"}):
        res = analyst.post("/monitoring/run", data=data)
        text = res.get_data(as_text=True)
        assert res.status_code == 400 and "CSRF token" in text and "Reload the page" in text, data
    res = analyst.post("/monitoring/run", data={"csrf_token": analyst.csrf})
    assert res.status_code == 302 and res.headers["Location"] == "/monitoring"
    # The token in a header does too (for scripts on our own pages).
    assert analyst.post("/monitoring/run", headers={"X-CSRF-Token": analyst.csrf}).status_code == 302
    # Another session's token is no good here.
    other = signed_in("reviewer")
    assert analyst.post("/monitoring/run", data={"csrf_token": other.csrf}).status_code == 400


def test_the_api_needs_no_csrf_token(web_app):
    res = web_app.test_client().post("/api/hits/1/decisions", headers=_token(web_app), json={"decision": "x"})
    assert res.status_code in (400, 404) and "CSRF" not in res.get_json()["message"]


# --- the API's rate limit (Flask-Limiter) ----------------------------------------------------------------------------

@pytest.fixture
def limited_app(sample_copy, tmp_path, monkeypatch):
    """The app with SCREENING_API_RATE_LIMIT=3 per minute, set the way an operator sets it."""
    monkeypatch.setenv("SCREENING_API_RATE_LIMIT", "3 per minute")
    return create_app({"DB_PATH": str(sample_copy), "TESTING": True, "SESSION_COOKIE_SECURE": False,
                       "UPLOAD_DIR": str(tmp_path / "uploads")})


def test_the_api_answers_429_in_json_with_retry_after_past_the_limit(limited_app, signed_in):
    assert limited_app.config["API_RATE_LIMIT"] == "3 per minute"
    client = limited_app.test_client()
    ana, bob = _token(limited_app, "analyst", "ana"), _token(limited_app, "auditor", "bob")
    # One count for every API route, per token.
    for url in ("/api/runs", "/api/watchlist", "/api/runs/424242"):
        assert client.get(url, headers=ana).status_code in (200, 404)
    res = client.get("/api/runs", headers=ana)
    body = res.get_json()
    assert res.status_code == 429 and body["error"] == "Too Many Requests" and body["status"] == 429
    assert "3 per 1 minute" in body["message"] and "SCREENING_API_RATE_LIMIT" in body["message"]
    assert 1 <= int(res.headers["Retry-After"]) <= 60
    assert f"Try again in {res.headers['Retry-After']} s" in body["message"]
    # Another token has its own count; the pages have no such limit.
    assert client.get("/api/runs", headers=bob).status_code == 200
    page = signed_in("analyst")
    assert all(page.get("/runs").status_code == 200 for _ in range(5))


def test_made_up_tokens_count_against_their_address(limited_app):
    client = limited_app.test_client()
    codes = [client.get("/api/runs", headers={"Authorization": f"Bearer sk_guess_{i}"}).status_code
             for i in range(5)]
    assert codes == [401, 401, 401, 429, 429]


def test_a_bad_rate_limit_setting_stops_the_start(sample_copy, monkeypatch):
    monkeypatch.setenv("SCREENING_API_RATE_LIMIT", "lots")
    with pytest.raises(ValueError, match="SCREENING_API_RATE_LIMIT"):
        create_app({"DB_PATH": str(sample_copy), "TESTING": True})


# --- settings from the policy ---------------------------------------------------------------------------------

def test_upload_folder_and_limit_come_from_the_policy(sample_copy, monkeypatch):
    monkeypatch.delenv("SCREENING_UPLOAD_DIR", raising=False)
    monkeypatch.setenv("SCREENING_MAX_UPLOAD_MB", "2.5")
    app = create_app({"DB_PATH": str(sample_copy), "TESTING": True})
    resolved = policy.resolve(None, db_path=str(sample_copy))
    assert app.config["UPLOAD_DIR"] == resolved.upload_dir == str(sample_copy.parent / "uploads")
    assert app.config["MAX_UPLOAD_MB"] == resolved.max_upload_mb == 2.5
    assert app.config["MAX_CONTENT_LENGTH"] == int(2.5 * 1024 * 1024)
    monkeypatch.setenv("SCREENING_MAX_UPLOAD_MB", "-1")
    with pytest.raises(policy.PolicyError):
        create_app({"DB_PATH": str(sample_copy), "TESTING": True})


def test_signing_in_again_gives_a_new_csrf_token(web_app):
    db = dbmod.connect(web_app.config["DB_PATH"])
    accounts.add_user(db, "cy", "analyst", password="correct horse battery")
    db.close()
    client = web_app.test_client()
    first = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/signin").get_data(as_text=True)).group(1)
    client.post("/signin", data={"name": "cy", "password": "correct horse battery", "csrf_token": first})
    page = client.get("/account/password").get_data(as_text=True)
    second = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert second != first
    assert client.post("/signout", data={"csrf_token": first}).status_code == 400
    assert client.post("/signout", data={"csrf_token": second}).status_code == 302
