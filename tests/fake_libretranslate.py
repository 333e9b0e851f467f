"""A local server speaking LibreTranslate's ``POST /translate`` protocol, for the tests and the
translation benchmark (no translation service can be reached from this machine or from CI).

Its "translation" is deterministic: every paragraph of ``q`` comes back as ``[target] paragraph``,
so a test can tell what was translated, in which order, and where paragraphs were kept. ``mode``
makes it misbehave the way real servers do: HTTP 500, a stall longer than the client's timeout,
rate limiting (429, with ``retry_after`` as its Retry-After header when given), malformed JSON, or a
reply without ``translatedText``; and the way a hostile
one would (see HOSTILE_MODES). With ``bad_requests=N`` only the first N requests misbehave and
the rest are answered well, so a test can check that a run goes on after a refused answer.

Run alone (the translation benchmark does): ``python -m tests.fake_libretranslate --port 5555 --delay 0.2``.
"""
from __future__ import annotations

import argparse
import functools
import json
import struct
import threading
import time
import urllib.parse
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# What each hostile mode does with a request:
HOSTILE_MODES = {
    "trickle_body": "headers at once, then a valid answer one byte every trickle_seconds",
    "trickle_headers": "the status line and headers one byte every trickle_seconds",
    "silent": "reads the request and never answers",
    "flood": "a valid JSON answer of flood_bytes, with its Content-Length",
    "flood_unsized": "the same without Content-Length, ended by closing the connection",
    "flood_chunked": "the same with Transfer-Encoding: chunked",
    "gzip_bomb": "Content-Encoding: gzip, about 1 MB that unpacks to 1 GiB (one gzip member)",
    "redirect_bomb": "a redirect (307, to the same address) whose body is the gzip bomb",
    "verbose": "a valid answer `growth` times longer than the text sent",
}
MODES = ("ok", "error500", "stall", "ratelimit", "malformed", "no_field", "ratelimit_once", *HOSTILE_MODES)
# Flood answers are written in pieces of this size, so the server never holds a flood whole.
_FLOOD_PIECE = 64 * 1024
_FLOOD_FILLER = (b"padding " * (_FLOOD_PIECE // 8))[:_FLOOD_PIECE]
BOMB_UNPACKED_BYTES = 1024 ** 3


def fake_translation(q: str, target: str) -> str:
    return "\n\n".join(f"[{target}] {paragraph}" for paragraph in q.split("\n\n"))


@functools.cache
def gzip_bomb() -> bytes:
    """One gzip member of about 1 MB that unpacks to 1 GiB: the start of a JSON answer, then
    ``a`` for ever. Built from one full-flushed deflate block repeated (each flush resets the
    compressor, so every 1 MiB of ``a`` compresses to the same ~1 KB): 0.4 s instead of the 3 s
    that compressing 1 GiB takes."""
    start = b'{"translatedText": "'
    block = b"a" * (1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: the gzip framing is ours
    head = compressor.compress(start) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeated = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush(zlib.Z_FINISH)
    count = (BOMB_UNPACKED_BYTES - len(start)) // len(block)
    crc = zlib.crc32(start)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    size = len(start) + count * len(block)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + head + repeated * count + tail + struct.pack("<II", crc, size & 0xFFFFFFFF)


class FakeLibreTranslate:
    """The server on 127.0.0.1 in a background thread; ``url`` is the base URL for the client."""

    def __init__(self, mode: str = "ok", delay: float = 0.0, max_chars: int | None = None, port: int = 0,
                 bad_requests: int | None = None, trickle_seconds: float = 1.0, flood_bytes: int = 40 * 1024 * 1024,
                 growth: int = 50, certificate: tuple | None = None, retry_after: str | None = None):
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r} (choose from: {', '.join(MODES)})")
        self.mode, self.delay, self.max_chars = mode, delay, max_chars
        self.bad_requests, self.trickle_seconds, self.flood_bytes, self.growth = bad_requests, trickle_seconds, flood_bytes, growth
        self.retry_after = retry_after
        self.requests: list[dict] = []
        self.bytes_sent = 0  # body bytes of hostile answers actually written before the client left
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self.scheme = "http"
        if certificate is not None:  # (certificate file, key file): serve HTTPS
            import ssl

            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*map(str, certificate))
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self._server.server_address[1]}/"

    def __enter__(self):
        if self.mode in ("gzip_bomb", "redirect_bomb"):
            gzip_bomb()  # built before the first request, not inside the client's deadline
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._closing.set()  # ends the handlers that trickle or stay silent
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_POST(self):
                parsed = urllib.parse.urlsplit(self.path)
                params = {k: v[0] for k, v in urllib.parse.parse_qs(parsed.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if body:
                    kind = self.headers.get("Content-Type", "")
                    params.update(json.loads(body) if "json" in kind else
                                  {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()})
                with fake._lock:
                    fake.requests.append(params)
                    count = len(fake.requests)
                if parsed.path != "/translate":
                    return self._send(404, {"error": "not found"})
                if fake.delay:
                    time.sleep(fake.delay)
                q, target = params.get("q", ""), params.get("target", "en")
                answer = fake_translation(q, target)
                if fake.max_chars is not None and len(q) > fake.max_chars:
                    return self._send(413, {"error": f"text longer than {fake.max_chars} characters"})
                mode = fake.mode if fake.bad_requests is None or count <= fake.bad_requests else "ok"
                try:
                    if mode in HOSTILE_MODES:
                        return getattr(self, f"_{mode}")(q, answer)
                except OSError:  # the client refused the answer and left (a broken pipe, or a TLS error)
                    return
                if mode == "error500":
                    return self._send(500, {"error": "internal error"})
                if mode == "stall":
                    time.sleep(30)
                    return self._send(200, {"translatedText": answer})
                if mode == "ratelimit" or (mode == "ratelimit_once" and count == 1):
                    return self._send(429, {"error": "Slowdown: 10 per 1 minute"},
                                      {"Retry-After": fake.retry_after} if fake.retry_after is not None else {})
                if mode == "malformed":
                    return self._send_raw(200, b'{"translatedText": "unterminated')
                if mode == "no_field":
                    return self._send(200, {"detectedLanguage": {"language": "fr"}})
                return self._send(200, {"translatedText": answer})

            # --- hostile answers ------------------------------------------------------------

            def _trickle(self, data: bytes):
                for index in range(len(data)):
                    if fake._closing.wait(fake.trickle_seconds):
                        return
                    self.wfile.write(data[index:index + 1])
                    self.wfile.flush()

            def _trickle_body(self, q, answer):
                data = json.dumps({"translatedText": answer}).encode()
                self._headers(200, {"Content-Length": str(len(data))})
                self._trickle(data)

            def _trickle_headers(self, q, answer):
                data = json.dumps({"translatedText": answer}).encode()
                head = (f"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n"
                        f"Content-Length: {len(data)}\r\n\r\n").encode()
                self._trickle(head + data)

            def _silent(self, q, answer):
                fake._closing.wait()

            def _flood_pieces(self, answer: str):
                start = json.dumps({"translatedText": answer + " "}).encode()[:-2]  # up to the closing quote
                end = b'"}'
                filler = _FLOOD_FILLER
                count = max(0, fake.flood_bytes - len(start) - len(end)) // len(filler)
                return start, filler, count, end, len(start) + count * len(filler) + len(end)

            def _write_flood(self, start, filler, count, end, chunked=False):
                for piece in (start, *([filler] * count), end):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
                    with fake._lock:
                        fake.bytes_sent += len(piece)
                if chunked:
                    self.wfile.write(b"0\r\n\r\n")

            def _flood(self, q, answer):
                start, filler, count, end, size = self._flood_pieces(answer)
                self._headers(200, {"Content-Length": str(size)})
                self._write_flood(start, filler, count, end)

            def _flood_unsized(self, q, answer):
                start, filler, count, end, _ = self._flood_pieces(answer)
                self._headers(200, {"Connection": "close"})
                self._write_flood(start, filler, count, end)

            def _flood_chunked(self, q, answer):
                start, filler, count, end, _ = self._flood_pieces(answer)
                self.protocol_version = "HTTP/1.1"  # chunked transfer is HTTP/1.1
                self._headers(200, {"Transfer-Encoding": "chunked", "Connection": "close"})
                self._write_flood(start, filler, count, end, chunked=True)

            def _gzip_bomb(self, q, answer, status=200, headers=None):
                data = gzip_bomb()
                self._headers(status, {"Content-Encoding": "gzip", "Content-Length": str(len(data)), **(headers or {})})
                for offset in range(0, len(data), _FLOOD_PIECE):
                    self.wfile.write(data[offset:offset + _FLOOD_PIECE])
                    with fake._lock:
                        fake.bytes_sent += min(_FLOOD_PIECE, len(data) - offset)

            def _redirect_bomb(self, q, answer):
                # requests reads a redirect's body whole (to free the connection) before following it.
                self._gzip_bomb(q, answer, status=307, headers={"Location": self.path})

            def _verbose(self, q, answer):
                padded = (answer + " ") * max(1, fake.growth * len(q) // (len(answer) + 1) + 1)
                self._send(200, {"translatedText": padded[:fake.growth * len(q)]})

            # --- plain answers --------------------------------------------------------------

            def _headers(self, status: int, headers: dict):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()

            def _send(self, status: int, payload: dict, headers: dict | None = None):
                self._send_raw(status, json.dumps(payload, ensure_ascii=False).encode(), headers)

            def _send_raw(self, status: int, data: bytes, headers: dict | None = None):
                try:
                    self._headers(status, {"Content-Length": str(len(data)), **(headers or {})})
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client timed out and left
                    pass

        return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--mode", choices=MODES, default="ok")
    parser.add_argument("--bad-requests", type=int, help="misbehave for the first N requests only")
    args = parser.parse_args()
    with FakeLibreTranslate(args.mode, args.delay, port=args.port, bad_requests=args.bad_requests) as server:
        print(server.url, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
