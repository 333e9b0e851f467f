"""Saved views: named links into the dashboard (a page and its query string), kept in the store so
that everyone working on a team store sees the same list. Writes go through ``database._writing``
like every write; they do not bump the store's revision, as no derived frame depends on them."""
from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa

from core import schema
from core.store import database

NAME_LENGTH = schema.saved_views.c.name.type.length


@dataclasses.dataclass(frozen=True)
class SavedView:
    name: str
    page: str  # the page's script, as app.py declares it ("pages/timeline.py")
    query: str  # the URL query string that reopens the view, without "?"
    saved_at: dt.datetime


def clean_name(name: str) -> str:
    """The name as stored: spaces collapsed; ``ValueError`` when empty or too long."""
    cleaned = " ".join(str(name).split())
    if not cleaned:
        raise ValueError("A saved view needs a name.")
    if len(cleaned) > NAME_LENGTH:
        raise ValueError(f"A saved view's name has at most {NAME_LENGTH} characters.")
    return cleaned


def save_view(engine: sa.Engine, name: str, page: str, query: str) -> SavedView:
    """Save (or replace, under the same name) a view."""
    view = SavedView(clean_name(name), page, query.lstrip("?"), dt.datetime.now(dt.timezone.utc))
    table = schema.saved_views
    with database._writing(engine) as conn:
        database._replacing(conn, table, dataclasses.asdict(view))
    return view


def list_views(engine: sa.Engine) -> list[SavedView]:
    """Every saved view, by name (case ignored)."""
    table = schema.saved_views
    with engine.connect() as conn:
        rows = conn.execute(sa.select(table.c.name, table.c.page, table.c.query, table.c.saved_at)).all()
    views = [SavedView(row.name, row.page, row.query, database.utc(row.saved_at)) for row in rows]
    return sorted(views, key=lambda view: (view.name.casefold(), view.name))


def delete_view(engine: sa.Engine, name: str) -> bool:
    """Delete a saved view; False when there was none by that name."""
    table = schema.saved_views
    with database._writing(engine) as conn:
        return conn.execute(table.delete().where(table.c.name == name)).rowcount > 0
