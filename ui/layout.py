"""The start of every analysis page (its title, the corpus, the filter bar and the selection; the
empty store's notice) and the small widgets pages share: the period of a time chart (in the URL,
with the other view widgets: ui/view_state.py)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.analysis import timelines
from ui import corpus, corrections, filters, plotly_view, view_state

# The Reader's table lists the newest READER_ROWS of the selection: the grid sends every row to the
# browser, and a million rows took 0.8 GB of the server's memory and 3 s on each run.
READER_ROWS = 5_000


def open_page(title: str, charts: bool = False) -> tuple[corpus.Corpus, pd.DataFrame]:
    """The start of every analysis page: its title, the corpus, the filter bar and the selection
    (with its count); on an empty store, a notice and nothing more. ``charts``: the page draws
    charts, so the browser starts loading their library first (plotly_view.preload)."""
    if charts:
        plotly_view.preload()
    st.title(title)
    data = corpus.current()
    selected = filters.selection(data, title)
    if empty_store_notice(data):
        st.stop()
    corrections.sidebar(data)
    return data, selected


def empty_store_notice(data: corpus.Corpus) -> bool:
    """Say how to fill an empty store; True when it is empty (the page then has nothing to draw)."""
    if len(data.articles):
        return False
    st.info("The store is empty. Add articles on the Ingest page, or with `python -m core ingest PATH`.")
    return True


def period(key: str) -> str:
    """The day / week / month choice of a time chart, kept in the URL (ui.view_state)."""
    return st.segmented_control("Period", list(timelines.FREQUENCIES),
                                **view_state.in_url(key, "week", timelines.FREQUENCIES)) or "week"
