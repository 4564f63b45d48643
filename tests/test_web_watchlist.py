"""Watchlist and admin pages: search with the screening engine, entity profiles with marked excerpts, articles
added through the upload page (untrusted text stays text), accounts, tokens and settings for admins only."""
from __future__ import annotations

import io
import json
import re

import pytest

from screening.service import policy
from screening.store import accounts, jobs, settings
from screening.store import db as dbmod

EVIL = "<script>alert(1)</script>"


def _db(web_app):
    return dbmod.connect(web_app.config["DB_PATH"])




def _page(res) -> str:
    return res.get_data(as_text=True)


# --- search, entities, articles -------------------------------------------------------------------------------

def test_search_uses_the_screening_engine_and_shows_its_reasons(signed_in):
    client = signed_in("auditor")
    res = client.get("/watchlist/search", query_string={"q": "LIAONING HONGXIANG INDUSTRIAL DEVELOPMENT CO., LTD."})
    page = _page(res)
    assert res.status_code == 200
    assert "Liaoning Hongxiang" in page and "/watchlist/entities/" in page
    assert "words agree: liaoning = liaoning (same word)" in page
    assert "only in the query: industrial development" in page
    assert re.search(r'class="score">0\.\d\d<', page)
    assert "<mark>Liaoning Hongxiang</mark>" in page
    # Country as a name or a code; an unknown country or type is refused with a message.
    assert "Liaoning Hongxiang" in _page(client.get("/watchlist/search?q=Liaoning+Hongxiang&country=China"))
    res = client.get("/watchlist/search?q=Liaoning+Hongxiang&country=Narnia")
    assert res.status_code == 400 and "unknown country" in _page(res)
    res = client.get("/watchlist/search?q=Liaoning+Hongxiang&type=spaceship")
    assert res.status_code == 400 and "unknown entity type" in _page(res)
    res = client.get("/watchlist/search", query_string={"q": "a" * 501})
    assert res.status_code == 400 and "search at most 500" in _page(res)
    res = client.get("/watchlist/search?q=Liaoning+Hongxiang&threshold=2")
    assert res.status_code == 400 and "outside 0 to 1" in _page(res)
    # A name that cannot be screened is an answer, not an error.
    res = client.get("/watchlist/search?q=12345")
    assert res.status_code == 200 and "Not screened: name has only digits and punctuation" in _page(res)
    assert "No candidates at or above 0.70" in _page(client.get("/watchlist/search?q=Zebulon+Quartermaine"))


def test_search_says_when_the_watchlist_is_empty(tmp_path):
    from web import create_app

    app = create_app({"DB_PATH": str(tmp_path / "empty.db"), "TESTING": True, "SESSION_COOKIE_SECURE": False})
    db = dbmod.connect(app.config["DB_PATH"])
    accounts.add_user(db, "ana", "analyst", password="correct horse battery")
    db.close()
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', _page(client.get("/signin"))).group(1)
    client.post("/signin", data={"name": "ana", "password": "correct horse battery", "csrf_token": token})
    res = client.get("/watchlist/search?q=Anyone")
    assert res.status_code == 200 and "the watchlist is empty" in _page(res)
    assert client.get("/watchlist/").status_code == 200


def test_the_entity_profile_shows_every_mention_with_the_name_marked(signed_in):
    client = signed_in("auditor")
    page = _page(client.get("/watchlist/entities"))
    entity_id = re.search(r'href="/watchlist/entities/(\d+)">Liaoning Hongxiang<', page).group(1)
    res = client.get(f"/watchlist/entities/{entity_id}")
    page = _page(res)
    assert res.status_code == 200
    assert "industrial conglomerate, <mark>Liaoning Hongxiang</mark>." in page
    assert "legal action against <mark>Liaoning Hongxiang</mark>, as well as other Chinese firms" in page
    assert page.count('class="excerpt"') == 2
    assert "US and China to cooperate in tackling North Korea threat" in page and "/watchlist/articles/1" in page
    assert "Sanctions and sanctions evasion" in page and "stage investigation" in page
    assert client.get("/watchlist/entities/99999").status_code == 404
    assert client.get("/watchlist/entities/99999999999999999999999").status_code == 404


def test_entity_list_filters_and_pages(signed_in):
    client = signed_in("auditor")
    page = _page(client.get("/watchlist/entities?type=person"))
    assert "Barack Obama" in page and "Liaoning Hongxiang" not in page
    page = _page(client.get("/watchlist/entities", query_string={"role": "source/authority"}))
    assert "United Nations" in page and "Liaoning Hongxiang" not in page
    page = _page(client.get("/watchlist/entities?min_relevance=0.15"))
    assert "Liaoning Hongxiang" in page and "Barack Obama" not in page
    res = client.get("/watchlist/entities?min_relevance=lots")
    assert res.status_code == 400 and "minimum relevance must be a number" in _page(res)
    assert client.get("/watchlist/entities?page=0").status_code == 400
    assert client.get("/watchlist/entities?page=99999999999999999999999").status_code == 400
    assert "No entity matches" in _page(client.get("/watchlist/entities?page=2"))


def test_a_list_entry_shows_its_list_details(signed_in, web_app):
    from pathlib import Path

    from screening.store import watchlist as store
    from watchlists import lists

    path = Path(__file__).parent / "fixtures" / "lists" / "good.csv"
    db = _db(web_app)
    entries = lists.read_csv(path)
    store.import_list(db, entries, name="csv:good", fmt="csv", file_name="good.csv", sha256="x" * 64)
    entity_id = store.find_entities(db, "csv:good:C-1")[0]["id"]
    db.close()
    page = _page(signed_in("auditor").get(f"/watchlist/entities/{entity_id}"))
    assert "DOE, John" in page and "csv:good" in page and "C-1" in page and "1960-01-12" in page
    assert "Internal case 17" in page
    overview = _page(signed_in("auditor").get("/watchlist/"))
    assert "csv:good" in overview


def test_overview_and_articles(signed_in):
    client = signed_in("auditor")
    page = _page(client.get("/watchlist/"))
    assert "Version history" in page and "US and China to cooperate" in page and 'name="q"' in page
    assert "Add articles" not in page                  # an auditor may not add articles
    res = client.get("/watchlist/articles/1")
    page = _page(res)
    assert res.status_code == 200 and "Entities named" in page and "Liaoning Hongxiang" in page
    assert page.count("<p>") > 5                        # paragraphs kept
    assert client.get("/watchlist/articles/999").status_code == 404
    assert "US and China to cooperate" in _page(client.get("/watchlist/articles"))


# --- adding articles ------------------------------------------------------------------------------------------

def _evil_article() -> bytes:
    text = ("Acme Holdings faces fraud charges. Prosecutors said Acme Holdings paid bribes to officials "
            f"and wrote {EVIL} in a ledger. The company denies any wrongdoing and says it will fight the case "
            "in court. Regulators in London are also investigating the firm for money laundering.")
    return json.dumps({"title": f"Fraud probe {EVIL}", "text": text, "url": "javascript:alert(1)",
                       "source": "Example News", "published": "2024-03-01"}).encode()


def test_articles_added_through_the_upload_page_are_escaped_everywhere(run_jobs, signed_in, web_app):
    analyst = signed_in("analyst")
    assert signed_in("auditor").get("/watchlist/add").status_code == 403
    assert "Upload and import" in _page(analyst.get("/watchlist/add"))
    res = analyst.post("/watchlist/add", data={"csrf_token": analyst.csrf, "source": "",
                                               "files": [(io.BytesIO(_evil_article()), "evil <b>.json")]},
                       content_type="multipart/form-data")
    assert res.status_code == 302
    job_id = int(re.fullmatch(r"/jobs/(\d+)", res.headers["Location"]).group(1))
    db = _db(web_app)
    queued = jobs.get_job(db, job_id)
    db.close()
    assert queued["kind"] == "import" and queued["actor"] == "analyst-user" and queued["payload"]["count"] == 1
    [done] = run_jobs()
    assert done["status"] == "done", done["error"]
    [outcome] = done["result"]["outcomes"]
    assert outcome["status"] == "added" and outcome["where"] == "evil <b>.json"      # the name the user knows
    article_id = outcome["article_id"]

    page = _page(analyst.get(f"/watchlist/articles/{article_id}"))
    assert EVIL not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "evil &lt;b&gt;.json" in page
    assert 'href="javascript' not in page
    entity_ids = set(re.findall(r'href="/watchlist/entities/(\d+)"', page))
    assert entity_ids
    shown = [_page(analyst.get(f"/watchlist/entities/{e}")) for e in entity_ids]
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in p for p in shown)
    assert all(EVIL not in p and 'href="javascript' not in p for p in shown)
    overview = _page(analyst.get("/watchlist/"))
    assert EVIL not in overview and "upload by analyst-user: evil &lt;b&gt;.json" in overview
    assert EVIL not in _page(analyst.get("/watchlist/articles"))


def test_upload_page_refuses_bad_files_and_queues_nothing(signed_in, web_app):
    analyst = signed_in("analyst")
    res = analyst.post("/watchlist/add", data={"csrf_token": analyst.csrf,
                                               "files": [(io.BytesIO(b"MZ..."), "tool.exe")]},
                       content_type="multipart/form-data")
    assert res.status_code == 400 and "tool.exe: not accepted here" in _page(res)
    res = analyst.post("/watchlist/add", data={"csrf_token": analyst.csrf}, content_type="multipart/form-data")
    assert res.status_code == 400 and "choose one or more article files" in _page(res)
    res = analyst.post("/watchlist/add", data={"files": [(io.BytesIO(_evil_article()), "a.json")]},
                       content_type="multipart/form-data")
    assert res.status_code == 400                        # no CSRF token
    db = _db(web_app)
    assert jobs.list_jobs(db, kind="import") == []
    db.close()


def test_a_bad_article_fails_alone_under_its_own_name(run_jobs, signed_in, web_app, tmp_path):
    analyst = signed_in("analyst")
    good = json.dumps({"title": "Fraud at Borealis Trading",
                       "text": "Borealis Trading was charged with fraud by prosecutors in Oslo on Monday, "
                               "and its chairman Erik Lindqvist was arrested."}).encode()
    res = analyst.post("/watchlist/add", data={"csrf_token": analyst.csrf, "source": "Nordic Wire",
                                               "files": [(io.BytesIO(good), "good.json"),
                                                         (io.BytesIO(b'{"title": "x"}'), "broken.json")]},
                       content_type="multipart/form-data")
    assert res.status_code == 302
    [done] = run_jobs()
    where = {o["where"]: o for o in done["result"]["outcomes"]}
    assert where["good.json"]["status"] == "added" and where["broken.json"]["status"] == "failed"
    assert done["result"]["counts"] == {"added": 1, "duplicate": 0, "linked": 0, "failed": 1}
    page = _page(analyst.get(f"/watchlist/articles/{where['good.json']['article_id']}"))
    assert "Nordic Wire" in page and "good.json" in page
    # The import's own page says what happened to each file, under the names the user knows.
    page = _page(signed_in("auditor").get(f"/watchlist/imports/{done['id']}"))
    assert "broken.json" in page and "no article text" in page and "Fraud at Borealis Trading" in page
    assert "1 added, 0 already in the watchlist, 0 near-copies linked, 1 failed" in page
    assert "/uploads/" not in page and done["payload"]["paths"][0] not in page
    assert f"/watchlist/imports/{done['id']}" in _page(analyst.get("/watchlist/"))
    assert analyst.get("/watchlist/imports/999").status_code == 404
    # A second upload of the same article is a duplicate, and the stored copies of uploads are removed.
    res = analyst.post("/watchlist/add", data={"csrf_token": analyst.csrf,
                                               "files": [(io.BytesIO(good), "again.json")]},
                       content_type="multipart/form-data")
    [again] = run_jobs()
    assert [o["status"] for o in again["result"]["outcomes"]] == ["duplicate"]
    assert list((tmp_path / "uploads").iterdir()) == []


# --- administration -------------------------------------------------------------------------------------------

ADMIN_PAGES = ["/admin/", "/admin/users", "/admin/tokens", "/admin/settings"]
ADMIN_POSTS = ["/admin/users", "/admin/users/1/role", "/admin/users/1/disabled", "/admin/users/1/password",
               "/admin/tokens", "/admin/tokens/1/revoke", "/admin/settings"]


@pytest.mark.parametrize("role", ["analyst", "reviewer", "auditor"])
def test_only_admins_open_the_admin_pages(signed_in, role):
    client = signed_in(role)
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == 403, url
    for url in ADMIN_POSTS:
        assert client.post(url, data={"csrf_token": client.csrf, "role": "admin", "name": "x"}).status_code == 403, url


def test_admin_adds_accounts_and_the_password_is_shown_once(signed_in, web_app):
    admin = signed_in("admin")
    res = admin.post("/admin/users", data={"csrf_token": admin.csrf, "name": "Bea Reviewer", "role": "reviewer"})
    page = _page(res)
    assert res.status_code == 200 and "Account created" in page
    password = re.search(r'<code class="secret" id="secret">([^<]+)</code>', page).group(1)
    db = _db(web_app)
    assert accounts.sign_in(db, "Bea Reviewer", password)["role"] == "reviewer"
    db.close()
    listing = _page(admin.get("/admin/users"))
    assert "Bea Reviewer" in listing and password not in listing
    # A taken name, an unknown role, an unsafe name: messages, nothing created.
    for name, role, message in (("bea reviewer", "analyst", "exists already"), ("Zed", "boss", "unknown role"),
                                ("<b>x</b>", "analyst", "without &lt;")):
        res = admin.post("/admin/users", data={"csrf_token": admin.csrf, "name": name, "role": role})
        assert res.status_code == 400 and message in _page(res), name


def test_the_last_admin_cannot_be_demoted_or_disabled(signed_in, web_app):
    admin = signed_in("admin")
    db = _db(web_app)
    me = accounts.find_user(db, "admin-user")
    other, _ = accounts.add_user(db, "carl", "analyst")
    db.close()
    res = admin.post(f"/admin/users/{me['id']}/role", data={"csrf_token": admin.csrf, "role": "analyst"})
    assert res.status_code == 400 and "the last admin keeps the admin role" in _page(res)
    res = admin.post(f"/admin/users/{me['id']}/disabled", data={"csrf_token": admin.csrf, "disabled": "1"})
    assert res.status_code == 400 and "the last admin cannot be disabled" in _page(res)
    # Other accounts: role changed, disabled and enabled, password reset (shown once).
    res = admin.post(f"/admin/users/{other['id']}/role", data={"csrf_token": admin.csrf, "role": "reviewer"})
    assert res.status_code == 302
    assert "carl is now reviewer" in _page(admin.get("/admin/users"))
    assert admin.post(f"/admin/users/{other['id']}/disabled",
                      data={"csrf_token": admin.csrf, "disabled": "1"}).status_code == 302
    db = _db(web_app)
    assert accounts.get_user(db, other["id"])["disabled_at"]
    db.close()
    assert admin.post(f"/admin/users/{other['id']}/disabled",
                      data={"csrf_token": admin.csrf, "disabled": "0"}).status_code == 302
    page = _page(admin.post(f"/admin/users/{other['id']}/password", data={"csrf_token": admin.csrf}))
    password = re.search(r'id="secret">([^<]+)<', page).group(1)
    db = _db(web_app)
    assert accounts.sign_in(db, "carl", password)["role"] == "reviewer"
    db.close()
    assert admin.post("/admin/users/9999/role", data={"csrf_token": admin.csrf, "role": "analyst"}).status_code == 404


def test_tokens_are_shown_once_open_the_api_and_stop_when_revoked(signed_in, web_app):
    admin = signed_in("admin")
    db = _db(web_app)
    user, _ = accounts.add_user(db, "integration", "analyst")
    db.close()
    res = admin.post("/admin/tokens", data={"csrf_token": admin.csrf, "user_id": str(user["id"]),
                                            "label": "onboarding"})
    page = _page(res)
    assert res.status_code == 200 and "API token created" in page
    token = re.search(r'id="secret">([^<]+)<', page).group(1)
    listing = _page(admin.get("/admin/tokens"))
    assert "onboarding" in listing and token not in listing
    api = web_app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/runs", headers=auth).status_code == 200
    token_id = re.search(r'/admin/tokens/(\d+)/revoke', listing).group(1)
    assert admin.post(f"/admin/tokens/{token_id}/revoke", data={"csrf_token": admin.csrf}).status_code == 302
    res = api.get("/api/runs", headers=auth)
    assert res.status_code == 401 and res.get_json()["status"] == 401
    assert "revoked" in _page(admin.get("/admin/tokens"))
    res = admin.post("/admin/tokens", data={"csrf_token": admin.csrf, "user_id": "", "label": "x"})
    assert res.status_code == 400 and "choose its user" in _page(res)
    assert admin.post("/admin/tokens/999/revoke", data={"csrf_token": admin.csrf}).status_code == 404


def test_settings_are_validated_and_saved(signed_in, web_app):
    admin = signed_in("admin")
    page = _page(admin.get("/admin/settings"))
    assert 'name="threshold" value="0.7"' in page and 'name="hit_limit" value="10"' in page
    assert 'name="news_min_relevance" value="0.0"' in page
    for form, message in (({"threshold": "1.5", "hit_limit": "10"}, "Default threshold: 1.5 is outside 0 to 1"),
                          ({"threshold": "high", "hit_limit": "10"}, "is not a number"),
                          ({"threshold": "0.8", "hit_limit": "0"}, "Hits per row: 0 is outside 1 to 100"),
                          ({"threshold": "0.8", "hit_limit": "2.5"}, "is not a whole number"),
                          ({"threshold": "", "hit_limit": "5"}, "Default threshold: give a number")):
        res = admin.post("/admin/settings", data={"csrf_token": admin.csrf, **form})
        assert res.status_code == 400 and message in _page(res), form
    db = _db(web_app)
    assert settings.get(db, "threshold") is None and settings.get(db, "hit_limit") is None
    db.close()
    res = admin.post("/admin/settings", data={"csrf_token": admin.csrf, "threshold": "0,8", "hit_limit": "25",
                                              "news_min_relevance": "0.01"})
    assert res.status_code == 302
    db = _db(web_app)
    assert policy.value(db, "threshold") == 0.8 and policy.value(db, "hit_limit") == 25
    assert policy.value(db, "news_min_relevance") == 0.01
    assert policy.admin_settings(db)[0]["updated_by"] == "admin-user"
    db.close()
    assert "by admin-user" in _page(admin.get("/admin/settings"))
