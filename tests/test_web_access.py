"""Every route of the app, for every role and for anonymous visitors: each may do what its role allows and
nothing more. The routes are read from the app itself, so a new route is checked the day it is added."""
from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from openpyxl import Workbook

from screening.service import screen
from screening.store import accounts, jobs, runs
from screening.store import db as dbmod

ROLES = ("auditor", "analyst", "reviewer", "admin")      # admin last: its POSTs change accounts and tokens


def _objects(path: str, tmp_path) -> dict[str, int]:
    """Create one of everything a route can name (run, hit, job, entity, article, user, token); return their ids."""
    db = dbmod.connect(path)
    wb = Workbook()
    wb.active.append(["Name", "Country"])
    wb.active.append(["Li Keqiang", "CN"])
    wb.save(tmp_path / "clients.xlsx")
    run_id = screen.screen(db, screen.prepare(tmp_path / "clients.xlsx"), actor="setup")
    hit_id = next(runs.iter_hits(db, run_id))["id"]
    decision_id = runs.add_decision(db, hit_id, "true match", "same name, confirmed by other sources", actor="setup")
    job_id = jobs.enqueue(db, "screen", {"path": str(tmp_path / "clients.xlsx"), "file_name": "c.xlsx"}, "setup")
    user, _ = accounts.add_user(db, "target-user", "analyst", password="correct horse battery")
    token_id, _ = accounts.create_token(db, user["id"], "target")
    entity_id = db.execute("SELECT id FROM entities ORDER BY id LIMIT 1").fetchone()[0]
    article_id = db.execute("SELECT id FROM articles ORDER BY id LIMIT 1").fetchone()[0]
    db.close()
    return {"run_id": run_id, "hit_id": hit_id, "job_id": job_id, "user_id": user["id"], "token_id": token_id,
            "entity_id": entity_id, "article_id": article_id, "decision_id": decision_id, "id": run_id}


def _routes(app):
    """(endpoint, method, rule, permission or None for public) of every route but static files."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        assert hasattr(view, "_access"), f"{rule.rule} declares no access rule"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, rule, view._access))
    return out


def _url(rule, ids: dict[str, int]) -> str:
    missing = [a for a in rule.arguments if a not in ids]
    assert not missing, f"{rule.rule}: no test object for {missing}; add one to _objects"
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(ids[m.group(1)]), rule.rule)


def _request(client, method: str, url: str, api: bool, token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if method == "GET":
        return client.get(url, headers=headers)
    data = {} if api else {"csrf_token": getattr(client, "csrf", "")}
    return client.open(url, method=method, data=data, headers=headers)


def test_every_route_lets_each_role_do_what_it_may_and_nothing_more(web_app, signed_in, tmp_path):
    ids = _objects(web_app.config["DB_PATH"], tmp_path)
    routes = _routes(web_app)
    assert len(routes) >= 10
    db = dbmod.connect(web_app.config["DB_PATH"])
    tokens = {}
    for role in ROLES:
        user, _ = accounts.add_user(db, f"api-{role}", role, password="correct horse battery")
        tokens[role] = accounts.create_token(db, user["id"], "matrix")[1]
    db.close()
    wrong = []
    anonymous = web_app.test_client()
    for endpoint, method, rule, permission in routes:
        url, api = _url(rule, ids), rule.rule.startswith("/api/")
        res = _request(anonymous, method, url, api, None)
        if permission is None:
            continue
        denied = res.status_code == 401 if api else (res.status_code == 302 and "/signin" in res.headers["Location"])
        if not denied and not (not api and method != "GET" and res.status_code == 400):   # CSRF refusal first
            wrong.append(f"anonymous {method} {url}: {res.status_code}")
    for role in ROLES:
        client = signed_in(role)
        for endpoint, method, rule, permission in routes:
            url, api = _url(rule, ids), rule.rule.startswith("/api/")
            if endpoint == "auth.signout":
                continue                  # would end this client's session
            res = _request(client, method, url, api, tokens[role] if api else None)
            if res.status_code >= 500:
                wrong.append(f"{role} {method} {url}: server error {res.status_code}")
            if permission is None:
                continue                  # public (sign-in answers 401 to empty credentials: not a refusal)
            allowed = role in accounts.PERMISSIONS[permission]
            if allowed and res.status_code in (401, 403):
                wrong.append(f"{role} {method} {url}: refused ({res.status_code}) but {permission!r} allows it")
            if not allowed and res.status_code != 403:
                wrong.append(f"{role} {method} {url}: {res.status_code}, expected 403 ({permission!r})")
    assert not wrong, "\n".join(wrong)


def test_a_revoked_or_unknown_token_opens_nothing(web_app):
    db = dbmod.connect(web_app.config["DB_PATH"])
    user, _ = accounts.add_user(db, "svc", "admin", password="correct horse battery")
    token_id, token = accounts.create_token(db, user["id"], "svc")
    accounts.revoke_token(db, token_id)
    db.close()
    client = web_app.test_client()
    api_routes = [r for r in web_app.url_map.iter_rules() if r.rule.startswith("/api/") and not r.arguments]
    for rule in api_routes:
        for token_value in (token, "sk_made_up", ""):
            res = client.get(rule.rule, headers={"Authorization": f"Bearer {token_value}"})
            assert res.status_code in (401, 405), (rule.rule, res.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_session_cookies_do_not_open_the_api(web_app, signed_in, role):
    """The API takes tokens only: a browser session (and so a cross-site form) cannot call it."""
    client = signed_in(role)
    for rule in web_app.url_map.iter_rules():
        if rule.rule.startswith("/api/") and not rule.arguments and "GET" in rule.methods:
            assert client.get(rule.rule).status_code == 401, rule.rule


# --- a password someone else set must be changed first ------------------------------------------------------------

def _sign_in(client, name: str, password: str, next_page: str = ""):
    page = client.get("/signin").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/signin", data={"name": name, "password": password, "csrf_token": token, "next": next_page})


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_an_account_an_admin_created_opens_only_the_password_page_until_its_user_changes_it(web_app, signed_in,
                                                                                             tmp_path):
    ids = _objects(web_app.config["DB_PATH"], tmp_path)
    admin = signed_in("admin")
    res = admin.post("/admin/users", data={"csrf_token": admin.csrf, "name": "newbie", "role": "reviewer"})
    page = res.get_data(as_text=True)
    assert res.status_code == 200 and "must change it at their next sign-in" in page
    password = re.search(r'id="secret">([^<]+)<', page).group(1)
    assert "to be changed at next sign-in" in admin.get("/admin/users").get_data(as_text=True)
    db = dbmod.connect(web_app.config["DB_PATH"])
    user = accounts.find_user(db, "newbie")
    assert user["must_change_password"] == 1
    token = accounts.create_token(db, user["id"], "integration")[1]
    db.close()

    client = web_app.test_client()
    res = _sign_in(client, "newbie", password)
    assert res.status_code == 302 and res.headers["Location"] == "/account/password"
    page = client.get("/account/password").get_data(as_text=True)
    assert "Choose your own password" in page and "Your password was set by someone else" in page
    assert "Work queue" not in page and "Sign out" in page          # no links to pages that would not open
    client.csrf = _csrf(page)
    wrong = []
    for endpoint, method, rule, permission in _routes(web_app):
        url, api = _url(rule, ids), rule.rule.startswith("/api/")
        if permission is None or endpoint == "auth.change_password" or api:
            continue
        res = _request(client, method, url, api, None)
        expected = ((302, f"/account/password?next={url}" if url != "/" else "/account/password")
                    if method == "GET" else (303, "/account/password"))          # home is where it goes anyway
        got = (res.status_code, unquote(res.headers.get("Location", "")))
        if got != expected:
            wrong.append(f"{method} {url}: {got}, expected {expected}")
    assert not wrong, "\n".join(wrong)
    # The API takes the user's tokens as before: a token is not a password someone else knows.
    assert client.get("/api/runs", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    res = client.get(f"/api/runs/{ids['run_id']}", headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 200 and res.get_json()["id"] == ids["run_id"]

    # The password given is not a new one; then the user chooses their own and every page of the role opens.
    res = client.post("/account/password?next=/runs", data={"csrf_token": client.csrf, "current": password,
                                                            "new": password, "repeat": password})
    assert res.status_code == 400 and "must differ from the current one" in res.get_data(as_text=True)
    assert client.get("/runs").headers["Location"] == "/account/password?next=/runs"
    res = client.post("/account/password?next=/runs", data={"csrf_token": client.csrf, "current": password,
                                                            "new": "newbie's own passphrase", "repeat":
                                                            "newbie's own passphrase"})
    assert res.status_code == 302 and res.headers["Location"] == "/runs"
    page = client.get("/runs").get_data(as_text=True)
    assert "Password changed" in page and "Work queue" in page
    for url in ("/", "/runs", f"/runs/{ids['run_id']}", f"/hits/{ids['hit_id']}", "/queue/", "/watchlist/"):
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/users").status_code == 403                  # a reviewer, not an admin
    db = dbmod.connect(web_app.config["DB_PATH"])
    assert accounts.find_user(db, "newbie")["must_change_password"] == 0
    db.close()
    assert "to be changed at next sign-in" not in admin.get("/admin/users").get_data(as_text=True)


def test_an_admins_reset_must_be_changed_at_the_next_sign_in(web_app, signed_in):
    admin = signed_in("admin")
    ana = signed_in("analyst", "ana")
    assert ana.get("/runs").status_code == 200
    db = dbmod.connect(web_app.config["DB_PATH"])
    uid = accounts.find_user(db, "ana")["id"]
    db.close()
    page = admin.post(f"/admin/users/{uid}/password", data={"csrf_token": admin.csrf}).get_data(as_text=True)
    password = re.search(r'id="secret">([^<]+)<', page).group(1)
    # The reset ends ana's session; signing in with the new password leads to the password page, then to the page
    # asked for.
    assert ana.get("/runs").headers["Location"].startswith("/signin")
    res = _sign_in(ana, "ana", password, next_page="/queue/?mine=1")
    assert unquote(res.headers["Location"]) == "/account/password?next=/queue/?mine=1"
    res = ana.post(res.headers["Location"], data={"csrf_token": _csrf(ana.get("/account/password").get_data(
        as_text=True)), "current": password, "new": "ana chose this one", "repeat": "ana chose this one"})
    assert res.status_code == 302 and res.headers["Location"] == "/queue/?mine=1"
    assert ana.get("/queue/").status_code == 200


def test_signing_out_is_open_while_the_password_must_change(web_app):
    db = dbmod.connect(web_app.config["DB_PATH"])
    _, password = accounts.add_user(db, "fresh", "auditor")           # generated: must change
    db.close()
    client = web_app.test_client()
    _sign_in(client, "fresh", password)
    csrf = _csrf(client.get("/account/password").get_data(as_text=True))
    res = client.post("/signout", data={"csrf_token": csrf})
    assert res.status_code == 302 and res.headers["Location"] == "/signin"
    assert client.get("/account/password").headers["Location"].startswith("/signin")
