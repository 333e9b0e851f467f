"""The sentence quoted with an actor's mention is the whole sentence: not cut at an ordinal
("Am 22. September"), an initial ("В. В. Путин") or an abbreviation ("U.S."), as the Sources page
and the exports show it."""
import pandas as pd
import pytest

from core import pipeline
from core.actors import finding


@pytest.fixture(scope="module")
def dictionary():
    return pipeline.load_dictionary()


@pytest.mark.parametrize("language, text, name", [
    ("de", "Am 22. September trifft Olaf Scholz in Berlin Emmanuel Macron. Danach reist er ab.",
     "Emmanuel Macron"),
    ("ru", "По словам В. В. Путина, переговоры с Турцией продолжатся. Других заявлений не было.", "Турцией"),
    ("en", "The U.S. envoy met Recep Tayyip Erdogan in Ankara on Monday. Talks went on.", "Recep Tayyip Erdogan"),
])
def test_the_quote_of_a_mention_is_its_whole_sentence(dictionary, language, text, name):
    articles = pd.DataFrame([{"article_id": "a", "title": "", "text": text, "language": language}])
    found = finding.find_mentions(articles, dictionary)
    row = found[found["surface"].str.contains(name.split()[-1][:5], regex=False)].iloc[0]
    first_sentence = text[:text.index(". ", text.index(name)) + 1]
    assert row["sentence"] == first_sentence
