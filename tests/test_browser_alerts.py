"""The Alerts page, the unseen count in the menu and "what is new" in a real browser (Debian's
chromium through Playwright, the app served on 127.0.0.1 by the test). Screenshots go to the
test's tmp folder."""
import datetime as dt
import os

import pytest

from core import pipeline
from core.store import alerts as store_alerts
from core.store import database
from tests import inputs, sample_corpus
from tests.test_browser import CHROMIUM, FLAGS, serving

pytestmark = pytest.mark.browser
HOSTILE = "<img src=x onerror=\"window.__pwned = 1\"> **bold** [link](http://evil.example)"


@pytest.fixture(scope="module")
def store(tmp_path_factory, sample_ingest):
    db = tmp_path_factory.mktemp("alerts-browser") / "app.db"
    sample_ingest.copy(db.parent, db.name)
    engine = database.connect(f"sqlite:///{db}")
    rule = store_alerts.add_rule(engine, store_alerts.Rule(name=f"Iran {HOSTILE}", actors=("Q794",)),
                                 dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    articles = store_alerts.evaluated_articles(engine, None, None, 10_000)
    named = store_alerts.actor_ids(engine, list(articles["article_id"]))
    ids = tuple(named.loc[named["actor_id"] == "Q794", "article_id"][:4])
    store_alerts.record(engine, store_alerts.Fired(rule, None, ids, f"{{articles}} new article(s) match {HOSTILE}", {},
                                                   (("webhook", "http://127.0.0.1:9/down"),)),
                        dt.datetime.now(dt.timezone.utc))
    engine.dispose()
    return db


@pytest.fixture(scope="module")
def app(store, tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: scripts/test.sh installs Debian's chromium")
    env = dict(os.environ, GEOWIRE_DB=str(store), GEOWIRE_CONFIG=str(tmp_path_factory.mktemp("config") / "none.toml"),
               GEOWIRE_ALERT_LOG=str(store.parent / "alerts.jsonl"))
    with serving(env) as url:
        yield url


@pytest.fixture(scope="module")
def context():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        browser_context = chromium.new_context(viewport={"width": 1400, "height": 1000})
        yield browser_context
        browser_context.close()
        chromium.close()


def _settled(tab, timeout: float = 60_000) -> None:
    tab.wait_for_timeout(300)
    tab.locator("[data-test-script-state='notRunning']").wait_for(timeout=timeout)


def _heading(tab, name):
    tab.get_by_role("heading", name=name).first.wait_for(timeout=120_000)


def test_alerts_page_count_in_the_menu_and_what_is_new(app, store, context, tmp_path):
    tab = context.new_page()
    outside = []
    tab.on("request", lambda r: None if r.url.startswith(("http://127.0.0.1:", "data:", "blob:")) else outside.append(r.url))
    tab.goto(app)
    _heading(tab, "Overview")
    menu = tab.locator('[data-testid="stSidebar"] a', has_text="Alerts")
    menu.first.wait_for()
    assert "Alerts (1 new)" in menu.first.inner_text()
    tab.screenshot(path=str(tmp_path / "1-overview-menu-count.png"))

    menu.first.click()
    _heading(tab, "Alerts")
    tab.get_by_text("new article(s) match", exact=False).first.wait_for()
    # The rule's name and the summary are shown as written: no image, no link, no bold made of them.
    assert tab.evaluate("window.__pwned") is None
    main = tab.locator('[data-testid="stMain"]')
    tab.screenshot(path=str(tmp_path / "2-alerts-page.png"), full_page=True)
    assert main.locator("img[src='x']").count() == 0 and main.locator("a[href*='evil.example']").count() == 0
    assert "<img src=x" in main.inner_text()
    assert "webhook to http://127.0.0.1:9/down: pending" in main.inner_text()
    tab.wait_for_timeout(1500)
    tab.screenshot(path=str(tmp_path / "2-alerts-page.png"), full_page=True)
    assert "Alerts (1 new)" not in tab.locator('[data-testid="stSidebar"]').inner_text()

    # An article behind the alert opens in the Reader, by its link.
    main.locator("a[href*='article=']").first.click()
    _heading(tab, "Reader")
    assert "article=" in tab.url

    # Articles stored while the page is open are offered without a restart.
    folder = tmp_path / "in" / "late-wire"
    folder.mkdir(parents=True)
    (folder / "late.txt").write_text(inputs.scraped_page(7).replace("The foreign minister", "Iran's foreign minister"),
                                     encoding="utf-8")
    engine = database.connect(f"sqlite:///{store}")
    stored = pipeline.ingest(engine, [folder], dictionary=sample_corpus.dictionary(), progress=False)
    assert stored.ingested.stored == 1 and len(stored.alerted.fired) == 1  # the rule fired on it
    offer = tab.get_by_role("button", name="1 new article — show them")
    offer.wait_for(timeout=90_000)
    tab.screenshot(path=str(tmp_path / "3-new-articles-offered.png"))
    offer.click()
    tab.get_by_role("button", name="1 new article — show them").wait_for(state="detached", timeout=60_000)
    assert "Alerts (1 new)" in tab.locator('[data-testid="stSidebar"]').inner_text()

    # Stored after this browser last drew a page: a new tab (a new visit) offers it as a filter.
    (folder / "later.txt").write_text(inputs.scraped_page(8).replace("The foreign minister", "A spokesman"),
                                      encoding="utf-8")
    assert pipeline.ingest(engine, [folder], dictionary=sample_corpus.dictionary(), progress=False).ingested.stored == 1
    second = context.new_page()
    second.goto(app)
    _heading(second, "Overview")
    box = second.get_by_role("checkbox", name="Only new since my last visit (1)")
    box.wait_for(timeout=60_000)
    # The tab's first run (slow: the store changed) is restarted by the value its last-visit marker
    # sends; the bar must still show the filters the pages use, whichever run drew it.
    _settled(second)
    undated = second.get_by_role("checkbox", name="Include undated articles")
    assert undated.is_checked() and not box.is_checked()
    second.get_by_text("Only new since my last visit (1)", exact=False).click()
    assert box.is_checked() and undated.is_checked()
    second.get_by_role("button", name="Apply filters").click()
    second.wait_for_url("**new=*", timeout=60_000)
    second.get_by_text("1 of 59 articles", exact=False).first.wait_for(timeout=60_000)
    second.screenshot(path=str(tmp_path / "4-new-since-last-visit.png"))
    second.get_by_text("Only new since", exact=False).scroll_into_view_if_needed()
    second.screenshot(path=str(tmp_path / "5-the-filter-in-the-bar.png"))
    assert "undated" not in second.url, second.url  # only the new filter was changed
    assert outside == []
    engine.dispose()
