"""Dictionary aliases matched in the words of one field, and the actor each match names.

Aliases are looked up word by word under the keys of ``spelling`` (folded, stemmed, clitics
removed, short case endings), longest alias first. An alias two actors share, or one the
dictionary marks ambiguous, only counts in an article that names one of its actors unambiguously
(``attribute``). An alias that is also an everyday word of the article's language (the
dictionary's ``[[actor.context]]`` tables) is dropped beside a word that gives it its everyday
sense, and is taken as ambiguous unless a word that confirms the actor stands near it.
"""
from __future__ import annotations

import re

from core.actors import lookup, spelling

# Confidence of a match, by how it was made.
CONFIDENCE = {"alias": 1.0, "stem": 0.95, "inflection": 0.85, "metonym": 0.8, "context": 0.75}


def _word_matches(entry: lookup.Entry, position: int, word: lookup.Word, language: str | None) -> int | None:
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


def _match_at(index: lookup.Index, words: list[tuple[str, int, int]], infos: list[lookup.Word], i: int, text: str):
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
            if j and not spelling.adjacent(text, words[i + j - 1], words[i + j]):
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


def match_aliases(index: lookup.Index, article_id: str, field: str, text: str, words: list[tuple[str, int, int]],
                  infos: list[lookup.Word], covered: list[bool]) -> tuple[list[dict], set[int]]:
    """The dictionary aliases in ``words`` (``spelling.words`` of ``text``, one field of an
    article; ``infos`` their ``lookup.word_info``), longest first and never overlapping; the words
    they cover are marked in ``covered``. Returns (the matches, as dicts with the field's offsets
    and the candidate actors; the indexes of the words that name dictionary people)."""
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
        doubtful = False
        if any(e.context is not None for e in entries):
            entries, doubtful = _in_context(entries, words, infos, i, length, text)
            if not entries:
                continue
        # The mention starts at the name, after a conjunction or preposition attached to it (وعباس).
        first = frozenset().union(*(e.tokens[0] for e in entries))
        start, end = words[i][1] + lookup.name_start(words[i][0], index.language, first), words[i + length - 1][2]
        if index.language == "ko":
            # The surface is the name without its particle (라브로프는 -> 라브로프).
            end -= spelling.korean_particle(words[i + length - 1][0], frozenset().union(*(e.tokens[-1] for e in entries)))
        actors = (entries[0].actor_id,) if len(entries) == 1 else tuple(dict.fromkeys(e.actor_id for e in entries))
        ambiguous = len(actors) > 1 or doubtful or any(e.ambiguous for e in entries)
        if any(e.kind == "metonym" for e in entries) and method == "alias":
            method = "metonym"
        found.append({"article_id": article_id, "field": field, "start": start, "end": end,
                      "surface": text[start:end], "candidates": actors, "ambiguous": ambiguous, "method": method})
        for k in range(i, i + length):
            covered[k] = True
        if all(a in index.people for a in actors):
            person_words.update(range(i, i + length))
        free = i + length
    return found, person_words


# How far (words, within the sentence) a word that confirms an alias's actor may stand from it:
# "أعلن تنظيم القاعدة في جزيرة العرب", "زعيم القاعدة أيمن الظواهري".
CONTEXT_WORDS = 6
_SENTENCE_END = re.compile(r"[.!?;:؟؛\n]")


def _in_context(entries: list, words, infos: list[lookup.Word], i: int, length: int, text: str) -> tuple[list, bool]:
    """The entries of a match at words ``i`` to ``i + length`` that their context allows, and
    whether one of them lacks the confirming word it requires (the match is then ambiguous)."""
    kept, doubtful = [], False
    for entry in entries:
        rule = entry.context
        if rule is None:
            kept.append(entry)
            continue
        if rule.exclude and any(not rule.exclude.isdisjoint(infos[k].key_set)
                                for k in _neighbours(words, i, length, text, 1)):
            continue
        if rule.require and all(rule.require.isdisjoint(infos[k].key_set)
                                for k in _neighbours(words, i, length, text, CONTEXT_WORDS)):
            doubtful = True
        kept.append(entry)
    return kept, doubtful


def _neighbours(words, i: int, length: int, text: str, reach: int) -> list[int]:
    """The indexes of up to ``reach`` words on each side of words ``i`` to ``i + length``, in the
    same sentence."""
    found = []
    k = i - 1
    while k >= 0 and i - k <= reach and not _SENTENCE_END.search(text, words[k][2], words[k + 1][1]):
        found.append(k)
        k -= 1
    k = i + length
    while k < len(words) and k - (i + length) < reach and not _SENTENCE_END.search(text, words[k - 1][2], words[k][1]):
        found.append(k)
        k += 1
    return found


def attribute(matched: list[dict]) -> list[tuple[dict, str, str]]:
    """The actor each match of one article names, and how: (match, actor_id, method). A match
    with one unambiguous candidate names it; an ambiguous one names the one candidate that the
    article's unambiguous matches name (method "context"), and is left out when none or several
    do."""
    supported = {m["candidates"][0] for m in matched if not m["ambiguous"]}
    named = []
    for mention in matched:
        if mention["ambiguous"]:
            chosen = [a for a in mention["candidates"] if a in supported]
            if len(chosen) != 1:
                continue
            named.append((mention, chosen[0], "context"))
        else:
            named.append((mention, mention["candidates"][0], mention["method"]))
    return named
