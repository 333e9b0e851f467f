"""The tables of monitoring: the sources a user follows and what the watcher has seen of them
(``core.monitor``), the alert rules, the alerts fired and their deliveries (``core.alerts``)."""
from __future__ import annotations

import sqlalchemy as sa

from core.schema.base import metadata

# One row is one outlet or feed a user follows (core.monitor): what analysts compare coverage by
# (country, language, owner, state affiliation, notes) and what the watcher keeps between polls
# (validators for conditional requests, when to poll next, the last success and error). Articles
# fetched from it carry its ``name`` in ``articles.source``. What users typed here cannot be rebuilt:
# removing a source deletes only this row, never its articles.
sources = sa.Table(
    "sources",
    metadata,
    sa.Column("source_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("url", sa.Text, nullable=False, unique=True),  # the feed, sitemap or page polled
    sa.Column("name", sa.Text, nullable=False),  # the outlet as articles.source names it
    sa.Column("kind", sa.String(8), nullable=False),  # rss | atom | sitemap | page
    sa.Column("country", sa.String(2)),  # ISO 3166-1 alpha-2 of the outlet; NULL when not said
    sa.Column("language", sa.String(16)),  # ISO 639-1 code the outlet publishes in; NULL when mixed or not said
    sa.Column("owner", sa.Text),
    sa.Column("state_affiliated", sa.Boolean),  # NULL: not known
    sa.Column("notes", sa.Text),
    sa.Column("interval_seconds", sa.Integer, nullable=False),  # how often it is polled
    sa.Column("paused", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    # What the watcher keeps between polls (NULL until the first poll).
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),  # the server's Last-Modified, as sent back in If-Modified-Since
    sa.Column("next_poll_at", sa.DateTime(timezone=True)),
    sa.Column("last_polled_at", sa.DateTime(timezone=True)),
    sa.Column("last_success_at", sa.DateTime(timezone=True)),
    sa.Column("last_new_item_at", sa.DateTime(timezone=True)),  # a feed polled fine but silent shows here
    sa.Column("last_error_at", sa.DateTime(timezone=True)),
    sa.Column("last_error", sa.Text),  # one line: what went wrong on the last failed poll
    sa.Column("consecutive_failures", sa.Integer, nullable=False, server_default=sa.text("0")),
    sa.Column("items_stored", sa.Integer, nullable=False, server_default=sa.text("0")),
)

# One row is one item the watcher has seen in a followed source (core.monitor): a feed entry, a
# sitemap URL or a link on a listing page, under its stable key (the feed's guid, else its link,
# else a hash of title and summary). Written in the same transaction as the item's article, so a
# watcher killed at any moment neither loses an item it reported stored nor fetches it again.
# ``article_id`` is the article stored or merged into; NULL for an item rejected (too little text,
# no link and no content), kept so that it is not fetched again, its reason in ``problem``.
seen_items = sa.Table(
    "seen_items",
    metadata,
    sa.Column("source_id", sa.Integer, primary_key=True),
    sa.Column("item_key", sa.String(64), primary_key=True),  # sha256 of the guid, link or title+summary, hex-cut
    sa.Column("url", sa.Text),  # the item's link; NULL when it had none
    sa.Column("article_id", sa.String(32), index=True),
    sa.Column("problem", sa.Text),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    # A source's health counts its items of the last week: a range of this index, not all its items.
    sa.Index("ix_seen_items_source_at", "source_id", "at"),
)

# Alerts (core.alerts; docs/monitoring.md). A rule: what articles it matches (an empty list asks
# nothing of its field; lists are JSON arrays) or, for a spike, the actor watched; where it sends.
alert_rules = sa.Table(
    "alert_rules", metadata,
    sa.Column("rule_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(120), nullable=False, unique=True),
    sa.Column("kind", sa.String(8), nullable=False),  # match | spike
    sa.Column("actors", sa.Text, nullable=False, server_default="[]"),  # actor ids, resolved when added
    sa.Column("actor_mode", sa.String(4), nullable=False, server_default="any"),  # any | all
    sa.Column("query", sa.Text, nullable=False, server_default=""),  # core.analysis.text_search syntax
    sa.Column("sources", sa.Text, nullable=False, server_default="[]"),  # articles.source names
    sa.Column("languages", sa.Text, nullable=False, server_default="[]"),  # ISO 639-1
    sa.Column("countries", sa.Text, nullable=False, server_default="[]"),  # ISO 3166-1 alpha-2 of the source
    sa.Column("webhook", sa.Text),  # NULL: GEOWIRE_ALERT_WEBHOOK when set
    sa.Column("email", sa.Text),  # NULL: GEOWIRE_SMTP_TO when set
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
# A fired alert. ``window`` is unique: "spike:<rule>:<actor>:<day>" fires once a day,
# "match:<rule>:<first article>" once. rule_name is kept: a removed rule's alerts stay.
alerts = sa.Table(
    "alerts", metadata,
    sa.Column("alert_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("rule_id", sa.Integer, nullable=False, index=True),
    sa.Column("rule_name", sa.Text, nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),
    sa.Column("window", sa.Text, nullable=False, unique=True),
    sa.Column("fired_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("articles", sa.Integer, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),  # one line, plain text
    sa.Column("detail", sa.Text, nullable=False, server_default="{}"),  # JSON: a spike's counts and baseline
)
# The articles behind each alert; the key (rule_id, article_id) lets an article fire a rule once ever.
alert_articles = sa.Table(
    "alert_articles", metadata, sa.Column("alert_id", sa.Integer, nullable=False, index=True),
    sa.Column("rule_id", sa.Integer, primary_key=True), sa.Column("article_id", sa.String(32), primary_key=True),
)
# One alert to send on one channel (webhook | email) to one target: pending (with its last error and
# next attempt) until sent; a failed one is never dropped.
alert_deliveries = sa.Table(
    "alert_deliveries", metadata,
    sa.Column("alert_id", sa.Integer, primary_key=True), sa.Column("channel", sa.String(8), primary_key=True),
    sa.Column("target", sa.Text, primary_key=True), sa.Column("status", sa.String(8), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True)), sa.Column("last_error", sa.Text),
    sa.Column("sent_at", sa.DateTime(timezone=True)),
)
