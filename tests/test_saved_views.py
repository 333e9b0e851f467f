"""Item 6 of issue 22: saved views, named and kept in the store (shared by everyone on a team store)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from core import schema
from core.store import database, saved_views


def test_save_list_open_and_delete(tmp_path):
    engine = database.connect(f"sqlite:///{tmp_path / 'store.db'}")
    assert saved_views.list_views(engine) == []
    saved = saved_views.save_view(engine, "  Iran and   Russia, weekly ", "pages/timeline.py",
                                  "?actor=iran,russia&timeline_freq=week&timeline_view=Attention+to+actors")
    assert saved.name == "Iran and Russia, weekly"
    saved_views.save_view(engine, "arabic press", "pages/sources.py", "lang=ar")
    listed = saved_views.list_views(engine)
    assert [view.name for view in listed] == ["arabic press", "Iran and Russia, weekly"]
    assert listed[1].page == "pages/timeline.py"
    assert listed[1].query == "actor=iran,russia&timeline_freq=week&timeline_view=Attention+to+actors"
    assert listed[1].saved_at.tzinfo is not None
    # the same name replaces the view
    saved_views.save_view(engine, "arabic press", "pages/network.py", "lang=ar&network_min_weight=3")
    assert [(v.name, v.page) for v in saved_views.list_views(engine)] == [
        ("arabic press", "pages/network.py"), ("Iran and Russia, weekly", "pages/timeline.py")]
    assert saved_views.delete_view(engine, "arabic press")
    assert not saved_views.delete_view(engine, "arabic press")
    assert [v.name for v in saved_views.list_views(engine)] == ["Iran and Russia, weekly"]


def test_two_engines_on_one_store_see_the_same_list(tmp_path):
    url = f"sqlite:///{tmp_path / 'team.db'}"
    mine, theirs = database.connect(url), database.connect(url)
    saved_views.save_view(mine, "Patrushev by outlet", "pages/sources.py", "actor=patrushev")
    assert [v.name for v in saved_views.list_views(theirs)] == ["Patrushev by outlet"]
    saved_views.delete_view(theirs, "Patrushev by outlet")
    assert saved_views.list_views(mine) == []


def test_names_are_checked_and_writes_leave_the_revision_alone(tmp_path):
    engine = database.connect(f"sqlite:///{tmp_path / 'store.db'}")
    before = database.revision(engine)
    with pytest.raises(ValueError):
        saved_views.save_view(engine, "   ", "pages/overview.py", "")
    with pytest.raises(ValueError):
        saved_views.save_view(engine, "x" * (saved_views.NAME_LENGTH + 1), "pages/overview.py", "")
    saved_views.save_view(engine, "<b>bold</b>", "pages/overview.py", "")
    assert database.revision(engine) == before  # the pages' cached frames stay valid


def test_an_older_store_gains_the_table(tmp_path):
    path = tmp_path / "old.db"
    old = sa.create_engine(f"sqlite:///{path}")
    tables = [table for table in schema.metadata.sorted_tables if table.name != "saved_views"]
    schema.metadata.create_all(old, tables=tables)
    old.dispose()
    engine = database.connect(f"sqlite:///{path}")
    saved_views.save_view(engine, "kept", "pages/overview.py", "lang=fa")
    assert [v.name for v in saved_views.list_views(engine)] == ["kept"]
