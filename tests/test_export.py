import csv
import io
import json

import openpyxl
import pandas as pd
import pytest

from core import export, ingest, schema, store
from tests import inputs
from tests.conftest import run_cli

DANGEROUS = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def _frame():
    frame = schema.empty_articles()
    rows = [{name: None for name in schema.ARTICLE_COLUMNS} | {"article_id": f"id{i}", "title": value, "text": "body"}
            for i, value in enumerate(DANGEROUS)]
    return schema.as_articles(pd.concat([frame, pd.DataFrame(rows)], ignore_index=True))


def test_xlsx_cells_cannot_be_formulas():
    book = openpyxl.load_workbook(io.BytesIO(export.to_bytes(_frame(), "xlsx")))
    sheet = book["articles"]
    # openpyxl hands back a carriage return in its XML escape.
    titles = [row[3].value.replace("_x000D_", "\r") for row in sheet.iter_rows(min_row=2)]
    assert titles == ["'" + v for v in DANGEROUS]
    assert all(row[3].data_type == "s" for row in sheet.iter_rows(min_row=2))


def test_csv_cells_cannot_be_formulas():
    text = export.to_bytes(_frame(), "csv").decode("utf-8-sig")
    back = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [row["title"] for row in back] == ["'" + v for v in DANGEROUS]


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_cli_export_has_schema_columns(tmp_path, fmt):
    folder = tmp_path / "outlet"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.txt").write_text(inputs.scraped_page(n, "ar" if n == 1 else "en"), encoding="utf-8")
    db = tmp_path / "e.db"
    assert run_cli("ingest", folder, db=db).returncode == 0
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
    assert list(frame.columns) == list(schema.ARTICLE_COLUMNS) + ["actors", "mentioned_dates"]
    assert len(frame) == 3
    assert any("الاجتماع رقم 1" in t for t in frame["text"])
    assert set(frame["published"].astype(str).str[:10]) == {"2024-03-12"}


def test_xlsx_needs_an_output_file(tmp_path):
    result = run_cli("export", "--format", "xlsx", db=tmp_path / "x.db")
    assert result.returncode == 2
    assert "--out" in result.stderr
