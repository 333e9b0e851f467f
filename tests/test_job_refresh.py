"""Issue 22 item 10: the Ingest and Translation pages refresh when their background job ends (only
their job panel reran every second: the counts above stayed those of before the job until a
reload), and the Ingest page links to what the job added."""
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests import inputs
from ui import jobs

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _app(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOWIRE_DB", str(tmp_path / "app.db"))
    monkeypatch.setenv("GEOWIRE_CONFIG", str(tmp_path / "no-settings.toml"))
    monkeypatch.setenv("GEOWIRE_SAMPLE_CORPUS", "0")
    monkeypatch.setenv("GEOWIRE_INGEST_ROOTS", str(tmp_path))


def test_the_ingest_page_links_to_the_articles_it_added(tmp_path, monkeypatch):
    _app(tmp_path, monkeypatch)
    folder = tmp_path / "drop"
    folder.mkdir()
    for number, language in enumerate(("fr", "ar")):
        (folder / f"page-{number}.txt").write_text(inputs.scraped_page(number + 3, language), encoding="utf-8")
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/ingest.py").run()
    at.text_input(key="ingest_folder").input(str(folder)).run()
    at.button(key="ingest_read_folder").click().run()
    job = jobs.job("ingest")
    assert job is not None and job.wait(timeout=60) and job.progress().state == "done"
    at.run()
    assert not at.exception
    links = [link for link in at.get("page_link") if "new article" in link.proto.label]
    assert len(links) == 1 and "2 new article" in links[0].proto.label
    added = next(frame.value for frame in at.dataframe if "open" in frame.value.columns)
    assert len(added) == 2
    assert set(added["language"]) == {"French", "Arabic"}
    assert added["open"].str.startswith("articles?article=").all()
