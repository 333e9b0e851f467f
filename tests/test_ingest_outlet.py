"""HTML pages ingested by hand keep the outlet they name themselves (its declared site name, else
the host of its canonical URL), not the upload batch or folder they were dropped in; a page that
names no outlet falls back to the folder, as before."""
import pytest

from core.ingest import batch, html_text
from core.store import reads

BODY = "<article><h1>Talks resume in Vienna</h1>" + "".join(
    f"<p>Paragraph {i}: the delegations met again on Tuesday and agreed to continue the talks next week "
    f"in the same format, officials said.</p>" for i in range(6)) + "</article>"


def _page(head: str) -> str:
    return f"<html lang='en'><head><title>Talks resume in Vienna | Site</title>{head}</head><body>{BODY}</body></html>"


@pytest.mark.parametrize("head, outlet", [
    ('<meta property="og:site_name" content="Meridian Gazette"><link rel="canonical" href="https://www.meridian.example/a">',
     "Meridian Gazette"),
    ('<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", "publisher": '
     '{"@type": "Organization", "name": "Meridian  Gazette"}}]}</script>', "Meridian Gazette"),
    # The canonical host, not trafilatura's guess from a Twitter handle.
    ('<link rel="canonical" href="https://www.meridian.example/world/1"><meta name="twitter:site" content="@meridiangaz">',
     "meridian.example"),
    ('<meta property="og:url" content="https://news.meridian.example/world/1">', "news.meridian.example"),
    ('<script type="application/ld+json">{broken</script><link rel="canonical" href="https://meridian.example/a">',
     "meridian.example"),
    ("", None),
])
def test_the_page_names_its_outlet(head, outlet):
    assert html_text.extract_html_page(_page(head)).source == outlet


def test_an_upload_batch_of_pages_from_several_outlets_keeps_each_outlet(tmp_path, engine, lexicon):
    batch_folder = tmp_path / "upload-2026-12-07"
    batch_folder.mkdir()
    (batch_folder / "a.html").write_text(_page('<meta property="og:site_name" content="Meridian Gazette">'),
                                         encoding="utf-8")
    (batch_folder / "b.html").write_text(_page('<link rel="canonical" href="https://www.kaspi.example/news/2">'
                                               '<meta name="twitter:site" content="@kaspinews">')
                                         .replace("Tuesday", "Wednesday"), encoding="utf-8")
    (batch_folder / "c.html").write_text(_page("").replace("Tuesday", "Thursday"), encoding="utf-8")
    summary = batch.ingest(engine, [batch_folder], lexicon=lexicon, progress=False)
    assert summary.stored == 3, summary.problems
    by_file = dict(zip(reads.load_articles(engine)["origin_file"].map(lambda f: f.rsplit("/", 1)[-1]),
                       reads.load_articles(engine)["source"]))
    assert by_file == {"a.html": "Meridian Gazette", "b.html": "kaspi.example", "c.html": "upload-2026-12-07"}


def test_an_outlet_given_by_the_user_still_wins(tmp_path, engine, lexicon):
    (tmp_path / "a.html").write_text(_page('<meta property="og:site_name" content="Meridian Gazette">'),
                                     encoding="utf-8")
    batch.ingest(engine, [tmp_path / "a.html"], source="my-outlet", lexicon=lexicon, progress=False)
    assert list(reads.load_articles(engine)["source"]) == ["my-outlet"]


def test_a_page_of_broken_markup_read_for_its_visible_text_keeps_its_outlet():
    page = ('<html><head><meta property="og:site_name" content="Danube Wire"><title>Ministers meet in Vienna<body>'
            "<div><p>The foreign ministers of Austria and Hungary met in Vienna on Tuesday to discuss the gas transit "
            "agreement<p>They said the talks would continue next month, and that the pipeline operators had been "
            "asked to prepare figures<div><b>Officials declined to say whether a deal was close<p>A joint statement "
            "is expected on Friday")
    read = html_text.extract_html_page(page)
    assert (read.source, read.title) == ("Danube Wire", "Ministers meet in Vienna")
