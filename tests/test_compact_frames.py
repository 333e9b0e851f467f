"""Issue 23, item 1: the dashboard holds the mentions' and mentioned dates' repeated ids and words
as categoricals with sorted categories, and their offsets and counts in 32 bits
(``ui.corpus._HELD_DTYPES``, ``frame_cache._read_file``). Every page's analysis, the Reader's
tables and the exports give exactly what they give from the frames read as stored, on the
sample corpus."""
from __future__ import annotations

import dataclasses

import networkx
import numpy as np
import pandas as pd
import pytest

from core import config, pipeline, schema
from core.actors import corrections, frames
from core.analysis import (actor_search, cooccurrence, filtering, mention_index, passages, ranking, reading, sources,
                           story_grouping, timelines)
from core.export import articles as export_articles
from core.store import batches, corrections as store_corrections, database, frame_cache, translation_memory
from core.translate import translated
from tests import sample_corpus
from ui import corpus


@dataclasses.dataclass(frozen=True)
class Held:
    articles: pd.DataFrame
    actors: pd.DataFrame
    plain: tuple[pd.DataFrame, pd.DataFrame]  # mentions, dates as strings
    compact: tuple[pd.DataFrame, pd.DataFrame]  # the same, as the dashboard holds them
    aliases: pd.DataFrame
    sentence: pd.Series  # of every mention (left in the file by the dashboard)


@pytest.fixture(scope="module")
def held(sample_ingest, tmp_path_factory) -> Held:
    """The sample corpus's frames read from its frame files as the dashboard reads them, with the
    categorical columns and without (the same files)."""
    url = f"sqlite:///{sample_ingest.copy(tmp_path_factory.mktemp('compact'))}"
    engine = database.connect(url)
    cache = config.frames_cache_dir(url)
    stored = store_corrections.load(engine)
    version = pipeline.dictionary_version(stored)
    dictionary = corrections.with_corrections(sample_corpus.dictionary(), stored)
    columns = {"mentions": [c for c in batches.empty_mentions().columns if c not in corpus._LEFT_IN_FILE]}
    actors, mentions, dates = frames.cached_actor_frames(engine, lambda: dictionary, version, cache, columns)
    _, lean, lean_dates = frames.cached_actor_frames(engine, lambda: dictionary, version, cache, columns, corpus._HELD_DTYPES)
    sentence = frames.cached_actor_frames(engine, lambda: dictionary, version, cache)[1]["sentence"]
    articles = translated.with_translations(frame_cache.cached_articles(engine, cache),
                                            translation_memory.load_translations(engine, "en"), "en")
    engine.dispose()
    return Held(filtering.filter_articles(articles, filtering.Filters()), actors, (mentions, dates), (lean, lean_dates),
                dictionary.aliases, sentence)


def _same(new, old, where: str = "") -> None:
    """Equal values, dtypes and order, through the dataclasses, tuples and dicts a function gives."""
    if isinstance(old, pd.DataFrame):
        pd.testing.assert_frame_equal(new, old, obj=where or "DataFrame")
    elif isinstance(old, pd.Series):
        pd.testing.assert_series_equal(new, old, obj=where or "Series")
    elif isinstance(old, pd.Index):
        pd.testing.assert_index_equal(new, old, obj=where or "Index")
    elif isinstance(old, np.ndarray):
        np.testing.assert_array_equal(new, old, err_msg=where)
    elif dataclasses.is_dataclass(old):
        for field in dataclasses.fields(old):
            if not field.name.startswith("_"):
                _same(getattr(new, field.name), getattr(old, field.name), f"{where}.{field.name}")
    elif isinstance(old, (tuple, list)):
        assert len(new) == len(old), where
        for number, (a, b) in enumerate(zip(new, old)):
            _same(a, b, f"{where}[{number}]")
    elif isinstance(old, networkx.Graph):
        assert list(new.nodes(data=True)) == list(old.nodes(data=True)), where
        assert list(new.edges(data=True)) == list(old.edges(data=True)), where
    elif isinstance(old, dict):
        assert new.keys() == old.keys(), where
        for key in old:
            _same(new[key], old[key], f"{where}[{key!r}]")
    else:
        assert new == old, where


def test_the_held_columns_are_categoricals_of_the_same_values_sorted(held):
    for plain, compact, name in zip(held.plain, held.compact, ("mentions", "dates")):
        assert len(plain) > 50
        for column in [c for c, dtype in corpus._HELD_DTYPES[name].items() if dtype == "category"]:
            values = compact[column]
            assert isinstance(values.dtype, pd.CategoricalDtype), column
            assert values.cat.categories.is_monotonic_increasing and values.cat.categories.is_unique, column
            assert values.cat.categories.dtype == plain[column].dtype, column
        assert compact["start"].dtype == "int32" and plain["start"].dtype == "int64"
        pd.testing.assert_frame_equal(schema.as_read(compact), plain)
    assert held.compact[0].memory_usage(deep=True).sum() < held.plain[0].memory_usage(deep=True).sum() / 2


def test_the_mention_index_is_the_same(held):
    _same(mention_index.MentionIndex.build(held.compact[0]), mention_index.MentionIndex.build(held.plain[0]), "index")


def test_every_page_analysis_is_the_same(held):
    articles, actors = held.articles, held.actors
    (mentions, dates), (lean, lean_dates) = held.plain, held.compact
    named = list(mentions["actor_id"].value_counts().index[:4])
    some = articles.iloc[::3]
    selections = [articles, some, filtering.filter_articles(articles, filtering.Filters(actors=tuple(named[:2])), mentions),
                  filtering.filter_articles(articles, filtering.Filters(actors=tuple(named[:2]), actor_match="all"), mentions),
                  filtering.filter_articles(articles, filtering.Filters(actor_types=("country",)), mentions, actors)]
    assert len(selections[2]) > len(selections[3]) > 0
    for number, filters in enumerate([filtering.Filters(actors=tuple(named[:2])),
                                      filtering.Filters(actors=tuple(named[:2]), actor_match="all"),
                                      filtering.Filters(actor_types=("person", "organisation"), languages=("en", "ru"))]):
        _same(filtering.filter_articles(articles, filters, lean, actors), filtering.filter_articles(articles, filters, mentions, actors),
              f"filter {number}")
    for number, chosen in enumerate(selections):
        calls = {
            "top_actors": lambda m, d: ranking.top_actors(chosen, m, actors, limit=30),
            "top_actors without spellings": lambda m, d: ranking.top_actors(chosen, m, actors, limit=200, with_spellings=False),
            "network": lambda m, d: cooccurrence.cooccurrence_network(chosen, m, actors),
            "ego network": lambda m, d: cooccurrence.cooccurrence_network(chosen, m, actors, ego=named[0]),
            "attention share": lambda m, d: sources.attention_share(chosen, m, actors),
            "attention": lambda m, d: timelines.attention(chosen, m, actors, named[:3], "day"),
            "together": lambda m, d: timelines.together(chosen, m, actors, named[:2], "week"),
            "mentioned dates": lambda m, d: timelines.mentioned_dates_timeline(chosen, d),
            "stories": lambda m, d: story_grouping.story_groups(chosen, m, actors),
            "passages": lambda m, d: passages.outlet_passages(chosen, m, named[1], 3, 2),
            "actor mentions": lambda m, d: passages.actor_mentions(chosen, m, named[0]),
        }
        for label, call in calls.items():
            _same(call(lean.assign(sentence=held.sentence), lean_dates), call(mentions.assign(sentence=held.sentence), dates),
                  f"{label} of selection {number}")
    _same(ranking.spellings(lean), ranking.spellings(mentions), "spellings")
    _same(story_grouping.story_labels(articles, lean), story_grouping.story_labels(articles, mentions), "story labels")


def test_the_reader_the_exports_and_the_actor_box_are_the_same(held):
    articles, actors = held.articles, held.actors
    (mentions, dates), (lean, lean_dates) = held.plain, held.compact
    for article_id in articles["article_id"].iloc[:40]:
        _same(reading.article_actors(lean, actors, article_id), reading.article_actors(mentions, actors, article_id), article_id)
    exported = articles.head(60)
    _same(export_articles.article_table(exported, actors, lean, lean_dates),
          export_articles.article_table(exported, actors, mentions, dates), "export")
    _same(actor_search.build_index(actors, lean, held.aliases, corpus.SPELLING_KEYS),
          actor_search.build_index(actors, mentions, held.aliases, corpus.SPELLING_KEYS), "spelling index")
    actor_id = mentions["actor_id"].mode()[0]
    _same(passages.actor_sentences(articles, lean.assign(sentence=held.sentence), actor_id),
          passages.actor_sentences(articles, mentions.assign(sentence=held.sentence), actor_id), "actor sentences")
    shown = [passages.outlet_passages(articles, m.assign(sentence=held.sentence), actor_id, 3, 2).shown for m in (lean, mentions)]
    _same(translated.translated_passages(shown[0], articles), translated.translated_passages(shown[1], articles), "translated")


def test_factorized_and_positions_read_categoricals_as_their_values():
    values = pd.Series(["b", None, "a", "c", "b", "", None], dtype="str")
    unsorted = values.astype(pd.CategoricalDtype(pd.Index(["c", "zz", "b", "a", ""], dtype="str")))
    for fill in (None, "", "0"):
        codes, uniques = mention_index.factorized(unsorted, fill=fill)
        expected_codes, expected = pd.factorize(values if fill is None else values.fillna(fill), sort=True)
        np.testing.assert_array_equal(codes, expected_codes)
        pd.testing.assert_index_equal(uniques, pd.Index(expected))
    held = values.astype(pd.CategoricalDtype(pd.Index(["", "a", "b", "c"], dtype="str")))  # as read: sorted, all used
    for fill in (None, ""):
        codes, uniques = mention_index.factorized(held, fill=fill)
        expected_codes, expected = pd.factorize(values if fill is None else values.fillna(fill), sort=True)
        np.testing.assert_array_equal(codes, expected_codes)
        pd.testing.assert_index_equal(uniques, pd.Index(expected))
    keys = pd.Series(["c", "a", "x"], dtype="str")
    np.testing.assert_array_equal(mention_index.positions(unsorted, keys), [-1, -1, 1, 0, -1, -1, -1])
    np.testing.assert_array_equal(mention_index.positions(unsorted, keys), mention_index.positions(values, keys))
    np.testing.assert_array_equal(mention_index.positions(keys, unsorted.drop_duplicates().dropna()), [2, 1, -1])


def test_story_labels_by_the_held_ids_share_them_and_give_the_same_stories(held):
    articles, (mentions, _), (lean, _) = held.articles, held.plain, held.compact
    labels = story_grouping.story_labels(articles, mentions)
    shared = corpus.by_held_ids(labels, articles)
    assert shared.index.array._pa_array.chunks[0].buffers()[2].address == \
        articles["article_id"].array._pa_array.chunks[0].buffers()[2].address, "the ids were copied"
    _same(shared.sort_index(), labels.sort_index(), "labels")
    for chosen in (articles, articles.iloc[::3]):
        _same(story_grouping.story_groups(chosen, lean, held.actors, labels=shared),
              story_grouping.story_groups(chosen, mentions, held.actors, labels=labels), "stories")
    assert corpus.by_held_ids(labels.iloc[1:], articles) is not None
    pd.testing.assert_series_equal(corpus.by_held_ids(labels.iloc[1:], articles), labels.iloc[1:])
