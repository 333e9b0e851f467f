"""Geowire: the dashboard. Every page is declared here; ``pages/`` is not auto-discovered.

Every page draws the shared filter bar through ``common.selection``.
"""
import streamlit as st

from pages import common

common.page_config()
common.ensure_sample_corpus()

# The menu is drawn by each page (common.filter_bar), not by st.navigation: with the sidebar's
# automatic navigation off (.streamlit/config.toml), a page opened by its URL no longer lists the
# raw files of pages/ while it loads.
pages = [st.Page(path, title=title, icon=icon, default=(path == common.PAGES[0][0])) for path, title, icon in common.PAGES]
st.navigation(pages, position="hidden").run()
