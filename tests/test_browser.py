"""The whole app in a real browser: Debian's chromium driven by Playwright, against the app started
on 127.0.0.1 by the test, on the sample corpus plus one hostile article. Screenshots of every page
go to tests/screenshots/."""
import contextlib
import io
import json
import os
import re
import socket
import struct
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from core import pipeline
from core.store import database
from tests import inputs, sample_corpus
from tests.fake_libretranslate import FakeLibreTranslate
from ui import navigation

REPO = Path(__file__).resolve().parent.parent
SHOTS = REPO / "tests" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HOSTILE_TITLE = "خبر عاجل <script>window.__pwned = 1</script> <img src=x onerror=\"window.__pwned = 2\">"
# Every page the app lists, by its URL path (the overview is the root): a page added to
# ui/navigation.py is drawn by the tests below unasked.
PAGES = {("" if path == "pages/overview.py" else Path(path).stem): title for path, title, _ in navigation.PAGES}

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(env: dict, wait_seconds: float = 90):
    """The dashboard as ``scripts/dashboard.sh`` starts it (serve.py), with ``env``, on a free
    loopback port: its URL, once it answers its health check, until the block ends."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, str(REPO / "serve.py"), "--server.port", str(port),
                               "--server.address", "127.0.0.1", "--server.headless", "true"],
                              cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + wait_seconds
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"the app did not answer on /_stcore/health within {wait_seconds:.0f} s")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def _prepare_store(sample_ingest, db: Path, folder: Path) -> None:
    """The sample corpus with its actors (a copy of the session's store), plus a scraped Arabic
    page whose title carries markup, ingested and extracted as the command line does."""
    sample_ingest.copy(db.parent, db.name)
    engine = database.connect(f"sqlite:///{db}")
    hostile = folder / "hostile-outlet"
    hostile.mkdir()
    (hostile / "page.txt").write_text(
        f"الثلاثاء 2024/03/12\n\n{HOSTILE_TITLE}\n\nشارك\n\nقال وزير الخارجية الإيراني في طهران إن المحادثات مع روسيا "
        "ستستمر الأسبوع المقبل، وأضاف أن الوفد سيزور موسكو قريبا لبحث التعاون.\n\n"
        "وأكد المتحدث أن إيران لا تسعى إلى التصعيد في المنطقة.\n", encoding="utf-8")
    pipeline.ingest(engine, [hostile], dictionary=sample_corpus.dictionary(), progress=False)
    engine.dispose()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, sample_ingest):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: scripts/test.sh installs Debian's chromium")
    db = tmp_path_factory.mktemp("browser") / "app.db"
    _prepare_store(sample_ingest, db, tmp_path_factory.mktemp("inputs"))
    # A local LibreTranslate-speaking server, slow enough that a translation run lasts a few seconds.
    translator = FakeLibreTranslate(delay=0.05).__enter__()
    env = dict(os.environ, GEOWIRE_DB=str(db), GEOWIRE_TRANSLATOR="libre", GEOWIRE_TRANSLATE_URL=translator.url,
               GEOWIRE_CONFIG=str(tmp_path_factory.mktemp("config") / "none.toml"),
               GEOWIRE_UPLOADS_DIR=str(tmp_path_factory.mktemp("uploads")))
    with serving(env) as url:
        yield url
    translator.__exit__(None, None, None)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
    tab = context.new_page()
    tab.dialogs = []
    tab.outside = []  # requests to any other host than the app's: the dashboard works offline
    tab.on("request", lambda request: None if request.url.startswith(("http://127.0.0.1:", "data:", "blob:"))
           else tab.outside.append(request.url))
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    context.close()


CHART_PAGES = ("", "timeline", "network", "sources")


def _settled(page, timeout: float = 90_000) -> None:
    """The script has finished its run and every chart on the page is drawn (on a chart page, at
    least one: an empty list of charts is not a drawn page)."""
    page.wait_for_timeout(300)
    page.locator("[data-test-script-state='notRunning']").wait_for(timeout=timeout)
    charts = any(page.url.split("?")[0].rstrip("/").endswith(f"/{p}" if p else str(page.url.split("/")[2]))
                 for p in CHART_PAGES)
    page.wait_for_function("""(charts) => {
        const plots = [...document.querySelectorAll('.js-plotly-plot')];
        return (!charts || plots.length > 0) && plots.every(plot => plot.querySelector('.main-svg'))
            && !document.querySelector('[data-drawing="true"]');
    }""", arg=charts, timeout=timeout)


def _open(page, app_url, path: str, query: str = "") -> None:
    page.goto(f"{app_url}/{path}{query}")
    page.get_by_role("heading", name=PAGES[path], exact=True).wait_for(timeout=120_000)
    _settled(page)


def _go_to(page, title: str) -> None:
    """Follow the menu's link to the page ``title`` (the filters travel in the link) and wait until
    it has drawn. Exact names: the menu holds "Sources" and "Followed sources"."""
    page.get_by_role("link", name=title, exact=True).click()
    page.get_by_role("heading", name=title, exact=True).wait_for(timeout=60_000)
    _settled(page)


def _selected(page) -> tuple[int, int]:
    caption = page.get_by_text("articles ·").first.inner_text()
    shown, rest = caption.split(" of ", 1)
    return int(shown), int(rest.split()[0])


def _shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    # Streamlit scrolls inside its own container: a tall viewport shows the whole page.
    size = page.viewport_size
    page.set_viewport_size({"width": 1400, "height": 2400})
    _settled(page)
    page.screenshot(path=SHOTS / f"{name}.png")
    page.set_viewport_size(size)


def _network_actors(page) -> int:
    """The actor count the network chart's subtitle states ("135 actors, 1518 links; ...")."""
    title = page.locator(".js-plotly-plot .gtitle").first.text_content()
    return int(re.search(r"(\d+) actors", title).group(1))


def _choose(page, label: str, text: str, apply: bool = True) -> None:
    """Pick the one option of a multiselect whose label starts with ``text`` (Enter would take
    Streamlit's "Select all matches"); with ``apply``, press "Apply filters" too."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(text)
    page.get_by_role("option", name=re.compile(f"^{re.escape(text)} ")).first.click()
    page.keyboard.press("Escape")
    # A press while the list is still closing only closes it.
    page.get_by_role("listbox").wait_for(state="hidden")
    if apply:
        page.get_by_role("button", name="Apply filters").click()
    _settled(page)


def _sidebar_box(page, label: str) -> str:
    """The text of a sidebar multiselect: its label and the chosen options."""
    return page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").filter(
        has=page.get_by_text(label, exact=True)).inner_text()


def _not_applied_note(page):
    return page.get_by_role("status").filter(has_text="Not applied yet")


def test_filter_choices_wait_for_apply(page, app_url):
    _open(page, app_url, "")
    _, total = _selected(page)
    from playwright.sync_api import expect
    expect(_not_applied_note(page)).to_be_hidden()
    _choose(page, "Languages", "Persian", apply=False)
    assert _selected(page)[0] == total and "lang=" not in page.url, "a pick alone filters nothing"
    expect(_not_applied_note(page)).to_be_visible()
    page.get_by_role("tab", name="By source").click()  # another control of the page runs it again
    _settled(page)
    assert "Persian (fa)" in _sidebar_box(page, "Languages"), "the pick outlives the page's other controls"
    expect(_not_applied_note(page)).to_be_visible()
    page.get_by_role("button", name="Apply filters").click()
    _settled(page)
    shown, _ = _selected(page)
    assert 0 < shown < total and page.url.endswith("lang=fa")
    expect(_not_applied_note(page)).to_be_hidden()
    page.get_by_role("button", name="Remove Persian (fa)").click()
    expect(_not_applied_note(page)).to_be_visible()
    page.get_by_role("button", name="Reset filters").click()
    _settled(page)
    assert _selected(page)[0] == total and "Persian" not in _sidebar_box(page, "Languages")
    expect(_not_applied_note(page)).to_be_hidden()
    page.get_by_text("Include undated articles").click()
    expect(_not_applied_note(page)).to_be_visible()
    page.get_by_text("Include undated articles").click()  # back to what is applied
    expect(_not_applied_note(page)).to_be_hidden()
    page.get_by_role("textbox", name="Text contains").fill("Hamas")
    page.keyboard.press("Enter")  # presses the form's first button, "Apply filters"
    _settled(page)
    assert 0 < _selected(page)[0] < total and page.url.endswith("q=Hamas")


def test_every_page_draws_on_the_sample_corpus(page, app_url):
    for path, title in PAGES.items():
        _open(page, app_url, path)
        shown, total = _selected(page)
        assert shown == total >= 50, title
        if path in CHART_PAGES:
            assert page.locator(".js-plotly-plot .main-svg").count() >= 1, f"{title}: no chart drawn"
        _shot(page, path or "overview")
    assert page.outside == [], "the dashboard asked for something outside this machine"


def test_filtering_by_an_actor_changes_the_network_and_the_timeline(page, app_url):
    _open(page, app_url, "network")
    before = _network_actors(page)
    _, total = _selected(page)
    _choose(page, "Actors", "Hamas")
    shown, _ = _selected(page)
    assert 0 < shown < total
    assert 1 < _network_actors(page) < before
    assert page.url.endswith("actor=Q38799")  # Hamas alone, by its Wikidata id
    _shot(page, "network-hamas")
    _go_to(page, "Timeline")
    assert _selected(page)[0] == shown, "the actor filter holds on the next page"
    page.get_by_role("tab", name="Attention to actors").click()
    page.get_by_text("Actors to follow").wait_for(timeout=60_000)
    _settled(page)
    followed = page.locator("[data-testid='stMultiSelect']", has_text="Actors to follow").inner_text()
    assert "Hamas" in followed and "Russia" not in followed, "the timeline follows the chosen actor"
    _shot(page, "timeline-hamas")


_LONE_NODE = """() => {
    // The actor node farthest from any other, where a click cannot land on a neighbour.
    const chart = document.querySelector('.js-plotly-plot');
    const layout = chart._fullLayout, box = chart.getBoundingClientRect();
    const nodes = [];
    for (const trace of chart._fullData) {
        if (!trace.customdata || !String(trace.mode).includes('markers')) continue;
        trace.customdata.forEach((id, i) => {
            if (typeof id === 'string')
                nodes.push({id, x: box.left + layout._size.l + layout.xaxis.d2p(trace.x[i]),
                            y: box.top + layout._size.t + layout.yaxis.d2p(trace.y[i])});
        });
    }
    let best = null;
    for (const node of nodes) {
        const room = Math.min(...nodes.filter(o => o !== node).map(o => Math.hypot(o.x - node.x, o.y - node.y)));
        if (!best || room > best.room) best = {...node, room};
    }
    return best;
}"""


_FILTERED_TO = "(actor) => new URLSearchParams(location.search).getAll('actor').join() === actor"


def test_clicking_a_network_node_filters_every_page_to_that_actor(browser, app_url):
    page = browser.new_context(viewport={"width": 1400, "height": 1100}).new_page()
    _open(page, app_url, "network")
    _, total = _selected(page)
    node = page.evaluate(_LONE_NODE)
    assert node, "the network draws no actor node"
    page.mouse.move(node["x"], node["y"])
    page.mouse.click(node["x"], node["y"])
    page.wait_for_function(_FILTERED_TO, arg=node["id"], timeout=60_000)
    _settled(page)
    assert 0 < _selected(page)[0] < total
    _go_to(page, "Timeline")
    assert page.evaluate(_FILTERED_TO, node["id"]), "the clicked actor's filter holds on the next page"
    page.context.close()


def test_a_copied_link_reopens_the_same_view(page, browser, app_url):
    _open(page, app_url, "timeline", "?lang=ar&lang=fa&undated=0")
    view = _selected(page)
    copied = page.url
    assert "lang=" in copied and "undated=0" in copied
    fresh = browser.new_context(viewport={"width": 1400, "height": 1100}).new_page()
    fresh.goto(copied)
    fresh.get_by_role("heading", name="Timeline").wait_for(timeout=120_000)
    _settled(fresh)
    assert _selected(fresh) == view
    assert fresh.url == copied
    # the wide layout, as on a page reached through the menu (Streamlit's centred column: 704 px)
    width = fresh.locator(".js-plotly-plot").first.bounding_box()["width"]
    assert width == page.locator(".js-plotly-plot").first.bounding_box()["width"] > 900
    fresh.context.close()


def test_arabic_article_reads_right_to_left(page, app_url):
    _open(page, app_url, "articles", "?lang=ar")
    article = page.locator("div.geowire-article").first
    assert article.get_attribute("dir") == "rtl"
    assert article.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert page.locator("mark.geowire-mention").count() > 0, "actor mentions are marked"
    _shot(page, "reader-arabic")


def test_article_markup_is_shown_and_runs_nothing(page, app_url):
    _open(page, app_url, "articles", "?q=__pwned")
    article = page.locator("div.geowire-article").first
    assert "<script>window.__pwned = 1</script>" in article.inner_text()
    assert article.locator("script, img").count() == 0
    page.wait_for_timeout(1000)
    assert page.evaluate("() => window.__pwned") is None
    assert page.dialogs == []
    _shot(page, "reader-hostile")
    # The Overview's newest articles are a plain table: the same title there is text too, and reads
    # right to left in its cell.
    _open(page, app_url, "", "?source=hostile-outlet")
    cell = page.locator("table.geowire-table td").filter(has_text="window.__pwned").first
    assert "<script>window.__pwned = 1</script>" in cell.inner_text()
    assert page.locator("table.geowire-table").locator("script, img").count() == 0
    assert cell.evaluate("(td) => getComputedStyle(td).direction") == "rtl"
    page.wait_for_timeout(1000)
    assert page.evaluate("() => window.__pwned") is None and page.dialogs == []


def test_a_newest_article_opens_in_the_reader_under_the_same_filters(page, app_url):
    _open(page, app_url, "", "?lang=ru")
    shown, _ = _selected(page)
    link = page.locator("table.geowire-table a").nth(2)  # not the newest, which the Reader opens anyway
    title = link.inner_text()
    link.click()
    page.get_by_role("heading", name="Reader").wait_for(timeout=120_000)
    _settled(page)
    assert "lang=ru" in page.url and "article=" in page.url
    assert _selected(page)[0] == shown
    assert page.locator("div.geowire-article h3").first.inner_text().startswith(title.rstrip("…"))


def test_chart_png_and_data_csv_download(page, app_url):
    _open(page, app_url, "", "?lang=de")
    shown, _ = _selected(page)
    page.get_by_role("button", name="Download chart").first.click()
    with page.expect_download(timeout=120_000) as png:
        page.get_by_role("button", name="PNG", exact=True).first.click()
    data = Path(png.value.path()).read_bytes()
    assert png.value.suggested_filename.startswith("geowire-volume-by-language-") and png.value.suggested_filename.endswith(".png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 1200 and height >= 600
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Download data").click()
    with page.expect_download(timeout=60_000) as csv:
        page.get_by_role("button", name="Data as CSV").click()
    text = Path(csv.value.path()).read_bytes().decode("utf-8-sig")
    rows = pd.read_csv(io.StringIO(text))
    assert len(rows) == shown and set(rows["language"]) == {"de"}
    assert "lang" in text.split("\n", 1)[0] or "languages" in text[:400]
    # the filters it was made with: in the CSV's manifest, offered beside it
    with page.expect_download(timeout=60_000) as manifest:
        page.get_by_role("button", name="Filters of the CSV").click()
    assert manifest.value.suggested_filename == csv.value.suggested_filename + ".json"
    recorded = json.loads(Path(manifest.value.path()).read_text(encoding="utf-8"))
    assert recorded["rows"] == shown and recorded["metadata"]["languages"] == ["de"]


def test_sources_data_download_has_every_passage_it_counts(page, app_url):
    _open(page, app_url, "sources")
    caption = page.get_by_text(re.compile(r"^\d+ passages from \d+ outlets")).inner_text()
    passages, outlets = map(int, re.match(r"(\d+) passages from (\d+) outlets", caption).groups())
    links = page.get_by_role("link", name="Open in the reader")
    links.first.wait_for(timeout=60_000)  # page links arrive after the markdown around them
    shown = links.count()
    assert 0 < shown < passages  # the page shows a few; the file must have them all
    page.get_by_role("button", name="Download data").click()
    with page.expect_download(timeout=60_000) as csv:
        page.get_by_role("button", name="Data as CSV").click()
    rows = pd.read_csv(io.StringIO(Path(csv.value.path()).read_bytes().decode("utf-8-sig")))
    assert len(rows) == passages and rows["source"].nunique() == outlets
    assert rows["sentence"].notna().all()


def test_translation_runs_in_the_background_and_the_reader_shows_both_texts(page, app_url):
    _open(page, app_url, "translation")
    page.get_by_role("button", name="waiting article").click()
    page.get_by_text("Translating in the background").wait_for(timeout=30_000)
    _shot(page, "translation-running")
    # Another page while the job runs: it renders, and marks what is not yet translated.
    page.get_by_role("link", name="Reader", exact=True).click()
    page.get_by_role("heading", name="Reader").wait_for(timeout=60_000)
    page.locator("div.geowire-article").first.wait_for(timeout=60_000)
    page.get_by_role("link", name="Translation", exact=True).click()
    page.get_by_text("The last run finished").wait_for(timeout=180_000)
    _shot(page, "translation-done")
    _open(page, app_url, "articles", "?lang=ar&q=" + urllib.request.quote("مسيّرة"))
    original = page.locator("div.geowire-article[dir='rtl']").first
    translated = page.locator("div.geowire-article[lang='en']").first
    translated.wait_for(timeout=30_000)
    assert translated.inner_text().startswith("[en] ")
    assert translated.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert original.evaluate("e => getComputedStyle(e).direction") == "rtl"
    box_original, box_translated = original.bounding_box(), translated.bounding_box()
    assert box_original["x"] < box_translated["x"], "the original and its translation stand side by side"
    _shot(page, "reader-translated")


# Last in this file: it adds an article to the store the tests above count.
def test_an_upload_named_to_escape_is_refused_then_stored_under_a_plain_name(page, app_url):
    _open(page, app_url, "ingest")
    total = _selected(page)[1]
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        [{"name": ".hidden page.txt", "mimeType": "text/plain", "buffer": inputs.scraped_page(91, "fr").encode()}])
    outlet = page.get_by_label("Outlet of these files (plain-text pages have no source of their own)")
    outlet.fill("..")
    outlet.press("Enter")
    page.get_by_role("button", name="Ingest the uploaded files").click()
    page.get_by_text("outlet name '..': needs letters or digits").wait_for(timeout=30_000)
    _shot(page, "ingest-outlet-refused")
    outlet.fill("Écho du Levant")
    outlet.press("Enter")
    page.get_by_role("button", name="Ingest the uploaded files").click()
    page.get_by_text("saved as 'hidden page.txt' (names starting with a dot are hidden files").wait_for(timeout=30_000)
    page.get_by_text("The last ingest finished").wait_for(timeout=180_000)
    _shot(page, "ingest-upload-stored")
    _open(page, app_url, "articles", "?source=" + urllib.request.quote("Écho du Levant"))
    assert _selected(page) == (1, total + 1)
