"""What every page shares: the store, the cached frames, the filter bar (held across pages and in
the URL), chart and data downloads, background jobs, and the sample corpus on first start."""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st

from core import config, pipeline
from core.actors import actor_dictionary, frames
from core.analysis import filtering, ranking, timelines
from core.errors import ConfigError, ExportError, InputError
from core.export import articles as export_articles, data as export_data, figures as export_figures, files as export_files
from core.languages import language_name  # the pages name languages through common
from core.store import database, frame_cache, translation_memory
from core.translate import translated
from ui import jobs, plotly_view

# Languages offered as translation targets: those of the press Geowire's users read most, named
# in English by CLDR. Any other ISO 639-1 code works through GEOWIRE_TARGET_LANG or --to.
TARGET_LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "ru", "uk", "ar", "fa", "he", "tr", "zh", "ja")
# Every page of the app: (script, title, icon). app.py declares them; every page's sidebar lists them.
PAGES = (("pages/overview.py", "Overview", ":material/dashboard:"), ("pages/timeline.py", "Timeline", ":material/timeline:"),
         ("pages/network.py", "Actor network", ":material/hub:"), ("pages/sources.py", "Sources", ":material/compare:"),
         ("pages/articles.py", "Reader", ":material/article:"), ("pages/ingest.py", "Ingest", ":material/upload_file:"),
         ("pages/translation.py", "Translation", ":material/translate:"))
# The Timeline's views, one tab each (serve.py opens every one before the first visitor does).
TIMELINE_VIEWS = ("Published", "Dates the articles mention", "Attention to actors", "Stories in several outlets")
# Widget keys of the filter bar; each is also its URL query parameter, named as
# ``filtering.Filters.to_query_params`` writes them.
FILTER_KEYS = ("from", "to", "undated", "actor", "type", "lang", "source", "q")


def page_config() -> None:
    """Title, icon and wide layout. app.py sets them, and every page again (through filter_bar):
    a page of pages/ opened by its own URL (a copied link) was laid out in Streamlit's narrow
    centred column, the setting of app.py's run being dropped when the page's script started.
    The icon is a file: for a ":material/...:" icon Streamlit fetches the favicon from
    fonts.gstatic.com."""
    st.set_page_config(page_title="Geowire", page_icon=str(_ICON), layout="wide")


_ICON = Path(__file__).resolve().parent.parent / "static" / "geowire-icon.png"


# Frames are cached with st.cache_resource, not st.cache_data: cache_data pickles and copies the
# value on every hit, which for a large store costs more than the page. No stage changes its input
# (core's frames-in, new-frame-out rule), so sharing one frame between reruns and sessions is safe.
# Each key carries the store's revision, so a write makes the next run read afresh.


@st.cache_resource
def _engine(url: str):
    return database.connect(url, busy_seconds=config.busy_seconds())


def engine():
    """The store named by GEOWIRE_DB (or the default), opened once per process."""
    return _engine(config.database_url())


@st.cache_resource(show_spinner=False, max_entries=4)
def _articles(_engine, url: str, revision: int):
    return frame_cache.cached_articles(_engine, config.frames_cache_dir(url))


def articles():
    """All stored articles, re-read only when the store's revision changes."""
    eng = engine()
    return _articles(eng, str(eng.url), database.revision(eng))


@st.cache_resource(show_spinner="Loading the actor dictionary…")
def dictionary() -> actor_dictionary.Dictionary:
    return pipeline.load_dictionary()


@st.cache_resource(show_spinner=False, max_entries=4)
def _actor_frames(_engine, url: str, revision: int):
    version = pipeline.dictionary_version()
    return frames.cached_actor_frames(_engine, dictionary, version, config.frames_cache_dir(url))


@st.cache_resource(show_spinner="Grouping the corpus into stories (once after each change to the store)…", max_entries=2)
def _story_labels(_engine, _articles, _mentions, url: str, revision: int) -> pd.Series:
    version = pipeline.dictionary_version()
    return frames.cached_story_labels(_engine, _articles, _mentions, version, config.frames_cache_dir(url))


def story_labels(data: "Corpus") -> pd.Series:
    """The story of every stored article (``story_grouping.story_labels``), grouped once per revision."""
    eng = engine()
    return _story_labels(eng, data.articles, data.mentions, str(eng.url), database.revision(eng))


@dataclasses.dataclass(frozen=True)
class Corpus:
    """Everything the analysis pages draw from, for the chosen translation target."""

    articles: pd.DataFrame  # with the translation columns
    actors: pd.DataFrame
    mentions: pd.DataFrame
    dates: pd.DataFrame
    target: str


def corpus() -> Corpus:
    eng = engine()
    target = translation_settings().target
    found, mentions, dates = _actor_frames(eng, str(eng.url), database.revision(eng))
    return Corpus(articles_with_translations(target), found, mentions, dates, target)


def preload() -> bool:
    """Read what every page starts from into this process's caches before the server takes its
    first request (``serve.py``): the store's frames, their translations, the mention index and
    the spellings of the filter bar. Streamlit's resource caches belong to the process, so the
    first page opened finds them there instead of spending seconds on them. An empty store is left
    to ``ensure_sample_corpus``, which the first page run calls; False then."""
    eng = engine()
    if database.revision(eng) == 0:
        return False
    url, revision = str(eng.url), database.revision(eng)
    found, mentions, dates = _actor_frames(eng, url, revision)
    articles_with_translations(config.translation_settings().target)
    _actor_labels(found, mentions, url, revision)  # also builds the mention index every analysis uses
    _story_labels(eng, articles(), mentions, url, revision)
    # Plotly loads its template and JSON encoder on the first figure (0.7 s of the first page).
    from core.charts import theme
    theme.empty_figure("Geowire").to_json()
    return True


def ensure_sample_corpus() -> None:
    """On a store that never had anything, ingest the shipped sample corpus (and find its actors)
    so the dashboard has something to show. GEOWIRE_SAMPLE_CORPUS=0 starts empty instead."""
    if os.environ.get("GEOWIRE_SAMPLE_CORPUS", "1").strip().lower() in ("0", "false", "no", "off"):
        return
    eng = engine()
    if database.revision(eng) > 0:
        return
    bar = st.progress(0.0, text="First start: reading the sample corpus…")

    def advance(done: int, total: int, path: str, outcome: str) -> None:
        bar.progress(done / total, text=f"First start: reading the sample corpus ({done}/{total} files)" if done < total
                     else "First start: finding actors and dates…")

    outcome = pipeline.ingest(eng, [config.SAMPLES_DIR], dictionary=dictionary(), progress=False, on_file=advance)
    bar.empty()
    st.toast(f"Sample corpus loaded: {outcome.ingested.describe()}")


# --- filters ------------------------------------------------------------------------------------

@st.cache_resource(show_spinner=False, max_entries=4)
def _actor_labels(_actors, _mentions, url: str, revision: int) -> dict:
    """The Actors box's label of every actor, by id. Spellings in the label make the original
    scripts searchable in the box (Патрушев finds Patrushev)."""
    spellings = ranking.spellings(_mentions, limit=4).to_dict()
    return {actor_id: f"{name} ({kind if isinstance(kind, str) else '?'})"
                      + (f" · {spellings[actor_id]}" if spellings.get(actor_id) else "")
            for actor_id, name, kind in _actors[["actor_id", "name", "type"]].itertuples(index=False)}


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


@st.cache_resource(show_spinner=False, max_entries=4)
def _actor_names(_actors, url: str, revision: int) -> dict:
    return _actors.set_index("actor_id")["name"].to_dict()


def actor_names(data: Corpus) -> dict:
    """English name of every actor, by id (kept per revision: 1,000 actors take 20 ms a run)."""
    eng = engine()
    return _actor_names(data.actors, str(eng.url), database.revision(eng))


_SAVED = "_filters_saved"  # the filter values, kept outside the widgets (see filter_bar)
_FILTERS_DRAWN_ON = "_filters_drawn_on"  # the page whose run last drew the filter bar
_APPLIED = "_filters_applied"  # how many times filters were applied, reset or set by a click
_PENDING_NOTE = st.components.v2.component(
    "geowire_filters_pending", js=(Path(__file__).resolve().parent.parent / "ui" / "filters_pending.js").read_text(encoding="utf-8"),
    css=".geowire-filters-pending { font-size: 0.8rem; line-height: 1.2rem; color: #a33b00; }",
    isolate_styles=False)


def filter_bar(data: Corpus, page: str) -> filtering.Filters:
    """The shared filters in the sidebar, drawn by every page (through ``selection``; ``page``:
    its title).

    The choices take effect when "Apply filters" is pressed. Streamlit forgets a widget's value
    when a page without it runs, so the applied values are also kept under a plain session key and
    given back to the widgets on each page: they hold across pages.
    They are written to the URL on every run, so a copied link reopens the same view
    (``filtering.Filters`` reads and writes the parameters: actor ids, language codes, ISO dates).
    """
    page_config()
    eng = engine()
    first, last, options = _filter_options(data.articles, data.actors, str(eng.url), database.revision(eng))
    state = st.session_state
    if _SAVED not in state:
        state[_SAVED] = _filters_from_url(options, first, last)
    # A widget on another page is another widget to Streamlit (it would start from its default):
    # the first run of a page hands the saved values to its widgets, and "Apply filters" saves
    # them (its callback runs before the run that follows it). The page's later runs hand back
    # only a value that differs (after a reset, a click in the network): handing the same one again
    # would throw away the choices made in the bar but not applied yet.
    arrived = state.get(_FILTERS_DRAWN_ON) != page
    state[_FILTERS_DRAWN_ON] = page
    for key in FILTER_KEYS:
        saved = state[_SAVED].get(key, _DEFAULTS[key])
        if arrived or key not in state or state[key] != saved:
            state[key] = saved
    with st.sidebar:
        for path, title, icon in PAGES:
            st.page_link(path, label=title, icon=icon)
        st.divider()
        st.header("Filters")
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
            start, end = st.columns(2)
            start.date_input("From", min_value=first, max_value=last, key="from", format="YYYY-MM-DD")
            end.date_input("To", min_value=first, max_value=last, key="to", format="YYYY-MM-DD")
            st.checkbox("Include undated articles", key="undated")
            labels = _actor_labels(data.actors, data.mentions, str(eng.url), database.revision(eng))
            st.multiselect("Actors", options["actor"], format_func=lambda actor_id: labels.get(actor_id, actor_id), key="actor",
                           placeholder="a name in any script")
            st.multiselect("Actor types", options["type"], key="type")
            st.multiselect("Languages", options["lang"], key="lang", format_func=lambda code: f"{language_name(code)} ({code})")
            st.multiselect("Sources", options["source"], key="source")
            st.text_input("Text contains", key="q", placeholder="original or translation")
    filters = current_filters()
    wanted = filters.to_query_params()
    for key in FILTER_KEYS:
        if key in wanted:
            if st.query_params.get(key) != wanted[key]:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]
    return filters


def _filters_from_url(options: dict, first, last) -> dict:
    """The filters a copied link carries, as widget values. Values the store does not have (an
    actor since removed, a mistyped language, a date outside the corpus) are dropped."""
    given = filtering.Filters.from_query_params({key: st.query_params.get_all(key) for key in st.query_params})
    values: dict = {"from": None, "to": None, "undated": given.include_undated, "q": given.query}
    for key, chosen in (("actor", given.actors), ("type", given.actor_types), ("lang", given.languages),
                        ("source", given.sources)):
        values[key] = [v for v in chosen if v in set(options[key])]
    for key, day in (("from", given.date_from), ("to", given.date_to)):
        if day is not None and first is not None and first <= day <= last:
            values[key] = day
    return values


_DEFAULTS = {"from": None, "to": None, "undated": True, "actor": [], "type": [], "lang": [], "source": [], "q": ""}


def _apply_filters() -> None:
    """The filter form's submit callback: its values become the filters of every page."""
    _save_filters({key: st.session_state.get(key, _DEFAULTS[key]) for key in FILTER_KEYS})


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
        languages=tuple(state.get("lang") or ()), sources=tuple(state.get("source") or ()), query=state.get("q") or "")


def select_actor(actor_id: str) -> None:
    """Filter every page to one actor (a click in the network, a row in a table). Called from
    widget callbacks, which run before the filter bar is drawn."""
    _save_filters({**st.session_state.get(_SAVED, {}), "actor": [actor_id]})


@st.cache_resource(show_spinner=False, max_entries=16)
def _select(_data: Corpus, url: str, revision: int, translations_revision: int, target: str,
            filters: filtering.Filters) -> pd.DataFrame:
    return filtering.filter_articles(_data.articles, filters, _data.mentions, _data.actors)


def selection(data: Corpus, page: str) -> pd.DataFrame:
    """The articles the current filters select (cached per filter setting), with a caption that says
    how many they are: every page (``page``: its title) shows it, under the filter bar."""
    eng = engine()
    filters = filter_bar(data, page)
    chosen = _select(data, str(eng.url), database.revision(eng), database.revision(eng, "translations"), data.target, filters)
    summary = memo("selection-summary", lambda: filtering.overview(chosen))
    span = (f" · {summary.first:%Y-%m-%d} to {summary.last:%Y-%m-%d}" if summary.first is not None else "")
    st.caption(f"{summary.articles} of {len(data.articles)} articles · {_count(summary.sources, 'source')} · "
               f"{_count(summary.languages, 'language')} · {summary.undated} undated{span}")
    return chosen


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


@st.cache_resource
def _results() -> OrderedDict:
    return OrderedDict()


MAX_RESULTS = 64  # analysis results kept per process, least recently used dropped first


def memo(name: str, compute, *options):
    """``compute()``, remembered for this store revision, these filters and ``options``: a widget
    that changes something else, a return to a page or another session with the same view reuses
    it (story groups and the network take seconds on a large store)."""
    eng = engine()
    key = (name, str(eng.url), database.revision(eng), database.revision(eng, "translations"),
           translation_settings().target, current_filters(), options)
    results = _results()
    if key in results:
        results.move_to_end(key)
        return results[key]
    value = compute()
    results[key] = value
    while len(results) > MAX_RESULTS:
        results.popitem(last=False)
    return value


def open_page(title: str, charts: bool = False) -> tuple[Corpus, pd.DataFrame]:
    """The start of every analysis page: its title, the corpus, the filter bar and the selection
    (with its count); on an empty store, a notice and nothing more. ``charts``: the page draws
    charts, so the browser starts loading their library first (plotly_view.preload)."""
    if charts:
        plotly_view.preload()
    st.title(title)
    data = corpus()
    selected = selection(data, title)
    if empty_store_notice(data):
        st.stop()
    return data, selected


_KEPT = "_widgets_kept"  # values of widgets that may go undrawn for a run (see kept)


def kept(key: str, **default) -> dict:
    """Arguments for a widget whose value should survive runs in which it is not drawn, such as a
    closed tab's (Streamlit drops the state of a widget that a run did not draw): pass them
    instead of ``key``, and the widget's default as a keyword (``default=...``). The default is
    left out once the user has chosen a value: Streamlit refuses both at once."""
    saved = st.session_state.setdefault(_KEPT, {})
    if key in saved and key not in st.session_state:
        st.session_state[key] = saved[key]
    return {"key": key, "on_change": _save_widget, "args": (key,), **({} if key in saved else default)}


def _save_widget(key: str) -> None:
    """A kept widget's callback: its value, saved for the runs that do not draw it (see kept)."""
    st.session_state.setdefault(_KEPT, {})[key] = st.session_state.get(key)


def period(key: str) -> str:
    """The day / week / month choice of a time chart."""
    return st.segmented_control("Period", list(timelines.FREQUENCIES), default="week", key=key) or "week"


def empty_store_notice(data: Corpus) -> bool:
    """Say how to fill an empty store; True when it is empty (the page then has nothing to draw)."""
    if len(data.articles):
        return False
    st.info("The store is empty. Add articles on the Ingest page, or with `python -m core ingest PATH`.")
    return True


# --- downloads ----------------------------------------------------------------------------------

def chart(fig, view: str, key: str | None = None, on_click=None) -> None:
    """Draw a figure, with its downloads (PNG, SVG, PDF, standalone HTML) made only when asked.
    ``on_click``: see plotly_view.draw."""
    today = dt.date.today()
    # The chart's own camera button saves under the same name as the download below.
    camera = {"format": "png", "scale": 2, "filename": export_files.export_filename(view, "png", today).removesuffix(".png")}
    plotly_view.draw(fig, key or f"{view}-chart", {"displaylogo": False, "toImageButtonOptions": camera}, on_click)
    _download_menu("Download chart", ":material/download:", f"{key or view}-export",
                   [(fmt.upper(), _figure_file(fig, fmt), export_files.export_filename(view, fmt, today),
                     export_files.MIME_TYPES[fmt], f"{key or view}-{fmt}") for fmt in export_figures.FIGURE_FORMATS])


def _figure_file(fig, fmt: str):
    def render() -> bytes:
        try:
            return export_figures.figure_bytes(fig, fmt)
        except ExportError as err:
            # The download then carries the reason instead of a broken image.
            st.error(str(err))
            return str(err).encode()
    return render


def data_downloads(frame: pd.DataFrame | Callable[[], pd.DataFrame], view: str, filters: filtering.Filters) -> None:
    """The filtered data as CSV, XLSX and JSON, with the filters recorded (actors by name and id):
    inside the XLSX (sheet ``filters``) and the JSON (``metadata``); for the CSV in its manifest,
    a button of its own ("Filters of the CSV", ``<csv file name>.json``), so that the CSV stays
    the one plain table every program reads and the manifest has the name the command line gives
    it. ``frame`` may be a callable making it, for data the page does not build to draw itself."""
    names = actor_names(corpus()) if filters.actors else {}
    metadata = export_data.export_metadata(view, filters.to_dict(), dt.datetime.now(dt.timezone.utc), actor_names=names)
    made = frame if callable(frame) else lambda: frame
    today = dt.date.today()
    files = []
    for fmt in export_data.DATA_FORMATS:
        name = export_files.export_filename(view, fmt, today)
        if fmt in export_data.SIDECAR_FORMATS:
            files += [(f"Data as {fmt.upper()}", lambda fmt=fmt: export_data.to_bytes(made(), fmt), name,
                       export_files.MIME_TYPES[fmt], f"data-{view}-{fmt}"),
                      (f"Filters of the {fmt.upper()}", lambda name=name: export_data.manifest_bytes(made(), name, metadata),
                       export_files.manifest_name(name), export_files.MIME_TYPES["json"], f"data-{view}-{fmt}-manifest")]
        else:
            files.append((f"Data as {fmt.upper()}", lambda fmt=fmt: export_data.to_bytes(made(), fmt, metadata), name,
                          export_files.MIME_TYPES[fmt], f"data-{view}-{fmt}"))
    _download_menu("Download data", ":material/table:", f"data-{view}", files)


def article_downloads(data: Corpus, selected: pd.DataFrame, view: str, filters: filtering.Filters) -> None:
    """``data_downloads`` of the selected articles with the columns of ``python -m core export``
    (``core.export.articles``: their actors and mentioned dates too)."""
    data_downloads(lambda: export_articles.article_table(selected, data.actors, data.mentions, data.dates), view, filters)


def _download_menu(label: str, icon: str, key: str, files: list) -> None:
    """A menu of download buttons, one per (button label, data or a callable making it, file
    name, MIME type, widget key). The buttons are drawn only while the menu is open (opening it
    reruns the page): each element costs the browser time on every filter change, and most changes
    never export. The data is made only when its button is pressed."""
    menu = st.popover(label, icon=icon, key=key, on_change="rerun")
    if menu.open:
        with menu, st.container(horizontal=True):
            for button, data, file_name, mime, button_key in files:
                st.download_button(button, data=data, file_name=file_name, mime=mime, key=button_key, on_click="ignore")

# --- translation --------------------------------------------------------------------------------

def translation_settings() -> config.TranslationSettings:
    """The configured translation settings, with the target language and provider the user chose
    on the Translation page (kept for the session, so every page shows the same translation)."""
    try:
        settings = config.translation_settings()
    except ConfigError as err:
        st.error(f"Translation settings: {err}")
        settings = config.TranslationSettings()
    chosen = {name: st.session_state[f"translation_{name}"] for name in ("target", "provider", "url")
              if st.session_state.get(f"translation_{name}") is not None}
    if "url" in chosen:
        chosen["url"] = chosen["url"].strip() or None
    return config.TranslationSettings(**{**settings.__dict__, **chosen})


@st.cache_resource(show_spinner=False, max_entries=4)
def _translations(_engine, url: str, target: str, revision: int):
    return translation_memory.load_translations(_engine, target)


@st.cache_resource(show_spinner=False, max_entries=4)
def _with_translations(_articles, _translations, url: str, target: str, revision: int, translations_revision: int):
    # Newest first, the order of every selection: an unfiltered view then needs no copy.
    return filtering.filter_articles(translated.with_translations(_articles, _translations, target), filtering.Filters())


def articles_with_translations(target: str):
    """All stored articles with their translation into ``target`` and its status."""
    eng = engine()
    revision, translated = database.revision(eng), database.revision(eng, "translations")
    found = _translations(eng, str(eng.url), target, translated)
    return _with_translations(articles(), found, str(eng.url), target, revision, translated)


# --- background jobs ----------------------------------------------------------------------------

@st.cache_resource
def _jobs() -> dict:
    return {}


def job(name: str) -> jobs.BackgroundJob | None:
    """The latest background job of that name for this store, shared by every session."""
    return _jobs().get((str(engine().url), name))


def start_job(name: str, work: jobs.Work) -> jobs.BackgroundJob:
    running = job(name)
    if running is not None and running.running:
        return running
    started = jobs.BackgroundJob(name, work).start()
    _jobs()[(str(engine().url), name)] = started
    return started


def ingest_and_extract(paths: list, report, cancelled, roots: list[Path] | None = None) -> pipeline.PipelineRun:
    """The Ingest page's job: the same pipeline as ``python -m core ingest`` (store, find actors and
    dates, write the frames). ``roots``: the folders the page may read (a link inside them leading
    elsewhere is not followed).

    A store that cannot take a write (busy past the wait, a full disk) ends the job with the same
    one line as the command line (``StoreBusy``/``StoreWriteError``, raised: the job shows it as
    failed); what was stored before it is kept and listed in the log below."""
    try:
        loaded = dictionary()
    except InputError:  # the pipeline names the broken file and stores the articles all the same
        loaded = None
    outcome = pipeline.ingest(engine(), paths, dictionary=loaded, progress=False, roots=roots,
                              on_file=lambda done, total, path, outcome: report(done, total, f"{path}: {outcome}"))
    if outcome.ingested.stopped is not None:
        raise outcome.ingested.stopped
    return outcome
