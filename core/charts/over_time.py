"""Figures with time along the x axis: articles published per period (``volume_chart``),
attention to chosen actors per period (``attention_chart``), the days the articles write about
(``mentioned_dates_chart``) and the span of each story (``story_groups_chart``)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.charts.theme import (HOVER_CHARS, OTHER_COLOUR, PALETTE, colour_map, empty_figure, esc, new_figure, titled,
                               whole_numbers)
from core.languages import language_name

MAX_SERIES = 7  # beyond this many colours categories blur; the rest is grouped as "other"
# The first and last periods of a series are often cut by where the data starts or stops: drawn
# like the others, their low counts read as a fall in coverage.
PARTIAL_OPACITY = 0.45
PARTIAL_HOVER = "<br><i>only part of this {unit} is in the data</i>"
PLOT_WIDTH_PX = 1000  # the plot area of a chart as wide as a report page (core.export.WIDTH, 1200 px)


def _freq_of(periods: pd.Series) -> str:
    days = pd.Series(sorted(set(periods))).diff().dt.days.dropna()
    if days.empty:
        return "period"
    step = days.min()
    return "day" if step < 7 else "week" if step < 28 else "month"


def volume_chart(volume: pd.DataFrame, by: str = "language") -> go.Figure:
    """Stacked bars of articles per period, one colour per language or source (``timelines.volume``);
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
    colours = colour_map(keep)
    colours.setdefault("other", OTHER_COLOUR)
    fig = new_figure()
    unit = _freq_of(frame["period"])
    for category in order:
        part = frame[frame[by] == category]
        name = esc(language_name(category) if by == "language" else category)
        cut = [p in partial for p in part["period"]]
        fig.add_bar(x=part["period"], y=part["articles"], name=name, marker_color=colours[category],
                    marker_opacity=[PARTIAL_OPACITY if c else 1.0 for c in cut],
                    hovertext=[f"<b>{name}</b><br>{unit} of {p:%Y-%m-%d}: {n} article{'s' * (n != 1)}"
                               + (PARTIAL_HOVER.format(unit=unit) if c else "")
                               for p, n, c in zip(part["period"], part["articles"], cut)],
                    hovertemplate="%{hovertext}<extra></extra>")
    fig.update_layout(barmode="stack")
    whole_numbers(fig, frame.groupby("period")["articles"].sum().max())
    note = f"; pale bars: a {unit} the articles cover only in part" if partial else ""
    return titled(fig, title, f"Publication date ({unit} starting)", "Articles", legend_title=by.capitalize(),
                  subtitle="Undated articles are not shown" + note)


def _partial_periods(table: pd.DataFrame) -> set:
    """The periods of an ``timelines.volume`` or ``timelines.attention`` table that its articles cover
    only in part (the first and last, when the data starts or stops inside them)."""
    if "partial" not in table:
        return set()
    return set(table.loc[table["partial"].astype(bool), "period"])


def attention_chart(attention: pd.DataFrame, measure: str = "articles") -> go.Figure:
    """Lines of the articles naming each chosen actor per period (``timelines.attention``);
    ``measure="share"`` plots the share of that period's articles instead."""
    title = "Attention to the chosen actors over time"
    if attention.empty:
        return empty_figure(title, "No actor chosen, or no dated article for the current filters")
    unit = _freq_of(attention["period"])
    partial = _partial_periods(attention)
    fig = new_figure()
    names = list(dict.fromkeys(attention["name"]))
    colours = colour_map(names)
    for name in names:
        part = attention[attention["name"] == name].sort_values("period")
        values = part["share"] * 100 if measure == "share" else part["articles"]
        cut = [p in partial for p in part["period"]]
        fig.add_scatter(x=part["period"], y=values, mode="lines+markers", name=esc(name),
                        line=dict(color=colours[name], width=2),
                        marker=dict(symbol=["circle-open" if c else "circle" for c in cut], size=7),
                        hovertext=[f"<b>{esc(name)}</b><br>{unit} of {p:%Y-%m-%d}: {n} article{'s' * (n != 1)} "
                                   f"({s:.0%} of that {unit}'s articles)" + (PARTIAL_HOVER.format(unit=unit) if c else "")
                                   for p, n, s, c in zip(part["period"], part["articles"], part["share"], cut)],
                        hovertemplate="%{hovertext}<extra></extra>")
    y_title = "Share of the period's articles (%)" if measure == "share" else "Articles naming the actor"
    if measure != "share":
        whole_numbers(fig, attention["articles"].max())
    note = f"Open markers: a {unit} the articles cover only in part" if partial else None
    return titled(fig, title, f"Publication date ({unit} starting)", y_title, legend_title="Actor", subtitle=note)


def mentioned_dates_chart(timeline: pd.DataFrame) -> go.Figure:
    """The days articles write about (``timelines.mentioned_dates_timeline``): one marker per day,
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
                 f"{row.sources} source{'s' * (row.sources != 1)} ({esc(row.languages)})"]
        lines += [f"“{esc(s, HOVER_CHARS)}”" for s in row.sentences]
        hover.append("<br>".join(lines))
    fig = new_figure(go.Scatter(x=timeline["date"], y=timeline["articles"], mode="markers",
                                marker=dict(size=size, color=PALETTE[0], opacity=0.8, line=dict(width=1, color="white")),
                                hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", name="Mentioned day"))
    whole_numbers(fig, timeline["articles"].max())
    return titled(fig, title, "Day mentioned in the text", "Articles mentioning the day",
                  subtitle="Marker size: number of mentions")


def story_groups_chart(groups: pd.DataFrame, limit: int = 20) -> go.Figure:
    """One horizontal span per story group (``story_grouping.story_groups``): from its first to its
    last article, labelled with its size and languages, the title and top actors on hover."""
    title = "Stories covered by several articles"
    dated = groups[groups["first"].notna()].head(limit) if len(groups) else groups
    if dated.empty:
        return empty_figure(title, "No story is covered by more than one article under the current filters")
    fig = new_figure()
    labels = [f"#{g.group} · {g.articles} articles · {', '.join(g.languages)}" for g in dated.itertuples()]
    for label, g in zip(labels, dated.itertuples()):
        end = g.last if g.last > g.first else g.first + pd.Timedelta(hours=12)
        hover = (f"<b>{esc(g.title, HOVER_CHARS)}</b><br>{g.articles} articles from {len(g.sources)} sources "
                 f"in {esc(', '.join(map(language_name, g.languages)))}<br>{g.first:%Y-%m-%d} – {g.last:%Y-%m-%d}"
                 f"<br>Actors: {esc(', '.join(g.top_actors))}")
        fig.add_scatter(x=[g.first, end], y=[label, label], mode="lines+markers", showlegend=False,
                        line=dict(width=10, color=PALETTE[(g.group - 1) % len(PALETTE)]),
                        hovertext=[hover, hover], hovertemplate="%{hovertext}<extra></extra>")
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1])
    fig.update_layout(height=max(320, 30 * len(labels) + 160))
    return titled(fig, title, "Publication date", "Story group", subtitle="Grouped by shared actors within a week")
