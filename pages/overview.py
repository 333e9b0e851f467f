"""Overview: how much was published when, in which languages and outlets, who is named most, the
newest articles, and what is waiting for translation."""
from urllib.parse import urlencode

import streamlit as st

from core import languages
from core.analysis import ranking, reading, timelines
from core.charts import by_actor, over_time, tables
from ui import article_columns, downloads, filters, layout, result_cache, view_state

data, selected = layout.open_page("Overview", charts=True)

freq = layout.period("overview_freq")
# Only the open tab is drawn: a hidden chart would be built and redrawn on every filter change.
by_language, by_source = st.tabs(["By language", "By source"], on_change="rerun",
                                 **view_state.in_url("overview_volume_tab", "By language", ["By language", "By source"]))
for tab, by in ((by_language, "language"), (by_source, "source")):
    if tab.open:
        with tab:
            # the same calls as the Timeline's Published view, which draws the language series too
            volume = result_cache.call(timelines.volume, selected, by, freq)
            downloads.chart(result_cache.call(over_time.volume_chart, volume, by), f"volume-by-{by}")

top = result_cache.call(ranking.top_actors, selected, data.mentions, data.actors, limit=20)
downloads.chart(by_actor.top_actors_chart(top), "top-actors")

newest, waiting = st.columns([3, 1])
# Plain tables, not st.dataframe: a dozen rows do not need its grid, and without it this page
# opens 0.2 s sooner in a fresh browser (core.charts.tables.table_html).
with newest:
    st.subheader("Newest articles")
    newest_rows = article_columns.with_titles(selected.head(15))  # titles and URLs are read for the rows shown
    table = newest_rows[["published", "source", "language", "title", "title_translated"]]
    table = table.assign(language=table["language"].map(languages.language_name),
                         published=tables.published_text(newest_rows["published"], newest_rows["published_precision"]))
    if not table["title_translated"].notna().any():
        table = table.drop(columns="title_translated")
    # A title opens its article in the Reader, under the same filters (a link loads the page anew).
    in_url = filters.current_filters().to_query_params()
    reader = [f"articles?{urlencode({'article': article_id, **in_url})}" for article_id in newest_rows["article_id"]]
    st.markdown(tables.table_html(table, {"title_translated": f"title in {languages.language_name(data.target)}"},
                                  max_chars=80, links=("title", reader)), unsafe_allow_html=True)
with waiting:
    st.subheader("Waiting for translation")
    pending = reading.pending_translation(selected)
    if pending.empty:
        st.write("Nothing: every selected article is translated or already in "
                 f"{languages.language_name(data.target)}.")
    else:
        st.markdown(tables.table_html(pending.assign(language=pending["language"].map(languages.language_name))),
                    unsafe_allow_html=True)
        st.page_link("pages/translation.py", label="Translate them", icon=":material/translate:")

downloads.article_downloads(data, selected, "overview", filters.current_filters())
