"""Item 6 of issue 22 in a real browser: a Timeline view (period, open view, followed actors, the
pair toggle) copied as a link reopens the same chart in a fresh browser; a saved view is listed in
the sidebar and reopens from there. Uses tests/test_browser.py's app and browser."""
import json
import re

import pytest

from tests.test_browser import _open, _settled, _shot, app_url, browser, page  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def _charts(page) -> list[dict]:
    """What each chart on the page draws: its traces' names and values, and its title."""
    drawn = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(plot => JSON.stringify({
        title: (plot.layout.title || {}).text || null,
        data: plot.data.map(trace => ({name: trace.name, type: trace.type, x: trace.x, y: trace.y}))}))""")
    return [json.loads(chart) for chart in drawn]


def _follow(page, names: list[str]) -> None:
    """Follow exactly ``names`` in "Actors to follow"."""
    box = page.locator("[data-testid='stMultiSelect']").filter(has=page.get_by_text("Actors to follow", exact=True))
    box.get_by_role("button", name="Clear all").click()
    _settled(page)
    for name in names:
        combo = box.get_by_role("combobox")
        combo.click()
        combo.fill(name)
        page.get_by_role("option", name=re.compile(f"^{re.escape(name)}$")).first.click()
        page.keyboard.press("Escape")
        page.get_by_role("listbox").wait_for(state="hidden")
        _settled(page)


def _set_timeline_view(page, app_url) -> list[dict]:
    _open(page, app_url, "timeline")
    page.locator("[data-testid='stButtonGroup']").get_by_text("month", exact=True).click()
    _settled(page)
    page.get_by_role("tab", name="Attention to actors").click()
    _settled(page)
    _follow(page, ["Iran", "Russia"])
    page.get_by_text("Together: articles naming all of them").click()
    _settled(page)
    return _charts(page)


def test_a_copied_timeline_link_draws_the_same_view_in_a_fresh_browser(page, browser, app_url):
    drawn = _set_timeline_view(page, app_url)
    copied = page.url
    for part in ("timeline_freq=month", "timeline_view=Attention", "timeline_actors=", "timeline_together=1"):
        assert part in copied
    assert len(drawn) == 1 and {trace["name"] for trace in drawn[0]["data"]} >= {"Iran", "Russia"}
    _shot(page, "views-timeline-set")
    fresh = browser.new_context(viewport={"width": 1400, "height": 1100}).new_page()
    fresh.goto(copied)
    fresh.get_by_role("heading", name="Timeline").wait_for(timeout=120_000)
    _settled(fresh)
    assert _charts(fresh) == drawn
    assert fresh.url == copied
    _shot(fresh, "views-timeline-fresh-browser")
    fresh.context.close()


def test_a_saved_view_is_listed_and_reopens_from_the_sidebar(page, app_url):
    drawn = _set_timeline_view(page, app_url)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_role("textbox", name="Name of this view").fill("Iran and Russia together, monthly")
    sidebar.get_by_role("button", name="Save this view").click()
    _settled(page)
    link = sidebar.get_by_role("link", name="Iran and Russia together, monthly")
    link.wait_for()
    _open(page, app_url, "network")  # elsewhere, the view changed
    page.locator("[data-testid='stSidebar']").get_by_role("link", name="Iran and Russia together, monthly").click()
    page.get_by_role("heading", name="Timeline").wait_for(timeout=120_000)
    _settled(page)
    assert _charts(page) == drawn
    assert "saved_view" not in page.url and "timeline_freq=month" in page.url
    _shot(page, "views-saved-view-reopened")
    page.locator("[data-testid='stSidebar'] .st-key-saved_view_delete_0 button").first.click()
    _settled(page)
    assert page.locator("[data-testid='stSidebar']").get_by_role(
        "link", name="Iran and Russia together, monthly").count() == 0


def test_the_article_chosen_in_the_reader_is_in_the_link(page, browser, app_url):
    _open(page, app_url, "articles")
    before = page.locator(".geowire-article").first.inner_text()
    grid = page.locator("[data-testid='stDataFrame']").first.bounding_box()
    # The grid is drawn on a canvas: a click on the fourth row's selection marker (rows 35 px high).
    page.mouse.click(grid["x"] + 18, grid["y"] + 35 * 4 + 17)
    _settled(page)
    page.wait_for_url(re.compile(r"article="))
    shown = page.locator(".geowire-article").first.inner_text()
    assert shown != before
    fresh = browser.new_context(viewport={"width": 1400, "height": 1100}).new_page()
    fresh.goto(page.url)
    fresh.get_by_role("heading", name="Reader").wait_for(timeout=120_000)
    _settled(fresh)
    assert fresh.locator(".geowire-article").first.inner_text() == shown
    _shot(fresh, "views-reader-article-fresh-browser")
    fresh.context.close()
