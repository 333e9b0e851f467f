"""Issue 23, item 1: a store of millions of articles opened by the dashboard. The server holds the
articles without their texts; the text query is answered by a full-text index (SQLite FTS5) kept
with the frames, and finds what the scan of every text finds; the texts are read from the store
for the articles shown or exported."""
from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from core import config
from core.analysis import filtering, indexed_search, passages, text_search
from core.store import database, frame_cache, reads, text_index
from tests import sample_corpus
from tests.test_text_search import ARTICLES

QUERIES = ["iran", "IRAN", "russia iran", "russia AND iran", "Kremlin OR Shoigu", "russia NOT iran", "russia -iran",
           '"Vladimir Putin"', '"Putin Vladimir"', '"talks in tehran" NOT (shoigu OR putin)', "(Kremlin OR drones) NOT warns",
           "drone", "Iranian OR Iranians", "teheran", "Иран", "иран", "шоигу", "إيران", "ايران", "איראן", "伊朗", "德黑兰",
           "tahran'da", "Tahran'da görüşmeler", "双方", '"в Тегеране"', "drones -gulf"]


@pytest.fixture
def lookup(tmp_path):
    source = tmp_path / "articles.parquet"
    pq.write_table(pa.Table.from_pandas(ARTICLES[["article_id", "title", "text"]], preserve_index=False), source)
    assert text_index.write(source, tmp_path, indexed_search.documents) == len(ARTICLES)
    return lambda term: text_index.lookup(tmp_path, indexed_search.match(term))


@pytest.mark.parametrize("query", QUERIES)
def test_the_index_finds_what_the_scan_finds(lookup, query):
    scanned = text_search.matches(ARTICLES, query)
    looked_up = text_search.matches(ARTICLES.drop(columns="text"), query, lookup=lookup)
    assert list(ARTICLES["article_id"][looked_up]) == list(ARTICLES["article_id"][scanned])


def test_the_index_is_used_and_the_translations_still_scanned(lookup):
    # Without the texts and without the index nothing would find "Tehran" in a3 (its text says
    # Teherán, its translation Tehran): the index answers for the original, the scan for the translation.
    without_text = ARTICLES.drop(columns="text")
    assert list(text_search.matches(without_text, "teheran", lookup=lookup)) == [False, False, True] + [False] * 6
    assert list(text_search.matches(without_text, "tehran", lookup=lookup)) == [True, False, True, True, True, False, True, True, True]
    assert not text_search.matches(without_text[["article_id", "title"]], "Kremlin", lookup=lambda term: [])[1]


def test_the_dashboard_selection_is_the_same_with_the_index_on_the_sample_corpus(sample_store):
    url = f"sqlite:///{sample_store}"
    engine = database.connect(url)
    cache = config.frames_cache_dir(url)
    held = [c for c in frame_cache.cached_articles(engine, cache).columns if c != "text"]
    articles = frame_cache.cached_articles(engine, cache)
    lean = frame_cache.cached_articles(engine, cache, held)
    assert "text" not in lean.columns and len(lean) == len(articles) >= 50
    folder = frame_cache.text_index(engine, cache, indexed_search.documents)
    assert folder.name == f"search-{database.revision(engine)}"

    def lookup(term):
        return text_index.lookup(folder, indexed_search.match(term))
    for query in ("Шойгу", "Iran", "Iran OR Russia", '"prime minister"', "Iran NOT Israel", "نتنياهو", "Ukraine Russia",
                  "Tehran", "minister -Iran"):
        scanned = filtering.filter_articles(articles, filtering.Filters(query=query))
        indexed = filtering.filter_articles(lean, filtering.Filters(query=query), text_lookup=lookup)
        assert list(indexed["article_id"]) == list(scanned["article_id"]), query
        assert query in ("Iran NOT Israel", "minister -Iran") or len(scanned), f"{query} finds nothing in the sample corpus"


def test_texts_are_read_for_the_articles_asked_for(sample_store):
    engine = database.connect(f"sqlite:///{sample_store}")
    stored = reads.load_articles(engine)
    wanted = list(stored["article_id"].iloc[[3, 0, 7]])
    texts = reads.article_columns(engine, wanted + wanted[:1], ["text", "origin_item", "ingested_at"])
    assert sorted(texts["article_id"]) == sorted(wanted)
    expected = stored.set_index("article_id").loc[wanted, ["text", "origin_item", "ingested_at"]]
    pd.testing.assert_frame_equal(texts.set_index("article_id").loc[wanted], expected)
    assert reads.article_columns(engine, [], ["text"]).empty


def test_preparing_the_frames_writes_the_index_and_a_change_of_the_store_makes_a_new_one(sample_store):
    url = f"sqlite:///{sample_store}"
    engine = database.connect(url)
    cache = config.frames_cache_dir(url)
    first = frame_cache.text_index(engine, cache, indexed_search.documents)
    assert (first / text_index.INDEX_FILE).exists()
    with database._writing(engine) as conn:
        database._bump_revision(conn)
    second = frame_cache.text_index(engine, cache, indexed_search.documents)
    assert second != first and (second / text_index.INDEX_FILE).exists() and not first.exists()
    assert len(text_index.lookup(second, indexed_search.match(text_search.parse("Iran").root))) > 0
    assert not any(p.name.startswith(".") for p in cache.iterdir()), "no half-written entry is left"


def test_passages_from_sentence_keys_equal_passages_from_the_sentences(sample_frames):
    """The dashboard holds each mention's sentence as a key and reads the sentences it shows: the
    passages counted and shown, and every passage of the download, are those of the full frame."""
    articles, actors, mentions, _ = sample_frames
    keys = pd.util.hash_array(mentions["sentence"].fillna(mentions["surface"]).to_numpy(dtype=object)).view("int64")
    lean = mentions.drop(columns="sentence").assign(sentence_key=keys)
    asked: list[int] = []

    def sentences(labels):
        asked.append(len(labels))
        return mentions["sentence"].loc[labels].reset_index(drop=True)
    named = mentions["actor_id"].value_counts().index[:5]
    assert len(named) == 5
    for actor_id in named:
        full = passages.outlet_passages(articles, mentions, actor_id, outlets=3, per_outlet=2)
        held = passages.outlet_passages(articles, lean, actor_id, outlets=3, per_outlet=2, sentences=sentences)
        pd.testing.assert_series_equal(held.per_outlet, full.per_outlet)
        pd.testing.assert_frame_equal(held.shown, full.shown)
        assert asked[-1] == len(full.shown) <= 6, "only the shown sentences are read"
        pd.testing.assert_frame_equal(passages.actor_sentences(articles, lean, actor_id, sentences=sentences),
                                      passages.actor_sentences(articles, mentions, actor_id))
    with pytest.raises(ValueError, match="sentence"):
        passages.actor_sentences(articles, lean, named[0])
