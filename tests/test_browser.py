"""The whole app in a real browser: Debian's chromium driven by Playwright."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.fake_libretranslate import FakeLibreTranslate

REPO = Path(__file__).resolve().parent.parent
SHOTS = REPO / "tests" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: scripts/test.sh installs Debian's chromium")
    port = _free_port()
    # A local LibreTranslate-speaking server, slow enough that a translation run lasts a few seconds.
    translator = FakeLibreTranslate(delay=0.05).__enter__()
    env = dict(os.environ, GEOWIRE_DB=str(tmp_path_factory.mktemp("browser") / "app.db"),
               GEOWIRE_TRANSLATOR="libre", GEOWIRE_TRANSLATE_URL=translator.url,
               GEOWIRE_CONFIG=str(tmp_path_factory.mktemp("config") / "none.toml"))
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("the app did not answer on /_stcore/health within 60 s")
    yield url
    server.terminate()
    server.wait(timeout=20)
    translator.__exit__(None, None, None)


@pytest.fixture(scope="module")
def page(app_url):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        tab = context.new_page()
        tab.goto(app_url)
        yield tab
        browser.close()


def test_first_start_shows_the_sample_corpus(page):
    page.get_by_role("heading", name="Articles").wait_for(timeout=120_000)
    page.get_by_text("articles ·").first.wait_for(timeout=120_000)
    caption = page.get_by_text("articles ·").first.inner_text()
    assert int(caption.split(" of ")[1].split()[0]) >= 40
    page.locator("div.geowire-article").first.wait_for()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "articles.png", full_page=True)


def test_persian_article_reads_right_to_left(page):
    page.get_by_role("heading", name="Articles").wait_for(timeout=120_000)
    search = page.get_by_label("Text contains")
    search.fill("پدافند")
    search.press("Enter")
    article = page.locator("div.geowire-article", has_text="اصفهان")
    article.wait_for(timeout=30_000)
    assert article.get_attribute("dir") == "rtl"
    assert article.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert page.get_by_text("articles ·").first.inner_text().startswith("1 of ")
    page.screenshot(path=SHOTS / "reader-rtl.png", full_page=True)


def test_translation_runs_in_the_background_and_the_reader_shows_both_texts(page, app_url):
    page.goto(f"{app_url}/translation")
    page.get_by_role("heading", name="Translation").wait_for(timeout=120_000)
    page.get_by_role("button", name="waiting article").click()
    page.get_by_text("Translating in the background").wait_for(timeout=30_000)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "translation-running.png", full_page=True)
    # Another page while the job runs: it renders, and marks what is not yet translated.
    page.get_by_role("link", name="Articles").click()
    page.get_by_role("heading", name="Articles").wait_for(timeout=60_000)
    page.locator("div.geowire-article").first.wait_for(timeout=60_000)
    page.get_by_role("link", name="Translation").click()
    page.get_by_text("The last run finished").wait_for(timeout=120_000)
    page.screenshot(path=SHOTS / "translation-done.png", full_page=True)
    page.get_by_role("link", name="Articles").click()
    search = page.get_by_label("Text contains")
    search.fill("مسيّرة")
    search.press("Enter")
    original = page.locator("div.geowire-article[dir='rtl']").first
    original.wait_for(timeout=30_000)
    translated = page.locator("div.geowire-article[lang='en']").first
    translated.wait_for(timeout=30_000)
    assert translated.inner_text().startswith("[en] ")
    assert translated.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert original.evaluate("e => getComputedStyle(e).direction") == "rtl"
    box_original, box_translated = original.bounding_box(), translated.bounding_box()
    assert box_original["x"] < box_translated["x"], "the original and its translation stand side by side"
    page.screenshot(path=SHOTS / "reader-translated.png", full_page=True)
