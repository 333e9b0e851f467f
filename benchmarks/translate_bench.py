"""Translation cost on the sample corpus, against a local LibreTranslate-speaking server.

    PYTHONPATH=. .venv/bin/python benchmarks/translate_bench.py [--delay 0.05] [--provider-chars 1000]

Ingests data/samples/ into a fresh store, then runs ``core.translate.run.run`` twice with the libre
provider pointed at tests/fake_libretranslate.py (a separate process, so its work is not counted
as ours). The first run starts from an empty memory; before the second, the derived
``translations`` table is emptied, so every article is translated again and must come from the
memory. Prints requests per 100 articles, characters per request, the memory hit rate of the
second run (target 100%) and our overhead per article over the time spent waiting for the
provider (target < 5 ms).
"""
from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core import config, schema
from core.ingest import batch
from core.store import database, reads
from core.translate import run

REPO = Path(__file__).resolve().parent.parent


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _timed_run(engine, settings):
    started = time.perf_counter()
    summary = run.run(engine, settings)
    return summary, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.0, help="seconds the fake provider takes per request")
    parser.add_argument("--provider-chars", type=int, default=None, help="characters per request (default: libre's)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        engine = database.connect(f"sqlite:///{tmp}/bench.db")
        batch.ingest(engine, [config.SAMPLES_DIR], progress=False)
        articles = reads.load_articles(engine)
        server = subprocess.Popen([sys.executable, "-m", "tests.fake_libretranslate", "--port", str(_port()),
                                   "--delay", str(args.delay)], cwd=REPO, stdout=subprocess.PIPE, text=True)
        try:
            url = server.stdout.readline().strip()
            settings = config.translation_settings(environ={}, settings_file=Path(tmp) / "none.toml",
                                                   provider="libre", url=url, max_chars=args.provider_chars)
            # The client libraries' import (~0.3 s, once per process) is not a cost per article.
            started = time.perf_counter()
            import deep_translator  # noqa: F401
            import requests  # noqa: F401
            imports = time.perf_counter() - started
            first, first_seconds = _timed_run(engine, settings)
            with engine.begin() as conn:
                conn.execute(schema.translations.delete())
            second, second_seconds = _timed_run(engine, settings)
        finally:
            server.kill()

    sent = first.translated + first.from_memory
    print(f"sample corpus: {len(articles)} articles, {sent} not in {settings.target} "
          f"({first.skipped} already {settings.target}, never sent); provider limit {settings.request_chars} chars/request; "
          f"fake provider delay {args.delay * 1000:.0f} ms/request")
    print(f"first run:  {first.requests} requests = {100 * first.requests / sent:.0f} per 100 articles; "
          f"{first.characters_sent / max(first.requests, 1):.0f} characters per request; "
          f"{first.memory_hits}/{first.segments} segments from memory (repeats inside the corpus)")
    overhead = (first_seconds - first.provider_seconds) / sent * 1000
    print(f"            {first_seconds:.2f} s wall, {first.provider_seconds:.2f} s waiting for the provider: "
          f"overhead {overhead:.2f} ms per article (target < 5 ms); once per process: {imports:.2f} s importing "
          "requests and deep-translator")
    hit_rate = second.memory_hits / second.segments if second.segments else 0.0
    print(f"second run: {second.requests} requests; memory hit rate {100 * hit_rate:.1f}% (target 100%); "
          f"{second_seconds * 1000 / sent:.2f} ms per article, all from memory")


if __name__ == "__main__":
    main()
