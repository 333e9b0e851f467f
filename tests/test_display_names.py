"""Issue 22 item 10: a discovered person's English name is the English press's spelling, else the
standard romanisation of a Cyrillic (or Greek...) spelling, not another language's transcription
("Dmitri Peskow", "Maria Sacharowa" were shown)."""
import pandas as pd
import pytest

from core import pipeline
from core.actors import discovery, grouping, resolution, transliteration


@pytest.fixture(scope="module")
def dictionary():
    return pipeline.load_dictionary()


def _display(dictionary, *forms) -> list[str]:
    """``forms``: (given, surname, language, surface, mentions)."""
    names = pd.DataFrame([{"name_key": discovery.name_key(g, s, lang) if lang != "old" else f"{g}|{s}",
                           "surface": surface, "occurrences": count} for g, s, lang, surface, count in forms])
    return list(grouping.group_discovered(names, dictionary).names.values())


def test_the_english_press_spelling_comes_first(dictionary):
    assert _display(dictionary, ("Dmitri", "Peskow", "de", "Dmitri Peskow", 3), ("Дмитрий", "Песков", "ru", "Дмитрий Песков", 4),
                    ("Dmitri", "Peskov", "fr", "Dmitri Peskov", 1), ("Dmitry", "Peskov", "en", "Dmitry Peskov", 1)) \
        == ["Dmitry Peskov"]


@pytest.mark.parametrize("forms, name", [
    ([("Maria", "Sacharowa", "de", "Maria Sacharowa", 1), ("Мария", "Захарова", "ru", "Мария Захарова", 3)],
     "Mariya Zakharova"),
    ([("Sergej", "Rjabkow", "de", "Sergej Rjabkow", 1), ("Sergueï", "Riabkov", "fr", "Sergueï Riabkov", 1),
      ("Сергей", "Рябков", "ru", "Сергей Рябков", 1)], "Sergey Ryabkov"),
    ([("Yuriy", "Uşakov", "tr", "Yuriy Uşakov", 1), ("Юрий", "Ушаков", "ru", "Юрий Ушаков", 1)], "Yuriy Ushakov"),
    ([("Андрій", "Єрмак", "uk", "Андрій Єрмак", 1)], "Andriy Yermak"),
    ([("Артём", "Дульцев", "ru", "Артём Дульцев", 1)], "Artem Dultsev"),
    # stored before the language was kept: the romanisation still wins over a transcription
    ([("Dmitri", "Peskow", "old", "Dmitri Peskow", 3), ("Дмитрий", "Песков", "old", "Дмитрий Песков", 1)],
     "Dmitriy Peskov"),
    # a Latin spelling two languages share is the name's own
    ([("Steffen", "Hebestreit", "de", "Steffen Hebestreit", 1), ("Steffen", "Hebestreit", "fr", "Steffen Hebestreit", 1),
      ("Штеффен", "Хебестрайт", "ru", "Штеффен Хебестрайт", 2)], "Steffen Hebestreit"),
    # only Latin spellings: the most used is kept as written
    ([("Olexandr", "Syrskyj", "de", "Olexandr Syrskyj", 1)], "Olexandr Syrskyj"),
])
def test_a_standard_romanisation_before_another_languages_transcription(dictionary, forms, name):
    assert _display(dictionary, *forms) == [name]


def test_the_name_shown_after_extraction(dictionary):
    articles = pd.DataFrame([
        {"article_id": "de", "title": "", "language": "de", "text": "Kremlsprecher Dmitri Peskow sagte, Moskau sei bereit."},
        {"article_id": "ru", "title": "", "language": "ru", "text": "Пресс-секретарь Дмитрий Песков заявил, что Москва готова."},
        {"article_id": "ru2", "title": "", "language": "ru", "text": "Пресс-секретарь Мария Захарова заявила об этом."},
        {"article_id": "de2", "title": "", "language": "de", "text": "Sprecherin Maria Sacharowa sagte, das sei falsch."},
        {"article_id": "en", "title": "", "language": "en", "text": "Kremlin spokesman Dmitry Peskov said Moscow was ready."},
    ]).assign(published=pd.Timestamp("2024-08-01", tz="UTC"))
    actors, mentions = resolution.extract(articles, dictionary)
    discovered = set(actors.loc[actors["origin"] == "discovered", "name"])
    assert {"Dmitry Peskov", "Mariya Zakharova"} <= discovered
    assert not discovered & {"Dmitri Peskow", "Maria Sacharowa"}


@pytest.mark.parametrize("name, language, romanised", [
    ("Дмитрий Песков", "ru", "Dmitriy Peskov"), ("Дмитро Пєсков", "uk", "Dmytro Pyeskov"),
    ("Андрій Єрмак", None, "Andriy Yermak"), ("Κυριάκος Μητσοτάκης", "el", "Kiriakos Mitsotakis"),
    ("Дмитрий Песков", "el", "Dmitriy Peskov"),  # a language of another script is not used
    ("Dmitri Peskow", "de", None), ("ديفيد برنيع", "ar", None),
])
def test_standard_romanization(name, language, romanised):
    assert transliteration.standard_romanization(name, language) == romanised


def test_name_keys_of_two_or_three_parts():
    assert discovery.key_parts(discovery.name_key("Dmitri", "Peskow", "de")) == ("Dmitri", "Peskow", "de")
    assert discovery.key_parts("Dmitri|Peskow") == ("Dmitri", "Peskow", None)
    assert discovery.key_parts(discovery.name_key("", "Peskow", None)) == ("", "Peskow", None)
