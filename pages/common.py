"""What every page shares: the store, the cached articles, the sample corpus on first start."""
from __future__ import annotations

import streamlit as st
from babel import Locale

from core import config, ingest, jobs, store, translate
from core.errors import ConfigError

# Languages offered as translation targets: those of the press Geowire's users read most, named
# in English by CLDR. Any other ISO 639-1 code works through GEOWIRE_TARGET_LANG or --to.
TARGET_LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "ru", "uk", "ar", "fa", "he", "tr", "zh", "ja")


@st.cache_resource
def _engine(url: str):
    return store.connect(url)


def engine():
    """The store named by GEOWIRE_DB (or the default), opened once per process."""
    return _engine(config.database_url())


@st.cache_data(show_spinner=False)
def _articles(_engine, url: str, revision: int):
    return store.load_articles(_engine)


def articles():
    """All stored articles, re-read only when the store's revision changes."""
    eng = engine()
    return _articles(eng, str(eng.url), store.revision(eng))


def ensure_sample_corpus() -> None:
    """On an empty store, ingest the shipped sample corpus so the dashboard has something to show."""
    eng = engine()
    if store.revision(eng) > 0:
        return
    bar = st.progress(0.0, text="First start: reading the sample corpus…")

    def advance(done: int, total: int, path: str, outcome: str) -> None:
        bar.progress(done / total, text=f"First start: reading the sample corpus ({done}/{total} files)")

    summary = ingest.ingest(eng, [config.SAMPLES_DIR], progress=False, on_file=advance)
    bar.empty()
    st.toast(f"Sample corpus loaded: {summary.describe()}")


def language_name(code: str | None) -> str:
    """English name of a language code ("fa" -> "Persian"), the code itself when CLDR has none."""
    if not code:
        return "unknown"
    return Locale("en").languages.get(code.split("-")[0], code)


def translation_settings() -> translate.Settings:
    """The configured translation settings, with the target language and provider the user chose
    on the Translation page (kept for the session, so every page shows the same translation)."""
    try:
        settings = config.translation_settings()
    except ConfigError as err:
        st.error(f"Translation settings: {err}")
        settings = translate.Settings()
    chosen = {name: st.session_state[f"translation_{name}"] for name in ("target", "provider", "url")
              if st.session_state.get(f"translation_{name}") is not None}
    if "url" in chosen:
        chosen["url"] = chosen["url"].strip() or None
    return translate.Settings(**{**settings.__dict__, **chosen})


@st.cache_data(show_spinner=False)
def _translations(_engine, url: str, target: str, revision: int):
    return store.load_translations(_engine, target)


def articles_with_translations(target: str):
    """All stored articles with their translation into ``target`` and its status."""
    eng = engine()
    found = _translations(eng, str(eng.url), target, store.revision(eng, "translations"))
    return translate.with_translations(articles(), found, target)


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
