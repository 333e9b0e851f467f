"""Frames for the dashboard: filters, timelines, story groups, the co-occurrence network, source comparison."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from core import config
from core.analysis import cooccurrence, filtering, passages, ranking, reading, sources, story_grouping, timelines


@pytest.fixture(scope="module")
def sample(sample_frames):
    """Frames of the sample corpus (tests/conftest.py's ``sample_frames``), each module its own copy."""
    articles, actors, mentions, dates = sample_frames
    return {"articles": articles.copy(), "actors": actors.copy(), "mentions": mentions.copy(), "dates": dates.copy()}


@pytest.fixture(scope="module")
def manifest_events(sample):
    """article_id -> event of data/sample_manifest.csv (<NA> for articles about no shared event)."""
    manifest = pd.read_csv(config.REPO_ROOT / "data" / "sample_manifest.csv", dtype=str)
    manifest["origin_file"] = [str((config.SAMPLES_DIR / f).resolve()) for f in manifest["file"]]
    manifest["origin_item"] = manifest["item"].astype(int)
    keyed = sample["articles"][["article_id", "origin_file", "origin_item"]].astype({"origin_item": int})
    joined = keyed.merge(manifest[["origin_file", "origin_item", "event"]], on=["origin_file", "origin_item"], how="left")
    assert len(joined) == len(sample["articles"]) == len(manifest)
    return joined.set_index("article_id")["event"]


def _articles(rows):
    base = {"source": "s", "language": "en", "title": "", "text": "", "published": None, "url": None, "duplicate_of": None}
    frame = pd.DataFrame([{**base, **row} for row in rows])
    frame["published"] = pd.to_datetime(frame["published"], utc=True)
    return frame


def _mentions(pairs):
    return pd.DataFrame([{"article_id": a, "actor_id": actor, "surface": surface, "sentence": f"{surface} said so.",
                          "field": "text", "start": 0, "end": len(surface)} for a, actor, surface in pairs])


ACTORS = pd.DataFrame([
    {"actor_id": "Q7747", "name": "Vladimir Putin", "type": "person"},
    {"actor_id": "Q159", "name": "Russia", "type": "country"},
    {"actor_id": "Q794", "name": "Iran", "type": "country"},
    {"actor_id": "Q7184", "name": "NATO", "type": "organisation"},
])


@pytest.fixture
def small():
    articles = _articles([
        {"article_id": "a1", "published": "2024-01-01 10:00", "language": "ru", "source": "Kurier", "title": "Путин",
         "text": "Путин в Тегеране."},
        {"article_id": "a2", "published": "2024-01-02 10:00", "language": "fa", "source": "Payam", "title": "پوتین",
         "text": "پوتین و ایران"},
        {"article_id": "a3", "published": "2024-01-09 10:00", "language": "en", "source": "Herald", "title": "NATO",
         "text": "NATO met."},
        {"article_id": "a4", "published": None, "language": "en", "source": "Herald", "title": "Undated",
         "text": "Russia and Iran, undated."},
    ])
    mentions = _mentions([("a1", "Q7747", "Путин"), ("a1", "Q7747", "Путин"), ("a1", "Q794", "Тегеране"),
                          ("a2", "Q7747", "پوتین"), ("a2", "Q794", "ایران"), ("a3", "Q7184", "NATO"),
                          ("a4", "Q159", "Russia"), ("a4", "Q794", "Iran")])
    return articles, mentions


# --- filters -------------------------------------------------------------------------------------

def test_old_style_filters_still_work_without_mentions(small):
    articles, _ = small
    chosen = filtering.filter_articles(articles, filtering.Filters(languages=("en",), query="nato"))
    assert list(chosen["article_id"]) == ["a3"]


def test_actor_filter_keeps_exactly_the_articles_mentioning_it(sample):
    articles, mentions = sample["articles"], sample["mentions"]
    for actor_id in ("Q7747", "gw:sergei-shoigu", "Q7184"):
        chosen = filtering.filter_articles(articles, filtering.Filters(actors=(actor_id,)), mentions=mentions)
        expected = set(mentions.loc[mentions["actor_id"] == actor_id, "article_id"])
        assert set(chosen["article_id"]) == expected and len(chosen) == len(expected) > 0


def test_actor_filter_any_and_all(small):
    articles, mentions = small
    either = filtering.filter_articles(articles, filtering.Filters(actors=("Q7747", "Q159")), mentions)
    both = filtering.filter_articles(articles, filtering.Filters(actors=("Q7747", "Q794"), actor_match="all"), mentions)
    assert set(either["article_id"]) == {"a1", "a2", "a4"}
    assert set(both["article_id"]) == {"a1", "a2"}


def test_actor_type_filter_needs_actors_and_keeps_articles_with_that_type(small):
    articles, mentions = small
    chosen = filtering.filter_articles(articles, filtering.Filters(actor_types=("organisation",)), mentions, ACTORS)
    assert list(chosen["article_id"]) == ["a3"]
    with pytest.raises(ValueError, match="mentions"):
        filtering.filter_articles(articles, filtering.Filters(actors=("Q7747",)))
    with pytest.raises(ValueError, match="actors frame"):
        filtering.filter_articles(articles, filtering.Filters(actor_types=("person",)), mentions)


def test_query_matches_translation_columns_when_present(small):
    articles, _ = small
    assert filtering.filter_articles(articles, filtering.Filters(query="Putin in Tehran")).empty
    translated = articles.assign(title_translated=["Putin", "Putin", "NATO", pd.NA],
                                 text_translated=["Putin in Tehran.", "Putin and Iran", pd.NA, pd.NA])
    chosen = filtering.filter_articles(translated, filtering.Filters(query="putin in tehran"))
    assert list(chosen["article_id"]) == ["a1"]
    assert "text_translated" not in articles.columns  # input untouched


def test_filter_does_not_mutate_its_input(small):
    articles, mentions = small
    before, before_m = articles.copy(), mentions.copy()
    filtering.filter_articles(articles, filtering.Filters(actors=("Q794",), date_from=date(2024, 1, 2)), mentions)
    pd.testing.assert_frame_equal(articles, before)
    pd.testing.assert_frame_equal(mentions, before_m)


FULL = filtering.Filters(date_from=date(2024, 4, 1), date_to=date(2024, 8, 31), languages=("ar", "fa"),
                         sources=("Northbridge Herald", "Reuters, London", "100% News"), query="Shoigu (Tehran)",
                         include_undated=False, actors=("Q7747", "gw:sergei-shoigu"), actor_types=("person", "country"),
                         actor_match="all")


@pytest.mark.parametrize("filters", [FULL, filtering.Filters(), filtering.Filters(languages=("he",))])
def test_query_params_round_trip(filters):
    params = filters.to_query_params()
    assert all(isinstance(v, str) for v in params.values())
    assert filtering.Filters.from_query_params(params) == filters
    # Streamlit's get_all gives lists: a one-element list per key reads the same
    assert filtering.Filters.from_query_params({k: [v] for k, v in params.items()}) == filters


def test_query_params_encode_only_what_would_split_a_list_item():
    """"," separates list items and "%" starts an escape; every other character (spaces, letters
    of any script) is left for Streamlit to encode once, as the links made before wrote them."""
    filters = filtering.Filters(sources=("Écho du Levant", "Reuters, London", "100% News", "Известия"), actors=("Q7747",))
    assert filters.to_query_params() == {"source": "Écho du Levant,Reuters%2C London,100%25 News,Известия",
                                         "actor": "Q7747"}


def test_overview_counts_the_selection(small):
    articles, _ = small
    summary = filtering.overview(articles)
    assert (summary.articles, summary.sources, summary.languages, summary.undated) == (4, 3, 3, 1)
    assert (summary.first, summary.last) == (pd.Timestamp("2024-01-01 10:00", tz="UTC"), pd.Timestamp("2024-01-09 10:00", tz="UTC"))
    assert filtering.overview(articles.head(0)).first is None


def test_query_params_by_hand_and_malformed():
    filters = filtering.Filters.from_query_params({
        "from": "2024-13-45", "to": ["2024-01-01", "2024-02-01"], "lang": ["fa,ar", "he"], "type": "person,robot",
        "undated": "false", "match": "sometimes", "unknown": "x", "actor": 5, "source": ""})
    assert filters == filtering.Filters(date_to=date(2024, 2, 1), languages=("fa", "ar", "he"), actor_types=("person",),
                                        include_undated=False)
    assert filtering.Filters.from_query_params({}) == filtering.Filters()
    assert filtering.Filters.from_query_params(None) == filtering.Filters()


def test_filters_to_dict_is_plain():
    recorded = FULL.to_dict()
    assert recorded["date_from"] == "2024-04-01" and recorded["actors"] == ["Q7747", "gw:sergei-shoigu"]
    assert recorded["include_undated"] is False and set(recorded) == {f.name for f in filtering.dataclasses.fields(FULL)}


# --- volume, actors, attention --------------------------------------------------------------------

def test_volume_by_language_and_week(small):
    articles, _ = small
    table = timelines.volume(articles, by="language", freq="week")
    # The articles run from Monday 1 January to 9 January: the second week is only partly in the data.
    assert table.to_dict("records") == [
        {"period": pd.Timestamp("2024-01-01"), "language": "fa", "articles": 1, "partial": False},
        {"period": pd.Timestamp("2024-01-01"), "language": "ru", "articles": 1, "partial": False},
        {"period": pd.Timestamp("2024-01-08"), "language": "en", "articles": 1, "partial": True},
    ]
    by_month = timelines.volume(articles, by="source", freq="month")
    assert by_month["articles"].sum() == 3 and set(by_month["period"]) == {pd.Timestamp("2024-01-01")}
    with pytest.raises(ValueError, match="frequency"):
        timelines.volume(articles, freq="year")


def test_volume_of_the_sample_counts_every_dated_article(sample):
    articles = sample["articles"]
    for by in ("language", "source"):
        for freq in ("day", "week", "month"):
            assert timelines.volume(articles, by, freq)["articles"].sum() == articles["published"].notna().sum()


def test_top_actors_counts_articles_and_keeps_spellings(sample):
    table = ranking.top_actors(sample["articles"], sample["mentions"], sample["actors"], limit=10)
    putin = table[table["actor_id"] == "Q7747"].iloc[0]
    mentions = sample["mentions"]
    assert putin["articles"] == mentions.loc[mentions["actor_id"] == "Q7747", "article_id"].nunique()
    assert {"Путин", "Putin"} <= set(putin["spellings"].split(" · "))
    assert list(table["articles"]) == sorted(table["articles"], reverse=True) and len(table) == 10
    people = ranking.top_actors(sample["articles"], mentions, sample["actors"], types=("person",))
    assert set(people["type"]) == {"person"}
    listed = ranking.top_actors(sample["articles"], mentions, sample["actors"], limit=10, with_spellings=False)
    pd.testing.assert_frame_equal(listed, table.drop(columns="spellings"))


def test_attention_counts_articles_per_period_with_zeros(small):
    articles, mentions = small
    table = timelines.attention(articles, mentions, ACTORS, ["Q7747", "Q7184"], freq="week")
    putin = table[table["actor_id"] == "Q7747"].set_index("period")
    assert putin.loc[pd.Timestamp("2024-01-01"), "articles"] == 2
    assert putin.loc[pd.Timestamp("2024-01-08"), "articles"] == 0
    assert putin.loc[pd.Timestamp("2024-01-01"), "share"] == 1.0
    assert set(table["name"]) == {"Vladimir Putin", "NATO"}
    assert set(table.loc[table["partial"], "period"]) == {pd.Timestamp("2024-01-08")}  # the data stops on the 9th
    daily = timelines.attention(articles, mentions, ACTORS, ["Q7747"], freq="day")
    assert len(daily) == 9 and daily["articles"].sum() == 2  # 1 to 9 January, undated a4 left out
    assert not daily["partial"].any()  # a day is in the data or not
    assert timelines.attention(articles, mentions, ACTORS, [], freq="day").empty


def test_mentioned_dates_timeline_on_the_sample(sample):
    table = timelines.mentioned_dates_timeline(sample["articles"], sample["dates"])
    dates = sample["dates"]
    row = table.sort_values(["articles", "date"]).iloc[-1]
    assert row["articles"] == dates.loc[dates["date"] == row["date"], "article_id"].nunique()
    assert 1 <= len(row["sentences"]) <= 3 and len(row["article_ids"]) == row["articles"]
    assert table["date"].is_monotonic_increasing
    assert timelines.mentioned_dates_timeline(sample["articles"].head(0), dates).empty


def test_selection_is_newest_first_with_undated_last(sample):
    articles = sample["articles"].sample(frac=1, random_state=3).reset_index(drop=True)
    chosen = filtering.filter_articles(articles, filtering.Filters())
    dated = chosen["published"].notna()
    assert dated.sum() < len(chosen) and not dated.iloc[dated.sum():].any(), "undated articles come last"
    assert chosen.loc[dated, "published"].is_monotonic_decreasing
    assert chosen is not articles
    assert filtering.filter_articles(chosen, filtering.Filters()) is chosen  # already in order: no copy
    russian = filtering.filter_articles(chosen, filtering.Filters(languages=("ru",)))
    assert russian is not chosen and set(russian["language"]) == {"ru"}
    assert russian["published"].dropna().is_monotonic_decreasing


# --- story groups --------------------------------------------------------------------------------

def test_story_groups_on_the_sample_follow_the_manifest(sample, manifest_events):
    groups = story_grouping.story_groups(sample["articles"], sample["mentions"], sample["actors"])
    events = manifest_events
    for row in groups.itertuples():
        assert events[row.article_ids].nunique() == 1, (row.title, list(events[row.article_ids]))
        assert events[row.article_ids].notna().all()
        assert len(row.languages) >= 3  # the same story across languages
    grouped = {event: [g for g in groups.itertuples() if event in set(events[g.article_ids])] for event in events.dropna().unique()}
    assert all(len(found) == 1 for found in grouped.values()), {e: len(f) for e, f in grouped.items()}
    # each event's articles are all in its group, except the Gaza round in Cairo nine days after Doha
    missing = {aid for event, (group,) in grouped.items() for aid in events[events == event].index
               if aid not in group.article_ids}
    assert len(missing) == 1
    assert sample["articles"].set_index("article_id").loc[list(missing), "source"].item() == "الأفق العربي"
    brics = grouped["brics-summit-kazan-2024-10"][0]
    assert brics.articles == 8 and {"ru", "fa", "tr", "uk", "ar", "es"} <= set(brics.languages)
    assert "BRICS" in brics.top_actors


def test_story_groups_link_duplicates_and_undated_best_match(small):
    articles, mentions = small
    articles = pd.concat([articles, _articles([
        {"article_id": "a5", "published": "2024-06-01", "source": "Copy", "duplicate_of": "a3"},
        {"article_id": "a6", "published": "2024-01-03", "source": "Third", "language": "de"}])], ignore_index=True)
    mentions = pd.concat([mentions, _mentions([("a6", "Q7747", "Putin"), ("a6", "Q794", "Iran")])], ignore_index=True)
    groups = story_grouping.story_groups(articles, mentions, ACTORS)
    as_sets = [set(ids) for ids in groups["article_ids"]]
    assert {"a3", "a5"} in as_sets  # duplicate months apart, no shared actors needed
    assert {"a1", "a2", "a6"} in as_sets
    # the undated a4 shares only Iran with them, below two shared actors: stays alone
    assert not any("a4" in s for s in as_sets)
    putin_group = groups[[set(ids) == {"a1", "a2", "a6"} for ids in groups["article_ids"]]].iloc[0]
    assert putin_group["languages"] == ["de", "fa", "ru"] and set(putin_group["top_actors"]) == {"Iran", "Vladimir Putin"}
    assert putin_group["article_ids"] == ["a1", "a2", "a6"]  # oldest first


def test_story_groups_respect_the_time_window(small):
    articles, mentions = small
    far = _articles([{"article_id": "a7", "published": "2024-03-01", "source": "Later"}])
    mentions = pd.concat([mentions, _mentions([("a7", "Q7747", "Putin"), ("a7", "Q794", "Iran")])], ignore_index=True)
    groups = story_grouping.story_groups(pd.concat([articles, far], ignore_index=True), mentions, ACTORS)
    assert [set(ids) for ids in groups["article_ids"]] == [{"a1", "a2"}]
    wide = story_grouping.story_groups(pd.concat([articles, far], ignore_index=True), mentions, ACTORS, window_days=90)
    assert [set(ids) for ids in wide["article_ids"]] == [{"a1", "a2", "a7"}]


def test_large_story_group_is_cut_at_its_weakest_links():
    # two stories of 20 articles each on one day, and one article naming actors of both
    rows, pairs = [], []
    for story in "AB":
        for i in range(20):
            rows.append({"article_id": f"{story}{i}", "published": "2024-03-01 12:00"})
            pairs += [(f"{story}{i}", f"{story}{k}", f"{story}{k}") for k in (1, 2, 3)]
    rows.append({"article_id": "bridge", "published": "2024-03-01 13:00"})
    pairs += [("bridge", actor, actor) for actor in ("A1", "A2", "B1", "B2")]
    actors = pd.DataFrame({"actor_id": ["A1", "A2", "A3", "B1", "B2", "B3"], "name": list("abcdef"), "type": "person"})
    groups = story_grouping.story_groups(_articles(rows), _mentions(pairs), actors)
    assert sorted(map(sorted, groups["article_ids"])) == [sorted(f"A{i}" for i in range(20)),
                                                          sorted(f"B{i}" for i in range(20))]
    joined = story_grouping.story_groups(_articles(rows), _mentions(pairs), actors, min_articles=41)
    assert joined.empty  # the bridge never holds the two together


def test_story_groups_from_corpus_labels_show_the_selection_share(sample):
    articles, mentions, actors = sample["articles"], sample["mentions"], sample["actors"]
    labels = story_grouping.story_labels(articles, mentions)
    assert labels.index.is_unique and set(labels.index) == set(articles["article_id"])
    direct = story_grouping.story_groups(articles, mentions, actors)
    looked_up = story_grouping.story_groups(articles, mentions, actors, labels=labels)
    assert sorted(map(sorted, direct["article_ids"])) == sorted(map(sorted, looked_up["article_ids"]))
    # a filter keeps each story's selected articles and never regroups them
    chosen = articles[articles["language"].isin(["ru", "fa", "ar", "tr"])]
    part = story_grouping.story_groups(chosen, mentions, actors, labels=labels)
    assert len(part) and all(set(ids) <= set(chosen["article_id"]) and labels[ids].nunique() == 1
                             for ids in part["article_ids"])
    whole = {frozenset(ids) for ids in looked_up["article_ids"]}
    assert all(any(set(ids) <= group for group in whole) for ids in part["article_ids"])
    first_two = story_grouping.story_groups(articles, mentions, actors, labels=labels, limit=2)
    assert list(first_two["article_ids"]) == list(looked_up["article_ids"].head(2))


def test_counts_on_codes_match_a_plain_groupby(sample):
    articles, mentions, actors = sample["articles"], sample["mentions"], sample["actors"]
    chosen = articles[articles["language"] == "ru"]
    named = mentions[mentions["actor_id"].notna() & mentions["article_id"].isin(chosen["article_id"])]
    expected = named.drop_duplicates(["article_id", "actor_id"]).groupby("actor_id").size()
    table = ranking.top_actors(chosen, mentions, actors, limit=1000).set_index("actor_id")
    assert table["articles"].to_dict() == expected.to_dict()
    assert table["mentions"].to_dict() == named.groupby("actor_id").size().to_dict()
    share = sources.attention_share(chosen, mentions, actors, actor_ids=list(expected.index[:3]))
    assert share.groupby("actor_id")["articles"].sum().to_dict() == expected[expected.index[:3]].to_dict()
    top = named.groupby(["actor_id", "surface"]).size().rename("n").reset_index()
    top = top.sort_values(["actor_id", "n", "surface"], ascending=[True, False, True]).groupby("actor_id").head(6)
    assert table["spellings"].to_dict() == top.groupby("actor_id")["surface"].agg(" · ".join).to_dict()


def test_story_groups_of_nothing(small):
    articles, mentions = small
    assert story_grouping.story_groups(articles.head(0), mentions, ACTORS).empty
    assert story_grouping.story_groups(articles, mentions.head(0), ACTORS).empty


# --- network -------------------------------------------------------------------------------------

def test_network_edge_weight_is_the_number_of_shared_articles(sample):
    articles, mentions, actors = sample["articles"], sample["mentions"], sample["actors"]
    network = cooccurrence.cooccurrence_network(articles, mentions, actors, min_weight=2)
    by_actor = mentions.groupby("actor_id")["article_id"].apply(set)
    for edge in network.edges.head(30).itertuples():
        assert edge.weight == len(by_actor[edge.source] & by_actor[edge.target]) >= 2
        assert network.graph[edge.source][edge.target]["weight"] == edge.weight
    assert (network.edges["weight"] >= 2).all()
    assert set(network.nodes["actor_id"]) == set(network.graph.nodes)
    putin = network.nodes.set_index("actor_id").loc["Q7747"]
    assert putin["mentions"] == (mentions["actor_id"] == "Q7747").sum() and putin["name"] == "Vladimir Putin"
    assert network.nodes["community"].min() == 0


def test_network_ego_and_communities_are_reproducible(sample):
    articles, mentions, actors = sample["articles"], sample["mentions"], sample["actors"]
    ego = cooccurrence.cooccurrence_network(articles, mentions, actors, min_weight=2, ego="gw:sergei-shoigu")
    with_shoigu = set(mentions.loc[mentions["actor_id"] == "gw:sergei-shoigu", "article_id"])
    neighbours = set(mentions.loc[mentions["article_id"].isin(with_shoigu), "actor_id"])
    assert "gw:sergei-shoigu" in set(ego.nodes["actor_id"]) and set(ego.nodes["actor_id"]) <= neighbours
    assert all(ego.graph.has_edge("gw:sergei-shoigu", n) for n in ego.graph.nodes if n != "gw:sergei-shoigu")
    again = cooccurrence.cooccurrence_network(articles, mentions, actors, min_weight=2, ego="gw:sergei-shoigu")
    pd.testing.assert_frame_equal(ego.nodes, again.nodes)


def test_network_backbone_keeps_each_actors_strongest_links_and_holds_the_communities(sample, monkeypatch):
    articles, mentions, actors = sample["articles"], sample["mentions"], sample["actors"]
    many = cooccurrence.cooccurrence_network(articles, mentions, actors, min_weight=1)
    assert len(many.edges) > cooccurrence.NETWORK_MAX_DRAWN_LINKS >= len(many.backbone)
    few = cooccurrence.cooccurrence_network(articles, mentions, actors, min_weight=8)
    assert 0 < len(few.edges) <= cooccurrence.NETWORK_MAX_DRAWN_LINKS
    pd.testing.assert_frame_equal(few.backbone, few.edges)  # few links: all of them
    monkeypatch.setattr(cooccurrence, "NETWORK_MAX_DRAWN_LINKS", 12)
    monkeypatch.setattr(cooccurrence, "NETWORK_LINKS_PER_ACTOR", 1)
    network = cooccurrence.cooccurrence_network(articles, mentions, actors, min_weight=1)
    links = set(zip(network.edges["source"], network.edges["target"]))
    kept = set(zip(network.backbone["source"], network.backbone["target"]))
    assert kept < links
    assert set(network.backbone["source"]) | set(network.backbone["target"]) == set(network.nodes["actor_id"])
    # Louvain over the kept links: two actors joined by one of them are apart only if that is
    # better for modularity, which a link that is an actor's only one never is.
    community = network.nodes.set_index("actor_id")["community"]
    ends = pd.concat([network.backbone["source"], network.backbone["target"]]).value_counts()
    lonely = [(s, t) for s, t in kept if ends[s] == 1 or ends[t] == 1]
    assert lonely and all(community[s] == community[t] for s, t in lonely)


def test_network_on_small_frames(small):
    articles, mentions = small
    network = cooccurrence.cooccurrence_network(articles, mentions, ACTORS)
    assert network.edges[["source", "target", "weight"]].to_dict("records") == [
        {"source": "Q7747", "target": "Q794", "weight": 2}, {"source": "Q159", "target": "Q794", "weight": 1}]
    assert "NATO" not in set(network.nodes["name"])  # no edge, no node
    countries = cooccurrence.cooccurrence_network(articles, mentions, ACTORS, types=("country",))
    assert list(countries.edges["weight"]) == [1]
    nothing = cooccurrence.cooccurrence_network(articles, mentions, ACTORS, min_weight=5)
    assert nothing.nodes.empty and nothing.edges.empty and nothing.graph.number_of_nodes() == 0


# --- sources, sentences, translation --------------------------------------------------------------

def test_source_volume_and_attention_share(small):
    articles, mentions = small
    volume = sources.source_volume(articles)
    herald = volume[volume["source"] == "Herald"].iloc[0]
    assert herald["articles"] == 2 and herald["undated"] == 1
    share = sources.attention_share(articles, mentions, ACTORS, actor_ids=["Q794"])
    assert share.set_index("source").loc["Herald", "share"] == 0.5
    assert share.set_index("source").loc["Kurier", "share"] == 1.0
    assert len(share) == 3


def test_attention_share_sample_sums(sample):
    share = sources.attention_share(sample["articles"], sample["mentions"], sample["actors"], limit=5)
    assert share["actor_id"].nunique() == 5 and share["source"].nunique() == sample["articles"]["source"].nunique()
    assert share["share"].between(0, 1).all()


def test_actor_sentences_quote_each_outlet_with_optional_translation(small):
    articles, mentions = small
    quotes = passages.actor_sentences(articles, mentions, "Q7747")
    assert list(quotes["article_id"]) == ["a1", "a2"]  # by source: Kurier, Payam; a1 once despite two mentions
    assert "sentence_translated" not in quotes
    assert quotes.iloc[0]["sentence"] == "Путин said so." and quotes.iloc[0]["source"] == "Kurier"
    memory = pd.DataFrame({"source_text": ["Путин said so."], "translated_text": ["Putin said so."]})
    translated = passages.actor_sentences(articles, mentions, "Q7747", memory=memory).set_index("article_id")
    assert translated.loc["a1", "sentence_translated"] == "Putin said so."
    assert pd.isna(translated.loc["a2", "sentence_translated"])


def test_outlet_passages_count_and_show_what_actor_sentences_lists(sample):
    articles, mentions = sample["articles"], sample["mentions"]
    top = ranking.top_actors(articles, mentions, sample["actors"], limit=5)["actor_id"]
    for actor in top:
        every = passages.actor_sentences(articles, mentions, actor)
        found = passages.outlet_passages(articles, mentions, actor, outlets=3, per_outlet=2)
        counts = every["source"].value_counts()
        assert found.per_outlet.sort_index().to_dict() == counts.sort_index().to_dict(), actor
        assert list(found.per_outlet) == sorted(counts, reverse=True)
        outlets = sorted(found.per_outlet.index[:3])
        expected = every[every["source"].isin(outlets)].groupby("source").head(2).reset_index(drop=True)
        pd.testing.assert_frame_equal(found.shown[expected.columns], expected, check_dtype=False)
        assert {"field", "start"} <= set(found.shown.columns)


def test_outlet_passages_count_a_sentence_once_and_rank_outlets(small):
    articles, mentions = small
    found = passages.outlet_passages(articles, mentions, "Q794", outlets=2, per_outlet=1)
    assert found.per_outlet.to_dict() == {"Herald": 1, "Kurier": 1, "Payam": 1}
    assert list(found.shown["source"]) == ["Herald", "Kurier"]  # ties go by name
    putin = passages.outlet_passages(articles, mentions, "Q7747", outlets=5, per_outlet=5)
    assert putin.per_outlet.to_dict() == {"Kurier": 1, "Payam": 1}  # a1 names him twice in one sentence
    nobody = passages.outlet_passages(articles, mentions, "no-such-actor", outlets=5, per_outlet=5)
    assert nobody.per_outlet.empty and nobody.shown.empty and "sentence" in nobody.shown


def test_pending_translation_only_with_status(small):
    articles, _ = small
    assert reading.pending_translation(articles).empty
    waiting = reading.pending_translation(articles.assign(translation_status=["pending", "pending", "done", "pending"]))
    assert waiting.to_dict("records") == [{"language": "en", "articles": 1}, {"language": "fa", "articles": 1},
                                          {"language": "ru", "articles": 1}]



def test_article_actors_counts_each_actor_with_its_spellings():
    mentions = pd.DataFrame({"article_id": ["a", "a", "a", "b", "a"], "actor_id": ["Q1", "Q2", "Q1", "Q1", None],
                             "surface": ["Путин", "Iran", "Putin", "Putin", "Someone"]})
    actors = pd.DataFrame({"actor_id": ["Q1", "Q2"], "name": ["Vladimir Putin", "Iran"], "type": ["person", "country"]})
    table = reading.article_actors(mentions, actors, "a")
    assert table["actor_id"].tolist() == ["Q1", "Q2"]
    assert table["mentions"].tolist() == [2, 1]
    assert table.loc[0, "written"] == "Путин · Putin"


def test_copies_elsewhere_links_every_copy_to_every_other():
    articles = pd.DataFrame({"article_id": ["first", "copy1", "copy2", "other"],
                             "duplicate_of": [None, "first", "first", None]})
    assert set(reading.copies_elsewhere(articles, "first")["article_id"]) == {"copy1", "copy2"}
    assert set(reading.copies_elsewhere(articles, "copy1")["article_id"]) == {"first", "copy2"}
    assert reading.copies_elsewhere(articles, "other").empty
    assert reading.copies_elsewhere(articles, "missing").empty


def test_mention_counts_of_the_sample_are_its_rows(sample):
    """Every sample mention stands for itself (no article repeats a name 50 times), so counting
    ``occurrences`` leaves every count of the sample as it was: the number of rows."""
    articles, mentions, actors, dates = sample["articles"], sample["mentions"], sample["actors"], sample["dates"]
    assert (mentions["occurrences"] == 1).all() and (dates["occurrences"] == 1).all()
    rows = mentions.groupby("actor_id").size()
    assert ranking.top_actors(articles, mentions, actors, limit=10_000).set_index("actor_id")["mentions"].to_dict() == rows.to_dict()
    assert actors.set_index("actor_id")["mentions"].to_dict() == rows.to_dict()
    nodes = cooccurrence.cooccurrence_network(articles, mentions, actors, max_actors=10_000).nodes.set_index("actor_id")
    assert nodes["mentions"].to_dict() == rows[nodes.index].to_dict()
    timeline = timelines.mentioned_dates_timeline(articles, dates).set_index("date")["mentions"]
    assert timeline.to_dict() == dates.groupby("date").size().to_dict()
    busiest = mentions["article_id"].value_counts().index[0]
    table = reading.article_actors(mentions, actors, busiest).set_index("actor_id")["mentions"]
    assert table.to_dict() == mentions[mentions["article_id"] == busiest].groupby("actor_id").size().to_dict()


def test_counts_weigh_each_row_by_the_mentions_it_stands_for(small):
    articles, mentions = small
    # a1 writes Путин 120 times: two rows kept, the second standing for 119
    mentions = mentions.assign(occurrences=[1, 119, 1, 1, 1, 1, 1, 1])
    table = ranking.top_actors(articles, mentions, ACTORS).set_index("actor_id")
    assert table.loc["Q7747", ["articles", "mentions"]].tolist() == [2, 121]
    assert table.loc["Q7747", "spellings"] == "Путин · پوتین"
    nodes = cooccurrence.cooccurrence_network(articles, mentions, ACTORS).nodes.set_index("actor_id")
    assert nodes.loc["Q7747", "mentions"] == 121
    assert reading.article_actors(mentions, ACTORS, "a1")["mentions"].tolist() == [120, 1]
    assert ranking.spellings(mentions.assign(occurrences=[1, 1, 1, 5, 1, 1, 1, 1]))["Q7747"] == "پوتین · Путин"
    dates = pd.DataFrame({"article_id": ["a1", "a2"], "date": pd.to_datetime(["2024-01-01", "2024-01-01"]),
                          "surface": ["1 января", "۱۱ دی"], "sentence": ["x", "y"], "occurrences": [30, 1]})
    day = timelines.mentioned_dates_timeline(articles, dates).iloc[0]
    assert (day["mentions"], day["articles"]) == (31, 2)
