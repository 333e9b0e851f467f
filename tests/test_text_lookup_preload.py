"""Issue 23, item 1: what a server's first text query no longer waits for. The preload binds the
full-text index to the articles frame it holds, and leaves the actors' spelling index (which the
filter bar needs for every text query) building in the background."""
from __future__ import annotations

import threading

import pandas as pd
import pytest

from core import config, pipeline
from core.analysis import actor_search, indexed_search, mention_index, text_search
from core.store import database, frame_cache, text_index
from tests import sample_corpus
from ui import corpus


@pytest.fixture
def preloaded(app_with_db, monkeypatch):
    monkeypatch.setattr(pipeline, "load_dictionary", sample_corpus.dictionary)
    url = f"sqlite:///{app_with_db}"
    frame_cache.text_index(database.connect(url), config.frames_cache_dir(url), indexed_search.documents)
    for cached in (corpus._spelling_index, corpus._bound_lookup):
        cached.clear()
    assert corpus.preload()
    for thread in threading.enumerate():
        if thread.name == "spelling-index":
            thread.join(timeout=120)
    yield app_with_db
    for cached in (corpus._spelling_index, corpus._bound_lookup):
        cached.clear()


def test_the_preload_binds_the_index_to_the_frame_the_pages_search(preloaded, monkeypatch):
    def unread(folder):
        raise AssertionError("the index's ids were read again after the preload")
    monkeypatch.setattr(text_index, "article_ids", unread)
    data = corpus.current()
    lookup = corpus.text_lookup(data.articles)
    assert isinstance(lookup, text_search.RowLookup) and lookup.frame() is data.articles
    found = text_search.matches(data.articles, "Iran", lookup=lookup)
    by_id = text_search.matches(data.articles, "Iran", lookup=corpus.text_lookup())
    assert found.any() and list(found) == list(by_id)


def test_the_spelling_index_is_built_after_the_preload_without_a_page_asking(preloaded, monkeypatch):
    def unbuilt(*args, **kwargs):
        raise AssertionError("the spelling index was built by the page")
    monkeypatch.setattr(actor_search, "build_index", unbuilt)
    index = corpus.spelling_index(corpus.current())
    assert len(index) > 0 and not actor_search.named(["Iran"], index).empty


def test_the_preload_leaves_no_hashing_of_ids_to_the_first_selection(preloaded, monkeypatch):
    # Every selection's article codes and first rows are taken from the held frame's
    # (MentionIndex.remember_rows); the preload works those out, so no filter change does.
    def hashed(*args, **kwargs):
        raise AssertionError("the held articles' ids were hashed after the preload")
    monkeypatch.setattr(mention_index, "positions", hashed)
    monkeypatch.setattr(pd, "factorize", hashed)
    data = corpus.current()
    index = mention_index.of(data.mentions)
    assert (index.article_codes(data.articles) >= 0).any()
    assert len(mention_index.distinct_rows(data.articles)) == len(data.articles)
