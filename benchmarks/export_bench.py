"""Chart export benchmark: seconds for the first export and for each later one, per format.

What it measures, for each of PNG, SVG, PDF and HTML, on two figures shaped like the dashboard's
(an actor network of 80 nodes and 300 edges, and a daily timeline of 8 sources over two years):

* first: ``figures.figure_bytes`` with no browser running, so PNG, SVG and PDF include starting
  Chromium and loading plotly.js into it (the renderer is stopped before each format's first call);
* then ``--runs`` more calls on the running browser: median, min and max seconds per export;
* with ``--baseline``, ``plotly.io.to_image`` for comparison: plotly's own path, which starts a
  new browser for every call.

Wall time is ``time.perf_counter`` around one call, in this one process; the machine's load shows
in the spread. It exits 0 whatever it finds: a benchmark, not a test. Run from the repository root:

    PYTHONPATH=. .venv/bin/python benchmarks/export_bench.py
    PYTHONPATH=. .venv/bin/python benchmarks/export_bench.py --runs 20 --formats png,svg --baseline
"""
from __future__ import annotations

import argparse
import math
import random
import statistics
import time

import plotly.graph_objects as go

from core.export import figures


def network_figure(nodes: int = 80, edges: int = 300, seed: int = 1) -> go.Figure:
    rng = random.Random(seed)
    xs = [math.cos(2 * math.pi * i / nodes) * (1 + rng.random() / 3) for i in range(nodes)]
    ys = [math.sin(2 * math.pi * i / nodes) * (1 + rng.random() / 3) for i in range(nodes)]
    edge_x, edge_y = [], []
    for _ in range(edges):
        a, b = rng.sample(range(nodes), 2)
        edge_x += [xs[a], xs[b], None]
        edge_y += [ys[a], ys[b], None]
    figure = go.Figure([
        go.Scatter(x=edge_x, y=edge_y, mode="lines", line={"width": 0.6, "color": "#999"}, hoverinfo="skip"),
        go.Scatter(x=xs, y=ys, mode="markers+text", text=[f"Actor {i}" for i in range(nodes)],
                   textposition="top center", marker={"size": [6 + rng.random() * 20 for _ in range(nodes)],
                                                      "color": [i % 6 for i in range(nodes)]}),
    ])
    figure.update_layout(title="Actors mentioned together (benchmark)", showlegend=False,
                         xaxis={"visible": False}, yaxis={"visible": False})
    return figure


def timeline_figure(sources: int = 8, days: int = 730, seed: int = 2) -> go.Figure:
    rng = random.Random(seed)
    dates = [f"{2023 + d // 365}-{(d % 365) // 31 + 1:02d}-{(d % 365) % 28 + 1:02d}" for d in range(days)]
    figure = go.Figure([go.Scatter(x=dates, y=[rng.randint(0, 40) for _ in dates], name=f"source {s}", mode="lines")
                        for s in range(sources)])
    figure.update_layout(title="Articles per day by source (benchmark)", xaxis_title="day", yaxis_title="articles")
    return figure


def _seconds(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="warm exports per format and figure (default 10)")
    parser.add_argument("--formats", default=",".join(figures.FIGURE_FORMATS))
    parser.add_argument("--baseline", action="store_true", help="also time plotly.io.to_image (a browser per call)")
    args = parser.parse_args()
    formats = [f for f in args.formats.split(",") if f]
    samples = {"network": network_figure(), "timeline": timeline_figure()}

    print(f"{'figure':<9} {'format':<6} {'first s':>8} {'median s':>9} {'min s':>7} {'max s':>7} {'bytes':>9}")
    for name, figure in samples.items():
        for fmt in formats:
            figures.stop_renderer()
            first = _seconds(lambda: figures.figure_bytes(figure, fmt))
            size = len(figures.figure_bytes(figure, fmt))
            warm = [_seconds(lambda: figures.figure_bytes(figure, fmt)) for _ in range(args.runs)]
            print(f"{name:<9} {fmt:<6} {first:>8.2f} {statistics.median(warm):>9.3f} {min(warm):>7.3f} "
                  f"{max(warm):>7.3f} {size:>9}", flush=True)
    figures.stop_renderer()

    if args.baseline:
        import plotly.io as pio

        for fmt in [f for f in formats if f != "html"]:
            runs = [_seconds(lambda: pio.to_image(samples["network"], format=fmt, width=figures.WIDTH,
                                                  height=figures.HEIGHT)) for _ in range(3)]
            print(f"plotly.io.to_image network {fmt}: median {statistics.median(runs):.2f} s over 3 calls "
                  f"(a new browser each call)", flush=True)


if __name__ == "__main__":
    main()
