"""The store: the system of record, and the frames the dashboard starts from.

Takes the ingest's article rows, the extraction's mentions and mentioned dates, and translations;
gives back the store's tables (SQLAlchemy Core over SQLite in WAL mode; another database by its
URL), read whole or a batch at a time, and the Parquet files of derived frames kept beside it.
The tables themselves are described once, in ``core.schema``.

- ``database``: ``connect`` (pragmas, the schema made or brought up to date in place), the one way
  to begin a write (``_writing``: SQLite's write lock taken first, ``StoreBusy`` after the wait,
  ``StoreWriteError`` for a disk that refuses), the ``revision`` counters pages cache on, the WAL
  checkpoint.
- ``ingested``: what the ingest stores: ``save_files`` (small files, several to a transaction)
  and ``save_file`` (an export committed in bounded chunks, resumable), each article merged with
  its duplicates or linked to the same story from another source, and the ingest log written;
  ``known_file`` and ``touch_file`` (what the store remembers of a file).
- ``article_rows``: the articles of one of those transactions (``Writer``): duplicates looked up
  for a block of rows in a few indexed queries, the rows inserted together, in the file's order
  as if one by one.
- ``reads``: what is read whole: ``load_articles``, ``load_ingest_log``, ``load_mentions``,
  ``load_mentioned_dates``; and columns of chosen articles (``article_columns``: their texts).
- ``batches``: the same a batch at a time, so that memory does not grow with the corpus:
  ``article_batches``, ``mention_batches``, ``mentioned_date_batches`` (and their empty frames).
- ``extractions``: the extraction's side: the articles due (``count_due``, ``due_articles``),
  their results replaced (``save_extraction``), and the summaries of stored mentions that grouping
  and the stories start from (``discovered_names``, ``mentioned_actor_ids``, ...).
- ``corrections``: the analysts' corrections of the actors (``load``, ``add``, ``remove``), shared
  by everyone using the store; a write can make articles due for extraction again.
- ``translation_memory``: the memory of translated segments (``lookup_memory``, ``save_memory``)
  and each article's translation built from it (``load_untranslated``, ``save_translation``,
  ``load_translations``).
- ``saved_views``: the dashboard's saved views (a name, a page, its query string), shared by
  everyone on the store: ``save_view``, ``list_views``, ``delete_view``.
- ``source_registry``: the followed sources (``schema.sources``) as ``Source`` rows: ``load``,
  ``find``, ``add`` (``DuplicateUrl``), ``update``, ``delete``; and ``items_since``, the
  items the watcher stored from each source lately (their health's rate).
- ``alerts``: the alert rules, the alerts fired with the articles each claims (an article fires a
  rule once), their deliveries (pending with the last error and next attempt, or sent), and the
  watermark of the articles evaluated; writes bump the "alerts" revision only.
- ``frame_cache``: derived frames kept as Parquet beside the store under its revision
  (``cached``, ``entry``, ``read``, ``entry_file``; read a column at a time, only the columns
  asked for), the articles frame among them (``cached_articles``, ``prepare_articles``,
  ``articles_file``), and the full-text index (``text_index``).
- ``postgres``: a store on a PostgreSQL server (psycopg 3): the tables as PostgreSQL makes them,
  the locks that stand in for SQLite's single writer (advisory locks for ingest, corrections and
  schema changes; the rows of the articles an extraction replaces), its errors as ``StoreError``
  without the password. Only ``database`` and ``batches`` call it (docs/postgresql.md).
- ``frame_files``: frames written and read a batch at a time (``ParquetFrames``,
  ``read_batches``), scratch files of records (``Spill``), and a column left in its file: keys of
  its values (``keys``, hashed by DuckDB) and its values by row (``read_rows``).
- ``watched``: what the watcher (``core.monitor``) reads and writes: the sources due for a poll
  (``due_sources``, ``next_poll_at``), their polling state (``record_poll``), the items seen
  (``seen_keys``) and fetched items stored with their seen-item records in one transaction
  (``save_fetched``).
- ``text_index``: the full-text index of the articles' titles and texts (SQLite FTS5), kept with
  the frames (``frame_cache.text_index``): ``write`` and ``lookup``.

Inside the package: ``database`` is imported by every module that writes; ``reads`` and
``extractions`` read through ``batches``; ``frame_cache`` reads through ``reads`` and ``batches``
and writes with ``frame_files``. Names starting with ``_`` used across these modules
(``database._writing``, ``database._bump_revision``, ``database._checkpoint``,
``batches._batches``, ``ingested._write_log``) are the package's own: callers outside it go through the public functions.

Module names avoid the words callers use for their own variables (``files``, ``translations``).
"""
