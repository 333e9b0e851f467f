"""Chinese, Japanese and Korean people's own names outside the dictionary (core/actors/cjk_names.py):
found by the title beside them, no everyday word taken for one, grouped with their Latin spellings
and displayed as an English reader reads them. Articles written for the project."""
from __future__ import annotations

import pandas as pd
import pytest

from core.actors import actor_dictionary, resolution
from core.config import ACTORS_DIR, CORRECTIONS_FILE


@pytest.fixture(scope="module")
def dictionary():
    return actor_dictionary.load(ACTORS_DIR, CORRECTIONS_FILE)


def _extract(dictionary, *rows):
    articles = pd.DataFrame([{"article_id": f"a{k}", "title": "", "text": text, "language": language,
                              "published": pd.Timestamp("2024-08-14", tz="UTC")}
                             for k, (language, text) in enumerate(rows)])
    actors, mentions = resolution.extract(articles, dictionary)
    discovered = actors[actors["origin"] == "discovered"]
    names = dict(zip(discovered["actor_id"], discovered["name"]))
    found = mentions[mentions["actor_id"].isin(names)]
    return [sorted({(s, names[a]) for s, a, art in zip(found["surface"], found["actor_id"], found["article_id"])
                    if art == f"a{k}"}) for k in range(len(rows))]


def test_chinese_name_after_a_title_and_again_alone(dictionary):
    [found] = _extract(dictionary, ("zh", "外交部发言人郑立明14日在例行记者会上表示，中方愿加强合作。郑立明说，中方反对域外国家介入。"
                                          "外交部副部长韩学东在北京会见越南副外长。"))
    assert found == [("郑立明", "Zheng Liming"), ("韩学东", "Han Xuedong")]


def test_japanese_name_before_its_title_and_the_family_name_alone(dictionary):
    [found] = _extract(dictionary, ("ja", "フィリピンを訪問中の松岡健二外務副大臣は13日、マニラで会談した。松岡氏は記者団に対し述べた。"))
    assert found == [("松岡", "Kenji Matsuoka"), ("松岡健二", "Kenji Matsuoka")]


def test_korean_name_before_its_title_with_the_body_between_and_after_a_title(dictionary):
    [found] = _extract(dictionary, ("ko", "한승민 외교부 대변인은 14일 정례브리핑에서 밝혔다. 한승민은 도발을 규탄했다. "
                                          "대통령실 대변인 정혜전은 브리핑에서 밝혔다."))
    assert found == [("정혜전", "Jeong Hyejeon"), ("한승민", "Han Seungmin")]


@pytest.mark.parametrize("language, text", [
    ("zh", "发言人表示，部长会议将于下月举行。总统任期内官员高度评价双边关系。外长会议在雅加达举行。代表团抵达。主席国发表声明。"),
    ("ja", "経済産業大臣は25日、政府高官と会談した。官房長官は記者会見で述べた。同国外相は協議した。防衛副大臣が出席した。"
           "外務省報道官は述べた。首相官邸で会談した。"),
    ("ko", "정부 관계자는 장관 회의에서 밝혔다. 이날 한미일 외교장관은 회담했다. 이번 회의 의장은 발언했다. "
           "대통령 선거는 끝났다. 국방부 장관은 국회에서 답변했다. 신임 대사는 부임했다."),
])
def test_titles_followed_by_ordinary_words_name_nobody(dictionary, language, text):
    assert _extract(dictionary, (language, text)) == [[]]


def test_native_names_group_with_their_latin_spellings(dictionary):
    found = _extract(dictionary,
                     ("zh", "外交部发言人郑立明14日表示，中方愿加强合作。"),
                     ("ja", "松岡健二外務副大臣は13日、マニラで会談した。"),
                     ("ko", "한승민 외교부 대변인은 14일 밝혔다."),
                     ("en", "China's foreign ministry spokesman Zheng Liming said on Wednesday that Beijing was ready. "
                            "Japan's deputy foreign minister Kenji Matsuoka met officials. "
                            "Foreign ministry spokesman Han Seung-min condemned the launch."))
    names = {name for article in found for _, name in article}
    assert names == {"Zheng Liming", "Kenji Matsuoka", "Han Seung-min"}
    assert dict(found[3]) == {"Zheng Liming": "Zheng Liming", "Kenji Matsuoka": "Kenji Matsuoka",
                              "Han Seung-min": "Han Seung-min"}
