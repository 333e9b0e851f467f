"""Mentioned dates: a day and month without a year, and a bare weekday, resolved against the
publication date by what their sentence says; the quote is the whole sentence (issue 22, item 2)."""
from __future__ import annotations

import importlib.util
from datetime import date

import pandas as pd
import pytest

from benchmarks import actor_eval
from core.actors import mentioned_dates
from tests.conftest import REPO

DATES_GOLD = REPO / "tests" / "gold" / "dates"


def extract(text: str, language: str, published: str) -> pd.DataFrame:
    articles = pd.DataFrame({"article_id": ["a"], "title": [""], "text": [text], "language": [language],
                             "published": [pd.Timestamp(published)]})
    return mentioned_dates.extract(articles)


def only_date(text: str, language: str, published: str, surface: str | None = None) -> tuple[date, str]:
    """(date, sentence) of the one date found (of ``surface``, when given)."""
    found = extract(text, language, published)
    if surface is not None:
        found = found[found["surface"] == surface]
    assert len(found) == 1, found
    return found["date"].iloc[0].date(), found["sentence"].iloc[0]


# The two cases issue 22 reports, with the articles' own sentences and publication times
# (data/samples/html/northbridge-herald-nato-summit-opens.html and the Alpenblick article in
# data/samples/exports/analyst-digest-2024.json).
RUTTE = ("Biden also awarded the Presidential Medal of Freedom to Secretary General Jens Stoltenberg, who will "
         "hand over to former Dutch Prime Minister Mark Rutte on October 1 after a decade in the job.")
BRANDENBURG = "Am 22. September wählt Brandenburg einen neuen Landtag."


def test_rutte_on_october_1_in_a_july_2024_article_is_october_2024():
    text = ("President Joe Biden opened NATO's 75th anniversary summit on Tuesday. " + RUTTE +
            " Stoltenberg told the audience that 23 of the 32 allies now spend at least two percent.")
    assert only_date(text, "en", "2024-07-09T18:30:00-04:00", "October 1") == (date(2024, 10, 1), RUTTE)


def test_brandenburg_votes_on_22_september_2024_and_the_quote_is_the_whole_sentence():
    text = ("Bundeskanzler Olaf Scholz nannte die Ergebnisse «bitter». Die Wahlbeteiligung lag in beiden Ländern "
            "mit über 70 Prozent deutlich höher als vor fünf Jahren. " + BRANDENBURG)
    assert only_date(text, "de", "2024-09-01T20:30:00+02:00") == (date(2024, 9, 22), BRANDENBURG)


# One article per language, published on Tuesday 1 October 2024 (10 Mehr 1403), and per
# language three sentences: a future date more than six months ahead (so that neither "the
# nearest" nor "the latest past" finds it), a past date a few days ahead in the calendar (so
# that "upcoming within 14 days" and "the nearest" both get it wrong), and a date 80 days ahead
# that nothing in its sentence points either way (the nearest).
PUBLISHED = "2024-10-01"
FUTURE, PAST, NEAREST = date(2025, 6, 15), date(2023, 10, 7), date(2024, 12, 20)
CASES = {
    "en": ("The alliance will hold its next summit on June 15.", "Fighting has not stopped since October 7.",
           "Parliament votes on the budget on December 20."),
    "de": ("Der Gipfel soll am 15. Juni in Berlin stattfinden.", "Seit dem 7. Oktober ist die Grenze geschlossen.",
           "Am 20. Dezember entscheidet der Bundestag über den Haushalt."),
    "fr": ("Le sommet se tiendra le 15 juin à Paris.", "La frontière est fermée depuis le 7 octobre.",
           "Le Parlement examine le budget le 20 décembre."),
    "es": ("La cumbre se celebrará el 15 de junio en Madrid.", "La frontera sigue cerrada desde el pasado 7 de octubre.",
           "El Congreso debate los presupuestos el 20 de diciembre."),
    "tr": ("Zirve 15 Haziran'da Ankara'da yapılacak.", "Sınır 7 Ekim'den beri kapalı.",
           "Meclis bütçeyi 20 Aralık'ta görüşüyor."),
    "ru": ("Саммит пройдёт 15 июня в Москве.", "Переговоры начались 7 октября прошлого года.",
           "Дума рассматривает бюджет 20 декабря."),
    "uk": ("Саміт відбудеться 15 червня у Києві.", "Переговори почалися 7 жовтня минулого року.",
           "Рада розглядає бюджет 20 грудня."),
    "ar": ("ستعقد القمة في 15 حزيران في الرياض.", "لا تزال الحدود مغلقة منذ 7 تشرين الأول.",
           "يناقش البرلمان الموازنة في 20 كانون الأول."),
    # Solar Hijri: 25 Khordad 1404, 15 Mehr 1402 ("last year"), 30 Azar 1403.
    "fa": ("اجلاس ۲۵ خرداد در تهران برگزار خواهد شد.", "مرز از ۱۵ مهر سال گذشته بسته است.",
           "مجلس بودجه را ۳۰ آذر بررسی می‌کند."),
    "he": ("הפסגה צפויה להתקיים ב-15 ביוני בירושלים.", "הגבול סגור מאז 7 באוקטובר.",
           "הכנסת תדון בתקציב ב-20 בדצמבר."),
    "el": ("Η σύνοδος θα πραγματοποιηθεί στις 15 Ιουνίου στην Αθήνα.",
           "Τα σύνορα είναι κλειστά από τις 7 Οκτωβρίου πέρσι.",
           "Η Βουλή ψηφίζει τον προϋπολογισμό στις 20 Δεκεμβρίου."),
}


@pytest.mark.parametrize("language", sorted(CASES))
@pytest.mark.parametrize("which, expected", [(0, FUTURE), (1, PAST), (2, NEAREST)], ids=["future", "past", "nearest"])
def test_a_day_and_month_without_a_year_goes_the_way_its_sentence_says(language, which, expected):
    sentence = CASES[language][which]
    assert only_date(sentence, language, PUBLISHED) == (expected, sentence)


@pytest.mark.parametrize("language, sentence, expected", [
    # "next"/"coming" beside a weekday, and the future tense of its clause (Tuesday 1 October 2024).
    ("de", "Die Waffenruhe soll am kommenden Montag beginnen.", date(2024, 10, 7)),
    ("he", "המזכיר הכללי ינאם ביום חמישי הקרוב.", date(2024, 10, 3)),
    ("en", "The ministers will meet on Thursday in Brussels.", date(2024, 10, 3)),
    ("el", "Ο υπουργός θα μεταβεί την Πέμπτη στην Άγκυρα.", date(2024, 10, 3)),
    # A weekday in the past, or with nothing said, is the latest on or before publication.
    ("en", "The ministers met on Thursday in Brussels.", date(2024, 9, 26)),
    ("en", "He said on Thursday that talks will resume.", date(2024, 9, 26)),
])
def test_a_weekday_is_ahead_only_when_its_sentence_puts_it_ahead(language, sentence, expected):
    assert only_date(sentence, language, PUBLISHED)[0] == expected


@pytest.mark.parametrize("language, sentence, expected", [
    ("en", "The agreement was signed on March 3 last year.", date(2023, 3, 3)),
    ("de", "Die Regierung war am 3. Oktober vergangenen Jahres zerbrochen.", date(2023, 10, 3)),
    ("fr", "Le traité sera ratifié le 3 mars de l'année prochaine.", date(2025, 3, 3)),
    ("ru", "Договор подпишут 3 марта следующего года.", date(2025, 3, 3)),
    ("uk", "Угоду підписали 20 жовтня цього року.", date(2024, 10, 20)),
    ("ar", "سيوقّع الاتفاق في 3 آذار من العام المقبل.", date(2025, 3, 3)),
])
def test_a_year_phrase_after_the_day_and_month_names_its_year(language, sentence, expected):
    assert only_date(sentence, language, PUBLISHED)[0] == expected


def test_a_date_a_day_before_publication_in_the_future_tense_is_not_a_year_ahead():
    # Feeds date an update the day after it was written; a year ahead is never the meaning.
    assert only_date("The ministers will meet on September 30.", "en", PUBLISHED)[0] == date(2024, 9, 30)


def test_a_past_tense_governing_an_infinitive_leaves_the_date_to_the_nearest():
    sentence = "Каллас пообіцяла винести питання на засідання міністрів 24 березня."
    assert only_date(sentence, "uk", "2025-03-14")[0] == date(2025, 3, 24)


@pytest.mark.parametrize("language, before, sentence, after", [
    ("de", "Die Wahl ist vorbei.", "Am 3. Oktober feiert Deutschland die Einheit, sagte Dr. Müller u.a. in Berlin.", "Ende."),
    ("tr", "Zirve başladı.", "Kazan'da düzenlenen 16. BRICS Zirvesi 22 Ekim'de başladı.", "Putin konuştu."),
    ("ru", "Саммит начался.", "В. В. Путин прибыл в Казань 22 октября.", "Переговоры продолжатся."),
    ("en", "Talks ended.", "The U.N. Security Council will meet on October 22 in New York.", "It wants to join NATO."),
    ("fr", "Le sommet s'ouvre.", "M. Macron se rendra à Rome le 22 octobre.", "Il rentrera ensuite."),
    ("he", "הכנסת התכנסה.", "ההסכם שנוסח בתיווך ארה\"ב ייכנס לתוקף ב-22 באוקטובר.", "ההצבעה נדחתה."),
    ("en", "Markets rose 😀.", "Leaders 🇺🇦 will meet on October 22 in Kyiv.", "Prices fell."),
])
def test_the_quote_is_the_whole_sentence(language, before, sentence, after):
    found = extract(f"{before} {sentence} {after}", language, PUBLISHED)
    assert len(found) == 1 and found["sentence"].iloc[0] == sentence


def test_a_sentence_longer_than_the_column_is_quoted_around_its_date():
    sentence = "Ministers from " + ", ".join(f"country {n}" for n in range(80)) + " will meet on October 22 in Kyiv."
    quote = only_date(sentence, "en", PUBLISHED)[1]
    assert len(quote) <= mentioned_dates.MAX_SENTENCE_CHARS and "on October 22 in Kyiv." in quote
    assert quote.startswith("…") and sentence.endswith(quote[1:])


def test_the_year_less_dates_gold_set_is_consistent(capsys):
    spec = importlib.util.spec_from_file_location("gold_validate", REPO / "tests" / "gold" / "validate.py")
    validate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(validate)
    assert validate.main([str(DATES_GOLD)]) == 0, capsys.readouterr().out


def test_the_year_less_dates_gold_set_is_read_right():
    dates = actor_eval.evaluate_dates(DATES_GOLD)
    scores = actor_eval.scores(dates.assign(all="all"), "all").loc["all"]
    # 44 dates in 11 languages, written with the cue lists in view (tests/gold/README.md): each
    # kind of cue in each language must keep working.
    assert scores["precision"] == 1.0 and scores["recall"] == 1.0, dates[~dates["correct"]]


@pytest.mark.timeout(60)
def test_one_sentence_of_ten_thousand_dates_is_read_in_linear_time():
    # Each date's cues are read in CUE_CONTEXT_CHARS around it, not in its whole sentence: reading
    # the whole 100,000-character sentence for each of the 10,000 dates took 170 s.
    found = extract("am 1. Mai " * 10_000, "de", PUBLISHED)
    assert len(found) == mentioned_dates.MAX_IDENTICAL_DATES and found["occurrences"].sum() == 10_000
    assert (found["date"] == pd.Timestamp("2024-05-01")).all()  # 153 days back, the nearest
