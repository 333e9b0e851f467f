"""The pipeline on a real Dask cluster (``--scheduler``): a ``dask scheduler`` and two ``dask worker``
processes on 127.0.0.1, started here and stopped at the end (also when a test fails). The cluster
run must store exactly what the local run stores, also when a worker is killed mid-run; a scheduler
that cannot be reached, or is lost mid-run, is one line and an exit status, with nothing
half-stored."""
import csv
import json
import os
import signal
import subprocess
import sys
import time

import distributed
import pandas as pd
import pytest
import sqlalchemy as sa

from benchmarks import dask_bench, ingest_bench
from core import config
from tests.conftest import REPO, run_cli

EXPORT_ROWS = 300  # more than one batch (core.ingest.prepare.BATCH_RECORDS) of each export in flight
# What differs between two runs by nature: when they ran. Everything else must be the same.
_WHEN = {"articles": ["ingested_at"], "ingested_files": ["at"]}
_TABLES = {"articles": ["article_id"], "mentions": ["article_id", "field", "start", "end", "method", "surface"],
           "mentioned_dates": ["article_id", "field", "start", "date"], "extractions": ["article_id"],
           "minhash_signatures": ["article_id"], "near_duplicate_bands": ["article_id", "band_key"],
           "ingested_files": ["path"]}


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    """The address of a scheduler with two single-threaded workers that import this project,
    stopped at the end (``benchmarks.dask_bench.local_cluster``)."""
    with dask_bench.local_cluster(2, tmp_path_factory.mktemp("dask")) as address:
        yield address


def _exports(folder):
    """A CSV and a JSON Lines export of realistic articles in nine languages (the ingest benchmark's)."""
    folder.mkdir()
    articles = [ingest_bench.make_article(n, 23, 1500) for n in range(2 * EXPORT_ROWS)]
    with open(folder / "monitoring.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["headline", "body", "pubDate", "link", "outlet", "lang"])
        for a in articles[:EXPORT_ROWS]:
            writer.writerow([a.title, "\n".join(a.paragraphs), f"{a.published:%Y-%m-%d %H:%M}",
                             f"https://{a.outlet_slug}.example/{a.number}", a.outlet, a.language])
    with open(folder / "clippings.jsonl", "w", encoding="utf-8") as handle:
        for a in articles[EXPORT_ROWS:]:
            handle.write(json.dumps({"headline": a.title, "description": "\n".join(a.paragraphs),
                                     "datetime": f"{a.published:%Y-%m-%dT%H:%M:%SZ}", "site": a.outlet,
                                     "link": f"https://{a.outlet_slug}.example/{a.number}"}, ensure_ascii=False) + "\n")


def _stored(db) -> dict[str, pd.DataFrame]:
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        tables = {name: pd.read_sql_table(name, conn).drop(columns=_WHEN.get(name, []))
                  .sort_values(keys).reset_index(drop=True) for name, keys in _TABLES.items()}
    engine.dispose()
    return tables


def _cluster_ingest_killing(pid: int, scheduler: str, tmp_path, **env):
    """``ingest`` of tmp_path/exports into tmp_path/cluster.db on the cluster, with ``pid`` killed
    (SIGKILL) once the first chunk is committed, when the tasks of the next ones are in flight:
    the finished process and the files holding its output and its errors."""
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    with open(out, "w") as stdout, open(err, "w") as stderr:  # files: a full pipe would stop the run
        process = subprocess.Popen([sys.executable, "-m", "core", "--db", str(tmp_path / "cluster.db"),
                                    "--scheduler", scheduler, "ingest", str(tmp_path / "exports")], cwd=REPO,
                                   env=dict(os.environ, PYTHONPATH=str(REPO), **env), stdout=stdout, stderr=stderr)
    try:
        while "committed" not in out.read_text() and process.poll() is None:
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)
        process.wait(timeout=400)
    finally:
        process.kill()
    return process, out, err


def test_a_cluster_run_stores_exactly_what_the_local_run_stores(scheduler, tmp_path):
    _exports(tmp_path / "exports")
    inputs = [str(config.SAMPLES_DIR), str(tmp_path / "exports")]
    local = run_cli("ingest", "--quiet", *inputs, db=tmp_path / "local.db")
    assert local.returncode == 0, local.stderr
    # --scheduler after the command here; GEOWIRE_SCHEDULER in the next test.
    clustered = run_cli("ingest", "--quiet", *inputs, "--scheduler", scheduler, db=tmp_path / "cluster.db")
    assert clustered.returncode == 0, clustered.stderr
    assert clustered.stdout == local.stdout

    local_tables, cluster_tables = _stored(tmp_path / "local.db"), _stored(tmp_path / "cluster.db")
    assert len(local_tables["articles"]) >= 2 * EXPORT_ROWS + 50
    assert local_tables["articles"]["language"].nunique() >= 9
    assert len(local_tables["mentions"]) > 1000 and len(local_tables["mentioned_dates"]) > 50
    for name in _TABLES:
        pd.testing.assert_frame_equal(cluster_tables[name], local_tables[name], obj=name)

    # The work was done by the workers, not quietly here: the scheduler saw every kind of task.
    with distributed.Client(scheduler, set_as_default=False) as client:
        prefixes = client.run_on_scheduler(lambda dask_scheduler: sorted(dask_scheduler.task_prefixes))
    assert {"prepare_group", "prepared_rows", "extract_page"} <= set(prefixes)  # Dask drops the leading "_"

    # Re-running on the cluster changes nothing.
    again = run_cli("ingest", "--quiet", *inputs, db=tmp_path / "cluster.db",
                    env={"GEOWIRE_SCHEDULER": scheduler})
    assert again.returncode == 0, again.stderr
    assert "unchanged since the last ingest" in again.stdout and " 0 article(s) stored" in again.stdout
    for name, frame in _stored(tmp_path / "cluster.db").items():
        if name != "ingested_files":  # the re-run remembers when it looked again
            pd.testing.assert_frame_equal(frame, cluster_tables[name], obj=name)


def test_extract_all_on_the_cluster_gives_the_local_extraction(scheduler, sample_ingest, tmp_path):
    # Against a local `extract --all` of the same store: extracting again knows the surnames the
    # first extraction discovered, so it differs from the store's first extraction by design.
    local, clustered = sample_ingest.copy(tmp_path / "local"), sample_ingest.copy(tmp_path / "cluster")
    here = run_cli("extract", "--all", db=local)
    there = run_cli("--scheduler", scheduler, "extract", "--all", db=clustered)
    assert here.returncode == there.returncode == 0, there.stderr
    assert there.stdout == here.stdout and there.stdout.startswith("extracted ")
    local_tables, cluster_tables = _stored(local), _stored(clustered)
    for name in ("mentions", "mentioned_dates", "extractions"):
        pd.testing.assert_frame_equal(cluster_tables[name], local_tables[name], obj=name)


def test_a_worker_killed_mid_run_loses_nothing(scheduler, tmp_path):
    """A worker process killed while it cleans (SIGKILL: what the kernel does for lack of memory):
    Dask runs its tasks again on the other worker, its nanny starts a new one, and the store ends
    as the local run leaves it."""
    _exports(tmp_path / "exports")
    local = run_cli("ingest", "--quiet", str(tmp_path / "exports"), db=tmp_path / "local.db")
    assert local.returncode == 0, local.stderr
    with distributed.Client(scheduler, set_as_default=False) as client:
        victim = sorted(client.run(os.getpid).values())[0]
        process, out, err = _cluster_ingest_killing(victim, scheduler, tmp_path)
        assert process.returncode == 0, err.read_text()
        client.wait_for_workers(2, timeout=90)  # the nanny's new worker, for the tests after this one
        assert victim not in client.run(os.getpid).values()
    err = err.read_text()
    assert "Traceback" not in err
    local_tables, cluster_tables = _stored(tmp_path / "local.db"), _stored(tmp_path / "cluster.db")
    assert len(local_tables["articles"]) == 2 * EXPORT_ROWS
    for name in _TABLES:
        pd.testing.assert_frame_equal(cluster_tables[name], local_tables[name], obj=name)


def test_a_scheduler_lost_mid_run_is_one_line_and_a_rerun_completes(tmp_path):
    """The scheduler killed after the first committed chunk: the command stops with the summary and
    one line (exit 5), keeps what it reported stored, and a run without a cluster completes the rest
    to the same store as a local run from the start."""
    _exports(tmp_path / "exports")
    with dask_bench.local_cluster(1, tmp_path / "logs") as address:
        with distributed.Client(address, set_as_default=False) as client:
            scheduler_pid = client.run_on_scheduler(os.getpid)
        process, out, err = _cluster_ingest_killing(scheduler_pid, address, tmp_path,
                                                    DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT="3s")
    assert process.returncode == 5, err.read_text()
    assert err.read_text().splitlines() == [f"Dask scheduler {address}: the connection to the scheduler was lost; what "
                                            "was reported stored is kept; run again to continue"]
    assert "stopped" in out.read_text().splitlines()[-1]
    again = run_cli("ingest", "--quiet", str(tmp_path / "exports"), db=tmp_path / "cluster.db")
    assert again.returncode == 0, again.stderr
    local = run_cli("ingest", "--quiet", str(tmp_path / "exports"), db=tmp_path / "local.db")
    assert local.returncode == 0, local.stderr
    local_tables, cluster_tables = _stored(tmp_path / "local.db"), _stored(tmp_path / "cluster.db")
    for name in _TABLES:
        if name != "ingested_files":  # a file finished by the re-run records that run's counts
            pd.testing.assert_frame_equal(cluster_tables[name], local_tables[name], obj=name)


def test_an_unreachable_scheduler_is_one_line_and_nothing_is_stored(tmp_path):
    address = f"tcp://127.0.0.1:{dask_bench.free_port()}"  # nothing listens there
    db = tmp_path / "store.db"
    env = dict(os.environ, PYTHONPATH=str(REPO), GEOWIRE_SCHEDULER=address,
               DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT="2s")
    done = subprocess.run([sys.executable, "-m", "core", "--db", str(db), "ingest", str(config.SAMPLES_DIR)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 5
    assert done.stderr.splitlines() == [done.stderr.strip()]
    assert done.stderr.startswith(f"error: Dask scheduler {address}: cannot be reached (")
    assert "Traceback" not in done.stderr and done.stdout == ""
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from articles")).scalar() == 0
    engine.dispose()


def test_a_scheduler_address_that_is_not_one_is_refused_before_anything_runs(tmp_path):
    done = run_cli("extract", "--scheduler", "not an address", db=tmp_path / "store.db")
    assert done.returncode == 2
    assert done.stderr.strip() == ("error: scheduler 'not an address': expected a Dask scheduler address such as "
                                   "tcp://HOST:8786 (protocols: tcp, tls, ucx, ws, wss, inproc)")
