"""Alert rules matched on the sample corpus as the store gives it to the alerts stage, and the spike
method on constructed series."""
import datetime as dt

import pandas as pd
import pytest
from core import config, schema
from core.alerts import rules, spikes, stage
from core.store import alerts as store_alerts
from core.store import database

IRAN, RUSSIA, PUTIN = "Q794", "Q159", "Q7747"


@pytest.fixture
def corpus(sample_store):
    engine = database.connect(f"sqlite:///{sample_store}")
    articles = store_alerts.evaluated_articles(engine, None, None, 10_000)
    return engine, articles, store_alerts.actor_ids(engine, list(articles["article_id"]))


def _named(actors, actor_id):
    return set(actors.loc[actors["actor_id"] == actor_id, "article_id"])


def _match(articles, named, **fields):
    return set(rules.matching(articles, named, store_alerts.Rule(name="r", **fields)))


def test_actor_rules_take_any_or_all_of_the_actors(corpus):
    _, articles, actors = corpus
    iran, russia = _named(actors, IRAN), _named(actors, RUSSIA)
    assert iran and russia and (iran - russia) and (iran & russia)
    assert _match(articles, actors, actors=(IRAN,)) == iran
    assert _match(articles, actors, actors=(IRAN, RUSSIA)) == iran | russia
    assert _match(articles, actors, actors=(IRAN, RUSSIA), actor_mode="all") == iran & russia


@pytest.mark.parametrize("typed, written", [("إيران", "وإيران"), ("иран", "Иран"), ("iran", "İran")])
def test_text_rules_fold_case_diacritics_and_arabic_prefixes(corpus, typed, written):
    _, articles, actors = corpus
    found = _match(articles, actors, query=typed)
    word = rf"(?<!\w){written}(?!\w)"
    having = set(articles.loc[articles["text"].str.contains(word) | articles["title"].str.contains(word), "article_id"])
    assert having and having <= found


def test_source_language_and_text_together(corpus):
    _, articles, actors = corpus
    found = _match(articles, actors, sources=("nevsky-kurier", "Балтийский обозреватель"), languages=("ru",), query="Иран")
    expected = articles[articles["source"].isin(["nevsky-kurier", "Балтийский обозреватель"])
                        & (articles["text"] + " " + articles["title"]).str.contains(r"(?<!\w)Иран(?!\w)")]
    assert found == set(expected["article_id"]) and found
    assert _match(articles, actors, sources=("nevsky-kurier",), languages=("fr",)) == set()


def test_country_is_the_country_of_the_source_in_the_registry(corpus):
    engine, articles, actors = corpus
    assert _match(articles, actors, countries=("RU",)) == set()  # no source is in the registry yet
    with engine.begin() as conn:
        conn.execute(schema.sources.insert().values(url="https://nk.example/feed", name="nevsky-kurier", kind="rss",
                                                    country="RU", interval_seconds=900,
                                                    added_at=dt.datetime.now(dt.timezone.utc)))
    articles = store_alerts.evaluated_articles(engine, None, None, 10_000)
    assert _match(articles, actors, countries=("ru",)) == set(articles.loc[articles["source"] == "nevsky-kurier", "article_id"])


def test_a_rule_that_asks_nothing_or_cannot_be_read_is_refused():
    with pytest.raises(ValueError, match="asks for nothing"):
        rules.check(store_alerts.Rule(name="empty"))
    with pytest.raises(ValueError, match="quotation mark"):
        rules.check(store_alerts.Rule(name="bad", query='"Iran'))
    with pytest.raises(ValueError, match="exactly one actor"):
        rules.check(store_alerts.Rule(name="s", kind="spike", actors=(IRAN, RUSSIA)))


def test_an_article_fires_a_rule_once_and_a_copy_of_it_not_at_all(corpus):
    engine, articles, _ = corpus
    now = dt.datetime.now(dt.timezone.utc)
    rule = store_alerts.add_rule(engine, store_alerts.Rule(name="Iran", actors=(IRAN,)), now)
    ids = tuple(articles["article_id"][:3])
    first = store_alerts.record(engine, store_alerts.Fired(rule, None, ids[:2], "{articles} new", {}, ()), now)
    assert first.article_ids == tuple(sorted(ids[:2])) and first.summary == "2 new"
    # Again with one more, and a near-duplicate whose original fired already: only the new one.
    again = store_alerts.record(engine, store_alerts.Fired(rule, None, (*ids, "copy"), "{articles} new", {}, (),
                                                           (("copy", ids[0]),)), now)
    assert again.article_ids == (ids[2],)
    assert store_alerts.record(engine, store_alerts.Fired(rule, None, ids, "x", {}, ()), now) is None


# --- spikes on constructed series -------------------------------------------------------------------

DAY = dt.date(2026, 3, 20)


def _series(counts, today):
    """``counts``: the BASELINE_DAYS days before DAY, oldest first; then DAY's count."""
    days = [DAY - dt.timedelta(days=len(counts) - i) for i in range(len(counts))] + [DAY]
    frame = pd.DataFrame({"day": days, "articles": [*counts, today]})
    return frame[frame["articles"] > 0]  # the store leaves out days without articles


def test_a_flat_series_spikes_only_well_above_its_level():
    flat = [10] * spikes.BASELINE_DAYS
    assert not spikes.check(_series(flat, 15), DAY).spike  # noise of a count of 10
    found = spikes.check(_series(flat, 20), DAY)
    assert found.spike and found.baseline == 10 and found.threshold == pytest.approx(10 + 3 * 10 ** 0.5)


def test_a_steady_rise_is_not_a_spike_but_a_jump_above_it_is():
    growing = list(range(5, 5 + spikes.BASELINE_DAYS))  # 5 … 18 a day
    assert not spikes.check(_series(growing, 19), DAY).spike
    assert not spikes.check(_series(growing, 25), DAY).spike
    assert spikes.check(_series(growing, 40), DAY).spike


def test_one_genuine_spike_fires_and_an_earlier_one_does_not_hide_the_next():
    quiet = [3] * spikes.BASELINE_DAYS
    assert spikes.check(_series(quiet, 25), DAY).spike
    with_earlier = quiet[:5] + [40] + quiet[6:]  # a spike a week ago barely moves median and MAD
    assert spikes.check(_series(with_earlier, 25), DAY).spike


def test_a_new_actor_fires_once_it_reaches_the_minimum():
    found = spikes.check(_series([0] * spikes.BASELINE_DAYS, spikes.MIN_COUNT), DAY)
    assert found.spike and found.history_days == 0 and found.baseline == 0
    assert not spikes.check(_series([0] * spikes.BASELINE_DAYS, spikes.MIN_COUNT - 1), DAY).spike
    assert not spikes.check(pd.DataFrame({"day": [], "articles": []}), DAY).spike


def test_a_sparse_actor_does_not_spike_on_a_few_articles():
    sparse = [0, 1, 0, 0, 2, 0, 0, 0, 1, 0, 0, 3, 0, 0]
    assert not spikes.check(_series(sparse, 4), DAY).spike
    assert spikes.check(_series(sparse, 8), DAY).spike


def test_days_after_the_day_checked_are_ignored():
    frame = pd.concat([_series([2] * spikes.BASELINE_DAYS, 2),
                       pd.DataFrame({"day": [DAY + dt.timedelta(days=1)], "articles": [100]})])
    assert spikes.check(frame, DAY).count == 2 and not spikes.check(frame, DAY).spike


def test_a_spike_rule_fires_once_per_actor_and_day_in_the_store(engine):
    now = dt.datetime(2026, 3, 20, 12, tzinfo=dt.timezone.utc)
    rows, mentions = [], []
    for back, count in [*[(b, 2) for b in range(1, 15)], (0, 9)]:
        for i in range(count):
            article_id = f"d{back}n{i}"
            rows.append({"article_id": article_id, "source": "wire", "title": "t", "text": f"text {article_id}",
                         "content_hash": article_id, "origin_file": "f", "origin_item": 1, "format": "text",
                         "published": now - dt.timedelta(days=back), "ingested_at": now})
            mentions.append({"article_id": article_id, "actor_id": PUTIN, "field": "text", "start": 0, "end": 5,
                             "surface": "Putin", "method": "alias", "confidence": 1.0})
    with engine.begin() as conn:
        conn.execute(schema.articles.insert(), rows)
        conn.execute(schema.mentions.insert(), mentions)
    daily = store_alerts.daily_counts(engine, PUTIN, now.date() - dt.timedelta(days=14), now.date())
    assert list(daily["articles"]) == [2] * 14 + [9]
    found = spikes.check(daily, now.date())
    assert found.spike and found.count == 9
    assert len(store_alerts.day_articles(engine, PUTIN, now.date())) == 9
    rule = store_alerts.add_rule(engine, store_alerts.Rule(name="Putin spike", kind="spike", actors=(PUTIN,)),
                                 now - dt.timedelta(days=30))
    with engine.begin() as conn:
        conn.execute(schema.extractions.insert(), [{"article_id": r["article_id"], "dictionary_version": "v"} for r in rows])
    first = stage.run(engine, config.AlertSettings(), now)
    assert [(a.rule_name, a.window, len(a.article_ids)) for a in first.fired] == \
        [("Putin spike", f"spike:{rule.rule_id}:{PUTIN}:2026-03-20", 9)]
    assert first.fired[0].detail["baseline_median"] == 2 and first.fired[0].detail["count"] == 9
    assert stage.run(engine, config.AlertSettings(), now + dt.timedelta(hours=1)).fired == []  # once per day


def test_the_alerts_tables_on_sqlite_and_postgresql(db_url):
    """Rules, alerts with their claims, deliveries and the watermark, on both databases."""
    engine = database.connect(db_url)
    now = dt.datetime(2026, 3, 20, 12, tzinfo=dt.timezone.utc)
    with engine.begin() as conn:
        conn.execute(schema.articles.insert(), [
            {"article_id": f"a{i}", "source": "wire", "title": "Iran", "text": "Iran talks", "content_hash": f"h{i}",
             "origin_file": "f", "origin_item": i, "format": "text", "ingested_at": now + dt.timedelta(seconds=i)}
            for i in range(3)])
        conn.execute(schema.extractions.insert(), [{"article_id": "a0", "dictionary_version": "v"},
                                                   {"article_id": "a2", "dictionary_version": "v"}])
    rule = store_alerts.add_rule(engine, store_alerts.Rule(name="Iran", query="iran", webhook="http://127.0.0.1:9/x"), now)
    assert store_alerts.watermark(engine) == now + dt.timedelta(seconds=2)  # what was stored is history
    horizon = store_alerts.horizon(engine, None)
    assert horizon == store_alerts.Horizon(now + dt.timedelta(seconds=2), now + dt.timedelta(seconds=1))
    assert list(store_alerts.evaluated_articles(engine, now, None, 10)["article_id"]) == ["a2"]
    page = store_alerts.evaluated_articles(engine, None, None, 1)
    assert list(page["article_id"]) == ["a0"]
    assert list(store_alerts.evaluated_articles(engine, None, (page["ingested_at"][0].to_pydatetime(), "a0"), 5)
                ["article_id"]) == ["a2"]
    alert = store_alerts.record(engine, store_alerts.Fired(rule, None, ("a0", "a2"), "{articles} new", {},
                                                           (("webhook", rule.webhook),)), now)
    assert alert.window == "match:1:a0" and store_alerts.record(
        engine, store_alerts.Fired(rule, None, ("a2",), "x", {}, ()), now) is None
    (pending,) = store_alerts.due(engine, now)
    store_alerts.mark(engine, pending, now, "HTTP 500", now + dt.timedelta(minutes=1))
    assert store_alerts.due(engine, now) == [] and len(store_alerts.due(engine)) == 1
    store_alerts.mark(engine, store_alerts.due(engine)[0], now, None)
    [fired] = store_alerts.recent(engine)
    assert fired.article_ids == ("a0", "a2") and [(d.status, d.attempts) for d in fired.deliveries] == [("sent", 2)]
    assert store_alerts.count_since(engine, None) == 1 and store_alerts.count_since(engine, now) == 0
    assert store_alerts.remove_rule(engine, "Iran") and store_alerts.rules(engine) == []
    assert len(store_alerts.recent(engine)) == 1  # a removed rule's alerts stay
