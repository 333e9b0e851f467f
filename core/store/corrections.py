"""The analysts' corrections of the actors, kept in the store (``schema.actor_corrections``) so that a
team working on one store shares them: ``load``, ``add`` and ``remove``.

A correction is a ``Correction``; what each kind means, and how they are applied, is
``core.actors.corrections``. Every write is one transaction begun by ``database._writing`` (SQLite's
write lock taken first) and bumps the store's revision, so every page of every process sharing the
store reads its frames afresh. A write can also make articles due for extraction again (an alias
changes what extraction finds in them): their ``extractions`` rows go in the same transaction, so
a process stopped before it re-extracts them leaves them due for the next ``extract``.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Sequence

import sqlalchemy as sa

from core import schema
from core.store import database

KINDS = ("merge", "split", "rename", "alias", "retype", "ignore")
# The store counter bumped by every write of corrections, besides the store's revision.
REVISION_KEY = "corrections"


@dataclasses.dataclass(frozen=True)
class Correction:
    """One analyst's correction of the actors. ``kind`` says which fields it uses:

    - merge: ``actor`` is the same actor as ``into`` (its mentions go there; it is gone);
    - split: the mentions of ``actor`` written as one of ``surfaces`` belong to ``into`` (an
      actor that exists) or to a new actor called ``name`` of type ``type``;
    - rename: ``actor`` is shown as ``name``;
    - alias: ``alias`` (written in ``language``) is one more spelling of ``actor``: extraction
      finds it from then on;
    - retype: ``actor`` is of type ``type`` (person, country or organisation);
    - ignore: mentions of ``actor`` (any actor, when empty), written as one of ``surfaces`` (any
      spelling, when empty), in ``article`` (every article, when empty) are no actor's.

    Actors are named by id (in a file also by English name); ``actor_name`` is the actor's name
    when the correction was made, for lists and files. ``id`` is the store's (None for a file's
    correction), ``origin`` "store" or the file it was read from.
    """

    kind: str
    actor: str = ""
    into: str = ""
    name: str = ""
    type: str = ""
    surfaces: tuple[str, ...] = ()
    alias: str = ""
    language: str = ""
    article: str = ""
    actor_name: str = ""
    analyst: str = "local"
    at: dt.datetime | None = None
    id: int | None = None
    origin: str = "store"

    def change(self) -> tuple:
        """What the correction does, without who made it, when or where it is kept: two corrections
        with one change are one (an import does not store it twice)."""
        return (self.kind, self.actor, self.into, self.name, self.type, tuple(sorted(self.surfaces)), self.alias,
                self.language, self.article)


_TABLE = schema.actor_corrections
# Correction field -> column, where they differ.
_COLUMN = {"into": "into_actor", "article": "article_id"}
_FIELDS = ("kind", "actor", "actor_name", "into", "name", "type", "surfaces", "alias", "language", "article",
           "analyst", "at")


def load(engine: sa.Engine) -> tuple[Correction, ...]:
    """Every stored correction, oldest first: the order they apply in."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(_TABLE).order_by(_TABLE.c.id)).mappings().all()
    return tuple(_correction(row) for row in rows)


def add(engine: sa.Engine, corrections: Sequence[Correction], due_articles: Iterable[str] = (),
        now: dt.datetime | None = None) -> list[Correction]:
    """Store ``corrections`` in one transaction, each with its analyst and time (its own ``at``,
    else ``now``, else the clock), leaving out any whose change is already stored; the articles
    ``due_articles`` become due for extraction. Returns the corrections stored, with their ids."""
    stored = []
    now = now or dt.datetime.now(dt.timezone.utc)
    with database._writing(engine, lock="corrections") as conn:
        known = {correction.change() for correction in _read(conn)}
        for position, correction in enumerate(corrections):
            if correction.change() in known:
                continue
            known.add(correction.change())
            # A microsecond apart: a corrections file orders its corrections by their time alone.
            at = correction.at or now + dt.timedelta(microseconds=position)
            row = _row(dataclasses.replace(correction, at=at))
            new_id = conn.execute(_TABLE.insert().values(**row)).inserted_primary_key[0]
            stored.append(dataclasses.replace(correction, at=at, id=int(new_id), origin="store"))
        _make_due(conn, due_articles)
        if stored:
            database._bump_revision(conn)
            database._bump_revision(conn, REVISION_KEY)
    return stored


def remove(engine: sa.Engine, ids: Iterable[int], due_articles: Iterable[str] = ()) -> list[Correction]:
    """Remove the stored corrections ``ids`` (an undo) in one transaction; the articles
    ``due_articles`` become due for extraction. Returns the corrections removed (an id no longer
    stored, removed meanwhile by someone else, is left out)."""
    wanted = sorted({int(i) for i in ids})
    with database._writing(engine, lock="corrections") as conn:
        found = _read(conn, wanted)
        if found:
            conn.execute(_TABLE.delete().where(_TABLE.c.id.in_([c.id for c in found])))
            database._bump_revision(conn)
            database._bump_revision(conn, REVISION_KEY)
        _make_due(conn, due_articles)
    return found


def _read(conn: sa.Connection, ids: list[int] | None = None) -> list[Correction]:
    query = sa.select(_TABLE).order_by(_TABLE.c.id)
    if ids is not None:
        query = query.where(_TABLE.c.id.in_(ids))
    return [_correction(row) for row in conn.execute(query).mappings()]


def _make_due(conn: sa.Connection, article_ids: Iterable[str]) -> None:
    """Forget that ``article_ids`` were extracted, so the next extraction reads them again."""
    article_ids = list(dict.fromkeys(article_ids))
    database._lock_articles(conn, article_ids)
    done = schema.extractions
    for start in range(0, len(article_ids), 500):
        conn.execute(done.delete().where(done.c.article_id.in_(article_ids[start:start + 500])))


def _row(correction: Correction) -> dict:
    row = {}
    for field in _FIELDS:
        value = getattr(correction, field)
        if field == "surfaces":
            value = json.dumps(list(value), ensure_ascii=False) if value else None
        elif isinstance(value, str):
            value = value or None
        row[_COLUMN.get(field, field)] = value
    row["analyst"] = correction.analyst or "local"
    return row


def _correction(row) -> Correction:
    values = {}
    for field in _FIELDS:
        value = row[_COLUMN.get(field, field)]
        if field == "surfaces":
            value = tuple(json.loads(value)) if value else ()
        elif field == "at":
            value = database.utc(value)
        elif value is None:
            value = ""
        values[field] = value
    return Correction(id=int(row["id"]), origin="store", **values)
