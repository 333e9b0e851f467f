"""The translation providers: deep-translator's clients as a ``Sender``, their failures classified.

deep-translator 1.11 takes no session: its clients call ``requests.get``/``requests.post`` of their
module, with no timeout. ``make_sender`` gives each client class a subclass whose methods that call
``requests`` are copies of deep-translator's, run with their module's globals but for the name
``requests``, which there names a ``bounded_http.BoundedSession``'s ``get`` and ``post``. So every
request a client makes is bounded, and nothing is patched: deep-translator's modules, ``requests``
and every other caller in the process see no change.
"""
from __future__ import annotations

import types
from collections.abc import Callable

import requests
from urllib3.exceptions import InvalidHeader
from urllib3.util import Retry

from core import config
from core.translate import bounded_http

Sender = Callable[[str, str, str], str]  # (text, source language or "auto", target) -> translation

# Providers that need a key before any request can succeed.
NEEDS_KEY = ("deepl", "microsoft")
# Codes that differ between ISO 639-1 (our ``language`` column) and a provider's.
_PROVIDER_CODES = {"google": {"he": "iw"}}
# Longest wait a server's Retry-After is honoured for, in seconds; a longer one is cut to this.
# LibreTranslate's public rate limits are per minute; a server asking for more (hours, or a date
# far ahead) would hold the run that long for a few requests, and give_up_after ends it sooner.
MAX_RETRY_AFTER_SECONDS = 60
_RETRY_AFTER = Retry(total=0, retry_after_max=MAX_RETRY_AFTER_SECONDS)  # parses and caps the header


class TranslationError(Exception):
    """A provider call that failed. ``retry``: waiting may cure it (timeouts, 5xx, rate limits);
    ``stop``: every further request will fail too (no key, refused key); ``network``: the provider
    could not be reached or did not answer in time; ``retry_after``: seconds the server asked to
    wait before the next request (its Retry-After, at most MAX_RETRY_AFTER_SECONDS), else None."""

    def __init__(self, message: str, retry: bool = False, stop: bool = False, network: bool = False,
                 retry_after: float | None = None):
        super().__init__(message)
        self.retry, self.stop, self.network, self.retry_after = retry, stop, network, retry_after


class Cancelled(TranslationError):
    """The run was asked to stop (the app's Stop button) before or during a request. Not a failure
    of the article: it stays as it was, and nothing of the cut request is kept."""

    def __init__(self):
        super().__init__("cancelled", stop=True)


def make_sender(settings: config.TranslationSettings, should_stop: Callable[[], bool] = lambda: False) -> Sender:
    """A deep-translator client for ``settings`` as a ``Sender``. Each call is bounded as a whole
    (``bounded_http.BoundedSession``): ``settings.timeout`` seconds for everything the client does
    over the network, answers of at most ``settings.max_response_bytes`` after decoding, and cut at
    once when ``should_stop()`` says so. It raises TranslationError (see ``classify``)."""
    if settings.provider not in config.TRANSLATION_PROVIDERS:
        raise ValueError(f"unknown translation provider {settings.provider!r} "
                         f"(choose from: {', '.join(config.TRANSLATION_PROVIDERS)})")
    session = bounded_http.BoundedSession(settings.timeout, settings.max_response_bytes, should_stop)
    clients: dict[tuple[str, str], object] = {}

    def send(text: str, source: str, target: str) -> str:
        codes = _PROVIDER_CODES.get(settings.provider, {})
        pair = (codes.get(source, source), codes.get(target, target))
        try:
            with session.bounded():
                if pair not in clients:
                    # Inside the bounds: Microsoft's client fetches its language list when it is built.
                    clients[pair] = _client(settings, session, *pair)
                return clients[pair].translate(text)
        except Exception as error:  # classified here, where the answer's Retry-After is known
            raise classify(error, settings, session.retry_after) from error

    return send


def _client(settings: config.TranslationSettings, session: requests.Session, source: str, target: str):
    # Imported when the first client is built: deep-translator and BeautifulSoup take ~0.1 s to
    # import, which commands and pages that translate nothing should not pay.
    import deep_translator as dt

    if settings.provider in NEEDS_KEY and not settings.key:
        raise dt.exceptions.ApiKeyException("GEOWIRE_TRANSLATE_KEY")
    if settings.provider == "libre":
        url = settings.url or "https://libretranslate.com/"
        # The client requires a key even for servers that take none; any non-empty value does.
        client = _on_session(dt.LibreTranslator, session)(source="auto", target="en", api_key=settings.key or "none",
                                                          custom_url=url if url.endswith("/") else url + "/")
    elif settings.provider == "google":
        client = _on_session(dt.GoogleTranslator, session)(source="auto", target="en")
    elif settings.provider == "deepl":
        client = _on_session(dt.DeeplTranslator, session)(source="en", target="de", api_key=settings.key,
                                                          use_free_api=settings.key.endswith(":fx"))
    elif settings.provider == "microsoft":
        client = _on_session(dt.MicrosoftTranslator, session)(source="auto", target="en", api_key=settings.key,
                                                              region=settings.region)
    else:
        client = _on_session(dt.MyMemoryTranslator, session)(source="en-GB", target="fr-FR")
    # deep-translator's language tables are fixed at release and lack languages the servers do
    # support (Persian and Hebrew for LibreTranslate): set the codes directly and let the server
    # answer for itself.
    client.source, client.target = source, target
    return client


def _on_session(client_class: type, session: requests.Session) -> type:
    """A subclass of ``client_class`` whose methods see ``session`` where they say ``requests``
    (see the module's docstring). Methods that do not name ``requests`` are inherited as they are."""
    stand_in = types.SimpleNamespace(get=session.get, post=session.post, exceptions=requests.exceptions)
    methods, seen = {}, set()
    for owner in client_class.__mro__:
        for name, function in vars(owner).items():
            if name in seen:
                continue
            seen.add(name)
            if isinstance(function, types.FunctionType) and "requests" in function.__code__.co_names:
                copy = types.FunctionType(function.__code__, {**function.__globals__, "requests": stand_in},
                                          function.__name__, function.__defaults__, function.__closure__)
                copy.__kwdefaults__, copy.__qualname__ = function.__kwdefaults__, function.__qualname__
                methods[name] = copy
    return type(client_class.__name__, (client_class,), methods)


def classify(error: Exception, settings: config.TranslationSettings, retry_after: str | None = None) -> TranslationError:
    """A provider or transport exception as a TranslationError with a message a user can act on.
    ``retry_after``: the Retry-After header of the answer that failed, honoured (up to
    MAX_RETRY_AFTER_SECONDS) when the error is one that waiting may cure."""
    classified = _classify(error, settings)
    if classified.retry and retry_after is not None and classified.retry_after is None:
        try:
            classified.retry_after = float(_RETRY_AFTER.parse_retry_after(retry_after))
        except InvalidHeader:  # neither seconds nor an HTTP date: back off as if it were absent
            pass
    return classified


def _classify(error: Exception, settings: config.TranslationSettings) -> TranslationError:
    # Imported here, not at the top, for the reason _client gives (a sender built by make_sender has
    # imported it already; one passed in by a caller may not have).
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
