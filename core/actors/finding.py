"""Actors in articles: who is named, in the article's own language and script, resolved to one actor.

Three steps, each a function over frames:
1. ``find_mentions``: dictionary aliases are looked up word by word under the keys of
   ``core.spelling`` (folded, stemmed, clitics removed, short case endings), longest alias first;
   an alias two actors share, or one the dictionary marks ambiguous, only counts in an article
   that names one of its actors unambiguously. People outside the dictionary are found by cues
   (a title before the name, a known given name starting it) and every later use of their surname
   in the same article.
2. ``resolve_discovered``: the discovered names of the whole corpus are grouped into actors by
   consonant skeleton (``spelling.skeleton``) and fuzzy similarity (rapidfuzz), across scripts.
3. ``apply_corrections``: the analysts' merges, splits, renames and ignores.

``extract`` runs the three. Method and measured quality: ``docs/actors.md``.
"""
from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd
from babel import Locale, UnknownLocaleError

from core.actors import spelling
from core.actors.actor_dictionary import Dictionary, find_actor, slug
from core.schema import ACTOR_COLUMNS, MENTION_COLUMNS, require_columns

# Confidence of a match, by how it was made.
CONFIDENCE = {"alias": 1.0, "stem": 0.95, "inflection": 0.85, "metonym": 0.8, "context": 0.75}
DISCOVERED_CONFIDENCE = {"title": 0.8, "given_name": 0.7, "surname": 0.7}
# Two discovered surnames in different scripts are one actor at this skeleton similarity (0-100).
SURNAME_SIMILARITY = 85
GIVEN_NAME_SIMILARITY = 60
MIN_SKELETON = 3
# A surname met alone in another article must be this long (letters) to be taken for a known name.
MIN_CORPUS_SURNAME = 5
MAX_NAME_WORDS = 4
# Words between a title and the name it introduces: "Russian Foreign Minister, Sergei Lavrov",
# "وزير الدفاع الإيراني محمد أشتياني", "le secrétaire d'État allemand aux affaires étrangères, X".
MAX_WORDS_AFTER_TITLE = 4


@dataclass(frozen=True)
class _Entry:
    actor_id: str
    kind: str
    ambiguous: bool
    tokens: tuple[frozenset, ...]    # keys of each alias word
    folded: tuple[str, ...]
    acronym: tuple[bool, ...]
    capitalised: tuple[bool, ...]


@functools.lru_cache(maxsize=32)
def _calendar_words(language: str | None) -> frozenset[str]:
    """Month and weekday names (CLDR), which are capitalised in many languages but never actors."""
    try:
        locale = Locale.parse(language or "en")
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("en")
    found = set()
    for table in (locale.months, locale.days):
        for context in table.values():
            for width in context.values():
                found.update(spelling.fold(name) for name in width.values())
    return frozenset(found)


@functools.lru_cache(maxsize=64)
def _stopwords(language: str | None, folded: bool = True) -> frozenset[str]:
    import stopwordsiso  # word lists shipped in the package, 50+ languages

    try:
        words = stopwordsiso.stopwords(language or "en")
    except (KeyError, ValueError):
        return frozenset()
    return frozenset(spelling.fold(w) if folded else w.casefold() for w in words)


def _script(text: str) -> str:
    for ch in text:
        if ch.isalpha():
            code = ord(ch)
            if code < 0x250:
                return "latin"
            if 0x370 <= code < 0x400:
                return "greek"
            if 0x400 <= code < 0x530:
                return "cyrillic"
            if 0x590 <= code < 0x600:
                return "hebrew"
            if 0x600 <= code < 0x780:
                return "arabic"
            return "other"
    return "other"


_LANGUAGE_SCRIPT = {**dict.fromkeys(("ar", "fa", "ur", "ps", "ku"), "arabic"), **dict.fromkeys(("he", "yi"), "hebrew"),
                    **dict.fromkeys(("ru", "uk", "be", "bg", "sr"), "cyrillic"), "el": "greek",
                    **dict.fromkeys(("zh", "ja", "ko", "hi", "bn", "th", "am", "ka", "hy"), "other")}
# An alias written for another language of the same script ("Patrushev" in a French article) is
# used when it is long enough not to be an ordinary word there (Turkish "Şi" is French "Si").
MIN_FOREIGN_ALIAS = 5
MIN_UNCASED_GIVEN_NAME = 3  # letters, for a given name taken from a dictionary name (see _Index)


class _Index:
    """Dictionary aliases keyed for one article language."""

    def __init__(self, dictionary: Dictionary, language: str | None):
        self.language = language
        script = _LANGUAGE_SCRIPT.get(language or "", "latin")
        by_key: dict[str, list[_Entry]] = defaultdict(list)
        self.words: dict[str, _Word] = {}
        self.given_names = set(dictionary.cues.given_names.get(language, ()))
        aliases = dictionary.aliases
        for actor_id, alias, kind, ambiguous, alias_language in zip(
                aliases["actor_id"], aliases["alias"], aliases["kind"], aliases["ambiguous"], aliases["language"]):
            words = [w for w, _, _ in spelling.words(alias)]
            if not words:
                continue
            if alias_language != language and (_script(alias) != script or (
                    len(words) == 1 and len(spelling.fold(alias)) < MIN_FOREIGN_ALIAS)):
                continue
            entry = _Entry(actor_id, kind, bool(ambiguous),
                           tuple(frozenset(spelling.alias_keys(w, language)) for w in words),
                           tuple(spelling.fold(w) for w in words),
                           tuple(spelling.is_acronym(w) for w in words),
                           tuple(spelling.is_capitalised(w) for w in words))
            for key in entry.tokens[0]:
                by_key[key].append(entry)
        self.by_key = dict(by_key)
        people = dictionary.actors.loc[dictionary.actors["type"] == "person", "actor_id"]
        self.people = frozenset(people)
        person_aliases = aliases[aliases["actor_id"].isin(set(people)) & (aliases["language"] == language)]
        # Without capitals, a short first word is as often an everyday word: Ash Carter's "אש" is
        # also "fire", and "הפסקת אש קבועה" (a lasting ceasefire) would name a person.
        shortest = MIN_UNCASED_GIVEN_NAME if language in spelling.UNCASED_SCRIPT_LANGUAGES else 2
        for alias in person_aliases["alias"]:
            words = [w for w, _, _ in spelling.words(alias)]
            if len(words) >= 2 and len(spelling.fold(words[0])) >= shortest:
                self.given_names.add(spelling.fold(words[0]))
        self.plain_stopwords = _stopwords(language, folded=False)
        self.given_names -= _calendar_words(language) | _stopwords(language)
        titles = dictionary.cues.titles.get(language, [])
        self.titles: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for title in titles:
            forms = tuple(_title_form(w, language) for w in title)
            self.titles[forms[0]].append(forms)
        self.title_words = {w for title in titles for w in title}
        self.particles = dictionary.cues.particles.get(language, set())
        self.not_names = (dictionary.cues.not_names.get(language, set()) | _calendar_words(language)
                          | _stopwords(language) | self.title_words)


@functools.lru_cache(maxsize=64)
def _index(dictionary: Dictionary, language: str | None) -> _Index:
    return _Index(dictionary, language)


class _Word:
    """What the matcher needs to know about one article word, computed once per index and word:
    a news corpus repeats a few thousand words, and their keys, stems and candidate aliases are
    the bulk of the work."""

    __slots__ = ("folded", "keys", "key_set", "loose", "any_key", "acronym", "capitalised", "has_case", "form",
                 "candidates", "single", "second", "cue", "surname_like")

    def __init__(self, index: "_Index", word: str):
        language = index.language
        self.folded = spelling.fold(word)
        self.keys = spelling.keys(word, language)
        self.key_set = frozenset(self.keys)
        self.loose = frozenset(spelling.loose_keys(word, language))
        self.any_key = self.key_set | self.loose
        self.acronym = spelling.is_acronym(word)
        self.capitalised = spelling.is_capitalised(word)
        self.has_case = spelling.has_case(word)
        self.form = _title_form(self.folded, language)
        # Only a title or a given name can start a discovered name when no title is pending.
        self.cue = self.form in index.titles or self.folded in index.given_names
        self.surname_like = ((language in spelling.UNCASED_SCRIPT_LANGUAGES or self.capitalised)
                             and self.folded not in index.not_names and len(self.folded) >= 3)
        by_key = index.by_key
        found = {id(e): e for key in self.keys for e in by_key.get(key, ())}
        if not found:
            found = {id(e): e for key in self.loose for e in by_key.get(key, ())}
        # Longest aliases first, so that the search can stop at the first shorter one once a
        # match is found; the sort is stable, so ties keep the dictionary's order.
        self.candidates = tuple(sorted(found.values(), key=lambda e: -len(e.tokens)))
        self.single = tuple(e for e in self.candidates if len(e.tokens) == 1)
        # Multi-word candidates by the keys of their second word: only those whose second word
        # shares a key with the next article word can match ("al" starts 188 Spanish aliases).
        second: dict[str, list[int]] = defaultdict(list)
        for position, entry in enumerate(self.candidates):
            if len(entry.tokens) > 1:
                for key in entry.tokens[1]:
                    second[key].append(position)
        self.second = dict(second)


# Words kept per language index; a long-running extraction over a large store starts afresh
# when it is full rather than growing without bound.
MAX_CACHED_WORDS = 300_000


# No name word is longer; a longer "word" (a scraped blob without spaces, up to a whole piece of
# a text) is looked up and cached as an empty word, so the word caches hold short words only.
MAX_WORD_CHARS = 100


def _word_info(index: "_Index", word: str) -> _Word:
    if len(word) > MAX_WORD_CHARS:
        word = ""
    info = index.words.get(word)
    if info is None:
        if len(index.words) >= MAX_CACHED_WORDS:
            index.words.clear()
        info = index.words[word] = _Word(index, word)
    return info


def _word_matches(entry: _Entry, position: int, word: _Word, language: str | None) -> int | None:
    """How ``word`` matches alias word ``position`` of ``entry``: 0 (alias), 1 (stem),
    2 (inflection) or None."""
    alias = entry.folded[position]
    if entry.acronym[position]:
        return 0 if word.acronym and word.folded == alias else None
    if entry.capitalised[position] and word.has_case and not word.capitalised:
        return None
    if alias in word.key_set:
        return 0
    # A stem or a cut ending must not hide more than a case ending: "Esperanza" is not "Esper".
    if language not in spelling.ABJAD_LANGUAGES and len(word.folded) - len(alias) > spelling.MAX_LOOSE_SUFFIX:
        return None
    if not entry.tokens[position].isdisjoint(word.key_set):
        return 1
    if not entry.tokens[position].isdisjoint(word.loose):
        return 2
    return None


_METHODS = ("alias", "stem", "inflection")


def _match_at(index: _Index, words: list[tuple[str, int, int]], infos: list[_Word], i: int, text: str):
    """Longest dictionary alias starting at word ``i``: (entries, length, method) or None."""
    word = infos[i]
    if not word.candidates:
        return None
    language = index.language
    count = len(words)
    candidates = word.single
    if word.second and i + 1 < count:
        positions = set()
        for key in infos[i + 1].any_key:
            positions.update(word.second.get(key, ()))
        if positions:
            # Candidates are sorted longest first, so the multi-word ones precede the single words.
            candidates = [word.candidates[p] for p in sorted(positions)] + list(candidates)
    best, best_length, best_rank = [], 0, 9
    for entry in candidates:
        length = len(entry.tokens)
        if length < best_length:
            break
        if i + length > count:
            continue
        worst = 0
        for j in range(length):
            if j and not _adjacent(text, words[i + j - 1], words[i + j]):
                worst = None
                break
            how = _word_matches(entry, j, infos[i + j], language)
            if how is None:
                worst = None
                break
            if how > worst:
                worst = how
        if worst is None:
            continue
        if length > best_length or worst < best_rank:
            best, best_length, best_rank = [entry], length, worst
        elif worst == best_rank:
            best.append(entry)
    if not best:
        return None
    return best, best_length, _METHODS[best_rank]


_GAP = re.compile(r"[\s\-'’‐־\u200c]{0,3}")


def _adjacent(text: str, left, right) -> bool:
    """Words of one name are separated by spaces, hyphens or apostrophes, never by punctuation."""
    start, end = left[2], right[1]
    if end - start == 1 and text[start] == " ":
        return True
    return end - start <= 3 and _GAP.fullmatch(text, start, end) is not None


def _title_form(folded_word: str, language: str | None) -> str:
    """Titles are compared on stems: "stellvertretender Sekretär", "ειδικού απεσταλμένου"."""
    keys = spelling.keys(folded_word, language) or (folded_word,)
    return keys[-1] if len(keys) > 1 and language not in spelling.ABJAD_LANGUAGES else keys[0]


def _title_end(index: _Index, forms: list[str], i: int) -> int | None:
    for title in index.titles.get(forms[i], ()):
        if tuple(forms[i:i + len(title)]) == title:
            return i + len(title)
    return None


# Place names built like person names: Saint-Pétersbourg, Sankt Petersburg, San Francisco.
_PLACE_WORDS = {"saint", "sankt", "san", "santa", "sao", "st", "fort", "port", "new", "nueva", "nouvelle", "bad"}


def _is_name_word(index: _Index, word: str, folded: str, cased: bool) -> bool:
    if folded in index.not_names or len(folded) < 2 or folded in _PLACE_WORDS:
        return False
    if cased:
        return spelling.is_capitalised(word) and not spelling.is_acronym(word)
    return len(folded) >= 3


_SENTENCE_PUNCTUATION = re.compile(r"[.!?;:؟؛]")


def _discover(index: _Index, words, infos: list[_Word], covered: list[bool], text: str, cased: bool,
              person_words: set[int] = frozenset()):
    """Names of people outside the dictionary: (start word, end word, cue) spans.

    A name starts with a known given name, or (in scripts with capitals) follows a title within
    the same clause ("Russia's deputy foreign minister, Ostap Kovalyshyn") and no dictionary
    person stands between them (``person_words``). Without capitals a title alone is not enough:
    the word after it is as often a verb as a name.
    """
    folded = [info.folded for info in infos]
    forms = [info.form for info in infos]
    spans = []
    i = 0
    title_end = None
    titles = index.titles
    cues = [k for k, info in enumerate(infos) if info.cue]
    next_cue = 0
    while i < len(words):
        if title_end is None:
            # Nothing pending: no word before the next title or given name can start a name.
            while next_cue < len(cues) and cues[next_cue] < i:
                next_cue += 1
            if next_cue == len(cues):
                break
            i = cues[next_cue]
        if covered[i]:
            i += 1
            continue
        end = _title_end(index, forms, i) if forms[i] in titles else None
        if end is not None:
            title_end = end
            i = end
            continue
        word = words[i][0]
        near_title = False
        if cased and title_end is not None and title_end <= i:
            between = [k for k in range(title_end, i) if not covered[k]]
            gap = text[words[title_end - 1][2]:words[i][1]]
            near_title = (len(between) <= MAX_WORDS_AFTER_TITLE and not _SENTENCE_PUNCTUATION.search(gap)
                          and all(not spelling.is_capitalised(words[k][0]) or spelling.is_acronym(words[k][0])
                                  for k in between)
                          # A title whose person the dictionary found introduces nobody else:
                          # "Präsident Selenskyj auf der Münchner Sicherheitskonferenz".
                          and not any(k in person_words for k in range(title_end, i)))
            if not near_title:
                # The words and the gap since the title only grow, so it stays too far from any
                # later word: forget it rather than re-check the growing stretch at every word.
                title_end = None
        if folded[i] in _PLACE_WORDS:
            i += 1
            continue
        given = (folded[i] in index.given_names and word.casefold() not in index.plain_stopwords
                 and (not cased or spelling.is_capitalised(word)))
        if not (given or (near_title and _is_name_word(index, word, folded[i], cased))):
            i += 1
            continue
        j = i + 1
        while j < len(words) and j - i < MAX_NAME_WORDS and not covered[j] and _adjacent(text, words[j - 1], words[j]):
            if folded[j] in index.particles and j + 1 < len(words) and not covered[j + 1]:
                j += 1
                continue
            if not _is_name_word(index, words[j][0], folded[j], cased):
                break
            j += 1
            if not cased and folded[j - 1] not in index.given_names:
                break  # without capitals a name is its given names and one surname
        while j > i + 1 and folded[j - 1] in index.particles:
            j -= 1
        if j - i >= 2:
            spans.append((i, j, "title" if near_title else "given_name"))
            title_end = None
        i = max(j, i + 1)
    return spans + _appositions(index, words, covered, folded, forms, text, cased, spans)


_COMMA = re.compile(r"\s*[,،]\s*")


def _appositions(index: _Index, words, covered, folded, forms, text: str, cased: bool, spans):
    """Names followed by a comma and a title: "Arkady Zabelin, the deputy secretary of ...",
    "مهند الساعدي، المتحدث باسم ...". The title may follow a few small words ("the", "Iran's")."""
    taken = {k for first, last, _ in spans for k in range(first, last)}
    found = []
    after_comma = [k for k in range(1, len(words)) if (words[k][1] - words[k - 1][2] > 1 or text[words[k - 1][2]] != " ")
                   and _COMMA.fullmatch(text, words[k - 1][2], words[k][1])]
    for k in after_comma:
        p, skipped = k, 0
        while p < len(words) and skipped <= 3 and _title_end(index, forms, p) is None:
            if not (covered[p] or folded[p] in index.not_names or len(folded[p]) <= 2):
                break
            p, skipped = p + 1, skipped + 1
        if p >= len(words) or _title_end(index, forms, p) is None:
            continue
        j = k
        first = j
        while first > 0 and j - first < (MAX_NAME_WORDS if cased else 2):
            candidate = first - 1
            if (folded[candidate] in index.particles and candidate > 0 and first < j
                    and _is_name_word(index, words[candidate - 1][0], folded[candidate - 1], cased)):
                first = candidate
                continue
            if covered[candidate] or candidate in taken or not _is_name_word(index, words[candidate][0], folded[candidate], cased):
                break
            if first < j and not _adjacent(text, words[candidate], words[first]):
                break
            if not cased and words[candidate][0].casefold() in index.plain_stopwords:
                break
            first = candidate
        if j - first >= 2:
            found.append((first, j, "title"))
            taken.update(range(first, j))
    return found


def _field_mentions(index: _Index, article_id: str, field: str, text: str, cased: bool):
    words = spelling.words(text, index.language)
    known = index.words.get
    infos = [known(word) or _word_info(index, word) for word, _, _ in words]
    covered = [False] * len(words)
    person_words = set()
    found = []
    free = 0  # first word not inside an alias already matched
    for i in [k for k, info in enumerate(infos) if info.candidates]:
        if i < free:
            continue
        match = _match_at(index, words, infos, i, text)
        if match is None:
            continue
        entries, length, method = match
        start, end = words[i][1], words[i + length - 1][2]
        actors = (entries[0].actor_id,) if len(entries) == 1 else tuple(dict.fromkeys(e.actor_id for e in entries))
        ambiguous = len(actors) > 1 or any(e.ambiguous for e in entries)
        if any(e.kind == "metonym" for e in entries) and method == "alias":
            method = "metonym"
        found.append({"article_id": article_id, "field": field, "start": start, "end": end,
                      "surface": text[start:end], "candidates": actors, "ambiguous": ambiguous, "method": method})
        for k in range(i, i + length):
            covered[k] = True
        if all(a in index.people for a in actors):
            person_words.update(range(i, i + length))
        free = i + length
    discovered = []
    for first, last, cue in _discover(index, words, infos, covered, text, cased, person_words):
        start, end = words[first][1], words[last - 1][2]
        discovered.append({"article_id": article_id, "field": field, "start": start, "end": end,
                           "surface": text[start:end], "candidates": (), "ambiguous": False, "method": cue,
                           "surname": words[last - 1][0], "given": words[first][0] if last - first > 1 else ""})
        for k in range(first, last):
            covered[k] = True
    return words, infos, covered, found, discovered


def _surname_mentions(index: _Index, article_id, field, text, words, infos, covered, surnames: dict,
                      known_skeletons: dict, cased: bool):
    """Uses of a discovered surname alone: later in the same article ("M. Avrahami", "Забелина"),
    or anywhere when the corpus has met the full name ("وقال خسرواني"). ``surnames`` maps each
    spelling key of a surname to (rank, (surname, given)); a word sharing keys with several takes
    the first found in the article (lowest rank)."""
    found = []
    for k in [k for k, info in enumerate(infos) if info.surname_like and not covered[k]]:
        word, start, end = words[k]
        info = infos[k]
        folded = info.folded
        # A lookup per key of the word rather than a scan of the article's surnames per word: an
        # article naming thousands of people would otherwise cost words x names.
        ranked = [surnames[key] for key in info.key_set | info.loose if key in surnames]
        hit = min(ranked)[1] if ranked else None
        if hit is None and known_skeletons and len(folded) >= MIN_CORPUS_SURNAME:
            hit = known_skeletons.get(spelling.skeleton(word))
        if hit is None:
            continue
        surname, given = hit
        found.append({"article_id": article_id, "field": field, "start": start, "end": end,
                      "surface": word, "candidates": (), "ambiguous": False, "method": "surname",
                      "surname": surname, "given": given})
        covered[k] = True
    return found


# An article that writes one name in one form (same actor or discovered name, field and surface)
# more often than this keeps this many rows, each with its offset and sentence, and counts the
# rest on the last one (``occurrences``). The sample corpus repeats a form at most 8 times in an
# article and the pages show a few passages per article, so news is stored row for row, while
# "Iran Russia" written 500,000 times is 100 rows instead of a million.
MAX_IDENTICAL_MENTIONS = 50
# Rows kept per article whatever it holds (a page listing a hundred thousand invented names):
# 10,000 rows of ~300 bytes is ~3 MB. The sample corpus's busiest article has 136 mentions.
# Once an article has this many, further mentions of a name kept are counted on its last row and
# names first met after that are left out.
MAX_MENTION_ROWS = 10_000
# Fields longer than this are matched piece by piece (``windows``), so that one huge article never
# holds more than a piece's words, spelling keys and matches at once (about 15,000 words, a few
# MB). The longest article of the sample corpus has 2,400 characters and long reports 20,000-
# 50,000, so articles are matched whole and their results do not change.
WINDOW_CHARS = 100_000
# A piece ends after a sentence: end punctuation after a letter (not "3." of "3. März", which
# the dates need whole) and before white space, or a line break. None of these can sit inside a
# name, between a title and its name or inside a written date.
_PIECE_END = re.compile(r"(?<=[^\W\d_])[.!?؟。](?=\s)|\n")
_SPACE = re.compile(r"\s")


def windows(text: str, size: int = WINDOW_CHARS) -> list[tuple[int, int]]:
    """(start, end) of the pieces a text is matched in: the whole text when it is at most ``size``
    characters, else pieces of ``size`` / 2 to ``size`` characters, each cut at the last sentence
    end (see ``_PIECE_END``) in its second half, else at the last white space (a name written
    across that cut is missed), else anywhere (inside one word of ``size`` / 2 characters)."""
    pieces = []
    start = 0
    while len(text) - start > size:
        limit = start + size
        cut = None
        for pattern in (_PIECE_END, _SPACE):
            for match in pattern.finditer(text, start + size // 2, limit):
                cut = match.end()
            if cut is not None:
                break
        cut = cut or limit
        pieces.append((start, cut))
        start = cut
    pieces.append((start, len(text)))
    return pieces


class _Kept:
    """The mentions of one article kept as rows: at most MAX_IDENTICAL_MENTIONS of each kind
    (``key``) and MAX_MENTION_ROWS in all; the others are counted on the last row kept of their
    kind. Dictionary matches and discovered names are kept in two lists, in the order found."""

    def __init__(self):
        self.matched: list[dict] = []
        self.discovered: list[dict] = []
        self._last: dict = {}  # key -> [rows kept, last row kept]

    def add(self, mention: dict, key, sentences: spelling.Sentences, offset: int) -> None:
        kept = self._last.get(key)
        full = len(self.matched) + len(self.discovered) >= MAX_MENTION_ROWS
        if kept is not None and (kept[0] >= MAX_IDENTICAL_MENTIONS or full):
            kept[1]["occurrences"] += 1
            return
        if full:
            return
        mention["sentence"] = sentences.at(mention["start"])
        mention["start"] += offset
        mention["end"] += offset
        mention["occurrences"] = 1
        (self.discovered if mention["method"] in DISCOVERED_CONFIDENCE else self.matched).append(mention)
        if kept is None:
            self._last[key] = [1, mention]
        else:
            kept[0] += 1
            kept[1] = mention


def _key(mention: dict) -> tuple:
    return (mention["field"], mention["surface"], mention["method"], mention["candidates"], mention["ambiguous"],
            mention.get("surname"), mention.get("given"))


class _Piece:
    """One piece of a field after the first pass. The words, their infos and what is covered are
    kept when the field is one piece; a piece of a longer field keeps only which words are
    covered (a byte each) and is split into words again for the second pass."""

    __slots__ = ("field", "start", "text", "words", "infos", "covered", "sentences", "_end")

    def __init__(self, field, start, text, words, infos, covered, sentences, whole: bool):
        self.field, self.start = field, start
        self.text = text if whole else None
        self.words, self.infos = (words, infos) if whole else (None, None)
        self.covered = covered if whole else bytearray(covered)
        self.sentences = sentences if whole else None
        self._end = start + len(text)

    def parsed(self, index: _Index, body: str):
        if self.words is not None:
            return self.text, self.words, self.infos, self.covered, self.sentences
        text = body[self.start:self._end]
        words = spelling.words(text, index.language)
        infos = [_word_info(index, word) for word, _, _ in words]
        return text, words, infos, [bool(c) for c in self.covered], spelling.Sentences(text)


def find_mentions(articles: pd.DataFrame, dictionary: Dictionary, known_surnames: dict[str, str] | None = None) -> pd.DataFrame:
    """Actor mentions in each article, in its original language and script.

    Needs: articles[article_id, title, text, language]. ``known_surnames`` maps the skeletons
    of surnames discovered earlier (in the store) to the surname, so that a surname used alone is
    recognised in a batch that never spells the full name.
    Returns MENTION_COLUMNS: article_id, actor_id (<NA> for a discovered name until
    ``resolve_discovered``), field ("title" | "text"), start/end (character offsets in that
    field), surface (as written), sentence, method (alias | stem | inflection | metonym | context
    for dictionary actors; title | given_name | surname for discovered names), confidence (0-1),
    name_key (discovered names: "given|surname" as written; <NA> otherwise), occurrences (1, or
    the count of identical mentions beyond MAX_IDENTICAL_MENTIONS on the last row kept of them).
    Fields longer than WINDOW_CHARS are matched in pieces (``windows``).
    """
    require_columns(articles, ("article_id", "title", "text", "language"), stage="actors")
    parsed_articles = []
    skeletons = {key: (surname, "") for key, surname in (known_surnames or {}).items()}
    for article_id, title, text, language in zip(articles["article_id"], articles["title"], articles["text"],
                                                 articles["language"]):
        language = None if pd.isna(language) else language
        index = _index(dictionary, language)
        cased = language not in spelling.UNCASED_SCRIPT_LANGUAGES
        fields = [("title", "" if pd.isna(title) else str(title)), ("text", "" if pd.isna(text) else str(text))]
        kept, pieces = _Kept(), []
        for field, body in fields:
            spans = windows(body)
            for start, end in spans:
                piece = body if len(spans) == 1 else body[start:end]
                words, infos, covered, found, new = _field_mentions(index, article_id, field, piece, cased)
                sentences = spelling.Sentences(piece)
                for mention in found + new:
                    kept.add(mention, _key(mention), sentences, start)
                pieces.append(_Piece(field, start, piece, words, infos, covered, sentences, whole=len(spans) == 1))
        for mention in kept.discovered:
            skeleton = spelling.skeleton(mention["surname"])
            if len(skeleton) >= MIN_SKELETON + 1:
                skeletons.setdefault(skeleton, (mention["surname"], mention["given"]))
        parsed_articles.append((article_id, index, cased, dict(fields), kept, pieces))
    rows = []
    for article_id, index, cased, bodies, kept, pieces in parsed_articles:
        surnames = {}
        for mention in list(kept.discovered):
            if len(spelling.fold(mention["surname"])) >= 3:
                for key in spelling.keys(mention["surname"], index.language):
                    surnames.setdefault(key, (len(surnames), (mention["surname"], mention["given"])))
        for piece in pieces:
            text, words, infos, covered, sentences = piece.parsed(index, bodies[piece.field])
            for mention in _surname_mentions(index, article_id, piece.field, text, words, infos, covered, surnames,
                                             skeletons, cased):
                kept.add(mention, _key(mention), sentences, piece.start)
        supported = {m["candidates"][0] for m in kept.matched if not m["ambiguous"]}
        for mention in kept.matched:
            if mention["ambiguous"]:
                chosen = [a for a in mention["candidates"] if a in supported]
                if len(chosen) != 1:
                    continue
                actor_id, method = chosen[0], "context"
            else:
                actor_id, method = mention["candidates"][0], mention["method"]
            rows.append(_row(mention, actor_id, method, CONFIDENCE[method], pd.NA))
        for mention in kept.discovered:
            name_key = f"{mention['given']}|{mention['surname']}"
            rows.append(_row(mention, pd.NA, mention["method"], DISCOVERED_CONFIDENCE[mention["method"]], name_key))
    frame = pd.DataFrame(rows, columns=MENTION_COLUMNS)
    return frame.astype(_MENTION_DTYPES) if len(frame) else _empty()


# occurrences is optional in a frame given to the resolvers (1 per row without it)
_STORED_COLUMNS = tuple(c for c in MENTION_COLUMNS if c != "occurrences")
_MENTION_DTYPES = {"start": "int64", "end": "int64", "confidence": "float64", "occurrences": "int64"}


def _row(mention, actor_id, method, confidence, name_key) -> dict:
    return {"article_id": mention["article_id"], "actor_id": actor_id, "field": mention["field"],
            "start": mention["start"], "end": mention["end"], "surface": mention["surface"],
            "sentence": mention["sentence"], "method": method, "confidence": confidence, "name_key": name_key,
            "occurrences": mention["occurrences"]}


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in MENTION_COLUMNS}).astype(_MENTION_DTYPES)


class _UnionFind:
    def __init__(self):
        self.parent = {}

    def find(self, item):
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a, b):
        self.parent[self.find(a)] = self.find(b)


def _display_name(forms: Counter) -> str:
    """The most used full form in Latin letters, else the most used form romanised."""
    full = [(count, form) for form, count in forms.items() if " " in form]
    pool = full or [(count, form) for form, count in forms.items()]
    latin = [(count, form) for count, form in pool if re.fullmatch(r"[\sA-Za-zÀ-ɏ'\-]+", form)]
    if latin:
        return max(latin)[1]
    best = max(pool)[1]
    return " ".join(part.capitalize() for part in spelling.romanize(best).split())


def resolve_discovered(mentions: pd.DataFrame, dictionary: Dictionary) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give discovered names an actor, the same one across articles and scripts.

    Needs: mentions[MENTION_COLUMNS] with name_key set on discovered rows (``occurrences`` is
    optional: 1 per row without it).
    Returns (mentions with actor_id and confidence set on those rows, discovered actors
    [actor_id, name, type, country, origin="discovered"]); discovered names that join no actor
    are left out. How names are grouped: ``group_discovered``.
    """
    require_columns(mentions, _STORED_COLUMNS, stage="actors")
    discovered = mentions["name_key"].notna() & mentions["actor_id"].isna()
    if not discovered.any():
        return mentions, pd.DataFrame(columns=list(ACTOR_COLUMNS))
    groups = group_discovered(discovered_names(mentions[discovered]), dictionary)
    return groups.assign(mentions), groups.actors()


def discovered_names(mentions: pd.DataFrame) -> pd.DataFrame:
    """The distinct (name_key, surface) of discovered mentions, in order of first appearance,
    with how many mentions write each (``occurrences``): all ``group_discovered`` needs."""
    weights = mentions["occurrences"] if "occurrences" in mentions else pd.Series(1, index=mentions.index)
    frame = pd.DataFrame({"name_key": mentions["name_key"], "surface": mentions["surface"],
                          "occurrences": weights.astype("int64")})
    return frame.groupby(["name_key", "surface"], sort=False)["occurrences"].sum().reset_index()


@dataclass(frozen=True)
class DiscoveredGroups:
    """Discovered names grouped into actors (``group_discovered``)."""

    head_of: dict  # name_key -> the name_key heading its group
    similarity: dict  # name_key -> surname skeleton similarity to its head (0-1)
    names: dict  # head -> display name, heads in order of first appearance in the names grouped
    actor_ids: dict  # head -> actor_id

    def assign(self, mentions: pd.DataFrame) -> pd.DataFrame:
        """``mentions`` with actor_id and confidence set on the discovered rows, and the
        discovered rows without a group left out. Row by row: batches of a corpus can be
        assigned one at a time."""
        discovered = mentions["name_key"].notna() & mentions["actor_id"].isna()
        if not discovered.any():
            return mentions.reset_index(drop=True)
        keys = mentions.loc[discovered, "name_key"]
        heads = keys.map(self.head_of)
        frame = mentions.copy()
        grouped = heads.notna()
        rows = heads.index[grouped]
        frame.loc[rows, "actor_id"] = heads[grouped].map(self.actor_ids)
        factor = keys[grouped].map(self.similarity).astype("float64")
        frame.loc[rows, "confidence"] = (frame.loc[rows, "confidence"] * factor).round(3)
        return frame[frame["actor_id"].notna()].reset_index(drop=True)

    def heads_in(self, mentions: pd.DataFrame) -> list:
        """The heads of the discovered rows of ``mentions``, in order of first appearance."""
        discovered = mentions["name_key"].notna() & mentions["actor_id"].isna()
        return list(dict.fromkeys(mentions.loc[discovered, "name_key"].map(self.head_of).dropna()))

    def actors(self, heads=None) -> pd.DataFrame:
        """The discovered actors [ACTOR_COLUMNS], in the order of ``heads`` (default: of first
        appearance in the names grouped). Two heads with one display name are one actor, named as
        the first of them."""
        heads = list(self.names) if heads is None else list(heads)
        return pd.DataFrame({"actor_id": [self.actor_ids[h] for h in heads], "name": [self.names[h] for h in heads],
                             "type": "person", "country": None, "origin": "discovered"},
                            columns=list(ACTOR_COLUMNS)).drop_duplicates("actor_id")


_SKELETON_BLOCK = 1000  # skeletons scored at once against all: 1000 x 50,000 skeletons is 50 MB


def group_discovered(names: pd.DataFrame, dictionary: Dictionary) -> DiscoveredGroups:
    """Group discovered names into actors, the same one across articles and scripts.

    Needs: names[name_key, surface, occurrences] (``discovered_names``: distinct, so a corpus's
    names are grouped without holding its mentions). A name joins the first actor whose surname
    skeleton is at least ``SURNAME_SIMILARITY`` similar to its own, unless the given names differ
    (both known given names, or any two when the surnames are only similar); a mention's
    confidence is its cue's confidence times the skeleton similarity to the actor. The grouping
    does not depend on the order of ``names``; the order of the actors does.
    """
    from rapidfuzz import fuzz, process

    keys = names["name_key"]
    parts = {key: key.split("|", 1) for key in keys.unique()}
    given_skeleton = {key: spelling.skeleton(given) if given else "" for key, (given, _) in parts.items()}
    with_article = set(keys[names["surface"].str.contains(_ARABIC_ARTICLE).to_numpy(dtype=bool)])
    surname_skeleton = {key: _surname_key(spelling.skeleton(surname), given_skeleton[key], key in with_article)
                        for key, (_, surname) in parts.items()}
    skeletons = sorted({s for s in surname_skeleton.values() if len(s) >= MIN_SKELETON})
    groups = _UnionFind()
    # Scores a block of skeletons at a time, as bytes: the whole matrix of 20,000 skeletons in
    # float32 (rapidfuzz's default) would be 1.6 GB.
    for start in range(0, len(skeletons), _SKELETON_BLOCK):
        scores = process.cdist(skeletons[start:start + _SKELETON_BLOCK], skeletons, scorer=fuzz.ratio,
                               score_cutoff=SURNAME_SIMILARITY, dtype=np.uint8)
        for a, row in enumerate(scores, start):
            for b in row.nonzero()[0]:
                groups.union(skeletons[a], skeletons[int(b)])
    # Within one surname group, different given names are different people (two brothers).
    by_group: dict[str, list[str]] = defaultdict(list)
    for key, skel in surname_skeleton.items():
        if len(skel) >= MIN_SKELETON:
            by_group[groups.find(skel)].append(key)
    known_given = {name for names in dictionary.cues.given_names.values() for name in names}
    cluster_of, similarity = {}, {}
    for group, members in by_group.items():
        heads: list[str] = []
        for key in sorted(members, key=lambda k: (-len(given_skeleton[k]), k)):
            given = given_skeleton[key]
            home = None
            for head in heads:
                # The group is a chain of similar surnames; a member joins a head only if it is
                # similar to that head itself (Sacharowa ~ Захарова, but not Песков at the far
                # end of a chain).
                same_surname = fuzz.ratio(surname_skeleton[key], surname_skeleton[head])
                if same_surname < SURNAME_SIMILARITY:
                    continue
                # Two different known given names keep two people with one surname apart; a word
                # wrongly taken for a given name ("according to Tleiss") does not. With surnames
                # that are only similar (Krasikov, Gershkovich), any two different given names do.
                different_given = (given and given_skeleton[head]
                                   and fuzz.ratio(given, given_skeleton[head]) < GIVEN_NAME_SIMILARITY
                                   and not _contains(given, given_skeleton[head]))
                distinct = different_given and (same_surname < 100 or (
                    spelling.fold(parts[key][0]) in known_given and spelling.fold(parts[head][0]) in known_given))
                if not distinct:
                    home = head
                    break
            if home is None:
                heads.append(key)
                home = key
            cluster_of[key] = home
            similarity[key] = fuzz.ratio(surname_skeleton[key], surname_skeleton[home]) / 100
    forms: dict[str, Counter] = defaultdict(Counter)
    for surface, key, count in zip(names["surface"], keys, names["occurrences"]):
        if key in cluster_of:
            forms[cluster_of[key]][surface] += int(count)
    display = {head: _display_name(counter) for head, counter in forms.items()}
    known_ids = set(dictionary.actors["actor_id"])
    return DiscoveredGroups(head_of=cluster_of, similarity=similarity, names=display,
                            actor_ids={head: _discovered_id(name, known_ids) for head, name in display.items()})


# The Arabic article before a surname, as each script writes it: al-Saadi, al Saadi, as-Sadr,
# аль-Асад, ас-Саади, αλ-Σάαντι, אל-סעדי, الساعدي.
_ARABIC_ARTICLE = re.compile(r"(?:^|\s)(?:(?:al|el)[-‐\s]|[ae](?:sh|[sdrtnz])[-‐]|(?:аль|эль|ель)[-‐\s]|а[сдртнз][-‐]"
                             r"|(?:αλ|ελ)[-‐\s]|אל[-‐])\w|(?:^|\s)ال\w", re.IGNORECASE)


def _surname_key(surname: str, given: str, arabic_article: bool) -> str:
    """The skeleton a discovered name is grouped by: its surname's, or, for an Arabic surname with
    the article whose skeleton is too short to tell people apart (al-Saadi, الساعدي, αλ-Σάαντι ->
    "st"), the given name's and the surname's together. Other two-consonant "surnames" stay out:
    they are mostly ordinary words after a given name or a title (Amt, نیت, אדם)."""
    if len(surname) >= MIN_SKELETON or not given or not arabic_article:
        return surname
    return f"{given}-{surname}"


def _contains(left: str, right: str) -> bool:
    """One given name's skeleton inside the other's: a compound given name and one of its parts
    (پیرحسین / Hossein / Pir). A two-letter skeleton counts only at the start."""
    short, long = sorted((left, right), key=len)
    return len(short) >= 3 and short in long or len(short) == 2 and long.startswith(short)


def _discovered_id(name: str, known_ids: set[str]) -> str:
    actor_id = f"gw:{slug(name)}"
    return actor_id if actor_id not in known_ids else f"{actor_id}-discovered"


def apply_corrections(mentions: pd.DataFrame, actors: pd.DataFrame, dictionary: Dictionary) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply ``data/corrections.toml``: ignore, split, merge and rename, in that order.

    Needs: mentions[MENTION_COLUMNS], actors[actor_id, name, type, country, origin].
    Returns both frames corrected; corrected actors get origin "corrected".
    """
    corrections = dictionary.corrections
    actors = actors.copy()
    mentions = mentions.copy()

    def resolve(reference: str) -> str:
        nonlocal actors
        found = find_actor(actors, reference)
        if found is not None:
            return found
        known = dictionary.actor_id(reference)
        if known is None:
            return reference
        actors = pd.concat([actors, dictionary.actors[dictionary.actors["actor_id"] == known]], ignore_index=True)
        return known

    ignored = {resolve(r) for r in corrections.ignored_actors}
    keep = ~mentions["actor_id"].isin(ignored)
    if corrections.ignored_surfaces:
        keep &= ~mentions["surface"].map(spelling.fold).isin(corrections.ignored_surfaces)
    mentions = mentions[keep]
    for reference, surface, new_name in corrections.splits:
        source = resolve(reference)
        target = f"gw:{slug(new_name)}"
        hit = (mentions["actor_id"] == source) & (mentions["surface"].map(spelling.fold) == spelling.fold(surface))
        mentions.loc[hit, "actor_id"] = target
        kind = actors.loc[actors["actor_id"] == source, "type"]
        actors = pd.concat([actors, pd.DataFrame([{"actor_id": target, "name": new_name,
                                                   "type": kind.iloc[0] if len(kind) else "person",
                                                   "country": None, "origin": "corrected"}])])
    for into, sources in corrections.merges:
        target = resolve(into)
        merged = {resolve(s) for s in sources} - {target}
        mentions.loc[mentions["actor_id"].isin(merged), "actor_id"] = target
        actors = actors[~actors["actor_id"].isin(merged)]
        actors.loc[actors["actor_id"] == target, "origin"] = "corrected"
    for reference, new_name in corrections.renames.items():
        target = resolve(reference)
        actors.loc[actors["actor_id"] == target, ["name", "origin"]] = [new_name, "corrected"]
    actors = actors[~actors["actor_id"].isin(ignored)].drop_duplicates("actor_id", keep="last")
    return mentions.reset_index(drop=True), actors.reset_index(drop=True)


def extract(articles: pd.DataFrame, dictionary: Dictionary) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Actors and their mentions for ``articles``: ``find_mentions`` then ``resolve``."""
    return resolve(find_mentions(articles, dictionary), dictionary)


def resolve(mentions: pd.DataFrame, dictionary: Dictionary) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mentions as found (stored or fresh) to final actors: ``resolve_discovered`` then
    ``apply_corrections``. Returns (actors mentioned at least once, mentions)."""
    mentions, discovered = resolve_discovered(mentions, dictionary)
    known = dictionary.actors[dictionary.actors["actor_id"].isin(set(mentions["actor_id"]))]
    mentions, actors = apply_corrections(mentions, pd.concat([known, discovered], ignore_index=True), dictionary)
    return actors[actors["actor_id"].isin(set(mentions["actor_id"]))].reset_index(drop=True), mentions


class BatchResolver:
    """``resolve`` for the mentions of a corpus read batch by batch: the discovered names are
    grouped once, from their distinct spellings, and every batch is then resolved on its own
    (each row's actor depends only on its own actor_id, name_key and surface), so the corpus's
    mentions are never held together. ``actors`` then gives the table ``resolve`` gives."""

    def __init__(self, names: pd.DataFrame, actor_ids, dictionary: Dictionary):
        """``names``: ``discovered_names`` of the whole corpus, in any order; ``actor_ids``: the
        distinct actor_id of its dictionary mentions."""
        self.dictionary = dictionary
        self.groups = group_discovered(names, dictionary) if len(names) else None
        self.known = dictionary.actors[dictionary.actors["actor_id"].isin(set(actor_ids))]
        self._table = pd.concat([self.known, self._discovered(None)], ignore_index=True)
        self._heads: dict = {}  # discovered heads in order of first appearance: the order of resolve's table
        self.seen: set = set()

    def _discovered(self, heads) -> pd.DataFrame:
        return self.groups.actors(heads) if self.groups is not None else pd.DataFrame(columns=list(ACTOR_COLUMNS))

    def resolve(self, mentions: pd.DataFrame) -> pd.DataFrame:
        """One batch of stored mentions (in corpus order), resolved as ``resolve`` resolves them."""
        if self.groups is not None:
            self._heads.update(dict.fromkeys(self.groups.heads_in(mentions)))
            mentions = self.groups.assign(mentions)
        else:
            mentions = mentions[mentions["actor_id"].notna()]
        mentions = apply_corrections(mentions, self._table, self.dictionary)[0]
        self.seen.update(mentions["actor_id"].unique())
        return mentions

    def actors(self) -> pd.DataFrame:
        """The actors of the batches resolved so far, as ``resolve`` returns them."""
        heads = list(self._heads) + [h for h in (self.groups.names if self.groups else ()) if h not in self._heads]
        table = pd.concat([self.known, self._discovered(heads)], ignore_index=True)
        actors = apply_corrections(_empty(), table, self.dictionary)[1]
        return actors[actors["actor_id"].isin(self.seen)].reset_index(drop=True)
