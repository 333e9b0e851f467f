"""What every page shares: the store, the cached articles, the sample corpus on first start."""
from __future__ import annotations

import streamlit as st

from core import config, ingest, store


@st.cache_resource
def _engine(url: str):
    return store.connect(url)


def engine():
    """The store named by GEOWIRE_DB (or the default), opened once per process."""
    return _engine(config.database_url())


@st.cache_data(show_spinner=False)
def _articles(_engine, url: str, revision: int):
    return store.load_articles(_engine)


def articles():
    """All stored articles, re-read only when the store's revision changes."""
    eng = engine()
    return _articles(eng, str(eng.url), store.revision(eng))


def ensure_sample_corpus() -> None:
    """On an empty store, ingest the shipped sample corpus so the dashboard has something to show."""
    eng = engine()
    if store.revision(eng) > 0:
        return
    bar = st.progress(0.0, text="First start: reading the sample corpus…")

    def advance(done: int, total: int, path: str, outcome: str) -> None:
        bar.progress(done / total, text=f"First start: reading the sample corpus ({done}/{total} files)")

    summary = ingest.ingest(eng, [config.SAMPLES_DIR], progress=False, on_file=advance)
    bar.empty()
    st.toast(f"Sample corpus loaded: {summary.describe()}")
