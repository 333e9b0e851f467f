"""The house style every figure of ``core.charts`` shares: the Okabe-Ito palette, the font, the
Plotly template (registered as "geowire" on import), titles with a subtitle, whole-number axes,
HTML-escaping of text from articles, and ``empty_figure`` for a chart with no data.

``empty_figure`` is for callers; the other functions are for the figure modules of the package."""
from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

# Okabe & Ito (2008), "Color Universal Design": distinguishable with protanopia, deuteranopia and
# tritanopia. Yellow (#F0E442) is last because it is faint on white.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442")
# Four more of Paul Tol's muted colours, distinct from the eight above, for charts with up to twelve
# series (a corpus in ten languages draws ten, none lumped into "other").
EXTRA_PALETTE = ("#882255", "#44AA99", "#999933", "#332288")
OTHER_COLOUR = "#999999"  # "other" and small communities: grey reads as "the rest"
FONT = dict(family="Noto Sans, DejaVu Sans, Arial, sans-serif", size=13)
HOVER_CHARS = 220  # longer sentences make hover boxes wider than the chart


def esc(value, limit: int | None = None) -> str:
    """Text from the data for a label or hover box: HTML-escaped (Plotly renders a subset of HTML
    tags there), cut at ``limit`` characters; "" where it is missing."""
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    text = str(value)
    if limit and len(text) > limit:
        text = text[:limit - 1].rstrip() + "…"
    # Plotly decodes only &lt; &gt; &amp; in labels: an escaped quotation mark would show as "&quot;".
    return html.escape(text, quote=False)


# The house style, given to every figure as Plotly's default template. Plotly gives a new figure
# its default template without validating it again, whereas a template set on each figure is
# copied and validated: 0.1 s a figure, most of the server's work in a filter change on the
# Overview. The default is process-wide and importing Streamlit sets its own, so new_figure sets
# ours again before each figure.
STYLE = go.layout.Template(pio.templates["plotly_white"])
STYLE.layout.update(font=FONT, colorway=list(PALETTE), margin=dict(l=60, r=30, t=80, b=60),
                    hoverlabel=dict(align="left"), title=dict(x=0.01, xanchor="left"))
pio.templates["geowire"] = STYLE


def new_figure(*traces) -> go.Figure:
    """A new figure in the house style."""
    # Setting the default validates and copies the whole template (60 ms), so it is set only when
    # something else (importing Streamlit does) replaced it.
    if pio.templates.default != "geowire":
        pio.templates.default = "geowire"
    return go.Figure(list(traces))


def titled(fig: go.Figure, title: str, x_title: str | None, y_title: str | None, subtitle: str | None = None,
           legend_title: str | None = None) -> go.Figure:
    """``fig`` with its title (and a smaller subtitle under it), axis titles and legend title."""
    heading = title if not subtitle else f"{title}<br><sup>{subtitle}</sup>"
    # Plotly hides the legend of a chart with one series: a chart exported for one actor or one
    # language would not say which.
    fig.update_layout(title_text=heading, legend_title_text=legend_title, showlegend=True if legend_title else None)
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return fig


def whole_numbers(fig: go.Figure, largest) -> None:
    """Counts are whole: no "2.5 articles" tick on a small axis."""
    fig.update_yaxes(rangemode="tozero", tickformat=",d", dtick=1 if largest <= 8 else None)


def empty_figure(title: str, message: str = "No data for the current filters") -> go.Figure:
    """A figure with the chart's title and a message instead of data."""
    fig = new_figure()
    fig.add_annotation(text=esc(message), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font=dict(size=16, color="#555555"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return titled(fig, title, None, None)


def colour_map(categories) -> dict:
    """A colour of the palette (then the extra colours) for each category, in order; grey beyond."""
    colours = PALETTE + EXTRA_PALETTE
    return {c: (colours[i] if i < len(colours) else OTHER_COLOUR) for i, c in enumerate(categories)}
