"""Actors: who the articles name, in each article's own language and script, resolved to one actor
across spellings and scripts; and the days the articles mention.

Takes articles (article_id, title, text, language, published) and the actor dictionary; gives
mentions (MENTION_COLUMNS) as found, actors and mentions resolved (ACTOR_COLUMNS), and mentioned
dates (MENTIONED_DATE_COLUMNS). Reads and writes the store through ``core.store``.

The dictionary and the spellings it is matched under:
- ``actor_dictionary``: the dictionary files (actors, countries from CLDR, name cues, the
  analysts' corrections file) loaded into a ``Dictionary``; ``correction_files`` reads and writes
  corrections files.
- ``spelling``: the keys a word is looked up under (folded, stemmed, clitics and short endings
  removed), the words of a text and which of them can belong to one name.
- ``transliteration``: a name in Latin letters (ICU) and its cross-script consonant skeleton.
- ``passages``: the windows a long field is read in, shared by actor matching and mentioned dates
  (``sentences`` gives the whole sentence around an offset, for both).

Finding mentions, article by article:
- ``lookup``: the dictionary indexed for one article language, and what is known of one word.
- ``matching``: dictionary aliases matched in a field's words; the actor an ambiguous alias names.
- ``discovery``: people outside the dictionary (titles, given names, appositions, surnames alone);
  ``script_names`` the cues of the scripts without capitals, ``cjk_names`` Chinese, Japanese and
  Korean people's own names and their readings in Latin letters (pypinyin, pykakasi, ICU).
- ``finding``: ``find_mentions``, both passes over every article, and the rows kept of them.

Resolving mentions to actors, over the whole corpus:
- ``grouping``: discovered names grouped into actors across articles and scripts (``native_grouping``:
  Chinese, Japanese and Korean own names by their readings in Latin letters).
- ``corrections``: the analysts' merges, splits, renames, aliases, new types and ignores (the
  file's and the store's) added to the dictionary and applied to resolved actors and mentions.
- ``resolution``: ``resolve`` (grouping then corrections) whole or batch by batch, and ``extract``
  (find then resolve). Every function that gives both frames gives actors first, then mentions.

Dates and the store:
- ``mentioned_dates``: the days an article mentions, resolved against its publication date;
  ``date_cues`` reads which way a date without a year points (next/last, since, a year phrase, the
  tense of its clause) with the words ``date_words`` gives per language, and ``sentences`` cuts
  the whole sentence it is quoted in (ICU).
- ``extraction``: the run over the store's due articles, a page per transaction, pages extracted
  in worker processes (any ``concurrent.futures`` executor) ahead of the one stored.
- ``dictionary_changes``: what a dictionary change can affect (the articles holding a changed
  alias), from the snapshot of the dictionary each extraction version ran with.
- ``frames``: the resolved frames read back from the store for the export and the dashboard, and
  the dashboard's Parquet copies of them (these also chain ``core.analysis``: see its docstring).

Method and measured quality: ``docs/actors.md``.
"""
