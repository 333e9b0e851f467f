"""Finding an actor by any spelling: every alias of the dictionary and every spelling seen in the
articles, in any script, indexed once per store revision (``build_index``), then searched as the
analyst types (``search``), or looked up whole for the free-text box (``named``).

A query is compared with each spelling and with each word of it, three ways: folded (case,
diacritics and letter variants removed: "patrouchev" is the French alias as typed), in Latin
letters (ICU's romanisation: "Патру" is "patru", the start of "Patrushev"), and by consonant
skeleton (Patrushev, Patrouchew and باتروشيف all give "btrsb"). A spelling the query starts scores
by how much of it was typed; other spellings score by rapidfuzz's edit-distance ratio. Among
equally close spellings, actors named in more articles come first.

The folding, romanisation and skeleton are ``core.actors``' (``spelling.fold``,
``transliteration.romanize`` and ``skeleton``), handed in as ``SpellingKeys`` by the caller:
``core.analysis`` does not import the stages.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Callable

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from core import schema
from core.analysis import _shared, mention_index, text_search

# Scores out of 100. A whole spelling typed exactly beats one word of it (Patrushev, Nikolai
# Patrushev); a spelling the query starts scores 80-95 by how much of it was typed; an edit-distance
# match scores 90 % of rapidfuzz's ratio (so a typo never outranks what was typed exactly), one
# through the Latin transliteration a little less than one in the script typed (so the spelling
# shown is the one typed, when both match). A skeleton alone is weak evidence: 76.
EXACT, EXACT_WORD, PREFIX, PREFIX_RANGE, FUZZY_WEIGHT, LATIN_PENALTY, SKELETON = 100, 96, 80, 15, 0.9, 2, 76
MIN_SCORE = 70  # below, "Patru" would offer Trump (ratio 60 × 0.9)
MIN_SKELETON = 4  # consonants; shorter skeletons are shared by too many names (Putin, Biden: "btn")
MIN_FUZZY = 4  # letters typed before an edit-distance ratio means anything ("Pat" is 70 % of many names)
SHOWN_WITHIN = 3  # a spelling this close to an actor's closest one is shown instead, if it is the name
RESULTS_WITHIN = 20  # once an actor is this much closer than another, the other is noise ("روسيا": not Iraq)
MENTION_BONUS = 6  # the most-named actor gains this much over one named once
NAMED_SCORE = 96  # ``named``: only a whole spelling or one of its words, typed exactly


@dataclasses.dataclass(frozen=True)
class SpellingKeys:
    """How spellings are compared across scripts (``core.actors.spelling`` and ``transliteration``)."""

    fold: Callable[[str], str]  # case, diacritics, letter variants removed
    romanize: Callable[[str], str]  # in ASCII Latin letters
    skeleton: Callable[[str], str]  # consonant skeleton of a name in any script


@dataclasses.dataclass(frozen=True, eq=False)
class SpellingIndex:
    """Every spelling of the store's actors, and the keys its words and the whole of it are found
    under. Forms (a whole spelling, or one word of it) point to keys: the keys are distinct, so a
    query is compared with each word once however many spellings share it."""

    actors: pd.DataFrame  # actor_id, name, type, articles, mentions: one row per actor, by code
    spellings: pd.DataFrame  # actor (code), spelling (as written), origin ("name", "alias", "seen"), seen (mentions)
    form_spelling: np.ndarray  # per form: its spelling (row of ``spellings``)
    form_whole: np.ndarray  # per form: the whole spelling (True) or one word of it
    form_fold: np.ndarray  # per form: code of its folded key in ``folded``
    form_latin: np.ndarray  # per form: code of its key in Latin letters in ``latin``
    form_skeleton: np.ndarray  # per form: its consonant skeleton ("" where not computed: see build_index)
    folded: pd.Series  # distinct folded keys (Arrow strings: compared in C)
    latin: pd.Series  # distinct keys in Latin letters (lower case, letters, digits and spaces)
    folded_list: list  # the same as Python lists, for rapidfuzz (made once, not per query)
    latin_list: list
    keys: SpellingKeys

    def __len__(self) -> int:
        return len(self.spellings)


# Words of a spelling; combining marks (Arabic vowels and shadda, Hebrew points, decomposed accents),
# tatweel and zero-width joiners are inside words, though ``re`` does not count them as letters.
_MARKS = "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06ed\u200c\u200d"
_WORDS = re.compile(f"[^\\W_](?:[^\\W_]|[{_MARKS}])*")
_ROMANIZED_AT_ONCE = 5000  # spellings romanised in one ICU call: one call each cost 8 µs of overhead


def _latin_keys(folded: list[str], keys: SpellingKeys) -> list[str]:
    """Each folded key in lower-case ASCII letters, digits and spaces. Keys already ASCII (most
    Latin-script spellings, once folded) need no romanisation; the others are romanised in batches
    joined by new lines, which ICU leaves alone."""
    found = list(folded)
    other = [i for i, key in enumerate(folded) if not key.isascii()]
    for start in range(0, len(other), _ROMANIZED_AT_ONCE):
        part = other[start:start + _ROMANIZED_AT_ONCE]
        romanized = keys.romanize("\n".join(folded[i] for i in part)).split("\n")
        if len(romanized) != len(part):  # never seen; one at a time rather than misaligned
            romanized = [keys.romanize(folded[i]) for i in part]
        for i, text in zip(part, romanized):
            found[i] = text
    cleaned = pd.Series(found, dtype="string[pyarrow]").str.lower().str.replace(r"[^a-z0-9 ]+", "", regex=True)
    return cleaned.str.strip().fillna("").tolist()


def build_index(actors: pd.DataFrame, mentions: pd.DataFrame, aliases: pd.DataFrame, keys: SpellingKeys) -> SpellingIndex:
    """The spellings of the actors of ``actors`` (the store's): their names, their aliases in the
    dictionary, and the surfaces seen in ``mentions`` with how often.

    Needs: actors[actor_id, name, type] (and articles, mentions where known: counts shown and
    ranked by); mentions[article_id, actor_id, surface]; aliases[actor_id, alias].
    Skeletons are computed for the one-word names and aliases, and for what was seen of actors the
    dictionary does not know (discovered people): the inflected forms seen of a known actor
    ("Патрушевым") add nothing its aliases' skeletons lack, and were most of the time taken.
    """
    schema.require_columns(actors, ("actor_id", "name", "type"), stage=_shared.STAGE)
    schema.require_columns(mentions, ("article_id", "actor_id", "surface"), stage=_shared.STAGE)
    schema.require_columns(aliases, ("actor_id", "alias"), stage=_shared.STAGE)
    spellings, table = _spellings(actors, mentions, aliases)
    texts = spellings["spelling"].tolist()
    words = [_WORDS.findall(text) for text in texts]
    # Forms: every whole spelling, then the words of those with several.
    several = [i for i, found in enumerate(words) if len(found) > 1]
    form_spelling = np.concatenate([np.arange(len(texts)), np.repeat(several, [len(words[i]) for i in several])]).astype(np.int64)
    form_text = texts + [w for i in several for w in words[i]]
    form_whole = np.arange(len(form_text)) < len(texts)
    form_fold, folded = pd.factorize(pd.Series([keys.fold(text) for text in form_text], dtype=object))
    latin_keys = _latin_keys(list(folded), keys)
    form_latin, latin = pd.factorize(pd.Series(latin_keys, dtype=object)[form_fold].reset_index(drop=True))
    one_word = np.array([len(words[i]) == 1 for i in form_spelling], dtype=bool) | ~form_whole
    known = set(aliases["actor_id"])
    unknown_actor = ~table["actor_id"].isin(known).to_numpy()[spellings["actor"].to_numpy()]
    wanted = one_word & ((spellings["origin"].to_numpy()[form_spelling] != "seen") | unknown_actor[form_spelling])
    skeletons = np.full(len(form_text), "", dtype=object)
    skeletons[wanted] = [keys.skeleton(form_text[i]) for i in np.flatnonzero(wanted)]
    return SpellingIndex(actors=table, spellings=spellings, form_spelling=form_spelling, form_whole=form_whole,
                         form_fold=form_fold.astype(np.int64), form_latin=form_latin.astype(np.int64),
                         form_skeleton=skeletons, folded=pd.Series(folded, dtype="string[pyarrow]"),
                         latin=pd.Series(latin, dtype="string[pyarrow]"), folded_list=list(folded), latin_list=list(latin),
                         keys=keys)


def _spellings(actors: pd.DataFrame, mentions: pd.DataFrame, aliases: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(spellings, actors): one row per actor and spelling (actor: its code in the actors table),
    from the names, the aliases and the surfaces seen, with the mentions seen of each."""
    table = actors.drop_duplicates("actor_id").reset_index(drop=True)
    counts = {c: table[c].fillna(0).astype("int64") if c in table else pd.Series(0, index=table.index, dtype="int64")
              for c in ("articles", "mentions")}
    table = pd.DataFrame({"actor_id": table["actor_id"].astype(str), "name": table["name"].fillna(table["actor_id"]).astype(str),
                          "type": table["type"], **counts})
    code = pd.Series(np.arange(len(table)), index=table["actor_id"])
    index = mention_index.of(mentions)
    width = max(len(index.surfaces), 1)
    seen_keys, seen_counts = np.unique(index.mention_actor.astype(np.int64) * width + index.mention_surface,
                                       return_counts=True)
    seen = pd.DataFrame({"actor_id": index.actors[seen_keys // width], "spelling": index.surfaces[seen_keys % width],
                         "seen": seen_counts, "origin": "seen"})
    every = pd.concat([table.assign(spelling=table["name"], origin="name", seen=0)[["actor_id", "spelling", "origin", "seen"]],
                       aliases[["actor_id", "alias"]].rename(columns={"alias": "spelling"}).assign(origin="alias", seen=0),
                       seen], ignore_index=True)
    every = every[_shared.isin(every["actor_id"].astype("string"), table["actor_id"]) & every["spelling"].notna()]
    every = every.assign(spelling=every["spelling"].astype(str).str.strip())
    every = every[every["spelling"] != ""]
    # One row per actor and spelling: its name first, then an alias; seen counts summed.
    every = every.assign(order=every["origin"].map({"name": 0, "alias": 1, "seen": 2}))
    every = every.assign(seen=every.groupby(["actor_id", "spelling"])["seen"].transform("sum"))
    every = every.sort_values(["actor_id", "spelling", "order"], kind="stable").drop_duplicates(["actor_id", "spelling"])
    spellings = pd.DataFrame({"actor": code[every["actor_id"]].to_numpy(np.int64), "spelling": every["spelling"].to_numpy(object),
                              "origin": every["origin"].to_numpy(object), "seen": every["seen"].to_numpy(np.int64)})
    return spellings, table


def _key_scores(column: pd.Series, listed: list, codes: np.ndarray, whole: np.ndarray, typed: str) -> np.ndarray:
    """How close each form is to ``typed`` through its key (``codes`` into the distinct keys, as
    ``column`` and ``listed``): exact, the start of it, or an edit-distance ratio. Each distinct
    key is compared once."""
    exact = (column == typed).to_numpy(dtype=bool, na_value=False)
    started = column.str.startswith(typed).to_numpy(dtype=bool, na_value=False) & ~exact
    lengths = np.maximum(column.str.len().to_numpy(dtype=np.float64, na_value=1), 1)
    scores = np.where(started, PREFIX + PREFIX_RANGE * len(typed) / lengths, 0.0)
    if len(typed) >= MIN_FUZZY:
        scorer = fuzz.token_sort_ratio if " " in typed else fuzz.ratio
        cutoff = int(MIN_SCORE / FUZZY_WEIGHT)
        ratio = process.cdist([typed], listed, scorer=scorer, dtype=np.uint8, workers=1, score_cutoff=cutoff)[0]
        scores = np.maximum(scores, ratio * FUZZY_WEIGHT)
    return np.maximum(scores[codes], np.where(exact[codes], np.where(whole, EXACT, EXACT_WORD), 0))


def _form_scores(index: SpellingIndex, query: str) -> np.ndarray:
    """How close each form is to ``query`` (0-100): the best of its folded key, its key in Latin
    letters (a little less, see LATIN_PENALTY) and its skeleton."""
    keys = index.keys
    folded = keys.fold(query).strip()
    scores = np.zeros(len(index.form_spelling), dtype=np.float64)
    if not folded or not len(scores):
        return scores
    scores = _key_scores(index.folded, index.folded_list, index.form_fold, index.form_whole, folded)
    [latin] = _latin_keys([folded], keys)
    if latin:
        scores = np.maximum(scores, _key_scores(index.latin, index.latin_list, index.form_latin, index.form_whole, latin) - LATIN_PENALTY)
    # One word's skeleton against the skeleton of each word and one-word spelling.
    skeleton = keys.skeleton(query) if not re.search(r"\s", query.strip()) else ""
    if len(skeleton) >= MIN_SKELETON:
        scores = np.maximum(scores, np.where(index.form_skeleton == skeleton, SKELETON, 0))
    return scores


COLUMNS = ["actor_id", "name", "type", "spelling", "matched", "closeness", "score", "articles", "mentions"]


def search(query: str, index: SpellingIndex, limit: int = 8) -> pd.DataFrame:
    """The actors whose spellings come closest to ``query``, best first.

    Returns: actor_id, name, type, spelling (the closest spelling, as written), matched (bool:
    that spelling is not the actor's name, so worth showing), closeness (0-100), score (closeness
    plus up to ``MENTION_BONUS`` for the most-named actors: the order), articles, mentions. Actors
    more than ``RESULTS_WITHIN`` less close than the closest are left out. Empty when nothing is
    ``MIN_SCORE`` close, or the query is blank.
    """
    found = _best(index, _form_scores(index, query), MIN_SCORE, limit)
    return found[found["closeness"] >= found["closeness"].max() - RESULTS_WITHIN].reset_index(drop=True)


def named(terms, index: SpellingIndex) -> pd.DataFrame:
    """The actors that words or phrases of a free-text query name: one of their spellings, whole,
    as typed (folded, or in Latin letters): "Shoigu" and "Шойгу" are Sergei Shoigu. One word of a
    longer spelling is not enough ("State" is not the Islamic State). ``terms``: the texts as typed.
    Returns search's columns plus term (the text that names the actor), one row per actor (the
    most-named one when several share the spelling)."""
    found = []
    for term in dict.fromkeys(terms):
        scores = np.where(index.form_whole, _form_scores(index, term), 0)
        best = _best(index, scores, EXACT - LATIN_PENALTY, 1, by_articles=True)
        if len(best):
            found.append(best.assign(term=term))
    if not found:
        return _empty(COLUMNS + ["term"])
    return pd.concat(found, ignore_index=True).drop_duplicates("actor_id").reset_index(drop=True)


@dataclasses.dataclass(frozen=True)
class Offer:
    """A free-text query that names actors, and the filter that would find them by every spelling:
    the ``actors`` (``named``'s rows), the rest of the ``query`` once their names are taken out, and
    the ``mode`` ("all" when the query asked for every name, "any" for one of them)."""

    actors: pd.DataFrame
    query: str
    mode: str


def offer(query: str, index: SpellingIndex) -> Offer | None:
    """What to offer for a free-text query that names actors ("Shoigu": Sergei Shoigu, found in
    every script by the actor filter); None when it names none or cannot be read.

    Words that must all be present (``Shoigu Iran``) become actors all of which are named, and the
    rest of the query stays; words of which any may be present (``Shoigu OR Gerasimov``), every one
    an actor, become actors any of which is named; for other queries the actor filter replaces
    the text."""
    try:
        parsed = text_search.parse(query)
    except text_search.QueryError:
        return None
    terms = parsed.wanted()
    found = named([t.text for t in terms], index)
    if found.empty:
        return None
    naming = [t for t in terms if t.text in set(found["term"])]
    root = parsed.root
    if isinstance(root, text_search.Term) or (isinstance(root, text_search.AllOf) and parsed.without(naming) != parsed.text):
        return Offer(found, parsed.without(naming), "all")
    return Offer(found, "", "any")


def _empty(columns) -> pd.DataFrame:
    return _shared.empty(columns, matched="bool", closeness="float64", score="float64", articles="int64", mentions="int64")


def _best(index: SpellingIndex, scores: np.ndarray, threshold: float, limit: int, by_articles: bool = False) -> pd.DataFrame:
    """The ``limit`` best actors among the forms scoring ``threshold`` or more, each with its
    closest spelling (among equals: its name, then an alias, then the most seen)."""
    hit = np.flatnonzero(scores >= threshold)
    if not len(hit):
        return _empty(COLUMNS)
    found = pd.DataFrame({"spelling_row": index.form_spelling[hit], "closeness": scores[hit]})
    found = found.join(index.spellings, on="spelling_row")
    found["order"] = found["origin"].map({"name": 0, "alias": 1, "seen": 2})
    # Each actor's closest spelling, or its name (then an alias) when that is nearly as close: "Patru"
    # starts "Patruşev" (89) and "Patrushev" (88); the name Nikolai Patrushev says it best. A
    # spelling typed exactly is shown as typed ("Иран", not Iran through its transliteration).
    closest = found.groupby("actor")["closeness"].transform("max")
    within = np.where(closest >= EXACT_WORD, 0, SHOWN_WITHIN)
    found = found[found["closeness"] >= closest - within]
    found = found.sort_values(["actor", "order", "closeness", "seen"], ascending=[True, True, False, False], kind="stable")
    best = found.drop_duplicates("actor")
    best = best.assign(closeness=closest[best.index].to_numpy())
    actors = index.actors.iloc[best["actor"].to_numpy()].reset_index(drop=True)
    most = max(int(index.actors["articles"].max()), 1)
    bonus = MENTION_BONUS * np.log1p(actors["articles"].to_numpy(dtype=np.float64)) / np.log1p(most)
    table = actors.assign(spelling=best["spelling"].to_numpy(object), closeness=best["closeness"].to_numpy(),
                          score=best["closeness"].to_numpy() + bonus)
    fold = index.keys.fold
    table["matched"] = [fold(s) != fold(n) for s, n in zip(table["spelling"], table["name"])]
    order = ["articles", "score", "name"] if by_articles else ["score", "articles", "name"]
    table = table.sort_values(order, ascending=[False, False, True], kind="stable").head(limit)
    return table[COLUMNS].astype({"articles": "int64", "mentions": "int64"}).reset_index(drop=True)
