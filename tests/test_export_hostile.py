"""Exports of hostile and unlucky input: texts longer than a spreadsheet cell, formulas hidden
behind look-alike or invisible characters, and a disk that fills up during the write."""
import csv
import errno
import io
import json
import os
import random
import resource
import signal
import subprocess
import sys
import unicodedata

import openpyxl
import pandas as pd
import pytest
import regex
from openpyxl.utils.escape import unescape

from core import schema
from core.export import data as export_data, files as export_files, spreadsheet
from core.errors import ExportError
from tests.conftest import REPO, run_cli

LIMIT = 32_767  # what Excel holds in a cell, in UTF-16 units; written here again so a wrong constant fails

# --- An independent judge of what a spreadsheet could run --------------------------------------------

# Everything a reader may not see or a program may strip before the first visible character,
# from Unicode's own properties (the `regex` module), not from core.export.spreadsheet's list.
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


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


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
    data = export_data.to_bytes(hostile, "csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [row["title"] for row in rows] == ["'" + value for value in BYPASSES.values()]
    assert [row["translation_error"] for row in rows] == ["'" + value for value in BYPASSES.values()]
    every_cell = [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")) for cell in row]
    assert [cell for cell in every_cell if starts_like_formula(cell)] == []


def test_hostile_filters_stay_out_of_the_csv_and_come_back_exactly_from_its_manifest(hostile, tmp_path):
    """The filters no longer sit in the CSV, where a spreadsheet opened them as cells: they go into
    the JSON manifest beside it, which a JSON reader gets back exactly."""
    metadata = {"text": "a,\u200b=1;\uff1d2", "sources": list(BYPASSES.values()), "\u200b=key": "x"}
    data = export_files.write(hostile, "csv", tmp_path / "a.csv", metadata)
    assert data == export_data.to_bytes(hostile, "csv")
    assert data.decode("utf-8-sig").startswith('"article_id",')
    assert json.loads((tmp_path / "a.csv.json").read_text(encoding="utf-8"))["metadata"] == metadata


def _every_cell(book):
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_xlsx_neutralises_every_bypass_on_every_sheet(hostile):
    metadata = {"text": "\u200b=1+1", "sources": "\uff1dcmd|' /C calc'!A0", "\ufe66name": "x"}
    book = openpyxl.load_workbook(io.BytesIO(export_data.to_bytes(hostile, "xlsx", metadata)))
    cells = _every_cell(book)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert [(c.parent.title, c.coordinate, c.value) for c in cells if starts_like_formula(unescape(str(c.value)))] == []
    titles = [unescape(row[3].value) for row in book["articles"].iter_rows(min_row=2)]
    assert titles == ["'" + value for value in BYPASSES.values()]
    filters = {unescape(name.value): unescape(value.value) for name, value in book["filters"].iter_rows(min_row=2)}
    assert filters["text"] == "'\u200b=1+1" and filters["'\ufe66name"] == "x"


def test_column_names_are_guarded_too():
    frame = pd.DataFrame({"\uff1dSUM(A1)": ["a"], "count": [1]})
    header = export_data.to_bytes(frame, "csv").decode("utf-8-sig").splitlines()[0]
    assert header.startswith("\"'\uff1dSUM(A1)\"")
    book = openpyxl.load_workbook(io.BytesIO(export_data.to_bytes(frame, "xlsx")))
    assert book["articles"]["A1"].value == "'\uff1dSUM(A1)"


def test_negative_numbers_stay_numbers_and_negative_looking_text_is_guarded():
    frame = pd.DataFrame({"mentions": [-3, 5], "share": [-0.25, 1.5], "label": ["-3", "-x+1"]})
    back = pd.read_csv(io.BytesIO(export_data.to_bytes(frame, "csv")))
    assert back["mentions"].tolist() == [-3, 5] and pd.api.types.is_integer_dtype(back["mentions"])
    assert back["share"].tolist() == [-0.25, 1.5]
    assert back["label"].tolist() == ["'-3", "'-x+1"]
    sheet = openpyxl.load_workbook(io.BytesIO(export_data.to_bytes(frame, "xlsx")))["articles"]
    assert [(c.value, c.data_type) for c in sheet["A"][1:]] == [(-3, "n"), (5, "n")]
    assert [(c.value, c.data_type) for c in sheet["B"][1:]] == [(-0.25, "n"), (1.5, "n")]
    assert [(c.value, c.data_type) for c in sheet["C"][1:]] == [("'-3", "s"), ("'-x+1", "s")]


# --- Texts longer than a cell --------------------------------------------------------------------------

def _prose(characters: int, seed: int) -> str:
    """Words in Latin, Cyrillic and Arabic script with punctuation, spaces and line breaks."""
    rng = random.Random(seed)
    words = ["meeting", "ceasefire", "Genève", "Зеленський", "переговоры", "وزير", "الخارجية", "2024", "—", "(AP)"]
    out, size = [], 0
    while size < characters:
        word = rng.choice(words) + rng.choice([" ", " ", " ", ", ", ".\n\n"])
        out.append(word)
        size += len(word)
    return "".join(out)[:characters]


def _astral_at_cuts(characters: int) -> str:
    """A text whose every full cell would end in the middle of a character above U+FFFF."""
    chunk = _prose(LIMIT - 1, seed=7).replace("\n", " ")
    out = ""
    while len(out) < characters:
        out += chunk + "\U0001d538"  # MATHEMATICAL DOUBLE-STRUCK CAPITAL A: two UTF-16 units
    return out[:characters]


def _xlsx_roundtrip(frame: pd.DataFrame, metadata=None):
    data = export_data.to_bytes(frame, "xlsx", metadata)
    return data, pd.read_excel(io.BytesIO(data), sheet_name=None, keep_default_na=False)


def _joined(sheet: pd.DataFrame, column: str) -> list[str]:
    parts = [column] + [name for name in sheet.columns if name.startswith(f"{column} (")]
    return sheet[parts].agg("".join, axis=1).tolist()


LONG_TEXTS = {
    "60k prose": (_prose(60_000, seed=1), 2),
    "100k with astral characters at the cuts": (_astral_at_cuts(100_000), 4),
    "20k emoji: 40k UTF-16 units, which xlsxwriter cut without a word": ("\U0001f600" * 20_000, 2),
}


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("text, columns", LONG_TEXTS.values(), ids=LONG_TEXTS.keys())
def test_long_text_is_split_into_continuation_columns_and_joins_back_exactly(text, columns):
    frame = _articles(["short title", "another"])
    frame.loc[0, "text"] = text
    data, sheets = _xlsx_roundtrip(frame)
    articles = sheets["articles"]
    continuation = [f"text ({n})" for n in range(2, columns + 1)]
    position = list(articles.columns).index("text")
    assert list(articles.columns)[position:position + columns] == ["text", *continuation]
    assert f"text ({columns + 1})" not in articles.columns  # only as many as the longest text needs
    assert _joined(articles, "text") == [text, "body"]
    assert articles.loc[1, continuation].tolist() == [""] * len(continuation)
    # read cell by cell with openpyxl as well: every part fits a cell, and no part but the first
    # begins with an unseen character or ends with one, or begins like a formula
    book = openpyxl.load_workbook(io.BytesIO(data))
    row = [cell.value for cell in book["articles"][2]][position:position + columns]
    assert "".join(row) == text
    assert all(_utf16(part) <= LIMIT for part in row)
    for before, after in zip(row, row[1:]):
        assert not starts_like_formula(after)
        assert not unicodedata.category(before[-1])[0] in "CZ" and not unicodedata.category(after[0])[0] in "CZM"
    # the note in the file says how to join them, and the header says what it continues
    notes = sheets["notes"]
    assert notes[["sheet", "column", "parts"]].values.tolist() == [["articles", "text", ", ".join(["text", *continuation])]]
    assert "join" in notes.loc[0, "note"] and "nothing between" in notes.loc[0, "note"]
    header = book["articles"].cell(row=1, column=position + 2)
    assert header.value == "text (2)" and "continues text" in header.comment.text


@pytest.mark.filterwarnings("error")
def test_every_text_column_and_the_filters_are_split():
    title, translated = _prose(40_000, seed=2), _prose(70_000, seed=3)
    frame = _articles(["short", title])
    frame["title_translated"] = [translated, "x"]
    query = _prose(50_000, seed=4)
    _, sheets = _xlsx_roundtrip(frame, {"view": "Reader", "text": query})
    articles, filters = sheets["articles"], sheets["filters"]
    assert _joined(articles, "title") == ["short", title]
    assert _joined(articles, "title_translated") == [translated, "x"]
    assert "title (3)" not in articles and "title_translated (3)" in articles
    assert list(filters.columns) == ["setting", "value", "value (2)"]
    assert _joined(filters, "value")[1] == query
    assert sorted(map(tuple, sheets["notes"][["sheet", "column"]].values.tolist())) == [
        ("articles", "title"), ("articles", "title_translated"), ("filters", "value")]


@pytest.mark.filterwarnings("error")
def test_a_cut_never_lands_next_to_an_unseen_character_or_before_a_formula():
    # a full first cell would end at the "=", so the cut goes back before the space
    text = "a" * (LIMIT - 2) + " \u200b=HYPERLINK(\"http://x\")\u00ad-1 " + _prose(20_000, seed=5)
    frame = _articles(["t"])
    frame.loc[0, "text"] = text
    _, sheets = _xlsx_roundtrip(frame)
    first, second = sheets["articles"].loc[0, ["text", "text (2)"]]
    assert first + second == text
    assert first == "a" * (LIMIT - 3) and second.startswith("a \u200b=HYPERLINK")


@pytest.mark.filterwarnings("error")
def test_a_text_of_spaces_and_invisible_characters_reads_back_whole():
    """No clean cut exists; the parts begin and end with spaces, tabs and zero-width characters,
    which the file keeps."""
    text = "\u200b \u00a0\t\n" * 20_000 + "end"
    frame = _articles(["t"])
    frame.loc[0, "text"] = text
    data, sheets = _xlsx_roundtrip(frame)
    assert _joined(sheets["articles"], "text") == [text]
    assert "text (4)" in sheets["articles"] and "text (5)" not in sheets["articles"]  # 100,003 characters


@pytest.mark.filterwarnings("error")
def test_a_run_of_formula_characters_longer_than_the_search_is_guarded_and_listed():
    text = "=" * 70_000 + "x"
    frame = _articles(["t"])
    frame.loc[0, "text"] = text
    data, sheets = _xlsx_roundtrip(frame)
    cells = _every_cell(openpyxl.load_workbook(io.BytesIO(data)))
    assert [c.coordinate for c in cells if c.data_type == "f" or starts_like_formula(c.value)] == []
    notes = sheets["notes"]
    added = notes[notes["row"] != ""]
    assert added[["column", "row"]].values.tolist() == [["text (2)", 2], ["text (3)", 2]]
    assert "drop that first character" in added["note"].iloc[0]
    # following the notes gives the text back, behind the guard's own apostrophe
    row = sheets["articles"].loc[0]
    parts = [row["text"]] + [row[name][1:] if name in set(added["column"]) else row[name] for name in ("text (2)", "text (3)")]
    assert "".join(parts) == "'" + text


def test_splitting_is_lossless_on_random_hostile_text():
    """Small cells, a thousand texts drawn from the characters that make cutting hard."""
    pool = list("ab =+-@|\t\r\n") + ["\u200b", "\u00a0", "\u00ad", "\u0301", "\u0903", "\uff1d", "\U0001f600",
                                       "\U0001d538", "\ufeff", "\u202e", "\u3164", "_x000D_"]
    rng = random.Random(20)
    for _ in range(1000):
        text = "".join(rng.choice(pool) for _ in range(rng.randrange(1, 60)))
        limit = rng.randrange(4, 12)
        cells, notes = spreadsheet.split_long_cells(pd.DataFrame({"t": [text]}, dtype=object), limit=limit)
        parts = [value for value in cells.iloc[0].tolist() if value is not None]
        guarded = {names[0] for names in notes.loc[notes["row"].notna(), "parts"]}
        names = list(cells.columns)
        rebuilt = "".join(part[1:] if name in guarded else part for name, part in zip(names, parts))
        assert rebuilt == text, (text, limit, parts)
        assert all(_utf16(part) <= limit for part in parts)
        assert not any(starts_like_formula(part) for part in parts[1:]), (text, limit, parts)


# --- Writing the file --------------------------------------------------------------------------------

def _frame():
    return _articles(["one", "two"])


def test_write_replaces_the_file_and_leaves_nothing_else(tmp_path):
    out = tmp_path / "articles.csv"
    out.write_bytes(b"old")
    data = export_files.write(_frame(), "csv", out)
    assert out.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles.csv"]


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary(tmp_path, monkeypatch, failing):
    out = tmp_path / "articles.xlsx"
    out.write_bytes(b"the good old export")
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def fail(*args, **kwargs):
        raise full

    if failing == "write":
        real_fdopen = os.fdopen

        class FullFile(io.BufferedWriter):
            def write(self, data):
                super().write(data[: len(data) // 2])
                super().flush()
                raise full

        monkeypatch.setattr(os, "fdopen", lambda fd, mode: FullFile(real_fdopen(fd, "wb", buffering=0)))
    else:
        monkeypatch.setattr(os, failing, fail)
    with pytest.raises(ExportError) as caught:
        export_files.write(_frame(), "xlsx", out)
    assert str(caught.value) == (f"{out}: could not write the export (No space left on device); "
                                 f"the file that was there is unchanged")
    assert out.read_bytes() == b"the good old export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles.xlsx"]


def test_a_missing_folder_or_a_folder_in_the_way_is_one_clear_error(tmp_path):
    with pytest.raises(ExportError, match=r"missing/a\.csv: could not write the export \(No such file or directory\); "
                                          r"no file was written"):
        export_files.write(_frame(), "csv", tmp_path / "missing" / "a.csv")
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(ExportError, match=r"folder\.csv: could not write the export \(Is a directory\)"):
        export_files.write(_frame(), "csv", tmp_path / "folder.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.csv"]


def test_a_symlink_at_the_target_is_replaced_not_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    victim = elsewhere / "settings.toml"
    victim.write_text("provider = 'mine'\n")
    out_dir = tmp_path / "exports"
    out_dir.mkdir()
    (out_dir / "a.csv").symlink_to(victim)
    data = export_files.write(_frame(), "csv", out_dir / "a.csv")
    assert victim.read_text() == "provider = 'mine'\n"
    assert not (out_dir / "a.csv").is_symlink() and (out_dir / "a.csv").read_bytes() == data


def test_permissions_are_kept_or_the_usual_ones(tmp_path):
    kept = tmp_path / "kept.csv"
    kept.write_bytes(b"x")
    kept.chmod(0o640)
    export_files.write(_frame(), "csv", kept)
    assert kept.stat().st_mode & 0o777 == 0o640
    mask = os.umask(0o027)
    try:
        export_files.write(_frame(), "csv", tmp_path / "new.csv")
    finally:
        os.umask(mask)
    assert (tmp_path / "new.csv").stat().st_mode & 0o777 == 0o640


FILE_SIZE_LIMIT = 256 * 1024  # room for SQLite's 32 KiB shared-memory file; the exports are larger (asserted below)


def _small_disk():
    # The limit applies to a whole process: the export that meets it runs in one of its own.
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG


@pytest.fixture(scope="module")
def store_with_articles(tmp_path_factory):
    folder = tmp_path_factory.mktemp("full-disk") / "outlet"
    folder.mkdir()
    rng = random.Random(30)
    letters = "abcdefghijklmnopqrstuvwxyzабвгдежзиклмнопрстуфхцчшщыэюя"
    for n in range(4):
        # random words, so no article is a near-duplicate of another and the XLSX does not compress
        # below the file size limit
        paragraphs = ["Article {n}"] + [" ".join("".join(rng.choices(letters, k=rng.randrange(2, 10)))
                                                  for _ in range(120)) + "." for _ in range(200)]
        (folder / f"{n}.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    db = folder.parent / "store.db"
    result = run_cli("ingest", str(folder), "--no-extract", db=db)
    assert result.returncode == 0, result.stderr
    assert "4 article(s) stored" in result.stdout, result.stdout
    return db


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cli_export_on_a_full_disk_keeps_the_old_file(store_with_articles, tmp_path, fmt):
    out = tmp_path / f"articles.{fmt}"
    out.write_bytes(b"the good old export\n")
    result = subprocess.run([sys.executable, "-m", "core", "--db", str(store_with_articles), "export",
                             "--format", fmt, "--out", str(out)], cwd=REPO, preexec_fn=_small_disk,
                            env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert result.stderr.strip() == (f"error: {out}: could not write the export (File too large); "
                                     f"the file that was there is unchanged")
    assert out.read_bytes() == b"the good old export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]
    # with room on the disk the same command replaces it
    result = run_cli("export", "--format", fmt, "--out", str(out), db=store_with_articles)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > FILE_SIZE_LIMIT
    # the CSV's filters in its manifest beside it (docs/export.md); the XLSX keeps them inside
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name] + ([f"{out.name}.json"] if fmt == "csv" else [])
