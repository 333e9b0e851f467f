"""The Alerts page, the count of unseen alerts in the menu, and "what is new" (the filter of the
articles stored since the browser's last visit, and open pages offered the articles stored since
they were drawn), run with AppTest on a copy of the sample store."""
import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from core import schema
from core.store import alerts as store_alerts
from core.store import database
from ui import whats_new

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _app(page=None, state=None, **query):
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in query.items():
        at.query_params[key] = value
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _fire(db, rule_name="Iran watch", count=3, when=None):
    engine = database.connect(f"sqlite:///{db}")
    rule = store_alerts.add_rule(engine, store_alerts.Rule(name=rule_name, actors=("Q794",)),
                                 dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    with engine.connect() as conn:
        ids = list(conn.execute(sa.select(schema.mentions.c.article_id).where(schema.mentions.c.actor_id == "Q794")
                                .distinct().order_by(schema.mentions.c.article_id).limit(count)).scalars())
    return engine, store_alerts.record(engine, store_alerts.Fired(
        rule, None, tuple(ids), "{articles} new article(s) match <b>Iran</b> [x](http://evil)", {},
        (("webhook", "http://127.0.0.1:9/hook"),)), when or dt.datetime.now(dt.timezone.utc))


def _menu(at):
    return [link.label for link in at.get("page_link") if link.proto.page == "alerts"]


def test_the_alerts_page_lists_rules_and_alerts_with_links_to_their_articles(app_with_db):
    engine, alert = _fire(app_with_db)
    at = _app("pages/alerts.py")
    assert at.title[0].value == "Alerts"
    # The rule's name and the summary, from the data, are plain text, never HTML or a Markdown link.
    assert any(t.value == "Rule: Iran watch\n3 new article(s) match <b>Iran</b> [x](http://evil)" for t in at.text)
    assert any(t.value == "webhook to http://127.0.0.1:9/hook: pending" for t in at.text)
    links = [link for link in at.get("page_link") if link.proto.page.endswith("articles")]
    opened = {link.proto.query_string for link in links}
    assert {f"article={article_id}" for article_id in alert.article_ids} <= opened
    assert any("actor=Q794" in q and "new=" in q for q in opened)  # the rule's filters, from the first article's storing


def test_the_menu_counts_alerts_not_yet_seen_and_the_alerts_page_sees_them(app_with_db):
    _fire(app_with_db)
    assert _menu(_app()) == ["Alerts (1 new)"]
    at = _app("pages/alerts.py")
    assert _menu(at) == ["Alerts"]  # seen on opening it
    seen = at.session_state[whats_new._SEEN]
    assert _menu(_app(state={whats_new._SEEN: seen})) == ["Alerts"]


def test_an_empty_alerts_page_says_how_alerts_come(app_with_db):
    at = _app("pages/alerts.py")
    assert any("No alert has fired yet" in i.value for i in at.info)
    assert _menu(at) == ["Alerts"]


def test_a_rule_added_in_the_form_is_stored(app_with_db):
    at = _app("pages/alerts.py")
    at.text_input(key="alert_name").set_value("Shoigu in Arabic")
    at.text_input(key="alert_text").set_value("شويغو")
    at.button(key="FormSubmitter:add_rule-Add the rule").click().run()
    assert not at.exception, [e.value for e in at.exception]
    engine = database.connect(f"sqlite:///{app_with_db}")
    assert [(r.name, r.query) for r in store_alerts.rules(engine)] == [("Shoigu in Arabic", "شويغو")]
    at.text_input(key="alert_name").set_value("Nothing asked")
    at.text_input(key="alert_text").set_value("")
    at.button(key="FormSubmitter:add_rule-Add the rule").click().run()
    assert any("asks for nothing" in e.value for e in at.error) and len(store_alerts.rules(engine)) == 1


def test_what_is_new_since_the_last_visit_is_offered_and_filters(app_with_db):
    engine = database.connect(f"sqlite:///{app_with_db}")
    with engine.connect() as conn:
        moments = sorted(conn.execute(sa.select(schema.articles.c.ingested_at)).scalars())
    total = len(moments)
    # Half of the articles stored "after the last visit".
    with engine.begin() as conn:
        ids = list(conn.execute(sa.select(schema.articles.c.article_id).order_by(schema.articles.c.article_id)).scalars())
        fresh = ids[: total // 2]
        conn.execute(schema.articles.update().where(schema.articles.c.article_id.in_(fresh))
                     .values(ingested_at=dt.datetime(2030, 1, 2, tzinfo=dt.timezone.utc)))
        conn.execute(schema.articles.update().where(schema.articles.c.article_id.not_in(fresh))
                     .values(ingested_at=dt.datetime(2029, 1, 1, tzinfo=dt.timezone.utc)))
        database._bump_revision(conn)
    visit = {whats_new._VISIT: "2030-01-01T00:00:00Z"}
    at = _app(state=visit)
    box = at.checkbox(key="new_only")
    assert box.label == f"Only new since my last visit ({len(fresh):,})"
    box.check()
    at.sidebar.button(key="apply_filters").click().run()
    caption = next(c.value for c in at.caption if "articles ·" in c.value)
    assert caption.startswith(f"{len(fresh)} of {total} articles")
    assert at.query_params["new"] == "2030-01-01T00:00:00Z"
    # A link carries the moment: whoever opens it sees the same articles, with no last visit of theirs.
    linked = _app(new="2030-01-01T00:00:00Z")
    assert next(c.value for c in linked.caption if "articles ·" in c.value).startswith(f"{len(fresh)} of {total}")


def test_a_first_visit_is_not_offered_the_filter(app_with_db):
    at = _app()
    assert "new_only" not in [c.key for c in at.checkbox]


def _watch_script():
    """The page's polling fragment alone, as its timer runs it: the rest of the page is not run again."""
    import streamlit as st

    from ui import whats_new

    st.session_state.setdefault(whats_new._DRAWN, st.session_state["drawn_with"])
    whats_new.store_watch()


def test_an_open_page_is_offered_the_articles_stored_since_it_was_drawn(app_with_db):
    at = _app()
    assert [b for b in at.button if b.key == "whats_new_show"] == []
    drawn = at.session_state[whats_new._DRAWN]
    engine = database.connect(f"sqlite:///{app_with_db}")
    watch = AppTest.from_function(_watch_script, default_timeout=60)
    watch.session_state["drawn_with"] = drawn
    watch.run()
    assert [b for b in watch.button if b.key == "whats_new_show"] == []  # nothing stored since
    with engine.begin() as conn:
        row = dict(conn.execute(sa.select(schema.articles).limit(1)).mappings().one())
        for n in range(2):
            conn.execute(schema.articles.insert().values(**{**row, "article_id": f"fresh{n}", "content_hash": f"h{n}"}))
        database._bump_revision(conn)
    watch.run()
    assert [b.label for b in watch.button if b.key == "whats_new_show"] == ["2 new articles — show them"]


def test_the_alerts_page_on_an_empty_store(empty_app):
    at = _app("pages/alerts.py")
    assert at.title[0].value == "Alerts" and any("No alert has fired yet" in i.value for i in at.info)
