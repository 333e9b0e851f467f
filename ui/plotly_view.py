"""Plotly figures drawn in the page with a plotly.js bundle of our own, instead of st.plotly_chart.

Why not st.plotly_chart: its front end carries the whole of plotly.js (maps, 3D, WebGL: 4.7 MB),
and a fresh browser on this 2-core machine spends 1-3 s evaluating it before a page's first chart
is drawn (plotly.min.js alone: 2.7-3.1 s). Geowire draws bars, lines, markers and heatmaps: a
bundle of plotly.js's core with bar and heatmap (1.2 MB; scripts/plotly-bundle, the plotly.js
version of the plotly package, vendored under static/vendor) evaluates in 0.4-0.5 s, where
plotly.js's ready-made cartesian bundle took 1.0-1.3 s and the whole of it 3 s. A page with one
chart was drawn in 2.6-2.9 s with the cartesian bundle instead of 4.0-4.4 s with st.plotly_chart
(docs/dashboard-performance.md). No Streamlit element loads a script of our
choosing, so this is a small custom component (``st.components.v2``: in the page, no iframe) that
loads the bundle once per page and redraws with ``Plotly.react``, which updates a chart in place.
Charts keep Geowire's own template (core.charts), as in the exported files.

The bundle is served by Streamlit's static file serving (``.streamlit/config.toml``). When that is
off (the app started with another configuration), charts fall back to st.plotly_chart.
"""
from __future__ import annotations

from pathlib import Path

import plotly.io as pio
import streamlit as st

BUNDLE = "vendor/plotly-geowire-4.1.1.min.js"  # under static/, served at app/static/
# The trace types that bundle draws (scripts/plotly-bundle/entry.js); core.charts uses no other.
TRACE_TYPES = frozenset({"bar", "heatmap", "scatter"})
_COMPONENT = st.components.v2.component(
    "geowire_plotly", js=(Path(__file__).with_suffix(".js")).read_text(encoding="utf-8"),
    # The preload draws nothing; without this its empty block would still push the title down.
    css=".st-key-plotly-preload { display: none; }",
    # Plotly puts its stylesheet in the document's head, which a shadow root would not see.
    isolate_styles=False)


def _script_url() -> str:
    base = st.get_option("server.baseUrlPath").strip("/")
    return f"{'/' + base if base else ''}/app/static/{BUNDLE}"


def preload() -> None:
    """Start loading the bundle as the page's first element rather than with its first chart,
    which comes later. The gain is small: the browser shows (and so runs) the component only once
    the scripts of every element kind the run has sent so far are in, which is about when the
    charts arrive (docs/dashboard-performance.md, "Where a cold start goes"); measured,
    0.1-1.0 s on the Timeline and the Actor network, nothing beyond the noise on the others."""
    if st.get_option("server.enableStaticServing"):
        _COMPONENT(key="plotly-preload", data={"script": _script_url()})


def draw(fig, key: str, config: dict, on_click=None) -> None:
    """Draw ``fig`` under the widget key ``key``. ``on_click`` (a callback without arguments) is
    called when a point whose customdata is a string is clicked; the string is then
    ``clicked(key)``."""
    if not st.get_option("server.enableStaticServing"):
        st.plotly_chart(fig, width="stretch", key=key, theme=None, config=config,
                        on_select=on_click or "ignore", selection_mode="points")
        return
    data = {"figure": pio.to_json(fig, validate=False), "config": {**config, "responsive": True},
            "script": _script_url(), "clickable": on_click is not None}
    _COMPONENT(key=key, data=data, on_click_change=on_click or (lambda: None))


def clicked(key: str) -> str | None:
    """The customdata of the point last clicked in the chart drawn under ``key``."""
    state = st.session_state.get(key)
    if state is None:
        return None
    if "selection" in state:  # st.plotly_chart's event (the fallback)
        points = state["selection"]["points"]
        return next((p["customdata"] for p in points if isinstance(p.get("customdata"), str)), None)
    return state.get("click")
