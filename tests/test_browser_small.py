"""Issue 22 item 10, in the browser: the Translation page's counts and the Ingest page's count follow
a background job the moment it ends, without a reload, and the Ingest page links to what it added
(only the job panel, a fragment, reran every second before, so the counts above it stayed stale);
a downloaded chart names the filters it was drawn under."""
import os
from pathlib import Path

import pytest

from core import config
from core.ingest import batch
from core.store import database
from tests import inputs
from tests.fake_libretranslate import FakeLibreTranslate
from tests.test_browser import CHROMIUM, FLAGS, _selected, _settled, _shot, serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing")
    root = tmp_path_factory.mktemp("jobs")
    db = root / "app.db"
    batch.ingest(database.connect(f"sqlite:///{db}"), [config.SAMPLES_DIR / "payam-e-shargh"], progress=False)
    translator = FakeLibreTranslate(delay=0.05).__enter__()
    env = dict(os.environ, GEOWIRE_DB=str(db), GEOWIRE_TRANSLATE_URL=translator.url,
               GEOWIRE_CONFIG=str(root / "none.toml"), GEOWIRE_INGEST_ROOTS=str(root), GEOWIRE_SAMPLE_CORPUS="0")
    env.pop("GEOWIRE_TRANSLATOR", None)
    with serving(env) as url:
        yield url, root
    translator.__exit__(None, None, None)


@pytest.fixture(scope="module")
def page(app):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        tab = browser.new_context(viewport={"width": 1400, "height": 1100}).new_page()
        yield tab
        browser.close()


def _translated(page) -> int:
    caption = page.get_by_text("waiting for translation").first.inner_text()
    return int(caption.split(" translated")[0].split("·")[-1])


def test_the_translation_counts_follow_the_job(page, app):
    url, _ = app
    page.goto(f"{url}/translation")
    page.get_by_role("heading", name="Translation").wait_for(timeout=120_000)
    _settled(page)
    assert _translated(page) == 0
    assert page.get_by_text("on this machine").first.is_visible()  # where the text goes, said plainly
    page.get_by_role("button", name="Translate").first.click()
    # No reload: the page itself must show the job's work within a few seconds of its end.
    page.wait_for_function("() => /· [1-9]\\d* translated/.test(document.body.innerText)", timeout=60_000)
    _settled(page)
    assert _translated(page) > 0
    _shot(page, "translation-after-run")


def test_the_ingest_count_follows_the_job_and_links_to_what_it_added(page, app):
    url, root = app
    folder = root / "drop"
    folder.mkdir()
    for number, language in enumerate(("fr", "ar")):
        (folder / f"page-{number}.txt").write_text(inputs.scraped_page(number + 3, language), encoding="utf-8")
    page.goto(f"{url}/ingest")
    page.get_by_role("heading", name="Ingest").wait_for(timeout=120_000)
    _settled(page)
    before = _selected(page)[1]
    page.get_by_role("tab", name="Read a folder").click()
    page.get_by_label("Folder or file on this computer").fill(str(folder))
    page.get_by_label("Folder or file on this computer").press("Enter")
    _settled(page)
    page.get_by_role("button", name="Ingest the folder").click()
    link = page.get_by_role("link", name="Show the newest of the 2 new article(s) in the Reader")
    link.wait_for(timeout=60_000)
    _settled(page)
    assert _selected(page)[1] == before + 2, "the article count above the panel follows the ingest"
    _shot(page, "ingest-after-run")
    link.click()
    page.get_by_role("heading", name="Reader").wait_for(timeout=60_000)
    assert "article=" in page.url


def test_a_downloaded_chart_names_its_filters(page, app):
    url, _ = app
    page.goto(f"{url}/?lang=fa")
    page.get_by_role("heading", name="Overview").wait_for(timeout=120_000)
    _settled(page)
    page.get_by_role("button", name="Download chart").first.click()
    with page.expect_download(timeout=120_000) as chart:
        page.get_by_role("button", name="HTML", exact=True).first.click()
    drawn = Path(chart.value.path()).read_text(encoding="utf-8")
    assert "Filters: languages Persian" in drawn and "from Geowire" in drawn
