"""The alerts stage the pipeline runs after extraction: evaluate the rules on the articles stored
since the last evaluation, record what fires, append it to the JSON Lines log, deliver.

The watermark (the last ``ingested_at`` evaluated, in the store) makes a re-run evaluate nothing
new, and a run stopped between storing and alerting is caught up by the next one: the watermark
only moves once the rules have been evaluated and their alerts recorded, and never past an article
whose actors are not extracted yet. Articles are read from ``LATE_COMMIT_MARGIN`` before the
watermark, for a writer whose clock was read before it waited for the store's write lock; the
store's (rule, article) key makes evaluating an article twice fire nothing twice.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from pathlib import Path

import sqlalchemy as sa

from core import config
from core.alerts import delivery, rules, spikes
from core.store import alerts as store_alerts

# A file's ingested_at is read before its transaction waits for the write lock (up to
# database.BUSY_SECONDS, 60 s) and commits: an article can become visible up to about that long
# after a later one. Five minutes covers that wait several times over.
LATE_COMMIT_MARGIN = dt.timedelta(minutes=5)
PAGE = 2000  # articles read at a time: their texts are in memory together


@dataclasses.dataclass
class AlertRun:
    """What one evaluation did: articles ``evaluated``, alerts ``fired``, the ``delivered`` run, and
    the log line that could not be written (``log_error``: the alerts are in the store all the same)."""
    evaluated: int = 0
    fired: list[store_alerts.Alert] = dataclasses.field(default_factory=list)
    delivered: delivery.DeliveryRun | None = None
    log_error: str | None = None

    def describe(self) -> str:
        parts = [f"{len(self.fired)} alert(s) fired over {self.evaluated} new article(s)"]
        if self.delivered is not None and (self.delivered.sent or self.delivered.failed):
            parts.append(f"{self.delivered.sent} delivered")
            if self.delivered.failed:
                parts.append(f"{len(self.delivered.failed)} delivery(ies) pending a retry")
        return "; ".join(parts)


def run(engine: sa.Engine, settings: config.AlertSettings, now: dt.datetime | None = None) -> AlertRun:
    """Evaluate, record, log and deliver (``now``: the clock, for spikes' "today" and retries)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    outcome = AlertRun()
    mark = store_alerts.watermark(engine)
    after = None if mark is None else mark - LATE_COMMIT_MARGIN
    horizon = store_alerts.horizon(engine, after)
    kept = store_alerts.rules(engine)
    if kept and horizon.latest is not None:
        outcome.evaluated = _evaluate(engine, kept, after, settings, now, outcome)
    if horizon.latest is not None:
        new_mark = horizon.latest
        if horizon.waiting is not None:
            new_mark = min(new_mark, horizon.waiting - dt.timedelta(microseconds=1))
        if mark is None or new_mark > mark:
            store_alerts.set_watermark(engine, new_mark)
    outcome.delivered = delivery.deliver(engine, settings, now)
    return outcome


def _evaluate(engine, kept: list[store_alerts.Rule], after, settings, now, outcome: AlertRun) -> int:
    matched: dict[int, list[str]] = {rule.rule_id: [] for rule in kept if rule.kind == "match"}
    originals: dict[str, str] = {}
    named: set[str] = set()
    spike_actors = {rule.actors[0] for rule in kept if rule.kind == "spike"}
    evaluated, page_after = 0, None
    while True:
        page = store_alerts.evaluated_articles(engine, after, page_after, PAGE)
        if page.empty:
            break
        evaluated += len(page)
        last = page.iloc[-1]
        page_after = (last["ingested_at"].to_pydatetime(), last["article_id"])
        actors = store_alerts.actor_ids(engine, list(page["article_id"]))
        named |= set(actors["actor_id"]) & spike_actors
        copies = page.dropna(subset=["duplicate_of"])
        originals.update(zip(copies["article_id"], copies["duplicate_of"]))
        for rule in kept:
            if rule.kind == "match":
                # A rule looks ahead: what was stored before it existed is history, not news (the
                # margin above would otherwise hand a new rule the last minutes' articles).
                fresh = page[page["ingested_at"] > rule.created_at] if rule.created_at is not None else page
                matched[rule.rule_id] += list(rules.matching(fresh, actors, rule))
        if len(page) < PAGE:
            break
    for rule in kept:
        fired = None
        if rule.kind == "match" and matched[rule.rule_id]:
            ids = tuple(matched[rule.rule_id])
            fired = store_alerts.Fired(rule, None, ids, f"{{articles}} new article(s) match {rule.name}", {},
                                       _channels(rule, settings), tuple((a, originals[a]) for a in ids if a in originals))
        elif rule.kind == "spike" and rule.actors[0] in named:
            fired = _spike(engine, rule, now, settings)
        alert = store_alerts.record(engine, fired, now) if fired is not None else None
        if alert is not None:
            outcome.fired.append(alert)
            error = _log(settings.log, delivery.payload(engine, alert))
            outcome.log_error = outcome.log_error or error
    return evaluated


def _spike(engine, rule: store_alerts.Rule, now: dt.datetime, settings) -> store_alerts.Fired | None:
    actor, today = rule.actors[0], now.date()
    daily = store_alerts.daily_counts(engine, actor, today - dt.timedelta(days=spikes.BASELINE_DAYS), today)
    found = spikes.check(daily, today)
    if not found.spike:
        return None
    detail = {"actor_id": actor, "day": today.isoformat(), "count": found.count, "baseline_median": found.baseline,
              "spread": round(found.spread, 3), "threshold": round(found.threshold, 3),
              "baseline_days": spikes.BASELINE_DAYS, "history_days": found.history_days}
    return store_alerts.Fired(rule, f"spike:{rule.rule_id}:{actor}:{today.isoformat()}",
                              tuple(store_alerts.day_articles(engine, actor, today)),
                              f"Spike: {actor}: {found.describe()}", detail, _channels(rule, settings))


def _channels(rule: store_alerts.Rule, settings: config.AlertSettings) -> tuple[tuple[str, str], ...]:
    found = []
    if rule.webhook or settings.webhook:
        found.append(("webhook", rule.webhook or settings.webhook))
    if rule.email or settings.smtp_to:
        found.append(("email", rule.email or settings.smtp_to))
    return tuple(found)


def _log(path: Path | None, line: dict) -> str | None:
    """Append one JSON line with a single write to a file opened for appending: lines written by
    several processes at once never interleave, and a crash leaves whole lines."""
    if path is None:
        return None
    data = (json.dumps(line, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(handle, data)
        finally:
            os.close(handle)
    except OSError as err:
        return f"{path}: {err.strerror or err}"
    return None
