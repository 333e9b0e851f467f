"""Dates in articles: the publication date of each article (and, later, the dates its text mentions).

dateparser reads the words of 200 locales; this module only decides which calendar a date is in,
which day/month order a numeric date uses, and which of dateparser's hits are real dates.
"""
from __future__ import annotations

import email.utils
import functools
import re
from datetime import datetime

import pandas as pd
import babel
import babel.dates
import hijridate
import jdatetime
from dateparser.search import search_dates
from dateparser.timezone_parser import pop_tz_offset_from_string

from core import languages


_TIME = re.compile(r"\b\d{1,2}\s?[:h]\s?\d{2}(?::\d{2})?\b")
_NUMERIC_DATE = re.compile(r"\b(\d{1,4})[./\-](\d{1,2})[./\-](\d{1,4})\b")
_YEAR = re.compile(r"(?<!\d)(?:1[3-4]\d\d|19\d\d|20\d\d)(?!\d)")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")
# Solar Hijri years 1300-1500 are Gregorian 1921-2121; lunar Hijri years 1300-1500 are 1882-2077.
_NON_GREGORIAN_YEARS = range(1300, 1500)
_SOLAR_HIJRI_LANGUAGES = {"fa", "ps"}
_PERSIAN_DIGITS = re.compile("[۰-۹]")
# Day-first is the norm in most of the world's press; US English writes month first. Numeric
# dates with the year first are read year-month-day whatever this says.
_MONTH_FIRST_LANGUAGES = {"en"}
_SETTINGS = {
    "RETURN_AS_TIMEZONE_AWARE": True,
    # A time without a zone is taken as UTC: the press rarely names its zone, and guessing one from
    # the language would be wrong for every exile or foreign-desk outlet.
    "TIMEZONE": "UTC",
    "TO_TIMEZONE": "UTC",
    "PREFER_DAY_OF_MONTH": "first",
}


def _precision(surface: str) -> str:
    return "minute" if _TIME.search(surface) or _CJK_CLOCK.search(surface) else "day"


def _utc(moment: datetime) -> pd.Timestamp:
    stamp = pd.Timestamp(moment)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _plausible(stamp: pd.Timestamp) -> bool:
    return 1900 <= stamp.year <= 2100


def _machine_readable(text: str) -> tuple[pd.Timestamp, str] | None:
    """ISO 8601 (JSON exports, HTML meta) and RFC 822 (feeds) need no language guessing."""
    if _ISO.match(text):
        try:
            stamp = pd.Timestamp(text)
        except ValueError:
            return None
        return _utc(stamp), ("day" if len(text) == 10 else "minute")
    if re.match(r"^([A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}", text):
        try:
            return _utc(email.utils.parsedate_to_datetime(text)), "minute"
        except (TypeError, ValueError):
            return None
    return None


_CLOCK = re.compile(r"(\d{1,2})\s?[:h.]\s?(\d{2})(?::\d{2})?\s*(a\.?\s?m\.?|p\.?\s?m\.?)?", re.I)
# Chinese, Japanese and Korean times: "18時30分", "18点30分", "오후 6시 30분", "下午6:30", "午後3時".
# The half of the day is written before the hour.
_AFTERNOON = ("下午", "午後", "오후", "晚上", "傍晚", "中午")
_MORNING = ("上午", "午前", "오전", "凌晨", "早上")
_CJK_CLOCK = re.compile(
    rf"(?P<half>{'|'.join(_AFTERNOON + _MORNING)})?\s*(?P<hour>\d{{1,2}})\s*"
    r"(?:[:：]\s*(?P<minute>\d{2})|[時时点點시]\s*(?:(?P<minutes>\d{1,2})\s*[分분])?)")


def _clock_after(text: str) -> tuple[int, int] | None:
    """The time of day written after a date ("14:20", "09h30", "7:58 p.m.", "18時30分",
    "오후 6:30"), if any."""
    match = _CLOCK.search(text)
    east = _CJK_CLOCK.search(text)
    if east and (not match or east.start() <= match.start()):
        hour, minute = int(east.group("hour")), int(east.group("minute") or east.group("minutes") or 0)
        half = east.group("half") or ""
        if half in _AFTERNOON and hour < 12:
            hour += 12
        elif half in _MORNING and hour == 12:
            hour = 0
        return (hour, minute) if hour < 24 and minute < 60 else None
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    meridiem = (match.group(3) or "").lower()
    if meridiem.startswith("p") and hour < 12:
        hour += 12
    elif meridiem.startswith("a") and hour == 12:
        hour = 0
    return (hour, minute) if hour < 24 and minute < 60 else None


def _stamp(year: int, month: int, day: int, rest: str) -> tuple[pd.Timestamp, str] | None:
    clock = _clock_after(rest)
    try:
        stamp = pd.Timestamp(year=year, month=month, day=day, hour=clock[0] if clock else 0,
                             minute=clock[1] if clock else 0, tz="UTC")
    except ValueError:
        return None
    return stamp, ("minute" if clock else "day")


def _solar_hijri_to_gregorian(year: int, month: int, day: int) -> tuple[int, int, int]:
    # jdatetime's arithmetic calendar: 5 µs a date. convertdate's astronomical one agrees on
    # 1395-1405 (every month, checked) but costs 30 ms a date, which was most of an ingest.
    gregorian = jdatetime.date(year, month, day).togregorian()
    return gregorian.year, gregorian.month, gregorian.day


def _other_calendar(text: str, language: str | None, had_persian_digits: bool) -> tuple[pd.Timestamp, str] | None:
    """Solar Hijri (Iran, Afghanistan) and lunar Hijri (Umm al-Qura) numeric dates. dateparser
    would read 1403/08/02 as the Gregorian year 1403; jdatetime and hijridate convert them."""
    match = _NUMERIC_DATE.search(text)
    if not match or len(match.group(1)) != 4 or int(match.group(1)) not in _NON_GREGORIAN_YEARS:
        return None
    year, month, day = (int(g) for g in match.groups())
    solar = language in _SOLAR_HIJRI_LANGUAGES or (language is None and had_persian_digits)
    try:
        if solar:
            gregorian = _solar_hijri_to_gregorian(year, month, day)
        else:
            converted = hijridate.Hijri(year, month, day).to_gregorian()
            gregorian = (converted.year, converted.month, converted.day)
    except (ValueError, OverflowError):
        return None
    return _zoned(*gregorian, text[match.end():])


# Year-month-day with the characters of Chinese and Japanese (年月日) and Korean (년월일), the
# year in the Western count or in a Japanese era (令和6年 is 2024) or the Republic of China's
# (民國113年, Taiwan's official count). "元年" is an era's first year.
_ERA_START = {"令和": 2018, "平成": 1988, "昭和": 1925, "民國": 1911, "民国": 1911}
_CJK_DATE = re.compile(
    rf"(?:(?P<era>{'|'.join(_ERA_START)})\s*(?P<era_year>\d{{1,3}}|元)|(?<!\d)(?P<year>\d{{4}}))\s*[年년]\s*"
    r"(?P<month>\d{1,2})\s*[月월]\s*(?P<day>\d{1,2})\s*[日일号號]?")
# Korean papers write "2024. 7. 25." (and "2024.07.25."): year first, a full stop after each part.
_DOTTED_YEAR_FIRST = re.compile(r"(?<!\d)(\d{4})\.\s?(\d{1,2})\.\s?(\d{1,2})\.?(?!\d)")


def _east_asian(text: str) -> tuple[pd.Timestamp, str] | None:
    """Dates written the Chinese, Japanese or Korean way, read here: dateparser reads
    2024年7月25日 but not an era's year, nor the time after it (18時30分, 오후 6시)."""
    match = _CJK_DATE.search(text)
    if match:
        if match.group("era"):
            era_year = match.group("era_year")
            year = _ERA_START[match.group("era")] + (1 if era_year == "元" else int(era_year))
        else:
            year = int(match.group("year"))
        return _zoned(year, int(match.group("month")), int(match.group("day")), text[match.end():])
    match = _DOTTED_YEAR_FIRST.search(text)
    if match:
        return _zoned(*(int(g) for g in match.groups()), text[match.end():])
    return None


@functools.lru_cache(maxsize=128)
def _month_patterns(language: str | None) -> tuple[tuple[re.Pattern, ...], dict[str, int]] | tuple[()]:
    """Day-month-year and month-day-year with the language's month names from CLDR (Babel).

    dateparser costs 2-5 ms a date line (measured on the sample corpus); a date line with a month
    name is read here in microseconds, and dateparser stays the fallback for every other form.
    """
    if not language:
        return ()
    try:
        locale = babel.Locale.parse(language)
    except (ValueError, babel.UnknownLocaleError):
        return ()
    names: dict[str, int] = {}
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            for number, name in babel.dates.get_month_names(width, context, locale).items():
                names[name.casefold().rstrip(".")] = number
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True) if n)
    months = rf"(?P<month>{alternation})\.?"
    day = r"(?P<day>\d{1,2})(?:\.|er|st|nd|rd|th|-?го|-?е)?"
    year = r"(?P<year>\d{4})"
    glue = r"[\s,]+(?:de\s+|del\s+)?"
    return tuple(re.compile(p, re.I) for p in (
        rf"(?<!\d){day}{glue}{months}{glue}{year}(?!\d)",
        rf"(?<!\w){months}\s+{day},?\s+{year}(?!\d)",
    )), names


def _month_name_date(text: str, language: str | None) -> tuple[pd.Timestamp, str] | None:
    found = _month_patterns(language)
    if not found:
        return None
    patterns, names = found
    lowered = text.casefold()
    for pattern in patterns:
        match = pattern.search(lowered)
        if match:
            month = names.get(match.group("month").rstrip("."))
            if month is None:
                continue
            return _zoned(int(match.group("year")), month, int(match.group("day")), text[match.end():])
    return None


@functools.lru_cache(maxsize=64)
def _dateparser_languages(language: str | None) -> tuple[str, ...] | None:
    if not language:
        return None
    try:
        search_dates("1 2024", languages=[language])
    except ValueError:
        return None
    return (language,)


def _numeric(text: str, language: str | None) -> tuple[pd.Timestamp, str] | None:
    """All-digit dates (26.04.2024, 2024/04/26, 14.04.24) are read here, without dateparser: the
    day/month order is the only question, and they are most of the press's date lines."""
    match = _NUMERIC_DATE.search(text)
    if not match:
        return None
    a, b, c = (int(g) for g in match.groups())
    if len(match.group(1)) == 4:
        year, month, day = a, b, c
    else:
        year = c + 2000 if len(match.group(3)) == 2 else c
        day, month = (b, a) if language in _MONTH_FIRST_LANGUAGES else (a, b)
        if month > 12 >= day:
            day, month = month, day
    return _zoned(year, month, day, text[match.end():])


def _zoned(year: int, month: int, day: int, rest: str) -> tuple[pd.Timestamp, str] | None:
    """The date with the time written after it, converted to UTC when a zone is named
    ("+03:00", "ET", "MSK"); a time without a zone is taken as UTC."""
    found = _stamp(year, month, day, rest)
    if found is None or found[1] != "minute":
        return found
    _, zone = pop_tz_offset_from_string(rest)
    if zone is None:
        return found
    return found[0].tz_localize(None).tz_localize(zone).tz_convert("UTC"), "minute"


def _has_day_and_year(surface: str) -> bool:
    """A publication date names its day and its year; dateparser would fill a missing year (or
    take "in 2024" as 1 January) from today's clock."""
    without_time = _TIME.sub(" ", surface)
    if _NUMERIC_DATE.search(without_time):
        return True
    numbers = re.findall(r"\d+", without_time)
    return bool(_YEAR.search(without_time)) and any(len(n) <= 2 for n in numbers)


@functools.lru_cache(maxsize=4096)
def parse_published(text: str | None, language: str | None = None) -> tuple[pd.Timestamp | None, str | None]:
    """Find the publication date in a date line, a feed field or a spreadsheet cell.

    Returns ``(timestamp, precision)``: a UTC timestamp and "day" when only the date is known or
    "minute" when a time is given; ``(None, None)`` when the text holds no date with a day and a
    year. Today's date is never returned for a text that does not state one.
    """
    if text is None or not str(text).strip():
        return None, None
    original = str(text).strip()
    ascii_digits = languages.normalize_digits(original)
    found = (_machine_readable(ascii_digits)
             or _other_calendar(ascii_digits, language, _PERSIAN_DIGITS.search(original) is not None)
             or _east_asian(ascii_digits)
             or _numeric(ascii_digits, language)
             or _month_name_date(ascii_digits, language))
    if found:
        return found if _plausible(found[0]) else (None, None)
    if not _has_day_and_year(ascii_digits):
        return None, None
    settings = dict(_SETTINGS, DATE_ORDER="MDY" if language in _MONTH_FIRST_LANGUAGES else "DMY")
    known = _dateparser_languages(language)
    hits = search_dates(ascii_digits, languages=list(known) if known else None, settings=settings) or []
    for surface, moment in hits:
        if not _has_day_and_year(surface):
            continue
        stamp = _utc(moment)
        if _plausible(stamp):
            return stamp, _precision(surface)
    return None, None


# A date line is short: a weekday, a label, a date, a time, a city. More words make it a sentence.
MAX_DATE_LINE_WORDS = 10
# Words of three letters or more left once labels and month names are gone (weekday, city, zone).
MAX_DATE_LINE_LETTER_WORDS = 4


def _month_names(language: str | None) -> dict[str, int]:
    found = _month_patterns(language)
    return found[1] if found else {}


def read_date_line(line: str, language: str | None, labels: re.Pattern | None = None) -> tuple[bool, pd.Timestamp | None, str | None]:
    """Whether a line of a scraped page is a date line (site furniture), and the date it gives.

    ``labels`` matches the words that introduce dates ("Publié le", "Stand", "آخر تحديث").
    Returns ``(is_date_line, timestamp, precision)``. A labelled time without a date ("Last
    updated: 21:43") is a date line with no timestamp.
    """
    ascii_digits = languages.normalize_digits(line)
    if not re.search(r"\d", ascii_digits) or languages.word_count(ascii_digits) > MAX_DATE_LINE_WORDS * 2:
        return False, None, None
    lowered = ascii_digits.casefold()
    unlabelled = labels.sub(" ", lowered) if labels is not None else lowered
    months = _month_names(language)
    # A run of Chinese or Japanese is several words ("2024年7月25日，外交部长王毅在万象会见…" is a
    # sentence, not a date line): such runs are counted by languages.word_count.
    words = sum(languages.word_count(w) for w in re.findall(r"[^\W\d_]{3,}", unlabelled) if w not in months)
    if words > MAX_DATE_LINE_LETTER_WORDS:
        return False, None, None
    stamp, precision = parse_published(line, language) if _has_day_and_year(ascii_digits) else (None, None)
    if stamp is not None:
        return True, stamp, precision
    if _TIME.search(ascii_digits) and unlabelled != lowered:
        return True, None, None
    return False, None, None
