"""Which way a date written without a year points, read from the words of its sentence: "next" and
"last" words beside it ("le 3 novembre prochain", "27 أيلول الماضي", "am kommenden Montag"), a year
phrase after it ("22 сентября прошлого года"), "since" before it, or the tense of its clause
("will", "wird", "θα", "سوف", "خواهد", a Russian or Ukrainian verb in the future or past). The words
per language, and where they come from: ``date_words``.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from core.actors import date_words
from core.actors.date_words import LAST, NEXT, NONE

# A cue counts only this many words away from the date, within its clause.
MAX_CUE_DISTANCE = 8
# "next"/"last" directly beside the date, or with one word between ("el pasado 22 de mayo" is
# beside; "22 сентября прошлого года" has "сентября" in the surface), are read as the date's own.
_ATTACHED_GAP = 1
_CLAUSE_PUNCTUATION = re.compile(r"[,;:()\[\]«»\"“”„—–]")
_fold = date_words.fold


@dataclass(frozen=True)
class Cue:
    """What the sentence says of one date: ``direction`` NEXT (after publication), LAST (before)
    or NONE; ``year_offset`` the year relative to publication when a year phrase says it ("last
    year": -1), else None; ``attached`` True when the cue is a word beside the date ("next
    Monday") rather than the tense of its clause."""
    direction: int = NONE
    year_offset: int | None = None
    attached: bool = False


@functools.lru_cache(maxsize=4096)  # a text repeating one sentence reads it once
def read(text: str, start: int, end: int, language: str | None) -> Cue:
    """What the sentence ``text`` says of the date written at text[start:end]."""
    words = date_words.for_language(language)
    before, after = _clause(text, start, end, words)
    year_offset = _year_offset([_fold(w) for w in before], [_fold(w) for w in after], words)
    if words.next_after:
        # "terça-feira que vem": the clause would be cut at "que" before "vem" is read.
        following = [_fold(w) for w in date_words.split(text[end:end + 40])]
        if any(tuple(following[:len(phrase)]) == phrase for phrase in words.next_after):
            return Cue(NEXT, year_offset, True)
    # "by"/"for" right before it: a deadline or the day something is set for ("entro venerdì").
    if any(words.has(words.by, _fold(word)) for word in before[:_ATTACHED_GAP + 1]):
        return Cue(NEXT, year_offset, False)
    # "next"/"last"/"since" beside the date.
    for beside in (after[:_ATTACHED_GAP + 1], before[:_ATTACHED_GAP + 1]):
        for word in map(_fold, beside):
            if words.has(words.since, word) or words.has(words.last, word):
                return Cue(LAST, year_offset, True)
            if words.has(words.next, word):
                return Cue(NEXT, year_offset, True)
    # Else the tense of the clause: the nearest word that marks one.
    clause = before[::-1] + after  # in reading order
    folded = [_fold(w) for w in clause]
    date_at = len(before)
    best: tuple[int, int] | None = None
    deadline = any(words.has(words.before, _fold(word)) for word in before[:_ATTACHED_GAP + 1])
    for index in range(len(clause)):
        distance = date_at - index - 1 if index < date_at else index - date_at
        if distance > MAX_CUE_DISTANCE or (best is not None and distance >= best[0]):
            continue
        direction, length = _tense(clause, folded, index, words, final=index == len(clause) - 1)
        if direction == NONE:
            continue
        if direction == LAST and index < date_at and any(_governs(w, words) for w in folded[index + length:date_at]):
            continue  # "promised to bring it to the meeting on 24 March": the date is not the promise's
        best = (distance, direction)
    if deadline and (best is None or best[1] != LAST):
        return Cue(NEXT, year_offset, False)  # "antes del viernes": a deadline unless the clause is past
    return Cue(best[1] if best else NONE, year_offset, False)


def _tense(words: list[str], folded: list[str], index: int, vocabulary: date_words.Vocabulary,
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
    if vocabulary.has(vocabulary.since, word) or vocabulary.has(vocabulary.last, word):
        return LAST, 1
    if vocabulary.has(vocabulary.next, word):
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
    if vocabulary.reflexive and written[:1].islower() and word not in vocabulary.reflexive and any(
            0 <= k < len(folded) and folded[k] in vocabulary.reflexive for k in (index - 1, index + 1)) \
            and not vocabulary.has(vocabulary.since, word) and len(word) > 3:
        return NEXT, 1  # "spotka się": not a past form (read above), so a present or perfective future
    reading = vocabulary.reading(word)
    if reading is not None:
        if reading.normal_form in vocabulary.future_lemmas:
            return NEXT, 1
        if reading.tag.POS == "VERB":
            return {"futr": NEXT, "past": LAST}.get(reading.tag.tense, NONE), 1
    return NONE, 1


def _governs(word: str, vocabulary: date_words.Vocabulary) -> bool:
    """True for a (folded) word that puts what follows under the verb before it ("to", "να", an
    infinitive)."""
    if word in vocabulary.governs:
        return True
    reading = vocabulary.reading(word)
    # Russian tags an infinitive as a part of speech, Ukrainian as a grammeme of a verb.
    return reading is not None and (reading.tag.POS == "INFN" or "infn" in reading.tag.grammemes)


def _clause(text: str, start: int, end: int, vocabulary: date_words.Vocabulary) -> tuple[list[str], list[str]]:
    """The words (as written) of the clause holding text[start:end]: those before the date,
    nearest first, and those after it, each list ending where the clause does (punctuation, or a
    word such as "that" that starts another clause)."""
    before_text, after_text = text[:start], text[end:]
    cut = None
    for match in _CLAUSE_PUNCTUATION.finditer(before_text):
        cut = match.end()
    before = date_words.split(before_text[cut:] if cut is not None else before_text)
    match = _CLAUSE_PUNCTUATION.search(after_text)
    after = date_words.split(after_text[:match.start()] if match else after_text)
    for k in range(len(before) - 1, -1, -1):
        if _fold(before[k]) in vocabulary.clause:
            before = before[k + 1:]
            break
    for k, word in enumerate(after):
        if _fold(word) in vocabulary.clause:
            after = after[:k]
            break
    return before[::-1], after


def _year_offset(before: list[str], after: list[str], vocabulary: date_words.Vocabulary) -> int | None:
    """-1, 0 or 1 when a year phrase ("last year", "прошлого года", "de l'année dernière",
    "πέρσι") sits within four words after the date, or just before it ("geçen yıl 22 Eylül'de").
    ``before`` is nearest first."""
    for words in (after[:4], before[:2][::-1]):
        for k, word in enumerate(words):
            for variant in vocabulary.variants(word):
                if variant in vocabulary.year_adverbs:
                    return vocabulary.year_adverbs[variant]
            if not vocabulary.is_year(word):
                continue
            for neighbour in words[max(0, k - 1):k] + words[k + 1:k + 2]:
                if vocabulary.has(vocabulary.next, neighbour):
                    return 1
                if vocabulary.has(vocabulary.last, neighbour):
                    return -1
                if vocabulary.has(vocabulary.this, neighbour):
                    return 0
    return None
