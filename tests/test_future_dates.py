"""Weekdays an Italian or Portuguese article sets ahead with "by"/"for" before them (entro venerdì,
fissato per martedì, até sexta-feira) or with a modal (deve), resolved forward from publication."""
from __future__ import annotations

import pandas as pd
import pytest

from core.actors import mentioned_dates

PUBLISHED = "2024-07-25"  # a Thursday


def _days(language: str, text: str) -> list[str]:
    articles = pd.DataFrame([{"article_id": "a", "title": "", "text": text, "language": language,
                              "published": pd.Timestamp(PUBLISHED, tz="UTC")}])
    found = mentioned_dates.extract(articles)
    return [day.date().isoformat() for day in found["date"]]


@pytest.mark.parametrize("language, text, day", [
    ("it", "Il vertice è fissato per martedì a Roma.", "2024-07-30"),
    ("it", "Il governo deve presentare il piano entro venerdì.", "2024-07-26"),
    ("it", "La Farnesina attende una risposta entro giovedì.", "2024-07-25"),
    ("pt", "O plano deve ser apresentado até sexta-feira.", "2024-07-26"),
    # The past stays past, and "next" still means next.
    ("it", "Il ministro ha incontrato il collega martedì.", "2024-07-23"),
    ("it", "La riunione si terrà martedì prossimo a Bruxelles.", "2024-07-30"),
    ("pt", "O encontro acontece na próxima terça em Lisboa.", "2024-07-30"),
    ("pl", "Spotkanie odbędzie się w przyszły wtorek.", "2024-07-30"),
])
def test_future_wording_resolves_forward(language, text, day):
    assert _days(language, text) == [day]
