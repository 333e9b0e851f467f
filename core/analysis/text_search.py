"""Free-text search of articles: a query of words and "quoted phrases" joined by AND, OR and NOT
(``parse``), and the articles whose title or text, original or translated, match it (``matches``).

Words match whole words, ignoring case and diacritics ("iran" finds "İran" and "Irán", "шоигу"
finds "Шойгу"), with Arabic letter variants (أ إ آ ا, ى ي ی, ة ه, ک ك) and vowel marks folded.
Arabic and Hebrew write one-letter words (و ب ل ف ك, ו ב ל מ ש כ ה) and the Arabic article onto
the next word: after them a word still counts as whole ("إيران" finds "وإيران", "איראן" finds
"באיראן"). Chinese, Japanese, Thai, Lao, Khmer and Myanmar write no spaces between words: a word in
those scripts matches anywhere.

Matching runs in Arrow's compute kernels (RE2 regular expressions, linear in the text, no Python
loop per article): each word becomes one pattern whose letters are classes of their variants, so
the texts need no folded copy (a folded copy of 100k articles took 10 s and 480 MB; a word is
searched in about 0.3 s over all of them, less when other filters have narrowed the articles).
"""
from __future__ import annotations

import dataclasses
import functools
from typing import Callable
import re
import sys
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

SEARCHED_COLUMNS = ("title", "text", "title_translated", "text_translated")
# Searched in an index instead when ``matches`` is given a ``Lookup``.
INDEXED_COLUMNS = ("title", "text")
# A full-text index of the articles' titles and texts: a term in, the ids of the articles whose
# title or text contains it out (core.analysis.indexed_search says what it is asked).
Lookup = Callable[["Term"], np.ndarray]


@dataclasses.dataclass(frozen=True)
class RowLookup:
    """A full-text index bound to the articles frame searched (``indexed_search.bound``): a term
    in, the positions in that frame of the articles whose title or text contains it out. Nothing
    is compared by id: matching the ids a ``Lookup`` gives against the frame's took half a second
    for a word found in 18k of 300k articles (pandas made a Python string of every id)."""

    rows: Callable[["Term"], np.ndarray]
    frame: Callable[[], object]  # a weak reference to the frame it is bound to
OPERATORS = ("AND", "OR", "NOT")


class QueryError(ValueError):
    """A query that cannot be read; ``str(err)`` is one line saying what to change."""


@dataclasses.dataclass(frozen=True)
class Term:
    """A word as typed, or a quoted phrase: its words, folded (case and diacritics removed)."""

    words: tuple[str, ...]
    text: str  # as typed, without quotes
    phrase: bool


@dataclasses.dataclass(frozen=True)
class Not:
    part: "Node"


@dataclasses.dataclass(frozen=True)
class AllOf:
    parts: tuple["Node", ...]


@dataclasses.dataclass(frozen=True)
class AnyOf:
    parts: tuple["Node", ...]


Node = Term | Not | AllOf | AnyOf


@dataclasses.dataclass(frozen=True)
class Query:
    """A parsed query: ``root`` is None when it has no word at all (it then selects everything)."""

    text: str
    root: Node | None

    def wanted(self) -> tuple[Term, ...]:
        """The words and phrases an article must or may contain (not those after NOT), in order."""
        found: list[Term] = []

        def walk(node):
            if isinstance(node, Term):
                found.append(node)
            elif isinstance(node, (AllOf, AnyOf)):
                for part in node.parts:
                    walk(part)
        walk(self.root)
        return tuple(dict.fromkeys(found))

    def without(self, terms) -> str:
        """The query with ``terms`` removed, when it is only words and phrases that must all be present
        (``Iran Shoigu`` without Shoigu is ``Iran``); else the query unchanged."""
        parts = self.root.parts if isinstance(self.root, AllOf) else (self.root,)
        if self.root is None or not all(isinstance(p, Term) or (isinstance(p, Not) and isinstance(p.part, Term))
                                        for p in parts):
            return self.text
        kept = [p for p in parts if p not in set(terms)]
        return " ".join(("NOT " if isinstance(p, Not) else "") + _quoted(p.part if isinstance(p, Not) else p)
                        for p in kept)


def _quoted(term: Term) -> str:
    return f'"{term.text}"' if term.phrase or " " in term.text or term.text.upper() in OPERATORS else term.text


# --- reading the query ----------------------------------------------------------------------------

# Typographic quotes that keyboards of the corpus' languages type ("…", «…», „…“) read as ".
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‟": '"'})
# A hand-written tokenizer rather than shlex: shlex reads an apostrophe as a quote ("Iran's",
# "Rusya'da", Hebrew צ'ה) and knows nothing of parentheses; pyparsing is not installed.
_TOKEN = re.compile(r'"(?P<phrase>[^"]*)"|(?P<open>\()|(?P<close>\))|(?P<word>[^\s"()]+)|(?P<quote>")')


@functools.lru_cache(maxsize=256)
def parse(text: str) -> Query:
    """The query typed in the filter bar or given to ``export --text``.

    Words next to each other must all be present (``Iran Russia`` is ``Iran AND Russia``); ``OR``
    takes either side, ``NOT`` (or a leading ``-``) excludes the next word, phrase or group;
    parentheses group. Operators are the upper-case words AND, OR and NOT; "quote" one to search
    for it. NOT binds tightest, then AND, then OR. Raises QueryError for an unclosed quote or
    parenthesis or an operator with nothing to apply to.
    """
    tokens = []
    for found in _TOKEN.finditer(text.translate(_QUOTES)):
        kind = found.lastgroup
        if kind == "quote":
            raise QueryError(f"a quotation mark is not closed in {text.strip()!r}: close the phrase or remove the quote")
        if kind == "word" and found.group() in OPERATORS:
            kind = found.group()
        tokens.append((kind, found.group(kind) if kind in ("phrase", "word") else found.group()))
    parser = _Parser(tokens, text.strip())
    root = parser.expression() if tokens else None
    if parser.position < len(tokens):  # only a ")" stops an expression early
        raise QueryError(f"a closing parenthesis has no opening one in {text.strip()!r}")
    return Query(text.strip(), root)


class _Parser:
    """Recursive descent over the tokens: expression = conjunction (OR conjunction)*;
    conjunction = unary (AND? unary)*; unary = NOT unary | -word | word | "phrase" | (expression).
    Terms without a letter or digit (a lone dash, an ampersand) are left out."""

    def __init__(self, tokens: list[tuple[str, str]], text: str):
        self.tokens, self.text, self.position = tokens, text, 0

    def _peek(self) -> str | None:
        return self.tokens[self.position][0] if self.position < len(self.tokens) else None

    def _fail(self, problem: str):
        raise QueryError(f"{problem} in {self.text!r}")

    def expression(self) -> Node | None:
        parts = [self.conjunction()]
        while self._peek() == "OR":
            self.position += 1
            if self._peek() in (None, "close", "OR", "AND"):
                self._fail("OR needs a word or phrase on each side")
            parts.append(self.conjunction())
        if parts[0] is None and len(parts) > 1:
            self._fail("OR needs a word or phrase on each side")
        parts = [p for p in parts if p is not None]
        return None if not parts else parts[0] if len(parts) == 1 else AnyOf(tuple(parts))

    def conjunction(self) -> Node | None:
        parts = []
        while self._peek() not in (None, "close", "OR"):
            if self._peek() == "AND":
                self.position += 1
                if not parts or self._peek() in (None, "close", "OR", "AND"):
                    self._fail("AND needs a word or phrase on each side")
                continue
            part = self.unary()
            if part is not None:
                parts.append(part)
        return None if not parts else parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def unary(self) -> Node | None:
        kind, value = self.tokens[self.position]
        self.position += 1
        if kind == "NOT":
            if self._peek() in (None, "close", "OR", "AND", "NOT"):
                self._fail("NOT needs a word, phrase or group after it")
            part = self.unary()
            return Not(part) if part is not None else None
        if kind == "open":
            inner = self.expression()
            if self._peek() != "close":
                self._fail("a parenthesis is not closed")
            self.position += 1
            return inner
        if kind == "word" and value.startswith("-") and len(value) > 1 and _WORD.search(value):
            term = _term(value[1:], phrase=False)
            return Not(term) if term is not None else None
        return _term(value, phrase=kind == "phrase")


_WORD = re.compile(r"[^\W_]+")


def _term(text: str, phrase: bool) -> Term | None:
    # Folded first: vowel marks and the shadda are no word characters to ``re`` ("مسيّرة" would be
    # two words), and folding removes them.
    words = tuple(_WORD.findall(fold(text)))
    return Term(words, text, phrase) if words else None


# --- folding and patterns ----------------------------------------------------------------------------

# Letters that fold to another with no Unicode decomposition to say so (ı ł ø đ), and the Arabic
# and Persian letter variants spelled interchangeably (as core.actors.spelling folds them).
_EXTRA_FOLDS = {"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t", "ŀ": "l", "æ": "æ",
                "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ئ": "ي", "ة": "ه", "ۀ": "ه",
                "ک": "ك", "ؤ": "و", "ς": "σ"}
_INSIDE_WORDS = "\u0640\u200c\u200d"  # tatweel and the zero-width (non-)joiner sit inside words


def fold(text: str) -> str:
    """``text`` without case, diacritics or vowel marks, Arabic letter variants made one."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(_EXTRA_FOLDS.get(ch, ch) for ch in decomposed
                   if not unicodedata.combining(ch) and ch not in _INSIDE_WORDS)
    return unicodedata.normalize("NFC", kept)


def fold_all(texts: list[str]) -> list[str]:
    """``fold`` of each text, for many long texts at once (the full-text index folds every stored
    text, core.analysis.indexed_search): the marks are removed by Arrow's RE2, 5x faster than a
    loop over the characters (or str.translate, or ``re`` with a class of 600 ranges)."""
    decomposed = pa.array([unicodedata.normalize("NFKD", text.casefold()) for text in texts], type=pa.large_string())
    kept = pc.replace_substring_regex(decomposed, _removed_pattern(), "").to_pylist()
    return [unicodedata.normalize("NFC", _EXTRA_PATTERN.sub(lambda found: _EXTRA_FOLDS[found.group()], text)) for text in kept]


_EXTRA_PATTERN = re.compile("[" + "".join(re.escape(ch) for ch in _EXTRA_FOLDS) + "]")


@functools.lru_cache(maxsize=1)
def _removed_pattern() -> str:
    """RE2 class of what ``fold`` removes: the combining marks and the characters inside words."""
    codes = sorted({code for code in range(sys.maxunicode + 1) if unicodedata.combining(chr(code))}
                   | {ord(ch) for ch in _INSIDE_WORDS})
    spans: list[list[int]] = []
    for code in codes:
        if spans and code == spans[-1][1] + 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])
    return "[" + "".join(f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in spans) + "]"


@functools.lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    """Every letter of the scripts searched, grouped under what it folds to: "i" -> "iíìîïīįı…"."""
    found: dict[str, set[str]] = {}
    for code in list(range(0xC0, 0x2000)) + list(range(0x1E00, 0x1F00)) + list(range(0xFB00, 0xFF70)):
        ch = chr(code)
        folded = fold(ch)
        if len(folded) == 1 and folded != ch and folded.isalnum():
            found.setdefault(folded, set()).add(ch)
    return {base: "".join(sorted(chars | {base})) for base, chars in found.items()}


def _letter(ch: str) -> str:
    """RE2 for one folded letter: any of its variants, each followed by vowel marks, tatweel or
    joiners (written in decomposed or vocalised text)."""
    chars = _variants().get(ch, ch)
    escaped = "".join(f"\\x{{{ord(c):04X}}}" for c in chars)
    return (f"[{escaped}]" if len(chars) > 1 else escaped) + f"[\\p{{Mn}}{_escaped(_INSIDE_WORDS)}]*"


def _escaped(chars: str) -> str:
    return "".join(f"\\x{{{ord(c):04X}}}" for c in chars)


_NO_SPACES = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")
_HEBREW_SCRIPT = re.compile("[\u0590-\u05ff]")
_EDGE = r"[^\p{L}\p{N}\p{M}]"
# One-letter words and the article written onto the next word ("وإيران", "لإيران", "بالكرملين";
# "באיראן", "ומטהרן"): the word that follows still counts as whole.
_ARABIC_ATTACHED = "(?:[\\x{0648}\\x{0641}]?(?:\\x{0628}|\\x{0644}|\\x{0643})?(?:\\x{0627}\\x{0644}|\\x{0644}\\x{0644})?)"
_HEBREW_ATTACHED = "[\\x{05D5}\\x{05D1}\\x{05DC}\\x{05DE}\\x{05E9}\\x{05DB}\\x{05D4}]{0,3}"


@functools.lru_cache(maxsize=1024)
def pattern(term: Term) -> str:
    """The RE2 pattern (for Arrow's ``match_substring_regex`` with ``ignore_case``) of a term."""
    words = ["".join(_letter(ch) for ch in word) for word in term.words]
    joined = "".join(words) if all(_NO_SPACES.search(w) for w in term.words) else f"{_EDGE}+".join(words)
    if _NO_SPACES.search(term.words[0]) and _NO_SPACES.search(term.words[-1]):
        return joined
    before = _ARABIC_ATTACHED if _ARABIC_SCRIPT.search(term.words[0]) else \
        _HEBREW_ATTACHED if _HEBREW_SCRIPT.search(term.words[0]) else ""
    return f"(?:^|{_EDGE}){before}{joined}(?:{_EDGE}|$)"


# --- matching ----------------------------------------------------------------------------------------

def matches(articles: pd.DataFrame, query: Query | str, rows: np.ndarray | None = None,
            lookup: Lookup | RowLookup | None = None) -> np.ndarray:
    """Per row of ``articles`` (or per position in ``rows``): does its title or text, original or
    translated (the ``SEARCHED_COLUMNS`` present), match ``query``? A query without words matches
    every row. With ``lookup``, the original title and text are looked up there (by
    articles[article_id], or by position for a ``RowLookup`` bound to ``articles``) instead of scanned. Raises QueryError for a query ``parse`` cannot read."""
    query = parse(query) if isinstance(query, str) else query
    rows = np.arange(len(articles)) if rows is None else np.asarray(rows, dtype=np.int64)
    if query.root is None:
        return np.ones(len(rows), dtype=bool)
    scanned = [c for c in SEARCHED_COLUMNS if c in articles.columns and (lookup is None or c not in INDEXED_COLUMNS)]
    if isinstance(lookup, RowLookup) and lookup.frame() is not articles:
        raise ValueError("text search: the index's lookup is bound to another articles frame than the one searched")
    ids = articles["article_id"] if lookup is not None and not isinstance(lookup, RowLookup) else None
    return _Search([_arrow(articles[c]) for c in scanned], len(articles), ids, lookup).evaluate(query.root, rows)


def _arrow(column: pd.Series) -> pa.ChunkedArray:
    """The column as Arrow strings: the dashboard's columns are Arrow already (no copy)."""
    if not (isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow"):
        column = column.astype("string[pyarrow]")
    found = column.array.__arrow_array__()
    return found if isinstance(found, pa.ChunkedArray) else pa.chunked_array([found])


class _Search:
    """Evaluates a query tree on the rows still undecided: the right side of an AND is searched
    only in the rows its left side kept, the right side of an OR only in those it did not."""

    def __init__(self, columns: list[pa.ChunkedArray], length: int, ids: pd.Series | None = None,
                 lookup: Lookup | RowLookup | None = None):
        self.columns, self.length, self.ids, self.lookup = columns, length, ids, lookup
        # Where each column has a value: an article without a translation has nothing to scan, and
        # the regular expression ran over every row of a mostly empty column for each word
        # (0.2 s of a two-term query at 1M articles, none of them translated).
        self.valid = [pc.is_valid(column).to_numpy(zero_copy_only=False) for column in columns]

    def evaluate(self, node: Node, rows: np.ndarray) -> np.ndarray:
        if len(rows) == 0:
            return np.zeros(0, dtype=bool)
        if isinstance(node, Term):
            return self._term(node, rows)
        if isinstance(node, Not):
            return ~self.evaluate(node.part, rows)
        # Exclusions last: they are cheapest on the rows the other parts left.
        parts = sorted(node.parts, key=lambda part: isinstance(part, Not))
        if isinstance(node, AllOf):
            keep = np.ones(len(rows), dtype=bool)
            for part in parts:
                keep[keep] = self.evaluate(part, rows[keep])
            return keep
        keep = np.zeros(len(rows), dtype=bool)
        for part in parts:
            keep[~keep] = self.evaluate(part, rows[~keep])
        return keep

    def _term(self, term: Term, rows: np.ndarray) -> np.ndarray:
        found = np.zeros(len(rows), dtype=bool)
        if isinstance(self.lookup, RowLookup):  # the index first: one lookup answers every row
            hit = np.zeros(self.length, dtype=bool)
            hit[self.lookup.rows(term)] = True
            found = hit[rows]
        elif self.lookup is not None:
            found = self.ids.iloc[rows].isin(self.lookup(term)).to_numpy(dtype=bool, copy=True)
        regex = pattern(term)
        for column, valid in zip(self.columns, self.valid):  # titles first: short, and a hit there spares the text
            undecided = np.flatnonzero(~found & valid[rows])
            if not len(undecided):
                continue
            open_rows = rows[undecided]
            # Taking most of the rows copies most of the texts (0.3 s of 340 MB) for little saved:
            # beyond half of them, the whole column is searched and the rows' answers picked.
            whole = len(open_rows) > self.length // 2
            values = column if whole else column.take(pa.array(open_rows))
            hit = pc.fill_null(pc.match_substring_regex(values, regex, ignore_case=True), False)
            hit = hit.to_numpy(zero_copy_only=False)
            found[undecided] = hit[open_rows] if whole else hit
        return found
