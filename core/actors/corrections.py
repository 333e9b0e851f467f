"""The analysts' corrections (``data/corrections.toml``) applied to resolved actors and mentions:
ignore, split, merge and rename. Extra aliases are not here: they are dictionary aliases
(``actor_dictionary.load``)."""
from __future__ import annotations

import pandas as pd

from core.actors import actor_dictionary, spelling


def apply_corrections(actors: pd.DataFrame, mentions: pd.DataFrame,
                      dictionary: actor_dictionary.Dictionary) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply ``data/corrections.toml``: ignore, split, merge and rename, in that order.

    Needs: actors[actor_id, name, type, country, origin], mentions[MENTION_COLUMNS].
    Returns (actors, mentions), both corrected; corrected actors get origin "corrected".
    """
    corrections = dictionary.corrections
    actors = actors.copy()
    mentions = mentions.copy()

    def resolve(reference: str) -> str:
        nonlocal actors
        found = actor_dictionary.find_actor(actors, reference)
        if found is not None:
            return found
        known = dictionary.actor_id(reference)
        if known is None:
            return reference
        actors = pd.concat([actors, dictionary.actors[dictionary.actors["actor_id"] == known]], ignore_index=True)
        return known

    ignored = {resolve(r) for r in corrections.ignored_actors}
    keep = ~mentions["actor_id"].isin(ignored)
    if corrections.ignored_surfaces:
        keep &= ~mentions["surface"].map(spelling.fold).isin(corrections.ignored_surfaces)
    mentions = mentions[keep]
    for reference, surface, new_name in corrections.splits:
        source = resolve(reference)
        target = f"gw:{actor_dictionary.slug(new_name)}"
        hit = (mentions["actor_id"] == source) & (mentions["surface"].map(spelling.fold) == spelling.fold(surface))
        mentions.loc[hit, "actor_id"] = target
        kind = actors.loc[actors["actor_id"] == source, "type"]
        actors = pd.concat([actors, pd.DataFrame([{"actor_id": target, "name": new_name,
                                                   "type": kind.iloc[0] if len(kind) else "person",
                                                   "country": None, "origin": "corrected"}])])
    for into, sources in corrections.merges:
        target = resolve(into)
        merged = {resolve(s) for s in sources} - {target}
        mentions.loc[mentions["actor_id"].isin(merged), "actor_id"] = target
        actors = actors[~actors["actor_id"].isin(merged)]
        actors.loc[actors["actor_id"] == target, "origin"] = "corrected"
    for reference, new_name in corrections.renames.items():
        target = resolve(reference)
        actors.loc[actors["actor_id"] == target, ["name", "origin"]] = [new_name, "corrected"]
    actors = actors[~actors["actor_id"].isin(ignored)].drop_duplicates("actor_id", keep="last")
    return actors.reset_index(drop=True), mentions.reset_index(drop=True)
