"""Issue 22 item 10: an actor's alias that is also an everyday word (Arabic القاعدة "the base",
حماس "enthusiasm") needs its context: the dictionary's ``[[actor.context]]`` tables drop it beside
a word of the everyday sense and, without a word confirming the actor near it, let it count only
in an article that names the actor without doubt."""
import pandas as pd
import pytest

from core import pipeline
from core.actors import actor_dictionary, resolution
from core.errors import InputError


@pytest.fixture(scope="module")
def dictionary():
    return pipeline.load_dictionary()


def _named(dictionary, language: str, text: str) -> list[str]:
    articles = pd.DataFrame([{"article_id": "a", "title": "", "text": text, "language": language,
                              "published": pd.Timestamp("2024-08-01", tz="UTC")}])
    actors, mentions = resolution.extract(articles, dictionary)
    return list(mentions.merge(actors, on="actor_id")["name"])


@pytest.mark.parametrize("language, text, actor, times", [
    # the base: beside a word of that sense, never al-Qaeda, even in an article naming it
    ("ar", "أعلن الجيش أن الصواريخ أصابت القاعدة الجوية في النقب.", "al-Qaeda", 0),
    ("ar", "أصيبت القاعدة العسكرية الأمريكية بصاروخين. وتبنى تنظيم القاعدة هجوما آخر.", "al-Qaeda", 1),
    # alone, with nothing confirming the organisation: not counted
    ("ar", "وقالت مصادر إن القاعدة تعرضت لأضرار طفيفة.", "al-Qaeda", 0),
    # a word of the organisation near it, or the article naming it without doubt
    ("ar", "قال زعيم القاعدة في تسجيل مصور إن الهجمات ستستمر.", "al-Qaeda", 1),
    ("ar", "تبنى تنظيم القاعدة الهجوم. وقال القاعدة في بيان إن", "al-Qaeda", 2),
    # Persian writes "base" پایگاه: its القاعده needs nothing
    ("fa", "نیروهای القاعده به پایگاه حمله کردند.", "al-Qaeda", 1),
    # enthusiasm
    ("ar", "استقبل الجمهور القرار بحماس كبير.", "Hamas", 0),
    ("ar", "وقالت حماس إن المفاوضات متوقفة.", "Hamas", 1),
    ("fa", "مردم با حماس زیاد از تصمیم استقبال کردند.", "Hamas", 0),
    ("fa", "حماس اعلام کرد که مذاکرات ادامه دارد.", "Hamas", 1),
])
def test_an_everyday_word_names_the_actor_only_in_its_context(dictionary, language, text, actor, times):
    assert _named(dictionary, language, text).count(actor) == times


def test_a_context_must_name_an_alias_of_its_actor(tmp_path):
    (tmp_path / "people.toml").write_text(
        '[[actor]]\nname = "Base Group"\ntype = "organisation"\nar = ["مجموعة القاعدة"]\n'
        '[[actor.context]]\nlanguage = "ar"\nalias = "القاعدة"\nexclude = ["الجوية"]\n', encoding="utf-8")
    with pytest.raises(InputError, match="people.toml.*Base Group.*aliases"):
        actor_dictionary.load(tmp_path)


def test_contexts_are_read_per_language(dictionary):
    qaeda = dictionary.actor_id("al-Qaeda")
    rules = [c for c in dictionary.contexts if c.actor_id == qaeda]
    assert [c.language for c in rules] == ["ar"]
    assert "الجويه" in rules[0].exclude and "تنظيم" in rules[0].require  # folded
