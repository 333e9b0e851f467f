"""Time axes (issue 22, item 1): every chart of core.charts.over_time draws the period it was asked
for, each bar as wide as its period and labelled by its first day (weeks start on Monday), on an axis
that stays sane for one period, says so when there is nothing, and never shows a time of day."""
from __future__ import annotations

import os
import pickle
import re
import shutil
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from core.analysis import timelines
from core.charts import over_time
from core.export import figures

DAY_MS = 86_400_000
SHOTS = Path(__file__).resolve().parent / "screenshots"
# d3-time-format directives for a time of day (hours, minutes, seconds, milli/microseconds, AM/PM)
TIME_DIRECTIVES = re.compile(r"%-?[HIMSLfpQs]")


def _articles(rows) -> pd.DataFrame:
    """Articles (article_id, published as written in UTC, precision, language, source)."""
    frame = pd.DataFrame(rows, columns=["article_id", "published", "published_precision", "language", "source"])
    frame["published"] = pd.to_datetime(frame["published"], utc=True, format="ISO8601")
    return frame


# The shape seen on the Overview with Actors = Nikolai Patrushev: one article in April, two on 5-6
# August. Main drew them as months ("month of 2024-04-22"), bars three months wide.
FEW = _articles([("apr", "2024-04-22 10:00", "minute", "ru", "TASS"),
                 ("aug5", "2024-08-05", "day", "fa", "Payam"),          # known only to the day
                 ("aug6", "2024-08-06 12:00", "minute", "ru", "Kommersant")])
# One day: the Timeline with Languages fa + ru and Text "Шойгу" (ticks "23:59:59.9996 Aug 4").
ONE_DAY = _articles([("fa", "2024-08-04", "day", "fa", "Payam"), ("ru", "2024-08-04 12:00", "minute", "ru", "TASS")])
MENTIONS = pd.DataFrame({"article_id": ["apr", "aug5", "aug6", "fa", "ru"], "actor_id": "Q1"})
ACTORS = pd.DataFrame({"actor_id": ["Q1", "Q2"], "name": ["Nikolai Patrushev", "Sergei Shoigu"]})


def _bars(fig: go.Figure) -> list:
    return [trace for trace in fig.data if trace.type == "bar"]


def _hovers(fig: go.Figure) -> list[str]:
    return [text for trace in fig.data for text in (trace.hovertext or ())]


def _mentioned(days: list[str]) -> pd.DataFrame:
    """A mentioned_dates_timeline table of these days, one article each."""
    return pd.DataFrame({"date": pd.to_datetime(days), "articles": 1, "mentions": 1, "sources": 1, "languages": "ru",
                         "sentences": [["Встреча назначена на 4 августа."]] * len(days),
                         "article_ids": [["a"]] * len(days)})


def _stories(first: str, last: str) -> pd.DataFrame:
    """A story_groups table of one story of two articles."""
    return pd.DataFrame({"group": [1], "articles": [2], "article_ids": [["fa", "ru"]], "languages": [["fa", "ru"]],
                         "sources": [["Payam", "TASS"]], "first": pd.to_datetime([first], utc=True),
                         "last": pd.to_datetime([last], utc=True), "top_actors": [["Sergei Shoigu"]],
                         "title": ["Шойгу в Тегеране"]})


def _range(fig: go.Figure) -> tuple[pd.Timestamp, pd.Timestamp]:
    low, high = fig.layout.xaxis.range
    return pd.Timestamp(low), pd.Timestamp(high)


def _bar_spans(trace) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Where each vertical bar is drawn: ``x`` is its period's first day and, with Plotly's period
    positioning ("middle"), the bar of ``width`` ms is centred in that period."""
    assert trace.xperiodalignment == "middle"
    return [(pd.Timestamp(x), pd.Timestamp(x) + pd.Timedelta(milliseconds=w)) for x, w in zip(trace.x, trace.width)]


# --- the period asked for is the period drawn -----------------------------------------------------------

def test_few_articles_by_week_are_weeks_starting_on_monday():
    fig = over_time.volume_chart(timelines.volume(FEW, "language", "week"), "language")
    spans = [span for trace in _bars(fig) for span in _bar_spans(trace)]
    assert {start for start, _ in spans} == {pd.Timestamp("2024-04-22"), pd.Timestamp("2024-08-05")}
    assert all(start.day_name() == "Monday" and end - start == pd.Timedelta(days=7) for start, end in spans)
    for trace in _bars(fig):  # Plotly places each bar in the week it names, counted from a Monday
        assert trace.xperiod == 7 * DAY_MS and pd.Timestamp(trace.xperiod0).day_name() == "Monday"
    assert fig.layout.xaxis.title.text == "Publication date (week starting Monday)"
    hovers = _hovers(fig)
    assert "week Mon 2024-08-05 – Sun 2024-08-11: 1 article" in " ".join(hovers)
    assert all("week" in h and "month" not in h for h in hovers)
    # the axis shows when coverage happened: April, then 5-6 August, not July to September
    low, high = _range(fig)
    assert low <= pd.Timestamp("2024-04-22") and pd.Timestamp("2024-08-12") <= high < pd.Timestamp("2024-09-01")


def test_attention_by_week_names_weeks_and_sits_inside_them():
    attention = timelines.attention(FEW, MENTIONS, ACTORS, ["Q1"], "week")
    fig = over_time.attention_chart(attention)
    line = fig.data[0]
    assert line.xperiod == 7 * DAY_MS and line.xperiodalignment == "middle"
    assert all(pd.Timestamp(x).day_name() == "Monday" for x in line.x)
    assert "Publication date (week starting Monday)" == fig.layout.xaxis.title.text
    assert all(h.count("week") >= 2 and "month" not in h for h in line.hovertext)  # "week …", "of that week's articles"


@pytest.mark.parametrize("freq, first_days, days", [
    ("day", ["2024-04-22", "2024-08-05", "2024-08-06"], [1, 1, 1]),
    ("month", ["2024-04-01", "2024-08-01"], [30, 31]),  # each month as long as it is
])
def test_every_period_is_drawn_as_long_as_it_is(freq, first_days, days):
    fig = over_time.volume_chart(timelines.volume(FEW, "source", freq), "source")
    spans = sorted({span for trace in _bars(fig) for span in _bar_spans(trace)})
    assert [start for start, _ in spans] == [pd.Timestamp(d) for d in first_days]
    assert [(end - start).days for start, end in spans] == days
    assert f"({freq} starting" in fig.layout.xaxis.title.text
    named = {"day": r"<br>(Mon|Tue) 2024-\d\d-\d\d: ", "month": r"<br>month (April|August) 2024: "}[freq]
    assert all(re.search(named, h) for h in _hovers(fig))


def test_a_table_that_does_not_say_its_period_is_refused_not_guessed():
    volume = timelines.volume(FEW, "language", "week")
    assert pickle.loads(pickle.dumps(volume)).attrs["freq"] == "week"  # survives Streamlit's caches
    unsaid = volume.copy()
    unsaid.attrs.clear()
    with pytest.raises(ValueError, match="attrs"):
        over_time.volume_chart(unsaid, "language")
    with pytest.raises(ValueError, match="frequency"):
        timelines.attention(FEW.head(0), MENTIONS, ACTORS, ["Q1"], "fortnight")


# --- one period, and nothing ------------------------------------------------------------------------------

def _assert_sane_axis(fig: go.Figure, period_ms: int) -> None:
    """An axis wider than one period with ticks a whole day or more apart, labelled by date alone."""
    axis = fig.layout.xaxis
    low, high = _range(fig)
    assert high - low >= pd.Timedelta(milliseconds=5 * period_ms)
    assert axis.tickformat and not TIME_DIRECTIVES.search(axis.tickformat)
    assert axis.hoverformat and not TIME_DIRECTIVES.search(axis.hoverformat)
    # a step of whole days, or of months ("M1", "M3"...)
    assert re.fullmatch(r"M\d+", axis.dtick) if isinstance(axis.dtick, str) else axis.dtick % DAY_MS == 0


@pytest.mark.parametrize("freq, period_ms", [("day", DAY_MS), ("week", 7 * DAY_MS)])
def test_a_single_period_has_room_around_it_and_date_ticks(freq, period_ms):
    fig = over_time.volume_chart(timelines.volume(ONE_DAY, "language", freq), "language")
    _assert_sane_axis(fig, period_ms)
    ((start, end),) = {span for trace in _bars(fig) for span in _bar_spans(trace)}
    low, high = _range(fig)
    assert low < start and end < high and end - start == pd.Timedelta(milliseconds=period_ms)
    attention = over_time.attention_chart(timelines.attention(ONE_DAY, MENTIONS, ACTORS, ["Q1"], freq))
    _assert_sane_axis(attention, period_ms)


def test_one_mentioned_day_and_a_one_day_story_have_sane_axes():
    days = over_time.mentioned_dates_chart(_mentioned(["2024-08-04"]))
    _assert_sane_axis(days, DAY_MS)
    assert days.data[0].xperiod == DAY_MS and days.data[0].xperiodalignment == "middle"
    story = over_time.story_groups_chart(_stories("2024-08-04", "2024-08-04"))
    _assert_sane_axis(story, DAY_MS)
    (bar,) = story.data
    assert pd.Timestamp(bar.base[0]) == pd.Timestamp("2024-08-04") and bar.x[0] == DAY_MS  # the whole day, no more


def test_an_empty_selection_gives_a_figure_saying_so():
    nothing = FEW.head(0)
    empty = {
        "volume": over_time.volume_chart(timelines.volume(nothing, "language", "week"), "language"),
        "attention": over_time.attention_chart(timelines.attention(nothing, MENTIONS, ACTORS, ["Q1"], "week")),
        # articles, but none naming the chosen actor: zero lines on a meaningless axis before
        "attention of an unnamed actor": over_time.attention_chart(
            timelines.attention(FEW, MENTIONS, ACTORS, ["Q2"], "week")),
        "dates": over_time.mentioned_dates_chart(_mentioned([])),
        "stories": over_time.story_groups_chart(_stories("2024-08-04", "2024-08-04").head(0)),
    }
    for name, fig in empty.items():
        assert not fig.data, name
        assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False, name
        assert fig.layout.annotations and fig.layout.annotations[0].text.startswith("No"), name


# --- no made-up time of day ------------------------------------------------------------------------------------

def test_a_date_only_article_is_never_shown_at_midnight():
    dated_to_the_day = _articles([("d1", "2024-08-05", "day", "fa", "Payam"), ("d2", "2024-08-05", "day", "ru", "TASS")])
    mentions = pd.DataFrame({"article_id": ["d1", "d2"], "actor_id": "Q1"})
    drawn = [over_time.volume_chart(timelines.volume(dated_to_the_day, "language", freq), "language")
             for freq in timelines.FREQUENCIES]
    drawn.append(over_time.attention_chart(timelines.attention(dated_to_the_day, mentions, ACTORS, ["Q1"], "day")))
    drawn.append(over_time.mentioned_dates_chart(_mentioned(["2024-08-05"])))
    drawn.append(over_time.story_groups_chart(_stories("2024-08-05", "2024-08-05")))
    for fig in drawn:
        assert not any("00:00" in h for h in _hovers(fig)), fig.layout.title.text
        axis = fig.layout.xaxis
        assert axis.tickformat and not TIME_DIRECTIVES.search(axis.tickformat), fig.layout.title.text
        assert not TIME_DIRECTIVES.search(axis.hoverformat), fig.layout.title.text


# --- as the analyst sees them --------------------------------------------------------------------------------

def test_few_weeks_and_one_day_render_to_png():
    """Drawn by kaleido into tests/screenshots/ to be looked at (week bars on their Mondays; one
    day with room around it and date ticks)."""
    if not shutil.which("chromium") and not os.environ.get("BROWSER_PATH"):
        pytest.fail("Debian's chromium is missing: scripts/test.sh installs it (apt-get install chromium)")
    SHOTS.mkdir(exist_ok=True)
    charts = {"axes-few-weeks": over_time.volume_chart(timelines.volume(FEW, "language", "week"), "language"),
              "axes-one-day": over_time.volume_chart(timelines.volume(ONE_DAY, "language", "day"), "language")}
    for name, fig in charts.items():
        png = figures.figure_bytes(fig, "png", scale=1)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        (SHOTS / f"{name}.png").write_bytes(png)
