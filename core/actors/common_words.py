"""Which aliases borrowed from another language are everyday words of the article's language.

An alias written for one language is also used in articles of another language of the same script
(``lookup.Index``): Portuguese and Polish articles write "Guterres" and "Scholz" as English does.
But a name in one language can be an everyday word in another: the Turkish spelling of Hossein
Ashtari, "Eşteri", folds to "esteri", the Italian for foreign affairs ("il ministro degli Esteri"),
and Italian "grossi", "raggi" and "amano" are the surnames Grossi, Raggi and Amano. A borrowed
alias is refused when it is a stop word of the article's language (stopwordsiso) or, by word
frequencies (wordfreq, whose lists ship in its wheel), it is common in the article's language and
far more common there than in the languages whose lists claim it. Names are frequent "words" in
every language's news ("putin" is as frequent in Italian as in English), so frequency alone would
refuse them too; the comparison keeps them.
"""
from __future__ import annotations

import functools
import math

import stopwordsiso
import wordfreq

from core.actors import spelling

# Zipf frequency (log10 of occurrences per billion words) above which a word is common: 3.5 is
# about once in 300,000 words, "esteri" is 4.5 in Italian, "grossi" 4.4, "raggi" 4.4.
COMMON_ZIPF = 3.5
# How much more common (in Zipf units, 1.0 = ten times) the word must be in the article's language
# than in the languages claiming it as a name: "putin" is 4.2 in Italian and 4.1 in English (kept),
# "grossi" 4.4 in Italian and 2.1 in English (refused).
NAME_MARGIN = 1.0
# wordfreq's "small" lists (words down to about Zipf 3 in each language) are enough for both sides
# of the test and load in a fraction of the memory of the "large" ones.
_WORDLIST = "small"


def refused(language: str | None, borrowed: dict[str, set[tuple[str, str]]]) -> frozenset[str]:
    """The folded aliases of ``borrowed`` (folded alias -> {(alias as written, language of the list
    claiming it)}) that are everyday words of ``language``: never matched there from another
    language's list. The frequency lists are read once and let go."""
    if not borrowed or not language:
        return frozenset()
    stop = {spelling.fold(w) for w in _stopwords(language)}
    available = wordfreq.available_languages(_WORDLIST)
    found = {folded for folded in borrowed if folded in stop}
    if language in available:
        own = wordfreq.get_frequency_dict(language, _WORDLIST)
        for folded, claims in borrowed.items():
            here = max(_zipf(own, folded), *(_zipf(own, alias.casefold()) for alias, _ in claims))
            if here < COMMON_ZIPF or folded in found:
                continue
            there = max(_zipf(wordfreq.get_frequency_dict(source, _WORDLIST), alias.casefold())
                        if source in available else 0.0 for alias, source in claims)
            if here >= there + NAME_MARGIN:
                found.add(folded)
        # The lists are a few tens of MB each; the answer is all the index keeps.
        wordfreq.get_frequency_dict.cache_clear()
        wordfreq.get_frequency_list.cache_clear()
    return frozenset(found)


# A word this common (Zipf, once in 10,000 words) is an everyday word, not a foreign name.
EVERYDAY_ZIPF = 4.0


@functools.lru_cache(maxsize=16)
def everyday(language: str | None) -> frozenset[str]:
    """The words of ``language`` at least ``EVERYDAY_ZIPF`` common (casefolded; empty for a
    language wordfreq does not list): words after a title in a script without capitals that are
    all everyday words are no name ("सचिव स्तरीय वार्ता", secretary-level talks)."""
    if language not in wordfreq.available_languages(_WORDLIST):
        return frozenset()
    frequencies = wordfreq.get_frequency_dict(language, _WORDLIST)
    found = frozenset(word for word in frequencies if _zipf(frequencies, word) >= EVERYDAY_ZIPF)
    wordfreq.get_frequency_dict.cache_clear()
    wordfreq.get_frequency_list.cache_clear()
    return found


def _zipf(frequencies: dict, word: str) -> float:
    frequency = frequencies.get(word, 0.0)
    return math.log10(frequency) + 9 if frequency > 0 else 0.0


def _stopwords(language: str) -> set[str]:
    try:
        return set(stopwordsiso.stopwords(language))
    except (KeyError, ValueError):
        return set()
