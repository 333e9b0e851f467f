"""Untrusted article text made safe to show: every character escaped, paragraphs kept, and the
direction set from the language so Arabic, Persian and Hebrew read right to left."""
from __future__ import annotations

import html
import re

import pandas as pd

from core.languages import is_right_to_left


def direction(language: str | None) -> str:
    return "rtl" if is_right_to_left(language) else "ltr"


def article_html(title: str | None, text: str, language: str | None,
                 highlights: list[tuple[str, int, int, str]] = ()) -> str:
    """HTML for one article in which nothing from the article can act as markup.

    ``html.escape`` turns ``<``, ``>``, ``&`` and quotes into entities, so a ``<script>`` or an
    ``<img onerror>`` in an article is shown as the characters it is. ``highlights`` are
    (field "title" | "text", start, end, label) spans, marked with ``<mark>`` and the label
    (an actor's English name) as a tooltip; overlapping spans keep the first.
    """
    lang = html.escape(language or "", quote=True)
    way = direction(language)
    marks = {"title": [], "text": []}
    for field, start, end, label in sorted(highlights, key=lambda h: (h[0], h[1], -h[2])):
        spans = marks.setdefault(field, [])
        if not spans or start >= spans[-1][1]:
            spans.append((start, end, label))
    heading = f"<h3 dir='{way}' lang='{lang}'>{_marked(title, 0, marks['title'])}</h3>" if title else ""
    paragraphs, offset = [], 0
    for paragraph in (text or "").split("\n\n"):
        if paragraph.strip():
            paragraphs.append(f"<p dir='{way}' lang='{lang}' style='margin:0 0 0.8em 0'>"
                              f"{_marked(paragraph, offset, marks['text'])}</p>")
        offset += len(paragraph) + 2
    align = "right" if way == "rtl" else "left"
    return (f"<div class='geowire-article' dir='{way}' lang='{lang}' style='text-align:{align}'>"
            f"{heading}{''.join(paragraphs)}</div>")


def _marked(part: str, offset: int, spans: list[tuple[int, int, str]]) -> str:
    """``part`` (which starts at ``offset`` of its field) escaped, with the spans inside it marked."""
    out, cursor = [], 0
    for start, end, label in spans:
        start, end = start - offset, end - offset
        if end <= 0 or start >= len(part) or start < cursor:
            continue
        out.append(html.escape(part[cursor:start]))
        out.append(f"<mark class='geowire-mention' title='{html.escape(label, quote=True)}'>"
                   f"{html.escape(part[start:end])}</mark>")
        cursor = end
    out.append(html.escape(part[cursor:]))
    return "".join(out)


def passage_html(text: str, language: str | None, muted: bool = False) -> str:
    """One quoted passage, escaped, in its own direction (a translation below its original is ``muted``)."""
    lang = html.escape(language or "", quote=True)
    way = direction(language)
    colour = "color:#555;" if muted else ""
    return (f"<blockquote class='geowire-quote' dir='{way}' lang='{lang}' style='{colour}margin:0 0 0.6em 0;"
            f"text-align:{'right' if way == 'rtl' else 'left'}'>{html.escape(text or '')}</blockquote>")


def quote_html(label: str, sentence: str, language: str | None, translation: str | None = None,
               target: str | None = None, waiting: bool = False, url=None) -> str:
    """One quoted passage as a single block: a small label line (date, language, and a link to the
    original page when ``url`` is a web address), the passage in its own direction, and below it
    its translation or a note that it waits for one. One block instead of an element each keeps a
    page of dozens of quotes quick to redraw."""
    link = (f" · <a href='{html.escape(url.strip(), quote=True)}' target='_blank' rel='noopener noreferrer'>original page</a>"
            if is_web_link(url) else "")
    parts = [f"<div style='color:#666;font-size:0.85em;margin-bottom:0.2em'>{html.escape(label or '')}{link}</div>",
             passage_html(sentence, language)]
    if translation:
        parts.append(passage_html(translation, target, muted=True))
    elif waiting:
        parts.append("<div style='color:#666;font-size:0.85em;margin-bottom:0.6em'>waiting for translation</div>")
    return "".join(parts)


def table_html(frame: pd.DataFrame, headers: dict[str, str] | None = None, max_chars: int = 100,
               links: tuple[str, list[str]] | None = None) -> str:
    """A small table from the data as one HTML block: every cell escaped, on one line, cut at
    ``max_chars``, and set in its own direction (``dir="auto"``: an Arabic title reads right to left
    in a table of English headers); times as "YYYY-MM-DD HH:MM"; ``headers`` renames columns;
    ``links`` = (column, one address per row) makes that column's cells links within the app.

    For a dozen rows on a page's first view: st.dataframe's grid loads 1.2 MB of script, and the
    Overview opened 0.2 s sooner by median with these tables instead (docs/dashboard-performance.md).
    The block has no line break, so Markdown never resumes inside it."""
    def cell(value) -> str:
        if isinstance(value, pd.Timestamp):
            return f"{value:%Y-%m-%d %H:%M}"
        text = _one_line(value)
        return text if len(text) <= max_chars else text[:max_chars - 1].rstrip() + "…"

    names = headers or {}
    # numbers to the right, times kept on one line
    styles = ["text-align:end" if pd.api.types.is_numeric_dtype(frame[c]) else
              "text-align:start;white-space:nowrap" if pd.api.types.is_datetime64_any_dtype(frame[c]) else
              "text-align:start" for c in frame.columns]
    head = "".join(f"<th dir='auto' style='text-align:start'>{html.escape(names.get(c, str(c)))}</th>" for c in frame.columns)
    linked, hrefs = links if links else (None, [None] * len(frame))

    def content(column, value, href) -> str:
        text = html.escape(cell(value))
        return f"<a href='{html.escape(href, quote=True)}' target='_self'>{text}</a>" if column == linked and href else text

    rows = "".join(
        "<tr>" + "".join(f"<td dir='auto' style='{style}'>{content(column, value, href)}</td>"
                         for column, style, value in zip(frame.columns, styles, row)) + "</tr>"
        for row, href in zip(frame.itertuples(index=False, name=None), hrefs))
    return (f"<table class='geowire-table' style='width:100%;font-size:0.85rem'><thead><tr>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def heading_html(text: str) -> str:
    """A name from the data (an outlet, an actor) as a bold heading, escaped: Markdown would read
    its brackets and asterisks."""
    return f"<div style='font-weight:600;margin-bottom:0.3em'>{html.escape(text or '')}</div>"


def is_web_link(url) -> bool:
    """Only http(s) addresses from articles become links: a ``javascript:`` or ``data:`` URL in a
    feed would run in the page."""
    return isinstance(url, str) and url.strip().lower().startswith(("http://", "https://"))


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:=&])")


def plain(text) -> str:
    """Text from the data made inert for Streamlit's Markdown (captions, link, button and expander
    labels render Markdown, and an image in it would be fetched): every Markdown character escaped,
    line breaks flattened."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", _one_line(text))


def _one_line(value) -> str:
    """A value from the data as text with its line breaks and runs of spaces flattened; "" where
    it is missing (None, NaN, NaT)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return " ".join(str(value).split())
