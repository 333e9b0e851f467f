"""Publication dates in the world's date styles and calendars."""
import pandas as pd
import pytest

from core.ingest import published_dates

CASES = [
    ("الجمعة 2024/04/26", "ar", "2024-04-26", "day"),
    ("3 июня 2024", "ru", "2024-06-03", "day"),
    ("3 июня 2024, 14:20", "ru", "2024-06-03 14:20", "minute"),
    ("14.04.24", "he", "2024-04-14", "day"),
    ("פורסם: 14.04.24, 22:10", "he", "2024-04-14 22:10", "minute"),
    ("Stand: 02.08.2024 11:15 Uhr", "de", "2024-08-02 11:15", "minute"),
    ("Güncelleme: 12.05.2024 14:30", "tr", "2024-05-12 14:30", "minute"),
    ("۱۴۰۳/۰۸/۰۲", "fa", "2024-10-23", "day"),
    ("Tue, 23 Apr 2024 10:00:00 +0300", None, "2024-04-23 07:00", "minute"),
    ("2024-07-12T09:30:00+02:00", None, "2024-07-12 07:30", "minute"),
    ("2024-07-12", None, "2024-07-12", "day"),
    ("publié le 12 juillet 2024 à 09h30", "fr", "2024-07-12 09:30", "minute"),
    ("Actualizado: 5 de marzo de 2024", "es", "2024-03-05", "day"),
    ("15 червня 2024", "uk", "2024-06-15", "day"),
    ("Published: March 3, 2024", "en", "2024-03-03", "day"),
]


@pytest.mark.parametrize("text,language,expected,precision", CASES)
def test_publication_dates(text, language, expected, precision):
    stamp, found_precision = published_dates.parse_published(text, language)
    assert stamp == pd.Timestamp(expected, tz="UTC")
    assert found_precision == precision
    assert str(stamp.tz) == "UTC"


@pytest.mark.parametrize("text,language", [
    ("آخر تحديث: 21:43 (بيروت)", "ar"),  # a time with no date
    ("Die Lage bleibt angespannt", "de"),  # dateparser alone reads "Die" as Tuesday
    ("3 juin", "fr"),  # no year: dateparser would take this year from the clock
    ("", None),
    (None, None),
])
def test_no_date_is_never_today(text, language):
    assert published_dates.parse_published(text, language) == (None, None)


def test_solar_hijri_not_read_as_year_1403():
    stamp, _ = published_dates.parse_published("1403/08/02", "fa")
    assert stamp.year == 2024


def test_lunar_hijri_in_arabic():
    stamp, _ = published_dates.parse_published("1445/10/17", "ar")
    assert stamp == pd.Timestamp("2024-04-26", tz="UTC")
