"""How articles are linked into stories, and the stories the links make: the method
``story_grouping.story_labels`` and ``story_corpus.StoryCorpus`` share.

``find_links`` compares the (article, actor) pairs of a corpus (``PairArrays``, or any object with
their ``rows``) a window of articles at a time and hands on the linked pairs; ``label_stories``
joins the links into connected stories and cuts the weakest links of stories that are too large.
The calibration of the thresholds is below and in docs/dashboard.md."""
from __future__ import annotations

import typing

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

# Story grouping, calibrated on data/sample_manifest.csv (57 articles, 8 events in 10 languages):
# at these values no group mixes two events and 7 of the 8 events are one group each; the Cairo
# round of the Gaza talks, 9 days after Doha, stays apart. Same-event pairs there have an
# IDF-weighted actor Jaccard of 0.03-0.93 (median 0.26), different-event pairs within a week at
# most 0.23, mostly below 0.05. See docs/dashboard.md.
STORY_WINDOW_DAYS = 7.0
STORY_MIN_SIMILARITY = 0.12
STORY_MIN_SHARED_ACTORS = 2  # two articles naming only "Russia" and "Ukraine" are not one story
# An undated article has no window, so it must be more alike and joins only its best match (it
# would otherwise bridge stories months apart that share its actors).
STORY_UNDATED_MIN_SIMILARITY = 0.18
# A connected group larger than this loses its weakest links, the threshold rising by the step
# until its pieces are small enough: single linkage chains a week of daily war coverage into one
# blob. (Louvain did the same job at 40 ms a component: 20 s on 100k synthetic articles.)
STORY_SPLIT_ABOVE = 25
STORY_SPLIT_STEP = 0.04
# An actor named in more than this share of the articles (and more than this many) proposes no
# pair: in a year of Russia-Ukraine coverage every pair of a week shares "Russia". Its weight
# still counts in the similarity of the pairs rarer actors propose. The sample corpus (57
# articles) has no such actor, so its calibration is unaffected.
STORY_COMMON_SHARE = 0.05
STORY_COMMON_MIN_ARTICLES = 100

# Rows of the time-sorted article matrix multiplied at once: bounds the memory of the pairwise
# similarities to a block times the articles within the window.
_STORY_BLOCK = 2000
# Articles an undated block is compared with at once (an undated article is compared with every
# article, so these are read a slice at a time).
_STORY_PARTNERS = 20_000


class _StoryPairs(typing.Protocol):
    """The distinct (article, actor) pairs of a corpus as integer codes, by slot: undated articles
    first, then the dated ones by publication time. ``rows(lo, hi)`` gives the pairs of slots lo
    to hi - 1 (slots ascending); ``frequency`` the articles of each actor code, ``id_rank`` the
    rank of its actor_id among the actor ids."""

    n: int
    frequency: np.ndarray
    id_rank: np.ndarray

    def rows(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]: ...


class PairArrays:
    """The pairs of a corpus held in memory (``slots`` ascending, with the actor code of each), as
    ``_StoryPairs``; ``frequency`` is counted from them."""

    def __init__(self, slots: np.ndarray, codes: np.ndarray, n: int, id_rank: np.ndarray):
        self.slots, self.codes, self.n, self.id_rank = slots, codes, n, id_rank
        self.frequency = np.bincount(codes, minlength=len(id_rank))

    def rows(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        start, stop = np.searchsorted(self.slots, [lo, hi])
        return self.slots[start:stop], self.codes[start:stop]


class _StoryRows:
    """The story matrices of the slots lo to hi - 1: IDF-weighted rows of the actors that propose
    pairs (``weighted``, ``binary``), dense weights of the common ones, and each article's summed
    IDF (``totals``)."""

    def __init__(self, pairs: _StoryPairs, lo: int, hi: int, idf: np.ndarray, common: np.ndarray,
                 common_column: np.ndarray):
        slots, codes = pairs.rows(lo, hi)
        local, size, width = slots - lo, hi - lo, len(idf)
        self.lo = lo
        # Summed in actor id order within an article, as the numbers were first computed.
        order = np.lexsort((pairs.id_rank[codes], local))
        self.totals = np.bincount(local[order], weights=idf[codes[order]], minlength=size)
        rare = ~common[codes]
        # sqrt(idf) in both factors makes the product the summed idf of the shared actors.
        self.weighted = sparse.csr_matrix((np.sqrt(idf[codes[rare]]), (local[rare], codes[rare])), shape=(size, width))
        self.binary = sparse.csr_matrix((np.ones(int(rare.sum())), (local[rare], codes[rare])), shape=(size, width))
        self.common = np.zeros((size, int(common.sum())), dtype=np.float32)
        self.common[local[~rare], common_column[codes[~rare]]] = np.sqrt(idf[codes[~rare]])


def _similar(left: _StoryRows, left_rows: np.ndarray, right: _StoryRows, right_rows: np.ndarray, min_sim: float):
    """(left slot, right slot, similarity) of the pairs of ``left_rows`` x ``right_rows`` (local
    rows of each) that share at least STORY_MIN_SHARED_ACTORS actors, one of them rare, and are
    at least ``min_sim`` alike (IDF-weighted Jaccard)."""
    shared = (left.weighted[left_rows] @ right.weighted[right_rows].T).tocsr()
    counts = (left.binary[left_rows] @ right.binary[right_rows].T).tocsr()
    # idf > 0, so both products have the same nonzero pattern: once their indices are sorted
    # their data arrays line up (looking counts up by coordinates is 100x slower)
    shared.sort_indices()
    counts.sort_indices()
    shared = shared.tocoo()
    r, c, s = left_rows[shared.row], right_rows[shared.col], shared.data.copy()
    count = counts.data.copy()
    if left.common.shape[1]:
        for part in range(0, len(r), 100_000):  # bounds the pairs x common-actors temporary
            cut = slice(part, part + 100_000)
            a, b = left.common[r[cut]], right.common[c[cut]]
            s[cut] += (a * b).sum(axis=1)
            count[cut] += ((a > 0) & (b > 0)).sum(axis=1)
    similarity = s / (left.totals[r] + right.totals[c] - s)
    r, c = r + left.lo, c + right.lo
    ok = (r != c) & (similarity >= min_sim) & (count >= STORY_MIN_SHARED_ACTORS)
    return r[ok], c[ok], similarity[ok]


def find_links(pairs: _StoryPairs, seconds: np.ndarray, slot_position: np.ndarray, window_days: float,
               min_similarity: float, emit: typing.Callable[[np.ndarray, np.ndarray, np.ndarray], None]) -> None:
    """The linked pairs of articles, given to ``emit(slots, slots, similarities)`` a block at a
    time (each pair once). ``seconds`` by slot (NaN for the undated ones, which come first);
    ``slot_position`` breaks ties between equally similar best matches of an undated article, as
    the position of the match in the article frame.

    Dated articles are compared block by block of _STORY_BLOCK with what follows them within the
    window, so only a block and its window are in memory at once; undated ones (compared with
    every article) block by block with _STORY_PARTNERS articles at a time."""
    n = pairs.n
    if n < 2 or not pairs.frequency.sum():
        return
    frequency = pairs.frequency
    idf = np.log((n + 1) / np.maximum(frequency, 1))  # +1: an actor every article names still weighs a little
    # Actors in very many articles do not propose pairs (every pair of a week would share them),
    # but still count in the similarity of the pairs the other actors propose.
    common = frequency > max(STORY_COMMON_MIN_ARTICLES, STORY_COMMON_SHARE * n)
    common_column = np.cumsum(common) - 1
    window = window_days * 86400.0
    undated = int(np.isnan(seconds).sum())
    for start in range(undated, n, _STORY_BLOCK):
        end = min(start + _STORY_BLOCK, n)
        # partners: this block and what follows within the window (earlier pairs were found by
        # the earlier blocks; a pair inside the block is found both ways and kept once)
        stop = int(np.searchsorted(seconds[undated:], seconds[end - 1] + window, side="right")) + undated
        rows = _StoryRows(pairs, start, stop, idf, common, common_column)
        r, c, s = _similar(rows, np.arange(end - start), rows, np.arange(stop - start), min_similarity)
        near = (np.abs(seconds[r] - seconds[c]) <= window) & (r < c)
        emit(r[near], c[near], s[near])
    for start in range(0, undated, _STORY_BLOCK):
        end = min(start + _STORY_BLOCK, undated)
        block = _StoryRows(pairs, start, end, idf, common, common_column)
        best_s = np.full(end - start, -np.inf)
        best_c = np.full(end - start, -1, dtype=np.int64)
        for lo in range(0, n, _STORY_PARTNERS):
            hi = min(lo + _STORY_PARTNERS, n)
            partners = block if (lo, hi) == (start, end) else _StoryRows(pairs, lo, hi, idf, common, common_column)
            r, c, s = _similar(block, np.arange(end - start), partners, np.arange(hi - lo), STORY_UNDATED_MIN_SIMILARITY)
            if not len(r):
                continue
            # The most similar match of each, the first in the article frame among equals.
            order = np.lexsort((slot_position[c], -s))
            r, c, s = r[order], c[order], s[order]
            first = np.unique(r, return_index=True)[1]
            r, c, s = r[first] - start, c[first], s[first]
            better = (s > best_s[r]) | ((s == best_s[r]) & (slot_position[c] < slot_position[np.maximum(best_c[r], 0)]))
            best_s[r[better]], best_c[r[better]] = s[better], c[better]
        found = best_c >= 0
        emit(np.arange(start, end)[found], best_c[found], best_s[found])


# Links joined into stories at once: the components are found chunk by chunk, so their memory is
# this many links (~40 bytes each while joined) and ~30 bytes per article, however many links
# there are (8.5 million at 500,000 synthetic articles took 950 MB joined at once).
LINK_CHUNK = 1_000_000


def label_stories(n: int, links: typing.Callable[[], typing.Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]],
                  min_similarity: float) -> np.ndarray:
    """Connected components of the links; a component larger than STORY_SPLIT_ABOVE loses its
    weakest links (threshold raised by STORY_SPLIT_STEP) until its pieces are small enough.
    ``links()`` yields (rows, cols, weights) chunk by chunk, the same chunks each time; the
    components of each chunk are merged into those of the chunks before, and a component is
    numbered by its first article, as scipy numbers the components of all links at once."""
    keep: list[np.ndarray] = []
    cut = None  # (too big, threshold) of the last round: links to drop
    threshold = min_similarity
    while True:
        labels = np.arange(n)
        for k, (rows, cols, weights) in enumerate(links()):
            if k == len(keep):
                keep.append(np.ones(len(rows), dtype=bool))
            if cut is not None:
                # rows and cols of a link are in the same component, so one end tells
                keep[k] &= ~(cut[0][rows] & (weights < cut[1]))
            if keep[k].any():
                joined = sparse.csr_matrix((np.ones(int(keep[k].sum()), dtype=np.int8),
                                            (labels[rows[keep[k]]], labels[cols[keep[k]]])), shape=(n, n))
                labels = csgraph.connected_components(joined, directed=False)[1][labels]
        too_big = np.bincount(labels, minlength=n)[labels] > STORY_SPLIT_ABOVE
        threshold += STORY_SPLIT_STEP
        if not too_big.any() or threshold > 1.0:
            _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
            return np.argsort(np.argsort(first)).astype(np.int32)[inverse]
        cut = (too_big, threshold)
