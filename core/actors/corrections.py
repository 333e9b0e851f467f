"""The analysts' corrections of the actors: merge two actors, split spellings off a wrong merge,
rename, add an alias, retype, ignore. They are ``Correction`` records (``core.store.corrections``),
kept in the store (shared by a team) and in the corrections file (``data/corrections.toml``,
``correction_files``).

- ``with_corrections``: the dictionary with the store's corrections added to the file's; their
  aliases become dictionary aliases (extraction finds them, ``finding_dictionary``), the rest waits
  for resolution (discovered names are grouped with the dictionary they were added to, ``base_of``).
- ``apply_corrections``: actors and mentions corrected, at resolution time (``resolution``), so a
  correction shows as soon as the frames are read again and holds through every re-extraction.
- ``check``: what is wrong with a correction, every problem at once (``InputError``).
- ``alias_articles``: the articles an alias could be found in, to extract again.
- ``describe``: one line saying what a correction does, for lists.

The file's corrections apply first, then the store's, oldest first: a split made after a merge
splits the merged actor's spellings too.
"""
from __future__ import annotations

import dataclasses
import functools
import weakref
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import sqlalchemy as sa

from core.actors import actor_dictionary, spelling
from core.errors import InputError
from core.store import batches
from core.store.corrections import KINDS, Correction


def with_corrections(dictionary: actor_dictionary.Dictionary,
                     stored: Sequence[Correction]) -> actor_dictionary.Dictionary:
    """``dictionary`` with ``stored`` (the store's corrections) after its own. Their aliases are
    the dictionary's from then on; an alias of a person found outside the dictionary makes them a
    dictionary actor under the same id. The same arguments give the same object (the matchers'
    indexes are kept per dictionary object), and without aliases the actors and aliases frames are
    the dictionary's own."""
    return _with_corrections(dictionary, tuple(stored))


@functools.lru_cache(maxsize=8)
def _with_corrections(dictionary: actor_dictionary.Dictionary, stored: tuple[Correction, ...]):
    if not stored:
        return dictionary
    found = finding_dictionary(dictionary, stored)
    corrected = dataclasses.replace(found, corrections=actor_dictionary.Corrections(dictionary.corrections.entries + stored))
    _BASE[corrected] = dictionary
    return corrected


# The dictionary each corrected one was made from (``base_of``). Weak: a corrected dictionary no
# longer used takes its entry with it.
_BASE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def base_of(dictionary: actor_dictionary.Dictionary) -> actor_dictionary.Dictionary:
    """The dictionary the store's corrections were added to (``with_corrections``,
    ``finding_dictionary``), else ``dictionary`` itself: what discovered names are grouped with.
    Grouping reads the matchers' indexes, kept per dictionary object, so a correction does not
    build them again; and a person an alias made a dictionary actor is not in it, so their
    discovered spellings are grouped under the same id as the alias (``grouping._discovered_id``
    gives another id to a name a dictionary actor has) and the two are one actor."""
    return _BASE.get(dictionary, dictionary)


def finding_dictionary(dictionary: actor_dictionary.Dictionary,
                       stored: Sequence[Correction]) -> actor_dictionary.Dictionary:
    """What extraction matches with: ``dictionary`` and the aliases of ``stored``. The same object
    while the aliases are the same (``dictionary`` itself without any), so the matchers' indexes,
    kept per dictionary object, are built again only when an alias changes."""
    return _with_aliases(dictionary, tuple(c for c in stored if c.kind == "alias"))


@functools.lru_cache(maxsize=8)
def _with_aliases(dictionary: actor_dictionary.Dictionary, aliases: tuple[Correction, ...]):
    if not aliases:
        return dictionary
    promoted, rows = [], []
    for correction in aliases:
        actor_id = dictionary.actor_id(correction.actor)
        if actor_id is None:
            actor_id = correction.actor
            promoted.append({"actor_id": actor_id, "name": correction.actor_name or actor_id,
                             "type": correction.type or "person", "country": None, "origin": "corrected"})
        rows.append({"actor_id": actor_id, "alias": correction.alias, "language": correction.language or "en",
                     "kind": "name", "ambiguous": False})
    actors = pd.concat([dictionary.actors, pd.DataFrame(promoted, columns=list(dictionary.actors.columns))],
                       ignore_index=True).drop_duplicates("actor_id")
    aliases_frame = pd.concat([dictionary.aliases, pd.DataFrame(rows)], ignore_index=True)
    # As actor_dictionary.load marks them: an alias two actors claim counts only in context.
    aliases_frame["folded"] = aliases_frame["alias"].map(spelling.fold)
    aliases_frame = aliases_frame.drop_duplicates(["actor_id", "folded", "language"])
    claimants = aliases_frame.groupby("folded")["actor_id"].transform("nunique")
    aliases_frame["ambiguous"] = aliases_frame["ambiguous"].astype(bool) | (claimants > 1)
    found = dataclasses.replace(dictionary, actors=actors.reset_index(drop=True),
                                aliases=aliases_frame.drop(columns="folded").reset_index(drop=True))
    _BASE[found] = dictionary
    return found


# What each kind needs, and how to say it is missing.
_NEEDS = {"merge": (("actor", "the actor to merge"), ("into", "the actor it is the same as")),
          "split": (("actor", "the actor to split"), ("surfaces", "the spellings to split off")),
          "rename": (("actor", "the actor to rename"), ("name", "the new name")),
          "alias": (("actor", "the actor"), ("alias", "the spelling")),
          "retype": (("actor", "the actor"), ("type", "the type")), "ignore": ()}


def check(correction: Correction) -> None:
    """Raise ``InputError`` naming every problem of ``correction`` (what its kind needs and lacks, a
    type that is not one, an actor merged into itself); nothing when it is whole."""
    kind = correction.kind
    if kind not in KINDS:
        raise InputError("correction", f"kind {kind!r} is not one of {', '.join(KINDS)}")
    problems = [f"{kind} needs {what}" for field, what in _NEEDS[kind] if not getattr(correction, field)]
    if kind == "split" and not (correction.into or correction.name.strip()):
        problems.append("split needs the new actor's name or the actor the spellings name")
    if kind == "ignore" and not (correction.actor or correction.surfaces):
        problems.append("ignore needs an actor or spellings")
    if kind in ("merge", "split") and correction.into and correction.into == correction.actor:
        problems.append(f"{kind}: an actor cannot be {'merged into' if kind == 'merge' else 'split into'} itself")
    if correction.type and correction.type not in actor_dictionary.ACTOR_TYPES:
        problems.append(f"type {correction.type!r} is not one of {', '.join(actor_dictionary.ACTOR_TYPES)}")
    if len(correction.name) > 200 or len(correction.alias) > 200:
        problems.append("a name or spelling is at most 200 characters")
    if problems:
        raise InputError(correction.actor_name or correction.actor or "correction", "; ".join(problems))


def apply_corrections(actors: pd.DataFrame, mentions: pd.DataFrame,
                      dictionary: actor_dictionary.Dictionary) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The dictionary's corrections applied, in order, to resolved actors and their mentions.

    Needs: actors[actor_id, name, type, country, origin], mentions[MENTION_COLUMNS].
    Returns (actors, mentions), both corrected; corrected actors get origin "corrected". A
    correction whose actor is in neither the actors nor the dictionary does nothing. Each mention
    is corrected from its own actor, spelling and article, so a corpus's batches can be corrected
    one at a time (``resolution.BatchResolver``) with the same result.
    """
    steps = [c for c in dictionary.corrections.entries if c.kind != "alias"]
    # A person an alias made a dictionary actor is also in the discovered actors, under the same
    # id (``base_of``): the dictionary's row, which comes first, is kept.
    table = _Actors(actors.drop_duplicates("actor_id"), dictionary)
    if not steps:
        return table.frame.reset_index(drop=True), mentions.reset_index(drop=True)
    # Every step is worked out once per distinct (actor, folded spelling), not per mention.
    actor_ids = mentions["actor_id"].astype("str").fillna("").to_numpy(dtype=object)
    spellings, distinct = pd.factorize(mentions["surface"].astype("str").fillna(""))
    folded = np.array([spelling.fold(s) for s in distinct], dtype=object)[spellings] if len(mentions) else \
        np.array([], dtype=object)
    codes, pairs = pd.factorize(pd.Series(actor_ids, dtype=object) + "\x1f" + pd.Series(folded, dtype=object))
    pair_parts = [pair.split("\x1f", 1) for pair in pairs]
    current = np.array([actor for actor, _ in pair_parts], dtype=object)
    pair_folded = pd.Series([spelt for _, spelt in pair_parts], dtype=object)
    alive = np.ones(len(current), dtype=bool)
    in_article: list[tuple[str, np.ndarray]] = []
    for step in steps:
        source = table.find(step.actor) if step.actor else None
        if step.actor and source is None:
            continue
        surfaces = {spelling.fold(s) for s in step.surfaces}
        spelt = pair_folded.isin(surfaces).to_numpy(dtype=bool) if surfaces else np.ones(len(current), dtype=bool)
        if step.kind == "ignore":
            hit = spelt & ((current == source) if source else True)
            if step.article:
                in_article.append((step.article, hit))
            else:
                alive &= ~hit
                if source and not surfaces:
                    table.drop(source)
        elif step.kind == "split":
            target = table.find(step.into) if step.into else table.new(step.name, step.type or table.type_of(source))
            if target is not None and target != source:
                current[(current == source) & spelt] = target
                table.mark(target)
        elif step.kind == "merge":
            target = table.find(step.into)
            if target is not None and target != source:
                current[current == source] = target
                table.drop(source)
                table.mark(target)
        elif step.kind == "rename":
            table.set(source, "name", step.name)
        elif step.kind == "retype":
            table.set(source, "type", step.type)
    keep = alive[codes]
    for article, hit in in_article:
        keep &= ~((mentions["article_id"] == article).to_numpy(dtype=bool) & hit[codes])
    corrected = mentions.assign(actor_id=pd.array(current[codes], dtype=mentions["actor_id"].dtype))
    return table.frame.reset_index(drop=True), corrected[keep].reset_index(drop=True)


class _Actors:
    """The actors table as the corrections change it: actors looked up by id or English name
    (those of the dictionary not yet in the table are added when named), dropped, added, changed."""

    def __init__(self, actors: pd.DataFrame, dictionary: actor_dictionary.Dictionary):
        self.frame = actors.copy()
        self.dictionary = dictionary

    def find(self, reference: str) -> str | None:
        found = actor_dictionary.find_actor(self.frame, reference)
        if found is not None:
            return found
        known = self.dictionary.actor_id(reference)
        if known is None:
            return None
        self.frame = pd.concat([self.frame, self.dictionary.actors[self.dictionary.actors["actor_id"] == known]],
                               ignore_index=True)
        return known

    def new(self, name: str, kind: str) -> str:
        """The actor named ``name`` (an existing one, by id or name), else a new one."""
        found = self.find(name)
        if found is not None:
            return found
        actor_id = f"gw:{actor_dictionary.slug(name)}"
        row = pd.DataFrame([{"actor_id": actor_id, "name": name, "type": kind or "person", "country": None,
                             "origin": "corrected"}], columns=self.frame.columns)
        self.frame = pd.concat([self.frame, row.astype(self.frame.dtypes.to_dict(), errors="ignore")], ignore_index=True)
        return actor_id

    def type_of(self, actor_id: str | None) -> str:
        kinds = self.frame.loc[self.frame["actor_id"] == actor_id, "type"]
        return kinds.iloc[0] if len(kinds) else "person"

    def drop(self, actor_id: str) -> None:
        self.frame = self.frame[self.frame["actor_id"] != actor_id]

    def mark(self, actor_id: str) -> None:
        self.frame.loc[self.frame["actor_id"] == actor_id, "origin"] = "corrected"

    def set(self, actor_id: str, column: str, value: str) -> None:
        self.frame.loc[self.frame["actor_id"] == actor_id, [column, "origin"]] = [value, "corrected"]


# A matched word keeps at least its first letters but this many (a stem hides at most 3 letters,
# docs/actors.md "Matching"); two letters at least.
_STEM_SLACK = 3


def alias_articles(engine: sa.Engine, aliases: Iterable[str]) -> list[str]:
    """The stored articles an alias could be matched in: those whose folded title or text holds
    the alias's first word less the letters a stem or an ending may change. A superset of the
    articles extraction would find it in (so extracting them again finds every use), read a batch
    at a time."""
    prefixes = set()
    for alias in aliases:
        words = spelling.fold(alias).split()
        if words:
            prefixes.add(words[0][:max(2, len(words[0]) - _STEM_SLACK)])
    if not prefixes:
        return []
    found = []
    for batch in batches.article_batches(engine):
        text = (batch["title"].fillna("") + "\n" + batch["text"].fillna("")).map(spelling.fold)
        hit = text.map(lambda folded: any(prefix in folded for prefix in prefixes)).to_numpy(dtype=bool)
        found += list(batch.loc[hit, "article_id"])
    return found


def describe(correction: Correction, names: dict[str, str] | None = None) -> str:
    """One line saying what ``correction`` does, naming actors by their current name (``names``:
    id -> name) or, for an actor no longer shown, the name it had."""
    names = names or {}

    def who(reference: str, known: str = "") -> str:
        return names.get(reference) or known or reference

    actor = who(correction.actor, correction.actor_name)
    spelt = ", ".join(f"“{s}”" for s in correction.surfaces)
    if correction.kind == "merge":
        return f"{actor} merged into {who(correction.into)}"
    if correction.kind == "split":
        return f"{actor}: {spelt} split off to {who(correction.into) if correction.into else correction.name}"
    if correction.kind == "rename":
        return f"{correction.actor_name or correction.actor} renamed {correction.name}"
    if correction.kind == "alias":
        return f"{actor}: alias “{correction.alias}” ({correction.language or 'en'})"
    if correction.kind == "retype":
        return f"{actor}: type {correction.type}"
    where = f" in article {correction.article}" if correction.article else ""
    if correction.actor:
        return f"{actor} ignored{' when written ' + spelt if spelt else ''}{where}"
    return f"{spelt} ignored{where}"
