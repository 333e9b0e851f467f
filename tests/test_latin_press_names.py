"""Issue 25: officials outside the dictionary after an Italian, Portuguese, Polish or Indonesian
title, a ministry's words between the title and the name, Polish inflected surnames grouped, and
titles followed by a body's name or a place that name nobody. Articles written for the project."""
from __future__ import annotations

import pandas as pd
import pytest

from core.actors import actor_dictionary, finding, resolution
from core.config import ACTORS_DIR, CORRECTIONS_FILE


@pytest.fixture(scope="module")
def dictionary():
    return actor_dictionary.load(ACTORS_DIR, CORRECTIONS_FILE)


def _articles(*rows) -> pd.DataFrame:
    return pd.DataFrame([{"article_id": f"a{k}", "title": "", "text": text, "language": language,
                          "published": pd.Timestamp("2024-10-16")} for k, (language, text) in enumerate(rows)])


def _people(dictionary, language: str, text: str) -> list[str]:
    found = finding.find_mentions(_articles((language, text)), dictionary)
    return list(found.loc[found["name_key"].notna(), "surface"])


@pytest.mark.parametrize("language, text, name", [
    ("it", "Il ministro degli Esteri Mario Rossini ha incontrato ieri il collega.", "Mario Rossini"),
    ("it", "Il portavoce del ministero degli Esteri Carlo Sereni ha detto che la tregua regge.", "Carlo Sereni"),
    ("pt", "O ministro das Relações Exteriores Ricardo Albuquerque disse que o acordo avança.", "Ricardo Albuquerque"),
    ("pt", "O chanceler Otávio Brandão recebeu o colega.", "Otávio Brandão"),
    ("pl", "Rzecznik MSZ Paweł Nowacki powiedział, że rozmowy trwają.", "Paweł Nowacki"),
    ("pl", "Spotkał się z wiceministrem spraw zagranicznych Markiem Bellandim.", "Markiem Bellandim"),
    # A capitalised ministry between the title and the name.
    ("id", "Juru bicara Kementerian Luar Negeri Arief Wicaksono mengatakan bahwa perundingan berlanjut.",
     "Arief Wicaksono"),
])
def test_a_title_names_an_official_outside_the_dictionary(dictionary, language, text, name):
    assert name in _people(dictionary, language, text)


@pytest.mark.parametrize("language, text", [
    ("it", "Il presidente della Regione Friuli Venezia Giulia ha offerto il porto di Trieste."),
    ("it", "Il ministro degli Esteri a Reggio Calabria ha ribadito il sostegno."),
    ("pt", "O presidente do Supremo Tribunal Federal participou da cerimônia."),
    ("pl", "Minister spraw zagranicznych w Nowym Sączu podkreślił, że Unia musi pomóc."),
    ("pl", "W Paryżu spotkali się ministrowie spraw zagranicznych Grupy Wyszehradzkiej."),
    ("id", "Menteri Luar Negeri di Jakarta Selatan mengatakan bahwa perundingan berlanjut."),
])
def test_a_title_before_a_body_or_a_place_names_nobody(dictionary, language, text):
    assert _people(dictionary, language, text) == []


def test_french_title_with_its_ministry_in_lower_case_still_names(dictionary):
    text = "Le secrétaire d'État aux affaires étrangères, Henning Lohmeyer, a rencontré ses homologues."
    assert _people(dictionary, "fr", text) == ["Henning Lohmeyer"]


def test_polish_inflected_surname_found_and_grouped_across_languages_and_scripts(dictionary):
    articles = _articles(
        ("pl", "Sekretarz stanu w MSZ Tomasz Wierzbicki spotka się z ambasadorem. Według Wierzbickiego "
               "rozmowy trwają, a z Wierzbickim rozmawiał też minister."),
        ("it", "Il sottosegretario polacco Tomasz Wierzbicki è arrivato a Roma. Wierzbicki ha detto che la Polonia aiuta."),
        ("en", "Polish deputy foreign minister Tomasz Wierzbicki said talks would go on."),
        ("ru", "Заместитель министра иностранных дел Польши Томаш Вежбицкий заявил, что переговоры продолжатся."))
    _, mentions = resolution.extract(articles, dictionary)
    surfaces = {"Tomasz Wierzbicki", "Wierzbickiego", "Wierzbickim", "Wierzbicki", "Томаш Вежбицкий"}
    people = mentions[mentions["surface"].isin(surfaces)]
    assert set(people["surface"]) == surfaces
    assert people["actor_id"].nunique() == 1
    assert set(people["article_id"]) == {"a0", "a1", "a2", "a3"}
