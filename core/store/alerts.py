"""The alerts' side of the store: the rules, the alerts fired with the articles behind them, their
deliveries, and the watermark of the articles already evaluated (``core.alerts`` decides; this
module keeps).

An alert and its claim on its articles are written in one transaction, and (rule, article) is the
table's key: an article fires a rule once, however often it is evaluated again. Writes bump the
store's "alerts" revision (the navigation's count is cached on it), never its main revision: no
frame of the dashboard depends on alerts.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pandas as pd
import sqlalchemy as sa

from core import schema
from core.store import database

_REVISION = "alerts"
_WATERMARK = "alerts_watermark"  # store_meta key: microseconds since the epoch of the last ingested_at evaluated


@dataclasses.dataclass(frozen=True)
class Rule:
    name: str
    kind: str = "match"  # match | spike
    actors: tuple[str, ...] = ()  # actor ids; a spike rule's one actor
    actor_mode: str = "any"  # any | all
    query: str = ""
    sources: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    webhook: str | None = None
    email: str | None = None
    rule_id: int | None = None
    created_at: dt.datetime | None = None


@dataclasses.dataclass(frozen=True)
class Fired:
    """An alert to record: the rule, a unique ``window`` (a spike's rule, actor and day; None for a
    match, named for its first new article), the articles, and ``originals``: (article_id,
    duplicate_of) of the near-duplicates among them, which are left out when their original has
    fired the rule (the same story from another outlet is not a new alert)."""
    rule: Rule
    window: str | None
    article_ids: tuple[str, ...]
    summary: str
    detail: dict
    deliveries: tuple[tuple[str, str], ...]  # (channel, target)
    originals: tuple[tuple[str, str], ...] = ()


@dataclasses.dataclass(frozen=True)
class Alert:
    alert_id: int
    rule_id: int
    rule_name: str
    kind: str
    window: str
    fired_at: dt.datetime
    summary: str
    detail: dict
    article_ids: tuple[str, ...]
    deliveries: tuple["Delivery", ...] = ()


@dataclasses.dataclass(frozen=True)
class Delivery:
    alert_id: int
    channel: str
    target: str
    status: str  # pending | sent
    attempts: int
    next_attempt_at: dt.datetime | None
    last_error: str | None
    sent_at: dt.datetime | None


_LISTS = ("actors", "sources", "languages", "countries")


def add_rule(engine: sa.Engine, rule: Rule, now: dt.datetime) -> Rule:
    """Store a rule (its name with spaces collapsed: it goes into email subjects and one-line
    logs); ``ValueError`` when one of that name exists."""
    rule = dataclasses.replace(rule, name=" ".join(rule.name.split()))
    values = {field: getattr(rule, field) for field in ("name", "kind", "actor_mode", "query", "webhook", "email")}
    values.update({name: json.dumps(list(getattr(rule, name)), ensure_ascii=False) for name in _LISTS}, created_at=now)
    table = schema.alert_rules
    with database._writing(engine) as conn:
        if conn.execute(sa.select(table.c.rule_id).where(table.c.name == rule.name)).first() is not None:
            raise ValueError(f"an alert rule named {rule.name!r} exists already")
        rule_id = conn.execute(table.insert().values(**values)).inserted_primary_key[0]
        # Rules look ahead: on a store never evaluated, what is stored already is history, not news.
        meta = schema.store_meta
        if conn.execute(sa.select(meta.c.value).where(meta.c.key == _WATERMARK)).first() is None:
            latest = _moment(conn.execute(sa.select(sa.func.max(schema.articles.c.ingested_at))).scalar())
            if latest is not None:
                database._replacing(conn, meta, {"key": _WATERMARK, "value": _micros(latest)})
        database._bump_revision(conn, _REVISION)
    return dataclasses.replace(rule, rule_id=int(rule_id), created_at=now)


def rules(engine: sa.Engine) -> list[Rule]:
    """Every rule, oldest first."""
    table = schema.alert_rules
    with engine.connect() as conn:
        rows = conn.execute(sa.select(table).order_by(table.c.rule_id)).mappings().all()
    return [Rule(**{**{k: row[k] for k in ("name", "kind", "actor_mode", "query", "webhook", "email", "rule_id")},
                    **{name: tuple(json.loads(row[name])) for name in _LISTS}, "created_at": database.utc(row["created_at"])})
            for row in rows]


def remove_rule(engine: sa.Engine, name_or_id: str) -> bool:
    """Remove a rule by name or id; its alerts stay (they happened). False when none matches."""
    table = schema.alert_rules
    where = table.c.name == name_or_id
    if str(name_or_id).isdigit():
        where = sa.or_(where, table.c.rule_id == int(name_or_id))
    with database._writing(engine) as conn:
        removed = conn.execute(table.delete().where(where)).rowcount > 0
        if removed:
            database._bump_revision(conn, _REVISION)
    return removed


def record(engine: sa.Engine, fired: Fired, now: dt.datetime) -> Alert | None:
    """Record an alert with the articles it claims and a pending delivery per channel, in one
    transaction. Articles that already fired this rule are left out; None when none is left, or
    when the window has fired already."""
    rule_id = fired.rule.rule_id
    claims = schema.alert_articles
    with database._writing(engine, lock="alerts") as conn:
        if fired.window is not None and conn.execute(
                sa.select(schema.alerts.c.alert_id).where(schema.alerts.c.window == fired.window)).first():
            return None
        taken: set[str] = set()
        originals = dict(fired.originals)
        ids = list(dict.fromkeys(fired.article_ids))
        asked = list(dict.fromkeys([*ids, *originals.values()]))
        for start in range(0, len(asked), 500):
            taken |= set(conn.execute(sa.select(claims.c.article_id).where(
                claims.c.rule_id == rule_id, claims.c.article_id.in_(asked[start:start + 500]))).scalars())
        new = []
        for article_id in ids:
            if article_id not in taken and originals.get(article_id) not in taken:
                new.append(article_id)
                taken.add(article_id)
        if not new:
            return None
        window = fired.window or f"match:{rule_id}:{new[0]}"
        summary = fired.summary.replace("{articles}", str(len(new)))  # how many are left once claims are out
        alert_id = int(conn.execute(schema.alerts.insert().values(
            rule_id=rule_id, rule_name=fired.rule.name, kind=fired.rule.kind, window=window, fired_at=now,
            articles=len(new), summary=summary, detail=json.dumps(fired.detail, ensure_ascii=False))).inserted_primary_key[0])
        conn.execute(claims.insert(), [{"alert_id": alert_id, "rule_id": rule_id, "article_id": a} for a in new])
        if fired.deliveries:
            conn.execute(schema.alert_deliveries.insert(), [
                {"alert_id": alert_id, "channel": channel, "target": target, "status": "pending", "attempts": 0,
                 "next_attempt_at": now} for channel, target in fired.deliveries])
        database._bump_revision(conn, _REVISION)
    return Alert(alert_id, rule_id, fired.rule.name, fired.rule.kind, window, now, summary, fired.detail,
                 tuple(new))


def recent(engine: sa.Engine, limit: int = 100, since: dt.datetime | None = None, ids=None) -> list[Alert]:
    """The newest alerts first (those fired after ``since``; those of ``ids``), with their articles
    and deliveries."""
    table = schema.alerts
    query = sa.select(table).order_by(table.c.fired_at.desc(), table.c.alert_id.desc())
    query = query.limit(limit) if ids is None else query.where(table.c.alert_id.in_(list(ids)))
    if since is not None:
        query = query.where(table.c.fired_at > since)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
        ids = [row["alert_id"] for row in rows]
        claims = conn.execute(sa.select(schema.alert_articles.c.alert_id, schema.alert_articles.c.article_id)
                              .where(schema.alert_articles.c.alert_id.in_(ids))).all() if ids else []
        sends = conn.execute(sa.select(schema.alert_deliveries).where(
            schema.alert_deliveries.c.alert_id.in_(ids))).mappings().all() if ids else []
    articles: dict[int, list[str]] = {}
    for alert_id, article_id in claims:
        articles.setdefault(alert_id, []).append(article_id)
    deliveries: dict[int, list[Delivery]] = {}
    for row in sends:
        deliveries.setdefault(row["alert_id"], []).append(_delivery(row))
    return [Alert(row["alert_id"], row["rule_id"], row["rule_name"], row["kind"], row["window"], database.utc(row["fired_at"]),
                  row["summary"], json.loads(row["detail"]), tuple(sorted(articles.get(row["alert_id"], []))),
                  tuple(deliveries.get(row["alert_id"], []))) for row in rows]


def count_since(engine: sa.Engine, since: dt.datetime | None) -> int:
    """How many alerts fired after ``since`` (every one with None)."""
    table = schema.alerts
    query = sa.select(sa.func.count()).select_from(table)
    if since is not None:
        query = query.where(table.c.fired_at > since)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar() or 0)


def due(engine: sa.Engine, now: dt.datetime | None = None) -> list[Delivery]:
    """Pending deliveries whose next attempt is due (every pending one with ``now`` None)."""
    table = schema.alert_deliveries
    query = sa.select(table).where(table.c.status == "pending")
    if now is not None:
        query = query.where(sa.or_(table.c.next_attempt_at.is_(None), table.c.next_attempt_at <= now))
    with engine.connect() as conn:
        return [_delivery(row) for row in conn.execute(query.order_by(table.c.alert_id)).mappings().all()]


def mark(engine: sa.Engine, delivery: Delivery, now: dt.datetime, error: str | None,
         next_attempt_at: dt.datetime | None = None) -> None:
    """Record one attempt: sent (``error`` None) or still pending with its error and next time."""
    table = schema.alert_deliveries
    key = (table.c.alert_id == delivery.alert_id) & (table.c.channel == delivery.channel) & (table.c.target == delivery.target)
    values = {"attempts": table.c.attempts + 1, "last_error": error}
    values.update({"status": "sent", "sent_at": now, "next_attempt_at": None} if error is None else
                  {"next_attempt_at": next_attempt_at})
    with database._writing(engine) as conn:
        conn.execute(table.update().where(key).values(**values))
        database._bump_revision(conn, _REVISION)


def watermark(engine: sa.Engine) -> dt.datetime | None:
    """The ingested_at up to which articles were evaluated; None before the first evaluation."""
    with engine.connect() as conn:
        value = conn.execute(sa.select(schema.store_meta.c.value).where(schema.store_meta.c.key == _WATERMARK)).scalar()
    return None if value is None else dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(microseconds=int(value))


def set_watermark(engine: sa.Engine, moment: dt.datetime) -> None:
    with database._writing(engine) as conn:
        database._replacing(conn, schema.store_meta, {"key": _WATERMARK, "value": _micros(moment)})


def _micros(moment: dt.datetime) -> int:
    return int((moment - dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)) // dt.timedelta(microseconds=1))


def revision(engine: sa.Engine) -> int:
    """Changes whenever an alert, a rule or a delivery does."""
    return database.revision(engine, _REVISION)


def _delivery(row) -> Delivery:
    return Delivery(row["alert_id"], row["channel"], row["target"], row["status"], int(row["attempts"]),
                    database.utc(row["next_attempt_at"]), row["last_error"], database.utc(row["sent_at"]))


def evaluated_articles(engine: sa.Engine, after: dt.datetime | None, page_after: tuple | None = None,
                       limit: int = 2000) -> pd.DataFrame:
    """Up to ``limit`` extracted articles stored after ``after`` (all with None), in storing order,
    following ``page_after`` (the (ingested_at, article_id) of the last row of the previous page):
    article_id, source, title, text, language, published, ingested_at, duplicate_of, and country
    (the source's in the ``sources`` registry; <NA> when it is not there)."""
    articles, done, sources = schema.articles, schema.extractions, schema.sources
    names = ("article_id", "source", "title", "text", "language", "published", "ingested_at", "duplicate_of")
    # One country per name, should two registry rows name the same outlet.
    country = (sa.select(sources.c.name, sa.func.max(sources.c.country).label("country"))
               .group_by(sources.c.name).subquery())
    query = (sa.select(*[articles.c[n] for n in names], country.c.country)
             .join(done, done.c.article_id == articles.c.article_id)
             .outerjoin(country, country.c.name == articles.c.source))
    if after is not None:
        query = query.where(articles.c.ingested_at > after)
    if page_after is not None:
        moment, article_id = page_after
        query = query.where(sa.or_(articles.c.ingested_at > moment,
                                   sa.and_(articles.c.ingested_at == moment, articles.c.article_id > article_id)))
    with engine.connect() as conn:
        frame = pd.read_sql(query.order_by(articles.c.ingested_at, articles.c.article_id).limit(limit), conn)
    frame.columns = [*names, "country"]
    for column in ("published", "ingested_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True).astype(schema.TIMESTAMP_DTYPE)
    return frame.astype({n: "string" for n in ("article_id", "source", "title", "text", "language", "duplicate_of",
                                                "country")})


@dataclasses.dataclass(frozen=True)
class Horizon:
    """How far the watermark may go: ``latest`` ingested_at of an extracted article stored after the
    watermark, and ``waiting``, the oldest of those stored after it not yet extracted (their
    actors are not known: the watermark stays before them). None when there is none."""
    latest: dt.datetime | None
    waiting: dt.datetime | None


def horizon(engine: sa.Engine, after: dt.datetime | None) -> Horizon:
    articles, done = schema.articles, schema.extractions
    stored = sa.select(sa.func.max(articles.c.ingested_at)).join(done, done.c.article_id == articles.c.article_id)
    waiting = (sa.select(sa.func.min(articles.c.ingested_at))
               .outerjoin(done, done.c.article_id == articles.c.article_id).where(done.c.article_id.is_(None)))
    if after is not None:
        stored, waiting = stored.where(articles.c.ingested_at > after), waiting.where(articles.c.ingested_at > after)
    with engine.connect() as conn:
        return Horizon(_moment(conn.execute(stored).scalar()), _moment(conn.execute(waiting).scalar()))


def _moment(value) -> dt.datetime | None:
    # SQLite gives an aggregate of a DateTime column back as its text.
    if value is None:
        return None
    return database.utc(value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value)))


def actor_ids(engine: sa.Engine, article_ids: list[str]) -> pd.DataFrame:
    """(article_id, actor_id) once per actor an article names (dictionary actors; discovered names
    have no id in the store)."""
    table = schema.mentions
    parts = [pd.DataFrame({"article_id": pd.Series(dtype="string"), "actor_id": pd.Series(dtype="string")})]
    with engine.connect() as conn:
        for start in range(0, len(article_ids), 500):
            rows = conn.execute(sa.select(table.c.article_id, table.c.actor_id).distinct().where(
                table.c.article_id.in_(article_ids[start:start + 500]), table.c.actor_id.is_not(None))).all()
            parts.append(pd.DataFrame(rows, columns=["article_id", "actor_id"], dtype="string"))
    return pd.concat(parts, ignore_index=True)


def daily_counts(engine: sa.Engine, actor_id: str, first: dt.date, last: dt.date) -> pd.DataFrame:
    """Articles naming ``actor_id`` per UTC day from ``first`` to ``last``: day, articles (days with
    none are absent). An article's day is its publication's, or its storing's when it has no date."""
    articles, mentions = schema.articles, schema.mentions
    moment = sa.func.coalesce(articles.c.published, articles.c.ingested_at)
    start = dt.datetime.combine(first, dt.time(), dt.timezone.utc)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), dt.timezone.utc)
    named = sa.select(mentions.c.article_id).where(mentions.c.actor_id == actor_id).distinct().subquery()
    query = (sa.select(articles.c.article_id, moment.label("moment")).join(named, named.c.article_id == articles.c.article_id)
             .where(moment >= start, moment < end, articles.c.duplicate_of.is_(None)))
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    days = pd.to_datetime(frame["moment"], utc=True).dt.date
    counted = days.value_counts().rename_axis("day").reset_index(name="articles")
    return counted.sort_values("day").reset_index(drop=True)


def day_articles(engine: sa.Engine, actor_id: str, day: dt.date) -> list[str]:
    """The articles naming ``actor_id`` on ``day`` (as ``daily_counts`` counts them)."""
    articles, mentions = schema.articles, schema.mentions
    moment = sa.func.coalesce(articles.c.published, articles.c.ingested_at)
    start = dt.datetime.combine(day, dt.time(), dt.timezone.utc)
    named = sa.select(mentions.c.article_id).where(mentions.c.actor_id == actor_id).distinct().subquery()
    query = (sa.select(articles.c.article_id).join(named, named.c.article_id == articles.c.article_id)
             .where(moment >= start, moment < start + dt.timedelta(days=1), articles.c.duplicate_of.is_(None)))
    with engine.connect() as conn:
        return list(conn.execute(query.order_by(articles.c.article_id)).scalars())


def count_articles(engine: sa.Engine) -> int:
    """Articles in the store: an open page compares it with those it was drawn with."""
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(schema.articles)).scalar() or 0)
