"""The actor dictionary: who can be recognised, under which spellings, and the analysts' corrections.

Sources, all under ``data/`` (format in ``data/actors/README.md``):
- ``actors/*.toml`` with ``[[actor]]`` tables: people and organisations with their aliases per
  language, written for the project;
- ``actors/countries.toml`` with ``[[country]]`` tables: the states. Their names in every language
  come from CLDR through Babel, not from the file, which adds what CLDR lacks (QIDs, adjectives,
  capital and seat-of-power metonyms, extra names);
- ``actors/name_cues.toml``: titles, given names and name particles that mark people outside the
  dictionary;
- ``corrections.toml``: merges, splits, renames, extra aliases, new types and ignored actors
  (``correction_files``; the store's corrections are added by ``corrections.with_corrections``).
"""
from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from babel import Locale, UnknownLocaleError

from core.actors import correction_files, spelling, transliteration
from core.errors import InputError
from core.schema import ACTOR_COLUMNS
from core.store.corrections import Correction

ALIAS_LANGUAGES = ("en", "fr", "de", "es", "ru", "uk", "ar", "fa", "he", "tr", "el", "it", "pt", "nl", "pl", "ur", "zh",
                   "ja", "ko", "hi", "id")
# Country names come from CLDR for these languages too: the press languages lingua detects.
# zh_Hant: Taiwan's and Hong Kong's press names some states otherwise (寮國 Laos, 義大利 Italy).
CLDR_LANGUAGES = ALIAS_LANGUAGES + ("be", "bg", "sr", "cs", "az", "ka", "hy", "sv", "no", "da", "fi", "ro", "hu",
                                    "ps", "ku", "ms", "th", "zh_Hant")
# A dictionary table's key for a language's aliases, where it is not the language's code: an
# actor's "id" key is its QID, so Indonesian aliases are written under ISO 639-2 "ind".
_ALIAS_KEYS = {"id": "ind"}


def alias_key(language: str) -> str:
    """The key a dictionary table writes ``language``'s aliases under ("ind" for Indonesian)."""
    return _ALIAS_KEYS.get(language, language)
ACTOR_TYPES = ("person", "country", "organisation")
ALIAS_COLUMNS = ("actor_id", "alias", "language", "kind", "ambiguous")


@dataclass
class NameCues:
    """Per-language words that mark a person's name: titles before it, given names that start it,
    particles inside it, capitalised words that are never names, and words that make a name an
    organisation's (newspaper, Stiftung, фонд)."""

    titles: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    given_names: dict[str, set[str]] = field(default_factory=dict)
    particles: dict[str, set[str]] = field(default_factory=dict)
    not_names: dict[str, set[str]] = field(default_factory=dict)
    organisation_words: dict[str, set[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Corrections:
    """Analysts' corrections (``core.actors.corrections``): the corrections file's, then the
    store's, in the order they apply. Actors are named by id or English name."""

    entries: tuple[Correction, ...] = ()

    @property
    def aliases(self) -> list[tuple[str, str, str]]:
        """(actor, language, alias) of the file's aliases: the dictionary's own (the store's are
        added by ``corrections.with_corrections``)."""
        return [(c.actor, c.language or "en", c.alias) for c in self.entries if c.kind == "alias" and c.origin != "store"]


@dataclass(frozen=True)
class AliasContext:
    """An actor's alias that is also an everyday word in one language (Arabic القاعدة is "the base"
    as well as al-Qaeda): a ``[[actor.context]]`` table of the dictionary. Where the article's
    language is ``language``, a match of the alias (any of the actor's aliases that folds to it, in
    whichever language it was written: Persian القاعده matches Arabic text too) is dropped when a
    word of ``exclude`` stands right beside it (القاعدة الجوية, "the air base"), and when no word of
    ``require`` stands in its sentence near it (تنظيم, زعيم), it counts only in an article that
    names the actor without doubt elsewhere, as an alias two actors share does. Words are folded."""

    actor_id: str
    language: str
    alias: str
    require: frozenset[str]
    exclude: frozenset[str]


@dataclass(eq=False)  # compared and hashed by identity: matcher indexes are cached per dictionary
class Dictionary:
    actors: pd.DataFrame          # ACTOR_COLUMNS
    aliases: pd.DataFrame         # ALIAS_COLUMNS
    cues: NameCues
    corrections: Corrections
    contexts: tuple[AliasContext, ...] = ()

    def actor_id(self, reference: str) -> str | None:
        """Id of the dictionary actor named by id or by English name (case-insensitive)."""
        return find_actor(self.actors, reference)


def find_actor(actors: pd.DataFrame, reference: str) -> str | None:
    """Id of the actor in ``actors[actor_id, name]`` named by id or English name; None if none."""
    if (actors["actor_id"] == reference).any():
        return reference
    named = actors.loc[actors["name"].str.casefold() == reference.casefold(), "actor_id"]
    return named.iloc[0] if len(named) else None


def slug(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or transliteration.skeleton(name)


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise InputError(path, f"not valid TOML: {error}") from None
    except OSError as error:
        raise InputError(path, f"cannot be read: {error.strerror}") from None


def _alias_rows(actor_id: str, table: dict, kind: str, ambiguous: set[str], languages=ALIAS_LANGUAGES) -> list[dict]:
    rows = []
    for language in languages:
        for alias in table.get(alias_key(language), ()) or ():
            rows.append({"actor_id": actor_id, "alias": alias, "language": language, "kind": kind,
                         "ambiguous": alias in ambiguous})
    return rows


# Unbounded: the 197 countries look up every CLDR language in turn, and an LRU smaller than the
# number of languages would miss on every call of that cycle (it cost 80% of a 5 s load).
@functools.lru_cache(maxsize=None)
def _cldr_territories(language: str) -> dict:
    try:
        return dict(Locale.parse(language).territories)
    except (UnknownLocaleError, ValueError):
        return {}


def _cldr_names(iso: str) -> list[tuple[str, str]]:
    """CLDR's names of a territory in every supported language, with the parts of compound forms
    ("Congo - Kinshasa", "Myanmar (Burma)") as names of their own."""
    found = []
    for locale in CLDR_LANGUAGES:
        name = _cldr_territories(locale).get(iso)
        if not name:
            continue
        language = locale.split("_")[0]
        found.append((language, name))
        for part in re.split(r"\s+-\s+|\s*[()（）]\s*", name):
            if part and part != name and len(part) > 2:
                found.append((language, part.strip()))
    return found


def _load_countries(path: Path) -> tuple[list[dict], list[dict], list[AliasContext]]:
    actors, aliases = [], []
    for country in _read_toml(path).get("country", []):
        iso = country["iso"]
        actor_id = country.get("id") or f"iso:{iso}"
        ambiguous = set(country.get("ambiguous", ()))
        actors.append({"actor_id": actor_id, "name": country.get("name") or _cldr_territories("en").get(iso, iso),
                       "type": "country", "country": iso, "origin": "dictionary"})
        cldr = _cldr_names(iso)
        aliases += [{"actor_id": actor_id, "alias": name, "language": language, "kind": "name",
                     "ambiguous": name in ambiguous} for language, name in cldr]
        aliases += _alias_rows(actor_id, country.get("names", {}), "name", ambiguous)
        aliases += _alias_rows(actor_id, country.get("adjectives", {}), "adjective", ambiguous)
        aliases += _alias_rows(actor_id, country.get("metonyms", {}), "metonym", ambiguous)
    return actors, aliases, []


def _load_actor_file(path: Path) -> tuple[list[dict], list[dict], list[AliasContext]]:
    actors, aliases, contexts = [], [], []
    for number, actor in enumerate(_read_toml(path).get("actor", []), 1):
        name, kind = actor.get("name"), actor.get("type")
        if not name or kind not in ACTOR_TYPES:
            raise InputError(path, f"actor {number} needs a name and a type ({', '.join(ACTOR_TYPES)})")
        actor_id = actor.get("id") or f"gw:{slug(name)}"
        actors.append({"actor_id": actor_id, "name": name, "type": kind, "country": actor.get("country"),
                       "origin": "dictionary"})
        aliases.append({"actor_id": actor_id, "alias": name, "language": "en", "kind": "name", "ambiguous": False})
        own = _alias_rows(actor_id, actor, "name", set(actor.get("ambiguous", ())))
        aliases += own
        contexts += _contexts(path, name, actor_id, actor.get("context", ()), {spelling.fold(a["alias"]) for a in own})
    return actors, aliases, contexts


def _contexts(path: Path, name: str, actor_id: str, tables, folded_aliases: set[str]) -> list[AliasContext]:
    """The ``[[actor.context]]`` tables of one actor (``AliasContext``), checked: each names a
    language, one of the actor's aliases and words to require or exclude."""
    found = []
    for table in tables:
        alias, language = table.get("alias"), table.get("language")
        if not isinstance(alias, str) or spelling.fold(alias) not in folded_aliases or not language:
            raise InputError(path, f"{name}: a [[actor.context]] table needs a language and one of the actor's aliases "
                                   f"(found language={language!r}, alias={alias!r})")
        require = frozenset(spelling.fold(w) for w in table.get("require", ()))
        exclude = frozenset(spelling.fold(w) for w in table.get("exclude", ()))
        if not require and not exclude:
            raise InputError(path, f"{name}: the context of {alias!r} names no word to require or exclude")
        found.append(AliasContext(actor_id, language, spelling.fold(alias), require, exclude))
    return found


ALIAS_KINDS = ("name", "adjective", "metonym")


def _added_aliases(path: Path, actors: pd.DataFrame) -> list[dict]:
    """The ``[[aliases]]`` tables of ``path``: more spellings, per language, of an actor another
    file defines (``actor``: English name, id, or "country:XX"), so that the spellings of a group
    of languages can be written together. ``kind``: name (default), adjective or metonym."""
    rows = []
    for number, table in enumerate(_read_toml(path).get("aliases", []), 1):
        reference, kind = table.get("actor", ""), table.get("kind", "name")
        if reference.startswith("country:"):
            hit = actors.loc[(actors["type"] == "country") & (actors["country"] == reference[8:]), "actor_id"]
            actor_id = hit.iloc[0] if len(hit) else None
        else:
            actor_id = find_actor(actors, reference)
        if actor_id is None or kind not in ALIAS_KINDS:
            raise InputError(path, f"aliases table {number}: no actor {reference!r} in the dictionary, or a kind "
                                   f"other than {', '.join(ALIAS_KINDS)} ({kind!r})")
        rows += _alias_rows(actor_id, table, kind, set(table.get("ambiguous", ())))
    return rows


def _load_cues(path: Path) -> NameCues:
    cues = NameCues()
    if not path.exists():
        return cues
    for language, table in _read_toml(path).items():
        cues.titles[language] = sorted(
            {tuple(spelling.fold(w) for w, _, _ in spelling.words(title)) for title in table.get("titles", ())} - {()},
            key=len, reverse=True)
        cues.given_names[language] = {spelling.fold(n) for n in table.get("given_names", ())}
        cues.particles[language] = {spelling.fold(p.rstrip("-־")) for p in table.get("particles", ())}
        cues.not_names[language] = {spelling.fold(n) for n in table.get("not_names", ())}
        cues.organisation_words[language] = {spelling.fold(n) for n in table.get("organisation_words", ())}
    return cues


def _load_corrections(path: Path | None) -> Corrections:
    return Corrections(correction_files.read(path))


def load(directory: Path, corrections_file: Path | None = None) -> Dictionary:
    """Read the dictionary under ``directory`` and the corrections file.

    Returns frames ``actors[actor_id, name, type, country, origin]`` and
    ``aliases[actor_id, alias, language, kind, ambiguous]`` (kind: name | adjective | metonym).
    An alias that two actors claim is marked ambiguous on both, so that it only counts where the
    article names one of them unambiguously (``tests/test_actor_dictionary.py`` keeps the
    hand-written files free of unmarked clashes).
    """
    actors, aliases, contexts = [], [], []
    added = sorted(directory.glob("aliases_*.toml"))
    for path in sorted(directory.glob("*.toml")):
        if path.name == "name_cues.toml" or path in added:
            continue
        loader = _load_countries if path.name == "countries.toml" else _load_actor_file
        found_actors, found_aliases, found_contexts = loader(path)
        actors += found_actors
        aliases += found_aliases
        contexts += found_contexts
    corrections = _load_corrections(corrections_file)
    actor_frame = pd.DataFrame(actors, columns=ACTOR_COLUMNS).drop_duplicates("actor_id")
    for path in added:
        aliases += _added_aliases(path, actor_frame)
    for reference, language, alias in corrections.aliases:
        actor_id = find_actor(actor_frame, reference)
        if actor_id is None:
            raise InputError(corrections_file, f"alias {alias!r}: no actor {reference!r} in the dictionary")
        aliases.append({"actor_id": actor_id, "alias": alias, "language": language, "kind": "name", "ambiguous": False})
    alias_frame = pd.DataFrame(aliases, columns=ALIAS_COLUMNS)
    alias_frame["folded"] = alias_frame["alias"].map(spelling.fold)
    alias_frame = alias_frame.drop_duplicates(["actor_id", "folded", "language"])
    claimants = alias_frame.groupby("folded")["actor_id"].transform("nunique")
    alias_frame["ambiguous"] = alias_frame["ambiguous"].astype(bool) | (claimants > 1)
    return Dictionary(actor_frame.reset_index(drop=True), alias_frame.drop(columns="folded").reset_index(drop=True),
                      _load_cues(directory / "name_cues.toml"), corrections, tuple(contexts))
