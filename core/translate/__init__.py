"""Translation: the stored articles into one target language, through the translation memory.

Takes the articles ``core.store`` holds and the settings ``core.config.TranslationSettings``
describes (provider, target language, limits); gives translations stored per article (status
"translated", or "pending" with the last error) and memory rows stored per request, then frames
that join them to the articles.

- ``segments``: an article cut into blocks and pieces that fit one request (paragraphs, ICU
  sentence boundaries), the hash a piece is remembered by, pieces packed into requests.
- ``bounded_http``: ``BoundedSession``, a requests Session whose every call has one deadline, an
  answer cap and a Stop, enforced by a watchdog that shuts the call's sockets.
- ``providers``: deep-translator's clients as a ``Sender`` whose requests go through a
  ``BoundedSession`` (nothing in ``requests`` is patched), and every failure classified as a
  ``TranslationError`` (retry? stop the run? the server's Retry-After).
- ``run``: ``translate_article`` (the pure part: memory lookups, packed requests, retries with
  back-off, answers checked) and ``run``, which drives it over the store and sums up a
  ``RunSummary``.
- ``translated``: ``with_translations`` (articles with their translation and status in one language),
  ``translated_passages`` (the translated paragraph each mention sits in), ``status_by_language``.

Imports run one way: run → providers → bounded_http, and run → segments; translated → segments.
Reads and writes go through ``core.store``.
"""
