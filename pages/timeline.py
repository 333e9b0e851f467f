"""Timeline: articles by publication date, the days articles write about, attention to chosen
actors over time, and the stories several outlets covered, each opening its articles."""
import pandas as pd
import streamlit as st

from core import languages
from core.analysis import ranking, story_grouping, timelines
from core.charts import over_time, tables
from ui import article_columns, corpus, downloads, filters, layout, navigation, result_cache, view_state

STORIES_SHOWN = 20

data, selected = layout.open_page("Timeline", charts=True)

freq = layout.period("timeline_freq")
# One view at a time, and only the open one is computed and drawn: a filter change then redraws
# one chart, not four (each Plotly chart costs the browser about 0.2 s to redraw).
published, mentioned, attention, stories = st.tabs(list(navigation.TIMELINE_VIEWS), on_change="rerun", **view_state.in_url(
    "timeline_view", navigation.TIMELINE_VIEWS[0], navigation.TIMELINE_VIEWS))
if published.open:
    with published:
        volume = result_cache.call(timelines.volume, selected, "language", freq)
        downloads.chart(result_cache.call(over_time.volume_chart, volume, "language"), "published-timeline")
        downloads.data_downloads(volume, "published-timeline", filters.current_filters())
if mentioned.open:
    with mentioned:
        days = result_cache.call(timelines.mentioned_dates_timeline, selected, data.dates, sentences=data.date_sentences)
        downloads.chart(result_cache.call(over_time.mentioned_dates_chart, days), "mentioned-dates")
        downloads.data_downloads(days, "mentioned-dates", filters.current_filters())
if attention.open:
    with attention:
        # Each line is an actor's own filter: counted over what the other filters select, or under an
        # actor filter every line would be that filter (and Iran alone the same as Iran and Russia).
        counted = filters.selection_without_actors(data) if filters.current_filters().actors else selected
        if counted is not selected:
            st.caption(f"Counted over the {len(counted)} articles the other filters select: the Actors filter is "
                       "left out here, as each line is one actor's own.")
        top = result_cache.call(ranking.top_actors, counted, data.mentions, data.actors, limit=30, with_spellings=False)
        names = corpus.actor_names(data)
        default = list(filters.current_filters().actors) or list(top["actor_id"].head(4))
        # The chosen actors, measure and pair toggle are in the URL and outlive a visit to another tab.
        following = view_state.in_url("timeline_actors", default, data.actors["actor_id"])
        offered = list(dict.fromkeys(list(top["actor_id"]) + default + list(st.session_state.get("timeline_actors") or [])))
        chosen = st.multiselect("Actors to follow", offered, format_func=lambda a: names.get(a, a), **following)
        measure = st.radio("Measure", ["articles", "share"], horizontal=True, **view_state.in_url("timeline_measure", "articles", ["articles", "share"]),
                           format_func={"articles": "Articles naming the actor", "share": "Share of the period's articles"}.get)
        # The pair view: the articles naming all the followed actors, drawn under each alone. On at
        # first when the filter asks for articles naming all its actors.
        together = st.toggle("Together: articles naming all of them", disabled=len(chosen) < 2,
                             **view_state.in_url("timeline_together", filters.current_filters().actor_match == "all"),
                             help="Bars: the articles of each period naming every followed actor (Iran and Russia "
                                  "together); lines: each actor alone. Follow two actors or more.")
        if together and len(chosen) >= 2:
            followed = result_cache.call(timelines.together, counted, data.mentions, data.actors, chosen, freq)
            downloads.chart(over_time.together_chart(followed, measure), "attention-together")
        else:
            followed = result_cache.call(timelines.attention, counted, data.mentions, data.actors, chosen, freq)
            downloads.chart(over_time.attention_chart(followed, measure), "attention")
        downloads.data_downloads(followed, "attention", filters.current_filters())
if stories.open:
    with stories:
        st.caption(f"The largest stories in the selection (up to {STORIES_SHOWN}). Stories are grouped once over the whole "
                   "store; filters keep each story's selected articles.")
        groups = result_cache.call(story_grouping.story_groups, selected, data.mentions, data.actors,
                                   labels=corpus.story_labels(data), limit=STORIES_SHOWN, with_titles=article_columns.with_titles)
        downloads.chart(over_time.story_groups_chart(groups), "stories")
        downloads.data_downloads(groups, "stories", filters.current_filters())
        # Option labels are shown as plain text (no Markdown), so titles need no escaping here.
        labels = {group.group: f"{group.title} · {group.articles} articles · {', '.join(group.languages)} · "
                               f"{f'{group.first:%Y-%m-%d}' if pd.notna(group.first) else 'undated'}"
                  for group in groups.itertuples()}
        # One story's articles at a time: twenty expanders of up to 25 links each made every filter
        # change redraw hundreds of elements.
        opened = st.selectbox("Open a story", list(labels), format_func=labels.get,
                              **view_state.in_url("timeline_story", next(iter(labels), None), labels),
                              placeholder="no story has two articles under these filters")
        if opened is not None:
            group = groups[groups["group"] == opened].iloc[0]
            st.caption("Actors: " + tables.plain(", ".join(group["top_actors"])))
            by_id = article_columns.with_titles(selected[selected["article_id"].isin(group["article_ids"])]).set_index("article_id")
            for article_id in group["article_ids"]:
                article = by_id.loc[article_id]
                day = f"{article['published']:%Y-%m-%d}" if pd.notna(article["published"]) else "undated"
                heading = article["title_translated"] if pd.notna(article["title_translated"]) else article["title"]
                st.page_link("pages/articles.py", label=tables.plain(f"{day} · {article['source']} ({languages.language_name(article['language'])}) · {heading}"),
                             query_params={"article": article_id})
