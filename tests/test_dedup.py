"""Duplicates: the same article once, the same story once per source and linked."""
import pandas as pd

from core import dedup
from core.ingest import batch
from core.store import reads
from tests import inputs


def _write(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def test_same_article_twice_is_stored_once(tmp_path, engine, lexicon):
    page = inputs.scraped_page(1)
    a = _write(tmp_path / "wire", "a.txt", page)
    b = _write(tmp_path / "wire", "b.txt", "Home › World\n\n" + page.replace("Share\nPrint", "Tweet"))
    summary = batch.ingest(engine, [a, b], lexicon=lexicon, progress=False)
    assert (summary.stored, summary.duplicates) == (1, 1)


def test_same_story_in_two_outlets_is_kept_and_linked(tmp_path, engine, lexicon):
    body = inputs.article_text(7)
    first = _write(tmp_path / "outlet-one", "story.txt", f"March 12, 2024\n\nTalks resume in Geneva\n\nShare\n\n{body}\n\nRelated articles\nOther story\n")
    # Another outlet carries the wire copy with its own clutter and one sentence edited.
    edited = body.replace("according to a statement", "according to a written statement", 1)
    second = _write(tmp_path / "outlet-two", "copy.txt", f"Geneva talks: delegations meet again\n\nPrint\n\n{edited}\n\nComments\n")
    batch.ingest(engine, [first, second], lexicon=lexicon, progress=False)
    articles = reads.load_articles(engine).set_index("source")
    assert len(articles) == 2
    assert pd.isna(articles.loc["outlet-one", "duplicate_of"])
    assert articles.loc["outlet-two", "duplicate_of"] == articles.loc["outlet-one", "article_id"]


def test_different_articles_on_one_event_are_not_merged(tmp_path, engine, lexicon):
    one = _write(tmp_path / "a", "1.txt", inputs.scraped_page(1))
    two = _write(tmp_path / "b", "2.txt", inputs.scraped_page(2))
    batch.ingest(engine, [one, two], lexicon=lexicon, progress=False)
    assert reads.load_articles(engine)["duplicate_of"].isna().all()


def test_similarity_of_near_copies():
    body = inputs.article_text(3)
    near = body.replace("several hours", "many hours", 1)
    assert dedup.similarity(dedup.signature(body), dedup.signature(near)) >= dedup.NEAR_DUPLICATE_SIMILARITY
    assert dedup.similarity(dedup.signature(body), dedup.signature(inputs.article_text(4))) < 0.5


def test_ids_are_stable_and_content_derived():
    assert dedup.article_id("Wire", dedup.content_hash("Some text.")) == dedup.article_id("wire ", dedup.content_hash("some   TEXT"))
    assert dedup.article_id("Wire", dedup.content_hash("Some text.")) != dedup.article_id("Other", dedup.content_hash("Some text."))
