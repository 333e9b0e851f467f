"""What is new: the articles stored since this browser's last visit (offered as a filter, ``new``
in the URL), the alerts it has not seen (their count in the menu), and the articles stored while a
page is open (a note that offers to show them, without a restart).

The last visit is the browser's own, kept in its localStorage by a small component
(ui/last_visit.js): on a team server every analyst's browser has its own, with no login, no cookie
and nothing in the store; a copied link carries the moment itself (``new=…``), so it shows the
same articles to whoever opens it. A browser that blocks storage has no last visit: the filter is
then not offered.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st

from core.store import alerts as store_alerts
from core.store import database
from ui import corpus

# How often an open page asks the store whether articles arrived: one small query a page. The
# watcher polls feeds every few minutes at the quickest, so half a minute is soon enough.
POLL_SECONDS = 30
_VISIT, _SEEN = "_whats_new_last_visit", "_whats_new_alerts_seen"
_DRAWN = "_whats_new_drawn_with"  # (revision, articles) of the corpus the page was drawn with
_MARKER = st.components.v2.component(
    "geowire_last_visit", js=(Path(__file__).parent / "last_visit.js").read_text(encoding="utf-8"), isolate_styles=False)


def _noop() -> None:
    """The component's values are read from its result; Streamlit asks for a callback per value."""


def marker(data: corpus.Corpus) -> None:
    """Record this visit in the browser and read the last one (call once a run, in the sidebar)."""
    state = st.session_state
    now = _iso(dt.datetime.now(dt.timezone.utc))
    result = _MARKER(key="geowire-last-visit", data={"now": now, "visit": state.get(_VISIT), "seen": state.get(_SEEN),
                                                     "alerts_seen": state.get(_SEEN)},
                     on_visit_change=_noop, on_alerts_seen_change=_noop, height=0)
    visit, seen = getattr(result, "visit", None), getattr(result, "alerts_seen", None)
    if visit and _parse(visit) is not None:
        state[_VISIT] = visit
    if seen and _parse(seen) is not None and (state.get(_SEEN) or "") < seen:
        state[_SEEN] = seen
    state[_DRAWN] = (database.revision(corpus.engine()), len(data.articles))


def last_visit() -> dt.datetime | None:
    """When this browser last had the dashboard open before this tab; None for a first visit."""
    return _parse(st.session_state.get(_VISIT))


def mark_alerts_seen(newest: dt.datetime | None) -> None:
    """The Alerts page was seen with alerts up to ``newest``: the menu's count starts after them."""
    if newest is not None and (st.session_state.get(_SEEN) or "") < _iso(newest):
        st.session_state[_SEEN] = _iso(newest)


def seen_alerts_until() -> dt.datetime | None:
    """The newest alert this browser has seen on the Alerts page; None when it never opened it."""
    return _parse(st.session_state.get(_SEEN))


def unseen_alerts() -> int:
    """Alerts fired after the newest one this browser has seen on the Alerts page."""
    return store_alerts.count_since(corpus.engine(), _parse(st.session_state.get(_SEEN)))


def new_since(data: corpus.Corpus, moment: dt.datetime | None) -> int:
    """How many of the corpus's articles were stored after ``moment``."""
    if moment is None or "ingested_at" not in data.articles.columns:
        return 0
    return int((data.articles["ingested_at"] > moment).sum())


@st.fragment(run_every=POLL_SECONDS)
def store_watch() -> None:
    """On an open page: once the store holds articles this page was not drawn with, say how many and
    offer to show them (the whole page runs again with the store's new revision)."""
    drawn = st.session_state.get(_DRAWN)
    eng = corpus.engine()
    if drawn is None or database.revision(eng) == drawn[0]:
        return
    arrived = store_alerts.count_articles(eng) - drawn[1]
    if arrived <= 0:
        return
    if st.button(f"{arrived} new article{'s' * (arrived != 1)} — show them", key="whats_new_show",
                 icon=":material/fiber_new:", type="primary", width="stretch"):
        st.rerun(scope="app")


def _iso(moment: dt.datetime) -> str:
    # UTC to the microsecond, every part fixed in width: the strings compare as the times do (the
    # browser compares them too), and an alert is not counted again for a fraction of a second.
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse(text: str | None) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
    except (TypeError, ValueError):
        return None
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
