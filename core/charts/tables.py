"""Values from the data shown in a page's Markdown as HTML: small tables (``table_html``), names
as headings (``heading_html``), publication times (``published_text``), and text made inert for
Streamlit's Markdown (``plain``); every character escaped, each value on one line. Tables a page
hands to Streamlit's grid are made readable first (``readable``): language names, and a dash
where a value is missing (the grid wrote "None")."""
from __future__ import annotations

import html
import re

import pandas as pd

from core.languages import language_name

# What a page shows where the data has no value, in tables, captions and metadata alike.
MISSING = "—"


def readable(frame: pd.DataFrame, language_columns: tuple[str, ...] = ("language",)) -> pd.DataFrame:
    """A copy of ``frame`` for a table a person reads: language codes in ``language_columns``
    named ("fa" -> "Persian"), and ``MISSING`` in the text columns where a value is missing.
    Numbers and times are left as they are, for the grid to sort and format."""
    shown = frame.copy()
    for column in shown.columns:
        values = shown[column]
        if column in language_columns:
            shown[column] = values.map(language_name, na_action="ignore").astype(object).where(values.notna(), MISSING)
        elif not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values)
                  or pd.api.types.is_bool_dtype(values)):
            shown[column] = values.astype(object).where(values.notna(), MISSING)
    return shown


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
        text = _one_line(value) or MISSING
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


def published_text(published: pd.Series, precision: pd.Series) -> pd.Series:
    """Publication times as a page shows them: "YYYY-MM-DD HH:MM UTC" where the source gave the
    time, the day alone where it gave only the day (never a made-up "00:00"), "undated" where it
    gave neither. ``precision`` is the articles' ``published_precision``."""
    with_time = published.dt.strftime("%Y-%m-%d %H:%M UTC")
    day = published.dt.strftime("%Y-%m-%d")
    return with_time.where(precision.eq("minute").fillna(False).to_numpy(), day).fillna("undated")


def heading_html(text: str) -> str:
    """A name from the data (an outlet, an actor) as a bold heading, escaped: Markdown would read
    its brackets and asterisks."""
    return f"<div style='font-weight:600;margin-bottom:0.3em'>{html.escape(text or '')}</div>"


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
