"""The Streamlit code the pages share, split by job. It takes the user's session (widgets, URL,
session state) and the store through ``core.pipeline`` and the stage packages, and gives the pages
their corpus, selection, downloads, charts and background jobs. Nothing here is a page: the pages
app.py lists live in ``pages/``.

- ``navigation``: the one list of pages (app.py declares it, the sidebar links it), the Timeline's
  views, and the title, icon and wide layout every page sets.
- ``corpus``: the store's engine and the frames every page starts from (articles with their
  translations, actors, mentions, mentioned dates, story labels), cached per store revision; the
  translation settings chosen in the session; the server's preload and the sample corpus of a
  first start.
- ``article_columns``: what the server does not hold of the articles (their titles and URLs, left in
  the articles' frame file; their texts and provenance, in the store), read for the rows a page
  shows or exports.
- ``memory``: the server process's allocators (Arrow's buffers and every script thread on one
  glibc heap) and the hand-back of what a run freed, after the preload and after every page run.
- ``filters``: the filter bar in the sidebar, its values held across pages and in the URL, and the
  selection of articles they give, with its count under every page's title.
- ``view_state``: every widget that shapes what a page shows (period, open tab, followed actors,
  the network's centre...) read from the URL when a link is opened and written back to it, its
  value kept across the runs that do not draw it.
- ``saved_views``: the sidebar's saved views: the view on the screen saved under a name in the
  store, each listed as a link that reopens it, deletable.
- ``whats_new`` (with ``last_visit.js``): this browser's last visit (kept in its localStorage), the
  articles stored since (the filter bar's "new since my last visit"), the alerts it has not seen
  (the menu's count), and the note offering the articles stored while a page is open.
- ``result_cache``: analysis results (charts, story groups, the network) kept per process in a
  locked, bounded LRU keyed on the computing function, its arguments and the view.
- ``layout``: the start of every analysis page (title, corpus, filter bar, selection, the empty
  store's notice) and small widgets whose state outlives a run.
- ``downloads``: a chart with its PNG/SVG/PDF/HTML downloads, and data downloads (CSV with its
  manifest, XLSX, JSON) of what a page shows.
- ``plotly_view`` (with ``plotly_view.js``): figures drawn in the page with Geowire's own
  plotly.js bundle. ``filters_pending.js`` is the filter bar's "not applied yet" note.
- ``jobs``: long work (ingest, translation) on a background thread, one registry per process.
- ``corrections``: the analysts' corrections of the actors: a "Correct…" popover per actor (the
  Reader's, and the sidebar's for any actor) and the corrections in force with their undo, export
  and import.
- ``watcher``: the Ingest page's control of ``python -m core watch`` for the store: running since
  when, Start and Stop (``core.monitor.control``).

Import direction: ``pages`` → ``ui`` → ``core.pipeline`` and the core stage packages; ``core``
never imports ``ui`` or ``pages``, ``ui`` never imports ``pages``, and pages never import each
other (tests/test_layering.py). Pages import ``ui``'s modules, not names from this package.
Inside ``ui``, ``memory`` imports no other ``ui`` module, ``corpus`` only ``memory``, and
``navigation`` and ``plotly_view`` none;
``view_state`` imports none; ``saved_views`` imports ``navigation``, ``corpus`` and ``view_state``;
``whats_new`` and ``article_columns`` import ``corpus``; ``filters`` imports those; ``corrections`` imports ``corpus`` and ``filters``; ``result_cache``,
``layout``, ``downloads`` and ``jobs`` import those below them.
"""
