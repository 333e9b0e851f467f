"""Issue 22 item 10: a mention starts at the name, not at the conjunction or preposition that
Arabic, Persian and Hebrew attach to it (وعباس, ונתניהו): the Reader marks text[start:end]."""
import pandas as pd
import pytest

from core import pipeline
from core.actors import finding, lookup


@pytest.fixture(scope="module")
def dictionary():
    return pipeline.load_dictionary()


def _mentions(dictionary, language: str, text: str) -> pd.DataFrame:
    articles = pd.DataFrame([{"article_id": "a", "title": "", "text": text, "language": language}])
    return finding.find_mentions(articles, dictionary)


@pytest.mark.parametrize("language, text, surfaces", [
    ("ar", "واستقبل الرئيس محمود عباس الوفد. وعباس قال إن", ["محمود عباس", "عباس"]),
    ("ar", "وبحث الوزير مع فَبوتين وَلبوتين الملف", ["بوتين", "بوتين"]),  # harakat on the proclitic stay outside
    ("ar", "وقالت حماس وبحماس", ["حماس", "حماس"]),
    ("ar", "قال نائب وزير الخارجية محمد خسرواني إن المحادثات مستمرة. والتقى السفير بخسرواني أمس.",
     ["محمد خسرواني", "خسرواني"]),  # a discovered surname too
    ("fa", "وزیر خارجه با عراقچی دیدار کرد. وپوتین گفت", ["عراقچی", "پوتین"]),
    ("he", "ראש הממשלה בנימין נתניהו נפגש עם השר. לנתניהו אין תשובה, אמר שלנתניהו וכן ונתניהו",
     ["בנימין נתניהו", "נתניהו", "נתניהו", "נתניהו"]),
])
def test_a_mention_starts_at_the_name(dictionary, language, text, surfaces):
    found = _mentions(dictionary, language, text).sort_values("start")
    assert list(found["surface"]) == surfaces
    assert all(text[start:end] == surface for start, end, surface in zip(found["start"], found["end"], found["surface"]))


def test_a_name_that_starts_with_a_proclitic_letter_keeps_it(dictionary):
    # بوتين starts with ب and بايدن with ب: the letter is the name's own.
    found = _mentions(dictionary, "ar", "التقى بوتين وبايدن")
    assert sorted(found["surface"]) == ["بايدن", "بوتين"]


@pytest.mark.parametrize("word, wanted, cut", [
    ("وعباس", {"عباس"}, 1), ("وَعباس", {"عباس"}, 2), ("بالقاعدة", {"القاعده"}, 1), ("عباس", {"عباس"}, 0),
    ("ובנתניהו", {"נתניהו"}, 2),
])
def test_name_start(word, wanted, cut):
    language = "he" if "נ" in word else "ar"
    assert lookup.name_start(word, language, frozenset(wanted)) == cut
    assert lookup.name_start("Wabbas", "en", frozenset({"abbas"})) == 0
