"""Issue 22, item 3: articles naming all the chosen actors (the filter, its URL form, the command
line's export) and the Timeline's pair view (attention to actors together, next to each alone)."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from core import cli, pipeline
from core.analysis import filtering, timelines
from core.charts import over_time
from tests import sample_corpus

IRAN, RUSSIA, ISRAEL = "Q794", "Q159", "Q801"


@pytest.fixture(scope="module")
def sample(request):
    return sample_corpus.load(request.config)


def _naming(mentions: pd.DataFrame, actor_id: str) -> set:
    return set(mentions.loc[mentions["actor_id"] == actor_id, "article_id"])


def test_all_of_keeps_exactly_the_articles_naming_every_chosen_actor(sample):
    articles, mentions = sample["articles"], sample["mentions"]
    either = filtering.filter_articles(articles, filtering.Filters(actors=(IRAN, RUSSIA)), mentions)
    both = filtering.filter_articles(articles, filtering.Filters(actors=(IRAN, RUSSIA), actor_match="all"), mentions)
    expected = _naming(mentions, IRAN) & _naming(mentions, RUSSIA)  # from the mentions frame alone
    assert set(both["article_id"]) == expected and len(both) == len(expected)
    assert 0 < len(both) < len(either) == len(_naming(mentions, IRAN) | _naming(mentions, RUSSIA))
    three = filtering.filter_articles(articles, filtering.Filters(actors=(IRAN, RUSSIA, ISRAEL), actor_match="all"), mentions)
    assert set(three["article_id"]) == expected & _naming(mentions, ISRAEL)


@pytest.mark.parametrize("mode", ["all", "any"])
def test_the_mode_round_trips_through_the_url(mode):
    filters = filtering.Filters(actors=(IRAN, RUSSIA), actor_match=mode)
    params = filters.to_query_params()
    assert params.get("actor_mode") == ("all" if mode == "all" else None)
    assert filtering.Filters.from_query_params(params) == filters
    assert filtering.Filters.from_query_params({k: [v] for k, v in params.items()}) == filters


def test_the_url_reads_the_mode_as_a_person_types_it():
    assert filtering.Filters.from_query_params({"actor": "Q794,Q159", "actor_mode": "ALL"}).actor_match == "all"
    assert filtering.Filters.from_query_params({"actor": "Q794", "actor_mode": "both"}).actor_match == "any"
    assert filtering.Filters.from_query_params({"actor": "Q794", "match": "all"}).actor_match == "all"  # its first name


def test_pair_view_counts_the_articles_naming_all_of_them_per_period(sample):
    articles, mentions, actors = sample["articles"], sample["mentions"], sample["actors"]
    table = timelines.together(articles, mentions, actors, [IRAN, RUSSIA], "week")
    assert table.attrs["freq"] == "week"
    alone = table[~table["together"]].drop(columns="together").reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, timelines.attention(articles, mentions, actors, [IRAN, RUSSIA], "week"),
                                  check_dtype=False)
    both = table[table["together"]]
    assert set(both["name"]) == {"Iran and Russia together"} and set(both["actor_id"]) == {"Q794+Q159"}
    assert list(both["period"]) == sorted(set(alone["period"]))  # the same periods, every one of them
    # Independently: the dated articles naming both, by the Monday of their week.
    named = _naming(mentions, IRAN) & _naming(mentions, RUSSIA)
    dated = articles[articles["article_id"].isin(named) & articles["published"].notna()]
    mondays = (dated["published"].dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
               - pd.to_timedelta(dated["published"].dt.tz_convert("UTC").dt.day_of_week, unit="D"))
    expected = mondays.value_counts()
    counted = both.set_index("period")["articles"]
    assert counted[counted > 0].to_dict() == {pd.Timestamp(k): v for k, v in expected.items()}
    assert counted.sum() == len(dated) > 0
    # never more than either alone, in any period
    for actor_id in (IRAN, RUSSIA):
        single = alone[alone["actor_id"] == actor_id].set_index("period")["articles"]
        assert (counted <= single.reindex(counted.index)).all()
    share = both.set_index("period")["share"]
    assert ((share >= 0) & (share <= 1)).all()


def test_pair_view_of_one_actor_is_attention_and_an_empty_selection_is_empty(sample):
    articles, mentions, actors = sample["articles"], sample["mentions"], sample["actors"]
    one = timelines.together(articles, mentions, actors, [IRAN], "month")
    assert not one["together"].any() and one.attrs["freq"] == "month"
    none = timelines.together(articles.iloc[:0], mentions, actors, [IRAN, RUSSIA], "day")
    assert none.empty and none.attrs["freq"] == "day"
    assert over_time.together_chart(none).layout.annotations  # the empty chart's message


def test_pair_chart_draws_bars_their_period_wide_under_the_lines(sample):
    articles, mentions, actors = sample["articles"], sample["mentions"], sample["actors"]
    for freq, days in (("week", 7), ("day", 1)):
        table = timelines.together(articles, mentions, actors, [IRAN, RUSSIA], freq)
        fig = over_time.together_chart(table)
        bars = [t for t in fig.data if t.type == "bar"]
        lines = [t for t in fig.data if t.type == "scatter"]
        assert [t.name for t in bars] == ["Iran and Russia together"] and fig.data[0] is bars[0]
        assert sorted(t.name for t in lines) == ["Iran", "Russia"]
        assert set(bars[0].width) == {days * 86_400_000}  # the period over_time's time axis draws
        assert bars[0].xperiodalignment == "middle" and lines[0].xperiodalignment == "middle"
        assert "together" in fig.layout.title.text and "next to each alone" in fig.layout.title.text
        assert fig.layout.xaxis.range is not None and fig.layout.xaxis.tickformat  # _time_axis drew it


def test_export_keeps_articles_naming_every_actor(tmp_path, sample, sample_store, monkeypatch):
    db = sample_store  # the sample corpus, ingested and extracted
    monkeypatch.setenv("GEOWIRE_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setattr(pipeline, "load_dictionary", sample_corpus.dictionary)  # read once, not per export
    counts = {}
    for flags in ([], ["--all-actors"], ["--actor-mode", "all"]):
        out = tmp_path / f"out{len(flags)}.json"
        assert cli.main(["--db", str(db), "export", "--actor", "Iran", "--actor", "Russia", *flags,
                         "--format", "json", "--out", str(out)]) == 0
        written = json.loads(out.read_text(encoding="utf-8"))
        counts[tuple(flags)] = len(written["articles"])
        if flags:
            assert written["metadata"]["actor_match"] == "all"
    mentions = sample["mentions"]
    assert counts[("--all-actors",)] == counts[("--actor-mode", "all")] == len(_naming(mentions, IRAN) & _naming(mentions, RUSSIA))
    assert counts[()] > counts[("--all-actors",)]
