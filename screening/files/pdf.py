"""Write the PDF case file of a screening run, or of one hit, for auditors who archive on paper or as PDF.

A run's case file: the run's summary with its lists and their provenance and its counts (the Excel report's Summary
lines), every alerting hit with its class, reasons, highlighted excerpt, status, decisions and approvals, the rows not
screened, and the run's audit trail. A hit's case file: everything its page shows, with the decision history.

Made with reportlab (platypus for the layout). Three things here are not reportlab's defaults:

* **Untrusted text stays text.** Paragraph parses its text as markup, so every value from a client file, an article
  or a list goes through ``markup``: cleaned of characters a PDF cannot carry and XML-escaped, so a name such as
  ``<b>x</b>`` or ``<script>`` prints as written. Only this module adds tags (bold, the highlight, fonts).
* **Scripts.** Text is set in DejaVu Sans (found on the system; Latin, Cyrillic, Greek, Arabic letters); runs of
  Chinese, Japanese or Korean characters switch to a system CJK TrueType font when one is installed, else to one of
  the CID fonts every PDF reader carries (STSong-Light, HeiseiMin-W3, HYSMyeongJo-Medium), which need no file. Both
  map back to Unicode, so text extraction returns the names as written. Without DejaVu, the PDF base font Helvetica is
  used (Latin-1 only).
* **Bounded memory.** platypus lays out a list of flowables that it normally holds whole; ``_Stream`` hands it the
  hits a chunk at a time from a generator (the store's cursors), so at any time only a few hits' flowables exist.
  The finished pages are kept by reportlab's canvas until it saves (compressed, a few KB a page): that part grows
  with the run (see benchmarks/README.md, "PDF case file").

"Page N of M" is written with a form XObject drawn on every page and defined at the end, once M is known.
"""
from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from itertools import islice
from typing import Any, Callable, Iterable, Iterator
from xml.sax.saxutils import escape

import arabic_reshaper
from bidi import get_display
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from screening.engine.results import class_label
from screening.files.report import (
    AUDIT_COLUMNS,
    NOT_SCREENED_COLUMNS,
    PRODUCT,
    ReportError,
    clean_text,
    earlier_decision_text,
    generated_text,
    incomplete_notice,
    joined,
    not_screened_notice,
    original_row,
    pep_functions,
    readable_time,
    reason_lines,
    status_text,
    summary_lines,
    temporary_file,
    values,
)

# One value printed in a case file is cut to this many characters (a list entry's remarks can run to pages; a table
# row of reportlab cannot be taller than a page); the Excel report keeps the whole text.
MAX_TEXT = 3_000
HITS_PER_CHUNK = 64            # hits laid out at a time (each a few flowables)
AUDIT_ROWS_PER_TABLE = 40      # a long table is split into tables of this many rows (splitting one is quadratic)
HIGHLIGHT = "#FFEB9C"
HEADER_FILL = colors.HexColor("#D9E1F2")
GRID = colors.HexColor("#8EA9DB")

# ------------------------------------------------------------------------------------------------------ fonts

DEJAVU_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts",
               "/Library/Fonts", "C:/Windows/Fonts")
# TrueType CJK fonts of common Linux packages (fonts-wqy-microhei, fonts-arphic-uming, fonts-droid-fallback);
# OpenType fonts with PostScript outlines (Noto CJK) cannot be embedded by reportlab and are skipped.
CJK_FILES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
             "/usr/share/fonts/truetype/arphic/uming.ttc", "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
# The CID fonts of the PDF standard's Asian font packs: no file needed, the reader supplies the glyphs.
CID_FONTS = {"zh": "STSong-Light", "ja": "HeiseiMin-W3", "ko": "HYSMyeongJo-Medium"}

_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
# Characters set in a CJK font: Han, kana, Hangul, CJK punctuation and full-width forms.
_CJK_RUN = re.compile("([\u1100-\u11ff\u2e80-\u303f\u3040-\u30ff\u3100-\u31ff\u3200-\u9fff\uac00-\ud7af"
                      "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]+)")


class Fonts:
    """The fonts a case file is set in, found once per process: body (regular and bold) and CJK."""

    def __init__(self) -> None:
        regular, bold = _find_dejavu()
        if regular:
            pdfmetrics.registerFont(TTFont("CaseSans", regular))
            pdfmetrics.registerFont(TTFont("CaseSans-Bold", bold or regular))
            pdfmetrics.registerFontFamily("CaseSans", normal="CaseSans", bold="CaseSans-Bold",
                                          italic="CaseSans", boldItalic="CaseSans-Bold")
            self.body, self.bold = "CaseSans", "CaseSans-Bold"
        else:                                   # no DejaVu: the standard font (Latin-1 only)
            self.body, self.bold = "Helvetica", "Helvetica-Bold"
        self.cjk_file = _find_cjk()
        if self.cjk_file:
            pdfmetrics.registerFont(TTFont("CaseCJK", self.cjk_file))
        else:
            for name in CID_FONTS.values():
                pdfmetrics.registerFont(UnicodeCIDFont(name))

    def cjk(self, text: str) -> str:
        """The font for a run of CJK characters: the system font if any, else the CID font of its language
        (Japanese when it has kana, Korean when it has Hangul, else Chinese)."""
        if self.cjk_file:
            return "CaseCJK"
        if _KANA.search(text):
            return CID_FONTS["ja"]
        return CID_FONTS["ko"] if _HANGUL.search(text) else CID_FONTS["zh"]


def _find_dejavu() -> tuple[str | None, str | None]:
    """DejaVu Sans and DejaVu Sans Bold: in the usual folders, else where fontconfig says."""
    for folder in DEJAVU_DIRS:
        regular = os.path.join(folder, "DejaVuSans.ttf")
        if os.path.isfile(regular):
            bold = os.path.join(folder, "DejaVuSans-Bold.ttf")
            return regular, bold if os.path.isfile(bold) else None
    found = _fc_match("DejaVu Sans")
    if found and os.path.basename(found).startswith("DejaVuSans"):
        return found, _fc_match("DejaVu Sans:bold")
    return None, None


def _find_cjk() -> str | None:
    """A TrueType font file with Chinese characters that reportlab can embed, or None."""
    candidates = [*CJK_FILES, *filter(None, (_fc_match(f":lang={lang}") for lang in ("zh-cn", "ja", "ko")))]
    for path in dict.fromkeys(candidates):
        if not os.path.isfile(path) or not path.lower().endswith((".ttf", ".ttc")):
            continue
        try:
            if ord("\u4e2d") in TTFont("probe", path).face.charToGlyph:   # 中
                return path
        except Exception:  # noqa: BLE001 - a font reportlab cannot read (PostScript outlines, damaged): next one
            continue
    return None


def _fc_match(pattern: str) -> str | None:
    """The font file fontconfig picks for a pattern, or None (no fontconfig, or it failed)."""
    if not shutil.which("fc-match"):
        return None
    try:
        done = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, timeout=10,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


@functools.lru_cache(maxsize=1)
def fonts() -> Fonts:
    """The case files' fonts, registered with reportlab once per process."""
    return Fonts()


# ----------------------------------------------------------------------------------------------------- markup

def markup(value: Any, limit: int = MAX_TEXT) -> str:
    """Untrusted text as Paragraph markup that prints exactly as written: cleaned, cut at ``limit`` characters,
    XML-escaped, line breaks kept, right-to-left scripts drawn right to left (``visual``), and runs of CJK
    characters in a CJK font."""
    if value is None:
        return ""
    text = clean_text(str(value))
    if len(text) > limit:
        text = text[: limit - 1] + "\u2026"
    return _fonted(visual(text))


_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
# The letter joins and lam-alef ligatures every Arabic font has; not the whole-word ligatures (the name of God,
# the rial sign, the eulogies), which DejaVu Sans lacks and would print as empty boxes.
_RESHAPER = arabic_reshaper.ArabicReshaper(configuration={
    "delete_harakat": False, "ARABIC LIGATURE ALLAH": False, "ARABIC LIGATURE SALLALLAHOU ALAYHE WASALLAM": False,
    "RIAL SIGN": False})


def visual(text: str) -> str:
    """Text with right-to-left scripts (Arabic, Hebrew) in the order and letter forms a PDF draws them: a PDF places
    glyphs left to right, one by one, so Arabic letters are joined into their contextual forms (arabic-reshaper) and
    each line is reordered by the Unicode bidirectional algorithm (python-bidi). Text without such letters is
    returned as it is."""
    if not _RTL.search(text):
        return text
    return "\n".join(get_display(_RESHAPER.reshape(line)) for line in text.split("\n"))


def _fonted(text: str) -> str:
    """Escape text and put its CJK runs in their font (escaping never makes CJK characters, so runs are found first)."""
    parts = []
    for index, part in enumerate(_CJK_RUN.split(text)):
        if not part:
            continue
        escaped = escape(part).replace("\n", "<br/>")
        parts.append(f'<font name="{fonts().cjk(part)}">{escaped}</font>' if index % 2 else escaped)
    return "".join(parts)


def marked(excerpt: dict | None, limit: int = MAX_TEXT) -> str:
    """An excerpt sentence as markup with the matched name in bold on a highlight, as the hit page shows it (plain
    text when the offsets do not fit the sentence), then the following sentences whose adverse words count for the
    entity, when there are any ("Then, referring back to it: The firm was fined ...")."""
    context = clean_text((excerpt or {}).get("context") or "")
    then = f"<br/><i>Then, referring back to it:</i> {markup(context, limit)}" if context else ""
    return _marked_sentence(excerpt, limit) + then


def _marked_sentence(excerpt: dict | None, limit: int) -> str:
    text = clean_text((excerpt or {}).get("excerpt") or "")
    start, end = (excerpt or {}).get("start"), (excerpt or {}).get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        return markup(text, limit)
    # Cut around the name, keeping it, when the sentence is very long.
    before, name, after = text[:start], text[start:end], text[end:]
    room = max(0, limit - len(name)) // 2
    if len(before) > room:
        before = "\u2026" + before[len(before) - room:]
    if len(after) > room:
        after = after[:room] + "\u2026"
    return (_fonted(before) + f'<font backColor="{HIGHLIGHT}"><b>{_fonted(name)}</b></font>' + _fonted(after))


# ----------------------------------------------------------------------------------------------------- styles

class Styles:
    """The paragraph styles of a case file."""

    def __init__(self) -> None:
        f = fonts()
        self.body = ParagraphStyle("body", fontName=f.body, fontSize=8.5, leading=10.5)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=7.5, leading=9)
        self.label = ParagraphStyle("label", parent=self.body, fontName=f.bold)
        self.head = ParagraphStyle("head", parent=self.small, fontName=f.bold)
        self.number = ParagraphStyle("number", parent=self.body, alignment=TA_RIGHT)
        self.title = ParagraphStyle("title", parent=self.body, fontName=f.bold, fontSize=15, leading=19,
                                    spaceAfter=4)
        self.h2 = ParagraphStyle("h2", parent=self.body, fontName=f.bold, fontSize=11.5, leading=14, spaceBefore=10,
                                 spaceAfter=4, backColor=HEADER_FILL, borderPadding=(2, 3, 2, 3))
        self.h3 = ParagraphStyle("h3", parent=self.body, fontName=f.bold, fontSize=9.5, leading=12, spaceBefore=8,
                                 spaceAfter=2)
        self.alert = ParagraphStyle("alert", parent=self.body, fontName=f.bold, fontSize=10, leading=13,
                                    textColor=colors.HexColor("#9C0006"), backColor=colors.HexColor("#FFC7CE"),
                                    borderPadding=3, spaceAfter=6)
        self.warn = ParagraphStyle("warn", parent=self.alert, textColor=colors.HexColor("#9C5700"),
                                   backColor=colors.HexColor(HIGHLIGHT))


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of markup made here (untrusted parts already through ``markup`` or ``marked``)."""
    return Paragraph(text, style)


def _value(value: Any) -> str:
    """A summary value as markup: a whole number with thousands separators, else the text."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    return markup(value)


def _pairs(rows: list[tuple[str, str]], st: Styles, label_width: float, width: float) -> Table:
    """A table of label and value markup lines (values already markup)."""
    data = [[_p(escape(label), st.label), _p(value or "\u2013", st.body)] for label, value in rows]
    table = Table(data, colWidths=[label_width, width - label_width], splitByRow=1, splitInRow=1)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#D0D7E5")),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    return table


def _grid(header: list[str], rows: Iterable[list[str]], widths: list[float], st: Styles) -> Iterator[Table]:
    """Tables of markup rows under a repeated header row, AUDIT_ROWS_PER_TABLE rows each."""
    rows = iter(rows)
    while True:
        chunk = list(islice(rows, AUDIT_ROWS_PER_TABLE))
        if not chunk:
            return
        data = [[_p(escape(h), st.head) for h in header], *[[_p(c, st.small) for c in row] for row in chunk]]
        table = Table(data, colWidths=widths, repeatRows=1, splitByRow=1, splitInRow=1)
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("GRID", (0, 0), (-1, -1), 0.25, GRID),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]))
        yield table


# --------------------------------------------------------------------------------------------------- contents

def _decision_rows(history: Iterable[dict]) -> list[list[str]]:
    """A hit's decisions as table rows (markup): number, when, who, decision, reason, comment, approval."""
    out = []
    for d in history:
        approval = d.get("approval")
        if approval is None and "verdict" in d:            # a decision as ``iter_decisions`` gives it
            approval = ({"verdict": d["verdict"], "actor": d.get("approver"), "at": d.get("approved_at"),
                         "comment": d.get("approval_comment")} if d.get("verdict") else None)
        if approval:
            verdict = (f"{approval['verdict']} by {approval.get('actor') or '?'}, "
                       f"{readable_time(approval.get('at')) or ''}" + (f": {approval['comment']}"
                                                                      if approval.get("comment") else ""))
        else:
            verdict = "pending a reviewer's approval" if d.get("needs_approval") else "not needed"
        decision = d["decision"] + ("; suppresses later alerts" if d.get("suppress") else "")
        out.append([markup(d["id"]), markup(readable_time(d.get("decided_at"))), markup(d.get("actor")),
                    markup(decision), markup(d.get("reason")), markup(d.get("comment")), markup(verdict)])
    return out


DECISION_HEADER = ["#", "When", "Who", "Decision", "Reason", "Comment", "Approval"]


def _decision_widths(width: float) -> list[float]:
    return [w * width for w in (0.06, 0.14, 0.1, 0.13, 0.17, 0.2, 0.2)]


def _score(value: Any) -> str:
    return "\u2013" if value is None else f"{value:.2f}"


def hit_flowables(hit: dict, history: list[dict], st: Styles, width: float) -> list[Flowable]:
    """One alerting hit of a run's case file: heading, the facts as a table (client, entity, class, score, status,
    reasons, first excerpt highlighted, other excerpts, PEP functions, earlier decision), then its decisions."""
    first = (hit.get("excerpts") or [{}])[0]
    where = joined([first.get("article_title"), first.get("source"), readable_time(first.get("published")),
                    first.get("url")], " \u00b7 ")
    more = (hit.get("excerpts") or [])[1:]
    client = markup(hit.get("client_name")) + (f" (ID {markup(hit.get('client_id'))})" if hit.get("client_id")
                                               else "")
    rows = [
        ("Client", f"row {hit['row']}: {client}"),
        ("Matched entity", f"{markup(hit.get('entity_name'))} <font color='#555555'>(entity {markup(hit.get('entity_id'))}, "
                           f"{markup(hit.get('entity_type'))}, {markup(hit.get('source'))}"
                           + (f", list id {markup(hit['list_id'])}" if hit.get("list_id") else "") + ")</font>"),
        ("Matched as", markup(hit.get("matched_name"))),
        ("Class", f"<b>{escape(class_label(hit.get('alert_class')))}</b>"
                  + (f" \u00b7 priority {hit['priority']:.2f}" if hit.get("priority") is not None else "")),
        ("Score", f"{_score(hit.get('score'))} (name {_score(hit.get('name_score'))})"),
        ("Status", f"<b>{markup(hit.get('status') or 'pending')}</b>"),
        ("Reasons", markup(reason_lines(hit.get("reasons")))),
    ]
    if first.get("excerpt"):
        rows.append(("Excerpt", marked(first) + (f"<br/><font size='7' color='#555555'>{markup(where)}</font>"
                                                 if where else "")))
    if more:
        rows.append((f"{len(more)} more excerpt{'s' if len(more) != 1 else ''}",
                     "<br/><br/>".join(marked(e, 600) for e in more[:3]) + (" \u2026" if len(more) > 3 else "")))
    optional = [
        ("PEP functions", markup(pep_functions(hit.get("functions")))),
        ("Programs", markup(joined(hit.get("programs")))),
        ("Countries", markup(joined(hit.get("countries")))),
        ("Risk categories", markup(joined(hit.get("risk_categories")))),
        ("Remarks", markup(hit.get("remarks"), 800)),
        ("Earlier decision", markup(earlier_decision_text(hit.get("earlier_decision")))),
    ]
    rows += [(label, text) for label, text in optional if text]
    heading = (f"Hit {markup(hit.get('id'))}: {markup(hit.get('client_name'))} \u2194 {markup(hit.get('entity_name'))}"
               f" <font color='#555555'>\u2014 {escape(class_label(hit.get('alert_class')))}, score "
               f"{_score(hit.get('score'))}</font>")
    out: list[Flowable] = [_p(heading, st.h3), _pairs(rows, st, 30 * mm, width)]
    out += _tables(DECISION_HEADER, iter(_decision_rows(history)), _decision_widths(width), st,
                   "No decision on this hit.")
    return out


def _hits_with_decisions(hits: Iterable[dict], decisions: Iterable[dict]) -> Iterator[tuple[dict, list[dict]]]:
    """Pair each hit with its decisions, both read in one pass: ``runs.iter_hits`` and ``runs.iter_decisions`` give
    them in the same order (by row and rank; a hit's decisions oldest first)."""
    decisions = iter(decisions)
    pending = next(decisions, None)
    for hit in hits:
        # A decision of a hit not given (none in a stored run) is skipped, never shown under another hit.
        while pending is not None and (pending["row"], pending["rank"]) < (hit["row"], hit["rank"]):
            pending = next(decisions, None)
        mine = []
        while pending is not None and pending["hit_id"] == hit["id"]:
            mine.append(pending)
            pending = next(decisions, None)
        yield hit, mine


def _tables(header: list[str], rows: Iterator[list[str]], widths: list[float], st: Styles,
            empty: str) -> Iterator[Flowable]:
    """The tables of rows (``_grid``), or a line saying ``empty`` when there is no row."""
    shown = False
    for table in _grid(header, rows, widths, st):
        shown = True
        yield table
    if not shown:
        yield _p(escape(empty), st.body)


def run_story(run: dict, hits: Iterable[dict], decisions: Iterable[dict], not_screened: Iterable[dict],
              audit_entries: Iterable[dict], width: float,
              progress: Callable[[int], None] | None = None) -> Iterator[Flowable]:
    """The flowables of a run's case file, made as they are laid out (a generator: one hit at a time)."""
    st = Styles()
    yield _p(f"Screening run {markup(run.get('id'))}: case file", st.title)
    yield _p(f"{markup(run.get('file_name'))} \u00b7 {escape(status_text(run))} \u00b7 "
             f"{escape(generated_text(run))}", st.small)
    yield Spacer(1, 4)
    for notice, style in ((incomplete_notice(run), st.alert), (not_screened_notice(run), st.warn)):
        if notice:      # the Excel report's words, which send the reader to its sheet; here the rows are below
            yield _p(markup(notice.replace("see the sheet 'Not screened'", "see 'Rows not screened' below")), style)
    section: list[tuple[str, str]] = []
    for label, value, style in summary_lines(run):
        if style == "section":
            if section:
                yield _pairs(section, st, 55 * mm, width)
            section = []
            if label != "Report":
                yield _p(escape(label), st.h2)
            continue
        if label in ("Generated at", "Generated by"):     # said under the title and in every page's footer
            continue
        section.append((label, _value(value)))
    if section:
        yield _pairs(section, st, 55 * mm, width)

    yield _p(f"Alerting hits ({run.get('hits') or 0:,})", st.h2)
    yield _p("Every hit stored for the run (the classes that alert), by client row and rank, each with its status, "
             "reasons, evidence and decisions with their approvals.", st.small)
    count = 0
    for hit, history in _hits_with_decisions(hits, decisions):
        yield from hit_flowables(hit, history, st, width)
        count += 1
        if progress:
            progress(count)
    if not count:
        yield _p("No hit.", st.body)

    yield _p(f"Rows not screened ({run.get('not_screened') or 0:,})", st.h2)
    fields = ("Row", "Client ID", "Name as written", "Reason", "Notes", "Original row")
    index = [next(i for i, c in enumerate(NOT_SCREENED_COLUMNS) if c.header == h) for h in fields]
    rows = ([markup(values(NOT_SCREENED_COLUMNS, row)[i], 600) for i in index] for row in not_screened)
    yield from _tables(list(fields), rows, [w * width for w in (0.06, 0.1, 0.18, 0.2, 0.16, 0.3)], st,
                       "None: every row was screened.")

    yield _p("Audit trail of the run", st.h2)
    audit_rows = ([markup(v, 1200) for v in values(AUDIT_COLUMNS, e)] for e in audit_entries)
    yield from _tables([c.header for c in AUDIT_COLUMNS], audit_rows,
                       [w * width for w in (0.16, 0.09, 0.18, 0.12, 0.45)], st, "No entry.")


def hit_story(hit: dict, run: dict, entity: dict, width: float) -> Iterator[Flowable]:
    """The flowables of one hit's case file: what the hit page shows, in its order."""
    st = Styles()
    client = hit.get("client") or {}
    yield _p(f"Hit {markup(hit.get('id'))}: {markup(client.get('name'))} \u2194 {markup(entity.get('name'))}",
             st.title)
    yield _p(f"<b>{escape(class_label(hit.get('alert_class')))}</b> \u00b7 score {_score(hit.get('score'))} \u00b7 "
             f"run {markup(run.get('id'))}: {markup(run.get('file_name'))} \u00b7 {escape(generated_text(run))}",
             st.small)
    decision = hit.get("decision")
    status = f"Status: <b>{markup(hit.get('status') or 'pending')}</b>"
    if decision:
        status += (f" ({markup(decision['decision'])} by {markup(decision.get('actor'))}, "
                   f"{markup(readable_time(decision.get('decided_at')))}"
                   + (f"; {markup(decision['approval']['verdict'])} by {markup(decision['approval'].get('actor'))}"
                      if decision.get("approval") else "") + ")")
    yield _p(status, st.body)
    for note in _hit_notes(hit):
        yield _p(note, st.warn)

    yield _p(f"Client (row {markup(hit.get('row'))})", st.h2)
    yield _pairs([
        ("Name", markup(client.get("name"))),
        ("Client ID", markup(client.get("client_id"))),
        ("Type", markup(client.get("type"))),
        ("Countries", markup(joined(client.get("countries")))),
        ("Birth date", markup(client.get("birth_date"))),
        *([("Also named in news", f"{client['news_mentions']} (news entities of a class that does not alert in "
                                  f"this run)")] if client.get("news_mentions") else []),
        ("The row as written", markup(original_row(client.get("cells")).replace("; ", "\n"))),
        *([("Notes", markup("\n".join(client["notes"])))] if client.get("notes") else []),
    ], st, 40 * mm, width)

    yield _p("Matched entity", st.h2)
    if not entity.get("live"):
        yield _p("No longer in the watchlist: shown as recorded with the hit.", st.warn)
    elif entity.get("delisted_version"):
        yield _p(f"Delisted in watchlist version {markup(entity['delisted_version'])}.", st.warn)
    rows = [
        ("Class", f"<b>{escape(class_label(hit.get('alert_class')))}</b>"
                  + (f" \u00b7 priority {hit['priority']:.2f}" if hit.get("priority") is not None else "")),
        ("Name", f"{markup(entity.get('name'))} (entity {markup(entity.get('id'))})"),
        ("Matched as", markup(hit.get("matched_name"))),
        ("Type", markup(entity.get("type"))),
        ("Aliases", markup("\n".join(a["alias"] + (f" ({a['kind']})" if a.get("kind") else "")
                                     for a in entity.get("aliases") or []))),
        ("Countries", markup(joined(entity.get("countries")))),
        ("Risk categories", markup(joined(entity.get("risk_categories")))),
        *([("Relevance", _score(entity["relevance"]))] if entity.get("relevance") is not None else []),
        ("Source", markup(entity.get("source"))),
    ]
    if entity.get("source") != "news":
        rows += [("List id", markup(entity.get("list_id"))), ("Programs", markup(joined(entity.get("programs")))),
                 ("Remarks", markup(entity.get("remarks")))]
    yield _pairs([(label, text) for label, text in rows if text or label in ("Aliases",)], st, 40 * mm, width)

    if hit.get("functions"):
        yield _p("Public functions (PEP)", st.h2)
        for fn in hit["functions"]:
            yield _p(f"<b>{markup(fn.get('function'))}</b>" + (f" \u00b7 {markup(str(fn['country']).upper())}"
                                                                if fn.get("country") else ""), st.body)
            yield _p(marked(fn), st.body)
            yield _p(markup(joined([fn.get("article_title"), fn.get("source"), fn.get("published"), fn.get("url")],
                                   " \u00b7 ")), st.small)

    yield _p("Why this score", st.h2)
    yield _p(f"Score {_score(hit.get('score'))} (name {_score(hit.get('name_score'))}), matched name "
             f"\u201c{markup(hit.get('matched_name'))}\u201d.", st.body)
    reasons = [(str(r.get("outcome") or ""), markup(r.get("text") or r.get("feature"))) for r in hit.get("reasons")
               or []]
    if reasons:
        yield _pairs(reasons, st, 28 * mm, width)

    yield _p("Evidence", st.h2)
    for excerpt in hit.get("excerpts") or []:
        yield _p(marked(excerpt), st.body)
        yield _p(markup(joined([excerpt.get("article_title") or "article", excerpt.get("source"),
                                excerpt.get("published"), excerpt.get("url")], " \u00b7 ")), st.small)
        yield Spacer(1, 4)
    if not hit.get("excerpts"):
        yield _p("No article excerpt" + (": a list entry (see its remarks)." if entity.get("source") != "news"
                                          else "."), st.small)

    yield _p("Decisions", st.h2)
    history = hit.get("history") or []
    yield from _tables(DECISION_HEADER, iter(_decision_rows(history)), _decision_widths(width), st,
                       "No decision yet: pending.")


def _hit_notes(hit: dict) -> list[str]:
    """The hit page's notes on suppression, changes since a decision, and an earlier decision, as markup."""
    notes = []
    suppression = hit.get("suppression")
    if suppression:
        d = suppression.get("decision") or {}
        notes.append(f"Suppressed by decision {markup(suppression.get('decision_id'))}"
                     + (f": {markup(d.get('decision'))} by {markup(d.get('actor'))}, "
                        f"{markup(readable_time(d.get('decided_at')))}" if d else "")
                     + ". Neither the client nor the entity changed since.")
    changed = hit.get("changed_since")
    if changed:
        notes.append(f"Changed since {'confirmed' if changed['decision'] == 'true match' else 'cleared'}: decision "
                     f"{markup(changed['id'])} ({markup(changed['decision'])}, \u201c{markup(changed.get('reason'))}"
                     f"\u201d, by {markup(changed.get('actor'))}); the client or the entity changed since, so it "
                     f"needs a new decision.")
    earlier = hit.get("earlier_decision")
    if earlier and not suppression and not changed:
        notes.append(("Confirmed earlier: " if hit.get("status") == "confirmed earlier" else "Decided earlier: ")
                     + markup(earlier_decision_text(earlier)) + ".")
    return notes


# ---------------------------------------------------------------------------------------------------- writing

class _Stream(list):
    """A list that platypus can lay out while it is being made: when platypus has used every flowable given (it
    takes them from the front, and puts split remainders back there), the next chunk is read from the generator."""

    def __init__(self, source: Iterable[Flowable], chunk: int = HITS_PER_CHUNK):
        super().__init__()
        self._source, self._chunk = iter(source), chunk

    def __len__(self) -> int:
        if not super().__len__():
            self.extend(islice(self._source, self._chunk))
        return super().__len__()

    def __bool__(self) -> bool:
        return len(self) > 0


class _CaseCanvas(Canvas):
    """A canvas that writes the page count, once known, into the form every page's footer draws."""

    def save(self) -> None:
        self.beginForm("page-count")
        self.setFont(fonts().body, 7.5)
        self.drawString(0, 0, str(self.getPageNumber() - 1))    # the page number is one past the last page
        self.endForm()
        super().save()


def _write(path: str, story: Iterable[Flowable], title: str, header: str, footer: str) -> None:
    """Lay out the story on A4 pages with a header and a footer ("Page N of M") and save it to path."""

    def decorate(canvas: Canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(fonts().body, 7.5)
        canvas.setFillColor(colors.HexColor("#444444"))
        top, bottom = A4[1] - 10 * mm, 8 * mm
        canvas.drawString(doc.leftMargin, top, header)
        canvas.drawString(doc.leftMargin, bottom, footer)
        label = f"Page {canvas.getPageNumber()} of "
        right = A4[0] - doc.rightMargin - pdfmetrics.stringWidth("0000", fonts().body, 7.5)
        canvas.drawRightString(right, bottom, label)
        canvas.translate(right, bottom)
        canvas.doForm("page-count")
        canvas.restoreState()

    doc = BaseDocTemplate(path, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=16 * mm,
                          bottomMargin=14 * mm, title=title, author=PRODUCT, creator=PRODUCT, pageCompression=1)
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body", leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("page", [frame], onPage=decorate)])
    doc.build(_Stream(story), canvasmaker=_CaseCanvas)


def _header(run: dict, what: str) -> tuple[str, str]:
    """The page header and footer lines: product, what, run and client file; generation time."""
    name = clean_text(str(run.get("file_name") or ""))
    name = name if len(name) <= 80 else name[:79] + "\u2026"
    return (f"{PRODUCT} \u2014 {what} \u2014 run {run.get('id')} \u2014 {name}", generated_text(run))


def _atomic(path, write: Callable[[str], None]) -> None:
    """Write to a temporary file beside path, then move it into place: a failure leaves no half-written file."""
    path = os.fspath(path)
    temporary = temporary_file(path)
    try:
        write(temporary)
        os.replace(temporary, path)
    except OSError as error:
        _remove(temporary)
        raise ReportError(f"cannot write the case file to {path}: {error.strerror or error}") from error
    except BaseException:
        _remove(temporary)
        raise


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def write_run_pdf(path, run: dict, hits: Iterable[dict], decisions: Iterable[dict], not_screened: Iterable[dict],
                  audit_entries: Iterable[dict], progress: Callable[[int], None] | None = None) -> None:
    """Write the PDF case file of a run to path, atomically. Each iterable is consumed once: hits and decisions
    side by side (the store's order: by row and rank), then the rows not screened, then the audit entries.
    ``progress(hits_done)`` is called as hits are laid out. Raise ReportError when path cannot be written."""
    width = A4[0] - 30 * mm
    header, footer = _header(run, "case file")
    story = run_story(run, hits, decisions, not_screened, audit_entries, width, progress)
    _atomic(path, lambda target: _write(target, story, f"Screening run {run.get('id')}: case file", header, footer))


def write_hit_pdf(path, hit: dict, run: dict, entity: dict) -> None:
    """Write the PDF case file of one hit (``runs.get_hit``, with its run and ``runs.hit_entity``) to path."""
    width = A4[0] - 30 * mm
    header, footer = _header(run, f"hit {hit.get('id')}")
    story = hit_story(hit, run, entity, width)
    _atomic(path, lambda target: _write(target, story, f"Screening hit {hit.get('id')}: case file", header, footer))
