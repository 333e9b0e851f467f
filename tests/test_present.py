"""Untrusted text shown as HTML: escaped, and in its own direction."""
from core import present


def test_quote_block_escapes_the_passage_and_sets_each_text_direction():
    block = present.quote_html("2025-03-01 · Arabic", "قال <script>alert(1)</script> إن", "ar",
                               "He said <img src=x onerror=alert(2)> that", "en")
    assert "<script>" not in block and "<img" not in block
    assert "&lt;script&gt;" in block and "&lt;img src=x onerror=alert(2)&gt;" in block
    original, translation = block.split("<blockquote")[1:]
    assert "dir='rtl'" in original and "lang='ar'" in original
    assert "dir='ltr'" in translation and "color:#555" in translation
    assert "waiting for translation" not in block


def test_quote_block_says_when_the_translation_is_still_to_come():
    waiting = present.quote_html("undated · Persian", "متن", "fa", None, "en", waiting=True)
    assert "waiting for translation" in waiting and waiting.count("<blockquote") == 1
    same_language = present.quote_html("undated · English", "Text", "en", None, "en", waiting=False)
    assert "waiting for translation" not in same_language


def test_quote_block_links_only_web_pages():
    linked = present.quote_html("2025-03-01 · French", "Texte", "fr", url="https://example.org/a?x=1&y='2'")
    assert "href='https://example.org/a?x=1&amp;y=&#x27;2&#x27;'" in linked and "rel='noopener noreferrer'" in linked
    for unsafe in ("javascript:alert(1)", "data:text/html,<script>alert(1)</script>", None, float("nan")):
        assert "<a " not in present.quote_html("undated · French", "Texte", "fr", url=unsafe)
