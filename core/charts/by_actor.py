"""Figures with actors along an axis: the actors named in the most articles
(``top_actors_chart``) and the share of each outlet's articles that name each actor
(``attention_share_chart``)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.charts import text
from core.charts.tables import MISSING
from core.charts.theme import OTHER_COLOUR, PALETTE, empty_figure, esc, new_figure, titled
from core.languages import language_name


def top_actors_chart(top: pd.DataFrame) -> go.Figure:
    """Horizontal bars: articles naming each actor (``ranking.top_actors``), English names, with
    type, mention count and the original spellings on hover."""
    title = "Actors named in the most articles"
    if top.empty:
        return empty_figure(title)
    frame = top.iloc[::-1]  # largest at the top
    types = ["person", "country", "organisation"]
    colours = dict(zip(types, PALETTE))
    fig = new_figure()
    for kind in types + sorted(set(frame["type"].dropna()) - set(types)):
        part = frame[frame["type"] == kind]
        if part.empty:
            continue
        fig.add_bar(x=part["articles"], y=[esc(n) for n in part["name"]], orientation="h", name=esc(kind),
                    marker_color=colours.get(kind, OTHER_COLOUR),
                    hovertext=[f"<b>{esc(r.name)}</b> ({esc(r.type)})<br>{r.articles} articles, {r.mentions} mentions"
                               f"<br>As written:<br>{text.hover_text(r.spellings) or MISSING}" for r in part.itertuples()],
                    hovertemplate="%{hovertext}<extra></extra>")
    fig.update_yaxes(categoryorder="array", categoryarray=[esc(n) for n in frame["name"]])
    height = max(360, 26 * len(frame) + 140)
    fig.update_layout(height=height)
    return titled(fig, title, "Articles that name the actor", "Actor", legend_title="Type")


def attention_share_chart(share: pd.DataFrame) -> go.Figure:
    """Heatmap of the share of each outlet's articles that name each actor
    (``sources.attention_share``); outlets by volume, with their language."""
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
    labels = [f"{esc(s)} ({esc(language_name(language))}, {total})" for s, language, total in zip(sources, languages, totals)]
    hover = [[f"<b>{esc(s)}</b> ({esc(language_name(language))}) on <b>{esc(a)}</b><br>"
              f"{int(count)} of {total} articles ({value:.0%})"
              for a, count, value in zip(actors, count_row, value_row)]
             for s, language, total, count_row, value_row in zip(sources, languages, totals, counts.to_numpy().tolist(),
                                                                 grid.to_numpy().tolist())]
    fig = new_figure(go.Heatmap(
        z=(grid * 100).round(1).to_numpy(), x=[esc(a) for a in actors], y=labels, zmin=0, zmax=100,
        # sequential blue from the palette: light = little attention, dark = much
        colorscale=[[0.0, "#F7FBFF"], [1.0, PALETTE[0]]], colorbar=dict(title=dict(text="% of articles")),
        text=[[f"{v:.0%}" for v in row] for row in grid.fillna(0).to_numpy()], texttemplate="%{text}",
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=max(360, 28 * len(sources) + 160))
    return titled(fig, title, "Actor", "Source (language, articles)")
