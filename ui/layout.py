"""The start of every analysis page (its title, the corpus, the filter bar and the selection; the
empty store's notice) and the small widgets pages share: the period of a time chart, and widgets
whose value outlives the runs that do not draw them."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.analysis import timelines
from ui import corpus, filters, plotly_view, view_state


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
    return data, selected


def empty_store_notice(data: corpus.Corpus) -> bool:
    """Say how to fill an empty store; True when it is empty (the page then has nothing to draw)."""
    if len(data.articles):
        return False
    st.info("The store is empty. Add articles on the Ingest page, or with `python -m core ingest PATH`.")
    return True


_KEPT = "_widgets_kept"  # values of widgets that may go undrawn for a run (see kept)


def kept(key: str, **default) -> dict:
    """Arguments for a widget whose value should survive runs in which it is not drawn, such as a
    closed tab's (Streamlit drops the state of a widget that a run did not draw): pass them
    instead of ``key``, and the widget's default as a keyword (``default=...``). The default is
    left out once the user has chosen a value: Streamlit refuses both at once."""
    saved = st.session_state.setdefault(_KEPT, {})
    if key in saved and key not in st.session_state:
        st.session_state[key] = saved[key]
    return {"key": key, "on_change": _save_widget, "args": (key,), **({} if key in saved else default)}


def _save_widget(key: str) -> None:
    """A kept widget's callback: its value, saved for the runs that do not draw it (see kept)."""
    st.session_state.setdefault(_KEPT, {})[key] = st.session_state.get(key)


def period(key: str) -> str:
    """The day / week / month choice of a time chart, kept in the URL (ui.view_state)."""
    return st.segmented_control("Period", list(timelines.FREQUENCIES),
                                **view_state.in_url(key, "week", timelines.FREQUENCIES)) or "week"
