"""What a change of the actor dictionary (or of the corrections file) can change in the extracted
mentions, so that extraction re-reads only the articles it can affect.

An alias is matched only where its spelling is written: a changed alias (added, removed, given
to another actor, its kind, ambiguity, context rules or its actor's type changed) can change the
mentions of the articles holding its first word, and of no other (``corrections.alias_articles``
finds them, a superset). Discovery's cues (titles, given names, particles, stopwords) act on
every article: when they change, which articles are affected cannot be known and every article
is due, as for a store extracted before snapshots were kept.

A ``Snapshot`` of the dictionary extraction ran with is kept in the store under its version.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json

from core.actors import actor_dictionary, spelling


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """A dictionary as extraction sees it: a digest of its cues, and one line per alias."""

    cues: str
    aliases: frozenset[str]

    def dumps(self) -> str:
        return json.dumps({"cues": self.cues, "aliases": sorted(self.aliases)}, ensure_ascii=False)

    @classmethod
    def loads(cls, text: str) -> Snapshot:
        payload = json.loads(text)
        return cls(payload["cues"], frozenset(payload["aliases"]))


def _canonical(value):
    """A value whose JSON is the same in every process: sets sorted (their order follows the
    interpreter's string hashing, which changes between processes), dataclasses as dicts."""
    if dataclasses.is_dataclass(value):
        return _canonical(dataclasses.asdict(value))
    if isinstance(value, dict):
        return sorted((str(k), _canonical(v)) for k, v in value.items())
    if isinstance(value, (set, frozenset)):
        return sorted((_canonical(v) for v in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)


def snapshot(dictionary: actor_dictionary.Dictionary) -> Snapshot:
    """What of ``dictionary`` extraction depends on."""
    cues = hashlib.sha256(json.dumps(_canonical(dictionary.cues), ensure_ascii=False).encode()).hexdigest()
    types = dict(zip(dictionary.actors["actor_id"], dictionary.actors["type"]))
    contexts: dict[tuple[str, str], list] = {}
    for context in dictionary.contexts:
        contexts.setdefault((context.actor_id, context.alias), []).append(_canonical(context))
    aliases = dictionary.aliases
    lines = set()
    for actor_id, alias, kind, ambiguous, language in zip(aliases["actor_id"], aliases["alias"], aliases["kind"],
                                                           aliases["ambiguous"], aliases["language"]):
        lines.add(json.dumps([alias, language, actor_id, kind, bool(ambiguous), types.get(actor_id),
                              sorted(contexts.get((actor_id, spelling.fold(alias)), []), key=repr)], ensure_ascii=False))
    return Snapshot(cues, frozenset(lines))


def changed_aliases(before: Snapshot, after: Snapshot) -> list[str] | None:
    """The alias spellings whose matching may differ between two snapshots; None when the cues
    changed, and so every article may differ."""
    if before.cues != after.cues:
        return None
    return sorted({json.loads(line)[0] for line in before.aliases ^ after.aliases})
