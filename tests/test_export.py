import concurrent.futures
import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pypdf
import pytest

from core import cli, config, schema
from core.store import database, reads
from core.analysis import filtering
from core.export import articles as export_articles, data as export_data, files as export_files, figures
from core.errors import ExportError
from tests import inputs
from tests.conftest import REPO, run_cli
from tests.test_export_hostile import starts_like_formula

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DANGEROUS = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def _frame():
    frame = schema.empty_articles()
    rows = [{name: None for name in schema.ARTICLE_COLUMNS} | {"article_id": f"id{i}", "title": value, "text": "body"}
            for i, value in enumerate(DANGEROUS)]
    return schema.as_articles(pd.concat([frame, pd.DataFrame(rows)], ignore_index=True))


def test_xlsx_cells_cannot_be_formulas():
    book = openpyxl.load_workbook(io.BytesIO(export_data.to_bytes(_frame(), "xlsx")))
    sheet = book["articles"]
    # openpyxl hands back a carriage return in its XML escape.
    titles = [row[3].value.replace("_x000D_", "\r") for row in sheet.iter_rows(min_row=2)]
    assert titles == ["'" + v for v in DANGEROUS]
    assert all(row[3].data_type == "s" for row in sheet.iter_rows(min_row=2))


def test_csv_cells_cannot_be_formulas():
    text = export_data.to_bytes(_frame(), "csv").decode("utf-8-sig")
    back = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [row["title"] for row in back] == ["'" + v for v in DANGEROUS]


@pytest.fixture(scope="module")
def ingested_db(tmp_path_factory):
    """One store of three articles for every format: the ingest is the slow part."""
    folder = tmp_path_factory.mktemp("cli") / "outlet"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.txt").write_text(inputs.scraped_page(n, "ar" if n == 1 else "en"), encoding="utf-8")
    db = folder.parent / "e.db"
    assert run_cli("ingest", folder, db=db).returncode == 0
    return db


@pytest.mark.parametrize("fmt", export_data.FORMATS)
def test_cli_export_has_schema_columns(ingested_db, tmp_path, fmt):
    db = ingested_db
    out = tmp_path / f"out.{fmt}"
    result = run_cli("export", "--format", fmt, "--out", out, db=db)
    assert result.returncode == 0, result.stderr
    if fmt == "csv":
        frame = pd.read_csv(out, encoding="utf-8-sig")
    elif fmt == "jsonl":
        frame = pd.read_json(out, lines=True)
    elif fmt == "json":
        frame = pd.DataFrame(json.loads(out.read_text())["articles"])
    else:
        frame = pd.read_excel(out, sheet_name="articles")
    assert list(frame.columns) == list(schema.ARTICLE_COLUMNS) + [
        "actors", "mentioned_dates", "title_translated", "text_translated", "translation_error", "translation_status"]
    assert len(frame) == 3
    assert any("الاجتماع رقم 1" in t for t in frame["text"])
    assert set(frame["published"].astype(str).str[:10]) == {"2024-03-12"}


def test_xlsx_needs_an_output_file(tmp_path):
    result = run_cli("export", "--format", "xlsx", db=tmp_path / "x.db")
    assert result.returncode == 2
    assert "--out" in result.stderr


# --- The article export: structured lists, the dashboard's filters ------------------------------

SAMPLE_OUTLETS = ("capital-ledger", "bogaz-postasi", "echo-diplomatique")  # 8 articles in en, tr, fr


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("samples")
    for outlet in SAMPLE_OUTLETS:
        shutil.copytree(config.SAMPLES_DIR / outlet, folder / "in" / outlet)
    db = folder / "s.db"
    assert run_cli("ingest", str(folder / "in"), "--quiet", db=db).returncode == 0
    return db


def _cli_export(db, out: Path, *options) -> Path:
    assert run_cli("export", "--format", out.suffix[1:], "--out", str(out), *options, db=db).returncode == 0
    return out


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_actors_and_mentioned_dates_are_lists_of_objects(sample_db, tmp_path):
    rows = _jsonl(_cli_export(sample_db, tmp_path / "a.jsonl"))
    assert len(rows) == 8
    assert all(isinstance(row["actors"], list) and isinstance(row["mentioned_dates"], list) for row in rows)
    actors = [actor for row in rows for actor in row["actors"]]
    assert actors and all(set(a) == {"id", "name", "type", "mentions"} and a["mentions"] >= 1 for a in actors)
    assert {(a["name"], a["type"]) for a in actors if a["id"] == "Q7747"} == {("Vladimir Putin", "person")}
    for row in rows:  # most mentioned first
        assert [a["mentions"] for a in row["actors"]] == sorted((a["mentions"] for a in row["actors"]), reverse=True)
    days = [day for row in rows for day in row["mentioned_dates"]]
    assert days and all(set(d) == {"date", "sentence"} and dt.date.fromisoformat(d["date"]) for d in days)
    assert all(d["sentence"] for d in days)
    # a missing value is null, never ""
    assert [(row["article_id"], k) for row in rows for k, v in row.items() if v == ""] == []
    assert any(row["duplicate_of"] is None for row in rows)
    manifest = json.loads((tmp_path / "a.jsonl.json").read_text(encoding="utf-8"))
    assert manifest["file"] == "a.jsonl" and manifest["rows"] == 8 and manifest["metadata"]["view"] == "articles"


def test_csv_and_xlsx_give_each_list_one_readable_cell(sample_db, tmp_path):
    rows = _jsonl(_cli_export(sample_db, tmp_path / "a.jsonl"))
    readable = {row["article_id"]: (" | ".join(f"{a['name']} ({a['id']})" for a in row["actors"]),
                                    " | ".join(d["date"] for d in row["mentioned_dates"])) for row in rows}
    table = pd.read_csv(_cli_export(sample_db, tmp_path / "a.csv"), keep_default_na=False)
    assert list(table.columns) == list(export_articles.COLUMNS)
    assert {a: (x, d) for a, x, d in table[["article_id", "actors", "mentioned_dates"]].itertuples(index=False)} == readable
    assert table["actors"].str.contains("Vladimir Putin (Q7747)", regex=False).any()
    sheet = pd.read_excel(_cli_export(sample_db, tmp_path / "a.xlsx"), keep_default_na=False)
    assert {a: (x, d) for a, x, d in sheet[["article_id", "actors", "mentioned_dates"]].itertuples(index=False)} == readable


def test_xlsx_has_a_filters_sheet_and_date_cells(sample_db, tmp_path):
    out = _cli_export(sample_db, tmp_path / "a.xlsx", "--actor", "Putin", "--since", "2024-01-01")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["articles", "filters"]
    sheet = book["articles"]
    header = [cell.value for cell in sheet[1]]
    for column in ("published", "ingested_at"):
        cells = [row[header.index(column)] for row in sheet.iter_rows(min_row=2)]
        assert cells and all(cell.is_date for cell in cells if cell.value is not None), column
        assert "UTC" in sheet.cell(row=1, column=header.index(column) + 1).comment.text
    published = pd.read_json(_cli_export(sample_db, tmp_path / "a.jsonl", "--actor", "Putin", "--since", "2024-01-01"),
                             lines=True)["published"]
    # the same instants as the JSON's, written as UTC without the zone
    assert sorted(c.value for c in (r[header.index("published")] for r in sheet.iter_rows(min_row=2))) == \
        sorted(pd.to_datetime(published, utc=True).dt.tz_localize(None).dt.to_pydatetime())
    settings = {name.value: value.value for name, value in book["filters"].iter_rows(min_row=2)}
    assert json.loads(settings["actors"]) == [{"id": "Q7747", "name": "Vladimir Putin"}]
    assert settings["date_from"] == "2024-01-01" and settings["view"] == "articles"


def test_cli_export_takes_the_dashboards_filters(sample_db, tmp_path):
    every = _jsonl(_cli_export(sample_db, tmp_path / "all.jsonl"))
    engine = database.connect(f"sqlite:///{sample_db}")
    assert len(every) == len(reads.load_articles(engine))
    putin = [row["article_id"] for row in every if any(a["id"] == "Q7747" for a in row["actors"])]
    assert 0 < len(putin) < len(every)
    # by id, English name, or an alias in any language and case; newest first, as the dashboard lists them
    for reference in ("Q7747", "Vladimir Putin", "vladimir putin", "Путин", "Poutine", "Wladimir Putin"):
        rows = _jsonl(_cli_export(sample_db, tmp_path / "p.jsonl", "--actor", reference))
        assert [row["article_id"] for row in rows] == putin, reference
    french = _jsonl(_cli_export(sample_db, tmp_path / "fr.jsonl", "--language", "fr"))
    assert [row["article_id"] for row in french] == [row["article_id"] for row in every if row["language"] == "fr"]
    outlets = _jsonl(_cli_export(sample_db, tmp_path / "o.jsonl", "--source", "capital-ledger", "--source",
                                 "bogaz-postasi"))
    assert {row["source"] for row in outlets} == {"capital-ledger", "bogaz-postasi"} and len(outlets) == 5
    august = _jsonl(_cli_export(sample_db, tmp_path / "aug.jsonl", "--since", "2024-08-01", "--until", "2024-08-31"))
    assert august and all(row["published"] is None or row["published"][:7] == "2024-08" for row in august)
    assert len(august) < len(every)
    kazan = _jsonl(_cli_export(sample_db, tmp_path / "k.jsonl", "--text", "KAZAN"))
    assert kazan and all("kazan" in (row["title"] + row["text"]).casefold() for row in kazan)
    # several filters: every one applies; the manifest records them, actors by name and id
    both = _cli_export(sample_db, tmp_path / "both.csv", "--actor", "Putin", "--language", "tr")
    assert set(pd.read_csv(both)["language"]) == {"tr"}
    recorded = json.loads((tmp_path / "both.csv.json").read_text(encoding="utf-8"))["metadata"]
    assert recorded["actors"] == [{"id": "Q7747", "name": "Vladimir Putin"}] and recorded["languages"] == ["tr"]


def test_cli_unknown_actor_is_one_line_naming_it(sample_db, tmp_path):
    out = tmp_path / "a.csv"
    result = run_cli("export", "--out", str(out), "--actor", "Vladimir Putn", "--actor", "Putin", "--actor", "Nobody Atall",
                     db=sample_db)
    assert result.returncode == 2
    error = result.stderr
    assert error.count("\n") == 1 and error.startswith("error: no actor named 'Vladimir Putn'")
    assert "Vladimir Putin (Q7747)" in error and "no actor named 'Nobody Atall'" in error
    assert not out.exists()


def test_cli_rejects_a_date_that_is_not_a_day(sample_db, capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(["--db", str(sample_db), "export", "--since", "12/03/2024"])
    assert stopped.value.code == 2
    assert "'12/03/2024' is not a day: write YYYY-MM-DD" in capsys.readouterr().err


# --- Data exports carry the active filters -------------------------------------------------------

EXPORTED_AT = dt.datetime(2026, 12, 2, 21, 5, 7, tzinfo=dt.timezone.utc)
# A filter a shared link can set to anything: commas, semicolons, a formula and a line break.
HOSTILE_TEXT = "pipeline, =HYPERLINK(\"http://x\");\n# not a comment"
FILTERS = {"date_from": dt.date(2024, 5, 1), "date_to": dt.date(2024, 5, 31),
           "actors": ["Q7747", "Q57336"], "languages": {"ru", "fa"}, "text": HOSTILE_TEXT}
ACTOR_NAMES = {"Q7747": "Vladimir Putin"}  # Q57336 left out: an id without a name is recorded with null
EXPECTED_METADATA = {"view": "Actor network", "exported_at": "2026-12-02T21:05:07+00:00",
                     "date_from": "2024-05-01", "date_to": "2024-05-31",
                     "actors": [{"id": "Q7747", "name": "Vladimir Putin"}, {"id": "Q57336", "name": None}],
                     "languages": ["fa", "ru"], "text": HOSTILE_TEXT}


def _metadata():
    return export_data.export_metadata("Actor network", FILTERS, EXPORTED_AT, actor_names=ACTOR_NAMES)


def test_export_metadata_takes_the_dashboard_filters():
    filters = filtering.Filters(date_from=dt.date(2024, 5, 1), actors=("Q7747",), query="a, =b")
    metadata = export_data.export_metadata("Overview", filters.to_dict(), EXPORTED_AT, actor_names=ACTOR_NAMES)
    assert json.loads(export_data.manifest_bytes(_frame(), "a.csv", metadata))["metadata"] == metadata
    assert json.loads(export_data.to_bytes(_frame(), "json", metadata))["metadata"] == metadata
    assert metadata["actors"] == [{"id": "Q7747", "name": "Vladimir Putin"}] and metadata["date_from"] == "2024-05-01"


def test_export_metadata_is_json_safe():
    assert _metadata() == EXPECTED_METADATA
    with pytest.raises(ValueError, match="reserved"):
        export_data.export_metadata("x", {"view": "y"}, EXPORTED_AT)


def test_csv_starts_with_its_header_and_its_filters_go_in_a_manifest_beside_it(tmp_path):
    out = tmp_path / "articles.csv"
    data = export_files.write(_frame(), "csv", out, _metadata())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles.csv", "articles.csv.json"]
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith('"article_id","source",')
    assert not [line for line in text.splitlines() if line.startswith("#")]
    # pandas with its defaults, and Python's csv module, read the schema's columns
    frame = pd.read_csv(out)
    assert list(frame.columns) == list(schema.ARTICLE_COLUMNS)
    assert list(frame["title"]) == ["'" + v for v in DANGEROUS]
    with out.open(newline="", encoding="utf-8-sig") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == list(schema.ARTICLE_COLUMNS) and [r["title"] for r in rows] == ["'" + v for v in DANGEROUS]
    manifest = json.loads((tmp_path / "articles.csv.json").read_text(encoding="utf-8"))
    assert manifest == {"file": "articles.csv", "rows": len(DANGEROUS), "columns": list(schema.ARTICLE_COLUMNS),
                        "metadata": EXPECTED_METADATA}


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_csv_and_json_lines_refuse_metadata_inside_the_file(fmt):
    with pytest.raises(ValueError, match="manifest_bytes"):
        export_data.to_bytes(_frame(), fmt, _metadata())


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_gives_no_formula_cells(delimiter):
    """A spreadsheet splits the lines into cells at whatever it takes for a delimiter (";" in
    some locales): none of those cells may start like a formula."""
    text = export_data.to_bytes(_frame(), "csv").decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for cell in row]
    assert cells and not [c for c in cells if starts_like_formula(c)]


def test_json_records_filters():
    document = json.loads(export_data.to_bytes(_frame(), "json", _metadata()))
    assert document["metadata"] == EXPECTED_METADATA
    assert [a["title"] for a in document["articles"]] == DANGEROUS  # JSON is not a spreadsheet


def test_xlsx_records_filters_as_text_cells():
    book = openpyxl.load_workbook(io.BytesIO(export_data.to_bytes(_frame(), "xlsx", _metadata())))
    assert book.sheetnames == ["articles", "filters"]
    assert len(pd.read_excel(io.BytesIO(export_data.to_bytes(_frame(), "xlsx", _metadata())))) == len(DANGEROUS)
    rows = list(book["filters"].iter_rows(min_row=2))
    assert all(value.data_type == "s" for _, value in rows)
    settings = {name.value: value.value.replace("_x000D_", "\r") for name, value in rows}
    assert settings["view"] == "Actor network"
    assert settings["exported_at"] == "2026-12-02T21:05:07+00:00"
    assert json.loads(settings["actors"]) == EXPECTED_METADATA["actors"]
    assert json.loads(settings["languages"]) == ["fa", "ru"]
    assert settings["text"] == HOSTILE_TEXT


def test_xlsx_formula_in_data_stays_a_string():
    frame = _frame()
    frame.loc[0, "text"] = "=1+1"
    book = openpyxl.load_workbook(io.BytesIO(export_data.to_bytes(frame, "xlsx", {"text": "=1+1"})))
    cell = book["articles"].cell(row=2, column=list(schema.ARTICLE_COLUMNS).index("text") + 1)
    assert (cell.value, cell.data_type) == ("'=1+1", "s")
    assert book["filters"]["B2"].data_type != "f"


def test_list_cells_are_text_in_spreadsheets_and_arrays_in_json():
    # as story_grouping.story_groups and mentioned_dates_timeline return them: lists and numpy arrays
    frame = pd.DataFrame({"group": [1, 2], "article_ids": [["a1", "a2"], np.array(["b1"], dtype=object)],
                          "sentences": [["=HYPERLINK(\"http://x\")", "second"], []]})
    joined = ["a1 | a2", "b1"]
    back = pd.read_csv(io.BytesIO(export_data.to_bytes(frame, "csv")), keep_default_na=False)
    assert list(back["article_ids"]) == joined
    assert list(back["sentences"]) == ["'=HYPERLINK(\"http://x\") | second", ""]  # still no formula
    sheet = openpyxl.load_workbook(io.BytesIO(export_data.to_bytes(frame, "xlsx")))["articles"]
    assert [row[1].value for row in sheet.iter_rows(min_row=2)] == joined
    assert all(row[2].data_type == "s" for row in sheet.iter_rows(min_row=2, max_row=2))
    document = json.loads(export_data.to_bytes(frame, "json"))
    assert [a["article_ids"] for a in document["articles"]] == [["a1", "a2"], ["b1"]]
    assert json.loads(export_data.to_bytes(frame, "jsonl").splitlines()[0])["sentences"][1] == "second"


def test_json_lines_refuses_metadata_rather_than_dropping_it():
    with pytest.raises(ValueError, match="JSON Lines"):
        export_data.to_bytes(_frame(), "jsonl", _metadata())


# --- File names ------------------------------------------------------------------------------------

@pytest.mark.parametrize("view, fmt, expected", [
    ("network", "png", "geowire-network-2026-12-02.png"),
    ("Source comparison", "xlsx", "geowire-source-comparison-2026-12-02.xlsx"),
    ("Zeitleiste: Ärger / Путин", "pdf", "geowire-zeitleiste-arger-2026-12-02.pdf"),
    ("نتانياهو", "svg", "geowire-export-2026-12-02.svg"),
    ("../../etc/passwd", "csv", "geowire-etc-passwd-2026-12-02.csv"),
])
def test_export_filename(view, fmt, expected):
    assert export_files.export_filename(view, fmt, dt.date(2026, 12, 2)) == expected


def test_export_filename_takes_the_date_of_a_datetime_and_checks_the_format():
    assert export_files.export_filename("x", "html", dt.datetime(2026, 12, 2, 23, 59)) == "geowire-x-2026-12-02.html"
    with pytest.raises(ValueError, match="unknown export format"):
        export_files.export_filename("x", "exe", dt.date(2026, 12, 2))


# --- Charts ------------------------------------------------------------------------------------------

BARS = ["Vladimir Putin", "Ali Khamenei", "Benjamin Netanyahu"]


def _figure():
    """Shaped like core.charts' figures: English labels, original spellings on hover."""
    figure = go.Figure(go.Bar(x=BARS, y=[12, 7, 9], customdata=["Путин", "خامنه‌ای", "נתניהו"],
                              hovertemplate="%{x} (%{customdata}): %{y} articles<extra></extra>"))
    figure.update_layout(title="Articles per actor, May 2024", xaxis_title="actor", yaxis_title="articles")
    return figure


@pytest.fixture(scope="module")
def charts():
    if not shutil.which("chromium") and not os.environ.get("BROWSER_PATH"):
        pytest.fail("Debian's chromium is missing: scripts/test.sh installs it (apt-get install chromium)")
    figure = _figure()
    return {fmt: figures.figure_bytes(figure, fmt) for fmt in figures.FIGURE_FORMATS}


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_png_is_a_png_of_the_report_size(charts):
    assert _png_size(charts["png"]) == (figures.WIDTH * figures.PNG_SCALE, figures.HEIGHT * figures.PNG_SCALE)
    assert _png_size(figures.figure_bytes(_figure(), "png", width=640, height=480, scale=1)) == (640, 480)


def test_svg_parses_with_the_chart_in_it(charts):
    root = ElementTree.fromstring(charts["svg"])
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert (root.get("width"), root.get("height")) == (str(figures.WIDTH), str(figures.HEIGHT))
    texts = {element.text for element in root.iter("{http://www.w3.org/2000/svg}text")}
    assert set(BARS) <= texts and "Articles per actor, May 2024" in texts


def test_pdf_is_one_page_of_the_chart_size(charts):
    data = charts["pdf"]
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    # Chromium prints CSS pixels at 0.75 pt each.
    assert (round(float(box.width)), round(float(box.height))) == (900, 525)
    assert "Vladimir Putin" in reader.pages[0].extract_text()


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.references, self.tags, self.title = [], [], None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.references += [value for name, value in attrs if name in ("src", "href") and value]

    def handle_data(self, data):
        if self.tags and self.tags[-1] == "title" and self.title is None:
            self.title = data


def test_html_is_standalone(charts):
    page = charts["html"].decode("utf-8")
    tags = _Tags()
    tags.feed(page)
    assert {"html", "head", "body", "script", "div"} <= set(tags.tags)
    assert tags.references == []  # no script, stylesheet or image comes from anywhere else
    assert tags.title == "Articles per actor, May 2024"
    assert len(page) > 3_000_000  # plotly.js itself is inside


def test_kaleido_page_loads_nothing_from_the_network():
    page = figures._page_generator().generate_index()
    sources = re.findall(r'src="([^"]+)"', page)
    assert len(sources) == 2 and all(s.startswith("file://") for s in sources)
    assert "mathjax" not in page.lower()


def _open_offline(page_bytes: bytes, folder: Path, inspect):
    """Open an exported page from a file:// URL in Debian's chromium with every other request
    aborted; returns what ``inspect(tab)`` returns and every request, failure, script error and
    dialog seen."""
    from playwright.sync_api import sync_playwright

    path = folder / export_files.export_filename("actors", "html", dt.date(2026, 12, 2))
    path.write_bytes(page_bytes)
    seen = {"outside": [], "failed": [], "errors": [], "dialogs": []}

    def only_files(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            seen["outside"].append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            tab = browser.new_page(viewport={"width": 1200, "height": 800})
            tab.route("**/*", only_files)
            tab.on("requestfailed", lambda request: seen["failed"].append(request.url))
            tab.on("pageerror", lambda error: seen["errors"].append(str(error)))
            tab.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
            tab.goto(path.as_uri())
            tab.locator(".main-svg").first.wait_for(timeout=60_000)
            found = inspect(tab)
        finally:
            browser.close()
    return found, seen


NOTHING_SEEN = {"outside": [], "failed": [], "errors": [], "dialogs": []}


@pytest.mark.browser
def test_html_draws_the_chart_offline_in_chromium(charts, tmp_path):
    found, seen = _open_offline(charts["html"], tmp_path, lambda tab: (
        tab.locator("g.trace.bars g.point").count(), tab.locator("g.xtick text").all_text_contents(), tab.title()))
    assert found == (len(BARS), BARS, "Articles per actor, May 2024")
    assert seen == NOTHING_SEEN


@pytest.mark.browser
def test_html_runs_nothing_from_chart_labels(tmp_path):
    """Actor names come from untrusted articles and end up in titles, ticks and hover text."""
    evil = '</script><script>alert(1)</script><img src=x onerror="alert(2)">'
    figure = go.Figure(go.Bar(x=[evil, "Ali Khamenei"], y=[3, 4], hovertext=[evil, evil]))
    figure.update_layout(title=evil)
    page = figures.figure_bytes(figure, "html")
    found, seen = _open_offline(page, tmp_path, lambda tab: (
        tab.locator("img").count(), tab.locator("g.trace.bars g.point").count(), tab.title()))
    assert found == (0, 2, "alert(1)")
    assert seen == NOTHING_SEEN


# --- The browser behind PNG, SVG and PDF ---------------------------------------------------------

@pytest.fixture
def fresh_renderer(monkeypatch):
    """A renderer of its own, so the shared one (and its running browser) is left alone."""
    renderer = figures._Renderer()
    monkeypatch.setattr(figures, "_RENDERER", renderer)
    yield renderer
    renderer.stop()


@pytest.mark.parametrize("setting", ["no chromium on PATH", "BROWSER_PATH names no file"])
def test_missing_chromium_says_how_to_install_it(fresh_renderer, monkeypatch, tmp_path, setting):
    if setting == "no chromium on PATH":
        monkeypatch.delenv("BROWSER_PATH", raising=False)
        monkeypatch.setenv("PATH", str(tmp_path))
    else:
        monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "chromium"))
    for fmt in ("png", "svg", "pdf"):
        with pytest.raises(ExportError, match=r"apt-get install chromium.*HTML export works without it"):
            figures.figure_bytes(_figure(), fmt)
    assert figures.figure_bytes(_figure(), "html").startswith(b"<!doctype html>")


def test_a_browser_that_does_not_start_is_an_export_error(fresh_renderer, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", shutil.which("false"))
    with pytest.raises(ExportError, match="could not start the browser .*apt-get install chromium"):
        figures.figure_bytes(_figure(), "png")
    assert fresh_renderer.browser_pid() is None


def _alive_in_session(session: int) -> list[str]:
    """Processes (not zombies) of the process session that kaleido started Chromium in."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            alive.append(stat.parent.name)
    return alive


def _command_lines(session: int) -> list[str]:
    return [Path(f"/proc/{pid}/cmdline").read_bytes().decode().replace("\0", " ") for pid in _alive_in_session(session)]


def test_one_browser_serves_every_export_and_stops(fresh_renderer):
    figures.figure_bytes(_figure(), "svg")
    pid = fresh_renderer.browser_pid()
    assert pid and _alive_in_session(pid)
    # Chromium itself runs with its background requests off and every http(s) request sent to a closed port.
    browser = [line for line in _command_lines(pid) if "--remote-debugging-pipe" in line and "chromium" in line]
    assert browser and all(flag in browser[0] for flag in ("--disable-background-networking",
                                                           "--proxy-server=http://127.0.0.1:9", "--headless"))
    figures.figure_bytes(_figure(), "pdf")
    assert fresh_renderer.browser_pid() == pid
    fresh_renderer.stop()
    assert fresh_renderer.browser_pid() is None
    deadline = time.time() + 10
    while _alive_in_session(pid) and time.time() < deadline:
        time.sleep(0.2)
    assert _alive_in_session(pid) == []
    figures.figure_bytes(_figure(), "svg")  # starts again
    assert fresh_renderer.browser_pid() not in (None, pid)


def test_browser_started_in_advance_serves_the_first_export(fresh_renderer):
    figures.start_renderer()
    deadline = time.time() + 60
    while fresh_renderer.browser_pid() is None and time.time() < deadline:
        time.sleep(0.1)
    pid = fresh_renderer.browser_pid()
    assert pid is not None
    assert figures.figure_bytes(_figure(), "svg").startswith(b"<svg")
    assert fresh_renderer.browser_pid() == pid


def test_starting_in_advance_without_chromium_defers_the_error(fresh_renderer, monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "missing"))
    figures.start_renderer()
    with pytest.raises(ExportError, match="apt-get install chromium"):
        figures.figure_bytes(_figure(), "pdf")


def test_a_killed_browser_is_replaced(fresh_renderer):
    figures.figure_bytes(_figure(), "svg")
    pid = fresh_renderer.browser_pid()
    os.killpg(pid, signal.SIGKILL)
    deadline = time.time() + 10
    while _alive_in_session(pid) and time.time() < deadline:
        time.sleep(0.1)
    assert figures.figure_bytes(_figure(), "svg").startswith(b"<svg")
    assert fresh_renderer.browser_pid() not in (None, pid)


def test_a_render_past_its_deadline_is_an_error_and_the_browser_is_replaced(fresh_renderer):
    figures.figure_bytes(_figure(), "svg")
    pid = fresh_renderer.browser_pid()
    with pytest.raises(ExportError, match="no answer within 0.001 s"):
        figures.figure_bytes(_figure(), "png", timeout=0.001)
    assert fresh_renderer.browser_pid() is None
    assert figures.figure_bytes(_figure(), "svg").startswith(b"<svg")
    assert fresh_renderer.browser_pid() not in (None, pid)


def test_exports_from_several_threads_get_their_own_format(charts):
    jobs = ["png", "svg", "pdf"] * 3
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda fmt: figures.figure_bytes(_figure(), fmt), jobs))
    magic = {"png": b"\x89PNG", "svg": b"<svg", "pdf": b"%PDF"}
    assert [data[:4] for data in results] == [magic[fmt] for fmt in jobs]


EXPORT_ONE = ("import sys, plotly.graph_objects as go; from core.export import figures; "
              "figures.figure_bytes(go.Figure(go.Bar(y=[1])), 'png'); "
              "print(figures._RENDERER.browser_pid(), flush=True); {end}")


@pytest.mark.parametrize("end", ["sys.exit(0)", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"],
                         ids=["normal exit", "killed"])
def test_no_chromium_outlives_the_process(end):
    """At a normal exit atexit closes the browser; a killed process closes Chromium's DevTools
    pipe, and Chromium ends itself."""
    result = subprocess.run([sys.executable, "-c", EXPORT_ONE.format(end=end)], cwd=REPO, capture_output=True,
                            text=True, timeout=120, env=dict(os.environ, PYTHONPATH=str(REPO)))
    pid = int(result.stdout.split()[0])
    deadline = time.time() + 15
    while _alive_in_session(pid) and time.time() < deadline:
        time.sleep(0.2)
    assert _alive_in_session(pid) == []
