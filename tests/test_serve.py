"""The service as an operator runs it: ``screening serve`` (real gunicorn, the job worker) and a real browser."""
from __future__ import annotations

import json
import urllib.request

import pytest


def test_first_start_makes_an_admin_with_a_one_time_password(live_server):
    assert len(live_server.admin_password) >= 12
    assert "Listening at: http://127.0.0.1" in live_server.log()
    with urllib.request.urlopen(live_server.url + "/health") as res:
        assert json.load(res)["watchlist"]["articles"] == 1


def test_sign_in_in_a_real_browser(live_server, browser, artifacts):
    page = browser.new_page()
    page.goto(live_server.url + "/")
    assert "/signin" in page.url
    page.fill("input[name=name]", "admin")
    page.fill("input[name=password]", "wrong password here")
    page.click("button[type=submit]")
    assert "wrong user name or password" in page.content()
    page.fill("input[name=name]", "admin")
    page.fill("input[name=password]", live_server.admin_password)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    assert "admin" in page.inner_text("header")
    cookie = next(c for c in page.context.cookies() if c["name"] == "screening_session")
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Lax"
    page.screenshot(path=str(artifacts / "home.png"), full_page=True)
    page.close()
