"""Untrusted text shown as HTML: escaped, and in its own direction."""
import pandas as pd

from core.charts import tables, text


def test_quote_block_escapes_the_passage_and_sets_each_text_direction():
    block = text.quote_html("2025-03-01 · Arabic", "قال <script>alert(1)</script> إن", "ar",
                            "He said <img src=x onerror=alert(2)> that", "en")
    assert "<script>" not in block and "<img" not in block
    assert "&lt;script&gt;" in block and "&lt;img src=x onerror=alert(2)&gt;" in block
    original, translation = block.split("<blockquote")[1:]
    assert "dir='rtl'" in original and "lang='ar'" in original
    assert "dir='ltr'" in translation and "color:#555" in translation
    assert "waiting for translation" not in block


def test_quote_block_says_when_the_translation_is_still_to_come():
    waiting = text.quote_html("undated · Persian", "متن", "fa", None, "en", waiting=True)
    assert "waiting for translation" in waiting and waiting.count("<blockquote") == 1
    same_language = text.quote_html("undated · English", "Text", "en", None, "en", waiting=False)
    assert "waiting for translation" not in same_language


def test_quote_block_links_only_web_pages():
    linked = text.quote_html("2025-03-01 · French", "Texte", "fr", url="https://example.org/a?x=1&y='2'")
    assert "href='https://example.org/a?x=1&amp;y=&#x27;2&#x27;'" in linked and "rel='noopener noreferrer'" in linked
    for unsafe in ("javascript:alert(1)", "data:text/html,<script>alert(1)</script>", None, float("nan")):
        assert "<a " not in text.quote_html("undated · French", "Texte", "fr", url=unsafe)


def test_small_table_escapes_cells_keeps_one_line_and_lets_each_cell_take_its_direction():
    frame = pd.DataFrame({
        "published": [pd.Timestamp("2024-10-24 16:45"), pd.NaT],
        "title": ["خبر <script>window.x = 1</script>\n\n![a](http://example.org/a.png)", "x" * 150],
        "articles": [7, 12]})
    block = tables.table_html(frame, {"title": "title (original)"})
    assert "<script>" not in block and "&lt;script&gt;window.x = 1&lt;/script&gt;" in block
    assert "\n" not in block, "a blank line would let Markdown read the rest (the image) as Markdown"
    assert "<img" not in block
    assert block.count("<tr>") == 3 and ">title (original)</th>" in block
    assert "white-space:nowrap'>2024-10-24 16:45</td>" in block and f"<td dir='auto' style='text-align:start;white-space:nowrap'>{tables.MISSING}</td>" in block
    assert ">" + "x" * 99 + "…</td>" in block
    assert "<td dir='auto' style='text-align:end'>12</td>" in block


def test_small_table_links_only_its_link_column():
    frame = pd.DataFrame({"source": ["a'b"], "title": ["<b>T</b>"]})
    block = tables.table_html(frame, links=("title", ["articles?article=x'1&lang=ru"]))
    assert "<a href='articles?article=x&#x27;1&amp;lang=ru' target='_self'>&lt;b&gt;T&lt;/b&gt;</a>" in block
    assert block.count("<a ") == 1


def test_publication_times_show_a_time_only_where_the_source_gave_one():
    published = pd.Series(pd.to_datetime(["2024-08-05 13:07", "2024-08-05 00:00", "2024-08-05 00:00", None], utc=True))
    precision = pd.Series(["minute", "day", "minute", None], dtype="string")
    assert tables.published_text(published, precision).tolist() == [
        "2024-08-05 13:07 UTC", "2024-08-05", "2024-08-05 00:00 UTC", "undated"]
