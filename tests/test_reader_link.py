"""Issue 23, item 1: the Reader checks the article named in its URL against the store without a set
of every article id on each run (1M strings at a million articles). The article a link names opens
whether or not the filters keep it; an id the store does not have falls back to the newest
selected article; a row chosen in the table replaces the linked one."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.store import database, reads

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _reader(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/articles.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_linked_article_opens_inside_and_outside_the_selection(app_with_db):
    engine = database.connect(f"sqlite:///{app_with_db}")
    articles = reads.load_articles(engine)
    engine.dispose()
    russian = articles[articles["language"] == "ru"]
    other = articles[(articles["language"] != "ru") & articles["title"].notna()].iloc[0]
    assert len(russian) > 3

    inside = _reader(article=russian["article_id"].iloc[2], lang="ru")
    assert inside.session_state["article"] == russian["article_id"].iloc[2]
    assert not any("opened by its link" in c.value for c in inside.caption)

    outside = _reader(article=other["article_id"], lang="ru")
    assert outside.session_state["article"] == other["article_id"]
    assert any("opened by its link" in c.value for c in outside.caption)
    assert any(other["source"] in c.value for c in outside.caption), "its source is in the caption over it"

    unknown = _reader(article="0" * 16, lang="ru")
    assert unknown.session_state["article"] is None, "an id the store does not have is dropped"
    assert "article" not in unknown.query_params
    assert not any("opened by its link" in c.value for c in unknown.caption)

    # A row chosen in the table (its callback sets the article) replaces the linked one.
    chosen = outside.session_state["_reader_rows"][1]
    outside.session_state["article"] = chosen
    outside.run()
    assert outside.query_params["article"] == [chosen] or outside.query_params["article"] == chosen
    assert not any("opened by its link" in c.value for c in outside.caption)
