"""A local server speaking LibreTranslate's ``POST /translate`` protocol, for the tests and the
translation benchmark (no translation service can be reached from this machine or from CI).

Its "translation" is deterministic: every paragraph of ``q`` comes back as ``[target] paragraph``,
so a test can tell what was translated, in which order, and where paragraphs were kept. ``mode``
makes it misbehave the way real servers do: HTTP 500, a stall longer than the client's timeout,
rate limiting (429), malformed JSON, or a reply without ``translatedText``.

Run alone (the kill test does): ``python -m tests.fake_libretranslate --port 5555 --delay 0.2``.
"""
from __future__ import annotations

import argparse
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODES = ("ok", "error500", "stall", "ratelimit", "malformed", "no_field", "ratelimit_once")


def fake_translation(q: str, target: str) -> str:
    return "\n\n".join(f"[{target}] {paragraph}" for paragraph in q.split("\n\n"))


class FakeLibreTranslate:
    """The server on 127.0.0.1 in a background thread; ``url`` is the base URL for the client."""

    def __init__(self, mode: str = "ok", delay: float = 0.0, max_chars: int | None = None, port: int = 0):
        self.mode, self.delay, self.max_chars = mode, delay, max_chars
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
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
                if fake.max_chars is not None and len(q) > fake.max_chars:
                    return self._send(413, {"error": f"text longer than {fake.max_chars} characters"})
                if fake.mode == "error500":
                    return self._send(500, {"error": "internal error"})
                if fake.mode == "stall":
                    time.sleep(30)
                    return self._send(200, {"translatedText": fake_translation(q, target)})
                if fake.mode == "ratelimit" or (fake.mode == "ratelimit_once" and count == 1):
                    return self._send(429, {"error": "Slowdown: 10 per 1 minute"})
                if fake.mode == "malformed":
                    return self._send_raw(200, b'{"translatedText": "unterminated')
                if fake.mode == "no_field":
                    return self._send(200, {"detectedLanguage": {"language": "fr"}})
                return self._send(200, {"translatedText": fake_translation(q, target)})

            def _send(self, status: int, payload: dict):
                self._send_raw(status, json.dumps(payload, ensure_ascii=False).encode())

            def _send_raw(self, status: int, data: bytes):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client timed out and left
                    pass

        return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--mode", choices=MODES, default="ok")
    args = parser.parse_args()
    with FakeLibreTranslate(args.mode, args.delay, port=args.port) as server:
        print(server.url, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
