"""The dashboard's pages, headless, with streamlit.testing."""
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core import ingest, store
from tests import inputs

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def app_with_db(tmp_path, monkeypatch):
    db = tmp_path / "app.db"
    monkeypatch.setenv("GEOWIRE_DB", str(db))
    return db


def _run(**query):
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def test_empty_store_loads_the_sample_corpus(app_with_db):
    at = _run()
    assert not at.exception
    assert at.title[0].value == "Articles"
    engine = store.connect(f"sqlite:///{app_with_db}")
    assert len(store.load_articles(engine)) >= 40
    assert "of" in at.caption[0].value and "articles" in at.caption[0].value


def test_filters_change_what_is_shown(app_with_db):
    at = _run()
    total = int(at.caption[0].value.split(" of ")[1].split()[0])
    at.sidebar.multiselect(key="languages").select("fa").run()
    shown = int(at.caption[0].value.split()[0])
    assert 0 < shown < total
    at.sidebar.text_input(key="query").input("no such phrase anywhere xyzzy").run()
    assert at.info[0].value == "No article matches these filters."


def test_reader_escapes_article_markup_and_sets_direction(tmp_path, app_with_db):
    engine = store.connect(f"sqlite:///{app_with_db}")
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "x.txt").write_text(inputs.scraped_page(1, "ar", title="عنوان <script>alert(1)</script> <img src=x onerror=alert(2)>"),
                                  encoding="utf-8")
    ingest.ingest(engine, [folder], progress=False)
    at = _run()
    at.sidebar.text_input(key="query").input("alert(1)").run()
    html = [m.value for m in at.markdown if "geowire-article" in m.value][0]
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "dir='rtl'" in html


def test_translation_page_runs_a_background_job_and_the_reader_shows_both_texts(app_with_db):
    from tests.fake_libretranslate import FakeLibreTranslate

    at = _run()
    at.switch_page("pages/translation.py").run()
    assert not at.exception
    assert at.title[0].value == "Translation"
    counts = next(c.value for c in at.caption if "waiting for translation" in c.value)
    assert " 0 translated" in counts
    engine = store.connect(f"sqlite:///{app_with_db}")
    with FakeLibreTranslate() as server:
        at.session_state["translation_provider"] = "libre"
        at.session_state["translation_url"] = server.url
        at.run()
        at.button(key="start_translation").click().run()
        for _ in range(120):
            done = store.load_translations(engine, "en")
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
    at.switch_page("pages/articles.py").run()
    at.sidebar.multiselect(key="languages").select("ar").run()
    texts = [m.value for m in at.markdown if "geowire-article" in m.value]
    assert len(texts) == 2  # the original and its translation, side by side
    assert "dir='rtl'" in texts[0] and "[en] " in texts[1] and "dir='ltr'" in texts[1]


def test_reader_marks_untranslated_articles_as_waiting(app_with_db):
    at = _run()
    at.sidebar.multiselect(key="languages").select("fa").run()
    assert not at.exception
    assert any("Waiting for translation into English" in w.value for w in at.warning)
    assert len([m for m in at.markdown if "geowire-article" in m.value]) == 1  # the original stays readable
