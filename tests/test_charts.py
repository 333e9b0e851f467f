"""Plotly figures: titled, labelled, colour-blind-safe, escaped hover text, and a message when empty."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from core.analysis import cooccurrence, ranking, sources, story_grouping, timelines
from core.charts import by_actor, graph, network_layout, over_time, theme
from tests.test_analysis import ACTORS, _articles, _mentions, sample, small  # noqa: F401 (fixtures)

HOSTILE = "<script>alert(1)</script>"
HOSTILE_IMG = "<img src=x onerror=alert(2)>"


@pytest.fixture
def hostile():
    """Two articles whose spellings, sentences, source and title carry markup."""
    articles = _articles([
        {"article_id": "h1", "published": "2024-05-01 08:00", "source": f"Daily {HOSTILE}", "language": "ar",
         "title": f"Title {HOSTILE}"},
        {"article_id": "h2", "published": "2024-05-02 08:00", "source": "Calm", "language": "fa", "title": "Calm"},
    ])
    mentions = _mentions([("h1", "Q7747", HOSTILE), ("h1", "Q794", HOSTILE_IMG), ("h2", "Q7747", "پوتین"),
                          ("h2", "Q794", "ایران")])
    dates = pd.DataFrame([{"article_id": "h1", "date": pd.Timestamp("2024-04-30"), "surface": HOSTILE,
                           "sentence": f"On {HOSTILE} they met."}])
    return articles, mentions, dates


def _text_of(fig: go.Figure) -> str:
    """Everything Plotly would render as text: the figure's JSON."""
    return json.dumps(fig.to_plotly_json(), ensure_ascii=False, default=str)


def _assert_labelled(fig: go.Figure, x: bool = True, y: bool = True) -> None:
    assert fig.layout.title.text and len(fig.layout.title.text) > 10
    if x:
        assert fig.layout.xaxis.title.text
    if y:
        assert fig.layout.yaxis.title.text


def _all_figures(articles, mentions, actors, dates):
    groups = story_grouping.story_groups(articles, mentions, actors)
    return {
        "volume": over_time.volume_chart(timelines.volume(articles, "source", "day"), by="source"),
        "top": by_actor.top_actors_chart(ranking.top_actors(articles, mentions, actors)),
        "attention": over_time.attention_chart(timelines.attention(articles, mentions, actors, ["Q7747", "Q794"], "day")),
        "dates": over_time.mentioned_dates_chart(timelines.mentioned_dates_timeline(articles, dates)),
        "network": graph.network_chart(cooccurrence.cooccurrence_network(articles, mentions, actors)),
        "share": by_actor.attention_share_chart(sources.attention_share(articles, mentions, actors)),
        "stories": over_time.story_groups_chart(groups),
    }


def test_sample_figures_have_titles_axes_and_data(sample):
    figures = _all_figures(sample["articles"], sample["mentions"], sample["actors"], sample["dates"])
    for name, fig in figures.items():
        _assert_labelled(fig, x=name != "network", y=name != "network")
        assert len(fig.data) > 0, name
        assert not fig.layout.annotations, name  # no "no data" message
    assert figures["volume"].layout.xaxis.title.text == "Publication date (day starting)"
    assert figures["top"].layout.xaxis.title.text == "Articles that name the actor"


def test_palette_is_okabe_ito_and_used(sample):
    assert set(theme.PALETTE) == {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}
    fig = over_time.volume_chart(timelines.volume(sample["articles"], "language", "month"), by="language")
    colours = {trace.marker.color for trace in fig.data}
    assert colours <= set(theme.PALETTE + theme.EXTRA_PALETTE)
    languages_present = sample["articles"]["language"].nunique()
    assert languages_present <= over_time.MAX_SERIES
    assert len(fig.data) == languages_present and "other" not in {t.name for t in fig.data}  # none lumped
    # the legend names languages in English, as the filter bar does
    assert {"English", "Arabic", "Persian", "Hebrew"} <= {trace.name for trace in fig.data}


def test_top_actors_show_english_names_and_original_spellings_on_hover(sample):
    fig = by_actor.top_actors_chart(ranking.top_actors(sample["articles"], sample["mentions"], sample["actors"]))
    names = [name for trace in fig.data for name in trace.y]
    hover = " ".join(text for trace in fig.data for text in trace.hovertext)
    assert "Vladimir Putin" in names and "Путин" in hover and "Путин" not in names


def test_periods_cut_by_the_data_are_drawn_apart(small):
    articles, mentions = small  # 1 to 9 January 2024: the week of the 8th is cut
    bars = over_time.volume_chart(timelines.volume(articles, "language", "week"), by="language")
    paler = {(str(x)[:10], o) for t in bars.data for x, o in zip(t.x, t.marker.opacity)}
    assert paler == {("2024-01-01", 1.0), ("2024-01-08", over_time.PARTIAL_OPACITY)}
    assert "only in part" in bars.layout.title.text
    lines = over_time.attention_chart(timelines.attention(articles, mentions, ACTORS, ["Q7747"], "week"))
    assert list(lines.data[0].marker.symbol) == ["circle", "circle-open"]
    assert "only part of this week" in lines.data[0].hovertext[1]
    whole = over_time.volume_chart(timelines.volume(articles, "language", "day"), by="language")
    assert "only in part" not in whole.layout.title.text


def test_a_chart_of_one_series_still_names_it(small):
    articles, mentions = small
    lines = over_time.attention_chart(timelines.attention(articles, mentions, ACTORS, ["Q7747"], "week"))
    assert lines.layout.showlegend is True and [t.name for t in lines.data] == ["Vladimir Putin"]
    bars = over_time.volume_chart(timelines.volume(articles[articles["language"] == "ru"], "language", "week"), by="language")
    assert bars.layout.showlegend is True and [t.name for t in bars.data] == ["Russian"]


def test_mentioned_days_markers_shrink_when_days_are_many():
    def timeline(days: int, mentions: int) -> pd.DataFrame:
        return pd.DataFrame({"date": pd.date_range("2025-01-01", periods=days, freq="D"), "articles": 100,
                             "mentions": mentions, "sources": 3, "languages": "ru", "sentences": [["s"]] * days,
                             "article_ids": [["a"]] * days})
    few = over_time.mentioned_dates_chart(timeline(40, 9)).data[0].marker.size
    assert set(few) == {8 + 4 * 3}  # as many as a report holds: sized by mentions as they are
    many = over_time.mentioned_dates_chart(timeline(730, 150)).data[0].marker.size
    assert max(many) <= 10 and min(many) >= 3  # 730 days: ~1.4 px each, so the floor of 10 px


def test_network_figure_nodes_sized_and_coloured_by_community(sample):
    network = cooccurrence.cooccurrence_network(sample["articles"], sample["mentions"], sample["actors"], min_weight=3)
    fig = graph.network_chart(network, highlight="Q7747")
    node_traces = [t for t in fig.data if t.mode == "markers+text"]
    assert sum(len(t.x) for t in node_traces) == len(network.nodes)
    assert len({t.marker.color for t in node_traces}) == network.nodes["community"].nunique()
    putin_trace = next(t for t in node_traces if "Q7747" in t.customdata)
    i = list(putin_trace.customdata).index("Q7747")
    assert putin_trace.marker.line.color[i] == "black"
    assert "Vladimir Putin" in putin_trace.hovertext[i] and "Путин" in putin_trace.hovertext[i]
    sizes = {a: s for t in node_traces for a, s in zip(t.customdata, t.marker.size)}
    top = network.nodes.iloc[0]["actor_id"]
    assert sizes[top] == max(sizes.values())  # the most-mentioned actor is the largest node
    again = graph.network_chart(network, highlight="Q7747")
    assert again.to_json() == fig.to_json()  # fixed-seed layout


def test_network_layout_lies_along_the_charts_width(sample):
    # The sample corpus's spring layout comes out taller than wide: drawn as it came, with one scale
    # on both axes, it filled a third of a report-wide chart.
    network = cooccurrence.cooccurrence_network(sample["articles"], sample["mentions"], sample["actors"], min_weight=2)
    fig = graph.network_chart(network)
    assert fig.layout.yaxis.scaleanchor == "x"
    nodes = [t for t in fig.data if t.mode == "markers+text"]
    xs, ys = [x for t in nodes for x in t.x], [y for t in nodes for y in t.y]
    # 1.26 since the sample's false people (The Wall Street Journal, a foundation...) left the
    # network; the layout as it came was taller than wide.
    assert max(xs) - min(xs) > 1.2 * (max(ys) - min(ys))


def test_turning_a_layout_keeps_its_distances():
    upright = np.array([[0.0, 0.0], [0.1, 1.0], [0.0, 2.0], [-0.2, 3.0]])
    turned = network_layout._widest_along_x(upright)
    assert np.ptp(turned[:, 0]) > np.ptp(turned[:, 1])
    apart = lambda p: np.linalg.norm(p[:, None] - p[None, :], axis=-1)  # noqa: E731
    assert np.allclose(apart(turned), apart(upright))


def _label_boxes_drawn(fig: go.Figure) -> list:
    """The boxes of the names the network figure writes, as network_layout.label_boxes estimates them."""
    nodes = [t for t in fig.data if t.mode == "markers+text"]
    positions = {(i, j): (x, y) for i, t in enumerate(nodes) for j, (x, y) in enumerate(zip(t.x, t.y))}
    sizes = {(i, j): size for i, t in enumerate(nodes) for j, size in enumerate(t.marker.size)}
    labels = [((i, j), name, side) for i, t in enumerate(nodes)
              for j, (name, side) in enumerate(zip(t.text, t.textposition)) if name.strip()]
    return network_layout.label_boxes(positions, sizes, labels)


def test_network_names_do_not_cover_each_other(sample):
    # Written above every node, the names of the sample's densest cluster (Hamas, Egypt, Qatar;
    # Israel, Joe Biden) piled on each other.
    network = cooccurrence.cooccurrence_network(sample["articles"], sample["mentions"], sample["actors"], min_weight=2)
    boxes = _label_boxes_drawn(graph.network_chart(network))
    assert graph.NETWORK_LABELS - 4 <= len(boxes) <= graph.NETWORK_LABELS  # a name with no free place is left to hover
    assert [(a, b) for n, a in enumerate(boxes) for b in boxes[n + 1:] if network_layout._overlaps(np.array([a]), np.array([b]))[0, 0] > 0] == []


def test_a_name_moves_aside_for_a_neighbours():
    # pixels of the plot area (network_layout.PLOT_PX), y up
    width = network_layout.PLOT_PX[0]
    positions = {"a": (width / 2, 300.0), "b": (width / 2 + 60, 300.0), "edge": (width - 10, 240.0), "far": (10.0, 400.0)}
    sizes = dict.fromkeys(positions, 10.0)
    named = [("a", "Alexander Lukashenko"), ("b", "Benjamin Netanyahu"), ("edge", "National Intelligence Organization")]
    placed = network_layout.label_positions(positions, sizes, named)
    assert placed["a"] == "top center"  # above the middle: the outer side, up
    assert placed["b"] != "top center"  # which would cover a's
    assert placed["edge"] not in ("middle right", "top right", "bottom right")  # cut off by the chart's edge
    boxes = network_layout.label_boxes(positions, sizes, [(a, n, placed[a]) for a, n in named])
    assert not (network_layout._overlaps(np.array(boxes), np.array(boxes)) > 0)[np.triu_indices(3, 1)].any()
    crowd = {f"n{i}": (200.0 + 12 * i, 240.0) for i in range(12)}
    placed = network_layout.label_positions(crowd, dict.fromkeys(crowd, 10.0), [(f"n{i}", f"Actor number {i}") for i in range(12)])
    assert 2 <= len(placed) < 12  # no name over another, nor over a node


def test_network_figure_draws_each_actors_strongest_links(sample, monkeypatch):
    monkeypatch.setattr(cooccurrence, "NETWORK_MAX_DRAWN_LINKS", 12)
    monkeypatch.setattr(cooccurrence, "NETWORK_LINKS_PER_ACTOR", 1)
    network = cooccurrence.cooccurrence_network(sample["articles"], sample["mentions"], sample["actors"], min_weight=1)
    assert len(network.edges) > 12
    fig = graph.network_chart(network)
    segments = [(x0, y0, x1, y1) for t in fig.data if t.mode == "lines"
                for x0, y0, x1, y1 in zip(t.x[0::3], t.y[0::3], t.x[1::3], t.y[1::3])]
    articles = network.nodes.set_index("actor_id")["articles"]
    edges = network.edges
    cosine = edges["weight"] / (edges["source"].map(articles) * edges["target"].map(articles)) ** 0.5
    strongest = edges.assign(cosine=cosine).sort_values("cosine", ascending=False, kind="stable")
    expected = {strongest[(strongest["source"] == a) | (strongest["target"] == a)].index[0] for a in network.nodes["actor_id"]}
    assert len(segments) == len(expected) < len(network.edges)
    node_traces = [t for t in fig.data if t.mode == "markers+text"]
    where = {a: (x, y) for t in node_traces for a, x, y in zip(t.customdata, t.x, t.y)}
    assert len(where) == len(network.nodes)  # every actor is still drawn
    ends = {where[a] for s in segments for a in where if where[a] in ((s[0], s[1]), (s[2], s[3]))}
    assert ends == set(where.values()), "every actor has at least one drawn link"
    assert f"{len(expected)} of {len(network.edges)} links drawn" in fig.layout.title.text


def test_article_text_is_escaped_in_every_figure(hostile):
    articles, mentions, dates = hostile
    figures = _all_figures(articles, mentions, ACTORS, dates)
    for name, fig in figures.items():
        text = _text_of(fig)
        assert "<script>" not in text and "<img" not in text, name
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in _text_of(figures["top"])  # spelling shown, as text
    assert "&lt;script&gt;" in _text_of(figures["dates"])  # the sentence
    assert "Daily &lt;script&gt;" in _text_of(figures["volume"])  # the source name
    assert "&lt;img src=x onerror=alert(2)&gt;" in _text_of(figures["network"])


@pytest.mark.parametrize("chart", ["volume", "top", "attention", "dates", "network", "share", "stories"])
def test_empty_input_gives_a_titled_figure_saying_so(chart, hostile):
    articles, mentions, dates = hostile
    fig = _all_figures(articles.head(0), mentions.head(0), ACTORS, dates.head(0))[chart]
    assert fig.layout.title.text and not fig.data
    assert fig.layout.annotations and "No" in fig.layout.annotations[0].text


def test_attention_share_measure(hostile):
    articles, mentions, _ = hostile
    attention = timelines.attention(articles, mentions, ACTORS, ["Q7747"], "day")
    fig = over_time.attention_chart(attention, measure="share")
    assert list(fig.data[0].y) == [100.0, 100.0] and "%" in fig.layout.yaxis.title.text


def test_figures_keep_the_house_style_whatever_set_plotlys_default():
    import plotly.io as pio

    pio.templates.default = "streamlit" if "streamlit" in pio.templates else "plotly_dark"  # importing Streamlit does this
    try:
        style = theme.empty_figure("Any chart").layout.template.layout
    finally:
        pio.templates.default = "geowire"
    assert style.font.family.startswith("Noto Sans") and list(style.colorway) == list(theme.PALETTE)
    assert style.title.xanchor == "left"
