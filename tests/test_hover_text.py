"""Issue 22 item 10: long right-to-left quotes were cut at the edge of hover boxes. Hover text from
articles is broken into lines of about 60 characters at word boundaries, escaped, each line in its
own direction."""
import re

import pandas as pd
import pytest

from core.charts import by_actor, text

QUOTE = ('قال المتحدث باسم الخارجية القطرية ماجد الأنصاري إن الدوحة "تعمل مع شركائها بمصر وبواشنطن لتقريب '
         'وجهات النظر"، محذراً من أن استمرار الحرب يهدد بجر المنطقة إلى مواجهة أوسع <b>x</b>')


def _lines(hover: str) -> list[str]:
    return [line.strip("\u2068\u2069") for line in hover.split("<br>")]


@pytest.mark.parametrize("quote", [QUOTE, "Der Sprecher sagte: " + "Verhandlungen " * 20,
                                   "נתניהו אמר כי ישראל תגבה מחיר מאיראן בדרך ובעיתוי שיתאימו לנו, והוסיף שהמערכה לא הסתיימה"])
def test_a_quote_is_wrapped_escaped_and_isolated(quote):
    hover = text.hover_text(quote)
    lines = _lines(hover)
    assert len(lines) > 1 and all(len(line) <= text.HOVER_LINE_CHARS for line in lines)
    assert all(part.startswith("\u2068") and part.endswith("\u2069") for part in hover.split("<br>"))
    assert "<b>" not in hover and "&quot;" not in hover


def test_a_quote_is_cut_and_its_words_kept():
    hover = text.hover_text(QUOTE)
    assert "&lt;b&gt;" in hover and '"تعمل' in hover
    assert _lines(text.hover_text("word " * 100))[-1].endswith("…")
    assert text.hover_text(None) == "" and text.hover_text(float("nan")) == ""


def test_the_top_actors_hover_wraps_the_spellings():
    top = pd.DataFrame({"actor_id": ["Q1"], "name": ["Majed al-Ansari"], "type": ["person"], "articles": [3],
                        "mentions": [5], "spellings": [QUOTE]})
    hover = by_actor.top_actors_chart(top).data[0].hovertext[0]
    written = hover.split("As written:<br>", 1)[1]
    assert all(len(line) <= text.HOVER_LINE_CHARS for line in _lines(written))
    assert re.search(r"<br>\u2068", written)
