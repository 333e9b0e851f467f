"""The Sources comparison grouped by what the registry of followed sources says of each outlet:
country, state affiliation, owner, declared language; articles of outlets not followed are
"unregistered"; with no followed source the page is as it was."""
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.analysis import sources
from core.monitor import sources as followed
from core.monitor.sources import SourceDetails
from core.store import database

APP = str(Path(__file__).resolve().parent.parent / "app.py")

ARTICLES = pd.DataFrame({
    "article_id": ["1", "2", "3", "4", "5"],
    "source": pd.array(["Nevsky", "Nevsky", "Dnipro", "Ledger", "Blog"], dtype="string"),
    "language": pd.array(["ru", "ru", "uk", "en", "en"], dtype="string"),
    "published": pd.to_datetime(["2024-05-01"] * 5, utc=True)})
REGISTRY = pd.DataFrame([["Nevsky", "RU", "ru", "State holding", True], ["Dnipro", "UA", "uk", None, False],
                         ["Ledger", None, "en", "Ledger Group", None]],
                        columns=["name", "country", "language", "owner", "state_affiliated"], dtype=object)


@pytest.mark.parametrize("by, groups", [
    ("country", ["Russia (RU)", "Russia (RU)", "Ukraine (UA)", "country not said", "unregistered"]),
    ("state_affiliated", ["state-affiliated", "state-affiliated", "independent", "affiliation not known",
                          "unregistered"]),
    ("owner", ["State holding", "State holding", "owner not said", "Ledger Group", "unregistered"]),
    ("language", ["Russian (ru)", "Russian (ru)", "Ukrainian (uk)", "English (en)", "unregistered"]),
])
def test_regroup_names_each_articles_group_and_keeps_its_outlet(by, groups):
    grouped = sources.regroup(ARTICLES, REGISTRY, by)
    assert list(grouped["source"]) == groups
    assert list(grouped["outlet"]) == list(ARTICLES["source"])
    assert grouped["source"].dtype == ARTICLES["source"].dtype


def test_the_volume_of_groups_counts_their_articles():
    volume = sources.source_volume(sources.regroup(ARTICLES, REGISTRY, "state_affiliated"))
    counts = volume.groupby("source")["articles"].sum().to_dict()
    assert counts == {"state-affiliated": 2, "independent": 1, "affiliation not known": 1, "unregistered": 1}


def test_an_outlet_followed_through_two_feeds_takes_its_first_entry():
    registry = pd.concat([REGISTRY, REGISTRY.iloc[[0]].assign(country="BY")])
    assert list(sources.regroup(ARTICLES, registry, "country")["source"])[:2] == ["Russia (RU)", "Russia (RU)"]


def test_an_unknown_grouping_is_refused():
    with pytest.raises(ValueError, match="cannot group sources by 'colour'"):
        sources.regroup(ARTICLES, REGISTRY, "colour")


def _sources_page(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page("pages/sources.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _volume_groups(at) -> set:
    return set(at.dataframe[0].value["source"])


def test_without_followed_sources_the_page_compares_outlets_as_before(app_with_db):
    at = _sources_page()
    assert not at.get("button_group")  # no "Compare by"
    assert "meridian-gazette" in _volume_groups(at)
    assert at.subheader[0].value == "Volume per source and language"


def test_state_media_against_independent_outlets(app_with_db):
    engine = database.connect(f"sqlite:///{app_with_db}")
    followed.add(engine, SourceDetails(url="https://nevsky.example/rss", name="nevsky-kurier", country="RU",
                                       state_affiliated="yes"))
    followed.add(engine, SourceDetails(url="https://dnipro.example/rss", name="vechirnii-dnipro", country="UA",
                                       state_affiliated="no"))
    at = _sources_page(sources_by="state_affiliated")
    assert at.subheader[0].value == "Volume per state affiliation and language"
    assert _volume_groups(at) == {"state-affiliated", "independent", "unregistered"}
    volume = at.dataframe[0].value
    assert volume.loc[volume["source"] == "state-affiliated", "articles"].sum() > 0
    # The outlets side by side further down are still outlets.
    headings = " ".join(m.value for m in at.markdown)
    assert any(outlet in headings for outlet in ("nevsky-kurier", "vechirnii-dnipro", "meridian-gazette"))
    assert "state-affiliated" not in headings and "independent" not in headings
