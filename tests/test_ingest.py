"""Ingesting every format, and every kind of bad input next to good files."""
import contextlib
import json
import os
import signal
import subprocess
import sys
from datetime import datetime, timezone

import pandas as pd
import pytest

from core.errors import StoreWriteError
from core.ingest import batch, clean, json_records, prepare, workers
from core.store import database, ingested, reads
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
    return reads.load_articles(database.connect(f"sqlite:///{db}"))


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
    log = reads.load_ingest_log(database.connect(f"sqlite:///{db}"))
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
    engine = database.connect(f"sqlite:///{tmp_path / 'b.db'}")
    assert len(reads.load_articles(engine)) == 40
    log = reads.load_ingest_log(engine)
    refusal = log[log["path"] == str(huge_text.resolve())]["message"].iloc[0]
    assert "too large for one text article" in refusal


def test_folders_globs_and_missing_paths(tmp_path, engine, lexicon):
    (tmp_path / "outlet-a").mkdir()
    (tmp_path / "outlet-a" / "one.txt").write_text(inputs.scraped_page(1), encoding="utf-8")
    (tmp_path / "outlet-a" / "notes.md").write_text("not an article", encoding="utf-8")
    (tmp_path / "two.txt").write_text(inputs.scraped_page(2), encoding="utf-8")
    summary = batch.ingest(engine, [tmp_path / "outlet-a", str(tmp_path / "t*.txt"), tmp_path / "missing.txt"],
                            lexicon=lexicon, progress=False)
    assert summary.stored == 2
    assert summary.skipped == [str(tmp_path / "outlet-a" / "notes.md")]
    assert summary.problems == [f"{tmp_path / 'missing.txt'}: no such file or folder"]
    articles = reads.load_articles(engine)
    assert set(articles["source"]) == {"outlet-a", tmp_path.name}
    assert set(articles["published"]) == {pd.Timestamp("2024-03-12", tz="UTC")}


def test_hidden_files_and_folders_are_counted_not_read(tmp_path, engine, lexicon):
    (tmp_path / "outlet" / ".git").mkdir(parents=True)
    (tmp_path / "outlet" / ".git" / "a.txt").write_text(inputs.scraped_page(1), encoding="utf-8")
    (tmp_path / "outlet" / ".draft.txt").write_text(inputs.scraped_page(2), encoding="utf-8")
    (tmp_path / "outlet" / "kept.txt").write_text(inputs.scraped_page(3), encoding="utf-8")
    summary = batch.ingest(engine, [tmp_path / "outlet"], lexicon=lexicon, progress=False)
    assert (summary.stored, summary.hidden) == (1, 2)
    assert "2 hidden file(s) or folder(s) (names starting with '.') left alone" in summary.describe()


def test_file_vanishing_during_the_run_is_reported_not_fatal(tmp_path, engine, lexicon):
    folder = tmp_path / "outlet"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text(inputs.scraped_page(len(name) + ord(name[0])), encoding="utf-8")
    batch.ingest(engine, [folder], lexicon=lexicon, progress=False)

    def delete_b(done, total, path, outcome):
        if path.endswith("a.txt"):
            (folder / "b.txt").unlink()

    summary = batch.ingest(engine, [folder], lexicon=lexicon, progress=False, on_file=delete_b)
    assert summary.unchanged == 1 and summary.rejected == 1
    assert summary.problems == [f"{(folder / 'b.txt').resolve()}: cannot be read (No such file or directory)"]


# --- the safety net: one file's unexpected failure rejects that file, and the batch goes on ------

_PREPARE_GROUP = prepare.prepare_group
_PREPARE_ARTICLES = clean.prepare_articles
_READ_JSONL = json_records.read_jsonl


def _dying_prepare_group(paths, *args):
    """A worker's task that dies as an out-of-memory kill would, on the file named "poison"."""
    if any("poison" in path for path in paths):
        os.kill(os.getpid(), signal.SIGKILL)
    return _PREPARE_GROUP(paths, *args)


def _recursing_prepare_articles(raw, lexicon):
    """Cleaning as a library's internal error would break it, for the article marked "RECURSE"."""
    if raw["text"].fillna("").str.contains("RECURSE").any():
        raise RecursionError("maximum recursion depth exceeded while calling a Python object")
    return _PREPARE_ARTICLES(raw, lexicon)


def _small_batch(folder, count: int, marked: dict[int, str]) -> list:
    folder.mkdir()
    paths = []
    for n in range(count):
        name = f"{n:03d}-{marked.get(n, 'page')}.txt"
        text = inputs.scraped_page(n + 5000).replace("Meeting number", "RECURSE meeting number") if marked.get(n) == "recurse" \
            else inputs.scraped_page(n + 5000)
        (folder / name).write_text(text, encoding="utf-8")
        paths.append((folder / name).resolve())
    return paths


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_whose_cleaning_fails_is_rejected_alone(tmp_path, engine, lexicon, monkeypatch, jobs):
    monkeypatch.setattr(clean, "prepare_articles", _recursing_prepare_articles)
    paths = _small_batch(tmp_path / "outlet", 40, {7: "recurse"})
    summary = batch.ingest(engine, [tmp_path / "outlet"], lexicon=lexicon, progress=False, jobs=jobs)
    assert summary.stored == 39 and summary.rejected == 1
    assert summary.problems == [f"{paths[7]}: could not be read: RecursionError: maximum recursion depth exceeded "
                                "while calling a Python object"]
    log = reads.load_ingest_log(engine)
    assert log[log["status"] == "rejected"]["path"].tolist() == [str(paths[7])]


def test_a_worker_killed_mid_group_rejects_only_its_file_and_the_run_goes_on(tmp_path, engine, lexicon, monkeypatch):
    monkeypatch.setattr(prepare, "prepare_group", _dying_prepare_group)
    paths = _small_batch(tmp_path / "outlet", 100, {45: "poison"})
    outcomes = {}
    summary = batch.ingest(engine, [tmp_path / "outlet"], lexicon=lexicon, progress=False, jobs=2,
                            on_file=lambda done, total, path, outcome: outcomes.__setitem__(path, outcome))
    assert summary.stored == 99 and summary.rejected == 1
    assert outcomes[str(paths[45])] == f"rejected: {workers._WORKER_DIED}"
    assert summary.problems == [f"{paths[45]}: {workers._WORKER_DIED}"]
    assert len(outcomes) == 100
    assert len(reads.load_articles(engine)) == 99


def _failing_reader(path, **limits):
    """A JSONL reader that fails inside a library after its first 300 items."""
    for number, record in enumerate(_READ_JSONL(path, **limits), start=1):
        if number > 300:
            raise RecursionError("maximum recursion depth exceeded")
        yield record


def test_a_reader_failing_part_way_keeps_the_items_before_it(tmp_path, engine, lexicon, monkeypatch):
    monkeypatch.setattr(json_records, "read_jsonl", _failing_reader)
    export = tmp_path / "feed.jsonl"
    export.write_text("\n".join(json.dumps({"title": f"Item {n}", "text": inputs.article_text(6000 + n)})
                                for n in range(400)), encoding="utf-8")
    (tmp_path / "after.txt").write_text(inputs.scraped_page(7000), encoding="utf-8")
    summary = batch.ingest(engine, [export, tmp_path / "after.txt"], lexicon=lexicon, progress=False)
    assert summary.stored == 301
    assert summary.problems == [f"{export}: could not be read: RecursionError: maximum recursion depth exceeded "
                                "(after line 300; the items before it were read)"]
    known = ingested.known_file(engine, str(export))
    assert known.complete and known.stored == 300


def test_log_messages_are_capped_when_written(engine):
    state = ingested.FileState(size=1, mtime_ns=1, sha256="0" * 64)
    note = "ignored columns: " + ", ".join(f"c{n}" for n in range(200_000))
    row = {"where": "row 1", "note": note, "problem": "no text in any column"}
    ingested.save_files(engine, [ingested.FileInput("/in/wide.csv", state, [[row]])], datetime(2024, 1, 1, tzinfo=timezone.utc))
    log = reads.load_ingest_log(engine)
    assert log["message"].str.len().max() <= ingested.MAX_LOG_MESSAGE_CHARS
    assert log["message"].iloc[0].startswith("ignored columns: c0, c1,")
    assert log["message"].iloc[0].endswith(f"({len(note) - ingested.MAX_LOG_MESSAGE_CHARS + 40} more characters)")


# --- exports committed in chunks ------------------------------------------------------------------

def _export(path, rows: int, first: int = 20_000):
    path.write_text("title,text,date\n" + "\n".join(f'"Row {n}","{inputs.article_text(first + n)}",2024-01-02'
                                                   for n in range(rows)), encoding="utf-8")
    return path.resolve()


def _fail_after(monkeypatch, commits: int):
    """The store refuses every write after ``commits`` of them, as a full disk does."""
    writing = database._writing
    count = 0

    @contextlib.contextmanager
    def failing(engine, **options):  # options: the lock a PostgreSQL store's writer takes
        nonlocal count
        count += 1
        if count > commits:
            raise StoreWriteError(database.store_name(engine), "database or disk is full (SQLITE_FULL)")
        with writing(engine, **options) as conn:
            yield conn

    monkeypatch.setattr(database, "_writing", failing)
    # Chunks end at batch boundaries (256 items) here: the 2 s bound would cut one sooner on a
    # loaded machine and move the counts these tests compare.
    monkeypatch.setattr(ingested, "MAX_TRANSACTION_SECONDS", 3600.0)


def test_a_stopped_export_continues_after_its_last_chunk_without_cleaning_it_again(tmp_path, engine, lexicon, monkeypatch):
    export = _export(tmp_path / "wire.csv", 700)
    with monkeypatch.context() as patch:
        _fail_after(patch, 2)
        first = batch.ingest(engine, [export], lexicon=lexicon, progress=False)
    assert isinstance(first.stopped, StoreWriteError)
    assert str(first.stopped).startswith(f"store not written: :memory:: database or disk is full (SQLITE_FULL), "
                                         f"while storing {export};")
    assert first.stored == 512 and first.interrupted == [str(export)] and first.interrupted_items == 512
    assert first.exit_code == 4
    known = ingested.known_file(engine, str(export))
    assert (known.complete, known.items_done, known.stored) == (False, 512, 512)

    cleaned = []
    monkeypatch.setattr(clean, "prepare_articles",
                        lambda raw, lex: cleaned.extend(raw["title"]) or _PREPARE_ARTICLES(raw, lex))
    second = batch.ingest(engine, [export], lexicon=lexicon, progress=False)
    assert second.stopped is None and (second.stored, second.duplicates) == (188, 0)
    assert cleaned == [f"Row {n}" for n in range(512, 700)]  # the stored rows were not cleaned again
    articles = reads.load_articles(engine)
    assert sorted(articles["origin_item"]) == list(range(1, 701))
    known = ingested.known_file(engine, str(export))
    assert (known.complete, known.items_done, known.stored) == (True, 700, 700)
    assert batch.ingest(engine, [export], lexicon=lexicon, progress=False).unchanged == 1


def test_a_changed_export_starts_over(tmp_path, engine, lexicon, monkeypatch):
    export = _export(tmp_path / "wire.csv", 600)
    with monkeypatch.context() as patch:
        _fail_after(patch, 1)
        batch.ingest(engine, [export], lexicon=lexicon, progress=False)
    assert ingested.known_file(engine, str(export)).items_done == 256
    _export(tmp_path / "wire.csv", 300, first=40_000)  # other rows: the same path, other bytes
    summary = batch.ingest(engine, [export], lexicon=lexicon, progress=False)
    assert (summary.stored, summary.duplicates) == (300, 0)
    known = ingested.known_file(engine, str(export))
    assert (known.complete, known.items_done, known.stored) == (True, 300, 300)
