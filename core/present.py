"""Untrusted article text made safe to show: every character escaped, paragraphs kept, and the
direction set from the language so Arabic, Persian and Hebrew read right to left."""
from __future__ import annotations

import html

from core.language import is_right_to_left


def direction(language: str | None) -> str:
    return "rtl" if is_right_to_left(language) else "ltr"


def article_html(title: str | None, text: str, language: str | None) -> str:
    """HTML for one article in which nothing from the article can act as markup.

    ``html.escape`` turns ``<``, ``>``, ``&`` and quotes into entities, so a ``<script>`` or an
    ``<img onerror>`` in an article is shown as the characters it is.
    """
    lang = html.escape(language or "", quote=True)
    way = direction(language)
    heading = f"<h3 dir='{way}' lang='{lang}'>{html.escape(title)}</h3>" if title else ""
    paragraphs = "".join(
        f"<p dir='{way}' lang='{lang}' style='margin:0 0 0.8em 0'>{html.escape(p)}</p>"
        for p in (text or "").split("\n\n") if p.strip()
    )
    align = "right" if way == "rtl" else "left"
    return f"<div class='geowire-article' dir='{way}' lang='{lang}' style='text-align:{align}'>{heading}{paragraphs}</div>"
