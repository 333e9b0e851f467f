"""Story labels of a whole store read a batch at a time (``StoryCorpus``): the pairs of articles and
actors are spilled to files, and the story links read a window of articles from them at a time,
so that memory stays bounded however large the store (see docs/security.md)."""
from __future__ import annotations

import array
import typing

import numpy as np
import pandas as pd

from core.analysis import story_links


class StoryCorpus:
    """``story_grouping.story_labels`` of a corpus read a batch at a time, in the order of
    ``reads.load_articles`` (undated articles first, then by publication time): ``add_articles``
    and ``add_pairs`` for each batch, then ``labels``. It holds per article its time and number of
    actors, per actor its code and first article, and the (article, actor) pairs in ``spill`` (an
    object with ``append(rows)`` of int32 rows [article position, actor code] and
    ``read(start, stop)``), of which the story links read a window of articles at a time
    (``story_links.find_links``). The labels are those ``story_labels`` gives for the corpus's
    frames."""

    def __init__(self, spill: typing.Callable[[str, np.dtype], typing.Any], duplicated: set):
        """``spill(name, dtype)``: a new spill of records of ``dtype`` (``frame_files.Spill``);
        ``duplicated``: the article ids other articles point to as duplicate_of."""
        self._new_spill = spill
        self._spill = spill("pairs", _PAIR)
        self._seconds = array.array("d")
        self._pair_counts = array.array("q")
        self._positions: dict = {}  # article id -> position, for the articles of the current batch
        self._last = None  # the last article added, which the next batch can continue
        self._carried: tuple[int, set] = (-1, set())  # that article's position and the actors recorded for it
        self._codes: dict = {}  # actor_id -> code, in order of first appearance here
        self._first_article: dict = {}  # code -> the least article_id naming it
        self._articles_per_code = array.array("q")
        self._duplicated = duplicated
        self._found_duplicated: dict = {}  # duplicated id -> position
        self._duplicates: list = []  # (position, duplicate_of)

    @property
    def n(self) -> int:
        return len(self._seconds)

    def articles_per_actor(self) -> dict:
        """actor_id -> the articles added that name it."""
        return {actor_id: self._articles_per_code[code] for actor_id, code in self._codes.items()}

    def add_articles(self, articles: pd.DataFrame) -> np.ndarray:
        """The next articles, in order: [article_id, published, duplicate_of]. The first may be the
        last one of the previous batch again (a batch can end inside an article); it is not added
        twice. Returns the ids added."""
        ids = articles["article_id"].to_numpy(dtype=object)
        skip = 1 if len(ids) and ids[0] == self._last else 0
        ids = ids[skip:]
        published = articles["published"].iloc[skip:]
        naive = published.dt.tz_convert("UTC").dt.tz_localize(None) if published.dt.tz is not None else published
        seconds = naive.to_numpy(dtype="datetime64[s]").astype("float64")
        seconds[published.isna().to_numpy()] = np.nan
        start = self.n
        self._positions = {article_id: start + i for i, article_id in enumerate(ids)}
        if self._last is not None:
            self._positions.setdefault(self._last, start - 1)
        self._seconds.extend(seconds)
        self._pair_counts.extend([0] * len(ids))
        for article_id, duplicate_of in zip(ids, articles["duplicate_of"].iloc[skip:]):
            if isinstance(duplicate_of, str):
                self._duplicates.append((self._positions[article_id], duplicate_of))
            if article_id in self._duplicated:
                self._found_duplicated[article_id] = self._positions[article_id]
        if len(ids):
            self._last = ids[-1]
        return ids

    def add_pairs(self, pairs: pd.DataFrame) -> None:
        """The distinct [article_id, actor_id] of the articles of the batch added last (their
        mentions resolved), in article order."""
        if pairs.empty:
            return
        position = pairs["article_id"].map(self._positions).to_numpy(dtype=np.int64)
        actor = pairs["actor_id"].to_numpy(dtype=object)
        carried, seen = self._carried
        again = (position == carried) & np.isin(actor, list(seen)) if seen else np.zeros(len(actor), dtype=bool)
        position, actor, article = position[~again], actor[~again], pairs["article_id"].to_numpy(dtype=object)[~again]
        for actor_id in actor:
            if actor_id not in self._codes:
                self._codes[actor_id] = len(self._codes)
                self._articles_per_code.append(0)
        codes = np.fromiter((self._codes[a] for a in actor), dtype=np.int64, count=len(actor))
        for code, article_id in zip(codes, article):
            first = self._first_article.get(code)
            if first is None or article_id < first:
                self._first_article[code] = article_id
        for code, count in zip(*np.unique(codes, return_counts=True)):
            self._articles_per_code[code] += int(count)
        for where, count in zip(*np.unique(position, return_counts=True)):
            self._pair_counts[where] += int(count)
        rows = np.empty(len(position), dtype=_PAIR)
        rows["position"], rows["actor"] = position, codes
        self._spill.append(rows)
        last = self._positions[self._last]
        self._carried = (last, (seen if carried == last else set()) | set(actor[position == last]))

    def labels(self, window_days: float = story_links.STORY_WINDOW_DAYS,
               min_similarity: float = story_links.STORY_MIN_SIMILARITY) -> np.ndarray:
        """The story label of every article added, by position (as ``story_labels``)."""
        n = self.n
        seconds = np.frombuffer(self._seconds, dtype=np.float64) if n else np.array([])
        # Actors numbered as story_labels numbers them: by first appearance over the pairs
        # sorted by article id, then actor id.
        ids = list(self._codes)
        by_first = sorted(range(len(ids)), key=lambda code: (self._first_article[code], ids[code]))
        remap = np.empty(len(ids), dtype=np.int64)
        remap[by_first] = np.arange(len(ids))
        id_rank = np.empty(len(ids), dtype=np.int64)
        id_rank[remap[sorted(range(len(ids)), key=ids.__getitem__)]] = np.arange(len(ids))
        frequency = np.zeros(len(ids), dtype=np.int64)
        frequency[remap] = np.frombuffer(self._articles_per_code, dtype=np.int64) if len(ids) else []
        offsets = np.concatenate([[0], np.cumsum(np.frombuffer(self._pair_counts, dtype=np.int64))]) if n else np.zeros(1, np.int64)
        pairs = _SpilledPairs(self._spill, offsets, remap, n, frequency, id_rank)
        dated = ~np.isnan(seconds)
        slot_position = np.concatenate([np.flatnonzero(~dated), np.flatnonzero(dated)[np.argsort(seconds[dated], kind="stable")]])
        if not (slot_position == np.arange(n)).all():
            # Not in story order (a store whose database sorts differently): read every pair.
            pairs = pairs.in_slots(slot_position)
        links = self._new_spill("links", _LINK)

        def keep(r, c, s):
            rows = np.empty(len(r), dtype=_LINK)
            rows["row"], rows["col"], rows["weight"] = slot_position[r], slot_position[c], s
            links.append(rows)

        story_links.find_links(pairs, seconds[slot_position], slot_position, window_days, min_similarity, keep)
        duplicates = [(where, self._found_duplicated[target]) for where, target in self._duplicates
                      if target in self._found_duplicated]
        keep(np.array([d[0] for d in duplicates], dtype=np.int64), np.array([d[1] for d in duplicates], dtype=np.int64),
             np.ones(len(duplicates)))

        def chunks():
            for start in range(0, links.rows, story_links.LINK_CHUNK):
                part = links.read(start, min(start + story_links.LINK_CHUNK, links.rows))
                yield part["row"], part["col"], part["weight"]
        return story_links.label_stories(n, chunks, min_similarity)


class _SpilledPairs:
    """The pairs a StoryCorpus spilled, read a range of articles at a time."""

    def __init__(self, spill, offsets: np.ndarray, remap: np.ndarray, n: int, frequency: np.ndarray, id_rank: np.ndarray):
        self.spill, self.offsets, self.remap = spill, offsets, remap
        self.n, self.frequency, self.id_rank = n, frequency, id_rank

    def rows(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        found = self.spill.read(int(self.offsets[lo]), int(self.offsets[hi]))
        return found["position"].astype(np.int64), self.remap[found["actor"]]

    def in_slots(self, slot_position: np.ndarray) -> story_links.PairArrays:
        positions, codes = self.rows(0, self.n)
        slot_of = np.empty(self.n, dtype=np.int64)
        slot_of[slot_position] = np.arange(self.n)
        slots = slot_of[positions]
        order = np.argsort(slots, kind="stable")
        arrays = story_links.PairArrays(slots[order], codes[order], self.n, self.id_rank)
        arrays.frequency = self.frequency
        return arrays


# Records spilled by StoryCorpus: an (article, actor) pair, and a link between two articles.
_PAIR = np.dtype([("position", "<i4"), ("actor", "<i4")])
_LINK = np.dtype([("row", "<i4"), ("col", "<i4"), ("weight", "<f8")])
