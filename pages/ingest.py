"""Ingest: add articles from uploaded files or a folder, in the background, and see each rejected
file with its reason."""
import datetime as dt
from pathlib import Path

import streamlit as st

import pandas as pd

from core import config
from core.charts import tables
from core.ingest import inbox
from core.errors import ConfigError, InputError
from core.store import reads
from ui import article_columns, corpus, filters, jobs, watcher

st.title("Ingest")
data = corpus.current()
filters.selection(data, "Ingest")
st.write("Scraped text pages, HTML pages, RSS/Atom feeds and CSV, TSV, JSON or JSON Lines exports, in any "
         "language and encoding. Unchanged files are skipped; a large export is stored in chunks, and reading it "
         "again continues after the last chunk stored.")

try:
    roots = config.ingest_roots()
except ConfigError as err:
    st.error(f"Reading folders is off until this is mended: {err}")
    roots = []
uploads, folder = st.tabs(["Upload files", "Read a folder"])
with uploads:
    files = st.file_uploader(
        "Files", accept_multiple_files=True, key="ingest_files",
        help=f"At most {inbox.MAX_UPLOAD_FILES} files and {inbox.MAX_UPLOAD_BYTES // 2**20:,} MB in one go, "
             f"{st.get_option('server.maxUploadSize')} MB a file; larger collections: read them from a folder.")
    source = st.text_input("Outlet of these files (plain-text pages have no source of their own)", key="ingest_source",
                           placeholder="e.g. meridian-gazette")
    start_upload = st.button("Ingest the uploaded files", type="primary", disabled=not files, key="ingest_upload")
with folder:
    where = st.text_input("Folder or file on this computer", key="ingest_folder", placeholder=str(roots[0]) if roots else "")
    st.caption("Folders this dashboard may read: " + (", ".join(f"`{root}`" for root in roots) or "none")
               + ". GEOWIRE_INGEST_ROOTS names others.")
    start_folder = st.button("Ingest the folder", type="primary", disabled=not where.strip(), key="ingest_read_folder")


def _save_uploads(files, outlet: str) -> Path | None:
    """Uploads into the uploads folder (core.ingest.inbox), or None with the reason shown."""
    if len(files) > inbox.MAX_UPLOAD_FILES or sum(f.size for f in files) > inbox.MAX_UPLOAD_BYTES:
        st.error(f"{len(files)} files of {sum(f.size for f in files) / 2**20:,.0f} MB: at most {inbox.MAX_UPLOAD_FILES} "
                 f"files and {inbox.MAX_UPLOAD_BYTES // 2**20:,} MB can be uploaded at once. Put larger collections "
                 f"in a folder the dashboard may read ({', '.join(map(str, roots))}) and use \"Read a folder\".")
        return None
    try:
        saved = inbox.save_uploads(config.uploads_dir(), outlet, ((f.name, f.getvalue()) for f in files),
                                   default_folder=f"upload-{dt.date.today()}")
    except InputError as err:
        st.error(str(err))
        return None
    for note in saved.notes:
        st.warning(note)
    return saved.folder if saved.saved else None


paths, allowed = None, roots
if start_upload and files:
    saved_folder = _save_uploads(files, source)
    paths, allowed = ([saved_folder], [config.uploads_dir()]) if saved_folder else (None, roots)
elif start_folder:
    try:
        paths = [inbox.readable_folder(where, roots)]
    except InputError as err:
        st.error(str(err))
if paths:
    jobs.start_job("ingest", lambda report, cancelled: jobs.ingest_and_extract(paths, report, cancelled, allowed))


@st.fragment(run_every=1.0)
def job_panel():
    jobs.refresh_page_when_changed("ingest")
    job = jobs.job("ingest")
    if job is None:
        return
    state = job.progress()
    if job.running:
        st.progress(state.fraction, text=f"Reading {state.done}/{state.total or '?'} files")
        st.text(state.message)
        return
    if state.error:
        st.error("The last ingest failed.")
        st.text(state.error)
        return
    outcome = state.result
    problems = len(outcome.ingested.problems) + len(outcome.steps_not_done())
    (st.warning if problems else st.success)(
        f"The last ingest finished in {state.seconds:.0f} s" + (f" with {problems} problem(s)." if problems else "."))
    st.text("\n".join(step.describe() for step in (outcome.ingested, outcome.extracted) if step))
    for problem in outcome.ingested.problems:
        st.text(f"rejected: {problem}")
    for line in outcome.steps_not_done():
        st.text(line)
    _new_articles(job.started_at)


def _new_articles(since) -> None:
    """The articles the last ingest stored, each linked to the Reader (which opens it even when
    the filters leave it out)."""
    stored = corpus.articles()
    added = article_columns.with_titles(stored[stored["ingested_at"] >= since].sort_values("ingested_at", ascending=False))
    if added.empty:
        return
    st.page_link("pages/articles.py", label=f"Show the newest of the {len(added)} new article(s) in the Reader",
                 icon=":material/article:", query_params={"article": added["article_id"].iloc[0]})
    shown = tables.readable(pd.DataFrame({"open": "articles?article=" + added["article_id"], "source": added["source"],
                                          "language": added["language"], "title": added["title"]}))
    st.dataframe(shown, hide_index=True, width="stretch", key="new_articles",
                 column_config={"open": st.column_config.LinkColumn("Reader", display_text="open")})


jobs.page_drawn_with("ingest")
job_panel()

watcher.panel()

st.subheader("Rejected files and items")
log = reads.load_ingest_log(corpus.engine())
rejected = log[log["status"] == "rejected"].sort_values("at", ascending=False)
if rejected.empty:
    st.write("No file or item has been rejected.")
else:
    st.dataframe(tables.readable(rejected[["at", "path", "item", "message"]]), hide_index=True, width="stretch",
                 column_config={"at": st.column_config.DatetimeColumn("when", format="YYYY-MM-DD HH:mm")})
