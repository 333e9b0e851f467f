"""`python -m core watch` as a process: killed with SIGKILL in the middle and restarted, it loses
and duplicates nothing and fetches no page twice; SIGTERM stops it cleanly; one watcher per store,
started and stopped from the app (core.monitor.control, ui/watcher.py on the Ingest page)."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from core import schema
from core.monitor import control
from core.store import database
from tests.feed_server import FeedServer
from tests.test_watch import add_source

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def server():
    site = FeedServer().start()
    yield site
    site.stop()


def _watch(url: str, *args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, "-m", "core", "watch", "--db", url, *args], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def _wait_for(condition, seconds: float = 60, every: float = 0.01):
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        if condition():
            return True
        time.sleep(every)
    return False


def test_kill_9_in_the_middle_then_a_restart_loses_and_duplicates_nothing(server, tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = database.connect(url)
    teasers = [server.item(f"k{i}") for i in range(12)]
    add_source(engine, server.add_feed("live", teasers), "Live")
    # Pages a third of a second apart: the kill lands between two items, as most moments are.
    watcher = _watch(url, "--host-interval", "0.3")
    try:
        assert _wait_for(lambda: _count(engine, schema.articles) >= 4), watcher.stdout.read() if watcher.poll() else ""
        watcher.kill()
        watcher.wait(10)
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.wait(10)
    stored_before = _count(engine, schema.articles)
    assert 4 <= stored_before < len(teasers)
    assert not control.status(url).running  # the lock died with the process: the pid file left is stale
    assert control.status(url).stale
    restarted = _watch(url, "--host-interval", "0.05", "--once")
    out, _ = restarted.communicate(timeout=120)
    assert restarted.returncode == 0, out
    with engine.connect() as conn:
        urls = conn.execute(sa.select(schema.articles.c.url)).scalars().all()
        seen = conn.execute(sa.select(schema.seen_items.c.item_key)).scalars().all()
    assert sorted(urls) == sorted(server.url(item.link) for item in teasers)
    assert len(seen) == len(set(seen)) == len(teasers)
    assert server.page_hits() == {item.link: 1 for item in teasers}


def test_sigterm_stops_the_watcher_cleanly_with_a_summary(server, tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = database.connect(url)
    add_source(engine, server.add_feed("live", [server.item(f"s{i}") for i in range(30)]), "Live")
    add_source(engine, server.url("/slow"), "Trickle")
    watcher = _watch(url, "--host-interval", "0.2")
    try:
        assert _wait_for(lambda: _count(engine, schema.articles) >= 2)
        watcher.send_signal(signal.SIGTERM)
        out, _ = watcher.communicate(timeout=30)
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.wait(10)
    assert watcher.returncode == 0, out
    assert "stopped on request" in out.strip().splitlines()[-1]
    assert not control.status(url).running and not control.status(url).stale


def test_the_app_starts_one_watcher_per_store_and_stops_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    database.connect(url)
    assert not control.status(url).running
    started = control.start(url)
    try:
        assert started.running and started.pid
        assert control.start(url).pid == started.pid  # a second start leaves the running one alone
        with pytest.raises(control.AlreadyWatching, match=f"pid {started.pid}"):
            control.hold(url)
        second = _watch(url)
        out, _ = second.communicate(timeout=60)
        assert second.returncode == 3 and "another watcher" in out
    finally:
        stopped = control.stop(url)
    assert not stopped.running
    assert "stopped on request" in control.status(url).log_file.read_text()


def test_the_ingest_page_shows_the_watcher_and_starts_and_stops_it(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    database.connect(url)
    monkeypatch.setenv("GEOWIRE_DB", url)
    monkeypatch.setenv("GEOWIRE_FRAMES_DIR", str(tmp_path / "frames"))
    page = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    page.run()
    page.switch_page("pages/ingest.py").run()
    assert not page.exception
    assert any("not watching" in caption.value.lower() for caption in page.caption)
    try:
        page.button(key="watcher_start").click().run()
        assert not page.exception
        assert control.status(url).running
        assert any("watching since" in caption.value.lower() for caption in page.caption)
        page.button(key="watcher_stop").click().run()
        assert not page.exception
    finally:
        control.stop(url)
    assert not control.status(url).running
    assert any("not watching" in caption.value.lower() for caption in page.caption)
