"""Which way a date written without a year points, read from the words of its sentence: "next" and
"last" words beside it ("le 3 novembre prochain", "27 أيلول الماضي", "am kommenden Montag"), a year
phrase after it ("22 сентября прошлого года"), "since" before it, or the tense of its clause
("will", "wird", "θα", "سوف", "خواهد", a Russian or Ukrainian verb in the future or past).

Where the words come from:
- "next", "last" and "this": CLDR's relative day names, as ICU formats "next Monday", "last
  week", "this year" in the language (``icu.RelativeDateTimeFormatter``), and dateparser's
  relative phrases ("önümüzdeki hafta"); the words that differ between the "next" and the "last"
  phrases of one unit are the cue words. Russian and Ukrainian ones are declined into all their
  forms by pymorphy3 (следующем → следующий, следующего, …).
- Words for "year" (to read "last year" after a date): dateparser's language data.
- The tense of Russian and Ukrainian verbs: pymorphy3 (посетит: future; провёл: past).
- Everything else is the short table ``_HAND`` below: no library installed here tags tense for
  the other languages (spaCy's and Stanza's models are not installable offline), and CLDR has
  one "next" word per language where news writes several ("coming", "kommenden", "المقبل",
  "הקרוב").
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import icu  # PyICU (pyicu-wheels)
import pymorphy3
from dateparser.languages.loader import default_loader

NEXT, LAST, NONE = 1, -1, 0

# A cue counts only this many words away from the date, within its clause.
MAX_CUE_DISTANCE = 8
# "next"/"last" directly beside the date, or with one word between ("el pasado 22 de mayo" is
# beside; "22 сентября прошлого года" has "сентября" in the surface), are read as the date's own.
_ATTACHED_GAP = 1


@dataclass(frozen=True)
class Cue:
    """What the sentence says of one date: ``direction`` NEXT (after publication), LAST (before)
    or NONE; ``year_offset`` the year relative to publication when a year phrase says it ("last
    year": -1), else None; ``attached`` True when the cue is a word beside the date ("next
    Monday") rather than the tense of its clause."""
    direction: int = NONE
    year_offset: int | None = None
    attached: bool = False


# Hand-written cues, per language (see the module docstring for why). Keys:
#   future / past: words (or word pairs, space-separated) marking the tense of a clause;
#   next / last:   words for "next"/"coming" and "last"/"past" that CLDR does not give;
#   since:         "since" (a date after it is in the past);
#   future_suffix / past_suffix: a regular expression a lower-case future (past) verb form matches
#                  whole, with ``not_future`` / ``not_past`` the common words it would misread;
#   passive:       words after which a past form is a passive or an infinitive ("will be held");
#   final_past:    a past ending that counts only as the last word of a clause (verb-final
#                  languages, where a noun can end the same way earlier in the clause);
#   clause:        words that start a new clause ("that"), so "said on Monday that … will" reads
#                  "Monday" in the past clause;
#   governs:       words that put a verb under the one before them ("promised to meet on 3 May",
#                  "συμφώνησαν να συναντηθούν"): a past tense before one of them says nothing of
#                  a date after it, which may be what was promised (Russian and Ukrainian
#                  infinitives do the same, from pymorphy3). A future stays: "will try to meet".
_HAND: dict[str, dict] = {
    "en": {"future": ["will", "shall", "ll", "would", "is to", "are to", "is due to", "are due to", "is set to",
                      "are set to", "set for", "is scheduled", "are scheduled", "scheduled for", "planned for",
                      "slated for", "is expected to", "are expected to", "plans to", "plan to", "going to",
                      "upcoming"],
           "past": ["was", "were", "had", "did", "ago", "said", "told", "met", "held", "took", "gave", "made",
                    "went", "came", "began", "won", "lost", "sent", "spoke", "wrote", "fell", "rose", "struck",
                    "fought", "brought", "found", "led", "saw", "became"],
           # Regular past forms ("signed", "attacked"), unless a passive or infinitive ("will be
           # signed", "is scheduled", "to be held": see ``passive``) or one of these words.
           "past_suffix": r"[a-z]{2,}ed",
           "not_past": ["scheduled", "planned", "expected", "slated", "proposed", "needed", "based", "aimed",
                        "related", "concerned", "interested", "hundred", "indeed", "sacred", "naked", "united"],
           "passive": ["be", "been", "being", "is", "are", "to", "will", "would"],
           "next": ["coming", "upcoming"], "since": ["since"], "clause": ["that", "which", "who", "when"],
           "governs": ["to"]},
    "de": {"future": ["wird", "werden", "wirst", "werde", "würde", "würden", "soll", "sollen", "solle", "geplant",
                      "geplanten", "bevorstehenden", "anstehenden"],
           "past": ["war", "waren", "hatte", "hatten", "wurde", "wurden", "sagte", "sagten", "erklärte", "teilte",
                    "traf", "trafen", "kam", "kamen", "fand", "fanden", "begann", "begannen", "gab", "nahm", "hielt",
                    "unterzeichnete", "unterzeichneten", "besuchte", "besuchten", "reiste", "reisten"],
           "next": ["kommenden", "kommende", "kommender", "kommendes", "bevorstehenden"],
           "last": ["vergangenen", "vergangene", "vergangener", "vergangenes", "vorigen", "vorige"],
           "since": ["seit"], "clause": ["dass", "als", "wo", "weil", "nachdem"], "governs": ["zu"]},
    "fr": {"future": ["va", "vont", "doit", "doivent", "prévu", "prévue", "prévus", "prévues", "attendu",
                      "attendue", "attendus", "attendues"],
           "past": ["avait", "avaient", "était", "étaient", "fut", "furent"],
           # Simple future, 3rd person ("sera", "se tiendra", "rencontrera", "auront").
           "future_suffix": r"[^\W\d_]+r(?:a|ont)", "not_future": ["front", "affront", "extra", "ultra", "contra",
                                                                      "mantra", "cobra", "opéra", "caméra"],
           # Passé composé: "a annoncé", "ont signé", "a été", "a dit", "a pris", "se sont réunis".
           "past_pair": r"(?:a|ont|est|sont)\s+(?!lieu$|du$)[^\W\d_]+(?:é|ée|és|ées|i|ie|is|ies|it|u|ue|us|ues)",
           "last": ["passé", "passée"], "since": ["depuis"], "clause": ["que", "qui", "où", "lorsque"]},
    "es": {"future": ["va a", "van a", "prevista", "previsto", "previstas", "previstos"],
           "past": ["fue", "fueron", "había", "habían", "hace"],
           "future_suffix": r"[^\W\d_]+r(?:á|án)",
           # Preterite, 3rd person: "anunció", "firmaron", "dijeron".
           "past_suffix": r"[^\W\d_]{2,}(?:ó|aron|ieron)",
           "clause": ["que", "quien", "donde", "cuando"]},
    "tr": {"future_suffix": r"[^\W\d_]+(?:acak|ecek|acağ|eceğ)[^\W\d_]*",
           "not_future": ["yiyecek", "içecek", "yiyecekler", "içecekler"],
           "past_suffix": r"[^\W\d_]+(?:mıştı|mişti|muştu|müştü)[^\W\d_]*",
           "final_past": r"[^\W\d_]{2,}(?:dı|di|du|dü|tı|ti|tu|tü)(?:lar|ler)?",
           "next": ["önümüzdeki"], "last": ["geçtiğimiz"], "since": ["beri"]},
    "ru": {"future_lemmas": ["запланировать", "намечать", "наметить", "предстоящий", "планироваться"],
           "next": ["ближайший", "предстоящий", "будущий"], "last": ["минувший", "прошедший"],
           "clause": ["что", "который", "когда"]},
    "uk": {"future_lemmas": ["запланувати", "запланований"],
           "next": ["найближчий", "майбутній"], "last": ["минулий"], "clause": ["що", "який", "коли"]},
    "ar": {"future": ["سوف", "المقرر", "المنتظر", "المرتقب", "المرتقبة", "المزمع"],
           "past": ["كان", "كانت", "كانوا"],
           # The future prefix سـ on a verb ("سيزور", "ستعقد", "سيتم"); the nouns that start the
           # same way are excluded by their first letters.
           "future_suffix": r"[وف]?س[يت][^\W\d_]{2,}",
           "not_future_prefix": ["سياس", "سيار", "سيطر", "سيد", "سينا", "سيول", "سيئول", "سياد", "سيف", "سير",
                                 "ستة", "ستين", "ستار", "ستال", "ستوك", "سيناريو"],
           "next": ["المقبل", "المقبلة", "القادم", "القادمة"], "last": ["المنصرم", "الفائت", "الماضي", "الماضية"],
           "since": ["منذ"], "clause": ["أن", "إن", "الذي", "التي"]},
    "fa": {"future": ["خواهد", "خواهند", "خواهیم", "خواهم", "قرار است"],
           "past": ["بود", "بودند", "شد", "شدند", "کرد", "کردند", "گفت", "گفتند"],
           "next": ["آتی"], "clause": ["که"]},
    "he": {"future": ["צפוי", "צפויה", "צפויים", "צפויות", "עתיד", "עתידה", "עתידים", "יתקיים", "תתקיים",
                      "יתקיימו", "אמור", "אמורה", "אמורים"],
           "past": ["היה", "הייתה", "היו", "התקיים", "התקיימה", "התקיימו", "אמר", "אמרה"],
           "next": ["הקרוב", "הקרובה"], "last": ["האחרון", "האחרונה"], "since": ["מאז"],
           "clause": ["כי"]},
    "el": {"future": ["θα", "πρόκειται", "προγραμματίζεται", "αναμένεται"],
           "past": ["ήταν", "είχε", "είχαν"],
           # Aorist, 3rd person ("δήλωσε", "πραγματοποιήθηκε", "υπέγραψαν").
           "past_suffix": r"[^\W\d_]{3,}(?:ηκε|ηκαν|ησε|ησαν|ωσε|ωσαν|ψε|ψαν|ξε|ξαν)",
           "next": ["ερχόμενη", "ερχόμενο", "ερχόμενος", "ερχόμενης", "ερχόμενου"],
           "last": ["περασμένη", "περασμένο", "περασμένος", "περασμένης", "περασμένου"],
           "clause": ["ότι", "που", "όταν"], "governs": ["να"]},
}
# One-letter clitics written onto the next word (و، ב־): a word is also looked up without one.
_CLITICS = {"ar": "وفبل", "he": "ובלהמשכ"}
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CLAUSE_PUNCTUATION = re.compile(r"[,;:()\[\]«»\"“”„—–]")
_UNITS = ("WEEK", "MONTH", "YEAR", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
_DATEPARSER_UNITS = {"week": ("in 1 week", "1 week ago", "0 week ago"), "month": ("in 1 month", "1 month ago", "0 month ago"),
                     "year": ("in 1 year", "1 year ago", "0 year ago")}
_PYMORPHY_LANGUAGES = ("ru", "uk")


@functools.lru_cache(maxsize=100_000)
def _fold(word: str) -> str:
    return word.casefold().replace("’", "'")


def _words(text: str) -> list[str]:
    """The words of ``text``, folded (apostrophes split them: "l’année" is "l", "année")."""
    return [_fold(w) for w in _WORD.findall(text)]


@functools.lru_cache(maxsize=4)
def _morphology(language: str) -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer(lang=language)


def _declined(words: set[str], language: str) -> set[str]:
    """Every form of the adjectives among ``words`` (Russian and Ukrainian) that keeps the word's
    stem: ближайший's lexeme also holds близкий ("close"), which is no cue."""
    if language not in _PYMORPHY_LANGUAGES:
        return words
    forms = set(words)
    for word in words:
        stem = word[:max(3, len(word) - 3)]
        for parse in _morphology(language).parse(word):
            if parse.tag.POS in ("ADJF", "PRTF"):
                forms.update(f.word for f in parse.lexeme if f.tag.POS in ("ADJF", "PRTF") and f.word.startswith(stem))
    return forms


@dataclass(frozen=True)
class _Vocabulary:
    next: frozenset[str]
    last: frozenset[str]
    this: frozenset[str]
    year: frozenset[str]
    year_adverbs: dict  # one-word "last year", "this year" ("πέρσι", "امسال") -> offset
    phrases: dict  # first word -> [(words, NEXT or LAST)]: the future and past words and pairs
    since: frozenset[str]
    clause: frozenset[str]
    governs: frozenset[str]
    future_suffix: re.Pattern | None
    past_suffix: re.Pattern | None
    final_past: re.Pattern | None
    past_pair: re.Pattern | None
    not_future: frozenset[str]
    not_past: frozenset[str]
    passive: frozenset[str]
    not_future_prefix: tuple[str, ...]
    future_lemmas: frozenset[str]


def _relative_phrases(language: str) -> dict[str, dict[int, list[list[str]]]]:
    """unit -> {NEXT: [words of each phrase], LAST: [...], NONE: [...]} from CLDR (ICU) and dateparser."""
    phrases: dict[str, dict[int, list[list[str]]]] = {}
    formatter = icu.RelativeDateTimeFormatter(icu.Locale(language))
    for unit in _UNITS:
        absolute = getattr(icu.UDateAbsoluteUnit, unit)
        phrases[unit.lower()] = {
            direction: [_words(formatter.format(getattr(icu.UDateDirection, name), absolute))]
            for direction, name in ((NEXT, "NEXT"), (LAST, "LAST"), (NONE, "THIS"))}
    try:
        relative = default_loader.get_locale(language).info.get("relative-type", {})
    except (KeyError, ValueError, AttributeError):
        relative = {}
    for unit, keys in _DATEPARSER_UNITS.items():
        for direction, key in zip((NEXT, LAST, NONE), keys):
            phrases[unit][direction] += [_words(p) for p in relative.get(key, ())]
    return phrases


def _unit_words(language: str) -> set[str]:
    try:
        info = default_loader.get_locale(language).info
    except (KeyError, ValueError, AttributeError):
        info = {}
    words = set()
    for key in ("week", "month", "year", "day", "monday", "tuesday", "wednesday", "thursday", "friday",
                "saturday", "sunday"):
        for name in info.get(key, ()):
            words.update(_words(name))
    formatter = icu.RelativeDateTimeFormatter(icu.Locale(language))
    for unit in _UNITS[3:]:
        words.update(_words(formatter.format(icu.UDateDirection.PLAIN, getattr(icu.UDateAbsoluteUnit, unit))))
    return words


@functools.lru_cache(maxsize=64)
def _vocabulary(language: str | None) -> _Vocabulary:
    language = language or "en"
    phrases = _relative_phrases(language)
    units = _unit_words(language)
    cue_words: dict[int, set[str]] = {NEXT: set(), LAST: set(), NONE: set()}
    year_adverbs: dict[str, int] = {}
    for unit, by_direction in phrases.items():
        for direction, lists in by_direction.items():
            others = {w for d, ls in by_direction.items() if d != direction for words in ls for w in words}
            for words in lists:
                if unit == "year" and len(words) == 1 and words[0] not in units:
                    year_adverbs[words[0]] = direction  # "πέρσι", "торік", "امسال", "φέτος"
                    continue
                cue_words[direction].update(w for w in words if w not in others and w not in units and len(w) > 1)
    # The data's abbreviations ("επόμ", "след", "ant") are left out: a word that another one
    # extends by two letters or more (an inflection adds one: prochain, prochaine), and words of
    # up to three letters in cased scripts (Hebrew הבא and Arabic words are that short).
    for direction, words in cue_words.items():
        cue_words[direction] = {w for w in words if not any(o.startswith(w) and len(o) >= len(w) + 2 for o in words)
                                and not (len(w) <= 3 and w.upper() != w.lower())}
    hand = _HAND.get(language, {})
    cue_words[NEXT] |= {_fold(w) for w in hand.get("next", ())}
    cue_words[LAST] |= {_fold(w) for w in hand.get("last", ())}
    year = {w for name in _year_names(language) for w in _words(name) if len(w) > 1}
    compile_ = (lambda key: re.compile(hand[key], re.IGNORECASE) if key in hand else None)
    return _Vocabulary(
        next=frozenset(_declined(cue_words[NEXT], language)), last=frozenset(_declined(cue_words[LAST], language)),
        this=frozenset(_declined(cue_words[NONE], language)), year=frozenset(year), year_adverbs=year_adverbs,
        phrases=_phrase_index(hand),
        since=frozenset(_fold(w) for w in hand.get("since", ())), clause=frozenset(hand.get("clause", ())),
        governs=frozenset(hand.get("governs", ())),
        future_suffix=compile_("future_suffix"), past_suffix=compile_("past_suffix"),
        final_past=compile_("final_past"), past_pair=compile_("past_pair"),
        not_future=frozenset(hand.get("not_future", ())), not_future_prefix=tuple(hand.get("not_future_prefix", ())),
        not_past=frozenset(hand.get("not_past", ())), passive=frozenset(hand.get("passive", ())),
        future_lemmas=frozenset(hand.get("future_lemmas", ())))


def _phrase_index(hand: dict) -> dict[str, list[tuple[tuple[str, ...], int]]]:
    index: dict[str, list[tuple[tuple[str, ...], int]]] = {}
    for key, direction in (("future", NEXT), ("past", LAST)):
        for phrase in hand.get(key, ()):
            words = tuple(_words(phrase))
            index.setdefault(words[0], []).append((words, direction))
    return index


@functools.lru_cache(maxsize=100_000)
def _parse(language: str, word: str):
    """pymorphy3's likeliest reading of a (folded) word."""
    return _morphology(language).parse(word)[0]


def _year_names(language: str) -> list[str]:
    try:
        return list(default_loader.get_locale(language).info.get("year", ()))
    except (KeyError, ValueError, AttributeError):
        return []


def _variants(word: str, language: str) -> tuple[str, ...]:
    """The word, and the word without a one-letter clitic (وفي → في) or the Arabic article."""
    variants = [word]
    clitics = _CLITICS.get(language, "")
    if len(word) > 3 and word[0] in clitics:
        variants.append(word[1:])
    if language == "ar":
        variants += [v[2:] for v in list(variants) if v.startswith("ال") and len(v) > 4]
    return tuple(variants)


def _in(word: str, words: frozenset[str], language: str) -> bool:
    return any(v in words for v in _variants(word, language))


def _is_year(word: str, language: str, vocabulary: _Vocabulary) -> bool:
    """A word for "year", also with up to two more letters of an ending the data does not list
    (German "Jahres": the data has jahr, jahre, jahren)."""
    return _in(word, vocabulary.year, language) or any(
        word.startswith(y) and len(word) - len(y) <= 2 for y in vocabulary.year if len(y) >= 3)


def _tense(words: list[str], folded: list[str], index: int, language: str, vocabulary: _Vocabulary,
           final: bool) -> tuple[int, int]:
    """(NEXT, LAST or NONE; how many words it takes): what the word at ``index`` of a clause's
    ``words`` (as written; ``folded`` the same folded) says of the clause's tense."""
    written = words[index]
    word = folded[index]
    for phrase, direction in vocabulary.phrases.get(word, ()):
        if tuple(folded[index:index + len(phrase)]) == phrase:
            if direction == LAST and index and folded[index - 1] in vocabulary.passive:
                return NONE, len(phrase)  # "will be held", "to be met"
            return direction, len(phrase)
    if _in(word, vocabulary.since, language) or _in(word, vocabulary.last, language):
        return LAST, 1
    if _in(word, vocabulary.next, language):
        return NEXT, 1
    if not written[:1].islower() and written[:1].upper() != written[:1].lower():
        return NONE, 1  # verb endings are read on lower-case words only: "Irán" is no future
    if vocabulary.future_suffix is not None and vocabulary.future_suffix.fullmatch(word) and \
            word not in vocabulary.not_future and not any(
                word.lstrip("وف").startswith(p) for p in vocabulary.not_future_prefix):
        return NEXT, 1
    if vocabulary.past_suffix is not None and vocabulary.past_suffix.fullmatch(word) and word not in vocabulary.not_past:
        return (NONE if index and folded[index - 1] in vocabulary.passive else LAST), 1
    if final and vocabulary.final_past is not None and vocabulary.final_past.fullmatch(word):
        return LAST, 1
    if vocabulary.past_pair is not None and index + 1 < len(words) and \
            vocabulary.past_pair.fullmatch(f"{word} {folded[index + 1]}"):
        return LAST, 2
    if language in _PYMORPHY_LANGUAGES:
        parse = _parse(language, word)
        if parse.normal_form in vocabulary.future_lemmas:
            return NEXT, 1
        if parse.tag.POS == "VERB":
            return {"futr": NEXT, "past": LAST}.get(parse.tag.tense, NONE), 1
    return NONE, 1


def _governs(word: str, language: str, vocabulary: _Vocabulary) -> bool:
    """True for a word that puts what follows under the verb before it ("to", "να", an infinitive)."""
    if _fold(word) in vocabulary.governs:
        return True
    if language not in _PYMORPHY_LANGUAGES:
        return False
    tag = _parse(language, _fold(word)).tag
    return tag.POS == "INFN" or "infn" in tag.grammemes  # Russian tags the part of speech, Ukrainian a grammeme


def _clause(text: str, start: int, end: int, vocabulary: _Vocabulary) -> tuple[list[str], list[str]]:
    """The words (as written) of the clause holding text[start:end]: those before the date,
    nearest first, and those after it, each list ending where the clause does (punctuation, or a
    word such as "that" that starts another clause)."""
    before_text, after_text = text[:start], text[end:]
    cut = None
    for match in _CLAUSE_PUNCTUATION.finditer(before_text):
        cut = match.end()
    before = _WORD.findall(before_text[cut:] if cut is not None else before_text)
    match = _CLAUSE_PUNCTUATION.search(after_text)
    after = _WORD.findall(after_text[:match.start()] if match else after_text)
    for k in range(len(before) - 1, -1, -1):
        if _fold(before[k]) in vocabulary.clause:
            before = before[k + 1:]
            break
    for k, word in enumerate(after):
        if _fold(word) in vocabulary.clause:
            after = after[:k]
            break
    return before[::-1], after


def read(text: str, start: int, end: int, language: str | None) -> Cue:
    """What the sentence ``text`` says of the date written at text[start:end]."""
    language = language or "en"
    vocabulary = _vocabulary(language)
    before, after = _clause(text, start, end, vocabulary)
    year_offset = _year_offset([_fold(w) for w in before], [_fold(w) for w in after], language, vocabulary)
    # "next"/"last"/"since" beside the date.
    for words in (after[:_ATTACHED_GAP + 1], before[:_ATTACHED_GAP + 1]):
        for word in map(_fold, words):
            if _in(word, vocabulary.since, language) or _in(word, vocabulary.last, language):
                return Cue(LAST, year_offset, True)
            if _in(word, vocabulary.next, language):
                return Cue(NEXT, year_offset, True)
    # Else the tense of the clause: the nearest word that marks one.
    words = before[::-1] + after  # the clause in reading order
    folded = [_fold(w) for w in words]
    date_at = len(before)
    best: tuple[int, int] | None = None
    for index in range(len(words)):
        distance = date_at - index - 1 if index < date_at else index - date_at
        if distance > MAX_CUE_DISTANCE or (best is not None and distance >= best[0]):
            continue
        direction, length = _tense(words, folded, index, language, vocabulary, final=index == len(words) - 1)
        if direction == NONE:
            continue
        if direction == LAST and index < date_at and \
                any(_governs(w, language, vocabulary) for w in words[index + length:date_at]):
            continue  # "promised to bring it to the meeting on 24 March": the date is not the promise's
        best = (distance, direction)
    return Cue(best[1] if best else NONE, year_offset, False)


def _year_offset(before: list[str], after: list[str], language: str, vocabulary: _Vocabulary) -> int | None:
    """-1, 0 or 1 when a year phrase ("last year", "прошлого года", "de l'année dernière",
    "πέρσι") sits within four words after the date, or just before it ("geçen yıl 22 Eylül'de").
    ``before`` is nearest first."""
    for words in (after[:4], before[:2][::-1]):
        for k, word in enumerate(words):
            for variant in _variants(word, language):
                if variant in vocabulary.year_adverbs:
                    return vocabulary.year_adverbs[variant]
            if not _is_year(word, language, vocabulary):
                continue
            for neighbour in words[max(0, k - 1):k] + words[k + 1:k + 2]:
                if _in(neighbour, vocabulary.next, language):
                    return 1
                if _in(neighbour, vocabulary.last, language):
                    return -1
                if _in(neighbour, vocabulary.this, language):
                    return 0
    return None
