"""Where the per-file and per-article work runs: worker processes on this machine
(``process_pool``, which end with the process that started them), or a Dask cluster.

``connect(address)`` gives a ``Pool`` over a Dask client's ``concurrent.futures`` executor
(``Client.get_executor``), or None without an address, and then the work runs as it always has
(in this process, or in the local worker processes of ``core.ingest.workers``). The stages take
the pool as a parameter: reading, cleaning, language and dates of files and export rows
(``core.ingest``), actors and mentioned dates of stored articles (``core.actors.extraction``)
run on the workers, partition by partition; their results come back in order to the driving
process, which alone writes the store, in the same bounded transactions as without a cluster.
So a lost worker or scheduler loses only work in flight, never a half-written article.

A failure of the cluster itself is one line (``core.errors.ClusterError``): a scheduler that
cannot be reached or is lost, no workers for ``NO_WORKERS_SECONDS``, workers that cannot import
this project or run another version of it. Dask itself runs a task again on another worker when
its worker dies; a task that kills ``distributed.scheduler.allowed-failures`` workers in a row is
reported as ``WorkerLost`` to the stage, which decides what to reject.
"""
from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import ctypes
import dataclasses
import logging
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator

from core import __version__
from core.errors import ClusterError

# How long the first worker is awaited when the scheduler has none, and how long a run waits
# without any worker before it stops: a cluster being scaled up takes tens of seconds.
NO_WORKERS_SECONDS = 60.0
# How often a wait for a result looks whether the cluster is still there.
_WATCH_SECONDS = 5.0
# prctl's option that asks for a signal when the parent process dies (linux/prctl.h).
_PR_SET_PDEATHSIG = 1


def process_pool(jobs: int) -> concurrent.futures.ProcessPoolExecutor:
    """Worker processes on this machine (forked, so they share the loaded language models) that
    end with the process that started them."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return concurrent.futures.ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method),
                                                  initializer=_end_with_parent, initargs=(os.getpid(),))


def _end_with_parent(parent: int) -> None:
    """A worker waits on a task queue whose pipe it shares with its parent, so a parent killed with
    SIGKILL (a kill -9, the kernel out of memory) left its workers waiting for ever. Linux's
    parent-death signal ends them with it; Python has no binding for prctl, hence ctypes."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(0)


def _itself(value):
    return value


class WorkerLost(RuntimeError):
    """The worker running a task died, and so did those Dask gave it to after (killed, perhaps for
    lack of memory): the input of that task is what kills them."""


@dataclasses.dataclass
class Pool:
    """A Dask client's executor and how many tasks to keep in flight on it (``slots``: the
    cluster's threads when connected; twice as many are submitted, so that no worker waits for the
    driver)."""
    executor: concurrent.futures.Executor
    slots: int
    address: str
    _client: object = dataclasses.field(repr=False, default=None)
    # distributed.KilledWorker: Dask's word for a task whose workers died, given by connect
    _killed: tuple[type[BaseException], ...] = dataclasses.field(repr=False, default=())

    def share(self, value):
        """``value`` for the tasks of this run (the actor dictionary, the lexicon), sent to the
        cluster once: what to pass to ``ordered`` in its place. It is the result of a task holding
        it, so each worker fetches it once, keeps one copy (the matcher's indexes are cached per
        dictionary object), and a worker that dies holding it only means the task runs again.
        A broadcast ``scatter`` was tried first: with a worker killed mid-run it waited without
        end for the dead worker's replica (seen while an ingest ran)."""
        self._check(None)
        return self._client.submit(_itself, value, pure=False)

    def result(self, future: concurrent.futures.Future):
        """The future's result, or ``WorkerLost``, or ``ClusterError`` when the scheduler is lost
        or has had no worker for ``NO_WORKERS_SECONDS``; an error of the task itself is raised as is."""
        alone_since = None
        while True:
            try:
                return future.result(timeout=_WATCH_SECONDS)
            except TimeoutError:
                alone_since = self._check(alone_since)
            except concurrent.futures.CancelledError:
                raise ClusterError(self.address, "the connection to the scheduler was lost; what was reported stored "
                                                 "is kept; run again to continue") from None
            except self._killed as err:
                raise WorkerLost(str(err)) from None

    def ordered(self, task: Callable, items: Iterable, *shared) -> Iterator:
        """``task(item, *shared)`` for every item, run on the cluster, in the items' order: at most
        ``2 * slots`` items are taken ahead of the result the caller is on, so memory stays flat."""
        pending: collections.deque = collections.deque()
        try:
            for item in items:
                pending.append(self.executor.submit(task, item, *shared))
                if len(pending) >= 2 * self.slots:
                    yield self.result(pending.popleft())
            while pending:
                yield self.result(pending.popleft())
        finally:
            for future in pending:
                future.cancel()

    def _check(self, alone_since: float | None) -> float | None:
        if self._client.status not in ("running", "connecting"):
            raise ClusterError(self.address, "the connection to the scheduler was lost; what was reported stored is "
                                             "kept; run again to continue")
        try:
            workers = self._client.scheduler_info(n_workers=-1).get("workers", {})
        except OSError as err:
            raise ClusterError(self.address, f"the scheduler stopped answering ({_reason(err)}); what was reported "
                                             "stored is kept; run again to continue") from None
        if workers:
            return None
        now = time.monotonic()
        if alone_since is not None and now - alone_since > NO_WORKERS_SECONDS:
            raise ClusterError(self.address, f"no worker for {NO_WORKERS_SECONDS:g} s (all stopped or killed); what "
                                             "was reported stored is kept; run again to continue")
        return alone_since or now


@contextlib.contextmanager
def connect(address: str | None) -> Iterator[Pool | None]:
    """A ``Pool`` on the Dask scheduler at ``address`` (None without one), checked: it has a worker
    within ``NO_WORKERS_SECONDS``, and every worker imports this project at this version. Raises
    ``ClusterError`` (one line) otherwise. The connection waits Dask's own
    ``distributed.comm.timeouts.connect`` (``DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT``)."""
    if address is None:
        yield None
        return
    # Imported here, not with the module: ~0.4 s and ~40 MB that a run without a cluster (every
    # dashboard start, every local command) does not need.
    try:
        import distributed
    except ImportError as err:
        raise ClusterError(address, f"Dask is not installed here ({err}): pip install -r requirements.txt") from None
    with _quiet(logging.getLogger("distributed")):
        try:
            client = distributed.Client(address, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as err:
            raise ClusterError(address, f"cannot be reached ({_reason(err)}); is `dask scheduler` running there, "
                                        "and is the address right?") from None
        with _connected(client, address, distributed.KilledWorker) as pool:
            yield pool


@contextlib.contextmanager
def _connected(client, address: str, killed: type[BaseException]) -> Iterator[Pool]:
    try:
        try:
            _check_workers(client, address)
            slots = max(1, sum(client.nthreads().values()))
        except OSError as err:  # the scheduler went away while being asked
            raise ClusterError(address, f"the scheduler stopped answering ({_reason(err)})") from None
        # pure=False: the same group of files submitted twice (after a lost worker) runs twice.
        yield Pool(client.get_executor(pure=False), slots, address, client, (killed,))
    finally:
        client.close()


@contextlib.contextmanager
def _quiet(logger: logging.Logger) -> Iterator[None]:
    """Dask logs a lost scheduler or worker on standard error, tracebacks included, while the
    command says what happened in one line (``ClusterError``): its handlers pass only critical
    records meanwhile."""
    handlers = [(handler, handler.level) for handler in logger.handlers]
    for handler, _ in handlers:
        handler.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for handler, level in handlers:
            handler.setLevel(level)


def _check_workers(client, address: str) -> None:
    try:
        client.wait_for_workers(1, timeout=NO_WORKERS_SECONDS)
    except TimeoutError:
        raise ClusterError(address, f"no worker joined in {NO_WORKERS_SECONDS:g} s: start `dask worker {address}` "
                                    "with this project on its PYTHONPATH") from None
    versions = client.run(project_version, on_error="return")
    wrong = {worker: found for worker, found in versions.items() if found != __version__}
    if wrong:
        worker, found = next(iter(sorted(wrong.items())))
        what = (f"cannot import this project ({_reason(found)})" if isinstance(found, BaseException)
                else f"runs version {found} of this project, not {__version__}")
        raise ClusterError(address, f"{len(wrong)} of {len(versions)} worker(s) {what}, e.g. {worker}: workers need "
                                    "the same project and packages on their PYTHONPATH (docs/scaling.md)")


def project_version() -> str:
    """This project's version, run on each worker: a worker that cannot import the project fails
    here, before any file is given to it."""
    return __version__


def _reason(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return f"{type(err).__name__}: {text}" if text else type(err).__name__
