"""Issue 22 item 10: a sample article was stored without a title and with its headline twice in
its body. A headline ending in a quotation (Саміт визнав шлях «незворотним», الحديث عن اتفاق
"وهم") was taken for the first paragraph; a headline printed twice is the headline."""
import pytest

from core import config
from core.ingest import batch, scraped_text
from core.store import database, reads

PAGES = {
    "uk": ("Головна › Політика\n\n10 липня 2024, 22:05\n\n"
           "Саміт НАТО у Вашингтоні визнав шлях України до членства «незворотним»\n\n"
           "Саміт НАТО у Вашингтоні визнав шлях України до членства «незворотним»\n"
           "Лідери країн НАТО у Вашингтоні. (AP)\n\n"
           "Лідери 32 держав НАТО на ювілейному саміті у Вашингтоні ухвалили декларацію, в якій ідеться про "
           "«незворотний шлях» України до повної євроатлантичної інтеграції.\n\n"
           "«Майбутнє України — в НАТО», — заявив генсек Єнс Столтенберг, для якого цей саміт став останнім."),
    "ar": ("الرئيسية › عرب وعالم\n\nالجمعة 2024/08/16\n\n"
           "الوسطاء يقدمون \"مقترحاً لسد الفجوات\" في مفاوضات غزة.. وحماس: الحديث عن اتفاق قريب \"وهم\"\n\n"
           "الجمعة 2024/08/16\n"
           "الوسطاء يقدمون \"مقترحاً لسد الفجوات\" في مفاوضات غزة.. وحماس: الحديث عن اتفاق قريب \"وهم\"\n\n"
           "أعلنت الولايات المتحدة وقطر ومصر، مساء الجمعة، أنها قدمت لإسرائيل وحركة حماس مقترحاً جديداً لسد الفجوات "
           "المتبقية في مفاوضات وقف إطلاق النار.\n\n"
           "وقال بيان مشترك للدول الثلاث إن المحادثات كانت جادة وبناءة، وإن الفرق الفنية ستواصل العمل."),
    "he": ("חדשות › צבא וביטחון\n\nפורסם: 14.04.24, 22:10\n\n"
           "קבינט המלחמה התכנס: \"נגבה מחיר מאיראן בעיתוי שיתאים לנו\"\n\n"
           "קבינט המלחמה התכנס היום (ראשון) למשך שעות ארוכות כדי לדון בתגובה הישראלית למתקפה האיראנית הישירה "
           "הראשונה אי-פעם על שטח ישראל, אך הדיון הסתיים ללא החלטה.\n\n"
           "בלילה שבין שבת לראשון שוגרו לעבר ישראל כ-170 כטב\"מים ויותר מ-120 טילים בליסטיים."),
    "en": ("World news\n\nJuly 10, 2024\n\n"
           "NATO summit calls Ukraine's path to membership \"irreversible\"\n\n"
           "Leaders of the 32 NATO states adopted a declaration at the anniversary summit in Washington on "
           "Wednesday, calling Ukraine's path to full Euro-Atlantic integration \"irreversible.\"\n\n"
           "\"Ukraine's future is in NATO,\" Secretary General Jens Stoltenberg said at his last summit."),
}
TITLES = {"uk": "Саміт НАТО у Вашингтоні визнав шлях України до членства «незворотним»",
          "ar": "الوسطاء يقدمون \"مقترحاً لسد الفجوات\" في مفاوضات غزة.. وحماس: الحديث عن اتفاق قريب \"وهم\"",
          "he": "קבינט המלחמה התכנס: \"נגבה מחיר מאיראן בעיתוי שיתאים לנו\"",
          "en": "NATO summit calls Ukraine's path to membership \"irreversible\""}


@pytest.mark.parametrize("language", sorted(PAGES))
def test_a_headline_ending_in_a_quotation_is_the_title(lexicon, language):
    page = scraped_text.split_scraped_text(PAGES[language], language, lexicon)
    assert page.title == TITLES[language]
    paragraphs = page.text.split("\n\n")
    assert TITLES[language] not in paragraphs
    assert len(paragraphs) == 2  # the body is its two paragraphs, a quotation-ended sentence kept


def test_no_sample_article_lacks_its_title_or_repeats_it(tmp_path):
    engine = database.connect(f"sqlite:///{tmp_path / 'store.db'}")
    batch.ingest(engine, [config.SAMPLES_DIR], progress=False)
    articles = reads.load_articles(engine)
    assert articles["title"].notna().all(), list(articles.loc[articles["title"].isna(), "origin_file"])
    repeated = [row.origin_file for row in articles.itertuples()
                if scraped_text.normalize(row.title) in {scraped_text.normalize(p) for p in row.text.split("\n\n")}]
    assert not repeated
