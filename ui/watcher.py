"""The watcher's control, on the Followed sources and Ingest pages: whether ``python -m core watch`` runs for this store
(since when, which process), with Start and Stop. The watcher is a process of its own
(``core.monitor.control``): it goes on when the dashboard is closed, and stops only when asked."""
from __future__ import annotations

import streamlit as st

from core import config
from core.errors import InputError
from core.monitor import control


def panel() -> None:
    """Draw the control for the dashboard's store."""
    url = config.database_url()
    st.subheader("Watching sources")
    try:
        state = control.status(url)
    except InputError as err:
        st.caption(f"The watcher cannot run for this store: {err}")
        return
    started, stopped = st.columns(2)
    if started.button("Start watching", key="watcher_start", disabled=state.running,
                      help="Poll the followed sources on their intervals, in a process of its own "
                           "(python -m core watch), until stopped"):
        try:
            state = control.start(url)
        except InputError as err:
            st.error(str(err))
    if stopped.button("Stop watching", key="watcher_stop", disabled=not state.running,
                      help="The watcher ends after the request under way; nothing half-stored is kept"):
        state = control.stop(url)
        if state.running:
            st.warning("The watcher has not ended yet; it finishes the item it is storing.")
    st.caption(state.describe().capitalize() + (f". Its output: `{state.log_file}`" if state.log_file else ""))
