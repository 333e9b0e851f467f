"""Geowire: the dashboard. Every page is declared here; ``pages/`` is not auto-discovered.

Every page draws the shared filter bar through ``common.selection``.
"""
import streamlit as st

from pages import common

st.set_page_config(page_title="Geowire", page_icon=":material/public:", layout="wide")
common.ensure_sample_corpus()

navigation = st.navigation([
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("pages/timeline.py", title="Timeline", icon=":material/timeline:"),
    st.Page("pages/network.py", title="Actor network", icon=":material/hub:"),
    st.Page("pages/sources.py", title="Sources", icon=":material/compare:"),
    st.Page("pages/articles.py", title="Reader", icon=":material/article:"),
    st.Page("pages/ingest.py", title="Ingest", icon=":material/upload_file:"),
    st.Page("pages/translation.py", title="Translation", icon=":material/translate:"),
])
navigation.run()
