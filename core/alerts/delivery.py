"""Delivering fired alerts: the webhook (an HTTP POST of ``payload``'s JSON) and email over SMTP.

Each (alert, channel, target) is a row of ``alert_deliveries``. A send is tried a few times at once
(tenacity, with exponential back-off) for errors that waiting may cure (no connection, a timeout,
an HTTP 5xx, 408 or 429); what still fails stays pending with its error, and its next attempt is
set ``RETRY_AFTER`` later, doubling per failed run up to ``RETRY_AT_MOST``: the next pipeline run
or ``python -m core alerts deliver`` tries again. A pending delivery is never dropped. A row is
marked sent right after its send succeeded; only a crash between the two can send it again, and
the body's ``alert_id`` (also the ``Idempotency-Key`` header) lets a receiver recognise the repeat.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import smtplib
import ssl
from email.message import EmailMessage

import requests
import sqlalchemy as sa
import tenacity

from core import config
from core.store import alerts as store_alerts
from core.store import reads

# Attempts within one run, and the wait before the second (doubled each time): a receiver
# restarting or a momentary 503 is cured within a few seconds; longer outages wait for a later run.
ATTEMPTS_NOW, FIRST_WAIT_SECONDS = 3, 0.5
RETRY_AFTER = dt.timedelta(minutes=1)
RETRY_AT_MOST = dt.timedelta(hours=1)
# Articles listed in a webhook body or an email; the alert's count says how many there are.
LISTED_ARTICLES = 50


@dataclasses.dataclass
class DeliveryRun:
    sent: int = 0
    failed: list[str] = dataclasses.field(default_factory=list)  # one line each: the alert, the target, why


class _Retryable(Exception):
    """A failure that waiting may cure."""


def deliver(engine: sa.Engine, settings: config.AlertSettings, now: dt.datetime, everything: bool = False) -> DeliveryRun:
    """Send the pending deliveries that are due (every pending one with ``everything``)."""
    outcome = DeliveryRun()
    pending = store_alerts.due(engine, None if everything else now)
    if not pending:
        return outcome
    alerts = {alert.alert_id: alert for alert in store_alerts.recent(engine, ids=[d.alert_id for d in pending])}
    # A target that failed in this run is not tried again in it: with a receiver down, every pending
    # alert would otherwise wait out its timeouts and retries, and hold up the pipeline for each.
    failing: set[tuple[str, str]] = set()
    for delivery in pending:
        alert = alerts.get(delivery.alert_id)
        if alert is None or (delivery.channel, delivery.target) in failing:
            continue
        body = payload(engine, alert)
        try:
            _send(delivery, body, settings)
        except (_Retryable, requests.RequestException, smtplib.SMTPException, OSError, ValueError) as err:
            reason = _reason(err)
            wait = min(RETRY_AFTER * 2 ** delivery.attempts, RETRY_AT_MOST)
            store_alerts.mark(engine, delivery, now, reason, now + wait)
            outcome.failed.append(f"alert {alert.alert_id} ({alert.rule_name}) to {delivery.target}: {reason}")
            failing.add((delivery.channel, delivery.target))
            continue
        store_alerts.mark(engine, delivery, dt.datetime.now(dt.timezone.utc), None)
        outcome.sent += 1
    return outcome


def payload(engine: sa.Engine, alert: store_alerts.Alert) -> dict:
    """The webhook's JSON body (docs/monitoring.md shows one)."""
    listed = list(alert.article_ids[:LISTED_ARTICLES])
    rows = reads.article_columns(engine, listed, ["title", "source", "url", "language", "published"])
    by_id = {row["article_id"]: row for row in rows.to_dict("records")}
    articles = []
    for article_id in listed:
        row = by_id.get(article_id, {})
        published = row.get("published")
        articles.append({"article_id": article_id, "title": _text(row.get("title")), "source": _text(row.get("source")),
                         "url": _text(row.get("url")), "language": _text(row.get("language")),
                         "published": None if published is None or published != published else published.isoformat()})
    return {"alert_id": alert.alert_id, "rule": {"id": alert.rule_id, "name": alert.rule_name, "kind": alert.kind},
            "fired_at": alert.fired_at.isoformat(), "window": alert.window, "summary": alert.summary,
            "detail": alert.detail, "article_count": len(alert.article_ids), "articles": articles,
            "sender": "geowire"}


def _text(value) -> str | None:
    return None if value is None or value != value else str(value)


def _send(delivery: store_alerts.Delivery, body: dict, settings: config.AlertSettings) -> None:
    retrying = tenacity.Retrying(stop=tenacity.stop_after_attempt(ATTEMPTS_NOW), reraise=True,
                                 wait=tenacity.wait_exponential(multiplier=FIRST_WAIT_SECONDS, max=8),
                                 retry=tenacity.retry_if_exception_type((_Retryable, requests.ConnectionError,
                                                                         requests.Timeout, smtplib.SMTPServerDisconnected,
                                                                         smtplib.SMTPConnectError, TimeoutError)))
    if delivery.channel == "webhook":
        retrying(_post, delivery.target, body, settings.timeout)
    elif delivery.channel == "email":
        retrying(_mail, delivery.target, body, settings)
    else:
        raise ValueError(f"unknown channel {delivery.channel!r}")


def _post(url: str, body: dict, timeout: float) -> None:
    answer = requests.post(url, json=body, timeout=timeout, allow_redirects=False,
                           headers={"Idempotency-Key": f"geowire-alert-{body['alert_id']}",
                                    "User-Agent": "geowire-alerts"})
    if answer.status_code >= 500 or answer.status_code in (408, 429):
        raise _Retryable(f"HTTP {answer.status_code} from {url}")
    if answer.status_code >= 300:
        raise ValueError(f"HTTP {answer.status_code} from {url}")


def _mail(address: str, body: dict, settings: config.AlertSettings) -> None:
    if not settings.email:
        raise ValueError("no SMTP server is configured (GEOWIRE_SMTP_HOST)")
    message = EmailMessage()
    # Header values come from the data (a rule's name): line breaks would start new headers.
    message["Subject"] = " ".join(f"Geowire alert: {body['rule']['name']}: {body['summary']}".split())[:200]
    message["From"], message["To"] = settings.smtp_from, address
    lines = [body["summary"], "", f"Rule: {body['rule']['name']} ({body['rule']['kind']})",
             f"Fired at: {body['fired_at']}", f"Articles: {body['article_count']}", ""]
    lines += [f"- {a['title'] or '(no title)'} — {a['source'] or ''} {a['url'] or ''}".rstrip() for a in body["articles"]]
    message.set_content("\n".join(lines))
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout) as server:
        if settings.smtp_starttls:
            server.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            server.login(settings.smtp_user, settings.smtp_password or "")
        server.send_message(message)


def _reason(err: BaseException) -> str:
    """One line; never the SMTP password (smtplib's errors carry the server's answer only)."""
    text = " ".join(str(err).split()) or type(err).__name__
    return f"{type(err).__name__}: {text}"[:300]
