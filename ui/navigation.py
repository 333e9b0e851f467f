"""The app's pages and what every page sets: the one list of pages (app.py declares them, the
sidebar's menu links them), the Timeline's views, and the page's title, icon and wide layout."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

# Every page of the app: (script, title, icon). app.py declares them; every page's sidebar lists them.
PAGES = (("pages/overview.py", "Overview", ":material/dashboard:"), ("pages/timeline.py", "Timeline", ":material/timeline:"),
         ("pages/network.py", "Actor network", ":material/hub:"), ("pages/sources.py", "Sources", ":material/compare:"),
         ("pages/articles.py", "Reader", ":material/article:"), ("pages/ingest.py", "Ingest", ":material/upload_file:"),
         ("pages/translation.py", "Translation", ":material/translate:"),
         ("pages/followed.py", "Followed sources", ":material/rss_feed:"), ("pages/alerts.py", "Alerts", ":material/notifications:"))
# The Timeline's views, one tab each (serve.py opens every one before the first visitor does).
TIMELINE_VIEWS = ("Published", "Dates the articles mention", "Attention to actors", "Stories in several outlets")


def page_config() -> None:
    """Title, icon and wide layout. app.py sets them, and every page again (through the filter
    bar): a page of pages/ opened by its own URL (a copied link) was laid out in Streamlit's narrow
    centred column, the setting of app.py's run being dropped when the page's script started.
    The icon is a file: for a ":material/...:" icon Streamlit fetches the favicon from
    fonts.gstatic.com."""
    st.set_page_config(page_title="Geowire", page_icon=str(_ICON), layout="wide")


_ICON = Path(__file__).resolve().parent.parent / "static" / "geowire-icon.png"


def menu(counts: dict[str, int] | None = None) -> None:
    """A link to every page, in the order of PAGES, with a count after a page's title where
    ``counts`` (page script -> number) gives one above 0 (the Alerts page: alerts not yet seen).
    The menu is drawn by each page (in the sidebar, above the filter bar), not by st.navigation:
    see app.py."""
    for path, title, icon in PAGES:
        count = (counts or {}).get(path, 0)
        st.page_link(path, label=f"{title} ({count:,} new)" if count else title, icon=icon)
