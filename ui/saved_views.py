"""The sidebar's saved views: the current view (its page, filters and view widgets, all in the URL:
ui/view_state.py) saved under a name in the store, so that everyone on a team store sees it; each
saved view a link that reopens it, and a button that deletes it."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import streamlit as st

from core.charts import tables
from core.errors import StoreError
from core.store import saved_views
from ui import corpus, navigation, view_state

_NAME = "saved_view_name"  # the name box
_NOTE = "_saved_views_note"  # (kind, message) of the last save or delete, shown once


def section(page: str) -> None:
    """The saved views, under the filter bar of every page (``page``: its title)."""
    st.divider()
    st.header("Saved views")
    try:
        views = saved_views.list_views(corpus.engine())
    except StoreError as err:
        st.error(f"The saved views cannot be read: {err}")
        return
    if not views:
        st.caption("None yet: name the view on the screen and save it, and it is listed here for everyone using "
                   "this store.")
    paths = {title: path for path, title, _ in navigation.PAGES}
    titles = {path: title for path, title, _ in navigation.PAGES}
    for number, view in enumerate(views):
        if view.page not in titles:
            continue
        link, delete = st.columns([5, 1], vertical_alignment="center")
        link.page_link(view.page, label=tables.plain(view.name), icon=":material/bookmark:",
                       query_params=[*parse_qsl(view.query, keep_blank_values=True), (view_state.OPEN_PARAM, "1")],
                       help=f"{tables.plain(view.name)}: {titles[view.page]}, saved {view.saved_at:%Y-%m-%d %H:%M} UTC")
        delete.button("", icon=":material/delete:", key=f"saved_view_delete_{number}", on_click=_delete,
                      args=(view.name,), help=f"Delete “{tables.plain(view.name)}” for everyone using this store")
    with st.form("save_view", border=False, enter_to_submit=True):
        st.text_input("Name of this view", key=_NAME, max_chars=saved_views.NAME_LENGTH,
                      placeholder="e.g. Iran and Russia, weekly")
        st.form_submit_button("Save this view", icon=":material/bookmark_add:", key="saved_view_save",
                              on_click=_save, args=(paths.get(page, navigation.PAGES[0][0]),))
    note = st.session_state.pop(_NOTE, None)
    if note:
        (st.success if note[0] == "ok" else st.error)(note[1])


def current_query() -> str:
    """The current view's query string (the URL's, without a saved view's marker)."""
    pairs = [(key, value) for key in st.query_params if key != view_state.OPEN_PARAM
             for value in st.query_params.get_all(key)]
    return urlencode(pairs)


def _save(page_path: str) -> None:
    # A callback: it runs before the next run, while st.query_params still holds the view on the screen.
    try:
        view = saved_views.save_view(corpus.engine(), st.session_state.get(_NAME, ""), page_path, current_query())
    except (ValueError, StoreError) as err:
        st.session_state[_NOTE] = ("error", str(err))
        return
    st.session_state[_NAME] = ""
    st.session_state[_NOTE] = ("ok", f"Saved “{view.name}”.")


def _delete(name: str) -> None:
    try:
        saved_views.delete_view(corpus.engine(), name)
    except StoreError as err:
        st.session_state[_NOTE] = ("error", str(err))
        return
    st.session_state[_NOTE] = ("ok", f"Deleted “{name}”.")
