"""The co-occurrence network drawn (``network_chart``): a spring layout turned to lie along the
chart's width, links by weight, nodes by community, and names placed where they cover no other
name (``label_boxes``, ``label_positions``)."""
from __future__ import annotations

import math
import typing

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.charts.theme import HOVER_CHARS, OTHER_COLOUR, PALETTE, empty_figure, esc, new_figure, titled

NETWORK_LABELS = 20  # names written beside the most-mentioned nodes; the others on hover
# The network's plot area in the dashboard of a 1400-px-wide window (less the sidebar, the margins
# and the legend): what its label placement takes a pixel to be. A report-wide export (1200 px,
# no sidebar) has more room, so names placed apart here stay apart there.
NETWORK_PLOT_PX = (640, 480)
LABEL_FONT_PX = 11
LAYOUT_SEED = 7  # fixed, so the layout of one selection is the same on every run


class _Network(typing.Protocol):
    """What ``cooccurrence.cooccurrence_network`` gives that the chart draws: ``nodes``
    [actor_id, name, type, articles, mentions, degree, community, spellings], ``edges`` and
    ``backbone`` [source, target, weight] (the links drawn), and ``links_per_actor`` (how the
    backbone was cut)."""

    nodes: pd.DataFrame
    edges: pd.DataFrame
    backbone: pd.DataFrame
    links_per_actor: int


def network_chart(network: _Network, title: str = "Actors named in the same articles",
                  highlight: str | None = None) -> go.Figure:
    """The co-occurrence network (``cooccurrence.cooccurrence_network``): spring layout with a fixed
    seed, edges as lines (thicker = more shared articles), nodes coloured by community and sized
    by mentions, the English name and original spellings on hover. ``highlight`` outlines one actor."""
    if network.nodes.empty:
        return empty_figure(title, "No pair of actors is named together often enough")
    drawn = network.backbone
    layout = nx.Graph()
    layout.add_nodes_from(network.nodes["actor_id"])
    # log weights: raw counts (1 to hundreds) pull the most-named actors into one knot
    layout.add_weighted_edges_from(zip(drawn["source"].tolist(), drawn["target"].tolist(), np.log1p(drawn["weight"]).tolist()))
    positions = nx.spring_layout(layout, seed=LAYOUT_SEED, weight="weight",
                                 k=1.5 / math.sqrt(max(layout.number_of_nodes(), 1)))
    turned = _widest_along_x(np.array(list(positions.values()), dtype=float))
    # four decimals are finer than a pixel; full floats made the figure a third larger to send
    positions = {actor: (round(float(x), 4), round(float(y), 4)) for actor, (x, y) in zip(positions, turned)}
    fig = new_figure()
    heaviest = max(drawn["weight"]) if len(drawn) else 1
    lightest = min(drawn["weight"]) if len(drawn) else 1
    bins = sorted({lightest, max(lightest, heaviest // 3), max(lightest, 2 * heaviest // 3)})
    for i, low in enumerate(bins):
        high = bins[i + 1] if i + 1 < len(bins) else heaviest + 1
        part = drawn[(drawn["weight"] >= low) & (drawn["weight"] < high)]
        # One array per axis, each link as (start, end, NaN): NaN breaks the line between links.
        # Arrays, not lists with None: Plotly validates a list item by item (0.1 s at 400 links).
        xs, ys = np.full(3 * len(part), np.nan), np.full(3 * len(part), np.nan)
        for end, column in ((0, "source"), (1, "target")):
            at = np.array([positions[actor] for actor in part[column]], dtype=float).reshape(-1, 2)
            xs[end::3], ys[end::3] = at[:, 0], at[:, 1]
        fig.add_scatter(x=xs, y=ys, mode="lines", line=dict(width=0.6 + 2.4 * i, color="rgba(90,90,90,0.35)"),
                        hoverinfo="skip", showlegend=False)
    nodes = network.nodes
    biggest = max(nodes["mentions"].max(), 1)
    sizes_px = dict(zip(nodes["actor_id"], 10 + 30 * np.sqrt(nodes["mentions"].to_numpy(dtype=float) / biggest)))
    named = nodes.nlargest(NETWORK_LABELS, "mentions")
    placed = label_positions(positions, sizes_px, list(zip(named["actor_id"], named["name"])))
    for community in sorted(int(c) for c in nodes["community"].unique()):
        part = nodes[nodes["community"] == community]
        colour = PALETTE[community] if community < len(PALETTE) else OTHER_COLOUR
        sizes = [sizes_px[a] for a in part["actor_id"]]
        # One outline for the whole trace unless the highlighted actor is in it: Plotly checks a
        # list of colours one by one (20 ms for 150 nodes on every filter change).
        outline = dict(width=1, color="white")
        if highlight in set(part["actor_id"]):
            outline = dict(width=[3 if a == highlight else 1 for a in part["actor_id"]],
                           color=["black" if a == highlight else "white" for a in part["actor_id"]])
        hover = [f"<b>{esc(r.name)}</b> ({esc(r.type)})<br>{r.articles} articles, {r.mentions} mentions, "
                 f"named with {r.degree} actors<br>As written: {esc(r.spellings, HOVER_CHARS)}"
                 for r in part.itertuples()]
        name = f"Community {community + 1}" if community < len(PALETTE) else "Smaller communities"
        fig.add_scatter(x=[positions[a][0] for a in part["actor_id"]], y=[positions[a][1] for a in part["actor_id"]],
                        mode="markers+text", name=name, legendgroup=name, showlegend=bool(community <= len(PALETTE)),
                        text=[esc(n) if a in placed else "" for a, n in zip(part["actor_id"], part["name"])],
                        textposition=[placed.get(a, "top center") for a in part["actor_id"]],
                        textfont=dict(size=LABEL_FONT_PX),
                        customdata=list(part["actor_id"]),
                        marker=dict(size=sizes, color=colour, line=outline),
                        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>")
    fig.update_xaxes(visible=False, showgrid=False, zeroline=False)
    fig.update_yaxes(visible=False, showgrid=False, zeroline=False, scaleanchor="x", scaleratio=1)
    fig.update_layout(height=640)
    minimum = int(network.edges["weight"].min()) if len(network.edges) else 1
    links = (f"{len(network.edges)} links" if len(drawn) == len(network.edges)
             else f"{len(drawn)} of {len(network.edges)} links drawn (each actor's {network.links_per_actor} strongest)")
    return titled(fig, title, None, None, legend_title="Community (Louvain)",
                  subtitle=f"{len(nodes)} actors, {links}; a link = at least {minimum} "
                           f"article{'s' * (minimum != 1)} naming both, thicker = more; node size = mentions")


_LABEL_SIDES = ("top center", "bottom center", "middle right", "middle left",
                "top left", "top right", "bottom left", "bottom right")


def label_boxes(positions: dict, sizes_px: dict, labels: list) -> list:
    """The box (left, bottom, right, top, in pixels of NETWORK_PLOT_PX) of each label of ``labels``
    ((actor, name, side): one of _LABEL_SIDES, or "marker" for the node's own marker), for a text
    of LABEL_FONT_PX in Noto Sans (its letters average ~0.56 of the font size wide, and its ink
    from descender to accent ~1.2 of it high). The layout is drawn with one scale on both axes,
    as network_chart draws it."""
    xs, ys = zip(*positions.values())
    span_x, span_y = max(max(xs) - min(xs), 1e-9), max(max(ys) - min(ys), 1e-9)
    scale = 0.9 * min(NETWORK_PLOT_PX[0] / span_x, NETWORK_PLOT_PX[1] / span_y)
    boxes = []
    for actor, name, side in labels:
        x, y = positions[actor][0] * scale, positions[actor][1] * scale
        width, height, gap = 0.56 * LABEL_FONT_PX * len(name), 1.2 * LABEL_FONT_PX, sizes_px[actor] / 2 + 2
        boxes.append({"top center": (x - width / 2, y + gap, x + width / 2, y + gap + height),
                      "bottom center": (x - width / 2, y - gap - height, x + width / 2, y - gap),
                      "middle right": (x + gap, y - height / 2, x + gap + width, y + height / 2),
                      "middle left": (x - gap - width, y - height / 2, x - gap, y + height / 2),
                      "top left": (x - width, y + gap, x, y + gap + height),
                      "top right": (x, y + gap, x + width, y + gap + height),
                      "bottom left": (x - width, y - gap - height, x, y - gap),
                      "bottom right": (x, y - gap - height, x + width, y - gap),
                      "marker": (x - gap + 2, y - gap + 2, x + gap - 2, y + gap - 2)}[side])
    return boxes


def _overlaps(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """The area each of ``boxes`` (k x 4) shares with each of ``others`` (m x 4), as k x m."""
    wide = np.minimum(boxes[:, None, 2], others[None, :, 2]) - np.maximum(boxes[:, None, 0], others[None, :, 0])
    high = np.minimum(boxes[:, None, 3], others[None, :, 3]) - np.maximum(boxes[:, None, 1], others[None, :, 1])
    return np.clip(wide, 0, None) * np.clip(high, 0, None)


def label_positions(positions: dict, sizes_px: dict, named: list) -> dict:
    """Where to write each name of ``named`` ((actor, name), the most important first) beside its
    node: above, below, right, left or at a corner, whichever covers none of the names already
    placed, stays within the layout's width (beyond it the chart cuts a name off) and covers the
    least of the nodes. A name with no such place is left out: its node names it on hover. Plotly
    writes a label where it is told, over any other (adjustText, the usual remedy, works on
    matplotlib only), so the names of a dense cluster piled up."""
    markers = np.array(label_boxes(positions, sizes_px, [(actor, "", "marker") for actor in positions]))
    left, right = markers[:, 0].min(), markers[:, 2].max()
    every_option = np.array(label_boxes(positions, sizes_px, [(actor, name, side) for actor, name in named
                                                              for side in _LABEL_SIDES])).reshape(len(named), len(_LABEL_SIDES), 4)
    placed, taken = {}, np.empty((0, 4))
    for (actor, _), options in zip(named, every_option):
        free = (options[:, 0] >= left) & (options[:, 2] <= right) & ~(_overlaps(options, taken) > 0).any(axis=1)
        if free.any():
            covered = np.where(free, _overlaps(options, markers).sum(axis=1), np.inf)
            best = int(np.argmin(covered))
            placed[actor] = _LABEL_SIDES[best]
            taken = np.vstack([taken, options[best]])
    return placed


def _widest_along_x(points: np.ndarray) -> np.ndarray:
    """``points`` (n x 2) turned about their centre so that their widest extent lies along x.

    A spring layout comes out in any orientation, and the network chart keeps one scale on both
    axes: a layout elongated up and down filled a third of a report-wide chart, its labels piled
    on each other. Turning it onto its principal axes (by SVD; networkx's layouts cannot be told
    an orientation) changes no distance between nodes."""
    if len(points) < 2:
        return points
    centred = points - points.mean(axis=0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    return centred @ axes.T
