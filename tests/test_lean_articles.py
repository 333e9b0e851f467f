"""Issue 23, item 1: the dashboard holds its articles without their titles and URLs, which stay in
the articles' frame file and are read by position for the rows a page shows or exports
(``ui.corpus.LEFT_IN_FRAME``, ``ui.article_columns.with_titles``, ``frame_files.read_columns``).
Every page that shows titles or URLs, and every analysis and table that uses them, gives what it
gives with the frame held whole (a store without a frames folder holds it so), on the sample
corpus with translated titles."""
from __future__ import annotations

import dataclasses
import datetime as dt
import shutil

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
import streamlit as st

from core import config, pipeline, schema
from core.analysis import filtering, passages, reading, story_grouping, text_search
from core.export import articles as export_articles
from core.store import alerts as store_alerts, database, frame_cache, frame_files, translation_memory
from core.translate import translated
from tests import pages, sample_corpus
from ui import article_columns, corpus

TARGET = "en"


def _translate_some(url: str) -> None:
    """Translated titles for a few articles not in English (one failed), as a translation run leaves them."""
    engine = database.connect(url)
    stored = frame_cache.cached_articles(engine, None)
    foreign = stored[stored["language"].ne(TARGET).fillna(True)]["article_id"].tolist()
    for number, article_id in enumerate(foreign[:12]):
        if number == 11:
            translation_memory.save_translation(engine, article_id, TARGET, "fake", None, None, "failed", "HTTP 500")
        else:
            translation_memory.save_translation(engine, article_id, TARGET, "fake", f"Translated headline {number}",
                                                f"Translated text {number}", translated.STATUS_TRANSLATED, None)
    engine.dispose()


@dataclasses.dataclass(frozen=True)
class Frames:
    lean: pd.DataFrame  # as the dashboard holds it
    whole: pd.DataFrame  # the same articles with their titles and URLs held, as before
    data: corpus.Corpus


@pytest.fixture
def frames(app_with_db, monkeypatch) -> Frames:
    monkeypatch.setattr(pipeline, "load_dictionary", sample_corpus.dictionary)
    url = f"sqlite:///{app_with_db}"
    _translate_some(url)
    st.cache_resource.clear()
    data = corpus.current()
    engine = database.connect(url)
    held = [c for c in schema.ARTICLE_COLUMNS if c not in corpus.LEFT_IN_STORE]
    whole = translated.with_translations(frame_cache.cached_articles(engine, config.frames_cache_dir(url), held),
                                         translation_memory.load_translations(engine, TARGET), TARGET)
    engine.dispose()
    yield Frames(data.articles, filtering.filter_articles(whole, filtering.Filters()), data)
    st.cache_resource.clear()


def test_the_frame_holds_no_title_or_url_and_gives_them_back_as_held_whole(frames):
    lean, whole = frames.lean, frames.whole
    assert not set(corpus.LEFT_IN_FRAME) & set(lean.columns) and lean[corpus.FRAME_ROW].dtype == np.int32
    assert (whole["translation_status"] == "translated").sum() == 11 and whole["translation_error"].notna().sum() == 1
    pd.testing.assert_frame_equal(lean.drop(columns=corpus.FRAME_ROW), whole.drop(columns=list(corpus.LEFT_IN_FRAME)))
    pd.testing.assert_frame_equal(article_columns.with_titles(lean), whole)
    some = lean.iloc[[40, 3, 17, 3, 0]]  # any rows, in any order, with their own index
    pd.testing.assert_frame_equal(article_columns.with_titles(some), whole.iloc[[40, 3, 17, 3, 0]])
    size = whole.memory_usage(deep=True, index=False)
    assert lean.memory_usage(deep=True, index=False).sum() == size.sum() - size["title"] - size["url"] + 4 * len(lean)


def test_titles_are_read_from_the_store_when_the_frame_file_is_no_longer_the_stores(frames, monkeypatch):
    def unread(*args, **kwargs):
        raise FileNotFoundError("removed")
    some = frames.lean.iloc[5:25]
    with monkeypatch.context() as patched:
        patched.setattr(frame_files, "read_columns", unread)
        pd.testing.assert_frame_equal(article_columns.with_titles(some), frames.whole.iloc[5:25])
    # positions that are another article's in the file read now (the store has changed since)
    moved = some.assign(**{corpus.FRAME_ROW: some[corpus.FRAME_ROW].to_numpy()[::-1]})
    pd.testing.assert_frame_equal(article_columns.with_titles(moved), frames.whole.iloc[5:25])


def test_rows_are_read_from_several_row_groups_in_the_order_asked(tmp_path):
    frame = pd.DataFrame({"article_id": [f"a{n}" for n in range(23)], "title": [f"t{n}" if n % 5 else None for n in range(23)]})
    frame = frame.astype("string")
    with frame_files.ParquetFrames(tmp_path / "f.parquet", frame.iloc[:0]) as out:
        for start in range(0, 23, 4):
            out.write(frame.iloc[start:start + 4])
    rows = np.array([22, 0, 5, 5, 13, 4, 21])
    pd.testing.assert_frame_equal(frame_files.read_columns(tmp_path / "f.parquet", ["article_id", "title"], rows),
                                  frame.iloc[rows].reset_index(drop=True))
    assert frame_files.read_columns(tmp_path / "f.parquet", ["title"], np.array([], dtype=int)).empty


def _same(new, old, where: str) -> None:
    if isinstance(old, pd.DataFrame):
        pd.testing.assert_frame_equal(new, old, obj=where)
    elif isinstance(old, tuple):
        for number, (a, b) in enumerate(zip(new, old, strict=True)):
            _same(a, b, f"{where}[{number}]")
    else:
        pd.testing.assert_series_equal(new, old, obj=where)


def test_every_analysis_and_table_using_titles_is_the_same(frames):
    lean, whole, data = frames.lean, frames.whole, frames.data
    named = list(data.mentions["actor_id"].astype("string").value_counts().index[:3])
    lookup = corpus.text_lookup(lean)
    some = [filtering.Filters(), filtering.Filters(languages=("ru", "ar", "fa")), filtering.Filters(actors=tuple(named[:2])),
            filtering.Filters(query="Iran OR headline"), filtering.Filters(query='"Translated headline" OR Россия')]
    labels = corpus.story_labels(data)
    mentions = data.mentions.assign(sentence=data.sentences(np.arange(len(data.mentions))))
    for number, chosen in enumerate(some):
        rows = filtering.selected_rows(lean, chosen, data.mentions, data.actors, lookup)
        assert list(rows) == list(filtering.selected_rows(whole, chosen, data.mentions, data.actors, corpus.text_lookup())), number
        assert len(rows) > 0, number
        mine, theirs = filtering.rows_of(lean, rows), filtering.rows_of(whole, rows)
        calls = {
            "overview's newest": lambda a, t: t(a.head(15))[["published", "source", "language", "title", "title_translated"]],
            "reader's table": lambda a, t: t(a.head(40))[["published", "source", "language", "title", "translation_status"]],
            "stories of the timeline": lambda a, t: story_grouping.story_groups(a, data.mentions, data.actors, labels=labels,
                                                                               limit=20, with_titles=t),
            "stories of the selection": lambda a, t: story_grouping.story_groups(a, data.mentions, data.actors, with_titles=t),
            "passages": lambda a, t: passages.outlet_passages(a, data.mentions, named[0], 4, 3, data.sentences, with_titles=t),
            "every passage": lambda a, t: passages.actor_sentences(a, mentions, named[1], with_titles=t),
            "export": lambda a, t: export_articles.article_table(article_columns.with_texts(a.head(30)), data.actors,
                                                                 data.mentions, data.dates, data.date_sentences),
        }
        for label, call in calls.items():
            _same(call(mine, article_columns.with_titles), call(theirs, article_columns.with_titles), f"{label} of selection {number}")
    groups = story_grouping.story_groups(lean, data.mentions, data.actors, with_titles=article_columns.with_titles)
    assert groups["title_translated"].any() and groups["title"].str.startswith("Translated headline").any()
    for article_id in whole.loc[whole["duplicate_of"].notna(), "article_id"]:
        _same(article_columns.with_titles(reading.copies_elsewhere(lean, article_id)), reading.copies_elsewhere(whole, article_id),
              f"copies of {article_id}")
    assert text_search.matches(lean, "Translated", lookup=lookup).sum() == 11


# --- the pages, with the frame held lean and held whole (a store without a frames folder) -------

def _shown(page: str, **query) -> dict:
    """What a page shows that can carry a title or a URL."""
    at = pages.opened(page, **query)
    return {"markdown": [m.value for m in at.markdown], "captions": [c.value for c in at.caption],
            "tables": [frame.value for frame in at.dataframe],
            "links": [(link.proto.label, link.proto.page, link.proto.query_string) for link in at.get("page_link")],
            "options": [box.options for box in at.selectbox]}


PAGES_WITH_TITLES = [("pages/overview.py", {}), ("pages/articles.py", {}), ("pages/sources.py", {}),
                     ("pages/timeline.py", {"timeline_view": "Stories in several outlets"}), ("pages/translation.py", {}),
                     ("pages/articles.py", {"lang": "ru"}), ("pages/alerts.py", {})]


def _fire_an_alert(url: str) -> None:
    """An alert on the articles naming Iran, which the Alerts page lists by title."""
    engine = database.connect(url)
    rule = store_alerts.add_rule(engine, store_alerts.Rule(name="Iran", actors=("Q794",)),
                                 dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    with engine.connect() as conn:
        ids = list(conn.execute(sa.select(schema.mentions.c.article_id).where(schema.mentions.c.actor_id == "Q794")
                                .distinct().order_by(schema.mentions.c.article_id).limit(4)).scalars())
    store_alerts.record(engine, store_alerts.Fired(rule, None, tuple(ids), "{articles} new", {}, ()),
                        dt.datetime.now(dt.timezone.utc))
    engine.dispose()


def test_every_page_showing_titles_shows_the_same_as_with_the_frame_held_whole(app_with_db, monkeypatch):
    monkeypatch.setattr(pipeline, "load_dictionary", sample_corpus.dictionary)
    url = f"sqlite:///{app_with_db}"
    _translate_some(url)
    _fire_an_alert(url)
    engine = database.connect(url)
    stored = frame_cache.cached_articles(engine, None)
    engine.dispose()
    # an article with a copy in another outlet: the Reader lists it by title
    copied = stored.loc[stored["duplicate_of"].notna(), "duplicate_of"].iloc[0]
    st.cache_resource.clear()
    pages = [*PAGES_WITH_TITLES, ("pages/articles.py", {"article": copied})]
    lean = [_shown(page, **query) for page, query in pages]
    # The same store without its frames folder: everything held, as a store on a server is.
    st.cache_resource.clear()
    shutil.rmtree(config.frames_cache_dir(f"sqlite:///{app_with_db}"))
    monkeypatch.setattr(config, "frames_cache_dir", lambda url: None)
    whole = [_shown(page, **query) for page, query in pages]
    st.cache_resource.clear()
    for (page, query), mine, theirs in zip(pages, lean, whole):
        for kind in theirs:
            if kind == "tables":
                assert len(mine[kind]) == len(theirs[kind]), (page, query)
                for a, b in zip(mine[kind], theirs[kind]):
                    pd.testing.assert_frame_equal(a, b, obj=f"{page} {query}")
            else:
                assert mine[kind] == theirs[kind], (page, query, kind)
    # The titles are there to compare: the Overview's table, the Reader's, the stories' and the
    # Reader's other outlets, the passages' links to their pages.
    overview, reader, sources, timeline, translation, _, alerts, copies = lean
    assert any("<a href='articles?article=" in m for m in overview["markdown"])
    assert any("title" in table.columns and table["title"].notna().all() for table in reader["tables"])
    assert any("href=" in m and "http" in m for m in sources["markdown"])
    assert any("Translated headline" in option for box in timeline["options"] for option in map(str, box))
    assert any("title" in table.columns for table in translation["tables"])
    assert sum(page == "articles" and "article=" in query for _, page, query in alerts["links"]) == 4
    assert any(page == "articles" and "·" in label for label, page, _ in copies["links"])
