"""Geowire: the dashboard. Every page is declared here; ``pages/`` is not auto-discovered."""
import streamlit as st

from pages import common

st.set_page_config(page_title="Geowire", page_icon="🛰️", layout="wide")
common.ensure_sample_corpus()

navigation = st.navigation([
    st.Page("pages/articles.py", title="Articles", icon=":material/article:", default=True),
    st.Page("pages/translation.py", title="Translation", icon=":material/translate:"),
])
navigation.run()
