"""First sign-in changes the password, in a real browser against ``screening serve`` as its first start leaves it: the
administrator signs in with the one-time password the server printed, is held on the password page whatever they
open, chooses their own and goes on; the account the admin then creates gets a generated password, which its user
must change the same way before reaching the home page."""
from __future__ import annotations

import re


def _sign_in(page, url: str, name: str, password: str) -> None:
    page.goto(url + "/signin")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")


def _change(page, current: str, new: str) -> None:
    page.fill("input[name=current]", current)
    page.fill("input[name=new]", new)
    page.fill("input[name=repeat]", new)
    page.click("main button[type=submit]")


def test_a_generated_password_is_changed_at_first_sign_in_before_anything_else(first_start_server, browser,
                                                                              artifacts):
    url, one_time = first_start_server.url, first_start_server.admin_password
    assert len(one_time) >= 12

    # The administrator, with the one-time password: the password page, and only it.
    admin = browser.new_context()
    page = admin.new_page()
    _sign_in(page, url, "admin", one_time)
    page.wait_for_url(url + "/account/password")
    assert "one-time password printed when the service first started" in page.inner_text("p.must-change")
    assert page.locator("header nav").count() == 0 and page.locator("header >> text=Sign out").is_visible()
    page.screenshot(path=str(artifacts / "password-first-admin.png"), full_page=True)
    page.goto(url + "/admin/users")
    page.wait_for_url(re.compile(re.escape(url) + r"/account/password\?next=(/|%2F)admin(/|%2F)users$"))
    _change(page, one_time, one_time)                   # the same password is no change
    assert "must differ from the current one" in page.inner_text("p.flash.error")
    _change(page, one_time, "the administrator's own passphrase")
    page.wait_for_url(url + "/admin/users")             # on to the page asked for
    assert "Password changed" in page.inner_text("main")
    assert page.locator("header nav >> text=Admin").is_visible()

    # The admin adds an analyst: a generated password, shown once, to be changed at the first sign-in.
    page.fill("input[name=name]", "nina")
    page.select_option("select[name=role]:below(input[name=name])", "analyst")
    page.click("text=Add the account")
    page.wait_for_selector("#secret")
    generated = page.inner_text("#secret").strip()
    assert "must change it at their next sign-in" in page.inner_text("main")

    analyst = browser.new_context()
    nina = analyst.new_page()
    _sign_in(nina, url, "nina", generated)
    nina.wait_for_url(url + "/account/password")
    assert "set by someone else" in nina.inner_text("p.must-change")
    for blocked in ("/", "/upload", "/runs", "/watchlist/"):
        nina.goto(url + blocked)
        assert nina.url.startswith(url + "/account/password"), blocked
    nina.screenshot(path=str(artifacts / "password-forced.png"), full_page=True)
    nina.goto(url + "/account/password")
    _change(nina, generated, "nina picked this herself")
    nina.wait_for_url(url + "/")
    assert "Password changed" in nina.inner_text("main")
    assert nina.locator("header nav >> text=Screen a file").is_visible()
    assert "nina" in nina.inner_text("header")
    nina.screenshot(path=str(artifacts / "password-changed-home.png"), full_page=True)

    # The admin's list no longer shows a change due for nina.
    page.goto(url + "/admin/users")
    row = page.locator("tr", has_text="nina").first
    assert "to be changed at next sign-in" not in row.inner_text()
    analyst.close()
    admin.close()
