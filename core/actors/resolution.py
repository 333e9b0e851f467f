"""Mentions as found to final actors: discovered names grouped (``grouping``), then the analysts'
corrections applied (``corrections``). ``resolve`` does it for frames held whole, ``BatchResolver``
for a corpus read batch by batch, with the same result; ``extract`` finds and resolves at once.

Every function here gives actors before mentions, as ``frames.actor_frames`` does.
"""
from __future__ import annotations

import pandas as pd

from core.actors import actor_dictionary, corrections, finding, grouping
from core.schema import ACTOR_COLUMNS


def extract(articles: pd.DataFrame, dictionary: actor_dictionary.Dictionary) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Actors and their mentions for ``articles``: ``finding.find_mentions`` then ``resolve``.
    Returns (actors, mentions)."""
    return resolve(finding.find_mentions(articles, dictionary), dictionary)


def resolve(mentions: pd.DataFrame, dictionary: actor_dictionary.Dictionary) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mentions as found (stored or fresh) to final actors: ``grouping.resolve_discovered`` then
    ``corrections.apply_corrections``. Returns (actors mentioned at least once, mentions)."""
    discovered, mentions = grouping.resolve_discovered(mentions, corrections.base_of(dictionary))
    known = dictionary.actors[dictionary.actors["actor_id"].isin(set(mentions["actor_id"]))]
    actors, mentions = corrections.apply_corrections(pd.concat([known, discovered], ignore_index=True), mentions,
                                                     dictionary)
    return actors[actors["actor_id"].isin(set(mentions["actor_id"]))].reset_index(drop=True), mentions


class BatchResolver:
    """``resolve`` for the mentions of a corpus read batch by batch: the discovered names are
    grouped once, from their distinct spellings, and every batch is then resolved on its own
    (each row's actor depends only on its own actor_id, name_key and surface), so the corpus's
    mentions are never held together. ``actors`` then gives the table ``resolve`` gives."""

    def __init__(self, names: pd.DataFrame, actor_ids, dictionary: actor_dictionary.Dictionary):
        """``names``: ``grouping.discovered_names`` of the whole corpus, in any order;
        ``actor_ids``: the distinct actor_id of its dictionary mentions."""
        self.dictionary = dictionary
        # Grouping reads the matchers' indexes, kept per dictionary object (``corrections.base_of``).
        self.groups = grouping.group_discovered(names, corrections.base_of(dictionary)) if len(names) else None
        self.known = dictionary.actors[dictionary.actors["actor_id"].isin(set(actor_ids))]
        self._table = pd.concat([self.known, self._discovered(None)], ignore_index=True)
        self._heads: dict = {}  # discovered heads in order of first appearance: the order of resolve's table
        self.seen: set = set()

    def _discovered(self, heads) -> pd.DataFrame:
        return self.groups.actors(heads) if self.groups is not None else pd.DataFrame(columns=list(ACTOR_COLUMNS))

    def resolve(self, mentions: pd.DataFrame) -> pd.DataFrame:
        """One batch of stored mentions (in corpus order), resolved as ``resolve`` resolves them."""
        if self.groups is not None:
            self._heads.update(dict.fromkeys(self.groups.heads_in(mentions)))
            mentions = self.groups.assign(mentions)
        else:
            mentions = mentions[mentions["actor_id"].notna()]
        mentions = corrections.apply_corrections(self._table, mentions, self.dictionary)[1]
        self.seen.update(mentions["actor_id"].unique())
        return mentions

    def actors(self) -> pd.DataFrame:
        """The actors of the batches resolved so far, as ``resolve`` returns them."""
        heads = list(self._heads) + [h for h in (self.groups.names if self.groups else ()) if h not in self._heads]
        table = pd.concat([self.known, self._discovered(heads)], ignore_index=True)
        actors = corrections.apply_corrections(table, finding.empty(), self.dictionary)[0]
        return actors[actors["actor_id"].isin(self.seen)].reset_index(drop=True)
