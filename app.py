"""Geowire: the dashboard. Every page is declared here; ``pages/`` is not auto-discovered.

Every page draws the shared filter bar through ``ui.filters.selection``; the code pages share is
in ``ui/``.
"""
import streamlit as st

from core import errors
from ui import corpus, memory, navigation

navigation.page_config()

# The menu is drawn by each page (ui.filters.filter_bar), not by st.navigation: with the sidebar's
# automatic navigation off (.streamlit/config.toml), a page opened by its URL no longer lists the
# raw files of pages/ while it loads.
pages = [st.Page(path, title=title, icon=icon, default=(path == navigation.PAGES[0][0]))
         for path, title, icon in navigation.PAGES]
try:
    corpus.ensure_sample_corpus()
    st.navigation(pages, position="hidden").run()
except errors.StoreError as err:
    # A team store on a server can be down, or refuse the login: the page says so in one line (the
    # password masked), where a traceback would show the analyst the code instead.
    st.error(f"The store cannot be used: {err}")
finally:
    # What the run freed (a selection's columns, a chart's JSON) goes back to the system rather
    # than staying in the allocator's free lists, where a large store's server grew with each run.
    memory.hand_back_freed_memory()

