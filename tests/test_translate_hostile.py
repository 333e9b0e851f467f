"""A translation server that trickles, floods, gzip-bombs, pads or never answers (issue 20, part 4).

Each case ends within the request's deadline, is recorded on its article as pending with a
one-line error, stores nothing of the refused answer, keeps memory bounded, and lets the run go on
to the next article. Deadlines here are a setting of 2 s, so the file runs in well under 2 minutes.
"""
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
import requests
import sqlalchemy as sa

from core import cli, config, schema
from core.errors import ConfigError
from core.store import database, translation_memory
from core.translate import bounded_http, providers, run
from tests.conftest import REPO
from tests.fake_libretranslate import FakeLibreTranslate, fake_translation
from ui import jobs

# A regression that hangs fails here, not after the suite's 10 minutes.
pytestmark = pytest.mark.timeout(60)

DEADLINE = 2.0  # seconds for a whole request: the `timeout` setting under test
MARGIN = 5.0  # seconds of slack on a loaded 2-core machine before a run counts as hung
ARTICLES = {  # one paragraph each: one request per article
    "a1": ("fr", "Les pourparlers ont repris à Doha mardi, selon deux diplomates."),
    "a2": ("de", "Die Gespräche in Doha gingen am Dienstag weiter, sagten zwei Diplomaten."),
    "a3": ("ru", "Переговоры в Дохе возобновились во вторник, сообщили два дипломата."),
}
LONGEST_SOURCE = max(len(text) for _, text in ARTICLES.values())


@pytest.fixture
def engine(tmp_path):
    engine = database.connect(f"sqlite:///{tmp_path / 'store.db'}")
    _add_articles(engine)
    return engine


def _add_articles(engine):
    at = pd.Timestamp("2026-01-01", tz="UTC").to_pydatetime()
    rows = [dict(article_id=article_id, source="test", url=None, title=None, published=None, published_precision=None,
                 language=language, language_declared=None, text=text, content_hash=article_id, duplicate_of=None,
                 origin_file="/test", origin_item=number, format="text", encoding="utf-8", ingested_at=at)
            for number, (article_id, (language, text)) in enumerate(ARTICLES.items())]
    with engine.begin() as conn:
        conn.execute(schema.articles.insert(), rows)


def libre(url: str, **overrides) -> config.TranslationSettings:
    values = dict(provider="libre", url=url, timeout=DEADLINE, retries=0, backoff=0.01)
    values.update(overrides)
    return config.translation_settings(environ={}, settings_file=REPO / "no-such-settings.toml", **values)


def _store_bytes(engine) -> int:
    path = Path(engine.url.database)
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def _longest_stored_text(engine) -> int:
    """The longest translation text anywhere in the store (translations and memory)."""
    memory, translations = schema.translation_memory, schema.translations
    with engine.connect() as conn:
        return max(conn.execute(sa.select(sa.func.coalesce(sa.func.max(sa.func.length(memory.c.translated_text)), 0))).scalar(),
                   conn.execute(sa.select(sa.func.coalesce(sa.func.max(sa.func.length(translations.c.text)), 0))).scalar())


DEADLINE_ERROR = f"libre: no complete answer within {DEADLINE:g} s"
SIZE_ERROR = "libre: answer larger than 2 MB"
HOSTILE = [
    ("trickle_body", DEADLINE_ERROR),
    ("trickle_headers", DEADLINE_ERROR),
    ("silent", DEADLINE_ERROR),
    ("flood", SIZE_ERROR),
    ("flood_unsized", SIZE_ERROR),
    ("flood_chunked", SIZE_ERROR),
    ("gzip_bomb", SIZE_ERROR),
    ("redirect_bomb", SIZE_ERROR),
    ("verbose", "libre: translation 50 times longer than its source"),
]


@pytest.mark.parametrize("mode, error", HOSTILE)
def test_a_hostile_answer_is_refused_recorded_and_the_run_goes_on(engine, mode, error):
    size_before = _store_bytes(engine)
    # Only the first request misbehaves: the two articles after it must still be translated.
    with FakeLibreTranslate(mode, bad_requests=1, trickle_seconds=0.5) as server:
        started = time.monotonic()
        summary = run.run(engine, libre(server.url))
        elapsed = time.monotonic() - started
        sent = server.bytes_sent
    assert elapsed < DEADLINE + MARGIN, f"{mode}: the run took {elapsed:.1f} s"
    rows = translation_memory.load_translations(engine, "en").set_index("article_id")
    refused = rows[rows["status"] == "pending"]
    assert len(refused) == 1 and refused["error"].iloc[0].startswith(error), refused["error"].tolist()
    assert "\n" not in refused["error"].iloc[0]
    assert (rows["status"] == "translated").sum() == 2
    assert summary.failed == 1 and summary.translated == 2 and not summary.stopped
    # Nothing of the refused answer is stored: the longest text anywhere is a good translation.
    assert _longest_stored_text(engine) <= LONGEST_SOURCE + len("[en] ")
    assert _store_bytes(engine) - size_before < 256 * 1024
    if mode.startswith("flood"):
        # The client stopped reading at the cap: most of the 40 MB was never sent (what was sent
        # beyond 2 MB sat in the sockets' buffers).
        assert sent < 20 * 1024 * 1024


def test_the_installed_urllib3_unpacks_a_bomb_one_chunk_at_a_time():
    """The bounded reading relies on urllib3 >= 2.6 never expanding one decoding step past the
    chunk asked for (before 2.6, 64 KB of this bomb became 64 MB in one step)."""
    import tracemalloc

    with FakeLibreTranslate("gzip_bomb") as server:
        with requests.post(server.url + "translate", params={"q": "x"}, stream=True) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            tracemalloc.start()
            try:
                for number, chunk in enumerate(response.iter_content(bounded_http.CHUNK_BYTES)):
                    assert len(chunk) <= bounded_http.CHUNK_BYTES
                    if number == 200:  # 12.5 MB unpacked, one chunk at a time
                        break
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
    # Measured: 0.37 MB (the raw read, the decoder's window, the decoded chunk and its copy).
    assert peak < 1024 * 1024, f"{peak:,} bytes held while unpacking"


def test_a_deadline_is_a_network_failure_retried_and_ends_the_run(engine):
    with FakeLibreTranslate("silent") as server:
        started = time.monotonic()
        summary = run.run(engine, libre(server.url, retries=1, give_up_after=2))
        elapsed = time.monotonic() - started
        attempts = len(server.requests)
    # Two articles, two attempts each, one deadline per attempt; then the run gives up.
    assert attempts == 4
    assert 4 * DEADLINE <= elapsed < 4 * DEADLINE + MARGIN
    assert summary.failed == 2 and summary.not_attempted == 1
    assert summary.stopped == f"2 articles in a row failed: {DEADLINE_ERROR}"


def test_a_trickle_over_https_is_cut_at_its_deadline(engine, tmp_path, monkeypatch):
    """Real providers speak TLS: the watchdog must reach the socket under the TLS layer."""
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate],
                   check=True, capture_output=True)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate))  # requests trusts the test's own certificate
    with FakeLibreTranslate("trickle_body", bad_requests=1, trickle_seconds=0.5, certificate=(certificate, key)) as server:
        assert server.url.startswith("https://")
        started = time.monotonic()
        summary = run.run(engine, libre(server.url))
        elapsed = time.monotonic() - started
    assert elapsed < DEADLINE + MARGIN
    assert summary.failed == 1 and summary.translated == 2
    errors = translation_memory.load_translations(engine, "en")["error"].dropna().tolist()
    assert errors == [DEADLINE_ERROR]


def test_stop_cuts_a_request_in_flight_and_records_no_error(engine):
    """The app's Stop button: the Translation page runs run.run as a background job and
    passes the job's cancel flag on as ``should_stop``."""
    with FakeLibreTranslate("silent") as server:
        job = jobs.BackgroundJob("translate", lambda report, cancelled: run.run(
            engine, libre(server.url, timeout=60), should_stop=cancelled)).start()
        time.sleep(0.5)  # the first request is in flight, its server silent
        pressed = time.monotonic()
        job.cancel()
        assert job.wait(timeout=5), "the job did not end after Stop"
        took = time.monotonic() - pressed
    # Cut within the watchdog's poll after Stop, far inside the 60 s deadline.
    assert took < bounded_http.STOP_POLL_SECONDS + 2
    state = job.progress()
    assert state.state == "cancelled" and state.error is None
    summary = state.result
    assert summary.stopped == "cancelled" and summary.failed == 0 and summary.not_attempted == 3
    assert translation_memory.load_translations(engine, "en").empty  # the article was interrupted, not failed


def test_stop_is_honoured_between_the_requests_of_one_article():
    text = "\n\n".join(f"Paragraphe numéro {n} sur les pourparlers de Doha." for n in range(6))
    stop = threading.Event()
    sent, learnt = [], []

    def send(segment, source, target):
        sent.append(segment)
        stop.set()  # the user presses Stop while the first request is answered
        return fake_translation(segment, target)

    settings = config.TranslationSettings(provider="libre", max_chars=120)
    with pytest.raises(providers.Cancelled):
        run.translate_article(None, text, "fr", settings, lambda hashes: {}, send, learnt.extend,
                                    should_stop=stop.is_set)
    assert len(sent) == 1, "a request was sent after Stop"
    assert learnt and all(translation.startswith("[en] ") for _, translation in learnt)  # what came back is kept


def test_no_watchdog_thread_or_socket_is_left_behind(engine):
    def sockets() -> int:
        return sum(os.readlink(f"/proc/self/fd/{fd}").startswith("socket:") for fd in os.listdir("/proc/self/fd")
                   if os.path.exists(f"/proc/self/fd/{fd}"))

    before = sockets()
    for mode in ("trickle_body", "flood", "gzip_bomb", "ok"):
        with FakeLibreTranslate(mode, trickle_seconds=0.2) as server:
            run.run(engine, libre(server.url, timeout=0.5))
    assert not [t for t in threading.enumerate() if t.name == "geowire-http-watchdog"]
    # The fake server's handler threads close their end as they notice the client left.
    deadline = time.monotonic() + 2
    while sockets() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sockets() <= before, "a socket of a refused answer is still open"


def test_requests_outside_a_translation_are_left_alone():
    with FakeLibreTranslate("ok") as server:
        providers.make_sender(libre(server.url))("Bonjour", "fr", "en")  # on the sender's own session
        with requests.Session() as session:
            answer = session.post(server.url + "translate", params={"q": "Bonjour", "target": "en"})
            assert type(session.get_adapter(server.url)) is requests.adapters.HTTPAdapter
    assert answer.json() == {"translatedText": "[en] Bonjour"}


def test_nothing_of_requests_or_deep_translator_is_patched():
    import deep_translator.libre

    methods = (requests.sessions.Session.request, requests.sessions.Session.send, requests.adapters.HTTPAdapter.send)
    with FakeLibreTranslate("ok") as server:
        assert providers.make_sender(libre(server.url))("Bonjour", "fr", "en") == "[en] Bonjour"
    assert (requests.sessions.Session.request, requests.sessions.Session.send, requests.adapters.HTTPAdapter.send) == methods
    assert deep_translator.libre.requests is requests and requests.get is requests.api.get


@pytest.mark.parametrize("provider", config.TRANSLATION_PROVIDERS)
def test_every_provider_makes_its_requests_on_the_bounded_session(provider, monkeypatch):
    """deep-translator's clients call requests.get/post themselves: each provider's must reach the
    network only through the sender's BoundedSession (no answer is needed: none is given)."""
    sent = []

    def bounded_send(session, request, **kwargs):
        sent.append(request.url)
        raise requests.exceptions.ConnectionError("Connection refused (no network in the tests)")

    def unbounded_send(session, request, **kwargs):
        pytest.fail(f"{provider}: a request bypassed the bounded session: {request.method} {request.url}")

    monkeypatch.setattr(bounded_http.BoundedSession, "send", bounded_send)
    monkeypatch.setattr(requests.sessions.Session, "send", unbounded_send)
    settings = config.TranslationSettings(provider=provider, key="test:fx", region="westeurope", url="http://127.0.0.1:9/",
                                          timeout=DEADLINE)
    with pytest.raises(providers.TranslationError, match="connection refused"):
        providers.make_sender(settings)("Bonjour", "fr", "en")
    assert len(sent) == 1, sent


def test_the_deadline_and_the_answer_cap_are_settings(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text("[translation]\ntimeout = 7\nmax_response_bytes = 65536\n", encoding="utf-8")
    from_file = config.translation_settings(environ={}, settings_file=path)
    assert (from_file.timeout, from_file.max_response_bytes) == (7.0, 65536)
    from_env = config.translation_settings(environ={"GEOWIRE_TRANSLATE_TIMEOUT": "3.5",
                                                    "GEOWIRE_TRANSLATE_MAX_RESPONSE_BYTES": "4096"}, settings_file=path)
    assert (from_env.timeout, from_env.max_response_bytes) == (3.5, 4096)
    assert config.translation_settings(environ={}, settings_file=path, timeout=2).timeout == 2.0
    defaults = config.translation_settings(environ={}, settings_file=tmp_path / "none.toml")
    assert (defaults.timeout, defaults.max_response_bytes) == (20.0, 2 * 1024 * 1024)
    for environ, problem in [({"GEOWIRE_TRANSLATE_TIMEOUT": "0"}, "timeout=0.0: too small"),
                             ({"GEOWIRE_TRANSLATE_TIMEOUT": "nan"}, "timeout=nan: too small"),
                             ({"GEOWIRE_TRANSLATE_MAX_RESPONSE_BYTES": "100"}, "max_response_bytes=100: too small"),
                             ({"GEOWIRE_TRANSLATE_MAX_RESPONSE_BYTES": "2MB"}, "expected a int")]:
        with pytest.raises(ConfigError, match=problem):
            config.translation_settings(environ=environ, settings_file=path)


def test_a_smaller_cap_refuses_a_smaller_answer(engine):
    with FakeLibreTranslate("flood", bad_requests=1, flood_bytes=100 * 1024) as server:
        summary = run.run(engine, libre(server.url, max_response_bytes=64 * 1024))
    assert summary.failed == 1 and summary.translated == 2
    assert translation_memory.load_translations(engine, "en")["error"].dropna().tolist() == ["libre: answer larger than 64 KB"]


# --- memory, through the command line -----------------------------------------------------------

# The CLI under a limit on its address space (RLIMIT_AS). Measured on the 2-core host where this
# was written (2026-12): a plain `python -m core translate` of these three articles against a
# well-behaved server has a VmPeak of 655-670 MB (the imports of lingua, pandas, numpy, ICU; 190 MB
# resident) and fails under 655 MB (a MemoryError, or lingua's library cannot be mapped). The tests measure that baseline on the machine that runs them (the
# wrapper below prints VmPeak at exit) and limit the hostile run to it plus MEMORY_MARGIN: a gzip
# bomb read whole needs 1 GiB more (7.4 GB was seen), the flood below 300 MB more for its bytes
# alone (then as much again as text and as JSON).
MEMORY_MARGIN = 300 * 1024 * 1024
_PEAK_WRAPPER = """
import atexit, runpy, sys
def report():
    for line in open("/proc/self/status"):
        if line.startswith(("VmPeak", "VmHWM")):
            sys.stderr.write("geowire-" + line)
atexit.register(report)
sys.argv = ["core", *sys.argv[1:]]
runpy.run_module("core", run_name="__main__", alter_sys=True)
"""


def _cli_translate(tmp_path, url: str, limit: int | None = None) -> tuple[subprocess.CompletedProcess, dict]:
    import resource

    settings = tmp_path / "settings.toml"
    settings.write_text(f"[translation]\ntimeout = {DEADLINE}\nretries = 0\n", encoding="utf-8")
    wrapper = tmp_path / "peak.py"
    wrapper.write_text(_PEAK_WRAPPER, encoding="utf-8")
    # Address space that is reserved, not used, would hide the data in the limit: pyarrow's
    # mimalloc reserves 1 GiB at import when it can (the system allocator does not), and glibc
    # 64 MB per thread's malloc arena (two arenas at most here).
    env = dict(os.environ, PYTHONPATH=str(REPO), GEOWIRE_TRANSLATOR="libre", GEOWIRE_TRANSLATE_URL=url,
               GEOWIRE_CONFIG=str(settings), MALLOC_ARENA_MAX="2", ARROW_DEFAULT_MEMORY_POOL="system")

    def limit_memory():
        if limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    result = subprocess.run([sys.executable, str(wrapper), "--db", str(tmp_path / "store.db"), "translate"],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=120, preexec_fn=limit_memory)
    peaks = {line.split(":")[0].removeprefix("geowire-"): int(line.split()[1]) * 1024
             for line in result.stderr.splitlines() if line.startswith("geowire-Vm")}
    return result, peaks


@pytest.fixture(scope="module")
def baseline_peaks(tmp_path_factory):
    """VmPeak and VmHWM of a plain translate of the three articles, measured once for the module."""
    baseline_dir = tmp_path_factory.mktemp("baseline")
    baseline_engine = database.connect(f"sqlite:///{baseline_dir / 'store.db'}")
    _add_articles(baseline_engine)
    baseline_engine.dispose()
    with FakeLibreTranslate("ok") as server:
        baseline, peaks = _cli_translate(baseline_dir, server.url)
    assert baseline.returncode == 0, baseline.stderr
    return peaks


@pytest.mark.parametrize("mode, options", [("gzip_bomb", {}), ("flood_unsized", {"flood_bytes": 300 * 1024 * 1024})])
def test_memory_stays_bounded_in_the_command_line(tmp_path, mode, options, baseline_peaks):
    engine = database.connect(f"sqlite:///{tmp_path / 'store.db'}")
    _add_articles(engine)
    engine.dispose()
    peaks = baseline_peaks
    limit = peaks["VmPeak"] + MEMORY_MARGIN
    with FakeLibreTranslate(mode, bad_requests=1, **options) as server:
        started = time.monotonic()
        result, hostile_peaks = _cli_translate(tmp_path, server.url, limit)
        elapsed = time.monotonic() - started
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 1, result.stderr  # one article failed, the run went on
    assert "2 article(s) translated" in result.stdout and "1 failed" in result.stdout, result.stdout
    assert elapsed < DEADLINE + MARGIN + 10  # plus the interpreter's start-up and imports
    rows = translation_memory.load_translations(database.connect(f"sqlite:///{tmp_path / 'store.db'}"), "en")
    assert rows["error"].dropna().tolist() == [SIZE_ERROR]
    # For the record in the test log (-s): how far above the baseline the hostile run went.
    print(f"{mode}: VmPeak {hostile_peaks['VmPeak'] >> 20} MB (baseline {peaks['VmPeak'] >> 20} MB), "
          f"VmHWM {hostile_peaks['VmHWM'] >> 20} MB (baseline {peaks['VmHWM'] >> 20} MB), limit {limit >> 20} MB")


def test_the_command_line_takes_the_answer_cap(tmp_path, capsys):
    code = cli.main(["--db", str(tmp_path / "store.db"), "translate", "--provider", "libre",
                     "--url", "http://127.0.0.1:9/", "--max-response-bytes", "100"])
    assert code == 2
    assert "max_response_bytes=100: too small" in capsys.readouterr().err
