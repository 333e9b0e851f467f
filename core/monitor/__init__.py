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
"""
