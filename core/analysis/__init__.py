"""Analysis: the frames the pages draw and the exports write, computed from the dashboard's frames.

Takes the frames ``core.store`` prepares (articles, with the optional translation columns
``title_translated``, ``text_translated`` and ``translation_status``; actors; mentions; mentioned
dates) and the user's ``filtering.Filters``; gives selections and aggregates as new frames. Every
function takes frames and returns new ones; none changes its input, reads files, the clock or the
network. ``docs/dashboard.md`` explains the story grouping and the network.

The modules, in the order a page uses them:

- ``filtering``: ``Filters`` (and their URL form), ``filter_articles`` (``selected_rows``, the positions, then
  ``rows_of``), ``overview`` of a selection.
- ``text_search``: the free-text query (words, "phrases", AND, OR, NOT) and the articles it matches,
  by a scan of the texts or through a full-text index (a ``Lookup``); ``indexed_search``: what that
  index is given for each article and asked for each word, so that it finds what the scan finds.
- ``actor_search``: every spelling of the actors, indexed once, searched as typed; the actors a
  free-text query names.
- ``timelines``: articles per period (``volume``), ``attention`` to chosen actors per period, the
  days the articles write about (``mentioned_dates_timeline``).
- ``ranking``: the actors a selection names most (``top_actors``) and their ``spellings``.
- ``story_grouping``: the story of every article (``story_labels``) and a selection's
  ``story_groups``; ``story_links`` is the method both use (which articles are linked, and the
  stories the links make), ``story_corpus`` the same labels for a store read a batch at a time
  (``StoryCorpus``, its pairs and links spilled to files); ``story_titles`` names each story by
  its most representative title and its main actors.
- ``cooccurrence``: the co-occurrence network of actors (``cooccurrence_network``) and its backbone.
- ``sources``: outlets compared (``source_volume``, ``attention_share``).
- ``passages``: what outlets wrote about one actor (``actor_mentions``, ``actor_sentences``,
  ``outlet_passages``), from mentions with their sentences or with keys of them (``Sentences``).
- ``reading``: one article in the Reader (``article_actors``, ``copies_elsewhere``) and the
  articles waiting for translation (``pending_translation``).
- ``mention_index``: integer codes of the mentions frame, built once per frame, which every
  count above is computed on.
- ``_shared``: helpers of the modules above (selections and counts on the mention index).

Callers import the modules (``from core.analysis import filtering`` then
``filtering.filter_articles(...)``); this package re-exports nothing.
"""
