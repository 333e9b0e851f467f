"""Issue 22, items 7 and 8 in a real browser (the app and Chromium as tests/test_browser.py starts
them): the actor network around Iran and as a whole, measured as drawn (markers, names, what a
hover shows), and the Stories view named by titles. Screenshots go to tests/screenshots/."""
import re

import pytest

from tests.test_browser import SHOTS, _open, _settled, app_url, browser  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

# Every node and every written name as drawn, in page pixels: markers from Plotly's own data to
# pixel mapping and their sizes, names from the SVG text boxes the browser laid out.
_DRAWN = """() => {
    const chart = document.querySelector('.js-plotly-plot');
    const layout = chart._fullLayout, box = chart.getBoundingClientRect();
    const nodes = [];
    for (const trace of chart._fullData) {
        if (!trace.customdata || !String(trace.mode).includes('markers')) continue;
        trace.customdata.forEach((id, i) => nodes.push({
            id, name: trace.name, symbol: trace.marker.symbol,
            x: box.left + layout._size.l + layout.xaxis.d2p(trace.x[i]),
            y: box.top + layout._size.t + layout.yaxis.d2p(trace.y[i]),
            // a star's points reach 1.4 times its half size (plotly.js symbol_defs)
            r: (Array.isArray(trace.marker.size) ? trace.marker.size[i] : trace.marker.size) / 2
               * (trace.marker.symbol === 'star' ? 1.4 : 1)}));
    }
    const names = [...chart.querySelectorAll('.scatterlayer .textpoint text')]
        .filter(t => t.textContent.trim())
        .map(t => { const r = t.getBoundingClientRect();
                    return {text: t.textContent, left: r.left, top: r.top, right: r.right, bottom: r.bottom}; });
    return {nodes, names};
}"""


def _overlapping_markers(nodes: list) -> list:
    return [(a["id"], b["id"]) for n, a in enumerate(nodes) for b in nodes[n + 1:]
            if ((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5 < a["r"] + b["r"]]


def _collisions(drawn: dict) -> list:
    """Names laid over another name, or over a marker other than their own (the marker nearest to
    the name's box is its own: Plotly sets a name beside its marker)."""
    names, nodes = drawn["names"], drawn["nodes"]

    def inside(name, node, pad=0.0):
        x = min(max(node["x"], name["left"]), name["right"])
        y = min(max(node["y"], name["top"]), name["bottom"])
        return ((x - node["x"]) ** 2 + (y - node["y"]) ** 2) ** 0.5 < node["r"] - pad

    found = [(a["text"], b["text"]) for n, a in enumerate(names) for b in names[n + 1:]
             if min(a["right"], b["right"]) - max(a["left"], b["left"]) > 1
             and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 1]
    for name in names:
        # 1 px of slack: the estimate of a name's box and the glyphs' real ink differ a little
        covered = [node["id"] for node in nodes if inside(name, node, pad=1.0)]
        if len(covered) > 1 or (covered and not _near_own(name, nodes, covered[0])):
            found.append((name["text"], covered))
    return found


def _near_own(name: dict, nodes: list, covered: str) -> bool:
    middle = ((name["left"] + name["right"]) / 2, (name["top"] + name["bottom"]) / 2)
    nearest = min(nodes, key=lambda n: (n["x"] - middle[0]) ** 2 + (n["y"] - middle[1]) ** 2)
    return nearest["id"] == covered


def _choose_centre(page, name: str) -> None:
    box = page.get_by_role("combobox", name="Around one actor")
    box.click()
    page.keyboard.type(name)
    page.get_by_role("option", name=name, exact=True).click()
    _settled(page)


def _chart_shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.locator(".js-plotly-plot").first.screenshot(path=SHOTS / f"{name}.png")


def test_the_network_around_iran_as_drawn(browser, app_url):
    page = browser.new_context(viewport={"width": 1400, "height": 1100}).new_page()
    _open(page, app_url, "network")
    whole = page.evaluate(_DRAWN)
    assert len(whole["nodes"]) > 100 and _overlapping_markers(whole["nodes"]) == []
    assert _collisions(whole) == [] and len(whole["names"]) >= 20
    assert {"Russia", "Iran", "United States", "Israel"} <= {n["text"] for n in whole["names"]}
    _chart_shot(page, "network-whole")
    _choose_centre(page, "Iran")
    drawn = page.evaluate(_DRAWN)
    assert _overlapping_markers(drawn["nodes"]) == [] and _collisions(drawn) == []
    written = {n["text"] for n in drawn["names"]}
    assert {"Iran", "Russia", "United States", "Israel"} <= written  # drawn, not only in the figure
    [iran] = [n for n in drawn["nodes"] if n["id"] == "Q794"]
    assert iran["symbol"] == "star"
    chart = page.locator(".js-plotly-plot").first.bounding_box()
    # in the middle of the plot area (the legend is to its right)
    assert abs(iran["y"] - (chart["y"] + chart["height"] / 2)) < chart["height"] * 0.15
    # hovering Iran's node names Iran (it named the United States, drawn over it)
    page.mouse.move(iran["x"], iran["y"])
    hover = page.locator(".hoverlayer .hovertext").first
    hover.wait_for(timeout=10_000)
    assert hover.text_content().startswith("Iran (country)")
    _chart_shot(page, "network-iran")
    page.get_by_role("tab", name="Links").click()
    _settled(page)
    page.get_by_text("Iran's links only").wait_for(timeout=30_000)
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": 2000})
    _settled(page)
    page.screenshot(path=SHOTS / "network-iran-page.png")
    page.context.close()


def test_the_network_holds_in_a_narrower_window(browser, app_url):
    # 1100 px: the sidebar leaves the chart 640 px; with its legend beside the plot (as it was) the
    # plot had 437 of them and 110 pairs of markers overlapped
    page = browser.new_context(viewport={"width": 1100, "height": 1000}).new_page()
    _open(page, app_url, "network")
    for centre in (None, "Iran"):
        if centre:
            _choose_centre(page, centre)
        drawn = page.evaluate(_DRAWN)
        assert _overlapping_markers(drawn["nodes"]) == [] and _collisions(drawn) == [], centre
    page.context.close()


# Whether each axis label is laid out right to left: its first character drawn right of its last.
_LABEL_DIRECTIONS = """() => [...document.querySelectorAll('.js-plotly-plot .ytick text')].map(t => {
    const n = t.getNumberOfChars();
    return {text: t.textContent, rtl: n > 1 && t.getStartPositionOfChar(1).x > t.getStartPositionOfChar(n - 2).x};
})"""


def _stories_view(page, app_url, query: str = "") -> list:
    _open(page, app_url, "timeline", query)
    page.get_by_role("tab", name="Stories in several outlets").click()
    _settled(page)
    return page.evaluate(_LABEL_DIRECTIONS)


def test_the_stories_view_names_its_stories(browser, app_url):
    page = browser.new_context(viewport={"width": 1400, "height": 1100}).new_page()
    labels = [label["text"] for label in _stories_view(page, app_url)]
    assert len(labels) >= 6
    assert not any(re.search(r"#\d+ · \d+ articles", label) for label in labels)
    assert any("Raisi" in label for label in labels)  # in English, the analyst's language
    bar = page.locator(".js-plotly-plot .barlayer .point path").first
    box = bar.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    hover = page.locator(".hoverlayer .hovertext").first
    hover.wait_for(timeout=10_000)
    assert "Main actors:" in hover.text_content() and "articles from" in hover.text_content()
    _chart_shot(page, "stories")
    # Arabic, Persian and Hebrew articles only: their stories are named by original titles, each
    # laid out right to left, its cut ("…") at its left end
    drawn = _stories_view(page, app_url, "?lang=ar&lang=fa&lang=he")
    right_to_left = [label for label in drawn if re.search(r"[\u0590-\u05FF\u0600-\u06FF]", label["text"])]
    assert len(right_to_left) >= 2 and all(label["rtl"] for label in right_to_left), drawn
    # a cut one: in a left-to-right run its "…" would be drawn at its right end
    assert any(label["text"].rstrip("\u2069").endswith("…") for label in right_to_left)
    _chart_shot(page, "stories-rtl")
    page.context.close()
