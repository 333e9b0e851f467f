"""Errors that name the input and the problem, so pages and the command line can show them as they are."""
from __future__ import annotations


class InputError(ValueError):
    """A file, row or item that cannot become an article.

    ``str(err)`` reads ``path[: where]: problem`` so that a user can find the offender.
    """

    def __init__(self, path: str, problem: str, where: str | None = None):
        self.path = str(path)
        self.problem = problem
        self.where = where
        location = f"{self.path}: {where}" if where else self.path
        super().__init__(f"{location}: {problem}")


class ConfigError(ValueError):
    """A setting with a value that is not allowed; the message names the key and the allowed values."""


class ExportError(RuntimeError):
    """An export that could not be made or written, and what to do about it.

    Raised for PNG, SVG and PDF charts when no Chromium-family browser is found or the browser
    fails (the message names what is missing and how to install it, so a page can show it as it is
    and still offer the HTML export, which needs no browser), and when a data file cannot be
    written (the message names the file and says the file that was there is unchanged).
    """


class StoreError(RuntimeError):
    """A write the store could not take. The transaction it interrupted was rolled back; every
    transaction committed before it is kept. ``str(err)`` is one line naming the store (and the file
    being stored, when there was one), for the command line and the pages to show as it is.
    ``exit_code`` is the command line's status for it (documented in docs/ingest.md)."""

    exit_code = 1

    def __init__(self, store: str, reason: str, path: str | None = None):
        self.store = store
        self.reason = reason
        self.path = path
        super().__init__(self._line())

    def during(self, path: str) -> StoreError:
        """The same error, naming the file that was being stored."""
        self.path = path
        self.args = (self._line(),)
        return self

    def _line(self) -> str:
        return f"{self.store}: {self.reason}" + (f", while storing {self.path}" if self.path else "")


class StoreBusy(StoreError):
    """Another process held the store's write lock for longer than this one was willing to wait."""

    exit_code = 3

    def __init__(self, store: str, seconds: float, path: str | None = None):
        self.seconds = seconds
        super().__init__(store, f"another process has been writing for over {seconds:g} s", path)

    def _line(self) -> str:
        return f"store busy: {super()._line()}; nothing more was stored; run again to continue"


class StoreWriteError(StoreError):
    """The store's files could not be written: a full disk, a file-size limit, an I/O error or a
    read-only store."""

    exit_code = 4

    def _line(self) -> str:
        return (f"store not written: {super()._line()}; what was reported stored is kept, nothing more was stored; "
                "free disk space (or fix the store's folder) and run again to continue")


# Errors whose message is written for the user and is shown as it is (one line, no type name).
USER_ERRORS = (InputError, ConfigError, ExportError, StoreError)


class ClusterError(RuntimeError):
    """The Dask cluster the work was sent to could not do it: its scheduler unreachable or lost,
    no workers, workers without the project, or a worker killed by the same work again and again.
    ``str(err)`` is one line naming the scheduler; what was reported stored before it is kept (the
    store is written by the driving process alone, in its bounded transactions), so a re-run
    continues. ``exit_code`` is the command line's status for it."""

    exit_code = 5

    def __init__(self, address: str, reason: str):
        self.address = address
        self.reason = reason
        super().__init__(f"Dask scheduler {address}: {reason}")
