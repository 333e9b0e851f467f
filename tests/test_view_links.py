"""Item 6 of issue 22, "Every view in the link": each page's view widgets (period, open tab, followed
actors, the pair toggle, the network's centre and threshold, the Sources actor, the Reader's
article) go into the URL, and a new session opened with that URL shows the same view."""
from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from test_app import APP, _actor_id, _figures, _open_tab


def _reopen(at, page: str) -> AppTest:
    """A new session (a fresh browser) opened at ``page`` with ``at``'s URL."""
    again = AppTest.from_file(APP, default_timeout=180)
    for key in at.query_params:
        again.query_params[key] = at.query_params[key]
    again.run()
    if page != "pages/overview.py":
        again.switch_page(page).run()
    assert not again.exception, [e.value for e in again.exception]
    return again


def _first(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _chart_data(at) -> list:
    return [json.dumps(figure.get("data"), sort_keys=True) for figure in _figures(at)]


def test_timeline_view_round_trips_through_the_url(app_with_db):
    at = _first("pages/timeline.py")
    at.segmented_control(key="timeline_freq").set_value("month").run()
    _open_tab(at, "timeline_view", "Attention to actors")
    followed = at.multiselect(key="timeline_actors")
    chosen = followed.value[:2]
    followed.set_value(chosen).run()
    at.radio(key="timeline_measure").set_value("share").run()
    at.toggle(key="timeline_together").set_value(True).run()
    assert not at.exception
    assert at.query_params["timeline_freq"] == "month"
    assert at.query_params["timeline_view"] == "Attention to actors"
    drawn = _chart_data(at)
    again = _reopen(at, "pages/timeline.py")
    assert again.segmented_control(key="timeline_freq").value == "month"
    assert again.multiselect(key="timeline_actors").value == chosen
    assert again.radio(key="timeline_measure").value == "share"
    assert again.toggle(key="timeline_together").value is True
    assert _chart_data(again) == drawn


def test_timeline_story_and_overview_tab_round_trip(app_with_db):
    at = _first("pages/timeline.py")
    _open_tab(at, "timeline_view", "Stories in several outlets")
    # AppTest cannot pick a labelled option (its format_func is the page's): the pick goes to the state.
    assert at.selectbox(key="timeline_story").value == 1  # the largest story, numbered from 1
    _open_tab(at, "timeline_story", 2)
    assert at.query_params["timeline_story"] == "2"
    opened = at.selectbox(key="timeline_story").value
    again = _reopen(at, "pages/timeline.py")
    assert again.selectbox(key="timeline_story").value == opened
    overview = _first("pages/overview.py")
    _open_tab(overview, "overview_volume_tab", "By source")
    overview.segmented_control(key="overview_freq").set_value("day").run()
    drawn = _chart_data(overview)
    back = _reopen(overview, "pages/overview.py")
    assert back.segmented_control(key="overview_freq").value == "day"
    assert _chart_data(back) == drawn


def test_network_centre_threshold_and_types_round_trip(app_with_db):
    at = _first("pages/network.py")
    _open_tab(at, "network_ego", _actor_id(app_with_db, "Iran"))
    at.slider(key="network_min_weight").set_value(3).run()
    _open_tab(at, "network_table_tab", "Links")
    assert not at.exception
    assert at.query_params["network_min_weight"] == "3" and at.query_params["network_ego"]
    tables = [frame.value.to_json() for frame in at.dataframe]
    again = _reopen(at, "pages/network.py")
    assert again.selectbox(key="network_ego").value == at.selectbox(key="network_ego").value
    assert again.slider(key="network_min_weight").value == 3
    assert [frame.value.to_json() for frame in again.dataframe] == tables
    assert _chart_data(again) == _chart_data(at)


def test_sources_actor_round_trips(app_with_db):
    at = _first("pages/sources.py")
    _open_tab(at, "sources_about", _actor_id(app_with_db, "Russia"))
    compared = at.multiselect(key="sources_actors")
    compared.set_value(compared.value[:3]).run()
    assert not at.exception
    shown = [m.value for m in at.markdown]
    again = _reopen(at, "pages/sources.py")
    assert again.selectbox(key="sources_about").value == at.selectbox(key="sources_about").value
    assert again.multiselect(key="sources_actors").value == at.multiselect(key="sources_actors").value
    assert [m.value for m in again.markdown] == shown


def test_reader_article_chosen_in_the_table_round_trips(app_with_db):
    at = _first("pages/articles.py")
    first_shown = [m.value for m in at.markdown if "geowire-article" in m.value]
    at.session_state["article"] = at.session_state["_reader_rows"][3]  # as the table's row callback does
    at.run()
    assert at.query_params["article"] == at.session_state["_reader_rows"][3]
    shown = [m.value for m in at.markdown if "geowire-article" in m.value]
    assert shown != first_shown
    again = _reopen(at, "pages/articles.py")
    assert [m.value for m in again.markdown if "geowire-article" in m.value] == shown


def test_saved_view_is_saved_listed_opened_and_deleted(app_with_db):
    from urllib.parse import parse_qsl

    from core.store import database, saved_views

    at = _first("pages/timeline.py")
    at.segmented_control(key="timeline_freq").set_value("month").run()
    _open_tab(at, "timeline_view", "Attention to actors")
    drawn = _chart_data(at)
    at.sidebar.text_input(key="saved_view_name").input("Attention, monthly")
    at.sidebar.button(key="saved_view_save").click().run()
    assert not at.exception
    engine = database.connect(f"sqlite:///{app_with_db}")
    [view] = saved_views.list_views(engine)
    assert (view.name, view.page) == ("Attention, monthly", "pages/timeline.py")
    assert dict(parse_qsl(view.query))["timeline_freq"] == "month"
    links = [link for link in at.sidebar.get("page_link") if link.proto.label == "Attention, monthly"]
    assert len(links) == 1 and "saved_view=1" in links[0].proto.query_string
    # Opened in the same session after the view changed: the saved one comes back, marker gone.
    at.segmented_control(key="timeline_freq").set_value("day").run()
    _open_tab(at, "timeline_view", "Published")
    for key in list(at.query_params):
        del at.query_params[key]
    for key, value in parse_qsl(links[0].proto.query_string, keep_blank_values=True):
        at.query_params[key] = value
    at.switch_page("pages/timeline.py").run()
    assert not at.exception
    assert at.segmented_control(key="timeline_freq").value == "month"
    assert at.session_state["timeline_view"] == "Attention to actors"
    assert "saved_view" not in at.query_params
    assert _chart_data(at) == drawn
    # Deleted from the sidebar.
    at.sidebar.button(key="saved_view_delete_0").click().run()
    assert saved_views.list_views(engine) == []
    assert not [link for link in at.sidebar.get("page_link") if link.proto.label == "Attention, monthly"]


def test_unknown_or_mistyped_view_values_fall_back_to_the_defaults(app_with_db):
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in {"timeline_freq": "fortnight", "timeline_view": "", "timeline_actors": "no-such-actor",
                       "timeline_together": "maybe", "network_min_weight": "abc", "network_ego": "nobody",
                       "article": "<script>"}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/timeline.py").run()
    assert not at.exception
    assert at.segmented_control(key="timeline_freq").value == "week"
    assert at.session_state["timeline_view"] == "Published"
    assert "timeline_freq" not in at.query_params and "timeline_view" not in at.query_params
    at.switch_page("pages/network.py").run()
    assert not at.exception
    assert at.slider(key="network_min_weight").value == 2 and at.selectbox(key="network_ego").value is None
    at.switch_page("pages/articles.py").run()
    assert not at.exception and "article" not in at.query_params
