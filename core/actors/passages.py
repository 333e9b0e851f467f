"""Pieces of one article's text: the windows long fields are read in, and the sentence around an
offset. Actor matching and mentioned dates read a text the same way, so both use these."""
from __future__ import annotations

import bisect
import re

# Fields longer than this are matched piece by piece (``windows``), so that one huge article never
# holds more than a piece's words, spelling keys and matches at once (about 15,000 words, a few
# MB). The longest article of the sample corpus has 2,400 characters and long reports 20,000-
# 50,000, so articles are matched whole and their results do not change.
WINDOW_CHARS = 100_000
# A piece ends after a sentence: end punctuation after a letter (not "3." of "3. März", which
# the dates need whole) and before white space, or a line break. None of these can sit inside a
# name, between a title and its name or inside a written date.
_PIECE_END = re.compile(r"(?<=[^\W\d_])[.!?؟。](?=\s)|\n")
_SPACE = re.compile(r"\s")


def windows(text: str, size: int = WINDOW_CHARS) -> list[tuple[int, int]]:
    """(start, end) of the pieces a text is matched in: the whole text when it is at most ``size``
    characters, else pieces of ``size`` / 2 to ``size`` characters, each cut at the last sentence
    end (see ``_PIECE_END``) in its second half, else at the last white space (a name written
    across that cut is missed), else anywhere (inside one word of ``size`` / 2 characters)."""
    pieces = []
    start = 0
    while len(text) - start > size:
        limit = start + size
        cut = None
        for pattern in (_PIECE_END, _SPACE):
            for match in pattern.finditer(text, start + size // 2, limit):
                cut = match.end()
            if cut is not None:
                break
        cut = cut or limit
        pieces.append((start, cut))
        start = cut
    pieces.append((start, len(text)))
    return pieces


_SENTENCE_END = re.compile(r"[.!?؟。\n]\s*")
MAX_SENTENCE_CHARS = 400


class Sentences:
    """The sentence around any offset of one text (for the ``sentence`` column of mentions)."""

    def __init__(self, text: str):
        self.text = text
        # A sentence ends at a newline, or at end punctuation followed by white space ("U.S." does
        # not end one). Scanning for the punctuation and checking what follows is ten times faster
        # than a look-behind pattern, which was a third of extraction time.
        self.starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)
                             if m.end() - m.start() > 1 or text[m.start()] == "\n"]
        self._found: dict[int, str] = {}

    def at(self, position: int) -> str:
        k = bisect.bisect_right(self.starts, position) - 1
        sentence = self._found.get(k)
        if sentence is None:
            end = self.starts[k + 1] if k + 1 < len(self.starts) else len(self.text)
            sentence = self._found[k] = self.text[self.starts[k]:end].strip()[:MAX_SENTENCE_CHARS]
        return sentence
