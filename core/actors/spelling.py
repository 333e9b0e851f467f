"""Spelling keys shared by the actor dictionary and the extractor: one function turns a word as
written into the forms it is looked up under, whatever its script, case, diacritics or inflection.

Inflection goes through the Snowball stemmers (PyStemmer) where the language has one. Snowball's
stems of proper nouns are not always consistent ("Türkiye" -> "türki" but "Türkiye'nin" ->
"türkiye"), so a word is looked up under its plain form and its stem, and both sides of a match
(dictionary alias and article word) get the same treatment.

One thing no installed library does is written here by hand: Arabic and Hebrew attach one-letter
words to the next word (و ب ل ف ك, ו ב ל מ ש כ ה). The only Arabic segmenters that know them need
model downloads (CAMeL Tools, Farasa). The few prefixes are orthography, not morphology, so
candidates with them removed are looked up, and a candidate only counts when the dictionary knows
the rest of the word.

The cross-script consonant skeleton that groups names across scripts is in ``transliteration``.
"""
from __future__ import annotations

import functools
import re
import unicodedata

import icu  # PyICU (pyicu-wheels)
import pymorphy3
import Stemmer

# ISO 639-1 -> Snowball algorithm (PyStemmer 3.1 has no Hebrew or Ukrainian stemmer).
_STEMMERS = {
    "ar": "arabic", "fa": "persian", "tr": "turkish", "ru": "russian", "en": "english",
    "fr": "french", "de": "german", "es": "spanish", "it": "italian", "pt": "portuguese",
    "nl": "dutch", "el": "greek", "sv": "swedish", "da": "danish", "no": "norwegian",
    "fi": "finnish", "hu": "hungarian", "ro": "romanian", "pl": "polish", "cs": "czech",
    "sr": "serbian", "hy": "armenian", "id": "indonesian", "hi": "hindi",
}
UNCASED_SCRIPT_LANGUAGES = {"ar", "fa", "ur", "ps", "ku", "he", "yi", "zh", "ja", "ko", "th", "hi", "bn", "am", "ka", "hy"}
# Written without spaces between words: their text is cut into words by the dictionary's automaton
# (``lookup.words``), not by white space.
UNSPACED_LANGUAGES = {"zh", "ja", "th"}

_ARABIC_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي", "ی": "ي",
    "ک": "ك", "ۀ": "ه", "ـ": None, "ء": None,
    # Urdu's heh goal, do-chashmi heh and yeh barree are its spellings of ه and ي (ابراہیم, ہنیہ).
    "ہ": "ه", "ۃ": "ه", "ھ": "ه", "ے": "ي",
    "׳": "'", "״": '"', "’": "'", "ʼ": "'", "`": "'", "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss",
    "ς": "σ",
})
# Arabic proclitics, longest first: conjunctions, prepositions and the article.
_ARABIC_PROCLITICS = ("وبال", "وال", "بال", "فال", "كال", "لل", "ول", "وب", "فب", "ال", "و", "ف", "ب", "ل", "ك")
_HEBREW_PROCLITICS = ("ו", "ה", "ב", "ל", "מ", "ש", "כ")
# Suffix length allowed after a known word when neither the word nor its stem is known ("Ρωσίας"
# from "Ρωσία", "Ирана" from "Иран"): long enough for case endings, short enough that "Nigeria"
# is never read as "Niger" (a longer known word always wins).
MAX_LOOSE_SUFFIX = 3
MIN_LOOSE_STEM = 4

# ZWNJ ends a word: Persian writes ezafe and plural endings after it (روسیه‌ی, کشور‌ها).
# Tatweel and combining marks (Arabic harakat, Hebrew niqqud, decomposed Latin accents) are not
# word characters to ``re`` but sit inside words: "مُحَمَّد" is one word, folded later.
_IN_WORD = "\u0640\u0300-\u036f\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u0610-\u061a\u064b-\u065f\u0670"
# Devanagari vowel signs, virama and nukta (पुतिन, ज़ेलेंस्की), and Thai vowel and tone marks, are
# marks too.
_IN_WORD += "\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
WORD = re.compile(rf"([^\W\d_][^\W_]*(?:[{_IN_WORD}]+[^\W_]*)*)(?:[\"״׳'][^\W\d_]+)?", re.UNICODE)
_HEBREW = icu.UnicodeSet("[:Script=Hebrew:]")
_PERSIAN_LETTERS = str.maketrans({"ي": "ی", "ك": "ک"})
_VOWELS = set("aeiouyаеиоуыэюяіїєαεηιουω")


@functools.lru_cache(maxsize=500_000)
def fold(word: str) -> str:
    """Case, diacritics, Arabic/Persian letter variants, tatweel and ZWNJ folded away."""
    # й is a letter of its own, and the Russian stemmer needs it ("Украиной").
    word = unicodedata.normalize("NFKD", word.casefold().replace("й", "\0"))
    word = "".join(ch for ch in word if not unicodedata.combining(ch)).replace("\0", "й")
    word = word.translate(_ARABIC_FOLD).replace("\u200c", "")
    word = unicodedata.normalize("NFC", word)
    if _HAN.containsSome(word):
        # Taiwan's and Hong Kong's traditional characters (聯合國, 澤倫斯基) meet the simplified
        # aliases character for character; ICU's transform keeps the length.
        word = _simplified().transliterate(word)
    return word


_HAN = icu.UnicodeSet("[:Script=Han:]")


@functools.lru_cache(maxsize=1)
def _simplified():
    return icu.Transliterator.createInstance("Traditional-Simplified")


@functools.lru_cache(maxsize=64)
def _stemmer(language: str | None):
    name = _STEMMERS.get(language or "")
    return Stemmer.Stemmer(name) if name else None


def words(text: str, language: str | None = None) -> list[tuple[str, int, int]]:
    """Words of ``text`` as ``(word, start, end)``. Apostrophes split words ("l'Iran", "Rusya'da",
    "Iran's") except in Hebrew, where geresh and gershayim belong to the word (נאט"ו, צ'ה)."""
    found = []
    append = found.append
    for match in WORD.finditer(text):
        start, end = match.span()
        quote = match.end(1)
        # The word part before the optional quote holds no quote character, so a quote can only
        # sit where group 1 ends.
        if quote == end or text[start] in _HEBREW:
            append((match.group(), start, end))
            continue
        append((text[start:quote], start, quote))
        append((text[quote + 1:end], quote + 1, end))
    return found


# Middle dots join the parts of a foreign name in Chinese and Japanese (谢尔盖·拉夫罗夫, セルゲイ・ラブロフ).
_GAP = re.compile(r"[\s\-'’‐־\u200c·・‧･]{0,3}")


def adjacent(text: str, left: tuple[str, int, int], right: tuple[str, int, int]) -> bool:
    """Whether two ``words`` of ``text`` can belong to one name: words of one name are separated
    by spaces, hyphens or apostrophes, never by punctuation."""
    start, end = left[2], right[1]
    if end - start == 1 and text[start] == " ":
        return True
    return end - start <= 3 and _GAP.fullmatch(text, start, end) is not None


ABJAD_LANGUAGES = {"ar", "fa", "ur", "ps", "ku", "he", "yi"}
# A stem shorter than this matches too many ordinary words (Arabic "بان" from "ألبانيا" is "that").
MIN_STEM = 4


def _stem(form: str, language: str | None) -> str | None:
    stemmer = _stemmer(language)
    if stemmer is None:
        return None
    if language == "fa":
        form = form.translate(_PERSIAN_LETTERS)  # the Persian stemmer knows Persian ye and kaf only
    stem = fold(stemmer.stemWord(form))
    return stem if len(stem) >= MIN_STEM else None


@functools.lru_cache(maxsize=200_000)
def keys(word: str, language: str | None) -> tuple[str, ...]:
    """The forms an article word is looked up under: folded first, then with attached one-letter
    words removed (Arabic, Hebrew), then stems. Dictionary words are indexed under
    ``alias_keys``."""
    folded = fold(word)
    found = [folded]
    if language in ("ar", "fa", "ur", "ps", "ku"):
        found += [folded[len(p):] for p in _ARABIC_PROCLITICS if folded.startswith(p) and len(folded) - len(p) >= 3]
    elif language in ("he", "yi"):
        for first in _HEBREW_PROCLITICS:
            if folded.startswith(first) and len(folded) > 3:
                found.append(folded[1:])
                found += [folded[2:] for second in _HEBREW_PROCLITICS if folded[1:].startswith(second) and len(folded) > 4]
    elif language == "ko":
        found += [folded[:-len(p)] for p in _KOREAN_PARTICLES if folded.endswith(p) and len(folded) - len(p) >= 1]
    found += [stem for form in list(found) if (stem := _stem(form, language))]
    return tuple(dict.fromkeys(form for form in found if form))


# Korean writes case particles and postpositions onto the noun (라브로프는, 푸틴 대통령이,
# 러시아와의). No Korean analyser ships its model in a wheel we use (kiwipiepy's is a separate
# 80 MB download package), and the particles are a closed list: a word minus one of them is
# looked up, and only counts when the dictionary knows the rest (as Arabic proclitics do).
_KOREAN_PARTICLES = tuple(sorted({
    "이", "가", "은", "는", "을", "를", "의", "에", "에서", "에게", "에게서", "께서", "한테", "와", "과", "와의", "과의",
    "으로", "로", "으로서", "로서", "으로부터", "로부터", "도", "만", "까지", "부터", "보다", "처럼", "이나", "나",
    "이라고", "라고", "이라는", "라는", "과도", "와도", "에도", "에서는", "에는", "으로는", "로는", "과는", "와는",
    "이며", "며", "이고", "측", "측은", "측이", "측의", "측과",
}, key=len, reverse=True))
KOREAN_PARTICLES = _KOREAN_PARTICLES  # longest first: also cut from discovered names (script_names)


def korean_particle(word: str, wanted) -> int:
    """The length of the case particle ending a Korean ``word`` whose rest is one of ``wanted``
    (the keys of the alias word it matched): 1 for 라브로프는, 0 when the word is the name."""
    folded = fold(word)
    if folded in wanted:
        return 0
    for particle in _KOREAN_PARTICLES:
        if folded.endswith(particle) and folded[:-len(particle)] in wanted:
            return len(particle)
    return 0


@functools.lru_cache(maxsize=200_000)
def alias_keys(word: str, language: str | None) -> tuple[str, ...]:
    """The forms a dictionary word is indexed under: folded, and in cased scripts its stem and
    itself without a final vowel (Россия/России, Україна/України, Ρωσία/Ρωσίας). Arabic-script and
    Hebrew aliases are indexed as written: their stems collide with common words, so there the
    stemmer only runs on the article's words, whose stems must equal a whole alias."""
    folded = fold(word)
    found = [folded]
    if language not in ABJAD_LANGUAGES:
        if stem := _stem(folded, language):
            found.append(stem)
        if len(folded) > MIN_LOOSE_STEM and folded[-1] in _VOWELS:
            found.append(folded[:-1])
        found += _inflections(word, language)
    return tuple(dict.fromkeys(found))


# Languages whose dictionary words are expanded into all their inflected forms by pymorphy3: its
# wheels ship the OpenCorpora (ru) and VESUM (uk) dictionaries, and it declines unknown names by
# analogy (Умєров -> Умєрова, Умєровим). Ukrainian has no Snowball stemmer in PyStemmer, and the
# Russian one cuts short names to stems too short to trust (Ливия, Ливию -> "лив").
_MORPHOLOGY_LANGUAGES = {"ru", "uk"}


@functools.lru_cache(maxsize=4)
def _morphology(language: str):
    return pymorphy3.MorphAnalyzer(lang=language)


def _inflections(word: str, language: str | None) -> list[str]:
    """Every case and number form of a dictionary word (written, as aliases are, in the
    nominative): Рада -> Ради, Раді, Радою; американський -> американськими. Only readings whose
    lemma is the word itself are declined, so "Рада" does not bring in the forms of "радий"."""
    if language not in _MORPHOLOGY_LANGUAGES or not word[:1].isalpha():
        return []
    readings = [p for p in _morphology(language).parse(word) if "nomn" in p.tag]
    own = [p for p in readings if fold(p.normal_form) == fold(word)]
    return [fold(form.word) for p in own or readings for form in p.lexeme]


def loose_keys(word: str, language: str | None) -> tuple[str, ...]:
    """Prefixes of ``word`` with up to ``MAX_LOOSE_SUFFIX`` letters removed, tried only when
    ``keys`` found nothing: inflections of names the stemmer does not know. Not used for
    Arabic-script and Hebrew words, where the end of a word is not an ending."""
    if language in ABJAD_LANGUAGES or (_stemmer(language) is not None and language != "el"):
        return ()  # where Snowball has a stemmer it knows the endings; Greek's misses names' endings
    folded = fold(word)
    return tuple(folded[:-cut] for cut in range(1, MAX_LOOSE_SUFFIX + 1) if len(folded) - cut >= MIN_LOOSE_STEM)


def is_acronym(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def has_case(word: str) -> bool:
    return word[:1].upper() != word[:1].lower()

