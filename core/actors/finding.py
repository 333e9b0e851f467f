"""Actor mentions in articles, in each article's own language and script: ``find_mentions``.

Each field of an article is read in two passes. The first matches dictionary aliases
(``matching``) and then finds people outside the dictionary in the words left free
(``discovery``: a title before the name, a known given name starting it). Once every article of
the batch has been read, the second pass finds the surnames of those people used alone, in the
same article or, when the corpus has met the full name, in any. Long fields are read in pieces
(``passages.windows``); an article writing one name very often keeps a few rows and counts the
rest (``MAX_IDENTICAL_MENTIONS``, ``MAX_MENTION_ROWS``).

The mentions found are what the store keeps; ``resolution`` turns them into actors. Method and
measured quality: ``docs/actors.md``.
"""
from __future__ import annotations

import pandas as pd

from core.actors import actor_dictionary, discovery, lookup, matching, passages, sentences, spelling
from core.schema import MENTION_COLUMNS, require_columns

# An article that writes one name in one form (same actor or discovered name, field and surface)
# more often than this keeps this many rows, each with its offset and sentence, and counts the
# rest on the last one (``occurrences``). The sample corpus repeats a form at most 8 times in an
# article and the pages show a few passages per article, so news is stored row for row, while
# "Iran Russia" written 500,000 times is 100 rows instead of a million.
MAX_IDENTICAL_MENTIONS = 50
# Rows kept per article whatever it holds (a page listing a hundred thousand invented names):
# 10,000 rows of ~300 bytes is ~3 MB. The sample corpus's busiest article has 136 mentions.
# Once an article has this many, further mentions of a name kept are counted on its last row and
# names first met after that are left out.
MAX_MENTION_ROWS = 10_000


class _Kept:
    """The mentions of one article kept as rows: at most MAX_IDENTICAL_MENTIONS of each kind
    (``key``) and MAX_MENTION_ROWS in all; the others are counted on the last row kept of their
    kind. Dictionary matches and discovered names are kept in two lists, in the order found."""

    def __init__(self):
        self.matched: list[dict] = []
        self.discovered: list[dict] = []
        self._last: dict = {}  # key -> [rows kept, last row kept]

    def add(self, mention: dict, key, around: sentences.Sentences, offset: int) -> None:
        kept = self._last.get(key)
        full = len(self.matched) + len(self.discovered) >= MAX_MENTION_ROWS
        if kept is not None and (kept[0] >= MAX_IDENTICAL_MENTIONS or full):
            kept[1]["occurrences"] += 1
            return
        if full:
            return
        mention["sentence"] = around.at(mention["start"], mention["end"])
        mention["start"] += offset
        mention["end"] += offset
        mention["occurrences"] = 1
        (self.discovered if mention["method"] in discovery.DISCOVERED_CONFIDENCE else self.matched).append(mention)
        if kept is None:
            self._last[key] = [1, mention]
        else:
            kept[0] += 1
            kept[1] = mention


def _key(mention: dict) -> tuple:
    return (mention["field"], mention["surface"], mention["method"], mention["candidates"], mention["ambiguous"],
            mention.get("surname"), mention.get("given"))


class _Piece:
    """One piece of a field after the first pass. The words, their infos and what is covered are
    kept when the field is one piece; a piece of a longer field keeps only which words are
    covered (a byte each) and is split into words again for the second pass."""

    __slots__ = ("field", "start", "text", "words", "infos", "covered", "sentences", "_end")

    def __init__(self, field, start, text, words, infos, covered, sentences, whole: bool):
        self.field, self.start = field, start
        self.text = text if whole else None
        self.words, self.infos = (words, infos) if whole else (None, None)
        self.covered = covered if whole else bytearray(covered)
        self.sentences = sentences if whole else None
        self._end = start + len(text)

    def parsed(self, index: lookup.Index, body: str):
        if self.words is not None:
            return self.text, self.words, self.infos, self.covered, self.sentences
        text = body[self.start:self._end]
        words = lookup.words(index, text)
        infos = [lookup.word_info(index, word) for word, _, _ in words]
        return text, words, infos, [bool(c) for c in self.covered], sentences.Sentences(text, index.language)


def _field_mentions(index: lookup.Index, article_id: str, field: str, text: str, cased: bool):
    """The first pass over one field (or piece of one): (words, their infos, which are covered,
    dictionary matches, discovered names)."""
    words = lookup.words(index, text)
    known = index.words.get
    infos = [known(word) or lookup.word_info(index, word) for word, _, _ in words]
    covered = [False] * len(words)
    found, person_words = matching.match_aliases(index, article_id, field, text, words, infos, covered)
    discovered = discovery.discover(index, article_id, field, text, words, infos, covered, cased, person_words)
    return words, infos, covered, found, discovered


def find_mentions(articles: pd.DataFrame, dictionary: actor_dictionary.Dictionary,
                  known_surnames: dict[str, str] | None = None) -> pd.DataFrame:
    """Actor mentions in each article, in its original language and script.

    Needs: articles[article_id, title, text, language]. ``known_surnames`` maps the skeletons
    of surnames discovered earlier (in the store) to the surname, so that a surname used alone is
    recognised in a batch that never spells the full name.
    Returns MENTION_COLUMNS: article_id, actor_id (<NA> for a discovered name until
    ``grouping.resolve_discovered``), field ("title" | "text"), start/end (character offsets in that
    field), surface (as written), sentence, method (alias | stem | inflection | metonym | context
    for dictionary actors; title | given_name | surname for discovered names), confidence (0-1),
    name_key (discovered names: "given|surname|language", ``discovery.name_key``; <NA> otherwise), occurrences (1, or
    the count of identical mentions beyond MAX_IDENTICAL_MENTIONS on the last row kept of them).
    Fields longer than ``passages.WINDOW_CHARS`` are matched in pieces (``passages.windows``).
    """
    require_columns(articles, ("article_id", "title", "text", "language"), stage="actors")
    parsed_articles = []
    skeletons = {key: (surname, "") for key, surname in (known_surnames or {}).items()}
    for article_id, title, text, language in zip(articles["article_id"], articles["title"], articles["text"],
                                                 articles["language"]):
        language = None if pd.isna(language) else language
        index = lookup.for_language(dictionary, language)
        cased = language not in spelling.UNCASED_SCRIPT_LANGUAGES
        fields = [("title", "" if pd.isna(title) else str(title)), ("text", "" if pd.isna(text) else str(text))]
        kept, pieces = _Kept(), []
        for field, body in fields:
            spans = passages.windows(body)
            for start, end in spans:
                piece = body if len(spans) == 1 else body[start:end]
                words, infos, covered, found, new = _field_mentions(index, article_id, field, piece, cased)
                found_sentences = sentences.Sentences(piece, index.language)
                for mention in found + new:
                    kept.add(mention, _key(mention), found_sentences, start)
                pieces.append(_Piece(field, start, piece, words, infos, covered, found_sentences, whole=len(spans) == 1))
        discovery.remember_surnames(skeletons, kept.discovered)
        parsed_articles.append((article_id, index, cased, dict(fields), kept, pieces))
    rows = []
    for article_id, index, cased, bodies, kept, pieces in parsed_articles:
        surnames = discovery.article_surnames(kept.discovered, index.language)
        for piece in pieces:
            text, words, infos, covered, piece_sentences = piece.parsed(index, bodies[piece.field])
            for mention in discovery.surname_mentions(index, article_id, piece.field, text, words, infos, covered,
                                                      surnames, skeletons, cased):
                kept.add(mention, _key(mention), piece_sentences, piece.start)
        for mention, actor_id, method in matching.attribute(kept.matched):
            rows.append(_row(mention, actor_id, method, matching.CONFIDENCE[method], pd.NA))
        for mention in kept.discovered:
            name_key = discovery.name_key(mention["given"], mention["surname"], index.language)
            rows.append(_row(mention, pd.NA, mention["method"], discovery.DISCOVERED_CONFIDENCE[mention["method"]],
                             name_key))
    frame = pd.DataFrame(rows, columns=MENTION_COLUMNS)
    return frame.astype(_MENTION_DTYPES) if len(frame) else empty()


_MENTION_DTYPES = {"start": "int64", "end": "int64", "confidence": "float64", "occurrences": "int64"}


def _row(mention, actor_id, method, confidence, name_key) -> dict:
    return {"article_id": mention["article_id"], "actor_id": actor_id, "field": mention["field"],
            "start": mention["start"], "end": mention["end"], "surface": mention["surface"],
            "sentence": mention["sentence"], "method": method, "confidence": confidence, "name_key": name_key,
            "occurrences": mention["occurrences"]}


def empty() -> pd.DataFrame:
    """No mentions: MENTION_COLUMNS with the dtypes ``find_mentions`` gives."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in MENTION_COLUMNS}).astype(_MENTION_DTYPES)

