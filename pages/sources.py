"""Sources: how much each outlet published, how much of its coverage names each actor, and side by
side what each outlet wrote about one actor, in the original and in translation."""
import pandas as pd
import streamlit as st

from core import languages
from core.analysis import passages, ranking, sources
from core.charts import by_actor, tables, text
from core.monitor import sources as followed
from core.translate import translated
from ui import article_columns, corpus, downloads, filters, layout, result_cache, view_state

# Two rows of three outlets, three passages each: more is a wall of text, and each passage is
# elements the browser redraws on every filter change.
OUTLETS_SHOWN = 6
QUOTES_PER_OUTLET = 3

data, selected = layout.open_page("Sources", charts=True)


def _grouped(selected, by, registry_rows):
    registry = pd.DataFrame(list(registry_rows), columns=["name", "country", "language", "owner", "state_affiliated"])
    return sources.regroup(selected, registry, by)


def _grouped_volume(selected, by, registry_rows):
    return sources.source_volume(_grouped(selected, by, registry_rows))


def _grouped_share(selected, mentions, actors, actor_ids, by, registry_rows):
    return sources.attention_share(_grouped(selected, by, registry_rows), mentions, actors, actor_ids=actor_ids)


# With followed sources, outlets can be pooled by what the registry says of them (state media of
# one country against independent outlets); the rows are passed by value, so the results are
# remembered per registry as well as per view.
registry_rows = tuple(followed.registry_frame(corpus.engine()).itertuples(index=False, name=None))
GROUP_LABELS = {"outlets": "Outlet", "country": "Country", "state_affiliated": "State affiliation", "owner": "Owner",
                "language": "Declared language"}
by = "outlets"
if registry_rows:
    by = st.segmented_control("Compare by", list(GROUP_LABELS), format_func=GROUP_LABELS.get,
                              help="Groups from the Followed sources page; outlets not followed there are "
                                   f"'{sources.UNREGISTERED}'.",
                              **view_state.in_url("sources_by", "outlets", GROUP_LABELS)) or "outlets"

st.subheader("Volume per source and language" if by == "outlets" else f"Volume per {GROUP_LABELS[by].lower()} and language")
volumes = (result_cache.call(sources.source_volume, selected) if by == "outlets"
           else result_cache.call(_grouped_volume, selected, by, registry_rows))
st.dataframe(tables.readable(volumes), hide_index=True, width="stretch",
             column_config={"first": st.column_config.DatetimeColumn(format="YYYY-MM-DD"),
                            "last": st.column_config.DatetimeColumn(format="YYYY-MM-DD")})

top = result_cache.call(ranking.top_actors, selected, data.mentions, data.actors, limit=40, with_spellings=False)
names = corpus.actor_names(data)
filtered = list(filters.current_filters().actors)
comparable = list(dict.fromkeys(filtered + list(top["actor_id"])))
compared = st.multiselect("Actors to compare", comparable, format_func=lambda a: names.get(a, a),
                          **view_state.in_url("sources_actors", filtered or list(top["actor_id"].head(8)), comparable))
share = (result_cache.call(sources.attention_share, selected, data.mentions, data.actors, actor_ids=compared or None)
         if by == "outlets" else
         result_cache.call(_grouped_share, selected, data.mentions, data.actors, compared or None, by, registry_rows))
downloads.chart(result_cache.call(by_actor.attention_share_chart, share), "attention-by-source")

st.subheader("What each outlet wrote")
options = list(dict.fromkeys(filtered + list(top["actor_id"])))
if not options:
    st.info("No actor is named in the selected articles.")
    st.stop()
actor = st.selectbox("About", options, format_func=lambda a: names.get(a, a),
                     **view_state.in_url("sources_about", options[0], options))


def _with_texts(selected, mentions):
    # The texts of the articles these passages are in that have a translation (or need none):
    # a translated passage is found by its paragraph in the original.
    readable = selected["text_translated"].notna() | selected["translation_status"].eq(translated.STATUS_NOT_NEEDED)
    named = selected[(selected["article_id"].isin(mentions["article_id"]) & readable).fillna(False).to_numpy(dtype=bool)]
    return article_columns.with_texts(named)


def _side_by_side(selected, mentions, actor):
    found = passages.outlet_passages(selected, mentions, actor, OUTLETS_SHOWN, QUOTES_PER_OUTLET, data.sentences,
                                     with_titles=article_columns.with_titles)
    shown = found.shown
    return found._replace(shown=shown.assign(sentence_translated=translated.translated_passages(shown, _with_texts(selected, shown))))


def _every_passage():
    mentions = passages.actor_mentions(selected, data.mentions, actor)
    mentions = mentions.assign(sentence_translated=translated.translated_passages(mentions, _with_texts(selected, mentions)))
    return passages.actor_sentences(selected, mentions, actor, sentences=data.sentences, with_titles=article_columns.with_titles)


per_outlet, quotes = result_cache.call(_side_by_side, selected, data.mentions, actor)
outlets = sorted(quotes["source"].unique())
shown = (f"the {len(outlets)} with the most passages side by side (choose others in the Sources filter)"
         if len(per_outlet) > len(outlets) else "side by side")
st.caption(f"{per_outlet.sum()} passages from {len(per_outlet)} outlets, {shown}; up to {QUOTES_PER_OUTLET} per outlet, newest "
           "first. The translation shown is the paragraph the sentence is in. The data download has every passage.")
for row_start in range(0, len(outlets), 3):
    for column, outlet in zip(st.columns(3), outlets[row_start:row_start + 3]):
        with column.container(border=True):
            st.markdown(tables.heading_html(outlet), unsafe_allow_html=True)
            for quote in quotes[quotes["source"] == outlet].head(QUOTES_PER_OUTLET).itertuples():
                day = f"{quote.published:%Y-%m-%d}" if pd.notna(quote.published) else "undated"
                foreign = quote.language != data.target
                translation = quote.sentence_translated if foreign and pd.notna(quote.sentence_translated) else None
                st.markdown(text.quote_html(f"{day} · {languages.language_name(quote.language)}", quote.sentence,
                                            quote.language, translation, data.target, waiting=foreign, url=quote.url),
                            unsafe_allow_html=True)
                st.page_link("pages/articles.py", label="Open in the reader", query_params={"article": quote.article_id})
downloads.data_downloads(_every_passage, "sources-quotes", filters.current_filters())
