"""OPML: an export comes back into Geowire unchanged, opens as a plain feed list, re-importing
changes nothing, bad outlines are named and the rest goes in, and hostile XML is refused."""
import dataclasses
import datetime as dt

import pytest
from lxml import etree

from core.errors import InputError
from core.monitor import opml, sources
from core.monitor.sources import SourceDetails
from core.store import database, source_registry

NOW = dt.datetime(2026, 5, 10, 12, 0, tzinfo=dt.timezone.utc)


def _registry(engine):
    sources.add(engine, SourceDetails(url="https://meridian.example/rss.xml", name="Meridian Gazette", country="RU",
                                      language="ru", owner="State holding \"Media\" & Co <x>", state_affiliated="yes",
                                      notes="line one\nline two", interval_seconds=600))
    sources.add(engine, SourceDetails(url="https://b.example/atom", kind="atom", state_affiliated="no"))
    sources.add(engine, SourceDetails(url="https://c.example/world/", name="Каспий ньюс", kind="page"))
    sources.set_paused(engine, "b.example", True)
    return source_registry.load(engine)


def _metadata(source):
    return {k: v for k, v in dataclasses.asdict(source).items() if k not in ("source_id", "added_at")}


def test_an_export_reimports_losslessly(engine):
    followed = _registry(engine)
    again = database.connect("sqlite://")
    outcome = opml.import_sources(again, "list.opml", opml.export(followed, NOW))
    assert (len(outcome.added), outcome.unchanged, outcome.problems) == (3, 0, ())
    assert [_metadata(s) for s in source_registry.load(again)] == [_metadata(s) for s in followed]


def test_reimporting_changes_nothing(engine):
    data = opml.export(_registry(engine), NOW)
    before = source_registry.load(engine)
    outcome = opml.import_sources(engine, "list.opml", data)
    assert (outcome.added, outcome.updated, outcome.unchanged) == ((), (), 3)
    assert source_registry.load(engine) == before


def test_an_update_from_a_file_pauses_and_resumes_as_the_file_says(engine):
    followed = _registry(engine)
    resumed = opml.export([dataclasses.replace(s, paused=False) for s in followed], NOW)
    outcome = opml.import_sources(engine, "list.opml", resumed, update_existing=True)
    assert len(outcome.updated) == 3 and not any(s.paused for s in source_registry.load(engine))
    opml.import_sources(engine, "list.opml", opml.export(followed, NOW), update_existing=True)
    assert [s.paused for s in source_registry.load(engine)] == [s.paused for s in followed] == [True, False, False]
    # A feed reader's list says nothing of pauses: an update from it leaves them as they are.
    plain = b"""<?xml version="1.0"?><opml version="2.0"><body>
<outline text="B" type="rss" xmlUrl="https://b.example/atom"/></body></opml>"""
    opml.import_sources(engine, "reader.opml", plain, update_existing=True)
    assert source_registry.find(engine, url="https://b.example/atom").paused


def test_the_export_is_plain_opml_2_for_other_readers(engine):
    root = etree.fromstring(opml.export(_registry(engine), NOW))
    assert root.get("version") == "2.0"
    outlines = {o.get("text"): o for o in root.iter("outline")}
    feed = outlines["Meridian Gazette"]
    assert (feed.get("type"), feed.get("xmlUrl"), feed.get("htmlUrl"), feed.get("title")) == \
        ("rss", "https://meridian.example/rss.xml", "https://meridian.example/", "Meridian Gazette")
    assert feed.get("category") == "/country/RU,/state-affiliated/yes"
    page = outlines["Каспий ньюс"]
    assert page.get("type") == "link" and page.get("xmlUrl") is None and page.get("url") == "https://c.example/world/"


def test_a_feed_readers_list_goes_in_and_bad_outlines_are_named(engine):
    data = b"""<?xml version="1.0"?>
<opml version="1.0"><head><title>My feeds</title></head><body>
  <outline text="News">
    <outline text="Meridian" type="rss" xmlUrl="https://meridian.example/feed" htmlUrl="https://meridian.example/"/>
    <outline text="Atom one" type="atom" xmlUrl="https://a.example/x"/>
    <outline text="No link"/>
    <outline text="Gopher" type="rss" xmlUrl="gopher://old.example/feed"/>
  </outline>
  <outline title="Second" type="rss" xmlurl="https://second.example/rss" language="DE"/>
</body></opml>"""
    outcome = opml.import_sources(engine, "reader.opml", data)
    assert [s.name for s in outcome.added] == ["Meridian", "Atom one", "Second"]
    assert [s.kind for s in outcome.added] == ["rss", "atom", "rss"]
    assert outcome.added[2].language == "de"
    assert outcome.problems == (
        "reader.opml: outline 4 ('No link'): no xmlUrl (nor url of a link): not a feed",
        "reader.opml: outline 5 ('Gopher'): gopher://old.example/feed: 'gopher://old.example/feed' is not an http "
        "or https address")


@pytest.mark.parametrize("data, said", [
    (b"<rss><channel/></rss>", "not an OPML file"),
    (b"<opml><body><outline", "not readable as XML"),
    (b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     b'<opml><body><outline text="&x;" xmlUrl="https://a.example/rss"/></body></opml>', "external entity 'x'"),
])
def test_hostile_or_wrong_files_are_refused_in_one_line(engine, data, said):
    with pytest.raises(InputError, match=said) as refused:
        opml.import_sources(engine, "bad.opml", data)
    assert str(refused.value).startswith("bad.opml: ") and "\n" not in str(refused.value)
    assert source_registry.load(engine) == []


def test_a_billion_laughs_is_not_expanded(engine):
    entities = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    data = (f'<?xml version="1.0"?><!DOCTYPE opml [{entities}]>'
            '<opml><body><outline text="&a9;" xmlUrl="https://a.example/rss"/></body></opml>').encode()
    with pytest.raises(InputError, match="^laughs.opml: not readable as XML .*amplification"):
        opml.import_sources(engine, "laughs.opml", data)
    assert source_registry.load(engine) == []


def test_a_file_too_large_is_refused_before_it_is_parsed(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(opml, "MAX_OPML_BYTES", 100)
    path = tmp_path / "big.opml"
    path.write_bytes(b"<opml>" + b" " * 200 + b"</opml>")
    with pytest.raises(InputError, match="too large for a feed list"):
        opml.read_file(path)
