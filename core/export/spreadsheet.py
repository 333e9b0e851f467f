"""What a spreadsheet makes of untrusted text, and how to hand text over so it stays text and stays whole.

Takes the frames (and filter values) ``core.export.data`` is about to write as CSV or XLSX; gives
them back with no cell a spreadsheet would read as a formula (``neutralize_formulas``; the test
itself is ``looks_like_formula``) and no cell longer than a spreadsheet cell holds
(``split_long_cells``).

A cell is taken for a formula when, after the characters a reader cannot see are skipped and the
rest is put in Unicode compatibility form (NFKC: full-width ``＝`` and small ``﹦`` become ``=``),
it starts with one of ``FORMULA_CHARACTERS``; such a cell keeps its text behind a leading
apostrophe (the OWASP advice for CSV injection). Spreadsheet programs differ in what they strip
and normalise on input; this rule guards every cell that any of them could read as a formula, at
the cost of an apostrophe before some harmless text.
"""
from __future__ import annotations

import unicodedata

import pandas as pd

# Excel holds at most 32,767 characters in a cell, counted in UTF-16 code units (its LEN counts an
# emoji as 2). xlsxwriter cuts longer strings to this many units without a word (pandas warns only
# when the count of code points is over it, so 20,000 emoji were cut silently).
CELL_LIMIT = 32_767
# How far back from a full cell the split looks for a cut that leaves the next part safe and its
# edges visible. Real text offers one every few characters; the bound keeps every part but the last
# nearly full (so a long text takes few columns) and the search short on hostile text.
SPLIT_WINDOW = 1_000
# What starts a formula in Excel, LibreOffice or Google Sheets ("|" starts DDE payloads in some of
# them); U+2212 MINUS SIGN is what NFKC makes of a superscript minus and reads as a minus to people
# and to some input parsers: an apostrophe before it costs nothing.
FORMULA_CHARACTERS = frozenset("=+-@|\u2212")
# OWASP lists a leading tab and carriage return as formula starters in their own right: some
# programs drop them and read what follows.
_CONTROL_STARTERS = ("\t", "\r")
# Characters a reader does not see before the first visible one (and which some programs strip):
# controls, format characters (zero-width space and joiners, word joiner, BOM, bidi marks,
# embeddings and isolates, soft hyphen, tag characters), every space and line or paragraph
# separator, marks (at the start of a cell they have nothing to combine with; between two parts of
# a split text they belong to the character before), private-use, surrogate and unassigned code
# points (a newer Unicode may make them invisible). Unicode's Default_Ignorable_Code_Point
# list, which the standard library does not carry, adds only the four Hangul fillers below, which
# are letters by category (tests/test_export_hostile.py checks this against the `regex` module).
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Mc", "Me"})
_HANGUL_FILLERS = frozenset("\u115f\u1160\u3164\uffa0")
# Visible ASCII other than the formula characters: most cells start with one, and they need no
# Unicode lookup (this halves the time the guard takes on a large export).
_ASCII_SAFE = frozenset(chr(code) for code in range(0x21, 0x7F)) - FORMULA_CHARACTERS


def _invisible(char: str) -> bool:
    return unicodedata.category(char) in _INVISIBLE_CATEGORIES or char in _HANGUL_FILLERS


def _verdict(char: str) -> bool | None:
    """True for a character that starts a formula once in NFKC form, False for any other visible
    character, None for one a reader does not see."""
    if _invisible(char):
        return None
    # One character at a time: NFKC of the whole cell could only merge "=" with a following
    # combining mark (into "≠"), so this is the same test or a stricter one, and it reads only as
    # far as the first visible character.
    shown = [c for c in unicodedata.normalize("NFKC", char) if not _invisible(c)]
    return shown[0] in FORMULA_CHARACTERS if shown else None


def _first_visible(text: str, start: int) -> int:
    """The position of the first visible character at or after ``start`` (``len(text)`` if none)."""
    for position in range(start, len(text)):
        if _verdict(text[position]) is not None:
            return position
    return len(text)


def _formula_at(text: str, start: int = 0) -> bool:
    """Whether ``text[start:]`` would be read as a formula, without copying the rest of the text."""
    if text[start:start + 1] in _ASCII_SAFE:
        return False
    if text.startswith(_CONTROL_STARTERS, start):
        return True
    position = _first_visible(text, start)
    return position < len(text) and bool(_verdict(text[position]))


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula: its first visible character, in
    NFKC form, is one of ``FORMULA_CHARACTERS``, or it starts with a tab or carriage return."""
    return _formula_at(text)


def _neutral(value):
    return "'" + value if isinstance(value, str) and _formula_at(value) else value


def neutralize_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy in which no text cell and no column name can be read as a formula: those that could
    get a leading apostrophe, the rest of their text kept. Numbers stay numbers (-3 in a numeric
    column is a number; "-3" in a text column is text and is guarded)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(_neutral)
    out.columns = [_neutral(name) for name in out.columns]
    return out


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _fit(text: str, start: int, budget: int) -> int:
    """The end of the longest slice from ``start`` that holds at most ``budget`` UTF-16 units; a
    character above U+FFFF (two units) is never cut in half."""
    end = min(len(text), start + budget)
    units = _utf16_length(text[start:end])
    while units > budget:
        end -= 1
        units -= 2 if ord(text[end]) > 0xFFFF else 1
    return end


def _clean_cut(text: str, position: int) -> bool:
    """A cut here leaves both parts ending and starting with a visible character (a mark is not
    one: it belongs to the character before it)."""
    return not (_invisible(text[position - 1]) or _invisible(text[position]))


def _cut(text: str, start: int, end: int, first_visible: int) -> int | None:
    """Where to end the part ``text[start:end]`` so that the next part is never read as a formula:
    the latest clean cut within ``SPLIT_WINDOW`` of ``end``, else the latest safe one, else None
    (every position there begins like a formula: a run of "=" or "-" longer than the window).
    ``first_visible`` is ``_first_visible(text, end)``.

    Walks back from ``end`` carrying the verdict of the first visible character ahead, so a long
    run of invisible characters is read once, not once per position."""
    ahead = first_visible < len(text) and bool(_verdict(text[first_visible]))
    safe = None
    for position in range(end, max(start, end - SPLIT_WINDOW), -1):
        char = text[position]
        if position < end:
            verdict = _verdict(char)
            ahead = ahead if verdict is None else verdict
        if ahead or char in _CONTROL_STARTERS:
            continue
        if _clean_cut(text, position):
            return position
        if safe is None:
            safe = position
    return safe


def _split(text: str, limit: int) -> tuple[list[str], list[int]]:
    """``text`` in parts of at most ``limit`` UTF-16 units whose concatenation is ``text``, and the
    indexes of the parts that had to start with an added apostrophe (see ``_cut``)."""
    parts, prefixed = [], []
    start, prefix = 0, ""
    scanned_from, visible_at = 0, -1  # the last _first_visible answer, reused while the cut is before it
    while True:
        end = _fit(text, start, limit - len(prefix))
        if end == len(text):
            parts.append(prefix + text[start:])
            return parts, prefixed
        if not scanned_from <= end <= visible_at:
            scanned_from, visible_at = end, _first_visible(text, end)
        cut = _cut(text, start, end, visible_at)
        parts.append(prefix + text[start:cut or end])
        start, prefix = cut or end, "" if cut else "'"
        if prefix:
            prefixed.append(len(parts))


def _continuation_name(column: str, number: int, taken: set[str]) -> str:
    name, extra = f"{column} ({number})", 1
    while name in taken:  # a frame that already has a "text (2)" of its own
        extra += 1
        name = f"{column} ({number}) [{extra}]"
    return name


def split_long_cells(frame: pd.DataFrame, limit: int = CELL_LIMIT) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A copy in which no text cell is longer than ``limit`` UTF-16 units, and notes saying how to
    join what was split.

    A longer text keeps its first part in its own column and continues in new columns right after
    it, named "<column> (2)", "<column> (3)", ... (only as many as the longest text of that column
    needs; empty for the rows that do not need them). Joining a row's parts in order with nothing
    between gives the text back exactly. A cut never falls inside a character above U+FFFF, nor
    where the next part would begin like a formula, and it falls between two visible characters
    (not next to a space or an invisible character, not before a combining mark) wherever the last
    ``SPLIT_WINDOW`` characters of a full part offer such a place, as real text always does. Only
    a run of formula characters longer than the window leaves no safe cut: that part begins with
    an added apostrophe, and the notes list its row.

    Notes: one row per split column (``column``; ``row`` <NA>; ``parts``, a tuple of the column
    names to join; ``note``, how to join them), then one per added apostrophe (``column`` and
    ``parts``: the continuation column; ``row``: the frame's row position, counted from 0).
    """
    if limit < 4:
        raise ValueError(f"a cell limit of {limit} UTF-16 units cannot hold a character and an apostrophe")
    taken = {str(name) for name in frame.columns}
    columns: dict = {}
    notes: list[dict] = []
    for column in frame.columns:
        values = frame[column]
        columns[column] = values
        if not (values.dtype == object or pd.api.types.is_string_dtype(values)):
            continue
        splits = {position: _split(value, limit) for position, value in enumerate(values)
                  if isinstance(value, str) and len(value) > limit // 2 and _utf16_length(value) > limit}
        if not splits:
            continue
        first = values.copy()
        first.iloc[list(splits)] = [parts[0] for parts, _ in splits.values()]
        columns[column] = first
        names = [str(column)]
        for number in range(2, max(len(parts) for parts, _ in splits.values()) + 1):
            name = _continuation_name(str(column), number, taken)
            taken.add(name)
            names.append(name)
            cells = [None] * len(values)
            for position, (parts, _) in splits.items():
                if number <= len(parts):
                    cells[position] = parts[number - 1]
            columns[name] = pd.Series(cells, index=values.index, dtype=object)
        notes.append({"column": str(column), "row": pd.NA, "parts": tuple(names), "note": _join_note(names, limit)})
        for position, (_, prefixed) in splits.items():
            notes += [{"column": names[index], "row": position, "parts": (names[index],),
                       "note": "this part began like a formula, so the export put an apostrophe before it: "
                               "drop that first character when joining"} for index in prefixed]
    notes_frame = pd.DataFrame(notes, columns=["column", "row", "parts", "note"])
    notes_frame["row"] = notes_frame["row"].astype("Int64")
    return pd.DataFrame(columns), notes_frame


def _join_note(names: list[str], limit: int) -> str:
    listed = ", ".join(repr(name) for name in names)
    return (f"texts longer than a cell holds ({limit:,} characters) continue in the next column(s): join "
            f"{', '.join(names)} in this order with nothing between (empty cells add nothing). "
            f"pandas: frame = pandas.read_excel(path, sheet_name=..., keep_default_na=False); "
            f"whole = frame[[{listed}]].agg(''.join, axis=1)")
