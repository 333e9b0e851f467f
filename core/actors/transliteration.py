"""A name in Latin letters, and the consonant skeleton that lets one name meet itself across scripts.

Arabic, Persian and Hebrew write few vowels, so a transliterated name and its Latin spelling agree
on consonants only. Phonetic libraries (jellyfish, abydos) assume an English spelling; the skeleton
folds the consonant classes that the scripts confuse. Romanisation is ICU's (PyICU), and so is
telling which scripts a name is written in.
"""
from __future__ import annotations

import functools
import re

import icu  # PyICU (pyicu-wheels)

# A skeleton shorter than this tells names apart too poorly to group them by it (two consonants:
# "st" is al-Saadi and a hundred others).
MIN_SKELETON = 3


@functools.lru_cache(maxsize=1)
def _to_latin():
    # Latin-ASCII leaves marks such as ʿ behind; the last step removes them.
    return icu.Transliterator.createInstance("Any-Latin; Latin-ASCII; [:^ASCII:] Remove")


@functools.lru_cache(maxsize=100_000)
def romanize(text: str) -> str:
    """``text`` in ASCII Latin letters (ICU's Any-Latin, then Latin-ASCII): Патрушев -> Patrusev,
    باتروشيف -> batrwshyf."""
    return _to_latin().transliterate(text)


# The standard romanisations (US Board on Geographic Names, as ICU carries them) of the
# alphabets whose every vowel is written: language -> (its script, ICU's transform). A text in one
# of these scripts whose language is not listed is romanised as its script's first language here
# (Cyrillic: Russian, or Ukrainian when it has і, ї, є or ґ). Arabic, Persian and Hebrew are not
# here: their BGN romanisations need the vowel marks the press leaves out (ديفيد -> "dيfيd").
_BGN = {"ru": ("Cyrl", "Russian-Latin/BGN"), "uk": ("Cyrl", "Ukrainian-Latin/BGN"),
        "be": ("Cyrl", "Belarusian-Latin/BGN"), "bg": ("Cyrl", "Bulgarian-Latin/BGN"),
        "sr": ("Cyrl", "Serbian-Latin/BGN"), "mk": ("Cyrl", "Macedonian-Latin/BGN"), "kk": ("Cyrl", "Kazakh-Latin/BGN"),
        "ky": ("Cyrl", "Kirghiz-Latin/BGN"), "mn": ("Cyrl", "Mongolian-Latin/BGN"), "el": ("Grek", "Greek-Latin/BGN"),
        "hy": ("Armn", "Armenian-Latin/BGN"), "ka": ("Geor", "Georgian-Latin/BGN")}
_FIRST_LANGUAGE = {"Cyrl": "ru", "Grek": "el", "Armn": "hy", "Geor": "ka"}
_UKRAINIAN_LETTERS = icu.UnicodeSet("[іїєґІЇЄҐ]")


@functools.lru_cache(maxsize=16)
def _bgn(transform: str):
    # BGN writes the soft and hard signs as ʹ ʺ, which English spellings of names leave out
    # (Дульцев: Dultsev); Latin-ASCII then folds ë and the like.
    return icu.Transliterator.createInstance(f"{transform}; [\\u02b9\\u02ba] Remove; Latin-ASCII")


def standard_romanization(name: str, language: str | None = None) -> str | None:
    """``name`` in the BGN romanisation of its language (``language`` when it is written in the
    name's script, else the script's first language): Дмитрий Песков -> Dmitriy Peskov, Андрій
    Єрмак -> Andriy Yermak, Артём Дульцев -> Artem Dultsev. None for a name in Latin letters or in
    a script without a standard romanisation here (Arabic, Persian, Hebrew)."""
    script = next((icu.Script.getScript(ch).getShortName() for ch in name if ch.isalpha()), None)
    if script not in _FIRST_LANGUAGE:
        return None
    if _BGN.get(language, ("",))[0] != script:
        language = "uk" if script == "Cyrl" and _UKRAINIAN_LETTERS.containsSome(name) else _FIRST_LANGUAGE[script]
    return _bgn(_BGN[language][1]).transliterate(name)


_DIGRAPHS = (("sch", "s"), ("tch", "s"), ("dzh", "j"), ("kh", "k"), ("gh", "g"), ("sh", "s"), ("ch", "s"),
             ("zh", "j"), ("ph", "f"), ("th", "t"), ("dh", "d"), ("ts", "s"), ("tz", "s"), ("dj", "j"),
             ("ck", "k"), ("ou", "u"))
# l and r are one class: Chinese writes r with l (阿夫拉哈米, Avrahami), Japanese l with r
# (ザベリン, Zabelin), Korean either with ㄹ. j is s's class: Chinese zh and Korean ㅈ write z
# (扎别林 zha, 자벨린 ja) as the other scripts' z and zh (Забелин, Кряжев).
_CONSONANT_CLASS = str.maketrans("pfvwqcgxhdzjl", "bbbbkkkkktssr")
_ABJAD = icu.UnicodeSet("[[:Script=Arabic:][:Script=Hebrew:]]")
# The Arabic article in a surname is written or not depending on the language: al-Saadi, Saadi,
# الساعدي, Аль-Саади.
_ARTICLE = re.compile(r"^(?:al|el| al|аль|эль|ель|αλ|ελ|אל)[-‐\s]+|^ال(?=..)", re.IGNORECASE)
_CYRILLIC = icu.UnicodeSet("[:Script=Cyrillic:]")
_GREEK = icu.UnicodeSet("[:Script=Greek:]")


@functools.lru_cache(maxsize=100_000)
def skeleton(name: str) -> str:
    """Consonant skeleton of a name in any script: Patrushev, Patrouchev, باتروشيف, פטרושב and
    Πατρούσεφ all give "btrsb". Vowels are dropped because Arabic-script and Hebrew spellings
    leave most of them out; consonants that one script spells with two letters or confuses
    (p/b/f/v/w, k/q/c/g/h/kh, t/d, s/z) fall in one class."""
    abjad = _ABJAD.containsSome(name)
    name = _ARTICLE.sub("", name.strip())
    cyrillic = _CYRILLIC.containsSome(name)
    if cyrillic:
        # ICU writes ж as ž, which Latin-ASCII makes z; Latin and Persian spellings write zh (ژ),
        # so Кряжев would never meet Kryazhev or کریاژف.
        name = name.replace("ж", "zh").replace("Ж", "Zh")
    latin = re.sub(r"[^a-z]", "", romanize(name).lower())
    if cyrillic:
        latin = latin.replace("j", "y")  # ICU writes й as j
    elif _GREEK.containsSome(name):
        # Greek spells b, d, g as μπ, ντ, γκ; χ is kh; γ before e/i is y.
        latin = latin.replace("mp", "b").replace("nt", "d").replace("gk", "g").replace("ch", "kh")
        latin = re.sub(r"g(?=[ei])", "y", latin)
    for digraph, single in _DIGRAPHS:
        latin = latin.replace(digraph, single)
    if abjad:
        latin = latin.replace("ww", "v").replace("yy", "y")
        # و and ي are vowels between consonants (باتروشيف) and consonants before a vowel (خسروانی).
        latin = latin[:1] + re.sub(r"[wy](?![aeiou])", "", latin[1:])
    latin = re.sub(r"(?<=[aeiouy])h(?![aeiouy])", "", latin)  # Lohmeyer, Ahmadian: h before a consonant is silent or dropped by other scripts
    latin = latin[:1] + re.sub(r"[aeiouy]", "", latin[1:])
    if latin[:1] in "aeiouy":
        latin = latin[1:]
    latin = latin.translate(_CONSONANT_CLASS)
    return re.sub(r"(.)\1+", r"\1", latin)
