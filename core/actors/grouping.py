"""Discovered names grouped into actors, the same one across articles and scripts.

A name joins the first actor whose surname skeleton (``transliteration.skeleton``) is at least
``SURNAME_SIMILARITY`` similar to its own (rapidfuzz), unless the given names tell two people
apart. Similar skeletons are chained into candidate groups as the connected components of their
similarity graph (SciPy), and each group is then split around its heads. The grouping is worked
out once from the distinct spellings of a corpus (``discovered_names``), so that the mentions can
then be assigned batch by batch (``DiscoveredGroups.assign``).
"""
from __future__ import annotations

import dataclasses
import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

import icu  # PyICU (pyicu-wheels)
import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from scipy import sparse
from scipy.sparse import csgraph

from core.actors import actor_dictionary, cjk_names, discovery, lookup, native_grouping, spelling, transliteration
from core.schema import ACTOR_COLUMNS, MENTION_COLUMNS, require_columns

# Two discovered surnames in different scripts are one actor at this skeleton similarity (0-100).
SURNAME_SIMILARITY = 85
GIVEN_NAME_SIMILARITY = 60
# occurrences is optional in a frame given to the resolvers (1 per row without it)
_STORED_COLUMNS = tuple(c for c in MENTION_COLUMNS if c != "occurrences")


def resolve_discovered(mentions: pd.DataFrame, dictionary: actor_dictionary.Dictionary) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give discovered names an actor, the same one across articles and scripts.

    Needs: mentions[MENTION_COLUMNS] with name_key set on discovered rows (``occurrences`` is
    optional: 1 per row without it).
    Returns (discovered actors [actor_id, name, type, country, origin="discovered"], mentions with
    actor_id and confidence set on those rows); discovered names that join no actor are left out.
    How names are grouped: ``group_discovered``.
    """
    require_columns(mentions, _STORED_COLUMNS, stage="actors")
    discovered = mentions["name_key"].notna() & mentions["actor_id"].isna()
    if not discovered.any():
        return pd.DataFrame(columns=list(ACTOR_COLUMNS)), mentions
    groups = group_discovered(discovered_names(mentions[discovered]), dictionary)
    return groups.actors(), groups.assign(mentions)


def discovered_names(mentions: pd.DataFrame) -> pd.DataFrame:
    """The distinct (name_key, surface) of discovered mentions, in order of first appearance,
    with how many mentions write each (``occurrences``): all ``group_discovered`` needs."""
    weights = mentions["occurrences"] if "occurrences" in mentions else pd.Series(1, index=mentions.index)
    frame = pd.DataFrame({"name_key": mentions["name_key"], "surface": mentions["surface"],
                          "occurrences": weights.astype("int64")})
    return frame.groupby(["name_key", "surface"], sort=False)["occurrences"].sum().reset_index()


@dataclass(frozen=True)
class DiscoveredGroups:
    """Discovered names grouped into actors (``group_discovered``)."""

    head_of: dict  # name_key -> the name_key heading its group
    similarity: dict  # name_key -> surname skeleton similarity to its head (0-1)
    names: dict  # head -> display name, heads in order of first appearance in the names grouped
    actor_ids: dict  # head -> actor_id
    types: dict = dataclasses.field(default_factory=dict)  # head -> "organisation"; "person" when absent

    def assign(self, mentions: pd.DataFrame) -> pd.DataFrame:
        """``mentions`` with actor_id and confidence set on the discovered rows, and the
        discovered rows without a group left out. Row by row: batches of a corpus can be
        assigned one at a time."""
        discovered = mentions["name_key"].notna() & mentions["actor_id"].isna()
        if not discovered.any():
            return mentions.reset_index(drop=True)
        keys = mentions.loc[discovered, "name_key"]
        found = self._by_key.get_indexer(keys)
        frame = mentions.copy()
        grouped = found >= 0
        rows = keys.index[grouped]
        frame.loc[rows, "actor_id"] = pd.Series(self._key_actor_ids[found[grouped]], index=rows, dtype="str")
        factor = pd.Series(self._key_similarity[found[grouped]], index=rows, dtype="float64")
        frame.loc[rows, "confidence"] = (frame.loc[rows, "confidence"] * factor).round(3)
        return frame[frame["actor_id"].notna()].reset_index(drop=True)

    def heads_in(self, mentions: pd.DataFrame) -> list:
        """The heads of the discovered rows of ``mentions``, in order of first appearance."""
        discovered = mentions["name_key"].notna() & mentions["actor_id"].isna()
        found = self._by_key.get_indexer(mentions.loc[discovered, "name_key"])
        return list(dict.fromkeys(self._key_heads[found[found >= 0]].tolist()))

    # Each grouped name_key's head, actor_id and similarity, looked up by position: ``Series.map``
    # with these dicts made a Series and a hash table of every grouped name for every batch (four
    # times a batch: ~20 s of the frames of 220k articles).
    @functools.cached_property
    def _by_key(self) -> pd.Index:
        return pd.Index(list(self.head_of), dtype="str")

    @functools.cached_property
    def _key_heads(self) -> np.ndarray:
        return np.array(list(self.head_of.values()), dtype=object)

    @functools.cached_property
    def _key_actor_ids(self) -> np.ndarray:
        return np.array([self.actor_ids.get(head) for head in self.head_of.values()], dtype=object)

    @functools.cached_property
    def _key_similarity(self) -> np.ndarray:
        return np.array([self.similarity.get(key, np.nan) for key in self.head_of], dtype="float64")

    def actors(self, heads=None) -> pd.DataFrame:
        """The discovered actors [ACTOR_COLUMNS], in the order of ``heads`` (default: of first
        appearance in the names grouped). Two heads with one display name are one actor, named as
        the first of them."""
        heads = list(self.names) if heads is None else list(heads)
        return pd.DataFrame({"actor_id": [self.actor_ids[h] for h in heads], "name": [self.names[h] for h in heads],
                             "type": [self.types.get(h, "person") for h in heads], "country": None,
                             "origin": "discovered"},
                            columns=list(ACTOR_COLUMNS)).drop_duplicates("actor_id")


_SKELETON_BLOCK = 1000  # skeletons scored at once against all: 1000 x 50,000 skeletons is 50 MB


def group_discovered(names: pd.DataFrame, dictionary: actor_dictionary.Dictionary) -> DiscoveredGroups:
    """Group discovered names into actors, the same one across articles and scripts.

    Needs: names[name_key, surface, occurrences] (``discovered_names``: distinct, so a corpus's
    names are grouped without holding its mentions). A name joins the first actor whose surname
    skeleton is at least ``SURNAME_SIMILARITY`` similar to its own, unless the given names differ
    (both known given names, or any two when the surnames are only similar); a mention's
    confidence is its cue's confidence times the skeleton similarity to the actor. The grouping
    does not depend on the order of ``names``; the order of the actors does.
    """
    keys = names["name_key"]
    parts = {key: discovery.key_parts(key) for key in keys.unique()}
    given_skeleton = {key: transliteration.skeleton(given) if given else "" for key, (given, _, _) in parts.items()}
    with_article = set(keys[names["surface"].str.contains(_ARABIC_ARTICLE).to_numpy(dtype=bool)])
    surname_skeleton = {key: _surname_key(transliteration.skeleton(surname), given_skeleton[key], key in with_article)
                        for key, (_, surname, _) in parts.items()}
    native_cluster, native_similarity = native_grouping.native_groups(parts, given_skeleton, surname_skeleton,
                                                                           SURNAME_SIMILARITY)
    skeletons = sorted({s for s in surname_skeleton.values() if len(s) >= transliteration.MIN_SKELETON})
    group_of = _similar_groups(skeletons)
    # Within one surname group, different given names are different people (two brothers).
    by_group: dict[int, list[str]] = defaultdict(list)
    for key, skel in surname_skeleton.items():
        if len(skel) >= transliteration.MIN_SKELETON:
            by_group[group_of[skel]].append(key)
    known_given = {name for names in dictionary.cues.given_names.values() for name in names}
    cluster_of, similarity = dict(native_cluster), dict(native_similarity)
    for group, members in by_group.items():
        heads: list[str] = []
        for key in sorted(members, key=lambda k: (-len(given_skeleton[k]), k)):
            given = given_skeleton[key]
            home = None
            for head in heads:
                # The group is a chain of similar surnames; a member joins a head only if it is
                # similar to that head itself (Sacharowa ~ Захарова, but not Песков at the far
                # end of a chain).
                same_surname = fuzz.ratio(surname_skeleton[key], surname_skeleton[head])
                if same_surname < SURNAME_SIMILARITY:
                    continue
                # Two different known given names keep two people with one surname apart; a word
                # wrongly taken for a given name ("according to Tleiss") does not. With surnames
                # that are only similar (Krasikov, Gershkovich), any two different given names do.
                different_given = (given and given_skeleton[head]
                                   and fuzz.ratio(given, given_skeleton[head]) < GIVEN_NAME_SIMILARITY
                                   and not _contains(given, given_skeleton[head]))
                distinct = different_given and (same_surname < 100 or (
                    spelling.fold(parts[key][0]) in known_given and spelling.fold(parts[head][0]) in known_given))
                if not distinct:
                    home = head
                    break
            if home is None:
                heads.append(key)
                home = key
            cluster_of[key] = home
            similarity[key] = fuzz.ratio(surname_skeleton[key], surname_skeleton[home]) / 100
    forms: dict[str, Counter] = defaultdict(Counter)  # head -> (surface, language) -> mentions
    for surface, key, count in zip(names["surface"], keys, names["occurrences"]):
        if key in cluster_of:
            forms[cluster_of[key]][(surface, parts[key][2])] += int(count)
    native_forms = {(surface, parts[key][2]) for surface, key in zip(names["surface"], keys)
                    if cjk_names.native_key(*parts[key]) is not None}
    display = {head: _display_name(counter, native_forms) for head, counter in forms.items()}
    known_ids = set(dictionary.actors["actor_id"])
    types = {head: "organisation" for head, counter in forms.items() if _organisation(counter, dictionary)}
    return DiscoveredGroups(head_of=cluster_of, similarity=similarity, names=display,
                            actor_ids={head: _discovered_id(name, known_ids) for head, name in display.items()},
                            types=types)


def _organisation(forms: Counter, dictionary: actor_dictionary.Dictionary) -> bool:
    """Whether a discovered name is an organisation's: one of its forms has a word that names
    organisations in its article's language or in English (``lookup.organisation_keys``:
    "The Wall Street Journal", "Ronald Reagan Presidential Foundation"). Discovery leaves such
    names out; mentions stored before it did are typed "organisation" here, never "person"."""
    for surface, language in forms:
        keys = lookup.organisation_keys(dictionary, language)
        if any(not keys.isdisjoint(spelling.keys(word, language)) for word, _, _ in spelling.words(surface, language)):
            return True
    return False


def _similar_groups(skeletons: list[str]) -> dict[str, int]:
    """Each skeleton's group: the connected components of the graph that links two skeletons at
    least ``SURNAME_SIMILARITY`` alike, so that a group may chain skeletons less alike than that."""
    if not skeletons:
        return {}
    rows, columns = [], []
    # Scores a block of skeletons at a time, as bytes: the whole matrix of 20,000 skeletons in
    # float32 (rapidfuzz's default) would be 1.6 GB.
    for start in range(0, len(skeletons), _SKELETON_BLOCK):
        scores = process.cdist(skeletons[start:start + _SKELETON_BLOCK], skeletons, scorer=fuzz.ratio,
                               score_cutoff=SURNAME_SIMILARITY, dtype=np.uint8)
        row, column = scores.nonzero()
        rows.append(row + start)
        columns.append(column)
    rows, columns = np.concatenate(rows), np.concatenate(columns)
    similar = sparse.coo_array((np.ones(len(rows), dtype=np.int8), (rows, columns)), shape=(len(skeletons),) * 2)
    _, labels = csgraph.connected_components(similar, directed=False)
    return dict(zip(skeletons, labels.tolist()))


# The Arabic article before a surname, as each script writes it: al-Saadi, al Saadi, as-Sadr,
# аль-Асад, ас-Саади, αλ-Σάαντι, אל-סעדי, الساعدي.
_ARABIC_ARTICLE = re.compile(r"(?:^|\s)(?:(?:al|el)[-‐\s]|[ae](?:sh|[sdrtnz])[-‐]|(?:аль|эль|ель)[-‐\s]|а[сдртнз][-‐]"
                             r"|(?:αλ|ελ)[-‐\s]|אל[-‐])\w|(?:^|\s)ال\w", re.IGNORECASE)


def _surname_key(surname: str, given: str, arabic_article: bool) -> str:
    """The skeleton a discovered name is grouped by: its surname's, or, for an Arabic surname with
    the article whose skeleton is too short to tell people apart (al-Saadi, الساعدي, αλ-Σάαντι ->
    "st"), the given name's and the surname's together. Other two-consonant "surnames" stay out:
    they are mostly ordinary words after a given name or a title (Amt, نیت, אדם)."""
    if len(surname) >= transliteration.MIN_SKELETON or not given or not arabic_article:
        return surname
    return f"{given}-{surname}"


def _contains(left: str, right: str) -> bool:
    """One given name's skeleton inside the other's: a compound given name and one of its parts
    (پیرحسین / Hossein / Pir). A two-letter skeleton counts only at the start."""
    short, long = sorted((left, right), key=len)
    return len(short) >= 3 and short in long or len(short) == 2 and long.startswith(short)


def _discovered_id(name: str, known_ids: set[str]) -> str:
    actor_id = f"gw:{actor_dictionary.slug(name)}"
    return actor_id if actor_id not in known_ids else f"{actor_id}-discovered"


# A display name in Latin letters is kept as written; any other is romanised.
_LATIN_NAME = icu.UnicodeSet(r"[[:Script=Latin:][:White_Space:]\'\-]")


def _display_name(forms: Counter, native: set = frozenset()) -> str:
    """The English name of a discovered person, from the forms it is written in (``forms``:
    (surface, article language) -> mentions), the full names when there are any, each step taking
    the most used form:
    1. as English articles write it (Dmitry Peskov);
    2. a Latin form that articles in two languages or more write alike: the name's own spelling
       (Steffen Hebestreit in German and French) or an established one;
    3. a Chinese, Japanese or Korean name (one of ``native``: (surface, language)) read as its
       language reads it (``cjk_names.display``: 毛宁 Mao Ning, 岸田文雄 Fumio Kishida), else the
       standard romanisation of a form in Cyrillic, Greek, Armenian or Georgian
       (``transliteration.standard_romanization``: Мария Захарова -> Mariya Zakharova), rather than
       another language's transcription of it (German Maria Sacharowa, French Sergueï Riabkov,
       Turkish Yuriy Uşakov);
    4. the Latin form of another language;
    5. the form romanised letter by letter (Arabic, Persian, Hebrew: their romanisations need the
       vowels the press leaves out).
    Steps 1 to 4 run over the surnames written alone too before step 5 is taken: a Russian
    official written in full only in Arabic articles is shown by the Russian articles' surname."""
    full = Counter({form: count for form, count in forms.items() if " " in form[0] or form in native})
    # A surname written readably (Горбунов: Gorbunov) is better than a full name that can only be
    # spelt out in consonants (ألكسندر غوربونوف: "Alksndr Ghwrbwnwf").
    for pool in ((full, forms) if full else (forms,)):
        readable = _readable_name(pool, native)
        if readable:
            return readable
    best = _most_used(full or forms)
    return " ".join(part.capitalize() for part in transliteration.romanize(best).split())


def _readable_name(pool: Counter, native: set = frozenset()) -> str | None:
    """Steps 1 to 4 of ``_display_name`` over ``pool``; None when its forms are all in abjads."""
    latin = Counter({form: count for form, count in pool.items() if form[0] and _LATIN_NAME.containsAll(form[0])})
    english = Counter({form: count for form, count in latin.items() if form[1] == "en"})
    if english:
        return _most_used(english)
    languages: dict[str, set] = defaultdict(set)
    for surface, language in latin:
        if language:
            languages[surface].add(language)
    shared = Counter({form: count for form, count in latin.items() if len(languages[form[0]]) >= 2})
    if shared:
        return _most_used(shared)
    # A Chinese, Japanese or Korean name read in Latin letters as its own language reads it (毛宁:
    # Mao Ning; 岸田文雄: Fumio Kishida), rather than another script's transcription of it (Кисида).
    readings = Counter()
    for (surface, language), count in pool.items():
        reading = cjk_names.display(surface, language) if (surface, language) in native else None
        if reading:
            readings[(reading, language)] += count
    if readings:
        return _most_used(readings)
    romanised = Counter()
    for (surface, language), count in pool.items():
        standard = transliteration.standard_romanization(surface, language)
        if standard:
            romanised[(standard, language)] += count
    if romanised:
        return _most_used(romanised)
    if latin:
        return _most_used(latin)
    return None


def _most_used(forms: Counter) -> str:
    """The surface written most often (summed over languages); of equals, the greatest."""
    by_surface = Counter()
    for (surface, _), count in forms.items():
        by_surface[surface] += count
    return max((count, surface) for surface, count in by_surface.items())[1]
