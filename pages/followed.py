"""Followed sources: the outlets and feeds the watcher polls, each with its health; add one, edit
what analysts compare coverage by (country, language, owner, state affiliation), pause or remove,
and a feed list in or out as OPML."""
import dataclasses
import datetime as dt

import streamlit as st

from core.charts import tables
from core.errors import InputError
from core.monitor import health, opml, sources
from core.store import source_registry
from ui import corpus, filters, watcher

st.title("Followed sources")
filters.selection(corpus.current(), "Followed sources")
engine = corpus.engine()
STATE_CHOICES = ("unknown", "yes", "no")


def _said(key: str) -> None:
    """The outcome of the last action, kept across the rerun that redraws the table."""
    for kind, text in st.session_state.pop(key, []):
        if kind == "text":
            st.text(text)
        else:
            getattr(st, kind)(tables.plain(text))


followed = source_registry.load(engine)
entries = health.of_sources(engine, followed, dt.datetime.now(dt.timezone.utc))
_said("followed_outcome")
if not followed:
    st.info("No source is followed yet. Add one below, or import the OPML file of a feed reader.")
else:
    counts = {status: sum(e.health.status == status for e in entries) for status in health.STATUSES}
    st.caption(f"{len(entries)} sources · " + " · ".join(f"{n} {status}" for status, n in counts.items() if n))
    st.dataframe(tables.readable(health.as_frame(entries)), hide_index=True, width="stretch", column_config={
        "url": st.column_config.LinkColumn("url"),
        "every": st.column_config.NumberColumn("every (min)", format="%.0f"),
        "per_day": st.column_config.NumberColumn("items a day", format="%.1f", help="over the last 7 days"),
        "last_success": st.column_config.DatetimeColumn("last success (UTC)", format="YYYY-MM-DD HH:mm"),
        "last_error_at": st.column_config.DatetimeColumn("last error (UTC)", format="YYYY-MM-DD HH:mm"),
        "last_error": st.column_config.TextColumn("reason of the last error")})

# Keyed: the tab stays open across the reruns its own widgets cause (an upload, a message shown).
watcher.panel()
add, change, lists = st.tabs(["Add a source", "Edit, pause or remove", "OPML"], key="followed_tab")


def _details(prefix: str, current: source_registry.Source | None = None) -> sources.SourceDetails:
    left, right = st.columns(2)
    kinds = ("guess from the URL", *sources.KINDS) if current is None else sources.KINDS
    kind = left.selectbox("Kind", kinds, key=f"{prefix}_kind",
                          index=kinds.index(current.kind) if current else 0)
    interval = right.number_input("Minutes between polls", min_value=sources.MIN_INTERVAL_SECONDS // 60,
                                  max_value=sources.MAX_INTERVAL_SECONDS // 60, key=f"{prefix}_interval",
                                  value=(current.interval_seconds if current else sources.DEFAULT_INTERVAL_SECONDS) // 60)
    country = left.text_input("Country (ISO code or English name)", value=(current.country or "") if current else "",
                              key=f"{prefix}_country", placeholder="RU")
    language = right.text_input("Language (ISO 639-1 code or English name)", key=f"{prefix}_language",
                                value=(current.language or "") if current else "", placeholder="ru")
    owner = left.text_input("Owner", value=(current.owner or "") if current else "", key=f"{prefix}_owner")
    state = {True: "yes", False: "no", None: "unknown"}[current.state_affiliated] if current else "unknown"
    affiliated = right.selectbox("State-affiliated", STATE_CHOICES, index=STATE_CHOICES.index(state),
                                 key=f"{prefix}_state")
    notes = st.text_area("Notes", value=(current.notes or "") if current else "", key=f"{prefix}_notes")
    return sources.SourceDetails(kind=None if kind not in sources.KINDS else kind, interval_seconds=int(interval) * 60,
                                 country=country, language=language, owner=owner, state_affiliated=affiliated,
                                 notes=notes)


def _done(*messages: tuple[str, str]) -> None:
    """Say what was done after the rerun that redraws the table, with the add form emptied."""
    st.session_state["followed_added"] = st.session_state.get("followed_added", 0) + 1
    st.session_state["followed_outcome"] = list(messages)
    st.rerun()


with add:
    with st.form("followed_add", clear_on_submit=False):
        # New keys after each action: the form comes back empty (a widget's value outlives its state).
        form = f"add_{st.session_state.get('followed_added', 0)}"
        url = st.text_input("URL of the feed, sitemap or page", placeholder="https://example.org/rss.xml", key=f"{form}_url")
        name = st.text_input("Name (as articles will name the outlet; default: the site's host)", key=f"{form}_name")
        details = _details(form)
        if st.form_submit_button("Follow", type="primary"):
            try:
                added = sources.add(engine, dataclasses.replace(details, url=url, name=name or None))
            except InputError as err:
                st.error(tables.plain(str(err)))
            else:
                _done(("success", added.describe()), *(("info", note) for note in added.notes))

with change:
    if not followed:
        st.caption("Nothing to edit yet.")
    else:
        chosen = st.selectbox("Source", [s.source_id for s in followed], key="followed_chosen",
                              format_func=lambda i: next(f"{s.name} · {s.url}" for s in followed if s.source_id == i))
        current = next(s for s in followed if s.source_id == chosen)
        with st.form("followed_edit"):
            new_name = st.text_input("Name", value=current.name, key=f"edit_{chosen}_name")
            new_url = st.text_input("URL", value=current.url, key=f"edit_{chosen}_url")
            details = _details(f"edit_{chosen}", current)
            if st.form_submit_button("Save"):
                try:
                    edited = sources.edit(engine, chosen, dataclasses.replace(details, name=new_name, url=new_url))
                except InputError as err:
                    st.error(tables.plain(str(err)))
                else:
                    _done(("success", f"Saved {edited.name}."))
        pause, remove = st.columns(2)
        if pause.button("Resume polling" if current.paused else "Pause polling", key="followed_pause"):
            changed = sources.set_paused(engine, chosen, not current.paused)
            _done(("success", f"{'Paused' if changed.paused else 'Resumed'} {changed.name}."))
        confirm = remove.checkbox("Yes, stop following it (its articles stay)", key="followed_confirm")
        if remove.button("Remove", disabled=not confirm, key="followed_remove"):
            gone = sources.remove(engine, chosen)
            _done(("success", f"Removed {gone.name}; its articles stay."))

with lists:
    upload = st.file_uploader("Import an OPML file (from a feed reader, or exported here)", type=["opml", "xml"],
                              key="followed_opml")
    update = st.checkbox("Give sources already followed the file's details", key="followed_opml_update")
    if st.button("Import", disabled=upload is None, key="followed_import"):
        try:
            outcome = opml.import_sources(engine, upload.name, upload.getvalue(), update_existing=update)
        except InputError as err:
            st.error(tables.plain(str(err)))
        else:
            _done(("warning" if outcome.problems else "success", outcome.describe() + "."),
                  *(("text", problem) for problem in outcome.problems))
    st.download_button("Download the sources as OPML", opml.export(followed, dt.datetime.now(dt.timezone.utc)),
                       file_name="geowire-sources.opml", mime="text/x-opml", disabled=not followed)
