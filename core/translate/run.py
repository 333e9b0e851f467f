"""Translation of every article into one target language, through a translation memory.

An article is cut into segments (``core.translate.segments``). A segment is looked up in the
memory by (provider, source language, target language, hash of the normalised segment); only the
misses are sent, packed several to a request up to the provider's limit. So a duplicate article,
repeated clutter or a second run costs no request, and a killed run loses at most the request in
flight: memory rows are stored as each request returns.

``translate_article`` is the pure part (memory and sender passed in); ``run`` drives it over the
store. Failures never lose an article: it stays stored, marked pending with the last error.
"""
from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable

import tenacity

from core import config
from core.store import translation_memory
from core.translate import bounded_http, providers, segments, translated

# A translation longer than MAX_GROWTH times its source plus GROWTH_ALLOWANCE characters is
# refused: no real translation is that long, and a server that pads its answers would fill the
# store. Chinese into an alphabetic language grows most among the languages we detect (Korean
# next): measured on the 263 territory names of CLDR (Babel's copy; no parallel corpus of articles is
# available offline), Chinese into any of them gives 2.5-2.7 times the characters overall, and
# up to 15.5 for one short name ("南非", 2 characters, is "Південно-Африканська Республіка");
# Arabic, Persian or Hebrew into English and English into German give 1.0-1.1 overall (at most
# 3.5 a name). No name exceeds 6 times its source by more than 19 characters; the allowance
# covers short segments (titles, abbreviations spelt out) with room to spare.
MAX_GROWTH = 6
GROWTH_ALLOWANCE = 200


# --- the pure part ------------------------------------------------------------------------------

@dataclasses.dataclass
class ArticleResult:
    title: str | None
    text: str
    requests: int = 0
    characters_sent: int = 0
    segments: int = 0
    memory_hits: int = 0
    provider_seconds: float = 0.0


def translate_article(title: str | None, text: str, language: str | None, settings: config.TranslationSettings,
                      lookup: Callable[[list[str]], dict[str, str]], send: providers.Sender,
                      remember: Callable[[list[tuple[str, str]]], None] = lambda rows: None,
                      sleep: Callable[[float], None] = time.sleep, batching: list[bool] | None = None,
                      should_stop: Callable[[], bool] = lambda: False) -> ArticleResult:
    """Translate one article. ``lookup`` gives the known translations of a list of segment hashes
    (the translation memory); ``remember`` receives each request's (segment, translation) pairs as soon
    as they arrive, so the caller can store them before the next request. ``batching`` is a
    one-element flag shared across a run: it is switched off when the provider does not keep the
    blank lines between packed segments, and each segment is then sent alone. ``should_stop`` is
    asked before every request (retries included).

    Raises TranslationError when a request fails after its retries (``Cancelled`` when
    ``should_stop`` said so); what was learnt before has already gone to ``remember``.
    """
    source = language or "auto"
    blocks = segments.article_segments(title, text, language, settings.request_chars)
    result = ArticleResult(title=None, text="")
    pieces = [piece for block in blocks for piece in block]
    result.segments = len(pieces)
    memory = dict(lookup([segments.segment_hash(piece) for piece in pieces]))
    missing: dict[str, str] = {}
    for piece in pieces:
        key = segments.segment_hash(piece)
        if key in memory:
            result.memory_hits += 1
        else:
            missing.setdefault(key, piece)
    batching = batching if batching is not None else [True]
    send = _stoppable(send, should_stop)
    for request in segments.pack(list(missing.values()), settings.request_chars):
        learnt = _send_packed(request, source, settings, send, sleep, batching, result)
        for segment, translation in learnt:
            memory[segments.segment_hash(segment)] = translation
        remember(learnt)
    translated = [" ".join(memory[segments.segment_hash(piece)].strip() for piece in block) for block in blocks]
    has_title = bool(title and title.strip())
    result.title = translated[0] if has_title else None
    result.text = segments.PARAGRAPH_BREAK.join(translated[1:] if has_title else translated)
    return result


def _stoppable(send: providers.Sender, should_stop: Callable[[], bool]) -> providers.Sender:
    def send_unless_stopped(text: str, source: str, target: str) -> str:
        if should_stop():
            raise providers.Cancelled()
        return send(text, source, target)

    return send_unless_stopped


def _send_packed(pieces: list[str], source: str, settings: config.TranslationSettings, send: providers.Sender,
                 sleep, batching: list[bool], result: ArticleResult) -> list[tuple[str, str]]:
    if len(pieces) > 1 and batching[0]:
        answer = _send_with_retries(segments.PARAGRAPH_BREAK.join(pieces), source, settings, send, sleep, result)
        parts = [p for p in re.split(r"\s*\n\s*\n\s*", answer.strip())]
        if len(parts) == len(pieces):
            return list(zip(pieces, parts))
        # The provider merged or split paragraphs: the pairing is unknown, so send one by one.
        batching[0] = False
    return [(segment, _send_with_retries(segment, source, settings, send, sleep, result)) for segment in pieces]


def _send_with_retries(text: str, source: str, settings: config.TranslationSettings, send: providers.Sender, sleep,
                       result: ArticleResult) -> str:
    """One request, tried again while the failure is one that may pass (``TranslationError.retry``),
    at most ``settings.retries`` more times; the last failure is raised."""
    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(settings.retries + 1),
        retry=tenacity.retry_if_exception(lambda error: error.retry),  # every failure is classified (_send_once)
        wait=_BackOff(settings.backoff),
        sleep=sleep,
        reraise=True,
    )
    return retrying(_send_once, text, source, settings, send, result)


def _send_once(text: str, source: str, settings: config.TranslationSettings, send: providers.Sender,
               result: ArticleResult) -> str:
    result.requests += 1
    result.characters_sent += len(text)
    started = time.perf_counter()
    try:
        answer = send(text, source, settings.target)
        if not isinstance(answer, str) or (text.strip() and not answer.strip()):
            raise providers.TranslationError(f"{settings.provider}: malformed answer (expected text, got "
                                             f"{type(answer).__name__} {str(answer)[:60]!r})")
        if len(answer) > MAX_GROWTH * len(text) + GROWTH_ALLOWANCE:
            raise providers.TranslationError(f"{settings.provider}: translation {len(answer) / max(len(text), 1):.0f} "
                                             f"times longer than its source ({len(answer):,} characters for {len(text):,})")
        return answer
    except Exception as raw:  # every provider failure is classified; none is ignored
        error = providers.classify(raw, settings)
        if error is raw:
            raise
        raise error from raw
    finally:
        result.provider_seconds += time.perf_counter() - started


class _BackOff(tenacity.wait.wait_base):
    """Seconds to wait before the next try: what the server asked for (Retry-After, capped by
    ``providers.MAX_RETRY_AFTER_SECONDS``), else an exponential back-off with full jitter (many
    clients retrying in step would keep a rate-limited server saturated)."""

    def __init__(self, backoff: float):
        self.jitter = tenacity.wait_random_exponential(multiplier=backoff)

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        error = retry_state.outcome.exception()
        if error.retry_after is not None:
            return error.retry_after
        return self.jitter(retry_state)


def _sleep_unless_stopped(should_stop: Callable[[], bool]) -> Callable[[float], None]:
    """``time.sleep`` that returns early once ``should_stop()`` says so (asked every
    ``bounded_http.STOP_POLL_SECONDS``): a server's Retry-After may ask for a minute."""

    def sleep(seconds: float) -> None:
        ends_at = time.monotonic() + seconds
        while not should_stop() and (left := ends_at - time.monotonic()) > 0:
            time.sleep(min(left, bounded_http.STOP_POLL_SECONDS))

    return sleep


# --- the run over the store ---------------------------------------------------------------------

@dataclasses.dataclass
class RunSummary:
    target: str
    translated: int = 0  # needed at least one request
    from_memory: int = 0  # every segment was already in the memory
    skipped: int = 0  # already in the target language
    failed: int = 0  # left pending with an error
    not_attempted: int = 0  # left pending because the run stopped early
    requests: int = 0
    characters_sent: int = 0
    segments: int = 0
    memory_hits: int = 0
    provider_seconds: float = 0.0
    stopped: str | None = None
    unreachable: str | None = None  # the provider could not be reached before the run: nothing was sent

    def describe(self) -> str:
        text = (f"translated to {self.target}: {self.translated} article(s) translated, {self.from_memory} from memory, "
                f"{self.skipped} skipped (already {self.target}), {self.failed} failed"
                f" · {self.requests} request(s), {self.memory_hits}/{self.segments} segment(s) from memory")
        if self.not_attempted:
            text += f" · {self.not_attempted} not attempted"
        if self.unreachable:
            text += f"\nnot started: {self.unreachable}. The articles stay pending; run again once it can be reached."
        elif self.stopped:
            text += f"\nstopped early: {self.stopped} (untranslated articles stay pending; run again to resume)"
        return text


def run(engine, settings: config.TranslationSettings, send: providers.Sender | None = None, limit: int | None = None,
        progress: Callable[[int, int, RunSummary], None] | None = None,
        should_stop: Callable[[], bool] = lambda: False, sleep: Callable[[float], None] | None = None) -> RunSummary:
    """Translate every stored article that has no translation into ``settings.target`` yet (at
    most ``limit``). Each article's translation is stored in its own transaction; memory rows are
    stored as each request returns. Ends early, leaving the rest pending, when ``should_stop``
    says so (it is asked before every request and during the waits between retries, and a request
    in flight is cut within ``bounded_http.STOP_POLL_SECONDS``), when the key is refused, or when
    ``give_up_after`` articles in a row fail to reach the provider. ``sleep`` waits between
    retries (by default, until the time is up or ``should_stop`` says so).

    Without ``send``, the provider's client is built from ``settings`` (ConfigError when no
    provider is configured) and, before the first request, ``providers.check_reachable`` connects
    to its host: when it cannot, the run ends at once, every article left pending and untried
    (``unreachable`` says why)."""
    check = send is None
    send = send or providers.make_sender(settings, should_stop)
    sleep = sleep or _sleep_unless_stopped(should_stop)
    summary = RunSummary(target=settings.target)
    summary.skipped = translation_memory.count_in_language(engine, settings.target)
    due = translation_memory.load_untranslated(engine, settings.target, limit=limit)
    # A missing key is reported by the first request, at once and without the network.
    if check and len(due) and not (settings.provider in providers.NEEDS_KEY and not settings.key):
        try:
            reach = providers.check_reachable(settings, should_stop=should_stop)
        except providers.Cancelled:
            summary.stopped, summary.not_attempted = "cancelled", len(due)
            return summary
        if not reach.reachable:
            summary.stopped = summary.unreachable = reach.message
            summary.not_attempted = len(due)
            return summary
    batching = [True]
    network_failures = 0
    for position, article in enumerate(due.itertuples(index=False), start=1):
        if should_stop():
            summary.stopped = "cancelled"
        if summary.stopped:
            summary.not_attempted = len(due) - position + 1
            break
        language = article.language if isinstance(article.language, str) else None
        title = article.title if isinstance(article.title, str) else None
        memory_key = (settings.provider, language or "auto", settings.target)

        def lookup(hashes: list[str]) -> dict[str, str]:
            return translation_memory.lookup_memory(engine, *memory_key, hashes)

        def remember(pairs: list[tuple[str, str]]) -> None:
            translation_memory.save_memory(engine, *memory_key, [(segments.segment_hash(s), s, t) for s, t in pairs])

        try:
            result = translate_article(title, article.text, language, settings, lookup, send, remember, sleep, batching,
                                       should_stop)
        except providers.Cancelled:
            # The article is left as it was (what earlier requests learnt is in the memory).
            summary.stopped = "cancelled"
            summary.not_attempted = len(due) - position + 1
            break
        except providers.TranslationError as error:
            translation_memory.save_translation(engine, article.article_id, settings.target, settings.provider,
                                   None, None, translated.STATUS_PENDING, str(error))
            summary.failed += 1
            network_failures = network_failures + 1 if error.network else 0
            if error.stop:
                summary.stopped = str(error)
            elif network_failures >= settings.give_up_after:
                summary.stopped = f"{network_failures} articles in a row failed: {error}"
        else:
            network_failures = 0
            translation_memory.save_translation(engine, article.article_id, settings.target, settings.provider,
                                   result.title, result.text, translated.STATUS_TRANSLATED, None)
            if result.requests:
                summary.translated += 1
            else:
                summary.from_memory += 1
            summary.requests += result.requests
            summary.characters_sent += result.characters_sent
            summary.segments += result.segments
            summary.memory_hits += result.memory_hits
            summary.provider_seconds += result.provider_seconds
        if progress:
            progress(position, len(due), summary)
    return summary
