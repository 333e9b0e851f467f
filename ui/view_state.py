"""The view in the URL: every widget that shapes what a page shows (its period, its open tab, the
actors it follows, the network's centre, the Reader's article...) is declared "in the URL" with
``in_url``; its value is then read from the query string when a link is opened and written back to
it on every run, so a copied link reopens exactly that view in a fresh browser. Its value also
outlives the runs that do not draw it (a closed tab's widget, a visit to another page), as
a ``kept`` helper of ui/layout.py did before.

Streamlit 1.67's own ``bind="query-params"`` was tried first: the frontend writes those values to
the address bar, so ``st.query_params`` (and AppTest) never see them, and a multiselect's URL
carries the shown labels (actor names, which corrections change) rather than its values (actor ids).
Hence this small mechanism over ``st.query_params``.

A value is taken from the URL when the URL carries one this session did not write there (a fresh
browser, a link followed, ``st.page_link`` with query parameters), or when a saved view is being
opened (``OPEN_PARAM`` in the URL: every view widget then takes the URL's value or its default,
and the filters are read again, see ``ui.filters``). Otherwise the session's value stands.
The widget's URL parameter is its key; it is left out of the URL while the value is the default.
"""
from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

OPEN_PARAM = "saved_view"  # in a saved view's link: the view replaces the session's (see opening)

_WRITTEN = "_view_state_written"  # {key: the URL values this session last wrote for it}
_KEPT = "_view_state_kept"  # {key: value}: values of view widgets a run did not draw
_OPENING = "_view_state_opening"  # True during the run that opens a saved view
_EMPTY = ""  # the URL value of a list chosen empty where the default is not (``?key=``)


def begin_run() -> bool:
    """Called once at the start of every page's run (by the filter bar, before any view widget):
    whether this run opens a saved view. The marker leaves the URL at once, so opening the same
    view again later is seen again."""
    opening = OPEN_PARAM in st.query_params
    if opening:
        del st.query_params[OPEN_PARAM]
    st.session_state[_OPENING] = opening
    return opening


def opening() -> bool:
    """Whether this run opens a saved view (see ``begin_run``)."""
    return bool(st.session_state.get(_OPENING))


def in_url(key: str, default, options: Iterable | None = None) -> dict:
    """Arguments for a view widget whose value lives in the URL (pass them instead of ``key``, and
    give the widget no default of its own: ``default`` is it). ``options``: the values it may
    take (a URL value outside them, or an option that went away, falls back to ``default``; for a
    list, the values outside them are dropped). Returns ``{"key": key}``, its value set in
    ``st.session_state`` before the widget is drawn, and writes the value to the URL."""
    state = st.session_state
    allowed = None if options is None else options if isinstance(options, (set, frozenset, dict)) else list(options)
    written = state.setdefault(_WRITTEN, {})
    kept = state.setdefault(_KEPT, {})
    given = st.query_params.get_all(key) if key in st.query_params else None
    if opening():
        value = default if given is None else _decode(given, default, allowed)
    elif given is not None and given != written.get(key):
        value = _decode(given, default, allowed)
    elif key in state:
        value = state[key]
    else:
        value = kept.get(key, default)
    value = _valid(value, default, allowed)
    # Handed to the widget on every run, even unchanged: a run stopped before it drew the widget
    # (a component's value arriving restarts a tab's first run) leaves the value in the session
    # but never sent, and the next run would draw the widget with Streamlit's own default.
    state[key] = value
    kept[key] = value
    wanted = None if value == default else _encode(value)
    if wanted is None:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get_all(key) != wanted:
        st.query_params[key] = wanted
    written[key] = wanted
    return {"key": key}


def value(key: str, default=None):
    """A declared widget's value as kept, for a run that does not draw it."""
    return st.session_state.get(key, st.session_state.get(_KEPT, {}).get(key, default))


def _encode(value) -> list[str]:
    if isinstance(value, bool):
        return ["1" if value else "0"]
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value] or [_EMPTY]
    return [str(value)]


def _decode(given: list[str], default, allowed: list | None):
    """The URL's strings as the widget's value: the option whose text they are when the options
    are known, else by the type of the default."""
    # Options that are not strings (a story's number, None) are found by their text.
    by_text = {} if allowed is None else {str(option): option for option in allowed if not isinstance(option, str)}
    if isinstance(default, (list, tuple)):
        return [by_text.get(item, item) for item in given if item != _EMPTY]
    text = given[-1] if given else ""
    if isinstance(default, bool):
        return text.lower() in ("1", "true", "yes", "on")
    if allowed is not None:
        return by_text.get(text, text)
    if isinstance(default, int):
        try:
            return int(text)
        except ValueError:
            return default
    return text


def _valid(value, default, allowed: list | None):
    if allowed is None:
        return value
    if isinstance(default, (list, tuple)):
        chosen = value if isinstance(value, (list, tuple)) else []
        return list(dict.fromkeys(item for item in chosen if item in allowed))
    return value if value in allowed else default
