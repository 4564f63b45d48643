"""Write the Excel report of a screening run for auditors: five sheets (six with the audit trail), streamed with openpyxl write-only mode.

Everything a run holds can be large (100,000+ rows or hits), so each iterable is consumed once, in sheet order,
and rows go straight to disk. The text comes from client spreadsheets and news articles and is untrusted: every
cell is made by `CellMaker`, which strips characters Excel refuses, cuts over-long text, and writes strings as
text (never formulas, with Excel's quote prefix on those that look like one). Only http(s) URLs become links,
at most Excel's 65,530 a sheet.

openpyxl write-only facts this module relies on (checked against openpyxl 3.1): column widths and freeze panes
are written with the sheet's top, so they must be set before the first row is appended (later they are silently
dropped); the auto filter and hyperlinks are written with the sheet's tail, so the filter range can be set after
the last row; a hyperlink needs a `WriteOnlyCell` bound to its sheet.
"""

from __future__ import annotations

import math
import operator
import os
import re
import tempfile
from copy import copy
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, NamedTuple
from urllib.parse import urlsplit

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from screening.engine.results import class_label
from watchlists.lists import published_text

SHEETS = ("Summary", "Records", "Hits", "Decisions", "Not screened")
AUDIT_SHEET = "Audit"       # written after SHEETS when the run's audit entries are given

# Excel's limit on the characters in one cell; a cut is marked with an ellipsis.
MAX_CELL_CHARS = 32_767
CUT_MARK = "\u2026"
# A cell that starts with one of these may be read as a formula by Excel or another spreadsheet (OWASP CSV
# injection guidance); such text gets the quote prefix on top of being written as a string.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Excel refuses longer link targets; a longer URL is written as text.
MAX_URL_CHARS = 2_000
# Excel holds at most 65,530 hyperlinks in a worksheet; later URLs are written as text. openpyxl also keeps every
# hyperlink of a write-only sheet in memory until the sheet ends (about 2 KB each), which this bounds.
MAX_LINKS_PER_SHEET = 65_530
DECISION_ORDER = ("true match", "false positive", "escalate")
# Characters XML cannot carry beyond openpyxl's control characters: lone surrogates (text decoded with
# 'surrogateescape') and the non-characters U+FFFE and U+FFFF.
NON_XML_RE = re.compile("[\ud800-\udfff\ufffe\uffff]")


class ReportError(ValueError):
    """The report cannot be written (destination folder missing, not writable, ...)."""


class Link(NamedTuple):
    """A URL to write as a hyperlink if it is a safe http(s) URL, else as text."""

    url: str


# ---------------------------------------------------------------------------------------------------- styles

def counted(kinds: dict | None) -> str:
    """Kinds with their counts in words, most frequent first: "2 empty name; 1 name has only digits and
    punctuation"."""
    return "; ".join(f"{n} {k}" for k, n in (kinds or {}).items())


def status_text(run: dict) -> str:
    """A run's status as pages and reports show it: "completed — N rows not screened" when a completed run left
    rows out, else the status itself ("completed", "running", "failed")."""
    status, left_out = run.get("status") or "unknown", run.get("not_screened") or 0
    if status == "completed" and left_out:
        return f"completed \u2014 {left_out} row{'' if left_out == 1 else 's'} not screened"
    return status


def _named_styles() -> dict[str, NamedStyle]:
    """Build the named styles every cell of the report takes one of."""
    top = Alignment(vertical="top")
    wrap = Alignment(vertical="top", wrap_text=True)
    return {
        "text": NamedStyle("Report text", alignment=top),
        "wrap": NamedStyle("Report wrapped", alignment=wrap),
        "score": NamedStyle("Report score", alignment=top, number_format="0.00"),
        "int": NamedStyle("Report count", alignment=top, number_format="#,##0"),
        "link": NamedStyle("Report link", alignment=top, font=Font(color="0563C1", underline="single")),
        "header": NamedStyle(
            "Report header",
            font=Font(bold=True),
            fill=PatternFill("solid", fgColor="D9E1F2"),
            alignment=Alignment(vertical="top", wrap_text=True),
            border=Border(bottom=Side(style="thin")),
        ),
        "title": NamedStyle("Report title", font=Font(bold=True, size=14)),
        "label": NamedStyle("Report label", font=Font(bold=True), alignment=top),
        "section": NamedStyle(
            "Report section", font=Font(bold=True, size=12), fill=PatternFill("solid", fgColor="D9E1F2")
        ),
        "alert": NamedStyle(
            "Report alert", font=Font(bold=True, size=12, color="9C0006"), fill=PatternFill("solid", fgColor="FFC7CE"),
            alignment=wrap,
        ),
        "warn": NamedStyle(
            "Report warning", font=Font(bold=True, color="9C5700"), fill=PatternFill("solid", fgColor="FFEB9C"),
            alignment=wrap,
        ),
        "warning": NamedStyle(
            "Report warning line", font=Font(bold=True, size=12, color="9C5700"),
            fill=PatternFill("solid", fgColor="FFEB9C"), alignment=wrap,
        ),
    }


# ---------------------------------------------------------------------------------------------- cell values

def clean_text(text: str) -> str:
    """Remove characters Excel or XML refuse and cut text longer than one cell holds, marking the cut."""
    text = NON_XML_RE.sub("", ILLEGAL_CHARACTERS_RE.sub("", text))
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - len(CUT_MARK)] + CUT_MARK
    return text


def looks_like_formula(text: str) -> bool:
    """Tell whether a spreadsheet could take this text for a formula."""
    return text.startswith(FORMULA_PREFIXES)


def safe_url(url: Any) -> str | None:
    """Return the URL if it may become a hyperlink (http or https, a host, no spaces or controls), else None."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_CHARS:
        return None
    if any(ch.isspace() for ch in url) or url != clean_text(url) or "\x7f" in url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def readable_time(value: Any) -> str | None:
    """Write an ISO timestamp as 'YYYY-MM-DD HH:MM:SS' (UTC, said so, when it carries an offset); keep others."""
    if not value:
        return None
    text = str(value)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        return text
    if len(text) <= 10:  # a date alone stays a date
        return moment.date().isoformat()
    if moment.tzinfo is not None:
        return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def joined(items: Iterable[Any] | None, sep: str = ", ") -> str:
    """Join a list of values for one cell, skipping empty ones (a string is kept as it is)."""
    if isinstance(items, str):
        return items
    return sep.join(str(item) for item in items or () if item not in (None, ""))


def _rich_excerpt(excerpt: dict) -> CellRichText | str | None:
    """Return the excerpt sentence with the matched name in bold, or plain text when the offsets do not fit."""
    text = excerpt.get("excerpt")
    if not text:
        return None
    start, end = excerpt.get("start"), excerpt.get("end")
    # the following sentences whose adverse words count for the entity ("The firm was fined ...")
    then = f" [then:] {excerpt['context']}" if excerpt.get("context") else ""
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        return text + then
    parts = [text[:start], TextBlock(InlineFont(b=True), text[start:end]), text[end:] + then]
    return CellRichText([part for part in parts if isinstance(part, TextBlock) or part])


def _plain(value: CellRichText) -> str:
    """Return the text of a rich-text value."""
    return "".join(part.text if isinstance(part, TextBlock) else part for part in value)


def _clean_rich(value: CellRichText) -> CellRichText | str:
    """Clean each part of a rich-text value; fall back to plain text when it is too long for one cell."""
    parts = [
        TextBlock(part.font, clean_text(part.text)) if isinstance(part, TextBlock) else clean_text(part)
        for part in value
    ]
    value = CellRichText([part for part in parts if (part.text if isinstance(part, TextBlock) else part)])
    text = _plain(value)
    return clean_text(text) if len(text) > MAX_CELL_CHARS else value


class CellMaker:
    """Make the cells of one write-only sheet: the only place report cells are made, so every protection holds.

    Numbers stay numbers; text is cleaned and always written as text, never as a formula or an error value, with
    Excel's quote prefix when it looks like a formula; a Link becomes a hyperlink only for a safe http(s) URL.
    """

    def __init__(self, ws):
        self.ws = ws
        self.links = 0
        # Resolving a named style by name on every cell is slow in openpyxl; resolve each once and copy its
        # style array (the idiom openpyxl's own copy code uses) onto the cells.
        self.styles = {}
        for key, name in _STYLE_NAMES.items():
            template = WriteOnlyCell(ws)
            template.style = name
            self.styles[key] = template._style

    def __call__(self, value: Any, style: str | None = None) -> WriteOnlyCell | None:
        """Make one cell of value in the given style (a key of the report's styles), or None for no cell."""
        if value is None:
            return None
        if isinstance(value, Link):
            return self._link(value.url, style)
        if isinstance(value, bool):
            value = "yes" if value else "no"
        if isinstance(value, float) and not math.isfinite(value):
            value = str(value)
        if isinstance(value, (int, float)):
            return self._styled(WriteOnlyCell(self.ws, value), style)
        if isinstance(value, CellRichText):
            value = _clean_rich(value)
            text = value if isinstance(value, str) else _plain(value)
        else:
            value = text = clean_text(str(value))
        if not text:
            return None
        cell = self._styled(WriteOnlyCell(self.ws, value), style)
        # openpyxl takes a string that starts with "=" for a formula and "#N/A" for an error: force text.
        cell.data_type = "s"
        if looks_like_formula(text):
            cell.quotePrefix = True
        return cell

    def _styled(self, cell: WriteOnlyCell, style: str | None) -> WriteOnlyCell:
        """Give a cell one of the report's styles."""
        if style:
            cell._style = copy(self.styles[style])
        return cell

    def _link(self, url: str, style: str | None) -> WriteOnlyCell | None:
        """Make a cell showing the URL, a hyperlink to it if it is a safe http(s) URL and the sheet has room."""
        target = safe_url(url) if self.links < MAX_LINKS_PER_SHEET else None
        cell = self(url, "link" if target else style)
        if target and cell is not None:
            cell.hyperlink = target
            self.links += 1
        return cell


_STYLE_NAMES = {key: style.name for key, style in _named_styles().items()}


# ------------------------------------------------------------------------------------------- sheet contents

# Each table is one list of columns: header, width (Excel's character units), style, and how to get the value
# from a record. Records are the stored rows and hits (``screening.engine.results``: the same field names), with
# the decisions and the client joined in; a field read with ``f("name")`` must exist, so a renamed field fails
# loudly instead of leaving a blank column.

@dataclass(frozen=True)
class Column:
    header: str
    width: int
    style: str
    value: Callable[[dict], Any]


def f(name: str) -> Callable[[dict], Any]:
    """The value of a record's field (KeyError when the record has no such field)."""
    return operator.itemgetter(name)


def _opt(name: str) -> Callable[[dict], Any]:
    """A joined value that may be absent (a hit with no decision yet)."""
    return lambda record: record.get(name)


def original_row(cells: dict | None) -> str:
    """Write a client row's cells as 'header: value; ...' in their original order."""
    return "; ".join(f"{header}: {value}" for header, value in (cells or {}).items() if value not in (None, ""))


def reason_and_notes(row: dict) -> str:
    """Put a row's reason first, then its notes, one per line."""
    return joined([row["reason"], *(row["notes"] or ())], "\n")


def reason_lines(reasons: Iterable[dict] | None) -> str:
    """Write a hit's reasons one per line: 'feature (outcome): text'."""
    lines = []
    for reason in reasons or ():
        feature, outcome, text = reason.get("feature"), reason.get("outcome"), reason.get("text")
        head = f"{feature} ({outcome})" if outcome else str(feature or "")
        lines.append(f"{head}: {text}" if text else head)
    return "\n".join(lines)


def other_excerpts(excerpts: list[dict]) -> str:
    """Write the excerpts after the first, one paragraph each, with their article and date."""
    paragraphs = []
    for excerpt in excerpts:
        where = joined([excerpt.get("article_title"), excerpt.get("source"), readable_time(excerpt.get("published"))])
        text = excerpt.get("excerpt") or ""
        paragraphs.append(f"{text} [{where}]" if where else text)
    return "\n\n".join(paragraphs)


def pep_functions(functions: list[dict] | None) -> str:
    """A PEP's public functions, one a line: "Prime Minister (cn): China's Prime Minister Li Keqiang agreed..."."""
    return "\n".join(f"{fn.get('function')}" + (f" ({fn['country']})" if fn.get("country") else "")
                     + (f": {fn['excerpt']}" if fn.get("excerpt") else "") for fn in functions or ())


def _classes(run: dict) -> str:
    alerting = run.get("alert_classes")
    return "every hit (run stored before classes)" if alerting is None else \
        ", ".join(class_label(c) for c in alerting) or "none"


def _class_counts(run: dict) -> str:
    return ", ".join(f"{class_label(c)} {n}" for c, n in (run.get("class_counts") or {}).items()) or "none"


def _first(hit: dict) -> dict:
    return (hit["excerpts"] or [{}])[0]


def _decision(hit: dict) -> dict:
    return hit.get("decision") or {}


def _link(hit: dict):
    url = _first(hit).get("url")
    return Link(url) if url else None


RECORD_COLUMNS = (
    Column("Row", 7, "text", f("row")),
    Column("Client ID", 14, "text", f("client_id")),
    Column("Name", 30, "wrap", f("name")),
    Column("Type", 12, "text", f("type")),
    Column("Countries", 11, "text", lambda r: joined(r["countries"])),
    Column("Birth date", 11, "text", f("birth_date")),
    Column("Status", 13, "text", f("status")),
    Column("Reason / notes", 40, "wrap", reason_and_notes),
    Column("Hits", 6, "int", f("hit_count")),
    Column("Best score", 8, "score", f("best_score")),
    Column("Also named in news", 9, "int", lambda r: r.get("news_mentions") or 0),
    Column("Original row", 60, "wrap", lambda r: original_row(r["cells"])),
)
RECORD_PRINT_COLUMNS = 11       # all but the original row, which stays on screen

def earlier_decision_text(d: dict | None) -> str | None:
    """A decision carried from an earlier run, in words: "true match on 2026-12-01 by ana, approved by rita
    (decision 12, run 3)"."""
    if not d:
        return None
    text = f"{d['decision']} on {(d.get('decided_at') or '')[:10]} by {d['actor']}"
    approval = d.get("approval")
    if approval and approval.get("verdict") == "approved":
        text += f", approved by {approval['actor']}"
    return f"{text} (decision {d['id']}, run {d['run_id']})"


# The first HIT_PRINT_COLUMNS columns are what a reviewer reads on paper (client, class, score, matched entity,
# status or decision, the first excerpt with the name in bold): the sheet's print area, one landscape page wide.
# The others stay on screen. They come first on screen too, so that the print area is one block: a print area of
# scattered columns prints each block on pages of its own in Excel and LibreOffice.
HIT_COLUMNS = (
    Column("Row", 6, "text", f("row")),
    Column("Client ID", 12, "wrap", f("client_id")),
    Column("Client name", 24, "wrap", f("client_name")),
    Column("Class", 11, "wrap", lambda h: class_label(h.get("alert_class"))),
    Column("Score", 7, "score", f("score")),
    Column("Matched entity", 24, "wrap", f("entity_name")),
    Column("Status", 13, "wrap", lambda h: h.get("status") or _decision(h).get("decision") or "pending"),
    Column("Excerpt", 60, "wrap", lambda h: _rich_excerpt(_first(h)) if _first(h) else None),
    Column("Hit ID", 8, "text", f("id")),
    Column("Rank", 6, "text", f("rank")),
    Column("Priority", 9, "text", lambda h: None if h.get("priority") is None else f"{h['priority']:.2f}"),
    Column("Name score", 7, "score", f("name_score")),
    Column("Entity ID", 9, "text", f("entity_id")),
    Column("Entity type", 12, "text", f("entity_type")),
    Column("Matched alias", 24, "wrap", f("matched_name")),
    Column("Source", 12, "text", f("source")),
    Column("List ID", 10, "text", f("list_id")),
    Column("Programs", 16, "wrap", lambda h: joined(h["programs"])),
    Column("Entity countries", 10, "text", lambda h: joined(h["countries"])),
    Column("Risk categories", 18, "wrap", lambda h: joined(h["risk_categories"])),
    Column("Relevance", 9, "score", f("relevance")),
    Column("PEP functions", 30, "wrap", lambda h: pep_functions(h.get("functions"))),
    Column("Reasons", 44, "wrap", lambda h: reason_lines(h["reasons"])),
    Column("Article title", 30, "wrap", lambda h: _first(h).get("article_title")),
    Column("Article source", 16, "text", lambda h: _first(h).get("source")),
    Column("Published", 11, "text", lambda h: readable_time(_first(h).get("published"))),
    Column("Link", 30, "text", _link),
    Column("More excerpts", 8, "int", lambda h: len(h["excerpts"]) - 1 if len(h["excerpts"] or ()) > 1 else None),
    Column("Other excerpts", 50, "wrap", lambda h: other_excerpts((h["excerpts"] or [])[1:])),
    Column("Remarks", 40, "wrap", f("remarks")),
    Column("Latest decision", 14, "text", lambda h: _decision(h).get("decision") or "pending"),
    Column("Decision reason", 24, "wrap", lambda h: _decision(h).get("reason")),
    Column("Decision comment", 30, "wrap", lambda h: _decision(h).get("comment")),
    Column("Decided by", 14, "text", lambda h: _decision(h).get("actor")),
    Column("Decided at", 20, "text", lambda h: readable_time(_decision(h).get("decided_at"))),
    Column("Suppressed by decision", 12, "text",
           lambda h: h.get("suppressed_by_decision") if h["suppression_id"] else None),
    Column("Changed since cleared by decision", 14, "text", f("changed_since_decision")),
    Column("Earlier decision", 36, "wrap", lambda h: earlier_decision_text(h.get("earlier_decision"))),
)
HIT_PRINT_COLUMNS = 9       # Row .. Hit ID

# Who decided what, and who approved it, come first: the print area (DECISION_PRINT_COLUMNS); ids after.
DECISION_COLUMNS = (
    Column("Row", 6, "text", f("row")),
    Column("Client name", 22, "wrap", f("client_name")),
    Column("Entity", 22, "wrap", f("entity_name")),
    Column("Decision", 12, "wrap", f("decision")),
    Column("Reason", 20, "wrap", f("reason")),
    Column("Comment", 30, "wrap", f("comment")),
    Column("By", 12, "wrap", f("actor")),
    Column("At", 12, "wrap", lambda d: readable_time(d["decided_at"])),
    Column("Verdict", 10, "wrap", lambda d: d.get("verdict") or ("pending" if d["needs_approval"] else None)),
    Column("Approved/rejected by", 12, "wrap", _opt("approver")),
    Column("Verdict at", 12, "wrap", lambda d: readable_time(d.get("approved_at"))),
    Column("Verdict comment", 20, "wrap", _opt("approval_comment")),
    Column("Client ID", 14, "text", f("client_id")),
    Column("Entity ID", 9, "text", f("entity_id")),
    Column("Score", 7, "score", f("score")),
    Column("Hit ID", 9, "text", f("hit_id")),
    Column("Decision ID", 10, "text", f("id")),
    Column("Needs approval", 9, "text", lambda d: bool(d["needs_approval"])),
    Column("Suppresses later alerts", 11, "text", lambda d: bool(d.get("suppress"))),
)
DECISION_PRINT_COLUMNS = 12     # Row .. Verdict comment


def _audit_details(entry: dict) -> str:
    details = entry["details"] or {}
    if isinstance(details, dict):
        details = "\n".join(f"{k}: {v}" for k, v in details.items() if v not in (None, ""))
    return details


AUDIT_COLUMNS = (
    Column("Time", 24, "text", lambda e: readable_time(e["at"]) or e["at"]),
    Column("Actor", 14, "text", f("actor")),
    Column("Action", 20, "text", f("action")),
    Column("Object", 16, "text", lambda e: joined([e.get("object_type"), e.get("object_id")], " ") or None),
    Column("Details", 90, "wrap", _audit_details),
)

NOT_SCREENED_COLUMNS = (
    Column("Row", 7, "text", f("row")),
    Column("Client ID", 14, "text", f("client_id")),
    Column("Name as written", 30, "wrap", f("name")),
    Column("Reason", 40, "wrap", f("reason")),
    Column("Notes", 40, "wrap", lambda r: joined(r["notes"], "\n")),
    Column("Original row", 50, "wrap", lambda r: original_row(r["cells"])),
)


def values(columns: tuple[Column, ...], record: dict) -> list:
    """One record's values for a table, in its columns' order."""
    return [c.value(record) for c in columns]


def record_values(row: dict) -> list:
    """Return the Records sheet values of one client row."""
    return values(RECORD_COLUMNS, row)


def hit_values(hit: dict) -> list:
    """Return the Hits sheet values of one hit."""
    return values(HIT_COLUMNS, hit)


def decision_values(decision: dict) -> list:
    """Return the Decisions sheet values of one decision."""
    return values(DECISION_COLUMNS, decision)


def audit_values(entry: dict) -> list:
    """Return the Audit sheet values of one audit entry (details as 'key: value' lines)."""
    return values(AUDIT_COLUMNS, entry)


def not_screened_values(row: dict) -> list:
    """Return the Not screened sheet values of one row."""
    return values(NOT_SCREENED_COLUMNS, row)


def incomplete_notice(run: dict) -> str | None:
    """Return the warning to show when the run did not complete, else None."""
    status = run.get("status")
    if status == "completed":
        return None
    return f"INCOMPLETE: this run did not finish (status: {status or 'unknown'})"


def not_screened_notice(run: dict) -> str | None:
    """Return the warning to show when a completed run left rows out (not screened), else None."""
    if run.get("status") != "completed" or not run.get("not_screened"):
        return None
    reasons = counted(run.get("not_screened_reasons"))
    return (f"WARNING: {status_text(run)}" + (f" ({reasons})" if reasons else "")
            + ": these rows were not compared with the watchlist; see the sheet 'Not screened'")


def _with_notes(run: dict) -> str:
    n = run.get("rows_with_notes") or 0
    if not n:
        return "none"
    kinds = counted(run.get("note_kinds"))
    return f"{n} row{'' if n == 1 else 's'}" + (f": {kinds}" if kinds else "")


def summary_lines(run: dict) -> list[tuple[str, Any, str | None]]:
    """Return the Summary sheet as (label, value, style) lines; a label alone with style 'section' is a heading."""
    mapping = run.get("mapping") or {}
    counts = run.get("decision_counts") or {}
    decisions = [*DECISION_ORDER, *sorted(d for d in counts if d not in DECISION_ORDER)]
    entities = run.get("watchlist_entities")
    lines: list[tuple[str, Any, str | None]] = [
        ("Run", None, "section"),
        ("Run ID", run.get("id"), None),
    ]
    if not_screened_notice(run):
        lines += [("Status", status_text(run), "warn"),
                  ("Not screened, by reason", counted(run.get("not_screened_reasons")) or run.get("not_screened"),
                   "warn")]
    else:
        lines.append(("Status", status_text(run), None))
    if run.get("error"):
        lines.append(("Error", run.get("error"), "wrap"))
    lines += [
        ("Screened by", run.get("actor"), None),
        ("Started", readable_time(run.get("started_at")), None),
        ("Finished", readable_time(run.get("finished_at")) or "not finished", None),
        ("Client file", None, "section"),
        ("File name", run.get("file_name"), None),
        ("SHA-256", run.get("sha256"), None),
        ("File size (bytes)", run.get("file_size"), "int"),
        ("Sheet", run.get("sheet") or "(first sheet)", None),
        ("Header row", mapping.get("header_row"), "int"),
    ]
    columns = mapping.get("columns") or {}
    more = mapping.get("more_columns") or {}
    for index, (field, header) in enumerate(columns.items()):
        value = f"{field} <- {header!r}"
        if more.get(field):
            further = ", ".join(repr(h) for h in more[field])
            value += f", {further}" if field == "country" else f" (where empty: {further})"
        lines.append(("Column mapping" if index == 0 else "", value, None))
    if not columns:
        lines.append(("Column mapping", "(none)", None))
    lines += [
        ("Watchlist and matching", None, "section"),
        ("Watchlist version", run.get("watchlist_version"), "int"),
        ("Watchlist entities", entities, "int"),
        *list_lines(run),
        ("Threshold", run.get("threshold"), None),
        ("Algorithm", run.get("algorithm"), None),
        ("Hits per row limit", run.get("hit_limit"), "int"),
        ("News entities screened", _news_policy(run.get("news_min_relevance")), None),
        ("Classes that alert", _classes(run), None),
        ("Counts", None, "section"),
        ("Rows in file", run.get("rows_total"), "int"),
        ("Rows processed", run.get("rows_done"), "int"),
        ("Screened", run.get("screened"), "int"),
        ("Not screened", run.get("not_screened"), "int"),
        *([("Screened with notes", _with_notes(run), "wrap")] if "rows_with_notes" in run else []),
        ("Rows with hits", run.get("rows_with_hits"), "int"),
        ("Hits", run.get("hits"), "int"),
        ("Hits by class", _class_counts(run), None),
        ("Rows also named in news (not alerting)", run.get("rows_named_in_news") or 0, "int"),
        ("Hits pending a decision", run.get("pending"), "int"),
        ("Hits pending approval", run.get("pending_approval") or 0, "int"),
        ("Hits suppressed (cleared earlier)", run.get("suppressed") or 0, "int"),
        ("Hits confirmed earlier (true match)", run.get("confirmed_earlier") or 0, "int"),
    ]
    lines += [(f"Hits decided '{name}'", counts.get(name, 0), "int") for name in decisions]
    lines += [
        ("Report", None, "section"),
        ("Generated at", readable_time(run.get("report_generated_at")), None),
        ("Generated by", run.get("report_generated_by"), None),
    ]
    return lines


def list_lines(run: dict) -> list[tuple[str, Any, str | None]]:
    """The Summary's lines naming every official list of the run's watchlist version (``run["lists"]``) with its
    provenance: publication date and where it was read from, who imported it and when, each file's size and SHA-256."""
    if "lists" not in run:
        return []
    if not run["lists"]:
        return [("Official lists", "none: no official list in this watchlist version", None)]
    lines = []
    for item in run["lists"]:
        kind = "sanctions list" if item.get("sanctions") else "list"
        head = (f"{item['name']} ({item['format']} {kind}): published "
                f"{published_text(item.get('published'), item.get('published_from'))}")
        if item.get("version"):
            head += (f"; imported {readable_time(item.get('imported_at')) or 'at an unknown time'} by "
                     f"{item.get('imported_by') or 'an unknown user'} (watchlist version {item['version']})")
        files = [f"{f['file_name']}: {f['size']:,} bytes, SHA-256 {f['sha256']}" for f in item.get("files") or []]
        lines.append((f"List {item['name']}", "\n".join([head, *(files or ["files not recorded"])]), "wrap"))
    return lines


# ------------------------------------------------------------------------------------------------ printing

PRODUCT = "Adverse-media screening"
PAPER_A4 = 9                    # the OOXML paper size code of A4
# Inches (the unit of OOXML): room for the header and footer lines, narrow sides for the wide tables.
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.75, "bottom": 0.75, "header": 0.3, "footer": 0.3}
HEADER_FILE_CHARS = 80          # a client file's name is cut to this in the page header (Excel allows 255 a part)


def header_text(text: str, limit: int = HEADER_FILE_CHARS) -> str:
    """Text for a page header or footer: cleaned, cut, and with "&" doubled (a single one starts a field code such
    as &P, so a file named "R&D.xlsx" would otherwise print as a code)."""
    text = clean_text(" ".join(str(text).split()))
    if len(text) > limit:
        text = text[: limit - 1] + CUT_MARK
    return text.replace("&", "&&")


def generated_text(run: dict) -> str:
    """When (and by whom) a report was generated, for its page footers: "Generated 2026-05-02 10:00:00 UTC by bob"."""
    when = readable_time(run.get("report_generated_at")) or datetime.now(timezone.utc).strftime(
        "%Y-%m-%d %H:%M:%S UTC")
    by = run.get("report_generated_by")
    return f"Generated {when}" + (f" by {by}" if by else "")


def _set_page(ws, run: dict, *, landscape: bool, title_rows: str | None) -> None:
    """Give a sheet its page setup for printing: A4, one page wide and as many tall as needed, the header row
    repeated on every page (``title_rows``, with grid lines for a table), and a header and footer naming the product,
    the run, the client file, the sheet, the page and the generation time.

    Must be called before the first row is appended: openpyxl write-only writes the "fit to page" flag with the
    sheet's top (the rest of the page setup and the print titles are written at the end, but set here together)."""
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0           # as many pages tall as the rows need
    ws.page_margins = PageMargins(**MARGINS)
    if title_rows:
        ws.print_title_rows = title_rows
        ws.print_options.gridLines = True
    for part, text in (
        (ws.oddHeader.left, f"{PRODUCT} — run {run.get('id')}"),
        (ws.oddHeader.center, "&A"),                                   # the sheet's name
        (ws.oddHeader.right, header_text(run.get("file_name") or "")),
        (ws.oddFooter.left, header_text(generated_text(run), 120)),
        (ws.oddFooter.right, "Page &P of &N"),
    ):
        part.text, part.size = text, 8


# Row heights. A spreadsheet program does not always grow a row for its wrapped text when it opens a file (LibreOffice
# does not for rows written without a height), and a printed row that does not grow shows one line of each cell
# over the next row's. So a row of wrapped text gets a height: its tallest cell's lines, estimated from the text and
# the column width (in characters of the default font, a little generous), at most Excel's largest row.
LINE_POINTS = 15.0
MAX_ROW_POINTS = 409.0
CHARS_PER_WIDTH = 1.1


def _text_of(value: Any) -> str:
    if isinstance(value, CellRichText):
        return _plain(value)
    return value if isinstance(value, str) else ""


def row_height(values: Iterable[Any], widths: Iterable[float], styles: Iterable[str | None],
               points: float = LINE_POINTS) -> float | None:
    """The height in points a row of wrapped text needs to show all of it, or None for a row of single lines."""
    most = 1
    for value, width, style in zip(values, widths, styles):
        text = _text_of(value)
        if not text or style not in ("wrap", "warn", "alert", "warning", "header"):
            continue
        per_line = max(1, int(width * CHARS_PER_WIDTH))
        lines = sum(max(1, -(-len(line) // per_line)) for line in text.split("\n"))
        most = max(most, lines)
    return min(MAX_ROW_POINTS, most * points + 3) if most > 1 else None


class RowWriter:
    """Append rows to a write-only sheet, each with its height, and count them (openpyxl write-only does not say which
    number a row gets). The height is set in the row's dimensions, which openpyxl reads as it writes the row, and
    dropped afterwards, so that memory stays flat over 100,000 rows."""

    def __init__(self, ws):
        self.ws = ws
        self.count = 0

    def append(self, cells: list, height: float | None = None) -> None:
        self.count += 1
        if height is None:
            self.ws.append(cells)
            return
        self.ws.row_dimensions[self.count] = RowDimension(self.ws, index=self.count, ht=height, customHeight=True)
        self.ws.append(cells)
        del self.ws.row_dimensions[self.count]


# ------------------------------------------------------------------------------------------------- writing

def _write_summary(ws, run: dict) -> None:
    """Write the Summary sheet: a title, a warning if the run is incomplete, then labelled values."""
    ws.column_dimensions["A"].width = 38
    ws.column_dimensions["B"].width = 90
    _set_page(ws, run, landscape=False, title_rows=None)
    make_cell = CellMaker(ws)
    rows = RowWriter(ws)
    rows.append([make_cell(f"Adverse-media screening report: run {run.get('id')}", "title")])
    # A notice spans both columns (merged), so that it prints whole instead of cut at the label column.
    for notice, style in ((incomplete_notice(run), "alert"), (not_screened_notice(run), "warning")):
        if notice:
            rows.append([make_cell(notice, style), make_cell(" ", style)], row_height([notice], [128], ["wrap"], 17))
            ws.merged_cells.add(CellRange(f"A{rows.count}:B{rows.count}"))
    for label, value, style in summary_lines(run):
        if style == "section":
            rows.append([])
            rows.append([make_cell(label, "section"), make_cell(" ", "section")])
            continue
        rows.append([make_cell(label, "label"), make_cell(value, style or "wrap")],
                    row_height([value], [90], [style or "wrap"]))


def _write_table(ws, run: dict, columns: tuple, values: Iterable[list], print_columns: int | None = None) -> int:
    """Write a header and one row per value list, with frozen header and filter; return the number of rows.

    The sheet prints landscape, one page wide, with the header row on every page; ``print_columns``: only the
    first so many columns are printed (the print area), the others stay on screen."""
    # Widths, freeze panes and the fit-to-page flag are written with the sheet's top: set before the first append.
    for index, column in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    _set_page(ws, run, landscape=True, title_rows="1:1")
    make_cell = CellMaker(ws)
    rows = RowWriter(ws)
    headers, styles, widths = [c.header for c in columns], [c.style for c in columns], [c.width for c in columns]
    # A row is as tall as the printed columns need: the long texts left on screen (reasons, other excerpts) would
    # make every printed row a half page; on screen they show in full in the cell or the formula bar.
    printed = print_columns or len(columns)
    rows.append([make_cell(h, "header") for h in headers],
                row_height(headers[:printed], widths, ["header"] * len(columns)))
    count = 0
    for row in values:
        rows.append([make_cell(value, style) for value, style in zip(row, styles)],
                    row_height(row[:printed], widths, styles))
        count += 1
    # The filter is written with the sheet's tail, so its final range can be set now.
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    if print_columns:       # a defined name, written with the workbook: the row count is known by then
        ws.print_area = f"A1:{get_column_letter(print_columns)}{count + 1}"
    return count


def _new_workbook(run: dict) -> Workbook:
    """Create the write-only workbook with the report's named styles and document properties."""
    wb = Workbook(write_only=True)
    for style in _named_styles().values():
        wb.add_named_style(style)
    wb.properties.title = clean_text(f"Screening run {run.get('id')}")
    wb.properties.creator = "adverse-media screening"
    return wb


def _write_sheets(wb: Workbook, run: dict, rows, hits, decisions, not_screened, audit_entries=None) -> None:
    """Write every sheet in order, consuming each iterable once; rows stream to openpyxl's temporary files."""
    _write_summary(wb.create_sheet(SHEETS[0]), run)
    _write_table(wb.create_sheet(SHEETS[1]), run, RECORD_COLUMNS, map(record_values, rows), RECORD_PRINT_COLUMNS)
    _write_table(wb.create_sheet(SHEETS[2]), run, HIT_COLUMNS, map(hit_values, hits), HIT_PRINT_COLUMNS)
    _write_table(wb.create_sheet(SHEETS[3]), run, DECISION_COLUMNS, map(decision_values, decisions),
                 DECISION_PRINT_COLUMNS)
    _write_table(wb.create_sheet(SHEETS[4]), run, NOT_SCREENED_COLUMNS, map(not_screened_values, not_screened))
    if audit_entries is not None:
        _write_table(wb.create_sheet(AUDIT_SHEET), run, AUDIT_COLUMNS, map(audit_values, audit_entries))


def _discard(wb: Workbook) -> None:
    """Remove the temporary files of a workbook that will not be saved.

    openpyxl removes them only on save or at interpreter exit, which in a long-running service would leave one
    per sheet of every failed report; this reaches into its write-only writers, so it is best effort.
    """
    for ws in wb.worksheets:
        try:
            ws.close()  # end the sheet's XML stream so that its file is released
        except Exception:  # noqa: BLE001 - already saved, or a half-written sheet: its file goes anyway
            pass
        writer = getattr(ws, "_writer", None)
        if writer is not None:
            try:
                writer.cleanup()
            except (OSError, ValueError):  # already removed by a save that failed later
                pass


def _news_policy(min_relevance) -> str:
    """The screening policy for news entities, in words."""
    if not min_relevance:
        return "all (minimum relevance 0)"
    return f"relevance {min_relevance:g} or more (setting news_min_relevance)"


def _temporary_file(path: str) -> str:
    """Create an empty temporary file beside path, or raise ReportError if its folder cannot take it."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise ReportError(f"cannot write the report to {path}: it is a folder")
    if not os.path.isdir(folder):
        raise ReportError(f"cannot write the report to {path}: folder {folder} does not exist")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise ReportError(f"cannot write the report to {path}: {error.strerror or error}") from error
    os.close(handle)
    # mkstemp makes the file private (0600); a report is a document, so it gets the usual mode under the umask.
    os.chmod(temporary, 0o666 & ~_umask())
    return temporary


temporary_file = _temporary_file      # for the other writers of this package (the PDF case file)


def _umask() -> int:
    """The process umask, read without changing it (os.umask would, for a moment, for every thread)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def write_report(
    path,
    run: dict,
    rows: Iterable[dict],
    hits: Iterable[dict],
    decisions: Iterable[dict],
    not_screened: Iterable[dict],
    audit_entries: Iterable[dict] | None = None,
) -> None:
    """Write the Excel report of a screening run to path, atomically: a failure leaves no half-written file.

    Each iterable is consumed once, in sheet order (rows, hits, decisions, not_screened, then audit_entries:
    the run's audit trail, written as the Audit sheet when given). Raise ReportError
    when the destination cannot be written (checked before anything is consumed); errors of the iterables
    themselves propagate unchanged.
    """
    path = os.fspath(path)
    temporary = _temporary_file(path)
    wb = _new_workbook(run)
    try:
        _write_sheets(wb, run, rows, hits, decisions, not_screened, audit_entries)
        try:
            wb.save(temporary)
            os.replace(temporary, path)
        except OSError as error:
            raise ReportError(f"cannot write the report to {path}: {error.strerror or error}") from error
    except BaseException:
        _discard(wb)
        try:
            os.remove(temporary)
        except OSError:
            pass
        raise
