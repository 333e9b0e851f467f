"""Monitoring: the sources a user follows, and the watcher that polls them.

Takes the registry of followed outlets and feeds (the store's ``sources`` table) and the web;
gives new articles, handed to ``core.pipeline`` like any other input, and each source's health.
It sits above the pipeline, beside the CLI: the CLI, the pages and ``python -m core watch`` call
it, and it calls the pipeline; no stage imports it.

- ``sources``: the registry: what a user says of a source checked and made canonical (``check``),
  sources added, edited, paused and removed, found by id, URL or name (rows stored by
  ``core.store.source_registry``).
- ``opml``: feed lists read (hardened lxml) and written as OPML 2.0, Geowire's fields namespaced.
- ``health``: each source's status (ok, failing, dead, silent, ...) and items per day, read from
  the watcher's columns and the stored articles.
- ``watcher``: the loop: due sources polled until stopped, extraction every few seconds.
- ``polling``: one poll of one source: new items stored, full pages for teasers, state, backoff.
- ``fetch``: one bounded GET (requests): byte cap, deadline, redirects hop by hop, gzip, 304.
- ``politeness``: robots.txt (Protego) per site, one request per host every few seconds.
- ``items``: a feed's, sitemap's or listing page's items, each with a stable key.
- ``control``: one watcher per store: its lock file, start and stop from the app, the command.
"""
