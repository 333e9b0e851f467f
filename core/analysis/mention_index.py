"""Integer codes for the mentions frame, built once per frame and reused by every analysis call.

The pages ask the same questions of the same million mentions on every rerun (which actors these
articles name, how often, spelled how, with whom). Asked of the string columns, each question
factorizes or hashes a million strings first (0.5-2 s at 100k articles); asked of integer codes
built once, it is a bincount over a boolean mask (milliseconds).

The index is remembered per frame object, and frames are never changed in place in ``core``
(every stage returns a new frame), so a remembered index cannot go stale; it is dropped when its
frame is garbage-collected.
"""
from __future__ import annotations

import dataclasses
import threading
import weakref

import numpy as np
import pandas as pd


@dataclasses.dataclass(frozen=True, eq=False)
class MentionIndex:
    """Mentions with an actor, as codes. ``articles``, ``actors`` and ``surfaces`` are sorted, so
    a code order is also the order of the ids and spellings it stands for."""

    articles: pd.Index  # article ids named by some mention
    actors: pd.Index  # actor ids
    surfaces: pd.Index  # spellings as written
    # per mention: its position in the mentions frame; None when every row names an actor (the
    # positions are then 0, 1, 2…, which at ten million mentions took 40 MB to spell out): see rows
    mention_row: np.ndarray | None
    mention_article: np.ndarray  # per mention: article code
    mention_actor: np.ndarray  # per mention: actor code
    mention_surface: np.ndarray  # per mention: surface code
    mention_occurrences: np.ndarray  # per mention row: how many mentions it stands for (its ``occurrences``)
    pair_article: np.ndarray  # per distinct (article, actor): article code, ascending
    pair_actor: np.ndarray  # per distinct (article, actor): actor code
    pair_mentions: np.ndarray  # per distinct (article, actor): how many mentions (occurrences summed; int32)
    # article codes of the frames asked about, by frame id (see article_codes)
    _codes: dict = dataclasses.field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, mentions: pd.DataFrame) -> "MentionIndex":
        rows = np.flatnonzero(mentions["actor_id"].notna().to_numpy(dtype=bool))
        named = mentions if len(rows) == len(mentions) else mentions.iloc[rows]  # usually all: no copy
        article, articles = factorized(named["article_id"])
        actor, actors = factorized(named["actor_id"])
        written = named["surface"] if "surface" in named else pd.Series("", index=named.index, dtype="string")
        surface, surfaces = factorized(written, fill="")
        # A row can stand for several identical mentions of one article (core/actors/finding.py
        # MAX_IDENTICAL_MENTIONS); frames made by hand have no such column: one each.
        counted = named["occurrences"] if "occurrences" in named else pd.Series(1, index=named.index, dtype=np.int32)
        # As held (32 bits, no gap) the column is shared, not copied.
        occurrences = (counted.fillna(1) if counted.hasnans else counted).to_numpy(dtype=np.int32)
        keys = article.astype(np.int64) * max(len(actors), 1) + actor
        distinct, counts = _counted(keys, occurrences)
        every_row = len(rows) == len(mentions)
        return cls(articles=pd.Index(articles), actors=pd.Index(actors), surfaces=pd.Index(surfaces),
                   mention_row=None if every_row else rows.astype(np.int32 if len(mentions) < 2**31 else np.int64),
                   mention_article=_narrow(article), mention_actor=_narrow(actor), mention_surface=_narrow(surface),
                   mention_occurrences=occurrences, pair_article=(distinct // max(len(actors), 1)).astype(np.int32),
                   pair_actor=(distinct % max(len(actors), 1)).astype(np.int32), pair_mentions=counts.astype(np.int32))

    def rows(self, chosen: np.ndarray) -> np.ndarray:
        """The positions in the mentions frame of the chosen mentions (a mask over the mentions, or
        their numbers)."""
        if self.mention_row is not None:
            return self.mention_row[chosen]
        return np.flatnonzero(chosen) if chosen.dtype == bool else np.asarray(chosen)

    def pairs_frame(self, keep: np.ndarray) -> pd.DataFrame:
        """The kept (article, actor) pairs as ids: article_id, actor_id."""
        return pd.DataFrame({"article_id": self.articles[self.pair_article[keep]],
                             "actor_id": self.actors[self.pair_actor[keep]]})

    def article_codes(self, articles: pd.DataFrame) -> np.ndarray:
        """The code of each row's article_id (-1 for an article no mention names), in row order.

        Remembered per frame object, like the index itself: a page asks this of the same
        selection several times a run, and each answer hashes the 100k ids of the index again
        (20 ms at 100k articles). Frames are not changed in place, so the answer cannot go stale."""
        key = id(articles)
        found = self._codes.get(key)
        if found is None:
            found = positions(articles["article_id"], self.articles)
            found.setflags(write=False)
            self._codes[key] = found
            weakref.finalize(articles, self._codes.pop, key, None)
        return found

    def remember_rows(self, frame: pd.DataFrame, parent: pd.DataFrame, rows: np.ndarray) -> None:
        """Remember the article codes of ``frame``, the rows ``rows`` of ``parent`` (a selection of
        the held articles), as those of ``parent``'s rows: hashing a selection's ids again took
        0.2-0.7 s of a filter change at 1M articles (310k ids), taking them is a numpy take."""
        codes = self.article_codes(parent)[np.asarray(rows)]
        codes.setflags(write=False)
        key = id(frame)
        self._codes[key] = codes
        weakref.finalize(frame, self._codes.pop, key, None)
        if len(distinct_rows(parent)) == len(parent):
            # Every id of the held frame is there once, and ``rows`` are distinct positions (a
            # filter's selection), so every row of ``frame`` is its article's first: not hashed
            # again either (0.2 s of the Sources page's passages at 310k articles).
            _remember(frame, "distinct_rows", np.arange(len(frame)))

    def article_mask(self, articles: pd.DataFrame) -> np.ndarray:
        """True for the codes of the articles of ``articles``."""
        codes = self.article_codes(articles)
        mask = np.zeros(len(self.articles), dtype=bool)
        mask[codes[codes >= 0]] = True
        return mask

    def actor_mask(self, actor_ids) -> np.ndarray:
        """True for the codes of the given actors (ids unknown here are ignored)."""
        codes = positions(pd.Series(list(actor_ids), dtype="string"), self.actors)
        mask = np.zeros(len(self.actors), dtype=bool)
        mask[codes[codes >= 0]] = True
        return mask

    def spellings(self, mention_keep: np.ndarray, limit: int) -> pd.Series:
        """The ``limit`` most frequent surfaces of each actor among the kept mentions (counting
        ``occurrences``), joined by " · " (ties in the surfaces' order), by actor_id."""
        if not mention_keep.any():
            return pd.Series(dtype=str, name="spellings")
        width = max(len(self.surfaces), 1)
        keys, counts = _counted(self.mention_actor[mention_keep].astype(np.int64) * width
                                + self.mention_surface[mention_keep], self.mention_occurrences[mention_keep])
        actor, surface = keys // width, keys % width
        order = np.lexsort((surface, -counts, actor))
        actor, surface = actor[order], surface[order]
        keep = rank_in_runs(actor) < limit
        actor, surface = actor[keep], surface[keep]
        written = self.surfaces.to_numpy(dtype=object)[surface]
        cuts = np.flatnonzero(actor[1:] != actor[:-1]) + 1
        joined = [" · ".join(part) for part in np.split(written, cuts)]
        owners = self.actors[actor[np.concatenate([[0], cuts])]] if len(actor) else []
        return pd.Series(joined, index=pd.Index(owners, name="actor_id"), dtype=str, name="spellings")


def _narrow(codes: np.ndarray) -> np.ndarray:
    """Codes in at most 32 bits; the categoricals' own codes (8 or 16 bits for a few thousand
    actors or spellings) as they are, shared with the frame: ten million mentions take 40 MB a
    column in 32 bits. Every use widens them before arithmetic (``astype(np.int64)``)."""
    return codes if codes.dtype.itemsize <= 4 else codes.astype(np.int32)


def factorized(values: pd.Series, fill: str | None = None) -> tuple[np.ndarray, pd.Index]:
    """``pd.factorize(values.fillna(fill), sort=True)``, with the uniques as an Index of the
    values' own dtype also when ``values`` is categorical (the dashboard holds its big id columns
    so, ``frame_cache._read_file``): then from the codes, without hashing a string."""
    if not isinstance(values.dtype, pd.CategoricalDtype):
        codes, uniques = pd.factorize(values if fill is None else values.fillna(fill), sort=True)
        return codes, pd.Index(uniques)
    categories = values.cat.categories
    codes = values.cat.codes.to_numpy()
    if (fill is None or not (codes < 0).any()) and categories.is_monotonic_increasing \
            and np.bincount(codes[codes >= 0], minlength=len(categories)).all():
        # Every category used, in order (as the dashboard reads them): the codes are the answer,
        # shared with the frame rather than copied (40 MB a column at a million articles).
        return codes, categories
    codes = codes.astype(np.int64)
    if fill is not None and (codes < 0).any():
        if fill not in categories:
            categories = categories.append(pd.Index([fill], dtype=categories.dtype))
        codes = np.where(codes < 0, categories.get_loc(fill), codes)
    used = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(categories)))
    uniques = categories[used]
    order = uniques.argsort(kind="stable")  # categories are sorted; an added ``fill`` may not be in place
    renumbered = np.full(len(categories), -1, dtype=np.int64)
    renumbered[used[order]] = np.arange(len(used))
    return np.where(codes >= 0, renumbered[codes], -1), uniques[order]


def _counted(keys: np.ndarray, occurrences: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys, ascending, and the mentions of each (occurrences summed). Rows standing
    for more than one mention are rare, so they are added to plain counts: a weighted count of
    every row (unique with inverse, then bincount) took 5-9 times longer at 1.5M mentions."""
    distinct, counts = np.unique(keys, return_counts=True)
    extra = occurrences > 1
    if extra.any():
        np.add.at(counts, np.searchsorted(distinct, keys[extra]), occurrences[extra] - 1)
    return distinct, counts.astype(np.int64)


def rank_in_runs(keys: np.ndarray) -> np.ndarray:
    """Position of each element within its run of equal ``keys`` (sorted): 0 for the first of a
    key, 1 for the next... Keeping ``rank < n`` keeps the first n of every key."""
    return np.arange(len(keys)) - np.searchsorted(keys, keys)


_answers: dict[tuple[int, str], np.ndarray] = {}


def distinct_rows(articles: pd.DataFrame) -> np.ndarray:
    """Positions of the first row of each article_id in ``articles``, ascending. Remembered per
    frame object, as ``MentionIndex.article_codes`` is: a page asks it of the same selection on
    every rerun, and each answer hashes 100k ids (10-30 ms)."""
    found = _answers.get((id(articles), "distinct_rows"))
    if found is None:
        # factorize numbers ids in order of first appearance, so unique ids are 0..n-1 in order.
        codes, uniques = pd.factorize(articles["article_id"], use_na_sentinel=False)
        found = _remember(articles, "distinct_rows",
                          np.arange(len(codes)) if len(uniques) == len(codes) else np.unique(codes, return_index=True)[1])
    return found


def _remember(frame: pd.DataFrame, question: str, answer: np.ndarray) -> np.ndarray:
    """Keep ``answer`` to ``question`` about ``frame`` for as long as the frame lives."""
    answer.setflags(write=False)
    key = (id(frame), question)
    _answers[key] = answer
    weakref.finalize(frame, _answers.pop, key, None)
    return answer


def positions(values: pd.Series, keys) -> np.ndarray:
    """Position of each value in the unique ``keys`` (-1 when absent). Series.map and isin on
    Arrow-backed strings go through Python objects (2 s for 1.4M mentions against 100k
    articles); factorizing keys and values together stays in Arrow (0.1 s), and because the
    keys come first and are unique, key i gets code i."""
    keys = pd.Series(list(keys) if isinstance(keys, (set, frozenset, dict)) else keys)
    if values.empty or keys.empty:
        return np.full(len(values), -1, dtype=np.int64)
    if isinstance(values.dtype, pd.CategoricalDtype):  # each category looked up once, then by code
        found = np.append(positions(pd.Series(values.cat.categories), keys), -1)  # a missing value's code -1: -1
        return found[values.cat.codes.to_numpy().astype(np.int64)]
    if isinstance(keys.dtype, pd.CategoricalDtype):
        keys = keys.astype(keys.cat.categories.dtype)
    codes, _ = pd.factorize(pd.concat([keys.astype(values.dtype), values], ignore_index=True))
    tail = codes[len(keys):].astype(np.int64)
    tail[tail >= len(keys)] = -1
    return tail


_built: dict[int, MentionIndex] = {}
_lock = threading.Lock()


def of(mentions: pd.DataFrame) -> MentionIndex:
    """The index of this mentions frame, built on first use (Streamlit reruns share the frame)."""
    key = id(mentions)
    with _lock:
        found = _built.get(key)
    if found is not None:
        return found
    index = MentionIndex.build(mentions)
    with _lock:
        if key not in _built:
            _built[key] = index
            # the id is free for reuse once the frame is gone, so forget its index then
            weakref.finalize(mentions, _built.pop, key, None)
        return _built[key]
