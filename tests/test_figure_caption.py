"""Issue 22 item 10: a chart file says which filters it was drawn under, and when it was exported."""
import datetime as dt
import re

import pandas as pd
import pytest

from core.analysis import filtering
from core.charts import by_actor
from core.export import figures

TODAY = dt.date(2026, 12, 7)


def test_the_caption_names_every_filter():
    chosen = filtering.Filters(date_from=dt.date(2024, 4, 1), date_to=dt.date(2024, 8, 31), languages=("fa", "ru"),
                               actors=("Q794", "Q159"), actor_match="all", sources=("Payam-e Shargh",),
                               query="Shoigu", include_undated=False, actor_types=("person",))
    caption = figures.filters_caption(chosen.to_dict(), TODAY, {"Q794": "Iran", "Q159": "Russia"})
    for part in ("actors Iran, Russia (all of them)", "actor types person", "2024-04-01 to 2024-08-31",
                 "undated articles left out", "languages Persian, Russian", "sources Payam-e Shargh", 'text "Shoigu"',
                 "exported 2026-12-07"):
        assert part in caption
    assert figures.filters_caption(filtering.Filters().to_dict(), TODAY).startswith("No filters")
    assert "from 2024-04-01" in figures.filters_caption(filtering.Filters(date_from=dt.date(2024, 4, 1)).to_dict(), TODAY)


def _chart():
    top = pd.DataFrame({"actor_id": ["Q794"], "name": ["Iran"], "type": ["country"], "articles": [3], "mentions": [5],
                        "spellings": ["ایران"]})
    return by_actor.top_actors_chart(top)


def test_every_chart_file_carries_the_caption_escaped():
    caption = figures.filters_caption(filtering.Filters(sources=("<img src=x onerror=alert(1)>",)).to_dict(), TODAY)
    page = figures.figure_bytes(_chart(), "html", caption=caption).decode("utf-8")
    assert "exported 2026-12-07 from Geowire" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    plain = figures.figure_bytes(_chart(), "html").decode("utf-8")
    assert "exported 2026-12-07" not in plain  # without a caption, none


@pytest.mark.parametrize("fmt", ["svg"])
def test_the_drawn_chart_shows_the_caption_under_it(fmt):
    caption = figures.filters_caption(filtering.Filters(languages=("he",)).to_dict(), TODAY)
    drawn = figures.figure_bytes(_chart(), fmt, caption=caption).decode("utf-8")
    assert "languages Hebrew" in drawn and "exported 2026-12-07 from Geowire" in drawn
    # below the plot: the annotation's y is past the x axis
    assert re.search(r"exported 2026-12-07", drawn)


def test_a_long_caption_is_wrapped_and_cut():
    names = {f"a{i}": f"Very Long Actor Name {i}" for i in range(80)}
    caption = figures.filters_caption(filtering.Filters(actors=tuple(names)).to_dict(), TODAY, names)
    fig = figures._captioned(_chart(), caption)
    text = fig.layout.annotations[-1].text
    assert text.count("<br>") == figures.CAPTION_LINES - 1 and text.endswith("…")
    assert fig.layout.margin.b > 60
