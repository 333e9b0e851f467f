"""A requests Session whose calls are bounded in time and in size.

deep-translator calls ``requests.get``/``requests.post`` itself, with no timeout, and reads the
whole answer into memory (``response.json()``, ``response.text``). So a server that trickles one
byte every few seconds held a run for ever (a socket timeout bounds each read, not the request),
and a flood or a gzip bomb was read, unpacked and stored whole. ``core.translate.providers`` makes
those calls on a ``BoundedSession`` instead; every call on it is bounded as a whole:

- a watchdog thread shuts down the call's sockets when ``seconds`` have passed since the call
  began, or as soon as ``should_stop()`` says so: a read blocked in ``recv`` returns at once,
  whatever phase the call is in (headers, body, a redirect). The sockets are recorded by the
  connection classes of the transport adapter the session mounts;
- each connect is given only the time left, so a redirect cannot start a new full timeout;
- the answer is refused before reading when its Content-Length is over ``max_bytes``, and is
  otherwise read streamed, decoded in chunks of ``CHUNK_BYTES`` (urllib3 >= 2.6 never lets one
  decoding step expand past the requested chunk), stopping as soon as it passes ``max_bytes``.
  The adapter does this for every response, redirects included (requests reads a redirect's body
  whole to release its connection: here it is already read, within the cap).

A call is one request, or every request made inside ``with session.bounded():`` (a client that
makes two requests for one translation has one deadline for both). It raises
``DeadlineExceeded``, ``AnswerTooLarge`` or ``Cancelled``. Like a fresh ``requests.get``, it keeps
no connection and no cookie for the next call. Nothing of ``requests`` is patched: other Sessions,
and other callers in the process, are left as they were.
"""
from __future__ import annotations

import contextlib
import dataclasses
import socket
import threading
import time
from collections.abc import Callable, Iterator

import requests
from requests.adapters import HTTPAdapter
from urllib3 import connection, connectionpool
from urllib3.exceptions import ConnectTimeoutError
from urllib3.util import Retry

# Bytes read and decoded per step. Each step holds at most this much decoded data beyond what is
# kept, so a 1 GiB gzip bomb costs this much memory per step, and a refused answer costs at most
# ``max_bytes`` plus one chunk. 64 KiB keeps a normal answer (a few KB) to one step.
CHUNK_BYTES = 64 * 1024
# How often the watchdog asks ``should_stop``: the app's Stop button ends a request in flight
# within this, not only at its deadline. Each check is one call of a cheap flag.
STOP_POLL_SECONDS = 0.25


class BoundError(Exception):
    """A call that was cut short. The message is a phrase to follow the provider's name."""


class DeadlineExceeded(BoundError):
    def __init__(self, seconds: float):
        super().__init__(f"no complete answer within {seconds:g} s")
        self.seconds = seconds


class AnswerTooLarge(BoundError):
    def __init__(self, max_bytes: int):
        super().__init__(f"answer larger than {_describe_size(max_bytes)}")
        self.max_bytes = max_bytes


class Cancelled(BoundError):
    def __init__(self):
        super().__init__("cancelled")


def _describe_size(size: int) -> str:
    """``2097152`` as "2 MB", ``65536`` as "64 KB" (binary units, as the settings use them)."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size} bytes"


@dataclasses.dataclass(frozen=True)
class Probe:
    """What ``BoundedSession.probe`` learnt of a server: whether a connection to it was made, the
    HTTP status it answered with (None without an answer) and the error that ended the call."""

    connected: bool
    status: int | None
    error: Exception | None


class BoundedSession(requests.Session):
    """A Session whose every call ends within ``seconds``, reads at most ``max_bytes`` of an
    answer, and is cut when ``should_stop()`` says so (see the module's docstring). Used by one
    thread at a time, as any requests Session.

    ``retry_after``: the ``Retry-After`` header of the last call's answer with a status that may
    carry one (413, 429, 503), as sent; None when it had none."""

    def __init__(self, seconds: float, max_bytes: int, should_stop: Callable[[], bool] = lambda: False):
        super().__init__()
        self.seconds, self.max_bytes, self.should_stop = seconds, max_bytes, should_stop
        self.retry_after: str | None = None
        self._call: _Call | None = None
        adapter = _BoundedAdapter(self)
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    @contextlib.contextmanager
    def bounded(self) -> Iterator[None]:
        """One call: every request inside the block shares one deadline. The watchdog thread is
        joined before the block ends: none is left behind. Inside a call, a block is part of it."""
        if self._call is not None:
            yield
            return
        call = _Call(self.seconds, self.should_stop)
        self._call, self.retry_after = call, None
        watchdog = threading.Thread(target=call.watch, name="geowire-http-watchdog", daemon=True)
        watchdog.start()
        try:
            yield
        except BoundError:
            raise
        except Exception as error:  # once the watchdog has cut the sockets, any failure is its doing
            call.raise_if_cut(error)
            raise
        else:
            # A body with neither length nor chunks ends where the connection does: a cut one looks
            # complete. An answer finished at the deadline's edge is refused the same way.
            call.raise_if_cut(None)
        finally:
            call.ended.set()
            watchdog.join()
            self._call = None
            # As after requests.get: the next call opens its own connections (whose sockets its
            # watchdog records) and sends no cookie this one was given.
            self.close()
            self.cookies.clear()

    def probe(self, url: str) -> Probe:
        """Whether the server of ``url`` can be reached: one HEAD request within the session's
        bounds, no redirect followed. Any answer, whatever its status, and a connection made but
        not answered in time both count as reached (``connected``); a name that does not resolve,
        a refused connection or no connection before the deadline do not."""
        connected = False
        try:
            with self.bounded():
                call = self._call
                try:
                    response = self.head(url, allow_redirects=False)
                finally:
                    connected = bool(call._sockets)  # recorded once a connection is made
        except (BoundError, requests.RequestException) as error:
            return Probe(connected, None, error)
        return Probe(True, response.status_code, None)

    def send(self, request, **kwargs):
        # Session.request and each redirect come through here.
        with self.bounded():
            call = self._call
            left = call.remaining()
            if call.cut or left <= 0:
                call.raise_if_cut(None)
            # The per-read timeout is no bound on its own (a trickle resets it); it stops a read
            # that the watchdog could not reach (a TLS handshake in progress) at the deadline.
            kwargs["timeout"] = (left, left)
            return super().send(request, **kwargs)


# --- the call and its watchdog -----------------------------------------------------------------

class _Call:
    def __init__(self, seconds: float, should_stop: Callable[[], bool]):
        self.seconds, self.should_stop = seconds, should_stop
        self.ends_at = time.monotonic() + seconds
        self.ended = threading.Event()
        self.cut: str | None = None  # "deadline" | "cancelled" once the watchdog has acted
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []

    def remaining(self) -> float:
        return self.ends_at - time.monotonic()

    def watch(self) -> None:
        while True:
            left = self.remaining()
            if left <= 0:
                return self._cut("deadline")
            if self.ended.wait(min(left, STOP_POLL_SECONDS)):
                return
            if self.should_stop():
                return self._cut("cancelled")

    def record(self, sock: socket.socket) -> None:
        with self._lock:
            if any(known is sock for known in self._sockets):
                return
            self._sockets.append(sock)
            if self.cut:  # cut while this socket was connecting
                _shut(sock)

    def raise_if_cut(self, error: Exception | None) -> None:
        if self.cut == "cancelled":
            raise Cancelled() from error
        if self.cut == "deadline" or self.remaining() <= 0:
            raise DeadlineExceeded(self.seconds) from error

    def _cut(self, reason: str) -> None:
        with self._lock:
            self.cut = reason
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    # ``socket.socket.shutdown`` is called unbound so that an SSLSocket's own ``shutdown`` (which
    # drops its TLS state under the reading thread's feet) is bypassed: only the descriptor is
    # shut, and the reader sees the end of the stream.
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:  # already closed by its owner (EBADF) or never connected (ENOTCONN): nothing blocks on it
        return


# --- requests and urllib3 plumbing ---------------------------------------------------------------

class _BoundedAdapter(HTTPAdapter):
    """Connections that the session's watchdog can reach, and every body read within the cap."""

    def __init__(self, session: BoundedSession):
        self._session = session
        self._pool_classes = _pool_classes(session)
        super().__init__()  # builds the pool manager: the pool classes must be there first

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(self._pool_classes)

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS managers bring their own connections
            manager.pool_classes_by_scheme = dict(self._pool_classes)
        return manager

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        response = super().send(request, stream=True, timeout=timeout, verify=verify, cert=cert, proxies=proxies)
        if response.status_code in Retry.RETRY_AFTER_STATUS_CODES:
            self._session.retry_after = response.headers.get("Retry-After")
        try:
            response._content = _read_capped(response, self._session.max_bytes)
            response._content_consumed = True
        finally:
            # Read in full, the connection goes back to the pool (closed at the end of the call);
            # cut short, it is closed here, with whatever the server still sends.
            response.close()
        return response


def _pool_classes(session: BoundedSession) -> dict:
    """Connection pools whose connections record their sockets in ``session``'s call."""

    class Recorded:
        """Records the plain socket as soon as it is connected, and the TLS socket wrapped around
        it once the handshake is done (wrapping moves the descriptor to the new object). The
        connection object itself is no handle: http.client lets go of ``sock`` once the headers
        of a response that ends with the connection are read, and the body is read from there."""

        def _new_conn(self):
            call = session._call
            if call is not None:
                left = call.remaining()
                if call.cut or left <= 0:
                    raise ConnectTimeoutError(self, "the request's deadline passed before connecting")
                # A redirect's connect gets what is left of the deadline, not a fresh timeout.
                self.timeout = min(self.timeout, left) if isinstance(self.timeout, (int, float)) else left
            sock = super()._new_conn()
            if call is not None:
                call.record(sock)
            return sock

        def connect(self):
            super().connect()
            call = session._call
            if call is not None and self.sock is not None:
                call.record(self.sock)

    class HTTPConnection(Recorded, connection.HTTPConnection):
        pass

    class HTTPSConnection(Recorded, connection.HTTPSConnection):
        pass

    class HTTPPool(connectionpool.HTTPConnectionPool):
        ConnectionCls = HTTPConnection

    class HTTPSPool(connectionpool.HTTPSConnectionPool):
        ConnectionCls = HTTPSConnection

    return {"http": HTTPPool, "https": HTTPSPool}


def _read_capped(response, max_bytes: int) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared is not None and declared.strip().isdigit() and int(declared) > max_bytes:
        raise AnswerTooLarge(max_bytes)
    parts, size = [], 0
    # iter_content decodes (gzip, deflate, ...) through urllib3's stream(): at most CHUNK_BYTES
    # of decoded data per step. raw.tell() counts the bytes as sent, before decoding.
    for chunk in response.iter_content(CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes or response.raw.tell() > max_bytes:
            raise AnswerTooLarge(max_bytes)
        parts.append(chunk)
    return b"".join(parts)
