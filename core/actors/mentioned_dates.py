"""Dates an article mentions, for the event timeline: "31. Juli", "13 نيسان", "le 3 janvier",
"۲۳ فروردین", "15.03.2024", and relative ones ("mercredi", "الجمعة", "yesterday", "вчера")
resolved against the publication date.

Month names come from CLDR (Babel, including the Levantine and Iraqi Arabic month names) and from
dateparser's language data, which also gives the weekday names and the words for yesterday,
today and tomorrow; Solar Hijri month names and the calendar conversion come from jdatetime.
dateparser's own ``search_dates`` is not used on whole articles: it costs milliseconds per
sentence and reads ordinary words as dates (German "Die" as Dienstag).
"""
from __future__ import annotations

import bisect
import functools
import re
from datetime import date, timedelta

import babel
import babel.dates
import icu  # PyICU (pyicu-wheels)
import jdatetime
import pandas as pd
from dateparser.languages.loader import default_loader

from core.actors.passages import Sentences, windows
from core.languages import normalize_digits
from core.schema import MENTIONED_DATE_COLUMNS, require_columns

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
RELATIVE_DAYS = {"1 day ago": -1, "0 day ago": 0, "in 1 day": 1}
# Abbreviations ("mer", "ср", "Mi") are also ordinary words; in running text only full names count.
MIN_NAME_LETTERS = 4
MAX_DAYS_AHEAD = 14
# Month names of this language are capitalised, and lower-case forms are other words ("may").
_CAPITALISED_MONTHS = {"en", "de"}
_EXTRA_LOCALES = {"ar": ("ar_LB", "ar_SY", "ar_IQ", "ar_JO")}  # Levantine/Iraqi month names
_PREFIXES = {"he": "(?:[ובלמה]-?)?", "ar": "(?:[وفبل])?", "fa": ""}
_LETTER = r"[^\W\d_]"


def _locale_info(language: str) -> dict:
    try:
        return default_loader.get_locale(language).info
    except (KeyError, ValueError, AttributeError):
        return {}


# Scripts whose short month and weekday names are abbreviations; elsewhere (Arabic, Hebrew) a
# three-letter name is the full name.
_ABBREVIATING_SCRIPTS = icu.UnicodeSet("[[:Script=Latin:][:Script=Cyrillic:][:Script=Greek:]]")


def _full_names(names) -> list[str]:
    return [n for n in names if sum(ch.isalpha() for ch in n) >= MIN_NAME_LETTERS or
            (len(n) >= 3 and not _ABBREVIATING_SCRIPTS.containsSome(n))]


@functools.lru_cache(maxsize=64)
def _vocabulary(language: str | None) -> tuple[dict[str, int], dict[str, int], dict[str, int], bool]:
    """(month names -> 1-12, weekday names -> 0-6, relative day words -> offset, solar months?)."""
    language = language or "en"
    months: dict[str, int] = {}
    locales = (language,) + _EXTRA_LOCALES.get(language, ())
    for name in locales:
        try:
            locale = babel.Locale.parse(name)
        except (ValueError, babel.UnknownLocaleError):
            continue
        for context in ("format", "stand-alone"):
            for number, month in babel.dates.get_month_names("wide", context, locale).items():
                months[month] = number
    info = _locale_info(language)
    for number, key in enumerate(MONTHS, 1):
        for month in _full_names(info.get(key, ())):
            months.setdefault(month, number)
    solar = language in ("fa", "ps")
    if solar:
        months = {variant: number for number, name in enumerate(jdatetime.date.j_months_fa, 1)
                  for variant in (name, name.replace("ی", "ي"))}  # sites write Persian ye or Arabic ya
    weekdays = {}
    for number, key in enumerate(WEEKDAYS):
        for name in _full_names(info.get(key, ())):
            if language == "he" and "יום" not in name:
                continue  # bare שני, שלישי are also "second", "third"
            weekdays[name] = number
    relative = {word: offset for key, offset in RELATIVE_DAYS.items() for word in info.get("relative-type", {}).get(key, ())}
    return months, weekdays, relative, solar


def _alternation(names) -> str:
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


@functools.lru_cache(maxsize=64)
def _patterns(language: str | None):
    months, weekdays, relative, _ = _vocabulary(language)
    flags = re.UNICODE if (language or "en") in _CAPITALISED_MONTHS else re.IGNORECASE | re.UNICODE
    prefix = _PREFIXES.get(language or "", "")
    month = rf"{prefix}(?P<month>{_alternation(months)})(?!{_LETTER})"
    day = r"(?<!\d)(?P<day>[0-3]?\d)(?:\.|er|º|st|nd|rd|th|-?го|-?е|-?ого)?(?!\d)"
    year = r"(?:[\s,]+(?P<year>\d{4}))?(?!\d)"
    glue = r"[\s,]+(?:de\s+|del\s+)?"
    absolute = [re.compile(rf"{day}{glue}{month}{year}", flags),
                re.compile(rf"(?<!{_LETTER}){month}\s+{day}(?:st|nd|rd|th)?{year}", flags)]
    numeric = re.compile(r"(?<![\d.])(?P<a>[0-3]?\d)[./](?P<b>[01]?\d)[./](?P<year>\d{4})(?![\d])")
    words = {**{w: ("weekday", n) for w, n in weekdays.items()}, **{w: ("relative", n) for w, n in relative.items()}}
    relative_pattern = re.compile(rf"(?<!{_LETTER}){prefix}(?P<word>{_alternation(words)})(?!{_LETTER})",
                                  re.IGNORECASE | re.UNICODE) if words else None
    return absolute, numeric, relative_pattern, {w.casefold(): v for w, v in words.items()}, {
        m.casefold(): n for m, n in months.items()}


def _nearest_year(month: int, day: int, reference: date, solar: bool) -> date | None:
    """The year of a day and month written without one."""
    options = []
    if solar:
        persian_year = jdatetime.date.fromgregorian(date=reference).year
        for year in (persian_year - 1, persian_year, persian_year + 1):
            try:
                options.append(jdatetime.date(year, month, day).togregorian())
            except ValueError:
                continue
    else:
        for year in (reference.year - 1, reference.year, reference.year + 1):
            try:
                options.append(date(year, month, day))
            except ValueError:
                continue
    if not options:
        return None
    # News looks back: a day-month without a year is the latest past one, unless it is only
    # days ahead (an announced meeting).
    upcoming = [d for d in options if 0 < (d - reference).days <= MAX_DAYS_AHEAD]
    past = [d for d in options if d <= reference]
    return min(upcoming) if upcoming else (max(past) if past else min(options))


def _absolute(month: int, day: int, year: str | None, reference: date | None, solar: bool) -> date | None:
    if year:
        try:
            if solar and int(year) < 1700:
                return jdatetime.date(int(year), month, day).togregorian()
            return date(int(year), month, day)
        except ValueError:
            return None
    return _nearest_year(month, day, reference, solar) if reference else None


def _find(text: str, language: str | None, reference: date | None) -> list[tuple[int, int, date, str]]:
    absolute, numeric, relative_pattern, words, months = _patterns(language)
    solar = _vocabulary(language)[3]
    text = normalize_digits(text)  # one character for one: offsets stay those of the original
    found: list[tuple[int, int, date, str]] = []
    # Spans already read as dates, sorted and never overlapping, so that a new match is checked
    # against its two neighbours: checking it against every span took a text of n dates n^2 steps.
    starts: list[int] = []
    ends: list[int] = []

    def free(start, end):
        k = bisect.bisect_right(starts, start)
        return (k == 0 or ends[k - 1] <= start) and (k == len(starts) or starts[k] >= end)

    def take(start, end):
        k = bisect.bisect_right(starts, start)
        starts.insert(k, start)
        ends.insert(k, end)

    for pattern in absolute:
        for match in pattern.finditer(text):
            if not free(match.start(), match.end()):
                continue
            month = months.get(match.group("month").casefold())
            day = int(match.group("day"))
            if month is None or not 1 <= day <= 31:
                continue
            when = _absolute(month, day, match.group("year"), reference, solar)
            if when:
                found.append((match.start(), match.end(), when, "absolute"))
                take(match.start(), match.end())
    for match in numeric.finditer(text):
        if not free(match.start(), match.end()):
            continue
        first, second = int(match.group("a")), int(match.group("b"))
        day, month = (second, first) if language == "en" and first <= 12 else (first, second)
        try:
            when = date(int(match.group("year")), month, day)
        except ValueError:
            continue
        found.append((match.start(), match.end(), when, "absolute"))
        take(match.start(), match.end())
    if relative_pattern is not None and reference is not None:
        for match in relative_pattern.finditer(text):
            if not free(match.start(), match.end()):
                continue
            kind, value = words[match.group("word").casefold()]
            if kind == "weekday":
                when = reference - timedelta(days=(reference.weekday() - value) % 7)
            else:
                when = reference + timedelta(days=value)
            start = match.start("word")
            found.append((start, match.end(), when, "relative"))
            take(start, match.end())
    return sorted(found)


# As for actor mentions (finding.MAX_IDENTICAL_MENTIONS, MAX_MENTION_ROWS): an article
# that writes one date in one form more often than this keeps this many rows and counts the rest
# on the last one; the sample corpus repeats a date at most 3 times in an article.
MAX_IDENTICAL_DATES = 20
# Date rows kept per article whatever it holds (a calendar page); the sample corpus has at most 9.
# Beyond it, dates already kept are counted on their last row and new ones left out.
MAX_DATE_ROWS = 2_000


def extract(articles: pd.DataFrame) -> pd.DataFrame:
    """Every date the articles mention, resolved to a calendar day.

    Needs: articles[article_id, title, text, language, published]. The publication date is the
    reference for relative dates and for dates written without a year; an undated article keeps
    only its fully written dates. A bare weekday is the latest such day on or before publication
    (news reports the past). Long fields are read in the pieces actor matching uses
    (``passages.windows``). Returns MENTIONED_DATE_COLUMNS; ``occurrences`` counts the mentions of
    a date beyond MAX_IDENTICAL_DATES on the last row kept of it.
    """
    require_columns(articles, ("article_id", "title", "text", "language", "published"), stage="mentioned_dates")
    rows = []
    for article_id, title, text, language, published in zip(
            articles["article_id"], articles["title"], articles["text"], articles["language"], articles["published"]):
        language = None if pd.isna(language) else language
        reference = None if pd.isna(published) else pd.Timestamp(published).date()
        kept: dict[tuple, list] = {}  # (field, surface, date, kind) -> [rows kept, last row kept]
        article_rows = 0
        for field, body in (("title", title), ("text", text)):
            body = "" if pd.isna(body) else str(body)
            for offset, stop in windows(body):
                piece = body[offset:stop] if stop - offset < len(body) else body
                sentences = Sentences(piece)
                for start, end, when, kind in _find(piece, language, reference):
                    key = (field, piece[start:end], when, kind)
                    seen = kept.get(key)
                    if seen is not None and (seen[0] >= MAX_IDENTICAL_DATES or article_rows >= MAX_DATE_ROWS):
                        seen[1]["occurrences"] += 1
                        continue
                    if article_rows >= MAX_DATE_ROWS:
                        continue
                    row = {"article_id": article_id, "date": pd.Timestamp(when), "kind": kind, "field": field,
                           "start": offset + start, "end": offset + end, "surface": piece[start:end],
                           "sentence": sentences.at(start), "occurrences": 1}
                    rows.append(row)
                    article_rows += 1
                    kept[key] = [1 if seen is None else seen[0] + 1, row]
    frame = pd.DataFrame(rows, columns=MENTIONED_DATE_COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[us]")
    return frame.astype({"start": "int64", "end": "int64", "occurrences": "int64"})
