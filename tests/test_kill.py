"""A killed ingest loses nothing it reported as stored, and a re-run completes the rest."""
import os
import signal
import subprocess
import sys

import sqlalchemy as sa

from core import schema, store
from tests import inputs
from tests.conftest import REPO

FILES = 160
CSV_ROWS = 300


def test_sigkill_mid_batch_then_resume(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    for n in range(FILES):
        (folder / f"{n:04d}.txt").write_text(inputs.scraped_page(n), encoding="utf-8")
        if n == 40:
            # A multi-article file in the middle of the batch: it must be all in or all out.
            rows = ["title,text,date"] + [f'"Row {r}","{inputs.article_text(10_000 + r)}",2024-01-02' for r in range(CSV_ROWS)]
            (folder / "0040b-export.csv").write_text("\n".join(rows), encoding="utf-8")
    db = tmp_path / "kill.db"
    process = subprocess.Popen([sys.executable, "-m", "core", "--db", str(db), "ingest", str(folder)],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=dict(os.environ, PYTHONPATH=str(REPO)))
    reported = []
    for line in process.stdout:
        if ": stored " in line:
            reported.append(line.split("] ", 1)[1].split(": stored ", 1)[0])
        if len(reported) >= 60:
            break
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    engine = store.connect(f"sqlite:///{db}")
    with engine.connect() as conn:
        done = set(conn.execute(sa.select(schema.ingested_files.c.path)).scalars())
        per_file = dict(conn.execute(sa.select(schema.articles.c.origin_file, sa.func.count())
                                     .group_by(schema.articles.c.origin_file)).all())
    assert set(reported) <= done
    for path in reported:
        expected = CSV_ROWS if path.endswith("export.csv") else 1
        assert per_file.get(path) == expected, path
    # Nothing half stored: every file with articles is complete and recorded as done.
    for path, count in per_file.items():
        assert path in done
        assert count == (CSV_ROWS if path.endswith("export.csv") else 1)
    assert len(done) < FILES + 1, "the kill came too late to test anything"

    rerun = subprocess.run([sys.executable, "-m", "core", "--db", str(db), "ingest", "--quiet", str(folder)],
                           cwd=REPO, capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(done)} file(s) unchanged" in rerun.stdout
    articles = store.load_articles(engine)
    assert len(articles) == FILES + CSV_ROWS
    assert articles["article_id"].is_unique
