"""The dashboard's pages, headless, with streamlit.testing: every page on the sample corpus and on
an empty store, filters that change what is shown and that come back from the URL."""
import html
import io
import json
import re
import time
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core import cli, config, pipeline
from core.actors import frames
from core.charts import text
from core.export import articles as export_articles
from core.ingest import batch
from core.store import corrections as store_corrections, database, reads, translation_memory
from tests import inputs
from ui import jobs, layout, navigation

APP = str(Path(__file__).resolve().parent.parent / "app.py")
# Every page the app lists: a page added to ui/navigation.py is rendered by the tests below unasked.
PAGES = {path: title for path, title, _ in navigation.PAGES}


def _run(page: str | None = None, **query):
    """The app opened at ``page`` with ``query`` in its URL. AppTest keeps the filter bar (drawn by
    app.py, before st.navigation) only in the tree of its first run, so every interaction with the
    filters starts from a new AppTest; tests/test_browser.py covers filters across navigation."""
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page and page != "pages/overview.py":
        at.switch_page(page).run()
    return at


def _sent_to_charts(at) -> list[dict]:
    """What the page sends to ui/plotly_view.py's component: the bundle's preload, then figures."""
    return [json.loads(chart.proto.json) for chart in at.get("bidi_component")
            if chart.proto.component_name.endswith("geowire_plotly")]


def _filters_applied(at) -> str:
    """What the filter bar's "not applied yet" note (ui/filters_pending.js) is told about the
    filters last applied: it compares the boxes against them."""
    [note] = [json.loads(c.proto.json) for c in at.get("bidi_component")
              if c.proto.component_name.endswith("geowire_filters_pending")]
    return note["applied"]


def _figures(at) -> list[dict]:
    """The Plotly figures the page sends to the browser."""
    return [json.loads(data["figure"]) for data in _sent_to_charts(at) if "figure" in data]


def _selected(at) -> tuple[int, int]:
    """(selected, total) from the caption every page shows."""
    caption = next(c.value for c in at.caption if " of " in c.value and "articles ·" in c.value)
    shown, rest = caption.split(" of ", 1)
    return int(shown), int(rest.split()[0])


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_sample_corpus(app_with_db, page):
    at = _run(page)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == PAGES[page]
    shown, total = _selected(at)
    assert shown == total >= 50


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_an_empty_store(empty_app, page):
    at = _run(page)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == PAGES[page]
    assert _selected(at) == (0, 0)
    # Pages that bring articles in, or say what to do when they come, speak of their own work.
    if page not in ("pages/ingest.py", "pages/translation.py", "pages/followed.py", "pages/alerts.py"):
        assert any("The store is empty" in i.value for i in at.info)


def test_first_start_loads_the_sample_corpus_with_its_actors(app_store, sample_ingest):
    at = _run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(toast.value.startswith("Sample corpus loaded:") for toast in at.toast)
    engine = database.connect(f"sqlite:///{app_store}")
    articles, mentions = reads.load_articles(engine), reads.load_mentions(engine)
    assert len(articles) >= 50 and len(mentions) > 1000
    # The store app_with_db copies for the other tests is the one this first start makes.
    session = database.connect(f"sqlite:///{sample_ingest.db}")
    assert sorted(articles["article_id"]) == sorted(reads.load_articles(session)["article_id"])
    assert len(mentions) == len(reads.load_mentions(session))
    shown, total = _selected(at)
    assert shown == total == len(articles)


def test_a_store_that_cannot_be_reached_is_one_line_without_the_password(app_store, monkeypatch):
    # Nothing listens on port 1 of the loopback: the connection is refused at once.
    monkeypatch.setenv("GEOWIRE_DB", "postgresql://analyst:s3cret-word@127.0.0.1:1/newsroom")
    at = _run()
    assert not at.exception, [e.value for e in at.exception]
    [error] = at.error
    assert error.value.startswith("The store cannot be used: ") and "\n" not in error.value
    assert "Connection refused" in error.value or "connection failed" in error.value
    assert "s3cret-word" not in error.value and "analyst:***@127.0.0.1:1/newsroom" in error.value


def test_articles_dated_only_to_the_day_show_no_made_up_time(app_with_db):
    engine = database.connect(f"sqlite:///{app_with_db}")
    at = _run()
    articles = reads.load_articles(engine)
    day_only = articles[(articles["published_precision"] == "day")]
    assert len(day_only), "the sample corpus has articles dated only to the day"
    newest = next(m.value for m in at.markdown if "geowire-table" in m.value and "Newest" not in m.value)
    for day in day_only["published"].dt.strftime("%Y-%m-%d"):
        assert f"{day} 00:00<" not in newest
    assert re.search(r"\d{4}-\d{2}-\d{2}(<| \d{2}:\d{2} UTC<)", newest), "the table shows publication times"
    reader = _run("pages/articles.py", article=day_only["article_id"].iloc[0])
    assert any(day_only["published"].iloc[0].strftime("%Y-%m-%d") in c.value and "00:00" not in c.value
               for c in reader.caption)


def test_filters_change_what_every_page_shows(app_with_db):
    at = _run()
    _, total = _selected(at)
    before = _filters_applied(at)
    at.sidebar.multiselect(key="lang").select("fa").run()
    assert _selected(at)[0] == total, "a choice waits for Apply"
    assert _filters_applied(at) == before, "the bar's note keeps comparing against the same filters"
    # AppTest forgets a pick its form did not submit at the next run: picked again, then applied.
    at.sidebar.multiselect(key="lang").select("fa")
    at.sidebar.button(key="apply_filters").click().run()
    shown, _ = _selected(at)
    assert 0 < shown < total
    assert at.query_params["lang"] == "fa"  # the URL follows the filters
    assert _filters_applied(at) != before, "the bar's note learns that new filters were applied"
    for page in PAGES:  # the filter holds on every page
        at.switch_page(page).run()
        assert not at.exception
        assert _selected(at)[0] == shown
    assert _selected(_run(q="no such phrase anywhere xyzzy"))[0] == 0


def test_actor_filter_narrows_the_network_and_the_timeline(app_with_db):
    everyone = _run("pages/network.py")
    hamas = _actor_id(app_with_db, "Hamas")
    narrowed = _run("pages/network.py", actor=hamas)
    assert not narrowed.exception
    assert narrowed.sidebar.multiselect(key="actor").value == [hamas]
    assert 0 < len(narrowed.dataframe[0].value) < len(everyone.dataframe[0].value)
    shown, total = _selected(narrowed)
    assert 0 < shown < total
    timeline = _run("pages/timeline.py", actor=hamas)
    assert "timeline_actors" not in [w.key for w in timeline.multiselect]  # its tab is closed
    _open_tab(timeline, "timeline_view", "Attention to actors")
    assert timeline.multiselect(key="timeline_actors").value == [hamas]
    _open_tab(timeline, "timeline_view", "Stories in several outlets")
    stories = timeline.selectbox(key="timeline_story")
    everyone = _open_tab(_run("pages/timeline.py"), "timeline_view", "Stories in several outlets")
    assert 0 < len(stories.options) < len(everyone.selectbox(key="timeline_story").options)
    opened = stories.options[stories.index]
    links = [link for link in timeline.main.get("page_link")]
    assert len(links) == int(re.search(r"· (\d+) articles", opened).group(1))  # the opened story lists its articles


def test_timeline_draws_only_its_open_view_and_keeps_the_followed_actors(app_with_db):
    at = _run("pages/timeline.py")
    assert len(_figures(at)) == 1  # Published, the first tab
    _open_tab(at, "timeline_view", "Attention to actors")
    assert len(_figures(at)) == 1
    followed = at.multiselect(key="timeline_actors")
    assert len(followed.value) == 4  # the four most named by default
    followed.set_value(followed.value[:1]).run()
    _open_tab(at, "timeline_view", "Stories in several outlets")
    assert "timeline_actors" not in [w.key for w in at.multiselect]
    _open_tab(at, "timeline_view", "Attention to actors")
    assert at.multiselect(key="timeline_actors").value == followed.value[:1]


def _open_tab(at, key: str, label: str):
    """Open a tab of ``st.tabs(..., key=key, on_change="rerun")``, as a click on it does."""
    at.session_state[key] = label
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _actor_id(db, name: str) -> str:
    from core import config
    from core.actors import actor_dictionary, frames

    engine = database.connect(f"sqlite:///{db}")
    actors, _, _ = frames.actor_frames(engine, actor_dictionary.load(config.ACTORS_DIR, config.CORRECTIONS_FILE))
    return actors.loc[actors["name"] == name, "actor_id"].iloc[0]


def test_download_menus_draw_their_buttons_only_when_open(app_with_db):
    at = _run()
    assert not at.get("download_button")  # closed: nothing for the browser to redraw
    at.session_state["volume-by-language-export"] = True  # as a click on "Download chart" does
    at.session_state["data-overview"] = True  # "Download data"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == ["PNG", "SVG", "PDF", "HTML", "Data as CSV", "Filters of the CSV",
                                                "Data as XLSX", "Data as JSON"]


def test_overview_data_download_is_the_command_lines_export(app_with_db, monkeypatch, tmp_path):
    """The same selection gives the same file from "Download data" as from `python -m core export`:
    the same columns (actors and mentioned dates included) and rows; the filters in the manifest."""
    made = {}
    draw = st.download_button

    def recording(label, data=None, file_name=None, **kwargs):
        made[label] = (data, file_name)
        return draw(label, data=data, file_name=file_name, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    at = _run(lang="fr", actor="Q7747")
    at.session_state["data-overview"] = True  # as a click on "Download data" does
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    data, file_name = made["Data as CSV"]
    dashboard = pd.read_csv(io.BytesIO(data()), keep_default_na=False)
    out = tmp_path / "cli.csv"
    assert cli.main(["--db", str(app_with_db), "export", "--language", "fr", "--actor", "Vladimir Putin", "--out", str(out)]) == 0
    command = pd.read_csv(out, keep_default_na=False)
    assert list(dashboard.columns) == list(command.columns) == list(export_articles.COLUMNS)
    assert len(dashboard) == _selected(at)[0] > 0
    pd.testing.assert_frame_equal(dashboard, command)
    manifest, manifest_name = made["Filters of the CSV"]
    assert manifest_name == file_name + ".json"
    recorded = json.loads(manifest())["metadata"]
    assert recorded["actors"] == [{"id": "Q7747", "name": "Vladimir Putin"}] and recorded["languages"] == ["fr"]
    assert recorded == {**json.loads((tmp_path / "cli.csv.json").read_text(encoding="utf-8"))["metadata"],
                        "view": "overview", "exported_at": recorded["exported_at"]}


def test_every_timeline_view_offers_its_data(app_with_db):
    at = _run("pages/timeline.py")
    views = {"Published": "published-timeline", "Dates the articles mention": "mentioned-dates",
             "Attention to actors": "attention", "Stories in several outlets": "stories"}
    for label, view in views.items():
        at.session_state[f"data-{view}"] = True  # as a click on "Download data" does
        _open_tab(at, "timeline_view", label)
        assert [b.proto.label for b in at.get("download_button")] == ["Data as CSV", "Filters of the CSV", "Data as XLSX",
                                                                      "Data as JSON"], label


def test_network_table_numbers_communities_as_the_chart_legend_names_them(app_with_db):
    at = _run("pages/network.py")
    assert not at.exception, [e.value for e in at.exception]
    figure = _figures(at)[0]
    table = at.dataframe[0].value.set_index("name")["community"]
    compared = 0
    for trace in figure["data"]:
        number = re.fullmatch(r"Community (\d+)", trace.get("name") or "")
        if number:
            names = [html.unescape(re.match(r"<b>(.*?)</b>", text).group(1)) for text in trace["hovertext"]]
            assert set(table[names]) == {int(number.group(1))}, trace["name"]
            compared += 1
    assert compared >= 2


def test_charts_need_only_the_vendored_plotly_bundle(app_with_db):
    import plotly

    from ui import plotly_view

    # The same plotly.js as the plotly package's, which draws the exported PNG, SVG, PDF and HTML.
    banner = (Path(APP).parent / "static" / plotly_view.BUNDLE).read_text(encoding="utf-8")[:200]
    assert f"plotly.js v{plotly.offline.get_plotlyjs_version()}," in banner
    sent = []
    for page in ("pages/overview.py", "pages/network.py", "pages/sources.py"):
        sent += _sent_to_charts(_run(page))
    timeline = _run("pages/timeline.py")
    for view in ("Dates the articles mention", "Attention to actors", "Stories in several outlets"):
        sent += _sent_to_charts(_open_tab(timeline, "timeline_view", view))
    assert {data["script"] for data in sent} == {f"/app/static/{plotly_view.BUNDLE}"}
    types = {trace.get("type", "scatter") for data in sent if "figure" in data for trace in json.loads(data["figure"])["data"]}
    assert {"bar", "scatter", "heatmap"} <= types <= plotly_view.TRACE_TYPES


def test_charts_fall_back_to_streamlits_plotly_element_without_static_serving(app_with_db):
    from streamlit import config as streamlit_config

    drawn = _figures(_run("pages/network.py"))
    served = streamlit_config.get_option("server.enableStaticServing")
    streamlit_config.set_option("server.enableStaticServing", False)
    try:
        fallback = _run("pages/network.py")
    finally:
        streamlit_config.set_option("server.enableStaticServing", served)
    assert not _sent_to_charts(fallback)
    charts = fallback.get("plotly_chart")
    assert [json.loads(c.proto.spec)["layout"]["title"] for c in charts] == [f["layout"]["title"] for f in drawn]


def test_url_query_parameters_restore_the_filters(app_with_db):
    at = _run()
    at.sidebar.multiselect(key="lang").select("ar")
    at.sidebar.button(key="apply_filters").click().run()
    expected = _selected(at)[0]
    again = _run(None, **dict(at.query_params))
    assert again.sidebar.multiselect(key="lang").value == ["ar"]
    assert _selected(again)[0] == expected
    dated = _run(None, **{"from": "2024-08-01", "to": "2024-08-31", "undated": "0"})
    shown, total = _selected(dated)
    assert 0 < shown < total
    assert dated.sidebar.date_input(key="from").value.isoformat() == "2024-08-01"
    dated.sidebar.button(key="reset_filters").click().run()
    assert _selected(dated)[0] == total
    ignored = _run(None, lang="xx", actor="no-such-actor", **{"from": "not a date"})
    assert not ignored.exception and _selected(ignored)[0] == total


def test_reader_escapes_article_markup_and_sets_direction(tmp_path, app_with_db):
    engine = database.connect(f"sqlite:///{app_with_db}")
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "x.txt").write_text(inputs.scraped_page(1, "ar", title="عنوان <script>alert(1)</script> <img src=x onerror=alert(2)>"),
                                  encoding="utf-8")
    batch.ingest(engine, [folder], progress=False)
    at = _run("pages/articles.py", q="alert(1)")
    html = [m.value for m in at.markdown if "geowire-article" in m.value][0]
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "dir='rtl'" in html


def test_reader_opens_the_linked_article_and_marks_its_actors(app_with_db):
    engine = database.connect(f"sqlite:///{app_with_db}")
    _run()
    articles = reads.load_articles(engine)
    arabic = articles[articles["language"] == "ar"].iloc[0]
    at = _run("pages/articles.py", article=arabic["article_id"])
    html = [m.value for m in at.markdown if "geowire-article" in m.value][0]
    assert "dir='rtl'" in html and "geowire-mention" in html


def test_translation_page_runs_a_background_job_and_the_reader_shows_both_texts(app_with_db):
    from tests.fake_libretranslate import FakeLibreTranslate

    at = _run("pages/translation.py")
    counts = next(c.value for c in at.caption if "waiting for translation" in c.value)
    assert " 0 translated" in counts
    engine = database.connect(f"sqlite:///{app_with_db}")
    with FakeLibreTranslate() as server:
        at.session_state["translation_provider"] = "libre"
        at.session_state["translation_url"] = server.url
        at.run()
        at.button(key="start_translation").click().run()
        for _ in range(120):
            done = translation_memory.load_translations(engine, "en")
            if len(done) and (done["status"] == "translated").sum() >= 40:
                break
            time.sleep(0.5)
        else:
            pytest.fail("the background job did not translate the sample corpus")
        time.sleep(1)
    at.run()
    assert not at.exception
    counts = next(c.value for c in at.caption if "waiting for translation" in c.value)
    assert " 0 waiting for translation" in counts
    at = _run("pages/articles.py", lang="ar")
    texts = [m.value for m in at.markdown if "geowire-article" in m.value]
    assert len(texts) == 2  # the original and its translation, side by side
    assert "dir='rtl'" in texts[0] and "[en] " in texts[1] and "dir='ltr'" in texts[1]


def test_reader_lists_the_newest_of_a_selection_over_its_table_limit_and_says_so(app_with_db, monkeypatch):
    # The limit (5,000 rows) lowered so that the sample corpus goes over it.
    monkeypatch.setattr(layout, "READER_ROWS", 7)
    at = _run("pages/articles.py")
    assert not at.exception, [e.value for e in at.exception]
    shown, total = _selected(at)
    assert shown == total > 7
    assert any(c.value.startswith(f"The table lists the newest 7 of the {total:,} selected articles") for c in at.caption)
    [listed] = [frame.value for frame in at.dataframe if "title" in frame.value.columns]  # the articles' table
    assert len(listed) == 7
    articles = reads.load_articles(database.connect(f"sqlite:///{app_with_db}"))
    newest = articles.sort_values("published", ascending=False, na_position="last").head(7)
    assert list(listed["source"]) == list(newest["source"])
    # Under the limit, every selected article is listed and nothing is said.
    monkeypatch.setattr(layout, "READER_ROWS", 5_000)
    at = _run("pages/articles.py")
    assert [len(frame.value) for frame in at.dataframe if "title" in frame.value.columns] == [total]
    assert not any(c.value.startswith("The table lists the newest") for c in at.caption)


def test_reader_marks_untranslated_articles_as_waiting(app_with_db):
    at = _run("pages/articles.py", lang="fa")
    assert not at.exception
    assert any("Waiting for translation into English" in w.value for w in at.warning)
    assert len([m for m in at.markdown if "geowire-article" in m.value]) == 1  # the original stays readable


def test_ingest_page_reads_a_folder_in_the_background_and_lists_rejections(empty_app, tmp_path, monkeypatch):
    monkeypatch.setenv("GEOWIRE_INGEST_ROOTS", str(tmp_path))
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "good.txt").write_text(inputs.scraped_page(3, "fr"), encoding="utf-8")
    (folder / "broken.json").write_text('{"title": "x", "text": ', encoding="utf-8")
    at = _run("pages/ingest.py")
    at.text_input(key="ingest_folder").input(str(folder)).run()
    at.button(key="ingest_read_folder").click().run()
    job = jobs.job("ingest")  # the page's job, from the registry every session reads
    assert job is not None, "the Ingest page started no background job"
    assert job.wait(timeout=60), "the ingest job did not finish within 60 s"
    state = job.progress()
    assert state.state == "done", f"the ingest job ended {state.state}: {state.error}"
    at.run()
    assert not at.exception
    assert _selected(at)[0] == 1
    rejected = at.dataframe[-1].value
    assert any("broken.json" in path for path in rejected["path"])


def test_the_reader_marks_each_mention_where_the_store_says_it_is(app_with_db):
    # Where each mention ends is left in the mentions frame's file and read for the one article
    # shown (ui/corpus.py _LEFT_IN_FILE): the marks must be the stored spans, to the character.
    engine = database.connect(f"sqlite:///{app_with_db}")
    _run()
    articles = reads.load_articles(engine)
    url = f"sqlite:///{app_with_db}"
    version = pipeline.dictionary_version(store_corrections.load(engine))
    actors, mentions, _ = frames.cached_actor_frames(engine, lambda: None, version, config.frames_cache_dir(url))
    names = dict(actors[["actor_id", "name"]].itertuples(index=False, name=None))
    counts = mentions.dropna(subset=["actor_id"]).groupby("article_id").size()
    for article_id in counts.sort_values().index[-3:]:
        article = articles.set_index("article_id").loc[article_id]
        own = mentions[(mentions["article_id"] == article_id) & mentions["actor_id"].notna()]
        marks = [(m.field, int(m.start), int(m.end), names.get(m.actor_id, m.surface)) for m in own.itertuples()]
        at = _run("pages/articles.py", article=article_id)
        shown = [m.value for m in at.markdown if "geowire-article" in m.value][0]
        title = None if pd.isna(article["title"]) else article["title"]
        language = None if pd.isna(article["language"]) else article["language"]
        expected = text.article_html(title, article["text"], language, marks)
        marked = re.compile(r"<mark class='geowire-mention'[^>]*>(.*?)</mark>")  # the names on hover aside
        assert marked.findall(shown) == marked.findall(expected) and marked.findall(shown)
        assert marked.sub("", shown) == marked.sub("", expected)
