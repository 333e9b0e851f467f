"""The dashboard's pages, headless, with streamlit.testing."""
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
