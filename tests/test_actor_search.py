"""Issue 22, item 4: an actor is found by any of its spellings, in any script, as the dictionary
lists them and as the articles write them; closest first, then the most named; the spelling that
matched is said."""
from __future__ import annotations

import time

import pandas as pd
import pytest

from core.actors import spelling, transliteration
from core.analysis import actor_search
from tests import sample_corpus

KEYS = actor_search.SpellingKeys(fold=spelling.fold, romanize=transliteration.romanize, skeleton=transliteration.skeleton)
PATRUSHEV, SHOIGU = "gw:nikolai-patrushev", "gw:sergei-shoigu"


@pytest.fixture(scope="module")
def sample(request):
    return sample_corpus.load(request.config)


@pytest.fixture(scope="module")
def index(sample):
    return actor_search.build_index(sample["actors"], sample["mentions"], sample_corpus.dictionary().aliases, KEYS)


@pytest.mark.parametrize("typed, shown", [
    ("باتروشيف", "باتروشيف"),  # Arabic, as the dictionary and an Arabic article write it
    ("Patrouchev", "Patrouchev"),  # French
    ("Патрушев", "Патрушев"),  # Russian
    ("פטרושב", "פטרושב"),  # Hebrew
    ("Патрушевым", "Патрушевым"),  # an inflected form seen in an article, in no dictionary
    ("patrouchev", "Patrouchev"),  # case
    ("Patruşev", "Patruşev"),  # Turkish
])
def test_patrushev_is_found_by_any_spelling_and_says_which(index, typed, shown):
    found = actor_search.search(typed, index)
    first = found.iloc[0]
    assert first["actor_id"] == PATRUSHEV and first["name"] == "Nikolai Patrushev"
    assert first["spelling"] == shown and first["matched"]
    assert first["closeness"] == 100
    assert first["articles"] > 0


@pytest.mark.parametrize("typed", ["Patru", "Patrus", "Patrush", "Патру", "Patrouch", "Patrushew", "Patroushev"])
def test_patrushev_comes_first_as_an_analyst_types_or_mistypes_him(index, typed):
    """"Patru" offered Donald Trump and Mark Rutte, not Patrushev (Streamlit's fuzzy match on labels)."""
    found = actor_search.search(typed, index)
    assert found.iloc[0]["actor_id"] == PATRUSHEV
    assert not {"Donald Trump", "Mark Rutte"} & set(found["name"])


def test_the_name_is_shown_when_it_is_as_close_as_any_other_spelling(index):
    first = actor_search.search("Patru", index).iloc[0]
    assert first["spelling"] == "Nikolai Patrushev" and not first["matched"]


def test_among_equally_close_actors_the_most_named_comes_first(index):
    found = actor_search.search("Ir", index)
    assert found.iloc[0]["name"] == "Iran"
    prefixes = found[found["closeness"] >= actor_search.PREFIX]
    assert len(prefixes) > 1  # Iraq, the IRGC... also start so


def test_nothing_close_gives_an_empty_table(index):
    assert actor_search.search("xqzzv", index).empty
    assert actor_search.search("   ", index).empty


def test_a_spelling_seen_only_in_the_articles_is_found():
    """A discovered person has no dictionary alias: the spellings the articles used find them."""
    actors = pd.DataFrame({"actor_id": ["gw:found-1", "Q1"], "name": ["Ahmad Vahidi", "Someone Else"],
                           "type": ["person", "person"], "articles": [3, 9], "mentions": [4, 9]})
    mentions = pd.DataFrame({"article_id": ["a1", "a2", "a3"], "actor_id": ["gw:found-1"] * 3,
                             "surface": ["احمد وحیدی", "Ахмад Вахиди", "Ahmad Vahidi"]})
    aliases = pd.DataFrame({"actor_id": ["Q1"], "alias": ["Someone Else"]})
    index = actor_search.build_index(actors, mentions, aliases, KEYS)
    for typed in ("وحیدی", "Вахиди", "Vahidi", "Vakhidi"):
        first = actor_search.search(typed, index).iloc[0]
        assert first["actor_id"] == "gw:found-1", typed


def test_a_free_text_word_that_is_an_actors_spelling_names_the_actor(index):
    found = actor_search.named(["Shoigu", "Шойгу", "talks", "State"], index)
    assert list(found["actor_id"]) == [SHOIGU] and list(found["term"]) == ["Shoigu"]
    offer = actor_search.offer("Shoigu", index)
    assert list(offer.actors["actor_id"]) == [SHOIGU] and offer.query == "" and offer.mode == "all"
    offer = actor_search.offer('Shoigu Iran "air base"', index)
    assert set(offer.actors["name"]) == {"Sergei Shoigu", "Iran"} and offer.query == '"air base"' and offer.mode == "all"
    offer = actor_search.offer("Shoigu OR Patrushev", index)
    assert set(offer.actors["actor_id"]) == {SHOIGU, PATRUSHEV} and offer.query == "" and offer.mode == "any"
    assert actor_search.offer("nuclear talks", index) is None
    assert actor_search.offer('"unclosed', index) is None


def test_the_index_is_quick_to_search(index):
    started = time.perf_counter()
    for typed in ("Patru", "باتروشيف", "Shoigu", "Ir"):
        actor_search.search(typed, index)
    assert time.perf_counter() - started < 2.0
