"""Issue 22, item 7: the actor network around one actor and as a whole. The centre is named, in the
middle and drawn apart; no node marker covers another and no name covers a node or another name,
measured in the pixels of the plot area from the figure itself; the tables follow the view."""
from __future__ import annotations

import html
import itertools

import numpy as np
import pandas as pd
import pytest

from core.analysis import cooccurrence
from core.charts import graph
from tests.test_analysis import sample  # noqa: F401 (fixture)
from tests.test_app import _figures, _open_tab, _run

IRAN, RUSSIA, UNITED_STATES, ISRAEL = "Q794", "Q159", "Q30", "Q801"
# About the smallest plot area the dashboard gives the network (a 1100-px window measured 620 x 494
# once the sidebar, margins and legend are taken off; a report-wide export has more): the figure's axes
# are mapped onto it with one scale on both, as Plotly does for axes with ``scaleanchor``. A larger
# area only moves the markers further apart (their sizes are in pixels).
PLOT_PX = (620, 480)
LABEL_FONT_PX = 11


def _nodes(fig) -> pd.DataFrame:
    """One row a node of the figure: actor, x, y (pixels of PLOT_PX), diameter (px), the name
    written beside it ('' when none), its side, and its font size."""
    rows = []
    for trace in fig.data:
        if trace.mode != "markers+text":
            continue
        sizes = trace.marker.size if isinstance(trace.marker.size, (list, tuple)) else [trace.marker.size] * len(trace.x)
        sides = trace.textposition if isinstance(trace.textposition, (list, tuple)) else [trace.textposition] * len(trace.x)
        for actor, x, y, size, text, side in zip(trace.customdata, trace.x, trace.y, sizes, trace.text, sides):
            rows.append({"actor": actor, "x": x, "y": y, "diameter": size, "symbol": trace.marker.symbol,
                         "text": html.unescape(text.replace("<b>", "").replace("</b>", "")).strip(), "side": side,
                         "font": trace.textfont.size or LABEL_FONT_PX})
    nodes = pd.DataFrame(rows)
    ranges = [fig.layout.xaxis.range, fig.layout.yaxis.range]
    # Without set ranges Plotly autoranges over the data (the markers' pixel size is then added;
    # leaving it out only makes the drawing larger, so overlaps found are overlaps drawn).
    low = [r[0] if r else nodes[c].min() for r, c in zip(ranges, ("x", "y"))]
    high = [r[1] if r else nodes[c].max() for r, c in zip(ranges, ("x", "y"))]
    scale = min(PLOT_PX[0] / (high[0] - low[0]), PLOT_PX[1] / (high[1] - low[1]))
    nodes["x"], nodes["y"] = (nodes["x"] - low[0]) * scale, (nodes["y"] - low[1]) * scale
    return nodes


def _overlapping_markers(nodes: pd.DataFrame) -> list:
    # a star's points reach 1.4 times its half size from its centre (plotly.js symbol_defs)
    reach = {n.actor: n.diameter / 2 * (1.4 if n.symbol == "star" else 1) for n in nodes.itertuples()}
    return [(a.actor, b.actor) for a, b in itertools.combinations(nodes.itertuples(), 2)
            if np.hypot(a.x - b.x, a.y - b.y) < reach[a.actor] + reach[b.actor]]


def _name_box(node) -> tuple:
    """The box of a written name as Plotly sets it (plotly.js Drawing.textPointPosition: 1.25 x
    the marker's radius + 1 from its centre), the letters ~0.56 of the font size wide, 1.2 high."""
    gap, width, font = 0.625 * node.diameter + 1, 0.56 * node.font * len(node.text), node.font
    vertical, horizontal = node.side.split()
    left = {"center": node.x - width / 2, "right": node.x + gap, "left": node.x - gap - width}[horizontal]
    bottom = {"top": node.y + gap, "bottom": node.y - gap - font, "middle": node.y - 0.5 * font}[vertical]
    return left, bottom, left + width, bottom + 1.2 * font - 0.2 * font * (vertical == "bottom")


def _covers(box, node) -> bool:
    nearest_x, nearest_y = min(max(node.x, box[0]), box[2]), min(max(node.y, box[1]), box[3])
    return np.hypot(nearest_x - node.x, nearest_y - node.y) < node.diameter / 2 * (1.4 if node.symbol == "star" else 1)


def _name_collisions(nodes: pd.DataFrame) -> list:
    named = [n for n in nodes.itertuples() if n.text]
    boxes = {n.actor: _name_box(n) for n in named}
    names = [(a.text, b.text) for a, b in itertools.combinations(named, 2)
             if min(boxes[a.actor][2], boxes[b.actor][2]) > max(boxes[a.actor][0], boxes[b.actor][0])
             and min(boxes[a.actor][3], boxes[b.actor][3]) > max(boxes[a.actor][1], boxes[b.actor][1])]
    markers = [(a.text, b.actor) for a in named for b in nodes.itertuples() if b.actor != a.actor and _covers(boxes[a.actor], b)]
    return names + markers


def _network(sample, **options):
    return cooccurrence.cooccurrence_network(sample["articles"], sample["mentions"], sample["actors"], **options)


def test_the_network_around_iran_names_iran_in_the_middle(sample):
    network = _network(sample, min_weight=2, ego=IRAN)
    figure = graph.network_chart(network, highlight=IRAN)
    # An unnamed node's text is a space: Plotly.react never draws a name given later to a point
    # whose text was "" (plotly.js#5360), which is how choosing Iran in the page left it unnamed.
    assert "" not in [text for trace in figure.data if trace.mode == "markers+text" for text in trace.text]
    nodes = _nodes(figure).set_index("actor")
    iran = nodes.loc[IRAN]
    assert iran["text"] == "Iran" and iran["symbol"] == "star"  # named, and drawn unlike the others
    assert (nodes.drop(IRAN)["symbol"] != "star").all()
    assert (iran["x"], iran["y"]) == pytest.approx((PLOT_PX[0] / 2, PLOT_PX[1] / 2), abs=1)
    # the actors most named with Iran are named on the chart too
    assert {nodes.loc[a, "text"] for a in (RUSSIA, UNITED_STATES, ISRAEL)} == {"Russia", "United States", "Israel"}
    # the nearer the centre, the more articles name the actor with Iran
    with_iran = network.nodes.set_index("actor_id")["with_ego"].drop(IRAN)
    distance = np.hypot(nodes["x"] - iran["x"], nodes["y"] - iran["y"]).drop(IRAN)
    assert distance[with_iran.idxmax()] < distance[with_iran.idxmin()]


@pytest.mark.parametrize("min_weight", [1, 2, 3, 5])
@pytest.mark.parametrize("ego", [IRAN, None, "gw:sergei-shoigu"])
def test_no_node_hides_another_and_no_name_covers_a_node_or_a_name(sample, min_weight, ego):
    network = _network(sample, min_weight=min_weight, ego=ego)
    nodes = _nodes(graph.network_chart(network, highlight=ego))
    assert len(nodes) == len(network.nodes) > 10
    assert _overlapping_markers(nodes) == []
    assert _name_collisions(nodes) == []
    # the most mentioned are all named: markers big enough to matter
    top = network.nodes.nlargest(10, "mentions")["actor_id"]
    assert (nodes.set_index("actor").loc[top, "text"] != "").all()
    assert (nodes["text"] != "").sum() >= min(20, len(nodes))


def test_the_network_around_one_actor_lists_only_its_links(sample):
    network = _network(sample, min_weight=3, ego=IRAN)
    links = network.view_edges()
    assert len(links) == len(network.nodes) - 1 > 10  # one link to each of its neighbours
    assert (links["source"] == IRAN).all() and (links["source_name"] == "Iran").all()
    assert (links["weight"] >= 3).all() and links["weight"].is_monotonic_decreasing
    assert len(network.edges) > len(links)  # the links among the neighbours are drawn, not listed
    by_id = network.nodes.set_index("actor_id")["with_ego"]
    assert dict(zip(links["target"], links["weight"])) == by_id.drop(IRAN).to_dict()
    everyone = _network(sample, min_weight=3)
    assert everyone.ego is None and everyone.view_edges() is everyone.edges


def test_the_network_page_tables_follow_the_view(app_with_db):
    at = _run("pages/network.py")
    at.selectbox(key="network_ego").set_value(IRAN).run()
    at.slider(key="network_min_weight").set_value(3).run()
    assert not at.exception, [e.value for e in at.exception]
    actors = at.dataframe[0].value
    assert list(actors.columns[:3]) == ["name", "type", "with Iran"]
    assert actors["name"].iloc[0] == "Iran" and actors["with Iran"].is_monotonic_decreasing
    _open_tab(at, "network_table_tab", "Links")
    links = at.dataframe[0].value
    assert len(links) == len(actors) - 1 > 10
    assert (links["actor"] == "Iran").all() and (links["articles"] >= 3).all()
    assert "Russia" in set(links["named with"])
    assert any("Iran's links only" in c.value for c in at.caption)
    figure = _figures(at)[0]
    centre = [t for t in figure["data"] if t.get("marker", {}).get("symbol") == "star"]
    assert len(centre) == 1 and centre[0]["text"] == ["<b>Iran</b>"]
    at.selectbox(key="network_ego").set_value(None).run()  # back to every actor: every link above the threshold
    links = at.dataframe[0].value
    assert (links["actor"] != "Iran").any() and (links["articles"] >= 3).all()
