"""Boilerplate removal on text copied from web pages: what goes, what stays, and the metadata kept."""
from __future__ import annotations

from screening.service.ingest import sample_path
from watchlists.cleaning import clean, parse_date, split_lines
from watchlists.language import guess_language


def test_sample_boilerplate_is_removed_with_reasons():
    c = clean(sample_path().read_text(encoding="utf-8"))
    removed = dict(c.removed)
    assert removed["1. Skip to content"] == "navigation"
    assert removed["3. Skip to more DW sites"] == "navigation"
    assert removed["Image: picture-alliance/Zuma/Xinhua/Li Xueren"] == "image caption or credit"
    assert removed["USA Treffen Barack Obama und Li Keqiang"] in ("image caption", "other language (de)")
    assert removed["Infografik Chronologie von Nordkoreas Atomtests"].startswith("other language")
    assert removed["dm/msh (Reuters)"] == "agency sign-off"
    assert removed["North Korea tests its satellite engine"] == "image caption"
    assert c.title == "US and China to cooperate in tackling North Korea threat"
    assert c.published == "2016-09-20"
    assert c.credits == ["Reuters"]
    assert c.language == "en"
    kept = "\n".join(c.paragraphs)
    assert "Chinese authorities are said to be cooperating in the investigation." in kept
    assert "Chinese conglomerate suspected of supporting North Korea nuclear program" in kept  # a heading stays


def test_other_signoffs_and_credits():
    text = ("Bank boss arrested\n\nThe chief executive of Example Bank was arrested on Tuesday on suspicion of "
            "fraud, police said.\n\nPhoto: Getty Images\n\nHe denies wrongdoing and will appear in court next "
            "week, his lawyer said.\n\njr/rc (AFP, dpa)")
    c = clean(text)
    assert c.credits == ["AFP", "dpa"]
    assert all("Getty" not in p for p in c.paragraphs)
    assert len(c.paragraphs) == 3


def test_breadcrumbs_copyright_lines_and_the_site_name_after_the_title_go():
    text = ("Harbour group fined over fuel cargoes | Coastline Daily\n\nCoastline Daily > Business > Shipping\n\n"
            "Harbourline Tankers Pte. Ltd. was fined $3.5m on Tuesday for breaching UN sanctions.\n\n"
            "Prices > costs > wages is the order the board expects this year, a director said.\n\n"
            "Share this article Related: Port news (c) Coastline Daily 2026\n")
    c = clean(text)
    removed = dict(c.removed)
    assert c.title == "Harbour group fined over fuel cargoes"
    assert removed["| Coastline Daily"] == "site name after the title"
    assert removed["Coastline Daily > Business > Shipping"] == "navigation (breadcrumb)"
    assert removed["Share this article Related: Port news (c) Coastline Daily 2026"] == "copyright line"
    assert c.paragraphs[0] == "Harbour group fined over fuel cargoes"
    assert len(c.paragraphs) == 3  # a sentence with arrows in it stays
    assert not any("Coastline" in p for p in c.paragraphs)


def test_a_title_with_a_bar_inside_keeps_what_is_no_site_name():
    c = clean("Oil | the week in review of prices and the fines that followed\n\nThe regulator fined two traders.\n")
    assert c.title == "Oil | the week in review of prices and the fines that followed"


def test_a_sentence_is_never_taken_for_a_menu_item():
    text = "Title here\n\n1. The first finding of the report is that Acme Ltd paid bribes to officials.\n"
    c = clean(text)
    assert any("Acme Ltd paid bribes" in p for p in c.paragraphs)


def test_hard_wrapped_paragraphs_are_joined():
    lines = split_lines("Title\n\nThe company said on Monday that its chief financial officer had\nresigned "
                        "after the audit found irregularities in the accounts.\n")
    assert lines == ["Title", "The company said on Monday that its chief financial officer had resigned after "
                              "the audit found irregularities in the accounts."]


def test_language_of_lines():
    assert guess_language("Chinese authorities are said to be cooperating in the investigation.") == "en"
    assert guess_language("USA Treffen Barack Obama und Li Keqiang") == "de"
    assert guess_language("Le président a annoncé des sanctions contre la Russie.") == "fr"
    assert guess_language("Президент объявил о санкциях") == "other"
    assert guess_language("Liaoning Hongxiang") is None  # names alone say nothing
    # an acronym is a name, not a function word ("UN" is no French "un")
    assert guess_language("Harbourline Tankers Pte. Ltd. was fined $3.5m on Tuesday for breaching UN sanctions.") \
        in ("en", None)


def test_dates():
    assert parse_date("September 20, 2016") == "2016-09-20"
    assert parse_date("20 Sept 2016") == "2016-09-20"
    assert parse_date("2016-09-20T10:00:00Z") == "2016-09-20"
    assert parse_date("not a date") is None


def test_control_characters_never_reach_the_store(db):
    from screening.service import ingest
    from screening.store import watchlist as store
    from watchlists.sources import RawArticle

    text = ("Bank \x1b[31mboss\x1b[0m charged\x07\n\nThe chief executive of Example Bank, John Carver, was charged "
            "with fraud on Tuesday, prosecutors said.\x00\n")
    r = ingest.ingest(db, raws=[RawArticle("evil.json", "json", text=text, title="Evil \x1b]0;pwned\x07 title",
                                           source="Feed\x1b[2J")])
    assert [o.status for o in r.outcomes] == ["added"], r.outcomes
    art = store.get_article(db, r.outcomes[0].article_id)
    for value in (art["title"], art["text"], art["source"]):
        assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in value), repr(value)
    for row in db.query("SELECT excerpt, alias FROM mentions"):
        assert "\x1b" not in row["excerpt"] and "\x1b" not in row["alias"]
