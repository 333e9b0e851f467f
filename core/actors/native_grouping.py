"""Chinese, Japanese and Korean people's own names (``cjk_names``) grouped with their spellings in
other scripts, for ``grouping.group_discovered``: by their readings in Latin letters rather than by
the surname skeletons the other names are grouped by."""
from __future__ import annotations

from collections import defaultdict

import icu  # PyICU (pyicu-wheels)
import numpy as np
from rapidfuzz import fuzz, process

from core.actors import cjk_names, transliteration

_BLOCK = 1000  # readings scored at once against all spellings: 1000 x 50,000 is 50 MB


def native_groups(parts: dict, given_skeleton: dict, surname_skeleton: dict, threshold: int) -> tuple[dict, dict]:
    """The Chinese, Japanese and Korean people's own names (``cjk_names.native_key``) read in Latin
    letters for the grouping. A Japanese name's family and given names take the skeletons of their
    Hepburn readings (岸田文雄: "ksd", as Kishida and Кисида), and are grouped as the others. A Chinese
    or Korean name is one unit, its family name a syllable: it is grouped, whole, with the spellings
    in other scripts whose given name and surname read alike in the order written (毛宁, "Mao Ning";
    조태열, "Cho Tae-yul"), apart from the skeleton grouping, whose surnames these short names would
    meet by chance. Longer readings are alike at ``threshold`` (rapidfuzz's ratio, 0-100), as
    surnames are. Returns (head_of, similarity) of those; their skeletons are emptied (this
    changes ``given_skeleton`` and ``surname_skeleton``)."""
    whole: dict[str, str] = {}
    for key, (given, surname, language) in parts.items():
        native = cjk_names.native_key(given, surname, language)
        if native is None:
            continue
        family_reading, given_reading = cjk_names.reading(*native, language)
        if language == "ja":
            surname_skeleton[key] = transliteration.skeleton(family_reading)
            given_skeleton[key] = transliteration.skeleton(given_reading)
            continue
        whole[key] = transliteration.skeleton(family_reading + given_reading)
        surname_skeleton[key] = given_skeleton[key] = ""
    if not whole:
        return {}, {}
    others = {key: transliteration.skeleton(given + surname) for key, (given, surname, language) in parts.items()
              if given and key not in whole and not _NATIVE_SCRIPT.containsSome(given + surname)}
    readings = sorted(set(whole.values()))
    alike_readings = _alike(readings, readings, threshold)
    head_of, similarity = {}, {}
    heads_of_reading: dict[str, list[str]] = defaultdict(list)
    order = {key: position for position, key in enumerate(whole)}
    for key, reading in sorted(whole.items(), key=lambda item: item[0]):
        # The head met first in the names' own order, as a scan of them would meet it.
        candidates = [head for alike in alike_readings.get(reading, ()) for head in heads_of_reading[alike]]
        head = min(candidates, key=order.__getitem__) if candidates else key
        head_of[key], similarity[key] = head, 1.0
        if head == key:
            heads_of_reading[reading].append(key)
    # A spelling in another script joins the first head (in the order they were taken) that reads alike.
    rank = {key: position for position, key in enumerate(sorted(whole)) if head_of[key] == key}
    alike_spellings = _alike(readings, sorted(set(others.values())), threshold)
    first_head: dict[str, str] = {}
    for reading, spellings in alike_spellings.items():
        for written in spellings:
            for head in heads_of_reading[reading]:
                if written not in first_head or rank[head] < rank[first_head[written]]:
                    first_head[written] = head
    for other, written in others.items():
        head = first_head.get(written)
        if head is not None:
            head_of[other], similarity[other] = head, fuzz.ratio(whole[head], written) / 100
            surname_skeleton[other] = given_skeleton[other] = ""
    return head_of, similarity


def _alike(readings: list[str], spellings: list[str], threshold: int) -> dict[str, list[str]]:
    """For each reading, the spellings that read alike (``_reads_alike``). Scored in blocks by
    rapidfuzz, as ``grouping`` scores surnames: a corpus's thousands of Chinese and Korean names
    against its tens of thousands of other spellings, pair by pair in Python, took minutes."""
    alike: dict[str, list[str]] = defaultdict(list)
    if not readings or not spellings:
        return alike
    for start in range(0, len(readings), _BLOCK):
        block = readings[start:start + _BLOCK]
        scores = process.cdist(block, spellings, scorer=fuzz.ratio, score_cutoff=threshold, dtype=np.uint8)
        for row, column in zip(*scores.nonzero()):
            reading, written = block[row], spellings[column]
            if _reads_alike(reading, written, threshold):
                alike[reading].append(written)
    return alike


_NATIVE_SCRIPT = icu.UnicodeSet("[[:Script=Han:][:Script=Hangul:][:Script=Hiragana:][:Script=Katakana:]]")
# A reading this short ("mnk": Mao Ning) must be met exactly; a longer one as the surnames are.
_SHORT_READING = 5


def _reads_alike(left: str, right: str, threshold: int) -> bool:
    if len(left) < transliteration.MIN_SKELETON or len(right) < transliteration.MIN_SKELETON:
        return False
    if min(len(left), len(right)) < _SHORT_READING:
        return left == right
    return fuzz.ratio(left, right) >= threshold
