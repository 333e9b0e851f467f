"""Ingest: add articles from uploaded files or a folder, in the background, and see each rejected
file with its reason."""
import datetime as dt
from pathlib import Path

import streamlit as st

from core import config, store
from pages import common

st.title("Ingest")
data = common.corpus()
common.selection(data, "Ingest")
st.write("Scraped text pages, HTML pages, RSS/Atom feeds and CSV, TSV, JSON or JSON Lines exports, in any "
         "language and encoding. Unchanged files are skipped; a file is stored whole or not at all.")

uploads, folder = st.tabs(["Upload files", "Read a folder"])
with uploads:
    files = st.file_uploader("Files", accept_multiple_files=True, key="ingest_files")
    source = st.text_input("Outlet of these files (plain-text pages have no source of their own)", key="ingest_source",
                           placeholder="e.g. meridian-gazette")
    start_upload = st.button("Ingest the uploaded files", type="primary", disabled=not files, key="ingest_upload")
with folder:
    where = st.text_input("Folder or file on this computer", key="ingest_folder", placeholder="/home/me/scrapes")
    start_folder = st.button("Ingest the folder", type="primary", disabled=not where.strip(), key="ingest_read_folder")


def _save_uploads(files, outlet: str) -> Path:
    # Stored under data/uploads/<outlet or date>/ so a file's origin path stays stable and
    # uploading the same file again changes nothing; a plain-text page takes its source from it.
    name = "".join(c if c.isalnum() or c in "-_." else "-" for c in outlet.strip()) or f"upload-{dt.date.today()}"
    target = config.DATA_DIR / "uploads" / name
    target.mkdir(parents=True, exist_ok=True)
    for file in files:
        (target / Path(file.name).name).write_bytes(file.getvalue())
    return target


paths = None
if start_upload and files:
    paths = [_save_uploads(files, source)]
elif start_folder:
    candidate = Path(where.strip()).expanduser()
    if candidate.exists():
        paths = [candidate]
    else:
        st.error(f"{candidate}: no such file or folder on this computer.")
if paths:
    common.start_job("ingest", lambda report, cancelled: common.ingest_and_extract(paths, report, cancelled))


@st.fragment(run_every=1.0)
def job_panel():
    job = common.job("ingest")
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
    summary, found = state.result
    (st.warning if summary.problems else st.success)(
        f"The last ingest finished in {state.seconds:.0f} s" + (f" with {len(summary.problems)} problem(s)." if summary.problems else "."))
    st.text(summary.describe() + (f"\n{found.describe()}" if found else ""))
    for problem in summary.problems:
        st.text(f"rejected: {problem}")


job_panel()

st.subheader("Rejected files and items")
log = store.load_ingest_log(common.engine())
rejected = log[log["status"] == "rejected"].sort_values("at", ascending=False)
if rejected.empty:
    st.write("None so far.")
else:
    st.dataframe(rejected[["at", "path", "item", "message"]], hide_index=True, width="stretch",
                 column_config={"at": st.column_config.DatetimeColumn("when", format="YYYY-MM-DD HH:mm")})
