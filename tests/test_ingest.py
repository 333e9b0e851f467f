"""Ingesting every format, and every kind of bad input next to good files."""
import subprocess
import sys

import pandas as pd
import pytest

from core import ingest, store
from tests import inputs
from tests.conftest import REPO, run_cli


@pytest.fixture(scope="module")
def bad_batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch")
    files = inputs.write_bad_inputs(folder)
    db = folder.parent / "batch.db"
    result = run_cli("ingest", folder, db=db)
    return files, db, result


def _articles(db):
    return store.load_articles(store.connect(f"sqlite:///{db}"))


def test_batch_exit_status_and_summary(bad_batch):
    _, _, result = bad_batch
    assert result.returncode == 1, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[-1].startswith("extracted ") and "actor mention(s)" in lines[-1]
    summary = lines[-2]
    assert summary.startswith("14 file(s):")
    assert " article(s) stored" in summary and "merged as duplicates" in summary and "rejected" in summary


@pytest.mark.parametrize("name,problem", [
    ("empty.txt", "empty file (0 bytes)"),
    ("blank.txt", "empty file (only whitespace)"),
    ("picture.txt", "binary file (a PNG image), not text"),
    ("only-boilerplate.txt", "no article found"),
    ("broken-quote.csv", "row 3 (line 12): broken quoting"),
    ("truncated.json", "item 3: truncated or invalid JSON after item 2"),
])
def test_each_rejection_names_file_and_problem(bad_batch, name, problem):
    files, _, result = bad_batch
    lines = [line for line in result.stderr.splitlines() if line.startswith(f"rejected: {files[name].resolve()}")]
    assert lines, result.stderr
    assert problem in lines[0]


@pytest.mark.parametrize("name,encoding,snippet", [
    ("utf16.txt", "utf-16", "Réunion numéro 1,"),
    ("arabic-cp1256.txt", "cp1256", "الاجتماع رقم 2 "),
    ("french-latin1.txt", "cp1252", "Réunion numéro 3,"),
    ("nul-bytes.txt", "utf-8", "The foreign minister met"),
    ("file with spaces.txt", "utf-8", "Meeting number 5,"),
    ("خبر عاجل.txt", "utf-8", "الاجتماع رقم 6 "),
])
def test_good_files_in_a_bad_batch_are_stored(bad_batch, name, encoding, snippet):
    files, db, _ = bad_batch
    articles = _articles(db)
    row = articles[articles["origin_file"] == str(files[name].resolve())]
    assert len(row) == 1
    assert row.iloc[0]["encoding"] == encoding
    assert snippet in row.iloc[0]["text"]
    assert "\x00" not in row.iloc[0]["text"]


def test_salvaged_items(bad_batch):
    files, db, _ = bad_batch
    articles = _articles(db)
    csv_rows = articles[articles["origin_file"] == str(files["broken-quote.csv"].resolve())]
    assert sorted(csv_rows["title"]) == ["CSV article 1", "CSV article 2", "CSV article 4", "CSV article 5"]
    assert set(csv_rows["source"]) == {"Wire"}
    json_items = articles[articles["origin_file"] == str(files["truncated.json"].resolve())]
    assert sorted(json_items["title"]) == ["JSON article 1", "JSON article 2"]
    feed = articles[articles["origin_file"] == str(files["malformed.rss"].resolve())]
    assert sorted(feed["title"]) == ["Feed item 1", "Feed item 2", "Feed item 3"]
    assert set(feed["source"]) == {"Broken Feed"}
    assert feed["published"].min() == pd.Timestamp("2024-07-01 10:00", tz="UTC")


def test_six_megabyte_line_is_stored(bad_batch):
    files, db, _ = bad_batch
    articles = _articles(db)
    row = articles[articles["origin_file"] == str(files["one-line.txt"].resolve())].iloc[0]
    assert len(row["text"]) > 5 * 2**20


def test_nul_bytes_are_noted_in_the_log(bad_batch):
    files, db, _ = bad_batch
    log = store.load_ingest_log(store.connect(f"sqlite:///{db}"))
    notes = log[(log["path"] == str(files["nul-bytes.txt"].resolve())) & (log["status"] == "note")]
    assert "removed 2 NUL byte(s)" in notes["message"].iloc[0]


def test_reingesting_the_batch_changes_nothing(bad_batch):
    files, db, _ = bad_batch
    before = _articles(db)
    again = run_cli("ingest", files["utf16.txt"].parent, db=db)
    assert again.returncode == 1  # the rejected files are still rejected
    assert "14 file(s) unchanged" in again.stdout
    pd.testing.assert_frame_equal(before, _articles(db))


def _peak_rss_mb(*paths, db) -> float:
    """Peak memory of an ingest run in its own process."""
    code = ("import resource, sys; from core import cli; cli.main(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, "--db", str(db), "ingest", "--quiet", *map(str, paths)],
                         cwd=REPO, capture_output=True, text=True, timeout=600, env={"PYTHONPATH": str(REPO), "PATH": ""})
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def test_memory_does_not_grow_with_file_size(tmp_path):
    small = inputs.write_huge_csv(tmp_path / "small.csv", megabytes=1, rows=40)
    big = inputs.write_huge_csv(tmp_path / "big.csv", megabytes=100, rows=40)
    huge_text = inputs.write_huge_text(tmp_path / "dump.txt", megabytes=100)
    baseline = _peak_rss_mb(small, db=tmp_path / "a.db")
    streamed = _peak_rss_mb(big, huge_text, db=tmp_path / "b.db")
    # Each row carries 2.5 MB; what may be held is a few rows at a time, not the 100 MB file.
    assert streamed - baseline < 40, (baseline, streamed)
    engine = store.connect(f"sqlite:///{tmp_path / 'b.db'}")
    assert len(store.load_articles(engine)) == 40
    log = store.load_ingest_log(engine)
    refusal = log[log["path"] == str(huge_text.resolve())]["message"].iloc[0]
    assert "too large for one text article" in refusal


def test_folders_globs_and_missing_paths(tmp_path, engine, lexicon):
    (tmp_path / "outlet-a").mkdir()
    (tmp_path / "outlet-a" / "one.txt").write_text(inputs.scraped_page(1), encoding="utf-8")
    (tmp_path / "outlet-a" / "notes.md").write_text("not an article", encoding="utf-8")
    (tmp_path / "two.txt").write_text(inputs.scraped_page(2), encoding="utf-8")
    summary = ingest.ingest(engine, [tmp_path / "outlet-a", str(tmp_path / "t*.txt"), tmp_path / "missing.txt"],
                            lexicon=lexicon, progress=False)
    assert summary.stored == 2
    assert summary.skipped == [str(tmp_path / "outlet-a" / "notes.md")]
    assert summary.problems == [f"{tmp_path / 'missing.txt'}: no such file or folder"]
    articles = store.load_articles(engine)
    assert set(articles["source"]) == {"outlet-a", tmp_path.name}
    assert set(articles["published"]) == {pd.Timestamp("2024-03-12", tz="UTC")}


def test_file_vanishing_during_the_run_is_reported_not_fatal(tmp_path, engine, lexicon):
    folder = tmp_path / "outlet"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text(inputs.scraped_page(len(name) + ord(name[0])), encoding="utf-8")
    ingest.ingest(engine, [folder], lexicon=lexicon, progress=False)

    def delete_b(done, total, path, outcome):
        if path.endswith("a.txt"):
            (folder / "b.txt").unlink()

    summary = ingest.ingest(engine, [folder], lexicon=lexicon, progress=False, on_file=delete_b)
    assert summary.unchanged == 1 and summary.rejected == 1
    assert summary.problems == [f"{(folder / 'b.txt').resolve()}: cannot be read (No such file or directory)"]
