"""Translation of every article into one target language, through a translation memory.

An article is cut into segments: its title, and each paragraph (a paragraph longer than the
provider's request limit is cut further on ICU sentence boundaries). A segment is looked up in the
memory by (provider, source language, target language, hash of the normalised segment); only the
misses are sent, packed several to a request up to the provider's limit. So a duplicate article,
repeated clutter or a second run costs no request, and a killed run loses at most the request in
flight: memory rows are stored as each request returns.

``translate_article`` is the pure part (memory and sender passed in); ``run`` drives it over the
store. Failures never lose an article: it stays stored, marked pending with the last error.
"""
from __future__ import annotations

import bisect
import dataclasses
import hashlib
import random
import re
import time
import unicodedata
from collections.abc import Callable

import numpy as np
import pandas as pd

from core import mention_index, schema
from core.translate import bounded_http

PROVIDERS = ("google", "libre", "deepl", "microsoft", "mymemory")
# Characters per request. LibreTranslate (through deep-translator) sends the text in the query
# string, and percent-encoded Arabic or Cyrillic takes six URL bytes a character: 1,000 characters
# stay under the 8 KB request-line limit of common servers. Google fails above ~1,800 characters
# for some scripts although it documents 5,000; MyMemory refuses 500 and more.
MAX_CHARS = {"google": 1800, "libre": 1000, "deepl": 4500, "microsoft": 4500, "mymemory": 480}
# Providers that need a key before any request can succeed.
NEEDS_KEY = ("deepl", "microsoft")
# Codes that differ between ISO 639-1 (our ``language`` column) and a provider's.
_PROVIDER_CODES = {"google": {"he": "iw"}}
PARAGRAPH_BREAK = "\n\n"
# Largest answer read from a provider, before and after content decoding; a larger one is refused
# (unread when its Content-Length says so, else as soon as the bytes read pass it).
# A request carries at most 4,500 characters (the largest MAX_CHARS); the growth bound below lets
# its translation reach 6 x 4,500 + 200 = 27,200 characters, which JSON escapes (\uXXXX) to at most
# 6 bytes each (12 for the rare character outside the BMP): about 330 KB with Google's HTML page
# around it. 2 MB leaves six times that, and caps what a flood or a gzip bomb costs per request.
MAX_RESPONSE_BYTES = 2 * 1024 * 1024
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

Sender = Callable[[str, str, str], str]  # (text, source language or "auto", target) -> translation


@dataclasses.dataclass(frozen=True)
class Settings:
    """How to translate. Built by ``core.config.translation_settings`` from file, environment and flags."""

    provider: str = "google"
    target: str = "en"
    url: str | None = None  # base URL of a self-hosted provider (LibreTranslate)
    key: str | None = None
    region: str | None = None  # Microsoft's resource region
    timeout: float = 20.0  # seconds for a whole request (connect, headers, body), whatever the server does
    retries: int = 3  # further attempts after a failure that waiting may cure
    backoff: float = 1.0  # seconds before the first retry; doubled each time, with jitter
    max_chars: int | None = None  # None: the provider's MAX_CHARS
    give_up_after: int = 3  # articles in a row failing for the same network reason end the run
    max_response_bytes: int = MAX_RESPONSE_BYTES  # larger answers (after decoding) are refused

    @property
    def request_chars(self) -> int:
        return self.max_chars or MAX_CHARS[self.provider]

    def describe(self) -> str:
        where = f" at {self.url}" if self.url else ""
        return f"{self.provider}{where} → {self.target}"


class TranslationError(Exception):
    """A provider call that failed. ``retry``: waiting may cure it (timeouts, 5xx, rate limits);
    ``stop``: every further request will fail too (no key, refused key)."""

    def __init__(self, message: str, retry: bool = False, stop: bool = False, network: bool = False):
        super().__init__(message)
        self.retry, self.stop, self.network = retry, stop, network


class Cancelled(TranslationError):
    """The run was asked to stop (the app's Stop button) before or during a request. Not a failure
    of the article: it stays as it was, and nothing of the cut request is kept."""

    def __init__(self):
        super().__init__("cancelled", stop=True)


# --- segments and memory keys -------------------------------------------------------------------

def normalize_segment(segment: str) -> str:
    """The form a segment is remembered by: Unicode NFC and collapsed spaces (case and punctuation
    are kept: they change the translation)."""
    return " ".join(unicodedata.normalize("NFC", segment).split())


def segment_hash(segment: str) -> str:
    return hashlib.blake2b(normalize_segment(segment).encode("utf-8"), digest_size=16).hexdigest()


def _sentence_breaker(language: str | None):
    import icu  # PyICU: sentence boundaries for every script, with abbreviations handled per locale

    return icu.BreakIterator.createSentenceInstance(icu.Locale(language or "en"))


def split_long(paragraph: str, max_chars: int, language: str | None = None) -> list[str]:
    """A paragraph as pieces of at most ``max_chars`` characters, cut between sentences; a single
    sentence longer than that is cut between words, and a word longer than that where it must."""
    if len(paragraph) <= max_chars:
        return [paragraph]
    import icu

    breaker = _sentence_breaker(language)
    # ICU counts in UTF-16 code units: slice an icu.UnicodeString so astral characters stay whole.
    unicode_text = icu.UnicodeString(paragraph)
    breaker.setText(unicode_text)
    sentences, start = [], 0
    for end in breaker:
        sentences.append(str(unicode_text[start:end]))
        start = end
    pieces: list[str] = []
    current = ""
    for sentence in sentences:
        for part in _cut_words(sentence, max_chars):
            if current and len(current) + len(part) > max_chars:
                pieces.append(current.strip())
                current = ""
            current += part
    if current.strip():
        pieces.append(current.strip())
    return pieces


def _cut_words(sentence: str, max_chars: int) -> list[str]:
    if len(sentence) <= max_chars:
        return [sentence]
    parts, current = [], ""
    for word in re.findall(r"\S+\s*", sentence):
        while len(word) > max_chars:
            if current:
                parts.append(current)
                current = ""
            parts.append(word[:max_chars])
            word = word[max_chars:]
        if len(current) + len(word) > max_chars:
            parts.append(current)
            current = ""
        current += word
    if current:
        parts.append(current)
    return parts


def article_segments(title: str | None, text: str, language: str | None, max_chars: int) -> list[list[str]]:
    """The article as blocks (title first, when there is one, then each paragraph), each a list of
    pieces that fit one request. Joining each block's translated pieces with a space and the
    blocks with a blank line gives the translated article with its paragraphs."""
    blocks = [title.strip()] if title and title.strip() else []
    blocks += [p.strip() for p in (text or "").split(PARAGRAPH_BREAK) if p.strip()]
    return [split_long(block, max_chars, language) for block in blocks]


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


def translate_article(title: str | None, text: str, language: str | None, settings: Settings,
                      lookup: Callable[[list[str]], dict[str, str]], send: Sender,
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
    blocks = article_segments(title, text, language, settings.request_chars)
    result = ArticleResult(title=None, text="")
    pieces = [piece for block in blocks for piece in block]
    result.segments = len(pieces)
    memory = dict(lookup([segment_hash(piece) for piece in pieces]))
    missing: dict[str, str] = {}
    for piece in pieces:
        key = segment_hash(piece)
        if key in memory:
            result.memory_hits += 1
        else:
            missing.setdefault(key, piece)
    batching = batching if batching is not None else [True]
    send = _stoppable(send, should_stop)
    for request in _pack(list(missing.values()), settings.request_chars):
        learnt = _send_packed(request, source, settings, send, sleep, batching, result)
        for segment, translation in learnt:
            memory[segment_hash(segment)] = translation
        remember(learnt)
    translated = [" ".join(memory[segment_hash(piece)].strip() for piece in block) for block in blocks]
    has_title = bool(title and title.strip())
    result.title = translated[0] if has_title else None
    result.text = PARAGRAPH_BREAK.join(translated[1:] if has_title else translated)
    return result


def _stoppable(send: Sender, should_stop: Callable[[], bool]) -> Sender:
    def send_unless_stopped(text: str, source: str, target: str) -> str:
        if should_stop():
            raise Cancelled()
        return send(text, source, target)

    return send_unless_stopped


def _pack(segments: list[str], max_chars: int) -> list[list[str]]:
    requests, current, size = [], [], 0
    for segment in segments:
        extra = len(segment) + (len(PARAGRAPH_BREAK) if current else 0)
        if current and size + extra > max_chars:
            requests.append(current)
            current, size, extra = [], 0, len(segment)
        current.append(segment)
        size += extra
    if current:
        requests.append(current)
    return requests


def _send_packed(segments: list[str], source: str, settings: Settings, send: Sender, sleep,
                 batching: list[bool], result: ArticleResult) -> list[tuple[str, str]]:
    if len(segments) > 1 and batching[0]:
        answer = _send_with_retries(PARAGRAPH_BREAK.join(segments), source, settings, send, sleep, result)
        parts = [p for p in re.split(r"\s*\n\s*\n\s*", answer.strip())]
        if len(parts) == len(segments):
            return list(zip(segments, parts))
        # The provider merged or split paragraphs: the pairing is unknown, so send one by one.
        batching[0] = False
    return [(segment, _send_with_retries(segment, source, settings, send, sleep, result)) for segment in segments]


def _send_with_retries(text: str, source: str, settings: Settings, send: Sender, sleep, result: ArticleResult) -> str:
    attempt = 0
    while True:
        result.requests += 1
        result.characters_sent += len(text)
        started = time.perf_counter()
        try:
            answer = send(text, source, settings.target)
            if not isinstance(answer, str) or (text.strip() and not answer.strip()):
                raise TranslationError(f"{settings.provider}: malformed answer (expected text, got {type(answer).__name__} {str(answer)[:60]!r})")
            if len(answer) > MAX_GROWTH * len(text) + GROWTH_ALLOWANCE:
                raise TranslationError(f"{settings.provider}: translation {len(answer) / max(len(text), 1):.0f} times "
                                       f"longer than its source ({len(answer):,} characters for {len(text):,})")
            return answer
        except Exception as raw:  # every provider failure is classified; none is ignored
            error = classify(raw, settings)
            if not error.retry or attempt >= settings.retries:
                raise error from raw
        finally:
            result.provider_seconds += time.perf_counter() - started
        # Exponential back-off with full jitter: many clients retrying in step would keep a
        # rate-limited server saturated.
        sleep(random.uniform(0, settings.backoff * 2 ** attempt))
        attempt += 1


def classify(error: Exception, settings: Settings) -> TranslationError:
    """A provider or transport exception as a TranslationError with a message a user can act on."""
    import requests
    from deep_translator import exceptions as dt

    name = settings.provider
    if isinstance(error, TranslationError):
        return error
    if isinstance(error, bounded_http.Cancelled):
        return Cancelled()
    if isinstance(error, bounded_http.DeadlineExceeded):
        # A deadline is a network failure like a refused connection: retried (a busy server may
        # answer next time), and counted towards give_up_after, so a server that trickles or
        # never answers ends the run after give_up_after x (retries + 1) deadlines.
        return TranslationError(f"{name}: {error}", retry=True, network=True)
    if isinstance(error, bounded_http.AnswerTooLarge):
        # The server did answer: like a malformed answer, it is not retried and does not end the run.
        return TranslationError(f"{name}: {error}")
    if isinstance(error, requests.exceptions.ContentDecodingError):
        return TranslationError(f"{name}: malformed answer (content encoding: {str(error)[:120]})")
    if isinstance(error, requests.exceptions.JSONDecodeError):  # also a RequestException: test it first
        return TranslationError(f"{name}: malformed answer (not JSON: {str(error)[:120]})")
    if isinstance(error, requests.exceptions.Timeout):
        return TranslationError(f"{name}: no complete answer within {settings.timeout:g} s", retry=True, network=True)
    if isinstance(error, requests.exceptions.ConnectionError):
        where = settings.url or name
        return TranslationError(f"{name}: cannot reach {where} ({_reason(error)})", retry=True, network=True)
    if isinstance(error, (dt.TooManyRequests,)) or "TOO_MANY_REQUESTS" in str(error):
        return TranslationError(f"{name}: rate limited (HTTP 429)", retry=True, network=True)
    if isinstance(error, (dt.ApiKeyException, dt.AuthorizationException)):
        return TranslationError(f"{name}: the key was refused or is missing (set GEOWIRE_TRANSLATE_KEY)", stop=True)
    if isinstance(error, dt.ServerException):
        return TranslationError(f"{name}: server error ({error})", retry=True, network=True)
    if isinstance(error, dt.LanguageNotSupportedException):
        return TranslationError(f"{name}: language not supported ({error})")
    if isinstance(error, requests.exceptions.RequestException):
        return TranslationError(f"{name}: request failed ({_reason(error)})", retry=True, network=True)
    if isinstance(error, (ValueError, KeyError, TypeError, IndexError, dt.TranslationNotFound, dt.BaseError)):
        # JSONDecodeError is a ValueError; a missing "translatedText" a KeyError.
        return TranslationError(f"{name}: malformed answer ({type(error).__name__}: {str(error)[:120]})")
    return TranslationError(f"{name}: {type(error).__name__}: {str(error)[:200]}")


def _reason(error: Exception) -> str:
    text = str(error)
    for marker in ("Connection refused", "Name or service not known", "Temporary failure in name resolution",
                   "Network is unreachable", "No route to host", "Connection reset"):
        if marker in text:
            return marker.lower()
    return text[:160]


# --- the provider -------------------------------------------------------------------------------

def make_sender(settings: Settings, should_stop: Callable[[], bool] = lambda: False) -> Sender:
    """A deep-translator client for ``settings`` as a ``Sender``. Each call is bounded as a whole
    (``core.bounded_http``): ``settings.timeout`` seconds for everything the client does over the
    network, answers of at most ``settings.max_response_bytes`` after decoding, and cut at once
    when ``should_stop()`` says so."""
    if settings.provider not in PROVIDERS:
        raise ValueError(f"unknown translation provider {settings.provider!r} (choose from: {', '.join(PROVIDERS)})")
    clients: dict[tuple[str, str], object] = {}

    def send(text: str, source: str, target: str) -> str:
        codes = _PROVIDER_CODES.get(settings.provider, {})
        pair = (codes.get(source, source), codes.get(target, target))
        with bounded_http.bounded(settings.timeout, settings.max_response_bytes, should_stop):
            if pair not in clients:
                # Inside the bounds: Microsoft's client fetches its language list when it is built.
                clients[pair] = _client(settings, *pair)
            return clients[pair].translate(text)

    return send


def _client(settings: Settings, source: str, target: str):
    import deep_translator as dt

    if settings.provider in NEEDS_KEY and not settings.key:
        raise dt.exceptions.ApiKeyException("GEOWIRE_TRANSLATE_KEY")
    if settings.provider == "libre":
        url = settings.url or "https://libretranslate.com/"
        # The client requires a key even for servers that take none; any non-empty value does.
        client = dt.LibreTranslator(source="auto", target="en", api_key=settings.key or "none",
                                    custom_url=url if url.endswith("/") else url + "/")
    elif settings.provider == "google":
        client = dt.GoogleTranslator(source="auto", target="en")
    elif settings.provider == "deepl":
        client = dt.DeeplTranslator(source="en", target="de", api_key=settings.key, use_free_api=settings.key.endswith(":fx"))
    elif settings.provider == "microsoft":
        client = dt.MicrosoftTranslator(source="auto", target="en", api_key=settings.key, region=settings.region)
    else:
        client = dt.MyMemoryTranslator(source="en-GB", target="fr-FR")
    # deep-translator's language tables are fixed at release and lack languages the servers do
    # support (Persian and Hebrew for LibreTranslate): set the codes directly and let the server
    # answer for itself.
    client.source, client.target = source, target
    return client


# --- frames -------------------------------------------------------------------------------------

STATUS_TRANSLATED, STATUS_PENDING, STATUS_NOT_NEEDED = "translated", "pending", "not needed"


def with_translations(articles: pd.DataFrame, translations: pd.DataFrame, target: str) -> pd.DataFrame:
    """Articles with ``title_translated``, ``text_translated``, ``translation_status`` and
    ``translation_error`` for one target language.

    Needs: articles[article_id, language]; translations[article_id, title, text, status, error]
    (``store.load_translations``). Status: "translated"; "not needed" when the article is already in
    the target language (its own title and text are then the translation); "pending" otherwise,
    with the last error when a run failed on it (<NA> when none was tried yet).
    """
    schema.require_columns(articles, ("article_id", "language", "title", "text"), stage="translate")
    schema.require_columns(translations, ("article_id", "title", "text", "status", "error"), stage="translate")
    done = translations.rename(columns={"title": "title_translated", "text": "text_translated",
                                        "status": "_status", "error": "translation_error"})
    merged = articles.merge(done[["article_id", "title_translated", "text_translated", "_status", "translation_error"]],
                            on="article_id", how="left")
    same = merged["language"].fillna("").str.split("-").str[0] == target.split("-")[0]
    translated = merged["_status"].eq(STATUS_TRANSLATED).fillna(False).astype(bool)
    status = pd.Series(STATUS_PENDING, index=merged.index, dtype="string")
    status[translated] = STATUS_TRANSLATED
    status[same & ~translated] = STATUS_NOT_NEEDED
    merged["title_translated"] = merged["title_translated"].astype("string").where(~same, merged["title"])
    merged["text_translated"] = merged["text_translated"].astype("string").where(~same, merged["text"])
    merged.loc[~status.eq(STATUS_PENDING), "translation_error"] = pd.NA
    merged["translation_error"] = merged["translation_error"].astype("string")
    merged["translation_status"] = status
    return merged.drop(columns="_status")


def translated_passages(mentions: pd.DataFrame, articles: pd.DataFrame) -> pd.Series:
    """For each mention, the translated passage it sits in: the translated title for a title
    mention, else the translated paragraph at the same position (translation keeps the paragraphs:
    see ``article_segments``). <NA> while the article is not translated.

    Needs: mentions[article_id, field, start]; articles[article_id, text, title_translated,
    text_translated] (``with_translations``). Returns a string Series aligned on ``mentions``.
    """
    schema.require_columns(mentions, ("article_id", "field", "start"), stage="translate")
    schema.require_columns(articles, ("article_id", "text", "title_translated", "text_translated"), stage="translate")
    # Only the articles these mentions are in, and only those translated: a lookup per mention in
    # the whole corpus cost minutes on a large store.
    named = mention_index.positions(articles["article_id"], mentions["article_id"].drop_duplicates()) >= 0
    wanted = articles[named & articles["text_translated"].notna().to_numpy(dtype=bool)].drop_duplicates("article_id")
    texts = dict(zip(wanted["article_id"], wanted["text"]))
    titles = dict(zip(wanted["article_id"], wanted["title_translated"]))
    translated = dict(zip(wanted["article_id"], wanted["text_translated"]))
    paragraph_starts: dict[str, list[int]] = {}
    out = np.full(len(mentions), pd.NA, dtype=object)
    rows = np.flatnonzero(mention_index.positions(mentions["article_id"], wanted["article_id"]) >= 0)
    found = mentions.iloc[rows]
    for row, article_id, field, start in zip(rows, found["article_id"], found["field"], found["start"]):
        if field == "title":
            out[row] = titles[article_id]
            continue
        if article_id not in paragraph_starts:
            starts, offset = [], 0
            for paragraph in str(texts[article_id]).split(PARAGRAPH_BREAK):
                if paragraph.strip():
                    starts.append(offset)
                offset += len(paragraph) + len(PARAGRAPH_BREAK)
            paragraph_starts[article_id] = starts
            translated[article_id] = str(translated[article_id]).split(PARAGRAPH_BREAK)
        index = max(0, bisect.bisect_right(paragraph_starts[article_id], int(start)) - 1)
        paragraphs = translated[article_id]
        out[row] = paragraphs[index] if index < len(paragraphs) else pd.NA
    return pd.Series(out, index=mentions.index, dtype="string")


def status_by_language(articles: pd.DataFrame) -> pd.DataFrame:
    """How far translation has come, one row per language (most articles first).

    Needs: articles[language, translation_status, translation_error] (``with_translations``).
    Returns: language ("unknown" where lingua could not tell), translated, pending, failed (pending
    with an error from the last run: also counted in pending), not needed, articles.
    """
    schema.require_columns(articles, ("language", "translation_status", "translation_error"), stage="translate")
    language = articles["language"].astype("string").fillna("unknown")
    counts = pd.crosstab(language, articles["translation_status"]).reindex(
        columns=[STATUS_TRANSLATED, STATUS_PENDING, STATUS_NOT_NEEDED], fill_value=0)
    failed = (articles["translation_status"].eq(STATUS_PENDING) & articles["translation_error"].notna()).groupby(language).sum()
    counts.insert(2, "failed", failed.reindex(counts.index, fill_value=0).astype("int64"))
    counts["articles"] = counts[[STATUS_TRANSLATED, STATUS_PENDING, STATUS_NOT_NEEDED]].sum(axis=1)
    counts = counts.rename_axis("language").reset_index().rename_axis(None, axis=1)
    return counts.sort_values(["articles", "language"], ascending=[False, True]).reset_index(drop=True)


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

    def describe(self) -> str:
        text = (f"translated to {self.target}: {self.translated} article(s) translated, {self.from_memory} from memory, "
                f"{self.skipped} skipped (already {self.target}), {self.failed} failed"
                f" · {self.requests} request(s), {self.memory_hits}/{self.segments} segment(s) from memory")
        if self.not_attempted:
            text += f" · {self.not_attempted} not attempted"
        if self.stopped:
            text += f"\nstopped early: {self.stopped} (untranslated articles stay pending; run again to resume)"
        return text


def run(engine, settings: Settings, send: Sender | None = None, limit: int | None = None,
        progress: Callable[[int, int, RunSummary], None] | None = None,
        should_stop: Callable[[], bool] = lambda: False, sleep: Callable[[float], None] = time.sleep) -> RunSummary:
    """Translate every stored article that has no translation into ``settings.target`` yet (at
    most ``limit``). Each article's translation is stored in its own transaction; memory rows are
    stored as each request returns. Ends early, leaving the rest pending, when ``should_stop``
    says so (it is asked before every request, and a request in flight is cut within
    ``bounded_http.STOP_POLL_SECONDS``), when the key is refused, or when ``give_up_after``
    articles in a row fail to reach the provider."""
    from core import store

    send = send or make_sender(settings, should_stop)
    summary = RunSummary(target=settings.target)
    summary.skipped = store.count_in_language(engine, settings.target)
    due = store.load_untranslated(engine, settings.target, limit=limit)
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
            return store.lookup_memory(engine, *memory_key, hashes)

        def remember(pairs: list[tuple[str, str]]) -> None:
            store.save_memory(engine, *memory_key, [(segment_hash(s), s, t) for s, t in pairs])

        try:
            result = translate_article(title, article.text, language, settings, lookup, send, remember, sleep, batching,
                                       should_stop)
        except Cancelled:
            # The article is left as it was (what earlier requests learnt is in the memory).
            summary.stopped = "cancelled"
            summary.not_attempted = len(due) - position + 1
            break
        except TranslationError as error:
            store.save_translation(engine, article.article_id, settings.target, settings.provider,
                                   None, None, STATUS_PENDING, str(error))
            summary.failed += 1
            network_failures = network_failures + 1 if error.network else 0
            if error.stop:
                summary.stopped = str(error)
            elif network_failures >= settings.give_up_after:
                summary.stopped = f"{network_failures} articles in a row failed: {error}"
        else:
            network_failures = 0
            store.save_translation(engine, article.article_id, settings.target, settings.provider,
                                   result.title, result.text, STATUS_TRANSLATED, None)
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
