"""Issue 25, item 1, ingest: Chinese (simplified and traditional), Japanese, Korean, Italian,
Portuguese, Polish, Hindi, Urdu and Indonesian pages are read as their press prints them: the
language detected, the headline taken for the title (a Chinese headline has no spaces and the
portal's date line "2024年7月25日 18:30 来源：…" sits under it), the date line read, the share
buttons, source lines and related-news lists cut. The pages in tests/press_pages/ were written for
the project in the shapes of each language's press."""
from pathlib import Path

import pandas as pd
import pytest

from core import config, dedup, languages
from core.ingest import batch, clean, html_text, language, published_dates, scraped_text
from core.store import database, reads

PAGES = Path(__file__).parent / "press_pages"

# file: (language, title, body's first words, body's last words, publication time UTC, precision)
EXPECTED = {
    "zh-hans.txt": ("zh", "王毅在万象会见俄罗斯外长拉夫罗夫", "本网万象7月25日电", "支持一切有利于和平解决危机的努力。",
                    "2024-07-25 18:30", "minute"),
    "zh-hant.txt": ("zh", "美國務卿布林肯抵達東京 與日本外相會談聚焦印太安全", "美國國務卿布林肯28日抵達日本東京",
                    "將轉往菲律賓訪問。", "2024-07-28 14:05", "minute"),
    "ja.txt": ("ja", "日米外相が東京で会談 インド太平洋の安全保障で連携確認", "上川外務大臣は28日",
               "見直すことで一致しました。", "2024-07-28 15:20", "minute"),
    "ko.txt": ("ko", "조태열 외교장관, 라오스서 한미일 외교장관회의 참석… \"北 도발에 공동 대응\"", "조태열 외교부 장관이 27일",
               "후속 조치를 이어가기로 했다.", "2024-07-27 15:15", "minute"),
    "it.txt": ("it", "Tajani a Vientiane: \"Con Pechino un dialogo franco, ma la Russia si fermi\"",
               "Il ministro degli Esteri Antonio Tajani", "delle infrastrutture portuali.", "2024-07-25 18:30", "minute"),
    "pt.txt": ("pt", "Lula recebe chanceler chinês em Brasília e discute ampliação de acordos comerciais",
               "O presidente Luiz Inácio Lula da Silva", "empresários do setor de energia.", "2024-07-25 18:30", "minute"),
    "pl.txt": ("pl", "Sikorski w Kijowie: Polska przekaże Ukrainie kolejny pakiet pomocy wojskowej",
               "Minister spraw zagranicznych Radosław Sikorski", "dotyczącym importu zboża.", "2024-07-25 18:30", "minute"),
    "hi.txt": ("hi", "जयशंकर ने वियनतियाने में चीनी विदेश मंत्री वांग यी से की मुलाकात, सीमा पर शांति पर जोर",
               "विदेश मंत्री एस जयशंकर ने गुरुवार को", "पर भी विचार साझा किए।", "2024-07-25 18:30", "minute"),
    "ur.txt": ("ur", "وزیر خارجہ اسحاق ڈار کی وانگ یی سے ملاقات، سی پیک منصوبوں پر تبادلہ خیال",
               "نائب وزیراعظم اور وزیر خارجہ اسحاق ڈار", "پر بھی بات چیت کی۔", "2024-07-25 00:00", "day"),
    "id.txt": ("id", "Menlu Retno Bertemu Wang Yi di Vientiane, Bahas Situasi Laut China Selatan",
               "VIENTIANE - Menteri Luar Negeri Retno Marsudi", "hilirisasi nikel.", "2024-07-25 11:30", "minute"),
    # HTML: the Chinese portal's markup names no date (its printed date line is read); the Japanese
    # page's does (+09:00).
    "zh-portal.html": ("zh", "中国与东盟国家签署新一轮数字经济合作文件", "本网万象7月26日电", "各方同意争取在年内完成谈判。",
                       "2024-07-26 09:15", "minute"),
    "ja-news.html": ("ja", "日銀、追加利上げを決定 政策金利0.25%程度に", "日本銀行は31日まで開いた",
                     "驚きをもって受け止められています。", "2024-07-31 04:05", "minute"),
}
# What each page carries around its article, which must not reach the stored body.
FURNITURE = ["分享", "相关新闻", "责任编辑", "来源", "來源", "延伸閱讀", "LINE", "関連記事", "シェア", "出典",
             "관련기사", "공유하기", "무단 전재", "@", "Condividi", "Articoli correlati", "Fonte:", "Leggi anche",
             "Compartilhe", "Notícias relacionadas", "Leia também", "Udostępnij", "Powiązane artykuły", "Źródło",
             "Czytaj także", "शेयर करें", "संबंधित खबरें", "स्रोत", "यह भी पढ़ें", "شیئر کریں", "متعلقہ خبریں", "ذریعہ",
             "یہ بھی پڑھیں", "Bagikan", "Berita Terkait", "Sumber", "Baca juga", "Penulis", "首页", "财经", "版权所有"]


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    engine = database.connect(f"sqlite:///{tmp_path_factory.mktemp('press') / 'store.db'}")
    batch.ingest(engine, [PAGES], progress=False)
    articles = reads.load_articles(engine)
    return {Path(row.origin_file).name: row for row in articles.itertuples()}


def test_every_page_is_stored(stored):
    assert sorted(stored) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_title_body_date_and_language(stored, name):
    code, title, first, last, published, precision = EXPECTED[name]
    article = stored[name]
    assert article.language == code
    assert article.title == title
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0].startswith(first), paragraphs[0]
    assert paragraphs[-1].endswith(last), paragraphs[-1]
    assert title not in paragraphs
    assert not [f for f in FURNITURE if f in article.text]
    assert article.published == pd.Timestamp(published, tz="UTC")
    assert article.published_precision == precision


@pytest.fixture(scope="module")
def lexicon_():
    return scraped_text.Lexicon.load(config.BOILERPLATE_FILE)


def test_the_issues_chinese_portal_page_has_its_title_and_its_date_line_read(lexicon_):
    page = scraped_text.split_scraped_text((PAGES / "zh-hans.txt").read_text(), "zh", lexicon_)
    assert page.title == "王毅在万象会见俄罗斯外长拉夫罗夫"
    assert page.date_line == "2024年7月25日 18:30 来源：环球时讯网"
    assert {"分享到：", "相关新闻", "责任编辑：李明", "首页 > 新闻 > 国际"} <= set(page.dropped)
    assert "王毅出席中国—东盟外长会" not in page.text  # a related headline, after "相关新闻"


@pytest.mark.parametrize("line", [
    "2024年7月25日，外交部长王毅在万象会见了俄罗斯外长拉夫罗夫，双方就乌克兰危机交换了意见。",
    "上川外務大臣は2024年7月28日、来日中のアメリカのブリンケン国務長官と会談しました。",
    "조태열 외교부 장관이 2024년 7월 27일 라오스 비엔티안에서 열린 회의에 참석했다.",
])
def test_a_sentence_that_opens_with_a_date_is_body_not_a_date_line(lexicon_, line):
    assert not published_dates.read_date_line(line, None, lexicon_.date_labels)[0]
    page = scraped_text.split_scraped_text(f"标题\n\n{line}\n\n{line}", None, lexicon_)
    assert line in page.text


@pytest.mark.parametrize("text,code,expected,precision", [
    ("2024年7月25日", "zh", "2024-07-25 00:00", "day"),
    ("2024年7月25日 18:30", "zh", "2024-07-25 18:30", "minute"),
    ("２０２４年７月２５日 下午6:30", "zh", "2024-07-25 18:30", "minute"),
    ("2024年7月25日 中午12点", "zh", "2024-07-25 12:00", "minute"),
    ("民國113年7月25日", "zh", "2024-07-25 00:00", "day"),
    ("2024年7月25日(木) 18時30分", "ja", "2024-07-25 18:30", "minute"),
    ("令和6年7月25日", "ja", "2024-07-25 00:00", "day"),
    ("令和元年5月1日", "ja", "2019-05-01 00:00", "day"),
    ("2024.07.25.", "ko", "2024-07-25 00:00", "day"),
    ("2024. 7. 25. 18:30", "ko", "2024-07-25 18:30", "minute"),
    ("입력 2024.07.25. 오후 6:30", "ko", "2024-07-25 18:30", "minute"),
    ("2024년 7월 25일 오전 12시 5분", "ko", "2024-07-25 00:05", "minute"),
    ("२५ जुलाई २०२४", "hi", "2024-07-25 00:00", "day"),
    ("अपडेटेड: २५ जुलाई २०२४, १८:३०", "hi", "2024-07-25 18:30", "minute"),
    ("۲۵ جولائی ۲۰۲۴", "ur", "2024-07-25 00:00", "day"),
    ("25 luglio 2024", "it", "2024-07-25 00:00", "day"),
    ("25 de julho de 2024 às 18h30", "pt", "2024-07-25 18:30", "minute"),
    ("25 lipca 2024", "pl", "2024-07-25 00:00", "day"),
    ("25 Juli 2024", "id", "2024-07-25 00:00", "day"),
    ("Kamis, 25 Juli 2024 18:30 WIB", "id", "2024-07-25 11:30", "minute"),
])
def test_publication_dates_in_the_new_languages(text, code, expected, precision):
    assert published_dates.parse_published(text, code) == (pd.Timestamp(expected, tz="UTC"), precision)


@pytest.mark.parametrize("text,expected", [
    # Short and all-kanji: lingua reads any Han text without kana as Chinese.
    ("日米首脳会談", "ja"), ("防衛省発表", "ja"), ("日銀総裁会見", "ja"), ("岸田首相、来月に訪米へ", "ja"),
    ("王毅会见拉夫罗夫", "zh"), ("習近平會見拜登", "zh"), ("中俄外长会谈", "zh"),
    ("據《日本経済新聞》報導，豐田汽車將擴大在華投資。", "zh"),
    ("외교장관 회담 개최", "ko"), ("韓美 외교장관 회담… 北 도발 대응 논의", "ko"),
    ("NATOのストルテンベルグ事務総長は25日、ブリュッセルで記者会見した。", "ja"),
    ("据CNN和BBC报道，NATO秘书长周四在布鲁塞尔表示，北约将继续支持乌克兰。", "zh"),
    # Urdu, Persian and Arabic share a script.
    ("وزیر خارجہ کا دورہ چین", "ur"), ("سفر وزیر خارجه به چین", "fa"), ("زيارة وزير الخارجية إلى الصين", "ar"),
    ("وزیر خارجہ نے کہا کہ Pakistan اور China کے تعلقات مضبوط ہیں۔", "ur"),
    ("विदेश मंत्री एस जयशंकर ने कहा कि India और Russia के संबंध मजबूत हैं।", "hi"),
    # Indonesian and Malay are close.
    ("Presiden Joko Widodo meresmikan bendungan baru di Jawa Tengah, Kamis (25/7/2024).", "id"),
    ("Pemerintah akan menaikkan harga bahan bakar minyak bulan depan, kata menteri.", "id"),
    ("Menteri Luar Negeri bertemu dengan duta besar di Kuala Lumpur semalam.", "ms"),
    ("Il ministro degli Esteri a Pechino", "it"), ("Szef MSZ spotkał się z ministrem Chin", "pl"),
    ("Chanceler brasileiro viaja a Pequim na próxima semana", "pt"),
])
def test_short_and_mixed_script_texts(text, expected):
    assert language.detect(text)[0] == expected


def test_an_all_kanji_headline_with_no_telling_character_keeps_its_declared_language():
    assert language.detect("外相会談開催", "ja")[0] == "ja"
    assert language.detect("外相会談開催")[0] == "zh"


@pytest.mark.parametrize("text,words", [
    ("The foreign ministry said", 4),
    ("王毅在万象会见俄罗斯外长拉夫罗夫", 8),
    ("据CNN报道，NATO秘书长", 5),
    ("외교장관 회담 개최", 3),
])
def test_word_count_reads_unspaced_scripts_by_characters(text, words):
    assert languages.word_count(text) == words


def test_a_chinese_article_of_several_paragraphs_is_not_a_brief():
    body = (PAGES / "zh-hans.txt").read_text().split("\n\n")[4:8]
    assert len(" ".join(body).split()) < dedup.BRIEF_WORDS  # what a space-split count saw
    assert not dedup.is_brief("\n\n".join(body))
    assert dedup.is_brief("王毅会见拉夫罗夫。")


def test_a_chinese_html_page_keeps_its_text_without_the_portals_furniture():
    page = html_text.extract_html_page((PAGES / "zh-portal.html").read_text())
    assert page.text.startswith("本网万象7月26日电") and "首页" not in page.text and "相关新闻" not in page.text
    assert page.published == "2024年07月26日 09:15 来源：环球时讯网"
    assert page.language == "zh"


def test_a_chinese_feed_body_of_three_short_paragraphs_is_one_sentence_at_least():
    assert clean._one_sentence("王毅会见拉夫罗夫。\n\n双方交换意见。\n\n（完）")
    assert not clean._one_sentence("（完）")
