"""Plotly figures built from the frames of ``core.analysis``: the same figure on a page, in a test
and in an export.

Every figure has a title that says what is counted, labelled axes and the Okabe-Ito palette (told
apart with the common colour-vision deficiencies). Text that comes from articles (titles,
sentences, spellings, source names, discovered actor names) is HTML-escaped before it reaches a
label or a hover box, because Plotly renders a subset of HTML tags there. An empty frame gives a
figure that says there is no data.
"""
from __future__ import annotations

import html
import math

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from core import analysis
from core.languages import language_name

# Okabe & Ito (2008), "Color Universal Design": distinguishable with protanopia, deuteranopia and
# tritanopia. Yellow (#F0E442) is last because it is faint on white.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442")
OTHER_COLOUR = "#999999"  # "other" and small communities: grey reads as "the rest"
FONT = dict(family="Noto Sans, DejaVu Sans, Arial, sans-serif", size=13)
HOVER_CHARS = 220  # longer sentences make hover boxes wider than the chart
MAX_SERIES = 7  # beyond this many colours categories blur; the rest is grouped as "other"
# The first and last periods of a series are often cut by where the data starts or stops: drawn
# like the others, their low counts read as a fall in coverage.
PARTIAL_OPACITY = 0.45
PARTIAL_HOVER = "<br><i>only part of this {unit} is in the data</i>"
PLOT_WIDTH_PX = 1000  # the plot area of a chart as wide as a report page (core.export.WIDTH, 1200 px)
NETWORK_LABELS = 20  # names written beside the most-mentioned nodes; the others on hover
# The network's plot area in the dashboard of a 1400-px-wide window (less the sidebar, the margins
# and the legend): what its label placement takes a pixel to be. A report-wide export (1200 px,
# no sidebar) has more room, so names placed apart here stay apart there.
NETWORK_PLOT_PX = (640, 480)
LABEL_FONT_PX = 11


def _esc(value, limit: int | None = None) -> str:
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    text = str(value)
    if limit and len(text) > limit:
        text = text[:limit - 1].rstrip() + "…"
    return html.escape(text, quote=True)


# The house style, given to every figure as Plotly's default template. Plotly gives a new figure
# its default template without validating it again, whereas a template set on each figure is
# copied and validated: 0.1 s a figure, most of the server's work in a filter change on the
# Overview. The default is process-wide and importing Streamlit sets its own, so _figure sets ours
# again before each figure.
STYLE = go.layout.Template(pio.templates["plotly_white"])
STYLE.layout.update(font=FONT, colorway=list(PALETTE), margin=dict(l=60, r=30, t=80, b=60),
                    hoverlabel=dict(align="left"), title=dict(x=0.01, xanchor="left"))
pio.templates["geowire"] = STYLE


def _figure(*traces) -> go.Figure:
    """A new figure in the house style."""
    # Setting the default validates and copies the whole template (60 ms), so it is set only when
    # something else (importing Streamlit does) replaced it.
    if pio.templates.default != "geowire":
        pio.templates.default = "geowire"
    return go.Figure(list(traces))


def _layout(fig: go.Figure, title: str, x_title: str | None, y_title: str | None, subtitle: str | None = None,
            legend_title: str | None = None) -> go.Figure:
    heading = title if not subtitle else f"{title}<br><sup>{subtitle}</sup>"
    # Plotly hides the legend of a chart with one series: a chart exported for one actor or one
    # language would not say which.
    fig.update_layout(title_text=heading, legend_title_text=legend_title, showlegend=True if legend_title else None)
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return fig


def _whole_numbers(fig: go.Figure, largest) -> None:
    """Counts are whole: no "2.5 articles" tick on a small axis."""
    fig.update_yaxes(rangemode="tozero", tickformat=",d", dtick=1 if largest <= 8 else None)


def empty_figure(title: str, message: str = "No data for the current filters") -> go.Figure:
    """A figure with the chart's title and a message instead of data."""
    fig = _figure()
    fig.add_annotation(text=_esc(message), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font=dict(size=16, color="#555555"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title, None, None)


def _colours(categories) -> dict:
    return {c: (PALETTE[i] if i < len(PALETTE) else OTHER_COLOUR) for i, c in enumerate(categories)}


_FREQ_WORD = {"day": "day", "week": "week", "month": "month"}


def _freq_of(periods: pd.Series) -> str:
    days = pd.Series(sorted(set(periods))).diff().dt.days.dropna()
    if days.empty:
        return "period"
    step = days.min()
    return "day" if step < 7 else "week" if step < 28 else "month"


def volume_chart(volume: pd.DataFrame, by: str = "language") -> go.Figure:
    """Stacked bars of articles per period, one colour per language or source (``analysis.volume``);
    beyond seven the smaller ones are summed as "other"."""
    title = f"Articles published per period, by {by}"
    if volume.empty:
        return empty_figure(title)
    totals = volume.groupby(by)["articles"].sum().sort_values(ascending=False, kind="stable")
    keep = list(totals.index[:MAX_SERIES])
    frame = volume.assign(**{by: volume[by].where(volume[by].isin(keep), "other")})
    partial = _partial_periods(volume)
    frame = frame.groupby(["period", by], as_index=False)["articles"].sum()
    order = keep + (["other"] if "other" in set(frame[by]) and "other" not in keep else [])
    colours = _colours(keep)
    colours.setdefault("other", OTHER_COLOUR)
    fig = _figure()
    unit = _freq_of(frame["period"])
    for category in order:
        part = frame[frame[by] == category]
        name = _esc(language_name(category) if by == "language" else category)
        cut = [p in partial for p in part["period"]]
        fig.add_bar(x=part["period"], y=part["articles"], name=name, marker_color=colours[category],
                    marker_opacity=[PARTIAL_OPACITY if c else 1.0 for c in cut],
                    hovertext=[f"<b>{name}</b><br>{unit} of {p:%Y-%m-%d}: {n} article{'s' * (n != 1)}"
                               + (PARTIAL_HOVER.format(unit=unit) if c else "")
                               for p, n, c in zip(part["period"], part["articles"], cut)],
                    hovertemplate="%{hovertext}<extra></extra>")
    fig.update_layout(barmode="stack")
    _whole_numbers(fig, frame.groupby("period")["articles"].sum().max())
    note = f"; pale bars: a {unit} the articles cover only in part" if partial else ""
    return _layout(fig, title, f"Publication date ({unit} starting)", "Articles", legend_title=by.capitalize(),
                   subtitle="Undated articles are not shown" + note)


def _partial_periods(table: pd.DataFrame) -> set:
    """The periods of an ``analysis.volume`` or ``analysis.attention`` table that its articles cover
    only in part (the first and last, when the data starts or stops inside them)."""
    if "partial" not in table:
        return set()
    return set(table.loc[table["partial"].astype(bool), "period"])


def top_actors_chart(top: pd.DataFrame) -> go.Figure:
    """Horizontal bars: articles naming each actor (``analysis.top_actors``), English names, with
    type, mention count and the original spellings on hover."""
    title = "Actors named in the most articles"
    if top.empty:
        return empty_figure(title)
    frame = top.iloc[::-1]  # largest at the top
    types = ["person", "country", "organisation"]
    colours = dict(zip(types, PALETTE))
    fig = _figure()
    for kind in types + sorted(set(frame["type"].dropna()) - set(types)):
        part = frame[frame["type"] == kind]
        if part.empty:
            continue
        fig.add_bar(x=part["articles"], y=[_esc(n) for n in part["name"]], orientation="h", name=_esc(kind),
                    marker_color=colours.get(kind, OTHER_COLOUR),
                    hovertext=[f"<b>{_esc(r.name)}</b> ({_esc(r.type)})<br>{r.articles} articles, {r.mentions} mentions"
                               f"<br>As written: {_esc(r.spellings, HOVER_CHARS)}" for r in part.itertuples()],
                    hovertemplate="%{hovertext}<extra></extra>")
    fig.update_yaxes(categoryorder="array", categoryarray=[_esc(n) for n in frame["name"]])
    height = max(360, 26 * len(frame) + 140)
    fig.update_layout(height=height)
    return _layout(fig, title, "Articles that name the actor", "Actor", legend_title="Type")


def attention_chart(attention: pd.DataFrame, measure: str = "articles") -> go.Figure:
    """Lines of the articles naming each chosen actor per period (``analysis.attention``);
    ``measure="share"`` plots the share of that period's articles instead."""
    title = "Attention to the chosen actors over time"
    if attention.empty:
        return empty_figure(title, "No actor chosen, or no dated article for the current filters")
    unit = _freq_of(attention["period"])
    partial = _partial_periods(attention)
    fig = _figure()
    names = list(dict.fromkeys(attention["name"]))
    colours = _colours(names)
    for name in names:
        part = attention[attention["name"] == name].sort_values("period")
        values = part["share"] * 100 if measure == "share" else part["articles"]
        cut = [p in partial for p in part["period"]]
        fig.add_scatter(x=part["period"], y=values, mode="lines+markers", name=_esc(name),
                        line=dict(color=colours[name], width=2),
                        marker=dict(symbol=["circle-open" if c else "circle" for c in cut], size=7),
                        hovertext=[f"<b>{_esc(name)}</b><br>{unit} of {p:%Y-%m-%d}: {n} article{'s' * (n != 1)} "
                                   f"({s:.0%} of that {unit}'s articles)" + (PARTIAL_HOVER.format(unit=unit) if c else "")
                                   for p, n, s, c in zip(part["period"], part["articles"], part["share"], cut)],
                        hovertemplate="%{hovertext}<extra></extra>")
    y_title = "Share of the period's articles (%)" if measure == "share" else "Articles naming the actor"
    if measure != "share":
        _whole_numbers(fig, attention["articles"].max())
    note = f"Open markers: a {unit} the articles cover only in part" if partial else None
    return _layout(fig, title, f"Publication date ({unit} starting)", y_title, legend_title="Actor", subtitle=note)


def mentioned_dates_chart(timeline: pd.DataFrame) -> go.Figure:
    """The days articles write about (``analysis.mentioned_dates_timeline``): one marker per day,
    height = articles naming it, size = mentions, sample sentences on hover."""
    title = "Dates the articles refer to"
    if timeline.empty:
        return empty_figure(title, "No article of the current filters names a date")
    size = np.array([8 + 4 * math.sqrt(m) for m in timeline["mentions"]])
    # Over many days the markers would cover each other (two years of days are ~1 px each in a
    # report-wide chart): the largest is kept to about three days' width, the rest in proportion.
    largest = min(40.0, max(10.0, 3 * PLOT_WIDTH_PX / len(timeline)))
    size = np.maximum(3.0, size * min(1.0, largest / size.max())).round(1)
    hover = []
    for row in timeline.itertuples():
        lines = [f"<b>{row.date:%Y-%m-%d}</b>: {row.articles} article{'s' * (row.articles != 1)}, "
                 f"{row.sources} source{'s' * (row.sources != 1)} ({_esc(row.languages)})"]
        lines += [f"“{_esc(s, HOVER_CHARS)}”" for s in row.sentences]
        hover.append("<br>".join(lines))
    fig = _figure(go.Scatter(x=timeline["date"], y=timeline["articles"], mode="markers",
                               marker=dict(size=size, color=PALETTE[0], opacity=0.8, line=dict(width=1, color="white")),
                               hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", name="Mentioned day"))
    _whole_numbers(fig, timeline["articles"].max())
    return _layout(fig, title, "Day mentioned in the text", "Articles mentioning the day",
                   subtitle="Marker size: number of mentions")


def network_chart(network: analysis.Network, title: str = "Actors named in the same articles",
                  highlight: str | None = None) -> go.Figure:
    """The co-occurrence network (``analysis.cooccurrence_network``): spring layout with a fixed
    seed, edges as lines (thicker = more shared articles), nodes coloured by community and sized
    by mentions, the English name and original spellings on hover. ``highlight`` outlines one actor."""
    if network.nodes.empty:
        return empty_figure(title, "No pair of actors is named together often enough")
    drawn = network.backbone
    layout = nx.Graph()
    layout.add_nodes_from(network.nodes["actor_id"])
    # log weights: raw counts (1 to hundreds) pull the most-named actors into one knot
    layout.add_weighted_edges_from(zip(drawn["source"].tolist(), drawn["target"].tolist(), np.log1p(drawn["weight"]).tolist()))
    positions = nx.spring_layout(layout, seed=analysis.SEED, weight="weight",
                                 k=1.5 / math.sqrt(max(layout.number_of_nodes(), 1)))
    turned = _widest_along_x(np.array(list(positions.values()), dtype=float))
    # four decimals are finer than a pixel; full floats made the figure a third larger to send
    positions = {actor: (round(float(x), 4), round(float(y), 4)) for actor, (x, y) in zip(positions, turned)}
    fig = _figure()
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
        hover = [f"<b>{_esc(r.name)}</b> ({_esc(r.type)})<br>{r.articles} articles, {r.mentions} mentions, "
                 f"named with {r.degree} actors<br>As written: {_esc(r.spellings, HOVER_CHARS)}"
                 for r in part.itertuples()]
        name = f"Community {community + 1}" if community < len(PALETTE) else "Smaller communities"
        fig.add_scatter(x=[positions[a][0] for a in part["actor_id"]], y=[positions[a][1] for a in part["actor_id"]],
                        mode="markers+text", name=name, legendgroup=name, showlegend=bool(community <= len(PALETTE)),
                        text=[_esc(n) if a in placed else "" for a, n in zip(part["actor_id"], part["name"])],
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
             else f"{len(drawn)} of {len(network.edges)} links drawn (each actor's {analysis.NETWORK_LINKS_PER_ACTOR} strongest)")
    return _layout(fig, title, None, None, legend_title="Community (Louvain)",
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


def attention_share_chart(share: pd.DataFrame) -> go.Figure:
    """Heatmap of the share of each outlet's articles that name each actor
    (``analysis.attention_share``); outlets by volume, with their language."""
    title = "Share of each source's articles that name each actor"
    if share.empty:
        return empty_figure(title)
    sources = list(dict.fromkeys(share["source"]))
    actors = list(dict.fromkeys(share["name"]))
    # Cells placed by position: two pivot_tables took 20-40 ms for 40 outlets x 8 actors.
    row, column = pd.Index(sources).get_indexer(share["source"]), pd.Index(actors).get_indexer(share["name"])
    grid, counts = np.full((len(sources), len(actors)), np.nan), np.zeros((len(sources), len(actors)))
    grid[row, column], counts[row, column] = share["share"].to_numpy(dtype=float), share["articles"].to_numpy(dtype=float)
    grid, counts = pd.DataFrame(grid), pd.DataFrame(counts)
    meta = share.drop_duplicates("source").set_index("source").reindex(sources)
    # plain lists: a .loc lookup per cell took 40 ms instead of 20 ms for 40 outlets x 8 actors
    languages, totals = meta["language"].tolist(), meta["source_articles"].tolist()
    labels = [f"{_esc(s)} ({_esc(language)}, {total})" for s, language, total in zip(sources, languages, totals)]
    hover = [[f"<b>{_esc(s)}</b> ({_esc(language_name(language))}) on <b>{_esc(a)}</b><br>"
              f"{int(count)} of {total} articles ({value:.0%})"
              for a, count, value in zip(actors, count_row, value_row)]
             for s, language, total, count_row, value_row in zip(sources, languages, totals, counts.to_numpy().tolist(),
                                                                 grid.to_numpy().tolist())]
    fig = _figure(go.Heatmap(
        z=(grid * 100).round(1).to_numpy(), x=[_esc(a) for a in actors], y=labels, zmin=0, zmax=100,
        # sequential blue from the palette: light = little attention, dark = much
        colorscale=[[0.0, "#F7FBFF"], [1.0, PALETTE[0]]], colorbar=dict(title=dict(text="% of articles")),
        text=[[f"{v:.0%}" for v in row] for row in grid.fillna(0).to_numpy()], texttemplate="%{text}",
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=max(360, 28 * len(sources) + 160))
    return _layout(fig, title, "Actor", "Source (language, articles)")


def story_groups_chart(groups: pd.DataFrame, limit: int = 20) -> go.Figure:
    """One horizontal span per story group (``analysis.story_groups``): from its first to its
    last article, labelled with its size and languages, the title and top actors on hover."""
    title = "Stories covered by several articles"
    dated = groups[groups["first"].notna()].head(limit) if len(groups) else groups
    if dated.empty:
        return empty_figure(title, "No story is covered by more than one article under the current filters")
    fig = _figure()
    labels = [f"#{g.group} · {g.articles} articles · {', '.join(g.languages)}" for g in dated.itertuples()]
    for label, g in zip(labels, dated.itertuples()):
        end = g.last if g.last > g.first else g.first + pd.Timedelta(hours=12)
        hover = (f"<b>{_esc(g.title, HOVER_CHARS)}</b><br>{g.articles} articles from {len(g.sources)} sources "
                 f"in {_esc(', '.join(map(language_name, g.languages)))}<br>{g.first:%Y-%m-%d} – {g.last:%Y-%m-%d}"
                 f"<br>Actors: {_esc(', '.join(g.top_actors))}")
        fig.add_scatter(x=[g.first, end], y=[label, label], mode="lines+markers", showlegend=False,
                        line=dict(width=10, color=PALETTE[(g.group - 1) % len(PALETTE)]),
                        hovertext=[hover, hover], hovertemplate="%{hovertext}<extra></extra>")
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1])
    fig.update_layout(height=max(320, 30 * len(labels) + 160))
    return _layout(fig, title, "Publication date", "Story group", subtitle="Grouped by shared actors within a week")
