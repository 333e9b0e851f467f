"""Charts: what the analysis gives, drawn. Plotly figures, and escaped HTML tables and text blocks,
for a page, a test and an export alike (no Streamlit here).

Takes what ``core.analysis`` returns (its frames, and the network as an object holding frames;
this package does not import ``core.analysis``) and gives Plotly figures or HTML strings. Every
figure has a title that says what is counted, labelled axes and the Okabe-Ito palette (told apart
with the common colour-vision deficiencies). Text that comes from articles (titles, sentences,
spellings, source names, discovered actor names) is HTML-escaped before it reaches a label, a
hover box or a page, because Plotly and Streamlit's Markdown render HTML there. An empty frame
gives a figure that says there is no data.

The modules:

- ``theme``: the house style (palette, font, Plotly template) and ``empty_figure``.
- ``over_time``: figures with time along the x axis (``volume_chart``, ``attention_chart``,
  ``mentioned_dates_chart``, ``story_groups_chart``).
- ``by_actor``: figures with actors along an axis (``top_actors_chart``, ``attention_share_chart``).
- ``graph``: the co-occurrence network (``network_chart``); ``network_layout`` places its nodes and
  names in the plot area's pixels (no marker over another, no name over a node or a name).
- ``tables``: small HTML tables, headings and Markdown-inert text for pages.
- ``text``: an article or a quoted passage as HTML, escaped and in its own direction.

Callers import the modules (``from core.charts import over_time`` then
``over_time.volume_chart(...)``); this package re-exports nothing.
"""
