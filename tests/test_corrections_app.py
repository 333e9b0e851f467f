"""Corrections from the pages (issue 22, item 9), headless with streamlit.testing: a rename in the
Reader's "Correct…" popover renames the actor on the Overview's top actors chart at once; ignoring
an actor takes it off; undo in the sidebar's list brings it back; a wrong merge is split; the
sidebar corrects any actor and records who did."""
import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core import config, pipeline
from core.store import corrections as store_corrections, database, reads
from tests import pages

TOP_ACTORS = "Actors named in the most articles"


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory) -> Path:
    """The sample corpus, ingested and extracted once for the module."""
    db = tmp_path_factory.mktemp("samples") / "samples.db"
    engine = database.connect(f"sqlite:///{db}")
    pipeline.ingest(engine, [config.SAMPLES_DIR], progress=False)
    engine.dispose()
    return db


@pytest.fixture
def app_db(sample_store, tmp_path, monkeypatch) -> Path:
    db = tmp_path / "app.db"
    shutil.copyfile(sample_store, db)
    monkeypatch.setenv("GEOWIRE_DB", str(db))
    monkeypatch.setenv("GEOWIRE_CONFIG", str(tmp_path / "no-settings.toml"))
    monkeypatch.delenv("GEOWIRE_ANALYST", raising=False)
    return db


def _open(page: str = "pages/overview.py", **query) -> AppTest:
    return pages.opened(page, **query)


def _top_actors(at: AppTest) -> list[str]:
    """The names on the Overview's top actors chart, as sent to the browser."""
    for chart in at.get("bidi_component"):
        data = json.loads(chart.proto.json)
        if "figure" in data:
            figure = json.loads(data["figure"])
            if TOP_ACTORS in json.dumps(figure["layout"].get("title", "")):
                return list(figure["layout"]["yaxis"]["categoryarray"])
    raise AssertionError("no top actors chart on the page")


def _correct_in_reader(at: AppTest, actor_id: str, action: str | None = None) -> str:
    """Open the Reader's "Correct…" popover of ``actor_id`` (and choose ``action``); its key."""
    key = f"reader-{actor_id}"
    at.session_state[f"{key}-open"] = True
    at.run()
    if action:
        at.segmented_control(key=f"{key}-action").set_value(action).run()
    return key


def test_a_rename_in_the_reader_shows_on_the_overview_at_once(app_db):
    at = _open()
    assert "Iran" in _top_actors(at)
    at.switch_page("pages/articles.py").run()
    key = _correct_in_reader(at, "Q794")
    at.text_input(key=f"{key}-name").input("Islamic Republic of Iran")
    at.button(key=f"{key}-Rename").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Islamic Republic of Iran" in t.value for t in at.toast)
    at.switch_page("pages/overview.py").run()
    names = _top_actors(at)
    assert "Islamic Republic of Iran" in names and "Iran" not in names
    [stored] = store_corrections.load(database.connect(f"sqlite:///{app_db}"))
    assert (stored.kind, stored.actor, stored.name, stored.analyst) == ("rename", "Q794", "Islamic Republic of Iran", "local")


def test_ignoring_an_actor_takes_it_off_every_page_and_undo_brings_it_back(app_db):
    mentions = reads.load_mentions(database.connect(f"sqlite:///{app_db}"))
    at = _open("pages/articles.py", article=mentions.loc[mentions["actor_id"] == "Q159", "article_id"].iloc[0])
    key = _correct_in_reader(at, "Q159", "ignore")
    assert at.radio(key=f"{key}-scope").value == "everywhere"
    at.button(key=f"{key}-Ignore").click().run()
    at.switch_page("pages/overview.py").run()
    assert "Russia" not in _top_actors(at)
    at.session_state["sidebar-list-open"] = True
    at.run()
    [undo] = [b for b in at.button if (b.key or "").startswith("undo-")]
    undo.click().run()
    assert not at.exception and any("Undone" in t.value for t in at.toast)
    assert "Russia" in _top_actors(at)
    assert store_corrections.load(database.connect(f"sqlite:///{app_db}")) == ()


def test_a_wrong_merge_is_split_from_the_reader(app_db):
    engine = database.connect(f"sqlite:///{app_db}")
    article = next(a for a in _article_ids(engine, "sicherheitskonferenz"))
    at = _open("pages/articles.py", article=article)
    key = _correct_in_reader(at, "gw:julija-nawalnaja", "split")
    spellings = at.multiselect(key=f"{key}-surfaces").options
    assert {"Julija Nawalnaja", "Alexej Nawalny"} <= set(spellings), "the wrong merge of today"
    at.multiselect(key=f"{key}-surfaces").set_value([s for s in spellings if s != "Julija Nawalnaja"]).run()
    at.text_input(key=f"{key}-new-name").input("Alexei Navalny")
    at.button(key=f"{key}-Split off").click().run()
    assert not at.error, [e.value for e in at.error]
    named = at.dataframe(key="reader_actors").value
    assert {"Julija Nawalnaja", "Alexei Navalny"} <= set(named["name"])


def test_the_sidebar_corrects_any_actor_and_records_who_did(app_db):
    at = _open("pages/timeline.py", actor="Q7184")
    at.session_state["sidebar-list-open"] = True
    at.run()
    at.text_input(key="corrections_analyst_box").input("Rana").run()
    at.session_state["sidebar-correct-open"] = True
    at.run()
    assert at.selectbox(key="sidebar-correct-actor").value == "Q7184", "the actor the filters name"
    at.text_input(key="sidebar-name").input("North Atlantic Treaty Organization")
    at.button(key="sidebar-Rename").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    [stored] = store_corrections.load(database.connect(f"sqlite:///{app_db}"))
    assert (stored.kind, stored.name, stored.analyst) == ("rename", "North Atlantic Treaty Organization", "Rana")
    at.session_state["sidebar-list-open"] = True
    at.run()
    listed = [m.value.replace("\\", "") for m in at.sidebar.markdown]
    assert "NATO renamed North Atlantic Treaty Organization" in listed
    assert any("Rana · " in c.value for c in at.sidebar.caption)


def test_an_incomplete_correction_says_what_is_missing_and_stores_nothing(app_db):
    at = _open("pages/articles.py")
    key = _correct_in_reader(at, "Q794", "merge")
    at.button(key=f"{key}-Merge").click().run()
    assert any("merge needs the actor it is the same as" in e.value for e in at.error)
    assert store_corrections.load(database.connect(f"sqlite:///{app_db}")) == ()


def _article_ids(engine, file_part: str) -> list[str]:
    articles = reads.load_articles(engine)
    return list(articles.loc[articles["origin_file"].str.contains(file_part), "article_id"])
