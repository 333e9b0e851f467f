"""The store on a PostgreSQL server, beside SQLite: the same results for the sample corpus, a
translation through the memory, ingests, extractions and readers at once with no lock error and
nothing lost, the command line with --db and GEOWIRE_DB, the dashboard, and a password never shown.

The server is the session's throwaway cluster (tests/postgres_server.py, the ``postgres`` and
``db_url`` fixtures of tests/conftest.py).
"""
import dataclasses
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from core import cli, config, pipeline, schema
from core.actors import frames
from core.store import corrections, database, postgres as pg, reads, saved_views, translation_memory
from core.translate import run
from tests import inputs, sample_corpus
from tests.conftest import REPO, run_cli
from tests.fake_libretranslate import FakeLibreTranslate

APP = str(REPO / "app.py")


@dataclasses.dataclass(frozen=True)
class PgSamples:
    url: str
    frames: Path
    run: pipeline.PipelineRun


@pytest.fixture(scope="session")
def pg_samples(postgres, tmp_path_factory) -> PgSamples:
    """data/samples/ ingested into a database of the session's server, as the command line does;
    read it, never write to it."""
    folder = tmp_path_factory.mktemp("pg-sample-frames")
    with mock.patch.dict(os.environ, {"GEOWIRE_FRAMES_DIR": str(folder)}):
        engine = database.connect(postgres.database("samples"))
        outcome = pipeline.ingest(engine, [config.SAMPLES_DIR], dictionary=sample_corpus.dictionary(), progress=False)
        url = engine.url.render_as_string(hide_password=False)
        engine.dispose()
    return PgSamples(url, folder, outcome)


def _frames(url: str) -> dict[str, pd.DataFrame]:
    engine = database.connect(url)
    actors, mentions, dates = frames.actor_frames(engine, sample_corpus.dictionary())
    found = {"articles": reads.load_articles(engine).drop(columns=["ingested_at"]), "stored mentions": reads.load_mentions(engine),
             "stored dates": reads.load_mentioned_dates(engine), "actors": actors, "mentions": mentions, "dates": dates}
    engine.dispose()
    return found


def test_the_sample_corpus_is_the_same_on_both(sample_ingest, pg_samples, tmp_path, monkeypatch):
    monkeypatch.setenv("GEOWIRE_FRAMES_DIR", str(tmp_path / "frames"))
    lite = f"sqlite:///{sample_ingest.copy(tmp_path / 'lite')}"
    assert dataclasses.replace(pg_samples.run.ingested, skipped=[]) == dataclasses.replace(sample_ingest.run.ingested, skipped=[])
    assert pg_samples.run.extracted == sample_ingest.run.extracted
    on_sqlite, on_postgres = _frames(lite), _frames(pg_samples.url)
    for name, frame in on_sqlite.items():
        assert len(frame), name
        pd.testing.assert_frame_equal(on_postgres[name], frame, obj=name)
    # Missing publication times come first on both (PostgreSQL would put them last unless told).
    assert on_postgres["articles"]["published"].isna().iloc[0]
    for fmt in ("csv", "jsonl"):
        files = {}
        for name, url in (("sqlite", lite), ("postgresql", pg_samples.url)):
            out = tmp_path / f"{name}.{fmt}"
            done = run_cli("export", "--format", fmt, "--out", out, "--language", "ru", "--language", "ar", db=url)
            assert done.returncode == 0, done.stderr
            # Every byte but the time each store was written at.
            files[name] = (pd.read_csv(out, dtype=str, keep_default_na=False) if fmt == "csv"
                           else pd.read_json(out, lines=True, dtype=False)).drop(columns=["ingested_at"])
        pd.testing.assert_frame_equal(files["postgresql"], files["sqlite"], obj=f"export as {fmt}")
        assert len(files["sqlite"]) > 5


def test_the_dashboard_opens_a_postgresql_store(pg_samples, tmp_path, monkeypatch):
    frames_root = tmp_path / "frames"
    monkeypatch.setenv("GEOWIRE_DB", pg_samples.url)
    monkeypatch.setenv("GEOWIRE_FRAMES_DIR", str(frames_root))
    monkeypatch.setenv("GEOWIRE_CONFIG", str(tmp_path / "no-settings.toml"))
    monkeypatch.setenv("GEOWIRE_SAMPLE_CORPUS", "0")
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    caption = next(c.value for c in at.caption if " of " in c.value and "articles ·" in c.value)
    stored = pg_samples.run.ingested.stored
    assert caption.startswith(f"{stored} of {stored} ")
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["lang"] = "ar"
    at.run()
    at.switch_page("pages/articles.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("dir='rtl'" in m.value for m in at.markdown if "geowire-article" in m.value)
    # The frames are kept on this machine, in one folder for this server's database, named
    # without the user or the password.
    [folder] = frames_root.iterdir()
    assert folder.name.startswith("postgresql-127.0.0.1-") and folder.name.count("samples") == 1
    password = sa.make_url(pg_samples.url).password
    assert password not in folder.name and "geowire" not in folder.name
    assert any(entry.name.startswith("articles-") for entry in folder.iterdir())


@pytest.mark.parametrize("target", ["en"])
def test_translation_through_the_memory(db_url, tmp_path, target):
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(6):
        (folder / f"{n}.txt").write_text(inputs.scraped_page(n, ("fr", "ar")[n % 2]), encoding="utf-8")
    engine = database.connect(db_url)
    pipeline.ingest(engine, [folder], extract=False, progress=False)
    settings = config.translation_settings(environ={}, settings_file=tmp_path / "none.toml", provider="libre",
                                           backoff=0.01, timeout=2.0, url="http://127.0.0.1:1/")
    with FakeLibreTranslate() as server:
        first = run.run(engine, dataclasses.replace(settings, url=server.url))
        sent = len(server.requests)
        with database._writing(engine) as conn:  # the translations lost, the memory kept
            conn.execute(schema.translations.delete())
        again = run.run(engine, dataclasses.replace(settings, url=server.url))
        assert len(server.requests) == sent > 0, "the second run must be served from the memory alone"
    assert first.translated == again.from_memory == 6
    stored = translation_memory.load_translations(engine, target)
    assert (stored["status"] == "translated").all() and stored["text"].str.startswith(f"[{target}] ").all()
    assert translation_memory.memory_size(engine) > 0
    assert database.revision(engine, "translations") >= 12


def _subprocess(url: str, *args: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "core", "--db", url, *args], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO), **env})


def _folder(path: Path, start: int, count: int, csv_rows: int = 0) -> Path:
    path.mkdir()
    for n in range(start, start + count):
        (path / f"{n:04d}.txt").write_text(inputs.scraped_page(n, ("en", "fr", "ar")[n % 3]), encoding="utf-8")
    if csv_rows:
        rows = ["title,text,date"] + [f'"Row {start + r}","{inputs.article_text(start + 1000 + r)}",2024-01-02'
                                      for r in range(csv_rows)]
        (path / "wire.csv").write_text("\n".join(rows), encoding="utf-8")
    return path


def test_ingests_extractions_and_readers_at_once_lose_nothing(db_url, tmp_path):
    """Two ingests of overlapping folders, then two extractions of every article beside a third
    ingest, while readers read what the dashboard reads: every process ends well, no lock error,
    every article stored once and extracted once."""
    shared = _folder(tmp_path / "shared", 0, 12)
    first, second = _folder(tmp_path / "first", 100, 15, csv_rows=700), _folder(tmp_path / "second", 200, 15)
    later = _folder(tmp_path / "later", 300, 10)
    engine = database.connect(db_url)
    env = {"GEOWIRE_BUSY_SECONDS": "120", "GEOWIRE_FRAMES_DIR": os.environ["GEOWIRE_FRAMES_DIR"]}
    problems, reads_done = [], []
    stop = threading.Event()

    def read() -> None:
        seen = []  # what this reader saw, in order: a count may never go down
        while not stop.is_set():
            try:
                count = len(reads.load_articles(engine))
                reads.load_mentions(engine)
                database.revision(engine)
                if seen and count < seen[-1]:
                    problems.append(f"a reader saw {count} articles after {seen[-1]}")
                seen.append(count)
            except Exception as err:  # every failure is reported by the test, none hidden
                problems.append(repr(err))
        reads_done.append(len(seen))

    readers = [threading.Thread(target=read) for _ in range(2)]
    for reader in readers:
        reader.start()
    try:
        ingests = [_subprocess(db_url, "ingest", "--no-extract", str(first), str(shared), env=env),
                   _subprocess(db_url, "ingest", "--no-extract", str(second), str(shared), env=env)]
        outputs = [process.communicate(timeout=300) for process in ingests]
        assert [p.returncode for p in ingests] == [0, 0], outputs
        assert len(reads.load_articles(engine)) == 12 + 15 + 700 + 15
        extracting = [_subprocess(db_url, "extract", "--all", env=env), _subprocess(db_url, "extract", "--all", env=env),
                      _subprocess(db_url, "ingest", "--no-extract", str(later), env=env)]
        outputs = [process.communicate(timeout=300) for process in extracting]
        assert [p.returncode for p in extracting] == [0, 0, 0], outputs
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert not problems, problems[:5]
    assert min(reads_done) > 2, "the readers must have read while the others wrote"
    text = "\n".join(out + err for out, err in outputs).lower()
    assert "locked" not in text and "busy" not in text and "traceback" not in text
    articles = reads.load_articles(engine)
    assert len(articles) == articles["article_id"].nunique() == 12 + 15 + 700 + 15 + 10
    with engine.connect() as conn:
        extracted = conn.execute(sa.select(sa.func.count()).select_from(schema.extractions)).scalar()
    assert extracted >= 12 + 15 + 700 + 15  # the later ten may have come after both extractions began
    mentions = reads.load_mentions(engine)
    key = ["article_id", "field", "start", "end", "actor_id", "name_key"]
    assert not mentions.duplicated(key).any(), "two extractions of one article both kept their mentions"
    before = len(mentions)
    assert run_cli("extract", "--all", db=db_url).returncode == 0
    assert len(reads.load_mentions(engine)) == before


def test_views_and_corrections_saved_at_once_are_each_kept_once(db_url):
    engine = database.connect(db_url)
    problems = []
    barrier = threading.Barrier(6)

    def save(n: int) -> None:
        try:
            barrier.wait()
            saved_views.save_view(engine, "Shared view", "pages/timeline.py", f"lang=ar&n={n}")
            corrections.add(engine, [corrections.Correction("rename", actor="Q7747", name="Vladimir Putin (RU)",
                                                            analyst=f"analyst {n}")])
        except Exception as err:  # every failure is reported by the test, none hidden
            problems.append(repr(err))

    threads = [threading.Thread(target=save, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not problems, problems
    [view] = saved_views.list_views(engine)
    assert view.name == "Shared view" and view.query.startswith("lang=ar&n=")
    assert len(corrections.load(engine)) == 1
    assert database.revision(engine, corrections.REVISION_KEY) == 1


def test_the_command_line_with_db_and_with_geowire_db(postgres, tmp_path, monkeypatch):
    monkeypatch.setenv("GEOWIRE_FRAMES_DIR", str(tmp_path / "frames"))
    url = postgres.database()
    password = sa.make_url(url).password
    folder = _folder(tmp_path / "in", 0, 6)
    # A plain postgresql:// URL, as a team's server is written down: psycopg 3 is chosen for it.
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    done = run_cli("ingest", folder, db=plain)
    assert done.returncode == 0, done.stderr
    assert "6 article(s) stored" in done.stdout
    assert password not in done.stdout + done.stderr
    out = tmp_path / "all.csv"
    with mock.patch.dict(os.environ, {"GEOWIRE_DB": plain}), mock.patch.object(pipeline, "load_dictionary", sample_corpus.dictionary):
        assert cli.main(["export", "--out", str(out)]) == 0
    assert pd.read_csv(out)["article_id"].nunique() == 6
    assert list((tmp_path / "frames").iterdir()), "the frames of a PostgreSQL store are written on this machine"


def test_a_refused_password_is_one_line_without_the_password(postgres, tmp_path):
    url = postgres.database()
    wrong = sa.make_url(url).set(password="not-the-password-42").render_as_string(hide_password=False)
    done = run_cli("export", db=wrong)
    assert done.returncode == 1
    assert "not-the-password-42" not in done.stdout + done.stderr
    assert "cannot use the PostgreSQL server" in done.stderr and "***" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_writer_held_past_the_busy_time_stops_with_store_busy(postgres, tmp_path):
    url = postgres.database()
    database.connect(url).dispose()
    folder = _folder(tmp_path / "in", 0, 2)
    holder = sa.create_engine(pg.driver_url(url))
    try:
        with holder.connect() as conn, conn.begin():
            pg.take_lock(conn, "ingest")  # another ingest, stuck in its transaction
            began = time.monotonic()
            done = run_cli("ingest", "--no-extract", folder, db=url, env={"GEOWIRE_BUSY_SECONDS": "0.5"})
            waited = time.monotonic() - began
    finally:
        holder.dispose()
    assert done.returncode == 3, done.stderr
    assert "store busy" in done.stderr and sa.make_url(url).password not in done.stderr
    assert waited < 30
    # Readers never wait: the store reads while the lock is held; the files come in on a second run.
    assert run_cli("ingest", "--no-extract", folder, db=url).returncode == 0


def test_a_value_longer_than_the_schema_width_is_stored_as_on_sqlite(db_url, tmp_path):
    """SQLite never enforces a column's width, so neither does the store on PostgreSQL."""
    row = {"title": "Wide\u0000 title", "text": inputs.article_text(1), "language": "en-GB-oxendict-x-private-use-tag",
           "date": "2024-03-01"}
    path = tmp_path / "wide.jsonl"
    path.write_text(json.dumps(row), encoding="utf-8")
    engine = database.connect(db_url)
    outcome = pipeline.ingest(engine, [path], extract=False, progress=False)
    assert outcome.ingested.stored == 1, outcome.ingested.problems
    assert reads.load_articles(engine)["language_declared"].str.len().max() > 16


def test_the_frames_folder_of_a_server_stays_inside_its_root_and_names_no_credentials(tmp_path):
    environ = {"GEOWIRE_FRAMES_DIR": str(tmp_path)}
    first = config.frames_cache_dir("postgresql://ana:s3cret@db.example.org:5433/news", environ)
    assert first.parent == tmp_path and "ana" not in first.name and "s3cret" not in first.name
    assert config.frames_cache_dir("postgresql+psycopg://bo:other@db.example.org:5433/news", environ) == first
    assert config.frames_cache_dir("postgresql://ana:s3cret@db.example.org:5434/news", environ) != first
    for hostile in ("postgresql://u@h/..%2F..%2Fetc", "postgresql://u@h/../../etc", "postgresql:///x?host=/../../root"):
        folder = config.frames_cache_dir(hostile, environ)
        assert folder.parent == tmp_path and not folder.name.startswith(".")
    assert config.frames_cache_dir("sqlite:////srv/geowire.db", environ) == Path("/srv/geowire.frames")
    assert config.frames_cache_dir("sqlite://", environ) is None


@pytest.fixture
def held_commit(monkeypatch):
    """The writer running in a thread named "first" stops just before its commit (at its revision
    bump, the last thing every write transaction does) until ``release`` is set: a second writer
    then starts while the first's transaction is open, the interleaving that on SQLite cannot
    happen and on PostgreSQL happens whenever two writers meet."""
    release, reached = threading.Event(), threading.Event()
    bump = database._bump_revision

    def held(conn, key="revision"):
        if threading.current_thread().name == "first" and not release.is_set():
            reached.set()
            release.wait(60)
        bump(conn, key)

    monkeypatch.setattr(database, "_bump_revision", held)
    return reached, release


def _interleaved(reached, release, first, second) -> list[str]:
    problems = []

    def guarded(work):
        def run_it():
            try:
                work()
            except Exception as err:  # every failure is reported by the test, none hidden
                problems.append(repr(err))
        return run_it

    one = threading.Thread(target=guarded(first), name="first")
    one.start()
    assert reached.wait(60), "the first writer never reached its commit"
    two = threading.Thread(target=guarded(second), name="second")
    two.start()
    two.join(1.5)  # the second writer is now waiting (for the lock), or done when nothing made it wait
    release.set()
    one.join(60)
    two.join(60)
    return problems


def test_one_story_ingested_twice_at_once_is_stored_once(db_url, tmp_path, held_commit):
    folders = [tmp_path / "a", tmp_path / "b"]
    for folder in folders:
        folder.mkdir()
        (folder / "story.txt").write_text(inputs.scraped_page(7), encoding="utf-8")
    engine = database.connect(db_url)
    outcomes = []

    def ingest(folder):
        return lambda: outcomes.append(pipeline.ingest(engine, [folder], extract=False, progress=False, source="Wire"))

    problems = _interleaved(*held_commit, ingest(folders[0]), ingest(folders[1]))
    assert not problems, problems
    assert len(reads.load_articles(engine)) == 1
    assert sorted((o.ingested.stored, o.ingested.duplicates) for o in outcomes) == [(0, 1), (1, 0)]


def test_one_article_extracted_twice_at_once_keeps_one_set_of_mentions(db_url, tmp_path, held_commit):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "one.txt").write_text("Vladimir Putin met Recep Tayyip Erdogan in Moscow on 3 March 2024.\n\n"
                                    + inputs.article_text(3), encoding="utf-8")
    engine = database.connect(db_url)
    pipeline.ingest(engine, [folder], extract=False, progress=False)

    def extract():
        pipeline.extract(engine, everything=True, dictionary=sample_corpus.dictionary())

    problems = _interleaved(*held_commit, extract, extract)
    assert not problems, problems
    mentions = reads.load_mentions(engine)
    assert len(mentions) >= 2 and not mentions.duplicated(["field", "start", "end", "actor_id", "name_key"]).any()
