"""The translation providers: deep-translator's clients as a ``Sender``, their failures classified;
where each sends the articles' text (``destination``) and whether it can be reached before a run
starts (``check_reachable``).

deep-translator 1.11 takes no session: its clients call ``requests.get``/``requests.post`` of their
module, with no timeout. ``make_sender`` gives each client class a subclass whose methods that call
``requests`` are copies of deep-translator's, run with their module's globals but for the name
``requests``, which there names a ``bounded_http.BoundedSession``'s ``get`` and ``post``. So every
request a client makes is bounded, and nothing is patched: deep-translator's modules, ``requests``
and every other caller in the process see no change.
"""
from __future__ import annotations

import dataclasses
import ipaddress
import time
import types
from collections.abc import Callable
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import InvalidHeader
from urllib3.util import Retry

from core import config
from core.errors import ConfigError
from core.translate import bounded_http

Sender = Callable[[str, str, str], str]  # (text, source language or "auto", target) -> translation

NOT_CONFIGURED = ("no translation provider is configured. A self-hosted LibreTranslate keeps the text on your "
                  "machine: set GEOWIRE_TRANSLATE_URL (e.g. http://127.0.0.1:5000/) or pass --provider libre --url "
                  "URL. google, deepl, microsoft and mymemory send the articles' text to their servers: choose one "
                  "with GEOWIRE_TRANSLATOR or --provider only if that is allowed.")
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


# --- where the text goes ------------------------------------------------------------------------

# The services, as a reader knows them, and the address each client sends to. The addresses are
# deep-translator's (``deep_translator.constants.BASE_URLS``, checked by tests/test_translation_provider.py),
# written here because importing that module loads every client (0.1-0.3 s) on pages that only
# say where the text would go.
SERVICES = {"libre": "LibreTranslate", "google": "Google Translate", "deepl": "DeepL",
            "microsoft": "Microsoft Translator", "mymemory": "MyMemory"}
PUBLIC_LIBRE_URL = "https://libretranslate.com/"
_ENDPOINTS = {"google": "https://translate.google.com/m", "deepl": "https://api.deepl.com/",
              "deepl_free": "https://api-free.deepl.com/", "microsoft": "https://api.cognitive.microsofttranslator.com/",
              "mymemory": "http://api.mymemory.translated.net/get"}
# Who runs each commercial service: the text is on their servers once sent.
_OPERATORS = {"google": "Google", "deepl": "DeepL", "microsoft": "Microsoft", "mymemory": "Translated"}
# Where a destination is: "none" (no provider), "this machine", "local network" or "elsewhere".
THIS_MACHINE, LOCAL_NETWORK, ELSEWHERE = "this machine", "local network", "elsewhere"


@dataclasses.dataclass(frozen=True)
class Destination:
    """The service that receives the articles' text under some settings, and where it is."""

    provider: str
    service: str  # "Google Translate"; "" without a provider
    url: str  # the address the client sends to; "" without a provider
    where: str  # "none" | THIS_MACHINE | LOCAL_NETWORK | ELSEWHERE

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def leaves_machine(self) -> bool:
        return self.where in (LOCAL_NETWORK, ELSEWHERE)

    def describe(self) -> str:
        """One plain sentence saying who receives the text."""
        if self.where == "none":
            return ("No translation provider is configured: nothing is translated, and no article text leaves this "
                    "machine.")
        if self.where == THIS_MACHINE:
            return f"Article text is sent to {self.service} at {self.url}, on this machine: it does not leave it."
        if self.where == LOCAL_NETWORK:
            return (f"Article text is sent to {self.service} at {self.url}: another machine on your local network "
                    "(it leaves this machine).")
        operator = _OPERATORS.get(self.provider)
        if operator:
            return f"Article text is sent to {self.service} ({self.host}), on {operator}'s servers: it leaves this machine."
        return f"Article text is sent to {self.service} at {self.url}, on the server {self.host}: it leaves this machine."


def destination(settings: config.TranslationSettings) -> Destination:
    """Where ``settings`` send the articles' text. Nothing is looked up: a host named by an address
    of this machine or of a private network is placed there, any other host is ``ELSEWHERE``."""
    provider = settings.provider
    if not settings.configured:
        return Destination(provider, "", "", "none")
    if provider == "libre":
        url = settings.url or PUBLIC_LIBRE_URL
    elif provider == "deepl" and (settings.key or "").endswith(":fx"):
        url = _ENDPOINTS["deepl_free"]
    else:
        url = _ENDPOINTS[provider]
    return Destination(provider, SERVICES[provider], url, _where(urlsplit(url).hostname or ""))


def _where(host: str) -> str:
    if host == "localhost" or host.endswith(".localhost"):
        return THIS_MACHINE
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return ELSEWHERE
    if address.is_loopback or address.is_unspecified:
        return THIS_MACHINE
    return LOCAL_NETWORK if address.is_private or address.is_link_local else ELSEWHERE


# --- can it be reached ----------------------------------------------------------------------------

# Seconds the check before a run may take: a connection to a server that is up takes a fraction
# of this (a TLS handshake to a far host ~0.3 s); offline, a name that does not resolve fails at
# once and a dropped connection is given up here rather than after a request's full timeout,
# retries and back-off (12 s and more before this check existed).
REACH_SECONDS = 2.0
_PROBE_MAX_BYTES = 64 * 1024  # a HEAD answer has no body; a server that sends one anyway is cut here


@dataclasses.dataclass(frozen=True)
class Reachability:
    """The outcome of ``check_reachable``: whether the provider can be reached, a sentence saying
    so (naming the host, and why not), and how long the check took."""

    reachable: bool
    message: str
    seconds: float


def check_reachable(settings: config.TranslationSettings, seconds: float = REACH_SECONDS,
                    should_stop: Callable[[], bool] = lambda: False) -> Reachability:
    """Whether the provider of ``settings`` can be reached at all: a connection to its host within
    ``seconds``, through a ``bounded_http.BoundedSession`` (so proxies are used as a run would use
    them). Nothing of an article is sent. Raises ``Cancelled`` when ``should_stop`` says so."""
    where = destination(settings)
    if not settings.configured:
        return Reachability(False, where.describe(), 0.0)
    started = time.monotonic()
    probe = bounded_http.BoundedSession(seconds, _PROBE_MAX_BYTES, should_stop).probe(where.url)
    took = time.monotonic() - started
    if isinstance(probe.error, bounded_http.Cancelled):
        raise Cancelled()
    if probe.connected:
        return Reachability(True, f"{where.service} at {where.host} can be reached ({took:.1f} s)", took)
    return Reachability(False, f"{where.service} is unreachable: {_unreachable_reason(probe.error, where, seconds)}"
                               f" — checked in {took:.1f} s, nothing was sent", took)


def _unreachable_reason(error: Exception | None, where: Destination, seconds: float) -> str:
    reason = _reason(error) if error is not None else "no connection"
    if reason in ("name or service not known", "temporary failure in name resolution"):
        return f"offline, or {where.host} is not a known host ({reason})"
    if reason in ("network is unreachable", "no route to host"):
        return f"offline ({reason})"
    if reason == "connection refused":
        port = urlsplit(where.url).port or (443 if where.url.startswith("https") else 80)
        return f"nothing answers at {where.host}:{port} (connection refused)"
    if isinstance(error, bounded_http.DeadlineExceeded):
        return f"offline, or {where.host} does not accept a connection (none within {seconds:g} s)"
    return f"cannot connect to {where.host} ({reason})"


# --- sending --------------------------------------------------------------------------------------

def make_sender(settings: config.TranslationSettings, should_stop: Callable[[], bool] = lambda: False) -> Sender:
    """A deep-translator client for ``settings`` as a ``Sender``. Each call is bounded as a whole
    (``bounded_http.BoundedSession``): ``settings.timeout`` seconds for everything the client does
    over the network, answers of at most ``settings.max_response_bytes`` after decoding, and cut at
    once when ``should_stop()`` says so. It raises TranslationError (see ``classify``); ConfigError
    at once when no provider is configured."""
    if not settings.configured:
        raise ConfigError(NOT_CONFIGURED)
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
        url = settings.url or PUBLIC_LIBRE_URL
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


def _reason(error: BaseException) -> str:
    text = str(error)
    for marker in ("Connection refused", "Name or service not known", "Temporary failure in name resolution",
                   "Network is unreachable", "No route to host", "Connection reset"):
        if marker in text:
            return marker.lower()
    return text[:160]
