"""Monitoring end to end: the watcher polls a followed feed on 127.0.0.1, the items it stores go
through extraction and the alert rules, and the alert reaches a local webhook once, whatever
the polls that follow bring."""
import dataclasses
import json
from datetime import datetime, timezone

import pytest

from core import pipeline
from core.store import alerts as store_alerts
from core.store import database
from tests import sample_corpus
from tests.feed_server import FeedServer, words
from tests.test_alerts_pipeline import Receiver
from tests.test_watch import add_source, make_due, watch_once

PUTIN = "Q7747"


@pytest.fixture(autouse=True)
def _dictionary_read_once(monkeypatch):
    monkeypatch.setattr(pipeline, "load_dictionary", sample_corpus.dictionary)


@pytest.fixture
def site():
    server = FeedServer().start()
    yield server
    server.stop()


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.stop()


def _item(server: FeedServer, item_id: str, lead: str):
    """A full-text item whose first sentence is ``lead``, the rest words of its own."""
    item = server.item(item_id, full=True)
    return dataclasses.replace(item, body=f"{lead} {words(item_id, 200)}")


def test_an_actor_named_in_a_watched_feed_fires_one_alert_delivered_once(site, receiver, tmp_path, monkeypatch):
    log = tmp_path / "alerts.jsonl"
    monkeypatch.setenv("GEOWIRE_ALERT_LOG", str(log))
    monkeypatch.setenv("GEOWIRE_ALERT_WEBHOOK", receiver.url)
    engine = database.connect(f"sqlite:///{tmp_path / 'store.db'}")
    feed = site.add_feed("wire", [_item(site, "before", "Vladimir Putin spoke in Moscow on Monday.")])
    add_source(engine, feed, "Wire Desk")
    watch_once(engine)  # what the feed held before the rule: history, never alerted
    store_alerts.add_rule(engine, store_alerts.Rule(name="Putin", actors=(PUTIN,)), datetime.now(timezone.utc))

    site.publish("wire", _item(site, "summit", "Vladimir Putin met Recep Tayyip Erdogan in Ankara."),
                 _item(site, "weather", "The weather in Geneva was mild on Tuesday."))
    make_due(engine)
    watch_once(engine)
    assert len(receiver.bodies) == 1
    body = receiver.bodies[0]
    assert body["rule"]["name"] == "Putin" and body["article_count"] == 1
    assert body["articles"][0]["url"] == site.url("/article/summit.html")
    assert [json.loads(line)["alert_id"] for line in log.read_text(encoding="utf-8").splitlines()] == [body["alert_id"]]

    # The feed unchanged (304), then a new item that does not name him: nothing more is sent.
    make_due(engine)
    watch_once(engine)
    site.publish("wire", _item(site, "markets", "Oil prices fell in London trading."))
    make_due(engine)
    watch_once(engine)
    assert len(receiver.bodies) == 1
    assert [d.status for alert in store_alerts.recent(engine) for d in alert.deliveries] == ["sent"]

    # A later item naming him is a new alert, for that article alone.
    site.publish("wire", _item(site, "call", "Vladimir Putin spoke by phone with Emmanuel Macron."))
    make_due(engine)
    watch_once(engine)
    assert len(receiver.bodies) == 2
    assert [a["url"] for a in receiver.bodies[1]["articles"]] == [site.url("/article/call.html")]
