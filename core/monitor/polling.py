"""One poll of one followed source: fetch it (conditionally, politely), read its items, store the
new ones through the pipeline, and write the source's polling state.

New items are stored as soon as they can be, so that a watcher killed at any moment has fetched
nothing it has not stored: items whose feed carries the whole article together, first; then each
teaser item right after its page is fetched (``pipeline.ingest_fetched``, which records the item
as seen in the article's transaction). A page that cannot be had (robots.txt, 404, a timeout)
gives way to the feed's own text, with a note. The source's validators (ETag, Last-Modified) are
written only after its items are stored: a poll cut short is polled again whole, and the items
already stored are recognised by their keys.

Every failure of a source (no connection, a timeout, HTTP errors, an answer over the size limit,
a redirect loop, robots.txt, garbage instead of a feed) is written to that source alone
(``last_error``, ``consecutive_failures``) and its next poll is put back exponentially:
``interval × 2^failures``, at most ``MAX_BACKOFF_SECONDS`` (never less than the interval), and
never before the server's Retry-After.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from core import pipeline
from core.errors import StoreError
from core.ingest import decode, fetched, scraped_text
from core.monitor import fetch, items, politeness
from core.store import watched

MAX_BACKOFF_SECONDS = 6 * 3600  # a feed broken for a day is still tried four times a day
MAX_RETRY_AFTER_SECONDS = 24 * 3600  # a Retry-After further away than this is taken as this
# Pages fetched in one poll at most: a first poll of a sitemap of 50,000 URLs must not hold the
# watcher for a day. The rest are fetched by the next polls (the source's validators are not
# kept while items wait, so the next poll reads the whole list again).
MAX_PAGES_PER_POLL = 50
_FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
_PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_MAX_ERROR_CHARS = 300


@dataclasses.dataclass
class PollOutcome:
    """What one poll did: ``unchanged`` (304), articles ``stored``, items merged as
    ``duplicates`` or ``rejected``, ``pages`` fetched, and the ``error`` line written to the
    source (None on success; a success may still carry ``item_problem``, an item not stored)."""
    source_id: int
    name: str
    unchanged: bool = False
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    pages: int = 0
    waiting: int = 0  # new items left for the next poll (MAX_PAGES_PER_POLL, or a page failing for now)
    error: str | None = None
    item_problem: str | None = None

    def describe(self) -> str:
        if self.error:
            return f"{self.name}: failed: {self.error}"
        if self.unchanged:
            return f"{self.name}: unchanged"
        parts = [f"{self.stored} new article(s)"]
        parts += [f"{self.duplicates} duplicate(s)"] if self.duplicates else []
        parts += [f"{self.rejected} item(s) not stored ({self.item_problem})"] if self.rejected else []
        parts += [f"{self.waiting} item(s) left for the next poll"] if self.waiting else []
        return f"{self.name}: " + ", ".join(parts)


@dataclasses.dataclass
class Http:
    """The watcher's HTTP client and its politeness, shared by every poll."""
    client: fetch.Client
    polite: politeness.Polite


def next_delay(interval: int, failures: int, retry_after: float | None = None) -> float:
    """Seconds until the next poll after ``failures`` failures in a row (0: a success)."""
    delay = float(interval) if failures <= 0 else min(interval * 2.0 ** failures, max(interval, MAX_BACKOFF_SECONDS))
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER_SECONDS))
    return delay


def poll(engine: sa.Engine, source: watched.WatchedSource, http: Http, lexicon: scraped_text.Lexicon,
         clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> PollOutcome:
    """Poll ``source`` once and write its state. ``fetch.Stopped`` (the watcher stopping) and
    ``StoreError`` (the store refused a write) propagate: the items stored before stay stored, and
    the source's state is left as it was, so it is polled again whole."""
    outcome = PollOutcome(source.source_id, source.name)
    started = clock()
    try:
        answer = http.client.get(source.url, etag=source.etag, last_modified=source.last_modified,
                                 accept=_FEED_ACCEPT, before_hop=http.polite.before)
        if answer.status == 304:
            outcome.unchanged = True
        else:
            fmt, listed = items.read(source.kind, answer.body, answer.url)
            _store_new(engine, source, listed, fmt, http, lexicon, outcome)
    except fetch.FetchError as err:
        outcome.error = _one_line(err.reason if err.url == source.url else str(err))
        _failed(engine, source, started, outcome.error, err.retry_after)
        return outcome
    except items.ParseError as err:
        outcome.error = _one_line(str(err))
        _failed(engine, source, started, outcome.error, None)
        return outcome
    except (fetch.Stopped, StoreError):
        raise
    except Exception as err:  # the safety net: a library failing on one source's answer stops only that poll
        outcome.error = _one_line(f"could not be read ({type(err).__name__}: {err})")
        _failed(engine, source, started, outcome.error, None)
        return outcome
    values = {"last_polled_at": started, "last_success_at": clock(), "consecutive_failures": 0,
              "next_poll_at": started + timedelta(seconds=next_delay(source.interval_seconds, 0))}
    if not outcome.unchanged and not outcome.waiting:
        values.update(etag=answer.etag, last_modified=answer.last_modified)
    if outcome.item_problem:
        values.update(last_error=_one_line(f"item not stored: {outcome.item_problem}"), last_error_at=clock())
    watched.record_poll(engine, source.source_id, **values)
    return outcome


def _store_new(engine, source: watched.WatchedSource, listed: list[items.Item], fmt: str, http: Http,
               lexicon: scraped_text.Lexicon, outcome: PollOutcome) -> None:
    unique = list({item.key: item for item in reversed(listed)}.values())  # oldest first, each key once
    seen = watched.seen_keys(engine, source.source_id, [item.key for item in unique])
    new = [item for item in unique if item.key not in seen]
    whole = [_document(source, item, fmt) for item in new if not item.needs_page]
    if whole:
        _tally(outcome, pipeline.ingest_fetched(engine, whole, extract=False, lexicon=lexicon))
    teasers = [item for item in new if item.needs_page]
    outcome.waiting = max(0, len(teasers) - MAX_PAGES_PER_POLL)
    for item in teasers[:MAX_PAGES_PER_POLL]:
        document = _page_document(source, item, fmt, http)
        if document is None:
            outcome.waiting += 1
            continue
        outcome.pages += document.page is not None
        _tally(outcome, pipeline.ingest_fetched(engine, [document], extract=False, lexicon=lexicon))


def _document(source: watched.WatchedSource, item: items.Item, fmt: str, **fields) -> fetched.FetchedDocument:
    values = dict(source_id=source.source_id, source=source.name, item_key=item.key, url=item.url,
                  origin=item.url or source.url, fmt=fmt, title=item.title, text=item.text,
                  published_raw=item.published_raw, language_declared=item.language or source.language)
    values.update(fields)
    if not item.url and not (item.text or "").strip():
        values["problem"] = "item has neither a link nor any text"
    return fetched.FetchedDocument(**values)


def _page_document(source, item: items.Item, fmt: str, http: Http) -> fetched.FetchedDocument | None:
    """The item with its page, or with the feed's text when the page cannot be had; None when
    neither can be had now but the page may later (a 5xx, a timeout): the item waits."""
    feed_fmt = fmt if fmt in ("rss", "atom") else "rss"
    try:
        answer = http.client.get(item.url, accept=_PAGE_ACCEPT, before_hop=http.polite.before)
        page, _, _ = decode.decode(answer.body)
    except (fetch.FetchError, decode.NotText) as err:
        failed = err if isinstance(err, fetch.FetchError) else fetch.FetchError(item.url, str(err), permanent=True)
        reason = _one_line(failed.reason)
        if item.text:
            return _document(source, item, feed_fmt, note=f"full page not fetched ({reason}); stored from the feed's text")
        if not failed.permanent:
            return None
        return _document(source, item, feed_fmt, problem=f"page not fetched: {reason}")
    return _document(source, item, "html", text=None, page=page, fallback_text=item.text, fallback_fmt=feed_fmt)


def _tally(outcome: PollOutcome, run: pipeline.PipelineRun) -> None:
    result = run.fetched
    outcome.stored += result.stored
    outcome.duplicates += result.duplicates
    outcome.rejected += result.rejected
    if result.rejections:
        where, problem = result.rejections[-1]
        outcome.item_problem = f"{where}: {problem}"


def _failed(engine, source: watched.WatchedSource, started: datetime, error: str, retry_after: float | None) -> None:
    failures = source.consecutive_failures + 1
    watched.record_poll(engine, source.source_id, last_polled_at=started, last_error_at=started, last_error=error,
                        consecutive_failures=failures,
                        next_poll_at=started + timedelta(seconds=next_delay(source.interval_seconds, failures,
                                                                            retry_after)))


def _one_line(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _MAX_ERROR_CHARS else text[:_MAX_ERROR_CHARS - 1] + "…"
