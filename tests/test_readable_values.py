"""Issue 22 item 10: language names wherever a person reads (tables, hovers, links, the
spreadsheet download; codes stay in the data files), and a dash where a value is missing (tables
and the Reader's metadata showed "None" and "null")."""
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from core import config
from core.charts import by_actor, tables
from core.ingest import batch
from core.store import database
from ui import downloads

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_readable_names_languages_and_dashes_missing_values():
    frame = pd.DataFrame({"language": ["fa", None, "he"], "title": ["a", None, "c"], "articles": [1, 2, 3],
                          "at": pd.to_datetime(["2024-01-01", None, "2024-02-01"])})
    shown = tables.readable(frame)
    assert list(shown["language"]) == ["Persian", "—", "Hebrew"]
    assert list(shown["title"]) == ["a", "—", "c"]
    assert shown["articles"].dtype == "int64" and shown["at"].isna().sum() == 1  # numbers and times kept
    assert frame["language"].isna().sum() == 1  # the input is left as it was
    html = tables.table_html(frame[["title"]])
    assert "<td dir='auto' style='text-align:start'>—</td>" in html and "None" not in html


def test_the_attention_chart_names_the_outlets_languages():
    share = pd.DataFrame({"source": ["payam", "payam"], "language": ["fa", "fa"], "source_articles": [3, 3],
                          "name": ["Iran", "Russia"], "actor_id": ["Q794", "Q159"], "articles": [2, 1],
                          "share": [2 / 3, 1 / 3]})
    fig = by_actor.attention_share_chart(share)
    assert list(fig.data[0].y) == ["payam (Persian, 3)"]


def test_the_spreadsheet_names_languages_beside_their_codes():
    frame = pd.DataFrame({"source": ["a"], "language": ["uk"], "articles": [2]})
    named = downloads._language_names(frame)
    assert list(named.columns) == ["source", "language", "language_name", "articles"]
    assert named.loc[0, "language"] == "uk" and named.loc[0, "language_name"] == "Ukrainian"
    assert downloads._language_names(frame[["source"]]).equals(frame[["source"]])


def _reader(tmp_path, monkeypatch) -> AppTest:
    db = tmp_path / "app.db"
    monkeypatch.setenv("GEOWIRE_DB", str(db))
    monkeypatch.setenv("GEOWIRE_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("GEOWIRE_SAMPLE_CORPUS", "0")
    batch.ingest(database.connect(f"sqlite:///{db}"), [config.SAMPLES_DIR / "exports" / "clippings-2024.jsonl",
                                                      config.SAMPLES_DIR / "hamabat"], progress=False)
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.switch_page("pages/articles.py").run()
    assert not at.exception
    return at


def test_the_reader_shows_names_and_dashes(tmp_path, monkeypatch):
    at = _reader(tmp_path, monkeypatch)
    listed = at.dataframe[0].value
    assert not listed.isna().any().any(), "a missing value in the Reader's list"
    assert set(listed["language"]) <= {"English", "French", "German", "Spanish", "Russian", "Ukrainian", "Arabic",
                                       "Persian", "Hebrew", "Turkish", "Greek"}
    assert any(column.startswith("translation (English") for column in listed.columns)
    metadata = next(m.value for m in at.markdown if "content_hash" in m.value)
    assert "null" not in metadata and "None" not in metadata and "—" in metadata  # duplicate_of is missing
    for frame in at.dataframe:
        shown = frame.value
        text = shown.select_dtypes(exclude=["number", "datetime", "bool"])
        assert not text.isna().any().any(), list(shown.columns)


def test_the_ingest_log_shows_a_dash_for_a_file_without_items(tmp_path, monkeypatch):
    db = tmp_path / "app.db"
    monkeypatch.setenv("GEOWIRE_DB", str(db))
    monkeypatch.setenv("GEOWIRE_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("GEOWIRE_SAMPLE_CORPUS", "0")
    (tmp_path / "drop").mkdir()
    (tmp_path / "drop" / "broken.json").write_text('{"title": "x", "text": ', encoding="utf-8")
    batch.ingest(database.connect(f"sqlite:///{db}"), [tmp_path / "drop", config.SAMPLES_DIR / "hamabat"], progress=False)
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.switch_page("pages/ingest.py").run()
    rejected = at.dataframe[-1].value
    assert list(rejected["item"]) == ["—"]
