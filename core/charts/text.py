"""Untrusted article text made safe to show: every character escaped, paragraphs kept, and the
direction set from the language so Arabic, Persian and Hebrew read right to left. ``article_html``
is one article (with its actor mentions marked), ``quote_html`` one quoted passage with its
translation; ``hover_text`` a quote or a list of spellings for a chart's hover box;
``is_web_link`` says which addresses from articles may become links."""
from __future__ import annotations

import html
import textwrap

import pandas as pd

from core.charts.theme import HOVER_CHARS
from core.languages import is_right_to_left

# A hover box line of this many characters is about 450 px in the charts' 13 px type: a box of
# such lines fits beside a point in a chart 1000 px wide, where one line of 220 characters ran
# past the chart's edge and was cut (right-to-left quotes lost their beginning).
HOVER_LINE_CHARS = 60
# Each line of a hover box is a bidirectional isolate (U+2068 ... U+2069): an Arabic line reads
# right to left from its own first letter, whatever the lines and labels around it.
_ISOLATE, _END_ISOLATE = "\u2068", "\u2069"


def _direction(language: str | None) -> str:
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
    way = _direction(language)
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


def _passage_html(text: str, language: str | None, muted: bool = False) -> str:
    """One quoted passage, escaped, in its own direction (a translation below its original is ``muted``)."""
    lang = html.escape(language or "", quote=True)
    way = _direction(language)
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
             _passage_html(sentence, language)]
    if translation:
        parts.append(_passage_html(translation, target, muted=True))
    elif waiting:
        parts.append("<div style='color:#666;font-size:0.85em;margin-bottom:0.6em'>waiting for translation</div>")
    return "".join(parts)


def is_web_link(url) -> bool:
    """Only http(s) addresses from articles become links: a ``javascript:`` or ``data:`` URL in a
    feed would run in the page."""
    return isinstance(url, str) and url.strip().lower().startswith(("http://", "https://"))


def hover_text(value, limit: int = HOVER_CHARS, width: int = HOVER_LINE_CHARS) -> str:
    """Text from the data for a chart's hover box: cut at ``limit`` characters, broken into lines
    of at most ``width`` characters at word boundaries (Plotly's ``<br>``), each line escaped and
    kept in its own direction. "" where the value is missing."""
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    flat = " ".join(str(value).split())
    if len(flat) > limit:
        flat = flat[:limit - 1].rstrip() + "…"
    # Plotly decodes only a few named entities (&lt; &gt; &amp;): an escaped quotation mark
    # (&quot;) would be shown as written, so quotes are left as they are.
    return "<br>".join(f"{_ISOLATE}{html.escape(line, quote=False)}{_END_ISOLATE}"
                       for line in textwrap.wrap(flat, width, break_long_words=True, break_on_hyphens=False))
