"""The registry of followed sources: what a user types is checked and made canonical, a URL is
followed once, a source is found by id, URL or name, and removing one keeps its articles."""
import dataclasses
from unittest import mock

import pytest
import sqlalchemy as sa

from core import schema
from core.errors import InputError
from core.monitor import sources
from core.monitor.sources import SourceDetails
from core.store import database, source_registry


def test_a_source_gets_defaults_and_canonical_codes(engine):
    added = sources.add(engine, SourceDetails(url="HTTPS://WWW.Meridian.example/rss.xml#top", country="russia",
                                              language="Russian", state_affiliated="yes", owner="  VGTRK \n"))
    source = added.source
    assert source.url == "https://www.meridian.example/rss.xml"
    assert source.name == "meridian.example"  # the host, without www
    assert (source.kind, source.country, source.language) == ("rss", "RU", "ru")
    assert source.state_affiliated is True and source.owner == "VGTRK"
    assert source.interval_seconds == sources.DEFAULT_INTERVAL_SECONDS and not source.paused
    assert added.notes == ("kind guessed as rss from the URL; give the kind to set it (rss, atom, sitemap, page)",)
    assert source_registry.load(engine) == [source]


@pytest.mark.parametrize("url, kind", [("https://a.example/sitemap_news.xml", "sitemap"),
                                       ("https://a.example/feeds/atom", "atom"),
                                       ("https://a.example/index.php?format=rss", "rss"),
                                       ("https://a.example/news.xml", "rss"),
                                       ("https://a.example/world/", "page")])
def test_the_kind_is_guessed_from_the_url(url, kind):
    assert sources.guess_kind(url) == kind


def test_a_given_kind_is_not_guessed_and_not_noted(engine):
    added = sources.add(engine, SourceDetails(url="https://a.example/world/", kind="RSS"))
    assert added.source.kind == "rss" and added.notes == ()


def test_every_problem_is_said_at_once_in_one_line(engine):
    with pytest.raises(InputError) as problem:
        sources.add(engine, SourceDetails(url="ftp://a.example/x", country="ZZ", language="xx", kind="blog",
                                          interval_seconds=5, state_affiliated="maybe"))
    message = str(problem.value)
    assert "\n" not in message
    for part in ("not an http or https address", "country 'ZZ'", "language 'xx'", "kind 'blog'",
                 "interval 5 s is outside 60..604800", "state-affiliated 'maybe'"):
        assert part in message
    assert source_registry.load(engine) == []


@pytest.mark.parametrize("url, said", [("https://", "has no host"), ("meridian.example/rss", "not an http"),
                                       ("https://user:secret@a.example/rss", "user name or password"),
                                       ("https://a.example:port/rss", "not a web address"),
                                       ("javascript:alert(1)", "not an http")])
def test_urls_other_than_http_with_a_host_are_refused(url, said):
    with pytest.raises(ValueError, match=said):
        sources.canonical_url(url)


def test_the_same_url_twice_is_a_one_line_error_or_an_update(engine):
    first = sources.add(engine, SourceDetails(url="https://a.example/rss", name="A")).source
    with pytest.raises(InputError, match=r"already followed as 'A' \(source 1\); edit it, or add it again with --update"):
        sources.add(engine, SourceDetails(url="https://A.example/rss#again"))
    again = sources.add(engine, SourceDetails(url="https://a.example/rss", country="UA"), update_existing=True)
    assert again.updated and again.source.source_id == first.source_id
    assert (again.source.name, again.source.country) == ("A", "UA")  # what was not given is kept
    assert len(source_registry.load(engine)) == 1


def test_edit_changes_what_is_given_and_empty_clears(engine):
    sources.add(engine, SourceDetails(url="https://a.example/rss", name="A", country="RU", notes="n"))
    edited = sources.edit(engine, "a", SourceDetails(country="", owner="Owner", interval_seconds="3600"))
    assert (edited.name, edited.country, edited.owner, edited.notes, edited.interval_seconds) == \
        ("A", None, "Owner", "n", 3600)
    with pytest.raises(InputError, match="name cannot be empty"):
        sources.edit(engine, 1, SourceDetails(name="  "))
    sources.add(engine, SourceDetails(url="https://b.example/rss"))
    with pytest.raises(InputError, match="already followed as 'A'"):
        sources.edit(engine, "b.example", SourceDetails(url="https://a.example/rss"))


def test_a_source_is_found_by_id_url_or_name(engine):
    one = sources.add(engine, SourceDetails(url="https://a.example/rss", name="Outlet")).source
    two = sources.add(engine, SourceDetails(url="https://a.example/politics.rss", name="Outlet")).source
    assert sources.find(engine, str(two.source_id)) == two
    assert sources.find(engine, "https://A.example/rss") == one
    with pytest.raises(InputError, match="names 2 sources"):
        sources.find(engine, "outlet")
    with pytest.raises(InputError, match="no followed source"):
        sources.find(engine, "nothing")


def test_pause_resume_and_remove_keep_the_articles(engine):
    source = sources.add(engine, SourceDetails(url="https://a.example/rss", name="A")).source
    with engine.begin() as conn:
        conn.execute(schema.articles.insert().values(
            article_id="x" * 32, source="A", text="t", content_hash="h" * 32, origin_file="f", origin_item=1,
            format="rss", ingested_at=source.added_at))
    assert sources.set_paused(engine, "A", True).paused
    assert not sources.set_paused(engine, "A", False).paused
    assert sources.remove(engine, "A") == dataclasses.replace(source, paused=False)
    assert source_registry.load(engine) == []
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.articles)).scalar() == 1


def test_the_registry_on_either_store(db_url):
    """The same registry on SQLite and on a PostgreSQL server (skipped where none can be started)."""
    engine = database.connect(db_url)
    added = sources.add(engine, SourceDetails(url="https://a.example/rss", name="A", country="RU",
                                              state_affiliated="no")).source
    with pytest.raises(InputError, match="already followed"):
        sources.add(engine, SourceDetails(url="https://a.example/rss"))
    # A second writer whose look-up missed the first one's row is refused by the unique URL, in one line.
    with pytest.raises(source_registry.DuplicateUrl):
        with mock.patch("sqlalchemy.engine.Result.scalar", return_value=None):
            source_registry.add(engine, {"url": "https://a.example/rss", "name": "B", "kind": "rss",
                                         "interval_seconds": 900})
    edited = sources.edit(engine, added.source_id, SourceDetails(owner="O"))
    assert (edited.owner, edited.state_affiliated, edited.added_at.tzinfo is not None) == ("O", False, True)
    assert [s.name for s in source_registry.load(engine)] == ["A"]
    assert sources.remove(engine, "A").source_id == added.source_id
