"""The Followed sources page, headless with streamlit.testing: the list with each source's health,
adding one (and its one-line error), editing, pausing and removing, OPML in and out; untrusted
names are never rendered as Markdown."""
import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core import schema
from core.charts import tables
from core.monitor import sources
from core.monitor.sources import SourceDetails
from core.store import database, source_registry

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/followed.py"


def _follow_button(at):
    """The add form's submit button (the page has others: the watcher's Start and Stop)."""
    return next(button for button in at.button if button.label == "Follow")


def _open() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def store(empty_app):
    return database.connect(f"sqlite:///{empty_app}")


def _table(at):
    [frame] = [d.value for d in at.dataframe]
    return frame


def test_an_empty_registry_says_how_to_start(store):
    at = _open()
    assert at.title[0].value == "Followed sources"
    assert any("No source is followed yet" in i.value for i in at.info)
    assert not at.dataframe


def test_the_list_shows_health_with_the_reason_of_a_failure(store):
    sources.add(store, SourceDetails(url="https://a.example/rss", name="Alpha", country="RU", state_affiliated="yes"))
    sources.add(store, SourceDetails(url="https://b.example/rss", name="Beta"))
    now = dt.datetime.now(dt.timezone.utc)
    with store.begin() as conn:
        conn.execute(schema.sources.update().where(schema.sources.c.name == "Beta").values(
            last_polled_at=now, last_success_at=now - dt.timedelta(hours=1), last_error_at=now,
            last_error="HTTP 404 Not Found", consecutive_failures=1))
    table = _table(_open()).set_index("name")
    assert table.loc["Alpha", "status"] == "never polled" and table.loc["Alpha", "country"] == "RU"
    assert table.loc["Alpha", "state_affiliated"] == "yes"
    assert table.loc["Beta", "status"] == "failing"
    assert table.loc["Beta", "last_error"] == "HTTP 404 Not Found"
    assert table.loc["Beta", "reason"] == "1 failed poll in a row: HTTP 404 Not Found"


def test_adding_a_source_from_the_form(store):
    at = _open()
    at.text_input[0].set_value("https://meridian.example/feed.xml")
    at.text_input[1].set_value("Meridian **Gazette** ![x](https://tracker.example/p.png)")
    at.selectbox(key="add_0_state").set_value("yes")
    at.text_input(key="add_0_country").set_value("Russia")
    _follow_button(at).click().run()
    assert not at.exception, [e.value for e in at.exception]
    [source] = source_registry.load(store)
    assert (source.kind, source.country, source.state_affiliated) == ("rss", "RU", True)
    shown = " ".join(s.value for s in at.success)
    assert "Meridian \\*\\*Gazette\\*\\* \\!\\[x\\]" in shown  # Markdown escaped: nothing fetched, nothing bold
    assert any("kind guessed as rss" in i.value for i in at.info)
    assert _table(at).loc[0, "name"] == "Meridian **Gazette** ![x](https://tracker.example/p.png)"


def test_a_bad_url_is_one_error_and_nothing_is_stored(store):
    at = _open()
    at.text_input[0].set_value("ftp://meridian.example/feed")
    _follow_button(at).click().run()
    # Escaped for Markdown, so it reads as typed in the browser.
    assert [e.value for e in at.error] == [tables.plain("ftp://meridian.example/feed: 'ftp://meridian.example/feed' "
                                                        "is not an http or https address")]
    assert source_registry.load(store) == []


def test_edit_pause_and_remove(store):
    sources.add(store, SourceDetails(url="https://a.example/rss", name="Alpha"))
    at = _open()
    at.text_input(key="edit_1_owner").set_value("Holding")
    at.selectbox(key="edit_1_state").set_value("no")
    at.button(key="FormSubmitter:followed_edit-Save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    [source] = source_registry.load(store)
    assert (source.owner, source.state_affiliated) == ("Holding", False)
    at.button(key="followed_pause").click().run()
    assert source_registry.load(store)[0].paused
    assert _table(at).loc[0, "status"] == "paused"
    at.checkbox(key="followed_confirm").check().run()
    at.button(key="followed_remove").click().run()
    assert source_registry.load(store) == []
    assert any("its articles stay" in s.value for s in at.success)


def test_the_page_renders_beside_the_sample_corpus(app_with_db):
    engine = database.connect(f"sqlite:///{app_with_db}")
    sources.add(engine, SourceDetails(url="https://meridian.example/rss", name="meridian-gazette", country="GB"))
    at = _open()
    table = _table(at)
    assert list(table["name"]) == ["meridian-gazette"] and table.loc[0, "status"] == "never polled"
