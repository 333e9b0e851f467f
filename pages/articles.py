"""Reader: the selected articles, and one of them in its original beside its translation, actor
mentions marked, with its metadata, provenance and copies in other outlets."""
import pandas as pd
import streamlit as st

from core import languages, schema
from core.analysis import reading
from core.charts import tables, text
from ui import article_columns, corpus, corrections, filters, layout, result_cache, view_state

data, selected = layout.open_page("Reader")
target = data.target

# The article shown is in the URL (?article=ID, ui.view_state): a link from another page, or a copied
# link, opens it even when the filters leave it out; a row chosen in the table replaces it.
# Only the ids this run can be asked for are looked up (a set of every id was 1M strings, ~125 MB
# and ~0.3 s, at a million articles, on every run).
asked = {*st.query_params.get_all("article"), st.session_state.get("article"), view_state.value("article")}
known = {a for a in asked if isinstance(a, str) and bool(data.articles["article_id"].eq(a).any())}
view_state.in_url("article", None, known | {None})
linked = st.session_state["article"]
outside = linked is not None and not bool(selected["article_id"].eq(linked).any())
if selected.empty and not outside:
    st.info("No article matches these filters.")
    st.stop()


def _listed(selected: pd.DataFrame, rows: int) -> pd.DataFrame:
    # The titles are read for the rows listed (from the articles' frame file), once for a selection.
    return article_columns.with_titles(selected.head(rows))


listed = result_cache.call(_listed, selected, layout.READER_ROWS)
if len(selected) > len(listed):
    st.caption(f"The table lists the newest {len(listed):,} of the {len(selected):,} selected articles: narrow the filters "
               "to list others.")
table = tables.readable(listed[["published", "source", "language", "title", "translation_status"]])
table["published"] = tables.published_text(listed["published"], listed["published_precision"])
table = table.rename(columns={"translation_status": f"translation ({languages.language_name(target)})"})
st.session_state["_reader_rows"] = list(listed["article_id"])


def _open_chosen_row() -> None:
    # A callback: the row chosen becomes the article in the URL (the rows are those of the last run).
    rows = st.session_state["article_table"].selection.rows
    if rows:
        st.session_state["article"] = st.session_state["_reader_rows"][rows[0]]


st.dataframe(table, hide_index=True, width="stretch", on_select=_open_chosen_row, selection_mode="single-row",
             key="article_table", height=260, column_config={"title": st.column_config.TextColumn("title", width="large")})
if outside:
    article = data.articles[data.articles["article_id"] == linked].iloc[0]
    st.caption("The article below was opened by its link; the filters leave it out of the table.")
elif linked is not None:
    article = selected[selected["article_id"] == linked].iloc[0]
else:
    article = selected.iloc[0]

article = article_columns.with_texts(article.to_frame().T).iloc[0]  # the one text shown, read from the store
st.divider()
language = None if pd.isna(article["language"]) else article["language"]
when = tables.published_text(pd.Series([article["published"]]), pd.Series([article["published_precision"]])).iloc[0]
st.caption(" · ".join([tables.plain(article["source"]) or tables.MISSING, languages.language_name(language), when]))

names = corpus.actor_names(data)
found = schema.as_read(data.mentions[data.mentions["article_id"] == article["article_id"]])
if "end" not in found.columns:  # left in the frame's file: read for this article's mentions
    found = found.assign(end=data.mention_ends(found.index.to_numpy()))
marks = [(m.field, int(m.start), int(m.end), names.get(m.actor_id, m.surface)) for m in found.itertuples()
         if pd.notna(m.actor_id)]
title = None if pd.isna(article["title"]) else article["title"]
original, translation = st.columns(2)
original.caption(f"Original · {languages.language_name(language)} · actors marked (their English name on hover)")
original.markdown(text.article_html(title, article["text"], language, marks), unsafe_allow_html=True)
status = article["translation_status"]
if status == "translated":
    translation.caption(f"Translation · {languages.language_name(target)}")
    translated_title = None if pd.isna(article["title_translated"]) else article["title_translated"]
    translation.markdown(text.article_html(translated_title, article["text_translated"], target), unsafe_allow_html=True)
elif status == "not needed":
    translation.caption(f"Already in {languages.language_name(target)}: no translation needed")
else:
    translation.warning(f"Waiting for translation into {languages.language_name(target)}. Run it from the "
                        "Translation page or with `python -m core translate`.", icon="⏳")
    if pd.notna(article["translation_error"]):
        # A provider's error can quote its answer: plain text, never Markdown.
        translation.text(f"Last attempt failed: {article['translation_error']}")

actors_tab, dates_tab, copies_tab, provenance_tab = st.tabs(["Actors", "Dates mentioned", "Other outlets", "Provenance"])
with actors_tab:
    named = reading.article_actors(data.mentions, data.actors, article["article_id"])
    # Above the table, so that an open popover has the table's height below it.
    corrections.article_actors(data, named, article["article_id"], language)
    pick = st.dataframe(tables.readable(named[["name", "type", "mentions", "written"]]), hide_index=True, width="stretch",
                        on_select="rerun", selection_mode="single-row", key="reader_actors")
    if pick and pick.selection and pick.selection.rows:
        chosen = named["actor_id"].iloc[pick.selection.rows[0]]
        st.button(f"Filter every page to {tables.plain(names.get(chosen, chosen))}", on_click=filters.select_actor, args=(chosen,),
                  key="reader_filter_actor")
with dates_tab:
    days = reading.article_dates(data.dates, article["article_id"], data.date_sentences)
    st.dataframe(tables.readable(days), hide_index=True, width="stretch",
                 column_config={"date": st.column_config.DateColumn(format="YYYY-MM-DD")})
with copies_tab:
    copies = article_columns.with_titles(reading.copies_elsewhere(data.articles, article["article_id"]))
    if copies.empty:
        st.write("No copy of this article in another outlet.")
    for copy in copies.itertuples():
        st.page_link("pages/articles.py", label=tables.plain(f"{copy.source} ({languages.language_name(copy.language)})"
                                                            f" · {copy.title if isinstance(copy.title, str) else tables.MISSING}"),
                     query_params={"article": copy.article_id})
with provenance_tab:
    if text.is_web_link(article["url"]):
        st.link_button("Original page", article["url"])
    # A table rather than JSON: JSON wrote "null" where the source gave nothing.
    fields = ("article_id", "url", "origin_file", "origin_item", "format", "encoding", "content_hash",
              "duplicate_of", "language_declared", "ingested_at")
    values = [languages.language_name(article[k]) if k == "language_declared" and pd.notna(article[k]) else article[k]
              for k in fields]
    st.markdown(tables.table_html(pd.DataFrame({"field": fields, "value": values}), max_chars=400),
                unsafe_allow_html=True)
