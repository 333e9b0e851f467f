"""The actor dictionary indexed for one article language, and what matching needs to know about
one article word: both passes over an article (``matching`` of dictionary aliases, ``discovery`` of
other names) read it.

An index holds the aliases usable in that language, keyed by their first word's spelling keys
(``spelling.alias_keys``), and the language's name cues: given names, titles, name particles and
words that are never names (CLDR month and weekday names, stop words). An alias written for
another language is used when it is in the same script, as ICU's Script property tells.
"""
from __future__ import annotations

import functools
import unicodedata
import weakref
from collections import defaultdict
from dataclasses import dataclass

import ahocorasick  # pyahocorasick: the dictionary automaton for text without spaces
import icu  # PyICU (pyicu-wheels)
import stopwordsiso  # word lists shipped in the package, 50+ languages
import babel.languages
from babel import Locale, UnknownLocaleError

from core.actors import actor_dictionary, common_words, spelling


@dataclass(frozen=True)
class Entry:
    """One dictionary alias, its words keyed for one article language."""

    actor_id: str
    kind: str
    ambiguous: bool
    tokens: tuple[frozenset, ...]    # keys of each alias word
    folded: tuple[str, ...]
    acronym: tuple[bool, ...]
    capitalised: tuple[bool, ...]
    # The words that must or must not stand near this alias in this language, where it is also an
    # everyday word (``actor_dictionary.AliasContext``); None for most aliases.
    context: actor_dictionary.AliasContext | None = None


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
    try:
        words = stopwordsiso.stopwords(language or "en")
    except (KeyError, ValueError):
        return frozenset()
    return frozenset(spelling.fold(w) if folded else w.casefold() for w in words)


# The scripts an alias is told apart by: one in another script than the article's language is
# never used there. Every other script is one class, "other".
_SCRIPT_CLASSES = {"Latn": "latin", "Grek": "greek", "Cyrl": "cyrillic", "Hebr": "hebrew", "Arab": "arabic"}
# ICU's likely script for Kurdish is Kurmanji's Latin; the press read here writes Sorani, in
# Arabic script, as spelling.ABJAD_LANGUAGES has it.
_WRITTEN_IN = {"ku": "Arab"}


def _script(text: str) -> str:
    """The script class of the first letter of ``text``, by ICU's Script property."""
    for ch in text:
        if ch.isalpha():
            return _SCRIPT_CLASSES.get(icu.Script.getScript(ch).getShortName(), "other")
    return "other"


@functools.lru_cache(maxsize=64)
def _language_script(language: str | None) -> str:
    """The script class ``language`` is written in: its likely script in CLDR (ICU), Latin for a
    language ICU does not know."""
    likely = _WRITTEN_IN.get(language or "") or icu.Locale(language or "").addLikelySubtags().getScript()
    return _SCRIPT_CLASSES.get(likely, "other") if likely else "latin"


# An alias written for another language of the same script ("Patrushev" in a French article) is
# used when it is long enough not to be an ordinary word there (Turkish "Şi" is French "Si").
MIN_FOREIGN_ALIAS = 5
MIN_UNCASED_GIVEN_NAME = 3  # letters, for a given name taken from a dictionary name (see Index)


class Index:
    """Dictionary aliases keyed for one article language."""

    def __init__(self, dictionary: actor_dictionary.Dictionary, language: str | None):
        self.language = language
        script = _language_script(language)
        by_key: dict[str, list[Entry]] = defaultdict(list)
        self.words: dict[str, Word] = {}
        self.given_names = set(dictionary.cues.given_names.get(language, ()))
        aliases = dictionary.aliases
        contexts = {(c.actor_id, c.alias): c for c in dictionary.contexts if c.language == language}
        alias_words: set[str] = set()
        everyday = common_words.refused(language, _borrowed(dictionary, language, script))
        for actor_id, alias, kind, ambiguous, alias_language in zip(
                aliases["actor_id"], aliases["alias"], aliases["kind"], aliases["ambiguous"], aliases["language"]):
            words = [w for w, _, _ in spelling.words(alias)]
            if not words:
                continue
            # Latin acronyms stand as they are in the press of the other scripts (NATO, EU, IAEA
            # in Chinese, Japanese, Korean, Hindi text).
            acronym = script == "other" and alias_language == "en" and all(spelling.is_acronym(w) for w in words)
            if alias_language != language and not acronym and (_script(alias) != script or (
                    len(words) == 1 and (len(spelling.fold(alias)) < MIN_FOREIGN_ALIAS
                                         or spelling.fold(alias) in everyday))):
                continue
            entry = Entry(actor_id, kind, bool(ambiguous),
                          tuple(frozenset(spelling.alias_keys(w, language)) for w in words),
                          tuple(spelling.fold(w) for w in words),
                          tuple(spelling.is_acronym(w) for w in words),
                          tuple(spelling.is_capitalised(w) for w in words),
                          contexts.get((actor_id, spelling.fold(alias))) if contexts else None)
            for key in entry.tokens[0]:
                by_key[key].append(entry)
            if language in spelling.UNSPACED_LANGUAGES:
                alias_words.update(entry.folded)
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
        # Names that are no actors but hold one (朝鲜半岛, the Korean Peninsula, holds 朝鲜) are words
        # of the automaton too: the longest word wins, so the actor inside is not matched.
        self.automaton = (_automaton(alias_words | self.given_names | dictionary.cues.not_names.get(language, set()))
                          if language in spelling.UNSPACED_LANGUAGES else None)
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
        # Words that make a name an organisation's: the language's and, in every language, the
        # English ones (The Wall Street Journal in a Russian article), under the keys an article
        # word is compared by (stems; Russian and Ukrainian inflections: фонда, газеты).
        self.organisation_keys = organisation_keys(dictionary, language)


def _borrowed(dictionary: actor_dictionary.Dictionary, language: str | None, script: str) -> dict[str, set[tuple[str, str]]]:
    """The one-word aliases of other languages of ``language``'s script that its own lists do not
    claim, of people and organisations: folded alias -> {(alias, language of the list)}
    (``common_words.refused``). States' names, adjectives and capitals are left out (the Spanish
    "austriaca" is the Italian one too), and so are the people of a state where ``language`` is
    spoken: Mattarella or Morawiecki are common words only in the sense that their own press names
    them every day."""
    actors = dictionary.actors
    home = {iso for iso in actors["country"].dropna().unique() if language in _official_languages(iso)}
    exempt = set(actors.loc[(actors["type"] == "country") | actors["country"].isin(home), "actor_id"])
    aliases = dictionary.aliases
    own = {spelling.fold(a) for a, lang in zip(aliases["alias"], aliases["language"]) if lang == language}
    borrowed: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for actor_id, alias, alias_language in zip(aliases["actor_id"], aliases["alias"], aliases["language"]):
        if alias_language == language or actor_id in exempt or " " in alias.strip() or _script(alias) != script:
            continue
        folded = spelling.fold(alias)
        if len(folded) >= MIN_FOREIGN_ALIAS and folded not in own and len(spelling.words(alias)) == 1:
            borrowed[folded].add((alias, alias_language))
    return dict(borrowed)


@functools.lru_cache(maxsize=256)
def _official_languages(territory: str) -> tuple[str, ...]:
    return tuple(babel.languages.get_official_languages(territory, de_facto=True))


@functools.lru_cache(maxsize=64)
def organisation_keys(dictionary: actor_dictionary.Dictionary, language: str | None) -> frozenset[str]:
    """``Index.organisation_keys`` alone: grouping discovered names asks for nothing else of an
    index, and building the whole index of every language took the frames ~5 s."""
    words = dictionary.cues.organisation_words
    return frozenset({key for word in words.get(language, ()) for key in spelling.alias_keys(word, language)}
                     | {key for word in words.get("en", ()) for key in spelling.alias_keys(word, "en")})


@functools.lru_cache(maxsize=64)
def for_language(dictionary: actor_dictionary.Dictionary, language: str | None) -> Index:
    """The index of ``dictionary`` for articles in ``language``, built once per process."""
    return Index(dictionary, language)


class Word:
    """What the matcher needs to know about one article word, computed once per index and word:
    a news corpus repeats a few thousand words, and their keys, stems and candidate aliases are
    the bulk of the work."""

    __slots__ = ("folded", "keys", "key_set", "loose", "any_key", "acronym", "capitalised", "has_case", "form",
                 "candidates", "single", "second", "cue", "surname_like")

    def __init__(self, index: Index, word: str):
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


# Words kept by all the language indexes of the process together, ~1.4 KB each with their keys
# and the spelling caches' share (120k ≈ 170 MB): when the total is reached, the largest index
# starts afresh. A total, not a cap per index: 300k words per index grew a watcher reading new
# vocabulary in several languages by ~420 MB a language, past 1.5 GB. A miss costs ~25 µs, and
# the words a corpus repeats are back in the cache within a page of articles.
MAX_CACHED_WORDS = 120_000
# The total is checked every this many new words (summing the indexes is not free), so it may be
# passed by as many.
_CHECK_EVERY = 1024
_HOLDING: weakref.WeakSet = weakref.WeakSet()  # the indexes holding words
_added = 0


# No name word is longer; a longer "word" (a scraped blob without spaces, up to a whole piece of
# a text) is looked up and cached as an empty word, so the word caches hold short words only.
MAX_WORD_CHARS = 100


def word_info(index: Index, word: str) -> Word:
    """What ``index`` knows about ``word``, worked out once and kept in ``index.words``."""
    if len(word) > MAX_WORD_CHARS:
        word = ""
    info = index.words.get(word)
    if info is None:
        global _added
        _added += 1
        if _added % _CHECK_EVERY == 0:
            _bound_words()
        if not index.words:
            _HOLDING.add(index)
        info = index.words[word] = Word(index, word)
    return info


def _bound_words() -> None:
    held = list(_HOLDING)
    if sum(len(index.words) for index in held) >= MAX_CACHED_WORDS:
        max(held, key=lambda index: len(index.words)).words.clear()


# Letters a word may carry before a name in the scripts that attach short words (Arabic "وبال",
# the longest of ``spelling``'s proclitics).
_MAX_PROCLITIC = 4
# Inside a word but not letters of its folded form: combining marks (harakat, niqqud) and the
# characters ``spelling.fold`` drops (tatweel, hamza on the line, ZWNJ).
_NOT_LETTERS = {"\u0640", "\u0621", "\u200c"}


def name_start(word: str, language: str | None, wanted) -> int:
    """Where the name starts in ``word``, in characters: after the one-letter words that Arabic,
    Persian and Hebrew attach to it (وعباس -> 1, ونتنياهو, ובנתניהו -> 2), so that a mention's
    offsets and surface are the name's. ``wanted``: the folded forms the name is known under (an
    alias's first word, a surname's keys). 0 when the word is the name as written, in a script
    that attaches nothing, or when no shorter part of it is one of ``wanted``."""
    if language not in spelling.ABJAD_LANGUAGES:
        return 0
    folded = spelling.fold(word)
    if folded in wanted:
        return 0
    for letters in range(1, min(_MAX_PROCLITIC, len(folded) - 2) + 1):
        if folded[letters:] in wanted:
            return _letters_end(word, letters)
    return 0


def _letters_end(word: str, letters: int) -> int:
    """The index in ``word`` just after its first ``letters`` letters as ``spelling.fold`` counts
    them, and the marks that sit on the last of them."""
    seen = 0
    for position, ch in enumerate(word):
        if unicodedata.combining(ch) or ch in _NOT_LETTERS:
            continue
        if seen == letters:
            return position
        seen += 1
    return len(word)


def _title_form(folded_word: str, language: str | None) -> str:
    """Titles are compared on stems: "stellvertretender Sekretär", "ειδικού απεσταλμένου"."""
    keys = spelling.keys(folded_word, language) or (folded_word,)
    return keys[-1] if len(keys) > 1 and language not in spelling.ABJAD_LANGUAGES else keys[0]


def _automaton(words: set[str]):
    """An Aho-Corasick automaton over the folded alias words of a language written without spaces
    (``words``): ``words`` finds them in a run of text in one pass, longest first."""
    automaton = ahocorasick.Automaton()
    for word in words:
        if word and not word.isascii():
            automaton.add_word(word, len(word))
    if len(automaton):
        automaton.make_automaton()
    return automaton


# Characters of the scripts written without spaces (Han, kana, Thai and their marks).
_UNSPACED = icu.UnicodeSet("[[:Script=Han:][:Script=Hiragana:][:Script=Katakana:][:Script=Thai:]\\u30fc]")
_KATAKANA = icu.UnicodeSet("[[:Script=Katakana:]\\u30fc]")


def _script_of(ch: str) -> str:
    return icu.Script.getScript(ch).getShortName() if ch != "\u30fc" else "Kana"


def words(index: "Index", text: str) -> list[tuple[str, int, int]]:
    """The words of ``text`` as ``spelling.words`` gives them, and in a language written without
    spaces (Chinese, Japanese, Thai) a run of its script cut where the dictionary's words stand
    (the automaton, leftmost and longest first), the rest cut where the script changes (kanji,
    hiragana particles, a katakana loanword). A katakana alias inside a longer katakana word is
    no match: "イラン" is not found in "イランド"."""
    found = spelling.words(text, index.language)
    if index.automaton is None or not len(index.automaton):
        return found
    cut = []
    for word, start, end in found:
        if not _UNSPACED.containsSome(word):
            cut.append((word, start, end))
            continue
        folded = "".join(_fold_char(ch) for ch in word)
        spans = []
        for last, length in index.automaton.iter_long(folded):
            first = last - length + 1
            if index.language == "ja" and _KATAKANA.contains(word[first]) and (
                    (first > 0 and _KATAKANA.contains(word[first - 1]))
                    or (last + 1 < len(word) and _KATAKANA.contains(word[last + 1]))):
                continue
            spans.append((first, last + 1))
        position = 0
        for first, last in spans + [(len(word), len(word))]:
            cut += _by_script(word[position:first], start + position)
            if first < last:
                cut.append((word[first:last], start + first, start + last))
            position = last
    return cut


def _fold_char(ch: str) -> str:
    """``spelling.fold`` of one character, kept one character long so that offsets hold."""
    folded = spelling.fold(ch)
    return folded if len(folded) == 1 else ch


def _by_script(stretch: str, start: int) -> list[tuple[str, int, int]]:
    """``stretch`` cut where its script changes (漢字, ひらがな, カタカナ, Latin)."""
    if not stretch:
        return []
    pieces, first = [], 0
    for k in range(1, len(stretch) + 1):
        if k == len(stretch) or _script_of(stretch[k]) != _script_of(stretch[k - 1]):
            pieces.append((stretch[first:k], start + first, start + k))
            first = k
    return pieces
