"""Chinese, Japanese and Korean people's own names outside the dictionary (毛宁, 岸田文雄, 조태열),
and their readings in Latin letters for grouping them with the other scripts' spellings.

``script_names`` finds the foreign names these presses transcribe; their own names are written in
the same characters as ordinary words, so a name is taken only where everything around it says so:
- Chinese: a title, then a known family name and one or two characters, then a word that follows a
  name in news prose (表示, 说, 在, 会见) or punctuation or a digit: 外交部发言人毛宁表示, 副部长孙卫东在.
- Japanese: a run of kanji right before a title or 氏, that pykakasi's dictionary reads as a family
  name and a given name (岸田文雄首相, 松岡健二外務副大臣は), neither of them an everyday word.
- Korean: a word of three syllables starting with a known family name, right before a title (with
  the state or body between: 조태열 외교부 장관은), or right after one with a subject particle
  (대변인 정혜전은).
Family names come from Faker's person providers (zh_CN, zh_TW, ko_KR, ja_JP: the frequency tables
of each country's family names, in the wheel); the check that a word is no everyday word from
wordfreq's lists (``common_words``), which hold Chinese and Japanese words whole.

Readings (``reading``): pypinyin for Chinese, pykakasi's Hepburn for Japanese (a kanji name has
several readings: the one given is evidence, not identity), ICU's Hangul-Latin for Korean. Each
reads its name family name first, as the name is written.
"""
from __future__ import annotations

import functools
import math
import re

import icu  # PyICU (pyicu-wheels)
import wordfreq

from core.actors import lookup, spelling

LANGUAGES = {"zh", "ja", "ko"}
# A word at least this common (Zipf) in the language's frequency list is an everyday word, not a
# name: 高度 (4.9), 任期 (4.5) after a Chinese title, 経済産業 before a Japanese one. Names of the
# press's own officials are rarer (毛宁 1.5, 汪文斌 1.4; 王毅, a dictionary name, 3.2).
EVERYDAY_ZIPF = 3.5
# A Japanese family name or given name can be a word of some frequency (松岡 4.0, 太郎 4.7); these
# bounds only keep out the commonest words.
_JAPANESE_PART_ZIPF = 4.75
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")

# Words that follow a name in Chinese news prose: the name ends before them (毛宁表示, 孙卫东在).
_ZH_FOLLOWING = (
    "表示", "指出", "强调", "介绍", "回答", "会见", "会晤", "会谈", "出席", "访问", "通话", "举行", "宣布", "透露", "证实",
    "告诉", "接受", "发表", "主持", "率团", "率领", "一行", "呼吁", "警告", "批评", "谴责", "否认", "重申", "认为", "提出",
    "答记者问", "抵达", "前往", "当天", "当日", "今天", "昨天", "日前", "此前", "随后", "同日", "先生", "女士", "等人",
    "一同", "分别", "也", "在", "说", "称", "与", "和", "对", "向", "就", "将", "于", "曾", "同", "并", "还", "已", "的",
    "为", "是", "今", "昨", "则", "均", "都", "日", "近日", "上午", "下午", "晚间", "周一", "周二", "周三", "周四", "周五",
    "周六", "周日", "星期")
# Kanji that start or end a Japanese title rather than belong to a name (外務副大臣, 前官房長官).
_JA_TITLE_PARTS = {"副", "前", "元", "新", "同", "現", "次期", "臨時", "首席", "筆頭", "事務", "外務", "防衛", "財務", "官房",
                   "報道", "担当", "政務", "国務", "総務", "経済", "産業", "外交", "政府", "当局", "駐日", "駐", "大使"}
# A Japanese run ending so is a body (外務省, 防衛庁, 自民党), not a name.
_JA_BODY_ENDINGS = tuple("省庁部局党会院軍国府県市社団所室課隊署")
_JA_HONORIFICS = ("氏", "さん")
_KO_SUBJECT = ("은", "는", "이", "가")
# Korean family names of two syllables (남궁, 선우, 제갈, 황보): Faker's table lists the common one-syllable names.
_KO_COMPOUND = ("남궁", "선우", "제갈", "황보", "독고", "사공", "서문")
# One-syllable names of states in Korean compounds (한미일, 한중일, 북미): a word of them is no name.
_KO_STATE_SYLLABLES = set("한미일중러북남영독불인")
_CLAUSE_END = re.compile(r"[.!?;:。\"“”\n]")


@functools.lru_cache(maxsize=1)
def _family_names() -> dict[str, frozenset[str]]:
    # Faker, pypinyin and pykakasi are imported where first needed: together they took ~1 s of every
    # command's start (and of each extraction worker's), and most corpora have no CJK article.
    from faker.providers.person.ja_JP import Provider as _JapaneseNames
    from faker.providers.person.ko_KR import Provider as _KoreanNames
    from faker.providers.person.zh_CN import Provider as _ChineseNames
    from faker.providers.person.zh_TW import Provider as _TaiwaneseNames
    chinese = {spelling.fold(name) for name in (*_ChineseNames.last_names, *_TaiwaneseNames.last_names)}
    return {"zh": frozenset(chinese), "ko": frozenset(_KoreanNames.last_names) | frozenset(_KO_COMPOUND),
            "ja": frozenset(_JapaneseNames.last_names)}


@functools.lru_cache(maxsize=3)
def _frequencies(language: str) -> dict[str, float]:
    return wordfreq.get_frequency_dict(language)


def _zipf(language: str, word: str) -> float:
    frequency = _frequencies(language).get(word)
    return math.log10(frequency) + 9 if frequency else 0.0


@functools.lru_cache(maxsize=1)
def _kakasi():
    import pykakasi  # imported when first needed (see _family_names)
    return pykakasi.kakasi()


def discover(index: lookup.Index, text: str, words, covered: list[bool], blocked: bytearray,
             person_words: set[int]) -> list[tuple]:
    """(start, end, given, surname, cue) of the native names in one field, for ``script_names``:
    ``blocked`` marks the characters of words already matched; ``person_words`` the words naming
    dictionary people (a title they hold introduces nobody else)."""
    if index.language == "zh":
        return _chinese(index, text, blocked)
    if index.language == "ja":
        return _japanese(index, text, blocked)
    if index.language == "ko":
        return _korean(index, text, words, covered, person_words)
    return []


def native_key(given: str, surname: str, language: str | None) -> tuple[str, str] | None:
    """(family, given) of a discovered name's key parts when they are a native name's, else None.
    A Chinese or Korean native name is keyed by the whole name and its given name ("宁|毛宁|zh",
    "태열|조태열|ko": the whole name is what is found again alone); a Japanese one by the given and
    family names in kanji ("文雄|岸田|ja": 岸田 is found again alone, 岸田氏)."""
    if not given or language not in LANGUAGES:
        return None
    if language == "ja":
        return (surname, given) if all(_HAN.fullmatch(ch) for ch in given + surname) else None
    if len(surname) <= len(given) or not surname.endswith(given):
        return None
    return split(surname, language) if split(surname, language) == (surname[:-len(given)], given) else None


def key_parts(family: str, given: str, language: str | None) -> tuple[str, str]:
    """The (given, surname) a native name is keyed by (``native_key`` reads them back)."""
    return (given, family) if language == "ja" else (given, family + given)


def split(name: str, language: str | None) -> tuple[str, str] | None:
    """(family name, given name) of a native name as written, or None when it is not one: a known
    family name first (Chinese, Korean), or pykakasi's two parts (Japanese)."""
    if language == "ja":
        parts = [token["orig"] for token in _kakasi().convert(name)]
        if len(parts) != 2 or not all(_HAN.fullmatch(ch) for ch in name):
            return None
        return parts[0], parts[1]
    families = _family_names().get(language or "", frozenset())
    folded = "".join(spelling.fold(ch) if len(spelling.fold(ch)) == 1 else ch for ch in name)
    for length in (2, 1):
        if len(name) > length and folded[:length] in families and len(name) - length <= 2:
            return name[:length], name[length:]
    return None


def reading(family: str, given: str, language: str | None) -> tuple[str, str]:
    """(family, given) in Latin letters: pinyin (毛, 宁: mao, ning), Hepburn (岸田, 文雄: kishida,
    fumio) or ICU's Revised Romanisation (조, 태열: jo, taeyeol)."""
    if language == "ja":
        return tuple(" ".join(token["hepburn"] for token in _kakasi().convert(part)) for part in (family, given))
    if language == "ko":
        return tuple(_hangul_latin().transliterate(part).replace("-", "") for part in (family, given))
    from pypinyin import lazy_pinyin  # imported when first needed (see _family_names)
    return tuple("".join(lazy_pinyin(part)) for part in (family, given))


@functools.lru_cache(maxsize=1)
def _hangul_latin():
    return icu.Transliterator.createInstance("Hangul-Latin; Latin-ASCII")


def display(name: str, language: str | None) -> str | None:
    """A native name as an English reader reads it, or None when ``name`` is not one: Chinese and
    Korean family name first (Mao Ning, Jo Taeyeol), Japanese given name first (Fumio Kishida), as
    the English press writes them."""
    parts = split(name, language)
    if parts is None:
        return None
    family, given = (part.replace(" ", "").capitalize() for part in reading(*parts, language))
    return f"{given} {family}" if language == "ja" else f"{family} {given}"


def _chinese(index: lookup.Index, text: str, blocked: bytearray) -> list[tuple]:
    folded = "".join(f if len(f := spelling.fold(ch)) == 1 else ch for ch in text)
    families = _family_names()["zh"]
    spans = []
    for title in sorted(index.title_words, key=len, reverse=True):
        if title in ("先生", "女士"):
            continue  # they follow a name
        for position in find_all(folded, title):
            start = position + len(title)
            for end in (start + 2, start + 3, start + 4):
                name = folded[start:end]
                if (len(name) < end - start or not all(_HAN.fullmatch(ch) for ch in name) or any(blocked[start:end])
                        or split(name, "zh") is None or name[:end - start - 1] in families and end - start == 4):
                    continue
                following = folded[end:end + 4]
                if following and _HAN.match(following) and not following.startswith(_ZH_FOLLOWING):
                    continue
                if _zipf("zh", name) >= EVERYDAY_ZIPF or any(name.startswith(t) for t in index.title_words):
                    continue
                family, given = split(name, "zh")
                spans.append((start, end, given, family, "title"))
                break
    return longest_spans(spans)


def _japanese(index: lookup.Index, text: str, blocked: bytearray) -> list[tuple]:
    folded = "".join(f if len(f := spelling.fold(ch)) == 1 else ch for ch in text)
    titles = sorted(index.title_words, key=len, reverse=True) + list(_JA_HONORIFICS)
    spans = []
    for title in titles:
        for position in find_all(folded, title):
            start = position
            while start > 0 and _HAN.match(text[start - 1]) and not blocked[start - 1] and position - start < 12:
                start -= 1
            if start > 0 and _HAN.match(text[start - 1]) and not blocked[start - 1]:
                continue  # the run goes on: a long compound, not a name before its title
            end = _title_start(text, start, position)
            name = text[start:end]
            if not 3 <= len(name) <= 5 or name.endswith(_JA_BODY_ENDINGS):
                continue
            parts = split(name, "ja")
            if parts is None or _zipf("ja", name) >= EVERYDAY_ZIPF:
                continue
            family, given = parts
            if family in _JA_TITLE_PARTS or given in _JA_TITLE_PARTS or any(
                    _zipf("ja", part) >= _JAPANESE_PART_ZIPF for part in parts):
                continue
            if family not in _family_names()["ja"] and len(family) < 2:
                continue  # one kanji before a given name is a prefix more often than a family name
            spans.append((start, end, given, family, "title"))
    return longest_spans(spans)


def _title_start(text: str, start: int, end: int) -> int:
    """Where the title before ``end`` begins once the kanji that open it are counted in
    (松岡健二外務副大臣: 外務副 belongs to 大臣)."""
    parts = sorted(_JA_TITLE_PARTS, key=len, reverse=True)
    stripped = True
    while stripped:
        stripped = False
        for part in parts:
            if end - len(part) > start and text.startswith(part, end - len(part)):
                end -= len(part)
                stripped = True
                break
    return end


def _korean(index: lookup.Index, text: str, words, covered: list[bool], person_words: set[int]) -> list[tuple]:
    spans = []
    for t, (word, _, _) in enumerate(words):
        if covered[t] or not is_title(index, word):
            continue
        # Name, then the state or body, then the title: 조태열 외교부 장관은.
        k = t - 1
        while k >= 0 and t - k <= 3 and k not in person_words and (
                covered[k] or spelling.fold(words[k][0]).endswith(_BODY_ENDINGS) or is_title(index, words[k][0])):
            k -= 1
        if k >= 0 and k not in person_words and _name(index, words[k][0], covered[k]) == words[k][0] \
                and not _CLAUSE_END.search(text, words[k][2], words[t][1]):
            spans.append(_span(words[k][0], words[k][1], words[k][2]))
        # Title, then the name with its subject particle: 대변인 정혜전은.
        if t + 1 < len(words) and not covered[t + 1] and spelling.adjacent(text, words[t], words[t + 1]):
            after = words[t + 1][0]
            if after.endswith(_KO_SUBJECT) and _name(index, after[:-1], False):
                spans.append(_span(after[:-1], words[t + 1][1], words[t + 1][2] - 1))
    return spans


_BODY_ENDINGS = ("부", "회의", "회", "청", "원", "처", "군", "당", "실", "국", "사", "통신", "정부", "대학")


def state_compound(word: str) -> bool:
    """Whether a Korean word is made of one-syllable names of states (한미일, 북미: "Korea-US-Japan")."""
    return bool(word) and all(syllable in _KO_STATE_SYLLABLES for syllable in spelling.fold(word))


def _span(name: str, start: int, end: int) -> tuple:
    family, given = split(name, "ko")
    return start, end, given, family, "title"


def _name(index: lookup.Index, word: str, covered: bool) -> str | None:
    """``word`` when it can be a Korean name: three syllables (four with a family name of two), a
    known family name first, no everyday word, no title."""
    if covered or not all(_HANGUL.fullmatch(ch) for ch in word) or not 3 <= len(word) <= 4:
        return None
    if split(word, "ko") is None or (len(word) == 4 and not word.startswith(_KO_COMPOUND)):
        return None
    if state_compound(word) or _zipf("ko", word) >= 2.5 or word in index.plain_stopwords or is_title(index, word) \
            or word.endswith(_BODY_ENDINGS) or word in index.not_names:
        return None
    return word


def korean_stem(word: str) -> str:
    """A Korean word without its case particle (부서기는 -> 부서기), folded."""
    folded = spelling.fold(word)
    for particle in spelling.KOREAN_PARTICLES:
        if folded.endswith(particle) and len(folded) > len(particle):
            return folded[:-len(particle)]
    return folded


def is_title(index: lookup.Index, word: str) -> bool:
    """Whether a word (a Korean one with its particle) ends in a title (외교부장관은, 대변인)."""
    stem = korean_stem(word)
    return any(stem.endswith(title) for title in index.title_words)


def find_all(text: str, needle: str):
    """Every position of ``needle`` in ``text``, overlapping ones too."""
    position = text.find(needle)
    while position >= 0:
        yield position
        position = text.find(needle, position + 1)


def longest_spans(spans: list[tuple]) -> list[tuple]:
    """Of spans that overlap (a title inside a longer one: 秘书长 in 副秘书长), the longest."""
    kept = []
    for span in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept
