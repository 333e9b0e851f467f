"""Issue 23, item 1: the dashboard leaves the mentioned dates' sentences in their frame file, holds a
64-bit key of each (``frame_files.keys``) and reads the sentences of the rows it shows
(``Corpus.date_sentences``). The Timeline's mentioned dates (with their quoted sentences), the
Reader's dates table and the export's mentioned dates are identical from the frames as the
dashboard holds them and from the frames as stored, and the pages pass the reader on."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core import config, pipeline, schema
from core.actors import corrections, frames
from core.analysis import filtering, reading, timelines
from core.charts import over_time
from core.export import articles as export_articles
from core.store import (corrections as store_corrections, database, frame_cache, frame_files, reads,
                        translation_memory)
from core.translate import translated
from tests import sample_corpus
from ui import corpus

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@dataclasses.dataclass(frozen=True)
class Frames:
    articles: pd.DataFrame
    actors: pd.DataFrame
    stored: tuple[pd.DataFrame, pd.DataFrame]  # mentions, dates as read from their files, every column
    held: corpus.Corpus  # as the dashboard holds them


@pytest.fixture(scope="module")
def both(sample_ingest, tmp_path_factory) -> Frames:
    url = f"sqlite:///{sample_ingest.copy(tmp_path_factory.mktemp('dates-sentences'))}"
    engine = database.connect(url)
    cache = config.frames_cache_dir(url)
    stored = store_corrections.load(engine)
    dictionary = corrections.with_corrections(sample_corpus.dictionary(), stored)
    actors, mentions, dates = frames.cached_actor_frames(engine, lambda: dictionary, pipeline.dictionary_version(stored), cache)
    held = corpus._actor_frames(engine, url, database.revision(engine))
    found, lean, lean_dates, sentences, date_sentences = (held.actors, held.mentions, held.dates, held.sentences,
                                                          held.date_sentences)
    articles = translated.with_translations(frame_cache.cached_articles(engine, cache),
                                            translation_memory.load_translations(engine, "en"), "en")
    engine.dispose()
    articles = filtering.filter_articles(articles, filtering.Filters())
    return Frames(articles, actors, (mentions, dates),
                  corpus.Corpus(articles, found, lean, lean_dates, "en", sentences, date_sentences))


def test_the_dashboard_holds_a_key_of_each_sentence_not_the_sentence(both):
    dates, held = both.stored[1], both.held.dates
    assert len(dates) > 50 and dates["sentence"].notna().sum() > 50
    assert "sentence" not in held.columns and held["sentence_key"].dtype == np.int64
    # Equal sentences (their surfaces where none was stored), equal keys; different ones, different keys.
    written = dates["sentence"].fillna(dates["surface"]).to_numpy()
    assert pd.factorize(held["sentence_key"])[0].tolist() == pd.factorize(written)[0].tolist()
    assert held.memory_usage(deep=True).sum() < dates.memory_usage(deep=True).sum() / 2
    rows = np.array([len(dates) - 1, 0, 7, 7, 3])
    assert both.held.date_sentences(rows).tolist() == dates["sentence"].take(rows).tolist()


def test_the_mentioned_dates_timeline_is_the_same(both):
    articles, (_, dates), held = both.articles, both.stored, both.held
    chosen = [articles, articles.iloc[::3], articles[articles["language"] == "ru"], articles[articles["language"] == "de"],
              filtering.filter_articles(articles, filtering.Filters(date_from=articles["published"].dropna().median().date()))]
    for number, selection in enumerate(chosen):
        for samples in (1, 3, 50):
            expected = timelines.mentioned_dates_timeline(selection, dates, samples)
            found = timelines.mentioned_dates_timeline(selection, held.dates, samples, sentences=held.date_sentences)
            pd.testing.assert_frame_equal(found, expected, obj=f"selection {number}, {samples} sample(s)")
    quoted = timelines.mentioned_dates_timeline(articles, dates, 50)["sentences"].explode()
    assert quoted.nunique() > 20, "the sample corpus quotes many sentences"
    with pytest.raises(ValueError, match="sentences="):
        timelines.mentioned_dates_timeline(articles, held.dates)


def test_the_readers_dates_and_the_export_are_the_same(both):
    articles, actors, (mentions, dates), held = both.articles, both.actors, both.stored, both.held
    with_dates = dates["article_id"].value_counts()
    assert with_dates.max() > 1
    for article_id in [*with_dates.index[:30], articles["article_id"][~articles["article_id"].isin(dates["article_id"])].iloc[0]]:
        # What the Reader showed before the sentences left the server.
        before = schema.as_read(dates[dates["article_id"] == article_id])[["date", "kind", "surface", "sentence"]]
        pd.testing.assert_frame_equal(reading.article_dates(held.dates, article_id, held.date_sentences), before, obj=article_id)
        pd.testing.assert_frame_equal(reading.article_dates(dates, article_id), before, obj=article_id)
    exported = pd.concat([articles[articles["article_id"].isin(with_dates.index[:40])], articles.head(40)])
    expected = export_articles.article_table(exported, actors, mentions, dates)
    found = export_articles.article_table(exported, actors, held.mentions, held.dates, held.date_sentences)
    assert sum(map(len, expected["mentioned_dates"])) > 40
    assert [[dataclasses.astuple(d) for d in days] for days in found["mentioned_dates"]] == \
        [[dataclasses.astuple(d) for d in days] for days in expected["mentioned_dates"]]
    pd.testing.assert_frame_equal(found.drop(columns=["actors", "mentioned_dates"]),
                                  expected.drop(columns=["actors", "mentioned_dates"]))
    with pytest.raises(ValueError, match="date_sentences="):
        export_articles.article_table(exported, actors, held.mentions, held.dates)


def test_missing_and_repeated_sentences_are_quoted_as_when_held(tmp_path):
    """A date without a sentence is quoted by its surface, and a sentence quoted once a day, however
    often the day's articles repeat it (or write it as another date's surface)."""
    articles = pd.DataFrame({"article_id": ["a1", "a2", "a3", "a4", "a5"], "source": ["S", "S", "T", "U", "U"],
                             "language": ["en", "en", "de", "fr", None]})
    day, other = pd.Timestamp("2024-05-01"), pd.Timestamp("2024-05-02")
    rows = [("a1", day, "1 May", "On 1 May it began."), ("a2", day, "May 1", None),
            ("a3", day, "1. Mai", "On 1 May it began."), ("a4", day, "1er mai", "May 1"),
            ("a5", day, "mai", "Le 1er mai."), ("a1", other, "2 May", "Then 2 May."), ("a1", other, "2 May", "Then 2 May."),
            ("a2", other, "May 2", None), ("a9", other, "2 May", "Not selected.")]
    dates = pd.DataFrame(rows, columns=["article_id", "date", "surface", "sentence"]).astype(
        {"article_id": "str", "surface": "str", "sentence": "str", "date": "datetime64[us]"})
    path = tmp_path / "dates.parquet"
    dates.to_parquet(path, row_group_size=4)  # the rows quoted lie in several row groups
    held = dates.drop(columns="sentence").assign(sentence_key=frame_files.keys(path, "sentence", "surface"))
    read = lambda rows: frame_files.read_rows(path, "sentence", rows)  # noqa: E731
    for samples in (1, 2, 3, 10):
        for chosen in (articles, articles.iloc[[1, 3, 4]]):
            pd.testing.assert_frame_equal(timelines.mentioned_dates_timeline(chosen, held, samples, sentences=read),
                                          timelines.mentioned_dates_timeline(chosen, dates, samples))
    quoted = timelines.mentioned_dates_timeline(articles, held, 10, sentences=read)["sentences"].tolist()
    assert quoted == [["On 1 May it began.", "May 1", "Le 1er mai."], ["Then 2 May.", "May 2"]]
    # Rows of the frame (its index labels: the file's row numbers), as the Reader and the export ask.
    shown = reading.article_dates(held.assign(kind="absolute"), "a2", read)
    assert shown.index.tolist() == [1, 7] and shown["sentence"].isna().all()


def _hover(figures: list[dict]) -> list[str]:
    [chart] = [f for f in figures if f["data"] and f["data"][0].get("name") == "Mentioned day"]
    return chart["data"][0]["hovertext"]


def test_the_pages_read_the_sentences_they_show(app_with_db):
    """The Timeline's mentioned dates and the Reader's dates tab on a store whose frames leave the
    sentences in their file: a page that did not pass the reader on would fail here."""
    url = f"sqlite:///{app_with_db}"
    engine = database.connect(url)
    dates = corpus._actor_frames(engine, url, database.revision(engine)).dates
    stored = frames.cached_actor_frames(engine, lambda: None, pipeline.dictionary_version(store_corrections.load(engine)),
                                        config.frames_cache_dir(url))[2]
    articles = frame_cache.cached_articles(engine, config.frames_cache_dir(url))
    engine.dispose()
    assert "sentence" not in dates.columns and "sentence" in stored.columns

    timeline = AppTest.from_file(APP, default_timeout=180)
    timeline.run()
    timeline.switch_page("pages/timeline.py").run()
    timeline.session_state["timeline_view"] = "Dates the articles mention"
    timeline.run()
    assert not timeline.exception, [e.value for e in timeline.exception]
    caption = next(c.value for c in timeline.caption if " of " in c.value and "articles ·" in c.value)
    assert caption.startswith(f"{len(articles)} of {len(articles)} articles"), caption
    sent = [json.loads(chart.proto.json) for chart in timeline.get("bidi_component")
            if chart.proto.component_name.endswith("geowire_plotly")]
    expected = over_time.mentioned_dates_chart(timelines.mentioned_dates_timeline(articles, stored))
    assert _hover([json.loads(data["figure"]) for data in sent if "figure" in data]) == list(expected.data[0].hovertext)

    article_id = dates["article_id"].value_counts().index[0]
    reader = AppTest.from_file(APP, default_timeout=180)
    reader.query_params["article"] = article_id
    reader.run()
    reader.switch_page("pages/articles.py").run()
    assert not reader.exception, [e.value for e in reader.exception]
    [shown] = [frame.value for frame in reader.dataframe if "sentence" in frame.value.columns]
    assert shown["sentence"].tolist() == stored.loc[stored["article_id"] == article_id, "sentence"].tolist()
    assert len(shown) > 1


def test_the_download_menu_exports_the_sentences(app_with_db, monkeypatch):
    """The Overview's "Download data" (JSON: every mentioned date with its first sentence) on a store
    whose frames leave the sentences in their file, as the command line's export writes them."""
    made = {}
    draw = st.download_button

    def recording(label, data=None, file_name=None, **kwargs):
        made[label] = data
        return draw(label, data=data, file_name=file_name, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["lang"] = "ru"
    at.run()
    at.session_state["data-overview"] = True  # as a click on "Download data" does
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    exported = json.loads(made["Data as JSON"]())
    exported = exported["articles"]
    url = f"sqlite:///{app_with_db}"
    engine = database.connect(url)
    actors, mentions, dates = frames.cached_actor_frames(engine, lambda: None, pipeline.dictionary_version(
        store_corrections.load(engine)), config.frames_cache_dir(url))
    articles = translated.with_translations(reads.load_articles(engine), translation_memory.load_translations(engine, "en"), "en")
    assert "sentence" not in corpus._actor_frames(engine, url, database.revision(engine)).dates.columns
    engine.dispose()
    ids = [row["article_id"] for row in exported]
    expected = export_articles.article_table(articles.set_index("article_id").loc[ids].reset_index()[articles.columns],
                                             actors, mentions, dates)
    written = [[{"date": d.date, "sentence": d.sentence} for d in days] for days in expected["mentioned_dates"]]
    assert sum(map(len, written)) > 5 and any(d["sentence"] for days in written for d in days)
    assert [row["mentioned_dates"] for row in exported] == written


def test_a_store_without_a_frames_folder_keeps_the_sentences(sample_ingest, tmp_path, monkeypatch):
    """Read from the store's tables (no frame files to read the sentences from), the dates keep their
    sentences and there is no reader, as for the mentions."""
    url = f"sqlite:///{sample_ingest.copy(tmp_path)}"
    monkeypatch.setattr(config, "frames_cache_dir", lambda url, environ=None: None)
    engine = database.connect(url)
    held = corpus._actor_frames(engine, url, database.revision(engine))
    mentions, dates, sentences, date_sentences = held.mentions, held.dates, held.sentences, held.date_sentences
    engine.dispose()
    assert "sentence" in dates.columns and "sentence" in mentions.columns and sentences is date_sentences is None
    assert dates["sentence"].notna().sum() > 50
