"""Figures with time along the x axis: articles published per period (``volume_chart``),
attention to chosen actors per period (``attention_chart``; ``together_chart``: with the articles
naming all of them), the days the articles write about (``mentioned_dates_chart``) and the span of
each story (``story_groups_chart``).

Every one of them draws its time axis the same way (``_time_axis``): each value is drawn over its
whole period (a bar exactly as wide as its day, week or month; a marker in the period's middle),
the period is the one the table was counted by (``attrs["freq"]``, set by ``timelines``) and never
one guessed from the gaps between values, hovers and the axis title name it, and ticks are dates
only: publication dates are often known only to the day, so a time of day on the axis would be
made up."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.charts import text
from core.charts.theme import (OTHER_COLOUR, PALETTE, colour_map, empty_figure, esc, new_figure, titled,
                               whole_numbers)
from core.languages import is_right_to_left, language_name

MAX_SERIES = 12  # beyond this many colours categories blur; the rest is grouped as "other"
# The first and last periods of a series are often cut by where the data starts or stops: drawn
# like the others, their low counts read as a fall in coverage.
PARTIAL_OPACITY = 0.45
PARTIAL_HOVER = "<br><i>only part of this {unit} is in the data</i>"
PLOT_WIDTH_PX = 1000  # the plot area of a chart as wide as a report page (core.export.WIDTH, 1200 px)

# --- the time axis ----------------------------------------------------------------------------------

# An axis spans at least this many periods. Left to itself, Plotly made a single bar 0.8 ms wide
# and zoomed onto it ("23:59:59.9996 Aug 4"), and a few bars filled the chart edge to edge.
MIN_PERIODS_SHOWN = 7
MAX_TICKS = 10  # a label such as "12 Aug 2024" takes about 80 px: ten fit a report-wide chart
MIN_PERIOD_PX = 12  # below this, a line at every period's start would grey the chart
MINOR_GRID = "#F4F6FA"  # fainter than the template's grid (#EBF0F8)
_DAY_MS = 86_400_000
_MONTH_MS = 30.436875 * _DAY_MS  # the Gregorian calendar's mean month, for spacing and padding only
_MONDAY = "2000-01-03"  # weeks start on Monday (ISO 8601): week ticks and periods count from one
_JANUARY = "2000-01-01"
_DAY_FORMAT = "%-d %b %Y"


class _Ticks(NamedTuple):
    """One way to tick a time axis: every ``dtick`` from ``tick0``, labelled with ``tickformat``."""
    dtick: int | str
    tick0: str
    tickformat: str
    spacing_ms: float
    # The label names the whole interval up to the next tick (one day, week, month or year), so it
    # is centred in it, under the bar or marker of that period (Plotly's ticklabelmode="period").
    # Over several periods Plotly centres it over all of them and a week's label fell under the
    # next week's bar, so there it stays at its tick, the first day it names.
    whole_period: bool


# Tick steps, finest first: whole periods, so a tick is never inside a day, nor a week's off a Monday.
_DAY_TICKS = tuple(_Ticks(k * _DAY_MS, _MONDAY, _DAY_FORMAT, k * _DAY_MS, k == 1) for k in (1, 2, 7, 14))
_WEEK_TICKS = tuple(_Ticks(k * 7 * _DAY_MS, _MONDAY, _DAY_FORMAT, k * 7 * _DAY_MS, k == 1) for k in (1, 2, 4))
_MONTH_TICKS = tuple(_Ticks(f"M{k}", _JANUARY, "%Y" if k >= 12 else "%b %Y", k * _MONTH_MS, k in (1, 12))
                     for k in (1, 2, 3, 6, 12, 24, 60))


@dataclass(frozen=True)
class _Period:
    """A kind of period the timelines count by (``core.analysis.timelines.FREQUENCIES``; this
    package does not import ``core.analysis``)."""
    name: str                # "day", "week", "month": as axis titles and hovers call it
    axis: str                # the axis title's words for it
    step: pd.DateOffset      # from a period's first day to the next period's
    plotly: int | str        # Plotly's ``xperiod``: milliseconds, or "M1" for calendar months
    start: str               # Plotly's ``xperiod0``: the first day of some such period
    typical_ms: float        # a typical length, to pad the range
    ticks: tuple[_Ticks, ...]  # finest first

    def label(self, start: pd.Timestamp) -> str:
        """The period beginning on ``start`` for a hover box: "Mon 2024-08-05", "week Mon 2024-08-05
        – Sun 2024-08-11", "month August 2024"."""
        if self.name == "day":
            return f"{start:%a %Y-%m-%d}"
        if self.name == "week":
            return f"week {start:%a %Y-%m-%d} – {start + pd.Timedelta(days=6):%a %Y-%m-%d}"
        return f"month {start:%B %Y}"

    def lengths_ms(self, starts: pd.Series) -> list[int]:
        """How long each period beginning on ``starts`` is, in milliseconds (months differ)."""
        starts = pd.DatetimeIndex(starts)
        return [int(ms) for ms in ((starts + self.step) - starts) / pd.Timedelta(milliseconds=1)]

    def placed(self) -> dict:
        """Trace settings that draw each value over its period, centred in it (Plotly's period
        positioning; ``x`` stays the period's first day, as in the table)."""
        return dict(xperiod=self.plotly, xperiod0=self.start, xperiodalignment="middle")


_PERIODS = {
    "day": _Period("day", "day starting", pd.DateOffset(days=1), _DAY_MS, _MONDAY, _DAY_MS, _DAY_TICKS + _MONTH_TICKS),
    "week": _Period("week", "week starting Monday", pd.DateOffset(weeks=1), 7 * _DAY_MS, _MONDAY, 7 * _DAY_MS,
                    _WEEK_TICKS + _MONTH_TICKS),
    "month": _Period("month", "month starting", pd.DateOffset(months=1), "M1", _JANUARY, _MONTH_MS, _MONTH_TICKS),
}


def _period_of(table: pd.DataFrame) -> _Period:
    """The period ``table`` was counted by, as ``timelines.volume`` and ``timelines.attention`` record it."""
    freq = table.attrs.get("freq")
    if freq not in _PERIODS:
        raise ValueError(f"charts: a table of periods must say which period it counts by in attrs['freq'] "
                         f"(one of {', '.join(_PERIODS)}, as core.analysis.timelines sets it); got {freq!r}")
    return _PERIODS[freq]


def _time_axis(fig: go.Figure, period: _Period, first, end) -> None:
    """The x axis of a chart of periods drawn from ``first`` to ``end`` (the end of the last
    period): at least ``MIN_PERIODS_SHOWN`` periods wide with a whole period or more either side,
    ticks at whole periods (weeks on Mondays) labelled by date alone, at most ``MAX_TICKS`` of them."""
    first, end = pd.Timestamp(first), pd.Timestamp(end)
    periods = round((end - first) / pd.Timedelta(milliseconds=1) / period.typical_ms)
    # Whole periods of margin, so the first and last labels name a whole day, week or month; 2 % of
    # a long span at least, or a marker on its first or last day is cut in half at the edge.
    pad = max(1, math.ceil((MIN_PERIODS_SHOWN - periods) / 2), math.ceil(periods / 50))
    low, high = first - period.step * pad, end + period.step * pad
    span_ms = (high - low) / pd.Timedelta(milliseconds=1)
    ticks = next((t for t in period.ticks if span_ms / t.spacing_ms <= MAX_TICKS), period.ticks[-1])
    # hoverformat keeps any hover Plotly writes itself (a spike label, a unified hover) to the date
    fig.update_xaxes(type="date", range=[low, high], autorange=False, tickmode="linear", tick0=ticks.tick0,
                     dtick=ticks.dtick, tickformat=ticks.tickformat, hoverformat="%Y-%m-%d", showgrid=True,
                     ticklabelmode="period" if ticks.whole_period else "instant")
    # Labelled ticks a few periods apart leave a bar between two labels, nearer the later one: a
    # fainter line where every period starts shows which period each bar is (when they are apart).
    if ticks.dtick != period.plotly and PLOT_WIDTH_PX * period.typical_ms / span_ms >= MIN_PERIOD_PX:
        fig.update_xaxes(minor=dict(dtick=period.plotly, tick0=period.start, showgrid=True, gridcolor=MINOR_GRID))


def _naive_utc(times: pd.Series) -> pd.Series:
    times = pd.to_datetime(times)
    return times.dt.tz_convert("UTC").dt.tz_localize(None) if times.dt.tz is not None else times


def volume_chart(volume: pd.DataFrame, by: str = "language") -> go.Figure:
    """Stacked bars of articles per period, one colour per language or source (``timelines.volume``);
    beyond twelve the smaller ones are summed as "other"."""
    title = f"Articles published per period, by {by}"
    if volume.empty:
        return empty_figure(title, "No dated article under the current filters")
    period = _period_of(volume)
    totals = volume.groupby(by)["articles"].sum().sort_values(ascending=False, kind="stable")
    keep = list(totals.index[:MAX_SERIES])
    frame = volume.assign(**{by: volume[by].where(volume[by].isin(keep), "other")})
    partial = _partial_periods(volume)
    frame = frame.groupby(["period", by], as_index=False)["articles"].sum()
    order = keep + (["other"] if "other" in set(frame[by]) and "other" not in keep else [])
    colours = colour_map(keep)
    colours.setdefault("other", OTHER_COLOUR)
    fig = new_figure()
    unit = period.name
    first, end = frame["period"].min(), frame["period"].max() + period.step
    # A white edge tells touching bars apart, but would cover bars a few pixels wide (a year of days).
    edge = 1 if PLOT_WIDTH_PX * period.typical_ms / ((end - first) / pd.Timedelta(milliseconds=1)) >= 8 else 0
    for category in order:
        part = frame[frame[by] == category]
        name = esc(language_name(category) if by == "language" else category)
        cut = [p in partial for p in part["period"]]
        # Plotly would make each bar as wide as the smallest gap between bars (three months for two
        # weeks in April and August) or 0.8 ms for a single bar: the width is the period's own.
        fig.add_bar(x=part["period"], y=part["articles"], name=name, marker_color=colours[category],
                    width=period.lengths_ms(part["period"]), **period.placed(),
                    marker_line=dict(width=edge, color="white"),
                    marker_opacity=[PARTIAL_OPACITY if c else 1.0 for c in cut],
                    hovertext=[f"<b>{name}</b><br>{period.label(p)}: {n} article{'s' * (n != 1)}"
                               + (PARTIAL_HOVER.format(unit=unit) if c else "")
                               for p, n, c in zip(part["period"], part["articles"], cut)],
                    hovertemplate="%{hovertext}<extra></extra>")
    fig.update_layout(barmode="stack")
    whole_numbers(fig, frame.groupby("period")["articles"].sum().max())
    _time_axis(fig, period, first, end)
    note = f"; pale bars: a {unit} the articles cover only in part" if partial else ""
    return titled(fig, title, f"Publication date ({period.axis})", "Articles", legend_title=by.capitalize(),
                  subtitle=f"{unit.capitalize()}s in UTC; undated articles are not shown" + note)


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
    if not attention["articles"].any():
        return empty_figure(title, "No dated article under the current filters names the chosen actors")
    period = _period_of(attention)
    unit = period.name
    partial = _partial_periods(attention)
    fig = new_figure()
    names = list(dict.fromkeys(attention["name"]))
    colours = colour_map(names)
    for name in names:
        part = attention[attention["name"] == name].sort_values("period")
        values = part["share"] * 100 if measure == "share" else part["articles"]
        cut = [p in partial for p in part["period"]]
        fig.add_scatter(x=part["period"], y=values, mode="lines+markers", name=esc(name), **period.placed(),
                        line=dict(color=colours[name], width=2),
                        marker=dict(symbol=["circle-open" if c else "circle" for c in cut], size=7),
                        hovertext=[f"<b>{esc(name)}</b><br>{period.label(p)}: {n} article{'s' * (n != 1)} "
                                   f"({s:.0%} of that {unit}'s articles)" + (PARTIAL_HOVER.format(unit=unit) if c else "")
                                   for p, n, s, c in zip(part["period"], part["articles"], part["share"], cut)],
                        hovertemplate="%{hovertext}<extra></extra>")
    y_title = "Share of the period's articles (%)" if measure == "share" else "Articles naming the actor"
    if measure != "share":
        whole_numbers(fig, attention["articles"].max())
    _time_axis(fig, period, attention["period"].min(), attention["period"].max() + period.step)
    note = f"{unit.capitalize()}s in UTC"
    if partial:
        note += f"; open markers: a {unit} the articles cover only in part"
    return titled(fig, title, f"Publication date ({period.axis})", y_title, legend_title="Actor", subtitle=note)


TOGETHER_COLOUR = "#4D4D4D"  # dark grey: the overlap of the coloured lines, not another actor
TOGETHER_OPACITY = 0.5


def together_chart(attention: pd.DataFrame, measure: str = "articles") -> go.Figure:
    """Attention to the chosen actors together (``timelines.together``): bars their period wide for
    the articles naming all of them, under the lines of each actor alone (``attention_chart``)."""
    both = attention[attention["together"].astype(bool)] if "together" in attention else attention.iloc[:0]
    alone = attention[~attention.index.isin(both.index)]
    alone.attrs = dict(attention.attrs)
    fig = attention_chart(alone, measure)
    if both.empty or alone.empty or not alone["articles"].any():
        return fig
    period = _period_of(attention)
    unit = period.name
    name = esc(both["name"].iloc[0])
    partial = _partial_periods(both)
    cut = [p in partial for p in both["period"]]
    values = both["share"] * 100 if measure == "share" else both["articles"]
    fig.add_bar(x=both["period"], y=values, name=name, width=period.lengths_ms(both["period"]), **period.placed(),
                marker_color=TOGETHER_COLOUR,
                marker_opacity=[TOGETHER_OPACITY * (PARTIAL_OPACITY if c else 1.0) for c in cut],
                hovertext=[f"<b>{name}</b><br>{period.label(p)}: {n} article{'s' * (n != 1)} naming all of them "
                           f"({s:.0%} of that {unit}'s articles)" + (PARTIAL_HOVER.format(unit=unit) if c else "")
                           for p, n, s, c in zip(both["period"], both["articles"], both["share"], cut)],
                hovertemplate="%{hovertext}<extra></extra>")
    fig.data = (fig.data[-1],) + fig.data[:-1]  # the bars behind the lines, first in the legend
    total = int(both["articles"].sum())
    note = (f"{unit.capitalize()}s in UTC; grey bars: articles naming all of them ({total} in all)"
            + (f"; open markers: a {unit} the articles cover only in part" if partial else ""))
    return titled(fig, f"{name}, next to each alone", f"Publication date ({period.axis})",
                  "Share of the period's articles (%)" if measure == "share" else "Articles naming the actors",
                  legend_title="Actors", subtitle=note)


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
        lines += [f"“{text.hover_text(s)}”" for s in row.sentences]
        hover.append("<br>".join(lines))
    days = _naive_utc(timeline["date"]).dt.normalize()
    day = _PERIODS["day"]
    fig = new_figure(go.Scatter(x=days, y=timeline["articles"], mode="markers", **day.placed(),
                                marker=dict(size=size, color=PALETTE[0], opacity=0.8, line=dict(width=1, color="white")),
                                hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", name="Mentioned day"))
    whole_numbers(fig, timeline["articles"].max())
    _time_axis(fig, day, days.min(), days.max() + day.step)
    return titled(fig, title, "Day mentioned in the text", "Articles mentioning the day",
                  subtitle="Marker size: number of mentions")


def story_groups_chart(groups: pd.DataFrame, limit: int = 20) -> go.Figure:
    """One horizontal span per story (``story_grouping.story_groups``): from its first to its
    last article, named by its title (cut to STORY_LABEL_CHARS at a word, in its own writing
    direction), the whole title, its main actors, articles, sources and languages on hover."""
    title = "Stories covered by several articles"
    dated = groups[groups["first"].notna()].head(limit) if len(groups) else groups
    if dated.empty:
        return empty_figure(title, "No story is covered by more than one article under the current filters")
    labels = _story_labels(dated)
    # Whole days, first to last inclusive: a story of one day is a day wide (it was a made-up half
    # day), and times of day, often unknown (articles dated only to the day), are not drawn.
    day = _PERIODS["day"]
    first = _naive_utc(dated["first"]).dt.normalize()
    end = _naive_utc(dated["last"]).dt.normalize() + day.step
    hover = [f"<b>{text.hover_text(g.title)}</b>{_translated_from(g)}"
             f"<br>Main actors: {esc(', '.join(g.top_actors[:STORY_MAIN_ACTORS])) or 'none named'}"
             f"<br>{g.articles} articles from {len(g.sources)} source{'s' * (len(g.sources) != 1)} "
             f"in {esc(', '.join(map(language_name, g.languages)))}<br>{f:%Y-%m-%d} – {e - day.step:%Y-%m-%d}"
             for g, f, e in zip(dated.itertuples(), first, end)]
    # Horizontal bars from a base date, as Plotly's own timeline (px.timeline) draws spans: the
    # length is in milliseconds on a date axis.
    fig = new_figure(go.Bar(y=labels, base=first, x=((end - first) / pd.Timedelta(milliseconds=1)).astype("int64"),
                            orientation="h", showlegend=False,
                            marker_color=[PALETTE[(g - 1) % len(PALETTE)] for g in dated["group"]],
                            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>"))
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], automargin=True)
    fig.update_layout(height=max(320, 30 * len(labels) + 160))
    _time_axis(fig, day, first.min(), end.max())
    return titled(fig, title, "Publication date (first to last day, UTC)", "Story",
                  subtitle="Grouped by shared actors within a week; named by their most representative title")


STORY_LABEL_CHARS = 48  # a longer name takes a third of a report-wide chart from the bars
STORY_MAIN_ACTORS = 3
# Unicode isolates around a title on the axis and in the hover: a Persian or Hebrew title is laid
# out right to left inside them, whatever the label around it, and does not reorder its neighbours.
_ISOLATE = {"rtl": "\u2067", "ltr": "\u2066", "auto": "\u2068"}
_POP_ISOLATE = "\u2069"


def _story_labels(stories: pd.DataFrame) -> list:
    """Each story's name on the axis: its title, cut at a word before STORY_LABEL_CHARS, and
    made unique (two stories with one title would otherwise share one row of the axis)."""
    labels, seen = [], {}
    for story in stories.itertuples():
        name = " ".join(str(story.title).split())
        if len(name) > STORY_LABEL_CHARS:
            cut = name[:STORY_LABEL_CHARS - 1]
            name = (cut.rsplit(" ", 1)[0] if " " in cut[STORY_LABEL_CHARS // 2:] else cut).rstrip(" ,.;:–-") + "…"
        name = _isolated(esc(name), story)
        seen[name] = seen.get(name, 0) + 1
        labels.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return labels


def _isolated(text: str, story) -> str:
    """``text`` in the writing direction of the story's title: its article's language, or the
    direction of its first letter when it is a translation (or its language is not known)."""
    language = getattr(story, "title_language", None)
    if getattr(story, "title_translated", False) or not isinstance(language, str):
        way = "auto"
    else:
        way = "rtl" if is_right_to_left(language) else "ltr"
    return f"{_ISOLATE[way]}{text}{_POP_ISOLATE}"


def _translated_from(story) -> str:
    language = getattr(story, "title_language", None)
    if not getattr(story, "title_translated", False) or not isinstance(language, str):
        return ""
    return f"<br><i>title translated from {esc(language_name(language))}</i>"
