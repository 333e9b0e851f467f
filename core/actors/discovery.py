"""People outside the dictionary, found in the words a field's dictionary matches left free.

A name starts with a known given name, or (in scripts with capitals) follows a title within the
same clause, or stands before a comma and a title ("Arkady Zabelin, the deputy secretary of ...");
every later use of its surname alone in the same article is found too, and anywhere when the
corpus has met the full name (``surname_mentions``). Discovered names carry a ``name_key``
("given|surname|language": the name as written and the language of the article it is written in,
``name_key``) until ``grouping`` gives them an actor.
"""
from __future__ import annotations

import re

from core.actors import cjk_names, common_words, lookup, script_names, spelling, transliteration

DISCOVERED_CONFIDENCE = {"title": 0.8, "given_name": 0.7, "surname": 0.7}

# A surname met alone in another article must be this long (letters) to be taken for a known name.
MIN_CORPUS_SURNAME = 5
MAX_NAME_WORDS = 4
# Words between a title and the name it introduces: "Russian Foreign Minister, Sergei Lavrov",
# "وزير الدفاع الإيراني محمد أشتياني", "le secrétaire d'État allemand aux affaires étrangères, X".
MAX_WORDS_AFTER_TITLE = 4


def _title_end(index: lookup.Index, forms: list[str], i: int) -> int | None:
    for title in index.titles.get(forms[i], ()):
        if tuple(forms[i:i + len(title)]) == title:
            return i + len(title)
    return None


# Place names built like person names: Saint-Pétersbourg, Sankt Petersburg, San Francisco.
_PLACE_WORDS = {"saint", "sankt", "san", "santa", "sao", "st", "fort", "port", "new", "nueva", "nouvelle", "bad"}


def _is_name_word(index: lookup.Index, word: str, folded: str, cased: bool) -> bool:
    if folded in index.not_names or len(folded) < 2 or folded in _PLACE_WORDS:
        return False
    if cased:
        return spelling.is_capitalised(word) and not spelling.is_acronym(word)
    return len(folded) >= 3


_SENTENCE_PUNCTUATION = re.compile(r"[.!?;:؟؛]")


def _may_follow_title(index: lookup.Index, word: str, info: lookup.Word) -> bool:
    """Whether ``word`` may stand between a title and its holder's name: a word in lower case or
    an acronym ("Rzecznik MSZ Paweł Wroński"), or a capitalised word of the title's ministry or
    body ("Juru bicara Kementerian Luar Negeri X", "il portavoce del ministero degli Esteri X",
    "o ministro das Relações Exteriores X"): a title word, a non-name, or an organisation word.
    Any other capitalised word may itself be a name, so the title is too far."""
    if not spelling.is_capitalised(word) or spelling.is_acronym(word):
        return True
    return (info.folded in index.not_names
            or not index.organisation_keys.isdisjoint(info.key_set))


def _discover(index: lookup.Index, words, infos: list[lookup.Word], covered: list[bool], text: str, cased: bool,
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
                          and all(_may_follow_title(index, words[k][0], infos[k]) for k in between)
                          # A title whose person the dictionary found introduces nobody else:
                          # "Präsident Selenskyj auf der Münchner Sicherheitskonferenz".
                          and not any(k in person_words for k in range(title_end, i)))
            if not near_title:
                # The words and the gap since the title only grow, so it stays too far from any
                # later word: forget it rather than re-check the growing stretch at every word.
                title_end = None
            # Right after a preposition the capitalised words are a place ("il ministro degli
            # Esteri a Reggio Calabria"), and right after a body's word that is no word of a title
            # they are its name ("il presidente della Regione Friuli Venezia Giulia"), not the
            # title's holder: the title stays pending for a later name.
            elif between and between[-1] == i - 1 and not spelling.is_acronym(words[i - 1][0]) and (
                    infos[i - 1].folded not in index.title_words if spelling.is_capitalised(words[i - 1][0])
                    else words[i - 1][0].casefold() in index.plain_stopwords):
                near_title = False
        if folded[i] in _PLACE_WORDS:
            i += 1
            continue
        given = (folded[i] in index.given_names and word.casefold() not in index.plain_stopwords
                 and (not cased or spelling.is_capitalised(word)))
        if not (given or (near_title and _is_name_word(index, word, folded[i], cased))):
            i += 1
            continue
        j = i + 1
        while j < len(words) and j - i < MAX_NAME_WORDS and not covered[j] and spelling.adjacent(text, words[j - 1], words[j]):
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


def _appositions(index: lookup.Index, words, covered, folded, forms, text: str, cased: bool, spans):
    """Names followed by a comma and a title: "Arkady Zabelin, the deputy secretary of ...",
    "مهند الساعدي، المتحدث باسم ...". The title may follow a few small words ("the", "Iran's")."""
    taken = {k for first, last, _ in spans for k in range(first, last)} if spans else set()
    if spans:
        taken.update(k for k, done in enumerate(covered) if done)
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
            if first < j and not spelling.adjacent(text, words[candidate], words[first]):
                break
            if not cased and words[candidate][0].casefold() in index.plain_stopwords:
                break
            first = candidate
        if j - first >= 2:
            found.append((first, j, "title"))
            taken.update(range(first, j))
    return found


def discover(index: lookup.Index, article_id: str, field: str, text: str, words: list[tuple[str, int, int]],
             infos: list[lookup.Word], covered: list[bool], cased: bool, person_words: set[int]) -> list[dict]:
    """Names of people outside the dictionary in the words of one field not yet ``covered`` (which
    this marks), as dicts with the field's offsets, the cue that found them ("title" or
    "given_name"), the surname and the given name as written. ``person_words``: the words that
    name dictionary people (``matching.match_aliases``), whose titles introduce nobody else;
    ``cased``: whether the script has capitals."""
    # The cues of the scripts without capitals come first: a given name the automaton cut out of
    # Chinese text (谢尔盖) would otherwise take the rest of its run of characters for a surname.
    discovered = script_names.discover(index, article_id, field, text, words, infos, covered, person_words)
    discovered += _native(index, article_id, field, text, words, covered, person_words)
    spans = _discover(index, words, infos, covered, text, cased, person_words)
    taken = {k for first, last, _ in spans for k in range(first, last)} if spans else set()
    if spans:
        taken.update(k for k, done in enumerate(covered) if done)
    for first, last, cue in spans:
        organisation = _organisation_span(index, words, infos, taken, first, last, text, cased)
        if organisation is not None:
            # Not a person: left out, its words covered so that no part of it ("Ronald Reagan" of
            # the Ronald Reagan Presidential Foundation) is taken for one either.
            first, last = organisation
        else:
            start, end = words[first][1], words[last - 1][2]
            surname = words[last - 1][0]
            tail = _KOREAN_GIVEN_TAIL.match(text, end) if cased and last - first > 1 and len(surname) <= 5 else None
            if tail:
                # "Cho Tae-yul", "Han Seung-min": the press writes a Korean given name's second
                # syllable after a hyphen, in lower case.
                end, surname = tail.end(), surname + tail.group()
                covered[last:] = [covered[k] or words[k][1] < end for k in range(last, len(words))]
            discovered.append({"article_id": article_id, "field": field, "start": start, "end": end,
                               "surface": text[start:end], "candidates": (), "ambiguous": False, "method": cue,
                               "surname": surname, "given": words[first][0] if last - first > 1 else ""})
        for k in range(first, last):
            covered[k] = True
    return discovered


# The second syllable of a romanised Korean given name (Tae-yul, Seung-min, Jae-myung, Jong-un).
_KOREAN_GIVEN_TAIL = re.compile(r"[-‐](?:[bcdghjkmnprstwy]{0,2}[aeiouwy]{1,3}[gklmn]{0,2})(?![\w-])")


def _native(index: lookup.Index, article_id: str, field: str, text: str, words, covered: list[bool],
            person_words: set[int]) -> list[dict]:
    """Chinese, Japanese and Korean people's own names (``cjk_names``) in the words left free,
    which this covers."""
    if index.language not in cjk_names.LANGUAGES:
        return []
    found = []
    blocked = script_names.blocked_mask(text, words, covered)
    for start, end, given, family, cue in cjk_names.discover(index, text, words, covered, blocked, person_words):
        if any(blocked[start:end]):
            continue
        given, surname = cjk_names.key_parts(family, given, index.language)
        found.append({"article_id": article_id, "field": field, "start": start, "end": end,
                      "surface": text[start:end], "candidates": (), "ambiguous": False, "method": cue,
                      "surname": surname, "given": given})
        blocked[start:end] = b"\x01" * (end - start)
        for k, (_, first, last) in enumerate(words):
            if first < end and last > start:
                covered[k] = True
    return found


def _organisation_span(index: lookup.Index, words, infos: list[lookup.Word], taken: set[int], first: int,
                       last: int, text: str, cased: bool) -> tuple[int, int] | None:
    """A name found like a person's that is an organisation's: one of its words, or (in scripts
    with capitals) a capitalised word right before or after it, is an organisation word
    (``lookup.Index.organisation_keys``: "The Wall Street Journal", "Ronald Reagan Presidential
    Foundation", "Radyo Özgür Avrupa"). Returns the span with that neighbour taken in (unless a
    name or an alias has it: ``taken``), or None for a person's name. Without capitals a
    neighbour says nothing: "مسؤول العلاقات الإعلامية في الحزب غسان طليس" is the party's official."""
    keys = index.organisation_keys

    def organisation_word(k: int) -> bool:
        return not keys.isdisjoint(infos[k].key_set)

    def joins(k: int, left: int, right: int) -> bool:
        return (cased and 0 <= k < len(words) and k not in taken and organisation_word(k)
                and spelling.adjacent(text, words[left], words[right]) and spelling.is_capitalised(words[k][0]))

    before = joins(first - 1, first - 1, first)
    after = joins(last, last - 1, last)
    if not (before or after or any(organisation_word(k) for k in range(first, last))):
        return None
    return first - before, last + after


def surname_mentions(index: lookup.Index, article_id, field, text, words, infos, covered, surnames: dict,
                     known_skeletons: dict, cased: bool) -> list[dict]:
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
        if hit is None and known_skeletons and len(folded) >= MIN_CORPUS_SURNAME \
                and word.casefold() not in common_words.everyday(index.language):
            # An everyday word of the article's language shares a skeleton with some name by chance:
            # وأعلنت ("and she announced") with the Polish surname Bellandim.
            hit = known_skeletons.get(transliteration.skeleton(word))
        if hit is None:
            continue
        surname, given = hit
        start += lookup.name_start(word, index.language, frozenset(spelling.keys(surname, index.language)))
        if index.language == "ko":
            # Stored without its case particle (한승민은 -> 한승민), as dictionary names are.
            end -= spelling.korean_particle(word, frozenset(spelling.keys(surname, index.language)))
        found.append({"article_id": article_id, "field": field, "start": start, "end": end,
                      "surface": text[start:end], "candidates": (), "ambiguous": False, "method": "surname",
                      "surname": surname, "given": given})
        covered[k] = True
    if index.language in spelling.UNSPACED_LANGUAGES:
        # A surname inside a run of Chinese characters (扎别林说) is no word of its own.
        known = {surname: given for _, (surname, given) in surnames.values() if len(surname) >= script_names.MIN_PART}
        for start, end, surname in script_names.surname_spans(text, words, covered, set(known)):
            found.append({"article_id": article_id, "field": field, "start": start, "end": end,
                          "surface": text[start:end], "candidates": (), "ambiguous": False, "method": "surname",
                          "surname": surname, "given": known[surname]})
            for k in range(len(words)):
                if words[k][1] < end and words[k][2] > start:
                    covered[k] = True
    return found


def article_surnames(discovered: list[dict], language: str | None) -> dict:
    """The ``surnames`` of ``surname_mentions`` for one article: each spelling key of the surnames
    its names were discovered with, mapped to (rank, (surname, given)), in order of discovery."""
    surnames = {}
    for mention in discovered:
        # A Chinese, Korean or Japanese name of two characters (毛宁, 岸田) is as long as its script writes them.
        if len(spelling.fold(mention["surname"])) >= 3 or cjk_names.native_key(
                mention["given"], mention["surname"], language) is not None:
            for key in spelling.keys(mention["surname"], language):
                surnames.setdefault(key, (len(surnames), (mention["surname"], mention["given"])))
    return surnames


def remember_surnames(known_skeletons: dict, discovered: list[dict]) -> None:
    """Add the surnames of ``discovered`` names to ``known_skeletons`` (skeleton -> (surname,
    given), the first met kept), for ``surname_mentions`` in the other articles of the corpus."""
    for mention in discovered:
        skeleton = transliteration.skeleton(mention["surname"])
        if len(skeleton) >= transliteration.MIN_SKELETON + 1:
            known_skeletons.setdefault(skeleton, (mention["surname"], mention["given"]))


def name_key(given: str, surname: str, language: str | None) -> str:
    """The key of a discovered name: "given|surname|language" ("Dmitri|Peskow|de"). The language
    tells ``grouping`` which spelling is English (the display name); keys stored before it was
    written have two parts."""
    return f"{given}|{surname}|{language or ''}"


def key_parts(key: str) -> tuple[str, str, str | None]:
    """(given, surname, language or None) of a ``name_key``, of two parts or three."""
    given, surname, *rest = key.split("|")
    return given, surname, (rest[0] or None) if rest else None


def known_surnames(name_keys) -> dict[str, str]:
    """The ``known_surnames`` of ``finding.find_mentions`` from the name keys ("given|surname") of
    names discovered earlier: each surname by its skeleton, the first met kept."""
    surnames = {}
    for key in name_keys:
        surname = key_parts(key)[1]
        skeleton = transliteration.skeleton(surname)
        if len(skeleton) > transliteration.MIN_SKELETON:
            surnames.setdefault(skeleton, surname)
    return surnames
