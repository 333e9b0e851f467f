"""Exports of hostile input: formulas hidden behind look-alike or invisible characters."""
import csv
import io
import json
import sys
import unicodedata

import openpyxl
import pandas as pd
import pytest
import regex
from openpyxl.utils.escape import unescape

from core import export, schema, spreadsheet

# --- An independent judge of what a spreadsheet could run --------------------------------------------

# Everything a reader may not see or a program may strip before the first visible character,
# from Unicode's own properties (the `regex` module), not from core.spreadsheet's list.
_UNSEEN_RUN = regex.compile(r"[\p{Default_Ignorable_Code_Point}\p{White_Space}\p{C}\p{Z}\p{M}]*")


def starts_like_formula(value) -> bool:
    """True when ``value``, put in NFKC form as a whole and stripped of unseen characters at its
    start, begins with a formula character, or when it begins with a tab or carriage return."""
    if not isinstance(value, str):
        return False
    if value.startswith(("\t", "\r")):
        return True
    shown = unicodedata.normalize("NFKC", value)
    shown = shown[_UNSEEN_RUN.match(shown).end():]
    return bool(shown) and shown[0] in "=+-@|\u2212"


# --- Formula guard -------------------------------------------------------------------------------------

BYPASSES = {
    "full-width equals": "\uff1d1+1",
    "small equals": "\ufe661+1",
    "ZWSP then =": "\u200b=1+1",
    "ZWNJ then =": "\u200c=1+1",
    "ZWJ then =": "\u200d=1+1",
    "word joiner then =": "\u2060=1+1",
    "BOM then =": "\ufeff=1+1",
    "RLM then =": "\u200f=1+1",
    "LRM then =": "\u200e=1+1",
    "RLE embedding then =": "\u202b=1+1",
    "RLO override then =": "\u202e=1+1",
    "LRI isolate then =": "\u2066=1+1",
    "NBSP then =": "\u00a0=1+1",
    "ideographic space then =": "\u3000=1+1",
    "soft hyphen then =": "\u00ad=1+1",
    "line separator then =": "\u2028=1+1",
    "newline then =": "\n=1+1",
    "space then =": " =1+1",
    "grapheme joiner then =": "\u034f=1+1",
    "variation selector then =": "\ufe0f=1+1",
    "Hangul filler then =": "\u3164=1+1",
    "tag space then =": "\U000e0020=1+1",
    "many invisibles then =": "\u200b\u200c\u2060\ufeff\u00ad" * 50 + "=1+1",
    "tab": "\tcmd",
    "carriage return": "\rcmd",
    "pipe": "|cmd",
    "DDE": "=cmd|' /C calc'!A0",
    "DDE after ZWSP": "\u200b=cmd|' /C calc'!A0",
    "full-width plus": "\uff0b1+1",
    "small plus": "\ufe621+1",
    "superscript plus": "\u207a1",
    "full-width minus": "\uff0d1+1",
    "small minus": "\ufe631+1",
    "minus sign": "\u22121+1",
    "full-width at": "\uff20SUM(A1)",
    "small at": "\ufe6bSUM(A1)",
    "full-width pipe": "\uff5ccmd",
    "negative number as text": "-3",
    "plain equals": "=1+1",
    "plain at": "@SUM(A1)",
}


def _articles(titles: list[str], **columns) -> pd.DataFrame:
    rows = [{name: None for name in schema.ARTICLE_COLUMNS}
            | {"article_id": f"id{i}", "title": title, "text": "body"} for i, title in enumerate(titles)]
    frame = schema.as_articles(pd.concat([schema.empty_articles(), pd.DataFrame(rows)], ignore_index=True))
    for name, values in columns.items():
        frame[name] = values
    return frame


def test_the_judge_is_not_blind():
    assert all(starts_like_formula(value) for value in BYPASSES.values())
    assert not any(starts_like_formula(value) for value in ["hello", "x=1", "2024-05-01", "'=1", "", "\u00a0"])


@pytest.mark.parametrize("value", BYPASSES.values(), ids=BYPASSES.keys())
def test_the_guard_sees_every_bypass(value):
    assert spreadsheet.looks_like_formula(value)


def test_every_unseen_character_counts_as_unseen():
    """Whatever Unicode calls default-ignorable or white space hides nothing from the guard."""
    unseen = regex.compile(r"[\p{Default_Ignorable_Code_Point}\p{White_Space}]")
    missed = [hex(code) for code in range(sys.maxunicode + 1)
              if unseen.match(chr(code)) and not spreadsheet.looks_like_formula(chr(code) + "=1")]
    assert missed == []


def test_every_compatibility_form_of_a_formula_character_is_caught():
    forms = [chr(code) for code in range(sys.maxunicode + 1)
             if not 0xD800 <= code < 0xE000 and starts_like_formula(chr(code) + "1")]
    assert len(forms) > 20  # the judge found the full-width, small, superscript and subscript forms
    assert [hex(ord(c)) for c in forms if not spreadsheet.looks_like_formula(c + "1")] == []


def test_text_that_only_contains_formula_characters_is_left_alone():
    for value in ["x=1", "a - b", "mail@example.org", "2024-05-01", "Zelensky | Putin", "10 + 2"]:
        assert not spreadsheet.looks_like_formula(value)


@pytest.fixture
def hostile():
    names = list(BYPASSES.values())
    return _articles(names, translation_error=names)


def test_csv_neutralises_every_bypass(hostile):
    data = export.to_bytes(hostile, "csv", {"text": list(BYPASSES.values())})
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig").split("\n", 1)[1], newline="")))
    assert [row["title"] for row in rows] == ["'" + value for value in BYPASSES.values()]
    assert [row["translation_error"] for row in rows] == ["'" + value for value in BYPASSES.values()]
    every_cell = [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")) for cell in row]
    assert [cell for cell in every_cell if starts_like_formula(cell)] == []


@pytest.mark.parametrize("delimiter", [",", ";", "\t", " ", "|", ":"])
def test_csv_comment_lines_split_anywhere_give_no_formula(hostile, delimiter):
    metadata = {"text": "a,\u200b=1;\uff1d2", "sources": list(BYPASSES.values()), "\u200b=key": "x"}
    text = export.to_bytes(hostile, "csv", metadata).decode("utf-8-sig")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert len(comments) == len(metadata)  # no hidden line break ended a comment line early
    cells = [cell for row in csv.reader(comments, delimiter=delimiter) for cell in row]
    assert [cell for cell in cells if starts_like_formula(cell)] == []
    # and a JSON reader still gets every name and value exactly
    pairs = (line[2:].split(": ", 1) for line in comments)
    assert {json.loads(f'"{name}"'): json.loads(value) for name, value in pairs} == metadata


def _every_cell(book):
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_xlsx_neutralises_every_bypass_on_every_sheet(hostile):
    metadata = {"text": "\u200b=1+1", "sources": "\uff1dcmd|' /C calc'!A0", "\ufe66name": "x"}
    book = openpyxl.load_workbook(io.BytesIO(export.to_bytes(hostile, "xlsx", metadata)))
    cells = _every_cell(book)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert [(c.parent.title, c.coordinate, c.value) for c in cells if starts_like_formula(unescape(str(c.value)))] == []
    titles = [unescape(row[3].value) for row in book["articles"].iter_rows(min_row=2)]
    assert titles == ["'" + value for value in BYPASSES.values()]
    filters = {unescape(name.value): unescape(value.value) for name, value in book["filters"].iter_rows(min_row=2)}
    assert filters["text"] == "'\u200b=1+1" and filters["'\ufe66name"] == "x"


def test_column_names_are_guarded_too():
    frame = pd.DataFrame({"\uff1dSUM(A1)": ["a"], "count": [1]})
    header = export.to_bytes(frame, "csv").decode("utf-8-sig").splitlines()[0]
    assert header.startswith("\"'\uff1dSUM(A1)\"")
    book = openpyxl.load_workbook(io.BytesIO(export.to_bytes(frame, "xlsx")))
    assert book["articles"]["A1"].value == "'\uff1dSUM(A1)"


def test_negative_numbers_stay_numbers_and_negative_looking_text_is_guarded():
    frame = pd.DataFrame({"mentions": [-3, 5], "share": [-0.25, 1.5], "label": ["-3", "-x+1"]})
    back = pd.read_csv(io.BytesIO(export.to_bytes(frame, "csv")))
    assert back["mentions"].tolist() == [-3, 5] and pd.api.types.is_integer_dtype(back["mentions"])
    assert back["share"].tolist() == [-0.25, 1.5]
    assert back["label"].tolist() == ["'-3", "'-x+1"]
    sheet = openpyxl.load_workbook(io.BytesIO(export.to_bytes(frame, "xlsx")))["articles"]
    assert [(c.value, c.data_type) for c in sheet["A"][1:]] == [(-3, "n"), (5, "n")]
    assert [(c.value, c.data_type) for c in sheet["B"][1:]] == [(-0.25, "n"), (1.5, "n")]
    assert [(c.value, c.data_type) for c in sheet["C"][1:]] == [("'-3", "s"), ("'-x+1", "s")]
