"""Issue 23, item 1: the text query at scale. The full-text index answers with the numbers of its
entries, bound once to the articles frame the dashboard holds (``indexed_search.bound``), instead
of article ids compared with the frame's on every query: the selections are the ones the ids and
the scan give, whatever order the frame holds the articles in."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from core import config
from core.analysis import filtering, indexed_search, text_search
from core.store import database, frame_cache, text_index
from tests.test_scale_store import QUERIES
from tests.test_text_search import ARTICLES


@pytest.fixture
def folder(tmp_path):
    source = tmp_path / "articles.parquet"
    pq.write_table(pa.Table.from_pandas(ARTICLES[["article_id", "title", "text"]], preserve_index=False), source)
    text_index.write(source, tmp_path, indexed_search.documents)
    return tmp_path


def _bound(articles, folder):
    return indexed_search.bound(articles, text_index.article_ids(folder), lambda match: text_index.entries(folder, match))


def test_entries_are_the_articles_the_ids_lookup_finds(folder):
    ids = np.array(text_index.article_ids(folder), dtype=object)
    assert list(ids) == list(ARTICLES["article_id"])
    for query in ("tehran", '"vladimir putin"', "иран", "伊朗"):
        match = indexed_search.match(text_search.parse(query).root)
        assert sorted(ids[text_index.entries(folder, match)]) == sorted(text_index.lookup(folder, match)), query


@pytest.mark.parametrize("query", QUERIES)
def test_the_bound_index_finds_what_the_scan_finds_in_any_order_of_the_frame(folder, query):
    # The frame in another order than the index's entries, and one article missing from it.
    held = ARTICLES.drop(columns="text").iloc[[8, 3, 0, 6, 2, 5, 1, 7]].reset_index(drop=True)
    scanned = text_search.matches(ARTICLES.iloc[[8, 3, 0, 6, 2, 5, 1, 7]].reset_index(drop=True), query)
    assert list(text_search.matches(held, query, lookup=_bound(held, folder))) == list(scanned)


def test_a_frame_holding_an_article_twice_finds_both_rows(folder):
    held = ARTICLES.drop(columns="text").iloc[[2, 0, 2, 4]].reset_index(drop=True)
    for query in ("tehran", "teheran", "russia NOT iran"):
        by_id = lambda term: text_index.lookup(folder, indexed_search.match(term))  # noqa: E731
        assert list(text_search.matches(held, query, lookup=_bound(held, folder))) == \
            list(text_search.matches(held, query, lookup=by_id)), query


def test_a_lookup_bound_to_another_frame_is_refused(folder):
    held = ARTICLES.drop(columns="text")
    with pytest.raises(ValueError, match="another articles frame"):
        text_search.matches(held.copy(), "tehran", lookup=_bound(held, folder))


def test_the_dashboard_selection_is_the_same_bound_on_the_sample_corpus(sample_store):
    url = f"sqlite:///{sample_store}"
    engine = database.connect(url)
    cache = config.frames_cache_dir(url)
    articles = filtering.filter_articles(frame_cache.cached_articles(engine, cache), filtering.Filters())
    lean = articles.drop(columns="text")
    folder = frame_cache.text_index(engine, cache, indexed_search.documents)
    assert frame_cache.text_index_written(engine, cache)
    bound = _bound(lean, folder)
    languages = sorted(lean["language"].dropna().unique())
    for query in ("Шойгу", "Iran", "Iran OR Russia", '"prime minister"', "Iran NOT Israel", "نتنياهو", "Ukraine Russia",
                  "Tehran", "minister -Iran"):
        for chosen in ((), tuple(languages[:2])):
            filters = filtering.Filters(query=query, languages=chosen)
            scanned = filtering.selected_rows(articles, filters)
            found = filtering.selected_rows(lean, filters, text_lookup=bound)
            assert list(found) == list(scanned), (query, chosen)


@pytest.mark.parametrize("dtype", ["object", "string[pyarrow]", "category"])
def test_the_frame_ids_may_be_held_in_any_dtype(folder, dtype):
    held = ARTICLES.drop(columns="text").iloc[::-1].reset_index(drop=True)
    held["article_id"] = held["article_id"].astype(dtype)
    scanned = text_search.matches(ARTICLES.iloc[::-1].reset_index(drop=True), "tehran OR kremlin")
    assert list(text_search.matches(held, "tehran OR kremlin", lookup=_bound(held, folder))) == list(scanned)
