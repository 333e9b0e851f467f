"""Issue 22, items 3-5 as users see them (AppTest): the any/all toggle beside the actors, kept in
the URL; the actor search by any spelling; the text box's words, the actor a text names offered as
the filter, a query it cannot read; the Timeline's pair view."""
from __future__ import annotations

import base64

import numpy as np
import pytest

from tests.test_app import _figures, _open_tab, _run, _selected

IRAN, RUSSIA, PATRUSHEV, SHOIGU = "Q794", "Q159", "gw:nikolai-patrushev", "gw:sergei-shoigu"


@pytest.fixture(scope="module")
def store(sample_ingest, sample_frames, tmp_path_factory):
    """The sample corpus with its actors (a copy of the session's store, with its frames), stored
    once for the module (no test here writes)."""
    db = sample_ingest.copy(tmp_path_factory.mktemp("filter-bar"), "app.db")
    articles, _, mentions, _ = sample_frames
    return db, mentions.copy(), set(articles.loc[articles["published"].notna(), "article_id"])


@pytest.fixture
def app(store, monkeypatch, tmp_path):
    monkeypatch.setenv("GEOWIRE_DB", str(store[0]))
    monkeypatch.setenv("GEOWIRE_CONFIG", str(tmp_path / "no-settings.toml"))
    return store[1]


@pytest.fixture
def dated(store):
    return store[2]


def _values(array) -> list:
    """A Plotly JSON array: a list, or a typed array in base64 (plotly.py 6 and later)."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
    return list(array)


def _naming(mentions, *actor_ids) -> set:
    sets = [set(mentions.loc[mentions["actor_id"] == a, "article_id"]) for a in actor_ids]
    return set.intersection(*sets)


def test_all_of_from_the_url_and_the_toggle(app):
    mentions = app
    both = len(_naming(mentions, IRAN, RUSSIA))
    linked = _run(None, actor=f"{IRAN},{RUSSIA}", actor_mode="all")
    assert not linked.exception
    assert linked.sidebar.radio(key="actor_mode").value == "all"
    assert _selected(linked)[0] == both
    at = _run(None, actor=f"{IRAN},{RUSSIA}")
    either, total = _selected(at)
    assert at.sidebar.radio(key="actor_mode").value == "any" and both < either < total
    at.sidebar.radio(key="actor_mode").set_value("all")
    at.sidebar.button(key="apply_filters").click().run()
    assert _selected(at)[0] == both
    assert at.query_params["actor_mode"] == ["all"] or at.query_params["actor_mode"] == "all"
    again = _run(None, **{k: at.query_params[k] for k in at.query_params})
    assert _selected(again)[0] == both and again.sidebar.radio(key="actor_mode").value == "all"


@pytest.mark.parametrize("typed", ["باتروشيف", "Patrouchev", "Патрушев"])
def test_the_actor_search_finds_any_spelling_and_says_which_matched(app, typed):
    at = _run()
    at.sidebar.text_input(key="actor_find").input(typed).run()
    assert not at.exception
    found = [b for b in at.sidebar.button if b.key and b.key.startswith("found_")]
    first = found[0]
    assert first.key == f"found_{PATRUSHEV}"
    assert "Nikolai Patrushev" in first.label and "matched «" in first.label and typed in first.label
    first.click().run()
    assert at.sidebar.multiselect(key="actor").value == [PATRUSHEV]
    assert _selected(at)[0] == len(_naming(app, PATRUSHEV)) > 0
    assert at.sidebar.text_input(key="actor_find").value == ""


def test_the_actor_search_ranks_patrushev_first_for_patru_and_says_when_nothing_matches(app):
    at = _run()
    at.sidebar.text_input(key="actor_find").input("Patru").run()
    labels = [b.label for b in at.sidebar.button if b.key and b.key.startswith("found_")]
    assert labels[0].startswith("\u2068Nikolai Patrushev\u2069") and not any("Trump" in l or "Rutte" in l for l in labels)
    at.sidebar.text_input(key="actor_find").input("xqzzv").run()
    assert any("No actor is spelled like" in c.value for c in at.sidebar.caption)


def test_a_text_naming_an_actor_offers_the_actor_filter(app):
    at = _run(None, q="Shoigu")
    assert not at.exception
    by_text = _selected(at)[0]
    note = " ".join(c.value for c in at.sidebar.caption)
    assert "Shoigu" in note and "Sergei Shoigu" in note and "names an actor" in note
    offer = at.sidebar.button(key="text_to_actor")
    assert "Sergei Shoigu" in offer.label
    offer.click().run()
    assert at.sidebar.multiselect(key="actor").value == [SHOIGU]
    assert "q" not in at.query_params and at.sidebar.text_input(key="q").value == ""
    assert _selected(at)[0] == len(_naming(app, SHOIGU)) > by_text  # every script, not the Latin word only


def test_words_are_whole_and_a_query_it_cannot_read_is_one_line(app):
    total = _selected(_run())[1]
    both = _selected(_run(None, q="Iran Russia"))[0]
    either = _selected(_run(None, q="Iran OR Russia"))[0]
    assert 0 < both < either < total
    broken = _run(None, q='"Vladimir Putin')
    assert not broken.exception
    [error] = broken.sidebar.error
    assert "quotation mark is not closed" in error.value and "\n" not in error.value
    assert _selected(broken)[0] == total  # the text is left out until fixed


def test_timeline_draws_iran_and_russia_together_next_to_each_alone(app, dated):
    at = _run("pages/timeline.py", actor=f"{IRAN},{RUSSIA}", actor_mode="all")
    _open_tab(at, "timeline_view", "Attention to actors")
    assert at.multiselect(key="timeline_actors").value == [IRAN, RUSSIA]
    toggle = at.toggle(key="timeline_together")
    assert toggle.value  # on at first: the filter asks for articles naming all of them
    [figure] = _figures(at)
    bars = [t for t in figure["data"] if t["type"] == "bar"]
    lines = [t for t in figure["data"] if t["type"] == "scatter"]
    assert [b["name"] for b in bars] == ["Iran and Russia together"]
    assert sorted(t["name"] for t in lines) == ["Iran", "Russia"]
    assert sum(_values(bars[0]["y"])) == len(_naming(app, IRAN, RUSSIA) & dated) > 0
    # each alone is counted without the actor filter, which would make every line the pair's
    for line in lines:
        actor_id = IRAN if line["name"] == "Iran" else RUSSIA
        assert sum(_values(line["y"])) == len(_naming(app, actor_id) & dated) > sum(_values(bars[0]["y"]))
    assert any("the Actors filter is left out here" in c.value for c in at.caption)
    toggle.set_value(False).run()
    [figure] = _figures(at)
    assert [t["type"] for t in figure["data"]] == ["scatter", "scatter"]


def test_every_box_of_the_bar_defaults_to_the_applied_filter(app):
    """A box the browser draws without its session value (a tab's first run restarted before it
    sent the bar) shows its own default: that must be the applied filter, not Streamlit's (the
    undated box once showed unticked while the pages included undated articles)."""
    fresh = _run(None)
    assert fresh.sidebar.checkbox(key="undated").proto.default is True
    linked = _run(None, undated="0", actor=IRAN, actor_mode="all", lang="ru", q="Iran", **{"from": "2024-03-01"})
    assert not linked.exception
    bar = linked.sidebar
    assert bar.checkbox(key="undated").proto.default is False
    actors = bar.multiselect(key="actor")
    assert len(actors.proto.default) == 1 and actors.options[actors.proto.default[0]].startswith("Iran (country)")
    assert bar.radio(key="actor_mode").proto.default == 1  # "all of them"
    languages = bar.multiselect(key="lang")
    assert [languages.options[i] for i in languages.proto.default] == ["Russian (ru)"]
    assert bar.text_input(key="q").proto.default == "Iran"
    assert list(bar.date_input(key="from").proto.default) == ["2024-03-01"]
