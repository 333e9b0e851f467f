"""The dashboard server's memory: Arrow's buffers and every script thread on one glibc heap, and
what a run freed handed back to the system (measured at 1M articles: docs/scaling-store.md).
Imported by ``ui.corpus`` before any frame is read, so the settings hold for every buffer."""
from __future__ import annotations

import ctypes
import ctypes.util

import pyarrow as pa

# Arrow's buffers (pandas' strings, the Parquet reader's) from the C library's allocator rather than
# Arrow's bundled mimalloc: mimalloc kept the pages freed by one session's script thread for that
# thread, out of reach of every hand-back, so a 1M-article server's RSS only grew with its
# sessions' selections; glibc's are handed back by ``hand_back_freed_memory`` after each run.
pa.set_memory_pool(pa.system_memory_pool())


def _one_heap() -> None:
    """One glibc heap for every thread. Streamlit runs each session's script in a thread of its
    own, and glibc gave threads arenas of their own (up to eight a core): the columns a run freed
    stayed in its arena, partly used pages that malloc_trim cannot hand back, and a 1M-article
    server grew by ~300 MB more over a dozen filter changes (measured with MALLOC_ARENA_MAX=1 set
    outside, which this does from inside). The threads then share one lock for their allocations,
    which two cores and a few analysts' sessions do not notice. Elsewhere than glibc this does
    nothing. Python has no binding for mallopt."""
    try:
        ctypes.CDLL(ctypes.util.find_library("c")).mallopt(_M_ARENA_MAX, 1)
    except (OSError, AttributeError, TypeError):
        pass


_M_ARENA_MAX = -8  # glibc's malloc.h
_one_heap()


def hand_back_freed_memory() -> None:
    """Return the heap pages freed while the frames were read and indexed, or while a page ran, to
    the system. glibc's malloc keeps them for reuse (numpy's temporary arrays of ten million rows
    raise its threshold for doing so, and each script thread may have its own arena), which kept
    ~0.5 GB of a 1M-article server's RSS that nothing used after the preload, and 100-200 MB more
    after a page's run. It takes 1-10 ms at 1M articles. Python has no binding for malloc_trim;
    elsewhere than glibc this does nothing."""
    libc = ctypes.util.find_library("c")
    try:
        ctypes.CDLL(libc).malloc_trim(0)
    except (OSError, AttributeError, TypeError):
        pass
