"""Issue 22 item 10: the languages chart lumped French, Spanish and Ukrainian into "other" with
only ten languages present: "other" only past twelve."""
import pandas as pd

from core.charts import over_time

LANGUAGES = ["ru", "uk", "ar", "fa", "he", "tr", "de", "fr", "es", "en", "el", "it", "pt", "nl"]


def _volume(count: int) -> pd.DataFrame:
    rows = [{"period": pd.Timestamp("2024-08-05"), "language": code, "articles": count - i}
            for i, code in enumerate(LANGUAGES[:count])]
    frame = pd.DataFrame(rows)
    frame.attrs["freq"] = "week"
    return frame


def test_ten_languages_are_ten_series():
    fig = over_time.volume_chart(_volume(10))
    names = [trace.name for trace in fig.data if trace.type == "bar"]
    assert len(names) == 10 and "other" not in names and {"French", "Spanish", "Ukrainian"} <= set(names)
    assert len({trace.marker.color for trace in fig.data if trace.type == "bar"}) == 10  # each its own colour


def test_more_than_twelve_sum_the_smallest_as_other():
    names = [trace.name for trace in over_time.volume_chart(_volume(14)).data if trace.type == "bar"]
    assert len(names) == 13 and names[-1] == "other"
