"""`python -m core sources …` as a user types it: --db before or after, one-line errors with the
CLI's exit codes, the list with each source's health, OPML out and back in."""
import datetime as dt

import pytest

from core import schema
from core.store import database, source_registry
from tests.conftest import run_cli


@pytest.mark.parametrize("where", ["before", "after"])
def test_add_with_the_store_option_before_or_after(tmp_path, where):
    db = tmp_path / "s.db"
    words = ["sources", "add", "https://meridian.example/feed.xml", "--country", "ru", "--language", "ru",
             "--state-affiliated", "--owner", "VGTRK", "--interval", "600"]
    done = run_cli(*words, db=db) if where == "before" else run_cli(*words, "--db", str(db), db=tmp_path / "other.db")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "added source 1: meridian.example (rss, https://meridian.example/feed.xml)\n"
    assert "kind guessed as rss" in done.stderr
    [source] = source_registry.load(database.connect(f"sqlite:///{db}"))
    assert (source.country, source.language, source.state_affiliated, source.owner, source.interval_seconds) == \
        ("RU", "ru", True, "VGTRK", 600)


def test_the_same_url_twice_is_one_line_and_exit_2_or_an_update(tmp_path):
    db = tmp_path / "s.db"
    assert run_cli("sources", "add", "https://a.example/rss", db=db).returncode == 0
    again = run_cli("sources", "add", "https://a.example/rss", db=db)
    assert again.returncode == 2 and again.stdout == ""
    assert again.stderr == ("error: https://a.example/rss: already followed as 'a.example' (source 1); edit it, "
                            "or add it again with --update\n")
    updated = run_cli("sources", "add", "https://a.example/rss", "--update", "--not-state-affiliated", db=db)
    assert updated.returncode == 0 and updated.stdout.startswith("updated source 1")
    bad = run_cli("sources", "add", "file:///etc/passwd", "--country", "Atlantis", db=db)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "country 'Atlantis'" in bad.stderr


def test_list_shows_health_and_the_reason_of_a_failure(tmp_path):
    db = tmp_path / "s.db"
    empty = run_cli("sources", "list", db=db)
    assert empty.returncode == 0 and "no sources followed yet" in empty.stderr
    run_cli("sources", "add", "https://a.example/rss", "--name", "Alpha", db=db)
    run_cli("sources", "add", "https://b.example/rss", "--name", "Beta", db=db)
    now = dt.datetime.now(dt.timezone.utc)
    engine = database.connect(f"sqlite:///{db}")
    with engine.begin() as conn:  # what the watcher would have recorded
        conn.execute(schema.sources.update().where(schema.sources.c.name == "Beta").values(
            last_polled_at=now, last_success_at=now - dt.timedelta(hours=1), last_error_at=now,
            last_error="HTTP 500 Internal Server Error\x1b[31m", consecutive_failures=2))
        conn.execute(schema.sources.update().where(schema.sources.c.name == "Alpha").values(
            last_polled_at=now, last_success_at=now, last_new_item_at=now))
    listed = run_cli("sources", "list", db=db)
    assert listed.returncode == 0
    lines = listed.stdout.splitlines()
    assert lines[0].split()[:3] == ["id", "name", "kind"] and "last error" in lines[0]
    assert lines[1].split()[1] == "Alpha" and " ok " in lines[1]
    assert lines[2].split()[1] == "Beta" and " failing " in lines[2] and "HTTP 500" in lines[2]
    assert lines[3] == "    failing: 2 failed polls in a row: HTTP 500 Internal Server Error [31m"
    assert "\x1b" not in listed.stdout


def test_edit_pause_remove_and_unknown_sources(tmp_path):
    db = tmp_path / "s.db"
    run_cli("sources", "add", "https://a.example/rss", db=db)
    assert run_cli("sources", "edit", "a.example", "--name", "Alpha", "--country", "UA", db=db).returncode == 0
    assert run_cli("sources", "pause", "Alpha", db=db).stdout == "paused source 1: Alpha\n"
    assert "paused" in run_cli("sources", "list", db=db).stdout
    assert run_cli("sources", "resume", "1", db=db).returncode == 0
    missing = run_cli("sources", "remove", "Gamma", db=db)
    assert missing.returncode == 2 and "no followed source" in missing.stderr
    removed = run_cli("sources", "remove", "https://a.example/rss", db=db)
    assert removed.returncode == 0 and removed.stdout.endswith("its articles stay\n")


def test_export_and_import_opml(tmp_path):
    db, copy = tmp_path / "s.db", tmp_path / "copy.db"
    run_cli("sources", "add", "https://a.example/rss", "--country", "RU", "--state-affiliated", db=db)
    run_cli("sources", "add", "https://b.example/world", "--kind", "page", db=db)
    printed = run_cli("sources", "export", db=db)
    assert printed.returncode == 0 and printed.stdout.startswith("<?xml") and "xmlUrl=\"https://a.example/rss\"" in printed.stdout
    written = run_cli("sources", "export", tmp_path / "list.opml", db=db)
    assert written.returncode == 0 and "wrote 2 source(s)" in written.stderr
    first = run_cli("sources", "import", tmp_path / "list.opml", db=copy)
    assert (first.returncode, first.stdout) == (0, "2 source(s) added, 0 already followed\n")
    second = run_cli("sources", "import", tmp_path / "list.opml", db=copy)
    assert (second.returncode, second.stdout) == (0, "0 source(s) added, 2 already followed\n")
    (tmp_path / "bad.opml").write_text('<opml><body><outline text="x"/><outline xmlUrl="https://c.example/rss"/>'
                                       "</body></opml>", encoding="utf-8")
    partly = run_cli("sources", "import", tmp_path / "bad.opml", db=copy)
    assert partly.returncode == 1 and "1 source(s) added" in partly.stdout
    assert f"left out: {tmp_path / 'bad.opml'}: outline 1 ('x'): no xmlUrl" in partly.stderr
    missing = run_cli("sources", "import", tmp_path / "none.opml", db=copy)
    assert missing.returncode == 2 and "cannot be read" in missing.stderr
