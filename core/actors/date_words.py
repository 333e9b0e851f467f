"""The words that say which way a date points, per language, for ``date_cues``: "next", "last" and
"this", words for "year", and the words and verb forms that mark a future or a past clause.

Where they come from:
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

# Hand-written cues, per language (see the module docstring for why). Keys:
#   future / past: words (or word pairs, space-separated) marking the tense of a clause;
#   next / last:   words for "next"/"coming" and "last"/"past" that CLDR does not give;
#   since:         "since" (a date after it is in the past);
#   by:            "by", "for" before a date: a deadline or the day something is set for ("entro
#                  venerdì", "fissato per martedì", "até sexta-feira", "do piątku"), on or after
#                  publication;
#   before:        "before" before a date ("antes del viernes", "przed piątkiem"): a deadline, on or
#                  after publication unless its clause is in the past ("se firmó antes del viernes");
#   next_after:    phrases right after a date that put it ahead and hold a word that starts a
#                  clause ("terça-feira que vem", "el martes que viene"): read before the clause is cut;
#   reflexive:     a reflexive word beside which a verb that is not in the past is a present or a
#                  perfective future ("spotka się we wtorek"): the clause points ahead;
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
    "es": {"future": ["va a", "van a", "prevista", "previsto", "previstas", "previstos", "debe", "deben",
                      "tiene que", "tienen que", "hay que"],
           "before": ["antes"], "next_after": ["que viene"],
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
    # Issue 25's press languages: the future of Italian (riunirà, saranno), Portuguese (irá,
    # vai), Polish (będzie, "ma przedstawić": is to), Indonesian (akan), Hindi and Urdu (-गा/-गी/-गे,
    # -گا/-گی/-گے: जाएंगे, کریں گے), Korean (예정이다; 오는 and 지난 before a day: "오는 20일").
    "it": {"future": ["sarà", "saranno", "previsto", "prevista", "previsti", "previste", "in programma", "deve",
                      "devono", "fissato", "fissata"],
           "future_suffix": r"[^\W\d_]{3,}(?:erà|irà|arà|eranno|iranno|aranno|eremo|iremo)",
           "past": ["ha", "hanno", "era", "erano", "aveva", "avevano", "è stato", "è stata", "sono stati"],
           "next": ["prossimo", "prossima"], "last": ["scorso", "scorsa"], "since": ["dal", "dallo", "dalla"],
           "by": ["entro", "per"], "before": ["prima"],
           "clause": ["che"], "passive": ["sarà", "saranno"]},
    "pt": {"future": ["vai", "vão", "irá", "irão", "deverá", "deverão", "previsto", "prevista", "deve", "devem",
                      "será", "serão"],
           "before": ["antes"], "next_after": ["que vem", "que vêm"],
           "future_suffix": r"[^\W\d_]{3,}(?:ará|erá|irá|arão|erão|irão)",
           "past": ["foi", "foram", "tinha", "tinham"], "next": ["próximo", "próxima"],
           "last": ["passado", "passada"], "since": ["desde"], "by": ["até"], "clause": ["que"]},
    # Polish writes the future of a perfective verb in present forms ("spotka", "podpisze"), which
    # no installed library tags: the common ones of the news are listed, a verb beside "się" that
    # is not in the past counts as one, and the past is read from its -ł endings.
    "pl": {"future": ["będzie", "będą", "zostanie", "zostaną", "ma", "mają", "planowane", "planowany", "planowana",
                      "spotka", "spotkają", "podpisze", "podpiszą", "przedstawi", "przedstawią", "odwiedzi",
                      "odwiedzą", "przyjedzie", "przyjadą", "rozpocznie", "rozpoczną", "zakończy", "zakończą",
                      "ogłosi", "ogłoszą", "przekaże", "przekażą", "poleci", "polecą", "wygłosi", "omówi", "omówią",
                      "podejmie", "podejmą", "zdecyduje", "zdecydują", "przyjmie", "przyjmą", "złoży", "złożą",
                      "zorganizuje", "wyjedzie", "wróci", "wrócą", "przeprowadzi", "przeprowadzą", "weźmie",
                      "wezmą", "powinien", "powinna", "powinni", "musi", "muszą", "planuje", "planują"],
           "past_suffix": r"[^\W\d_]{2,}(?:ł|ła|ło|li|ły|łem|łam|liśmy|łyśmy)",
           "not_past": ["cały", "cała", "całe", "mały", "mała", "biały", "biała", "stały", "stała", "trwały",
                        "trwała", "dalej", "woli", "soli", "roli", "doli", "koli", "dzieli", "skali"],
           "reflexive": ["się"], "by": ["do"], "before": ["przed"],
           "past": ["był", "była", "było", "byli", "były"], "next": ["przyszły", "przyszłym", "najbliższy"],
           "last": ["ubiegły", "ubiegłym", "zeszły", "zeszłym"], "since": ["od"], "clause": ["że", "który", "która"]},
    "id": {"future": ["akan", "dijadwalkan", "direncanakan", "berencana"], "past": ["telah", "sudah"],
           "next": ["depan", "mendatang"], "last": ["lalu"], "since": ["sejak"], "clause": ["bahwa", "yang"]},
    "hi": {"future_suffix": r"[^\W\d_][\w\u0900-\u0903\u093a-\u094f]*(?:गा|गी|गे)",
           "not_future": ["आगे", "लगे", "लगी", "लगा", "भागे", "मांगे", "सगे", "योगी", "रोगी", "त्यागी", "सहयोगी",
                          "उपयोगी", "प्रतियोगी", "बागी"],
           "past": ["था", "थी", "थे", "किया", "कहा", "गया", "गई", "गए", "हुआ", "हुई", "हुए", "दिया", "लिया", "बताया"],
           "future": ["प्रस्तावित", "निर्धारित"], "next": ["अगले", "अगली", "आगामी"], "last": ["पिछले", "पिछली", "बीते"], "since": ["से"], "clause": ["कि"]},
    "ur": {"future_suffix": r"(?:گا|گی|گے|گي)",
           "past": ["تھا", "تھی", "تھے", "کیا", "کہا", "گیا", "گئی", "گئے", "ہوا", "ہوئی", "ہوئے", "دیا", "لیا", "بتایا"],
           "next": ["اگلے", "آئندہ", "آنے"], "last": ["گزشتہ", "پچھلے"], "clause": ["کہ"]},
    "ko": {"future": ["예정이다", "예정", "계획이다", "방침이다"], "next": ["오는", "다음"], "last": ["지난"],
           "past_suffix": r"[^\W\d_]+(?:했다|었다|았다|였다|했고|했으며|했다고)"},
}

# Chinese and Japanese clauses have no words to split: these are looked for anywhere in the
# clause of a date (将于26日启程, 28日に演説する予定). (future markers, past markers).
UNSPACED_CUES = {
    "zh": (("将于", "将在", "将", "即将", "计划", "预计", "拟于", "定于", "准备"), ("已经", "已", "曾", "了")),
    "ja": (("予定", "見通し", "見込み", "方針", "する方向", "へ。"), ("した。", "した", "だった", "行った")),
}
# One-letter clitics written onto the next word (و، ב־): a word is also looked up without one.
_CLITICS = {"ar": "وفبل", "he": "ובלהמשכ"}
# Devanagari vowel signs, virama and nukta are marks, not word characters to ``re``, but sit
# inside words (जाएंगे).
_WORD = re.compile(r"(?:[^\W_]|[\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963])+", re.UNICODE)
_UNITS = ("WEEK", "MONTH", "YEAR", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
_DATEPARSER_UNITS = {"week": ("in 1 week", "1 week ago", "0 week ago"), "month": ("in 1 month", "1 month ago", "0 month ago"),
                     "year": ("in 1 year", "1 year ago", "0 year ago")}
_PYMORPHY_LANGUAGES = ("ru", "uk")


@functools.lru_cache(maxsize=50_000)
def fold(word: str) -> str:
    """A word as the vocabularies hold it: case folded, curly apostrophes straight."""
    return word.casefold().replace("’", "'")


def split(text: str) -> list[str]:
    """The words of ``text`` as written (apostrophes split them: "l’année" is "l", "année")."""
    return _WORD.findall(text)


def _words(text: str) -> list[str]:
    return [fold(w) for w in split(text)]


@functools.lru_cache(maxsize=4)
def _morphology(language: str) -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer(lang=language)


@functools.lru_cache(maxsize=20_000)  # a reading holds its tag and how it was found: ~0.6 KB (12 MB)
def _reading(language: str, word: str):
    return _morphology(language).parse(word)[0]


# Weekdays in the cases the press writes them after a preposition, which dateparser's data lacks
# (it has the nominative and some accusatives) and no installed library declines: Polish
# genitive ("do piątku", "od poniedziałku") and instrumental ("przed piątkiem").
WEEKDAY_FORMS: dict[str, dict[str, int]] = {
    "pl": {"poniedziałku": 0, "poniedziałkiem": 0, "wtorku": 1, "wtorkiem": 1, "środy": 2, "środą": 2,
           "czwartku": 3, "czwartkiem": 3, "piątku": 4, "piątkiem": 4, "soboty": 5, "sobotą": 5,
           "niedzieli": 6, "niedzielą": 6},
}


@dataclass(frozen=True)
class Vocabulary:
    """One language's cue words (folded) and verb-form patterns; see ``_HAND`` for the keys."""
    language: str
    next: frozenset[str]
    last: frozenset[str]
    this: frozenset[str]
    year: frozenset[str]
    year_adverbs: dict  # one-word "last year", "this year" ("πέρσι", "امسال") -> NEXT, LAST or NONE
    phrases: dict  # first word -> [(words, NEXT or LAST)]: the future and past words and pairs
    since: frozenset[str]
    by: frozenset[str]
    before: frozenset[str]
    next_after: tuple[tuple[str, ...], ...]
    reflexive: frozenset[str]
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

    def variants(self, word: str) -> tuple[str, ...]:
        """The word, and the word without a one-letter clitic (وفي → في) or the Arabic article."""
        variants = [word]
        if len(word) > 3 and word[0] in _CLITICS.get(self.language, ""):
            variants.append(word[1:])
        if self.language == "ar":
            variants += [v[2:] for v in list(variants) if v.startswith("ال") and len(v) > 4]
        return tuple(variants)

    def has(self, words: frozenset[str], word: str) -> bool:
        """True when ``word`` (folded), or it without a clitic, is one of ``words``."""
        return any(v in words for v in self.variants(word))

    def is_year(self, word: str) -> bool:
        """A word for "year", also with up to two more letters of an ending the data does not list
        (German "Jahres": the data has jahr, jahre, jahren)."""
        return self.has(self.year, word) or any(
            word.startswith(y) and len(word) - len(y) <= 2 for y in self.year if len(y) >= 3)

    def reading(self, word: str):
        """pymorphy3's likeliest reading of a folded word (Russian and Ukrainian), else None."""
        return _reading(self.language, word) if self.language in _PYMORPHY_LANGUAGES else None


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


def _locale_info(language: str) -> dict:
    try:
        return default_loader.get_locale(language).info
    except (KeyError, ValueError, AttributeError):
        return {}


def _relative_phrases(language: str) -> dict[str, dict[int, list[list[str]]]]:
    """unit -> {NEXT: [words of each phrase], LAST: [...], NONE: [...]} from CLDR (ICU) and dateparser."""
    phrases: dict[str, dict[int, list[list[str]]]] = {}
    formatter = icu.RelativeDateTimeFormatter(icu.Locale(language))
    for unit in _UNITS:
        absolute = getattr(icu.UDateAbsoluteUnit, unit)
        phrases[unit.lower()] = {
            direction: [_words(formatter.format(getattr(icu.UDateDirection, name), absolute))]
            for direction, name in ((NEXT, "NEXT"), (LAST, "LAST"), (NONE, "THIS"))}
    relative = _locale_info(language).get("relative-type", {})
    for unit, keys in _DATEPARSER_UNITS.items():
        for direction, key in zip((NEXT, LAST, NONE), keys):
            phrases[unit][direction] += [_words(p) for p in relative.get(key, ())]
    return phrases


def _unit_words(language: str) -> set[str]:
    info = _locale_info(language)
    words = set()
    for key in ("week", "month", "year", "day", "monday", "tuesday", "wednesday", "thursday", "friday",
                "saturday", "sunday"):
        for name in info.get(key, ()):
            words.update(_words(name))
    formatter = icu.RelativeDateTimeFormatter(icu.Locale(language))
    for unit in _UNITS[3:]:
        words.update(_words(formatter.format(icu.UDateDirection.PLAIN, getattr(icu.UDateAbsoluteUnit, unit))))
    return words


def _phrase_index(hand: dict) -> dict[str, list[tuple[tuple[str, ...], int]]]:
    index: dict[str, list[tuple[tuple[str, ...], int]]] = {}
    for key, direction in (("future", NEXT), ("past", LAST)):
        for phrase in hand.get(key, ()):
            words = tuple(_words(phrase))
            index.setdefault(words[0], []).append((words, direction))
    return index


@functools.lru_cache(maxsize=64)
def for_language(language: str | None) -> Vocabulary:
    """The cue words of ``language`` (English when None), built once."""
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
    cue_words[NEXT] |= {fold(w) for w in hand.get("next", ())}
    cue_words[LAST] |= {fold(w) for w in hand.get("last", ())}
    year = {w for name in _locale_info(language).get("year", ()) for w in _words(name) if len(w) > 1}
    compile_ = (lambda key: re.compile(hand[key], re.IGNORECASE) if key in hand else None)
    return Vocabulary(
        language=language,
        next=frozenset(_declined(cue_words[NEXT], language)), last=frozenset(_declined(cue_words[LAST], language)),
        this=frozenset(_declined(cue_words[NONE], language)), year=frozenset(year), year_adverbs=year_adverbs,
        phrases=_phrase_index(hand),
        since=frozenset(fold(w) for w in hand.get("since", ())), by=frozenset(fold(w) for w in hand.get("by", ())),
        before=frozenset(fold(w) for w in hand.get("before", ())),
        next_after=tuple(tuple(_words(p)) for p in hand.get("next_after", ())),
        reflexive=frozenset(fold(w) for w in hand.get("reflexive", ())),
        clause=frozenset(hand.get("clause", ())),
        governs=frozenset(hand.get("governs", ())),
        future_suffix=compile_("future_suffix"), past_suffix=compile_("past_suffix"),
        final_past=compile_("final_past"), past_pair=compile_("past_pair"),
        not_future=frozenset(hand.get("not_future", ())), not_future_prefix=tuple(hand.get("not_future_prefix", ())),
        not_past=frozenset(hand.get("not_past", ())), passive=frozenset(hand.get("passive", ())),
        future_lemmas=frozenset(hand.get("future_lemmas", ())))
