"""The shared filter bar: drawn in the sidebar of every page, its applied values held across pages
(in the session) and in the URL (a copied link reopens the same view), and the selection of
articles they give, with the caption that counts it under every page's title. Above it, a search
for an actor by any spelling; under it, the actors a text query names, offered as the filter."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import streamlit as st

from core import languages
from core.analysis import actor_search, filtering, mention_index, text_search
from core.charts import tables
from core.store import database
from ui import corpus, navigation, saved_views, view_state, whats_new

# Widget keys of the filter bar; each is also its URL query parameter, named as
# ``filtering.Filters.to_query_params`` writes them.
FILTER_KEYS = ("from", "to", "undated", "actor", "actor_mode", "type", "lang", "source", "q")
ACTOR_MODES = {"any": "any of them", "all": "all of them"}
FOUND_ACTORS = 5  # results of the actor search shown (each a button two or three lines high)


@st.cache_resource(show_spinner=False, max_entries=4)
def _filter_options(_articles, _actors, url: str, revision: int) -> tuple:
    """The first and last publication day and the choices of the filter bar's boxes. Kept per
    revision: read from 100k articles on every run, they took 30-40 ms of each filter change."""
    dated = _articles["published"].dropna()
    first = dated.min().date() if len(dated) else None
    last = dated.max().date() if len(dated) else None
    options = {"actor": list(_actors["actor_id"]), "type": list(filtering.ACTOR_TYPES),
               "lang": sorted(_articles["language"].dropna().unique()),
               "source": sorted(_articles["source"].dropna().unique())}
    return first, last, options


_SAVED = "_filters_saved"  # the filter values, kept outside the widgets (see filter_bar)
_FILTERS_DRAWN_ON = "_filters_drawn_on"  # the page whose run last drew the filter bar
_APPLIED = "_filters_applied"  # how many times filters were applied, reset or set by a click
_PENDING_NOTE = st.components.v2.component(
    "geowire_filters_pending", js=(Path(__file__).parent / "filters_pending.js").read_text(encoding="utf-8"),
    css=".geowire-filters-pending { font-size: 0.8rem; line-height: 1.2rem; color: #a33b00; }",
    isolate_styles=False)


def filter_bar(data: corpus.Corpus, page: str) -> filtering.Filters:
    """The shared filters in the sidebar, drawn by every page (through ``selection``; ``page``:
    its title).

    The choices take effect when "Apply filters" is pressed. Streamlit forgets a widget's value
    when a page without it runs, so the applied values are also kept under a plain session key and
    given back to the widgets on each page: they hold across pages.
    They are written to the URL on every run, so a copied link reopens the same view
    (``filtering.Filters`` reads and writes the parameters: actor ids, language codes, ISO dates).
    """
    navigation.page_config()
    eng = corpus.engine()
    first, last, options = _filter_options(data.articles, data.actors, str(eng.url), database.revision(eng))
    state = st.session_state
    # A saved view being opened (ui.view_state) brings its filters, as a fresh browser's link does.
    if view_state.begin_run() or _SAVED not in state:
        state[_SAVED] = _filters_from_url(options, first, last)
    # A widget on another page is another widget to Streamlit (it would start from its default):
    # the first run of a page hands the saved values to its widgets, and "Apply filters" saves
    # them (its callback runs before the run that follows it). The page's later runs hand back
    # only a value that differs (after a reset, a click in the network): handing the same one again
    # would throw away the choices made in the bar but not applied yet.
    arrived = state.get(_FILTERS_DRAWN_ON) != page
    state[_FILTERS_DRAWN_ON] = page
    shown = _applied_as_shown(state[_SAVED], options)
    for key in FILTER_KEYS:
        if arrived or key not in state or state[key] != shown[key]:
            state[key] = shown[key]
    state["new_only"] = state[_SAVED].get("new") is not None
    with st.sidebar:
        whats_new.marker(data)
        navigation.menu({"pages/alerts.py": whats_new.unseen_alerts()})
        whats_new.store_watch()
        st.divider()
        st.header("Filters")
        _actor_finder(data)
        # A form: choices take effect together when "Apply filters" is pressed (or Enter in the
        # text box). Setting actor, language and source is then one redraw of 100k articles, not
        # three; and a multiselect that applies a pick at once sends it 0.1 s after the pointer goes
        # down and redraws its open list before the run starts: a change through the button took
        # 0.1-0.3 s less at 100k articles (docs/dashboard-performance.md).
        with st.form("filters", border=False):
            # The buttons come first: below the boxes, a press on "Apply filters" while a box had
            # the focus missed, the box shrinking under the pointer as it lost the focus. Apply
            # leads, as Enter in "Text contains" presses the form's first button.
            apply, reset = st.columns(2)
            apply.form_submit_button("Apply filters", type="primary", on_click=_apply_filters, key="apply_filters",
                                     help="The choices below take effect on every page when this is pressed (Enter in "
                                          "\"Text contains\" presses it too); until then the pages keep the filters "
                                          "applied before.")
            reset.form_submit_button("Reset filters", on_click=_reset_filters, key="reset_filters")
            # The form sends nothing before it is submitted, so whether the boxes differ from the
            # applied filters is known only in the page (ui/filters_pending.js). The note keeps
            # its line when hidden: a line appearing would move the boxes under the pointer.
            _PENDING_NOTE(key="filters-pending", data={"applied": f"{page}#{state.get(_APPLIED, 0)}"})
            # Each box is also given the applied value as its own default: a tab's first run can be
            # stopped before it sends the bar (a component's value arriving restarts it), and a
            # box drawn later without the value falls back to its default in the browser; with
            # Streamlit's defaults the undated box showed unticked while the pages included
            # undated articles, and "Apply filters" then left them out.
            start, end = st.columns(2)
            start.date_input("From", value=shown["from"], min_value=first, max_value=last, key="from", format="YYYY-MM-DD")
            end.date_input("To", value=shown["to"], min_value=first, max_value=last, key="to", format="YYYY-MM-DD")
            st.checkbox("Include undated articles", value=shown["undated"], key="undated")
            labels = corpus.actor_labels(data)
            st.multiselect("Actors", options["actor"], default=shown["actor"],
                           format_func=lambda actor_id: labels.get(actor_id, actor_id), key="actor",
                           placeholder="a name in any script")
            st.radio("Articles naming", list(ACTOR_MODES), index=list(ACTOR_MODES).index(shown["actor_mode"]),
                     format_func=ACTOR_MODES.get, key="actor_mode", horizontal=True,
                     help="Any of them: articles naming at least one of the chosen actors. All of them: only articles "
                          "naming every chosen actor (Iran and Russia together).")
            st.multiselect("Actor types", options["type"], default=shown["type"], key="type")
            st.multiselect("Languages", options["lang"], default=shown["lang"], key="lang",
                           format_func=lambda code: f"{languages.language_name(code)} ({code})")
            st.multiselect("Sources", options["source"], default=shown["source"], key="source")
            st.text_input("Text contains", value=shown["q"], key="q", placeholder='words, "a phrase", AND, OR, NOT',
                          help='Whole words in the title or text, original or translated, ignoring case and accents. '
                               'Words side by side must all be there; OR takes either; NOT (or -word) excludes; '
                               '"quotes" keep a phrase together; parentheses group: (Iran OR Russia) NOT Ukraine.')
            _new_only(data)
        _actor_offer(data)
        saved_views.section(page)
    filters = current_filters()
    wanted = filters.to_query_params()
    for key in (*FILTER_KEYS, "new"):
        if key in wanted:
            if st.query_params.get(key) != wanted[key]:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]
    return filters


def _applied_as_shown(saved: dict, options: dict) -> dict:
    """The applied filters as the boxes' values: every key present, and the picks of a box limited
    to its options (an actor or source the store no longer has is not offered)."""
    shown = {key: saved.get(key, _DEFAULTS[key]) for key in FILTER_KEYS}
    for key in ("actor", "type", "lang", "source"):
        allowed = set(options[key])
        shown[key] = [value for value in shown[key] or [] if value in allowed]
    shown["undated"] = bool(shown["undated"])
    shown["actor_mode"] = shown["actor_mode"] if shown["actor_mode"] in ACTOR_MODES else "any"
    shown["q"] = shown["q"] or ""
    return shown


def _new_only(data: corpus.Corpus) -> None:
    """The "new since the last visit" box: offered once this browser has a last visit (or a link
    brought a moment); it says how many articles arrived since."""
    since = st.session_state[_SAVED].get("new") or whats_new.last_visit()
    if since is None:
        return
    count = whats_new.new_since(data, since)
    visit = whats_new.last_visit()
    when = "my last visit" if visit is not None and abs((since - visit).total_seconds()) < 1 else f"{since:%Y-%m-%d %H:%M} UTC"
    st.checkbox(f"Only new since {when} ({count:,})", value=st.session_state[_SAVED].get("new") is not None, key="new_only",
                help=f"Articles stored after {since:%Y-%m-%d %H:%M} UTC: what arrived since this browser last had the "
                     "dashboard open (a link carries the moment itself).")


def _filters_from_url(options: dict, first, last) -> dict:
    """The filters a copied link carries, as widget values. Values the store does not have (an
    actor since removed, a mistyped language, a date outside the corpus) are dropped."""
    given = filtering.Filters.from_query_params({key: st.query_params.get_all(key) for key in st.query_params})
    values: dict = {"from": None, "to": None, "undated": given.include_undated, "q": given.query,
                    "actor_mode": given.actor_match, "new": given.stored_since}
    for key, chosen in (("actor", given.actors), ("type", given.actor_types), ("lang", given.languages),
                        ("source", given.sources)):
        values[key] = [v for v in chosen if v in set(options[key])]
    for key, day in (("from", given.date_from), ("to", given.date_to)):
        if day is not None and first is not None and first <= day <= last:
            values[key] = day
    return values


_DEFAULTS = {"from": None, "to": None, "undated": True, "actor": [], "actor_mode": "any", "type": [], "lang": [], "source": [],
             "q": "", "new": None}


def _apply_filters() -> None:
    """The filter form's submit callback: its values become the filters of every page."""
    saved = st.session_state.get(_SAVED, {})
    new = (saved.get("new") or whats_new.last_visit()) if st.session_state.get("new_only") else None
    _save_filters({**{key: st.session_state.get(key, _DEFAULTS[key]) for key in FILTER_KEYS}, "new": new})


def _reset_filters() -> None:
    _save_filters(dict(_DEFAULTS))


def _save_filters(values: dict) -> None:
    st.session_state[_SAVED] = values
    st.session_state[_APPLIED] = st.session_state.get(_APPLIED, 0) + 1


def current_filters() -> filtering.Filters:
    state = st.session_state.get(_SAVED, {})
    return filtering.Filters(
        date_from=state.get("from"), date_to=state.get("to"), include_undated=bool(state.get("undated", True)),
        actors=tuple(state.get("actor") or ()), actor_types=tuple(state.get("type") or ()),
        actor_match="all" if state.get("actor_mode") == "all" else "any",
        languages=tuple(state.get("lang") or ()), sources=tuple(state.get("source") or ()), query=state.get("q") or "",
        stored_since=state.get("new"))


def select_actor(actor_id: str) -> None:
    """Filter every page to one actor (a click in the network, a row in a table). Called from
    widget callbacks, which run before the filter bar is drawn."""
    _save_filters({**st.session_state.get(_SAVED, {}), "actor": [actor_id]})


# Selections are kept as positions (4 bytes an article) for the last RECENT_SELECTIONS filter
# settings, and as frames for the last few only: at 1M articles one frame of a 310k-article
# selection holds 120 MB, and sixteen of them held the server at 2.3 GB. Going back to an earlier
# setting takes its rows again (tens of milliseconds) instead of filtering again.
RECENT_SELECTIONS = 16
SELECTION_FRAMES = 3


@st.cache_resource(show_spinner=False, max_entries=RECENT_SELECTIONS)
def _selected_rows(_data: corpus.Corpus, url: str, revision: int, translations_revision: int, target: str,
                   filters: filtering.Filters):
    return filtering.selected_rows(_data.articles, filters, _data.mentions, _data.actors, corpus.text_lookup(_data.articles))


@st.cache_resource(show_spinner=False, max_entries=SELECTION_FRAMES)
def _select(_data: corpus.Corpus, url: str, revision: int, translations_revision: int, target: str,
            filters: filtering.Filters) -> pd.DataFrame:
    # The same frame object for as long as it is kept: analysis results are remembered by it.
    rows = _selected_rows(_data, url, revision, translations_revision, target, filters)
    chosen = filtering.rows_of(_data.articles, rows)
    if chosen is not _data.articles and len(_data.mentions):
        mention_index.of(_data.mentions).remember_rows(chosen, _data.articles, rows)
    return chosen


@st.cache_resource(show_spinner=False, max_entries=16)
def _summary(_chosen: pd.DataFrame, url: str, revision: int, translations_revision: int, target: str,
             filters: filtering.Filters) -> filtering.Overview:
    # Keyed as _select is: its selection is the one these arguments give.
    return filtering.overview(_chosen)


def selection(data: corpus.Corpus, page: str) -> pd.DataFrame:
    """The articles the current filters select (cached per filter setting), with a caption that says
    how many they are: every page (``page``: its title) shows it, under the filter bar."""
    eng = corpus.engine()
    filters = filter_bar(data, page)
    try:
        text_search.parse(filters.query)
    except text_search.QueryError as err:
        st.sidebar.error(f"Text contains: {err}. The text is left out until it is fixed.", icon=":material/error:")
    filters = _readable(filters)
    view = (str(eng.url), database.revision(eng), database.revision(eng, "translations"), data.target, filters)
    chosen = _select(data, *view)
    summary = _summary(chosen, *view)
    span = (f" · {summary.first:%Y-%m-%d} to {summary.last:%Y-%m-%d}" if summary.first is not None else "")
    st.caption(f"{summary.articles} of {len(data.articles)} articles · {_count(summary.sources, 'source')} · "
               f"{_count(summary.languages, 'language')} · {summary.undated} undated{span}")
    return chosen


def _readable(filters: filtering.Filters) -> filtering.Filters:
    """``filters`` without a text query that cannot be read (``selection`` says why)."""
    try:
        text_search.parse(filters.query)
    except text_search.QueryError:
        return dataclasses.replace(filters, query="")
    return filters


def selection_without_actors(data: corpus.Corpus) -> pd.DataFrame:
    """The articles the current filters select with the chosen actors left out: what a view that
    counts each actor itself (the Timeline's attention to actors) counts over. Under an actor
    filter every selected article names the actors, and each actor's line would be the filter's."""
    eng = corpus.engine()
    filters = dataclasses.replace(_readable(current_filters()), actors=(), actor_match="any")
    return _select(data, str(eng.url), database.revision(eng), database.revision(eng, "translations"), data.target, filters)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


# --- finding actors by any spelling -----------------------------------------------------------------

_FIND = "actor_find"  # the actor search box


def _isolated(text: str) -> str:
    """Text from the data inside a label, isolated for the bidirectional algorithm (an Arabic
    spelling keeps its own direction and does not carry the count after it along), Markdown inert."""
    return f"\u2068{tables.plain(text)}\u2069"


@st.cache_resource(show_spinner=False, max_entries=64)
def _found(_index: actor_search.SpellingIndex, url: str, revision: int, typed: str) -> pd.DataFrame:
    # Kept per store revision: the box keeps its text, and every later run of the page would
    # search again (40-100 ms at 100k spellings).
    return actor_search.search(typed, _index, limit=FOUND_ACTORS)


@st.cache_resource(show_spinner=False, max_entries=64)
def _offered(_index: actor_search.SpellingIndex, url: str, revision: int, query: str) -> actor_search.Offer | None:
    return actor_search.offer(query, _index)


def _actor_finder(data: corpus.Corpus) -> None:
    """A search box for an actor by any spelling in any script (every alias of the dictionary and
    every spelling seen in the articles, ``actor_search``); a result adds the actor to the filter.
    Outside the form: results follow the typing (Enter), not "Apply filters"."""
    typed = st.text_input("Find an actor", key=_FIND, placeholder="any spelling: Патрушев, باتروشيف, Patrouchev…",
                          help="Searches every spelling of every actor, in any script, as the dictionary lists them and "
                               "as the articles write them; picking a result adds the actor to the filter.")
    if not typed.strip():
        return
    eng = corpus.engine()
    found = _found(corpus.spelling_index(data), str(eng.url), database.revision(eng), typed)
    if found.empty:
        st.caption(f"No actor is spelled like {_isolated(typed)}.")
        return
    chosen = set(st.session_state[_SAVED].get("actor") or [])
    for actor in found.itertuples():
        matched = f" — matched «{_isolated(actor.spelling)}»" if actor.matched else ""
        count = f" · {actor.articles} article{'s' * (actor.articles != 1)}"
        st.button(f"{_isolated(actor.name)}{matched}{count}", key=f"found_{actor.actor_id}", on_click=_add_actor,
                  args=(actor.actor_id,), disabled=actor.actor_id in chosen, width="stretch",
                  help="already in the filter" if actor.actor_id in chosen else "add to the Actors filter")


def _add_actor(actor_id: str) -> None:
    saved = st.session_state.get(_SAVED, {})
    _save_filters({**saved, "actor": list(dict.fromkeys([*(saved.get("actor") or []), actor_id]))})
    st.session_state[_FIND] = ""


def _actor_offer(data: corpus.Corpus) -> None:
    """Under the text box: the actors the applied text names, offered as the actor filter, which
    finds them in every script and spelling ("Shoigu" is also Шойгу and شويغو)."""
    query = st.session_state[_SAVED].get("q") or ""
    if not query.strip():
        return
    eng = corpus.engine()
    found = _offered(corpus.spelling_index(data), str(eng.url), database.revision(eng), query)
    if found is None:
        return
    names = " and ".join(_isolated(name) for name in found.actors["name"])
    terms = ", ".join(f"“{_isolated(term)}”" for term in found.actors["term"])
    st.caption(f"{terms} {'names an actor' if len(found.actors) == 1 else 'name actors'}: {names}. The actor filter "
               "finds every spelling, in every script; the text only the words as typed.")
    st.button(f"Filter by {names} instead", key="text_to_actor", on_click=_text_to_actors,
              args=(list(found.actors["actor_id"]), found.query, found.mode), icon=":material/person_search:")


def _text_to_actors(actor_ids: list, query: str, mode: str) -> None:
    saved = st.session_state.get(_SAVED, {})
    actors = list(dict.fromkeys([*(saved.get("actor") or []), *actor_ids]))
    _save_filters({**saved, "actor": actors, "q": query, "actor_mode": mode if len(actors) > 1 else saved.get("actor_mode", "any")})
