"""Translation through the memory, against a local LibreTranslate-speaking server (no test may
reach the internet): memory hits, request splitting, every kind of failure, a kill mid-run."""
import email.utils
import os
import signal
import socket
import subprocess
import sys
import time

import pandas as pd
import pytest

from core import config, schema
from core.errors import ConfigError
from core.store import database, reads, translation_memory
from core.translate import providers, run, segments, translated
from tests.conftest import REPO, run_cli
from tests.fake_libretranslate import FakeLibreTranslate


@pytest.fixture
def engine(sample_store):
    """The shipped sample corpus, ingested once per session (tests/conftest.py); this test's own copy."""
    return database.connect(f"sqlite:///{sample_store}")


def libre(url: str, **overrides) -> config.TranslationSettings:
    values = dict(provider="libre", url=url, backoff=0.01, timeout=2.0)
    values.update(overrides)
    return config.translation_settings(environ={}, settings_file=REPO / "no-such-settings.toml", **values)


def _status(engine, target="en") -> pd.Series:
    articles = translated.with_translations(reads.load_articles(engine), translation_memory.load_translations(engine, target), target)
    return articles.set_index("article_id")["translation_status"]


def test_every_article_translated_and_second_run_makes_no_request(engine):
    articles = reads.load_articles(engine)
    foreign = articles[articles["language"] != "en"]
    with FakeLibreTranslate() as server:
        first = run.run(engine, libre(server.url))
        sent = len(server.requests)
        second = run.run(engine, libre(server.url))
        assert len(server.requests) == sent, "a second run must be served from the memory"
    assert first.translated == len(foreign) and first.failed == 0
    assert first.skipped == (articles["language"] == "en").sum()
    assert second.requests == 0 and second.translated == 0
    # English articles are never sent: no request names English as its source.
    assert all(r["source"] != "en" for r in server.requests)
    status = _status(engine)
    assert set(status[foreign["article_id"]]) == {"translated"}
    assert set(status[articles.loc[articles["language"] == "en", "article_id"]]) == {"not needed"}
    # The originals are untouched.
    pd.testing.assert_frame_equal(reads.load_articles(engine), articles)


def test_rebuilt_translations_come_from_memory_alone(engine):
    with FakeLibreTranslate() as server:
        run.run(engine, libre(server.url))
        sent = len(server.requests)
        with engine.begin() as conn:  # the derived table is lost; the memory is kept
            conn.execute(schema.translations.delete())
        again = run.run(engine, libre(server.url))
        assert len(server.requests) == sent
    assert again.translated == 0 and again.from_memory > 0 and again.memory_hits == again.segments


def test_paragraphs_and_right_to_left_text_survive(engine):
    with FakeLibreTranslate() as server:
        run.run(engine, libre(server.url))
    articles = translated.with_translations(reads.load_articles(engine), translation_memory.load_translations(engine, "en"), "en")
    for _, article in articles[articles["language"].isin(["ar", "fa", "he"])].iterrows():
        paragraphs = [p for p in article["text"].split("\n\n") if p.strip()]
        translated_paragraphs = article["text_translated"].split("\n\n")
        assert len(translated_paragraphs) == len(paragraphs)
        # The fake server marks each piece it translated ("[en] "); without the marks, every
        # paragraph's right-to-left text comes back whole, in its place.
        assert all(t.startswith("[en] ") for t in translated_paragraphs)
        assert [" ".join(t.replace("[en] ", "").split()) for t in translated_paragraphs] == [" ".join(p.split()) for p in paragraphs]
        if pd.isna(article["title"]):
            assert pd.isna(article["title_translated"])
        else:
            assert article["title_translated"] == f"[en] {article['title'].strip()}"


def test_long_article_split_within_the_limit_and_reassembled_in_order(engine):
    limit = 300
    sentences = [f"Sentence number {i} says that the talks in Doha continued for a {i}th day." for i in range(60)]
    paragraph = " ".join(sentences)
    short = "A short closing paragraph."
    _add_article(engine, "long-one", "Long talks", paragraph + "\n\n" + short, "fr")
    with FakeLibreTranslate(max_chars=limit) as server:
        result = run.run(engine, libre(server.url, max_chars=limit))
        lengths = [len(r["q"]) for r in server.requests]
    assert result.failed == 0
    assert max(lengths) <= limit
    row = translation_memory.load_translations(engine, "en").set_index("article_id").loc["long-one"]
    first, second = row["text"].split("\n\n")
    # Every sentence came back once, in order, and the paragraph break is where it was.
    positions = [first.index(f"Sentence number {i} says") for i in range(60)]
    assert positions == sorted(positions)
    assert second == f"[en] {short}"


def _add_article(engine, article_id, title, text, language):
    row = dict(article_id=article_id, source="test", url=None, title=title, published=None,
               published_precision=None, language=language, language_declared=None, text=text,
               content_hash=article_id, duplicate_of=None, origin_file="/test", origin_item=1, format="text",
               encoding="utf-8", ingested_at=pd.Timestamp("2026-01-01", tz="UTC").to_pydatetime())
    with engine.begin() as conn:
        conn.execute(schema.articles.insert().values(**row))


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("mode, message", [
    ("error500", "server error"),
    ("stall", "no complete answer within 0.5 s"),
    ("ratelimit", "rate limited"),
    ("malformed", "malformed answer"),
    ("no_field", "malformed answer"),
    ("refused", "connection refused"),
])
def test_failures_leave_articles_pending_with_the_error_and_lose_nothing(engine, mode, message):
    before = reads.load_articles(engine)
    settings = dict(timeout=0.5, retries=2, give_up_after=2)
    if mode == "refused":
        # A sender of its own skips the check before the run (which ends an unreachable run at
        # once: tests/test_translation_provider.py), so each article meets the refusal.
        refused = libre(f"http://127.0.0.1:{_closed_port()}/", **settings)
        result = run.run(engine, refused, send=providers.make_sender(refused))
        requests = None
    else:
        with FakeLibreTranslate(mode=mode) as server:
            result = run.run(engine, libre(server.url, **settings))
            requests = len(server.requests)
    assert result.translated == 0 and result.failed >= 1
    pd.testing.assert_frame_equal(reads.load_articles(engine), before)
    status = _status(engine)
    assert set(status[before.loc[before["language"] != "en", "article_id"]]) == {"pending"}
    errors = translation_memory.load_translations(engine, "en")
    assert len(errors) == result.failed and errors["status"].eq("pending").all()
    assert errors["error"].str.contains(message, case=False).all(), errors["error"].tolist()
    if mode in ("error500", "stall", "ratelimit", "refused"):
        # Transient failures are retried, boundedly, and a provider that keeps failing ends the run.
        assert result.stopped and result.failed == 2 and result.not_attempted > 0
        if requests is not None:
            assert requests == 2 * (1 + 2)
    else:
        # A malformed answer is not retried, and does not stop the others from being tried.
        assert requests == result.failed and not result.stopped


def test_a_rate_limit_is_retried_after_a_back_off(engine):
    waits = []
    with FakeLibreTranslate(mode="ratelimit_once") as server:
        result = run.run(engine, libre(server.url, backoff=0.05), sleep=waits.append)
    assert result.failed == 0 and result.translated > 0
    assert len(waits) == 1 and 0 <= waits[0] <= 0.05


# Named, not identified by their values: the HTTP date is an hour from the moment the tests are
# collected, and each xdist worker collects on its own, so a second passing between them gave the
# workers different test ids and stopped the whole run.
@pytest.mark.parametrize("header, wait", [
    ("2", 2.0),
    ("3600", providers.MAX_RETRY_AFTER_SECONDS),  # an hour is cut to the cap
    (email.utils.formatdate(time.time() + 3600, usegmt=True), providers.MAX_RETRY_AFTER_SECONDS),
    ("soon", None),  # neither seconds nor a date: the usual back-off
], ids=["seconds", "an-hour-of-seconds", "an-http-date-an-hour-ahead", "neither"])
def test_a_rate_limit_waits_as_long_as_the_server_asks_up_to_a_cap(engine, header, wait):
    waits = []
    with FakeLibreTranslate(mode="ratelimit_once", retry_after=header) as server:
        result = run.run(engine, libre(server.url, backoff=0.05), sleep=waits.append)
    assert result.failed == 0 and result.translated > 0
    if wait is None:
        assert len(waits) == 1 and 0 <= waits[0] <= 0.05
    else:
        assert waits == [wait]


def test_stop_ends_the_wait_a_server_asked_for(engine):
    with FakeLibreTranslate(mode="ratelimit", retry_after="3600") as server:
        started = time.monotonic()
        result = run.run(engine, libre(server.url), should_stop=lambda: time.monotonic() > started + 0.5)
        took = time.monotonic() - started
        requests = len(server.requests)
    assert took < 0.5 + 2, f"the run went on {took:.1f} s after Stop"
    assert result.stopped == "cancelled" and result.failed == 0 and requests == 1


def test_translation_resumes_after_a_kill(engine, tmp_path):
    db = engine.url.database
    # The server answers slowly while the command that is killed runs, so that the kill lands
    # mid-run, and at once for the re-run (which only has to finish the work).
    with FakeLibreTranslate(delay=0.15) as server:
        settings = {"GEOWIRE_TRANSLATOR": "libre", "GEOWIRE_TRANSLATE_URL": server.url,
                    "GEOWIRE_CONFIG": str(tmp_path / "none.toml")}
        env = dict(os.environ, PYTHONPATH=str(REPO), **settings)
        process = subprocess.Popen([sys.executable, "-m", "core", "--db", db, "translate"], cwd=REPO, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            reported = 0
            deadline = time.time() + 120
            while reported < 5 and time.time() < deadline:
                line = process.stdout.readline()
                if line.startswith("["):
                    reported = int(line[1:line.index("/")])
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait()
        server.delay = 0
        assert reported >= 5
        done = translation_memory.load_translations(engine, "en")
        assert (done["status"] == "translated").sum() >= reported, "a translation reported as stored was lost"
        assert (_status(engine) == "pending").any(), "the kill came too late to test anything"
        memory_after_kill = translation_memory.memory_size(engine)
        resumed = run_cli("translate", db=db, env=settings)  # the re-run need not be a process of its own
        assert resumed.returncode == 0, resumed.stderr
    status = _status(engine)
    assert set(status) <= {"translated", "not needed"}
    assert translation_memory.memory_size(engine) >= memory_after_kill
    assert "0 failed" in resumed.stdout


def test_export_has_the_translation_columns(engine, tmp_path):
    with FakeLibreTranslate() as server:
        run.run(engine, libre(server.url, give_up_after=1), limit=5)
    out = tmp_path / "articles.jsonl"
    result = run_cli("export", "--format", "jsonl", "--out", out, db=engine.url.database)
    assert result.returncode == 0, result.stderr
    rows = pd.read_json(out, lines=True)
    assert {"title_translated", "text_translated", "translation_status", "translation_error"} <= set(rows.columns)
    counts = rows["translation_status"].value_counts()
    assert counts["translated"] == 5
    assert counts["not needed"] == (rows["language"] == "en").sum()
    assert counts["pending"] == len(rows) - 5 - counts["not needed"]
    translated = rows[rows["translation_status"] == "translated"]
    assert translated["text_translated"].str.startswith("[en] ").all()


def test_settings_come_from_file_then_environment_then_flags(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('[translation]\nprovider = "deepl"\ntarget = "fr"\ntimeout = 7\n', encoding="utf-8")
    from_file = config.translation_settings(environ={}, settings_file=path)
    assert (from_file.provider, from_file.target, from_file.timeout) == ("deepl", "fr", 7.0)
    env = {"GEOWIRE_TRANSLATOR": "libre", "GEOWIRE_TRANSLATE_URL": "http://127.0.0.1:9/", "GEOWIRE_TARGET_LANG": "de",
           "GEOWIRE_TRANSLATE_KEY": "k"}
    from_env = config.translation_settings(environ=env, settings_file=path)
    assert (from_env.provider, from_env.url, from_env.target, from_env.key) == ("libre", "http://127.0.0.1:9/", "de", "k")
    flagged = config.translation_settings(environ=env, settings_file=path, target="es", provider="google")
    assert (flagged.provider, flagged.target, flagged.timeout) == ("google", "es", 7.0)
    with pytest.raises(ConfigError, match="'yandex' is not known"):
        config.translation_settings(environ={"GEOWIRE_TRANSLATOR": "yandex"}, settings_file=path)
    with pytest.raises(ConfigError, match="target language 'english'"):
        config.translation_settings(environ={}, settings_file=path, target="english")
    path.write_text('[translation]\ntimout = 7\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown setting.*timout"):
        config.translation_settings(environ={}, settings_file=path)


def test_a_provider_that_needs_a_key_stops_at_once_without_one(engine):
    settings = config.translation_settings(environ={}, settings_file=REPO / "none.toml", provider="deepl")
    result = run.run(engine, settings)
    assert result.failed == 1 and "key" in result.stopped and result.not_attempted > 0


def test_split_long_cuts_between_sentences_and_keeps_every_character():
    text = "Первое предложение. Второе, чуть длиннее предложение! Третье? " * 20 + "😀" * 5
    pieces = segments.split_long(text, 120, "ru")
    assert all(len(p) <= 120 for p in pieces)
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")
    assert all(p.endswith(("ение.", "ение!", "тье?")) for p in pieces[:-1])


def test_memory_is_keyed_by_provider_and_languages(engine):
    translation_memory.save_memory(engine, "libre", "fr", "en", [(segments.segment_hash("Bonjour"), "Bonjour", "Hello")])
    key = segments.segment_hash("  Bonjour ")  # normalised: spacing does not matter
    assert translation_memory.lookup_memory(engine, "libre", "fr", "en", [key]) == {key: "Hello"}
    assert translation_memory.lookup_memory(engine, "google", "fr", "en", [key]) == {}
    assert translation_memory.lookup_memory(engine, "libre", "fr", "de", [key]) == {}
    translation_memory.save_memory(engine, "libre", "fr", "en", [(key, "Bonjour", "Good day")])  # first one is kept
    assert translation_memory.lookup_memory(engine, "libre", "fr", "en", [key]) == {key: "Hello"}


def test_translated_passages_give_the_paragraph_each_mention_is_in():
    articles = pd.DataFrame({
        "article_id": ["a", "b"], "text": ["Erster Absatz.\n\nZweiter Absatz mit Putin.", "Ohne Übersetzung."],
        "title_translated": ["Title", pd.NA], "text_translated": ["First paragraph.\n\nSecond one, with Putin.", pd.NA]})
    mentions = pd.DataFrame({"article_id": ["a", "a", "a", "b"], "field": ["text", "text", "title", "text"],
                             "start": [0, 35, 0, 0]})
    passages = translated.translated_passages(mentions, articles)
    assert passages.tolist()[:3] == ["First paragraph.", "Second one, with Putin.", "Title"]
    assert pd.isna(passages.iloc[3])
