"""The windows a long field is read in. Actor matching and mentioned dates read a text the same
way, so both use these (the sentence around an offset is ``core.actors.sentences``)."""
from __future__ import annotations

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

