"""People outside the dictionary in the press languages without capitals of issue 25: Chinese,
Japanese, Korean, Hindi and Urdu (``discovery`` calls ``discover``).

Without capitals, a word after a title is as often a verb as a name, so each language is read by
the cue its press gives:
- Chinese and Japanese join the parts of a foreign name with a middle dot (阿尔卡季·扎别林,
  アルカジー・ザベリン). Chinese writes foreign names in a closed set of transliteration
  characters (``_TRANSLITERATION``), so a name ends where they end ("扎别林表示" is 扎别林 and a
  verb); Japanese writes them in katakana, cut from the kanji and kana around them.
- A Japanese katakana surname is followed by its title or 氏 (ザベリン副書記, ザベリン氏); a
  Chinese title is followed by a transliterated surname (副秘书长扎别林).
- Korean writes the name before the title, with the state or the body between them ("아르카디
  자벨린 러시아 안보회의 부서기는").
- Hindi and Urdu write the title before the name, and the name ends at a postposition ("उप सचिव
  अर्कादी ज़ाबेलिन ने", "نائب سیکرٹری آرکادی زابلین نے").
The titles are ``name_cues.toml``'s; the postpositions are its ``not_names`` and stop words.
No segmenter installed here tags names (jieba's and the Japanese analysers' dictionaries would
add a model per language for what these cues find), so the cues are read here.
"""
from __future__ import annotations

import re

from core.actors import cjk_names, common_words, lookup, spelling

SCRIPT_LANGUAGES = {"zh", "ja", "ko", "hi", "ur"}

# The characters of Xinhua's tables for foreign names (外国人名译名), as Chinese news writes
# Russian, Persian, Arabic, Hebrew, German and English names. Everyday characters are among them
# (马, 明, 金), so they are a cue only beside a middle dot or right after a title.
_TRANSLITERATION = set(
    "阿埃艾爱安昂敖奥澳巴拔柏拜班邦保鲍贝本比彼毕别宾滨波玻伯勃博布查柴彻达戴代丹当道德登迪"
    "狄蒂帝丁东杜顿多厄恩尔法凡范方菲费芬丰冯佛夫弗伏福富盖甘冈高戈哥格根贡古瓜圭桂果哈海汉豪赫"
    "亨胡华怀霍基吉加嘉贾杰捷金久卡凯坎康考柯科克肯孔库夸奎昆拉腊莱赖兰朗劳勒雷蕾里丽"
    "利莉列林琳玲隆娄卢鲁路伦罗洛吕马玛迈麦曼芒毛梅门蒙孟米密缅明莫默姆穆纳娜奈南瑙内妮尼涅宁"
    "纽努诺娃欧帕潘庞佩彭皮珀普齐奇恰乔切钦琴琼丘屈热荣若瑞萨塞赛桑瑟森沙莎尚绍舍申什施舒"
    "斯松苏索塔泰坦汤唐特滕提廷通图托瓦万旺威韦维温沃乌伍武西希锡夏谢辛休雅亚扬耶叶伊因英尤"
    "约泽扎詹兹茨祖佐季娅廖柳留契")
# Words that start with a transliteration character and follow names (扎别林当天, 扎别林希望):
# a transliterated name ends before them.
_FOLLOWING = ("当天", "当日", "当地", "日前", "希望", "明确", "明天", "提出", "提到", "提议", "通过", "通报", "高度",
              "多次", "多国", "多方", "代表", "东部", "南部", "西部", "方面", "方案", "先生", "女士", "本人", "本周",
              "本月", "加强", "里程", "尔后", "达成", "东盟", "联合")


def _cut(name: str, after: str = "") -> str:
    """A transliterated run without the word that follows the name in it, or starts in it and
    goes on in ``after``, the text after the run (扎别林当天 -> 扎别林)."""
    whole = name + after[:2]
    for k in range(MIN_PART, len(name)):
        if whole.startswith(_FOLLOWING, k):
            return name[:k]
    return name
_MIDDLE_DOTS = "·・‧･•"
_KATAKANA = r"\u30a1-\u30fa\u30fc"
_DOTTED = {
    "zh": re.compile(f"[{''.join(sorted(_TRANSLITERATION))}]+(?:[{_MIDDLE_DOTS}][{''.join(sorted(_TRANSLITERATION))}]+)+"),
    "ja": re.compile(f"[{_KATAKANA}]+(?:[{_MIDDLE_DOTS}][{_KATAKANA}]+)+"),
}
_TRANSLITERATED = {"zh": re.compile(f"[{''.join(sorted(_TRANSLITERATION))}]+"), "ja": re.compile(f"[{_KATAKANA}]+")}
# A Japanese surname alone is a person's when 氏 (Mr, Ms) or a title follows it.
_JAPANESE_HONORIFICS = ("氏", "さん")
MIN_PART = 2  # characters of each part of a name in Chinese or Japanese
MAX_NAME_WORDS = 3  # words of a name in Korean, Hindi, Urdu
# Words between a Korean name and its title: the state and the body ("러시아 안보회의").
MAX_WORDS_BEFORE_TITLE = 3
# What a Korean body's name ends in (외교부, 안보회의, 위원회, 국방부, 통신): such a word between a
# name and its title is the body the person serves.
_KOREAN_BODY_ENDINGS = ("부", "회의", "회", "청", "원", "처", "군", "당", "실", "국", "사", "통신", "정부", "대학")


def discover(index: lookup.Index, article_id: str, field: str, text: str, words, infos: list[lookup.Word],
             covered: list[bool], person_words: set[int]) -> list[dict]:
    """Names in ``words`` of one field not yet ``covered`` (which this marks), in the form
    ``discovery.discover`` gives them; empty for a language not in ``SCRIPT_LANGUAGES``.
    ``person_words``: the words naming dictionary people, whose titles introduce nobody else."""
    language = index.language
    if language in ("zh", "ja"):
        spans = _dotted(index, text, words, covered)
        # A surname the field names in full is found alone by ``discovery.surname_mentions``.
        full = {span[3] for span in spans}
        spans += [span for span in _titled_surnames(index, text, words, covered) if span[3] not in full]
    elif language == "ko":
        spans = _korean(index, text, words, covered, person_words)
    elif language in ("hi", "ur"):
        spans = _title_then_name(index, text, words, infos, covered)
    else:
        return []
    found = []
    for start, end, given, surname, cue in sorted(spans, key=lambda span: (span[0], -span[1])):
        if any(covered[k] for k in _overlapping(words, start, end)):
            continue
        found.append({"article_id": article_id, "field": field, "start": start, "end": end,
                      "surface": text[start:end], "candidates": (), "ambiguous": False, "method": cue,
                      "surname": surname, "given": given})
        for k in _overlapping(words, start, end):
            covered[k] = True
    return found


def _overlapping(words, start: int, end: int) -> list[int]:
    return [k for k, (_, first, last) in enumerate(words) if first < end and last > start]


def blocked_mask(text: str, words, covered: list[bool]) -> bytearray:
    """Each character of ``text``: 1 inside a word the dictionary matched."""
    mask = bytearray(len(text))
    for (_, start, end), done in zip(words, covered):
        if done:
            mask[start:end] = b"\x01" * (end - start)
    return mask


def _dotted(index: lookup.Index, text: str, words, covered: list[bool]) -> list[tuple]:
    """Foreign names joined by a middle dot: 阿尔卡季·扎别林, アルカジー・ザベリン. The
    name starts after any dictionary word glued before it (俄罗斯 in 俄罗斯阿尔卡季…)."""
    blocked = blocked_mask(text, words, covered)
    spans = []
    # Traditional characters are read as simplified (扎別林 is 扎别林); katakana as written (folding
    # takes their voicing marks off).
    scan = _folded(text) if index.language == "zh" else text
    for match in _DOTTED[index.language].finditer(scan):
        start, end = match.span()
        while start < end and blocked[start]:
            start += 1
        parts = re.split(f"[{_MIDDLE_DOTS}]", text[start:end])
        if index.language == "zh" and len(parts) >= 2:
            kept = _cut(re.split(f"[{_MIDDLE_DOTS}]", scan[start:end])[-1], scan[end:end + 2])
            end -= len(parts[-1]) - len(kept)
            parts[-1] = parts[-1][:len(kept)]
        if any(blocked[start:end]) or len(parts) < 2 or any(len(p) < MIN_PART for p in parts):
            continue
        spans.append((start, end, parts[0], parts[-1], "given_name"))
    return spans


def _titled_surnames(index: lookup.Index, text: str, words, covered: list[bool]) -> list[tuple]:
    """A surname in the transliterating script beside its title: after it in Chinese (副秘书长扎别林),
    before it or 氏 in Japanese (ザベリン副書記, ザベリン氏)."""
    titles = sorted(index.title_words, key=len, reverse=True)
    if not titles:
        return []
    blocked = blocked_mask(text, words, covered)
    pattern = _TRANSLITERATED[index.language]
    folded = _folded(text)  # titles are folded: simplified characters (書記 is 书记)
    spans = []
    if index.language == "zh":
        for title in titles:
            for position in cjk_names.find_all(folded, title):
                match = pattern.match(folded, position + len(title))
                name = _cut(match.group(), folded[match.end():match.end() + 2]) if match else ""
                if len(name) >= MIN_PART + 1 and not any(blocked[match.start():match.start() + len(name)]) and (
                        folded[match.start() + len(name):match.start() + len(name) + 1] not in _MIDDLE_DOTS):
                    spans.append((match.start(), match.start() + len(name), "", name, "title"))
        return cjk_names.longest_spans(spans)
    for match in pattern.finditer(text):
        after = folded[match.end():match.end() + 8]
        if len(match.group()) < MIN_PART + 1 or any(blocked[match.start():match.end()]) or not (
                after.startswith(_JAPANESE_HONORIFICS) or any(after.startswith(t) for t in titles)):
            continue
        if match.start() and text[match.start() - 1] in _MIDDLE_DOTS:
            continue  # the surname of a dotted name, found whole by ``_dotted``
        spans.append((match.start(), match.end(), "", match.group(), "title"))
    return spans


def _folded(text: str) -> str:
    """``text`` folded character by character (``spelling.fold``), offsets kept."""
    return "".join(f if len(f := spelling.fold(ch)) == 1 else ch for ch in text)


def _korean_particle(word: str) -> bool:
    return cjk_names.korean_stem(word) != spelling.fold(word)


def _name_word(index: lookup.Index, word: str, k: int, covered: list[bool]) -> bool:
    folded = spelling.fold(word)
    return (not covered[k] and len(folded) >= 2 and folded not in index.not_names
            and word.casefold() not in index.plain_stopwords and not any(ch.isdigit() for ch in word))


_CLAUSE_END = re.compile(r"[.!?;:。\"“”\n]")
# A Korean word ending so is an object or a predicate (문제를, 전달했다, 말하고), never a name.
_KOREAN_NOT_NAME_ENDINGS = ("를", "다", "고", "며", "서")


def _korean(index: lookup.Index, text: str, words, covered: list[bool], person_words: set[int]) -> list[tuple]:
    """A given name and a surname before a title, with at most ``MAX_WORDS_BEFORE_TITLE`` words of
    the state or body between them: "아르카디 자벨린 러시아 안보회의 부서기는". The given name
    starts a clause, follows a particle or a dictionary word, or is one the dictionary knows; the
    two are not both everyday words. Which syllable ending is a particle is ambiguous in names
    (세르게이), so the name words are not checked for one."""
    spans = []
    everyday = common_words.everyday(index.language)
    for t in range(1, len(words)):
        if covered[t] or not cjk_names.is_title(index, words[t][0]):
            continue
        k = t - 1
        while k >= 0 and t - k <= MAX_WORDS_BEFORE_TITLE and k not in person_words and (
                covered[k] or spelling.fold(words[k][0]).endswith(_KOREAN_BODY_ENDINGS) or cjk_names.is_title(index, words[k][0])):
            k -= 1
        surname, given = k, k - 1
        if given < 0 or not all(_name_word(index, words[j][0], j, covered) and not cjk_names.is_title(index, words[j][0])
                                and not spelling.fold(words[j][0]).endswith(_KOREAN_BODY_ENDINGS)
                                for j in (given, surname)):
            continue
        if k in person_words or _CLAUSE_END.search(text, words[given][1], words[t][1]) or any(
                spelling.fold(words[j][0]).endswith(_KOREAN_NOT_NAME_ENDINGS) for j in (given, surname)):
            continue
        if any(cjk_names.state_compound(words[j][0]) for j in (given, surname)):
            continue  # 한미일 외교장관: the states' ministers
        if not spelling.adjacent(text, words[given], words[surname]) or all(
                words[j][0].casefold() in everyday for j in (given, surname)):
            continue
        before = given - 1
        opens = (before < 0 or covered[before] or _korean_particle(words[before][0])
                 or re.search(r"[.,!?;:()\[\]\"'“”‘’…\n]\s*$", text[:words[given][1]]) is not None
                 or not text[:words[given][1]].strip()
                 or spelling.fold(words[given][0]) in index.given_names)
        if opens:
            spans.append((words[given][1], words[surname][2], words[given][0], words[surname][0], "title"))
    return spans


def _title_then_name(index: lookup.Index, text: str, words, infos, covered: list[bool]) -> list[tuple]:
    """A title, then two or three name words, then a postposition, a stop word or punctuation:
    "उप सचिव अर्कादी ज़ाबेलिन ने", "نائب سیکرٹری آرکادی زابلین نے". A title followed by a single word
    says nothing (मंत्री बने: "became minister")."""
    spans = []
    everyday = common_words.everyday(index.language)
    title_last_words = {title[-1] for titles in index.titles.values() for title in titles}
    for t, info in enumerate(infos):
        if info.form not in title_last_words and info.folded not in title_last_words:
            continue
        j = t + 1
        while (j < len(words) and j - t <= MAX_NAME_WORDS and _name_word(index, words[j][0], j, covered)
               and info.form != infos[j].form and infos[j].folded not in title_last_words
               and spelling.adjacent(text, words[j - 1], words[j])):
            j += 1
        if j - (t + 1) < 2 or all(words[k][0].casefold() in everyday for k in range(t + 1, j)):
            continue
        ends = (j == len(words) or not spelling.adjacent(text, words[j - 1], words[j]) or words[j][0].isdigit()
                or words[j][0].casefold() in index.plain_stopwords or infos[j].folded in index.not_names)
        if ends:
            spans.append((words[t + 1][1], words[j - 1][2], words[t + 1][0], words[j - 1][0], "title"))
    return spans


def surname_spans(text: str, words, covered: list[bool], surnames: set[str]) -> list[tuple[int, int, str]]:
    """A Chinese surname used alone inside a run of text without spaces (扎别林说, 扎别林25日):
    (start, end, surname) of each use outside the dictionary's words and the names found."""
    if not surnames:
        return []
    blocked = blocked_mask(text, words, covered)
    by_form = {_folded(s): s for s in surnames}
    pattern = re.compile("|".join(re.escape(s) for s in sorted(by_form, key=len, reverse=True)))
    return [(m.start(), m.end(), by_form[m.group()]) for m in pattern.finditer(_folded(text))
            if not any(blocked[m.start():m.end()])]
