"""Issue 25: names outside the dictionary in Chinese, Japanese, Korean, Hindi, Urdu and
Indonesian, grouped across scripts; mentioned dates in the new press languages; Korean surfaces
without their particle. Articles written for the project in the shapes of each press."""
from __future__ import annotations

import pandas as pd
import pytest

from core.actors import actor_dictionary, finding, mentioned_dates, resolution, transliteration
from core.config import ACTORS_DIR, CORRECTIONS_FILE


@pytest.fixture(scope="module")
def dictionary():
    return actor_dictionary.load(ACTORS_DIR, CORRECTIONS_FILE)


def _articles(*rows) -> pd.DataFrame:
    return pd.DataFrame([{"article_id": f"a{k}", "title": "", "text": text, "language": language,
                          "published": pd.Timestamp(published)} for k, (language, text, published) in enumerate(rows)])


def _discovered(dictionary, language: str, text: str) -> list[tuple[str, str, str]]:
    found = finding.find_mentions(_articles((language, text, "2024-08-15")), dictionary)
    found = found[found["name_key"].notna()]
    return list(zip(found["surface"], found["method"], found["name_key"]))


def test_chinese_dotted_name_and_surname_inside_a_run(dictionary):
    text = ("俄罗斯联邦安全会议副秘书长阿尔卡季·扎别林14日在北京同中方官员举行会谈。扎别林表示，俄方愿加强合作。"
            "扎别林当天还会见了伊朗外交部副部长达留什·霍斯拉瓦尼。")
    found = _discovered(dictionary, "zh", text)
    surfaces = [surface for surface, _, _ in found]
    # The title before the name, the date and the verb after it are not part of it.
    assert surfaces.count("阿尔卡季·扎别林") == 1 and surfaces.count("扎别林") == 2
    assert "达留什·霍斯拉瓦尼" in surfaces
    assert all(key.endswith("|zh") for _, _, key in found)


def test_traditional_chinese_dotted_name(dictionary):
    found = _discovered(dictionary, "zh", "俄羅斯聯邦安全會議副秘書長阿爾卡季·扎別林表示，扎別林將訪問北京。")
    assert [s for s, _, _ in found] == ["阿爾卡季·扎別林", "扎別林"]


def test_chinese_title_then_transliterated_surname(dictionary):
    found = _discovered(dictionary, "zh", "俄安全会议副秘书长扎别林当天抵达北京。外交部发言人表示欢迎。")
    assert [(s, m) for s, m, _ in found] == [("扎别林", "title")]


def test_japanese_dotted_name_honorific_and_title(dictionary):
    text = ("来日中のウクライナのオスタプ・コバリシン外務次官は11日、上川陽子外相と会談した。コバリシン氏は記者団に語った。"
            "ロシアのザベリン副書記も同日、声明を出した。")
    found = _discovered(dictionary, "ja", text)
    assert ("オスタプ・コバリシン", "given_name", "オスタプ|コバリシン|ja") in found
    assert ("コバリシン", "surname", "オスタプ|コバリシン|ja") in found
    assert ("ザベリン", "title", "|ザベリン|ja") in found
    assert not any("上川" in surface for surface, _, _ in found)  # the dictionary's Kamikawa


def test_korean_name_before_its_title(dictionary):
    text = ("아르카디 자벨린 러시아 안보회의 부서기는 7일 모스크바에서 열린 회의에서 밝혔다. 자벨린 부서기는 "
            "제재를 비판했다. 이번 회의에는 다리우시 호스라바니 이란 외무차관도 참석했다.")
    surfaces = [surface for surface, _, _ in _discovered(dictionary, "ko", text)]
    assert surfaces == ["아르카디 자벨린", "다리우시 호스라바니", "자벨린"] or sorted(surfaces) == sorted(
        ["아르카디 자벨린", "다리우시 호스라바니", "자벨린"])


def test_korean_predicates_before_a_dictionary_person_are_no_name(dictionary):
    # The words before "라브로프 장관은" end the previous sentence: no name, and a dictionary
    # person's title introduces nobody else.
    text = "조 장관은 깊은 우려를 전달했다. 라브로프 장관은 러시아가 국제법에 따라 행동한다고 말했다."
    assert _discovered(dictionary, "ko", text) == []


def test_korean_alias_surface_leaves_the_particle_out(dictionary):
    found = finding.find_mentions(_articles(("ko", "라브로프는 푸틴 대통령이 러시아와의 협력을 강조했다고 말했다.", "2024-07-27")),
                                  dictionary)
    assert set(found["surface"]) == {"라브로프", "푸틴", "러시아"}
    assert found.loc[found["surface"] == "라브로프", "end"].iloc[0] == 4


def test_hindi_and_urdu_title_then_name_up_to_the_postposition(dictionary):
    hindi = _discovered(dictionary, "hi", "रूसी सुरक्षा परिषद के उप सचिव अर्कादी ज़ाबेलिन ने सोमवार को कहा। ज़ाबेलिन ने बताया।")
    assert [s for s, _, _ in hindi] == ["अर्कादी ज़ाबेलिन", "ज़ाबेलिन"]
    urdu = _discovered(dictionary, "ur", "ایران کے نائب وزیر خارجہ داریوش خسروانی نے منگل کو ملاقات کی۔ خسروانی نے کہا۔")
    assert [s for s, _, _ in urdu] == ["داریوش خسروانی", "خسروانی"]


def test_hindi_everyday_words_after_a_title_are_no_name(dictionary):
    assert _discovered(dictionary, "hi", "दोनों देशों के बीच सचिव स्तरीय वार्ता में प्रगति हुई। वह मंत्री बने थे।") == []


def test_indonesian_titles(dictionary):
    found = _discovered(dictionary, "id", "Presiden Prabowo Subianto bertemu Menteri Luar Negeri Retno Marsudi di Jakarta.")
    assert [(s, m) for s, m, _ in found] == [("Prabowo Subianto", "title"), ("Retno Marsudi", "title")]


def test_one_person_across_the_new_scripts(dictionary):
    articles = _articles(
        ("ru", "Заместитель секретаря Совбеза Аркадий Забелин заявил, что Забелин готов.", "2024-08-14"),
        ("zh", "俄罗斯联邦安全会议副秘书长阿尔卡季·扎别林14日表示。", "2024-08-15"),
        ("ja", "ロシア安全保障会議のアルカジー・ザベリン副書記は25日、述べた。", "2024-08-15"),
        ("ko", "아르카디 자벨린 러시아 안보회의 부서기는 7일 밝혔다.", "2024-08-15"),
        ("hi", "रूसी सुरक्षा परिषद के उप सचिव अर्कादी ज़ाबेलिन ने कहा।", "2024-08-15"),
        ("ur", "روسی سلامتی کونسل کے نائب سیکرٹری آرکادی زابلین نے کہا۔", "2024-08-15"))
    actors, mentions = resolution.extract(articles, dictionary)
    discovered = mentions[mentions["actor_id"].isin(actors.loc[actors["origin"] == "discovered", "actor_id"])]
    assert discovered["article_id"].nunique() == 6
    assert discovered["actor_id"].nunique() == 1
    assert actors.set_index("actor_id").at[discovered["actor_id"].iloc[0], "name"] == "Arkadiy Zabelin"


def test_skeletons_meet_across_the_new_scripts():
    latin = transliteration.skeleton("Zabelin")
    assert {transliteration.skeleton(s) for s in ("扎别林", "ザベリン", "자벨린", "ज़ाबेलिन", "زابلین")} == {latin}
    assert transliteration.skeleton("阿夫拉哈米") == transliteration.skeleton("Avrahami")


def _dates(language: str, text: str, published: str) -> list[tuple[str, str]]:
    found = mentioned_dates.extract(_articles((language, text, published)))
    return [(s, d.date().isoformat()) for s, d in zip(found["surface"], found["date"])]


def test_chinese_japanese_korean_dates():
    assert _dates("zh", "2024年7月25日 18:30\n当地时间7月25日，王毅会见拉夫罗夫。拉夫罗夫将于26日启程。扎别林昨天抵达。"
                        "他曾于3日访问。", "2024-07-25") == [
        ("2024年7月25日", "2024-07-25"), ("7月25日", "2024-07-25"), ("26日", "2024-07-26"), ("昨天", "2024-07-24"),
        ("3日", "2024-07-03")]
    # A day alone near a month's end is the next month's when its clause says so (予定).
    assert _dates("ja", "ラブロフ外相は2日に演説する予定だ。首相は28日、演説した。3日間の会議。", "2024-09-29") == [
        ("2日", "2024-10-02"), ("28日", "2024-09-28")]
    assert _dates("ko", "조 장관은 지난 30일 회담했다. 오는 2일 방문할 예정이다. 2024년 7월 3일 발표. 어제 밝혔다.",
                  "2024-08-01") == [("30일", "2024-07-30"), ("2일", "2024-08-02"), ("2024년 7월 3일", "2024-07-03"),
                                    ("어제", "2024-07-31")]


def test_hindi_kal_is_read_by_its_tense():
    # कल inside a word (निकल, "come out") is no date.
    assert _dates("hi", "लावरोव ने कल कहा कि हल निकल सकता है। मोदी कल मास्को पहुंचेंगे। २५ जुलाई को बैठक हुई।",
                  "2024-07-26") == [("कल", "2024-07-25"), ("कल", "2024-07-27"), ("२५ जुलाई", "2024-07-25")]


def test_latin_press_languages_dates():
    assert _dates("it", "Il Consiglio di sicurezza si riunirà mercoledì. Ieri il ministro ha parlato.", "2024-10-14") == [
        ("mercoledì", "2024-10-16"), ("Ieri", "2024-10-13")]
    assert _dates("pt", "O ministro chegou ontem, 25 de julho.", "2024-07-26") == [
        ("ontem", "2024-07-25"), ("25 de julho", "2024-07-25")]
    assert _dates("pl", "Komisja ma przedstawić w środę plan. Wczoraj, 25 lipca, minister mówił.", "2024-07-26") == [
        ("środę", "2024-07-31"), ("Wczoraj", "2024-07-25"), ("25 lipca", "2024-07-25")]
    assert _dates("id", "Menlu tiba kemarin dan akan bertemu Jumat, 26 Juli.", "2024-07-24") == [
        ("kemarin", "2024-07-23"), ("Jumat", "2024-07-26"), ("26 Juli", "2024-07-26")]
