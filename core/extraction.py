"""Actors and mentioned dates for the stored articles: run after every ingest and by
``python -m core extract``, and read back as frames for the pages and the export.

Mentions are stored as found in each article; discovered names are grouped into actors, and the
corrections applied, when they are loaded (``actor_frames``), so that a new article or a new
correction regroups the whole corpus without re-reading every article. A changed dictionary or
corrections file changes ``dictionary_version`` and makes every article due again.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd
import sqlalchemy as sa

from core import actor_dictionary, actors, analysis, frame_cache, mentioned_dates, spelling, store

CHUNK = 1000


@dataclass
class ExtractionSummary:
    articles: int
    mentions: int
    dates: int

    def describe(self) -> str:
        return f"extracted {self.articles} article(s): {self.mentions} actor mention(s), {self.dates} mentioned date(s)"


def dictionary_version(directory: Path, corrections_file: Path | None) -> str:
    digest = hashlib.sha256()
    paths = sorted(directory.glob("*.toml")) + ([corrections_file] if corrections_file and corrections_file.exists() else [])
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def run(engine: sa.Engine, dictionary: actor_dictionary.Dictionary, version: str, everything: bool = False,
        progress: Callable[[int, int], None] | None = None) -> ExtractionSummary:
    """Extract actors and dates for the articles not yet extracted with this dictionary version
    (all of them with ``everything``), ``CHUNK`` articles per transaction."""
    due = store.load_articles(engine) if everything else store.load_articles(engine, not_extracted_with=version)
    known = _known_surnames(engine)
    mention_count = date_count = 0
    for start in range(0, len(due), CHUNK):
        chunk = due.iloc[start:start + CHUNK]
        found = actors.find_mentions(chunk, dictionary, known_surnames=known)
        dates = mentioned_dates.extract(chunk)
        store.save_extraction(engine, list(chunk["article_id"]), found, dates, version)
        mention_count += len(found)
        date_count += len(dates)
        if progress:
            progress(min(start + CHUNK, len(due)), len(due))
    return ExtractionSummary(len(due), mention_count, date_count)


def _known_surnames(engine: sa.Engine) -> dict[str, str]:
    surnames = {}
    for key in store.discovered_name_keys(engine):
        surname = key.split("|", 1)[1]
        skeleton = spelling.skeleton(surname)
        if len(skeleton) > actors.MIN_SKELETON:
            surnames.setdefault(skeleton, surname)
    return surnames


def actor_frames(engine: sa.Engine, dictionary: actor_dictionary.Dictionary) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(actors, mentions, mentioned dates) of the whole store, discovered names grouped and the
    corrections applied. actors has the ACTOR columns plus ``mentions`` and ``articles`` counts."""
    found, mentions = actors.resolve(store.load_mentions(engine), dictionary)
    counts = mentions.groupby("actor_id").agg(mentions=("article_id", "size"), articles=("article_id", "nunique"))
    found = found.merge(counts, left_on="actor_id", right_index=True, how="inner")
    found = found.sort_values(["articles", "mentions"], ascending=False).reset_index(drop=True)
    return found, mentions, store.load_mentioned_dates(engine)


FRAME_NAMES = ("actors", "mentions", "dates")


def cached_actor_frames(engine: sa.Engine, load_dictionary: Callable[[], actor_dictionary.Dictionary], version: str,
                        cache_dir: Path | None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``actor_frames``, kept as Parquet files in ``cache_dir`` under the store's revision and the
    dictionary version (``frame_cache``), so that a new process reads them instead of loading every
    mention and grouping the discovered names again: for a million mentions that was most of a
    25-45 s dashboard start. The dictionary is loaded only on a miss."""
    return frame_cache.cached(cache_dir, "actors", f"{store.revision(engine)}-{version}", FRAME_NAMES,
                              lambda: actor_frames(engine, load_dictionary()))


def cached_story_labels(engine: sa.Engine, articles: pd.DataFrame, mentions: pd.DataFrame, version: str,
                        cache_dir: Path | None) -> pd.Series:
    """``analysis.story_labels`` of the whole store (``articles`` and the resolved ``mentions``),
    kept like the actor frames: grouping 100k articles into stories takes ~10 s, so it is done
    once per change of the store and every selection only looks its articles up."""
    frame = frame_cache.cached(cache_dir, "stories", f"{store.revision(engine)}-{version}", ("stories",),
                               lambda: (analysis.story_labels(articles, mentions).reset_index(),))[0]
    return frame.set_index("article_id")["story"]


def prepare_frames(engine: sa.Engine, dictionary: actor_dictionary.Dictionary, version: str,
                   cache_dir: Path | None) -> None:
    """Write the frames the dashboard starts from (articles, actor frames, story labels) for the
    store as it is now, so that its next start reads them instead of deriving them."""
    if cache_dir is None:
        return
    articles = store.cached_articles(engine, cache_dir)
    mentions = cached_actor_frames(engine, lambda: dictionary, version, cache_dir)[1]
    cached_story_labels(engine, articles, mentions, version, cache_dir)


def per_article(actor_table: pd.DataFrame, mentions: pd.DataFrame, dates: pd.DataFrame) -> pd.DataFrame:
    """One row per article that has actors or dates: ``actors`` ("id|name|type; ...") and
    ``mentioned_dates`` ("YYYY-MM-DD; ..."), for the export."""
    names = actor_table.set_index("actor_id")[["name", "type"]]
    joined = mentions.drop_duplicates(["article_id", "actor_id"]).join(names, on="actor_id")
    joined = joined.assign(label=joined["actor_id"] + "|" + joined["name"] + "|" + joined["type"])
    by_article = joined.groupby("article_id")["label"].apply(lambda s: "; ".join(sorted(s))).rename("actors")
    days = dates.assign(day=dates["date"].dt.strftime("%Y-%m-%d")).drop_duplicates(["article_id", "day"])
    by_date = days.groupby("article_id")["day"].apply(lambda s: "; ".join(sorted(s))).rename("mentioned_dates")
    return pd.concat([by_article, by_date], axis=1).rename_axis("article_id").reset_index()
