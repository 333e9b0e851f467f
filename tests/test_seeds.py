"""The two real scraped articles: what a user's input really looks like."""
import pandas as pd
import pytest

from core.ingest import batch
from core.store import database, reads

CLUTTER = [
    "increase حجم الخط decrease",
    "التعليقات المنشورة تعبر عن آراء أصحابها",
    "LEAVE A REPLY",
    "Please enter your comment!",
    "Please enter your name here",
    "- Advertisement -",
    "Derniers articles",
    "Articles Liés",
    "(Getty)",
    "آخر تحديث",
]


@pytest.fixture
def stored(engine, seeds, lexicon):
    summary = batch.ingest(engine, list(seeds.values()), lexicon=lexicon, progress=False)
    assert summary.problems == []
    articles = reads.load_articles(engine)
    return {name: articles[articles["origin_file"] == str(path.resolve())].iloc[0] for name, path in seeds.items()}


def test_arabic_seed_title_date_language(stored):
    article = stored["000_91a0d7577f9035ad.txt"]
    assert article["title"] == "ايران وروسيا:العلاقات العسكرية ترتقي إلى مستوى جديد"
    assert article["published"] == pd.Timestamp("2024-04-26", tz="UTC")
    assert article["published_precision"] == "day"
    assert article["language"] == "ar"
    assert article["text"].startswith("أعرب وزير الدفاع الروسي سيرغي شويغو")
    assert article["text"].rstrip().endswith("\"سو-35\".")


def test_french_seed_is_undated_not_today(stored):
    article = stored["001_e3005b3932ea3b15.txt"]
    assert article["title"] == "L’Iran et la Russie renforcent leur partenariat contre l’Occident"
    assert pd.isna(article["published"])
    assert article["language"] == "fr"
    assert article["text"].startswith("Moscou et Téhéran renforceront leur partenariat")
    assert article["text"].rstrip().endswith("selon Tass.")


@pytest.mark.parametrize("line", CLUTTER)
def test_no_clutter_in_title_or_text(stored, line):
    for article in stored.values():
        assert line not in article["text"]
        assert line not in (article["title"] or "")


def test_title_not_repeated_in_body(stored):
    arabic = stored["000_91a0d7577f9035ad.txt"]
    assert arabic["title"] not in arabic["text"]
    assert "2024/04/26" not in arabic["text"]


def test_reingesting_seeds_changes_nothing(engine, seeds, lexicon, stored):
    before = reads.load_articles(engine)
    revision = database.revision(engine)
    again = batch.ingest(engine, list(seeds.values()), lexicon=lexicon, progress=False)
    assert again.unchanged == 2 and again.stored == 0
    forced = batch.ingest(engine, list(seeds.values()), lexicon=lexicon, progress=False, force=True)
    assert forced.stored == 0 and forced.duplicates == 2
    after = reads.load_articles(engine)
    pd.testing.assert_frame_equal(before, after)
    assert database.revision(engine) > revision  # the forced run wrote its log lines
