"""The analysts' corrections of the actors, from the pages: a "Correct…" popover for an actor (rename,
change its type, add a spelling, the same actor as another, split spellings off, not an actor), in
the Reader for each actor of the article (``article_actors``) and in the sidebar for any actor
(``sidebar``, below the filter bar, which also lists the corrections in force with their undo, and
exports and imports the corrections file).

The work is ``core.pipeline``'s (``correct``, ``undo_corrections``, ``import_corrections``). A
correction is a write to the store: its revision moves, so the next run of every page, in every
session on the same store, reads the corrected frames (``corpus``). Buttons act in their
callbacks, before the run that follows draws the page.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pandas as pd
import streamlit as st

from core import config, languages, pipeline, schema
from core.actors import actor_dictionary, correction_files, corrections
from core.charts import tables
from core.errors import USER_ERRORS, ConfigError
from core.store import corrections as store_corrections
from ui import corpus, filters

Correction = store_corrections.Correction
_ACTIONS = {"rename": "Rename", "retype": "Type", "alias": "Spelling", "merge": "Same as…", "split": "Split off",
            "ignore": "Not an actor"}
_NOTE = "_corrections_note"  # (level, message) of the last change, shown once by the next run
_ANALYST = "_corrections_analyst"  # the name typed in the list, kept when the list is closed
_ANALYST_BOX = "corrections_analyst_box"


def article_actors(data: corpus.Corpus, named: pd.DataFrame, article_id: str, language: str | None) -> None:
    """A "Correct…" popover for each actor ``named`` (``reading.article_actors``) in one article."""
    show_note()
    if named.empty:
        return
    st.caption("Correct an actor: the change shows at once on every page, for everyone using this store "
               "(undo it in the sidebar's Corrections in force).")
    with st.container(horizontal=True, gap="small"):
        for actor_id, name in named[["actor_id", "name"]].itertuples(index=False):
            actor_popover(data, actor_id, name, f"reader-{actor_id}", article_id=article_id, language=language)


def actor_popover(data: corpus.Corpus, actor_id: str, name: str, key: str, article_id: str | None = None,
                  language: str | None = None) -> None:
    """A popover, labelled with the actor's name, holding the corrections of that actor. Its
    content runs only while it is open."""
    with st.popover(tables.plain(name) or actor_id, icon=":material/edit:", type="tertiary", key=f"{key}-open",
                    on_change="rerun", help="Correct…: rename, type, another spelling, merge, split or ignore") as box:
        if box.open:
            _form(data, actor_id, name, key, article_id, language)


def sidebar(data: corpus.Corpus) -> None:
    """The sidebar's Corrections: any actor corrected (the first one the filters name chosen to
    start with), and the list of corrections in force. Expanders, not popovers: at the foot of the
    sidebar a popover would open below the window's edge."""
    show_note()
    with st.sidebar:
        st.divider()
        st.subheader("Corrections")
        with st.expander("Correct an actor", key="sidebar-correct-open", on_change="rerun",
                         icon=":material/edit:") as box:
            if box.open:
                labels = corpus.actor_labels(data)
                options = list(data.actors["actor_id"])
                chosen = [a for a in filters.current_filters().actors if a in labels]
                actor_id = st.selectbox("Actor", options, index=options.index(chosen[0]) if chosen else None,
                                        format_func=lambda a: labels.get(a, a), key="sidebar-correct-actor",
                                        placeholder="a name in any script")
                if actor_id is not None:
                    _form(data, actor_id, corpus.actor_names(data).get(actor_id, actor_id), "sidebar", None, None)
        stored = store_corrections.load(corpus.engine())
        with st.expander(f"Corrections in force ({len(stored)})", key="sidebar-list-open", on_change="rerun",
                         icon=":material/history:") as box:
            if box.open:
                _listing(data, stored)


def show_note() -> None:
    """The outcome of the last correction, once (a toast; an error stays on the page)."""
    note = st.session_state.pop(_NOTE, None)
    if note is None:
        return
    level, message = note
    # Names and spellings come from the articles: shown as text, never as Markdown.
    if level == "error":
        st.error(tables.plain(message))
    else:
        st.toast(tables.plain(message), icon=":material/check:")


def analyst() -> str:
    """Who this session's corrections are recorded as made by: the name typed in the list, else the
    settings' (``config.analyst_name``), else "local"."""
    typed = (st.session_state.get(_ANALYST) or "").strip()
    if typed:
        return typed[:100]
    try:
        return config.analyst_name()
    except ConfigError:
        return "local"


# --- one actor's corrections ----------------------------------------------------------------------

def _form(data: corpus.Corpus, actor_id: str, name: str, key: str, article_id: str | None,
          language: str | None) -> None:
    row = data.actors[data.actors["actor_id"] == actor_id]
    kind = row["type"].iloc[0] if len(row) and isinstance(row["type"].iloc[0], str) else "person"
    st.markdown(tables.heading_html(name), unsafe_allow_html=True)
    if len(row):
        st.caption(f"{kind} · {row['origin'].iloc[0]} · {tables.plain(actor_id)} · {int(row['mentions'].iloc[0])} "
                   f"mention(s) in {int(row['articles'].iloc[0])} article(s)")
    action = st.segmented_control("Correction", list(_ACTIONS), format_func=_ACTIONS.get, default="rename",
                                  key=f"{key}-action", label_visibility="collapsed") or "rename"
    made = {"actor": actor_id, "actor_name": name}
    if action == "rename":
        st.text_input("Name shown on every page", value=name, key=f"{key}-name", max_chars=200)
        _button("Rename", key, lambda s: Correction(kind="rename", name=s[f"{key}-name"].strip(), **made))
    elif action == "retype":
        types = list(actor_dictionary.ACTOR_TYPES)
        st.radio("Type", types, index=types.index(kind) if kind in types else 0, key=f"{key}-type", horizontal=True)
        _button("Change the type", key, lambda s: Correction(kind="retype", type=s[f"{key}-type"], **made))
    elif action == "alias":
        _alias_widgets(key, language)
        _button("Add the spelling", key, lambda s: Correction(kind="alias", alias=s[f"{key}-alias"].strip(),
                                                               language=s[f"{key}-language"], type=kind, **made))
    elif action == "merge":
        labels = corpus.actor_labels(data)
        st.selectbox("is the same actor as", [a for a in data.actors["actor_id"] if a != actor_id], index=None,
                     format_func=lambda a: labels.get(a, a), key=f"{key}-into", placeholder="a name in any script")
        st.caption("Its mentions go to the actor chosen, which keeps its name.")
        _button("Merge", key, lambda s: Correction(kind="merge", into=s[f"{key}-into"] or "", **made))
    elif action == "split":
        _split_widgets(data, actor_id, key)
        _button("Split off", key, lambda s: _split(s, key, made))
    else:
        scopes = {"everywhere": "anywhere", **({"article": "in this article"} if article_id else {}),
                  "spellings": "when written as…"}
        scope = st.radio("Not an actor", list(scopes), format_func=scopes.get, key=f"{key}-scope", horizontal=True)
        if scope == "spellings":
            st.multiselect("Spellings", _spellings(data, actor_id), key=f"{key}-ignored")
        _button("Ignore", key, lambda s: Correction(
            kind="ignore", article=article_id if s[f"{key}-scope"] == "article" else "",
            surfaces=tuple(s.get(f"{key}-ignored") or ()) if s[f"{key}-scope"] == "spellings" else (), **made))
    st.caption(f"Recorded as {tables.plain(analyst())} (change it in the sidebar's Corrections in force).")


def _alias_widgets(key: str, language: str | None) -> None:
    codes = list(actor_dictionary.ALIAS_LANGUAGES)
    st.text_input("Another spelling of this actor", key=f"{key}-alias", max_chars=200,
                  help="Extraction finds it from now on: the articles it can be in are read again.")
    st.selectbox("Written in", codes, index=codes.index(language) if language in codes else 0, key=f"{key}-language",
                 format_func=lambda code: f"{languages.language_name(code)} ({code})")


def _split_widgets(data: corpus.Corpus, actor_id: str, key: str) -> None:
    st.multiselect("Spellings that name someone else", _spellings(data, actor_id), key=f"{key}-surfaces")
    target = st.radio("They name", ["new", "existing"], key=f"{key}-target", horizontal=True,
                      format_func={"new": "a new actor", "existing": "an actor in the list"}.get)
    if target == "new":
        st.text_input("The new actor's name", key=f"{key}-new-name", max_chars=200)
        st.radio("Its type", list(actor_dictionary.ACTOR_TYPES), key=f"{key}-new-type", horizontal=True)
    else:
        labels = corpus.actor_labels(data)
        st.selectbox("Actor", [a for a in data.actors["actor_id"] if a != actor_id], index=None, key=f"{key}-split-into",
                     format_func=lambda a: labels.get(a, a), placeholder="a name in any script")


def _split(state, key: str, made: dict) -> Correction:
    surfaces = tuple(state.get(f"{key}-surfaces") or ())
    if state.get(f"{key}-target") == "existing":
        return Correction(kind="split", surfaces=surfaces, into=state.get(f"{key}-split-into") or "", **made)
    return Correction(kind="split", surfaces=surfaces, name=(state.get(f"{key}-new-name") or "").strip(),
                      type=state.get(f"{key}-new-type") or "person", **made)


def _spellings(data: corpus.Corpus, actor_id: str) -> list[str]:
    """The actor's spellings in the store, most written first."""
    own = schema.as_read(data.mentions[data.mentions["actor_id"] == actor_id])
    return list(own.groupby("surface")["occurrences"].sum().sort_values(ascending=False, kind="stable").index)


def _button(label: str, key: str, make: Callable) -> None:
    st.button(label, type="primary", key=f"{key}-{label}", on_click=_correct, args=(make,))


def _correct(make: Callable) -> None:
    """A button's callback: the correction made from the widgets' values, stored, the frames written."""
    def work() -> str:
        correction = dataclasses.replace(make(st.session_state), analyst=analyst())
        outcome = pipeline.correct(corpus.engine(), [correction], dictionary=corpus.dictionary())
        if not outcome.added:
            return "That correction is already in force."
        return f"{corrections.describe(outcome.added[0])}. Every page shows it now."
    _run(work)


def _run(work: Callable[[], str]) -> None:
    try:
        st.session_state[_NOTE] = ("success", work())
    except USER_ERRORS as err:
        st.session_state[_NOTE] = ("error", str(err))


# --- the corrections in force -------------------------------------------------------------------

def _listing(data: corpus.Corpus, stored: tuple[Correction, ...]) -> None:
    if _ANALYST not in st.session_state:
        st.session_state[_ANALYST] = analyst()
    st.text_input("Your name, recorded with each correction", key=_ANALYST_BOX, value=st.session_state[_ANALYST],
                  on_change=lambda: st.session_state.__setitem__(_ANALYST, st.session_state[_ANALYST_BOX]))
    names = corpus.actor_names(data)
    with st.container(height=320 if len(stored) > 6 else "content"):
        if not stored:
            st.caption("No correction in the store yet.")
        for correction in reversed(stored):  # the newest first
            st.markdown(tables.plain(corrections.describe(correction, names)))
            with st.container(horizontal=True, vertical_alignment="center", gap="small"):
                st.caption(f"{tables.plain(correction.analyst)} · {correction.at:%Y-%m-%d %H:%M} UTC")
                st.button("Undo", key=f"undo-{correction.id}", on_click=_undo, args=(correction.id,),
                          type="tertiary", icon=":material/undo:")
    try:
        from_file = correction_files.read(config.CORRECTIONS_FILE)
    except USER_ERRORS as err:
        st.error(str(err))
        from_file = ()
    if from_file:
        st.caption(f"Also in force, from {config.CORRECTIONS_FILE.name} (edit the file to change them): "
                   + "; ".join(tables.plain(corrections.describe(c, names)) for c in from_file))
    st.download_button("Download as a corrections file", pipeline.export_corrections(corpus.engine()),
                       file_name="corrections.toml", mime="application/toml", key="corrections_download")
    st.file_uploader("Import a corrections file", type=["toml"], key="corrections_upload")
    st.button("Import", key="corrections_import", on_click=_import, disabled=not st.session_state.get("corrections_upload"))


def _undo(correction_id: int) -> None:
    def work() -> str:
        outcome = pipeline.undo_corrections(corpus.engine(), [correction_id], dictionary=corpus.dictionary())
        if not outcome.removed:
            return "That correction was already undone."
        return f"Undone: {corrections.describe(outcome.removed[0])}."
    _run(work)


def _import() -> None:
    upload = st.session_state.get("corrections_upload")
    if upload is None:
        return

    def work() -> str:
        try:
            text = upload.getvalue().decode("utf-8")
        except UnicodeDecodeError:
            raise ConfigError(f"{upload.name}: not a UTF-8 text file") from None
        found = correction_files.loads(text, upload.name)
        return pipeline.import_corrections(corpus.engine(), found, analyst(), dictionary=corpus.dictionary()).describe()
    _run(work)
