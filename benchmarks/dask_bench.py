"""Dask benchmark: articles/s of ``python -m core ingest`` (ingest and extraction) on a Dask cluster
of 1 and 2 workers, against the same run on this machine without a cluster.

For each corpus size N it writes a synthetic corpus of realistic articles with the ingest
benchmark's generator (``benchmarks/ingest_bench.py``: ~3 KB scraped pages in nine languages,
HTML pages, feeds and CSV/JSONL exports, kind ``mixed`` by default), then times, each into a fresh
SQLite store, run as a user runs it (a subprocess):

* ``local``: ``python -m core --db DB ingest --quiet DIR`` (worker processes on this machine for
  large batches, as today);
* ``dask-K`` for K in ``--workers``: the same with ``--scheduler``, against a ``dask scheduler``
  and K ``dask worker --nthreads 1`` processes started on 127.0.0.1 for the measurement. ``cold``
  is the first run on the fresh cluster (each worker builds the matcher's per-language indexes,
  ~13 s, as a fresh local process does); ``warm`` a second run into another fresh store on the
  same cluster, as a long-lived cluster serves one ingest after another.

articles/s = articles stored (from the printed summary) / wall time of the whole command, from
its start to the end of extraction; ``driver CPU`` is the CPU time of the command's process (with
its local worker processes, if it started any): on a cluster, the share of the work that stays
with the one writer, which bounds what more workers can give. The scheduler and workers are stopped after each K, also when
interrupted. On this 2-core machine a cluster of workers competes with the driving process for
the same two cores, so these figures show the overhead and the correctness of the path more than
the speed-up a cluster of real machines gives; other processes running at the same time make them
noisy. It also prints each worker's RSS after the runs (language models and the matcher's indexes). Run from the repository root:

    PYTHONPATH=. .venv/bin/python benchmarks/dask_bench.py --sizes 2000 --workers 1,2

Options: ``--sizes`` (default 2000), ``--kind`` (text, html or mixed; default mixed),
``--workers`` (default 1,2), ``--keep DIR`` keeps the corpus, stores and logs. It exits 0 whatever
it measures: it is a benchmark, not a test.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import distributed

from benchmarks import ingest_bench

REPO = Path(__file__).resolve().parent.parent

_STORED = re.compile(r"(\d+) article\(s\) stored")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def local_cluster(workers: int, logs: Path, threads: int = 1) -> Iterator[str]:
    """A ``dask scheduler`` and ``workers`` ``dask worker`` processes on 127.0.0.1 (free port, no
    dashboard, the project on their PYTHONPATH), ready: yields the scheduler's address; every
    process is stopped at the end, also on an error (each runs in a session of its own, so its
    group holds what it starts: a worker's nanny and its worker)."""
    logs.mkdir(parents=True, exist_ok=True)
    address = f"tcp://127.0.0.1:{free_port()}"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    processes: list[subprocess.Popen] = []

    def start(name: str, *args: str) -> None:
        with open(logs / f"{name}.log", "wb") as log:
            processes.append(subprocess.Popen([sys.executable, "-m", *args], cwd=logs, env=env, stdout=log,
                                              stderr=subprocess.STDOUT, start_new_session=True))

    try:
        start("scheduler", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port",
              address.rsplit(":", 1)[1], "--no-dashboard")
        for n in range(1, workers + 1):
            start(f"worker{n}", "distributed.cli.dask_worker", address, "--nthreads", str(threads), "--host",
                  "127.0.0.1", "--no-dashboard", "--name", f"worker{n}")
        with distributed.Client(address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=90)
        yield address
    finally:
        _stop(processes)


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + 20
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        _signal_group(process, signal.SIGKILL)
        process.wait()


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


@dataclass
class Run:
    label: str
    seconds: float
    stored: int
    returncode: int
    error: str
    cpu: float  # seconds of CPU of the command's process (and of its local worker processes)

    def line(self) -> str:
        if self.returncode != 0:
            return f"{self.label:<14} failed (exit {self.returncode}): {self.error.strip().splitlines()[-1:]}"
        return (f"{self.label:<14} {self.stored:>7} articles  {self.seconds:8.1f} s  "
                f"{self.stored / self.seconds:8.1f} articles/s  driver CPU {self.cpu:6.1f} s")


def ingest(label: str, corpus: Path, db: Path, scheduler: str | None = None) -> Run:
    command = [sys.executable, "-m", "core", "--db", str(db), "ingest", "--quiet", str(corpus)]
    if scheduler:
        command += ["--scheduler", scheduler]
    started, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True, text=True)
    seconds, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    found = _STORED.search(done.stdout)
    return Run(label, seconds, int(found.group(1)) if found else 0, done.returncode, done.stderr, cpu)


def _worker_rss(address: str) -> str:
    with distributed.Client(address, set_as_default=False) as client:
        sizes = client.run(lambda: __import__("psutil").Process().memory_info().rss)
    return ", ".join(f"{size / 2**20:.0f} MB" for _, size in sorted(sizes.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000")
    parser.add_argument("--kind", choices=("text", "html", "mixed"), default="mixed")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="dask-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"{os.cpu_count()} core(s); corpus kind {args.kind}; workers --nthreads 1")
    try:
        for n in (int(s) for s in args.sizes.split(",")):
            corpus = work / f"corpus-{n}"
            if not corpus.exists():
                ingest_bench.generate(args.kind, n, corpus)
            files, size = ingest_bench.corpus_files(corpus)
            print(f"\nN={n}: {files} files, {size / 2**20:.1f} MB")
            print(ingest("local", corpus, work / f"local-{n}.db").line(), flush=True)
            for k in (int(s) for s in args.workers.split(",")):
                with local_cluster(k, work / f"logs-{n}-{k}") as address:
                    print(ingest(f"dask-{k} cold", corpus, work / f"dask-{n}-{k}-cold.db", address).line(), flush=True)
                    print(ingest(f"dask-{k} warm", corpus, work / f"dask-{n}-{k}-warm.db", address).line(), flush=True)
                    print(f"{'':<14} worker RSS after the runs: {_worker_rss(address)}", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
