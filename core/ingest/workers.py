"""Worker processes that prepare groups of small files (``core.ingest.prepare.prepare_group``), and
batches of an export's records (``prepare.prepare_records``), while the driving process reads
and stores the ones before them.

The task each worker runs is a module-level function, so that it pickles by name; the workers
are forked after the language models are loaded, so they share them.
"""
from __future__ import annotations

import collections
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from core import cluster
from core.errors import ClusterError
from core.ingest import language, prepare

# Why a file is rejected when the worker process cleaning it died: the operating system kills a
# process that runs out of memory without a word, and nothing else kills the workers.
_WORKER_DIED = "could not be read: the process cleaning it died (killed, perhaps for lack of memory)"


class Workers:
    """Worker processes that clean groups of files ahead of the storing process, at most a few
    groups ahead so that memory stays flat however many files there are.

    A worker that dies (killed for memory) breaks the pool and every group in flight with it:
    ``concurrent.futures`` reports that (``BrokenProcessPool``) where ``multiprocessing.Pool``
    would wait for ever for the lost task. The groups that were in flight are then cleaned again
    one at a time in a fresh pool; a group that breaks it alone is split into its files, and the
    file that breaks it alone is rejected with the reason.

    With a Dask cluster (``core.cluster.Pool``) the groups are cleaned on its workers instead, as
    many ahead as it has threads; Dask runs a group whose worker died on another, and a group that
    kills ``WorkerLost`` is split in the same way."""

    def __init__(self, jobs: int, cluster_pool: cluster.Pool | None = None):
        self.cluster = cluster_pool
        self.jobs = cluster_pool.slots if cluster_pool else max(1, jobs)
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self):
        if self.cluster is not None:
            self.pool = self.cluster.executor
        elif self.jobs > 1:
            # Loaded before the fork, the language models are shared by the workers instead of
            # being loaded once in each.
            language.preload()
            self.pool = self._new_pool()
        return self

    def __exit__(self, *exc):
        if self.pool is not None and self.cluster is None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def _new_pool(self) -> ProcessPoolExecutor:
        return cluster.process_pool(self.jobs)

    def _restart(self) -> None:
        if self.cluster is not None:  # Dask replaces its dead workers itself
            return
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self._new_pool()

    def prepare(self, groups: Iterable[list[str]], *args) -> Iterator[list[prepare.Prepared]]:
        """``prepare.prepare_group`` of every group, in order."""
        if self.pool is None:
            for group in groups:
                yield prepare.prepare_group(group, *args)
            return
        pending: collections.deque = collections.deque()
        for group in groups:
            pending.append((group, self.pool.submit(prepare.prepare_group, group, *args)))
            if len(pending) >= 2 * self.jobs:
                yield from self._next_result(pending, args)
        while pending:
            yield from self._next_result(pending, args)

    def _next_result(self, pending: collections.deque, args) -> Iterator[list[prepare.Prepared]]:
        group, future = pending.popleft()
        try:
            yield self._result(future)
            return
        except BrokenProcessPool:
            lost = [group] + [other for other, _ in pending]
            pending.clear()
        except cluster.WorkerLost:  # on a cluster only this group's task is lost; the others go on
            lost = [group]
        except ClusterError:
            raise
        except Exception as err:  # a result that cannot come back (it failed to pickle): the group is rejected
            yield [_lost(path, prepare.unreadable(err)) for path in group]
            return
        self._restart()
        for group in lost:
            yield from self._alone(group, args)

    def _alone(self, group: list[str], args) -> Iterator[list[prepare.Prepared]]:
        try:
            yield self._result(self.pool.submit(prepare.prepare_group, group, *args))
            return
        except (BrokenProcessPool, cluster.WorkerLost):
            self._restart()
        if len(group) == 1:
            yield [_lost(group[0], _WORKER_DIED)]
            return
        for path in group:
            yield from self._alone([path], args)

    def _result(self, future):
        return self.cluster.result(future) if self.cluster is not None else future.result()
    def prepare_records(self, raw_batches: Iterable[list[dict]], source, lexicon) -> Iterator[list[dict]]:
        """``prepare.prepare_records`` of every batch of an export's raw records, in order, at
        most ``2 * jobs`` batches ahead of the one being stored. A batch whose worker died is
        cleaned again alone, then record by record; the record that kills a worker alone is
        rejected with the reason."""
        if self.pool is None:
            for batch in raw_batches:
                yield prepare.prepare_records(batch, source, lexicon)
            return
        pending: collections.deque = collections.deque()
        for batch in raw_batches:
            pending.append((batch, self.pool.submit(prepare.prepare_records, batch, source, lexicon)))
            if len(pending) >= 2 * self.jobs:
                yield from self._next_rows(pending, source, lexicon)
        while pending:
            yield from self._next_rows(pending, source, lexicon)

    def _next_rows(self, pending: collections.deque, source, lexicon) -> Iterator[list[dict]]:
        batch, future = pending.popleft()
        try:
            yield future.result()
            return
        except BrokenProcessPool:
            lost = [batch] + [other for other, _ in pending]
            pending.clear()
        except Exception as err:  # a result that cannot come back: the batch's records are rejected
            yield [dict(record, problem=prepare.unreadable(err)) for record in batch]
            return
        self._restart()
        for batch in lost:
            yield self._records_alone(batch, source, lexicon)

    def _records_alone(self, batch: list[dict], source, lexicon) -> list[dict]:
        try:
            return self.pool.submit(prepare.prepare_records, batch, source, lexicon).result()
        except BrokenProcessPool:
            self._restart()
        if len(batch) == 1:
            return [dict(batch[0], problem=_WORKER_DIED)]
        return [row for record in batch for row in self._records_alone([record], source, lexicon)]


def _lost(path: str, problem: str) -> prepare.Prepared:
    """A file rejected without its worker's answer."""
    try:
        state = prepare.file_state(path)
    except OSError:
        state = None
    return prepare.Prepared(path, state, problem=problem)
