"""The shipped sample corpus: what the dashboard shows on first start, checked against the
manifest that describes each article."""
import os

import pandas as pd
import pytest

from core import config
from core.store import database, reads

MANIFEST = config.DATA_DIR / "sample_manifest.csv"


@pytest.fixture(scope="module")
def corpus(sample_ingest, tmp_path_factory):
    """The session's ingest of the corpus (tests/conftest.py): its summary and what it stored."""
    summary = sample_ingest.run.ingested
    articles = reads.load_articles(database.connect(f"sqlite:///{sample_ingest.copy(tmp_path_factory.mktemp('samples'))}"))
    articles["file"] = [os.path.relpath(p, config.SAMPLES_DIR) for p in articles["origin_file"]]
    manifest = pd.read_csv(MANIFEST, keep_default_na=False, dtype=str)
    manifest["item"] = manifest["item"].astype(int)
    joined = manifest.merge(articles, left_on=["file", "item"], right_on=["file", "origin_item"],
                            how="left", suffixes=("_expected", ""))
    return summary, articles, joined


def test_every_article_is_stored(corpus):
    summary, articles, joined = corpus
    assert summary.problems == []
    assert summary.skipped == [str(config.SAMPLES_DIR / "README.md")]
    assert len(articles) == len(joined) >= 40
    assert joined["article_id"].notna().all()


@pytest.mark.parametrize("column", ["title", "source", "language"])
def test_matches_manifest(corpus, column):
    _, _, joined = corpus
    wrong = joined[joined[f"{column}_expected"] != joined[column]]
    assert wrong[["file", "item", f"{column}_expected", column]].to_dict("records") == []


def test_publication_dates_match_manifest(corpus):
    """The manifest gives the outlet's local date; the store keeps UTC, so an article stamped late
    in the evening in Washington ("7:58 p.m. ET") is stored on the next UTC day."""
    _, _, joined = corpus
    expected = pd.to_datetime(joined["published_expected"].replace("", None), utc=True)
    shift = (joined["published"].dt.floor("D") - expected).abs()
    exact = expected.isna() & joined["published"].isna() | (shift == pd.Timedelta(0))
    zone_shift = (joined["published_precision"] == "minute") & (shift <= pd.Timedelta(days=1))
    wrong = joined[~(exact | zone_shift)]
    assert wrong[["file", "item", "published_expected", "published"]].astype(str).to_dict("records") == []


def test_corpus_breadth(corpus):
    _, articles, joined = corpus
    assert articles["language"].nunique() >= 8
    assert set(articles["format"]) == {"text", "html", "rss", "atom", "csv", "tsv", "json", "jsonl"}
    scripts = {"ar": "Arabic", "fa": "Persian", "he": "Hebrew", "ru": "Cyrillic", "uk": "Cyrillic", "en": "Latin"}
    assert {scripts.get(lang) for lang in articles["language"]} >= {"Arabic", "Persian", "Hebrew", "Cyrillic", "Latin"}
    dated = articles["published"].dropna()
    assert (dated.max() - dated.min()).days >= 180
    events = joined[joined["event"] != ""].groupby("event")
    multilingual = [name for name, group in events if len(group) >= 3 and group["language"].nunique() >= 3]
    assert len(multilingual) >= 5


def test_syndicated_copies_are_kept_and_linked(corpus):
    """Whichever of the two outlets' copies is ingested first is the one the other links to."""
    _, _, joined = corpus
    copies = joined[joined["duplicate_of_file"] != ""]
    assert len(copies) >= 1
    rows = joined.set_index("file")
    for _, copy in copies.iterrows():
        first = rows.loc[copy["duplicate_of_file"]]
        links = {(copy["duplicate_of"], first["article_id"]), (first["duplicate_of"], copy["article_id"])}
        assert any(a == b for a, b in links if isinstance(a, str)), (copy["file"], first.name)
    assert joined["duplicate_of"].notna().sum() == len(copies)


def test_legacy_encodings_and_persian_spelling(corpus):
    _, articles, _ = corpus
    assert {"cp1256", "cp1252"} <= set(articles["encoding"])
    persian = articles[articles["language"] == "fa"]
    assert persian["text"].str.contains("\u200c").all(), "zero-width non-joiners lost from Persian text"
