"""The resolved frames read back from the store: actors, mentions and mentioned dates for the
dashboard (kept as Parquet beside the store, ``frame_cache``) and per-article summaries for the
export.

The dashboard's frames are written batch by batch (``prepare_frames``) so that their memory does not
grow with the corpus (docs/actors.md, "Memory"). Writing them chains the store, this stage
(``resolution.BatchResolver``) and the analysis stage (story labels): ``cached_actor_frames``,
``cached_story_labels`` and ``prepare_frames`` belong with the pipeline once it has an owner.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import uuid
from collections import Counter
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

import pandas as pd
import sqlalchemy as sa

from core import cluster
from core.actors import actor_dictionary, resolution
from core.analysis import indexed_search, story_corpus, story_grouping
from core.store import batches, database, extractions, frame_cache, frame_files, reads


def actor_frames(engine: sa.Engine, dictionary: actor_dictionary.Dictionary) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(actors, mentions, mentioned dates) of the whole store, discovered names grouped and the
    corrections applied. actors has the ACTOR columns plus ``mentions`` (the mentions, counting
    ``occurrences``) and ``articles`` counts. Holds them all: the dashboard's frames are written
    batch by batch instead (``prepare_frames``), with the same result."""
    found, mentions = resolution.resolve(reads.load_mentions(engine), dictionary)
    counts = mentions.groupby("actor_id").agg(mentions=("occurrences", "sum"), articles=("article_id", "nunique"))
    return _ranked(found, counts), mentions, reads.load_mentioned_dates(engine)


def _ranked(found: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    found = found.merge(counts.astype("int64"), left_on="actor_id", right_index=True, how="inner")
    return found.sort_values(["articles", "mentions"], ascending=False).reset_index(drop=True)


FRAME_NAMES = ("actors", "mentions", "dates")
_STORY_TEMPLATE = pd.DataFrame({"article_id": pd.Series(dtype="str"), "story": pd.Series(dtype="int32")})


def cached_actor_frames(engine: sa.Engine, load_dictionary: Callable[[], actor_dictionary.Dictionary], version: str,
                        cache_dir: Path | None, columns: Mapping[str, Sequence[str]] | None = None,
                        dtypes: Mapping[str, Mapping[str, str]] | None = None
                        ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``actor_frames``, kept as Parquet files in ``cache_dir`` under the store's revision and the
    dictionary version (``frame_cache``), so that a new process reads them instead of loading every
    mention and grouping the discovered names again: for a million mentions that was most of a
    25-45 s dashboard start. The dictionary is loaded only on a miss, and the files are then
    written batch by batch (``prepare_frames``). ``columns``: only those of a frame, by name, are
    read from its file (all of them when there are no files); ``dtypes``: by frame, the dtypes some
    columns are held in (``frame_cache.cached``)."""
    return frame_cache.cached(cache_dir, "actors", f"{database.revision(engine)}-{version}", FRAME_NAMES,
                              lambda: actor_frames(engine, load_dictionary()),
                              lambda folder: _write_frames(engine, load_dictionary(), folder, None), columns, dtypes)


def cached_story_labels(engine: sa.Engine, articles: pd.DataFrame, mentions: pd.DataFrame, version: str,
                        cache_dir: Path | None) -> pd.Series:
    """``story_grouping.story_labels`` of the whole store (``articles`` and the resolved ``mentions``),
    kept like the actor frames: grouping 100k articles into stories takes ~10 s, so it is done
    once per change of the store (by ``prepare_frames``, from the store a window at a time) and
    every selection only looks its articles up."""
    frame = frame_cache.cached(cache_dir, "stories", f"{database.revision(engine)}-{version}", ("stories",),
                               lambda: (story_grouping.story_labels(articles, mentions).reset_index(),))[0]
    return frame.set_index("article_id")["story"]


def prepare_frames(engine: sa.Engine, dictionary: actor_dictionary.Dictionary, version: str,
                   cache_dir: Path | None) -> None:
    """Write the frames the dashboard starts from (articles, the full-text index of their texts,
    actor frames, story labels) for the
    store as it is now, so that its next start reads them instead of deriving them. They are
    written a batch at a time and never read back here, so the memory this takes does not grow
    with the corpus (docs/actors.md, "Memory")."""
    if cache_dir is None:
        return
    with _texts_beside(engine, cache_dir):
        key = f"{database.revision(engine)}-{version}"
        with frame_cache.entry(cache_dir, "actors", key, FRAME_NAMES) as actors_dir, \
                frame_cache.entry(cache_dir, "stories", key, ("stories",)) as stories_dir:
            if actors_dir is not None or stories_dir is not None:
                _write_frames(engine, dictionary, actors_dir, stories_dir)


# From this many articles on, the articles frame and the full-text index (a fifth of the frames'
# time, and independent of the actors) are written by a process of their own, forked, while this
# one writes the actor frames and the stories: the frames of 220k articles took 185 s on one core
# of two. Below it a fork costs more than it saves.
MIN_ARTICLES_FOR_A_TEXT_PROCESS = 20_000
# The store each text process writes from, by its run's token: inherited through the fork (an
# engine does not pickle); a token apiece, as two threads (dashboard jobs) may write frames at once.
_FORKED: dict[str, sa.Engine] = {}


def _write_texts(engine: sa.Engine, cache_dir: Path) -> None:
    frame_cache.prepare_articles(engine, cache_dir)
    frame_cache.text_index(engine, cache_dir, indexed_search.documents)


def _write_texts_forked(token: str, cache_dir: Path) -> None:
    engine = _FORKED[token]
    engine.dispose(close=False)  # the parent's pooled connections stay the parent's (SQLAlchemy's rule for a fork)
    _write_texts(engine, cache_dir)


@contextlib.contextmanager
def _texts_beside(engine: sa.Engine, cache_dir: Path) -> Iterator[None]:
    """The text frames written (``_write_texts``) while the block runs: by a forked process for a
    big store, else here before the block. What writing them raised (an ``OSError`` for a full
    disk) is raised when the block ends; a process that died (killed for memory) leaves the
    writing to this one."""
    forking = ("fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon
               and extractions.count_due(engine, None) >= MIN_ARTICLES_FOR_A_TEXT_PROCESS)
    if not forking:
        _write_texts(engine, cache_dir)
        yield
        return
    token = uuid.uuid4().hex
    _FORKED[token] = engine
    pool = cluster.process_pool(1)
    try:
        writing = pool.submit(_write_texts_forked, token, cache_dir)
        yield
        try:
            writing.result()
        except BrokenProcessPool:
            _write_texts(engine, cache_dir)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        del _FORKED[token]


def _write_frames(engine: sa.Engine, dictionary: actor_dictionary.Dictionary, actors_dir: Path | None,
                  stories_dir: Path | None) -> None:
    """One pass over the stored mentions, article by article in the order of the articles frame:
    each batch is resolved (``resolution.BatchResolver``) and written to actors_dir/mentions.parquet,
    its mentions counted per actor and its (article, actor) pairs gathered for the stories
    (``story_corpus.StoryCorpus``, spilled to files in the folder, removed when done); then the actors
    table, the dates, and the story labels (stories_dir/stories.parquet). Either folder may be
    None: that entry is not written."""
    work = actors_dir if actors_dir is not None else stories_dir
    resolver = resolution.BatchResolver(extractions.discovered_names(engine), extractions.mentioned_actor_ids(engine), dictionary)
    template = batches.empty_mentions()
    mentions_per_actor: Counter = Counter()
    with contextlib.ExitStack() as stack:
        stories = story_corpus.StoryCorpus(lambda name, dtype: stack.enter_context(frame_files.Spill(work / f".{name}.bin", dtype)),
                                           extractions.duplicated_articles(engine))
        ids = (stack.enter_context(frame_files.ParquetFrames(work / ".ids.parquet", _STORY_TEMPLATE[["article_id"]]))
               if stories_dir is not None else None)
        written = (stack.enter_context(frame_files.ParquetFrames(actors_dir / "mentions.parquet", template))
                   if actors_dir is not None else None)
        for batch in batches.mention_batches(engine, every_article=True):
            articles = batch[list(batches.ARTICLE_ORDER_COLUMNS)].drop_duplicates("position_id")
            added = stories.add_articles(articles.rename(columns={"position_id": "article_id"}))
            if ids is not None:
                ids.write(pd.DataFrame({"article_id": added}))
            found = batch.loc[batch["article_id"].notna(), list(template.columns)].astype(template.dtypes.to_dict())
            resolved = resolver.resolve(found.reset_index(drop=True))
            if written is not None:
                written.write(resolved)
            mentions_per_actor.update(resolved.groupby("actor_id")["occurrences"].sum().to_dict())
            stories.add_pairs(resolved[["article_id", "actor_id"]].drop_duplicates())
        if actors_dir is not None:
            counts = pd.DataFrame({"mentions": pd.Series(mentions_per_actor, dtype="int64"),
                                   "articles": pd.Series(stories.articles_per_actor(), dtype="int64")})
            _ranked(resolver.actors(), counts.fillna(0)).to_parquet(actors_dir / "actors.parquet", index=False)
            with frame_files.ParquetFrames(actors_dir / "dates.parquet", batches.empty_mentioned_dates()) as dates:
                for batch in batches.mentioned_date_batches(engine):
                    dates.write(batch)
        if stories_dir is not None:
            ids.close()
            labels = stories.labels()
            with frame_files.ParquetFrames(stories_dir / "stories.parquet", _STORY_TEMPLATE) as out:
                done = 0
                for part in frame_files.read_batches(work / ".ids.parquet"):
                    out.write(part.assign(story=labels[done:done + len(part)]))
                    done += len(part)
            (work / ".ids.parquet").unlink()


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
