"""The web app's skeleton: the app factory honours the configured database and reports the watchlist."""
from __future__ import annotations

from screening.service import ingest
from web import create_app


def test_health_reports_the_watchlist(tmp_path):
    from screening.store import db as dbmod

    path = tmp_path / "web.db"
    database = dbmod.connect(path)
    ingest.ingest_sample(database)
    database.close()
    app = create_app({"DB_PATH": str(path), "TESTING": True})
    res = app.test_client().get("/health")
    assert res.status_code == 200
    body = res.get_json()
    assert body["status"] == "ok"
    assert body["watchlist"]["version"] == 1
    assert body["watchlist"]["articles"] == 1


def test_signing_in_and_the_rules_every_page_shares(signed_in, web_app):
    anonymous = web_app.test_client()
    res = anonymous.get("/runs")
    assert res.status_code == 302 and res.headers["Location"].startswith("/signin?next=/runs")
    client = signed_in("analyst")
    res = client.get("/")
    assert res.status_code == 200 and "analyst-user" in res.get_data(as_text=True)
    assert res.headers["X-Frame-Options"] == "DENY" and res.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in res.headers["Content-Security-Policy"]
    # A form posted without its CSRF token is refused, even for a signed-in user.
    res = client.post("/signout")
    assert res.status_code == 400 and "CSRF" in res.get_data(as_text=True)
    assert client.get("/").status_code == 200
    # An auditor may not open the admin pages; unknown pages are a plain 404 page.
    auditor = signed_in("auditor")
    assert auditor.get("/admin/users").status_code == 403
    res = auditor.get("/no/such/page")
    assert res.status_code == 404 and "Traceback" not in res.get_data(as_text=True)


def test_a_route_without_an_access_rule_is_refused_to_everyone(signed_in, web_app):
    web_app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    client = signed_in("admin")
    assert client.get("/forgotten").status_code == 403


def test_sign_in_goes_back_to_local_pages_only(signed_in, web_app):
    import re

    from screening.store import accounts
    from screening.store import db as dbmod

    db = dbmod.connect(web_app.config["DB_PATH"])
    accounts.add_user(db, "eve", "analyst", password="correct horse battery")
    db.close()
    for target, expected in (("/runs", "/runs"), ("//evil.example/x", "/"), ("https://evil.example/", "/"),
                             ("/\\evil.example", "/")):
        client = web_app.test_client()
        page = client.get("/signin").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        res = client.post("/signin", data={"name": "eve", "password": "correct horse battery", "csrf_token": token,
                                           "next": target})
        assert res.headers["Location"] == expected, target


def test_signing_in_starts_a_fresh_session(web_app):
    """Session fixation: whatever session a visitor brought (an attacker's, planted) is not the one signed in."""
    import re

    from screening.store import accounts
    from screening.store import db as dbmod

    db = dbmod.connect(web_app.config["DB_PATH"])
    accounts.add_user(db, "ana", "analyst", password="correct horse battery")
    db.close()
    client = web_app.test_client()
    page = client.get("/signin").get_data(as_text=True)
    planted = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    with client.session_transaction() as s:
        s["planted"] = "by an attacker"
    client.post("/signin", data={"name": "ana", "password": "correct horse battery", "csrf_token": planted})
    with client.session_transaction() as s:
        assert "planted" not in s and s.get("csrf_token") != planted and s["user_id"]
    # The old token no longer works for forms after sign-in.
    assert client.post("/signout", data={"csrf_token": planted}).status_code == 400


def test_error_answers_carry_the_security_headers_and_no_trace(web_app, signed_in):
    client = signed_in("analyst")
    for res in (client.get("/runs/999999"), client.get("/api/runs"), web_app.test_client().get("/nowhere")):
        assert res.headers["X-Content-Type-Options"] == "nosniff" and "Content-Security-Policy" in res.headers
        assert "Traceback" not in res.get_data(as_text=True)


def test_the_first_admins_one_time_password_must_be_changed_before_anything_else(web_app):
    import re

    from screening.service.accounts import ensure_first_admin
    from screening.store import db as dbmod

    db = dbmod.connect(web_app.config["DB_PATH"])
    name, password = ensure_first_admin(db)
    db.close()
    client = web_app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/signin").get_data(as_text=True)).group(1)
    res = client.post("/signin", data={"name": name, "password": password, "csrf_token": token,
                                       "next": "/admin/users"})
    assert res.status_code == 302 and res.headers["Location"] == "/account/password?next=/admin/users"
    for url in ("/", "/admin/users", "/admin/settings", "/runs", "/watchlist/"):
        res = client.get(url)
        assert res.status_code == 302 and res.headers["Location"].startswith("/account/password"), url
    page = client.get("/account/password?next=/admin/users").get_data(as_text=True)
    assert "one-time password printed when the service first started" in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    res = client.post("/account/password?next=/admin/users", data={
        "csrf_token": csrf, "current": password, "new": "the admin's own passphrase",
        "repeat": "the admin's own passphrase"})
    assert res.status_code == 302 and res.headers["Location"] == "/admin/users"
    assert client.get("/admin/users").status_code == 200 and client.get("/").status_code == 200
