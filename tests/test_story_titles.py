"""Issue 22, item 8: stories named by their most representative title (in the analyst's language
when translations exist, else the original in its own direction) and their main actors, on the
Stories chart, its hover and its exported PNG, instead of "#1 · 8 articles · ar, es, fa…"."""
from __future__ import annotations

import re

import pandas as pd

from core.analysis import story_grouping
from core.charts import over_time
from core.export import figures
from tests.test_analysis import _articles, _mentions, sample  # noqa: F401 (fixture)
from tests.test_app import _figures, _open_tab, _run

NUMBERED = re.compile(r"#\d+ · \d+ articles")
RLI, LRI, FSI, PDI = "\u2067", "\u2066", "\u2068", "\u2069"
SHOIGU, IRAN, RUSSIA = "gw:sergei-shoigu", "Q794", "Q159"
ACTORS = pd.DataFrame([{"actor_id": SHOIGU, "name": "Sergei Shoigu", "type": "person"},
                       {"actor_id": IRAN, "name": "Iran", "type": "country"},
                       {"actor_id": RUSSIA, "name": "Russia", "type": "country"}])


def _unwrapped(hover: str) -> str:
    """A hover's text as read: its lines (hover_text breaks long ones, each in its own isolate) joined."""
    return re.sub("[\u2066-\u2069]", "", hover.replace("<br>", " "))


def _words(text: str) -> set:
    return {w.lower() for w in re.findall(r"\w{4,}", text)}


def _bare(label: str) -> str:
    """An axis label without its direction marks and its cut."""
    return label.strip(RLI + LRI + FSI + PDI).replace(PDI, "").rstrip("…")


def test_sample_stories_are_named_by_one_of_their_titles_and_their_main_actors(sample):
    articles, mentions = sample["articles"], sample["mentions"]
    groups = story_grouping.story_groups(articles, mentions, sample["actors"])
    titles = articles.set_index("article_id")["title"]
    in_title = mentions[mentions["field"] == "title"].groupby("article_id")["actor_id"].agg(set)
    named = sample["actors"].set_index("actor_id")["name"]
    for story in groups.itertuples():
        assert story.title_article in story.article_ids and story.title == titles[story.title_article].strip()
        # the title names the story's own actors: one of its three main ones
        assert {named[a] for a in in_title.get(story.title_article, set())} & set(story.top_actors[:3]), story.title
    brics = groups.iloc[0]
    assert "БРИКС" in brics["title"] and brics["title_language"] == "ru" and not brics["title_translated"]
    assert brics["top_actors"][0] == "BRICS"  # the most mentioned in the story


def test_the_stories_chart_names_each_story_by_its_title(sample):
    groups = story_grouping.story_groups(sample["articles"], sample["mentions"], sample["actors"])
    figure = over_time.story_groups_chart(groups)
    (bars,) = figure.data
    assert len(set(bars.y)) == len(groups) == 8
    for label, story, hover in zip(bars.y, groups.itertuples(), bars.hovertext):
        assert not NUMBERED.search(label) and not label.startswith("#")
        assert _words(_bare(label)) and _words(_bare(label)) <= _words(story.title), label
        assert len(_bare(label)) <= over_time.STORY_LABEL_CHARS
        # the whole title, the main actors, the articles and their languages on hover
        assert story.title in _unwrapped(hover)
        assert f"Main actors: {', '.join(story.top_actors[:3])}" in hover and f"{story.articles} articles" in hover
    arabic = groups.index[groups["title_language"] == "ar"][0]
    assert bars.y[arabic].startswith(RLI) and bars.y[arabic].endswith(PDI)  # laid out right to left
    assert bars.y[0].startswith(LRI)


def _shoigu_in_tehran(translated: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = [
        {"article_id": "ru1", "language": "ru", "title": "Шойгу провёл переговоры в Тегеране с руководством Ирана",
         "published": "2024-08-05 08:00"},
        {"article_id": "fa1", "language": "fa", "title": "دیدار شویگو با مقامات ایران در تهران", "published": "2024-08-05 09:00"},
        {"article_id": "en1", "language": "en", "title": "Russian delegation lands in Iran", "published": "2024-08-05 10:00"},
        {"article_id": "ar1", "language": "ar", "title": "شويغو في طهران: روسيا وإيران تبحثان التعاون العسكري",
         "published": "2024-08-05 07:00"},
    ]
    articles = _articles(rows)
    if translated:  # as the dashboard joins them: the analyst's language (en); ar1 not yet translated
        articles["title_translated"] = pd.array(["Shoigu holds talks in Tehran with Iran's leadership",
                                                 "Shoigu holds talks with Iranian officials in Tehran",
                                                 "Russian delegation lands in Iran", pd.NA], dtype="string")
    pairs = [(a, actor, name) for a in ("ru1", "fa1", "en1", "ar1") for actor, name in ((SHOIGU, "Shoigu"), (IRAN, "Iran"))]
    mentions = _mentions(pairs + [("en1", RUSSIA, "Russian")])
    # the Arabic title names all three: by its actors alone it would be chosen
    titled = _mentions([("ar1", SHOIGU, "شويغو"), ("ar1", RUSSIA, "روسيا"), ("ar1", IRAN, "إيران"),
                        ("ru1", SHOIGU, "Шойгу"), ("fa1", SHOIGU, "شویگو"), ("en1", IRAN, "Iran")]).assign(field="title")
    return articles, pd.concat([mentions, titled], ignore_index=True)


def test_a_translated_story_is_named_in_the_analysts_language():
    articles, mentions = _shoigu_in_tehran(translated=True)
    (story,) = story_grouping.story_groups(articles, mentions, ACTORS).itertuples()
    # of the titles the analyst reads, the one closest to the others; never the untranslated one
    assert story.title_article in ("ru1", "fa1") and story.title.startswith("Shoigu holds talks")
    assert story.title_translated
    figure = over_time.story_groups_chart(story_grouping.story_groups(articles, mentions, ACTORS))
    assert figure.data[0].y[0].startswith(FSI + "Shoigu holds talks") and figure.data[0].y[0].endswith(PDI)
    language = {"ru1": "Russian", "fa1": "Persian"}[story.title_article]
    assert f"title translated from {language}" in figure.data[0].hovertext[0]


def test_an_untranslated_story_is_named_by_the_title_naming_its_actors_in_its_own_direction():
    articles, mentions = _shoigu_in_tehran(translated=False)
    groups = story_grouping.story_groups(articles, mentions, ACTORS)
    (story,) = groups.itertuples()
    assert story.title_article == "ar1" and story.title_language == "ar" and not story.title_translated
    label = over_time.story_groups_chart(groups).data[0].y[0]
    assert label.startswith(RLI) and label.endswith(PDI) and "شويغو في طهران" in label


def test_a_story_without_titles_is_named_by_its_actors_and_two_stories_keep_two_rows():
    articles, mentions = _shoigu_in_tehran(translated=False)
    untitled = articles.assign(title="")
    groups = story_grouping.story_groups(untitled, mentions, ACTORS)
    assert groups["title"].tolist() == ["Sergei Shoigu · Iran · Russia"]  # most mentioned first and groups["title_article"].isna().all()
    twice = pd.concat([groups, groups.assign(group=2)], ignore_index=True)
    assert len(set(over_time.story_groups_chart(twice).data[0].y)) == 2


def test_long_titles_are_cut_at_a_word_on_the_axis_and_whole_on_hover():
    articles, mentions = _shoigu_in_tehran(translated=False)
    long = "Shoigu " + " ".join(["meets"] * 30)
    articles.loc[articles["article_id"] == "ar1", ["title", "language"]] = [long, "en"]
    figure = over_time.story_groups_chart(story_grouping.story_groups(articles, mentions, ACTORS))
    label = _bare(figure.data[0].y[0])
    assert label.endswith("meets") and len(label) < over_time.STORY_LABEL_CHARS and figure.data[0].y[0].endswith("…" + PDI)
    assert long in _unwrapped(figure.data[0].hovertext[0])


def test_the_timeline_stories_view_names_its_stories(app_with_db):
    at = _open_tab(_run("pages/timeline.py"), "timeline_view", "Stories in several outlets")
    (figure,) = _figures(at)
    labels = figure["data"][0]["y"]
    assert len(labels) >= 6 and not any(NUMBERED.search(label) for label in labels)
    options = at.selectbox(key="timeline_story").options
    assert not any(option.startswith("#") for option in options)
    # the sample's stories that have an English article are named in English (the analyst's
    # language: those titles need no translation); the others by an original title
    assert any("Raisi" in label for label in labels) and any("BRICS" in label or "БРИКС" in label for label in labels)


def test_the_exported_stories_chart_carries_the_titles(sample):
    groups = story_grouping.story_groups(sample["articles"], sample["mentions"], sample["actors"])
    svg = figures.figure_bytes(over_time.story_groups_chart(groups), "svg").decode("utf-8")
    assert "БРИКС" in svg and not NUMBERED.search(svg)
    assert figures.figure_bytes(over_time.story_groups_chart(groups), "png")[:8] == b"\x89PNG\r\n\x1a\n"
