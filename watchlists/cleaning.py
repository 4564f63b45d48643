"""Remove the boilerplate that comes with text copied from web pages, before any entity is extracted.

Pure functions over text. What is removed, and why, is returned beside the clean paragraphs, so that the CLI can
show it and a test can assert it:

- navigation lines ("1. Skip to content", numbered menu items, "Share", "Advertisement");
- image captions and credit lines ("Image: picture-alliance/Zuma/Xinhua", "Photo: Reuters"), and the short caption
  title just above a credit line;
- agency sign-offs at the end ("dm/msh (Reuters)"): the agencies they credit are kept as the article's credits;
- breadcrumbs ("Coastline Daily > Business > Shipping") and copyright lines ("Share (c) Coastline Daily 2026");
- the site's name after the title ("Harbour group fined | Coastline Daily");
- lines in another language than the article.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from watchlists.language import guess_language, is_foreign

_NAV = re.compile(
    r"^\s*(?:\d{1,2}[.)]\s+)?(?:skip to\b.*|jump to\b.*|go to (?:content|navigation)\b.*|main menu|menu|search|"
    r"share(?: this)?(?: article| story| on \w+)?|advertisement|sponsored|related (?:topics|articles|stories|content)|"
    r"read more|more on this story|sign in|log ?in|subscribe|newsletter|cookies?(?: settings)?|"
    r"print|e-?mail|facebook|twitter|whatsapp|linkedin|copy link|listen to (?:this )?article|top stories)\s*\.?$",
    re.IGNORECASE,
)
_NUMBERED_MENU = re.compile(r"^\s*\d{1,2}[.)]\s+\S.{0,60}$")
_CREDIT = re.compile(
    r"(?:^|[.!?\s])(?:Image|Images|Photo|Photos|Picture|Foto|Bild|Credit|Photograph|Illustration|Video)\s*:\s*\S"
    r"|picture-alliance|getty images|\bAFP/Getty\b|©|\(c\)\s*\d{4}|^\s*(?:photo|image)\s+credit",
    re.IGNORECASE,
)
_AGENCIES = ("Reuters", "AP", "AFP", "dpa", "DPA", "KNA", "epd", "EFE", "ANSA", "Xinhua", "TASS", "Bloomberg",
             "UPI", "PA", "Kyodo", "Yonhap", "Interfax", "Anadolu", "IANS", "PTI", "Lusa", "APA", "SDA", "AAP")
_AGENCY = "|".join(re.escape(a) for a in _AGENCIES)
# "dm/msh (Reuters)", "jr/rc (AFP, dpa)", "- Reuters", "(AP)" alone on the last lines.
_SIGNOFF = re.compile(
    rf"^\s*(?:[a-z]{{1,4}}(?:\s*/\s*[a-z]{{1,4}})+\s*)?[(\[]\s*((?:{_AGENCY})(?:\s*(?:,|/|and|&)\s*(?:{_AGENCY}))*)"
    rf"\s*[)\]]\s*\.?\s*$"
    rf"|^\s*[a-z]{{1,4}}(?:\s*/\s*[a-z]{{1,4}})+\s*$"
)
_DATE_LINE = re.compile(
    r"^\s*(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?(?:"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}"
    r"|\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?,?\s+\d{4}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{4})"
    r"(?:\s*[,|-]?\s*\d{1,2}:\d{2}(?:\s*[AP]M)?(?:\s*[A-Z]{2,4})?)?\s*$",
    re.IGNORECASE,
)
# "Home > Business > Shipping", "News › World": short parts joined by two or more arrows.
_BREADCRUMB = re.compile(r"^[^.!?]{1,40}(?:\s+[>›»]\s+[^.!?>›»]{1,40}){2,}$")
_COPYRIGHT = re.compile(r"©|\(c\)\s|\bcopyright\b|\ball rights reserved\b", re.IGNORECASE)
# "Title | Site": the part after the last bar of the title line, when it is a short name.
_SITE_AFTER_TITLE = re.compile(r"^(.{12,}?)\s+\|\s+((?:[A-Z0-9][\w&.'-]*\s*){1,5})$")
_TERMINAL = re.compile(r"[.!?:;\"”’')\]]\s*$")
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}


@dataclass
class CleanText:
    """Paragraphs fit for extraction, with what was removed and the metadata found on the way."""

    paragraphs: list[str]
    removed: list[tuple[str, str]] = field(default_factory=list)  # (line, reason)
    title: str | None = None
    published: str | None = None
    credits: list[str] = field(default_factory=list)
    language: str = "en"


def parse_date(line: str) -> str | None:
    """Turn a date line such as "September 20, 2016" into ISO ``2016-09-20``; None when it is not one."""
    line = line.strip()
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", line)
    if m:
        return "-".join(m.groups())
    m = re.search(r"([A-Za-z]{3,})\.?\s+(\d{1,2}),?\s+(\d{4})", line)
    if m and m.group(1)[:3].lower() in _MONTHS:
        return f"{int(m.group(3)):04d}-{_MONTHS[m.group(1)[:3].lower()]:02d}-{int(m.group(2)):02d}"
    m = re.search(r"(\d{1,2})\s+([A-Za-z]{3,})\.?,?\s+(\d{4})", line)
    if m and m.group(2)[:3].lower() in _MONTHS:
        return f"{int(m.group(3)):04d}-{_MONTHS[m.group(2)[:3].lower()]:02d}-{int(m.group(1)):02d}"
    return None


def _is_sentence(line: str) -> bool:
    return bool(_TERMINAL.search(line)) and len(line.split()) >= 6


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def printable(text: str | None) -> str | None:
    """Drop control characters (terminal escapes, NULs) from untrusted text; keep newlines and tabs."""
    return _CONTROL.sub("", text) if text else text


def split_lines(text: str) -> list[str]:
    """Split text into logical lines, joining hard-wrapped lines of one paragraph."""
    text = printable(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\u00a0", " ").replace("\u200b", "")
    out: list[str] = []
    prev_blank = True
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        if not line:
            prev_blank = True
            continue
        # A wrapped paragraph: the previous line does not end a sentence and this one starts in lower case.
        if out and not prev_blank and not _TERMINAL.search(out[-1]) and line[:1].islower() \
                and len(out[-1]) > 50:
            out[-1] = out[-1] + " " + line
        else:
            out.append(line)
        prev_blank = False
    return out


def clean(text: str, title: str | None = None, has_title_line: bool = True) -> CleanText:
    """Remove boilerplate lines; take the title (first kept line) and a date line near the top as metadata."""
    title = printable(title)
    lines = split_lines(text)
    removed: list[tuple[str, str]] = []
    kept: list[str] = []
    credits: list[str] = []
    published = None

    # Language of the article: the majority of its sentence-like lines.
    votes: dict[str, int] = {}
    for line in lines:
        if _is_sentence(line):
            lang = guess_language(line)
            if lang:
                votes[lang] = votes.get(lang, 0) + len(line)
    language = max(votes, key=votes.get) if votes else "en"

    n = len(lines)
    credit = [bool(_CREDIT.search(line)) for line in lines]
    drop_as_caption_title = set()
    for i, line in enumerate(lines):
        if credit[i] and i > 0 and not _is_sentence(lines[i - 1]) and len(lines[i - 1].split()) <= 14:
            drop_as_caption_title.add(i - 1)

    for i, line in enumerate(lines):
        reason = None
        tail = i >= n - 3
        m = _SIGNOFF.match(line) if tail else None
        if _NAV.match(line) or (i < 12 and _NUMBERED_MENU.match(line) and not _is_sentence(line)
                                and not kept):
            reason = "navigation"
        elif _BREADCRUMB.match(line) and not _is_sentence(line):
            reason = "navigation (breadcrumb)"
        elif tail and _COPYRIGHT.search(line) and not _is_sentence(line):
            reason = "copyright line"
        elif credit[i]:
            reason = "image caption or credit"
        elif i in drop_as_caption_title:
            reason = "image caption"
        elif m:
            reason = "agency sign-off"
            if m.group(1):
                credits.extend(a.strip() for a in re.split(r",|/|\band\b|&", m.group(1)) if a.strip())
        elif published is None and len(kept) <= 3 and _DATE_LINE.match(line):
            published = parse_date(line)
            reason = "date line"
        elif is_foreign(line, language):
            reason = f"other language ({guess_language(line)})"
        if reason:
            removed.append((line, reason))
        else:
            kept.append(line)

    if has_title_line and kept:
        site = _SITE_AFTER_TITLE.match(kept[0])
        if site:
            removed.append((f"| {site.group(2)}", "site name after the title"))
            kept[0] = site.group(1)
    if title is None and has_title_line and kept:
        title = kept[0]
    return CleanText(kept, removed, title=title, published=published, credits=credits, language=language)
