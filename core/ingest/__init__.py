"""Ingest: files, folders, globs and uploads in; cleaned, dated, language-tagged, fingerprinted
articles handed to ``core.store`` in bounded transactions out.

    walk → read by format → clean (scraped text, HTML, language, publication date)
         → fingerprint → store, in groups of small files or chunks of a large export

Callers use ``batch.ingest(engine, paths, ...)`` (it returns a ``batch.IngestSummary``) and, on
the dashboard, ``inbox`` for uploads and the folders it may read.

The driver
    batch            ``ingest()``: counts and walks the inputs, skips unchanged files, stores
                     groups of small files and chunks of exports, summarises (``IngestSummary``)
    walk             folders walked and globs expanded, lazily, in a stable order
    prepare          one file (or a group of small ones) to prepared rows: read by format,
                     cleaned, fingerprinted; exports in batches of ``BATCH_RECORDS``
    workers          worker processes (or a Dask cluster's, ``core.cluster``) that run
                     ``prepare.prepare_group`` ahead of the store
    inbox            uploads saved into one folder; folder reads limited to configured roots

Reading: bytes to raw records (``raw_record.RAW_KEYS``), one per article
    decode           bytes to text: byte-order marks, UTF-8, legacy code pages, binary refused
    text_files       text files in their encoding, read as bounded lines, NUL bytes counted
    raw_record       the raw record's keys, a file's format, the position word of a format
    column_aliases   which column or key holds the title, the text, the date...
    delimited        CSV and TSV, streamed
    json_records     JSON and JSON Lines, streamed
    json_events      JSON values built from parser events in bounded depth, size and time
    documents        single-article files: plain text, HTML pages, RSS and Atom feeds
    fetched          documents the watcher (core.monitor) fetched: a feed item's text or a page,
                     prepared like files, the registered source's name kept

Cleaning: raw records to articles
    clean            ``prepare_articles``: the frame stage that runs the four below
    scraped_text     title, date line and body of a page saved as plain text, without furniture
    html_text        main text of HTML pages (trafilatura) and of snippets (lxml)
    language         which language a text is in (lingua)
    published_dates  the publication date of a date line, feed field or cell (dateparser, CLDR)
    (core.dedup)     content hash, article id and MinHash signature of each article, shared with
                     the store, which looks near-duplicates up by them

Language names and writing direction, shared with the pages and charts, are in ``core.languages``.
"""
