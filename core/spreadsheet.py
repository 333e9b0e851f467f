"""What a spreadsheet makes of untrusted text, and how to hand text over so it stays text and stays whole.

Takes the frames (and filter values) ``core.export`` is about to write as CSV or XLSX; gives them
back with no cell a spreadsheet would read as a formula (``neutralize_formulas``), and filter
values that can sit in a CSV comment line without a spreadsheet cutting a formula out of them
(``comment_json``).

A cell is taken for a formula when, after the characters a reader cannot see are skipped and the
rest is put in Unicode compatibility form (NFKC: full-width ``＝`` and small ``﹦`` become ``=``),
it starts with one of ``FORMULA_CHARACTERS``; such a cell keeps its text behind a leading
apostrophe (the OWASP advice for CSV injection). Spreadsheet programs differ in what they strip
and normalise on input; this rule guards every cell that any of them could read as a formula, at
the cost of an apostrophe before some harmless text.
"""
from __future__ import annotations

import json
import unicodedata

import pandas as pd

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
# separator, marks (at the start of a cell they have nothing to combine with), private-use, surrogate and unassigned code
# points (a newer Unicode may make them invisible). Unicode's Default_Ignorable_Code_Point
# list, which the standard library does not carry, adds only the four Hangul fillers below, which
# are letters by category (tests/test_export_hostile.py checks this against the `regex` module).
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Mc", "Me"})
_HANGUL_FILLERS = frozenset("\u115f\u1160\u3164\uffa0")
# Inside a JSON string in a CSV comment line these become \u escapes: "," and ";" are where a
# spreadsheet splits the line into cells (";" in some locales).
_COMMENT_DELIMITERS = frozenset(",;")
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


def _json_escape(char: str) -> str:
    units = char.encode("utf-16-be", "surrogatepass")
    return "".join(f"\\u{int.from_bytes(units[i:i + 2], 'big'):04x}" for i in range(0, len(units), 2))


def comment_json(value) -> str:
    """``value`` (JSON-ready) as JSON for a ``# name: value`` comment line of a CSV file.

    A spreadsheet opening the file splits the comment lines into cells too, at "," or ";" or
    whatever it takes for a delimiter. Inside JSON strings, every character that could make a cell
    start like a formula is written as a \\u escape: the delimiters, every invisible character
    (including line breaks a reader would split the line at), every character NFKC would change,
    and a formula character unless it follows a letter or digit (so dates like 2024-05-01 stay
    readable). A cell can then start only at a structural comma, with a quote, bracket, word or
    number. JSON readers get the value back unchanged.
    """
    text = json.dumps(value, ensure_ascii=False)
    out, in_string, escaped, previous = [], False, False, ""
    for char in text:
        if in_string and not escaped and char not in '"\\' and (
                char in _COMMENT_DELIMITERS or _invisible(char) or unicodedata.normalize("NFKC", char) != char
                or (char in FORMULA_CHARACTERS and not previous.isalnum())):
            out.append(_json_escape(char))
        else:
            out.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = in_string
            elif char == '"':
                in_string = not in_string
        previous = char
    return "".join(out)
