"""Issue 22, item 5: free-text search. Words and "phrases" with AND, OR, NOT and parentheses, whole
words, ignoring case and diacritics, over the title and text in the original and the translation;
a query it cannot read is one line, never a traceback."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core import cli
from core.analysis import filtering, text_search
from tests import sample_corpus

ARTICLES = pd.DataFrame({
    "article_id": [f"a{i}" for i in range(1, 10)],
    "title": ["Iran and Russia sign a deal", "Russia warns", "Irán y Rusia", "Иран и Россия", "İran ile Rusya",
              "Iranian drones", "وإيران وروسيا", "האיראנים באיראן", "伊朗与俄罗斯签署协议"],
    "text": ["Talks in Tehran with Vladimir Putin.", "The Kremlin said so.", "Conversaciones en Teherán.",
             "Переговоры в Тегеране: Шойгу.", "Tahran'da görüşmeler.", "Drones over the Gulf.", "محادثات في طهران",
             "שיחות בטהרן", "双方在德黑兰会谈。"],
    "title_translated": [pd.NA, pd.NA, "Iran and Russia", "Iran and Russia", "Iran with Russia", pd.NA,
                         "And Iran and Russia", "The Iranians in Iran", "Iran and Russia sign an agreement"],
    "text_translated": [pd.NA, pd.NA, "Talks in Tehran.", "Talks in Tehran: Shoigu.", "Talks in Tehran.", pd.NA,
                        "Talks in Tehran", "Talks in Tehran", "The two sides held talks in Tehran."],
})


def _found(query: str, articles: pd.DataFrame = ARTICLES) -> list[str]:
    return list(articles["article_id"][text_search.matches(articles, query)])


def _originals() -> pd.DataFrame:
    return ARTICLES.drop(columns=["title_translated", "text_translated"])


@pytest.mark.parametrize("query, expected", [
    ("iran", ["a1", "a3", "a4", "a5", "a7", "a8", "a9"]),  # translations count; "Iranian" is another word
    ("IRAN", ["a1", "a3", "a4", "a5", "a7", "a8", "a9"]),
    ("russia iran", ["a1", "a3", "a4", "a5", "a7", "a9"]),  # side by side: all of them
    ("russia AND iran", ["a1", "a3", "a4", "a5", "a7", "a9"]),
    ("Kremlin OR Shoigu", ["a2", "a4"]),
    ("russia NOT iran", ["a2"]),
    ("russia -iran", ["a2"]),
    ('"Vladimir Putin"', ["a1"]),
    ('"Putin Vladimir"', []),  # a phrase keeps its order
    ('"talks in tehran" NOT (shoigu OR putin)', ["a3", "a5", "a7", "a8", "a9"]),
    ("(Kremlin OR drones) NOT warns", ["a6"]),
    ("drone", []),  # whole words: not inside "drones"
    ("Iranian OR Iranians", ["a6", "a8"]),
])
def test_words_phrases_and_operators(query, expected):
    assert _found(query) == expected


@pytest.mark.parametrize("query, expected", [
    ("iran", ["a1", "a3", "a5"]),  # Irán, İran: accents, dotted capitals
    ("teheran", ["a3"]),  # Teherán
    ("Иран", ["a4"]), ("иран", ["a4"]), ("шоигу", ["a4"]),  # Шойгу: the breve of й folded too
    ("إيران", ["a7"]),  # وإيران: the attached conjunction
    ("ايران", ["a7"]),  # hamza written or not
    ("איראן", ["a8"]),  # באיראן
    ("伊朗", ["a9"]), ("德黑兰", ["a9"]),  # no spaces between words: anywhere
    ("tahran'da", ["a5"]),
])
def test_case_diacritics_and_scripts_in_the_original(query, expected):
    assert _found(query, _originals()) == expected


def test_vowel_marks_and_the_shadda_are_inside_words_in_the_query_and_the_text():
    articles = pd.DataFrame({"title": ["هجوم بمسيّرة", "مُحَمَّد باقري", "مسيرة"], "text": ["", "", ""]})
    assert list(text_search.matches(articles, "مسيّرة")) == [True, False, True]  # was read as two words
    assert list(text_search.matches(articles, "محمد")) == [False, True, False]


def test_the_translation_is_searched():
    assert _found("Shoigu", _originals()) == []
    assert _found("Shoigu") == ["a4"]  # only its translation says "Shoigu"
    assert _found('"two sides"') == ["a9"]


def test_a_query_without_words_selects_everything():
    assert _found("") == _found("  ") == _found("-") == list(ARTICLES["article_id"])


@pytest.mark.parametrize("query, says", [
    ('"Vladimir Putin', "quotation mark is not closed"),
    ("(Iran OR Russia", "parenthesis is not closed"),
    ("Iran) Russia", "closing parenthesis has no opening one"),
    ("Iran AND", "AND needs a word"),
    ("OR Iran", "OR needs a word"),
    ("Iran NOT", "NOT needs a word"),
])
def test_a_query_it_cannot_read_is_one_line(query, says):
    with pytest.raises(text_search.QueryError, match=says) as caught:
        text_search.parse(query)
    assert "\n" not in str(caught.value) and query.strip() in str(caught.value)
    with pytest.raises(text_search.QueryError):
        filtering.filter_articles(ARTICLES.assign(published=pd.NaT, language="en", source="s"), filtering.Filters(query=query))


def test_the_command_line_says_what_is_wrong_with_a_query_in_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GEOWIRE_CONFIG", str(tmp_path / "none.toml"))
    assert cli.main(["--db", str(tmp_path / "store.db"), "export", "--text", "(Iran OR Russia"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: --text: a parenthesis is not closed") and error.count("\n") == 1


def test_typographic_quotes_are_quotes():
    assert _found("«Vladimir Putin»") == _found("“Vladimir Putin”") == ["a1"]


def test_only_the_rows_asked_about_are_searched():
    rows = np.array([1, 3, 5])
    assert list(text_search.matches(ARTICLES, "russia OR drones", rows)) == [True, True, True]
    assert list(text_search.matches(ARTICLES, "kremlin", rows)) == [True, False, False]


def test_the_filter_searches_the_sample_corpus_in_every_script(request):
    sample = sample_corpus.load(request.config)
    articles, mentions = sample["articles"], sample["mentions"]
    found = filtering.filter_articles(articles, filtering.Filters(query="Шойгу"), mentions)
    naming = set(mentions.loc[mentions["actor_id"] == "gw:sergei-shoigu", "article_id"])
    russian = set(articles.loc[articles["language"].isin(["ru", "uk"]), "article_id"])
    assert set(found["article_id"]) == naming & russian  # every Cyrillic article naming him, as written
    # Whole words, not substrings: "Iran" is not "Iranian", nor inside another word.
    iran = filtering.filter_articles(articles, filtering.Filters(query="Iran"), mentions)
    texts = (iran["title"].fillna("") + " " + iran["text"].fillna("")).map(text_search.fold)
    assert len(iran) > 0 and texts.str.contains(r"(?<!\w)iran(?!\w)", regex=True).all()


def test_rows_without_a_value_in_a_column_are_decided_by_the_others():
    # Empty cells are skipped when a column is scanned (most articles have no translation): the
    # answers of the scanned cells must still land on their own rows.
    articles = pd.DataFrame({
        "title": ["Minister meets envoy", None, "Weather", None, "The minister resigns", "Sport"],
        "text": [None, "talks on security", None, "the minister said", None, "the score"],
        "title_translated": [None, None, "Le ministre", None, None, "the minister of sport"],
        "text_translated": [None, "the minister spoke", None, None, None, None],
    }).astype("string[pyarrow]")
    assert text_search.matches(articles, '"the minister"').tolist() == [False, True, False, True, True, True]
    assert text_search.matches(articles, '"the minister"', rows=np.array([5, 1, 2])).tolist() == [True, True, False]
    assert text_search.matches(articles, "minister AND NOT sport").tolist() == [True, True, False, True, True, False]
