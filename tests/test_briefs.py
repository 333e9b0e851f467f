"""Short items are kept: feed items, wire flashes and export rows of a headline and a sentence or
two, headline-only items, and pages of broken markup whose text is plain to read. Only inputs where
nothing but site furniture remains are turned away."""
from __future__ import annotations

import json

import pandas as pd

from core import dedup, pipeline
from core.store import database, reads

_RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wire Desk</title><link>https://wire.example/</link>
<item><title>Lavrov arrives in Vientiane</title><link>https://wire.example/1</link>
<description>Sergei Lavrov arrived in Laos for talks with ASEAN ministers on Thursday.</description>
<pubDate>Thu, 25 Jul 2024 10:00:00 GMT</pubDate></item>
<item><title>Ceasefire talks resume in Doha</title><link>https://wire.example/2</link>
<description>Read more.</description><pubDate>Thu, 25 Jul 2024 11:00:00 GMT</pubDate></item>
<item><title>Oil prices fall after OPEC meeting</title><link>https://wire.example/3</link>
<description>Read more.</description><pubDate>Thu, 25 Jul 2024 12:00:00 GMT</pubDate></item>
<item><title>Macron calls snap election</title><link>https://wire.example/4</link>
<pubDate>Thu, 25 Jul 2024 13:00:00 GMT</pubDate></item>
</channel></rss>
"""
# 17 and 19 words: the rows an earlier version turned away for having fewer than 20.
_CSV = ("title,text,source,published\n"
        "Erdogan meets Putin,Recep Tayyip Erdogan met Vladimir Putin in Astana on Wednesday to discuss grain "
        "exports and the war.,Agency,2024-07-03\n"
        "Scholz visits Kyiv,Olaf Scholz travelled to Kyiv by train on Monday and promised more air defence "
        "systems to Ukraine this year.,Agency,2024-07-01\n")
_BROKEN_HTML = ("<html><head><title>Ministers meet in Vienna<body><div><p>The foreign ministers of Austria and "
                "Hungary met in Vienna on Tuesday to discuss the gas transit agreement<p>They said the talks would "
                "continue next month, and that the pipeline operators had been asked to prepare figures<div><b>"
                "Officials declined to say whether a deal was close<p>A joint statement is expected on Friday")


def _ingest(tmp_path, name: str, content: str):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    engine = database.connect(f"sqlite:///{tmp_path / 'store.db'}")
    run = pipeline.ingest(engine, [path], progress=False)
    return engine, run, reads.load_articles(engine).set_index("url", drop=False)


def test_feed_items_of_a_sentence_a_boilerplate_summary_or_a_headline_alone_are_stored(tmp_path):
    engine, run, articles = _ingest(tmp_path, "wire.xml", _RSS)
    assert run.ingested.rejected == 0
    assert sorted(articles["url"]) == [f"https://wire.example/{n}" for n in (1, 2, 3, 4)]
    # Two items whose summary is the same boilerplate are two articles, not one merged into the other.
    assert articles.loc["https://wire.example/2", "title"] == "Ceasefire talks resume in Doha"
    assert articles.loc["https://wire.example/3", "title"] == "Oil prices fall after OPEC meeting"
    assert articles["duplicate_of"].isna().all()
    # A headline alone is the item's one sentence: read and matched once, as its body.
    headline_only = articles.loc["https://wire.example/4"]
    assert headline_only["text"] == "Macron calls snap election" and pd.isna(headline_only["title"])
    mentions = reads.load_mentions(engine).merge(articles[["article_id", "url"]].reset_index(drop=True), on="article_id")
    by_item = mentions.groupby("url")["actor_id"].agg(set)
    assert by_item["https://wire.example/1"] == {"gw:sergei-lavrov", "Q819", "gw:asean"}
    assert mentions.loc[mentions["url"] == "https://wire.example/4", ["actor_id", "field"]].values.tolist() == \
        [["Q3052772", "text"]]


def test_export_rows_of_one_or_two_sentences_are_stored_and_a_rerun_changes_nothing(tmp_path):
    engine, run, articles = _ingest(tmp_path, "briefs.csv", _CSV)
    assert (run.ingested.stored, run.ingested.rejected) == (2, 0)
    assert sorted(articles["title"]) == ["Erdogan meets Putin", "Scholz visits Kyiv"]
    again = pipeline.ingest(engine, [tmp_path / "briefs.csv"], progress=False)
    assert again.ingested.stored == 0
    assert len(reads.load_articles(engine)) == 2


def test_a_row_with_neither_headline_nor_sentence_is_still_turned_away(tmp_path):
    rows = [{"title": "", "text": "Share", "source": "Agency"}, {"title": "", "text": "", "source": "Agency"},
            {"title": "Talks", "text": "Full story soon", "source": "Agency"}]
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")
    engine = database.connect(f"sqlite:///{tmp_path / 'store.db'}")
    run = pipeline.ingest(engine, [path], progress=False)
    assert (run.ingested.stored, run.ingested.rejected) == (1, 2)
    log = reads.load_ingest_log(engine)
    rejected = log[log["status"] == "rejected"]
    assert all("no article found" in message for message in rejected["message"])
    assert reads.load_articles(engine)["title"].tolist() == ["Talks"]


def test_a_page_of_unclosed_tags_is_stored_from_its_visible_text(tmp_path):
    _, run, articles = _ingest(tmp_path, "broken.html", _BROKEN_HTML)
    assert run.ingested.rejected == 0
    article = articles.iloc[0]
    assert article["title"] == "Ministers meet in Vienna"
    assert article["text"].startswith("The foreign ministers of Austria and Hungary met in Vienna")
    assert "A joint statement is expected on Friday" in article["text"]


def test_a_long_body_is_identified_by_itself_as_before_and_a_brief_with_its_headline():
    long_body = " ".join(["word"] * 25)
    assert not dedup.is_brief(long_body)
    assert dedup.is_brief("Read more.")
    frame = pd.DataFrame({"source": ["A", "A"], "title": ["One", "Two"], "text": [long_body, long_body]})
    fingerprinted = dedup.fingerprint(frame)
    assert fingerprinted["content_hash"].nunique() == 1 and fingerprinted["content_hash"][0] == dedup.content_hash(long_body)
    briefs = dedup.fingerprint(frame.assign(text=["Read more.", "Read more."]))
    assert briefs["article_id"].nunique() == 2
