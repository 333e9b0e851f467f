"""core.pipeline: the one chain ingest → extraction → frames, as the command line and the pages run it."""
import pytest

from core import config, pipeline
from core.actors import frames
from core.store import database, extractions, reads
from tests import inputs
from tests import sample_corpus


@pytest.fixture(autouse=True)
def _dictionary_read_once(monkeypatch):
    """The pipeline reads the dictionary as before, once per version of its files (see
    tests/sample_corpus.py dictionary), so that each test does not rebuild the matcher's index."""
    monkeypatch.setattr(pipeline, "load_dictionary", sample_corpus.dictionary)


def _folder(tmp_path, text: str = "Vladimir Putin met Recep Tayyip Erdogan in Ankara."):
    """One scraped page naming actors, in a folder named for its outlet."""
    folder = tmp_path / "in" / "wire"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text(inputs.scraped_page(1).replace("The foreign minister", text), encoding="utf-8")
    return folder.parent


def test_an_ingest_leaves_articles_extracted_and_the_frames_written(tmp_path):
    engine = database.connect(f"sqlite:///{tmp_path / 'store.db'}")
    folder = _folder(tmp_path)
    outcome = pipeline.ingest(engine, [folder], progress=False)
    assert outcome.ingested.stored == 1 and outcome.steps_not_done() == []
    assert outcome.extracted.articles == 1 and outcome.extracted.mentions >= 2
    assert extractions.count_due(engine, pipeline.dictionary_version()) == 0
    written = {p.name.split("-")[0] for p in config.frames_cache_dir(str(engine.url)).iterdir()}
    assert {"articles", "actors", "stories"} <= written
    again = pipeline.ingest(engine, [folder], progress=False)  # nothing new: nothing changes
    assert again.ingested.stored == 0 and again.extracted.articles == 0


def test_ingest_without_extraction_stops_after_storing(tmp_path):
    engine = database.connect(f"sqlite:///{tmp_path / 'store.db'}")
    folder = _folder(tmp_path)
    outcome = pipeline.ingest(engine, [folder], extract=False, progress=False)
    assert outcome.ingested.stored == 1 and outcome.extracted is None
    assert extractions.count_due(engine, pipeline.dictionary_version()) == 1


def test_a_broken_dictionary_stores_the_articles_and_says_why_actors_were_not_found(tmp_path, monkeypatch):
    actors = tmp_path / "actors"
    actors.mkdir()
    (actors / "broken.toml").write_text("[[actor]\nname = ", encoding="utf-8")
    monkeypatch.setattr(config, "ACTORS_DIR", actors)
    engine = database.connect(f"sqlite:///{tmp_path / 'store.db'}")
    folder = _folder(tmp_path)
    outcome = pipeline.ingest(engine, [folder], progress=False)
    assert len(reads.load_articles(engine)) == 1 and outcome.extracted is None
    assert outcome.steps_not_done() == [f"actors not extracted: {outcome.not_extracted}"]
    assert "broken.toml" in outcome.not_extracted


def test_frames_that_cannot_be_written_leave_the_store_extracted(tmp_path, monkeypatch):
    blocker = tmp_path / "a file where the frames folder should be"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setattr(config, "frames_cache_dir", lambda url: blocker / "frames")
    engine = database.connect(f"sqlite:///{tmp_path / 'store.db'}")
    folder = _folder(tmp_path)
    outcome = pipeline.ingest(engine, [folder], progress=False)
    assert outcome.extracted.articles == 1 and str(blocker) in outcome.frames_not_written
    assert extractions.count_due(engine, pipeline.dictionary_version()) == 0
    assert outcome.steps_not_done() == [f"frames not written: {outcome.frames_not_written}"]


def test_frames_superseded_by_another_writers_articles_are_not_a_failure(tmp_path, monkeypatch):
    """Two ingests at once: while this one prepares its frames, the other stores articles and its
    own frames remove these as stale. The files gone under this run are the newer store's doing,
    not a failure to report (seen as "frames not written: ... articles.parquet: No such file")."""
    engine = database.connect(f"sqlite:///{tmp_path / 'store.db'}")

    def other_writer_meanwhile(engine, *args):
        with database._writing(engine) as conn:
            database._bump_revision(conn)
        raise FileNotFoundError(2, "No such file or directory", "articles-1/articles.parquet")

    monkeypatch.setattr(frames, "prepare_frames", other_writer_meanwhile)
    outcome = pipeline.ingest(engine, [_folder(tmp_path)], progress=False)
    assert outcome.extracted.articles == 1 and outcome.frames_not_written is None
    assert outcome.steps_not_done() == []
    # The same error with the store unchanged is the run's own failure, and said.
    monkeypatch.setattr(frames, "prepare_frames", lambda *args: (_ for _ in ()).throw(
        FileNotFoundError(2, "No such file or directory", "articles-1/articles.parquet")))
    outcome = pipeline.extract(engine, everything=True)
    assert "No such file or directory" in outcome.frames_not_written


def test_extract_everything_extracts_again_with_the_same_result(tmp_path):
    engine = database.connect(f"sqlite:///{tmp_path / 'store.db'}")
    pipeline.ingest(engine, [_folder(tmp_path)], progress=False)
    before = reads.load_mentions(engine)
    again = pipeline.extract(engine, everything=True)
    assert again.extracted.articles == 1
    after = reads.load_mentions(engine)
    assert sorted(before["surface"]) == sorted(after["surface"]) and len(after) > 0
