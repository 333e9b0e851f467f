"""Issue 22, items 3-5 in a real browser: an analyst finds Iran and Russia by any spelling, asks for
the articles naming both, and follows them together over time on the Timeline; a text naming an
actor offers the actor filter. Uses tests/test_browser.py's app and browser."""
import re

import pytest

from tests.test_browser import (_go_to, _open, _selected, _settled, _shot, app_url, browser,  # noqa: F401 (fixtures)
                                page)

pytestmark = pytest.mark.browser

_TRACES = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(chart =>
    chart._fullData.map(trace => ({name: trace.name, type: trace.type, y: Array.from(trace.y || [])})))"""


def _find_actor(page, typed: str, name: str) -> str:
    """Type ``typed`` in "Find an actor", press Enter and pick the result for ``name``: its label."""
    box = page.get_by_role("textbox", name="Find an actor")
    box.fill(typed)
    box.press("Enter")
    _settled(page)
    result = page.locator("[data-testid='stSidebar'] button").filter(has_text=re.compile(f"^\u2068?{re.escape(name)}"))
    label = result.first.inner_text()
    return label


def test_iran_and_russia_together_over_time(page, app_url):  # noqa: F811
    _open(page, app_url, "")
    _, total = _selected(page)
    label = _find_actor(page, "Иран", "Iran")
    assert "matched «" in label and "Иран" in label, "the Russian spelling that matched is said"
    page.locator("[data-testid='stSidebar'] button").filter(has_text=re.compile("^\u2068?Iran")).first.click()
    _settled(page)
    label = _find_actor(page, "روسيا", "Russia")
    assert "روسيا" in label
    _shot(page, "filters-find-actor-russia")
    page.locator("[data-testid='stSidebar'] button").filter(has_text=re.compile("^\u2068?Russia")).first.click()
    _settled(page)
    either, _ = _selected(page)
    assert 0 < either < total and re.search(r"actor=Q794%2CQ159|actor=Q794,Q159", page.url)
    page.locator("[data-testid='stSidebar']").get_by_text("all of them").click()
    page.get_by_role("status").filter(has_text="Not applied yet").wait_for(timeout=10_000)  # the bar sees the choice
    page.get_by_role("button", name="Apply filters").click()
    _settled(page)
    both, _ = _selected(page)
    assert 0 < both < either and "actor_mode=all" in page.url
    undated = int(re.search(r"(\d+) undated", page.get_by_text("articles ·").first.inner_text()).group(1))
    _shot(page, "filters-iran-and-russia-all")

    _go_to(page, "Timeline")
    assert _selected(page)[0] == both, "the filter holds on the Timeline"
    page.get_by_role("tab", name="Attention to actors").click()
    page.get_by_text("Actors to follow").wait_for(timeout=60_000)
    _settled(page)
    assert page.get_by_role("switch", name="Together: articles naming all of them").is_checked()
    traces = page.evaluate(_TRACES)
    bars = [t for t in traces if t["type"] == "bar"]
    assert [t["name"] for t in bars] == ["Iran and Russia together"]
    assert sorted(t["name"] for t in traces if t["type"] == "scatter") == ["Iran", "Russia"]
    assert sum(bars[0]["y"]) + undated == both, "every selected article, dated, is in a bar"
    for line in (t for t in traces if t["type"] == "scatter"):
        assert sum(line["y"]) > sum(bars[0]["y"]), f"{line['name']} alone is counted without the actor filter"
    title = page.locator(".js-plotly-plot .gtitle").first.text_content()
    assert "Iran and Russia together, next to each alone" in title
    _shot(page, "timeline-iran-and-russia-together")


def test_a_text_naming_an_actor_offers_every_spelling(page, app_url):  # noqa: F811
    _open(page, app_url, "", "?q=Shoigu")
    by_text, _ = _selected(page)
    page.get_by_text("names an actor").wait_for(timeout=30_000)
    _shot(page, "filters-shoigu-offer")
    page.get_by_role("button", name=re.compile("Filter by .*Sergei Shoigu.* instead")).click()
    _settled(page)
    by_actor, _ = _selected(page)
    assert by_actor > by_text and "q=" not in page.url and "actor=gw%3Asergei-shoigu" in page.url.replace(":", "%3A")
    _shot(page, "filters-shoigu-as-actor")


def test_patrushev_coverage_by_outlet_and_language(page, app_url):  # noqa: F811
    """An analyst who knows only the Arabic spelling follows Nikolai Patrushev on the Sources page:
    which outlets, in which languages, and what each wrote about him."""
    _open(page, app_url, "")
    label = _find_actor(page, "باتروشيف", "Nikolai Patrushev")
    assert "باتروشيف" in label, "the Arabic spelling that matched is said"
    page.locator("[data-testid='stSidebar'] button").filter(
        has_text=re.compile("^\u2068?Nikolai Patrushev")).first.click()
    _settled(page)
    chosen, total = _selected(page)
    assert 0 < chosen < total and "actor=" in page.url
    _go_to(page, "Sources")
    assert _selected(page)[0] == chosen, "the filter holds on the Sources page"
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=30_000)  # volume per source and language
    outlets = [t for t in page.evaluate(_TRACES) if t["type"] == "heatmap"]
    assert outlets, "the share of each outlet's coverage is drawn"
    page.get_by_role("heading", name="What each outlet wrote").wait_for(timeout=30_000)
    quotes = page.locator("[data-testid='stMain']").inner_text()
    _shot(page, "sources-patrushev-by-outlet")
    assert re.search(r"\d+ passages from \d+ outlets", quotes)
    # each outlet's passages say their day and language, named: the Arabic spelling was found in Arabic
    assert "Arabic" in quotes and not re.search(r"· (ar|ru|fa|en)\b", quotes)
