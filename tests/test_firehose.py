"""Ingest and extraction at firehose rates: an export's records cleaned in worker processes, an
ingest transaction's articles looked up and inserted together, extraction pages in worker
processes. Each must store exactly what the one-process path stores."""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal

import pandas as pd
import pytest

from core import pipeline, schema
from core.actors import extraction
from core.ingest import batch, prepare, workers
from core.store import database, extractions, reads
from tests import inputs

_PREPARE_RECORDS = prepare.prepare_records
_PEOPLE = {"en": "Vladimir Putin met Sergei Lavrov and Emmanuel Macron on 3 March 2024.",
           "fr": "Emmanuel Macron a reçu Olaf Scholz le 3 mars 2024.",
           "ar": "التقى فلاديمير بوتين مع رجب طيب أردوغان في 3 مارس 2024."}


def _export(path, rows: int, poison: int | None = None):
    """A JSONL export of distinct articles in three languages naming dictionary people, with an
    exact duplicate, the same body from another outlet, an empty item (no headline, no body) and an
    unreadable line."""
    languages = ("en", "fr", "ar")
    with open(path, "w", encoding="utf-8") as out:
        for n in range(rows):
            language = languages[n % 3]
            text = f"{_PEOPLE[language]} {inputs.article_text(n, language)}"
            source = f"outlet-{n % 4}"
            if n == 40:  # the same article again, same outlet: merged
                text, source = f"{_PEOPLE['en']} {inputs.article_text(3, 'en')}", "outlet-3"
            if n == 41:  # article 3's body from another outlet: stored, linked to it
                text, source = f"{_PEOPLE['en']} {inputs.article_text(3, 'en')}", "outlet-1"
            title = "" if n == 42 else f"Title {n}"
            if n == 42:
                text = ""
            if n == poison:
                text += " POISON"
            line = json.dumps({"title": title, "text": text, "source": source,
                               "published": f"2024-03-{1 + n % 28:02d}T10:00:00Z"}, ensure_ascii=False)
            out.write("{not json\n" if n == 43 else line + "\n")
    return path


def _stored(engine) -> tuple[pd.DataFrame, pd.DataFrame]:
    articles = reads.load_articles(engine).drop(columns=["ingested_at"]).sort_values("article_id").reset_index(drop=True)
    log = reads.load_ingest_log(engine).drop(columns=["at"])
    return articles, log


def test_an_export_cleaned_in_workers_stores_what_one_process_stores(tmp_path, lexicon):
    export = _export(tmp_path / "emm.jsonl", 700)  # three batches of prepare.BATCH_RECORDS
    results = {}
    for jobs in (1, 2):
        engine = database.connect(f"sqlite:///{tmp_path / f'jobs{jobs}.db'}")
        summary = batch.ingest(engine, [export], lexicon=lexicon, progress=False, jobs=jobs)
        results[jobs] = (summary.stored, summary.duplicates, summary.rejected, summary.problems), _stored(engine)
    (counts, (articles, log)), (counts2, (articles2, log2)) = results[1], results[2]
    assert counts == counts2
    assert counts[:3] == (697, 1, 2)
    pd.testing.assert_frame_equal(articles, articles2)
    pd.testing.assert_frame_equal(log, log2)
    linked = articles[articles["duplicate_of"].notna()]
    assert len(linked) == 1 and linked["source"].tolist() == ["outlet-1"]


def _dying_prepare_records(records, *args):
    """A worker's task that dies as an out-of-memory kill would, on the record marked POISON."""
    if any("POISON" in (record.get("text") or "") for record in records):
        os.kill(os.getpid(), signal.SIGKILL)
    return _PREPARE_RECORDS(records, *args)


def test_a_record_that_kills_its_worker_is_rejected_alone(tmp_path, lexicon, monkeypatch):
    monkeypatch.setattr(prepare, "prepare_records", _dying_prepare_records)
    export = _export(tmp_path / "emm.jsonl", 600, poison=300)
    engine = database.connect(f"sqlite:///{tmp_path / 'store.db'}")
    summary = batch.ingest(engine, [export], lexicon=lexicon, progress=False, jobs=2)
    assert (summary.stored, summary.duplicates, summary.rejected) == (596, 1, 3)
    assert f"{export}: line 301: {workers._WORKER_DIED}" in summary.problems
    assert len(reads.load_articles(engine)) == 596


@pytest.fixture(scope="module")
def ingested_export(tmp_path_factory):
    folder = tmp_path_factory.mktemp("firehose")
    export = _export(folder / "emm.jsonl", 400)
    engine = database.connect(f"sqlite:///{folder / 'store.db'}")
    assert pipeline.ingest(engine, [export], extract=False, progress=False).ingested.stored == 397
    return folder / "store.db"


def _extracted(engine) -> tuple[pd.DataFrame, pd.DataFrame]:
    mentions = reads.load_mentions(engine)
    dates = reads.load_mentioned_dates(engine)
    return (mentions.sort_values(list(mentions.columns)).reset_index(drop=True),
            dates.sort_values(list(dates.columns)).reset_index(drop=True))


def test_extraction_in_workers_finds_what_one_process_finds(ingested_export, tmp_path, monkeypatch):
    monkeypatch.setattr(extraction, "CHUNK", 60)  # several pages, so that several are in flight
    dictionary = pipeline.load_dictionary()
    found = {}
    for jobs in (1, 2):
        shutil.copy(ingested_export, tmp_path / f"jobs{jobs}.db")
        engine = database.connect(f"sqlite:///{tmp_path / f'jobs{jobs}.db'}")
        summary = extraction.run(engine, dictionary, "v1", jobs=jobs)
        assert summary.articles == 397
        found[jobs] = summary, _extracted(engine)
    assert found[1][0] == found[2][0]
    assert found[1][0].mentions > 397 and found[1][0].dates >= 397
    for one, two in zip(found[1][1], found[2][1]):
        pd.testing.assert_frame_equal(one, two)


def test_a_dictionary_change_re_extracts_only_the_articles_it_can_affect(ingested_export, tmp_path):
    """Olaf Scholz taken out of the dictionary: only the articles that spell one of his aliases
    are extracted again, and the store ends as a full re-extraction leaves it."""
    dictionary = pipeline.load_dictionary()
    scholz = dictionary.actor_id("Olaf Scholz")
    changed = dataclasses.replace(dictionary, aliases=dictionary.aliases[dictionary.aliases["actor_id"] != scholz])
    stores = {}
    for name in ("partial", "full"):
        shutil.copy(ingested_export, tmp_path / f"{name}.db")
        stores[name] = database.connect(f"sqlite:///{tmp_path / f'{name}.db'}")
        assert extraction.run(stores[name], dictionary, "v1", only_affected=True).articles == 397
    assert extraction.run(stores["partial"], dictionary, "v1", only_affected=True).articles == 0
    partial = extraction.run(stores["partial"], changed, "v2", only_affected=True)
    full = extraction.run(stores["full"], changed, "v2", everything=True)
    naming = reads.load_articles(stores["full"])["text"].str.contains("Scholz").sum()  # the French articles
    assert full.articles == 397 and naming <= partial.articles < 397 // 2
    assert (partial.mentions, partial.dates) != (full.mentions, full.dates)  # counts of the articles read only
    for one, two in zip(_extracted(stores["partial"]), _extracted(stores["full"])):
        pd.testing.assert_frame_equal(one, two)
    assert extractions.extracted_versions(stores["partial"]) == ["v2"]
    assert not (reads.load_mentions(stores["partial"])["actor_id"] == scholz).any()


def test_a_changed_cue_or_an_unknown_earlier_dictionary_makes_every_article_due(ingested_export, tmp_path):
    dictionary = pipeline.load_dictionary()
    shutil.copy(ingested_export, tmp_path / "store.db")
    engine = database.connect(f"sqlite:///{tmp_path / 'store.db'}")
    extraction.run(engine, dictionary, "v1")
    cues = dataclasses.replace(dictionary.cues, particles={**dictionary.cues.particles, "en": {"von", "zzz"}})
    assert extraction.run(engine, dataclasses.replace(dictionary, cues=cues), "v2", only_affected=True).articles == 397
    with database._writing(engine) as conn:
        conn.execute(schema.dictionary_snapshots.delete())
    assert extraction.run(engine, dictionary, "v3", only_affected=True).articles == 397
