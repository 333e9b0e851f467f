"""The sample corpus' frames (articles, actors, mentions, dates), ingested and extracted once per
test session, for the tests of filters and searches. Kept on the pytest config under the name
tests/test_analysis.py uses, so a session running both extracts the corpus once."""
from __future__ import annotations

from core import config
from core.actors import actor_dictionary, extraction, frames
from core.ingest import batch
from core.store import database, reads


def dictionary() -> actor_dictionary.Dictionary:
    return actor_dictionary.load(config.ACTORS_DIR, config.CORRECTIONS_FILE)


def load(pytest_config) -> dict:
    found = getattr(pytest_config, "_geowire_sample_frames", None)
    if found is None:
        engine = database.connect("sqlite://")
        batch.ingest(engine, [config.SAMPLES_DIR], progress=False)
        extraction.run(engine, dictionary(), extraction.dictionary_version(config.ACTORS_DIR, config.CORRECTIONS_FILE))
        actors, mentions, dates = frames.actor_frames(engine, dictionary())
        found = (reads.load_articles(engine), actors, mentions, dates)
        pytest_config._geowire_sample_frames = found
    articles, actors, mentions, dates = found
    return {"articles": articles.copy(), "actors": actors.copy(), "mentions": mentions.copy(), "dates": dates.copy()}
