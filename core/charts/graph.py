"""The co-occurrence network drawn (``network_chart``): nodes where ``network_layout`` puts them
(none covering another), links by weight, nodes by community, the centre of a network around one
actor as a star, and the most important names, placed by ``network_layout`` where they cover no
other name and no node."""
from __future__ import annotations

import math
import typing

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.charts import network_layout
from core.charts import text as chart_text
from core.charts.theme import OTHER_COLOUR, PALETTE, empty_figure, esc, new_figure, titled

NETWORK_LABELS = 24  # names tried beside the most important nodes (the centre's first); the others on hover
LABEL_FONT_PX = network_layout.LABEL_FONT_PX
CENTRE_FONT_PX = 13
CENTRE_MIN_PX = 30  # the centre's star is at least this size (its points reach 1.4 times as far)
# Markers may cover at most this share of the plot area together; above it they are all made
# smaller, or the pass that parts them could not find room for them all.
MARKERS_MAX_SHARE = 0.25
_MARGIN = dict(l=10, r=10, b=10, t=80)  # no axes are drawn: their margins would be lost room


class _Network(typing.Protocol):
    """What ``cooccurrence.cooccurrence_network`` gives that the chart draws: ``nodes``
    [actor_id, name, type, articles, mentions, degree, community, spellings, with_ego], ``edges``
    and ``backbone`` [source, target, weight] (the links drawn), ``links_per_actor`` (how the
    backbone was cut) and ``ego`` (the actor drawn around, or None)."""

    nodes: pd.DataFrame
    edges: pd.DataFrame
    backbone: pd.DataFrame
    links_per_actor: int
    ego: str | None


def network_chart(network: _Network, title: str = "Actors named in the same articles",
                  highlight: str | None = None) -> go.Figure:
    """The co-occurrence network (``cooccurrence.cooccurrence_network``), laid out in the pixels
    of ``network_layout.PLOT_PX`` so that no marker covers another (``network_layout``): edges
    as lines (thicker = more shared articles), nodes coloured by community and sized by mentions,
    the English name and original spellings on hover, the most important names written where
    they cover no other name and no marker (``label_positions``). Around one actor
    (``network.ego``) that actor is a star in the middle, named in bold, and the others are the
    nearer the more articles name them with it. ``highlight`` outlines one more actor."""
    if network.nodes.empty:
        return empty_figure(title, "No pair of actors is named together often enough")
    drawn, nodes, centre = network.backbone, network.nodes, network.ego
    actors = nodes["actor_id"].tolist()
    diameters = _diameters(nodes, centre)
    closeness = nodes["with_ego"].fillna(0).to_numpy(dtype=float) if centre is not None else None
    if centre is not None:
        # the names that matter around one actor: the nearest to it and the most mentioned, in turn
        near = nodes["with_ego"].fillna(0).rank(ascending=False, method="first")
        big = nodes["mentions"].rank(ascending=False, method="first")
        order = nodes.assign(_rank=np.minimum(near, big), _first=nodes["actor_id"].isin([centre]))
        order = order.sort_values(["_first", "_rank", "actor_id"], ascending=[False, True, True])
    else:
        order = nodes.sort_values(["mentions", "actor_id"], ascending=[False, True])
    named = list(zip(order["actor_id"].head(NETWORK_LABELS), order["name"].head(NETWORK_LABELS)))
    fonts = {centre: CENTRE_FONT_PX} if centre is not None else {}
    where = network_layout.place(actors, list(zip(drawn["source"], drawn["target"], drawn["weight"])), diameters,
                                 named, fonts, centre, closeness)
    placed = where.sides
    # a tenth of a pixel is fine enough; full floats made the figure a third larger to send
    positions = {actor: (round(float(x), 1), round(float(y), 1)) for actor, (x, y) in zip(actors, where.points)}
    sizes_px = dict(zip(actors, diameters.round(1).tolist()))
    fig = new_figure()
    _draw_links(fig, drawn, positions)
    row = nodes[nodes["actor_id"].isin([centre]).to_numpy(dtype=bool)]
    centre_name = row["name"].iloc[0] if centre is not None else None
    for community in sorted(int(c) for c in nodes["community"].unique()):
        part = nodes[((nodes["community"] == community) & ~nodes["actor_id"].isin([centre])).to_numpy(dtype=bool)]
        colour = PALETTE[community] if community < len(PALETTE) else OTHER_COLOUR
        name = f"Community {community + 1}" if community < len(PALETTE) else "Smaller communities"
        _draw_nodes(fig, part, positions, sizes_px, placed, centre_name, highlight,
                    dict(name=name, legendgroup=name, showlegend=bool(community <= len(PALETTE)),
                         marker=dict(color=colour, symbol="circle"), textfont=dict(size=LABEL_FONT_PX)))
    if centre is not None:
        colour = PALETTE[int(row["community"].iloc[0])] if int(row["community"].iloc[0]) < len(PALETTE) else OTHER_COLOUR
        _draw_nodes(fig, row, positions, sizes_px, placed, None, centre,
                    dict(name=f"Centre: {esc(centre_name)}", showlegend=True, marker=dict(color=colour, symbol=network_layout.CENTRE_SYMBOL),
                         textfont=dict(size=CENTRE_FONT_PX, color="black")), bold=True)
    width, height = network_layout.PLOT_PX
    fig.update_xaxes(visible=False, showgrid=False, zeroline=False, range=[0, width])
    fig.update_yaxes(visible=False, showgrid=False, zeroline=False, range=[0, height], scaleanchor="x", scaleratio=1)
    # The legend under the plot, not beside it: beside it took 190 px of the plot's width, and a
    # 1280-px window then gave the plot less than PLOT_PX.
    fig.update_layout(height=700, margin=_MARGIN, legend=dict(orientation="h", x=0, xanchor="left", y=-0.01, yanchor="top",
                                                              title_side="top"))
    minimum = int(network.edges["weight"].min()) if len(network.edges) else 1
    cut = (f"all of {esc(centre_name)}'s, the others' {network.links_per_actor} strongest" if centre is not None
           else f"each actor's {network.links_per_actor} strongest")
    links = (f"{len(network.edges)} links" if len(drawn) == len(network.edges)
             else f"{len(drawn)} of {len(network.edges)} links drawn ({cut})")
    both = f"at least {minimum} article{'s' * (minimum != 1)} naming both"
    subtitle = f"{len(nodes)} actors, {links}; a link = {both}, thicker = more"
    if centre is None:
        subtitle += "; node size = mentions"
    else:  # a second line, under which the plot area starts lower
        subtitle = (f"Around {esc(centre_name)} (the star): the nearer an actor, the more articles name both; "
                    f"node size = mentions<br>{subtitle}")
        fig.update_layout(margin=dict(_MARGIN, t=_MARGIN["t"] + 18))
    return titled(fig, title, None, None, legend_title="Community (Louvain)", subtitle=subtitle)


def _diameters(nodes: pd.DataFrame, centre: str | None) -> np.ndarray:
    """Marker diameters in pixels: 10 to 40 by the square root of mentions (area ~ mentions),
    the centre at least CENTRE_MIN_PX, all made smaller together if they would cover more than
    MARKERS_MAX_SHARE of the plot area."""
    mentions = nodes["mentions"].to_numpy(dtype=float)
    diameters = 10 + 30 * np.sqrt(mentions / max(mentions.max(), 1))
    if centre is not None:
        at = nodes["actor_id"].isin([centre]).to_numpy(dtype=bool)
        diameters[at] = np.maximum(diameters[at], CENTRE_MIN_PX)
    room = MARKERS_MAX_SHARE * network_layout.PLOT_PX[0] * network_layout.PLOT_PX[1]
    covered = (np.pi / 4 * diameters ** 2).sum()
    return diameters * min(1.0, math.sqrt(room / covered))


def _draw_links(fig: go.Figure, drawn: pd.DataFrame, positions: dict) -> None:
    """The links in three traces by weight (thin, middle, thick), under the nodes."""
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


def _draw_nodes(fig: go.Figure, part: pd.DataFrame, positions: dict, sizes_px: dict, placed: dict,
                centre_name: str | None, highlight: str | None, style: dict, bold: bool = False) -> None:
    """One trace of nodes: markers, the names ``placed`` gives a side, and their hovers."""
    ids = part["actor_id"].tolist()
    # One outline for the whole trace unless the highlighted actor is in it: Plotly checks a
    # list of colours one by one (20 ms for 150 nodes on every filter change).
    outline = dict(width=1, color="white")
    if highlight in set(ids):
        outline = dict(width=[2.5 if a == highlight else 1 for a in ids],
                       color=["black" if a == highlight else "white" for a in ids])
    hover = []
    for r in part.itertuples():
        with_centre = (f"<br>Named with {esc(centre_name)} in {r.with_ego} article{'s' * bool(r.with_ego != 1)}"
                       if centre_name is not None and pd.notna(r.with_ego) else "")
        hover.append(f"<b>{esc(r.name)}</b> ({esc(r.type)})<br>{r.articles} articles, {r.mentions} mentions, "
                     f"named with {r.degree} actors{with_centre}<br>As written:<br>{chart_text.hover_text(r.spellings)}")
    # A node without a name gets a space, not "": Plotly.react never draws a name later given to a
    # point whose text was "" (plotly.js#5360), so choosing a centre in the page left Iran, Russia
    # and Israel unnamed although the figure named them.
    text = [(f"<b>{esc(n)}</b>" if bold else esc(n)) if a in placed else " " for a, n in zip(ids, part["name"])]
    marker = dict(style.pop("marker"), size=[sizes_px[a] for a in ids], line=outline)
    fig.add_scatter(x=[positions[a][0] for a in ids], y=[positions[a][1] for a in ids], mode="markers+text",
                    text=text, textposition=[placed.get(a, "top center") for a in ids], customdata=ids,
                    marker=marker, hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", **style)
