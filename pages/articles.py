"""Articles: every stored article under the filters, and a reader for the one selected."""
import pandas as pd
import streamlit as st

from core import analysis, present
from pages import common

target = common.translation_settings().target
articles = common.articles_with_translations(target)
st.title("Articles")

with st.sidebar:
    st.header("Filters")
    dated = articles["published"].dropna()
    first = dated.min().date() if len(dated) else None
    last = dated.max().date() if len(dated) else None
    span = st.date_input("Published between", value=(first, last) if first else (), min_value=first, max_value=last,
                         disabled=first is None, key="published_span")
    include_undated = st.checkbox("Include undated articles", value=True, key="include_undated")
    languages = st.multiselect("Languages", sorted(articles["language"].dropna().unique()), key="languages")
    sources = st.multiselect("Sources", sorted(articles["source"].dropna().unique()), key="sources")
    query = st.text_input("Text contains", key="query", placeholder="a name, a place, a phrase")

date_from, date_to = (span[0], span[1]) if isinstance(span, tuple) and len(span) == 2 else (None, None)
filters = analysis.Filters(date_from=date_from, date_to=date_to, languages=tuple(languages),
                           sources=tuple(sources), query=query, include_undated=include_undated)
selected = analysis.filter_articles(articles, filters)
summary = analysis.overview(selected)
def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


st.caption(f"{summary['articles']} of {len(articles)} articles · {_count(summary['sources'], 'source')} · "
           f"{_count(summary['languages'], 'language')} · {summary['undated']} undated")

if selected.empty:
    st.info("No article matches these filters." if len(articles) else
            "The store is empty. Ingest files with `python -m core ingest PATH`.")
    st.stop()

table = selected[["published", "source", "language", "title", "translation_status"]].copy()
table["published"] = table["published"].dt.strftime("%Y-%m-%d").fillna("undated")
table = table.rename(columns={"translation_status": f"translation ({target})"})
choice = st.dataframe(table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                      key="article_table", column_config={"title": st.column_config.TextColumn("title", width="large")})
rows = choice.selection.rows if choice and choice.selection else []
article = selected.iloc[rows[0] if rows else 0]

st.divider()
meta = [article["source"], article["language"] if pd.notna(article["language"]) else "language unknown",
        article["published"].strftime("%Y-%m-%d %H:%M UTC" if article["published_precision"] == "minute" else "%Y-%m-%d")
        if pd.notna(article["published"]) else "undated"]
st.caption(" · ".join(str(m) for m in meta))
title = None if pd.isna(article["title"]) else article["title"]
language = None if pd.isna(article["language"]) else article["language"]
original, translation = st.columns(2)
original.caption(f"Original · {common.language_name(language)}")
original.markdown(present.article_html(title, article["text"], language), unsafe_allow_html=True)
status = article["translation_status"]
if status == "translated":
    translation.caption(f"Translation · {common.language_name(target)}")
    translated_title = None if pd.isna(article["title_translated"]) else article["title_translated"]
    translation.markdown(present.article_html(translated_title, article["text_translated"], target), unsafe_allow_html=True)
elif status == "not needed":
    translation.caption(f"Already in {common.language_name(target)}: no translation needed")
else:
    translation.warning(f"Waiting for translation into {common.language_name(target)}. Run it from the "
                        "Translation page or with `python -m core translate`.", icon="⏳")
    if pd.notna(article["translation_error"]):
        # A provider's error can quote its answer: plain text, never Markdown.
        translation.text(f"Last attempt failed: {article['translation_error']}")
with st.expander("Provenance"):
    st.write({k: (None if pd.isna(article[k]) else str(article[k])) for k in
              ("article_id", "url", "origin_file", "origin_item", "format", "encoding", "content_hash",
               "duplicate_of", "language_declared", "ingested_at")})
