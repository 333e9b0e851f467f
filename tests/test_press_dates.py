"""Issue 25: weekdays in Portuguese, Spanish and Polish news resolved the way their sentence
says: "que vem"/"que viene" after them, Polish cases after a preposition (do piątku, od
poniedziałku, przed piątkiem), Polish perfective futures and -ł pasts, "antes"/"debe"."""
from __future__ import annotations

import pandas as pd
import pytest

from core.actors import mentioned_dates

PUBLISHED = "2024-07-25"  # a Thursday


def _days(language: str, text: str) -> list[tuple[str, str]]:
    articles = pd.DataFrame([{"article_id": "a", "title": "", "text": text, "language": language,
                              "published": pd.Timestamp(PUBLISHED, tz="UTC")}])
    found = mentioned_dates.extract(articles)
    return [(surface, day.date().isoformat()) for surface, day in zip(found["surface"], found["date"])]


@pytest.mark.parametrize("language, text, expected", [
    ("pt", "Os ministros reúnem-se na terça-feira que vem em Brasília.", ("terça-feira", "2024-07-30")),
    ("pt", "A cúpula será na sexta-feira em Lisboa.", ("sexta-feira", "2024-07-26")),
    ("es", "La cumbre será el martes que viene en Madrid.", ("martes", "2024-07-30")),
    ("es", "El Gobierno debe presentar el plan antes del viernes.", ("viernes", "2024-07-26")),
    ("es", "El ministro debe viajar el martes a Bruselas.", ("martes", "2024-07-30")),
    ("pl", "Plan ma być gotowy do piątku.", ("piątku", "2024-07-26")),
    ("pl", "Rozmowy trwają od poniedziałku.", ("poniedziałku", "2024-07-22")),
    ("pl", "Decyzja zapadnie przed piątkiem.", ("piątkiem", "2024-07-26")),
    ("pl", "Minister spotka się we wtorek z ambasadorem.", ("wtorek", "2024-07-30")),
    ("pl", "Prezydent podpisze ustawę w piątek.", ("piątek", "2024-07-26")),
    # The past stays past.
    ("pl", "Minister spotkał się we wtorek z ambasadorem.", ("wtorek", "2024-07-23")),
    ("pl", "Prezydent podpisał ustawę w piątek.", ("piątek", "2024-07-19")),
    ("es", "El acuerdo se firmó antes del viernes.", ("viernes", "2024-07-19")),
    ("pt", "O acordo foi assinado na terça-feira passada.", ("terça-feira", "2024-07-23")),
])
def test_weekday_direction(language, text, expected):
    assert _days(language, text) == [expected]
