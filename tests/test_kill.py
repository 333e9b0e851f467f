"""A killed ingest loses nothing it reported as stored, and a re-run completes the rest.
The ingest that is killed is a process of its own; the re-run runs in this one (``run_cli``),
which spares it the start of a fresh process (~13 s to build the matcher's index before the
extraction).

Small files are stored whole, several to a transaction; a large export is committed in chunks,
each reported once committed, and a re-run of the same bytes continues after the last one.
"""
import os
import re
import signal
import subprocess
import sys

import psutil
import sqlalchemy as sa

from core import schema
from core.store import database, reads
from tests import inputs
from tests.conftest import REPO, run_cli

FILES = 160
CSV_ROWS = 300
# Large enough for several chunks (a chunk is at most core.ingest.prepare.BATCH_RECORDS rows), so that
# the kill lands inside the file.
BIG_CSV_ROWS = 3000
_FILE_LINE = re.compile(r"^\[\d+/\d+\] (.+?): stored (\d+), merged")
_CHUNK_LINE = re.compile(r"^\[\d+/\d+\] (.+?): items 1-(\d+) committed ")


def _ingest(db, folder, *extra):
    return subprocess.Popen([sys.executable, "-m", "core", "--db", str(db), "ingest", *extra, str(folder)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONPATH=str(REPO)))


def _write_csv(path, rows, first=10_000):
    lines = ["title,text,date"] + [f'"Row {r}","{inputs.article_text(first + r)}",2024-01-02' for r in range(rows)]
    path.write_text("\n".join(lines), encoding="utf-8")


def _progress(engine):
    """(finished paths, path -> items_done of unfinished files, articles per origin file)."""
    files = schema.ingested_files
    with engine.connect() as conn:
        rows = conn.execute(sa.select(files.c.path, files.c.complete, files.c.items_done)).all()
        per_file = dict(conn.execute(sa.select(schema.articles.c.origin_file, sa.func.count())
                                     .group_by(schema.articles.c.origin_file)).all())
    return {r.path for r in rows if r.complete}, {r.path: r.items_done for r in rows if not r.complete}, per_file


def test_sigkill_mid_batch_then_resume(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    for n in range(FILES):
        (folder / f"{n:04d}.txt").write_text(inputs.scraped_page(n), encoding="utf-8")
        if n == 40:
            _write_csv(folder / "0040b-export.csv", CSV_ROWS)
    db = tmp_path / "kill.db"
    process = _ingest(db, folder)
    reported = []
    for line in process.stdout:
        if match := _FILE_LINE.match(line):
            reported.append(match.group(1))
        if len(reported) >= 60:
            break
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    engine = database.connect(f"sqlite:///{db}")
    done, unfinished, per_file = _progress(engine)
    assert set(reported) <= done
    for path in reported:
        expected = CSV_ROWS if path.endswith("export.csv") else 1
        assert per_file.get(path) == expected, path
    # Nothing half stored: a small file with articles is complete and recorded as done; an export
    # holds exactly the items its progress row says.
    for path, count in per_file.items():
        if path.endswith("export.csv") and path in unfinished:
            assert count == unfinished[path]
        else:
            assert path in done
            assert count == (CSV_ROWS if path.endswith("export.csv") else 1)
    assert len(done) < FILES + 1, "the kill came too late to test anything"

    rerun = run_cli("ingest", "--quiet", folder, db=db)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(done)} file(s) unchanged" in rerun.stdout
    articles = reads.load_articles(engine)
    assert len(articles) == FILES + CSV_ROWS
    assert articles["article_id"].is_unique


def test_sigkill_inside_a_large_export_then_resume(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    csv_path = folder / "wire.csv"
    _write_csv(csv_path, BIG_CSV_ROWS)
    for n in range(5):
        (folder / f"{n:04d}.txt").write_text(inputs.scraped_page(n), encoding="utf-8")
    db = tmp_path / "kill.db"
    process = _ingest(db, folder, "--no-extract")
    reported_items = 0
    for line in process.stdout:
        if match := _CHUNK_LINE.match(line):
            assert match.group(1) == str(csv_path.resolve())
            reported_items = int(match.group(2))
            if reported_items >= 2 * 256:
                break
    # The export's records are cleaned by worker processes of the killed one: they end with it.
    workers = psutil.Process(process.pid).children(recursive=True)
    assert workers, "the export was cleaned without worker processes: nothing here checks that they end"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert reported_items, "no chunk of the export was reported"
    _, alive = psutil.wait_procs(workers, timeout=15)
    assert not alive, f"worker processes outlived the killed ingest: {[worker.pid for worker in alive]}"

    engine = database.connect(f"sqlite:///{db}")
    done, unfinished, per_file = _progress(engine)
    key = str(csv_path.resolve())
    assert key not in done, "the kill came too late: the export was finished"
    # Every chunk reported is there, and the store holds exactly the items its progress row names.
    assert unfinished[key] >= reported_items
    assert per_file[key] == unfinished[key]

    rerun = run_cli("ingest", "--no-extract", folder, db=db)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{key}: continued after item {unfinished[key]}: stored {BIG_CSV_ROWS - unfinished[key]}, merged 0" in rerun.stdout
    articles = reads.load_articles(engine)
    rows = articles[articles["origin_file"] == key]
    assert sorted(rows["origin_item"]) == list(range(1, BIG_CSV_ROWS + 1))  # each row exactly once
    assert articles["article_id"].is_unique
    # The rows stored before the kill were not read again as duplicates.
    log = reads.load_ingest_log(engine)
    assert (log[log["path"] == key]["status"] == "stored").sum() == BIG_CSV_ROWS
    assert not (log["status"] == "duplicate").any()
    done, unfinished, _ = _progress(engine)
    assert key in done and not unfinished
