"""The Followed sources page in Chromium: sources added from the form and from an OPML upload, the
health table with a failing source's reason, the OPML download; a hostile name stays text and
nothing is fetched from another host. Screenshots under tests/screenshots/."""
import datetime as dt
import os

import pytest
from playwright.sync_api import expect

from core import schema
from core.monitor import sources
from core.monitor.sources import SourceDetails
from core.store import database, source_registry
from tests.test_browser import CHROMIUM, FLAGS, SHOTS, _settled, serving

pytestmark = pytest.mark.browser
HOSTILE = "Kaspi <img src=x onerror=\"window.__pwned = 1\"> ![t](https://tracker.example/p.png)"
OPML = b"""<?xml version="1.0"?><opml version="2.0"><body>
<outline text="Imported Wire" type="rss" xmlUrl="https://wire.example/rss"/>
<outline text="Broken"/></body></opml>"""


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing")
    root = tmp_path_factory.mktemp("followed")
    db = root / "app.db"
    engine = database.connect(f"sqlite:///{db}")
    sources.add(engine, SourceDetails(url="https://meridian.example/rss.xml", name="Meridian Gazette", country="RU",
                                      language="ru", state_affiliated="yes", owner="State holding"))
    sources.add(engine, SourceDetails(url="https://kaspi.example/news", name=HOSTILE, kind="page"))
    now = dt.datetime.now(dt.timezone.utc)
    with engine.begin() as conn:
        conn.execute(schema.sources.update().where(schema.sources.c.name == "Meridian Gazette").values(
            last_polled_at=now, last_success_at=now - dt.timedelta(hours=2), last_error_at=now,
            last_error="HTTP 503 Service Unavailable", consecutive_failures=3))
    engine.dispose()
    env = dict(os.environ, GEOWIRE_DB=str(db), GEOWIRE_CONFIG=str(root / "none.toml"), GEOWIRE_SAMPLE_CORPUS="0")
    with serving(env) as url:
        yield url, db, root


@pytest.fixture(scope="module")
def page(app):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
        tab = context.new_page()
        tab.outside = []
        tab.on("request", lambda request: None if request.url.startswith(("http://127.0.0.1:", "data:", "blob:"))
               else tab.outside.append(request.url))
        yield tab
        browser.close()


def _shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    size = page.viewport_size
    page.set_viewport_size({"width": 1400, "height": 1600})
    _settled(page)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)
    page.set_viewport_size(size)


def test_the_list_shows_health_and_a_hostile_name_stays_text(page, app):
    url, _, _ = app
    page.goto(f"{url}/followed")
    page.get_by_role("heading", name="Followed sources").wait_for(timeout=120_000)
    _settled(page)
    grid = page.locator("[data-testid='stDataFrame']")
    grid.wait_for()
    assert page.get_by_text("2 sources · 1 failing · 1 never polled").is_visible()
    _shot(page, "followed-list")
    assert page.evaluate("() => window.__pwned") is None
    assert page.outside == []


def test_add_from_the_form_then_import_and_download_opml(page, app):
    url, db, root = app
    page.get_by_label("URL of the feed, sitemap or page").fill("https://www.novosti.example/feed/atom")
    page.get_by_label("Country (ISO code or English name)").first.fill("Ukraine")
    page.get_by_role("button", name="Follow").click()
    page.get_by_text("added source 3: novosti.example (atom").wait_for(timeout=30_000)
    _settled(page)
    _shot(page, "followed-added")
    page.get_by_role("tab", name="OPML").click()
    (root / "reader.opml").write_bytes(OPML)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(root / "reader.opml"))
    # The file is sent, then the page runs again with it; on a loaded machine that takes seconds,
    # and the button stays disabled until the run that holds the file has drawn it.
    page.locator("[data-testid='stFileChipName']", has_text="reader.opml").wait_for(timeout=60_000)
    importing = page.get_by_role("button", name="Import", exact=True)
    expect(importing).to_be_enabled(timeout=60_000)
    _settled(page)
    _shot(page, "followed-upload")
    importing.click()
    page.get_by_text("1 source(s) added, 0 already followed, 1 outline(s) left out").wait_for(timeout=30_000)
    assert page.get_by_text("reader.opml: outline 2 ('Broken'): no xmlUrl").is_visible()
    _settled(page)
    page.get_by_role("tab", name="OPML").click()
    _shot(page, "followed-imported")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the sources as OPML").click()
    data = (root / "out.opml")
    download.value.save_as(data)
    names = {s.name for s in source_registry.load(database.connect(f"sqlite:///{db}"))}
    assert names == {"Meridian Gazette", HOSTILE, "novosti.example", "Imported Wire"}
    assert data.read_bytes().count(b"<outline ") == 4
    assert page.outside == []
