"""Translation: choose the target language and provider, run translation in the background, and
see what is translated, what waits and why."""
import streamlit as st

from core import config, languages, pipeline
from core.charts import tables
from core.translate import providers, run, translated
from ui import article_columns, corpus, filters, jobs

st.title("Translation")
filters.selection(corpus.current(), "Translation")
settings = corpus.translation_settings()

PROVIDERS = (config.NO_PROVIDER, *config.TRANSLATION_PROVIDERS)
_PROVIDER_LABELS = {config.NO_PROVIDER: "None (nothing is sent anywhere)",
                    "libre": "LibreTranslate (self-hosted: give its address below)"}

with st.form("translation_settings"):
    left, middle = st.columns(2)
    targets = list(dict.fromkeys((settings.target, *corpus.TARGET_LANGUAGES)))
    target = left.selectbox("Translate into", targets, index=targets.index(settings.target),
                            format_func=lambda code: f"{languages.language_name(code)} ({code})")
    provider = middle.selectbox(
        "Provider", PROVIDERS, index=PROVIDERS.index(settings.provider),
        format_func=lambda name: _PROVIDER_LABELS.get(name) or f"{providers.SERVICES[name]} (sends the text to its servers)")
    url = st.text_input("Server address (LibreTranslate or another self-hosted provider)", value=settings.url or "",
                        placeholder="http://127.0.0.1:5000/")
    if st.form_submit_button("Use these settings"):
        st.session_state.update(translation_target=target, translation_provider=provider, translation_url=url)
        settings = corpus.translation_settings()
where = providers.destination(settings)
# Said plainly, before anything is sent: which service receives the articles' text, and whether it
# leaves this machine.
(st.warning if where.leaves_machine else st.info)(tables.plain(where.describe()),
                                                  icon="🌐" if where.leaves_machine else "🔒")
st.caption(f"Translating with {settings.describe()} · key {'set' if settings.key else 'not set'} "
           "(keys come from GEOWIRE_TRANSLATE_KEY or the settings file, never from this page)")

articles = corpus.articles_with_translations(settings.target)
progress = translated.status_by_language(articles)
totals = progress[["translated", "pending", "failed", "not needed"]].sum()
st.caption(f"{len(articles)} articles · {totals['translated']} translated · {totals['pending']} waiting for translation "
           f"({totals['failed']} after a failed attempt) · {totals['not needed']} already in "
           f"{languages.language_name(settings.target)}")


def _translate(report, cancelled):
    engine = corpus.engine()
    return pipeline.translate(engine, settings, progress=lambda done, total, summary: report(
        done, total, f"{summary.translated} translated, {summary.from_memory} from memory, {summary.failed} failed"),
        should_stop=cancelled)


@st.fragment(run_every=1.0)
def job_panel():
    jobs.refresh_page_when_changed("translate")
    job = jobs.job("translate")
    if job is not None and job.running:
        state = job.progress()
        st.progress(state.fraction, text=f"Translating in the background: {state.done}/{state.total} articles · {state.message}")
        if st.button("Stop translating", key="stop_translation"):
            job.cancel()
        return
    if not settings.configured:
        st.button("Translate: choose a provider first", disabled=True, key="start_translation")
    elif st.button(f"Translate {totals['pending']} waiting article(s) with {where.service}", type="primary",
                   disabled=not totals["pending"], key="start_translation"):
        jobs.start_job("translate", _translate)
        st.rerun(scope="fragment")
    if job is not None:
        state = job.progress()
        # Summaries quote providers' errors: plain text, never Markdown.
        if state.error:
            st.error("The last translation run failed.")
            st.text(state.error)
        elif isinstance(state.result, run.RunSummary):
            summary = state.result
            if summary.unreachable:
                st.error("Offline or unreachable: the last run sent nothing.", icon="📡")
            elif summary.failed or summary.stopped:
                st.warning(f"The last run left {summary.failed + summary.not_attempted} article(s) waiting.")
            else:
                st.success(f"The last run finished in {state.seconds:.0f} s.")
            st.text(summary.describe())


jobs.page_drawn_with("translate")
job_panel()
st.caption("Other pages stay usable while a translation runs; untranslated articles stay readable in "
           "their original language and are marked as waiting.")

table = progress.assign(language=progress["language"].map(languages.language_name))
st.dataframe(table, hide_index=True, width="stretch")

failed = articles[articles["translation_status"].eq("pending") & articles["translation_error"].notna()]
if len(failed):
    st.subheader("Waiting after a failed attempt")
    shown = tables.readable(article_columns.with_titles(failed)[["source", "language", "title", "translation_error"]]).rename(
        columns={"translation_error": "last error"})
    st.dataframe(shown, hide_index=True, width="stretch")
