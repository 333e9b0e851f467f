"""Dates an article mentions, for the event timeline: "31. Juli", "13 نيسان", "le 3 janvier",
"۲۳ فروردین", "15.03.2024", and relative ones ("mercredi", "الجمعة", "yesterday", "вчера")
resolved against the publication date.

A day and month written without a year, and a bare weekday, take the direction their sentence
gives (``date_cues``: "next"/"last" beside them, "since", a year phrase, the tense of their
clause); a day and month without one is the nearest such day to publication (within six months
either side), a weekday without one the latest on or before publication. The quote is the whole
sentence (``sentences``: ICU's sentence rules, which keep "Am 22. September" whole).

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

from core.actors import date_cues, date_words
from core.actors.passages import windows
from core.actors.sentences import MAX_SENTENCE_CHARS, Sentences
from core.languages import normalize_digits
from core.schema import MENTIONED_DATE_COLUMNS, require_columns

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
RELATIVE_DAYS = {"1 day ago": -1, "0 day ago": 0, "in 1 day": 1}
# Abbreviations ("mer", "ср", "Mi") are also ordinary words; in running text only full names count.
MIN_NAME_LETTERS = 4
# A date the sentence puts in the future may be up to this many days before publication, and one
# it puts in the past this many days after: feeds date an article when it is published or
# updated, often the day after it was written ("will meet on 15 July" in a 16 July update), and
# in UTC, a day off local time.
GRACE_DAYS = 2
# The cues of a date are read in at most this many characters of its sentence on either side: far
# more than the words a cue may stand from it (date_cues.MAX_CUE_DISTANCE), and a text of one
# 100,000-character "sentence" of dates is read in time proportional to its length.
CUE_CONTEXT_CHARS = 300
# Month names of this language are capitalised, and lower-case forms are other words ("may").
_CAPITALISED_MONTHS = {"en", "de"}
_EXTRA_LOCALES = {"ar": ("ar_LB", "ar_SY", "ar_IQ", "ar_JO")}  # Levantine/Iraqi month names
_PREFIXES = {"he": "(?:[ובלמה]-?)?", "ar": "(?:[وفبل])?", "fa": ""}
_LETTER = r"[^\W\d_]"
_MARKS = "\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963"


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
    weekdays.update(date_words.WEEKDAY_FORMS.get(language, {}))
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
    # Chinese and Japanese write no space around 昨天, 昨日: a letter beside one says nothing.
    # Devanagari vowel signs are marks, not letters, to ``re``: कल is not inside निकल.
    before, after = ("", "") if language in ("zh", "ja") else (f"(?<!{_LETTER})(?<![{_MARKS}])", f"(?!{_LETTER}|[{_MARKS}])")
    relative_pattern = re.compile(rf"{before}{prefix}(?P<word>{_alternation(words)}){after}",
                                  re.IGNORECASE | re.UNICODE) if words else None
    return absolute, numeric, relative_pattern, {w.casefold(): v for w, v in words.items()}, {
        m.casefold(): n for m, n in months.items()}


def _candidates(month: int, day: int, reference: date, solar: bool, offset: int | None) -> list[date]:
    """The days this day and month can be near ``reference`` (the calendar year before, the same and
    after, in the Solar Hijri calendar when ``solar``), or in the year ``offset`` from it."""
    year = jdatetime.date.fromgregorian(date=reference).year if solar else reference.year
    years = (year - 1, year, year + 1) if offset is None else (year + offset,)
    options = []
    for number in years:
        try:
            options.append(jdatetime.date(number, month, day).togregorian() if solar else date(number, month, day))
        except ValueError:
            continue
    return options


def _with_year(year: int, month: int, day: int, solar: bool) -> date | None:
    """A date written with its year (a Solar Hijri one in Persian when the year is before 1700);
    None for a day the month does not have."""
    try:
        return jdatetime.date(year, month, day).togregorian() if solar and year < 1700 else date(year, month, day)
    except ValueError:
        return None


def _day_month(month: int, day: int, reference: date, solar: bool, cue: date_cues.Cue) -> date | None:
    """The date of a day and month written without a year."""
    options = _candidates(month, day, reference, solar, cue.year_offset)
    if cue.year_offset is None:
        grace = timedelta(days=GRACE_DAYS)
        if cue.direction == date_cues.NEXT:
            options = [d for d in options if d >= reference - grace][:1]
        elif cue.direction == date_cues.LAST:
            options = [d for d in options if d <= reference + grace][-1:]
    if not options:
        return None
    # The nearest (a tie goes to the past): a year's candidates are a year apart, so the nearest
    # is at most about six months away.
    return min(options, key=lambda d: (abs((d - reference).days), d > reference))


def _weekday(value: int, reference: date, cue: date_cues.Cue) -> date:
    """A bare weekday: the latest such day on or before ``reference``, unless the sentence puts it
    ahead: then the first on or after it, or after it when "next" stands beside it."""
    if cue.direction == date_cues.NEXT:
        ahead = (value - reference.weekday()) % 7
        return reference + timedelta(days=ahead or (7 if cue.attached else 0))
    return reference - timedelta(days=(reference.weekday() - value) % 7)


def _find(text: str, language: str | None, reference: date | None, sentences: Sentences | None = None,
          shift: int = 0) -> list[tuple[int, int, date, str]]:
    """(start, end, date, kind) of every date in ``text``. ``sentences`` splits the text around it,
    where ``text`` starts at offset ``shift`` (by default, ``text`` itself)."""
    absolute, numeric, relative_pattern, words, months = _patterns(language)
    solar = _vocabulary(language)[3]
    original = text
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

    def cue(start, end) -> date_cues.Cue:
        nonlocal sentences
        sentences = sentences or Sentences(original, language)
        first, last = sentences.span(start + shift)
        first, last = max(first, start + shift - CUE_CONTEXT_CHARS), min(last, end + shift + CUE_CONTEXT_CHARS)
        return date_cues.read(sentences.text[first:last], start + shift - first, end + shift - first, language)

    # Before the month names: CLDR's Korean and Japanese ones (7월, 7月) would take 7월 3 of 7월 3일.
    if language in _EAST_ASIAN:
        for match in _EAST_ASIAN_DATE.finditer(text):
            if not free(match.start(), match.end()):
                continue
            when = _east_asian(match, reference, language, lambda: cue(match.start(), match.end()),
                               original, match.start(), match.end())
            if when:
                found.append((match.start(), match.end(), when, "absolute"))
                take(match.start(), match.end())
    for pattern in absolute:
        for match in pattern.finditer(text):
            if not free(match.start(), match.end()):
                continue
            month = months.get(match.group("month").casefold())
            day = int(match.group("day"))
            if month is None or not 1 <= day <= 31:
                continue
            if match.group("year"):
                when = _with_year(int(match.group("year")), month, day, solar)
            elif reference is not None:
                when = _day_month(month, day, reference, solar, cue(match.start(), match.end()))
            else:
                when = None
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
            start = match.start("word")
            if kind == "weekday":
                when = _weekday(value, reference, cue(start, match.end()))
            elif match.group("word").casefold() in _EITHER_WAY.get(language, ()):
                # Hindi कल is yesterday and tomorrow: tomorrow in a future clause (कल पहुंचेंगे),
                # else yesterday, as news reports mostly what was said and done.
                when = reference + timedelta(days=1 if cue(start, match.end()).direction == date_cues.NEXT else -1)
            else:
                when = reference + timedelta(days=value)
            found.append((start, match.end(), when, "relative"))
            take(start, match.end())
    return sorted(found)


_EAST_ASIAN = {"zh", "ja", "ko"}
# Relative words that point either way, read by the tense of their clause.
_EITHER_WAY = {"hi": ("कल",)}
# 2024年7月25日, 7月25日, 25日, 25号; 2024년 7월 25일, 25일. Not a count of days (3日間, 3日内, 3일간)
# nor Japan (日本, 일본), nor 일부 ("some").
_EAST_ASIAN_DATE = re.compile(r"(?<![\d:.])(?:(?P<year>\d{4})[ \u3000]*[年년][ \u3000]*)?"
                              r"(?:(?P<month>\d{1,2})[ \u3000]*[月월][ \u3000]*)?"
                              r"(?P<day>\d{1,2})[ \u3000]*(?:[日号號](?![本間间内])|일(?![간본부]))")
_UNSPACED_CLAUSE = re.compile(r"[。！？!?；;\n]")


def _east_asian(match: re.Match, reference: date | None, language: str, read_cue, text: str, start: int,
                end: int) -> date | None:
    """The day of a Chinese, Japanese or Korean date: in full, a month and day (the way its
    clause points, else the nearest), or a day alone (in the month of publication, the one before
    or the one after, chosen the same way: 26日 in a 25 July article is 26 July)."""
    day = int(match.group("day"))
    if match.group("year") and match.group("month"):
        return _with_year(int(match.group("year")), int(match.group("month")), day, False)
    if reference is None or match.group("year"):
        return None
    cue = read_cue() if language == "ko" else _unspaced_cue(text, start, end, language)
    if match.group("month"):
        return _day_month(int(match.group("month")), day, reference, False, cue) if 1 <= int(match.group("month")) <= 12 else None
    options = []
    for shift in (-1, 0, 1):
        month_index = reference.year * 12 + reference.month - 1 + shift
        try:
            options.append(date(month_index // 12, month_index % 12 + 1, day))
        except ValueError:
            continue
    grace = timedelta(days=GRACE_DAYS)
    if cue.direction == date_cues.NEXT:
        options = [d for d in options if d >= reference - grace][:1]
    elif cue.direction == date_cues.LAST:
        options = [d for d in options if d <= reference + grace][-1:]
    return min(options, key=lambda d: (abs((d - reference).days), d > reference)) if options else None


def _unspaced_cue(text: str, start: int, end: int, language: str) -> date_cues.Cue:
    """Which way a Chinese or Japanese date points: a future or past marker of
    ``date_words.UNSPACED_CUES`` in its clause, the future first (将于26日启程)."""
    before = _UNSPACED_CLAUSE.split(text[max(0, start - CUE_CONTEXT_CHARS):start])[-1]
    after_text = text[end:end + CUE_CONTEXT_CHARS]
    stop = _UNSPACED_CLAUSE.search(after_text)
    clause = before + after_text[:stop.end() if stop else len(after_text)]
    future, past = date_words.UNSPACED_CUES.get(language, ((), ()))
    direction = (date_cues.NEXT if any(w in clause for w in future)
                 else date_cues.LAST if any(w in clause for w in past) else date_cues.NONE)
    return date_cues.Cue(direction=direction, year_offset=None, attached=False)


# As for actor mentions (finding.MAX_IDENTICAL_MENTIONS, MAX_MENTION_ROWS): an article
# that writes one date in one form more often than this keeps this many rows and counts the rest
# on the last one; the sample corpus repeats a date at most 3 times in an article.
MAX_IDENTICAL_DATES = 20
# Date rows kept per article whatever it holds (a calendar page); the sample corpus has at most 9.
# Beyond it, dates already kept are counted on their last row and new ones left out.
MAX_DATE_ROWS = 2_000
# Beyond the longest quote on each side: a sentence that starts this far before a piece is quoted
# as MAX_SENTENCE_CHARS around its date either way.
SENTENCE_MARGIN = 2 * MAX_SENTENCE_CHARS


def extract(articles: pd.DataFrame) -> pd.DataFrame:
    """Every date the articles mention, resolved to a calendar day.

    Needs: articles[article_id, title, text, language, published]. The publication date is the
    reference for relative dates and for dates written without a year; an undated article keeps
    only its fully written dates. A day and month without a year goes the way its sentence says
    ("next", "last", "since", "last year", the tense of its clause; see ``date_cues``), else to the
    nearest such day; a bare weekday is the latest on or before publication unless its sentence
    puts it ahead. Long fields are read in the pieces actor matching uses (``passages.windows``).
    Returns MENTIONED_DATE_COLUMNS, ``sentence`` the whole sentence (at most
    ``sentences.MAX_SENTENCE_CHARS``, cut around the date beyond that); ``occurrences`` counts the
    mentions of a date beyond MAX_IDENTICAL_DATES on the last row kept of it.
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
                # Sentences are cut in the piece and SENTENCE_MARGIN characters either side, so that
                # one cut by the piece's end is quoted (and read for cues) as in the whole text.
                around = max(0, offset - SENTENCE_MARGIN), min(len(body), stop + SENTENCE_MARGIN)
                sentences = Sentences(body[around[0]:around[1]] if around != (0, len(body)) else body, language)
                shift = offset - around[0]
                for start, end, when, kind in _find(piece, language, reference, sentences, shift):
                    key = (field, piece[start:end], when, kind)
                    seen = kept.get(key)
                    if seen is not None and (seen[0] >= MAX_IDENTICAL_DATES or article_rows >= MAX_DATE_ROWS):
                        seen[1]["occurrences"] += 1
                        continue
                    if article_rows >= MAX_DATE_ROWS:
                        continue
                    row = {"article_id": article_id, "date": pd.Timestamp(when), "kind": kind, "field": field,
                           "start": offset + start, "end": offset + end, "surface": piece[start:end],
                           "sentence": sentences.at(start + shift, end + shift), "occurrences": 1}
                    rows.append(row)
                    article_rows += 1
                    kept[key] = [1 if seen is None else seen[0] + 1, row]
    frame = pd.DataFrame(rows, columns=MENTIONED_DATE_COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[us]")
    return frame.astype({"start": "int64", "end": "int64", "occurrences": "int64"})
